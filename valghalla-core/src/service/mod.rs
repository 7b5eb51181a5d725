//! The service facade, [`Valghalla`]: everything a host does goes through it.
//!
//! Every command runs the same way: **authorize** with the access policy → **load** the facts →
//! run the **pure rule** → **apply** the decision atomically (with the versions it loaded as
//! preconditions) → on a conflict, reload and retry a bounded number of times.

mod autofill;
mod communication;
mod dispatch;
mod distribution;
mod elections;
mod exchange;
mod facts;
mod hosts;
mod jobs;
mod master;
mod participants;
pub mod ports;
mod queries;
mod seats;
mod tx;

use std::sync::Arc;

use crate::model::RecordKey;
use crate::rules::access::{Actor, Denied, Permission, authorize};
use crate::rules::{RefusalCode, Refused};
use crate::store::{DynStore, StoreError};
use crate::values::{DanishMessage, FieldError};

pub use autofill::{ApplyFillReport, RefusedAssignment};
pub use communication::{
    CommunicationFilter, GroupFilter, GroupRecipient, GroupStatus, LogEntry, LogStatus,
    TemplateEntry,
};
pub use dispatch::{DispatchConfig, DispatchError, DispatchReport, Dispatcher, Disposition};
pub use elections::{ElectionDraft, ElectionEdit};
pub use hosts::{LinkInfo, ParticipantSummary};
pub use master::{TaskTypeDraft, WorkLocationDraft};
pub use participants::{NewParticipant, ParticipantView};
pub use ports::{Clock, PersonRegistry, RegistryError, SystemClock};
pub use queries::{
    AreaOverview, Counts, LocationOverview, LocationStaff, MemberSeat, MyTask, Overview,
    OverviewFilter, OverviewRow, ParticipantFilter, StaffMember, TeamMember, TeamShare, Vacancy,
};
pub use seats::SeatRef;

/// How many times a command is retried after a conflict before giving up.
pub const MAX_ATTEMPTS: u32 = 12;

/// Settings a host chooses.
#[derive(Debug, Clone)]
pub struct Config {
    /// The public portal's base URL, for links in messages (`https://valg.kolding.dk`).
    pub public_base_url: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            public_base_url: "http://127.0.0.1:8080".into(),
        }
    }
}

