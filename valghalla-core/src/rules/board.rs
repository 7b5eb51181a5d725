//! The law's shape of a polling station's board (*valgstyre*): 5–9 valgstyrere, the formand
//! included, and exactly one formand. Checked on the saved seats of election day, whatever
//! their state: the distribution is what the secretariat decides; who fills it comes after.
//! A task type's role is the secretariat's chair flag and its title ([`NationalRole::of`]).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::apportion::staffing::{MAX_VALGSTYRERE, MIN_VALGSTYRERE};
use crate::exchange::NationalRole;
use crate::ids::{TaskTypeId, WorkLocationId};
use crate::model::Seat;

/// A station whose board the saved distribution does not shape as the law does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoardWarning {
    /// The station (an afstemningsområde).
    pub work_location: WorkLocationId,
    /// Its valgstyrere on election day, the formand included.
    pub valgstyrere: u32,
    /// Its formænd on election day.
    pub formaend: u32,
}

impl BoardWarning {
    /// What is wrong, in Danish.
    pub fn message_da(&self) -> String {
        let mut out = Vec::new();
        if self.valgstyrere < MIN_VALGSTYRERE {
            out.push(format!(
                "kun {} valgstyrere (mindst {MIN_VALGSTYRERE}, formanden medregnet)",
                self.valgstyrere
            ));
        } else if self.valgstyrere > MAX_VALGSTYRERE {
            out.push(format!(
                "{} valgstyrere (højst {MAX_VALGSTYRERE}, formanden medregnet)",
                self.valgstyrere
            ));
        }
        if self.formaend != 1 {
            out.push(format!(
                "{} formænd (der skal være præcis én)",
                self.formaend
            ));
        }
        out.join(" og ")
    }
}

/// The stations among `stations` (the afstemningsområder of an election) whose seats on
/// `election_day` break the board's shape, in the order given.
pub fn board_warnings(
    stations: &[WorkLocationId],
    seats: &[Seat],
    roles: &BTreeMap<TaskTypeId, NationalRole>,
    election_day: NaiveDate,
) -> Vec<BoardWarning> {
    let mut counts: BTreeMap<WorkLocationId, (u32, u32)> = BTreeMap::new();
    for s in seats.iter().filter(|s| s.slot.date == election_day) {
        let role = roles.get(&s.slot.task_type).copied();
        let c = counts.entry(s.slot.work_location).or_default();
        match role {
            Some(NationalRole::Valgstyrerformand) => {
                c.0 = c.0.saturating_add(1);
                c.1 = c.1.saturating_add(1);
            }
            Some(NationalRole::Valgstyrer) => c.0 = c.0.saturating_add(1),
            _ => {}
        }
    }
    stations
        .iter()
        .filter_map(|l| {
            let (valgstyrere, formaend) = counts.get(l).copied().unwrap_or_default();
            let ok = (MIN_VALGSTYRERE..=MAX_VALGSTYRERE).contains(&valgstyrere) && formaend == 1;
            (!ok).then_some(BoardWarning {
                work_location: *l,
                valgstyrere,
                formaend,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::ids::{ElectionId, TeamId};
    use crate::model::SlotKey;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 17).expect("a date")
    }

    fn seats(at: WorkLocationId, tt: TaskTypeId, n: u32, date: NaiveDate) -> Vec<Seat> {
        let slot = SlotKey {
            election: ElectionId::from_uuid(uuid::Uuid::nil()),
            work_location: at,
            task_type: tt,
            team: TeamId::from_uuid(uuid::Uuid::nil()),
            date,
        };
        (0..n).map(|_| Seat::vacant(slot)).collect()
    }

    fn roles() -> (
        TaskTypeId,
        TaskTypeId,
        TaskTypeId,
        BTreeMap<TaskTypeId, NationalRole>,
    ) {
        let (f, v, t) = (TaskTypeId::new(), TaskTypeId::new(), TaskTypeId::new());
        let map = [
            (f, NationalRole::Valgstyrerformand),
            (v, NationalRole::Valgstyrer),
            (t, NationalRole::Tilforordnet),
        ]
        .into();
        (f, v, t, map)
    }

    #[test]
    fn a_board_of_one_formand_and_four_valgstyrere_is_lawful() {
        let (f, v, t, map) = roles();
        let l = WorkLocationId::new();
        let mut all = seats(l, f, 1, day());
        all.extend(seats(l, v, 4, day()));
        all.extend(seats(l, t, 20, day()));
        assert!(board_warnings(&[l], &all, &map, day()).is_empty());
    }

    #[test]
    fn too_few_too_many_and_the_wrong_number_of_formaend_are_warned() {
        let (f, v, _, map) = roles();
        let (a, b, c) = (
            WorkLocationId::new(),
            WorkLocationId::new(),
            WorkLocationId::new(),
        );
        let mut all = seats(a, f, 1, day());
        all.extend(seats(a, v, 3, day()));
        all.extend(seats(b, f, 1, day()));
        all.extend(seats(b, v, 9, day()));
        all.extend(seats(c, f, 2, day()));
        all.extend(seats(c, v, 4, day()));
        let w = board_warnings(&[a, b, c], &all, &map, day());
        assert_eq!(w.len(), 3);
        assert_eq!((w[0].valgstyrere, w[0].formaend), (4, 1));
        assert!(w[0].message_da().contains("kun 4 valgstyrere"));
        assert_eq!((w[1].valgstyrere, w[1].formaend), (10, 1));
        assert!(w[1].message_da().contains("højst 9"));
        assert_eq!((w[2].valgstyrere, w[2].formaend), (6, 2));
        assert!(w[2].message_da().contains("præcis én"));
    }

    #[test]
    fn a_station_without_seats_and_other_days_seats_are_warned_as_empty() {
        let (f, v, _, map) = roles();
        let l = WorkLocationId::new();
        let mut all = seats(l, f, 1, day().pred_opt().expect("a day"));
        all.extend(seats(l, v, 5, day().pred_opt().expect("a day")));
        let w = board_warnings(&[l], &all, &map, day());
        assert_eq!((w[0].valgstyrere, w[0].formaend), (0, 0));
    }

    proptest! {
        /// A station is warned exactly when its board is outside 5–9 or has not one formand.
        #[test]
        fn warned_exactly_when_the_shape_is_unlawful(formaend in 0u32..4, others in 0u32..12) {
            let (f, v, _, map) = roles();
            let l = WorkLocationId::new();
            let mut all = seats(l, f, formaend, day());
            all.extend(seats(l, v, others, day()));
            let total = formaend + others;
            let lawful = (5..=9).contains(&total) && formaend == 1;
            prop_assert_eq!(board_warnings(&[l], &all, &map, day()).is_empty(), lawful);
        }
    }
}
