//! Message templates with `!token` placeholders, parsed once and rendered per channel.
//!
//! A [`Template`] can only be made by [`Template::parse`], which tokenizes the subject and the
//! body into [`Segment`]s and refuses unknown tokens (a typo such as `!nmae` is caught when the
//! template is saved, not when a message goes out). Rendering walks the segments once, so it is
//! linear and can never leave a token unreplaced; the reference system instead did plain
//! substring replacement in a fixed order (domain spec §7.3).
//!
//! # Token syntax
//!
//! A `!` followed by a letter starts a token candidate, which runs over letters and `_` (longest
//! match, so `!task_type_description` is never read as `!task_type` + `_description`). The
//! candidate must be one of the [`Token`]s, written exactly (lower case). A `!` that is not
//! followed by a letter is plain text: `Tak!`, `Hej ! `, `!!name` (a literal `!` and then the
//! token `!name`). Because a letter right after a token would make it a different candidate, put a
//! space or punctuation after a token.
//!
//! # Escaping
//!
//! Subjects are always plain text. Bodies of Digital Post and e-mail templates are HTML written
//! by the secretariat; bodies of SMS templates are plain text. When rendering for an HTML channel
//! every value is HTML-escaped, except [`Token::TaskTypeDescription`], which is HTML written by
//! the secretariat in the task type's description and is inserted as it is (it is trusted the
//! same way as the template body itself; it never holds participant data). Link tokens become
//! `<a href="…">…</a>`. When rendering for SMS nothing is escaped, links are plain URLs, and HTML
//! (in the description, or in the body of an HTML template sent by SMS as a fallback) is reduced
//! to text.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::channel::{Channel, FallbackOrder, Reachability, Unreachable, choose_channel};
use crate::values::{DanishMessage, FieldError, Name};

/// A placeholder that rendering replaces with a value from [`TokenValues`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Token {
    /// `!name`: the participant's first and last name.
    Name,
    /// `!election`: the election's title.
    Election,
    /// `!work_location`: the work location's title.
    WorkLocation,
    /// `!work_location_address`: "address, postal code city".
    WorkLocationAddress,
    /// `!task_type`: the task type's title.
    TaskType,
    /// `!task_type_description`: the task type's description, trusted HTML.
    TaskTypeDescription,
    /// `!task_date`: `dd.mm.yyyy`.
    TaskDate,
    /// `!task_start`: `HH:MM`.
    TaskStart,
    /// `!task_end`: `HH:MM`.
    TaskEnd,
    /// `!payment`: e.g. `1.320 kr.`, or empty.
    Payment,
    /// `!days`: whole days until the task date.
    Days,
    /// `!municipality`: the municipality's name.
    Municipality,
    /// `!invitation`: link to answer the invitation.
    Invitation,
    /// `!contact`: link to the contact page.
    Contact,
    /// `!external_web`: link to the participant web site.
    ExternalWeb,
    /// `!team`: the team (often a party) the seat belongs to.
    Team,
}

impl Token {
    /// Every token, in the order the template editor lists them.
    pub const ALL: [Token; 16] = [
        Token::Name,
        Token::Election,
        Token::WorkLocation,
        Token::WorkLocationAddress,
        Token::TaskType,
        Token::TaskTypeDescription,
        Token::TaskDate,
        Token::TaskStart,
        Token::TaskEnd,
        Token::Payment,
        Token::Days,
        Token::Municipality,
        Token::Invitation,
        Token::Contact,
        Token::ExternalWeb,
        Token::Team,
    ];

    /// The token's name without the `!`, e.g. `"work_location"`.
    pub const fn name(self) -> &'static str {
        match self {
            Token::Name => "name",
            Token::Election => "election",
            Token::WorkLocation => "work_location",
            Token::WorkLocationAddress => "work_location_address",
            Token::TaskType => "task_type",
            Token::TaskTypeDescription => "task_type_description",
            Token::TaskDate => "task_date",
            Token::TaskStart => "task_start",
            Token::TaskEnd => "task_end",
            Token::Payment => "payment",
            Token::Days => "days",
            Token::Municipality => "municipality",
            Token::Invitation => "invitation",
            Token::Contact => "contact",
            Token::ExternalWeb => "external_web",
            Token::Team => "team",
        }
    }

    /// The token whose name (without `!`) is exactly `name`.
    pub fn from_name(name: &str) -> Option<Token> {
        Token::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Whether the value is a URL that HTML channels render as a link.
    pub const fn is_link(self) -> bool {
        matches!(
            self,
            Token::Invitation | Token::Contact | Token::ExternalWeb
        )
    }

    /// All tokens as the editor shows them: `"!name, !election, …"`.
    pub fn list() -> String {
        Token::ALL
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl std::fmt::Display for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "!{}", self.name())
    }
}

/// A piece of a parsed subject or body.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    /// Text as written in the template (HTML in the body of an HTML template).
    Text(String),
    /// A placeholder.
    Token(Token),
}

/// Which part of a template a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TemplatePart {
    /// The subject (Digital Post label, e-mail subject).
    Subject,
    /// The body.
    Body,
}

impl TemplatePart {
    fn en(self) -> &'static str {
        match self {
            TemplatePart::Subject => "the subject",
            TemplatePart::Body => "the body",
        }
    }

    fn da(self) -> &'static str {
        match self {
            TemplatePart::Subject => "emnet",
            TemplatePart::Body => "teksten",
        }
    }
}

