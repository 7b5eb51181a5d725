//! Decoded records, kept per connection and keyed by their stored JSON.
//!
//! Every command reads the municipality, the election and task types, its seat's election,
//! station and team, the person and their seats; decoding their JSON was about half of its
//! reading time. Most of those documents are the same from one command to the next (a touch
//! changes a row's version, not its document), so each connection keeps, per row, the document
//! it last decoded and the record it decoded to. A row whose document is byte for byte the one
//! kept is answered with a copy of the kept record; any other is decoded and kept instead.
//!
//! A record is a pure function of its document, so this can never answer with a stale record,
//! whoever wrote the row and however: there is nothing to invalidate. What it costs is memory,
//! about twice the documents read; a kind with more than [`MAX_ROWS`] kept rows starts over.

use std::collections::HashMap;

use valghalla_core::model::{Record, RecordKind};
use valghalla_core::store::StoreError;

/// How many rows of one kind a connection keeps before it forgets them all (a large
/// municipality has about 10,000 participants and seats).
const MAX_ROWS: usize = 50_000;

/// The decoded records of one connection, by kind and row id.
#[derive(Default)]
pub(crate) struct Decoded {
    rows: HashMap<RecordKind, HashMap<String, (String, Record)>>,
}

/// Counts only: a participant's stored JSON holds the full CPR number, which must never reach
/// Debug output.
impl std::fmt::Debug for Decoded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut rows = f.debug_map();
        for (kind, kept) in &self.rows {
            rows.entry(&kind.name(), &kept.len());
        }
        rows.finish()
    }
}

impl Decoded {
    /// The record stored in row `id` of `kind` as `doc`: the one kept for that row if its
    /// document is `doc`, else `decode(doc)`, which is then kept.
    pub(crate) fn record(
        &mut self,
        kind: RecordKind,
        id: &str,
        doc: &str,
        decode: impl FnOnce(&str) -> Result<Record, StoreError>,
    ) -> Result<Record, StoreError> {
        let rows = self.rows.entry(kind).or_default();
        if let Some((kept, record)) = rows.get(id)
            && kept == doc
        {
            return Ok(record.clone());
        }
        let record = decode(doc)?;
        if rows.len() >= MAX_ROWS && !rows.contains_key(id) {
            rows.clear();
        }
        rows.insert(id.to_owned(), (doc.to_owned(), record.clone()));
        Ok(record)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use valghalla_core::model::{Area, Record, RecordKind};

    use super::*;

    fn area(name: &str) -> Record {
        Record::Area(Area {
            id: valghalla_core::ids::AreaId::from_uuid(uuid::Uuid::from_u128(1)),
            name: valghalla_core::values::Name::parse(name).unwrap(),
            description: String::new(),
        })
    }

    fn decode(doc: &str) -> Result<Record, StoreError> {
        Ok(area(doc))
    }

    #[test]
    fn the_same_document_is_decoded_once_and_another_document_again() {
        let mut decoded = Decoded::default();
        let mut calls = 0;
        let mut read = |doc: &str| {
            decoded
                .record(RecordKind::Area, "a", doc, |d| {
                    calls += 1;
                    decode(d)
                })
                .unwrap()
        };
        assert_eq!(read("Nord"), area("Nord"));
        assert_eq!(read("Nord"), area("Nord"));
        assert_eq!(read("Syd"), area("Syd"));
        assert_eq!(read("Nord"), area("Nord"));
        assert_eq!(calls, 3);
    }

    #[test]
    fn debug_output_shows_counts_not_documents() {
        let mut decoded = Decoded::default();
        decoded
            .record(RecordKind::Area, "a", "Nord", decode)
            .unwrap();
        assert_eq!(format!("{decoded:?}"), r#"{"area": 1}"#);
    }

    #[test]
    fn a_kind_with_too_many_rows_starts_over() {
        let mut decoded = Decoded::default();
        for i in 0..=MAX_ROWS {
            decoded
                .record(RecordKind::Area, &i.to_string(), "Nord", decode)
                .unwrap();
        }
        assert_eq!(decoded.rows[&RecordKind::Area].len(), 1);
    }
}
