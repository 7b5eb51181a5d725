//! The council form: each party's members in the kommunalbestyrelse, the roles' task types and
//! the stations' numbers, with every error next to its field; and what the form and the
//! proposal are about ([`Facts`]).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use valghalla::core::DanishMessage;
use valghalla::core::apportion::Method;
use valghalla::core::apportion::staffing::{
    self, CouncilGroup, CouncilInput, Role, Roles, StaffingError, StationInput, TieBreak,
};
use valghalla::core::exchange::NationalRole;
use valghalla::core::ids::{ElectionId, TaskTypeId, TeamId, WorkLocationId};
use valghalla::core::model::{Election, TaskType, Team, TeamKind, WorkLocation};
use valghalla::core::service::OverviewFilter;

use crate::state::Tenant;
use crate::web::views::da_date;
use crate::web::{AppError, Choice, FormData, FormErrors, Me};

/// The valgstyrere per station when the current grid suggests nothing lawful.
const DEFAULT_VALGSTYRERE: u32 = staffing::MIN_VALGSTYRERE;
/// The most tilforordnede one station may be given.
const MAX_TILFORORDNEDE: u32 = 500;
/// The most members a council group may be given (guards the arithmetic, not the law).
const MAX_MEMBERS: u32 = 1000;

/// One council group's fields.
pub struct GroupField {
    /// The team's name.
    pub name: String,
    /// The members field's name and id.
    pub members_name: String,
    /// Its value.
    pub members: String,
    /// The alliance field's name and id.
    pub alliance_name: String,
    /// Its value.
    pub alliance: String,
    /// The members field's error.
    pub error: Option<String>,
    /// The alliance field's error.
    pub alliance_error: Option<String>,
}

/// One role's task type choice.
pub struct RoleField {
    /// The field's name and id.
    pub name: &'static str,
    /// Its label.
    pub label: &'static str,
    /// The task types.
    pub choices: Vec<Choice>,
    /// Its error.
    pub error: Option<String>,
}

/// One station's numbers.
pub struct StationField {
    /// The station.
    pub title: String,
    /// The valgstyrere field's name and id.
    pub vs_name: String,
    /// Its value.
    pub vs: String,
    /// Its error.
    pub vs_error: Option<String>,
    /// The tilforordnede field's name and id.
    pub tf_name: String,
    /// Its value.
    pub tf: String,
    /// Its error.
    pub tf_error: Option<String>,
}

/// The council form, as the grid page and the proposal page show it.
pub struct CouncilForm {
    /// The election.
    pub election: ElectionId,
    /// The grid page to return to after confirming ("" for the overview).
    pub from: String,
    /// The council groups (the party teams).
    pub groups: Vec<GroupField>,
    /// The three roles.
    pub roles: Vec<RoleField>,
    /// The stations of the election.
    pub stations: Vec<StationField>,
    /// Whether the stations' numbers start unfolded (one of them is wrong).
    pub stations_open: bool,
    /// The dates the seats may be put on.
    pub dates: Vec<Choice>,
    /// The apportionment methods.
    pub methods: Vec<Choice>,
    /// How ties are settled.
    pub ties: Vec<Choice>,
    /// Errors, each on its field.
    pub errors: FormErrors,
}

pub fn method_da(m: Method) -> &'static str {
    match m {
        Method::DHondt => "d'Hondt (lovens udgangspunkt)",
        Method::SainteLague => "Sainte-Laguë",
        Method::ModifiedSainteLague => "Modificeret Sainte-Laguë (første divisor 1,4)",
        Method::Danish => "Dansk divisormetode (1, 4, 7, …)",
        Method::Hare => "Hare (største brøk)",
    }
}

const TIES: [(&str, &str); 2] = [
    ("lod", "Ved lodtrækning (som loven foreskriver)"),
    ("raekkefoelge", "Efter partiernes rækkefølge i listen"),
];

/// The roles in the order the proposal lists them, with their field names and labels.
pub const ROLE_FIELDS: [(Role, &str, &str, NationalRole); 3] = [
    (
        Role::Formand,
        "formand",
        "Valgstyrerformand",
        NationalRole::Valgstyrerformand,
    ),
    (
        Role::Valgstyrer,
        "valgstyrer",
        "Valgstyrer (øvrige)",
        NationalRole::Valgstyrer,
    ),
    (
        Role::Tilforordnet,
        "tilforordnet",
        "Tilforordnet vælger",
        NationalRole::Tilforordnet,
    ),
];

