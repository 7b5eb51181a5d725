//! Participants: create through the CPR registry, edit, delete, anonymise.

use std::collections::BTreeSet;

use crate::cpr::Cpr;
use crate::ids::{ParticipantId, SeatId, SpecialDietId, TeamId, WorkLocationId};
use crate::model::{
    AuditAction, Contact, Election, Op, Participant, PersonRecord, Record, RecordKey, Rejection,
    Seat, SeatState, SpecialDiet, TaskType, Team, WorkLocation,
};
use crate::model::{AuditEvent, CprLookup};
use crate::rules::access::{Actor, Permission};
use crate::rules::lifecycle::{self, HeldSeat};
use crate::rules::{Ctx, Decision, Refused, Violation};
use crate::store::Query;

use super::tx::Tx;
use super::{Conflict, Error, Result, Valghalla, transact};

/// A participant to create; the person data comes from the registry.
#[derive(Debug, Clone)]
pub struct NewParticipant {
    /// CPR number.
    pub cpr: Cpr,
    /// Contact details.
    pub contact: Contact,
    /// Teams (at least one).
    pub teams: BTreeSet<TeamId>,
    /// Special diets.
    pub special_diets: BTreeSet<SpecialDietId>,
    /// Preferred work location.
    pub preferred_work_location: Option<WorkLocationId>,
}

/// A participant as a given actor may see them: the full CPR number only for roles allowed to
/// see it, otherwise `None` (the masked form is always in `participant.cpr`'s `Display`).
#[derive(Debug, Clone)]
pub struct ParticipantView {
    /// The participant.
    pub participant: Participant,
    /// The full CPR number (`DDMMYY-SSSS`), when the actor may see it.
    pub full_cpr: Option<String>,
}

impl Valghalla {
    /// Looks `cpr` up in the registry and creates a participant (T2 starts here). Refused if a
    /// participant with the number exists. The lookup is audit-logged.
    pub async fn create_participant(
        &self,
        actor: &Actor,
        new: NewParticipant,
    ) -> Result<Participant> {
        self.authorize(actor, Permission::CreateParticipant)?;
        if new.teams.is_empty() {
            return Err(Error::Invalid(crate::values::FieldError::new(
                "teams",
                "teams",
                "choose at least one team",
                "vælg mindst ét team",
            )));
        }
        let person = self.registry.lookup(&new.cpr).await?;
        self.insert_participant(actor, new, person, None).await
    }

    pub(crate) async fn insert_participant(
        &self,
        actor: &Actor,
        new: NewParticipant,
        person: PersonRecord,
        consent: Option<String>,
    ) -> Result<Participant> {
        let ctx = self.ctx(actor);
        let participant = Participant {
            id: ParticipantId::new(),
            cpr: new.cpr,
            person,
            contact: new.contact.clone(),
            special_diets: new.special_diets.clone(),
            teams: new.teams.clone(),
            preferred_work_location: new.preferred_work_location,
            last_validated_at: Some(ctx.now),
            consent: consent.map(|text_version| crate::model::Consent {
                text_version,
                given_at: ctx.now,
            }),
            created_at: ctx.now,
        };
        transact!(self, |tx| {
            if !tx
                .query::<Participant>(&Query::ParticipantByCpr(new.cpr))
                .await?
                .is_empty()
            {
                return Err(Conflict::CprTaken.into());
            }
            check_refs(
                &mut tx,
                &new.teams,
                &new.special_diets,
                new.preferred_work_location,
            )
            .await?;
            let audit = vec![
                ctx.audit(
                    AuditAction::CprAccess,
                    RecordKey::Participant(participant.id),
                    Some(participant.id),
                    None,
                    AuditEvent::CprLookedUp(CprLookup::Secretariat),
                ),
                ctx.audit(
                    AuditAction::Create,
                    RecordKey::Participant(participant.id),
                    Some(participant.id),
                    None,
                    AuditEvent::ParticipantCreated {
                        name: &participant.full_name(),
                    },
                ),
            ];
            (
                Decision {
                    ops: vec![Op::Put(Record::Participant(participant.clone()))],
                    messages: vec![],
                    audit,
                },
                (),
            )
        });
        Ok(participant)
    }

