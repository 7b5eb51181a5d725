//! "Drift": what the host's scheduler did — each job's last run, next run, counts and failures —
//! the outbox by state, and the failed messages, which can be sent again. Administrators can
//! ask for a job to run now.

use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::{get, post};
use valghalla::core::ids::MessageId;
use valghalla::core::rules::access::Permission;
use valghalla::core::service::{CommunicationFilter, LogStatus};

use super::common::{kind_da, participant_names};
use crate::scheduler::Job;
use crate::state::{PortalState, Tenant};
use crate::web::views::{done, local_time, require};
use crate::web::{AppError, Layout, Me, render};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/sekretariat/drift", get(operations))
        .route("/sekretariat/drift/job/{job}", post(run_now))
        .route("/sekretariat/drift/besked/{id}/igen", post(retry))
}

struct JobRow {
    key: &'static str,
    name: &'static str,
    last_started: String,
    last_finished: String,
    outcome: String,
    failed: bool,
    next_run: String,
    runs: u64,
    failures: u64,
    changed: u64,
    item_failures: u64,
}

struct FailedRow {
    id: MessageId,
    at: String,
    kind: &'static str,
    recipient: String,
    attempts: u32,
    reason: String,
}

#[derive(Template)]
#[template(path = "sekretariat/drift.html")]
struct OperationsPage {
    layout: Layout,
    scheduled: bool,
    jobs: Vec<JobRow>,
    pending: usize,
    sent: usize,
    failed: Vec<FailedRow>,
}

fn when(at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    at.map(local_time).unwrap_or_else(|| "–".into())
}

/// GET /sekretariat/drift.
async fn operations(state: Tenant, me: Me) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    require(actor, Permission::ManageCommunication)?;
    let log = state
        .svc
        .communication_log(actor, &CommunicationFilter::default())
        .await?;
    let count = |s: LogStatus| log.iter().filter(|l| l.status == s).count();
    let (pending, sent) = (count(LogStatus::Pending), count(LogStatus::Sent));
    let names = participant_names(&state, actor).await?;
    let failed = log
        .iter()
        .filter(|l| l.status == LogStatus::Failed)
        .map(|l| FailedRow {
            id: l.message,
            at: when(l.at),
            kind: kind_da(l.kind),
            recipient: names.get(&l.participant).cloned().unwrap_or_default(),
            attempts: l.attempts,
            reason: l.error.clone().unwrap_or_default(),
        })
        .collect();
    let jobs = state
        .board
        .snapshot()
        .into_iter()
        .map(|(job, s)| JobRow {
            key: job.key(),
            name: job.name_da(),
            last_started: when(s.last_started),
            last_finished: when(s.last_finished),
            outcome: if s.last_started.is_some() && s.last_finished < s.last_started {
                "Kører nu".into()
            } else {
                s.last_outcome
            },
            failed: s.last_failed,
            next_run: when(s.next_run),
            runs: s.runs,
            failures: s.failures,
            changed: s.changed,
            item_failures: s.item_failures,
        })
        .collect();
    render(&OperationsPage {
        layout: me.0.layout("Drift"),
        scheduled: state.board.is_scheduled(),
        jobs,
        pending,
        sent,
        failed,
    })
}

/// POST /sekretariat/drift/job/{job}: asks the scheduler to run a job now.
async fn run_now(state: Tenant, me: Me, Path(job): Path<String>) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::RunJob)?;
    let job = Job::from_key(&job).ok_or(AppError::NotFound)?;
    if !state.board.is_scheduled() {
        return done(
            &me.0,
            "/sekretariat/drift",
            "Planlæggeren kører ikke i denne server; jobbet kan ikke startes herfra.",
        )
        .await;
    }
    state.board.request_run(job);
    let msg = format!(
        "{} er sat i gang. Genindlæs siden om lidt for at se resultatet.",
        job.name_da()
    );
    done(&me.0, "/sekretariat/drift", &msg).await
}

/// POST /sekretariat/drift/besked/{id}/igen: sends a failed message again.
async fn retry(state: Tenant, me: Me, Path(id): Path<MessageId>) -> Result<Response, AppError> {
    state.svc.retry_message(&me.0.actor, id).await?;
    state.board.request_run(Job::Dispatch);
    done(
        &me.0,
        "/sekretariat/drift",
        "Beskeden sendes igen ved næste udsendelse.",
    )
    .await
}
