//! The audit log in Danish, searched by who, what, which kind of subject and when, a page at
//! a time; the search is kept in the URL so it can be bookmarked.

use askama::Template;
use axum::Router;
use axum::extract::RawQuery;
use axum::response::Response;
use axum::routing::get;
use valghalla::core::model::AuditAction;
use valghalla::core::service::AuditSearch;

use crate::state::{PortalState, Tenant};
use crate::web::paging::{Paging, optional_date, requested_page};
use crate::web::{AppError, Choice, FormData, FormErrors, Layout, Me, render};

pub fn router() -> Router<PortalState> {
    Router::new().route("/sekretariat/log", get(audit_log))
}

/// The page's address.
const PATH: &str = "/sekretariat/log";
/// Entries on a page.
const PER_PAGE: usize = 50;

struct AuditRow {
    at: String,
    actor: String,
    action: String,
    subject: String,
    description: String,
}

#[derive(Template)]
#[template(path = "sekretariat/log.html")]
struct AuditPage {
    layout: Layout,
    rows: Vec<AuditRow>,
    paging: Paging,
    actions: Vec<Choice>,
    subjects: Vec<Choice>,
    form: FormData,
    errors: FormErrors,
}

const ACTIONS: [(AuditAction, &str, &str); 7] = [
    (AuditAction::Create, "oprettet", "Oprettet"),
    (AuditAction::Edit, "aendret", "Ændret"),
    (AuditAction::Delete, "slettet", "Slettet"),
    (AuditAction::View, "vist", "Vist"),
    (AuditAction::CprAccess, "cpr", "CPR-opslag/visning"),
    (AuditAction::Export, "eksport", "Eksport"),
    (AuditAction::SeatChange, "plads", "Pladsændring"),
];

/// The kinds of subject, as the core names them, in Danish.
const SUBJECTS: [(&str, &str); 23] = [
    ("area", "Område"),
    ("work_location", "Arbejdssted"),
    ("task_type", "Opgavetype"),
    ("team", "Team"),
    ("special_diet", "Specialkost"),
    ("election_type", "Valgtype"),
    ("election", "Valg"),
    ("seat", "Plads"),
    ("participant", "Deltager"),
    ("rejection", "Afslag"),
    ("link", "Link"),
    ("municipality", "Kommunen"),
    ("communication", "Beskedindstillinger"),
    ("thread", "Beskedtråd"),
    ("attendance", "Fremmøde"),
    ("reserve", "Reserve"),
    ("seat_offer", "Tilbud om plads"),
    ("note", "Note"),
    ("slot", "Pladser i en opgave"),
    ("template", "Beskedskabelon"),
    ("group_message", "Gruppebesked"),
    ("import", "Import"),
    ("export", "Eksport"),
];

fn action_da(a: AuditAction) -> &'static str {
    ACTIONS
        .iter()
        .find(|(x, _, _)| *x == a)
        .map_or("", |(_, _, da)| da)
}

fn subject_da(kind: &str) -> String {
    SUBJECTS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or_else(|| kind.to_owned(), |(_, da)| (*da).to_owned())
}

/// GET /sekretariat/log?hvem=&handling=&emne=&fra=&til=&side=: the audit log, searched.
pub async fn audit_log(
    state: Tenant,
    me: Me,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let form = FormData::from_query(query.as_deref());
    let mut errors = FormErrors::none();
    let search = AuditSearch {
        who: form.get("hvem").to_owned(),
        action: ACTIONS
            .iter()
            .find(|(_, k, _)| *k == form.get("handling"))
            .map(|(a, _, _)| *a),
        subject: SUBJECTS
            .iter()
            .find(|(k, _)| *k == form.get("emne"))
            .map(|(k, _)| (*k).to_owned()),
        from: optional_date(&form, "fra", &mut errors),
        to: optional_date(&form, "til", &mut errors),
    };
    let found = state
        .svc
        .search_audit_log(&me.0.actor, &search, requested_page(&form), PER_PAGE)
        .await?;
    let paging = Paging::of(PATH, &form, &found);
    let rows = found
        .items
        .into_iter()
        .map(|a| AuditRow {
            at: a
                .at
                .with_timezone(&chrono_tz::Europe::Copenhagen)
                .format("%d.%m.%Y %H:%M:%S")
                .to_string(),
            actor: a.actor.to_string(),
            action: action_da(a.action).to_owned(),
            subject: subject_da(a.subject.kind()),
            description: a.description,
        })
        .collect();
    let page = AuditPage {
        layout: me.0.layout("Log"),
        rows,
        paging,
        actions: ACTIONS
            .iter()
            .map(|(_, k, da)| Choice {
                value: (*k).into(),
                label: (*da).into(),
                selected: form.get("handling") == *k,
            })
            .collect(),
        subjects: SUBJECTS
            .iter()
            .map(|(k, da)| Choice {
                value: (*k).into(),
                label: (*da).into(),
                selected: form.get("emne") == *k,
            })
            .collect(),
        form,
        errors,
    };
    render(&page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use valghalla::core::model::RecordKind;

    #[test]
    fn every_kind_of_record_has_a_danish_name_in_the_log() {
        for kind in RecordKind::ALL {
            assert!(
                SUBJECTS.iter().any(|(k, _)| *k == kind.name()),
                "{} has no Danish name",
                kind.name()
            );
        }
    }
}
