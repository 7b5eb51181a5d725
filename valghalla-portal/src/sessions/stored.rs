//! What the session tables hold: a session's data as JSON text and the key that signs the
//! cookies; and why opening them failed.

#[cfg(any(feature = "sqlite", feature = "postgres"))]
use tower_cookies::Key;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
use tower_sessions::session::{Id, Record};
#[cfg(any(feature = "sqlite", feature = "postgres"))]
use tower_sessions::session_store;

/// Why the session store could not be opened.
#[derive(Debug, thiserror::Error)]
#[error("the session store could not be opened: {0}")]
pub struct SessionsError(pub String);

/// A session's data as stored (JSON text).
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(super) fn encode(record: &Record) -> session_store::Result<String> {
    serde_json::to_string(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))
}

/// A stored session's data.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(super) fn decode(id: Id, data: &str, expires: i64) -> session_store::Result<Record> {
    Ok(Record {
        id,
        data: serde_json::from_str(data)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?,
        expiry_date: time::OffsetDateTime::from_unix_timestamp(expires)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?,
    })
}

/// 64 random bytes: a new signing key.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(super) fn new_key() -> Vec<u8> {
    Key::generate().master().to_vec()
}