fn members_field(t: TeamId) -> String {
    format!("medlemmer-{t}")
}
fn alliance_field(t: TeamId) -> String {
    format!("forbund-{t}")
}
fn vs_field(l: WorkLocationId) -> String {
    format!("vs-{l}")
}
fn tf_field(l: WorkLocationId) -> String {
    format!("tf-{l}")
}

/// What the form and the proposal are about, loaded once per request.
pub struct Facts {
    pub election: Election,
    pub parties: Vec<Team>,
    pub task_types: Vec<TaskType>,
    pub stations: Vec<WorkLocation>,
    /// (station, team, task type, date) → (seats, invited or accepted).
    pub current: BTreeMap<(WorkLocationId, TeamId, TaskTypeId, NaiveDate), (u32, u32)>,
}

impl Facts {
    pub async fn load(state: &Tenant, me: &Me, election: ElectionId) -> Result<Facts, AppError> {
        let actor = &me.0.actor;
        let e = state.svc.election(actor, election).await?;
        let parties = state
            .svc
            .teams(actor)
            .await?
            .into_iter()
            .filter(|t| t.kind == TeamKind::Party)
            .collect();
        let task_types = state.svc.task_types(actor).await?;
        let stations = state
            .svc
            .work_locations(actor)
            .await?
            .into_iter()
            .filter(|l| e.work_locations.contains(&l.id))
            .collect();
        let ov = state
            .svc
            .overview(actor, election, &OverviewFilter::default())
            .await?;
        let mut current = BTreeMap::new();
        for l in ov.areas.iter().flat_map(|a| &a.locations) {
            for r in &l.rows {
                current.insert(
                    (l.work_location, r.team, r.task_type, r.date),
                    (r.counts.seats, r.counts.invited + r.counts.accepted),
                );
            }
        }
        Ok(Facts {
            election: e,
            parties,
            task_types,
            stations,
            current,
        })
    }

    /// The task type a role most likely is, by title.
    fn guess_role(&self, role: NationalRole) -> Option<TaskTypeId> {
        self.task_types
            .iter()
            .find(|t| NationalRole::from_title(t.title.as_str()) == role)
            .map(|t| t.id)
    }

    fn seats(&self, loc: WorkLocationId, tt: Option<TaskTypeId>, date: NaiveDate) -> u32 {
        let Some(tt) = tt else { return 0 };
        self.current
            .iter()
            .filter(|((l, _, t, d), _)| *l == loc && *t == tt && *d == date)
            .map(|(_, (seats, _))| seats)
            .sum()
    }
}

