//! Issue 18's journeys in headless Chromium (fantoccini through chromedriver), on the demo data
//! over an in-memory SQLite store: a party secretary registers a new person by CPR number onto
//! a vacant seat, the person gets the message in the mail folder and accepts through its link,
//! and the party page and the overview count it; a citizen writes to the secretariat from the
//! contact page, the secretariat answers from its inbox, and the citizen reads the answer.
//! Without a chromedriver they say so on stderr and pass, unless `VALGHALLA_REQUIRE_BROWSER=1`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    reason = "tests fail loudly"
)]

mod support;

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use fantoccini::{Client, Locator};
use support::{CHROMIUM, Chrome};
use valghalla::Valghalla;
use valghalla::channels::FileSender;
use valghalla::core::messages::Channel;
use valghalla::core::service::{DispatchConfig, Dispatcher};
use valghalla::core::testkit::generator::Dataset;
use valghalla_portal::{PortalConfig, PortalState, Sessions, demo};

type E2eResult<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// One browser at a time: the machine is small.
static ONE_AT_A_TIME: LazyLock<tokio::sync::Mutex<()>> =
    LazyLock::new(|| tokio::sync::Mutex::new(()));

fn skip(test: &str) -> bool {
    if support::browser_available() {
        return false;
    }
    let required = std::env::var("VALGHALLA_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "{test}: chromedriver or {CHROMIUM} is missing and VALGHALLA_REQUIRE_BROWSER=1"
    );
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: no chromedriver/chromium on this machine (apt-get install chromium chromium-driver)"
    );
    true
}

struct Session {
    client: Client,
    base: String,
    ds: Dataset,
    svc: Valghalla,
    mail: tempfile::TempDir,
    _chrome: Chrome,
}

async fn start() -> E2eResult<Session> {
    let today = demo::today();
    let store = Arc::new(valghalla::sqlite::SqliteStore::open_in_memory()?);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let tenant = demo::tenant(store, today, &base).await?;
    let svc = tenant.service().clone();
    let config = PortalConfig {
        public_base_url: base.clone(),
        ..PortalConfig::default()
    };
    let state = PortalState::single(config, tenant, Sessions::memory());
    tokio::spawn(valghalla_portal::serve(
        listener,
        state,
        std::future::pending(),
    ));
    let chrome = Chrome::start().await?;
    Ok(Session {
        client: chrome.client.clone(),
        base,
        ds: demo::korsbaek(today)?,
        svc,
        mail: tempfile::tempdir()?,
        _chrome: chrome,
    })
}

/// Runs `scenario`; on failure saves a screenshot to `target/e2e-screenshots/<test>.png`.
async fn run<F>(test: &str, scenario: F)
where
    F: AsyncFnOnce(&Session) -> E2eResult,
{
    if skip(test) {
        return;
    }
    let _one = ONE_AT_A_TIME.lock().await;
    let s = match start().await {
        Ok(s) => s,
        Err(e) => panic!("{test}: could not start: {e}"),
    };
    let result = scenario(&s).await;
    if let Err(e) = &result {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e-screenshots");
        let _ = std::fs::create_dir_all(&dir);
        if let Ok(png) = s.client.screenshot().await {
            let _ = std::fs::write(dir.join(format!("{test}.png")), png);
        }
        let _ = writeln!(std::io::stderr(), "{test} failed: {e}");
    }
    let _ = s.client.clone().close().await;
    if let Err(e) = result {
        panic!("{test}: {e}");
    }
}

impl Session {
    async fn open(&self, path: &str) -> E2eResult {
        self.client.goto(&format!("{}{path}", self.base)).await?;
        Ok(())
    }

    async fn login(&self, who: &str) -> E2eResult {
        self.logout().await?;
        self.open("/login").await?;
        self.pick_identity(who).await
    }

    async fn pick_identity(&self, who: &str) -> E2eResult {
        self.client
            .find(Locator::Css(&format!("input[value='{who}']")))
            .await?
            .click()
            .await?;
        let button = self
            .client
            .find(Locator::Css("main form button[type=submit]"))
            .await?;
        self.click_and_wait(button).await
    }

