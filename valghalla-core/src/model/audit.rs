//! Audit entries: who did what, when. Written in the same atomic change as the change itself.
//!
//! An entry names its actor ([`ActorLabel`]) and its subject ([`AuditSubject`]) with typed ids.
//! Its stored form is unchanged since the first version (the actor's label and the subject as a
//! kind and an id, all text), so every stored entry reads back, on every store.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{
    AreaId, AuditId, ElectionId, ElectionTypeId, LinkId, NoteId, OfferId, ParticipantId,
    RejectionId, SeatId, SpecialDietId, TaskTypeId, TeamId, TemplateId, ThreadId, WorkLocationId,
};
use crate::model::{RecordKey, RecordKind};
use crate::values::MunicipalityCode;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AuditAction {
    /// Something was created.
    Create,
    /// Something was changed.
    Edit,
    /// Something was deleted.
    Delete,
    /// A participant's data was viewed.
    View,
    /// A CPR number was looked up in the registry or shown in full.
    CprAccess,
    /// A list was exported.
    Export,
    /// A seat changed state.
    SeatChange,
}

/// Who acted, as the audit log and a denial name them (never a CPR number). Shown as
/// `staff:<user>`, `participant:<id>`, `anonymous` or `job:<name>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ActorLabel {
    /// A member of the election secretariat, by user name.
    Staff {
        /// The user name.
        user: String,
    },
    /// A logged-in participant.
    Participant(ParticipantId),
    /// Someone holding a link who is not logged in.
    Anonymous,
    /// A background job, by name.
    Job {
        /// The job's name.
        name: String,
    },
}

impl std::fmt::Display for ActorLabel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ActorLabel::Staff { user } => write!(f, "staff:{user}"),
            ActorLabel::Participant(id) => write!(f, "participant:{id}"),
            ActorLabel::Anonymous => f.write_str("anonymous"),
            ActorLabel::Job { name } => write!(f, "job:{name}"),
        }
    }
}

impl std::str::FromStr for ActorLabel {
    type Err = AuditFormatError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || AuditFormatError(format!("'{s}' is not an actor label"));
        match s.split_once(':') {
            _ if s == "anonymous" => Ok(ActorLabel::Anonymous),
            Some(("staff", user)) => Ok(ActorLabel::Staff {
                user: user.to_owned(),
            }),
            Some(("participant", id)) => id.parse().map(ActorLabel::Participant).map_err(|_| bad()),
            Some(("job", name)) => Ok(ActorLabel::Job {
                name: name.to_owned(),
            }),
            _ => Err(bad()),
        }
    }
}

/// What was imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Imported {
    /// Participants (`participants`).
    Participants,
    /// Work locations (`work_locations`).
    WorkLocations,
}

impl Imported {
    /// Its stable name.
    pub const fn name(self) -> &'static str {
        match self {
            Imported::Participants => "participants",
            Imported::WorkLocations => "work_locations",
        }
    }
}

/// Which list was exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Exported {
    /// Every participant with their data (`participants`).
    Participants,
    /// An election's participant list (`participant list`).
    ParticipantList,
    /// The payroll list (`payroll`).
    Payroll,
    /// The file for KMD Valg Central (`valg central`).
    ValgCentral,
    /// Each party's status (`party status`).
    PartyStatus,
}

impl Exported {
    /// Its stable name, as the audit log and the export's description show it.
    pub const fn name(self) -> &'static str {
        match self {
            Exported::Participants => "participants",
            Exported::ParticipantList => "participant list",
            Exported::Payroll => "payroll",
            Exported::ValgCentral => "valg central",
            Exported::PartyStatus => "party status",
        }
    }

    const ALL: [Exported; 5] = [
        Exported::Participants,
        Exported::ParticipantList,
        Exported::Payroll,
        Exported::ValgCentral,
        Exported::PartyStatus,
    ];
}

