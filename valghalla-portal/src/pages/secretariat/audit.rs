//! The audit log: the newest entries, in Danish.

use askama::Template;
use axum::Router;
use axum::response::Response;
use axum::routing::get;
use valghalla::core::store::AuditFilter;

use crate::state::{PortalState, Tenant};
use crate::web::{AppError, Layout, Me, render};

pub fn router() -> Router<PortalState> {
    Router::new().route("/sekretariat/log", get(audit_log))
}

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
}

fn audit_action_da(a: valghalla::core::model::AuditAction) -> &'static str {
    use valghalla::core::model::AuditAction as A;
    match a {
        A::Create => "Oprettet",
        A::Edit => "Ændret",
        A::Delete => "Slettet",
        A::View => "Vist",
        A::CprAccess => "CPR-opslag/visning",
        A::Export => "Eksport",
        A::SeatChange => "Pladsændring",
    }
}

/// GET /sekretariat/log: the newest 300 audit entries.
pub async fn audit_log(state: Tenant, me: Me) -> Result<Response, AppError> {
    let rows = state
        .svc
        .audit_log(
            &me.0.actor,
            &AuditFilter {
                limit: 300,
                ..Default::default()
            },
        )
        .await?
        .into_iter()
        .map(|a| AuditRow {
            at: a
                .at
                .with_timezone(&chrono_tz::Europe::Copenhagen)
                .format("%d.%m.%Y %H:%M:%S")
                .to_string(),
            actor: a.actor.to_string(),
            action: audit_action_da(a.action).to_owned(),
            subject: a.subject.kind().to_owned(),
            description: a.description,
        })
        .collect();
    let page = AuditPage {
        layout: me.0.layout("Log"),
        rows,
    };
    render(&page)
}
