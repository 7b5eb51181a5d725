//! Whether a queued message still holds when it is due. A message waits in the outbox (held
//! while its election is inactive, or until the next dispatcher run); by then the seat it is
//! about may have changed. A message whose reason no longer holds is **cancelled** — shown as
//! cancelled in the communication log, never delivered.

use crate::messages::MessageKind;
use crate::model::{Seat, SeatState};
use crate::store::OutboxMessage;

/// What is known about a message's seat when it is due.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SeatNow<'a> {
    /// The seat as it is now (`None`: deleted).
    pub seat: Option<&'a Seat>,
    /// Whether a message that told the recipient of the seat (an invitation, a registration
    /// confirmation or a reminder of either) was delivered to them.
    pub told_of_seat: bool,
}

/// Why `msg` no longer holds (in Danish, for the communication log), or `None` when it does.
///
/// * An invitation or its reminder holds while the seat is still offered to the recipient by
///   the same invitation (the code in its link).
/// * A registration confirmation or a task reminder holds while the recipient still holds the
///   seat.
/// * A retraction or removal notice holds while the recipient no longer holds the seat and was
///   told of it: a notice about an invitation or task they never heard of is cancelled with it.
/// * Cancellation confirmations (the participant's own act), group messages and the messages to
///   a day's reserves (an offer, and that it was filled) always hold.
pub(crate) fn stale_reason(msg: &OutboxMessage, now: SeatNow<'_>) -> Option<&'static str> {
    let recipient = msg.participant;
    let state = now.seat.map(|s| &s.state);
    match msg.kind {
        MessageKind::Invitation | MessageKind::InvitationReminder => match state {
            Some(SeatState::Invited {
                participant, token, ..
            }) if *participant == recipient => {
                let same_invitation = msg
                    .facts
                    .get("invitation")
                    .is_none_or(|link| link.ends_with(token.as_str()));
                (!same_invitation).then_some("invitationen er erstattet af en nyere")
            }
            Some(_) => Some("pladsen er ikke længere tilbudt modtageren"),
            None => Some("pladsen findes ikke længere"),
        },
        MessageKind::Registration | MessageKind::TaskReminder => match state {
            Some(SeatState::Accepted { participant, .. }) if *participant == recipient => None,
            Some(_) => Some("modtageren har ikke længere opgaven"),
            None => Some("pladsen findes ikke længere"),
        },
        MessageKind::InvitationRetracted
        | MessageKind::RemovedFromTask
        | MessageKind::RemovedByValidation => {
            if state.and_then(SeatState::participant) == Some(recipient) {
                Some("modtageren har pladsen igen")
            } else if !now.told_of_seat {
                Some("modtageren fik aldrig besked om pladsen")
            } else {
                None
            }
        }
        // An offer's take page tells a late taker that the seat is filled; neither message
        // depends on who holds the seat now.
        MessageKind::Cancellation
        | MessageKind::Group
        | MessageKind::SeatOffered
        | MessageKind::OfferFilled => None,
    }
}

/// Whether `kind` tells its recipient of a seat they were offered or hold.
pub(crate) fn tells_of_seat(kind: MessageKind) -> bool {
    matches!(
        kind,
        MessageKind::Invitation
            | MessageKind::InvitationReminder
            | MessageKind::Registration
            | MessageKind::TaskReminder
    )
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::{DateTime, NaiveDate};

    use super::*;
    use crate::ids::{ElectionId, MessageId, ParticipantId, TaskTypeId, TeamId, WorkLocationId};
    use crate::model::{AcceptedVia, InvitationToken, SlotKey};
    use crate::store::DeliveryStatus;

    fn seat(state: SeatState) -> Seat {
        let mut s = Seat::vacant(SlotKey {
            election: ElectionId::new(),
            work_location: WorkLocationId::new(),
            task_type: TaskTypeId::new(),
            team: TeamId::new(),
            date: NaiveDate::from_ymd_opt(2026, 11, 17).unwrap(),
        });
        s.state = state;
        s
    }

    fn msg(kind: MessageKind, to: ParticipantId, link: Option<&str>) -> OutboxMessage {
        OutboxMessage {
            id: MessageId::new(),
            kind,
            participant: to,
            election: None,
            seat: None,
            facts: link
                .map(|l| BTreeMap::from([("invitation".to_owned(), l.to_owned())]))
                .unwrap_or_default(),
            custom: None,
            calendar: None,
            created_at: DateTime::UNIX_EPOCH,
            status: DeliveryStatus::Pending,
            attempts: 0,
            next_attempt_at: DateTime::UNIX_EPOCH,
            last_error: None,
        }
    }

    fn invited(p: ParticipantId, token: &InvitationToken) -> SeatState {
        SeatState::Invited {
            participant: p,
            token: token.clone(),
            invited_at: DateTime::UNIX_EPOCH,
            last_reminder_at: None,
        }
    }

    fn now(seat: Option<&Seat>, told: bool) -> SeatNow<'_> {
        SeatNow {
            seat,
            told_of_seat: told,
        }
    }

    #[test]
    fn an_invitation_holds_only_while_the_same_invitation_stands() {
        let (p, q) = (ParticipantId::new(), ParticipantId::new());
        let token = InvitationToken::generate();
        let link = format!("https://valg.example/invitation/x/{}", token.as_str());
        let m = msg(MessageKind::Invitation, p, Some(&link));
        assert_eq!(
            stale_reason(&m, now(Some(&seat(invited(p, &token))), false)),
            None
        );
        let newer = InvitationToken::generate();
        assert!(stale_reason(&m, now(Some(&seat(invited(p, &newer))), false)).is_some());
        assert!(stale_reason(&m, now(Some(&seat(invited(q, &token))), false)).is_some());
        assert!(stale_reason(&m, now(Some(&seat(SeatState::Vacant)), false)).is_some());
        assert!(stale_reason(&m, now(None, false)).is_some());
    }

    #[test]
    fn a_registration_holds_only_while_the_seat_is_held() {
        let p = ParticipantId::new();
        let accepted = SeatState::Accepted {
            participant: p,
            accepted_at: DateTime::UNIX_EPOCH,
            via: AcceptedVia::Invitation,
            task_reminder_at: None,
        };
        let m = msg(MessageKind::Registration, p, None);
        assert_eq!(stale_reason(&m, now(Some(&seat(accepted)), false)), None);
        assert!(stale_reason(&m, now(Some(&seat(SeatState::Vacant)), true)).is_some());
    }

    #[test]
    fn a_retraction_holds_only_for_a_seat_the_recipient_was_told_of_and_lost() {
        let p = ParticipantId::new();
        let token = InvitationToken::generate();
        let m = msg(MessageKind::InvitationRetracted, p, None);
        let vacant = seat(SeatState::Vacant);
        assert_eq!(stale_reason(&m, now(Some(&vacant), true)), None);
        assert!(stale_reason(&m, now(Some(&vacant), false)).is_some());
        assert!(stale_reason(&m, now(Some(&seat(invited(p, &token))), true)).is_some());
        // Cancellation confirmations and group messages always go out.
        let c = msg(MessageKind::Cancellation, p, None);
        assert_eq!(stale_reason(&c, now(None, false)), None);
    }
}
