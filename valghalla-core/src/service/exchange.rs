//! Imports and exports (issue 9): the service side of [`crate::exchange`].
//!
//! An import validates every row first, looks the new people up in the CPR registry in
//! batches, and writes every good row in **one** change set (with the versions it loaded as
//! preconditions, retried from scratch on a conflict), together with its audit entries. An
//! export builds its table, then writes its audit entries (an `Export` entry, and a
//! `CprAccess` entry per person whose full CPR number it shows) before returning the table.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::cpr::Cpr;
use crate::exchange::{
    ImportCatalog, ImportMode, ImportProgress, ImportReport, ListColumn, ParticipantInput,
    RoleMapping, RowError, Table, list_table, participants_table, party_status, party_status_table,
    payroll, payroll_table, valg_central_rows, valg_central_table, validate_participants,
    validate_work_locations,
};
use crate::ids::{ElectionId, ParticipantId, TeamId, WorkLocationId};
use crate::model::{
    Address, Area, AuditAction, AuditEntry, AuditSubject, Election, Exported, Imported, Op,
    Participant, PersonRecord, Record, RecordKey, Seat, SeatStatus, SpecialDiet, Team,
    WorkLocation,
};
use crate::model::{AuditEvent, CprLookup, ImportCounts};
use crate::rules::Decision;
use crate::rules::access::{Actor, Permission, authorize};
use crate::store::{ChangeSet, Query};

use super::seat_filter::ParticipantFilter;
use super::tx::Tx;
use super::{RegistryError, Result, Valghalla, transact};

/// How many numbers one registry call looks up.
const LOOKUP_BATCH: usize = 500;

/// A progress callback that ignores everything.
fn no_progress(_: ImportProgress) {}

fn merged(p: &Participant, g: &ParticipantInput) -> Participant {
    let mut q = p.clone();
    if let Some(m) = g.mobile {
        q.contact.mobile = Some(m);
    }
    if let Some(e) = &g.email {
        q.contact.email = Some(e.clone());
    }
    if let Some(d) = &g.special_diets {
        q.special_diets = d.clone();
    }
    if let Some(l) = g.preferred_work_location {
        q.preferred_work_location = Some(l);
    }
    q.teams.extend(g.teams.iter().copied());
    q
}

/// What an import's audit entry calls it: a preview says so.
fn summary(report: &ImportReport, what: Imported, mode: ImportMode) -> AuditEvent<'static> {
    AuditEvent::Import {
        what,
        preview: mode == ImportMode::Preview,
        counts: ImportCounts {
            imported: report.imported,
            updated: report.updated,
            unchanged: report.unchanged,
            rejected: report.rejected.len(),
            written: report.written,
        },
    }
}

impl Valghalla {
    /// Imports participants from `table` (see [`crate::exchange`] for the columns and how
    /// existing participants are updated). Every bad row is reported; the good ones are
    /// written in one atomic change — or none when `mode` is [`ImportMode::AllOrNothing`] and
    /// a row is bad. New people are looked up in the registry in batches; a person the registry
    /// does not know is a row error, an unavailable registry fails the whole import.
    pub async fn import_participants(
        &self,
        actor: &Actor,
        table: &Table,
        mode: ImportMode,
    ) -> Result<ImportReport> {
        self.import_participants_with_progress(actor, table, mode, &no_progress)
            .await
    }

