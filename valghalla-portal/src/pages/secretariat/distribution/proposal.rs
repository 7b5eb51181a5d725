//! The proposal page's view: each party's totals, the ties and how they were settled, and each
//! station's proposed seats against the current grid.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use valghalla::core::apportion::staffing::{self, CouncilInput, Proposal};
use valghalla::core::apportion::{Contender, TieRule};
use valghalla::core::ids::{TaskTypeId, TeamId, WorkLocationId};

use super::council::{Facts, method_da};
use crate::web::views::da_date;

pub struct ProposalCell {
    pub proposed: u32,
    pub change: String,
    pub class: &'static str,
    pub kept: u32,
}

pub struct ProposalRow {
    pub team: String,
    pub cells: Vec<ProposalCell>,
}

pub struct ProposalStation {
    pub title: String,
    pub here: bool,
    pub rows: Vec<ProposalRow>,
}

pub struct TotalRow {
    pub name: String,
    pub members: u32,
    pub alliance: String,
    pub valgstyrere: u32,
    pub formaend: u32,
    pub tilforordnede: u32,
}

pub struct ProposalView {
    pub key: String,
    pub date: String,
    pub method: &'static str,
    pub totals: Vec<TotalRow>,
    pub ties: Vec<String>,
    pub stations: Vec<ProposalStation>,
    pub created: u32,
    pub removed: u32,
    pub kept: u32,
    pub changed_stations: usize,
}

fn tie_da(input: &CouncilInput, t: &staffing::RoleTie) -> String {
    let name = |c: &Contender| match c {
        Contender::Group(i) => input
            .groups
            .get(*i)
            .map_or_else(String::new, |g| g.name.clone()),
        Contender::Alliance(a) => format!("valgforbundet {a}"),
    };
    let list = |cs: &[Contender]| cs.iter().map(name).collect::<Vec<_>>().join(", ");
    let seats = if t.tie.seats == 1 {
        format!("plads nr. {}", t.tie.first_seat)
    } else {
        format!(
            "pladserne nr. {}–{}",
            t.tie.first_seat,
            t.tie.first_seat + t.tie.seats - 1
        )
    };
    let within = t
        .tie
        .within
        .as_ref()
        .map(|a| format!(" inden for valgforbundet {a}"))
        .unwrap_or_default();
    let how = match t.tie.rule {
        TieRule::Lot => "ved lodtrækning",
        TieRule::Decided => "efter rækkefølgen i listen",
    };
    format!(
        "{}: stemmelighed om {seats}{within} mellem {}; afgjort {how} til {}.",
        capitalised(t.role.name_da()),
        list(&t.tie.candidates),
        list(&t.tie.winners)
    )
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

pub fn proposal_view(
    facts: &Facts,
    input: &CouncilInput,
    proposal: &Proposal,
    date: NaiveDate,
    key: String,
    from: Option<WorkLocationId>,
) -> ProposalView {
    let proposed: BTreeMap<(WorkLocationId, TeamId, TaskTypeId), u32> = proposal
        .cells
        .iter()
        .map(|c| ((c.work_location, c.team, c.task_type), c.count))
        .collect();
    let roles = [
        input.roles.formand,
        input.roles.valgstyrer,
        input.roles.tilforordnet,
    ];
    let (mut created, mut removed, mut kept, mut changed_stations) = (0, 0, 0, 0);
    let stations = input
        .stations
        .iter()
        .filter_map(|s| {
            let loc = facts.stations.iter().find(|l| l.id == s.work_location)?;
            let mut changed = false;
            let rows = input
                .groups
                .iter()
                .map(|g| ProposalRow {
                    team: g.name.clone(),
                    cells: roles
                        .iter()
                        .map(|tt| {
                            let n = proposed.get(&(loc.id, g.team, *tt)).copied().unwrap_or(0);
                            let (now, taken) = facts
                                .current
                                .get(&(loc.id, g.team, *tt, date))
                                .copied()
                                .unwrap_or((0, 0));
                            // Taken seats are never deleted, so the grid ends at max(n, taken).
                            let after = n.max(taken);
                            let cell_kept = taken.saturating_sub(n).min(now);
                            kept += cell_kept;
                            if after > now {
                                created += after - now;
                            } else {
                                removed += now - after;
                            }
                            changed |= after != now;
                            let (change, class) = match after.cmp(&now) {
                                std::cmp::Ordering::Greater => (format!("+{}", after - now), "up"),
                                std::cmp::Ordering::Less => (format!("−{}", now - after), "down"),
                                std::cmp::Ordering::Equal => (String::new(), ""),
                            };
                            ProposalCell {
                                proposed: n,
                                change,
                                class,
                                kept: cell_kept,
                            }
                        })
                        .collect(),
                })
                .collect();
            changed_stations += usize::from(changed);
            Some(ProposalStation {
                title: loc.title.to_string(),
                here: Some(loc.id) == from,
                rows,
            })
        })
        .collect();
    ProposalView {
        key,
        date: da_date(date),
        method: method_da(input.method),
        totals: proposal
            .totals
            .iter()
            .zip(&input.groups)
            .map(|(t, g)| TotalRow {
                name: t.name.clone(),
                members: g.members,
                alliance: g.alliance.clone().unwrap_or_default(),
                valgstyrere: t.valgstyrere,
                formaend: t.formaend,
                tilforordnede: t.tilforordnede,
            })
            .collect(),
        ties: proposal.ties.iter().map(|t| tie_da(input, t)).collect(),
        stations,
        created,
        removed,
        kept,
        changed_stations,
    }
}