/// One unknown token found in a template.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnknownToken {
    /// The token as written, with its `!`, e.g. `"!nmae"`.
    pub token: String,
    /// Where it is.
    pub part: TemplatePart,
    /// Its position in that part, in characters from the start (0-based).
    pub position: usize,
}

/// Why a template was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// The title is empty, too long or has control characters.
    #[error(transparent)]
    Title(FieldError),
    /// The body is empty.
    #[error("template body: it is empty; write the message text")]
    EmptyBody,
    /// A Digital Post or e-mail template has no subject.
    #[error("template subject: it is empty; {channel} messages need a subject")]
    EmptySubject {
        /// The template's channel.
        channel: Channel,
    },
    /// The subject or body uses tokens that do not exist. Holds every one found, in order.
    #[error("{}", unknown_en(.0))]
    UnknownTokens(Vec<UnknownToken>),
    /// A token is written inside an HTML tag (e.g. `<a href="!invitation">`) in an HTML body.
    /// Values are inserted as text, and link tokens become a whole `<a>` element, so tokens must
    /// stand between tags.
    #[error(
        "template body: the token {token} is written inside an HTML tag; put it in the text (link tokens become links by themselves)"
    )]
    TokenInsideTag {
        /// The token.
        token: Token,
    },
}

fn unknown_en(found: &[UnknownToken]) -> String {
    let list = found
        .iter()
        .map(|u| format!("{} in {}", u.token, u.part.en()))
        .collect::<Vec<_>>()
        .join(", ");
    let noun = if found.len() == 1 { "token" } else { "tokens" };
    format!(
        "template: unknown {noun} {list}; valid tokens are: {}",
        Token::list()
    )
}

impl DanishMessage for TemplateError {
    fn message_da(&self) -> String {
        match self {
            TemplateError::Title(e) => e.message_da(),
            TemplateError::EmptyBody => {
                "Skabelonens tekst: feltet er tomt; skriv beskedens tekst".into()
            }
            TemplateError::EmptySubject { channel } => format!(
                "Skabelonens emne: feltet er tomt; beskeder med {} skal have et emne",
                channel.name_da()
            ),
            TemplateError::UnknownTokens(found) => {
                let list = found
                    .iter()
                    .map(|u| format!("{} i {}", u.token, u.part.da()))
                    .collect::<Vec<_>>()
                    .join(", ");
                let noun = if found.len() == 1 {
                    "flettefelt"
                } else {
                    "flettefelter"
                };
                format!(
                    "Skabelon: ukendt {noun} {list}; gyldige flettefelter er: {}",
                    Token::list()
                )
            }
            TemplateError::TokenInsideTag { token } => format!(
                "Skabelonens tekst: flettefeltet {token} står inde i et HTML-tag; skriv det i teksten (links bliver selv til links)"
            ),
        }
    }
}

/// A validated message template: a title, a channel, and a subject and body parsed into
/// [`Segment`]s. Make one with [`Template::parse`] (or deserialize one, which parses).
///
/// Templates carry no id; stores and the [`TemplateLibrary`](super::library::TemplateLibrary)
/// key them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "TemplateDraft", into = "TemplateDraft")]
pub struct Template {
    title: String,
    channel: Channel,
    subject: String,
    body: String,
    subject_segments: Vec<Segment>,
    body_segments: Vec<Segment>,
}

/// The unvalidated fields of a template, as an editor form or a store holds them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateDraft {
    /// The title, unique per municipality (case-insensitive).
    pub title: String,
    /// The channel.
    pub channel: Channel,
    /// The subject, plain text with tokens.
    pub subject: String,
    /// The body: HTML with tokens for Digital Post and e-mail, plain text with tokens for SMS.
    pub body: String,
}

impl TryFrom<TemplateDraft> for Template {
    type Error = TemplateError;
    fn try_from(d: TemplateDraft) -> Result<Self, Self::Error> {
        Template::parse(&d.title, d.channel, &d.subject, &d.body)
    }
}

impl From<Template> for TemplateDraft {
    fn from(t: Template) -> TemplateDraft {
        TemplateDraft {
            title: t.title,
            channel: t.channel,
            subject: t.subject,
            body: t.body,
        }
    }
}

impl Template {
    /// Validates and parses a template.
    ///
    /// The title must be non-empty (trimmed), at most 255 characters, on one line. The body must
    /// not be blank. Digital Post and e-mail templates need a subject. Every `!token` in the
    /// subject and the body must be a known [`Token`]; all unknown ones are reported together.
    /// In an HTML body no token may stand inside an HTML tag.
    pub fn parse(
        title: &str,
        channel: Channel,
        subject: &str,
        body: &str,
    ) -> Result<Template, TemplateError> {
        let title = Name::parse_field(title, "template title", "skabelonens titel")
            .map_err(TemplateError::Title)?
            .as_str()
            .to_owned();
        if body.trim().is_empty() {
            return Err(TemplateError::EmptyBody);
        }
        if channel.is_html() && subject.trim().is_empty() {
            return Err(TemplateError::EmptySubject { channel });
        }
        let mut unknown = Vec::new();
        let subject_segments = tokenize(subject, TemplatePart::Subject, &mut unknown);
        let body_segments = tokenize(body, TemplatePart::Body, &mut unknown);
        if !unknown.is_empty() {
            return Err(TemplateError::UnknownTokens(unknown));
        }
        if channel.is_html()
            && let Some(token) = token_inside_tag(&body_segments)
        {
            return Err(TemplateError::TokenInsideTag { token });
        }
        Ok(Template {
            title,
            channel,
            subject: subject.to_owned(),
            body: body.to_owned(),
            subject_segments,
            body_segments,
        })
    }

