//! A station's seats and their holders, filtered by team, task type, date and state from the
//! URL's query and a page at a time, and the secretariat's seat commands: invite, answer on
//! the holder's behalf, remove, make a link to one seat.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, RawQuery};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use valghalla::core::ids::{ElectionId, ParticipantId, SeatId, TeamId, WorkLocationId};
use valghalla::core::model::{LinkKind, SeatStatus, SlotKey};
use valghalla::core::rules::Answer;
use valghalla::core::service::{Paged, ParticipantFilter};

use super::seat_filters::{FilterForm, States, seat_filter};
use crate::state::{PortalState, Tenant};
use crate::web::guard::safe_back;
use crate::web::paging::{Paging, requested_page};
use crate::web::views::{done, short_date, status_class, status_da};
use crate::web::{AppError, Choice, FormData, FormErrors, Layout, Me, render};

/// Seats on a page.
const PER_PAGE: usize = 100;

/// The filter fields that make sense on one station's page.
const STATION_FIELDS: [&str; 4] = ["team", "opgavetype", "dato", "status"];

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/sekretariat/valg/{id}/valgsted/{location}", get(station))
        .route("/sekretariat/pladser/{seat}/inviter", post(invite))
        .route("/sekretariat/pladser/{seat}/svar", post(answer))
        .route("/sekretariat/pladser/{seat}/fjern", post(remove))
        .route("/sekretariat/pladser/{seat}/link", post(seat_link))
}

struct SeatView {
    id: SeatId,
    task_type: String,
    team: String,
    date: String,
    status: &'static str,
    class: &'static str,
    vacant: bool,
    invited: bool,
    holder: Option<(ParticipantId, String)>,
    members: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "sekretariat/valgsted.html")]
struct StationPage {
    layout: Layout,
    election_title: String,
    location_title: String,
    admin: bool,
    seats: Vec<SeatView>,
    filters: FilterForm,
    errors: FormErrors,
    paging: Paging,
    /// This page without a filter.
    path: String,
    back_field: String,
    /// This page, for the invite list's way back.
    back_path: String,
    print_href: String,
}

