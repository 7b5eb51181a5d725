//! One statement per batch: a batch of reads is one `UNION ALL` query, and a change set is one
//! statement of data-modifying CTEs ending in its precondition check. Each costs one round trip
//! to the server instead of one per record: on a busy server round trips, not the work in them,
//! bound the store's throughput (see BENCHMARKS.md).
//!
//! The statements are assembled from the fixed fragments in [`crate::sql`]; values are always
//! bound parameters. The same shape of batch gives the same SQL text, so the server's prepared
//! statements are reused.

use std::fmt::Write as _;

use sqlx::postgres::PgArguments;
use sqlx::{AssertSqlSafe, Postgres};
use valghalla_core::model::{Op, RecordKind};
use valghalla_core::store::{Change, ChangeSet, Expect, Read, StoreError};

use crate::rows::{encode_record, key_uuid, nanos, to_json};
use crate::sql::{self, Arg, Write};

/// A statement being assembled: its SQL and its arguments (`$1` is the tenant).
pub(crate) struct Statement {
    sql: String,
    args: Vec<Arg>,
}

impl Statement {
    fn new(tenant: &str) -> Self {
        Statement {
            sql: String::new(),
            args: vec![Arg::Text(tenant.to_owned())],
        }
    }

    fn push_str(&mut self, s: &str) {
        self.sql.push_str(s);
    }

    /// Appends a fragment: `{t}` becomes `table`, each `{}` the placeholder of the next of
    /// `args` (a fragment has exactly as many `{}` as it is given arguments).
    fn push(&mut self, fragment: &str, table: &str, args: impl IntoIterator<Item = Arg>) {
        let fragment = fragment.replace("{t}", table);
        let mut args = args.into_iter();
        let mut parts = fragment.split("{}");
        if let Some(first) = parts.next() {
            self.sql.push_str(first);
        }
        for part in parts {
            if let Some(arg) = args.next() {
                self.args.push(arg);
                let _ = write!(self.sql, "${}", self.args.len());
            }
            self.sql.push_str(part);
        }
    }

    /// The statement ready to run. `persistent`: prepare it once per connection and keep it
    /// (for the shapes that recur); otherwise it is parsed each time.
    pub(crate) fn into_query(
        self,
        persistent: bool,
    ) -> sqlx::query::Query<'static, Postgres, PgArguments> {
        let mut query = sqlx::query(AssertSqlSafe(self.sql)).persistent(persistent);
        for arg in self.args {
            query = match arg {
                Arg::Text(s) => query.bind(s),
                Arg::Uuid(u) => query.bind(u),
                Arg::OptUuid(u) => query.bind(u),
                Arg::Int(i) => query.bind(i),
            };
        }
        query
    }
}

/// One query answering every read, made of one or more `SELECT`s per read; for each of them, the
/// read it answers and the kind of its rows. The query's rows are `(i, version, doc)`, `i` being
/// the position of the `SELECT` they come from.
pub(crate) fn reads(
    tenant: &str,
    reads: &[Read],
) -> Result<(Statement, Vec<(usize, RecordKind)>), StoreError> {
    let mut statement = Statement::new(tenant);
    let mut parts = Vec::with_capacity(reads.len());
    for (r, read) in reads.iter().enumerate() {
        for (kind, conditions) in sql::select(read)? {
            let i = parts.len();
            if i > 0 {
                statement.push_str(" UNION ALL ");
            }
            statement.push_str("(");
            statement.push(
                &sql::SELECT.replace("{i}", &i.to_string()),
                sql::table(kind),
                [],
            );
            for (condition, arg) in conditions {
                statement.push_str(" AND ");
                statement.push(condition, "", [arg]);
            }
            statement.push_str(")");
            parts.push((r, kind));
        }
    }
    Ok((statement, parts))
}

/// At most this many changes, audit entries and messages go into one statement; a larger change
/// set is written by several statements in one transaction. Keeps a statement well under the
/// protocol's 65,535 parameters and its plan small.
pub(crate) const ITEMS_PER_STATEMENT: usize = 100;

/// Change sets up to this size recur with the same shape (one per kind of command): their
/// statements are prepared once per connection. Larger ones (imports) are parsed each time.
const PERSISTENT_ITEMS: usize = 16;

