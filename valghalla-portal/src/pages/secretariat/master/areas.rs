//! An area's form: create, edit (name, description) and delete.

use askama::Template;
use axum::Form;
use axum::extract::Path;
use axum::response::Response;
use valghalla::core::ids::AreaId;
use valghalla::core::rules::access::Permission;
use valghalla::core::service::AreaDraft;

use super::form::{Which, objection};
use crate::state::Tenant;
use crate::web::views::{done, require};
use crate::web::{AppError, FormData, FormErrors, Layout, Me, render};

#[derive(Template)]
#[template(path = "sekretariat/stamdata/omraade.html")]
struct AreaPage {
    layout: Layout,
    admin: bool,
    action: String,
    is_new: bool,
    form: FormData,
    errors: FormErrors,
}

fn show(
    me: &Me,
    which: Which<AreaId>,
    form: FormData,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let (title, action) = match which {
        Which::New => (
            "Nyt område".to_owned(),
            "/sekretariat/stamdata/omraade/ny".to_owned(),
        ),
        Which::Existing(id) => (
            format!("Område: {}", form.get("omraade-navn")),
            format!("/sekretariat/stamdata/omraade/{id}"),
        ),
    };
    render(&AreaPage {
        layout: me.0.layout(title),
        admin: me.0.is_admin(),
        is_new: which == Which::New,
        action,
        form,
        errors,
    })
}

/// GET /sekretariat/stamdata/omraade/{id}: the area's form (`ny`: a new one).
pub async fn page(state: Tenant, me: Me, Path(id): Path<String>) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::ReadOverview)?;
    let which = Which::parse(&id)?;
    let form = match which {
        Which::New => FormData::default(),
        Which::Existing(id) => stored(&state, &me, id).await?,
    };
    show(&me, which, form, FormErrors::none())
}

/// The stored area as its form.
async fn stored(state: &Tenant, me: &Me, id: AreaId) -> Result<FormData, AppError> {
    let area = state
        .svc
        .areas(&me.0.actor)
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or(AppError::NotFound)?;
    Ok(FormData(vec![
        ("omraade-navn".into(), area.name.to_string()),
        ("omraade-beskrivelse".into(), area.description),
    ]))
}

fn draft(form: &FormData) -> AreaDraft {
    AreaDraft {
        name: form.get("omraade-navn").to_owned(),
        description: form.get("omraade-beskrivelse").to_owned(),
    }
}

/// POST /sekretariat/stamdata/omraade/{id}: creates (`ny`) or saves the area.
pub async fn save(
    state: Tenant,
    me: Me,
    Path(id): Path<String>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    require(actor, Permission::EditMasterData)?;
    let which = Which::parse(&id)?;
    let result = match which {
        Which::New => state
            .svc
            .create_area(actor, draft(&form))
            .await
            .map(|_| "Området er oprettet."),
        Which::Existing(id) => state
            .svc
            .edit_area(actor, id, draft(&form))
            .await
            .map(|_| "Området er gemt."),
    };
    match result {
        Ok(msg) => done(&me.0, "/sekretariat/stamdata#omraader", msg).await,
        Err(e) => {
            let errors = objection(e, |_| "omraade-navn", "omraade-navn")?;
            show(&me, which, form, errors)
        }
    }
}

/// POST /sekretariat/stamdata/omraade/{id}/slet: deletes the area (refused while it has work
/// locations, or when it is the last one).
pub async fn delete(state: Tenant, me: Me, Path(id): Path<AreaId>) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    require(actor, Permission::EditMasterData)?;
    match state.svc.delete_area(actor, id).await {
        Ok(()) => {
            done(
                &me.0,
                "/sekretariat/stamdata#omraader",
                "Området er slettet.",
            )
            .await
        }
        Err(e) => {
            let errors = objection(e, |_| "slet", "slet")?;
            let form = stored(&state, &me, id).await?;
            show(&me, Which::Existing(id), form, errors)
        }
    }
}
