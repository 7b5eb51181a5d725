//! Writing to the secretariat and its inbox, over HTTP: who may open which page, a citizen sees
//! only their own threads (another's is a 404, as a thread that does not exist), the answer
//! goes to the person's outbox and to "Mine beskeder", and the contact page links to the form.

use axum::http::StatusCode;
use valghalla::core::messages::MessageKind;
use valghalla::core::model::RecordKind;
use valghalla::core::store::Query;

use super::common::{Browser, Portal, portal};

/// The thread a person's redirect after writing points at.
fn thread_path(location: &str) -> String {
    assert!(location.starts_with("/beskeder/"), "{location}");
    location.to_owned()
}

async fn write(b: &mut Browser, subject: &str, text: &str) -> String {
    let form = b.get("/beskeder/ny").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let r = b
        .post(
            "/beskeder/ny",
            &[("emne", subject), ("besked", text), ("plads", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    thread_path(r.location())
}

async fn threads(p: &Portal) -> usize {
    p.store
        .query(&Query::All(RecordKind::Thread))
        .await
        .expect("threads")
        .len()
}

#[tokio::test]
async fn the_contact_page_leads_to_the_form_and_anonymous_visitors_log_in_first() {
    let p = portal().await;
    let mut anonymous = Browser::new(&p);
    let contact = anonymous.get("/kontakt").await;
    assert_eq!(contact.status, StatusCode::OK);
    assert!(
        contact.body.contains("/login?next=/beskeder/ny"),
        "{}",
        contact.body
    );
    for page in ["/beskeder", "/beskeder/ny"] {
        let r = anonymous.get(page).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{page}");
        assert!(r.location().starts_with("/login?next="), "{page}");
    }
    let mut citizen = Browser::login(&p, "borger1").await;
    let contact = citizen.get("/kontakt").await;
    assert!(
        contact.body.contains("href=\"/beskeder/ny\""),
        "{}",
        contact.body
    );
    assert!(
        citizen
            .get("/mine-opgaver")
            .await
            .body
            .contains("Mine beskeder")
    );
}

#[tokio::test]
async fn a_citizen_writes_and_sees_only_their_own_threads() {
    let p = portal().await;
    let mut karen = Browser::login(&p, "borger1").await;
    let mine = write(&mut karen, "Hund med", "Må jeg tage min hund med?").await;
    let page = karen.get(&mine).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Må jeg tage min hund med?"));
    assert!(karen.get("/beskeder").await.body.contains("Hund med"));

    let mut other = Browser::login(&p, "borger2").await;
    let list = other.get("/beskeder").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        !list.body.contains("Hund med"),
        "another's thread is not listed"
    );
    // Another person's thread is missing to them, like one that does not exist, and they
    // cannot write into it.
    let r = other.get(&mine).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!r.body.contains("Hund med"));
    let r = other.post(&mine, &[("besked", "Mig også")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let fake = format!("/beskeder/{}", uuid::Uuid::new_v4());
    assert_eq!(other.get(&fake).await.status, StatusCode::NOT_FOUND);
    // A party secretary is a person too: their own threads only, no inbox.
    let mut secretary = Browser::login(&p, "partisekretaer").await;
    assert_eq!(secretary.get(&mine).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        secretary.get("/sekretariat/indbakke").await.status,
        StatusCode::FORBIDDEN
    );
    let id = mine.trim_start_matches("/beskeder/");
    assert_eq!(
        secretary
            .get(&format!("/sekretariat/indbakke/{id}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        secretary
            .post(
                &format!("/sekretariat/indbakke/{id}/svar"),
                &[("svar", "Nej")]
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(threads(&p).await, 1);
}

#[tokio::test]
async fn an_empty_message_is_a_field_error_and_stores_nothing() {
    let p = portal().await;
    let mut karen = Browser::login(&p, "borger1").await;
    karen.get("/beskeder/ny").await;
    let r = karen
        .post(
            "/beskeder/ny",
            &[("emne", "Spørgsmål"), ("besked", "   "), ("plads", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Besked: mangler"), "{}", r.body);
    assert!(r.body.contains("Spørgsmål"), "what was written is kept");
    assert_eq!(threads(&p).await, 0);
}

#[tokio::test]
async fn the_secretariat_reads_answers_and_closes_and_the_citizen_reads_the_answer() {
    let p = portal().await;
    let mut karen = Browser::login(&p, "borger1").await;
    let mine = write(&mut karen, "Parkering", "Kan jeg parkere ved skolen?").await;
    let id = mine.trim_start_matches("/beskeder/").to_owned();

    // A reader sees the inbox and the thread but cannot answer.
    let mut reader = Browser::login(&p, "laeser").await;
    let inbox = reader.get("/sekretariat/indbakke").await;
    assert_eq!(inbox.status, StatusCode::OK);
    assert!(inbox.body.contains("1 ulæste"), "{}", inbox.body);
    let thread = reader.get(&format!("/sekretariat/indbakke/{id}")).await;
    assert_eq!(thread.status, StatusCode::OK);
    assert!(!thread.body.contains("Send svar"));
    let r = reader
        .post(
            &format!("/sekretariat/indbakke/{id}/svar"),
            &[("svar", "Ja")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let mut admin = Browser::login(&p, "admin").await;
    assert!(
        admin
            .get("/sekretariat/indbakke")
            .await
            .body
            .contains("1 ulæste")
    );
    let thread = admin.get(&format!("/sekretariat/indbakke/{id}")).await;
    assert!(thread.body.contains("Kan jeg parkere ved skolen?"));
    assert!(
        admin
            .get("/sekretariat/indbakke")
            .await
            .body
            .contains("0 ulæste")
    );
    let r = admin
        .post(
            &format!("/sekretariat/indbakke/{id}/svar"),
            &[("svar", "Ja, bag hallen!")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The answer is on its way to Karen's channel.
    let karen_id = p
        .store
        .query(&Query::All(RecordKind::Thread))
        .await
        .expect("threads")
        .into_iter()
        .find_map(|v| match v.value {
            valghalla::core::model::Record::Thread(t) => Some(t.participant),
            _ => None,
        })
        .expect("the thread");
    let answers: Vec<_> = p
        .store
        .outbox(&valghalla::core::store::OutboxFilter {
            participant: Some(karen_id),
            ..Default::default()
        })
        .await
        .expect("outbox")
        .into_iter()
        .filter(|m| m.kind == MessageKind::Group)
        .collect();
    assert_eq!(answers.len(), 1);
    let (_, body) = answers[0].custom.as_ref().expect("text");
    assert!(
        body.contains(&format!("http://test/beskeder/{id}")),
        "{body}"
    );
    // Both directions are in the communication log on her participant page: her post, with
    // a link to the thread, and the answer; a reader sees no log there.
    let page = admin
        .get(&format!("/sekretariat/deltagere/{karen_id}"))
        .await;
    let log = &page.body[page.body.find("id=\"beskeder\"").expect("the log")..];
    let incoming = format!(
        "<td>Fra personen</td><td><a href=\"/sekretariat/indbakke/{id}\">Parkering</a></td><td>Modtaget</td>"
    );
    assert!(log.contains(&incoming), "{log}");
    let answer = log
        .find("<td>Til personen</td><td>Gruppebesked</td>")
        .expect("the answer");
    assert!(
        answer < log.find(&incoming).expect("the post"),
        "newest first: {log}"
    );
    let as_reader = reader
        .get(&format!("/sekretariat/deltagere/{karen_id}"))
        .await;
    assert_eq!(as_reader.status, StatusCode::OK);
    assert!(!as_reader.body.contains("Fra personen"));
    // … and on "Mine beskeder".
    assert!(karen.get("/beskeder").await.body.contains("Nyt svar"));
    let read = karen.get(&mine).await;
    assert!(read.body.contains("Ja, bag hallen!"));
    assert!(!karen.get("/beskeder").await.body.contains("Nyt svar"));
    // Closing.
    let r = admin
        .post(&format!("/sekretariat/indbakke/{id}/luk"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        !admin
            .get("/sekretariat/indbakke")
            .await
            .body
            .contains("Parkering")
    );
    assert!(
        admin
            .get("/sekretariat/indbakke?vis=alle")
            .await
            .body
            .contains("Parkering")
    );
    // The answer's link opens the thread after login.
    let mut fresh = Browser::new(&p);
    let r = fresh.get(&mine).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().contains("next=/beskeder/"), "{}", r.location());
}
