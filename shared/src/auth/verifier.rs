//! Token verification: turns a presented JWT into an [`OperatorIdentity`] or says why not.
//! Every check fails closed; errors name the reason but never carry the token.

use super::config::{AuthConfig, TokenUse};
use super::jwks::Jwks;
use crate::domain::OperatorId;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::time::{SystemTime, UNIX_EPOCH};

/// Clock skew tolerated between the issuer and us, for `exp`, `nbf` and `iat`.
pub const CLOCK_SKEW_LEEWAY_SECS: u64 = 30;
/// Cognito issues access and ID tokens valid for at most one day; a longer one is not Cognito's.
pub const MAX_TOKEN_LIFETIME_SECS: u64 = 24 * 60 * 60;
/// Cognito tokens are 1–2 KB; this bounds the work a hostile caller can ask of us.
pub const MAX_TOKEN_BYTES: usize = 16 * 1024;
/// Cognito usernames are at most 128 characters.
const MAX_USERNAME_CHARS: usize = 128;

/// A verified operator: the token was signed by the issuer's key, for our client, and is current.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorIdentity {
    /// The token's `sub`: stable for the life of the user in the pool.
    pub operator_id: OperatorId,
    /// `username` (access token) or `cognito:username` (ID token), for display.
    pub username: Option<String>,
    /// `cognito:groups`, empty when the user is in no group.
    pub groups: Vec<String>,
}

