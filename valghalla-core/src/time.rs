//! Task times. A task type has a daily window of local times; on a given date that becomes a
//! [`TimeWindow`] of real instants in Europe/Copenhagen, so a window that crosses midnight or a
//! daylight-saving change has its true length.
//!
//! Every time shown to a person — refusals, messages, lists, exports, pages — is written here,
//! in Danish local time, with "(næste dag)" / "(next day)" when a window ends after midnight:
//! [`format_local`], [`TimeWindow::display`], [`DailyWindow::display`] and
//! [`DailyWindow::end_display`]. Instants are stored and compared in UTC; they are never shown so.

use chrono::{
    DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc,
};
use chrono_tz::Europe::Copenhagen;
use serde::{Deserialize, Serialize};

/// The local start and end time of a task. An end at or before the start means the task ends the
/// next day (a final count 17:00–02:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DailyWindow {
    start: NaiveTime,
    end: NaiveTime,
}

impl DailyWindow {
    /// A window from `start` to `end` local time.
    pub const fn new(start: NaiveTime, end: NaiveTime) -> Self {
        DailyWindow { start, end }
    }

    /// A window from hours and minutes, e.g. `hm(7, 30, 22, 0)`; `None` for impossible times.
    pub fn hm(start_h: u32, start_m: u32, end_h: u32, end_m: u32) -> Option<Self> {
        Some(DailyWindow::new(
            NaiveTime::from_hms_opt(start_h, start_m, 0)?,
            NaiveTime::from_hms_opt(end_h, end_m, 0)?,
        ))
    }

    /// Local start time.
    pub fn start(&self) -> NaiveTime {
        self.start
    }

    /// Local end time.
    pub fn end(&self) -> NaiveTime {
        self.end
    }

    /// Whether the task ends on the day after its date.
    pub fn ends_next_day(&self) -> bool {
        self.end <= self.start
    }

    /// The window as a person reads it: `07:30–22:00`, or `17:00–02:00 (næste dag)`.
    pub fn display(&self, lang: Lang) -> String {
        format!("{}–{}", hm(self.start), self.end_display(lang))
    }

    /// The end as a person reads it: `22:00`, or `02:00 (næste dag)` when it is the next day.
    pub fn end_display(&self, lang: Lang) -> String {
        if self.ends_next_day() {
            format!("{} {}", hm(self.end), lang.next_day())
        } else {
            hm(self.end)
        }
    }

    /// The real window on `date` in Europe/Copenhagen.
    ///
    /// A local time that does not exist (the hour skipped in spring) is moved to the instant the
    /// clocks jump to; an ambiguous one (the hour repeated in autumn) resolves to the earlier
    /// instant for a start and the later one for an end, so the window covers the whole
    /// wall-clock interval.
    pub fn on(&self, date: NaiveDate) -> TimeWindow {
        let end_date = if self.ends_next_day() {
            date.succ_opt().unwrap_or(date)
        } else {
            date
        };
        TimeWindow {
            start: resolve_local(date.and_time(self.start), Edge::Start),
            end: resolve_local(end_date.and_time(self.end), Edge::End),
        }
    }
}

#[derive(Clone, Copy)]
enum Edge {
    Start,
    End,
}

fn resolve_local(local: NaiveDateTime, edge: Edge) -> DateTime<Utc> {
    match Copenhagen.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(early, late) => match edge {
            Edge::Start => early.with_timezone(&Utc),
            Edge::End => late.with_timezone(&Utc),
        },
        LocalResult::None => {
            // Inside the spring-forward gap: the first local minute that exists again is the
            // instant the clocks jumped to (gaps are at most an hour in this zone).
            let mut probe = local
                .with_second(0)
                .and_then(|p| p.with_nanosecond(0))
                .unwrap_or(local);
            for _ in 0..=120 {
                probe += Duration::minutes(1);
                if let Some(t) = Copenhagen.from_local_datetime(&probe).earliest() {
                    return t.with_timezone(&Utc);
                }
            }
            local.and_utc()
        }
    }
}

/// A span of real time, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TimeWindow {
    /// First instant.
    pub start: DateTime<Utc>,
    /// First instant after the window.
    pub end: DateTime<Utc>,
}

impl TimeWindow {
    /// Whether the two windows share any time. Touching windows (one ends when the other starts)
    /// do not overlap.
    pub fn overlaps(&self, other: &TimeWindow) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// The true elapsed time.
    pub fn duration(&self) -> Duration {
        self.end - self.start
    }

