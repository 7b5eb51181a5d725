//! Logging in through a real OpenID provider (Node's `oidc-provider`, `tests/oidc-provider/`)
//! in headless Chromium: citizens and staff land as the right actor; a tampered `state`, a
//! replayed code, a wrong `nonce`, an expired ID token and a token for another audience are
//! refused with a Danish page and no session; logging out ends both sessions; the log never
//! carries a secret, a code or a CPR number.
//!
//! Each test starts the provider (`node start.mjs`, stopped when the test ends, also on
//! failure), chromedriver with a throw-away profile, and the portal in-process on demo data.
//! Without node, the provider's `node_modules` (`npm ci`), chromium or chromedriver they say so
//! on stderr and pass, unless `VALGHALLA_REQUIRE_OIDC=1` or `VALGHALLA_REQUIRE_BROWSER=1`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    reason = "tests fail loudly"
)]

mod support;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use fantoccini::{Client, Locator};
use support::{Chrome, Process, Sink, get, on_path};
use valghalla::Valghalla;
use valghalla::core::model::LinkKind;
use valghalla::core::rules::access::{Actor, StaffRole};
use valghalla::core::store::DynStore;
use valghalla::core::testkit::generator::Dataset;
use valghalla_portal::auth::oidc::{
    CitizenSettings, OidcLogin, OidcSettings, ProviderSettings, Secret, StaffSettings,
};
use valghalla_portal::{
    Authenticator, FormData, Identity, PortalConfig, PortalState, Sessions, Tenant, demo,
};

type E2eResult<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// One browser at a time: the machine is small.
static ONE_AT_A_TIME: LazyLock<tokio::sync::Mutex<()>> =
    LazyLock::new(|| tokio::sync::Mutex::new(()));

const CITIZEN_BUTTON: &str = "Log ind med MitID";
const STAFF_BUTTON: &str = "Medarbejderlogin";

fn provider_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc-provider")
}

fn required(var: &str) -> bool {
    std::env::var(var).is_ok_and(|v| v == "1")
}

/// Whether to skip (no browser or no provider here); fails the test when they are required.
fn skip(test: &str) -> bool {
    skip_without(test, true)
}

/// Whether to skip for want of the provider (and, when `browser`, of the browser).
fn skip_without(test: &str, browser: bool) -> bool {
    let mut missing = Vec::new();
    if browser && !support::browser_available() {
        missing.push("chromium/chromedriver (apt-get install chromium chromium-driver)");
    }
    if on_path("node").is_none() {
        missing.push("node");
    }
    if !provider_dir().join("node_modules/oidc-provider").is_dir() {
        missing.push("the provider's packages (npm ci in valghalla-portal/tests/oidc-provider)");
    }
    if missing.is_empty() {
        return false;
    }
    assert!(
        !required("VALGHALLA_REQUIRE_OIDC") && !required("VALGHALLA_REQUIRE_BROWSER"),
        "{test}: missing {} while VALGHALLA_REQUIRE_OIDC=1 or VALGHALLA_REQUIRE_BROWSER=1",
        missing.join(", ")
    );
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: missing {}",
        missing.join(", ")
    );
    true
}

/// What the portal logs, for the test to read (installed once for the whole binary).
static LOG: LazyLock<Sink> = LazyLock::new(|| {
    let sink = Sink::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(sink.clone())
        .finish();
    let _ = tracing::subscriber::set_global_default(subscriber);
    sink
});

fn log_text() -> String {
    LOG.text()
}

/// The test provider, with the demo's people as its users.
struct Provider {
    issuer: String,
    _process: Process,
}

