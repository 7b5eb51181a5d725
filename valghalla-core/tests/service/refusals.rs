//! Point 3: a refusal contains only facts the actor may read. A party secretary naming a person
//! outside their teams hears "not a member of your team" and nothing about the person's age or
//! bookings.

use chrono::NaiveDate;
use valghalla_core::model::EligibilityRule;
use valghalla_core::model::{LocationScope, Participant};
use valghalla_core::rules::Violation;
use valghalla_core::rules::access::Actor;
use valghalla_core::rules::{RefusalCode, RuleId};
use valghalla_core::service::Error;
use valghalla_core::testkit::scenario::{Scenario, election_day};
use valghalla_core::values::DanishMessage;

use super::scenario;

/// A party secretary for team 0 (A), and a person of team 1 (V) who is 16 and already invited
/// to an overlapping seat (the fintæller evening of election day).
async fn outsider() -> (Scenario, Actor, Participant) {
    let s = scenario().await;
    let secretary = s.person("Sara", "Sekretær", 0).await;
    s.svc
        .set_team_responsible(
            &s.admin,
            s.teams[0].id,
            secretary.id,
            Some(LocationScope::All),
        )
        .await
        .unwrap();
    let actor = s.actor_for(&secretary).await;
    let young = s.person("Ung", "Person", 1).await;
    s.registry.update(&young.cpr, |r| {
        r.birth_date = NaiveDate::from_ymd_opt(2010, 5, 1).unwrap();
    });
    s.svc.revalidate(&s.admin, young.id).await.unwrap();
    // Fintællere are not checked for eligibility, so the 16-year-old may hold this one.
    let other = s
        .seats(s.slot(1, &s.fintaeller, 1, election_day()), 1)
        .await
        .remove(0);
    s.svc.invite(&s.admin, other.id, young.id).await.unwrap();
    (s, actor, young)
}

#[tokio::test]
async fn a_party_secretary_naming_an_outsider_hears_only_not_a_member_of_your_team() {
    let (s, secretary, young) = outsider().await;
    let seat = s
        .seats(s.slot(0, &s.tilforordnet, 0, election_day()), 1)
        .await
        .remove(0);
    let err = s
        .svc
        .place_member(&secretary, seat.id, young.id)
        .await
        .unwrap_err();
    let Error::Refused(refused) = &err else {
        panic!("{err}")
    };
    assert_eq!(
        refused.violations,
        vec![Violation::NotTeamMember {
            team: s.teams[0].id
        }]
    );
    for text in [err.to_string(), err.message_da()] {
        assert!(!text.contains("18"), "{text}");
        let has_time = text
            .as_bytes()
            .windows(3)
            .any(|w| w[0].is_ascii_digit() && w[1] == b':' && w[2].is_ascii_digit());
        assert!(!has_time, "no times: {text}");
        assert!(
            !text.contains("opgave fra") && !text.contains("task from"),
            "{text}"
        );
    }
}

#[tokio::test]
async fn a_secretary_who_may_read_the_person_hears_every_reason() {
    let (s, _, young) = outsider().await;
    // A secretary of both teams may read the person, so may hear why.
    let both = s.person("Bent", "Begge", 0).await;
    for team in [0, 1] {
        s.svc
            .set_team_responsible(
                &s.admin,
                s.teams[team].id,
                both.id,
                Some(LocationScope::All),
            )
            .await
            .unwrap();
    }
    let actor = s.actor_for(&both).await;
    let seat = s
        .seats(s.slot(0, &s.tilforordnet, 0, election_day()), 1)
        .await
        .remove(0);
    let err = s
        .svc
        .place_member(&actor, seat.id, young.id)
        .await
        .unwrap_err();
    assert!(err.is_refused(RefusalCode::NotTeamMember), "{err}");
    assert!(err.is_refused(RefusalCode::DoubleBooked), "{err}");
    assert!(
        err.is_refused(RefusalCode::Ineligible(RuleId::Rule(
            EligibilityRule::Age18OnElectionDay
        ))),
        "{err}"
    );
}

#[tokio::test]
async fn a_denied_profile_view_does_not_name_the_persons_teams() {
    let (s, secretary, young) = outsider().await;
    let err = s.svc.participant(&secretary, young.id).await.unwrap_err();
    let Error::Denied(denied) = &err else {
        panic!("{err}")
    };
    assert_eq!(
        denied.permission,
        valghalla_core::rules::access::Permission::ReadParticipant {
            participant: young.id,
            teams: Default::default(),
        }
    );
    assert!(!err.to_string().contains(&s.teams[1].id.to_string()));
}
