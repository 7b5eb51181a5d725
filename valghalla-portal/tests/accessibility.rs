//! WCAG 2.1 AA and phones, checked by machine in headless Chromium: every page in [`pages`],
//! for every role, gets axe-core (from npm, `tests/axe/`) injected and must have no violation
//! at any impact level (tags wcag2a, wcag2aa, wcag21a, wcag21aa), and must not scroll sideways
//! at 360, 768 and 1280 px. A keyboard-only test completes the citizen's sign-up through a link
//! and the party secretary's placement of a member, pressing keys and never clicking.
//!
//! To check a new page, add its (role, path) to [`pages`]. Without chromedriver or without
//! `tests/axe/node_modules` (`npm ci` there) the tests say so on stderr and pass, unless
//! `VALGHALLA_REQUIRE_BROWSER=1`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    reason = "tests fail loudly"
)]

mod support;

use std::io::Write;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveTime;
use fantoccini::Locator;
use serde_json::json;
use support::TestResult;
use support::browser::{self, BrowserSession};
use valghalla::core::ids::{ParticipantId, ThreadId};
use valghalla::core::messages::MessageKind;
use valghalla::core::model::{AttendanceStatus, LinkKind, SeatState, SeatStatus, VacancyFilter};
use valghalla::core::rules::access::{Actor, StaffRole};
use valghalla::core::service::ThreadDraft;
use valghalla::core::store::DynStore;
use valghalla::core::testkit::FixedClock;
use valghalla::core::testkit::generator::Dataset;
use valghalla::core::time::local_instant;
use valghalla_portal::{Tenant, demo};

/// The widths a page must fit without scrolling sideways: a phone, a tablet, a laptop.
const WIDTHS: [u32; 3] = [360, 768, 1280];

/// The WCAG levels axe checks.
const TAGS: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/// Where npm put axe-core.
fn axe_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/axe/node_modules/axe-core/axe.min.js")
}

/// What these tests need that is missing here (a browser, or axe-core), if anything.
fn missing() -> Option<&'static str> {
    browser::browser_missing().or_else(|| {
        (!axe_path().exists()).then_some("no axe-core (cd valghalla-portal/tests/axe && npm ci)")
    })
}

/// Who looks at a page: a demo login (see `demo::demo_authenticator`), or nobody.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Role {
    Anonymous,
    Admin,
    Reader,
    PartySecretary,
    LocationResponsible,
    /// A participant with an accepted task.
    Citizen1,
    /// A participant with an unanswered invitation.
    Citizen2,
    /// A citizen who is not a participant yet.
    NewCitizen,
}

impl Role {
    fn login(self) -> Option<&'static str> {
        match self {
            Role::Anonymous => None,
            Role::Admin => Some("admin"),
            Role::Reader => Some("laeser"),
            Role::PartySecretary => Some("partisekretaer"),
            Role::LocationResponsible => Some("arbejdssted"),
            Role::Citizen1 => Some("borger1"),
            Role::Citizen2 => Some("borger2"),
            Role::NewCitizen => Some("ny1"),
        }
    }
}

/// What the pages are about: ids from the demo data and links made for the test.
struct Fixture {
    ds: Dataset,
    team_link: String,
    vacancy_link: String,
    /// A thread borger1 started and the secretariat answered.
    thread: ThreadId,
    /// A reserve's take page for a no-show's seat on election morning.
    offer_link: String,
}

