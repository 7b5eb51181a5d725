//! The invite list of a seat: free people can be invited; the others are shown with every
//! reason; same-name people are told apart; for the secretariat's administrators only.

use axum::http::StatusCode;
use valghalla::core::model::SeatState;

use super::common::{Browser, admin, portal};

#[tokio::test]
async fn the_invite_list_tells_who_is_free_and_why_the_others_are_not() {
    let p = portal().await;
    let vacant =
        p.ds.seats
            .iter()
            .find(|s| s.state == SeatState::Vacant && s.slot.date == p.ds.election.election_day())
            .expect("a vacant seat on election day");
    // Someone with a seat at the same time is not free: double booked.
    let busy =
        p.ds.seats
            .iter()
            .find(|s| {
                s.slot.date == vacant.slot.date
                    && s.slot.task_type == vacant.slot.task_type
                    && s.state.participant().is_some()
            })
            .and_then(|s| s.state.participant())
            .expect("someone busy at the same time");
    let busy_name =
        p.ds.participants
            .iter()
            .find(|x| x.id == busy)
            .unwrap()
            .full_name();
    let back = format!(
        "/sekretariat/valg/{}/valgsted/{}",
        p.ds.election.id, vacant.slot.work_location
    );
    let mut b = Browser::login(&p, "admin").await;
    let station = b.get(&back).await;
    assert!(
        station
            .body
            .contains(&format!("/sekretariat/pladser/{}/kandidater", vacant.id)),
        "the station page links to the list"
    );
    let q: String = url_encode(&busy_name);
    let r = b
        .get(&format!(
            "/sekretariat/pladser/{}/kandidater?q={q}&tilbage={back}",
            vacant.id
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let at = r
        .body
        .find(&format!("/sekretariat/deltagere/{busy}\">{busy_name}</a>"))
        .expect("found by name");
    let row = &r.body[at..at + r.body[at..].find("</tr>").unwrap()];
    assert!(row.contains("Nej:"), "{row}");
    assert!(!row.contains("Invitér"), "{row}");
    // Everyone listed shows a birth year; people of the same name are told apart.
    let year =
        p.ds.participants
            .iter()
            .find(|x| x.id == busy)
            .unwrap()
            .person
            .birth_date
            .format("%Y")
            .to_string();
    assert!(row.contains(&format!("<td>{year}")), "{row}");
    // A free person is invited from the list and the browser returns to the station.
    let all = b
        .get(&format!("/sekretariat/pladser/{}/kandidater", vacant.id))
        .await;
    let form_at = all
        .body
        .find("name=\"deltager\" value=\"")
        .expect("someone is free");
    let id_start = form_at + "name=\"deltager\" value=\"".len();
    let who = &all.body[id_start..id_start + 36];
    let r = b
        .post(
            &format!("/sekretariat/pladser/{}/inviter", vacant.id),
            &[("deltager", who), ("tilbage", &back)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let history = p
        .svc
        .participant_history(&admin(), who.parse().unwrap())
        .await
        .unwrap();
    assert!(history.seats.iter().any(|s| s.seat == vacant.id));
}

fn url_encode(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)]).unwrap()[2..].to_owned()
}

#[tokio::test]
async fn the_invite_list_is_for_administrators() {
    let p = portal().await;
    let seat = p.ds.seats[0].id;
    let page = format!("/sekretariat/pladser/{seat}/kandidater");
    let mut anonymous = Browser::new(&p);
    assert_eq!(anonymous.get(&page).await.status, StatusCode::SEE_OTHER);
    for who in ["laeser", "borger1", "partisekretaer"] {
        let mut b = Browser::login(&p, who).await;
        assert_eq!(b.get(&page).await.status, StatusCode::FORBIDDEN, "{who}");
    }
}
