//! Imports participants (or work locations) from a CSV or XLSX file into a SQLite database.
//!
//! ```text
//! cargo run --example import -- --db valg.db examples/data/deltagere.csv [--all-or-nothing] [--work-locations]
//! ```
//!
//! For the demo, an empty database is seeded with a municipality, an area, a few parties and
//! special diets, and people are "looked up" in a **demo registry that fabricates a plausible
//! person for any valid CPR number** — never use it for real data; a municipality plugs in its
//! CPR service (`PersonRegistry`) instead.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line example"
)]

use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use indicatif::{ProgressBar, ProgressStyle};
use valghalla::Valghalla;
use valghalla::core::exchange::{ImportMode, ImportProgress, read_table};
use valghalla::core::model::{Municipality, PersonRecord, TeamKind};
use valghalla::core::rules::access::{Actor, StaffRole};
use valghalla::core::service::{
    AreaDraft, PersonRegistry, RegistryError, SpecialDietDraft, TeamDraft,
};
use valghalla::core::testkit::FakeRegistry;
use valghalla::core::{Cpr, DanishMessage, MunicipalityCode, values::Name};
use valghalla::sqlite::SqliteStore;

const DEMO_MUNICIPALITY: &str = "0621";

/// DEMO ONLY: makes up a resident of the demo municipality for any valid CPR number.
#[derive(Debug)]
struct DemoRegistry;

#[async_trait]
impl PersonRegistry for DemoRegistry {
    async fn lookup(&self, cpr: &Cpr) -> Result<PersonRecord, RegistryError> {
        const FIRST: [&str; 8] = [
            "Anne", "Bo", "Camilla", "Dennis", "Ella", "Frederik", "Grethe", "Hans",
        ];
        const LAST: [&str; 8] = [
            "Jensen",
            "Nielsen",
            "Hansen",
            "Pedersen",
            "Andersen",
            "Christensen",
            "Larsen",
            "Sørensen",
        ];
        // A registry holds the whole number; the made-up name depends on all its digits.
        let seed = cpr
            .reveal()
            .bytes()
            .enumerate()
            .map(|(i, b)| usize::from(b) * (i + 1))
            .sum::<usize>();
        let code = MunicipalityCode::parse(DEMO_MUNICIPALITY)
            .map_err(|e| RegistryError::Unavailable(e.to_string()))?;
        Ok(FakeRegistry::resident(
            cpr,
            FIRST[seed % 8],
            LAST[(seed / 8) % 8],
            code,
        ))
    }
}

struct Args {
    db: PathBuf,
    file: PathBuf,
    mode: ImportMode,
    work_locations: bool,
}

fn args() -> Result<Args, String> {
    let mut db = None;
    let mut file = None;
    let mut mode = ImportMode::GoodRows;
    let mut work_locations = false;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--db" => db = it.next().map(PathBuf::from),
            "--all-or-nothing" => mode = ImportMode::AllOrNothing,
            "--work-locations" => work_locations = true,
            "-h" | "--help" => return Err(String::new()),
            other if other.starts_with("--") => return Err(format!("unknown option {other}")),
            other => file = Some(PathBuf::from(other)),
        }
    }
    Ok(Args {
        db: db.ok_or("--db PATH is required")?,
        file: file.ok_or("a CSV or XLSX file is required")?,
        mode,
        work_locations,
    })
}

async fn seed_if_empty(svc: &Valghalla, admin: &Actor) -> Result<(), Box<dyn std::error::Error>> {
    if svc.municipality(admin).await.is_ok() {
        return Ok(());
    }
    println!("Tom database: opretter en demo-kommune med partier, område og specialkost.");
    svc.set_municipality(
        admin,
        Municipality {
            code: MunicipalityCode::parse(DEMO_MUNICIPALITY)?,
            name: Name::parse("Demo Kommune")?,
        },
    )
    .await?;
    svc.create_area(
        admin,
        AreaDraft {
            name: "Centrum".into(),
            description: "".into(),
        },
    )
    .await?;
    for (name, letter) in [
        ("Socialdemokratiet", "A"),
        ("Radikale Venstre", "B"),
        ("Det Konservative Folkeparti", "C"),
        ("SF", "F"),
        ("Venstre", "V"),
        ("Enhedslisten", "Ø"),
    ] {
        svc.create_team(
            admin,
            TeamDraft {
                name: name.into(),
                short_name: letter.into(),
                kind: TeamKind::Party,
                description: "".into(),
            },
        )
        .await?;
    }
    svc.create_team(
        admin,
        TeamDraft {
            name: "Frivillige".into(),
            short_name: "FRI".into(),
            kind: TeamKind::Volunteers,
            description: "".into(),
        },
    )
    .await?;
    for diet in ["Vegetar", "Glutenfri", "Laktosefri"] {
        svc.create_special_diet(admin, SpecialDietDraft { title: diet.into() })
            .await?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = match args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("{e}");
            }
            eprintln!(
                "usage: import --db PATH FILE.csv|FILE.xlsx [--all-or-nothing] [--work-locations]"
            );
            std::process::exit(2);
        }
    };
    let bytes = std::fs::read(&args.file)?;
    let table = match read_table(&bytes) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{}", e.message_da());
            std::process::exit(1);
        }
    };
    let db = args.db.clone();
    let store = tokio::task::spawn_blocking(move || SqliteStore::open(db)).await??;
    println!("DEMO: personer slås op i et opdigtet demo-register, ikke i CPR.");
    let svc = Valghalla::new(Arc::new(store), Arc::new(DemoRegistry));
    let admin = Actor::Secretariat {
        user: "import-eksempel".into(),
        role: StaffRole::Administrator,
    };
    seed_if_empty(&svc, &admin).await?;

    let bar = ProgressBar::new(table.rows.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg:12} [{bar:40}] {pos}/{len}")?.progress_chars("=> "),
    );
    let progress = |p: ImportProgress| match p {
        ImportProgress::Validated { done, total } => {
            bar.set_message("kontrol");
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
        ImportProgress::LookedUp { done, total } => {
            bar.set_message("CPR-opslag");
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
        ImportProgress::Writing => bar.set_message("gemmer"),
    };
    let result = if args.work_locations {
        svc.import_work_locations(&admin, &table, args.mode).await
    } else {
        svc.import_participants_with_progress(&admin, &table, args.mode, &progress)
            .await
    };
    bar.finish_and_clear();
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("Importen mislykkedes: {}", e.message_da());
            std::process::exit(1);
        }
    };
    println!(
        "Nye: {}  Opdaterede: {}  Uændrede: {}  Afviste rækker: {}",
        report.imported,
        report.updated,
        report.unchanged,
        report.rejected.len()
    );
    if !report.written && !report.rejected.is_empty() && args.mode == ImportMode::AllOrNothing {
        println!("Intet er gemt, fordi der blev valgt alt-eller-intet og filen har fejl.");
    }
    for e in &report.rejected {
        println!("  {e}");
    }
    Ok(())
}
