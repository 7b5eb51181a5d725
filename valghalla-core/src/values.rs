//! Small value types that parse, so the rest of the code only ever sees valid values.
//!
//! Every parse error names the field, says why, and has a Danish message (via [`DanishMessage`])
//! that a form or an import report can show as it is.

use serde::{Deserialize, Deserializer, Serialize};

/// An error message in Danish, for forms and import reports; `Display` gives the English one.
pub trait DanishMessage {
    /// The message in Danish.
    fn message_da(&self) -> String;
}

/// Why a value was refused. `field` names the field in English (the Danish label is in the
/// Danish message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct FieldError {
    /// The field, e.g. `"mobile number"`.
    pub field: &'static str,
    /// The Danish name of the field, e.g. `"mobilnummer"`.
    pub field_da: &'static str,
    /// What is wrong, in English.
    pub reason: String,
    /// What is wrong, in Danish.
    pub reason_da: String,
}

impl FieldError {
    /// A new error for `field` (English and Danish name) with a reason in both languages.
    pub fn new(
        field: &'static str,
        field_da: &'static str,
        reason: impl Into<String>,
        reason_da: impl Into<String>,
    ) -> Self {
        FieldError {
            field,
            field_da,
            reason: reason.into(),
            reason_da: reason_da.into(),
        }
    }
}

impl DanishMessage for FieldError {
    fn message_da(&self) -> String {
        format!("{}: {}", capitalise(self.field_da), self.reason_da)
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

macro_rules! deserialize_via_parse {
    ($ty:ty, $parse:expr) => {
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = String::deserialize(deserializer)?;
                $parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

/// Trimmed, non-empty text of at most `MAX` characters: names, titles, short names.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Text<const MAX: usize>(String);

/// A name or title: at most 255 characters, as in the reference system.
pub type Name = Text<255>;
/// A short name or party letter: at most 50 characters.
pub type ShortName = Text<50>;

impl<const MAX: usize> Text<MAX> {
    /// Parses `input` for the field named `field` / `field_da`: trims it and checks that it is not
    /// empty, has no control characters and is at most `MAX` characters long.
    pub fn parse_field(
        input: &str,
        field: &'static str,
        field_da: &'static str,
    ) -> Result<Self, FieldError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(FieldError::new(
                field,
                field_da,
                "it is empty; fill it in",
                "feltet er tomt; udfyld det",
            ));
        }
        let len = s.chars().count();
        if len > MAX {
            return Err(FieldError::new(
                field,
                field_da,
                format!("it is {len} characters long; at most {MAX} are allowed"),
                format!("teksten er {len} tegn lang; højst {MAX} er tilladt"),
            ));
        }
        if s.chars().any(char::is_control) {
            return Err(FieldError::new(
                field,
                field_da,
                "it contains a line break or control character; write it on one line",
                "teksten indeholder et linjeskift eller et kontroltegn; skriv den på én linje",
            ));
        }
        Ok(Text(s.to_owned()))
    }

    /// Parses a generic name field.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        Self::parse_field(input, "name", "navn")
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<const MAX: usize> std::fmt::Debug for Text<MAX> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.0, f)
    }
}

impl<const MAX: usize> std::fmt::Display for Text<MAX> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<const MAX: usize> AsRef<str> for Text<MAX> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<'de, const MAX: usize> Deserialize<'de> for Text<MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Text::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A Danish municipality code (*kommunekode*): four digits, e.g. `0621` for Kolding.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(into = "String")]
pub struct MunicipalityCode(u16);

impl MunicipalityCode {
    /// Parses a code; `621` and `0621` are the same code. Codes are 1–9999.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        let bad = || {
            FieldError::new(
                "municipality code",
                "kommunekode",
                format!("'{s}' is not a municipality code; write up to four digits, e.g. 0621"),
                format!("'{s}' er ikke en kommunekode; skriv op til fire cifre, fx 0621"),
            )
        };
        if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        match s.parse::<u16>() {
            Ok(0) | Err(_) => Err(bad()),
            Ok(n) => Ok(MunicipalityCode(n)),
        }
    }

    /// The code as a number.
    pub fn number(&self) -> u16 {
        self.0
    }
}

impl From<MunicipalityCode> for String {
    fn from(code: MunicipalityCode) -> String {
        code.to_string()
    }
}

impl std::fmt::Display for MunicipalityCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}", self.0)
    }
}

impl std::fmt::Debug for MunicipalityCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MunicipalityCode({self})")
    }
}

deserialize_via_parse!(MunicipalityCode, MunicipalityCode::parse);

