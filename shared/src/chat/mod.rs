//! The chat service's shared moves, used by more than one function: the dependencies every
//! handler takes, queue announcements, transcripts that fit a frame, resume tokens.

mod moves;
mod queue;
mod quick_exit;
mod resume;
mod transcript;

pub use moves::{apply_move, Applied, MoveError};
pub use queue::{
    announce_availability, announce_queue, availability, emit_queue_metrics, end_chat, enter_queue,
    flag_emergency, queue_entries, wait_estimate_secs, Availability, QueueGauges,
};
pub use quick_exit::{quick_exit, QuickExit};
pub use resume::{ResumeToken, ResumeTokenError};
pub use transcript::{fit_transcript, TRANSCRIPT_BUDGET_BYTES};

use crate::config::ChatConfig;
use crate::delivery::{post_or_forget, Api, Deliver, DeliveryError, Posted};
use crate::domain::{ConnectionId, Role};
use crate::protocol::ServerFrame;
use crate::store::{ChatStore, ConnectionStore, OperatorQueue, Store};
use std::sync::Arc;

/// The chat core every chat function depends on, and what the moves and queue announcements
/// here use: the chats, the queue, the sockets (to post to, and to forget a gone one),
/// delivery, configuration and metrics. A function's own dependencies add the other ports it
/// uses (the delivery ledger, translation slots, the feedback and unanswered logs). Built once
/// per process and borrowed by each event.
#[derive(Clone)]
pub struct Deps {
    pub chats: Arc<dyn ChatStore>,
    pub queue: Arc<dyn OperatorQueue>,
    pub connections: Arc<dyn ConnectionStore>,
    pub deliver: Arc<dyn Deliver>,
    pub config: ChatConfig,
    /// The functions' own metrics (`crate::metrics`): stdout in Lambda.
    pub metrics: crate::metrics::Metrics,
}

impl Deps {
    /// The chat core's ports all from one store (both adapters are every port).
    pub fn over(
        store: Arc<dyn Store>,
        deliver: Arc<dyn Deliver>,
        config: ChatConfig,
        metrics: crate::metrics::Metrics,
    ) -> Self {
        Self {
            chats: store.clone(),
            queue: store.clone(),
            connections: store,
            deliver,
            config,
            metrics,
        }
    }

    /// Posts a frame; a gone connection is removed. Other failures are logged and returned.
    pub async fn post(
        &self,
        api: Api,
        to: &ConnectionId,
        frame: &ServerFrame,
    ) -> Result<Posted, DeliveryError> {
        let r = post_or_forget(
            self.deliver.as_ref(),
            self.connections.as_ref(),
            api,
            to,
            frame,
        )
        .await;
        if let Err(e) = &r {
            tracing::warn!(connection_id = %to, error = %e, "could not post a frame");
        }
        r
    }
}

/// The API a connection of this role lives on.
pub fn api_of(role: &Role) -> Api {
    match role {
        Role::Citizen => Api::Public,
        Role::Operator { .. } => Api::Operator,
    }
}

/// The answer to API Gateway for a WebSocket route (the client sees frames, not this).
pub fn gateway_response(status_code: i64) -> aws_lambda_events::apigw::ApiGatewayProxyResponse {
    let mut r = aws_lambda_events::apigw::ApiGatewayProxyResponse::default();
    r.status_code = status_code;
    r
}