/// Every page, for every role that may see it (and some that may not: the refusal is a page
/// too). Extend this list when a page is added.
fn pages(f: &Fixture) -> Vec<(Role, String)> {
    let ds = &f.ds;
    let e = ds.election.id;
    let loc = ds.work_locations[0].id;
    let someone = ds.participants[5].id;
    let party_a = ds.teams[0].id;
    let party_b = ds.teams[1].id;
    let own_location = ds
        .work_locations
        .iter()
        .find(|l| !l.responsibles.is_empty())
        .map_or(loc, |l| l.id);
    let mut pages: Vec<(Role, String)> = Vec::new();
    for p in [
        "/".to_owned(),
        "/login".to_owned(),
        "/kontakt".to_owned(),
        f.team_link.clone(),
        f.vacancy_link.clone(),
        "/findes-ikke".to_owned(),
    ] {
        pages.push((Role::Anonymous, p));
    }
    let secretariat = [
        "/sekretariat".to_owned(),
        format!("/sekretariat/valg/{e}/oversigt"),
        format!("/sekretariat/valg/{e}/fordeling/{loc}"),
        format!("/sekretariat/valg/{e}/valgsted/{loc}"),
        format!("/sekretariat/valg/{e}/deltagerliste"),
        "/sekretariat/deltagere".to_owned(),
        format!("/sekretariat/deltagere/{someone}"),
        "/sekretariat/stamdata".to_owned(),
        "/sekretariat/log".to_owned(),
        format!("/udskrift/valgsted/{loc}?valg={e}"),
        format!("/udskrift/parti/{party_a}?valg={e}"),
        // Election day (issue 22).
        "/sekretariat/valgdag".to_owned(),
        // The secretariat's pages (issue 19) and inbox (issue 18).
        format!("/sekretariat/valg/{e}/rediger"),
        format!("/sekretariat/valg/{e}/opmaerksomhed"),
        format!("/sekretariat/deltagere/{someone}/ansvar"),
        "/sekretariat/indbakke".to_owned(),
        "/sekretariat/stamdata/omraade/ny".to_owned(),
        format!("/sekretariat/stamdata/omraade/{}", ds.areas[0].id),
        "/sekretariat/stamdata/valgsted/ny".to_owned(),
        format!("/sekretariat/stamdata/valgsted/{loc}"),
        "/sekretariat/stamdata/opgavetype/ny".to_owned(),
        format!("/sekretariat/stamdata/opgavetype/{}", ds.task_types[0].id),
        "/sekretariat/stamdata/team/ny".to_owned(),
        format!("/sekretariat/stamdata/team/{party_a}"),
        "/sekretariat/stamdata/kost/ny".to_owned(),
        "/sekretariat/stamdata/valgtype/ny".to_owned(),
        // Filtered lists, a bad value shown at its field (issue 19: lists with row filters).
        format!("/sekretariat/valg/{e}/deltagerliste?team=x&status=accepteret"),
        format!(
            "/sekretariat/valg/{e}/oversigt?omraade={}&dato=x",
            ds.areas[0].id
        ),
        format!("/sekretariat/valg/{e}/valgsted/{loc}?status=ledig&side=2"),
    ];
    for p in &secretariat {
        pages.push((Role::Admin, p.clone()));
        pages.push((Role::Reader, p.clone()));
    }
    // The administrators' pages (a reader is refused them: see `expected`).
    for p in [
        format!("/sekretariat/valg/{e}/fordelingsforslag"),
        format!("/sekretariat/valg/{e}/autofyld"),
        format!("/sekretariat/valg/{e}/skabeloner"),
        format!("/sekretariat/valg/{e}/skabeloner/ny"),
        "/sekretariat/deltagere/ny".to_owned(),
        "/sekretariat/links".to_owned(),
        "/sekretariat/kommunikation".to_owned(),
        "/sekretariat/kommunikation/log".to_owned(),
        "/sekretariat/kommunikation/log?type=invitation&fra=igaar".to_owned(),
        "/sekretariat/drift".to_owned(),
        "/sekretariat/import".to_owned(),
    ] {
        pages.push((Role::Admin, p.clone()));
        if p.ends_with("/drift") {
            pages.push((Role::Reader, p));
        }
    }
    // Issue 19, the secretariat's seat pages (administrators only): create and invite (T2),
    // move a person, move vacant seats between teams.
    let in_election = || ds.seats.iter().filter(|s| s.slot.election == e);
    let vacant_seat = in_election()
        .find(|s| s.state == valghalla::core::model::SeatState::Vacant)
        .expect("a vacant seat")
        .id;
    let held_seat = in_election()
        .find(|s| s.state.participant().is_some())
        .expect("a held seat")
        .id;
    for p in [
        format!("/sekretariat/pladser/{vacant_seat}/ny-deltager"),
        format!("/sekretariat/pladser/{held_seat}/flyt"),
        format!("/sekretariat/valg/{e}/valgsted/{loc}/flyt-ledige"),
    ] {
        pages.push((Role::Admin, p));
    }
    for p in [
        "/parti".to_owned(),
        format!("/parti/{party_a}"),
        format!("/parti/{party_b}"),
        format!("/sekretariat/valg/{e}/oversigt"),
        format!("/udskrift/parti/{party_a}?valg={e}"),
        "/mine-opgaver".to_owned(),
        "/min-profil".to_owned(),
        "/beskeder".to_owned(),
        "/beskeder/ny".to_owned(),
    ] {
        pages.push((Role::PartySecretary, p));
    }
    for p in [
        "/arbejdssted".to_owned(),
        format!("/arbejdssted/{own_location}"),
        format!("/udskrift/valgsted/{own_location}?valg={e}"),
        "/valgdag".to_owned(),
        format!("/valgdag/{e}/{own_location}"),
    ] {
        pages.push((Role::LocationResponsible, p));
    }
    for role in [Role::Citizen1, Role::Citizen2] {
        for p in [
            "/mine-opgaver",
            "/min-profil",
            "/kontakt",
            "/beskeder",
            "/beskeder/ny",
            "/ledige-opgaver",
        ] {
            pages.push((role, p.to_owned()));
        }
    }
    let reserve = format!("/reserve/{e}/{}", ds.election.election_day());
    pages.push((Role::Anonymous, reserve.clone()));
    pages.push((Role::NewCitizen, reserve));
    pages.push((Role::NewCitizen, f.vacancy_link.clone()));
    pages.push((Role::NewCitizen, f.team_link.clone()));
    // Issue 21: the party secretary's placing page, one thread as its writer and the
    // secretariat see it, and a reserve's take page (logged out, and logged in).
    if let Some(slot) = ds
        .seats
        .iter()
        .find(|s| s.slot.team == party_a && s.state == SeatState::Vacant)
        .map(|s| s.slot)
    {
        pages.push((
            Role::PartySecretary,
            format!(
                "/parti/{party_a}/plads?plads={}%7C{}%7C{}%7C{}%7C{}",
                slot.election, slot.work_location, slot.task_type, slot.team, slot.date
            ),
        ));
    }
    pages.push((Role::Citizen1, format!("/beskeder/{}", f.thread)));
    pages.push((Role::Admin, format!("/sekretariat/indbakke/{}", f.thread)));
    pages.push((Role::Reader, format!("/sekretariat/indbakke/{}", f.thread)));
    pages.push((Role::Anonymous, f.offer_link.clone()));
    pages.push((Role::Citizen1, f.offer_link.clone()));
    pages
}

