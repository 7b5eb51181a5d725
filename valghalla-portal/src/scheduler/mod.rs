//! The scheduler inside the host: one tokio task per municipality and job. The outbox is
//! drained every few seconds with [`Dispatcher::run_once`]; the daily jobs run at a configured
//! local time; expired sessions are deleted now and then. Every run is recorded on the
//! municipality's [`JobBoard`] (the Drift page), and the Drift page can ask for a run now.
//!
//! Several hosts on one database may run the same jobs: the store records a delivery only
//! once, and every job re-checks on fresh data what it changes, so nothing is sent twice.
//!
//! [`Scheduler::shutdown`] stops the tasks between runs: a dispatch in progress is finished
//! (and recorded) first.

mod schedule;

pub use crate::board::{Job, JobBoard, JobStatus, RunOutcome};
pub use schedule::next_daily;

use std::time::Duration;

use chrono::Utc;
use tokio::sync::watch;
use tokio::task::JoinSet;
use valghalla::core::jobs::{JobReport, JobsConfig};
use valghalla::core::rules::access::Actor;
use valghalla::core::service::{DispatchReport, Dispatcher};

use crate::config::ScheduleConfig;
use crate::state::{PortalState, Tenant};

/// The running scheduler.
#[derive(Debug)]
pub struct Scheduler {
    stop: watch::Sender<bool>,
    tasks: JoinSet<()>,
    tenants: Vec<Tenant>,
}

/// The actor the jobs run as.
fn system(job: Job) -> Actor {
    Actor::System {
        job: job.key().to_owned(),
    }
}

fn dispatch_outcome(r: DispatchReport) -> RunOutcome {
    let mut summary = format!(
        "{} sendt, {} venter på nyt forsøg, {} opgivet, {} holdt tilbage (valget er ikke aktivt)",
        r.sent, r.retried, r.failed, r.held
    );
    if r.paused > 0 {
        summary.push_str(&format!(
            ", {} venter, fordi deres kanal er nede (se fejlen på den seneste besked)",
            r.paused
        ));
    }
    RunOutcome {
        changed: r.sent as u64,
        item_failures: r.failed as u64,
        summary,
    }
}

fn job_outcome(r: JobReport) -> RunOutcome {
    let mut summary = format!("{} ændret, {} sprunget over", r.changed, r.skipped);
    if r.purged > 0 {
        summary.push_str(&format!(", {} logposter slettet", r.purged));
    }
    if !r.errors.is_empty() {
        summary.push_str(&format!(
            ", {} fejl: {}",
            r.errors.len(),
            r.errors.join("; ")
        ));
    }
    RunOutcome {
        changed: r.changed as u64,
        item_failures: r.errors.len() as u64,
        summary,
    }
}

/// Runs `job` once for `tenant` and records it on the tenant's board.
pub async fn run_job(
    tenant: &Tenant,
    job: Job,
    jobs: &JobsConfig,
    dispatcher: Option<&Dispatcher>,
) {
    let svc = &tenant.svc;
    let actor = system(job);
    tenant.board.started(job, Utc::now());
    let outcome = match job {
        Job::Dispatch => match dispatcher {
            Some(d) => d
                .run_once(svc)
                .await
                .map(dispatch_outcome)
                .map_err(|e| e.to_string()),
            None => Err("ingen beskedkanal er sat op".into()),
        },
        Job::InvitationReminders => svc
            .run_invitation_reminders(&actor, jobs)
            .await
            .map(job_outcome)
            .map_err(|e| e.to_string()),
        Job::TaskReminders => svc
            .run_task_reminders(&actor, jobs)
            .await
            .map(job_outcome)
            .map_err(|e| e.to_string()),
        Job::CprResync => svc
            .run_cpr_resync(&actor)
            .await
            .map(job_outcome)
            .map_err(|e| e.to_string()),
        Job::ElectionDeactivation => svc
            .run_election_deactivation(&actor)
            .await
            .map(job_outcome)
            .map_err(|e| e.to_string()),
        Job::Retention => svc
            .run_retention(&actor, jobs)
            .await
            .map(job_outcome)
            .map_err(|e| e.to_string()),
    };
    match &outcome {
        Ok(o) if job != Job::Dispatch || o.changed > 0 || o.item_failures > 0 => {
            tracing::info!(tenant = %tenant.name, job = job.key(), outcome = %o.summary, "job ran");
        }
        Ok(_) => {}
        Err(e) => tracing::error!(tenant = %tenant.name, job = job.key(), error = %e, "job failed"),
    }
    tenant.board.finished(job, Utc::now(), outcome);
}

