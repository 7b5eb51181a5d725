//! Unit tests of seat distribution: T13 (move vacant seats to another team) and T14 (seats
//! deleted by a distribution decrease or a location edit) of `os2valghalla3-domain.md` §5.5.

use crate::ids::{SeatId, TeamId};
use crate::model::{Op, Record, RecordKey, Seat, SeatState};
use crate::rules::distribution::{
    DistributionReport, move_vacant, seats_affected_by_location_edit, set_seat_count,
};
use crate::rules::lifecycle_tests::{Fx, accepted, adult, d, early, eday, invited};
use crate::rules::{Decision, Violation};

fn deleted(d: &Decision) -> Vec<SeatId> {
    let mut v: Vec<SeatId> = d
        .ops
        .iter()
        .filter_map(|op| match op {
            Op::Delete(RecordKey::Seat(id)) => Some(*id),
            _ => None,
        })
        .collect();
    v.sort();
    v
}

fn created(d: &Decision) -> Vec<&Seat> {
    d.ops
        .iter()
        .filter_map(|op| match op {
            Op::Put(Record::Seat(s)) => Some(s),
            _ => None,
        })
        .collect()
}

fn audit_is_clean(d: &Decision) {
    assert_eq!(d.audit.len(), 1);
    assert!(d.messages.is_empty(), "distribution never messages anyone");
}

/// T14 (increase, §5.3): new seats are vacant and in the requested slot.
#[test]
fn t14_set_seat_count_increase_adds_vacant_seats() {
    let fx = Fx::new();
    let slot = fx.slot(&fx.day, eday());
    let current = vec![Seat::vacant(slot)];
    let (dec, report) =
        set_seat_count(&early(), &fx.election, &fx.location, slot, &current, 4).unwrap();
    let new = created(&dec);
    assert_eq!(new.len(), 3);
    assert!(
        new.iter()
            .all(|s| s.slot == slot && s.state == SeatState::Vacant)
    );
    assert!(new.iter().all(|s| s.id != current[0].id));
    assert_eq!(
        report,
        DistributionReport {
            before: 1,
            requested: 4,
            after: 4,
            kept_taken: 0
        }
    );
    audit_is_clean(&dec);
}

/// T14 (decrease), reference bug 5: a decrease deletes only vacant seats; invited and accepted
/// seats are kept and reported as `kept_taken`.
#[test]
fn t14_set_seat_count_decrease_keeps_invited_and_accepted_seats_reference_bug_5() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let q = adult("0202802345", [fx.team]);
    let slot = fx.slot(&fx.day, eday());
    let (inv, _) = invited(&Seat::vacant(slot), &p);
    let acc = accepted(&Seat::vacant(slot), &q);
    let v1 = Seat::vacant(slot);
    let v2 = Seat::vacant(slot);
    let current = vec![inv.clone(), v1.clone(), acc.clone(), v2.clone()];

    let (dec, report) =
        set_seat_count(&early(), &fx.election, &fx.location, slot, &current, 0).unwrap();
    let mut both = vec![v1.id, v2.id];
    both.sort();
    assert_eq!(deleted(&dec), both);
    assert_eq!(
        report,
        DistributionReport {
            before: 4,
            requested: 0,
            after: 2,
            kept_taken: 2
        }
    );
    assert!(
        dec.audit[0]
            .description
            .contains("2 besatte pladser beholdt")
    );
    audit_is_clean(&dec);

    // Asking for 3 removes one vacant seat and keeps everything taken.
    let (dec, report) =
        set_seat_count(&early(), &fx.election, &fx.location, slot, &current, 3).unwrap();
    assert_eq!(deleted(&dec).len(), 1);
    assert!(both.contains(&deleted(&dec)[0]));
    assert_eq!((report.after, report.kept_taken), (3, 0));
}

/// T14: asking for the current count changes nothing and audits nothing.
#[test]
fn t14_set_seat_count_unchanged_is_a_no_op() {
    let fx = Fx::new();
    let slot = fx.slot(&fx.day, eday());
    let current = vec![Seat::vacant(slot), Seat::vacant(slot)];
    let (dec, report) =
        set_seat_count(&early(), &fx.election, &fx.location, slot, &current, 2).unwrap();
    assert_eq!(dec, Decision::default());
    assert_eq!((report.before, report.after), (2, 2));
}

