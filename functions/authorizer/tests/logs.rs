//! What the authorizer logs: the decision and the reason's kind, never the token. A test binary
//! of its own, because tracing caches per-callsite interest across the threads of one process.

use authorizer::authorize;
use bluelamp::auth::test_tokens::{
    access_claims, issuer_jwks_json, now, TestKey, CLIENT_ID, ISSUER,
};
use bluelamp::auth::{AuthConfig, TokenVerifier};
use bluelamp::config::CapturedLogs;
use serde_json::json;

const CONNECT_EVENT: &str = include_str!("fixtures/operator-connect-request.json");

fn verifier() -> TokenVerifier {
    TokenVerifier::from_jwks_json(
        AuthConfig::for_access_tokens(ISSUER, CLIENT_ID),
        issuer_jwks_json().as_bytes(),
    )
    .expect("test JWKS")
}

fn connect_event(
    token: &str,
) -> aws_lambda_events::apigw::ApiGatewayCustomAuthorizerRequestTypeRequest {
    serde_json::from_str(&CONNECT_EVENT.replace("{{OPERATOR_TOKEN}}", token)).expect("fixture")
}

#[tokio::test]
async fn decisions_are_logged_with_their_reason_but_never_the_token() {
    let (logs, _guard) = CapturedLogs::start();
    let good = TestKey::primary().sign(&access_claims());
    let mut expired_claims = access_claims();
    expired_claims["iat"] = json!(now() - 7200);
    expired_claims["exp"] = json!(now() - 3600);
    let expired = TestKey::primary().sign(&expired_claims);

    authorize(&verifier(), connect_event(&good)).await;
    authorize(&verifier(), connect_event(&expired)).await;

    let text = logs.text();
    assert!(text.contains("operator connection allowed"), "{text}");
    // The refusal's line has the message the template's metric filter matches
    // (`{ $.fields.message = "..." }`, the denied sign-ins alarm).
    let denied: Vec<serde_json::Value> = text
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|line| line["fields"]["message"] == authorizer::DENIED_LOG_MESSAGE)
        .collect();
    assert_eq!(denied.len(), 1, "{text}");
    assert_eq!(denied[0]["fields"]["reason"], "expired");
    assert!(text.contains(r#""reason":"expired""#), "{text}");
    for token in [&good, &expired] {
        let signature = token.rsplit('.').next().unwrap_or_default();
        assert!(!text.contains(signature), "a token reached the logs");
    }
}
