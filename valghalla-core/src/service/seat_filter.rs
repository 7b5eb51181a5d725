//! Which seats a list shows, pure: the staffing overview, the participant list and its exports
//! apply the same [`SeatFilter`], so a download holds exactly the rows a filtered page shows.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use crate::ids::{AreaId, TaskTypeId, TeamId, WorkLocationId};
use crate::model::{SeatStatus, SlotKey};

/// Which seats a list includes: a seat is included when it matches every criterion given; an
/// empty set gives no criterion (everything passes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct SeatFilter {
    /// Only these dates.
    pub dates: BTreeSet<NaiveDate>,
    /// Only stations in these areas.
    pub areas: BTreeSet<AreaId>,
    /// Only these stations (work locations).
    pub work_locations: BTreeSet<WorkLocationId>,
    /// Only these teams.
    pub teams: BTreeSet<TeamId>,
    /// Only these task types.
    pub task_types: BTreeSet<TaskTypeId>,
    /// Only seats in these states. A participant list never has vacant seats (nobody holds
    /// them), whatever the filter says.
    pub statuses: BTreeSet<SeatStatus>,
}

/// What the participant list includes (the same filter as every seat list).
pub type ParticipantFilter = SeatFilter;

/// What the staffing overview counts (the same filter as every seat list).
pub type OverviewFilter = SeatFilter;

fn admits<T: Ord>(set: &BTreeSet<T>, value: &T) -> bool {
    set.is_empty() || set.contains(value)
}

impl SeatFilter {
    /// Whether a seat of `slot` at a station in `area` passes every criterion but the state
    /// (the overview counts every state of the slots it includes).
    pub fn matches_slot(&self, area: AreaId, slot: &SlotKey) -> bool {
        admits(&self.dates, &slot.date)
            && admits(&self.areas, &area)
            && admits(&self.work_locations, &slot.work_location)
            && admits(&self.teams, &slot.team)
            && admits(&self.task_types, &slot.task_type)
    }

    /// Whether a seat of `slot` at a station in `area`, in state `status`, passes every
    /// criterion.
    pub fn matches(&self, area: AreaId, slot: &SlotKey, status: SeatStatus) -> bool {
        self.matches_slot(area, slot) && admits(&self.statuses, &status)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use uuid::Uuid;

    use super::*;
    use crate::ids::ElectionId;

    /// A small world of ids, so random filters and seats often meet.
    fn id(n: u8) -> Uuid {
        Uuid::from_u128(u128::from(n) + 1)
    }

    fn day(n: u8) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 15 + u32::from(n % 3)).unwrap_or_default()
    }

    fn status(n: u8) -> SeatStatus {
        [
            SeatStatus::Vacant,
            SeatStatus::Invited,
            SeatStatus::Accepted,
        ][usize::from(n % 3)]
    }

    #[derive(Debug, Clone)]
    struct Row {
        area: AreaId,
        slot: SlotKey,
        status: SeatStatus,
    }

    fn row() -> impl Strategy<Value = Row> {
        (0u8..3, 0u8..3, 0u8..3, 0u8..3, 0u8..3, 0u8..3).prop_map(|(a, l, tt, t, d, s)| Row {
            area: AreaId::from_uuid(id(a)),
            slot: SlotKey {
                election: ElectionId::from_uuid(id(0)),
                work_location: WorkLocationId::from_uuid(id(l)),
                task_type: TaskTypeId::from_uuid(id(tt)),
                team: TeamId::from_uuid(id(t)),
                date: day(d),
            },
            status: status(s),
        })
    }

    fn set<T: Ord>(picks: Vec<u8>, f: impl Fn(u8) -> T) -> BTreeSet<T> {
        picks.into_iter().map(f).collect()
    }

    fn filter() -> impl Strategy<Value = SeatFilter> {
        let pick = || proptest::collection::vec(0u8..3, 0..3);
        (pick(), pick(), pick(), pick(), pick(), pick()).prop_map(|(d, a, l, t, tt, s)| {
            SeatFilter {
                dates: set(d, day),
                areas: set(a, |n| AreaId::from_uuid(id(n))),
                work_locations: set(l, |n| WorkLocationId::from_uuid(id(n))),
                teams: set(t, |n| TeamId::from_uuid(id(n))),
                task_types: set(tt, |n| TaskTypeId::from_uuid(id(n))),
                statuses: set(s, status),
            }
        })
    }

    #[test]
    fn an_empty_filter_includes_every_seat() {
        let f = SeatFilter::default();
        let slot = SlotKey {
            election: ElectionId::from_uuid(id(0)),
            work_location: WorkLocationId::from_uuid(id(1)),
            task_type: TaskTypeId::from_uuid(id(2)),
            team: TeamId::from_uuid(id(3)),
            date: day(0),
        };
        assert!(f.matches(AreaId::from_uuid(id(4)), &slot, SeatStatus::Vacant));
    }

    proptest! {
        /// A seat is included exactly when every criterion given admits it.
        #[test]
        fn included_exactly_when_every_given_criterion_matches(f in filter(), r in row()) {
            let each = [
                f.dates.is_empty() || f.dates.contains(&r.slot.date),
                f.areas.is_empty() || f.areas.contains(&r.area),
                f.work_locations.is_empty() || f.work_locations.contains(&r.slot.work_location),
                f.teams.is_empty() || f.teams.contains(&r.slot.team),
                f.task_types.is_empty() || f.task_types.contains(&r.slot.task_type),
                f.statuses.is_empty() || f.statuses.contains(&r.status),
            ];
            prop_assert_eq!(f.matches(r.area, &r.slot, r.status), each.iter().all(|b| *b));
            prop_assert_eq!(
                f.matches_slot(r.area, &r.slot),
                each[..5].iter().all(|b| *b)
            );
        }

        /// Narrowing a criterion never lets more seats through.
        #[test]
        fn a_narrower_filter_includes_no_more(f in filter(), rows in proptest::collection::vec(row(), 0..30), d in 0u8..3) {
            let mut narrower = f.clone();
            // One date more to match (an empty set would be no criterion at all).
            if f.dates.is_empty() || f.dates.contains(&day(d)) {
                narrower.dates = [day(d)].into();
            }
            for r in &rows {
                if narrower.matches(r.area, &r.slot, r.status) {
                    prop_assert!(f.matches(r.area, &r.slot, r.status));
                }
            }
        }
    }
}
