//! Issue 19, the secretariat's seat pages: create a new person from a vacant seat and invite
//! them (T2), move a person to another seat, move vacant seats between teams, remove a member
//! from a team (T12), and the declined invitations on the dashboard. Each page: administrators
//! act, readers see no write controls and are refused on POST, party secretaries, citizens and
//! anonymous visitors are refused; bad input is shown at its field and nothing is saved.

use axum::http::StatusCode;
use valghalla::core::ids::{ParticipantId, SeatId};
use valghalla::core::model::{Record, RecordKind, SeatState, SlotKey};
use valghalla::core::store::Query;
use valghalla_portal::demo;

use super::common::{Browser, Portal, admin, portal, seat_of_team, slot_value};

/// Every seat and participant as stored, and the outbox's length: what "nothing changed" means.
async fn snapshot(p: &Portal) -> String {
    let mut out = Vec::new();
    for kind in [
        RecordKind::Seat,
        RecordKind::Participant,
        RecordKind::Rejection,
    ] {
        let mut rows: Vec<String> = p
            .store
            .query(&Query::All(kind))
            .await
            .unwrap()
            .into_iter()
            .map(|v| format!("{} {:?}", v.version, v.value))
            .collect();
        rows.sort();
        out.extend(rows);
    }
    out.push(
        p.store
            .outbox(&Default::default())
            .await
            .unwrap()
            .len()
            .to_string(),
    );
    out.join("\n")
}

async fn seat_state(p: &Portal, seat: SeatId) -> SeatState {
    match p
        .store
        .get(valghalla::core::model::RecordKey::Seat(seat))
        .await
        .unwrap()
        .map(|v| v.value)
    {
        Some(Record::Seat(s)) => s.state,
        other => panic!("no seat: {other:?}"),
    }
}

/// Readers, party secretaries and citizens get 403 on `get` and on every post; anonymous
/// visitors are sent to log in; nothing changes.
async fn refused_to_all_but_administrators(
    p: &Portal,
    get: &str,
    posts: &[(&str, Vec<(&str, &str)>)],
) {
    let before = snapshot(p).await;
    for who in ["laeser", "partisekretaer", "borger1"] {
        let mut b = Browser::login(p, who).await;
        assert_eq!(
            b.get(get).await.status,
            StatusCode::FORBIDDEN,
            "{who} GET {get}"
        );
        for (path, fields) in posts {
            let r = b.post(path, fields).await;
            assert_eq!(
                r.status,
                StatusCode::FORBIDDEN,
                "{who} POST {path}: {}",
                r.body
            );
        }
    }
    let mut anonymous = Browser::new(p);
    let r = anonymous.get(get).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "anonymous GET {get}");
    assert!(r.location().starts_with("/login?next="));
    anonymous.get("/login").await; // a CSRF token, so the refusal is not only CSRF's
    for (path, fields) in posts {
        let r = anonymous.post(path, fields).await;
        assert!(
            r.status == StatusCode::SEE_OTHER && r.location().starts_with("/login")
                || r.status == StatusCode::FORBIDDEN,
            "anonymous POST {path}: {} {}",
            r.status,
            r.location()
        );
    }
    assert_eq!(snapshot(p).await, before, "nothing changed");
}

/// People free for `seat`, found the way the invite list finds them.
async fn free_for(p: &Portal, seat: SeatId) -> Vec<ParticipantId> {
    p.svc
        .invite_candidates(&admin(), seat, "", usize::MAX)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.free)
        .map(|c| c.participant)
        .collect()
}

/// A person free for `seat`.
async fn someone_free_for(p: &Portal, seat: SeatId) -> ParticipantId {
    *free_for(p, seat).await.first().expect("someone free")
}

/// A person free for both seats.
async fn someone_free_for_both(p: &Portal, a: SeatId, b: SeatId) -> ParticipantId {
    let second = free_for(p, b).await;
    free_for(p, a)
        .await
        .into_iter()
        .find(|p_| second.contains(p_))
        .expect("someone free for both")
}

