//! Election day: attendance at a station's seats, the stations' board, reserves for a day, and
//! offering a no-show's seat to the day's reserves (the rules are `rules::election_day`).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::collation::sort_danish_by;
use crate::ids::{ElectionId, OfferId, ParticipantId, SeatId, WorkLocationId};
use crate::messages::MessageKind;
use crate::model::{
    Attendance, AttendanceStatus, Election, Participant, Reserve, ReserveDay, Seat, SeatOffer,
    SeatState, TaskType, Team, WorkLocation,
};
use crate::rules::access::{Actor, Permission, authorize};
use crate::rules::election_day as rules;
use crate::rules::lifecycle::PersonFacts;
use crate::rules::{Refused, SkippedReserves, Violation};
use crate::store::Query;
use crate::time::local_date;

use super::seats::{bookings_of, load_seat};
use super::tx::Tx;
use super::{Error, MAX_ATTEMPTS, Result, Valghalla, transact};

/// One expected person at a station on the day, as the board shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BoardRow {
    /// The seat.
    pub seat: SeatId,
    /// The person.
    pub participant: ParticipantId,
    /// Their name.
    pub name: String,
    /// The task type's title.
    pub task_type: String,
    /// The seat's team.
    pub team: String,
    /// What was recorded (`None`: not yet).
    pub status: Option<AttendanceStatus>,
    /// Whether they hold the seat now (a no-show whose seat went to a reserve does not).
    pub holds_seat: bool,
    /// Whether they took the seat as a reserve.
    pub reserve: bool,
    /// The seat's offer to the reserves, while nobody has taken it.
    pub open_offer: Option<OfferId>,
}

/// A station's attendance on one day: every expected person in Danish order, and the counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StationBoard {
    /// The station.
    pub work_location: WorkLocationId,
    /// Its title.
    pub title: String,
    /// The day.
    pub date: NaiveDate,
    /// Every person expected or recorded, in Danish order of name.
    pub rows: Vec<BoardRow>,
    /// The counts.
    pub counts: BoardCounts,
}

/// A station's counts on the day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BoardCounts {
    /// Seats held (*forventet*).
    pub expected: u32,
    /// Holders recorded as arrived or left early (*mødt*).
    pub arrived: u32,
    /// Holders recorded as not arrived (*mangler*).
    pub missing: u32,
    /// Holders not recorded yet.
    pub unrecorded: u32,
    /// Of the arrived, those who left early.
    pub left_early: u32,
}

/// One station's counts on the secretariat's board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StationCount {
    /// The station.
    pub work_location: WorkLocationId,
    /// Its title.
    pub title: String,
    /// The counts.
    pub counts: BoardCounts,
}

/// A station a person runs on a day (as its responsible, or holding its chair's seat).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MyStation {
    /// The election.
    pub election: ElectionId,
    /// The election's title.
    pub election_title: String,
    /// The station.
    pub work_location: WorkLocationId,
    /// Its title.
    pub title: String,
}

/// A reserve of a day, as the secretariat sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReserveRow {
    /// The participant.
    pub participant: ParticipantId,
    /// Their name.
    pub name: String,
    /// When they signed up.
    pub signed_up_at: DateTime<Utc>,
    /// The seat they took that day as a reserve, if any.
    pub took: Option<SeatId>,
}

/// A seat offered to the day's reserves: to how many, and how many were skipped and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offered {
    /// The offer.
    pub offer: OfferId,
    /// The reserves messaged with a take link.
    pub sent_to: u32,
    /// The reserves of the day not messaged: not eligible for the task, or busy at its time.
    pub skipped: SkippedReserves,
}

/// What a take link shows: the task offered and whether it is still open. Nothing about the
/// person who did not turn up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfferView {
    /// The offer.
    pub offer: OfferId,
    /// The election's title.
    pub election: String,
    /// The task type's title.
    pub task_type: String,
    /// The station's title.
    pub work_location: String,
    /// Its address.
    pub address: String,
    /// The task's time, in Danish.
    pub when: String,
    /// Whether someone took it already.
    pub taken: bool,
    /// Whether the one holding the link took it.
    pub taken_by_you: bool,
}

