//! What a message says, snapshotted when the change that causes it happens: the template values
//! and the task's calendar entry, pure functions of the records the message is about.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::ids::ParticipantId;
use crate::messages::MessageKind;
use crate::messages::calendar::{CalendarPurpose, TaskEvent};
use crate::messages::template::html_to_text;
use crate::model::{Election, Participant, Seat, SeatState, TaskType, Team, WorkLocation};
use crate::time::{Lang, format_date};

/// The records a message is about, as the command that sends it loaded them.
pub(super) struct About<'a> {
    /// The municipality's name.
    pub municipality: &'a str,
    /// The recipient, if they still exist.
    pub participant: Option<&'a Participant>,
    /// The seat, if the message is about one (and it exists).
    pub seat: Option<SeatRecords<'a>>,
}

/// A seat with the records it refers to.
pub(super) struct SeatRecords<'a> {
    pub seat: &'a Seat,
    pub election: &'a Election,
    pub location: &'a WorkLocation,
    pub task_type: &'a TaskType,
    pub team: &'a Team,
}

/// The template values of a message about `about`: token name (without `!`) → value. Links
/// start with the portal's `base_url`; `!days` counts from `today`.
pub(super) fn collect(
    base_url: &str,
    today: NaiveDate,
    about: &About<'_>,
) -> BTreeMap<String, String> {
    let mut facts = BTreeMap::new();
    let base = base_url.trim_end_matches('/');
    facts.insert("municipality".into(), about.municipality.to_owned());
    facts.insert("contact".into(), format!("{base}/kontakt"));
    facts.insert("external_web".into(), base.to_owned());
    if let Some(p) = about.participant {
        facts.insert("name".into(), p.full_name());
    }
    let Some(s) = &about.seat else {
        return facts;
    };
    let slot = s.seat.slot;
    facts.insert("election".into(), s.election.title.to_string());
    facts.insert("work_location".into(), s.location.title.to_string());
    facts.insert(
        "work_location_address".into(),
        s.location.address.to_string(),
    );
    facts.insert("task_type".into(), s.task_type.title.to_string());
    facts.insert(
        "task_type_description".into(),
        s.task_type.description.clone(),
    );
    facts.insert("task_date".into(), format_date(slot.date));
    facts.insert(
        "task_start".into(),
        s.task_type.window.start().format("%H:%M").to_string(),
    );
    facts.insert("task_end".into(), s.task_type.window.end_display(Lang::Da));
    facts.insert(
        "payment".into(),
        s.task_type
            .payment
            .map(|p| p.to_string())
            .unwrap_or_default(),
    );
    let days: Duration = slot.date - today;
    facts.insert("days".into(), days.num_days().max(0).to_string());
    facts.insert("team".into(), s.team.name.to_string());
    let invitation = match &s.seat.state {
        SeatState::Invited { token, .. } => {
            format!("{base}/invitation/{}/{}", s.seat.id, token.as_str())
        }
        _ => format!("{base}/mine-opgaver"),
    };
    facts.insert("invitation".into(), invitation);
    facts
}

/// Whether a message of `kind` carries the task's calendar entry, and for what: the task with
/// the acceptance message and the task reminder, its cancellation when the person withdraws or
/// is removed.
pub(super) fn calendar_purpose(kind: MessageKind) -> Option<CalendarPurpose> {
    match kind {
        MessageKind::Registration | MessageKind::TaskReminder => Some(CalendarPurpose::Request),
        MessageKind::Cancellation
        | MessageKind::RemovedFromTask
        | MessageKind::RemovedByValidation => Some(CalendarPurpose::Cancel),
        _ => None,
    }
}

/// Whether the entry for `purpose` goes to `participant`, given `seat` as it was before the
/// change: a cancellation only to someone who had accepted the seat (a declined invitation was
/// never in anyone's calendar).
pub(super) fn calendar_applies(
    purpose: CalendarPurpose,
    seat: &Seat,
    participant: ParticipantId,
) -> bool {
    purpose == CalendarPurpose::Request
        || matches!(seat.state,
            SeatState::Accepted { participant: holder, .. } if holder == participant)
}

/// The task of a seat as a calendar entry. `sequence` comes from
/// [`calendar_sequence`](crate::messages::calendar::calendar_sequence) over the records'
/// versions; `stamp` is the instant of the change; the entry links to "Mine opgaver" under
/// `base_url`.
pub(super) fn task_event(
    base_url: &str,
    records: &SeatRecords<'_>,
    sequence: u32,
    stamp: DateTime<Utc>,
) -> TaskEvent {
    let base = base_url.trim_end_matches('/');
    TaskEvent {
        seat: records.seat.id,
        sequence,
        stamp,
        window: records.task_type.window.on(records.seat.slot.date),
        election: records.election.title.to_string(),
        task_type: records.task_type.title.to_string(),
        work_location: records.location.title.to_string(),
        address: records.location.address.to_string(),
        description: html_to_text(&records.task_type.description),
        url: Some(format!("{base}/mine-opgaver")),
    }
}