/// The statements that write a change set, in order, each with whether to keep it prepared.
/// `changes` must be in the order the preconditions are to be checked and locks taken; a failed
/// precondition names its change by its index in `changes.changes`
/// (see [`failed_change`]).
pub(crate) fn writes(
    tenant: &str,
    changes: &ChangeSet,
) -> Result<Vec<(Statement, bool)>, StoreError> {
    enum Item<'a> {
        Change(usize, &'a Change),
        Audit(&'a valghalla_core::model::AuditEntry),
        Message(&'a valghalla_core::store::OutboxMessage),
    }
    let items: Vec<Item<'_>> = changes
        .changes
        .iter()
        .enumerate()
        .map(|(i, c)| Item::Change(i, c))
        .chain(changes.audit.iter().map(Item::Audit))
        .chain(changes.messages.iter().map(Item::Message))
        .collect();
    let mut out = Vec::new();
    for chunk in items.chunks(ITEMS_PER_STATEMENT) {
        let mut statement = Statement::new(tenant);
        // (n of its CTE `w{n}`, expected rows, change index) of every checked write.
        let mut checks = Vec::new();
        let mut audit = Vec::new();
        let mut ctes = 0;
        let mut open_cte = |statement: &mut Statement| {
            statement.push_str(if ctes == 0 { "WITH " } else { ", " });
            let _ = write!(statement.sql, "w{ctes} AS (");
            ctes += 1;
            ctes - 1
        };
        for item in chunk {
            match item {
                Item::Change(i, change) => {
                    let n = open_cte(&mut statement);
                    let write = Write::of(&change.op, change.expect);
                    let key = change.op.key();
                    let id = Arg::Uuid(key_uuid(&key));
                    let version = match change.expect {
                        Expect::Version(v) => Some(Arg::Int(i64::try_from(v).map_err(|_| {
                            StoreError::conflict(key, format!("no version {v} can exist"))
                        })?)),
                        Expect::Any | Expect::Absent => None,
                    };
                    let doc = match &change.op {
                        Op::Put(record) => Some(Arg::Text(encode_record(record)?)),
                        Op::Delete(_) | Op::Touch(_) => None,
                    };
                    // The fragments take their parameters in this order (see `sql::Write`).
                    let args = match write {
                        Write::Update => [doc, Some(id), version],
                        _ => [Some(id), version, doc],
                    };
                    statement.push(
                        write.sql(),
                        sql::table(key.kind()),
                        args.into_iter().flatten(),
                    );
                    statement.push_str(")");
                    if let Some(rows) = write.expected_rows() {
                        checks.push((n, rows, *i));
                    }
                }
                // Written below, all in one insert.
                Item::Audit(entry) => audit.push(*entry),
                Item::Message(m) => {
                    open_cte(&mut statement);
                    statement.push(
                        sql::UPSERT_MESSAGE,
                        "",
                        [
                            Arg::Uuid(m.id.as_uuid()),
                            Arg::Int(nanos(m.created_at)),
                            Arg::Uuid(m.participant.as_uuid()),
                            Arg::OptUuid(m.election.map(|e| e.as_uuid())),
                            Arg::Int(i64::from(m.attempts)),
                            Arg::Int(nanos(m.next_attempt_at)),
                            Arg::Text(to_json("an outbox message", m)?),
                        ],
                    );
                    statement.push_str(")");
                }
            }
        }
        if !audit.is_empty() {
            // One insert, so that the entries' order in the log (`seq`) is the change set's.
            open_cte(&mut statement);
            statement.push_str(sql::INSERT_AUDIT);
            for (j, entry) in audit.into_iter().enumerate() {
                if j > 0 {
                    statement.push_str(", ");
                }
                statement.push(
                    sql::AUDIT_ROW,
                    "",
                    [
                        Arg::Int(nanos(entry.at)),
                        Arg::OptUuid(entry.participant.map(|p| p.as_uuid())),
                        Arg::OptUuid(entry.election.map(|e| e.as_uuid())),
                        Arg::Text(to_json("an audit entry", entry)?),
                    ],
                );
            }
            statement.push_str(")");
        }
        let list = |f: &dyn Fn(&(usize, u8, usize)) -> String| {
            checks.iter().map(f).collect::<Vec<_>>().join(", ")
        };
        let found = list(&|(n, _, _)| format!("(SELECT count(*) FROM w{n})"));
        let expected = list(&|(_, rows, _)| rows.to_string());
        let indexes = list(&|(_, _, i)| i.to_string());
        statement.push_str(" ");
        statement.push_str(
            &sql::EXPECT_ROWS
                .replacen("{}", &found, 1)
                .replacen("{}", &expected, 1)
                .replacen("{}", &indexes, 1),
        );
        out.push((statement, chunk.len() <= PERSISTENT_ITEMS));
    }
    Ok(out)
}

/// The index of the change whose precondition failed, when `err` is the failure
/// `valghalla.expect_rows` raises.
pub(crate) fn failed_change(err: &sqlx::Error) -> Option<usize> {
    let sqlx::Error::Database(db) = err else {
        return None;
    };
    if db.code().as_deref() != Some(sql::PRECONDITION_FAILED) {
        return None;
    }
    db.message().rsplit(' ').next()?.parse().ok()
}
