//! Searching the audit log: by who (part of the actor's label), what (the action), which kind
//! of subject and when (local days, both ends included), a page at a time, newest first.

use chrono::NaiveDate;

use crate::model::{AuditAction, AuditEntry};
use crate::rules::access::{Actor, Permission};
use crate::store::AuditFilter;

use super::paging::{Paged, on_days};
use super::{Result, Valghalla};

/// What to look for in the audit log. Every field is a filter; empty ones select everything.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditSearch {
    /// Part of the actor's label (`staff:birte`, `participant:…`, `job:…`), ignoring case.
    pub who: String,
    /// The action.
    pub action: Option<AuditAction>,
    /// The subject's kind (`area`, `seat`, `import`, … as [`AuditSubject::kind`] names it).
    ///
    /// [`AuditSubject::kind`]: crate::model::AuditSubject::kind
    pub subject: Option<String>,
    /// From this local day.
    pub from: Option<NaiveDate>,
    /// To this local day, included.
    pub to: Option<NaiveDate>,
}

impl AuditSearch {
    /// Whether `entry` is one the search looks for.
    pub fn matches(&self, entry: &AuditEntry) -> bool {
        let who = self.who.trim().to_lowercase();
        (who.is_empty() || entry.actor.to_string().to_lowercase().contains(&who))
            && self.action.is_none_or(|a| a == entry.action)
            && self
                .subject
                .as_deref()
                .is_none_or(|k| k == entry.subject.kind())
            && on_days(entry.at, self.from, self.to)
    }
}

/// One page of an audit-log search, newest first.
pub type AuditPage = Paged<AuditEntry>;

impl Valghalla {
    /// The `page`th (from 0) page of `per_page` entries the search finds, newest first (a
    /// page past the end is the last page, see [`Paged::of`]).
    pub async fn search_audit_log(
        &self,
        actor: &Actor,
        search: &AuditSearch,
        page: usize,
        per_page: usize,
    ) -> Result<AuditPage> {
        self.authorize(actor, Permission::ReadAuditLog)?;
        let found = self
            .store
            .audit_log(&AuditFilter::default())
            .await?
            .into_iter()
            .filter(|e| search.matches(e));
        Ok(Paged::of(found, page, per_page))
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::ids::AuditId;
    use crate::model::{ActorLabel, AuditSubject, RecordKey};

    fn entry(user: &str, action: AuditAction, at: (i32, u32, u32, u32)) -> AuditEntry {
        AuditEntry {
            id: AuditId::new(),
            at: Utc
                .with_ymd_and_hms(at.0, at.1, at.2, at.3, 0, 0)
                .single()
                .expect("a time"),
            actor: ActorLabel::Staff { user: user.into() },
            action,
            subject: AuditSubject::Record(RecordKey::Municipality),
            participant: None,
            election: None,
            description: String::new(),
        }
    }

    #[test]
    fn an_empty_search_finds_everything() {
        let e = entry("birte", AuditAction::Edit, (2026, 11, 3, 10));
        assert!(AuditSearch::default().matches(&e));
    }

    #[test]
    fn who_what_and_which_kind_must_all_match() {
        let e = entry("Birte", AuditAction::Edit, (2026, 11, 3, 10));
        let by = |who: &str| AuditSearch {
            who: who.into(),
            ..Default::default()
        };
        assert!(by("birte").matches(&e), "ignoring case");
        assert!(by("staff:bi").matches(&e), "part of the label");
        assert!(!by("lone").matches(&e));
        let what = AuditSearch {
            action: Some(AuditAction::Delete),
            ..Default::default()
        };
        assert!(!what.matches(&e));
        let kind = AuditSearch {
            subject: Some("municipality".into()),
            ..Default::default()
        };
        assert!(kind.matches(&e));
        let other = AuditSearch {
            subject: Some("seat".into()),
            ..Default::default()
        };
        assert!(!other.matches(&e));
    }

    #[test]
    fn days_are_local_and_both_ends_are_included() {
        // 23:30 UTC on 3 November is 00:30 on 4 November in Copenhagen.
        let e = entry("birte", AuditAction::Edit, (2026, 11, 3, 23));
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 11, d);
        let on = |from, to| AuditSearch {
            from,
            to,
            ..Default::default()
        };
        assert!(on(day(4), day(4)).matches(&e));
        assert!(!on(day(3), day(3)).matches(&e));
        assert!(on(None, day(4)).matches(&e));
        assert!(!on(day(5), None).matches(&e));
    }
}
