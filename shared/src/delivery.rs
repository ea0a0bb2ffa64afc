//! Delivery: posting frames to WebSocket connections through the API Gateway management API.
//! A connection that is gone (410) is over — it is removed, never treated as a failure.

/// The AWS actions this adapter calls (see `store::dynamo::aws_actions`): a post to a socket of
/// either WebSocket API (its gone sockets are forgotten through `GONE_CONNECTION`).
pub const AWS_ACTIONS: &[&str] = &[
    "execute-api:ManageConnections PublicWebSocketApi",
    "execute-api:ManageConnections OperatorWebSocketApi",
];

use crate::domain::ConnectionId;
use crate::protocol::{ServerFrame, MAX_SERVER_FRAME_BYTES};
use crate::store::ConnectionStore;
use async_trait::async_trait;
use aws_sdk_apigatewaymanagement::error::SdkError;
use aws_sdk_apigatewaymanagement::primitives::Blob;
use aws_sdk_apigatewaymanagement::Client;

/// Which WebSocket API a connection belongs to (each has its own management endpoint).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Api {
    Public,
    Operator,
}

#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// 410: the socket has closed.
    #[error("connection is gone")]
    Gone,
    #[error("frame of {bytes} bytes exceeds the 32 KB limit")]
    TooLarge { bytes: usize },
    #[error("delivery failed")]
    Failed(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Posts frames to connections.
#[async_trait]
pub trait Deliver: Send + Sync {
    async fn post(
        &self,
        api: Api,
        to: &ConnectionId,
        frame: &ServerFrame,
    ) -> Result<(), DeliveryError>;
}

/// The real adapter: one management API client per WebSocket API, built once per process.
pub struct ApiGatewayDelivery {
    public: Client,
    operator: Client,
}

impl ApiGatewayDelivery {
    pub fn new(public: Client, operator: Client) -> Self {
        Self { public, operator }
    }

    /// Builds the two clients from the shared AWS configuration and each API's endpoint
    /// (`https://{api-id}.execute-api.{region}.amazonaws.com/{stage}`).
    pub fn from_endpoints(
        sdk: &aws_config::SdkConfig,
        public_endpoint: &str,
        operator_endpoint: &str,
    ) -> Self {
        let client = |endpoint: &str| {
            let conf = aws_sdk_apigatewaymanagement::config::Builder::from(sdk)
                .endpoint_url(endpoint)
                .build();
            Client::from_conf(conf)
        };
        Self::new(client(public_endpoint), client(operator_endpoint))
    }

    fn client(&self, api: Api) -> &Client {
        match api {
            Api::Public => &self.public,
            Api::Operator => &self.operator,
        }
    }
}

fn encode(frame: &ServerFrame) -> Result<String, DeliveryError> {
    let json = frame.to_json();
    if json.len() > MAX_SERVER_FRAME_BYTES {
        return Err(DeliveryError::TooLarge { bytes: json.len() });
    }
    Ok(json)
}

#[async_trait]
impl Deliver for ApiGatewayDelivery {
    async fn post(
        &self,
        api: Api,
        to: &ConnectionId,
        frame: &ServerFrame,
    ) -> Result<(), DeliveryError> {
        let json = encode(frame)?;
        let result = self
            .client(api)
            .post_to_connection()
            .connection_id(to.as_str())
            .data(Blob::new(json.into_bytes()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(se)) if se.err().is_gone_exception() => {
                Err(DeliveryError::Gone)
            }
            Err(e) => Err(DeliveryError::Failed(Box::new(e))),
        }
    }
}

/// What happened to a frame posted with [`post_or_forget`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Posted {
    Delivered,
    /// The connection was gone and has been removed.
    Gone,
}

/// How long after `$connect` a 410 means "not open yet" rather than "gone".
pub const CONNECT_GRACE_MS: i64 = 10_000;

