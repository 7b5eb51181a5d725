//! Apportionment: dividing a number of seats (valgstyrere, tilforordnede, formænd) among council
//! groups in proportion to their weight (seats in the council, or votes).
//!
//! The default is d'Hondt, which Danish law requires for a council's "forholdstalsvalg under ét".
//! Sainte-Laguë, modified Sainte-Laguë (first divisor 1.4), the "Danish" divisor method (1, 4, 7,
//! …) and Hare largest remainder are available for agreed alternatives and what-ifs.
//!
//! All arithmetic is exact: quotients `v_a / d_a` and `v_b / d_b` are compared as
//! `v_a · d_b` against `v_b · d_a` in `u128`, with the modified Sainte-Laguë divisors scaled by 5
//! (7, 15, 25, …). Ties are never settled silently: every tie that decides a seat goes to the
//! caller's [`TieBreaker`] and is listed in the result.
//!
//! ```
//! use valghalla_core::apportion::{apportion, Method, SeededLot};
//!
//! let result = apportion(&[6, 6, 2], 10, Method::DHondt, &mut SeededLot::new(7)).unwrap();
//! assert_eq!(result.seats.iter().sum::<u32>(), 10);
//! // The 10th seat is an exact tie, 6/5 against 6/5, settled by lot and reported.
//! assert_eq!(result.ties.len(), 1);
//! assert_eq!(result.ties[0].first_seat, 10);
//! assert_eq!(result.ties[0].candidates, vec![0, 1]);
//! ```

mod alliances;
pub mod matrix;
pub mod shares;
pub mod staffing;

pub use alliances::{
    AllianceApportionment, AllianceTie, Contender, Group, Unit, apportion_with_alliances,
};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// An apportionment method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Method {
    /// d'Hondt (Jefferson): divisors 1, 2, 3, …. The legal default.
    #[default]
    DHondt,
    /// Sainte-Laguë (Webster): divisors 1, 3, 5, ….
    SainteLague,
    /// Modified Sainte-Laguë: divisors 1.4, 3, 5, … (computed as 7, 15, 25, …).
    ModifiedSainteLague,
    /// The "Danish" divisor method: divisors 1, 4, 7, 10, ….
    Danish,
    /// Hare largest remainder (Hamilton): whole quotas first, then the largest remainders.
    Hare,
}

impl Method {
    /// Every method, in a fixed order.
    pub const ALL: [Method; 5] = [
        Method::DHondt,
        Method::SainteLague,
        Method::ModifiedSainteLague,
        Method::Danish,
        Method::Hare,
    ];

    /// The short name used on command lines: `dhondt`, `sainte-lague`, `modified-sainte-lague`,
    /// `danish`, `hare`.
    pub fn name(self) -> &'static str {
        match self {
            Method::DHondt => "dhondt",
            Method::SainteLague => "sainte-lague",
            Method::ModifiedSainteLague => "modified-sainte-lague",
            Method::Danish => "danish",
            Method::Hare => "hare",
        }
    }

    /// Whether this is a divisor (highest averages) method; only Hare is not.
    pub fn is_divisor_method(self) -> bool {
        self != Method::Hare
    }

    /// The divisor applied to a group that already holds `held` seats, scaled so that every
    /// divisor of the method is an integer (modified Sainte-Laguë is scaled by 5). `None` for
    /// Hare, which is not a divisor method.
    pub fn divisor(self, held: u32) -> Option<u64> {
        let k = u64::from(held);
        match self {
            Method::DHondt => Some(k + 1),
            Method::SainteLague => Some(2 * k + 1),
            Method::ModifiedSainteLague if k == 0 => Some(7),
            Method::ModifiedSainteLague => Some(10 * k + 5),
            Method::Danish => Some(3 * k + 1),
            Method::Hare => None,
        }
    }

    /// `(a, b)` with divisor `a·k + b` for `k ≥ 1` (and for `k = 0` except modified
    /// Sainte-Laguë, whose first divisor is larger).
    fn linear(self) -> Option<(u128, u128)> {
        match self {
            Method::DHondt => Some((1, 1)),
            Method::SainteLague => Some((2, 1)),
            Method::ModifiedSainteLague => Some((10, 5)),
            Method::Danish => Some((3, 1)),
            Method::Hare => None,
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A method name that is not one of [`Method::name`]'s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown method '{0}': expected dhondt, sainte-lague, modified-sainte-lague, danish or hare"
)]
pub struct UnknownMethod(pub String);