/// What a listed page answers `who` with: its status and where the browser ends up (path and
/// query). The page asked for with 200, but for the refusals and redirects listed on purpose.
fn expected(f: &Fixture, who: Role, path: &str) -> (i64, String) {
    let e = f.ds.election.id;
    let party_a = f.ds.teams[0].id;
    let party_b = f.ds.teams[1].id;
    let here = |status| (status, path.to_owned());
    match who {
        Role::Anonymous if path == "/findes-ikke" => here(404),
        Role::Anonymous if path == "/" => (200, "/login".to_owned()),
        Role::Anonymous if path == format!("/reserve/{e}/{}", f.ds.election.election_day()) => {
            (200, format!("/login?next={path}"))
        }
        Role::Reader if path == "/sekretariat/drift" => here(403),
        Role::PartySecretary if path == "/parti" => (200, format!("/parti/{party_a}")),
        Role::PartySecretary
            if path == format!("/parti/{party_b}")
                || path == format!("/sekretariat/valg/{e}/oversigt") =>
        {
            here(403)
        }
        _ => here(200),
    }
}

/// The participant the demo login `borger1` (`Accepted`) or `borger2` (`Invited`) is: as the
/// demo picks them, the first holder of such a seat who is no responsible.
fn demo_citizen(ds: &Dataset, want: SeatStatus) -> TestResult<ParticipantId> {
    ds.seats
        .iter()
        .find_map(|s| {
            (s.state.status() == want)
                .then(|| s.state.participant())
                .flatten()
                .filter(|p| {
                    !ds.teams.iter().any(|t| t.responsibles.contains_key(p))
                        && !ds.work_locations.iter().any(|l| l.responsibles.contains(p))
                })
        })
        .ok_or_else(|| "no demo citizen".into())
}

