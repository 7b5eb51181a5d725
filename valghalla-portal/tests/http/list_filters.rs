//! The secretariat's seat lists filtered from the URL: the participant list, its download, the
//! overview and a station's seats narrow by area, station, team, task type, date and state; the
//! filter survives in the page links and the download link, and the download holds every row
//! the filter selects (not only the page shown); a value the election does not have is shown
//! at its field; the lists are the secretariat's. And the overview and the distribution grid
//! warn about a board outside the law, with a link that opens where it is fixed.

use std::collections::BTreeSet;

use axum::body::{Body, to_bytes};
use axum::http::StatusCode;
use tower::ServiceExt;
use valghalla::core::exchange::read_csv;
use valghalla::core::model::{SeatStatus, SlotKey};
use valghalla::core::service::{OverviewFilter, ParticipantFilter};

use super::common::{Browser, Portal, admin, portal};

/// An `href` as the page has it, unescaped.
fn href_of(body: &str, id: &str, text: &str) -> String {
    let at = body.find(&format!("id=\"{id}\"")).expect("the element");
    let rest = &body[at..];
    let end = rest.find(&format!(">{text}</a>")).expect("the link");
    let start = rest[..end].rfind("href=\"").expect("its href") + "href=\"".len();
    let href = &rest[start..end];
    href[..href.find('"').expect("the href's end")]
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

/// The number in `<p id="antal">N …`.
fn count_of(body: &str) -> usize {
    let at = body.find("id=\"antal\">").expect("the count") + "id=\"antal\">".len();
    body[at..]
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a number")
}

fn table_rows(body: &str) -> usize {
    let start = body.find("<tbody>").expect("a table");
    let end = body[start..].find("</tbody>").expect("its end") + start;
    body[start..end].matches("<tr>").count()
}

async fn csv_rows(b: &mut Browser, path: &str) -> Vec<Vec<String>> {
    let req = b.request("GET", path).body(Body::empty()).expect("request");
    let res = b.app.clone().oneshot(req).await.expect("infallible");
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    let bytes = to_bytes(res.into_body(), usize::MAX).await.expect("body");
    read_csv(&bytes)
        .expect("csv")
        .rows
        .into_iter()
        .map(|r| r.cells)
        .collect()
}

/// The team with the most rows in the participant list (so a filter on it has rows to show).
async fn busiest_team(p: &Portal) -> valghalla::core::ids::TeamId {
    let all = p
        .svc
        .participant_list(&admin(), p.ds.election.id, &ParticipantFilter::default())
        .await
        .unwrap();
    p.ds.teams
        .iter()
        .max_by_key(|t| all.iter().filter(|r| r.team == t.name.as_str()).count())
        .expect("a team")
        .id
}

#[tokio::test]
async fn a_filter_narrows_the_participant_list_and_the_download_holds_every_row_it_selects() {
    let p = portal().await;
    let e = p.ds.election.id;
    let team = busiest_team(&p).await;
    let all = p
        .svc
        .participant_list(&admin(), e, &ParticipantFilter::default())
        .await
        .unwrap();
    let filter = ParticipantFilter {
        teams: [team].into(),
        statuses: [SeatStatus::Accepted].into(),
        ..Default::default()
    };
    let expected = p.svc.participant_list(&admin(), e, &filter).await.unwrap();
    assert!(
        !expected.is_empty() && expected.len() < all.len(),
        "the filter narrows: {} of {}",
        expected.len(),
        all.len()
    );
    let mut a = Browser::login(&p, "admin").await;
    let list = format!(
        "/sekretariat/valg/{e}/deltagerliste?kolonne=name&kolonne=team&team={team}&status=accepteret"
    );
    let page = a.get(&list).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        count_of(&page.body),
        expected.len(),
        "the count is the filtered rows'"
    );
    assert_eq!(table_rows(&page.body), expected.len().min(100));
    // The URL round-trips: the filter is shown back, selected.
    assert!(
        page.body
            .contains(&format!("<option value=\"{team}\" selected>")),
        "the team is selected"
    );
    assert!(page.body.contains("<option value=\"accepteret\" selected>"));
    // The download link carries the same filter and holds every filtered row.
    let link = href_of(&page.body, "hent-viste", "CSV");
    assert!(link.contains(&format!("team={team}")), "{link}");
    assert!(link.contains("status=accepteret"), "{link}");
    let rows = csv_rows(&mut a, &link).await;
    let mut got: Vec<(String, String)> = rows
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    let mut want: Vec<(String, String)> = expected
        .iter()
        .map(|r| (r.name.clone(), r.team.clone()))
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want, "the file is the filtered list, every row");
}

