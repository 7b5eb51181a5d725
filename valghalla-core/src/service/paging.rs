//! What the log searches share (the audit log, the communication log): a range of local days
//! with both ends included, and one page of what a search found.

use chrono::{DateTime, NaiveDate, Utc};

use crate::time::local_date;

/// Whether `at` falls on a local day from `from` to `to` (both included; `None`: open).
pub fn on_days(at: DateTime<Utc>, from: Option<NaiveDate>, to: Option<NaiveDate>) -> bool {
    let day = local_date(at);
    from.is_none_or(|from| day >= from) && to.is_none_or(|to| day <= to)
}

/// One page of what a search found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paged<T> {
    /// What is on the page, in the search's order.
    pub entries: Vec<T>,
    /// How many the search found in all.
    pub total: usize,
}

impl<T> Default for Paged<T> {
    fn default() -> Self {
        Paged {
            entries: Vec::new(),
            total: 0,
        }
    }
}

impl<T> Paged<T> {
    /// The `page`th (from 0) page of `per_page` (at least 1) of `found`. A page past the end
    /// is empty; the total is still told.
    pub fn of(found: impl IntoIterator<Item = T>, page: usize, per_page: usize) -> Self {
        let per_page = per_page.max(1);
        let mut total = 0usize;
        let first = page.saturating_mul(per_page);
        let mut entries = Vec::new();
        for (i, x) in found.into_iter().enumerate() {
            total = total.saturating_add(1);
            if i >= first && entries.len() < per_page {
                entries.push(x);
            }
        }
        Paged { entries, total }
    }

    /// How many pages of `per_page` the search fills (at least one, an empty one).
    pub fn pages(&self, per_page: usize) -> usize {
        self.total.div_ceil(per_page.max(1)).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    #[test]
    fn days_are_local_and_both_ends_are_included() {
        // 23:30 UTC on 3 November is 00:30 on 4 November in Copenhagen.
        let at = Utc
            .with_ymd_and_hms(2026, 11, 3, 23, 30, 0)
            .single()
            .expect("a time");
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 11, d);
        assert!(on_days(at, day(4), day(4)));
        assert!(!on_days(at, day(3), day(3)));
        assert!(on_days(at, None, day(4)));
        assert!(on_days(at, None, None));
        assert!(!on_days(at, day(5), None));
    }

    proptest! {
        #[test]
        fn the_pages_of_a_search_are_its_results_in_order_each_once(
            n in 0usize..200, per_page in 0usize..30,
        ) {
            let found: Vec<usize> = (0..n).collect();
            let first = Paged::of(found.clone(), 0, per_page);
            let pages = first.pages(per_page);
            let mut seen = Vec::new();
            for page in 0..pages {
                let p = Paged::of(found.clone(), page, per_page);
                prop_assert_eq!(p.total, n);
                prop_assert!(p.entries.len() <= per_page.max(1));
                seen.extend(p.entries);
            }
            prop_assert_eq!(seen, found);
            prop_assert!(Paged::of(0..n, pages, per_page).entries.is_empty(), "past the end");
        }
    }
}