    /// The title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The channel the template was written for.
    pub fn channel(&self) -> Channel {
        self.channel
    }

    /// The subject as written.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The body as written.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The parsed subject.
    pub fn subject_segments(&self) -> &[Segment] {
        &self.subject_segments
    }

    /// The parsed body.
    pub fn body_segments(&self) -> &[Segment] {
        &self.body_segments
    }

    /// Whether the subject or the body uses `token`.
    pub fn uses(&self, token: Token) -> bool {
        self.subject_segments
            .iter()
            .chain(&self.body_segments)
            .any(|s| *s == Segment::Token(token))
    }

    /// A template from built-in texts that the tests prove valid, without a `Result`. Should a
    /// text ever be invalid, unknown tokens stay as text and the title is used as it is.
    pub(super) fn builtin(title: &str, channel: Channel, subject: &str, body: &str) -> Template {
        Template::parse(title, channel, subject, body).unwrap_or_else(|_| {
            let mut ignored = Vec::new();
            Template {
                title: title.trim().to_owned(),
                channel,
                subject: subject.to_owned(),
                body: body.to_owned(),
                subject_segments: tokenize(subject, TemplatePart::Subject, &mut ignored),
                body_segments: tokenize(body, TemplatePart::Body, &mut ignored),
            }
        })
    }

    /// The template's fields as a draft, e.g. to fill an editor form.
    pub fn to_draft(&self) -> TemplateDraft {
        TemplateDraft::from(self.clone())
    }
}

/// Splits `input` into text and token segments; unknown token candidates are pushed to
/// `unknown` (and kept as text so parsing can go on and report them all).
fn tokenize(input: &str, part: TemplatePart, unknown: &mut Vec<UnknownToken>) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut text = String::new();
    let mut chars = input.char_indices().peekable();
    let mut position = 0usize; // in characters
    while let Some((i, c)) = chars.next() {
        if c == '!'
            && let Some(&(start, first)) = chars.peek()
            && first.is_alphabetic()
        {
            let mut end = start;
            let mut len = 0usize;
            while let Some(&(j, d)) = chars.peek() {
                if d.is_alphabetic() || d == '_' {
                    end = j + d.len_utf8();
                    len += 1;
                    chars.next();
                } else {
                    break;
                }
            }
            let candidate = &input[start..end];
            match Token::from_name(candidate) {
                Some(token) => {
                    if !text.is_empty() {
                        segments.push(Segment::Text(std::mem::take(&mut text)));
                    }
                    segments.push(Segment::Token(token));
                }
                None => {
                    unknown.push(UnknownToken {
                        token: input[i..end].to_owned(),
                        part,
                        position,
                    });
                    text.push_str(&input[i..end]);
                }
            }
            position += 1 + len;
        } else {
            text.push(c);
            position += 1;
        }
    }
    if !text.is_empty() {
        segments.push(Segment::Text(text));
    }
    segments
}

/// The first token that stands inside an HTML tag, if any: a `<` followed by a letter, `/` or
/// `!` opens a tag and `>` closes it.
fn token_inside_tag(segments: &[Segment]) -> Option<Token> {
    let mut in_tag = false;
    for segment in segments {
        match segment {
            Segment::Text(text) => {
                let mut chars = text.chars().peekable();
                while let Some(c) = chars.next() {
                    match c {
                        '<' if chars
                            .peek()
                            .is_some_and(|n| n.is_ascii_alphabetic() || *n == '/' || *n == '!') =>
                        {
                            in_tag = true
                        }
                        '>' => in_tag = false,
                        _ => {}
                    }
                }
            }
            Segment::Token(token) if in_tag => return Some(*token),
            Segment::Token(_) => {}
        }
    }
    None
}

/// The values of every token for one message, already formatted by the caller.
///
/// Dates are `dd.mm.yyyy`, times `HH:MM`, the payment `"1.320 kr."` or empty, links plain
/// URLs. `task_type_description` is HTML from the task type (trusted; see the module docs).
/// An empty link renders as nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TokenValues {
    /// `!name`.
    pub name: String,
    /// `!election`.
    pub election: String,
    /// `!work_location`.
    pub work_location: String,
    /// `!work_location_address`.
    pub work_location_address: String,
    /// `!task_type`.
    pub task_type: String,
    /// `!task_type_description` (HTML).
    pub task_type_description: String,
    /// `!task_date`.
    pub task_date: String,
    /// `!task_start`.
    pub task_start: String,
    /// `!task_end`.
    pub task_end: String,
    /// `!payment`.
    pub payment: String,
    /// `!days`.
    pub days: String,
    /// `!municipality`.
    pub municipality: String,
    /// `!invitation` (URL).
    pub invitation: String,
    /// `!contact` (URL).
    pub contact: String,
    /// `!external_web` (URL).
    pub external_web: String,
    /// `!team`.
    pub team: String,
}

