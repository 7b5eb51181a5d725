//! Election types and elections.

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDate};
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

    /// The range moved by `days`.
    pub fn shifted(&self, days: i64) -> DateRange {
        DateRange {
            first: self.first + Duration::days(days),
            last: self.last + Duration::days(days),
        }
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
    /// A new, inactive election. The working period must contain the election day.
    pub fn new(
        title: Name,
        election_type: ElectionTypeId,
        election_day: NaiveDate,
        working_period: DateRange,
        lock_period_days: u16,
    ) -> Result<Self, ElectionError> {
        check_day_in_period(election_day, working_period)?;
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
        check_day_in_period(election_day, working_period)?;
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

    /// The last day a participant may withdraw from a task on `task_date`.
    pub fn last_day_to_withdraw(&self, task_date: NaiveDate) -> NaiveDate {
        task_date - Duration::days(i64::from(self.lock_period_days) + 1)
    }
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
