//! Messages to participants: what kinds exist, and (in submodules) their templates and rendering.

use serde::{Deserialize, Serialize};

/// Every kind of message the seat lifecycle and the jobs produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum MessageKind {
    /// The secretariat invited the participant to a seat.
    Invitation,
    /// A reminder of an unanswered invitation.
    InvitationReminder,
    /// The participant accepted a seat (confirmation of sign-up).
    Registration,
    /// The participant declined or withdrew (confirmation of cancellation).
    Cancellation,
    /// The invitation was withdrawn by the secretariat or the team responsible.
    InvitationRetracted,
    /// The participant was removed from a seat they had accepted.
    RemovedFromTask,
    /// The participant was removed because new CPR data made them ineligible.
    RemovedByValidation,
    /// A reminder some days before the task.
    TaskReminder,
    /// A message the secretariat wrote to a group.
    Group,
}

impl MessageKind {
    /// Every kind, in a stable order.
    pub const ALL: [MessageKind; 9] = [
        MessageKind::Invitation,
        MessageKind::InvitationReminder,
        MessageKind::Registration,
        MessageKind::Cancellation,
        MessageKind::InvitationRetracted,
        MessageKind::RemovedFromTask,
        MessageKind::RemovedByValidation,
        MessageKind::TaskReminder,
        MessageKind::Group,
    ];
}