impl TokenValues {
    /// The values in a message's snapshotted facts (token name without `!` → value); missing
    /// ones are empty.
    pub fn from_facts(facts: &BTreeMap<String, String>) -> TokenValues {
        let mut v = TokenValues::default();
        for token in Token::ALL {
            let Some(value) = facts.get(token.name()) else {
                continue;
            };
            let slot = match token {
                Token::Name => &mut v.name,
                Token::Election => &mut v.election,
                Token::WorkLocation => &mut v.work_location,
                Token::WorkLocationAddress => &mut v.work_location_address,
                Token::TaskType => &mut v.task_type,
                Token::TaskTypeDescription => &mut v.task_type_description,
                Token::TaskDate => &mut v.task_date,
                Token::TaskStart => &mut v.task_start,
                Token::TaskEnd => &mut v.task_end,
                Token::Payment => &mut v.payment,
                Token::Days => &mut v.days,
                Token::Municipality => &mut v.municipality,
                Token::Invitation => &mut v.invitation,
                Token::Contact => &mut v.contact,
                Token::ExternalWeb => &mut v.external_web,
                Token::Team => &mut v.team,
            };
            slot.clone_from(value);
        }
        v
    }

    /// The value for `token`.
    pub fn get(&self, token: Token) -> &str {
        match token {
            Token::Name => &self.name,
            Token::Election => &self.election,
            Token::WorkLocation => &self.work_location,
            Token::WorkLocationAddress => &self.work_location_address,
            Token::TaskType => &self.task_type,
            Token::TaskTypeDescription => &self.task_type_description,
            Token::TaskDate => &self.task_date,
            Token::TaskStart => &self.task_start,
            Token::TaskEnd => &self.task_end,
            Token::Payment => &self.payment,
            Token::Days => &self.days,
            Token::Municipality => &self.municipality,
            Token::Invitation => &self.invitation,
            Token::Contact => &self.contact,
            Token::ExternalWeb => &self.external_web,
            Token::Team => &self.team,
        }
    }

    /// Realistic Danish sample values, for previews in the template editor.
    pub fn sample() -> TokenValues {
        TokenValues {
            name: "Agnes Jensen".into(),
            election: "Folketingsvalg 2026".into(),
            work_location: "Korsbæk Skole".into(),
            work_location_address: "Skolegade 12, 4999 Korsbæk".into(),
            task_type: "Tilforordnet".into(),
            task_type_description: "<p>Som tilforordnet hjælper du vælgerne ved stemmeborde og \
                 tæller stemmerne op, når valgstederne lukker kl. 20.00.</p>"
                .into(),
            task_date: "27.10.2026".into(),
            task_start: "07:30".into(),
            task_end: "22:00".into(),
            payment: "1.320 kr.".into(),
            days: "5".into(),
            municipality: "Korsbæk Kommune".into(),
            invitation: "https://valg.korsbaek.dk/opgaver/invitation/3f2a9c1e/7d41e0b2".into(),
            contact: "https://valg.korsbaek.dk/kontakt-os".into(),
            external_web: "https://valg.korsbaek.dk".into(),
            team: "Socialdemokratiet".into(),
        }
    }
}

/// A message ready to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderedMessage {
    /// Plain text on one line (control characters become spaces).
    pub subject: String,
    /// HTML for Digital Post and e-mail, plain text for SMS.
    pub body: String,
    /// The channel the message was rendered for.
    pub channel: Channel,
}

/// Renders `template` on its own channel.
pub fn render(template: &Template, values: &TokenValues) -> RenderedMessage {
    render_as(template, values, template.channel())
}

/// Renders `template` with sample values ([`TokenValues::sample`]), for the editor's preview.
pub fn preview(template: &Template) -> RenderedMessage {
    render(template, &TokenValues::sample())
}

/// Renders `template` for `channel`, which may differ from the template's own channel (after a
/// [`choose_channel`](super::channel::choose_channel) fallback): the body follows `channel`'s
/// rules. An HTML body sent by SMS is reduced to text; a plain-text body sent as HTML is escaped
/// and its line breaks become `<br>`.
pub fn render_as(template: &Template, values: &TokenValues, channel: Channel) -> RenderedMessage {
    let subject = render_subject(template.subject_segments(), values);
    let source_html = template.channel().is_html();
    let body = if channel.is_html() {
        render_html_body(template.body_segments(), values, source_html)
    } else {
        render_text_body(template.body_segments(), values, source_html)
    };
    RenderedMessage {
        subject,
        body,
        channel,
    }
}

/// Picks the channel for `template` with [`choose_channel`] and renders it for that channel
/// with [`render_as`] (the template's own escaping rules if it is its own channel, the fallback
/// channel's otherwise).
pub fn render_for_participant(
    template: &Template,
    values: &TokenValues,
    reachability: &Reachability,
    order: &FallbackOrder,
) -> Result<RenderedMessage, Unreachable> {
    let choice = choose_channel(template.channel(), reachability, order)?;
    Ok(render_as(template, values, choice.channel))
}

fn render_subject(segments: &[Segment], values: &TokenValues) -> String {
    let mut out = String::new();
    for segment in segments {
        match segment {
            Segment::Text(text) => out.push_str(text),
            Segment::Token(Token::TaskTypeDescription) => {
                out.push_str(&html_to_text(values.task_type_description.as_str()))
            }
            Segment::Token(token) => out.push_str(values.get(*token)),
        }
    }
    let one_line: String = out
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    one_line.trim().to_owned()
}

