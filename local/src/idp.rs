//! The local sign-in endpoints: the JWKS the authorizer verifies against, and a token for
//! any operator name (a development stand-in for the Cognito hosted sign-in).

use crate::Gateway;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;

pub async fn serve_jwks(State(gw): State<Arc<Gateway>>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        gw.identity.jwks_json().to_owned(),
    )
        .into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    operator: String,
    /// Groups besides `operators`, as Cognito's would be: `supervisors` for the supervisor view.
    #[serde(default)]
    groups: Vec<String>,
}

/// A group name as Cognito allows them, kept short.
fn plain_group(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Eight hours: one shift.
pub const TOKEN_TTL: Duration = Duration::from_secs(8 * 3600);

pub async fn serve_token(
    State(gw): State<Arc<Gateway>>,
    Json(req): Json<TokenRequest>,
) -> Response {
    if !req.groups.iter().all(|g| plain_group(g)) || req.groups.len() > 8 {
        return (
            StatusCode::BAD_REQUEST,
            Json(serde_json::json!({"error": "groups are up to 8 names of letters, digits, '-' or '_'"})),
        )
            .into_response();
    }
    if bluelamp::domain::OperatorId::parse(req.operator.as_str()).is_err() {
        return (
            StatusCode::BAD_REQUEST,
            Json(serde_json::json!({"error": "operator must be letters, digits, '-' or '_'"})),
        )
            .into_response();
    }
    match gw
        .identity
        .issue_access_token_in(&req.operator, &req.groups, TOKEN_TTL)
    {
        Ok(token) => Json(serde_json::json!({
            "accessToken": token,
            "tokenType": "Bearer",
            "expiresIn": TOKEN_TTL.as_secs(),
        }))
        .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "could not issue a local token");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
