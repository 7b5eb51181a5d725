//! The secretariat's inbox ("Indbakke"): threads from participants and party secretaries with
//! the unread count, one thread with its answer form, and closing a thread. An answer goes to
//! the person's channel and their "Mine beskeder" page (the core queues the message).

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use valghalla::core::DanishMessage;
use valghalla::core::ids::ThreadId;
use valghalla::core::model::PostAuthor;
use valghalla::core::rules::access::Permission;

use crate::state::{PortalState, Tenant};
use crate::web::views::{done, local_time};
use crate::web::{AppError, FormData, FormErrors, Layout, Me, render};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/sekretariat/indbakke", get(inbox))
        .route("/sekretariat/indbakke/{thread}", get(thread))
        .route("/sekretariat/indbakke/{thread}/svar", post(answer))
        .route("/sekretariat/indbakke/{thread}/luk", post(close))
}

struct Row {
    id: ThreadId,
    subject: String,
    name: String,
    last: String,
    open: bool,
    unread: bool,
}

#[derive(Template)]
#[template(path = "sekretariat/indbakke.html")]
struct InboxPage {
    layout: Layout,
    rows: Vec<Row>,
    unread: usize,
    open: usize,
    all: bool,
    late: Vec<String>,
}

#[derive(Deserialize)]
struct InboxQuery {
    vis: Option<String>,
}

/// GET /sekretariat/indbakke[?vis=alle]: open threads (or all), unread first in sight.
async fn inbox(state: Tenant, me: Me, Query(q): Query<InboxQuery>) -> Result<Response, AppError> {
    let all = q.vis.as_deref() == Some("alle");
    let inbox = state.svc.inbox(&me.0.actor, !all).await?;
    // The late withdrawals of the active elections: the secretariat's alert of them.
    let mut late = Vec::new();
    for e in state
        .svc
        .elections(&me.0.actor)
        .await?
        .into_iter()
        .filter(|e| e.active)
    {
        for l in state.svc.late_withdrawals(&me.0.actor, e.id, None).await? {
            late.push(format!(
                "{} ({}) meldte fra {} til {}, {}, {} – {}",
                l.name,
                l.team,
                local_time(l.at),
                l.work_location,
                l.task_type,
                crate::web::views::short_date(l.date),
                e.title
            ));
        }
    }
    render(&InboxPage {
        late,
        layout: me.0.layout("Indbakke"),
        unread: inbox.unread,
        open: inbox.open,
        all,
        rows: inbox
            .threads
            .into_iter()
            .map(|e| Row {
                id: e.thread.id,
                last: local_time(e.thread.last_at()),
                open: e.thread.is_open(),
                unread: e.thread.unread_by_secretariat,
                subject: e.thread.subject,
                name: e.name,
            })
            .collect(),
    })
}

struct PostRow {
    from: String,
    at: String,
    text: String,
    answer: bool,
}

#[derive(Template)]
#[template(path = "sekretariat/indbakke_traad.html")]
struct ThreadPage {
    layout: Layout,
    id: ThreadId,
    subject: String,
    name: String,
    participant: String,
    seat: Option<String>,
    open: bool,
    posts: Vec<PostRow>,
    may_answer: bool,
    text: String,
    errors: FormErrors,
}

async fn thread_page(
    state: &Tenant,
    me: &Me,
    id: ThreadId,
    text: String,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    // Only the secretariat has an inbox; a person is refused before any thread is read.
    crate::web::views::require(actor, Permission::ReadInbox)?;
    let t = state.svc.open_thread(actor, id).await?;
    let name = state
        .svc
        .participant(actor, t.participant)
        .await
        .map(|v| v.participant.full_name())
        .unwrap_or_default();
    render(&ThreadPage {
        layout: me.0.layout(format!("Indbakke – {}", t.subject)),
        id,
        participant: t.participant.to_string(),
        seat: t.seat.map(|s| s.to_string()),
        open: t.is_open(),
        posts: t
            .posts
            .iter()
            .map(|p| PostRow {
                from: match &p.author {
                    PostAuthor::Person => name.clone(),
                    PostAuthor::Secretariat { user } => format!("Valgsekretariatet ({user})"),
                },
                at: local_time(p.at),
                text: p.text.clone(),
                answer: p.author != PostAuthor::Person,
            })
            .collect(),
        subject: t.subject,
        name,
        may_answer: me.0.is_admin(),
        text,
        errors,
    })
}

/// GET /sekretariat/indbakke/{thread}: the conversation (an administrator's opening reads it).
async fn thread(state: Tenant, me: Me, Path(id): Path<ThreadId>) -> Result<Response, AppError> {
    thread_page(&state, &me, id, String::new(), FormErrors::none()).await
}

/// POST /sekretariat/indbakke/{thread}/svar: answers the thread.
async fn answer(
    state: Tenant,
    me: Me,
    Path(id): Path<ThreadId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    match state
        .svc
        .answer_thread(&me.0.actor, id, form.get("svar"))
        .await
    {
        Ok(_) => {
            let to = format!("/sekretariat/indbakke/{id}");
            done(&me.0, &to, "Svaret er sendt.").await
        }
        Err(valghalla::Error::Invalid(f)) => {
            let mut errors = FormErrors::none();
            errors.add("svar", f.message_da());
            thread_page(&state, &me, id, form.get("svar").to_owned(), errors).await
        }
        Err(e @ valghalla::Error::Template(_)) => {
            let errors = FormErrors::from_service("svar", &e);
            thread_page(&state, &me, id, form.get("svar").to_owned(), errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /sekretariat/indbakke/{thread}/luk: closes the thread.
async fn close(state: Tenant, me: Me, Path(id): Path<ThreadId>) -> Result<Response, AppError> {
    state.svc.close_thread(&me.0.actor, id).await?;
    done(&me.0, "/sekretariat/indbakke", "Samtalen er lukket.").await
}