    /// The window in Danish local time: `17.11.2026 07:30–22:00`, `17.11.2026 17:00–02:00
    /// (næste dag)`, or both dates in full when it spans more than one midnight.
    pub fn display(&self, lang: Lang) -> String {
        let (start, end) = (local(self.start), local(self.end));
        let first = start.format("%d.%m.%Y %H:%M");
        let days = (end.date() - start.date()).num_days();
        match days {
            0 => format!("{first}–{}", hm(end.time())),
            1 => format!("{first}–{} {}", hm(end.time()), lang.next_day()),
            _ => format!("{first} – {}", end.format("%d.%m.%Y %H:%M")),
        }
    }
}

/// The language a time is written in for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Danish.
    Da,
    /// English.
    En,
}

impl Lang {
    fn next_day(self) -> &'static str {
        match self {
            Lang::Da => "(næste dag)",
            Lang::En => "(next day)",
        }
    }
}

fn hm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

fn local(at: DateTime<Utc>) -> NaiveDateTime {
    at.with_timezone(&Copenhagen).naive_local()
}

/// An instant as a person reads it, in Danish local time: `17.11.2026 07:30`.
pub fn format_local(at: DateTime<Utc>) -> String {
    local(at).format("%d.%m.%Y %H:%M").to_string()
}

/// The time of day of an instant in Danish local time: `07:30`.
pub fn format_local_time(at: DateTime<Utc>) -> String {
    local(at).format("%H:%M").to_string()
}

/// The instant a person means by `time` on `date` in Denmark (in a DST gap, the first instant
/// after it; in the repeated hour, the first of the two).
pub fn local_instant(date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    resolve_local(date.and_time(time), Edge::Start)
}

/// A date as a person reads it: `17.11.2026`.
pub fn format_date(date: NaiveDate) -> String {
    date.format("%d.%m.%Y").to_string()
}

/// Today's date in Danish local time.
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Copenhagen).date_naive()
}

