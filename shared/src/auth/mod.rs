//! Operator sign-in: verifying Cognito-style JWTs against a JWKS (RS256 only, fail closed).
//! The operator API's authorizer and the local gateway both verify tokens with this code.

mod config;
mod jwks;
mod verifier;

#[cfg(any(test, feature = "test-support"))]
pub mod test_tokens;

pub use config::{AuthConfig, SignInConfig, TokenUse, ENV_CLIENT_ID, ENV_ISSUER, ENV_JWKS_URL};

/// The authorizer context key holding the operator's id (the token's `sub`): the authorizer
/// writes it, `connect` reads it.
pub const CONTEXT_OPERATOR_ID: &str = "operatorId";
/// The authorizer context key holding the operator's username, for display.
pub const CONTEXT_USERNAME: &str = "username";

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
