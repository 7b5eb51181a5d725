//! The connection threads: each owns one `rusqlite::Connection` (with what it has decoded) and
//! runs the closures sent to it, one at a time, answering through a oneshot channel. No SQLite
//! call ever runs on an async executor's thread, and no connection or transaction lives across
//! an `.await`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;

use rusqlite::Connection;
use tokio::sync::oneshot;
use valghalla_core::store::StoreError;

use crate::cache::Decoded;
use crate::error::STORE;

/// A connection and the records it has decoded.
pub(crate) struct Db {
    pub(crate) conn: Connection,
    pub(crate) decoded: Decoded,
}

type Job = Box<dyn FnOnce(&mut Db) + Send>;

/// A handle to one connection thread. The thread ends (and closes its connection) when the last
/// handle is dropped.
#[derive(Debug)]
pub(crate) struct Actor {
    jobs: mpsc::Sender<Job>,
    /// Fires when the thread has closed its connection.
    closed: oneshot::Receiver<()>,
}

impl Actor {
    /// Starts a thread that owns `conn`.
    pub(crate) fn spawn(conn: Connection, name: &str) -> std::io::Result<Actor> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let (done, closed) = oneshot::channel();
        std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                let db = Db {
                    conn,
                    decoded: Decoded::default(),
                };
                run(db, queue);
                let _ = done.send(());
            })?;
        Ok(Actor { jobs, closed })
    }

    /// Lets the thread finish the jobs already sent, close its connection and stop; returns
    /// when it has.
    pub(crate) async fn close(self) {
        let Actor { jobs, closed } = self;
        drop(jobs);
        let _ = closed.await;
    }

    /// Runs `f` on the connection thread and waits for its answer.
    ///
    /// If the caller stops waiting (the future is dropped), `f` still runs to its end: a change
    /// set that was sent is either applied whole or not at all, never half.
    pub(crate) async fn call<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        F: FnOnce(&mut Db) -> Result<R, StoreError> + Send + 'static,
        R: Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            // The receiver may be gone (the caller gave up); the work is done either way.
            let _ = reply.send(f(conn));
        });
        self.jobs.send(job).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn stopped() -> StoreError {
    StoreError::Unavailable {
        store: STORE,
        message: "the connection thread has stopped".into(),
    }
}

fn run(mut db: Db, queue: mpsc::Receiver<Job>) {
    run_jobs(&mut db, queue);
    if let Err((_, e)) = db.conn.close() {
        tracing::warn!(error = %e, "closing the SQLite connection failed");
    }
}

/// How long the thread keeps looking for the next job before it sleeps. A command sends its
/// jobs (its reads, then its change set) a few tens of microseconds apart; waking a sleeping
/// thread costs about as much as the job itself.
const SPIN: std::time::Duration = std::time::Duration::from_micros(100);

fn next_job(queue: &mpsc::Receiver<Job>) -> Option<Job> {
    let start = std::time::Instant::now();
    loop {
        match queue.try_recv() {
            Ok(job) => return Some(job),
            Err(mpsc::TryRecvError::Disconnected) => return None,
            Err(mpsc::TryRecvError::Empty) if start.elapsed() < SPIN => std::thread::yield_now(),
            Err(mpsc::TryRecvError::Empty) => return queue.recv().ok(),
        }
    }
}

fn run_jobs(db: &mut Db, queue: mpsc::Receiver<Job>) {
    while let Some(job) = next_job(&queue) {
        if catch_unwind(AssertUnwindSafe(|| job(db))).is_err() {
            // A bug panicked inside a job: its caller gets `Unavailable` (the reply channel was
            // dropped). Leave no transaction open for the next job.
            tracing::error!("a job on the SQLite connection thread panicked");
            if !db.conn.is_autocommit() {
                let _ = db.conn.execute_batch("ROLLBACK");
            }
        }
    }
}
