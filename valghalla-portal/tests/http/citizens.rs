//! Issue 18's citizen pages over HTTP: a link names its party and what joining means; the task
//! chosen on a vacancy link survives login and sign-up; sign-up shows the privacy statement
//! and records consent with its text version; a team link's new member lands on the team's
//! vacant tasks; "Min profil" lists the teams; deleting the profile asks first.

use axum::http::StatusCode;
use valghalla::core::model::{LinkKind, SeatState, VacancyFilter};
use valghalla_portal::demo;

use super::common::{Browser, Portal, admin, portal};

async fn vacancy_link(p: &Portal) -> String {
    let link = p
        .svc
        .create_link(
            &admin(),
            LinkKind::Vacancies(VacancyFilter {
                election: p.ds.election.id,
                team: p.ds.teams[0].id,
                areas: Default::default(),
                work_locations: Default::default(),
                task_types: Default::default(),
                dates: Default::default(),
                include_trusted: false,
            }),
        )
        .await
        .expect("link");
    format!("/link/{}", link.token.as_str())
}

/// The value of the first `attr="…"` after `after` in `body`.
fn attr_after(body: &str, after: &str, attr: &str) -> String {
    let from = body.find(after).expect(after);
    let key = format!("{attr}=\"");
    let at = from + body[from..].find(&key).expect(attr) + key.len();
    body[at..at + body[at..].find('"').expect("end")].replace("&#x2f;", "/")
}

#[tokio::test]
async fn a_team_link_names_the_party_and_a_new_member_lands_on_its_vacant_tasks() {
    let p = portal().await;
    let team = &p.ds.teams[0];
    let link = p
        .svc
        .create_link(&admin(), LinkKind::Team { team: team.id })
        .await
        .expect("link");
    let path = format!("/link/{}", link.token.as_str());
    let page = Browser::new(&p).get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    let name = team.name.to_string();
    assert!(
        page.body
            .contains(&format!("Linket er fra <strong>{name}</strong>")),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("sætte dig på opgaver"),
        "what joining means"
    );
    // A participant of another team joins, and sees the team's vacant tasks.
    let mut b = Browser::login(&p, "borger2").await;
    b.get(&path).await;
    let r = b.post(&format!("{path}/team"), &[]).await;
    assert_eq!(r.location(), "/ledige-opgaver");
    let vacancies = b.get("/ledige-opgaver").await;
    assert_eq!(vacancies.status, StatusCode::OK);
    assert!(vacancies.body.contains("Tag opgaven"), "{}", vacancies.body);
    let profile = b.get("/min-profil").await;
    assert!(profile.body.contains("Mine teams"));
    assert!(
        profile.body.contains(&name),
        "the profile lists the new team"
    );
    // A new citizen signs up through the team link and lands on its vacant tasks too.
    let mut new = Browser::login(&p, "ny2").await;
    new.get(&path).await;
    let r = new.post(&format!("{path}/team"), &[]).await;
    let signup = r.location().to_owned();
    assert_eq!(signup, format!("{path}/tilmeld"));
    new.get(&signup).await;
    let r = new.post(&signup, &[("mobil", "31415927")]).await;
    assert_eq!(r.location(), "/ledige-opgaver", "{}", r.body);
    let vacancies = new.get("/ledige-opgaver").await;
    let slot = attr_after(&vacancies.body, "name=\"plads\"", "value");
    let r = new.post("/ledige-opgaver/tag", &[("plads", &slot)]).await;
    assert_eq!(r.location(), "/mine-opgaver", "{}", r.body);
    assert!(new.get("/mine-opgaver").await.body.contains("Accepteret"));
}

