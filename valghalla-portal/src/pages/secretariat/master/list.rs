//! The master-data page: areas, stations, task types, teams, special diets and election types,
//! each linking to its form; quick forms create an area, a team or a special diet.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::Path;
use axum::response::Response;
use valghalla::core::ids::{
    AreaId, ElectionTypeId, SpecialDietId, TaskTypeId, TeamId, WorkLocationId,
};
use valghalla::core::model::{TeamKind, Trust};
use valghalla::core::rules::access::Permission;
use valghalla::core::service::{AreaDraft, SpecialDietDraft, TeamDraft};

use crate::state::Tenant;
use crate::web::views::{done, require};
use crate::web::{AppError, FormData, FormErrors, Layout, Me, render};

struct TaskTypeRow {
    id: TaskTypeId,
    title: String,
    short: String,
    time: String,
    payment: String,
    trusted: bool,
    eligibility: bool,
    reminders: bool,
}

struct LocationRow {
    id: WorkLocationId,
    title: String,
    area: String,
    address: String,
    voting_area: String,
    teams: usize,
    task_types: usize,
    responsibles: usize,
}

struct Named<Id> {
    id: Id,
    name: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "sekretariat/stamdata.html")]
struct MasterPage {
    layout: Layout,
    admin: bool,
    areas: Vec<Named<AreaId>>,
    locations: Vec<LocationRow>,
    task_types: Vec<TaskTypeRow>,
    teams: Vec<Named<TeamId>>,
    diets: Vec<Named<SpecialDietId>>,
    election_types: Vec<Named<ElectionTypeId>>,
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
        areas: areas
            .into_iter()
            .map(|a| Named {
                id: a.id,
                name: a.name.to_string(),
                detail: a.description,
            })
            .collect(),
        locations: state
            .svc
            .work_locations(actor)
            .await?
            .into_iter()
            .map(|l| LocationRow {
                id: l.id,
                area: area_names.get(&l.area).cloned().unwrap_or_default(),
                address: l.address.to_string(),
                voting_area: l.voting_area.map(|v| v.to_string()).unwrap_or_default(),
                title: l.title.to_string(),
                teams: l.teams.len(),
                task_types: l.task_types.len(),
                responsibles: l.responsibles.len(),
            })
            .collect(),
        task_types: state
            .svc
            .task_types(actor)
            .await?
            .into_iter()
            .map(|t| TaskTypeRow {
                id: t.id,
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
                eligibility: t.check_eligibility,
                reminders: t.reminders,
            })
            .collect(),
        teams: state
            .svc
            .teams(actor)
            .await?
            .into_iter()
            .map(|t| Named {
                id: t.id,
                detail: format!(
                    "{} · {} partisekretær(er)",
                    t.short_name,
                    t.responsibles.len()
                ),
                name: t.name.to_string(),
            })
            .collect(),
        diets: state
            .svc
            .special_diets(actor)
            .await?
            .into_iter()
            .map(|d| Named {
                id: d.id,
                name: d.title.to_string(),
                detail: String::new(),
            })
            .collect(),
        election_types: state
            .svc
            .election_types(actor)
            .await?
            .into_iter()
            .map(|t| Named {
                id: t.id,
                name: t.title.to_string(),
                detail: format!("{} valgbarhedsregler", t.rules.len()),
            })
            .collect(),
        errors,
        form,
    };
    render(&page)
}

/// GET /sekretariat/stamdata: every kind of master data, each linking to its form.
pub async fn master_data(state: Tenant, me: Me) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::ReadOverview)?;
    master_page(&state, &me, FormData::default(), FormErrors::none()).await
}

fn field_error(prefix: &str, e: &valghalla::Error) -> FormErrors {
    let id = match e {
        valghalla::Error::Invalid(f) if f.field.contains("short") => format!("{prefix}-kort"),
        _ => format!("{prefix}-navn"),
    };
    FormErrors::from_service(&id, e)
}

/// POST /sekretariat/stamdata/{kind}: the list page's quick forms create an area, a party or
/// a special diet (the other kinds have their own form, `…/{kind}/ny`).
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
