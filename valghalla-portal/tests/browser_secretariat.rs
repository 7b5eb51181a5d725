//! A municipality from nothing to a staffed election, through the secretariat's pages alone,
//! in headless Chromium (fantoccini through chromedriver): areas, stations, task types (one
//! the day before election day, a count past midnight), teams, an election type and an
//! election; participants imported from a file with one bad row (shown, then fixed); a party
//! secretary appointed; the distribution proposed from the council's composition and saved;
//! auto-fill applied; the election activated (the page says what it will send); the
//! invitations delivered to a mail folder; one accepted through its link — with the
//! overview's counts checked after each step.
//!
//! The only things done outside the pages are what a host does when it installs a
//! municipality (its code and name, the login) and what its scheduler does (one dispatcher
//! run). Without a chromedriver the test says so on stderr and passes, unless
//! `VALGHALLA_REQUIRE_BROWSER=1`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    reason = "tests fail loudly"
)]

mod support;

use std::ops::Deref;
use std::sync::Arc;

use chrono::NaiveDate;
use fantoccini::Locator;
use support::TestResult as E2eResult;
use support::browser::{self, BrowserSession};
use valghalla::Valghalla;
use valghalla::channels::FileSender;
use valghalla::core::Cpr;
use valghalla::core::MunicipalityCode;
use valghalla::core::messages::Channel;
use valghalla::core::model::{Municipality, SeatStatus};
use valghalla::core::rules::access::{Actor, StaffRole};
use valghalla::core::service::{Config, DispatchConfig, Dispatcher};
use valghalla::core::testkit::FakeRegistry;
use valghalla::core::values::Name;
use valghalla_portal::{DemoAuthenticator, Identity, LoginOption, Tenant};

/// The people in the registry: CPR number, first and last name. None is a participant yet.
const PEOPLE: [(&str, &str, &str); 14] = [
    ("0101801001", "Anne", "Andersen"),
    ("0202811002", "Bo", "Bech"),
    ("0303821003", "Cecilie", "Christensen"),
    ("0404831004", "Dan", "Dahl"),
    ("0505841005", "Eva", "Eriksen"),
    ("0606851006", "Frank", "Frost"),
    ("0707861007", "Gitte", "Gram"),
    ("0808871008", "Hans", "Holm"),
    ("0909881009", "Ida", "Iversen"),
    ("1010891010", "Jens", "Juhl"),
    ("1111701011", "Karen", "Krogh"),
    ("1212711012", "Lars", "Lund"),
    ("1301721013", "Mette", "Munk"),
    ("1402731014", "Niels", "Nørgaard"),
];

fn admin() -> Actor {
    Actor::Secretariat {
        user: "test".into(),
        role: StaffRole::Administrator,
    }
}

struct Session {
    browser: BrowserSession,
    svc: Valghalla,
    mail: tempfile::TempDir,
}

impl Deref for Session {
    type Target = BrowserSession;
    fn deref(&self) -> &BrowserSession {
        &self.browser
    }
}

/// An empty municipality as a host installs it: its code and name, an administrator's login
/// and the citizens' logins; nothing else.
async fn start() -> E2eResult<Session> {
    let store = Arc::new(valghalla::sqlite::SqliteStore::open_in_memory()?);
    let (listener, base) = browser::listen().await?;
    let code = MunicipalityCode::parse("0621")?;
    let registry = FakeRegistry::new();
    let mut identities = vec![(
        LoginOption {
            key: "admin".into(),
            label: "Sekretariatet".into(),
            description: "Administrator".into(),
            start: None,
        },
        Identity::Staff {
            user: "sekretariat".into(),
            name: "Sekretariatet".into(),
            role: StaffRole::Administrator,
        },
    )];
    for (i, (cpr, first, last)) in PEOPLE.iter().enumerate() {
        let cpr = Cpr::parse(cpr)?;
        registry.insert(cpr, FakeRegistry::resident(&cpr, first, last, code));
        identities.push((
            LoginOption {
                key: format!("p{i}"),
                label: format!("{first} {last}"),
                description: "MitID".into(),
                start: None,
            },
            Identity::Citizen {
                cpr,
                name: format!("{first} {last}"),
            },
        ));
    }
    let svc = Valghalla::new(store, Arc::new(registry)).with_config(Config {
        public_base_url: base.clone(),
        calendar: None,
    });
    svc.set_municipality(
        &admin(),
        Municipality {
            code,
            name: Name::parse("Nyby Kommune")?,
        },
    )
    .await?;
    let tenant = Tenant::new(
        "nyby",
        svc.clone(),
        Arc::new(DemoAuthenticator::new(identities)),
    );
    browser::serve(listener, &base, tenant);
    Ok(Session {
        browser: BrowserSession::start(base).await?,
        svc,
        mail: tempfile::tempdir()?,
    })
}

