//! Searching the communication log: by who (part of the recipient's name, or one recipient),
//! what (the message kind), its delivery state, the subject the secretariat wrote and when
//! (local days, both ends included), a page at a time, newest first — as the audit log is
//! searched ([`super::audit_search`]), with the same paging.

use chrono::NaiveDate;

use crate::ids::ParticipantId;
use crate::messages::MessageKind;
use crate::model::{Participant, RecordKind};
use crate::rules::access::{Actor, Permission};
use crate::store::{OutboxFilter, Query};

use super::communication::{LogEntry, LogStatus};
use super::paging::{Paged, on_days};
use super::tx::Tx;
use super::{Result, Valghalla};

/// The name a message's recipient is shown by once they have been deleted.
pub const DELETED_RECIPIENT: &str = "(slettet)";

/// What to look for in the communication log. Every field is a filter; empty ones select
/// everything.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommunicationSearch {
    /// Part of the recipient's name, ignoring case.
    pub who: String,
    /// Only to this participant (the participant page's link to their messages).
    pub participant: Option<ParticipantId>,
    /// Only of this kind.
    pub kind: Option<MessageKind>,
    /// Only in this state.
    pub status: Option<LogStatus>,
    /// Part of the subject the secretariat wrote (group messages, answers to threads),
    /// ignoring case. A message sent from a template has no written subject: find it by kind.
    pub subject: String,
    /// Queued from this local day.
    pub from: Option<NaiveDate>,
    /// Queued to this local day, included.
    pub to: Option<NaiveDate>,
}

/// One line of the communication log as a search shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// The message and its delivery.
    pub entry: LogEntry,
    /// The recipient's name ([`DELETED_RECIPIENT`] once they are deleted).
    pub recipient: String,
    /// The subject the secretariat wrote, for a group message or an answer.
    pub subject: Option<String>,
}

impl CommunicationSearch {
    /// Whether `line` is one the search looks for.
    pub fn matches(&self, line: &LogLine) -> bool {
        let contains = |hay: &str, needle: &str| {
            let needle = needle.trim().to_lowercase();
            needle.is_empty() || hay.to_lowercase().contains(&needle)
        };
        let e = &line.entry;
        contains(&line.recipient, &self.who)
            && self.participant.is_none_or(|p| p == e.participant)
            && self.kind.is_none_or(|k| k == e.kind)
            && self.status.is_none_or(|s| s == e.status)
            && (self.subject.trim().is_empty()
                || line
                    .subject
                    .as_deref()
                    .is_some_and(|s| contains(s, &self.subject)))
            && on_days(e.created_at, self.from, self.to)
    }
}

/// One page of a communication-log search, newest first.
pub type CommunicationPage = Paged<LogLine>;

impl Valghalla {
    /// The `page`th (from 0) page of `per_page` messages the search finds, newest first.
    pub async fn search_communication_log(
        &self,
        actor: &Actor,
        search: &CommunicationSearch,
        page: usize,
        per_page: usize,
    ) -> Result<CommunicationPage> {
        self.authorize(actor, Permission::ManageCommunication)?;
        let messages = self
            .store
            .outbox(&OutboxFilter {
                participant: search.participant,
                ..OutboxFilter::default()
            })
            .await?;
        let mut tx = Tx::reader(self);
        let names: std::collections::BTreeMap<ParticipantId, String> = tx
            .query::<Participant>(&Query::All(RecordKind::Participant))
            .await?
            .into_iter()
            .map(|p| (p.id, p.full_name()))
            .collect();
        let mut lines: Vec<LogLine> = messages
            .into_iter()
            .map(|m| {
                let subject = m.custom.as_ref().map(|(s, _)| s.clone());
                let recipient = names
                    .get(&m.participant)
                    .cloned()
                    .unwrap_or_else(|| DELETED_RECIPIENT.to_owned());
                LogLine {
                    entry: LogEntry::of(m),
                    recipient,
                    subject,
                }
            })
            .filter(|l| search.matches(l))
            .collect();
        lines.sort_by(|a, b| LogEntry::newest_first(&a.entry, &b.entry));
        Ok(Paged::of(lines, page, per_page))
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::ids::MessageId;

    fn line(name: &str, kind: MessageKind, subject: Option<&str>, hour: u32) -> LogLine {
        LogLine {
            entry: LogEntry {
                message: MessageId::new(),
                kind,
                participant: ParticipantId::new(),
                election: None,
                created_at: Utc
                    .with_ymd_and_hms(2026, 11, 3, hour, 0, 0)
                    .single()
                    .expect("a time"),
                status: LogStatus::Sent,
                channel: Some("email".into()),
                at: None,
                error: None,
                attempts: 1,
            },
            recipient: name.into(),
            subject: subject.map(str::to_owned),
        }
    }

    #[test]
    fn an_empty_search_finds_everything() {
        let l = line("Karen Jensen", MessageKind::Invitation, None, 10);
        assert!(CommunicationSearch::default().matches(&l));
    }

    #[test]
    fn who_what_state_and_subject_must_all_match() {
        let l = line(
            "Karen Jensen",
            MessageKind::Group,
            Some("Husk madpakken"),
            10,
        );
        let s = |f: fn(&mut CommunicationSearch)| {
            let mut s = CommunicationSearch::default();
            f(&mut s);
            s.matches(&l)
        };
        assert!(s(|s| s.who = "karen".into()), "part of the name, any case");
        assert!(!s(|s| s.who = "ole".into()));
        assert!(s(|s| s.kind = Some(MessageKind::Group)));
        assert!(!s(|s| s.kind = Some(MessageKind::Invitation)));
        assert!(s(|s| s.status = Some(LogStatus::Sent)));
        assert!(!s(|s| s.status = Some(LogStatus::Failed)));
        assert!(s(|s| s.subject = "MADPAKKEN".into()));
        assert!(!s(|s| s.subject = "valgdag".into()));
        assert!(!s(|s| s.participant = Some(ParticipantId::new())));
        let invitation = line("Karen Jensen", MessageKind::Invitation, None, 10);
        let by_subject = CommunicationSearch {
            subject: "madpakken".into(),
            ..Default::default()
        };
        assert!(
            !by_subject.matches(&invitation),
            "no written subject, no match"
        );
    }

    #[test]
    fn days_are_local_and_both_ends_are_included() {
        // 23:00 UTC on 3 November is midnight on 4 November in Copenhagen.
        let l = line("Karen", MessageKind::Invitation, None, 23);
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 11, d);
        let on = |from, to| CommunicationSearch {
            from,
            to,
            ..Default::default()
        };
        assert!(on(day(4), day(4)).matches(&l));
        assert!(!on(day(3), day(3)).matches(&l));
        assert!(!on(day(5), None).matches(&l));
    }
}
