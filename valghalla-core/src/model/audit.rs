//! Audit entries: who did what, when. Written in the same atomic change as the change itself.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{AuditId, ElectionId, ParticipantId};

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

/// One audit log entry. Never contains a CPR number: participants are named by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Id.
    pub id: AuditId,
    /// When.
    pub at: DateTime<Utc>,
    /// Who did it, as text (staff user name, `participant:<id>`, `job:<name>`).
    pub actor: String,
    /// What.
    pub action: AuditAction,
    /// The kind of thing acted on (`seat`, `participant`, `election`, …).
    pub subject_kind: String,
    /// Its id.
    pub subject_id: String,
    /// The participant concerned, if any (for per-person audit views).
    pub participant: Option<ParticipantId>,
    /// The election concerned, if any.
    pub election: Option<ElectionId>,
    /// A sentence describing the change (no CPR numbers).
    pub description: String,
}
