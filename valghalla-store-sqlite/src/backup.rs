//! Backups of a live database and restoring them: SQLite's online backup API, which copies a
//! consistent snapshot while the host keeps reading and writing (WAL: the copy holds a read
//! transaction, writers go on appending to the WAL), and checks of a copy before it is trusted.
//!
//! A backup is one self-contained file (rollback journal, no `-wal` beside it), written under a
//! temporary name, checked (`PRAGMA integrity_check`, application id, schema version), flushed
//! to disk and then renamed into place, so a backup file that exists is a whole one. It holds
//! CPR numbers, so it is created readable by its owner only (0600).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use crate::schema::{APPLICATION_ID, BUSY_TIMEOUT, SCHEMA_VERSION};

/// How long a backup step waits, in all, for a source or destination that is locked.
const LOCKED_FOR_AT_MOST: Duration = Duration::from_secs(30);

/// Why a backup or restore did not happen. Every message names the file and what to do; none
/// quotes the data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackupError {
    /// The file to copy does not exist.
    #[error("{path} does not exist; give the path of the valghalla database (or backup)")]
    Missing {
        /// The path.
        path: PathBuf,
    },
    /// The target exists and the command does not overwrite files.
    #[error("{path} exists already; choose a new file name for the backup (nothing was written)")]
    Exists {
        /// The path.
        path: PathBuf,
    },
    /// The file is not a valghalla database.
    #[error(
        "{path} is not a valghalla database (application_id {application_id:#010x}); nothing was written"
    )]
    NotValghalla {
        /// The file.
        path: PathBuf,
        /// Its `PRAGMA application_id`.
        application_id: i32,
    },
    /// The file has a schema this build does not know (or none).
    #[error(
        "{path} has schema version {found}; this valghalla reads versions 1 to {supported}; nothing was written"
    )]
    Schema {
        /// The file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// The newest this build knows.
        supported: i64,
    },
    /// `PRAGMA integrity_check` found damage.
    #[error(
        "{path} is damaged: PRAGMA integrity_check reported {} problem(s), the first: {}; nothing was written",
        problems.len(),
        problems.first().map_or("", String::as_str)
    )]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What the check reported (page and index names, never row values).
        problems: Vec<String>,
    },
    /// The source stayed locked for longer than the backup waits.
    #[error("{path} stayed locked for {LOCKED_FOR_AT_MOST:?}; try again")]
    Locked {
        /// The file.
        path: PathBuf,
    },
    /// SQLite failed.
    #[error("{path}: {source}")]
    Sqlite {
        /// The file concerned.
        path: PathBuf,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// The file system failed.
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// What a checked database file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Its schema version (`PRAGMA user_version`).
    pub schema_version: i64,
    /// Its size in pages.
    pub pages: u64,
    /// Its size in bytes.
    pub bytes: u64,
}

/// What a backup or restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    /// The checked copy.
    pub verified: Verified,
    /// How long the copy took (the snapshot, not the check).
    pub copy_time: Duration,
    /// How long the whole command took, the checks included.
    pub total_time: Duration,
    /// For a restore: where the database it replaced was saved, if there was one.
    pub previous: Option<PathBuf>,
}

fn sqlite(path: &Path) -> impl Fn(rusqlite::Error) -> BackupError + '_ {
    move |source| BackupError::Sqlite {
        path: path.to_owned(),
        source,
    }
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Checks the valghalla database at `path` without changing it: application id, schema
/// version (1 to [`SCHEMA_VERSION`]) and `PRAGMA integrity_check`.
///
/// # Errors
///
/// [`BackupError`] says what is wrong.
pub fn verify(path: &Path) -> Result<Verified, BackupError> {
    if !path.is_file() {
        return Err(BackupError::Missing {
            path: path.to_owned(),
        });
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sqlite(path))?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(sqlite(path))?;
    recognise(&conn, path)?;
    let problems: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| {
            s.query_map([], |r| r.get::<_, String>(0))?
                .collect::<Result<_, _>>()
        })
        .map_err(sqlite(path))?;
    if problems != ["ok"] {
        return Err(BackupError::Damaged {
            path: path.to_owned(),
            problems,
        });
    }
    let schema_version = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(sqlite(path))?;
    let pages: i64 = conn
        .pragma_query_value(None, "page_count", |r| r.get(0))
        .map_err(sqlite(path))?;
    let page_size: i64 = conn
        .pragma_query_value(None, "page_size", |r| r.get(0))
        .map_err(sqlite(path))?;
    let pages = u64::try_from(pages).unwrap_or(0);
    Ok(Verified {
        schema_version,
        pages,
        bytes: pages.saturating_mul(u64::try_from(page_size).unwrap_or(0)),
    })
}

