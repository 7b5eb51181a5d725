//! Importing participants or work locations from a CSV or XLSX file: upload, a preview with
//! every bad row in Danish (line, column, reason) and what the good rows would do, then
//! confirm. Importing the same file again changes nothing (the core matches people by CPR
//! number and locations by title). The sample files are offered as templates.

use askama::Template;
use axum::extract::{Multipart, Path};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use valghalla::core::DanishMessage;
use valghalla::core::exchange::{ImportMode, ImportReport, read_table};
use valghalla::core::rules::access::Permission;

use crate::state::{PortalState, Tenant};
use crate::web::views::{done, require};
use crate::web::{AppError, FormData, FormErrors, Layout, Me, render};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/sekretariat/import", get(page).post(preview))
        .route("/sekretariat/import/bekraeft", post(confirm))
        .route("/sekretariat/import/skabelon/{file}", get(template))
}

/// The participants' sample file (also the README's import example).
const PARTICIPANTS_SAMPLE: &str = include_str!("../../../../examples/data/deltagere.csv");
/// The work locations' sample file.
const LOCATIONS_SAMPLE: &str = include_str!("../../../../examples/data/arbejdssteder.csv");

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum What {
    Participants,
    WorkLocations,
}

impl What {
    fn parse(v: &str) -> Option<What> {
        match v {
            "deltagere" => Some(What::Participants),
            "arbejdssteder" => Some(What::WorkLocations),
            _ => None,
        }
    }

    fn key(self) -> &'static str {
        match self {
            What::Participants => "deltagere",
            What::WorkLocations => "arbejdssteder",
        }
    }

    fn permission(self) -> Permission {
        match self {
            What::Participants => Permission::CreateParticipant,
            What::WorkLocations => Permission::EditMasterData,
        }
    }
}

#[derive(Template)]
#[template(path = "sekretariat/import.html")]
struct ImportPage {
    layout: Layout,
    what: String,
    errors: FormErrors,
    preview: Option<Preview>,
}

/// What an import of the file would do.
struct Preview {
    what: String,
    file_name: String,
    /// The file, base64, carried to the confirmation.
    file: String,
    new: usize,
    updated: usize,
    unchanged: usize,
    /// (line, column, reason)
    rejected: Vec<(usize, String, String)>,
}

fn show(
    me: &Me,
    what: Option<What>,
    errors: FormErrors,
    preview: Option<Preview>,
) -> Result<Response, AppError> {
    render(&ImportPage {
        layout: me.0.layout("Import"),
        what: what.map(What::key).unwrap_or_default().to_owned(),
        errors,
        preview,
    })
}

/// GET /sekretariat/import: the upload forms and the templates.
pub async fn page(me: Me) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::CreateParticipant)?;
    show(&me, None, FormErrors::none(), None)
}

/// GET /sekretariat/import/skabelon/{file}: a sample file to fill in.
pub async fn template(me: Me, Path(file): Path<String>) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::CreateParticipant)?;
    let body = match file.as_str() {
        "deltagere.csv" => PARTICIPANTS_SAMPLE,
        "arbejdssteder.csv" => LOCATIONS_SAMPLE,
        _ => return Err(AppError::NotFound),
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response())
}

async fn run(
    state: &Tenant,
    me: &Me,
    what: What,
    bytes: &[u8],
    mode: ImportMode,
) -> Result<Result<ImportReport, String>, AppError> {
    let table = match read_table(bytes) {
        Ok(t) => t,
        Err(e) => return Ok(Err(e.message_da())),
    };
    let actor = &me.0.actor;
    let result = match what {
        What::Participants => state.svc.import_participants(actor, &table, mode).await,
        What::WorkLocations => state.svc.import_work_locations(actor, &table, mode).await,
    };
    match result {
        Ok(report) => Ok(Ok(report)),
        Err(e @ valghalla::Error::Invalid(_)) => Ok(Err(e.message_da())),
        Err(e) => Err(e.into()),
    }
}

/// POST /sekretariat/import (multipart: `hvad`, `fil`): checks the file and shows what an
/// import would do, every bad row listed; nothing is imported yet.
pub async fn preview(
    state: Tenant,
    me: Me,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::CreateParticipant)?;
    let mut what = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::BadRequest)?
    {
        match field.name() {
            Some("hvad") => {
                what = What::parse(&field.text().await.map_err(|_| AppError::BadRequest)?);
            }
            Some("fil") => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field.bytes().await.map_err(|_| AppError::BadRequest)?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    let mut errors = FormErrors::none();
    let Some(what) = what else {
        errors.add(
            "hvad",
            "Vælg, om filen indeholder deltagere eller arbejdssteder.",
        );
        return show(&me, None, errors, None);
    };
    require(&me.0.actor, what.permission())?;
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        errors.add("fil", "Vælg en CSV- eller XLSX-fil.");
        return show(&me, Some(what), errors, None);
    };
    match run(&state, &me, what, &bytes, ImportMode::Preview).await? {
        Err(message) => {
            errors.add("fil", message);
            show(&me, Some(what), errors, None)
        }
        Ok(report) => {
            let preview = Preview {
                what: what.key().to_owned(),
                file_name,
                file: STANDARD.encode(&bytes),
                new: report.imported,
                updated: report.updated,
                unchanged: report.unchanged,
                rejected: report
                    .rejected
                    .into_iter()
                    .map(|r| (r.line, r.column, r.reason_da))
                    .collect(),
            };
            show(&me, Some(what), FormErrors::none(), Some(preview))
        }
    }
}

/// POST /sekretariat/import/bekraeft: imports the previewed file's good rows.
pub async fn confirm(
    state: Tenant,
    me: Me,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let what = What::parse(form.get("hvad")).ok_or(AppError::BadRequest)?;
    require(&me.0.actor, what.permission())?;
    let bytes = STANDARD
        .decode(form.get("fil"))
        .map_err(|_| AppError::BadRequest)?;
    match run(&state, &me, what, &bytes, ImportMode::GoodRows).await? {
        Err(message) => {
            let mut errors = FormErrors::none();
            errors.add("fil", message);
            show(&me, Some(what), errors, None)
        }
        Ok(r) => {
            let msg = format!(
                "Importen er gennemført: {} nye, {} opdaterede, {} uændrede, {} rækker afvist.",
                r.imported,
                r.updated,
                r.unchanged,
                r.rejected.len()
            );
            done(&me.0, "/sekretariat/import", &msg).await
        }
    }
}
