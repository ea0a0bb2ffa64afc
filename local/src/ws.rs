//! The two WebSocket APIs: each socket becomes API Gateway events — `$connect` (after the
//! operator API's authorizer), one event per frame routed on `$request.body.action`, and
//! `$disconnect` — handed to the functions' own handlers.

use crate::sockets::{stage, Outgoing, Socket};
use crate::Gateway;
use aws_lambda_events::apigw::{
    ApiGatewayCustomAuthorizerRequestTypeRequest, ApiGatewayWebsocketProxyRequest,
};
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use bluelamp::delivery::Api;
use bluelamp::protocol::{ACTIONS, OPERATOR_ACTIONS};
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::mpsc;

/// API Gateway's limit on one WebSocket message.
const MAX_INCOMING_BYTES: usize = 128 * 1024;

/// The routes each API has; anything else goes to `$default`. The public API has no
/// operator routes at all.
pub fn routes_of(api: Api) -> Vec<&'static str> {
    match api {
        Api::Public => ACTIONS
            .iter()
            .copied()
            .filter(|a| !OPERATOR_ACTIONS.contains(a))
            .collect(),
        Api::Operator => ACTIONS.to_vec(),
    }
}

/// Route selection on `$request.body.action`, as API Gateway does it.
pub fn select_route(api: Api, body: &str) -> String {
    serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v.get("action").and_then(Value::as_str).map(str::to_owned))
        .filter(|a| routes_of(api).contains(&a.as_str()))
        .unwrap_or_else(|| "$default".to_owned())
}

fn new_connection_id() -> String {
    // The shape of API Gateway's ids: 12 random bytes, base64.
    let bytes = *uuid::Uuid::new_v4().as_bytes();
    base64::engine::general_purpose::URL_SAFE.encode(&bytes[..12])
}

struct Meta {
    api: Api,
    connection_id: String,
    source_ip: String,
    user_agent: String,
    connected_at_ms: i64,
    host: String,
}

fn headers_json(headers: &HeaderMap) -> Value {
    let mut map = serde_json::Map::new();
    for (k, v) in headers {
        if let Ok(v) = v.to_str() {
            map.insert(k.as_str().to_owned(), Value::String(v.to_owned()));
        }
    }
    Value::Object(map)
}

fn api_id(api: Api) -> &'static str {
    match api {
        Api::Public => "localpublic",
        Api::Operator => "localoperator",
    }
}

/// A WebSocket event in API Gateway's shape.
fn ws_event(
    meta: &Meta,
    route: &str,
    event_type: &str,
    body: Option<(String, bool)>,
    authorizer: &Value,
    extra: Value,
) -> Result<ApiGatewayWebsocketProxyRequest, serde_json::Error> {
    let now = chrono::Utc::now();
    let mut event = json!({
        "requestContext": {
            "routeKey": route,
            "eventType": event_type,
            "messageDirection": "IN",
            "extendedRequestId": uuid::Uuid::new_v4().to_string(),
            "requestTime": now.format("%d/%b/%Y:%H:%M:%S %z").to_string(),
            "stage": stage(meta.api),
            "connectedAt": meta.connected_at_ms,
            "requestTimeEpoch": now.timestamp_millis(),
            "identity": { "sourceIp": meta.source_ip, "userAgent": meta.user_agent },
            "requestId": uuid::Uuid::new_v4().to_string(),
            "domainName": meta.host,
            "connectionId": meta.connection_id,
            "apiId": api_id(meta.api),
        },
        "isBase64Encoded": false,
    });
    if !authorizer.is_null() {
        event["requestContext"]["authorizer"] = authorizer.clone();
    }
    if let Some((body, b64)) = body {
        event["body"] = Value::String(body);
        event["isBase64Encoded"] = Value::Bool(b64);
        event["requestContext"]["messageId"] = Value::String(uuid::Uuid::new_v4().to_string());
    }
    if let (Value::Object(e), Value::Object(x)) = (&mut event, extra) {
        e.extend(x);
    }
    serde_json::from_value(event)
}

pub async fn public_upgrade(
    State(gw): State<Arc<Gateway>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    open(
        gw,
        Api::Public,
        peer,
        QueryMaps::of(query),
        headers,
        upgrade,
    )
    .await
}

