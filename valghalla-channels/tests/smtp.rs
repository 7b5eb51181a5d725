//! The SMTP sender against a real SMTP server (Debian's aiosmtpd, see `support/`): what arrives,
//! byte for byte and parsed back as MIME, and how refusals, a server that is down and one that
//! never answers reach the dispatcher's retries.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use mail_parser::{MessageParser, MimeHeaders};
use support::MailServer;
use valghalla_channels::{SmtpConfig, SmtpSecurity, SmtpSender};
use valghalla_core::Cpr;
use valghalla_core::Email;
use valghalla_core::ids::MessageId;
use valghalla_core::memory::MemoryStore;
use valghalla_core::messages::{
    Channel, MessageKind, MessageSender, Outgoing, Recipient, SendError,
};
use valghalla_core::model::{Contact, Participant};
use valghalla_core::service::{
    Clock, CommunicationFilter, DispatchConfig, Dispatcher, Disposition, LogStatus, NewParticipant,
};
use valghalla_core::store::{DeliveryStatus, OutboxFilter, OutboxMessage};
use valghalla_core::testkit::FakeRegistry;
use valghalla_core::testkit::scenario::{Scenario, election_day, municipality_code};

const FROM: &str = "Korsbæk Kommune, Valgsekretariatet <valg@korsbaek.test>";
const DOMAIN: &str = "korsbaek.test";

fn plain_config(port: u16) -> SmtpConfig {
    SmtpConfig {
        port: Some(port),
        security: SmtpSecurity::Plain,
        reply_to: Some("Valgsekretariatet <valgsekretariat@korsbaek.test>".into()),
        timeout: Duration::from_secs(10),
        ..SmtpConfig::new("127.0.0.1", FROM, DOMAIN)
    }
}

fn sender(port: u16) -> SmtpSender {
    SmtpSender::new(&plain_config(port)).unwrap()
}

fn outgoing(body: &str) -> Outgoing {
    Outgoing {
        idempotency_key: MessageId::new(),
        kind: MessageKind::Registration,
        channel: Channel::Email,
        recipient: Recipient::Email(Email::parse("soeren@example.test").unwrap()),
        recipient_name: "Søren Ærø Åberg".into(),
        subject: "Tak for din tilmelding – æøå ÆØÅ på Ærøskøbing Rådhus".into(),
        body: body.into(),
        attachments: vec![],
        attempt: 1,
    }
}

const BODY: &str = "<p>Kære Søren Ærø Åberg</p>\n<p>Du er tilmeldt som <b>Valgstyrer</b> på \
    Ærøskøbing Rådhus.</p>\n<p>Se din opgave her: <a href=\"https://valg.korsbaek.test/mine-opgaver\">\
    https://valg.korsbaek.test/mine-opgaver</a></p>";

/// The part of a raw message before the first empty line.
fn header_block(raw: &[u8]) -> &[u8] {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header block");
    &raw[..end]
}

fn content_types(msg: &mail_parser::Message<'_>) -> Vec<String> {
    msg.parts
        .iter()
        .map(|p| {
            p.content_type().map_or_else(String::new, |c| {
                format!("{}/{}", c.ctype(), c.subtype().unwrap_or(""))
            })
        })
        .collect()
}

