//! Issue 18: a party secretary registers a new person by CPR number and invites them to a
//! vacant seat of the team in one step, takes a member off a seat before the lock period,
//! sends an invitation again, and sees which members are free for a seat. Refusals say nothing
//! about people outside the team.

use chrono::{TimeZone, Utc};
use valghalla_core::cpr::Cpr;
use valghalla_core::messages::MessageKind;
use valghalla_core::model::{Contact, LocationScope, SeatState};
use valghalla_core::rules::RefusalCode;
use valghalla_core::rules::access::Actor;
use valghalla_core::service::{Error, MemberRegistration};
use valghalla_core::store::OutboxFilter;
use valghalla_core::testkit::FakeRegistry;
use valghalla_core::testkit::scenario::{Scenario, election_day, municipality_code};
use valghalla_core::values::{DanishMessage, Email};

use super::{citizen, participant, scenario, seat};

async fn secretary(s: &Scenario) -> Actor {
    let sec = s.person("Sara", "Sekretær", 0).await;
    s.svc
        .set_team_responsible(&s.admin, s.teams[0].id, sec.id, Some(LocationScope::All))
        .await
        .unwrap();
    s.actor_for(&sec).await
}

fn contact() -> Contact {
    Contact {
        mobile: None,
        email: Some(Email::parse("ny@example.dk").unwrap()),
    }
}

fn new_cpr(s: &Scenario, n: u32, first: &str) -> Cpr {
    let cpr = Cpr::parse(&format!("02029{n}1234")).unwrap();
    s.registry.insert(
        cpr,
        FakeRegistry::resident(&cpr, first, "Nielsen", municipality_code()),
    );
    cpr
}

#[tokio::test]
async fn a_party_secretary_registers_a_new_person_who_is_invited_and_told_who_did_it() {
    let s = scenario().await;
    let sec = secretary(&s).await;
    let slot = s.slot(0, &s.tilforordnet, 0, election_day());
    s.seats(slot, 2).await;
    let cpr = new_cpr(&s, 0, "Bent");
    let reg = s
        .svc
        .register_member(
            &sec,
            slot,
            MemberRegistration {
                cpr,
                contact: contact(),
            },
        )
        .await
        .unwrap();
    assert_eq!(reg.name, "Bent Nielsen");
    let p = participant(&s, reg.participant).await.unwrap();
    assert_eq!(p.teams, [s.teams[0].id].into());
    assert!(matches!(
        seat(&s, reg.seat).await.state,
        SeatState::Invited { participant, .. } if participant == reg.participant
    ));
    let messages = s
        .store
        .outbox(&OutboxFilter {
            participant: Some(reg.participant),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].kind, MessageKind::Invitation);
    let (_, body) = messages[0]
        .custom
        .as_ref()
        .expect("the registration's own text");
    assert!(body.contains("Sara Sekretær"), "{body}");
    assert!(body.contains("!invitation"), "{body}");
    assert!(body.contains("nej tak"), "{body}");
    // The person answers through the ordinary invitation: they can decline.
    s.svc.decline(&citizen(&p), reg.seat, None).await.unwrap();
    assert_eq!(seat(&s, reg.seat).await.state, SeatState::Vacant);
}

#[tokio::test]
async fn a_registration_refusal_says_nothing_about_the_person() {
    let s = scenario().await;
    let sec = secretary(&s).await;
    let slot = s.slot(0, &s.tilforordnet, 0, election_day());
    s.seats(slot, 1).await;
    // Someone already known, in another team: refused without a word about them.
    let other = s.person("Ole", "Andensen", 1).await;
    let err = s
        .svc
        .register_member(
            &sec,
            slot,
            MemberRegistration {
                cpr: other.cpr,
                contact: contact(),
            },
        )
        .await
        .unwrap_err();
    assert!(err.is_refused(RefusalCode::CannotRegister), "{err}");
    let text = err.message_da();
    assert!(!text.contains("Ole"), "{text}");
    assert!(participant(&s, other.id).await.unwrap().teams == [s.teams[1].id].into());
    // A person under 18 on election day: the same refusal, not their age.
    let young = Cpr::parse("0101154234").unwrap();
    s.registry.insert(
        young,
        FakeRegistry::resident(&young, "Lille", "Ung", municipality_code()),
    );
    let err = s
        .svc
        .register_member(
            &sec,
            slot,
            MemberRegistration {
                cpr: young,
                contact: contact(),
            },
        )
        .await
        .unwrap_err();
    match &err {
        Error::Refused(r) => {
            assert_eq!(r.violations.len(), 1, "{r:?}");
            assert!(r.has(RefusalCode::CannotRegister));
        }
        other => panic!("{other}"),
    }
    // Missing contact details are a field error; nothing is created.
    let cpr = new_cpr(&s, 1, "Carl");
    let err = s
        .svc
        .register_member(
            &sec,
            slot,
            MemberRegistration {
                cpr,
                contact: Contact::default(),
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Invalid(ref f) if f.field == "contact"),
        "{err}"
    );
    assert!(s.svc.participant_for_login(&cpr).await.unwrap().is_none());
}

