//! The reserves' pages: signing up as a reserve for a day (the link the secretariat shares,
//! `/reserve/{election}/{date}`), and the take page every offer's message links to,
//! `/reserve/tilbud/{offer}/{token}` — the first reserve to take the seat gets it.

use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use chrono::NaiveDate;
use valghalla::core::DanishMessage;
use valghalla::core::ids::{ElectionId, OfferId};
use valghalla::core::service::OfferView;

use crate::state::{PortalState, Tenant};
use crate::web::guard::encode_path;
use crate::web::views::{da_date, done};
use crate::web::{AppError, FormData, Layout, Me, Viewer, render};

pub(super) fn router() -> Router<PortalState> {
    Router::new()
        .route("/reserve/{election}/{date}", get(page).post(answer))
        .route("/reserve/tilbud/{offer}/{token}", get(offer).post(take))
}

#[derive(Template)]
#[template(path = "valgdag/reserve.html")]
struct ReservePage {
    layout: Layout,
    action: String,
    election_title: String,
    date: String,
    participant: bool,
    signed_up: bool,
}

fn parse_date(date: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| AppError::NotFound)
}

/// GET /reserve/{election}/{date}: sign up as a reserve for the day (log in first).
async fn page(
    state: Tenant,
    me: Me,
    Path((election, date)): Path<(ElectionId, String)>,
) -> Result<Response, AppError> {
    let day = parse_date(&date)?;
    let actor = &me.0.actor;
    let e = state.svc.election(actor, election).await?;
    if !e.working_period().contains(day) {
        return Err(AppError::NotFound);
    }
    let signed_up = match me.0.participant() {
        Some(p) => state
            .svc
            .reserve_days(actor, p)
            .await?
            .iter()
            .any(|d| d.election == election && d.date == day),
        None => false,
    };
    render(&ReservePage {
        layout: me.0.layout("Reserve på valgdagen"),
        action: format!("/reserve/{election}/{date}"),
        election_title: e.title.to_string(),
        date: da_date(day),
        participant: me.0.participant().is_some(),
        signed_up,
    })
}

/// POST /reserve/{election}/{date}: `handling=tilmeld` or `handling=frameld`.
async fn answer(
    state: Tenant,
    me: Me,
    Path((election, date)): Path<(ElectionId, String)>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let day = parse_date(&date)?;
    let Some(p) = me.0.participant() else {
        return Err(AppError::NotFound);
    };
    let actor = &me.0.actor;
    let back = format!("/reserve/{election}/{date}");
    match form.get("handling") {
        "tilmeld" => match state.svc.sign_up_reserve(actor, p, election, day).await {
            Ok(()) => {
                done(
                    &me.0,
                    &back,
                    "Tak! Du er reserve den dag. Mangler et valgsted en person, får du en besked med et link, hvor du kan tage pladsen.",
                )
                .await
            }
            Err(e @ valghalla::Error::Refused(_)) => done(&me.0, &back, &e.message_da()).await,
            Err(e) => Err(e.into()),
        },
        "frameld" => {
            state.svc.withdraw_reserve(actor, p, election, day).await?;
            done(&me.0, &back, "Du er ikke længere reserve den dag.").await
        }
        _ => Err(AppError::BadRequest),
    }
}

#[derive(Template)]
#[template(path = "valgdag/tilbud.html")]
struct OfferPage {
    layout: Layout,
    action: String,
    login_href: String,
    logged_in: bool,
    offer: OfferView,
}

/// GET /reserve/tilbud/{offer}/{token}: the offered task and, once logged in, the button that
/// takes it. An unknown offer or code is not found.
async fn offer(
    state: Tenant,
    viewer: Viewer,
    Path((offer, token)): Path<(OfferId, String)>,
) -> Result<Response, AppError> {
    let view = state.svc.offer_view(&viewer.actor, offer, &token).await?;
    let action = format!("/reserve/tilbud/{offer}/{token}");
    render(&OfferPage {
        layout: viewer.layout("Ledig plads i dag"),
        login_href: format!("/login?next={}", encode_path(&action)),
        action,
        logged_in: viewer.participant().is_some(),
        offer: view,
    })
}

/// POST /reserve/tilbud/{offer}/{token}: take the seat.
async fn take(
    state: Tenant,
    me: Me,
    Path((offer, token)): Path<(OfferId, String)>,
) -> Result<Response, AppError> {
    let back = format!("/reserve/tilbud/{offer}/{token}");
    match state
        .svc
        .take_offered_seat(&me.0.actor, offer, &token)
        .await
    {
        Ok(()) => {
            done(
                &me.0,
                "/mine-opgaver",
                "Tak! Pladsen er din. Den står under Mine opgaver.",
            )
            .await
        }
        Err(e @ valghalla::Error::Refused(_)) => done(&me.0, &back, &e.message_da()).await,
        Err(e) => Err(e.into()),
    }
}
