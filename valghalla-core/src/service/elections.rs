//! Elections: create, edit, duplicate to a new election day, activate, deactivate, delete.
//!
//! Several elections may be active at once (a referendum on the same day as another election);
//! double booking is checked across all of them.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use crate::collation::sort_danish_by;
use crate::ids::{ElectionId, ElectionTypeId, WorkLocationId};
use crate::model::AuditEvent;
use crate::model::{
    AuditAction, DateRange, Election, ElectionType, Link, LinkKind, Op, Record, RecordKey, Seat,
    SeatState, WorkLocation,
};
use crate::rules::access::{Actor, Permission};
use crate::rules::{Decision, Refused, Violation};
use crate::store::Query;
use crate::values::{DanishMessage, FieldError, Name};

use super::tx::Tx;
use super::{Conflict, Error, Result, Valghalla, transact};

/// A new election, as entered.
#[derive(Debug, Clone)]
pub struct ElectionDraft {
    /// Title.
    pub title: String,
    /// Election type.
    pub election_type: ElectionTypeId,
    /// Election day.
    pub election_day: NaiveDate,
    /// First day with tasks.
    pub first_day: NaiveDate,
    /// Last day with tasks.
    pub last_day: NaiveDate,
    /// Lock period in days.
    pub lock_period_days: u16,
    /// Work locations taking part.
    pub work_locations: BTreeSet<WorkLocationId>,
}

/// An edit of an election.
#[derive(Debug, Clone)]
pub struct ElectionEdit {
    /// Title.
    pub title: String,
    /// Election day.
    pub election_day: NaiveDate,
    /// First day with tasks.
    pub first_day: NaiveDate,
    /// Last day with tasks.
    pub last_day: NaiveDate,
    /// Lock period in days.
    pub lock_period_days: u16,
    /// Work locations taking part (removing one is refused while it has taken seats; its
    /// vacant seats are deleted).
    pub work_locations: BTreeSet<WorkLocationId>,
}

/// How an election is duplicated ([`Valghalla::duplicate_election_with`]).
#[derive(Debug, Clone)]
pub struct DuplicateOptions {
    /// The copy's title.
    pub title: String,
    /// The copy's election day; every other day shifts by as many days.
    pub election_day: NaiveDate,
    /// The work locations to take along with their seats (`None`: the source's).
    pub work_locations: Option<BTreeSet<WorkLocationId>>,
    /// Whether the message-template choices are copied.
    pub copy_templates: bool,
}

fn invalid(e: crate::model::ElectionError) -> Error {
    use crate::model::ElectionError as E;
    let field = match e {
        E::DayOutsidePeriod { .. }
        | E::ImplausibleDate {
            field: "election day",
            ..
        } => ("election day", "valgdato"),
        E::ImplausibleDate {
            field: "first day", ..
        } => ("first day", "første dag"),
        E::ImplausibleDate { .. } => ("last day", "sidste dag"),
        E::LockPeriodTooLong { .. } => ("lock period", "låseperiode"),
        E::PeriodTooLong { .. } | E::PeriodReversed { .. } | E::DateOutsidePeriod { .. } => {
            ("working period", "arbejdsperiode")
        }
    };
    Error::Invalid(FieldError::new(
        field.0,
        field.1,
        e.to_string(),
        e.message_da(),
    ))
}

async fn check_unique_title(
    tx: &mut Tx<'_>,
    id: ElectionId,
    title: &Name,
    day: NaiveDate,
) -> Result<()> {
    let clash = tx.all::<Election>().await?.into_iter().any(|e| {
        e.id != id
            && e.election_day() == day
            && e.title.as_str().to_lowercase() == title.as_str().to_lowercase()
    });
    if clash {
        return Err(Conflict::ElectionExists {
            title: title.to_string(),
            day,
        }
        .into());
    }
    Ok(())
}

impl Valghalla {
    /// Creates an inactive election.
    pub async fn create_election(&self, actor: &Actor, draft: ElectionDraft) -> Result<Election> {
        self.authorize(actor, Permission::ManageElections)?;
        let title = Name::parse_field(&draft.title, "title", "titel")?;
        let period = DateRange::new(draft.first_day, draft.last_day).map_err(invalid)?;
        let mut election = Election::new(
            title,
            draft.election_type,
            draft.election_day,
            period,
            draft.lock_period_days,
        )
        .map_err(invalid)?;
        election.work_locations = draft.work_locations.clone();
        let ctx = self.ctx(actor);
        transact!(self, |tx| {
            tx.get::<ElectionType>(draft.election_type).await?;
            for l in &draft.work_locations {
                tx.get::<WorkLocation>(*l).await?;
            }
            check_unique_title(
                &mut tx,
                election.id,
                &election.title,
                election.election_day(),
            )
            .await?;
            let audit = ctx.audit(
                AuditAction::Create,
                RecordKey::Election(election.id),
                None,
                Some(election.id),
                AuditEvent::ElectionCreated,
            );
            (
                Decision {
                    ops: vec![Op::Put(Record::Election(election.clone()))],
                    messages: vec![],
                    audit: vec![audit],
                },
                (),
            )
        });
        Ok(election)
    }

