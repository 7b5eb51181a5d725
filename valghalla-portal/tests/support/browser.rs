//! The browser tests' harness: a portal served on a free port, headless Chromium driving it
//! ([`BrowserSession`]: open, log in, click and wait for the next page, fill, read), and
//! [`run`], which skips loudly without a browser, runs one browser at a time, saves a
//! screenshot when a scenario fails, and fails the test with the scenario's error.
//!
//! A scenario can also record its steps: after [`BrowserSession::record_steps`], every
//! [`BrowserSession::step`] saves a numbered screenshot for a person to look at.

use std::io::Write;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::{Client, Locator};
use valghalla_portal::{PortalConfig, PortalState, Sessions, Tenant};

use super::{CHROMIUM, Chrome, TestResult};

/// One browser at a time: the machine is small.
static ONE_AT_A_TIME: LazyLock<tokio::sync::Mutex<()>> =
    LazyLock::new(|| tokio::sync::Mutex::new(()));

/// Where failing scenarios leave their last screen.
pub fn failure_screenshots() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e-screenshots")
}

/// What a browser test needs that is missing here, if anything.
pub fn browser_missing() -> Option<&'static str> {
    (!super::browser_available()).then_some(
        "no chromedriver/chromium on this machine (apt-get install chromium chromium-driver)",
    )
}

/// Whether to skip `test` because of `missing`: says so on stderr, and fails the test instead
/// when `VALGHALLA_REQUIRE_BROWSER=1` (CI must not skip what it can run).
pub fn skip(test: &str, missing: Option<&str>) -> bool {
    let Some(why) = missing else { return false };
    let required = std::env::var("VALGHALLA_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "{test}: {why} ({CHROMIUM}), and VALGHALLA_REQUIRE_BROWSER=1"
    );
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why}");
    true
}

/// A listener on a free local port and the portal's base URL on it.
pub async fn listen() -> TestResult<(tokio::net::TcpListener, String)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    Ok((listener, base))
}

/// Serves `tenant` on `listener` (in memory sessions, links in full with `base`) until the
/// test ends.
pub fn serve(listener: tokio::net::TcpListener, base: &str, tenant: Tenant) {
    let config = PortalConfig {
        public_base_url: base.to_owned(),
        ..PortalConfig::default()
    };
    let state = PortalState::single(config, tenant, Sessions::memory());
    tokio::spawn(valghalla_portal::serve(
        listener,
        state,
        std::future::pending(),
    ));
}

/// Headless Chromium on a portal at `base`.
pub struct BrowserSession {
    /// The WebDriver client.
    pub client: Client,
    /// The portal's address, e.g. `http://127.0.0.1:4711`.
    pub base: String,
    /// Where [`BrowserSession::step`] saves its screenshots, and how many it has saved.
    steps: Mutex<Option<(PathBuf, usize)>>,
    _chrome: Chrome,
}

impl BrowserSession {
    /// Starts chromedriver and Chromium for the portal at `base`.
    pub async fn start(base: String) -> TestResult<BrowserSession> {
        let chrome = Chrome::start().await?;
        Ok(BrowserSession {
            client: chrome.client.clone(),
            base,
            steps: Mutex::new(None),
            _chrome: chrome,
        })
    }

    /// From now on, [`BrowserSession::step`] saves `dir/01-<name>.png`, `dir/02-…`.
    pub fn record_steps(&self, dir: &Path) -> TestResult {
        std::fs::create_dir_all(dir)?;
        if let Ok(mut steps) = self.steps.lock() {
            *steps = Some((dir.to_owned(), 0));
        }
        Ok(())
    }

    /// A step of a journey: a numbered screenshot of the whole page when steps are recorded
    /// (see [`BrowserSession::record_steps`]), nothing otherwise.
    pub async fn step(&self, name: &str) -> TestResult {
        let next = match self.steps.lock() {
            Ok(mut steps) => steps.as_mut().map(|(dir, n)| {
                *n += 1;
                dir.join(format!("{n:02}-{name}.png"))
            }),
            Err(_) => None,
        };
        let Some(path) = next else { return Ok(()) };
        // As tall as the page (up to a limit) plus the window's frame, so the shot shows
        // what the step is about.
        let height = self
            .client
            .execute(
                "return document.documentElement.scrollHeight + window.outerHeight - window.innerHeight",
                vec![],
            )
            .await?
            .as_u64()
            .unwrap_or(1000)
            .clamp(600, 3000);
        self.client
            .set_window_size(1280, u32::try_from(height)?)
            .await?;
        let png = self.client.screenshot().await;
        self.client.set_window_size(1280, 1000).await?;
        std::fs::write(path, png?)?;
        Ok(())
    }

    /// Opens a path on the portal, or a whole URL (links are shown in full), and waits until
    /// it has loaded.
    pub async fn open(&self, path: &str) -> TestResult {
        if path.starts_with("http") {
            self.client.goto(path).await?;
        } else {
            self.client.goto(&format!("{}{path}", self.base)).await?;
        }
        self.wait_ready().await
    }