/// T14 (§5.2, reference bug 10): seats outside the working period, for a team or task type not
/// at the location, or at a location not in the election cannot be created.
#[test]
fn t14_set_seat_count_refuses_a_slot_that_does_not_fit() {
    let mut fx = Fx::new();
    let mut slot = fx.slot(&fx.day, d(2026, 6, 12));
    slot.team = TeamId::new();
    let r = set_seat_count(&early(), &fx.election, &fx.location, slot, &[], 1).unwrap_err();
    assert_eq!(
        r.violations,
        vec![
            Violation::DateOutsidePeriod {
                date: d(2026, 6, 12)
            },
            Violation::TeamNotAtLocation { team: slot.team }
        ]
    );
    fx.election.work_locations.clear();
    let slot = fx.slot(&fx.day, eday());
    let r = set_seat_count(&early(), &fx.election, &fx.location, slot, &[], 1).unwrap_err();
    assert_eq!(
        r.violations,
        vec![Violation::LocationNotInElection {
            work_location: fx.location.id
        }]
    );
}

/// T13: only vacant seats move, up to the count asked for, keeping location, date and task
/// type; nobody is messaged.
#[test]
fn t13_move_vacant_moves_only_vacant_seats() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let slot = fx.slot(&fx.day, eday());
    let (inv, _) = invited(&Seat::vacant(slot), &p);
    let v1 = Seat::vacant(slot);
    let v2 = Seat::vacant(slot);
    let seats = vec![inv.clone(), v1.clone(), v2.clone()];
    let (dec, n) = move_vacant(
        &early(),
        &fx.election,
        &fx.location,
        &seats,
        fx.other_team,
        5,
    )
    .unwrap();
    assert_eq!(n, 2);
    let moved = created(&dec);
    assert_eq!(moved.len(), 2);
    for s in &moved {
        assert_ne!(s.id, inv.id);
        assert_eq!(s.state, SeatState::Vacant);
        assert_eq!(
            s.slot,
            crate::model::SlotKey {
                team: fx.other_team,
                ..slot
            }
        );
    }
    audit_is_clean(&dec);

    let (dec, n) = move_vacant(
        &early(),
        &fx.election,
        &fx.location,
        &seats,
        fx.other_team,
        1,
    )
    .unwrap();
    assert_eq!((n, created(&dec).len()), (1, 1));
}

/// T13: the target team must staff the location.
#[test]
fn t13_move_vacant_refuses_a_team_not_at_the_location() {
    let fx = Fx::new();
    let slot = fx.slot(&fx.day, eday());
    let seats = vec![Seat::vacant(slot)];
    let stranger = TeamId::new();
    let r = move_vacant(&early(), &fx.election, &fx.location, &seats, stranger, 1).unwrap_err();
    assert_eq!(
        r.violations,
        vec![Violation::TeamNotAtLocation { team: stranger }]
    );
}

/// T14 (location edit), reference bug 6: dropping a team deletes its vacant seats but taken
/// seats block the change instead of being deleted silently.
#[test]
fn t14_location_edit_dropping_a_team_reports_taken_seats_as_blocking() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let q = adult("0202802345", [fx.team]);
    let dropped = fx.slot(&fx.day, eday());
    let mut kept_slot = dropped;
    kept_slot.team = fx.other_team;
    let vacant = Seat::vacant(dropped);
    let (inv, _) = invited(&Seat::vacant(dropped), &p);
    let acc = accepted(&Seat::vacant(dropped), &q);
    let unaffected = accepted(&Seat::vacant(kept_slot), &p);
    let seats = vec![vacant.clone(), inv.clone(), acc.clone(), unaffected.clone()];

    let mut new = fx.location.clone();
    new.teams.remove(&fx.team);
    let (remove, blocking) = seats_affected_by_location_edit(&new, &seats);
    assert_eq!(remove, vec![vacant.id]);
    let blocking: Vec<SeatId> = blocking.iter().map(|s| s.id).collect();
    assert_eq!(blocking, vec![inv.id, acc.id]);

    // Dropping a task type works the same way.
    let mut new = fx.location.clone();
    new.task_types.remove(&fx.day.id);
    let (remove, blocking) = seats_affected_by_location_edit(&new, &seats);
    assert_eq!(remove, vec![vacant.id]);
    assert_eq!(blocking.len(), 3);

    // An edit that drops nothing affects nothing.
    let (remove, blocking) = seats_affected_by_location_edit(&fx.location, &seats);
    assert!(remove.is_empty() && blocking.is_empty());
}
