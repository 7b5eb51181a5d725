//! E-mail over SMTP with `lettre` (tokio runtime, rustls TLS).
//!
//! Every message goes out as `multipart/alternative` with a plain-text part (the HTML body
//! reduced to text) and an HTML part — inside `multipart/mixed` beside its attachments when it
//! has any, a calendar file also as a `text/calendar` alternative, so mail clients offer to add
//! it. Its `Message-ID` is `<outbox message id@domain>`, so a resend after a crash carries the
//! same id, and it is marked `Auto-Submitted: auto-generated` (RFC 3834), so vacation responders
//! do not answer it. Failures are sorted by whose problem they are (see
//! [`SmtpSender::send`](MessageSender::send)): a refusal of the message is permanent, a busy
//! answer about it temporary, and a server that is down, slow or refuses the setup makes the
//! channel unavailable.

mod failure;

use std::time::Duration;

use async_trait::async_trait;
use lettre::message::header::ContentType;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use valghalla_core::messages::{
    Channel, MessageSender, Outgoing, Receipt, Recipient, SendError, escape_html, html_to_text,
};

use failure::Failure;

/// How the connection to the mail server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS, which is required (default port 587). Nothing is
    /// sent if the server does not offer it.
    #[default]
    StartTls,
    /// TLS from the first byte (default port 465).
    ImplicitTls,
    /// No encryption (default port 25), for a relay on the same host or a trusted internal
    /// network. Refused together with credentials: a password is never sent in the clear.
    Plain,
}

/// How to reach the municipality's mail server. Build it with [`SmtpConfig::new`] and set what
/// differs from the defaults.
#[derive(Clone)]
pub struct SmtpConfig {
    /// Server host name (or IP address); TLS checks the certificate against it.
    pub host: String,
    /// Port (`None`: the default of [`security`](Self::security)).
    pub port: Option<u16>,
    /// STARTTLS (default), implicit TLS or none.
    pub security: SmtpSecurity,
    /// User name and password, if the server wants a login.
    pub credentials: Option<(String, String)>,
    /// An extra trusted root certificate (PEM), for a server whose certificate is issued by the
    /// municipality's own CA. The public web roots are trusted as well.
    pub root_certificate_pem: Option<Vec<u8>>,
    /// The sender, e.g. `Korsbæk Kommune <valg@korsbaek.dk>`.
    pub from: String,
    /// An optional Reply-To address, e.g. the secretariat's shared mailbox.
    pub reply_to: Option<String>,
    /// The municipality's mail domain, e.g. `korsbaek.dk`: the right-hand side of every
    /// `Message-ID` and the name the sender greets the server with (EHLO).
    pub domain: String,
    /// How long one message may take, from connecting to the server's last answer; a server
    /// that is slower is a temporary failure.
    pub timeout: Duration,
}

impl SmtpConfig {
    /// A configuration with STARTTLS on port 587, no login and a 30-second timeout.
    pub fn new(
        host: impl Into<String>,
        from: impl Into<String>,
        domain: impl Into<String>,
    ) -> Self {
        SmtpConfig {
            host: host.into(),
            port: None,
            security: SmtpSecurity::StartTls,
            credentials: None,
            root_certificate_pem: None,
            from: from.into(),
            reply_to: None,
            domain: domain.into(),
            timeout: Duration::from_secs(30),
        }
    }
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.credentials.as_ref().map(|(user, _)| user))
            .field("password", &self.credentials.as_ref().map(|_| "…"))
            .field("root_certificate_pem", &self.root_certificate_pem.is_some())
            .field("from", &self.from)
            .field("reply_to", &self.reply_to)
            .field("domain", &self.domain)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Why an SMTP sender could not be built. Each says which setting is wrong.
