//! Queries: the staffing overview with each party's share, participant lists, a participant's
//! own tasks, a team's members, a location's staff, vacancies and the audit log. Every list
//! comes sorted in Danish order.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::apportion::shares::{ratio_permille, shares_permille};
use crate::collation::{danish_cmp, danish_ranks, sort_danish_by};
use crate::exchange::ParticipantRow;
use crate::ids::{AreaId, ElectionId, ParticipantId, SeatId, TaskTypeId, TeamId, WorkLocationId};
use crate::model::{
    Area, AuditEntry, Election, Link, LinkKind, LinkToken, Participant, Rejection, Seat, SeatState,
    SeatStatus, SpecialDiet, TaskType, Team, Trust, WorkLocation,
};
use crate::rules::access::{Actor, Permission, authorize};
use crate::rules::{Refused, Violation, lifecycle, links};
use crate::store::{AuditFilter, Query};
use crate::time::{Lang, local_date};
use crate::values::Ore;

use super::seat_filter::{OverviewFilter, ParticipantFilter};
use super::tx::Tx;
use super::{Error, Result, Valghalla};

/// Seat counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Seats.
    pub seats: u32,
    /// Vacant (*ledige*).
    pub vacant: u32,
    /// Invited, unanswered (*ubesvarede*).
    pub invited: u32,
    /// Accepted (*accepterede*).
    pub accepted: u32,
    /// Rejections recorded (history; not seats).
    pub rejected: u32,
}

impl Counts {
    fn add_seat(&mut self, status: SeatStatus) {
        self.seats += 1;
        match status {
            SeatStatus::Vacant => self.vacant += 1,
            SeatStatus::Invited => self.invited += 1,
            SeatStatus::Accepted => self.accepted += 1,
        }
    }

    fn add(&mut self, other: &Counts) {
        self.seats += other.seats;
        self.vacant += other.vacant;
        self.invited += other.invited;
        self.accepted += other.accepted;
        self.rejected += other.rejected;
    }
}

/// One row: a task type × team × date at a location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverviewRow {
    /// Task type.
    pub task_type: TaskTypeId,
    /// Its title.
    pub task_type_title: String,
    /// Team.
    pub team: TeamId,
    /// Its name.
    pub team_name: String,
    /// Date.
    pub date: NaiveDate,
    /// Counts.
    pub counts: Counts,
}

/// A work location's rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocationOverview {
    /// Location.
    pub work_location: WorkLocationId,
    /// Its title.
    pub title: String,
    /// Rows in Danish order of task type, then team, then date.
    pub rows: Vec<OverviewRow>,
    /// Totals.
    pub totals: Counts,
}

/// An area's locations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AreaOverview {
    /// Area.
    pub area: AreaId,
    /// Its name.
    pub name: String,
    /// Locations in Danish order.
    pub locations: Vec<LocationOverview>,
    /// Totals.
    pub totals: Counts,
}

/// A team's share (*andel*) of the seats, and how much of it is filled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamShare {
    /// Team.
    pub team: TeamId,
    /// Its name.
    pub name: String,
    /// Counts over the team's seats.
    pub counts: Counts,
    /// The team's seats as per mille of all seats in the overview, rounded by largest
    /// remainder so the teams' shares add up to 1000 ([`crate::apportion::shares`]).
    pub share_permille: u32,
    /// Accepted seats as per mille of the team's seats, rounded (1000 when it has none).
    pub filled_permille: u32,
}

/// The staffing overview: area → work location → task type × team × date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Overview {
    /// Election.
    pub election: ElectionId,
    /// Areas in Danish order.
    pub areas: Vec<AreaOverview>,
    /// Totals.
    pub totals: Counts,
    /// Each team's share, in Danish order.
    pub shares: Vec<TeamShare>,
    /// The seats now accepted, counted by the Danish day they were accepted on (sign-ups over
    /// time; a seat accepted and later given up is not counted).
    pub accepted_per_day: BTreeMap<NaiveDate, u32>,
}

