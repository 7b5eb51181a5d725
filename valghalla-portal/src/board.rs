//! What the scheduler did (see [`crate::scheduler`]): per municipality and job, the last run, the next run, counts and
//! failures — what the secretariat's "Drift" page shows — and the "run now" requests it sends.

use std::collections::BTreeMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;

/// A job the scheduler runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Job {
    /// Draining the outbox (every few seconds).
    Dispatch,
    /// Reminders of unanswered invitations (daily).
    InvitationReminders,
    /// Reminders of accepted tasks (daily).
    TaskReminders,
    /// Re-checking participants against the CPR registry (daily).
    CprResync,
    /// Deactivating elections that are over (daily).
    ElectionDeactivation,
    /// Retiring participants and purging old log entries (daily).
    Retention,
}

impl Job {
    /// Every job, in the order the Drift page lists them.
    pub const ALL: [Job; 6] = [
        Job::Dispatch,
        Job::InvitationReminders,
        Job::TaskReminders,
        Job::CprResync,
        Job::ElectionDeactivation,
        Job::Retention,
    ];

    /// The daily jobs.
    pub const DAILY: [Job; 5] = [
        Job::InvitationReminders,
        Job::TaskReminders,
        Job::CprResync,
        Job::ElectionDeactivation,
        Job::Retention,
    ];

    /// Its key in URLs.
    pub fn key(self) -> &'static str {
        match self {
            Job::Dispatch => "udsendelse",
            Job::InvitationReminders => "paamindelser-invitationer",
            Job::TaskReminders => "paamindelser-opgaver",
            Job::CprResync => "cpr-opdatering",
            Job::ElectionDeactivation => "deaktivering",
            Job::Retention => "sletning",
        }
    }

    /// The job with `key`.
    pub fn from_key(key: &str) -> Option<Job> {
        Job::ALL.into_iter().find(|j| j.key() == key)
    }

    /// Its name in Danish.
    pub fn name_da(self) -> &'static str {
        match self {
            Job::Dispatch => "Udsendelse af beskeder",
            Job::InvitationReminders => "Påmindelser om ubesvarede invitationer",
            Job::TaskReminders => "Påmindelser om opgaver",
            Job::CprResync => "Opdatering fra CPR",
            Job::ElectionDeactivation => "Deaktivering af afsluttede valg",
            Job::Retention => "Sletning efter opbevaringsfristen",
        }
    }
}

/// One job's record.
#[derive(Debug, Clone, Default)]
pub struct JobStatus {
    /// When the last run started.
    pub last_started: Option<DateTime<Utc>>,
    /// When the last run ended.
    pub last_finished: Option<DateTime<Utc>>,
    /// What the last run did, in Danish (or why it failed).
    pub last_outcome: String,
    /// Whether the last run failed.
    pub last_failed: bool,
    /// When it runs next.
    pub next_run: Option<DateTime<Utc>>,
    /// Runs since the host started.
    pub runs: u64,
    /// Failed runs since the host started.
    pub failures: u64,
    /// Items changed (messages sent, reminders queued, …) since the host started.
    pub changed: u64,
    /// Items that failed (messages given up, participants that could not be handled).
    pub item_failures: u64,
}

/// The board of one municipality.
#[derive(Debug)]
pub struct JobBoard {
    status: Mutex<BTreeMap<Job, JobStatus>>,
    run_now: BTreeMap<Job, Notify>,
    running: std::sync::atomic::AtomicBool,
}

/// What one run did.
#[derive(Debug, Clone, Default)]
pub struct RunOutcome {
    /// Items changed.
    pub changed: u64,
    /// Items that failed.
    pub item_failures: u64,
    /// In Danish.
    pub summary: String,
}

impl Default for JobBoard {
    fn default() -> Self {
        JobBoard::new()
    }
}

impl JobBoard {
    /// A board for every job.
    pub fn new() -> Self {
        JobBoard {
            status: Mutex::new(BTreeMap::new()),
            run_now: Job::ALL.into_iter().map(|j| (j, Notify::new())).collect(),
            running: Default::default(),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut BTreeMap<Job, JobStatus>) -> T) -> T {
        match self.status.lock() {
            Ok(mut s) => f(&mut s),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }

    /// Each job's record, in [`Job::ALL`] order.
    pub fn snapshot(&self) -> Vec<(Job, JobStatus)> {
        self.with(|s| {
            Job::ALL
                .into_iter()
                .map(|j| (j, s.get(&j).cloned().unwrap_or_default()))
                .collect()
        })
    }

    /// Whether a scheduler works this board.
    pub fn is_scheduled(&self) -> bool {
        self.running.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub(crate) fn set_scheduled(&self, on: bool) {
        self.running.store(on, std::sync::atomic::Ordering::SeqCst);
    }

    /// Asks the scheduler to run `job` now.
    pub fn request_run(&self, job: Job) {
        if let Some(n) = self.run_now.get(&job) {
            n.notify_one();
        }
    }

    /// Waits for a "run now" request for `job`.
    pub(crate) async fn run_requested(&self, job: Job) {
        match self.run_now.get(&job) {
            Some(n) => n.notified().await,
            None => std::future::pending().await,
        }
    }

    pub(crate) fn planned(&self, job: Job, next: DateTime<Utc>) {
        self.with(|s| s.entry(job).or_default().next_run = Some(next));
    }

    pub(crate) fn started(&self, job: Job, at: DateTime<Utc>) {
        self.with(|s| s.entry(job).or_default().last_started = Some(at));
    }

    pub(crate) fn finished(
        &self,
        job: Job,
        at: DateTime<Utc>,
        outcome: Result<RunOutcome, String>,
    ) {
        self.with(|s| {
            let st = s.entry(job).or_default();
            st.last_finished = Some(at);
            st.runs += 1;
            match outcome {
                Ok(o) => {
                    st.last_failed = false;
                    st.last_outcome = o.summary;
                    st.changed += o.changed;
                    st.item_failures += o.item_failures;
                }
                Err(reason) => {
                    st.last_failed = true;
                    st.failures += 1;
                    st.last_outcome = reason;
                }
            }
        });
    }
}