#[derive(Debug, thiserror::Error)]
pub enum SmtpSetupError {
    /// An address in the configuration is not a valid mailbox.
    #[error("e-mail-opsætning: {field} '{value}' er ikke en gyldig e-mailadresse")]
    Address {
        /// The setting (`afsender`, `svaradresse`).
        field: &'static str,
        /// What it says.
        value: String,
    },
    /// The domain is empty or not a plain domain name.
    #[error("e-mail-opsætning: domænet '{0}' er ikke et gyldigt domænenavn (f.eks. korsbaek.dk)")]
    Domain(String),
    /// Credentials without TLS would send the password in the clear.
    #[error(
        "e-mail-opsætning: login kræver en krypteret forbindelse; brug STARTTLS eller TLS, ikke en ukrypteret forbindelse"
    )]
    CredentialsWithoutTls,
    /// The extra root certificate could not be read.
    #[error(
        "e-mail-opsætning: rodcertifikatet kunne ikke læses; angiv en PEM-fil med mindst ét certifikat (-----BEGIN CERTIFICATE-----)"
    )]
    RootCertificate,
    /// The TLS parameters for the host could not be set up.
    #[error("e-mail-opsætning: TLS til {host} kunne ikke sættes op: {message}")]
    Tls {
        /// The host.
        host: String,
        /// What went wrong.
        message: String,
    },
}

/// Sends e-mail through an SMTP server. See the module docs for what a message looks like and
/// how failures are classified.
#[derive(Clone)]
pub struct SmtpSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    reply_to: Option<Mailbox>,
    domain: String,
    timeout: Duration,
}

impl std::fmt::Debug for SmtpSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSender")
            .field("from", &self.from.to_string())
            .field("domain", &self.domain)
            .finish_non_exhaustive()
    }
}

impl SmtpSender {
    /// A sender for `config`. It connects for each message. (lettre's connection pool is left
    /// out on purpose: it spawns tasks when it is built and dropped, which panics outside a tokio
    /// runtime.)
    pub fn new(config: &SmtpConfig) -> Result<Self, SmtpSetupError> {
        let mailbox = |field: &'static str, value: &str| {
            parse_mailbox(value).ok_or_else(|| SmtpSetupError::Address {
                field,
                value: value.to_owned(),
            })
        };
        let from = mailbox("afsender", &config.from)?;
        let reply_to = config
            .reply_to
            .as_deref()
            .map(|r| mailbox("svaradresse", r))
            .transpose()?;
        let domain = config.domain.trim();
        if !is_domain_name(domain) {
            return Err(SmtpSetupError::Domain(config.domain.clone()));
        }
        let tls_parameters = || -> Result<TlsParameters, SmtpSetupError> {
            let mut builder = TlsParameters::builder(config.host.clone());
            if let Some(pem) = &config.root_certificate_pem {
                // lettre accepts a PEM without any certificate in it (and trusts nothing more).
                const BEGIN: &[u8] = b"-----BEGIN CERTIFICATE-----";
                if !pem.windows(BEGIN.len()).any(|w| w == BEGIN) {
                    return Err(SmtpSetupError::RootCertificate);
                }
                let cert =
                    Certificate::from_pem(pem).map_err(|_| SmtpSetupError::RootCertificate)?;
                builder = builder.add_root_certificate(cert);
            }
            builder.build_rustls().map_err(|e| SmtpSetupError::Tls {
                host: config.host.clone(),
                message: e.to_string(),
            })
        };
        let (tls, default_port) = match config.security {
            SmtpSecurity::StartTls => (Tls::Required(tls_parameters()?), 587),
            SmtpSecurity::ImplicitTls => (Tls::Wrapper(tls_parameters()?), 465),
            SmtpSecurity::Plain if config.credentials.is_some() => {
                return Err(SmtpSetupError::CredentialsWithoutTls);
            }
            SmtpSecurity::Plain => (Tls::None, 25),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
            .port(config.port.unwrap_or(default_port))
            .tls(tls)
            .timeout(Some(config.timeout))
            .hello_name(ClientId::Domain(domain.to_owned()));
        if let Some((user, password)) = &config.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(SmtpSender {
            transport: builder.build(),
            from,
            reply_to,
            domain: domain.to_owned(),
            timeout: config.timeout,
        })
    }

    /// The e-mail for `msg`; `Err` (permanent) if the recipient is not an e-mail address.
    fn message(&self, msg: &Outgoing) -> Result<Message, SendError> {
        let Recipient::Email(address) = &msg.recipient else {
            return Err(SendError::Permanent(
                "e-mail-afsenderen fik en modtager uden e-mailadresse".into(),
            ));
        };
        let address = address
            .as_str()
            .parse::<Address>()
            .map_err(|_| SendError::Permanent("modtagerens e-mailadresse er ugyldig".into()))?;
        let name = one_line(&msg.recipient_name);
        let to = Mailbox::new((!name.is_empty()).then_some(name), address);
        let subject = one_line(&msg.subject);
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject.clone())
            .message_id(Some(format!("<{}@{}>", msg.idempotency_key, self.domain)))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("Auto-Submitted"),
                "auto-generated".to_owned(),
            ));
        if let Some(reply_to) = &self.reply_to {
            builder = builder.reply_to(reply_to.clone());
        }
        builder
            .multipart(body(msg, &subject)?)
            .map_err(|e| SendError::Permanent(format!("e-mailen kunne ikke bygges: {e}")))
    }
}

