//! An election's settings page: edit, activation with a summary of what it will send,
//! duplication with options, deletion while inactive — for every role, with bad input shown
//! at its field and nothing saved.

use axum::http::StatusCode;
use valghalla::core::store::DeliveryStatus;

use super::common::{Browser, admin, portal};

#[tokio::test]
async fn the_settings_page_is_for_the_secretariat_and_changed_by_administrators() {
    let p = portal().await;
    let e = p.ds.election.id;
    let page = format!("/sekretariat/valg/{e}/rediger");
    let mut anonymous = Browser::new(&p);
    let r = anonymous.get(&page).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/login?next="));
    for who in ["borger1", "partisekretaer"] {
        let mut b = Browser::login(&p, who).await;
        assert_eq!(b.get(&page).await.status, StatusCode::FORBIDDEN, "{who}");
    }
    let mut reader = Browser::login(&p, "laeser").await;
    let r = reader.get(&page).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains(">Gem</button>") && !r.body.contains("Duplikér valget</button>"));
    for path in [
        page.clone(),
        format!("/sekretariat/valg/{e}/slet"),
        format!("/sekretariat/valg/{e}/dupliker"),
    ] {
        let r = reader
            .post(
                &path,
                &[
                    ("titel", "Kapret"),
                    ("valgdag", "2030-01-01"),
                    ("bekraeft", "ja"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
    }
    let elections = p.svc.elections(&admin()).await.unwrap();
    assert_eq!(elections.len(), 1);
    assert_eq!(elections[0].title, p.ds.election.title);
}

#[tokio::test]
async fn an_election_is_edited_and_bad_dates_are_shown_at_their_fields() {
    let p = portal().await;
    let e = &p.ds.election;
    let page = format!("/sekretariat/valg/{}/rediger", e.id);
    let mut b = Browser::login(&p, "admin").await;
    let shown = b.get(&page).await;
    assert!(shown.body.contains(&e.election_day().to_string()));
    let mut form: Vec<(String, String)> = vec![
        ("titel".into(), "Omdøbt valg".into()),
        ("valgdag".into(), "ikke en dato".into()),
        ("foerste_dag".into(), e.working_period().first().to_string()),
        ("sidste_dag".into(), e.working_period().last().to_string()),
        ("laaseperiode".into(), "x".into()),
    ];
    form.extend(
        e.work_locations
            .iter()
            .map(|l| ("valgsted".to_owned(), l.to_string())),
    );
    let pairs = |f: &[(String, String)]| -> Vec<(String, String)> { f.to_vec() };
    let post = pairs(&form);
    let r = b
        .post(
            &page,
            &post
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("href=\"#valgdag\"") && r.body.contains("href=\"#laaseperiode\""));
    assert_eq!(p.svc.election(&admin(), e.id).await.unwrap().title, e.title);
    form[1].1 = e.election_day().to_string();
    form[4].1 = "3".into();
    let r = b
        .post(
            &page,
            &form
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stored = p.svc.election(&admin(), e.id).await.unwrap();
    assert_eq!(stored.title.as_str(), "Omdøbt valg");
    assert_eq!(stored.lock_period_days, 3);
}

#[tokio::test]
async fn an_active_election_is_not_deleted_and_activation_says_what_it_will_send() {
    let p = portal().await;
    let e = p.ds.election.id;
    let page = format!("/sekretariat/valg/{e}/rediger");
    let mut b = Browser::login(&p, "admin").await;
    b.get(&page).await;
    let r = b
        .post(
            &format!("/sekretariat/valg/{e}/slet"),
            &[("bekraeft", "ja")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("class=\"field-error\""), "{}", r.body);
    assert!(p.svc.election(&admin(), e).await.is_ok(), "still there");
    // Deactivated, the page counts the messages waiting for activation.
    let r = b
        .post(&format!("/sekretariat/valg/{e}/aktiv"), &[("aktiv", "0")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = b.get(&page).await;
    let waiting = p
        .store
        .outbox(&Default::default())
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.election == Some(e) && m.status == DeliveryStatus::Pending)
        .count();
    assert!(waiting > 0, "the demo's invitations wait in the outbox");
    assert!(
        r.body
            .contains(&format!("Aktivering sender <strong>{waiting}</strong>")),
        "{}",
        r.body
    );
    assert!(r.body.contains("Invitation: "));
    // Inactive, it is deleted with its seats.
    let r = b
        .post(
            &format!("/sekretariat/valg/{e}/slet"),
            &[("bekraeft", "ja")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(p.svc.elections(&admin()).await.unwrap().is_empty());
}

#[tokio::test]
async fn an_election_is_duplicated_with_some_stations_and_shifted_days() {
    let p = portal().await;
    let e = &p.ds.election;
    let page = format!("/sekretariat/valg/{}/rediger", e.id);
    let mut b = Browser::login(&p, "admin").await;
    b.get(&page).await;
    let station = *e.work_locations.iter().next().unwrap();
    let new_day = e.election_day() + chrono::Days::new(364);
    // No day: at its field, nothing made.
    let r = b
        .post(
            &format!("/sekretariat/valg/{}/dupliker", e.id),
            &[("muligheder", "1"), ("dup-titel", "Næste valg")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("href=\"#dup-valgdag\""), "{}", r.body);
    assert_eq!(p.svc.elections(&admin()).await.unwrap().len(), 1);
    let r = b
        .post(
            &format!("/sekretariat/valg/{}/dupliker", e.id),
            &[
                ("muligheder", "1"),
                ("dup-titel", "Næste valg"),
                ("dup-valgdag", &new_day.to_string()),
                ("dup-valgsted", &station.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let copy = p
        .svc
        .elections(&admin())
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.title.as_str() == "Næste valg")
        .unwrap();
    assert_eq!(copy.election_day(), new_day);
    assert_eq!(copy.work_locations, [station].into());
    assert!(!copy.active);
    let source_seats =
        p.ds.seats
            .iter()
            .filter(|s| s.slot.work_location == station)
            .count();
    let rows = p
        .svc
        .overview(&admin(), copy.id, &Default::default())
        .await
        .unwrap();
    assert_eq!(
        rows.totals.seats as usize, source_seats,
        "only that station's seats, vacant"
    );
    assert_eq!(rows.totals.vacant as usize, source_seats);
}