/// The form with `posted` values (or defaults: roles guessed from the task types' titles,
/// station numbers from the current grid on election day).
pub fn council_form(
    facts: &Facts,
    from: Option<WorkLocationId>,
    posted: Option<&FormData>,
    errors: FormErrors,
) -> CouncilForm {
    let value = |name: &str, default: String| match posted {
        Some(f) => f.get(name).to_owned(),
        None => default,
    };
    let day = facts.election.election_day();
    let date = posted
        .and_then(|f| f.get("dato").parse::<NaiveDate>().ok())
        .unwrap_or(day);
    let role_choice = |name: &str, role: NationalRole| -> Option<TaskTypeId> {
        match posted {
            Some(f) => f.get(name).parse().ok(),
            None => facts.guess_role(role),
        }
    };
    let formand = role_choice("formand", NationalRole::Valgstyrerformand);
    let valgstyrer = role_choice("valgstyrer", NationalRole::Valgstyrer);
    let tilforordnet = role_choice("tilforordnet", NationalRole::Tilforordnet);
    let method = posted
        .and_then(|f| f.get("metode").parse::<Method>().ok())
        .unwrap_or_default();
    let tie = posted.map_or("lod", |f| f.get("stemmelighed"));
    CouncilForm {
        election: facts.election.id,
        from: from.map(|l| l.to_string()).unwrap_or_default(),
        groups: facts
            .parties
            .iter()
            .map(|t| GroupField {
                name: t.name.to_string(),
                members: value(&members_field(t.id), String::new()),
                alliance: value(&alliance_field(t.id), String::new()),
                error: errors.get(&members_field(t.id)).map(str::to_owned),
                alliance_error: errors.get(&alliance_field(t.id)).map(str::to_owned),
                members_name: members_field(t.id),
                alliance_name: alliance_field(t.id),
            })
            .collect(),
        roles: ROLE_FIELDS
            .iter()
            .zip([formand, valgstyrer, tilforordnet])
            .map(|((_, name, label, _), chosen)| RoleField {
                name,
                label,
                choices: facts
                    .task_types
                    .iter()
                    .map(|t| Choice {
                        value: t.id.to_string(),
                        label: t.title.to_string(),
                        selected: Some(t.id) == chosen,
                    })
                    .collect(),
                error: errors.get(name).map(str::to_owned),
            })
            .collect(),
        stations: facts
            .stations
            .iter()
            .map(|l| {
                let board = facts.seats(l.id, formand, date) + facts.seats(l.id, valgstyrer, date);
                let board =
                    if (staffing::MIN_VALGSTYRERE..=staffing::MAX_VALGSTYRERE).contains(&board) {
                        board
                    } else {
                        DEFAULT_VALGSTYRERE
                    };
                StationField {
                    title: l.title.to_string(),
                    vs: value(&vs_field(l.id), board.to_string()),
                    vs_error: errors.get(&vs_field(l.id)).map(str::to_owned),
                    tf: value(
                        &tf_field(l.id),
                        facts.seats(l.id, tilforordnet, date).to_string(),
                    ),
                    tf_error: errors.get(&tf_field(l.id)).map(str::to_owned),
                    vs_name: vs_field(l.id),
                    tf_name: tf_field(l.id),
                }
            })
            .collect(),
        stations_open: facts.stations.iter().any(|l| {
            errors.get(&vs_field(l.id)).is_some() || errors.get(&tf_field(l.id)).is_some()
        }),
        dates: facts
            .election
            .working_period()
            .days()
            .map(|d| Choice {
                value: d.to_string(),
                label: da_date(d),
                selected: d == date,
            })
            .collect(),
        methods: Method::ALL
            .iter()
            .map(|m| Choice {
                value: m.name().to_owned(),
                label: method_da(*m).to_owned(),
                selected: *m == method,
            })
            .collect(),
        ties: TIES
            .iter()
            .map(|(v, l)| Choice {
                value: (*v).to_owned(),
                label: (*l).to_owned(),
                selected: *v == tie,
            })
            .collect(),
        errors,
    }
}

/// Parses a whole number in `min..=max` from field `name`, or puts `message` next to it (and a
/// plainer one for a negative number, which is the likeliest slip), naming `what` the field is
/// about so the error summary says which of the many fields is wrong.
fn whole(
    form: &FormData,
    name: &str,
    what: &str,
    (min, max): (u32, u32),
    empty_is_zero: bool,
    message: &str,
    errors: &mut FormErrors,
) -> Option<u32> {
    let raw = form.get(name);
    if raw.is_empty() && empty_is_zero {
        return Some(0);
    }
    match raw.parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) => Some(n),
        _ if raw.parse::<i64>().is_ok_and(|n| n < 0) => {
            errors.add(name, format!("{what}: antallet kan ikke være negativt."));
            None
        }
        _ => {
            errors.add(name, format!("{what}: {message}"));
            None
        }
    }
}

