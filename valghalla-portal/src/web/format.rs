//! Danish that reads well, in one place: a count with its word in the right number ("1 ledig",
//! "2 ledige"), one date format (dd.mm.åååå, with the weekday where a person plans by it), and
//! links written out in full so they can be copied and shared. Pure functions; the pages call
//! them and the templates show what they return. Times of day and "(næste dag)" are the core's
//! ([`valghalla_core::time`]); shares and percentages too ([`valghalla_core::apportion::shares`]).

use chrono::{Datelike, NaiveDate};

/// A count with its word in the right number: `count_da(1, "ledig", "ledige")` is `"1 ledig"`;
/// 0 and everything above 1 take the plural, as Danish does ("0 ledige", "2 ledige").
pub fn count_da(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

const WEEKDAYS: [&str; 7] = [
    "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag",
];

/// The one date format of pages, lists and exports: `17.11.2026`.
pub fn date_da(d: NaiveDate) -> String {
    valghalla_core::time::format_date(d)
}

/// A date with its weekday, where a person plans by it: `tirsdag 17.11.2026`.
pub fn weekday_date_da(d: NaiveDate) -> String {
    let wd = WEEKDAYS
        .get(d.weekday().num_days_from_monday() as usize)
        .copied()
        .unwrap_or("");
    format!("{wd} {}", date_da(d))
}

/// A path on the portal written out in full (`https://valg.korsbaek.dk/link/…`), as a person
/// copies and shares it. `base` is the portal's public address; a trailing `/` on it and a
/// missing leading `/` on `path` are both fine.
pub fn full_url(base: &str, path: &str) -> String {
    let base = base.trim_end_matches('/');
    let path = path.trim_start_matches('/');
    format!("{base}/{path}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_takes_the_singular_and_every_other_count_the_plural() {
        assert_eq!(count_da(1, "ledig", "ledige"), "1 ledig");
        assert_eq!(count_da(2, "ledig", "ledige"), "2 ledige");
        assert_eq!(count_da(0, "ledig", "ledige"), "0 ledige");
        assert_eq!(count_da(1, "ubesvaret", "ubesvarede"), "1 ubesvaret");
        assert_eq!(count_da(11, "plads", "pladser"), "11 pladser");
    }

    #[test]
    fn dates_are_day_month_year_with_dots_and_leading_zeros() {
        let d = NaiveDate::from_ymd_opt(2027, 1, 5).unwrap_or_default();
        assert_eq!(date_da(d), "05.01.2027");
        assert_eq!(weekday_date_da(d), "tirsdag 05.01.2027");
        let sunday = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default();
        assert_eq!(weekday_date_da(sunday), "søndag 22.11.2026");
    }

    #[test]
    fn a_full_url_joins_base_and_path_with_one_slash() {
        assert_eq!(
            full_url("https://valg.example.dk/", "/link/abc"),
            "https://valg.example.dk/link/abc"
        );
        assert_eq!(
            full_url("http://127.0.0.1:8080", "link/abc"),
            "http://127.0.0.1:8080/link/abc"
        );
    }
}
