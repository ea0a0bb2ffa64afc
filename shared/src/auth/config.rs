//! What a verifier expects of a token: who issued it, for which app client, and of which kind.
//! Built once from configuration; the verifier compares every token against it.

use crate::config::{ConfigError, Env};
use std::fmt;

/// The Cognito user pool's issuer (`iss`), e.g.
/// `https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_AbC123`.
pub const ENV_ISSUER: &str = "COGNITO_ISSUER";
/// The app clients whose tokens are accepted: one id, or several separated by commas.
pub const ENV_CLIENT_ID: &str = "COGNITO_CLIENT_ID";
/// Where to fetch the signing keys: default `{issuer}/.well-known/jwks.json`.
pub const ENV_JWKS_URL: &str = "JWKS_URL";

/// The kind of Cognito token, from its `token_use` claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenUse {
    /// An access token: what an API must ask for. Its app client is in `client_id`.
    Access,
    /// An ID token: describes the user to the client app. Its app client is in `aud`.
    Id,
}

impl TokenUse {
    /// The value of the `token_use` claim.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenUse::Access => "access",
            TokenUse::Id => "id",
        }
    }
}

impl fmt::Display for TokenUse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The issuer, app client and token kind that a token must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthConfig {
    /// The exact `iss` value, e.g. `https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_AbC123`.
    pub issuer: String,
    /// The Cognito app clients whose tokens are accepted: the operator console's and, on a
    /// deployed stack, the smoke test's (`SmokeTestClient`, docs/operations.md). Never empty
    /// when read from configuration; empty, every token is refused.
    pub client_ids: Vec<String>,
    /// `Access` for the operator API: an ID token is refused there.
    pub expected_token_use: TokenUse,
}

impl AuthConfig {
    /// The configuration of an API that accepts access tokens (the operator API). `client_ids`
    /// is one app client id or several separated by commas, as `COGNITO_CLIENT_ID` holds them
    /// (spaces around each and empty entries are ignored).
    pub fn for_access_tokens(issuer: impl Into<String>, client_ids: &str) -> Self {
        Self {
            issuer: issuer.into(),
            client_ids: client_ids
                .split(',')
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .map(str::to_owned)
                .collect(),
            expected_token_use: TokenUse::Access,
        }
    }

    /// Whether a token's app client is one of ours.
    pub fn accepts_client(&self, client_id: &str) -> bool {
        self.client_ids.iter().any(|ours| ours == client_id)
    }

    /// Where an OpenID provider (Cognito included) publishes its signing keys.
    pub fn jwks_url(&self) -> String {
        format!(
            "{}/.well-known/jwks.json",
            self.issuer.trim_end_matches('/')
        )
    }
}

/// The Cognito settings of a function that verifies operators' access tokens (the operator
/// API's authorizer and report-intake), read once at start: `COGNITO_ISSUER` and
/// `COGNITO_CLIENT_ID` (required) and `JWKS_URL` (optional), and `TLS_ROOTS` for the fetch
/// of the signing keys ([`crate::tls`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInConfig {
    pub auth: AuthConfig,
    /// Where to fetch the JWKS; `None` means `{issuer}/.well-known/jwks.json`.
    pub jwks_url: Option<String>,
    /// The authorities the JWKS fetch trusts.
    pub roots: crate::tls::TrustedRoots,
}

impl SignInConfig {
    /// Reads the Cognito variables through `env`.
    pub fn read(env: Env<'_>) -> Result<Self, ConfigError> {
        let issuer = env.required(ENV_ISSUER)?;
        let client_ids = env.required(ENV_CLIENT_ID)?;
        Ok(Self {
            auth: AuthConfig::for_access_tokens(issuer, &client_ids),
            jwks_url: env.get(ENV_JWKS_URL),
            roots: crate::tls::TrustedRoots::from_env(&env)?,
        })
    }

