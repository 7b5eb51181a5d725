//! An election type's form: its title, kind and eligibility rules; create, edit and delete
//! (refused while an election uses it).

use std::collections::BTreeSet;

use askama::Template;
use axum::Form;
use axum::extract::Path;
use axum::response::Response;
use valghalla::core::ids::ElectionTypeId;
use valghalla::core::model::{ElectionKind, ElectionType, EligibilityRule};
use valghalla::core::rules::access::Permission;
use valghalla::core::service::ElectionTypeDraft;

use super::form::{Which, objection, ticked};
use crate::state::Tenant;
use crate::web::views::{done, require};
use crate::web::{AppError, Choice, FormData, FormErrors, Layout, Me, render};

/// Every eligibility rule, its form key and its Danish text.
pub const RULES: [(EligibilityRule, &str, &str); 6] = [
    (
        EligibilityRule::Age18OnElectionDay,
        "alder18",
        "Fyldt 18 år på valgdagen",
    ),
    (
        EligibilityRule::ResidentInMunicipality,
        "bopael",
        "Bopæl i kommunen",
    ),
    (EligibilityRule::DanishCitizen, "dansk", "Dansk statsborger"),
    (
        EligibilityRule::LocalElectionCitizenship,
        "kommunalvalg",
        "Valgret til kommunalvalg (EU/EØS-borger, eller fire års ophold i riget)",
    ),
    (EligibilityRule::EuCitizen, "eu", "Statsborger i et EU-land"),
    (
        EligibilityRule::NotUnderGuardianship,
        "myndig",
        "Ikke under værgemål, der fratager den retlige handleevne",
    ),
];

/// Every kind of election, its form key and its Danish name.
pub const KINDS: [(ElectionKind, &str, &str); 4] = [
    (
        ElectionKind::Folketingsvalg,
        "ft",
        "Folketingsvalg eller folkeafstemning",
    ),
    (
        ElectionKind::KommunalOgRegionsraadsvalg,
        "kv",
        "Kommunal- og regionsrådsvalg",
    ),
    (
        ElectionKind::EuropaParlamentsvalg,
        "ep",
        "Europa-Parlamentsvalg",
    ),
    (
        ElectionKind::Custom,
        "andet",
        "Andet (regler efter eget valg)",
    ),
];

#[derive(Template)]
#[template(path = "sekretariat/stamdata/valgtype.html")]
struct ElectionTypePage {
    layout: Layout,
    admin: bool,
    action: String,
    is_new: bool,
    kind: String,
    kinds: Vec<Choice>,
    rules: Vec<Choice>,
    form: FormData,
    errors: FormErrors,
}

async fn find(state: &Tenant, me: &Me, id: ElectionTypeId) -> Result<ElectionType, AppError> {
    state
        .svc
        .election_types(&me.0.actor)
        .await?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or(AppError::NotFound)
}

async fn show(
    state: &Tenant,
    me: &Me,
    which: Which<ElectionTypeId>,
    form: FormData,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let (title, action, kind) = match which {
        Which::New => (
            "Ny valgtype".to_owned(),
            "/sekretariat/stamdata/valgtype/ny".to_owned(),
            String::new(),
        ),
        Which::Existing(id) => {
            let et = find(state, me, id).await?;
            let kind = KINDS
                .iter()
                .find(|(k, _, _)| *k == et.kind)
                .map_or("", |(_, _, da)| da);
            (
                format!("Valgtype: {}", et.title),
                format!("/sekretariat/stamdata/valgtype/{id}"),
                kind.to_owned(),
            )
        }
    };
    let chosen: BTreeSet<&str> = form.all("regel").into_iter().collect();
    render(&ElectionTypePage {
        layout: me.0.layout(title),
        admin: me.0.is_admin(),
        is_new: which == Which::New,
        kinds: KINDS
            .iter()
            .map(|(_, key, da)| Choice {
                value: (*key).into(),
                label: (*da).into(),
                selected: form.get("valgtype-art") == *key,
            })
            .collect(),
        rules: RULES
            .iter()
            .map(|(_, key, da)| Choice {
                value: (*key).into(),
                label: (*da).into(),
                selected: chosen.contains(key),
            })
            .collect(),
        action,
        kind,
        form,
        errors,
    })
}

