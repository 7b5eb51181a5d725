//! Imports and exports (issue 9) through the service, on the memory store and the SQLite store.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers: a failed expectation is a failed test"
)]

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use valghalla::Valghalla;
use valghalla::core::exchange::{
    self, CsvOptions, ImportMode, ListColumn, ParticipantRow, RoleMapping, Table, read_table,
};
use valghalla::core::ids::{ParticipantId, SeatId};
use valghalla::core::memory::MemoryStore;
use valghalla::core::model::{AuditAction, LocationScope};
use valghalla::core::model::{Op, Participant, Record, SeatStatus, TeamKind};
use valghalla::core::rules::access::{Actor, Permission, PersonActor, StaffRole};
use valghalla::core::service::{ParticipantFilter, WorkLocationDraft};
use valghalla::core::store::{AuditFilter, DynStore, Query};
use valghalla::core::testkit::FixedClock;
use valghalla::core::testkit::generator::{Dataset, Spec};
use valghalla::core::{Error, model::RecordKind};

fn admin() -> Actor {
    Actor::Secretariat {
        user: "admin".into(),
        role: StaffRole::Administrator,
    }
}

fn reader() -> Actor {
    Actor::Secretariat {
        user: "laeser".into(),
        role: StaffRole::Reader,
    }
}

#[derive(Debug, Clone, Copy)]
enum Backend {
    Memory,
    Sqlite,
}

const BACKENDS: [Backend; 2] = [Backend::Memory, Backend::Sqlite];

struct Env {
    svc: Valghalla,
    store: DynStore,
    ds: Dataset,
    _dir: Option<tempfile::TempDir>,
}

fn store(backend: Backend) -> (DynStore, Option<tempfile::TempDir>) {
    match backend {
        Backend::Memory => (Arc::new(MemoryStore::new()), None),
        Backend::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let s = valghalla::sqlite::SqliteStore::open(dir.path().join("v.db")).unwrap();
            (Arc::new(s), Some(dir))
        }
    }
}

/// A small municipality; with `people`, its participants and seats too.
async fn env(backend: Backend, people: bool) -> Env {
    let ds = Dataset::generate(&Spec::small(), 11);
    let (store, dir) = store(backend);
    let mut cs = ds.change_set();
    if !people {
        cs.changes.retain(|c| {
            !matches!(
                c.op,
                Op::Put(Record::Participant(_)) | Op::Put(Record::Seat(_))
            )
        });
    }
    store.apply(cs).await.unwrap();
    let svc = Valghalla::new(Arc::clone(&store), Arc::new(ds.registry()))
        .with_clock(Arc::new(FixedClock::at(ds.now)));
    Env {
        svc,
        store,
        ds,
        _dir: dir,
    }
}

async fn participants(e: &Env) -> BTreeMap<String, Participant> {
    e.store
        .query(&Query::All(RecordKind::Participant))
        .await
        .unwrap()
        .into_iter()
        .filter_map(|v| match v.value {
            Record::Participant(p) => Some((p.cpr.reveal(), p)),
            _ => None,
        })
        .collect()
}

fn csv(text: &str) -> Table {
    read_table(text.as_bytes()).unwrap()
}

fn same_person(a: &Participant, b: &Participant) {
    assert_eq!(a.cpr, b.cpr);
    assert_eq!(a.person, b.person);
    assert_eq!(a.contact, b.contact);
    assert_eq!(a.teams, b.teams);
    assert_eq!(a.special_diets, b.special_diets);
    assert_eq!(a.preferred_work_location, b.preferred_work_location);
}

