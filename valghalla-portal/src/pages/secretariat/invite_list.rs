//! Finding someone to invite to a seat: people searched by name, each shown as free or with
//! every reason they cannot take the seat, people who said no to the task before marked, and
//! people with the same name told apart by birth year and postal district.

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery};
use axum::response::Response;
use axum::routing::get;
use valghalla::core::ids::{ParticipantId, SeatId};
use valghalla::core::rules::access::Permission;

use crate::state::{PortalState, Tenant};
use crate::web::guard::safe_back;
use crate::web::views::require;
use crate::web::{AppError, FormData, Layout, Me, render};

pub fn router() -> Router<PortalState> {
    Router::new().route("/sekretariat/pladser/{seat}/kandidater", get(page))
}

/// How many people a search shows.
const SHOWN: usize = 50;

struct Candidate {
    id: ParticipantId,
    name: String,
    tell_apart: String,
    free: bool,
    reasons: Vec<String>,
    declined_before: bool,
}

#[derive(Template)]
#[template(path = "sekretariat/kandidater.html")]
struct CandidatesPage {
    layout: Layout,
    seat: SeatId,
    q: String,
    back: String,
    candidates: Vec<Candidate>,
    shown: usize,
}

/// GET /sekretariat/pladser/{seat}/kandidater?q=&tilbage=: people to invite to the seat.
pub async fn page(
    state: Tenant,
    me: Me,
    Path(seat): Path<SeatId>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::ManageSeatHolders)?;
    let form = FormData::from_query(query.as_deref());
    let q = form.get("q").to_owned();
    let candidates = state
        .svc
        .invite_candidates(&me.0.actor, seat, &q, SHOWN)
        .await?
        .into_iter()
        .map(|c| Candidate {
            id: c.participant,
            name: c.name,
            tell_apart: c.tell_apart,
            free: c.free,
            reasons: c.reasons,
            declined_before: c.declined_before,
        })
        .collect();
    render(&CandidatesPage {
        layout: me.0.layout("Find en person at invitere"),
        seat,
        back: safe_back(form.get("tilbage"), "/sekretariat/", "/sekretariat"),
        q,
        candidates,
        shown: SHOWN,
    })
}
