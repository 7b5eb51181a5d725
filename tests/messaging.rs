//! Messaging end to end — outbox, dispatcher, jobs, group messages, retention — against the
//! in-memory store and the SQLite store.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::sync::Arc;

use chrono::Duration;
use valghalla::core::jobs::{JobsConfig, Retirement};
use valghalla::core::memory::MemoryStore;
use valghalla::core::messages::{
    Channel, ElectionTemplates, MessageKind, Recipient, TemplateDraft,
};
use valghalla::core::model::{Contact, Participant};
use valghalla::core::rules::access::Actor;
use valghalla::core::service::{
    Clock, CommunicationFilter, DispatchConfig, Dispatcher, Disposition, GroupFilter, LogStatus,
    NewParticipant,
};
use valghalla::core::store::{AuditFilter, DeliveryStatus, DynStore, OutboxFilter, OutboxMessage};
use valghalla::core::testkit::scenario::{Scenario, election_day, municipality_code};
use valghalla::core::testkit::{FakeRegistry, RecordingSender};
use valghalla::core::{Cpr, Email};
use valghalla::sqlite::SqliteStore;

fn memory() -> DynStore {
    Arc::new(MemoryStore::new())
}

fn sqlite() -> DynStore {
    Arc::new(SqliteStore::open_in_memory().unwrap())
}

fn job() -> Actor {
    Actor::System { job: "test".into() }
}

struct Setup {
    s: Scenario,
    dp: RecordingSender,
    email: RecordingSender,
    dispatcher: Dispatcher,
}

fn setup_with(s: Scenario, config: DispatchConfig) -> Setup {
    let dp = RecordingSender::new(Channel::DigitalPost);
    let email = RecordingSender::new(Channel::Email);
    let dispatcher = Dispatcher::new(config)
        .with_sender(Arc::new(dp.clone()))
        .with_sender(Arc::new(email.clone()));
    Setup {
        s,
        dp,
        email,
        dispatcher,
    }
}

async fn setup(store: DynStore) -> Setup {
    setup_with(Scenario::new(store).await, DispatchConfig::default())
}

async fn outbox(s: &Scenario) -> Vec<OutboxMessage> {
    s.store.outbox(&OutboxFilter::default()).await.unwrap()
}

/// Invites a new person to a fresh tilforordnet seat on election day; returns them and the seat.
async fn invited(
    s: &Scenario,
    first: &str,
    station: usize,
) -> (Participant, valghalla::core::ids::SeatId) {
    let p = s.person(first, "Jensen", 0).await;
    let slot = s.slot(station, &s.tilforordnet, 0, election_day());
    let seats = s.seats(slot, 1).await;
    let seat = seats[0].id;
    s.svc.invite(&s.admin, seat, p.id).await.unwrap();
    (p, seat)
}

macro_rules! both_stores {
    ($($name:ident),* $(,)?) => {
        mod memory_store {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::memory()).await;
                }
            )*
        }
        mod sqlite_store {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::sqlite()).await;
                }
            )*
        }
    };
}

both_stores!(
    temporary_failures_are_retried_with_backoff_and_delivered_once,
    a_crash_between_sending_and_recording_sends_again_under_the_same_key,
    retries_run_out_and_permanent_failures_fail_with_their_reason,
    inactive_elections_hold_messages_except_cancellations,
    fallback_channel_and_chosen_templates_are_used,
    a_second_dispatcher_loses_the_race,
    group_messages_go_once_per_person,
    reminder_jobs_queue_once_and_the_dispatcher_sends_them,
    cpr_resync_removes_the_ineligible,
    retention_retires_and_purges,
);

