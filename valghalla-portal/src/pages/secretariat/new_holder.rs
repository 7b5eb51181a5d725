//! Creating a new person from a vacant seat and inviting them to it in one step (T2): the CPR
//! number is looked up in the registry by the core, travels only in the form body and is never
//! shown back; a refusal (the CPR number taken, not in the registry, not eligible, the seat
//! taken) is shown at the field and nothing is created.

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::{Path, RawQuery};
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use valghalla::core::ids::{SeatId, SpecialDietId};
use valghalla::core::rules::access::Permission;
use valghalla::core::service::{Failure, NewParticipant};
use valghalla::core::{Cpr, DanishMessage};

use super::common::diet_choices;
use crate::state::{PortalState, Tenant};
use crate::web::forms::parse_contact;
use crate::web::guard::safe_back;
use crate::web::views::{done, require, short_date};
use crate::web::{AppError, Choice, FormData, FormErrors, Layout, Me, render};

pub fn router() -> Router<PortalState> {
    Router::new().route(
        "/sekretariat/pladser/{seat}/ny-deltager",
        get(page).post(create),
    )
}

#[derive(Template)]
#[template(path = "sekretariat/plads_ny_deltager.html")]
struct NewHolderPage {
    layout: Layout,
    seat: SeatId,
    what: String,
    back: String,
    errors: FormErrors,
    mobile: String,
    email: String,
    diets: Vec<Choice>,
}

fn allowed(me: &Me) -> Result<(), AppError> {
    require(&me.0.actor, Permission::CreateParticipant)?;
    require(&me.0.actor, Permission::ManageSeatHolders)
}

async fn show(
    state: &Tenant,
    me: &Me,
    seat: SeatId,
    form: &FormData,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let s = state.svc.seat_summary(&me.0.actor, seat).await?;
    let diets: BTreeSet<SpecialDietId> = form.parse_all("kost")?;
    render(&NewHolderPage {
        layout: me.0.layout("Opret og invitér en ny person"),
        seat,
        what: format!(
            "{}, {}, {}, {}",
            s.location,
            s.task_type,
            s.team,
            short_date(s.slot.date)
        ),
        back: safe_back(form.get("tilbage"), "/sekretariat/", "/sekretariat"),
        errors,
        mobile: form.get("mobil").to_owned(),
        email: form.get("email").to_owned(),
        diets: diet_choices(state, me, &diets).await?,
    })
}

/// GET /sekretariat/pladser/{seat}/ny-deltager?tilbage=: the form.
async fn page(
    state: Tenant,
    me: Me,
    Path(seat): Path<SeatId>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    allowed(&me)?;
    let form = FormData::from_query(query.as_deref());
    show(&state, &me, seat, &form, FormErrors::none()).await
}

/// POST /sekretariat/pladser/{seat}/ny-deltager: creates the person through the CPR registry
/// and invites them to the seat, or changes nothing.
async fn create(
    state: Tenant,
    me: Me,
    Path(seat): Path<SeatId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    allowed(&me)?;
    let mut errors = FormErrors::none();
    let cpr = match Cpr::parse(form.get("cpr")) {
        Ok(c) => Some(c),
        Err(e) => {
            errors.add("cpr", e.message_da());
            None
        }
    };
    let contact = parse_contact(&form, &mut errors);
    let special_diets: BTreeSet<SpecialDietId> = form.parse_all("kost")?;
    if let (true, Some(cpr)) = (errors.is_empty(), cpr) {
        let new = NewParticipant {
            cpr,
            contact,
            // The core makes them a member of the seat's team.
            teams: BTreeSet::new(),
            special_diets,
            preferred_work_location: None,
        };
        match state.svc.create_and_invite(&me.0.actor, new, seat).await {
            Ok(p) => {
                let msg = format!(
                    "{} er oprettet og inviteret til pladsen. Personen svarer selv ja eller nej.",
                    p.full_name()
                );
                let back = safe_back(form.get("tilbage"), "/sekretariat/", "/sekretariat");
                return done(&me.0, &back, &msg).await;
            }
            // The CPR number taken, not in the registry, or the person not free for the seat:
            // the core says why in Danish, and nothing was created.
            Err(e @ (valghalla::Error::Refused(_) | valghalla::Error::Conflict(_))) => {
                errors = FormErrors::from_service("cpr", &e);
            }
            Err(
                e @ (valghalla::Error::NotInRegistry(_)
                | valghalla::Error::Failed(Failure::Registry(_))),
            ) => errors.add("cpr", e.message_da()),
            Err(valghalla::Error::Invalid(f)) => errors.add("cpr", f.message_da()),
            Err(e) => return Err(e.into()),
        }
    }
    show(&state, &me, seat, &form, errors).await
}
