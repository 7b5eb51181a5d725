//! Danish CPR numbers (*personnummer*).
//!
//! A CPR number is sensitive personal data. [`Cpr`]'s `Debug` and `Display` show only the birth
//! date part (`DDMMYY-xxxx`); the whole number comes out only through [`Cpr::reveal`] and
//! [`Cpr::reveal_dashed`], so every place that exposes it is easy to find and review.
//! `Serialize` writes the full number, because stores must persist it: never serialise a
//! participant into a log.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::values::DanishMessage;

/// A parsed, valid CPR number.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cpr {
    digits: [u8; 10],
    birth_date: NaiveDate,
}

/// Why a text is not a CPR number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CprError {
    /// Nothing was entered.
    #[error("CPR number: it is empty; enter 10 digits as DDMMYY-SSSS")]
    Empty,
    /// Wrong number of digits or characters that are not digits.
    #[error(
        "CPR number: it must be 10 digits, written DDMMYYSSSS or DDMMYY-SSSS (found {found_digits} digits)"
    )]
    Format {
        /// How many digits the input held.
        found_digits: usize,
    },
    /// The month (digits 3–4) is not 01–12.
    #[error("CPR number: the month (digits 3-4) is {month:02}; it must be 01-12")]
    Month {
        /// The month as written.
        month: u8,
    },
    /// The day does not exist in that month and year.
    #[error("CPR number: the birth date {day:02}.{month:02}.{year} does not exist")]
    Day {
        /// The day (after removing a replacement number's +60).
        day: u8,
        /// The month.
        month: u8,
        /// The full year from the century rule.
        year: i32,
    },
}

impl DanishMessage for CprError {
    fn message_da(&self) -> String {
        match self {
            CprError::Empty => "CPR-nummer: feltet er tomt; skriv 10 cifre som DDMMÅÅ-XXXX".into(),
            CprError::Format { found_digits } => format!(
                "CPR-nummer: skal være 10 cifre, skrevet DDMMÅÅXXXX eller DDMMÅÅ-XXXX (fandt {found_digits} cifre)"
            ),
            CprError::Month { month } => {
                format!("CPR-nummer: måneden (ciffer 3-4) er {month:02}; den skal være 01-12")
            }
            CprError::Day { day, month, year } => {
                format!("CPR-nummer: fødselsdatoen {day:02}.{month:02}.{year} findes ikke")
            }
        }
    }
}

/// Biological sex as encoded in the last digit (odd: male, even: female).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Gender {
    /// Last digit odd.
    Male,
    /// Last digit even.
    Female,
}

/// How a birthday on 29 February counts in a year without that day.
///
/// The law says "fyldt 18 år" without naming the case; Danish practice (and the default here) is
/// that the person becomes a year older on 1 March.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum LeapDayBirthdays {
    /// The birthday is 1 March in common years (the default).
    #[default]
    FirstOfMarch,
    /// The birthday is 28 February in common years.
    TwentyEighthOfFebruary,
}

/// The century of a CPR number, from the CPR office's table: the 7th digit and the two-digit
/// year together decide it.
fn century(seventh: u8, yy: u8) -> i32 {
    match seventh {
        0..=3 => 1900,
        4 | 9 => {
            if yy <= 36 {
                2000
            } else {
                1900
            }
        }
        // 5–8
        _ => {
            if yy <= 57 {
                2000
            } else {
                1800
            }
        }
    }
}

