//! The service end to end on the store: the seat lifecycle, the calendar entries stored with
//! its messages, the overview and lists against hand counts, and unauthorised actors who change
//! nothing.

use std::collections::BTreeSet;

use chrono::{Duration, TimeZone, Utc};

use super::sorted;
use crate::ids::SeatId;
use crate::messages::MessageKind;
use crate::messages::calendar::CalendarPurpose;
use crate::model::{InvitationToken, LinkKind, SeatState, SeatStatus};
use crate::rules::Answer;
use crate::rules::RefusalCode;
use crate::rules::access::{Actor, PersonActor, StaffRole};
use crate::service::{AreaDraft, Error, OverviewFilter, ParticipantFilter};
use crate::store::{AuditFilter, DynStore, OutboxFilter, Query};
use crate::testkit::scenario::{Scenario, election_day};

/// Invite → accept → withdraw through the service, with messages in the outbox and rejections
/// in the history.
pub async fn invite_accept_withdraw_through_the_service(store: DynStore) {
    let s = Scenario::new(store).await;
    let slot = s.slot(0, &s.tilforordnet, 0, election_day());
    let seats = s.seats(slot, 2).await;
    let karen = s.person("Karen", "Jensen", 0).await;
    s.svc
        .invite(&s.admin, seats[0].id, karen.id)
        .await
        .expect("invite");
    let token = match &s.slot_seats(slot).await[0].state {
        SeatState::Invited { token, .. } => token.clone(),
        other => panic!("expected invited, got {other:?}"),
    };
    let karen_actor = Scenario::citizen(&karen);
    let forged = InvitationToken::from_string("forged".into());
    let wrong = s
        .svc
        .accept(&karen_actor, seats[0].id, Some(&forged))
        .await
        .expect_err("wrong token");
    assert!(
        wrong.is_refused(RefusalCode::WrongInvitationToken),
        "{wrong}"
    );
    s.svc
        .accept(&karen_actor, seats[0].id, Some(&token))
        .await
        .expect("accept");
    assert!(matches!(
        s.slot_seats(slot).await[0].state,
        SeatState::Accepted { .. }
    ));
    let kinds: Vec<MessageKind> = s
        .store
        .outbox(&OutboxFilter {
            participant: Some(karen.id),
            ..Default::default()
        })
        .await
        .expect("outbox")
        .iter()
        .map(|m| m.kind)
        .collect();
    let mut kinds = kinds;
    kinds.sort();
    assert_eq!(
        kinds,
        vec![MessageKind::Invitation, MessageKind::Registration]
    );
    // Ten days before the task: outside the 4-day lock period.
    s.svc
        .withdraw(&karen_actor, seats[0].id)
        .await
        .expect("withdraw");
    assert_eq!(s.slot_seats(slot).await[0].state, SeatState::Vacant);
    let rejections = s
        .store
        .query(&Query::RejectionsOfParticipant(karen.id))
        .await
        .expect("q");
    assert_eq!(rejections.len(), 1);
    // Inside the lock period a withdrawal is refused with the last day.
    s.svc
        .invite(&s.admin, seats[1].id, karen.id)
        .await
        .expect("invite again");
    s.clock.set(
        Utc.with_ymd_and_hms(2026, 11, 14, 9, 0, 0)
            .single()
            .expect("t"),
    );
    let locked = s
        .svc
        .withdraw(&karen_actor, seats[1].id)
        .await
        .expect_err("locked");
    assert!(locked.is_refused(RefusalCode::Locked), "{locked}");
    assert!(matches!(
        s.slot_seats(slot).await[1].state,
        SeatState::Invited { .. }
    ));
}

