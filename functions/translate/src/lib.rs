//! The `translate` function: for each new message in the stream, give the other side the
//! text in their language and deliver it, once, in order. (Same-language chats need no
//! translation; other languages are filled in by the translation issue.)

use aws_lambda_events::dynamodb::Event;
use aws_lambda_events::streams::DynamoDbEventResponse;
use bluelamp::chat::Deps;
use bluelamp::delivery::{Api, DeliveryError, Posted};
use bluelamp::domain::{Chat, ChatMessage, ConnectionId, LanguageCode, Side};
use bluelamp::protocol::{MessageView, ServerFrame};
use bluelamp::store::StoreError;
use bluelamp::stream::for_each_new_message;

#[derive(Debug, thiserror::Error)]
pub enum DeliverError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Delivery(#[from] DeliveryError),
}

pub async fn handle(deps: &Deps, event: Event) -> DynamoDbEventResponse {
    for_each_new_message(event, |m| deliver_message(deps, m)).await
}

/// Delivers one stored message to every side that should see it.
pub async fn deliver_message(deps: &Deps, message: ChatMessage) -> Result<(), DeliverError> {
    let Some(chat) = deps.store.get_chat(&message.chat_id).await? else {
        tracing::warn!(chat_id = %message.chat_id, "message for an unknown chat");
        return Ok(());
    };
    for side in message.recipients() {
        deliver_to_side(deps, &chat, &message, *side).await?;
    }
    Ok(())
}

async fn targets(deps: &Deps, chat: &Chat, side: Side) -> Result<Vec<ConnectionId>, StoreError> {
    Ok(match side {
        Side::Citizen => chat.citizen_connection.iter().cloned().collect(),
        Side::Operator => match &chat.operator {
            Some(op) => deps
                .store
                .operator_connections(Some(op))
                .await?
                .into_iter()
                .map(|c| c.id)
                .collect(),
            None => Vec::new(),
        },
        // The bot reads the stream itself; nothing is posted to it.
        Side::Bot => Vec::new(),
    })
}

async fn deliver_to_side(
    deps: &Deps,
    chat: &Chat,
    message: &ChatMessage,
    side: Side,
) -> Result<(), DeliverError> {
    let to = targets(deps, chat, side).await?;
    if to.is_empty() {
        // Nobody there now: the message waits in the transcript (resume, claim, history).
        return Ok(());
    }
    // A record seen twice is delivered once.
    if !deps
        .store
        .mark_delivered(&chat.id, message.seq, side)
        .await?
    {
        tracing::info!(chat_id = %chat.id, seq = message.seq, side = side.as_str(), "already delivered");
        return Ok(());
    }
    let (api, reader) = match side {
        Side::Citizen => (Api::Public, chat.language.clone()),
        Side::Operator | Side::Bot => (Api::Operator, LanguageCode::english()),
    };
    let frame = ServerFrame::Message(MessageView::for_reader(message, &reader));
    for conn in &to {
        match deps.post(api, conn, &frame).await {
            Ok(Posted::Delivered) | Ok(Posted::Gone) => {}
            Err(e) => {
                // Let the retry deliver it: the mark must not say it went.
                deps.store
                    .unmark_delivered(&chat.id, message.seq, side)
                    .await?;
                return Err(e.into());
            }
        }
    }
    tracing::info!(chat_id = %chat.id, seq = message.seq, side = side.as_str(), "delivered");
    Ok(())
}
