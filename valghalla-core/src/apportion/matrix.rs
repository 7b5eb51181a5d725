//! Controlled (matrix) rounding: spreading each group's municipal total over the stations.
//!
//! Given station sizes `S_s` (row totals) and group totals `T_p` (column totals) with equal sums,
//! the ideal cell is `x_sp = S_s · T_p / ΣS`. [`round_matrix`] returns integers with every cell
//! `⌊x_sp⌋` or `⌈x_sp⌉` and row and column sums exactly `S_s` and `T_p`. Such a rounding always
//! exists (Bacharach 1966); it is found as a flow with lower bounds `⌊x⌋` and upper bounds `⌈x⌉`
//! on the cells, after subtracting the lower bounds.
//!
//! Which cells round up is policy: cells with a larger fractional part are preferred, and among
//! equal fractions a deterministic rotation (shifted by group and by the caller's `rotation`)
//! spreads the round-ups, so small groups do not always land at the same stations.
//!
//! ```
//! use valghalla_core::apportion::matrix::round_matrix;
//!
//! let cells = round_matrix(&[5, 5, 5], &[8, 4, 3], 0).unwrap();
//! for row in &cells {
//!     assert_eq!(row.iter().sum::<u64>(), 5);
//! }
//! assert_eq!(cells.iter().map(|r| r[0]).sum::<u64>(), 8);
//! ```

use crate::flow::{FlowError, FlowNetwork};

/// Why a matrix could not be rounded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MatrixError {
    /// There are no stations (rows).
    #[error("there are no stations to spread seats over")]
    NoStations,
    /// There are no groups (columns).
    #[error("there are no groups to spread")]
    NoGroups,
    /// The station sizes and the group totals do not add up to the same number.
    #[error("the stations have {stations} seats in all but the groups have {groups}")]
    MarginalsDiffer {
        /// Sum of the station sizes.
        stations: u128,
        /// Sum of the group totals.
        groups: u128,
    },
    /// The flow engine failed. This is a bug: a rounding always exists.
    #[error("internal error: no rounding found ({0}); this is a bug")]
    Internal(String),
}

/// The ideal share of a station with `station` seats in a group with `group` seats, out of
/// `total` seats, as whole part and remainder: `x = whole + remainder / total`.
pub fn ideal_cell(station: u64, group: u64, total: u128) -> (u128, u128) {
    if total == 0 {
        return (0, 0);
    }
    let product = u128::from(station) * u128::from(group);
    (product / total, product % total)
}