/// A seat in a participant's own task list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MyTask {
    /// Seat.
    pub seat: SeatId,
    /// Status.
    pub status: SeatStatus,
    /// Election.
    pub election: String,
    /// Work location.
    pub work_location: String,
    /// Its address.
    pub address: String,
    /// Task type.
    pub task_type: String,
    /// Description (HTML by the secretariat).
    pub description: String,
    /// Date.
    pub date: NaiveDate,
    /// Start.
    pub start: String,
    /// End (local time, HH:MM, with "(næste dag)" when it is the next day).
    pub end: String,
    /// Payment.
    pub payment: Option<Ore>,
    /// The last day withdrawing is possible.
    pub last_day_to_withdraw: NaiveDate,
    /// Whether the lock period has started.
    pub locked: bool,
    /// Whether the task's calendar file is offered ([`Valghalla::my_task_calendar`]): the task
    /// is accepted and the host publishes calendar files.
    pub calendar_file: bool,
}

/// A team member with their seats of that team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamMember {
    /// Participant.
    pub participant: ParticipantId,
    /// Name.
    pub name: String,
    /// Mobile.
    pub mobile: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Their seats of the team.
    pub seats: Vec<MemberSeat>,
}

/// A team member's seat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberSeat {
    /// Seat.
    pub seat: SeatId,
    /// Work location.
    pub work_location: String,
    /// Task type.
    pub task_type: String,
    /// Date.
    pub date: NaiveDate,
    /// Status.
    pub status: SeatStatus,
}

/// Someone on a location's staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffMember {
    /// Name.
    pub name: String,
    /// Mobile.
    pub mobile: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Age on election day.
    pub age: i32,
    /// Task type.
    pub task_type: String,
    /// The task's hours as a person reads them (`07:30–22:00`, `17:00–02:00 (næste dag)`).
    pub hours: String,
    /// Team.
    pub team: String,
    /// Their special diets, by title (for the station's catering).
    pub special_diets: Vec<String>,
}

/// The staff of a work location on one date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocationStaff {
    /// Date.
    pub date: NaiveDate,
    /// Accepted people, in Danish order of name.
    pub people: Vec<StaffMember>,
    /// Counts over all seats that day.
    pub counts: Counts,
}

/// Vacant seats of one slot, for vacancy pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Vacancy {
    /// Any vacant seat of the slot (take it with [`super::SeatRef::AnyIn`]).
    pub slot: crate::model::SlotKey,
    /// Work location.
    pub work_location: String,
    /// Address.
    pub address: String,
    /// Task type.
    pub task_type: String,
    /// Date.
    pub date: NaiveDate,
    /// Start.
    pub start: String,
    /// End (local time, HH:MM, with "(næste dag)" when it is the next day).
    pub end: String,
    /// Vacant seats.
    pub vacant: u32,
    /// Whether the task is a position of trust.
    pub trusted: bool,
}

/// Master data indexed by id, loaded once per query.
struct Catalog {
    areas: BTreeMap<AreaId, Area>,
    locations: BTreeMap<WorkLocationId, WorkLocation>,
    task_types: BTreeMap<TaskTypeId, TaskType>,
    teams: BTreeMap<TeamId, Team>,
}

impl Catalog {
    async fn load(tx: &mut Tx<'_>) -> Result<Catalog> {
        Ok(Catalog {
            areas: tx
                .all::<Area>()
                .await?
                .into_iter()
                .map(|a| (a.id, a))
                .collect(),
            locations: tx
                .all::<WorkLocation>()
                .await?
                .into_iter()
                .map(|l| (l.id, l))
                .collect(),
            task_types: tx
                .all::<TaskType>()
                .await?
                .into_iter()
                .map(|t| (t.id, t))
                .collect(),
            teams: tx
                .all::<Team>()
                .await?
                .into_iter()
                .map(|t| (t.id, t))
                .collect(),
        })
    }

    fn task_type_title(&self, id: TaskTypeId) -> String {
        self.task_types
            .get(&id)
            .map(|t| t.title.to_string())
            .unwrap_or_default()
    }

    fn team_name(&self, id: TeamId) -> String {
        self.teams
            .get(&id)
            .map(|t| t.name.to_string())
            .unwrap_or_default()
    }
}

