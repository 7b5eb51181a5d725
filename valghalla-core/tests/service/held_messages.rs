//! Point 8: messages held while an election is inactive are cancelled on activation when their
//! reason no longer holds — shown as cancelled in the communication log, never delivered.

use std::sync::Arc;

use valghalla_core::testkit::RecordingSender;

use valghalla_core::messages::{Channel, MessageKind};
use valghalla_core::service::{CommunicationFilter, DispatchConfig, Dispatcher, LogStatus};
use valghalla_core::testkit::scenario::{Scenario, election_day};

use super::scenario;

fn dispatcher() -> (Dispatcher, RecordingSender) {
    let dp = RecordingSender::new(Channel::DigitalPost);
    (
        Dispatcher::new(DispatchConfig::default()).with_sender(Arc::new(dp.clone())),
        dp,
    )
}

async fn inactive() -> Scenario {
    let s = scenario().await;
    s.svc
        .set_election_active(&s.admin, s.election.id, false)
        .await
        .unwrap();
    s
}

async fn log(s: &Scenario) -> Vec<(MessageKind, LogStatus)> {
    let mut entries = s
        .svc
        .communication_log(&s.admin, &CommunicationFilter::default())
        .await
        .unwrap();
    // The fixed clock gives every message the same time: compare in a stable order.
    entries.sort_by_key(|e| e.kind);
    entries.into_iter().map(|e| (e.kind, e.status)).collect()
}

#[tokio::test]
async fn an_invitation_withdrawn_before_activation_is_cancelled_not_sent() {
    let s = inactive().await;
    let (dispatcher, dp) = dispatcher();
    let p = s.person("Anna", "Holm", 0).await;
    let seat = s
        .seats(s.slot(0, &s.tilforordnet, 0, election_day()), 1)
        .await
        .remove(0);
    s.svc.invite(&s.admin, seat.id, p.id).await.unwrap();
    s.svc.remove_from_seat(&s.admin, seat.id).await.unwrap();
    let held = dispatcher.run_once(&s.svc).await.unwrap();
    assert_eq!((held.held, held.sent), (2, 0));
    s.svc
        .set_election_active(&s.admin, s.election.id, true)
        .await
        .unwrap();
    let report = dispatcher.run_once(&s.svc).await.unwrap();
    assert_eq!((report.sent, report.cancelled), (0, 2), "{report:?}");
    assert!(dp.delivered().is_empty());
    assert_eq!(
        log(&s).await,
        vec![
            (MessageKind::Invitation, LogStatus::Cancelled),
            (MessageKind::InvitationRetracted, LogStatus::Cancelled),
        ]
    );
    // Cancelled is final: the next run sends nothing.
    assert_eq!(dispatcher.run_once(&s.svc).await.unwrap().sent, 0);
}

#[tokio::test]
async fn a_held_invitation_that_still_stands_is_sent_on_activation() {
    let s = inactive().await;
    let (dispatcher, dp) = dispatcher();
    let p = s.person("Anna", "Holm", 0).await;
    let seat = s
        .seats(s.slot(0, &s.tilforordnet, 0, election_day()), 1)
        .await
        .remove(0);
    s.svc.invite(&s.admin, seat.id, p.id).await.unwrap();
    s.svc
        .set_election_active(&s.admin, s.election.id, true)
        .await
        .unwrap();
    let report = dispatcher.run_once(&s.svc).await.unwrap();
    assert_eq!((report.sent, report.cancelled), (1, 0));
    assert_eq!(dp.delivered()[0].kind, MessageKind::Invitation);
}

#[tokio::test]
async fn a_re_invitation_sends_only_the_invitation_that_stands() {
    let s = inactive().await;
    let (dispatcher, dp) = dispatcher();
    let p = s.person("Anna", "Holm", 0).await;
    let seat = s
        .seats(s.slot(0, &s.tilforordnet, 0, election_day()), 1)
        .await
        .remove(0);
    s.svc.invite(&s.admin, seat.id, p.id).await.unwrap();
    s.svc.remove_from_seat(&s.admin, seat.id).await.unwrap();
    s.svc.invite(&s.admin, seat.id, p.id).await.unwrap();
    s.svc
        .set_election_active(&s.admin, s.election.id, true)
        .await
        .unwrap();
    let report = dispatcher.run_once(&s.svc).await.unwrap();
    assert_eq!((report.sent, report.cancelled), (1, 2), "{report:?}");
    let delivered = dp.delivered();
    let token = match super::seat(&s, seat.id).await.state {
        valghalla_core::model::SeatState::Invited { token, .. } => token,
        other => panic!("{other:?}"),
    };
    assert!(
        delivered[0].body.contains(token.as_str()),
        "the standing invitation went out"
    );
}

#[tokio::test]
async fn a_removal_after_a_delivered_invitation_is_sent() {
    let s = scenario().await;
    let (dispatcher, dp) = dispatcher();
    let p = s.person("Anna", "Holm", 0).await;
    let seat = s
        .seats(s.slot(0, &s.tilforordnet, 0, election_day()), 1)
        .await
        .remove(0);
    s.svc.invite(&s.admin, seat.id, p.id).await.unwrap();
    dispatcher.run_once(&s.svc).await.unwrap();
    s.svc.remove_from_seat(&s.admin, seat.id).await.unwrap();
    let report = dispatcher.run_once(&s.svc).await.unwrap();
    assert_eq!((report.sent, report.cancelled), (1, 0));
    assert_eq!(
        dp.delivered().iter().map(|m| m.kind).collect::<Vec<_>>(),
        vec![MessageKind::Invitation, MessageKind::InvitationRetracted]
    );
}
