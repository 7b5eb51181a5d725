//! Master data: the municipality, areas, work locations, task types, teams, special diets and
//! election types.
//!
//! Edits never delete an invited or accepted seat: a change that would (a location dropping a
//! team, a task type being deleted) is refused with the seats that block it; vacant seats that no
//! longer fit go with the change.

use std::collections::{BTreeMap, BTreeSet};

use crate::collation::sort_danish_by;
use crate::ids::{
    AreaId, ElectionTypeId, ParticipantId, SpecialDietId, TaskTypeId, TeamId, WorkLocationId,
};
use crate::model::AuditEvent;
use crate::model::{
    Address, Area, AuditAction, AuditSubject, Election, ElectionKind, ElectionType,
    EligibilityRule, Entity, LocationScope, Municipality, Op, Participant, Record, RecordKey,
    RecordKind, Seat, SeatState, SpecialDiet, TaskType, Team, TeamKind, Trust, WorkLocation,
};
use crate::rules::access::{Actor, Permission};
use crate::rules::distribution::seats_affected_by_location_edit;
use crate::rules::{Ctx, Decision, Refused, SeatLabel, Violation, booking, lifecycle};
use crate::store::Query;
use crate::time::DailyWindow;
use crate::values::{Name, Ore, PostalCode, ShortName};

use super::tx::Tx;
use super::{Conflict, Error, Result, SeatLosingChange, Valghalla, transact};

/// The fields of an area, as entered.
#[derive(Debug, Clone, Default)]
pub struct AreaDraft {
    /// Name (unique, ignoring case).
    pub name: String,
    /// Description.
    pub description: String,
}

/// The fields of a team, as entered.
#[derive(Debug, Clone)]
pub struct TeamDraft {
    /// Name (unique, ignoring case).
    pub name: String,
    /// Short name, e.g. the party letter.
    pub short_name: String,
    /// Party or other kind of team.
    pub kind: TeamKind,
    /// Description.
    pub description: String,
}

/// The fields of a special diet, as entered.
#[derive(Debug, Clone, Default)]
pub struct SpecialDietDraft {
    /// Title (unique, ignoring case).
    pub title: String,
}

/// The fields of an election type, as entered.
#[derive(Debug, Clone)]
pub struct ElectionTypeDraft {
    /// Title.
    pub title: String,
    /// The kind of election.
    pub kind: ElectionKind,
    /// The eligibility rules (`None`: the law's defaults for `kind`).
    pub rules: Option<BTreeSet<EligibilityRule>>,
}

/// The fields of a work location, as entered.
#[derive(Debug, Clone)]
pub struct WorkLocationDraft {
    /// Area.
    pub area: AreaId,
    /// Title.
    pub title: String,
    /// Street and number.
    pub street: String,
    /// Postal code (may be empty).
    pub postal_code: String,
    /// Town.
    pub city: String,
    /// The national afstemningsområde number, if it is a polling area.
    pub voting_area: Option<u32>,
    /// Teams that staff it.
    pub teams: BTreeSet<TeamId>,
    /// Task types done there.
    pub task_types: BTreeSet<TaskTypeId>,
    /// Work-location responsibles.
    pub responsibles: BTreeSet<ParticipantId>,
}

/// The fields of a task type, as entered.
#[derive(Debug, Clone)]
pub struct TaskTypeDraft {
    /// Title.
    pub title: String,
    /// Short name.
    pub short_name: String,
    /// Description (HTML).
    pub description: String,
    /// Local start and end.
    pub window: DailyWindow,
    /// Payment.
    pub payment: Option<Ore>,
    /// Trusted or open.
    pub trust: Trust,
    /// Whether eligibility rules apply.
    pub check_eligibility: bool,
    /// Whether reminders are sent.
    pub reminders: bool,
    /// Whether its holder chairs the station on the day ([`TaskType::chair`]).
    pub chair: bool,
}

