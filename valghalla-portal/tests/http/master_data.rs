//! Master data through the pages: every kind's form, for every role; create, edit and delete
//! with the core's refusals shown in Danish at the form; bad input shown at its field with
//! nothing saved.

use axum::http::StatusCode;
use valghalla::core::model::{EligibilityRule, SeatState, TeamKind, Trust};

use super::common::{Browser, Portal, admin, portal};

/// Every master-data page: the list and each kind's new and existing form.
fn pages(p: &Portal) -> Vec<String> {
    let mut out = vec!["/sekretariat/stamdata".to_owned()];
    let existing = [
        ("omraade", p.ds.areas[0].id.to_string()),
        ("valgsted", p.ds.work_locations[0].id.to_string()),
        ("opgavetype", p.ds.task_types[0].id.to_string()),
        ("team", p.ds.teams[0].id.to_string()),
        ("kost", p.ds.special_diets[0].id.to_string()),
        ("valgtype", p.ds.election_type.id.to_string()),
    ];
    for (kind, id) in existing {
        out.push(format!("/sekretariat/stamdata/{kind}/ny"));
        out.push(format!("/sekretariat/stamdata/{kind}/{id}"));
    }
    out
}

#[tokio::test]
async fn master_data_forms_are_for_the_secretariat_and_only_administrators_change_them() {
    let p = portal().await;
    let mut anonymous = Browser::new(&p);
    let mut citizen = Browser::login(&p, "borger1").await;
    let mut secretary = Browser::login(&p, "partisekretaer").await;
    let mut reader = Browser::login(&p, "laeser").await;
    let mut adm = Browser::login(&p, "admin").await;
    for page in pages(&p) {
        let r = anonymous.get(&page).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "anonymous on {page}");
        assert!(r.location().starts_with("/login?next="), "{page}");
        for (who, b) in [
            ("borger1", &mut citizen),
            ("partisekretaer", &mut secretary),
        ] {
            let r = b.get(&page).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} on {page}");
        }
        let r = reader.get(&page).await;
        assert_eq!(r.status, StatusCode::OK, "laeser on {page}");
        assert!(
            !r.body.contains(">Gem</button>") && !r.body.contains(">Slet</button>"),
            "a reader gets no buttons on {page}"
        );
        let r = adm.get(&page).await;
        assert_eq!(r.status, StatusCode::OK, "admin on {page}");
    }
    // Every saving and deleting address refuses all but administrators, and changes nothing.
    let area = p.ds.areas[0].id;
    let before = p.svc.areas(&admin()).await.unwrap();
    for (who, b) in [
        ("laeser", &mut reader),
        ("borger1", &mut citizen),
        ("partisekretaer", &mut secretary),
    ] {
        for path in [
            format!("/sekretariat/stamdata/omraade/{area}"),
            "/sekretariat/stamdata/omraade/ny".to_owned(),
            format!("/sekretariat/stamdata/omraade/{area}/slet"),
            format!("/sekretariat/stamdata/team/{}/slet", p.ds.teams[0].id),
            format!(
                "/sekretariat/stamdata/valgsted/{}/slet",
                p.ds.work_locations[0].id
            ),
        ] {
            let r = b
                .post(&path, &[("omraade-navn", "Kapret"), ("bekraeft", "ja")])
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} posting {path}");
        }
    }
    let r = anonymous
        .post(
            &format!("/sekretariat/stamdata/omraade/{area}"),
            &[("omraade-navn", "Kapret")],
        )
        .await;
    assert_ne!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(p.svc.areas(&admin()).await.unwrap().len(), before.len());
    assert!(
        !p.svc
            .areas(&admin())
            .await
            .unwrap()
            .iter()
            .any(|a| a.name.as_str() == "Kapret")
    );
    assert_eq!(p.svc.teams(&admin()).await.unwrap().len(), p.ds.teams.len());
}

