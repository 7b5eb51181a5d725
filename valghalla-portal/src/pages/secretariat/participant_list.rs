//! The participant list of an election with a column chooser and a row filter (area, station,
//! team, task type, date, state), a page at a time, printable. The filter and the columns are
//! kept in the URL, so a list can be bookmarked, and the download buttons send the same query,
//! so a file holds every row the filter selects. Full CPR numbers only for those the access
//! policy lets see them.

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery};
use axum::response::Response;
use axum::routing::get;
use valghalla::core::exchange::ListColumn;
use valghalla::core::ids::ElectionId;
use valghalla::core::rules::access::Permission;
use valghalla::core::service::Paged;

use super::common::{XLSX, chosen_columns, column_key};
use super::seat_filters::{FilterForm, States, seat_filter};
use crate::state::{PortalState, Tenant};
use crate::web::paging::{Paging, requested_page, search_query};
use crate::web::views::require;
use crate::web::{AppError, Choice, FormData, FormErrors, Layout, Me, render};

/// Rows on a page.
const PER_PAGE: usize = 100;

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
    filters: FilterForm,
    errors: FormErrors,
    paging: Paging,
    /// The query without the page: what a download of these rows sends.
    search: String,
}

/// GET /sekretariat/valg/{id}/deltagerliste?kolonne=…&omraade=…&valgsted=…&team=…&opgavetype=…
/// &dato=…&status=…&side=…: everyone in a seat the filter selects, with the chosen columns, a
/// page at a time. Full CPR numbers only for those allowed to see them (the core decides).
pub async fn participant_list(
    state: Tenant,
    me: Me,
    Path(id): Path<ElectionId>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    let e = state.svc.election(actor, id).await?;
    let q = FormData::from_query(query.as_deref());
    let chosen = chosen_columns(&q);
    let mut errors = FormErrors::none();
    let (filter, filters) = seat_filter(&state, &me, &e, &q, States::Held, &mut errors).await?;
    let can_export = require(actor, Permission::ExportLists).is_ok();
    let table = if can_export {
        state
            .svc
            .export_participant_list(actor, id, &filter, &chosen)
            .await?
    } else {
        // Readers may see the list but not export it, and never full CPR numbers.
        let without_cpr: Vec<ListColumn> = chosen
            .iter()
            .copied()
            .filter(|c| *c != ListColumn::Cpr)
            .collect();
        let rows = state.svc.participant_list(actor, id, &filter).await?;
        valghalla::core::exchange::list_table(&rows, &without_cpr, &Default::default())
    };
    let rows = Paged::of(
        table.rows.into_iter().map(|r| r.cells).collect::<Vec<_>>(),
        requested_page(&q),
        PER_PAGE,
    );
    let paging = Paging::of(&format!("/sekretariat/valg/{id}/deltagerliste"), &q, &rows);
    let page = ListPage {
        layout: me.0.layout(format!("Deltagerliste – {}", e.title)),
        election: id,
        can_export,
        can_cpr: require(actor, Permission::ReadFullCpr).is_ok(),
        xlsx: XLSX,
        election_title: e.title.to_string(),
        headers: table.headers,
        rows: rows.items,
        paging,
        search: search_query(&q),
        filters,
        errors,
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