#[tokio::test]
async fn a_long_list_is_paged_and_the_page_links_keep_the_filter() {
    let p = portal().await;
    let e = p.ds.election.id;
    let all = p
        .svc
        .participant_list(&admin(), e, &ParticipantFilter::default())
        .await
        .unwrap();
    assert!(
        all.len() > 100,
        "the demo has more than a page of rows ({})",
        all.len()
    );
    let mut a = Browser::login(&p, "admin").await;
    let first = a
        .get(&format!("/sekretariat/valg/{e}/deltagerliste?kolonne=name"))
        .await;
    assert_eq!(table_rows(&first.body), 100);
    assert_eq!(count_of(&first.body), all.len());
    let next = href_of(&first.body, "antal", "Næste side");
    assert!(
        next.contains("kolonne=name") && next.ends_with("side=2"),
        "{next}"
    );
    // The pages together are the list, each row once.
    let mut names = Vec::new();
    let mut page = first;
    let mut seen = 1;
    loop {
        let start = page.body.find("<tbody>").unwrap();
        let end = page.body[start..].find("</tbody>").unwrap() + start;
        names.extend(
            page.body[start..end]
                .split("<td>")
                .skip(1)
                .map(|c| c.split("</td>").next().unwrap_or("").to_owned()),
        );
        if !page.body.contains("rel=\"next\"") {
            break;
        }
        let next = href_of(&page.body, "antal", "Næste side");
        page = a.get(&next).await;
        seen += 1;
        assert!(page.body.contains(&format!("side {seen} af")), "{next}");
    }
    assert_eq!(names.len(), all.len(), "every row on some page");
    // The download is every row, whichever page it is asked from.
    let second = a
        .get(&format!(
            "/sekretariat/valg/{e}/deltagerliste?kolonne=name&side=2"
        ))
        .await;
    let link = href_of(&second.body, "hent-viste", "CSV");
    assert!(!link.contains("side="), "{link}");
    assert_eq!(csv_rows(&mut a, &link).await.len(), all.len());
}

