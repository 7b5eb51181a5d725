//! The columns an import understands, with the header texts accepted for each (Danish and
//! English). Headers match after [`normalise`]: lower case, letters and digits only, so
//! `CPR-nummer`, `cpr nummer` and `CPRNUMMER` are the same.

use super::{ExchangeError, Table};

/// One importable column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The column's Danish name, used in error reports.
    pub name_da: &'static str,
    /// Accepted header texts, already normalised.
    pub aliases: &'static [&'static str],
    /// Whether the file must have it.
    pub required: bool,
}

/// Participants: CPR number (required).
pub const CPR: Column = Column {
    name_da: "CPR-nummer",
    aliases: &["cpr", "cprnummer", "cprnr", "personnummer", "cprnumber"],
    required: true,
};
/// Participants: team(s) by name or short name, separated by `|` or `,` (required).
pub const TEAM: Column = Column {
    name_da: "Team",
    aliases: &[
        "team",
        "teams",
        "parti",
        "partier",
        "party",
        "parties",
        "partibogstav",
    ],
    required: true,
};
/// Participants: mobile number.
pub const MOBILE: Column = Column {
    name_da: "Mobil",
    aliases: &[
        "mobil",
        "mobilnummer",
        "mobilnr",
        "mobile",
        "mobilephone",
        "telefon",
        "telefonnummer",
        "tlf",
        "phone",
    ],
    required: false,
};
/// Participants: e-mail.
pub const EMAIL: Column = Column {
    name_da: "E-mail",
    aliases: &[
        "email",
        "emailadresse",
        "mail",
        "epost",
        "eposter",
        "emailaddress",
    ],
    required: false,
};
/// Participants: special diets by title, separated by `|` or `,`.
pub const DIETS: Column = Column {
    name_da: "Specialkost",
    aliases: &[
        "specialkost",
        "specialdiet",
        "specialdiets",
        "kost",
        "diet",
        "diets",
    ],
    required: false,
};
/// Participants: preferred station by title.
pub const STATION: Column = Column {
    name_da: "Foretrukket valgsted",
    aliases: &[
        "foretrukketvalgsted",
        "foretrukketarbejdssted",
        "preferredstation",
        "preferredworklocation",
        "preferredlocation",
    ],
    required: false,
};

/// Work locations: title (required).
pub const TITLE: Column = Column {
    name_da: "Titel",
    aliases: &[
        "titel",
        "title",
        "navn",
        "name",
        "arbejdssted",
        "valgsted",
        "worklocation",
        "station",
    ],
    required: true,
};
/// Work locations: street and number (required).
pub const STREET: Column = Column {
    name_da: "Adresse",
    aliases: &["adresse", "address", "vejognummer", "vej", "gade", "street"],
    required: true,
};
/// Work locations: postal code (required; the cell may be empty).
pub const POSTAL_CODE: Column = Column {
    name_da: "Postnummer",
    aliases: &["postnummer", "postnr", "postalcode", "zip", "zipcode"],
    required: true,
};
/// Work locations: town (required).
pub const CITY: Column = Column {
    name_da: "By",
    aliases: &["by", "city", "town", "postdistrikt"],
    required: true,
};
/// Work locations: area by name (required).
pub const AREA: Column = Column {
    name_da: "Område",
    aliases: &["område", "omraade", "area", "distrikt"],
    required: true,
};
/// Work locations: the national afstemningsområde number.
pub const VOTING_AREA: Column = Column {
    name_da: "Afstemningsområde",
    aliases: &[
        "afstemningsområde",
        "afstemningsomraade",
        "afstemningsområdenummer",
        "afstemningsområdenr",
        "afstemningsomraadenummer",
        "votingarea",
        "votingareanumber",
        "pollingdistrict",
    ],
    required: false,
};

/// The participant import's columns.
pub const PARTICIPANT_COLUMNS: [Column; 6] = [CPR, TEAM, MOBILE, EMAIL, DIETS, STATION];
/// The work-location import's columns.
pub const WORK_LOCATION_COLUMNS: [Column; 6] =
    [TITLE, STREET, POSTAL_CODE, CITY, AREA, VOTING_AREA];

/// A header text reduced to lower-case letters and digits.
pub fn normalise(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Where each of `columns` is in `table`'s header (`None`: absent). A missing required column or
/// a column named twice is an error.
pub fn locate<const N: usize>(
    table: &Table,
    columns: &[Column; N],
) -> Result<[Option<usize>; N], ExchangeError> {
    let headers: Vec<String> = table.headers.iter().map(|h| normalise(h)).collect();
    let mut out = [None; N];
    for (slot, column) in out.iter_mut().zip(columns) {
        let mut found = headers
            .iter()
            .enumerate()
            .filter(|(_, h)| column.aliases.contains(&h.as_str()))
            .map(|(i, _)| i);
        *slot = found.next();
        if found.next().is_some() {
            return Err(ExchangeError::DuplicateColumn {
                column: column.name_da,
            });
        }
        if slot.is_none() && column.required {
            return Err(ExchangeError::MissingColumn {
                column: column.name_da,
                example: column.name_da,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_normalised() {
        for c in PARTICIPANT_COLUMNS.iter().chain(&WORK_LOCATION_COLUMNS) {
            for a in c.aliases {
                assert_eq!(&normalise(a), a, "alias {a} is not normalised");
            }
            assert!(c.aliases.contains(&normalise(c.name_da).as_str()));
        }
        assert_eq!(normalise(" CPR-nummer "), "cprnummer");
        assert_eq!(normalise("E-mail"), "email");
        assert_eq!(normalise("Foretrukket Valgsted"), "foretrukketvalgsted");
    }

    #[test]
    fn finds_columns_in_any_language_and_case() {
        let t = Table::new(
            vec!["cpr-nummer".into(), "PARTI".into(), "Mobile".into()],
            vec![],
        );
        let at = locate(&t, &PARTICIPANT_COLUMNS).unwrap();
        assert_eq!(at, [Some(0), Some(1), Some(2), None, None, None]);
        let t = Table::new(vec!["Team".into()], vec![]);
        assert!(matches!(
            locate(&t, &PARTICIPANT_COLUMNS),
            Err(ExchangeError::MissingColumn {
                column: "CPR-nummer",
                ..
            })
        ));
    }
}