impl std::str::FromStr for Method {
    type Err = UnknownMethod;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Method::ALL
            .into_iter()
            .find(|m| m.name() == s.trim())
            .ok_or_else(|| UnknownMethod(s.to_string()))
    }
}

/// Why an apportionment could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApportionError {
    /// There are no groups to give seats to.
    #[error("there are no groups to apportion seats among")]
    NoGroups,
    /// Every weight is zero, so there is nothing to apportion `seats` seats by.
    #[error("all weights are zero, so {seats} seats cannot be apportioned")]
    AllWeightsZero {
        /// The seats asked for.
        seats: u32,
    },
    /// An alliance's combined weight does not fit in a `u64`.
    #[error("the combined weight of alliance '{alliance}' is too large")]
    WeightOverflow {
        /// The alliance.
        alliance: String,
    },
    /// The tie breaker returned something other than the right number of distinct tied groups.
    #[error("the tie breaker for seat {first_seat} gave an invalid answer: {reason}")]
    InvalidTieBreak {
        /// The first contested seat.
        first_seat: u32,
        /// What was wrong with the answer.
        reason: String,
    },
}

/// A tie that decides seats: `candidates` have exactly equal claims on the seats numbered
/// `first_seat .. first_seat + seats`, and there are fewer seats than candidates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tie {
    /// The number (1-based, in award order) of the first contested seat.
    pub first_seat: u32,
    /// How many seats are contested.
    pub seats: u32,
    /// The tied groups, as ascending indices into the weights.
    pub candidates: Vec<usize>,
}

/// How a tie was settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TieRule {
    /// By drawing lots ("lodtrækning").
    Lot,
    /// By a decision the caller supplied (an agreed order, a council decision, …).
    Decided,
}

/// Settles ties. Implementations must return exactly `tie.seats` distinct members of
/// `tie.candidates`; anything else makes the apportionment fail with
/// [`ApportionError::InvalidTieBreak`].
pub trait TieBreaker {
    /// Picks the winners of `tie`.
    fn choose(&mut self, tie: &Tie) -> Vec<usize>;

    /// How this tie breaker settles ties, for the record.
    fn rule(&self) -> TieRule {
        TieRule::Decided
    }
}

/// Lots drawn from a ChaCha8 generator seeded with `seed`: the same seed and the same sequence
/// of ties give the same draws.
#[derive(Debug, Clone)]
pub struct SeededLot {
    seed: u64,
    rng: ChaCha8Rng,
}

impl SeededLot {
    /// A lot seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        SeededLot {
            seed,
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    /// The seed this lot started from.
    pub fn seed(&self) -> u64 {
        self.seed
    }
}

impl TieBreaker for SeededLot {
    fn choose(&mut self, tie: &Tie) -> Vec<usize> {
        let mut pool = tie.candidates.clone();
        let k = (tie.seats as usize).min(pool.len());
        for i in 0..k {
            let j = self.rng.random_range(i..pool.len());
            pool.swap(i, j);
        }
        pool.truncate(k);
        pool.sort_unstable();
        pool
    }

    fn rule(&self) -> TieRule {
        TieRule::Lot
    }
}

/// A fixed priority order decided by the caller: the tied groups that come first in `order`
/// win; groups missing from `order` come after, by index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PriorityOrder {
    /// Group indices, highest priority first.
    pub order: Vec<usize>,
}

impl TieBreaker for PriorityOrder {
    fn choose(&mut self, tie: &Tie) -> Vec<usize> {
        let rank = |g: usize| {
            self.order
                .iter()
                .position(|&o| o == g)
                .unwrap_or(usize::MAX)
        };
        let mut pool = tie.candidates.clone();
        pool.sort_by_key(|&g| (rank(g), g));
        pool.truncate(tie.seats as usize);
        pool.sort_unstable();
        pool
    }
}

/// A tie breaker that asks a closure, e.g. one that shows the tie to the secretariat.
pub struct DecideWith<F>(pub F);

impl<F: FnMut(&Tie) -> Vec<usize>> TieBreaker for DecideWith<F> {
    fn choose(&mut self, tie: &Tie) -> Vec<usize> {
        (self.0)(tie)
    }
}

/// A tie that was settled, and who won it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettledTie {
    /// The number (1-based, in award order) of the first contested seat.
    pub first_seat: u32,
    /// How many seats were contested.
    pub seats: u32,
    /// The tied groups (ascending indices).
    pub candidates: Vec<usize>,
    /// The groups that got the contested seats (ascending indices).
    pub winners: Vec<usize>,
    /// How the tie was settled.
    pub rule: TieRule,
}