impl Session {
    /// The overview's totals line ("3 ledige 1 ubesvaret 2 accepterede af 6"): vacant,
    /// invited, accepted, seats.
    async fn totals(&self, election: &str) -> E2eResult<(u32, u32, u32, u32)> {
        self.open(&format!("/sekretariat/valg/{election}/oversigt"))
            .await?;
        let line = self
            .client
            .find(Locator::Css("#i-alt"))
            .await?
            .text()
            .await?;
        // "1 ledig", "2 ledige": the word is singular for one.
        let n = |one: &str, many: &str| {
            let words: Vec<&str> = line.split_whitespace().collect();
            words
                .windows(2)
                .find(|w| w[1] == one || w[1] == many)
                .and_then(|w| w[0].parse().ok())
                .unwrap_or(u32::MAX)
        };
        let of = line
            .split_whitespace()
            .skip_while(|w| *w != "af")
            .nth(1)
            .and_then(|w| w.parse().ok())
            .unwrap_or(u32::MAX);
        Ok((
            n("ledig", "ledige"),
            n("ubesvaret", "ubesvarede"),
            n("accepteret", "accepterede"),
            of,
        ))
    }

    /// Creates a task type through its form.
    async fn task_type(
        &self,
        title: &str,
        short: &str,
        times: (&str, &str),
        trusted: bool,
    ) -> E2eResult {
        self.open("/sekretariat/stamdata/opgavetype/ny").await?;
        self.fill("#opgavetype-navn", title).await?;
        self.fill("#opgavetype-kort", short).await?;
        self.fill("#opgavetype-start", times.0).await?;
        self.fill("#opgavetype-slut", times.1).await?;
        self.fill("#opgavetype-honorar", "800").await?;
        if trusted {
            self.tick("#opgavetype-tillid").await?;
        }
        self.submit("main form").await?;
        self.expect_text("Opgavetypen er oprettet").await
    }

    /// Uploads `content` as a participants file and shows its preview.
    async fn upload(&self, name: &str, content: &str) -> E2eResult {
        let path = self.mail.path().join(name);
        std::fs::write(&path, content)?;
        self.open("/sekretariat/import").await?;
        self.client
            .find(Locator::Css("#fil"))
            .await?
            .send_keys(&path.display().to_string())
            .await?;
        self.submit("form[action='/sekretariat/import']").await?;
        self.expect_text("Forhåndsvisning").await
    }
}

/// The participants' file: everyone in the registry but the last, in party A or V, and (when
/// `bad`) a line whose CPR number cannot be one.
fn participants_file(bad: bool) -> String {
    let mut out = String::from("CPR-nummer;Team;E-mail\n");
    for (i, (cpr, first, _)) in PEOPLE.iter().take(12).enumerate() {
        let team = if i % 2 == 0 { "A" } else { "V" };
        out.push_str(&format!(
            "{cpr};{team};{}@example.dk\n",
            first.to_lowercase()
        ));
    }
    if bad {
        out.push_str("011399-1234;A;\n");
    } else {
        out.push_str(&format!("{};A;mette@example.dk\n", PEOPLE[12].0));
    }
    out
}

#[tokio::test]
async fn e2e_a_municipality_goes_from_nothing_to_a_staffed_election_through_the_pages() {
    browser::run(
        "e2e_a_municipality_goes_from_nothing_to_a_staffed_election_through_the_pages",
        browser::browser_missing(),
        start,
        scenario,
    )
    .await;
}

