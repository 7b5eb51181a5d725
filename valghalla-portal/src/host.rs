//! Running the portal as a program: the options (`clap`), opening the stores, the demo, the
//! channels, the scheduler, structured logs, and serving until SIGTERM or Ctrl-C — finishing
//! the requests in progress and the current dispatch first.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;

use chrono::NaiveTime;
use tokio::net::TcpListener;
use valghalla::core::store::DynStore;

use crate::channels::{self, ChannelConfig};
use crate::config::{PortalConfig, ScheduleConfig, SessionConfig};
use crate::router::router;
use crate::scheduler::Scheduler;
use crate::sessions::Sessions;
use crate::state::{PortalState, Tenant};

/// A failure starting or running the host.
pub type HostError = Box<dyn std::error::Error + Send + Sync>;

/// The host's command line (every option also from an environment variable). The binary adds
/// the operations subcommands around it (`valghalla_portal::admin`).
#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "valghalla-portal",
    version,
    about = "Valghalla: bemanding af valg. Serves the portal, sends the messages and runs the jobs."
)]
pub struct HostOptions {
    /// The address to listen on.
    #[arg(long, env = "VALGHALLA_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// The SQLite database (data and sessions).
    #[arg(long, env = "VALGHALLA_DB", default_value = "valghalla.db")]
    pub db: PathBuf,
    /// Cap the SQLite database at this many megabytes: past it, writes are refused ("Prøv igen
    /// om lidt") and reads go on, instead of filling the disk it shares.
    #[arg(long, env = "VALGHALLA_DB_MAX_MB", value_name = "MB")]
    pub db_max_mb: Option<u64>,
    /// A Postgres database instead of SQLite: `postgres://user:password@host/db`.
    #[arg(long, env = "VALGHALLA_POSTGRES", hide_env_values = true)]
    pub postgres: Option<String>,
    /// With --postgres: a municipality served under a host name, `HOST=TENANT` (e.g.
    /// `valg.korsbaek.dk=0999`); repeat for each. Without it, one municipality (`korsbaek`).
    #[arg(long = "tenant", value_name = "HOST=TENANT")]
    pub tenants: Vec<String>,
    /// The public base URL links in messages start with (default: http:// and --addr).
    #[arg(long, env = "VALGHALLA_BASE_URL")]
    pub base_url: Option<String>,
    /// Write every message as a file in DIR (the demo's default: ./valghalla-post).
    #[arg(long, value_name = "DIR", env = "VALGHALLA_MAIL_DIR")]
    pub mail_dir: Option<PathBuf>,
    /// Send e-mail through an SMTP server: `smtp://[user:password@]host[:port]` (STARTTLS),
    /// `smtps://…`, or `smtp://host[:port]?tls=none` for a relay on this host (no password).
    #[arg(
        long,
        value_name = "URL",
        env = "VALGHALLA_SMTP",
        hide_env_values = true
    )]
    pub smtp: Option<String>,
    /// The sender of e-mails.
    #[arg(
        long,
        env = "VALGHALLA_MAIL_FROM",
        default_value = "Valghalla <valg@localhost>"
    )]
    pub mail_from: String,
    /// Run on the fictional Korsbæk Kommune with its demo login (seeded into an empty database).
    #[arg(long)]
    pub demo: bool,
    /// Minutes without a request after which a login ends.
    #[arg(long, env = "VALGHALLA_IDLE_MINUTES", default_value_t = 60)]
    pub idle_minutes: u64,
    /// Hours after which a login ends, however active.
    #[arg(long, env = "VALGHALLA_LIFETIME_HOURS", default_value_t = 12)]
    pub lifetime_hours: u64,
    /// The local time (Europe/Copenhagen) the daily jobs run at.
    #[arg(long, env = "VALGHALLA_JOBS_AT", default_value = "06:00", value_parser = parse_time)]
    pub jobs_at: NaiveTime,
    /// Seconds between two runs of the outbox.
    #[arg(long, env = "VALGHALLA_DISPATCH_SECONDS", default_value_t = 5)]
    pub dispatch_seconds: u64,
    /// Do not run the scheduler (another host process runs it).
    #[arg(long)]
    pub no_scheduler: bool,
    /// Log as JSON lines (for a log collector) instead of text.
    #[arg(long, env = "VALGHALLA_LOG_JSON")]
    pub log_json: bool,
    /// The secretariat's e-mail address on the contact page.
    #[arg(long, env = "VALGHALLA_CONTACT_EMAIL")]
    pub contact_email: Option<String>,
    /// The secretariat's telephone number on the contact page.
    #[arg(long, env = "VALGHALLA_CONTACT_PHONE")]
    pub contact_phone: Option<String>,
    /// Login through OpenID Connect providers (replaces the demo login).
    #[cfg(feature = "oidc")]
    #[command(flatten)]
    pub oidc: crate::auth::oidc::OidcOptions,
}