#[tokio::test]
async fn an_area_is_renamed_and_an_empty_name_is_shown_at_its_field() {
    let p = portal().await;
    let mut b = Browser::login(&p, "admin").await;
    let area = &p.ds.areas[0];
    let url = format!("/sekretariat/stamdata/omraade/{}", area.id);
    let form = b.get(&url).await;
    assert!(
        form.body.contains(area.name.as_str()),
        "the stored name is shown"
    );
    let r = b
        .post(
            &url,
            &[("omraade-navn", "  "), ("omraade-beskrivelse", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Der er fejl i formularen"), "{}", r.body);
    assert!(r.body.contains("href=\"#omraade-navn\""));
    assert!(r.body.contains("Intet er gemt"));
    let stored = p.svc.areas(&admin()).await.unwrap();
    assert!(
        stored
            .iter()
            .any(|a| a.id == area.id && a.name == area.name)
    );
    // Another area's name is taken (ignoring case): refused in Danish, nothing saved.
    let other = p.ds.areas[1].name.to_string().to_uppercase();
    let r = b.post(&url, &[("omraade-navn", &other)]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("findes allerede"), "{}", r.body);
    let r = b
        .post(
            &url,
            &[
                ("omraade-navn", "Nordbyen"),
                ("omraade-beskrivelse", "Nord for åen"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let renamed = p.svc.areas(&admin()).await.unwrap();
    let a = renamed.iter().find(|a| a.id == area.id).unwrap();
    assert_eq!(a.name.as_str(), "Nordbyen");
    assert_eq!(a.description, "Nord for åen");
}

#[tokio::test]
async fn an_area_in_use_is_not_deleted_and_the_core_says_why_in_danish() {
    let p = portal().await;
    let mut b = Browser::login(&p, "admin").await;
    let used = p.ds.work_locations[0].area;
    let r = b
        .post(
            &format!("/sekretariat/stamdata/omraade/{used}/slet"),
            &[("bekraeft", "ja")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("har stadig arbejdssteder"), "{}", r.body);
    assert!(
        p.svc
            .areas(&admin())
            .await
            .unwrap()
            .iter()
            .any(|a| a.id == used)
    );
    // A new, unused area goes.
    let r = b
        .post(
            "/sekretariat/stamdata/omraade/ny",
            &[("omraade-navn", "Tomt område")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let new = p
        .svc
        .areas(&admin())
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.name.as_str() == "Tomt område")
        .unwrap();
    let r = b
        .post(
            &format!("/sekretariat/stamdata/omraade/{}/slet", new.id),
            &[("bekraeft", "ja")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        !p.svc
            .areas(&admin())
            .await
            .unwrap()
            .iter()
            .any(|a| a.id == new.id)
    );
}

#[tokio::test]
async fn a_task_type_is_created_and_edited_with_every_field() {
    let p = portal().await;
    let mut b = Browser::login(&p, "admin").await;
    b.get("/sekretariat/stamdata/opgavetype/ny").await;
    let before = p.svc.task_types(&admin()).await.unwrap().len();
    // Bad times and fee: each at its field, nothing saved.
    let r = b
        .post(
            "/sekretariat/stamdata/opgavetype/ny",
            &[
                ("opgavetype-navn", "Fintælling"),
                ("opgavetype-kort", "FT"),
                ("opgavetype-start", "25:99"),
                ("opgavetype-slut", "02:00"),
                ("opgavetype-honorar", "mange"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("href=\"#opgavetype-start\""), "{}", r.body);
    assert!(r.body.contains("href=\"#opgavetype-honorar\""));
    assert!(!r.body.contains("href=\"#opgavetype-slut\""));
    assert_eq!(p.svc.task_types(&admin()).await.unwrap().len(), before);
    let r = b
        .post(
            "/sekretariat/stamdata/opgavetype/ny",
            &[
                ("opgavetype-navn", "Fintælling"),
                ("opgavetype-kort", "FT"),
                ("opgavetype-beskrivelse", "Optælling efter midnat."),
                ("opgavetype-start", "20:00"),
                ("opgavetype-slut", "02:00"),
                ("opgavetype-honorar", "1.250"),
                ("opgavetype-tillid", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let tt = p
        .svc
        .task_types(&admin())
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.title.as_str() == "Fintælling")
        .unwrap();
    assert_eq!(tt.short_name.as_str(), "FT");
    assert_eq!(tt.description, "Optælling efter midnat.");
    assert!(tt.window.ends_next_day());
    assert_eq!(tt.payment.map(|o| o.0), Some(125_000));
    assert_eq!(tt.trust, Trust::Trusted);
    assert!(!tt.check_eligibility, "the box was not ticked");
    assert!(!tt.reminders);
    // Edit: the form shows what is stored; ticking the boxes saves them.
    let url = format!("/sekretariat/stamdata/opgavetype/{}", tt.id);
    let form = b.get(&url).await;
    assert!(form.body.contains("value=\"1250\""), "{}", form.body);
    assert!(form.body.contains("Optælling efter midnat."));
    let r = b
        .post(
            &url,
            &[
                ("opgavetype-navn", "Fintælling"),
                ("opgavetype-kort", "FT"),
                ("opgavetype-start", "19:00"),
                ("opgavetype-slut", "01:00"),
                ("opgavetype-valgbarhed", "1"),
                ("opgavetype-paamindelser", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let tt = p
        .svc
        .task_types(&admin())
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.id == tt.id)
        .unwrap();
    assert!(tt.check_eligibility && tt.reminders);
    assert_eq!(tt.trust, Trust::Open);
    assert_eq!(tt.payment, None);
    assert_eq!(tt.window.start().format("%H:%M").to_string(), "19:00");
    // Unused: it can be deleted.
    let r = b.post(&format!("{url}/slet"), &[("bekraeft", "ja")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(p.svc.task_types(&admin()).await.unwrap().len(), before);
}

#[tokio::test]
async fn a_task_type_with_taken_seats_is_not_deleted() {
    let p = portal().await;
    let mut b = Browser::login(&p, "admin").await;
    let taken =
        p.ds.seats
            .iter()
            .find(|s| s.state != SeatState::Vacant)
            .unwrap();
    let tt = taken.slot.task_type;
    let r = b
        .post(
            &format!("/sekretariat/stamdata/opgavetype/{tt}/slet"),
            &[("bekraeft", "ja")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("class=\"field-error\""), "{}", r.body);
    assert!(
        p.svc
            .task_types(&admin())
            .await
            .unwrap()
            .iter()
            .any(|t| t.id == tt)
    );
}

#[tokio::test]
async fn a_station_gets_only_the_teams_and_task_types_ticked() {
    let p = portal().await;
    let mut b = Browser::login(&p, "admin").await;
    let new = b.get("/sekretariat/stamdata/valgsted/ny").await;
    // A new station's form ticks every team and task type.
    for t in &p.ds.teams {
        assert!(new.body.contains(&format!("value=\"{}\" checked", t.id)));
    }
    let area = p.ds.areas[0].id.to_string();
    let team = p.ds.teams[1].id.to_string();
    let tt = p.ds.task_types[0].id.to_string();
    // No area and a bad number: both at their fields, nothing saved.
    let before = p.svc.work_locations(&admin()).await.unwrap().len();
    let r = b
        .post(
            "/sekretariat/stamdata/valgsted/ny",
            &[("valgsted-navn", "Skolen"), ("valgsted-nr", "tre")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("href=\"#omraade\"") && r.body.contains("href=\"#valgsted-nr\""));
    assert_eq!(p.svc.work_locations(&admin()).await.unwrap().len(), before);
    let r = b
        .post(
            "/sekretariat/stamdata/valgsted/ny",
            &[
                ("valgsted-navn", "Skolen"),
                ("omraade", &area),
                ("valgsted-vej", "Skolevej 1"),
                ("valgsted-postnr", "4000"),
                ("valgsted-by", "Korsbæk"),
                ("valgsted-nr", "12"),
                ("team", &team),
                ("opgavetype", &tt),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let loc = p
        .svc
        .work_locations(&admin())
        .await
        .unwrap()
        .into_iter()
        .find(|l| l.title.as_str() == "Skolen")
        .unwrap();
    assert_eq!(loc.teams.len(), 1);
    assert!(loc.teams.contains(&p.ds.teams[1].id));
    assert_eq!(loc.task_types.len(), 1);
    assert_eq!(loc.voting_area, Some(12));
    assert_eq!(loc.address.street, "Skolevej 1");
    // Delete it: no seats, no election.
    let r = b
        .post(
            &format!("/sekretariat/stamdata/valgsted/{}/slet", loc.id),
            &[("bekraeft", "ja")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn dropping_a_team_with_taken_seats_from_a_station_is_refused() {
    let p = portal().await;
    let mut b = Browser::login(&p, "admin").await;
    let taken =
        p.ds.seats
            .iter()
            .find(|s| s.state != SeatState::Vacant)
            .unwrap();
    let loc =
        p.ds.work_locations
            .iter()
            .find(|l| l.id == taken.slot.work_location)
            .unwrap();
    let url = format!("/sekretariat/stamdata/valgsted/{}", loc.id);
    let page = b.get(&url).await;
    assert!(page.body.contains(loc.title.as_str()));
    let area = loc.area.to_string();
    let mut form: Vec<(&str, String)> =
        vec![("valgsted-navn", loc.title.to_string()), ("omraade", area)];
    form.extend(
        loc.teams
            .iter()
            .filter(|t| **t != taken.slot.team)
            .map(|t| ("team", t.to_string())),
    );
    form.extend(loc.task_types.iter().map(|t| ("opgavetype", t.to_string())));
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = b.post(&url, &pairs).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Der er fejl i formularen"), "{}", r.body);
    let stored = p
        .svc
        .work_locations(&admin())
        .await
        .unwrap()
        .into_iter()
        .find(|l| l.id == loc.id)
        .unwrap();
    assert!(stored.teams.contains(&taken.slot.team), "nothing saved");
}

#[tokio::test]
async fn a_team_is_edited_with_its_letter_kind_and_trusted_links() {
    let p = portal().await;
    let mut b = Browser::login(&p, "admin").await;
    let team = &p.ds.teams[0];
    let url = format!("/sekretariat/stamdata/team/{}", team.id);
    let page = b.get(&url).await;
    assert!(page.body.contains("Partisekretærer"));
    // Empty short name: at its field.
    let r = b
        .post(
            &url,
            &[
                ("team-navn", "Nyt navn"),
                ("team-kort", ""),
                ("team-art", "parti"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("href=\"#team-kort\""), "{}", r.body);
    let r = b
        .post(
            &url,
            &[
                ("team-navn", "Nyt navn"),
                ("team-kort", "Ø"),
                ("team-art", "frivillige"),
                ("team-beskrivelse", "Frivillige"),
                ("team-betroede-links", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let t = p
        .svc
        .teams(&admin())
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.id == team.id)
        .unwrap();
    assert_eq!(t.name.as_str(), "Nyt navn");
    assert_eq!(t.short_name.as_str(), "Ø");
    assert_eq!(t.kind, TeamKind::Volunteers);
    assert!(t.responsibles_may_link_trusted);
    // Deleting a team whose members have no other team is refused, in Danish.
    let r = b.post(&format!("{url}/slet"), &[("bekraeft", "ja")]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("ikke med i andre teams") || r.body.contains("class=\"field-error\""),
        "{}",
        r.body
    );
    assert!(
        p.svc
            .teams(&admin())
            .await
            .unwrap()
            .iter()
            .any(|t| t.id == team.id)
    );
}

#[tokio::test]
async fn a_special_diet_is_renamed_and_deleted() {
    let p = portal().await;
    let mut b = Browser::login(&p, "admin").await;
    let diet = &p.ds.special_diets[0];
    let url = format!("/sekretariat/stamdata/kost/{}", diet.id);
    b.get(&url).await;
    let r = b.post(&url, &[("kost-navn", "")]).await;
    assert!(r.body.contains("href=\"#kost-navn\""), "{}", r.body);
    let r = b.post(&url, &[("kost-navn", "Uden nødder")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        p.svc
            .special_diets(&admin())
            .await
            .unwrap()
            .iter()
            .any(|d| d.id == diet.id && d.title.as_str() == "Uden nødder")
    );
    let r = b.post(&format!("{url}/slet"), &[("bekraeft", "ja")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        !p.svc
            .special_diets(&admin())
            .await
            .unwrap()
            .iter()
            .any(|d| d.id == diet.id)
    );
}

#[tokio::test]
async fn an_election_type_has_its_rules_chosen_and_is_not_deleted_while_used() {
    let p = portal().await;
    let mut b = Browser::login(&p, "admin").await;
    b.get("/sekretariat/stamdata/valgtype/ny").await;
    // No kind chosen: at its field.
    let r = b
        .post(
            "/sekretariat/stamdata/valgtype/ny",
            &[("valgtype-titel", "Lokal afstemning")],
        )
        .await;
    assert!(r.body.contains("href=\"#valgtype-art\""), "{}", r.body);
    let r = b
        .post(
            "/sekretariat/stamdata/valgtype/ny",
            &[
                ("valgtype-titel", "Lokal afstemning"),
                ("valgtype-art", "andet"),
                ("regel", "alder18"),
                ("regel", "bopael"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let et = p
        .svc
        .election_types(&admin())
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.title.as_str() == "Lokal afstemning")
        .unwrap();
    assert_eq!(
        et.rules,
        [
            EligibilityRule::Age18OnElectionDay,
            EligibilityRule::ResidentInMunicipality
        ]
        .into()
    );
    let url = format!("/sekretariat/stamdata/valgtype/{}", et.id);
    let r = b
        .post(
            &url,
            &[("valgtype-titel", "Lokal afstemning"), ("regel", "dansk")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let et2 = p
        .svc
        .election_types(&admin())
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.id == et.id)
        .unwrap();
    assert_eq!(et2.rules, [EligibilityRule::DanishCitizen].into());
    // The demo election's type is in use.
    let used = p.ds.election_type.id;
    let r = b
        .post(
            &format!("/sekretariat/stamdata/valgtype/{used}/slet"),
            &[("bekraeft", "ja")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("er i brug"), "{}", r.body);
    let r = b.post(&format!("{url}/slet"), &[("bekraeft", "ja")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_unknown_kind_or_id_is_a_page_that_does_not_exist() {
    let p = portal().await;
    let mut b = Browser::login(&p, "admin").await;
    for page in [
        "/sekretariat/stamdata/omraade/ikke-et-id",
        "/sekretariat/stamdata/valgsted/00000000-0000-0000-0000-000000000000",
    ] {
        assert_eq!(b.get(page).await.status, StatusCode::NOT_FOUND, "{page}");
    }
}
