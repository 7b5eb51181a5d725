//! Every link the system sends resolves: each default template, rendered for every channel
//! with the facts of a real invitation, names only URLs the router serves — and the invitation
//! link opens the answer page, where the person accepts.

use axum::http::StatusCode;
use valghalla::core::messages::{Channel, MessageKind, TokenValues, default_template, render_as};
use valghalla::core::model::SeatState;

use super::common::{Browser, invitation_of, invited_seat, portal};

/// Every `http://test…` URL in `text`.
fn urls(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("http://test") {
        let url: String = rest[at..]
            .chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '<' | '>' | '\''))
            .collect();
        rest = &rest[at + url.len()..];
        // A sentence's full stop after a link is not part of it (as mail and SMS apps read it).
        out.push(
            url.trim_end_matches(['.', ',', ';', ':', ')', '!', '?'])
                .to_owned(),
        );
    }
    out
}

#[tokio::test]
async fn every_url_in_every_default_template_is_served() {
    let p = portal().await;
    let mut person = Browser::login(&p, "borger2").await;
    let seat = invited_seat(&person.get("/mine-opgaver").await.body);
    let invitation = invitation_of(&p, &seat).await;
    let values = TokenValues::from_facts(&invitation.facts);
    let mut seen = std::collections::BTreeSet::new();
    for kind in MessageKind::ALL {
        let template = default_template(kind);
        for channel in [Channel::DigitalPost, Channel::Email, Channel::Sms] {
            let m = render_as(&template, &values, channel);
            for url in urls(&m.subject).into_iter().chain(urls(&m.body)) {
                seen.insert(url);
            }
        }
    }
    assert!(
        seen.iter().any(|u| u.contains("/invitation/"))
            && seen.iter().any(|u| u.ends_with("/kontakt")),
        "the templates link to the invitation and the contact page: {seen:?}"
    );
    for url in &seen {
        let path = url.trim_start_matches("http://test");
        let path = if path.is_empty() { "/" } else { path };
        // Anyone who clicks: never a 404 (the answer page first asks them to log in).
        let mut anonymous = Browser::new(&p);
        let r = anonymous.get(path).await;
        assert!(
            r.status == StatusCode::OK || r.status == StatusCode::SEE_OTHER,
            "{url} answered {} for an anonymous visitor",
            r.status
        );
        // The recipient ends on a page that is served.
        let mut at = path.to_owned();
        let mut r = person.get(&at).await;
        for _ in 0..3 {
            if r.status != StatusCode::SEE_OTHER {
                break;
            }
            at = r.location().to_owned();
            r = person.get(&at).await;
        }
        assert_eq!(r.status, StatusCode::OK, "{url} → {at} for the recipient");
    }
}

#[tokio::test]
async fn the_invitation_link_asks_for_login_then_accepts_with_contact_details() {
    let p = portal().await;
    let mut person = Browser::login(&p, "borger2").await;
    let seat = invited_seat(&person.get("/mine-opgaver").await.body);
    let link = invitation_of(&p, &seat)
        .await
        .facts
        .get("invitation")
        .cloned()
        .expect("the invitation link");
    let path = link.trim_start_matches("http://test").to_owned();
    assert!(path.starts_with(&format!("/invitation/{seat}/")), "{path}");
    // Someone not logged in is asked to log in, and comes back here.
    let mut b = Browser::new(&p);
    let r = b.get(&path).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        r.location().starts_with("/login?next=/invitation/"),
        "{}",
        r.location()
    );
    // Another citizen sees no one else's invitation.
    let mut other = Browser::login(&p, "borger1").await;
    let r = other.get(&path).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Invitationen gælder ikke længere"));
    assert!(!r.body.contains("Vil du tage opgaven"));
    // The recipient sees the task; a bad phone number is shown at its field, nothing changes.
    let page = person.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Vil du tage opgaven?"), "{}", page.body);
    let r = person
        .post(&path, &[("svar", "ja"), ("mobil", "12"), ("email", "")])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("href=\"#mobil\""), "{}", r.body);
    let seat_id = seat.parse().expect("seat id");
    let stored = |p: &super::common::Portal| {
        let store = p.store.clone();
        async move {
            match store
                .get(valghalla::core::model::RecordKey::Seat(seat_id))
                .await
                .expect("seat")
            {
                Some(v) => match v.value {
                    valghalla::core::model::Record::Seat(s) => s.state,
                    _ => SeatState::Vacant,
                },
                None => SeatState::Vacant,
            }
        }
    };
    assert!(matches!(stored(&p).await, SeatState::Invited { .. }));
    // A wrong token is refused by the core.
    let wrong = format!("/invitation/{seat}/forkert");
    let r = person
        .post(&wrong, &[("svar", "ja"), ("mobil", "20304050")])
        .await;
    assert_ne!(r.status, StatusCode::SEE_OTHER);
    assert!(matches!(stored(&p).await, SeatState::Invited { .. }));
    // Accepting with contact details.
    let r = person
        .post(
            &path,
            &[("svar", "ja"), ("mobil", "20304050"), ("email", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/mine-opgaver");
    assert!(matches!(stored(&p).await, SeatState::Accepted { .. }));
    // Opening the link again says it is accepted.
    let again = person.get(&path).await;
    assert!(
        again.body.contains("Du har allerede accepteret"),
        "{}",
        again.body
    );
}
