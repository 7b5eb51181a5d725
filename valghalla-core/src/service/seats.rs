//! Seats: distribution, the lifecycle commands (T1–T14), party secretaries placing their
//! members, links, and re-validation.

use chrono::NaiveDate;

use crate::ids::{ElectionId, LinkId, ParticipantId, SeatId, TaskTypeId, TeamId, WorkLocationId};
use crate::model::RecordKind;
use crate::model::{
    AuditAction, Contact, Election, ElectionType, InvitationToken, Link, LinkAuthor, LinkKind,
    LinkToken, Op, Participant, Record, RecordKey, Rejection, Seat, SeatState, SlotKey, TaskType,
    Team, Trust, WorkLocation,
};
use crate::model::{AuditEvent, CprLookup};
use crate::rules::access::{self, Actor, Permission, authorize};
use crate::rules::booking::Booking;
use crate::rules::distribution::{self, DistributionReport};
use crate::rules::lifecycle::{self, Answer, OpenAccess, PersonFacts, Route, SeatFacts};
use crate::rules::{Decision, Refused, Violation, links, party};
use crate::store::{Query, Read};
use crate::values::MunicipalityCode;

use super::participants::NewParticipant;
use super::tx::Tx;
use super::{Conflict, Error, Result, Valghalla, transact};

/// Which seat a command that puts someone onto a seat is about: one seat, or any vacant seat
/// of a slot (the service picks one, spreading concurrent commands over the slot's seats).
/// A [`SeatId`] converts into [`SeatRef::Seat`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeatRef {
    /// This seat.
    Seat(SeatId),
    /// Any vacant seat of this slot.
    AnyIn(SlotKey),
}

impl From<SeatId> for SeatRef {
    fn from(seat: SeatId) -> Self {
        SeatRef::Seat(seat)
    }
}

/// Everything a seat command reads: the seat (or the slot's seats), its election, type, task
/// type, location and team, the municipality, and the participant (given, or the seat's holder)
/// with their bookings.
fn seat_reads(seat: SeatRef, participant: Option<ParticipantId>) -> Vec<Read> {
    let mut reads = vec![
        Read::Get(RecordKey::Municipality),
        Read::Query(Query::All(RecordKind::ElectionType)),
        Read::Query(Query::All(RecordKind::TaskType)),
    ];
    match seat {
        SeatRef::Seat(id) => {
            reads.push(Read::Get(RecordKey::Seat(id)));
            reads.push(Read::Query(Query::SeatContext(id)));
        }
        SeatRef::AnyIn(slot) => {
            reads.push(Read::Query(Query::SeatsOfSlot(slot)));
            reads.push(Read::Get(RecordKey::Election(slot.election)));
            reads.push(Read::Get(RecordKey::WorkLocation(slot.work_location)));
            reads.push(Read::Get(RecordKey::Team(slot.team)));
        }
    }
    if let Some(p) = participant {
        reads.push(Read::Get(RecordKey::Participant(p)));
        reads.push(Read::Query(Query::SeatsOfParticipant(p)));
    }
    reads
}

/// The seat context held the holder's seats: remember them as the answer to that query.
fn remember_holder_bookings(tx: &mut Tx<'_>, seat: SeatRef, participant: Option<ParticipantId>) {
    if let (SeatRef::Seat(id), None) = (seat, participant)
        && let Some(holder) = tx.loaded::<Seat>(id).and_then(|s| s.state.participant())
    {
        tx.answered_from_loaded(
            Query::SeatsOfParticipant(holder),
            |r| matches!(r, Record::Seat(s) if s.state.participant() == Some(holder)),
        );
    }
}

/// Everything about a seat, loaded.
pub(crate) struct SeatBundle {
    pub seat: Seat,
    pub election: Election,
    pub election_type: ElectionType,
    pub task_type: TaskType,
    pub location: WorkLocation,
    pub municipality: MunicipalityCode,
}

impl SeatBundle {
    pub(crate) fn facts(&self) -> SeatFacts<'_> {
        SeatFacts {
            seat: &self.seat,
            election: &self.election,
            election_type: &self.election_type,
            task_type: &self.task_type,
            work_location: &self.location,
            municipality: self.municipality,
        }
    }
}

pub(crate) async fn load_seat(tx: &mut Tx<'_>, seat: Seat) -> Result<SeatBundle> {
    let election = tx.get::<Election>(seat.slot.election).await?;
    let election_type = tx.get::<ElectionType>(election.election_type).await?;
    let task_type = tx.get::<TaskType>(seat.slot.task_type).await?;
    let location = tx.get::<WorkLocation>(seat.slot.work_location).await?;
    let municipality = tx.municipality().await?.code;
    Ok(SeatBundle {
        seat,
        election,
        election_type,
        task_type,
        location,
        municipality,
    })
}

