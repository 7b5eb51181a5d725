//! Participants: search, create through the CPR registry, view (full CPR only for those
//! allowed; seats in every election, rejections, eligibility, messages, responsibilities and
//! the secretariat's notes), edit and delete; notes written, edited and deleted.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use valghalla::core::ids::{NoteId, ParticipantId, SpecialDietId, TeamId, WorkLocationId};
use valghalla::core::model::RejectionKind;
use valghalla::core::rules::access::Permission;
use valghalla::core::service::{Correspondence, Failure, NewParticipant};
use valghalla::core::{Cpr, DanishMessage};

use super::common::{
    XLSX, channel_da, diet_choices, kind_da, log_status_da, scope_da, team_choices,
};
use crate::state::{PortalState, Tenant};
use crate::web::forms::{contact_values, parse_contact};
use crate::web::views::{da_date, done, local_time, require, short_date, status_class, status_da};
use crate::web::{AppError, Choice, FormData, FormErrors, Layout, Me, render};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route(
            "/sekretariat/deltagere",
            get(participants).post(create_participant),
        )
        .route("/sekretariat/deltagere/ny", get(new_participant))
        .route(
            "/sekretariat/deltagere/{id}",
            get(participant).post(edit_participant),
        )
        .route("/sekretariat/deltagere/{id}/slet", post(delete_participant))
        .route(
            "/sekretariat/deltagere/{id}/medlem/{team}/fjern",
            post(remove_from_team),
        )
        .route("/sekretariat/deltagere/{id}/noter", post(add_note))
        .route("/sekretariat/deltagere/{id}/noter/{note}", post(edit_note))
        .route(
            "/sekretariat/deltagere/{id}/noter/{note}/slet",
            post(delete_note),
        )
}

/// `?q=` search.
#[derive(Debug, Deserialize)]
pub struct Search {
    q: Option<String>,
}

struct PersonRow {
    id: ParticipantId,
    name: String,
    birth: String,
    teams: String,
    mobile: String,
    email: String,
}

#[derive(Template)]
#[template(path = "sekretariat/deltagere.html")]
struct PeoplePage {
    layout: Layout,
    q: String,
    people: Vec<PersonRow>,
    admin: bool,
    can_export: bool,
    xlsx: bool,
}

/// GET /sekretariat/deltagere: search participants by name.
pub async fn participants(
    state: Tenant,
    me: Me,
    Query(s): Query<Search>,
) -> Result<Response, AppError> {
    let q = s.q.unwrap_or_default();
    let people = state
        .svc
        .search_participants(&me.0.actor, &q, 200)
        .await?
        .into_iter()
        .map(|p| PersonRow {
            id: p.id,
            name: p.name,
            birth: short_date(p.birth_date),
            teams: p.teams.join(", "),
            mobile: p.mobile.unwrap_or_default(),
            email: p.email.unwrap_or_default(),
        })
        .collect();
    let page = PeoplePage {
        layout: me.0.layout("Deltagere"),
        q,
        people,
        admin: me.0.is_admin(),
        can_export: require(&me.0.actor, Permission::ExportLists).is_ok()
            && require(&me.0.actor, Permission::ReadFullCpr).is_ok(),
        xlsx: XLSX,
    };
    render(&page)
}

#[derive(Template)]
#[template(path = "sekretariat/deltager_ny.html")]
struct NewPersonPage {
    layout: Layout,
    errors: FormErrors,
    mobile: String,
    email: String,
    teams: Vec<Choice>,
    diets: Vec<Choice>,
}

/// GET /sekretariat/deltagere/ny: the form to create a participant.
pub async fn new_participant(state: Tenant, me: Me) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::CreateParticipant)?;
    let page = NewPersonPage {
        teams: team_choices(&state, &me, &BTreeSet::new()).await?,
        diets: diet_choices(&state, &me, &BTreeSet::new()).await?,
        layout: me.0.layout("Opret deltager"),
        errors: FormErrors::none(),
        mobile: String::new(),
        email: String::new(),
    };
    render(&page)
}

