//! What the OpenID Connect login is configured with: one provider for citizens and one for
//! staff, each from flags or environment variables ([`OidcOptions`], flattened into the host's
//! options) or built in code ([`OidcSettings`]). Client secrets are [`Secret`]s: never shown
//! by `Debug`, never in an error.

use std::path::PathBuf;

/// A client secret: its `Debug` and `Display` say `[hemmelig]`, so it cannot reach a log.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// A secret holding `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for the token request.
    pub fn reveal(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[hemmelig]")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[hemmelig]")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_owned()))
    }
}

/// One OpenID provider as a client of it: where it is and who the portal is to it.
#[derive(Debug, Clone)]
pub struct ProviderSettings {
    /// The issuer URL; discovery is at `<issuer>/.well-known/openid-configuration`.
    pub issuer: String,
    /// The portal's client id at the provider.
    pub client_id: String,
    /// The portal's client secret at the provider (`client_secret_basic`).
    pub client_secret: Secret,
    /// Scopes asked for besides `openid` (e.g. `profile`, the broker's CPR scope).
    pub scopes: Vec<String>,
}

/// The citizens' provider: MitID through a broker, which supplies the CPR number.
#[derive(Debug, Clone)]
pub struct CitizenSettings {
    /// The provider.
    pub provider: ProviderSettings,
    /// The ID-token claim that carries the CPR number (ten digits, a dash allowed).
    pub cpr_claim: String,
}

/// The staff's provider: the municipality's directory. A claim (or group) maps to a
/// secretariat role; party secretaries and station responsibles log in as citizens.
#[derive(Debug, Clone)]
pub struct StaffSettings {
    /// The provider.
    pub provider: ProviderSettings,
    /// The ID-token claim holding the user's groups or roles (a string or a list of strings).
    pub role_claim: String,
    /// Values of the role claim that make a secretariat administrator.
    pub admin_values: Vec<String>,
    /// Values of the role claim that make a secretariat reader (administrator wins).
    pub reader_values: Vec<String>,
}

/// The OpenID Connect login: a provider for citizens, one for staff, or both.
#[derive(Debug, Clone, Default)]
pub struct OidcSettings {
    /// Citizens (MitID through a broker).
    pub citizen: Option<CitizenSettings>,
    /// Staff (the municipality's directory).
    pub staff: Option<StaffSettings>,
}

/// The default CPR claim: the one NemLog-in and the MitID brokers use.
pub const DEFAULT_CPR_CLAIM: &str = "https://data.gov.dk/model/core/eid/cprNumber";

/// The OpenID Connect options of the host (`valghalla-portal --help`): each a flag and an
/// environment variable. A provider is configured when its issuer is given.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct OidcOptions {
    /// Citizens' OpenID provider (MitID through a broker): its issuer URL.
    #[arg(long, env = "VALGHALLA_OIDC_CITIZEN_ISSUER", value_name = "URL")]
    pub oidc_citizen_issuer: Option<String>,
    /// The portal's client id at the citizens' provider.
    #[arg(long, env = "VALGHALLA_OIDC_CITIZEN_CLIENT_ID")]
    pub oidc_citizen_client_id: Option<String>,
    /// The portal's client secret at the citizens' provider (prefer the _FILE variant).
    #[arg(
        long,
        env = "VALGHALLA_OIDC_CITIZEN_CLIENT_SECRET",
        hide_env_values = true
    )]
    pub oidc_citizen_client_secret: Option<Secret>,
    /// A file holding the client secret at the citizens' provider.
    #[arg(
        long,
        env = "VALGHALLA_OIDC_CITIZEN_CLIENT_SECRET_FILE",
        value_name = "FILE"
    )]
    pub oidc_citizen_client_secret_file: Option<PathBuf>,
    /// Scopes asked of the citizens' provider besides `openid`, space-separated (include the
    /// broker's CPR scope).
    #[arg(
        long,
        env = "VALGHALLA_OIDC_CITIZEN_SCOPES",
        default_value = "profile",
        value_name = "SCOPES"
    )]
    pub oidc_citizen_scopes: String,
    /// The ID-token claim carrying the citizen's CPR number.
    #[arg(long, env = "VALGHALLA_OIDC_CITIZEN_CPR_CLAIM", default_value = DEFAULT_CPR_CLAIM)]
    pub oidc_citizen_cpr_claim: String,
    /// Staff's OpenID provider (the municipality's directory): its issuer URL.
    #[arg(long, env = "VALGHALLA_OIDC_STAFF_ISSUER", value_name = "URL")]
    pub oidc_staff_issuer: Option<String>,
    /// The portal's client id at the staff's provider.
    #[arg(long, env = "VALGHALLA_OIDC_STAFF_CLIENT_ID")]
    pub oidc_staff_client_id: Option<String>,
    /// The portal's client secret at the staff's provider (prefer the _FILE variant).
    #[arg(
        long,
        env = "VALGHALLA_OIDC_STAFF_CLIENT_SECRET",
        hide_env_values = true
    )]
    pub oidc_staff_client_secret: Option<Secret>,
    /// A file holding the client secret at the staff's provider.
    #[arg(
        long,
        env = "VALGHALLA_OIDC_STAFF_CLIENT_SECRET_FILE",
        value_name = "FILE"
    )]
    pub oidc_staff_client_secret_file: Option<PathBuf>,
    /// Scopes asked of the staff's provider besides `openid`, space-separated.
    #[arg(
        long,
        env = "VALGHALLA_OIDC_STAFF_SCOPES",
        default_value = "profile email",
        value_name = "SCOPES"
    )]
    pub oidc_staff_scopes: String,
    /// The ID-token claim holding a staff member's groups or roles.
    #[arg(
        long,
        env = "VALGHALLA_OIDC_STAFF_ROLE_CLAIM",
        default_value = "groups"
    )]
    pub oidc_staff_role_claim: String,
    /// Values of the role claim that make a secretariat administrator, comma-separated.
    #[arg(
        long,
        env = "VALGHALLA_OIDC_STAFF_ADMIN_VALUES",
        value_delimiter = ',',
        value_name = "VALUES"
    )]
    pub oidc_staff_admin_values: Vec<String>,
    /// Values of the role claim that make a secretariat reader, comma-separated.
    #[arg(
        long,
        env = "VALGHALLA_OIDC_STAFF_READER_VALUES",
        value_delimiter = ',',
        value_name = "VALUES"
    )]
    pub oidc_staff_reader_values: Vec<String>,
}

