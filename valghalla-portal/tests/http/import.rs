//! The import upload: a preview listing every bad row in Danish (line, column, reason) and
//! writing nothing, then confirm; importing the same file again changes nothing; the sample
//! files are offered as templates; only administrators import.

use axum::http::StatusCode;
use valghalla_portal::demo::NEW_CITIZENS;

use super::common::{Browser, admin, portal};

/// Two people the registry knows who are not participants yet, and a row with a CPR number
/// that cannot be one (month 13).
fn file_with_a_bad_row() -> String {
    format!(
        "CPR-nummer;Team;Mobil\n{};A;20304050\n{};A;\n011399-1234;A;\n",
        NEW_CITIZENS[0].0, NEW_CITIZENS[1].0
    )
}

#[tokio::test]
async fn participants_are_previewed_with_every_bad_row_then_imported_once() {
    let p = portal().await;
    let before = p
        .svc
        .search_participants(&admin(), "", usize::MAX)
        .await
        .unwrap()
        .len();
    let mut b = Browser::login(&p, "admin").await;
    let page = b.get("/sekretariat/import").await;
    assert_eq!(page.status, StatusCode::OK);
    let file = file_with_a_bad_row();
    let r = b
        .post_multipart(
            "/sekretariat/import",
            &[("hvad", "deltagere")],
            Some(("fil", "deltagere.csv", file.as_bytes())),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.contains("Forhåndsvisning af deltagere.csv"),
        "{}",
        r.body
    );
    assert!(r.body.contains("<li>2 nye</li>"), "{}", r.body);
    assert!(
        r.body.contains("<td>4</td><td>CPR-nummer</td>"),
        "line 4's CPR column: {}",
        r.body
    );
    assert_eq!(
        p.svc
            .search_participants(&admin(), "", usize::MAX)
            .await
            .unwrap()
            .len(),
        before,
        "a preview imports nothing"
    );
    // Confirm: the good rows are imported.
    let r = b
        .post(
            "/sekretariat/import/bekraeft",
            &[("hvad", "deltagere"), ("fil", &base64_of(file.as_bytes()))],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let flash = b.get(r.location()).await;
    assert!(
        flash
            .body
            .contains("2 nye, 0 opdaterede, 0 uændrede, 1 rækker afvist"),
        "{}",
        flash.body
    );
    assert_eq!(
        p.svc
            .search_participants(&admin(), "", usize::MAX)
            .await
            .unwrap()
            .len(),
        before + 2
    );
    // The same file again: nothing changes.
    let r = b
        .post_multipart(
            "/sekretariat/import",
            &[("hvad", "deltagere")],
            Some(("fil", "deltagere.csv", file.as_bytes())),
        )
        .await;
    assert!(
        r.body.contains("<li>0 nye</li>") && r.body.contains("<li>2 uændrede</li>"),
        "{}",
        r.body
    );
    let r = b
        .post(
            "/sekretariat/import/bekraeft",
            &[("hvad", "deltagere"), ("fil", &base64_of(file.as_bytes()))],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        p.svc
            .search_participants(&admin(), "", usize::MAX)
            .await
            .unwrap()
            .len(),
        before + 2
    );
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[tokio::test]
async fn a_file_without_the_needed_columns_or_no_file_is_shown_at_the_field() {
    let p = portal().await;
    let mut b = Browser::login(&p, "admin").await;
    b.get("/sekretariat/import").await;
    let r = b
        .post_multipart("/sekretariat/import", &[("hvad", "deltagere")], None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("href=\"#fil\""), "{}", r.body);
    let r = b
        .post_multipart(
            "/sekretariat/import",
            &[("hvad", "deltagere")],
            Some(("fil", "forkert.csv", b"Navn;Alder\nAnne;40\n")),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("href=\"#fil\"") && r.body.contains("CPR-nummer"),
        "{}",
        r.body
    );
    let r = b
        .post_multipart(
            "/sekretariat/import",
            &[],
            Some(("fil", "deltagere.csv", file_with_a_bad_row().as_bytes())),
        )
        .await;
    assert!(r.body.contains("href=\"#hvad\""), "{}", r.body);
}

#[tokio::test]
async fn work_locations_are_imported_and_the_templates_are_served() {
    let p = portal().await;
    let mut b = Browser::login(&p, "admin").await;
    b.get("/sekretariat/import").await;
    let area = p.ds.areas[0].name.to_string();
    let file = format!(
        "Titel;Adresse;Postnummer;By;Område;Afstemningsområde\nHallen;Hallvej 2;4000;Korsbæk;{area};40\nIngensteds;Vej 1;4000;By;Findes ikke;41\n"
    );
    let r = b
        .post_multipart(
            "/sekretariat/import",
            &[("hvad", "arbejdssteder")],
            Some(("fil", "arbejdssteder.csv", file.as_bytes())),
        )
        .await;
    assert!(r.body.contains("<li>1 nye</li>"), "{}", r.body);
    assert!(r.body.contains("<td>3</td><td>Område</td>"), "{}", r.body);
    let r = b
        .post(
            "/sekretariat/import/bekraeft",
            &[
                ("hvad", "arbejdssteder"),
                ("fil", &base64_of(file.as_bytes())),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        p.svc
            .work_locations(&admin())
            .await
            .unwrap()
            .iter()
            .any(|l| l.title.as_str() == "Hallen")
    );
    for (file, header) in [
        ("deltagere.csv", "CPR-nummer;Team"),
        ("arbejdssteder.csv", "Titel;Adresse"),
    ] {
        let r = b.get(&format!("/sekretariat/import/skabelon/{file}")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.starts_with(header), "{}", r.body);
        assert!(
            r.headers[axum::http::header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .contains(file)
        );
    }
}

#[tokio::test]
async fn only_administrators_import() {
    let p = portal().await;
    let mut anonymous = Browser::new(&p);
    let r = anonymous.get("/sekretariat/import").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let before = p
        .svc
        .search_participants(&admin(), "", usize::MAX)
        .await
        .unwrap()
        .len();
    let file = file_with_a_bad_row();
    for who in ["laeser", "borger1", "partisekretaer"] {
        let mut b = Browser::login(&p, who).await;
        for page in [
            "/sekretariat/import",
            "/sekretariat/import/skabelon/deltagere.csv",
        ] {
            assert_eq!(
                b.get(page).await.status,
                StatusCode::FORBIDDEN,
                "{who} {page}"
            );
        }
        let r = b
            .post_multipart(
                "/sekretariat/import",
                &[("hvad", "deltagere")],
                Some(("fil", "deltagere.csv", file.as_bytes())),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
        let r = b
            .post(
                "/sekretariat/import/bekraeft",
                &[("hvad", "deltagere"), ("fil", &base64_of(file.as_bytes()))],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
    }
    // An upload without the CSRF token is refused too.
    let mut adm = Browser::login(&p, "admin").await;
    adm.csrf = "forkert".into();
    let r = adm
        .post_multipart(
            "/sekretariat/import",
            &[("hvad", "deltagere")],
            Some(("fil", "deltagere.csv", file.as_bytes())),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        p.svc
            .search_participants(&admin(), "", usize::MAX)
            .await
            .unwrap()
            .len(),
        before
    );
}

#[tokio::test]
async fn an_xlsx_file_is_previewed_and_imported_like_a_csv_file() {
    let p = portal().await;
    let before = p
        .svc
        .search_participants(&admin(), "", usize::MAX)
        .await
        .unwrap()
        .len();
    let csv = file_with_a_bad_row();
    let xlsx = valghalla::core::exchange::read_csv(csv.as_bytes())
        .unwrap()
        .to_xlsx("Deltagere")
        .unwrap();
    let mut b = Browser::login(&p, "admin").await;
    b.get("/sekretariat/import").await;
    let r = b
        .post_multipart(
            "/sekretariat/import",
            &[("hvad", "deltagere")],
            Some(("fil", "deltagere.xlsx", &xlsx)),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<li>2 nye</li>"), "{}", r.body);
    assert!(r.body.contains("<td>CPR-nummer</td>"), "{}", r.body);
    let r = b
        .post(
            "/sekretariat/import/bekraeft",
            &[("hvad", "deltagere"), ("fil", &base64_of(&xlsx))],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        p.svc
            .search_participants(&admin(), "", usize::MAX)
            .await
            .unwrap()
            .len(),
        before + 2
    );
}