impl BoardCounts {
    fn add(&mut self, status: Option<AttendanceStatus>) {
        self.expected += 1;
        match status {
            None => self.unrecorded += 1,
            Some(AttendanceStatus::NotArrived) => self.missing += 1,
            Some(AttendanceStatus::Arrived) => self.arrived += 1,
            Some(AttendanceStatus::LeftEarly { .. }) => {
                self.arrived += 1;
                self.left_early += 1;
            }
        }
    }
}

/// Whether `actor` holds a chair's seat ([`TaskType::chairs_station`]) at `location` on
/// `date`, among `seats` (the election's seats at the location).
fn chairs(actor: &Actor, seats: &[Seat], task_types: &[TaskType], date: NaiveDate) -> bool {
    let Actor::Person(p) = actor else {
        return false;
    };
    seats.iter().any(|s| {
        s.slot.date == date
            && matches!(s.state, SeatState::Accepted { participant, .. } if participant == p.participant)
            && task_types
                .iter()
                .any(|t| t.id == s.slot.task_type && t.chairs_station())
    })
}

/// The participant a command acting as oneself is for.
fn me(actor: &Actor) -> Result<ParticipantId> {
    authorize(actor, &Permission::ActAsParticipant)?;
    match actor {
        Actor::Person(p) => Ok(p.participant),
        _ => Err(Error::Denied(crate::rules::access::Denied {
            actor: actor.label(),
            permission: Permission::ActAsParticipant,
        })),
    }
}

impl Valghalla {
    /// Loads the seats at a station and decides whether `actor` chairs it on `date`.
    async fn station_seats(
        &self,
        tx: &mut Tx<'_>,
        actor: &Actor,
        election: ElectionId,
        work_location: WorkLocationId,
        date: NaiveDate,
    ) -> Result<(Vec<Seat>, bool)> {
        let seats = tx
            .query::<Seat>(&Query::SeatsAtLocation {
                election,
                work_location,
            })
            .await?;
        let chairs = chairs(actor, &seats, &tx.all::<TaskType>().await?, date);
        Ok((seats, chairs))
    }

    /// A station's board on `date`: every person expected (holding a seat) or recorded there,
    /// with what was recorded, in Danish order; and the counts (expected, arrived, missing).
    /// For the station's responsible, its chair that day, and the secretariat.
    pub async fn station_board(
        &self,
        actor: &Actor,
        election: ElectionId,
        work_location: WorkLocationId,
        date: NaiveDate,
    ) -> Result<StationBoard> {
        let mut tx = Tx::reader(self);
        let (seats, chairs) = self
            .station_seats(&mut tx, actor, election, work_location, date)
            .await?;
        self.authorize(
            actor,
            Permission::ReadAttendance {
                work_location,
                chairs,
            },
        )?;
        let location = tx.get::<WorkLocation>(work_location).await?;
        let seats: Vec<Seat> = seats.into_iter().filter(|s| s.slot.date == date).collect();
        let attendance = self.attendance_of(&mut tx, election).await?;
        let offers = self.open_offers(&mut tx).await?;
        let task_types: HashMap<_, _> = tx
            .all::<TaskType>()
            .await?
            .into_iter()
            .map(|t| (t.id, t.title.to_string()))
            .collect();
        let teams: HashMap<_, _> = tx
            .all::<Team>()
            .await?
            .into_iter()
            .map(|t| (t.id, t.name.to_string()))
            .collect();
        let names: HashMap<ParticipantId, String> = tx
            .all::<Participant>()
            .await?
            .into_iter()
            .map(|p| (p.id, p.full_name()))
            .collect();
        let mut rows = Vec::new();
        let mut counts = BoardCounts::default();
        for seat in &seats {
            let recorded = attendance.get(&seat.id);
            let holder = match &seat.state {
                SeatState::Accepted {
                    participant, via, ..
                } => Some((*participant, *via == crate::model::AcceptedVia::Reserve)),
                _ => None,
            };
            let row = |participant: ParticipantId, status, holds_seat, reserve| BoardRow {
                seat: seat.id,
                participant,
                name: names.get(&participant).cloned().unwrap_or_default(),
                task_type: task_types
                    .get(&seat.slot.task_type)
                    .cloned()
                    .unwrap_or_default(),
                team: teams.get(&seat.slot.team).cloned().unwrap_or_default(),
                status,
                holds_seat,
                reserve,
                open_offer: offers.get(&seat.id).copied(),
            };
            if let Some((holder, reserve)) = holder {
                let status = recorded.and_then(|a| a.of(holder)).map(|e| e.status);
                counts.add(status);
                rows.push(row(holder, status, true, reserve));
            }
            for e in recorded.map(|a| a.entries.as_slice()).unwrap_or_default() {
                if Some(e.participant) != holder.map(|h| h.0) {
                    rows.push(row(e.participant, Some(e.status), false, false));
                }
            }
        }
        sort_danish_by(&mut rows, |r| r.name.as_str());
        Ok(StationBoard {
            work_location,
            title: location.title.to_string(),
            date,
            rows,
            counts,
        })
    }