    /// [`Valghalla::import_participants`], reporting progress to `progress`.
    pub async fn import_participants_with_progress(
        &self,
        actor: &Actor,
        table: &Table,
        mode: ImportMode,
        progress: &(dyn Fn(ImportProgress) + Sync),
    ) -> Result<ImportReport> {
        self.authorize(actor, Permission::CreateParticipant)?;
        let ctx = self.ctx(actor);
        // Registry answers survive a retry after a conflict.
        let mut found: HashMap<Cpr, PersonRecord> = HashMap::new();
        let mut unknown: HashSet<Cpr> = HashSet::new();
        let report = transact!(self, |tx| {
            let teams = tx.all::<Team>().await?;
            let diets = tx.all::<SpecialDiet>().await?;
            let locations = tx.all::<WorkLocation>().await?;
            let catalog = ImportCatalog::new(&teams, &diets, &locations, &[]);
            let (good, mut rejected) = validate_participants(table, &catalog)?;
            progress(ImportProgress::Validated {
                done: table.rows.len(),
                total: table.rows.len(),
            });
            let existing: HashMap<Cpr, Participant> = tx
                .all::<Participant>()
                .await?
                .into_iter()
                .map(|p| (p.cpr, p))
                .collect();
            let give_up = mode == ImportMode::AllOrNothing && !rejected.is_empty();
            let wanted: Vec<Cpr> = if give_up {
                vec![]
            } else {
                good.iter()
                    .map(|g| g.cpr)
                    .filter(|c| {
                        !existing.contains_key(c) && !found.contains_key(c) && !unknown.contains(c)
                    })
                    .collect()
            };
            let mut looked_up = 0usize;
            for batch in wanted.chunks(LOOKUP_BATCH) {
                let answers = self.registry.lookup_many(batch).await;
                for (cpr, answer) in batch.iter().zip(answers) {
                    match answer {
                        Ok(person) => {
                            found.insert(*cpr, person);
                        }
                        Err(RegistryError::NotFound(_)) => {
                            unknown.insert(*cpr);
                        }
                        Err(e @ RegistryError::Unavailable(_)) => return Err(e.into()),
                    }
                }
                looked_up += batch.len();
                progress(ImportProgress::LookedUp {
                    done: looked_up,
                    total: wanted.len(),
                });
            }
            let mut report = ImportReport::default();
            let mut ops = Vec::new();
            let mut audit = Vec::new();
            if !give_up {
                for g in &good {
                    if let Some(p) = existing.get(&g.cpr) {
                        let q = merged(p, g);
                        if q == *p {
                            report.unchanged += 1;
                        } else {
                            report.updated += 1;
                            audit.push(ctx.audit(
                                AuditAction::Edit,
                                RecordKey::Participant(q.id),
                                Some(q.id),
                                None,
                                AuditEvent::ImportedRecord {
                                    what: Imported::Participants,
                                    created: false,
                                },
                            ));
                            ops.push(Op::Put(Record::Participant(q)));
                        }
                    } else if let Some(person) = found.get(&g.cpr) {
                        let p = Participant {
                            id: ParticipantId::new(),
                            cpr: g.cpr,
                            person: person.clone(),
                            contact: crate::model::Contact {
                                mobile: g.mobile,
                                email: g.email.clone(),
                            },
                            special_diets: g.special_diets.clone().unwrap_or_default(),
                            teams: g.teams.clone(),
                            preferred_work_location: g.preferred_work_location,
                            last_validated_at: Some(ctx.now),
                            consent: None,
                            created_at: ctx.now,
                        };
                        report.imported += 1;
                        audit.push(ctx.audit(
                            AuditAction::CprAccess,
                            RecordKey::Participant(p.id),
                            Some(p.id),
                            None,
                            AuditEvent::CprLookedUp(CprLookup::Import),
                        ));
                        audit.push(ctx.audit(
                            AuditAction::Create,
                            RecordKey::Participant(p.id),
                            Some(p.id),
                            None,
                            AuditEvent::ImportedRecord {
                                what: Imported::Participants,
                                created: true,
                            },
                        ));
                        ops.push(Op::Put(Record::Participant(p)));
                    } else {
                        rejected.push(RowError {
                            line: g.line,
                            column: crate::exchange::columns::CPR.name_da.to_owned(),
                            reason_da: format!(
                                "CPR-registret kender ikke personen med CPR-nummeret {}",
                                g.cpr.masked()
                            ),
                        });
                    }
                }
            }
            rejected.sort_by_key(|e| e.line);
            if mode == ImportMode::AllOrNothing && !rejected.is_empty() {
                ops.clear();
                audit.retain(|a| a.action == AuditAction::CprAccess);
                report.imported = 0;
                report.updated = 0;
                report.unchanged = 0;
            }
            report.rejected = rejected;
            if mode == ImportMode::Preview {
                ops.clear();
            }
            report.written = !ops.is_empty();
            if !wanted.is_empty() && !report.written {
                audit.push(ctx.audit(
                    AuditAction::CprAccess,
                    AuditSubject::Import(Imported::Participants),
                    None,
                    None,
                    AuditEvent::CprLookupsByImport(wanted.len()),
                ));
                audit.retain(|a| matches!(a.subject, AuditSubject::Import(_)));
            }
            audit.push(ctx.audit(
                AuditAction::Create,
                AuditSubject::Import(Imported::Participants),
                None,
                None,
                summary(&report, Imported::Participants, mode),
            ));
            progress(ImportProgress::Writing);
            (
                Decision {
                    ops,
                    messages: vec![],
                    audit,
                },
                report,
            )
        });
        Ok(report)
    }