    /// Changes a participant's contact details, special diets, teams and preferred location.
    /// Each team joined needs [`Permission::JoinTeam`] (a person joins only through a team's
    /// link, so never here) and each team left [`Permission::LeaveTeam`]; leaving is refused
    /// while the participant holds an accepted seat of the team.
    pub async fn edit_participant(
        &self,
        actor: &Actor,
        id: ParticipantId,
        contact: Contact,
        special_diets: BTreeSet<SpecialDietId>,
        teams: Option<BTreeSet<TeamId>>,
        preferred_work_location: Option<WorkLocationId>,
    ) -> Result<Participant> {
        self.authorize(actor, Permission::EditParticipant { participant: id })?;
        if teams.as_ref().is_some_and(|t| t.is_empty()) {
            return Err(Error::Invalid(crate::values::FieldError::new(
                "teams",
                "teams",
                "choose at least one team",
                "vælg mindst ét team",
            )));
        }
        let ctx = self.ctx(actor);
        Ok(transact!(self, |tx| {
            let mut p = tx.get::<Participant>(id).await?;
            let new_teams = teams.clone().unwrap_or_else(|| p.teams.clone());
            for team in new_teams.difference(&p.teams) {
                self.authorize(
                    actor,
                    Permission::JoinTeam {
                        participant: id,
                        team: *team,
                        by_link: false,
                    },
                )?;
            }
            for team in p.teams.difference(&new_teams) {
                self.authorize(
                    actor,
                    Permission::LeaveTeam {
                        participant: id,
                        team: *team,
                    },
                )?;
            }
            check_refs(&mut tx, &new_teams, &special_diets, preferred_work_location).await?;
            let seats = tx.query::<Seat>(&Query::SeatsOfParticipant(id)).await?;
            let blocked: Vec<Violation> = seats
                .iter()
                .filter(|s| {
                    matches!(s.state, SeatState::Accepted { .. })
                        && !new_teams.contains(&s.slot.team)
                })
                .map(|s| Violation::NotTeamMember { team: s.slot.team })
                .collect();
            Refused::check(blocked)?;
            p.contact = contact.clone();
            p.special_diets = special_diets.clone();
            p.teams = new_teams;
            p.preferred_work_location = preferred_work_location;
            let audit = ctx.audit(
                AuditAction::Edit,
                RecordKey::Participant(id),
                Some(id),
                None,
                AuditEvent::ParticipantEdited,
            );
            (
                Decision {
                    ops: vec![Op::Put(Record::Participant(p.clone()))],
                    messages: vec![],
                    audit: vec![audit],
                },
                p,
            )
        }))
    }

    /// Deletes a participant (T11) and returns the seats it freed. Every seat they held or were
    /// invited to is vacated by the ordinary removal (an audit entry per seat); their rejections
    /// go with them, and they stop being responsible for anything.
    ///
    /// A person deleting their own profile is bound by the lock period: refused with
    /// `locked`, naming every locked seat, while they hold an accepted seat whose lock period
    /// has started (`rules::lifecycle::check_own_deletion`). The secretariat is not bound.
    pub async fn delete_participant(
        &self,
        actor: &Actor,
        id: ParticipantId,
    ) -> Result<Vec<SeatId>> {
        self.authorize(actor, Permission::DeleteParticipant { participant: id })?;
        let ctx = self.ctx(actor);
        Ok(transact!(self, |tx| {
            let p = tx.get::<Participant>(id).await?;
            let seats = tx.query::<Seat>(&Query::SeatsOfParticipant(id)).await?;
            if deletes_own_profile(actor, id) {
                check_own_deletion(&mut tx, &ctx, &seats).await?;
            }
            let rejections = tx
                .query::<Rejection>(&Query::RejectionsOfParticipant(id))
                .await?;
            let mut d = lifecycle::delete_participant(&ctx, &p, &seats, &rejections);
            d.ops.extend(drop_responsibilities(&mut tx, id).await?);
            d.ops
                .extend(super::notes::delete_private_records_of(&mut tx, id).await?);
            let freed = seats
                .iter()
                .filter(|s| s.state.participant() == Some(id))
                .map(|s| s.id)
                .collect::<Vec<_>>();
            (d, freed)
        }))
    }

