//! The public page of a link (a team link or vacancies), and signing up through it: logging
//! in, registering through the CPR registry (with the privacy statement and consent), joining
//! the team or taking a seat. The task chosen on a vacancy link (`?plads=`) is carried through
//! the login and the sign-up, so the person ends with that task, not a list to choose from
//! again.

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use valghalla::core::ids::SpecialDietId;
use valghalla::core::model::{LinkKind, LinkToken, SlotKey};
use valghalla::core::rules::access::Actor;
use valghalla::core::service::{Failure, SeatRef};

use super::common::{citizen, diets};
use crate::state::{PortalState, Tenant};
use crate::web::forms::{parse_contact, parse_slot, slot_value};
use crate::web::guard::encode_path;
use crate::web::views::{da_date, done};
use crate::web::{AppError, Choice, FormData, FormErrors, Layout, Me, Viewer, render};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/link/{token}", get(link))
        .route("/link/{token}/tag", post(take))
        .route("/link/{token}/team", post(join))
        .route("/link/{token}/tilmeld", get(signup_form).post(signup))
}

struct VacancyRow {
    location: String,
    address: String,
    task_type: String,
    date: String,
    time: String,
    vacant: u32,
    slot: String,
    /// For a visitor who is not logged in: log in and come back to this task.
    choose_href: String,
}

#[derive(Template)]
#[template(path = "borger/link.html")]
struct LinkPage {
    layout: Layout,
    token: String,
    team_link: bool,
    team_name: String,
    /// The task chosen before logging in, as a form value (empty: none).
    chosen: String,
    vacancies: Vec<VacancyRow>,
    logged_in: bool,
    participant: bool,
    login_href: String,
    errors: FormErrors,
}

/// The privacy statement's version: the consent a sign-up records names it, so the retention
/// job knows which text the person agreed to.
pub const PRIVACY_TEXT_VERSION: &str = "privatliv-2026-1";

/// The task chosen on a link, carried through login and sign-up.
#[derive(Deserialize, Default)]
pub struct Chosen {
    plads: Option<String>,
}

impl Chosen {
    fn slot(&self) -> Option<SlotKey> {
        self.plads
            .as_deref()
            .filter(|p| !p.is_empty())
            .and_then(|p| parse_slot(p).ok())
    }
}

/// The name of the team a link is for (anyone may read the teams' names).
async fn team_name(state: &Tenant, kind: &LinkKind) -> Result<String, AppError> {
    let team = match kind {
        LinkKind::Team { team } => Some(*team),
        LinkKind::Vacancies(filter) => Some(filter.team),
        LinkKind::Seat { .. } => None,
    };
    let Some(team) = team else {
        return Ok(String::new());
    };
    Ok(state
        .svc
        .teams(&Actor::Anonymous)
        .await?
        .into_iter()
        .find(|t| t.id == team)
        .map(|t| t.name.to_string())
        .unwrap_or_default())
}

async fn link_page(
    state: &Tenant,
    viewer: Viewer,
    token: &str,
    chosen: Option<SlotKey>,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let lt = LinkToken::from_string(token.to_owned());
    let (link, vacancies) = match state.svc.link_vacancies(&lt).await {
        Ok(v) => v,
        Err(valghalla::Error::Refused(_)) => return Err(AppError::NotFound),
        Err(e) => return Err(e.into()),
    };
    let logged_in = viewer.user_label().is_some();
    // The chosen task comes first, alone, while it is still vacant.
    let chosen = chosen.filter(|c| vacancies.iter().any(|v| v.slot == *c));
    let back = match &chosen {
        Some(c) => format!("/link/{token}?plads={}", slot_value(c)),
        None => format!("/link/{token}"),
    };
    let page = LinkPage {
        layout: viewer.layout("Meld dig som valgtilforordnet"),
        token: token.to_owned(),
        team_link: matches!(link.kind, LinkKind::Team { .. }),
        team_name: team_name(state, &link.kind).await?,
        chosen: chosen.as_ref().map(slot_value).unwrap_or_default(),
        vacancies: vacancies
            .into_iter()
            .filter(|v| chosen.is_none_or(|c| v.slot == c))
            .map(|v| VacancyRow {
                choose_href: format!(
                    "/login?next={}",
                    encode_path(&format!("/link/{token}?plads={}", slot_value(&v.slot)))
                ),
                slot: slot_value(&v.slot),
                location: v.work_location,
                address: v.address,
                task_type: v.task_type,
                date: da_date(v.date),
                time: format!("{}–{}", v.start, v.end),
                vacant: v.vacant,
            })
            .collect(),
        logged_in,
        participant: viewer.participant().is_some(),
        login_href: format!("/login?next={}", encode_path(&back)),
        errors,
    };
    render(&page)
}

