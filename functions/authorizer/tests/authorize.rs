//! The authorizer handler against a recorded API Gateway WebSocket `$connect` REQUEST event:
//! a verified operator is allowed on the method ARN; every other token, or none, is denied.

use authorizer::{authorize, ANONYMOUS_PRINCIPAL, CONTEXT_OPERATOR_ID, CONTEXT_USERNAME};
use aws_lambda_events::apigw::{
    ApiGatewayCustomAuthorizerRequestTypeRequest, ApiGatewayCustomAuthorizerResponse,
};
use aws_lambda_events::iam::IamPolicyEffect;
use bluelamp::auth::test_tokens::{
    access_claims, id_claims, issuer_jwks_json, now, unsigned_token, TestKey, CLIENT_ID, ISSUER,
    OPERATOR_SUB,
};
use bluelamp::auth::{AuthConfig, TokenVerifier};
use bluelamp::tls::TrustedRoots;
use serde_json::{json, Value};

const CONNECT_EVENT: &str = include_str!("fixtures/operator-connect-request.json");
const METHOD_ARN: &str = "arn:aws:execute-api:eu-west-2:123456789012:k3x9q1w7ab/prod/$connect";

fn verifier() -> TokenVerifier {
    TokenVerifier::from_jwks_json(
        AuthConfig::for_access_tokens(ISSUER, CLIENT_ID),
        issuer_jwks_json().as_bytes(),
    )
    .expect("test JWKS")
}

/// The recorded event as JSON, with `token` in its query string.
fn connect_event_json(token: &str) -> Value {
    serde_json::from_str(&CONNECT_EVENT.replace("{{OPERATOR_TOKEN}}", token)).expect("fixture")
}

fn event(json: Value) -> ApiGatewayCustomAuthorizerRequestTypeRequest {
    serde_json::from_value(json).expect("a valid authorizer event")
}

fn connect_event(token: &str) -> ApiGatewayCustomAuthorizerRequestTypeRequest {
    event(connect_event_json(token))
}

fn without_query_token(mut json: Value) -> Value {
    json["queryStringParameters"] = json!({});
    json["multiValueQueryStringParameters"] = json!({});
    json
}

fn with_authorization_header(mut json: Value, value: &str) -> Value {
    json["headers"]["Authorization"] = json!(value);
    json["multiValueHeaders"]["Authorization"] = json!([value]);
    json
}

fn assert_allowed(response: &ApiGatewayCustomAuthorizerResponse) {
    assert_eq!(response.principal_id.as_deref(), Some(OPERATOR_SUB));
    let statements = &response.policy_document.statement;
    assert_eq!(statements.len(), 1);
    assert_eq!(statements[0].effect, IamPolicyEffect::Allow);
    assert_eq!(statements[0].action, vec!["execute-api:Invoke"]);
    assert_eq!(statements[0].resource, vec![METHOD_ARN]);
    assert_eq!(response.context[CONTEXT_OPERATOR_ID], json!(OPERATOR_SUB));
    assert_eq!(response.context[CONTEXT_USERNAME], json!("pc.jones"));
}

fn assert_denied(response: &ApiGatewayCustomAuthorizerResponse) {
    assert_eq!(response.principal_id.as_deref(), Some(ANONYMOUS_PRINCIPAL));
    let statements = &response.policy_document.statement;
    assert_eq!(statements.len(), 1);
    assert_eq!(statements[0].effect, IamPolicyEffect::Deny);
    assert_eq!(statements[0].action, vec!["execute-api:Invoke"]);
    assert_eq!(response.context, json!({}), "a deny names no operator");
}

async fn response_to_token(token: &str) -> ApiGatewayCustomAuthorizerResponse {
    authorize(&verifier(), connect_event(token)).await
}

#[tokio::test]
async fn a_valid_token_in_the_query_string_is_allowed_on_the_method_arn() {
    let token = TestKey::primary().sign(&access_claims());

    let response = response_to_token(&token).await;

    assert_allowed(&response);
}