/// A participant's bookings in every election.
pub(crate) async fn bookings_of(
    tx: &mut Tx<'_>,
    participant: ParticipantId,
) -> Result<Vec<Booking>> {
    let seats = tx
        .query::<Seat>(&Query::SeatsOfParticipant(participant))
        .await?;
    let mut out = Vec::with_capacity(seats.len());
    for s in seats {
        let tt = tx.get::<TaskType>(s.slot.task_type).await?;
        out.push(Booking::of(&s, &tt));
    }
    Ok(out)
}

/// The participant a command acting as oneself is for: the logged-in person.
fn person_of(actor: &Actor) -> Result<ParticipantId> {
    authorize(actor, &Permission::ActAsParticipant)?;
    match actor {
        Actor::Person(p) => Ok(p.participant),
        // `ActAsParticipant` is granted to persons only.
        _ => Err(crate::rules::access::Denied {
            actor: actor.label(),
            permission: Permission::ActAsParticipant,
        }
        .into()),
    }
}

/// A stable spread of racers over a slot's vacant seats, so concurrent sign-ups don't all
/// contend for the first one.
fn pick_vacant(seats: &[Seat], who: ParticipantId) -> Option<Seat> {
    let mut vacant: Vec<&Seat> = seats
        .iter()
        .filter(|s| s.state == SeatState::Vacant)
        .collect();
    if vacant.is_empty() {
        return None;
    }
    vacant.sort_by_key(|s| s.id);
    let spread = who.as_uuid().as_u128() as usize % vacant.len();
    vacant.get(spread).map(|s| (*s).clone())
}

/// The refusal as `actor` may hear it ([`access::refusal_for`]), when the command names a
/// person.
fn visible_refusal(
    tx: &Tx<'_>,
    actor: &Actor,
    seat: SeatRef,
    participant: Option<ParticipantId>,
    refused: Refused,
) -> Refused {
    let Some(person) = participant else {
        return refused;
    };
    let teams = tx
        .loaded::<Participant>(person)
        .map(|p| p.teams)
        .unwrap_or_default();
    let team = match seat {
        SeatRef::Seat(id) => tx.loaded::<Seat>(id).map(|s| s.slot.team),
        SeatRef::AnyIn(slot) => Some(slot.team),
    };
    match team {
        Some(team) => access::refusal_for(actor, person, &teams, team, refused),
        // Without a seat there is nothing the refusal could be about but the seat itself.
        None => refused,
    }
}

impl Valghalla {
    /// Runs a seat command: everything [`seat_reads`] names (and `extra`) is read, `body`
    /// decides, and the change set is written, in one
    /// [`read_decide_write`](Valghalla::read_decide_write).
    ///
    /// A refusal is decided here, once for every seat command, to hold only what `actor` may
    /// read ([`access::refusal_for`]): naming a person the actor may not read, they hear only
    /// that the person is not a member of the seat's team.
    pub(super) async fn seat_command<T, F>(
        &self,
        actor: &Actor,
        seat: SeatRef,
        participant: Option<ParticipantId>,
        extra: Option<Read>,
        body: F,
    ) -> Result<T>
    where
        T: Send + 'static,
        F: AsyncFn(&mut Tx<'_>) -> Result<(Decision, T)> + Send + Sync + 'static,
    {
        let mut reads = seat_reads(seat, participant);
        reads.extend(extra);
        let actor = actor.clone();
        let told = async move |tx: &mut Tx<'_>| match body(tx).await {
            Err(Error::Refused(refused)) => Err(Error::Refused(visible_refusal(
                tx,
                &actor,
                seat,
                participant,
                refused,
            ))),
            decided => decided,
        };
        self.read_decide_write(
            reads,
            move |tx| remember_holder_bookings(tx, seat, participant),
            told,
        )
        .await
    }

    pub(super) async fn seat_for(
        &self,
        tx: &mut Tx<'_>,
        seat: SeatRef,
        who: ParticipantId,
    ) -> Result<SeatBundle> {
        let s = match seat {
            SeatRef::Seat(id) => tx.get::<Seat>(id).await?,
            SeatRef::AnyIn(slot) => {
                let seats = tx.query::<Seat>(&Query::SeatsOfSlot(slot)).await?;
                pick_vacant(&seats, who).ok_or_else(|| Refused::one(Violation::NoVacantSeat))?
            }
        };
        load_seat(tx, s).await
    }