/// Why a token was refused. Safe to log: no variant holds the token or a claim's full value.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("no token was presented")]
    Missing,
    #[error("the token is longer than {max} bytes")]
    TooLong { max: usize },
    #[error("the token is not a well-formed JWT: {reason}")]
    Malformed { reason: &'static str },
    #[error("the token's algorithm {alg:?} is not RS256")]
    UnsupportedAlgorithm { alg: String },
    #[error("the token's header marks extensions as critical (crit)")]
    CriticalHeader,
    #[error("the token's header has no key id (kid)")]
    MissingKeyId,
    #[error("the token's key id is not in the issuer's JWKS")]
    UnknownKeyId,
    #[error("the token's signature does not verify")]
    BadSignature,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet")]
    NotYetValid,
    #[error("the token was issued by another issuer")]
    WrongIssuer,
    #[error("the token's token_use is {found:?}, expected {expected:?}")]
    WrongTokenUse { expected: TokenUse, found: String },
    #[error("the token was issued to another app client")]
    WrongClient,
    #[error("the token has no {0} claim")]
    MissingClaim(&'static str),
    #[error("the token's {0} claim is invalid")]
    InvalidClaim(&'static str),
    #[error("the token could not be verified")]
    Verification(#[source] jsonwebtoken::errors::Error),
}

impl AuthError {
    /// A stable snake_case code for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            AuthError::Missing => "missing",
            AuthError::TooLong { .. } => "too_long",
            AuthError::Malformed { .. } => "malformed",
            AuthError::UnsupportedAlgorithm { .. } => "unsupported_algorithm",
            AuthError::CriticalHeader => "critical_header",
            AuthError::MissingKeyId => "missing_kid",
            AuthError::UnknownKeyId => "unknown_kid",
            AuthError::BadSignature => "bad_signature",
            AuthError::Expired => "expired",
            AuthError::NotYetValid => "not_yet_valid",
            AuthError::WrongIssuer => "wrong_issuer",
            AuthError::WrongTokenUse { .. } => "wrong_token_use",
            AuthError::WrongClient => "wrong_client",
            AuthError::MissingClaim(_) => "missing_claim",
            AuthError::InvalidClaim(_) => "invalid_claim",
            AuthError::Verification(_) => "verification_failed",
        }
    }
}

/// Verifies operator tokens against one issuer's JWKS. Build once at start, share by reference.
#[derive(Debug, Clone)]
pub struct TokenVerifier {
    config: AuthConfig,
    jwks: Jwks,
    validation: Validation,
}

#[derive(Deserialize)]
struct RawHeader {
    #[serde(default)]
    alg: Option<Value>,
    #[serde(default)]
    kid: Option<Value>,
    #[serde(default)]
    crit: Option<Value>,
}

impl TokenVerifier {
    pub fn new(config: AuthConfig, jwks: Jwks) -> Self {
        // The library checks the signature, that exp, iss and sub are present, and iss. The
        // client and time rules are checked below, in one place and against one clock reading
        // (so that they can be tested at any instant), and in an order that gives the most
        // telling reason: an ID token is refused as an ID token, not for having an `aud`.
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        validation.set_issuer(&[config.issuer.as_str()]);
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.validate_aud = false;
        validation.leeway = CLOCK_SKEW_LEEWAY_SECS;
        Self {
            config,
            jwks,
            validation,
        }
    }

    /// Builds a verifier from a JWKS document already in hand (the local gateway, tests).
    pub fn from_jwks_json(config: AuthConfig, jwks_json: &[u8]) -> Result<Self, super::JwksError> {
        Ok(Self::new(config, Jwks::from_json(jwks_json)?))
    }

    /// Fetches the issuer's JWKS (from `jwks_url`, or `{issuer}/.well-known/jwks.json`), trusting
    /// the authorities `roots` chooses, and builds a verifier. Call once, at start.
    #[cfg(feature = "jwks-fetch")]
    pub async fn fetch(
        config: AuthConfig,
        jwks_url: Option<&str>,
        roots: crate::tls::TrustedRoots,
    ) -> Result<Self, super::JwksError> {
        let url = jwks_url.map_or_else(|| config.jwks_url(), str::to_owned);
        let jwks = super::fetch_jwks(&url, roots).await?;
        Ok(Self::new(config, jwks))
    }

    pub fn config(&self) -> &AuthConfig {
        &self.config
    }

    pub fn jwks(&self) -> &Jwks {
        &self.jwks
    }

    /// Verifies `token` now.
    pub fn verify(&self, token: &str) -> Result<OperatorIdentity, AuthError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|_| AuthError::NotYetValid)?
            .as_secs();
        self.verify_at(token, now)
    }

    /// Verifies `token` as of `now` (seconds since the Unix epoch).
    pub fn verify_at(&self, token: &str, now: u64) -> Result<OperatorIdentity, AuthError> {
        if token.is_empty() {
            return Err(AuthError::Missing);
        }
        if token.len() > MAX_TOKEN_BYTES {
            return Err(AuthError::TooLong {
                max: MAX_TOKEN_BYTES,
            });
        }
        let kid = self.checked_key_id(token)?;
        let key = self.jwks.key(&kid).ok_or(AuthError::UnknownKeyId)?;
        let claims = jsonwebtoken::decode::<Map<String, Value>>(token, key, &self.validation)
            .map_err(library_error)?
            .claims;
        self.identity_from(&claims, now)
    }

    /// Reads the header without trusting it: only RS256 with a `kid` may go on to the signature.
    fn checked_key_id(&self, token: &str) -> Result<String, AuthError> {
        let mut segments = token.split('.');
        let (Some(header), Some(_), Some(_), None) = (
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next(),
        ) else {
            return Err(AuthError::Malformed {
                reason: "not three dot-separated segments",
            });
        };
        let header = URL_SAFE_NO_PAD
            .decode(header)
            .map_err(|_| AuthError::Malformed {
                reason: "header is not base64url",
            })?;
        let header: RawHeader =
            serde_json::from_slice(&header).map_err(|_| AuthError::Malformed {
                reason: "header is not a JSON object",
            })?;
        match header.alg {
            Some(Value::String(alg)) if alg == "RS256" => {}
            Some(Value::String(alg)) => {
                return Err(AuthError::UnsupportedAlgorithm {
                    alg: loggable(&alg),
                })
            }
            _ => {
                return Err(AuthError::Malformed {
                    reason: "header has no alg string",
                })
            }
        }
        // We understand no JWS extensions, so a token that says we must cannot be accepted.
        if header.crit.is_some() {
            return Err(AuthError::CriticalHeader);
        }
        match header.kid {
            Some(Value::String(kid)) => Ok(kid),
            Some(_) => Err(AuthError::Malformed {
                reason: "header kid is not a string",
            }),
            None => Err(AuthError::MissingKeyId),
        }
    }

    /// The claim checks: issuer, kind, client and time, then the identity itself.
    fn identity_from(
        &self,
        claims: &Map<String, Value>,
        now: u64,
    ) -> Result<OperatorIdentity, AuthError> {
        // The library accepts iss as an array with one matching member; we want it exact.
        if required_str(claims, "iss")? != self.config.issuer {
            return Err(AuthError::WrongIssuer);
        }

        let expected = self.config.expected_token_use;
        let token_use = required_str(claims, "token_use")?;
        if token_use != expected.as_str() {
            return Err(AuthError::WrongTokenUse {
                expected,
                found: loggable(token_use),
            });
        }

        let (client_claim, username_claim) = match expected {
            TokenUse::Access => ("client_id", "username"),
            TokenUse::Id => ("aud", "cognito:username"),
        };
        if !self
            .config
            .accepts_client(required_str(claims, client_claim)?)
        {
            return Err(AuthError::WrongClient);
        }
        // Cognito access tokens carry no audience; one that does was minted for something else.
        if expected == TokenUse::Access && claims.get("aud").is_some_and(|aud| !aud.is_null()) {
            return Err(AuthError::WrongClient);
        }

        check_times(claims, now)?;

        let operator_id = OperatorId::parse(required_str(claims, "sub")?)
            .map_err(|_| AuthError::InvalidClaim("sub"))?;
        let username = match claims.get(username_claim) {
            None | Some(Value::Null) => None,
            Some(Value::String(name)) if is_plausible_username(name) => Some(name.clone()),
            Some(_) => return Err(AuthError::InvalidClaim("username")),
        };
        let groups = match claims.get("cognito:groups") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(groups)) => groups
                .iter()
                .map(|g| g.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or(AuthError::InvalidClaim("cognito:groups"))?,
            Some(_) => return Err(AuthError::InvalidClaim("cognito:groups")),
        };

        Ok(OperatorIdentity {
            operator_id,
            username,
            groups,
        })
    }
}

