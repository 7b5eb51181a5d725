//! What an SMTP failure means for the dispatcher: worth retrying, or not.
//!
//! The rule is *whose* problem it is. A refusal of this message or this recipient (a 5xx reply:
//! unknown mailbox, content rejected) will not change on a retry, so it is permanent. A 4xx reply
//! about this message is temporary. A server that is down, slow, unreachable or closing (421), a
//! TLS failure, and a refusal of *our* setup (the login or the sender address is refused, the
//! server lacks STARTTLS or a login mechanism) mean the channel is unavailable: the dispatcher
//! pauses e-mail instead of trying (and failing) every waiting message, and once the operator has
//! fixed the setup or the server is back, the waiting messages go out.
//!
//! Reasons are Danish, for the secretariat's communication log, and carry the reply code and the
//! enhanced status code only: never the server's text, which often quotes the recipient's
//! address.

use std::time::Duration;

use valghalla_core::messages::SendError;

/// A failed send, reduced to what decides retrying and what may be shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The server answered with a negative reply.
    Reply {
        /// The three-digit reply code (4xx or 5xx).
        code: u16,
        /// The enhanced status code at the start of the reply text (RFC 3463), e.g. `5.1.1`.
        enhanced: Option<String>,
    },
    /// The server did not answer within the configured time.
    Timeout,
    /// No connection: refused, reset, no route, name not resolved.
    Unreachable(Option<std::io::ErrorKind>),
    /// The TLS handshake failed (certificate, name, protocol).
    Tls,
    /// The server lacks what the setup needs (STARTTLS, a login mechanism).
    Unsupported,
    /// The recipient's address needs SMTPUTF8, which the server does not offer.
    UnsupportedAddress,
    /// The server's answer could not be understood, or the connection was shut down.
    Protocol,
}

impl Failure {
    /// Reduces a lettre error. `recipient_is_ascii` tells a client-side refusal of the
    /// recipient's address (non-ASCII without SMTPUTF8) from a refusal of the setup.
    pub(crate) fn of(error: &lettre::transport::smtp::Error, recipient_is_ascii: bool) -> Failure {
        if let Some(code) = error.status() {
            return Failure::Reply {
                code: u16::from(code),
                enhanced: std::error::Error::source(error)
                    .and_then(|text| enhanced_status(&text.to_string())),
            };
        }
        if error.is_timeout() {
            return Failure::Timeout;
        }
        if error.is_tls() {
            return Failure::Tls;
        }
        if error.is_client() {
            return if recipient_is_ascii {
                Failure::Unsupported
            } else {
                Failure::UnsupportedAddress
            };
        }
        if error.is_response() || error.is_transport_shutdown() {
            return Failure::Protocol;
        }
        match io_kind(error) {
            // rustls reports a failed handshake (an untrusted certificate, a wrong name) through
            // tokio-rustls as invalid data on the socket; lettre calls it a network error.
            Some(std::io::ErrorKind::InvalidData) => Failure::Tls,
            kind => Failure::Unreachable(kind),
        }
    }

    /// The dispatcher's view: temporary or permanent, with a reason free of personal data.
    pub(crate) fn into_send_error(self, timeout: Duration) -> SendError {
        match self {
            Failure::Reply { code, enhanced } => {
                let status = match &enhanced {
                    Some(e) => format!("status {code} {e}"),
                    None => format!("status {code}"),
                };
                if code == 421 {
                    SendError::Unavailable(format!(
                        "mailserveren tager ikke imod beskeder lige nu ({status})"
                    ))
                } else if code < 500 {
                    SendError::Temporary(format!(
                        "mailserveren svarede midlertidigt nej ({status})"
                    ))
                } else if is_login_refusal(code, enhanced.as_deref()) {
                    SendError::Unavailable(format!(
                        "mailserveren afviste login med den opsatte bruger ({status}); \
                         ret brugernavn og adgangskode i opsætningen"
                    ))
                } else if is_sender_refusal(enhanced.as_deref()) {
                    SendError::Unavailable(format!(
                        "mailserveren afviste afsenderadressen ({status}); \
                         ret afsenderen i opsætningen"
                    ))
                } else {
                    SendError::Permanent(format!("mailserveren afviste beskeden ({status})"))
                }
            }
            Failure::Timeout => SendError::Unavailable(format!(
                "mailserveren svarede ikke inden for {} sekunder",
                timeout.as_secs()
            )),
            Failure::Unreachable(kind) => SendError::Unavailable(match kind {
                Some(std::io::ErrorKind::ConnectionRefused) => {
                    "mailserveren kunne ikke nås (forbindelsen blev afvist)".to_owned()
                }
                Some(kind) => format!(
                    "mailserveren kunne ikke nås ({})",
                    crate::io_text::io_kind_da(kind)
                ),
                None => "mailserveren kunne ikke nås".to_owned(),
            }),
            Failure::Tls => SendError::Unavailable(
                "den krypterede forbindelse til mailserveren kunne ikke oprettes \
                 (certifikat eller TLS-opsætning)"
                    .to_owned(),
            ),
            Failure::Unsupported => SendError::Unavailable(
                "mailserveren tilbyder ikke det, opsætningen kræver (STARTTLS eller login)"
                    .to_owned(),
            ),
            Failure::UnsupportedAddress => SendError::Permanent(
                "modtagerens e-mailadresse har tegn, som mailserveren ikke kan modtage (SMTPUTF8)"
                    .to_owned(),
            ),
            Failure::Protocol => SendError::Temporary(
                "mailserverens svar kunne ikke forstås, eller forbindelsen blev lukket".to_owned(),
            ),
        }
    }
}

