//! Why an OpenID Connect login was refused, and what the person is told (in Danish). A refused
//! login starts no session. The log gets [`LoginRefused::code`] only: no claim, token or code.

use axum::http::StatusCode;

/// A refused login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginRefused {
    /// The provider ended the login with an error (the person cancelled, or is unknown there).
    ProviderRefused,
    /// The answer matches no login started in this browser: its `state` was changed, the login
    /// was already completed (a replayed answer), it is older than ten minutes, or it was
    /// started in another browser.
    NoPendingLogin,
    /// The answer names another issuer than the provider the login was started with (a mix-up).
    WrongIssuer,
    /// The provider refused the code (used before, or expired).
    CodeRefused,
    /// The provider answered without an ID token.
    NoIdToken,
    /// The ID token's nonce is not the login's.
    WrongNonce,
    /// The ID token has expired.
    Expired,
    /// The ID token was issued to another service.
    WrongAudience,
    /// The ID token's signature or issuer does not hold.
    InvalidToken,
    /// The citizens' provider sent no valid CPR number.
    NoCpr,
    /// The staff member has no role in Valghalla.
    NoStaffRole,
    /// The provider could not be reached.
    Unavailable,
}

impl LoginRefused {
    /// A short name for the log.
    pub fn code(self) -> &'static str {
        match self {
            LoginRefused::ProviderRefused => "provider_refused",
            LoginRefused::NoPendingLogin => "no_pending_login",
            LoginRefused::WrongIssuer => "wrong_issuer",
            LoginRefused::CodeRefused => "code_refused",
            LoginRefused::NoIdToken => "no_id_token",
            LoginRefused::WrongNonce => "wrong_nonce",
            LoginRefused::Expired => "expired",
            LoginRefused::WrongAudience => "wrong_audience",
            LoginRefused::InvalidToken => "invalid_token",
            LoginRefused::NoCpr => "no_cpr",
            LoginRefused::NoStaffRole => "no_staff_role",
            LoginRefused::Unavailable => "unavailable",
        }
    }

    /// The response status.
    pub fn status(self) -> StatusCode {
        match self {
            LoginRefused::NoStaffRole => StatusCode::FORBIDDEN,
            LoginRefused::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    /// The page's heading.
    pub fn heading(self) -> &'static str {
        match self {
            LoginRefused::NoStaffRole => "Du har ikke adgang",
            LoginRefused::Unavailable => "Login er ikke tilgængeligt lige nu",
            LoginRefused::ProviderRefused => "Login blev afbrudt",
            _ => "Login kunne ikke gennemføres",
        }
    }

    /// What happened and what to do.
    pub fn message(self) -> &'static str {
        match self {
            LoginRefused::ProviderRefused => {
                "Login-tjenesten afbrød login, eller den kender dig ikke. Du er ikke logget ind. Prøv igen, eller kontakt valgsekretariatet."
            }
            LoginRefused::NoPendingLogin => {
                "Svaret fra login-tjenesten passer ikke til et login, der er startet i denne browser: det er allerede brugt, ændret undervejs eller mere end 10 minutter gammelt. Du er ikke logget ind. Start forfra."
            }
            LoginRefused::WrongIssuer => {
                "Svaret kom fra en anden login-tjeneste end den, login blev startet hos. Du er ikke logget ind. Start forfra."
            }
            LoginRefused::CodeRefused => {
                "Login-tjenesten godkendte ikke login-koden: den er allerede brugt eller udløbet. Du er ikke logget ind. Start forfra."
            }
            LoginRefused::NoIdToken | LoginRefused::InvalidToken => {
                "Login-beviset fra login-tjenesten kunne ikke godkendes. Du er ikke logget ind. Start forfra; sker det igen, så kontakt valgsekretariatet."
            }
            LoginRefused::WrongNonce => {
                "Login-beviset hører til et andet login end dette (engangskoden passer ikke). Du er ikke logget ind. Start forfra."
            }
            LoginRefused::Expired => {
                "Login-beviset var udløbet, da det nåede frem. Du er ikke logget ind. Start forfra."
            }
            LoginRefused::WrongAudience => {
                "Login-beviset er udstedt til en anden tjeneste end Valghalla. Du er ikke logget ind. Start forfra."
            }
            LoginRefused::NoCpr => {
                "Login-tjenesten sendte ikke et gyldigt CPR-nummer, så Valghalla kan ikke se, hvem du er. Du er ikke logget ind. Kontakt valgsekretariatet."
            }
            LoginRefused::NoStaffRole => {
                "Din bruger har ikke en rolle i Valghalla. Bed valgsekretariatet om at give dig adgang."
            }
            LoginRefused::Unavailable => {
                "Valghalla kunne ikke få forbindelse til login-tjenesten. Du er ikke logget ind. Prøv igen om lidt."
            }
        }
    }
}
