//! What an audit entry says happened, worded in Danish for the secretariat in one place.
//!
//! Every command names its event here ([`AuditEvent`]) and [`Ctx::audit`](crate::rules::Ctx)
//! writes [`AuditEvent::description`] into the entry, so the log reads the same everywhere and
//! a new wording is one change. The words carry what the English entries of earlier versions
//! carried — ids, titles and counts — and never a CPR number; those entries stay as stored.

use chrono::{DateTime, NaiveDate, Utc};

use crate::ids::{ElectionId, ParticipantId, SeatId, TeamId, WorkLocationId};
use crate::model::{AttendanceStatus, Exported, Imported, RecordKind};
use crate::time::{format_date, format_local_time, local_date};

/// How a seat changed hands (an entry of [`AuditEvent::Seat`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SeatChange {
    /// The secretariat invited the participant.
    Invited,
    /// The invitation was sent again by a team responsible.
    InvitationSentAgain,
    /// The participant accepted the invitation.
    AcceptedInvitation,
    /// The secretariat accepted for the participant.
    AcceptedOnBehalf,
    /// The participant took a vacant seat through a link.
    TookVacantSeat,
    /// A team responsible placed a member.
    PlacedByTeamResponsible,
    /// A reserve took the seat on election day.
    TookAsReserve,
    /// The secretariat declined for the participant.
    DeclinedOnBehalf,
    /// The participant declined the invitation.
    DeclinedInvitation,
    /// The participant withdrew.
    Withdrew,
    /// The secretariat removed the participant.
    RemovedBySecretariat,
    /// A team responsible removed the participant.
    RemovedByTeamResponsible,
    /// Re-validation found the participant no longer eligible.
    RemovedAfterRevalidation,
    /// The participant was deleted.
    RemovedParticipantDeleted,
    /// An invitation reminder was queued.
    InvitationReminderQueued,
    /// A task reminder was queued.
    TaskReminderQueued,
    /// The secretariat moved the participant to another seat.
    MovedAway,
}

impl SeatChange {
    fn da(self) -> &'static str {
        match self {
            SeatChange::Invited => "Inviteret",
            SeatChange::InvitationSentAgain => "Invitationen sendt igen",
            SeatChange::AcceptedInvitation => "Sagde ja til invitationen",
            SeatChange::AcceptedOnBehalf => "Sagt ja på deltagerens vegne",
            SeatChange::TookVacantSeat => "Tog en ledig plads",
            SeatChange::PlacedByTeamResponsible => "Placeret af en teamansvarlig",
            SeatChange::TookAsReserve => "Tog pladsen som reserve",
            SeatChange::DeclinedOnBehalf => "Sagt nej på deltagerens vegne",
            SeatChange::DeclinedInvitation => "Sagde nej til invitationen",
            SeatChange::Withdrew => "Meldte fra",
            SeatChange::RemovedBySecretariat => "Fjernet af sekretariatet",
            SeatChange::RemovedByTeamResponsible => "Fjernet af en teamansvarlig",
            SeatChange::RemovedAfterRevalidation => "Fjernet efter ny kontrol af betingelserne",
            SeatChange::RemovedParticipantDeleted => "Fjernet, fordi deltageren blev slettet",
            SeatChange::InvitationReminderQueued => "Påmindelse om invitationen sat til afsendelse",
            SeatChange::TaskReminderQueued => "Påmindelse om opgaven sat til afsendelse",
            SeatChange::MovedAway => "Flyttet til en anden plads",
        }
    }
}

/// Where a CPR number was looked up in the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CprLookup {
    /// By the secretariat (a new participant, a look-up).
    Secretariat,
    /// By a team responsible registering someone.
    TeamResponsible,
    /// By an import.
    Import,
}

/// The counts of an import, for its summary entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ImportCounts {
    /// New records.
    pub imported: usize,
    /// Changed records.
    pub updated: usize,
    /// Records left as they were.
    pub unchanged: usize,
    /// Rows refused.
    pub rejected: usize,
    /// Whether anything was written (not a preview, not refused as a whole).
    pub written: bool,
}

