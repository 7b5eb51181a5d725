//! A special diet's form: create, rename and delete (deleting removes it from every
//! participant).

use askama::Template;
use axum::response::Response;
use valghalla::core::ids::SpecialDietId;
use valghalla::core::service::SpecialDietDraft;

use super::form::Which;
use super::page::{Kind, action};
use crate::state::Tenant;
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

/// Special diets.
pub struct Diets;

impl Kind for Diets {
    type Id = SpecialDietId;
    type Draft = SpecialDietDraft;
    const SLUG: &'static str = "kost";
    const BACK: &'static str = "/sekretariat/stamdata#specialkost";
    const CREATED: &'static str = "Specialkosten er oprettet.";
    const SAVED: &'static str = "Specialkosten er gemt.";
    const DELETED: &'static str = "Specialkosten er slettet.";
    const GENERAL: &'static str = "kost-navn";

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

    async fn show(
        _state: &Tenant,
        me: &Me,
        which: Which<SpecialDietId>,
        form: FormData,
        errors: FormErrors,
    ) -> Result<Response, AppError> {
        let title = match which {
            Which::New => "Ny specialkost".to_owned(),
            Which::Existing(_) => format!("Specialkost: {}", form.get("kost-navn")),
        };
        render(&DietPage {
            layout: me.0.layout(title),
            admin: me.0.is_admin(),
            is_new: which == Which::New,
            action: action::<Self>(which),
            form,
            errors,
        })
    }

    async fn draft(
        _state: &Tenant,
        _me: &Me,
        _which: Which<SpecialDietId>,
        form: &FormData,
    ) -> Result<Result<SpecialDietDraft, FormErrors>, AppError> {
        Ok(Ok(SpecialDietDraft {
            title: form.get("kost-navn").to_owned(),
        }))
    }

    async fn save(
        state: &Tenant,
        me: &Me,
        which: Which<SpecialDietId>,
        draft: SpecialDietDraft,
    ) -> Result<Result<(), valghalla::Error>, AppError> {
        let actor = &me.0.actor;
        Ok(match which {
            Which::New => state.svc.create_special_diet(actor, draft).await.map(drop),
            Which::Existing(id) => state
                .svc
                .edit_special_diet(actor, id, &draft.title)
                .await
                .map(drop),
        })
    }

    async fn delete(state: &Tenant, me: &Me, id: SpecialDietId) -> Result<(), valghalla::Error> {
        state.svc.delete_special_diet(&me.0.actor, id).await
    }
}
