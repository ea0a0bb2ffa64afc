//! What both DynamoDB adapters share — the chat store (`store/dynamo.rs`, with its
//! `feedback.rs`, `unanswered.rs` and `translation_cache.rs`) and the report store
//! (`report/store/dynamo.rs`): the item mapping through serde_dynamo, a consistent read of one
//! item, a query followed through its pages, the outcome of a conditional write, the pause before a contended write is tried
//! again, and the adapters' one error. It makes no request of its own (each adapter's file
//! shows the SDK calls it declares in its `aws_actions`): the helpers take the request an
//! adapter started, or the result it got.

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::get_item::builders::GetItemFluentBuilder;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::AttributeValue;
use serde::{de::DeserializeOwned, Serialize};
use std::collections::HashMap;
use std::time::Duration;

pub(crate) type Item = HashMap<String, AttributeValue>;

/// Why a DynamoDB adapter failed, for the log. It never carries a stored value (messages and
/// reports are personal data): an item that cannot be read or written is named, not shown —
/// serde's message, which may quote the value it choked on, is dropped. The SDK's error is
/// kept as the source.
#[derive(Debug, thiserror::Error)]
pub enum AdapterError {
    /// The request failed (network, throttling, a refusal): a retry may succeed.
    #[error("DynamoDB request failed: {context}")]
    Request {
        context: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Other writers kept changing the item first: a retry later may succeed.
    #[error("{context}: still contended after {attempts} attempts")]
    Contended {
        context: &'static str,
        attempts: u32,
    },
    #[error("a {0} item could not be written")]
    Unwritable(&'static str),
    #[error("a stored {0} item could not be read")]
    Unreadable(&'static str),
    /// A stored item breaks the domain's rules (`at`: field paths and codes, no values).
    #[error("a stored {what} item breaks its rules at: {at}")]
    Invalid { what: &'static str, at: String },
    /// DynamoDB answered without what the request asks for (an update's returned item).
    #[error("DynamoDB returned no {0}")]
    Missing(&'static str),
}

impl AdapterError {
    pub fn request(
        context: &'static str,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self::Request {
            context,
            source: Box::new(source),
        }
    }

    /// Whether trying again may succeed (the request or the contention), or the stored data
    /// itself is wrong.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Request { .. } | Self::Contended { .. })
    }
}

pub(crate) fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

pub(crate) fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

/// The key of an item of a table keyed by `pk` and `sk`.
pub(crate) fn key(pk: impl Into<String>, sk: impl Into<String>) -> Item {
    HashMap::from([("pk".to_owned(), s(pk)), ("sk".to_owned(), s(sk))])
}

/// `v` as an item (`what` names it in the error): the SDK's, or a stream record's.
pub(crate) fn to_item<T: Serialize, I: From<serde_dynamo::Item>>(
    what: &'static str,
    v: &T,
) -> Result<I, AdapterError> {
    serde_dynamo::to_item(v).map_err(|_| AdapterError::Unwritable(what))
}

/// `v` as one attribute value (`what` names it in the error).
pub(crate) fn to_value<T: Serialize>(
    what: &'static str,
    v: &T,
) -> Result<AttributeValue, AdapterError> {
    serde_dynamo::to_attribute_value(v).map_err(|_| AdapterError::Unwritable(what))
}

/// A stored item read back (`what` names it in the error): the SDK's, or a stream record's.
pub(crate) fn from_item<T: DeserializeOwned>(
    what: &'static str,
    item: impl Into<serde_dynamo::Item>,
) -> Result<T, AdapterError> {
    serde_dynamo::from_item(item).map_err(|_| AdapterError::Unreadable(what))
}

/// A request or a transaction's part, built.
pub(crate) fn built<T, E: std::error::Error + Send + Sync + 'static>(
    r: Result<T, E>,
) -> Result<T, AdapterError> {
    r.map_err(|e| AdapterError::request("building a request", e))
}

/// One item, read consistently: `request` is the adapter's `client.get_item()`.
pub(crate) async fn read_item(
    request: GetItemFluentBuilder,
    table: &str,
    key: Item,
) -> Result<Option<Item>, AdapterError> {
    let out = request
        .table_name(table)
        .set_key(Some(key))
        .consistent_read(true)
        .send()
        .await
        .map_err(|e| AdapterError::request("reading an item", e))?;
    Ok(out.item)
}

/// A query followed through DynamoDB's pages to the end, or until `limit` items: `request` is
/// the adapter's `client.query()` with its table, index, key condition and values set.
pub(crate) async fn query_pages(
    request: QueryFluentBuilder,
    limit: usize,
    context: &'static str,
) -> Result<Vec<Item>, AdapterError> {
    let mut out = Vec::new();
    let mut start: Option<Item> = None;
    loop {
        let page = request
            .clone()
            .set_exclusive_start_key(start.take())
            .limit(i32::try_from(limit.saturating_sub(out.len())).unwrap_or(i32::MAX))
            .send()
            .await
            .map_err(|e| AdapterError::request(context, e))?;
        out.extend(page.items.unwrap_or_default());
        match page.last_evaluated_key {
            Some(k) if out.len() < limit => start = Some(k),
            _ => return Ok(out),
        }
    }
}

/// The outcome of a conditional write (`PutItem`, `UpdateItem`, `DeleteItem`): its output,
/// or `None` when its condition did not hold.
pub(crate) fn conditional<T, E, R>(
    result: Result<T, SdkError<E, R>>,
    context: &'static str,
) -> Result<Option<T>, AdapterError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match result {
        Ok(out) => Ok(Some(out)),
        Err(SdkError::ServiceError(se))
            if se.err().code() == Some("ConditionalCheckFailedException") =>
        {
            Ok(None)
        }
        Err(err) => Err(AdapterError::request(context, err)),
    }
}

/// Whether a transaction was cancelled (a condition of one of its items failed, or another
/// transaction got in its way).
pub(crate) fn is_cancelled<R>(
    err: &SdkError<aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError, R>,
) -> bool {
    matches!(err, SdkError::ServiceError(se) if se.err().is_transaction_canceled_exception())
}

/// A short, growing, jittered pause before trying a contended write again (`attempt` from 0).
pub(crate) async fn back_off(attempt: u32) {
    let base = 10u64 << attempt.min(5);
    let jitter = rand::random::<u64>() % base;
    tokio::time::sleep(Duration::from_millis(base + jitter)).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Secret {
        words: u64,
    }

    #[test]
    fn an_unreadable_item_is_named_and_its_value_is_not_shown() {
        let item = HashMap::from([("words".to_owned(), s("my address is 1 High Street"))]);
        let e = from_item::<Secret>("message", item).unwrap_err();
        let shown = format!("{e} {e:?}");
        assert!(shown.contains("message"), "{shown}");
        assert!(!shown.contains("High Street"), "{shown}");
        assert!(!e.is_transient());
    }

    #[test]
    fn contention_and_a_failed_request_are_transient() {
        let contended = AdapterError::Contended {
            context: "appending a message",
            attempts: 5,
        };
        assert!(contended.is_transient());
        let io = std::io::Error::other("connection reset");
        let request = AdapterError::request("reading an item", io);
        assert!(request.is_transient());
        assert!(
            std::error::Error::source(&request).is_some(),
            "the cause is kept"
        );
    }
}