fn render_html_body(segments: &[Segment], values: &TokenValues, source_html: bool) -> String {
    let mut out = String::new();
    for segment in segments {
        match segment {
            Segment::Text(text) if source_html => out.push_str(text),
            Segment::Text(text) => {
                for (i, line) in text.split('\n').enumerate() {
                    if i > 0 {
                        out.push_str("<br>\n");
                    }
                    escape_html_into(line.trim_end_matches('\r'), &mut out);
                }
            }
            Segment::Token(Token::TaskTypeDescription) => {
                out.push_str(&values.task_type_description)
            }
            Segment::Token(token) if token.is_link() => {
                let url = values.get(*token);
                if !url.is_empty() {
                    out.push_str("<a href=\"");
                    escape_html_into(url, &mut out);
                    out.push_str("\">");
                    escape_html_into(url, &mut out);
                    out.push_str("</a>");
                }
            }
            Segment::Token(token) => escape_html_into(values.get(*token), &mut out),
        }
    }
    out
}

fn render_text_body(segments: &[Segment], values: &TokenValues, source_html: bool) -> String {
    let mut out = String::new();
    for segment in segments {
        match segment {
            Segment::Text(text) if source_html => html_fragment_to_text(text, &mut out),
            Segment::Text(text) => out.push_str(text),
            Segment::Token(Token::TaskTypeDescription) => {
                out.push_str(&html_to_text(&values.task_type_description))
            }
            Segment::Token(token) => out.push_str(values.get(*token)),
        }
    }
    if source_html { tidy_text(&out) } else { out }
}

/// HTML-escapes `&`, `<`, `>`, `"` and `'`, which makes any text safe both between tags and in a
/// quoted attribute value.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_html_into(text, &mut out);
    out
}

fn escape_html_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// Reduces a piece of simple HTML (as written by the secretariat) to plain text: tags are dropped,
/// block elements and `<br>` become line breaks, list items get a `- `, common entities are
/// decoded, and whitespace is collapsed as a browser would.
///
/// This is for short, hand-written texts; it is not a general HTML parser (no scripts, tables or
/// comments beyond dropping them).
pub fn html_to_text(html: &str) -> String {
    let mut out = String::new();
    html_fragment_to_text(html, &mut out);
    tidy_text(&out)
}