fn same_name(a: &str, b: &str) -> bool {
    a.to_lowercase() == b.to_lowercase()
}

fn name_taken(kind: RecordKind, name: &str) -> Error {
    Conflict::NameTaken {
        kind,
        name: name.to_owned(),
    }
    .into()
}

/// Master data whose names are unique in the municipality, ignoring case.
trait Named: Entity {
    /// The name that must be unique.
    fn unique_name(&self) -> &str;
}

impl Named for Area {
    fn unique_name(&self) -> &str {
        self.name.as_str()
    }
}

impl Named for WorkLocation {
    fn unique_name(&self) -> &str {
        self.title.as_str()
    }
}

impl Named for Team {
    fn unique_name(&self) -> &str {
        self.name.as_str()
    }
}

impl Named for SpecialDiet {
    fn unique_name(&self) -> &str {
        self.title.as_str()
    }
}

/// Refuses `name` when another entity of the kind (not `this`) already has it, ignoring case.
async fn ensure_unique_name<E: Named>(tx: &mut Tx<'_>, this: RecordKey, name: &str) -> Result<()> {
    let taken = tx
        .all::<E>()
        .await?
        .iter()
        .any(|e| e.key() != this && same_name(e.unique_name(), name));
    if taken {
        return Err(name_taken(E::KIND, name));
    }
    Ok(())
}

fn audit_put<E: Entity>(ctx: &Ctx, e: &E, action: AuditAction) -> crate::model::AuditEntry {
    let kind = E::KIND;
    let event = match action {
        AuditAction::Create => AuditEvent::Created(kind),
        _ => AuditEvent::Edited(kind),
    };
    ctx.audit(action, e.key(), None, None, event)
}

/// The seats of every election at a work location.
async fn seats_at(tx: &mut Tx<'_>, location: WorkLocationId) -> Result<Vec<Seat>> {
    let mut seats = Vec::new();
    for election in tx.all::<Election>().await? {
        seats.extend(
            tx.query::<Seat>(&Query::SeatsAtLocation {
                election: election.id,
                work_location: location,
            })
            .await?,
        );
    }
    Ok(seats)
}

fn taken_seats_block(seats: &[&Seat], change: SeatLosingChange) -> Result<()> {
    if seats.is_empty() {
        Ok(())
    } else {
        Err(Conflict::TakenSeats {
            seats: seats.len(),
            change,
        }
        .into())
    }
}

impl Valghalla {
    /// Sets the municipality's code and name (needed for the residency rule and messages).
    pub async fn set_municipality(&self, actor: &Actor, municipality: Municipality) -> Result<()> {
        self.authorize(actor, Permission::EditMasterData)?;
        let ctx = self.ctx(actor);
        transact!(self, |tx| {
            let _ = tx.municipality().await.ok();
            let audit = ctx.audit(
                AuditAction::Edit,
                AuditSubject::Municipality(municipality.code),
                None,
                None,
                AuditEvent::MunicipalitySet,
            );
            (
                Decision {
                    ops: vec![Op::Put(Record::Municipality(municipality.clone()))],
                    messages: vec![],
                    audit: vec![audit],
                },
                (),
            )
        });
        Ok(())
    }

    /// The municipality.
    pub async fn municipality(&self, actor: &Actor) -> Result<Municipality> {
        self.authorize(actor, Permission::ReadMasterData)?;
        Tx::new(self).municipality().await
    }

    /// Creates an area.
    pub async fn create_area(&self, actor: &Actor, draft: AreaDraft) -> Result<Area> {
        self.authorize(actor, Permission::EditMasterData)?;
        let name = Name::parse_field(&draft.name, "area name", "områdenavn")?;
        let ctx = self.ctx(actor);
        let area = Area {
            id: AreaId::new(),
            name,
            description: draft.description.trim().to_owned(),
        };
        transact!(self, |tx| {
            ensure_unique_name::<Area>(&mut tx, area.key(), area.name.as_str()).await?;
            let audit = audit_put(&ctx, &area, AuditAction::Create);
            (put(area.clone(), audit), ())
        });
        Ok(area)
    }

