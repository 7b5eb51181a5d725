//! The values a message template needs, snapshotted when the change that causes the message
//! happens: a pure function of the records the message is about.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};

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
