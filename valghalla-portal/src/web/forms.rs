//! Posted forms and their errors, and the form values several page areas share.

use std::collections::BTreeSet;

use serde::Deserialize;
use valghalla_core::ids::TeamId;
use valghalla_core::model::{Contact, LinkKind, SlotKey, VacancyFilter};
use valghalla_core::{DanishMessage, Email, MobileNumber};

pub use crate::form::FormData;
use crate::web::error::AppError;

/// Errors in a form: each message belongs to a field id (the summary links to it).
#[derive(Debug, Clone, Default)]
pub struct FormErrors(pub Vec<(String, String)>);

impl FormErrors {
    /// No errors.
    pub fn none() -> Self {
        FormErrors(Vec::new())
    }

    /// Adds `message` for the field `id`.
    pub fn add(&mut self, id: &str, message: impl Into<String>) {
        self.0.push((id.to_owned(), message.into()));
    }

    /// The message for field `id`, if any.
    pub fn get(&self, id: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == id)
            .map(|(_, m)| m.as_str())
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// An error from the service placed on field `id` (refusals list every reason).
    pub fn from_service(id: &str, e: &valghalla::Error) -> Self {
        let mut out = FormErrors::none();
        match e {
            valghalla::Error::Refused(r) => {
                for v in &r.violations {
                    out.add(id, v.message_da());
                }
            }
            other => out.add(id, other.message_da()),
        }
        out
    }
}

/// An option of a `<select>` or a checkbox.
#[derive(Debug, Clone)]
pub struct Choice {
    /// Its value.
    pub value: String,
    /// Its text.
    pub label: String,
    /// Whether it is selected.
    pub selected: bool,
}

/// Contact details from a form (`mobil`, `email`); errors go next to the fields.
pub fn parse_contact(form: &FormData, errors: &mut FormErrors) -> Contact {
    let mobile = match form.get("mobil") {
        "" => None,
        m => match MobileNumber::parse(m) {
            Ok(m) => Some(m),
            Err(e) => {
                errors.add("mobil", e.message_da());
                None
            }
        },
    };
    let email = match form.get("email") {
        "" => None,
        m => match Email::parse(m) {
            Ok(m) => Some(m),
            Err(e) => {
                errors.add("email", e.message_da());
                None
            }
        },
    };
    Contact { mobile, email }
}

/// The values of the contact fields (`contact_fields.html`): what was posted, to show it back
/// with its errors, or else what is stored. `(mobile, email)`.
pub fn contact_values(contact: &Contact, posted: Option<&FormData>) -> (String, String) {
    match posted {
        Some(f) => (f.get("mobil").to_owned(), f.get("email").to_owned()),
        None => (
            contact.mobile.map(|m| m.national()).unwrap_or_default(),
            contact
                .email
                .as_ref()
                .map(|e| e.to_string())
                .unwrap_or_default(),
        ),
    }
}

/// A slot as a hidden form value: `election|location|task type|team|date`.
pub fn slot_value(s: &SlotKey) -> String {
    format!(
        "{}|{}|{}|{}|{}",
        s.election, s.work_location, s.task_type, s.team, s.date
    )
}

/// Parses [`slot_value`].
pub fn parse_slot(v: &str) -> Result<SlotKey, AppError> {
    let parts: Vec<&str> = v.split('|').collect();
    let [e, l, t, team, d] = parts.as_slice() else {
        return Err(AppError::BadRequest);
    };
    let bad = |_| AppError::BadRequest;
    Ok(SlotKey {
        election: e.parse().map_err(bad)?,
        work_location: l.parse().map_err(bad)?,
        task_type: t.parse().map_err(bad)?,
        team: team.parse().map_err(bad)?,
        date: d.parse().map_err(|_| AppError::BadRequest)?,
    })
}

/// The kind of link a form asks for (`type` = `team` or `ledige`).
pub fn link_kind(form: &FormData, team: TeamId) -> Result<LinkKind, AppError> {
    Ok(match form.get("type") {
        "team" => LinkKind::Team { team },
        "ledige" => LinkKind::Vacancies(VacancyFilter {
            election: form.parse("valg")?,
            team,
            areas: BTreeSet::new(),
            work_locations: BTreeSet::new(),
            task_types: BTreeSet::new(),
            dates: BTreeSet::new(),
            include_trusted: form.get("betroede") == "1",
        }),
        _ => return Err(AppError::BadRequest),
    })
}

/// `?valg=`: the election a page is about.
#[derive(Debug, Deserialize)]
pub struct ElectionQuery {
    valg: Option<String>,
}

impl ElectionQuery {
    /// The election asked for, if it parses.
    pub fn election(&self) -> Option<valghalla_core::ids::ElectionId> {
        self.valg.as_deref().and_then(|v| v.parse().ok())
    }
}
