//! Demo data: the fictional Korsbæk Kommune (4 areas, 12 stations, 10 parties, 6 task types,
//! 400 participants), moved so that election day lies a few weeks ahead, and the demo
//! identities of the login page. The demo's invitations are made through the service, so
//! their messages wait in the outbox like real ones.

use std::sync::Arc;

use chrono::{Datelike, Duration, NaiveDate, Utc, Weekday};
use uuid::Uuid;
use valghalla::Valghalla;
use valghalla::core::Cpr;
use valghalla::core::ids::AreaId;
use valghalla::core::messages::calendar::{CalendarParty, CalendarSource};
use valghalla::core::model::{Area, LocationScope, Record, SeatState};
use valghalla::core::rules::access::{Actor, StaffRole};
use valghalla::core::service::Config;
use valghalla::core::store::DynStore;
use valghalla::core::testkit::FakeRegistry;
use valghalla::core::testkit::generator::{Dataset, Spec};
use valghalla::core::values::{Email, Name};

use crate::auth::{Authenticator, DemoAuthenticator, Identity, LoginOption};
use crate::state::{SecretariatContact, Tenant};

/// A demo failure (the data could not be built or stored).
pub type DemoError = Box<dyn std::error::Error + Send + Sync>;

/// The demo municipality's code.
pub const DEMO_CODE: u16 = 999;

/// The areas of Korsbæk.
const AREAS: [&str; 4] = ["Nord", "Syd", "Øst", "Vest"];

/// Two people in the registry who are not participants yet (they sign up through links).
pub const NEW_CITIZENS: [(&str, &str, &str); 2] = [
    ("0101904321", "Agnes", "Varnæs"),
    ("1505851234", "Mads", "Skjern"),
];

/// A generated municipality of `spec`, with `areas` areas, its election day moved to the first
/// Tuesday at least four weeks after `today`.
pub fn dataset(spec: &Spec, today: NaiveDate) -> Result<Dataset, DemoError> {
    let mut ds = Dataset::generate(spec, 2026);
    // Four areas, stations spread over them and named after them.
    let mut areas = Vec::new();
    for (i, n) in AREAS.iter().enumerate() {
        let id = match ds.areas.get(i) {
            Some(a) => a.id,
            None => AreaId::from_uuid(Uuid::from_u128(0x4b6f_7273_6261_6b00 + i as u128)),
        };
        areas.push(Area {
            id,
            name: Name::parse(n)?,
            description: format!("Valgområde {n}"),
        });
    }
    for (i, loc) in ds.work_locations.iter_mut().enumerate() {
        let area = &areas[i % areas.len()];
        loc.area = area.id;
        loc.title = Name::parse(&format!("{} Skole {}", area.name, i + 1))?;
    }
    ds.areas = areas;
    // Election day a few weeks ahead, on a Tuesday.
    let mut day = today + Duration::days(28);
    while day.weekday() != Weekday::Tue {
        day += Duration::days(1);
    }
    let delta = day - ds.election.election_day();
    let period = ds
        .election
        .working_period()
        .shifted(delta.num_days())
        .ok_or("the demo election cannot move to that day")?;
    ds.election.reschedule(day, period)?;
    for s in &mut ds.seats {
        s.slot.date += delta;
        s.slot.election = ds.election.id;
    }
    // The party secretary of party A and a work-location responsible.
    let party_a = ds.teams.first().map(|t| t.id);
    let secretary = ds
        .participants
        .iter()
        .find(|p| p.teams.iter().next().copied() == party_a && p.person.municipality.is_some())
        .map(|p| p.id);
    if let (Some(team), Some(who)) = (ds.teams.first_mut(), secretary) {
        team.responsibles.insert(who, LocationScope::All);
    }
    let responsible = ds
        .participants
        .iter()
        .rev()
        .find(|p| Some(p.id) != secretary && p.person.municipality.is_some())
        .map(|p| p.id);
    // … of the two stations with the most accepted seats.
    let mut busiest: Vec<(usize, valghalla::core::ids::WorkLocationId)> = ds
        .work_locations
        .iter()
        .map(|l| {
            let accepted = ds
                .seats
                .iter()
                .filter(|s| {
                    s.slot.work_location == l.id
                        && s.state.status() == valghalla::core::model::SeatStatus::Accepted
                })
                .count();
            (accepted, l.id)
        })
        .collect();
    busiest.sort_by_key(|b| std::cmp::Reverse(b.0));
    if let Some(who) = responsible {
        for (_, id) in busiest.iter().take(2) {
            if let Some(loc) = ds.work_locations.iter_mut().find(|l| l.id == *id) {
                loc.responsibles.insert(who);
            }
        }
    }
    Ok(ds)
}

