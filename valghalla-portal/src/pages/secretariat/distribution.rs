//! A seat distribution proposed from the council's composition: the secretariat enters each
//! party's members in the kommunalbestyrelse (and the stations' numbers), the core apportions
//! the valgstyrere, formænd and tilforordnede "under ét" and spreads them over the stations, and
//! the portal shows the proposal against the current grid. Nothing is saved until the secretary
//! confirms; the proposal waits in the server-side session in between, under a random key the
//! confirm form carries, so an older tab cannot confirm a newer proposal it never showed.

use std::collections::BTreeMap;
use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use valghalla::core::apportion::staffing::{
    CouncilGroup, CouncilInput, Proposal, Role, Roles, StaffingError, StationInput, TieBreak,
};
use valghalla::core::apportion::{Contender, Method, TieRule};
use valghalla::core::exchange::NationalRole;
use valghalla::core::ids::{ElectionId, TaskTypeId, TeamId, WorkLocationId};
use valghalla::core::model::{Election, TaskType, Team, TeamKind, WorkLocation};
use valghalla::core::rules::access::Permission;
use valghalla::core::service::OverviewFilter;
use valghalla::core::{DanishMessage, apportion::staffing};

use crate::secretariat::Choice;
use crate::web::{
    AppError, FormData, FormErrors, Layout, Me, Shared, da_date, done, random_token, render,
    require,
};

/// A proposal waiting for the secretary's confirmation, and the form it came from (which also
/// prefills the form next time: the core keeps no council composition).
#[derive(Debug, Clone)]
pub struct PendingDistribution {
    /// The election.
    pub election: ElectionId,
    /// What the secretary entered.
    pub form: FormData,
    /// The proposal, its date and the key its confirm form must carry; `None` once applied.
    pub proposal: Option<(String, NaiveDate, Proposal)>,
}

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