/// Builds the overview from seats and rejections (pure).
fn build_overview(
    election: ElectionId,
    catalog: &Catalog,
    seats: &[Seat],
    rejections: &[Rejection],
    filter: &OverviewFilter,
    allowed: impl Fn(TeamId, WorkLocationId) -> bool,
) -> Overview {
    let area_of = |loc: &WorkLocationId| {
        catalog
            .locations
            .get(loc)
            .map_or(AreaId::from_uuid(uuid::Uuid::nil()), |l| l.area)
    };
    let keep = |slot: &crate::model::SlotKey, status: Option<SeatStatus>| {
        let area = area_of(&slot.work_location);
        status.map_or_else(
            || filter.matches_slot(area, slot),
            |st| filter.matches(area, slot, st),
        ) && allowed(slot.team, slot.work_location)
    };
    type RowKey = (WorkLocationId, TaskTypeId, TeamId, NaiveDate);
    let mut cells: BTreeMap<RowKey, Counts> = BTreeMap::new();
    let mut accepted_per_day: BTreeMap<NaiveDate, u32> = BTreeMap::new();
    for s in seats
        .iter()
        .filter(|s| keep(&s.slot, Some(s.state.status())))
    {
        if let SeatState::Accepted { accepted_at, .. } = &s.state {
            let n = accepted_per_day
                .entry(local_date(*accepted_at))
                .or_default();
            *n = n.saturating_add(1);
        }
        cells
            .entry((
                s.slot.work_location,
                s.slot.task_type,
                s.slot.team,
                s.slot.date,
            ))
            .or_default()
            .add_seat(s.state.status());
    }
    for r in rejections
        .iter()
        .filter(|r| filter.statuses.is_empty() && keep(&r.slot, None))
    {
        cells
            .entry((
                r.slot.work_location,
                r.slot.task_type,
                r.slot.team,
                r.slot.date,
            ))
            .or_default()
            .rejected += 1;
    }
    let mut by_location: BTreeMap<WorkLocationId, Vec<OverviewRow>> = BTreeMap::new();
    let mut team_counts: BTreeMap<TeamId, Counts> = BTreeMap::new();
    for ((loc, tt, team, date), counts) in cells {
        team_counts.entry(team).or_default().add(&counts);
        by_location.entry(loc).or_default().push(OverviewRow {
            task_type: tt,
            task_type_title: catalog.task_type_title(tt),
            team,
            team_name: catalog.team_name(team),
            date,
            counts,
        });
    }
    let task_type_rank = danish_ranks(catalog.task_types.values().map(|t| t.title.to_string()));
    let team_rank = danish_ranks(catalog.teams.values().map(|t| t.name.to_string()));
    let rank = |ranks: &std::collections::HashMap<String, usize>, name: &str| {
        ranks.get(name).copied().unwrap_or(usize::MAX)
    };
    let mut areas: BTreeMap<AreaId, AreaOverview> = BTreeMap::new();
    for (loc, mut rows) in by_location {
        rows.sort_by_key(|r| {
            (
                rank(&task_type_rank, &r.task_type_title),
                rank(&team_rank, &r.team_name),
                r.date,
            )
        });
        let mut totals = Counts::default();
        rows.iter().for_each(|r| totals.add(&r.counts));
        let (area_id, title) = catalog
            .locations
            .get(&loc)
            .map_or((AreaId::from_uuid(uuid::Uuid::nil()), String::new()), |l| {
                (l.area, l.title.to_string())
            });
        let area = areas.entry(area_id).or_insert_with(|| AreaOverview {
            area: area_id,
            name: catalog
                .areas
                .get(&area_id)
                .map(|a| a.name.to_string())
                .unwrap_or_default(),
            locations: vec![],
            totals: Counts::default(),
        });
        area.totals.add(&totals);
        area.locations.push(LocationOverview {
            work_location: loc,
            title,
            rows,
            totals,
        });
    }
    let mut areas: Vec<AreaOverview> = areas.into_values().collect();
    for a in &mut areas {
        sort_danish_by(&mut a.locations, |l| l.title.as_str());
    }
    sort_danish_by(&mut areas, |a| a.name.as_str());
    let mut totals = Counts::default();
    areas.iter().for_each(|a| totals.add(&a.totals));
    // The teams' shares are shown as a set: rounded so they add up to 100 %.
    let seat_counts: Vec<u64> = team_counts.values().map(|c| u64::from(c.seats)).collect();
    let mut shares: Vec<TeamShare> = team_counts
        .into_iter()
        .zip(shares_permille(&seat_counts))
        .map(|((team, counts), share_permille)| TeamShare {
            team,
            name: catalog.team_name(team),
            counts,
            share_permille,
            filled_permille: ratio_permille(counts.accepted.into(), counts.seats.into()),
        })
        .collect();
    sort_danish_by(&mut shares, |s| s.name.as_str());
    Overview {
        election,
        areas,
        totals,
        shares,
        accepted_per_day,
    }
}