/// The council's input from the form, or the errors next to their fields.
pub fn council_input(
    facts: &Facts,
    form: &FormData,
) -> Result<(CouncilInput, NaiveDate), FormErrors> {
    let mut errors = FormErrors::none();
    let mut groups = Vec::new();
    for t in &facts.parties {
        let members = whole(
            form,
            &members_field(t.id),
            t.name.as_str(),
            (0, MAX_MEMBERS),
            true,
            "angiv antal medlemmer som et helt tal (0 eller flere).",
            &mut errors,
        );
        let alliance = form.get(&alliance_field(t.id));
        if alliance.chars().count() > 60 {
            errors.add(
                &alliance_field(t.id),
                format!("{}: valgforbundets navn må højst være 60 tegn.", t.name),
            );
        }
        if let Some(members) = members {
            groups.push(CouncilGroup {
                name: t.name.to_string(),
                members,
                alliance: (!alliance.is_empty()).then(|| alliance.to_lowercase()),
                team: t.id,
            });
        }
    }
    if errors.is_empty() && groups.iter().all(|g| g.members == 0) {
        match facts.parties.first() {
            Some(t) => errors.add(
                &members_field(t.id),
                "Angiv mindst ét parti med medlemmer i kommunalbestyrelsen.",
            ),
            None => errors.add(
                "formand",
                "Der er ingen partier i stamdata; opret partierne som teams først.",
            ),
        }
    }
    let mut role = |name: &str| -> Option<TaskTypeId> {
        let id = form
            .get(name)
            .parse::<TaskTypeId>()
            .ok()
            .filter(|id| facts.task_types.iter().any(|t| t.id == *id));
        if id.is_none() {
            errors.add(name, "Vælg en opgavetype.");
        }
        id
    };
    let (formand, valgstyrer, tilforordnet) =
        (role("formand"), role("valgstyrer"), role("tilforordnet"));
    if let (Some(f), Some(v), Some(t)) = (formand, valgstyrer, tilforordnet)
        && (f == v || f == t || v == t)
    {
        errors.add(
            "formand",
            "Formand, valgstyrer og tilforordnet skal være tre forskellige opgavetyper.",
        );
    }
    let mut stations = Vec::new();
    for l in &facts.stations {
        let vs = whole(
            form,
            &vs_field(l.id),
            &format!("Valgstyrere på {}", l.title),
            (staffing::MIN_VALGSTYRERE, staffing::MAX_VALGSTYRERE),
            false,
            "angiv et helt tal fra 5 til 9 (loven kræver 5–9 valgstyrere pr. afstemningsområde).",
            &mut errors,
        );
        let tf = whole(
            form,
            &tf_field(l.id),
            &format!("Tilforordnede på {}", l.title),
            (0, MAX_TILFORORDNEDE),
            false,
            "angiv et helt tal fra 0 til 500.",
            &mut errors,
        );
        if let (Some(vs), Some(tf)) = (vs, tf) {
            stations.push(StationInput {
                work_location: l.id,
                valgstyrere: vs,
                tilforordnede: tf,
            });
        }
    }
    let date = form
        .get("dato")
        .parse::<NaiveDate>()
        .ok()
        .filter(|d| facts.election.working_period().days().any(|x| x == *d));
    if date.is_none() {
        errors.add("dato", "Vælg en dato i valgets arbejdsperiode.");
    }
    let method = form.get("metode").parse::<Method>();
    if method.is_err() {
        errors.add("metode", "Vælg en fordelingsmetode.");
    }
    let tie_break = match form.get("stemmelighed") {
        "raekkefoelge" => TieBreak::InputOrder,
        _ => TieBreak::Lot(rand::random()),
    };
    match (
        errors.is_empty(),
        formand,
        valgstyrer,
        tilforordnet,
        date,
        method,
    ) {
        (true, Some(formand), Some(valgstyrer), Some(tilforordnet), Some(date), Ok(method)) => {
            Ok((
                CouncilInput {
                    groups,
                    stations,
                    roles: Roles {
                        formand,
                        valgstyrer,
                        tilforordnet,
                    },
                    method,
                    rotation: 0,
                    tie_break,
                },
                date,
            ))
        }
        _ => Err(errors),
    }
}

/// A staffing refusal, next to the field it is about.
pub fn staffing_error(facts: &Facts, e: &StaffingError) -> FormErrors {
    let mut errors = FormErrors::none();
    let field = match e {
        StaffingError::ValgstyrereOutOfRange { work_location, .. }
        | StaffingError::DuplicateStation(work_location) => vs_field(*work_location),
        StaffingError::RolesShareTaskType => "formand".to_owned(),
        _ => facts
            .parties
            .first()
            .map_or_else(|| "formand".to_owned(), |t| members_field(t.id)),
    };
    errors.add(&field, e.message_da());
    errors
}
