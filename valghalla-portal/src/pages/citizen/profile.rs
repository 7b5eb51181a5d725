//! "Min profil": the citizen's contact details, special diets and teams, and deleting the
//! profile (after a confirmation page; the core obeys the lock period).

use std::collections::BTreeSet;

use askama::Template;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use valghalla::core::DanishMessage;
use valghalla::core::ids::SpecialDietId;

use super::common::diets;
use crate::state::{PortalState, Tenant};
use crate::web::forms::{contact_values, parse_contact};
use crate::web::views::done;
use crate::web::{AppError, Choice, FormData, FormErrors, Layout, Me, render};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/min-profil", get(profile).post(save_profile))
        .route("/min-profil/slet", get(confirm_delete).post(delete_profile))
}

#[derive(Template)]
#[template(path = "borger/profil.html")]
struct ProfilePage {
    layout: Layout,
    participant: bool,
    name: String,
    address: String,
    mobile: String,
    email: String,
    diets: Vec<Choice>,
    teams: Vec<String>,
    errors: FormErrors,
}

async fn profile_page(
    state: &Tenant,
    me: &Me,
    posted: Option<&FormData>,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let Some(pid) = me.0.participant() else {
        let page = ProfilePage {
            layout: me.0.layout("Min profil"),
            participant: false,
            name: me.0.user_label().unwrap_or_default(),
            address: String::new(),
            mobile: String::new(),
            email: String::new(),
            diets: vec![],
            teams: vec![],
            errors,
        };
        return render(&page);
    };
    let p = state.svc.participant(&me.0.actor, pid).await?.participant;
    let chosen = match posted {
        Some(f) => f.parse_all("kost")?,
        None => p.special_diets.clone(),
    };
    let (mobile, email) = contact_values(&p.contact, posted);
    let mut teams: Vec<String> = state
        .svc
        .teams(&me.0.actor)
        .await?
        .into_iter()
        .filter(|t| p.teams.contains(&t.id))
        .map(|t| t.name.to_string())
        .collect();
    valghalla::core::collation::sort_danish_by(&mut teams, |t| t.as_str());
    let page = ProfilePage {
        layout: me.0.layout("Min profil"),
        participant: true,
        name: p.full_name(),
        address: p
            .person
            .address
            .as_ref()
            .map(|a| a.to_string())
            .unwrap_or_default(),
        mobile,
        email,
        diets: diets(state, &chosen).await?,
        teams,
        errors,
    };
    render(&page)
}

#[derive(Template)]
#[template(path = "borger/slet.html")]
struct ConfirmPage {
    layout: Layout,
    name: String,
    tasks: usize,
}

/// GET /min-profil/slet: what deleting the profile means, and the button that does it.
pub async fn confirm_delete(state: Tenant, me: Me) -> Result<Response, AppError> {
    let Some(pid) = me.0.participant() else {
        return Err(AppError::NotFound);
    };
    let p = state.svc.participant(&me.0.actor, pid).await?.participant;
    let tasks = state.svc.my_tasks(&me.0.actor).await?.len();
    render(&ConfirmPage {
        layout: me.0.layout("Slet min profil"),
        name: p.full_name(),
        tasks,
    })
}

/// GET /min-profil.
pub async fn profile(state: Tenant, me: Me) -> Result<Response, AppError> {
    profile_page(&state, &me, None, FormErrors::none()).await
}

/// POST /min-profil: changes contact details and special diets.
pub async fn save_profile(
    state: Tenant,
    me: Me,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let Some(pid) = me.0.participant() else {
        return Err(AppError::NotFound);
    };
    let mut errors = FormErrors::none();
    let contact = parse_contact(&form, &mut errors);
    let chosen: BTreeSet<SpecialDietId> = form.parse_all("kost")?;
    if errors.is_empty() {
        match state
            .svc
            .edit_participant(&me.0.actor, pid, contact, chosen, None, None)
            .await
        {
            Ok(_) => return done(&me.0, "/min-profil", "Din profil er gemt.").await,
            Err(e @ (valghalla::Error::Refused(_) | valghalla::Error::Invalid(_))) => {
                errors.add("mobil", e.message_da());
            }
            Err(e) => return Err(e.into()),
        }
    }
    profile_page(&state, &me, Some(&form), errors).await
}

/// POST /min-profil/slet: deletes the citizen's profile, when the confirmation page's
/// `bekraeft=ja` came with it (anything else goes back to the confirmation page).
pub async fn delete_profile(
    state: Tenant,
    me: Me,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let Some(pid) = me.0.participant() else {
        return Err(AppError::NotFound);
    };
    if form.get("bekraeft") != "ja" {
        return Ok(axum::response::Redirect::to("/min-profil/slet").into_response());
    }
    match state.svc.delete_participant(&me.0.actor, pid).await {
        Ok(_freed) => {
            me.0.update(|s| s.participant = None).await?;
            done(&me.0, "/min-profil", "Din profil er slettet.").await
        }
        Err(e @ valghalla::Error::Refused(_)) => {
            let errors = FormErrors::from_service("slet", &e);
            profile_page(&state, &me, None, errors).await
        }
        Err(e) => Err(e.into()),
    }
}
