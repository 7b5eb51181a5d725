//! Point 5: every public service command, driven with arbitrary values (dates across the whole
//! calendar, amounts up to `u64::MAX`, any text, ids that exist and ids that do not) by random
//! actors on the memory store. No command panics, and a refused or failed command changes
//! nothing: the whole store (records with versions, audit log, outbox) is the same before and
//! after.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, NaiveTime};
use proptest::prelude::*;
use valghalla_core::cpr::Cpr;
use valghalla_core::exchange::{ImportMode, Row, Table};
use valghalla_core::ids::{
    AreaId, ElectionId, ElectionTypeId, LinkId, ParticipantId, SeatId, SpecialDietId, TaskTypeId,
    TeamId, WorkLocationId,
};
use valghalla_core::jobs::{JobsConfig, Retirement};
use valghalla_core::messages::{Channel, ElectionTemplates, MessageKind, TemplateDraft};
use valghalla_core::model::{
    Contact, ElectionKind, EligibilityRule, InvitationToken, LinkKind, LinkToken, LocationScope,
    Municipality, Participant, SlotKey, TeamKind, Trust, VacancyFilter,
};
use valghalla_core::rules::Answer;
use valghalla_core::rules::access::{Actor, PersonActor, StaffRole};
use valghalla_core::service::{
    AreaDraft, ElectionDraft, ElectionEdit, ElectionTypeDraft, GroupFilter, NewParticipant,
    SeatRef, SpecialDietDraft, TaskTypeDraft, TeamDraft, Valghalla, WorkLocationDraft,
};
use valghalla_core::testkit::scenario::{Scenario, election_day};
use valghalla_core::time::DailyWindow;
use valghalla_core::values::{MunicipalityCode, Name, Ore};

use super::{dump, scenario};

/// A date anywhere in chrono's calendar, with the edges and plausible days more likely.
fn any_date() -> impl Strategy<Value = NaiveDate> {
    prop_oneof![
        Just(NaiveDate::MIN),
        Just(NaiveDate::MAX),
        (-5i64..5).prop_map(|d| election_day() + chrono::Duration::days(d)),
        (NaiveDate::MIN.num_days_from_ce()..=NaiveDate::MAX.num_days_from_ce())
            .prop_map(|d| NaiveDate::from_num_days_from_ce_opt(d).unwrap_or(NaiveDate::MIN)),
    ]
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(" ".into()),
        Just("Korsbæk Skole".into()),
        Just("x".repeat(300)),
        ".{0,20}",
    ]
}

fn any_u32() -> impl Strategy<Value = u32> {
    prop_oneof![Just(0), Just(u32::MAX), 0u32..5, any::<u32>()]
}

fn any_u64() -> impl Strategy<Value = u64> {
    prop_oneof![Just(0), Just(u64::MAX), 0u64..200_000_000, any::<u64>()]
}

fn any_window() -> impl Strategy<Value = DailyWindow> {
    (0u32..24, 0u32..60, 0u32..24, 0u32..60).prop_map(|(a, b, c, d)| {
        DailyWindow::new(
            NaiveTime::from_hms_opt(a, b, 0).unwrap_or(NaiveTime::MIN),
            NaiveTime::from_hms_opt(c, d, 0).unwrap_or(NaiveTime::MIN),
        )
    })
}

/// Which actor: the secretariat (administrator, reader), a job, an anonymous visitor, a
/// participant, or the party secretary of team 0.
fn any_actor() -> impl Strategy<Value = u8> {
    0u8..6
}

