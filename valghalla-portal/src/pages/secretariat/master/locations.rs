//! A work location's form: title, area, address, polling-area number, the teams that staff it
//! and the task types done there; its responsibles, each with a way to revoke (appointing is
//! on the participant's page). Create, edit and delete.

use std::collections::BTreeSet;

use askama::Template;
use axum::response::Response;
use valghalla::core::ids::{AreaId, ParticipantId, TaskTypeId, TeamId, WorkLocationId};
use valghalla::core::model::WorkLocation;
use valghalla::core::service::WorkLocationDraft;

use super::super::common::participant_names;
use super::form::Which;
use super::page::{Kind, action};
use crate::state::Tenant;
use crate::web::{AppError, Choice, FormData, FormErrors, Layout, Me, render};

/// A work-location responsible.
struct Responsible {
    id: ParticipantId,
    name: String,
}

#[derive(Template)]
#[template(path = "sekretariat/stamdata/valgsted.html")]
struct LocationPage {
    layout: Layout,
    admin: bool,
    action: String,
    /// The location's id (empty for a new one).
    id: String,
    is_new: bool,
    areas: Vec<Choice>,
    teams: Vec<Choice>,
    task_types: Vec<Choice>,
    responsibles: Vec<Responsible>,
    form: FormData,
    errors: FormErrors,
}

async fn find(state: &Tenant, me: &Me, id: WorkLocationId) -> Result<WorkLocation, AppError> {
    state
        .svc
        .work_locations(&me.0.actor)
        .await?
        .into_iter()
        .find(|l| l.id == id)
        .ok_or(AppError::NotFound)
}

fn as_form(l: &WorkLocation) -> FormData {
    let mut pairs = vec![
        ("valgsted-navn".to_owned(), l.title.to_string()),
        ("omraade".to_owned(), l.area.to_string()),
        ("valgsted-vej".to_owned(), l.address.street.clone()),
        (
            "valgsted-postnr".to_owned(),
            l.address
                .postal_code
                .map(|p| p.to_string())
                .unwrap_or_default(),
        ),
        ("valgsted-by".to_owned(), l.address.city.clone()),
        (
            "valgsted-nr".to_owned(),
            l.voting_area.map(|n| n.to_string()).unwrap_or_default(),
        ),
    ];
    pairs.extend(l.teams.iter().map(|t| ("team".to_owned(), t.to_string())));
    pairs.extend(
        l.task_types
            .iter()
            .map(|t| ("opgavetype".to_owned(), t.to_string())),
    );
    FormData(pairs)
}

/// The draft a posted form describes (the responsibles are kept as they are), or the errors
/// next to its fields.
fn draft(
    form: &FormData,
    responsibles: BTreeSet<ParticipantId>,
) -> Result<Result<WorkLocationDraft, FormErrors>, AppError> {
    let mut errors = FormErrors::none();
    let area = form.get("omraade").parse::<AreaId>().ok();
    if area.is_none() {
        errors.add("omraade", "Vælg et område.");
    }
    let voting_area = match form.get("valgsted-nr") {
        "" => None,
        v => {
            let n = v.parse::<u32>().ok();
            if n.is_none() {
                errors.add(
                    "valgsted-nr",
                    "Afstemningsområdets nummer skal være et helt tal (eller tomt).",
                );
            }
            n
        }
    };
    let teams: BTreeSet<TeamId> = form.parse_all("team")?;
    let task_types: BTreeSet<TaskTypeId> = form.parse_all("opgavetype")?;
    match area {
        Some(area) if errors.is_empty() => Ok(Ok(WorkLocationDraft {
            area,
            title: form.get("valgsted-navn").to_owned(),
            street: form.get("valgsted-vej").to_owned(),
            postal_code: form.get("valgsted-postnr").to_owned(),
            city: form.get("valgsted-by").to_owned(),
            voting_area,
            teams,
            task_types,
            responsibles,
        })),
        _ => Ok(Err(errors)),
    }
}

/// Work locations.
pub struct Locations;

impl Kind for Locations {
    type Id = WorkLocationId;
    type Draft = WorkLocationDraft;
    const SLUG: &'static str = "valgsted";
    const BACK: &'static str = "/sekretariat/stamdata#valgsteder";
    const CREATED: &'static str = "Valgstedet er oprettet.";
    const SAVED: &'static str = "Valgstedet er gemt.";
    const DELETED: &'static str = "Valgstedet er slettet.";
    const GENERAL: &'static str = "valgsted-navn";

