//! The message templates of an election: the municipality's template library (the defaults and
//! the secretariat's own), an editor with a preview for a sample participant, and the choice of
//! template the election uses for each kind of message.
//!
//! The preview shows the rendered message as the participant reads it (text) and the HTML that
//! is sent as source, never the secretariat's HTML as markup in the portal: the page's CSP
//! would stop scripts, but not e.g. a `<meta http-equiv="refresh">` in a template another
//! administrator opens.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use valghalla::core::DanishMessage;
use valghalla::core::ids::{ElectionId, TemplateId};
use valghalla::core::messages::{
    Channel, ElectionTemplates, LibraryError, MessageKind, RenderedMessage, TemplateDraft,
    TemplateError, TemplatePart, Token, html_to_text,
};
use valghalla::core::rules::access::Permission;
use valghalla::core::service::TemplateEntry;

use super::common::kind_da;
use crate::state::{PortalState, Tenant};
use crate::web::views::{done, require};
use crate::web::{AppError, Choice, FormData, FormErrors, Layout, Me, render};

pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/sekretariat/valg/{id}/skabeloner", get(list).post(choose))
        .route(
            "/sekretariat/valg/{id}/skabeloner/ny",
            get(new).post(create),
        )
        .route(
            "/sekretariat/valg/{id}/skabeloner/{template}",
            get(edit).post(update),
        )
        .route(
            "/sekretariat/valg/{id}/skabeloner/{template}/slet",
            post(delete),
        )
        .route(
            "/sekretariat/valg/{id}/skabeloner/{template}/nulstil",
            post(reset),
        )
}

/// The form value of each kind (stable, readable in the HTML).
fn kind_key(k: MessageKind) -> &'static str {
    match k {
        MessageKind::Invitation => "invitation",
        MessageKind::InvitationReminder => "paamindelse-invitation",
        MessageKind::Registration => "tilmelding",
        MessageKind::Cancellation => "afmelding",
        MessageKind::InvitationRetracted => "invitation-trukket-tilbage",
        MessageKind::RemovedFromTask => "fjernet-fra-opgave",
        MessageKind::RemovedByValidation => "fjernet-efter-validering",
        MessageKind::TaskReminder => "paamindelse-opgave",
        MessageKind::Group => "gruppebesked",
        MessageKind::SeatOffered => "tilbud-til-reserve",
        MessageKind::OfferFilled => "plads-besat",
    }
}

fn kind_field(k: MessageKind) -> String {
    format!("type-{}", kind_key(k))
}

const CHANNELS: [(Channel, &str, &str); 3] = [
    (Channel::DigitalPost, "digital-post", "Digital Post"),
    (Channel::Email, "e-mail", "E-mail"),
    (Channel::Sms, "sms", "SMS"),
];

fn channel_label(c: Channel) -> &'static str {
    CHANNELS
        .iter()
        .find(|(x, ..)| *x == c)
        .map_or("", |(_, _, l)| l)
}

// ---------------------------------------------------------------- the list and the choices

struct TemplateRow {
    id: TemplateId,
    title: String,
    channel: &'static str,
    default_for: String,
    used_for: String,
}

struct KindChoice {
    label: &'static str,
    field: String,
    default_title: String,
    options: Vec<Choice>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "sekretariat/skabeloner.html")]
struct ListPage {
    layout: Layout,
    election: ElectionId,
    election_title: String,
    templates: Vec<TemplateRow>,
    kinds: Vec<KindChoice>,
    overrides: usize,
    errors: FormErrors,
}