/// One command with arbitrary arguments; `usize`s pick from the world's ids (or a fresh one).
#[derive(Debug, Clone)]
enum Cmd {
    Municipality(String, String),
    CreateArea(String),
    EditArea(usize, String),
    DeleteArea(usize),
    CreateLocation(usize, String, String, Option<u32>),
    EditLocation(usize, usize, String, String),
    DeleteLocation(usize),
    CreateTaskType(String, DailyWindow, Option<u64>, bool),
    EditTaskType(usize, DailyWindow, Option<u64>),
    DeleteTaskType(usize),
    CreateTeam(String, String),
    EditTeam(usize, String, String),
    DeleteTeam(usize),
    SetTeamResponsible(usize, usize, bool),
    AllowTrustedLinks(usize, bool),
    CreateDiet(String),
    EditDiet(usize, String),
    DeleteDiet(usize),
    CreateElectionType(String),
    EditElectionType(usize, String),
    DeleteElectionType(usize),
    CreateElection(String, NaiveDate, NaiveDate, NaiveDate, u16),
    EditElection(usize, NaiveDate, NaiveDate, NaiveDate, u16),
    DuplicateElection(usize, String, NaiveDate),
    SetActive(usize, bool),
    DeleteElection(usize),
    CreateParticipant(String, usize),
    EditParticipant(usize, Vec<usize>, String),
    DeleteParticipant(usize),
    AnonymiseParticipant(usize),
    ViewParticipant(usize),
    SetSeatCounts(usize, usize, NaiveDate, usize, usize, u32),
    MoveVacant(usize, NaiveDate, usize, u32),
    /// The seat, or (`true`) any vacant seat of its slot.
    Invite(usize, usize, bool),
    CreateAndInvite(String, usize),
    Accept(usize, Option<String>),
    Decline(usize, Option<String>),
    Withdraw(usize),
    AnswerOnBehalf(usize, bool),
    Remove(usize),
    /// From one seat to another.
    MoveHolder(usize, usize),
    PlaceMember(usize, usize, bool),
    TakeSeat(usize, bool, bool),
    JoinTeam(bool),
    CreateLink(u8, usize, bool, NaiveDate),
    RevokeLink(usize),
    RemoveFromTeam(usize, usize),
    Revalidate(usize),
    SaveTemplate(String, String),
    SetElectionTemplates(usize, usize),
    SendGroupMessage(usize, String, String),
    SetConsent(usize, Option<String>),
    Jobs(u32, u32, u32, bool),
    Import(Vec<Vec<String>>),
    Fill(usize),
    Queries(usize),
    /// Seat, person, status (0 arrived, 1 not arrived, 2 left early at the date's noon + hours).
    RecordAttendance(usize, usize, u8, NaiveDate, u32),
    SignUpReserve(usize, usize, NaiveDate, bool),
    OfferSeat(usize),
    /// An offer that does not exist, with any code.
    TakeOffer(String),
}