    /// Sets the number of seats for several (date, team, task type) cells of one work location
    /// in one atomic change — the distribution grid. Decreases remove only vacant seats; a count
    /// above [`MAX_SEATS_PER_SLOT`](distribution::MAX_SEATS_PER_SLOT) is refused.
    #[tracing::instrument(skip_all, fields(%election, %work_location, cells = cells.len()))]
    pub async fn set_seat_counts(
        &self,
        actor: &Actor,
        election: ElectionId,
        work_location: WorkLocationId,
        cells: &[(NaiveDate, TeamId, TaskTypeId, u32)],
    ) -> Result<Vec<DistributionReport>> {
        self.authorize(actor, Permission::DistributeSeats)?;
        if cells
            .iter()
            .any(|&(.., count)| count > distribution::MAX_SEATS_PER_SLOT)
        {
            return Err(Error::Invalid(crate::values::FieldError::new(
                "seats",
                "pladser",
                format!(
                    "a slot may have at most {} seats",
                    distribution::MAX_SEATS_PER_SLOT
                ),
                format!(
                    "en opgave må højst have {} pladser pr. team, sted og dag",
                    distribution::MAX_SEATS_PER_SLOT
                ),
            )));
        }
        let ctx = self.ctx(actor);
        Ok(transact!(self, |tx| {
            let e = tx.get::<Election>(election).await?;
            let loc = tx.get::<WorkLocation>(work_location).await?;
            let seats = tx
                .query::<Seat>(&Query::SeatsAtLocation {
                    election,
                    work_location,
                })
                .await?;
            let mut d = Decision::default();
            let mut reports = Vec::with_capacity(cells.len());
            for &(date, team, task_type, count) in cells {
                let slot = SlotKey {
                    election,
                    work_location,
                    task_type,
                    team,
                    date,
                };
                let current: Vec<Seat> = seats.iter().filter(|s| s.slot == slot).cloned().collect();
                let (decision, report) =
                    distribution::set_seat_count(&ctx, &e, &loc, slot, &current, count)?;
                d.merge(decision);
                reports.push(report);
            }
            (d, reports)
        }))
    }

    /// Sets the number of seats of one slot.
    pub async fn set_seat_count(
        &self,
        actor: &Actor,
        slot: SlotKey,
        count: u32,
    ) -> Result<DistributionReport> {
        let reports = self
            .set_seat_counts(
                actor,
                slot.election,
                slot.work_location,
                &[(slot.date, slot.team, slot.task_type, count)],
            )
            .await?;
        reports.into_iter().next().ok_or_else(Error::busy)
    }

    /// T13: moves up to `count` vacant seats of `from` to team `to` (same location, date and
    /// task type). Returns how many moved.
    pub async fn move_vacant_seats(
        &self,
        actor: &Actor,
        from: SlotKey,
        to: TeamId,
        count: u32,
    ) -> Result<u32> {
        self.authorize(actor, Permission::DistributeSeats)?;
        let ctx = self.ctx(actor);
        Ok(transact!(self, |tx| {
            let e = tx.get::<Election>(from.election).await?;
            let loc = tx.get::<WorkLocation>(from.work_location).await?;
            tx.get::<Team>(to).await?;
            let seats = tx.query::<Seat>(&Query::SeatsOfSlot(from)).await?;
            distribution::move_vacant(&ctx, &e, &loc, &seats, to, count)?
        }))
    }

    /// T1: the secretariat invites a participant to a vacant seat (of a slot: any vacant one).
    /// Returns the seat.
    #[tracing::instrument(skip_all, fields(?seat, %participant))]
    pub async fn invite(
        &self,
        actor: &Actor,
        seat: impl Into<SeatRef> + std::fmt::Debug,
        participant: ParticipantId,
    ) -> Result<SeatId> {
        self.authorize(actor, Permission::ManageSeatHolders)?;
        let ctx = self.ctx(actor);
        let seat = seat.into();
        self.seat_command(actor, seat, Some(participant), None, async move |tx| {
            let b = tx.svc.seat_for(tx, seat, participant).await?;
            let p = tx.get::<Participant>(participant).await?;
            let bookings = bookings_of(tx, participant).await?;
            let person = PersonFacts {
                participant: &p,
                bookings: &bookings,
            };
            Ok((lifecycle::invite(&ctx, &b.facts(), &person)?, b.seat.id))
        })
        .await
    }