/// Why the OpenID Connect options cannot be used (names the flag, never a secret).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SettingsError(pub String);

fn words(s: &str) -> Vec<String> {
    s.split([' ', ','])
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

fn values(list: &[String]) -> Vec<String> {
    list.iter()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect()
}

/// The secret from the flag or from the file (trailing newline dropped); exactly one.
fn secret(
    kind: &str,
    value: Option<&Secret>,
    file: Option<&PathBuf>,
) -> Result<Secret, SettingsError> {
    match (value, file) {
        (Some(_), Some(_)) => Err(SettingsError(format!(
            "give --oidc-{kind}-client-secret or --oidc-{kind}-client-secret-file, not both"
        ))),
        (Some(s), None) => Ok(s.clone()),
        (None, Some(path)) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                SettingsError(format!(
                    "--oidc-{kind}-client-secret-file {}: {e}",
                    path.display()
                ))
            })?;
            let text = text.trim_end_matches(['\r', '\n']);
            if text.is_empty() {
                return Err(SettingsError(format!(
                    "--oidc-{kind}-client-secret-file {} is empty",
                    path.display()
                )));
            }
            Ok(Secret::new(text))
        }
        (None, None) => Err(SettingsError(format!(
            "--oidc-{kind}-issuer needs --oidc-{kind}-client-secret or --oidc-{kind}-client-secret-file"
        ))),
    }
}

fn provider(
    kind: &str,
    issuer: &str,
    client_id: Option<&String>,
    value: Option<&Secret>,
    file: Option<&PathBuf>,
    scopes: &str,
) -> Result<ProviderSettings, SettingsError> {
    let client_id = client_id
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .ok_or_else(|| {
            SettingsError(format!(
                "--oidc-{kind}-issuer needs --oidc-{kind}-client-id"
            ))
        })?;
    Ok(ProviderSettings {
        issuer: issuer.trim().to_owned(),
        client_id,
        client_secret: secret(kind, value, file)?,
        scopes: words(scopes),
    })
}

