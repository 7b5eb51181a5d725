//! Placing people on one of the team's seats: the members who are free for it (and why the
//! others are not), registering a new person by CPR number onto it in the same step, and the
//! member actions of the team page — take off a seat, send an invitation again, remove from
//! the team. The core decides everything; a seat or person outside the team is refused.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use valghalla::core::DanishMessage;
use valghalla::core::cpr::Cpr;
use valghalla::core::ids::{ParticipantId, SeatId, TeamId};
use valghalla::core::model::SlotKey;
use valghalla::core::service::MemberRegistration;

use crate::state::{PortalState, Tenant};
use crate::web::forms::{parse_contact, parse_slot, slot_value};
use crate::web::views::{done, short_date};
use crate::web::{AppError, FormData, FormErrors, Layout, Me, render};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/parti/{team}/plads", get(candidates))
        .route("/parti/{team}/registrer", post(register))
        .route("/parti/{team}/tag-af/{seat}", post(unplace))
        .route("/parti/{team}/gensend/{seat}", post(resend))
        .route(
            "/parti/{team}/medlem/{participant}/fjern",
            post(remove_member),
        )
}

struct CandidateRow {
    id: ParticipantId,
    name: String,
    free: bool,
    why: Vec<String>,
}

#[derive(Template)]
#[template(path = "parti/plads.html")]
struct CandidatesPage {
    layout: Layout,
    team: TeamId,
    slot: String,
    what: String,
    rows: Vec<CandidateRow>,
    mobile: String,
    email: String,
    errors: FormErrors,
}

#[derive(Deserialize)]
struct SlotQuery {
    plads: String,
}

/// "Valgsted, opgavetype, dato" of a slot, from the master data the actor may read.
async fn describe(state: &Tenant, me: &Me, slot: &SlotKey) -> Result<String, AppError> {
    let actor = &me.0.actor;
    let location = state
        .svc
        .work_locations(actor)
        .await?
        .into_iter()
        .find(|l| l.id == slot.work_location)
        .map(|l| l.title.to_string())
        .unwrap_or_default();
    let task_type = state
        .svc
        .task_types(actor)
        .await?
        .into_iter()
        .find(|t| t.id == slot.task_type)
        .map(|t| t.title.to_string())
        .unwrap_or_default();
    Ok(format!(
        "{location}, {task_type}, {}",
        short_date(slot.date)
    ))
}

async fn candidates_page(
    state: &Tenant,
    me: &Me,
    team: TeamId,
    slot: SlotKey,
    posted: Option<&FormData>,
    errors: FormErrors,
) -> Result<Response, AppError> {
    if slot.team != team {
        return Err(AppError::NotFound);
    }
    // The core refuses anyone who may not place on this team's seats here.
    let candidates = state.svc.placement_candidates(&me.0.actor, slot).await?;
    let what = describe(state, me, &slot).await?;
    render(&CandidatesPage {
        layout: me.0.layout(format!("Sæt på pladsen – {what}")),
        team,
        slot: slot_value(&slot),
        what,
        rows: candidates
            .into_iter()
            .map(|c| CandidateRow {
                id: c.participant,
                name: c.name,
                free: c.refused.is_none(),
                why: c
                    .refused
                    .map(|r| r.violations.iter().map(|v| v.message_da()).collect())
                    .unwrap_or_default(),
            })
            .collect(),
        mobile: posted
            .map(|f| f.get("mobil").to_owned())
            .unwrap_or_default(),
        email: posted
            .map(|f| f.get("email").to_owned())
            .unwrap_or_default(),
        errors,
    })
}

/// GET /parti/{team}/plads?plads=…: who of the team is free for a seat of the slot, and a form
/// to register a new person onto it.
async fn candidates(
    state: Tenant,
    me: Me,
    Path(team): Path<TeamId>,
    Query(q): Query<SlotQuery>,
) -> Result<Response, AppError> {
    let slot = parse_slot(&q.plads)?;
    candidates_page(&state, &me, team, slot, None, FormErrors::none()).await
}

/// POST /parti/{team}/registrer: registers a new person by CPR number, adds them to the team
/// and invites them to a vacant seat of the slot. The CPR number is never shown back.
async fn register(
    state: Tenant,
    me: Me,
    Path(team): Path<TeamId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let slot = parse_slot(form.get("plads"))?;
    let mut errors = FormErrors::none();
    let cpr = match Cpr::parse(form.get("cpr")) {
        Ok(c) => Some(c),
        Err(e) => {
            errors.add("cpr", e.message_da());
            None
        }
    };
    let contact = parse_contact(&form, &mut errors);
    if let (Some(cpr), true) = (cpr, errors.is_empty()) {
        match state
            .svc
            .register_member(&me.0.actor, slot, MemberRegistration { cpr, contact })
            .await
        {
            Ok(r) => {
                let to = format!("/parti/{team}");
                let msg = format!(
                    "{} (CPR {cpr}) er registreret, sat på pladsen og har fået en invitation. Personen svarer selv ja eller nej.",
                    r.name
                );
                return done(&me.0, &to, &msg).await;
            }
            Err(e @ (valghalla::Error::Refused(_) | valghalla::Error::Conflict(_))) => {
                errors = FormErrors::from_service("cpr", &e);
            }
            Err(valghalla::Error::Invalid(f)) => errors.add("mobil", f.message_da()),
            Err(e @ valghalla::Error::NotInRegistry(_)) => errors.add("cpr", e.message_da()),
            Err(e) => return Err(e.into()),
        }
    }
    candidates_page(&state, &me, team, slot, Some(&form), errors).await
}

/// POST /parti/{team}/tag-af/{seat}: takes a member off a seat (before the lock period).
async fn unplace(
    state: Tenant,
    me: Me,
    Path((team, seat)): Path<(TeamId, SeatId)>,
) -> Result<Response, AppError> {
    let to = format!("/parti/{team}#medlemmer");
    match state.svc.unplace_member(&me.0.actor, seat).await {
        Ok(()) => {
            done(
                &me.0,
                &to,
                "Medlemmet er taget af pladsen og har fået besked.",
            )
            .await
        }
        Err(e @ valghalla::Error::Refused(_)) => done(&me.0, &to, &e.message_da()).await,
        Err(e) => Err(e.into()),
    }
}

/// POST /parti/{team}/gensend/{seat}: sends an invitation again.
async fn resend(
    state: Tenant,
    me: Me,
    Path((team, seat)): Path<(TeamId, SeatId)>,
) -> Result<Response, AppError> {
    let to = format!("/parti/{team}#medlemmer");
    match state.svc.resend_invitation(&me.0.actor, seat).await {
        Ok(()) => done(&me.0, &to, "Invitationen er sendt igen.").await,
        Err(e @ valghalla::Error::Refused(_)) => done(&me.0, &to, &e.message_da()).await,
        Err(e) => Err(e.into()),
    }
}

/// POST /parti/{team}/medlem/{participant}/fjern: removes a member from the team (their seats
/// of the team are freed and they are told).
async fn remove_member(
    state: Tenant,
    me: Me,
    Path((team, participant)): Path<(TeamId, ParticipantId)>,
) -> Result<Response, AppError> {
    let to = format!("/parti/{team}#medlemmer");
    match state
        .svc
        .remove_from_team(&me.0.actor, team, participant)
        .await
    {
        Ok(()) => done(&me.0, &to, "Medlemmet er fjernet fra partiet.").await,
        Err(e @ valghalla::Error::Refused(_)) => done(&me.0, &to, &e.message_da()).await,
        Err(e) => Err(e.into()),
    }
}