/// Rounds the station × group matrix; `cells[s][p]` is group `p`'s seats at station `s`.
/// `rotation` shifts which stations get the round-ups when fractions are equal (e.g. pass an
/// election number to vary it over time); the result is deterministic for the same inputs.
pub fn round_matrix(
    station_sizes: &[u64],
    group_totals: &[u64],
    rotation: u64,
) -> Result<Vec<Vec<u64>>, MatrixError> {
    let (ns, np) = (station_sizes.len(), group_totals.len());
    if ns == 0 {
        return Err(MatrixError::NoStations);
    }
    if np == 0 {
        return Err(MatrixError::NoGroups);
    }
    let total: u128 = station_sizes.iter().map(|&s| u128::from(s)).sum();
    let groups_total: u128 = group_totals.iter().map(|&t| u128::from(t)).sum();
    if total != groups_total {
        return Err(MatrixError::MarginalsDiffer {
            stations: total,
            groups: groups_total,
        });
    }
    let mut cells = vec![vec![0u64; np]; ns];
    let mut rems = vec![vec![0u128; np]; ns];
    let mut row_left = vec![0i64; ns];
    let mut col_left = vec![0i64; np];
    for s in 0..ns {
        for p in 0..np {
            let (whole, rem) = ideal_cell(station_sizes[s], group_totals[p], total);
            // whole ≤ min(S_s, T_p), so it fits in u64.
            cells[s][p] = u64::try_from(whole).unwrap_or(u64::MAX);
            rems[s][p] = rem;
            if rem > 0 {
                row_left[s] += 1;
                col_left[p] += 1;
            }
        }
    }
    // Round-ups still owed per row and column (at most one per fractional cell).
    for s in 0..ns {
        let floors: u128 = cells[s].iter().map(|&c| u128::from(c)).sum();
        row_left[s] = i64::try_from(u128::from(station_sizes[s]) - floors).unwrap_or(i64::MAX);
    }
    for p in 0..np {
        let floors: u128 = cells.iter().map(|r| u128::from(r[p])).sum();
        col_left[p] = i64::try_from(u128::from(group_totals[p]) - floors).unwrap_or(i64::MAX);
    }
    let ups: i64 = row_left.iter().sum();
    if ups == 0 {
        return Ok(cells);
    }
    // Rank the distinct fractions, largest first.
    let mut distinct: Vec<u128> = rems.iter().flatten().copied().filter(|&r| r > 0).collect();
    distinct.sort_unstable_by(|a, b| b.cmp(a));
    distinct.dedup();
    let rank = |r: u128| distinct.binary_search_by(|d| r.cmp(d)).unwrap_or(0) as i64;
    let rot = |s: usize, p: usize| {
        let offset = ((rotation % ns as u64) as usize + p * ns / np) % ns;
        ((s + ns - offset) % ns) as i64
    };
    let weight = ups
        .checked_mul(ns as i64 - 1)
        .and_then(|x| x.checked_add(1));
    // Try the full policy first; fall back to simpler costs only if the numbers get too large.
    let policies: [&dyn Fn(usize, usize) -> Option<i64>; 3] = [
        &|s, p| {
            weight?
                .checked_mul(rank(rems[s][p]))?
                .checked_add(rot(s, p))
        },
        &|s, p| Some(rank(rems[s][p])),
        &|_, _| Some(0),
    ];
    let mut last_error = String::new();
    for cost in policies {
        match solve_ups(&rems, &row_left, &col_left, cost) {
            Ok(Some(up)) if up.len() as i64 == ups => {
                for (s, p) in up {
                    cells[s][p] += 1;
                }
                return Ok(cells);
            }
            Ok(Some(up)) => {
                return Err(MatrixError::Internal(format!(
                    "{} of {ups} round-ups placed",
                    up.len()
                )));
            }
            Ok(None) => last_error = "cost overflow".into(),
            Err(e) => last_error = e.to_string(),
        }
    }
    Err(MatrixError::Internal(last_error))
}

