//! The router and the application state: every page and command of the portal.

use std::sync::Arc;

use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use chrono::NaiveDate;
use valghalla::Valghalla;
use valghalla::core::service::Config;
use valghalla::core::store::DynStore;

use crate::auth::Authenticator;
use crate::web::{AppState, PageCache, Sessions, Shared};
use crate::{
    auth, autofill, citizen, communication, csrf, distribution, exports, location,
    message_templates, party, secretariat, seed, web,
};

/// The router over `state`.
pub fn router(state: Shared) -> Router {
    use secretariat as s;
    Router::new()
        .route("/", get(web::home))
        .route("/static/portal.css", get(web::stylesheet))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/logout", post(auth::logout))
        // The secretariat.
        .route("/sekretariat", get(s::elections))
        .route("/sekretariat/valg", post(s::create_election))
        .route(
            "/sekretariat/valg/{id}/dupliker",
            post(s::duplicate_election),
        )
        .route("/sekretariat/valg/{id}/aktiv", post(s::set_active))
        .route(
            "/sekretariat/valg/{id}/autofyld",
            get(autofill::start).post(autofill::propose),
        )
        .route(
            "/sekretariat/valg/{id}/autofyld/bekraeft",
            post(autofill::confirm),
        )
        .route("/sekretariat/valg/{id}/oversigt", get(s::overview))
        .route(
            "/sekretariat/valg/{id}/deltagerliste",
            get(s::participant_list),
        )
        .route(
            "/sekretariat/valg/{id}/fordeling/{location}",
            get(s::grid).post(s::save_grid),
        )
        .route(
            "/sekretariat/valg/{id}/fordelingsforslag",
            get(distribution::start).post(distribution::propose),
        )
        .route(
            "/sekretariat/valg/{id}/fordelingsforslag/bekraeft",
            post(distribution::confirm),
        )
        .route(
            "/sekretariat/valg/{id}/valgsted/{location}",
            get(s::station),
        )
        .route(
            "/sekretariat/valg/{id}/skabeloner",
            get(message_templates::list).post(message_templates::choose),
        )
        .route(
            "/sekretariat/valg/{id}/skabeloner/ny",
            get(message_templates::new).post(message_templates::create),
        )
        .route(
            "/sekretariat/valg/{id}/skabeloner/{template}",
            get(message_templates::edit).post(message_templates::update),
        )
        .route(
            "/sekretariat/valg/{id}/skabeloner/{template}/slet",
            post(message_templates::delete),
        )
        .route(
            "/sekretariat/valg/{id}/skabeloner/{template}/nulstil",
            post(message_templates::reset),
        )
        .route(
            "/sekretariat/valg/{id}/eksport/{kind}",
            get(exports::election),
        )
        .route("/sekretariat/pladser/{seat}/inviter", post(s::invite))
        .route("/sekretariat/pladser/{seat}/svar", post(s::answer))
        .route("/sekretariat/pladser/{seat}/fjern", post(s::remove))
        .route("/sekretariat/pladser/{seat}/link", post(s::seat_link))
        .route(
            "/sekretariat/deltagere",
            get(s::participants).post(s::create_participant),
        )
        .route("/sekretariat/deltagere/ny", get(s::new_participant))
        .route("/sekretariat/deltagere/eksport", get(exports::participants))
        .route(
            "/sekretariat/deltagere/{id}",
            get(s::participant).post(s::edit_participant),
        )
        .route(
            "/sekretariat/deltagere/{id}/slet",
            post(s::delete_participant),
        )
        .route("/sekretariat/stamdata", get(s::master_data))
        .route("/sekretariat/stamdata/{kind}", post(s::create_master))
        .route("/sekretariat/links", get(s::links).post(s::create_link))
        .route("/links/{id}/tilbagekald", post(s::revoke_link))
        .route("/sekretariat/log", get(s::audit_log))
        .route(
            "/sekretariat/kommunikation",
            get(communication::communication),
        )
        .route(
            "/sekretariat/kommunikation/gruppe",
            post(communication::group_message),
        )
        // Party secretaries.
        .route("/parti", get(party::teams))
        .route("/parti/{team}", get(party::team))
        .route("/parti/{team}/placer", post(party::place))
        .route("/parti/{team}/links", post(party::create_link))
        // Work-location responsibles.
        .route("/arbejdssted", get(location::locations))
        .route("/arbejdssted/{location}", get(location::staff))
        // Citizens.
        .route("/link/{token}", get(citizen::link))
        .route("/link/{token}/tag", post(citizen::take))
        .route("/link/{token}/team", post(citizen::join))
        .route(
            "/link/{token}/tilmeld",
            get(citizen::signup_form).post(citizen::signup),
        )
        .route("/mine-opgaver", get(citizen::tasks))
        .route("/mine-opgaver/{seat}/{action}", post(citizen::answer))
        .route(
            "/min-profil",
            get(citizen::profile).post(citizen::save_profile),
        )
        .route("/min-profil/slet", post(citizen::delete_profile))
        .fallback(web::not_found)
        .layer(from_fn_with_state(state.clone(), web::invalidate_on_post))
        .layer(from_fn_with_state(state.clone(), csrf::check))
        .layer(from_fn_with_state(state.clone(), web::error_pages))
        .layer(from_fn(web::security_headers))
        .with_state(state)
}

/// The state for a portal on `store`, seeded with the demo municipality (moved to `today`) if
/// the store is empty. Refuses a store holding another municipality: that one must plug in its
/// own [`Authenticator`] (the demo login exists only on demo data).
pub async fn demo_state(
    store: DynStore,
    today: NaiveDate,
    public_base_url: &str,
) -> Result<Shared, Box<dyn std::error::Error>> {
    let ds = seed::korsbaek(today)?;
    seed::seed_if_empty(&store, &ds).await?;
    if !seed::is_demo(&store).await? {
        return Err("the database holds a real municipality: the demo login is only available on demo data; embed the portal with your own Authenticator".into());
    }
    let registry = seed::registry(&ds)?;
    state_with(store, &ds, registry, public_base_url)
}

/// The state over a store already holding `ds`, with the demo login of `ds` and `registry`.
pub fn state_with(
    store: DynStore,
    ds: &valghalla::core::testkit::generator::Dataset,
    registry: valghalla::core::testkit::FakeRegistry,
    public_base_url: &str,
) -> Result<Shared, Box<dyn std::error::Error>> {
    let auth: Arc<dyn Authenticator> = Arc::new(seed::demo_authenticator(ds)?);
    let svc = Valghalla::new(store, Arc::new(registry)).with_config(Config {
        public_base_url: public_base_url.to_owned(),
    });
    Ok(Arc::new(AppState {
        svc,
        auth,
        sessions: Sessions::default(),
        cache: PageCache::default(),
    }))
}