impl Valghalla {
    /// The staffing overview of an election for the secretariat: counts of vacant, invited,
    /// accepted and rejected seats per area → location → task type × team × date, and each
    /// team's share.
    pub async fn overview(
        &self,
        actor: &Actor,
        election: ElectionId,
        filter: &OverviewFilter,
    ) -> Result<Overview> {
        self.authorize(actor, Permission::ReadOverview)?;
        let mut tx = Tx::reader(self);
        tx.get::<Election>(election).await?;
        let catalog = Catalog::load(&mut tx).await?;
        let seats = tx.query::<Seat>(&Query::SeatsOfElection(election)).await?;
        let rejections = tx
            .query::<Rejection>(&Query::RejectionsOfElection(election))
            .await?;
        Ok(build_overview(
            election,
            &catalog,
            &seats,
            &rejections,
            filter,
            |_, _| true,
        ))
    }

    /// A team's part of the overview, as its team responsible sees it: only their team, only
    /// the locations they may act for.
    pub async fn team_overview(
        &self,
        actor: &Actor,
        election: ElectionId,
        team: TeamId,
    ) -> Result<Overview> {
        if !matches!(actor, Actor::Secretariat { .. } | Actor::System { .. }) {
            self.authorize(actor, Permission::ReadTeamMembers { team })?;
        }
        let mut tx = Tx::reader(self);
        tx.get::<Election>(election).await?;
        let catalog = Catalog::load(&mut tx).await?;
        let seats = tx.query::<Seat>(&Query::SeatsOfElection(election)).await?;
        let rejections = tx
            .query::<Rejection>(&Query::RejectionsOfElection(election))
            .await?;
        let filter = OverviewFilter {
            teams: [team].into(),
            ..OverviewFilter::default()
        };
        Ok(build_overview(
            election,
            &catalog,
            &seats,
            &rejections,
            &filter,
            |t, loc| {
                authorize(
                    actor,
                    &Permission::ReadTeamSeats {
                        team: t,
                        work_location: loc,
                    },
                )
                .is_ok()
            },
        ))
    }

    /// The seats of an election with their holders, filtered, sorted by name in Danish order.
    pub async fn participant_list(
        &self,
        actor: &Actor,
        election: ElectionId,
        filter: &ParticipantFilter,
    ) -> Result<Vec<ParticipantRow>> {
        self.authorize(actor, Permission::ReadOverview)?;
        let mut tx = Tx::reader(self);
        let e = tx.get::<Election>(election).await?;
        let catalog = Catalog::load(&mut tx).await?;
        let diets: BTreeMap<_, _> = tx
            .all::<SpecialDiet>()
            .await?
            .into_iter()
            .map(|d| (d.id, d.title.to_string()))
            .collect();
        let people: BTreeMap<ParticipantId, Participant> = tx
            .all::<Participant>()
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        let mut rows = Vec::new();
        for s in tx.query::<Seat>(&Query::SeatsOfElection(election)).await? {
            let Some(pid) = s.state.participant() else {
                continue;
            };
            let (Some(p), Some(loc), Some(tt)) = (
                people.get(&pid),
                catalog.locations.get(&s.slot.work_location),
                catalog.task_types.get(&s.slot.task_type),
            ) else {
                continue;
            };
            let status = s.state.status();
            if !filter.matches(loc.area, &s.slot, status) {
                continue;
            }
            rows.push(row(
                &s,
                status,
                p,
                loc,
                tt,
                &catalog,
                &diets,
                e.election_day(),
            ));
        }
        rows.sort_by_key(|r| r.date);
        sort_danish_by(&mut rows, |r| r.name.as_str());
        Ok(rows)
    }

    /// The participant a person acting on their own tasks is; anyone else is denied.
    fn own_participant(&self, actor: &Actor) -> Result<crate::ids::ParticipantId> {
        let Actor::Person(person) = actor else {
            return Err(Error::Denied(crate::rules::access::Denied {
                actor: actor.label(),
                permission: Permission::ReadMasterData,
            }));
        };
        let me = person.participant;
        self.authorize(actor, Permission::AnswerOwnSeat { participant: me })?;
        Ok(me)
    }