pub async fn operator_upgrade(
    State(gw): State<Arc<Gateway>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    open(
        gw,
        Api::Operator,
        peer,
        QueryMaps::of(query),
        headers,
        upgrade,
    )
    .await
}

/// The query string as API Gateway gives it to a `$connect` event: `queryStringParameters`
/// holds the last value of each name, `multiValueQueryStringParameters` every value in order
/// (so `?token=A&token=B` reaches the authorizer as two values, which it refuses).
struct QueryMaps {
    single: HashMap<String, String>,
    multi: HashMap<String, Vec<String>>,
}

impl QueryMaps {
    fn of(pairs: Vec<(String, String)>) -> Self {
        let mut single = HashMap::new();
        let mut multi: HashMap<String, Vec<String>> = HashMap::new();
        for (name, value) in pairs {
            multi.entry(name.clone()).or_default().push(value.clone());
            single.insert(name, value);
        }
        Self { single, multi }
    }
}

/// The operator API's `$connect` authorizer: the authorizer function's own handler, given
/// the REQUEST event API Gateway would send. Returns the context for later events.
async fn authorize(
    gw: &Gateway,
    meta: &Meta,
    query: &QueryMaps,
    headers: &HeaderMap,
) -> Option<Value> {
    let event = json!({
        "type": "REQUEST",
        "methodArn": format!(
            "arn:aws:execute-api:eu-west-2:000000000000:{}/{}/$connect",
            api_id(meta.api),
            stage(meta.api)
        ),
        "headers": headers_json(headers),
        "queryStringParameters": query.single,
        "multiValueQueryStringParameters": query.multi,
        "requestContext": {
            "routeKey": "$connect",
            "eventType": "CONNECT",
            "stage": stage(meta.api),
            "connectionId": meta.connection_id,
            "requestId": uuid::Uuid::new_v4().to_string(),
            "apiId": api_id(meta.api),
            "domainName": meta.host,
        },
    });
    let event: ApiGatewayCustomAuthorizerRequestTypeRequest = serde_json::from_value(event).ok()?;
    let response = authorizer::authorize(&gw.verifier, event).await;
    let response = serde_json::to_value(response).ok()?;
    let allowed = response["policyDocument"]["Statement"]
        .as_array()
        .is_some_and(|s| !s.is_empty() && s.iter().all(|st| st["Effect"] == "Allow"));
    if !allowed {
        return None;
    }
    let mut context = response["context"].clone();
    if let Value::Object(c) = &mut context {
        c.insert("principalId".into(), response["principalId"].clone());
    }
    Some(context)
}

async fn open(
    gw: Arc<Gateway>,
    api: Api,
    peer: SocketAddr,
    query: QueryMaps,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let throttle = match api {
        Api::Public => &gw.connect_throttle.0,
        Api::Operator => &gw.connect_throttle.1,
    };
    if !throttle.admit() {
        // API Gateway's answer to a throttled $connect; nothing reaches the functions.
        return (StatusCode::TOO_MANY_REQUESTS, "Too Many Requests").into_response();
    }
    let meta = Meta {
        api,
        connection_id: new_connection_id(),
        source_ip: peer.ip().to_string(),
        user_agent: headers
            .get("user-agent")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
        connected_at_ms: chrono::Utc::now().timestamp_millis(),
        host: headers
            .get("host")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("localhost")
            .to_owned(),
    };
    let authorizer = match api {
        Api::Public => Value::Null,
        Api::Operator => match authorize(&gw, &meta, &query, &headers).await {
            Some(ctx) => ctx,
            None => return (StatusCode::UNAUTHORIZED, "Unauthorized").into_response(),
        },
    };
    let extra = json!({
        "headers": headers_json(&headers),
        "queryStringParameters": query.single,
        "multiValueQueryStringParameters": query.multi,
    });
    let Ok(event) = ws_event(&meta, "$connect", "CONNECT", None, &authorizer, extra) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let response = connect::handle(&gw.deps, event).await;
    if response.status_code != 200 {
        let code = u16::try_from(response.status_code)
            .ok()
            .and_then(|c| StatusCode::from_u16(c).ok())
            .unwrap_or(StatusCode::FORBIDDEN);
        return code.into_response();
    }
    upgrade
        .max_message_size(MAX_INCOMING_BYTES)
        .on_upgrade(move |socket| run(gw, meta, authorizer, socket))
}

