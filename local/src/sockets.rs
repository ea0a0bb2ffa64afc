//! The open sockets of both WebSocket APIs, and the API Gateway management API over them
//! (`POST`/`GET`/`DELETE /{stage}/@connections/{id}`), answering 410 for a gone connection
//! as API Gateway does, so the real SDK client (and the AWS CLI) work against it.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use bluelamp::delivery::Api;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;

/// What the writer task of a socket is asked to do.
#[derive(Debug)]
pub enum Outgoing {
    Text(String),
    /// Closed by the management API (`DELETE @connections/{id}`).
    Close,
    /// The answer to a client's close, or to a frame it could not send: a close frame with
    /// this code (WebSocket closes are a handshake; dropping TCP instead reads as 1006).
    CloseWith(u16, &'static str),
}

pub struct Socket {
    pub api: Api,
    pub tx: mpsc::UnboundedSender<Outgoing>,
    pub connected_at: chrono::DateTime<chrono::Utc>,
    pub last_active_at: chrono::DateTime<chrono::Utc>,
    pub source_ip: String,
    pub user_agent: String,
}

#[derive(Default, Clone)]
pub struct Sockets {
    inner: Arc<Mutex<HashMap<String, Socket>>>,
    /// `PostToConnection` calls answered, to either API, gone sockets included (what a test
    /// counts for the cost of a chat: API Gateway bills each).
    posts: Arc<AtomicU64>,
}

pub fn stage(api: Api) -> &'static str {
    match api {
        Api::Public => "public",
        Api::Operator => "operator",
    }
}

impl Sockets {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Socket>> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn add(&self, id: String, socket: Socket) {
        self.lock().insert(id, socket);
    }

    pub fn remove(&self, id: &str) {
        self.lock().remove(id);
    }

    pub fn touch(&self, id: &str) {
        if let Some(s) = self.lock().get_mut(id) {
            s.last_active_at = chrono::Utc::now();
        }
    }

    /// The ids of the open sockets of one API.
    pub fn ids(&self, api: Api) -> Vec<String> {
        let mut ids: Vec<String> = self
            .lock()
            .iter()
            .filter(|(_, s)| s.api == api)
            .map(|(id, _)| id.clone())
            .collect();
        ids.sort();
        ids
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many `PostToConnection` calls the management API has answered.
    pub fn posts(&self) -> u64 {
        self.posts.load(Ordering::Relaxed)
    }

    /// Sends to a socket of the given API; false when there is no such socket there.
    fn send(&self, api: Api, id: &str, out: Outgoing) -> bool {
        match self.lock().get(id) {
            Some(s) if s.api == api => s.tx.send(out).is_ok(),
            _ => false,
        }
    }
}

/// The management API routes, one stage each (`/public/...`, `/operator/...`): named in full,
/// so that they win over the reports API's `/operator/{*rest}` on the same origin (in AWS the
/// two are different hosts).
pub fn management_routes(sockets: Sockets) -> Router {
    fn routes_of(api: Api) -> axum::routing::MethodRouter<Sockets> {
        post(
            move |s: State<Sockets>, Path(id): Path<String>, body: Bytes| {
                post_to_connection(s, api, id, body)
            },
        )
        .get(move |s: State<Sockets>, Path(id): Path<String>| get_connection(s, api, id))
        .delete(move |s: State<Sockets>, Path(id): Path<String>| delete_connection(s, api, id))
    }
    Router::new()
        .route(
            &format!("/{}/@connections/{{id}}", stage(Api::Public)),
            routes_of(Api::Public),
        )
        .route(
            &format!("/{}/@connections/{{id}}", stage(Api::Operator)),
            routes_of(Api::Operator),
        )
        .with_state(sockets)
}

fn gone() -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(
        "x-amzn-errortype",
        HeaderValue::from_static("GoneException"),
    );
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    (
        StatusCode::GONE,
        headers,
        r#"{"__type":"GoneException","message":"Gone"}"#,
    )
        .into_response()
}

fn payload_too_large() -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(
        "x-amzn-errortype",
        HeaderValue::from_static("PayloadTooLargeException"),
    );
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        headers,
        r#"{"__type":"PayloadTooLargeException","message":"Payload too large"}"#,
    )
        .into_response()
}

async fn post_to_connection(
    State(sockets): State<Sockets>,
    api: Api,
    id: String,
    body: Bytes,
) -> Response {
    sockets.posts.fetch_add(1, Ordering::Relaxed);
    if body.len() > bluelamp::protocol::MAX_SERVER_FRAME_BYTES {
        return payload_too_large();
    }
    let text = String::from_utf8_lossy(&body).into_owned();
    if sockets.send(api, &id, Outgoing::Text(text)) {
        StatusCode::OK.into_response()
    } else {
        gone()
    }
}

async fn get_connection(State(sockets): State<Sockets>, api: Api, id: String) -> Response {
    let found = sockets.lock().get(&id).filter(|s| s.api == api).map(|s| {
        serde_json::json!({
            "connectedAt": s.connected_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "identity": { "sourceIp": s.source_ip, "userAgent": s.user_agent },
            "lastActiveAt": s.last_active_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        })
    });
    match found {
        Some(body) => (StatusCode::OK, axum::Json(body)).into_response(),
        None => gone(),
    }
}

async fn delete_connection(State(sockets): State<Sockets>, api: Api, id: String) -> Response {
    if sockets.send(api, &id, Outgoing::Close) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        gone()
    }
}