fn check_times(claims: &Map<String, Value>, now: u64) -> Result<(), AuthError> {
    let exp = required_time(claims, "exp")?;
    let iat = required_time(claims, "iat")?;
    let nbf = optional_time(claims, "nbf")?;

    if exp.saturating_add(CLOCK_SKEW_LEEWAY_SECS) <= now {
        return Err(AuthError::Expired);
    }
    let latest_acceptable_start = now.saturating_add(CLOCK_SKEW_LEEWAY_SECS);
    if iat > latest_acceptable_start || nbf.is_some_and(|nbf| nbf > latest_acceptable_start) {
        return Err(AuthError::NotYetValid);
    }
    if exp < iat {
        return Err(AuthError::InvalidClaim("exp"));
    }
    if exp - iat > MAX_TOKEN_LIFETIME_SECS {
        return Err(AuthError::InvalidClaim("exp"));
    }
    Ok(())
}

fn required_str<'a>(
    claims: &'a Map<String, Value>,
    name: &'static str,
) -> Result<&'a str, AuthError> {
    match claims.get(name) {
        None | Some(Value::Null) => Err(AuthError::MissingClaim(name)),
        Some(Value::String(value)) => Ok(value),
        Some(_) => Err(AuthError::InvalidClaim(name)),
    }
}

fn optional_time(
    claims: &Map<String, Value>,
    name: &'static str,
) -> Result<Option<u64>, AuthError> {
    match claims.get(name) {
        None | Some(Value::Null) => Ok(None),
        // NumericDate: Cognito writes whole seconds; a fraction, sign or string is not Cognito's.
        Some(value) => value
            .as_u64()
            .map(Some)
            .ok_or(AuthError::InvalidClaim(name)),
    }
}

fn required_time(claims: &Map<String, Value>, name: &'static str) -> Result<u64, AuthError> {
    optional_time(claims, name)?.ok_or(AuthError::MissingClaim(name))
}

fn is_plausible_username(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= MAX_USERNAME_CHARS
        && !name.chars().any(char::is_control)
}

/// A header or claim value fit for a log line: short, printable ASCII, or a placeholder.
fn loggable(value: &str) -> String {
    if value.len() <= 16 && value.bytes().all(|b| b.is_ascii_graphic()) {
        value.to_owned()
    } else {
        "<unrecognised>".to_owned()
    }
}