/// Appends the text of an HTML fragment to `out` without the final tidying. A link whose text
/// is not its address keeps the address after the text (`klik her (https://…)`), so the plain
/// text still leads where the HTML does.
fn html_fragment_to_text(html: &str, out: &mut String) {
    let mut rest = html;
    // The open links: their address and where their text starts in `out`.
    let mut links: Vec<(String, usize)> = Vec::new();
    while let Some(c) = rest.chars().next() {
        if c == '<'
            && let Some(end) = rest.find('>')
            && rest[1..].starts_with(|n: char| n.is_ascii_alphabetic() || n == '/' || n == '!')
        {
            let tag = &rest[1..end];
            let closing = tag.starts_with('/');
            let tag_name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase();
            match (tag_name.as_str(), closing) {
                ("a", false) => links.push((href_of(tag).unwrap_or_default(), out.len())),
                ("a", true) => {
                    if let Some((href, start)) = links.pop() {
                        let text = out.get(start..).unwrap_or_default().trim();
                        if !href.is_empty() && text != href {
                            out.push_str(" (");
                            out.push_str(&href);
                            out.push(')');
                        }
                    }
                }
                ("br", _) => out.push('\n'),
                ("li", false) => {
                    if !out.ends_with('\n') {
                        out.push('\n');
                    }
                    out.push_str("- ");
                }
                ("p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6", true) => out.push_str("\n\n"),
                (
                    "p" | "div" | "ul" | "ol" | "li" | "tr" | "h1" | "h2" | "h3" | "h4" | "h5"
                    | "h6" | "table" | "blockquote",
                    _,
                ) => out.push('\n'),
                _ => {}
            }
            rest = &rest[end + 1..];
        } else if c == '&'
            && let Some((decoded, len)) = decode_entity(rest)
        {
            out.push(decoded);
            rest = &rest[len..];
        } else if c.is_whitespace() {
            if !out.ends_with([' ', '\n']) && !out.is_empty() {
                out.push(' ');
            }
            rest = &rest[c.len_utf8()..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
}

/// The `href` of an `a` tag's inside (`a href="…" …`), entities decoded; only web and mail
/// addresses (a `javascript:` link has no place in a message's text).
fn href_of(tag: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let at = lower.find("href=")? + "href=".len();
    let value = tag.get(at..)?;
    let value = match value.chars().next()? {
        q @ ('"' | '\'') => value.get(1..)?.split(q).next()?,
        _ => value.split(char::is_whitespace).next()?,
    };
    let mut decoded = String::new();
    html_fragment_to_text(value, &mut decoded);
    let decoded = decoded.trim().to_owned();
    let lower = decoded.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:"))
        .then_some(decoded)
}

/// Decodes the entity at the start of `s` (which starts with `&`): returns the character and the
/// entity's length in bytes.
fn decode_entity(s: &str) -> Option<(char, usize)> {
    let end = s.get(..12.min(s.len())).unwrap_or(s).find(';')?;
    let name = &s[1..end];
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "aelig" => 'æ',
        "oslash" => 'ø',
        "aring" => 'å',
        "AElig" => 'Æ',
        "Oslash" => 'Ø',
        "Aring" => 'Å',
        "ndash" => '–',
        "mdash" => '—',
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((c, end + 1))
}

/// Trims spaces around line breaks, keeps at most one empty line in a row, trims the ends.
fn tidy_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut breaks = 0usize;
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            breaks += 1;
        }
        let line = line.trim_matches(' ');
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str(if breaks >= 2 { "\n\n" } else { "\n" });
        }
        breaks = 0;
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn facts_become_token_values() {
        let facts: BTreeMap<String, String> = [
            ("name".to_owned(), "Ib".to_owned()),
            ("work_location".to_owned(), "Skolen".to_owned()),
            ("unknown".to_owned(), "x".to_owned()),
        ]
        .into();
        let v = TokenValues::from_facts(&facts);
        assert_eq!(v.name, "Ib");
        assert_eq!(v.work_location, "Skolen");
        assert_eq!(v.team, "");
    }

    fn reachable(exempt: bool, email: bool, mobile: bool) -> Reachability {
        Reachability {
            exempt_from_digital_post: exempt,
            has_email: email,
            has_mobile: mobile,
        }
    }

    #[test]
    fn fallback_renders_the_same_template_with_the_new_channels_rules() {
        let t = Template::parse("T", Channel::DigitalPost, "Hej", "<p>Hej !name</p>").unwrap();
        let v = TokenValues {
            name: "Ib & Bo".into(),
            ..TokenValues::default()
        };
        let order = FallbackOrder::default();
        let dp = render_for_participant(&t, &v, &reachable(false, false, false), &order).unwrap();
        assert_eq!(
            (dp.channel, dp.body.as_str()),
            (Channel::DigitalPost, "<p>Hej Ib &amp; Bo</p>")
        );
        let sms = render_for_participant(&t, &v, &reachable(true, false, true), &order).unwrap();
        assert_eq!(
            (sms.channel, sms.body.as_str()),
            (Channel::Sms, "Hej Ib & Bo")
        );
        assert!(render_for_participant(&t, &v, &reachable(true, false, false), &order).is_err());
    }

    fn body(channel: Channel, body: &str) -> Template {
        Template::parse("Test", channel, "Emne", body).unwrap()
    }

    fn values() -> TokenValues {
        TokenValues::sample()
    }

    #[test]
    fn a_link_keeps_its_address_in_plain_text_unless_the_text_is_the_address() {
        assert_eq!(
            html_to_text(
                "<p>Svar <a href=\"https://valg.korsbaek.dk/invitation/1?a=1&amp;b=2\">her</a>.</p>"
            ),
            "Svar her (https://valg.korsbaek.dk/invitation/1?a=1&b=2)."
        );
        assert_eq!(
            html_to_text("<a href='https://x.dk/kontakt'>https://x.dk/kontakt</a>"),
            "https://x.dk/kontakt"
        );
        assert_eq!(
            html_to_text("<a href=\"javascript:alert(1)\">klik</a> <a>ingen</a>"),
            "klik ingen"
        );
    }

    #[test]
    fn exclamation_mark_not_followed_by_a_letter_is_text() {
        let t = body(Channel::Sms, "Tak! Vi ses ! Hurra!");
        assert_eq!(
            t.body_segments(),
            &[Segment::Text("Tak! Vi ses ! Hurra!".into())]
        );
        assert_eq!(render(&t, &values()).body, "Tak! Vi ses ! Hurra!");
    }

    #[test]
    fn double_exclamation_mark_is_a_literal_mark_then_a_token() {
        let t = body(Channel::Sms, "Hej !!name");
        assert_eq!(
            t.body_segments(),
            &[Segment::Text("Hej !".into()), Segment::Token(Token::Name)]
        );
        assert_eq!(render(&t, &values()).body, "Hej !Agnes Jensen");
    }

    #[test]
    fn token_at_the_end_and_adjacent_tokens_are_recognised() {
        let t = body(Channel::Sms, "!task_start!task_end kl. !task_date");
        assert_eq!(
            t.body_segments(),
            &[
                Segment::Token(Token::TaskStart),
                Segment::Token(Token::TaskEnd),
                Segment::Text(" kl. ".into()),
                Segment::Token(Token::TaskDate),
            ]
        );
        assert_eq!(render(&t, &values()).body, "07:3022:00 kl. 27.10.2026");
    }

    #[test]
    fn longest_match_reads_the_whole_token_name() {
        let t = body(Channel::Sms, "!task_type_description/!task_type.");
        assert_eq!(
            t.body_segments(),
            &[
                Segment::Token(Token::TaskTypeDescription),
                Segment::Text("/".into()),
                Segment::Token(Token::TaskType),
                Segment::Text(".".into()),
            ]
        );
    }

    #[test]
    fn unknown_token_is_refused_naming_token_part_and_valid_tokens() {
        let err =
            Template::parse("T", Channel::Email, "Hej !nmae", "<p>!name og !nme</p>").unwrap_err();
        let TemplateError::UnknownTokens(found) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(
            found,
            &[
                UnknownToken {
                    token: "!nmae".into(),
                    part: TemplatePart::Subject,
                    position: 4
                },
                UnknownToken {
                    token: "!nme".into(),
                    part: TemplatePart::Body,
                    position: 12
                },
            ]
        );
        let en = err.to_string();
        assert!(
            en.contains("unknown tokens !nmae in the subject, !nme in the body"),
            "{en}"
        );
        assert!(en.contains("valid tokens are: !name, !election,"), "{en}");
        assert!(en.contains("!team"), "{en}");
        let da = err.message_da();
        assert!(
            da.contains("ukendt flettefelter !nmae i emnet, !nme i teksten"),
            "{da}"
        );
        assert!(da.contains("gyldige flettefelter er: !name"), "{da}");
    }

    #[test]
    fn tokens_are_case_sensitive_and_a_letter_after_a_token_makes_it_unknown() {
        for text in ["!Name", "!names", "!name_"] {
            let err = Template::parse("T", Channel::Sms, "", text).unwrap_err();
            assert!(matches!(err, TemplateError::UnknownTokens(_)), "{text}");
        }
        // A digit ends the candidate.
        assert!(Template::parse("T", Channel::Sms, "", "!days2").is_ok());
    }

    #[test]
    fn other_validation_errors() {
        assert!(matches!(
            Template::parse("  ", Channel::Sms, "", "x"),
            Err(TemplateError::Title(_))
        ));
        assert_eq!(
            Template::parse("T", Channel::Sms, "", " \n"),
            Err(TemplateError::EmptyBody)
        );
        let err = Template::parse("T", Channel::DigitalPost, " ", "x").unwrap_err();
        assert_eq!(
            err,
            TemplateError::EmptySubject {
                channel: Channel::DigitalPost
            }
        );
        assert!(err.message_da().contains("Digital Post"));
        let err = Template::parse("T", Channel::Email, "S", "<a href=\"!invitation\">svar</a>")
            .unwrap_err();
        assert_eq!(
            err,
            TemplateError::TokenInsideTag {
                token: Token::Invitation
            }
        );
        assert!(err.message_da().contains("HTML-tag"));
        // In an SMS body `<` is just text.
        assert!(Template::parse("T", Channel::Sms, "", "<a !name").is_ok());
        // Comparison text in HTML is fine once the tag is closed.
        assert!(Template::parse("T", Channel::Email, "S", "<p>!name</p> 3 < 4 !days").is_ok());
    }

    #[test]
    fn html_values_are_escaped_but_the_description_is_trusted() {
        let t = body(Channel::DigitalPost, "<p>!name</p>!task_type_description");
        let v = TokenValues {
            name: "Tom & \"Jerry\" <script>'x'</script>".into(),
            task_type_description: "<b>Fed</b> & glad".into(),
            ..TokenValues::default()
        };
        assert_eq!(
            render(&t, &v).body,
            "<p>Tom &amp; &quot;Jerry&quot; &lt;script&gt;&#39;x&#39;&lt;/script&gt;</p><b>Fed</b> & glad"
        );
    }

    #[test]
    fn links_become_anchors_in_html_and_plain_urls_in_sms() {
        let v = TokenValues {
            invitation: "https://valg.dk/a?x=1&y=\"2\"".into(),
            contact: String::new(),
            ..TokenValues::default()
        };
        let html = body(Channel::Email, "<p>Svar: !invitation!contact</p>");
        assert_eq!(
            render(&html, &v).body,
            "<p>Svar: <a href=\"https://valg.dk/a?x=1&amp;y=&quot;2&quot;\">https://valg.dk/a?x=1&amp;y=&quot;2&quot;</a></p>"
        );
        let sms = body(Channel::Sms, "Svar: !invitation");
        assert_eq!(render(&sms, &v).body, "Svar: https://valg.dk/a?x=1&y=\"2\"");
    }

    #[test]
    fn sms_is_plain_text_with_the_description_reduced_to_text() {
        let t = body(Channel::Sms, "Hej !name & co. <3\n!task_type_description");
        let v = TokenValues {
            name: "Ib <Ø>".into(),
            task_type_description: "<p>Mød op &amp; <b>tæl</b>.</p><ul><li>Én</li><li>To</li></ul>"
                .into(),
            ..TokenValues::default()
        };
        assert_eq!(
            render(&t, &v).body,
            "Hej Ib <Ø> & co. <3\nMød op & tæl.\n\n- Én\n- To"
        );
    }

    #[test]
    fn html_template_sent_by_sms_becomes_readable_text() {
        let t = body(
            Channel::DigitalPost,
            "<p>Kære !name</p>\n<p>Du er !task_type på\n   !work_location.<br>Svar: !invitation</p>\n<p>Venlig&nbsp;hilsen<br>!municipality</p>",
        );
        let msg = render_as(&t, &values(), Channel::Sms);
        assert_eq!(msg.channel, Channel::Sms);
        assert_eq!(
            msg.body,
            "Kære Agnes Jensen\n\nDu er Tilforordnet på Korsbæk Skole.\nSvar: https://valg.korsbaek.dk/opgaver/invitation/3f2a9c1e/7d41e0b2\n\nVenlig hilsen\nKorsbæk Kommune"
        );
    }

    #[test]
    fn sms_template_sent_as_email_is_escaped_with_line_breaks() {
        let t = body(Channel::Sms, "Hej !name <3\nSe !external_web");
        let msg = render_as(&t, &values(), Channel::Email);
        assert_eq!(
            msg.body,
            "Hej Agnes Jensen &lt;3<br>\nSe <a href=\"https://valg.korsbaek.dk\">https://valg.korsbaek.dk</a>"
        );
    }

    #[test]
    fn subject_is_plain_single_line_text() {
        let t = Template::parse(
            "T",
            Channel::Email,
            "<b>!name</b> !task_type_description",
            "x",
        )
        .unwrap();
        let v = TokenValues {
            name: "A &\r\nB".into(),
            task_type_description: "<p>Tæl &amp; smil</p>".into(),
            ..TokenValues::default()
        };
        assert_eq!(render(&t, &v).subject, "<b>A &  B</b> Tæl & smil");
    }

    #[test]
    fn template_round_trips_through_serde_and_refuses_bad_json() {
        let t = body(Channel::Email, "<p>!name</p>");
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(serde_json::from_str::<Template>(&json).unwrap(), t);
        let bad = r#"{"title":"T","channel":"Sms","subject":"","body":"!nmae"}"#;
        let err = serde_json::from_str::<Template>(bad).unwrap_err();
        assert!(err.to_string().contains("!nmae"));
    }

    #[test]
    fn preview_uses_the_sample_values() {
        let t = body(Channel::DigitalPost, "<p>!team, !payment, !days dage</p>");
        assert_eq!(
            preview(&t).body,
            "<p>Socialdemokratiet, 1.320 kr., 5 dage</p>"
        );
    }

    fn unescape(s: &str) -> String {
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    /// Template pieces: random text (no `!`/`<`), tricky literal `!` pieces, or a token.
    fn arb_piece() -> impl Strategy<Value = Result<String, Token>> {
        prop_oneof![
            4 => "[^!<]{0,10}".prop_map(Ok),
            1 => prop_oneof![Just("Tak!"), Just("! "), Just("!!"), Just("!")].prop_map(|s| Ok(s.to_owned())),
            4 => proptest::sample::select(Token::ALL.to_vec()).prop_map(Err),
        ]
    }

    /// Joins pieces so that no letter follows a token or a literal `!` (which would make a
    /// different, unknown token candidate).
    fn assemble(pieces: &[Result<String, Token>]) -> String {
        let mut out = String::new();
        for piece in pieces {
            let next = match piece {
                Ok(text) => text.clone(),
                Err(token) => token.to_string(),
            };
            let after_bang_or_token =
                out.ends_with('!') || Token::ALL.iter().any(|t| out.ends_with(&t.to_string()));
            if after_bang_or_token && next.starts_with(|c: char| c.is_alphabetic() || c == '_') {
                out.push(' ');
            }
            out.push_str(&next);
        }
        out
    }

    /// Values without `!` or lower-case letters, so they can never spell a token.
    fn arb_values() -> impl Strategy<Value = TokenValues> {
        proptest::collection::vec("[A-ZÆØÅ0-9 .,:/<>&\"'\n]{0,12}", 16).prop_map(|v| {
            let mut it = v.into_iter();
            let mut next = || it.next().unwrap_or_default();
            TokenValues {
                name: next(),
                election: next(),
                work_location: next(),
                work_location_address: next(),
                task_type: next(),
                task_type_description: next(),
                task_date: next(),
                task_start: next(),
                task_end: next(),
                payment: next(),
                days: next(),
                municipality: next(),
                invitation: next(),
                contact: next(),
                external_web: next(),
                team: next(),
            }
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn rendering_never_leaves_a_known_token(
            subject in proptest::collection::vec(arb_piece(), 0..8),
            body_pieces in proptest::collection::vec(arb_piece(), 1..12),
            channel in proptest::sample::select(Channel::ALL.to_vec()),
            target in proptest::sample::select(Channel::ALL.to_vec()),
            v in arb_values(),
        ) {
            let subject = format!("S {}", assemble(&subject));
            let body = format!("B {}", assemble(&body_pieces));
            let t = Template::parse("T", channel, &subject, &body);
            prop_assert!(t.is_ok(), "{:?}", t);
            let t = t.unwrap();
            let msg = render_as(&t, &v, target);
            for token in Token::ALL {
                let written = token.to_string();
                prop_assert!(!msg.subject.contains(&written), "{} in {:?}", written, msg.subject);
                prop_assert!(!msg.body.contains(&written), "{} in {:?}", written, msg.body);
            }
        }

        #[test]
        fn any_text_parses_or_errors_and_renders_without_panicking(
            text in "\\PC{0,40}",
            value in "\\PC{0,20}",
            channel in proptest::sample::select(Channel::ALL.to_vec()),
        ) {
            if let Ok(t) = Template::parse("T", channel, &text, &text) {
                let v = TokenValues { name: value.clone(), task_type_description: value, ..TokenValues::sample() };
                for target in Channel::ALL {
                    let _ = render_as(&t, &v, target);
                }
            }
        }

        #[test]
        fn escaping_makes_any_value_safe_in_html(value in "\\PC{0,40}|[<>&\"' a-z;#]{0,20}") {
            let t = body(Channel::DigitalPost, "<p>!name</p>");
            let v = TokenValues { name: value.clone(), ..TokenValues::default() };
            let out = render(&t, &v).body;
            let inner = out.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>"));
            prop_assert!(inner.is_some());
            let inner = inner.unwrap();
            prop_assert!(!inner.contains('<') && !inner.contains('>'));
            for (i, _) in inner.match_indices('&') {
                let rest = &inner[i..];
                prop_assert!(
                    ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].iter().any(|e| rest.starts_with(e)),
                    "unescaped & in {:?}", inner
                );
            }
            prop_assert_eq!(unescape(inner), value);
        }
    }
}
