//! A participant's responsibilities: party secretary of teams (for every station or some) and
//! responsible of work locations — shown, appointed and revoked. The person's menu and rights
//! follow at their next request (the core builds their actor from the stored teams and
//! locations each time).

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use valghalla::core::ids::{ParticipantId, TeamId, WorkLocationId};
use valghalla::core::model::LocationScope;
use valghalla::core::rules::access::Permission;

use super::common::scope_da;
use crate::state::{PortalState, Tenant};
use crate::web::guard::safe_back;
use crate::web::views::{done, require};
use crate::web::{AppError, Choice, FormData, FormErrors, Layout, Me, render};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/sekretariat/deltagere/{id}/ansvar", get(page))
        .route(
            "/sekretariat/deltagere/{id}/ansvar/team",
            post(appoint_secretary),
        )
        .route(
            "/sekretariat/deltagere/{id}/ansvar/team/fjern",
            post(revoke_secretary),
        )
        .route(
            "/sekretariat/deltagere/{id}/ansvar/valgsted",
            post(appoint_responsible),
        )
        .route(
            "/sekretariat/deltagere/{id}/ansvar/valgsted/fjern",
            post(revoke_responsible),
        )
}

/// A team the person is party secretary of.
struct SecretaryOf {
    team: TeamId,
    name: String,
    scope: String,
}

#[derive(Template)]
#[template(path = "sekretariat/ansvar.html")]
struct ResponsibilitiesPage {
    layout: Layout,
    admin: bool,
    id: ParticipantId,
    name: String,
    secretary_of: Vec<SecretaryOf>,
    responsible_for: Vec<Choice>,
    teams: Vec<Choice>,
    locations: Vec<Choice>,
    all_stations: bool,
    errors: FormErrors,
}

async fn show(
    state: &Tenant,
    me: &Me,
    id: ParticipantId,
    form: FormData,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    let person = state.svc.participant(actor, id).await?.participant;
    let locations = state.svc.work_locations(actor).await?;
    let titles: BTreeMap<WorkLocationId, String> = locations
        .iter()
        .map(|l| (l.id, l.title.to_string()))
        .collect();
    let teams = state.svc.teams(actor).await?;
    let picked: BTreeSet<&str> = form.all("valgsted").into_iter().collect();
    let page = ResponsibilitiesPage {
        layout: me.0.layout(format!("Ansvar: {}", person.full_name())),
        admin: me.0.is_admin(),
        id,
        name: person.full_name(),
        secretary_of: teams
            .iter()
            .filter_map(|t| {
                t.responsibles.get(&id).map(|scope| SecretaryOf {
                    team: t.id,
                    name: t.name.to_string(),
                    scope: scope_da(scope, &titles),
                })
            })
            .collect(),
        responsible_for: locations
            .iter()
            .filter(|l| l.responsibles.contains(&id))
            .map(|l| Choice {
                value: l.id.to_string(),
                label: l.title.to_string(),
                selected: true,
            })
            .collect(),
        teams: teams
            .iter()
            .map(|t| Choice {
                value: t.id.to_string(),
                label: format!("{} ({})", t.name, t.short_name),
                selected: form.get("team") == t.id.to_string(),
            })
            .collect(),
        locations: locations
            .iter()
            .map(|l| Choice {
                value: l.id.to_string(),
                label: l.title.to_string(),
                selected: picked.contains(l.id.to_string().as_str()),
            })
            .collect(),
        all_stations: form.get("omfang") != "udvalgte",
        errors,
    };
    render(&page)
}

/// GET /sekretariat/deltagere/{id}/ansvar: the person's responsibilities and the forms to
/// appoint them.
pub async fn page(
    state: Tenant,
    me: Me,
    Path(id): Path<ParticipantId>,
) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::ReadOverview)?;
    show(&state, &me, id, FormData::default(), FormErrors::none()).await
}

fn back_to(form: &FormData, id: ParticipantId) -> String {
    let default = format!("/sekretariat/deltagere/{id}/ansvar");
    safe_back(form.get("tilbage"), "/sekretariat/", &default)
}

/// POST /sekretariat/deltagere/{id}/ansvar/team: makes the person party secretary of a team,
/// for every station or only the chosen ones.
pub async fn appoint_secretary(
    state: Tenant,
    me: Me,
    Path(id): Path<ParticipantId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    require(actor, Permission::EditMasterData)?;
    let mut errors = FormErrors::none();
    let team: Option<TeamId> = form.get("team").parse().ok();
    if team.is_none() {
        errors.add(
            "team",
            "Vælg det team, personen skal være partisekretær for.",
        );
    }
    let stations: BTreeSet<WorkLocationId> = form.parse_all("valgsted")?;
    let scope = if form.get("omfang") == "udvalgte" {
        if stations.is_empty() {
            errors.add(
                "omfang",
                "Vælg mindst ét valgsted, eller vælg \"alle valgsteder\".",
            );
        }
        LocationScope::Only(stations)
    } else {
        LocationScope::All
    };
    let Some(team) = team.filter(|_| errors.is_empty()) else {
        return show(&state, &me, id, form, errors).await;
    };
    match state
        .svc
        .set_team_responsible(actor, team, id, Some(scope))
        .await
    {
        Ok(()) => done(&me.0, &back_to(&form, id), "Partisekretæren er udpeget.").await,
        Err(e @ (valghalla::Error::Invalid(_) | valghalla::Error::Conflict(_))) => {
            let errors = FormErrors::from_service("team", &e);
            show(&state, &me, id, form, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /sekretariat/deltagere/{id}/ansvar/team/fjern: the person is no longer party
/// secretary of the team.
pub async fn revoke_secretary(
    state: Tenant,
    me: Me,
    Path(id): Path<ParticipantId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    require(actor, Permission::EditMasterData)?;
    let team: TeamId = form.parse("team")?;
    state
        .svc
        .set_team_responsible(actor, team, id, None)
        .await?;
    done(
        &me.0,
        &back_to(&form, id),
        "Personen er ikke længere partisekretær for teamet.",
    )
    .await
}

/// POST /sekretariat/deltagere/{id}/ansvar/valgsted: makes the person responsible of a work
/// location.
pub async fn appoint_responsible(
    state: Tenant,
    me: Me,
    Path(id): Path<ParticipantId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    require(actor, Permission::EditMasterData)?;
    let Ok(location) = form.get("ansvar-valgsted").parse::<WorkLocationId>() else {
        let mut errors = FormErrors::none();
        errors.add(
            "ansvar-valgsted",
            "Vælg det valgsted, personen skal være ansvarlig for.",
        );
        return show(&state, &me, id, form, errors).await;
    };
    state
        .svc
        .set_location_responsible(actor, location, id, true)
        .await?;
    done(
        &me.0,
        &back_to(&form, id),
        "Personen er udpeget som valgstedsansvarlig.",
    )
    .await
}

/// POST /sekretariat/deltagere/{id}/ansvar/valgsted/fjern: the person is no longer responsible
/// of the work location.
pub async fn revoke_responsible(
    state: Tenant,
    me: Me,
    Path(id): Path<ParticipantId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    require(actor, Permission::EditMasterData)?;
    let location: WorkLocationId = form.parse("valgsted")?;
    state
        .svc
        .set_location_responsible(actor, location, id, false)
        .await?;
    done(
        &me.0,
        &back_to(&form, id),
        "Personen er ikke længere ansvarlig for valgstedet.",
    )
    .await
}