#[tokio::test]
async fn a_message_arrives_with_danish_headers_a_text_and_an_html_part_and_its_key() {
    let Some(server) = MailServer::start(
        "a_message_arrives_with_danish_headers_a_text_and_an_html_part_and_its_key",
        &[],
    ) else {
        return;
    };
    let msg = outgoing(BODY);
    let receipt = sender(server.port).send(&msg).await.unwrap();
    assert_eq!(
        receipt.provider_reference.as_deref(),
        Some("2.0.0 Ok: queued as 0001")
    );

    let received = server.received();
    assert_eq!(received.len(), 1);
    let mail = &received[0];
    assert_eq!(mail.envelope["mail_from"], "valg@korsbaek.test");
    assert_eq!(
        mail.envelope["rcpt_tos"],
        serde_json::json!(["soeren@example.test"])
    );
    // Headers are 7-bit: the Danish letters travel as RFC 2047 encoded words.
    let headers = header_block(&mail.raw);
    assert!(headers.is_ascii(), "{}", String::from_utf8_lossy(headers));

    let parsed = MessageParser::default().parse(&mail.raw).unwrap();
    let from = parsed.from().unwrap().first().unwrap();
    assert_eq!(from.name(), Some("Korsbæk Kommune, Valgsekretariatet"));
    assert_eq!(from.address(), Some("valg@korsbaek.test"));
    let to = parsed.to().unwrap().first().unwrap();
    assert_eq!(to.name(), Some("Søren Ærø Åberg"));
    assert_eq!(to.address(), Some("soeren@example.test"));
    let reply_to = parsed.reply_to().unwrap().first().unwrap();
    assert_eq!(reply_to.address(), Some("valgsekretariat@korsbaek.test"));
    assert_eq!(
        parsed.subject(),
        Some("Tak for din tilmelding – æøå ÆØÅ på Ærøskøbing Rådhus")
    );
    // The outbox id is the Message-ID: the idempotency key.
    assert_eq!(
        parsed.message_id(),
        Some(format!("{}@{DOMAIN}", msg.idempotency_key).as_str())
    );
    assert_eq!(
        parsed.header("Auto-Submitted").and_then(|h| h.as_text()),
        Some("auto-generated")
    );
    assert!(parsed.date().is_some());

    // multipart/alternative: plain text first, then HTML.
    assert_eq!(
        content_types(&parsed),
        ["multipart/alternative", "text/plain", "text/html"]
    );
    for part in &parsed.parts[1..] {
        let charset = part.content_type().and_then(|c| c.attribute("charset"));
        assert_eq!(
            charset.map(str::to_ascii_lowercase).as_deref(),
            Some("utf-8")
        );
    }
    let text = parsed.body_text(0).unwrap();
    assert!(text.starts_with("Kære Søren Ærø Åberg"), "{text}");
    assert!(
        text.contains("Du er tilmeldt som Valgstyrer på Ærøskøbing Rådhus."),
        "{text}"
    );
    assert!(
        text.contains("https://valg.korsbaek.test/mine-opgaver"),
        "{text}"
    );
    assert!(!text.contains('<'), "no tags in the text part: {text}");
    // MIME text travels with CRLF line ends.
    let html = parsed.body_html(0).unwrap().replace("\r\n", "\n");
    assert!(html.contains("<html lang=\"da\">"), "{html}");
    assert!(html.contains("<meta charset=\"utf-8\">"), "{html}");
    assert!(
        html.contains(BODY),
        "the HTML body travels unchanged: {html}"
    );
    assert!(html.contains("<title>Tak for din tilmelding – æøå ÆØÅ på Ærøskøbing Rådhus</title>"));
}

/// A participant in the scenario with an e-mail address and a Danish name.
async fn participant_with_email(s: &Scenario) -> Participant {
    participant_with_cpr(s, "0101751234").await
}

/// Like [`participant_with_email`], another person.
async fn participant_with_cpr(s: &Scenario, cpr: &str) -> Participant {
    let cpr = Cpr::parse(cpr).unwrap();
    s.registry.insert(
        cpr,
        FakeRegistry::resident(&cpr, "Søren Ærø", "Åberg", municipality_code()),
    );
    s.svc
        .create_participant(
            &s.admin,
            NewParticipant {
                cpr,
                contact: Contact {
                    mobile: None,
                    email: Some(Email::parse("soeren@example.test").unwrap()),
                },
                teams: [s.teams[0].id].into(),
                special_diets: Default::default(),
                preferred_work_location: None,
            },
        )
        .await
        .unwrap()
}

/// A scenario whose only sender is SMTP to `port`, with one invitation in the outbox.
async fn invited_by_email(
    port: u16,
    config: DispatchConfig,
) -> (Scenario, Dispatcher, Participant, OutboxMessage) {
    let s = Scenario::new(Arc::new(MemoryStore::new())).await;
    let dispatcher = Dispatcher::new(config).with_sender(Arc::new(sender(port)));
    let p = participant_with_email(&s).await;
    let seat = s
        .seats(s.slot(0, &s.tilforordnet, 0, election_day()), 1)
        .await[0]
        .id;
    s.svc.invite(&s.admin, seat, p.id).await.unwrap();
    let msg = outbox(&s).await.remove(0);
    assert_eq!(msg.kind, MessageKind::Invitation);
    (s, dispatcher, p, msg)
}

