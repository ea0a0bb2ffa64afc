//! The reports REST API (`lambda_http`): citizens submit online reports; operators list the
//! assessment queue, read reports and record assessments. The handler takes its dependencies
//! as arguments, so tests and the local gateway run exactly the code that Lambda runs.

mod auth;
mod clock;
mod config;
mod limit;
mod operator;
mod problem;
mod public;

pub use auth::{
    AuthError, DenyAllOperators, JwtOperatorAuth, OperatorAuth, SignInConfig, ENV_CLIENT_ID,
    ENV_ISSUER, ENV_JWKS_URL, ENV_OPERATOR_GROUP,
};
pub use clock::{Clock, FixedClock, SystemClock};
pub use config::{
    ConfigError, IntakeConfig, ENV_ASSESSMENT_TARGET_HOURS, ENV_IDEMPOTENCY_HOURS,
    ENV_MAX_BODY_BYTES, ENV_RATE_LIMIT, ENV_RATE_WINDOW_SECONDS, ENV_RETENTION_DAYS,
    MAX_ASSESSMENT_BODY_BYTES,
};
pub use limit::{MemoryRateLimiter, RateDecision, SourceRateLimit, Unlimited};
pub use problem::Problem;

use bluelamp::report::{EmergencyCheck, ReportStore};
use bluelamp::store::tables;
use lambda_http::http::{header, HeaderValue, Method};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use std::sync::Arc;

/// Every variable the function cannot start without: its two tables
/// (`bootstrap::report_tables_from_env`), whose tokens it accepts ([`SignInConfig`]) and how
/// long reports are kept ([`IntakeConfig`]). The template's check reads this.
pub const REQUIRED_ENV: &[&str] = &[
    tables::REPORTS.env_var,
    tables::AUDIT.env_var,
    ENV_ISSUER,
    ENV_CLIENT_ID,
    ENV_RETENTION_DAYS,
];

/// The variables it reads when they are set (each has a default, or is off when unset).
pub const OPTIONAL_ENV: &[&str] = &[
    ENV_JWKS_URL,
    ENV_OPERATOR_GROUP,
    ENV_ASSESSMENT_TARGET_HOURS,
    ENV_IDEMPOTENCY_HOURS,
    ENV_MAX_BODY_BYTES,
    ENV_RATE_LIMIT,
    ENV_RATE_WINDOW_SECONDS,
];

/// Everything the handler needs, built once per process.
#[derive(Clone)]
pub struct Deps {
    pub store: Arc<dyn ReportStore>,
    pub auth: Arc<dyn OperatorAuth>,
    pub emergency: Arc<dyn EmergencyCheck>,
    pub rate_limit: Arc<dyn SourceRateLimit>,
    pub clock: Arc<dyn Clock>,
    pub config: IntakeConfig,
}

/// Handles one request of the reports API. Never fails: every outcome is a response.
pub async fn handle(deps: &Deps, req: Request) -> Response<Body> {
    // Behind a REST API stage, `uri()` carries the stage name; the raw path does not.
    let path = match req.raw_http_path() {
        "" => req.uri().path().to_owned(),
        raw => raw.to_owned(),
    };
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let method = req.method().clone();
    match segments.as_slice() {
        ["reports"] if method == Method::POST => public::submit(deps, &req).await,
        ["reports"] => not_allowed("POST"),
        ["operator", rest @ ..] => {
            let operator = match operator::authenticate(deps, &req).await {
                Ok(op) => op,
                Err(problem) => return problem.into_response(),
            };
            match (rest, method) {
                (["reports"], Method::GET) => operator::queue(deps, &req, &operator).await,
                (["reports"], _) => not_allowed("GET"),
                (["reports", reference], Method::GET) => {
                    operator::view(deps, reference, &operator).await
                }
                (["reports", _], _) => not_allowed("GET"),
                (["reports", reference, "assessment"], Method::POST) => {
                    operator::assess(deps, &req, reference, &operator).await
                }
                (["reports", _, "assessment"], _) => not_allowed("POST"),
                _ => Problem::not_found().into_response(),
            }
        }
        _ => Problem::not_found().into_response(),
    }
}

fn not_allowed(allow: &'static str) -> Response<Body> {
    let mut resp = Problem::method_not_allowed().into_response();
    resp.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    resp
}

/// The caller's address as API Gateway saw it: the key of the per-source rate limit.
pub fn source_ip(req: &Request) -> String {
    let ip = match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV1(ctx)) => ctx.identity.source_ip.clone(),
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx.http.source_ip.clone(),
        _ => None,
    };
    ip.unwrap_or_else(|| "unknown".to_owned())
}

/// Whether the request says its body is JSON (`application/json`, any parameters).
fn is_json(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

#[cfg(test)]
mod env_tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup<'a>(map: &'a HashMap<&'a str, &'a str>) -> impl Fn(&str) -> Option<String> + 'a {
        |var| map.get(var).map(|v| (*v).to_owned())
    }

    /// `REQUIRED_ENV` is what the configuration really requires: with all of it the function's
    /// configuration reads; without any one of them it names that one.
    #[test]
    fn the_required_variables_are_exactly_what_the_configuration_requires() {
        let all: HashMap<&str, &str> = REQUIRED_ENV
            .iter()
            .map(|var| {
                (
                    *var,
                    if *var == ENV_ISSUER {
                        "https://issuer"
                    } else {
                        "7"
                    },
                )
            })
            .collect();
        assert!(IntakeConfig::from_lookup(lookup(&all)).is_ok());
        assert!(SignInConfig::from_lookup(lookup(&all)).is_ok());
        for var in [ENV_ISSUER, ENV_CLIENT_ID, ENV_RETENTION_DAYS] {
            let mut without = all.clone();
            without.remove(var);
            let missing = Err(ConfigError::Missing { var });
            let intake = IntakeConfig::from_lookup(lookup(&without)).map(|_| ());
            let sign_in = SignInConfig::from_lookup(lookup(&without)).map(|_| ());
            assert!(intake == missing || sign_in == missing, "{var}");
        }
        // The table names are read by `bootstrap::report_tables_from_env`.
        for def in [tables::REPORTS, tables::AUDIT] {
            assert!(REQUIRED_ENV.contains(&def.env_var));
        }
    }
}
