//! "Mine opgaver": the citizen's tasks, and accepting, declining or withdrawing.

use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use valghalla::core::ids::SeatId;
use valghalla::core::model::SeatStatus;

use crate::state::{PortalState, Tenant};
use crate::web::views::{da_date, done, status_class, status_da};
use crate::web::{AppError, FormErrors, Layout, Me, render};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/mine-opgaver", get(tasks))
        .route("/mine-opgaver/{seat}/{action}", post(answer))
        .route("/mine-opgaver/{seat}/opgave.ics", get(calendar_file))
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
    /// Whether the task offers its calendar file.
    calendar: bool,
}

#[derive(Template)]
#[template(path = "borger/opgaver.html")]
struct TasksPage {
    layout: Layout,
    tasks: Vec<TaskRow>,
    participant: bool,
    errors: FormErrors,
}

async fn tasks_page(state: &Tenant, me: &Me, errors: FormErrors) -> Result<Response, AppError> {
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
                calendar: t.calendar_file,
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
pub async fn tasks(state: Tenant, me: Me) -> Result<Response, AppError> {
    tasks_page(&state, &me, FormErrors::none()).await
}

/// GET /mine-opgaver/{seat}/opgave.ics: the calendar file of the citizen's own accepted task
/// (the same entry as the one their messages carry). Anyone else's seat is not found.
pub async fn calendar_file(
    state: Tenant,
    me: Me,
    Path(seat): Path<SeatId>,
) -> Result<Response, AppError> {
    let file = state
        .svc
        .my_task_calendar(&me.0.actor, seat)
        .await?
        .ok_or(AppError::NotFound)?;
    let disposition = format!("attachment; filename=\"{}\"", file.file_name());
    Ok((
        [
            (header::CONTENT_TYPE, file.content_type()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        file.text,
    )
        .into_response())
}

/// POST /mine-opgaver/{seat}/{action}: accept, decline or withdraw.
pub async fn answer(
    state: Tenant,
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
        Ok(()) => done(&me.0, "/mine-opgaver", msg).await,
        Err(e @ valghalla::Error::Refused(_)) => {
            let errors = FormErrors::from_service(&format!("opgave-{seat}"), &e);
            tasks_page(&state, &me, errors).await
        }
        Err(e) => Err(e.into()),
    }
}