/// Each message carries the calendar entry its change calls for, stored with it: the task with
/// the acceptance, its cancellation (same seat, a higher `SEQUENCE`) when the person withdraws or
/// is removed after accepting, and nothing with an invitation or a declined one.
pub async fn calendar_entries_are_stored_with_their_messages(store: DynStore) {
    let s = Scenario::new(store).await;
    let slot = s.slot(0, &s.fintaeller, 0, election_day());
    let seats = s.seats(slot, 3).await;
    let karen = s.person("Karen", "Jensen", 0).await;
    let karen_actor = Scenario::citizen(&karen);
    // Invited and accepted, then withdrawn.
    s.svc
        .invite(&s.admin, seats[0].id, karen.id)
        .await
        .expect("invite");
    s.svc
        .accept(&karen_actor, seats[0].id, None)
        .await
        .expect("accept");
    s.svc
        .withdraw(&karen_actor, seats[0].id)
        .await
        .expect("withdraw");
    // Invited and declined.
    s.svc
        .invite(&s.admin, seats[1].id, karen.id)
        .await
        .expect("invite");
    s.svc
        .decline(&karen_actor, seats[1].id, None)
        .await
        .expect("decline");
    // Accepted, reminded five days before, then removed by the secretariat.
    s.svc
        .invite(&s.admin, seats[2].id, karen.id)
        .await
        .expect("invite");
    s.svc
        .accept(&karen_actor, seats[2].id, None)
        .await
        .expect("accept");
    s.clock.set(
        Utc.with_ymd_and_hms(2026, 11, 12, 9, 0, 0)
            .single()
            .expect("t"),
    );
    let system = Actor::System {
        job: "påmindelser".into(),
    };
    s.svc
        .run_task_reminders(&system, &crate::jobs::JobsConfig::default())
        .await
        .expect("reminders");
    s.svc
        .remove_from_seat(&s.admin, seats[2].id)
        .await
        .expect("remove");
    let messages = s
        .store
        .outbox(&OutboxFilter {
            participant: Some(karen.id),
            ..Default::default()
        })
        .await
        .expect("outbox");
    let of = |seat: SeatId, kind: MessageKind| {
        messages
            .iter()
            .find(|m| m.seat == Some(seat) && m.kind == kind)
            .unwrap_or_else(|| panic!("a {kind:?} message about {seat}"))
    };
    for (seat, kind) in [
        (seats[0].id, MessageKind::Invitation),
        (seats[1].id, MessageKind::Invitation),
        (seats[1].id, MessageKind::Cancellation),
    ] {
        assert_eq!(of(seat, kind).calendar, None, "{kind:?} about {seat}");
    }
    for (seat, ended_by) in [
        (seats[0].id, MessageKind::Cancellation),
        (seats[2].id, MessageKind::RemovedFromTask),
    ] {
        let request = of(seat, MessageKind::Registration)
            .calendar
            .clone()
            .expect("the acceptance carries the task");
        let cancel = of(seat, ended_by)
            .calendar
            .clone()
            .expect("the end of the task carries its cancellation");
        assert_eq!(request.purpose, CalendarPurpose::Request);
        assert_eq!(cancel.purpose, CalendarPurpose::Cancel);
        assert_eq!((request.event.seat, cancel.event.seat), (seat, seat));
        assert!(
            cancel.event.sequence > request.event.sequence,
            "{} > {}",
            cancel.event.sequence,
            request.event.sequence
        );
        // The task's real window: 17:00 to 02:00 the next night, Danish time.
        let window = s.fintaeller.window.on(election_day());
        assert_eq!(request.event.window, window);
        assert_eq!(window.end - window.start, Duration::hours(9));
        assert_eq!(request.event.task_type, "Fintæller");
        assert_eq!(request.event.work_location, s.stations[0].title.to_string());
    }
    // The task reminder carries the task again, newer than the acceptance's and older than
    // the cancellation's.
    let reminder = of(seats[2].id, MessageKind::TaskReminder)
        .calendar
        .clone()
        .expect("the task reminder carries the task");
    let sequence = |kind| {
        of(seats[2].id, kind)
            .calendar
            .as_ref()
            .map_or(0, |c| c.event.sequence)
    };
    assert_eq!(reminder.purpose, CalendarPurpose::Request);
    assert!(sequence(MessageKind::Registration) < reminder.event.sequence);
    assert!(reminder.event.sequence < sequence(MessageKind::RemovedFromTask));
}

