//! Election day through HTTP: every page's authorisation for every role (the station's
//! check-in page, the secretariat's board, the reserve sign-up and take pages), and a no-show's
//! seat offered and taken through the forms, with the links in the messages opening served
//! pages.

use std::sync::Arc;

use axum::http::StatusCode;
use chrono::NaiveTime;
use valghalla::core::ids::{ParticipantId, WorkLocationId};
use valghalla::core::memory::MemoryStore;
use valghalla::core::messages::MessageKind;
use valghalla::core::model::{Record, SeatState, SeatStatus};
use valghalla::core::store::{DynStore, OutboxMessage};
use valghalla::core::testkit::FixedClock;
use valghalla::core::time::local_instant;
use valghalla_portal::{PortalState, Sessions, demo, router};

use super::common::{Browser, Portal, test_config};

/// The demo portal on election morning (08:00 in Copenhagen): seeded today, its service's
/// clock then moved to election day.
async fn election_morning() -> Portal {
    let config = test_config();
    let today = demo::today();
    let store: DynStore = Arc::new(MemoryStore::new());
    demo::tenant(Arc::clone(&store), today, &config.public_base_url)
        .await
        .expect("demo tenant");
    let ds = demo::korsbaek(today).expect("dataset");
    let morning = local_instant(
        ds.election.election_day(),
        NaiveTime::from_hms_opt(8, 0, 0).expect("time"),
    );
    let svc = demo::service(
        Arc::clone(&store),
        demo::registry(&ds).expect("registry"),
        &config.public_base_url,
    )
    .with_clock(Arc::new(FixedClock::at(morning)));
    let tenant = demo::tenant_with(svc, &ds).expect("tenant");
    let state = PortalState::single(config, tenant.clone(), Sessions::memory());
    Portal {
        svc: tenant.service().clone(),
        store,
        app: router(state.clone()),
        state,
        tenant,
        ds,
    }
}

/// The station the demo's work-location responsible runs, and one they do not.
fn stations(p: &Portal) -> (WorkLocationId, WorkLocationId, ParticipantId) {
    let mine =
        p.ds.work_locations
            .iter()
            .find(|l| !l.responsibles.is_empty())
            .expect("a station with a responsible");
    let who = *mine.responsibles.iter().next().expect("responsible");
    let other =
        p.ds.work_locations
            .iter()
            .find(|l| !l.responsibles.contains(&who) && !chairs(p, who, l.id))
            .expect("a station they do not run");
    (mine.id, other.id, who)
}

/// Whether `who` holds the chair's seat at `station` on election day in the demo data.
fn chairs(p: &Portal, who: ParticipantId, station: WorkLocationId) -> bool {
    let chair =
        p.ds.task_types
            .iter()
            .find(|t| t.chairs_station())
            .map(|t| t.id);
    p.ds.seats.iter().any(|s| {
        s.slot.work_location == station
            && s.slot.date == p.ds.election.election_day()
            && Some(s.slot.task_type) == chair
            && matches!(s.state, SeatState::Accepted { participant, .. } if participant == who)
    })
}

/// An accepted seat at `station` on election day and its holder, as stored now.
async fn held_seat(p: &Portal, station: WorkLocationId) -> (String, ParticipantId) {
    let seats = p
        .store
        .query(&valghalla::core::store::Query::SeatsAtLocation {
            election: p.ds.election.id,
            work_location: station,
        })
        .await
        .expect("seats");
    let mut held: Vec<(String, ParticipantId)> = seats
        .into_iter()
        .filter_map(|v| match v.value {
            Record::Seat(s) if s.slot.date == p.ds.election.election_day() => match s.state {
                SeatState::Accepted { participant, .. } => Some((s.id.to_string(), participant)),
                _ => None,
            },
            _ => None,
        })
        .collect();
    held.sort();
    held.into_iter()
        .next()
        .expect("an accepted seat at the station on election day")
}

fn seat_id(r: &Record) -> valghalla::core::ids::SeatId {
    match r {
        Record::Seat(s) => s.id,
        other => panic!("not a seat: {other:?}"),
    }
}

