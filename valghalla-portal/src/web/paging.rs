//! What the searched lists share (the audit log, the communication log): the search kept in
//! the URL, the page asked for, optional dates, and the links to the pages before and after.

use chrono::NaiveDate;

use crate::web::forms::{FormData, FormErrors};

/// The query field that names the page (1-based).
const PAGE: &str = "side";

/// Where a searched list is in its pages, with links that keep the search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pager {
    /// How many the search found.
    pub total: usize,
    /// This page (1-based).
    pub page: usize,
    /// How many pages there are (at least one).
    pub pages: usize,
    /// The link to the page before, if any.
    pub previous: Option<String>,
    /// The link to the page after, if any.
    pub next: Option<String>,
}

impl Pager {
    /// The pager of `page` (1-based) of a search on `path` with `form` as its query that found
    /// `total`, `per_page` to a page.
    pub fn new(path: &str, form: &FormData, page: usize, total: usize, per_page: usize) -> Self {
        let pages = total.div_ceil(per_page.max(1)).max(1);
        Pager {
            total,
            page,
            pages,
            previous: (page > 1).then(|| page_link(path, form, page - 1)),
            next: (page < pages).then(|| page_link(path, form, page + 1)),
        }
    }
}

/// The page the query asks for (1-based; anything else is the first).
pub fn page_number(form: &FormData) -> usize {
    form.get(PAGE).parse::<usize>().unwrap_or(1).max(1)
}

/// The search's address with `side` set to `page` (1-based); empty fields are left out.
pub fn page_link(path: &str, form: &FormData, page: usize) -> String {
    let mut pairs: Vec<(String, String)> = form
        .0
        .iter()
        .filter(|(k, v)| k != PAGE && !v.trim().is_empty())
        .cloned()
        .collect();
    pairs.push((PAGE.into(), page.to_string()));
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    format!("{path}?{query}")
}

/// An optional date field of a search (`åååå-mm-dd`, or empty), or an error next to it.
pub fn optional_date(form: &FormData, field: &str, errors: &mut FormErrors) -> Option<NaiveDate> {
    match form.get(field) {
        "" => None,
        v => {
            let d = NaiveDate::parse_from_str(v, "%Y-%m-%d").ok();
            if d.is_none() {
                errors.add(
                    field,
                    "Angiv en dato (åååå-mm-dd), eller lad feltet stå tomt.",
                );
            }
            d
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_search_and_leave_out_empty_fields() {
        let form = FormData::from_query(Some("hvem=karen&type=&side=2"));
        let p = Pager::new("/sekretariat/log", &form, 2, 120, 50);
        assert_eq!(p.pages, 3);
        assert_eq!(
            p.previous.as_deref(),
            Some("/sekretariat/log?hvem=karen&side=1")
        );
        assert_eq!(
            p.next.as_deref(),
            Some("/sekretariat/log?hvem=karen&side=3")
        );
        let last = Pager::new("/x", &form, 3, 120, 50);
        assert_eq!(last.next, None);
        let empty = Pager::new("/x", &FormData::default(), 1, 0, 50);
        assert_eq!((empty.pages, empty.previous, empty.next), (1, None, None));
    }

    #[test]
    fn a_bad_page_is_the_first_and_a_bad_date_is_an_error_at_its_field() {
        assert_eq!(page_number(&FormData::from_query(Some("side=x"))), 1);
        assert_eq!(page_number(&FormData::from_query(Some("side=0"))), 1);
        assert_eq!(page_number(&FormData::from_query(Some("side=4"))), 4);
        let mut errors = FormErrors::none();
        let form = FormData::from_query(Some("fra=igaar&til=2026-11-03"));
        assert_eq!(optional_date(&form, "fra", &mut errors), None);
        assert_eq!(
            optional_date(&form, "til", &mut errors),
            NaiveDate::from_ymd_opt(2026, 11, 3)
        );
        assert!(errors.get("fra").is_some() && errors.get("til").is_none());
    }
}
