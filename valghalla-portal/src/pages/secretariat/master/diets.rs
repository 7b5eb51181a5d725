//! A special diet's form: create, rename and delete (deleting removes it from every
//! participant).

use askama::Template;
use axum::Form;
use axum::extract::Path;
use axum::response::Response;
use valghalla::core::ids::SpecialDietId;
use valghalla::core::rules::access::Permission;
use valghalla::core::service::SpecialDietDraft;

use super::form::{Which, objection};
use crate::state::Tenant;
use crate::web::views::{done, require};
use crate::web::{AppError, FormData, FormErrors, Layout, Me, render};

#[derive(Template)]
#[template(path = "sekretariat/stamdata/kost.html")]
struct DietPage {
    layout: Layout,
    admin: bool,
    action: String,
    is_new: bool,
    form: FormData,
    errors: FormErrors,
}

fn show(
    me: &Me,
    which: Which<SpecialDietId>,
    form: FormData,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let (title, action) = match which {
        Which::New => (
            "Ny specialkost".to_owned(),
            "/sekretariat/stamdata/kost/ny".to_owned(),
        ),
        Which::Existing(id) => (
            format!("Specialkost: {}", form.get("kost-navn")),
            format!("/sekretariat/stamdata/kost/{id}"),
        ),
    };
    render(&DietPage {
        layout: me.0.layout(title),
        admin: me.0.is_admin(),
        is_new: which == Which::New,
        action,
        form,
        errors,
    })
}

/// The stored diet as its form.
async fn stored(state: &Tenant, me: &Me, id: SpecialDietId) -> Result<FormData, AppError> {
    let diet = state
        .svc
        .special_diets(&me.0.actor)
        .await?
        .into_iter()
        .find(|d| d.id == id)
        .ok_or(AppError::NotFound)?;
    Ok(FormData(vec![("kost-navn".into(), diet.title.to_string())]))
}

/// GET /sekretariat/stamdata/kost/{id}: the diet's form (`ny`: a new one).
pub async fn page(state: Tenant, me: Me, Path(id): Path<String>) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::ReadOverview)?;
    let which = Which::parse(&id)?;
    let form = match which {
        Which::New => FormData::default(),
        Which::Existing(id) => stored(&state, &me, id).await?,
    };
    show(&me, which, form, FormErrors::none())
}

/// POST /sekretariat/stamdata/kost/{id}: creates (`ny`) or renames the diet.
pub async fn save(
    state: Tenant,
    me: Me,
    Path(id): Path<String>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    require(actor, Permission::EditMasterData)?;
    let which = Which::parse(&id)?;
    let title = form.get("kost-navn");
    let result = match which {
        Which::New => state
            .svc
            .create_special_diet(
                actor,
                SpecialDietDraft {
                    title: title.to_owned(),
                },
            )
            .await
            .map(|_| "Specialkosten er oprettet."),
        Which::Existing(id) => state
            .svc
            .edit_special_diet(actor, id, title)
            .await
            .map(|_| "Specialkosten er gemt."),
    };
    match result {
        Ok(msg) => done(&me.0, "/sekretariat/stamdata#specialkost", msg).await,
        Err(e) => {
            let errors = objection(e, |_| "kost-navn", "kost-navn")?;
            show(&me, which, form, errors)
        }
    }
}

/// POST /sekretariat/stamdata/kost/{id}/slet: deletes the diet.
pub async fn delete(
    state: Tenant,
    me: Me,
    Path(id): Path<SpecialDietId>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    require(actor, Permission::EditMasterData)?;
    match state.svc.delete_special_diet(actor, id).await {
        Ok(()) => {
            done(
                &me.0,
                "/sekretariat/stamdata#specialkost",
                "Specialkosten er slettet.",
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