    /// Imports work locations from `table`, matched by title (case-insensitively): new titles
    /// are created (without teams or task types; add those in the location's settings),
    /// existing ones get the file's address, area and afstemningsområde number. One atomic
    /// change, like [`Valghalla::import_participants`].
    pub async fn import_work_locations(
        &self,
        actor: &Actor,
        table: &Table,
        mode: ImportMode,
    ) -> Result<ImportReport> {
        self.authorize(actor, Permission::EditMasterData)?;
        let ctx = self.ctx(actor);
        let report = transact!(self, |tx| {
            let areas = tx.all::<Area>().await?;
            let locations = tx.all::<WorkLocation>().await?;
            let catalog = ImportCatalog::new(&[], &[], &[], &areas);
            let (good, rejected) = validate_work_locations(table, &catalog)?;
            let by_title: HashMap<String, &WorkLocation> = locations
                .iter()
                .map(|l| (l.title.as_str().to_lowercase(), l))
                .collect();
            let mut report = ImportReport::default();
            let mut ops = Vec::new();
            let mut audit = Vec::new();
            if mode != ImportMode::AllOrNothing || rejected.is_empty() {
                for g in &good {
                    let address = Address {
                        street: g.street.clone(),
                        postal_code: g.postal_code,
                        city: g.city.clone(),
                    };
                    match by_title.get(&g.title.as_str().to_lowercase()) {
                        Some(old) => {
                            let mut l = (*old).clone();
                            l.title = g.title.clone();
                            l.address = address;
                            l.area = g.area;
                            l.voting_area = g.voting_area;
                            if l == **old {
                                report.unchanged += 1;
                            } else {
                                report.updated += 1;
                                audit.push(ctx.audit(
                                    AuditAction::Edit,
                                    RecordKey::WorkLocation(l.id),
                                    None,
                                    None,
                                    AuditEvent::ImportedRecord {
                                        what: Imported::WorkLocations,
                                        created: false,
                                    },
                                ));
                                ops.push(Op::Put(Record::WorkLocation(l)));
                            }
                        }
                        None => {
                            let l = WorkLocation {
                                id: WorkLocationId::new(),
                                area: g.area,
                                title: g.title.clone(),
                                address,
                                voting_area: g.voting_area,
                                teams: BTreeSet::new(),
                                task_types: BTreeSet::new(),
                                responsibles: BTreeSet::new(),
                                coordinates: None,
                            };
                            report.imported += 1;
                            audit.push(ctx.audit(
                                AuditAction::Create,
                                RecordKey::WorkLocation(l.id),
                                None,
                                None,
                                AuditEvent::ImportedRecord {
                                    what: Imported::WorkLocations,
                                    created: true,
                                },
                            ));
                            ops.push(Op::Put(Record::WorkLocation(l)));
                        }
                    }
                }
            }
            report.rejected = rejected;
            if mode == ImportMode::Preview {
                ops.clear();
            }
            report.written = !ops.is_empty();
            audit.push(ctx.audit(
                AuditAction::Create,
                AuditSubject::Import(Imported::WorkLocations),
                None,
                None,
                summary(&report, Imported::WorkLocations, mode),
            ));
            (
                Decision {
                    ops,
                    messages: vec![],
                    audit,
                },
                report,
            )
        });
        Ok(report)
    }

