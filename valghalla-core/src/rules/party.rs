//! What a party secretary (team responsible) does with their team's people besides placing a
//! member (that is [`lifecycle::occupy`]'s placement route): registering a new person, taking a
//! member off a seat before the lock period, sending an invitation again, and telling which
//! members are free for a seat.

use chrono::NaiveDate;

use crate::messages::MessageKind;
use crate::messages::template::escape_html;
use crate::model::{AuditAction, Election, RecordKey, Seat, SeatState, Team};
use crate::model::{AuditEvent, SeatChange};
use crate::rules::lifecycle::{self, PersonFacts, Route, SeatFacts};
use crate::rules::{Ctx, Decision, MessageIntent, Refused, Violation};

/// Whether a violation is about the person rather than the seat.
fn about_the_person(v: &Violation) -> bool {
    matches!(
        v,
        Violation::Ineligible(_)
            | Violation::DoubleBooked { .. }
            | Violation::NotTeamMember { .. }
            | Violation::HasCompletedTask
            | Violation::EditCreatesDoubleBooking { .. }
            | Violation::CannotRegister
    )
}

/// A refusal as a party secretary registering someone may hear it: the reasons about the seat
/// (no seat left, the election inactive, …) as they are, and any reason about the person as one
/// [`Violation::CannotRegister`] — never their age, eligibility or bookings.
pub(crate) fn hide_person(refused: Refused) -> Refused {
    let about_person = refused.violations.iter().any(about_the_person);
    let mut kept: Vec<Violation> = refused
        .violations
        .into_iter()
        .filter(|v| !about_the_person(v))
        .collect();
    if about_person {
        kept.push(Violation::CannotRegister);
    }
    Refused { violations: kept }
}

/// A party secretary registers a new person and invites them to a vacant seat of the team: the
/// invitation (T1) with the refusal told as [`hide_person`] tells it.
pub(crate) fn register(
    ctx: &Ctx,
    seat: &SeatFacts<'_>,
    person: &PersonFacts<'_>,
) -> Result<Decision, Refused> {
    lifecycle::invite(ctx, seat, person).map_err(hide_person)
}

/// A party secretary takes a member off a seat of the team: an invitation can be withdrawn at
/// any time, an accepted seat only before its lock period starts (after that the secretariat
/// decides) and never once the task took place. The member is told.
pub(crate) fn unplace(ctx: &Ctx, seat: &Seat, election: &Election) -> Result<Decision, Refused> {
    if let SeatState::Accepted { .. } = seat.state {
        let today = ctx.today();
        if seat.slot.date < today {
            return Err(Refused::one(Violation::TaskInThePast {
                date: seat.slot.date,
            }));
        }
        if let Some(last_day) = lifecycle::lock(election, seat.slot.date, today) {
            return Err(Refused::one(Violation::Locked {
                last_day,
                seat: None,
            }));
        }
    }
    lifecycle::remove_by_team(ctx, seat)
}

/// The invitation of an invited seat, sent once more (the same code: the first message's link
/// still works).
pub(crate) fn resend_invitation(ctx: &Ctx, seat: &Seat) -> Result<Decision, Refused> {
    let SeatState::Invited { participant, .. } = seat.state else {
        return Err(Refused::one(Violation::NotInvited));
    };
    Ok(Decision {
        ops: vec![],
        messages: vec![MessageIntent {
            kind: MessageKind::Invitation,
            participant,
            seat: Some(seat.id),
            custom: None,
        }],
        audit: vec![ctx.audit(
            AuditAction::SeatChange,
            RecordKey::Seat(seat.id),
            Some(participant),
            Some(seat.slot.election),
            AuditEvent::Seat {
                change: SeatChange::InvitationSentAgain,
                seat: seat.id,
                participant,
            },
        )],
    })
}

/// Whether a member could be placed on `seat` now (the placement route's every check), and if
/// not, why: what "placing shows who is free and eligible" shows.
pub(crate) fn placeable(
    ctx: &Ctx,
    seat: &SeatFacts<'_>,
    person: &PersonFacts<'_>,
) -> Result<(), Refused> {
    lifecycle::occupy(ctx, seat, person, Route::Placement).map(drop)
}

