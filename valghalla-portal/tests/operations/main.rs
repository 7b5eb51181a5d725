//! Operations under load and failure (issue 23), each bounded and stopping by itself: a backup
//! during a sign-up wave that restores; a municipality's data moved between store kinds; and
//! faults under a wave — the host SIGKILLed, the SQLite disk full, the SMTP server down,
//! Postgres restarted. RELIABILITY.md maps each promise to its test here.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    reason = "tests fail loudly"
)]

#[path = "../../../valghalla-channels/tests/support/mod.rs"]
#[allow(
    dead_code,
    reason = "shared with the channels' tests; this one uses part of it"
)]
mod support;

#[path = "../../benches/support/loadgen.rs"]
#[allow(
    dead_code,
    reason = "shared with the benchmarks; the operations tests use the browsers and answers"
)]
mod loadgen;

mod backup;
mod disk_full;
mod kill;
mod pg;
mod pg_restart;
mod smtp_down;
mod transfer;
mod wave;
