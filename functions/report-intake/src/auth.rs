//! Operator sign-in for the operator endpoints: a bearer token checked by an [`OperatorAuth`].
//! [`JwtOperatorAuth`] checks Cognito access tokens with `bluelamp::auth::TokenVerifier` (the
//! operator WebSocket API's authorizer does the same); [`DenyAllOperators`] keeps them closed.

use crate::config::ConfigError;
use async_trait::async_trait;
use bluelamp::auth::TokenVerifier;
use bluelamp::config::Env;
use bluelamp::domain::OperatorId;
use tracing::info;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Malformed, expired, wrongly signed, for another audience...: a 401.
    #[error("the token is not valid")]
    Invalid,
    /// A valid operator who may not work on reports: a 403.
    #[error("the operator may not work on reports")]
    Forbidden,
    /// The keys to check against could not be had: a 503, and nobody is let in.
    #[error("tokens cannot be verified now")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
}

#[async_trait]
pub trait OperatorAuth: Send + Sync {
    /// Checks the token from `Authorization: Bearer <token>` and names the operator.
    async fn verify(&self, bearer: &str) -> Result<OperatorId, AuthError>;
}

/// Refuses every token: the operator endpoints stay closed (fail closed).
#[derive(Debug, Clone, Copy, Default)]
pub struct DenyAllOperators;

#[async_trait]
impl OperatorAuth for DenyAllOperators {
    async fn verify(&self, _bearer: &str) -> Result<OperatorId, AuthError> {
        Err(AuthError::Invalid)
    }
}

pub use bluelamp::auth::{ENV_CLIENT_ID, ENV_ISSUER, ENV_JWKS_URL};
pub const ENV_OPERATOR_GROUP: &str = "REPORT_OPERATOR_GROUP";

/// Where operator tokens come from, read once at start: the Cognito settings as every function
/// that verifies operators reads them ([`bluelamp::auth::SignInConfig`]: `COGNITO_ISSUER`,
/// `COGNITO_CLIENT_ID`, `JWKS_URL`) and `REPORT_OPERATOR_GROUP` (when set, only members of
/// that Cognito group may work on reports).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInConfig {
    pub cognito: bluelamp::auth::SignInConfig,
    pub required_group: Option<String>,
}

impl SignInConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::read(Env::process())
    }

    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Self::read(Env::from_lookup(&lookup))
    }

    pub fn read(env: Env<'_>) -> Result<Self, ConfigError> {
        Ok(Self {
            cognito: bluelamp::auth::SignInConfig::read(env)?,
            required_group: env.get(ENV_OPERATOR_GROUP),
        })
    }
}

/// Operators signed in with the force's Cognito user pool: an RS256 access token for the
/// console's client, checked against the pool's keys (fail closed).
#[derive(Debug, Clone)]
pub struct JwtOperatorAuth {
    verifier: TokenVerifier,
    required_group: Option<String>,
}

impl JwtOperatorAuth {
    /// Any operator the verifier accepts may work on reports.
    pub fn new(verifier: TokenVerifier) -> Self {
        Self {
            verifier,
            required_group: None,
        }
    }

    /// Only members of `group` (`cognito:groups`) may; other operators get 403.
    pub fn requiring_group(mut self, group: Option<String>) -> Self {
        self.required_group = group;
        self
    }
}

#[async_trait]
impl OperatorAuth for JwtOperatorAuth {
    async fn verify(&self, bearer: &str) -> Result<OperatorId, AuthError> {
        let identity = self.verifier.verify(bearer).map_err(|e| {
            // The reason's code only: never the token or a claim.
            info!(reason = e.kind(), "operator token refused");
            AuthError::Invalid
        })?;
        match &self.required_group {
            Some(group) if !identity.groups.contains(group) => Err(AuthError::Forbidden),
            _ => Ok(identity.operator_id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bluelamp::auth::test_tokens::{
        access_claims, issuer_jwks_json, TestKey, CLIENT_ID, ISSUER,
    };
    use bluelamp::auth::AuthConfig;
    use std::collections::HashMap;

    fn auth() -> JwtOperatorAuth {
        let verifier = TokenVerifier::from_jwks_json(
            AuthConfig::for_access_tokens(ISSUER, CLIENT_ID),
            issuer_jwks_json().as_bytes(),
        )
        .unwrap();
        JwtOperatorAuth::new(verifier)
    }

    #[tokio::test]
    async fn a_valid_access_token_names_its_operator() {
        let token = TestKey::primary().sign(&access_claims());
        let op = auth().verify(&token).await.unwrap();
        assert_eq!(op.as_str(), access_claims()["sub"].as_str().unwrap());
    }

    #[tokio::test]
    async fn a_token_signed_by_another_key_is_invalid() {
        let key = TestKey::other();
        let token = key.sign_as(&TestKey::primary().kid, &access_claims());
        assert!(matches!(
            auth().verify(&token).await,
            Err(AuthError::Invalid)
        ));
        assert!(matches!(
            auth().verify("not-a-jwt").await,
            Err(AuthError::Invalid)
        ));
    }

    #[tokio::test]
    async fn an_operator_outside_the_required_group_is_forbidden() {
        let mut claims = access_claims();
        claims["cognito:groups"] = serde_json::json!(["chat"]);
        let token = TestKey::primary().sign(&claims);
        let only_assessors = auth().requiring_group(Some("assessors".to_owned()));
        assert!(matches!(
            only_assessors.verify(&token).await,
            Err(AuthError::Forbidden)
        ));
        claims["cognito:groups"] = serde_json::json!(["chat", "assessors"]);
        let token = TestKey::primary().sign(&claims);
        assert!(only_assessors.verify(&token).await.is_ok());
    }

    #[test]
    fn sign_in_needs_the_issuer_and_client_and_names_what_is_missing() {
        let env = |pairs: &[(&str, &str)]| {
            let map: HashMap<String, String> = pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            SignInConfig::from_lookup(move |k| map.get(k).cloned())
        };
        assert_eq!(
            env(&[(ENV_CLIENT_ID, "c")]),
            Err(ConfigError::Missing(ENV_ISSUER))
        );
        assert_eq!(
            env(&[(ENV_ISSUER, "https://issuer"), (ENV_CLIENT_ID, " ")]),
            Err(ConfigError::Missing(ENV_CLIENT_ID))
        );
        let c = env(&[(ENV_ISSUER, "https://issuer"), (ENV_CLIENT_ID, "c")]).unwrap();
        assert_eq!(c.cognito.jwks_url, None);
        assert_eq!(c.required_group, None);
    }
}
