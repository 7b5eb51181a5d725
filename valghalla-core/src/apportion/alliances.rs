//! Two-level apportionment with alliances (valgforbund), as in KRVL §§ 81 and 83: the seats go
//! to alliances and unallied groups first, then within each alliance by d'Hondt.

use super::{ApportionError, Method, SettledTie, Tie, TieBreaker, TieRule, apportion};
use serde::{Deserialize, Serialize};

/// A group with its weight and, if it has one, its alliance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// Seats in the council, or votes.
    pub weight: u64,
    /// The alliance the group belongs to; `None` when it stands alone.
    pub alliance: Option<String>,
}

/// Something that competes for seats at the first level: an unallied group or an alliance.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Contender {
    /// An unallied group (index into the input).
    Group(usize),
    /// An alliance, by name.
    Alliance(String),
}

/// A first-level contender with its members and the seats it won.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// Who this is.
    pub contender: Contender,
    /// The member groups (indices into the input, in input order); one for an unallied group.
    pub members: Vec<usize>,
    /// The combined weight of the members.
    pub weight: u64,
    /// Seats won at the first level.
    pub seats: u32,
}

/// A tie settled at either level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllianceTie {
    /// `None` for a tie between first-level contenders; the alliance's name for a tie between
    /// its members.
    pub within: Option<String>,
    /// The number (1-based, in award order at that level) of the first contested seat.
    pub first_seat: u32,
    /// How many seats were contested.
    pub seats: u32,
    /// The tied contenders (at the second level, always [`Contender::Group`]).
    pub candidates: Vec<Contender>,
    /// The contenders that got the seats.
    pub winners: Vec<Contender>,
    /// How the tie was settled.
    pub rule: TieRule,
}

/// The result of a two-level apportionment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllianceApportionment {
    /// Seats per group, in input order.
    pub seats: Vec<u32>,
    /// The first-level contenders, in order of first appearance in the input.
    pub units: Vec<Unit>,
    /// Every tie that decided a seat: first-level ties first, then per alliance.
    pub ties: Vec<AllianceTie>,
}

/// Shows a tie between alliance members to the caller's tie breaker with input-wide group
/// indices, and maps the answer back.
struct Mapped<'a> {
    inner: &'a mut dyn TieBreaker,
    members: &'a [usize],
}

impl TieBreaker for Mapped<'_> {
    fn choose(&mut self, tie: &Tie) -> Vec<usize> {
        let global = Tie {
            first_seat: tie.first_seat,
            seats: tie.seats,
            candidates: tie.candidates.iter().map(|&k| self.members[k]).collect(),
        };
        self.inner
            .choose(&global)
            .into_iter()
            .map(|g| {
                self.members
                    .iter()
                    .position(|&m| m == g)
                    .unwrap_or(usize::MAX)
            })
            .collect()
    }

    fn rule(&self) -> TieRule {
        self.inner.rule()
    }
}

/// Apportions `seats` among alliances and unallied groups by `method`, then within each alliance
/// among its members by d'Hondt (KRVL §§ 81, 83). Without alliances this equals [`apportion`].
///
/// The tie breaker sees first-level ties with candidates numbered as [`AllianceApportionment::units`]
/// (order of first appearance), and ties inside an alliance with input-wide group indices.
pub fn apportion_with_alliances(
    groups: &[Group],
    seats: u32,
    method: Method,
    ties: &mut dyn TieBreaker,
) -> Result<AllianceApportionment, ApportionError> {
    let mut units: Vec<Unit> = Vec::new();
    for (i, g) in groups.iter().enumerate() {
        let existing = match &g.alliance {
            Some(name) => units
                .iter_mut()
                .find(|u| matches!(&u.contender, Contender::Alliance(n) if n == name)),
            None => None,
        };
        match existing {
            Some(unit) => {
                unit.members.push(i);
                unit.weight = unit.weight.checked_add(g.weight).ok_or_else(|| {
                    ApportionError::WeightOverflow {
                        alliance: g.alliance.clone().unwrap_or_default(),
                    }
                })?;
            }
            None => units.push(Unit {
                contender: match &g.alliance {
                    Some(name) => Contender::Alliance(name.clone()),
                    None => Contender::Group(i),
                },
                members: vec![i],
                weight: g.weight,
                seats: 0,
            }),
        }
    }
    let unit_weights: Vec<u64> = units.iter().map(|u| u.weight).collect();
    let first = apportion(&unit_weights, seats, method, ties)?;
    let name = |c: usize, units: &[Unit]| units[c].contender.clone();
    let mut all_ties: Vec<AllianceTie> = first
        .ties
        .iter()
        .map(|t| AllianceTie {
            within: None,
            first_seat: t.first_seat,
            seats: t.seats,
            candidates: t.candidates.iter().map(|&c| name(c, &units)).collect(),
            winners: t.winners.iter().map(|&c| name(c, &units)).collect(),
            rule: t.rule,
        })
        .collect();
    let mut result = vec![0u32; groups.len()];
    for (unit, &won) in units.iter_mut().zip(&first.seats) {
        unit.seats = won;
        let member_weights: Vec<u64> = unit.members.iter().map(|&m| groups[m].weight).collect();
        let mut mapped = Mapped {
            inner: &mut *ties,
            members: &unit.members,
        };
        let inner = apportion(&member_weights, won, Method::DHondt, &mut mapped)?;
        for (&m, &s) in unit.members.iter().zip(&inner.seats) {
            result[m] = s;
        }
        if let Contender::Alliance(alliance) = &unit.contender {
            let as_groups = |v: &[usize]| -> Vec<Contender> {
                v.iter()
                    .map(|&k| Contender::Group(unit.members[k]))
                    .collect()
            };
            all_ties.extend(inner.ties.iter().map(|t: &SettledTie| AllianceTie {
                within: Some(alliance.clone()),
                first_seat: t.first_seat,
                seats: t.seats,
                candidates: as_groups(&t.candidates),
                winners: as_groups(&t.winners),
                rule: t.rule,
            }));
        }
    }
    Ok(AllianceApportionment {
        seats: result,
        units,
        ties: all_ties,
    })
}
