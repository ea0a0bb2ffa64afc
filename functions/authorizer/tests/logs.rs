//! What the authorizer logs: the decision and the reason's kind, never the token. A test binary
//! of its own, because tracing caches per-callsite interest across the threads of one process.

use authorizer::authorize;
use bluelamp::auth::test_tokens::{
    access_claims, issuer_jwks_json, now, TestKey, CLIENT_ID, ISSUER,
};
use bluelamp::auth::{AuthConfig, TokenVerifier};
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};

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

/// A log sink shared with the test, to read back what the handler logged.
#[derive(Clone, Default)]
struct CapturedLogs(Arc<Mutex<Vec<u8>>>);

impl Write for CapturedLogs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut buffer) = self.0.lock() {
            buffer.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl CapturedLogs {
    fn text(&self) -> String {
        self.0
            .lock()
            .map(|buffer| String::from_utf8_lossy(&buffer).into_owned())
            .unwrap_or_default()
    }
}

#[tokio::test]
async fn decisions_are_logged_with_their_reason_but_never_the_token() {
    let logs = CapturedLogs::default();
    let sink = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_writer(move || sink.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let good = TestKey::primary().sign(&access_claims());
    let mut expired_claims = access_claims();
    expired_claims["iat"] = json!(now() - 7200);
    expired_claims["exp"] = json!(now() - 3600);
    let expired = TestKey::primary().sign(&expired_claims);

    authorize(&verifier(), connect_event(&good)).await;
    authorize(&verifier(), connect_event(&expired)).await;

    let text = logs.text();
    assert!(text.contains("operator connection allowed"), "{text}");
    assert!(text.contains(r#""reason":"expired""#), "{text}");
    for token in [&good, &expired] {
        let signature = token.rsplit('.').next().unwrap_or_default();
        assert!(!text.contains(signature), "a token reached the logs");
    }
}
