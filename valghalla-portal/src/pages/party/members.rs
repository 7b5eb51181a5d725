//! What a party secretary does with the team as a whole: download the party's status (CSV or
//! XLSX, for a spreadsheet) and write to every member. The core limits both to the secretary's teams.

use axum::extract::{Path, Query};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use valghalla::core::DanishMessage;
use valghalla::core::ids::TeamId;

use crate::state::{PortalState, Tenant};
use crate::web::download::{FileFormat, download};
use crate::web::forms::ElectionQuery;
use crate::web::views::{done, pick_election};
use crate::web::{AppError, FormData, Me};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/parti/{team}/status.csv", get(status_csv))
        .route("/parti/{team}/status.xlsx", get(status_xlsx))
        .route("/parti/{team}/besked", post(message))
}

/// GET /parti/{team}/status.csv[?valg=…]: the party's status in the election — seats, filled,
/// unanswered, vacant and who holds them — as CSV for Danish Excel.
async fn status_csv(
    state: Tenant,
    me: Me,
    team: Path<TeamId>,
    q: Query<ElectionQuery>,
) -> Result<Response, AppError> {
    status(state, me, team, q, FileFormat::Csv).await
}

/// GET /parti/{team}/status.xlsx[?valg=…]: the same as an Excel workbook.
async fn status_xlsx(
    state: Tenant,
    me: Me,
    team: Path<TeamId>,
    q: Query<ElectionQuery>,
) -> Result<Response, AppError> {
    status(state, me, team, q, FileFormat::Xlsx).await
}

/// The team's status table from the core (which lets only the team's own secretaries and the
/// secretariat have it; no CPR numbers) in `format`.
async fn status(
    state: Tenant,
    me: Me,
    Path(team): Path<TeamId>,
    Query(q): Query<ElectionQuery>,
    format: FileFormat,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    let e = pick_election(&state.svc, actor, q.election())
        .await?
        .ok_or(AppError::NotFound)?;
    let table = state.svc.export_team_status(actor, e.id, team).await?;
    download(&table, format, "partistatus", "Partistatus")
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