    /// Edits an election's title, dates, lock period and work locations. Refused when a seat
    /// would fall outside the new working period or a removed location has taken seats.
    pub async fn edit_election(
        &self,
        actor: &Actor,
        id: ElectionId,
        edit: ElectionEdit,
    ) -> Result<Election> {
        self.authorize(actor, Permission::ManageElections)?;
        let title = Name::parse_field(&edit.title, "title", "titel")?;
        let period = DateRange::new(edit.first_day, edit.last_day).map_err(invalid)?;
        let ctx = self.ctx(actor);
        Ok(transact!(self, |tx| {
            let mut election = tx.get::<Election>(id).await?;
            election
                .reschedule(edit.election_day, period)
                .map_err(invalid)?;
            election.title = title.clone();
            election
                .set_lock_period(edit.lock_period_days)
                .map_err(invalid)?;
            for l in &edit.work_locations {
                tx.get::<WorkLocation>(*l).await?;
            }
            check_unique_title(&mut tx, id, &title, edit.election_day).await?;
            let seats = tx.query::<Seat>(&Query::SeatsOfElection(id)).await?;
            let mut violations = Vec::new();
            let mut ops = Vec::new();
            for s in &seats {
                if !period.contains(s.slot.date) {
                    violations.push(Violation::DateOutsidePeriod { date: s.slot.date });
                } else if !edit.work_locations.contains(&s.slot.work_location) {
                    if s.state == SeatState::Vacant {
                        ops.push(Op::Delete(RecordKey::Seat(s.id)));
                    } else {
                        violations.push(Violation::LocationNotInElection {
                            work_location: s.slot.work_location,
                        });
                    }
                }
            }
            violations.dedup();
            Refused::check(violations)?;
            election.work_locations = edit.work_locations.clone();
            ops.push(Op::Put(Record::Election(election.clone())));
            let audit = ctx.audit(
                AuditAction::Edit,
                RecordKey::Election(id),
                None,
                Some(id),
                AuditEvent::ElectionEdited,
            );
            (
                Decision {
                    ops,
                    messages: vec![],
                    audit: vec![audit],
                },
                election,
            )
        }))
    }

    /// Duplicates an election to a new election day: same type, locations, lock period and
    /// message-template choices, and every seat of the source moved by the same number of days
    /// relative to election day, as a vacant seat. Participants and answers are not copied. The
    /// new dates are checked like a new election's.
    pub async fn duplicate_election(
        &self,
        actor: &Actor,
        source: ElectionId,
        title: &str,
        new_election_day: NaiveDate,
    ) -> Result<Election> {
        self.duplicate_election_with(
            actor,
            source,
            DuplicateOptions {
                title: title.to_owned(),
                election_day: new_election_day,
                work_locations: None,
                copy_templates: true,
            },
        )
        .await
    }

    /// Duplicates an election with options: the days shift with the new election day; only
    /// the chosen work locations (and their seats, as vacant seats) come along; the
    /// message-template choices are copied when asked.
    pub async fn duplicate_election_with(
        &self,
        actor: &Actor,
        source: ElectionId,
        options: DuplicateOptions,
    ) -> Result<Election> {
        self.authorize(actor, Permission::ManageElections)?;
        let title = Name::parse_field(&options.title, "title", "titel")?;
        let new_election_day = options.election_day;
        let ctx = self.ctx(actor);
        Ok(transact!(self, |tx| {
            let src = tx.get::<Election>(source).await?;
            let shift = (new_election_day - src.election_day()).num_days();
            let period = src.working_period().shifted(shift).ok_or_else(|| {
                invalid(crate::model::ElectionError::ImplausibleDate {
                    field: "election day",
                    date: new_election_day,
                })
            })?;
            let mut copy = Election::new(
                title.clone(),
                src.election_type,
                new_election_day,
                period,
                src.lock_period_days,
            )
            .map_err(invalid)?;
            copy.work_locations = match &options.work_locations {
                Some(chosen) => {
                    for l in chosen {
                        tx.get::<WorkLocation>(*l).await?;
                    }
                    chosen.clone()
                }
                None => src.work_locations.clone(),
            };
            check_unique_title(&mut tx, copy.id, &copy.title, new_election_day).await?;
            let mut ops = vec![Op::Put(Record::Election(copy.clone()))];
            for s in tx.query::<Seat>(&Query::SeatsOfElection(source)).await? {
                if !copy.work_locations.contains(&s.slot.work_location) {
                    continue;
                }
                let mut slot = s.slot;
                slot.election = copy.id;
                // Inside the new working period, which was checked above: this cannot fail.
                slot.date = crate::model::shift_date(slot.date, shift).unwrap_or(slot.date);
                ops.push(Op::Put(Record::Seat(Seat::vacant(slot))));
            }
            let seats = ops.len() - 1;
            if options.copy_templates {
                let mut settings = tx.communication().await?;
                if let Some(choices) = settings.elections.get(&source).cloned() {
                    settings.elections.insert(copy.id, choices);
                    ops.push(Op::Put(Record::Communication(settings)));
                }
            }
            let audit = ctx.audit(
                AuditAction::Create,
                RecordKey::Election(copy.id),
                None,
                Some(copy.id),
                AuditEvent::ElectionDuplicated { source, seats },
            );
            (
                Decision {
                    ops,
                    messages: vec![],
                    audit: vec![audit],
                },
                copy,
            )
        }))
    }