/// The overview's counts equal counts made by hand, per cell, per location and per team.
pub async fn overview_counts_match_hand_counts(store: DynStore) {
    let s = Scenario::new(store).await;
    let day = election_day();
    let a_tf = s.slot(0, &s.tilforordnet, 0, day);
    let v_tf = s.slot(0, &s.tilforordnet, 1, day);
    let a_vs = s.slot(1, &s.valgstyrer, 0, day);
    let a_seats = s.seats(a_tf, 4).await;
    s.seats(v_tf, 2).await;
    let vs = s.seats(a_vs, 1).await;
    let (p1, p2, p3) = (
        s.person("Anne", "Bech", 0).await,
        s.person("Bo", "Dahl", 0).await,
        s.person("Åse", "Ørum", 0).await,
    );
    s.svc
        .invite(&s.admin, a_seats[0].id, p1.id)
        .await
        .expect("invite");
    s.svc
        .invite(&s.admin, a_seats[1].id, p2.id)
        .await
        .expect("invite");
    s.svc
        .accept(&Scenario::citizen(&p2), a_seats[1].id, None)
        .await
        .expect("accept");
    s.svc
        .invite(&s.admin, vs[0].id, p3.id)
        .await
        .expect("invite");
    s.svc
        .decline(&Scenario::citizen(&p3), vs[0].id, None)
        .await
        .expect("decline");
    let o = s
        .svc
        .overview(&s.admin, s.election.id, &OverviewFilter::default())
        .await
        .expect("overview");
    assert_eq!(
        (
            o.totals.seats,
            o.totals.vacant,
            o.totals.invited,
            o.totals.accepted,
            o.totals.rejected
        ),
        (7, 5, 1, 1, 1)
    );
    let locs: Vec<&str> = o.areas[0]
        .locations
        .iter()
        .map(|l| l.title.as_str())
        .collect();
    assert_eq!(locs, vec!["Hallen", "Korsbæk Skole"], "Danish order");
    let skole = &o.areas[0].locations[1];
    let a_row = skole
        .rows
        .iter()
        .find(|r| r.team == s.teams[0].id)
        .expect("row");
    assert_eq!(
        (
            a_row.counts.seats,
            a_row.counts.vacant,
            a_row.counts.invited,
            a_row.counts.accepted
        ),
        (4, 2, 1, 1)
    );
    let hallen = &o.areas[0].locations[0];
    assert_eq!(
        (
            hallen.totals.seats,
            hallen.totals.vacant,
            hallen.totals.rejected
        ),
        (1, 1, 1)
    );
    let a_share = o
        .shares
        .iter()
        .find(|t| t.team == s.teams[0].id)
        .expect("share");
    assert_eq!(
        (
            a_share.counts.seats,
            a_share.share_permille,
            a_share.filled_permille
        ),
        (5, 714, 200)
    );
    // A team's own overview never shows another team.
    let secretary = s.person("Per", "Holm", 0).await;
    s.svc
        .set_team_responsible(
            &s.admin,
            s.teams[0].id,
            secretary.id,
            Some(crate::model::LocationScope::All),
        )
        .await
        .expect("responsible");
    let actor = s.actor_for(&secretary).await;
    let mine = s
        .svc
        .team_overview(&actor, s.election.id, s.teams[0].id)
        .await
        .expect("team overview");
    assert!(
        mine.areas
            .iter()
            .flat_map(|a| &a.locations)
            .flat_map(|l| &l.rows)
            .all(|r| r.team == s.teams[0].id)
    );
    assert_eq!(mine.totals.seats, 5);
    let theirs = s
        .svc
        .team_overview(&actor, s.election.id, s.teams[1].id)
        .await
        .expect_err("other team");
    assert!(matches!(theirs, Error::Denied(_)));
    // Filters.
    let only_v = s
        .svc
        .overview(
            &s.admin,
            s.election.id,
            &OverviewFilter {
                teams: [s.teams[1].id].into(),
                ..Default::default()
            },
        )
        .await
        .expect("overview");
    assert_eq!(only_v.totals.seats, 2);
}

