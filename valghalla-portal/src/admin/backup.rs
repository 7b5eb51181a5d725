//! `backup`, `restore` and `verify`: the SQLite store's online backup, run on a blocking thread.

use std::path::PathBuf;

use crate::host::HostError;

#[cfg(feature = "sqlite")]
fn size(bytes: u64) -> String {
    // Whole kilobytes are enough for a person reading it; the exact size is the file's.
    format!("{} kB", bytes.div_ceil(1024))
}

/// Backs up `db` to `to` while the host may be serving it.
#[cfg(feature = "sqlite")]
pub(super) async fn backup(db: PathBuf, to: PathBuf) -> Result<(), HostError> {
    let shown = to.display().to_string();
    let done = tokio::task::spawn_blocking(move || valghalla::sqlite::backup(&db, &to)).await??;
    println!(
        "Sikkerhedskopi skrevet til {shown}: {} ({} sider, skemaversion {}), kontrolleret (integrity_check ok) på {:.2} s, heraf kopiering {:.2} s",
        size(done.verified.bytes),
        done.verified.pages,
        done.verified.schema_version,
        done.total_time.as_secs_f64(),
        done.copy_time.as_secs_f64(),
    );
    Ok(())
}

/// Restores `from` into `db` after checking it.
#[cfg(feature = "sqlite")]
pub(super) async fn restore(from: PathBuf, db: PathBuf) -> Result<(), HostError> {
    let shown = db.display().to_string();
    let done =
        tokio::task::spawn_blocking(move || valghalla::sqlite::restore(&from, &db)).await??;
    if let Some(previous) = &done.previous {
        println!("Den hidtidige database er gemt som {}", previous.display());
    }
    println!(
        "Sikkerhedskopien er lagt tilbage i {shown}: {} ({} sider, skemaversion {}), kontrolleret (integrity_check ok) på {:.2} s",
        size(done.verified.bytes),
        done.verified.pages,
        done.verified.schema_version,
        done.total_time.as_secs_f64(),
    );
    Ok(())
}

/// Checks `file` without changing it.
#[cfg(feature = "sqlite")]
pub(super) async fn verify(file: PathBuf) -> Result<(), HostError> {
    let shown = file.display().to_string();
    let v = tokio::task::spawn_blocking(move || valghalla::sqlite::verify(&file)).await??;
    println!(
        "{shown} er en hel valghalla-database: {} ({} sider, skemaversion {}), integrity_check ok",
        size(v.bytes),
        v.pages,
        v.schema_version
    );
    Ok(())
}

#[cfg(not(feature = "sqlite"))]
pub(super) async fn backup(_: PathBuf, _: PathBuf) -> Result<(), HostError> {
    Err("this build has no SQLite; for Postgres use pg_dump (see RELIABILITY.md)".into())
}

#[cfg(not(feature = "sqlite"))]
pub(super) async fn restore(_: PathBuf, _: PathBuf) -> Result<(), HostError> {
    Err("this build has no SQLite; for Postgres use pg_restore (see RELIABILITY.md)".into())
}

#[cfg(not(feature = "sqlite"))]
pub(super) async fn verify(_: PathBuf) -> Result<(), HostError> {
    Err("this build has no SQLite".into())
}