#[tokio::test]
async fn export_then_import_gives_the_same_participants_csv_and_xlsx() {
    let source = env(Backend::Memory, true).await;
    let table = source.svc.export_participants(&admin()).await.unwrap();
    let want = participants(&source).await;
    assert_eq!(table.rows.len(), want.len());
    let csv_bytes = table.to_csv(CsvOptions::excel_da()).unwrap();
    let xlsx_bytes = table.to_xlsx("Deltagere").unwrap();
    for backend in BACKENDS {
        for bytes in [&csv_bytes, &xlsx_bytes] {
            let target = env(backend, false).await;
            let file = read_table(bytes).unwrap();
            let report = target
                .svc
                .import_participants(&admin(), &file, ImportMode::AllOrNothing)
                .await
                .unwrap();
            assert!(report.rejected.is_empty(), "{:?}", report.rejected);
            assert_eq!(report.imported, want.len(), "{backend:?}");
            assert!(report.written);
            let got = participants(&target).await;
            assert_eq!(got.len(), want.len());
            for (cpr, p) in &want {
                same_person(&got[cpr], p);
            }
            // Importing the same file again changes nothing.
            let again = target
                .svc
                .import_participants(&admin(), &file, ImportMode::GoodRows)
                .await
                .unwrap();
            assert_eq!(
                (
                    again.imported,
                    again.updated,
                    again.unchanged,
                    again.written
                ),
                (0, 0, want.len(), false)
            );
            assert_eq!(participants(&target).await, got);
        }
    }
}

/// A file with one problem per row (and an empty line), for every backend and mode.
#[tokio::test]
async fn bad_rows_give_exact_errors_and_nothing_wrong_is_imported() {
    for backend in BACKENDS {
        let e = env(backend, false).await;
        let p = &e.ds.participants;
        let cpr = |i: usize| p[i].cpr.reveal();
        let station = e.ds.work_locations[2].title.to_string();
        let party = e.ds.teams[0].short_name.to_string();
        let unknown = "2512700000"; // valid, but the registry does not know it
        let text = format!(
            "CPR-nummer;Parti;Mobil;E-mail;Specialkost;Foretrukket valgsted\n\
             {};{party};20 30 40 50;a@example.dk;Vegetar|Glutenfri;{station}\n\
             3213801234;{party};;;;\n\
             {};Ukendt Parti;;;;\n\
             \n\
             {};{party};;;;\n\
             {};{party};123;ikke-en-mail;Kød;Månen\n\
             {unknown};{party};;;;\n\
             ;;;;;\n\
             {};frivillige, {party};;;glutenfri;\n",
            cpr(0),
            cpr(1),
            cpr(0),
            cpr(2),
            cpr(3),
        );
        let file = csv(&text);
        let all = e
            .svc
            .import_participants(&admin(), &file, ImportMode::AllOrNothing)
            .await
            .unwrap();
        let got: Vec<(usize, &str)> = all
            .rejected
            .iter()
            .map(|r| (r.line, r.column.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (3, "CPR-nummer"),
                (4, "Team"),
                (6, "CPR-nummer"),
                (7, "Mobil"),
                (7, "E-mail"),
                (7, "Specialkost"),
                (7, "Foretrukket valgsted"),
            ],
            "{backend:?}: {:#?}",
            all.rejected
        );
        assert_eq!(
            all.rejected[0].reason_da,
            "CPR-nummeret er ugyldigt: måneden (ciffer 3-4) er 13; den skal være 01-12"
        );
        assert_eq!(all.rejected[1].reason_da, "ukendt team 'Ukendt Parti'");
        assert!(all.rejected[2].reason_da.contains("står også i linje 2"));
        assert!(all.rejected[2].reason_da.contains(&p[0].cpr.masked()));
        assert!(!all.rejected[2].reason_da.contains(&cpr(0)));
        assert!(!all.written);
        assert_eq!(all.imported, 0);
        assert!(participants(&e).await.is_empty());

        let good = e
            .svc
            .import_participants(&admin(), &file, ImportMode::GoodRows)
            .await
            .unwrap();
        let lines: Vec<usize> = good.rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, [3, 4, 6, 7, 7, 7, 7, 8], "{:#?}", good.rejected);
        assert_eq!(
            good.rejected[7].reason_da,
            "CPR-registret kender ikke personen med CPR-nummeret 251270-xxxx"
        );
        assert_eq!(good.imported, 2);
        let stored = participants(&e).await;
        assert_eq!(stored.len(), 2);
        let first = &stored[&cpr(0)];
        assert_eq!(first.teams, [e.ds.teams[0].id].into());
        assert_eq!(first.special_diets.len(), 2);
        assert_eq!(first.contact.mobile.unwrap().national(), "20304050");
        assert_eq!(
            first.preferred_work_location,
            Some(e.ds.work_locations[2].id)
        );
        let last = &stored[&cpr(3)];
        let volunteers =
            e.ds.teams
                .iter()
                .find(|t| t.kind == TeamKind::Volunteers)
                .unwrap();
        assert_eq!(last.teams, [e.ds.teams[0].id, volunteers.id].into());
        // An all-or-nothing attempt that found problems wrote only its audit entries.
        let log = e
            .svc
            .audit_log(&admin(), &AuditFilter::default())
            .await
            .unwrap();
        assert!(log.iter().any(|a| a.description.contains("intet gemt")));
        assert!(log.iter().all(|a| !a.description.contains(&cpr(0))));
    }
}

