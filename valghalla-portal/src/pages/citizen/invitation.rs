//! The answer page of an invitation: the link in every invitation and reminder,
//! `{base}/invitation/{seat}/{token}`. The person logs in first (the login page brings them
//! back), sees the task, and accepts — checking their contact details and special diets on the
//! way — or declines. The token must be the seat's current one; the core checks it.

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use valghalla::core::ids::{SeatId, SpecialDietId};
use valghalla::core::model::{InvitationToken, SeatStatus};
use valghalla::core::service::MyTask;

use super::common::diets;
use crate::state::{PortalState, Tenant};
use crate::web::forms::{contact_values, parse_contact};
use crate::web::views::{da_date, done};
use crate::web::{AppError, Choice, FormData, FormErrors, Layout, Me, render};

pub fn router() -> Router<PortalState> {
    Router::new().route("/invitation/{seat}/{token}", get(page).post(answer))
}

#[derive(Template)]
#[template(path = "borger/invitation.html")]
struct InvitationPage {
    layout: Layout,
    action: String,
    task: Option<TaskView>,
    accepted: bool,
    mobile: String,
    email: String,
    diets: Vec<Choice>,
    errors: FormErrors,
}

struct TaskView {
    election: String,
    task_type: String,
    location: String,
    address: String,
    date: String,
    time: String,
    payment: String,
    last_day: String,
}

/// The viewer's task in `seat`, if the seat is theirs (invited or accepted).
async fn my_task(state: &Tenant, me: &Me, seat: SeatId) -> Result<Option<MyTask>, AppError> {
    if me.0.participant().is_none() {
        return Ok(None);
    }
    Ok(state
        .svc
        .my_tasks(&me.0.actor)
        .await?
        .into_iter()
        .find(|t| t.seat == seat))
}

async fn show(
    state: &Tenant,
    me: &Me,
    seat: SeatId,
    token: &str,
    posted: Option<&FormData>,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let task = my_task(state, me, seat).await?;
    let (mobile, email, chosen) = match (me.0.participant(), &task) {
        (Some(pid), Some(_)) => {
            let p = state.svc.participant(&me.0.actor, pid).await?.participant;
            let (mobile, email) = contact_values(&p.contact, posted);
            let chosen = match posted {
                Some(f) => f.parse_all("kost")?,
                None => p.special_diets.clone(),
            };
            (mobile, email, chosen)
        }
        _ => (String::new(), String::new(), BTreeSet::new()),
    };
    let page = InvitationPage {
        layout: me.0.layout("Invitation"),
        action: format!("/invitation/{seat}/{token}"),
        accepted: task
            .as_ref()
            .is_some_and(|t| t.status == SeatStatus::Accepted),
        task: task
            .filter(|t| t.status != SeatStatus::Vacant)
            .map(|t| TaskView {
                election: t.election,
                task_type: t.task_type,
                location: t.work_location,
                address: t.address,
                date: da_date(t.date),
                time: format!("{}–{}", t.start, t.end),
                payment: t.payment.map(|p| p.to_string()).unwrap_or_default(),
                last_day: da_date(t.last_day_to_withdraw),
            }),
        mobile,
        email,
        diets: diets(state, &chosen).await?,
        errors,
    };
    render(&page)
}

/// GET /invitation/{seat}/{token}: the task and the answer form (log in first).
async fn page(
    state: Tenant,
    me: Me,
    Path((seat, token)): Path<(SeatId, String)>,
) -> Result<Response, AppError> {
    show(&state, &me, seat, &token, None, FormErrors::none()).await
}

/// POST /invitation/{seat}/{token}: `svar=ja` (with the contact details and diets) or
/// `svar=nej`.
async fn answer(
    state: Tenant,
    me: Me,
    Path((seat, token)): Path<(SeatId, String)>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let Some(pid) = me.0.participant() else {
        return Err(AppError::NotFound);
    };
    let code = InvitationToken::from_string(token.clone());
    let actor = &me.0.actor;
    match form.get("svar") {
        "ja" => {
            let mut errors = FormErrors::none();
            let contact = parse_contact(&form, &mut errors);
            if contact.mobile.is_none() && contact.email.is_none() && errors.is_empty() {
                errors.add(
                    "mobil",
                    "Angiv mobilnummer eller e-mail, så vi kan kontakte dig.",
                );
            }
            let chosen: BTreeSet<SpecialDietId> = form.parse_all("kost")?;
            if !errors.is_empty() {
                return show(&state, &me, seat, &token, Some(&form), errors).await;
            }
            // Accepting first: if the core refuses, nothing has changed. The contact details
            // were checked above, so saving them after cannot be refused.
            match state.svc.accept(actor, seat, Some(&code)).await {
                Ok(()) => {}
                Err(e @ valghalla::Error::Refused(_)) => {
                    let errors = FormErrors::from_service("svar", &e);
                    return show(&state, &me, seat, &token, Some(&form), errors).await;
                }
                Err(e) => return Err(e.into()),
            }
            state
                .svc
                .edit_participant(actor, pid, contact, chosen, None, None)
                .await?;
            done(
                &me.0,
                "/mine-opgaver",
                "Tak! Du har accepteret opgaven. Den står under Mine opgaver.",
            )
            .await
        }
        "nej" => match state.svc.decline(actor, seat, Some(&code)).await {
            Ok(()) => done(&me.0, "/mine-opgaver", "Du har afvist invitationen.").await,
            Err(e @ valghalla::Error::Refused(_)) => {
                let errors = FormErrors::from_service("svar", &e);
                show(&state, &me, seat, &token, Some(&form), errors).await
            }
            Err(e) => Err(e.into()),
        },
        _ => Err(AppError::BadRequest),
    }
}