/// POST /sekretariat/deltagere: creates a participant through the CPR registry. The CPR number
/// only travels in this form body.
pub async fn create_participant(
    state: Tenant,
    me: Me,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::CreateParticipant)?;
    let mut errors = FormErrors::none();
    let cpr = match Cpr::parse(form.get("cpr")) {
        Ok(c) => Some(c),
        Err(e) => {
            errors.add("cpr", e.message_da());
            None
        }
    };
    let contact = parse_contact(&form, &mut errors);
    let teams: BTreeSet<TeamId> = form.parse_all("team")?;
    let diets: BTreeSet<SpecialDietId> = form.parse_all("kost")?;
    if teams.is_empty() {
        errors.add("team-0", "Vælg mindst ét team.");
    }
    if let (true, Some(cpr)) = (errors.is_empty(), cpr) {
        let new = NewParticipant {
            cpr,
            contact,
            teams: teams.clone(),
            special_diets: diets.clone(),
            preferred_work_location: None,
        };
        match state.svc.create_participant(&me.0.actor, new).await {
            Ok(p) => {
                let to = format!("/sekretariat/deltagere/{}", p.id);
                return done(&me.0, &to, "Deltageren er oprettet.").await;
            }
            // A conflict here is the CPR number already in use; the core says so in Danish.
            Err(
                e @ (valghalla::Error::NotInRegistry(_)
                | valghalla::Error::Failed(Failure::Registry(_))
                | valghalla::Error::Conflict(_)),
            ) => errors.add("cpr", e.message_da()),
            Err(valghalla::Error::Invalid(f)) => errors.add("cpr", f.message_da()),
            Err(e) => return Err(e.into()),
        }
    }
    let page = NewPersonPage {
        teams: team_choices(&state, &me, &teams).await?,
        diets: diet_choices(&state, &me, &diets).await?,
        layout: me.0.layout("Opret deltager"),
        errors,
        mobile: form.get("mobil").to_owned(),
        email: form.get("email").to_owned(),
    };
    render(&page)
}

#[derive(Template)]
#[template(path = "sekretariat/deltager.html")]
struct PersonPage {
    layout: Layout,
    id: ParticipantId,
    name: String,
    masked_cpr: String,
    full_cpr: Option<String>,
    birth: String,
    address: String,
    mobile: String,
    email: String,
    teams: Vec<Choice>,
    diets: Vec<Choice>,
    errors: FormErrors,
    admin: bool,
    history: History,
    /// The secretariat's notes; `None` when the viewer may not read them (nothing is said).
    notes: Option<Vec<NoteRow>>,
    /// What was written in the new-note field, kept when it is refused.
    note_text: String,
    /// May write notes.
    can_write_notes: bool,
}

struct NoteRow {
    id: NoteId,
    at: String,
    author: String,
    text: String,
    /// "rettet dd.mm.åååå tt:mm", or empty.
    edited: String,
    /// The viewer wrote it and may edit or delete it.
    own: bool,
    /// Why the viewer's change to it was refused.
    error: Option<String>,
}