    /// Renames an area or changes its description.
    pub async fn edit_area(&self, actor: &Actor, id: AreaId, draft: AreaDraft) -> Result<Area> {
        self.authorize(actor, Permission::EditMasterData)?;
        let name = Name::parse_field(&draft.name, "area name", "områdenavn")?;
        let description = draft.description.trim().to_owned();
        let ctx = self.ctx(actor);
        Ok(transact!(self, |tx| {
            let mut area = tx.get::<Area>(id).await?;
            ensure_unique_name::<Area>(&mut tx, Area::key_of(id), name.as_str()).await?;
            area.name = name.clone();
            area.description = description.clone();
            let audit = audit_put(&ctx, &area, AuditAction::Edit);
            (put(area.clone(), audit), area)
        }))
    }

    /// Deletes an area; refused while it has work locations, or if it is the last area.
    pub async fn delete_area(&self, actor: &Actor, id: AreaId) -> Result<()> {
        self.authorize(actor, Permission::EditMasterData)?;
        let ctx = self.ctx(actor);
        transact!(self, |tx| {
            let area = tx.get::<Area>(id).await?;
            if tx.all::<WorkLocation>().await?.iter().any(|l| l.area == id) {
                return Err(Conflict::AreaHasWorkLocations {
                    area: area.name.to_string(),
                }
                .into());
            }
            if tx.all::<Area>().await?.len() <= 1 {
                return Err(Conflict::LastArea.into());
            }
            (delete(&area, &ctx), ())
        });
        Ok(())
    }

    /// Every area, in Danish order.
    pub async fn areas(&self, actor: &Actor) -> Result<Vec<Area>> {
        self.authorize(actor, Permission::ReadMasterData)?;
        let mut all = Tx::reader(self).all::<Area>().await?;
        sort_danish_by(&mut all, |a| a.name.as_str());
        Ok(all)
    }

    async fn check_location_refs(tx: &mut Tx<'_>, draft: &WorkLocationDraft) -> Result<()> {
        tx.get::<Area>(draft.area).await?;
        for team in &draft.teams {
            tx.get::<Team>(*team).await?;
        }
        for tt in &draft.task_types {
            tx.get::<TaskType>(*tt).await?;
        }
        for p in &draft.responsibles {
            tx.get::<Participant>(*p).await?;
        }
        Ok(())
    }

    fn parse_location(
        id: WorkLocationId,
        draft: &WorkLocationDraft,
        coordinates: Option<(i32, i32)>,
    ) -> Result<WorkLocation> {
        let title = Name::parse_field(&draft.title, "title", "titel")?;
        let postal_code = if draft.postal_code.trim().is_empty() {
            None
        } else {
            Some(PostalCode::parse(&draft.postal_code)?)
        };
        Ok(WorkLocation {
            id,
            area: draft.area,
            title,
            address: Address {
                street: draft.street.trim().to_owned(),
                postal_code,
                city: draft.city.trim().to_owned(),
            },
            voting_area: draft.voting_area,
            teams: draft.teams.clone(),
            task_types: draft.task_types.clone(),
            responsibles: draft.responsibles.clone(),
            coordinates,
        })
    }

    /// Creates a work location.
    pub async fn create_work_location(
        &self,
        actor: &Actor,
        draft: WorkLocationDraft,
    ) -> Result<WorkLocation> {
        self.authorize(actor, Permission::EditMasterData)?;
        let location = Self::parse_location(WorkLocationId::new(), &draft, None)?;
        let ctx = self.ctx(actor);
        transact!(self, |tx| {
            Self::check_location_refs(&mut tx, &draft).await?;
            ensure_unique_name::<WorkLocation>(&mut tx, location.key(), location.title.as_str())
                .await?;
            let audit = audit_put(&ctx, &location, AuditAction::Create);
            (put(location.clone(), audit), ())
        });
        Ok(location)
    }