#[tokio::test]
async fn another_teams_secretary_cannot_register_into_a_team_that_is_not_theirs() {
    let s = scenario().await;
    let sec = secretary(&s).await;
    let slot = s.slot(0, &s.tilforordnet, 1, election_day());
    s.seats(slot, 1).await;
    let cpr = new_cpr(&s, 2, "Dorte");
    let err = s
        .svc
        .register_member(
            &sec,
            slot,
            MemberRegistration {
                cpr,
                contact: contact(),
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Denied(_)), "{err}");
    assert!(s.svc.participant_for_login(&cpr).await.unwrap().is_none());
}

#[tokio::test]
async fn a_member_is_taken_off_a_seat_before_the_lock_period_but_not_inside_it() {
    let s = scenario().await;
    let sec = secretary(&s).await;
    let member = s.person("Mette", "Medlem", 0).await;
    let slot = s.slot(0, &s.tilforordnet, 0, election_day());
    s.seats(slot, 1).await;
    let placed = s
        .svc
        .place_member(
            &sec,
            valghalla_core::service::SeatRef::AnyIn(slot),
            member.id,
        )
        .await
        .unwrap();
    s.svc.unplace_member(&sec, placed).await.unwrap();
    assert_eq!(seat(&s, placed).await.state, SeatState::Vacant);
    let told = s
        .store
        .outbox(&OutboxFilter {
            participant: Some(member.id),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(told.iter().any(|m| m.kind == MessageKind::RemovedFromTask));
    // Placed again, and the lock period starts: the secretary can no longer take them off.
    s.svc.place_member(&sec, placed, member.id).await.unwrap();
    s.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 16, 9, 0, 0).unwrap());
    let err = s.svc.unplace_member(&sec, placed).await.unwrap_err();
    assert!(err.is_refused(RefusalCode::Locked), "{err}");
    // Another team's secretary may not touch the seat at all.
    let other = s.person("Per", "Andet", 1).await;
    s.svc
        .set_team_responsible(&s.admin, s.teams[1].id, other.id, Some(LocationScope::All))
        .await
        .unwrap();
    let other = s.actor_for(&other).await;
    assert!(matches!(
        s.svc.unplace_member(&other, placed).await.unwrap_err(),
        Error::Denied(_)
    ));
}

