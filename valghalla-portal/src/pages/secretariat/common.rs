//! What several secretariat pages share: choice lists, dates from forms, the names of message
//! kinds and the participant list's columns. A leaf below the secretariat's pages.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use valghalla::core::exchange::ListColumn;
use valghalla::core::ids::{ParticipantId, SpecialDietId, TeamId, WorkLocationId};
use valghalla::core::messages::{Channel, MessageKind};
use valghalla::core::model::LocationScope;
use valghalla::core::rules::access::Actor;
use valghalla::core::service::LogStatus;

use crate::state::Tenant;
use crate::web::views::diet_checkboxes;
use crate::web::{AppError, Choice, FormData, FormErrors, Me};

/// Whether XLSX downloads are built in (the templates hide the buttons otherwise).
pub use crate::web::download::XLSX;

/// The special diets as checkboxes, `chosen` ticked.
pub async fn diet_choices(
    state: &Tenant,
    me: &Me,
    chosen: &BTreeSet<SpecialDietId>,
) -> Result<Vec<Choice>, AppError> {
    diet_checkboxes(&state.svc, &me.0.actor, chosen).await
}

/// Every participant's name by id (the secretariat's lists of messages and proposals).
pub async fn participant_names(
    state: &Tenant,
    actor: &Actor,
) -> Result<BTreeMap<ParticipantId, String>, AppError> {
    Ok(state
        .svc
        .search_participants(actor, "", usize::MAX)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect())
}

/// The teams as choices, `chosen` selected.
pub async fn team_choices(
    state: &Tenant,
    me: &Me,
    chosen: &BTreeSet<TeamId>,
) -> Result<Vec<Choice>, AppError> {
    Ok(state
        .svc
        .teams(&me.0.actor)
        .await?
        .into_iter()
        .map(|t| Choice {
            value: t.id.to_string(),
            label: t.name.to_string(),
            selected: chosen.contains(&t.id),
        })
        .collect())
}

/// A date field (`åååå-mm-dd`), or an error next to it.
pub fn parse_date(form: &FormData, field: &str, errors: &mut FormErrors) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(form.get(field), "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.add(field, "Angiv en dato (åååå-mm-dd).");
            None
        }
    }
}

/// The Danish name of a message kind.
pub fn kind_da(k: MessageKind) -> &'static str {
    match k {
        MessageKind::Invitation => "Invitation",
        MessageKind::InvitationReminder => "Påmindelse om invitation",
        MessageKind::Registration => "Tilmelding",
        MessageKind::Cancellation => "Afmelding",
        MessageKind::InvitationRetracted => "Invitation trukket tilbage",
        MessageKind::RemovedFromTask => "Fjernet fra opgave",
        MessageKind::RemovedByValidation => "Fjernet efter validering",
        MessageKind::TaskReminder => "Påmindelse om opgave",
        MessageKind::Group => "Gruppebesked",
        MessageKind::SeatOffered => "Tilbud til reserve",
        MessageKind::OfferFilled => "Pladsen er besat",
    }
}

/// A message's delivery state in Danish, and its key in a search (`status=sendt`).
pub const LOG_STATUSES: [(LogStatus, &str, &str); 4] = [
    (LogStatus::Pending, "venter", "Venter"),
    (LogStatus::Sent, "sendt", "Sendt"),
    (LogStatus::Failed, "fejlet", "Fejlet"),
    (LogStatus::Cancelled, "annulleret", "Annulleret"),
];

/// The Danish word for a message's delivery state.
pub fn log_status_da(s: LogStatus) -> &'static str {
    LOG_STATUSES
        .iter()
        .find(|(x, _, _)| *x == s)
        .map_or("", |(_, _, da)| da)
}

/// A logged message's channel by name ("E-mail", "SMS", …): the log records the channel's code.
pub fn channel_da(code: Option<String>) -> String {
    code.map(|c| Channel::from_code(&c).map_or(c, |ch| ch.to_string()))
        .unwrap_or_default()
}

/// The CSS class of a delivery state's badge.
pub fn log_status_class(s: LogStatus) -> &'static str {
    match s {
        LogStatus::Pending => "invited",
        LogStatus::Sent => "accepted",
        LogStatus::Failed | LogStatus::Cancelled => "vacant",
    }
}

/// A message kind's key in a search (`type=invitation`).
pub fn kind_key(k: MessageKind) -> String {
    format!("{k:?}").to_lowercase()
}

/// The columns of the participant list when none are chosen.
const DEFAULT_COLUMNS: [ListColumn; 10] = [
    ListColumn::Name,
    ListColumn::Age,
    ListColumn::Mobile,
    ListColumn::Email,
    ListColumn::SpecialDiets,
    ListColumn::Team,
    ListColumn::WorkLocation,
    ListColumn::TaskType,
    ListColumn::Date,
    ListColumn::Status,
];

/// A column's key in a query (`kolonne=navn`).
pub fn column_key(c: ListColumn) -> String {
    format!("{c:?}").to_lowercase()
}

/// The participant list's columns a query (`kolonne=…`) chooses, in the usual order; the
/// default columns when it chooses none.
pub fn chosen_columns(q: &FormData) -> Vec<ListColumn> {
    let wanted = q.all("kolonne");
    let picked: Vec<ListColumn> = ListColumn::ALL
        .into_iter()
        .filter(|c| wanted.contains(&column_key(*c).as_str()))
        .collect();
    if picked.is_empty() {
        DEFAULT_COLUMNS.to_vec()
    } else {
        picked
    }
}

/// Where a party secretary may act, in Danish: every station, or the named ones.
pub fn scope_da(scope: &LocationScope, titles: &BTreeMap<WorkLocationId, String>) -> String {
    match scope {
        LocationScope::All => "alle valgsteder".into(),
        LocationScope::Only(set) => set
            .iter()
            .filter_map(|l| titles.get(l).cloned())
            .collect::<Vec<_>>()
            .join(", "),
    }
}