#[tokio::test]
async fn bom_comma_and_windows_1252_files_are_read() {
    for backend in BACKENDS {
        let e = env(backend, false).await;
        let p = &e.ds.participants;
        // "Øst Skole 3" in Windows-1252 (Ø = 0xD8), semicolons, CRLF.
        let station = e
            .svc
            .create_work_location(
                &admin(),
                WorkLocationDraft {
                    area: e.ds.areas[0].id,
                    title: "Østre Skole".into(),
                    street: "Skolevej 1".into(),
                    postal_code: "6000".into(),
                    city: "Kolding".into(),
                    voting_area: Some(9),
                    teams: Default::default(),
                    task_types: Default::default(),
                    responsibles: Default::default(),
                },
            )
            .await
            .unwrap();
        let mut bytes = b"cpr;TEAM;foretrukket valgsted\r\n".to_vec();
        bytes.extend(format!("{};Frivillige;", p[0].cpr.reveal()).as_bytes());
        bytes.push(0xD8);
        bytes.extend(station.title.as_str().trim_start_matches('Ø').as_bytes());
        bytes.extend(b"\r\n");
        let report = e
            .svc
            .import_participants(
                &admin(),
                &read_table(&bytes).unwrap(),
                ImportMode::AllOrNothing,
            )
            .await
            .unwrap();
        assert!(report.rejected.is_empty(), "{:?}", report.rejected);
        assert_eq!(report.imported, 1);
        assert_eq!(
            participants(&e).await[&p[0].cpr.reveal()].preferred_work_location,
            Some(station.id)
        );
        // UTF-8 with BOM, commas, English headers, a CPR number that lost its leading zero.
        let nine = p
            .iter()
            .skip(1)
            .find(|q| q.cpr.reveal().starts_with('0'))
            .map(|q| q.cpr.reveal()[1..].to_owned())
            .unwrap();
        let text = format!(
            "\u{feff}CPR number,Party,E-mail,Special diets\n{nine},Frivillige,x@example.dk,\"Vegetar, Laktosefri\"\n"
        );
        let report = e
            .svc
            .import_participants(&admin(), &csv(&text), ImportMode::AllOrNothing)
            .await
            .unwrap();
        assert!(report.rejected.is_empty(), "{:?}", report.rejected);
        assert_eq!(report.imported, 1);
    }
}

#[tokio::test]
async fn existing_participants_are_updated_only_when_something_differs() {
    let e = env(Backend::Memory, true).await;
    let p = &e.ds.participants[0];
    let text = format!(
        "CPR;Team;Mobil\n{};{};{}\n{};{};99887766\n",
        p.cpr.reveal(),
        e.ds.teams
            .iter()
            .find(|t| p.teams.contains(&t.id))
            .unwrap()
            .name,
        p.contact.mobile.unwrap().national(),
        e.ds.participants[1].cpr.reveal(),
        e.ds.teams
            .iter()
            .find(|t| e.ds.participants[1].teams.contains(&t.id))
            .unwrap()
            .name,
    );
    let report = e
        .svc
        .import_participants(&admin(), &csv(&text), ImportMode::AllOrNothing)
        .await
        .unwrap();
    assert_eq!(
        (report.imported, report.updated, report.unchanged),
        (0, 1, 1)
    );
    let stored = participants(&e).await;
    assert_eq!(
        stored[&e.ds.participants[1].cpr.reveal()]
            .contact
            .mobile
            .unwrap()
            .national(),
        "99887766"
    );
    assert_eq!(stored[&p.cpr.reveal()], *p);
}

