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
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use valghalla::core::exchange::{CsvOptions, ListColumn, RoleMapping, Table};
use valghalla::core::ids::ElectionId;
use valghalla::core::rules::access::Permission;

use super::common::chosen_columns;
use super::seat_filters::{States, seat_filter};
use crate::state::{PortalState, Tenant};
use crate::web::paging::search_query;
use crate::web::views::require;
use crate::web::{AppError, FormData, FormErrors, Me};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/sekretariat/valg/{id}/eksport/{kind}", get(election))
        .route("/sekretariat/deltagere/eksport", get(participants))
}

/// A file format the portal writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// CSV for Danish Excel: UTF-8 with BOM, `;`, CRLF, formulas guarded.
    Csv,
    /// An Excel workbook (needs the `xlsx` feature).
    Xlsx,
}

impl FileFormat {
    /// The format `?format=` asks for (CSV when none).
    pub fn of(q: &FormData) -> Result<FileFormat, AppError> {
        match q.get("format") {
            "" | "csv" => Ok(FileFormat::Csv),
            "xlsx" if cfg!(feature = "xlsx") => Ok(FileFormat::Xlsx),
            _ => Err(AppError::BadRequest),
        }
    }

    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Xlsx => "xlsx",
        }
    }

    /// The `Content-Type`.
    pub fn content_type(self) -> &'static str {
        match self {
            FileFormat::Csv => "text/csv; charset=utf-8",
            FileFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// `text` as a file name part: lower-case ASCII letters, digits and dashes (æ, ø, å spelled
/// out), so the `Content-Disposition` header needs no encoding.
pub fn file_slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.to_lowercase().chars() {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'æ' => out.push_str("ae"),
            'ø' => out.push_str("oe"),
            'å' => out.push_str("aa"),
            'é' | 'è' | 'ë' => out.push('e'),
            'ü' => out.push('u'),
            'ö' => out.push_str("oe"),
            'ä' => out.push_str("ae"),
            _ if !out.ends_with('-') && !out.is_empty() => out.push('-'),
            _ => {}
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// `table` as a download named `name.<ext>`, its sheet called `sheet`.
fn download(
    table: &Table,
    format: FileFormat,
    name: &str,
    sheet: &str,
) -> Result<Response, AppError> {
    let bytes = match format {
        FileFormat::Csv => table.to_csv(CsvOptions::excel_da()),
        #[cfg(feature = "xlsx")]
        FileFormat::Xlsx => table.to_xlsx(sheet),
        #[cfg(not(feature = "xlsx"))]
        FileFormat::Xlsx => {
            let _ = sheet;
            return Err(AppError::BadRequest);
        }
    }
    .map_err(|e| AppError::Service(e.into()))?;
    let disposition = format!("attachment; filename=\"{name}.{}\"", format.extension());
    let disposition = HeaderValue::from_str(&disposition).map_err(|_| AppError::BadRequest)?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    h.insert(header::CONTENT_DISPOSITION, disposition);
    Ok(res)
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

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_are_plain_ascii() {
        use super::file_slug;
        assert_eq!(file_slug("Folketingsvalg 2026"), "folketingsvalg-2026");
        assert_eq!(
            file_slug("  Regionsrådsvalg – Øst/Ærø! "),
            "regionsraadsvalg-oest-aeroe"
        );
        assert_eq!(file_slug("\"; evil=1"), "evil-1");
    }
}