async fn outbox(s: &Scenario) -> Vec<OutboxMessage> {
    s.store.outbox(&OutboxFilter::default()).await.unwrap()
}

#[tokio::test]
async fn the_dispatcher_sends_through_smtp_and_a_resend_after_a_crash_carries_the_same_key() {
    let Some(server) = MailServer::start(
        "the_dispatcher_sends_through_smtp_and_a_resend_after_a_crash_carries_the_same_key",
        &[],
    ) else {
        return;
    };
    let (s, dispatcher, p, msg) = invited_by_email(server.port, DispatchConfig::default()).await;

    // The dispatcher hands the message to the server and dies before recording it.
    let d = dispatcher.deliver(&s.svc, &msg).await.unwrap();
    assert!(matches!(d, Disposition::Record(_)));
    assert_eq!(outbox(&s).await[0].status, DeliveryStatus::Pending);
    // The next run sends it again, under the same key, and records it.
    let report = dispatcher.run_once(&s.svc).await.unwrap();
    assert_eq!(report.sent, 1);
    assert!(
        matches!(outbox(&s).await[0].status, DeliveryStatus::Sent { ref channel, .. } if channel == "email")
    );
    // Nothing more later.
    s.clock.advance(chrono::Duration::days(1));
    assert_eq!(
        dispatcher.run_once(&s.svc).await.unwrap(),
        Default::default()
    );

    let received = server.received();
    assert_eq!(
        received.len(),
        2,
        "sent once, and once more after the crash"
    );
    let key = format!("{}@{DOMAIN}", msg.id);
    for mail in &received {
        let parsed = MessageParser::default().parse(&mail.raw).unwrap();
        assert_eq!(parsed.message_id(), Some(key.as_str()));
        let to = parsed.to().unwrap().first().unwrap();
        assert_eq!(to.name(), Some(p.full_name().as_str()));
        assert_eq!(to.name(), Some("Søren Ærø Åberg"));
        let subject = parsed.subject().unwrap();
        assert!(
            subject.starts_with("Invitation til at være Tilforordnet ved "),
            "{subject}"
        );
        let text = parsed.body_text(0).unwrap();
        assert!(text.contains("Kære Søren Ærø Åberg"), "{text}");
        assert!(text.contains("Korsbæk Skole"), "{text}");
        assert!(
            !text.contains(&p.cpr.reveal()),
            "no CPR number in a message"
        );
        let html = parsed.body_html(0).unwrap();
        assert!(
            html.contains("<a href=\"http"),
            "the invitation link is a link: {html}"
        );
    }
}

#[tokio::test]
async fn a_temporary_refusal_is_retried_with_backoff_until_the_server_accepts() {
    let Some(server) = MailServer::start(
        "a_temporary_refusal_is_retried_with_backoff_until_the_server_accepts",
        &[
            "--refuse",
            "data=451 4.3.0 Try again later",
            "--refuse-times",
            "2",
        ],
    ) else {
        return;
    };
    let (s, dispatcher, _, msg) = invited_by_email(server.port, DispatchConfig::default()).await;

    let r = dispatcher.run_once(&s.svc).await.unwrap();
    assert_eq!((r.retried, r.sent), (1, 0));
    let m = &outbox(&s).await[0];
    assert_eq!(m.attempts, 1);
    assert_eq!(
        m.next_attempt_at,
        s.clock.now() + chrono::Duration::minutes(1)
    );
    let error = m.last_error.as_deref().unwrap();
    assert!(error.contains("451 4.3.0"), "{error}");
    // Not due before the backoff.
    assert_eq!(
        dispatcher.run_once(&s.svc).await.unwrap(),
        Default::default()
    );
    s.clock.advance(chrono::Duration::minutes(1));
    assert_eq!(dispatcher.run_once(&s.svc).await.unwrap().retried, 1);
    let m = &outbox(&s).await[0];
    assert_eq!(m.attempts, 2);
    assert_eq!(
        m.next_attempt_at,
        s.clock.now() + chrono::Duration::minutes(2)
    );
    s.clock.advance(chrono::Duration::minutes(2));
    assert_eq!(dispatcher.run_once(&s.svc).await.unwrap().sent, 1);

    let received = server.received();
    assert_eq!(received.len(), 1, "refused twice, accepted once");
    let parsed = MessageParser::default().parse(&received[0].raw).unwrap();
    assert_eq!(
        parsed.message_id(),
        Some(format!("{}@{DOMAIN}", msg.id).as_str())
    );
}