fn parse_time(s: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(s, "%H:%M").map_err(|_| format!("'{s}' is not a time (HH:MM)"))
}

/// Structured logs to stderr, filtered by `RUST_LOG` (default `info`); JSON lines when `json`.
/// The portal logs no URL, query or form value, so no CPR number reaches the log.
pub fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// Serves `state` on `listener` until `shutdown` completes; then stops accepting and finishes
/// the requests in progress.
pub async fn serve(
    listener: TcpListener,
    state: PortalState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_router(listener, router(state), shutdown).await
}

/// Serves `app` (the portal's [`router`], perhaps inside a host's own) like [`serve`], with
/// the client's address for the login limits.
pub async fn serve_router(
    listener: TcpListener,
    app: axum::Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
    tracing::info!("shutting down: finishing the requests in progress and the current dispatch");
}

/// The base URL of a municipality served under `host` (keeping the configured scheme and
/// port), or the configured one.
fn base_url_for(options: &HostOptions, host: Option<&str>) -> String {
    let configured = options
        .base_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", options.addr));
    let Some(host) = host else {
        return configured.trim_end_matches('/').to_owned();
    };
    let (scheme, rest) = configured.split_once("://").unwrap_or(("http", ""));
    let port = rest
        .split('/')
        .next()
        .and_then(|authority| authority.rsplit_once(':'))
        .map(|(_, p)| format!(":{p}"))
        .unwrap_or_default();
    format!("{scheme}://{host}{port}")
}

/// The portal's configuration from the options.
pub fn portal_config(options: &HostOptions) -> PortalConfig {
    let mut config = PortalConfig {
        public_base_url: base_url_for(options, None),
        sessions: SessionConfig {
            idle_timeout: std::time::Duration::from_secs(options.idle_minutes.max(1) * 60),
            absolute_lifetime: std::time::Duration::from_secs(options.lifetime_hours.max(1) * 3600),
        },
        ..PortalConfig::default()
    };
    config.schedule = ScheduleConfig {
        enabled: !options.no_scheduler,
        dispatch_every: std::time::Duration::from_secs(options.dispatch_seconds.max(1)),
        daily_at: options.jobs_at,
        ..ScheduleConfig::default()
    };
    config
}

/// A municipality on `store`: the demo (seeded if the store is empty) with the demo login or,
/// when OpenID providers are configured, with theirs; anything else is refused.
async fn tenant(options: &HostOptions, store: DynStore, base: &str) -> Result<Tenant, HostError> {
    if !options.demo {
        return Err("the binary runs the demo municipality (--demo, with the demo login or the configured OpenID providers); a real municipality embeds valghalla-portal with its own CPR registry (PersonRegistry) and login (see the README)".into());
    }
    let tenant = crate::demo::tenant(store, crate::demo::today(), base).await?;
    let contact = tenant.contact().clone();
    #[cfg(feature = "oidc")]
    let tenant = match options.oidc.settings()? {
        Some(settings) => {
            let login = crate::auth::oidc::OidcLogin::new(settings, base)?;
            login.discover().await;
            Tenant::new(
                tenant.name.clone(),
                tenant.svc.clone(),
                std::sync::Arc::new(login),
            )
        }
        None => tenant,
    };
    Ok(tenant.with_contact(crate::state::SecretariatContact {
        email: options.contact_email.clone().or(contact.email),
        phone: options.contact_phone.clone().or(contact.phone),
        hours: contact.hours,
    }))
}

/// The state from the options: the stores, the sessions beside them, the municipalities.
pub async fn open(options: &HostOptions) -> Result<PortalState, HostError> {
    let config = portal_config(options);
    match &options.postgres {
        Some(url) => open_postgres(options, config, url).await,
        None => open_sqlite(options, config).await,
    }
}

