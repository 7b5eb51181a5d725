//! The secretariat's participant page: seats in every election, rejections, eligibility with
//! reasons, messages and responsibilities; full CPR only for administrators.

use axum::http::StatusCode;
use valghalla::core::model::SeatStatus;

use super::common::{Browser, portal};

#[tokio::test]
async fn the_participant_page_shows_seats_eligibility_responsibilities_and_messages() {
    let p = portal().await;
    let seat =
        p.ds.seats
            .iter()
            .find(|s| s.state.status() == SeatStatus::Invited)
            .expect("an invited seat");
    let who = seat.state.participant().unwrap();
    let station =
        p.ds.work_locations
            .iter()
            .find(|l| l.id == seat.slot.work_location)
            .unwrap();
    let url = format!("/sekretariat/deltagere/{who}");
    let mut adm = Browser::login(&p, "admin").await;
    let r = adm.get(&url).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("id=\"pladser\""));
    assert!(
        r.body.contains(station.title.as_str()),
        "the seat's station"
    );
    assert!(r.body.contains("Ubesvaret"), "the seat's state");
    assert!(r.body.contains(p.ds.election.title.as_str()));
    assert!(r.body.contains("id=\"valgbarhed\""));
    assert!(r.body.contains("valgbar"));
    assert!(
        r.body.contains("id=\"beskeder\""),
        "administrators see messages"
    );
    assert!(
        r.body.contains("Invitation"),
        "the queued invitation is listed"
    );
    assert!(
        r.body.contains("(visningen er logget)"),
        "full CPR for administrators"
    );
    // A reader sees the seats, not the full CPR number, and no messages.
    let mut reader = Browser::login(&p, "laeser").await;
    let r = reader.get(&url).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(station.title.as_str()));
    assert!(!r.body.contains("(visningen er logget)"));
    // The party secretary's demo login: responsibilities are shown on their page.
    let team = &p.ds.teams[0];
    let secretary = *team.responsibles.keys().next().unwrap();
    let r = adm
        .get(&format!("/sekretariat/deltagere/{secretary}"))
        .await;
    assert!(r.body.contains("Partisekretær for"), "{}", r.body);
    assert!(r.body.contains(team.name.as_str()));
    // Citizens and anonymous visitors: refused.
    let mut citizen = Browser::login(&p, "borger1").await;
    assert_eq!(citizen.get(&url).await.status, StatusCode::FORBIDDEN);
    let mut anonymous = Browser::new(&p);
    assert_eq!(anonymous.get(&url).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_declined_invitation_is_listed_among_the_rejections() {
    let p = portal().await;
    let mut citizen = Browser::login(&p, "borger2").await;
    let tasks = citizen.get("/mine-opgaver").await;
    let seat = super::common::invited_seat(&tasks.body);
    let r = citizen
        .post(&format!("/mine-opgaver/{seat}/afvis"), &[])
        .await;
    assert!(
        r.status.is_redirection() || r.status == StatusCode::OK,
        "{}",
        r.body
    );
    let who =
        p.ds.seats
            .iter()
            .find(|s| s.id.to_string() == seat)
            .and_then(|s| s.state.participant())
            .unwrap();
    let mut adm = Browser::login(&p, "admin").await;
    let r = adm.get(&format!("/sekretariat/deltagere/{who}")).await;
    assert!(r.body.contains("Takkede nej"), "{}", r.body);
}