fn cmd() -> impl Strategy<Value = Cmd> {
    let i = || 0usize..12;
    let t = any_text;
    prop_oneof![
        (t(), t()).prop_map(|(a, b)| Cmd::Municipality(a, b)),
        t().prop_map(Cmd::CreateArea),
        (i(), t()).prop_map(|(a, b)| Cmd::EditArea(a, b)),
        i().prop_map(Cmd::DeleteArea),
        (i(), t(), t(), prop::option::of(any_u32()))
            .prop_map(|(a, b, c, d)| Cmd::CreateLocation(a, b, c, d)),
        (i(), i(), t(), t()).prop_map(|(a, b, c, d)| Cmd::EditLocation(a, b, c, d)),
        i().prop_map(Cmd::DeleteLocation),
        (
            t(),
            any_window(),
            prop::option::of(any_u64()),
            any::<bool>()
        )
            .prop_map(|(a, b, c, d)| Cmd::CreateTaskType(a, b, c, d)),
        (i(), any_window(), prop::option::of(any_u64()))
            .prop_map(|(a, b, c)| Cmd::EditTaskType(a, b, c)),
        i().prop_map(Cmd::DeleteTaskType),
        (t(), t()).prop_map(|(a, b)| Cmd::CreateTeam(a, b)),
        (i(), t(), t()).prop_map(|(a, b, c)| Cmd::EditTeam(a, b, c)),
        i().prop_map(Cmd::DeleteTeam),
        (i(), i(), any::<bool>()).prop_map(|(a, b, c)| Cmd::SetTeamResponsible(a, b, c)),
        (i(), any::<bool>()).prop_map(|(a, b)| Cmd::AllowTrustedLinks(a, b)),
        t().prop_map(Cmd::CreateDiet),
        (i(), t()).prop_map(|(a, b)| Cmd::EditDiet(a, b)),
        i().prop_map(Cmd::DeleteDiet),
        t().prop_map(Cmd::CreateElectionType),
        (i(), t()).prop_map(|(a, b)| Cmd::EditElectionType(a, b)),
        i().prop_map(Cmd::DeleteElectionType),
        (t(), any_date(), any_date(), any_date(), any::<u16>())
            .prop_map(|(a, b, c, d, e)| Cmd::CreateElection(a, b, c, d, e)),
        (i(), any_date(), any_date(), any_date(), any::<u16>())
            .prop_map(|(a, b, c, d, e)| Cmd::EditElection(a, b, c, d, e)),
        (i(), t(), any_date()).prop_map(|(a, b, c)| Cmd::DuplicateElection(a, b, c)),
        (i(), any::<bool>()).prop_map(|(a, b)| Cmd::SetActive(a, b)),
        i().prop_map(Cmd::DeleteElection),
        (t(), i()).prop_map(|(a, b)| Cmd::CreateParticipant(a, b)),
        (i(), prop::collection::vec(i(), 0..3), t())
            .prop_map(|(a, b, c)| Cmd::EditParticipant(a, b, c)),
        i().prop_map(Cmd::DeleteParticipant),
        i().prop_map(Cmd::AnonymiseParticipant),
        i().prop_map(Cmd::ViewParticipant),
        (i(), i(), any_date(), i(), i(), any_u32())
            .prop_map(|(a, b, c, d, e, f)| Cmd::SetSeatCounts(a, b, c, d, e, f)),
        (i(), any_date(), i(), any_u32()).prop_map(|(a, b, c, d)| Cmd::MoveVacant(a, b, c, d)),
        (i(), i(), any::<bool>()).prop_map(|(a, b, c)| Cmd::Invite(a, b, c)),
        (t(), i()).prop_map(|(a, b)| Cmd::CreateAndInvite(a, b)),
        (i(), prop::option::of(t())).prop_map(|(a, b)| Cmd::Accept(a, b)),
        (i(), prop::option::of(t())).prop_map(|(a, b)| Cmd::Decline(a, b)),
        i().prop_map(Cmd::Withdraw),
        (i(), any::<bool>()).prop_map(|(a, b)| Cmd::AnswerOnBehalf(a, b)),
        i().prop_map(Cmd::Remove),
        (i(), i()).prop_map(|(a, b)| Cmd::MoveHolder(a, b)),
        (i(), i(), any::<bool>()).prop_map(|(a, b, c)| Cmd::PlaceMember(a, b, c)),
        (i(), any::<bool>(), any::<bool>()).prop_map(|(a, b, c)| Cmd::TakeSeat(a, b, c)),
        any::<bool>().prop_map(Cmd::JoinTeam),
        (i(), i(), 0u8..3, any_date(), any_u32())
            .prop_map(|(a, b, c, d, e)| Cmd::RecordAttendance(a, b, c, d, e)),
        (i(), i(), any_date(), any::<bool>())
            .prop_map(|(a, b, c, d)| Cmd::SignUpReserve(a, b, c, d)),
        i().prop_map(Cmd::OfferSeat),
        t().prop_map(Cmd::TakeOffer),
        (0u8..3, i(), any::<bool>(), any_date())
            .prop_map(|(a, b, c, d)| Cmd::CreateLink(a, b, c, d)),
        i().prop_map(Cmd::RevokeLink),
        (i(), i()).prop_map(|(a, b)| Cmd::RemoveFromTeam(a, b)),
        i().prop_map(Cmd::Revalidate),
        (t(), t()).prop_map(|(a, b)| Cmd::SaveTemplate(a, b)),
        (i(), i()).prop_map(|(a, b)| Cmd::SetElectionTemplates(a, b)),
        (i(), t(), t()).prop_map(|(a, b, c)| Cmd::SendGroupMessage(a, b, c)),
        (i(), prop::option::of(t())).prop_map(|(a, b)| Cmd::SetConsent(a, b)),
        (any_u32(), any_u32(), any_u32(), any::<bool>())
            .prop_map(|(a, b, c, d)| Cmd::Jobs(a, b, c, d)),
        prop::collection::vec(prop::collection::vec(t(), 0..4), 0..3).prop_map(Cmd::Import),
        i().prop_map(Cmd::Fill),
        i().prop_map(Cmd::Queries),
    ]
}