/// The login was refused: reply 530, 534, 535 or 538, or enhanced status 5.7.8 / 5.7.9
/// (RFC 4954).
fn is_login_refusal(code: u16, enhanced: Option<&str>) -> bool {
    matches!(code, 530 | 534 | 535 | 538) || matches!(enhanced, Some("5.7.8" | "5.7.9"))
}

/// The sender address was refused: enhanced status 5.1.7 or 5.1.8 (RFC 3463).
fn is_sender_refusal(enhanced: Option<&str>) -> bool {
    matches!(enhanced, Some("5.1.7" | "5.1.8"))
}

/// The enhanced status code (`class.subject.detail`) at the start of a reply text, if any.
pub(crate) fn enhanced_status(text: &str) -> Option<String> {
    let first = text.split_whitespace().next()?;
    let mut parts = first.split('.');
    let class = parts.next()?;
    let subject = parts.next()?;
    let detail = parts.next()?;
    let digits = |s: &str, max: usize| {
        !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
    };
    (parts.next().is_none()
        && matches!(class, "2" | "4" | "5")
        && digits(subject, 3)
        && digits(detail, 3))
    .then(|| first.to_owned())
}

/// The kind of the I/O error underneath, if there is one.
fn io_kind(error: &lettre::transport::smtp::Error) -> Option<std::io::ErrorKind> {
    let mut source = std::error::Error::source(error);
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        source = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(code: u16, enhanced: Option<&str>) -> SendError {
        Failure::Reply {
            code,
            enhanced: enhanced.map(str::to_owned),
        }
        .into_send_error(Duration::from_secs(30))
    }

    #[test]
    fn the_enhanced_status_is_read_from_the_start_of_the_text_only() {
        assert_eq!(
            enhanced_status("5.1.1 <ib@example.invalid>: unknown").as_deref(),
            Some("5.1.1")
        );
        assert_eq!(enhanced_status("4.3.0 Try again").as_deref(), Some("4.3.0"));
        assert_eq!(enhanced_status("Mailbox unavailable 5.1.1"), None);
        assert_eq!(enhanced_status("5.1 short"), None);
        assert_eq!(enhanced_status("5.1.1.1 long"), None);
        assert_eq!(enhanced_status("9.1.1 wrong class"), None);
        assert_eq!(enhanced_status(""), None);
    }

    #[test]
    fn a_4xx_reply_is_temporary_and_a_5xx_refusal_of_the_message_is_permanent() {
        assert!(
            matches!(reply(451, Some("4.3.0")), SendError::Temporary(r) if r.contains("451 4.3.0"))
        );
        // 421: the server is closing the channel, not refusing this message.
        assert!(matches!(reply(421, None), SendError::Unavailable(r) if r.contains("status 421")));
        assert!(
            matches!(reply(550, Some("5.1.1")), SendError::Permanent(r) if r.contains("550 5.1.1"))
        );
        assert!(matches!(reply(554, Some("5.6.0")), SendError::Permanent(_)));
        assert!(matches!(reply(552, None), SendError::Permanent(_)));
    }

    #[test]
    fn a_refusal_of_the_setup_makes_the_channel_unavailable_so_the_outbox_waits_for_a_fix() {
        for (code, enhanced) in [
            (535, Some("5.7.8")),
            (530, None),
            (554, Some("5.7.8")),
            (553, Some("5.1.8")),
            (550, Some("5.1.7")),
        ] {
            let err = reply(code, enhanced);
            assert!(
                matches!(&err, SendError::Unavailable(r) if r.contains("ret ")),
                "{code} {enhanced:?}: {err:?}"
            );
        }
    }

    #[test]
    fn a_server_that_cannot_be_reached_makes_the_channel_unavailable() {
        let t = Duration::from_secs(7);
        for f in [
            Failure::Timeout,
            Failure::Unreachable(Some(std::io::ErrorKind::ConnectionRefused)),
            Failure::Unreachable(None),
            Failure::Tls,
            Failure::Unsupported,
        ] {
            assert!(
                matches!(f.clone().into_send_error(t), SendError::Unavailable(_)),
                "{f:?}"
            );
        }
        assert!(matches!(
            Failure::Protocol.into_send_error(t),
            SendError::Temporary(_)
        ));
        assert!(matches!(
            Failure::Timeout.into_send_error(t),
            SendError::Unavailable(r) if r.contains("7 sekunder")
        ));
        assert!(matches!(
            Failure::UnsupportedAddress.into_send_error(t),
            SendError::Permanent(_)
        ));
    }
}
