//! `export-tenant` and `import-tenant`: one municipality's data through a `valghalla-tenant`
//! file (`valghalla_core::transfer`). The file holds CPR numbers: it is created readable by its
//! owner only, and nothing here prints or logs a line of it — only counts.

use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use valghalla::core::store::DynStore;
use valghalla::core::transfer;

use crate::host::HostError;

/// Which store a tenant command reads or writes: an SQLite file, or one tenant of a Postgres
/// database.
#[derive(Debug, Clone, clap::Args)]
pub struct StoreArgs {
    /// An SQLite database file.
    #[arg(
        long,
        conflicts_with = "postgres",
        required_unless_present = "postgres"
    )]
    pub db: Option<PathBuf>,
    /// A Postgres database: `postgres://user:password@host/db`.
    #[arg(long, env = "VALGHALLA_POSTGRES", hide_env_values = true)]
    pub postgres: Option<String>,
    /// With --postgres: the tenant (municipality) id.
    #[arg(long, requires = "postgres", default_value = "korsbaek")]
    pub tenant: String,
}

/// Opens the store the arguments name, with a label for the file's header.
async fn open(args: &StoreArgs) -> Result<(DynStore, String), HostError> {
    match (&args.db, &args.postgres) {
        (Some(path), _) => open_sqlite(path),
        (None, Some(url)) => open_postgres(url, &args.tenant).await,
        (None, None) => Err("give --db FILE or --postgres URL".into()),
    }
}

#[cfg(feature = "sqlite")]
fn open_sqlite(path: &Path) -> Result<(DynStore, String), HostError> {
    let store = valghalla::sqlite::SqliteStore::open(path)?;
    Ok((std::sync::Arc::new(store), "sqlite".into()))
}

#[cfg(not(feature = "sqlite"))]
fn open_sqlite(_: &Path) -> Result<(DynStore, String), HostError> {
    Err("this build has no SQLite: give --postgres URL".into())
}

#[cfg(feature = "postgres")]
async fn open_postgres(url: &str, tenant: &str) -> Result<(DynStore, String), HostError> {
    use valghalla::postgres::{PgStore, TenantId};
    let store = PgStore::connect(url, TenantId::new(tenant)?).await?;
    PgStore::migrate(store.pool()).await?;
    Ok((std::sync::Arc::new(store), format!("postgres:{tenant}")))
}

#[cfg(not(feature = "postgres"))]
async fn open_postgres(_: &str, _: &str) -> Result<(DynStore, String), HostError> {
    Err("--postgres needs the postgres feature".into())
}

/// Creates `path` for writing, readable by its owner only; refuses an existing file.
fn create_private(path: &Path) -> Result<std::fs::File, HostError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            format!(
                "{} exists already; choose a new file name (nothing was written)",
                path.display()
            )
            .into()
        } else {
            format!("cannot create {}: {e}", path.display()).into()
        }
    })
}

/// Writes the store's data to `to`.
pub(super) async fn export(args: &StoreArgs, to: &Path) -> Result<(), HostError> {
    let (store, source) = open(args).await?;
    let data = transfer::read_tenant(store.as_ref()).await?;
    let file = create_private(to)?;
    let written = (|| {
        let mut out = BufWriter::new(file);
        let counts = transfer::encode(&data, &source, chrono::Utc::now(), &mut out)?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        Ok::<_, std::io::Error>(counts)
    })();
    let counts = match written {
        Ok(c) => c,
        Err(e) => {
            let _ = std::fs::remove_file(to);
            return Err(format!("writing {} failed (removed): {e}", to.display()).into());
        }
    };
    println!(
        "Eksporteret fra {source} til {}: {} poster ({}), {} logposter, {} beskeder. Filen indeholder CPR-numre og kan kun læses af ejeren (0600).",
        to.display(),
        counts.records,
        by_kind(&data),
        counts.audit,
        counts.messages,
    );
    Ok(())
}

/// Reads `from` into the (empty) store.
pub(super) async fn import(args: &StoreArgs, from: &Path) -> Result<(), HostError> {
    let file =
        std::fs::File::open(from).map_err(|e| format!("cannot open {}: {e}", from.display()))?;
    let (header, data) = transfer::decode(BufReader::new(file))
        .map_err(|e| format!("{}: {e} (nothing was written)", from.display()))?;
    let (store, target) = open(args).await?;
    let kinds = by_kind(&data);
    let counts = (data.records.len(), data.audit.len(), data.messages.len());
    transfer::write_tenant(store.as_ref(), data).await?;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "Importeret til {target} fra {} (eksporteret {} fra {}): {} poster ({kinds}), {} logposter, {} beskeder.",
        from.display(),
        header.exported_at.format("%Y-%m-%d %H:%M:%S UTC"),
        header.source,
        counts.0,
        counts.1,
        counts.2,
    );
    Ok(())
}

fn by_kind(data: &transfer::TenantData) -> String {
    data.counts_by_kind()
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect::<Vec<_>>()
        .join(", ")
}
