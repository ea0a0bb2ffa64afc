//! The identity provider's public signing keys (a JWKS), indexed by `kid`.
//! Parsed once at start; only RSA keys meant for RS256 signatures are kept.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::DecodingKey;
use serde::Deserialize;
use std::collections::HashMap;
use std::fmt;

/// Smaller RSA keys are refused outright: Cognito signs with 2048-bit keys.
const MIN_RSA_MODULUS_BITS: usize = 2048;

/// Why a JWKS could not be used. Any of these stops the function at start: fail closed.
#[derive(Debug, thiserror::Error)]
pub enum JwksError {
    #[error("the JWKS is not valid JSON of the form {{\"keys\": [...]}}")]
    Json(#[source] serde_json::Error),
    #[error("JWKS key {kid:?} is unusable: {reason}")]
    InvalidKey { kid: String, reason: &'static str },
    #[error("JWKS key id {kid:?} appears more than once")]
    DuplicateKeyId { kid: String },
    #[error("the JWKS has no RSA signing key for RS256")]
    NoUsableKeys,
    #[cfg(feature = "jwks-fetch")]
    #[error("fetching the JWKS from {url} failed")]
    Fetch {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    #[cfg(feature = "jwks-fetch")]
    #[error("the JWKS at {url} is larger than {max} bytes")]
    TooLarge { url: String, max: usize },
}

#[derive(Deserialize)]
struct RawJwks {
    keys: Vec<RawJwk>,
}

#[derive(Deserialize)]
struct RawJwk {
    kty: String,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    alg: Option<String>,
    #[serde(default, rename = "use")]
    use_: Option<String>,
    #[serde(default)]
    n: Option<String>,
    #[serde(default)]
    e: Option<String>,
}

/// The RS256 verification keys of one issuer, by key id.
#[derive(Clone)]
pub struct Jwks {
    keys: HashMap<String, DecodingKey>,
}

impl Jwks {
    /// Parses a standard JWKS document
    /// (`{"keys":[{"kty":"RSA","kid":..,"n":..,"e":..,"alg":"RS256","use":"sig"}]}`).
    ///
    /// Keys of other types, uses or algorithms are skipped, since no token of ours may use them;
    /// a malformed RSA signing key, a repeated `kid` or no usable key at all is an error.
    pub fn from_json(json: &[u8]) -> Result<Self, JwksError> {
        let raw: RawJwks = serde_json::from_slice(json).map_err(JwksError::Json)?;
        let mut keys = HashMap::new();
        for jwk in raw.keys {
            let for_rs256_signatures = jwk.kty == "RSA"
                && jwk.use_.as_deref().is_none_or(|u| u == "sig")
                && jwk.alg.as_deref().is_none_or(|a| a == "RS256");
            if !for_rs256_signatures {
                continue;
            }
            let Some(kid) = jwk.kid else {
                // A key without an id can never be chosen by a token header.
                continue;
            };
            let key = rsa_key(&kid, jwk.n.as_deref(), jwk.e.as_deref())?;
            if keys.contains_key(&kid) {
                return Err(JwksError::DuplicateKeyId { kid });
            }
            keys.insert(kid, key);
        }
        if keys.is_empty() {
            return Err(JwksError::NoUsableKeys);
        }
        Ok(Self { keys })
    }

    /// The key a token's header names, if the issuer published it.
    pub(crate) fn key(&self, kid: &str) -> Option<&DecodingKey> {
        self.keys.get(kid)
    }

    /// The ids of the usable keys, for start-up logs.
    pub fn key_ids(&self) -> impl Iterator<Item = &str> {
        self.keys.keys().map(String::as_str)
    }

    /// How many usable keys there are.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Never true for a parsed JWKS (parsing refuses an empty one); here for completeness.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

impl fmt::Debug for Jwks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Jwks")
            .field("kids", &self.keys.keys().collect::<Vec<_>>())
            .finish()
    }
}

fn rsa_key(kid: &str, n: Option<&str>, e: Option<&str>) -> Result<DecodingKey, JwksError> {
    let invalid = |reason| JwksError::InvalidKey {
        kid: kid.to_owned(),
        reason,
    };
    let n = n.ok_or_else(|| invalid("no modulus (n)"))?;
    let e = e.ok_or_else(|| invalid("no exponent (e)"))?;
    let n = URL_SAFE_NO_PAD
        .decode(n)
        .map_err(|_| invalid("modulus is not base64url"))?;
    let e = URL_SAFE_NO_PAD
        .decode(e)
        .map_err(|_| invalid("exponent is not base64url"))?;
    if modulus_bits(&n) < MIN_RSA_MODULUS_BITS {
        return Err(invalid("modulus is shorter than 2048 bits"));
    }
    if e.iter().all(|&b| b == 0) {
        return Err(invalid("exponent is zero"));
    }
    Ok(DecodingKey::from_rsa_raw_components(&n, &e))
}

fn modulus_bits(n: &[u8]) -> usize {
    match n.iter().position(|&b| b != 0) {
        Some(first) => (n.len() - first - 1) * 8 + (8 - n[first].leading_zeros() as usize),
        None => 0,
    }
}

/// Largest JWKS document accepted: Cognito's is under 1 KB; this only bounds a misbehaving server.
#[cfg(feature = "jwks-fetch")]
const MAX_JWKS_BYTES: usize = 64 * 1024;

/// Fetches and parses a JWKS over HTTP(S), once, at start, trusting the authorities `roots`
/// chooses. Tests build a [`Jwks`] from JSON instead, so they need no network.
#[cfg(feature = "jwks-fetch")]
pub async fn fetch_jwks(url: &str, roots: crate::tls::TrustedRoots) -> Result<Jwks, JwksError> {
    let fetch_error = |source| JwksError::Fetch {
        url: url.to_owned(),
        source,
    };
    let client = crate::tls::http_client_builder(roots)
        .connect_timeout(std::time::Duration::from_secs(3))
        .timeout(std::time::Duration::from_secs(5))
        .build()
        .map_err(fetch_error)?;
    let mut response = client
        .get(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(fetch_error)?;
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(fetch_error)? {
        if body.len() + chunk.len() > MAX_JWKS_BYTES {
            return Err(JwksError::TooLarge {
                url: url.to_owned(),
                max: MAX_JWKS_BYTES,
            });
        }
        body.extend_from_slice(&chunk);
    }
    Jwks::from_json(&body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::test_tokens::{jwk_json, TestKey};
    use serde_json::json;

    #[test]
    fn a_cognito_style_jwks_parses_into_keys_by_kid() {
        let (a, b) = (TestKey::primary(), TestKey::other());
        let doc = json!({ "keys": [jwk_json(a), jwk_json(b)] });

        let jwks = Jwks::from_json(doc.to_string().as_bytes()).expect("valid JWKS");

        assert_eq!(jwks.len(), 2);
        assert!(jwks.key(&a.kid).is_some());
        assert!(jwks.key(&b.kid).is_some());
        assert!(jwks.key("nope").is_none());
    }

    #[test]
    fn keys_that_are_not_rs256_signing_keys_are_skipped() {
        let key = TestKey::primary();
        let mut encryption = jwk_json(key);
        encryption["use"] = json!("enc");
        encryption["kid"] = json!("enc-key");
        let mut ps256 = jwk_json(key);
        ps256["alg"] = json!("PS256");
        ps256["kid"] = json!("ps-key");
        let ec = json!({"kty": "EC", "kid": "ec-key", "crv": "P-256", "x": "AA", "y": "AA"});
        let doc = json!({ "keys": [encryption, ps256, ec, jwk_json(key)] });

        let jwks = Jwks::from_json(doc.to_string().as_bytes()).expect("valid JWKS");

        assert_eq!(jwks.key_ids().collect::<Vec<_>>(), vec![key.kid.as_str()]);
    }

    #[test]
    fn a_jwks_without_usable_keys_is_refused() {
        let doc = br#"{"keys":[{"kty":"EC","kid":"k","crv":"P-256","x":"AA","y":"AA"}]}"#;
        assert!(matches!(Jwks::from_json(doc), Err(JwksError::NoUsableKeys)));
        assert!(matches!(
            Jwks::from_json(br#"{"keys":[]}"#),
            Err(JwksError::NoUsableKeys)
        ));
    }

    #[test]
    fn a_jwks_that_is_not_json_is_refused() {
        assert!(matches!(
            Jwks::from_json(b"<html>"),
            Err(JwksError::Json(_))
        ));
        assert!(matches!(
            Jwks::from_json(br#"{"kty":"RSA"}"#),
            Err(JwksError::Json(_))
        ));
    }

    #[test]
    fn a_repeated_kid_is_refused_as_ambiguous() {
        let key = TestKey::primary();
        let doc = json!({ "keys": [jwk_json(key), jwk_json(key)] });
        assert!(matches!(
            Jwks::from_json(doc.to_string().as_bytes()),
            Err(JwksError::DuplicateKeyId { .. })
        ));
    }

    #[test]
    fn an_rsa_key_shorter_than_2048_bits_is_refused() {
        let short_modulus = URL_SAFE_NO_PAD.encode([0xC5u8; 128]);
        let doc = json!({"keys": [{"kty": "RSA", "kid": "weak", "alg": "RS256", "use": "sig",
            "n": short_modulus, "e": "AQAB"}]});
        assert!(matches!(
            Jwks::from_json(doc.to_string().as_bytes()),
            Err(JwksError::InvalidKey { reason, .. }) if reason.contains("2048")
        ));
    }

    #[test]
    fn an_rsa_key_with_a_malformed_modulus_is_refused() {
        let doc = json!({"keys": [{"kty": "RSA", "kid": "bad", "n": "not base64!", "e": "AQAB"}]});
        assert!(matches!(
            Jwks::from_json(doc.to_string().as_bytes()),
            Err(JwksError::InvalidKey { .. })
        ));
    }

    #[test]
    fn modulus_bits_ignore_leading_zero_bytes() {
        assert_eq!(modulus_bits(&[0, 0x80, 0]), 16);
        assert_eq!(modulus_bits(&[0x01]), 1);
        assert_eq!(modulus_bits(&[0, 0]), 0);
    }
}