#[tokio::test]
async fn the_allow_response_has_the_shape_api_gateway_reads() {
    let token = TestKey::primary().sign(&access_claims());

    let response = serde_json::to_value(response_to_token(&token).await).expect("serializable");

    assert_eq!(response["principalId"], json!(OPERATOR_SUB));
    assert_eq!(
        response["policyDocument"],
        json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Action": ["execute-api:Invoke"],
                "Effect": "Allow",
                "Resource": [METHOD_ARN]
            }]
        })
    );
    assert_eq!(
        response["context"],
        json!({ "operatorId": OPERATOR_SUB, "username": "pc.jones", "supervisor": "true" })
    );
}

#[tokio::test]
async fn an_operator_outside_the_supervisors_group_is_not_a_supervisor_in_the_context() {
    let mut claims = access_claims();
    claims["cognito:groups"] = json!(["operators"]);
    let token = TestKey::primary().sign(&claims);

    let response = serde_json::to_value(response_to_token(&token).await).expect("serializable");

    assert_eq!(response["context"]["supervisor"], json!("false"));
    assert_eq!(response["context"]["operatorId"], json!(OPERATOR_SUB));
}

#[tokio::test]
async fn a_valid_bearer_token_in_the_authorization_header_is_allowed() {
    let token = TestKey::primary().sign(&access_claims());
    let json = with_authorization_header(
        without_query_token(connect_event_json("")),
        &format!("Bearer {token}"),
    );

    let response = authorize(&verifier(), event(json)).await;

    assert_allowed(&response);
}

#[tokio::test]
async fn a_token_signed_by_the_wrong_key_is_denied() {
    let token = TestKey::other().sign_as(&TestKey::primary().kid, &access_claims());
    assert_denied(&response_to_token(&token).await);
}

#[tokio::test]
async fn an_alg_none_token_is_denied() {
    let token = unsigned_token(&TestKey::primary().kid, &access_claims());
    assert_denied(&response_to_token(&token).await);
}

#[tokio::test]
async fn a_token_with_an_unknown_kid_is_denied() {
    let token = TestKey::other().sign(&access_claims());
    assert_denied(&response_to_token(&token).await);
}

#[tokio::test]
async fn an_expired_token_is_denied() {
    let mut claims = access_claims();
    claims["iat"] = json!(now() - 7200);
    claims["exp"] = json!(now() - 3600);
    let token = TestKey::primary().sign(&claims);
    assert_denied(&response_to_token(&token).await);
}

#[tokio::test]
async fn a_token_for_another_app_client_is_denied() {
    let mut claims = access_claims();
    claims["client_id"] = json!("anotherappclient");
    let token = TestKey::primary().sign(&claims);
    assert_denied(&response_to_token(&token).await);
}

#[tokio::test]
async fn an_id_token_is_denied_where_an_access_token_is_expected() {
    let token = TestKey::primary().sign(&id_claims());
    assert_denied(&response_to_token(&token).await);
}

#[tokio::test]
async fn a_malformed_token_is_denied() {
    for token in ["garbage", "a.b.c", "eyJhbGciOiJSUzI1NiJ9..", "%2e%2e%2f"] {
        assert_denied(&response_to_token(token).await);
    }
}

#[tokio::test]
async fn an_hs256_token_keyed_with_the_public_key_is_denied() {
    let token = TestKey::primary().forge_hs256_with_public_key(&access_claims());
    assert_denied(&response_to_token(&token).await);
}

#[tokio::test]
async fn a_connection_without_a_token_is_denied() {
    let json = without_query_token(connect_event_json(""));
    assert_denied(&authorize(&verifier(), event(json)).await);
}

#[tokio::test]
async fn a_token_in_both_the_query_string_and_the_header_is_denied() {
    let token = TestKey::primary().sign(&access_claims());
    let json = with_authorization_header(connect_event_json(&token), &format!("Bearer {token}"));
    assert_denied(&authorize(&verifier(), event(json)).await);
}

