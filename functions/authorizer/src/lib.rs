//! The operator WebSocket API's `$connect` authorizer: verifies the operator's sign-in token and
//! answers API Gateway with an IAM policy — Allow for a verified operator, Deny for anything else.

/// The AWS actions of the adapters this function uses (each declared beside its code): the
/// template test holds its role to exactly these and what Lambda itself needs (logs, the data
/// key, a stream mapping's reads and queue). A new part used here is listed here.
/// None: it verifies tokens against keys fetched over HTTPS, and calls no AWS API.
pub const AWS_ACTIONS: &[&[&str]] = &[];

use aws_lambda_events::apigw::{
    ApiGatewayCustomAuthorizerPolicy, ApiGatewayCustomAuthorizerRequestTypeRequest,
    ApiGatewayCustomAuthorizerResponse,
};
use aws_lambda_events::http::header::AUTHORIZATION;
use aws_lambda_events::iam::{IamPolicyEffect, IamPolicyStatement};
use bluelamp::auth::{AuthError, OperatorIdentity, TokenVerifier};
use serde_json::{json, Value};
use tracing::{info, warn};

/// Browsers cannot set headers on a WebSocket, so the console sends its token here:
/// `wss://…/prod?token=<access token>`.
pub const TOKEN_QUERY_PARAMETER: &str = "token";
/// The `principalId` of a denied request: API Gateway wants one even then.
pub const ANONYMOUS_PRINCIPAL: &str = "anonymous";
/// The authorizer context's keys and the Cognito variables, as the shared sign-in defines them.
pub use bluelamp::auth::{
    SignInConfig as Config, CONTEXT_OPERATOR_ID, CONTEXT_USERNAME, ENV_CLIENT_ID, ENV_ISSUER,
    ENV_JWKS_URL,
};
/// The message of a refusal's log line (`fields.message`): the template's metric filter
/// counts these lines for the denied sign-ins alarm.
pub const DENIED_LOG_MESSAGE: &str = "operator connection denied";

/// Why a connection was refused: the token's own fault, or how it was presented.
#[derive(Debug, thiserror::Error)]
enum Refusal {
    #[error(transparent)]
    Token(#[from] AuthError),
    #[error("a token was given more than once (query string and header, or repeated)")]
    AmbiguousToken,
    #[error("the Authorization header is not `Bearer <token>`")]
    NotBearer,
    #[error("the request has no methodArn to allow")]
    NoMethodArn,
}

impl Refusal {
    fn kind(&self) -> &'static str {
        match self {
            Refusal::Token(error) => error.kind(),
            Refusal::AmbiguousToken => "ambiguous_token",
            Refusal::NotBearer => "not_bearer",
            Refusal::NoMethodArn => "no_method_arn",
        }
    }
}

/// Decides one `$connect`: Allow `execute-api:Invoke` on its method ARN for a verified operator,
/// with the operator in the context; Deny for anything else. Never fails: a refusal is a Deny.
pub async fn authorize(
    verifier: &TokenVerifier,
    event: ApiGatewayCustomAuthorizerRequestTypeRequest,
) -> ApiGatewayCustomAuthorizerResponse {
    let request_id = event.request_context.request_id.as_deref().unwrap_or("");
    match verified_operator(verifier, &event) {
        Ok((identity, method_arn)) => {
            info!(
                request_id,
                operator_id = %identity.operator_id,
                "operator connection allowed"
            );
            allow(&identity, method_arn)
        }
        Err(refusal) => {
            // The kind and the reason's text only: neither holds the token nor a claim's value.
            warn!(
                request_id,
                reason = refusal.kind(),
                detail = %refusal,
                "{DENIED_LOG_MESSAGE}"
            );
            deny(event.method_arn.as_deref())
        }
    }
}

