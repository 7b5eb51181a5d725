//! Links: every team, vacancy and seat link, making new ones and revoking them.

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use valghalla::core::ids::{LinkId, TeamId};

use super::common::team_choices;
use crate::state::{PortalState, Tenant};
use crate::web::forms::link_kind;
use crate::web::guard::safe_back;
use crate::web::views::{LinkRow, done, link_rows};
use crate::web::{AppError, Choice, FormData, Layout, Me, render};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/sekretariat/links", get(links).post(create_link))
        .route("/links/{id}/tilbagekald", post(revoke_link))
}

#[derive(Template)]
#[template(path = "sekretariat/links.html")]
struct LinksPage {
    layout: Layout,
    admin: bool,
    links: Vec<LinkRow>,
    teams: Vec<Choice>,
    elections: Vec<Choice>,
}

/// GET /sekretariat/links: every link, and forms to make team and vacancy links.
pub async fn links(state: Tenant, me: Me) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    let page = LinksPage {
        layout: me.0.layout("Links"),
        admin: me.0.is_admin(),
        links: link_rows(&state.svc, actor, None).await?,
        teams: team_choices(&state, &me, &BTreeSet::new()).await?,
        elections: state
            .svc
            .elections(actor)
            .await?
            .into_iter()
            .map(|e| Choice {
                value: e.id.to_string(),
                label: e.title.to_string(),
                selected: e.active,
            })
            .collect(),
    };
    render(&page)
}

/// POST /sekretariat/links: makes a team or vacancy link.
pub async fn create_link(
    state: Tenant,
    me: Me,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let team: TeamId = form.parse("team")?;
    let kind = link_kind(&form, team)?;
    state.svc.create_link(&me.0.actor, kind).await?;
    done(&me.0, "/sekretariat/links", "Linket er oprettet.").await
}

/// POST /sekretariat/links/{id}/tilbagekald: revokes a link.
pub async fn revoke_link(
    state: Tenant,
    me: Me,
    Path(id): Path<LinkId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    state.svc.revoke_link(&me.0.actor, id).await?;
    let to = safe_back(form.get("tilbage"), "/parti/", "/sekretariat/links");
    done(&me.0, &to, "Linket er tilbagekaldt og virker ikke længere.").await
}