/// What the demo data has not: a thread borger1 started and the secretariat answered, and a
/// no-show's seat offered on election morning to a reserve with no seat of their own. Returns
/// the thread and the path of the reserve's take page.
async fn thread_and_offer(
    tenant: &Tenant,
    store: &DynStore,
    ds: &Dataset,
    base: &str,
) -> TestResult<(ThreadId, String)> {
    let admin = Actor::Secretariat {
        user: "test".into(),
        role: StaffRole::Administrator,
    };
    let citizen = demo_citizen(ds, SeatStatus::Accepted)?;
    let me = tenant.svc.person_actor(citizen).await?;
    let thread = tenant
        .svc
        .write_to_secretariat(
            &me,
            ThreadDraft {
                subject: "Parkering ved valgstedet".into(),
                text: "Kan jeg parkere ved skolen på valgdagen?".into(),
                seat: None,
            },
        )
        .await?;
    tenant
        .svc
        .answer_thread(&admin, thread, "Ja, på lærernes parkeringsplads.")
        .await?;

    let day = ds.election.election_day();
    let morning = local_instant(day, NaiveTime::from_hms_opt(8, 0, 0).ok_or("08:00")?);
    let svc = demo::service(Arc::clone(store), demo::registry(ds)?, base)
        .with_clock(Arc::new(FixedClock::at(morning)));
    let holds_a_seat = |p: ParticipantId| ds.seats.iter().any(|s| s.state.participant() == Some(p));
    let (seat, holder) = ds
        .seats
        .iter()
        .find_map(|s| match s.state {
            SeatState::Accepted { participant, .. }
                if s.slot.date == day && participant != citizen =>
            {
                Some((s.id, participant))
            }
            _ => None,
        })
        .ok_or("an accepted seat on election day")?;
    svc.record_attendance(&admin, seat, holder, AttendanceStatus::NotArrived)
        .await?;
    // Participants without a seat sign up as reserves, one by one, until the offer reaches
    // one the seat's task allows (the first is not always eligible); a refused offer changes
    // nothing.
    let mut offered = false;
    for p in ds
        .participants
        .iter()
        .map(|p| p.id)
        .filter(|p| !holds_a_seat(*p))
    {
        if svc
            .sign_up_reserve(&admin, p, ds.election.id, day)
            .await
            .is_ok()
            && svc.offer_seat(&admin, seat).await.is_ok()
        {
            offered = true;
            break;
        }
    }
    if !offered {
        return Err("no reserve could be offered the no-show's seat".into());
    }
    let link = store
        .outbox(&Default::default())
        .await?
        .into_iter()
        .find(|m| m.kind == MessageKind::SeatOffered)
        .and_then(|m| m.facts.get("invitation").cloned())
        .ok_or("the offer's message and link")?;
    let path = link.strip_prefix(base).ok_or("a link to the portal")?;
    Ok((thread, path.to_owned()))
}

struct Session {
    browser: BrowserSession,
    fixture: Fixture,
}

impl Deref for Session {
    type Target = BrowserSession;
    fn deref(&self) -> &BrowserSession {
        &self.browser
    }
}

async fn start() -> TestResult<Session> {
    let today = demo::today();
    let store: DynStore = Arc::new(valghalla::sqlite::SqliteStore::open_in_memory()?);
    let (listener, base) = browser::listen().await?;
    let tenant = demo::tenant(Arc::clone(&store), today, &base).await?;
    let ds = demo::korsbaek(today)?;
    let (thread, offer_link) = thread_and_offer(&tenant, &store, &ds, &base).await?;
    let admin = Actor::Secretariat {
        user: "test".into(),
        role: StaffRole::Administrator,
    };
    let team = ds.teams[0].id;
    let team_link = tenant
        .svc
        .create_link(&admin, LinkKind::Team { team })
        .await?;
    let vacancy_link = tenant
        .svc
        .create_link(
            &admin,
            LinkKind::Vacancies(VacancyFilter {
                election: ds.election.id,
                team,
                areas: Default::default(),
                work_locations: Default::default(),
                task_types: Default::default(),
                dates: Default::default(),
                include_trusted: false,
            }),
        )
        .await?;
    // The walked participant has a note of the demo administrator's own, so the page carries
    // the notes with their edit and delete controls.
    let demo_admin = Actor::Secretariat {
        user: "sekretariat-admin".into(),
        role: StaffRole::Administrator,
    };
    tenant
        .svc
        .add_note(&demo_admin, ds.participants[5].id, "Har nøglen til skolen.")
        .await?;
    browser::serve(listener, &base, tenant);
    Ok(Session {
        browser: BrowserSession::start(base).await?,
        fixture: Fixture {
            ds,
            team_link: format!("/link/{}", team_link.token.as_str()),
            vacancy_link: format!("/link/{}", vacancy_link.token.as_str()),
            thread,
            offer_link,
        },
    })
}

