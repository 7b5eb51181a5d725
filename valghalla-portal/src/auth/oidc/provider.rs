//! One OpenID provider as the portal uses it: discovery (kept an hour, tried again when it
//! failed), the authorization request (code flow, PKCE S256, `state`, `nonce`), and the answer:
//! the code exchanged with the verifier and the ID token checked — signature, issuer, audience,
//! expiry, nonce — by `openidconnect`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType,
    CoreGenderClaim, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreRevocableToken, CoreRevocationErrorResponse, CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken,
    EmptyExtraTokenFields, EndSessionUrl, EndpointMaybeSet, EndpointNotSet, EndpointSet,
    IdTokenFields, IssuerUrl, LanguageTag, LogoutRequest, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, PostLogoutRedirectUrl, ProviderMetadataWithLogout, RedirectUrl,
    RequestTokenError, Scope, StandardErrorResponse, StandardTokenResponse,
};
use tokio::sync::RwLock;

use super::claims::{Claims, ExtraClaims};
use super::kind::Kind;
use super::pending::PendingLogin;
use super::refusal::LoginRefused;
use super::settings::ProviderSettings;

type Tokens = StandardTokenResponse<
    IdTokenFields<
        ExtraClaims,
        EmptyExtraTokenFields,
        CoreGenderClaim,
        CoreJweContentEncryptionAlgorithm,
        CoreJwsSigningAlgorithm,
    >,
    CoreTokenType,
>;

type OidcClient = openidconnect::Client<
    ExtraClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    Tokens,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// The HTTP client for the providers: no redirects (they would open the portal to SSRF),
/// short timeouts.
pub type Http = openidconnect::reqwest::Client;

/// The client for talking to providers.
pub fn http_client() -> Result<Http, openidconnect::reqwest::Error> {
    openidconnect::reqwest::Client::builder()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(15))
        .build()
}

/// What discovery found.
struct Discovered {
    at: Instant,
    client: Arc<OidcClient>,
    end_session: Option<EndSessionUrl>,
}

/// One provider, as a client of it.
pub struct Provider {
    kind: Kind,
    settings: ProviderSettings,
    issuer: IssuerUrl,
    redirect: RedirectUrl,
    discovered: RwLock<Option<Discovered>>,
}

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("kind", &self.kind)
            .field("issuer", &self.settings.issuer)
            .field("client_id", &self.settings.client_id)
            .finish_non_exhaustive()
    }
}

/// Why a provider's settings cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ProviderError(pub String);

impl Provider {
    /// How long discovery's answer (endpoints, signing keys) is kept.
    const REDISCOVER_AFTER: Duration = Duration::from_secs(60 * 60);

    /// A client of the provider of `settings`, its answers coming back to `redirect`.
    pub fn new(
        kind: Kind,
        settings: ProviderSettings,
        redirect: String,
    ) -> Result<Self, ProviderError> {
        let issuer = IssuerUrl::new(settings.issuer.clone())
            .map_err(|e| ProviderError(format!("issuer {}: {e}", settings.issuer)))?;
        let redirect = RedirectUrl::new(redirect.clone())
            .map_err(|e| ProviderError(format!("redirect URL {redirect}: {e}")))?;
        Ok(Provider {
            kind,
            settings,
            issuer,
            redirect,
            discovered: RwLock::new(None),
        })
    }

    /// Discovers the provider (again, when the last answer is old or it failed).
    pub async fn discover(&self, http: &Http) -> Result<(), LoginRefused> {
        self.current(http).await.map(|_| ())
    }