/// Posts a frame; a gone connection is removed from the store and reported, not failed.
pub async fn post_or_forget(
    deliver: &dyn Deliver,
    connections: &dyn ConnectionStore,
    api: Api,
    to: &ConnectionId,
    frame: &ServerFrame,
) -> Result<Posted, DeliveryError> {
    match deliver.post(api, to, frame).await {
        Ok(()) => Ok(Posted::Delivered),
        Err(DeliveryError::Gone) => {
            // A socket still in its `$connect` is stored but not open yet, and answers 410
            // too: forgetting it would leave a live socket that the server no longer knows.
            // Its own `$disconnect` removes it if it never opens.
            let opening = match connections.get_connection(to).await {
                Ok(Some(c)) => crate::domain::now_ms() - c.connected_ms < CONNECT_GRACE_MS,
                _ => false,
            };
            if opening {
                tracing::info!(connection_id = %to, "connection not open yet; kept");
                return Ok(Posted::Gone);
            }
            tracing::info!(connection_id = %to, "connection gone; removing it");
            if let Err(e) = connections.delete_connection(to).await {
                tracing::warn!(connection_id = %to, error = %e, "could not remove a gone connection");
            }
            Ok(Posted::Gone)
        }
        Err(e) => Err(e),
    }
}

/// A fake that records what was posted, for tests; connections listed as gone answer 410.
/// Built for this crate's tests and, with the `test-support` feature, for other crates' tests.
#[cfg(any(test, feature = "test-support"))]
#[derive(Default)]
pub struct RecordingDelivery {
    posted: std::sync::Mutex<Vec<(Api, ConnectionId, ServerFrame)>>,
    gone: std::sync::Mutex<Vec<ConnectionId>>,
    failing: std::sync::Mutex<Vec<ConnectionId>>,
}

#[cfg(any(test, feature = "test-support"))]
impl RecordingDelivery {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn mark_gone(&self, id: &ConnectionId) {
        self.gone
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(id.clone());
    }

    /// Posts to this connection fail (as a throttled or unreachable endpoint would).
    pub fn set_failing(&self, id: &ConnectionId, failing: bool) {
        let mut f = self.failing.lock().unwrap_or_else(|p| p.into_inner());
        f.retain(|c| c != id);
        if failing {
            f.push(id.clone());
        }
    }

    /// Everything posted so far, in order.
    pub fn posted(&self) -> Vec<(Api, ConnectionId, ServerFrame)> {
        self.posted
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The frames posted to one connection, in order.
    pub fn frames_to(&self, id: &ConnectionId) -> Vec<ServerFrame> {
        self.posted()
            .into_iter()
            .filter(|(_, c, _)| c == id)
            .map(|(_, _, f)| f)
            .collect()
    }
}

#[cfg(any(test, feature = "test-support"))]
#[async_trait]
impl Deliver for RecordingDelivery {
    async fn post(
        &self,
        api: Api,
        to: &ConnectionId,
        frame: &ServerFrame,
    ) -> Result<(), DeliveryError> {
        encode(frame)?;
        if self
            .gone
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(to)
        {
            return Err(DeliveryError::Gone);
        }
        if self
            .failing
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(to)
        {
            return Err(DeliveryError::Failed("injected failure".into()));
        }
        self.posted.lock().unwrap_or_else(|p| p.into_inner()).push((
            api,
            to.clone(),
            frame.clone(),
        ));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{now_ms, Connection, OperatorId, Presence, Role};
    use crate::store::{ConnectionStore, MemoryStore};

    fn operator_socket(id: &str, connected_ms: i64) -> Connection {
        Connection {
            id: ConnectionId::parse(id).unwrap(),
            role: Role::Operator {
                operator_id: OperatorId::parse("alice").unwrap(),
            },
            chat: None,
            connected_ms,
            expires_at: 2_000_000_000,
            presence: Presence::Available,
            supervisor: false,
        }
    }

    #[tokio::test]
    async fn a_gone_socket_is_forgotten_but_one_still_opening_is_kept() {
        let store = MemoryStore::new();
        let deliver = RecordingDelivery::default();
        let old = operator_socket("old", now_ms() - 60_000);
        let opening = operator_socket("opening", now_ms());
        for c in [&old, &opening] {
            store.put_connection(c).await.unwrap();
            deliver.mark_gone(&c.id);
        }
        let frame = ServerFrame::Pong {};
        for c in [&old, &opening] {
            let posted = post_or_forget(&deliver, &store, Api::Operator, &c.id, &frame).await;
            assert_eq!(posted.unwrap(), Posted::Gone);
        }
        assert_eq!(store.get_connection(&old.id).await.unwrap(), None);
        assert_eq!(
            store.get_connection(&opening.id).await.unwrap(),
            Some(opening.clone()),
            "a socket in its $connect answers 410 but is about to open"
        );
    }
}
