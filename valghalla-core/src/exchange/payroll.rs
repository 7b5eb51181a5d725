//! The payroll list (*lønliste*), from what happened on the day: a no-show is not paid, leaving
//! early is marked, and a reserve who stepped in is paid for the seat they took.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;

use crate::collation::danish_cmp;
use crate::ids::{ParticipantId, SeatId};
use crate::model::{Attendance, AttendanceStatus, SeatStatus};
use crate::time::format_local_time;
use crate::values::Ore;

use super::Table;
use super::export::{ParticipantRow, date_da};

/// What happened on the day, for the payroll.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PayrollAttendance {
    /// The attendance recorded at each seat.
    pub by_seat: HashMap<SeatId, Attendance>,
    /// The seats reserves took, with who took each.
    pub reserve_takers: HashSet<(SeatId, ParticipantId)>,
    /// The names of people recorded at a seat they no longer hold (a no-show replaced by a
    /// reserve), who are listed unpaid.
    pub names: HashMap<ParticipantId, String>,
}

/// One task on the payroll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayrollTask {
    /// Date.
    pub date: NaiveDate,
    /// Work location.
    pub work_location: String,
    /// Task type.
    pub task_type: String,
    /// Payment: zero when the task type has none or the person did not turn up.
    pub payment: Ore,
    /// What was recorded on the day (`None`: nothing; paid as accepted).
    pub attendance: Option<AttendanceStatus>,
    /// Whether they took the seat as a reserve.
    pub reserve: bool,
}

/// A person on the payroll list with their tasks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayrollPerson {
    /// Participant.
    pub participant: ParticipantId,
    /// Name.
    pub name: String,
    /// Full CPR number, when included.
    pub cpr: Option<String>,
    /// Tasks by date.
    pub tasks: Vec<PayrollTask>,
    /// Sum of the payments.
    pub total: Ore,
}

/// The payroll list: every participant with accepted seats among `rows`, and everyone
/// recorded as not arrived at a seat that went to someone else, with their tasks by date, the
/// payment for each (none for a no-show) and the total, sorted by name in Danish order. `cprs`
/// (when given) adds the full CPR numbers.
pub fn payroll(
    rows: &[ParticipantRow],
    attendance: &PayrollAttendance,
    cprs: Option<&HashMap<ParticipantId, String>>,
) -> Vec<PayrollPerson> {
    let mut people: BTreeMap<ParticipantId, PayrollPerson> = BTreeMap::new();
    let mut add = |participant: ParticipantId, name: &str, task: PayrollTask| {
        let person = people.entry(participant).or_insert_with(|| PayrollPerson {
            participant,
            name: name.to_owned(),
            cpr: cprs.and_then(|c| c.get(&participant).cloned()),
            tasks: vec![],
            total: Ore(0),
        });
        person.total = Ore(person.total.0.saturating_add(task.payment.0));
        person.tasks.push(task);
    };
    for r in rows.iter().filter(|r| r.status == SeatStatus::Accepted) {
        let recorded = attendance.by_seat.get(&r.seat);
        let status = recorded.and_then(|a| a.of(r.participant)).map(|e| e.status);
        let paid = status.is_none_or(AttendanceStatus::worked);
        let task = |participant, status, paid: bool| PayrollTask {
            date: r.date,
            work_location: r.work_location.clone(),
            task_type: r.task_type.clone(),
            payment: if paid {
                r.payment.unwrap_or_default()
            } else {
                Ore(0)
            },
            attendance: status,
            reserve: attendance.reserve_takers.contains(&(r.seat, participant)),
        };
        add(r.participant, &r.name, task(r.participant, status, paid));
        // Whoever was recorded at the seat and no longer holds it did not do the task.
        for e in recorded.map(|a| a.entries.as_slice()).unwrap_or_default() {
            if e.participant != r.participant {
                let name = attendance
                    .names
                    .get(&e.participant)
                    .map_or("", String::as_str);
                add(
                    e.participant,
                    name,
                    task(e.participant, Some(e.status), false),
                );
            }
        }
    }
    let mut out: Vec<PayrollPerson> = people.into_values().collect();
    for p in &mut out {
        p.tasks.sort_by(|a, b| {
            a.date
                .cmp(&b.date)
                .then_with(|| danish_cmp(&a.task_type, &b.task_type))
        });
    }
    out.sort_by(|a, b| danish_cmp(&a.name, &b.name).then(a.participant.cmp(&b.participant)));
    out
}

/// How the payroll shows what was recorded.
fn attendance_da(status: Option<AttendanceStatus>) -> String {
    match status {
        None => "Ikke registreret".into(),
        Some(AttendanceStatus::Arrived) => "Mødt".into(),
        Some(AttendanceStatus::NotArrived) => "Ikke mødt".into(),
        Some(AttendanceStatus::LeftEarly { at }) => {
            format!("Gik før tid kl. {}", format_local_time(at))
        }
    }
}

/// The payroll list as a table: a row per task (with its attendance and whether a reserve
/// stepped in), then an "I alt" row per person.
pub fn payroll_table(people: &[PayrollPerson], with_cpr: bool) -> Table {
    let mut headers = vec!["Navn".to_owned()];
    if with_cpr {
        headers.push("CPR-nummer".into());
    }
    headers.extend(
        [
            "Dato",
            "Arbejdssted",
            "Opgavetype",
            "Fremmøde",
            "Reserve",
            "Betaling",
        ]
        .map(str::to_owned),
    );
    let mut rows = Vec::new();
    for p in people {
        let lead = |rows: &mut Vec<Vec<String>>, rest: [String; 6]| {
            let mut row = vec![p.name.clone()];
            if with_cpr {
                row.push(p.cpr.clone().unwrap_or_default());
            }
            row.extend(rest);
            rows.push(row);
        };
        for t in &p.tasks {
            lead(
                &mut rows,
                [
                    date_da(t.date),
                    t.work_location.clone(),
                    t.task_type.clone(),
                    attendance_da(t.attendance),
                    if t.reserve { "Ja" } else { "" }.into(),
                    t.payment.to_string(),
                ],
            );
        }
        lead(
            &mut rows,
            [
                String::new(),
                String::new(),
                "I alt".into(),
                String::new(),
                String::new(),
                p.total.to_string(),
            ],
        );
    }
    Table::new(headers, rows)
}