/// Waits until `stop` says stop (or its sender is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    while !*stop.borrow() {
        if stop.changed().await.is_err() {
            return;
        }
    }
}

impl Scheduler {
    /// Starts the tasks for every municipality of `portal`. The outbox is drained through
    /// `dispatcher`'s senders; without one, messages wait in the outbox.
    pub fn start(portal: &PortalState, dispatcher: Option<Dispatcher>) -> Scheduler {
        let config = portal.config().schedule.clone();
        let (stop, _) = watch::channel(false);
        let mut tasks = JoinSet::new();
        let tenants = portal.tenants();
        for tenant in &tenants {
            tenant.board.set_scheduled(true);
            if let Some(d) = &dispatcher {
                tasks.spawn(dispatch_loop(
                    tenant.clone(),
                    d.clone(),
                    config.clone(),
                    stop.subscribe(),
                ));
            }
            for job in Job::DAILY {
                tasks.spawn(daily_loop(
                    tenant.clone(),
                    job,
                    config.clone(),
                    stop.subscribe(),
                ));
            }
        }
        tasks.spawn(cleanup_loop(
            portal.clone(),
            config.session_cleanup_every,
            stop.subscribe(),
        ));
        Scheduler {
            stop,
            tasks,
            tenants,
        }
    }

    /// Stops every task after its current run and waits for them.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        while self.tasks.join_next().await.is_some() {}
        for t in &self.tenants {
            t.board.set_scheduled(false);
        }
        tracing::info!("scheduler stopped");
    }
}

/// Drains the outbox now, then every `dispatch_every` (or when asked), until stopped.
async fn dispatch_loop(
    tenant: Tenant,
    dispatcher: Dispatcher,
    config: ScheduleConfig,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        if *stop.borrow() {
            return;
        }
        run_job(&tenant, Job::Dispatch, &config.jobs, Some(&dispatcher)).await;
        let next =
            Utc::now() + chrono::Duration::from_std(config.dispatch_every).unwrap_or_default();
        tenant.board.planned(Job::Dispatch, next);
        tokio::select! {
            () = stopped(&mut stop) => return,
            () = tokio::time::sleep(config.dispatch_every) => {}
            () = tenant.board.run_requested(Job::Dispatch) => {}
        }
    }
}

/// Runs `job` at the configured local time every day (or when asked), until stopped.
async fn daily_loop(
    tenant: Tenant,
    job: Job,
    config: ScheduleConfig,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let next = next_daily(Utc::now(), config.daily_at);
        tenant.board.planned(job, next);
        let wait = (next - Utc::now()).to_std().unwrap_or(Duration::ZERO);
        tokio::select! {
            () = stopped(&mut stop) => return,
            () = tokio::time::sleep(wait) => {}
            () = tenant.board.run_requested(job) => {}
        }
        run_job(&tenant, job, &config.jobs, None).await;
    }
}

/// Deletes expired sessions and forgets recovered login limits, every `every`, until stopped.
async fn cleanup_loop(portal: PortalState, every: Duration, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            () = stopped(&mut stop) => return,
            () = tokio::time::sleep(every) => {}
        }
        match portal.sessions().delete_expired().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, "expired sessions deleted"),
            Err(e) => tracing::error!(error = %e, "expired sessions could not be deleted"),
        }
        portal.login_limits().forget_recovered();
    }
}