async fn temporary_failures_are_retried_with_backoff_and_delivered_once(store: DynStore) {
    let Setup {
        s, dp, dispatcher, ..
    } = setup(store).await;
    let (p, _) = invited(&s, "Agnes", 0).await;
    let msgs = outbox(&s).await;
    assert_eq!(msgs.len(), 1);
    let id = msgs[0].id;
    assert_eq!(msgs[0].kind, MessageKind::Invitation);

    dp.fail_next(2);
    let r = dispatcher.run_once(&s.svc).await.unwrap();
    assert_eq!((r.retried, r.sent), (1, 0));
    // Not due again before the backoff.
    let r = dispatcher.run_once(&s.svc).await.unwrap();
    assert_eq!(r, Default::default());
    s.clock.advance(Duration::minutes(1));
    let r = dispatcher.run_once(&s.svc).await.unwrap();
    assert_eq!(r.retried, 1);
    let m = &outbox(&s).await[0];
    assert_eq!(m.attempts, 2);
    assert_eq!(m.next_attempt_at, s.clock_now() + Duration::minutes(2));
    assert_eq!(m.last_error.as_deref(), Some("injected failure"));
    s.clock.advance(Duration::minutes(2));
    let r = dispatcher.run_once(&s.svc).await.unwrap();
    assert_eq!(r.sent, 1);

    let delivered = dp.delivered();
    assert_eq!(delivered.len(), 1);
    assert_eq!(dp.attempts(id), 3);
    let out = &delivered[0];
    assert_eq!(out.idempotency_key, id);
    assert!(matches!(&out.recipient, Recipient::DigitalPost(c) if *c == p.cpr));
    assert!(out.subject.contains("Tilforordnet"), "{}", out.subject);
    assert!(out.body.contains("Agnes Jensen"), "{}", out.body);
    assert!(out.body.contains("Korsbæk Skole"), "{}", out.body);
    // The CPR number is in no rendered text.
    assert!(!out.body.contains(&p.cpr.reveal()));

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
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].status, LogStatus::Sent);
    assert_eq!(log[0].channel.as_deref(), Some("digital_post"));
    assert_eq!(log[0].attempts, 3);
}

trait ClockNow {
    fn clock_now(&self) -> chrono::DateTime<chrono::Utc>;
}

impl ClockNow for Scenario {
    fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}

async fn a_crash_between_sending_and_recording_sends_again_under_the_same_key(store: DynStore) {
    let Setup {
        s, dp, dispatcher, ..
    } = setup(store).await;
    invited(&s, "Bodil", 0).await;
    let msg = outbox(&s).await.remove(0);
    // The dispatcher hands the message to the provider and dies before recording it.
    let d = dispatcher.deliver(&s.svc, &msg).await.unwrap();
    assert!(matches!(d, Disposition::Record(_)));
    assert_eq!(dp.delivered().len(), 1);
    assert_eq!(outbox(&s).await[0].status, DeliveryStatus::Pending);
    // A new run sends again: not lost, and not delivered twice under the same key.
    let r = dispatcher.run_once(&s.svc).await.unwrap();
    assert_eq!(r.sent, 1);
    assert_eq!(dp.delivered().len(), 1);
    assert_eq!(dp.attempts(msg.id), 2);
    assert!(matches!(
        outbox(&s).await[0].status,
        DeliveryStatus::Sent { .. }
    ));
    // And nothing more is sent later.
    s.clock.advance(Duration::days(1));
    assert_eq!(
        dispatcher.run_once(&s.svc).await.unwrap(),
        Default::default()
    );
    assert_eq!(dp.total_attempts(), 2);
}