/// The result of an apportionment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Apportionment {
    /// Seats per group, in input order.
    pub seats: Vec<u32>,
    /// Every tie that decided a seat, in award order. Empty when the result is unique.
    pub ties: Vec<SettledTie>,
}

/// Apportions `seats` seats among groups with the given weights.
///
/// Fails when there are no groups, when every weight is zero but seats are to be given, or when
/// the tie breaker answers wrongly. Runs in `O(P²)` after an `O(P)` jump start, independent of the
/// number of seats, for `P` groups.
pub fn apportion(
    weights: &[u64],
    seats: u32,
    method: Method,
    ties: &mut dyn TieBreaker,
) -> Result<Apportionment, ApportionError> {
    if weights.is_empty() {
        return Err(ApportionError::NoGroups);
    }
    let total: u128 = weights.iter().map(|&w| u128::from(w)).sum();
    if total == 0 {
        if seats > 0 {
            return Err(ApportionError::AllWeightsZero { seats });
        }
        return Ok(Apportionment {
            seats: vec![0; weights.len()],
            ties: vec![],
        });
    }
    match method.linear() {
        Some((a, b)) => divisor_apportion(weights, total, seats, method, a, b, ties),
        None => hare(weights, total, seats, ties),
    }
}

fn settle(
    ties: &mut dyn TieBreaker,
    tie: Tie,
    out: &mut Vec<SettledTie>,
) -> Result<Vec<usize>, ApportionError> {
    let mut winners = ties.choose(&tie);
    winners.sort_unstable();
    let invalid = |reason: String| ApportionError::InvalidTieBreak {
        first_seat: tie.first_seat,
        reason,
    };
    if winners.len() != tie.seats as usize {
        return Err(invalid(format!(
            "expected {} winners, got {}",
            tie.seats,
            winners.len()
        )));
    }
    if winners.windows(2).any(|w| w[0] == w[1]) {
        return Err(invalid("a group was chosen twice".into()));
    }
    if let Some(w) = winners.iter().find(|w| !tie.candidates.contains(w)) {
        return Err(invalid(format!("group {w} is not among the tied groups")));
    }
    out.push(SettledTie {
        first_seat: tie.first_seat,
        seats: tie.seats,
        candidates: tie.candidates,
        winners: winners.clone(),
        rule: ties.rule(),
    });
    Ok(winners)
}

fn divisor_apportion(
    weights: &[u64],
    total: u128,
    seats: u32,
    method: Method,
    a: u128,
    b: u128,
    ties: &mut dyn TieBreaker,
) -> Result<Apportionment, ApportionError> {
    let div = |k: u32| u128::from(method.divisor(k).unwrap_or(1));
    let first = div(0);
    let positive = weights.iter().filter(|&&w| w > 0).count() as u128;
    let mut result = vec![0u32; weights.len()];
    // Jump start: hand out every quotient strictly above mu = total / (a·m), m = seats − positive.
    // At most `seats` quotients exceed it, and a strict threshold never splits a tie.
    if u128::from(seats) > positive {
        let m = u128::from(seats) - positive;
        for (s, &w) in result.iter_mut().zip(weights) {
            let vam = u128::from(w) * a * m;
            if vam > total * first && vam > total * b {
                let x = vam - total * b;
                *s = u32::try_from((x - 1) / (total * a) + 1).unwrap_or(u32::MAX);
            }
        }
    }
    let mut awarded: u32 = result.iter().sum();
    let mut settled = Vec::new();
    let mut tied: Vec<usize> = Vec::with_capacity(weights.len());
    while awarded < seats {
        // The groups with the largest quotient w / div(s).
        tied.clear();
        let (mut bw, mut bd) = (0u128, 1u128);
        for (i, (&w, &s)) in weights.iter().zip(&result).enumerate() {
            if w == 0 {
                continue;
            }
            let (w, d) = (u128::from(w), div(s));
            match (w * bd).cmp(&(bw * d)) {
                Ordering::Greater => {
                    (bw, bd) = (w, d);
                    tied.clear();
                    tied.push(i);
                }
                Ordering::Equal => tied.push(i),
                Ordering::Less => {}
            }
        }
        let left = seats - awarded;
        if tied.len() as u64 <= u64::from(left) {
            for &i in &tied {
                result[i] += 1;
            }
            awarded += tied.len() as u32;
        } else {
            let tie = Tie {
                first_seat: awarded + 1,
                seats: left,
                candidates: tied.clone(),
            };
            for w in settle(ties, tie, &mut settled)? {
                result[w] += 1;
            }
            awarded = seats;
        }
    }
    Ok(Apportionment {
        seats: result,
        ties: settled,
    })
}

