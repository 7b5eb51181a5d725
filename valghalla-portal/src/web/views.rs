//! What pages look like: the layout, Danish dates and words, counts, link lists, and helpers
//! to render a template or finish a POST.

use std::collections::BTreeMap;

use askama::Template;
use axum::response::{Html, IntoResponse, Redirect, Response};
use valghalla::Valghalla;
use valghalla_core::ids::{ElectionId, LinkId, TeamId};
use valghalla_core::model::{Election, LinkKind, SeatStatus};
use valghalla_core::rules::access::{Actor, Permission};

use crate::web::error::AppError;
use crate::web::extract::Viewer;
use crate::web::format::{count_da, full_url};

/// Renders a template into an HTML response.
pub fn render<T: Template>(t: &T) -> Result<Response, AppError> {
    Ok(Html(t.render()?).into_response())
}

/// Redirects after a successful POST, with a one-time message for the next page.
pub async fn done(viewer: &Viewer, to: &str, message: &str) -> Result<Response, AppError> {
    let msg = message.to_owned();
    viewer.update(|s| s.flash = Some(msg)).await?;
    Ok(Redirect::to(to).into_response())
}

/// Counts as the templates show them.
#[derive(Debug, Clone, Default)]
pub struct CountsView {
    /// Seats.
    pub seats: u32,
    /// Vacant.
    pub vacant: u32,
    /// Invited.
    pub invited: u32,
    /// Accepted.
    pub accepted: u32,
}

impl CountsView {
    /// "1 ledig", "2 ledige".
    pub fn vacant_da(&self) -> String {
        count_da(self.vacant.into(), "ledig", "ledige")
    }

    /// "1 ubesvaret", "2 ubesvarede".
    pub fn invited_da(&self) -> String {
        count_da(self.invited.into(), "ubesvaret", "ubesvarede")
    }

    /// "1 accepteret", "2 accepterede".
    pub fn accepted_da(&self) -> String {
        count_da(self.accepted.into(), "accepteret", "accepterede")
    }
}

impl From<valghalla_core::service::Counts> for CountsView {
    fn from(c: valghalla_core::service::Counts) -> Self {
        CountsView {
            seats: c.seats,
            vacant: c.vacant,
            invited: c.invited,
            accepted: c.accepted,
        }
    }
}

/// A date with its weekday (`tirsdag 17.11.2026`); the one date format is
/// [`crate::web::format`]'s.
pub use crate::web::format::weekday_date_da as da_date;

/// A date (`17.11.2026`), the one format of pages, lists and exports.
pub use crate::web::format::date_da as short_date;

/// An instant as local Danish time, `dd.mm.yyyy HH:MM`.
pub fn local_time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::Copenhagen)
        .format("%d.%m.%Y %H:%M")
        .to_string()
}

/// The Danish word for a seat status.
pub fn status_da(s: SeatStatus) -> &'static str {
    match s {
        SeatStatus::Vacant => "Ledig",
        SeatStatus::Invited => "Ubesvaret",
        SeatStatus::Accepted => "Accepteret",
    }
}

/// The CSS class for a seat status.
pub fn status_class(s: SeatStatus) -> &'static str {
    match s {
        SeatStatus::Vacant => "vacant",
        SeatStatus::Invited => "invited",
        SeatStatus::Accepted => "accepted",
    }
}

/// The special diets as checkboxes, `chosen` ticked.
pub async fn diet_checkboxes(
    svc: &Valghalla,
    actor: &Actor,
    chosen: &std::collections::BTreeSet<valghalla_core::ids::SpecialDietId>,
) -> Result<Vec<crate::web::Choice>, AppError> {
    Ok(svc
        .special_diets(actor)
        .await?
        .into_iter()
        .map(|d| crate::web::Choice {
            value: d.id.to_string(),
            label: d.title.to_string(),
            selected: chosen.contains(&d.id),
        })
        .collect())
}

/// Asks the core's access policy whether the viewer may do `permission` (for pages that only
/// read data everyone may read, but belong to one audience).
pub fn require(actor: &Actor, permission: Permission) -> Result<(), AppError> {
    valghalla_core::rules::access::authorize(actor, &permission)
        .map_err(|d| AppError::Service(valghalla::Error::Denied(d)))
}

/// The election a page is about: the one asked for, else the first active one, else the first.
pub async fn pick_election(
    svc: &Valghalla,
    actor: &Actor,
    wanted: Option<ElectionId>,
) -> Result<Option<Election>, AppError> {
    let all = svc.elections(actor).await?;
    if let Some(id) = wanted {
        return all
            .into_iter()
            .find(|e| e.id == id)
            .map(Some)
            .ok_or(AppError::NotFound);
    }
    let active = all.iter().find(|e| e.active).cloned();
    Ok(active.or_else(|| all.into_iter().next()))
}

/// A link in a list (`linklist.html`).
pub struct LinkRow {
    /// The link.
    pub id: LinkId,
    /// What kind it is, in Danish.
    pub kind: &'static str,
    /// Its team.
    pub team: String,
    /// The whole link (`https://valg.kommune.dk/link/…`), as it is copied and shared.
    pub url: String,
    /// When it was made.
    pub created: String,
    /// Whether it still works.
    pub live: bool,
}

impl LinkRow {
    /// The whole link.
    pub fn url(&self) -> &str {
        &self.url
    }
}

/// The rows of a link list (every link, or a team's).
pub async fn link_rows(
    svc: &Valghalla,
    actor: &Actor,
    team: Option<TeamId>,
) -> Result<Vec<LinkRow>, AppError> {
    let names: BTreeMap<TeamId, String> = svc
        .teams(actor)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name.to_string()))
        .collect();
    Ok(svc
        .links(actor, team)
        .await?
        .into_iter()
        .map(|l| LinkRow {
            id: l.link.id,
            kind: match l.link.kind {
                LinkKind::Team { .. } => "Team",
                LinkKind::Vacancies(_) => "Ledige pladser",
                LinkKind::Seat { .. } => "Én plads",
            },
            team: names.get(&l.team).cloned().unwrap_or_default(),
            url: full_url(
                svc.public_base_url(),
                &format!("/link/{}", l.link.token.as_str()),
            ),
            created: local_time(l.link.created_at),
            live: l.link.is_live(),
        })
        .collect())
}
