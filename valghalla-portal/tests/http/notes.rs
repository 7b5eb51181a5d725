//! The secretariat's notes on the participant page: administrators write them (and edit or
//! delete their own), readers read them without a form, and a party secretary, a citizen and an
//! anonymous visitor neither read nor write them — nor learn whether there are any. Bad input is
//! shown at the field and nothing is saved; every showing is in the audit log.

use axum::http::StatusCode;
use valghalla::core::ids::ParticipantId;
use valghalla::core::model::{AuditAction, RecordKind};
use valghalla::core::rules::access::{Actor, StaffRole};
use valghalla::core::store::{AuditFilter, Query};

use super::common::{Browser, Portal, portal};

/// A member of party A who is not its secretary: the secretary may open their page.
fn member_of_party_a(p: &Portal) -> ParticipantId {
    let team = &p.ds.teams[0];
    p.ds.participants
        .iter()
        .find(|x| x.teams.contains(&team.id) && !team.responsibles.contains_key(&x.id))
        .expect("a member of party A")
        .id
}

async fn stored_notes(p: &Portal) -> usize {
    p.store
        .query(&Query::All(RecordKind::Note))
        .await
        .expect("notes")
        .len()
}

const TEXT: &str = "Har nøglen til skolen – ring før kl. 7";

