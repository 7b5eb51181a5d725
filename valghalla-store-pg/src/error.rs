//! Mapping sqlx errors to [`StoreError`], without personal data.
//!
//! Only the SQLSTATE, the constraint name and sqlx's own message are ever used: Postgres puts
//! row values (a CPR number, a token) in an error's *detail*, which is never read here.

use valghalla_core::model::RecordKey;
use valghalla_core::store::StoreError;

pub(crate) const STORE: &str = "postgres";

/// Maps an sqlx error met while working on `key` (when known).
pub(crate) fn map(err: sqlx::Error, key: Option<RecordKey>) -> StoreError {
    match err {
        sqlx::Error::Database(db) => {
            let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
            let constraint = db.constraint().map(str::to_owned);
            let on = constraint
                .as_deref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default();
            match code.as_str() {
                "23505" => StoreError::Conflict {
                    key,
                    reason: format!("unique value already taken{on}"),
                },
                "23503" => StoreError::Conflict {
                    key,
                    reason: format!("a referenced record is missing or still referenced{on}"),
                },
                "40001" => StoreError::Conflict {
                    key,
                    reason: "serialization failure: a concurrent change won".into(),
                },
                "40P01" => StoreError::Conflict {
                    key,
                    reason: "deadlock with a concurrent change".into(),
                },
                "57P01" | "57P02" | "57P03" => StoreError::Unavailable {
                    store: STORE,
                    message: format!(
                        "the server closed the connection or is shutting down (SQLSTATE {code})"
                    ),
                },
                c if c.starts_with("08") => StoreError::Unavailable {
                    store: STORE,
                    message: format!("connection failure (SQLSTATE {code})"),
                },
                "53300" => StoreError::Unavailable {
                    store: STORE,
                    message: "the server has no free connection slots (SQLSTATE 53300)".into(),
                },
                _ => StoreError::Backend {
                    store: STORE,
                    message: format!("{} (SQLSTATE {code}){on}", db.message()),
                },
            }
        }
        sqlx::Error::Io(e) => StoreError::Unavailable {
            store: STORE,
            message: format!("cannot talk to the server: {e}"),
        },
        sqlx::Error::Tls(e) => StoreError::Unavailable {
            store: STORE,
            message: format!("TLS connection to the server failed: {e}"),
        },
        sqlx::Error::PoolTimedOut => StoreError::Unavailable {
            store: STORE,
            message: "timed out waiting for a connection: the server may be down or every \
                      connection busy"
                .into(),
        },
        sqlx::Error::PoolClosed => StoreError::Unavailable {
            store: STORE,
            message: "the connection pool is closed".into(),
        },
        sqlx::Error::WorkerCrashed => StoreError::Unavailable {
            store: STORE,
            message: "the connection's background worker crashed".into(),
        },
        sqlx::Error::BeginFailed => StoreError::Unavailable {
            store: STORE,
            message: "could not begin a transaction on the connection".into(),
        },
        e @ (sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_)) => StoreError::Corrupt {
            store: STORE,
            message: e.to_string(),
        },
        e => StoreError::Backend {
            store: STORE,
            message: e.to_string(),
        },
    }
}

/// A JSON document that does not decode. serde's message is left out: it may quote the value
/// (a CPR number); the position and category are enough to find the row.
pub(crate) fn corrupt(what: &str, err: &serde_json::Error) -> StoreError {
    StoreError::Corrupt {
        store: STORE,
        message: format!(
            "{what} does not decode ({:?} error at line {}, column {})",
            err.classify(),
            err.line(),
            err.column()
        ),
    }
}

/// A record or message that does not encode (a bug: every model type is serialisable).
pub(crate) fn encode(what: &str, err: &serde_json::Error) -> StoreError {
    StoreError::Backend {
        store: STORE,
        message: format!("{what} does not encode ({:?} error)", err.classify()),
    }
}
