//! An election morning played in headless Chromium (fantoccini through chromedriver): a
//! participant signs up as a reserve through the day's link, the station's responsible marks
//! someone as not arrived on the check-in page and offers the seat to the reserves with one
//! button, the reserve opens the link in their message and takes the seat, and the payroll
//! shows the no-show unpaid and the reserve paid. Without a chromedriver it says so on stderr
//! and passes, unless `VALGHALLA_REQUIRE_BROWSER=1`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    reason = "tests fail loudly"
)]

mod support;

use std::ops::Deref;
use std::sync::Arc;

use chrono::NaiveTime;
use fantoccini::Locator;
use support::TestResult as E2eResult;
use support::browser::{self, BrowserSession};
use valghalla::Valghalla;
use valghalla::core::ids::{ParticipantId, SeatId, WorkLocationId};
use valghalla::core::messages::MessageKind;
use valghalla::core::model::{Record, SeatState, SeatStatus};
use valghalla::core::rules::access::{Actor, StaffRole};
use valghalla::core::store::{DynStore, Query};
use valghalla::core::testkit::FixedClock;
use valghalla::core::testkit::generator::Dataset;
use valghalla::core::time::local_instant;
use valghalla_portal::demo;

fn admin() -> Actor {
    Actor::Secretariat {
        user: "test".into(),
        role: StaffRole::Administrator,
    }
}

struct Morning {
    browser: BrowserSession,
    ds: Dataset,
    store: DynStore,
    svc: Valghalla,
}

impl Deref for Morning {
    type Target = BrowserSession;
    fn deref(&self) -> &BrowserSession {
        &self.browser
    }
}

/// The demo portal over SQLite, seeded today, its clock at 08:00 on election day.
async fn start() -> E2eResult<Morning> {
    let today = demo::today();
    let store: DynStore = Arc::new(valghalla::sqlite::SqliteStore::open_in_memory()?);
    let (listener, base) = browser::listen().await?;
    demo::tenant(Arc::clone(&store), today, &base).await?;
    let ds = demo::korsbaek(today)?;
    let morning = local_instant(
        ds.election.election_day(),
        NaiveTime::from_hms_opt(8, 0, 0).ok_or("time")?,
    );
    let svc = demo::service(Arc::clone(&store), demo::registry(&ds)?, &base)
        .with_clock(Arc::new(FixedClock::at(morning)));
    let tenant = demo::tenant_with(svc.clone(), &ds)?;
    browser::serve(listener, &base, tenant);
    Ok(Morning {
        browser: BrowserSession::start(base).await?,
        ds,
        store,
        svc,
    })
}

impl Morning {
    /// The demo's `borger2` (invited to a seat): their seats given back, so they are free to
    /// step in.
    async fn free_citizen(&self) -> E2eResult<ParticipantId> {
        let id = self
            .ds
            .seats
            .iter()
            .find_map(|s| {
                (s.state.status() == SeatStatus::Invited)
                    .then(|| s.state.participant())
                    .flatten()
                    .filter(|p| {
                        !self.ds.teams.iter().any(|t| t.responsibles.contains_key(p))
                            && !self
                                .ds
                                .work_locations
                                .iter()
                                .any(|l| l.responsibles.contains(p))
                    })
            })
            .ok_or("borger2")?;
        for v in self.store.query(&Query::SeatsOfParticipant(id)).await? {
            if let Record::Seat(s) = v.value {
                self.svc.remove_from_seat(&admin(), s.id).await?;
            }
        }
        Ok(id)
    }

    /// An accepted seat at `station` on election day and its holder.
    async fn held_seat(&self, station: WorkLocationId) -> E2eResult<(SeatId, ParticipantId)> {
        let mut held: Vec<(SeatId, ParticipantId)> = self
            .store
            .query(&Query::SeatsAtLocation {
                election: self.ds.election.id,
                work_location: station,
            })
            .await?
            .into_iter()
            .filter_map(|v| match v.value {
                Record::Seat(s) if s.slot.date == self.ds.election.election_day() => {
                    match s.state {
                        SeatState::Accepted { participant, .. } => Some((s.id, participant)),
                        _ => None,
                    }
                }
                _ => None,
            })
            .collect();
        held.sort();
        held.into_iter()
            .next()
            .ok_or_else(|| "an accepted seat at the station".into())
    }