    /// Reads the Cognito variables through `lookup` (a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Self::read(Env::from_lookup(&lookup))
    }

    /// Reads the Cognito variables of the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::read(Env::process())
    }

    /// Fetches the issuer's signing keys and builds the verifier. Call once, at start.
    #[cfg(feature = "jwks-fetch")]
    pub async fn verifier(self) -> Result<super::TokenVerifier, super::JwksError> {
        super::TokenVerifier::fetch(self.auth, self.jwks_url.as_deref(), self.roots).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tls::TrustedRoots;

    #[test]
    fn the_jwks_url_is_under_the_issuer_well_known_path() {
        let config = AuthConfig::for_access_tokens(
            "https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_AbC123",
            "client",
        );
        assert_eq!(
            config.jwks_url(),
            "https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_AbC123/.well-known/jwks.json"
        );
    }

    #[test]
    fn several_app_clients_are_read_from_one_comma_separated_value() {
        let config = AuthConfig::for_access_tokens("https://issuer", "console, smoke,,");
        assert_eq!(config.client_ids, ["console", "smoke"]);
        assert!(config.accepts_client("console") && config.accepts_client("smoke"));
        assert!(!config.accepts_client("console, smoke") && !config.accepts_client(""));
        assert!(AuthConfig::for_access_tokens("https://issuer", "one").accepts_client("one"));
    }

    #[test]
    fn no_app_client_accepts_no_token() {
        let config = AuthConfig::for_access_tokens("https://issuer", " , ");
        assert!(config.client_ids.is_empty());
        assert!(!config.accepts_client(""));
    }

    fn read(vars: &[(&str, &str)]) -> Result<SignInConfig, ConfigError> {
        let lookup = |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        };
        SignInConfig::from_lookup(lookup)
    }

    #[test]
    fn sign_in_reads_the_cognito_variables_and_names_what_is_missing() {
        let config = read(&[
            (ENV_ISSUER, "https://issuer"),
            (ENV_CLIENT_ID, "client123,smoke456"),
        ])
        .expect("complete configuration");
        assert_eq!(config.auth.client_ids, ["client123", "smoke456"]);
        assert_eq!(config.auth.expected_token_use, TokenUse::Access);
        assert_eq!(config.jwks_url, None);
        assert_eq!(
            read(&[(ENV_CLIENT_ID, "c")]),
            Err(ConfigError::Missing(ENV_ISSUER))
        );
        assert_eq!(
            read(&[(ENV_ISSUER, "https://issuer"), (ENV_CLIENT_ID, " ")]),
            Err(ConfigError::Missing(ENV_CLIENT_ID))
        );
        let explicit = read(&[
            (ENV_ISSUER, "https://issuer"),
            (ENV_CLIENT_ID, "c"),
            (ENV_JWKS_URL, "http://127.0.0.1:9000/jwks.json"),
        ]);
        assert_eq!(
            explicit.map(|c| c.jwks_url),
            Ok(Some("http://127.0.0.1:9000/jwks.json".to_owned()))
        );
    }

    #[test]
    fn the_signing_keys_fetch_trusts_what_tls_roots_chooses() {
        let base = [(ENV_ISSUER, "https://issuer"), (ENV_CLIENT_ID, "c")];
        let with = |roots: &'static str| {
            let mut vars = base.to_vec();
            vars.push((crate::tls::TLS_ROOTS, roots));
            read(&vars)
        };
        assert_eq!(read(&base).unwrap().roots, TrustedRoots::Amazon);
        assert_eq!(with("system").unwrap().roots, TrustedRoots::System);
        assert!(matches!(
            with("everything"),
            Err(ConfigError::Invalid {
                var: crate::tls::TLS_ROOTS,
                ..
            })
        ));
    }

    #[test]
    fn a_trailing_slash_on_the_issuer_does_not_double_in_the_jwks_url() {
        let config = AuthConfig::for_access_tokens("http://127.0.0.1:8080/idp/", "client");
        assert_eq!(
            config.jwks_url(),
            "http://127.0.0.1:8080/idp/.well-known/jwks.json"
        );
    }
}