/// Participant lists, own tasks, team members, location staff and the audit log answer what
/// was done, in Danish order.
pub async fn participant_queries_match_hand_counts(store: DynStore) {
    let s = Scenario::new(store).await;
    let day = election_day();
    let tf = s.seats(s.slot(0, &s.tilforordnet, 0, day), 3).await;
    // The final count runs 17:00–02:00 the day after: it does not overlap election day.
    let ft = s
        .seats(s.slot(1, &s.fintaeller, 0, day + Duration::days(1)), 1)
        .await;
    let (oe, aa, b) = (
        s.person("Øjvind", "Ørum", 0).await,
        s.person("Aase", "Aagaard", 0).await,
        s.person("Bente", "Bech", 1).await,
    );
    for (seat, p) in [(tf[0].id, &oe), (tf[1].id, &aa), (ft[0].id, &oe)] {
        s.svc.invite(&s.admin, seat, p.id).await.expect("invite");
    }
    s.svc
        .accept(&Scenario::citizen(&aa), tf[1].id, None)
        .await
        .expect("accept");
    let rows = s
        .svc
        .participant_list(&s.admin, s.election.id, &ParticipantFilter::default())
        .await
        .expect("list");
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        vec!["Øjvind Ørum", "Øjvind Ørum", "Aase Aagaard"],
        "Danish order: Ø before Aa"
    );
    let accepted = s
        .svc
        .participant_list(
            &s.admin,
            s.election.id,
            &ParticipantFilter {
                statuses: [SeatStatus::Accepted].into(),
                ..Default::default()
            },
        )
        .await
        .expect("list");
    assert_eq!(accepted.len(), 1);
    assert_eq!(accepted[0].participant, aa.id);
    let by_location = s
        .svc
        .participant_list(
            &s.admin,
            s.election.id,
            &ParticipantFilter {
                work_locations: [s.stations[1].id].into(),
                ..Default::default()
            },
        )
        .await
        .expect("list");
    assert_eq!(by_location.len(), 1);
    assert_eq!(by_location[0].task_type, "Fintæller");
    let mine = s
        .svc
        .my_tasks(&Scenario::citizen(&oe))
        .await
        .expect("my tasks");
    assert_eq!(mine.len(), 2);
    assert!(
        mine.iter()
            .all(|t| t.status == SeatStatus::Invited && !t.locked)
    );
    let members = s
        .svc
        .team_members(&s.admin, s.teams[0].id)
        .await
        .expect("members");
    let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, vec!["Øjvind Ørum", "Aase Aagaard"]);
    assert_eq!(members[0].seats.len(), 2);
    assert!(!names.contains(&b.full_name().as_str()));
    let staff = s
        .svc
        .location_staff(&s.admin, s.election.id, s.stations[0].id)
        .await
        .expect("staff");
    assert_eq!(staff.len(), 1);
    assert_eq!(staff[0].people.len(), 1, "only accepted people");
    assert_eq!(staff[0].counts.seats, 3);
    let log = s
        .svc
        .audit_log(
            &s.admin,
            &AuditFilter {
                participant: Some(aa.id),
                ..Default::default()
            },
        )
        .await
        .expect("log");
    assert!(
        log.iter()
            .any(|e| e.description.contains("Sagde ja til invitationen"))
    );
    for e in &log {
        assert!(
            !e.description.contains(&aa.cpr.reveal()[6..]),
            "no CPR in the audit log"
        );
    }
}

