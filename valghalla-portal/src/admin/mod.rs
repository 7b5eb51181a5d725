//! The binary's operations subcommands, beside serving: backups of the SQLite database and
//! restoring them (`backup.rs`), and moving one municipality's data between installations and
//! store kinds (`tenant.rs`). Each prints what it did in Danish and never a CPR number.

mod backup;
mod tenant;

pub use tenant::StoreArgs;

use std::path::PathBuf;

use crate::host::HostError;

/// An operations subcommand.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Back up the SQLite database while the host serves it (SQLite's online backup API); the
    /// copy is checked and written readable by its owner only.
    Backup {
        /// The live database.
        #[arg(long, env = "VALGHALLA_DB", default_value = "valghalla.db")]
        db: PathBuf,
        /// The new backup file (must not exist).
        #[arg(long)]
        to: PathBuf,
    },
    /// Restore a backup into the database after checking it (integrity check, application id,
    /// schema version). Stop the host first; the database replaced is saved beside it.
    Restore {
        /// The backup file.
        #[arg(long)]
        from: PathBuf,
        /// The database to restore into.
        #[arg(long, env = "VALGHALLA_DB", default_value = "valghalla.db")]
        db: PathBuf,
    },
    /// Check a backup or database without changing it.
    Verify {
        /// The file.
        file: PathBuf,
    },
    /// Write one municipality's complete data to a `valghalla-tenant` file (it holds CPR
    /// numbers: it is created readable by its owner only).
    ExportTenant {
        /// Where the data is.
        #[command(flatten)]
        store: StoreArgs,
        /// The new file (must not exist).
        #[arg(long)]
        to: PathBuf,
    },
    /// Read a `valghalla-tenant` file into an empty database or tenant, all or nothing.
    ImportTenant {
        /// Where the data goes (must be empty).
        #[command(flatten)]
        store: StoreArgs,
        /// The file.
        #[arg(long)]
        from: PathBuf,
    },
}

/// Runs `command`; what it did is printed, a failure returned.
pub async fn run(command: Command) -> Result<(), HostError> {
    match command {
        Command::Backup { db, to } => backup::backup(db, to).await,
        Command::Restore { from, db } => backup::restore(from, db).await,
        Command::Verify { file } => backup::verify(file).await,
        Command::ExportTenant { store, to } => tenant::export(&store, &to).await,
        Command::ImportTenant { store, from } => tenant::import(&store, &from).await,
    }
}