    /// Edits a work location. Dropping a team or task type deletes its vacant seats here; it is
    /// refused while someone is invited to or holds such a seat.
    pub async fn edit_work_location(
        &self,
        actor: &Actor,
        id: WorkLocationId,
        draft: WorkLocationDraft,
    ) -> Result<WorkLocation> {
        self.authorize(actor, Permission::EditMasterData)?;
        let ctx = self.ctx(actor);
        Ok(transact!(self, |tx| {
            let old = tx.get::<WorkLocation>(id).await?;
            let location = Self::parse_location(id, &draft, old.coordinates)?;
            Self::check_location_refs(&mut tx, &draft).await?;
            ensure_unique_name::<WorkLocation>(&mut tx, location.key(), location.title.as_str())
                .await?;
            let seats = seats_at(&mut tx, id).await?;
            let (remove, blocking) = seats_affected_by_location_edit(&location, &seats);
            taken_seats_block(&blocking, SeatLosingChange::WorkLocationEdit)?;
            let mut d = put(
                location.clone(),
                audit_put(&ctx, &location, AuditAction::Edit),
            );
            d.ops
                .extend(remove.into_iter().map(|s| Op::Delete(RecordKey::Seat(s))));
            (d, location)
        }))
    }

    /// Deletes a work location: refused while it is part of an active election or has taken
    /// seats; its vacant seats are deleted and it leaves every election.
    pub async fn delete_work_location(&self, actor: &Actor, id: WorkLocationId) -> Result<()> {
        self.authorize(actor, Permission::EditMasterData)?;
        let ctx = self.ctx(actor);
        transact!(self, |tx| {
            let location = tx.get::<WorkLocation>(id).await?;
            let elections = tx.all::<Election>().await?;
            if elections
                .iter()
                .any(|e| e.active && e.work_locations.contains(&id))
            {
                return Err(Conflict::LocationInActiveElection {
                    location: location.title.to_string(),
                }
                .into());
            }
            let seats = seats_at(&mut tx, id).await?;
            let taken: Vec<&Seat> = seats
                .iter()
                .filter(|s| s.state != SeatState::Vacant)
                .collect();
            taken_seats_block(&taken, SeatLosingChange::WorkLocationDeletion)?;
            let mut d = delete(&location, &ctx);
            d.ops
                .extend(seats.iter().map(|s| Op::Delete(RecordKey::Seat(s.id))));
            for mut e in elections
                .into_iter()
                .filter(|e| e.work_locations.contains(&id))
            {
                e.work_locations.remove(&id);
                d.ops.push(Op::Put(Record::Election(e)));
            }
            (d, ())
        });
        Ok(())
    }

    /// Every work location, in Danish order of title.
    pub async fn work_locations(&self, actor: &Actor) -> Result<Vec<WorkLocation>> {
        self.authorize(actor, Permission::ReadMasterData)?;
        let mut all = Tx::reader(self).all::<WorkLocation>().await?;
        sort_danish_by(&mut all, |l| l.title.as_str());
        Ok(all)
    }

    fn parse_task_type(id: TaskTypeId, d: &TaskTypeDraft) -> Result<TaskType> {
        Ok(TaskType {
            id,
            title: Name::parse_field(&d.title, "title", "titel")?,
            short_name: ShortName::parse_field(&d.short_name, "short name", "kort navn")?,
            description: d.description.trim().to_owned(),
            window: d.window,
            payment: d.payment.map(Ore::check_payment).transpose()?,
            trust: d.trust,
            check_eligibility: d.check_eligibility,
            reminders: d.reminders,
            chair: Some(d.chair),
        })
    }