async fn retries_run_out_and_permanent_failures_fail_with_their_reason(store: DynStore) {
    let config = DispatchConfig {
        max_attempts: 3,
        ..DispatchConfig::default()
    };
    let Setup {
        s, dp, dispatcher, ..
    } = setup_with(Scenario::new(store).await, config);
    let (a, _) = invited(&s, "Carl", 0).await;
    dp.fail_next(10);
    for _ in 0..3 {
        dispatcher.run_once(&s.svc).await.unwrap();
        s.clock.advance(Duration::hours(1));
    }
    let m = outbox(&s).await.remove(0);
    assert_eq!(m.attempts, 3);
    match &m.status {
        DeliveryStatus::Failed { reason, .. } => {
            assert!(reason.contains("3 forsøg"), "{reason}");
        }
        other => panic!("expected failed, got {other:?}"),
    }
    assert_eq!(dispatcher.run_once(&s.svc).await.unwrap().sent, 0);

    dp.fail_next(0);
    dp.fail_permanently(Some("modtageren findes ikke hos udbyderen"));
    let (b, _) = invited(&s, "Dorte", 1).await;
    let r = dispatcher.run_once(&s.svc).await.unwrap();
    assert_eq!(r.failed, 1);
    let log = s
        .svc
        .communication_log(
            &s.admin,
            &CommunicationFilter {
                status: Some(LogStatus::Failed),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(log.len(), 2);
    let b_entry = log.iter().find(|e| e.participant == b.id).unwrap();
    assert_eq!(
        b_entry.error.as_deref(),
        Some("modtageren findes ikke hos udbyderen")
    );
    assert!(log.iter().any(|e| e.participant == a.id));
}

async fn inactive_elections_hold_messages_except_cancellations(store: DynStore) {
    let Setup {
        s, dp, dispatcher, ..
    } = setup(store).await;
    let (p, seat) = invited(&s, "Erik", 0).await;
    s.svc
        .set_election_active(&s.admin, s.election.id, false)
        .await
        .unwrap();
    let r = dispatcher.run_once(&s.svc).await.unwrap();
    assert_eq!((r.held, r.sent), (1, 0));
    s.svc
        .decline(&Scenario::citizen(&p), seat, None)
        .await
        .unwrap();
    let r = dispatcher.run_once(&s.svc).await.unwrap();
    assert_eq!((r.held, r.sent), (1, 1));
    assert_eq!(dp.delivered()[0].kind, MessageKind::Cancellation);
    s.svc
        .set_election_active(&s.admin, s.election.id, true)
        .await
        .unwrap();
    // The held invitation no longer holds (the seat is vacant): it is cancelled, not sent.
    let r = dispatcher.run_once(&s.svc).await.unwrap();
    assert_eq!((r.held, r.sent, r.cancelled), (0, 0, 1));
    assert_eq!(dp.delivered().len(), 1);
}

async fn fallback_channel_and_chosen_templates_are_used(store: DynStore) {
    let Setup {
        s,
        dp,
        email,
        dispatcher,
    } = setup(store).await;
    // A participant exempt from Digital Post with an e-mail address.
    let cpr = Cpr::parse("0101751234").unwrap();
    let mut person = FakeRegistry::resident(&cpr, "Frida", "Holm", municipality_code());
    person.exempt_from_digital_post = true;
    s.registry.insert(cpr, person);
    let p = s
        .svc
        .create_participant(
            &s.admin,
            NewParticipant {
                cpr,
                contact: Contact {
                    mobile: None,
                    email: Some(Email::parse("frida@example.invalid").unwrap()),
                },
                teams: [s.teams[0].id].into(),
                special_diets: Default::default(),
                preferred_work_location: None,
            },
        )
        .await
        .unwrap();
    // The election chooses its own invitation for valgstyrere only.
    let own = s
        .svc
        .save_template(
            &s.admin,
            None,
            TemplateDraft {
                title: "Invitation til valgstyrere".into(),
                channel: Channel::DigitalPost,
                subject: "Valgstyrer på !work_location".into(),
                body: "<p>Kære !name, svar her: !invitation</p>".into(),
            },
        )
        .await
        .unwrap();
    // Unknown tokens are refused at save.
    let err = s
        .svc
        .save_template(
            &s.admin,
            None,
            TemplateDraft {
                title: "Forkert".into(),
                channel: Channel::Email,
                subject: "Hej".into(),
                body: "<p>!navn</p>".into(),
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, valghalla::Error::Template(_)), "{err:?}");
    let mut choices = ElectionTemplates::default();
    choices
        .per_task_type
        .entry(s.valgstyrer.id)
        .or_default()
        .insert(MessageKind::Invitation, own);
    s.svc
        .set_election_templates(&s.admin, s.election.id, choices.clone())
        .await
        .unwrap();
    assert_eq!(
        s.svc
            .election_templates(&s.admin, s.election.id)
            .await
            .unwrap(),
        choices
    );
    let slot = s.slot(1, &s.valgstyrer, 0, election_day());
    let seat = s.seats(slot, 1).await[0].id;
    s.svc.invite(&s.admin, seat, p.id).await.unwrap();
    let (_, _) = invited(&s, "Gerda", 2).await;
    let r = dispatcher.run_once(&s.svc).await.unwrap();
    assert_eq!(r.sent, 2);
    let mail = email.delivered();
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].subject, "Valgstyrer på Hallen");
    assert!(matches!(&mail[0].recipient, Recipient::Email(_)));
    assert!(mail[0].body.contains("Kære Frida Holm"));
    // Gerda is a tilforordnet: the default invitation, by Digital Post.
    let post = dp.delivered();
    assert_eq!(post.len(), 1);
    assert!(
        post[0]
            .subject
            .starts_with("Invitation til at være Tilforordnet")
    );
    // Deleting the template forgets it in the election.
    s.svc.delete_template(&s.admin, own).await.unwrap();
    assert_eq!(
        s.svc
            .election_templates(&s.admin, s.election.id)
            .await
            .unwrap(),
        ElectionTemplates::default()
    );
    let default_invitation =
        valghalla::core::messages::default_template_id(MessageKind::Invitation);
    assert!(matches!(
        s.svc.delete_template(&s.admin, default_invitation).await,
        Err(valghalla::Error::Library(_))
    ));
    let preview = s
        .svc
        .preview_template(&s.admin, default_invitation, Some(Channel::Sms))
        .await
        .unwrap();
    assert!(preview.body.contains("Agnes Jensen"));
}