async fn list_page(
    state: &Tenant,
    me: &Me,
    election: ElectionId,
    posted: Option<&FormData>,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    require(actor, Permission::ManageCommunication)?;
    let e = state.svc.election(actor, election).await?;
    let templates = state.svc.templates(actor).await?;
    let chosen = state.svc.election_templates(actor, election).await?;
    let kinds = MessageKind::ALL
        .into_iter()
        .map(|k| {
            let field = kind_field(k);
            let current = match posted {
                Some(f) => f.get(&field).to_owned(),
                None => chosen
                    .per_kind
                    .get(&k)
                    .map(|id| id.to_string())
                    .unwrap_or_default(),
            };
            KindChoice {
                label: kind_da(k),
                default_title: templates
                    .iter()
                    .find(|t| t.default_for == Some(k))
                    .map(|t| t.template.title().to_owned())
                    .unwrap_or_default(),
                options: templates
                    .iter()
                    .filter(|t| t.default_for != Some(k))
                    .map(|t| Choice {
                        value: t.id.to_string(),
                        label: t.template.title().to_owned(),
                        selected: current == t.id.to_string(),
                    })
                    .collect(),
                error: errors.get(&field).map(str::to_owned),
                field,
            }
        })
        .collect();
    let rows = templates
        .iter()
        .map(|t| TemplateRow {
            id: t.id,
            title: t.template.title().to_owned(),
            channel: channel_label(t.template.channel()),
            default_for: t.default_for.map(kind_da).unwrap_or_default().to_owned(),
            used_for: MessageKind::ALL
                .into_iter()
                .filter(|k| match chosen.per_kind.get(k) {
                    Some(id) => *id == t.id,
                    None => t.default_for == Some(*k),
                })
                .map(kind_da)
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let page = ListPage {
        layout: me.0.layout(format!("Beskedskabeloner – {}", e.title)),
        election,
        election_title: e.title.to_string(),
        templates: rows,
        kinds,
        overrides: chosen
            .per_task_type
            .values()
            .map(BTreeMap::len)
            .sum::<usize>(),
        errors,
    };
    render(&page)
}

/// GET /sekretariat/valg/{id}/skabeloner: the templates and the election's choices.
pub async fn list(
    state: Tenant,
    me: Me,
    Path(election): Path<ElectionId>,
) -> Result<Response, AppError> {
    list_page(&state, &me, election, None, FormErrors::none()).await
}

/// POST /sekretariat/valg/{id}/skabeloner: sets the template the election uses for each kind
/// (empty: the default); the per-task-type overrides are kept as they are.
pub async fn choose(
    state: Tenant,
    me: Me,
    Path(election): Path<ElectionId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    require(actor, Permission::ManageCommunication)?;
    let mut choices: ElectionTemplates = state.svc.election_templates(actor, election).await?;
    choices.per_kind.clear();
    for k in MessageKind::ALL {
        match form.get(&kind_field(k)) {
            "" => {}
            v => {
                let id: TemplateId = v.parse().map_err(|_| AppError::BadRequest)?;
                choices.per_kind.insert(k, id);
            }
        }
    }
    match state
        .svc
        .set_election_templates(actor, election, choices.clone())
        .await
    {
        Ok(()) => {
            let to = format!("/sekretariat/valg/{election}/skabeloner");
            done(&me.0, &to, "Valgets skabeloner er gemt.").await
        }
        Err(e @ valghalla::Error::Library(LibraryError::NotFound { id })) => {
            let mut errors = FormErrors::none();
            for (k, chosen) in &choices.per_kind {
                if *chosen == id {
                    errors.add(&kind_field(*k), e.message_da());
                }
            }
            list_page(&state, &me, election, Some(&form), errors).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- the editor

/// A rendered preview as the page shows it.
struct Preview {
    channel: &'static str,
    subject: String,
    text: String,
    html: Option<String>,
}

impl From<RenderedMessage> for Preview {
    fn from(m: RenderedMessage) -> Self {
        let html = m.channel.is_html();
        Preview {
            channel: channel_label(m.channel),
            subject: m.subject,
            text: if html {
                html_to_text(&m.body)
            } else {
                m.body.clone()
            },
            html: html.then_some(m.body),
        }
    }
}

#[derive(Template)]
#[template(path = "sekretariat/skabelon.html")]
struct EditPage {
    layout: Layout,
    election: ElectionId,
    election_title: String,
    /// `None` for a new template.
    id: Option<TemplateId>,
    default_for: Option<&'static str>,
    title: String,
    channels: Vec<Choice>,
    subject: String,
    body: String,
    tokens: String,
    errors: FormErrors,
    preview: Option<Preview>,
}

impl EditPage {
    fn action(&self) -> String {
        match self.id {
            Some(id) => format!("/sekretariat/valg/{}/skabeloner/{id}", self.election),
            None => format!("/sekretariat/valg/{}/skabeloner/ny", self.election),
        }
    }
}

fn channel_choices(chosen: Channel) -> Vec<Choice> {
    CHANNELS
        .iter()
        .map(|(c, v, l)| Choice {
            value: (*v).to_owned(),
            label: (*l).to_owned(),
            selected: *c == chosen,
        })
        .collect()
}

async fn edit_page(
    state: &Tenant,
    me: &Me,
    election: ElectionId,
    entry: Option<&TemplateEntry>,
    draft: TemplateDraft,
    errors: FormErrors,
    preview: Option<Preview>,
) -> Result<Response, AppError> {
    let e = state.svc.election(&me.0.actor, election).await?;
    let heading = match entry {
        Some(t) => format!("Skabelon – {}", t.template.title()),
        None => "Ny skabelon".to_owned(),
    };
    render(&EditPage {
        layout: me.0.layout(heading),
        election,
        election_title: e.title.to_string(),
        id: entry.map(|t| t.id),
        default_for: entry.and_then(|t| t.default_for).map(kind_da),
        title: draft.title,
        channels: channel_choices(draft.channel),
        subject: draft.subject,
        body: draft.body,
        tokens: Token::list(),
        errors,
        preview,
    })
}

/// GET /sekretariat/valg/{id}/skabeloner/ny: the editor for a new template.
pub async fn new(
    state: Tenant,
    me: Me,
    Path(election): Path<ElectionId>,
) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::ManageCommunication)?;
    let draft = TemplateDraft {
        title: String::new(),
        channel: Channel::DigitalPost,
        subject: String::new(),
        body: String::new(),
    };
    edit_page(&state, &me, election, None, draft, FormErrors::none(), None).await
}

/// GET /sekretariat/valg/{id}/skabeloner/{template}: the editor with a preview of the saved
/// template for a sample participant.
pub async fn edit(
    state: Tenant,
    me: Me,
    Path((election, id)): Path<(ElectionId, TemplateId)>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    let entry = template_entry(&state, &me, id).await?;
    let preview = state.svc.preview_template(actor, id, None).await?;
    let draft = entry.template.to_draft();
    edit_page(
        &state,
        &me,
        election,
        Some(&entry),
        draft,
        FormErrors::none(),
        Some(preview.into()),
    )
    .await
}

async fn template_entry(
    state: &Tenant,
    me: &Me,
    id: TemplateId,
) -> Result<TemplateEntry, AppError> {
    match state.svc.template(&me.0.actor, id).await {
        Ok(t) => Ok(t),
        Err(valghalla::Error::Library(LibraryError::NotFound { .. })) => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// The draft in a posted editor form, or the errors next to its fields.
fn draft_of(form: &FormData, errors: &mut FormErrors) -> TemplateDraft {
    let channel = match CHANNELS.iter().find(|(_, v, _)| *v == form.get("kanal")) {
        Some((c, ..)) => *c,
        None => {
            errors.add("kanal", "Vælg en kanal.");
            Channel::DigitalPost
        }
    };
    // Subjects and bodies are kept as typed (only titles are trimmed by the core).
    let raw = |name: &str| {
        form.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.replace("\r\n", "\n"))
            .unwrap_or_default()
    };
    TemplateDraft {
        title: form.get("titel").to_owned(),
        channel,
        subject: raw("emne"),
        body: raw("tekst"),
    }
}

/// A refused template, next to the fields it is about.
fn template_errors(e: &valghalla::Error, errors: &mut FormErrors) -> bool {
    match e {
        valghalla::Error::Template(t) => {
            match t {
                TemplateError::Title(_) => errors.add("titel", t.message_da()),
                TemplateError::EmptySubject { .. } => errors.add("emne", t.message_da()),
                TemplateError::EmptyBody | TemplateError::TokenInsideTag { .. } => {
                    errors.add("tekst", t.message_da())
                }
                TemplateError::UnknownTokens(found) => {
                    for (part, field) in [
                        (TemplatePart::Subject, "emne"),
                        (TemplatePart::Body, "tekst"),
                    ] {
                        let here: Vec<&str> = found
                            .iter()
                            .filter(|u| u.part == part)
                            .map(|u| u.token.as_str())
                            .collect();
                        if here.is_empty() {
                            continue;
                        }
                        let noun = if here.len() == 1 {
                            "Ukendt flettefelt"
                        } else {
                            "Ukendte flettefelter"
                        };
                        errors.add(
                            field,
                            format!(
                                "{noun}: {}. Gyldige flettefelter er: {}.",
                                here.join(", "),
                                Token::list()
                            ),
                        );
                    }
                }
            }
            true
        }
        valghalla::Error::Library(l @ LibraryError::DuplicateTitle { .. }) => {
            errors.add("titel", l.message_da());
            true
        }
        _ => false,
    }
}

async fn save(
    state: &Tenant,
    me: &Me,
    election: ElectionId,
    id: Option<TemplateId>,
    form: &FormData,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    require(actor, Permission::ManageCommunication)?;
    let entry = match id {
        Some(id) => Some(template_entry(state, me, id).await?),
        None => None,
    };
    let mut errors = FormErrors::none();
    let draft = draft_of(form, &mut errors);
    let mut preview = None;
    if errors.is_empty() {
        if form.get("handling") == "gem" {
            match state.svc.save_template(actor, id, draft.clone()).await {
                Ok(saved) => {
                    let to = format!("/sekretariat/valg/{election}/skabeloner/{saved}");
                    return done(&me.0, &to, "Skabelonen er gemt.").await;
                }
                Err(e) if template_errors(&e, &mut errors) => {}
                Err(e) => return Err(e.into()),
            }
        } else {
            match state.svc.preview_draft(actor, draft.clone()) {
                Ok(p) => preview = Some(p.into()),
                Err(e) if template_errors(&e, &mut errors) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    edit_page(state, me, election, entry.as_ref(), draft, errors, preview).await
}

/// POST /sekretariat/valg/{id}/skabeloner/ny: previews (`handling=vis`) or saves
/// (`handling=gem`) a new template.
pub async fn create(
    state: Tenant,
    me: Me,
    Path(election): Path<ElectionId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    save(&state, &me, election, None, &form).await
}

/// POST /sekretariat/valg/{id}/skabeloner/{template}: previews or saves a template.
pub async fn update(
    state: Tenant,
    me: Me,
    Path((election, id)): Path<(ElectionId, TemplateId)>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    save(&state, &me, election, Some(id), &form).await
}

/// POST /sekretariat/valg/{id}/skabeloner/{template}/slet: deletes one of the secretariat's
/// own templates (elections that used it fall back to the default).
pub async fn delete(
    state: Tenant,
    me: Me,
    Path((election, id)): Path<(ElectionId, TemplateId)>,
) -> Result<Response, AppError> {
    let to = format!("/sekretariat/valg/{election}/skabeloner");
    match state.svc.delete_template(&me.0.actor, id).await {
        Ok(()) => done(&me.0, &to, "Skabelonen er slettet.").await,
        Err(valghalla::Error::Library(l @ LibraryError::DefaultCannotBeDeleted { .. })) => {
            done(&me.0, &to, &l.message_da()).await
        }
        Err(valghalla::Error::Library(LibraryError::NotFound { .. })) => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// POST /sekretariat/valg/{id}/skabeloner/{template}/nulstil: puts the built-in text back into
/// a default template.
pub async fn reset(
    state: Tenant,
    me: Me,
    Path((election, id)): Path<(ElectionId, TemplateId)>,
) -> Result<Response, AppError> {
    let entry = template_entry(&state, &me, id).await?;
    let Some(kind) = entry.default_for else {
        return Err(AppError::BadRequest);
    };
    state.svc.reset_default_template(&me.0.actor, kind).await?;
    let to = format!("/sekretariat/valg/{election}/skabeloner/{id}");
    done(&me.0, &to, "Standardteksten er sat ind i skabelonen igen.").await
}
