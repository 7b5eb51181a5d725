//! A seat distribution proposed from the council's composition.

use axum::http::StatusCode;
use valghalla::core::model::{SeatState, SlotKey};

use super::common::{Browser, Portal, admin, portal};

use valghalla::core::apportion::Method;
use valghalla::core::apportion::staffing::{
    CouncilGroup, CouncilInput, Roles, StationInput, TieBreak, propose_staffing,
};
use valghalla::core::ids::{TaskTypeId, TeamId, WorkLocationId};
use valghalla::core::model::TeamKind;

/// The party teams and the election's stations in the order the portal lists them.
async fn council_order(p: &Portal) -> (Vec<TeamId>, Vec<WorkLocationId>) {
    let teams = p
        .svc
        .teams(&admin())
        .await
        .expect("teams")
        .into_iter()
        .filter(|t| t.kind == TeamKind::Party)
        .map(|t| t.id)
        .collect();
    let stations = p
        .svc
        .work_locations(&admin())
        .await
        .expect("stations")
        .into_iter()
        .filter(|l| p.ds.election.work_locations.contains(&l.id))
        .map(|l| l.id)
        .collect();
    (teams, stations)
}

fn task_type(p: &Portal, title: &str) -> TaskTypeId {
    p.ds.task_types
        .iter()
        .find(|t| t.title.as_str() == title)
        .expect("task type")
        .id
}

const MEMBERS: [u32; 10] = [9, 7, 5, 3, 2, 1, 0, 0, 0, 0];

/// The council form as a secretary fills it in: `MEMBERS`, 7 valgstyrere and 4 tilforordnede
/// per station, d'Hondt, ties by list order, election day.
async fn council_fields(p: &Portal) -> Vec<(String, String)> {
    let (teams, stations) = council_order(p).await;
    let mut f: Vec<(String, String)> = teams
        .iter()
        .zip(MEMBERS)
        .map(|(t, m)| (format!("medlemmer-{t}"), m.to_string()))
        .collect();
    for l in &stations {
        f.push((format!("vs-{l}"), "7".into()));
        f.push((format!("tf-{l}"), "4".into()));
    }
    for (field, title) in [
        ("formand", "Valgstyrerformand"),
        ("valgstyrer", "Valgstyrer"),
        ("tilforordnet", "Tilforordnet"),
    ] {
        f.push((field.into(), task_type(p, title).to_string()));
    }
    f.push(("metode".into(), "dhondt".into()));
    f.push(("stemmelighed".into(), "raekkefoelge".into()));
    f.push(("dato".into(), p.ds.election.election_day().to_string()));
    f.push(("fra".into(), stations[0].to_string()));
    f
}

fn pairs(f: &[(String, String)]) -> Vec<(&str, &str)> {
    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

fn with(f: &[(String, String)], name: &str, value: &str) -> Vec<(String, String)> {
    f.iter()
        .map(|(k, v)| {
            let v = if k == name { value } else { v.as_str() };
            (k.clone(), v.to_owned())
        })
        .collect()
}

/// The text between `start` and the next `end` ("" when `start` is missing).
fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let Some(at) = body.find(start) else {
        return "";
    };
    let rest = &body[at + start.len()..];
    &rest[..rest.find(end).unwrap_or(0)]
}

fn hidden(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = body.find(&marker).expect("the hidden field") + marker.len();
    body[at..at + body[at..].find('"').expect("end")].to_owned()
}

async fn totals(p: &Portal) -> valghalla::core::service::Counts {
    p.svc
        .overview(&admin(), p.ds.election.id, &Default::default())
        .await
        .expect("overview")
        .totals
}