/// The provider's users: citizens carrying CPR numbers of the demo data, staff with groups.
async fn users(ds: &Dataset) -> E2eResult<(serde_json::Value, People)> {
    let demo_login = demo::demo_authenticator(ds)?;
    let cpr_of = async |key: &str| -> E2eResult<String> {
        let form = FormData(vec![("identitet".into(), key.into())]);
        match demo_login.complete(&form).await? {
            Identity::Citizen { cpr, .. } => Ok(cpr.reveal()),
            Identity::Staff { .. } => Err(format!("{key} is staff").into()),
        }
    };
    let people = People {
        participant: cpr_of("borger1").await?,
        secretary: cpr_of("partisekretaer").await?,
        newcomer: demo::NEW_CITIZENS[0].0.to_owned(),
    };
    let users = serde_json::json!({
        "agnes": {"name": "Agnes Jensen", "cpr": people.participant},
        "soeren": {"name": "Søren Ærø Åberg", "cpr": people.secretary},
        "nanna": {"name": "Nanna Nybegynder", "cpr": people.newcomer},
        "admin": {"name": "Anne Administrator", "email": "admin@korsbaek.test", "groups": ["valg-administratorer"]},
        "laeser": {"name": "Lars Læser", "email": "laeser@korsbaek.test", "groups": ["valg-laesere"]},
        "uden-rolle": {"name": "Ulla Udenrolle", "email": "ulla@korsbaek.test", "groups": ["it-afdelingen"]},
    });
    Ok((users, people))
}

/// The CPR numbers the provider's citizens carry.
struct People {
    /// `agnes`: a participant with an accepted task.
    participant: String,
    /// `soeren`: the party secretary of party A.
    secretary: String,
    /// `nanna`: in the registry, not a participant.
    newcomer: String,
}

impl Provider {
    fn start(users_file: &Path) -> E2eResult<Provider> {
        let mut child = Command::new("node")
            .arg("start.mjs")
            .current_dir(provider_dir())
            .env("OIDC_USERS_FILE", users_file)
            .env(
                "OIDC_REDIRECT_URIS",
                "http://127.0.0.1/auth/borger/callback,http://127.0.0.1/auth/personale/callback",
            )
            .env(
                "OIDC_POST_LOGOUT_REDIRECT_URIS",
                "http://127.0.0.1/auth/logget-ud",
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let process = Process(child);
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let issuer = line.trim().to_owned();
        if !issuer.starts_with("http://127.0.0.1:") {
            return Err(format!("the provider did not start: {line:?}").into());
        }
        Ok(Provider {
            issuer,
            _process: process,
        })
    }
}

/// Callbacks caught before the portal sees them (to tamper with or replay them).
#[derive(Clone, Default)]
struct Catcher(Arc<Mutex<(bool, Option<String>)>>);

impl Catcher {
    fn arm(&self) {
        if let Ok(mut c) = self.0.lock() {
            *c = (true, None);
        }
    }

    fn caught(&self) -> Option<String> {
        self.0.lock().ok().and_then(|c| c.1.clone())
    }
}

async fn catch_callbacks(State(c): State<Catcher>, req: Request, next: Next) -> Response {
    if req.uri().path().ends_with("/callback")
        && let Ok(mut caught) = c.0.lock()
        && caught.0
    {
        *caught = (false, Some(req.uri().to_string()));
        return "Svaret er fanget af testen.".into_response();
    }
    next.run(req).await
}

fn settings(issuer: &str, citizen_client: &str) -> OidcSettings {
    let provider = |client: &str, scopes: &[&str]| ProviderSettings {
        issuer: issuer.to_owned(),
        client_id: client.to_owned(),
        client_secret: Secret::new(format!("{client}-secret")),
        scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
    };
    OidcSettings {
        citizen: Some(CitizenSettings {
            provider: provider(citizen_client, &["profile", "cpr"]),
            cpr_claim: valghalla_portal::auth::oidc::settings::DEFAULT_CPR_CLAIM.into(),
        }),
        staff: Some(StaffSettings {
            provider: provider("valghalla-staff", &["profile", "email", "groups"]),
            role_claim: "groups".into(),
            admin_values: vec!["valg-administratorer".into()],
            reader_values: vec!["valg-laesere".into()],
        }),
    }
}

/// The portal on demo data with the OpenID login, its citizens' client `citizen_client`.
async fn serve_portal(
    svc: &Valghalla,
    issuer: &str,
    citizen_client: &str,
    catcher: &Catcher,
) -> E2eResult<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let login = OidcLogin::new(settings(issuer, citizen_client), &base)?;
    login.discover().await;
    let auth: Arc<dyn Authenticator> = Arc::new(login);
    let tenant = Tenant::new("korsbaek", svc.clone(), auth);
    let config = PortalConfig {
        public_base_url: base.clone(),
        ..PortalConfig::default()
    };
    let state = PortalState::single(config, tenant, Sessions::memory());
    let app = valghalla_portal::router(state).layer(axum::middleware::from_fn_with_state(
        catcher.clone(),
        catch_callbacks,
    ));
    tokio::spawn(valghalla_portal::serve_router(
        listener,
        app,
        std::future::pending(),
    ));
    Ok(base)
}