async fn a_second_dispatcher_loses_the_race(store: DynStore) {
    let Setup {
        s, dp, dispatcher, ..
    } = setup(store).await;
    invited(&s, "Hans", 0).await;
    let msg = outbox(&s).await.remove(0);
    let other = dispatcher.clone();
    let (Disposition::Record(a), Disposition::Record(b)) = (
        dispatcher.deliver(&s.svc, &msg).await.unwrap(),
        other.deliver(&s.svc, &msg).await.unwrap(),
    ) else {
        panic!("both should send");
    };
    s.store.record_delivery(a).await.unwrap();
    assert!(s.store.record_delivery(b).await.unwrap_err().is_conflict());
    assert_eq!(dp.delivered().len(), 1);
    assert_eq!(outbox(&s).await[0].attempts, 1);
}

async fn group_messages_go_once_per_person(store: DynStore) {
    let Setup {
        s, dp, dispatcher, ..
    } = setup(store).await;
    let (ib, _) = invited(&s, "Ib", 0).await;
    // Ib gets a second seat (the day before, another station) and accepts it.
    let slot = s.slot(1, &s.tilforordnet, 0, election_day() - Duration::days(1));
    let seat = s.seats(slot, 1).await[0].id;
    s.svc.invite(&s.admin, seat, ib.id).await.unwrap();
    s.svc
        .accept(&Scenario::citizen(&ib), seat, None)
        .await
        .unwrap();
    let (jo, _) = invited(&s, "Jo", 2).await;
    dispatcher.run_once(&s.svc).await.unwrap();
    let before = dp.delivered().len();

    let filter = GroupFilter::election(s.election.id);
    let preview = s
        .svc
        .preview_group_message(&s.admin, &filter)
        .await
        .unwrap();
    assert_eq!(preview.len(), 2);
    assert_eq!(preview[0].participant, ib.id);
    assert_eq!(preview[0].seats.len(), 2);
    assert_eq!(preview[1].participant, jo.id);
    let mut only_accepted = filter.clone();
    only_accepted
        .statuses
        .insert(valghalla::core::service::GroupStatus::Accepted);
    let accepted = s
        .svc
        .preview_group_message(&s.admin, &only_accepted)
        .await
        .unwrap();
    assert_eq!(accepted.len(), 1);

    assert!(
        s.svc
            .send_group_message(&s.admin, &filter, "Husk", "<p>Hej !ukendt</p>")
            .await
            .is_err()
    );
    let ids = s
        .svc
        .send_group_message(
            &s.admin,
            &filter,
            "Vigtigt om !election",
            "<p>Kære !name, husk madpakke.</p>",
        )
        .await
        .unwrap();
    assert_eq!(ids.len(), 2);
    let r = dispatcher.run_once(&s.svc).await.unwrap();
    assert_eq!(r.sent, 2);
    let sent = &dp.delivered()[before..];
    assert_eq!(sent.len(), 2);
    assert!(sent.iter().all(|m| m.kind == MessageKind::Group));
    assert!(
        sent.iter()
            .all(|m| m.subject == "Vigtigt om Folketingsvalg 2026")
    );
    assert!(sent.iter().any(|m| m.body.contains("Kære Ib Jensen")));
}