    async fn current(
        &self,
        http: &Http,
    ) -> Result<(Arc<OidcClient>, Option<EndSessionUrl>), LoginRefused> {
        if let Some(d) = self.discovered.read().await.as_ref()
            && d.at.elapsed() < Self::REDISCOVER_AFTER
        {
            return Ok((d.client.clone(), d.end_session.clone()));
        }
        let mut slot = self.discovered.write().await;
        if let Some(d) = slot.as_ref()
            && d.at.elapsed() < Self::REDISCOVER_AFTER
        {
            return Ok((d.client.clone(), d.end_session.clone()));
        }
        match ProviderMetadataWithLogout::discover_async(self.issuer.clone(), http).await {
            Ok(metadata) => {
                let end_session = metadata.additional_metadata().end_session_endpoint.clone();
                let client = OidcClient::from_provider_metadata(
                    metadata,
                    ClientId::new(self.settings.client_id.clone()),
                    Some(ClientSecret::new(
                        self.settings.client_secret.reveal().to_owned(),
                    )),
                )
                .set_redirect_uri(self.redirect.clone());
                let client = Arc::new(client);
                *slot = Some(Discovered {
                    at: Instant::now(),
                    client: client.clone(),
                    end_session: end_session.clone(),
                });
                Ok((client, end_session))
            }
            Err(e) => {
                tracing::warn!(provider = self.kind.path(), error = %e, "OpenID provider discovery failed");
                // An older answer still serves while the provider cannot be asked.
                match slot.as_ref() {
                    Some(d) => Ok((d.client.clone(), d.end_session.clone())),
                    None => Err(LoginRefused::Unavailable),
                }
            }
        }
    }

    /// Starts a login: the provider's authorization URL and what the answer is checked against.
    pub async fn begin(
        &self,
        http: &Http,
        next: String,
        now: i64,
    ) -> Result<(String, PendingLogin), LoginRefused> {
        let (client, _) = self.current(http).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge)
            .add_ui_locale(LanguageTag::new("da".into()));
        for scope in &self.settings.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.url();
        let pending = PendingLogin {
            kind: self.kind,
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            verifier: verifier.secret().clone(),
            next,
            started: now,
        };
        Ok((url.to_string(), pending))
    }

    /// Completes a login from the provider's answer (`code`, and `iss` when the provider sends
    /// it): the claims of its verified ID token.
    pub async fn finish(
        &self,
        http: &Http,
        pending: PendingLogin,
        code: &str,
        iss: Option<&str>,
    ) -> Result<Claims, LoginRefused> {
        if iss.is_some_and(|iss| iss != self.issuer.as_str()) {
            return Err(LoginRefused::WrongIssuer);
        }
        let (client, _) = self.current(http).await?;
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|_| LoginRefused::Unavailable)?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier))
            .request_async(http)
            .await
            .map_err(|e| match e {
                RequestTokenError::ServerResponse(_) => LoginRefused::CodeRefused,
                _ => LoginRefused::Unavailable,
            })?;
        let id_token = tokens
            .extra_fields()
            .id_token()
            .ok_or(LoginRefused::NoIdToken)?;
        let verifier = client.id_token_verifier();
        let claims = id_token
            .claims(&verifier, &Nonce::new(pending.nonce))
            .map_err(|e| match e {
                ClaimsVerificationError::Expired(_) => LoginRefused::Expired,
                ClaimsVerificationError::InvalidAudience(_) => LoginRefused::WrongAudience,
                ClaimsVerificationError::InvalidNonce(_) => LoginRefused::WrongNonce,
                _ => LoginRefused::InvalidToken,
            })?;
        Ok(Claims::from_id_token(claims))
    }

    /// The provider's end-session URL for a login of this portal, coming back to
    /// `post_logout`. It names the client, not the person: an ID token as hint would put the
    /// claims (a CPR number) into a URL.
    pub async fn end_session_url(&self, post_logout: &str) -> Option<String> {
        let end = self.discovered.read().await.as_ref()?.end_session.clone()?;
        let mut request = LogoutRequest::from(end)
            .set_client_id(ClientId::new(self.settings.client_id.clone()))
            .set_state(CsrfToken::new_random());
        if let Ok(url) = PostLogoutRedirectUrl::new(post_logout.to_owned()) {
            request = request.set_post_logout_redirect_uri(url);
        }
        Some(request.http_get_url().to_string())
    }
}
