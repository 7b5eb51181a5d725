//! The dashboard of what needs attention: boards outside the law with a link to fix them,
//! old invitations, vacant seats by day; for the secretariat only; a bad number of days is
//! shown at its field.

use axum::http::StatusCode;
use valghalla::core::model::SlotKey;

use super::common::{Browser, admin, portal};

#[tokio::test]
async fn a_board_outside_the_law_is_listed_with_a_link_to_fix_it() {
    let p = portal().await;
    let e = p.ds.election.id;
    let station =
        p.ds.work_locations
            .iter()
            .find(|l| l.voting_area.is_some() && p.ds.election.work_locations.contains(&l.id))
            .expect("a polling station");
    let valgstyrer =
        p.ds.task_types
            .iter()
            .find(|t| t.title.as_str() == "Valgstyrer")
            .expect("the valgstyrer task type");
    let page = format!("/sekretariat/valg/{e}/opmaerksomhed");
    let mut b = Browser::login(&p, "admin").await;
    let fix = format!("/sekretariat/valg/{e}/fordeling/{}", station.id);
    // Ten valgstyrere for one party at the station: too many.
    p.svc
        .set_seat_count(
            &admin(),
            SlotKey {
                election: e,
                work_location: station.id,
                task_type: valgstyrer.id,
                team: p.ds.teams[0].id,
                date: p.ds.election.election_day(),
            },
            10,
        )
        .await
        .unwrap();
    let r = b.get(&page).await;
    assert_eq!(r.status, StatusCode::OK);
    let row_at = r
        .body
        .find(station.title.as_str())
        .expect("the station is listed");
    let row = &r.body[row_at..row_at + 600.min(r.body.len() - row_at)];
    assert!(row.contains("højst 9"), "{row}");
    assert!(row.contains(&format!("href=\"{fix}\"")), "{row}");
    assert_eq!(
        b.get(&fix).await.status,
        StatusCode::OK,
        "the fix link opens"
    );
    // The demo's invitations were made just now: none is a week old, all are 0 days old.
    let r = b.get(&page).await;
    let invited =
        p.ds.seats
            .iter()
            .filter(|s| s.state.status() == valghalla::core::model::SeatStatus::Invited)
            .count();
    assert!(invited > 0);
    let section = |body: &str| -> usize {
        let start = body.find("id=\"ubesvarede\"").unwrap();
        let end = body.find("id=\"ledige\"").unwrap();
        body[start..end].matches("/sekretariat/deltagere/").count()
    };
    assert_eq!(section(&r.body), 0);
    let r = b.get(&format!("{page}?dage=0")).await;
    assert!(section(&r.body) > 0, "{}", r.body);
    assert!(r.body.contains("ledige</li>"), "vacant seats by day");
    let bad = b.get(&format!("{page}?dage=mange")).await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(bad.body.contains("href=\"#dage\""), "{}", bad.body);
}

#[tokio::test]
async fn the_dashboard_is_for_the_secretariat() {
    let p = portal().await;
    let page = format!("/sekretariat/valg/{}/opmaerksomhed", p.ds.election.id);
    let mut anonymous = Browser::new(&p);
    assert_eq!(anonymous.get(&page).await.status, StatusCode::SEE_OTHER);
    for who in ["borger1", "partisekretaer"] {
        let mut b = Browser::login(&p, who).await;
        assert_eq!(b.get(&page).await.status, StatusCode::FORBIDDEN, "{who}");
    }
    let mut reader = Browser::login(&p, "laeser").await;
    assert_eq!(reader.get(&page).await.status, StatusCode::OK);
}