/// Whether saying no to a task on `task_date` today is late: within `days` days of the task
/// (the day itself included).
pub(crate) fn is_late(task_date: NaiveDate, today: NaiveDate, days: u32) -> bool {
    let ahead = (task_date - today).num_days();
    (0..=i64::from(days)).contains(&ahead)
}

/// When `who` declines or withdraws from `seat` late ([`is_late`]), a message to each of the
/// team's secretaries naming who and which task, so they can find someone else in time.
/// (The secretariat sees the same on its inbox page: `Valghalla::late_withdrawals`.)
pub(crate) fn late_withdrawal_alerts(
    ctx: &Ctx,
    seat: &Seat,
    team: &Team,
    who: &str,
    days: u32,
) -> Vec<MessageIntent> {
    if !is_late(seat.slot.date, ctx.today(), days) {
        return Vec::new();
    }
    let who = escape_html(who).replace('!', "&#33;");
    let body = format!(
        "<p>Kære !name</p><p>{who} har meldt fra til !task_type på !work_location den \
         !task_date kl. !task_start. Pladsen er ledig igen, og der er kort tid til opgaven.</p>\
         <p>Sæt et andet medlem på pladsen eller lav et link til den: !external_web/parti</p>"
    );
    team.responsibles
        .keys()
        .map(|secretary| MessageIntent {
            kind: MessageKind::Group,
            participant: *secretary,
            seat: Some(seat.id),
            custom: Some(("Sen afmelding".to_owned(), body.clone())),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{ElectionId, SeatId, TeamId};
    use crate::rules::{RefusalCode, RuleFailure};
    use proptest::prelude::*;

    fn person_reasons() -> Vec<Violation> {
        vec![
            Violation::NotTeamMember {
                team: TeamId::new(),
            },
            Violation::HasCompletedTask,
            Violation::DoubleBooked {
                seat: SeatId::new(),
                election: ElectionId::new(),
                window: crate::time::DailyWindow::hm(8, 0, 20, 0)
                    .expect("window")
                    .on(chrono::NaiveDate::from_ymd_opt(2026, 11, 17).expect("d")),
            },
        ]
    }

    fn seat_reasons() -> Vec<Violation> {
        vec![
            Violation::NoVacantSeat,
            Violation::ElectionInactive,
            Violation::SeatNotVacant,
        ]
    }

    proptest! {
        /// A registering secretary hears every reason about the seat and, about the person,
        /// only that the party cannot register them — once.
        #[test]
        fn hidden_refusals_keep_the_seat_and_say_nothing_about_the_person(
            person in prop::sample::subsequence(person_reasons(), 0..=3),
            seat in prop::sample::subsequence(seat_reasons(), 0..=3),
        ) {
            prop_assume!(!person.is_empty() || !seat.is_empty());
            let mut all = person.clone();
            all.extend(seat.clone());
            let told = hide_person(Refused { violations: all });
            prop_assert!(!told.violations.is_empty());
            for v in &seat {
                prop_assert!(told.violations.contains(v));
            }
            prop_assert!(told.violations.iter().all(|v| !about_the_person(v) || *v == Violation::CannotRegister));
            let cannot = told.violations.iter().filter(|v| **v == Violation::CannotRegister).count();
            prop_assert_eq!(cannot, usize::from(!person.is_empty()));
        }
    }

    #[test]
    fn late_means_within_the_days_before_the_task_and_not_after_it() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 17).expect("d");
        let before = |n: i64| day - chrono::Duration::days(n);
        assert!(is_late(day, before(0), 7));
        assert!(is_late(day, before(7), 7));
        assert!(!is_late(day, before(8), 7));
        assert!(!is_late(day, day + chrono::Duration::days(1), 7));
        assert!(!is_late(day, before(1), 0));
    }

    #[test]
    fn an_ineligible_person_is_told_as_cannot_register() {
        let failure = RuleFailure {
            rule: crate::rules::RuleId::Alive,
            compared: crate::rules::Compared::Deceased,
        };
        let told = hide_person(Refused::one(Violation::Ineligible(failure)));
        assert!(told.has(RefusalCode::CannotRegister));
        assert_eq!(told.violations.len(), 1);
    }
}