impl Cpr {
    /// Parses `DDMMYYSSSS` or `DDMMYY-SSSS`; surrounding whitespace is ignored.
    ///
    /// Replacement numbers (*erstatningspersonnumre*, day + 60) resolve to the real birth date.
    /// The modulus-11 check is not applied: numbers without it have been issued since 2007. Use
    /// [`Cpr::passes_modulus_11`] as a hint only.
    pub fn parse(input: &str) -> Result<Self, CprError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(CprError::Empty);
        }
        let bytes = s.as_bytes();
        let digit_count = bytes.iter().filter(|b| b.is_ascii_digit()).count();
        let well_formed = match bytes.len() {
            10 => bytes.iter().all(u8::is_ascii_digit),
            11 => {
                bytes[6] == b'-'
                    && bytes[..6].iter().all(u8::is_ascii_digit)
                    && bytes[7..].iter().all(u8::is_ascii_digit)
            }
            _ => false,
        };
        if !well_formed {
            return Err(CprError::Format {
                found_digits: digit_count,
            });
        }
        let mut digits = [0u8; 10];
        for (slot, b) in digits
            .iter_mut()
            .zip(bytes.iter().filter(|b| b.is_ascii_digit()))
        {
            *slot = b - b'0';
        }
        Self::from_digits(digits)
    }

    fn from_digits(digits: [u8; 10]) -> Result<Self, CprError> {
        let mut day = digits[0] * 10 + digits[1];
        let month = digits[2] * 10 + digits[3];
        let yy = digits[4] * 10 + digits[5];
        if day > 60 {
            day -= 60;
        }
        if !(1..=12).contains(&month) {
            return Err(CprError::Month { month });
        }
        let year = century(digits[6], yy) + i32::from(yy);
        let birth_date = NaiveDate::from_ymd_opt(year, u32::from(month), u32::from(day))
            .ok_or(CprError::Day { day, month, year })?;
        Ok(Cpr { digits, birth_date })
    }

    /// The birth date the number encodes.
    pub fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }

    /// Whether this is a replacement number (day + 60).
    pub fn is_replacement_number(&self) -> bool {
        self.digits[0] >= 6
    }

    /// Full years of age on `date`; a 29 February birthday counts as 1 March in common years.
    pub fn age_on(&self, date: NaiveDate) -> i32 {
        age_on(self.birth_date, date, LeapDayBirthdays::default())
    }

    /// The gender digit (the last digit: odd is male, even is female).
    pub fn gender(&self) -> Gender {
        if self.digits[9] % 2 == 1 {
            Gender::Male
        } else {
            Gender::Female
        }
    }

    /// Whether the number satisfies the old modulus-11 check. Since 2007 valid numbers need not;
    /// use this only as a hint that a number may have been mistyped.
    pub fn passes_modulus_11(&self) -> bool {
        const WEIGHTS: [u32; 10] = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1];
        let sum: u32 = self
            .digits
            .iter()
            .zip(WEIGHTS)
            .map(|(d, w)| u32::from(*d) * w)
            .sum();
        sum.is_multiple_of(11)
    }

    /// The whole number as ten digits. This is the one place (with [`Cpr::reveal_dashed`]) where
    /// the serial digits leave this type: call it only for a role that may see CPR numbers.
    pub fn reveal(&self) -> String {
        self.digits.iter().map(|d| char::from(b'0' + d)).collect()
    }

    /// The whole number as `DDMMYY-SSSS`, for exports that require that form.
    pub fn reveal_dashed(&self) -> String {
        let all = self.reveal();
        format!("{}-{}", &all[..6], &all[6..])
    }

    /// The masked form `DDMMYY-xxxx`, safe to show anyone allowed to see the birth date.
    pub fn masked(&self) -> String {
        let head: String = self.digits[..6]
            .iter()
            .map(|d| char::from(b'0' + d))
            .collect();
        format!("{head}-xxxx")
    }
}

/// Full years between `birth` and `on`, with an explicit rule for 29 February birthdays.
pub fn age_on(birth: NaiveDate, on: NaiveDate, leap: LeapDayBirthdays) -> i32 {
    let mut years = on.year() - birth.year();
    let (bm, bd) = (birth.month(), birth.day());
    let birthday_this_year =
        if bm == 2 && bd == 29 && NaiveDate::from_ymd_opt(on.year(), 2, 29).is_none() {
            match leap {
                LeapDayBirthdays::FirstOfMarch => (3, 1),
                LeapDayBirthdays::TwentyEighthOfFebruary => (2, 28),
            }
        } else {
            (bm, bd)
        };
    if (on.month(), on.day()) < birthday_this_year {
        years -= 1;
    }
    years
}