/// The application id and schema version of an open database, checked.
fn recognise(conn: &Connection, path: &Path) -> Result<(), BackupError> {
    let application_id: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(sqlite(path))?;
    if application_id != APPLICATION_ID {
        return Err(BackupError::NotValghalla {
            path: path.to_owned(),
            application_id,
        });
    }
    let found: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(sqlite(path))?;
    if !(1..=SCHEMA_VERSION).contains(&found) {
        return Err(BackupError::Schema {
            path: path.to_owned(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(())
}

/// Copies all of `from` into `to` in one step (one consistent snapshot of the source), waiting
/// while either is locked.
fn copy_all(from: &Connection, to: &mut Connection, source: &Path) -> Result<(), BackupError> {
    let backup = Backup::new(from, to).map_err(sqlite(source))?;
    let start = Instant::now();
    loop {
        match backup.step(-1).map_err(sqlite(source))? {
            StepResult::Done => return Ok(()),
            StepResult::More | StepResult::Busy | StepResult::Locked => {
                if start.elapsed() > LOCKED_FOR_AT_MOST {
                    return Err(BackupError::Locked {
                        path: source.to_owned(),
                    });
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

/// Backs up the live database `db` to the new file `to`, while other connections (a running
/// host) go on reading and writing it. The copy is one consistent snapshot: every change set
/// committed before the copy began is in it, none half. Blocking: run it from a blocking task.
///
/// # Errors
///
/// [`BackupError`]: `db` is not a sound valghalla database, `to` exists, or the copy failed its
/// check (then no file `to` is left behind).
pub fn backup(db: &Path, to: &Path) -> Result<Copied, BackupError> {
    let started = Instant::now();
    if !db.is_file() {
        return Err(BackupError::Missing {
            path: db.to_owned(),
        });
    }
    if to.exists() {
        return Err(BackupError::Exists {
            path: to.to_owned(),
        });
    }
    let source = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sqlite(db))?;
    source.busy_timeout(BUSY_TIMEOUT).map_err(sqlite(db))?;
    recognise(&source, db)?;

    let partial = partial_name(to);
    let _ = std::fs::remove_file(&partial);
    create_private(&partial)?;
    let result = (|| {
        let mut dest = Connection::open(&partial).map_err(sqlite(&partial))?;
        let copy_started = Instant::now();
        copy_all(&source, &mut dest, db)?;
        let copy_time = copy_started.elapsed();
        // One file, no WAL beside it.
        let _mode: String = dest
            .pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get(0))
            .map_err(sqlite(&partial))?;
        drop(dest);
        let verified = verify(&partial)?;
        File::open(&partial)
            .and_then(|f| f.sync_all())
            .map_err(io(&partial))?;
        Ok((verified, copy_time))
    })();
    match result {
        Ok((verified, copy_time)) => {
            std::fs::rename(&partial, to).map_err(io(to))?;
            sync_directory(to);
            Ok(Copied {
                verified,
                copy_time,
                total_time: started.elapsed(),
                previous: None,
            })
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

/// Restores the backup `from` into `db`, after checking it ([`verify`]). A database at `db` is
/// first saved beside it (`db.before-restore-SECONDS`, by the same online backup) when it can
/// be read; one too damaged to read is moved aside with its `-wal` and `-shm`. The copy is one
/// transaction on `db`, so another connection sees the old database or the restored one, never a
/// mix; still, stop the host first: its sessions and caches belong to the old data. Blocking.
///
/// # Errors
///
/// [`BackupError`]: the backup is not a sound valghalla database (then `db` is untouched), or the
/// copy failed.
pub fn restore(from: &Path, db: &Path) -> Result<Copied, BackupError> {
    let started = Instant::now();
    verify(from)?;
    let previous = if db.exists() {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let saved = PathBuf::from(format!("{}.before-restore-{stamp}", db.display()));
        match backup(db, &saved) {
            Ok(_) => {}
            Err(BackupError::Damaged { .. } | BackupError::Sqlite { .. }) => {
                for suffix in ["", "-wal", "-shm"] {
                    let file = PathBuf::from(format!("{}{suffix}", db.display()));
                    if file.exists() {
                        let aside = PathBuf::from(format!("{}{suffix}", saved.display()));
                        std::fs::rename(&file, &aside).map_err(io(&file))?;
                    }
                }
            }
            Err(e) => return Err(e),
        }
        Some(saved)
    } else {
        create_private(db)?;
        None
    };
    let source = Connection::open_with_flags(
        from,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sqlite(from))?;
    let mut dest = Connection::open(db).map_err(sqlite(db))?;
    dest.busy_timeout(BUSY_TIMEOUT).map_err(sqlite(db))?;
    let copy_started = Instant::now();
    copy_all(&source, &mut dest, from)?;
    let copy_time = copy_started.elapsed();
    drop(dest);
    let verified = verify(db)?;
    Ok(Copied {
        verified,
        copy_time,
        total_time: started.elapsed(),
        previous,
    })
}

fn partial_name(to: &Path) -> PathBuf {
    PathBuf::from(format!("{}.partial", to.display()))
}

/// Creates an empty file only its owner may read (it will hold CPR numbers).
fn create_private(path: &Path) -> Result<(), BackupError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop).map_err(io(path))
}

/// Makes a rename durable (best effort: not every platform can open a directory).
fn sync_directory(file: &Path) {
    if let Some(dir) = file.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
}