/// Korsbæk, as the demo uses it.
pub fn korsbaek(today: NaiveDate) -> Result<Dataset, DemoError> {
    dataset(&Spec::korsbaek(), today)
}

/// A registry knowing every participant and the people who may sign up.
pub fn registry(ds: &Dataset) -> Result<FakeRegistry, DemoError> {
    let registry = ds.registry();
    for (cpr, first, last) in NEW_CITIZENS {
        let cpr = Cpr::parse(cpr)?;
        registry.insert(
            cpr,
            FakeRegistry::resident(&cpr, first, last, ds.municipality.code),
        );
    }
    Ok(registry)
}

/// Loads the dataset into `store` if it is empty. Returns whether it did (false: already
/// seeded).
///
/// The dataset's invitations are made through `svc` (the service over `store`: the seats are
/// stored vacant, then each holder is invited), so each has its message in the outbox and a
/// working link.
pub async fn seed_if_empty(
    store: &DynStore,
    svc: &Valghalla,
    ds: &Dataset,
) -> Result<bool, DemoError> {
    let existing = store
        .get(valghalla::core::model::RecordKey::Municipality)
        .await?;
    if existing.is_some() {
        return Ok(false);
    }
    let mut changes = ds.change_set();
    let mut invitations = Vec::new();
    for change in &mut changes.changes {
        if let valghalla::core::model::Op::Put(Record::Seat(seat)) = &mut change.op
            && let SeatState::Invited { participant, .. } = seat.state
        {
            invitations.push((seat.id, participant));
            seat.state = SeatState::Vacant;
        }
    }
    store.apply(changes).await?;
    let admin = Actor::Secretariat {
        user: "demo".into(),
        role: StaffRole::Administrator,
    };
    let mut refused = 0;
    for (seat, participant) in invitations {
        if svc.invite(&admin, seat, participant).await.is_err() {
            refused += 1;
        }
    }
    if refused > 0 {
        tracing::warn!(refused, "some demo invitations were refused by the rules");
    }
    Ok(true)
}

/// Whether the store holds the demo municipality.
pub async fn is_demo(store: &DynStore) -> Result<bool, DemoError> {
    let m = store
        .get(valghalla::core::model::RecordKey::Municipality)
        .await?;
    Ok(matches!(
        m.map(|v| v.value),
        Some(valghalla::core::model::Record::Municipality(m))
            if m.code.to_string().trim_start_matches('0') == DEMO_CODE.to_string()
    ))
}

fn option(key: &str, label: &str, description: &str) -> LoginOption {
    LoginOption {
        key: key.into(),
        label: label.into(),
        description: description.into(),
        start: None,
    }
}

