//! Election types and elections.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::ids::{ElectionId, ElectionTypeId, WorkLocationId};
use crate::values::{DanishMessage, Name};

/// The kinds of election Danish law knows, each with its default eligibility rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ElectionKind {
    /// Folketingsvalg or folkeafstemning.
    Folketingsvalg,
    /// Kommunal- og regionsrådsvalg.
    KommunalOgRegionsraadsvalg,
    /// Europa-Parlamentsvalg.
    EuropaParlamentsvalg,
    /// Anything else (a municipal referendum, a test); rules chosen by the municipality.
    Custom,
}

/// An eligibility rule (*valideringsregel*). "Alive" is not listed: it always applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EligibilityRule {
    /// 18 years old on election day ("fyldt 18 år på valgdagen").
    Age18OnElectionDay,
    /// Resident in the municipality.
    ResidentInMunicipality,
    /// Danish citizen.
    DanishCitizen,
    /// Citizen of Denmark, another EU country, Iceland or Norway, or four years' residence in
    /// the realm (KRV § 1).
    LocalElectionCitizenship,
    /// Citizen of an EU country.
    EuCitizen,
    /// Not under guardianship that removes legal capacity (*umyndiggjort*).
    NotUnderGuardianship,
}

impl ElectionKind {
    /// The rules the law sets for this kind (`law-and-practice.md` §3.4).
    pub fn default_rules(self) -> BTreeSet<EligibilityRule> {
        use EligibilityRule::*;
        match self {
            ElectionKind::Folketingsvalg => [
                Age18OnElectionDay,
                ResidentInMunicipality,
                DanishCitizen,
                NotUnderGuardianship,
            ]
            .into(),
            ElectionKind::KommunalOgRegionsraadsvalg => [
                Age18OnElectionDay,
                ResidentInMunicipality,
                LocalElectionCitizenship,
            ]
            .into(),
            ElectionKind::EuropaParlamentsvalg => {
                [Age18OnElectionDay, ResidentInMunicipality, EuCitizen].into()
            }
            ElectionKind::Custom => [Age18OnElectionDay, ResidentInMunicipality].into(),
        }
    }
}

/// An election type (*valgtype*) with its rule set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElectionType {
    /// Id.
    pub id: ElectionTypeId,
    /// Title.
    pub title: Name,
    /// Kind.
    pub kind: ElectionKind,
    /// Rules checked for every task type that checks eligibility.
    pub rules: BTreeSet<EligibilityRule>,
}

impl ElectionType {
    /// A type of `kind` with the law's default rules.
    pub fn with_default_rules(title: Name, kind: ElectionKind) -> Self {
        ElectionType {
            id: ElectionTypeId::new(),
            title,
            kind,
            rules: kind.default_rules(),
        }
    }
}

/// The years an election's dates may lie in. Anything outside is a typing error (a year 20026,
/// a two-digit year), and bounding them keeps every date computation far from the calendar's
/// limits.
pub const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// The longest working period, in days (first to last day, both included): tasks lie from some
/// weeks before election day (postal-vote review) to the final count after it.
pub const MAX_WORKING_PERIOD_DAYS: u64 = 92;

/// The longest lock period, in days.
pub const MAX_LOCK_PERIOD_DAYS: u16 = 60;

/// An inclusive range of dates, first ≤ last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "(NaiveDate, NaiveDate)", into = "(NaiveDate, NaiveDate)")]
pub struct DateRange {
    first: NaiveDate,
    last: NaiveDate,
}

impl DateRange {
    /// The dates from `first` to `last`, both included.
    pub fn new(first: NaiveDate, last: NaiveDate) -> Result<Self, ElectionError> {
        if last < first {
            return Err(ElectionError::PeriodReversed { first, last });
        }
        Ok(DateRange { first, last })
    }

    /// First date.
    pub fn first(&self) -> NaiveDate {
        self.first
    }

    /// Last date.
    pub fn last(&self) -> NaiveDate {
        self.last
    }

    /// Whether `date` is in the range.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.first <= date && date <= self.last
    }

    /// Every date in the range.
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + use<> {
        let (first, last) = (self.first, self.last);
        first.iter_days().take_while(move |d| *d <= last)
    }

    /// The range moved by `days`; `None` past the calendar's limits.
    pub fn shifted(&self, days: i64) -> Option<DateRange> {
        Some(DateRange {
            first: shift_date(self.first, days)?,
            last: shift_date(self.last, days)?,
        })
    }

    /// How many days the range holds (both ends included).
    pub fn len_days(&self) -> u64 {
        u64::try_from((self.last - self.first).num_days()).map_or(0, |d| d + 1)
    }
}