/// An e-mail address, checked for the shape `local@domain.tld` (delivery is the real test).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// Parses an address; surrounding whitespace is ignored and the domain is lower-cased.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        let bad = |why: &str, why_da: &str| {
            FieldError::new("e-mail", "e-mail", why.to_owned(), why_da.to_owned())
        };
        if s.is_empty() {
            return Err(bad("it is empty", "feltet er tomt"));
        }
        if s.len() > 254 {
            return Err(bad(
                "it is longer than 254 characters",
                "adressen er længere end 254 tegn",
            ));
        }
        let Some((local, domain)) = s.rsplit_once('@') else {
            return Err(bad(
                "it has no '@'; write it as name@example.dk",
                "der mangler et '@'; skriv den som navn@eksempel.dk",
            ));
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.contains(char::is_whitespace)
            && !local.contains('@')
            && !local.contains(['<', '>', '(', ')', ',', ';', ':', '"', '[', ']', '\\']);
        if !local_ok || !domain_ok {
            return Err(bad(
                "it is not an e-mail address; write it as name@example.dk",
                "det er ikke en e-mailadresse; skriv den som navn@eksempel.dk",
            ));
        }
        Ok(Email(format!("{local}@{}", domain.to_lowercase())))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Debug for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Email({})", self.0)
    }
}

deserialize_via_parse!(Email, Email::parse);

/// A Danish mobile number: eight digits, optionally written with `+45` / `0045` and spaces.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(into = "String")]
pub struct MobileNumber(u32);

impl MobileNumber {
    /// Parses `12345678`, `12 34 56 78`, `+45 12345678` or `004512345678`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        let national = compact
            .strip_prefix("+45")
            .or_else(|| compact.strip_prefix("0045"))
            .unwrap_or(&compact);
        if national.len() != 8
            || !national.bytes().all(|b| b.is_ascii_digit())
            || national.starts_with('0')
        {
            return Err(FieldError::new(
                "mobile number",
                "mobilnummer",
                format!(
                    "'{}' is not a Danish number; write 8 digits, optionally after +45",
                    input.trim()
                ),
                format!(
                    "'{}' er ikke et dansk nummer; skriv 8 cifre, evt. efter +45",
                    input.trim()
                ),
            ));
        }
        national.parse::<u32>().map(MobileNumber).map_err(|_| {
            FieldError::new(
                "mobile number",
                "mobilnummer",
                "not a number",
                "ikke et tal",
            )
        })
    }

    /// The eight national digits.
    pub fn national(&self) -> String {
        format!("{:08}", self.0)
    }

    /// The number in international form, `+4512345678`.
    pub fn international(&self) -> String {
        format!("+45{:08}", self.0)
    }
}

impl From<MobileNumber> for String {
    fn from(m: MobileNumber) -> String {
        m.national()
    }
}

impl std::fmt::Display for MobileNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.national())
    }
}

impl std::fmt::Debug for MobileNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MobileNumber({})", self.national())
    }
}

deserialize_via_parse!(MobileNumber, MobileNumber::parse);

/// A Danish postal code: four digits, 0800–9990.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(into = "String")]
pub struct PostalCode(u16);

impl PostalCode {
    /// Parses a four-digit postal code.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        let n = (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u16>().ok())
            .flatten()
            .filter(|n| (800..=9990).contains(n));
        n.map(PostalCode).ok_or_else(|| {
            FieldError::new(
                "postal code",
                "postnummer",
                format!("'{s}' is not a Danish postal code; write four digits, e.g. 6000"),
                format!("'{s}' er ikke et dansk postnummer; skriv fire cifre, fx 6000"),
            )
        })
    }

    /// The code as a number.
    pub fn number(&self) -> u16 {
        self.0
    }
}

impl From<PostalCode> for String {
    fn from(p: PostalCode) -> String {
        p.to_string()
    }
}

impl std::fmt::Display for PostalCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}", self.0)
    }
}

impl std::fmt::Debug for PostalCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PostalCode({self})")
    }
}

deserialize_via_parse!(PostalCode, PostalCode::parse);

/// An amount of money in øre (1/100 DKK).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Ore(pub u64);

impl Ore {
    /// The largest payment a task type may carry: 100.000 kr. (a task pays some hundreds to a
    /// few thousand kroner; anything near this is a typing error).
    pub const MAX_PAYMENT: Ore = Ore(100_000 * 100);

    /// From whole kroner; `None` when the amount does not fit.
    pub const fn kroner(kr: u64) -> Option<Self> {
        match kr.checked_mul(100) {
            Some(ore) => Some(Ore(ore)),
            None => None,
        }
    }

    /// A payment as typed: whole kroner (`1320`, `1.320`), at most [`Ore::MAX_PAYMENT`].
    pub fn parse_payment(input: &str) -> Result<Ore, FieldError> {
        let digits: String = input.trim().chars().filter(|c| *c != '.').collect();
        let invalid = |en: &str, da: &str| FieldError::new("payment", "honorar", en, da);
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(invalid(
                "give a whole number of kroner",
                "angiv et helt antal kroner",
            ));
        }
        digits
            .parse::<u64>()
            .ok()
            .and_then(Ore::kroner)
            .filter(|ore| *ore <= Ore::MAX_PAYMENT)
            .ok_or_else(|| {
                invalid(
                    "the payment may be at most 100.000 kr.",
                    "honoraret må højst være 100.000 kr.",
                )
            })
    }

    /// Refuses a payment above [`Ore::MAX_PAYMENT`].
    pub fn check_payment(self) -> Result<Ore, FieldError> {
        if self <= Ore::MAX_PAYMENT {
            Ok(self)
        } else {
            Err(FieldError::new(
                "payment",
                "honorar",
                "the payment may be at most 100.000 kr.",
                "honoraret må højst være 100.000 kr.",
            ))
        }
    }
}

