//! The secretariat's communication: group messages to the people of an election (with a
//! preview of who gets them); the communication log is its own page (`communication_log`).

use std::collections::BTreeSet;

use askama::Template;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use valghalla::core::DanishMessage;
use valghalla::core::ids::ElectionId;
use valghalla::core::rules::access::Permission;
use valghalla::core::service::{GroupFilter, GroupStatus};

use crate::state::{PortalState, Tenant};
use crate::web::views::{done, pick_election, require};
use crate::web::{AppError, Choice, FormData, FormErrors, Layout, Me, render};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/sekretariat/kommunikation", get(communication))
        .route("/sekretariat/kommunikation/gruppe", post(group_message))
}

#[derive(Template)]
#[template(path = "sekretariat/kommunikation.html")]
struct CommunicationPage {
    layout: Layout,
    election: ElectionId,
    election_title: String,
    teams: Vec<Choice>,
    statuses: Vec<Choice>,
    subject: String,
    body: String,
    recipients: Option<Vec<String>>,
    errors: FormErrors,
}

const STATUSES: [(GroupStatus, &str, &str); 3] = [
    (GroupStatus::Accepted, "accepteret", "Har accepteret"),
    (GroupStatus::Unanswered, "ubesvaret", "Har ikke svaret"),
    (GroupStatus::Rejected, "afvist", "Har sagt nej"),
];

async fn page(
    state: &Tenant,
    me: &Me,
    form: Option<&FormData>,
    recipients: Option<Vec<String>>,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    // The page itself is the secretariat's administrators' (what it reads, others may read).
    require(actor, Permission::ManageCommunication)?;
    let wanted = form.and_then(|f| f.get("valg").parse().ok());
    let e = pick_election(&state.svc, actor, wanted)
        .await?
        .ok_or(AppError::NotFound)?;
    let chosen_teams: BTreeSet<String> = form
        .map(|f| f.all("team").into_iter().map(str::to_owned).collect())
        .unwrap_or_default();
    let chosen_status: BTreeSet<String> = form
        .map(|f| f.all("status").into_iter().map(str::to_owned).collect())
        .unwrap_or_default();
    let page = CommunicationPage {
        layout: me.0.layout("Kommunikation"),
        election: e.id,
        election_title: e.title.to_string(),
        teams: state
            .svc
            .teams(actor)
            .await?
            .into_iter()
            .map(|t| Choice {
                selected: chosen_teams.contains(&t.id.to_string()),
                value: t.id.to_string(),
                label: t.name.to_string(),
            })
            .collect(),
        statuses: STATUSES
            .iter()
            .map(|(_, v, l)| Choice {
                value: (*v).to_owned(),
                label: (*l).to_owned(),
                selected: chosen_status.contains(*v),
            })
            .collect(),
        subject: form.map(|f| f.get("emne").to_owned()).unwrap_or_default(),
        body: form.map(|f| f.get("tekst").to_owned()).unwrap_or_default(),
        recipients,
        errors,
    };
    render(&page)
}

/// GET /sekretariat/kommunikation: the group message form and the communication log.
pub async fn communication(state: Tenant, me: Me) -> Result<Response, AppError> {
    page(&state, &me, None, None, FormErrors::none()).await
}

fn filter(form: &FormData) -> Result<GroupFilter, AppError> {
    let mut f = GroupFilter::election(form.parse("valg")?);
    f.teams = form.parse_all("team")?;
    f.statuses = form
        .all("status")
        .into_iter()
        .filter_map(|s| STATUSES.iter().find(|(_, v, _)| *v == s).map(|x| x.0))
        .collect();
    Ok(f)
}

/// POST /sekretariat/kommunikation/gruppe: previews the recipients (`handling=vis`) or sends
/// the group message (`handling=send`).
pub async fn group_message(
    state: Tenant,
    me: Me,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    let f = filter(&form)?;
    let recipients: Vec<String> = state
        .svc
        .preview_group_message(actor, &f)
        .await?
        .into_iter()
        .map(|r| r.name)
        .collect();
    if form.get("handling") != "send" {
        return page(
            &state,
            &me,
            Some(&form),
            Some(recipients),
            FormErrors::none(),
        )
        .await;
    }
    let mut errors = FormErrors::none();
    if form.get("emne").is_empty() {
        errors.add("emne", "Skriv en overskrift.");
    }
    if form.get("tekst").is_empty() {
        errors.add("tekst", "Skriv en tekst.");
    }
    if recipients.is_empty() {
        errors.add("team-0", "Ingen modtagere passer til udvalget.");
    }
    if errors.is_empty() {
        match state
            .svc
            .send_group_message(actor, &f, form.get("emne"), form.get("tekst"))
            .await
        {
            Ok(ids) => {
                let msg = format!("{} beskeder er sat i kø til afsendelse.", ids.len());
                return done(&me.0, "/sekretariat/kommunikation", &msg).await;
            }
            Err(
                e @ (valghalla::Error::Invalid(_)
                | valghalla::Error::Refused(_)
                | valghalla::Error::Conflict(_)),
            ) => errors.add("tekst", e.message_da()),
            Err(e) => return Err(e.into()),
        }
    }
    page(&state, &me, Some(&form), Some(recipients), errors).await
}
