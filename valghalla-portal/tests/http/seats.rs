//! The seat flows: a citizen signs up through a link, the overview follows each change, the
//! secretariat invites and answers, auto-fill proposes and applies.

use axum::http::StatusCode;
use valghalla::core::model::{SeatState, SlotKey};

use super::common::{Browser, admin, portal, seat_of_team};

#[tokio::test]
async fn a_citizen_signs_up_through_a_link_takes_a_seat_and_withdraws() {
    let p = portal().await;
    let team = p.ds.teams[0].id;
    let link = p
        .svc
        .create_link(
            &admin(),
            valghalla::core::model::LinkKind::Vacancies(valghalla::core::model::VacancyFilter {
                election: p.ds.election.id,
                team,
                areas: Default::default(),
                work_locations: Default::default(),
                task_types: Default::default(),
                dates: Default::default(),
                include_trusted: false,
            }),
        )
        .await
        .expect("link");
    let path = format!("/link/{}", link.token.as_str());
    let mut anon = Browser::new(&p);
    let page = anon.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Log ind for at melde dig"));
    let mut b = Browser::login(&p, "ny1").await;
    let page = b.get(&path).await;
    let at = page
        .body
        .find("name=\"plads\" value=\"")
        .expect("a vacancy")
        + 20;
    let slot = page.body[at..at + page.body[at..].find('"').expect("end")].to_owned();
    let r = b.post(&format!("{path}/tag"), &[("plads", &slot)]).await;
    // The chosen task goes along to the sign-up.
    assert!(
        r.location().starts_with(&format!("{path}/tilmeld?plads=")),
        "{}",
        r.location()
    );
    b.get(&format!("{path}/tilmeld")).await;
    let r = b
        .post(&format!("{path}/tilmeld"), &[("mobil", "ikke et nummer")])
        .await;
    assert!(r.body.contains("href=\"#mobil\""), "bad mobile refused");
    let r = b
        .post(&format!("{path}/tilmeld"), &[("mobil", "31415926")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    b.get(&path).await;
    let r = b.post(&format!("{path}/tag"), &[("plads", &slot)]).await;
    assert_eq!(r.location(), "/mine-opgaver");
    let tasks = b.get("/mine-opgaver").await;
    assert!(tasks.body.contains("Accepteret"));
    assert!(tasks.body.contains("Sidste dag du kan melde fra"));
    let at = tasks.body.find("/frameld\"").expect("withdraw form");
    let start = tasks.body[..at].rfind("/mine-opgaver/").expect("seat");
    let action = tasks.body[start..at + 8].to_owned();
    // Withdrawing asks first (web/confirm.rs) and changes nothing until confirmed.
    let r = b.post(&action, &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{action}");
    assert!(r.body.contains("Vil du melde dig fra opgaven?"));
    assert!(r.body.contains("name=\"bekraeft\" value=\"ja\""));
    assert!(r.body.contains("href=\"/mine-opgaver\">Fortryd</a>"));
    let tasks = b.get("/mine-opgaver").await;
    assert!(
        tasks.body.contains("Accepteret"),
        "nothing changed before the confirmation"
    );
    let r = b.post(&action, &[("bekraeft", "ja")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{action}");
    let tasks = b.get("/mine-opgaver").await;
    assert!(tasks.body.contains("Du er meldt fra"));
}

fn vacant_total(body: &str) -> u32 {
    let at = body.find("id=\"i-alt\"").expect("totals");
    let rest = &body[at..];
    // "1 ledig", "2 ledige".
    let end = rest.find(" ledig").expect("ledig");
    let start = rest[..end].rfind('>').expect("span") + 1;
    rest[start..end].trim().parse().expect("a number")
}

#[tokio::test]
async fn the_overview_follows_each_change_at_once() {
    let p = portal().await;
    let mut b = Browser::login(&p, "admin").await;
    let e = p.ds.election.id;
    let url = format!("/sekretariat/valg/{e}/oversigt");
    let before = vacant_total(&b.get(&url).await.body);
    // A cached overview is served again …
    assert_eq!(vacant_total(&b.get(&url).await.body), before);
    // … until a change: five more seats at the first station.
    let loc = p.ds.work_locations[0].id;
    let day = p.ds.election.election_day();
    let team = p.ds.teams[2].id;
    let tt = p.ds.task_types[0].id;
    let current = p
        .svc
        .slot_seats(
            &admin(),
            SlotKey {
                election: e,
                work_location: loc,
                task_type: tt,
                team,
                date: day,
            },
        )
        .await
        .expect("seats")
        .len();
    let cell = format!("n_{day}_{team}_{tt}");
    let n = (current + 5).to_string();
    b.get(&format!("/sekretariat/valg/{e}/fordeling/{loc}"))
        .await;
    let r = b
        .post(
            &format!("/sekretariat/valg/{e}/fordeling/{loc}"),
            &[(cell.as_str(), n.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(vacant_total(&b.get(&url).await.body), before + 5);
    // The reader sees the same numbers.
    let mut reader = Browser::login(&p, "laeser").await;
    assert_eq!(vacant_total(&reader.get(&url).await.body), before + 5);
}

#[tokio::test]
async fn the_secretariat_invites_answers_on_behalf_removes_and_sees_kept_seats() {
    let p = portal().await;
    let mut b = Browser::login(&p, "admin").await;
    let team = p.ds.teams[0].id;
    let (slot, seat) = seat_of_team(&p, 0);
    let free =
        p.ds.participants
            .iter()
            .find(|m| {
                m.teams.contains(&team)
                    && m.person.municipality.is_some()
                    && !p
                        .ds
                        .seats
                        .iter()
                        .any(|s| s.state.participant() == Some(m.id))
                    && !p
                        .ds
                        .teams
                        .iter()
                        .any(|t| t.responsibles.contains_key(&m.id))
            })
            .expect("a member without seats")
            .id
            .to_string();
    let station = format!(
        "/sekretariat/valg/{}/valgsted/{}",
        slot.election, slot.work_location
    );
    let page = b.get(&station).await;
    assert_eq!(page.status, StatusCode::OK);
    let r = b
        .post(
            &format!("/sekretariat/pladser/{seat}/inviter"),
            &[("deltager", &free), ("tilbage", &station)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), station);
    let page = b.get(&station).await;
    assert!(page.body.contains("Invitationen er sendt"));
    assert!(page.body.contains("Accepter på vegne"));
    // The grid cannot remove the invited seat: it says so.
    let cell = format!("n_{}_{}_{}", slot.date, slot.team, slot.task_type);
    let grid = format!(
        "/sekretariat/valg/{}/fordeling/{}",
        slot.election, slot.work_location
    );
    let r = b.post(&grid, &[(cell.as_str(), "0")]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("blev ikke fjernet"), "kept_taken is shown");
    // Answer yes on their behalf, then remove them.
    let r = b
        .post(
            &format!("/sekretariat/pladser/{seat}/svar"),
            &[("svar", "ja"), ("tilbage", &station)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let seats = p.svc.slot_seats(&admin(), slot).await.expect("seats");
    assert!(matches!(
        seats.iter().find(|s| s.id == seat).map(|s| &s.state),
        Some(SeatState::Accepted { .. })
    ));
    let r = b
        .post(
            &format!("/sekretariat/pladser/{seat}/fjern"),
            &[("tilbage", &station), ("bekraeft", "ja")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // The seat was kept by the grid above only while taken; now it is vacant again or gone.
    let seats = p.svc.slot_seats(&admin(), slot).await.expect("seats");
    assert!(
        seats
            .iter()
            .all(|s| s.id != seat || s.state == SeatState::Vacant)
    );
}

#[tokio::test]
async fn auto_fill_proposes_with_reasons_and_sends_only_when_confirmed() {
    let p = portal().await;
    let e = p.ds.election.id;
    let url = format!("/sekretariat/valg/{e}/autofyld");
    let mut c = Browser::login(&p, "borger1").await;
    assert_eq!(c.get(&url).await.status, StatusCode::FORBIDDEN);
    let r = c.post(&url, &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut b = Browser::login(&p, "admin").await;
    assert_eq!(b.get(&url).await.status, StatusCode::OK);
    let before = p
        .svc
        .overview(&admin(), e, &Default::default())
        .await
        .expect("overview")
        .totals;
    let r = b.post(&url, &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Forslag:"));
    assert!(r.body.contains("Pladser der forbliver ledige"));
    let proposed = p
        .svc
        .overview(&admin(), e, &Default::default())
        .await
        .expect("overview")
        .totals;
    assert_eq!(before, proposed, "a proposal sends nothing");
    let r = b.post(&format!("{url}/bekraeft"), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("invitationer er sendt"));
    let after = p
        .svc
        .overview(&admin(), e, &Default::default())
        .await
        .expect("overview")
        .totals;
    assert!(after.invited > before.invited);
    // Confirming again without a new proposal does nothing.
    let r = b.post(&format!("{url}/bekraeft"), &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}
