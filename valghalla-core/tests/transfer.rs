//! The `valghalla-tenant` file: what is written reads back the same; the memory store's data
//! round-trips through a file into another store; a file of another format, a newer version, a
//! changed byte, a cut end or lines after the end is refused with its line number and never
//! with a value from the file; an import never writes into a store with data.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    reason = "tests fail loudly"
)]

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use valghalla_core::memory::MemoryStore;
use valghalla_core::store::DynStore;
use valghalla_core::testkit::generator::{Dataset, Spec};
use valghalla_core::testkit::scenario::{Scenario, election_day};
use valghalla_core::transfer::{self, ImportError, Problem, TenantData};

fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 4, 23, 0, 0)
        .single()
        .unwrap()
}

/// A tenant with records, audit entries and messages: the scenario, its commands' traces.
async fn tenant() -> (DynStore, TenantData) {
    let store: DynStore = Arc::new(MemoryStore::new());
    let s = Scenario::new(store.clone()).await;
    let p = s.person("Anna", "Andersen", 0).await;
    let slot = s.slot(0, &s.tilforordnet, 0, election_day());
    let seat = s.seats(slot, 2).await[0].id;
    s.svc.invite(&s.admin, seat, p.id).await.unwrap();
    s.svc
        .add_note(&s.admin, p.id, "Har nøglen til skolen.")
        .await
        .unwrap();
    let data = transfer::read_tenant(store.as_ref()).await.unwrap();
    assert!(!data.records.is_empty() && !data.audit.is_empty() && !data.messages.is_empty());
    assert_eq!(
        data.counts_by_kind().get("note"),
        Some(&1),
        "notes travel too"
    );
    (store, data)
}

fn file(data: &TenantData) -> Vec<u8> {
    let mut out = Vec::new();
    transfer::encode(data, "memory", at(), &mut out).unwrap();
    out
}

#[tokio::test]
async fn a_tenant_round_trips_through_a_file_into_another_store() {
    let (_, data) = tenant().await;
    let bytes = file(&data);
    let (header, read) = transfer::decode(&bytes[..]).unwrap();
    assert_eq!(header.format, transfer::FORMAT);
    assert_eq!(header.version, transfer::VERSION);
    assert_eq!(header.counts.records, data.records.len() as u64);
    assert_eq!(read, data);
    let target: DynStore = Arc::new(MemoryStore::new());
    transfer::write_tenant(target.as_ref(), read).await.unwrap();
    assert_eq!(transfer::read_tenant(target.as_ref()).await.unwrap(), data);
    // The same data writes the same bytes.
    assert_eq!(
        file(&transfer::read_tenant(target.as_ref()).await.unwrap()),
        bytes
    );
}

#[tokio::test]
async fn an_import_never_writes_into_a_store_that_holds_data() {
    let (store, data) = tenant().await;
    let before = transfer::read_tenant(store.as_ref()).await.unwrap();
    match transfer::write_tenant(store.as_ref(), data).await {
        Err(ImportError::NotEmpty(what)) => assert!(what.contains("participant"), "{what}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(transfer::read_tenant(store.as_ref()).await.unwrap(), before);
}

#[tokio::test]
async fn a_generated_municipality_round_trips() {
    let ds = Dataset::generate(&Spec::small(), 7);
    let store: DynStore = Arc::new(MemoryStore::new());
    store.apply(ds.change_set()).await.unwrap();
    let data = transfer::read_tenant(store.as_ref()).await.unwrap();
    let (_, read) = transfer::decode(&file(&data)[..]).unwrap();
    assert_eq!(read, data);
}

fn problem(bytes: &[u8]) -> (u64, Problem) {
    let e = transfer::decode(bytes).expect_err("refused");
    (e.line, e.problem)
}

#[tokio::test]
async fn a_damaged_file_is_refused_with_its_line_and_no_value() {
    let (_, data) = tenant().await;
    let text = String::from_utf8(file(&data)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // Not an export at all.
    assert_eq!(problem(b"name;cpr\n").1, Problem::NotAnExport);
    assert_eq!(problem(b"").1, Problem::NotAnExport);
    // A newer version.
    let newer = text.replacen("\"version\":1", "\"version\":2", 1);
    assert_eq!(problem(newer.as_bytes()).1, Problem::NewerVersion(2));
    // Cut short.
    let cut = lines[..lines.len() - 1].join("\n") + "\n";
    assert_eq!(problem(cut.as_bytes()).1, Problem::Truncated);
    // Lines after the end.
    let after = format!("{text}{}\n", lines[1]);
    assert_eq!(problem(after.as_bytes()).1, Problem::AfterEnd);
    // A changed value: the checksum.
    let changed = text.replacen("Anna", "Anne", 1);
    assert_eq!(problem(changed.as_bytes()).1, Problem::Checksum);
    // A line that is not a record: its number, and nothing of its content.
    let mut broken: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    broken[2] = broken[2].replacen("{\"record\"", "{\"rekord\"", 1);
    let broken = broken.join("\n") + "\n";
    let e = transfer::decode(broken.as_bytes()).expect_err("refused");
    assert_eq!(e.line, 3);
    assert!(matches!(e.problem, Problem::Malformed { .. }), "{e}");
    assert!(!e.to_string().contains("Anna") && !e.to_string().contains("0101"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Any one byte changed after the header: refused, or (a change JSON does not see, such as
    /// inside the checksum's own line) never different data.
    #[test]
    fn one_changed_byte_is_never_read_as_other_data(at_fraction in 0.0f64..1.0, byte in any::<u8>()) {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let (_, data) = rt.block_on(tenant());
        let mut bytes = file(&data);
        let first = bytes.iter().position(|b| *b == b'\n').unwrap() + 1;
        let i = first + ((bytes.len() - first) as f64 * at_fraction) as usize;
        let i = i.min(bytes.len() - 1);
        prop_assume!(bytes[i] != byte);
        bytes[i] = byte;
        if let Ok((_, read)) = transfer::decode(&bytes[..]) {
            prop_assert_eq!(read, data);
        }
    }
}