/// What an audit entry is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AuditSubject {
    /// A record, by its key.
    Record(RecordKey),
    /// The municipality, by its code (set up or renamed).
    Municipality(MunicipalityCode),
    /// The seat count of a slot (the entry's election is the slot's).
    Slot {
        /// The work location.
        work_location: WorkLocationId,
        /// The date.
        date: NaiveDate,
        /// The team.
        team: TeamId,
        /// The task type.
        task_type: TaskTypeId,
    },
    /// A message template of the library.
    Template(TemplateId),
    /// A group message to an election's participants.
    GroupMessage(ElectionId),
    /// An import.
    Import(Imported),
    /// An export.
    Export(Exported),
}

impl From<RecordKey> for AuditSubject {
    fn from(key: RecordKey) -> Self {
        AuditSubject::Record(key)
    }
}

impl AuditSubject {
    /// The kind of subject, as the log shows it: a record kind's name (`seat`, `participant`,
    /// …), `municipality`, `slot`, `template`, `group_message`, `import` or `export`.
    pub fn kind(&self) -> &'static str {
        match self {
            AuditSubject::Record(key) => key.kind().name(),
            AuditSubject::Municipality(_) => "municipality",
            AuditSubject::Slot { .. } => "slot",
            AuditSubject::Template(_) => "template",
            AuditSubject::GroupMessage(_) => "group_message",
            AuditSubject::Import(_) => "import",
            AuditSubject::Export(_) => "export",
        }
    }

    /// Which one, as text: the id, the municipality code, `location/date/team/task type` of a
    /// slot, or the name of what was imported or exported.
    pub fn id(&self) -> String {
        match self {
            AuditSubject::Record(key) => key.id_string(),
            AuditSubject::Municipality(code) => code.to_string(),
            AuditSubject::Slot {
                work_location,
                date,
                team,
                task_type,
            } => format!("{work_location}/{date}/{team}/{task_type}"),
            AuditSubject::Template(id) => id.to_string(),
            AuditSubject::GroupMessage(id) => id.to_string(),
            AuditSubject::Import(what) => what.name().to_owned(),
            AuditSubject::Export(what) => what.name().to_owned(),
        }
    }

    /// The subject a stored kind and id name.
    pub fn parse(kind: &str, id: &str) -> Result<AuditSubject, AuditFormatError> {
        let bad = || AuditFormatError(format!("'{kind}' '{id}' is not an audit subject"));
        fn typed<T: std::str::FromStr>(id: &str) -> Option<T> {
            id.parse().ok()
        }
        let key = |kind: RecordKind| -> Option<RecordKey> {
            Some(match kind {
                RecordKind::Municipality => RecordKey::Municipality,
                RecordKind::Communication => RecordKey::Communication,
                RecordKind::Area => RecordKey::Area(typed::<AreaId>(id)?),
                RecordKind::WorkLocation => RecordKey::WorkLocation(typed::<WorkLocationId>(id)?),
                RecordKind::TaskType => RecordKey::TaskType(typed::<TaskTypeId>(id)?),
                RecordKind::Team => RecordKey::Team(typed::<TeamId>(id)?),
                RecordKind::SpecialDiet => RecordKey::SpecialDiet(typed::<SpecialDietId>(id)?),
                RecordKind::ElectionType => RecordKey::ElectionType(typed::<ElectionTypeId>(id)?),
                RecordKind::Election => RecordKey::Election(typed::<ElectionId>(id)?),
                RecordKind::Seat => RecordKey::Seat(typed::<SeatId>(id)?),
                RecordKind::Participant => RecordKey::Participant(typed::<ParticipantId>(id)?),
                RecordKind::Rejection => RecordKey::Rejection(typed::<RejectionId>(id)?),
                RecordKind::Link => RecordKey::Link(typed::<LinkId>(id)?),
                RecordKind::Thread => RecordKey::Thread(typed::<ThreadId>(id)?),
                RecordKind::Attendance => RecordKey::Attendance(typed::<SeatId>(id)?),
                RecordKind::Reserve => RecordKey::Reserve(typed::<ParticipantId>(id)?),
                RecordKind::SeatOffer => RecordKey::SeatOffer(typed::<OfferId>(id)?),
                RecordKind::Note => RecordKey::Note(typed::<NoteId>(id)?),
            })
        };
        let subject = match kind {
            "municipality" if !id.is_empty() => MunicipalityCode::parse(id)
                .ok()
                .map(AuditSubject::Municipality),
            "slot" => {
                let parts: Vec<&str> = id.split('/').collect();
                match parts.as_slice() {
                    [work_location, date, team, task_type] => Some(AuditSubject::Slot {
                        work_location: typed(work_location).ok_or_else(bad)?,
                        date: typed(date).ok_or_else(bad)?,
                        team: typed(team).ok_or_else(bad)?,
                        task_type: typed(task_type).ok_or_else(bad)?,
                    }),
                    _ => None,
                }
            }
            "template" => typed(id).map(AuditSubject::Template),
            "group_message" => typed(id).map(AuditSubject::GroupMessage),
            "import" => [Imported::Participants, Imported::WorkLocations]
                .into_iter()
                .find(|w| w.name() == id)
                .map(AuditSubject::Import),
            "export" => Exported::ALL
                .into_iter()
                .find(|w| w.name() == id)
                .map(AuditSubject::Export),
            record => RecordKind::ALL
                .into_iter()
                .find(|k| k.name() == record)
                .and_then(key)
                .map(AuditSubject::Record),
        };
        subject.ok_or_else(bad)
    }
}

