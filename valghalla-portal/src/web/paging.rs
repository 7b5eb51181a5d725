//! Paged lists whose search is kept in the URL (the audit log, the communication log, the
//! participant list, a station's seats): which page a query asks for (`side=`, from 1), optional
//! dates of a search, and the links to the pages before and after, which keep every other field
//! of the query so a page of a filtered list can be bookmarked. The cutting itself is the core's
//! ([`valghalla_core::service::Paged::of`]).

use chrono::NaiveDate;
use valghalla_core::service::Paged;

use crate::web::forms::{FormData, FormErrors};

/// The query field that names the page.
pub const PAGE_FIELD: &str = "side";

/// The page (from 0) a query asks for; the first when it names none or no number.
pub fn requested_page(form: &FormData) -> usize {
    form.get(PAGE_FIELD)
        .parse::<usize>()
        .unwrap_or(1)
        .saturating_sub(1)
}

/// The query's non-empty fields but the page, as a query string (no `?`): what a list shows,
/// for its page links and for a download of the same rows.
pub fn search_query(form: &FormData) -> String {
    let pairs: Vec<&(String, String)> = form
        .0
        .iter()
        .filter(|(k, v)| k != PAGE_FIELD && !v.trim().is_empty())
        .collect();
    serde_urlencoded::to_string(pairs).unwrap_or_default()
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

/// Where a list is in its pages, for the `paging.html` links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paging {
    /// The page shown, from 1.
    pub page: usize,
    /// How many pages there are.
    pub pages: usize,
    /// How many rows the whole list has.
    pub total: usize,
    /// The link to the page before, if any.
    pub previous: Option<String>,
    /// The link to the page after, if any.
    pub next: Option<String>,
}

impl Paging {
    /// Where `paged` (a page of the list at `path` searched by `form`) is.
    pub fn of<T>(path: &str, form: &FormData, paged: &Paged<T>) -> Paging {
        let link = |page: usize| {
            let search = search_query(form);
            let sep = if search.is_empty() { "" } else { "&" };
            format!("{path}?{search}{sep}{PAGE_FIELD}={page}")
        };
        let page = paged.page.saturating_add(1);
        Paging {
            page,
            pages: paged.pages,
            total: paged.total,
            previous: (page > 1).then(|| link(page - 1)),
            next: (page < paged.pages).then(|| link(page + 1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        FormData(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn the_links_keep_the_search_and_replace_the_page() {
        let f = form(&[
            ("team", "x y"),
            ("side", "2"),
            ("dato", ""),
            ("kolonne", "a"),
        ]);
        assert_eq!(requested_page(&f), 1);
        let p = Paging::of("/l", &f, &Paged::of(0..25, 1, 10));
        assert_eq!((p.page, p.pages, p.total), (2, 3, 25));
        assert_eq!(p.previous.as_deref(), Some("/l?team=x+y&kolonne=a&side=1"));
        assert_eq!(p.next.as_deref(), Some("/l?team=x+y&kolonne=a&side=3"));
        assert_eq!(search_query(&f), "team=x+y&kolonne=a");
    }

    #[test]
    fn a_missing_or_bad_page_is_the_first_and_one_page_has_no_links() {
        assert_eq!(requested_page(&form(&[("side", "nul")])), 0);
        assert_eq!(requested_page(&form(&[("side", "0")])), 0);
        let p = Paging::of("/l", &form(&[]), &Paged::of([1], 0, 10));
        assert_eq!((p.previous, p.next), (None, None));
    }
}