#[cfg(feature = "sqlite")]
async fn open_sqlite(
    options: &HostOptions,
    config: PortalConfig,
) -> Result<PortalState, HostError> {
    let sqlite = valghalla::sqlite::SqliteStore::open(&options.db)?;
    if let Some(mb) = options.db_max_mb {
        sqlite.limit_size(mb.saturating_mul(1024 * 1024)).await?;
    }
    let store: DynStore = std::sync::Arc::new(sqlite);
    let sessions = Sessions::sqlite(&options.db).await?;
    let tenant = tenant(options, store, &config.public_base_url).await?;
    Ok(PortalState::single(config, tenant, sessions))
}

#[cfg(not(feature = "sqlite"))]
async fn open_sqlite(_: &HostOptions, _: PortalConfig) -> Result<PortalState, HostError> {
    Err("this build has no SQLite: give --postgres URL".into())
}

#[cfg(feature = "postgres")]
async fn open_postgres(
    options: &HostOptions,
    config: PortalConfig,
    url: &str,
) -> Result<PortalState, HostError> {
    use valghalla::postgres::{PgStore, TenantId};
    let first = PgStore::connect(url, TenantId::new("korsbaek")?).await?;
    PgStore::migrate(first.pool()).await?;
    let pool = first.pool().clone();
    let sessions = Sessions::postgres(pool.clone()).await?;
    if options.tenants.is_empty() {
        let tenant = tenant(options, std::sync::Arc::new(first), &config.public_base_url).await?;
        return Ok(PortalState::single(config, tenant, sessions));
    }
    let mut tenants = Vec::new();
    for spec in &options.tenants {
        let (host, id) = spec
            .split_once('=')
            .ok_or_else(|| format!("--tenant wants HOST=TENANT, not '{spec}'"))?;
        let store = PgStore::new(pool.clone(), TenantId::new(id.trim())?);
        let base = base_url_for(options, Some(host.trim()));
        let t = tenant(options, std::sync::Arc::new(store), &base).await?;
        let t =
            Tenant::new(id.trim(), t.svc.clone(), t.auth.clone()).with_contact(t.contact().clone());
        tenants.push((vec![host.trim().to_owned()], t));
    }
    Ok(PortalState::hosted(config, tenants, sessions)?)
}

#[cfg(not(feature = "postgres"))]
async fn open_postgres(
    _: &HostOptions,
    _: PortalConfig,
    _: &str,
) -> Result<PortalState, HostError> {
    Err("--postgres needs the postgres feature".into())
}

/// Runs the host: opens the state, starts the scheduler, serves until SIGTERM or Ctrl-C.
pub async fn run(options: HostOptions) -> Result<(), HostError> {
    let state = open(&options).await?;
    let mail_dir = options.mail_dir.clone().or_else(|| {
        (options.demo && options.smtp.is_none()).then(|| PathBuf::from("valghalla-post"))
    });
    let dispatcher = channels::dispatcher(
        &ChannelConfig {
            mail_dir: mail_dir.clone(),
            smtp: options.smtp.clone(),
            mail_from: options.mail_from.clone(),
        },
        state.config().schedule.dispatch.clone(),
    )?;
    let listener = TcpListener::bind(options.addr).await?;
    let url = state.config().public_base_url.clone();
    println!("Valghalla-portalen kører på {url}");
    match (&mail_dir, &options.smtp) {
        (Some(dir), _) => println!("Beskeder skrives som filer i {}", dir.display()),
        (None, Some(_)) => println!("E-mail sendes gennem SMTP-serveren"),
        (None, None) => {
            println!("Ingen beskedkanal: beskeder venter i udbakken (giv --mail-dir eller --smtp)")
        }
    }
    if options.demo {
        println!("Demo: Korsbæk Kommune (fiktive data). Log ind på {url}/login som:");
        for t in state.tenants() {
            for o in t.auth.options() {
                println!("  – {} ({})", o.label, o.description);
            }
        }
    }
    let scheduler = match (state.config().schedule.enabled, dispatcher) {
        (true, d) => Some(Scheduler::start(&state, d)),
        (false, _) => None,
    };
    serve(listener, state, shutdown_signal()).await?;
    if let Some(s) = scheduler {
        s.shutdown().await;
    }
    Ok(())
}
