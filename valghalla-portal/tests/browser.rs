//! End-to-end tests in headless Chromium, driven with fantoccini through chromedriver. Each
//! test starts the portal in-process on a free port with fresh demo data. Without a
//! chromedriver they say so on stderr and pass, unless `VALGHALLA_REQUIRE_BROWSER=1`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    reason = "tests fail loudly"
)]

mod support;

use std::ops::Deref;
use std::path::Path;
use std::sync::Arc;

use fantoccini::Locator;
use support::TestResult as E2eResult;
use support::browser::{self, BrowserSession};
use valghalla::core::ids::TeamId;
use valghalla::core::testkit::generator::Dataset;

use valghalla_portal::demo;

struct Session {
    browser: BrowserSession,
    ds: Dataset,
}

impl Deref for Session {
    type Target = BrowserSession;
    fn deref(&self) -> &BrowserSession {
        &self.browser
    }
}

async fn start() -> E2eResult<Session> {
    let today = demo::today();
    let store = Arc::new(valghalla::sqlite::SqliteStore::open_in_memory()?);
    let (listener, base) = browser::listen().await?;
    let tenant = demo::tenant(store, today, &base).await?;
    browser::serve(listener, &base, tenant);
    Ok(Session {
        browser: BrowserSession::start(base).await?,
        ds: demo::korsbaek(today)?,
    })
}

/// Runs `scenario`; on failure saves a screenshot to `target/e2e-screenshots/<test>.png`.
async fn run<F>(test: &str, scenario: F)
where
    F: AsyncFnOnce(&Session) -> E2eResult,
{
    browser::run(test, browser::browser_missing(), start, scenario).await;
}

impl Session {
    /// The overview's totals line for the demo election, as the administrator sees it.
    async fn overview_totals(&self) -> E2eResult<String> {
        self.login("admin").await?;
        self.open(&format!(
            "/sekretariat/valg/{}/oversigt",
            self.ds.election.id
        ))
        .await?;
        self.text("#i-alt").await
    }

    fn party_a(&self) -> TeamId {
        self.ds.teams[0].id
    }
}

/// The number before the word starting with `stem` in a counts line ("3 ledige 1 ubesvaret 2
/// accepterede af 6": `ledig`, `ubesvare`, `accepter`).
fn count(line: &str, stem: &str) -> u32 {
    let words: Vec<&str> = line.split_whitespace().collect();
    words
        .windows(2)
        .find(|w| w[1].starts_with(stem))
        .and_then(|w| w[0].parse().ok())
        .unwrap_or(u32::MAX)
}

#[tokio::test]
async fn e2e_secretary_creates_an_election_and_distributes_seats() {
    run(
        "e2e_secretary_creates_an_election_and_distributes_seats",
        async |s| {
            s.login("admin").await?;
            s.open("/sekretariat").await?;
            let day = demo::today() + chrono::Duration::days(70);
            s.fill("#titel", "Regionsrådsvalg E2E").await?;
            for (id, d) in [
                ("#valgdag", day),
                ("#foerste_dag", day - chrono::Duration::days(1)),
                ("#sidste_dag", day + chrono::Duration::days(1)),
            ] {
                // Date inputs show the browser's locale; set their ISO value directly.
                s.client
                    .execute(
                        "document.querySelector(arguments[0]).value = arguments[1];",
                        vec![serde_json::json!(id), serde_json::json!(d.to_string())],
                    )
                    .await?;
            }
            s.submit("form[action='/sekretariat/valg']").await?;
            s.expect_text("Valget er oprettet").await?;
            s.expect_text("Regionsrådsvalg E2E").await?;
            let link = s.client.find(Locator::Css("#fordeling-links a")).await?;
            s.click_and_wait(link).await?;
            s.expect_text("Fordeling af pladser").await?;
            let first = s
                .client
                .find(Locator::Css("#fordeling input[type=number]"))
                .await?;
            first.clear().await?;
            first.send_keys("3").await?;
            s.submit("#fordeling").await?;
            s.expect_text("Fordelingen er gemt").await?;
            s.follow("Tilbage til oversigten").await?;
            let totals = s.text("#i-alt").await?;
            if count(&totals, "ledig") != 3 {
                return Err(format!("expected 3 vacant seats, overview says {totals}").into());
            }
            Ok(())
        },
    )
    .await;
}

