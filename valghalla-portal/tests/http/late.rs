//! Late withdrawals over HTTP: a participant who withdraws within the configured days of the
//! task alerts the team's secretaries (a message) and shows on the secretariat's inbox page
//! and the party page; the count of days is the host's (`with_late_withdrawal_days`).

use std::sync::Arc;

use axum::http::StatusCode;
use valghalla::core::memory::MemoryStore;
use valghalla::core::model::SeatState;
use valghalla::core::store::{DynStore, OutboxFilter};
use valghalla_portal::{PortalState, Sessions, demo, router};

use super::common::{Browser, Portal, test_config};

/// The demo portal whose late-withdrawal window covers election day (a few weeks ahead).
async fn portal_late_within(days: u32) -> Portal {
    let config = test_config();
    let today = demo::today();
    let store: DynStore = Arc::new(MemoryStore::new());
    let ds = demo::korsbaek(today).expect("dataset");
    let registry = demo::registry(&ds).expect("registry");
    let svc = demo::service(store.clone(), registry, &config.public_base_url)
        .with_late_withdrawal_days(days);
    demo::seed_if_empty(&store, &svc, &ds).await.expect("seed");
    let tenant = demo::tenant_with(svc, &ds).expect("tenant");
    let state = PortalState::single(config, tenant.clone(), Sessions::memory());
    Portal {
        svc: tenant.service().clone(),
        store,
        app: router(state.clone()),
        state,
        tenant,
        ds,
    }
}

async fn withdraw_first_task(p: &Portal, who: &str) -> valghalla::core::ids::SeatId {
    let mut b = Browser::login(p, who).await;
    let tasks = b.get("/mine-opgaver").await;
    let at = tasks.body.find("/frameld\"").expect("an accepted task");
    let start =
        tasks.body[..at].rfind("/mine-opgaver/").expect("its form") + "/mine-opgaver/".len();
    let seat = tasks.body[start..at].to_owned();
    let r = b
        .post(
            &format!("/mine-opgaver/{seat}/frameld"),
            &[("bekraeft", "ja")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    seat.parse().expect("seat id")
}

#[tokio::test]
async fn a_late_withdrawal_alerts_the_team_secretaries_and_the_secretariat() {
    let p = portal_late_within(60).await;
    let seat_id = withdraw_first_task(&p, "borger1").await;
    let seat =
        p.ds.seats
            .iter()
            .find(|s| s.id == seat_id)
            .expect("a demo seat");
    let team =
        p.ds.teams
            .iter()
            .find(|t| t.id == seat.slot.team)
            .expect("its team");
    let SeatState::Accepted { participant, .. } = seat.state else {
        panic!("borger1's seat was accepted");
    };
    let name =
        p.ds.participants
            .iter()
            .find(|x| x.id == participant)
            .expect("borger1")
            .full_name();
    // Every secretary of the seat's team is told.
    for secretary in team.responsibles.keys() {
        let alerts: Vec<_> = p
            .store
            .outbox(&OutboxFilter {
                participant: Some(*secretary),
                ..Default::default()
            })
            .await
            .expect("outbox")
            .into_iter()
            .filter(|m| m.custom.as_ref().is_some_and(|(s, _)| s == "Sen afmelding"))
            .collect();
        assert_eq!(alerts.len(), 1, "secretary {secretary}");
        assert!(alerts[0].custom.as_ref().expect("text").1.contains(&name));
    }
    // The secretariat's inbox page says so.
    let mut admin = Browser::login(&p, "admin").await;
    let inbox = admin.get("/sekretariat/indbakke").await;
    assert!(
        inbox.body.contains("Sene afmeldinger (1)"),
        "{}",
        inbox.body
    );
    assert!(inbox.body.contains(&name));
    // The party page of the seat's team says so, if it is party A (the demo's secretary's).
    if team.id == p.ds.teams[0].id {
        let mut sec = Browser::login(&p, "partisekretaer").await;
        let page = sec.get(&format!("/parti/{}", team.id)).await;
        assert!(page.body.contains("Sene afmeldinger"));
        assert!(page.body.contains(&name));
    }
}

#[tokio::test]
async fn an_early_withdrawal_alerts_no_one() {
    let p = portal_late_within(3).await;
    withdraw_first_task(&p, "borger1").await;
    let alerts = p
        .store
        .outbox(&OutboxFilter::default())
        .await
        .expect("outbox")
        .into_iter()
        .filter(|m| m.custom.as_ref().is_some_and(|(s, _)| s == "Sen afmelding"))
        .count();
    assert_eq!(alerts, 0);
    let mut admin = Browser::login(&p, "admin").await;
    assert!(
        !admin
            .get("/sekretariat/indbakke")
            .await
            .body
            .contains("Sene afmeldinger")
    );
}