    /// Creates a task type.
    pub async fn create_task_type(&self, actor: &Actor, draft: TaskTypeDraft) -> Result<TaskType> {
        self.authorize(actor, Permission::EditMasterData)?;
        let tt = Self::parse_task_type(TaskTypeId::new(), &draft)?;
        let ctx = self.ctx(actor);
        transact!(self, |tx| {
            if tx.all::<TaskType>().await?.iter().any(|t| {
                same_name(t.title.as_str(), tt.title.as_str())
                    && same_name(t.short_name.as_str(), tt.short_name.as_str())
            }) {
                return Err(name_taken(RecordKind::TaskType, tt.title.as_str()));
            }
            (
                put(tt.clone(), audit_put(&ctx, &tt, AuditAction::Create)),
                (),
            )
        });
        Ok(tt)
    }

    /// Edits a task type. Its times move every seat's window (no seat is deleted); a change of
    /// times that would make anyone hold two overlapping seats is refused with every such person
    /// and pair of seats (`double-booked`), and changes nothing.
    pub async fn edit_task_type(
        &self,
        actor: &Actor,
        id: TaskTypeId,
        draft: TaskTypeDraft,
    ) -> Result<TaskType> {
        self.authorize(actor, Permission::EditMasterData)?;
        let tt = Self::parse_task_type(id, &draft)?;
        let ctx = self.ctx(actor);
        transact!(self, |tx| {
            let old = tx.get::<TaskType>(id).await?;
            if old.window != tt.window {
                Refused::check(window_change_conflicts(&mut tx, &tt).await?)?;
            }
            (put(tt.clone(), audit_put(&ctx, &tt, AuditAction::Edit)), ())
        });
        Ok(tt)
    }

    /// Deletes a task type: refused while any seat of it is taken; its vacant seats are deleted
    /// and it leaves every work location.
    pub async fn delete_task_type(&self, actor: &Actor, id: TaskTypeId) -> Result<()> {
        self.authorize(actor, Permission::EditMasterData)?;
        let ctx = self.ctx(actor);
        transact!(self, |tx| {
            let tt = tx.get::<TaskType>(id).await?;
            let mut d = delete(&tt, &ctx);
            self.detach_from_locations(
                &mut tx,
                &mut d,
                |s| s.slot.task_type == id,
                |l| l.task_types.remove(&id),
            )
            .await?;
            (d, ())
        });
        Ok(())
    }

    /// Removes seats matching `of` (refusing taken ones) and edits locations with `edit`.
    async fn detach_from_locations(
        &self,
        tx: &mut Tx<'_>,
        d: &mut Decision,
        of: impl Fn(&Seat) -> bool,
        edit: impl Fn(&mut WorkLocation) -> bool,
    ) -> Result<()> {
        let mut affected = Vec::new();
        for election in tx.all::<Election>().await? {
            affected.extend(
                tx.query::<Seat>(&Query::SeatsOfElection(election.id))
                    .await?
                    .into_iter()
                    .filter(|s| of(s)),
            );
        }
        let taken: Vec<&Seat> = affected
            .iter()
            .filter(|s| s.state != SeatState::Vacant)
            .collect();
        taken_seats_block(&taken, SeatLosingChange::Deletion)?;
        d.ops
            .extend(affected.iter().map(|s| Op::Delete(RecordKey::Seat(s.id))));
        for mut l in tx.all::<WorkLocation>().await? {
            if edit(&mut l) {
                d.ops.push(Op::Put(Record::WorkLocation(l)));
            }
        }
        Ok(())
    }

    /// Every task type, in Danish order.
    pub async fn task_types(&self, actor: &Actor) -> Result<Vec<TaskType>> {
        self.authorize(actor, Permission::ReadMasterData)?;
        let mut all = Tx::reader(self).all::<TaskType>().await?;
        sort_danish_by(&mut all, |t| t.title.as_str());
        Ok(all)
    }

