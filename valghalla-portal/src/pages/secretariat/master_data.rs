//! Master data: areas, stations, task types, teams and special diets, listed and created.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use valghalla::core::DanishMessage;
use valghalla::core::ids::AreaId;
use valghalla::core::model::{TeamKind, Trust};
use valghalla::core::rules::access::Permission;
use valghalla::core::service::{
    AreaDraft, SpecialDietDraft, TaskTypeDraft, TeamDraft, WorkLocationDraft,
};
use valghalla::core::time::DailyWindow;
use valghalla::core::values::Ore;

use crate::state::{PortalState, Tenant};
use crate::web::views::{done, require};
use crate::web::{AppError, Choice, FormData, FormErrors, Layout, Me, render};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/sekretariat/stamdata", get(master_data))
        .route("/sekretariat/stamdata/{kind}", post(create_master))
}

struct TaskTypeRow {
    title: String,
    short: String,
    time: String,
    payment: String,
    trusted: bool,
}

struct LocationRow {
    title: String,
    area: String,
    address: String,
    voting_area: String,
}

#[derive(Template)]
#[template(path = "sekretariat/stamdata.html")]
struct MasterPage {
    layout: Layout,
    admin: bool,
    areas: Vec<String>,
    locations: Vec<LocationRow>,
    task_types: Vec<TaskTypeRow>,
    teams: Vec<(String, String)>,
    diets: Vec<String>,
    area_choices: Vec<Choice>,
    errors: FormErrors,
    form: FormData,
}

async fn master_page(
    state: &Tenant,
    me: &Me,
    form: FormData,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    let areas = state.svc.areas(actor).await?;
    let area_names: BTreeMap<AreaId, String> =
        areas.iter().map(|a| (a.id, a.name.to_string())).collect();
    let page = MasterPage {
        layout: me.0.layout("Stamdata"),
        admin: me.0.is_admin(),
        areas: areas.iter().map(|a| a.name.to_string()).collect(),
        area_choices: areas
            .iter()
            .map(|a| Choice {
                value: a.id.to_string(),
                label: a.name.to_string(),
                selected: form.get("omraade") == a.id.to_string(),
            })
            .collect(),
        locations: state
            .svc
            .work_locations(actor)
            .await?
            .into_iter()
            .map(|l| LocationRow {
                area: area_names.get(&l.area).cloned().unwrap_or_default(),
                address: l.address.to_string(),
                voting_area: l.voting_area.map(|v| v.to_string()).unwrap_or_default(),
                title: l.title.to_string(),
            })
            .collect(),
        task_types: state
            .svc
            .task_types(actor)
            .await?
            .into_iter()
            .map(|t| TaskTypeRow {
                title: t.title.to_string(),
                short: t.short_name.to_string(),
                time: format!(
                    "{}–{}{}",
                    t.window.start().format("%H:%M"),
                    t.window.end().format("%H:%M"),
                    if t.window.ends_next_day() {
                        " (næste dag)"
                    } else {
                        ""
                    }
                ),
                payment: t.payment.map(|p| p.to_string()).unwrap_or_default(),
                trusted: t.trust == Trust::Trusted,
            })
            .collect(),
        teams: state
            .svc
            .teams(actor)
            .await?
            .into_iter()
            .map(|t| (t.name.to_string(), t.short_name.to_string()))
            .collect(),
        diets: state
            .svc
            .special_diets(actor)
            .await?
            .into_iter()
            .map(|d| d.title.to_string())
            .collect(),
        errors,
        form,
    };
    render(&page)
}

/// GET /sekretariat/stamdata: areas, stations, task types, teams and special diets.
pub async fn master_data(state: Tenant, me: Me) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::ReadOverview)?;
    master_page(&state, &me, FormData::default(), FormErrors::none()).await
}

fn field_error(prefix: &str, e: &valghalla::Error) -> FormErrors {
    let mut out = FormErrors::none();
    let id = match e {
        valghalla::Error::Invalid(f) if f.field.contains("short") => format!("{prefix}-kort"),
        _ => format!("{prefix}-navn"),
    };
    out.add(&id, e.message_da());
    out
}