/// `date` moved by `days` (negative: earlier); `None` past the calendar's limits.
pub fn shift_date(date: NaiveDate, days: i64) -> Option<NaiveDate> {
    let n = Days::new(days.unsigned_abs());
    if days >= 0 {
        date.checked_add_days(n)
    } else {
        date.checked_sub_days(n)
    }
}

impl TryFrom<(NaiveDate, NaiveDate)> for DateRange {
    type Error = ElectionError;
    fn try_from((first, last): (NaiveDate, NaiveDate)) -> Result<Self, Self::Error> {
        DateRange::new(first, last)
    }
}

impl From<DateRange> for (NaiveDate, NaiveDate) {
    fn from(r: DateRange) -> Self {
        (r.first, r.last)
    }
}

/// Why an election's dates are refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ElectionError {
    /// A date outside [`PLAUSIBLE_YEARS`].
    #[error("{field}: {date} is not a plausible date; use a year from 1900 to 2200")]
    ImplausibleDate {
        /// Which date (`election day`, `first day`, `last day`).
        field: &'static str,
        /// The date.
        date: NaiveDate,
    },
    /// The working period is longer than [`MAX_WORKING_PERIOD_DAYS`].
    #[error(
        "working period: {days} days is too long; a working period may be at most {MAX_WORKING_PERIOD_DAYS} days"
    )]
    PeriodTooLong {
        /// Its length.
        days: u64,
    },
    /// The lock period is longer than [`MAX_LOCK_PERIOD_DAYS`].
    #[error(
        "lock period: {days} days is too long; the lock period may be at most {MAX_LOCK_PERIOD_DAYS} days"
    )]
    LockPeriodTooLong {
        /// Its length.
        days: u16,
    },
    /// The working period ends before it starts.
    #[error("working period: the last day {last} is before the first day {first}")]
    PeriodReversed {
        /// First day.
        first: NaiveDate,
        /// Last day.
        last: NaiveDate,
    },
    /// The election day is outside the working period.
    #[error(
        "election day: {day} is outside the working period {first} – {last}; widen the period or move the day"
    )]
    DayOutsidePeriod {
        /// Election day.
        day: NaiveDate,
        /// First day of the period.
        first: NaiveDate,
        /// Last day of the period.
        last: NaiveDate,
    },
    /// A task date outside the working period.
    #[error("task date: {date} is outside the election's working period {first} – {last}")]
    DateOutsidePeriod {
        /// The date.
        date: NaiveDate,
        /// First day of the period.
        first: NaiveDate,
        /// Last day of the period.
        last: NaiveDate,
    },
}

impl DanishMessage for ElectionError {
    fn message_da(&self) -> String {
        match self {
            ElectionError::ImplausibleDate { field, date } => format!(
                "{}: {date} er ikke en mulig dato; brug et årstal fra 1900 til 2200",
                match *field {
                    "election day" => "Valgdato",
                    "first day" => "Første dag",
                    _ => "Sidste dag",
                }
            ),
            ElectionError::PeriodTooLong { days } => format!(
                "Arbejdsperiode: {days} dage er for lang; en arbejdsperiode må højst være {MAX_WORKING_PERIOD_DAYS} dage"
            ),
            ElectionError::LockPeriodTooLong { days } => format!(
                "Låseperiode: {days} dage er for lang; låseperioden må højst være {MAX_LOCK_PERIOD_DAYS} dage"
            ),
            ElectionError::PeriodReversed { first, last } => {
                format!("Arbejdsperiode: sidste dag {last} ligger før første dag {first}")
            }
            ElectionError::DayOutsidePeriod { day, first, last } => format!(
                "Valgdato: {day} ligger uden for arbejdsperioden {first} – {last}; udvid perioden eller flyt datoen"
            ),
            ElectionError::DateOutsidePeriod { date, first, last } => {
                format!(
                    "Opgavedato: {date} ligger uden for valgets arbejdsperiode {first} – {last}"
                )
            }
        }
    }
}

