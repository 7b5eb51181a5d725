//! The service facade, [`Valghalla`]: everything a host does goes through it.
//!
//! Every command runs the same way: **authorize** with the access policy → **load** the facts →
//! run the **pure rule** → **apply** the decision atomically (with the versions it loaded as
//! preconditions) → on a conflict, reload and retry a bounded number of times.

mod attention;
mod audit_search;
mod autofill;
mod candidates;
mod communication;
mod communication_search;
mod correspondence;
mod dispatch;
mod distribution;
mod election_day;
mod elections;
mod error;
mod exchange;
mod facts;
mod history;
mod hosts;
mod jobs;
mod master;
mod moves;
mod notes;
mod paging;
mod participants;
mod party;
mod ports;
mod queries;
mod responsibles;
mod seat_filter;
mod seats;
mod team_message;
mod threads;
mod tx;

use std::sync::Arc;

use crate::rules::access::{Actor, Permission, authorize};
use crate::store::DynStore;

pub use attention::{Attention, BoardAttention, LATE_WITHDRAWAL_DAYS, SeatAttention};
pub use audit_search::{AuditPage, AuditSearch};
pub use autofill::{ApplyFillReport, RefusedAssignment};
pub use candidates::InviteCandidate;
pub use communication::{
    CommunicationFilter, GroupFilter, GroupRecipient, GroupStatus, LogEntry, LogStatus,
    TemplateEntry,
};
pub use communication_search::{
    CommunicationPage, CommunicationSearch, DELETED_RECIPIENT, LogLine,
};
pub use correspondence::{Correspondence, IncomingPost};
pub use dispatch::{DispatchConfig, DispatchError, DispatchReport, Dispatcher, Disposition};
pub use election_day::{
    BoardCounts, BoardRow, MyStation, OfferView, Offered, ReserveRow, StationBoard, StationCount,
    take_link,
};
pub use elections::{DuplicateOptions, ElectionDraft, ElectionEdit};
pub use error::{Conflict, Error, Failure, Missing, SeatLosingChange};
pub use history::{
    HistoryEligibility, HistoryRejection, HistorySeat, ParticipantHistory, SlotNames,
};
pub use hosts::{LinkInfo, ParticipantSummary};
pub use master::{
    AreaDraft, ElectionTypeDraft, SpecialDietDraft, TaskTypeDraft, TeamDraft, WorkLocationDraft,
};
pub use moves::{MoveTarget, SeatSummary};
pub use paging::{Paged, on_days, page_count};
pub use participants::{NewParticipant, ParticipantView};
pub use party::{Candidate, LateWithdrawal, MemberRegistration, Registered};
pub use ports::{Clock, PersonRegistry, RegistryError, SystemClock};
pub use queries::{
    AreaOverview, Counts, LocationOverview, LocationStaff, MemberSeat, MyTask, Overview,
    OverviewRow, StaffMember, TeamMember, TeamShare, Vacancy,
};
pub use seat_filter::{OverviewFilter, ParticipantFilter, SeatFilter};
pub use seats::SeatRef;
pub use threads::{Inbox, InboxEntry, ThreadDraft};

/// How many times a command is retried after a conflict before giving up.
pub const MAX_ATTEMPTS: u32 = 12;

/// Settings a host chooses.
#[derive(Debug, Clone)]
pub struct Config {
    /// The public portal's base URL, for links in messages (`https://valg.kolding.dk`).
    pub public_base_url: String,
    /// Who publishes the calendar files (the UIDs' domain, the organiser). Without it messages
    /// carry no calendar file and "Mine opgaver" offers none.
    pub calendar: Option<crate::messages::calendar::CalendarSource>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            public_base_url: "http://127.0.0.1:8080".into(),
            calendar: None,
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
    late_withdrawal_days: u32,
}

/// How many days before a task a decline or withdrawal counts as late unless the host says
/// otherwise ([`Valghalla::with_late_withdrawal_days`]).
pub const DEFAULT_LATE_WITHDRAWAL_DAYS: u32 = 7;

impl Valghalla {
    /// A service over `store`, looking people up in `registry`, with the system clock.
    pub fn new(store: DynStore, registry: Arc<dyn PersonRegistry>) -> Self {
        Valghalla {
            store,
            registry,
            clock: Arc::new(SystemClock),
            config: Config::default(),
            late_withdrawal_days: DEFAULT_LATE_WITHDRAWAL_DAYS,
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

    /// A participant who declines or withdraws `days` days before the task or fewer is a late
    /// withdrawal: the team's secretaries are told at once, and the secretariat and they see it
    /// ([`Valghalla::late_withdrawals`]). Default [`DEFAULT_LATE_WITHDRAWAL_DAYS`].
    pub fn with_late_withdrawal_days(mut self, days: u32) -> Self {
        self.late_withdrawal_days = days;
        self
    }

    /// The public portal's base URL, the start of every link the service makes (pages show
    /// links in full with it).
    pub fn public_base_url(&self) -> &str {
        &self.config.public_base_url
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
                Err(e) if e.is_conflict() => return Err($crate::service::Error::busy()),
                Err(e) => return Err(e.into()),
            }
        }
    }};
}
pub(crate) use transact;
