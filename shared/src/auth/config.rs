//! What a verifier expects of a token: who issued it, for which app client, and of which kind.
//! Built once from configuration; the verifier compares every token against it.

use std::fmt;

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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn a_trailing_slash_on_the_issuer_does_not_double_in_the_jwks_url() {
        let config = AuthConfig::for_access_tokens("http://127.0.0.1:8080/idp/", "client");
        assert_eq!(
            config.jwks_url(),
            "http://127.0.0.1:8080/idp/.well-known/jwks.json"
        );
    }
}