fn method_da(m: Method) -> &'static str {
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
const ROLE_FIELDS: [(Role, &str, &str, NationalRole); 3] = [
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
struct Facts {
    election: Election,
    parties: Vec<Team>,
    task_types: Vec<TaskType>,
    stations: Vec<WorkLocation>,
    /// (station, team, task type, date) → (seats, invited or accepted).
    current: BTreeMap<(WorkLocationId, TeamId, TaskTypeId, NaiveDate), (u32, u32)>,
}

impl Facts {
    async fn load(state: &Shared, me: &Me, election: ElectionId) -> Result<Facts, AppError> {
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
fn council_form(
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

/// The council form for the grid page of `location`, prefilled from the secretary's last
/// input for this election; `None` for those who may not distribute seats.
pub async fn grid_form(
    state: &Shared,
    me: &Me,
    election: ElectionId,
    location: WorkLocationId,
) -> Result<Option<CouncilForm>, AppError> {
    if require(&me.0.actor, Permission::DistributeSeats).is_err() {
        return Ok(None);
    }
    let facts = Facts::load(state, me, election).await?;
    let last = pending(me).filter(|p| p.election == election);
    Ok(Some(council_form(
        &facts,
        Some(location),
        last.as_ref().map(|p| &p.form),
        FormErrors::none(),
    )))
}

fn pending(me: &Me) -> Option<Arc<PendingDistribution>> {
    me.0.session.as_ref().and_then(|s| s.distribution.clone())
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
fn council_input(facts: &Facts, form: &FormData) -> Result<(CouncilInput, NaiveDate), FormErrors> {
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
fn staffing_error(facts: &Facts, e: &StaffingError) -> FormErrors {
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

// ---------------------------------------------------------------- the proposal page

struct ProposalCell {
    proposed: u32,
    change: String,
    class: &'static str,
    kept: u32,
}

struct ProposalRow {
    team: String,
    cells: Vec<ProposalCell>,
}

struct ProposalStation {
    title: String,
    here: bool,
    rows: Vec<ProposalRow>,
}

struct TotalRow {
    name: String,
    members: u32,
    alliance: String,
    valgstyrere: u32,
    formaend: u32,
    tilforordnede: u32,
}

struct ProposalView {
    key: String,
    date: String,
    method: &'static str,
    totals: Vec<TotalRow>,
    ties: Vec<String>,
    stations: Vec<ProposalStation>,
    created: u32,
    removed: u32,
    kept: u32,
    changed_stations: usize,
}

#[derive(Template)]
#[template(path = "sekretariat/fordelingsforslag.html")]
struct ProposalPage {
    layout: Layout,
    election_title: String,
    council: CouncilForm,
    proposal: Option<ProposalView>,
    role_labels: Vec<&'static str>,
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

fn proposal_view(
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

fn page(
    me: &Me,
    facts: &Facts,
    council: CouncilForm,
    proposal: Option<ProposalView>,
) -> Result<Response, AppError> {
    render(&ProposalPage {
        layout: me
            .0
            .layout(format!("Fordelingsforslag – {}", facts.election.title)),
        election_title: facts.election.title.to_string(),
        council,
        proposal,
        role_labels: ROLE_FIELDS.iter().map(|r| r.2).collect(),
    })
}

/// `?fra=` on the proposal page: the grid page the secretary came from.
#[derive(Debug, Deserialize)]
pub struct FromQuery {
    fra: Option<String>,
}

/// GET /sekretariat/valg/{id}/fordelingsforslag: the council form on its own page.
pub async fn start(
    State(state): State<Shared>,
    me: Me,
    Path(election): Path<ElectionId>,
    Query(q): Query<FromQuery>,
) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::DistributeSeats)?;
    let facts = Facts::load(&state, &me, election).await?;
    let from = q.fra.as_deref().and_then(|f| f.parse().ok());
    let last = pending(&me).filter(|p| p.election == election);
    let council = council_form(
        &facts,
        from,
        last.as_ref().map(|p| &p.form),
        FormErrors::none(),
    );
    page(&me, &facts, council, None)
}

/// POST /sekretariat/valg/{id}/fordelingsforslag: proposes a distribution (nothing is saved).
pub async fn propose(
    State(state): State<Shared>,
    me: Me,
    Path(election): Path<ElectionId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    require(actor, Permission::DistributeSeats)?;
    let facts = Facts::load(&state, &me, election).await?;
    let from: Option<WorkLocationId> = form.get("fra").parse().ok();
    let (input, date) = match council_input(&facts, &form) {
        Ok(x) => x,
        Err(errors) => {
            let council = council_form(&facts, from, Some(&form), errors);
            return page(&me, &facts, council, None);
        }
    };
    let proposal = match state
        .svc
        .propose_distribution(actor, election, &input)
        .await
    {
        Ok(p) => p,
        Err(valghalla::Error::Staffing(e)) => {
            let council = council_form(&facts, from, Some(&form), staffing_error(&facts, &e));
            return page(&me, &facts, council, None);
        }
        Err(e) => return Err(e.into()),
    };
    let key = random_token();
    let view = proposal_view(&facts, &input, &proposal, date, key.clone(), from);
    let kept = Arc::new(PendingDistribution {
        election,
        form: form.clone(),
        proposal: Some((key, date, proposal)),
    });
    state
        .sessions
        .update(me.0.session_id(), |s| s.distribution = Some(kept))
        .await;
    let council = council_form(&facts, from, Some(&form), FormErrors::none());
    page(&me, &facts, council, Some(view))
}

/// POST /sekretariat/valg/{id}/fordelingsforslag/bekraeft: applies the proposal the page
/// showed (its key must match the one waiting in the session), then shows the grid.
pub async fn confirm(
    State(state): State<Shared>,
    me: Me,
    Path(election): Path<ElectionId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    require(actor, Permission::DistributeSeats)?;
    let Some(p) = pending(&me).filter(|p| p.election == election) else {
        return Err(AppError::NotFound);
    };
    let Some((key, date, proposal)) = &p.proposal else {
        return Err(AppError::NotFound);
    };
    if form.get("noegle") != key.as_str() {
        let facts = Facts::load(&state, &me, election).await?;
        let mut errors = FormErrors::none();
        errors.add(
            "formand",
            "Forslaget er erstattet af et nyere forslag; se det nye forslag igennem, før du bekræfter.",
        );
        let council = council_form(&facts, None, Some(&p.form), errors);
        return page(&me, &facts, council, None);
    }
    let reports = state
        .svc
        .apply_distribution(actor, election, *date, proposal)
        .await?;
    let applied = Arc::new(PendingDistribution {
        election,
        form: p.form.clone(),
        proposal: None,
    });
    state
        .sessions
        .update(me.0.session_id(), |s| s.distribution = Some(applied))
        .await;
    let kept: u32 = reports
        .iter()
        .flat_map(|(_, r)| r)
        .map(|r| r.kept_taken)
        .sum();
    let mut msg = format!(
        "Fordelingsforslaget er anvendt på {} valgsteder.",
        reports.len()
    );
    if kept > 0 {
        msg.push_str(&format!(
            " {kept} plads(er) blev ikke fjernet, fordi nogen er inviteret til eller har accepteret dem."
        ));
    }
    let to = match form.get("fra").parse::<WorkLocationId>() {
        Ok(l) => format!("/sekretariat/valg/{election}/fordeling/{l}"),
        Err(_) => format!("/sekretariat/valg/{election}/oversigt"),
    };
    Ok(done(&state, &me.0, &to, &msg).await)
}
