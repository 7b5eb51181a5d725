//! A confirmation step for every destructive action: a POST to an address whose last part is
//! a destructive verb (`slet`, `fjern`, `tilbagekald`, `nulstil`, `frameld`) is first answered
//! with a page that says what will happen and asks "are you sure?"; only the same form posted
//! again with `bekraeft=ja` reaches the page's handler. One place for every page area (a layer in
//! `router.rs`), so a new delete button gets its confirmation without anyone remembering it.

use askama::Template;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use tower_cookies::Cookies;
use tower_sessions::Session;

use crate::form::FormData;
use crate::state::{PortalState, Tenant};
use crate::web::extract::Viewer;
use crate::web::guard::safe_back;
use crate::web::layout::Layout;

/// The form field that says the person has confirmed.
pub const CONFIRMED: &str = "bekraeft";

/// What a confirmation page says about one destructive action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    /// The question (the page's heading).
    pub question: &'static str,
    /// What happens, and whether it can be undone.
    pub detail: &'static str,
    /// The text of the button that does it.
    pub button: &'static str,
    /// Where "Fortryd" goes when the form names no page to go back to.
    pub cancel: String,
}

/// The confirmation a POST to `path` needs, if it is destructive.
pub fn confirmation_for(path: &str) -> Option<Confirmation> {
    let path = path.trim_end_matches('/');
    let (parent, verb) = path.rsplit_once('/')?;
    let parent = if parent.is_empty() { "/" } else { parent };
    let (question, detail, button, cancel) = match verb {
        "slet" if path == "/min-profil/slet" => (
            "Vil du slette din profil?",
            "Dine oplysninger slettes, og det kan ikke fortrydes bagefter.",
            "Ja, slet min profil",
            parent.to_owned(),
        ),
        "slet" if parent.contains("/noter/") => (
            "Vil du slette noten?",
            "Noten slettes. Det kan ikke fortrydes bagefter.",
            "Ja, slet noten",
            parent.split("/noter/").next().unwrap_or("/").to_owned(),
        ),
        "slet" if parent.starts_with("/sekretariat/deltagere/") => (
            "Vil du slette deltageren?",
            "Deltageren og deres oplysninger slettes. Det kan ikke fortrydes bagefter.",
            "Ja, slet deltageren",
            parent.to_owned(),
        ),
        "slet" if parent.contains("/skabeloner/") => (
            "Vil du slette skabelonen?",
            "Skabelonen slettes for alle valg, der bruger den. Det kan ikke fortrydes bagefter.",
            "Ja, slet skabelonen",
            parent.to_owned(),
        ),
        "slet" if parent.starts_with("/sekretariat/valg/") && !parent.contains("/skabeloner/") => (
            "Vil du slette valget?",
            "Valget og dets pladser, links og skabelonvalg slettes. Det kan ikke fortrydes bagefter.",
            "Ja, slet valget",
            parent.to_owned(),
        ),
        "slet" => (
            "Vil du slette?",
            "Det kan ikke fortrydes bagefter.",
            "Ja, slet",
            parent.to_owned(),
        ),
        "fjern" if parent.ends_with("/reserve") => (
            "Vil du fjerne personen fra reserverne?",
            "Personen kan ikke længere få tilbudt en plads på dagen.",
            "Ja, fjern personen",
            parent.trim_end_matches("/reserve").to_owned(),
        ),
        "fjern" if parent.contains("/medlem/") => (
            "Vil du fjerne personen fra holdet?",
            "Personen er ikke længere medlem og kan ikke sættes på holdets pladser. Personen kan blive medlem igen gennem et link.",
            "Ja, fjern personen fra holdet",
            parent.split("/medlem/").next().unwrap_or("/").to_owned(),
        ),
        "fjern" if parent.contains("/ansvar/") => (
            "Vil du fjerne ansvaret?",
            "Personen mister de rettigheder, ansvaret giver, ved sin næste forespørgsel.",
            "Ja, fjern ansvaret",
            parent.split("/ansvar/").next().unwrap_or("/").to_owned() + "/ansvar",
        ),
        "fjern" => (
            "Vil du fjerne personen fra pladsen?",
            "Pladsen bliver ledig igen, og personen får besked.",
            "Ja, fjern personen",
            "/sekretariat".to_owned(),
        ),
        "tilbagekald" => (
            "Vil du tilbagekalde linket?",
            "Linket holder op med at virke med det samme, også for dem der allerede har fået det.",
            "Ja, tilbagekald linket",
            "/".to_owned(),
        ),
        "nulstil" => (
            "Vil du sætte standardteksten ind igen?",
            "Dine ændringer af skabelonen erstattes af standardteksten.",
            "Ja, sæt standardteksten ind",
            parent.to_owned(),
        ),
        "frameld" => (
            "Vil du melde dig fra opgaven?",
            "Din plads bliver givet til en anden. Du kan melde dig igen, hvis pladsen stadig er ledig.",
            "Ja, meld mig fra",
            "/mine-opgaver".to_owned(),
        ),
        _ => return None,
    };
    Some(Confirmation {
        question,
        detail,
        button,
        cancel,
    })
}