/// The body: text and HTML as alternatives; with attachments, those inside
/// `multipart/mixed` beside the files. A calendar file is also a third alternative
/// (`text/calendar; method=…`), which mail clients show as an invitation to add.
fn body(msg: &Outgoing, subject: &str) -> Result<MultiPart, SendError> {
    let mut alternative = MultiPart::alternative_plain_html(
        html_to_text(&msg.body),
        html_document(subject, &msg.body),
    );
    if msg.attachments.is_empty() {
        return Ok(alternative);
    }
    let content_type = |value: &str| {
        ContentType::parse(value)
            .map_err(|_| SendError::Permanent(format!("vedhæftningens type '{value}' er ugyldig")))
    };
    for file in &msg.attachments {
        if file.content_type.starts_with("text/calendar") {
            alternative = alternative.singlepart(
                SinglePart::builder()
                    .header(content_type(&file.content_type)?)
                    .body(String::from_utf8_lossy(&file.bytes).into_owned()),
            );
        }
    }
    let mut mixed = MultiPart::mixed().multipart(alternative);
    for file in &msg.attachments {
        mixed = mixed.singlepart(
            lettre::message::Attachment::new(one_line(&file.file_name))
                .body(file.bytes.clone(), content_type(&file.content_type)?),
        );
    }
    Ok(mixed)
}

/// A mailbox as a person writes it: `Name <address>` or a bare address. Unlike RFC 5322's
/// syntax, the name needs no quotes around a comma or a full stop (`Korsbæk Kommune,
/// Valgsekretariatet <valg@korsbaek.dk>`); lettre quotes and encodes it when it is sent.
fn parse_mailbox(value: &str) -> Option<Mailbox> {
    let value = value.trim();
    let (name, address) = match value.strip_suffix('>').and_then(|v| v.rsplit_once('<')) {
        Some((name, address)) => (one_line(name.trim().trim_matches('"')), address.trim()),
        None => (String::new(), value),
    };
    let address = address.parse::<Address>().ok()?;
    Some(Mailbox::new((!name.is_empty()).then_some(name), address))
}

/// The body (an HTML fragment written by the secretariat) as a whole document, so mail clients
/// know its language and character set.
fn html_document(subject: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"da\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{}</title>\n</head>\n<body>\n{body}\n</body>\n</html>\n",
        escape_html(subject)
    )
}

/// `text` on one line: control characters (line breaks included) become spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Whether `s` looks like a domain name: dot-separated labels of letters, digits and hyphens.
fn is_domain_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

#[async_trait]
impl MessageSender for SmtpSender {
    fn channel(&self) -> Channel {
        Channel::Email
    }