    /// Every station's counts on `date` (the secretariat's board), in Danish order of title.
    pub async fn attendance_overview(
        &self,
        actor: &Actor,
        election: ElectionId,
        date: NaiveDate,
    ) -> Result<Vec<StationCount>> {
        self.authorize(actor, Permission::ReadOverview)?;
        let mut tx = Tx::reader(self);
        let el = tx.get::<Election>(election).await?;
        let seats = tx.query::<Seat>(&Query::SeatsOfElection(election)).await?;
        let attendance = self.attendance_of(&mut tx, election).await?;
        let mut counts: BTreeMap<WorkLocationId, BoardCounts> = el
            .work_locations
            .iter()
            .map(|l| (*l, BoardCounts::default()))
            .collect();
        for seat in seats.iter().filter(|s| s.slot.date == date) {
            if let SeatState::Accepted { participant, .. } = seat.state {
                let status = attendance
                    .get(&seat.id)
                    .and_then(|a| a.of(participant))
                    .map(|e| e.status);
                counts
                    .entry(seat.slot.work_location)
                    .or_default()
                    .add(status);
            }
        }
        let titles: HashMap<_, _> = tx
            .all::<WorkLocation>()
            .await?
            .into_iter()
            .map(|l| (l.id, l.title.to_string()))
            .collect();
        let mut out: Vec<StationCount> = counts
            .into_iter()
            .filter_map(|(id, counts)| {
                titles.get(&id).map(|t| StationCount {
                    work_location: id,
                    title: t.clone(),
                    counts,
                })
            })
            .collect();
        sort_danish_by(&mut out, |s| s.title.as_str());
        Ok(out)
    }

    /// The attendance records of an election, by seat.
    async fn attendance_of(
        &self,
        tx: &mut Tx<'_>,
        election: ElectionId,
    ) -> Result<HashMap<SeatId, Attendance>> {
        Ok(tx
            .all::<Attendance>()
            .await?
            .into_iter()
            .filter(|a| a.slot.election == election)
            .map(|a| (a.seat, a))
            .collect())
    }

    /// The open offers, by seat.
    async fn open_offers(&self, tx: &mut Tx<'_>) -> Result<HashMap<SeatId, OfferId>> {
        Ok(tx
            .all::<SeatOffer>()
            .await?
            .into_iter()
            .filter(|o| o.taken.is_none())
            .map(|o| (o.seat, o.id))
            .collect())
    }

    /// Records what happened to `participant` at `seat` (arrived, not arrived, left early at a
    /// time). For the station's responsible, its chair that day, and the secretariat.
    pub async fn record_attendance(
        &self,
        actor: &Actor,
        seat: SeatId,
        participant: ParticipantId,
        status: AttendanceStatus,
    ) -> Result<()> {
        transact!(self, |tx| {
            let s = tx.get::<Seat>(seat).await?;
            let (_, chairs) = self
                .station_seats(
                    &mut tx,
                    actor,
                    s.slot.election,
                    s.slot.work_location,
                    s.slot.date,
                )
                .await?;
            self.authorize(
                actor,
                Permission::RecordAttendance {
                    work_location: s.slot.work_location,
                    chairs,
                },
            )?;
            let task_type = tx.get::<TaskType>(s.slot.task_type).await?;
            let attendance = tx.find::<Attendance>(seat).await?;
            let decision = rules::record_attendance(
                &self.ctx(actor),
                &s,
                task_type.window.on(s.slot.date),
                attendance.as_ref(),
                participant,
                status,
            )?;
            (decision, ())
        });
        Ok(())
    }

