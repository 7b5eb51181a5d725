//! The communication log: searched by recipient, kind, state, written subject and day, paged,
//! the search kept in the URL; bad dates shown at their fields; for the secretariat's
//! administrators only.

use axum::http::StatusCode;
use valghalla::core::messages::MessageKind;
use valghalla::core::store::OutboxFilter;

use super::common::{Browser, portal};

const LOG: &str = "/sekretariat/kommunikation/log";

fn total(body: &str) -> usize {
    let at = body.find("<p id=\"antal\">").expect("the count") + "<p id=\"antal\">".len();
    body[at..]
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a number")
}

#[tokio::test]
async fn the_communication_log_is_searched_by_who_what_state_subject_and_day_and_paged() {
    let p = portal().await;
    let outbox = p
        .store
        .outbox(&OutboxFilter::default())
        .await
        .expect("outbox");
    let mut b = Browser::login(&p, "admin").await;
    let all = b.get(LOG).await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(total(&all.body), outbox.len(), "every message");
    assert!(
        outbox.len() > 50,
        "the demo's invitations fill more than a page"
    );
    assert!(all.body.contains("Næste side") && !all.body.contains("Forrige side"));
    // What: only invitations.
    let invitations = outbox
        .iter()
        .filter(|m| m.kind == MessageKind::Invitation)
        .count();
    let r = b.get(&format!("{LOG}?type=invitation")).await;
    assert_eq!(total(&r.body), invitations);
    assert!(
        r.body.contains("selected>Invitation</option>"),
        "the search is shown back"
    );
    // Who: one recipient from their page, and by part of a name.
    let someone = outbox[0].participant;
    let theirs = outbox.iter().filter(|m| m.participant == someone).count();
    let r = b.get(&format!("{LOG}?modtager={someone}")).await;
    assert_eq!(total(&r.body), theirs, "{}", r.body);
    let person =
        p.ds.participants
            .iter()
            .find(|x| x.id == someone)
            .expect("the recipient");
    assert!(
        r.body
            .contains(&format!("Kun beskeder til <strong>{}", person.full_name()))
    );
    let by_name = b
        .get(&format!(
            "{LOG}?hvem={}",
            person.person.last_name.as_str().to_lowercase()
        ))
        .await;
    assert!(total(&by_name.body) >= theirs);
    assert!(
        total(&by_name.body) < outbox.len(),
        "a name narrows the log"
    );
    // Subject: a group message's, once it is sent.
    let e = p.ds.election.id.to_string();
    let team = p.ds.teams[0].id.to_string();
    b.get("/sekretariat/kommunikation").await;
    let r = b
        .post(
            "/sekretariat/kommunikation/gruppe",
            &[
                ("valg", e.as_str()),
                ("team", team.as_str()),
                ("emne", "Husk madpakken"),
                ("tekst", "Vi ses på valgdagen."),
                ("handling", "send"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let groups = p
        .store
        .outbox(&OutboxFilter::default())
        .await
        .expect("outbox")
        .iter()
        .filter(|m| m.kind == MessageKind::Group)
        .count();
    assert!(groups > 0);
    let r = b.get(&format!("{LOG}?emne=MADPAKKEN&type=group")).await;
    assert_eq!(total(&r.body), groups);
    assert!(r.body.contains("<td>Husk madpakken</td>"));
    assert_eq!(total(&b.get(&format!("{LOG}?emne=valgkort")).await.body), 0);
    // State: nothing has been dispatched yet, so nothing is sent.
    assert_eq!(total(&b.get(&format!("{LOG}?status=sendt")).await.body), 0);
    // When: a day long ago finds nothing; a bad date is shown at its field.
    assert_eq!(
        total(&b.get(&format!("{LOG}?til=2000-01-01")).await.body),
        0
    );
    let bad = b.get(&format!("{LOG}?fra=igaar")).await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(bad.body.contains("href=\"#fra\""), "{}", bad.body);
    // The second page links back to the first, keeping the search.
    // Every message is on or before 2100: more than a page, and the second page links back to
    // the first, keeping the search.
    let second = b.get(&format!("{LOG}?til=2100-01-01&side=2")).await;
    assert!(second.body.contains("side 2 af"), "{}", second.body);
    assert!(
        second
            .body
            .contains("href=\"/sekretariat/kommunikation/log?til=2100-01-01&#38;side=1\""),
        "{}",
        second.body
    );
    let first_rows = all.body.matches("<tr><td>").count();
    assert_eq!(first_rows, 50, "a page holds 50");
}

#[tokio::test]
async fn the_communication_log_is_for_administrators_only() {
    let p = portal().await;
    let mut anonymous = Browser::new(&p);
    let r = anonymous.get(&format!("{LOG}?hvem=x")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/login?next="));
    for who in ["laeser", "partisekretaer", "borger1"] {
        let mut b = Browser::login(&p, who).await;
        let r = b.get(&format!("{LOG}?hvem=x")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
        assert!(!r.body.contains("id=\"antal\""), "{who} sees no count");
    }
    let mut admin = Browser::login(&p, "admin").await;
    assert_eq!(admin.get(LOG).await.status, StatusCode::OK);
}
