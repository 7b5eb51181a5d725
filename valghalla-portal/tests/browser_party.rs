//! Issue 18's journeys in headless Chromium (fantoccini through chromedriver), on the demo data
//! over an in-memory SQLite store: a party secretary registers a new person by CPR number onto
//! a vacant seat, the person gets the message in the mail folder and accepts through its link,
//! and the party page and the overview count it; a new citizen joins the party through its
//! team link, consents, takes a vacant task, writes to the secretariat from the contact page,
//! the secretariat answers from its inbox, and the citizen reads the answer; a citizen who
//! withdraws within the configured days of the task alerts the party secretary (the party
//! page's line and a message in the mail folder).
//!
//! `journey_screenshots` (ignored: `cargo test -p valghalla-portal --test browser_party --
//! --ignored journey_screenshots`) walks the first two journeys again and saves a screenshot of
//! every step to `target/screenshots/journeys/<journey>/`.
//! Without a chromedriver the tests say so on stderr and pass, unless
//! `VALGHALLA_REQUIRE_BROWSER=1`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    reason = "tests fail loudly"
)]

mod support;

use std::ops::Deref;
use std::path::Path;
use std::sync::Arc;

use fantoccini::Locator;
use support::TestResult;
use support::browser::{self, BrowserSession};
use valghalla::Valghalla;
use valghalla::channels::FileSender;
use valghalla::core::messages::Channel;
use valghalla::core::service::{DispatchConfig, Dispatcher};
use valghalla::core::store::DynStore;
use valghalla::core::testkit::generator::Dataset;
use valghalla_portal::demo;

struct Session {
    browser: BrowserSession,
    ds: Dataset,
    svc: Valghalla,
    mail: tempfile::TempDir,
}

impl Deref for Session {
    type Target = BrowserSession;
    fn deref(&self) -> &BrowserSession {
        &self.browser
    }
}

/// The demo portal; a withdrawal `late_days` days before its task or fewer is late.
async fn start_with(late_days: Option<u32>) -> TestResult<Session> {
    let today = demo::today();
    let store: DynStore = Arc::new(valghalla::sqlite::SqliteStore::open_in_memory()?);
    let (listener, base) = browser::listen().await?;
    let ds = demo::korsbaek(today)?;
    let mut svc = demo::service(Arc::clone(&store), demo::registry(&ds)?, &base);
    if let Some(days) = late_days {
        svc = svc.with_late_withdrawal_days(days);
    }
    demo::seed_if_empty(&store, &svc, &ds).await?;
    browser::serve(listener, &base, demo::tenant_with(svc.clone(), &ds)?);
    Ok(Session {
        browser: BrowserSession::start(base).await?,
        ds,
        svc,
        mail: tempfile::tempdir()?,
    })
}

async fn run<F>(test: &str, scenario: F)
where
    F: AsyncFnOnce(&Session) -> TestResult,
{
    browser::run(
        test,
        browser::browser_missing(),
        async || start_with(None).await,
        scenario,
    )
    .await;
}

impl Session {
    /// Sends what is due in the outbox to the mail folder, as the host's dispatcher does.
    async fn dispatch(&self) -> TestResult {
        let mut d = Dispatcher::new(DispatchConfig::default());
        for channel in [Channel::DigitalPost, Channel::Email, Channel::Sms] {
            d = d.with_sender(Arc::new(FileSender::new(
                self.mail.path().to_owned(),
                channel,
            )?));
        }
        d.run_once(&self.svc).await?;
        Ok(())
    }

    /// The texts of the messages in the mail folder that contain `marker`.
    fn mails_with(&self, marker: &str) -> TestResult<Vec<String>> {
        let mut found = Vec::new();
        for entry in std::fs::read_dir(self.mail.path())? {
            let text = std::fs::read_to_string(entry?.path()).unwrap_or_default();
            if text.contains(marker) {
                found.push(text);
            }
        }
        Ok(found)
    }