/// The instant local midnight starts `date` in Denmark.
pub fn start_of_local_day(date: NaiveDate) -> DateTime<Utc> {
    resolve_local(date.and_time(NaiveTime::MIN), Edge::Start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }
    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn an_end_at_or_before_the_start_means_the_next_day() {
        let fintaelling = DailyWindow::new(t(17, 0), t(2, 0));
        assert!(fintaelling.ends_next_day());
        assert_eq!(
            fintaelling.on(d(2026, 6, 10)).duration(),
            Duration::hours(9)
        );
        let full_day = DailyWindow::new(t(7, 0), t(7, 0));
        assert_eq!(full_day.on(d(2026, 6, 10)).duration(), Duration::hours(24));
    }

    #[test]
    fn windows_are_in_copenhagen_time() {
        let w = DailyWindow::new(t(7, 0), t(20, 0)).on(d(2026, 6, 10));
        assert_eq!(w.start.to_rfc3339(), "2026-06-10T05:00:00+00:00");
        let w = DailyWindow::new(t(7, 0), t(20, 0)).on(d(2026, 1, 10));
        assert_eq!(w.start.to_rfc3339(), "2026-01-10T06:00:00+00:00");
    }

    #[test]
    fn dst_days_have_their_true_length() {
        // Spring forward: 29 March 2026 02:00 -> 03:00.
        let night = DailyWindow::new(t(20, 0), t(8, 0));
        assert_eq!(night.on(d(2026, 3, 28)).duration(), Duration::hours(11));
        // Autumn back: 25 October 2026 03:00 -> 02:00.
        assert_eq!(night.on(d(2026, 10, 24)).duration(), Duration::hours(13));
        // A start inside the skipped hour starts when the clocks jump.
        let w = DailyWindow::new(t(2, 30), t(4, 0)).on(d(2026, 3, 29));
        assert_eq!(w.start.to_rfc3339(), "2026-03-29T01:00:00+00:00");
        assert_eq!(w.duration(), Duration::hours(1));
        // An ambiguous end takes the later instant: 01:00 -> 02:30 spans the repeated hour.
        let w = DailyWindow::new(t(1, 0), t(2, 30)).on(d(2026, 10, 25));
        assert_eq!(w.duration(), Duration::minutes(150));
    }

    #[test]
    fn windows_are_shown_in_danish_local_time() {
        // 07:30–22:00 in November is 06:30–21:00 UTC; in June 05:30–20:00 UTC.
        let w = DailyWindow::new(t(7, 30), t(22, 0));
        assert_eq!(
            w.on(d(2026, 11, 17)).display(Lang::Da),
            "17.11.2026 07:30–22:00"
        );
        assert_eq!(
            w.on(d(2026, 6, 10)).display(Lang::En),
            "10.06.2026 07:30–22:00"
        );
        assert_eq!(w.display(Lang::Da), "07:30–22:00");
        assert_eq!(
            format_local(w.on(d(2026, 11, 17)).start),
            "17.11.2026 07:30"
        );
    }

    #[test]
    fn windows_ending_after_midnight_say_next_day() {
        let count = DailyWindow::new(t(17, 0), t(2, 0));
        assert_eq!(count.display(Lang::Da), "17:00–02:00 (næste dag)");
        assert_eq!(count.end_display(Lang::En), "02:00 (next day)");
        assert_eq!(
            count.on(d(2026, 11, 17)).display(Lang::Da),
            "17.11.2026 17:00–02:00 (næste dag)"
        );
        assert_eq!(
            count.on(d(2026, 11, 17)).display(Lang::En),
            "17.11.2026 17:00–02:00 (next day)"
        );
        // Across the autumn change the local times are still the wall-clock ones.
        assert_eq!(
            DailyWindow::new(t(20, 0), t(8, 0))
                .on(d(2026, 10, 24))
                .display(Lang::Da),
            "24.10.2026 20:00–08:00 (næste dag)"
        );
        let long = TimeWindow {
            start: count.on(d(2026, 11, 17)).start,
            end: count.on(d(2026, 11, 19)).end,
        };
        assert_eq!(
            long.display(Lang::En),
            "17.11.2026 17:00 – 20.11.2026 02:00"
        );
    }

    #[test]
    fn touching_windows_do_not_overlap() {
        let day = d(2026, 6, 10);
        let morning = DailyWindow::new(t(7, 0), t(13, 0)).on(day);
        let afternoon = DailyWindow::new(t(13, 0), t(20, 0)).on(day);
        let midday = DailyWindow::new(t(12, 0), t(14, 0)).on(day);
        assert!(!morning.overlaps(&afternoon));
        assert!(morning.overlaps(&midday));
        assert!(afternoon.overlaps(&midday));
    }

    #[test]
    fn overnight_windows_overlap_the_next_morning() {
        let count = DailyWindow::new(t(17, 0), t(2, 0)).on(d(2026, 6, 10));
        let early = DailyWindow::new(t(1, 0), t(6, 0)).on(d(2026, 6, 11));
        assert!(count.overlaps(&early));
    }

    fn arb_window() -> impl Strategy<Value = (DailyWindow, NaiveDate)> {
        (0u32..24, 0u32..4, 0u32..24, 0u32..4, 0i64..3000).prop_map(|(sh, sq, eh, eq, day)| {
            (
                DailyWindow::new(t(sh, sq * 15), t(eh, eq * 15)),
                d(2024, 1, 1) + Duration::days(day),
            )
        })
    }

    fn is_dst_change_near(date: NaiveDate) -> bool {
        (0..=1).any(|k| {
            let day = date + Duration::days(k);
            let a = Copenhagen
                .from_local_datetime(&day.and_time(t(12, 0)))
                .earliest();
            let b = Copenhagen
                .from_local_datetime(&(day - Duration::days(1)).and_time(t(12, 0)))
                .earliest();
            match (a, b) {
                (Some(a), Some(b)) => (a - b) != Duration::hours(24),
                _ => true,
            }
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn overlaps_is_symmetric((a, da) in arb_window(), (b, db) in arb_window()) {
            let (x, y) = (a.on(da), b.on(db));
            prop_assert_eq!(x.overlaps(&y), y.overlaps(&x));
        }

        #[test]
        fn length_is_the_wall_clock_length_except_across_a_dst_change((w, date) in arb_window()) {
            let wall = {
                let mins = |n: NaiveTime| i64::from(chrono::Timelike::num_seconds_from_midnight(&n)) / 60;
                let raw = mins(w.end()) - mins(w.start());
                Duration::minutes(if raw <= 0 { raw + 24 * 60 } else { raw })
            };
            let window = w.on(date);
            prop_assert!(window.duration() > Duration::zero());
            if is_dst_change_near(date) {
                prop_assert!((window.duration() - wall).num_minutes().abs() <= 60);
            } else {
                prop_assert_eq!(window.duration(), wall);
            }
        }
    }
}