    /// Signs `participant` up as a reserve on `date` of `election`: themselves (through the
    /// day's link), or the secretariat.
    pub async fn sign_up_reserve(
        &self,
        actor: &Actor,
        participant: ParticipantId,
        election: ElectionId,
        date: NaiveDate,
    ) -> Result<()> {
        self.authorize(actor, Permission::SignUpReserve { participant })?;
        transact!(self, |tx| {
            let p = tx.get::<Participant>(participant).await?;
            let el = tx.get::<Election>(election).await?;
            let reserve = tx.find::<Reserve>(participant).await?;
            let decision =
                rules::sign_up_reserve(&self.ctx(actor), &p, reserve.as_ref(), &el, date)?;
            (decision, ())
        });
        Ok(())
    }

    /// Takes `participant` off the reserves of `date` of `election`.
    pub async fn withdraw_reserve(
        &self,
        actor: &Actor,
        participant: ParticipantId,
        election: ElectionId,
        date: NaiveDate,
    ) -> Result<()> {
        self.authorize(actor, Permission::SignUpReserve { participant })?;
        transact!(self, |tx| {
            let reserve = tx.find::<Reserve>(participant).await?;
            let decision = rules::withdraw_reserve(
                &self.ctx(actor),
                participant,
                reserve.as_ref(),
                election,
                date,
            );
            (decision, ())
        });
        Ok(())
    }

    /// The days `participant` stands by as a reserve.
    pub async fn reserve_days(
        &self,
        actor: &Actor,
        participant: ParticipantId,
    ) -> Result<Vec<ReserveDay>> {
        self.authorize(actor, Permission::SignUpReserve { participant })?;
        let mut tx = Tx::reader(self);
        Ok(tx
            .find::<Reserve>(participant)
            .await?
            .map(|r| r.days)
            .unwrap_or_default())
    }

    /// The reserves of `date` of `election`, in Danish order, with the seat each took.
    pub async fn reserves_of_day(
        &self,
        actor: &Actor,
        election: ElectionId,
        date: NaiveDate,
    ) -> Result<Vec<ReserveRow>> {
        self.authorize(actor, Permission::ReadReserves)?;
        let mut tx = Tx::reader(self);
        let reserves = tx.all::<Reserve>().await?;
        let names: HashMap<ParticipantId, String> = tx
            .all::<Participant>()
            .await?
            .into_iter()
            .map(|p| (p.id, p.full_name()))
            .collect();
        let took: HashMap<ParticipantId, SeatId> = tx
            .all::<SeatOffer>()
            .await?
            .into_iter()
            .filter(|o| o.slot.election == election && o.slot.date == date)
            .filter_map(|o| o.taken.map(|t| (t.participant, o.seat)))
            .collect();
        let mut rows: Vec<ReserveRow> = reserves
            .into_iter()
            .filter_map(|r| {
                let day = r
                    .days
                    .iter()
                    .find(|d| d.election == election && d.date == date)?;
                Some(ReserveRow {
                    participant: r.participant,
                    name: names.get(&r.participant).cloned().unwrap_or_default(),
                    signed_up_at: day.signed_up_at,
                    took: took.get(&r.participant).copied(),
                })
            })
            .collect();
        sort_danish_by(&mut rows, |r| r.name.as_str());
        Ok(rows)
    }