    /// Waits until the page has finished loading.
    pub async fn wait_ready(&self) -> TestResult {
        for _ in 0..200 {
            let ready = self
                .client
                .execute("return document.readyState", vec![])
                .await?;
            if ready.as_str() == Some("complete") {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        Err("the page did not finish loading".into())
    }

    /// Clicks `element` and waits until the browser has left the page and loaded the next.
    pub async fn click_and_wait(&self, element: Element) -> TestResult {
        let old = self.client.find(Locator::Css("html")).await?;
        element.click().await?;
        for _ in 0..200 {
            if old.tag_name().await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        // A page still loading after this is no error here: the scenario's next expectation
        // says what was wrong.
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

    /// Clicks the element `css` selects and waits for the next page.
    pub async fn click(&self, css: &str) -> TestResult {
        let element = self.client.find(Locator::Css(css)).await?;
        self.click_and_wait(element).await
    }

    /// Submits the form `form_css` selects with its submit button.
    pub async fn submit(&self, form_css: &str) -> TestResult {
        self.click(&format!("{form_css} button[type=submit]")).await
    }

    /// Follows the link with the text `text`.
    pub async fn follow(&self, text: &str) -> TestResult {
        let link = self.client.find(Locator::LinkText(text)).await?;
        self.click_and_wait(link).await
    }

    /// Logs out (if logged in) and in again as the demo identity `who`.
    pub async fn login(&self, who: &str) -> TestResult {
        self.logout().await?;
        self.open("/login").await?;
        self.pick_identity(who).await
    }

    /// On the login page: picks the identity `who` and logs in.
    pub async fn pick_identity(&self, who: &str) -> TestResult {
        self.client
            .find(Locator::Css(&format!("input[value='{who}']")))
            .await?
            .click()
            .await?;
        self.click("main form button[type=submit]").await
    }

    /// Logs out, when logged in.
    pub async fn logout(&self) -> TestResult {
        if let Ok(b) = self
            .client
            .find(Locator::Css("header form[action='/logout'] button"))
            .await
        {
            self.click_and_wait(b).await?;
        }
        Ok(())
    }

    /// The text of the element `css` selects.
    pub async fn text(&self, css: &str) -> TestResult<String> {
        Ok(self.client.find(Locator::Css(css)).await?.text().await?)
    }

    /// The page's text.
    pub async fn body(&self) -> TestResult<String> {
        self.text("body").await
    }

    /// Waits (briefly) until the page says `want`; the error quotes the page.
    pub async fn expect_text(&self, want: &str) -> TestResult {
        let mut body = String::new();
        for _ in 0..40 {
            body = self.body().await.unwrap_or_default();
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

    /// Types `value` into the field `css` selects, over what was there.
    pub async fn fill(&self, css: &str, value: &str) -> TestResult {
        let field = self.client.find(Locator::Css(css)).await?;
        field.clear().await?;
        field.send_keys(value).await?;
        Ok(())
    }

    /// Sets a field's value directly (date inputs show the browser's locale).
    pub async fn set(&self, css: &str, value: &str) -> TestResult {
        self.client
            .execute(
                "document.querySelector(arguments[0]).value = arguments[1];",
                vec![serde_json::json!(css), serde_json::json!(value)],
            )
            .await?;
        Ok(())
    }

    /// Picks the option labelled `label` in the select `css` selects.
    pub async fn select(&self, css: &str, label: &str) -> TestResult {
        self.client
            .find(Locator::Css(css))
            .await?
            .select_by_label(label)
            .await?;
        Ok(())
    }

    /// Ticks (or unticks) the checkbox `css` selects.
    pub async fn tick(&self, css: &str) -> TestResult {
        self.client.find(Locator::Css(css)).await?.click().await?;
        Ok(())
    }

    /// The value of the field `css` selects.
    pub async fn value(&self, css: &str) -> TestResult<String> {
        Ok(self
            .client
            .find(Locator::Css(css))
            .await?
            .prop("value")
            .await?
            .unwrap_or_default())
    }
}

/// Runs `scenario` on what `start` sets up (a portal and a [`BrowserSession`] on it), one
/// browser at a time. Skips loudly when `missing` says what is not here. When the scenario
/// fails, the last screen goes to `target/e2e-screenshots/<test>.png` and the test fails with
/// the scenario's error.
pub async fn run<S, St, F>(test: &str, missing: Option<&str>, start: St, scenario: F)
where
    S: Deref<Target = BrowserSession>,
    St: AsyncFnOnce() -> TestResult<S>,
    F: AsyncFnOnce(&S) -> TestResult,
{
    if skip(test, missing) {
        return;
    }
    let _one = ONE_AT_A_TIME.lock().await;
    let s = match start().await {
        Ok(s) => s,
        Err(e) => panic!("{test}: could not start: {e}"),
    };
    let result = scenario(&s).await;
    if let Err(e) = &result {
        let dir = failure_screenshots();
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