#[tokio::test]
async fn work_locations_import_is_idempotent_by_title() {
    for backend in BACKENDS {
        let e = env(backend, false).await;
        let old = &e.ds.work_locations[0];
        let area = e.ds.areas[0].name.to_string();
        let text = format!(
            "Titel;Adresse;Postnummer;By;Område;Afstemningsområde\n\
             Nyby Hallen;Hallvej 2;6000;Kolding;{area};42\n\
             {};{};{};{};{area};{}\n\
             {};Ny vej 9;6000;Kolding;{area};7\n\
             Uden område;Vej 1;6000;Kolding;Atlantis;x\n",
            e.ds.work_locations[1].title,
            e.ds.work_locations[1].address.street,
            e.ds.work_locations[1].address.postal_code.unwrap(),
            e.ds.work_locations[1].address.city,
            e.ds.work_locations[1].voting_area.unwrap(),
            old.title.as_str().to_uppercase(),
        );
        // Location 1 is in area 0 only when the generator put it there; compute the expectation.
        let l1_same = e.ds.work_locations[1].area == e.ds.areas[0].id;
        let report = e
            .svc
            .import_work_locations(&admin(), &csv(&text), ImportMode::GoodRows)
            .await
            .unwrap();
        let errors: Vec<(usize, &str)> = report
            .rejected
            .iter()
            .map(|r| (r.line, r.column.as_str()))
            .collect();
        assert_eq!(errors, [(5, "Område"), (5, "Afstemningsområde")]);
        assert_eq!(report.imported, 1);
        assert_eq!(report.updated, if l1_same { 1 } else { 2 });
        let all = e.svc.work_locations(&admin()).await.unwrap();
        let changed = all.iter().find(|l| l.id == old.id).unwrap();
        assert_eq!(changed.address.street, "Ny vej 9");
        assert_eq!(changed.voting_area, Some(7));
        assert_eq!(changed.teams, old.teams);
        let again = e
            .svc
            .import_work_locations(&admin(), &csv(&text), ImportMode::GoodRows)
            .await
            .unwrap();
        assert_eq!((again.imported, again.updated, again.unchanged), (0, 0, 3));
        // All or nothing with a bad row writes nothing.
        let before = e.svc.work_locations(&admin()).await.unwrap();
        let strict = e
            .svc
            .import_work_locations(
                &admin(),
                &csv(&text.replace("Nyby Hallen", "Endnu en hal")),
                ImportMode::AllOrNothing,
            )
            .await
            .unwrap();
        assert!(!strict.written);
        assert_eq!(e.svc.work_locations(&admin()).await.unwrap(), before);
    }
}