    /// The calendar file of the actor's own accepted task on `seat` (`METHOD:PUBLISH`, the
    /// same entry as the messages' files: same UID, current `SEQUENCE`); `None` when the host
    /// has no calendar configured. Any other seat is not found, whoever holds it.
    pub async fn my_task_calendar(
        &self,
        actor: &Actor,
        seat: SeatId,
    ) -> Result<Option<crate::messages::calendar::IcsFile>> {
        let me = self.own_participant(actor)?;
        let mut tx = Tx::reader(self);
        let not_found = || Error::not_found(crate::model::RecordKey::Seat(seat));
        let found = tx.find::<Seat>(seat).await?.ok_or_else(not_found)?;
        if !matches!(found.state, SeatState::Accepted { participant, .. } if participant == me) {
            return Err(not_found());
        }
        let Some(source) = &self.config.calendar else {
            return Ok(None);
        };
        let event = tx.task_event(found).await?;
        let file = crate::messages::calendar::render_ics(
            &event,
            source,
            &crate::messages::calendar::CalendarMethod::Publish,
        )?;
        Ok(Some(file))
    }

    /// The participant's own tasks in active elections from today on.
    pub async fn my_tasks(&self, actor: &Actor) -> Result<Vec<MyTask>> {
        let me = self.own_participant(actor)?;
        let mut tx = Tx::reader(self);
        let today = local_date(self.clock.now());
        let mut out = Vec::new();
        for s in tx.query::<Seat>(&Query::SeatsOfParticipant(me)).await? {
            let e = tx.get::<Election>(s.slot.election).await?;
            if !e.active || s.slot.date < today {
                continue;
            }
            let loc = tx.get::<WorkLocation>(s.slot.work_location).await?;
            let tt = tx.get::<TaskType>(s.slot.task_type).await?;
            out.push(MyTask {
                seat: s.id,
                status: s.state.status(),
                election: e.title.to_string(),
                work_location: loc.title.to_string(),
                address: loc.address.to_string(),
                task_type: tt.title.to_string(),
                description: tt.description.clone(),
                date: s.slot.date,
                start: tt.window.start().format("%H:%M").to_string(),
                end: tt.window.end_display(Lang::Da),
                payment: tt.payment,
                last_day_to_withdraw: e.last_day_to_withdraw(s.slot.date),
                locked: lifecycle::lock(&e, s.slot.date, today).is_some(),
                calendar_file: self.config.calendar.is_some()
                    && matches!(s.state, SeatState::Accepted { .. }),
            });
        }
        out.sort_by(|a, b| {
            a.date
                .cmp(&b.date)
                .then_with(|| danish_cmp(&a.task_type, &b.task_type))
        });
        Ok(out)
    }

    /// A team's members with their seats of that team, in Danish order of name.
    pub async fn team_members(&self, actor: &Actor, team: TeamId) -> Result<Vec<TeamMember>> {
        self.authorize(actor, Permission::ReadTeamMembers { team })?;
        let mut tx = Tx::reader(self);
        tx.get::<Team>(team).await?;
        let catalog = Catalog::load(&mut tx).await?;
        let mut out = Vec::new();
        for p in tx.query::<Participant>(&Query::MembersOfTeam(team)).await? {
            let mut seats = Vec::new();
            for s in tx.query::<Seat>(&Query::SeatsOfParticipant(p.id)).await? {
                if s.slot.team != team {
                    continue;
                }
                let loc = catalog
                    .locations
                    .get(&s.slot.work_location)
                    .map(|l| l.title.to_string())
                    .unwrap_or_default();
                seats.push(MemberSeat {
                    seat: s.id,
                    work_location: loc,
                    task_type: catalog.task_type_title(s.slot.task_type),
                    date: s.slot.date,
                    status: s.state.status(),
                });
            }
            seats.sort_by_key(|s| s.date);
            out.push(TeamMember {
                participant: p.id,
                name: p.full_name(),
                mobile: p.contact.mobile.map(|m| m.national()),
                email: p.contact.email.as_ref().map(|e| e.to_string()),
                seats,
            });
        }
        sort_danish_by(&mut out, |m| m.name.as_str());
        Ok(out)
    }

