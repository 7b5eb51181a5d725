//! E-mail over SMTP with `lettre` (tokio runtime, rustls TLS).

use async_trait::async_trait;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MessageBuilder};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use valghalla_core::messages::{Channel, MessageSender, Outgoing, Receipt, Recipient, SendError};

/// How to reach the municipality's mail server.
#[derive(Clone)]
pub struct SmtpConfig {
    /// Server host name.
    pub host: String,
    /// Port (`None`: 587 with STARTTLS, or 465 with `implicit_tls`).
    pub port: Option<u16>,
    /// TLS from the first byte (port 465) instead of STARTTLS.
    pub implicit_tls: bool,
    /// User name and password, if the server wants them.
    pub credentials: Option<(String, String)>,
    /// The sender, e.g. `Korsbæk Kommune <valg@korsbaek.dk>`.
    pub from: String,
    /// An optional Reply-To address.
    pub reply_to: Option<String>,
    /// The domain in the `Message-ID` (`<message id>@domain`), e.g. `korsbaek.dk`.
    pub message_id_domain: String,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("implicit_tls", &self.implicit_tls)
            .field("credentials", &self.credentials.as_ref().map(|_| "…"))
            .field("from", &self.from)
            .field("reply_to", &self.reply_to)
            .finish()
    }
}

/// Why an SMTP sender could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SmtpSetupError {
    /// An address in the configuration is not a valid mailbox.
    #[error("e-mail-opsætning: adressen '{0}' er ugyldig")]
    Address(String),
    /// The transport could not be set up (TLS parameters for the host).
    #[error("e-mail-opsætning: forbindelsen til {host} kunne ikke sættes op: {message}")]
    Transport {
        /// The host.
        host: String,
        /// What went wrong.
        message: String,
    },
}

/// Sends e-mail through an SMTP server. The message id is the e-mail's `Message-ID`, so a
/// receiving system can recognise a repeated delivery after a crash.
#[derive(Clone)]
pub struct SmtpSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    reply_to: Option<Mailbox>,
    message_id_domain: String,
}

impl std::fmt::Debug for SmtpSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSender")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl SmtpSender {
    /// A sender for `config`. Connects lazily, on the first message.
    pub fn new(config: &SmtpConfig) -> Result<Self, SmtpSetupError> {
        let mailbox = |s: &str| {
            s.parse::<Mailbox>()
                .map_err(|_| SmtpSetupError::Address(s.to_owned()))
        };
        let from = mailbox(&config.from)?;
        let reply_to = config.reply_to.as_deref().map(mailbox).transpose()?;
        let builder = if config.implicit_tls {
            AsyncSmtpTransport::<Tokio1Executor>::relay(&config.host)
        } else {
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&config.host)
        }
        .map_err(|e| SmtpSetupError::Transport {
            host: config.host.clone(),
            message: e.to_string(),
        })?;
        let builder = match config.port {
            Some(port) => builder.port(port),
            None => builder,
        };
        let builder = match &config.credentials {
            Some((user, password)) => {
                builder.credentials(Credentials::new(user.clone(), password.clone()))
            }
            None => builder,
        };
        Ok(SmtpSender {
            transport: builder.build(),
            from,
            reply_to,
            message_id_domain: config.message_id_domain.clone(),
        })
    }

    fn message(&self, msg: &Outgoing) -> Result<Message, SendError> {
        let Recipient::Email(address) = &msg.recipient else {
            return Err(SendError::Permanent(
                "e-mail-afsenderen fik en modtager uden e-mailadresse".into(),
            ));
        };
        let to = format!("{} <{}>", msg.recipient_name, address.as_str())
            .parse::<Mailbox>()
            .or_else(|_| address.as_str().parse::<Mailbox>())
            .map_err(|_| SendError::Permanent("modtagerens e-mailadresse er ugyldig".into()))?;
        let mut builder: MessageBuilder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(msg.subject.clone())
            .message_id(Some(format!(
                "<{}@{}>",
                msg.idempotency_key, self.message_id_domain
            )));
        if let Some(reply_to) = &self.reply_to {
            builder = builder.reply_to(reply_to.clone());
        }
        builder
            .header(ContentType::TEXT_HTML)
            .body(msg.body.clone())
            .map_err(|e| SendError::Permanent(format!("e-mailen kunne ikke bygges: {e}")))
    }
}

#[async_trait]
impl MessageSender for SmtpSender {
    fn channel(&self) -> Channel {
        Channel::Email
    }

    async fn send(&self, msg: &Outgoing) -> Result<Receipt, SendError> {
        let email = self.message(msg)?;
        match self.transport.send(email).await {
            Ok(response) => Ok(Receipt {
                provider_reference: response.message().next().map(str::to_owned),
            }),
            // Errors are described by their SMTP status, never with the addresses involved.
            Err(e) if e.is_permanent() => Err(SendError::Permanent(format!(
                "mailserveren afviste beskeden (status {})",
                e.status()
                    .map_or_else(|| "ukendt".to_owned(), |c| c.to_string())
            ))),
            Err(e) => Err(SendError::Temporary(format!(
                "mailserveren kunne ikke nås eller svarede midlertidigt nej{}",
                e.status()
                    .map_or_else(String::new, |c| format!(" (status {c})"))
            ))),
        }
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
            host: "127.0.0.1".into(),
            port: Some(1),
            implicit_tls: false,
            credentials: Some(("valg".into(), "hemmeligt".into())),
            from: "Korsbæk Kommune <valg@korsbaek.invalid>".into(),
            reply_to: None,
            message_id_domain: "korsbaek.invalid".into(),
        }
    }

    fn outgoing() -> Outgoing {
        Outgoing {
            idempotency_key: MessageId::new(),
            kind: MessageKind::Invitation,
            channel: Channel::Email,
            recipient: Recipient::Email(Email::parse("ib@example.invalid").unwrap()),
            recipient_name: "Ib Hansen".into(),
            subject: "Invitation".into(),
            body: "<p>Hej</p>".into(),
            attempt: 1,
        }
    }

    #[test]
    fn messages_carry_the_key_as_message_id_and_secrets_stay_out_of_debug() {
        let sender = SmtpSender::new(&config()).unwrap();
        let msg = outgoing();
        let email = sender.message(&msg).unwrap();
        let text = String::from_utf8(email.formatted()).unwrap();
        assert!(text.contains(&format!("<{}@korsbaek.invalid>", msg.idempotency_key)));
        assert!(text.contains("Subject: Invitation"));
        assert!(!format!("{:?}", config()).contains("hemmeligt"));
    }

    #[tokio::test]
    async fn an_unreachable_server_is_a_temporary_failure() {
        let sender = SmtpSender::new(&config()).unwrap();
        let err = sender.send(&outgoing()).await.unwrap_err();
        assert!(matches!(err, SendError::Temporary(_)), "{err:?}");
        assert!(!err.to_string().contains("example.invalid"));
    }
}