#[tokio::test]
async fn administrators_write_notes_the_secretariat_reads_them_and_nobody_else_learns_of_them() {
    let p = portal().await;
    let who = member_of_party_a(&p);
    let url = format!("/sekretariat/deltagere/{who}");
    let form = format!("{url}/noter");
    let mut adm = Browser::login(&p, "admin").await;
    let r = adm.get(&url).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("id=\"noter\"") && r.body.contains("Ingen noter."));
    assert!(r.body.contains(&format!("action=\"{form}\"")));
    let r = adm.post(&form, &[("note", TEXT)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(stored_notes(&p).await, 1);
    let r = adm.get(&url).await;
    assert!(r.body.contains(TEXT), "{}", r.body);
    assert!(r.body.contains("Slet noten") && r.body.contains("Ret noten"));
    // A reader reads it, with no control that writes.
    let mut reader = Browser::login(&p, "laeser").await;
    let r = reader.get(&url).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(TEXT));
    assert!(
        !r.body.contains(&format!("action=\"{form}")),
        "no note form"
    );
    assert!(!r.body.contains("Slet noten"));
    assert_eq!(
        reader
            .post(&form, &[("note", "Læseren skriver")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // Each showing is logged (never the text).
    let shown: Vec<_> = p
        .store
        .audit_log(&AuditFilter::default())
        .await
        .expect("log")
        .into_iter()
        .filter(|e| e.action == AuditAction::View && e.participant == Some(who))
        .collect();
    assert_eq!(
        shown.len(),
        2,
        "the administrator's and the reader's showing"
    );
    assert!(shown.iter().all(|e| !e.description.contains("nøglen")));
    // The party secretary is refused the member's page alike with and without notes: no
    // notes, no hint of them; and writing is refused.
    let mut secretary = Browser::login(&p, "partisekretaer").await;
    let r = secretary.get(&url).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    for hidden in [TEXT, "id=\"noter\"", "Noter", "/noter"] {
        assert!(!r.body.contains(hidden), "{hidden} shown to the secretary");
    }
    let without =
        p.ds.participants
            .iter()
            .find(|x| x.id != who && x.teams.contains(&p.ds.teams[0].id))
            .expect("another member")
            .id;
    let other = secretary
        .get(&format!("/sekretariat/deltagere/{without}"))
        .await;
    assert_eq!(
        (other.status, other.body.replace(&without.to_string(), "")),
        (r.status, r.body.replace(&who.to_string(), "")),
        "the refusal is the same whether or not there are notes"
    );
    assert_eq!(
        secretary.post(&form, &[("note", "Hej")]).await.status,
        StatusCode::FORBIDDEN
    );
    // A citizen and an anonymous visitor: refused, nothing saved.
    let mut citizen = Browser::login(&p, "borger1").await;
    let r = citizen.get(&url).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!r.body.contains(TEXT));
    assert_eq!(
        citizen.post(&form, &[("note", "Hej")]).await.status,
        StatusCode::FORBIDDEN
    );
    let mut anonymous = Browser::new(&p);
    anonymous.get("/login").await;
    let r = anonymous.post(&form, &[("note", "Hej")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/login"), "{}", r.location());
    assert_eq!(stored_notes(&p).await, 1, "only the administrator's note");
}

#[tokio::test]
async fn an_empty_or_too_long_note_is_shown_at_its_field_and_nothing_is_saved() {
    let p = portal().await;
    let who = member_of_party_a(&p);
    let form = format!("/sekretariat/deltagere/{who}/noter");
    let mut adm = Browser::login(&p, "admin").await;
    adm.get(&format!("/sekretariat/deltagere/{who}")).await;
    let r = adm.post(&form, &[("note", "  \r\n ")]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("href=\"#note\""), "{}", r.body);
    assert!(r.body.contains("id=\"note-fejl\"") && r.body.contains("aria-invalid=\"true\""));
    assert!(r.body.contains("Note: mangler"), "{}", r.body);
    let long = format!("Start {}", "x".repeat(2000));
    let r = adm.post(&form, &[("note", &long)]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("2000 tegn"), "{}", r.body);
    assert!(
        r.body.contains(&long),
        "the text is kept for the correction"
    );
    assert_eq!(stored_notes(&p).await, 0);
}

#[tokio::test]
async fn only_the_author_edits_or_deletes_a_note_after_confirming() {
    let p = portal().await;
    let who = member_of_party_a(&p);
    let url = format!("/sekretariat/deltagere/{who}");
    let colleague = Actor::Secretariat {
        user: "kollega".into(),
        role: StaffRole::Administrator,
    };
    let theirs = p
        .svc
        .add_note(&colleague, who, "Kollegaens note")
        .await
        .expect("a colleague's note");
    // The demo administrator's own note (their user name is the author).
    let demo_admin = Actor::Secretariat {
        user: "sekretariat-admin".into(),
        role: StaffRole::Administrator,
    };
    let mine = p
        .svc
        .add_note(&demo_admin, who, "Min note")
        .await
        .expect("a note");
    let mut adm = Browser::login(&p, "admin").await;
    let r = adm.get(&url).await;
    assert!(
        r.body
            .contains(&format!("action=\"{url}/noter/{mine}/slet\""))
    );
    assert!(
        !r.body.contains(&format!("{url}/noter/{theirs}")),
        "no controls on a colleague's note"
    );
    // Refused for the colleague's note, whoever asks.
    let r = adm
        .post(&format!("{url}/noter/{theirs}"), &[("note", "Ændret")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // An empty edit is shown at the note's field; nothing changes.
    let r = adm
        .post(&format!("{url}/noter/{mine}"), &[("note", "")])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains(&format!("href=\"#note-{mine}\"")),
        "{}",
        r.body
    );
    let r = adm
        .post(
            &format!("{url}/noter/{mine}"),
            &[("note", "Min rettede note")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = adm.get(&url).await;
    assert!(r.body.contains("Min rettede note") && r.body.contains("rettet "));
    // Deleting asks first.
    let delete = format!("{url}/noter/{mine}/slet");
    let r = adm.post(&delete, &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Vil du slette noten?"), "{}", r.body);
    assert_eq!(stored_notes(&p).await, 2);
    let r = adm.post(&delete, &[("bekraeft", "ja")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = adm
        .post(&format!("{url}/noter/{theirs}/slet"), &[("bekraeft", "ja")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(stored_notes(&p).await, 1, "the colleague's note stays");
}