/// The notes `me` may read about `id`, newest first (their showing is logged by the core), or
/// `None` when they may not: a refusal shows nothing, not even that there are notes.
async fn notes(
    state: &Tenant,
    me: &Me,
    id: ParticipantId,
    errors: &FormErrors,
) -> Result<Option<Vec<NoteRow>>, AppError> {
    let actor = &me.0.actor;
    match state.svc.notes(actor, id).await {
        Ok(notes) => Ok(Some(
            notes
                .into_iter()
                .map(|n| NoteRow {
                    error: errors.get(&format!("note-{}", n.id)).map(str::to_owned),
                    own: require(
                        actor,
                        Permission::ChangeNote {
                            author: n.author.clone(),
                        },
                    )
                    .is_ok(),
                    id: n.id,
                    at: local_time(n.created_at),
                    author: n.author,
                    text: n.text,
                    edited: n
                        .edited_at
                        .map(|at| format!("rettet {}", local_time(at)))
                        .unwrap_or_default(),
                })
                .collect(),
        )),
        Err(valghalla::Error::Denied(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// What the participant page shows besides the person: seats, rejections, eligibility,
/// messages and responsibilities.
#[derive(Default)]
struct History {
    /// (election, date, station, task, team, status, CSS class, seat id)
    seats: Vec<[String; 8]>,
    /// (election, date, station, task, how, when)
    rejections: Vec<[String; 6]>,
    /// (election, reasons; empty: eligible)
    eligibility: Vec<(String, Vec<String>)>,
    /// Messages to the person and their posts to the secretariat, newest first; `None` when
    /// the viewer may not read the log.
    messages: Option<Vec<LogLine>>,
    /// Team names the person is party secretary of, with their stations.
    secretary_of: Vec<String>,
    /// Work locations the person is responsible for.
    responsible_for: Vec<String>,
}

fn rejection_da(k: RejectionKind) -> &'static str {
    match k {
        RejectionKind::Declined => "Takkede nej",
        RejectionKind::Withdrew => "Meldte fra",
        RejectionKind::DeclinedOnBehalf => "Sekretariatet takkede nej på vegne af personen",
        RejectionKind::RemovedFromTeam => "Fjernet fra teamet",
    }
}

/// One line of the person's communication log.
struct LogLine {
    at: String,
    /// "Til personen" or "Fra personen".
    direction: &'static str,
    /// The message's kind, or the subject of the person's thread.
    what: String,
    /// The thread in the inbox, for a post from the person.
    thread: Option<String>,
    status: &'static str,
    channel: String,
    error: String,
}

impl LogLine {
    fn of(c: Correspondence) -> LogLine {
        match c {
            Correspondence::Outgoing(m) => LogLine {
                at: local_time(m.created_at),
                direction: "Til personen",
                what: kind_da(m.kind).to_owned(),
                thread: None,
                status: log_status_da(m.status),
                channel: channel_da(m.channel),
                error: m.error.unwrap_or_default(),
            },
            Correspondence::Incoming(p) => LogLine {
                at: local_time(p.at),
                direction: "Fra personen",
                what: p.subject,
                thread: Some(p.thread.to_string()),
                status: "Modtaget",
                channel: "Portalen".to_owned(),
                error: String::new(),
            },
        }
    }
}

async fn history(state: &Tenant, me: &Me, id: ParticipantId) -> Result<History, AppError> {
    let actor = &me.0.actor;
    let h = state.svc.participant_history(actor, id).await?;
    let messages = match state.svc.correspondence(actor, id, 50).await {
        Ok(log) => Some(log.into_iter().map(LogLine::of).collect()),
        Err(valghalla::Error::Denied(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let locations = state.svc.work_locations(actor).await?;
    let titles: BTreeMap<WorkLocationId, String> = locations
        .iter()
        .map(|l| (l.id, l.title.to_string()))
        .collect();
    Ok(History {
        seats: h
            .seats
            .into_iter()
            .map(|s| {
                [
                    s.slot.election,
                    short_date(s.slot.date),
                    s.slot.work_location,
                    s.slot.task_type,
                    s.slot.team,
                    status_da(s.status).to_owned(),
                    status_class(s.status).to_owned(),
                    s.seat.to_string(),
                ]
            })
            .collect(),
        rejections: h
            .rejections
            .into_iter()
            .map(|r| {
                [
                    r.slot.election,
                    short_date(r.slot.date),
                    r.slot.work_location,
                    r.slot.task_type,
                    rejection_da(r.kind).to_owned(),
                    local_time(r.at),
                ]
            })
            .collect(),
        eligibility: h
            .eligibility
            .into_iter()
            .map(|e| {
                (
                    e.election,
                    e.failures.iter().map(|f| f.message_da()).collect(),
                )
            })
            .collect(),
        messages,
        secretary_of: state
            .svc
            .teams(actor)
            .await?
            .into_iter()
            .filter_map(|t| {
                t.responsibles
                    .get(&id)
                    .map(|scope| format!("{} ({})", t.name, scope_da(scope, &titles)))
            })
            .collect(),
        responsible_for: locations
            .into_iter()
            .filter(|l| l.responsibles.contains(&id))
            .map(|l| l.title.to_string())
            .collect(),
    })
}

async fn person_page(
    state: &Tenant,
    me: &Me,
    id: ParticipantId,
    posted: Option<&FormData>,
    errors: FormErrors,
) -> Result<Response, AppError> {
    person_page_with_note(state, me, id, posted, errors, String::new()).await
}

async fn person_page_with_note(
    state: &Tenant,
    me: &Me,
    id: ParticipantId,
    posted: Option<&FormData>,
    errors: FormErrors,
    note_text: String,
) -> Result<Response, AppError> {
    let view = state.svc.participant(&me.0.actor, id).await?;
    let p = view.participant;
    let (teams, diets) = match posted {
        Some(f) => (f.parse_all("team")?, f.parse_all("kost")?),
        None => (p.teams.clone(), p.special_diets.clone()),
    };
    let (mobile, email) = contact_values(&p.contact, posted);
    let notes = notes(state, me, id, &errors).await?;
    let page = PersonPage {
        layout: me.0.layout(p.full_name()),
        id,
        name: p.full_name(),
        masked_cpr: p.cpr.to_string(),
        full_cpr: view.full_cpr,
        birth: da_date(p.person.birth_date),
        address: if p.person.protected_address {
            "Navne- og adressebeskyttet".into()
        } else {
            p.person
                .address
                .as_ref()
                .map(|a| a.to_string())
                .unwrap_or_default()
        },
        mobile,
        email,
        teams: team_choices(state, me, &teams).await?,
        diets: diet_choices(state, me, &diets).await?,
        errors,
        admin: me.0.is_admin(),
        history: history(state, me, id).await?,
        notes,
        note_text,
        can_write_notes: require(&me.0.actor, Permission::WriteNotes).is_ok(),
    };
    render(&page)
}

/// GET /sekretariat/deltagere/{id}: a participant (full CPR number only for administrators).
pub async fn participant(
    state: Tenant,
    me: Me,
    Path(id): Path<ParticipantId>,
) -> Result<Response, AppError> {
    person_page(&state, &me, id, None, FormErrors::none()).await
}

/// POST /sekretariat/deltagere/{id}: edits contact details, diets and teams.
pub async fn edit_participant(
    state: Tenant,
    me: Me,
    Path(id): Path<ParticipantId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::none();
    let contact = parse_contact(&form, &mut errors);
    let teams: BTreeSet<TeamId> = form.parse_all("team")?;
    let diets: BTreeSet<SpecialDietId> = form.parse_all("kost")?;
    if teams.is_empty() {
        errors.add("team-0", "Vælg mindst ét team.");
    }
    if errors.is_empty() {
        match state
            .svc
            .edit_participant(&me.0.actor, id, contact, diets, Some(teams), None)
            .await
        {
            Ok(_) => {
                let to = format!("/sekretariat/deltagere/{id}");
                return done(&me.0, &to, "Ændringerne er gemt.").await;
            }
            Err(e @ (valghalla::Error::Refused(_) | valghalla::Error::Invalid(_))) => {
                errors = FormErrors::from_service("team-0", &e);
            }
            Err(e) => return Err(e.into()),
        }
    }
    person_page(&state, &me, id, Some(&form), errors).await
}

/// POST /sekretariat/deltagere/{id}/slet: deletes a participant.
pub async fn delete_participant(
    state: Tenant,
    me: Me,
    Path(id): Path<ParticipantId>,
) -> Result<Response, AppError> {
    state.svc.delete_participant(&me.0.actor, id).await?;
    done(&me.0, "/sekretariat/deltagere", "Deltageren er slettet.").await
}

/// POST /sekretariat/deltagere/{id}/medlem/{team}/fjern (confirmed first, `web/confirm.rs`):
/// removes the person from a team (T12): their seats of the team are freed and they are told;
/// if it was their only team they are deleted. A refusal is shown at the teams, and nothing
/// changes.
pub async fn remove_from_team(
    state: Tenant,
    me: Me,
    Path((id, team)): Path<(ParticipantId, TeamId)>,
) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::ManageSeatHolders)?;
    let view = state.svc.participant(&me.0.actor, id).await?;
    let name = view.participant.full_name();
    let last_team = view.participant.teams.len() == 1 && view.participant.teams.contains(&team);
    match state.svc.remove_from_team(&me.0.actor, team, id).await {
        Ok(()) if last_team => {
            let msg = format!("{name} er fjernet fra sit eneste team og er derfor slettet.");
            done(&me.0, "/sekretariat/deltagere", &msg).await
        }
        Ok(()) => {
            let to = format!("/sekretariat/deltagere/{id}");
            let msg = format!(
                "{name} er fjernet fra teamet. Personens pladser på teamet er ledige igen, og personen har fået besked."
            );
            done(&me.0, &to, &msg).await
        }
        Err(e @ valghalla::Error::Refused(_)) => {
            let errors = FormErrors::from_service("hold", &e);
            person_page(&state, &me, id, None, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /sekretariat/deltagere/{id}/noter: writes a note (`note`). An empty or too long note is
/// shown at its field with the text kept; nothing is saved.
pub async fn add_note(
    state: Tenant,
    me: Me,
    Path(id): Path<ParticipantId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    match state.svc.add_note(&me.0.actor, id, form.get("note")).await {
        Ok(_) => {
            let to = format!("/sekretariat/deltagere/{id}#noter");
            done(&me.0, &to, "Noten er gemt.").await
        }
        Err(valghalla::Error::Invalid(f)) => {
            let mut errors = FormErrors::none();
            errors.add("note", f.message_da());
            person_page_with_note(&state, &me, id, None, errors, form.get("note").to_owned()).await
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /sekretariat/deltagere/{id}/noter/{note}: changes one's own note (`note`).
pub async fn edit_note(
    state: Tenant,
    me: Me,
    Path((id, note)): Path<(ParticipantId, NoteId)>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    match state
        .svc
        .edit_note(&me.0.actor, note, form.get("note"))
        .await
    {
        Ok(()) => {
            let to = format!("/sekretariat/deltagere/{id}#noter");
            done(&me.0, &to, "Noten er rettet.").await
        }
        Err(valghalla::Error::Invalid(f)) => {
            let mut errors = FormErrors::none();
            errors.add(&format!("note-{note}"), f.message_da());
            person_page(&state, &me, id, None, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /sekretariat/deltagere/{id}/noter/{note}/slet: deletes one's own note (after the
/// confirmation step).
pub async fn delete_note(
    state: Tenant,
    me: Me,
    Path((id, note)): Path<(ParticipantId, NoteId)>,
) -> Result<Response, AppError> {
    state.svc.delete_note(&me.0.actor, note).await?;
    let to = format!("/sekretariat/deltagere/{id}#noter");
    done(&me.0, &to, "Noten er slettet.").await
}
