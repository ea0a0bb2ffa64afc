//! Citizens' ratings of their chats ("Did this help?"), kept as counts per force and rating,
//! never with the chat, the words or anyone's identity. The first rating of a chat stands.
//! In DynamoDB: a `feedback` mark on the ended chat's item and a counter item
//! (`FEEDBACK#{force}`, `COUNTS`) in the chats table, written in one transaction.

/// The AWS actions of this adapter (see `dynamo::aws_actions`): the rating's mark and count
/// (a transaction of two Updates) and the counts read back.
pub mod aws_actions {
    pub const FEEDBACK: &[&str] = &[
        "dynamodb:GetItem ChatsTable",
        "dynamodb:UpdateItem ChatsTable",
    ];
}

use super::dynamo::DynamoStore;
use super::items::{chat_pk, CHAT_SK};
use super::StoreError;
use crate::domain::{ChatId, FeedbackCounts, ForceId, Rating};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use std::collections::HashMap;

/// What a rating did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackOutcome {
    Counted,
    /// The chat had been rated before: the first rating stands.
    AlreadyRated,
    /// No such chat, or it has not ended.
    NotEnded,
}

#[async_trait]
pub trait FeedbackLog: Send + Sync {
    /// Counts a rating of an ended chat, once per chat.
    async fn record_feedback(
        &self,
        chat: &ChatId,
        force: &ForceId,
        rating: Rating,
    ) -> Result<FeedbackOutcome, StoreError>;

    /// How many chats of the force got each rating.
    async fn feedback_counts(&self, force: &ForceId) -> Result<FeedbackCounts, StoreError>;
}

fn counter_key(force: &ForceId) -> HashMap<String, AttributeValue> {
    HashMap::from([
        (
            "pk".to_owned(),
            AttributeValue::S(format!("FEEDBACK#{force}")),
        ),
        ("sk".to_owned(), AttributeValue::S("COUNTS".to_owned())),
    ])
}

fn counter_attribute(rating: Rating) -> String {
    format!("r{}", rating.get())
}

#[async_trait]
impl FeedbackLog for DynamoStore {
    async fn record_feedback(
        &self,
        chat: &ChatId,
        force: &ForceId,
        rating: Rating,
    ) -> Result<FeedbackOutcome, StoreError> {
        let mark = Update::builder()
            .table_name(&self.tables().chats)
            .key("pk", AttributeValue::S(chat_pk(chat)))
            .key("sk", AttributeValue::S(CHAT_SK.to_owned()))
            .update_expression("SET feedback = :r")
            .condition_expression("#s = :ended AND attribute_not_exists(feedback)")
            .expression_attribute_names("#s", "state")
            .expression_attribute_values(":ended", AttributeValue::S("ended".to_owned()))
            .expression_attribute_values(":r", AttributeValue::N(rating.get().to_string()))
            .build()
            .map_err(|e| StoreError::unavailable("recording feedback", e))?;
        let count = Update::builder()
            .table_name(&self.tables().chats)
            .set_key(Some(counter_key(force)))
            .update_expression("ADD #r :one")
            .expression_attribute_names("#r", counter_attribute(rating))
            .expression_attribute_values(":one", AttributeValue::N("1".to_owned()))
            .build()
            .map_err(|e| StoreError::unavailable("recording feedback", e))?;
        let sent = self
            .client()
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().update(mark).build())
            .transact_items(TransactWriteItem::builder().update(count).build())
            .send()
            .await;
        match sent {
            Ok(_) => Ok(FeedbackOutcome::Counted),
            Err(e) if crate::dynamo::is_cancelled(&e) => {
                // Which condition failed: read the chat.
                let item = self
                    .client()
                    .get_item()
                    .table_name(&self.tables().chats)
                    .key("pk", AttributeValue::S(chat_pk(chat)))
                    .key("sk", AttributeValue::S(CHAT_SK.to_owned()))
                    .projection_expression("feedback")
                    .send()
                    .await
                    .map_err(|e| StoreError::unavailable("recording feedback", e))?;
                Ok(match item.item {
                    Some(i) if i.contains_key("feedback") => FeedbackOutcome::AlreadyRated,
                    _ => FeedbackOutcome::NotEnded,
                })
            }
            Err(e) => Err(StoreError::unavailable("recording feedback", e)),
        }
    }

    async fn feedback_counts(&self, force: &ForceId) -> Result<FeedbackCounts, StoreError> {
        let out = self
            .client()
            .get_item()
            .table_name(&self.tables().chats)
            .set_key(Some(counter_key(force)))
            .send()
            .await
            .map_err(|e| StoreError::unavailable("reading feedback counts", e))?;
        let mut counts = FeedbackCounts::default();
        let item = out.item.unwrap_or_default();
        for (i, slot) in counts.0.iter_mut().enumerate() {
            if let Some(AttributeValue::N(n)) = item.get(&format!("r{}", i + 1)) {
                *slot = n
                    .parse()
                    .map_err(|_| StoreError::corrupt("a feedback count is not a number"))?;
            }
        }
        Ok(counts)
    }
}