#[tokio::test]
async fn an_invitation_is_sent_again_with_the_same_link() {
    let s = scenario().await;
    let sec = secretary(&s).await;
    let slot = s.slot(0, &s.tilforordnet, 0, election_day());
    s.seats(slot, 1).await;
    let cpr = new_cpr(&s, 3, "Erik");
    let reg = s
        .svc
        .register_member(
            &sec,
            slot,
            MemberRegistration {
                cpr,
                contact: contact(),
            },
        )
        .await
        .unwrap();
    s.svc.resend_invitation(&sec, reg.seat).await.unwrap();
    let invitations: Vec<_> = s
        .store
        .outbox(&OutboxFilter {
            participant: Some(reg.participant),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == MessageKind::Invitation)
        .collect();
    assert_eq!(invitations.len(), 2);
    assert_eq!(
        invitations[0].facts.get("invitation"),
        invitations[1].facts.get("invitation")
    );
    // An accepted seat has no invitation to send.
    let p = participant(&s, reg.participant).await.unwrap();
    s.svc.accept(&citizen(&p), reg.seat, None).await.unwrap();
    let err = s.svc.resend_invitation(&sec, reg.seat).await.unwrap_err();
    assert!(err.is_refused(RefusalCode::NotInvited), "{err}");
}

#[tokio::test]
async fn placing_shows_which_members_are_free() {
    let s = scenario().await;
    let sec = secretary(&s).await;
    let free = s.person("Anna", "Fri", 0).await;
    let busy = s.person("Bo", "Optaget", 0).await;
    let slot = s.slot(0, &s.tilforordnet, 0, election_day());
    s.seats(slot, 2).await;
    let elsewhere = s.slot(1, &s.tilforordnet, 0, election_day());
    s.seats(elsewhere, 1).await;
    s.svc
        .place_member(
            &sec,
            valghalla_core::service::SeatRef::AnyIn(elsewhere),
            busy.id,
        )
        .await
        .unwrap();
    let candidates = s.svc.placement_candidates(&sec, slot).await.unwrap();
    let of = |id| candidates.iter().find(|c| c.participant == id).unwrap();
    assert!(of(free.id).refused.is_none());
    let refused = of(busy.id).refused.as_ref().expect("busy");
    assert!(refused.has(RefusalCode::DoubleBooked), "{refused:?}");
    // Free members come first.
    assert!(candidates[0].refused.is_none());
    // Only the team's own secretary (or the secretariat) may ask.
    let stranger = citizen(&free);
    assert!(s.svc.placement_candidates(&stranger, slot).await.is_err());
}

#[tokio::test]
async fn a_late_withdrawal_tells_the_team_secretary_and_shows_on_both_lists() {
    let s = scenario().await;
    let sec_actor = secretary(&s).await;
    let Actor::Person(sec) = &sec_actor else {
        panic!("a person")
    };
    let early = s.person("Tidlig", "Afbud", 0).await;
    let late = s.person("Sen", "Afbud", 0).await;
    let slot = s.slot(0, &s.tilforordnet, 0, election_day());
    s.seats(slot, 2).await;
    let mut placed = Vec::new();
    for p in [&early, &late] {
        placed.push(
            s.svc
                .place_member(
                    &sec_actor,
                    valghalla_core::service::SeatRef::AnyIn(slot),
                    p.id,
                )
                .await
                .unwrap(),
        );
    }
    // Ten days before: not late.
    s.svc.withdraw(&citizen(&early), placed[0]).await.unwrap();
    let alerts = |all: Vec<valghalla_core::store::OutboxMessage>| {
        all.into_iter()
            .filter(|m| {
                m.custom
                    .as_ref()
                    .is_some_and(|(subject, _)| subject == "Sen afmelding")
            })
            .collect::<Vec<_>>()
    };
    let to_secretary = OutboxFilter {
        participant: Some(sec.participant),
        ..Default::default()
    };
    assert!(alerts(s.store.outbox(&to_secretary).await.unwrap()).is_empty());
    // Six days before (the default is seven; the lock period is four): late.
    s.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 11, 9, 0, 0).unwrap());
    s.svc.withdraw(&citizen(&late), placed[1]).await.unwrap();
    let sent = alerts(s.store.outbox(&to_secretary).await.unwrap());
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].seat, Some(placed[1]));
    assert!(sent[0].custom.as_ref().unwrap().1.contains("Sen Afbud"));
    // The secretariat and the team's secretary see the late one only.
    for (actor, team) in [(&s.admin, None), (&sec_actor, Some(s.teams[0].id))] {
        let list = s
            .svc
            .late_withdrawals(actor, s.election.id, team)
            .await
            .unwrap();
        assert_eq!(list.len(), 1, "{list:?}");
        assert_eq!(list[0].name, "Sen Afbud");
    }
    // Another team's secretary may not read them.
    let other = s.person("Per", "Andet", 1).await;
    s.svc
        .set_team_responsible(&s.admin, s.teams[1].id, other.id, Some(LocationScope::All))
        .await
        .unwrap();
    let other = s.actor_for(&other).await;
    assert!(
        s.svc
            .late_withdrawals(&other, s.election.id, Some(s.teams[0].id))
            .await
            .is_err()
    );
    assert!(
        s.svc
            .late_withdrawals(&other, s.election.id, None)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_party_secretary_writes_to_their_own_members_only() {
    let s = scenario().await;
    let sec = secretary(&s).await;
    let mine = s.person("Mia", "Medlem", 0).await;
    let theirs = s.person("Tom", "Andet", 1).await;
    let ids = s
        .svc
        .message_team(&sec, s.teams[0].id, "Møde", "Vi ses <b>tirsdag</b>!")
        .await
        .unwrap();
    // Every member of party A (the secretary too), nobody else.
    let members = s.svc.team_members(&sec, s.teams[0].id).await.unwrap();
    assert_eq!(ids.len(), members.len());
    let outbox = s.store.outbox(&OutboxFilter::default()).await.unwrap();
    let sent: Vec<_> = outbox.iter().filter(|m| ids.contains(&m.id)).collect();
    assert!(sent.iter().any(|m| m.participant == mine.id));
    assert!(sent.iter().all(|m| m.participant != theirs.id));
    let (_, body) = sent[0].custom.as_ref().unwrap();
    assert!(!body.contains("<b>tirsdag"), "escaped: {body}");
    // Not another team, not an empty text.
    assert!(matches!(
        s.svc
            .message_team(&sec, s.teams[1].id, "Møde", "Hej")
            .await
            .unwrap_err(),
        Error::Denied(_)
    ));
    assert!(matches!(
        s.svc
            .message_team(&sec, s.teams[0].id, "Møde", " ")
            .await
            .unwrap_err(),
        Error::Invalid(_)
    ));
}