/// An election (*valg*). Tasks may lie on any day of its working period: the postal-vote review
/// the day before, the final count the day after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Election {
    /// Id.
    pub id: ElectionId,
    /// Title.
    pub title: Name,
    /// Its type (which decides the eligibility rules).
    pub election_type: ElectionTypeId,
    election_day: NaiveDate,
    working_period: DateRange,
    /// Days before a task during which a participant can no longer withdraw (*låseperiode*).
    pub lock_period_days: u16,
    /// Active: messages are sent and the participant portal shows it.
    pub active: bool,
    /// Work locations taking part.
    pub work_locations: BTreeSet<WorkLocationId>,
}

impl Election {
    /// A new, inactive election. Its dates must be plausible ([`PLAUSIBLE_YEARS`]), the
    /// working period at most [`MAX_WORKING_PERIOD_DAYS`] long and contain the election day, and
    /// the lock period at most [`MAX_LOCK_PERIOD_DAYS`].
    pub fn new(
        title: Name,
        election_type: ElectionTypeId,
        election_day: NaiveDate,
        working_period: DateRange,
        lock_period_days: u16,
    ) -> Result<Self, ElectionError> {
        check_dates(election_day, working_period)?;
        check_lock_period(lock_period_days)?;
        Ok(Election {
            id: ElectionId::new(),
            title,
            election_type,
            election_day,
            working_period,
            lock_period_days,
            active: false,
            work_locations: BTreeSet::new(),
        })
    }

    /// Election day.
    pub fn election_day(&self) -> NaiveDate {
        self.election_day
    }

    /// The days on which tasks may lie.
    pub fn working_period(&self) -> DateRange {
        self.working_period
    }

    /// Changes the election day and working period together, keeping the invariant.
    pub fn reschedule(
        &mut self,
        election_day: NaiveDate,
        working_period: DateRange,
    ) -> Result<(), ElectionError> {
        check_dates(election_day, working_period)?;
        self.election_day = election_day;
        self.working_period = working_period;
        Ok(())
    }

    /// Refuses a task date outside the working period.
    pub fn check_task_date(&self, date: NaiveDate) -> Result<(), ElectionError> {
        if self.working_period.contains(date) {
            Ok(())
        } else {
            Err(ElectionError::DateOutsidePeriod {
                date,
                first: self.working_period.first(),
                last: self.working_period.last(),
            })
        }
    }

    /// Sets the lock period, at most [`MAX_LOCK_PERIOD_DAYS`].
    pub fn set_lock_period(&mut self, days: u16) -> Result<(), ElectionError> {
        check_lock_period(days)?;
        self.lock_period_days = days;
        Ok(())
    }

    /// The last day a participant may withdraw from a task on `task_date` (the earliest date
    /// there is, should that lie before the calendar's start: then it is always locked).
    pub fn last_day_to_withdraw(&self, task_date: NaiveDate) -> NaiveDate {
        task_date
            .checked_sub_days(Days::new(u64::from(self.lock_period_days) + 1))
            .unwrap_or(NaiveDate::MIN)
    }
}

fn check_lock_period(days: u16) -> Result<(), ElectionError> {
    if days > MAX_LOCK_PERIOD_DAYS {
        return Err(ElectionError::LockPeriodTooLong { days });
    }
    Ok(())
}

/// Plausible dates, a working period of bounded length, containing election day.
fn check_dates(day: NaiveDate, period: DateRange) -> Result<(), ElectionError> {
    for (field, date) in [
        ("election day", day),
        ("first day", period.first()),
        ("last day", period.last()),
    ] {
        if !PLAUSIBLE_YEARS.contains(&date.year()) {
            return Err(ElectionError::ImplausibleDate { field, date });
        }
    }
    if period.len_days() > MAX_WORKING_PERIOD_DAYS {
        return Err(ElectionError::PeriodTooLong {
            days: period.len_days(),
        });
    }
    check_day_in_period(day, period)
}

