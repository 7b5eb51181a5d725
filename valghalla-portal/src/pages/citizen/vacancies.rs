//! "Ledige opgaver": the open vacant tasks of the person's own teams (where a team link's new
//! member lands), and taking one.

use askama::Template;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use valghalla::core::service::SeatRef;

use crate::state::{PortalState, Tenant};
use crate::web::forms::{parse_slot, slot_value};
use crate::web::views::{da_date, done};
use crate::web::{AppError, FormData, FormErrors, Layout, Me, render};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/ledige-opgaver", get(list))
        .route("/ledige-opgaver/tag", post(take))
}

struct Row {
    date: String,
    location: String,
    address: String,
    task_type: String,
    time: String,
    vacant: u32,
    slot: String,
}

#[derive(Template)]
#[template(path = "borger/ledige.html")]
struct VacanciesPage {
    layout: Layout,
    rows: Vec<Row>,
    errors: FormErrors,
}

async fn page(state: &Tenant, me: &Me, errors: FormErrors) -> Result<Response, AppError> {
    let vacancies = state.svc.my_vacancies(&me.0.actor).await?;
    render(&VacanciesPage {
        layout: me.0.layout("Ledige opgaver"),
        rows: vacancies
            .into_iter()
            .map(|v| Row {
                date: da_date(v.date),
                location: v.work_location,
                address: v.address,
                task_type: v.task_type,
                time: format!("{}–{}", v.start, v.end),
                vacant: v.vacant,
                slot: slot_value(&v.slot),
            })
            .collect(),
        errors,
    })
}

/// GET /ledige-opgaver: the vacant open tasks of the person's teams.
async fn list(state: Tenant, me: Me) -> Result<Response, AppError> {
    page(&state, &me, FormErrors::none()).await
}

/// POST /ledige-opgaver/tag: takes a vacant seat of the chosen task.
async fn take(state: Tenant, me: Me, Form(form): Form<FormData>) -> Result<Response, AppError> {
    let slot = parse_slot(form.get("plads"))?;
    match state
        .svc
        .take_seat(&me.0.actor, SeatRef::AnyIn(slot), None)
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
            page(&state, &me, FormErrors::from_service("ledige", &e)).await
        }
        Err(e) => Err(e.into()),
    }
}
