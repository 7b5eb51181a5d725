//! The dashboard of what needs attention in an election now: stations whose board is not
//! lawful (with a link to fix the distribution), invitations unanswered for N days, vacant
//! seats by day, failed messages, late withdrawals and declined invitations.

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery};
use axum::response::Response;
use axum::routing::get;
use valghalla::core::ids::{ElectionId, ParticipantId, WorkLocationId};
use valghalla::core::rules::access::Permission;
use valghalla::core::service::LATE_WITHDRAWAL_DAYS;

use crate::state::{PortalState, Tenant};
use crate::web::views::{require, short_date};
use crate::web::{AppError, FormData, FormErrors, Layout, Me, render};

pub fn router() -> Router<PortalState> {
    Router::new().route("/sekretariat/valg/{id}/opmaerksomhed", get(page))
}

/// How many days an invitation may wait for an answer before it is listed, unless asked.
const DEFAULT_DAYS: u32 = 7;

struct Board {
    location: WorkLocationId,
    title: String,
    area: String,
    problem: String,
}

struct Person {
    participant: ParticipantId,
    name: String,
    location: WorkLocationId,
    what: String,
    since: String,
}

#[derive(Template)]
#[template(path = "sekretariat/opmaerksomhed.html")]
struct AttentionPage {
    layout: Layout,
    election: ElectionId,
    days: String,
    boards: Vec<Board>,
    invitations: Vec<Person>,
    vacant: Vec<(String, String, u32)>,
    failed: usize,
    withdrawals: Vec<Person>,
    declined: Vec<Person>,
    late_days: i64,
    errors: FormErrors,
}

/// GET /sekretariat/valg/{id}/opmaerksomhed?dage=N: what needs attention now.
pub async fn page(
    state: Tenant,
    me: Me,
    Path(id): Path<ElectionId>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::ReadOverview)?;
    let form = FormData::from_query(query.as_deref());
    let mut errors = FormErrors::none();
    let days = match form.get("dage") {
        "" => DEFAULT_DAYS,
        v => v
            .parse::<u32>()
            .ok()
            .filter(|d| *d <= 365)
            .unwrap_or_else(|| {
                errors.add("dage", "Angiv et helt antal dage (0–365).");
                DEFAULT_DAYS
            }),
    };
    let a = state.svc.attention(&me.0.actor, id, days).await?;
    let election = state.svc.election(&me.0.actor, id).await?;
    let person = |s: valghalla::core::service::SeatAttention| Person {
        participant: s.participant,
        name: s.name,
        location: s.work_location,
        what: format!("{}, {} {}", s.location, s.task_type, short_date(s.date)),
        since: short_date(s.since),
    };
    render(&AttentionPage {
        layout: me
            .0
            .layout(format!("Det kræver opmærksomhed: {}", election.title)),
        election: id,
        days: if errors.is_empty() {
            days.to_string()
        } else {
            form.get("dage").to_owned()
        },
        boards: a
            .boards
            .into_iter()
            .map(|b| Board {
                location: b.warning.work_location,
                problem: b.warning.message_da(),
                title: b.title,
                area: b.area,
            })
            .collect(),
        invitations: a.old_invitations.into_iter().map(person).collect(),
        vacant: a
            .vacant_by_date
            .into_iter()
            .map(|(d, n)| (d.to_string(), short_date(d), n))
            .collect(),
        failed: a.failed_messages,
        withdrawals: a.late_withdrawals.into_iter().map(person).collect(),
        declined: a.declined.into_iter().map(person).collect(),
        late_days: LATE_WITHDRAWAL_DAYS,
        errors,
    })
}
