//! One election's settings: edit its title, days, lock period and stations; activate or
//! deactivate it, knowing what activation will send; duplicate it with options (a new
//! election day shifts every day; a subset of the stations; the message-template choices or
//! not); delete it while inactive.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use valghalla::core::DanishMessage;
use valghalla::core::ids::{ElectionId, WorkLocationId};
use valghalla::core::model::Election;
use valghalla::core::rules::access::Permission;
use valghalla::core::service::{CommunicationFilter, DuplicateOptions, ElectionEdit, LogStatus};

use super::common::{kind_da, parse_date};
use crate::state::{PortalState, Tenant};
use crate::web::views::{da_date, done, require};
use crate::web::{AppError, Choice, FormData, FormErrors, Layout, Me, render};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/sekretariat/valg/{id}/rediger", get(page).post(save))
        .route("/sekretariat/valg/{id}/slet", post(delete))
        .route("/sekretariat/valg/{id}/dupliker", post(duplicate))
}

#[derive(Template)]
#[template(path = "sekretariat/valg_rediger.html")]
struct SettingsPage {
    layout: Layout,
    admin: bool,
    id: ElectionId,
    active: bool,
    day: String,
    /// What activation sends: (message kind, how many), and the total.
    pending: Vec<(String, usize)>,
    pending_total: usize,
    locations: Vec<Choice>,
    dup_locations: Vec<Choice>,
    form: FormData,
    dup: FormData,
    errors: FormErrors,
}

fn as_form(e: &Election) -> FormData {
    let mut pairs = vec![
        ("titel".to_owned(), e.title.to_string()),
        ("valgdag".to_owned(), e.election_day().to_string()),
        (
            "foerste_dag".to_owned(),
            e.working_period().first().to_string(),
        ),
        (
            "sidste_dag".to_owned(),
            e.working_period().last().to_string(),
        ),
        ("laaseperiode".to_owned(), e.lock_period_days.to_string()),
    ];
    pairs.extend(
        e.work_locations
            .iter()
            .map(|l| ("valgsted".to_owned(), l.to_string())),
    );
    FormData(pairs)
}

fn duplicate_defaults(e: &Election) -> FormData {
    let mut pairs = vec![("dup-skabeloner".to_owned(), "1".to_owned())];
    pairs.extend(
        e.work_locations
            .iter()
            .map(|l| ("dup-valgsted".to_owned(), l.to_string())),
    );
    FormData(pairs)
}

async fn show(
    state: &Tenant,
    me: &Me,
    id: ElectionId,
    form: Option<FormData>,
    dup: Option<FormData>,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    let e = state.svc.election(actor, id).await?;
    let form = form.unwrap_or_else(|| as_form(&e));
    let dup = dup.unwrap_or_else(|| duplicate_defaults(&e));
    let mut pending: BTreeMap<String, usize> = BTreeMap::new();
    let mut pending_total = 0;
    if me.0.is_admin() && !e.active {
        let held = state
            .svc
            .communication_log(
                actor,
                &CommunicationFilter {
                    participant: None,
                    election: Some(id),
                    status: Some(LogStatus::Pending),
                    limit: 0,
                },
            )
            .await?;
        pending_total = held.len();
        for m in held {
            *pending.entry(kind_da(m.kind).to_owned()).or_default() += 1;
        }
    }
    let all = state.svc.work_locations(actor).await?;
    let choices = |f: &FormData, name: &str| -> Vec<Choice> {
        let picked: BTreeSet<&str> = f.all(name).into_iter().collect();
        all.iter()
            .map(|l| Choice {
                selected: picked.contains(l.id.to_string().as_str()),
                value: l.id.to_string(),
                label: l.title.to_string(),
            })
            .collect()
    };
    let page = SettingsPage {
        layout: me.0.layout(format!("Valg: {}", e.title)),
        admin: me.0.is_admin(),
        id,
        active: e.active,
        day: da_date(e.election_day()),
        pending: pending.into_iter().collect(),
        pending_total,
        locations: choices(&form, "valgsted"),
        dup_locations: choices(&dup, "dup-valgsted"),
        form,
        dup,
        errors,
    };
    render(&page)
}

/// GET /sekretariat/valg/{id}/rediger: the election's settings.
pub async fn page(state: Tenant, me: Me, Path(id): Path<ElectionId>) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::ReadOverview)?;
    show(&state, &me, id, None, None, FormErrors::none()).await
}