#[tokio::test]
async fn a_token_repeated_in_the_query_string_is_denied() {
    let token = TestKey::primary().sign(&access_claims());
    let mut json = connect_event_json(&token);
    json["multiValueQueryStringParameters"]["token"] = json!([token, token]);
    assert_denied(&authorize(&verifier(), event(json)).await);
}

#[tokio::test]
async fn an_authorization_header_that_is_not_bearer_is_denied() {
    let json = with_authorization_header(
        without_query_token(connect_event_json("")),
        "Basic cGMuam9uZXM6aHVudGVyMg==",
    );
    assert_denied(&authorize(&verifier(), event(json)).await);
}

#[tokio::test]
async fn a_request_without_a_method_arn_is_denied_everywhere() {
    let token = TestKey::primary().sign(&access_claims());
    let mut json = connect_event_json(&token);
    if let Some(map) = json.as_object_mut() {
        map.remove("methodArn");
    }

    let response = authorize(&verifier(), event(json)).await;

    assert_denied(&response);
    assert_eq!(response.policy_document.statement[0].resource, vec!["*"]);
}

/// Serves one HTTP response on a free local port; yields the base URL and the requested path.
async fn serve_once(
    status: &'static str,
    body: String,
) -> (String, tokio::task::JoinHandle<String>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a local port");
    let address = listener.local_addr().expect("local address");
    let server = tokio::spawn(async move {
        let Ok((mut socket, _)) = listener.accept().await else {
            return String::new();
        };
        let mut request = Vec::new();
        let mut buffer = [0u8; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            match socket.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => request.extend_from_slice(&buffer[..n]),
            }
        }
        let response = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = socket.write_all(response.as_bytes()).await;
        let request = String::from_utf8_lossy(&request).into_owned();
        request
            .split_whitespace()
            .nth(1)
            .unwrap_or_default()
            .to_owned()
    });
    (format!("http://{address}"), server)
}

#[tokio::test]
async fn the_verifier_fetches_the_jwks_from_the_issuers_well_known_url() {
    let (base, server) = serve_once("200 OK", issuer_jwks_json()).await;
    let issuer = format!("{base}/eu-west-2_TestPool1");
    let config = AuthConfig::for_access_tokens(issuer.clone(), CLIENT_ID);

    let verifier = TokenVerifier::fetch(config, None, TrustedRoots::Amazon)
        .await
        .expect("JWKS fetched");

    assert_eq!(
        server.await.expect("server ran"),
        "/eu-west-2_TestPool1/.well-known/jwks.json"
    );
    let mut claims = access_claims();
    claims["iss"] = json!(issuer);
    let token = TestKey::primary().sign(&claims);
    assert!(verifier.verify(&token).is_ok());
}

#[tokio::test]
async fn an_explicit_jwks_url_is_used_instead_of_the_issuers() {
    let (base, server) = serve_once("200 OK", issuer_jwks_json()).await;
    let config = AuthConfig::for_access_tokens(ISSUER, CLIENT_ID);

    TokenVerifier::fetch(config, Some(&format!("{base}/keys")), TrustedRoots::Amazon)
        .await
        .expect("JWKS fetched");

    assert_eq!(server.await.expect("server ran"), "/keys");
}

#[tokio::test]
async fn a_jwks_fetch_that_fails_is_an_error_not_an_empty_key_set() {
    let (base, _server) = serve_once("404 Not Found", "{}".to_owned()).await;
    let config = AuthConfig::for_access_tokens(ISSUER, CLIENT_ID);

    let result = TokenVerifier::fetch(
        config,
        Some(&format!("{base}/missing")),
        TrustedRoots::Amazon,
    )
    .await;

    assert!(matches!(
        result,
        Err(bluelamp::auth::JwksError::Fetch { .. })
    ));
}
