//! "Mine beskeder": a participant or party secretary writes to the election secretariat
//! ("Skriv til sekretariatet"), reads the answers and writes again. The core decides whose
//! threads they may read: another person's thread is answered as if it did not exist.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;
use valghalla::core::DanishMessage;
use valghalla::core::ids::{SeatId, ThreadId};
use valghalla::core::model::{PostAuthor, Thread};
use valghalla::core::service::ThreadDraft;

use crate::state::{PortalState, Tenant};
use crate::web::views::{done, local_time};
use crate::web::{AppError, FormData, FormErrors, Layout, Me, render};

/// The routes of "Mine beskeder".
pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/beskeder", get(list))
        .route("/beskeder/ny", get(new_form).post(create))
        .route("/beskeder/{thread}", get(show).post(reply))
}

/// One thread in a list.
struct ThreadRow {
    id: ThreadId,
    subject: String,
    last: String,
    state: &'static str,
    unread: bool,
}

#[derive(Template)]
#[template(path = "beskeder/liste.html")]
struct ListPage {
    layout: Layout,
    threads: Vec<ThreadRow>,
}

/// GET /beskeder: the person's threads.
async fn list(state: Tenant, me: Me) -> Result<Response, AppError> {
    let threads = state.svc.my_threads(&me.0.actor).await?;
    render(&ListPage {
        layout: me.0.layout("Mine beskeder"),
        threads: threads
            .iter()
            .map(|t| ThreadRow {
                id: t.id,
                subject: t.subject.clone(),
                last: local_time(t.last_at()),
                state: if t.is_open() { "Åben" } else { "Lukket" },
                unread: t.unread_by_participant,
            })
            .collect(),
    })
}

#[derive(Deserialize)]
struct NewQuery {
    plads: Option<SeatId>,
}

#[derive(Template)]
#[template(path = "beskeder/ny.html")]
struct NewPage {
    layout: Layout,
    subject: String,
    text: String,
    seat: String,
    errors: FormErrors,
}

/// GET /beskeder/ny[?plads=…]: the form "Skriv til sekretariatet", optionally about a seat.
async fn new_form(state: Tenant, me: Me, Query(q): Query<NewQuery>) -> Result<Response, AppError> {
    // Only someone who may write gets the form (the core says who).
    state.svc.my_threads(&me.0.actor).await?;
    render(&NewPage {
        layout: me.0.layout("Skriv til sekretariatet"),
        subject: String::new(),
        text: String::new(),
        seat: q.plads.map(|s| s.to_string()).unwrap_or_default(),
        errors: FormErrors::none(),
    })
}

/// POST /beskeder/ny: starts a thread.
async fn create(state: Tenant, me: Me, Form(form): Form<FormData>) -> Result<Response, AppError> {
    let seat = match form.get("plads") {
        "" => None,
        s => Some(s.parse::<SeatId>().map_err(|_| AppError::NotFound)?),
    };
    let draft = ThreadDraft {
        subject: form.get("emne").to_owned(),
        text: form.get("besked").to_owned(),
        seat,
    };
    match state.svc.write_to_secretariat(&me.0.actor, draft).await {
        Ok(id) => {
            let to = format!("/beskeder/{id}");
            done(&me.0, &to, "Din besked er sendt til valgsekretariatet.").await
        }
        Err(valghalla::Error::Invalid(f)) => {
            let mut errors = FormErrors::none();
            errors.add(field_id(f.field), f.message_da());
            render(&NewPage {
                layout: me.0.layout("Skriv til sekretariatet"),
                subject: form.get("emne").to_owned(),
                text: form.get("besked").to_owned(),
                seat: form.get("plads").to_owned(),
                errors,
            })
        }
        Err(e) => Err(e.into()),
    }
}

/// The form field a core field error belongs to.
fn field_id(field: &str) -> &'static str {
    if field == "subject" { "emne" } else { "besked" }
}

/// One post as the pages show it.
struct PostView {
    from: String,
    at: String,
    text: String,
    mine: bool,
}

/// The posts of `thread`; `person` is how the person is named ("Dig" on their own page).
fn posts(thread: &Thread, person: &str) -> Vec<PostView> {
    thread
        .posts
        .iter()
        .map(|p| PostView {
            from: match &p.author {
                PostAuthor::Person => person.to_owned(),
                PostAuthor::Secretariat { .. } => "Valgsekretariatet".to_owned(),
            },
            at: local_time(p.at),
            text: p.text.clone(),
            mine: p.author == PostAuthor::Person,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "beskeder/traad.html")]
struct ThreadPage {
    layout: Layout,
    id: ThreadId,
    subject: String,
    open: bool,
    posts: Vec<PostView>,
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
    let thread = state.svc.open_thread(&me.0.actor, id).await?;
    render(&ThreadPage {
        layout: me.0.layout(format!("Besked – {}", thread.subject)),
        id,
        open: thread.is_open(),
        posts: posts(&thread, "Dig"),
        subject: thread.subject,
        text,
        errors,
    })
}

/// GET /beskeder/{thread}: the conversation; the answer is read.
async fn show(state: Tenant, me: Me, Path(id): Path<ThreadId>) -> Result<Response, AppError> {
    thread_page(&state, &me, id, String::new(), FormErrors::none()).await
}

/// POST /beskeder/{thread}: the person writes again.
async fn reply(
    state: Tenant,
    me: Me,
    Path(id): Path<ThreadId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    match state
        .svc
        .add_to_thread(&me.0.actor, id, form.get("besked"))
        .await
    {
        Ok(()) => {
            let to = format!("/beskeder/{id}");
            done(&me.0, &to, "Din besked er sendt til valgsekretariatet.").await
        }
        Err(valghalla::Error::Invalid(f)) => {
            let mut errors = FormErrors::none();
            errors.add("besked", f.message_da());
            thread_page(&state, &me, id, form.get("besked").to_owned(), errors).await
        }
        Err(e) => Err(e.into()),
    }
}