    /// Offers `seat`, whose holder is recorded as not arrived, to the reserves of its day who
    /// may take it — eligible for its task and free at its time; the others are skipped (not
    /// messaged) and counted by why. Each gets a message with a take link. One action; the
    /// first to take it gets it ([`Valghalla::take_offered_seat`]). For the station's
    /// responsible, its chair that day, and the secretariat.
    pub async fn offer_seat(&self, actor: &Actor, seat: SeatId) -> Result<Offered> {
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let mut tx = Tx::new(self);
            let s = tx.get::<Seat>(seat).await?;
            let slot = s.slot;
            let (_, chairs) = self
                .station_seats(&mut tx, actor, slot.election, slot.work_location, slot.date)
                .await?;
            self.authorize(
                actor,
                Permission::RecordAttendance {
                    work_location: slot.work_location,
                    chairs,
                },
            )?;
            let attendance = tx.find::<Attendance>(seat).await?;
            let open = tx
                .all::<SeatOffer>()
                .await?
                .iter()
                .any(|o| o.seat == seat && o.taken.is_none());
            let bundle = load_seat(&mut tx, s.clone()).await?;
            let mut reserves = Vec::new();
            for r in tx.all::<Reserve>().await? {
                if !r.stands_by(slot.election, slot.date) {
                    continue;
                }
                // A reserve whose participant is gone stands by no more.
                if let Some(p) = tx.find::<Participant>(r.participant).await? {
                    let bookings = bookings_of(&mut tx, r.participant).await?;
                    reserves.push((p, bookings));
                }
            }
            let facts: Vec<PersonFacts<'_>> = reserves
                .iter()
                .map(|(participant, bookings)| PersonFacts {
                    participant,
                    bookings,
                })
                .collect();
            let no_show = rules::no_show_of(&s, attendance.as_ref());
            let (free, skipped) = rules::screen_reserves(&bundle.facts(), no_show, &facts);
            let (decision, id) = rules::offer_seat(
                &self.ctx(actor),
                &s,
                attendance.as_ref(),
                open,
                &free,
                skipped,
            )?;
            let tokens: HashMap<ParticipantId, String> = decision
                .ops
                .iter()
                .find_map(|op| match op {
                    crate::model::Op::Put(crate::model::Record::SeatOffer(o)) => Some(
                        o.recipients
                            .iter()
                            .map(|r| (r.participant, r.token.as_str().to_owned()))
                            .collect(),
                    ),
                    _ => None,
                })
                .unwrap_or_default();
            let mut changes = tx.finish(decision).await?;
            // Each reserve's message links to their own take page.
            let base = self.config.public_base_url.trim_end_matches('/');
            for m in &mut changes.messages {
                if m.kind == MessageKind::SeatOffered
                    && let Some(token) = tokens.get(&m.participant)
                {
                    m.facts
                        .insert("invitation".into(), take_link(base, id, token));
                }
            }
            match self.store.apply(changes).await {
                Ok(()) => {
                    return Ok(Offered {
                        offer: id,
                        sent_to: u32::try_from(free.len()).unwrap_or(u32::MAX),
                        skipped,
                    });
                }
                Err(e) if e.is_conflict() && attempt < MAX_ATTEMPTS => continue,
                Err(e) if e.is_conflict() => return Err(Error::busy()),
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// What the take link `token` of `offer` shows; an unknown offer or a code that is not
    /// one of its recipients' is not found. The link is its holder's credential.
    pub async fn offer_view(
        &self,
        actor: &Actor,
        offer: OfferId,
        token: &str,
    ) -> Result<OfferView> {
        let mut tx = Tx::reader(self);
        let o = tx
            .find::<SeatOffer>(offer)
            .await?
            .filter(|o| o.recipient_with(token).is_some())
            .ok_or_else(|| Error::not_found(crate::model::RecordKey::SeatOffer(offer)))?;
        let election = tx.get::<Election>(o.slot.election).await?;
        let task_type = tx.get::<TaskType>(o.slot.task_type).await?;
        let location = tx.get::<WorkLocation>(o.slot.work_location).await?;
        let you = match actor {
            Actor::Person(p) => Some(p.participant),
            _ => None,
        };
        Ok(OfferView {
            offer,
            election: election.title.to_string(),
            task_type: task_type.title.to_string(),
            work_location: location.title.to_string(),
            address: location.address.to_string(),
            when: task_type
                .window
                .on(o.slot.date)
                .display(crate::time::Lang::Da),
            taken: o.taken.is_some(),
            taken_by_you: o.taken.as_ref().is_some_and(|t| Some(t.participant) == you),
        })
    }

    /// The logged-in reserve with the take link `token` takes the offered seat. Exactly one
    /// reserve gets it: a later taker is refused with `offer-taken`; eligibility and double
    /// booking are checked as on every route onto a seat.
    pub async fn take_offered_seat(
        &self,
        actor: &Actor,
        offer: OfferId,
        token: &str,
    ) -> Result<()> {
        let participant = me(actor)?;
        self.authorize(actor, Permission::TakeOfferedSeat { participant })?;
        let token = token.to_owned();
        transact!(self, |tx| {
            let o = tx
                .find::<SeatOffer>(offer)
                .await?
                .filter(|o| o.recipient_with(&token).is_some())
                .ok_or_else(|| Refused::one(Violation::NotOffered))?;
            let seat = tx.get::<Seat>(o.seat).await?;
            let bundle = load_seat(&mut tx, seat).await?;
            let attendance = tx.find::<Attendance>(o.seat).await?;
            let person = tx.get::<Participant>(participant).await?;
            let bookings = bookings_of(&mut tx, participant).await?;
            let decision = rules::take_offer(
                &self.ctx(actor),
                &o,
                &token,
                attendance.as_ref(),
                &bundle.facts(),
                &PersonFacts {
                    participant: &person,
                    bookings: &bookings,
                },
            )?;
            (decision, ())
        });
        Ok(())
    }

    /// What happened on the days of `election`, for its payroll (the caller authorized the
    /// export).
    pub(super) async fn payroll_attendance(
        &self,
        election: ElectionId,
    ) -> Result<crate::exchange::PayrollAttendance> {
        let mut tx = Tx::reader(self);
        let by_seat = self.attendance_of(&mut tx, election).await?;
        let reserve_takers = tx
            .all::<SeatOffer>()
            .await?
            .into_iter()
            .filter(|o| o.slot.election == election)
            .filter_map(|o| o.taken.map(|t| (o.seat, t.participant)))
            .collect();
        let recorded: std::collections::HashSet<ParticipantId> = by_seat
            .values()
            .flat_map(|a| a.entries.iter().map(|e| e.participant))
            .collect();
        let names = if recorded.is_empty() {
            HashMap::new()
        } else {
            tx.all::<Participant>()
                .await?
                .into_iter()
                .filter(|p| recorded.contains(&p.id))
                .map(|p| (p.id, p.full_name()))
                .collect()
        };
        Ok(crate::exchange::PayrollAttendance {
            by_seat,
            reserve_takers,
            names,
        })
    }

    /// The stations the logged-in person runs on `date`: those they are responsible for in an
    /// active election whose working period holds the day, and those where they hold the
    /// chair's seat that day. In Danish order of title.
    pub async fn my_stations(&self, actor: &Actor, date: NaiveDate) -> Result<Vec<MyStation>> {
        let participant = me(actor)?;
        let mut tx = Tx::reader(self);
        let elections: Vec<Election> = tx
            .all::<Election>()
            .await?
            .into_iter()
            .filter(|e| e.active && e.working_period().contains(date))
            .collect();
        let task_types = tx.all::<TaskType>().await?;
        let mine = tx
            .query::<Seat>(&Query::SeatsOfParticipant(participant))
            .await?;
        let titles: HashMap<WorkLocationId, String> = tx
            .all::<WorkLocation>()
            .await?
            .into_iter()
            .map(|l| (l.id, l.title.to_string()))
            .collect();
        let responsible = match actor {
            Actor::Person(p) => p.responsible_for_locations.clone(),
            _ => Default::default(),
        };
        let mut out = Vec::new();
        for e in &elections {
            for l in &e.work_locations {
                let here: Vec<Seat> = mine
                    .iter()
                    .filter(|s| s.slot.election == e.id && s.slot.work_location == *l)
                    .cloned()
                    .collect();
                if responsible.contains(l) || chairs(actor, &here, &task_types, date) {
                    out.push(MyStation {
                        election: e.id,
                        election_title: e.title.to_string(),
                        work_location: *l,
                        title: titles.get(l).cloned().unwrap_or_default(),
                    });
                }
            }
        }
        sort_danish_by(&mut out, |s| s.title.as_str());
        Ok(out)
    }

    /// Today in Denmark, by the service's clock (the day a station's board opens on).
    pub fn today(&self) -> NaiveDate {
        local_date(self.clock.now())
    }
}

/// The take link of an offer for the reserve with `token`, under the portal's `base` URL.
pub fn take_link(base: &str, offer: OfferId, token: &str) -> String {
    format!(
        "{}/reserve/tilbud/{offer}/{token}",
        base.trim_end_matches('/')
    )
}