impl OidcOptions {
    /// The settings these options give: `None` when no provider's issuer is given.
    pub fn settings(&self) -> Result<Option<OidcSettings>, SettingsError> {
        let citizen = match &self.oidc_citizen_issuer {
            None => None,
            Some(issuer) => {
                let cpr_claim = self.oidc_citizen_cpr_claim.trim().to_owned();
                if cpr_claim.is_empty() {
                    return Err(SettingsError(
                        "--oidc-citizen-cpr-claim must name a claim".into(),
                    ));
                }
                Some(CitizenSettings {
                    provider: provider(
                        "citizen",
                        issuer,
                        self.oidc_citizen_client_id.as_ref(),
                        self.oidc_citizen_client_secret.as_ref(),
                        self.oidc_citizen_client_secret_file.as_ref(),
                        &self.oidc_citizen_scopes,
                    )?,
                    cpr_claim,
                })
            }
        };
        let staff = match &self.oidc_staff_issuer {
            None => None,
            Some(issuer) => {
                let admin_values = values(&self.oidc_staff_admin_values);
                let reader_values = values(&self.oidc_staff_reader_values);
                if admin_values.is_empty() && reader_values.is_empty() {
                    return Err(SettingsError(
                        "--oidc-staff-issuer needs --oidc-staff-admin-values or --oidc-staff-reader-values: otherwise nobody gets a role".into(),
                    ));
                }
                Some(StaffSettings {
                    provider: provider(
                        "staff",
                        issuer,
                        self.oidc_staff_client_id.as_ref(),
                        self.oidc_staff_client_secret.as_ref(),
                        self.oidc_staff_client_secret_file.as_ref(),
                        &self.oidc_staff_scopes,
                    )?,
                    role_claim: self.oidc_staff_role_claim.trim().to_owned(),
                    admin_values,
                    reader_values,
                })
            }
        };
        Ok((citizen.is_some() || staff.is_some()).then_some(OidcSettings { citizen, staff }))
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        oidc: OidcOptions,
    }

    fn parse(args: &[&str]) -> Result<Option<OidcSettings>, SettingsError> {
        let mut all = vec!["test"];
        all.extend_from_slice(args);
        Cli::try_parse_from(all)
            .map_err(|e| SettingsError(e.to_string()))?
            .oidc
            .settings()
    }

    #[test]
    fn no_issuer_means_no_oidc_login() {
        assert!(parse(&[]).unwrap_or_default().is_none());
    }

    #[test]
    fn a_secret_never_shows_in_debug_output() {
        let cli = Cli::try_parse_from([
            "test",
            "--oidc-citizen-issuer",
            "https://broker.example",
            "--oidc-citizen-client-id",
            "valg",
            "--oidc-citizen-client-secret",
            "s3cr3t-value",
        ]);
        let Ok(cli) = cli else {
            unreachable!("the flags parse")
        };
        let settings = cli.oidc.settings();
        assert!(!format!("{cli:?}").contains("s3cr3t"));
        assert!(!format!("{settings:?}").contains("s3cr3t"));
        let Ok(Some(s)) = settings else {
            unreachable!("complete settings")
        };
        let citizen = s
            .citizen
            .as_ref()
            .map(|c| c.provider.client_secret.reveal());
        assert_eq!(citizen, Some("s3cr3t-value"));
        assert_eq!(
            s.citizen.map(|c| (c.provider.scopes, c.cpr_claim)),
            Some((vec!["profile".to_owned()], DEFAULT_CPR_CLAIM.to_owned()))
        );
    }

    #[test]
    fn the_secret_file_is_read_without_its_newline() {
        let dir = std::env::temp_dir().join(format!("vh-oidc-secret-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let file = dir.join("secret");
        let _ = std::fs::write(&file, "from-a-file\n");
        let path = file.display().to_string();
        let parsed = parse(&[
            "--oidc-staff-issuer",
            "https://ad.example",
            "--oidc-staff-client-id",
            "valg",
            "--oidc-staff-client-secret-file",
            &path,
            "--oidc-staff-admin-values",
            "valg-admin, valg-chefer",
        ]);
        let _ = std::fs::remove_dir_all(&dir);
        let Ok(Some(s)) = parsed else {
            unreachable!("complete settings: {parsed:?}")
        };
        let staff = s.staff.as_ref();
        assert_eq!(
            staff.map(|s| s.provider.client_secret.reveal()),
            Some("from-a-file")
        );
        assert_eq!(
            staff.map(|s| s.admin_values.clone()),
            Some(vec!["valg-admin".to_owned(), "valg-chefer".to_owned()])
        );
    }

    #[test]
    fn an_incomplete_provider_names_the_missing_flag() {
        let e = parse(&["--oidc-citizen-issuer", "https://broker.example"]);
        assert_eq!(
            e.err().map(|e| e.0),
            Some("--oidc-citizen-issuer needs --oidc-citizen-client-id".into())
        );
        let e = parse(&[
            "--oidc-staff-issuer",
            "https://ad.example",
            "--oidc-staff-client-id",
            "valg",
            "--oidc-staff-client-secret",
            "x",
        ]);
        assert!(e.is_err_and(|e| e.0.contains("--oidc-staff-admin-values")));
        let e = parse(&[
            "--oidc-citizen-issuer",
            "https://broker.example",
            "--oidc-citizen-client-id",
            "valg",
        ]);
        assert!(e.is_err_and(|e| e.0.contains("--oidc-citizen-client-secret")));
    }
}