#[tokio::test]
async fn e2e_party_secretary_places_a_member_and_a_citizen_signs_up_and_withdraws() {
    run(
        "e2e_party_secretary_places_a_member_and_a_citizen_signs_up_and_withdraws",
        async |s| {
            let start = s.overview_totals().await?;
            // The party secretary places a member (the first one the rules allow).
            s.login("partisekretaer").await?;
            s.open(&format!("/parti/{}", s.party_a())).await?;
            let mut placed = false;
            for i in 0..12 {
                let forms = s
                    .client
                    .find_all(Locator::Css("form[action$='/placer']"))
                    .await?;
                let Some(form) = forms.first() else { break };
                let options = form.find_all(Locator::Css("option")).await?;
                let Some(option) = options.get(i) else { break };
                option.click().await?;
                let button = form.find(Locator::Css("button")).await?;
                s.click_and_wait(button).await?;
                if s.body().await?.contains("Medlemmet er sat på pladsen") {
                    placed = true;
                    break;
                }
            }
            if !placed {
                return Err("no member could be placed".into());
            }
            let after_place = s.overview_totals().await?;
            if count(&after_place, "ledig") + 1 != count(&start, "ledig") {
                return Err(format!("overview did not follow: {start} → {after_place}").into());
            }
            // The party secretary makes a vacancy link.
            s.login("partisekretaer").await?;
            s.open(&format!("/parti/{}", s.party_a())).await?;
            s.submit("form[action$='/links']:has(input[value='ledige'])")
                .await?;
            let href = s
                .client
                .find(Locator::Css("a.link-url"))
                .await?
                .attr("href")
                .await?
                .ok_or("no link")?;
            s.logout().await?;
            // A new citizen opens it, logs in, registers and takes a task.
            s.open(&href).await?;
            s.follow("Log ind for at melde dig").await?;
            s.pick_identity("ny2").await?;
            s.submit("#ledige ~ table form").await?;
            s.expect_text("Tilmelding").await?;
            s.fill("#mobil", "12").await?;
            s.submit("form[action$='/tilmeld']").await?;
            s.expect_text("Der er fejl i formularen").await?;
            s.fill("#mobil", "40506070").await?;
            s.submit("form[action$='/tilmeld']").await?;
            // The task chosen before signing up is taken at once (issue 18).
            s.expect_text("Du er tilmeldt og har fået den opgave, du valgte")
                .await?;
            s.expect_text("Accepteret").await?;
            s.expect_text("Sidste dag du kan melde fra").await?;
            let after_signup = s.overview_totals().await?;
            if count(&after_signup, "accepter") != count(&after_place, "accepter") + 1 {
                return Err(
                    format!("overview did not follow: {after_place} → {after_signup}").into(),
                );
            }
            // … and withdraws.
            s.login("ny2").await?;
            s.open("/mine-opgaver").await?;
            s.submit("form[action$='/frameld']").await?;
            s.expect_text("Vil du melde dig fra opgaven?").await?;
            s.submit("form.confirm").await?;
            s.expect_text("Du er meldt fra").await?;
            let after_withdraw = s.overview_totals().await?;
            if count(&after_withdraw, "accepter") != count(&after_place, "accepter") {
                return Err(
                    format!("overview did not follow: {after_signup} → {after_withdraw}").into(),
                );
            }
            Ok(())
        },
    )
    .await;
}

#[tokio::test]
async fn e2e_party_secretary_is_refused_another_partys_page() {
    run(
        "e2e_party_secretary_is_refused_another_partys_page",
        async |s| {
            s.login("partisekretaer").await?;
            s.open(&format!("/parti/{}", s.ds.teams[1].id)).await?;
            s.expect_text("Ingen adgang").await?;
            s.open(&format!("/sekretariat/valg/{}/oversigt", s.ds.election.id))
                .await?;
            s.expect_text("Ingen adgang").await?;
            Ok(())
        },
    )
    .await;
}