    /// T2: looks a new person up in the registry, creates them and invites them to `seat` (of a
    /// slot: any vacant one), in one atomic change (nothing is created if the invitation is
    /// refused).
    pub async fn create_and_invite(
        &self,
        actor: &Actor,
        new: NewParticipant,
        seat: impl Into<SeatRef> + std::fmt::Debug,
    ) -> Result<Participant> {
        let seat = seat.into();
        self.authorize(actor, Permission::CreateParticipant)?;
        self.authorize(actor, Permission::ManageSeatHolders)?;
        let person = self.registry.lookup(&new.cpr).await?;
        let ctx = self.ctx(actor);
        Ok(transact!(self, |tx| {
            if !tx
                .query::<Participant>(&Query::ParticipantByCpr(new.cpr))
                .await?
                .is_empty()
            {
                return Err(Conflict::CprTaken.into());
            }
            let b = self.seat_for(&mut tx, seat, ParticipantId::new()).await?;
            let mut teams = new.teams.clone();
            teams.insert(b.seat.slot.team);
            let p = Participant {
                id: ParticipantId::new(),
                cpr: new.cpr,
                person: person.clone(),
                contact: new.contact.clone(),
                special_diets: new.special_diets.clone(),
                teams,
                preferred_work_location: new.preferred_work_location,
                last_validated_at: Some(ctx.now),
                consent: None,
                created_at: ctx.now,
            };
            let facts = PersonFacts {
                participant: &p,
                bookings: &[],
            };
            let mut d = lifecycle::invite(&ctx, &b.facts(), &facts)?;
            // The participant is new: insert them instead of touching a stored row.
            d.ops.retain(|op| op.key() != RecordKey::Participant(p.id));
            d.ops.push(Op::Put(Record::Participant(p.clone())));
            d.audit.push(ctx.audit(
                AuditAction::CprAccess,
                RecordKey::Participant(p.id),
                Some(p.id),
                None,
                AuditEvent::CprLookedUp(CprLookup::Secretariat),
            ));
            (d, p)
        }))
    }

    /// T3: the participant accepts an invitation, with the link's code (`Some`) or from their
    /// tasks (`None`): the invitation route onto the seat (see `rules::lifecycle::occupy`).
    #[tracing::instrument(skip_all, fields(%seat))]
    pub async fn accept(
        &self,
        actor: &Actor,
        seat: SeatId,
        token: Option<&InvitationToken>,
    ) -> Result<()> {
        let me = person_of(actor)?;
        self.authorize(actor, Permission::AnswerOwnSeat { participant: me })?;
        let token = token.cloned();
        let ctx = self.ctx(actor);
        let seat = SeatRef::Seat(seat);
        self.seat_command(actor, seat, Some(me), None, async move |tx| {
            let b = tx.svc.seat_for(tx, seat, me).await?;
            let p = tx.get::<Participant>(me).await?;
            let bookings = bookings_of(tx, me).await?;
            let person = PersonFacts {
                participant: &p,
                bookings: &bookings,
            };
            let route = Route::Invitation {
                token: token.as_ref(),
            };
            Ok((lifecycle::occupy(&ctx, &b.facts(), &person, route)?, ()))
        })
        .await
    }

    /// T7: the participant declines an invitation, with the link's code (`Some`) or from their
    /// tasks (`None`).
    #[tracing::instrument(skip_all, fields(%seat))]
    pub async fn decline(
        &self,
        actor: &Actor,
        seat: SeatId,
        token: Option<&InvitationToken>,
    ) -> Result<()> {
        let me = person_of(actor)?;
        self.authorize(actor, Permission::AnswerOwnSeat { participant: me })?;
        let token = token.cloned();
        let ctx = self.ctx(actor);
        let seat = SeatRef::Seat(seat);
        self.seat_command(actor, seat, Some(me), None, async move |tx| {
            let b = tx.svc.seat_for(tx, seat, me).await?;
            let p = tx.get::<Participant>(me).await?;
            let person = PersonFacts {
                participant: &p,
                bookings: &[],
            };
            let mut d = lifecycle::decline(&ctx, &b.facts(), &person, token.as_ref())?;
            let team = tx.get::<Team>(b.seat.slot.team).await?;
            let days = tx.svc.late_withdrawal_days;
            d.messages.extend(party::late_withdrawal_alerts(
                &ctx,
                &b.seat,
                &team,
                &p.full_name(),
                days,
            ));
            Ok((d, ()))
        })
        .await
    }