    /// A new one has every team and task type ticked.
    async fn blank(state: &Tenant, me: &Me) -> Result<FormData, AppError> {
        let actor = &me.0.actor;
        let mut pairs: Vec<(String, String)> = state
            .svc
            .teams(actor)
            .await?
            .into_iter()
            .map(|t| ("team".to_owned(), t.id.to_string()))
            .collect();
        pairs.extend(
            state
                .svc
                .task_types(actor)
                .await?
                .into_iter()
                .map(|t| ("opgavetype".to_owned(), t.id.to_string())),
        );
        Ok(FormData(pairs))
    }

    async fn stored(state: &Tenant, me: &Me, id: WorkLocationId) -> Result<FormData, AppError> {
        Ok(as_form(&find(state, me, id).await?))
    }

    async fn show(
        state: &Tenant,
        me: &Me,
        which: Which<WorkLocationId>,
        form: FormData,
        errors: FormErrors,
    ) -> Result<Response, AppError> {
        let actor = &me.0.actor;
        let (title, id, responsibles) = match which {
            Which::New => ("Nyt valgsted".to_owned(), String::new(), Vec::new()),
            Which::Existing(id) => {
                let location = find(state, me, id).await?;
                let names = participant_names(state, actor).await?;
                let responsibles = location
                    .responsibles
                    .iter()
                    .map(|p| Responsible {
                        id: *p,
                        name: names.get(p).cloned().unwrap_or_default(),
                    })
                    .collect();
                (
                    format!("Valgsted: {}", location.title),
                    id.to_string(),
                    responsibles,
                )
            }
        };
        let picked = |name: &str| -> BTreeSet<String> {
            form.all(name).into_iter().map(str::to_owned).collect()
        };
        let (teams, task_types) = (picked("team"), picked("opgavetype"));
        let area = form.get("omraade").to_owned();
        render(&LocationPage {
            layout: me.0.layout(title),
            admin: me.0.is_admin(),
            is_new: which == Which::New,
            areas: state
                .svc
                .areas(actor)
                .await?
                .into_iter()
                .map(|a| Choice {
                    selected: a.id.to_string() == area,
                    value: a.id.to_string(),
                    label: a.name.to_string(),
                })
                .collect(),
            teams: state
                .svc
                .teams(actor)
                .await?
                .into_iter()
                .map(|t| Choice {
                    selected: teams.contains(&t.id.to_string()),
                    value: t.id.to_string(),
                    label: format!("{} ({})", t.name, t.short_name),
                })
                .collect(),
            task_types: state
                .svc
                .task_types(actor)
                .await?
                .into_iter()
                .map(|t| Choice {
                    selected: task_types.contains(&t.id.to_string()),
                    value: t.id.to_string(),
                    label: t.title.to_string(),
                })
                .collect(),
            action: action::<Self>(which),
            id,
            responsibles,
            form,
            errors,
        })
    }

    async fn draft(
        state: &Tenant,
        me: &Me,
        which: Which<WorkLocationId>,
        form: &FormData,
    ) -> Result<Result<WorkLocationDraft, FormErrors>, AppError> {
        let responsibles = match which {
            Which::New => BTreeSet::new(),
            Which::Existing(id) => find(state, me, id).await?.responsibles,
        };
        draft(form, responsibles)
    }

    /// Dropping a team or task type deletes its vacant seats here, and is refused while such a
    /// seat is taken.
    async fn save(
        state: &Tenant,
        me: &Me,
        which: Which<WorkLocationId>,
        draft: WorkLocationDraft,
    ) -> Result<Result<(), valghalla::Error>, AppError> {
        let actor = &me.0.actor;
        Ok(match which {
            Which::New => state.svc.create_work_location(actor, draft).await.map(drop),
            Which::Existing(id) => state
                .svc
                .edit_work_location(actor, id, draft)
                .await
                .map(drop),
        })
    }

    /// Refused while it is in an active election or has taken seats.
    async fn delete(state: &Tenant, me: &Me, id: WorkLocationId) -> Result<(), valghalla::Error> {
        state.svc.delete_work_location(&me.0.actor, id).await
    }

    fn field_of(field: &str) -> &'static str {
        match field {
            "postal code" => "valgsted-postnr",
            _ => "valgsted-navn",
        }
    }
}