/// The number a proposal cell starts with ("3 (+1)" → 3).
fn leading_number(text: &str) -> Option<u32> {
    text.split_whitespace().next().and_then(|n| n.parse().ok())
}

impl Session {
    fn party_teams(&self) -> Vec<&valghalla::core::model::Team> {
        self.ds
            .teams
            .iter()
            .filter(|t| t.kind == valghalla::core::model::TeamKind::Party)
            .collect()
    }

    fn task_type(&self, title: &str) -> E2eResult<valghalla::core::ids::TaskTypeId> {
        Ok(self
            .ds
            .task_types
            .iter()
            .find(|t| t.title.as_str() == title)
            .ok_or("no such task type")?
            .id)
    }

    /// Enters a council of three parties (15, 10 and 6 members) on the grid page's form.
    async fn enter_council(&self) -> E2eResult {
        for (t, n) in self.party_teams().iter().zip(["15", "10", "6"]) {
            self.fill(&format!("#medlemmer-{}", t.id), n).await?;
        }
        Ok(())
    }
}

#[tokio::test]
async fn e2e_secretary_proposes_a_distribution_from_the_council_and_confirms_it() {
    run(
        "e2e_secretary_proposes_a_distribution_from_the_council_and_confirms_it",
        async |s| {
            let e = s.ds.election.id;
            let loc = s.ds.work_locations[0].id;
            let day = s.ds.election.election_day();
            let roles = [
                s.task_type("Valgstyrerformand")?,
                s.task_type("Valgstyrer")?,
                s.task_type("Tilforordnet")?,
            ];
            let party_a = s.party_teams().first().map(|t| t.id).ok_or("no party")?;
            s.login("admin").await?;
            s.open(&format!("/sekretariat/valg/{e}/fordeling/{loc}"))
                .await?;
            s.expect_text("Foreslå fordeling ud fra kommunalbestyrelsens sammensætning")
                .await?;
            let cell = |tt| format!("#fordeling input[name='n_{day}_{party_a}_{tt}']");
            let mut before = Vec::new();
            for tt in roles {
                before.push(s.value(&cell(tt)).await?);
            }
            // A typing slip first: it is shown next to the field and nothing is proposed.
            s.enter_council().await?;
            s.fill(&format!("#medlemmer-{party_a}"), "-2").await?;
            s.submit("#raadsforslag-form").await?;
            s.expect_text("antallet kan ikke være negativt.").await?;
            if s.client.find(Locator::Css("#bekraeft")).await.is_ok() {
                return Err("a proposal despite the error".into());
            }
            s.fill(&format!("#medlemmer-{party_a}"), "15").await?;
            s.submit("#raadsforslag-form").await?;
            s.expect_text("Forslag til fordeling").await?;
            s.expect_text("Sådan er forslaget beregnet").await?;
            // Nothing is applied before the confirmation, and the form remembers the council.
            s.open(&format!("/sekretariat/valg/{e}/fordeling/{loc}"))
                .await?;
            for (tt, was) in roles.iter().zip(&before) {
                if s.value(&cell(*tt)).await? != *was {
                    return Err("the grid changed before the confirmation".into());
                }
            }
            if s.value(&format!("#medlemmer-{party_a}")).await? != "15" {
                return Err("the council's numbers were not kept".into());
            }
            s.submit("#raadsforslag-form").await?;
            s.expect_text("Forslag til fordeling").await?;
            // Party A's row at this station: proposed numbers per role.
            let row = s
                .client
                .find(Locator::Css("#dette-valgsted + table tbody tr"))
                .await?;
            let header = row.find(Locator::Css("th")).await?.text().await?;
            if header != s.party_teams()[0].name.as_str() {
                return Err(format!("first row is {header}").into());
            }
            let mut proposed = Vec::new();
            for td in row.find_all(Locator::Css("td")).await? {
                let text = td.text().await?;
                // A cell that keeps taken seats ends above the proposal; it is not compared.
                proposed.push(
                    (!text.contains("beholdes"))
                        .then(|| leading_number(&text))
                        .flatten(),
                );
            }
            if proposed.len() != 3 {
                return Err(format!("expected three roles, got {proposed:?}").into());
            }
            s.expect_text("Bekræft og anvend forslaget").await?;
            s.submit("#bekraeft").await?;
            s.expect_text("Fordelingsforslaget er anvendt på 12 valgsteder")
                .await?;
            s.expect_text("Fordeling af pladser").await?;
            for (tt, want) in roles.iter().zip(&proposed) {
                let now = s.value(&cell(*tt)).await?;
                if let Some(want) = want
                    && now != want.to_string()
                {
                    return Err(format!("grid shows {now}, the proposal said {want}").into());
                }
            }
            if proposed.iter().all(Option::is_none) {
                return Err("no cell could be compared".into());
            }
            Ok(())
        },
    )
    .await;
}

