//! The task's calendar file in "Mine opgaver": offered for an accepted task when the host
//! publishes calendar files, served to its holder only, and a calendar the host's settings
//! cannot make is a failure of the service, not an outcome of the request.

use valghalla_core::Email;
use valghalla_core::messages::calendar::{CalendarParty, CalendarSource};
use valghalla_core::service::{Config, Error, Failure};
use valghalla_core::testkit::scenario::{Scenario, election_day};

use super::{citizen, scenario};

fn publishing(s: &Scenario, domain: &str) -> valghalla_core::Valghalla {
    s.svc.clone().with_config(Config {
        public_base_url: "https://valg.korsbaek.test".into(),
        calendar: Some(CalendarSource {
            domain: domain.into(),
            organizer: CalendarParty {
                name: "Korsbæk Kommune, Valgsekretariatet".into(),
                email: Email::parse("valg@korsbaek.test").unwrap(),
            },
        }),
    })
}

#[tokio::test]
async fn an_accepted_task_offers_its_calendar_file_when_the_host_publishes_them() {
    let s = scenario().await;
    let anna = s.person("Anna", "Holm", 0).await;
    let me = citizen(&anna);
    let seat = s
        .seats(s.slot(0, &s.tilforordnet, 0, election_day()), 1)
        .await
        .remove(0);
    let svc = publishing(&s, "valg.korsbaek.test");
    let offered = async |svc: &valghalla_core::Valghalla| -> Vec<bool> {
        let tasks = svc.my_tasks(&me).await.unwrap();
        tasks.iter().map(|t| t.calendar_file).collect()
    };

    // Invited: not (yet) a task of hers.
    svc.invite(&s.admin, seat.id, anna.id).await.unwrap();
    assert_eq!(offered(&svc).await, [false]);
    assert!(matches!(
        svc.my_task_calendar(&me, seat.id).await,
        Err(Error::NotFound { .. })
    ));

    svc.accept(&me, seat.id, None).await.unwrap();
    assert_eq!(offered(&svc).await, [true]);
    let file = svc
        .my_task_calendar(&me, seat.id)
        .await
        .unwrap()
        .expect("a calendar file");
    assert!(file.text.contains("METHOD:PUBLISH"), "{}", file.text);

    // Without calendar settings nothing is offered and nothing is served.
    assert_eq!(offered(&s.svc).await, [false]);
    assert!(
        s.svc
            .my_task_calendar(&me, seat.id)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_calendar_the_hosts_settings_cannot_make_is_a_failure() {
    let s = scenario().await;
    let anna = s.person("Anna", "Holm", 0).await;
    let me = citizen(&anna);
    let seat = s
        .seats(s.slot(0, &s.tilforordnet, 0, election_day()), 1)
        .await
        .remove(0);
    s.svc.invite(&s.admin, seat.id, anna.id).await.unwrap();
    s.svc.accept(&me, seat.id, None).await.unwrap();
    let svc = publishing(&s, "not a domain");
    let err = svc.my_task_calendar(&me, seat.id).await.unwrap_err();
    assert!(
        matches!(err, Error::Failed(Failure::Calendar(_))),
        "{err:?}"
    );
}