/// The demo identities: staff, the party secretary of party A, a work-location responsible,
/// two participants and two citizens who are not participants yet.
pub fn demo_authenticator(ds: &Dataset) -> Result<DemoAuthenticator, DemoError> {
    let mut ids = vec![
        (
            option(
                "admin",
                "Sekretariatet – administrator",
                "Valgsekretariatet med fulde rettigheder",
            ),
            Identity::Staff {
                user: "sekretariat-admin".into(),
                name: "Birte Administrator".into(),
                role: StaffRole::Administrator,
            },
        ),
        (
            option(
                "laeser",
                "Sekretariatet – læseadgang",
                "Kan se alt undtagen fulde CPR-numre, ændrer intet",
            ),
            Identity::Staff {
                user: "sekretariat-laeser".into(),
                name: "Lone Læser".into(),
                role: StaffRole::Reader,
            },
        ),
    ];
    let party_a = ds.teams.first();
    if let Some(team) = party_a
        && let Some(pid) = team.responsibles.keys().next()
        && let Some(p) = ds.participants.iter().find(|p| p.id == *pid)
    {
        ids.push((
            option(
                "partisekretaer",
                &format!("Partisekretær for {}", team.name),
                &format!("{} (MitID)", p.full_name()),
            ),
            Identity::Citizen {
                cpr: p.cpr,
                name: p.full_name(),
            },
        ));
    }
    if let Some(loc) = ds
        .work_locations
        .iter()
        .find(|l| !l.responsibles.is_empty())
        && let Some(pid) = loc.responsibles.iter().next()
        && let Some(p) = ds.participants.iter().find(|p| p.id == *pid)
    {
        ids.push((
            option(
                "arbejdssted",
                &format!("Arbejdsstedsansvarlig for {}", loc.title),
                &format!("{} (MitID)", p.full_name()),
            ),
            Identity::Citizen {
                cpr: p.cpr,
                name: p.full_name(),
            },
        ));
    }
    // Two participants with seats: one accepted, one invited.
    for (n, want) in [
        (1, valghalla::core::model::SeatStatus::Accepted),
        (2, valghalla::core::model::SeatStatus::Invited),
    ] {
        let holder = ds.seats.iter().find_map(|s| {
            (s.state.status() == want)
                .then(|| s.state.participant())
                .flatten()
                .filter(|p| {
                    !ds.teams.iter().any(|t| t.responsibles.contains_key(p))
                        && !ds.work_locations.iter().any(|l| l.responsibles.contains(p))
                })
        });
        if let Some(p) = holder.and_then(|h| ds.participants.iter().find(|p| p.id == h)) {
            ids.push((
                option(
                    &format!("borger{n}"),
                    &format!("Borger: {}", p.full_name()),
                    "Deltager med en opgave (MitID)",
                ),
                Identity::Citizen {
                    cpr: p.cpr,
                    name: p.full_name(),
                },
            ));
        }
    }
    for (i, (cpr, first, last)) in NEW_CITIZENS.iter().enumerate() {
        ids.push((
            option(
                &format!("ny{}", i + 1),
                &format!("Ny borger: {first} {last}"),
                "Ikke deltager endnu – kan melde sig via et link (MitID)",
            ),
            Identity::Citizen {
                cpr: Cpr::parse(cpr)?,
                name: format!("{first} {last}"),
            },
        ));
    }
    Ok(DemoAuthenticator::new(ids))
}

/// Korsbæk as a tenant of the portal: seeded into `store` if it is empty (election day moved
/// to a few weeks after `today`), with the demo login and links starting with
/// `public_base_url`. Refuses a store holding another municipality: that one must plug in its
/// own [`Authenticator`] (the demo login exists only on demo data).
pub async fn tenant(
    store: DynStore,
    today: NaiveDate,
    public_base_url: &str,
) -> Result<Tenant, DemoError> {
    let ds = korsbaek(today)?;
    let registry = registry(&ds)?;
    let svc = service(store.clone(), registry, public_base_url);
    seed_if_empty(&store, &svc, &ds).await?;
    if !is_demo(&store).await? {
        return Err("the database holds a real municipality: the demo login is only available on demo data; embed the portal with your own Authenticator".into());
    }
    tenant_with(svc, &ds)
}

/// The demo secretariat's e-mail address (contact page, calendar organiser).
const DEMO_EMAIL: &str = "valg@korsbaek.example";

/// The service over `store` with `registry`, its links starting with `public_base_url`, its
/// calendar files published under that URL's host by the demo secretariat.
pub fn service(store: DynStore, registry: FakeRegistry, public_base_url: &str) -> Valghalla {
    let calendar = Email::parse(DEMO_EMAIL).ok().map(|email| CalendarSource {
        domain: crate::config::host_of(public_base_url).to_owned(),
        organizer: CalendarParty {
            name: "Korsbæk Kommune, Valgsekretariatet".into(),
            email,
        },
    });
    Valghalla::new(store, Arc::new(registry)).with_config(Config {
        public_base_url: public_base_url.to_owned(),
        calendar,
    })
}

/// The tenant for `svc`, whose store already holds `ds`, with the demo login of `ds`.
pub fn tenant_with(svc: Valghalla, ds: &Dataset) -> Result<Tenant, DemoError> {
    let auth: Arc<dyn Authenticator> = Arc::new(demo_authenticator(ds)?);
    Ok(
        Tenant::new("korsbaek", svc, auth).with_contact(SecretariatContact {
            email: Some(DEMO_EMAIL.into()),
            phone: Some("99 99 12 34".into()),
            hours: Some("Hverdage kl. 9–15".into()),
        }),
    )
}

/// Today in Denmark.
pub fn today() -> NaiveDate {
    valghalla::core::time::local_date(Utc::now())
}