    /// Sends one e-mail. A 5xx refusal of the message or recipient is permanent; a 4xx reply
    /// about it is temporary; a server that is down, closing (421) or does not answer within the
    /// timeout, a TLS failure and a refusal of the login or sender address (the setup, not the
    /// message) make the channel unavailable. Reasons carry status codes, never the server's
    /// text or an address.
    async fn send(&self, msg: &Outgoing) -> Result<Receipt, SendError> {
        let email = self.message(msg)?;
        let recipient_is_ascii = email
            .envelope()
            .to()
            .iter()
            .all(|a| AsRef::<str>::as_ref(a).is_ascii());
        // lettre's timeout covers each command, not the wait for the server's greeting: the
        // deadline bounds the whole exchange, so a server that accepts and never speaks cannot
        // stall the dispatcher.
        let failure = match tokio::time::timeout(self.timeout, self.transport.send(email)).await {
            Ok(Ok(response)) => {
                return Ok(Receipt {
                    provider_reference: response.message().next().map(str::to_owned),
                });
            }
            Ok(Err(e)) => Failure::of(&e, recipient_is_ascii),
            Err(_elapsed) => Failure::Timeout,
        };
        Err(failure.into_send_error(self.timeout))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use valghalla_core::Email;
    use valghalla_core::ids::MessageId;
    use valghalla_core::messages::MessageKind;

    fn config() -> SmtpConfig {
        SmtpConfig {
            port: Some(1),
            credentials: Some(("valg".into(), "hemmeligt".into())),
            ..SmtpConfig::new(
                "127.0.0.1",
                "Korsbæk Kommune <valg@korsbaek.invalid>",
                "korsbaek.invalid",
            )
        }
    }

    fn outgoing() -> Outgoing {
        Outgoing {
            idempotency_key: MessageId::new(),
            kind: MessageKind::Invitation,
            channel: Channel::Email,
            recipient: Recipient::Email(Email::parse("ib@example.invalid").unwrap()),
            recipient_name: "Ib \"Bo\" Hansen,\r\nBcc: x@example.invalid".into(),
            subject: "Invitation\r\nBcc: y@example.invalid".into(),
            body: "<p>Hej</p>".into(),
            attachments: vec![],
            attempt: 1,
        }
    }

    #[test]
    fn the_key_is_the_message_id_and_names_and_subjects_cannot_add_headers() {
        let sender = SmtpSender::new(&config()).unwrap();
        let msg = outgoing();
        let email = sender.message(&msg).unwrap();
        let text = String::from_utf8(email.formatted()).unwrap();
        assert!(text.contains(&format!(
            "Message-ID: <{}@korsbaek.invalid>",
            msg.idempotency_key
        )));
        assert!(text.contains("Auto-Submitted: auto-generated"));
        assert!(
            !text.lines().any(|l| l.starts_with("Bcc:")),
            "a line break in a name or subject became a header:\n{text}"
        );
        assert_eq!(
            email.envelope().to().len(),
            1,
            "only the recipient is in the envelope"
        );
    }

    #[test]
    fn secrets_stay_out_of_debug_and_bad_settings_are_named() {
        let shown = format!("{:?}", config());
        assert!(!shown.contains("hemmeligt"), "{shown}");
        assert!(shown.contains("valg"), "{shown}");
        let plain = SmtpConfig {
            security: SmtpSecurity::Plain,
            ..config()
        };
        assert!(matches!(
            SmtpSender::new(&plain),
            Err(SmtpSetupError::CredentialsWithoutTls)
        ));
        let bad_from = SmtpConfig {
            from: "Korsbæk Kommune".into(),
            ..config()
        };
        let err = SmtpSender::new(&bad_from).unwrap_err();
        assert!(err.to_string().contains("afsender"), "{err}");
        let bad_domain = SmtpConfig {
            domain: "korsbaek dk".into(),
            ..config()
        };
        assert!(matches!(
            SmtpSender::new(&bad_domain),
            Err(SmtpSetupError::Domain(_))
        ));
        let bad_root = SmtpConfig {
            root_certificate_pem: Some(b"not a certificate".to_vec()),
            ..config()
        };
        assert!(matches!(
            SmtpSender::new(&bad_root),
            Err(SmtpSetupError::RootCertificate)
        ));
    }

    #[test]
    fn sender_addresses_are_read_as_people_write_them() {
        let m = parse_mailbox("Korsbæk Kommune, Valgsekretariatet <valg@korsbaek.dk>").unwrap();
        assert_eq!(
            m.name.as_deref(),
            Some("Korsbæk Kommune, Valgsekretariatet")
        );
        assert_eq!(m.email.to_string(), "valg@korsbaek.dk");
        let m = parse_mailbox(" \"Korsbæk Kommune\" <valg@korsbaek.dk> ").unwrap();
        assert_eq!(m.name.as_deref(), Some("Korsbæk Kommune"));
        let m = parse_mailbox("valg@korsbaek.dk").unwrap();
        assert_eq!(
            (m.name, m.email.to_string()),
            (None, "valg@korsbaek.dk".into())
        );
        assert!(parse_mailbox("Korsbæk Kommune").is_none());
        assert!(parse_mailbox("Korsbæk <valg@>").is_none());
        assert!(parse_mailbox("").is_none());
    }

    #[tokio::test]
    async fn a_recipient_without_an_e_mail_address_is_refused_permanently() {
        let sender = SmtpSender::new(&config()).unwrap();
        let msg = Outgoing {
            recipient: Recipient::Sms(valghalla_core::MobileNumber::parse("20304050").unwrap()),
            ..outgoing()
        };
        assert!(matches!(
            sender.send(&msg).await,
            Err(SendError::Permanent(_))
        ));
    }
}