    /// T8: the participant withdraws from a seat; refused inside the lock period.
    #[tracing::instrument(skip_all, fields(%seat))]
    pub async fn withdraw(&self, actor: &Actor, seat: SeatId) -> Result<()> {
        let me = person_of(actor)?;
        self.authorize(actor, Permission::AnswerOwnSeat { participant: me })?;
        let ctx = self.ctx(actor);
        let seat = SeatRef::Seat(seat);
        self.seat_command(actor, seat, Some(me), None, async move |tx| {
            let b = tx.svc.seat_for(tx, seat, me).await?;
            let p = tx.get::<Participant>(me).await?;
            let person = PersonFacts {
                participant: &p,
                bookings: &[],
            };
            let mut d = lifecycle::withdraw(&ctx, &b.facts(), &person)?;
            let team = tx.get::<Team>(b.seat.slot.team).await?;
            let days = tx.svc.late_withdrawal_days;
            d.messages.extend(party::late_withdrawal_alerts(
                &ctx,
                &b.seat,
                &team,
                &p.full_name(),
                days,
            ));
            Ok((d, ()))
        })
        .await
    }

    /// T5/T6: the secretariat answers on the seat holder's behalf; accepting may update their
    /// contact details at the same time.
    #[tracing::instrument(skip_all, fields(%seat, ?answer))]
    pub async fn answer_on_behalf(
        &self,
        actor: &Actor,
        seat: SeatId,
        answer: Answer,
        contact: Option<Contact>,
    ) -> Result<()> {
        self.authorize(actor, Permission::ManageSeatHolders)?;
        let ctx = self.ctx(actor);
        self.seat_command(actor, SeatRef::Seat(seat), None, None, async move |tx| {
            let s = tx.get::<Seat>(seat).await?;
            let holder = s
                .state
                .participant()
                .ok_or_else(|| Refused::one(Violation::NotInvited))?;
            let b = load_seat(tx, s).await?;
            let p = tx.get::<Participant>(holder).await?;
            let bookings = bookings_of(tx, holder).await?;
            let person = PersonFacts {
                participant: &p,
                bookings: &bookings,
            };
            let mut d = lifecycle::answer_on_behalf(&ctx, &b.facts(), &person, answer)?;
            if let (Answer::Accept, Some(contact)) = (answer, &contact) {
                let mut updated = p.clone();
                updated.contact = contact.clone();
                d.ops
                    .retain(|op| op.key() != RecordKey::Participant(holder));
                d.ops.push(Op::Put(Record::Participant(updated)));
            }
            Ok((d, ()))
        })
        .await
    }

    /// T9: the secretariat removes the participant from a seat.
    #[tracing::instrument(skip_all, fields(%seat))]
    pub async fn remove_from_seat(&self, actor: &Actor, seat: SeatId) -> Result<()> {
        self.authorize(actor, Permission::ManageSeatHolders)?;
        let ctx = self.ctx(actor);
        self.seat_command(actor, SeatRef::Seat(seat), None, None, async move |tx| {
            let s = tx.get::<Seat>(seat).await?;
            Ok((lifecycle::remove(&ctx, &s)?, ()))
        })
        .await
    }

    /// The secretariat moves the person holding (or invited to) seat `from` onto the vacant seat
    /// `to` of the same election, keeping their answer (see `rules::lifecycle::move_holder`).
    /// Refused with every reason, and nothing changes, when the new seat is taken, in another
    /// election, overlaps another of their tasks, they are not eligible for it, or an accepted
    /// task is inside its lock period. Returns who was moved.
    #[tracing::instrument(skip_all, fields(%from, %to))]
    pub async fn move_holder(
        &self,
        actor: &Actor,
        from: SeatId,
        to: SeatId,
    ) -> Result<ParticipantId> {
        self.authorize(actor, Permission::ManageSeatHolders)?;
        let ctx = self.ctx(actor);
        Ok(transact!(self, |tx| {
            let old = tx.get::<Seat>(from).await?;
            let old = load_seat(&mut tx, old).await?;
            let who = old
                .seat
                .state
                .participant()
                .ok_or_else(|| Refused::one(Violation::NotYourSeat))?;
            let new = tx.get::<Seat>(to).await?;
            let new = load_seat(&mut tx, new).await?;
            let p = tx.get::<Participant>(who).await?;
            let bookings = bookings_of(&mut tx, who).await?;
            let person = PersonFacts {
                participant: &p,
                bookings: &bookings,
            };
            let d = lifecycle::move_holder(&ctx, &old.facts(), &new.facts(), &person)?;
            (d, who)
        }))
    }