async fn reminder_jobs_queue_once_and_the_dispatcher_sends_them(store: DynStore) {
    let Setup {
        s, dp, dispatcher, ..
    } = setup(store).await;
    let config = JobsConfig::default();
    let (_, _) = invited(&s, "Kaj", 0).await; // invited 7 November, task 17 November
    let (lis, seat) = invited(&s, "Lis", 1).await;
    s.svc
        .accept(&Scenario::citizen(&lis), seat, None)
        .await
        .unwrap();
    dispatcher.run_once(&s.svc).await.unwrap();

    // Day 3 after the invitation: nothing.
    s.clock.advance(Duration::days(3));
    let r = s
        .svc
        .run_invitation_reminders(&job(), &config)
        .await
        .unwrap();
    assert_eq!(r.changed, 0);
    // Day 4: one reminder, and only one however often the job runs.
    s.clock.advance(Duration::days(1));
    let r = s
        .svc
        .run_invitation_reminders(&job(), &config)
        .await
        .unwrap();
    assert_eq!(r.changed, 1);
    let r = s
        .svc
        .run_invitation_reminders(&job(), &config)
        .await
        .unwrap();
    assert_eq!(r.changed, 0);
    // 11 November: 6 days before the task, no task reminder yet; 12 November: 5 days.
    let r = s.svc.run_task_reminders(&job(), &config).await.unwrap();
    assert_eq!(r.changed, 0);
    s.clock.advance(Duration::days(1));
    let r = s.svc.run_task_reminders(&job(), &config).await.unwrap();
    assert_eq!(r.changed, 1);
    let r = s.svc.run_task_reminders(&job(), &config).await.unwrap();
    assert_eq!(r.changed, 0);

    let reminders: Vec<_> = outbox(&s)
        .await
        .into_iter()
        .filter(|m| {
            matches!(
                m.kind,
                MessageKind::InvitationReminder | MessageKind::TaskReminder
            )
        })
        .collect();
    assert_eq!(reminders.len(), 2);
    let task = reminders
        .iter()
        .find(|m| m.kind == MessageKind::TaskReminder)
        .unwrap();
    assert_eq!(task.facts.get("days").map(String::as_str), Some("5"));
    assert_eq!(task.participant, lis.id);
    let invitation_reminder = reminders
        .iter()
        .find(|m| m.kind == MessageKind::InvitationReminder)
        .unwrap();
    assert_eq!(
        invitation_reminder.facts.get("days").map(String::as_str),
        Some("6")
    );
    let r = dispatcher.run_once(&s.svc).await.unwrap();
    assert_eq!(r.sent, 2);
    // `!days` is counted from the day of delivery (12 November), not from queueing.
    assert!(
        dp.delivered()
            .iter()
            .any(|m| m.kind == MessageKind::InvitationReminder
                && m.body.contains("Der er nu 5 dag(e) til valget"))
    );
    assert!(
        dp.delivered()
            .iter()
            .any(|m| m.kind == MessageKind::TaskReminder
                && m.subject.contains("17.11.2026")
                && m.body.contains("Kære Lis Jensen"))
    );
}