    /// Creates a team.
    pub async fn create_team(&self, actor: &Actor, draft: TeamDraft) -> Result<Team> {
        self.authorize(actor, Permission::EditMasterData)?;
        let team = Team {
            id: TeamId::new(),
            name: Name::parse_field(&draft.name, "team name", "teamnavn")?,
            short_name: ShortName::parse_field(&draft.short_name, "short name", "kort navn")?,
            kind: draft.kind,
            description: draft.description.trim().to_owned(),
            responsibles: Default::default(),
            responsibles_may_link_trusted: false,
        };
        let ctx = self.ctx(actor);
        transact!(self, |tx| {
            ensure_unique_name::<Team>(&mut tx, team.key(), team.name.as_str()).await?;
            (
                put(team.clone(), audit_put(&ctx, &team, AuditAction::Create)),
                (),
            )
        });
        Ok(team)
    }

    /// Renames a team or changes its short name, kind or description.
    pub async fn edit_team(&self, actor: &Actor, id: TeamId, draft: TeamDraft) -> Result<Team> {
        self.authorize(actor, Permission::EditMasterData)?;
        let name = Name::parse_field(&draft.name, "team name", "teamnavn")?;
        let short_name = ShortName::parse_field(&draft.short_name, "short name", "kort navn")?;
        let (kind, description) = (draft.kind, draft.description.trim().to_owned());
        let ctx = self.ctx(actor);
        Ok(transact!(self, |tx| {
            let mut team = tx.get::<Team>(id).await?;
            ensure_unique_name::<Team>(&mut tx, Team::key_of(id), name.as_str()).await?;
            team.name = name.clone();
            team.short_name = short_name.clone();
            team.kind = kind;
            team.description = description.clone();
            (
                put(team.clone(), audit_put(&ctx, &team, AuditAction::Edit)),
                team,
            )
        }))
    }

    /// Makes `participant` a responsible (party secretary) of `team` with `scope`, or removes
    /// them (`None`). Responsibles are not automatically members.
    pub async fn set_team_responsible(
        &self,
        actor: &Actor,
        team: TeamId,
        participant: ParticipantId,
        scope: Option<LocationScope>,
    ) -> Result<()> {
        self.authorize(actor, Permission::EditMasterData)?;
        let ctx = self.ctx(actor);
        transact!(self, |tx| {
            let mut t = tx.get::<Team>(team).await?;
            tx.get::<Participant>(participant).await?;
            match &scope {
                Some(scope) => t.responsibles.insert(participant, scope.clone()),
                None => t.responsibles.remove(&participant),
            };
            let audit = ctx.audit(
                AuditAction::Edit,
                RecordKey::Team(team),
                Some(participant),
                None,
                AuditEvent::TeamResponsible {
                    team,
                    granted: scope.is_some(),
                },
            );
            (put(t, audit), ())
        });
        Ok(())
    }

    /// Deletes a team: refused while any of its seats is taken or while a member has no other
    /// team; its vacant seats are deleted and it leaves every work location and membership.
    pub async fn delete_team(&self, actor: &Actor, id: TeamId) -> Result<()> {
        self.authorize(actor, Permission::EditMasterData)?;
        let ctx = self.ctx(actor);
        transact!(self, |tx| {
            let team = tx.get::<Team>(id).await?;
            let members = tx.query::<Participant>(&Query::MembersOfTeam(id)).await?;
            if let Some(p) = members.iter().find(|p| p.teams.len() == 1) {
                return Err(Conflict::MemberHasNoOtherTeam {
                    member: p.full_name(),
                }
                .into());
            }
            let mut d = delete(&team, &ctx);
            self.detach_from_locations(
                &mut tx,
                &mut d,
                |s| s.slot.team == id,
                |l| l.teams.remove(&id),
            )
            .await?;
            for mut p in members {
                p.teams.remove(&id);
                d.ops.push(Op::Put(Record::Participant(p)));
            }
            (d, ())
        });
        Ok(())
    }

    /// Every team, in Danish order.
    pub async fn teams(&self, actor: &Actor) -> Result<Vec<Team>> {
        self.authorize(actor, Permission::ReadMasterData)?;
        let mut all = Tx::reader(self).all::<Team>().await?;
        sort_danish_by(&mut all, |t| t.name.as_str());
        Ok(all)
    }