    /// A team responsible places a member of their team directly into a vacant seat of the
    /// team (of a slot: any vacant one), within the locations they may act for:
    /// the placement route onto the seat (see `rules::lifecycle::occupy`). Returns the seat.
    #[tracing::instrument(skip_all, fields(?seat, %participant))]
    pub async fn place_member(
        &self,
        actor: &Actor,
        seat: impl Into<SeatRef> + std::fmt::Debug,
        participant: ParticipantId,
    ) -> Result<SeatId> {
        let ctx = self.ctx(actor);
        let acting = actor.clone();
        let seat = seat.into();
        self.seat_command(actor, seat, Some(participant), None, async move |tx| {
            // The team and location the permission depends on: the slot's, or the seat's.
            let slot = match seat {
                SeatRef::AnyIn(slot) => slot,
                SeatRef::Seat(id) => tx.get::<Seat>(id).await?.slot,
            };
            tx.svc.authorize(
                &acting,
                Permission::PlaceMember {
                    team: slot.team,
                    work_location: slot.work_location,
                },
            )?;
            let b = tx.svc.seat_for(tx, seat, participant).await?;
            let p = tx.get::<Participant>(participant).await?;
            let bookings = bookings_of(tx, participant).await?;
            let person = PersonFacts {
                participant: &p,
                bookings: &bookings,
            };
            let d = lifecycle::occupy(&ctx, &b.facts(), &person, Route::Placement)?;
            Ok((d, b.seat.id))
        })
        .await
    }

    /// T4: a logged-in participant takes a vacant seat, through a link (`Some(token)`) or from
    /// their own teams' vacancy list (`None`). Coming through a link joins the link's team.
    /// Returns the seat taken.
    #[tracing::instrument(skip_all, fields(?seat))]
    pub async fn take_seat(
        &self,
        actor: &Actor,
        seat: impl Into<SeatRef> + std::fmt::Debug,
        link: Option<&LinkToken>,
    ) -> Result<SeatId> {
        let seat = seat.into();
        let me = person_of(actor)?;
        self.authorize(actor, Permission::TakeVacantSeat { participant: me })?;
        let ctx = self.ctx(actor);
        let acting = actor.clone();
        let link = link.cloned();
        let link_read = link
            .clone()
            .map(|token| Read::Query(Query::LinkByToken(token)));
        self.seat_command(actor, seat, Some(me), link_read, async move |tx| {
            let b = tx.svc.seat_for(tx, seat, me).await?;
            let mut p = tx.get::<Participant>(me).await?;
            let access = match &link {
                Some(token) => {
                    let link = tx
                        .query::<Link>(&Query::LinkByToken(token.clone()))
                        .await?
                        .into_iter()
                        .next()
                        .ok_or_else(|| Refused::one(Violation::LinkDoesNotCoverSeat))?;
                    let team = tx.get::<Team>(b.seat.slot.team).await?;
                    let access = links::access_through(
                        &link,
                        &links::LinkedSeat {
                            seat: &b.seat,
                            location: &b.location,
                            task_type: &b.task_type,
                            team: &team,
                        },
                    )?;
                    if !p.teams.contains(&b.seat.slot.team) {
                        tx.svc.authorize(
                            &acting,
                            Permission::JoinTeam {
                                participant: me,
                                team: b.seat.slot.team,
                                by_link: true,
                            },
                        )?;
                        p.teams.insert(b.seat.slot.team);
                    }
                    access
                }
                None => OpenAccess::Vacancies {
                    include_trusted: false,
                },
            };
            let bookings = bookings_of(tx, me).await?;
            let person = PersonFacts {
                participant: &p,
                bookings: &bookings,
            };
            let mut d = lifecycle::occupy(&ctx, &b.facts(), &person, Route::SignUp(access))?;
            if link.is_some() {
                d.ops.retain(|op| op.key() != RecordKey::Participant(me));
                d.ops.push(Op::Put(Record::Participant(p.clone())));
            }
            Ok((d, b.seat.id))
        })
        .await
    }

    /// A logged-in participant joins the team of a team link (joining twice changes nothing).
    pub async fn join_team(&self, actor: &Actor, token: &LinkToken) -> Result<TeamId> {
        let me = person_of(actor)?;
        let ctx = self.ctx(actor);
        Ok(transact!(self, |tx| {
            let link = tx
                .query::<Link>(&Query::LinkByToken(token.clone()))
                .await?
                .into_iter()
                .next()
                .ok_or_else(|| Refused::one(Violation::LinkDoesNotCoverSeat))?;
            let p = tx.get::<Participant>(me).await?;
            let team = match link.kind {
                LinkKind::Team { team } => team,
                _ => return Err(Refused::one(Violation::LinkDoesNotCoverSeat).into()),
            };
            self.authorize(
                actor,
                Permission::JoinTeam {
                    participant: me,
                    team,
                    by_link: true,
                },
            )?;
            match links::join_team(&link, &p)? {
                None => (Decision::default(), team),
                Some(joined) => {
                    let audit = ctx.audit(
                        AuditAction::Edit,
                        RecordKey::Participant(me),
                        Some(me),
                        None,
                        AuditEvent::JoinedTeamByLink(team),
                    );
                    (
                        Decision {
                            ops: vec![Op::Put(Record::Participant(joined))],
                            messages: vec![],
                            audit: vec![audit],
                        },
                        team,
                    )
                }
            }
        }))
    }

