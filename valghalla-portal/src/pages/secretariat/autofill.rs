//! Auto-fill for the secretariat: a proposal of invitations for an election's vacant seats,
//! each with the reasons it was chosen and why seats stay empty, confirmed before anything is
//! sent. The proposal waits in the server-side session between proposing and confirming.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use valghalla::core::autofill::{FillOptions, FillProposal};
use valghalla::core::ids::ElectionId;
use valghalla::core::model::SlotKey;
use valghalla::core::rules::access::Permission;

use super::common::participant_names;
use crate::state::{PortalState, Tenant};
use crate::web::views::{require, short_date};
use crate::web::{AppError, FormData, Layout, Me, render};

/// The session draft holding the proposal between proposing and confirming.
const DRAFT: &str = "autofyld";

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/sekretariat/valg/{id}/autofyld", get(start).post(propose))
        .route("/sekretariat/valg/{id}/autofyld/bekraeft", post(confirm))
}

struct AssignmentRow {
    person: String,
    slot: String,
    reasons: String,
    overflow: bool,
}

struct UnfilledRow {
    slot: String,
    count: u32,
    reason: String,
}

#[derive(Template)]
#[template(path = "sekretariat/autofyld.html")]
struct FillPage {
    layout: Layout,
    election: ElectionId,
    election_title: String,
    proposed: bool,
    vacant: u64,
    assignments: Vec<AssignmentRow>,
    unfilled: Vec<UnfilledRow>,
    overflow_used: usize,
    applied: Option<(usize, Vec<String>)>,
}

async fn labels(state: &Tenant, me: &Me) -> Result<impl Fn(&SlotKey) -> String + use<>, AppError> {
    let actor = &me.0.actor;
    let locs: BTreeMap<_, _> = state
        .svc
        .work_locations(actor)
        .await?
        .into_iter()
        .map(|l| (l.id, l.title.to_string()))
        .collect();
    let tts: BTreeMap<_, _> = state
        .svc
        .task_types(actor)
        .await?
        .into_iter()
        .map(|t| (t.id, t.title.to_string()))
        .collect();
    let teams: BTreeMap<_, _> = state
        .svc
        .teams(actor)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name.to_string()))
        .collect();
    Ok(move |s: &SlotKey| {
        format!(
            "{}, {}, {}, {}",
            locs.get(&s.work_location).map_or("", String::as_str),
            tts.get(&s.task_type).map_or("", String::as_str),
            teams.get(&s.team).map_or("", String::as_str),
            short_date(s.date)
        )
    })
}

fn empty_page(me: &Me, election: ElectionId, title: String) -> FillPage {
    FillPage {
        layout: me.0.layout("Automatisk udfyldning"),
        election,
        election_title: title,
        proposed: false,
        vacant: 0,
        assignments: vec![],
        unfilled: vec![],
        overflow_used: 0,
        applied: None,
    }
}

/// GET /sekretariat/valg/{id}/autofyld: start an auto-fill.
pub async fn start(
    state: Tenant,
    me: Me,
    Path(id): Path<ElectionId>,
) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::ManageSeatHolders)?;
    let e = state.svc.election(&me.0.actor, id).await?;
    render(&empty_page(&me, id, e.title.to_string()))
}

/// POST /sekretariat/valg/{id}/autofyld: makes a proposal (nothing is sent yet).
pub async fn propose(
    state: Tenant,
    me: Me,
    Path(id): Path<ElectionId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    let e = state.svc.election(actor, id).await?;
    let options = FillOptions {
        allow_volunteers_in_party_seats: form.get("frivillige") == "1",
        ..FillOptions::default()
    };
    let proposal = state.svc.propose_fill(actor, id, &options).await?;
    let names = participant_names(&state, actor).await?;
    let label = labels(&state, &me).await?;
    let mut page = empty_page(&me, id, e.title.to_string());
    page.proposed = true;
    page.vacant = proposal.vacant;
    page.overflow_used = proposal.overflow_used;
    page.assignments = proposal
        .assignments
        .iter()
        .map(|a| AssignmentRow {
            person: names.get(&a.participant).cloned().unwrap_or_default(),
            slot: label(&a.slot),
            reasons: a
                .cost_terms
                .iter()
                .map(|(t, _)| t.text_da())
                .collect::<Vec<_>>()
                .join(", "),
            overflow: a.overflow,
        })
        .collect();
    page.unfilled = proposal
        .unfilled
        .iter()
        .map(|u| UnfilledRow {
            slot: label(&u.slot),
            count: u.count,
            reason: u.text_da.clone(),
        })
        .collect();
    me.0.set_draft(DRAFT, Some(&proposal)).await?;
    render(&page)
}

/// POST /sekretariat/valg/{id}/autofyld/bekraeft: sends the invitations of the reviewed
/// proposal; those the data no longer allows are listed with the reasons.
pub async fn confirm(
    state: Tenant,
    me: Me,
    Path(id): Path<ElectionId>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    let e = state.svc.election(actor, id).await?;
    let Some(proposal) =
        me.0.draft::<FillProposal>(DRAFT)
            .filter(|p| p.election == id)
    else {
        return Err(AppError::NotFound);
    };
    let report = state.svc.apply_fill(actor, &proposal).await?;
    me.0.set_draft::<FillProposal>(DRAFT, None).await?;
    let mut page = empty_page(&me, id, e.title.to_string());
    page.applied = Some((
        report.invited.len(),
        report.refused.into_iter().map(|r| r.reason_da).collect(),
    ));
    render(&page)
}
