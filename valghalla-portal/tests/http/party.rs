//! A party secretary's placing page, registration by CPR number and member actions over HTTP:
//! they reach only their own team's people, seats and slots; a registration's CPR number is
//! never shown back in full, and a refusal names no one outside the team.

use axum::http::StatusCode;
use valghalla::core::messages::MessageKind;
use valghalla::core::model::SeatState;
use valghalla_portal::demo;

use super::common::{Browser, Portal, admin, portal, seat_of_team, slot_value};

fn new_citizen_cpr() -> valghalla::core::cpr::Cpr {
    valghalla::core::cpr::Cpr::parse(demo::NEW_CITIZENS[0].0).expect("cpr")
}

async fn invitations_to(
    p: &Portal,
    cpr: &valghalla::core::cpr::Cpr,
) -> Vec<valghalla::core::store::OutboxMessage> {
    let Some(id) = p.svc.participant_for_login(cpr).await.expect("lookup") else {
        return vec![];
    };
    p.store
        .outbox(&valghalla::core::store::OutboxFilter {
            participant: Some(id),
            ..Default::default()
        })
        .await
        .expect("outbox")
        .into_iter()
        .filter(|m| m.kind == MessageKind::Invitation)
        .collect()
}

#[tokio::test]
async fn a_party_secretary_registers_a_new_person_onto_a_vacant_seat_of_their_team() {
    let p = portal().await;
    let mut b = Browser::login(&p, "partisekretaer").await;
    let a = p.ds.teams[0].id;
    let (slot, _) = seat_of_team(&p, 0);
    let slot_s = slot_value(&slot);
    let page = b.get(&format!("/parti/{a}/plads?plads={slot_s}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Registrér en ny person"));
    assert!(page.body.contains("Ledig"), "free members are marked");
    let cpr = new_citizen_cpr();
    let full = cpr.reveal();
    let r = b
        .post(
            &format!("/parti/{a}/registrer"),
            &[
                ("plads", &slot_s),
                ("cpr", &full),
                ("mobil", ""),
                ("email", "ny@example.dk"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let team_page = b.get(&format!("/parti/{a}")).await;
    assert!(
        team_page.body.contains("er registreret"),
        "the flash says so"
    );
    assert!(!team_page.body.contains(&full), "never the full CPR number");
    assert!(!team_page.body.contains(&cpr.reveal_dashed()));
    let (first, last) = (demo::NEW_CITIZENS[0].1, demo::NEW_CITIZENS[0].2);
    assert!(team_page.body.contains(&format!("{first} {last}")));
    let sent = invitations_to(&p, &cpr).await;
    assert_eq!(sent.len(), 1);
    let (_, body) = sent[0].custom.as_ref().expect("the registration text");
    assert!(body.contains("har registreret dig"), "{body}");
    // Sent again from the members' list.
    let seat = sent[0].seat.expect("its seat");
    let r = b.post(&format!("/parti/{a}/gensend/{seat}"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(invitations_to(&p, &cpr).await.len(), 2);
    // Taken off the seat again (long before the lock period): vacant, and they are told.
    let r = b.post(&format!("/parti/{a}/tag-af/{seat}"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let seats = p.svc.slot_seats(&admin(), slot).await.expect("seats");
    assert_eq!(
        seats.iter().find(|s| s.id == seat).expect("seat").state,
        SeatState::Vacant
    );
}

#[tokio::test]
async fn a_refused_registration_keeps_nothing_and_names_no_one_outside_the_team() {
    let p = portal().await;
    let mut b = Browser::login(&p, "partisekretaer").await;
    let a = p.ds.teams[0].id;
    let (slot, _) = seat_of_team(&p, 0);
    let slot_s = slot_value(&slot);
    b.get(&format!("/parti/{a}/plads?plads={slot_s}")).await;
    // Someone known who is not in party A.
    let outsider =
        p.ds.participants
            .iter()
            .find(|m| !m.teams.contains(&a) && !m.teams.is_empty())
            .expect("an outsider");
    let r = b
        .post(
            &format!("/parti/{a}/registrer"),
            &[
                ("plads", &slot_s),
                ("cpr", &outsider.cpr.reveal()),
                ("mobil", ""),
                ("email", "x@example.dk"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("Partiet kan ikke registrere personen"),
        "{}",
        r.body
    );
    assert!(!r.body.contains(&outsider.full_name()));
    assert!(
        !r.body.contains(&outsider.cpr.reveal()),
        "the CPR number is not shown back"
    );
    // A number that is no CPR number: the field says so.
    let r = b
        .post(
            &format!("/parti/{a}/registrer"),
            &[
                ("plads", &slot_s),
                ("cpr", "12345"),
                ("email", "x@example.dk"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("id=\"cpr-fejl\""), "{}", r.body);
}

#[tokio::test]
async fn a_party_secretary_cannot_reach_another_teams_slots_seats_or_members() {
    let p = portal().await;
    let mut b = Browser::login(&p, "partisekretaer").await;
    let a = p.ds.teams[0].id;
    let other = p.ds.teams[1].id;
    let (their_slot, _) = seat_of_team(&p, 1);
    let their_slot_s = slot_value(&their_slot);
    // Their slot under their team: refused; under mine: not a slot of mine.
    assert_eq!(
        b.get(&format!("/parti/{other}/plads?plads={their_slot_s}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        b.get(&format!("/parti/{a}/plads?plads={their_slot_s}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let cpr = new_citizen_cpr();
    for team in [a, other] {
        let r = b
            .post(
                &format!("/parti/{team}/registrer"),
                &[
                    ("plads", &their_slot_s),
                    ("cpr", &cpr.reveal()),
                    ("email", "ny@example.dk"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{team}");
    }
    assert!(
        p.svc
            .participant_for_login(&cpr)
            .await
            .expect("lookup")
            .is_none()
    );
    // A held seat of another team cannot be emptied or its invitation resent.
    let held =
        p.ds.seats
            .iter()
            .find(|s| s.slot.team == other && s.state != SeatState::Vacant)
            .expect("a held seat of another team");
    for path in [
        format!("/parti/{a}/tag-af/{}", held.id),
        format!("/parti/{a}/gensend/{}", held.id),
    ] {
        assert_eq!(
            b.post(&path, &[]).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let still = p.svc.slot_seats(&admin(), held.slot).await.expect("seats");
    assert_eq!(
        still
            .iter()
            .find(|s| s.id == held.id)
            .expect("seat")
            .state
            .participant(),
        held.state.participant()
    );
    // Nor remove another team's member.
    let theirs = held.state.participant().expect("holder");
    assert_eq!(
        b.post(
            &format!("/parti/{other}/medlem/{theirs}/fjern"),
            &[("bekraeft", "ja")]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    // A citizen without a party reaches none of it.
    let mut citizen = Browser::login(&p, "borger1").await;
    let (mine, _) = seat_of_team(&p, 0);
    assert_eq!(
        citizen
            .get(&format!("/parti/{a}/plads?plads={}", slot_value(&mine)))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_party_secretary_downloads_their_partys_status_and_writes_to_its_members_only() {
    let p = portal().await;
    let mut b = Browser::login(&p, "partisekretaer").await;
    let a = &p.ds.teams[0];
    let other = &p.ds.teams[1];
    let page = b.get(&format!("/parti/{}", a.id)).await;
    assert!(
        page.body.contains("status.csv"),
        "the party page offers the download"
    );
    let r = b.get(&format!("/parti/{}/status.csv", a.id)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(r.body.contains(a.name.as_str()), "{}", r.body);
    assert!(
        !r.body.contains(other.name.as_str()),
        "only their own party"
    );
    assert_eq!(
        b.get(&format!("/parti/{}/status.csv", other.id))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let before = p
        .store
        .outbox(&Default::default())
        .await
        .expect("outbox")
        .len();
    let r = b
        .post(
            &format!("/parti/{}/besked", a.id),
            &[("emne", "Møde"), ("tekst", "Vi mødes tirsdag kl. 19.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let members = p
        .svc
        .team_members(&admin(), a.id)
        .await
        .expect("members")
        .len();
    let after = p
        .store
        .outbox(&Default::default())
        .await
        .expect("outbox")
        .len();
    assert_eq!(after - before, members);
    let r = b
        .post(
            &format!("/parti/{}/besked", other.id),
            &[("emne", "Møde"), ("tekst", "Hej")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        p.store
            .outbox(&Default::default())
            .await
            .expect("outbox")
            .len(),
        after
    );
}

/// GET with the body's bytes as sent (an XLSX file is not text).
async fn download(b: &mut Browser, path: &str) -> (StatusCode, String, Vec<u8>) {
    use tower::ServiceExt;
    let req = b
        .request("GET", path)
        .body(axum::body::Body::empty())
        .expect("request");
    let res = b.app.clone().oneshot(req).await.expect("infallible");
    let status = res.status();
    let content_type = res
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .expect("body")
        .to_vec();
    (status, content_type, bytes)
}

#[cfg(feature = "xlsx")]
#[tokio::test]
async fn the_party_status_downloads_as_xlsx_for_the_teams_own_secretary_and_the_secretariat() {
    let p = portal().await;
    let a = &p.ds.teams[0];
    let other = &p.ds.teams[1];
    let e = p.ds.election.id;
    let xlsx_of =
        |team: &valghalla::core::model::Team| format!("/parti/{}/status.xlsx?valg={e}", team.id);
    let mut sec = Browser::login(&p, "partisekretaer").await;
    let page = sec.get(&format!("/parti/{}", a.id)).await;
    assert!(
        page.body.contains(&format!("href=\"{}\"", xlsx_of(a))),
        "the party page links to the workbook"
    );
    // The team's own secretary and the secretariat (administrator and reader): the team's row.
    for who in ["partisekretaer", "admin", "laeser"] {
        let mut b = Browser::login(&p, who).await;
        let (status, content_type, bytes) = download(&mut b, &xlsx_of(a)).await;
        assert_eq!(status, StatusCode::OK, "{who}");
        assert_eq!(
            content_type, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "{who}"
        );
        let table = valghalla::core::exchange::read_xlsx(&bytes).expect("a workbook");
        assert_eq!(
            table.headers,
            [
                "Parti",
                "Bogstav",
                "Pladser",
                "Besat",
                "Ubesvaret",
                "Ledige",
                "Navne"
            ],
            "{who}"
        );
        assert_eq!(table.rows.len(), 1, "{who}: one team, {table:?}");
        assert_eq!(table.rows[0].cell(0), a.name.as_str(), "{who}");
        let seats = p.ds.seats.iter().filter(|s| s.slot.team == a.id).count();
        assert_eq!(table.rows[0].cell(2), seats.to_string(), "{who}");
    }
    // Another party's secretary, a citizen: refused, with no file.
    let (status, _, bytes) = download(&mut sec, &xlsx_of(other)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(valghalla::core::exchange::read_xlsx(&bytes).is_err());
    let mut citizen = Browser::login(&p, "borger1").await;
    for team in [a, other] {
        let (status, _, _) = download(&mut citizen, &xlsx_of(team)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{}", team.name);
    }
    // Anonymous: to the login page.
    let mut anonymous = Browser::new(&p);
    let r = anonymous.get(&xlsx_of(a)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/login?next="), "{}", r.location());
}