/// The ids a command may name: the world's, then a fresh one that exists nowhere.
struct Pools {
    areas: Vec<AreaId>,
    locations: Vec<WorkLocationId>,
    task_types: Vec<TaskTypeId>,
    teams: Vec<TeamId>,
    diets: Vec<SpecialDietId>,
    election_types: Vec<ElectionTypeId>,
    elections: Vec<ElectionId>,
    people: Vec<Participant>,
    seats: Vec<SeatId>,
    /// Each seat's slot, in the order of `seats`.
    slots: Vec<SlotKey>,
    links: Vec<(LinkId, LinkToken)>,
}

fn pick<T: Copy>(pool: &[T], i: usize, fresh: impl FnOnce() -> T) -> T {
    pool.get(i).copied().unwrap_or_else(fresh)
}

/// The world every case starts from: the scenario with a party secretary, a member invited and
/// one holding a seat, vacant seats, a seat link and a diet.
async fn world() -> (Scenario, Pools) {
    let s = scenario().await;
    let sec = s.person("Sara", "Sekretær", 0).await;
    s.svc
        .set_team_responsible(&s.admin, s.teams[0].id, sec.id, Some(LocationScope::All))
        .await
        .unwrap();
    let invited = s.person("Ib", "Inviteret", 0).await;
    let holder = s.person("Hanne", "Holder", 1).await;
    let mut seats = s
        .seats(s.slot(0, &s.tilforordnet, 0, election_day()), 2)
        .await;
    seats.extend(
        s.seats(s.slot(1, &s.valgstyrer, 1, election_day()), 2)
            .await,
    );
    seats.extend(
        s.seats(s.slot(2, &s.fintaeller, 0, election_day()), 1)
            .await,
    );
    s.svc
        .invite(&s.admin, seats[0].id, invited.id)
        .await
        .unwrap();
    s.svc
        .invite(&s.admin, seats[2].id, holder.id)
        .await
        .unwrap();
    s.svc
        .accept(&Scenario::citizen(&holder), seats[2].id, None)
        .await
        .unwrap();
    let link = s
        .svc
        .create_link(&s.admin, LinkKind::Seat { seat: seats[1].id })
        .await
        .unwrap();
    let team_link = s
        .svc
        .create_link(
            &s.admin,
            LinkKind::Team {
                team: s.teams[1].id,
            },
        )
        .await
        .unwrap();
    let diet = s
        .svc
        .create_special_diet(
            &s.admin,
            SpecialDietDraft {
                title: "Vegetar".into(),
            },
        )
        .await
        .unwrap();
    let pools = Pools {
        areas: vec![s.stations[0].area],
        locations: s.stations.iter().map(|l| l.id).collect(),
        task_types: vec![s.tilforordnet.id, s.valgstyrer.id, s.fintaeller.id],
        teams: s.teams.iter().map(|t| t.id).collect(),
        diets: vec![diet.id],
        election_types: vec![s.election.election_type],
        elections: vec![s.election.id],
        people: vec![sec, invited, holder],
        seats: seats.iter().map(|s| s.id).collect(),
        slots: seats.iter().map(|s| s.slot).collect(),
        links: vec![(link.id, link.token), (team_link.id, team_link.token)],
    };
    (s, pools)
}

fn actor(s: &Scenario, w: &Pools, which: u8, secretary: &Actor) -> Actor {
    match which {
        0 => s.admin.clone(),
        1 => Actor::Secretariat {
            user: "læser".into(),
            role: StaffRole::Reader,
        },
        2 => Actor::System { job: "test".into() },
        3 => Actor::Anonymous,
        4 => Actor::Person(PersonActor {
            participant: w.people[2].id,
            ..Default::default()
        }),
        _ => secretary.clone(),
    }
}

