//! Consuming the chats table's stream: new messages, in order, with partial batch failures.
//! The first record that fails is reported and the rest of the batch is left for the retry,
//! because Lambda resumes a shard from the first failure: the order within a chat holds.

use crate::domain::ChatMessage;
use crate::store::items::message_from_image;
use aws_lambda_events::dynamodb::{Event, EventRecord};
use aws_lambda_events::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use std::future::Future;

/// The stream's name for a record of a new item.
pub const INSERT: &str = "INSERT";

/// Runs `handle` for every new message in the batch, in order, with the record's sequence
/// number (the same each time the stream hands that record over: a consumer claims its
/// deliveries by it, `ChatStore::mark_delivered`). Records that are not new messages are
/// skipped; a malformed message is logged and skipped (retrying cannot mend it, and it must
/// not block the chats behind it).
pub async fn for_each_new_message<F, Fut, E>(event: Event, mut handle: F) -> DynamoDbEventResponse
where
    F: FnMut(ChatMessage, String) -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: std::fmt::Debug,
{
    let mut response = DynamoDbEventResponse::default();
    for record in event.records {
        let sequence = record.change.sequence_number.clone();
        let message = match new_message(record) {
            Ok(Some(m)) => m,
            Ok(None) => continue,
            Err(e) => {
                tracing::error!(sequence = ?sequence, error = %e, "skipping a malformed stream record");
                continue;
            }
        };
        let (chat_id, seq) = (message.chat_id.clone(), message.seq);
        let claim = sequence.clone().unwrap_or_default();
        if let Err(e) = handle(message, claim).await {
            tracing::warn!(chat_id = %chat_id, seq, error = ?e, "record failed; the batch resumes here");
            let mut failure = DynamoDbBatchItemFailure::default();
            failure.item_identifier = sequence;
            response.batch_item_failures.push(failure);
            break;
        }
    }
    response
}

/// Emits `FailedRecords` for a batch's answer: the records it reports as failed (nothing when
/// none failed, so a quiet shard writes no metric lines).
pub fn count_failed_records(deps: &crate::chat::Deps, response: &DynamoDbEventResponse) {
    let failed = response.batch_item_failures.len();
    if failed > 0 {
        deps.metrics
            .count(&deps.config.force, crate::metrics::FAILED_RECORDS, failed);
    }
}

fn new_message(record: EventRecord) -> Result<Option<ChatMessage>, crate::store::StoreError> {
    if record.event_name != INSERT {
        return Ok(None);
    }
    message_from_image(record.change.new_image)
}

/// A stream event holding one new message, as DynamoDB Streams would deliver it (the local
/// gateway's stream and tests build these; not in Lambda binaries: `local`).
#[cfg(feature = "local")]
pub fn event_for(
    message: &ChatMessage,
    expires_at: i64,
    sequence_number: String,
) -> Result<Event, crate::store::StoreError> {
    use crate::store::items::{chat_pk, message_sk};
    let image = crate::store::items::message_image(message, expires_at)?;
    let keys = serde_json::json!({
        "pk": { "S": chat_pk(&message.chat_id) },
        "sk": { "S": message_sk(message.seq) },
    });
    let record = serde_json::json!({
        "eventID": uuid::Uuid::new_v4().simple().to_string(),
        "eventName": INSERT,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "eu-west-2",
        "dynamodb": {
            "ApproximateCreationDateTime": message.sent_ms / 1000,
            "Keys": keys,
            "NewImage": image,
            "SequenceNumber": sequence_number,
            "SizeBytes": 0,
            "StreamViewType": "NEW_AND_OLD_IMAGES"
        },
        "eventSourceARN": "arn:aws:dynamodb:eu-west-2:000000000000:table/chats/stream/local"
    });
    serde_json::from_value(serde_json::json!({ "Records": [record] }))
        .map_err(|_| crate::dynamo::AdapterError::Unwritable("stream record").into())
}