    /// The text of the one message in the mail folder that contains `marker`.
    fn mail_with(&self, marker: &str) -> TestResult<String> {
        match self.mails_with(marker)?.as_slice() {
            [one] => Ok(one.clone()),
            other => Err(format!("{} messages contain {marker:?}", other.len()).into()),
        }
    }

    /// The overview's totals line for the demo election, as the administrator sees it.
    async fn overview_totals(&self) -> TestResult<String> {
        self.login("admin").await?;
        self.open(&format!(
            "/sekretariat/valg/{}/oversigt",
            self.ds.election.id
        ))
        .await?;
        self.text("#i-alt").await
    }

    /// The party secretary makes a team link on the party page; a new citizen (`who`, one of
    /// the demo's `ny…`) opens it, logs in, joins, signs up with consent and takes the first
    /// vacant task the rules give them. Returns the citizen's name.
    async fn join_by_team_link_and_take_a_task(&self, who: &str) -> TestResult<String> {
        let i: usize = who.trim_start_matches("ny").parse()?;
        let (_, first, last) = demo::NEW_CITIZENS[i - 1];
        let party = &self.ds.teams[0];
        self.login("partisekretaer").await?;
        self.open(&format!("/parti/{}", party.id)).await?;
        self.submit("form[action$='/links']:has(input[value='team'])")
            .await?;
        let href = self
            .client
            .find(Locator::Css("a.link-url"))
            .await?
            .attr("href")
            .await?
            .ok_or("no link")?;
        self.logout().await?;
        // The link names the party and what joining means.
        self.open(&href).await?;
        self.expect_text(&format!("Linket er fra {}", party.name))
            .await?;
        self.step("teamlink").await?;
        self.follow("Log ind for at blive medlem").await?;
        self.step("login").await?;
        self.pick_identity(who).await?;
        self.step("teamlink-logget-ind").await?;
        self.click("form[action$='/team'] button[type=submit]")
            .await?;
        // Sign-up: the privacy statement, contact details and consent.
        self.expect_text("Sådan behandler vi dine oplysninger")
            .await?;
        self.fill("#mobil", "40506070").await?;
        self.fill("#email", "ny.borger@example.dk").await?;
        self.tick("#samtykke").await?;
        self.step("tilmelding-med-samtykke").await?;
        self.submit("form[action$='/tilmeld']").await?;
        self.expect_text("Du er tilmeldt og nu med i teamet")
            .await?;
        self.step("teamets-ledige-opgaver").await?;
        for n in 0..12 {
            let buttons = self
                .client
                .find_all(Locator::Css("#ledige form button[type=submit]"))
                .await?;
            let Some(button) = buttons.into_iter().nth(n) else {
                break;
            };
            self.click_and_wait(button).await?;
            if self.body().await?.contains("Du har fået opgaven") {
                self.step("opgaven-taget").await?;
                return Ok(format!("{first} {last}"));
            }
            self.open("/ledige-opgaver").await?;
        }
        Err("no vacant task could be taken".into())
    }
}

/// The number before `word` in a counts line ("3 ledige 1 ubesvarede 2 accepterede af 6").
fn count(line: &str, word: &str) -> u32 {
    let words: Vec<&str> = line.split_whitespace().collect();
    words
        .windows(2)
        .find(|w| w[1] == word)
        .and_then(|w| w[0].parse().ok())
        .unwrap_or(u32::MAX)
}

/// The first link in `text` that starts with `prefix`.
fn link_in(text: &str, prefix: &str) -> Option<String> {
    let at = text.find(prefix)?;
    let rest = &text[at..];
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '\'')
        .unwrap_or(rest.len());
    Some(rest[..end].to_owned())
}