fn day(p: &Portal) -> String {
    p.ds.election.election_day().format("%Y-%m-%d").to_string()
}

async fn messages_of(p: &Portal, kind: MessageKind) -> Vec<OutboxMessage> {
    p.store
        .outbox(&Default::default())
        .await
        .expect("outbox")
        .into_iter()
        .filter(|m| m.kind == kind)
        .collect()
}

/// The path of a message's link (the test portal's base URL is `http://test`).
fn path_of(m: &OutboxMessage) -> String {
    m.facts["invitation"]
        .strip_prefix("http://test")
        .expect("a link to the portal")
        .to_owned()
}

#[tokio::test]
async fn every_election_day_page_is_authorised_for_every_role() {
    let p = election_morning().await;
    let e = p.ds.election.id;
    let (mine, other, _) = stations(&p);
    let date = day(&p);
    let station = |l: WorkLocationId| format!("/valgdag/{e}/{l}?dato={date}");
    let board = format!("/sekretariat/valgdag?valg={e}&dato={date}");
    let reserve = format!("/reserve/{e}/{date}");

    // Anonymous: every page but a take link sends them to log in.
    let mut anon = Browser::new(&p);
    for page in [
        "/valgdag".to_owned(),
        station(mine),
        board.clone(),
        reserve.clone(),
    ] {
        let r = anon.get(&page).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{page}");
        assert!(r.location().starts_with("/login?next="), "{page}");
    }

    // What each role gets, page by page.
    let expect = [
        ("admin", [200, 200, 200, 200]),
        ("laeser", [200, 200, 200, 200]),
        ("arbejdssted", [200, 403, 403, 200]),
        ("borger1", [403, 403, 403, 200]),
    ];
    for (who, [own, not_own, secretariat, sign_up]) in expect {
        let mut b = Browser::login(&p, who).await;
        for (page, want) in [
            (station(mine), own),
            (station(other), not_own),
            (board.clone(), secretariat),
            (reserve.clone(), sign_up),
        ] {
            let r = b.get(&page).await;
            assert_eq!(r.status.as_u16(), want, "{who} {page}: {}", r.body);
        }
        assert_eq!(
            b.get("/valgdag").await.status.as_u16(),
            if who == "admin" || who == "laeser" {
                303
            } else {
                200
            },
            "{who} /valgdag"
        );
    }
    // The party secretary sees a station only if they chair it that day.
    let secretary = *p.ds.teams[0].responsibles.keys().next().expect("secretary");
    let mut b = Browser::login(&p, "partisekretaer").await;
    let r = b.get(&station(mine)).await;
    let want = if chairs(&p, secretary, mine) {
        200
    } else {
        403
    };
    assert_eq!(r.status.as_u16(), want);

    // Recording: the station's responsible may, at their station; a reader and a participant
    // may not, and a refused post changes nothing.
    let (seat, holder) = held_seat(&p, mine).await;
    let form = |status: &'static str| {
        vec![
            ("plads", seat.clone()),
            ("deltager", holder.to_string()),
            ("status", status.to_owned()),
            ("dato", date.clone()),
        ]
    };
    let post = |b: &mut Browser, path: String, pairs: Vec<(&'static str, String)>| {
        let mut b = std::mem::replace(b, Browser::new(&p));
        async move {
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let r = b.post(&path, &pairs).await;
            (b, r)
        }
    };
    let record = format!("/valgdag/{e}/{mine}/fremmoede");
    for who in ["laeser", "borger1", "partisekretaer"] {
        if who == "partisekretaer" && chairs(&p, secretary, mine) {
            continue;
        }
        let b = Browser::login(&p, who).await;
        let mut b = b;
        let (_, r) = post(&mut b, record.clone(), form("moedt")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
    }
    assert!(
        p.store
            .query(&valghalla::core::store::Query::All(
                valghalla::core::model::RecordKind::Attendance
            ))
            .await
            .expect("q")
            .is_empty()
    );
    // Offering a seat and taking someone off the reserves: never for a reader or a participant.
    for who in ["laeser", "borger1"] {
        let mut b = Browser::login(&p, who).await;
        let offer = format!("/valgdag/{e}/{mine}/tilbud");
        let r = b.post(&offer, &[("plads", &seat), ("dato", &date)]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} offers");
        let r = b
            .post(
                "/sekretariat/valgdag/reserve/fjern",
                &[
                    ("valg", &e.to_string()),
                    ("dato", &date),
                    ("deltager", &holder.to_string()),
                    ("bekraeft", "ja"),
                ],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "{who} withdraws someone else"
        );
    }
    let mut b = Browser::login(&p, "arbejdssted").await;
    let (mut b, r) = post(&mut b, record.clone(), form("moedt")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = b.get(&station(mine)).await;
    assert!(
        page.body.contains("Fremmødet er registreret."),
        "{}",
        page.body
    );
    assert!(page.body.contains("Mødt"));

    // Signing up as a reserve: a participant through the link; the page says so after.
    let mut b = Browser::login(&p, "borger1").await;
    let r = b.post(&reserve, &[("handling", "tilmeld")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = b.get(&reserve).await;
    assert!(
        page.body.contains("Du er reserve denne dag."),
        "{}",
        page.body
    );
    // … and the secretariat sees them on the board; a reader sees but may not sign anyone up.
    let mut admin = Browser::login(&p, "admin").await;
    assert!(admin.get(&board).await.body.contains("Har taget en plads"));
    let mut reader = Browser::login(&p, "laeser").await;
    let r = reader
        .post(
            "/sekretariat/valgdag/reserve",
            &[
                ("valg", &e.to_string()),
                ("dato", &date),
                ("deltager", &holder.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_no_show_is_offered_to_the_reserves_and_taken_through_the_pages() {
    let p = election_morning().await;
    let e = p.ds.election.id;
    let (mine, _, _) = stations(&p);
    let date = day(&p);
    // Two reserves: borger2 signs up through the link, borger1 is signed up by the secretariat.
    let one_id = demo_participant(&p, "borger1").await;
    let two_id = demo_participant(&p, "borger2").await;
    let (seat, holder) = held_seat(&p, mine).await;
    let mut two = Browser::login(&p, "borger2").await;
    let r = two
        .post(&format!("/reserve/{e}/{date}"), &[("handling", "tilmeld")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut admin = Browser::login(&p, "admin").await;
    let r = admin
        .post(
            "/sekretariat/valgdag/reserve",
            &[
                ("valg", &e.to_string()),
                ("dato", &date),
                ("deltager", &one_id.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    // The secretariat records the no-show and offers the seat with one action.
    let r = admin
        .post(
            &format!("/valgdag/{e}/{mine}/fremmoede"),
            &[
                ("plads", &seat),
                ("deltager", &holder.to_string()),
                ("status", "ikke-moedt"),
                ("dato", &date),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = admin
        .post(
            &format!("/valgdag/{e}/{mine}/tilbud"),
            &[("plads", &seat), ("dato", &date)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = admin.get(&format!("/valgdag/{e}/{mine}?dato={date}")).await;
    assert!(
        page.body.contains("Pladsen er tilbudt dagens reserver"),
        "{}",
        page.body
    );

    // Every offer message's link opens a served page, for anyone holding it.
    let offers = messages_of(&p, MessageKind::SeatOffered).await;
    assert!(offers.len() >= 2, "{offers:?}");
    let mut anon = Browser::new(&p);
    for m in &offers {
        let r = anon.get(&path_of(m)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", path_of(m));
        assert!(r.body.contains("Log ind for at tage pladsen"));
    }
    let forged = format!(
        "/reserve/tilbud/{}/forfalsket",
        path_of(&offers[0]).split('/').nth(3).expect("offer id")
    );
    assert_eq!(anon.get(&forged).await.status, StatusCode::NOT_FOUND);

    // borger2 takes it; borger1 is told it is filled.
    let link_of = |who: ParticipantId| {
        path_of(
            offers
                .iter()
                .find(|m| m.participant == who)
                .expect("their offer"),
        )
    };
    let r = two.post(&link_of(two_id), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/mine-opgaver");
    let mut one = Browser::login(&p, "borger1").await;
    let r = one.post(&link_of(one_id), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = one.get(&link_of(one_id)).await;
    assert!(
        page.body.contains("allerede taget af en anden reserve"),
        "{}",
        page.body
    );
    let filled = messages_of(&p, MessageKind::OfferFilled).await;
    assert!(filled.iter().any(|m| m.participant == one_id));
    for m in &filled {
        let link = m.facts.get("invitation").expect("a link");
        let path = link.strip_prefix("http://test").expect("portal link");
        let r = one.get(path).await;
        assert_ne!(r.status, StatusCode::NOT_FOUND, "{path}");
    }

    // The payroll: the reserve paid and marked, the no-show listed as not arrived.
    let csv = admin
        .get(&format!(
            "/sekretariat/valg/{e}/eksport/loenliste?format=csv"
        ))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains("Fremmøde"), "{}", csv.body);
    assert!(csv.body.contains("Ikke mødt"), "{}", csv.body);
    let rows = p
        .svc
        .participant_list(
            &super::common::admin(),
            e,
            &valghalla::core::service::ParticipantFilter {
                statuses: [SeatStatus::Accepted].into(),
                ..Default::default()
            },
        )
        .await
        .expect("list");
    assert!(
        rows.iter()
            .any(|r| r.seat.to_string() == seat && r.participant == two_id)
    );
}

/// Posts the task type's form with its stored fields and the chair box `chair`.
async fn set_chair(admin: &mut Browser, tt: &valghalla::core::model::TaskType, chair: bool) {
    let url = format!("/sekretariat/stamdata/opgavetype/{}", tt.id);
    let (start, end) = (
        tt.window.start().format("%H:%M").to_string(),
        tt.window.end().format("%H:%M").to_string(),
    );
    let mut form = vec![
        ("opgavetype-navn", tt.title.to_string()),
        ("opgavetype-kort", tt.short_name.to_string()),
        ("opgavetype-start", start),
        ("opgavetype-slut", end),
        ("opgavetype-valgbarhed", "1".to_owned()),
        ("opgavetype-paamindelser", "1".to_owned()),
    ];
    if chair {
        form.push(("opgavetype-formand", "1".to_owned()));
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = admin.post(&url, &pairs).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let shown = admin.get(&url).await.body;
    assert_eq!(
        shown.contains("id=\"opgavetype-formand\" name=\"opgavetype-formand\" value=\"1\" checked"),
        chair,
        "the form shows the stored chair box"
    );
}

#[tokio::test]
async fn the_chair_is_the_task_type_the_secretariat_marks_not_its_title() {
    let p = election_morning().await;
    let e = p.ds.election.id;
    let date = day(&p);
    // borger1 (no responsible) takes an election-day seat of a task type that does not chair.
    let who = demo_participant(&p, "borger1").await;
    let tt =
        p.ds.task_types
            .iter()
            .find(|t| t.title.as_str() == "Tilforordnet")
            .expect("tilforordnet")
            .clone();
    assert!(!tt.chairs_station());
    let seat = p
        .store
        .query(&valghalla::core::store::Query::SeatsOfElection(e))
        .await
        .expect("seats")
        .into_iter()
        .find_map(|v| match v.value {
            Record::Seat(s)
                if s.state == SeatState::Vacant
                    && s.slot.task_type == tt.id
                    && s.slot.date == p.ds.election.election_day() =>
            {
                Some(s)
            }
            _ => None,
        })
        .expect("a vacant tilforordnet seat on election day");
    let admin_actor = super::common::admin();
    p.svc
        .invite(&admin_actor, seat.id, who)
        .await
        .expect("invited");
    p.svc
        .answer_on_behalf(
            &admin_actor,
            seat.id,
            valghalla::core::rules::Answer::Accept,
            None,
        )
        .await
        .expect("accepted");
    let station = format!("/valgdag/{e}/{}?dato={date}", seat.slot.work_location);
    let mut b = Browser::login(&p, "borger1").await;
    assert_eq!(b.get(&station).await.status, StatusCode::FORBIDDEN);

    // The secretariat marks the task type as the chair: its holder runs the station that day.
    let mut admin = Browser::login(&p, "admin").await;
    set_chair(&mut admin, &tt, true).await;
    let r = b.get(&station).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (other_seat, other) = held_seat(&p, seat.slot.work_location).await;
    let r = b
        .post(
            &format!("/valgdag/{e}/{}/fremmoede", seat.slot.work_location),
            &[
                ("plads", &other_seat),
                ("deltager", &other.to_string()),
                ("status", "moedt"),
                ("dato", &date),
            ],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "the chair records: {}",
        r.body
    );

    // … and unmarks it again: the title was never what decided.
    set_chair(&mut admin, &tt, false).await;
    assert_eq!(b.get(&station).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_offer_skips_the_reserves_who_may_not_take_the_seat_and_says_so() {
    let p = election_morning().await;
    let e = p.ds.election.id;
    let (mine, _, _) = stations(&p);
    let date = day(&p);
    let (seat, holder) = held_seat(&p, mine).await;
    let free = demo_participant(&p, "borger1").await;
    // Busy: someone holding another election-day seat at the same station and time.
    let busy = p
        .store
        .query(&valghalla::core::store::Query::SeatsAtLocation {
            election: e,
            work_location: mine,
        })
        .await
        .expect("seats")
        .into_iter()
        .find_map(|v| match v.value {
            Record::Seat(s) if s.slot.date == p.ds.election.election_day() => match s.state {
                SeatState::Accepted { participant, .. } if participant != holder => {
                    Some(participant)
                }
                _ => None,
            },
            _ => None,
        })
        .expect("a second holder at the station");
    let mut admin = Browser::login(&p, "admin").await;
    for who in [free, busy] {
        let r = admin
            .post(
                "/sekretariat/valgdag/reserve",
                &[
                    ("valg", &e.to_string()),
                    ("dato", &date),
                    ("deltager", &who.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    let r = admin
        .post(
            &format!("/valgdag/{e}/{mine}/fremmoede"),
            &[
                ("plads", &seat),
                ("deltager", &holder.to_string()),
                ("status", "ikke-moedt"),
                ("dato", &date),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = admin
        .post(
            &format!("/valgdag/{e}/{mine}/tilbud"),
            &[("plads", &seat), ("dato", &date)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = admin.get(&format!("/valgdag/{e}/{mine}?dato={date}")).await;
    assert!(
        page.body.contains("1 har fået et link")
            && page
                .body
                .contains("1 reserve fik ikke tilbuddet: 1 har en anden opgave på det tidspunkt."),
        "{}",
        page.body
    );
    let offered: Vec<ParticipantId> = messages_of(&p, MessageKind::SeatOffered)
        .await
        .iter()
        .map(|m| m.participant)
        .collect();
    assert_eq!(offered, [free], "the busy reserve gets no take link");
}

/// The participant a demo login `borger1` (accepted a seat) or `borger2` (invited) is: as the
/// demo chooses them, the first holder of such a seat who is no responsible. Their seats are
/// given back first, so they are free to step in as reserves.
async fn demo_participant(p: &Portal, who: &str) -> ParticipantId {
    let want = if who == "borger1" {
        SeatStatus::Accepted
    } else {
        SeatStatus::Invited
    };
    let id =
        p.ds.seats
            .iter()
            .find_map(|s| {
                (s.state.status() == want)
                    .then(|| s.state.participant())
                    .flatten()
                    .filter(|p2| {
                        !p.ds.teams.iter().any(|t| t.responsibles.contains_key(p2))
                            && !p
                                .ds
                                .work_locations
                                .iter()
                                .any(|l| l.responsibles.contains(p2))
                    })
            })
            .expect("the demo citizen");
    let held = p
        .store
        .query(&valghalla::core::store::Query::SeatsOfParticipant(id))
        .await
        .expect("seats");
    for v in held {
        p.svc
            .remove_from_seat(&super::common::admin(), seat_id(&v.value))
            .await
            .expect("seat given back");
    }
    id
}
