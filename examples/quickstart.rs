//! Quick start: a municipality with three stations and two parties, people placed, and the
//! staffing overview printed as a table. Run with `cargo run --example quickstart`.
use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use valghalla::Valghalla;
use valghalla::core::memory::MemoryStore;
use valghalla::core::model::{ElectionKind, Municipality, SlotKey, TeamKind, Trust};
use valghalla::core::rules::access::{Actor, StaffRole};
use valghalla::core::service::{
    AreaDraft, ElectionDraft, ElectionTypeDraft, NewParticipant, OverviewFilter, TaskTypeDraft,
    TeamDraft, WorkLocationDraft,
};
use valghalla::core::testkit::FakeRegistry;
use valghalla::core::{Cpr, MunicipalityCode, time::DailyWindow, values::Name};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let registry = FakeRegistry::new(); // a municipality plugs in its CPR service instead
    let svc = Valghalla::new(Arc::new(MemoryStore::new()), Arc::new(registry.clone()));
    let admin = Actor::Secretariat {
        user: "sekretariat".into(),
        role: StaffRole::Administrator,
    };
    let code = MunicipalityCode::parse("0621")?;
    svc.set_municipality(
        &admin,
        Municipality {
            code,
            name: Name::parse("Kolding Kommune")?,
        },
    )
    .await?;

    let area = svc
        .create_area(
            &admin,
            AreaDraft {
                name: "Centrum".into(),
                description: "".into(),
            },
        )
        .await?;
    let a = svc
        .create_team(
            &admin,
            TeamDraft {
                name: "Socialdemokratiet".into(),
                short_name: "A".into(),
                kind: TeamKind::Party,
                description: "".into(),
            },
        )
        .await?;
    let v = svc
        .create_team(
            &admin,
            TeamDraft {
                name: "Venstre".into(),
                short_name: "V".into(),
                kind: TeamKind::Party,
                description: "".into(),
            },
        )
        .await?;
    let window = DailyWindow::hm(7, 30, 22, 0).ok_or("bad time")?;
    let tf = svc
        .create_task_type(
            &admin,
            TaskTypeDraft {
                title: "Tilforordnet".into(),
                short_name: "TF".into(),
                description: String::new(),
                window,
                payment: None,
                trust: Trust::Open,
                check_eligibility: true,
                reminders: true,
                chair: false,
            },
        )
        .await?;
    let mut stations = Vec::new();
    for title in ["Ødis Forsamlingshus", "Bramdrup Skole", "Kolding Hallen"] {
        let draft = WorkLocationDraft {
            area: area.id,
            title: title.into(),
            street: "Skolevej 1".into(),
            postal_code: "6000".into(),
            city: "Kolding".into(),
            voting_area: None,
            teams: [a.id, v.id].into(),
            task_types: [tf.id].into(),
            responsibles: Default::default(),
        };
        stations.push(svc.create_work_location(&admin, draft).await?);
    }
    let day = NaiveDate::from_ymd_opt(2026, 11, 17).ok_or("bad date")?;
    let et = svc
        .create_election_type(
            &admin,
            ElectionTypeDraft {
                title: "Folketingsvalg".into(),
                kind: ElectionKind::Folketingsvalg,
                rules: None,
            },
        )
        .await?;
    let election = svc
        .create_election(
            &admin,
            ElectionDraft {
                title: "Folketingsvalg 2026".into(),
                election_type: et.id,
                election_day: day,
                first_day: day - Duration::days(1),
                last_day: day,
                lock_period_days: 4,
                work_locations: stations.iter().map(|s| s.id).collect(),
            },
        )
        .await?;

    for (i, station) in stations.iter().enumerate() {
        for (t, team) in [a.id, v.id].into_iter().enumerate() {
            let slot = SlotKey {
                election: election.id,
                work_location: station.id,
                task_type: tf.id,
                team,
                date: day,
            };
            svc.set_seat_count(&admin, slot, 3).await?;
            let cpr = Cpr::parse(&format!("01017{i}{t}234"))?;
            registry.insert(
                cpr,
                FakeRegistry::resident(&cpr, "Karen", &format!("Jensen {i}{t}"), code),
            );
            let new = NewParticipant {
                cpr,
                contact: Default::default(),
                teams: [team].into(),
                special_diets: Default::default(),
                preferred_work_location: None,
            };
            let person = svc.create_participant(&admin, new).await?;
            svc.invite(&admin, svc.slot_seats(&admin, slot).await?[0].id, person.id)
                .await?;
        }
    }

    let overview = svc
        .overview(&admin, election.id, &OverviewFilter::default())
        .await?;
    println!(
        "{:<22} {:<18} {:>7} {:>6} {:>9} {:>10}",
        "Valgsted", "Team", "Pladser", "Ledige", "Inviteret", "Accepteret"
    );
    for location in overview.areas.iter().flat_map(|a| &a.locations) {
        for row in &location.rows {
            let c = row.counts;
            println!(
                "{:<22} {:<18} {:>7} {:>6} {:>9} {:>10}",
                location.title, row.team_name, c.seats, c.vacant, c.invited, c.accepted
            );
        }
    }
    let t = overview.totals;
    println!(
        "I alt: {} pladser, {} ledige, {} inviteret, {} accepteret",
        t.seats, t.vacant, t.invited, t.accepted
    );
    Ok(())
}