#[tokio::test]
async fn the_cpr_column_is_refused_for_readers_and_party_secretaries() {
    let e = env(Backend::Memory, true).await;
    let election = e.ds.election.id;
    let secretary = Actor::Person(PersonActor {
        participant: e.ds.participants[0].id,
        responsible_for_teams: [(e.ds.teams[0].id, LocationScope::All)].into(),
        responsible_for_locations: Default::default(),
    });
    for actor in [reader(), secretary.clone()] {
        let err = e
            .svc
            .export_participant_list(
                &actor,
                election,
                &ParticipantFilter::default(),
                &[ListColumn::Name, ListColumn::Cpr],
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Denied(d) if d.permission == Permission::ReadFullCpr),
            "{err:?}"
        );
        assert!(matches!(
            e.svc.export_valg_central(&actor, election, &RoleMapping::new()).await,
            Err(Error::Denied(d)) if d.permission == Permission::ReadFullCpr
        ));
        assert!(matches!(
            e.svc.export_participants(&actor).await,
            Err(Error::Denied(d)) if d.permission == Permission::ReadFullCpr
        ));
    }
    // A party secretary gets their own party's status report, and only that.
    let status = e
        .svc
        .export_party_status(&secretary, election)
        .await
        .unwrap();
    assert_eq!(status.rows.len(), 1);
    assert_eq!(status.rows[0].cells[0], e.ds.teams[0].name.to_string());
    // One team's status: the secretary's own team gives the same row, another team's is
    // refused; a secretary limited to some of the team's stations gets the team's whole row.
    let own = e
        .svc
        .export_team_status(&secretary, election, e.ds.teams[0].id)
        .await
        .unwrap();
    assert_eq!(own, status);
    assert!(matches!(
        e.svc.export_team_status(&secretary, election, e.ds.teams[1].id).await,
        Err(Error::Denied(d)) if d.permission == Permission::ReadTeamMembers { team: e.ds.teams[1].id }
    ));
    let some_stations = Actor::Person(PersonActor {
        participant: e.ds.participants[1].id,
        responsible_for_teams: [(
            e.ds.teams[0].id,
            LocationScope::Only([e.ds.work_locations[0].id].into()),
        )]
        .into(),
        responsible_for_locations: Default::default(),
    });
    assert_eq!(
        e.svc
            .export_team_status(&some_stations, election, e.ds.teams[0].id)
            .await
            .unwrap(),
        status
    );
    let theirs = e
        .svc
        .export_team_status(&admin(), election, e.ds.teams[1].id)
        .await
        .unwrap();
    assert_eq!(theirs.rows.len(), 1);
    assert_eq!(theirs.rows[0].cells[0], e.ds.teams[1].name.to_string());
    // No CPR number was written to the audit log by the refusals.
    let log = e
        .svc
        .audit_log(&admin(), &AuditFilter::default())
        .await
        .unwrap();
    assert!(log.iter().all(|a| a.action != AuditAction::CprAccess));
}

#[tokio::test]
async fn exports_are_audit_logged_with_every_cpr_shown() {
    for backend in BACKENDS {
        let e = env(backend, true).await;
        let election = e.ds.election.id;
        let table = e
            .svc
            .export_participant_list(
                &admin(),
                election,
                &ParticipantFilter::default(),
                &ListColumn::ALL,
            )
            .await
            .unwrap();
        let (_, invited, accepted) = e.ds.status_counts();
        assert_eq!(table.rows.len(), invited + accepted);
        assert_eq!(table.headers.last().unwrap(), "Kvittering");
        let cpr_col = table
            .headers
            .iter()
            .position(|h| h == "CPR-nummer")
            .unwrap();
        assert!(table.rows.iter().all(|r| r.cells[cpr_col].len() == 11));
        let people: std::collections::BTreeSet<&str> =
            table.rows.iter().map(|r| r.cells[0].as_str()).collect();
        assert!(!people.is_empty());
        let log = e
            .svc
            .audit_log(&admin(), &AuditFilter::default())
            .await
            .unwrap();
        let exports = log
            .iter()
            .filter(|a| a.action == AuditAction::Export)
            .count();
        assert_eq!(exports, 1);
        let holders: std::collections::BTreeSet<_> =
            e.ds.seats
                .iter()
                .filter_map(|s| s.state.participant())
                .collect();
        let cpr_entries: std::collections::BTreeSet<_> = log
            .iter()
            .filter(|a| a.action == AuditAction::CprAccess)
            .filter_map(|a| a.participant)
            .collect();
        assert_eq!(cpr_entries, holders);

        // Without the CPR column: an export entry, no CPR access.
        e.svc
            .export_participant_list(
                &admin(),
                election,
                &ParticipantFilter::default(),
                &[ListColumn::Name, ListColumn::Receipt],
            )
            .await
            .unwrap();
        let payroll = e
            .svc
            .export_payroll(&admin(), election, false)
            .await
            .unwrap();
        assert!(payroll.rows.iter().any(|r| r.cells[3] == "I alt"));
        let status = e.svc.export_party_status(&admin(), election).await.unwrap();
        let seats: u32 = status
            .rows
            .iter()
            .map(|r| r.cells[2].parse::<u32>().unwrap())
            .sum();
        assert_eq!(seats as usize, e.ds.seats.len());
        let vc = e
            .svc
            .export_valg_central(&admin(), election, &RoleMapping::new())
            .await
            .unwrap();
        assert!(
            vc.rows
                .iter()
                .all(|r| r.cells[0] == "Tilforordnet" || r.cells[0] == "Valgsekretær")
        );
        let log = e
            .svc
            .audit_log(&admin(), &AuditFilter::default())
            .await
            .unwrap();
        assert_eq!(
            log.iter()
                .filter(|a| a.action == AuditAction::Export)
                .count(),
            5
        );
        let new_cpr = log
            .iter()
            .filter(|a| a.action == AuditAction::CprAccess)
            .count();
        let vc_people: std::collections::BTreeSet<_> =
            vc.rows.iter().map(|r| r.cells[5].clone()).collect();
        assert_eq!(new_cpr, cpr_entries.len() + vc_people.len());
    }
}