fn library_error(error: jsonwebtoken::errors::Error) -> AuthError {
    match error.kind() {
        ErrorKind::InvalidSignature => AuthError::BadSignature,
        ErrorKind::InvalidAlgorithm => AuthError::UnsupportedAlgorithm {
            alg: "<mismatch>".to_owned(),
        },
        ErrorKind::InvalidIssuer => AuthError::WrongIssuer,
        ErrorKind::InvalidAudience => AuthError::WrongClient,
        ErrorKind::ExpiredSignature => AuthError::Expired,
        ErrorKind::ImmatureSignature => AuthError::NotYetValid,
        ErrorKind::MissingRequiredClaim(claim) => AuthError::MissingClaim(spec_claim(claim)),
        ErrorKind::InvalidClaimFormat(claim) => AuthError::InvalidClaim(spec_claim(claim)),
        ErrorKind::InvalidToken => AuthError::Malformed {
            reason: "not a JWS compact serialization",
        },
        ErrorKind::Base64(_) => AuthError::Malformed {
            reason: "a segment is not base64url",
        },
        ErrorKind::Json(_) | ErrorKind::Utf8(_) => AuthError::Malformed {
            reason: "header or claims are not a JSON object",
        },
        _ => AuthError::Verification(error),
    }
}

/// The library names the spec claims it checks; map them to static names for the error.
fn spec_claim(claim: &str) -> &'static str {
    match claim {
        "exp" => "exp",
        "nbf" => "nbf",
        "iss" => "iss",
        "sub" => "sub",
        "aud" => "aud",
        _ => "registered claim",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::test_tokens::{
        access_claims, id_claims, issuer_jwks_json, now, unsigned_token, TestKey, CLIENT_ID,
        ISSUER, OPERATOR_SUB,
    };
    use serde_json::json;

    fn verifier_for(token_use: TokenUse) -> TokenVerifier {
        let config = AuthConfig {
            issuer: ISSUER.to_owned(),
            client_ids: vec![CLIENT_ID.to_owned(), SECOND_CLIENT_ID.to_owned()],
            expected_token_use: token_use,
        };
        TokenVerifier::from_jwks_json(config, issuer_jwks_json().as_bytes()).expect("test JWKS")
    }

    fn operator_verifier() -> TokenVerifier {
        verifier_for(TokenUse::Access)
    }

    fn with(mut claims: Value, name: &str, value: Value) -> Value {
        claims[name] = value;
        claims
    }

    fn without(mut claims: Value, name: &str) -> Value {
        if let Some(map) = claims.as_object_mut() {
            map.remove(name);
        }
        claims
    }

    fn refusal(token: &str) -> AuthError {
        operator_verifier()
            .verify(token)
            .expect_err("the token must be refused")
    }

    #[test]
    fn a_valid_access_token_yields_the_operator_identity() {
        let token = TestKey::primary().sign(&access_claims());

        let identity = operator_verifier().verify(&token).expect("valid token");

        assert_eq!(identity.operator_id.as_str(), OPERATOR_SUB);
        assert_eq!(identity.username.as_deref(), Some("pc.jones"));
        assert_eq!(identity.groups, vec!["operators", "supervisors"]);
    }

    #[test]
    fn an_access_token_without_username_or_groups_is_still_valid() {
        let claims = without(without(access_claims(), "username"), "cognito:groups");
        let token = TestKey::primary().sign(&claims);

        let identity = operator_verifier().verify(&token).expect("valid token");

        assert_eq!(identity.username, None);
        assert!(identity.groups.is_empty());
    }

    #[test]
    fn a_token_signed_by_a_key_the_issuer_never_published_is_refused() {
        let token = TestKey::other().sign_as(&TestKey::primary().kid, &access_claims());
        assert!(matches!(refusal(&token), AuthError::BadSignature));
    }

    #[test]
    fn a_token_naming_an_unknown_kid_is_refused() {
        let token = TestKey::other().sign(&access_claims());
        assert!(matches!(refusal(&token), AuthError::UnknownKeyId));
    }

    #[test]
    fn a_token_without_a_kid_is_refused() {
        // Only the header matters: the verifier stops before any signature work.
        let header = json!({"alg": "RS256", "typ": "JWT"});
        let token = format!(
            "{}.{}.sig",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(access_claims().to_string())
        );
        assert!(matches!(refusal(&token), AuthError::MissingKeyId));
    }

    #[test]
    fn an_unsigned_alg_none_token_is_refused() {
        let token = unsigned_token(&TestKey::primary().kid, &access_claims());
        assert!(matches!(
            refusal(&token),
            AuthError::UnsupportedAlgorithm { alg } if alg == "none"
        ));
    }

    #[test]
    fn an_hs256_token_keyed_with_the_public_key_is_refused() {
        let token = TestKey::primary().forge_hs256_with_public_key(&access_claims());
        assert!(matches!(
            refusal(&token),
            AuthError::UnsupportedAlgorithm { alg } if alg == "HS256"
        ));
    }

    #[test]
    fn a_token_with_critical_header_extensions_is_refused() {
        let header = json!({"alg": "RS256", "kid": TestKey::primary().kid, "crit": ["exp"]});
        let token = format!(
            "{}.{}.sig",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(access_claims().to_string())
        );
        assert!(matches!(refusal(&token), AuthError::CriticalHeader));
    }

    #[test]
    fn malformed_tokens_are_refused_without_panicking() {
        let valid = TestKey::primary().sign(&access_claims());
        let mut parts = valid.split('.');
        let (header, claims) = (
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        );
        let cases = [
            "not-a-jwt".to_owned(),
            "a.b".to_owned(),
            "a.b.c.d".to_owned(),
            "!!!.???.***".to_owned(),
            format!("{}.{claims}.sig", URL_SAFE_NO_PAD.encode("[1,2]")),
            format!("{}.{claims}.sig", URL_SAFE_NO_PAD.encode(r#"{"alg":7}"#)),
            format!("{header}.{claims}.!!!"),
            format!("{header}.%%%.{}", URL_SAFE_NO_PAD.encode("sig")),
            format!("{header}.{}.", URL_SAFE_NO_PAD.encode("not json")),
            valid.replace('.', ".."),
        ];
        for token in cases {
            let error = refusal(&token);
            assert!(
                matches!(error, AuthError::Malformed { .. } | AuthError::BadSignature),
                "{token:?} gave {error:?}"
            );
        }
    }

    #[test]
    fn an_empty_token_is_missing_and_an_oversized_one_is_refused_unread() {
        assert!(matches!(refusal(""), AuthError::Missing));
        let huge = "a".repeat(MAX_TOKEN_BYTES + 1);
        assert!(matches!(refusal(&huge), AuthError::TooLong { .. }));
    }

    #[test]
    fn an_expired_token_is_refused() {
        let claims = with(
            with(access_claims(), "iat", json!(now() - 7200)),
            "exp",
            json!(now() - 3600),
        );
        let token = TestKey::primary().sign(&claims);
        assert!(matches!(refusal(&token), AuthError::Expired));
    }

    #[test]
    fn a_token_just_past_exp_is_accepted_within_the_clock_skew_leeway() {
        // One set of claims: two calls could straddle a second and disagree on `exp`.
        let claims = access_claims();
        let token = TestKey::primary().sign(&claims);
        let exp = claims["exp"].as_u64().unwrap_or_default();
        let verifier = operator_verifier();

        assert!(verifier
            .verify_at(&token, exp + CLOCK_SKEW_LEEWAY_SECS - 1)
            .is_ok());
        assert!(matches!(
            verifier.verify_at(&token, exp + CLOCK_SKEW_LEEWAY_SECS),
            Err(AuthError::Expired)
        ));
    }

    #[test]
    fn a_token_issued_in_the_future_is_refused() {
        let claims = with(access_claims(), "iat", json!(now() + 600));
        let token = TestKey::primary().sign(&claims);
        assert!(matches!(refusal(&token), AuthError::NotYetValid));
    }

    #[test]
    fn a_token_whose_nbf_is_in_the_future_is_refused() {
        let claims = with(access_claims(), "nbf", json!(now() + 600));
        let token = TestKey::primary().sign(&claims);
        assert!(matches!(refusal(&token), AuthError::NotYetValid));
    }

    #[test]
    fn a_token_valid_for_longer_than_cognito_allows_is_refused() {
        let claims = with(access_claims(), "exp", json!(now() + 2 * 86_400));
        let token = TestKey::primary().sign(&claims);
        assert!(matches!(refusal(&token), AuthError::InvalidClaim("exp")));
    }

    /// A second client of ours (the smoke test's): its tokens pass as the console's do.
    const SECOND_CLIENT_ID: &str = "smoketestclient";

    #[test]
    fn a_token_for_any_of_our_app_clients_is_accepted() {
        for client in [CLIENT_ID, SECOND_CLIENT_ID] {
            let claims = with(access_claims(), "client_id", json!(client));
            let token = TestKey::primary().sign(&claims);
            assert!(operator_verifier().verify(&token).is_ok(), "{client}");
        }
    }

    #[test]
    fn a_token_for_another_app_client_is_refused() {
        let claims = with(access_claims(), "client_id", json!("someotherclient"));
        let token = TestKey::primary().sign(&claims);
        assert!(matches!(refusal(&token), AuthError::WrongClient));
    }

    #[test]
    fn an_access_token_that_carries_an_aud_is_refused() {
        let claims = with(access_claims(), "aud", json!(CLIENT_ID));
        let token = TestKey::primary().sign(&claims);
        assert!(matches!(refusal(&token), AuthError::WrongClient));
    }

    #[test]
    fn an_id_token_is_refused_where_an_access_token_is_expected() {
        let token = TestKey::primary().sign(&id_claims());
        assert!(matches!(
            refusal(&token),
            AuthError::WrongTokenUse { expected: TokenUse::Access, found } if found == "id"
        ));
    }

    #[test]
    fn an_id_token_is_accepted_by_a_verifier_configured_for_id_tokens() {
        let token = TestKey::primary().sign(&id_claims());

        let identity = verifier_for(TokenUse::Id)
            .verify(&token)
            .expect("valid ID token");

        assert_eq!(identity.operator_id.as_str(), OPERATOR_SUB);
        assert_eq!(identity.username.as_deref(), Some("pc.jones"));
    }

    #[test]
    fn an_id_token_for_another_audience_is_refused() {
        let claims = with(id_claims(), "aud", json!("someotherclient"));
        let token = TestKey::primary().sign(&claims);
        assert!(matches!(
            verifier_for(TokenUse::Id).verify(&token),
            Err(AuthError::WrongClient)
        ));
    }

    #[test]
    fn an_id_token_whose_aud_is_an_array_is_refused() {
        let claims = with(id_claims(), "aud", json!([CLIENT_ID, "another"]));
        let token = TestKey::primary().sign(&claims);
        assert!(matches!(
            verifier_for(TokenUse::Id).verify(&token),
            Err(AuthError::InvalidClaim("aud"))
        ));
    }

    #[test]
    fn a_token_from_another_issuer_is_refused() {
        let claims = with(
            access_claims(),
            "iss",
            json!("https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Attacker"),
        );
        let token = TestKey::primary().sign(&claims);
        assert!(matches!(refusal(&token), AuthError::WrongIssuer));
    }

    #[test]
    fn an_issuer_given_as_an_array_is_refused() {
        let claims = with(access_claims(), "iss", json!([ISSUER]));
        let token = TestKey::primary().sign(&claims);
        assert!(matches!(refusal(&token), AuthError::InvalidClaim("iss")));
    }

    #[test]
    fn a_token_missing_a_required_claim_is_refused() {
        for claim in ["sub", "iss", "exp", "iat", "token_use", "client_id"] {
            let token = TestKey::primary().sign(&without(access_claims(), claim));
            let error = refusal(&token);
            assert!(
                matches!(error, AuthError::MissingClaim(name) if name == claim),
                "without {claim}: {error:?}"
            );
        }
    }

    #[test]
    fn claims_of_the_wrong_type_are_refused() {
        let cases = [
            ("nbf", json!("soon")),
            ("iat", json!(-5)),
            ("token_use", json!(["access"])),
            ("cognito:groups", json!("operators")),
            ("username", json!(42)),
        ];
        for (claim, value) in cases {
            let token = TestKey::primary().sign(&with(access_claims(), claim, value));
            let error = refusal(&token);
            assert!(
                matches!(error, AuthError::InvalidClaim(_)),
                "{claim}: {error:?}"
            );
        }
    }

    #[test]
    fn a_sub_that_is_not_a_valid_operator_id_is_refused() {
        let claims = with(access_claims(), "sub", json!("op#1/../admin"));
        let token = TestKey::primary().sign(&claims);
        assert!(matches!(refusal(&token), AuthError::InvalidClaim("sub")));
    }

    #[test]
    fn errors_never_echo_a_long_attacker_chosen_value() {
        let claims = with(access_claims(), "token_use", json!("x".repeat(500)));
        let token = TestKey::primary().sign(&claims);

        let error = refusal(&token);

        assert_eq!(error.kind(), "wrong_token_use");
        assert!(!error.to_string().contains("xxxxxxxxxxxxxxxxx"));
        assert!(!format!("{error:?}").contains(&token));
    }
}
