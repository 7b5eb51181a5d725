//! The message channels a host sends through, from its configuration: a mail folder (the file
//! channel: one file per message, named by its idempotency key — the demo's default) and/or an
//! SMTP server for e-mail.

use std::path::PathBuf;
use std::sync::Arc;

use valghalla::channels::FileSender;
use valghalla::core::messages::Channel;
use valghalla::core::service::{DispatchConfig, Dispatcher};

/// Where messages go.
#[derive(Debug, Clone, Default)]
pub struct ChannelConfig {
    /// Every message (Digital Post, e-mail, SMS) as a file in this folder.
    pub mail_dir: Option<PathBuf>,
    /// E-mail through this SMTP server: `smtp://[user:password@]host[:port]` (STARTTLS),
    /// `smtps://…` (TLS from the start) or `smtp://host[:port]?tls=none` (a relay on this host
    /// or a trusted network: no encryption, so no password).
    pub smtp: Option<String>,
    /// The e-mails' sender, e.g. `Korsbæk Kommune <valg@korsbaek.dk>`.
    pub mail_from: String,
}

/// Why the channels could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum ChannelError {
    /// The mail folder cannot be made.
    #[error("the mail folder {0} cannot be created: {1}")]
    MailDir(PathBuf, std::io::Error),
    /// The SMTP URL is not one.
    #[error(
        "--smtp wants smtp://[user:password@]host[:port], smtps://… or smtp://host[:port]?tls=none"
    )]
    SmtpUrl,
    /// The SMTP sender could not be set up.
    #[error("{0}")]
    Smtp(String),
    /// SMTP was asked for, but the portal was built without it.
    #[error("--smtp needs the smtp feature")]
    NoSmtp,
}

/// A dispatcher sending through the configured channels; `None` when none is configured
/// (the messages then wait in the outbox).
pub fn dispatcher(
    config: &ChannelConfig,
    dispatch: DispatchConfig,
) -> Result<Option<Dispatcher>, ChannelError> {
    let mut d = Dispatcher::new(dispatch);
    let mut any = false;
    if let Some(dir) = &config.mail_dir {
        for channel in [Channel::DigitalPost, Channel::Email, Channel::Sms] {
            let sender = FileSender::new(dir.clone(), channel)
                .map_err(|e| ChannelError::MailDir(dir.clone(), e))?;
            d = d.with_sender(Arc::new(sender));
        }
        any = true;
    }
    if let Some(url) = &config.smtp {
        d = d.with_sender(smtp_sender(url, &config.mail_from)?);
        any = true;
    }
    Ok(any.then_some(d))
}

#[cfg(feature = "smtp")]
fn smtp_sender(
    url: &str,
    from: &str,
) -> Result<Arc<dyn valghalla::core::messages::MessageSender>, ChannelError> {
    use valghalla::channels::smtp::{SmtpConfig, SmtpSecurity, SmtpSender};
    let parsed = parse_smtp_url(url).ok_or(ChannelError::SmtpUrl)?;
    let domain = from
        .rsplit_once('@')
        .map(|(_, d)| d.trim_end_matches('>').to_owned())
        .unwrap_or_else(|| parsed.host.clone());
    let mut config = SmtpConfig::new(parsed.host, from, domain);
    config.port = parsed.port;
    config.credentials = parsed.credentials;
    config.security = match parsed.tls {
        SmtpTls::StartTls => SmtpSecurity::StartTls,
        SmtpTls::Implicit => SmtpSecurity::ImplicitTls,
        SmtpTls::None => SmtpSecurity::Plain,
    };
    let sender = SmtpSender::new(&config).map_err(|e| ChannelError::Smtp(e.to_string()))?;
    Ok(Arc::new(sender))
}

#[cfg(not(feature = "smtp"))]
fn smtp_sender(
    _url: &str,
    _from: &str,
) -> Result<Arc<dyn valghalla::core::messages::MessageSender>, ChannelError> {
    Err(ChannelError::NoSmtp)
}

/// How an SMTP URL asks for the connection to be protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// `smtp://`: STARTTLS, required.
    StartTls,
    /// `smtps://`: TLS from the first byte.
    Implicit,
    /// `smtp://…?tls=none`: no encryption.
    None,
}

/// An SMTP URL's parts.
#[derive(Debug, PartialEq, Eq)]
pub struct SmtpUrl {
    /// Host name.
    pub host: String,
    /// Port, if given.
    pub port: Option<u16>,
    /// The connection's protection.
    pub tls: SmtpTls,
    /// User and password, if given (percent-decoded).
    pub credentials: Option<(String, String)>,
}

/// Parses `smtp://[user:password@]host[:port]`, `smtps://…` or `smtp://…?tls=none`.
pub fn parse_smtp_url(url: &str) -> Option<SmtpUrl> {
    let (implicit, rest) = if let Some(r) = url.strip_prefix("smtps://") {
        (true, r)
    } else {
        (false, url.strip_prefix("smtp://")?)
    };
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let tls = match (implicit, query) {
        (true, "") => SmtpTls::Implicit,
        (false, "") | (false, "tls=required") => SmtpTls::StartTls,
        (false, "tls=none") => SmtpTls::None,
        _ => return None,
    };
    let rest = rest.trim_end_matches('/');
    let (credentials, hostport) = match rest.rsplit_once('@') {
        Some((creds, hp)) => {
            let (user, password) = creds.split_once(':').unwrap_or((creds, ""));
            (Some((decode(user)?, decode(password)?)), hp)
        }
        None => (None, rest),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (h, Some(p.parse().ok()?)),
        None => (hostport, None),
    };
    if host.is_empty() || host.contains('/') {
        return None;
    }
    Some(SmtpUrl {
        host: host.to_owned(),
        port,
        tls,
        credentials,
    })
}

/// Percent-decodes a URL part.
fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_give_host_port_tls_and_credentials() {
        assert_eq!(
            parse_smtp_url("smtp://mail.korsbaek.dk:2525"),
            Some(SmtpUrl {
                host: "mail.korsbaek.dk".into(),
                port: Some(2525),
                tls: SmtpTls::StartTls,
                credentials: None
            })
        );
        assert_eq!(
            parse_smtp_url("smtp://127.0.0.1:2525?tls=none"),
            Some(SmtpUrl {
                host: "127.0.0.1".into(),
                port: Some(2525),
                tls: SmtpTls::None,
                credentials: None
            })
        );
        assert_eq!(parse_smtp_url("smtps://h?tls=none"), None);
        assert_eq!(parse_smtp_url("smtp://h?tls=maybe"), None);
        assert_eq!(
            parse_smtp_url("smtps://valg%40korsbaek.dk:p%3Ass@mail.korsbaek.dk"),
            Some(SmtpUrl {
                host: "mail.korsbaek.dk".into(),
                port: None,
                tls: SmtpTls::Implicit,
                credentials: Some(("valg@korsbaek.dk".into(), "p:ss".into()))
            })
        );
        assert_eq!(parse_smtp_url("http://x"), None);
        assert_eq!(parse_smtp_url("smtp://:25"), None);
        assert_eq!(parse_smtp_url("smtp://host:port"), None);
    }
}