#[tokio::test]
async fn a_filter_value_the_election_does_not_have_is_shown_at_its_field() {
    let p = portal().await;
    let e = p.ds.election.id;
    let station = p.ds.election.work_locations.iter().next().copied().unwrap();
    let mut a = Browser::login(&p, "admin").await;
    let list = format!("/sekretariat/valg/{e}/deltagerliste");
    for (query, field, says) in [
        ("team=ikke-et-team", "team", "Vælg et team fra listen"),
        ("omraade=0", "omraade", "Vælg et område fra listen"),
        ("status=ledig", "status", "Vælg en status fra listen"),
        ("dato=igaar", "dato", "åååå-mm-dd"),
        (
            "dato=1999-01-01",
            "dato",
            "01.01.1999 er ikke en dag i valgets periode",
        ),
    ] {
        let r = a.get(&format!("{list}?{query}")).await;
        assert_eq!(r.status, StatusCode::OK, "{query}");
        assert!(
            r.body.contains(&format!("href=\"#{field}\"")),
            "{query}: {}",
            r.body
        );
        assert!(r.body.contains(says), "{query}");
        assert!(
            r.body
                .contains(&format!("aria-describedby=\"{field}-fejl\"")),
            "{query}"
        );
    }
    // A download asked with a bad value goes back to the list, which says what is wrong.
    let r = a
        .get(&format!(
            "/sekretariat/valg/{e}/eksport/deltagerliste?team=x&kolonne=name&format=csv"
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("{list}?team=x&kolonne=name"));
    let back = a.get(r.location()).await;
    assert!(back.body.contains("href=\"#team\""));
    // The overview and a station's page say so too, instead of failing.
    let r = a
        .get(&format!("/sekretariat/valg/{e}/oversigt?valgsted=x&dato=2"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("href=\"#valgsted\"") && r.body.contains("href=\"#dato\""));
    let r = a
        .get(&format!(
            "/sekretariat/valg/{e}/valgsted/{station}?status=halv"
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("href=\"#status\""), "{}", r.body);
}

#[tokio::test]
async fn the_overview_and_a_station_page_narrow_to_the_filter() {
    let p = portal().await;
    let e = p.ds.election.id;
    // A station with vacant and other seats, and another, as the overview names them.
    let ov = p
        .svc
        .overview(&admin(), e, &OverviewFilter::default())
        .await
        .unwrap();
    let stations: Vec<_> = ov.areas.iter().flat_map(|a| &a.locations).collect();
    let one = *stations
        .iter()
        .find(|l| l.totals.vacant > 0 && l.totals.vacant < l.totals.seats)
        .expect("a station with some seats vacant");
    let other = *stations
        .iter()
        .find(|l| l.work_location != one.work_location)
        .expect("another station");
    let mut reader = Browser::login(&p, "laeser").await;
    let r = reader
        .get(&format!(
            "/sekretariat/valg/{e}/oversigt?valgsted={}",
            one.work_location
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains(&format!("<h3>{}</h3>", one.title)),
        "{}",
        r.body
    );
    assert!(!r.body.contains(&format!("<h3>{}</h3>", other.title)));
    let all = reader.get(&format!("/sekretariat/valg/{e}/oversigt")).await;
    assert!(
        all.body.contains(&format!("<h3>{}</h3>", other.title))
            || all.body.contains(&format!("<td>{}</td>", other.title))
    );
    // Only the vacant seats of a station.
    let vacant = p
        .svc
        .overview(
            &admin(),
            e,
            &OverviewFilter {
                work_locations: [one.work_location].into(),
                statuses: [SeatStatus::Vacant].into(),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .totals
        .seats as usize;
    let every = p
        .svc
        .overview(
            &admin(),
            e,
            &OverviewFilter {
                work_locations: [one.work_location].into(),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .totals
        .seats as usize;
    assert!(vacant > 0 && vacant < every, "{vacant} of {every}");
    let mut a = Browser::login(&p, "admin").await;
    let page = format!("/sekretariat/valg/{e}/valgsted/{}", one.work_location);
    let r = a.get(&format!("{page}?status=ledig")).await;
    assert_eq!(count_of(&r.body), vacant);
    assert!(!r.body.contains(">Accepteret</span>"), "only vacant seats");
    assert!(r.body.contains("<option value=\"ledig\" selected>"));
    assert_eq!(count_of(&a.get(&page).await.body), every);
}

#[tokio::test]
async fn the_filtered_lists_are_the_secretariats() {
    let p = portal().await;
    let e = p.ds.election.id;
    let team = p.ds.teams[0].id;
    let station = p.ds.election.work_locations.iter().next().copied().unwrap();
    let list = format!("/sekretariat/valg/{e}/deltagerliste?team={team}&status=accepteret");
    let file = format!("/sekretariat/valg/{e}/eksport/deltagerliste?team={team}&format=csv");
    let overview = format!("/sekretariat/valg/{e}/oversigt?team={team}&status=ledig");
    let seats = format!("/sekretariat/valg/{e}/valgsted/{station}?team={team}");
    let mut anonymous = Browser::new(&p);
    for path in [&list, &file, &overview, &seats] {
        assert_eq!(
            anonymous.get(path).await.status,
            StatusCode::SEE_OTHER,
            "{path}"
        );
    }
    for who in ["borger1", "partisekretaer"] {
        let mut b = Browser::login(&p, who).await;
        for path in [&list, &file, &overview, &seats] {
            assert_eq!(
                b.get(path).await.status,
                StatusCode::FORBIDDEN,
                "{who} {path}"
            );
        }
    }
    let mut reader = Browser::login(&p, "laeser").await;
    for path in [&list, &overview, &seats] {
        assert_eq!(
            reader.get(path).await.status,
            StatusCode::OK,
            "reader {path}"
        );
    }
    let r = reader.get(&list).await;
    assert!(
        !r.body.contains("id=\"hent-viste\""),
        "a reader gets no download"
    );
    assert_eq!(reader.get(&file).await.status, StatusCode::FORBIDDEN);
    let mut a = Browser::login(&p, "admin").await;
    for path in [&list, &file, &overview, &seats] {
        assert_eq!(a.get(path).await.status, StatusCode::OK, "admin {path}");
    }
}

#[tokio::test]
async fn a_station_with_four_valgstyrere_is_warned_on_the_overview_and_the_grid() {
    let p = portal().await;
    let e = p.ds.election.id;
    let day = p.ds.election.election_day();
    let station =
        p.ds.work_locations
            .iter()
            .find(|l| l.voting_area.is_some() && p.ds.election.work_locations.contains(&l.id))
            .expect("a polling station");
    let role = |title: &str| {
        p.ds.task_types
            .iter()
            .find(|t| t.title.as_str() == title)
            .expect("the task type")
            .id
    };
    let (vs, vf) = (role("Valgstyrer"), role("Valgstyrerformand"));
    // Empty the board's seats at the station on election day, then save one formand and
    // three valgstyrere: four in all, one too few.
    let board: BTreeSet<_> = [vs, vf].into();
    for s in &p.ds.seats {
        if s.slot.work_location == station.id
            && s.slot.date == day
            && board.contains(&s.slot.task_type)
            && s.state.participant().is_some()
        {
            p.svc.remove_from_seat(&admin(), s.id).await.unwrap();
        }
    }
    let mut cells = Vec::new();
    for (i, team) in station.teams.iter().enumerate() {
        cells.push((day, *team, vs, if i == 0 { 3 } else { 0 }));
        cells.push((day, *team, vf, if i == 0 { 1 } else { 0 }));
    }
    p.svc
        .set_seat_counts(&admin(), e, station.id, &cells)
        .await
        .unwrap();
    let slot = SlotKey {
        election: e,
        work_location: station.id,
        task_type: vs,
        team: *station.teams.iter().next().expect("a team"),
        date: day,
    };
    assert_eq!(p.svc.slot_seats(&admin(), slot).await.unwrap().len(), 3);
    let fix = format!("/sekretariat/valg/{e}/fordeling/{}", station.id);
    let mut a = Browser::login(&p, "admin").await;
    let r = a.get(&format!("/sekretariat/valg/{e}/oversigt")).await;
    assert_eq!(r.status, StatusCode::OK);
    let at = r.body.find("id=\"valgstyrer\"").expect("the warning");
    let warning = &r.body[at..at + r.body[at..].find("</section>").unwrap()];
    let item = warning
        .split("<li>")
        .find(|li| li.contains(station.title.as_str()))
        .expect("the station is warned");
    assert!(item.contains("kun 4 valgstyrere"), "{item}");
    assert!(item.contains(&format!("href=\"{fix}#valgdag\"")), "{item}");
    // The link opens the grid, which says the same and has the election day's table.
    let grid = a.get(&format!("{fix}#valgdag")).await;
    assert_eq!(grid.status, StatusCode::OK);
    assert!(grid.body.contains("kun 4 valgstyrere"), "{}", grid.body);
    assert!(grid.body.contains("id=\"valgdag\""));
    // Filtered to another area, the warning is not about this station.
    let elsewhere =
        p.ds.areas
            .iter()
            .find(|x| {
                x.id != station.area
                    && p.ds
                        .work_locations
                        .iter()
                        .any(|l| l.area == x.id && p.ds.election.work_locations.contains(&l.id))
            })
            .expect("another area");
    let r = a
        .get(&format!(
            "/sekretariat/valg/{e}/oversigt?omraade={}",
            elsewhere.id
        ))
        .await;
    assert!(
        !r.body.contains(&format!("{fix}#valgdag")),
        "only the asked area's stations are warned"
    );
    // A reader sees the warning with a link to look, not to fix.
    let mut reader = Browser::login(&p, "laeser").await;
    let r = reader.get(&format!("/sekretariat/valg/{e}/oversigt")).await;
    assert!(
        r.body
            .contains(&format!("Se fordelingen for {}", station.title))
    );
}