fn verified_operator<'e>(
    verifier: &TokenVerifier,
    event: &'e ApiGatewayCustomAuthorizerRequestTypeRequest,
) -> Result<(OperatorIdentity, &'e str), Refusal> {
    let token = presented_token(event)?;
    let identity = verifier.verify(token)?;
    let method_arn = event
        .method_arn
        .as_deref()
        .filter(|arn| !arn.is_empty())
        .ok_or(Refusal::NoMethodArn)?;
    Ok((identity, method_arn))
}

/// The one token the client presented: `?token=` (browsers) or `Authorization: Bearer` (others).
fn presented_token(event: &ApiGatewayCustomAuthorizerRequestTypeRequest) -> Result<&str, Refusal> {
    let from_query = match event
        .multi_value_query_string_parameters
        .all(TOKEN_QUERY_PARAMETER)
    {
        Some(values) if values.len() > 1 => return Err(Refusal::AmbiguousToken),
        _ => event.query_string_parameters.first(TOKEN_QUERY_PARAMETER),
    };
    let mut headers = event.headers.get_all(AUTHORIZATION).iter();
    let from_header = match (headers.next(), headers.next()) {
        (None, _) => None,
        (Some(_), Some(_)) => return Err(Refusal::AmbiguousToken),
        (Some(value), None) => Some(bearer_token(
            value.to_str().map_err(|_| Refusal::NotBearer)?,
        )?),
    };
    match (from_query, from_header) {
        (Some(_), Some(_)) => Err(Refusal::AmbiguousToken),
        (Some(token), None) | (None, Some(token)) => Ok(token),
        (None, None) => Err(AuthError::Missing.into()),
    }
}

fn bearer_token(header: &str) -> Result<&str, Refusal> {
    match header.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => Ok(token.trim()),
        _ => Err(Refusal::NotBearer),
    }
}

fn allow(identity: &OperatorIdentity, method_arn: &str) -> ApiGatewayCustomAuthorizerResponse {
    let mut context = json!({ CONTEXT_OPERATOR_ID: identity.operator_id.as_str() });
    if let Some(username) = &identity.username {
        context[CONTEXT_USERNAME] = json!(username);
    }
    // A string: API Gateway hands context values on as strings.
    let supervisor = identity
        .groups
        .iter()
        .any(|g| g == bluelamp::auth::SUPERVISORS_GROUP);
    context[bluelamp::auth::CONTEXT_SUPERVISOR] = json!(supervisor.to_string());
    response(
        identity.operator_id.as_str(),
        IamPolicyEffect::Allow,
        method_arn,
        context,
    )
}

fn deny(method_arn: Option<&str>) -> ApiGatewayCustomAuthorizerResponse {
    let resource = method_arn.filter(|arn| !arn.is_empty()).unwrap_or("*");
    response(
        ANONYMOUS_PRINCIPAL,
        IamPolicyEffect::Deny,
        resource,
        json!({}),
    )
}

fn response(
    principal_id: &str,
    effect: IamPolicyEffect,
    resource: &str,
    context: Value,
) -> ApiGatewayCustomAuthorizerResponse {
    let mut statement = IamPolicyStatement::default();
    statement.action = vec!["execute-api:Invoke".to_owned()];
    statement.effect = effect;
    statement.resource = vec![resource.to_owned()];

    let mut policy = ApiGatewayCustomAuthorizerPolicy::default();
    policy.version = Some("2012-10-17".to_owned());
    policy.statement = vec![statement];

    let mut response = ApiGatewayCustomAuthorizerResponse::default();
    response.principal_id = Some(principal_id.to_owned());
    response.policy_document = policy;
    response.context = context;
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bearer_header_yields_its_token_and_other_schemes_are_refused() {
        assert_eq!(bearer_token("Bearer abc.def.ghi").ok(), Some("abc.def.ghi"));
        assert_eq!(bearer_token("bearer abc").ok(), Some("abc"));
        assert!(matches!(
            bearer_token("Basic dXNlcjpwYXNz"),
            Err(Refusal::NotBearer)
        ));
        assert!(matches!(
            bearer_token("abc.def.ghi"),
            Err(Refusal::NotBearer)
        ));
    }
}