    /// Creates a link. Team responsibles may create links for their own teams only, and a link
    /// of theirs may offer trusted task types (a vacancy link including them, a link to a
    /// trusted seat) only while the secretariat allows it for the team
    /// ([`allow_trusted_links`](Valghalla::allow_trusted_links)); otherwise refused with
    /// `trusted-task`.
    pub async fn create_link(&self, actor: &Actor, kind: LinkKind) -> Result<Link> {
        let ctx = self.ctx(actor);
        let made_by = match actor {
            Actor::Secretariat { .. } => LinkAuthor::Secretariat,
            _ => LinkAuthor::TeamResponsible,
        };
        Ok(transact!(self, |tx| {
            // Read to learn the team the link is for; nothing read reaches the caller or a
            // write before the actor is authorized for that team.
            let (team, seat) = match &kind {
                LinkKind::Team { team } => (Some(*team), None),
                LinkKind::Vacancies(f) => {
                    tx.get::<Election>(f.election).await?;
                    (Some(f.team), None)
                }
                LinkKind::Seat { seat } => {
                    let seat = tx.get::<Seat>(*seat).await?;
                    (Some(seat.slot.team), Some(seat))
                }
            };
            self.authorize(actor, Permission::ManageLinks { team })?;
            if let Some(t) = team {
                let team = tx.get::<Team>(t).await?;
                let offers_trusted = match (&kind, &seat) {
                    (LinkKind::Vacancies(f), _) => f.include_trusted,
                    (_, Some(seat)) => {
                        tx.get::<TaskType>(seat.slot.task_type).await?.trust == Trust::Trusted
                    }
                    _ => false,
                };
                if offers_trusted && !links::may_offer_trusted(made_by, &team) {
                    return Err(Refused::one(Violation::TrustedLinkNotAllowed).into());
                }
            }
            let link = Link {
                id: LinkId::new(),
                token: LinkToken::generate(),
                kind: kind.clone(),
                created_at: ctx.now,
                revoked_at: None,
                made_by,
            };
            let audit = ctx.audit(
                AuditAction::Create,
                RecordKey::Link(link.id),
                None,
                None,
                AuditEvent::LinkCreated,
            );
            (
                Decision {
                    ops: vec![Op::Put(Record::Link(link.clone()))],
                    messages: vec![],
                    audit: vec![audit],
                },
                link,
            )
        }))
    }

    /// Lets the responsibles of `team` offer trusted task types (valgstyrer) through their links,
    /// or stops it (`false`, the default): their existing links stop offering trusted seats at
    /// once. Secretariat only.
    pub async fn allow_trusted_links(
        &self,
        actor: &Actor,
        team: TeamId,
        allowed: bool,
    ) -> Result<Team> {
        self.authorize(actor, Permission::EditMasterData)?;
        let ctx = self.ctx(actor);
        Ok(transact!(self, |tx| {
            let mut t = tx.get::<Team>(team).await?;
            t.responsibles_may_link_trusted = allowed;
            let audit = ctx.audit(
                AuditAction::Edit,
                RecordKey::Team(team),
                None,
                None,
                AuditEvent::TrustedByLink(allowed),
            );
            (
                Decision {
                    ops: vec![Op::Put(Record::Team(t.clone()))],
                    messages: vec![],
                    audit: vec![audit],
                },
                t,
            )
        }))
    }

    /// Revokes a link; it stops working at once.
    pub async fn revoke_link(&self, actor: &Actor, id: LinkId) -> Result<()> {
        let ctx = self.ctx(actor);
        transact!(self, |tx| {
            let mut link = tx.get::<Link>(id).await?;
            let team = match &link.kind {
                LinkKind::Team { team } => Some(*team),
                LinkKind::Vacancies(f) => Some(f.team),
                LinkKind::Seat { seat } => tx.find::<Seat>(*seat).await?.map(|s| s.slot.team),
            };
            self.authorize(actor, Permission::ManageLinks { team })?;
            link.revoked_at = Some(ctx.now);
            let audit = ctx.audit(
                AuditAction::Edit,
                RecordKey::Link(id),
                None,
                None,
                AuditEvent::LinkRevoked,
            );
            (
                Decision {
                    ops: vec![Op::Put(Record::Link(link))],
                    messages: vec![],
                    audit: vec![audit],
                },
                (),
            )
        });
        Ok(())
    }

