//! The `message` function: every frame a socket sends, on either API. It checks who is
//! speaking (from the request context), validates, stores, and acknowledges; delivery to the
//! other side happens downstream, from the table's stream.

/// The AWS actions of the adapters this function uses (each declared beside its code): the
/// template test holds its role to exactly these and what Lambda itself needs (logs, the data
/// key, a stream mapping's reads and queue). A new part used here is listed here.
pub const AWS_ACTIONS: &[&[&str]] = &[
    bluelamp::store::aws_actions::CHAT_READ,
    bluelamp::store::aws_actions::CHAT_UPDATE,
    bluelamp::store::aws_actions::CHAT_APPEND,
    bluelamp::store::aws_actions::HISTORY,
    bluelamp::store::aws_actions::QUEUE,
    bluelamp::store::aws_actions::HELD_BY,
    bluelamp::store::aws_actions::CONNECTION_STATE,
    bluelamp::store::aws_actions::GONE_CONNECTION,
    bluelamp::store::aws_actions::OPERATORS_ONLINE,
    bluelamp::store::aws_actions::FEEDBACK,
    bluelamp::store::aws_actions::UNANSWERED_LIST,
    bluelamp::delivery::AWS_ACTIONS,
    bluelamp::translation::AMAZON_AWS_ACTIONS,
    bluelamp::translation::GOOGLE_KEY_AWS_ACTIONS,
];

mod citizen;
mod operator;
mod preview;

use aws_lambda_events::apigw::{ApiGatewayProxyResponse, ApiGatewayWebsocketProxyRequest};
use bluelamp::chat::{api_of, gateway_response, Deps};
use bluelamp::domain::{ConnectionId, Role};
use bluelamp::faq::UnansweredLog;
use bluelamp::protocol::{
    parse_client_frame, ClientError, ClientFrame, ErrorCode, ServerFrame, CITIZEN_ACTIONS,
    OPERATOR_ACTIONS,
};
use bluelamp::store::{AppendError, FeedbackLog, RateError, StoreError, UpdateError};
use bluelamp::translation::Translator;
use std::sync::Arc;

/// What the function needs: the chat core's ports, the citizens' ratings, the bot's
/// unanswered questions (for operators), and a translator for the operator's reply previews
/// (the same providers the translate function uses; people's words, so never cached).
#[derive(Clone)]
pub struct MessageDeps {
    pub chat: Deps,
    pub feedback: Arc<dyn FeedbackLog>,
    pub unanswered: Arc<dyn UnansweredLog>,
    pub preview: Arc<dyn Translator>,
}