impl std::fmt::Debug for Cpr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Cpr({})", self.masked())
    }
}

impl std::fmt::Display for Cpr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.masked())
    }
}

impl std::str::FromStr for Cpr {
    type Err = CprError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Cpr::parse(s)
    }
}

impl Serialize for Cpr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.reveal())
    }
}

impl<'de> Deserialize<'de> for Cpr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Cpr::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn parses_with_and_without_dash_and_whitespace() {
        let a = Cpr::parse("0101901234").unwrap();
        let b = Cpr::parse("  010190-1234\n").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.birth_date(), d(1990, 1, 1));
    }

    #[test]
    fn rejects_malformed_input_with_specific_errors() {
        assert_eq!(Cpr::parse(""), Err(CprError::Empty));
        assert_eq!(Cpr::parse("   "), Err(CprError::Empty));
        assert_eq!(
            Cpr::parse("01019012"),
            Err(CprError::Format { found_digits: 8 })
        );
        assert_eq!(
            Cpr::parse("0101-901234"),
            Err(CprError::Format { found_digits: 10 })
        );
        assert_eq!(
            Cpr::parse("01019O1234"),
            Err(CprError::Format { found_digits: 9 })
        );
        assert_eq!(
            Cpr::parse("011390-1234"),
            Err(CprError::Month { month: 13 })
        );
        assert_eq!(Cpr::parse("010090-1234"), Err(CprError::Month { month: 0 }));
        assert_eq!(
            Cpr::parse("310490-1234"),
            Err(CprError::Day {
                day: 31,
                month: 4,
                year: 1990
            })
        );
        assert_eq!(
            Cpr::parse("000190-1234"),
            Err(CprError::Day {
                day: 0,
                month: 1,
                year: 1990
            })
        );
        // 29 February only in leap years; 1900 is not one, 2000 is.
        assert!(Cpr::parse("290200-1234").is_err());
        assert_eq!(
            Cpr::parse("290200-4234").unwrap().birth_date(),
            d(2000, 2, 29)
        );
    }

    #[test]
    fn error_messages_name_the_field_in_both_languages() {
        let e = Cpr::parse("311190-1234").unwrap_err();
        assert!(e.to_string().starts_with("CPR number:"));
        assert!(e.message_da().starts_with("CPR-nummer:"));
        assert!(e.to_string().contains("31.11.1990"));
    }

    #[test]
    fn century_follows_the_official_table_for_every_seventh_digit_and_year() {
        for seventh in 0u8..=9 {
            for yy in 0u8..=99 {
                let expected = match (seventh, yy) {
                    (0..=3, _) => 1900,
                    (4 | 9, 0..=36) => 2000,
                    (4 | 9, _) => 1900,
                    (_, 0..=57) => 2000,
                    _ => 1800,
                } + i32::from(yy);
                let text = format!("0101{yy:02}{seventh}234");
                let cpr = Cpr::parse(&text).unwrap();
                assert_eq!(cpr.birth_date().year(), expected, "{seventh} / {yy}");
            }
        }
    }

    #[test]
    fn replacement_numbers_resolve_to_the_real_day() {
        let cpr = Cpr::parse("610190-1234").unwrap();
        assert!(cpr.is_replacement_number());
        assert_eq!(cpr.birth_date(), d(1990, 1, 1));
        let cpr = Cpr::parse("910190-1234").unwrap();
        assert_eq!(cpr.birth_date(), d(1990, 1, 31));
        assert!(Cpr::parse("920190-1234").is_err());
    }

    #[test]
    fn debug_and_display_never_show_the_serial_digits() {
        let cpr = Cpr::parse("0101905678").unwrap();
        for shown in [
            format!("{cpr:?}"),
            format!("{cpr}"),
            format!("{:?}", Some(cpr)),
        ] {
            assert!(!shown.contains("5678"), "{shown}");
            assert!(shown.contains("010190-xxxx"), "{shown}");
        }
        assert_eq!(cpr.reveal(), "0101905678");
        assert_eq!(cpr.reveal_dashed(), "010190-5678");
    }

    #[test]
    fn gender_comes_from_the_last_digit() {
        assert_eq!(Cpr::parse("0101901233").unwrap().gender(), Gender::Male);
        assert_eq!(Cpr::parse("0101901234").unwrap().gender(), Gender::Female);
    }

    #[test]
    fn modulus_11_is_only_a_hint() {
        // 070761-4285 is a textbook mod-11 number; 0101901234 is not, yet both parse.
        assert!(Cpr::parse("0707614285").unwrap().passes_modulus_11());
        assert!(!Cpr::parse("0101901234").unwrap().passes_modulus_11());
    }

    #[test]
    fn age_counts_full_years_and_the_birthday_itself() {
        let cpr = Cpr::parse("150608-4234").unwrap(); // 15 June 2008
        assert_eq!(cpr.age_on(d(2026, 6, 14)), 17);
        assert_eq!(cpr.age_on(d(2026, 6, 15)), 18);
    }

    #[test]
    fn leap_day_birthdays_follow_the_chosen_rule() {
        let born = d(2008, 2, 29);
        assert_eq!(
            age_on(born, d(2026, 2, 28), LeapDayBirthdays::FirstOfMarch),
            17
        );
        assert_eq!(
            age_on(born, d(2026, 3, 1), LeapDayBirthdays::FirstOfMarch),
            18
        );
        assert_eq!(
            age_on(
                born,
                d(2026, 2, 28),
                LeapDayBirthdays::TwentyEighthOfFebruary
            ),
            18
        );
        assert_eq!(
            age_on(born, d(2028, 2, 29), LeapDayBirthdays::FirstOfMarch),
            20
        );
    }

    #[test]
    fn serde_round_trips_the_full_number() {
        let cpr = Cpr::parse("0101905678").unwrap();
        let json = serde_json::to_string(&cpr).unwrap();
        assert_eq!(json, "\"0101905678\"");
        assert_eq!(serde_json::from_str::<Cpr>(&json).unwrap(), cpr);
        assert!(serde_json::from_str::<Cpr>("\"3213905678\"").is_err());
    }

    pub(crate) fn arb_cpr() -> impl Strategy<Value = Cpr> {
        (
            1u8..=28,
            1u8..=12,
            0u8..=99,
            0u8..=9,
            0u16..=999,
            any::<bool>(),
        )
            .prop_map(|(day, month, yy, seventh, serial, replacement)| {
                let day = if replacement { day + 60 } else { day };
                Cpr::parse(&format!("{day:02}{month:02}{yy:02}{seventh}{serial:03}")).unwrap()
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn parse_of_reveal_round_trips(cpr in arb_cpr()) {
            prop_assert_eq!(Cpr::parse(&cpr.reveal()).unwrap(), cpr);
            prop_assert_eq!(Cpr::parse(&cpr.reveal_dashed()).unwrap(), cpr);
        }

        #[test]
        fn age_never_decreases_as_time_moves_forward(cpr in arb_cpr(), a in 0i64..60_000, step in 0i64..3_000) {
            let start = d(1850, 1, 1) + chrono::Duration::days(a);
            let later = start + chrono::Duration::days(step);
            prop_assert!(cpr.age_on(later) >= cpr.age_on(start));
        }

        #[test]
        fn any_text_parses_or_errors_without_panicking(s in "\\PC{0,14}") {
            let _ = Cpr::parse(&s);
        }
    }
}
