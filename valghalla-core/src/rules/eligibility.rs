//! Eligibility (*valgbarhed* for election staff): who may hold a seat.
//!
//! Every rule is checked on its own and the result lists **every** failed rule, each with the
//! values it compared and a message in Danish and English.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::cpr::{LeapDayBirthdays, age_on};
use crate::model::{CountryCode, EligibilityRule, PersonRecord};
use crate::values::MunicipalityCode;

/// A rule that can fail: the election type's rules plus "alive", which always applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RuleId {
    /// The person is alive (checked even when the task type skips eligibility).
    Alive,
    /// One of the election type's rules.
    Rule(EligibilityRule),
}

impl RuleId {
    /// A stable text id, e.g. `alive`, `age18`.
    pub fn code(&self) -> &'static str {
        match self {
            RuleId::Alive => "alive",
            RuleId::Rule(EligibilityRule::Age18OnElectionDay) => "age18",
            RuleId::Rule(EligibilityRule::ResidentInMunicipality) => "residency",
            RuleId::Rule(EligibilityRule::DanishCitizen) => "danish-citizen",
            RuleId::Rule(EligibilityRule::LocalElectionCitizenship) => "local-election-citizenship",
            RuleId::Rule(EligibilityRule::EuCitizen) => "eu-citizen",
            RuleId::Rule(EligibilityRule::NotUnderGuardianship) => "not-under-guardianship",
        }
    }
}

/// The values a failed rule compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Compared {
    /// The registry says the person is dead or missing.
    Deceased,
    /// Age on election day versus the required 18.
    Age {
        /// Full years on `on`.
        age: i32,
        /// Election day.
        on: NaiveDate,
    },
    /// The person's municipality versus the election's.
    Municipality {
        /// Where the person lives (none: abroad or unknown).
        person: Option<MunicipalityCode>,
        /// The municipality staffing the election.
        required: MunicipalityCode,
    },
    /// The person's citizenship versus what the rule accepts.
    Citizenship {
        /// Citizenship (none: unknown).
        person: Option<CountryCode>,
        /// What the rule accepts.
        accepted: AcceptedCitizenship,
    },
    /// The person is under guardianship.
    UnderGuardianship,
}

/// The citizenships a rule accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AcceptedCitizenship {
    /// Danish.
    Danish,
    /// Any EU country.
    Eu,
    /// An EU country, Iceland or Norway, or four years' residence in the realm.
    LocalElection,
}

impl AcceptedCitizenship {
    fn en(self) -> &'static str {
        match self {
            AcceptedCitizenship::Danish => "Danish citizenship",
            AcceptedCitizenship::Eu => "citizenship of an EU country",
            AcceptedCitizenship::LocalElection => {
                "citizenship of an EU country, Iceland or Norway, or four years' residence in the realm"
            }
        }
    }

    fn da(self) -> &'static str {
        match self {
            AcceptedCitizenship::Danish => "dansk statsborgerskab",
            AcceptedCitizenship::Eu => "statsborgerskab i et EU-land",
            AcceptedCitizenship::LocalElection => {
                "statsborgerskab i et EU-land, Island eller Norge, eller fire års ophold i riget"
            }
        }
    }
}

/// One failed rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleFailure {
    /// Which rule.
    pub rule: RuleId,
    /// What it compared.
    pub compared: Compared,
}

impl RuleFailure {
    /// The reason in English.
    pub fn message_en(&self) -> String {
        match &self.compared {
            Compared::Deceased => "The CPR registry lists the person as dead or missing.".into(),
            Compared::Age { age, on } => {
                format!("The person is {age} on election day {on}; 18 is required.")
            }
            Compared::Municipality {
                person: Some(p),
                required,
            } => {
                format!("The person lives in municipality {p}, not {required}.")
            }
            Compared::Municipality {
                person: None,
                required,
            } => {
                format!(
                    "The person has no address in a Danish municipality; residence in {required} is required."
                )
            }
            Compared::Citizenship { person, accepted } => format!(
                "The person's citizenship is {}; {} is required.",
                person.map_or("unknown".to_string(), |c| c.to_string()),
                accepted.en()
            ),
            Compared::UnderGuardianship => {
                "The person is under guardianship that removes legal capacity.".into()
            }
        }
    }