fn as_form(et: &ElectionType) -> FormData {
    let mut pairs = vec![("valgtype-titel".to_owned(), et.title.to_string())];
    pairs.extend(
        RULES
            .iter()
            .filter(|(r, _, _)| et.rules.contains(r))
            .map(|(_, key, _)| ("regel".to_owned(), (*key).to_owned())),
    );
    FormData(pairs)
}

/// GET /sekretariat/stamdata/valgtype/{id}: the election type's form (`ny`: a new one, with
/// the law's rules for its kind unless others are chosen).
pub async fn page(state: Tenant, me: Me, Path(id): Path<String>) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::ReadOverview)?;
    let which = Which::parse(&id)?;
    let form = match which {
        Which::New => FormData(vec![("valgtype-standard".into(), ticked(true))]),
        Which::Existing(id) => as_form(&find(&state, &me, id).await?),
    };
    show(&state, &me, which, form, FormErrors::none()).await
}

fn chosen_rules(form: &FormData) -> BTreeSet<EligibilityRule> {
    let keys = form.all("regel");
    RULES
        .iter()
        .filter(|(_, key, _)| keys.contains(key))
        .map(|(r, _, _)| *r)
        .collect()
}

/// POST /sekretariat/stamdata/valgtype/{id}: creates (`ny`) or saves the election type. Its
/// rules apply at the next check of each seat.
pub async fn save(
    state: Tenant,
    me: Me,
    Path(id): Path<String>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    require(actor, Permission::EditMasterData)?;
    let which = Which::parse(&id)?;
    let title = form.get("valgtype-titel");
    let result = match which {
        Which::New => {
            let Some((kind, _, _)) = KINDS
                .iter()
                .find(|(_, k, _)| *k == form.get("valgtype-art"))
            else {
                let mut errors = FormErrors::none();
                errors.add("valgtype-art", "Vælg, hvilken slags valg det er.");
                return show(&state, &me, which, form, errors).await;
            };
            let rules = (form.get("valgtype-standard") != "1").then(|| chosen_rules(&form));
            state
                .svc
                .create_election_type(
                    actor,
                    ElectionTypeDraft {
                        title: title.to_owned(),
                        kind: *kind,
                        rules,
                    },
                )
                .await
                .map(|_| "Valgtypen er oprettet.")
        }
        Which::Existing(id) => state
            .svc
            .edit_election_type(actor, id, title, chosen_rules(&form))
            .await
            .map(|_| "Valgtypen er gemt."),
    };
    match result {
        Ok(msg) => done(&me.0, "/sekretariat/stamdata#valgtyper", msg).await,
        Err(e) => {
            let errors = objection(e, |_| "valgtype-titel", "valgtype-titel")?;
            show(&state, &me, which, form, errors).await
        }
    }
}

/// POST /sekretariat/stamdata/valgtype/{id}/slet: deletes the election type (refused while an
/// election uses it).
pub async fn delete(
    state: Tenant,
    me: Me,
    Path(id): Path<ElectionTypeId>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    require(actor, Permission::EditMasterData)?;
    match state.svc.delete_election_type(actor, id).await {
        Ok(()) => {
            done(
                &me.0,
                "/sekretariat/stamdata#valgtyper",
                "Valgtypen er slettet.",
            )
            .await
        }
        Err(e) => {
            let errors = objection(e, |_| "slet", "slet")?;
            let form = as_form(&find(&state, &me, id).await?);
            show(&state, &me, Which::Existing(id), form, errors).await
        }
    }
}
