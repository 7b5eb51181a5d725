//! An election type's form: its title, kind and eligibility rules; create, edit and delete
//! (refused while an election uses it).

use std::collections::BTreeSet;

use askama::Template;
use axum::response::Response;
use valghalla::core::ids::ElectionTypeId;
use valghalla::core::model::{ElectionKind, ElectionType, EligibilityRule};
use valghalla::core::service::ElectionTypeDraft;

use super::form::{Which, ticked};
use super::page::{Kind, action};
use crate::state::Tenant;
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

fn chosen_rules(form: &FormData) -> BTreeSet<EligibilityRule> {
    let keys = form.all("regel");
    RULES
        .iter()
        .filter(|(_, key, _)| keys.contains(key))
        .map(|(r, _, _)| *r)
        .collect()
}

/// What a posted form asks for: a new election type, or a stored one's new title and rules
/// (its kind stays).
pub enum Draft {
    /// A new one.
    New(ElectionTypeDraft),
    /// A stored one's title and rules.
    Edit(ElectionTypeId, String, BTreeSet<EligibilityRule>),
}

/// Election types.
pub struct ElectionTypes;

impl Kind for ElectionTypes {
    type Id = ElectionTypeId;
    type Draft = Draft;
    const SLUG: &'static str = "valgtype";
    const BACK: &'static str = "/sekretariat/stamdata#valgtyper";
    const CREATED: &'static str = "Valgtypen er oprettet.";
    const SAVED: &'static str = "Valgtypen er gemt.";
    const DELETED: &'static str = "Valgtypen er slettet.";
    const GENERAL: &'static str = "valgtype-titel";

    /// A new one has the law's rules for its kind unless others are chosen.
    async fn blank(_state: &Tenant, _me: &Me) -> Result<FormData, AppError> {
        Ok(FormData(vec![("valgtype-standard".into(), ticked(true))]))
    }

    async fn stored(state: &Tenant, me: &Me, id: ElectionTypeId) -> Result<FormData, AppError> {
        Ok(as_form(&find(state, me, id).await?))
    }

    async fn show(
        state: &Tenant,
        me: &Me,
        which: Which<ElectionTypeId>,
        form: FormData,
        errors: FormErrors,
    ) -> Result<Response, AppError> {
        let (title, kind) = match which {
            Which::New => ("Ny valgtype".to_owned(), String::new()),
            Which::Existing(id) => {
                let et = find(state, me, id).await?;
                let kind = KINDS
                    .iter()
                    .find(|(k, _, _)| *k == et.kind)
                    .map_or("", |(_, _, da)| da);
                (format!("Valgtype: {}", et.title), kind.to_owned())
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
            action: action::<Self>(which),
            kind,
            form,
            errors,
        })
    }

    async fn draft(
        _state: &Tenant,
        _me: &Me,
        which: Which<ElectionTypeId>,
        form: &FormData,
    ) -> Result<Result<Draft, FormErrors>, AppError> {
        let title = form.get("valgtype-titel").to_owned();
        if let Which::Existing(id) = which {
            return Ok(Ok(Draft::Edit(id, title, chosen_rules(form))));
        }
        let Some((kind, _, _)) = KINDS
            .iter()
            .find(|(_, k, _)| *k == form.get("valgtype-art"))
        else {
            let mut errors = FormErrors::none();
            errors.add("valgtype-art", "Vælg, hvilken slags valg det er.");
            return Ok(Err(errors));
        };
        let rules = (form.get("valgtype-standard") != "1").then(|| chosen_rules(form));
        Ok(Ok(Draft::New(ElectionTypeDraft {
            title,
            kind: *kind,
            rules,
        })))
    }

    /// Its rules apply at the next check of each seat.
    async fn save(
        state: &Tenant,
        me: &Me,
        _which: Which<ElectionTypeId>,
        draft: Draft,
    ) -> Result<Result<(), valghalla::Error>, AppError> {
        let actor = &me.0.actor;
        Ok(match draft {
            Draft::New(draft) => state.svc.create_election_type(actor, draft).await.map(drop),
            Draft::Edit(id, title, rules) => state
                .svc
                .edit_election_type(actor, id, &title, rules)
                .await
                .map(drop),
        })
    }

    /// Refused while an election uses it.
    async fn delete(state: &Tenant, me: &Me, id: ElectionTypeId) -> Result<(), valghalla::Error> {
        state.svc.delete_election_type(&me.0.actor, id).await
    }
}
