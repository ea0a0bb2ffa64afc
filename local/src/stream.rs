//! The local stand-in for DynamoDB Streams and its event source mappings: the store's feed
//! (`bluelamp::store::MessageFeed`) hands every newly stored message to the stream consumers, in order per chat (a chat
//! always lands on the same shard), retrying a failed record before moving on.

use async_trait::async_trait;
use aws_lambda_events::dynamodb::Event;
use aws_lambda_events::streams::DynamoDbEventResponse;
use bluelamp::domain::ChatMessage;
use bluelamp::store::MessageFeed;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::mpsc;

/// A function fed by the stream (an event source mapping).
#[async_trait]
pub trait StreamConsumer: Send + Sync {
    fn name(&self) -> &'static str;
    async fn consume(&self, event: Event) -> DynamoDbEventResponse;
}

/// How often a failing record is retried before the local stream gives up on it (the
/// message stays stored; the real mapping sends it to the on-failure queue).
const MAX_ATTEMPTS: u32 = 6;
/// Shards, as a table's stream has: a chat always lands on the same one, so its order holds,
/// and different chats go on in parallel.
const SHARDS: usize = 32;

/// The shards: one ordered queue and worker each.
pub struct Stream {
    shards: Vec<mpsc::UnboundedSender<(ChatMessage, i64)>>,
}

impl Stream {
    /// Starts the shard workers; `consumers` is filled in once the functions exist (they
    /// need the tapped store, which needs the stream).
    pub fn start(consumers: Arc<OnceLock<Vec<Arc<dyn StreamConsumer>>>>) -> Arc<Self> {
        let mut shards = Vec::new();
        for _ in 0..SHARDS {
            let (tx, mut rx) = mpsc::unbounded_channel::<(ChatMessage, i64)>();
            let consumers = consumers.clone();
            shards.push(tx);
            let stream_seq = Arc::new(AtomicU64::new(0));
            tokio::spawn(async move {
                while let Some((message, expires_at)) = rx.recv().await {
                    let n = stream_seq.fetch_add(1, Ordering::Relaxed);
                    let Some(consumers) = consumers.get() else {
                        continue;
                    };
                    // Each consumer is its own event source mapping: they read the record side by
                    // side, not one after the other.
                    futures::future::join_all(
                        consumers
                            .iter()
                            .map(|c| feed(c.as_ref(), &message, expires_at, n)),
                    )
                    .await;
                }
            });
        }
        Arc::new(Self { shards })
    }

    fn publish(&self, message: &ChatMessage, expires_at: i64) {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        message.chat_id.hash(&mut h);
        let shard = (h.finish() as usize) % self.shards.len();
        let _ = self.shards[shard].send((message.clone(), expires_at));
    }
}

async fn feed(consumer: &dyn StreamConsumer, message: &ChatMessage, expires_at: i64, n: u64) {
    let mut delay = Duration::from_millis(20);
    for attempt in 1..=MAX_ATTEMPTS {
        let event = match bluelamp::stream::event_for(message, expires_at, format!("{n:021}")) {
            Ok(e) => e,
            Err(e) => {
                tracing::error!(error = %e, "cannot build a stream record");
                return;
            }
        };
        let response = consumer.consume(event).await;
        if response.batch_item_failures.is_empty() {
            return;
        }
        tracing::warn!(
            consumer = consumer.name(),
            chat_id = %message.chat_id,
            seq = message.seq,
            attempt,
            "stream record failed; retrying"
        );
        tokio::time::sleep(delay).await;
        delay *= 2;
    }
    tracing::error!(
        consumer = consumer.name(),
        chat_id = %message.chat_id,
        seq = message.seq,
        "stream record failed after retries (it stays stored)"
    );
}

/// The stores tell the stream of each message they store (`bluelamp::store::MessageFeed`), as a
/// DynamoDB table's stream would.
impl MessageFeed for Stream {
    fn stored(&self, message: &ChatMessage, expires_at: i64) {
        self.publish(message, expires_at);
    }
}