    /// The accepted staff of a work location in an election, per date, with contact details.
    pub async fn location_staff(
        &self,
        actor: &Actor,
        election: ElectionId,
        work_location: WorkLocationId,
    ) -> Result<Vec<LocationStaff>> {
        self.authorize(actor, Permission::ReadLocationStaff { work_location })?;
        let mut tx = Tx::reader(self);
        let e = tx.get::<Election>(election).await?;
        let catalog = Catalog::load(&mut tx).await?;
        let diets: BTreeMap<_, String> = tx
            .all::<SpecialDiet>()
            .await?
            .into_iter()
            .map(|d| (d.id, d.title.to_string()))
            .collect();
        let mut by_date: BTreeMap<NaiveDate, LocationStaff> = BTreeMap::new();
        for s in tx
            .query::<Seat>(&Query::SeatsAtLocation {
                election,
                work_location,
            })
            .await?
        {
            let entry = by_date.entry(s.slot.date).or_insert_with(|| LocationStaff {
                date: s.slot.date,
                people: vec![],
                counts: Counts::default(),
            });
            entry.counts.add_seat(s.state.status());
            if let SeatState::Accepted { participant, .. } = s.state
                && let Some(p) = tx.find::<Participant>(participant).await?
            {
                entry.people.push(StaffMember {
                    name: p.full_name(),
                    mobile: p.contact.mobile.map(|m| m.national()),
                    email: p.contact.email.as_ref().map(|m| m.to_string()),
                    age: crate::cpr::age_on(
                        p.person.birth_date,
                        e.election_day(),
                        Default::default(),
                    ),
                    task_type: catalog.task_type_title(s.slot.task_type),
                    hours: catalog
                        .task_types
                        .get(&s.slot.task_type)
                        .map(|t| t.window.display(Lang::Da))
                        .unwrap_or_default(),
                    team: catalog.team_name(s.slot.team),
                    special_diets: p
                        .special_diets
                        .iter()
                        .filter_map(|d| diets.get(d).cloned())
                        .collect(),
                });
            }
        }
        let mut out: Vec<LocationStaff> = by_date.into_values().collect();
        for day in &mut out {
            day.people.sort_by(|a, b| danish_cmp(&a.name, &b.name));
        }
        Ok(out)
    }

    /// The vacant seats a link offers, grouped per slot (anyone holding the link may look;
    /// the election must be active).
    pub async fn link_vacancies(&self, token: &LinkToken) -> Result<(Link, Vec<Vacancy>)> {
        let mut tx = Tx::reader(self);
        let link = tx
            .query::<Link>(&Query::LinkByToken(token.clone()))
            .await?
            .into_iter()
            .find(Link::is_live)
            .ok_or_else(|| Refused::one(Violation::LinkDoesNotCoverSeat))?;
        let seats = match &link.kind {
            LinkKind::Vacancies(f) => {
                tx.query::<Seat>(&Query::SeatsOfElection(f.election))
                    .await?
            }
            LinkKind::Seat { seat } => tx.find::<Seat>(*seat).await?.into_iter().collect(),
            LinkKind::Team { .. } => vec![],
        };
        let catalog = Catalog::load(&mut tx).await?;
        let mut vacancies: BTreeMap<crate::model::SlotKey, Vacancy> = BTreeMap::new();
        for s in &seats {
            let (Some(loc), Some(tt), Some(team)) = (
                catalog.locations.get(&s.slot.work_location),
                catalog.task_types.get(&s.slot.task_type),
                catalog.teams.get(&s.slot.team),
            ) else {
                continue;
            };
            let at = links::LinkedSeat {
                seat: s,
                location: loc,
                task_type: tt,
                team,
            };
            if !links::lists(&link, &at) {
                continue;
            }
            if !tx.get::<Election>(s.slot.election).await?.active {
                continue;
            }
            vacancies
                .entry(s.slot)
                .or_insert_with(|| vacancy(s, loc, tt))
                .vacant += 1;
        }
        Ok((link, sorted_vacancies(vacancies)))
    }