#[tokio::test]
async fn a_chosen_task_survives_login_and_sign_up_which_records_consent() {
    let p = portal().await;
    let path = vacancy_link(&p).await;
    let mut b = Browser::new(&p);
    let page = b.get(&path).await;
    let choose = attr_after(
        &page.body,
        "<td class=\"stack-action\"><a class=\"button\"",
        "href",
    );
    assert!(choose.starts_with("/login?next="), "{choose}");
    // The login page sends the citizen back to the chosen task.
    let next = {
        let raw = attr_after(
            &page.body,
            "<td class=\"stack-action\"><a class=\"button\"",
            "href",
        );
        let q = raw.trim_start_matches("/login?next=").to_owned();
        percent_decode(&q)
    };
    assert!(next.contains("?plads="), "{next}");
    b.get("/login").await;
    let r = b
        .post("/login", &[("identitet", "ny1"), ("next", &next)])
        .await;
    assert_eq!(r.location(), next);
    let chosen = b.get(&next).await;
    assert!(
        chosen.body.contains("Den opgave, du valgte"),
        "{}",
        chosen.body
    );
    let slot = next.split("?plads=").nth(1).expect("slot").to_owned();
    // Not a participant yet: to the sign-up, with the task.
    let r = b.post(&format!("{path}/tag"), &[("plads", &slot)]).await;
    let signup = r.location().to_owned();
    assert!(signup.contains("/tilmeld?plads="), "{signup}");
    let form = b.get(&signup).await;
    assert!(form.body.contains("Sådan behandler vi dine oplysninger"));
    assert!(
        form.body.contains("privatliv-2026-1"),
        "the text's version is shown"
    );
    assert!(
        form.body.contains(&format!("value=\"{slot}\"")),
        "the task rides along"
    );
    let r = b
        .post(
            &format!("{path}/tilmeld"),
            &[("mobil", "31415926"), ("samtykke", "ja"), ("plads", &slot)],
        )
        .await;
    assert_eq!(r.location(), "/mine-opgaver", "{}", r.body);
    let cpr = valghalla::core::cpr::Cpr::parse(demo::NEW_CITIZENS[0].0).expect("cpr");
    let id = p
        .svc
        .participant_for_login(&cpr)
        .await
        .expect("lookup")
        .expect("registered");
    let view = p.svc.participant(&admin(), id).await.expect("view");
    let consent = view.participant.consent.expect("consent recorded");
    assert_eq!(consent.text_version, "privatliv-2026-1");
    let seats = p
        .svc
        .slot_seats(&admin(), valghalla_portal_slot(&slot))
        .await
        .expect("seats");
    assert!(
        seats.iter().any(
            |s| matches!(s.state, SeatState::Accepted { participant, .. } if participant == id)
        ),
        "the chosen task is theirs"
    );
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
            out.push(u8::from_str_radix(hex, 16).expect("hex"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("utf-8")
}

fn valghalla_portal_slot(v: &str) -> valghalla::core::model::SlotKey {
    let parts: Vec<&str> = v.split('|').collect();
    valghalla::core::model::SlotKey {
        election: parts[0].parse().expect("election"),
        work_location: parts[1].parse().expect("location"),
        task_type: parts[2].parse().expect("task type"),
        team: parts[3].parse().expect("team"),
        date: parts[4].parse().expect("date"),
    }
}

#[tokio::test]
async fn deleting_the_profile_asks_first() {
    let p = portal().await;
    let mut b = Browser::login(&p, "borger2").await;
    let profile = b.get("/min-profil").await;
    assert!(profile.body.contains("href=\"/min-profil/slet\""));
    // A post without the confirmation only leads to the question (web/confirm.rs).
    let r = b.post("/min-profil/slet", &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Vil du slette din profil?"), "{}", r.body);
    assert!(r.body.contains("name=\"bekraeft\" value=\"ja\""));
    let confirm = b.get("/min-profil/slet").await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("Det kan ikke fortrydes"));
    assert!(confirm.body.contains("låseperioden"));
    assert_eq!(b.get("/min-profil").await.status, StatusCode::OK);
    assert!(
        b.get("/min-profil").await.body.contains("Mine teams"),
        "still a participant"
    );
    let r = b.post("/min-profil/slet", &[("bekraeft", "ja")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = b.get("/min-profil").await;
    assert!(
        after.body.contains("Din profil er slettet"),
        "{}",
        after.body
    );
    assert!(!after.body.contains("Mine teams"));
}