/// What happened, as an audit entry describes it. Built by the command, worded by
/// [`AuditEvent::description`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AuditEvent<'a> {
    /// A seat changed hands.
    Seat {
        /// How.
        change: SeatChange,
        /// The seat.
        seat: SeatId,
        /// The participant.
        participant: ParticipantId,
    },
    /// The secretariat moved a participant here from another seat.
    MovedHere {
        /// The seat moved to.
        seat: SeatId,
        /// The participant.
        participant: ParticipantId,
        /// The seat moved from.
        from: SeatId,
    },
    /// A slot's seat count changed.
    SlotSeats {
        /// The work location's title.
        location: &'a str,
        /// The date.
        date: NaiveDate,
        /// Seats before.
        before: u32,
        /// Seats after.
        after: u32,
        /// Seats asked for.
        asked: u32,
        /// Taken seats kept although more than asked for.
        kept_taken: u32,
    },
    /// Vacant seats moved to another team.
    VacantSeatsMoved {
        /// How many.
        count: u32,
        /// The work location's title.
        location: &'a str,
        /// The team they went to.
        team: TeamId,
    },
    /// Attendance recorded.
    Attendance {
        /// What was recorded.
        status: AttendanceStatus,
        /// The seat.
        seat: SeatId,
    },
    /// Signed up as a reserve.
    ReserveSignedUp(NaiveDate),
    /// No longer a reserve.
    ReserveWithdrawn(NaiveDate),
    /// A no-show's seat offered to reserves.
    SeatOffered {
        /// The seat.
        seat: SeatId,
        /// To how many reserves.
        reserves: usize,
        /// Who did not arrive.
        no_show: ParticipantId,
    },
    /// A participant deleted.
    ParticipantDeleted {
        /// Who.
        participant: ParticipantId,
        /// Seats that became vacant.
        vacated: usize,
    },
    /// A participant taken off a team.
    RemovedFromTeam {
        /// Who.
        participant: ParticipantId,
        /// The team.
        team: TeamId,
    },
    /// A participant joined a team through a link.
    JoinedTeamByLink(TeamId),
    /// A message to a team's members.
    TeamMessage {
        /// Recipients.
        recipients: usize,
    },
    /// A group message to an election's participants.
    GroupMessage {
        /// Recipients.
        recipients: usize,
    },
    /// One CPR number looked up in the registry.
    CprLookedUp(CprLookup),
    /// An import looked up CPR numbers in the registry.
    CprLookupsByImport(usize),
    /// A full CPR number shown.
    FullCprShown,
    /// A full CPR number exported.
    FullCprExported(Exported),
    /// A record created or changed by an import.
    ImportedRecord {
        /// Participant or work location.
        what: Imported,
        /// Created (or else updated).
        created: bool,
    },
    /// An import's summary.
    Import {
        /// What was imported.
        what: Imported,
        /// Only a preview.
        preview: bool,
        /// Its counts.
        counts: ImportCounts,
    },
    /// A list exported.
    Export {
        /// Which list.
        what: Exported,
        /// Its rows.
        rows: usize,
    },
    /// A participant created.
    ParticipantCreated {
        /// Their name (as entries of participants have always named them when created).
        name: &'a str,
    },
    /// A participant's data edited.
    ParticipantEdited,
    /// A participant anonymised.
    ParticipantAnonymised,
    /// A participant's data refreshed from the registry.
    RegistryRefreshed,
    /// Consent to be kept given (with the text's version) or withdrawn (`None`).
    Consent(Option<&'a str>),
    /// An election created.
    ElectionCreated,
    /// An election edited.
    ElectionEdited,
    /// An election activated (`true`) or deactivated.
    ElectionActive(bool),
    /// An election duplicated from another.
    ElectionDuplicated {
        /// The election copied.
        source: ElectionId,
        /// Seats copied.
        seats: usize,
    },
    /// An election deleted with its seats.
    ElectionDeleted {
        /// Its title.
        title: &'a str,
        /// Seats deleted with it.
        seats: usize,
    },
    /// A link created.
    LinkCreated,
    /// A link revoked.
    LinkRevoked,
    /// Whether team responsibles may offer trusted task types by link.
    TrustedByLink(bool),
    /// A message template saved.
    TemplateSaved(&'a str),
    /// A message template deleted.
    TemplateDeleted(&'a str),
    /// An election's message templates chosen.
    TemplatesChosen,
    /// A participant wrote to the secretariat.
    WroteToSecretariat,
    /// The secretariat answered a thread.
    SecretariatAnswered,
    /// A thread closed.
    ThreadClosed,
    /// Responsibility for a work location granted (`true`) or revoked.
    LocationResponsible {
        /// The location.
        location: WorkLocationId,
        /// Granted.
        granted: bool,
    },
    /// Responsibility for a team granted (`true`) or revoked.
    TeamResponsible {
        /// The team.
        team: TeamId,
        /// Granted.
        granted: bool,
    },
    /// A secretariat note about a participant written.
    NoteWritten,
    /// A note changed by its author.
    NoteEdited,
    /// A note deleted by its author.
    NoteDeleted,
    /// A participant's notes shown (how many).
    NotesShown(usize),
    /// The municipality set up or renamed.
    MunicipalitySet,
    /// A master-data record created.
    Created(RecordKind),
    /// A master-data record edited.
    Edited(RecordKind),
    /// A master-data record deleted.
    Deleted(RecordKind),
}

impl AuditEvent<'_> {
    /// The entry's description, in Danish.
    pub(crate) fn description(&self) -> String {
        match self {
            AuditEvent::Seat {
                change,
                seat,
                participant,
            } => format!("{} (plads {seat}, deltager {participant})", change.da()),
            AuditEvent::SlotSeats {
                location,
                date,
                before,
                after,
                asked,
                kept_taken,
            } => format!(
                "Pladser på {location} den {}: {before} → {after} (ønsket {asked}; {} beholdt)",
                format_date(*date),
                count(*kept_taken as usize, "besat plads", "besatte pladser")
            ),
            AuditEvent::VacantSeatsMoved {
                count: n,
                location,
                team,
            } => format!(
                "{} på {location} flyttet til team {team}",
                count(*n as usize, "ledig plads", "ledige pladser")
            ),
            AuditEvent::Attendance { status, seat } => {
                let what = match status {
                    AttendanceStatus::Arrived => "mødt".to_owned(),
                    AttendanceStatus::NotArrived => "ikke mødt".to_owned(),
                    AttendanceStatus::LeftEarly { at } => format!("gik før tid {}", local(*at)),
                };
                format!("Fremmøde: {what} (plads {seat})")
            }
            AuditEvent::ReserveSignedUp(date) => {
                format!("Meldte sig som reserve den {}", format_date(*date))
            }
            AuditEvent::ReserveWithdrawn(date) => {
                format!("Ikke længere reserve den {}", format_date(*date))
            }
            AuditEvent::SeatOffered {
                seat,
                reserves,
                no_show,
            } => format!(
                "Plads {seat} tilbudt {} (deltager {no_show} ikke mødt)",
                count(*reserves, "reserve", "reserver")
            ),
            AuditEvent::ParticipantDeleted {
                participant,
                vacated,
            } => format!(
                "Deltager {participant} slettet; {} {}",
                count(*vacated, "plads blev", "pladser blev"),
                plural_adj(*vacated, "ledig")
            ),
            AuditEvent::RemovedFromTeam { participant, team } => {
                format!("Deltager {participant} fjernet fra team {team}")
            }
            AuditEvent::JoinedTeamByLink(team) => format!("Meldte sig ind i team {team} via link"),
            AuditEvent::TeamMessage { recipients } => format!(
                "Besked til teamets {}",
                count(*recipients, "medlem", "medlemmer")
            ),
            AuditEvent::GroupMessage { recipients } => format!(
                "Gruppebesked til {}",
                count(*recipients, "deltager", "deltagere")
            ),
            AuditEvent::CprLookedUp(by) => match by {
                CprLookup::Secretariat => "CPR-nummer slået op i CPR-registret",
                CprLookup::TeamResponsible => {
                    "CPR-nummer slået op i CPR-registret af en teamansvarlig"
                }
                CprLookup::Import => "CPR-nummer slået op i CPR-registret (import)",
            }
            .to_owned(),
            AuditEvent::CprLookupsByImport(n) => format!(
                "{} slået op i CPR-registret (import)",
                count(*n, "CPR-nummer", "CPR-numre")
            ),
            AuditEvent::FullCprShown => "Fuldt CPR-nummer vist".to_owned(),
            AuditEvent::FullCprExported(what) => {
                format!("Fuldt CPR-nummer eksporteret ({})", export_da(*what))
            }
            AuditEvent::ImportedRecord { what, created } => format!(
                "{} {} ved import",
                match what {
                    Imported::Participants => "Deltager",
                    Imported::WorkLocations => "Arbejdssted",
                },
                if *created { "oprettet" } else { "opdateret" }
            ),
            AuditEvent::Import {
                what,
                preview,
                counts,
            } => {
                let c = counts;
                format!(
                    "{} af {}: {} {}, {} {}, {} {}, {} afvist{}",
                    if *preview { "Prøveimport" } else { "Import" },
                    match what {
                        Imported::Participants => "deltagere",
                        Imported::WorkLocations => "arbejdssteder",
                    },
                    c.imported,
                    plural_adj(c.imported, "ny"),
                    c.updated,
                    plural_adj(c.updated, "opdateret"),
                    c.unchanged,
                    plural_adj(c.unchanged, "uændret"),
                    count(c.rejected, "række", "rækker"),
                    if c.written { "" } else { "; intet gemt" }
                )
            }
            AuditEvent::Export { what, rows } => format!(
                "{} eksporteret ({})",
                capitalised(export_da(*what)),
                count(*rows, "række", "rækker")
            ),
            AuditEvent::ParticipantCreated { name } => format!("Deltager {name} oprettet"),
            AuditEvent::ParticipantEdited => "Deltager ændret".to_owned(),
            AuditEvent::ParticipantAnonymised => "Deltager anonymiseret".to_owned(),
            AuditEvent::RegistryRefreshed => "Oplysninger fra CPR-registret opdateret".to_owned(),
            AuditEvent::Consent(Some(version)) => {
                format!("Samtykke til at blive gemt givet (tekst {version})")
            }
            AuditEvent::Consent(None) => "Samtykke til at blive gemt trukket tilbage".to_owned(),
            AuditEvent::ElectionCreated => "Valg oprettet".to_owned(),
            AuditEvent::ElectionEdited => "Valg ændret".to_owned(),
            AuditEvent::ElectionActive(true) => "Valg aktiveret".to_owned(),
            AuditEvent::ElectionActive(false) => "Valg deaktiveret".to_owned(),
            AuditEvent::ElectionDuplicated { source, seats } => format!(
                "Kopieret fra valg {source} med {}",
                count(*seats, "plads", "pladser")
            ),
            AuditEvent::ElectionDeleted { title, seats } => format!(
                "Valget '{title}' slettet med {}",
                count(*seats, "plads", "pladser")
            ),
            AuditEvent::LinkCreated => "Link oprettet".to_owned(),
            AuditEvent::LinkRevoked => "Link tilbagekaldt".to_owned(),
            AuditEvent::TrustedByLink(true) => {
                "Teamansvarlige må tilbyde betroede opgavetyper via link".to_owned()
            }
            AuditEvent::TrustedByLink(false) => {
                "Teamansvarlige må ikke tilbyde betroede opgavetyper via link".to_owned()
            }
            AuditEvent::TemplateSaved(title) => format!("Skabelonen '{title}' gemt"),
            AuditEvent::TemplateDeleted(title) => format!("Skabelonen '{title}' slettet"),
            AuditEvent::TemplatesChosen => "Beskedskabeloner valgt".to_owned(),
            AuditEvent::WroteToSecretariat => "Skrev til sekretariatet".to_owned(),
            AuditEvent::SecretariatAnswered => "Sekretariatet svarede".to_owned(),
            AuditEvent::ThreadClosed => "Samtalen lukket".to_owned(),
            AuditEvent::LocationResponsible { location, granted } => format!(
                "Arbejdssted {location}: ansvar {}",
                if *granted { "givet" } else { "frataget" }
            ),
            AuditEvent::TeamResponsible { team, granted } => format!(
                "Team {team}: ansvar {}",
                if *granted { "givet" } else { "frataget" }
            ),
            AuditEvent::MovedHere {
                seat,
                participant,
                from,
            } => format!("Flyttet hertil fra plads {from} (plads {seat}, deltager {participant})"),
            AuditEvent::NoteWritten => "Note skrevet".to_owned(),
            AuditEvent::NoteEdited => "Note rettet".to_owned(),
            AuditEvent::NoteDeleted => "Note slettet".to_owned(),
            AuditEvent::NotesShown(n) => format!("{} vist", count(*n, "note", "noter")),
            AuditEvent::MunicipalitySet => "Kommunen sat op".to_owned(),
            AuditEvent::Created(kind) => format!("{} oprettet", kind_da(*kind)),
            AuditEvent::Edited(kind) => format!("{} ændret", kind_da(*kind)),
            AuditEvent::Deleted(kind) => format!("{} slettet", kind_da(*kind)),
        }
    }
}

/// `n` and the singular or plural noun.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// An adjective or participle agreeing with `n` things: "ny"/"nye", "ledig"/"ledige",
/// "opdateret"/"opdaterede", "uændret"/"uændrede".
fn plural_adj(n: usize, one: &str) -> String {
    if n == 1 {
        return one.to_owned();
    }
    match one.strip_suffix("et") {
        Some(stem) => format!("{stem}ede"),
        None => format!("{one}e"),
    }
}

/// "05.01.2027 kl. 15:30", in Danish local time.
fn local(at: DateTime<Utc>) -> String {
    format!(
        "{} kl. {}",
        format_date(local_date(at)),
        format_local_time(at)
    )
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn export_da(what: Exported) -> &'static str {
    match what {
        Exported::Participants => "alle deltagere",
        Exported::ParticipantList => "deltagerliste",
        Exported::Payroll => "lønliste",
        Exported::ValgCentral => "fil til KMD Valg Central",
        Exported::PartyStatus => "partiernes status",
    }
}

/// A kind of record as the log names it, capitalised.
fn kind_da(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Municipality => "Kommunen",
        RecordKind::Area => "Område",
        RecordKind::WorkLocation => "Arbejdssted",
        RecordKind::TaskType => "Opgavetype",
        RecordKind::Team => "Team",
        RecordKind::SpecialDiet => "Specialkost",
        RecordKind::ElectionType => "Valgtype",
        RecordKind::Election => "Valg",
        RecordKind::Seat => "Plads",
        RecordKind::Participant => "Deltager",
        RecordKind::Rejection => "Afslag",
        RecordKind::Link => "Link",
        RecordKind::Communication => "Beskedindstillinger",
        RecordKind::Thread => "Samtale",
        RecordKind::Attendance => "Fremmøde",
        RecordKind::Reserve => "Reserve",
        RecordKind::SeatOffer => "Tilbud om plads",
        RecordKind::Note => "Note",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_seat_change_names_the_seat_and_the_participant_by_id_in_danish() {
        let (seat, p) = (SeatId::new(), ParticipantId::new());
        let text = AuditEvent::Seat {
            change: SeatChange::Invited,
            seat,
            participant: p,
        }
        .description();
        assert_eq!(text, format!("Inviteret (plads {seat}, deltager {p})"));
    }

    #[test]
    fn counts_agree_with_their_nouns_and_adjectives() {
        let slot = |kept| {
            AuditEvent::SlotSeats {
                location: "Skole A",
                date: d(2027, 1, 5),
                before: 3,
                after: 5,
                asked: 4,
                kept_taken: kept,
            }
            .description()
        };
        assert_eq!(
            slot(1),
            "Pladser på Skole A den 05.01.2027: 3 → 5 (ønsket 4; 1 besat plads beholdt)"
        );
        assert!(
            slot(2).ends_with("2 besatte pladser beholdt)"),
            "{}",
            slot(2)
        );
        let deleted = |vacated| {
            AuditEvent::ParticipantDeleted {
                participant: ParticipantId::new(),
                vacated,
            }
            .description()
        };
        assert!(
            deleted(1).ends_with("; 1 plads blev ledig"),
            "{}",
            deleted(1)
        );
        assert!(
            deleted(0).ends_with("; 0 pladser blev ledige"),
            "{}",
            deleted(0)
        );
        let import = AuditEvent::Import {
            what: Imported::Participants,
            preview: true,
            counts: ImportCounts {
                imported: 1,
                updated: 2,
                unchanged: 1,
                rejected: 1,
                written: false,
            },
        }
        .description();
        assert_eq!(
            import,
            "Prøveimport af deltagere: 1 ny, 2 opdaterede, 1 uændret, 1 række afvist; intet gemt"
        );
        assert_eq!(
            AuditEvent::Export {
                what: Exported::Payroll,
                rows: 1
            }
            .description(),
            "Lønliste eksporteret (1 række)"
        );
    }

    #[test]
    fn dates_and_times_are_written_the_danish_way() {
        assert_eq!(
            AuditEvent::ReserveSignedUp(d(2027, 1, 5)).description(),
            "Meldte sig som reserve den 05.01.2027"
        );
        let at = chrono::TimeZone::with_ymd_and_hms(&Utc, 2027, 1, 5, 14, 30, 0).unwrap();
        let left = AuditEvent::Attendance {
            status: AttendanceStatus::LeftEarly { at },
            seat: SeatId::new(),
        }
        .description();
        assert!(
            left.starts_with("Fremmøde: gik før tid 05.01.2027 kl. 15:30"),
            "{left}"
        );
    }

    #[test]
    fn master_data_is_named_by_its_danish_kind() {
        assert_eq!(
            AuditEvent::Created(RecordKind::Area).description(),
            "Område oprettet"
        );
        assert_eq!(
            AuditEvent::Deleted(RecordKind::SpecialDiet).description(),
            "Specialkost slettet"
        );
    }
}
