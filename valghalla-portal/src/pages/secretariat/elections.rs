//! Elections: the list, the wizard that creates one, and activation.

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use valghalla::core::DanishMessage;
use valghalla::core::ids::{ElectionId, ElectionTypeId, WorkLocationId};
use valghalla::core::model::ElectionType;
use valghalla::core::rules::access::Permission;
use valghalla::core::service::ElectionDraft;

use super::common::parse_date;
use crate::state::{PortalState, Tenant};
use crate::web::views::{da_date, done, require, short_date};
use crate::web::{AppError, Choice, FormData, FormErrors, Layout, Me, render};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/sekretariat", get(elections))
        .route("/sekretariat/valg", post(create_election))
        .route("/sekretariat/valg/{id}/aktiv", post(set_active))
}

/// An election in the list.
#[derive(Debug, Clone)]
pub struct ElectionRow {
    id: ElectionId,
    title: String,
    day: String,
    active: bool,
    period: String,
}

#[derive(Template)]
#[template(path = "sekretariat/valg.html")]
struct ElectionsPage {
    layout: Layout,
    elections: Vec<ElectionRow>,
    admin: bool,
    form: ElectionForm,
    errors: FormErrors,
}

/// The election wizard's fields.
#[derive(Debug, Clone, Default)]
pub struct ElectionForm {
    title: String,
    types: Vec<Choice>,
    day: String,
    first: String,
    last: String,
    lock: String,
    locations: Vec<Choice>,
}

async fn election_rows(state: &Tenant, me: &Me) -> Result<Vec<ElectionRow>, AppError> {
    Ok(state
        .svc
        .elections(&me.0.actor)
        .await?
        .into_iter()
        .map(|e| ElectionRow {
            id: e.id,
            title: e.title.to_string(),
            day: da_date(e.election_day()),
            active: e.active,
            period: format!(
                "{} – {}",
                short_date(e.working_period().first()),
                short_date(e.working_period().last())
            ),
        })
        .collect())
}

async fn election_form(
    state: &Tenant,
    me: &Me,
    form: Option<&FormData>,
) -> Result<ElectionForm, AppError> {
    let types: Vec<ElectionType> = state.svc.election_types(&me.0.actor).await?;
    let chosen_type = form.map(|f| f.get("valgtype").to_owned());
    let chosen_locs: Option<BTreeSet<String>> =
        form.map(|f| f.all("valgsted").into_iter().map(str::to_owned).collect());
    Ok(ElectionForm {
        title: form.map(|f| f.get("titel").to_owned()).unwrap_or_default(),
        types: types
            .iter()
            .map(|t| Choice {
                value: t.id.to_string(),
                label: t.title.to_string(),
                selected: chosen_type.as_deref() == Some(t.id.to_string().as_str()),
            })
            .collect(),
        day: form
            .map(|f| f.get("valgdag").to_owned())
            .unwrap_or_default(),
        first: form
            .map(|f| f.get("foerste_dag").to_owned())
            .unwrap_or_default(),
        last: form
            .map(|f| f.get("sidste_dag").to_owned())
            .unwrap_or_default(),
        lock: form
            .map(|f| f.get("laaseperiode").to_owned())
            .unwrap_or_else(|| "4".into()),
        locations: state
            .svc
            .work_locations(&me.0.actor)
            .await?
            .into_iter()
            .map(|l| Choice {
                selected: chosen_locs
                    .as_ref()
                    .is_none_or(|c| c.contains(&l.id.to_string())),
                value: l.id.to_string(),
                label: l.title.to_string(),
            })
            .collect(),
    })
}

/// GET /sekretariat: the elections and the wizard to create one.
pub async fn elections(state: Tenant, me: Me) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::ReadOverview)?;
    let page = ElectionsPage {
        elections: election_rows(&state, &me).await?,
        admin: me.0.is_admin(),
        form: election_form(&state, &me, None).await?,
        errors: FormErrors::none(),
        layout: me.0.layout("Valg"),
    };
    render(&page)
}

/// POST /sekretariat/valg: creates an election (inactive).
pub async fn create_election(
    state: Tenant,
    me: Me,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::ManageElections)?;
    let mut errors = FormErrors::none();
    let election_type: Option<ElectionTypeId> = form.get("valgtype").parse().ok();
    if election_type.is_none() {
        errors.add("valgtype", "Vælg en valgtype.");
    }
    let day = parse_date(&form, "valgdag", &mut errors);
    let first = parse_date(&form, "foerste_dag", &mut errors);
    let last = parse_date(&form, "sidste_dag", &mut errors);
    let lock: Option<u16> = form.get("laaseperiode").parse().ok();
    if lock.is_none() {
        errors.add(
            "laaseperiode",
            "Angiv låseperioden som et helt antal dage (0–365).",
        );
    }
    let locations: BTreeSet<WorkLocationId> = form.parse_all("valgsted")?;
    if let (true, Some(t), Some(day), Some(first), Some(last), Some(lock)) =
        (errors.is_empty(), election_type, day, first, last, lock)
    {
        let draft = ElectionDraft {
            title: form.get("titel").to_owned(),
            election_type: t,
            election_day: day,
            first_day: first,
            last_day: last,
            lock_period_days: lock,
            work_locations: locations,
        };
        match state.svc.create_election(&me.0.actor, draft).await {
            Ok(e) => {
                let to = format!("/sekretariat/valg/{}/oversigt", e.id);
                return done(&me.0, &to, "Valget er oprettet (inaktivt).").await;
            }
            Err(valghalla::Error::Invalid(f)) => {
                let id = match f.field {
                    "title" => "titel",
                    "election day" => "valgdag",
                    _ => "foerste_dag",
                };
                errors.add(id, f.message_da());
            }
            Err(e @ valghalla::Error::Conflict(_)) => errors.add("titel", e.message_da()),
            Err(e) => return Err(e.into()),
        }
    }
    let page = ElectionsPage {
        elections: election_rows(&state, &me).await?,
        admin: me.0.is_admin(),
        form: election_form(&state, &me, Some(&form)).await?,
        errors,
        layout: me.0.layout("Valg"),
    };
    render(&page)
}

/// POST /sekretariat/valg/{id}/aktiv: activates or deactivates.
pub async fn set_active(
    state: Tenant,
    me: Me,
    Path(id): Path<ElectionId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let active = form.get("aktiv") == "1";
    state
        .svc
        .set_election_active(&me.0.actor, id, active)
        .await?;
    let msg = if active {
        "Valget er aktiveret."
    } else {
        "Valget er deaktiveret."
    };
    done(&me.0, "/sekretariat", msg).await
}
