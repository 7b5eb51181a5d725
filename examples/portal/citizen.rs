//! Citizens: the public vacancy page of a link, signing up through it (logging in, registering
//! through the CPR registry, taking a seat), "mine opgaver" and "min profil".

use std::collections::BTreeSet;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use valghalla::core::DanishMessage;
use valghalla::core::ids::{SeatId, SpecialDietId};
use valghalla::core::model::{LinkKind, LinkToken, SeatStatus};
use valghalla::core::rules::access::Actor;
use valghalla::core::service::SeatRef;

use crate::auth::Identity;
use crate::secretariat::{Choice, parse_contact, parse_slot, slot_value};
use crate::web::{
    AppError, FormData, FormErrors, Layout, Me, Shared, Viewer, contact_values, da_date, done,
    encode_path, render, session_cookie, status_class, status_da,
};

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
    state: &Shared,
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
    // Anonymous visitors get a session so the page's forms carry a CSRF token.
    let (viewer, cookie) = match &viewer.session {
        Some(_) => (viewer, None),
        None => {
            let s = state.sessions.create(None).await;
            let c = session_cookie(&s.id);
            (
                Viewer {
                    session: Some(s),
                    ..viewer
                },
                Some(c),
            )
        }
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
    let mut res = render(&page)?;
    if let Some(c) = cookie
        && let Ok(v) = c.parse()
    {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(res)
}

/// GET /link/{token}: what a link offers (public).
pub async fn link(
    State(state): State<Shared>,
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
    State(state): State<Shared>,
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
        Ok(_) => Ok(done(
            &state,
            &me.0,
            "/mine-opgaver",
            "Tak! Du har fået opgaven. Den står nu under Mine opgaver.",
        )
        .await),
        Err(e @ valghalla::Error::Refused(_)) => {
            let errors = FormErrors::from_service("ledige", &e);
            link_page(&state, me.0, &token, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /link/{token}/team: joins the team of a team link.
pub async fn join(
    State(state): State<Shared>,
    me: Me,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    if me.0.participant().is_none() {
        return Ok(Redirect::to(&signup_path(&token)).into_response());
    }
    let lt = LinkToken::from_string(token);
    state.svc.join_team(&me.0.actor, &lt).await?;
    Ok(done(&state, &me.0, "/min-profil", "Du er nu med i teamet.").await)
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

async fn diets(state: &Shared, chosen: &BTreeSet<SpecialDietId>) -> Result<Vec<Choice>, AppError> {
    Ok(state
        .svc
        .special_diets(&Actor::Anonymous)
        .await?
        .into_iter()
        .map(|d| Choice {
            value: d.id.to_string(),
            label: d.title.to_string(),
            selected: chosen.contains(&d.id),
        })
        .collect())
}

fn citizen(me: &Me) -> Option<(valghalla::core::Cpr, String)> {
    match me.0.session.as_ref().and_then(|s| s.identity.as_ref()) {
        Some(Identity::Citizen { cpr, name }) => Some((*cpr, name.clone())),
        _ => None,
    }
}

/// GET /link/{token}/tilmeld: registration for a citizen who is not a participant yet.
pub async fn signup_form(
    State(state): State<Shared>,
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
    State(state): State<Shared>,
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
                state
                    .sessions
                    .update(me.0.session_id(), |s| s.participant = Some(p.id))
                    .await;
                let to = format!("/link/{token}");
                return Ok(done(&state, &me.0, &to, "Du er tilmeldt. Vælg nu en opgave.").await);
            }
            Err(
                e @ (valghalla::Error::Refused(_)
                | valghalla::Error::NotInRegistry(_)
                | valghalla::Error::Failed(valghalla::core::service::Failure::Registry(_))),
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

struct TaskRow {
    seat: SeatId,
    election: String,
    location: String,
    address: String,
    task_type: String,
    date: String,
    time: String,
    payment: String,
    status: &'static str,
    class: &'static str,
    invited: bool,
    accepted: bool,
    locked: bool,
    last_day: String,
}

#[derive(Template)]
#[template(path = "borger/opgaver.html")]
struct TasksPage {
    layout: Layout,
    tasks: Vec<TaskRow>,
    participant: bool,
    errors: FormErrors,
}

async fn tasks_page(state: &Shared, me: &Me, errors: FormErrors) -> Result<Response, AppError> {
    let participant = me.0.participant().is_some();
    let tasks = if participant {
        state
            .svc
            .my_tasks(&me.0.actor)
            .await?
            .into_iter()
            .map(|t| TaskRow {
                seat: t.seat,
                election: t.election,
                location: t.work_location,
                address: t.address,
                task_type: t.task_type,
                date: da_date(t.date),
                time: format!("{}–{}", t.start, t.end),
                payment: t.payment.map(|p| p.to_string()).unwrap_or_default(),
                status: status_da(t.status),
                class: status_class(t.status),
                invited: t.status == SeatStatus::Invited,
                accepted: t.status == SeatStatus::Accepted,
                locked: t.locked,
                last_day: da_date(t.last_day_to_withdraw),
            })
            .collect()
    } else {
        vec![]
    };
    let page = TasksPage {
        layout: me.0.layout("Mine opgaver"),
        tasks,
        participant,
        errors,
    };
    render(&page)
}

/// GET /mine-opgaver: the citizen's tasks.
pub async fn tasks(State(state): State<Shared>, me: Me) -> Result<Response, AppError> {
    tasks_page(&state, &me, FormErrors::none()).await
}

/// POST /mine-opgaver/{seat}/{action}: accept, decline or withdraw.
pub async fn answer(
    State(state): State<Shared>,
    me: Me,
    Path((seat, action)): Path<(SeatId, String)>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    let (result, msg) = match action.as_str() {
        "accepter" => (
            state.svc.accept(actor, seat, None).await,
            "Tak, du har accepteret opgaven.",
        ),
        "afvis" => (
            state.svc.decline(actor, seat, None).await,
            "Du har afvist opgaven.",
        ),
        "frameld" => (
            state.svc.withdraw(actor, seat).await,
            "Du er meldt fra opgaven.",
        ),
        _ => return Err(AppError::NotFound),
    };
    match result {
        Ok(()) => Ok(done(&state, &me.0, "/mine-opgaver", msg).await),
        Err(e @ valghalla::Error::Refused(_)) => {
            let errors = FormErrors::from_service(&format!("opgave-{seat}"), &e);
            tasks_page(&state, &me, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "borger/profil.html")]
struct ProfilePage {
    layout: Layout,
    participant: bool,
    name: String,
    address: String,
    mobile: String,
    email: String,
    diets: Vec<Choice>,
    errors: FormErrors,
}

async fn profile_page(
    state: &Shared,
    me: &Me,
    posted: Option<&FormData>,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let Some(pid) = me.0.participant() else {
        let page = ProfilePage {
            layout: me.0.layout("Min profil"),
            participant: false,
            name: me.0.user_label().unwrap_or_default(),
            address: String::new(),
            mobile: String::new(),
            email: String::new(),
            diets: vec![],
            errors,
        };
        return render(&page);
    };
    let p = state.svc.participant(&me.0.actor, pid).await?.participant;
    let chosen = match posted {
        Some(f) => f.parse_all("kost")?,
        None => p.special_diets.clone(),
    };
    let (mobile, email) = contact_values(&p.contact, posted);
    let page = ProfilePage {
        layout: me.0.layout("Min profil"),
        participant: true,
        name: p.full_name(),
        address: p
            .person
            .address
            .as_ref()
            .map(|a| a.to_string())
            .unwrap_or_default(),
        mobile,
        email,
        diets: diets(state, &chosen).await?,
        errors,
    };
    render(&page)
}

/// GET /min-profil.
pub async fn profile(State(state): State<Shared>, me: Me) -> Result<Response, AppError> {
    profile_page(&state, &me, None, FormErrors::none()).await
}

/// POST /min-profil: changes contact details and special diets.
pub async fn save_profile(
    State(state): State<Shared>,
    me: Me,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let Some(pid) = me.0.participant() else {
        return Err(AppError::NotFound);
    };
    let mut errors = FormErrors::none();
    let contact = parse_contact(&form, &mut errors);
    let chosen: BTreeSet<SpecialDietId> = form.parse_all("kost")?;
    if errors.is_empty() {
        match state
            .svc
            .edit_participant(&me.0.actor, pid, contact, chosen, None, None)
            .await
        {
            Ok(_) => return Ok(done(&state, &me.0, "/min-profil", "Din profil er gemt.").await),
            Err(e @ (valghalla::Error::Refused(_) | valghalla::Error::Invalid(_))) => {
                errors.add("mobil", e.message_da());
            }
            Err(e) => return Err(e.into()),
        }
    }
    profile_page(&state, &me, Some(&form), errors).await
}

/// POST /min-profil/slet: deletes the citizen's profile.
pub async fn delete_profile(State(state): State<Shared>, me: Me) -> Result<Response, AppError> {
    let Some(pid) = me.0.participant() else {
        return Err(AppError::NotFound);
    };
    match state.svc.delete_participant(&me.0.actor, pid).await {
        Ok(_freed) => {
            state
                .sessions
                .update(me.0.session_id(), |s| s.participant = None)
                .await;
            Ok(done(&state, &me.0, "/min-profil", "Din profil er slettet.").await)
        }
        Err(e @ valghalla::Error::Refused(_)) => {
            let errors = FormErrors::from_service("slet", &e);
            profile_page(&state, &me, None, errors).await
        }
        Err(e) => Err(e.into()),
    }
}