/// Why an action did not happen: the client's fault (told to them), or ours (logged; the
/// client gets a generic error and may retry).
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error("client error {:?}", .0.code)]
    Client(ClientError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Failure {
    pub fn client(code: ErrorCode, message: &str) -> Self {
        Failure::Client(ClientError::new(code, message))
    }
}

impl From<AppendError> for Failure {
    fn from(e: AppendError) -> Self {
        match e {
            AppendError::NotFound => Failure::client(ErrorCode::NoChat, "there is no such chat"),
            AppendError::ChatEnded => Failure::client(ErrorCode::ChatEnded, "the chat has ended"),
            AppendError::Store(s) => Failure::Store(s),
        }
    }
}

impl From<bluelamp::chat::MoveError> for Failure {
    fn from(e: bluelamp::chat::MoveError) -> Self {
        use bluelamp::chat::MoveError;
        match e {
            MoveError::Refused { error, .. } => citizen::transition(error),
            MoveError::NotFound => Failure::client(ErrorCode::NoChat, "there is no such chat"),
            MoveError::Contended => Failure::client(
                ErrorCode::NotWaiting,
                "the chat changed meanwhile; look again",
            ),
            MoveError::Store(s) => Failure::Store(s),
        }
    }
}

impl From<UpdateError> for Failure {
    fn from(e: UpdateError) -> Self {
        match e {
            UpdateError::NotFound => Failure::client(ErrorCode::NoChat, "there is no such chat"),
            UpdateError::Conflict => Failure::client(
                ErrorCode::NotWaiting,
                "the chat changed meanwhile; look again",
            ),
            UpdateError::Store(s) => Failure::Store(s),
        }
    }
}

/// `MessagesStored`: one per citizen's or operator's message stored (a retried frame that
/// stored nothing new counts nothing).
fn count_stored(deps: &Deps, appended: &bluelamp::store::Appended) {
    if !appended.duplicate {
        deps.metrics
            .count(&deps.config.force, bluelamp::metrics::MESSAGES_STORED, 1);
    }
}

fn ok() -> ApiGatewayProxyResponse {
    gateway_response(200)
}

fn status(code: i64) -> ApiGatewayProxyResponse {
    gateway_response(code)
}

/// The body as text, decoding base64 when API Gateway says it is.
fn body_text(req: &ApiGatewayWebsocketProxyRequest) -> String {
    use base64::Engine;
    let raw = req.body.clone().unwrap_or_default();
    if req.is_base64_encoded {
        base64::engine::general_purpose::STANDARD
            .decode(raw.as_bytes())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default()
    } else {
        raw
    }
}

/// Handles one frame. Always answers 200 to API Gateway once the sender is known: replies
/// and errors go to the socket as frames.
pub async fn handle(
    deps: &MessageDeps,
    req: ApiGatewayWebsocketProxyRequest,
) -> ApiGatewayProxyResponse {
    let ports = deps;
    let deps = &ports.chat;
    let Some(connection_id) = req
        .request_context
        .connection_id
        .as_deref()
        .and_then(|c| ConnectionId::parse(c).ok())
    else {
        tracing::warn!("frame without a connection id");
        return status(400);
    };
    let now_secs = bluelamp::domain::now_ms() / 1000;
    let conn = match deps
        .connections
        .admit_frame(&connection_id, now_secs, deps.config.rate_limit)
        .await
    {
        Ok(conn) => conn,
        Err(RateError::NotFound) => {
            tracing::warn!(connection_id = %connection_id, "frame from an unknown connection");
            return status(403);
        }
        Err(RateError::Limited) => {
            // The connection item is not returned on a refusal; the API follows from the
            // route: only the operator API carries an authorizer context.
            let api = if req.request_context.authorizer.fields.is_empty() {
                bluelamp::delivery::Api::Public
            } else {
                bluelamp::delivery::Api::Operator
            };
            tracing::info!(connection_id = %connection_id, "rate limited");
            let frame = ServerFrame::error(
                ErrorCode::RateLimited,
                "too many frames; slow down and try again shortly",
            );
            let _ = deps.post(api, &connection_id, &frame).await;
            return ok();
        }
        Err(RateError::Store(e)) => {
            tracing::error!(connection_id = %connection_id, error = ?e, "could not admit a frame");
            return status(500);
        }
    };
    let api = api_of(&conn.role);
    let reply = match parse_client_frame(&body_text(&req)) {
        Err(e) => Err(Failure::Client(e)),
        Ok(frame) => dispatch(ports, &conn, frame).await,
    };
    let frame = match reply {
        Ok(Some(frame)) => frame,
        Ok(None) => return ok(),
        Err(Failure::Client(e)) => {
            tracing::info!(connection_id = %connection_id, code = ?e.code, "client error");
            ServerFrame::Error(e)
        }
        Err(Failure::Store(e)) => {
            tracing::error!(connection_id = %connection_id, error = ?e, "storage failure");
            ServerFrame::error(
                ErrorCode::Internal,
                "something went wrong; please try again",
            )
        }
    };
    let _ = deps.post(api, &connection_id, &frame).await;
    ok()
}

async fn dispatch(
    deps: &MessageDeps,
    conn: &bluelamp::domain::Connection,
    frame: ClientFrame,
) -> Result<Option<ServerFrame>, Failure> {
    let action = frame.action();
    tracing::info!(connection_id = %conn.id, action, "frame");
    match &conn.role {
        Role::Citizen if OPERATOR_ACTIONS.contains(&action) => Err(Failure::client(
            ErrorCode::Forbidden,
            "that action is for operators",
        )),
        Role::Operator { .. } if CITIZEN_ACTIONS.contains(&action) => Err(Failure::client(
            ErrorCode::Forbidden,
            "that action is for citizens",
        )),
        Role::Citizen => citizen::dispatch(deps, conn, frame).await,
        Role::Operator { operator_id } => operator::dispatch(deps, conn, operator_id, frame).await,
    }
}