    /// Creates a special diet.
    pub async fn create_special_diet(
        &self,
        actor: &Actor,
        draft: SpecialDietDraft,
    ) -> Result<SpecialDiet> {
        self.authorize(actor, Permission::EditMasterData)?;
        let diet = SpecialDiet {
            id: SpecialDietId::new(),
            title: Name::parse_field(&draft.title, "special diet", "specialkost")?,
        };
        let ctx = self.ctx(actor);
        transact!(self, |tx| {
            ensure_unique_name::<SpecialDiet>(&mut tx, diet.key(), diet.title.as_str()).await?;
            (
                put(diet.clone(), audit_put(&ctx, &diet, AuditAction::Create)),
                (),
            )
        });
        Ok(diet)
    }

    /// Renames a special diet (names are unique, ignoring case).
    pub async fn edit_special_diet(
        &self,
        actor: &Actor,
        id: SpecialDietId,
        title: &str,
    ) -> Result<SpecialDiet> {
        self.authorize(actor, Permission::EditMasterData)?;
        let title = Name::parse_field(title, "special diet", "specialkost")?;
        let ctx = self.ctx(actor);
        Ok(transact!(self, |tx| {
            let mut diet = tx.get::<SpecialDiet>(id).await?;
            ensure_unique_name::<SpecialDiet>(&mut tx, SpecialDiet::key_of(id), title.as_str())
                .await?;
            diet.title = title.clone();
            (
                put(diet.clone(), audit_put(&ctx, &diet, AuditAction::Edit)),
                diet,
            )
        }))
    }

    /// Deletes a special diet and removes it from every participant.
    pub async fn delete_special_diet(&self, actor: &Actor, id: SpecialDietId) -> Result<()> {
        self.authorize(actor, Permission::EditMasterData)?;
        let ctx = self.ctx(actor);
        transact!(self, |tx| {
            let diet = tx.get::<SpecialDiet>(id).await?;
            let mut d = delete(&diet, &ctx);
            for mut p in tx.all::<Participant>().await? {
                if p.special_diets.remove(&id) {
                    d.ops.push(Op::Put(Record::Participant(p)));
                }
            }
            (d, ())
        });
        Ok(())
    }

    /// Every special diet, in Danish order.
    pub async fn special_diets(&self, actor: &Actor) -> Result<Vec<SpecialDiet>> {
        self.authorize(actor, Permission::ReadMasterData)?;
        let mut all = Tx::reader(self).all::<SpecialDiet>().await?;
        sort_danish_by(&mut all, |s| s.title.as_str());
        Ok(all)
    }

    /// Creates an election type with the draft's rules (`None`: the law's defaults for its
    /// kind).
    pub async fn create_election_type(
        &self,
        actor: &Actor,
        draft: ElectionTypeDraft,
    ) -> Result<ElectionType> {
        self.authorize(actor, Permission::EditMasterData)?;
        let title = Name::parse_field(&draft.title, "title", "titel")?;
        let mut et = ElectionType::with_default_rules(title, draft.kind);
        if let Some(rules) = draft.rules {
            et.rules = rules;
        }
        let ctx = self.ctx(actor);
        transact!(self, |tx| {
            let _ = &mut tx;
            (
                put(et.clone(), audit_put(&ctx, &et, AuditAction::Create)),
                (),
            )
        });
        Ok(et)
    }

    /// Changes an election type's rules (they apply at the next check of each seat).
    pub async fn edit_election_type(
        &self,
        actor: &Actor,
        id: ElectionTypeId,
        title: &str,
        rules: BTreeSet<EligibilityRule>,
    ) -> Result<ElectionType> {
        self.authorize(actor, Permission::EditMasterData)?;
        let title = Name::parse_field(title, "title", "titel")?;
        let ctx = self.ctx(actor);
        Ok(transact!(self, |tx| {
            let mut et = tx.get::<ElectionType>(id).await?;
            et.title = title.clone();
            et.rules = rules.clone();
            (put(et.clone(), audit_put(&ctx, &et, AuditAction::Edit)), et)
        }))
    }

