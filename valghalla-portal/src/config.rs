//! The portal's configuration: sessions, login limits, request limits and the job schedule.
//! Every field has a default a municipality can run with; the binary sets them from flags.

use std::time::Duration;

use chrono::NaiveTime;
use valghalla_core::jobs::JobsConfig;
use valghalla_core::service::DispatchConfig;

/// How the portal behaves, apart from where its data lives.
#[derive(Debug, Clone)]
pub struct PortalConfig {
    /// The public base URL (`https://valg.korsbaek.dk`): links in messages start with it, and
    /// the session cookie is `Secure` when it is https.
    pub public_base_url: String,
    /// Sessions.
    pub sessions: SessionConfig,
    /// Login attempts.
    pub login_limits: LoginLimits,
    /// The largest request body accepted (forms and uploads), in bytes.
    pub max_body_bytes: usize,
    /// The background jobs and the outbox.
    pub schedule: ScheduleConfig,
}

impl Default for PortalConfig {
    fn default() -> Self {
        PortalConfig {
            public_base_url: "http://127.0.0.1:8080".into(),
            sessions: SessionConfig::default(),
            login_limits: LoginLimits::default(),
            max_body_bytes: 1 << 20,
            schedule: ScheduleConfig::default(),
        }
    }
}

impl PortalConfig {
    /// Whether the portal is reached over https (the cookies are then `Secure`).
    pub fn is_https(&self) -> bool {
        self.public_base_url
            .get(..8)
            .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
    }
}

/// The host name of a base URL (`https://valg.korsbaek.dk:8443/x` → `valg.korsbaek.dk`): the
/// domain of calendar UIDs.
pub fn host_of(base_url: &str) -> &str {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    match authority.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => authority,
    }
}

/// How long a login lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionConfig {
    /// A session ends after this long without a request.
    pub idle_timeout: Duration,
    /// A session ends this long after login, however active.
    pub absolute_lifetime: Duration,
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig {
            idle_timeout: Duration::from_secs(60 * 60),
            absolute_lifetime: Duration::from_secs(12 * 60 * 60),
        }
    }
}

/// How many login attempts are allowed, per client address and per identity: a burst, then one
/// more every `per_address_every` / `per_identity_every`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginLimits {
    /// Attempts one address may make at once.
    pub per_address_burst: u32,
    /// After the burst, one more attempt per address this often.
    pub per_address_every: Duration,
    /// Attempts for one identity at once.
    pub per_identity_burst: u32,
    /// After the burst, one more attempt per identity this often.
    pub per_identity_every: Duration,
}

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits {
            per_address_burst: 30,
            per_address_every: Duration::from_secs(2),
            per_identity_burst: 5,
            per_identity_every: Duration::from_secs(20),
        }
    }
}

/// When the scheduler runs what.
#[derive(Debug, Clone)]
pub struct ScheduleConfig {
    /// Whether the host runs the scheduler at all (an embedding host may run its own).
    pub enabled: bool,
    /// The outbox is drained this often.
    pub dispatch_every: Duration,
    /// The daily jobs (reminders, CPR re-sync, deactivation, retention) run at this local time
    /// (Europe/Copenhagen).
    pub daily_at: NaiveTime,
    /// Expired sessions are deleted this often.
    pub session_cleanup_every: Duration,
    /// The jobs' settings.
    pub jobs: JobsConfig,
    /// The dispatcher's retry settings.
    pub dispatch: DispatchConfig,
}

impl Default for ScheduleConfig {
    fn default() -> Self {
        ScheduleConfig {
            enabled: true,
            dispatch_every: Duration::from_secs(5),
            daily_at: NaiveTime::from_hms_opt(6, 0, 0).unwrap_or_default(),
            session_cleanup_every: Duration::from_secs(15 * 60),
            jobs: JobsConfig::default(),
            dispatch: DispatchConfig::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::host_of;

    #[test]
    fn the_host_of_a_base_url_is_without_scheme_port_and_path() {
        assert_eq!(
            host_of("https://valg.korsbaek.dk:8443/x"),
            "valg.korsbaek.dk"
        );
        assert_eq!(host_of("http://127.0.0.1:8080"), "127.0.0.1");
        assert_eq!(host_of("valg.korsbaek.dk"), "valg.korsbaek.dk");
    }
}
