//! The participant list of an election with a column chooser, printable. Full CPR numbers only
//! for those the access policy lets see them.

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery};
use axum::response::Response;
use axum::routing::get;
use valghalla::core::exchange::ListColumn;
use valghalla::core::ids::ElectionId;
use valghalla::core::rules::access::Permission;
use valghalla::core::service::ParticipantFilter;

use super::common::{XLSX, chosen_columns, column_key};
use crate::state::{PortalState, Tenant};
use crate::web::views::require;
use crate::web::{AppError, Choice, FormData, Layout, Me, render};

pub fn router() -> Router<PortalState> {
    Router::new().route(
        "/sekretariat/valg/{id}/deltagerliste",
        get(participant_list),
    )
}

#[derive(Template)]
#[template(path = "sekretariat/deltagerliste.html")]
struct ListPage {
    layout: Layout,
    election: ElectionId,
    can_export: bool,
    can_cpr: bool,
    xlsx: bool,
    election_title: String,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    columns: Vec<Choice>,
}

/// GET /sekretariat/valg/{id}/deltagerliste?kolonne=…: everyone in a seat with the chosen
/// columns, printable. Full CPR numbers only for those allowed to see them (the core decides).
pub async fn participant_list(
    state: Tenant,
    me: Me,
    Path(id): Path<ElectionId>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    let e = state.svc.election(actor, id).await?;
    let q: FormData =
        serde_urlencoded::from_str(query.as_deref().unwrap_or("")).unwrap_or_default();
    let chosen = chosen_columns(&q);
    let can_export = require(actor, Permission::ExportLists).is_ok();
    let table = if can_export {
        state
            .svc
            .export_participant_list(actor, id, &ParticipantFilter::default(), &chosen)
            .await?
    } else {
        // Readers may see the list but not export it, and never full CPR numbers.
        let without_cpr: Vec<ListColumn> = chosen
            .iter()
            .copied()
            .filter(|c| *c != ListColumn::Cpr)
            .collect();
        let rows = state
            .svc
            .participant_list(actor, id, &ParticipantFilter::default())
            .await?;
        valghalla::core::exchange::list_table(&rows, &without_cpr, &Default::default())
    };
    let page = ListPage {
        layout: me.0.layout(format!("Deltagerliste – {}", e.title)),
        election: id,
        can_export,
        can_cpr: require(actor, Permission::ReadFullCpr).is_ok(),
        xlsx: XLSX,
        election_title: e.title.to_string(),
        headers: table.headers,
        rows: table.rows.into_iter().map(|r| r.cells).collect(),
        columns: ListColumn::ALL
            .into_iter()
            .map(|c| Choice {
                value: column_key(c),
                label: c.header_da().to_owned(),
                selected: chosen.contains(&c),
            })
            .collect(),
    };
    render(&page)
}