/// GET /link/{token}[?plads=…]: what a link offers (public); with `plads`, only the task
/// chosen before logging in.
pub async fn link(
    state: Tenant,
    viewer: Viewer,
    Path(token): Path<String>,
    Query(chosen): Query<Chosen>,
) -> Result<Response, AppError> {
    link_page(&state, viewer, &token, chosen.slot(), FormErrors::none()).await
}

fn signup_path(token: &str, chosen: Option<&str>) -> String {
    match chosen.filter(|c| !c.is_empty()) {
        Some(c) => format!("/link/{token}/tilmeld?plads={}", encode_path(c)),
        None => format!("/link/{token}/tilmeld"),
    }
}

/// POST /link/{token}/tag: takes a vacant seat of the chosen task through the link.
pub async fn take(
    state: Tenant,
    me: Me,
    Path(token): Path<String>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    if me.0.participant().is_none() {
        let to = signup_path(&token, Some(form.get("plads")));
        return Ok(Redirect::to(&to).into_response());
    }
    let slot = parse_slot(form.get("plads"))?;
    let lt = LinkToken::from_string(token.clone());
    match state
        .svc
        .take_seat(&me.0.actor, SeatRef::AnyIn(slot), Some(&lt))
        .await
    {
        Ok(_) => {
            done(
                &me.0,
                "/mine-opgaver",
                "Tak! Du har fået opgaven. Den står nu under Mine opgaver.",
            )
            .await
        }
        Err(e @ valghalla::Error::Refused(_)) => {
            let errors = FormErrors::from_service("ledige", &e);
            link_page(&state, me.0, &token, None, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /link/{token}/team: joins the team of a team link.
pub async fn join(state: Tenant, me: Me, Path(token): Path<String>) -> Result<Response, AppError> {
    if me.0.participant().is_none() {
        return Ok(Redirect::to(&signup_path(&token, None)).into_response());
    }
    let lt = LinkToken::from_string(token);
    state.svc.join_team(&me.0.actor, &lt).await?;
    done(
        &me.0,
        "/ledige-opgaver",
        "Du er nu med i teamet. Her er teamets ledige opgaver.",
    )
    .await
}

#[derive(Template)]
#[template(path = "borger/tilmeld.html")]
struct SignupPage {
    layout: Layout,
    token: String,
    chosen: String,
    consent: bool,
    version: &'static str,
    name: String,
    mobile: String,
    email: String,
    diets: Vec<Choice>,
    errors: FormErrors,
}

/// GET /link/{token}/tilmeld: registration for a citizen who is not a participant yet.
pub async fn signup_form(
    state: Tenant,
    me: Me,
    Path(token): Path<String>,
    Query(chosen): Query<Chosen>,
) -> Result<Response, AppError> {
    let Some((_, name)) = citizen(&me) else {
        return Err(AppError::NotFound);
    };
    let chosen = chosen.slot().as_ref().map(slot_value).unwrap_or_default();
    if me.0.participant().is_some() {
        let to = match chosen.as_str() {
            "" => format!("/link/{token}"),
            c => format!("/link/{token}?plads={c}"),
        };
        return Ok(Redirect::to(&to).into_response());
    }
    let page = SignupPage {
        layout: me.0.layout("Tilmelding"),
        token,
        chosen,
        consent: false,
        version: PRIVACY_TEXT_VERSION,
        name,
        mobile: String::new(),
        email: String::new(),
        diets: diets(&state, &BTreeSet::new()).await?,
        errors: FormErrors::none(),
    };
    render(&page)
}

/// POST /link/{token}/tilmeld: registers the logged-in citizen through the registry.
pub async fn signup(
    state: Tenant,
    me: Me,
    Path(token): Path<String>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let Some((cpr, name)) = citizen(&me) else {
        return Err(AppError::NotFound);
    };
    let mut errors = FormErrors::none();
    let contact = parse_contact(&form, &mut errors);
    if contact.mobile.is_none() && contact.email.is_none() && errors.is_empty() {
        errors.add(
            "mobil",
            "Angiv mobilnummer eller e-mail, så vi kan kontakte dig.",
        );
    }
    let chosen: BTreeSet<SpecialDietId> = form.parse_all("kost")?;
    let consent = form.get("samtykke") == "ja";
    let task = parse_slot(form.get("plads")).ok();
    if errors.is_empty() {
        let lt = LinkToken::from_string(token.clone());
        match state
            .svc
            .sign_up_through_link(
                cpr,
                contact,
                chosen.clone(),
                &lt,
                consent.then(|| PRIVACY_TEXT_VERSION.to_owned()),
            )
            .await
        {
            Ok(p) => {
                me.0.update(|s| s.participant = Some(p.id)).await?;
                let team_link = matches!(
                    state.svc.link_vacancies(&lt).await.map(|(l, _)| l.kind),
                    Ok(LinkKind::Team { .. })
                );
                if team_link {
                    let msg = "Du er tilmeldt og nu med i teamet. Her er teamets ledige opgaver.";
                    return done(&me.0, "/ledige-opgaver", msg).await;
                }
                return after_signup(&state, &me, &token, p.id, task).await;
            }
            Err(
                e @ (valghalla::Error::Refused(_)
                | valghalla::Error::NotInRegistry(_)
                | valghalla::Error::Failed(Failure::Registry(_))),
            ) => {
                errors = FormErrors::from_service("mobil", &e);
            }
            Err(e) => return Err(e.into()),
        }
    }
    let page = SignupPage {
        layout: me.0.layout("Tilmelding"),
        token,
        chosen: task.as_ref().map(slot_value).unwrap_or_default(),
        consent,
        version: PRIVACY_TEXT_VERSION,
        name,
        mobile: form.get("mobil").to_owned(),
        email: form.get("email").to_owned(),
        diets: diets(&state, &chosen).await?,
        errors,
    };
    render(&page)
}

/// After signing up: the task chosen on the link is taken at once (the person chose it before
/// logging in); without one, or if it is gone, back to the link to choose.
async fn after_signup(
    state: &Tenant,
    me: &Me,
    token: &str,
    participant: valghalla::core::ids::ParticipantId,
    task: Option<SlotKey>,
) -> Result<Response, AppError> {
    let to = format!("/link/{token}");
    let Some(slot) = task else {
        return done(&me.0, &to, "Du er tilmeldt. Vælg nu en opgave.").await;
    };
    // The session now names the participant; act as them.
    let actor = state.svc.person_actor(participant).await?;
    let lt = LinkToken::from_string(token.to_owned());
    match state
        .svc
        .take_seat(&actor, SeatRef::AnyIn(slot), Some(&lt))
        .await
    {
        Ok(_) => {
            done(
                &me.0,
                "/mine-opgaver",
                "Du er tilmeldt og har fået den opgave, du valgte. Den står under Mine opgaver.",
            )
            .await
        }
        Err(valghalla::Error::Refused(r)) => {
            use valghalla::core::DanishMessage;
            let why: Vec<String> = r.violations.iter().map(|v| v.message_da()).collect();
            let msg = format!(
                "Du er tilmeldt, men opgaven kunne ikke gives til dig: {} Vælg en anden.",
                why.join(" ")
            );
            done(&me.0, &to, &msg).await
        }
        Err(e) => Err(e.into()),
    }
}
