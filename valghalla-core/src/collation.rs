//! Danish alphabetical order (… X Y Z Æ Ø Å), with ICU4X's Danish collation rules.

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed};
use icu_locale_core::locale;

fn collator() -> Option<&'static CollatorBorrowed<'static>> {
    static COLLATOR: OnceLock<Option<CollatorBorrowed<'static>>> = OnceLock::new();
    COLLATOR
        .get_or_init(|| Collator::try_new(locale!("da").into(), CollatorOptions::default()).ok())
        .as_ref()
}

/// Compares two strings in Danish alphabetical order.
pub fn danish_cmp(a: &str, b: &str) -> Ordering {
    match collator() {
        Some(c) => c.compare(a, b),
        // The Danish data is compiled in, so this branch is never taken; plain order is a
        // harmless fallback rather than a panic.
        None => a.cmp(b),
    }
}

/// Sorts `items` in Danish order of the key `key` returns (stable).
///
/// Collation is far dearer than comparing integers, so the distinct keys are collated once and
/// the items sorted by their key's rank.
pub fn sort_danish_by<T>(items: &mut [T], mut key: impl FnMut(&T) -> &str) {
    let ranks = danish_ranks(items.iter().map(|item| key(item).to_owned()));
    items.sort_by_cached_key(|item| ranks.get(key(item)).copied().unwrap_or(usize::MAX));
}

/// The rank of each distinct name in Danish order (equal names, equal rank).
pub fn danish_ranks(names: impl IntoIterator<Item = String>) -> HashMap<String, usize> {
    let mut distinct: Vec<String> = names
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    distinct.sort_by(|a, b| danish_cmp(a, b));
    let mut ranks = HashMap::with_capacity(distinct.len());
    let mut rank = 0;
    for (i, name) in distinct.iter().enumerate() {
        if i > 0 && danish_cmp(&distinct[i - 1], name) != Ordering::Equal {
            rank = i;
        }
        ranks.insert(name.clone(), rank);
    }
    ranks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn danish_letters_come_after_z_in_the_right_order() {
        let mut names = vec![
            "Åse",
            "Østergaard",
            "Æbelø",
            "Zacho",
            "Andersen",
            "Aagaard",
            "Ørum",
        ];
        sort_danish_by(&mut names, |s| s);
        // In Danish, "Aa" sorts as "Å".
        assert_eq!(
            names,
            [
                "Andersen",
                "Zacho",
                "Æbelø",
                "Ørum",
                "Østergaard",
                "Aagaard",
                "Åse"
            ]
        );
    }

    #[test]
    fn ranked_sorting_equals_comparison_sorting() {
        let names = [
            "Ørum", "Aagaard", "ørum", "Bech", "Ærø", "Bech", "Zacho", "Åse", "Andersen",
        ];
        let mut by_rank: Vec<&str> = names.to_vec();
        sort_danish_by(&mut by_rank, |s| s);
        let mut by_compare: Vec<&str> = names.to_vec();
        by_compare.sort_by(|a, b| danish_cmp(a, b));
        assert_eq!(by_rank, by_compare);
    }

    #[test]
    fn case_does_not_split_the_alphabet() {
        let mut names = vec!["birk", "Bech", "Ask"];
        sort_danish_by(&mut names, |s| s);
        assert_eq!(names, ["Ask", "Bech", "birk"]);
    }
}
