//! Checkpoints off the command path.
//!
//! In WAL mode a commit appends its pages to the `-wal` file; a checkpoint copies them into the
//! database file, and with `synchronous = NORMAL` it is also where both files are synced. By
//! default SQLite runs it inside the commit that takes the WAL past 1,000 pages, so one command
//! in every few dozen waited for two `fsync`s (on this project's machines ≈ 5 ms: the p99 of an
//! invite was 6 ms against a median of 0.3 ms).
//!
//! Here a thread with a connection of its own runs a passive checkpoint [`DELAY`] after a write
//! (one per delay, however many writes came). Passive checkpoints never block the writer or the
//! readers. As a side effect a commit reaches the disk within about [`DELAY`] instead of at the
//! next 1,000-page checkpoint. The writer keeps SQLite's automatic checkpoint as a backstop at
//! [`BACKSTOP_PAGES`], for when this thread falls behind: under a continuous stream of writes the
//! log cannot start over while a checkpoint runs beside them.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use rusqlite::Connection;
use tokio::sync::oneshot;

/// How long the thread lets writes gather before it checkpoints them.
pub(crate) const DELAY: Duration = Duration::from_millis(100);

/// The writer's own automatic checkpoint (`PRAGMA wal_autocheckpoint`), in pages: a WAL of at
/// most ≈ 40 MB in normal operation.
pub(crate) const BACKSTOP_PAGES: u32 = 10_000;

/// A handle to the checkpoint thread; the thread checkpoints a last time and ends when the
/// handle is closed or dropped.
#[derive(Debug)]
pub(crate) struct Checkpointer {
    /// Set while a checkpoint is due, so that only the first write after one wakes the thread.
    due: Arc<AtomicBool>,
    wake: mpsc::SyncSender<()>,
    closed: oneshot::Receiver<()>,
}

impl Checkpointer {
    /// Starts the thread, which owns `conn`: a read-write connection of its own to a database
    /// in WAL mode.
    pub(crate) fn spawn(conn: Connection) -> std::io::Result<Checkpointer> {
        let due = Arc::new(AtomicBool::new(false));
        let (wake, woken) = mpsc::sync_channel(1);
        let (done, closed) = oneshot::channel();
        let thread_due = Arc::clone(&due);
        std::thread::Builder::new()
            .name("valghalla-sqlite-checkpoint".into())
            .spawn(move || {
                run(&conn, &thread_due, &woken);
                drop(conn);
                let _ = done.send(());
            })?;
        Ok(Checkpointer { due, wake, closed })
    }

    /// Says that a change set was committed. Cheap: an atomic swap, and a wake-up only for the
    /// first write since the last checkpoint began.
    pub(crate) fn after_write(&self) {
        if !self.due.swap(true, Ordering::AcqRel) {
            let _ = self.wake.try_send(());
        }
    }

    /// Checkpoints what is due and ends the thread; returns when its connection is closed.
    pub(crate) async fn close(self) {
        let Checkpointer { wake, closed, .. } = self;
        drop(wake);
        let _ = closed.await;
    }
}

fn run(conn: &Connection, due: &AtomicBool, woken: &mpsc::Receiver<()>) {
    while woken.recv().is_ok() {
        // Nothing else is sent while a checkpoint is due, so this waits out the delay unless the
        // store is closing.
        let closing = matches!(
            woken.recv_timeout(DELAY),
            Err(mpsc::RecvTimeoutError::Disconnected)
        );
        // Cleared before the checkpoint: a write during it asks for the next one.
        due.store(false, Ordering::Release);
        checkpoint(conn);
        if closing {
            return;
        }
    }
}

fn checkpoint(conn: &Connection) {
    let done = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
        Ok((r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
    });
    match done {
        Ok((log, copied)) => tracing::trace!(log, copied, "checkpointed the WAL"),
        // Not fatal: the writer's automatic checkpoint is the backstop.
        Err(e) => tracing::warn!(error = %e, "a background WAL checkpoint failed"),
    }
}
