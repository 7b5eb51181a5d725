//! Election day (*valgdag*): the station's check-in page on a phone (its responsible or chair
//! marks each expected person arrived, not arrived or left early, and offers a missing
//! person's seat to the day's reserves), the secretariat's board per station and its reserves,
//! the reserve sign-up page (the link the secretariat shares) and the take page every offer's
//! message links to. Plain forms and links: no JavaScript, refreshed by reloading.

mod board;
mod checkin;
mod reserve;

use axum::Router;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::state::PortalState;

/// The election-day area's routes.
pub fn router() -> Router<PortalState> {
    Router::new()
        .merge(checkin::router())
        .merge(board::router())
        .merge(reserve::router())
}

/// `?dato=YYYY-MM-DD` on the day's pages.
#[derive(Debug, Default, Deserialize)]
struct DayQuery {
    dato: Option<String>,
    valg: Option<String>,
}

impl DayQuery {
    /// The day asked for, if it is a date.
    fn date(&self) -> Option<NaiveDate> {
        self.dato
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    }

    /// The election asked for, if it is an id.
    fn election(&self) -> Option<valghalla::core::ids::ElectionId> {
        self.valg.as_deref().and_then(|v| v.parse().ok())
    }
}

/// The day a page shows: the one asked for, else today if it lies in the election's working
/// period, else election day.
fn day_of(
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
fn status_da(status: Option<valghalla::core::model::AttendanceStatus>) -> (String, &'static str) {
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
