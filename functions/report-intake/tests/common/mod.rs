//! Test harness for the handler: dependencies with a memory store, a fixed clock and a token
//! table, and requests shaped as API Gateway would hand them over.
#![allow(dead_code)]

use async_trait::async_trait;
use bluelamp::config::ChatConfig;
use bluelamp::delivery::RecordingDelivery;
use bluelamp::domain::OperatorId;
use bluelamp::report::MemoryReportStore;
use bluelamp::store::MemoryStore;
use chrono::{DateTime, Utc};
use lambda_http::aws_lambda_events::apigw::ApiGatewayProxyRequestContext;
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use report_intake::{
    handle, AllowedOrigins, AuthError, CorsOrigins, Deps, FixedClock, IntakeConfig, OperatorAuth,
    SourceRateLimit, Unlimited,
};
use serde_json::Value;
use std::sync::Arc;

pub const OPERATOR_TOKEN: &str = "token-for-op-1";
pub const OPERATOR: &str = "op-1";
pub const FORBIDDEN_TOKEN: &str = "token-for-a-non-assessor";
/// The origin of the force's report form (as in `docs/openapi.yaml`).
pub const FORM_ORIGIN: &str = "https://www.demo.police.uk";
/// The origin of the operator console.
pub const CONSOLE_ORIGIN: &str = "https://console.demo.police.uk";

/// The "now" of every test: the examples in the docs are dated the day before.
pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-28T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// Stands in for the JWT verifier: one known operator, one who may not assess.
pub struct TokenTable;

#[async_trait]
impl OperatorAuth for TokenTable {
    async fn verify(&self, bearer: &str) -> Result<OperatorId, AuthError> {
        match bearer {
            OPERATOR_TOKEN => Ok(OperatorId::parse(OPERATOR).unwrap()),
            FORBIDDEN_TOKEN => Err(AuthError::Forbidden),
            _ => Err(AuthError::Invalid),
        }
    }
}

pub struct App {
    pub deps: Deps,
    pub store: Arc<MemoryReportStore>,
    /// The chat service's store and delivery (`POST /chat/quick-exit`), as `deps.chats` has
    /// them.
    pub chat_store: Arc<MemoryStore>,
    pub delivery: Arc<RecordingDelivery>,
}

pub fn app() -> App {
    app_with_limit(Arc::new(Unlimited))
}

pub fn app_with_limit(rate_limit: Arc<dyn SourceRateLimit>) -> App {
    let store = Arc::new(MemoryReportStore::new());
    let chat_store = Arc::new(MemoryStore::new());
    let delivery = Arc::new(RecordingDelivery::new());
    let deps = Deps {
        store: store.clone(),
        auth: Arc::new(TokenTable),
        emergency: Arc::new(
            bluelamp::faq::EmergencyDetector::new().expect("the shipped lexicon loads"),
        ),
        rate_limit,
        clock: Arc::new(FixedClock(now())),
        config: IntakeConfig::default(),
        metrics: bluelamp::metrics::Metrics::discard(),
        chats: Some(bluelamp::chat::Deps::over(
            chat_store.clone(),
            delivery.clone(),
            ChatConfig::default(),
            bluelamp::metrics::Metrics::discard(),
        )),
    };
    App {
        deps,
        store,
        chat_store,
        delivery,
    }
}

impl App {
    /// The app with the form's origin allowed on `/reports` and the console's on `/operator/`.
    pub fn for_browsers(mut self) -> Self {
        self.deps.config.cors = CorsOrigins {
            public: AllowedOrigins::parse(FORM_ORIGIN).unwrap(),
            console: AllowedOrigins::parse(CONSOLE_ORIGIN).unwrap(),
        };
        self
    }

    /// The app as deployed without the chat service (no `CHATS_TABLE`).
    pub fn without_chats(mut self) -> Self {
        self.deps.chats = None;
        self
    }

    pub async fn send(&self, req: Request) -> Response<Body> {
        handle(&self.deps, req).await
    }
}

pub fn from_ip(req: Request, ip: &str) -> Request {
    let mut ctx = ApiGatewayProxyRequestContext::default();
    ctx.identity.source_ip = Some(ip.to_owned());
    ctx.stage = Some("prod".to_owned());
    req.with_request_context(RequestContext::ApiGatewayV1(ctx))
}

/// A crime report that is taken (a theft, reported by the victim): openapi.yaml's example.
pub fn crime() -> Value {
    bluelamp::report::examples::crime()
}

pub fn post_report(body: &str, key: Option<&str>) -> Request {
    let mut b = lambda_http::http::Request::builder()
        .method("POST")
        .uri("/reports")
        .header("content-type", "application/json");
    if let Some(k) = key {
        b = b.header("idempotency-key", k);
    }
    from_ip(b.body(Body::from(body.to_owned())).unwrap(), "198.51.100.7")
}

/// `POST /chat/quick-exit` as the widget's beacon sends it (`text/plain`, from a citizen).
pub fn beacon(body: &str) -> Request {
    let req = lambda_http::http::Request::builder()
        .method("POST")
        .uri("/chat/quick-exit")
        .header("content-type", "text/plain;charset=UTF-8")
        .body(Body::from(body.to_owned()))
        .unwrap();
    from_ip(req, "198.51.100.7")
}

pub fn operator_get(path: &str, token: Option<&str>) -> Request {
    let mut b = lambda_http::http::Request::builder()
        .method("GET")
        .uri(path);
    if let Some(t) = token {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    from_ip(b.body(Body::Empty).unwrap(), "10.0.0.1")
}

pub fn operator_post(path: &str, token: Option<&str>, body: &str) -> Request {
    let mut b = lambda_http::http::Request::builder()
        .method("POST")
        .uri(path)
        .header("content-type", "application/json");
    if let Some(t) = token {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    from_ip(b.body(Body::from(body.to_owned())).unwrap(), "10.0.0.1")
}

/// The request as a page on `origin` sends it.
pub fn from_origin(mut req: Request, origin: &str) -> Request {
    req.headers_mut().insert("origin", origin.parse().unwrap());
    req
}

/// A browser's preflight from `origin` for `method` with `headers` (as it lists them).
pub fn preflight(path: &str, origin: Option<&str>, method: &str, headers: Option<&str>) -> Request {
    let mut b = lambda_http::http::Request::builder()
        .method("OPTIONS")
        .uri(path)
        .header("access-control-request-method", method);
    if let Some(o) = origin {
        b = b.header("origin", o);
    }
    if let Some(h) = headers {
        b = b.header("access-control-request-headers", h);
    }
    from_ip(b.body(Body::Empty).unwrap(), "198.51.100.7")
}

pub fn body_text(resp: &Response<Body>) -> String {
    String::from_utf8(resp.body().as_ref().to_vec()).unwrap()
}

pub fn body_json(resp: &Response<Body>) -> Value {
    serde_json::from_slice(resp.body().as_ref()).unwrap_or(Value::Null)
}

pub fn header<'a>(resp: &'a Response<Body>, name: &str) -> Option<&'a str> {
    resp.headers().get(name).and_then(|v| v.to_str().ok())
}
