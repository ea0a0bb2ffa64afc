//! The reports REST API on localhost: each HTTP request becomes the proxy event API Gateway's
//! REST API would send (path, headers, query, body, and the source address in the request
//! context), read by `lambda_http` as in Lambda, and handled by `report_intake::handle`.

use crate::GatewayConfig;
use anyhow::Context;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bluelamp::auth::TokenVerifier;
use bluelamp::report::{DynamoReportStore, MemoryReportStore, ReportStore, ReportTables};
use bluelamp::store::tables::{self, TableDef};
use lambda_http::aws_lambda_events::apigw::{
    ApiGatewayProxyRequest, ApiGatewayProxyRequestContext,
};
use report_intake::{Deps, JwtOperatorAuth, MemoryRateLimiter, Origin, SystemClock};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// The stage name in the events' request context (a deployment's is `prod`, say).
pub const STAGE: &str = "local";
/// API Gateway refuses a payload over 10 MB before any function sees it.
const MAX_PAYLOAD_BYTES: usize = 10 * 1024 * 1024;

/// The report store of the gateway's storage: embedded by default, or the DynamoDB adapter
/// on `--dynamodb-endpoint` (tables made from `store::tables` if they are not there).
pub async fn open_report_store(config: &GatewayConfig) -> anyhow::Result<Arc<dyn ReportStore>> {
    let Some(endpoint) = &config.dynamodb_endpoint else {
        return Ok(Arc::new(MemoryReportStore::new()));
    };
    let sdk = bluelamp::config::aws_local(Some(endpoint));
    let client = aws_sdk_dynamodb::Client::new(&sdk);
    let names = ReportTables {
        reports: format!("{}reports", config.table_prefix),
        audit: format!("{}audit", config.table_prefix),
    };
    for (def, name) in [
        (tables::REPORTS, &names.reports),
        (tables::AUDIT, &names.audit),
    ] {
        ensure_table(&client, def, name)
            .await
            .with_context(|| format!("preparing table {name} on DynamoDB at {endpoint}"))?;
    }
    Ok(Arc::new(DynamoReportStore::new(client, names)))
}

async fn ensure_table(
    client: &aws_sdk_dynamodb::Client,
    def: TableDef,
    name: &str,
) -> anyhow::Result<()> {
    match client.describe_table().table_name(name).send().await {
        Ok(_) => Ok(()),
        Err(e)
            if e.as_service_error()
                .is_some_and(|se| se.is_resource_not_found_exception()) =>
        {
            Ok(def.create(client, name).await?)
        }
        Err(e) => Err(e.into()),
    }
}

/// The gateway's own origins on `port` (`http://localhost:PORT`, `http://127.0.0.1:PORT`,
/// `http://[::1]:PORT`): a page it serves, under any of its names, may call the reports API as
/// the form and as the console, besides the origins configured.
pub fn own_origins(port: u16) -> anyhow::Result<Vec<Origin>> {
    ["localhost", "127.0.0.1", "[::1]"]
        .into_iter()
        .map(|host| {
            let text = format!("http://{host}:{port}");
            Origin::parse(&text).with_context(|| format!("the gateway's origin {text}"))
        })
        .collect()
}

/// What the function gets locally: the same code as in Lambda, with the gateway's store, the
/// local sign-in's tokens, the configured limits, and the configured origins with the
/// gateway's own (it listens on `port`).
pub async fn deps(
    config: &GatewayConfig,
    verifier: TokenVerifier,
    port: u16,
    chats: bluelamp::chat::Deps,
) -> anyhow::Result<Deps> {
    let mut intake = config.reports.clone();
    for origin in own_origins(port)? {
        intake.cors.public.insert(origin.clone());
        intake.cors.console.insert(origin);
    }
    Ok(Deps {
        store: open_report_store(config).await?,
        auth: Arc::new(JwtOperatorAuth::new(verifier)),
        emergency: Arc::new(bluelamp::faq::EmergencyDetector::new()?),
        rate_limit: Arc::new(MemoryRateLimiter::new(
            intake.rate_limit,
            intake.rate_window,
        )),
        clock: Arc::new(SystemClock),
        config: intake,
        metrics: bluelamp::metrics::Metrics::discard(),
        chats: Some(chats),
    })
}

