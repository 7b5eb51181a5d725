//! When a daily job runs next: at a local time in Europe/Copenhagen, whatever the daylight
//! saving time.

use chrono::{DateTime, Duration, LocalResult, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Copenhagen;

/// The first instant after `now` at which the local time in Denmark is `at`. On the night the
/// clocks go forward, a time that does not exist that night (02:00–03:00) runs an hour later;
/// on the night they go back, a time that happens twice runs the first time.
pub fn next_daily(now: DateTime<Utc>, at: NaiveTime) -> DateTime<Utc> {
    let today = now.with_timezone(&Copenhagen).date_naive();
    for days in 0..=2 {
        let date = today + Duration::days(days);
        let candidate = match Copenhagen.from_local_datetime(&date.and_time(at)) {
            LocalResult::Single(t) => t.with_timezone(&Utc),
            LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
            LocalResult::None => {
                // In the spring gap: one hour later exists.
                match Copenhagen.from_local_datetime(&(date.and_time(at) + Duration::hours(1))) {
                    LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
                    LocalResult::None => continue,
                }
            }
        };
        if candidate > now {
            return candidate;
        }
    }
    now + Duration::days(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or_default()
    }

    fn at(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default()
    }

    #[test]
    fn runs_later_today_or_tomorrow_in_local_time() {
        // Winter (UTC+1): 06:00 local is 05:00 UTC.
        assert_eq!(
            next_daily(utc("2026-01-10T04:00:00Z"), at(6, 0)),
            utc("2026-01-10T05:00:00Z")
        );
        assert_eq!(
            next_daily(utc("2026-01-10T05:00:00Z"), at(6, 0)),
            utc("2026-01-11T05:00:00Z")
        );
        // Summer (UTC+2): 06:00 local is 04:00 UTC.
        assert_eq!(
            next_daily(utc("2026-06-10T12:00:00Z"), at(6, 0)),
            utc("2026-06-11T04:00:00Z")
        );
    }

    #[test]
    fn across_the_daylight_saving_nights() {
        // 29 March 2026: 02:00 local does not exist; it runs at 03:00 CEST (01:00 UTC).
        assert_eq!(
            next_daily(utc("2026-03-28T23:00:00Z"), at(2, 30)),
            utc("2026-03-29T01:30:00Z")
        );
        // The day after the change, 06:00 is 04:00 UTC: 23 hours after the day before's run.
        let before = next_daily(utc("2026-03-28T00:00:00Z"), at(6, 0));
        let after = next_daily(before, at(6, 0));
        assert_eq!(after - before, Duration::hours(23));
        // 25 October 2026: 02:30 happens twice; the first one (00:30 UTC) is taken.
        assert_eq!(
            next_daily(utc("2026-10-24T22:00:00Z"), at(2, 30)),
            utc("2026-10-25T00:30:00Z")
        );
    }
}