    /// Writes the audit entries of an export: one `Export` entry, and one `CprAccess` entry per
    /// person whose full CPR number the export shows.
    async fn audit_export(
        &self,
        actor: &Actor,
        what: Exported,
        election: Option<ElectionId>,
        rows: usize,
        cpr_shown: impl IntoIterator<Item = ParticipantId>,
    ) -> Result<()> {
        let ctx = self.ctx(actor);
        let mut audit: Vec<AuditEntry> = cpr_shown
            .into_iter()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(|p| {
                ctx.audit(
                    AuditAction::CprAccess,
                    RecordKey::Participant(p),
                    Some(p),
                    election,
                    AuditEvent::FullCprExported(what),
                )
            })
            .collect();
        audit.push(ctx.audit(
            AuditAction::Export,
            AuditSubject::Export(what),
            None,
            election,
            AuditEvent::Export { what, rows },
        ));
        self.store
            .apply(ChangeSet {
                changes: vec![],
                audit,
                messages: vec![],
            })
            .await?;
        Ok(())
    }

    /// Full CPR numbers (`DDMMYY-XXXX`) of `ids`.
    async fn full_cprs(
        &self,
        ids: impl IntoIterator<Item = ParticipantId>,
    ) -> Result<HashMap<ParticipantId, String>> {
        let ids: HashSet<ParticipantId> = ids.into_iter().collect();
        Ok(Tx::new(self)
            .all::<Participant>()
            .await?
            .into_iter()
            .filter(|p| ids.contains(&p.id))
            .map(|p| (p.id, p.cpr.reveal_dashed()))
            .collect())
    }

    /// Every participant in the participant import's format (with full CPR numbers, so
    /// secretariat administrators only), for re-import elsewhere or a backup. Audit-logged.
    pub async fn export_participants(&self, actor: &Actor) -> Result<Table> {
        self.authorize(actor, Permission::ReadFullCpr)?;
        self.authorize(actor, Permission::ExportLists)?;
        let mut tx = Tx::new(self);
        let participants = tx.all::<Participant>().await?;
        let table = participants_table(
            &participants,
            &tx.all::<Team>().await?,
            &tx.all::<SpecialDiet>().await?,
            &tx.all::<WorkLocation>().await?,
        );
        self.audit_export(
            actor,
            Exported::Participants,
            None,
            table.rows.len(),
            participants.iter().map(|p| p.id),
        )
        .await?;
        Ok(table)
    }

    /// The participant list (*deltagerliste*) of an election with the chosen `columns`.
    /// [`ListColumn::Cpr`] is refused (`Error::Denied` for `ReadFullCpr`) unless the actor may
    /// see full CPR numbers. Audit-logged, with every CPR number shown.
    pub async fn export_participant_list(
        &self,
        actor: &Actor,
        election: ElectionId,
        filter: &ParticipantFilter,
        columns: &[ListColumn],
    ) -> Result<Table> {
        let with_cpr = columns.contains(&ListColumn::Cpr);
        if with_cpr {
            self.authorize(actor, Permission::ReadFullCpr)?;
        }
        self.authorize(actor, Permission::ExportLists)?;
        let rows = self.participant_list(actor, election, filter).await?;
        let cprs = if with_cpr {
            self.full_cprs(rows.iter().map(|r| r.participant)).await?
        } else {
            HashMap::new()
        };
        let table = list_table(&rows, columns, &cprs);
        self.audit_export(
            actor,
            Exported::ParticipantList,
            Some(election),
            table.rows.len(),
            cprs.keys().copied(),
        )
        .await?;
        Ok(table)
    }

    /// The payroll list of an election: each person with accepted seats, their tasks, the
    /// payment for each and the total, in Danish order of name, from what happened on the day
    /// (a no-show unpaid and listed, leaving early marked, a reserve who stepped in paid); with full CPR numbers when
    /// `with_cpr` (which needs the right to see them). Audit-logged.
    pub async fn export_payroll(
        &self,
        actor: &Actor,
        election: ElectionId,
        with_cpr: bool,
    ) -> Result<Table> {
        if with_cpr {
            self.authorize(actor, Permission::ReadFullCpr)?;
        }
        self.authorize(actor, Permission::ExportLists)?;
        let filter = ParticipantFilter {
            statuses: [SeatStatus::Accepted].into(),
            ..ParticipantFilter::default()
        };
        let rows = self.participant_list(actor, election, &filter).await?;
        let attendance = self.payroll_attendance(election).await?;
        let cprs = if with_cpr {
            let ids = rows.iter().map(|r| r.participant);
            Some(
                self.full_cprs(ids.chain(attendance.names.keys().copied()))
                    .await?,
            )
        } else {
            None
        };
        let people = payroll(&rows, &attendance, cprs.as_ref());
        let table = payroll_table(&people, with_cpr);
        self.audit_export(
            actor,
            Exported::Payroll,
            Some(election),
            table.rows.len(),
            cprs.iter().flat_map(|c| c.keys().copied()),
        )
        .await?;
        Ok(table)
    }

