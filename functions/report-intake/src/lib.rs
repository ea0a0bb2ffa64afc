//! The reports REST API (`lambda_http`): citizens submit online reports; operators list the
//! assessment queue, read reports and record assessments. The handler takes its dependencies
//! as arguments, so tests and the local gateway run exactly the code that Lambda runs. Browsers
//! on the form's and the console's origins may call it (CORS, `cors`).

/// The AWS actions of the adapters this function uses (each declared beside its code): the
/// template test holds its role to exactly these and what Lambda itself needs (logs, the data
/// key, a stream mapping's reads and queue). A new part used here is listed here.
pub const AWS_ACTIONS: &[&[&str]] = &[
    bluelamp::report::store::aws_actions::REPORT_STORE,
    bluelamp::store::aws_actions::CHAT_READ,
    bluelamp::store::aws_actions::CHAT_UPDATE,
    bluelamp::store::aws_actions::CHAT_APPEND,
    bluelamp::store::aws_actions::QUEUE,
    bluelamp::store::aws_actions::OPERATORS_ONLINE,
    bluelamp::store::aws_actions::GONE_CONNECTION,
    bluelamp::delivery::AWS_ACTIONS,
];

mod auth;
mod clock;
mod config;
mod cors;
mod limit;
mod operator;
mod problem;
mod public;
mod quick_exit;

pub use auth::{
    AuthError, DenyAllOperators, JwtOperatorAuth, OperatorAuth, SignInConfig, ENV_CLIENT_ID,
    ENV_ISSUER, ENV_JWKS_URL, ENV_OPERATOR_GROUP,
};
pub use clock::{Clock, FixedClock, SystemClock};
pub use config::{
    ConfigError, IntakeConfig, ENV_ASSESSMENT_TARGET_HOURS, ENV_AUDIT_RETENTION_DAYS,
    ENV_CONSOLE_ALLOWED_ORIGINS, ENV_FORCE_ID, ENV_IDEMPOTENCY_HOURS, ENV_MAX_BODY_BYTES,
    ENV_RATE_LIMIT, ENV_RATE_WINDOW_SECONDS, ENV_REPORTS_ALLOWED_ORIGINS, ENV_RETENTION_DAYS,
    MAX_ASSESSMENT_BODY_BYTES,
};
pub use cors::{
    AllowedOrigins, CorsOrigins, InvalidOrigin, Origin, OriginError, PREFLIGHT_MAX_AGE_SECS,
};
pub use limit::{MemoryRateLimiter, RateDecision, SourceRateLimit, Unlimited};
pub use problem::Problem;
pub use public::FLAGGED_REPORT_METRIC;

use bluelamp::report::{EmergencyCheck, ReportStore};
use bluelamp::store::tables;
use cors::Audience;
use lambda_http::http::{header, HeaderValue, Method};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use std::borrow::Cow;
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
    ENV_REPORTS_ALLOWED_ORIGINS,
    ENV_CONSOLE_ALLOWED_ORIGINS,
    // How long audit records are kept (unset: for ever).
    ENV_AUDIT_RETENTION_DAYS,
    // The `Force` dimension of its metric (`bluelamp::metrics::FLAGGED_REPORT_FILED`).
    ENV_FORCE_ID,
    // `POST /chat/quick-exit` is on when `CHATS_TABLE` is set: the function then starts the
    // chat service with `bootstrap::chat_deps_from_env`, which requires the other three of
    // `bootstrap::REQUIRED_CHAT_ENV` and reads `ChatConfig`'s variables. Of those, what it
    // sends depends on two: ending a waiting chat re-announces the queue, and each waiting
    // citizen's `queued` frame carries the report URL and a wait estimated from the average
    // handling time, which must be what the chat functions say.
    tables::CHATS.env_var,
    tables::CONNECTIONS.env_var,
    bluelamp::bootstrap::PUBLIC_WS_ENDPOINT,
    bluelamp::bootstrap::OPERATOR_WS_ENDPOINT,
    "REPORT_URL",
    "AVERAGE_HANDLING_SECS",
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
    /// Its metric (`FlaggedReportFiled`): stdout in Lambda.
    pub metrics: bluelamp::metrics::Metrics,
    /// The chat service, for "Leave the site" without a socket (`POST /chat/quick-exit`);
    /// `None` where the function is not given the chats' tables (the path is then 404).
    pub chats: Option<bluelamp::chat::Deps>,
}

