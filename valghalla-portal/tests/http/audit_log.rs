//! The audit log's search: by who, what, subject and day, paged, kept in the URL; bad dates
//! shown at their fields; for the secretariat only.

use axum::http::StatusCode;

use super::common::{Browser, portal};

#[tokio::test]
async fn the_audit_log_is_searched_by_who_what_subject_and_day_and_paged() {
    let p = portal().await;
    let mut b = Browser::login(&p, "admin").await;
    // Something to find: an area created by the demo administrator.
    b.get("/sekretariat/stamdata").await;
    let r = b
        .post(
            "/sekretariat/stamdata/omraade",
            &[("omraade-navn", "Logområde")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let all = b.get("/sekretariat/log").await;
    assert_eq!(all.status, StatusCode::OK);
    let total = |body: &str| -> usize {
        let at = body.find("<p id=\"antal\">").unwrap() + "<p id=\"antal\">".len();
        body[at..]
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let everything = total(&all.body);
    assert!(
        everything > 50,
        "the demo's seeding is logged: {everything}"
    );
    assert!(all.body.contains("Næste side"), "more than one page");
    let found = b
        .get("/sekretariat/log?hvem=sekretariat-admin&handling=oprettet&emne=area")
        .await;
    assert_eq!(total(&found.body), 1, "{}", found.body);
    assert!(found.body.contains("<td>Område</td>") && found.body.contains("<td>Oprettet</td>"));
    assert!(
        found.body.contains("selected>Område</option>"),
        "the search is shown back"
    );
    // A day long ago finds nothing; a bad date is shown at its field.
    let none = b.get("/sekretariat/log?til=2000-01-01").await;
    assert_eq!(total(&none.body), 0);
    let bad = b.get("/sekretariat/log?fra=igaar").await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(bad.body.contains("href=\"#fra\""), "{}", bad.body);
    // The second page links back to the first, keeping the search (one that finds everything).
    let second = b.get("/sekretariat/log?fra=2000-01-01&side=2").await;
    assert!(second.body.contains("side 2 af"), "{}", second.body);
    assert!(
        second
            .body
            .contains("href=\"/sekretariat/log?fra=2000-01-01&#38;side=1\""),
        "{}",
        second.body
    );
    // A page past the end (a bookmark of a list that shrank) is the last page.
    let past = b.get("/sekretariat/log?handling=oprettet&side=999").await;
    let pages = past.body.split("side ").nth(1).unwrap_or("").to_owned();
    let (n, of) = pages.split_once(" af ").expect("side N af M");
    let of: String = of.chars().take_while(char::is_ascii_digit).collect();
    assert_eq!(n, of, "the last page: side {n} af {of}");
    assert!(
        past.body.contains("<td>Oprettet</td>"),
        "its rows are shown"
    );
}