impl std::fmt::Display for Ore {
    /// Danish form: `1.320 kr.` or `1.320,50 kr.`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kr = self.0 / 100;
        let ore = self.0 % 100;
        let digits = kr.to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push('.');
            }
            grouped.push(c);
        }
        if ore == 0 {
            write!(f, "{grouped} kr.")
        } else {
            write!(f, "{grouped},{ore:02} kr.")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absurd_payments_are_refused_without_overflow() {
        assert_eq!(Ore::kroner(u64::MAX), None);
        assert_eq!(Ore::parse_payment("1.320"), Ok(Ore(132_000)));
        let e = Ore::parse_payment("18446744073709551615").unwrap_err();
        assert_eq!(e.field, "payment");
        assert!(e.message_da().contains("100.000"), "{}", e.message_da());
        assert!(Ore::parse_payment("12,5").is_err());
        assert!(Ore::parse_payment("-3").is_err());
        assert!(Ore(u64::MAX).check_payment().is_err());
        assert_eq!(Ore::MAX_PAYMENT.check_payment(), Ok(Ore::MAX_PAYMENT));
    }

    #[test]
    fn text_trims_and_bounds() {
        assert_eq!(Name::parse("  Nord  ").unwrap().as_str(), "Nord");
        let e = Name::parse("   ").unwrap_err();
        assert_eq!(e.field, "name");
        assert_eq!(e.message_da(), "Navn: feltet er tomt; udfyld det");
        let long = "x".repeat(51);
        let e = ShortName::parse_field(&long, "short name", "kort navn").unwrap_err();
        assert!(e.to_string().contains("51 characters"), "{e}");
        assert!(Name::parse("a\nb").is_err());
        assert_eq!(
            ShortName::parse(&"æ".repeat(50))
                .unwrap()
                .as_str()
                .chars()
                .count(),
            50
        );
    }

    #[test]
    fn municipality_codes_are_four_digits_zero_padded() {
        assert_eq!(MunicipalityCode::parse("0621").unwrap().to_string(), "0621");
        assert_eq!(
            MunicipalityCode::parse("621").unwrap(),
            MunicipalityCode::parse("0621").unwrap()
        );
        for bad in ["", "0000", "12345", "62a", "-621"] {
            let e = MunicipalityCode::parse(bad).unwrap_err();
            assert_eq!(e.field, "municipality code", "{bad}");
        }
        let json = serde_json::to_string(&MunicipalityCode::parse("101").unwrap()).unwrap();
        assert_eq!(json, "\"0101\"");
    }

    #[test]
    fn email_accepts_common_addresses_and_rejects_shapes_that_cannot_deliver() {
        assert_eq!(
            Email::parse(" Jens.Hansen@Kolding.DK ").unwrap().as_str(),
            "Jens.Hansen@kolding.dk"
        );
        assert!(Email::parse("søren@østerby.dk").is_ok());
        for bad in [
            "",
            "jens",
            "jens@",
            "@kolding.dk",
            "jens@kolding",
            "jens hansen@kolding.dk",
            "jens@kolding..dk",
            "a@b@c.dk",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
        assert!(Email::parse("jens").unwrap_err().reason.contains("'@'"));
    }

    #[test]
    fn mobile_numbers_accept_danish_forms() {
        let want = MobileNumber::parse("20304050").unwrap();
        for ok in [
            "20 30 40 50",
            "+4520304050",
            "+45 20 30 40 50",
            "004520304050",
            "20-30-40-50",
        ] {
            assert_eq!(MobileNumber::parse(ok).unwrap(), want, "{ok}");
        }
        assert_eq!(want.international(), "+4520304050");
        for bad in [
            "",
            "2030405",
            "203040506",
            "+4620304050",
            "0203040a",
            "02030405",
        ] {
            assert_eq!(
                MobileNumber::parse(bad).unwrap_err().field,
                "mobile number",
                "{bad}"
            );
        }
    }

    #[test]
    fn postal_codes_are_danish_four_digit_codes() {
        assert_eq!(PostalCode::parse("6000").unwrap().number(), 6000);
        assert_eq!(PostalCode::parse("0800").unwrap().to_string(), "0800");
        for bad in ["", "600", "60000", "0100", "abcd", "9999"] {
            assert!(PostalCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn money_prints_in_danish_form() {
        assert_eq!(Ore::kroner(800).unwrap().to_string(), "800 kr.");
        assert_eq!(Ore::kroner(1320).unwrap().to_string(), "1.320 kr.");
        assert_eq!(Ore(132050).to_string(), "1.320,50 kr.");
        assert_eq!(Ore::kroner(1_000_000).unwrap().to_string(), "1.000.000 kr.");
        assert_eq!(Ore(u64::MAX).to_string(), "184.467.440.737.095.516,15 kr.");
    }
}