    /// A GET with the browser's cookies (a download the browser would save, not show).
    async fn download(&self, path: &str) -> E2eResult<String> {
        let cookies = self
            .client
            .get_all_cookies()
            .await?
            .iter()
            .map(|c| format!("{}={}", c.name(), c.value()))
            .collect::<Vec<_>>()
            .join("; ");
        let http =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build_http();
        let req = axum::http::Request::get(format!("{}{path}", self.base))
            .header(axum::http::header::COOKIE, cookies)
            .body(axum::body::Body::empty())?;
        let res = http.request(req).await?;
        let status = res.status();
        let body = axum::body::to_bytes(axum::body::Body::new(res.into_body()), usize::MAX).await?;
        if !status.is_success() {
            return Err(format!("{path}: {status}").into());
        }
        Ok(String::from_utf8_lossy(&body).into_owned())
    }
}

#[tokio::test]
async fn e2e_an_election_morning_a_no_show_a_reserve_takes_the_seat_and_payroll_shows_it() {
    browser::run(
        "e2e_an_election_morning",
        browser::browser_missing(),
        start,
        morning,
    )
    .await;
}

async fn morning(m: &Morning) -> E2eResult {
    let e = m.ds.election.id;
    let day = m.ds.election.election_day().format("%Y-%m-%d").to_string();
    let reserve = m.free_citizen().await?;
    // The station the work-location responsible runs, and the person who does not come.
    let station =
        m.ds.work_locations
            .iter()
            .find(|l| !l.responsibles.is_empty())
            .ok_or("a station with a responsible")?
            .id;
    let (seat, no_show) = m.held_seat(station).await?;

    // 1. The reserve signs up through the day's link.
    m.login("borger2").await?;
    m.open(&format!("/reserve/{e}/{day}")).await?;
    m.click("button[value='tilmeld']").await?;
    m.expect_text("Du er reserve denne dag.").await?;

    // 2. The station's responsible: Valgdag → the station → not arrived → offer the seat.
    m.login("arbejdssted").await?;
    m.open("/valgdag").await?;
    let link = m
        .client
        .find(Locator::Css(&format!("a[href^='/valgdag/{e}/{station}']")))
        .await?;
    m.click_and_wait(link).await?;
    m.expect_text("Fremmøde").await?;
    m.click(&format!("#p-{no_show} button[value='ikke-moedt']"))
        .await?;
    m.expect_text("Fremmødet er registreret.").await?;
    m.click(&format!("#p-{no_show} form[action$='/tilbud'] button"))
        .await?;
    m.expect_text("Pladsen er tilbudt dagens reserver").await?;

    // 3. The reserve opens the link in their message and takes the seat.
    let message = m
        .store
        .outbox(&Default::default())
        .await?
        .into_iter()
        .find(|msg| msg.kind == MessageKind::SeatOffered && msg.participant == reserve)
        .ok_or("the reserve's offer message")?;
    let take = message.facts["invitation"]
        .strip_prefix(&m.base)
        .ok_or("a link to the portal")?
        .to_owned();
    m.login("borger2").await?;
    m.open(&take).await?;
    m.expect_text("Ledig plads i dag").await?;
    m.click("main form button[type=submit]").await?;
    m.expect_text("Pladsen er din").await?;
    let held = m
        .store
        .get(valghalla::core::model::RecordKey::Seat(seat))
        .await?;
    match held.map(|v| v.value) {
        Some(Record::Seat(s)) if s.state.participant() == Some(reserve) => {}
        other => return Err(format!("the seat is not the reserve's: {other:?}").into()),
    }

    // 4. The secretariat's board and the payroll.
    m.login("admin").await?;
    m.open(&format!("/sekretariat/valgdag?valg={e}&dato={day}"))
        .await?;
    m.expect_text("Fremmøde pr. valgsted").await?;
    let csv = m
        .download(&format!(
            "/sekretariat/valg/{e}/eksport/loenliste?format=csv"
        ))
        .await?;
    let names = |id: ParticipantId| {
        m.ds.participants
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.full_name())
            .unwrap_or_default()
    };
    let line_of = |name: &str| {
        csv.lines()
            .find(|l| l.contains(name) && !l.contains("I alt"))
            .map(str::to_owned)
    };
    let no_show_line = line_of(&names(no_show)).ok_or("the no-show on the payroll")?;
    if !no_show_line.contains("Ikke mødt") {
        return Err(format!("the no-show's line: {no_show_line}").into());
    }
    let reserve_line = line_of(&names(reserve)).ok_or("the reserve on the payroll")?;
    if !reserve_line.contains("Ja") {
        return Err(format!("the reserve's line: {reserve_line}").into());
    }
    Ok(())
}
