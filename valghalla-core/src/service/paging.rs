//! What every searched or filtered list shares (the audit log, the communication log, the
//! participant list, a station's seats, the overview): a range of local days with both ends
//! included, and one page of what a search found. Pure.

use chrono::{DateTime, NaiveDate, Utc};

use crate::time::local_date;

/// Whether `at` falls on a local day from `from` to `to` (both included; `None`: open).
pub fn on_days(at: DateTime<Utc>, from: Option<NaiveDate>, to: Option<NaiveDate>) -> bool {
    let day = local_date(at);
    from.is_none_or(|from| day >= from) && to.is_none_or(|to| day <= to)
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Paged<T> {
    /// The items on the page, in the list's order.
    pub items: Vec<T>,
    /// How many items the whole list has.
    pub total: usize,
    /// The page (from 0) these are, after moving a page past the end to the last page.
    pub page: usize,
    /// How many pages the list has (at least one, even when it is empty).
    pub pages: usize,
}

/// How many pages of `per_page` (at least 1) items `total` items fill; at least one.
pub fn page_count(total: usize, per_page: usize) -> usize {
    total.div_ceil(per_page.max(1)).max(1)
}

impl<T> Paged<T> {
    /// The `page`th (from 0) page of `per_page` (at least 1) items of `found`; a page past the
    /// end is the last page, so a bookmark of a list that has since shrunk still shows rows.
    pub fn of(found: impl IntoIterator<Item = T>, page: usize, per_page: usize) -> Self {
        let per_page = per_page.max(1);
        let found: Vec<T> = found.into_iter().collect();
        let total = found.len();
        let pages = page_count(total, per_page);
        let page = page.min(pages.saturating_sub(1));
        Paged {
            items: found
                .into_iter()
                .skip(page.saturating_mul(per_page))
                .take(per_page)
                .collect(),
            total,
            page,
            pages,
        }
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

    #[test]
    fn a_page_past_the_end_is_the_last_page_and_an_empty_list_has_one_page() {
        let p = Paged::of(0..25, 7, 10);
        assert_eq!((p.page, p.pages, p.total), (2, 3, 25));
        assert_eq!(p.items, (20..25).collect::<Vec<_>>());
        let empty = Paged::of(Vec::<u8>::new(), 3, 10);
        assert_eq!((empty.page, empty.pages, empty.total), (0, 1, 0));
        assert!(empty.items.is_empty());
        assert_eq!(Paged::of([1, 2], 0, 0).items, [1], "at least one per page");
    }

    proptest! {
        /// The pages of a list, in order, are the list: nothing lost, nothing twice.
        #[test]
        fn the_pages_partition_the_list(n in 0usize..200, per_page in 1usize..40) {
            let items: Vec<usize> = (0..n).collect();
            let pages = page_count(n, per_page);
            let mut joined = Vec::new();
            for p in 0..pages {
                let page = Paged::of(items.clone(), p, per_page);
                prop_assert_eq!(page.total, n);
                prop_assert_eq!(page.pages, pages);
                prop_assert!(page.items.len() <= per_page);
                prop_assert!(n == 0 || !page.items.is_empty(), "no empty page in a list with items");
                joined.extend(page.items);
            }
            prop_assert_eq!(joined, items);
        }
    }
}