/// Journey 1: the party secretary registers a new person onto a vacant seat; the person
/// accepts through the mailed link.
async fn registers_a_new_person_who_accepts(s: &Session) -> TestResult {
    let before = s.overview_totals().await?;
    let (cpr, first, last) = demo::NEW_CITIZENS[0];
    let name = format!("{first} {last}");
    // The party secretary picks a vacant seat and registers a new person onto it.
    s.login("partisekretaer").await?;
    s.open(&format!("/parti/{}", s.ds.teams[0].id)).await?;
    s.step("partiside").await?;
    s.follow("Hvem er ledige? / registrér ny").await?;
    s.expect_text("Registrér en ny person på pladsen").await?;
    s.fill("#cpr", cpr).await?;
    s.fill("#email", "ny.borger@example.dk").await?;
    s.step("registrer-ny-person").await?;
    s.click("form[action$='/registrer'] button[type=submit]")
        .await?;
    s.expect_text(&format!("{name} (CPR")).await?;
    s.step("registreret").await?;
    let page = s.text("body").await?;
    let full = valghalla::core::cpr::Cpr::parse(cpr)?;
    if page.contains(&full.reveal()) || page.contains(&full.reveal_dashed()) {
        return Err("the full CPR number was shown back".into());
    }
    let registered = s.overview_totals().await?;
    if count(&registered, "ubesvarede") != count(&before, "ubesvarede") + 1 {
        return Err(format!("overview: {before} → {registered}").into());
    }
    // The message in the mail folder says who registered them, and links to the answer.
    s.dispatch().await?;
    let mail = s.mail_with("har registreret dig")?;
    if !mail.contains(&name) {
        return Err(format!("the message is not to {name}: {mail}").into());
    }
    let link = link_in(&mail, &format!("{}/invitation/", s.base))
        .ok_or("no invitation link in the message")?;
    // The person opens the link, logs in, and accepts.
    s.logout().await?;
    s.client.goto(&link).await?;
    s.pick_identity("ny1").await?;
    s.expect_text("Vil du tage opgaven?").await?;
    s.step("invitation").await?;
    s.click("button[name=svar][value=ja]").await?;
    s.expect_text("Mine opgaver").await?;
    s.step("mine-opgaver").await?;
    // The party page and the overview count it.
    let after = s.overview_totals().await?;
    if count(&after, "accepterede") != count(&before, "accepterede") + 1 {
        return Err(format!("overview: {before} → {after}").into());
    }
    s.step("oversigt").await?;
    s.login("partisekretaer").await?;
    s.open(&format!("/parti/{}#medlemmer", s.ds.teams[0].id))
        .await?;
    s.expect_text(&name).await?;
    let row = s
        .client
        .find(Locator::XPath(&format!(
            "//h2[@id='medlemmer']/following-sibling::table[1]//tr[td[1][normalize-space()='{name}']]"
        )))
        .await?
        .text()
        .await?;
    if !row.contains("Accepteret") && !row.contains("accepteret") {
        return Err(format!("the member's seat is not accepted: {row}").into());
    }
    s.step("partiside-medlemmer").await?;
    Ok(())
}

/// Journey 2: a new citizen joins through the team link, consents, takes a task, writes to
/// the secretariat and reads its answer.
async fn joins_writes_and_reads_the_answer(s: &Session) -> TestResult {
    s.join_by_team_link_and_take_a_task("ny2").await?;
    s.open("/kontakt").await?;
    s.step("kontakt").await?;
    s.follow("Skriv til sekretariatet").await?;
    s.fill("#emne", "Parkering ved skolen").await?;
    s.fill("#besked", "Må jeg parkere i skolegården på valgdagen?")
        .await?;
    s.step("skriv-til-sekretariatet").await?;
    s.click("form[action='/beskeder/ny'] button[type=submit]")
        .await?;
    s.expect_text("Din besked er sendt til valgsekretariatet")
        .await?;
    s.step("besked-sendt").await?;
    // The secretariat's inbox counts it; the administrator answers.
    s.login("admin").await?;
    s.follow("Indbakke").await?;
    s.expect_text("1 ulæste").await?;
    s.step("indbakke").await?;
    s.follow("Parkering ved skolen").await?;
    s.expect_text("Må jeg parkere i skolegården på valgdagen?")
        .await?;
    s.fill("#svar", "Ja, men kun bag gymnastiksalen!").await?;
    s.step("svar").await?;
    s.click("form[action$='/svar'] button[type=submit]").await?;
    s.expect_text("Svaret er sendt").await?;
    s.open("/sekretariat/indbakke").await?;
    s.expect_text("0 ulæste").await?;
    // The answer goes out on the citizen's channel …
    s.dispatch().await?;
    let mail = s.mail_with("Valgsekretariatet har svaret")?;
    if !mail.contains("bag gymnastiksalen") {
        return Err(format!("the answer is not in the message: {mail}").into());
    }
    // … and waits on "Mine beskeder".
    s.login("ny2").await?;
    s.follow("Mine beskeder").await?;
    s.expect_text("Nyt svar").await?;
    s.step("mine-beskeder").await?;
    s.follow("Parkering ved skolen").await?;
    s.expect_text("Ja, men kun bag gymnastiksalen!").await?;
    s.step("svaret-laest").await?;
    Ok(())
}