fn row(
    name: &str,
    birth: (i32, u32, u32),
    task: &str,
    area: Option<u32>,
    status: SeatStatus,
) -> ParticipantRow {
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 17).unwrap();
    ParticipantRow {
        seat: SeatId::new(),
        status,
        participant: ParticipantId::new(),
        name: name.into(),
        age: 40,
        birth_date: chrono::NaiveDate::from_ymd_opt(birth.0, birth.1, birth.2).unwrap(),
        mobile: None,
        email: None,
        address: String::new(),
        protected_address: false,
        special_diets: vec![],
        team: "Parti A".into(),
        area: "Nord".into(),
        work_location: "Skolen".into(),
        voting_area: area,
        task_type: task.into(),
        date,
        start: "07:30".into(),
        end: "22:00".into(),
        payment: None,
    }
}

#[test]
fn valg_central_csv_is_exact() {
    let rows = vec![
        row(
            "Åse Østergaard",
            (1980, 1, 1),
            "Tilforordnet",
            Some(2),
            SeatStatus::Accepted,
        ),
        row(
            "Bent Hansen",
            (1975, 6, 30),
            "Valgstyrerformand",
            Some(1),
            SeatStatus::Accepted,
        ),
        row(
            "Carl Ib",
            (2001, 12, 24),
            "Valgsekretær",
            Some(1),
            SeatStatus::Accepted,
        ),
        row(
            "Dorte Due",
            (1990, 2, 3),
            "Fintæller",
            Some(1),
            SeatStatus::Accepted,
        ),
        row(
            "Erik Eg",
            (1990, 2, 3),
            "Tilforordnet",
            None,
            SeatStatus::Accepted,
        ),
        row(
            "Finn Fe",
            (1990, 2, 3),
            "Tilforordnet",
            Some(1),
            SeatStatus::Invited,
        ),
        row(
            "Gitte Gran",
            (1966, 4, 5),
            "Optæller",
            Some(1),
            SeatStatus::Accepted,
        ),
    ];
    let cprs: HashMap<ParticipantId, String> = rows
        .iter()
        .map(|r| {
            (
                r.participant,
                r.birth_date.format("%d%m%y-1234").to_string(),
            )
        })
        .collect();
    let mapping = RoleMapping::new().with("optæller", exchange::NationalRole::Tilforordnet);
    let lines = exchange::valg_central_rows(&rows, &mapping, &cprs);
    let bytes = exchange::valg_central_table(&lines)
        .to_csv(CsvOptions::excel_da())
        .unwrap();
    let want = "\u{feff}Rolle;Navn;Fødselsdato;Afstemningsområde;Brugernavn;CPR\r\n\
                Tilforordnet;Bent Hansen;30-06-1975;1;;300675-1234\r\n\
                Tilforordnet;Gitte Gran;05-04-1966;1;;050466-1234\r\n\
                Valgsekretær;Carl Ib;24-12-2001;1;;241201-1234\r\n\
                Tilforordnet;Åse Østergaard;01-01-1980;2;;010180-1234\r\n";
    assert_eq!(String::from_utf8(bytes).unwrap(), want);
}

