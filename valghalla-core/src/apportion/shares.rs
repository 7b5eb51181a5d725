//! Shares as people read them: a set of parts shown as per mille (one decimal of a percent),
//! rounded so the set adds up to exactly 100 %, and a single ratio rounded, never truncated.
//!
//! Truncating each share of a set makes it add up to less than 100 % (three equal parties show
//! 33,3 % + 33,3 % + 33,3 % = 99,9 %); the largest-remainder method (Hare on 1000 "seats") gives
//! each part its floor and the missing thousandths to the largest remainders, so the shown
//! shares always sum to 100,0 % and each is within one thousandth of the exact value.
//!
//! ```
//! use valghalla_core::apportion::shares::{ratio_permille, shares_permille};
//!
//! assert_eq!(shares_permille(&[1, 1, 1]), vec![334, 333, 333]);
//! assert_eq!(ratio_permille(2, 3), 667);
//! ```

/// Each part of `parts` as per mille of their sum, by largest remainder: the result sums to
/// exactly 1000 when any part is positive (all zeros when none is). Equal remainders go to the
/// earlier part, so the result is deterministic.
pub fn shares_permille(parts: &[u64]) -> Vec<u32> {
    let total: u128 = parts.iter().map(|&p| u128::from(p)).sum();
    if total == 0 {
        return vec![0; parts.len()];
    }
    // Each part's exact share is p·1000/total = floor + remainder/total.
    let mut floors: Vec<u32> = Vec::with_capacity(parts.len());
    let mut remainders: Vec<(u128, usize)> = Vec::with_capacity(parts.len());
    for (i, &p) in parts.iter().enumerate() {
        let scaled = u128::from(p) * 1000;
        // scaled / total ≤ 1000, so it fits.
        floors.push(u32::try_from(scaled / total).unwrap_or(1000));
        remainders.push((scaled % total, i));
    }
    let given: u32 = floors.iter().sum();
    let missing = 1000u32.saturating_sub(given) as usize;
    // Largest remainder first; on equal remainders the earlier part first.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, i) in remainders.iter().take(missing) {
        if let Some(f) = floors.get_mut(i) {
            *f += 1;
        }
    }
    floors
}

/// `part` as per mille of `whole`, rounded half up, but never shown as 0 or 1000 unless it is
/// exactly that: 1 of 3000 is 1 ‰ (not "0,0 %", which reads as none), 2999 of 3000 is 999 ‰
/// (not "100,0 %", which reads as done). A `whole` of 0 counts as complete (1000).
pub fn ratio_permille(part: u64, whole: u64) -> u32 {
    if whole == 0 || part >= whole {
        return 1000;
    }
    if part == 0 {
        return 0;
    }
    let (part, whole) = (u128::from(part), u128::from(whole));
    let rounded = (part * 2000 + whole) / (2 * whole);
    u32::try_from(rounded).unwrap_or(1000).clamp(1, 999)
}

/// Per mille as a Danish percentage with one decimal: `714` → `"71,4 %"`.
pub fn percent_da(permille: u32) -> String {
    format!("{},{} %", permille / 10, permille % 10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn three_equal_parts_add_up_to_a_hundred_percent() {
        assert_eq!(shares_permille(&[1, 1, 1]), vec![334, 333, 333]);
    }

    #[test]
    fn rounds_to_the_nearest_not_down() {
        // 2/7 = 285,7 ‰ and 5/7 = 714,3 ‰: truncation would show 285 + 714 = 999.
        assert_eq!(shares_permille(&[5, 2]), vec![714, 286]);
        assert_eq!(ratio_permille(2, 7), 286);
        assert_eq!(ratio_permille(1, 5), 200);
    }

    #[test]
    fn no_parts_or_only_zeros_give_zeros() {
        assert_eq!(shares_permille(&[]), Vec::<u32>::new());
        assert_eq!(shares_permille(&[0, 0]), vec![0, 0]);
    }

    #[test]
    fn a_ratio_is_never_shown_as_none_or_all_unless_it_is() {
        assert_eq!(ratio_permille(1, 3000), 1);
        assert_eq!(ratio_permille(2999, 3000), 999);
        assert_eq!(ratio_permille(0, 3000), 0);
        assert_eq!(ratio_permille(3000, 3000), 1000);
        assert_eq!(ratio_permille(0, 0), 1000);
    }

    #[test]
    fn percent_is_written_the_danish_way() {
        assert_eq!(percent_da(714), "71,4 %");
        assert_eq!(percent_da(1000), "100,0 %");
        assert_eq!(percent_da(5), "0,5 %");
    }

    proptest! {
        #[test]
        fn shares_sum_to_a_thousand_and_stay_within_one_of_the_exact_value(
            parts in prop::collection::vec(0u64..1_000_000, 1..30)
        ) {
            let shares = shares_permille(&parts);
            let total: u128 = parts.iter().map(|&p| u128::from(p)).sum();
            prop_assert_eq!(shares.len(), parts.len());
            if total == 0 {
                prop_assert!(shares.iter().all(|&s| s == 0));
            } else {
                prop_assert_eq!(shares.iter().sum::<u32>(), 1000);
                for (&p, &s) in parts.iter().zip(&shares) {
                    // |s − p·1000/total| < 1, i.e. |s·total − p·1000| < total.
                    let exact = u128::from(p) * 1000;
                    let shown = u128::from(s) * total;
                    prop_assert!(exact.abs_diff(shown) < total, "{p} of {total} shown as {s}");
                }
            }
        }

        #[test]
        fn a_ratio_is_within_half_a_thousandth_or_kept_off_the_ends(
            whole in 1u64..1_000_000, frac in 0.0f64..=1.0
        ) {
            let part = ((whole as f64) * frac) as u64;
            let r = ratio_permille(part, whole);
            let exact = u128::from(part) * 1000;
            let shown = u128::from(r) * u128::from(whole);
            // Within half a thousandth (|r·whole − part·1000| ≤ whole/2) …
            let close = 2 * exact.abs_diff(shown) <= u128::from(whole);
            // … unless pulled off 0 or 1000 because the part is neither none nor all.
            let pulled = (r == 1 || r == 999) && part > 0 && part < whole;
            prop_assert!(close || pulled, "{part}/{whole} shown as {r}");
            prop_assert_eq!(r == 0, part == 0);
            prop_assert_eq!(r == 1000, part >= whole);
        }
    }
}
