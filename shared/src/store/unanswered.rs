//! The FAQ bot's unanswered questions in DynamoDB: one partition per force in the chats table
//! (`UNANSWERED#{force}`), newest last by time, kept for a retention period. The records hold
//! keywords only, never the citizen's words.

/// The AWS actions of this adapter (see `dynamo::aws_actions`): recording a question (the bot)
/// and listing them (an operator's `unanswered`).
pub mod aws_actions {
    pub const UNANSWERED_RECORD: &[&str] = &["dynamodb:PutItem ChatsTable"];
    pub const UNANSWERED_LIST: &[&str] = &["dynamodb:Query ChatsTable"];
}

use super::dynamo::DynamoStore;
use crate::domain::ForceId;
use crate::faq::{UnansweredLog, UnansweredLogError, UnansweredQuestion};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use serde::{Deserialize, Serialize};

/// How long the content editors can look back.
const RETENTION_SECS: i64 = 90 * 86_400;

#[derive(Serialize, Deserialize)]
struct UnansweredItem {
    pk: String,
    sk: String,
    question: UnansweredQuestion,
    expires_at: i64,
}

fn partition(force: &ForceId) -> String {
    format!("UNANSWERED#{force}")
}

fn unavailable(e: impl std::error::Error + Send + Sync + 'static) -> UnansweredLogError {
    UnansweredLogError::Unavailable(Box::new(e))
}

#[async_trait]
impl UnansweredLog for DynamoStore {
    async fn record(&self, question: UnansweredQuestion) -> Result<(), UnansweredLogError> {
        let at = question.at.timestamp_millis();
        let item = UnansweredItem {
            pk: partition(&question.force),
            sk: format!("{at:015}#{}", uuid::Uuid::new_v4().simple()),
            expires_at: question.at.timestamp() + RETENTION_SECS,
            question,
        };
        let item: crate::dynamo::Item =
            crate::dynamo::to_item("unanswered question", &item).map_err(unavailable)?;
        self.client()
            .put_item()
            .table_name(&self.tables().chats)
            .set_item(Some(item))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn recent(
        &self,
        force: &ForceId,
        limit: usize,
    ) -> Result<Vec<UnansweredQuestion>, UnansweredLogError> {
        let out = self
            .client()
            .query()
            .table_name(&self.tables().chats)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", AttributeValue::S(partition(force)))
            .scan_index_forward(false)
            .limit(i32::try_from(limit).unwrap_or(i32::MAX))
            .send()
            .await
            .map_err(unavailable)?;
        out.items
            .unwrap_or_default()
            .into_iter()
            .map(|i| {
                crate::dynamo::from_item::<UnansweredItem>("unanswered question", i)
                    .map(|it| it.question)
                    .map_err(unavailable)
            })
            .collect()
    }
}