    /// The reason in Danish.
    pub fn message_da(&self) -> String {
        match &self.compared {
            Compared::Deceased => "CPR-registret angiver personen som død eller forsvundet.".into(),
            Compared::Age { age, on } => {
                format!("Personen er {age} år på valgdagen {on}; der kræves 18 år.")
            }
            Compared::Municipality {
                person: Some(p),
                required,
            } => {
                format!("Personen bor i kommune {p}, ikke {required}.")
            }
            Compared::Municipality {
                person: None,
                required,
            } => {
                format!(
                    "Personen har ingen adresse i en dansk kommune; der kræves bopæl i {required}."
                )
            }
            Compared::Citizenship { person, accepted } => format!(
                "Personens statsborgerskab er {}; der kræves {}.",
                person.map_or("ukendt".to_string(), |c| c.to_string()),
                accepted.da()
            ),
            Compared::UnderGuardianship => "Personen er umyndiggjort.".into(),
        }
    }
}

/// Everything the eligibility rules look at.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EligibilityInput<'a> {
    /// The person's registry data.
    pub person: &'a PersonRecord,
    /// The election type's rules.
    pub rules: &'a BTreeSet<EligibilityRule>,
    /// Whether the task type checks the rules (`false`: only "alive").
    pub task_checks_rules: bool,
    /// Election day (the age rule is "18 on election day", whatever day the task lies on).
    pub election_day: NaiveDate,
    /// The municipality staffing the election.
    pub municipality: MunicipalityCode,
    /// How 29 February birthdays count.
    pub leap_day: LeapDayBirthdays,
}

/// Checks one rule on its own.
pub(crate) fn check_rule(rule: RuleId, input: &EligibilityInput<'_>) -> Option<RuleFailure> {
    let p = input.person;
    let fail = |compared| Some(RuleFailure { rule, compared });
    match rule {
        RuleId::Alive => p.deceased.then_some(RuleFailure {
            rule,
            compared: Compared::Deceased,
        }),
        RuleId::Rule(r) => match r {
            EligibilityRule::Age18OnElectionDay => {
                let age = age_on(p.birth_date, input.election_day, input.leap_day);
                if age < 18 {
                    fail(Compared::Age {
                        age,
                        on: input.election_day,
                    })
                } else {
                    None
                }
            }
            EligibilityRule::ResidentInMunicipality => {
                if p.municipality == Some(input.municipality) {
                    None
                } else {
                    fail(Compared::Municipality {
                        person: p.municipality,
                        required: input.municipality,
                    })
                }
            }
            EligibilityRule::DanishCitizen => {
                if p.citizenship == Some(CountryCode::DENMARK) {
                    None
                } else {
                    fail(Compared::Citizenship {
                        person: p.citizenship,
                        accepted: AcceptedCitizenship::Danish,
                    })
                }
            }
            EligibilityRule::EuCitizen => {
                if p.citizenship.is_some_and(|c| c.is_eu()) {
                    None
                } else {
                    fail(Compared::Citizenship {
                        person: p.citizenship,
                        accepted: AcceptedCitizenship::Eu,
                    })
                }
            }
            EligibilityRule::LocalElectionCitizenship => {
                let by_citizenship = p
                    .citizenship
                    .is_some_and(|c| c.is_eu() || c.is_iceland_or_norway());
                let by_residence = p.resident_in_realm_since.is_some_and(|since| {
                    age_on(since, input.election_day, LeapDayBirthdays::FirstOfMarch) >= 4
                });
                if by_citizenship || by_residence {
                    None
                } else {
                    fail(Compared::Citizenship {
                        person: p.citizenship,
                        accepted: AcceptedCitizenship::LocalElection,
                    })
                }
            }
            EligibilityRule::NotUnderGuardianship => p.under_guardianship.then_some(RuleFailure {
                rule,
                compared: Compared::UnderGuardianship,
            }),
        },
    }
}