#[tokio::test]
async fn e2e_secretary_edits_a_template_and_sees_the_preview() {
    run(
        "e2e_secretary_edits_a_template_and_sees_the_preview",
        async |s| {
            let e = s.ds.election.id;
            s.login("admin").await?;
            s.open(&format!("/sekretariat/valg/{e}/oversigt")).await?;
            s.follow("Beskedskabeloner").await?;
            s.expect_text("Valgets skabeloner").await?;
            s.click("#skabelonliste tbody tr:first-child a").await?;
            s.expect_text("Eksempel: sådan ser beskeden ud for en deltager")
                .await?;
            s.fill("#emne", "Hej !name").await?;
            s.fill(
                "#tekst",
                "<p>Kære !name – vi ses på !work_location den !task_date.</p>",
            )
            .await?;
            s.click("button[value='vis']").await?;
            s.expect_text("Kære Agnes Jensen – vi ses på Korsbæk Skole den 27.10.2026.")
                .await?;
            let subject = s.text("#eksempel-emne").await?;
            if subject != "Hej Agnes Jensen" {
                return Err(format!("preview subject {subject:?}").into());
            }
            // A misspelt token is refused next to the field.
            s.fill("#tekst", "<p>Kære !nmae</p>").await?;
            s.click("button[value='gem']").await?;
            s.expect_text("Der er fejl i formularen").await?;
            let error = s.text("#tekst-fejl").await?;
            if !error.contains("Ukendt flettefelt: !nmae") {
                return Err(format!("error next to the text: {error:?}").into());
            }
            s.fill("#tekst", "<p>Kære !name – tak for hjælpen.</p>")
                .await?;
            s.click("button[value='gem']").await?;
            s.expect_text("Skabelonen er gemt.").await?;
            s.expect_text("Kære Agnes Jensen – tak for hjælpen.")
                .await?;
            Ok(())
        },
    )
    .await;
}