    /// Replaces a participant's personal data with placeholders, keeping the row (and so the
    /// history of seats and rejections) but nothing that identifies the person. The CPR number
    /// is replaced by a replacement-style number that encodes only the birth year. Refused while
    /// they hold or are invited to an upcoming seat; a person anonymising their own profile
    /// inside a seat's lock period is refused with `locked`, naming the seat.
    pub async fn anonymise_participant(&self, actor: &Actor, id: ParticipantId) -> Result<()> {
        self.authorize(actor, Permission::DeleteParticipant { participant: id })?;
        let ctx = self.ctx(actor);
        transact!(self, |tx| {
            let p = tx.get::<Participant>(id).await?;
            let seats = tx.query::<Seat>(&Query::SeatsOfParticipant(id)).await?;
            if deletes_own_profile(actor, id) {
                check_own_deletion(&mut tx, &ctx, &seats).await?;
            }
            if seats
                .iter()
                .any(|s| s.state != SeatState::Vacant && s.slot.date >= ctx.today())
            {
                return Err(Conflict::UpcomingTasks.into());
            }
            let anon = anonymised(&p, &mut tx).await?;
            let mut ops = vec![Op::Put(Record::Participant(anon))];
            ops.extend(drop_responsibilities(&mut tx, id).await?);
            ops.extend(super::notes::delete_private_records_of(&mut tx, id).await?);
            let audit = ctx.audit(
                AuditAction::Edit,
                RecordKey::Participant(id),
                Some(id),
                None,
                AuditEvent::ParticipantAnonymised,
            );
            (
                Decision {
                    ops,
                    messages: vec![],
                    audit: vec![audit],
                },
                (),
            )
        });
        Ok(())
    }

    /// A participant, as `actor` may see them. Viewing by staff is audit-logged only when the
    /// full CPR number is shown.
    pub async fn participant(&self, actor: &Actor, id: ParticipantId) -> Result<ParticipantView> {
        let mut tx = Tx::new(self);
        let p = tx.get::<Participant>(id).await?;
        // The person's teams decide; a denial must not tell them to whom they were denied.
        self.authorize(
            actor,
            Permission::ReadParticipant {
                participant: id,
                teams: p.teams.clone(),
            },
        )
        .map_err(|_| {
            Error::Denied(crate::rules::access::Denied {
                actor: actor.label(),
                permission: Permission::ReadParticipant {
                    participant: id,
                    teams: BTreeSet::new(),
                },
            })
        })?;
        let full_cpr = if crate::rules::access::authorize(actor, &Permission::ReadFullCpr).is_ok() {
            let ctx = self.ctx(actor);
            let audit = ctx.audit(
                AuditAction::CprAccess,
                RecordKey::Participant(id),
                Some(id),
                None,
                AuditEvent::FullCprShown,
            );
            self.store
                .apply(crate::store::ChangeSet {
                    changes: vec![],
                    audit: vec![audit],
                    messages: vec![],
                })
                .await?;
            Some(p.cpr.reveal_dashed())
        } else {
            None
        };
        Ok(ParticipantView {
            participant: p,
            full_cpr,
        })
    }
}