/// The rules that apply: always "alive"; the election type's rules unless the task type skips
/// them.
pub(crate) fn applicable_rules(input: &EligibilityInput<'_>) -> Vec<RuleId> {
    let mut rules = vec![RuleId::Alive];
    if input.task_checks_rules {
        rules.extend(input.rules.iter().map(|r| RuleId::Rule(*r)));
    }
    rules
}

/// Checks every applicable rule and returns every failure (empty: eligible).
pub(crate) fn check(input: &EligibilityInput<'_>) -> Vec<RuleFailure> {
    applicable_rules(input)
        .into_iter()
        .filter_map(|rule| check_rule(rule, input))
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::ElectionKind;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    pub(crate) fn kolding() -> MunicipalityCode {
        MunicipalityCode::parse("0621").unwrap()
    }

    pub(crate) fn person() -> PersonRecord {
        PersonRecord {
            first_name: "Karen".into(),
            last_name: "Jensen".into(),
            address: None,
            municipality: Some(kolding()),
            citizenship: Some(CountryCode::DENMARK),
            birth_date: d(1980, 5, 1),
            deceased: false,
            under_guardianship: false,
            protected_address: false,
            exempt_from_digital_post: false,
            resident_in_realm_since: None,
        }
    }

    fn input<'a>(
        p: &'a PersonRecord,
        rules: &'a BTreeSet<EligibilityRule>,
    ) -> EligibilityInput<'a> {
        EligibilityInput {
            person: p,
            rules,
            task_checks_rules: true,
            election_day: d(2026, 6, 10),
            municipality: kolding(),
            leap_day: LeapDayBirthdays::FirstOfMarch,
        }
    }

    #[test]
    fn an_ordinary_resident_citizen_is_eligible_for_every_kind() {
        let p = person();
        for kind in [
            ElectionKind::Folketingsvalg,
            ElectionKind::KommunalOgRegionsraadsvalg,
            ElectionKind::EuropaParlamentsvalg,
        ] {
            let rules = kind.default_rules();
            assert!(check(&input(&p, &rules)).is_empty(), "{kind:?}");
        }
    }

    #[test]
    fn turning_18_on_election_day_is_enough_but_the_day_after_is_not() {
        let rules = ElectionKind::Folketingsvalg.default_rules();
        let mut p = person();
        p.birth_date = d(2008, 6, 10);
        assert!(check(&input(&p, &rules)).is_empty());
        p.birth_date = d(2008, 6, 11);
        let failures = check(&input(&p, &rules));
        assert_eq!(failures.len(), 1);
        assert_eq!(
            failures[0].compared,
            Compared::Age {
                age: 17,
                on: d(2026, 6, 10)
            }
        );
        assert!(failures[0].message_da().contains("17 år"));
    }

    #[test]
    fn every_failed_rule_is_listed_not_just_the_first() {
        let rules = ElectionKind::Folketingsvalg.default_rules();
        let mut p = person();
        p.deceased = true;
        p.birth_date = d(2010, 1, 1);
        p.municipality = None;
        p.citizenship = CountryCode::parse("SE");
        p.under_guardianship = true;
        let codes: Vec<_> = check(&input(&p, &rules))
            .iter()
            .map(|f| f.rule.code())
            .collect();
        assert_eq!(
            codes,
            [
                "alive",
                "age18",
                "residency",
                "danish-citizen",
                "not-under-guardianship"
            ]
        );
    }

    #[test]
    fn a_task_that_skips_eligibility_still_checks_alive() {
        let rules = ElectionKind::Folketingsvalg.default_rules();
        let mut p = person();
        p.municipality = None;
        p.birth_date = d(2012, 1, 1);
        let mut i = input(&p, &rules);
        i.task_checks_rules = false;
        assert!(check(&i).is_empty());
        let mut dead = p.clone();
        dead.deceased = true;
        let i = EligibilityInput { person: &dead, ..i };
        assert_eq!(check(&i).len(), 1);
        assert_eq!(check(&i)[0].rule, RuleId::Alive);
    }

    #[test]
    fn local_elections_accept_eu_nordic_citizens_and_four_years_residence() {
        let rules = ElectionKind::KommunalOgRegionsraadsvalg.default_rules();
        let mut p = person();
        for ok in ["DE", "NO", "IS", "DK"] {
            p.citizenship = CountryCode::parse(ok);
            assert!(check(&input(&p, &rules)).is_empty(), "{ok}");
        }
        p.citizenship = CountryCode::parse("US");
        assert_eq!(check(&input(&p, &rules)).len(), 1);
        p.resident_in_realm_since = Some(d(2022, 6, 10));
        assert!(check(&input(&p, &rules)).is_empty(), "exactly four years");
        p.resident_in_realm_since = Some(d(2022, 6, 11));
        assert_eq!(
            check(&input(&p, &rules)).len(),
            1,
            "a day short of four years"
        );
        // Guardianship does not bar local elections.
        p.resident_in_realm_since = None;
        p.citizenship = CountryCode::parse("DK");
        p.under_guardianship = true;
        assert!(check(&input(&p, &rules)).is_empty());
    }

    #[test]
    fn european_parliament_elections_require_eu_citizenship() {
        let rules = ElectionKind::EuropaParlamentsvalg.default_rules();
        let mut p = person();
        p.citizenship = CountryCode::parse("FR");
        assert!(check(&input(&p, &rules)).is_empty());
        p.citizenship = CountryCode::parse("NO");
        assert_eq!(check(&input(&p, &rules))[0].rule.code(), "eu-citizen");
    }

    pub(crate) fn arb_person() -> impl Strategy<Value = PersonRecord> {
        (
            any::<bool>(),
            0i64..40_000,
            prop::option::of(prop::sample::select(vec!["0621", "0101", "0751"])),
            prop::option::of(prop::sample::select(vec![
                "DK", "SE", "NO", "US", "DE", "IS",
            ])),
            any::<bool>(),
            prop::option::of(0i64..4000),
        )
            .prop_map(
                |(deceased, age_days, muni, country, guardianship, residence)| PersonRecord {
                    deceased,
                    birth_date: d(2026, 6, 10) - chrono::Duration::days(age_days),
                    municipality: muni.map(|m| MunicipalityCode::parse(m).unwrap()),
                    citizenship: country.and_then(CountryCode::parse),
                    under_guardianship: guardianship,
                    resident_in_realm_since: residence
                        .map(|days| d(2026, 6, 10) - chrono::Duration::days(days)),
                    ..person()
                },
            )
    }

    fn arb_rules() -> impl Strategy<Value = BTreeSet<EligibilityRule>> {
        prop::collection::btree_set(
            prop::sample::select(vec![
                EligibilityRule::Age18OnElectionDay,
                EligibilityRule::ResidentInMunicipality,
                EligibilityRule::DanishCitizen,
                EligibilityRule::LocalElectionCitizenship,
                EligibilityRule::EuCitizen,
                EligibilityRule::NotUnderGuardianship,
            ]),
            0..6,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn eligible_iff_no_violations_and_violations_are_the_union_of_single_rules(
            p in arb_person(), rules in arb_rules(), checks in any::<bool>()
        ) {
            let mut i = input(&p, &rules);
            i.task_checks_rules = checks;
            let all = check(&i);
            // Reference evaluation: each rule alone, in a different order.
            let mut alone: Vec<RuleFailure> = applicable_rules(&i).into_iter().rev()
                .filter_map(|r| check_rule(r, &i)).collect();
            alone.reverse();
            prop_assert_eq!(&all, &alone);
            let eligible = !p.deceased && (!checks || rules.iter().all(|r| check_rule(RuleId::Rule(*r), &i).is_none()));
            prop_assert_eq!(all.is_empty(), eligible);
            for f in &all {
                prop_assert!(!f.message_da().is_empty() && !f.message_en().is_empty());
            }
        }
    }
}