/// A browser on one portal.
struct Tab {
    client: Client,
    base: String,
}

struct World {
    tab: Tab,
    svc: Valghalla,
    ds: Dataset,
    people: People,
    provider: Provider,
    catcher: Catcher,
    _chrome: Chrome,
    _data: tempfile::TempDir,
}

async fn start() -> E2eResult<World> {
    LazyLock::force(&LOG);
    let today = demo::today();
    let ds = demo::korsbaek(today)?;
    let store: DynStore = Arc::new(valghalla::sqlite::SqliteStore::open_in_memory()?);
    let data_dir = tempfile::tempdir()?;
    let (users, people) = users(&ds).await?;
    let users_file = data_dir.path().join("users.json");
    std::fs::write(&users_file, serde_json::to_vec(&users)?)?;
    let provider = Provider::start(&users_file)?;
    // The portal's base URL is only known once bound: the service's links use a placeholder.
    let svc = demo::service(store.clone(), demo::registry(&ds)?, "http://127.0.0.1");
    demo::seed_if_empty(&store, &svc, &ds).await?;
    let catcher = Catcher::default();
    let base = serve_portal(&svc, &provider.issuer, "valghalla-citizen", &catcher).await?;

    let chrome = Chrome::start().await?;
    Ok(World {
        tab: Tab {
            client: chrome.client.clone(),
            base,
        },
        svc,
        ds,
        people,
        provider,
        catcher,
        _chrome: chrome,
        _data: data_dir,
    })
}

/// Runs `scenario`; on failure saves a screenshot to `target/e2e-screenshots/<test>.png`.
/// Whatever happens, the browser, chromedriver and the provider are stopped and the temporary
/// folders removed; and the log holds no secret, code or CPR number.
async fn run<F>(test: &str, scenario: F)
where
    F: AsyncFnOnce(&World) -> E2eResult,
{
    if skip(test) {
        return;
    }
    let _one = ONE_AT_A_TIME.lock().await;
    let w = match start().await {
        Ok(w) => w,
        Err(e) => panic!("{test}: could not start: {e}"),
    };
    let mut result = scenario(&w).await;
    if result.is_ok() {
        result = log_is_clean(&w.people);
    }
    if let Err(e) = &result {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e-screenshots");
        let _ = std::fs::create_dir_all(&dir);
        if let Ok(png) = w.tab.client.screenshot().await {
            let _ = std::fs::write(dir.join(format!("{test}.png")), png);
        }
        let _ = writeln!(std::io::stderr(), "{test} failed: {e}");
    }
    let _ = w.tab.client.clone().close().await;
    drop(w);
    if let Err(e) = result {
        panic!("{test}: {e}");
    }
}

/// The log names no client secret, authorization code, state or CPR number.
fn log_is_clean(people: &People) -> E2eResult {
    let log = log_text();
    for needle in [
        "-secret",
        "code=",
        "state=",
        // A JWT (an ID token) starts with a base64 JSON header.
        "eyJ",
        people.participant.as_str(),
        people.secretary.as_str(),
        people.newcomer.as_str(),
        &people.participant[..6],
    ] {
        if log.contains(needle) {
            let lines: Vec<&str> = log.lines().filter(|l| l.contains(needle)).collect();
            return Err(format!("the log holds {needle:?}: {lines:?}").into());
        }
    }
    Ok(())
}

impl Tab {
    async fn open(&self, path: &str) -> E2eResult {
        self.client.goto(&format!("{}{path}", self.base)).await?;
        self.settle().await
    }