#[tokio::test]
async fn the_secretariat_creates_a_new_person_from_a_vacant_seat_and_invites_them() {
    let p = portal().await;
    let (_, seat) = seat_of_team(&p, 0);
    let e = p.ds.election.id;
    let loc =
        p.ds.seats
            .iter()
            .find(|s| s.id == seat)
            .unwrap()
            .slot
            .work_location;
    let station = format!("/sekretariat/valg/{e}/valgsted/{loc}");
    let page = format!("/sekretariat/pladser/{seat}/ny-deltager");
    let mut b = Browser::login(&p, "admin").await;
    let r = b.get(&station).await;
    assert!(
        r.body
            .contains(&format!("href=\"{page}?tilbage={station}\"")),
        "linked from the station"
    );
    let r = b.get(&format!("{page}?tilbage={station}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("name=\"cpr\""));
    // Bad input: shown at the field, nothing saved.
    let before = snapshot(&p).await;
    for (cpr, mobile, field) in [
        ("12345", "", "cpr"),
        ("0101904321", "ikke et nummer", "mobil"),
        // Already a participant: the core says the CPR number is taken.
        (&*p.ds.participants[0].cpr.reveal(), "", "cpr"),
        // Not in the registry.
        ("0202020202", "", "cpr"),
    ] {
        let r = b
            .post(
                &page,
                &[("cpr", cpr), ("mobil", mobile), ("tilbage", &station)],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{cpr}: {}", r.body);
        assert!(
            r.body.contains(&format!("href=\"#{field}\"")),
            "{cpr}: {}",
            r.body
        );
        assert!(
            !r.body.contains(cpr) || cpr == "12345",
            "the CPR number is not shown back"
        );
    }
    assert_eq!(snapshot(&p).await, before, "nothing saved");
    // A new person from the registry: created, invited, and the CPR number never shown.
    let (cpr, first, last) = demo::NEW_CITIZENS[0];
    let r = b
        .post(
            &page,
            &[
                ("cpr", cpr),
                ("email", "agnes@example.dk"),
                ("tilbage", &station),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), station);
    assert!(!r.location().contains(cpr));
    let next = b.get(&station).await;
    assert!(
        next.body
            .contains(&format!("{first} {last} er oprettet og inviteret")),
        "{}",
        next.body
    );
    assert!(!next.body.contains(cpr) && !next.body.contains(&cpr[..6]));
    let who = p
        .svc
        .participant_for_login(&valghalla::core::cpr::Cpr::parse(cpr).unwrap())
        .await
        .unwrap()
        .expect("created");
    assert!(
        matches!(seat_state(&p, seat).await, SeatState::Invited { participant, .. } if participant == who)
    );
    // The seat is taken now: the same flow for another new person is refused, nothing created.
    let before = snapshot(&p).await;
    let r = b.post(&page, &[("cpr", demo::NEW_CITIZENS[1].0)]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("href=\"#cpr\""), "{}", r.body);
    assert_eq!(snapshot(&p).await, before);
}

#[tokio::test]
async fn only_administrators_create_and_invite() {
    let p = portal().await;
    let (_, seat) = seat_of_team(&p, 0);
    let page = format!("/sekretariat/pladser/{seat}/ny-deltager");
    refused_to_all_but_administrators(
        &p,
        &page,
        &[(&page, vec![("cpr", demo::NEW_CITIZENS[0].0)])],
    )
    .await;
    // The reader's station page offers none of the seat actions.
    let loc =
        p.ds.seats
            .iter()
            .find(|s| s.id == seat)
            .unwrap()
            .slot
            .work_location;
    let mut reader = Browser::login(&p, "laeser").await;
    let r = reader
        .get(&format!(
            "/sekretariat/valg/{}/valgsted/{loc}",
            p.ds.election.id
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    for control in [
        "/ny-deltager",
        "/flyt",
        "/flyt-ledige",
        "method=\"post\" action=\"/sekretariat/pladser",
    ] {
        assert!(!r.body.contains(control), "a reader sees no {control}");
    }
}

#[tokio::test]
async fn the_secretariat_moves_a_person_to_another_seat_and_a_refusal_changes_nothing() {
    let p = portal().await;
    let (_, from) = seat_of_team(&p, 0);
    let (_, to) = seat_of_team(&p, 1);
    let who = someone_free_for_both(&p, from, to).await;
    p.svc.invite(&admin(), from, who).await.unwrap();
    let back = format!("/sekretariat/deltagere/{who}");
    let page = format!("/sekretariat/pladser/{from}/flyt");
    let mut b = Browser::login(&p, "admin").await;
    let person = b.get(&back).await;
    assert!(
        person
            .body
            .contains(&format!("href=\"{page}?tilbage={back}\"")),
        "linked from the participant page"
    );
    // Every station of the election: each vacant slot is listed, free or with its reasons.
    let r = b.get(&format!("{page}?valgsted=&tilbage={back}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("name=\"til\""), "{}", r.body);
    // Bad input: no seat chosen, a seat someone holds, an unknown seat.
    let held =
        p.ds.seats
            .iter()
            .find(|s| {
                s.state.status() == valghalla::core::model::SeatStatus::Accepted
                    && s.slot.election == p.ds.election.id
            })
            .unwrap()
            .id
            .to_string();
    let before = snapshot(&p).await;
    for til in ["", held.as_str(), "ikke-en-plads"] {
        let r = b.post(&page, &[("til", til), ("tilbage", &back)]).await;
        assert_eq!(r.status, StatusCode::OK, "{til}");
        assert!(r.body.contains("href=\"#til\""), "{til}: {}", r.body);
        assert!(r.body.contains("id=\"til-fejl\""), "{til}");
    }
    assert_eq!(snapshot(&p).await, before, "nothing changed");
    // The move: the person is invited to the new seat, the old one is vacant again.
    let r = b
        .post(&page, &[("til", &to.to_string()), ("tilbage", &back)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), back);
    assert_eq!(seat_state(&p, from).await, SeatState::Vacant);
    assert!(
        matches!(seat_state(&p, to).await, SeatState::Invited { participant, .. } if participant == who)
    );
    assert!(b.get(&back).await.body.contains("er flyttet til"));
}

#[tokio::test]
async fn only_administrators_move_people() {
    let p = portal().await;
    let (_, from) = seat_of_team(&p, 0);
    let (_, to) = seat_of_team(&p, 1);
    let who = someone_free_for(&p, from).await;
    p.svc.invite(&admin(), from, who).await.unwrap();
    let page = format!("/sekretariat/pladser/{from}/flyt");
    let to = to.to_string();
    refused_to_all_but_administrators(&p, &page, &[(&page, vec![("til", to.as_str())])]).await;
    let mut reader = Browser::login(&p, "laeser").await;
    let r = reader.get(&format!("/sekretariat/deltagere/{who}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("/flyt"), "a reader moves no one");
    assert!(
        !r.body.contains("/medlem/"),
        "a reader removes no one from a team"
    );
}

#[tokio::test]
async fn the_secretariat_moves_vacant_seats_between_teams() {
    let p = portal().await;
    let (slot, _) = seat_of_team(&p, 0);
    let e = slot.election;
    let loc = slot.work_location;
    let page = format!("/sekretariat/valg/{e}/valgsted/{loc}/flyt-ledige");
    let vacant = |seats: Vec<valghalla::core::model::Seat>| {
        seats
            .iter()
            .filter(|s| s.state == SeatState::Vacant)
            .count() as u32
    };
    let slots = p.svc.slot_seats(&admin(), slot).await.unwrap();
    let have = vacant(slots);
    let target =
        p.ds.work_locations
            .iter()
            .find(|l| l.id == loc)
            .unwrap()
            .teams
            .iter()
            .copied()
            .find(|t| *t != slot.team)
            .expect("another team at the station");
    let to_slot = SlotKey {
        team: target,
        ..slot
    };
    let had = vacant(p.svc.slot_seats(&admin(), to_slot).await.unwrap());
    let mut b = Browser::login(&p, "admin").await;
    for linked_from in [
        format!("/sekretariat/valg/{e}/valgsted/{loc}"),
        format!("/sekretariat/valg/{e}/fordeling/{loc}"),
    ] {
        assert!(
            b.get(&linked_from)
                .await
                .body
                .contains(&format!("href=\"{page}\"")),
            "{linked_from}"
        );
    }
    let r = b.get(&page).await;
    assert_eq!(r.status, StatusCode::OK);
    let fra = slot_value(&slot);
    assert!(r.body.contains(&fra), "the row is offered");
    let t = target.to_string();
    let same = slot.team.to_string();
    let too_many = (have + 1).to_string();
    let before = snapshot(&p).await;
    for (fields, field) in [
        (
            vec![
                ("fra", fra.as_str()),
                ("til", t.as_str()),
                ("antal", "mange"),
            ],
            "antal",
        ),
        (
            vec![("fra", fra.as_str()), ("til", t.as_str()), ("antal", "0")],
            "antal",
        ),
        (
            vec![
                ("fra", fra.as_str()),
                ("til", t.as_str()),
                ("antal", too_many.as_str()),
            ],
            "antal",
        ),
        (
            vec![
                ("fra", fra.as_str()),
                ("til", same.as_str()),
                ("antal", "1"),
            ],
            "til",
        ),
        (
            vec![("fra", "noget"), ("til", t.as_str()), ("antal", "1")],
            "fra",
        ),
    ] {
        let r = b.post(&page, &fields).await;
        assert_eq!(r.status, StatusCode::OK, "{fields:?}");
        assert!(
            r.body.contains(&format!("href=\"#{field}\"")),
            "{fields:?}: {}",
            r.body
        );
    }
    assert_eq!(snapshot(&p).await, before, "nothing moved");
    let r = b
        .post(&page, &[("fra", &fra), ("til", &t), ("antal", "1")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.location(),
        format!("/sekretariat/valg/{e}/valgsted/{loc}")
    );
    assert!(
        b.get(r.location())
            .await
            .body
            .contains("1 ledig plads er flyttet.")
    );
    assert_eq!(
        vacant(p.svc.slot_seats(&admin(), slot).await.unwrap()),
        have - 1
    );
    assert_eq!(
        vacant(p.svc.slot_seats(&admin(), to_slot).await.unwrap()),
        had + 1
    );
}

#[tokio::test]
async fn only_administrators_move_vacant_seats() {
    let p = portal().await;
    let (slot, _) = seat_of_team(&p, 0);
    let page = format!(
        "/sekretariat/valg/{}/valgsted/{}/flyt-ledige",
        slot.election, slot.work_location
    );
    let fra = slot_value(&slot);
    let t = p.ds.teams[1].id.to_string();
    refused_to_all_but_administrators(
        &p,
        &page,
        &[(
            &page,
            vec![("fra", fra.as_str()), ("til", t.as_str()), ("antal", "1")],
        )],
    )
    .await;
    let mut reader = Browser::login(&p, "laeser").await;
    let grid = reader
        .get(&format!(
            "/sekretariat/valg/{}/fordeling/{}",
            slot.election, slot.work_location
        ))
        .await;
    assert_eq!(grid.status, StatusCode::OK);
    assert!(!grid.body.contains("/flyt-ledige"));
}

#[tokio::test]
async fn the_secretariat_removes_a_member_from_a_team_after_confirming() {
    let p = portal().await;
    let (_, seat) = seat_of_team(&p, 0);
    let who = someone_free_for(&p, seat).await;
    p.svc.invite(&admin(), seat, who).await.unwrap();
    let team = p.ds.seats.iter().find(|s| s.id == seat).unwrap().slot.team;
    // A second team, so removing them from the first one does not delete them.
    let view = p.svc.participant(&admin(), who).await.unwrap();
    let mut teams = view.participant.teams.clone();
    let other =
        p.ds.teams
            .iter()
            .map(|t| t.id)
            .find(|t| !teams.contains(t))
            .unwrap();
    teams.insert(other);
    p.svc
        .edit_participant(
            &admin(),
            who,
            view.participant.contact.clone(),
            view.participant.special_diets.clone(),
            Some(teams),
            None,
        )
        .await
        .unwrap();
    let page = format!("/sekretariat/deltagere/{who}");
    let action = format!("{page}/medlem/{team}/fjern");
    let mut b = Browser::login(&p, "admin").await;
    assert!(
        b.get(&page)
            .await
            .body
            .contains(&format!("action=\"{action}\""))
    );
    // Asked first; nothing changes until confirmed.
    let before = snapshot(&p).await;
    let r = b.post(&action, &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("Vil du fjerne personen fra holdet?"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains(&format!("href=\"{page}\">Fortryd</a>")),
        "{}",
        r.body
    );
    assert_eq!(snapshot(&p).await, before);
    // A team they are not in: refused at the teams, nothing changed.
    let stranger =
        p.ds.teams
            .iter()
            .map(|t| t.id)
            .find(|t| *t != team && *t != other)
            .unwrap();
    let r = b
        .post(
            &format!("{page}/medlem/{stranger}/fjern"),
            &[("bekraeft", "ja")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("href=\"#hold\""), "{}", r.body);
    assert_eq!(snapshot(&p).await, before);
    let r = b.post(&action, &[("bekraeft", "ja")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), page);
    assert_eq!(seat_state(&p, seat).await, SeatState::Vacant);
    let after = p.svc.participant(&admin(), who).await.unwrap().participant;
    assert!(!after.teams.contains(&team) && after.teams.contains(&other));
}

#[tokio::test]
async fn only_administrators_remove_members_from_the_secretariats_pages() {
    let p = portal().await;
    let who = p.ds.participants[5].id;
    let team = p.ds.participants[5].teams.iter().next().copied().unwrap();
    let page = format!("/sekretariat/deltagere/{who}");
    let action = format!("{page}/medlem/{team}/fjern");
    let before = snapshot(&p).await;
    for login in ["laeser", "partisekretaer", "borger1"] {
        let mut b = Browser::login(&p, login).await;
        b.get("/login").await;
        let r = b.post(&action, &[("bekraeft", "ja")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{login}: {}", r.body);
    }
    let mut anonymous = Browser::new(&p);
    anonymous.get("/login").await;
    let r = anonymous.post(&action, &[("bekraeft", "ja")]).await;
    assert_ne!(r.status, StatusCode::OK);
    assert!(!r.location().starts_with(&page));
    assert_eq!(snapshot(&p).await, before);
}

#[tokio::test]
async fn declined_invitations_are_on_the_dashboard() {
    let p = portal().await;
    let (_, seat) = seat_of_team(&p, 0);
    let who = someone_free_for(&p, seat).await;
    p.svc.invite(&admin(), seat, who).await.unwrap();
    p.svc
        .answer_on_behalf(
            &admin(),
            seat,
            valghalla::core::rules::Answer::Decline,
            None,
        )
        .await
        .unwrap();
    let name = p
        .svc
        .participant(&admin(), who)
        .await
        .unwrap()
        .participant
        .full_name();
    let mut b = Browser::login(&p, "laeser").await;
    let r = b
        .get(&format!(
            "/sekretariat/valg/{}/opmaerksomhed",
            p.ds.election.id
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let section = &r.body[r.body.find("id=\"afslag\"").expect("the section")..];
    assert!(section.contains(&name), "{section}");
    assert!(section.contains(&format!("/sekretariat/deltagere/{who}")));
}
