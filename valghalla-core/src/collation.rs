//! Danish alphabetical order (… X Y Z Æ Ø Å), with ICU4X's Danish collation rules.

use std::cmp::Ordering;
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

/// Sorts `items` in Danish order of the key `key` returns.
pub fn sort_danish_by<T>(items: &mut [T], mut key: impl FnMut(&T) -> &str) {
    items.sort_by(|a, b| danish_cmp(key(a), key(b)));
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
    fn case_does_not_split_the_alphabet() {
        let mut names = vec!["birk", "Bech", "Ask"];
        sort_danish_by(&mut names, |s| s);
        assert_eq!(names, ["Ask", "Bech", "birk"]);
    }
}
