//! A posted form (or a query string) as name–value pairs: what every page reads and what the
//! [`Authenticator`](crate::Authenticator) completes a login from.

use std::collections::BTreeSet;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A value a browser would not send (a hidden field that does not parse): the page answers
/// "bad request".
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a form value that does not parse")]
pub struct BadInput;

/// A posted form, as name–value pairs (repeated names allowed).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    /// The first value of `name`, trimmed ("" when missing).
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .collect()
    }

    /// The value of `name` parsed; [`BadInput`] when it does not parse (hidden fields).
    pub fn parse<T: FromStr>(&self, name: &str) -> Result<T, BadInput> {
        self.get(name).parse().map_err(|_| BadInput)
    }

    /// Every value of `name` parsed, skipping empty ones.
    pub fn parse_all<T: FromStr + Ord>(&self, name: &str) -> Result<BTreeSet<T>, BadInput> {
        self.all(name)
            .into_iter()
            .filter(|v| !v.is_empty())
            .map(|v| v.parse().map_err(|_| BadInput))
            .collect()
    }

    /// A query string as a form (empty when it does not parse).
    pub fn from_query(raw: Option<&str>) -> FormData {
        serde_urlencoded::from_str(raw.unwrap_or("")).unwrap_or_default()
    }
}
