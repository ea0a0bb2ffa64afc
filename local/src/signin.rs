//! The local gateway's stand-in for the Cognito user pool: an RS256 key made at start, its JWKS,
//! and Cognito-shaped access tokens for operators, which the real verifier accepts.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use bluelamp::auth::{AuthConfig, JwksError, TokenVerifier, MAX_TOKEN_LIFETIME_SECS};
use bluelamp::domain::{OperatorId, ParseIdError};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde_json::json;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The app client id of the local operator console.
pub const LOCAL_CLIENT_ID: &str = "bluelamp-local-console";
/// Where, under the gateway's address, the local issuer lives; its JWKS is at
/// `{issuer}/.well-known/jwks.json`, as Cognito's is.
pub const LOCAL_ISSUER_PATH: &str = "/local-idp";

const RSA_BITS: usize = 2048;

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("could not generate the local signing key")]
    KeyGeneration(#[source] rsa::Error),
    #[error("could not encode the local signing key")]
    KeyEncoding(#[source] rsa::pkcs1::Error),
    #[error("the operator name is not a valid operator id")]
    InvalidOperator(#[source] ParseIdError),
    #[error("a token may live at most {max_secs} s, as in Cognito")]
    TtlTooLong { max_secs: u64 },
    #[error("could not sign the token")]
    Signing(#[source] jsonwebtoken::errors::Error),
}

/// Issues operator access tokens on a developer's machine. The private key lives only in this
/// process's memory and changes at every start, so a local token is worthless anywhere else.
pub struct LocalIdentityProvider {
    issuer: String,
    client_id: String,
    kid: String,
    signing_key: EncodingKey,
    jwks_json: String,
}

impl LocalIdentityProvider {
    /// Generates a fresh RSA-2048 key for `issuer` (e.g. `http://127.0.0.1:8080/local-idp`).
    pub fn generate(
        issuer: impl Into<String>,
        client_id: impl Into<String>,
    ) -> Result<Self, SignInError> {
        let private_key = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, RSA_BITS)
            .map_err(SignInError::KeyGeneration)?;
        let der = private_key
            .to_pkcs1_der()
            .map_err(SignInError::KeyEncoding)?;
        let kid = format!("local-{}", uuid::Uuid::new_v4().simple());
        let jwks_json = json!({ "keys": [{
            "kty": "RSA",
            "kid": kid,
            "alg": "RS256",
            "use": "sig",
            "n": URL_SAFE_NO_PAD.encode(private_key.n().to_bytes_be()),
            "e": URL_SAFE_NO_PAD.encode(private_key.e().to_bytes_be()),
        }]})
        .to_string();
        Ok(Self {
            issuer: issuer.into(),
            client_id: client_id.into(),
            kid,
            signing_key: EncodingKey::from_rsa_der(der.as_bytes()),
            jwks_json,
        })
    }

    /// The public half, to serve at `{issuer}/.well-known/jwks.json`.
    pub fn jwks_json(&self) -> &str {
        &self.jwks_json
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// What the operator API's verifier must expect of this provider's tokens.
    pub fn auth_config(&self) -> AuthConfig {
        AuthConfig::for_access_tokens(&self.issuer, &self.client_id)
    }

    /// A verifier for this provider's tokens, built from its JWKS exactly as the Lambda builds one.
    pub fn verifier(&self) -> Result<TokenVerifier, JwksError> {
        TokenVerifier::from_jwks_json(self.auth_config(), self.jwks_json.as_bytes())
    }

    /// A Cognito-shaped access token for `operator` (its `sub` and `username`), valid for `ttl`.
    pub fn issue_access_token(&self, operator: &str, ttl: Duration) -> Result<String, SignInError> {
        self.issue_access_token_in(operator, &[], ttl)
    }

    /// As [`Self::issue_access_token`], for a member of `groups` besides `operators` (e.g.
    /// `supervisors`), as Cognito's `cognito:groups` says.
    pub fn issue_access_token_in(
        &self,
        operator: &str,
        groups: &[String],
        ttl: Duration,
    ) -> Result<String, SignInError> {
        let operator_id = OperatorId::parse(operator).map_err(SignInError::InvalidOperator)?;
        if ttl.as_secs() > MAX_TOKEN_LIFETIME_SECS {
            return Err(SignInError::TtlTooLong {
                max_secs: MAX_TOKEN_LIFETIME_SECS,
            });
        }
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        let claims = json!({
            "sub": operator_id.as_str(),
            "cognito:groups": std::iter::once("operators")
                .chain(groups.iter().map(String::as_str).filter(|g| *g != "operators"))
                .collect::<Vec<_>>(),
            "iss": self.issuer,
            "version": 2,
            "client_id": self.client_id,
            "token_use": "access",
            "scope": "aws.cognito.signin.user.admin",
            "auth_time": now,
            "iat": now,
            "exp": now + ttl.as_secs(),
            "jti": uuid::Uuid::new_v4().to_string(),
            "username": operator_id.as_str(),
        });
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        encode(&header, &claims, &self.signing_key).map_err(SignInError::Signing)
    }
}

impl fmt::Debug for LocalIdentityProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalIdentityProvider")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bluelamp::auth::{AuthError, CLOCK_SKEW_LEEWAY_SECS};
    use std::sync::OnceLock;

    const ISSUER: &str = "http://127.0.0.1:8080/local-idp";
    const HOUR: Duration = Duration::from_secs(3600);

    /// One provider per test binary: RSA key generation is the slow part.
    fn provider() -> &'static LocalIdentityProvider {
        static PROVIDER: OnceLock<LocalIdentityProvider> = OnceLock::new();
        PROVIDER.get_or_init(|| {
            LocalIdentityProvider::generate(ISSUER, LOCAL_CLIENT_ID).expect("local key")
        })
    }

    #[test]
    fn its_access_tokens_are_accepted_by_the_real_verifier() {
        let token = provider()
            .issue_access_token("pc-jones", HOUR)
            .expect("token");

        let identity = provider()
            .verifier()
            .expect("verifier")
            .verify(&token)
            .expect("accepted");

        assert_eq!(identity.operator_id.as_str(), "pc-jones");
        assert_eq!(identity.username.as_deref(), Some("pc-jones"));
        assert_eq!(identity.groups, vec!["operators"]);
    }

    #[tokio::test]
    async fn the_authorizer_allows_an_operator_signed_in_locally() {
        let token = provider()
            .issue_access_token("pc-jones", HOUR)
            .expect("token");
        let method_arn = "arn:aws:execute-api:local:000000000000:operator/local/$connect";
        let event = serde_json::from_value(json!({
            "type": "REQUEST",
            "methodArn": method_arn,
            "queryStringParameters": { "token": token },
            "requestContext": { "routeKey": "$connect", "eventType": "CONNECT" }
        }))
        .expect("authorizer event");

        let response =
            authorizer::authorize(&provider().verifier().expect("verifier"), event).await;

        assert_eq!(response.principal_id.as_deref(), Some("pc-jones"));
        assert_eq!(
            response.context[bluelamp::auth::CONTEXT_OPERATOR_ID],
            "pc-jones"
        );
        assert_eq!(
            response.policy_document.statement[0].effect,
            aws_lambda_events::iam::IamPolicyEffect::Allow
        );
    }

    #[test]
    fn its_jwks_publishes_the_key_its_tokens_name() {
        let token = provider()
            .issue_access_token("pc-jones", HOUR)
            .expect("token");
        let header = jsonwebtoken::decode_header(&token).expect("header");
        let jwks: serde_json::Value =
            serde_json::from_str(provider().jwks_json()).expect("JWKS JSON");

        assert_eq!(header.alg, Algorithm::RS256);
        assert_eq!(jwks["keys"][0]["kid"].as_str(), header.kid.as_deref());
        assert_eq!(jwks["keys"][0]["alg"], "RS256");
        assert!(jwks["keys"][0].get("d").is_none(), "no private part");
    }

    #[test]
    fn its_tokens_expire_after_their_ttl() {
        let token = provider()
            .issue_access_token("pc-jones", Duration::from_secs(60))
            .expect("token");
        let later = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs()
            + 60
            + CLOCK_SKEW_LEEWAY_SECS
            + 1;

        let result = provider()
            .verifier()
            .expect("verifier")
            .verify_at(&token, later);

        assert!(matches!(result, Err(AuthError::Expired)));
    }

    #[test]
    fn a_verifier_for_another_issuer_refuses_its_tokens() {
        let token = provider()
            .issue_access_token("pc-jones", HOUR)
            .expect("token");
        let mut config = provider().auth_config();
        config.issuer = "http://127.0.0.1:9999/local-idp".to_owned();
        let verifier = TokenVerifier::from_jwks_json(config, provider().jwks_json().as_bytes())
            .expect("verifier");

        assert!(matches!(
            verifier.verify(&token),
            Err(AuthError::WrongIssuer)
        ));
    }

    #[test]
    fn an_operator_name_that_is_not_a_valid_operator_id_is_refused() {
        assert!(matches!(
            provider().issue_access_token("pc jones/../admin", HOUR),
            Err(SignInError::InvalidOperator(_))
        ));
    }

    #[test]
    fn a_ttl_longer_than_cognito_allows_is_refused() {
        assert!(matches!(
            provider().issue_access_token("pc-jones", Duration::from_secs(2 * 86_400)),
            Err(SignInError::TtlTooLong { .. })
        ));
    }

    #[test]
    fn its_debug_output_shows_no_key_material() {
        let debug = format!("{:?}", provider());
        assert!(debug.contains(ISSUER));
        assert!(!debug.contains("signing_key"));
    }
}
