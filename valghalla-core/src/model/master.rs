//! Master data: areas, work locations, task types, teams, special diets.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::ids::{AreaId, ParticipantId, SpecialDietId, TaskTypeId, TeamId, WorkLocationId};
use crate::time::DailyWindow;
use crate::values::{Name, Ore, PostalCode, ShortName};

/// A grouping of work locations (*område*), e.g. a district.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Area {
    /// Id.
    pub id: AreaId,
    /// Name, unique (case-insensitively) within the municipality.
    pub name: Name,
    /// Free text.
    pub description: String,
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    /// Street and number.
    pub street: String,
    /// Postal code, when known.
    pub postal_code: Option<PostalCode>,
    /// Town.
    pub city: String,
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.postal_code {
            Some(code) => write!(f, "{}, {} {}", self.street, code, self.city),
            None => write!(f, "{}, {}", self.street, self.city),
        }
    }
}

/// A place where tasks are done (*arbejdssted*): a polling station (*valgsted*) or another place,
/// such as a final-count hall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkLocation {
    /// Id.
    pub id: WorkLocationId,
    /// The area it belongs to.
    pub area: AreaId,
    /// Title, unique within the municipality.
    pub title: Name,
    /// Address.
    pub address: Address,
    /// The national *afstemningsområde* number, for the export to the national election system.
    /// `None` for places that are not polling areas (e.g. a final-count hall).
    pub voting_area: Option<u32>,
    /// Teams that staff this location.
    pub teams: BTreeSet<TeamId>,
    /// Task types done here.
    pub task_types: BTreeSet<TaskTypeId>,
    /// Participants with read access to its staff (*arbejdsstedsansvarlige*).
    pub responsibles: BTreeSet<ParticipantId>,
    /// Latitude and longitude in micro-degrees, when known (used for nearness in auto-fill).
    pub coordinates: Option<(i32, i32)>,
}

/// Whether a task type is a position of trust (*betroet*): not offered to participants in
/// self-service and not reachable through open links unless the link says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Trust {
    /// Offered only by invitation or a link that includes trusted tasks (valgstyrer, …).
    Trusted,
    /// Open for self-service sign-up by team members (tilforordnet, …).
    Open,
}

/// A kind of task (*opgavetype*) with its daily time window and payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskType {
    /// Id.
    pub id: TaskTypeId,
    /// Title.
    pub title: Name,
    /// Short name, used as a column header.
    pub short_name: ShortName,
    /// Description shown to participants (HTML written by the secretariat).
    pub description: String,
    /// Local start and end; an end at or before the start means the next day.
    pub window: DailyWindow,
    /// Payment (*diæt* or fee), if any.
    pub payment: Option<Ore>,
    /// Trusted or open.
    pub trust: Trust,
    /// Whether the election type's eligibility rules apply (`false`: only "alive" is checked).
    pub check_eligibility: bool,
    /// Whether participants get reminders before the task.
    pub reminders: bool,
    /// Whether the holder of this task type's seat at a station chairs it that day
    /// (*valgstyrerformand*): they record its attendance and offer its missing people's seats,
    /// as its responsible does. The secretariat sets it; `None` (a task type saved before the
    /// field existed) means what the title says ([`title_names_chair`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chair: Option<bool>,
}

impl TaskType {
    /// Whether its holder chairs the station on the day: the secretariat's choice or, for a
    /// task type saved before there was one, whether its title names the chair.
    pub fn chairs_station(&self) -> bool {
        self.chair
            .unwrap_or_else(|| title_names_chair(self.title.as_str()))
    }
}

/// Whether a task type title names the chair of a station's board (*…formand…*,
/// case-insensitive), as the national election system reads titles.
pub fn title_names_chair(title: &str) -> bool {
    title.to_lowercase().contains("formand")
}

/// What a team is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TeamKind {
    /// A party (or group) in the council.
    Party,
    /// A municipal department (staff).
    Department,
    /// Citizen volunteers without a party.
    Volunteers,
}

/// Where a team responsible may act for their team: everywhere, or only at some locations (v2's
/// sub-secretaries).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LocationScope {
    /// Every work location.
    All,
    /// Only these work locations.
    Only(BTreeSet<WorkLocationId>),
}

impl LocationScope {
    /// Whether `location` is in scope.
    pub fn contains(&self, location: WorkLocationId) -> bool {
        match self {
            LocationScope::All => true,
            LocationScope::Only(set) => set.contains(&location),
        }
    }
}

/// A party, department or volunteer pool. Membership is stored on the participant
/// ([`crate::model::Participant::teams`]); responsibles (party secretaries) here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    /// Id.
    pub id: TeamId,
    /// Name, unique within the municipality.
    pub name: Name,
    /// Short name or party letter.
    pub short_name: ShortName,
    /// Party, department or volunteers.
    pub kind: TeamKind,
    /// Free text.
    pub description: String,
    /// Team responsibles (*teamansvarlige*, party secretaries) and where they may act.
    pub responsibles: BTreeMap<ParticipantId, LocationScope>,
    /// Whether the secretariat allows the team's responsibles to offer trusted task types
    /// (valgstyrer) through the links they make. Off unless the secretariat turns it on.
    #[serde(default)]
    pub responsibles_may_link_trusted: bool,
}

/// A special diet a participant can ask for (vegetarian, gluten-free, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecialDiet {
    /// Id.
    pub id: SpecialDietId,
    /// Title.
    pub title: Name,
}
