//! A seat distribution proposed from the council's composition: the secretariat enters each
//! party's members in the kommunalbestyrelse (and the stations' numbers), the core apportions
//! the valgstyrere, formænd and tilforordnede "under ét" and spreads them over the stations, and
//! the portal shows the proposal against the current grid. Nothing is saved until the secretary
//! confirms; the proposal waits in the server-side session in between, under a random key the
//! confirm form carries, so an older tab cannot confirm a newer proposal it never showed.

mod council;
mod proposal;

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use valghalla::core::apportion::staffing::Proposal;
use valghalla::core::ids::{ElectionId, WorkLocationId};
use valghalla::core::rules::access::Permission;

pub use council::CouncilForm;
use council::{Facts, ROLE_FIELDS, council_form, council_input, staffing_error};
use proposal::{ProposalView, proposal_view};

use crate::state::{PortalState, Tenant};
use crate::web::views::{done, require};
use crate::web::{AppError, FormData, FormErrors, Layout, Me, random_token, render};

/// The session draft holding the pending distribution.
const DRAFT: &str = "fordeling";

pub fn router() -> Router<PortalState> {
    Router::new()
        .route(
            "/sekretariat/valg/{id}/fordelingsforslag",
            get(start).post(propose),
        )
        .route(
            "/sekretariat/valg/{id}/fordelingsforslag/bekraeft",
            post(confirm),
        )
}

/// A proposal waiting for the secretary's confirmation, and the form it came from (which also
/// prefills the form next time: the core keeps no council composition).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingDistribution {
    /// The election.
    pub election: ElectionId,
    /// What the secretary entered.
    pub form: FormData,
    /// The proposal, its date and the key its confirm form must carry; `None` once applied.
    pub proposal: Option<(String, NaiveDate, Proposal)>,
}

/// The council form for the grid page of `location`, prefilled from the secretary's last
/// input for this election; `None` for those who may not distribute seats.
pub async fn grid_form(
    state: &Tenant,
    me: &Me,
    election: ElectionId,
    location: WorkLocationId,
) -> Result<Option<CouncilForm>, AppError> {
    if require(&me.0.actor, Permission::DistributeSeats).is_err() {
        return Ok(None);
    }
    let facts = Facts::load(state, me, election).await?;
    let last = pending(me).filter(|p| p.election == election);
    Ok(Some(council_form(
        &facts,
        Some(location),
        last.as_ref().map(|p| &p.form),
        FormErrors::none(),
    )))
}

fn pending(me: &Me) -> Option<PendingDistribution> {
    me.0.draft(DRAFT)
}

#[derive(Template)]
#[template(path = "sekretariat/fordelingsforslag.html")]
struct ProposalPage {
    layout: Layout,
    election_title: String,
    council: CouncilForm,
    proposal: Option<ProposalView>,
    role_labels: Vec<&'static str>,
}

fn page(
    me: &Me,
    facts: &Facts,
    council: CouncilForm,
    proposal: Option<ProposalView>,
) -> Result<Response, AppError> {
    render(&ProposalPage {
        layout: me
            .0
            .layout(format!("Fordelingsforslag – {}", facts.election.title)),
        election_title: facts.election.title.to_string(),
        council,
        proposal,
        role_labels: ROLE_FIELDS.iter().map(|r| r.2).collect(),
    })
}

/// `?fra=` on the proposal page: the grid page the secretary came from.
#[derive(Debug, Deserialize)]
pub struct FromQuery {
    fra: Option<String>,
}

/// GET /sekretariat/valg/{id}/fordelingsforslag: the council form on its own page.
pub async fn start(
    state: Tenant,
    me: Me,
    Path(election): Path<ElectionId>,
    Query(q): Query<FromQuery>,
) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::DistributeSeats)?;
    let facts = Facts::load(&state, &me, election).await?;
    let from = q.fra.as_deref().and_then(|f| f.parse().ok());
    let last = pending(&me).filter(|p| p.election == election);
    let council = council_form(
        &facts,
        from,
        last.as_ref().map(|p| &p.form),
        FormErrors::none(),
    );
    page(&me, &facts, council, None)
}

/// POST /sekretariat/valg/{id}/fordelingsforslag: proposes a distribution (nothing is saved).
pub async fn propose(
    state: Tenant,
    me: Me,
    Path(election): Path<ElectionId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    require(actor, Permission::DistributeSeats)?;
    let facts = Facts::load(&state, &me, election).await?;
    let from: Option<WorkLocationId> = form.get("fra").parse().ok();
    let (input, date) = match council_input(&facts, &form) {
        Ok(x) => x,
        Err(errors) => {
            let council = council_form(&facts, from, Some(&form), errors);
            return page(&me, &facts, council, None);
        }
    };
    let proposal = match state
        .svc
        .propose_distribution(actor, election, &input)
        .await
    {
        Ok(p) => p,
        Err(valghalla::Error::Staffing(e)) => {
            let council = council_form(&facts, from, Some(&form), staffing_error(&facts, &e));
            return page(&me, &facts, council, None);
        }
        Err(e) => return Err(e.into()),
    };
    let key = random_token();
    let view = proposal_view(&facts, &input, &proposal, date, key.clone(), from);
    let kept = PendingDistribution {
        election,
        form: form.clone(),
        proposal: Some((key, date, proposal)),
    };
    me.0.set_draft(DRAFT, Some(&kept)).await?;
    let council = council_form(&facts, from, Some(&form), FormErrors::none());
    page(&me, &facts, council, Some(view))
}

/// POST /sekretariat/valg/{id}/fordelingsforslag/bekraeft: applies the proposal the page
/// showed (its key must match the one waiting in the session), then shows the grid.
pub async fn confirm(
    state: Tenant,
    me: Me,
    Path(election): Path<ElectionId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    require(actor, Permission::DistributeSeats)?;
    let Some(p) = pending(&me).filter(|p| p.election == election) else {
        return Err(AppError::NotFound);
    };
    let Some((key, date, proposal)) = &p.proposal else {
        return Err(AppError::NotFound);
    };
    if form.get("noegle") != key.as_str() {
        let facts = Facts::load(&state, &me, election).await?;
        let mut errors = FormErrors::none();
        errors.add(
            "formand",
            "Forslaget er erstattet af et nyere forslag; se det nye forslag igennem, før du bekræfter.",
        );
        let council = council_form(&facts, None, Some(&p.form), errors);
        return page(&me, &facts, council, None);
    }
    let reports = state
        .svc
        .apply_distribution(actor, election, *date, proposal)
        .await?;
    let applied = PendingDistribution {
        election,
        form: p.form.clone(),
        proposal: None,
    };
    me.0.set_draft(DRAFT, Some(&applied)).await?;
    let kept: u32 = reports
        .iter()
        .flat_map(|(_, r)| r)
        .map(|r| r.kept_taken)
        .sum();
    let mut msg = format!(
        "Fordelingsforslaget er anvendt på {} valgsteder.",
        reports.len()
    );
    if kept > 0 {
        msg.push_str(&format!(
            " {kept} plads(er) blev ikke fjernet, fordi nogen er inviteret til eller har accepteret dem."
        ));
    }
    let to = match form.get("fra").parse::<WorkLocationId>() {
        Ok(l) => format!("/sekretariat/valg/{election}/fordeling/{l}"),
        Err(_) => format!("/sekretariat/valg/{election}/oversigt"),
    };
    done(&me.0, &to, &msg).await
}
