//! Messages to participants: what kinds exist, their templates, rendering and channels.
//!
//! * [`Template`]: `!token` templates, parsed once and rendered per channel ([`render`],
//!   [`render_as`], [`preview`]).
//! * [`default_template`]: the default Danish template for every [`MessageKind`].
//! * [`TemplateLibrary`]: a municipality's templates, and [`ElectionTemplates`], the template
//!   choice per election; [`CommunicationSettings`], how both are stored.
//! * [`Channel`]: channels, and [`choose_channel`], the fallback when a participant cannot
//!   receive one.
//! * [`MessageSender`]: the port a channel implements to deliver messages (the dispatcher that
//!   drains the outbox through it is [`crate::service::Dispatcher`]).
//! * [`calendar`]: calendar files for a participant's task.

use serde::{Deserialize, Serialize};

pub mod calendar;
pub(crate) mod channel;
pub(crate) mod defaults;
pub(crate) mod library;
pub(crate) mod sender;
pub(crate) mod settings;
pub(crate) mod template;

pub use channel::{
    Channel, ChannelChoice, FallbackOrder, FallbackOrderError, Reachability, Unreachable,
    choose_channel,
};
pub use defaults::{default_template, default_template_id};
pub use library::{ElectionTemplates, LibraryError, TemplateLibrary};
pub use sender::{Attachment, MessageSender, Outgoing, Receipt, Recipient, SendError};
pub use settings::CommunicationSettings;
pub use template::{
    RenderedMessage, Segment, Template, TemplateDraft, TemplateError, TemplatePart, Token,
    TokenValues, UnknownToken, escape_html, html_to_text, preview, render, render_as,
    render_for_participant,
};

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
    /// A missing person's seat is offered to a reserve of the day, with a take link.
    SeatOffered,
    /// The seat offered to a reserve was taken by someone else.
    OfferFilled,
}

impl MessageKind {
    /// Every kind, in a stable order.
    pub const ALL: [MessageKind; 11] = [
        MessageKind::Invitation,
        MessageKind::InvitationReminder,
        MessageKind::Registration,
        MessageKind::Cancellation,
        MessageKind::InvitationRetracted,
        MessageKind::RemovedFromTask,
        MessageKind::RemovedByValidation,
        MessageKind::TaskReminder,
        MessageKind::Group,
        MessageKind::SeatOffered,
        MessageKind::OfferFilled,
    ];
}