    /// Clicks `element` and waits until the browser has left the page.
    async fn click_and_wait(&self, element: fantoccini::elements::Element) -> E2eResult {
        let old = self.client.find(Locator::Css("html")).await?;
        element.click().await?;
        for _ in 0..200 {
            if old.tag_name().await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        for _ in 0..200 {
            let ready = self
                .client
                .execute("return document.readyState", vec![])
                .await?;
            if ready.as_str() == Some("complete") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        Ok(())
    }

    async fn logout(&self) -> E2eResult {
        if let Ok(b) = self
            .client
            .find(Locator::Css("header form[action='/logout'] button"))
            .await
        {
            self.click_and_wait(b).await?;
        }
        Ok(())
    }

    async fn text(&self, css: &str) -> E2eResult<String> {
        Ok(self.client.find(Locator::Css(css)).await?.text().await?)
    }

    async fn expect_text(&self, want: &str) -> E2eResult {
        let mut body = String::new();
        for _ in 0..40 {
            body = self.text("body").await.unwrap_or_default();
            if body.contains(want) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(format!(
            "expected {want:?} on {}; page says: {body}",
            self.client.current_url().await?
        )
        .into())
    }

    async fn fill(&self, css: &str, value: &str) -> E2eResult {
        let field = self.client.find(Locator::Css(css)).await?;
        field.clear().await?;
        field.send_keys(value).await?;
        Ok(())
    }

    async fn click(&self, css: &str) -> E2eResult {
        let element = self.client.find(Locator::Css(css)).await?;
        self.click_and_wait(element).await
    }

    async fn follow(&self, text: &str) -> E2eResult {
        let link = self.client.find(Locator::LinkText(text)).await?;
        self.click_and_wait(link).await
    }

    /// Sends what is due in the outbox to the mail folder, as the host's dispatcher does.
    async fn dispatch(&self) -> E2eResult {
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

    /// The text of the one message in the mail folder that contains `marker`.
    fn mail_with(&self, marker: &str) -> E2eResult<String> {
        let mut found = Vec::new();
        for entry in std::fs::read_dir(self.mail.path())? {
            let text = std::fs::read_to_string(entry?.path()).unwrap_or_default();
            if text.contains(marker) {
                found.push(text);
            }
        }
        match found.as_slice() {
            [one] => Ok(one.clone()),
            other => Err(format!("{} messages contain {marker:?}", other.len()).into()),
        }
    }

    /// The overview's totals line for the demo election, as the administrator sees it.
    async fn overview_totals(&self) -> E2eResult<String> {
        self.login("admin").await?;
        self.open(&format!(
            "/sekretariat/valg/{}/oversigt",
            self.ds.election.id
        ))
        .await?;
        self.text("#i-alt").await
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

#[tokio::test]
async fn e2e_party_secretary_registers_a_new_person_who_accepts_through_the_mailed_link() {
    run(
        "e2e_party_secretary_registers_a_new_person_who_accepts_through_the_mailed_link",
        async |s| {
            let before = s.overview_totals().await?;
            let (cpr, first, last) = demo::NEW_CITIZENS[0];
            let name = format!("{first} {last}");
            // The party secretary picks a vacant seat and registers a new person onto it.
            s.login("partisekretaer").await?;
            s.open(&format!("/parti/{}", s.ds.teams[0].id)).await?;
            s.follow("Hvem er ledige? / registrér ny").await?;
            s.expect_text("Registrér en ny person på pladsen").await?;
            s.fill("#cpr", cpr).await?;
            s.fill("#email", "ny.borger@example.dk").await?;
            s.click("form[action$='/registrer'] button[type=submit]")
                .await?;
            s.expect_text(&format!("{name} (CPR")).await?;
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
            s.click("button[name=svar][value=ja]").await?;
            s.expect_text("Mine opgaver").await?;
            // The party page and the overview count it.
            let after = s.overview_totals().await?;
            if count(&after, "accepterede") != count(&before, "accepterede") + 1 {
                return Err(format!("overview: {before} → {after}").into());
            }
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
            Ok(())
        },
    )
    .await;
}

#[tokio::test]
async fn e2e_citizen_writes_to_the_secretariat_and_reads_the_answer() {
    run(
        "e2e_citizen_writes_to_the_secretariat_and_reads_the_answer",
        async |s| {
            s.login("borger1").await?;
            s.open("/kontakt").await?;
            s.follow("Skriv til sekretariatet").await?;
            s.fill("#emne", "Parkering ved skolen").await?;
            s.fill("#besked", "Må jeg parkere i skolegården på valgdagen?")
                .await?;
            s.click("form[action='/beskeder/ny'] button[type=submit]")
                .await?;
            s.expect_text("Din besked er sendt til valgsekretariatet")
                .await?;
            // The secretariat's inbox counts it; the administrator answers.
            s.login("admin").await?;
            s.follow("Indbakke").await?;
            s.expect_text("1 ulæste").await?;
            s.follow("Parkering ved skolen").await?;
            s.expect_text("Må jeg parkere i skolegården på valgdagen?")
                .await?;
            s.fill("#svar", "Ja, men kun bag gymnastiksalen!").await?;
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
            s.login("borger1").await?;
            s.follow("Mine beskeder").await?;
            s.expect_text("Nyt svar").await?;
            s.follow("Parkering ved skolen").await?;
            s.expect_text("Ja, men kun bag gymnastiksalen!").await?;
            Ok(())
        },
    )
    .await;
}
