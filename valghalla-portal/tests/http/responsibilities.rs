//! People with responsibilities: the secretariat appoints and revokes party secretaries
//! (optionally for some stations) and work-location responsibles; the person's rights follow
//! at their next request. Only administrators change them; bad input is shown at its field.

use axum::http::StatusCode;
use valghalla::core::ids::ParticipantId;
use valghalla::core::model::{LocationScope, SeatStatus};

use super::common::{Browser, Portal, admin, portal, slot_value};

/// The demo's `borger1`: the first holder of an accepted seat without a responsibility.
fn borger1(p: &Portal) -> ParticipantId {
    p.ds.seats
        .iter()
        .find_map(|s| {
            (s.state.status() == SeatStatus::Accepted)
                .then(|| s.state.participant())
                .flatten()
                .filter(|p_| {
                    !p.ds.teams.iter().any(|t| t.responsibles.contains_key(p_))
                        && !p
                            .ds
                            .work_locations
                            .iter()
                            .any(|l| l.responsibles.contains(p_))
                })
        })
        .expect("borger1")
}

#[tokio::test]
async fn the_responsibilities_page_is_for_the_secretariat_and_changed_by_administrators() {
    let p = portal().await;
    let who = borger1(&p);
    let page = format!("/sekretariat/deltagere/{who}/ansvar");
    let mut anonymous = Browser::new(&p);
    let r = anonymous.get(&page).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/login?next="));
    for login in ["borger1", "partisekretaer"] {
        let mut b = Browser::login(&p, login).await;
        assert_eq!(b.get(&page).await.status, StatusCode::FORBIDDEN, "{login}");
        let team = p.ds.teams[0].id.to_string();
        let r = b
            .post(
                &format!("/sekretariat/deltagere/{who}/ansvar/team"),
                &[("team", &team), ("omfang", "alle")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{login}");
    }
    let mut reader = Browser::login(&p, "laeser").await;
    let r = reader.get(&page).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        !r.body.contains("Udpeg partisekretær"),
        "a reader appoints no one"
    );
    let team = p.ds.teams[0].id.to_string();
    let r = reader
        .post(
            &format!("/sekretariat/deltagere/{who}/ansvar/team"),
            &[("team", &team), ("omfang", "alle")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let loc = p.ds.work_locations[0].id.to_string();
    let r = reader
        .post(
            &format!("/sekretariat/deltagere/{who}/ansvar/valgsted"),
            &[("ansvar-valgsted", &loc)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let teams = p.svc.teams(&admin()).await.unwrap();
    assert!(!teams.iter().any(|t| t.responsibles.contains_key(&who)));
    let locs = p.svc.work_locations(&admin()).await.unwrap();
    assert!(!locs.iter().any(|l| l.responsibles.contains(&who)));
}

#[tokio::test]
async fn a_party_secretary_appointed_for_one_station_gets_the_party_page_at_the_next_request() {
    let p = portal().await;
    let who = borger1(&p);
    let team = p.ds.teams[1].id;
    // A station where the team has seats (and, below, one where it has others).
    let station =
        p.ds.seats
            .iter()
            .find(|s| s.slot.team == team)
            .expect("a seat of the team")
            .slot
            .work_location;
    let station_title =
        p.ds.work_locations
            .iter()
            .find(|l| l.id == station)
            .expect("the station")
            .title
            .to_string();
    let mut person = Browser::login(&p, "borger1").await;
    let party_page = format!("/parti/{team}");
    assert_eq!(person.get(&party_page).await.status, StatusCode::FORBIDDEN);

    let mut adm = Browser::login(&p, "admin").await;
    let page = format!("/sekretariat/deltagere/{who}/ansvar");
    adm.get(&page).await;
    // Some stations, but none chosen: at the field, nothing saved.
    let r = adm
        .post(
            &format!("{page}/team"),
            &[("team", &team.to_string()), ("omfang", "udvalgte")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("href=\"#omfang\""), "{}", r.body);
    // No team chosen: at its field.
    let r = adm
        .post(&format!("{page}/team"), &[("omfang", "alle")])
        .await;
    assert!(r.body.contains("href=\"#team\""), "{}", r.body);
    let stored = p.svc.teams(&admin()).await.unwrap();
    assert!(!stored.iter().any(|t| t.responsibles.contains_key(&who)));

    let r = adm
        .post(
            &format!("{page}/team"),
            &[
                ("team", &team.to_string()),
                ("omfang", "udvalgte"),
                ("valgsted", &station.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let t = p
        .svc
        .teams(&admin())
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.id == team)
        .unwrap();
    assert_eq!(
        t.responsibles.get(&who),
        Some(&LocationScope::Only([station].into()))
    );
    let shown = adm.get(&page).await;
    assert!(shown.body.contains(&station_title));
    // The same login, its next request: the party page opens.
    assert_eq!(person.get(&party_page).await.status, StatusCode::OK);
    // Their station's seats are theirs to fill; another station's are refused, and a
    // registration onto one keeps nothing.
    let slot_at = |here: bool| {
        p.ds.seats
            .iter()
            .find(|s| s.slot.team == team && (s.slot.work_location == station) == here)
            .map(|s| s.slot)
            .expect("a seat of the team")
    };
    let (own, other) = (slot_value(&slot_at(true)), slot_value(&slot_at(false)));
    let r = person
        .get(&format!("/parti/{team}/plads?plads={own}"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = person
        .get(&format!("/parti/{team}/plads?plads={other}"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let cpr =
        valghalla::core::cpr::Cpr::parse(valghalla_portal::demo::NEW_CITIZENS[0].0).expect("cpr");
    let r = person
        .post(
            &format!("/parti/{team}/registrer"),
            &[
                ("plads", &other),
                ("cpr", &cpr.reveal()),
                ("email", "ny@example.dk"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(
        p.svc
            .participant_for_login(&cpr)
            .await
            .expect("lookup")
            .is_none()
    );
    let member = p
        .svc
        .team_members(&admin(), team)
        .await
        .expect("members")
        .into_iter()
        .next()
        .expect("a member")
        .participant;
    let r = person
        .post(
            &format!("/parti/{team}/placer"),
            &[("plads", &other), ("deltager", &member.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // The team's page lists the secretary; revoking from there returns there.
    let team_url = format!("/sekretariat/stamdata/team/{team}");
    let tp = adm.get(&team_url).await;
    assert!(tp.body.contains(&format!("/sekretariat/deltagere/{who}")));
    let r = adm
        .post(
            &format!("/sekretariat/deltagere/{who}/ansvar/team/fjern"),
            &[
                ("team", &team.to_string()),
                ("tilbage", &team_url),
                ("bekraeft", "ja"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), team_url);
    assert_eq!(person.get(&party_page).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_work_location_responsible_sees_the_staff_list_until_revoked() {
    let p = portal().await;
    let who = borger1(&p);
    let loc = p.ds.work_locations[1].id;
    let staff = format!("/arbejdssted/{loc}");
    let mut person = Browser::login(&p, "borger1").await;
    assert_eq!(person.get(&staff).await.status, StatusCode::FORBIDDEN);
    let mut adm = Browser::login(&p, "admin").await;
    let page = format!("/sekretariat/deltagere/{who}/ansvar");
    adm.get(&page).await;
    let r = adm
        .post(&format!("{page}/valgsted"), &[("ansvar-valgsted", "")])
        .await;
    assert!(r.body.contains("href=\"#ansvar-valgsted\""), "{}", r.body);
    let r = adm
        .post(
            &format!("{page}/valgsted"),
            &[("ansvar-valgsted", &loc.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(person.get(&staff).await.status, StatusCode::OK);
    let audit = p
        .svc
        .audit_log(&admin(), &Default::default())
        .await
        .unwrap();
    assert!(
        audit.iter().any(|a| a.description.contains("ansvar givet")),
        "the appointment is audit-logged"
    );
    let r = adm
        .post(
            &format!("{page}/valgsted/fjern"),
            &[("valgsted", &loc.to_string()), ("bekraeft", "ja")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(person.get(&staff).await.status, StatusCode::FORBIDDEN);
}
