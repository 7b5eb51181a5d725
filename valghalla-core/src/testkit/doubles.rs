//! Test doubles of the service's ports: a clock that stands still ([`FixedClock`]), a CPR
//! registry in memory ([`FakeRegistry`]) and a message sender that records instead of
//! delivering ([`RecordingSender`]). Never use them in production: they exist so tests (and
//! demos on generated data) can control time, people and messages.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::cpr::Cpr;
use crate::ids::MessageId;
use crate::messages::{Channel, MessageSender, Outgoing, Receipt, SendError};
use crate::model::{Address, CountryCode, PersonRecord};
use crate::service::{Clock, PersonRegistry, RegistryError};
use crate::values::{MunicipalityCode, PostalCode};

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

/// A sender **for tests**: it delivers nothing, it records. It behaves like a provider that
/// honours idempotency keys (a second send with a key it has seen is acknowledged but not
/// delivered again) and counts every attempt. Failures can be injected.
///
/// Never use it as a real channel: it exists so tests can see what would have been sent.
#[derive(Debug, Clone)]
pub struct RecordingSender {
    channel: Channel,
    state: Arc<Mutex<RecordingState>>,
}

#[derive(Debug, Default)]
struct RecordingState {
    delivered: BTreeMap<MessageId, Outgoing>,
    order: Vec<MessageId>,
    calls: BTreeMap<MessageId, u32>,
    fail_next: u32,
    permanent: Option<String>,
}

impl RecordingSender {
    /// A recording sender posing as `channel`.
    pub fn new(channel: Channel) -> Self {
        RecordingSender {
            channel,
            state: Arc::new(Mutex::new(RecordingState::default())),
        }
    }

    fn with_state<T>(&self, f: impl FnOnce(&mut RecordingState) -> T) -> T {
        match self.state.lock() {
            Ok(mut s) => f(&mut s),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }

    /// Makes the next `k` sends fail temporarily.
    pub fn fail_next(&self, k: u32) {
        self.with_state(|s| s.fail_next = k);
    }

    /// Makes every send fail permanently with `reason` (`None`: stop failing).
    pub fn fail_permanently(&self, reason: Option<&str>) {
        self.with_state(|s| s.permanent = reason.map(str::to_owned));
    }

    /// The messages delivered, once each, in delivery order.
    pub fn delivered(&self) -> Vec<Outgoing> {
        self.with_state(|s| {
            s.order
                .iter()
                .filter_map(|id| s.delivered.get(id).cloned())
                .collect()
        })
    }

    /// How many times a message was handed over (failed attempts included).
    pub fn attempts(&self, id: MessageId) -> u32 {
        self.with_state(|s| s.calls.get(&id).copied().unwrap_or(0))
    }

    /// How many send calls there were in all.
    pub fn total_attempts(&self) -> u32 {
        self.with_state(|s| s.calls.values().sum())
    }
}

#[async_trait]
impl MessageSender for RecordingSender {
    fn channel(&self) -> Channel {
        self.channel
    }

    async fn send(&self, msg: &Outgoing) -> Result<Receipt, SendError> {
        self.with_state(|s| {
            *s.calls.entry(msg.idempotency_key).or_default() += 1;
            if let Some(reason) = &s.permanent {
                return Err(SendError::Permanent(reason.clone()));
            }
            if s.fail_next > 0 {
                s.fail_next -= 1;
                return Err(SendError::Temporary("injected failure".into()));
            }
            if let std::collections::btree_map::Entry::Vacant(slot) =
                s.delivered.entry(msg.idempotency_key)
            {
                slot.insert(msg.clone());
                s.order.push(msg.idempotency_key);
            }
            Ok(Receipt {
                provider_reference: Some(msg.idempotency_key.to_string()),
            })
        })
    }
}
