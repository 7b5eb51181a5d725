//! Ports: what the service needs from the world, as traits a host implements.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::cpr::Cpr;
use crate::model::PersonRecord;

/// The time. Tests use the testkit's `FixedClock`.
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