    async fn path(&self) -> E2eResult<String> {
        let url = self.client.current_url().await?;
        Ok(match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        })
    }

    /// Waits until the page has loaded.
    async fn settle(&self) -> E2eResult {
        for _ in 0..400 {
            let ready = self
                .client
                .execute("return document.readyState", vec![])
                .await;
            if matches!(&ready, Ok(v) if v.as_str() == Some("complete")) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        Err("the page did not load".into())
    }

    async fn body(&self) -> String {
        match self.client.find(Locator::Css("body")).await {
            Ok(b) => b.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// Waits (up to 10 s) until the page says `want`.
    async fn expect_text(&self, want: &str) -> E2eResult {
        let mut body = String::new();
        for _ in 0..200 {
            body = self.body().await;
            if body.contains(want) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(format!(
            "expected {want:?} on {}; the page says: {body}",
            self.client.current_url().await?
        )
        .into())
    }

    /// Waits (up to 10 s) until the browser is on a page of the portal whose path starts
    /// with `prefix`.
    async fn expect_portal_path(&self, prefix: &str) -> E2eResult {
        let mut url = String::new();
        for _ in 0..200 {
            url = self.client.current_url().await?.to_string();
            if url.starts_with(&format!("{}{prefix}", self.base)) {
                return self.settle().await;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(format!("expected the portal's {prefix}, the browser is on {url}").into())
    }

    async fn click(&self, locator: Locator<'_>) -> E2eResult {
        self.client.find(locator).await?.click().await?;
        Ok(())
    }

    /// Clicks the login page's button for a provider (the browser goes to the provider).
    async fn choose(&self, button: &str) -> E2eResult {
        self.click(Locator::LinkText(button)).await
    }

    /// Logs in on the provider's own login page as `user`.
    async fn sign_in_at_provider(&self, user: &str) -> E2eResult {
        let field = self.wait_for(Locator::Css("input[name=login]")).await?;
        field.send_keys(user).await?;
        self.client
            .find(Locator::Css("input[name=password]"))
            .await?
            .send_keys("hvad-som-helst")
            .await?;
        self.click(Locator::Css("button.login-submit")).await
    }

    async fn wait_for(&self, locator: Locator<'_>) -> E2eResult<fantoccini::elements::Element> {
        let mut last = None;
        for _ in 0..200 {
            match self.client.find(locator).await {
                Ok(e) => return Ok(e),
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(format!(
            "no {locator:?} on {}: {last:?}",
            self.client.current_url().await?
        )
        .into())
    }

    /// From the portal's login page through the provider as `user`.
    async fn log_in(&self, button: &str, user: &str) -> E2eResult {
        self.open("/login").await?;
        self.choose(button).await?;
        self.sign_in_at_provider(user).await
    }

    /// Forgets every cookie of 127.0.0.1: the portal's and the provider's (ports share them).
    async fn forget_everything(&self) -> E2eResult {
        self.open("/login").await?;
        self.client.delete_all_cookies().await?;
        Ok(())
    }

    /// The portal holds no login for this browser: no session cookie, and a page for logged-in
    /// people sends it to the login page.
    async fn expect_no_session(&self) -> E2eResult {
        let cookies = self.client.get_all_cookies().await?;
        if let Some(c) = cookies.iter().find(|c| c.name() == "vh_session") {
            return Err(format!("a session cookie is set: {}", c.name()).into());
        }
        self.open("/mine-opgaver").await?;
        let path = self.path().await?;
        if !path.starts_with("/login") {
            return Err(format!("not logged out: /mine-opgaver shows {path}").into());
        }
        Ok(())
    }

    /// Expects the refusal page with `message` (a piece of it), and no session.
    async fn expect_refused(&self, message: &str, reason: &str) -> E2eResult {
        self.expect_text("Login kunne ikke gennemføres").await?;
        self.expect_text(message).await?;
        let log = log_text();
        let last = log
            .lines()
            .rfind(|l| l.contains("login refused"))
            .unwrap_or_default();
        if !last.contains(&format!("reason=\"{reason}\"")) {
            return Err(format!("the last refusal logged is not {reason}: {last}").into());
        }
        self.expect_no_session().await
    }
}

impl World {
    /// A link to sign up with for party A.
    async fn signup_link(&self) -> E2eResult<String> {
        let admin = Actor::Secretariat {
            user: "test".into(),
            role: StaffRole::Administrator,
        };
        let link = self
            .svc
            .create_link(
                &admin,
                LinkKind::Team {
                    team: self.ds.teams[0].id,
                },
            )
            .await?;
        Ok(link.token.as_str().to_owned())
    }
}

#[tokio::test]
async fn oidc_citizens_land_as_themselves_and_newcomers_in_sign_up() {
    run(
        "oidc_citizens_land_as_themselves_and_newcomers_in_sign_up",
        async |w| {
            let t = &w.tab;
            // A participant: her tasks.
            t.log_in(CITIZEN_BUTTON, "agnes").await?;
            t.expect_portal_path("/mine-opgaver").await?;
            t.expect_text("Logget ind som Agnes Jensen").await?;
            t.expect_text("Accepteret").await?;

            // The party secretary logs in as a citizen; the data make her responsible.
            t.forget_everything().await?;
            t.log_in(CITIZEN_BUTTON, "soeren").await?;
            t.expect_portal_path("/mine-opgaver").await?;
            t.wait_for(Locator::Css("nav a[href='/parti']")).await?;
            t.open("/parti").await?;
            t.expect_text(w.ds.teams[0].name.as_ref()).await?;

            // Not a participant yet, coming from a link: the sign-up form.
            t.forget_everything().await?;
            let token = w.signup_link().await?;
            t.open(&format!("/link/{token}/tilmeld")).await?;
            t.expect_portal_path("/login").await?;
            t.choose(CITIZEN_BUTTON).await?;
            t.sign_in_at_provider("nanna").await?;
            t.expect_portal_path(&format!("/link/{token}/tilmeld"))
                .await?;
            t.expect_text("Tilmelding").await?;
            t.expect_text("Du er logget ind som Nanna Nybegynder")
                .await?;
            // … and without a link: told how to sign up.
            t.open("/").await?;
            t.expect_portal_path("/min-profil").await?;
            t.expect_text("du er ikke tilmeldt").await?;
            Ok(())
        },
    )
    .await;
}

#[tokio::test]
async fn oidc_staff_land_with_the_role_of_their_groups() {
    run("oidc_staff_land_with_the_role_of_their_groups", async |w| {
        let t = &w.tab;
        t.log_in(STAFF_BUTTON, "admin").await?;
        t.expect_portal_path("/sekretariat").await?;
        t.expect_text("Logget ind som Anne Administrator").await?;
        t.expect_text("Automatisk udfyldning").await?;

        t.forget_everything().await?;
        t.log_in(STAFF_BUTTON, "laeser").await?;
        t.expect_portal_path("/sekretariat").await?;
        t.expect_text("Logget ind som Lars Læser").await?;
        if t.body().await.contains("Automatisk udfyldning") {
            return Err("a reader is offered the administrator's pages".into());
        }

        // Groups that give no role: refused, without listing the groups.
        t.forget_everything().await?;
        t.log_in(STAFF_BUTTON, "uden-rolle").await?;
        t.expect_text("Du har ikke adgang").await?;
        t.expect_text("Din bruger har ikke en rolle i Valghalla")
            .await?;
        if t.body().await.contains("it-afdelingen") {
            return Err("the refusal lists the person's groups".into());
        }
        t.expect_no_session().await?;

        // Unknown at the provider: the provider refuses, the portal says so.
        t.forget_everything().await?;
        t.log_in(STAFF_BUTTON, "ukendt").await?;
        t.expect_text("Login blev afbrudt").await?;
        t.expect_no_session().await
    })
    .await;
}

#[tokio::test]
async fn oidc_logout_ends_the_portal_session_and_the_providers() {
    run(
        "oidc_logout_ends_the_portal_session_and_the_providers",
        async |w| {
            let t = &w.tab;
            t.log_in(CITIZEN_BUTTON, "agnes").await?;
            t.expect_portal_path("/mine-opgaver").await?;
            // The provider remembers her: without the portal's cookie, a new login goes
            // straight through.
            t.client.delete_cookie("vh_session").await?;
            t.open("/login").await?;
            t.choose(CITIZEN_BUTTON).await?;
            t.expect_portal_path("/mine-opgaver").await?;
            t.expect_text("Logget ind som Agnes Jensen").await?;

            // Log out: the portal's session ends, then the provider's.
            t.click(Locator::Css("header form[action='/logout'] button"))
                .await?;
            t.wait_for(Locator::Css("button[name=logout][value=yes]"))
                .await?
                .click()
                .await?;
            t.expect_portal_path("/auth/logget-ud").await?;
            t.expect_text("Du er logget ud").await?;
            t.expect_no_session().await?;
            // The provider asks who she is again.
            t.choose(CITIZEN_BUTTON).await?;
            t.wait_for(Locator::Css("input[name=login]")).await?;
            Ok(())
        },
    )
    .await;
}

#[tokio::test]
async fn oidc_a_tampered_state_and_a_replayed_code_are_refused() {
    run(
        "oidc_a_tampered_state_and_a_replayed_code_are_refused",
        async |w| {
            let t = &w.tab;
            // Tampered state: the answer's state changed on its way back.
            w.catcher.arm();
            t.log_in(CITIZEN_BUTTON, "agnes").await?;
            t.expect_text("Svaret er fanget af testen.").await?;
            let caught = w.catcher.caught().ok_or("no answer caught")?;
            let mut url = openidconnect::url::Url::parse(&format!("{}{caught}", t.base))?;
            let pairs: Vec<(String, String)> = url
                .query_pairs()
                .map(|(k, v)| {
                    let v = if k == "state" {
                        format!("{v}x")
                    } else {
                        v.into_owned()
                    };
                    (k.into_owned(), v)
                })
                .collect();
            url.query_pairs_mut().clear().extend_pairs(pairs);
            t.client.goto(url.as_str()).await?;
            t.expect_refused("ændret undervejs", "no_pending_login")
                .await?;

            // Replayed code: the same answer a second time after a login with it.
            t.forget_everything().await?;
            w.catcher.arm();
            t.log_in(CITIZEN_BUTTON, "agnes").await?;
            t.expect_text("Svaret er fanget af testen.").await?;
            let answer = format!(
                "{}{}",
                t.base,
                w.catcher.caught().ok_or("no answer caught")?
            );
            let pending = t.client.get_named_cookie("vh_oidc").await?.into_owned();
            t.client.goto(&answer).await?;
            t.expect_portal_path("/mine-opgaver").await?;
            t.expect_text("Logget ind som Agnes Jensen").await?;
            // In the same browser after logging out of the portal: the pending login is used.
            t.client.delete_cookie("vh_session").await?;
            t.client.goto(&answer).await?;
            t.expect_refused("allerede brugt", "no_pending_login")
                .await?;
            // With the pending login put back (a copied cookie): the provider refuses the
            // code a second time.
            t.open("/login").await?;
            t.client.add_cookie(pending).await?;
            t.client.goto(&answer).await?;
            t.expect_text("Login-tjenesten godkendte ikke login-koden")
                .await?;
            t.expect_refused("allerede brugt eller udløbet", "code_refused")
                .await
        },
    )
    .await;
}

#[tokio::test]
async fn oidc_a_wrong_nonce_an_expired_token_and_another_audience_are_refused() {
    run(
        "oidc_a_wrong_nonce_an_expired_token_and_another_audience_are_refused",
        async |w| {
            for (client, message, reason) in [
                (
                    "valghalla-wrong-nonce",
                    "engangskoden passer ikke",
                    "wrong_nonce",
                ),
                ("valghalla-expired", "Login-beviset var udløbet", "expired"),
                (
                    "valghalla-wrong-audience",
                    "udstedt til en anden tjeneste",
                    "wrong_audience",
                ),
            ] {
                let base = serve_portal(&w.svc, &w.provider.issuer, client, &w.catcher).await?;
                let other = Tab {
                    client: w.tab.client.clone(),
                    base,
                };
                other.forget_everything().await?;
                other.log_in(CITIZEN_BUTTON, "agnes").await?;
                other
                    .expect_refused(message, reason)
                    .await
                    .map_err(|e| format!("{client}: {e}"))?;
            }
            Ok(())
        },
    )
    .await;
}

/// The binary configured by flags and environment variables: the login page offers the two
/// providers and no demo identities, a login starts at the provider with PKCE, state and
/// nonce, and neither `--help` nor the log shows a client secret.
#[tokio::test]
async fn oidc_the_binary_takes_its_providers_from_flags_and_environment() {
    let test = "oidc_the_binary_takes_its_providers_from_flags_and_environment";
    if skip_without(test, false) {
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    let users = serde_json::json!({"agnes": {"name": "Agnes", "cpr": "0101801234"}});
    let users_file = dir.path().join("users.json");
    std::fs::write(&users_file, users.to_string()).expect("users");
    let provider = Provider::start(&users_file).expect("the provider starts");
    let staff_secret = dir.path().join("staff-secret");
    std::fs::write(&staff_secret, "valghalla-staff-secret\n").expect("secret file");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let addr: std::net::SocketAddr = ([127, 0, 0, 1], port).into();
    let log = std::fs::File::create(dir.path().join("log")).expect("log file");
    let binary = env!("CARGO_BIN_EXE_valghalla-portal");
    let help = Command::new(binary)
        .arg("--help")
        .env(
            "VALGHALLA_OIDC_CITIZEN_CLIENT_SECRET",
            "valghalla-citizen-secret",
        )
        .output()
        .expect("--help");
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("--oidc-citizen-issuer") && help.contains("--oidc-staff-admin-values"));
    assert!(!help.contains("valghalla-citizen-secret"), "{help}");
    let child = Command::new(binary)
        .args(["--demo", "--no-scheduler", "--addr", &addr.to_string()])
        .arg("--db")
        .arg(dir.path().join("demo.db"))
        .args(["--oidc-citizen-issuer", &provider.issuer])
        .args(["--oidc-citizen-client-id", "valghalla-citizen"])
        .args(["--oidc-citizen-scopes", "profile cpr"])
        .env(
            "VALGHALLA_OIDC_CITIZEN_CLIENT_SECRET",
            "valghalla-citizen-secret",
        )
        .env("VALGHALLA_OIDC_STAFF_ISSUER", &provider.issuer)
        .env("VALGHALLA_OIDC_STAFF_CLIENT_ID", "valghalla-staff")
        .env("VALGHALLA_OIDC_STAFF_CLIENT_SECRET_FILE", &staff_secret)
        .env("VALGHALLA_OIDC_STAFF_ADMIN_VALUES", "valg-administratorer")
        .env("RUST_LOG", "debug")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("the binary starts");
    let host = Process(child);
    let mut healthy = false;
    for _ in 0..300 {
        if get(addr, "/healthz").await.is_ok_and(|(s, _)| s == 200) {
            healthy = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let login_page = get(addr, "/login").await;
    let start = get(addr, "/auth/personale/login?next=/sekretariat").await;
    let issuer = provider.issuer.clone();
    drop(host);
    drop(provider);
    let log = std::fs::read_to_string(dir.path().join("log")).unwrap_or_default();
    assert!(healthy, "the host answered /healthz: {log}");
    let (status, page) = login_page.expect("the login page");
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("Log ind med MitID") && page.contains("Medarbejderlogin"),
        "{page}"
    );
    assert!(
        !page.contains("name=\"identitet\""),
        "no demo identities: {page}"
    );
    let (status, head) = start.expect("a login starts");
    assert_eq!(status, 303, "{head}");
    let location = head
        .lines()
        .find_map(|l| l.strip_prefix("location: "))
        .unwrap_or_default();
    assert!(
        location.starts_with(&format!("{issuer}/auth?")),
        "{location}"
    );
    for part in [
        "client_id=valghalla-staff",
        "code_challenge_method=S256",
        "code_challenge=",
        "state=",
        "nonce=",
        "response_type=code",
        "scope=openid+profile+email",
    ] {
        assert!(location.contains(part), "{part} in {location}");
    }
    assert!(
        head.contains("set-cookie: vh_oidc="),
        "the pending login's cookie: {head}"
    );
    assert!(
        !head.contains("vh_session"),
        "no session before the login: {head}"
    );
    assert!(!log.contains("-secret"), "a secret in the log: {log}");
}