    /// T12: a team responsible (or the secretariat) removes a member from a team.
    #[tracing::instrument(skip_all, fields(%team, %participant))]
    pub async fn remove_from_team(
        &self,
        actor: &Actor,
        team: TeamId,
        participant: ParticipantId,
    ) -> Result<()> {
        self.authorize(actor, Permission::RemoveTeamMember { team })?;
        let ctx = self.ctx(actor);
        transact!(self, |tx| {
            tx.get::<Team>(team).await?;
            let p = tx.get::<Participant>(participant).await?;
            let seats = tx
                .query::<Seat>(&Query::SeatsOfParticipant(participant))
                .await?;
            let rejections = tx
                .query::<Rejection>(&Query::RejectionsOfParticipant(participant))
                .await?;
            let mut d = lifecycle::remove_from_team(&ctx, team, &p, &seats, &rejections)?;
            if d.ops
                .contains(&Op::Delete(RecordKey::Participant(participant)))
            {
                // Their only team: they are deleted, so they stop being responsible too.
                d.ops.extend(
                    super::participants::drop_responsibilities(&mut tx, participant).await?,
                );
                d.ops
                    .extend(super::notes::delete_private_records_of(&mut tx, participant).await?);
            }
            (d, ())
        });
        Ok(())
    }

    /// T10: refreshes a participant's registry data and removes them from every seat of an
    /// active election they no longer qualify for. Returns the seats vacated.
    #[tracing::instrument(skip_all, fields(%participant))]
    pub async fn revalidate(
        &self,
        actor: &Actor,
        participant: ParticipantId,
    ) -> Result<Vec<SeatId>> {
        self.authorize(actor, Permission::ManageSeatHolders)?;
        let ctx = self.ctx(actor);
        let cpr = Tx::new(self).get::<Participant>(participant).await?.cpr;
        let fresh = self.registry.lookup(&cpr).await?;
        Ok(transact!(self, |tx| {
            let mut p = tx.get::<Participant>(participant).await?;
            p.person = fresh.clone();
            p.last_validated_at = Some(ctx.now);
            let mut d = Decision {
                ops: vec![],
                messages: vec![],
                audit: vec![ctx.audit(
                    AuditAction::Edit,
                    RecordKey::Participant(participant),
                    Some(participant),
                    None,
                    AuditEvent::RegistryRefreshed,
                )],
            };
            let mut vacated = Vec::new();
            for s in tx
                .query::<Seat>(&Query::SeatsOfParticipant(participant))
                .await?
            {
                let b = load_seat(&mut tx, s).await?;
                if !b.election.active || b.seat.slot.date < ctx.today() {
                    continue;
                }
                let person = PersonFacts {
                    participant: &p,
                    bookings: &[],
                };
                let failures = crate::rules::eligibility::check(
                    &crate::rules::eligibility::EligibilityInput {
                        person: &person.participant.person,
                        rules: &b.election_type.rules,
                        task_checks_rules: b.task_type.check_eligibility,
                        election_day: b.election.election_day(),
                        municipality: b.municipality,
                        leap_day: Default::default(),
                    },
                );
                if !failures.is_empty() {
                    d.merge(lifecycle::remove_after_revalidation(&ctx, &b.seat)?);
                    vacated.push(b.seat.id);
                }
            }
            d.ops.push(Op::Put(Record::Participant(p)));
            (d, vacated)
        }))
    }

    /// The actor for a logged-in citizen: the participant with every team and work location
    /// they are responsible for. A host calls this after authenticating the person.
    pub async fn person_actor(&self, participant: ParticipantId) -> Result<Actor> {
        let mut tx = Tx::new(self);
        tx.get::<Participant>(participant).await?;
        let responsible_for_teams = tx
            .all::<Team>()
            .await?
            .into_iter()
            .filter_map(|t| {
                t.responsibles
                    .get(&participant)
                    .map(|scope| (t.id, scope.clone()))
            })
            .collect();
        let responsible_for_locations = tx
            .all::<WorkLocation>()
            .await?
            .into_iter()
            .filter(|l| l.responsibles.contains(&participant))
            .map(|l| l.id)
            .collect();
        Ok(Actor::Person(crate::rules::access::PersonActor {
            participant,
            responsible_for_teams,
            responsible_for_locations,
        }))
    }
}
