//! The flow every master-data kind shares: show its form, create or save it, delete it. A kind
//! says what differs ([`Kind`]: its address, its messages, its fields, which core command to
//! call); the handlers here do the rest, the same way for each.

use std::fmt::Display;
use std::future::Future;
use std::str::FromStr;

use axum::Form;
use axum::extract::Path;
use axum::response::Response;
use serde::de::DeserializeOwned;
use valghalla::core::rules::access::Permission;

use super::form::{Which, objection};
use crate::state::Tenant;
use crate::web::views::{done, require};
use crate::web::{AppError, FormData, FormErrors, Me};

/// One kind of master data, as its form sees it.
pub trait Kind: Send + Sync + 'static {
    /// The record's id.
    type Id: Copy + Eq + Display + FromStr + DeserializeOwned + Send + Sync + 'static;
    /// What a posted form asks the core to store.
    type Draft: Send;

    /// The kind's address segment: `/sekretariat/stamdata/{SLUG}/{id}`.
    const SLUG: &'static str;
    /// Where a done action leads back to: the kind's place on the list page.
    const BACK: &'static str;
    /// The confirmation after creating one.
    const CREATED: &'static str;
    /// The confirmation after saving one.
    const SAVED: &'static str;
    /// The confirmation after deleting one.
    const DELETED: &'static str;
    /// The field a conflict or refusal on saving is shown at.
    const GENERAL: &'static str;

    /// The form of a new one.
    fn blank(_state: &Tenant, _me: &Me) -> impl Future<Output = Result<FormData, AppError>> + Send {
        async { Ok(FormData::default()) }
    }

    /// The stored record as its form (not found: [`AppError::NotFound`]).
    fn stored(
        state: &Tenant,
        me: &Me,
        id: Self::Id,
    ) -> impl Future<Output = Result<FormData, AppError>> + Send;

    /// The page: the form with its values and errors.
    fn show(
        state: &Tenant,
        me: &Me,
        which: Which<Self::Id>,
        form: FormData,
        errors: FormErrors,
    ) -> impl Future<Output = Result<Response, AppError>> + Send;

    /// The draft a posted form describes, or the errors next to its fields.
    fn draft(
        state: &Tenant,
        me: &Me,
        which: Which<Self::Id>,
        form: &FormData,
    ) -> impl Future<Output = Result<Result<Self::Draft, FormErrors>, AppError>> + Send;

    /// Creates or saves the record; the inner error is the core's objection to the form.
    fn save(
        state: &Tenant,
        me: &Me,
        which: Which<Self::Id>,
        draft: Self::Draft,
    ) -> impl Future<Output = Result<Result<(), valghalla::Error>, AppError>> + Send;

    /// Deletes the record.
    fn delete(
        state: &Tenant,
        me: &Me,
        id: Self::Id,
    ) -> impl Future<Output = Result<(), valghalla::Error>> + Send;

    /// The form field an invalid core field (its English name) is shown at.
    fn field_of(_field: &str) -> &'static str {
        Self::GENERAL
    }
}

/// The form's address: `…/{SLUG}/ny` or `…/{SLUG}/{id}`.
pub fn action<K: Kind>(which: Which<K::Id>) -> String {
    match which {
        Which::New => format!("/sekretariat/stamdata/{}/ny", K::SLUG),
        Which::Existing(id) => format!("/sekretariat/stamdata/{}/{id}", K::SLUG),
    }
}

/// GET /sekretariat/stamdata/{kind}/{id}: the form (`ny`: a new one).
pub async fn page<K: Kind>(
    state: Tenant,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::ReadOverview)?;
    let which = Which::parse(&id)?;
    let form = match which {
        Which::New => K::blank(&state, &me).await?,
        Which::Existing(id) => K::stored(&state, &me, id).await?,
    };
    K::show(&state, &me, which, form, FormErrors::none()).await
}

/// POST /sekretariat/stamdata/{kind}/{id}: creates (`ny`) or saves the record.
pub async fn save<K: Kind>(
    state: Tenant,
    me: Me,
    Path(id): Path<String>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::EditMasterData)?;
    let which = Which::parse(&id)?;
    let draft = match K::draft(&state, &me, which, &form).await? {
        Ok(d) => d,
        Err(errors) => return K::show(&state, &me, which, form, errors).await,
    };
    match K::save(&state, &me, which, draft).await? {
        Ok(()) => {
            let msg = match which {
                Which::New => K::CREATED,
                Which::Existing(_) => K::SAVED,
            };
            done(&me.0, K::BACK, msg).await
        }
        Err(e) => {
            let errors = objection(e, K::field_of, K::GENERAL)?;
            K::show(&state, &me, which, form, errors).await
        }
    }
}

/// POST /sekretariat/stamdata/{kind}/{id}/slet: deletes the record; a refusal is shown at the
/// form's delete button.
pub async fn delete<K: Kind>(
    state: Tenant,
    me: Me,
    Path(id): Path<K::Id>,
) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::EditMasterData)?;
    match K::delete(&state, &me, id).await {
        Ok(()) => done(&me.0, K::BACK, K::DELETED).await,
        Err(e) => {
            let errors = objection(e, |_| "slet", "slet")?;
            let form = K::stored(&state, &me, id).await?;
            K::show(&state, &me, Which::Existing(id), form, errors).await
        }
    }
}
