//! What the master-data forms share: which record a form is about, the service's objection
//! placed at a field, checkbox values. A leaf below the kinds' modules.

use valghalla::core::DanishMessage;

use crate::web::{AppError, FormErrors};

/// Which record a form is about: a new one (`ny`) or an existing one by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which<Id> {
    /// A new one (`ny`).
    New,
    /// An existing one.
    Existing(Id),
}

impl<Id: std::str::FromStr> Which<Id> {
    /// The `{id}` of an address: `ny` or an id; anything else is a page that does not exist.
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        if raw == "ny" {
            return Ok(Which::New);
        }
        raw.parse()
            .map(Which::Existing)
            .map_err(|_| AppError::NotFound)
    }
}

/// The service's objection to a form, placed at the field it is about: invalid input at its
/// field (`field_of` maps the core's English field name to the form's field id), a conflict or
/// refusal at `general`. A denial or failure is no objection to the form: it stays an error.
pub fn objection(
    e: valghalla::Error,
    field_of: impl Fn(&str) -> &'static str,
    general: &str,
) -> Result<FormErrors, AppError> {
    let mut errors = FormErrors::none();
    match &e {
        valghalla::Error::Invalid(f) => errors.add(field_of(f.field), f.message_da()),
        valghalla::Error::Conflict(_) | valghalla::Error::Refused(_) => {
            errors = FormErrors::from_service(general, &e);
        }
        _ => return Err(e.into()),
    }
    Ok(errors)
}

/// A checkbox's value as a form posts it.
pub fn ticked(on: bool) -> String {
    if on { "1".into() } else { String::new() }
}
