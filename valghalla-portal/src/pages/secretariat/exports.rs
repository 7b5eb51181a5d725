//! File downloads for the secretariat: an election's participant list (with the columns and
//! the row filter chosen on the list page: every row the filter selects, not just the page
//! shown), payroll list, file for KMD Valg Central and party status, and the participant
//! register — each as CSV (Danish Excel's dialect) or XLSX.
//!
//! The core decides who may export what and audit-logs every export; the portal only leaves
//! out full CPR numbers for those the access policy does not let see them, so a reader's or a
//! party secretary's file never has them. No CPR number is ever in a URL: the query names
//! columns, filters (by ids, dates and states) and formats only.

use axum::Router;
use axum::extract::{Path, RawQuery};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use valghalla::core::exchange::{ListColumn, RoleMapping};
use valghalla::core::ids::ElectionId;
use valghalla::core::rules::access::Permission;

use super::common::chosen_columns;
use super::seat_filters::{States, seat_filter};
use crate::state::{PortalState, Tenant};
use crate::web::download::{FileFormat, download, file_slug};
use crate::web::paging::search_query;
use crate::web::views::require;
use crate::web::{AppError, FormData, FormErrors, Me};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/sekretariat/valg/{id}/eksport/{kind}", get(election))
        .route("/sekretariat/deltagere/eksport", get(participants))
}

fn query(raw: Option<&str>) -> FormData {
    serde_urlencoded::from_str(raw.unwrap_or("")).unwrap_or_default()
}

/// Whether the access policy lets the viewer see full CPR numbers.
fn may_see_cpr(me: &Me) -> bool {
    require(&me.0.actor, Permission::ReadFullCpr).is_ok()
}

/// GET /sekretariat/valg/{id}/eksport/{kind}?format=csv|xlsx: `deltagerliste` (with
/// `kolonne=…` and the row filter as on the list page; a filter value the election does not have
/// goes back to the list page, which says what is wrong at the field), `loenliste` (`cpr=1` adds CPR numbers for those who may
/// see them), `valgcentral` or `partistatus`.
pub async fn election(
    state: Tenant,
    me: Me,
    Path((id, kind)): Path<(ElectionId, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    // The secretariat's downloads; a party secretary's own party status is not offered here.
    require(actor, Permission::ReadOverview)?;
    let q = query(raw.as_deref());
    let format = FileFormat::of(&q)?;
    let e = state.svc.election(actor, id).await?;
    let title = file_slug(e.title.as_str());
    let (table, name, sheet) = match kind.as_str() {
        "deltagerliste" => {
            let mut columns = chosen_columns(&q);
            if !may_see_cpr(&me) {
                columns.retain(|c| *c != ListColumn::Cpr);
            }
            let mut errors = FormErrors::none();
            let (filter, _) = seat_filter(&state, &me, &e, &q, States::Held, &mut errors).await?;
            if !errors.is_empty() {
                let mut back = q.clone();
                back.0.retain(|(k, _)| k != "format");
                let to = format!(
                    "/sekretariat/valg/{id}/deltagerliste?{}",
                    search_query(&back)
                );
                return Ok(Redirect::to(&to).into_response());
            }
            let table = state
                .svc
                .export_participant_list(actor, id, &filter, &columns)
                .await?;
            (table, "deltagerliste", "Deltagerliste")
        }
        "loenliste" => {
            let with_cpr = q.get("cpr") == "1" && may_see_cpr(&me);
            let table = state.svc.export_payroll(actor, id, with_cpr).await?;
            (table, "loenliste", "Lønliste")
        }
        "valgcentral" => {
            let table = state
                .svc
                .export_valg_central(actor, id, &RoleMapping::new())
                .await?;
            (table, "valgcentral", "Valg Central")
        }
        "partistatus" => {
            let table = state.svc.export_party_status(actor, id).await?;
            (table, "partistatus", "Partistatus")
        }
        _ => return Err(AppError::NotFound),
    };
    download(&table, format, &format!("{name}-{title}"), sheet)
}

/// GET /sekretariat/deltagere/eksport?format=csv|xlsx: every participant in the import format
/// (with full CPR numbers, so only for those the policy lets see them), e.g. to move them to
/// another system.
pub async fn participants(
    state: Tenant,
    me: Me,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let format = FileFormat::of(&query(raw.as_deref()))?;
    let table = state.svc.export_participants(&me.0.actor).await?;
    download(&table, format, "deltagere", "Deltagere")
}
