//! Test-only token minting: RSA keys generated at run time (never committed) and JWTs signed
//! with them, including the forged kinds (alg none, HS256 with the public key) a verifier refuses.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey, LineEnding};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde_json::{json, Value};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

pub const ISSUER: &str = "https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_TestPool1";
pub const CLIENT_ID: &str = "5c2ob6kl9s3h0vtb1bnjnl0a1q";
pub const OPERATOR_SUB: &str = "0f6b8c1e-3a52-4d7b-9f0e-2c4a8d9b7e31";

pub struct TestKey {
    pub kid: String,
    encoding: EncodingKey,
    n: String,
    e: String,
    public_pem: String,
}

impl TestKey {
    fn generate(kid: &str) -> Self {
        let private =
            RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("generate test RSA key");
        let der = private.to_pkcs1_der().expect("encode test RSA key");
        let public = private.to_public_key();
        Self {
            kid: kid.to_owned(),
            encoding: EncodingKey::from_rsa_der(der.as_bytes()),
            n: URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
            e: URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
            public_pem: public
                .to_pkcs1_pem(LineEnding::LF)
                .expect("encode test public key"),
        }
    }

    /// The issuer's key: generated once per test binary, since RSA key generation is slow.
    pub fn primary() -> &'static TestKey {
        static KEY: OnceLock<TestKey> = OnceLock::new();
        KEY.get_or_init(|| TestKey::generate("test-key-1"))
    }

    /// A key the issuer never published.
    pub fn other() -> &'static TestKey {
        static KEY: OnceLock<TestKey> = OnceLock::new();
        KEY.get_or_init(|| TestKey::generate("test-key-2"))
    }

    /// Signs `claims` with RS256 under this key, naming `kid` in the header.
    pub fn sign_as(&self, kid: &str, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(kid.to_owned());
        encode(&header, claims, &self.encoding).expect("sign test token")
    }

    pub fn sign(&self, claims: &Value) -> String {
        self.sign_as(&self.kid, claims)
    }

    /// The classic key-confusion forgery: HS256 keyed with the RSA public key's PEM.
    pub fn forge_hs256_with_public_key(&self, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.kid.clone());
        let secret = EncodingKey::from_secret(self.public_pem.as_bytes());
        encode(&header, claims, &secret).expect("sign HS256 test token")
    }
}

pub fn jwk_json(key: &TestKey) -> Value {
    json!({"kty": "RSA", "kid": key.kid, "alg": "RS256", "use": "sig", "n": key.n, "e": key.e})
}

/// The JWKS the issuer publishes: the primary key only.
pub fn issuer_jwks_json() -> String {
    json!({ "keys": [jwk_json(TestKey::primary())] }).to_string()
}

/// An unsigned token (`alg: none`), as an attacker would send it.
pub fn unsigned_token(kid: &str, claims: &Value) -> String {
    let header = json!({"alg": "none", "typ": "JWT", "kid": kid});
    format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The claims of a Cognito access token for the operator console, valid for an hour.
pub fn access_claims() -> Value {
    let now = now();
    json!({
        "sub": OPERATOR_SUB,
        "cognito:groups": ["operators", "supervisors"],
        "iss": ISSUER,
        "version": 2,
        "client_id": CLIENT_ID,
        "origin_jti": "8a3e0f5c-5a7d-4f3b-8f0a-3b1f9f7d2c11",
        "event_id": "c0f3a9de-2b8e-4d6b-a2c4-5f3e1a7b9c0d",
        "token_use": "access",
        "scope": "aws.cognito.signin.user.admin",
        "auth_time": now - 5,
        "exp": now + 3600,
        "iat": now - 5,
        "jti": "6c7d2e1f-0b3a-4c5d-8e9f-1a2b3c4d5e6f",
        "username": "pc.jones"
    })
}

/// The claims of the matching Cognito ID token (for the console, not for the API).
pub fn id_claims() -> Value {
    let now = now();
    json!({
        "sub": OPERATOR_SUB,
        "cognito:groups": ["operators"],
        "email_verified": true,
        "iss": ISSUER,
        "cognito:username": "pc.jones",
        "origin_jti": "8a3e0f5c-5a7d-4f3b-8f0a-3b1f9f7d2c11",
        "aud": CLIENT_ID,
        "event_id": "c0f3a9de-2b8e-4d6b-a2c4-5f3e1a7b9c0d",
        "token_use": "id",
        "auth_time": now - 5,
        "exp": now + 3600,
        "iat": now - 5,
        "jti": "1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6",
        "email": "pc.jones@example.police.uk"
    })
}
