//! The communication log: every message sent or waiting, searched by recipient (part of the
//! name, or one person from their page), kind, delivery state, written subject and day, a page
//! at a time, newest first; the search is kept in the URL so it can be bookmarked. The core
//! does the searching (`Valghalla::search_communication_log`); this page only reads the query
//! and shows the page.

use askama::Template;
use axum::Router;
use axum::extract::RawQuery;
use axum::response::Response;
use axum::routing::get;
use valghalla::core::ids::ParticipantId;
use valghalla::core::messages::MessageKind;
use valghalla::core::service::{CommunicationSearch, DELETED_RECIPIENT};

use super::common::{
    LOG_STATUSES, channel_da, kind_da, kind_key, log_status_class, log_status_da, participant_names,
};
use crate::state::{PortalState, Tenant};
use crate::web::paging::{Paging, optional_date, requested_page};
use crate::web::views::local_time;
use crate::web::{AppError, Choice, FormData, FormErrors, Layout, Me, render};

/// The page's address.
const PATH: &str = "/sekretariat/kommunikation/log";
/// Messages on a page.
const PER_PAGE: usize = 50;

pub fn router() -> Router<PortalState> {
    Router::new().route(PATH, get(communication_log))
}

struct LogRow {
    at: String,
    kind: &'static str,
    /// The recipient's page, unless they are deleted.
    recipient_link: Option<String>,
    recipient: String,
    subject: String,
    status: &'static str,
    class: &'static str,
    channel: String,
    error: String,
}

#[derive(Template)]
#[template(path = "sekretariat/kommunikationslog.html")]
struct LogPage {
    layout: Layout,
    rows: Vec<LogRow>,
    paging: Paging,
    kinds: Vec<Choice>,
    statuses: Vec<Choice>,
    /// The one recipient the search is limited to, by name, with their id (kept in the form).
    recipient: Option<(String, String)>,
    form: FormData,
    errors: FormErrors,
}

/// GET /sekretariat/kommunikation/log?hvem=&modtager=&type=&status=&emne=&fra=&til=&side=
pub async fn communication_log(
    state: Tenant,
    me: Me,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let form = FormData::from_query(query.as_deref());
    let mut errors = FormErrors::none();
    let participant = match form.get("modtager") {
        "" => None,
        v => match v.parse::<ParticipantId>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.add("hvem", "Modtageren findes ikke; søg på navnet i stedet.");
                None
            }
        },
    };
    let search = CommunicationSearch {
        who: form.get("hvem").to_owned(),
        participant,
        kind: MessageKind::ALL
            .into_iter()
            .find(|k| kind_key(*k) == form.get("type")),
        status: LOG_STATUSES
            .iter()
            .find(|(_, key, _)| *key == form.get("status"))
            .map(|(s, _, _)| *s),
        subject: form.get("emne").to_owned(),
        from: optional_date(&form, "fra", &mut errors),
        to: optional_date(&form, "til", &mut errors),
    };
    let found = state
        .svc
        .search_communication_log(&me.0.actor, &search, requested_page(&form), PER_PAGE)
        .await?;
    let paging = Paging::of(PATH, &form, &found);
    let recipient = match participant {
        Some(id) => Some((
            participant_names(&state, &me.0.actor)
                .await?
                .remove(&id)
                .unwrap_or_else(|| DELETED_RECIPIENT.to_owned()),
            id.to_string(),
        )),
        None => None,
    };
    let rows = found
        .items
        .into_iter()
        .map(|l| LogRow {
            at: local_time(l.entry.created_at),
            kind: kind_da(l.entry.kind),
            recipient_link: (l.recipient != DELETED_RECIPIENT)
                .then(|| format!("/sekretariat/deltagere/{}", l.entry.participant)),
            recipient: l.recipient,
            subject: l.subject.unwrap_or_default(),
            status: log_status_da(l.entry.status),
            class: log_status_class(l.entry.status),
            channel: channel_da(l.entry.channel),
            error: l.entry.error.unwrap_or_default(),
        })
        .collect();
    let page = LogPage {
        layout: me.0.layout("Kommunikationslog"),
        rows,
        paging,
        kinds: MessageKind::ALL
            .into_iter()
            .map(|k| Choice {
                selected: form.get("type") == kind_key(k),
                value: kind_key(k),
                label: kind_da(k).to_owned(),
            })
            .collect(),
        statuses: LOG_STATUSES
            .iter()
            .map(|(_, key, da)| Choice {
                value: (*key).to_owned(),
                label: (*da).to_owned(),
                selected: form.get("status") == *key,
            })
            .collect(),
        recipient,
        form,
        errors,
    };
    render(&page)
}
