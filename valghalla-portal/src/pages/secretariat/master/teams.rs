//! A team's form: name, short name (the party letter), kind, description and whether its
//! secretaries' links may offer trusted task types; its party secretaries with their stations,
//! each with a way to revoke (appointing is on the participant's page).

use std::collections::BTreeMap;

use askama::Template;
use axum::response::Response;
use valghalla::core::ids::{ParticipantId, TeamId, WorkLocationId};
use valghalla::core::model::{Team, TeamKind};
use valghalla::core::service::TeamDraft;

use super::super::common::{participant_names, scope_da};
use super::form::{Which, ticked};
use super::page::{Kind, action};
use crate::state::Tenant;
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

/// The draft a posted form describes and whether its secretaries' links may offer trusted task
/// types (set apart in the core).
pub struct Draft {
    team: TeamDraft,
    trusted: bool,
}

/// Teams.
pub struct Teams;

impl Kind for Teams {
    type Id = TeamId;
    type Draft = Draft;
    const SLUG: &'static str = "team";
    const BACK: &'static str = "/sekretariat/stamdata#teams";
    const CREATED: &'static str = "Teamet er oprettet.";
    const SAVED: &'static str = "Teamet er gemt.";
    const DELETED: &'static str = "Teamet er slettet.";
    const GENERAL: &'static str = "team-navn";

    async fn blank(_state: &Tenant, _me: &Me) -> Result<FormData, AppError> {
        Ok(FormData(vec![("team-art".into(), "parti".into())]))
    }

    async fn stored(state: &Tenant, me: &Me, id: TeamId) -> Result<FormData, AppError> {
        Ok(as_form(&find(state, me, id).await?))
    }

    async fn show(
        state: &Tenant,
        me: &Me,
        which: Which<TeamId>,
        form: FormData,
        errors: FormErrors,
    ) -> Result<Response, AppError> {
        let actor = &me.0.actor;
        let (title, secretaries) = match which {
            Which::New => ("Nyt team".to_owned(), Vec::new()),
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
                (format!("Team: {}", team.name), secretaries)
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
            action: action::<Self>(which),
            secretaries,
            form,
            errors,
        })
    }

    async fn draft(
        _state: &Tenant,
        _me: &Me,
        _which: Which<TeamId>,
        form: &FormData,
    ) -> Result<Result<Draft, FormErrors>, AppError> {
        let Some((kind, _, _)) = KINDS
            .iter()
            .find(|(_, key, _)| *key == form.get("team-art"))
        else {
            let mut errors = FormErrors::none();
            errors.add("team-art", "Vælg, hvilken slags team det er.");
            return Ok(Err(errors));
        };
        Ok(Ok(Draft {
            team: TeamDraft {
                name: form.get("team-navn").to_owned(),
                short_name: form.get("team-kort").to_owned(),
                kind: *kind,
                description: form.get("team-beskrivelse").to_owned(),
            },
            trusted: form.get("team-betroede-links") == "1",
        }))
    }

    async fn save(
        state: &Tenant,
        me: &Me,
        which: Which<TeamId>,
        draft: Draft,
    ) -> Result<Result<(), valghalla::Error>, AppError> {
        let actor = &me.0.actor;
        let saved = match which {
            Which::New => state.svc.create_team(actor, draft.team).await,
            Which::Existing(id) => state.svc.edit_team(actor, id, draft.team).await,
        };
        let team = match saved {
            Ok(team) => team,
            Err(e) => return Ok(Err(e)),
        };
        if team.responsibles_may_link_trusted != draft.trusted {
            state
                .svc
                .allow_trusted_links(actor, team.id, draft.trusted)
                .await?;
        }
        Ok(Ok(()))
    }

    /// Refused while a seat of it is taken or a member has no other team.
    async fn delete(state: &Tenant, me: &Me, id: TeamId) -> Result<(), valghalla::Error> {
        state.svc.delete_team(&me.0.actor, id).await
    }

    fn field_of(field: &str) -> &'static str {
        if field == "short name" {
            "team-kort"
        } else {
            "team-navn"
        }
    }
}