/// The confirmation page: the same form, every field kept, with `bekraeft=ja`.
#[derive(Template)]
#[template(path = "bekraeft.html")]
struct ConfirmPage {
    layout: Layout,
    confirmation: Confirmation,
    action: String,
    fields: Vec<(String, String)>,
    cancel: String,
}

/// Middleware: a destructive POST without `bekraeft=ja` gets the confirmation page instead of
/// reaching its handler.
pub async fn confirm_destructive(
    State(portal): State<PortalState>,
    req: Request,
    next: Next,
) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let path = req.uri().path().to_owned();
    let Some(confirmation) = confirmation_for(&path) else {
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    let limit = portal.config().max_body_bytes;
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let form: FormData = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    if form.get(CONFIRMED) == "ja" {
        return next
            .run(Request::from_parts(parts, Body::from(bytes)))
            .await;
    }
    let viewer = match (
        parts.extensions.get::<Tenant>().cloned(),
        parts.extensions.get::<Session>().cloned(),
    ) {
        (Some(t), Some(s)) => Viewer::resolve(&portal, t, s, parts.extensions.get::<Cookies>())
            .await
            .ok(),
        _ => None,
    };
    let layout = viewer.map_or_else(
        || Layout::bare(confirmation.question),
        |v| v.layout(confirmation.question),
    );
    let cancel = safe_back(form.get("tilbage"), "/", &confirmation.cancel);
    let page = ConfirmPage {
        layout,
        action: path,
        fields: form.0.into_iter().filter(|(k, _)| k != CONFIRMED).collect(),
        cancel,
        confirmation,
    };
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_destructive_verb_asks_first_and_nothing_else_does() {
        for path in [
            "/min-profil/slet",
            "/sekretariat/deltagere/abc/slet",
            "/sekretariat/valg/e/skabeloner/t/slet",
            "/sekretariat/pladser/s/fjern",
            "/sekretariat/valgdag/reserve/fjern",
            "/links/l/tilbagekald",
            "/sekretariat/valg/e/skabeloner/t/nulstil",
            "/mine-opgaver/s/frameld",
        ] {
            assert!(confirmation_for(path).is_some(), "{path}");
        }
        for path in [
            "/login",
            "/parti/t/placer",
            "/mine-opgaver/s/accepter",
            "/sekretariat/drift/job/sletning",
            "/sekretariat/valg/e/fordelingsforslag/bekraeft",
            "/",
        ] {
            assert!(confirmation_for(path).is_none(), "{path}");
        }
    }

    #[test]
    fn the_question_names_what_is_deleted_and_cancel_goes_back_to_it() {
        let c = confirmation_for("/sekretariat/deltagere/abc/slet");
        assert_eq!(
            c.as_ref().map(|c| (c.question, c.cancel.as_str())),
            Some(("Vil du slette deltageren?", "/sekretariat/deltagere/abc"))
        );
        let c = confirmation_for("/sekretariat/deltagere/abc/noter/n/slet");
        assert_eq!(
            c.as_ref().map(|c| (c.question, c.cancel.as_str())),
            Some(("Vil du slette noten?", "/sekretariat/deltagere/abc"))
        );
        let c = confirmation_for("/min-profil/slet");
        assert_eq!(
            c.as_ref().map(|c| (c.button, c.cancel.as_str())),
            Some(("Ja, slet min profil", "/min-profil"))
        );
    }

    #[test]
    fn removing_a_member_a_responsibility_or_an_election_says_so() {
        let c = confirmation_for("/parti/t/medlem/p/fjern");
        assert_eq!(
            c.as_ref().map(|c| (c.question, c.cancel.as_str())),
            Some(("Vil du fjerne personen fra holdet?", "/parti/t"))
        );
        let c = confirmation_for("/sekretariat/deltagere/p/ansvar/team/fjern");
        assert_eq!(
            c.as_ref().map(|c| (c.question, c.cancel.as_str())),
            Some(("Vil du fjerne ansvaret?", "/sekretariat/deltagere/p/ansvar"))
        );
        let c = confirmation_for("/sekretariat/valg/e/slet");
        assert_eq!(
            c.as_ref().map(|c| c.question),
            Some("Vil du slette valget?")
        );
        let c = confirmation_for("/sekretariat/pladser/s/fjern");
        assert_eq!(
            c.as_ref().map(|c| c.question),
            Some("Vil du fjerne personen fra pladsen?")
        );
    }
}
