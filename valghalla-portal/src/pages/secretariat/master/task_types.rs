//! A task type's form: every field (title, short name, description, daily window, fee,
//! trusted, whether eligibility is checked, reminders, whether its holder chairs the station on
//! election day), create, edit and delete.

use askama::Template;
use axum::response::Response;
use chrono::NaiveTime;
use valghalla::core::DanishMessage;
use valghalla::core::ids::TaskTypeId;
use valghalla::core::model::{TaskType, Trust};
use valghalla::core::service::TaskTypeDraft;
use valghalla::core::time::DailyWindow;
use valghalla::core::values::Ore;

use super::form::{Which, ticked};
use super::page::{Kind, action};
use crate::state::Tenant;
use crate::web::{AppError, FormData, FormErrors, Layout, Me, render};

#[derive(Template)]
#[template(path = "sekretariat/stamdata/opgavetype.html")]
struct TaskTypePage {
    layout: Layout,
    admin: bool,
    action: String,
    is_new: bool,
    form: FormData,
    errors: FormErrors,
}

/// A fee in whole kroner as the form shows it (`1320`), or empty.
fn fee_field(payment: Option<Ore>) -> String {
    match payment {
        Some(Ore(ore)) if ore % 100 == 0 => (ore / 100).to_string(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

fn as_form(t: &TaskType) -> FormData {
    FormData(vec![
        ("opgavetype-navn".into(), t.title.to_string()),
        ("opgavetype-kort".into(), t.short_name.to_string()),
        ("opgavetype-beskrivelse".into(), t.description.clone()),
        (
            "opgavetype-start".into(),
            t.window.start().format("%H:%M").to_string(),
        ),
        (
            "opgavetype-slut".into(),
            t.window.end().format("%H:%M").to_string(),
        ),
        ("opgavetype-honorar".into(), fee_field(t.payment)),
        (
            "opgavetype-tillid".into(),
            ticked(t.trust == Trust::Trusted),
        ),
        ("opgavetype-valgbarhed".into(), ticked(t.check_eligibility)),
        ("opgavetype-paamindelser".into(), ticked(t.reminders)),
        ("opgavetype-formand".into(), ticked(t.chairs_station())),
    ])
}

/// The draft a posted form describes, or the errors next to its fields (times, fee).
fn draft(form: &FormData) -> Result<TaskTypeDraft, FormErrors> {
    let mut errors = FormErrors::none();
    let mut time = |f: &str| {
        let parsed = NaiveTime::parse_from_str(form.get(f), "%H:%M").ok();
        if parsed.is_none() {
            errors.add(f, "Angiv et klokkeslæt (tt:mm).");
        }
        parsed
    };
    let (start, end) = (time("opgavetype-start"), time("opgavetype-slut"));
    let payment = match form.get("opgavetype-honorar") {
        "" => None,
        v => match Ore::parse_payment(v) {
            Ok(payment) => Some(payment),
            Err(e) => {
                errors.add("opgavetype-honorar", format!("Honorar: {}", e.message_da()));
                None
            }
        },
    };
    match (start, end) {
        (Some(start), Some(end)) if errors.is_empty() => Ok(TaskTypeDraft {
            title: form.get("opgavetype-navn").to_owned(),
            short_name: form.get("opgavetype-kort").to_owned(),
            description: form.get("opgavetype-beskrivelse").to_owned(),
            window: DailyWindow::new(start, end),
            payment,
            trust: if form.get("opgavetype-tillid") == "1" {
                Trust::Trusted
            } else {
                Trust::Open
            },
            check_eligibility: form.get("opgavetype-valgbarhed") == "1",
            reminders: form.get("opgavetype-paamindelser") == "1",
            chair: form.get("opgavetype-formand") == "1",
        }),
        _ => Err(errors),
    }
}

/// Task types.
pub struct TaskTypes;

impl Kind for TaskTypes {
    type Id = TaskTypeId;
    type Draft = TaskTypeDraft;
    const SLUG: &'static str = "opgavetype";
    const BACK: &'static str = "/sekretariat/stamdata#opgavetyper";
    const CREATED: &'static str = "Opgavetypen er oprettet.";
    const SAVED: &'static str = "Opgavetypen er gemt.";
    const DELETED: &'static str = "Opgavetypen er slettet.";
    const GENERAL: &'static str = "opgavetype-start";

    /// A new one checks eligibility and sends reminders.
    async fn blank(_state: &Tenant, _me: &Me) -> Result<FormData, AppError> {
        Ok(FormData(vec![
            ("opgavetype-valgbarhed".into(), ticked(true)),
            ("opgavetype-paamindelser".into(), ticked(true)),
        ]))
    }

    async fn stored(state: &Tenant, me: &Me, id: TaskTypeId) -> Result<FormData, AppError> {
        state
            .svc
            .task_types(&me.0.actor)
            .await?
            .iter()
            .find(|t| t.id == id)
            .map(as_form)
            .ok_or(AppError::NotFound)
    }

    async fn show(
        _state: &Tenant,
        me: &Me,
        which: Which<TaskTypeId>,
        form: FormData,
        errors: FormErrors,
    ) -> Result<Response, AppError> {
        let title = match which {
            Which::New => "Ny opgavetype".to_owned(),
            Which::Existing(_) => format!("Opgavetype: {}", form.get("opgavetype-navn")),
        };
        render(&TaskTypePage {
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
        _which: Which<TaskTypeId>,
        form: &FormData,
    ) -> Result<Result<TaskTypeDraft, FormErrors>, AppError> {
        Ok(draft(form))
    }

    /// A change of times that would double-book someone is refused with every such person.
    async fn save(
        state: &Tenant,
        me: &Me,
        which: Which<TaskTypeId>,
        draft: TaskTypeDraft,
    ) -> Result<Result<(), valghalla::Error>, AppError> {
        let actor = &me.0.actor;
        Ok(match which {
            Which::New => state.svc.create_task_type(actor, draft).await.map(drop),
            Which::Existing(id) => state.svc.edit_task_type(actor, id, draft).await.map(drop),
        })
    }

    /// Refused while a seat of it is taken; its vacant seats go with it.
    async fn delete(state: &Tenant, me: &Me, id: TaskTypeId) -> Result<(), valghalla::Error> {
        state.svc.delete_task_type(&me.0.actor, id).await
    }

    fn field_of(field: &str) -> &'static str {
        match field {
            "short name" => "opgavetype-kort",
            "payment" => "opgavetype-honorar",
            _ => "opgavetype-navn",
        }
    }
}
