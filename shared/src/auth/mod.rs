//! Operator sign-in: verifying Cognito-style JWTs against a JWKS (RS256 only, fail closed).
//! The operator API's authorizer and the local gateway both verify tokens with this code.

mod config;
mod jwks;
mod verifier;

#[cfg(any(test, feature = "test-support"))]
pub mod test_tokens;

pub use config::{AuthConfig, TokenUse};

/// The Cognito group whose members see the supervisor view (`stats`).
pub const SUPERVISORS_GROUP: &str = "supervisors";
/// The authorizer context key saying the operator is a supervisor (`"true"` or `"false"`).
pub const CONTEXT_SUPERVISOR: &str = "supervisor";
#[cfg(feature = "jwks-fetch")]
pub use jwks::fetch_jwks;
pub use jwks::{Jwks, JwksError};
pub use verifier::{
    AuthError, OperatorIdentity, TokenVerifier, CLOCK_SKEW_LEEWAY_SECS, MAX_TOKEN_BYTES,
    MAX_TOKEN_LIFETIME_SECS,
};
