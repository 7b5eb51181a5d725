//! The values a message template needs, snapshotted when the change that causes the message
//! happens.

use std::collections::BTreeMap;

use chrono::Duration;

use crate::ids::ElectionId;
use crate::messages::MessageKind;
use crate::messages::calendar::{CalendarPurpose, MessageCalendar, TaskEvent, calendar_sequence};
use crate::messages::template::html_to_text;
use crate::model::{
    Election, Participant, RecordKey, Seat, SeatState, TaskType, Team, WorkLocation,
};
use crate::rules::MessageIntent;
use crate::time::{Lang, format_date, local_date};

use super::Result;
use super::tx::Tx;

/// Collects the template values for `intent`: token name (without `!`) → value.
pub(crate) async fn collect(
    tx: &mut Tx<'_>,
    intent: &MessageIntent,
) -> Result<(BTreeMap<String, String>, Option<ElectionId>)> {
    let mut facts = BTreeMap::new();
    let base = tx
        .svc
        .config
        .public_base_url
        .trim_end_matches('/')
        .to_owned();
    let municipality = tx.municipality().await?;
    facts.insert("municipality".into(), municipality.name.to_string());
    facts.insert("contact".into(), format!("{base}/kontakt"));
    facts.insert("external_web".into(), base.clone());
    if let Some(p) = tx.find::<Participant>(intent.participant).await? {
        facts.insert("name".into(), p.full_name());
    }
    let Some(seat_id) = intent.seat else {
        return Ok((facts, None));
    };
    let Some(seat) = tx.find::<Seat>(seat_id).await? else {
        return Ok((facts, None));
    };
    let slot = seat.slot;
    let election = tx.get::<Election>(slot.election).await?;
    let location = tx.get::<WorkLocation>(slot.work_location).await?;
    let task_type = tx.get::<TaskType>(slot.task_type).await?;
    let team = tx.get::<Team>(slot.team).await?;
    let today = local_date(tx.svc.clock.now());
    facts.insert("election".into(), election.title.to_string());
    facts.insert("work_location".into(), location.title.to_string());
    facts.insert("work_location_address".into(), location.address.to_string());
    facts.insert("task_type".into(), task_type.title.to_string());
    facts.insert(
        "task_type_description".into(),
        task_type.description.clone(),
    );
    facts.insert("task_date".into(), format_date(slot.date));
    facts.insert(
        "task_start".into(),
        task_type.window.start().format("%H:%M").to_string(),
    );
    facts.insert("task_end".into(), task_type.window.end_display(Lang::Da));
    facts.insert(
        "payment".into(),
        task_type.payment.map(|p| p.to_string()).unwrap_or_default(),
    );
    let days: Duration = slot.date - today;
    facts.insert("days".into(), days.num_days().max(0).to_string());
    facts.insert("team".into(), team.name.to_string());
    let invitation = match &seat.state {
        SeatState::Invited { token, .. } => {
            format!("{base}/invitation/{}/{}", seat.id, token.as_str())
        }
        _ => format!("{base}/mine-opgaver"),
    };
    facts.insert("invitation".into(), invitation);
    Ok((facts, Some(election.id)))
}

/// The calendar entry a message carries: the task with the acceptance message and the task
/// reminder, its cancellation when someone who had accepted withdraws or is removed. `tx` holds
/// the seat as it was before the change.
pub(crate) async fn calendar(
    tx: &mut Tx<'_>,
    intent: &MessageIntent,
) -> Result<Option<MessageCalendar>> {
    let purpose = match intent.kind {
        MessageKind::Registration | MessageKind::TaskReminder => CalendarPurpose::Request,
        MessageKind::Cancellation
        | MessageKind::RemovedFromTask
        | MessageKind::RemovedByValidation => CalendarPurpose::Cancel,
        _ => return Ok(None),
    };
    let Some(seat_id) = intent.seat else {
        return Ok(None);
    };
    let Some(seat) = tx.find::<Seat>(seat_id).await? else {
        return Ok(None);
    };
    let had_accepted = matches!(seat.state,
        SeatState::Accepted { participant, .. } if participant == intent.participant);
    if purpose == CalendarPurpose::Cancel && !had_accepted {
        // A declined invitation was never in anyone's calendar.
        return Ok(None);
    }
    Ok(Some(MessageCalendar {
        event: task_event(tx, &seat).await?,
        purpose,
    }))
}

/// The task of `seat` as a calendar entry, its `SEQUENCE` from the versions loaded.
pub(crate) async fn task_event(tx: &mut Tx<'_>, seat: &Seat) -> Result<TaskEvent> {
    let slot = seat.slot;
    let election = tx.get::<Election>(slot.election).await?;
    let location = tx.get::<WorkLocation>(slot.work_location).await?;
    let task_type = tx.get::<TaskType>(slot.task_type).await?;
    let sequence = calendar_sequence(&[
        tx.version_of(RecordKey::Seat(seat.id)),
        tx.version_of(RecordKey::TaskType(task_type.id)),
        tx.version_of(RecordKey::WorkLocation(location.id)),
        tx.version_of(RecordKey::Election(election.id)),
    ]);
    let base = tx.svc.config.public_base_url.trim_end_matches('/');
    Ok(TaskEvent::for_seat(
        seat,
        &task_type,
        &location,
        &election,
        sequence,
        tx.svc.clock.now(),
        html_to_text(&task_type.description),
        Some(format!("{base}/mine-opgaver")),
    ))
}