/// POST /sekretariat/valg/{id}/rediger: saves title, days, lock period and stations. Refused
/// (in Danish) when a seat would fall outside the days or a dropped station has taken seats.
pub async fn save(
    state: Tenant,
    me: Me,
    Path(id): Path<ElectionId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::ManageElections)?;
    let mut errors = FormErrors::none();
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
    let work_locations: BTreeSet<WorkLocationId> = form.parse_all("valgsted")?;
    if let (true, Some(day), Some(first), Some(last), Some(lock)) =
        (errors.is_empty(), day, first, last, lock)
    {
        let edit = ElectionEdit {
            title: form.get("titel").to_owned(),
            election_day: day,
            first_day: first,
            last_day: last,
            lock_period_days: lock,
            work_locations,
        };
        match state.svc.edit_election(&me.0.actor, id, edit).await {
            Ok(_) => {
                let to = format!("/sekretariat/valg/{id}/rediger");
                return done(&me.0, &to, "Valget er gemt.").await;
            }
            Err(valghalla::Error::Invalid(f)) => {
                let field = match f.field {
                    "title" => "titel",
                    "election day" => "valgdag",
                    "lock period" => "laaseperiode",
                    _ => "foerste_dag",
                };
                errors.add(field, f.message_da());
            }
            Err(e @ (valghalla::Error::Refused(_) | valghalla::Error::Conflict(_))) => {
                errors = FormErrors::from_service("titel", &e);
            }
            Err(e) => return Err(e.into()),
        }
    }
    show(&state, &me, id, Some(form), None, errors).await
}

/// POST /sekretariat/valg/{id}/dupliker: duplicates the election to a new election day (every
/// day shifts with it), with the chosen stations' seats (vacant) and, if ticked, the
/// message-template choices. A form without the options (the list's) takes everything.
pub async fn duplicate(
    state: Tenant,
    me: Me,
    Path(id): Path<ElectionId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::ManageElections)?;
    let with_options = form.get("muligheder") == "1";
    let (title_field, day_field) = if with_options {
        ("dup-titel", "dup-valgdag")
    } else {
        ("titel", "valgdag")
    };
    let mut errors = FormErrors::none();
    let day = parse_date(&form, day_field, &mut errors);
    let options = if with_options {
        let chosen: BTreeSet<WorkLocationId> = form.parse_all("dup-valgsted")?;
        (Some(chosen), form.get("dup-skabeloner") == "1")
    } else {
        (None, true)
    };
    if let (true, Some(day)) = (errors.is_empty(), day) {
        let result = state
            .svc
            .duplicate_election_with(
                &me.0.actor,
                id,
                DuplicateOptions {
                    title: form.get(title_field).to_owned(),
                    election_day: day,
                    work_locations: options.0,
                    copy_templates: options.1,
                },
            )
            .await;
        match result {
            Ok(e) => {
                let to = format!("/sekretariat/valg/{}/oversigt", e.id);
                return done(&me.0, &to, "Valget er duplikeret med ledige pladser.").await;
            }
            Err(valghalla::Error::Invalid(f)) => {
                let field = if f.field == "title" {
                    title_field
                } else {
                    day_field
                };
                errors.add(field, f.message_da());
            }
            Err(e @ (valghalla::Error::Refused(_) | valghalla::Error::Conflict(_))) => {
                errors = FormErrors::from_service(title_field, &e);
            }
            Err(e) => return Err(e.into()),
        }
    }
    if !with_options {
        // The list's short form: its fields are the same as the options form's, renamed.
        let mut dup = FormData(vec![
            ("dup-titel".into(), form.get("titel").to_owned()),
            ("dup-valgdag".into(), form.get("valgdag").to_owned()),
        ]);
        dup.0.push(("dup-skabeloner".into(), "1".into()));
        let errors = FormErrors(
            errors
                .0
                .into_iter()
                .map(|(f, m)| (format!("dup-{f}"), m))
                .collect(),
        );
        return show(&state, &me, id, None, Some(dup), errors).await;
    }
    show(&state, &me, id, None, Some(form), errors).await
}

/// POST /sekretariat/valg/{id}/slet: deletes an inactive election with its seats; an active
/// one is refused in Danish.
pub async fn delete(
    state: Tenant,
    me: Me,
    Path(id): Path<ElectionId>,
) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::ManageElections)?;
    match state.svc.delete_election(&me.0.actor, id).await {
        Ok(()) => done(&me.0, "/sekretariat", "Valget er slettet.").await,
        Err(e @ (valghalla::Error::Refused(_) | valghalla::Error::Conflict(_))) => {
            let errors = FormErrors::from_service("slet", &e);
            show(&state, &me, id, None, None, errors).await
        }
        Err(e) => Err(e.into()),
    }
}
