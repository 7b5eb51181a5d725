//! The public page of a link (a team link or vacancies), and signing up through it: logging
//! in, registering through the CPR registry, joining the team or taking a seat.

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use valghalla::core::ids::SpecialDietId;
use valghalla::core::model::{LinkKind, LinkToken};
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
}

#[derive(Template)]
#[template(path = "borger/link.html")]
struct LinkPage {
    layout: Layout,
    token: String,
    team_link: bool,
    vacancies: Vec<VacancyRow>,
    logged_in: bool,
    participant: bool,
    login_href: String,
    errors: FormErrors,
}

async fn link_page(
    state: &Tenant,
    viewer: Viewer,
    token: &str,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let lt = LinkToken::from_string(token.to_owned());
    let (link, vacancies) = match state.svc.link_vacancies(&lt).await {
        Ok(v) => v,
        Err(valghalla::Error::Refused(_)) => return Err(AppError::NotFound),
        Err(e) => return Err(e.into()),
    };
    let logged_in = viewer.user_label().is_some();
    let page = LinkPage {
        layout: viewer.layout("Meld dig som valgtilforordnet"),
        token: token.to_owned(),
        team_link: matches!(link.kind, LinkKind::Team { .. }),
        vacancies: vacancies
            .into_iter()
            .map(|v| VacancyRow {
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
        login_href: format!("/login?next={}", encode_path(&format!("/link/{token}"))),
        errors,
    };
    render(&page)
}

/// GET /link/{token}: what a link offers (public).
pub async fn link(
    state: Tenant,
    viewer: Viewer,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    link_page(&state, viewer, &token, FormErrors::none()).await
}

fn signup_path(token: &str) -> String {
    format!("/link/{token}/tilmeld")
}

/// POST /link/{token}/tag: takes a vacant seat of the chosen task through the link.
pub async fn take(
    state: Tenant,
    me: Me,
    Path(token): Path<String>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    if me.0.participant().is_none() {
        return Ok(Redirect::to(&signup_path(&token)).into_response());
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
            link_page(&state, me.0, &token, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /link/{token}/team: joins the team of a team link.
pub async fn join(state: Tenant, me: Me, Path(token): Path<String>) -> Result<Response, AppError> {
    if me.0.participant().is_none() {
        return Ok(Redirect::to(&signup_path(&token)).into_response());
    }
    let lt = LinkToken::from_string(token);
    state.svc.join_team(&me.0.actor, &lt).await?;
    done(&me.0, "/min-profil", "Du er nu med i teamet.").await
}

#[derive(Template)]
#[template(path = "borger/tilmeld.html")]
struct SignupPage {
    layout: Layout,
    token: String,
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
) -> Result<Response, AppError> {
    let Some((_, name)) = citizen(&me) else {
        return Err(AppError::NotFound);
    };
    if me.0.participant().is_some() {
        return Ok(Redirect::to(&format!("/link/{token}")).into_response());
    }
    let page = SignupPage {
        layout: me.0.layout("Tilmelding"),
        token,
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
    if errors.is_empty() {
        let lt = LinkToken::from_string(token.clone());
        match state
            .svc
            .register_through_link(cpr, contact, chosen.clone(), &lt)
            .await
        {
            Ok(p) => {
                me.0.update(|s| s.participant = Some(p.id)).await?;
                let to = format!("/link/{token}");
                return done(&me.0, &to, "Du er tilmeldt. Vælg nu en opgave.").await;
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
        name,
        mobile: form.get("mobil").to_owned(),
        email: form.get("email").to_owned(),
        diets: diets(&state, &chosen).await?,
        errors,
    };
    render(&page)
}
