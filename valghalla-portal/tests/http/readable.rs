//! Danish that reads well, on the pages: counts in the right number, shares that add up to
//! 100 %, charts with their numbers beside them, links in full, printouts for election day, and
//! no write control where the viewer may not write.

use axum::http::StatusCode;
use valghalla::core::model::LinkKind;

use super::common::{Browser, admin, portal};

/// The cells of column `col` (0-based) of the table with id `id`.
fn column(body: &str, id: &str, col: usize) -> Vec<String> {
    let start = body.find(&format!("id=\"{id}\"")).expect("the table");
    let table = &body[start..start + body[start..].find("</table>").expect("its end")];
    let tbody = &table[table.find("<tbody>").expect("tbody")..];
    tbody
        .split("<tr>")
        .skip(1)
        .filter_map(|row| {
            row.split("<td")
                .nth(col + 1)
                .and_then(|c| c.split('>').nth(1))
                .and_then(|c| c.split('<').next())
                .map(str::to_owned)
        })
        .collect()
}

#[tokio::test]
async fn the_parties_shares_add_up_to_a_hundred_percent_and_one_is_singular() {
    let p = portal().await;
    let mut b = Browser::login(&p, "admin").await;
    let page = b
        .get(&format!("/sekretariat/valg/{}/oversigt", p.ds.election.id))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let shares = column(&page.body, "andele", 2);
    assert!(shares.len() > 2, "{shares:?}");
    let permille: u32 = shares
        .iter()
        .map(|s| {
            s.trim_end_matches(" %")
                .replace(',', "")
                .parse::<u32>()
                .expect("a share like 9,2 %")
        })
        .sum();
    assert_eq!(permille, 1000, "{shares:?}");
    // A station with one vacant seat says so in the singular; no count says "1 ledige".
    assert!(page.body.contains(">1 ledig<"), "a singular count is shown");
    for wrong in [">1 ledige<", ">1 ubesvarede<", ">1 accepterede<"] {
        assert!(!page.body.contains(wrong), "{wrong}");
    }
}

#[tokio::test]
async fn the_overview_and_the_party_page_show_charts_with_their_numbers() {
    let p = portal().await;
    let mut b = Browser::login(&p, "admin").await;
    let overview = b
        .get(&format!("/sekretariat/valg/{}/oversigt", p.ds.election.id))
        .await;
    let mut party = Browser::login(&p, "partisekretaer").await;
    let team = party.get(&format!("/parti/{}", p.ds.teams[0].id)).await;
    assert_eq!(team.status, StatusCode::OK);
    for page in [&overview.body, &team.body] {
        for (id, title, caption) in [
            ("graf-partier", "Bemanding pr. parti", "Pladser pr. parti"),
            (
                "graf-valgsteder",
                "Bemanding pr. valgsted",
                "Pladser pr. valgsted",
            ),
            (
                "graf-tilmeldinger",
                "Tilmeldinger over tid",
                "Tilmeldinger pr. dag",
            ),
        ] {
            assert!(page.contains(&format!(
                "<svg class=\"chart\" id=\"{id}\" role=\"img\" aria-labelledby=\"{id}-titel {id}-beskrivelse\""
            )));
            assert!(page.contains(&format!("<title id=\"{id}-titel\">{title} – ")));
            assert!(page.contains(&format!("<desc id=\"{id}-beskrivelse\">")));
            assert!(page.contains(&format!("<caption>{caption}</caption>")));
        }
        assert!(!page.contains("<script>"), "charts without scripts");
    }
    // The party's page shows its own party only.
    assert!(
        team.body
            .contains(&format!("<th scope=\"row\">{}</th>", p.ds.teams[0].name))
    );
    assert!(
        !team
            .body
            .contains(&format!("<th scope=\"row\">{}</th>", p.ds.teams[1].name))
    );
}

