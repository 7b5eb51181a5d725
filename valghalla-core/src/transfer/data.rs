//! A municipality's data as it moves: every record, the audit log and the outbox.

use std::collections::BTreeMap;

use crate::model::{AuditEntry, Record};
use crate::store::OutboxMessage;

/// One municipality's data, in a canonical order (records by key, audit entries and messages
/// oldest first), so two tenants holding the same data compare equal.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TenantData {
    /// Every record.
    pub records: Vec<Record>,
    /// The audit log.
    pub audit: Vec<AuditEntry>,
    /// The outbox, with each message's delivery state.
    pub messages: Vec<OutboxMessage>,
}

impl TenantData {
    /// Puts the data in the canonical order.
    pub fn normalise(&mut self) {
        self.records.sort_by_key(Record::key);
        self.audit.sort_by_key(|a| (a.at, a.id));
        self.messages.sort_by_key(|m| (m.created_at, m.id));
    }

    /// How many records of each kind, by [`RecordKind::name`](crate::model::RecordKind::name).
    pub fn counts_by_kind(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for r in &self.records {
            *counts.entry(r.key().kind().name()).or_default() += 1;
        }
        counts
    }
}