/// Everything that can go wrong in a command or query.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The actor may not do this.
    #[error("not allowed: {0}")]
    Denied(#[from] Denied),
    /// A rule refused the command; every reason is listed.
    #[error(transparent)]
    Refused(#[from] Refused),
    /// Input was invalid.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// Something the command names does not exist.
    #[error("{what} {id} does not exist")]
    NotFound {
        /// What kind of thing.
        what: &'static str,
        /// Its id.
        id: String,
    },
    /// The command conflicts with the current data (e.g. a name already in use).
    #[error("{0}")]
    Conflict(String),
    /// The data kept changing under the command; try again.
    #[error("the data changed {MAX_ATTEMPTS} times while the command ran; try again")]
    Busy,
    /// The municipality has not been set up (call `set_municipality` first).
    #[error("the municipality is not set up yet; set its code and name first")]
    NotConfigured,
    /// The CPR registry failed.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// A message template was refused (unknown tokens, empty body, …).
    #[error(transparent)]
    Template(#[from] crate::messages::TemplateError),
    /// A change to the template library was refused (default template, duplicate title, …).
    #[error(transparent)]
    Library(#[from] crate::messages::LibraryError),
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
    /// No staffing could be proposed from the council's input.
    #[error(transparent)]
    Staffing(#[from] crate::apportion::staffing::StaffingError),
    /// The auto-fill solver refused its instance (a bug: the service builds valid instances).
    #[error("auto-fill: {0}")]
    AutoFill(#[from] crate::autofill::SolveError),
}

impl Error {
    pub(crate) fn not_found(key: RecordKey) -> Self {
        Error::NotFound {
            what: key.kind().name(),
            id: key.id_string(),
        }
    }

    /// Whether the error is a refusal with a violation of `code`.
    pub fn is_refused(&self, code: RefusalCode) -> bool {
        matches!(self, Error::Refused(r) if r.has(code))
    }
}

impl From<crate::exchange::ExchangeError> for Error {
    /// A file that cannot be used as a whole (e.g. a missing column) is invalid input.
    fn from(e: crate::exchange::ExchangeError) -> Self {
        Error::Invalid(FieldError::new(
            "file",
            "fil",
            e.to_string(),
            e.message_da(),
        ))
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        Error::Store(e)
    }
}

impl DanishMessage for Error {
    fn message_da(&self) -> String {
        match self {
            Error::Denied(_) => "Du har ikke adgang til dette.".into(),
            Error::Refused(r) => r.message_da(),
            Error::Invalid(f) => f.message_da(),
            Error::NotFound { .. } => "Det findes ikke (længere).".into(),
            Error::Conflict(m) => m.clone(),
            Error::Busy => "Data blev ændret imens; prøv igen.".into(),
            Error::NotConfigured => "Kommunen er ikke sat op endnu.".into(),
            Error::Registry(RegistryError::NotFound(_)) => {
                "CPR-registret kender ikke personen.".into()
            }
            Error::Registry(RegistryError::Unavailable(_)) => {
                "CPR-registret svarer ikke; prøv igen senere.".into()
            }
            Error::Template(e) => e.message_da(),
            Error::Library(e) => e.message_da(),
            Error::Store(_) => "Der opstod en fejl ved lagring; prøv igen.".into(),
            Error::Staffing(e) => e.message_da(),
            Error::AutoFill(_) => "Den automatiske udfyldning fejlede.".into(),
        }
    }
}

/// The result of a service call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The service. Cheap to clone; share one per municipality.
#[derive(Debug, Clone)]
pub struct Valghalla {
    store: DynStore,
    registry: Arc<dyn PersonRegistry>,
    clock: Arc<dyn Clock>,
    config: Config,
}

impl Valghalla {
    /// A service over `store`, looking people up in `registry`, with the system clock.
    pub fn new(store: DynStore, registry: Arc<dyn PersonRegistry>) -> Self {
        Valghalla {
            store,
            registry,
            clock: Arc::new(SystemClock),
            config: Config::default(),
        }
    }

    /// Uses `clock` instead of the system clock.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Uses `config`.
    pub fn with_config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    fn authorize(&self, actor: &Actor, permission: Permission) -> Result<()> {
        authorize(actor, &permission).map_err(|denied| {
            tracing::info!(actor = %denied.actor, "access denied");
            Error::Denied(denied)
        })
    }

    fn ctx(&self, actor: &Actor) -> crate::rules::Ctx {
        crate::rules::Ctx {
            now: self.clock.now(),
            actor: actor.label(),
        }
    }
}

/// Runs `$body` (which loads through `$tx` and evaluates to `(Decision, output)`), applies the
/// decision atomically, and retries from scratch on a conflict.
macro_rules! transact {
    ($svc:expr, |$tx:ident| $body:block) => {{
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let mut $tx = $crate::service::tx::Tx::new($svc);
            let (decision, out) = $body;
            let changes = $tx.finish(decision).await?;
            if changes.is_empty() {
                break out;
            }
            tracing::debug!(
                attempt,
                writes = changes.changes.len(),
                messages = changes.messages.len(),
                "applying change set"
            );
            match $svc.store.apply(changes).await {
                Ok(()) => break out,
                Err(e) if e.is_conflict() && attempt < $crate::service::MAX_ATTEMPTS => {
                    tracing::debug!(attempt, "conflict; retrying");
                    continue;
                }
                Err(e) if e.is_conflict() => return Err($crate::service::Error::Busy),
                Err(e) => return Err(e.into()),
            }
        }
    }};
}
pub(crate) use transact;