/// Every command refuses an actor without the right, with a typed error, and changes nothing.
pub async fn unauthorised_actors_change_nothing(store: DynStore) {
    let s = Scenario::new(store).await;
    let slot = s.slot(0, &s.tilforordnet, 0, election_day());
    let seats = s.seats(slot, 2).await;
    let p = s.person("Karen", "Jensen", 0).await;
    let other = s.person("Ole", "Olsen", 1).await;
    s.svc
        .invite(&s.admin, seats[0].id, p.id)
        .await
        .expect("invite");
    let before = sorted(
        s.store
            .query(&Query::SeatsOfElection(s.election.id))
            .await
            .expect("q"),
    );
    let outbox_before = s
        .store
        .outbox(&OutboxFilter::default())
        .await
        .expect("outbox")
        .len();
    let reader = Actor::Secretariat {
        user: "læser".into(),
        role: StaffRole::Reader,
    };
    let stranger = Scenario::citizen(&other);
    let anonymous = Actor::Anonymous;
    let secretary_of_v = Actor::Person(PersonActor {
        participant: other.id,
        responsible_for_teams: [(s.teams[1].id, crate::model::LocationScope::All)].into(),
        responsible_for_locations: BTreeSet::new(),
    });
    for actor in [&reader, &stranger, &anonymous, &secretary_of_v] {
        let results: Vec<(&str, Result<(), Error>)> = vec![
            (
                "invite",
                s.svc.invite(actor, seats[1].id, other.id).await.map(|_| ()),
            ),
            ("remove", s.svc.remove_from_seat(actor, seats[0].id).await),
            (
                "on behalf",
                s.svc
                    .answer_on_behalf(actor, seats[0].id, Answer::Accept, None)
                    .await,
            ),
            (
                "distribute",
                s.svc.set_seat_count(actor, slot, 9).await.map(|_| ()),
            ),
            (
                "place",
                s.svc
                    .place_member(actor, seats[1].id, other.id)
                    .await
                    .map(|_| ()),
            ),
            (
                "area",
                s.svc
                    .create_area(
                        actor,
                        AreaDraft {
                            name: "Ny".into(),
                            description: "".into(),
                        },
                    )
                    .await
                    .map(|_| ()),
            ),
            (
                "activate",
                s.svc.set_election_active(actor, s.election.id, false).await,
            ),
            (
                "delete participant",
                s.svc.delete_participant(actor, p.id).await.map(drop),
            ),
            (
                "remove from team",
                s.svc.remove_from_team(actor, s.teams[0].id, p.id).await,
            ),
            (
                "link",
                s.svc
                    .create_link(
                        actor,
                        LinkKind::Team {
                            team: s.teams[0].id,
                        },
                    )
                    .await
                    .map(|_| ()),
            ),
        ];
        for (what, r) in results {
            assert!(
                matches!(r, Err(Error::Denied(_))),
                "{what} by {actor:?}: {r:?}"
            );
        }
        if !matches!(actor, Actor::Person(_)) {
            let r = s.svc.accept(actor, seats[0].id, None).await;
            assert!(matches!(r, Err(Error::Denied(_))), "accept by {actor:?}");
        }
    }
    // A citizen cannot answer someone else's invitation: the seat is not theirs.
    let r = s.svc.accept(&stranger, seats[0].id, None).await;
    assert!(
        r.as_ref()
            .is_err_and(|e| e.is_refused(RefusalCode::NotInvited)),
        "{r:?}"
    );
    let after = sorted(
        s.store
            .query(&Query::SeatsOfElection(s.election.id))
            .await
            .expect("q"),
    );
    assert_eq!(before, after, "nothing changed");
    assert_eq!(
        outbox_before,
        s.store
            .outbox(&OutboxFilter::default())
            .await
            .expect("outbox")
            .len()
    );
    // Overview and CPR: readers read, citizens don't.
    assert!(
        s.svc
            .overview(&reader, s.election.id, &OverviewFilter::default())
            .await
            .is_ok()
    );
    assert!(matches!(
        s.svc
            .overview(&stranger, s.election.id, &OverviewFilter::default())
            .await,
        Err(Error::Denied(_))
    ));
    assert_eq!(
        s.svc
            .participant(&reader, p.id)
            .await
            .expect("view")
            .full_cpr,
        None
    );
    assert!(
        s.svc
            .participant(&s.admin, p.id)
            .await
            .expect("view")
            .full_cpr
            .is_some()
    );
}