    /// Deletes an election type no election uses.
    pub async fn delete_election_type(&self, actor: &Actor, id: ElectionTypeId) -> Result<()> {
        self.authorize(actor, Permission::EditMasterData)?;
        let ctx = self.ctx(actor);
        transact!(self, |tx| {
            let et = tx.get::<ElectionType>(id).await?;
            if tx
                .all::<Election>()
                .await?
                .iter()
                .any(|e| e.election_type == id)
            {
                return Err(Conflict::ElectionTypeInUse {
                    election_type: et.title.to_string(),
                }
                .into());
            }
            (delete(&et, &ctx), ())
        });
        Ok(())
    }

    /// Every election type, in Danish order.
    pub async fn election_types(&self, actor: &Actor) -> Result<Vec<ElectionType>> {
        self.authorize(actor, Permission::ReadMasterData)?;
        let mut all = Tx::reader(self).all::<ElectionType>().await?;
        sort_danish_by(&mut all, |t| t.title.as_str());
        Ok(all)
    }
}

/// The double bookings giving `changed` its (new) window would create, as refusals naming the
/// people and seats: the seats of everyone holding a seat of the task type, in every election.
async fn window_change_conflicts(tx: &mut Tx<'_>, changed: &TaskType) -> Result<Vec<Violation>> {
    let mut holders = BTreeSet::new();
    for election in tx.all::<Election>().await? {
        for seat in tx
            .query::<Seat>(&Query::SeatsOfElection(election.id))
            .await?
        {
            if seat.slot.task_type == changed.id
                && let Some(p) = seat.state.participant()
            {
                holders.insert(p);
            }
        }
    }
    let mut seats = Vec::new();
    for p in &holders {
        seats.extend(tx.query::<Seat>(&Query::SeatsOfParticipant(*p)).await?);
    }
    let mut task_types: BTreeMap<TaskTypeId, TaskType> = tx
        .all::<TaskType>()
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    task_types.insert(changed.id, changed.clone());
    let held: Vec<(&Seat, &TaskType)> = seats
        .iter()
        .filter_map(|s| task_types.get(&s.slot.task_type).map(|t| (s, t)))
        .collect();
    let overlaps = booking::overlaps_after_window_change(changed.id, changed.window, &held);
    let mut violations = Vec::with_capacity(overlaps.len());
    for overlap in overlaps {
        let name = tx
            .get::<Participant>(overlap.participant)
            .await?
            .full_name();
        let mut labels = Vec::with_capacity(2);
        for id in overlap.seats {
            let Some(seat) = seats.iter().find(|s| s.id == id) else {
                continue;
            };
            let location = tx.get::<WorkLocation>(seat.slot.work_location).await?;
            if let Some(tt) = task_types.get(&seat.slot.task_type) {
                labels.push(lifecycle::seat_label(seat, tt, &location));
            }
        }
        if let Ok(seats) = <[SeatLabel; 2]>::try_from(labels) {
            violations.push(Violation::EditCreatesDoubleBooking {
                participant: overlap.participant,
                name,
                seats: Box::new(seats),
            });
        }
    }
    Ok(violations)
}

fn put<E: Entity>(e: E, audit: crate::model::AuditEntry) -> Decision {
    Decision {
        ops: vec![Op::Put(e.into_record())],
        messages: vec![],
        audit: vec![audit],
    }
}

fn delete<E: Entity>(e: &E, ctx: &Ctx) -> Decision {
    Decision {
        ops: vec![Op::Delete(e.key())],
        messages: vec![],
        audit: vec![ctx.audit(
            AuditAction::Delete,
            e.key(),
            None,
            None,
            AuditEvent::Deleted(E::KIND),
        )],
    }
}