    /// Open (not trusted) vacant seats of the participant's own teams in active elections.
    pub async fn my_vacancies(&self, actor: &Actor) -> Result<Vec<Vacancy>> {
        let Actor::Person(person) = actor else {
            return Err(Error::Denied(crate::rules::access::Denied {
                actor: actor.label(),
                permission: Permission::ReadMasterData,
            }));
        };
        self.authorize(
            actor,
            Permission::TakeVacantSeat {
                participant: person.participant,
            },
        )?;
        let mut tx = Tx::reader(self);
        let me = tx.get::<Participant>(person.participant).await?;
        let catalog = Catalog::load(&mut tx).await?;
        let today = local_date(self.clock.now());
        let mut vacancies = BTreeMap::new();
        for e in tx.all::<Election>().await?.into_iter().filter(|e| e.active) {
            for s in tx.query::<Seat>(&Query::SeatsOfElection(e.id)).await? {
                let (Some(loc), Some(tt)) = (
                    catalog.locations.get(&s.slot.work_location),
                    catalog.task_types.get(&s.slot.task_type),
                ) else {
                    continue;
                };
                if s.state == SeatState::Vacant
                    && me.teams.contains(&s.slot.team)
                    && tt.trust == Trust::Open
                    && s.slot.date >= today
                {
                    vacancies
                        .entry(s.slot)
                        .or_insert_with(|| vacancy(&s, loc, tt))
                        .vacant += 1;
                }
            }
        }
        Ok(sorted_vacancies(vacancies))
    }

    /// The seats of one slot, ordered by id.
    pub async fn slot_seats(
        &self,
        actor: &Actor,
        slot: crate::model::SlotKey,
    ) -> Result<Vec<Seat>> {
        if authorize(actor, &Permission::ReadOverview).is_err() {
            self.authorize(
                actor,
                Permission::ReadTeamSeats {
                    team: slot.team,
                    work_location: slot.work_location,
                },
            )?;
        }
        let mut seats = Tx::reader(self)
            .query::<Seat>(&Query::SeatsOfSlot(slot))
            .await?;
        seats.sort_by_key(|s| s.id);
        Ok(seats)
    }

    /// The audit log, newest first.
    pub async fn audit_log(&self, actor: &Actor, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        self.authorize(actor, Permission::ReadAuditLog)?;
        Ok(self.store.audit_log(filter).await?)
    }
}

fn vacancy(s: &Seat, loc: &WorkLocation, tt: &TaskType) -> Vacancy {
    Vacancy {
        slot: s.slot,
        work_location: loc.title.to_string(),
        address: loc.address.to_string(),
        task_type: tt.title.to_string(),
        date: s.slot.date,
        start: tt.window.start().format("%H:%M").to_string(),
        end: tt.window.end_display(Lang::Da),
        vacant: 0,
        trusted: tt.trust == Trust::Trusted,
    }
}

fn sorted_vacancies(v: BTreeMap<crate::model::SlotKey, Vacancy>) -> Vec<Vacancy> {
    let mut out: Vec<Vacancy> = v.into_values().collect();
    out.sort_by(|a, b| {
        a.date
            .cmp(&b.date)
            .then_with(|| danish_cmp(&a.work_location, &b.work_location))
            .then_with(|| danish_cmp(&a.task_type, &b.task_type))
    });
    out
}

#[allow(clippy::too_many_arguments, reason = "a row joins that many entities")]
fn row(
    s: &Seat,
    status: SeatStatus,
    p: &Participant,
    loc: &WorkLocation,
    tt: &TaskType,
    catalog: &Catalog,
    diets: &BTreeMap<crate::ids::SpecialDietId, String>,
    election_day: NaiveDate,
) -> ParticipantRow {
    let mut special_diets: Vec<String> = p
        .special_diets
        .iter()
        .filter_map(|d| diets.get(d).cloned())
        .collect();
    sort_danish_by(&mut special_diets, |d| d.as_str());
    ParticipantRow {
        seat: s.id,
        status,
        participant: p.id,
        name: p.full_name(),
        age: crate::cpr::age_on(p.person.birth_date, election_day, Default::default()),
        birth_date: p.person.birth_date,
        mobile: p.contact.mobile.map(|m| m.national()),
        email: p.contact.email.as_ref().map(|e| e.to_string()),
        address: if p.person.protected_address {
            String::new()
        } else {
            p.person
                .address
                .as_ref()
                .map(|a| a.to_string())
                .unwrap_or_default()
        },
        protected_address: p.person.protected_address,
        special_diets,
        team: catalog.team_name(s.slot.team),
        area: catalog
            .areas
            .get(&loc.area)
            .map(|a| a.name.to_string())
            .unwrap_or_default(),
        work_location: loc.title.to_string(),
        voting_area: loc.voting_area,
        task_type: tt.title.to_string(),
        date: s.slot.date,
        start: tt.window.start().format("%H:%M").to_string(),
        end: tt.window.end_display(Lang::Da),
        payment: tt.payment,
    }
}