fn check_day_in_period(day: NaiveDate, period: DateRange) -> Result<(), ElectionError> {
    if period.contains(day) {
        Ok(())
    } else {
        Err(ElectionError::DayOutsidePeriod {
            day,
            first: period.first(),
            last: period.last(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_working_period_must_contain_election_day() {
        let period = DateRange::new(d(2026, 6, 9), d(2026, 6, 11)).unwrap();
        let name = Name::parse("Folketingsvalg").unwrap();
        assert!(
            Election::new(
                name.clone(),
                ElectionTypeId::new(),
                d(2026, 6, 10),
                period,
                4
            )
            .is_ok()
        );
        let err =
            Election::new(name, ElectionTypeId::new(), d(2026, 6, 12), period, 4).unwrap_err();
        assert!(matches!(err, ElectionError::DayOutsidePeriod { .. }));
        assert!(err.message_da().starts_with("Valgdato"));
        assert!(DateRange::new(d(2026, 6, 11), d(2026, 6, 9)).is_err());
    }

    #[test]
    fn implausible_dates_and_overlong_periods_are_refused() {
        let name = Name::parse("FV").unwrap();
        let far = NaiveDate::from_ymd_opt(262_142, 1, 1).unwrap();
        let period = DateRange::new(far, far).unwrap();
        let err = Election::new(name.clone(), ElectionTypeId::new(), far, period, 4).unwrap_err();
        assert!(matches!(
            err,
            ElectionError::ImplausibleDate {
                field: "election day",
                ..
            }
        ));
        assert!(err.to_string().contains("1900 to 2200"), "{err}");
        assert!(err.message_da().starts_with("Valgdato"));
        let long = DateRange::new(d(2026, 1, 1), d(2026, 12, 31)).unwrap();
        let err =
            Election::new(name.clone(), ElectionTypeId::new(), d(2026, 6, 1), long, 4).unwrap_err();
        assert_eq!(err, ElectionError::PeriodTooLong { days: 365 });
        let short = DateRange::new(d(2026, 6, 1), d(2026, 6, 1)).unwrap();
        let err = Election::new(name, ElectionTypeId::new(), d(2026, 6, 1), short, 61).unwrap_err();
        assert_eq!(err, ElectionError::LockPeriodTooLong { days: 61 });
    }

    #[test]
    fn date_arithmetic_at_the_calendars_edges_does_not_panic() {
        let edge = DateRange::new(NaiveDate::MAX, NaiveDate::MAX).unwrap();
        assert_eq!(edge.shifted(1), None);
        assert_eq!(edge.shifted(i64::MIN), None);
        assert_eq!(
            DateRange::new(d(2026, 6, 9), d(2026, 6, 11))
                .unwrap()
                .shifted(-7),
            Some(DateRange::new(d(2026, 6, 2), d(2026, 6, 4)).unwrap())
        );
        let mut e = Election::new(
            Name::parse("FV").unwrap(),
            ElectionTypeId::new(),
            d(2026, 6, 10),
            DateRange::new(d(2026, 6, 10), d(2026, 6, 10)).unwrap(),
            4,
        )
        .unwrap();
        e.lock_period_days = u16::MAX;
        assert_eq!(e.last_day_to_withdraw(NaiveDate::MIN), NaiveDate::MIN);
    }

    #[test]
    fn date_ranges_refuse_reversed_input_when_deserialised() {
        let json = "[\"2026-06-11\",\"2026-06-09\"]";
        assert!(serde_json::from_str::<DateRange>(json).is_err());
    }

    #[test]
    fn the_lock_period_counts_back_from_the_task_date() {
        let period = DateRange::new(d(2026, 6, 9), d(2026, 6, 11)).unwrap();
        let e = Election::new(
            Name::parse("FV").unwrap(),
            ElectionTypeId::new(),
            d(2026, 6, 10),
            period,
            4,
        )
        .unwrap();
        // Locked when today + 4 >= task date: the last free day is 5 days before.
        assert_eq!(e.last_day_to_withdraw(d(2026, 6, 10)), d(2026, 6, 5));
    }

    #[test]
    fn default_rules_follow_the_law() {
        use EligibilityRule::*;
        assert!(
            ElectionKind::Folketingsvalg
                .default_rules()
                .contains(&DanishCitizen)
        );
        assert!(
            ElectionKind::Folketingsvalg
                .default_rules()
                .contains(&NotUnderGuardianship)
        );
        let krv = ElectionKind::KommunalOgRegionsraadsvalg.default_rules();
        assert!(krv.contains(&LocalElectionCitizenship) && !krv.contains(&DanishCitizen));
        assert!(!krv.contains(&NotUnderGuardianship));
        assert!(
            ElectionKind::EuropaParlamentsvalg
                .default_rules()
                .contains(&EuCitizen)
        );
    }
}