    /// The file for KMD Valg Central ("Eksport til valgsystemet"): accepted seats at polling
    /// areas, with the national role from `roles`, name, birth date, afstemningsområde number
    /// and CPR number as `DDMMYY-XXXX`. Write it with
    /// [`crate::exchange::CsvOptions::excel_da`]. Needs the right to see full CPR numbers;
    /// audit-logged.
    pub async fn export_valg_central(
        &self,
        actor: &Actor,
        election: ElectionId,
        roles: &RoleMapping,
    ) -> Result<Table> {
        self.authorize(actor, Permission::ReadFullCpr)?;
        self.authorize(actor, Permission::ExportLists)?;
        let filter = ParticipantFilter {
            statuses: [SeatStatus::Accepted].into(),
            ..ParticipantFilter::default()
        };
        let rows = self.participant_list(actor, election, &filter).await?;
        let cprs = self.full_cprs(rows.iter().map(|r| r.participant)).await?;
        let lines = valg_central_rows(&rows, roles, &cprs);
        let table = valg_central_table(&lines);
        self.audit_export(
            actor,
            Exported::ValgCentral,
            Some(election),
            table.rows.len(),
            lines.iter().map(|l| l.participant),
        )
        .await?;
        Ok(table)
    }

    /// Each party's (team's) status in an election: seats, filled, unanswered, vacant and the
    /// names of the people in its seats. Whoever may export lists gets every team; otherwise
    /// the actor gets the teams whose members they may read (a party secretary their own
    /// party, a secretariat reader every team). No CPR numbers. Audit-logged.
    pub async fn export_party_status(&self, actor: &Actor, election: ElectionId) -> Result<Table> {
        let mut tx = Tx::new(self);
        tx.get::<Election>(election).await?;
        let mut teams = tx.all::<Team>().await?;
        if authorize(actor, &Permission::ExportLists).is_err() {
            teams.retain(|t| authorize(actor, &Permission::ReadTeamMembers { team: t.id }).is_ok());
            if teams.is_empty() {
                self.authorize(actor, Permission::ExportLists)?;
            }
        }
        self.party_status_of(actor, &mut tx, election, &teams).await
    }

    /// One team's status in an election (the row of [`Valghalla::export_party_status`] for
    /// that team, or only the header when it has no seats), for whoever may read the team's
    /// members: its own party secretaries (whatever their stations) and the secretariat.
    /// Audit-logged.
    pub async fn export_team_status(
        &self,
        actor: &Actor,
        election: ElectionId,
        team: TeamId,
    ) -> Result<Table> {
        self.authorize(actor, Permission::ReadTeamMembers { team })?;
        let mut tx = Tx::new(self);
        tx.get::<Election>(election).await?;
        let team = tx.get::<Team>(team).await?;
        self.party_status_of(actor, &mut tx, election, &[team])
            .await
    }

    /// The status table of `teams` in `election`, audit-logged as an export by `actor`.
    async fn party_status_of(
        &self,
        actor: &Actor,
        tx: &mut Tx<'_>,
        election: ElectionId,
        teams: &[Team],
    ) -> Result<Table> {
        let seats = tx.query::<Seat>(&Query::SeatsOfElection(election)).await?;
        let names: HashMap<ParticipantId, String> = tx
            .all::<Participant>()
            .await?
            .into_iter()
            .map(|p| (p.id, p.full_name()))
            .collect();
        let status = party_status(teams, &seats, &names);
        let table = party_status_table(&status);
        self.audit_export(
            actor,
            Exported::PartyStatus,
            Some(election),
            table.rows.len(),
            [],
        )
        .await?;
        Ok(table)
    }
}