/// `/reports`, `/chat/quick-exit` and everything under `/operator/`, every method, as the
/// template's REST API routes them (`/operator/{proxy+}`): the function answers 401, 404 and
/// 405 itself.
pub fn routes(deps: Deps) -> Router {
    let deps = Arc::new(deps);
    Router::new()
        .route("/reports", any(serve))
        .route("/chat/quick-exit", any(serve))
        .route("/operator/{*rest}", any(serve))
        .with_state(deps)
}

async fn serve(State(deps): State<Arc<Deps>>, req: axum::extract::Request) -> Response {
    let source = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string());
    let (parts, body) = req.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_PAYLOAD_BYTES).await else {
        return gateway_error(StatusCode::PAYLOAD_TOO_LARGE, "Request Too Long");
    };
    let event = proxy_event(&parts, &body, source.as_deref());
    // Through JSON, as the Lambda runtime reads an event; a request that cannot be put into
    // an event at all is refused here, as API Gateway would.
    let request = match serde_json::to_string(&event)
        .ok()
        .and_then(|json| lambda_http::request::from_str(&json).ok())
    {
        Some(r) => r,
        None => return gateway_error(StatusCode::BAD_REQUEST, "Bad Request"),
    };
    let resp = report_intake::handle(&deps, request).await;
    let (parts, body) = resp.into_parts();
    Response::from_parts(
        parts,
        axum::body::Body::from(Bytes::copy_from_slice(body.as_ref())),
    )
}

/// API Gateway's own refusals are `{"message": ...}`, not the function's problem bodies.
fn gateway_error(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::json!({ "message": message }).to_string(),
    )
        .into_response()
}

/// The REST API proxy event for one request: `resource` as the API declares it (`/reports`,
/// `/operator/{proxy+}`), query values decoded, the body as text or base64, and `Host` as the
/// API's own domain, never what the client claims.
pub fn proxy_event(
    parts: &axum::http::request::Parts,
    body: &[u8],
    source_ip: Option<&str>,
) -> ApiGatewayProxyRequest {
    let path = parts.uri.path().to_owned();
    let (resource, path_parameters) = match path.strip_prefix("/operator/") {
        Some(rest) => (
            "/operator/{proxy+}",
            HashMap::from([("proxy".to_owned(), rest.to_owned())]),
        ),
        None => ("/reports", HashMap::new()),
    };
    let mut multi_query: HashMap<String, Vec<String>> = HashMap::new();
    let mut single_query: HashMap<String, String> = HashMap::new();
    if let Some(q) = parts.uri.query() {
        for (k, v) in form_urlencoded::parse(q.as_bytes()) {
            multi_query
                .entry(k.to_string())
                .or_default()
                .push(v.to_string());
            single_query.insert(k.into_owned(), v.into_owned());
        }
    }
    let domain = "localhost";
    let mut headers = parts.headers.clone();
    headers.insert(header::HOST, HeaderValue::from_static(domain));

    let mut ctx = ApiGatewayProxyRequestContext::default();
    ctx.account_id = Some("000000000000".to_owned());
    ctx.apiid = Some("local".to_owned());
    ctx.stage = Some(STAGE.to_owned());
    ctx.domain_name = Some(domain.to_owned());
    ctx.request_id = Some(uuid::Uuid::new_v4().to_string());
    ctx.protocol = Some("HTTP/1.1".to_owned());
    ctx.identity.source_ip = source_ip.map(str::to_owned);
    ctx.identity.user_agent = parts
        .headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    ctx.resource_path = Some(resource.to_owned());
    ctx.path = Some(format!("/{STAGE}{path}"));
    ctx.http_method = parts.method.clone();
    ctx.request_time_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or_default();

    let mut event = ApiGatewayProxyRequest::default();
    event.resource = Some(resource.to_owned());
    event.path = Some(path);
    event.http_method = parts.method.clone();
    event.headers = headers.clone();
    event.multi_value_headers = headers;
    event.query_string_parameters = single_query.into();
    event.multi_value_query_string_parameters = multi_query.into();
    event.path_parameters = path_parameters;
    event.request_context = ctx;
    (event.body, event.is_base64_encoded) = match std::str::from_utf8(body) {
        _ if body.is_empty() => (None, false),
        Ok(text) => (Some(text.to_owned()), false),
        Err(_) => (Some(STANDARD.encode(body)), true),
    };
    event
}
