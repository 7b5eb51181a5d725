//! Login attempts, limited per client address and per identity (`governor`'s keyed
//! generic cell rate algorithm: a burst, then a steady rate).

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::{DefaultKeyedRateLimiter, Quota};

use crate::config::LoginLimits;

/// The client's address, when the server was started with `ConnectInfo` (it always is by
/// [`crate::serve`]; a host mounting the router without it limits per identity only).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub Option<IpAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

/// The login limiters.
pub struct LoginLimiter {
    by_address: DefaultKeyedRateLimiter<IpAddr>,
    by_identity: DefaultKeyedRateLimiter<String>,
}

fn quota(burst: u32, every: std::time::Duration) -> Quota {
    let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(every.max(std::time::Duration::from_millis(1)))
        .unwrap_or_else(|| Quota::per_second(burst))
        .allow_burst(burst)
}

impl LoginLimiter {
    /// Limiters for `limits`.
    pub fn new(limits: &LoginLimits) -> Self {
        LoginLimiter {
            by_address: DefaultKeyedRateLimiter::keyed(quota(
                limits.per_address_burst,
                limits.per_address_every,
            )),
            by_identity: DefaultKeyedRateLimiter::keyed(quota(
                limits.per_identity_burst,
                limits.per_identity_every,
            )),
        }
    }

    /// Whether one more attempt from `address` for `identity` is allowed now (and counts it).
    pub fn allow(&self, address: Option<IpAddr>, identity: &str) -> bool {
        let address_ok = address.is_none_or(|a| self.by_address.check_key(&a).is_ok());
        let identity_ok =
            identity.is_empty() || self.by_identity.check_key(&identity.to_owned()).is_ok();
        address_ok && identity_ok
    }

    /// Forgets addresses and identities whose limit has recovered (so the maps stay small).
    pub fn forget_recovered(&self) {
        self.by_address.retain_recent();
        self.by_identity.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_burst_is_allowed_then_refused_per_address_and_per_identity() {
        let l = LoginLimiter::new(&LoginLimits {
            per_address_burst: 3,
            per_address_every: Duration::from_secs(3600),
            per_identity_burst: 2,
            per_identity_every: Duration::from_secs(3600),
        });
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        assert!(l.allow(Some(a), "x"));
        assert!(l.allow(Some(a), "x"));
        assert!(
            !l.allow(Some(b), "x"),
            "x is out of attempts, whatever the address"
        );
        assert!(l.allow(Some(a), "z"));
        assert!(
            !l.allow(Some(a), "w"),
            "a is out of attempts, whatever the identity"
        );
    }
}