async fn cpr_resync_removes_the_ineligible(store: DynStore) {
    let Setup { s, .. } = setup(store).await;
    let (p, seat) = invited(&s, "Mads", 0).await;
    s.svc
        .accept(&Scenario::citizen(&p), seat, None)
        .await
        .unwrap();
    let (q, _) = invited(&s, "Nina", 1).await;
    s.registry.update(&p.cpr, |r| r.deceased = true);
    let r = s.svc.run_cpr_resync(&job()).await.unwrap();
    assert_eq!(r.changed, 2, "{r:?}");
    assert!(r.errors.is_empty());
    let removed: Vec<_> = outbox(&s)
        .await
        .into_iter()
        .filter(|m| m.kind == MessageKind::RemovedByValidation)
        .collect();
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0].participant, p.id);
    let _ = q;
}

async fn retention_retires_and_purges(store: DynStore) {
    let Setup { s, dispatcher, .. } = setup(store).await;
    let config = JobsConfig {
        retirement: Retirement::Anonymise,
        ..JobsConfig::default()
    };
    let (keep, seat_a) = invited(&s, "Ole", 0).await;
    let (gone, seat_b) = invited(&s, "Pia", 1).await;
    for (p, seat) in [(&keep, seat_a), (&gone, seat_b)] {
        s.svc
            .accept(&Scenario::citizen(p), seat, None)
            .await
            .unwrap();
    }
    s.svc
        .set_consent(
            &Scenario::citizen(&keep),
            keep.id,
            Some("samtykke-v2".into()),
        )
        .await
        .unwrap();
    dispatcher.run_once(&s.svc).await.unwrap();
    assert!(!outbox(&s).await.is_empty());

    // The day after the working period: deactivated; nobody retired yet.
    s.clock.advance(Duration::days(12));
    let r = s.svc.run_election_deactivation(&job()).await.unwrap();
    assert_eq!(r.changed, 1);
    assert!(
        !s.svc
            .election(&s.admin, s.election.id)
            .await
            .unwrap()
            .active
    );
    let r = s.svc.run_retention(&job(), &config).await.unwrap();
    assert_eq!(r.changed, 0);

    // A year after the last election day (18 November 2026 + 12 months).
    s.clock.advance(Duration::days(366));
    let audit_before = s
        .svc
        .audit_log(&s.admin, &AuditFilter::default())
        .await
        .unwrap()
        .len();
    let r = s.svc.run_retention(&job(), &config).await.unwrap();
    assert_eq!(r.changed, 1, "{r:?}");
    assert!(r.purged > 0);
    let kept = s.svc.participant(&s.admin, keep.id).await.unwrap();
    assert_eq!(kept.participant.full_name(), "Ole Jensen");
    let anon = s.svc.participant(&s.admin, gone.id).await.unwrap();
    assert_eq!(anon.participant.full_name(), "Anonymiseret deltager");
    assert_ne!(anon.participant.cpr, gone.cpr);
    // The communication log (sent messages from a year ago) and the old audit entries are gone.
    assert!(outbox(&s).await.is_empty());
    let audit_after = s
        .svc
        .audit_log(&s.admin, &AuditFilter::default())
        .await
        .unwrap();
    assert!(audit_after.len() < audit_before);
    assert!(
        audit_after
            .iter()
            .all(|e| e.at > s.clock_now() - Duration::days(200))
    );
    // Running again retires nobody else.
    let r = s.svc.run_retention(&job(), &config).await.unwrap();
    assert_eq!(r.changed, 0);
}
