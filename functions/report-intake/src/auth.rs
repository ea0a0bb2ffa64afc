//! Operator sign-in for the operator endpoints: a bearer token checked by an [`OperatorAuth`].
//! The Cognito JWT verifier (`bluelamp::auth`) implements it; until it is plugged in,
//! [`DenyAllOperators`] keeps the operator endpoints closed.

use async_trait::async_trait;
use bluelamp::domain::OperatorId;

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

/// Refuses every token: the operator endpoints stay closed (fail closed) until the real
/// verifier is configured.
#[derive(Debug, Clone, Copy, Default)]
pub struct DenyAllOperators;

#[async_trait]
impl OperatorAuth for DenyAllOperators {
    async fn verify(&self, _bearer: &str) -> Result<OperatorId, AuthError> {
        Err(AuthError::Invalid)
    }
}
