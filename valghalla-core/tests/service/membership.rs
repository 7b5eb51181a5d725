//! Point 2: team membership is its own permission. A person joins a team only through its link
//! (or by the secretariat); they may leave a team on their own while no accepted seat ties them.

use std::collections::BTreeSet;

use valghalla_core::model::{Contact, LinkKind};
use valghalla_core::rules::RefusalCode;
use valghalla_core::service::Error;
use valghalla_core::testkit::scenario::election_day;

use super::{citizen, participant, scenario};

#[tokio::test]
async fn a_citizen_cannot_join_a_party_by_editing_their_own_profile() {
    let s = scenario().await;
    let p = s.person("Bo", "Dam", 2).await;
    let teams: BTreeSet<_> = [s.teams[2].id, s.teams[0].id].into();
    let err = s
        .svc
        .edit_participant(
            &citizen(&p),
            p.id,
            Contact::default(),
            BTreeSet::new(),
            Some(teams),
            None,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Denied(_)), "{err}");
    assert_eq!(
        participant(&s, p.id).await.unwrap().teams,
        [s.teams[2].id].into()
    );
}

#[tokio::test]
async fn a_citizen_may_leave_a_team_on_their_own() {
    let s = scenario().await;
    let p = s.person("Bo", "Dam", 2).await;
    let both: BTreeSet<_> = [s.teams[2].id, s.teams[0].id].into();
    s.svc
        .edit_participant(
            &s.admin,
            p.id,
            Contact::default(),
            BTreeSet::new(),
            Some(both),
            None,
        )
        .await
        .unwrap();
    let after = s
        .svc
        .edit_participant(
            &citizen(&p),
            p.id,
            Contact::default(),
            BTreeSet::new(),
            Some([s.teams[2].id].into()),
            None,
        )
        .await
        .unwrap();
    assert_eq!(after.teams, [s.teams[2].id].into());
}

#[tokio::test]
async fn leaving_a_team_with_an_accepted_seat_in_it_is_refused() {
    let s = scenario().await;
    let p = s.person("Bo", "Dam", 0).await;
    let both: BTreeSet<_> = [s.teams[2].id, s.teams[0].id].into();
    s.svc
        .edit_participant(
            &s.admin,
            p.id,
            Contact::default(),
            BTreeSet::new(),
            Some(both),
            None,
        )
        .await
        .unwrap();
    let seat = s
        .seats(s.slot(0, &s.tilforordnet, 0, election_day()), 1)
        .await
        .remove(0);
    s.svc.invite(&s.admin, seat.id, p.id).await.unwrap();
    s.svc.accept(&citizen(&p), seat.id, None).await.unwrap();
    let err = s
        .svc
        .edit_participant(
            &citizen(&p),
            p.id,
            Contact::default(),
            BTreeSet::new(),
            Some([s.teams[2].id].into()),
            None,
        )
        .await
        .unwrap_err();
    assert!(err.is_refused(RefusalCode::NotTeamMember), "{err}");
}

#[tokio::test]
async fn a_citizen_joins_a_team_through_its_link() {
    let s = scenario().await;
    let p = s.person("Bo", "Dam", 2).await;
    let link = s
        .svc
        .create_link(
            &s.admin,
            LinkKind::Team {
                team: s.teams[1].id,
            },
        )
        .await
        .unwrap();
    s.svc.join_team(&citizen(&p), &link.token).await.unwrap();
    assert!(
        participant(&s, p.id)
            .await
            .unwrap()
            .teams
            .contains(&s.teams[1].id)
    );
}