#[tokio::test]
async fn a_server_that_keeps_refusing_for_now_fails_the_message_after_the_configured_attempts() {
    let Some(server) = MailServer::start(
        "a_server_that_keeps_refusing_for_now_fails_the_message_after_the_configured_attempts",
        &[
            "--refuse",
            "rcpt=452 4.2.2 Mailbox <soeren@example.test> is full",
        ],
    ) else {
        return;
    };
    let config = DispatchConfig {
        max_attempts: 3,
        ..DispatchConfig::default()
    };
    let (s, dispatcher, p, _) = invited_by_email(server.port, config).await;
    let mut reports = Vec::new();
    for _ in 0..4 {
        reports.push(dispatcher.run_once(&s.svc).await.unwrap());
        s.clock.advance(chrono::Duration::hours(1));
    }
    let outcomes: Vec<_> = reports.iter().map(|r| (r.retried, r.failed)).collect();
    assert_eq!(outcomes, [(1, 0), (1, 0), (0, 1), (0, 0)]);
    let m = &outbox(&s).await[0];
    assert_eq!(m.attempts, 3);
    let DeliveryStatus::Failed { reason, .. } = &m.status else {
        panic!("expected a failure, got {:?}", m.status)
    };
    assert!(reason.contains("opgivet efter 3 forsøg"), "{reason}");
    assert!(reason.contains("452 4.2.2"), "{reason}");
    assert!(
        !reason.contains("example.test"),
        "no address in a reason: {reason}"
    );

    let log = s
        .svc
        .communication_log(
            &s.admin,
            &CommunicationFilter {
                participant: Some(p.id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(log[0].status, LogStatus::Failed);
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn a_permanent_refusal_fails_at_once_with_its_reason_and_no_address() {
    let Some(server) = MailServer::start(
        "a_permanent_refusal_fails_at_once_with_its_reason_and_no_address",
        &[
            "--refuse",
            "rcpt=550 5.1.1 <soeren@example.test>: Recipient address rejected",
        ],
    ) else {
        return;
    };
    let (s, dispatcher, _, _) = invited_by_email(server.port, DispatchConfig::default()).await;
    let r = dispatcher.run_once(&s.svc).await.unwrap();
    assert_eq!((r.failed, r.retried, r.sent), (1, 0, 0));
    let m = &outbox(&s).await[0];
    assert_eq!(m.attempts, 1);
    let DeliveryStatus::Failed { reason, .. } = &m.status else {
        panic!("expected a failure, got {:?}", m.status)
    };
    assert_eq!(reason, "mailserveren afviste beskeden (status 550 5.1.1)");
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn a_refused_sender_address_is_a_setup_problem_and_retried() {
    let Some(server) = MailServer::start(
        "a_refused_sender_address_is_a_setup_problem_and_retried",
        &[
            "--refuse",
            "mail=553 5.1.8 Sender address rejected: domain not found",
        ],
    ) else {
        return;
    };
    let err = sender(server.port).send(&outgoing(BODY)).await.unwrap_err();
    assert!(
        matches!(&err, SendError::Unavailable(r) if r.contains("553 5.1.8") && r.contains("afsender")),
        "{err:?}"
    );
}

/// A loopback port with nothing listening on it.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn a_server_that_is_down_is_a_temporary_failure_and_the_dispatcher_retries() {
    // Needs no aiosmtpd: nothing listens on the port.
    let (s, dispatcher, _, _) = invited_by_email(closed_port(), DispatchConfig::default()).await;
    let r = dispatcher.run_once(&s.svc).await.unwrap();
    assert_eq!((r.retried, r.failed), (1, 0));
    let m = &outbox(&s).await[0];
    assert_eq!(m.status, DeliveryStatus::Pending);
    assert_eq!(
        m.next_attempt_at,
        s.clock.now() + chrono::Duration::minutes(1)
    );
    assert_eq!(
        m.last_error.as_deref(),
        Some("mailserveren kunne ikke nås (forbindelsen blev afvist)")
    );
}

#[tokio::test]
async fn an_outage_pauses_e_mail_so_only_one_message_spends_an_attempt_until_it_fails() {
    // Needs no aiosmtpd: nothing listens on the port.
    let config = DispatchConfig {
        max_attempts: 3,
        ..DispatchConfig::default()
    };
    let (s, dispatcher, _, _) = invited_by_email(closed_port(), config).await;
    let seats = s
        .seats(s.slot(1, &s.tilforordnet, 0, election_day()), 2)
        .await;
    for (seat, cpr) in seats.iter().zip(["0202752345", "0303753456"]) {
        let p = participant_with_cpr(&s, cpr).await;
        s.svc.invite(&s.admin, seat.id, p.id).await.unwrap();
    }
    // The first message finds the server down; the other two wait, untouched.
    let r = dispatcher.run_once(&s.svc).await.unwrap();
    assert_eq!((r.retried, r.paused, r.failed), (1, 2, 0), "{r:?}");
    let attempts: Vec<u32> = outbox(&s).await.iter().map(|m| m.attempts).collect();
    assert_eq!(attempts.iter().sum::<u32>(), 1, "{attempts:?}");
    // During the pause nothing is tried (the probed message waits for its own retry).
    s.clock.advance(chrono::Duration::seconds(30));
    let r = dispatcher.run_once(&s.svc).await.unwrap();
    assert_eq!((r.retried, r.paused), (0, 2), "{r:?}");
    // Each pause (1, 2, 4 minutes …) ends with one probe; the probed message's own backoff
    // sends the next probe to another message, so the attempts spread out.
    let mut probes = 0;
    for _ in 0..40 {
        s.clock.advance(chrono::Duration::minutes(1));
        let r = dispatcher.run_once(&s.svc).await.unwrap();
        probes += r.retried + r.failed;
        if r.failed > 0 {
            break;
        }
    }
    let messages = outbox(&s).await;
    let failed: Vec<&OutboxMessage> = messages
        .iter()
        .filter(|m| matches!(m.status, DeliveryStatus::Failed { .. }))
        .collect();
    assert_eq!(failed.len(), 1, "one message used up its attempts first");
    let DeliveryStatus::Failed { reason, .. } = &failed[0].status else {
        unreachable!()
    };
    assert_eq!(
        reason,
        "opgivet efter 3 forsøg: mailserveren kunne ikke nås (forbindelsen blev afvist)"
    );
    let total: u32 = messages.iter().map(|m| m.attempts).sum();
    assert_eq!(
        total as usize,
        probes + 1,
        "one attempt per probe, none while paused"
    );
}

#[tokio::test]
async fn a_calendar_file_travels_as_an_alternative_and_as_an_attachment() {
    let Some(server) = MailServer::start(
        "a_calendar_file_travels_as_an_alternative_and_as_an_attachment",
        &[],
    ) else {
        return;
    };
    const ICS: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Valghalla//Valghalla//DA\r\n\
        METHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:seat-1@korsbaek.test\r\nDTSTAMP:20261001T120000Z\r\n\
        DTSTART:20261103T070000Z\r\nDTEND:20261103T200000Z\r\nSUMMARY:Valgstyrer på Ærøskøbing Rådhus\r\n\
        END:VEVENT\r\nEND:VCALENDAR\r\n";
    let content_type = "text/calendar; charset=utf-8; method=REQUEST";
    let mut msg = outgoing(BODY);
    msg.attachments.push(valghalla_core::messages::Attachment {
        file_name: "opgave.ics".into(),
        content_type: content_type.into(),
        bytes: ICS.as_bytes().to_vec(),
    });
    sender(server.port).send(&msg).await.unwrap();
    let received = server.received();
    let parsed = MessageParser::default().parse(&received[0].raw).unwrap();
    assert_eq!(
        content_types(&parsed),
        [
            "multipart/mixed",
            "multipart/alternative",
            "text/plain",
            "text/html",
            "text/calendar",
            "text/calendar"
        ]
    );
    let inline = &parsed.parts[4];
    assert_eq!(
        inline.content_type().and_then(|c| c.attribute("method")),
        Some("REQUEST")
    );
    assert!(inline.attachment_name().is_none());
    let attached = &parsed.parts[5];
    assert_eq!(attached.attachment_name(), Some("opgave.ics"));
    for part in [inline, attached] {
        let text = String::from_utf8_lossy(part.contents()).into_owned();
        assert_eq!(text.replace("\r\n", "\n"), ICS.replace("\r\n", "\n"));
    }
    assert!(
        parsed
            .body_text(0)
            .unwrap()
            .contains("Kære Søren Ærø Åberg")
    );
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_as_a_temporary_failure() {
    // A server that accepts the connection and then says nothing (no greeting).
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let silent = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket);
        }
    });
    let config = SmtpConfig {
        timeout: Duration::from_secs(1),
        ..plain_config(port)
    };
    let started = std::time::Instant::now();
    let err = SmtpSender::new(&config)
        .unwrap()
        .send(&outgoing(BODY))
        .await
        .unwrap_err();
    silent.abort();
    assert_eq!(
        err,
        SendError::Unavailable("mailserveren svarede ikke inden for 1 sekunder".into())
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

/// A self-signed certificate for 127.0.0.1, written to `dir`: (certificate path, key path, PEM).
fn certificate(dir: &std::path::Path) -> (String, String, Vec<u8>) {
    let cert = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let pem = cert.cert.pem();
    let cert_path = dir.join("cert.pem");
    let key_path = dir.join("key.pem");
    std::fs::write(&cert_path, &pem).unwrap();
    std::fs::write(&key_path, cert.signing_key.serialize_pem()).unwrap();
    (
        cert_path.display().to_string(),
        key_path.display().to_string(),
        pem.into_bytes(),
    )
}

#[tokio::test]
async fn starttls_and_login_deliver_and_a_wrong_password_is_a_temporary_setup_failure() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key, pem) = certificate(dir.path());
    let Some(server) = MailServer::start(
        "starttls_and_login_deliver_and_a_wrong_password_is_a_temporary_setup_failure",
        &[
            "--tls-cert",
            &cert,
            "--tls-key",
            &key,
            "--auth",
            "valg:rigtigt-kodeord",
        ],
    ) else {
        return;
    };
    let config = |password: &str| SmtpConfig {
        port: Some(server.port),
        security: SmtpSecurity::StartTls,
        credentials: Some(("valg".into(), password.into())),
        root_certificate_pem: Some(pem.clone()),
        timeout: Duration::from_secs(10),
        ..SmtpConfig::new("127.0.0.1", FROM, DOMAIN)
    };

    let err = SmtpSender::new(&config("forkert"))
        .unwrap()
        .send(&outgoing(BODY))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SendError::Unavailable(r) if r.contains("535") && r.contains("login")),
        "{err:?}"
    );
    assert!(server.received().is_empty());

    SmtpSender::new(&config("rigtigt-kodeord"))
        .unwrap()
        .send(&outgoing(BODY))
        .await
        .unwrap();
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].envelope["encrypted"], true);
    assert_eq!(received[0].envelope["authenticated"], true);

    // Without the municipality's root certificate the server's certificate is not trusted.
    let untrusted = SmtpConfig {
        root_certificate_pem: None,
        ..config("rigtigt-kodeord")
    };
    let err = SmtpSender::new(&untrusted)
        .unwrap()
        .send(&outgoing(BODY))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SendError::Unavailable(r) if r.contains("krypterede forbindelse")),
        "{err:?}"
    );
    assert_eq!(server.received().len(), 1);
}
