//! The `connect` function: `$connect` records who opened a socket (an operator when the
//! operator API's authorizer vouched for them, a citizen otherwise); `$disconnect` forgets the
//! socket and tells the operator when a citizen's connection drops.

/// The AWS actions of the adapters this function uses (each declared beside its code): the
/// template test holds its role to exactly these and what Lambda itself needs (logs, the data
/// key, a stream mapping's reads and queue). A new part used here is listed here.
pub const AWS_ACTIONS: &[&[&str]] = &[
    bluelamp::store::aws_actions::CHAT_READ,
    bluelamp::store::aws_actions::CHAT_UPDATE,
    bluelamp::store::aws_actions::CHAT_APPEND,
    bluelamp::store::aws_actions::CONNECTION_OPEN_CLOSE,
];

use aws_lambda_events::apigw::{ApiGatewayProxyResponse, ApiGatewayWebsocketProxyRequest};
use bluelamp::chat::{apply_move, gateway_response, Deps, MoveError};
use bluelamp::domain::{now_ms, Connection, ConnectionId, OperatorId, Role};
use bluelamp::store::StoreError;

pub async fn handle(deps: &Deps, req: ApiGatewayWebsocketProxyRequest) -> ApiGatewayProxyResponse {
    let ctx = &req.request_context;
    let Some(id) = ctx
        .connection_id
        .as_deref()
        .and_then(|c| ConnectionId::parse(c).ok())
    else {
        tracing::warn!("event without a connection id");
        return gateway_response(400);
    };
    let route = ctx.route_key.as_deref().unwrap_or_default();
    let result = match route {
        "$connect" => connect(deps, id, &req).await,
        "$disconnect" => disconnect(deps, &id).await,
        other => {
            tracing::warn!(route = other, "connect function called on another route");
            return gateway_response(400);
        }
    };
    match result {
        Ok(status) => gateway_response(status),
        Err(e) => {
            tracing::error!(route, error = ?e, "storage failure");
            gateway_response(500)
        }
    }
}

/// The authorizer said the operator is in the supervisors group (a string in the context, as
/// API Gateway passes it on; a boolean is read too).
fn is_supervisor(req: &ApiGatewayWebsocketProxyRequest) -> bool {
    match req
        .request_context
        .authorizer
        .fields
        .get(bluelamp::auth::CONTEXT_SUPERVISOR)
    {
        Some(serde_json::Value::Bool(b)) => *b,
        Some(serde_json::Value::String(s)) => s == "true",
        _ => false,
    }
}

/// Identity comes only from the request context: the operator API's authorizer puts the
/// operator id there; the public API has no authorizer, so its sockets are citizens.
fn role_of(req: &ApiGatewayWebsocketProxyRequest) -> Result<Role, ()> {
    match req
        .request_context
        .authorizer
        .fields
        .get(bluelamp::auth::CONTEXT_OPERATOR_ID)
    {
        None => Ok(Role::Citizen),
        Some(v) => v
            .as_str()
            .and_then(|s| OperatorId::parse(s).ok())
            .map(|operator_id| Role::Operator { operator_id })
            .ok_or(()),
    }
}

async fn connect(
    deps: &Deps,
    id: ConnectionId,
    req: &ApiGatewayWebsocketProxyRequest,
) -> Result<i64, StoreError> {
    let Ok(role) = role_of(req) else {
        tracing::warn!(connection_id = %id, "malformed operator identity in the authorizer context");
        return Ok(403);
    };
    let now = now_ms();
    let supervisor = matches!(role, Role::Operator { .. }) && is_supervisor(req);
    let mut conn = Connection::opened(id, role, now, now / 1000 + deps.config.connection_ttl_secs);
    conn.supervisor = supervisor;
    deps.connections.put_connection(&conn).await?;
    match &conn.role {
        Role::Operator { operator_id } => {
            tracing::info!(connection_id = %conn.id, operator_id = %operator_id, "operator connected");
            tell_waiting_citizens(deps).await;
        }
        Role::Citizen => tracing::info!(connection_id = %conn.id, "citizen connected"),
    }
    Ok(200)
}

/// An operator came or went: waiting citizens hear who can answer now. A failure here costs
/// only a fresher estimate, never the connection.
async fn tell_waiting_citizens(deps: &Deps) {
    if let Err(e) = bluelamp::chat::announce_availability(deps, &deps.config.force).await {
        tracing::warn!(error = ?e, "could not tell waiting citizens who is available");
    }
}

async fn disconnect(deps: &Deps, id: &ConnectionId) -> Result<i64, StoreError> {
    let Some(conn) = deps.connections.delete_connection(id).await? else {
        return Ok(200);
    };
    if matches!(conn.role, Role::Operator { .. }) {
        tracing::info!(connection_id = %id, "operator disconnected");
        tell_waiting_citizens(deps).await;
        return Ok(200);
    }
    let (Role::Citizen, Some(chat_id)) = (&conn.role, &conn.chat) else {
        tracing::info!(connection_id = %id, "disconnected");
        return Ok(200);
    };
    let Some(chat) = deps.chats.get_chat(chat_id).await? else {
        return Ok(200);
    };
    // Only if this socket is still the chat's: a citizen who already resumed elsewhere
    // has not left. A chat that ended meanwhile has nothing to record.
    match apply_move(deps, &chat, |c| Ok(c.citizen_disconnected(id))).await {
        Ok(_) | Err(MoveError::Refused { .. } | MoveError::NotFound | MoveError::Contended) => {}
        Err(MoveError::Store(e)) => return Err(e),
    }
    tracing::info!(connection_id = %id, chat_id = %chat_id, "citizen disconnected");
    Ok(200)
}