#[tokio::test]
async fn links_are_shown_in_full_in_a_field_to_copy_from() {
    let p = portal().await;
    let link = p
        .svc
        .create_link(
            &admin(),
            LinkKind::Team {
                team: p.ds.teams[0].id,
            },
        )
        .await
        .expect("a link");
    let mut b = Browser::login(&p, "admin").await;
    let page = b.get("/sekretariat/links").await;
    let url = format!("http://test/link/{}", link.token.as_str());
    assert!(
        page.body.contains(&format!(
            "class=\"url\" id=\"link-{}\" value=\"{url}\" readonly>",
            link.id
        )),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn a_station_printout_lists_its_staff_with_hours_phone_and_diets() {
    let p = portal().await;
    let e = p.ds.election.id;
    // The station with the most accepted people.
    let mut best = None;
    for l in &p.ds.work_locations {
        let staff = p
            .svc
            .location_staff(&admin(), e, l.id)
            .await
            .expect("staff");
        let n: usize = staff.iter().map(|d| d.people.len()).sum();
        if best.as_ref().is_none_or(|(m, _, _)| n > *m) {
            best = Some((n, l.id, staff));
        }
    }
    let (n, loc, staff) = best.expect("a station");
    assert!(n > 0, "the demo has accepted staff");
    let mut b = Browser::login(&p, "admin").await;
    let page = b.get(&format!("/udskrift/valgsted/{loc}?valg={e}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for h in ["Navn", "Opgave", "Tid", "Telefon", "Specialkost"] {
        assert!(
            page.body.contains(&format!("<th scope=\"col\">{h}</th>")),
            "{h}"
        );
    }
    let sections = page.body.matches("<section class=\"print-page\"").count();
    assert_eq!(sections, staff.len(), "a page per day");
    for person in staff.iter().flat_map(|d| &d.people) {
        let row = format!(
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
            person.name,
            person.task_type,
            person.hours,
            person.mobile.clone().unwrap_or_default(),
            person.special_diets.join(", ")
        );
        assert!(page.body.contains(&row), "{row}");
        assert!(!person.hours.is_empty());
    }
    // A citizen may not print a station's staff.
    let mut citizen = Browser::login(&p, "borger1").await;
    let r = citizen
        .get(&format!("/udskrift/valgsted/{loc}?valg={e}"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_party_printout_lists_its_people_and_places_for_its_secretary_only() {
    let p = portal().await;
    let e = p.ds.election.id;
    let (own, other) = (p.ds.teams[0].id, p.ds.teams[1].id);
    let members = p.svc.team_members(&admin(), own).await.expect("members");
    let mut b = Browser::login(&p, "partisekretaer").await;
    let page = b.get(&format!("/udskrift/parti/{own}?valg={e}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for m in &members {
        assert!(page.body.contains(&m.name), "{}", m.name);
        for s in &m.seats {
            assert!(page.body.contains(&format!(
                "<td>{}</td><td>{}</td><td>{}</td>",
                s.work_location,
                s.task_type,
                s.date.format("%d.%m.%Y")
            )));
        }
    }
    let r = b.get(&format!("/udskrift/parti/{other}?valg={e}")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_reader_sees_no_write_control_on_any_secretariat_page() {
    let p = portal().await;
    let e = p.ds.election.id;
    let loc = p.ds.work_locations[0].id;
    let someone = p.ds.participants[5].id;
    let mut b = Browser::login(&p, "laeser").await;
    for path in [
        "/sekretariat".to_owned(),
        format!("/sekretariat/valg/{e}/oversigt"),
        format!("/sekretariat/valg/{e}/fordeling/{loc}"),
        format!("/sekretariat/valg/{e}/valgsted/{loc}"),
        format!("/sekretariat/valg/{e}/deltagerliste"),
        "/sekretariat/deltagere".to_owned(),
        format!("/sekretariat/deltagere/{someone}"),
        "/sekretariat/stamdata".to_owned(),
        "/sekretariat/links".to_owned(),
        "/sekretariat/log".to_owned(),
        "/sekretariat/kommunikation".to_owned(),
        "/sekretariat/drift".to_owned(),
        format!("/udskrift/valgsted/{loc}?valg={e}"),
    ] {
        let r = b.get(&path).await;
        let writes: Vec<&str> = r
            .body
            .split("<form")
            .skip(1)
            .filter(|f| f.contains("method=\"post\"") && !f.contains("action=\"/logout\""))
            .collect();
        assert!(
            r.status != StatusCode::OK || writes.is_empty(),
            "{path}: a reader sees {} write control(s)",
            writes.len()
        );
    }
}
