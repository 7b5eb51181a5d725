//! The valghalla portal: server-rendered pages for the election secretariat, party
//! secretaries, work-location responsibles and citizens, over the library's service.
//!
//! ```sh
//! cargo run --example portal                       # http://127.0.0.1:8080, ./valghalla.db
//! cargo run --example portal -- --addr 0.0.0.0:9000 --db /tmp/demo.db
//! cargo run --example portal --features postgres -- --postgres postgres://…/valghalla
//! ```
//!
//! On first start the database is seeded with the fictional Korsbæk Kommune, and the login
//! page offers demo identities. A municipality embeds the portal with its own
//! [`auth::Authenticator`] (MitID for citizens, its directory for staff).

mod app;
mod auth;
mod autofill;
mod citizen;
mod communication;
mod csrf;
mod distribution;
mod exports;
mod location;
mod message_templates;
mod party;
mod secretariat;
mod seed;
mod web;

#[cfg(test)]
mod e2e;
#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::sync::Arc;

use valghalla::core::store::DynStore;

/// Command-line options.
#[derive(Debug)]
struct Args {
    addr: SocketAddr,
    db: String,
    postgres: Option<String>,
}

const USAGE: &str = "usage: portal [--addr HOST:PORT] [--db PATH] [--postgres URL]";

impl Args {
    fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
        let mut out = Args {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            db: "valghalla.db".into(),
            postgres: None,
        };
        while let Some(a) = args.next() {
            let mut value = || {
                args.next()
                    .ok_or_else(|| format!("{a} needs a value\n{USAGE}"))
            };
            match a.as_str() {
                "--addr" => {
                    out.addr = value()?
                        .parse()
                        .map_err(|_| format!("--addr wants HOST:PORT\n{USAGE}"))?;
                }
                "--db" => out.db = value()?,
                "--postgres" => out.postgres = Some(value()?),
                "-h" | "--help" => return Err(USAGE.into()),
                other => return Err(format!("unknown option {other}\n{USAGE}")),
            }
        }
        Ok(out)
    }
}

async fn open_store(args: &Args) -> Result<DynStore, Box<dyn std::error::Error>> {
    match &args.postgres {
        #[cfg(feature = "postgres")]
        Some(url) => {
            use valghalla::postgres::{PgStore, TenantId};
            let store = PgStore::connect(url, TenantId::new("korsbaek")?).await?;
            PgStore::migrate(store.pool()).await?;
            Ok(Arc::new(store))
        }
        #[cfg(not(feature = "postgres"))]
        Some(_) => Err("--postgres needs the postgres feature: cargo run --example portal --features postgres -- --postgres URL".into()),
        None => Ok(Arc::new(valghalla::sqlite::SqliteStore::open(&args.db)?)),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("{msg}");
            std::process::exit(2);
        }
    };
    let store = open_store(&args).await?;
    let url = format!("http://{}", args.addr);
    let state = app::demo_state(store, seed::today(), &url).await?;
    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    println!("Valghalla-portalen kører på {url}");
    println!("Demo: Korsbæk Kommune (fiktive data). Log ind på {url}/login som:");
    for o in state.auth.options() {
        println!("  – {} ({})", o.label, o.description);
    }
    axum::serve(listener, app::router(state)).await?;
    Ok(())
}