/// Whether `actor` is the participant `id` acting on their own profile (and so bound by the
/// lock period).
fn deletes_own_profile(actor: &Actor, id: ParticipantId) -> bool {
    matches!(actor, Actor::Person(p) if p.participant == id)
}

/// Loads what the lock period needs for each of `seats` and checks it.
async fn check_own_deletion(tx: &mut Tx<'_>, ctx: &Ctx, seats: &[Seat]) -> Result<()> {
    let mut loaded = Vec::with_capacity(seats.len());
    for seat in seats {
        let election = tx.get::<Election>(seat.slot.election).await?;
        let task_type = tx.get::<TaskType>(seat.slot.task_type).await?;
        let location = tx.get::<WorkLocation>(seat.slot.work_location).await?;
        loaded.push((seat, election, task_type, location));
    }
    let held: Vec<HeldSeat<'_>> = loaded
        .iter()
        .map(|(seat, election, task_type, work_location)| HeldSeat {
            seat,
            election,
            task_type,
            work_location,
        })
        .collect();
    Ok(lifecycle::check_own_deletion(ctx, &held)?)
}

async fn check_refs(
    tx: &mut Tx<'_>,
    teams: &BTreeSet<TeamId>,
    diets: &BTreeSet<SpecialDietId>,
    location: Option<WorkLocationId>,
) -> Result<()> {
    for t in teams {
        tx.get::<Team>(*t).await?;
    }
    for d in diets {
        tx.get::<SpecialDiet>(*d).await?;
    }
    if let Some(l) = location {
        tx.get::<WorkLocation>(l).await?;
    }
    Ok(())
}

/// Removes the participant as team and work-location responsible.
pub(crate) async fn drop_responsibilities(tx: &mut Tx<'_>, id: ParticipantId) -> Result<Vec<Op>> {
    let mut ops = Vec::new();
    for mut team in tx.all::<Team>().await? {
        if team.responsibles.remove(&id).is_some() {
            ops.push(Op::Put(Record::Team(team)));
        }
    }
    for mut loc in tx.all::<WorkLocation>().await? {
        if loc.responsibles.remove(&id) {
            ops.push(Op::Put(Record::WorkLocation(loc)));
        }
    }
    Ok(ops)
}

/// A copy of `p` with nothing that identifies the person: a fresh CPR-shaped number on 1 January
/// of the birth year (unique among participants), placeholder names, no address or contact.
async fn anonymised(p: &Participant, tx: &mut Tx<'_>) -> Result<Participant> {
    use chrono::Datelike;
    let year = p.person.birth_date.year();
    let yy = year.rem_euclid(100);
    // Seventh digit 4 or 9 with a year 00–36 means 20xx; 0–3 means 19xx; 5–8 with 58–99 18xx.
    let seventh = if year >= 2000 {
        4
    } else if year >= 1900 {
        0
    } else {
        5
    };
    let taken: BTreeSet<String> = tx
        .all::<Participant>()
        .await?
        .iter()
        .map(|o| o.cpr.reveal())
        .collect();
    let cpr = (0..1000)
        .map(|serial| format!("6101{yy:02}{seventh}{serial:03}"))
        .find(|c| !taken.contains(c))
        .and_then(|c| Cpr::parse(&c).ok())
        .ok_or_else(|| Error::from(Conflict::NoAnonymousCpr))?;
    let mut anon = p.clone();
    anon.cpr = cpr;
    anon.person = PersonRecord {
        first_name: "Anonymiseret".into(),
        last_name: "deltager".into(),
        address: None,
        municipality: None,
        citizenship: None,
        birth_date: cpr.birth_date(),
        deceased: p.person.deceased,
        under_guardianship: false,
        protected_address: false,
        exempt_from_digital_post: true,
        resident_in_realm_since: None,
    };
    anon.contact = Contact::default();
    anon.special_diets.clear();
    anon.preferred_work_location = None;
    anon.consent = None;
    Ok(anon)
}