/// A stored audit entry that does not name its actor or subject in a known form (a damaged
/// database).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit entry: {0}")]
pub struct AuditFormatError(String);

/// One audit log entry. Never contains a CPR number: participants are named by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "StoredEntry", try_from = "StoredEntry")]
pub struct AuditEntry {
    /// Id.
    pub id: AuditId,
    /// When.
    pub at: DateTime<Utc>,
    /// Who did it.
    pub actor: ActorLabel,
    /// What.
    pub action: AuditAction,
    /// What it was done to.
    pub subject: AuditSubject,
    /// The participant concerned, if any (for per-person audit views).
    pub participant: Option<ParticipantId>,
    /// The election concerned, if any.
    pub election: Option<ElectionId>,
    /// A sentence describing the change (no CPR numbers).
    pub description: String,
}

/// The stored form of an [`AuditEntry`], as every version has written it.
#[derive(Serialize, Deserialize)]
struct StoredEntry {
    id: AuditId,
    at: DateTime<Utc>,
    actor: String,
    action: AuditAction,
    subject_kind: String,
    subject_id: String,
    participant: Option<ParticipantId>,
    election: Option<ElectionId>,
    description: String,
}

impl From<AuditEntry> for StoredEntry {
    fn from(e: AuditEntry) -> Self {
        StoredEntry {
            id: e.id,
            at: e.at,
            actor: e.actor.to_string(),
            action: e.action,
            subject_kind: e.subject.kind().to_owned(),
            subject_id: e.subject.id(),
            participant: e.participant,
            election: e.election,
            description: e.description,
        }
    }
}