#[test]
fn xlsx_round_trip_keeps_text_zeros_and_danish_letters() {
    let table = Table::new(
        vec![
            "CPR-nummer".into(),
            "Navn".into(),
            "Mobil".into(),
            "Tom".into(),
        ],
        vec![
            vec![
                "010180-1234".into(),
                "Åse Ærø".into(),
                "01234567".into(),
                String::new(),
            ],
            vec![
                "0202801234".into(),
                "Øjvind".into(),
                String::new(),
                "x".into(),
            ],
        ],
    );
    let bytes = table.to_xlsx("Deltagere").unwrap();
    let back = read_table(&bytes).unwrap();
    assert_eq!(back.headers, table.headers);
    let cells: Vec<Vec<String>> = back
        .rows
        .iter()
        .map(|r| {
            let mut c = r.cells.clone();
            c.resize(4, String::new());
            c
        })
        .collect();
    let want: Vec<Vec<String>> = table.rows.iter().map(|r| r.cells.clone()).collect();
    assert_eq!(cells, want);
    assert_eq!(back.rows[1].line, 3);
}

mod random_rows {
    use super::*;
    use proptest::prelude::*;

    fn has_ten_digits(s: &str) -> bool {
        let mut run = 0;
        for c in s.chars() {
            run = if c.is_ascii_digit() { run + 1 } else { 0 };
            if run >= 10 {
                return true;
            }
        }
        false
    }

    fn arb_cell() -> impl Strategy<Value = String> {
        prop_oneof![
            ".{0,20}",
            "[0-9]{9,11}",
            "[0-9]{6}-[0-9]{4}",
            "(Vegetar|Glutenfri|Parti A|Frivillige|x)([|,](Vegetar|Parti A|y))*",
            "[ ;,\"\n\r\t]{0,5}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

        #[test]
        fn random_bytes_never_panic_the_reader(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = read_table(&bytes);
            let mut with_header = b"CPR;Team;Mobil;E-mail;Specialkost\n".to_vec();
            with_header.extend(&bytes);
            if let Ok(t) = read_table(&with_header) {
                let ds = Dataset::generate(&Spec::small(), 3);
                let catalog = exchange::ImportCatalog::new(&ds.teams, &ds.special_diets, &ds.work_locations, &ds.areas);
                let _ = exchange::validate_participants(&t, &catalog);
                let _ = exchange::validate_work_locations(&t, &catalog);
            }
        }

        #[test]
        fn random_rows_never_panic_the_importer(
            rows in proptest::collection::vec(proptest::collection::vec(arb_cell(), 0..8), 0..12)
        ) {
            let table = Table::new(
                ["CPR", "Team", "Mobil", "E-mail", "Specialkost", "Foretrukket valgsted", "Ekstra"]
                    .map(str::to_owned)
                    .to_vec(),
                rows,
            );
            let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
            rt.block_on(async {
                let e = env(Backend::Memory, false).await;
                let report = e
                    .svc
                    .import_participants(&admin(), &table, ImportMode::GoodRows)
                    .await
                    .unwrap();
                let stored = participants(&e).await;
                assert_eq!(stored.len(), report.imported);
                assert!(stored.values().all(|p| !p.teams.is_empty()));
                // Every error names a real line and never a full CPR number.
                for r in &report.rejected {
                    assert!(r.line >= 2 && r.line < table.rows.len() + 2);
                    if r.column == "CPR-nummer" {
                        assert!(!has_ten_digits(&r.reason_da), "{}", r.reason_da);
                    }
                }
                // Importing the same rows again changes nothing.
                let again = e
                    .svc
                    .import_participants(&admin(), &table, ImportMode::GoodRows)
                    .await
                    .unwrap();
                assert_eq!(again.imported + again.updated, 0);
            });
        }
    }
}

#[tokio::test]
async fn import_needs_the_right_to_create_participants() {
    let e = env(Backend::Memory, false).await;
    let table = csv("CPR;Team\n");
    assert!(matches!(
        e.svc
            .import_participants(&reader(), &table, ImportMode::GoodRows)
            .await,
        Err(Error::Denied(_))
    ));
    // A file without the CPR column is refused as a whole, in Danish.
    let err = e
        .svc
        .import_participants(&admin(), &csv("Navn;Team\nA;B\n"), ImportMode::GoodRows)
        .await
        .unwrap_err();
    use valghalla::core::DanishMessage;
    assert!(
        err.message_da().contains("CPR-nummer"),
        "{}",
        err.message_da()
    );
}