/// POST /sekretariat/stamdata/{kind}: creates an area, team, special diet, task type or station.
pub async fn create_master(
    state: Tenant,
    me: Me,
    Path(kind): Path<String>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    require(actor, Permission::EditMasterData)?;
    let svc = &state.svc;
    let result = match kind.as_str() {
        "omraade" => svc
            .create_area(
                actor,
                AreaDraft {
                    name: form.get("omraade-navn").to_owned(),
                    description: form.get("omraade-beskrivelse").to_owned(),
                },
            )
            .await
            .map(|_| "Området er oprettet."),
        "team" => svc
            .create_team(
                actor,
                TeamDraft {
                    name: form.get("team-navn").to_owned(),
                    short_name: form.get("team-kort").to_owned(),
                    kind: TeamKind::Party,
                    description: String::new(),
                },
            )
            .await
            .map(|_| "Teamet er oprettet."),
        "kost" => svc
            .create_special_diet(
                actor,
                SpecialDietDraft {
                    title: form.get("kost-navn").to_owned(),
                },
            )
            .await
            .map(|_| "Specialkosten er oprettet."),
        "opgavetype" => {
            let mut errors = FormErrors::none();
            let time = |f: &str, errors: &mut FormErrors| {
                let parsed = chrono::NaiveTime::parse_from_str(form.get(f), "%H:%M").ok();
                if parsed.is_none() {
                    errors.add(f, "Angiv et klokkeslæt (tt:mm).");
                }
                parsed
            };
            let start = time("opgavetype-start", &mut errors);
            let end = time("opgavetype-slut", &mut errors);
            let payment = match form.get("opgavetype-honorar") {
                "" => None,
                v => match Ore::parse_payment(v) {
                    Ok(payment) => Some(payment),
                    Err(e) => {
                        errors.add("opgavetype-honorar", format!("Honorar: {}", e.message_da()));
                        None
                    }
                },
            };
            let (Some(start), Some(end), true) = (start, end, errors.is_empty()) else {
                return master_page(&state, &me, form, errors).await;
            };
            svc.create_task_type(
                actor,
                TaskTypeDraft {
                    title: form.get("opgavetype-navn").to_owned(),
                    short_name: form.get("opgavetype-kort").to_owned(),
                    description: String::new(),
                    window: DailyWindow::new(start, end),
                    payment,
                    trust: if form.get("opgavetype-tillid") == "1" {
                        Trust::Trusted
                    } else {
                        Trust::Open
                    },
                    check_eligibility: true,
                    reminders: true,
                },
            )
            .await
            .map(|_| "Opgavetypen er oprettet.")
        }
        "valgsted" => {
            let Ok(area) = form.get("omraade").parse::<AreaId>() else {
                let mut errors = FormErrors::none();
                errors.add("omraade", "Vælg et område.");
                return master_page(&state, &me, form, errors).await;
            };
            let teams = svc.teams(actor).await?.into_iter().map(|t| t.id).collect();
            let task_types = svc
                .task_types(actor)
                .await?
                .into_iter()
                .map(|t| t.id)
                .collect();
            svc.create_work_location(
                actor,
                WorkLocationDraft {
                    area,
                    title: form.get("valgsted-navn").to_owned(),
                    street: form.get("valgsted-vej").to_owned(),
                    postal_code: form.get("valgsted-postnr").to_owned(),
                    city: form.get("valgsted-by").to_owned(),
                    voting_area: form.get("valgsted-nr").parse().ok(),
                    teams,
                    task_types,
                    responsibles: BTreeSet::new(),
                },
            )
            .await
            .map(|_| "Valgstedet er oprettet.")
        }
        _ => return Err(AppError::NotFound),
    };
    match result {
        Ok(msg) => done(&me.0, "/sekretariat/stamdata", msg).await,
        Err(e @ (valghalla::Error::Invalid(_) | valghalla::Error::Conflict(_))) => {
            let errors = field_error(&kind, &e);
            master_page(&state, &me, form, errors).await
        }
        Err(e) => Err(e.into()),
    }
}
