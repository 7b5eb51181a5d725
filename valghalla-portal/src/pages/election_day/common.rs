//! What the election-day pages share: the day asked for, and how a status looks.

use chrono::NaiveDate;
use serde::Deserialize;

/// `?dato=YYYY-MM-DD` on the day's pages.
#[derive(Debug, Default, Deserialize)]
pub(super) struct DayQuery {
    dato: Option<String>,
    valg: Option<String>,
}

impl DayQuery {
    /// The day asked for, if it is a date.
    pub(super) fn date(&self) -> Option<NaiveDate> {
        self.dato
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    }

    /// The election asked for, if it is an id.
    pub(super) fn election(&self) -> Option<valghalla::core::ids::ElectionId> {
        self.valg.as_deref().and_then(|v| v.parse().ok())
    }
}

/// The day a page shows: the one asked for, else today if it lies in the election's working
/// period, else election day.
pub(super) fn day_of(
    election: &valghalla::core::model::Election,
    asked: Option<NaiveDate>,
    today: NaiveDate,
) -> NaiveDate {
    asked.unwrap_or(if election.working_period().contains(today) {
        today
    } else {
        election.election_day()
    })
}

/// What a status looks like on the pages.
pub(super) fn status_da(
    status: Option<valghalla::core::model::AttendanceStatus>,
) -> (String, &'static str) {
    use valghalla::core::model::AttendanceStatus as S;
    match status {
        None => ("Ikke registreret".into(), "invited"),
        Some(S::Arrived) => ("Mødt".into(), "accepted"),
        Some(S::NotArrived) => ("Ikke mødt".into(), "vacant"),
        Some(S::LeftEarly { at }) => (
            format!(
                "Gik før tid kl. {}",
                valghalla::core::time::format_local_time(at)
            ),
            "accepted",
        ),
    }
}
