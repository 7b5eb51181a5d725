//! An area's form: create, edit (name, description) and delete (refused while it has work
//! locations, or when it is the last one).

use askama::Template;
use axum::response::Response;
use valghalla::core::ids::AreaId;
use valghalla::core::service::AreaDraft;

use super::form::Which;
use super::page::{Kind, action};
use crate::state::Tenant;
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

/// Areas.
pub struct Areas;

impl Kind for Areas {
    type Id = AreaId;
    type Draft = AreaDraft;
    const SLUG: &'static str = "omraade";
    const BACK: &'static str = "/sekretariat/stamdata#omraader";
    const CREATED: &'static str = "Området er oprettet.";
    const SAVED: &'static str = "Området er gemt.";
    const DELETED: &'static str = "Området er slettet.";
    const GENERAL: &'static str = "omraade-navn";

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

    async fn show(
        _state: &Tenant,
        me: &Me,
        which: Which<AreaId>,
        form: FormData,
        errors: FormErrors,
    ) -> Result<Response, AppError> {
        let title = match which {
            Which::New => "Nyt område".to_owned(),
            Which::Existing(_) => format!("Område: {}", form.get("omraade-navn")),
        };
        render(&AreaPage {
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
        _which: Which<AreaId>,
        form: &FormData,
    ) -> Result<Result<AreaDraft, FormErrors>, AppError> {
        Ok(Ok(AreaDraft {
            name: form.get("omraade-navn").to_owned(),
            description: form.get("omraade-beskrivelse").to_owned(),
        }))
    }

    async fn save(
        state: &Tenant,
        me: &Me,
        which: Which<AreaId>,
        draft: AreaDraft,
    ) -> Result<Result<(), valghalla::Error>, AppError> {
        let actor = &me.0.actor;
        Ok(match which {
            Which::New => state.svc.create_area(actor, draft).await.map(drop),
            Which::Existing(id) => state.svc.edit_area(actor, id, draft).await.map(drop),
        })
    }

    async fn delete(state: &Tenant, me: &Me, id: AreaId) -> Result<(), valghalla::Error> {
        state.svc.delete_area(&me.0.actor, id).await
    }
}