/// A socket's life after `$connect`: frames in to the message function, frames out from the
/// management API, `$disconnect` at the end.
async fn run(gw: Arc<Gateway>, meta: Meta, authorizer: Value, socket: WebSocket) {
    let (mut sink, mut stream) = socket.split();
    let (tx, mut rx) = mpsc::unbounded_channel::<Outgoing>();
    let answer = tx.clone();
    let now = chrono::Utc::now();
    gw.sockets.add(
        meta.connection_id.clone(),
        Socket {
            api: meta.api,
            tx,
            connected_at: now,
            last_active_at: now,
            source_ip: meta.source_ip.clone(),
            user_agent: meta.user_agent.clone(),
        },
    );
    let writer = tokio::spawn(async move {
        while let Some(out) = rx.recv().await {
            let sent = match out {
                Outgoing::Text(t) => sink.send(Message::Text(t.into())).await,
                Outgoing::Close => {
                    let _ = sink
                        .send(Message::Close(Some(CloseFrame {
                            code: 1000,
                            reason: "closed by the server".into(),
                        })))
                        .await;
                    break;
                }
                Outgoing::CloseWith(code, reason) => {
                    let _ = sink
                        .send(Message::Close(Some(CloseFrame {
                            code,
                            reason: reason.into(),
                        })))
                        .await;
                    break;
                }
            };
            if sent.is_err() {
                break;
            }
        }
    });
    let mut closing = false;
    while let Some(read) = stream.next().await {
        let msg = match read {
            Ok(msg) => msg,
            // The client closed: reading on sent our answering close; the socket is over.
            Err(_) if closing => break,
            Err(e) => {
                // What API Gateway does with a frame it cannot read: a text frame that is not
                // UTF-8 is 1007; anything else the peer broke is 1002.
                let utf8 = format!("{e}").to_ascii_lowercase().contains("utf-8");
                let _ = answer.send(if utf8 {
                    Outgoing::CloseWith(1007, "invalid frame payload data")
                } else {
                    Outgoing::CloseWith(1002, "protocol error")
                });
                break;
            }
        };
        let body = match msg {
            Message::Text(t) => (t.to_string(), false),
            Message::Binary(b) => (base64::engine::general_purpose::STANDARD.encode(&b), true),
            Message::Close(_) => {
                // The WebSocket library answers a client's close with the same code; reading
                // on sends that answer (breaking off here would drop TCP: 1006 for the client).
                closing = true;
                continue;
            }
            Message::Ping(_) | Message::Pong(_) => continue,
        };
        gw.sockets.touch(&meta.connection_id);
        let route = if body.1 {
            "$default".to_owned()
        } else {
            select_route(meta.api, &body.0)
        };
        match ws_event(&meta, &route, "MESSAGE", Some(body), &authorizer, json!({})) {
            Ok(event) => {
                message::handle(&gw.message, event).await;
            }
            Err(e) => tracing::error!(error = %e, "could not build a message event"),
        }
    }
    gw.sockets.remove(&meta.connection_id);
    drop(answer);
    // Let the writer send the closing frame (it stops after it), then make sure it is gone.
    let abort = writer.abort_handle();
    if tokio::time::timeout(std::time::Duration::from_secs(1), writer)
        .await
        .is_err()
    {
        abort.abort();
    }
    if let Ok(event) = ws_event(
        &meta,
        "$disconnect",
        "DISCONNECT",
        None,
        &authorizer,
        json!({}),
    ) {
        connect::handle(&gw.deps, event).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_follow_the_action_and_the_public_api_has_no_operator_routes() {
        assert_eq!(select_route(Api::Public, r#"{"action":"send"}"#), "send");
        assert_eq!(
            select_route(Api::Public, r#"{"action":"claim"}"#),
            "$default"
        );
        assert_eq!(
            select_route(Api::Operator, r#"{"action":"claim"}"#),
            "claim"
        );
        assert_eq!(select_route(Api::Public, "not json"), "$default");
        assert_eq!(select_route(Api::Public, r#"{"action":7}"#), "$default");
    }
}
