//! What a party secretary does with the team as a whole: download the party's status (CSV, for
//! a spreadsheet) and write to every member. The core limits both to the secretary's teams.

use axum::extract::{Path, Query};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use valghalla::core::DanishMessage;
use valghalla::core::exchange::CsvOptions;
use valghalla::core::ids::TeamId;

use crate::state::{PortalState, Tenant};
use crate::web::forms::ElectionQuery;
use crate::web::views::{done, pick_election};
use crate::web::{AppError, FormData, Me};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/parti/{team}/status.csv", get(status))
        .route("/parti/{team}/besked", post(message))
}

/// GET /parti/{team}/status.csv[?valg=…]: the party's status in the election — seats, filled,
/// unanswered, vacant and who holds them — for the teams the viewer may read (no CPR numbers).
async fn status(
    state: Tenant,
    me: Me,
    Path(team): Path<TeamId>,
    Query(q): Query<ElectionQuery>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    // Only the team's own secretaries (or the secretariat) get here.
    state.svc.team_members(actor, team).await?;
    let e = pick_election(&state.svc, actor, q.election())
        .await?
        .ok_or(AppError::NotFound)?;
    let table = state.svc.export_party_status(actor, e.id).await?;
    let bytes = table
        .to_csv(CsvOptions::excel_da())
        .map_err(|e| AppError::Service(e.into()))?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"partistatus.csv\""),
    );
    Ok(res)
}

/// POST /parti/{team}/besked: writes to every member of the team.
async fn message(
    state: Tenant,
    me: Me,
    Path(team): Path<TeamId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let to = format!("/parti/{team}#besked");
    match state
        .svc
        .message_team(&me.0.actor, team, form.get("emne"), form.get("tekst"))
        .await
    {
        Ok(ids) => {
            let msg = format!("Beskeden er sendt til {} medlemmer.", ids.len());
            done(&me.0, &to, &msg).await
        }
        Err(e @ (valghalla::Error::Invalid(_) | valghalla::Error::Template(_))) => {
            done(
                &me.0,
                &to,
                &format!("Beskeden er ikke sendt: {}", e.message_da()),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