/// The cells to round up, or `None` if a cost did not fit.
fn solve_ups(
    rems: &[Vec<u128>],
    row_left: &[i64],
    col_left: &[i64],
    cost: &dyn Fn(usize, usize) -> Option<i64>,
) -> Result<Option<Vec<(usize, usize)>>, FlowError> {
    let (ns, np) = (row_left.len(), col_left.len());
    let (source, sink) = (0, ns + np + 1);
    let mut net = FlowNetwork::new(ns + np + 2);
    for (s, &r) in row_left.iter().enumerate() {
        net.add_arc(source, 1 + s, r, 0)?;
    }
    let mut cell_arcs = Vec::new();
    for (s, row) in rems.iter().enumerate() {
        for (p, &rem) in row.iter().enumerate() {
            if rem > 0 {
                let Some(c) = cost(s, p) else {
                    return Ok(None);
                };
                cell_arcs.push((net.add_arc(1 + s, 1 + ns + p, 1, c)?, s, p));
            }
        }
    }
    for (p, &c) in col_left.iter().enumerate() {
        net.add_arc(1 + ns + p, sink, c, 0)?;
    }
    let solved = match net.solve(source, sink) {
        Ok(s) => s,
        Err(FlowError::TooLarge) => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(Some(
        cell_arcs
            .into_iter()
            .filter(|&(a, _, _)| solved.flow(a) > 0)
            .map(|(_, s, p)| (s, p))
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(stations: &[u64], groups: &[u64], cells: &[Vec<u64>]) -> Result<(), TestCaseError> {
        let total: u128 = stations.iter().map(|&s| u128::from(s)).sum();
        // M1: exact margins.
        for (s, row) in cells.iter().enumerate() {
            prop_assert_eq!(row.iter().sum::<u64>(), stations[s]);
        }
        for (p, &t) in groups.iter().enumerate() {
            prop_assert_eq!(cells.iter().map(|r| r[p]).sum::<u64>(), t);
        }
        // M2: every cell is floor or ceil of the ideal.
        let mut ups_per_group = vec![0u128; groups.len()];
        let mut frac_per_group = vec![0u128; groups.len()];
        for (s, row) in cells.iter().enumerate() {
            for (p, &c) in row.iter().enumerate() {
                let (whole, rem) = ideal_cell(stations[s], groups[p], total);
                let c = u128::from(c);
                prop_assert!(
                    c == whole || (rem > 0 && c == whole + 1),
                    "cell ({s},{p}) = {c}, ideal {whole}+{rem}/{total}"
                );
                ups_per_group[p] += c - whole;
                frac_per_group[p] += rem;
            }
        }
        // M4: round-ups per group equal the sum of its fractional parts.
        for p in 0..groups.len() {
            prop_assert_eq!(ups_per_group[p] * total, frac_per_group[p]);
        }
        Ok(())
    }

    #[test]
    fn spreads_a_small_group_by_rotation_not_always_on_the_first_station() {
        // Ten equal stations of 5, groups 47 and 3: the 3 round-ups of the small group
        // depend on the rotation.
        let stations = [5u64; 10];
        let a = round_matrix(&stations, &[47, 3], 0).unwrap();
        let b = round_matrix(&stations, &[47, 3], 5).unwrap();
        check(&stations, &[47, 3], &a).unwrap();
        check(&stations, &[47, 3], &b).unwrap();
        let small = |m: &[Vec<u64>]| m.iter().map(|r| r[1]).collect::<Vec<_>>();
        assert_ne!(small(&a), small(&b));
    }

    #[test]
    fn prefers_rounding_up_the_largest_fraction() {
        // Ideals [[4.2, 2.8], [1.8, 1.2]]: rounding up the two 0.8 cells beats the two 0.2 cells.
        let m = round_matrix(&[7, 3], &[6, 4], 0).unwrap();
        check(&[7, 3], &[6, 4], &m).unwrap();
        assert_eq!(m, vec![vec![4, 3], vec![2, 1]]);
    }

    #[test]
    fn rejects_inconsistent_marginals_and_empty_sides() {
        assert_eq!(
            round_matrix(&[3, 3], &[5], 0),
            Err(MatrixError::MarginalsDiffer {
                stations: 6,
                groups: 5
            })
        );
        assert_eq!(round_matrix(&[], &[1], 0), Err(MatrixError::NoStations));
        assert_eq!(round_matrix(&[1], &[], 0), Err(MatrixError::NoGroups));
        assert_eq!(round_matrix(&[0, 0], &[0], 0), Ok(vec![vec![0], vec![0]]));
    }

    #[test]
    fn copenhagen_size_matrix_rounds_exactly() {
        let stations: Vec<u64> = (0..50).map(|s| 40 + (s * 7) % 9).collect();
        let total: u64 = stations.iter().sum();
        let mut groups: Vec<u64> = (0..12).map(|p| total * (12 - p) / 78).collect();
        let short = total - groups.iter().sum::<u64>();
        groups[0] += short;
        let m = round_matrix(&stations, &groups, 3).unwrap();
        check(&stations, &groups, &m).unwrap();
    }

    fn arb_marginals() -> impl Strategy<Value = (Vec<u64>, Vec<u64>)> {
        (
            prop::collection::vec(0u64..30, 1..12),
            1usize..8,
            any::<u64>(),
        )
            .prop_map(|(stations, np, seed)| {
                // Split the total into np group totals deterministically from the seed.
                let total: u64 = stations.iter().sum();
                let mut groups = vec![0u64; np];
                let mut x = seed | 1;
                for _ in 0..total {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    groups[(x % np as u64) as usize] += 1;
                }
                (stations, groups)
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn rounding_is_exact_and_within_one_for_any_consistent_marginals(
            (stations, groups) in arb_marginals(),
            rotation in any::<u64>(),
        ) {
            // M3: never fails on consistent marginals.
            let m = round_matrix(&stations, &groups, rotation).unwrap();
            check(&stations, &groups, &m)?;
            // Determinism.
            prop_assert_eq!(round_matrix(&stations, &groups, rotation).unwrap(), m);
        }

        #[test]
        fn huge_sizes_still_round_exactly(
            stations in prop::collection::vec(0u64..u64::MAX / 16, 1..5),
            rotation in any::<u64>(),
        ) {
            let total: u128 = stations.iter().map(|&s| u128::from(s)).sum();
            let half = u64::try_from(total / 3).unwrap();
            let rest = u64::try_from(total - u128::from(half)).unwrap();
            let groups = [half, rest];
            let m = round_matrix(&stations, &groups, rotation).unwrap();
            check(&stations, &groups, &m)?;
        }
    }
}
