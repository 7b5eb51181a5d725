//! Downloads: the participant list, payroll, Valg Central and party status as CSV and XLSX.

use axum::body::{Body, to_bytes};
use axum::http::{StatusCode, header};
use tower::ServiceExt;

use super::common::{Browser, Reply, admin, portal};

fn header_of(r: &Reply, name: header::HeaderName) -> &str {
    r.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

async fn download(b: &mut Browser, path: &str) -> (Reply, Vec<u8>) {
    let req = b.request("GET", path).body(Body::empty()).expect("request");
    let res = b.app.clone().oneshot(req).await.expect("infallible");
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = to_bytes(res.into_body(), usize::MAX)
        .await
        .expect("body")
        .to_vec();
    let reply = Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    };
    (reply, bytes)
}

#[tokio::test]
async fn the_participant_list_downloads_as_csv_and_xlsx_with_the_chosen_columns() {
    use valghalla::core::exchange::read_csv;
    let p = portal().await;
    let e = p.ds.election.id;
    let rows = p
        .svc
        .participant_list(&admin(), e, &Default::default())
        .await
        .expect("rows");
    let mut a = Browser::login(&p, "admin").await;
    let page = a.get(&format!("/sekretariat/valg/{e}/deltagerliste")).await;
    assert!(page.body.contains("Hent som CSV"));
    assert!(page.body.contains(&format!(
        "formaction=\"/sekretariat/valg/{e}/eksport/deltagerliste\""
    )));
    let (r, bytes) = download(
        &mut a,
        &format!("/sekretariat/valg/{e}/eksport/deltagerliste?kolonne=name&kolonne=cpr&kolonne=worklocation&format=csv"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        header_of(&r, header::CONTENT_TYPE),
        "text/csv; charset=utf-8"
    );
    assert_eq!(
        header_of(&r, header::CONTENT_DISPOSITION),
        "attachment; filename=\"deltagerliste-folketingsvalg-2026.csv\""
    );
    assert!(bytes.starts_with(b"\xEF\xBB\xBFNavn;CPR-nummer;Arbejdssted\r\n"));
    let table = read_csv(&bytes).expect("csv");
    assert_eq!(table.headers, ["Navn", "CPR-nummer", "Arbejdssted"]);
    assert_eq!(table.rows.len(), rows.len());
    let first = &rows[0];
    let cpr =
        p.ds.participants
            .iter()
            .find(|x| x.id == first.participant)
            .expect("participant")
            .cpr
            .reveal_dashed();
    assert!(
        table
            .rows
            .iter()
            .any(|r| r.cells == [first.name.clone(), cpr.clone(), first.work_location.clone()])
    );
    // The default columns when none are chosen, as on the page.
    let (_, bytes) = download(
        &mut a,
        &format!("/sekretariat/valg/{e}/eksport/deltagerliste"),
    )
    .await;
    let table = read_csv(&bytes).expect("csv");
    assert_eq!(table.headers[0], "Navn");
    assert!(!table.headers.contains(&"CPR-nummer".to_owned()));
    #[cfg(feature = "xlsx")]
    {
        let (r, bytes) = download(
            &mut a,
            &format!("/sekretariat/valg/{e}/eksport/deltagerliste?kolonne=name&kolonne=mobile&format=xlsx"),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(
            header_of(&r, header::CONTENT_TYPE),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert_eq!(
            header_of(&r, header::CONTENT_DISPOSITION),
            "attachment; filename=\"deltagerliste-folketingsvalg-2026.xlsx\""
        );
        let table = valghalla::core::exchange::read_xlsx(&bytes).expect("xlsx");
        assert_eq!(table.headers, ["Navn", "Mobil"]);
        assert_eq!(table.rows.len(), rows.len());
    }
    // Payroll (with CPR numbers only when asked for), Valg Central, party status, the register.
    for (path, disposition, first_header) in [
        (
            "eksport/loenliste?cpr=1",
            "loenliste-folketingsvalg-2026.csv",
            "Navn;CPR-nummer;Dato",
        ),
        (
            "eksport/loenliste",
            "loenliste-folketingsvalg-2026.csv",
            "Navn;Dato",
        ),
        (
            "eksport/valgcentral",
            "valgcentral-folketingsvalg-2026.csv",
            "Rolle;Navn",
        ),
        (
            "eksport/partistatus",
            "partistatus-folketingsvalg-2026.csv",
            "Parti;Bogstav",
        ),
    ] {
        let (r, bytes) = download(&mut a, &format!("/sekretariat/valg/{e}/{path}")).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(
            header_of(&r, header::CONTENT_DISPOSITION),
            format!("attachment; filename=\"{disposition}\"")
        );
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.starts_with(&format!("\u{feff}{first_header}")),
            "{path}: {text:.80}"
        );
    }
    let (r, bytes) = download(&mut a, "/sekretariat/deltagere/eksport?format=csv").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        header_of(&r, header::CONTENT_DISPOSITION),
        "attachment; filename=\"deltagere.csv\""
    );
    assert_eq!(
        read_csv(&bytes).expect("csv").rows.len(),
        p.ds.participants.len()
    );
    // An unknown list or format.
    let (r, _) = download(&mut a, &format!("/sekretariat/valg/{e}/eksport/alt")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let (r, _) = download(
        &mut a,
        &format!("/sekretariat/valg/{e}/eksport/deltagerliste?format=pdf"),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // No link on the page carries a CPR number.
    let page = a
        .get(&format!(
            "/sekretariat/valg/{e}/deltagerliste?kolonne=name&kolonne=cpr"
        ))
        .await;
    assert!(
        page.body.contains(&cpr),
        "the administrator sees it in the table"
    );
    for href in page.body.split("href=\"").skip(1) {
        let href = &href[..href.find('"').unwrap_or(0)];
        for x in &p.ds.participants {
            assert!(!href.contains(&x.cpr.reveal_dashed()) && !href.contains(&x.cpr.reveal()));
        }
    }
}

#[tokio::test]
async fn exports_follow_the_access_policy() {
    let p = portal().await;
    let e = p.ds.election.id;
    let lists = [
        format!("/sekretariat/valg/{e}/eksport/deltagerliste?kolonne=name&kolonne=cpr"),
        format!("/sekretariat/valg/{e}/eksport/loenliste?cpr=1"),
        format!("/sekretariat/valg/{e}/eksport/valgcentral"),
        format!("/sekretariat/valg/{e}/eksport/partistatus"),
        "/sekretariat/deltagere/eksport".to_owned(),
    ];
    let mut anon = Browser::new(&p);
    for l in &lists {
        let (r, _) = download(&mut anon, l).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}");
        assert!(r.location().starts_with("/login?next="));
    }
    for who in ["partisekretaer", "borger1"] {
        let mut b = Browser::login(&p, who).await;
        for l in &lists {
            let (r, _) = download(&mut b, l).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} {l}");
            assert!(header_of(&r, header::CONTENT_DISPOSITION).is_empty());
        }
    }
    // Readers may read, not export, and never get CPR numbers; the party status has none.
    let mut reader = Browser::login(&p, "laeser").await;
    for l in &lists[..3] {
        let (r, _) = download(&mut reader, l).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
    }
    let (r, _) = download(&mut reader, &lists[4]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let (r, bytes) = download(&mut reader, &lists[3]).await;
    assert_eq!(r.status, StatusCode::OK);
    let text = String::from_utf8_lossy(&bytes);
    for x in &p.ds.participants {
        assert!(!text.contains(&x.cpr.reveal_dashed()));
    }
    let page = reader
        .get(&format!("/sekretariat/valg/{e}/deltagerliste"))
        .await;
    assert!(
        !page.body.contains("Hent som CSV"),
        "no buttons for what they may not"
    );
}

#[tokio::test]
async fn a_cell_that_would_run_as_a_formula_is_quoted_in_the_csv() {
    let p = portal().await;
    let e = p.ds.election.id;
    let diet = p
        .svc
        .create_special_diet(
            &admin(),
            valghalla::core::service::SpecialDietDraft {
                title: "=HYPERLINK(\"http://x.invalid\";\"Klik\")".into(),
            },
        )
        .await
        .expect("diet");
    let holder = p
        .svc
        .participant_list(&admin(), e, &Default::default())
        .await
        .expect("rows")[0]
        .clone();
    let view = p
        .svc
        .participant(&admin(), holder.participant)
        .await
        .expect("participant");
    p.svc
        .edit_participant(
            &admin(),
            holder.participant,
            view.participant.contact.clone(),
            [diet.id].into(),
            None,
            None,
        )
        .await
        .expect("edit");
    let mut a = Browser::login(&p, "admin").await;
    let (_, bytes) = download(
        &mut a,
        &format!("/sekretariat/valg/{e}/eksport/deltagerliste?kolonne=name&kolonne=specialdiets"),
    )
    .await;
    let text = String::from_utf8(bytes.clone()).expect("utf-8");
    assert!(
        text.contains(";\"'=HYPERLINK(\"\"http://x.invalid\"\";\"\"Klik\"\")\""),
        "{text:.400}"
    );
    assert!(
        !text.contains(";=") && !text.contains(";\"="),
        "no cell starts a formula"
    );
    // The file reads back as the data it came from.
    let table = valghalla::core::exchange::read_csv(&bytes).expect("csv");
    assert!(
        table
            .rows
            .iter()
            .any(|r| r.cells[1] == "=HYPERLINK(\"http://x.invalid\";\"Klik\")")
    );
}