/// What a request's path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Endpoint<'p> {
    /// `/reports`
    Submit,
    /// `/chat/quick-exit`
    QuickExit,
    /// `/operator/reports`
    Queue,
    /// `/operator/reports/{reference}`
    Report(&'p str),
    /// `/operator/reports/{reference}/assessment`
    Assessment(&'p str),
    /// Anything else under `/operator/`: without a token it is refused like the rest, so that
    /// nobody learns what is not there.
    OtherOperator,
    Unknown,
}

impl<'p> Endpoint<'p> {
    fn of(segments: &[&'p str]) -> Self {
        match segments {
            ["reports"] => Self::Submit,
            ["chat", "quick-exit"] => Self::QuickExit,
            ["operator", "reports"] => Self::Queue,
            ["operator", "reports", reference] => Self::Report(reference),
            ["operator", "reports", reference, "assessment"] => Self::Assessment(reference),
            ["operator", ..] => Self::OtherOperator,
            _ => Self::Unknown,
        }
    }

    /// The one method each has (besides a browser's preflight).
    fn method(self) -> Option<Method> {
        match self {
            Self::Submit | Self::QuickExit | Self::Assessment(_) => Some(Method::POST),
            Self::Queue | Self::Report(_) => Some(Method::GET),
            Self::OtherOperator | Self::Unknown => None,
        }
    }

    /// Whose pages may call it from a browser.
    fn audience(self) -> Option<Audience> {
        match self {
            Self::Submit | Self::QuickExit => Some(Audience::Public),
            Self::Unknown => None,
            _ => Some(Audience::Console),
        }
    }
}

/// Handles one request of the reports API. Never fails: every outcome is a response.
pub async fn handle(deps: &Deps, req: Request) -> Response<Body> {
    // Behind a REST API stage, `uri()` carries the stage name; the raw path does not.
    let path = match req.raw_http_path() {
        "" => req.uri().path().to_owned(),
        raw => raw.to_owned(),
    };
    let segments: Vec<Cow<str>> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(decoded)
        .collect();
    let segments: Vec<&str> = segments.iter().map(AsRef::as_ref).collect();
    let endpoint = Endpoint::of(&segments);
    let Some(audience) = endpoint.audience() else {
        return Problem::not_found().into_response();
    };
    let cors = &deps.config.cors;
    // Before any token is asked for: a browser sends its preflight without one.
    if req.method() == Method::OPTIONS {
        return cors::preflight(cors, audience, endpoint.method().as_ref(), req.headers());
    }
    let mut resp = serve(deps, &req, endpoint).await;
    cors::add_headers(cors, audience, req.headers(), &mut resp);
    resp
}

async fn serve(deps: &Deps, req: &Request, endpoint: Endpoint<'_>) -> Response<Body> {
    let method = req.method();
    if endpoint == Endpoint::Submit {
        return match method {
            &Method::POST => public::submit(deps, req).await,
            _ => not_allowed(Method::POST),
        };
    }
    if endpoint == Endpoint::QuickExit {
        return match method {
            &Method::POST => quick_exit::serve(deps, req).await,
            _ => not_allowed(Method::POST),
        };
    }
    let operator = match operator::authenticate(deps, req).await {
        Ok(op) => op,
        Err(problem) => return problem.into_response(),
    };
    match (endpoint, endpoint.method()) {
        (_, Some(allowed)) if allowed != method => not_allowed(allowed),
        (Endpoint::Queue, _) => operator::queue(deps, req, &operator).await,
        (Endpoint::Report(reference), _) => operator::view(deps, reference, &operator).await,
        (Endpoint::Assessment(reference), _) => {
            operator::assess(deps, req, reference, &operator).await
        }
        _ => Problem::not_found().into_response(),
    }
}

/// A path segment percent-decoded (a reference typed with spaces arrives as
/// `BL%20NXK1%206GHV%20C`). The path is split first, so an encoded `/` stays inside its segment;
/// a segment that does not decode to UTF-8 is kept as it came, and so names nothing.
fn decoded(segment: &str) -> Cow<'_, str> {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8()
        .unwrap_or(Cow::Borrowed(segment))
}

/// `405`, with `Allow`: the path's method, and `OPTIONS` for a browser's preflight.
fn not_allowed(allowed: Method) -> Response<Body> {
    let mut resp = Problem::method_not_allowed().into_response();
    if let Ok(allow) = HeaderValue::from_str(&format!("{allowed}, OPTIONS")) {
        resp.headers_mut().insert(header::ALLOW, allow);
    }
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
            let missing = Err(ConfigError::Missing(var));
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