/// Runs one command; `Err` carries the error's text.
#[allow(
    clippy::too_many_lines,
    reason = "one arm per public command of the service, side by side"
)]
async fn run(svc: &Valghalla, a: &Actor, w: &Pools, cmd: &Cmd) -> Result<(), String> {
    let area = |i| pick(&w.areas, i, AreaId::new);
    let loc = |i| pick(&w.locations, i, WorkLocationId::new);
    let tt = |i| pick(&w.task_types, i, TaskTypeId::new);
    let team = |i| pick(&w.teams, i, TeamId::new);
    let diet = |i| pick(&w.diets, i, SpecialDietId::new);
    let et = |i| pick(&w.election_types, i, ElectionTypeId::new);
    let el = |i| pick(&w.elections, i, ElectionId::new);
    let person = |i: usize| w.people.get(i).map_or_else(ParticipantId::new, |p| p.id);
    let seat = |i| pick(&w.seats, i, SeatId::new);
    // The seat, or any vacant seat of its slot (a slot that exists nowhere for a fresh seat).
    let seat_ref = |i: usize, any: bool| {
        if any {
            SeatRef::AnyIn(w.slots.get(i).copied().unwrap_or(SlotKey {
                election: ElectionId::new(),
                work_location: WorkLocationId::new(),
                task_type: TaskTypeId::new(),
                team: TeamId::new(),
                date: election_day(),
            }))
        } else {
            SeatRef::Seat(seat(i))
        }
    };
    let link_id = |i: usize| w.links.get(i).map_or_else(LinkId::new, |l| l.0);
    let token = |i: usize| {
        w.links
            .get(i)
            .map_or_else(LinkToken::generate, |l| l.1.clone())
    };
    let location_draft = |area_i, title: &str, postal: &str, voting_area| WorkLocationDraft {
        area: area(area_i),
        title: title.into(),
        street: "Hovedgaden 1".into(),
        postal_code: postal.into(),
        city: "Korsbæk".into(),
        voting_area,
        teams: w.teams.iter().copied().collect(),
        task_types: w.task_types.iter().copied().collect(),
        responsibles: BTreeSet::new(),
    };
    let task_draft = |title: &str, window, payment: Option<u64>, trusted| TaskTypeDraft {
        title: title.into(),
        short_name: title.chars().take(8).collect(),
        description: String::new(),
        window,
        payment: payment.map(Ore),
        trust: if trusted { Trust::Trusted } else { Trust::Open },
        check_eligibility: true,
        reminders: true,
        chair: false,
    };
    let cpr = |text: &str| Cpr::parse(text).unwrap_or_else(|_| w.people[0].cpr);
    let e = |r: Result<(), valghalla_core::service::Error>| r.map_err(|e| e.to_string());
    macro_rules! unit {
        ($call:expr) => {
            e($call.await.map(|_| ()))
        };
    }
    match cmd.clone() {
        Cmd::Municipality(code, name) => {
            let code = MunicipalityCode::parse(&code).map_err(|e| e.to_string())?;
            let name = Name::parse(&name).map_err(|e| e.to_string())?;
            unit!(svc.set_municipality(a, Municipality { code, name }))
        }
        Cmd::CreateArea(n) => unit!(svc.create_area(
            a,
            AreaDraft {
                name: n.clone(),
                description: "".into()
            }
        )),
        Cmd::EditArea(i, n) => unit!(svc.edit_area(
            a,
            area(i),
            AreaDraft {
                name: n.clone(),
                description: n.clone()
            }
        )),
        Cmd::DeleteArea(i) => unit!(svc.delete_area(a, area(i))),
        Cmd::CreateLocation(i, title, postal, voting) => {
            unit!(svc.create_work_location(a, location_draft(i, &title, &postal, voting)))
        }
        Cmd::EditLocation(l, i, title, postal) => {
            unit!(svc.edit_work_location(a, loc(l), location_draft(i, &title, &postal, None)))
        }
        Cmd::DeleteLocation(i) => unit!(svc.delete_work_location(a, loc(i))),
        Cmd::CreateTaskType(title, window, pay, trusted) => {
            unit!(svc.create_task_type(a, task_draft(&title, window, pay, trusted)))
        }
        Cmd::EditTaskType(i, window, pay) => {
            unit!(svc.edit_task_type(a, tt(i), task_draft("Tilforordnet", window, pay, false)))
        }
        Cmd::DeleteTaskType(i) => unit!(svc.delete_task_type(a, tt(i))),
        Cmd::CreateTeam(n, short) => unit!(svc.create_team(
            a,
            TeamDraft {
                name: n.clone(),
                short_name: short.clone(),
                kind: TeamKind::Party,
                description: "".into()
            }
        )),
        Cmd::EditTeam(i, n, short) => {
            unit!(svc.edit_team(
                a,
                team(i),
                TeamDraft {
                    name: n.clone(),
                    short_name: short.clone(),
                    kind: TeamKind::Party,
                    description: "".into()
                }
            ))
        }
        Cmd::DeleteTeam(i) => unit!(svc.delete_team(a, team(i))),
        Cmd::SetTeamResponsible(t, p, grant) => unit!(svc.set_team_responsible(
            a,
            team(t),
            person(p),
            grant.then_some(LocationScope::All)
        )),
        Cmd::AllowTrustedLinks(t, allowed) => unit!(svc.allow_trusted_links(a, team(t), allowed)),
        Cmd::CreateDiet(n) => {
            unit!(svc.create_special_diet(a, SpecialDietDraft { title: n.clone() }))
        }
        Cmd::EditDiet(i, n) => unit!(svc.edit_special_diet(a, diet(i), &n)),
        Cmd::DeleteDiet(i) => unit!(svc.delete_special_diet(a, diet(i))),
        Cmd::CreateElectionType(n) => {
            unit!(svc.create_election_type(
                a,
                ElectionTypeDraft {
                    title: n.clone(),
                    kind: ElectionKind::Custom,
                    rules: None
                }
            ))
        }
        Cmd::EditElectionType(i, n) => unit!(svc.edit_election_type(
            a,
            et(i),
            &n,
            [EligibilityRule::Age18OnElectionDay].into()
        )),
        Cmd::DeleteElectionType(i) => unit!(svc.delete_election_type(a, et(i))),
        Cmd::CreateElection(title, day, first, last, lock) => unit!(svc.create_election(
            a,
            ElectionDraft {
                title,
                election_type: et(0),
                election_day: day,
                first_day: first,
                last_day: last,
                lock_period_days: lock,
                work_locations: w.locations.iter().copied().collect(),
            }
        )),
        Cmd::EditElection(i, day, first, last, lock) => unit!(svc.edit_election(
            a,
            el(i),
            ElectionEdit {
                title: "Folketingsvalg 2026".into(),
                election_day: day,
                first_day: first,
                last_day: last,
                lock_period_days: lock,
                work_locations: w.locations.iter().copied().collect(),
            }
        )),
        Cmd::DuplicateElection(i, title, day) => {
            unit!(svc.duplicate_election(a, el(i), &title, day))
        }
        Cmd::SetActive(i, on) => unit!(svc.set_election_active(a, el(i), on)),
        Cmd::DeleteElection(i) => unit!(svc.delete_election(a, el(i))),
        Cmd::CreateParticipant(text, t) => unit!(svc.create_participant(
            a,
            NewParticipant {
                cpr: cpr(&text),
                contact: Contact::default(),
                teams: [team(t)].into(),
                special_diets: BTreeSet::new(),
                preferred_work_location: None,
            }
        )),
        Cmd::EditParticipant(p, teams, mail) => {
            let contact = Contact {
                email: valghalla_core::values::Email::parse(&mail).ok(),
                ..Contact::default()
            };
            unit!(svc.edit_participant(
                a,
                person(p),
                contact,
                BTreeSet::new(),
                (!teams.is_empty()).then(|| teams.into_iter().map(team).collect()),
                None
            ))
        }
        Cmd::DeleteParticipant(p) => unit!(svc.delete_participant(a, person(p))),
        Cmd::AnonymiseParticipant(p) => unit!(svc.anonymise_participant(a, person(p))),
        Cmd::ViewParticipant(p) => unit!(svc.participant(a, person(p))),
        Cmd::SetSeatCounts(e_, l, date, t, ty, n) => {
            unit!(svc.set_seat_counts(a, el(e_), loc(l), &[(date, team(t), tt(ty), n)]))
        }
        Cmd::MoveVacant(l, date, t, n) => {
            let from = SlotKey {
                election: el(0),
                work_location: loc(l),
                task_type: tt(0),
                team: team(0),
                date,
            };
            unit!(svc.move_vacant_seats(a, from, team(t), n))
        }
        Cmd::Invite(s_, p, any) => unit!(svc.invite(a, seat_ref(s_, any), person(p))),
        Cmd::CreateAndInvite(text, s_) => unit!(svc.create_and_invite(
            a,
            NewParticipant {
                cpr: cpr(&text),
                contact: Contact::default(),
                teams: BTreeSet::new(),
                special_diets: BTreeSet::new(),
                preferred_work_location: None,
            },
            seat(s_)
        )),
        Cmd::Accept(s_, tok) => {
            let tok = tok.map(InvitationToken::from_string);
            unit!(svc.accept(a, seat(s_), tok.as_ref()))
        }
        Cmd::Decline(s_, tok) => {
            let tok = tok.map(InvitationToken::from_string);
            unit!(svc.decline(a, seat(s_), tok.as_ref()))
        }
        Cmd::Withdraw(s_) => unit!(svc.withdraw(a, seat(s_))),
        Cmd::AnswerOnBehalf(s_, yes) => unit!(svc.answer_on_behalf(
            a,
            seat(s_),
            if yes { Answer::Accept } else { Answer::Decline },
            None
        )),
        Cmd::Remove(s_) => unit!(svc.remove_from_seat(a, seat(s_))),
        Cmd::MoveHolder(from, to) => unit!(svc.move_holder(a, seat(from), seat(to))),
        Cmd::PlaceMember(s_, p, any) => {
            unit!(svc.place_member(a, seat_ref(s_, any), person(p)))
        }
        Cmd::TakeSeat(s_, by_link, any) => {
            let tok = token(0);
            unit!(svc.take_seat(a, seat_ref(s_, any), by_link.then_some(&tok)))
        }
        Cmd::JoinTeam(known) => unit!(svc.join_team(a, &token(if known { 1 } else { 9 }))),
        Cmd::CreateLink(kind, i, trusted, date) => {
            let kind = match kind {
                0 => LinkKind::Team { team: team(i) },
                1 => LinkKind::Seat { seat: seat(i) },
                _ => LinkKind::Vacancies(VacancyFilter {
                    election: el(0),
                    team: team(i),
                    areas: BTreeSet::new(),
                    work_locations: BTreeSet::new(),
                    task_types: BTreeSet::new(),
                    dates: [date].into(),
                    include_trusted: trusted,
                }),
            };
            unit!(svc.create_link(a, kind))
        }
        Cmd::RevokeLink(i) => unit!(svc.revoke_link(a, link_id(i))),
        Cmd::RemoveFromTeam(t, p) => unit!(svc.remove_from_team(a, team(t), person(p))),
        Cmd::Revalidate(p) => unit!(svc.revalidate(a, person(p))),
        Cmd::SaveTemplate(title, body) => unit!(svc.save_template(
            a,
            None,
            TemplateDraft {
                title,
                channel: Channel::DigitalPost,
                subject: "Emne".into(),
                body,
            }
        )),
        Cmd::SetElectionTemplates(e_, t) => {
            let choices = ElectionTemplates {
                per_kind: [(
                    MessageKind::Invitation,
                    valghalla_core::messages::default_template_id(MessageKind::Invitation),
                )]
                .into(),
                per_task_type: [(tt(t), Default::default())].into(),
            };
            unit!(svc.set_election_templates(a, el(e_), choices))
        }
        Cmd::SendGroupMessage(e_, subject, body) => {
            unit!(svc.send_group_message(a, &GroupFilter::election(el(e_)), &subject, &body))
        }
        Cmd::SetConsent(p, version) => unit!(svc.set_consent(a, person(p), version)),
        Cmd::Jobs(every, before, months, delete) => {
            let config = JobsConfig {
                invitation_reminder_every_days: every,
                task_reminder_days_before: before,
                retire_participants_after_months: months,
                retirement: if delete {
                    Retirement::Delete
                } else {
                    Retirement::Anonymise
                },
                audit_retention_months: months,
                outbox_retention_months: months,
            };
            unit!(svc.run_invitation_reminders(a, &config))?;
            unit!(svc.run_task_reminders(a, &config))?;
            unit!(svc.run_cpr_resync(a))?;
            unit!(svc.run_election_deactivation(a))?;
            unit!(svc.run_retention(a, &config))
        }
        Cmd::Import(rows) => {
            let table = Table {
                headers: vec!["CPR".into(), "Team".into(), "E-mail".into(), "Mobil".into()],
                rows: rows
                    .into_iter()
                    .enumerate()
                    .map(|(line, cells)| Row {
                        line: line + 2,
                        cells,
                    })
                    .collect(),
                header_line: 1,
            };
            unit!(svc.import_participants(a, &table, ImportMode::AllOrNothing))
        }
        Cmd::Fill(e_) => {
            let proposal = svc
                .propose_fill(a, el(e_), &Default::default())
                .await
                .map_err(|e| e.to_string())?;
            unit!(svc.apply_fill(a, &proposal))
        }
        Cmd::Queries(i) => {
            unit!(svc.my_tasks(a))?;
            unit!(svc.my_vacancies(a))?;
            unit!(svc.team_members(a, team(i)))?;
            unit!(svc.location_staff(a, el(0), loc(i)))?;
            unit!(svc.link_vacancies(&token(i)))?;
            unit!(svc.export_payroll(a, el(i), true))?;
            unit!(svc.station_board(a, el(i), loc(i), election_day()))?;
            unit!(svc.attendance_overview(a, el(i), election_day()))?;
            unit!(svc.reserves_of_day(a, el(i), election_day()))?;
            unit!(svc.my_stations(a, election_day()))
        }
        Cmd::RecordAttendance(s_, p, status, date, hours) => {
            use valghalla_core::model::AttendanceStatus;
            let status = match status {
                0 => AttendanceStatus::Arrived,
                1 => AttendanceStatus::NotArrived,
                _ => AttendanceStatus::LeftEarly {
                    at: date
                        .and_time(NaiveTime::MIN)
                        .and_utc()
                        .checked_add_signed(chrono::Duration::hours(i64::from(hours % 100_000)))
                        .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC),
                },
            };
            unit!(svc.record_attendance(a, seat(s_), person(p), status))
        }
        Cmd::SignUpReserve(p, e_, date, withdraw) => {
            if withdraw {
                unit!(svc.withdraw_reserve(a, person(p), el(e_), date))
            } else {
                unit!(svc.sign_up_reserve(a, person(p), el(e_), date))
            }
        }
        Cmd::OfferSeat(s_) => unit!(svc.offer_seat(a, seat(s_))),
        Cmd::TakeOffer(token) => {
            let offer = valghalla_core::ids::OfferId::new();
            unit!(svc.offer_view(a, offer, &token))?;
            unit!(svc.take_offered_seat(a, offer, &token))
        }
    }
}

proptest! {
    // PROPTEST_CASES sets the number of cases (256 in CI).
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Any command, any input, any actor: no panic, and a command that fails changes nothing.
    #[test]
    fn no_command_panics_and_a_failed_command_changes_nothing(
        steps in prop::collection::vec((any_actor(), cmd()), 1..8),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let (s, w) = world().await;
            let secretary = s.actor_for(&w.people[0]).await;
            for (who, cmd) in &steps {
                let a = actor(&s, &w, *who, &secretary);
                let before = dump(&s).await;
                if let Err(error) = run(&s.svc, &a, &w, cmd).await {
                    let after = dump(&s).await;
                    prop_assert!(
                        before == after,
                        "{:?} by {} failed ({}) but changed the store",
                        cmd,
                        a.label(),
                        error
                    );
                }
            }
            Ok(())
        })?;
    }
}