impl TryFrom<StoredEntry> for AuditEntry {
    type Error = AuditFormatError;
    fn try_from(e: StoredEntry) -> Result<Self, Self::Error> {
        Ok(AuditEntry {
            id: e.id,
            at: e.at,
            actor: e.actor.parse()?,
            action: e.action,
            subject: AuditSubject::parse(&e.subject_kind, &e.subject_id)?,
            participant: e.participant,
            election: e.election,
            description: e.description,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    /// Entries as earlier versions stored them (the actor's label and the subject's kind and
    /// id as text) read back typed, and are written back exactly as they were.
    #[test]
    fn stored_entries_of_every_kind_read_back_typed_and_unchanged() {
        let seat = SeatId::new();
        let p = ParticipantId::new();
        let (loc, team, tt) = (WorkLocationId::new(), TeamId::new(), TaskTypeId::new());
        let template = TemplateId::new();
        let election = ElectionId::new();
        let cases: Vec<(String, String, ActorLabel, AuditSubject)> = vec![
            (
                "staff:jens:hansen".into(),
                format!(r#""seat","subject_id":"{seat}""#),
                ActorLabel::Staff {
                    user: "jens:hansen".into(),
                },
                AuditSubject::Record(RecordKey::Seat(seat)),
            ),
            (
                format!("participant:{p}"),
                format!(r#""participant","subject_id":"{p}""#),
                ActorLabel::Participant(p),
                AuditSubject::Record(RecordKey::Participant(p)),
            ),
            (
                "anonymous".into(),
                r#""municipality","subject_id":"0999""#.into(),
                ActorLabel::Anonymous,
                AuditSubject::Municipality(MunicipalityCode::parse("0999").unwrap()),
            ),
            (
                "job:cpr-resync".into(),
                format!(r#""slot","subject_id":"{loc}/2026-11-17/{team}/{tt}""#),
                ActorLabel::Job {
                    name: "cpr-resync".into(),
                },
                AuditSubject::Slot {
                    work_location: loc,
                    date: NaiveDate::from_ymd_opt(2026, 11, 17).unwrap(),
                    team,
                    task_type: tt,
                },
            ),
            (
                "job:selvregistrering".into(),
                format!(r#""template","subject_id":"{template}""#),
                ActorLabel::Job {
                    name: "selvregistrering".into(),
                },
                AuditSubject::Template(template),
            ),
            (
                "anonymous".into(),
                format!(r#""group_message","subject_id":"{election}""#),
                ActorLabel::Anonymous,
                AuditSubject::GroupMessage(election),
            ),
            (
                "anonymous".into(),
                r#""import","subject_id":"work_locations""#.into(),
                ActorLabel::Anonymous,
                AuditSubject::Import(Imported::WorkLocations),
            ),
            (
                "anonymous".into(),
                r#""export","subject_id":"valg central""#.into(),
                ActorLabel::Anonymous,
                AuditSubject::Export(Exported::ValgCentral),
            ),
            (
                "anonymous".into(),
                r#""communication","subject_id":"""#.into(),
                ActorLabel::Anonymous,
                AuditSubject::Record(RecordKey::Communication),
            ),
        ];
        for (actor, subject, want_actor, want_subject) in cases {
            let stored = format!(
                r#"{{"id":"{}","at":"2026-11-07T09:00:00Z","actor":"{actor}","action":"Edit","subject_kind":{subject},"participant":null,"election":null,"description":"d"}}"#,
                AuditId::new()
            );
            let entry: AuditEntry = serde_json::from_str(&stored).unwrap();
            assert_eq!(entry.actor, want_actor, "{stored}");
            assert_eq!(entry.subject, want_subject, "{stored}");
            assert_eq!(serde_json::to_string(&entry).unwrap(), stored);
        }
    }

    #[test]
    fn an_entry_naming_an_unknown_actor_or_subject_is_a_format_error() {
        for (actor, kind, id) in [
            ("root", "seat", SeatId::new().to_string()),
            ("participant:42", "seat", SeatId::new().to_string()),
            ("anonymous", "seat", "42".to_owned()),
            ("anonymous", "planet", SeatId::new().to_string()),
            ("anonymous", "export", "secrets".to_owned()),
        ] {
            let stored = format!(
                r#"{{"id":"{}","at":"2026-11-07T09:00:00Z","actor":"{actor}","action":"Edit","subject_kind":"{kind}","subject_id":"{id}","participant":null,"election":null,"description":"d"}}"#,
                AuditId::new()
            );
            assert!(
                serde_json::from_str::<AuditEntry>(&stored).is_err(),
                "{stored}"
            );
        }
    }
}