    /// Activates or deactivates an election. Messages of an inactive election wait in the
    /// outbox until it is activated.
    pub async fn set_election_active(
        &self,
        actor: &Actor,
        id: ElectionId,
        active: bool,
    ) -> Result<()> {
        self.authorize(actor, Permission::ManageElections)?;
        let ctx = self.ctx(actor);
        transact!(self, |tx| {
            let mut e = tx.get::<Election>(id).await?;
            if e.active == active {
                (Decision::default(), ())
            } else {
                e.active = active;
                let audit = ctx.audit(
                    AuditAction::Edit,
                    RecordKey::Election(id),
                    None,
                    Some(id),
                    AuditEvent::ElectionActive(active),
                );
                (
                    Decision {
                        ops: vec![Op::Put(Record::Election(e))],
                        messages: vec![],
                        audit: vec![audit],
                    },
                    (),
                )
            }
        });
        Ok(())
    }

    /// Deletes an inactive election with its seats, rejections, links and message-template
    /// choices.
    pub async fn delete_election(&self, actor: &Actor, id: ElectionId) -> Result<()> {
        self.authorize(actor, Permission::ManageElections)?;
        let ctx = self.ctx(actor);
        transact!(self, |tx| {
            let e = tx.get::<Election>(id).await?;
            if e.active {
                return Err(Refused::one(Violation::ElectionActive).into());
            }
            let seats = tx.query::<Seat>(&Query::SeatsOfElection(id)).await?;
            let mut ops: Vec<Op> = seats
                .iter()
                .map(|s| Op::Delete(RecordKey::Seat(s.id)))
                .collect();
            ops.extend(
                tx.query::<crate::model::Rejection>(&Query::RejectionsOfElection(id))
                    .await?
                    .iter()
                    .map(|r| Op::Delete(RecordKey::Rejection(r.id))),
            );
            let seat_ids: BTreeSet<_> = seats.iter().map(|s| s.id).collect();
            for link in tx.all::<Link>().await? {
                let ours = match &link.kind {
                    LinkKind::Vacancies(f) => f.election == id,
                    LinkKind::Seat { seat } => seat_ids.contains(seat),
                    LinkKind::Team { .. } => false,
                };
                if ours {
                    ops.push(Op::Delete(RecordKey::Link(link.id)));
                }
            }
            ops.push(Op::Delete(RecordKey::Election(id)));
            let mut settings = tx.communication().await?;
            if settings.elections.remove(&id).is_some() {
                ops.push(Op::Put(Record::Communication(settings)));
            }
            let audit = ctx.audit(
                AuditAction::Delete,
                RecordKey::Election(id),
                None,
                Some(id),
                AuditEvent::ElectionDeleted {
                    title: e.title.as_str(),
                    seats: seats.len(),
                },
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

    /// One election.
    pub async fn election(&self, actor: &Actor, id: ElectionId) -> Result<Election> {
        self.authorize(actor, Permission::ReadMasterData)?;
        Tx::reader(self).get::<Election>(id).await
    }

    /// Every election, newest election day first (then Danish order of title).
    pub async fn elections(&self, actor: &Actor) -> Result<Vec<Election>> {
        self.authorize(actor, Permission::ReadMasterData)?;
        let mut all = Tx::reader(self).all::<Election>().await?;
        sort_danish_by(&mut all, |e| e.title.as_str());
        all.sort_by_key(|e| std::cmp::Reverse(e.election_day()));
        Ok(all)
    }
}