/// GET /sekretariat/valg/{id}/valgsted/{location}?team=&opgavetype=&dato=&status=&side=: the
/// seats at a station the filter selects, and their holders.
pub async fn station(
    state: Tenant,
    me: Me,
    Path((election, location)): Path<(ElectionId, WorkLocationId)>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    let e = state.svc.election(actor, election).await?;
    let form = FormData::from_query(query.as_deref());
    let mut errors = FormErrors::none();
    let (mut filter, mut filters) =
        seat_filter(&state, &me, &e, &form, States::All, &mut errors).await?;
    filters.fields.retain(|f| STATION_FIELDS.contains(&f.name));
    errors
        .0
        .retain(|(f, _)| STATION_FIELDS.contains(&f.as_str()));
    filter.areas.clear();
    filter.work_locations = [location].into();
    let ov = state.svc.overview(actor, election, &filter).await?;
    let (area, loc) = ov
        .areas
        .iter()
        .flat_map(|a| a.locations.iter().map(move |l| (a.area, l)))
        .find(|(_, l)| l.work_location == location)
        .map(|(a, l)| (Some(a), Some(l.clone())))
        .unwrap_or_default();
    let title = match &loc {
        Some(l) => l.title.clone(),
        None => state
            .svc
            .work_locations(actor)
            .await?
            .into_iter()
            .find(|l| l.id == location)
            .map(|l| l.title.to_string())
            .ok_or(AppError::NotFound)?,
    };
    let holders: BTreeMap<SeatId, (ParticipantId, String)> = state
        .svc
        .participant_list(
            actor,
            election,
            &ParticipantFilter {
                work_locations: [location].into(),
                ..Default::default()
            },
        )
        .await?
        .into_iter()
        .map(|r| (r.seat, (r.participant, r.name)))
        .collect();
    let admin = me.0.is_admin();
    let mut members: BTreeMap<TeamId, Vec<Choice>> = BTreeMap::new();
    let mut seats = Vec::new();
    for row in loc.map(|l| l.rows).unwrap_or_default() {
        let slot = SlotKey {
            election,
            work_location: location,
            task_type: row.task_type,
            team: row.team,
            date: row.date,
        };
        if admin && !members.contains_key(&row.team) {
            let list = state
                .svc
                .team_members(actor, row.team)
                .await?
                .into_iter()
                .map(|m| Choice {
                    value: m.participant.to_string(),
                    label: m.name,
                    selected: false,
                })
                .collect();
            members.insert(row.team, list);
        }
        for s in state.svc.slot_seats(actor, slot).await? {
            let status = s.state.status();
            if area.is_some_and(|a| !filter.matches(a, &s.slot, status)) {
                continue;
            }
            seats.push(SeatView {
                id: s.id,
                task_type: row.task_type_title.clone(),
                team: row.team_name.clone(),
                date: short_date(row.date),
                status: status_da(status),
                class: status_class(status),
                vacant: status == SeatStatus::Vacant,
                invited: status == SeatStatus::Invited,
                holder: holders.get(&s.id).cloned(),
                members: if status == SeatStatus::Vacant {
                    members.get(&row.team).cloned().unwrap_or_default()
                } else {
                    vec![]
                },
            });
        }
    }
    let path = format!("/sekretariat/valg/{election}/valgsted/{location}");
    let seats = Paged::of(seats, requested_page(&form), PER_PAGE);
    let page = StationPage {
        layout: me.0.layout(format!("Pladser – {title}")),
        election_title: e.title.to_string(),
        location_title: title,
        admin,
        paging: Paging::of(&path, &form, &seats),
        seats: seats.items,
        filters,
        errors,
        path,
        print_href: format!("/udskrift/valgsted/{location}?valg={election}"),
        back_field: format!(
            r#"<input type="hidden" name="tilbage" value="/sekretariat/valg/{election}/valgsted/{location}">"#
        ),
        back_path: format!("/sekretariat/valg/{election}/valgsted/{location}"),
    };
    render(&page)
}

/// Where a seat command returns to: the station page it came from.
fn back(form: &FormData) -> String {
    safe_back(form.get("tilbage"), "/sekretariat/", "/sekretariat")
}

/// POST /sekretariat/pladser/{seat}/inviter: invites a participant.
pub async fn invite(
    state: Tenant,
    me: Me,
    Path(seat): Path<SeatId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let p: ParticipantId = form.parse("deltager")?;
    state.svc.invite(&me.0.actor, seat, p).await?;
    done(&me.0, &back(&form), "Invitationen er sendt.").await
}

/// POST /sekretariat/pladser/{seat}/svar: answers on the holder's behalf.
pub async fn answer(
    state: Tenant,
    me: Me,
    Path(seat): Path<SeatId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let answer = match form.get("svar") {
        "ja" => Answer::Accept,
        "nej" => Answer::Decline,
        _ => return Err(AppError::BadRequest),
    };
    state
        .svc
        .answer_on_behalf(&me.0.actor, seat, answer, None)
        .await?;
    done(&me.0, &back(&form), "Svaret er registreret.").await
}

/// POST /sekretariat/pladser/{seat}/fjern: removes the holder.
pub async fn remove(
    state: Tenant,
    me: Me,
    Path(seat): Path<SeatId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    state.svc.remove_from_seat(&me.0.actor, seat).await?;
    done(&me.0, &back(&form), "Personen er fjernet fra pladsen.").await
}

/// POST /sekretariat/pladser/{seat}/link: makes a link to one seat.
pub async fn seat_link(
    state: Tenant,
    me: Me,
    Path(seat): Path<SeatId>,
) -> Result<Response, AppError> {
    state
        .svc
        .create_link(&me.0.actor, LinkKind::Seat { seat })
        .await?;
    done(
        &me.0,
        "/sekretariat/links",
        "Linket til pladsen er oprettet.",
    )
    .await
}
