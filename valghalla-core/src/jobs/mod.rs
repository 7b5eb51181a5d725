//! Background jobs: pure "what is due at this instant" functions, and their settings.
//!
//! Each job has a runner on [`Valghalla`](crate::service::Valghalla) (`run_invitation_reminders`,
//! `run_task_reminders`, `run_cpr_resync`, `run_election_deactivation`, `run_retention`) that a
//! host calls on a timer with [`Actor::System`](crate::rules::access::Actor::System). The
//! runners load the data, ask the functions here, and write each change (with its message) in
//! one atomic change set, re-checking the rule on fresh data, so running a job twice — or on two
//! machines at once — does no harm.
//!
//! Days are Danish calendar days (Europe/Copenhagen), never multiples of 24 hours, so the rules
//! behave the same across a daylight-saving change.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{ElectionId, ParticipantId};
use crate::model::{Election, Participant, Seat, SeatState, TaskType};
use crate::time::local_date;

/// Settings of the jobs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobsConfig {
    /// Days between invitation reminders (since the invitation or the last reminder).
    pub invitation_reminder_every_days: u32,
    /// Task reminders go out this many days before the task (or later, if the seat was taken
    /// later).
    pub task_reminder_days_before: u32,
    /// Participants are retired this long after their last election, unless they consented to
    /// be kept.
    pub retire_participants_after_months: u32,
    /// What retiring a participant means.
    pub retirement: Retirement,
    /// Audit entries are purged after this many months.
    pub audit_retention_months: u32,
    /// Delivered and failed messages (the communication log) are purged after this many months.
    pub outbox_retention_months: u32,
}

impl Default for JobsConfig {
    fn default() -> Self {
        JobsConfig {
            invitation_reminder_every_days: 4,
            task_reminder_days_before: 5,
            retire_participants_after_months: 12,
            retirement: Retirement::Anonymise,
            audit_retention_months: 6,
            outbox_retention_months: 4,
        }
    }
}

/// What the retention job does to a participant whose time is up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Retirement {
    /// Delete them (seats become vacant, rejections go).
    Delete,
    /// Anonymise them (the history stays, nothing identifies the person).
    Anonymise,
}

/// What a job run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobReport {
    /// How many items the job changed (reminders queued, participants re-validated, …).
    pub changed: usize,
    /// Items skipped because they were no longer due when re-checked.
    pub skipped: usize,
    /// Log entries purged (audit entries and messages; retention only).
    pub purged: u64,
    /// Items that failed, with a reason without personal data; the job carried on.
    pub errors: Vec<String>,
}

/// Whether an invitation reminder is due for `seat` at `now`: the seat is an unanswered
/// invitation in an active election, the task date is still ahead (local), and at least
/// `every_days` calendar days have passed since the invitation or the last reminder.
pub(crate) fn invitation_reminder_due(
    now: DateTime<Utc>,
    seat: &Seat,
    election: &Election,
    every_days: u32,
) -> bool {
    let SeatState::Invited {
        invited_at,
        last_reminder_at,
        ..
    } = &seat.state
    else {
        return false;
    };
    let today = local_date(now);
    if !election.active || today >= seat.slot.date {
        return false;
    }
    let since = local_date(last_reminder_at.unwrap_or(*invited_at));
    (today - since).num_days() >= i64::from(every_days)
}

/// Whether the task reminder is due for `seat` at `now`: the seat is accepted (however — also
/// through an open link), not yet reminded, its task type sends reminders, its election is
/// active, and the task date is ahead by at most `days_before` calendar days.
pub(crate) fn task_reminder_due(
    now: DateTime<Utc>,
    seat: &Seat,
    election: &Election,
    task_type: &TaskType,
    days_before: u32,
) -> bool {
    let SeatState::Accepted {
        task_reminder_at, ..
    } = &seat.state
    else {
        return false;
    };
    let today = local_date(now);
    task_reminder_at.is_none()
        && task_type.reminders
        && election.active
        && today < seat.slot.date
        && (seat.slot.date - today).num_days() <= i64::from(days_before)
}

/// Whether an election should be deactivated on `today`: it is active and its working period
/// is over.
pub(crate) fn deactivation_due(today: NaiveDate, election: &Election) -> bool {
    election.active && election.working_period().last() < today
}

/// The participants to re-check against the CPR registry: those holding or invited to a seat of
/// an active election on `today` or later.
pub(crate) fn resync_candidates(
    today: NaiveDate,
    seats: &[Seat],
    elections: &BTreeMap<ElectionId, Election>,
) -> BTreeSet<ParticipantId> {
    seats
        .iter()
        .filter(|s| s.slot.date >= today)
        .filter(|s| elections.get(&s.slot.election).is_some_and(|e| e.active))
        .filter_map(|s| s.state.participant())
        .collect()
}

/// The day a participant was last involved: the end of the working period of the last election
/// they held or were invited to a seat of (`seats` are theirs), or the day they were created.
pub(crate) fn last_involvement(
    participant: &Participant,
    seats: &[&Seat],
    elections: &BTreeMap<ElectionId, Election>,
) -> NaiveDate {
    seats
        .iter()
        .map(|s| {
            elections
                .get(&s.slot.election)
                .map_or(s.slot.date, |e| e.working_period().last().max(s.slot.date))
        })
        .chain([local_date(participant.created_at)])
        .max()
        .unwrap_or_else(|| local_date(participant.created_at))
}

/// Whether the retention job retires `participant` on `today`: no consent to be kept, not
/// already anonymised, and `after_months` have passed since `last_involvement`.
pub(crate) fn retirement_due(
    today: NaiveDate,
    participant: &Participant,
    last_involvement: NaiveDate,
    after_months: u32,
) -> bool {
    if participant.consent.is_some() || is_anonymised(participant) {
        return false;
    }
    last_involvement
        .checked_add_months(Months::new(after_months))
        .is_some_and(|until| today >= until)
}

/// Whether `p` was anonymised ([`Valghalla::anonymise_participant`](crate::Valghalla::anonymise_participant)
/// gives a replacement-style number on day 61 and placeholder names).
pub(crate) fn is_anonymised(p: &Participant) -> bool {
    p.cpr.reveal().starts_with("61") && p.person.first_name == "Anonymiseret"
}

/// The instant before which log entries older than `months` are purged.
pub(crate) fn purge_before(now: DateTime<Utc>, months: u32) -> DateTime<Utc> {
    now.checked_sub_months(Months::new(months))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

#[cfg(test)]
mod tests;