async fn scenario(s: &Session) -> E2eResult {
    s.login("admin").await?;
    // Areas and parties: the master-data page's quick forms.
    for area in ["Midtby", "Nordby"] {
        s.open("/sekretariat/stamdata").await?;
        s.fill("#omraade-navn", area).await?;
        s.submit("form[action='/sekretariat/stamdata/omraade']")
            .await?;
        s.expect_text("Området er oprettet").await?;
    }
    for (party, letter) in [("Socialdemokratiet", "A"), ("Venstre", "V")] {
        s.open("/sekretariat/stamdata").await?;
        s.fill("#team-navn", party).await?;
        s.fill("#team-kort", letter).await?;
        s.submit("form[action='/sekretariat/stamdata/team']")
            .await?;
        s.expect_text("Teamet er oprettet").await?;
    }
    // Task types: the roles, a postal-vote review the day before and a count past midnight.
    s.task_type("Valgstyrerformand", "VF", ("07:00", "22:00"), true)
        .await?;
    s.task_type("Valgstyrer", "VS", ("07:00", "22:00"), true)
        .await?;
    s.task_type("Tilforordnet", "TF", ("08:00", "20:00"), false)
        .await?;
    s.task_type("Brevstemmer", "BS", ("09:00", "15:00"), false)
        .await?;
    s.task_type("Fintælling", "FT", ("22:30", "02:00"), false)
        .await?;
    s.open("/sekretariat/stamdata").await?;
    s.expect_text("22:30–02:00 (næste dag)").await?;
    // An election type with the law's rules.
    s.open("/sekretariat/stamdata/valgtype/ny").await?;
    s.fill("#valgtype-titel", "Kommunalvalg").await?;
    s.select("#valgtype-art", "Kommunal- og regionsrådsvalg")
        .await?;
    s.submit("main form").await?;
    s.expect_text("Valgtypen er oprettet").await?;
    // Two stations, one per area, with every team and task type (ticked by default).
    for (title, area, nr) in [("Rådhuset", "Midtby", "1"), ("Nordskolen", "Nordby", "2")] {
        s.open("/sekretariat/stamdata/valgsted/ny").await?;
        s.fill("#valgsted-navn", title).await?;
        s.select("#omraade", area).await?;
        s.fill("#valgsted-vej", "Torvet 1").await?;
        s.fill("#valgsted-postnr", "4000").await?;
        s.fill("#valgsted-by", "Nyby").await?;
        s.fill("#valgsted-nr", nr).await?;
        s.submit("main form").await?;
        s.expect_text("Valgstedet er oprettet").await?;
    }
    // The election: the day before has tasks, and the day after (the count past midnight).
    let day: NaiveDate = chrono::Local::now().date_naive() + chrono::Days::new(40);
    s.open("/sekretariat").await?;
    s.fill("#titel", "Kommunalvalg i Nyby").await?;
    s.set("#valgdag", &day.to_string()).await?;
    s.set("#foerste_dag", &(day - chrono::Days::new(1)).to_string())
        .await?;
    s.set("#sidste_dag", &(day + chrono::Days::new(1)).to_string())
        .await?;
    s.submit("form[action='/sekretariat/valg']").await?;
    s.expect_text("Valget er oprettet").await?;
    let election = s.svc.elections(&admin()).await?.remove(0);
    let e = election.id.to_string();
    if s.totals(&e).await? != (0, 0, 0, 0) {
        return Err(format!("a new election has seats: {:?}", s.totals(&e).await?).into());
    }
    // Participants from a file: the bad row is shown (line, column, reason), then fixed.
    s.upload("deltagere.csv", &participants_file(true)).await?;
    s.expect_text("1 rækker med fejl").await?;
    let row = s
        .client
        .find(Locator::Css("main table tbody tr"))
        .await?
        .text()
        .await?;
    if !row.starts_with("14 CPR-nummer") {
        return Err(format!("the bad row is shown as {row:?}").into());
    }
    s.upload("deltagere-rettet.csv", &participants_file(false))
        .await?;
    s.expect_text("13 nye").await?;
    s.expect_text("0 rækker med fejl").await?;
    s.submit("form[action='/sekretariat/import/bekraeft']")
        .await?;
    s.expect_text("Importen er gennemført: 13 nye").await?;
    // A party secretary for party A, from the participant's page.
    let first = s
        .svc
        .participant_for_login(&Cpr::parse(PEOPLE[0].0)?)
        .await?
        .ok_or("the first person was not imported")?;
    s.open(&format!("/sekretariat/deltagere/{first}")).await?;
    s.click("a[href$='/ansvar']").await?;
    s.select("#team", "Socialdemokratiet (A)").await?;
    s.submit("form[action$='/ansvar/team']").await?;
    s.expect_text("Partisekretæren er udpeget").await?;
    s.expect_text("alle valgsteder").await?;
    // The distribution from the council's composition: proposed, seen, then saved.
    let teams = s.svc.teams(&admin()).await?;
    let station = s
        .svc
        .work_locations(&admin())
        .await?
        .into_iter()
        .find(|l| l.title.as_str() == "Rådhuset")
        .ok_or("no station")?;
    s.open(&format!("/sekretariat/valg/{e}/fordeling/{}", station.id))
        .await?;
    for (t, n) in teams.iter().zip(["15", "10"]) {
        s.fill(&format!("#medlemmer-{}", t.id), n).await?;
    }
    s.submit("#raadsforslag-form").await?;
    s.expect_text("Forslag til fordeling").await?;
    s.submit("#bekraeft").await?;
    s.expect_text("Fordelingsforslaget er anvendt").await?;
    let (vacant, invited, accepted, seats) = s.totals(&e).await?;
    if seats == 0 || vacant != seats || invited != 0 || accepted != 0 {
        return Err(
            format!("after the distribution: {vacant} {invited} {accepted} {seats}").into(),
        );
    }
    // One seat for the postal-vote review the day before and one for the count, on the grid.
    let tt = s.svc.task_types(&admin()).await?;
    let id_of = |title: &str| {
        tt.iter()
            .find(|t| t.title.as_str() == title)
            .map(|t| t.id)
            .ok_or("no task type")
    };
    s.open(&format!("/sekretariat/valg/{e}/fordeling/{}", station.id))
        .await?;
    let party_a = teams[0].id;
    let before = day - chrono::Days::new(1);
    s.fill(
        &format!(
            "#fordeling input[name='n_{before}_{party_a}_{}']",
            id_of("Brevstemmer")?
        ),
        "1",
    )
    .await?;
    s.fill(
        &format!(
            "#fordeling input[name='n_{day}_{party_a}_{}']",
            id_of("Fintælling")?
        ),
        "1",
    )
    .await?;
    s.submit("#fordeling").await?;
    s.expect_text("Fordelingen er gemt").await?;
    let (vacant2, _, _, seats2) = s.totals(&e).await?;
    if (vacant2, seats2) != (vacant + 2, seats + 2) {
        return Err(format!("the grid added {} seats, not 2", seats2 - seats).into());
    }
    // Auto-fill: proposed, then applied as invitations (held while the election is inactive).
    s.open(&format!("/sekretariat/valg/{e}/autofyld")).await?;
    s.submit(&format!("form[action='/sekretariat/valg/{e}/autofyld']"))
        .await?;
    s.expect_text("Forslag:").await?;
    s.submit(&format!(
        "form[action='/sekretariat/valg/{e}/autofyld/bekraeft']"
    ))
    .await?;
    s.expect_text("invitationer er sendt").await?;
    let (vacant3, invited3, _, seats3) = s.totals(&e).await?;
    if invited3 == 0 || vacant3 + invited3 != seats3 {
        return Err(
            format!("after auto-fill: {vacant3} vacant, {invited3} invited of {seats3}").into(),
        );
    }
    // Activation says what it will send, then sends it.
    s.open(&format!("/sekretariat/valg/{e}/rediger")).await?;
    s.expect_text(&format!("Aktivering sender {invited3} ventende besked(er)"))
        .await?;
    s.click("form[action$='/aktiv'] button[type=submit]")
        .await?;
    s.expect_text("Valget er aktiveret").await?;
    // The scheduler's dispatcher run: the invitations reach the mail folder.
    let out = s.mail.path().join("post");
    let dispatcher = Dispatcher::new(DispatchConfig::default())
        .with_sender(Arc::new(FileSender::new(&out, Channel::Email)?));
    dispatcher.run_once(&s.svc).await?;
    let mails: Vec<String> = std::fs::read_dir(&out)?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    if mails.len() != invited3 as usize {
        return Err(format!("{} mails for {invited3} invitations", mails.len()).into());
    }
    // One invitee accepts through the link in their mail.
    let mail = &mails[0];
    let at = mail
        .find(&format!("{}/invitation/", s.base))
        .ok_or("no invitation link in the mail")?;
    let link: String = mail[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "/:.-_".contains(*c))
        .collect();
    let seat_id = link
        .rsplit('/')
        .nth(1)
        .ok_or("no seat in the link")?
        .to_owned();
    let mut holder = None;
    for (i, (cpr, _, _)) in PEOPLE.iter().enumerate() {
        let Some(p) = s.svc.participant_for_login(&Cpr::parse(cpr)?).await? else {
            continue;
        };
        let history = s.svc.participant_history(&admin(), p).await?;
        if history.seats.iter().any(|x| x.seat.to_string() == seat_id) {
            holder = Some((i, p));
        }
    }
    let (holder, holder_id) = holder.ok_or("nobody holds the invitation's seat")?;
    // The invitee logs in and answers on the link's page.
    s.login(&format!("p{holder}")).await?;
    s.client.goto(&link).await?;
    s.expect_text("Vil du tage opgaven?").await?;
    s.click("#svar button[value='ja']").await?;
    s.login("admin").await?;
    let (_, invited4, accepted4, seats4) = s.totals(&e).await?;
    if accepted4 != 1 || invited4 + 1 != invited3 || seats4 != seats3 {
        return Err(
            format!("after the acceptance: {invited4} invited, {accepted4} accepted").into(),
        );
    }
    let accepted = s.svc.participant_history(&admin(), holder_id).await?;
    if !accepted
        .seats
        .iter()
        .any(|x| x.seat.to_string() == seat_id && x.status == SeatStatus::Accepted)
    {
        return Err("the seat is not accepted".into());
    }
    Ok(())
}