#[tokio::test]
async fn a_distribution_from_the_council_is_shown_with_its_differences_and_applied_only_when_confirmed()
 {
    let p = portal().await;
    let e = p.ds.election.id;
    let day = p.ds.election.election_day();
    let (teams, stations) = council_order(&p).await;
    let mut b = Browser::login(&p, "admin").await;
    let grid = format!("/sekretariat/valg/{e}/fordeling/{}", stations[0]);
    let page = b.get(&grid).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("Foreslå fordeling ud fra kommunalbestyrelsens sammensætning")
    );
    assert!(page.body.contains(&format!(
        "action=\"/sekretariat/valg/{e}/fordelingsforslag\""
    )));
    // The method is a choice, d'Hondt by default.
    assert!(page.body.contains("<option value=\"dhondt\" selected>"));
    assert!(page.body.contains("<option value=\"sainte-lague\">"));

    let fields = council_fields(&p).await;
    let before = totals(&p).await;
    let roles = Roles {
        formand: task_type(&p, "Valgstyrerformand"),
        valgstyrer: task_type(&p, "Valgstyrer"),
        tilforordnet: task_type(&p, "Tilforordnet"),
    };
    let mut taken_before = std::collections::BTreeMap::new();
    for l in &stations {
        for t in &teams {
            for tt in [roles.formand, roles.valgstyrer, roles.tilforordnet] {
                let slot = SlotKey {
                    election: e,
                    work_location: *l,
                    task_type: tt,
                    team: *t,
                    date: day,
                };
                let seats = p.svc.slot_seats(&admin(), slot).await.expect("seats");
                let taken = seats
                    .iter()
                    .filter(|s| s.state != SeatState::Vacant)
                    .count();
                taken_before.insert((*l, *t, tt), (seats.len() as u32, taken as u32));
            }
        }
    }
    let r = b
        .post(
            &format!("/sekretariat/valg/{e}/fordelingsforslag"),
            &pairs(&fields),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Forslag til fordeling"));
    assert!(r.body.contains("Bekræft og anvend forslaget"));
    assert!(r.body.contains("Sådan er forslaget beregnet"));
    assert!(r.body.contains("Metode: d&#39;Hondt"));
    assert!(r.body.contains("id=\"forslag-totaler\""));
    assert!(r.body.contains("(valgstedet du kom fra)"));
    assert!(r.body.contains("Intet er gemt endnu."));
    assert_eq!(totals(&p).await, before, "a proposal saves nothing");

    // What the core proposes for the same council, by hand.
    let input = CouncilInput {
        groups: teams
            .iter()
            .zip(MEMBERS)
            .map(|(t, m)| CouncilGroup {
                name: t.to_string(),
                members: m,
                alliance: None,
                team: *t,
            })
            .collect(),
        stations: stations
            .iter()
            .map(|l| StationInput {
                work_location: *l,
                valgstyrere: 7,
                tilforordnede: 4,
            })
            .collect(),
        roles,
        method: Method::DHondt,
        rotation: 0,
        tie_break: TieBreak::InputOrder,
    };
    let expected = propose_staffing(&input).expect("a proposal");
    // 12 stations × 7 valgstyrere = 84 under ét; the biggest party's total is on the page.
    let biggest = &expected.totals[0];
    assert!(r.body.contains(&format!(
        "<td class=\"num\">{}</td><td class=\"num\">{}</td>",
        biggest.valgstyrere, biggest.formaend
    )));

    let key = hidden(&r.body, "noegle");
    let r = b
        .post(
            &format!("/sekretariat/valg/{e}/fordelingsforslag/bekraeft"),
            &[("noegle", key.as_str()), ("fra", &stations[0].to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), grid);
    for c in &expected.cells {
        let slot = SlotKey {
            election: e,
            work_location: c.work_location,
            task_type: c.task_type,
            team: c.team,
            date: day,
        };
        let now = p.svc.slot_seats(&admin(), slot).await.expect("seats").len() as u32;
        let (_, taken) = taken_before[&(c.work_location, c.team, c.task_type)];
        assert_eq!(
            now,
            c.count.max(taken),
            "taken seats are kept, the rest follows"
        );
    }
    // The grid shows the new numbers.
    let page = b.get(&grid).await;
    assert!(
        page.body
            .contains("Fordelingsforslaget er anvendt på 12 valgsteder")
    );
    for t in &teams {
        let c = expected
            .cells
            .iter()
            .find(|c| {
                c.work_location == stations[0] && c.team == *t && c.task_type == roles.formand
            })
            .expect("a cell");
        let (_, taken) = taken_before[&(stations[0], *t, roles.formand)];
        let name = format!("n_{day}_{t}_{}", roles.formand);
        assert!(
            page.body
                .contains(&format!("name=\"{name}\" value=\"{}\"", c.count.max(taken))),
            "{name}"
        );
    }
    // The numbers entered are kept for next time.
    assert!(
        page.body
            .contains(&format!("name=\"medlemmer-{}\" value=\"9\"", teams[0]))
    );
    // The proposal is used up.
    let r = b
        .post(
            &format!("/sekretariat/valg/{e}/fordelingsforslag/bekraeft"),
            &[("noegle", key.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_bad_council_input_is_shown_next_to_the_field_and_nothing_is_proposed() {
    let p = portal().await;
    let e = p.ds.election.id;
    let (teams, stations) = council_order(&p).await;
    let mut b = Browser::login(&p, "admin").await;
    b.get(&format!("/sekretariat/valg/{e}/fordelingsforslag"))
        .await;
    let fields = council_fields(&p).await;
    let before = totals(&p).await;
    let bad = with(&fields, &format!("medlemmer-{}", teams[0]), "mange");
    let bad = with(&bad, &format!("medlemmer-{}", teams[1]), "-3");
    let bad = with(&bad, &format!("vs-{}", stations[0]), "11");
    let bad = with(&bad, &format!("tf-{}", stations[1]), "x");
    let url = format!("/sekretariat/valg/{e}/fordelingsforslag");
    let r = b.post(&url, &pairs(&bad)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Der er fejl i formularen"));
    assert!(r.body.contains("Intet er gemt."));
    assert!(!r.body.contains("Bekræft og anvend forslaget"));
    for (field, text) in [
        (
            format!("medlemmer-{}", teams[0]),
            "angiv antal medlemmer som et helt tal",
        ),
        (
            format!("medlemmer-{}", teams[1]),
            "antallet kan ikke være negativt.",
        ),
        (
            format!("vs-{}", stations[0]),
            "angiv et helt tal fra 5 til 9",
        ),
        (
            format!("tf-{}", stations[1]),
            "angiv et helt tal fra 0 til 500.",
        ),
    ] {
        let summary = between(&r.body, &format!("href=\"#{field}\">"), "</a>");
        let next_to = between(&r.body, &format!("id=\"{field}-fejl\">"), "</p>");
        assert!(summary.contains(text), "{field}: {summary}");
        assert_eq!(summary, next_to);
        assert!(r.body.contains(&format!("id=\"{field}\" name=\"{field}\"")));
    }
    // The summary says which party or station a message is about.
    let name = |t: TeamId| {
        p.ds.teams
            .iter()
            .find(|x| x.id == t)
            .map(|x| x.name.to_string())
            .unwrap_or_default()
    };
    assert!(r.body.contains(&format!(
        "{}: antallet kan ikke være negativt.",
        name(teams[1])
    )));
    // What was typed stays in the fields.
    assert!(r.body.contains("value=\"mange\""));
    // A council without members, and the same task type for two roles.
    let empty: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| {
            let v = if k.starts_with("medlemmer-") {
                "0"
            } else {
                v.as_str()
            };
            (k.clone(), v.to_owned())
        })
        .collect();
    let r = b.post(&url, &pairs(&empty)).await;
    assert!(r.body.contains("Angiv mindst ét parti med medlemmer"));
    let same = with(
        &fields,
        "valgstyrer",
        &task_type(&p, "Valgstyrerformand").to_string(),
    );
    let r = b.post(&url, &pairs(&same)).await;
    assert!(r.body.contains(
        "href=\"#formand\">Formand, valgstyrer og tilforordnet skal være tre forskellige"
    ));
    // Nothing was saved and there is nothing to confirm.
    assert_eq!(totals(&p).await, before);
    let r = b.post(&format!("{url}/bekraeft"), &[("noegle", "x")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // A confirm form from an older page does not apply the newer proposal.
    let r = b.post(&url, &pairs(&fields)).await;
    assert!(r.body.contains("Bekræft og anvend forslaget"));
    let r = b
        .post(
            &format!("{url}/bekraeft"),
            &[("noegle", "et-gammelt-forslag")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("erstattet af et nyere forslag"));
    assert_eq!(totals(&p).await, before);
}

#[tokio::test]
async fn only_secretariat_administrators_may_propose_a_distribution() {
    let p = portal().await;
    let e = p.ds.election.id;
    let loc = p.ds.work_locations[0].id;
    let url = format!("/sekretariat/valg/{e}/fordelingsforslag");
    let fields = council_fields(&p).await;
    let before = totals(&p).await;
    let mut anon = Browser::new(&p);
    let r = anon.get(&url).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/login?next="));
    for who in ["laeser", "partisekretaer", "borger1"] {
        let mut b = Browser::login(&p, who).await;
        assert_eq!(b.get(&url).await.status, StatusCode::FORBIDDEN, "{who}");
        let r = b.post(&url, &pairs(&fields)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
        let r = b.post(&format!("{url}/bekraeft"), &[("noegle", "x")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
    }
    // A reader sees the grid, but not the form to propose.
    let mut reader = Browser::login(&p, "laeser").await;
    let grid = reader
        .get(&format!("/sekretariat/valg/{e}/fordeling/{loc}"))
        .await;
    assert_eq!(grid.status, StatusCode::OK);
    assert!(!grid.body.contains("raadsforslag-form"));
    // An administrator without the form's CSRF token changes nothing either.
    let mut a = Browser::login(&p, "admin").await;
    let r = a.post_raw(&url, &pairs(&fields)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = a.post(&url, &pairs(&fields)).await;
    let key = hidden(&r.body, "noegle");
    let r = a
        .post_raw(
            &format!("{url}/bekraeft"),
            &[("csrf", "forkert"), ("noegle", key.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(totals(&p).await, before, "nothing applied");
}