/// Not a check: saves a screenshot of every main page to `target/screenshots/` for a person
/// to look at (`cargo test --example portal -- --ignored screenshots`).
#[tokio::test]
#[ignore = "writes screenshots for manual review"]
async fn screenshots() {
    run("screenshots", async |s| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&dir)?;
        let shot = async |name: &str| -> E2eResult {
            let png = s.client.screenshot().await?;
            std::fs::write(dir.join(format!("{name}.png")), png)?;
            Ok(())
        };
        let e = s.ds.election.id;
        let loc = s.ds.work_locations[0].id;
        let someone = s.ds.participants[5].id;
        s.open("/login").await?;
        shot("01-login").await?;
        s.login("admin").await?;
        for (name, path) in [
            ("02-valg", "/sekretariat".to_owned()),
            ("03-oversigt", format!("/sekretariat/valg/{e}/oversigt")),
            (
                "04-fordeling",
                format!("/sekretariat/valg/{e}/fordeling/{loc}"),
            ),
            (
                "05-valgsted",
                format!("/sekretariat/valg/{e}/valgsted/{loc}"),
            ),
            (
                "06-deltagerliste",
                format!("/sekretariat/valg/{e}/deltagerliste"),
            ),
            ("07-deltagere", "/sekretariat/deltagere".to_owned()),
            ("08-deltager", format!("/sekretariat/deltagere/{someone}")),
            ("09-deltager-ny", "/sekretariat/deltagere/ny".to_owned()),
            ("10-stamdata", "/sekretariat/stamdata".to_owned()),
            ("11-links", "/sekretariat/links".to_owned()),
            ("12-log", "/sekretariat/log".to_owned()),
            ("12b-kommunikation", "/sekretariat/kommunikation".to_owned()),
        ] {
            s.open(&path).await?;
            shot(name).await?;
        }
        s.open(&format!("/sekretariat/valg/{e}/autofyld")).await?;
        s.submit("form[action$='/autofyld']").await?;
        shot("12c-autofyld-forslag").await?;
        // The pages for the council's distribution, templates and downloads.
        let shot_at = async |name: &str, css: &str| -> E2eResult {
            s.client
                .execute(
                    "document.querySelector(arguments[0]).scrollIntoView();",
                    vec![serde_json::json!(css)],
                )
                .await?;
            shot(name).await
        };
        s.open(&format!("/sekretariat/valg/{e}/fordeling/{loc}"))
            .await?;
        s.enter_council().await?;
        shot_at("22-fordeling-raadsforslag", "#raadsforslag").await?;
        s.submit("#raadsforslag-form").await?;
        shot("23-fordelingsforslag").await?;
        shot_at("24-fordelingsforslag-valgsted", "#dette-valgsted").await?;
        s.submit("#bekraeft").await?;
        shot("24b-fordeling-efter-bekraeftelse").await?;
        let day = s.ds.election.election_day();
        let tt = s.task_type("Valgstyrerformand")?;
        shot_at(
            "24c-fordeling-valgdag",
            &format!("#fordeling input[name='n_{day}_{}_{tt}']", s.party_a()),
        )
        .await?;
        s.open(&format!("/sekretariat/valg/{e}/fordelingsforslag"))
            .await?;
        s.fill(&format!("#medlemmer-{}", s.party_a()), "-1").await?;
        s.submit("#raadsforslag-form").await?;
        shot("25-fordelingsforslag-fejl").await?;
        s.open(&format!("/sekretariat/valg/{e}/skabeloner")).await?;
        shot("26-skabeloner").await?;
        s.click("#skabelonliste tbody tr:first-child a").await?;
        shot("27-skabelon").await?;
        shot_at("28-skabelon-eksempel", "#eksempel").await?;
        s.fill("#tekst", "<p>Hej !nmae</p>").await?;
        s.click("button[value='vis']").await?;
        shot("29-skabelon-fejl").await?;
        s.open(&format!("/sekretariat/valg/{e}/deltagerliste"))
            .await?;
        shot("30-deltagerliste-hent").await?;
        shot_at("31-deltagerliste-andre-lister", "#andre-lister").await?;
        // Form errors.
        s.open("/sekretariat/deltagere/ny").await?;
        s.fill("#cpr", "123").await?;
        s.fill("#mobil", "12").await?;
        s.submit("form[action='/sekretariat/deltagere']").await?;
        shot("13-deltager-ny-fejl").await?;
        s.login("partisekretaer").await?;
        s.open(&format!("/parti/{}", s.party_a())).await?;
        s.submit("form[action$='/links']:has(input[value='ledige'])")
            .await?;
        shot("14-parti").await?;
        let href = s
            .client
            .find(Locator::Css("a.link-url"))
            .await?
            .attr("href")
            .await?
            .ok_or("no link")?;
        s.open(&format!("/parti/{}", s.ds.teams[1].id)).await?;
        shot("15-parti-andet-403").await?;
        s.login("arbejdssted").await?;
        let mine =
            s.ds.work_locations
                .iter()
                .find(|l| !l.responsibles.is_empty())
                .ok_or("no responsible")?
                .id;
        s.open(&format!("/arbejdssted/{mine}")).await?;
        shot("16-arbejdssted").await?;
        s.login("borger2").await?;
        s.open("/mine-opgaver").await?;
        shot("17-mine-opgaver").await?;
        s.open("/min-profil").await?;
        shot("18-min-profil").await?;
        s.logout().await?;
        s.open(&href).await?;
        shot("19-link-anonym").await?;
        s.follow("Log ind for at melde dig").await?;
        s.pick_identity("ny1").await?;
        shot("20-link-logget-ind").await?;
        s.submit("#ledige ~ table form").await?;
        shot("21-tilmelding").await?;
        Ok(())
    })
    .await;
}