fn hare(
    weights: &[u64],
    total: u128,
    seats: u32,
    ties: &mut dyn TieBreaker,
) -> Result<Apportionment, ApportionError> {
    let h = u128::from(seats);
    let mut result: Vec<u32> = Vec::with_capacity(weights.len());
    let mut rem: Vec<u128> = Vec::with_capacity(weights.len());
    for &w in weights {
        let q = u128::from(w) * h;
        result.push(u32::try_from(q / total).unwrap_or(u32::MAX));
        rem.push(q % total);
    }
    let floors: u32 = result.iter().sum();
    let mut left = seats - floors;
    let mut settled = Vec::new();
    if left > 0 {
        let mut order: Vec<usize> = (0..weights.len()).collect();
        order.sort_by(|&i, &j| rem[j].cmp(&rem[i]).then(i.cmp(&j)));
        // The remainder that the last seat goes to.
        let boundary = rem[order[left as usize - 1]];
        let mut awarded = floors;
        for &i in order.iter().take_while(|&&i| rem[i] > boundary) {
            result[i] += 1;
            awarded += 1;
            left -= 1;
        }
        let tied: Vec<usize> = {
            let mut t: Vec<usize> = order
                .iter()
                .copied()
                .filter(|&i| rem[i] == boundary)
                .collect();
            t.sort_unstable();
            t
        };
        if tied.len() == left as usize {
            for &i in &tied {
                result[i] += 1;
            }
        } else {
            let tie = Tie {
                first_seat: awarded + 1,
                seats: left,
                candidates: tied,
            };
            for w in settle(ties, tie, &mut settled)? {
                result[w] += 1;
            }
        }
    }
    Ok(Apportionment {
        seats: result,
        ties: settled,
    })
}

/// The outcome of checking a divisor-method certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Certificate {
    /// `min v_i/d(s_i−1) > max v_j/d(s_j)`: the result is the unique one.
    Holds,
    /// The certificate holds with equality: the last seat was a tie, so every tie resolution
    /// is valid and the result must list a tie.
    HoldsWithTie,
    /// The seats are not a valid result of the method.
    Violated,
}

/// Checks the divisor-method certificate `min_{s_i>0} v_i/d(s_i−1) ≥ max_j v_j/d(s_j)` in exact
/// integers. `None` for Hare (not a divisor method) or when the slices differ in length.
pub fn divisor_certificate(weights: &[u64], seats: &[u32], method: Method) -> Option<Certificate> {
    if weights.len() != seats.len() || !method.is_divisor_method() {
        return None;
    }
    let div = |k: u32| u128::from(method.divisor(k).unwrap_or(1));
    // Smallest quotient that won a seat, largest that did not.
    let mut low: Option<(u128, u128)> = None;
    let mut high: Option<(u128, u128)> = None;
    for (&w, &s) in weights.iter().zip(seats) {
        let w = u128::from(w);
        if s > 0 {
            let d = div(s - 1);
            if low.is_none_or(|(lw, ld)| w * ld < lw * d) {
                low = Some((w, d));
            }
        }
        let d = div(s);
        if high.is_none_or(|(hw, hd)| w * hd > hw * d) {
            high = Some((w, d));
        }
    }
    let (Some((lw, ld)), Some((hw, hd))) = (low, high) else {
        return Some(Certificate::Holds);
    };
    Some(match (lw * hd).cmp(&(hw * ld)) {
        Ordering::Greater => Certificate::Holds,
        Ordering::Equal => Certificate::HoldsWithTie,
        Ordering::Less => Certificate::Violated,
    })
}

/// Whether `seats` is a valid result of the divisor `method` for `weights` (the certificate holds,
/// with or without a tie). Always `false` for Hare.
pub fn divisor_certificate_holds(weights: &[u64], seats: &[u32], method: Method) -> bool {
    matches!(
        divisor_certificate(weights, seats, method),
        Some(Certificate::Holds | Certificate::HoldsWithTie)
    )
}

#[cfg(test)]
mod tests;
