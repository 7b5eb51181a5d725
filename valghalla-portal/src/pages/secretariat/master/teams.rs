//! A team's form: name, short name (the party letter), kind, description and whether its
//! secretaries' links may offer trusted task types; its party secretaries with their stations,
//! each with a way to revoke (appointing is on the participant's page).

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::Path;
use axum::response::Response;
use valghalla::core::ids::{ParticipantId, TeamId, WorkLocationId};
use valghalla::core::model::{Team, TeamKind};
use valghalla::core::rules::access::Permission;
use valghalla::core::service::TeamDraft;

use super::super::common::{participant_names, scope_da};
use super::form::{Which, objection, ticked};
use crate::state::Tenant;
use crate::web::views::{done, require};
use crate::web::{AppError, Choice, FormData, FormErrors, Layout, Me, render};

/// A party secretary of the team.
struct Secretary {
    id: ParticipantId,
    name: String,
    scope: String,
}

#[derive(Template)]
#[template(path = "sekretariat/stamdata/team.html")]
struct TeamPage {
    layout: Layout,
    admin: bool,
    action: String,
    /// The team's id (empty for a new one).
    id: String,
    is_new: bool,
    kinds: Vec<Choice>,
    secretaries: Vec<Secretary>,
    form: FormData,
    errors: FormErrors,
}

const KINDS: [(TeamKind, &str, &str); 3] = [
    (TeamKind::Party, "parti", "Parti"),
    (TeamKind::Department, "afdeling", "Kommunal afdeling"),
    (TeamKind::Volunteers, "frivillige", "Frivillige"),
];

fn kind_key(kind: TeamKind) -> &'static str {
    KINDS
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map_or("parti", |(_, key, _)| key)
}

async fn show(
    state: &Tenant,
    me: &Me,
    which: Which<TeamId>,
    form: FormData,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    let (title, action, secretaries) = match which {
        Which::New => (
            "Nyt team".to_owned(),
            "/sekretariat/stamdata/team/ny".to_owned(),
            Vec::new(),
        ),
        Which::Existing(id) => {
            let team = find(state, me, id).await?;
            let names = participant_names(state, actor).await?;
            let titles: BTreeMap<WorkLocationId, String> = state
                .svc
                .work_locations(actor)
                .await?
                .into_iter()
                .map(|l| (l.id, l.title.to_string()))
                .collect();
            let secretaries = team
                .responsibles
                .iter()
                .map(|(p, scope)| Secretary {
                    id: *p,
                    name: names.get(p).cloned().unwrap_or_default(),
                    scope: scope_da(scope, &titles),
                })
                .collect();
            (
                format!("Team: {}", team.name),
                format!("/sekretariat/stamdata/team/{id}"),
                secretaries,
            )
        }
    };
    let chosen = form.get("team-art");
    render(&TeamPage {
        layout: me.0.layout(title),
        admin: me.0.is_admin(),
        is_new: which == Which::New,
        id: match which {
            Which::New => String::new(),
            Which::Existing(id) => id.to_string(),
        },
        kinds: KINDS
            .iter()
            .map(|(_, key, label)| Choice {
                value: (*key).into(),
                label: (*label).into(),
                selected: chosen == *key,
            })
            .collect(),
        action,
        secretaries,
        form,
        errors,
    })
}

async fn find(state: &Tenant, me: &Me, id: TeamId) -> Result<Team, AppError> {
    state
        .svc
        .teams(&me.0.actor)
        .await?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or(AppError::NotFound)
}

fn as_form(t: &Team) -> FormData {
    FormData(vec![
        ("team-navn".into(), t.name.to_string()),
        ("team-kort".into(), t.short_name.to_string()),
        ("team-art".into(), kind_key(t.kind).into()),
        ("team-beskrivelse".into(), t.description.clone()),
        (
            "team-betroede-links".into(),
            ticked(t.responsibles_may_link_trusted),
        ),
    ])
}

/// GET /sekretariat/stamdata/team/{id}: the team's form and secretaries (`ny`: a new team).
pub async fn page(state: Tenant, me: Me, Path(id): Path<String>) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::ReadOverview)?;
    let which = Which::parse(&id)?;
    let form = match which {
        Which::New => FormData(vec![("team-art".into(), "parti".into())]),
        Which::Existing(id) => as_form(&find(&state, &me, id).await?),
    };
    show(&state, &me, which, form, FormErrors::none()).await
}

/// POST /sekretariat/stamdata/team/{id}: creates (`ny`) or saves the team.
pub async fn save(
    state: Tenant,
    me: Me,
    Path(id): Path<String>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    require(actor, Permission::EditMasterData)?;
    let which = Which::parse(&id)?;
    let Some((kind, _, _)) = KINDS
        .iter()
        .find(|(_, key, _)| *key == form.get("team-art"))
    else {
        let mut errors = FormErrors::none();
        errors.add("team-art", "Vælg, hvilken slags team det er.");
        return show(&state, &me, which, form, errors).await;
    };
    let draft = TeamDraft {
        name: form.get("team-navn").to_owned(),
        short_name: form.get("team-kort").to_owned(),
        kind: *kind,
        description: form.get("team-beskrivelse").to_owned(),
    };
    let trusted = form.get("team-betroede-links") == "1";
    let saved = match which {
        Which::New => state.svc.create_team(actor, draft).await,
        Which::Existing(id) => state.svc.edit_team(actor, id, draft).await,
    };
    match saved {
        Ok(team) => {
            if team.responsibles_may_link_trusted != trusted {
                state
                    .svc
                    .allow_trusted_links(actor, team.id, trusted)
                    .await?;
            }
            let msg = match which {
                Which::New => "Teamet er oprettet.",
                Which::Existing(_) => "Teamet er gemt.",
            };
            done(&me.0, "/sekretariat/stamdata#teams", msg).await
        }
        Err(e) => {
            let field = |f: &str| {
                if f == "short name" {
                    "team-kort"
                } else {
                    "team-navn"
                }
            };
            let errors = objection(e, field, "team-navn")?;
            show(&state, &me, which, form, errors).await
        }
    }
}

/// POST /sekretariat/stamdata/team/{id}/slet: deletes the team (refused while a seat of it is
/// taken or a member has no other team).
pub async fn delete(state: Tenant, me: Me, Path(id): Path<TeamId>) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    require(actor, Permission::EditMasterData)?;
    match state.svc.delete_team(actor, id).await {
        Ok(()) => done(&me.0, "/sekretariat/stamdata#teams", "Teamet er slettet.").await,
        Err(e) => {
            let errors = objection(e, |_| "slet", "slet")?;
            let form = as_form(&find(&state, &me, id).await?);
            show(&state, &me, Which::Existing(id), form, errors).await
        }
    }
}
