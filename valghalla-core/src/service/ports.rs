//! Ports: what the service needs from the world, as traits a host implements.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::cpr::Cpr;
use crate::model::{Address, CountryCode, PersonRecord};
use crate::values::{MunicipalityCode, PostalCode};

/// The time. Tests use [`FixedClock`].
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Now.
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until moved.
#[derive(Debug, Clone)]
pub struct FixedClock(Arc<Mutex<DateTime<Utc>>>);

impl FixedClock {
    /// A clock showing `at`.
    pub fn at(at: DateTime<Utc>) -> Self {
        FixedClock(Arc::new(Mutex::new(at)))
    }

    /// Moves the clock to `at`.
    pub fn set(&self, at: DateTime<Utc>) {
        if let Ok(mut t) = self.0.lock() {
            *t = at;
        }
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: chrono::Duration) {
        if let Ok(mut t) = self.0.lock() {
            *t += by;
        }
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
            .lock()
            .map(|t| *t)
            .unwrap_or_else(|e| *e.into_inner())
    }
}

/// Why a registry lookup failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// The registry has no person with that number.
    #[error("the CPR registry has no person with CPR number {0}")]
    NotFound(Cpr),
    /// The registry could not be reached or answered with an error.
    #[error("the CPR registry is unavailable: {0}")]
    Unavailable(String),
}

/// A CPR registry (the municipality's CPR service, e.g. Serviceplatformen SF1520).
#[async_trait]
pub trait PersonRegistry: Send + Sync + std::fmt::Debug {
    /// The registry's current data about the person with `cpr`.
    async fn lookup(&self, cpr: &Cpr) -> Result<PersonRecord, RegistryError>;

    /// Looks many people up at once (imports call this in batches), one result per number in
    /// the same order. The default asks [`PersonRegistry::lookup`] one number at a time; a
    /// registry with a batch operation should override it.
    async fn lookup_many(&self, cprs: &[Cpr]) -> Vec<Result<PersonRecord, RegistryError>> {
        let mut out = Vec::with_capacity(cprs.len());
        for cpr in cprs {
            out.push(self.lookup(cpr).await);
        }
        out
    }
}

/// An in-memory registry for tests and demos. Never a real CPR service.
#[derive(Debug, Default, Clone)]
pub struct FakeRegistry {
    people: Arc<Mutex<BTreeMap<Cpr, PersonRecord>>>,
}

impl FakeRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces a person.
    pub fn insert(&self, cpr: Cpr, person: PersonRecord) {
        if let Ok(mut people) = self.people.lock() {
            people.insert(cpr, person);
        }
    }

    /// Changes a person's record in place (e.g. to test re-validation).
    pub fn update(&self, cpr: &Cpr, change: impl FnOnce(&mut PersonRecord)) {
        if let Ok(mut people) = self.people.lock()
            && let Some(p) = people.get_mut(cpr)
        {
            change(p);
        }
    }

    /// A plausible adult Danish resident of `municipality` with the given name.
    pub fn resident(
        cpr: &Cpr,
        first_name: &str,
        last_name: &str,
        municipality: MunicipalityCode,
    ) -> PersonRecord {
        PersonRecord {
            first_name: first_name.to_owned(),
            last_name: last_name.to_owned(),
            address: Some(Address {
                street: "Hovedgaden 1".into(),
                postal_code: PostalCode::parse("6000").ok(),
                city: "Korsbæk".into(),
            }),
            municipality: Some(municipality),
            citizenship: Some(CountryCode::DENMARK),
            birth_date: cpr.birth_date(),
            deceased: false,
            under_guardianship: false,
            protected_address: false,
            exempt_from_digital_post: false,
            resident_in_realm_since: None,
        }
    }
}

#[async_trait]
impl PersonRegistry for FakeRegistry {
    async fn lookup(&self, cpr: &Cpr) -> Result<PersonRecord, RegistryError> {
        let people = self
            .people
            .lock()
            .map_err(|_| RegistryError::Unavailable("fake registry poisoned".into()))?;
        people
            .get(cpr)
            .cloned()
            .ok_or(RegistryError::NotFound(*cpr))
    }

    async fn lookup_many(&self, cprs: &[Cpr]) -> Vec<Result<PersonRecord, RegistryError>> {
        match self.people.lock() {
            Ok(people) => cprs
                .iter()
                .map(|c| people.get(c).cloned().ok_or(RegistryError::NotFound(*c)))
                .collect(),
            Err(_) => cprs
                .iter()
                .map(|_| Err(RegistryError::Unavailable("fake registry poisoned".into())))
                .collect(),
        }
    }
}