#[tokio::test]
async fn e2e_party_secretary_registers_a_new_person_who_accepts_through_the_mailed_link() {
    run(
        "e2e_party_secretary_registers_a_new_person_who_accepts_through_the_mailed_link",
        async |s| registers_a_new_person_who_accepts(s).await,
    )
    .await;
}

#[tokio::test]
async fn e2e_citizen_joins_by_team_link_writes_to_the_secretariat_and_reads_the_answer() {
    run(
        "e2e_citizen_joins_by_team_link_writes_to_the_secretariat_and_reads_the_answer",
        async |s| joins_writes_and_reads_the_answer(s).await,
    )
    .await;
}

#[tokio::test]
async fn e2e_a_late_withdrawal_alerts_the_party_secretary() {
    browser::run(
        "e2e_a_late_withdrawal_alerts_the_party_secretary",
        browser::browser_missing(),
        // Election day is a few weeks ahead of the demo's today: within 60 days is late.
        async || start_with(Some(60)).await,
        async |s| {
            let name = s.join_by_team_link_and_take_a_task("ny1").await?;
            // The citizen withdraws (the page asks first).
            s.open("/mine-opgaver").await?;
            s.submit("form[action$='/frameld']").await?;
            s.expect_text("Vil du melde dig fra opgaven?").await?;
            s.submit("form.confirm").await?;
            s.expect_text("Du er meldt fra").await?;
            // The party secretary's page has the line …
            s.login("partisekretaer").await?;
            s.open(&format!("/parti/{}", s.ds.teams[0].id)).await?;
            let line = s.text("#sene-afmeldinger").await?;
            if !line.contains("Sene afmeldinger") || !line.contains(&name) {
                return Err(format!("the party page's late withdrawals: {line}").into());
            }
            // … and the message reaches the secretary (every secretary of the party gets one).
            s.dispatch().await?;
            let secretary = s.ds.teams[0]
                .responsibles
                .keys()
                .next()
                .and_then(|p| s.ds.participants.iter().find(|x| x.id == *p))
                .ok_or("party A's secretary")?
                .full_name();
            let alerts = s.mails_with("Sen afmelding")?;
            if !alerts
                .iter()
                .any(|m| m.contains(&name) && m.contains(&secretary))
            {
                return Err(format!("no alert to {secretary} about {name}: {alerts:?}").into());
            }
            Ok(())
        },
    )
    .await;
}

/// Not a check: both journeys again, a screenshot of every step to
/// `target/screenshots/journeys/<journey>/`, for a person to look at.
#[tokio::test]
#[ignore = "writes screenshots for manual review"]
async fn journey_screenshots() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots/journeys");
    let record = |name: &'static str| {
        let dir = dir.join(name);
        async move |s: &Session| -> TestResult {
            s.record_steps(&dir)?;
            match name {
                "partisekretaer-registrerer" => registers_a_new_person_who_accepts(s).await,
                _ => joins_writes_and_reads_the_answer(s).await,
            }
        }
    };
    run(
        "journey_screenshots_party_secretary",
        record("partisekretaer-registrerer"),
    )
    .await;
    run(
        "journey_screenshots_citizen",
        record("borger-melder-sig-og-skriver"),
    )
    .await;
}