/// Runs `scenario` with a fresh portal and browser; on failure saves a screenshot to
/// `target/e2e-screenshots/<test>.png`.
async fn run<F>(test: &str, scenario: F)
where
    F: AsyncFnOnce(&Session) -> TestResult,
{
    browser::run(test, missing(), start, scenario).await;
}

impl Session {
    /// Logs in as `role` through the demo login page (logging out first).
    async fn become_(&self, role: Role) -> TestResult {
        self.client.delete_all_cookies().await?;
        let Some(who) = role.login() else {
            return Ok(());
        };
        self.open("/login").await?;
        self.client
            .find(Locator::Css(&format!("input[value='{who}']")))
            .await?
            .click()
            .await?;
        self.client
            .find(Locator::Css("main form button[type=submit]"))
            .await?
            .click()
            .await?;
        for _ in 0..200 {
            let url = self.client.current_url().await?;
            if url.path() != "/login" {
                return self.wait_ready().await;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        Err(format!("could not log in as {who}").into())
    }

    /// Makes the viewport `width` CSS pixels wide (the window's frame, if any, added).
    async fn set_width(&self, width: u32) -> TestResult {
        self.client.set_window_size(width, 900).await?;
        let inner = self
            .client
            .execute("return window.innerWidth", vec![])
            .await?
            .as_u64()
            .unwrap_or(0);
        let frame = u64::from(width).saturating_sub(inner);
        if frame > 0 {
            self.client
                .set_window_size(width + u32::try_from(frame)?, 900)
                .await?;
        }
        Ok(())
    }

    /// The HTTP status the open page came with (from the browser's navigation timing: the
    /// portal's CSP lets no script fetch), and where the browser is (path and query), which
    /// tells a redirect.
    async fn served(&self) -> TestResult<(i64, String)> {
        let status = self
            .client
            .execute(
                "const n = performance.getEntriesByType('navigation')[0]; return n ? n.responseStatus : -1;",
                vec![],
            )
            .await?
            .as_i64()
            .unwrap_or(-1);
        let url = self.client.current_url().await?;
        let at = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        };
        Ok((status, at))
    }

    /// How much wider than the viewport the page is (0 when it fits), and the widest element
    /// that sticks out, for the failure message.
    async fn overflow(&self) -> TestResult<(i64, String)> {
        let v = self
            .client
            .execute(
                r#"const d = document.documentElement;
                   const over = d.scrollWidth - window.innerWidth;
                   let worst = '';
                   if (over > 0) {
                     let max = 0;
                     const clipped = (el) => {
                       for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
                         if (getComputedStyle(p).overflowX !== 'visible') return true;
                       }
                       return false;
                     };
                     for (const el of document.querySelectorAll('body *')) {
                       const r = el.getBoundingClientRect();
                       if (r.right > max && r.right > window.innerWidth && !clipped(el)) {
                         max = r.right;
                         worst = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                           (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') +
                           ' (right edge ' + Math.round(r.right) + ')';
                       }
                     }
                   }
                   return [over, worst];"#,
                vec![],
            )
            .await?;
        Ok((
            v[0].as_i64().unwrap_or(i64::MAX),
            v[1].as_str().unwrap_or_default().to_owned(),
        ))
    }

    /// The forms on the page that would change something (all but logging out), by address.
    async fn write_controls(&self) -> TestResult<Vec<String>> {
        let v = self
            .client
            .execute(
                r#"return [...document.querySelectorAll("form[method=post]")]
                     .filter(f => f.getAttribute('action') !== '/logout' && f.getClientRects().length > 0)
                     .map(f => f.getAttribute('action'));"#,
                vec![],
            )
            .await?;
        Ok(v.as_array()
            .map(|a| {
                a.iter()
                    .map(|x| x.as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Runs axe-core on the page: its violations, one line each.
    async fn axe(&self, source: &str) -> TestResult<Vec<String>> {
        let loaded = self
            .client
            .execute("return typeof window.axe === 'object'", vec![])
            .await?;
        if loaded.as_bool() != Some(true) {
            self.client
                .execute(&format!("{source}\nreturn true;"), vec![])
                .await?;
        }
        let out = self
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                   window.axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
                     .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' – ' +
                        v.nodes.slice(0, 5).map(n => n.target.join(' ')).join(', ') +
                        (v.nodes.length > 5 ? ' … ' + v.nodes.length + ' in all' : ''))))
                     .catch(e => done(['axe failed: ' + e]));"#,
                vec![json!(TAGS)],
            )
            .await?;
        Ok(out
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|v| v.as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_else(|| vec![format!("axe returned {out}")]))
    }
}

#[tokio::test]
async fn every_page_for_every_role_passes_axe_and_fits_360_768_and_1280_px() {
    run(
        "every_page_for_every_role_passes_axe_and_fits_360_768_and_1280_px",
        async |s| {
            let source = std::fs::read_to_string(axe_path())?;
            // One login per role (logins are rate-limited), the pages in their listed order.
            let mut pages = pages(&s.fixture);
            pages.sort_by_key(|(who, _)| *who);
            let mut problems = Vec::new();
            let mut checked = 0usize;
            let mut role = None;
            for (who, path) in &pages {
                if role != Some(*who) {
                    s.become_(*who).await?;
                    role = Some(*who);
                }
                s.set_width(1280).await?;
                s.open(path).await?;
                // axe passes an error page as readily as the page asked for: the page must be
                // served to this role, not refused, missing, failed or sent elsewhere.
                let want = expected(&s.fixture, *who, path);
                let got = s.served().await?;
                if got != want {
                    problems.push(format!(
                        "{who:?} {path}: status {} at {}, not {} at {}",
                        got.0, got.1, want.0, want.1
                    ));
                    checked += 1;
                    continue;
                }
                for v in s.axe(&source).await? {
                    problems.push(format!("{who:?} {path} at 1280 px: {v}"));
                }
                if *who == Role::Reader {
                    for form in s.write_controls().await? {
                        problems.push(format!(
                            "{who:?} {path}: a reader sees a write control: {form}"
                        ));
                    }
                }
                for width in WIDTHS {
                    s.set_width(width).await?;
                    let (over, worst) = s.overflow().await?;
                    if over > 0 {
                        problems.push(format!(
                            "{who:?} {path} scrolls sideways at {width} px by {over} px: {worst}"
                        ));
                    }
                }
                // At phone width too: what reflows can break (a hidden label, a clipped text).
                for v in s.axe(&source).await? {
                    problems.push(format!("{who:?} {path} at 360 px: {v}"));
                }
                checked += 1;
            }
            let _ = writeln!(
                std::io::stderr(),
                "checked {checked} pages × {} widths; {} problems",
                WIDTHS.len(),
                problems.len()
            );
            if problems.is_empty() {
                Ok(())
            } else {
                Err(format!("{} problems:\n{}", problems.len(), problems.join("\n")).into())
            }
        },
    )
    .await;
}

/// Keys as WebDriver names them.
const TAB: char = '\u{e004}';
const ENTER: char = '\u{e007}';
const DOWN: char = '\u{e015}';

impl Session {
    /// Presses `key` (down and up) on whatever has the focus: the keyboard, not the mouse.
    async fn press(&self, key: char) -> TestResult {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let keys = KeyActions::new("tastatur".into())
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        self.client.perform_actions(keys).await?;
        self.client.release_actions().await?;
        Ok(())
    }

    /// Ctrl+A in the focused field.
    async fn select_all(&self) -> TestResult {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        const CONTROL: char = '\u{e009}';
        let keys = KeyActions::new("tastatur".into())
            .then(KeyAction::Down { value: CONTROL })
            .then(KeyAction::Down { value: 'a' })
            .then(KeyAction::Up { value: 'a' })
            .then(KeyAction::Up { value: CONTROL });
        self.client.perform_actions(keys).await?;
        self.client.release_actions().await?;
        Ok(())
    }

    /// Types `text` into whatever has the focus.
    async fn type_text(&self, text: &str) -> TestResult {
        for c in text.chars() {
            self.press(c).await?;
        }
        Ok(())
    }

    /// Whether the focused element matches `css`.
    async fn focused(&self, css: &str) -> TestResult<bool> {
        let v = self
            .client
            .execute(
                "const a = document.activeElement; return !!a && a.matches(arguments[0]);",
                vec![json!(css)],
            )
            .await?;
        Ok(v.as_bool() == Some(true))
    }

    /// Presses `key` until the focused element matches `css` (at most `max` times).
    async fn press_until(&self, key: char, css: &str, max: usize) -> TestResult {
        for _ in 0..max {
            if self.focused(css).await? {
                return Ok(());
            }
            self.press(key).await?;
        }
        if self.focused(css).await? {
            return Ok(());
        }
        Err(format!(
            "{css} never got the focus on {}",
            self.client.current_url().await?
        )
        .into())
    }

    /// Tabs to `css`.
    async fn tab_to(&self, css: &str) -> TestResult {
        self.press_until(TAB, css, 250).await
    }

    /// Presses Enter and waits for the next page.
    async fn enter_and_wait(&self) -> TestResult {
        let old = self.client.find(Locator::Css("html")).await?;
        self.press(ENTER).await?;
        for _ in 0..200 {
            if old.tag_name().await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        self.wait_ready().await
    }

    /// Logs in as `who` on the login page with the keyboard: into the identity group, down
    /// the radio buttons to `who`, on to the button.
    async fn keyboard_login(&self, who: &str) -> TestResult {
        self.tab_to("input[name=identitet]").await?;
        self.press_until(DOWN, &format!("input[value='{who}']"), 30)
            .await?;
        self.tab_to("main form button[type=submit]").await?;
        self.enter_and_wait().await
    }
}

#[tokio::test]
async fn a_citizen_signs_up_through_a_link_with_the_keyboard_alone() {
    run(
        "a_citizen_signs_up_through_a_link_with_the_keyboard_alone",
        async |s| {
            s.client.delete_all_cookies().await?;
            s.open(&s.fixture.vacancy_link).await?;
            // The skip link is the first stop, and it leads into the page's content.
            s.press(TAB).await?;
            if !s.focused("a.skip").await? {
                return Err("the first Tab does not reach the skip link".into());
            }
            s.tab_to("a[href^='/login']").await?;
            s.enter_and_wait().await?;
            s.keyboard_login("ny2").await?;
            s.expect_text("Ledige opgaver").await?;
            s.tab_to("#ledige ~ table form button").await?;
            s.enter_and_wait().await?;
            s.expect_text("Tilmelding").await?;
            // A typing slip: the error is tied to the field and the focus can reach it again.
            s.tab_to("#mobil").await?;
            s.type_text("12").await?;
            s.tab_to("form[action$='/tilmeld'] button[type=submit]")
                .await?;
            s.enter_and_wait().await?;
            s.expect_text("Der er fejl i formularen").await?;
            let described = s
                .client
                .execute(
                    "const m = document.getElementById('mobil'); const ids = (m.getAttribute('aria-describedby') || '').split(' ');
                     return m.getAttribute('aria-invalid') === 'true' && ids.some(id => { const e = document.getElementById(id); return e && e.textContent.trim().length > 0; });",
                    vec![],
                )
                .await?;
            if described.as_bool() != Some(true) {
                return Err("the mobile number's error is not tied to its field".into());
            }
            s.tab_to("#mobil").await?;
            // Select what is there (Ctrl+A) and type over it.
            s.select_all().await?;
            s.type_text("40506070").await?;
            s.tab_to("form[action$='/tilmeld'] button[type=submit]")
                .await?;
            s.enter_and_wait().await?;
            // The task chosen before the sign-up is taken with it (pages/citizen/link.rs).
            s.expect_text("Du er tilmeldt og har fået den opgave, du valgte")
                .await?;
            s.expect_text("Accepteret").await?;
            Ok(())
        },
    )
    .await;
}

#[tokio::test]
async fn a_party_secretary_places_a_member_with_the_keyboard_alone() {
    run(
        "a_party_secretary_places_a_member_with_the_keyboard_alone",
        async |s| {
            s.client.delete_all_cookies().await?;
            s.open("/login").await?;
            s.keyboard_login("partisekretaer").await?;
            // Through the menu to the party's page.
            s.tab_to("nav a[href='/parti']").await?;
            s.enter_and_wait().await?;
            let party = format!("/parti/{}", s.fixture.ds.teams[0].id);
            if s.client.current_url().await?.path() != party {
                s.tab_to(&format!("main a[href^='{party}']")).await?;
                s.enter_and_wait().await?;
            }
            // The first member the rules allow onto the first vacant seat.
            for member in 0..12 {
                s.tab_to("form[action$='/placer'] select").await?;
                for _ in 0..member {
                    s.press(DOWN).await?;
                }
                s.tab_to("form[action$='/placer'] button").await?;
                s.enter_and_wait().await?;
                let body = s.client.find(Locator::Css("body")).await?.text().await?;
                if body.contains("Medlemmet er sat på pladsen") {
                    return Ok(());
                }
            }
            Err("no member could be placed with the keyboard".into())
        },
    )
    .await;
}

/// A file name for a screenshot of `path` as `who`: the listed pair's number, role and path.
fn shot_name(i: usize, who: Role, path: &str) -> String {
    format!("{i:02}-{who:?}-{path}")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(70)
        .collect()
}

impl Session {
    /// Saves the open page at `width` px to `<dir>/<name>.png`: the whole page, as tall as its
    /// content up to 4000 px (or the first screenful with SCREENSHOT_VIEWPORT=1).
    async fn shoot(&self, width: u32, dir: &Path, name: &str) -> TestResult {
        self.set_width(width).await?;
        let viewport = std::env::var("SCREENSHOT_VIEWPORT").is_ok_and(|v| v == "1");
        let height = self
            .client
            .execute("return document.documentElement.scrollHeight", vec![])
            .await?
            .as_u64()
            .unwrap_or(900)
            .min(if viewport { 900 } else { 4000 });
        // The window's frame on top, or the shot stops that much short of the page's end.
        let frame = self
            .client
            .execute("return window.outerHeight - window.innerHeight", vec![])
            .await?
            .as_u64()
            .unwrap_or(0);
        let height = height + frame;
        self.client
            .set_window_size(width, u32::try_from(height)?)
            .await?;
        std::fs::create_dir_all(dir)?;
        std::fs::write(
            dir.join(format!("{name}.png")),
            self.client.screenshot().await?,
        )?;
        Ok(())
    }
}

/// Not a check: screenshots of the main pages at 360, 768 and 1280 px, to
/// `target/screenshots/<width>/`, for a person to look at
/// (`cargo test -p valghalla-portal --test accessibility -- --ignored screenshots_at_three_widths`).
#[tokio::test]
#[ignore = "writes screenshots for manual review"]
async fn screenshots_at_three_widths() {
    run("screenshots_at_three_widths", async |s| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        let filter = std::env::var("SCREENSHOT_FILTER").unwrap_or_default();
        let mut pages = pages(&s.fixture);
        pages.sort_by_key(|(who, _)| *who);
        let mut role = None;
        for (i, (who, path)) in pages.iter().enumerate() {
            if !path.contains(&filter) {
                continue;
            }
            if role != Some(*who) {
                s.become_(*who).await?;
                role = Some(*who);
            }
            s.open(path).await?;
            let name = shot_name(i, *who, path);
            for width in WIDTHS {
                let out = dir.join(width.to_string());
                s.shoot(width, &out, &name).await?;
                if let Ok(charts) = s.client.find(Locator::Css("section.charts")).await {
                    std::fs::write(
                        out.join(format!("{name}-grafer.png")),
                        charts.screenshot().await?,
                    )?;
                }
            }
        }
        Ok(())
    })
    .await;
}

/// Not a check: every secretariat page (issue 19) as the administrator sees it at 1280 px, to
/// `target/screenshots/secretariat/`, for a person to look at
/// (`cargo test -p valghalla-portal --test accessibility -- --ignored secretariat_screenshots`).
/// The walk above checks the same pages are served and pass axe.
#[tokio::test]
#[ignore = "writes screenshots for manual review"]
async fn secretariat_screenshots() {
    run("secretariat_screenshots", async |s| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots/secretariat");
        s.become_(Role::Admin).await?;
        let pages = pages(&s.fixture);
        let secretariat = pages.iter().filter(|(who, path)| {
            *who == Role::Admin
                && (path.starts_with("/sekretariat") || path.starts_with("/udskrift"))
        });
        for (i, (who, path)) in secretariat.enumerate() {
            s.open(path).await?;
            let (status, at) = s.served().await?;
            if status != 200 || at != *path {
                return Err(format!("{path}: status {status} at {at}").into());
            }
            s.shoot(1280, &dir, &shot_name(i, *who, path)).await?;
        }
        Ok(())
    })
    .await;
}
