//! The local stand-in for DynamoDB Streams and its event source mappings: a tap on the store
//! port hands every newly stored message to the stream consumers, in order per chat (a chat
//! always lands on the same shard), retrying a failed record before moving on.

use async_trait::async_trait;
use aws_lambda_events::dynamodb::Event;
use aws_lambda_events::streams::DynamoDbEventResponse;
use bluelamp::domain::{
    Chat, ChatId, ChatMessage, ChatPatch, Connection, ConnectionId, ForceId, Guard, LanguageCode,
    MessageTranslation, NewMessage, OperatorId, Side,
};
use bluelamp::faq::{UnansweredLog, UnansweredLogError, UnansweredQuestion};
use bluelamp::store::{
    AppendError, Appended, ChatStore, ConnectionStore, Moved, RateError, RateLimit, Store,
    StoreError, UpdateError,
};
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

/// The store with the stream's tap: every new message is published after it is stored.
pub struct Tapped {
    inner: Arc<dyn Store>,
    stream: Arc<Stream>,
}

impl Tapped {
    pub fn new(inner: Arc<dyn Store>, stream: Arc<Stream>) -> Self {
        Self { inner, stream }
    }
}

#[async_trait]
impl ChatStore for Tapped {
    async fn create_chat(&self, chat: &Chat) -> Result<(), StoreError> {
        self.inner.create_chat(chat).await
    }
    async fn get_chat(&self, id: &ChatId) -> Result<Option<Chat>, StoreError> {
        self.inner.get_chat(id).await
    }
    async fn update_chat(
        &self,
        id: &ChatId,
        guard: &Guard,
        patch: &ChatPatch,
    ) -> Result<Chat, UpdateError> {
        self.inner.update_chat(id, guard, patch).await
    }
    async fn move_chat(
        &self,
        id: &ChatId,
        guard: &Guard,
        patch: &ChatPatch,
        event: NewMessage,
    ) -> Result<Moved, UpdateError> {
        let moved = self.inner.move_chat(id, guard, patch, event).await?;
        self.stream.publish(&moved.event, moved.chat.expires_at);
        Ok(moved)
    }
    async fn append_message(&self, chat: &Chat, msg: NewMessage) -> Result<Appended, AppendError> {
        let appended = self.inner.append_message(chat, msg).await?;
        if !appended.duplicate {
            self.stream.publish(&appended.message, chat.expires_at);
        }
        Ok(appended)
    }
    async fn messages_after(
        &self,
        chat: &ChatId,
        after: u64,
        limit: usize,
    ) -> Result<Vec<ChatMessage>, StoreError> {
        self.inner.messages_after(chat, after, limit).await
    }
    async fn get_message(
        &self,
        chat: &ChatId,
        seq: u64,
    ) -> Result<Option<ChatMessage>, StoreError> {
        self.inner.get_message(chat, seq).await
    }
    async fn set_translation(
        &self,
        chat: &ChatId,
        seq: u64,
        language: &LanguageCode,
        translation: &MessageTranslation,
    ) -> Result<Option<MessageTranslation>, StoreError> {
        self.inner
            .set_translation(chat, seq, language, translation)
            .await
    }
    async fn correct_language(
        &self,
        chat: &ChatId,
        seq: u64,
        from: &LanguageCode,
        to: &LanguageCode,
    ) -> Result<bool, StoreError> {
        self.inner.correct_language(chat, seq, from, to).await
    }
    async fn messages_awaiting_translation(
        &self,
        limit: usize,
    ) -> Result<Vec<ChatMessage>, StoreError> {
        self.inner.messages_awaiting_translation(limit).await
    }
    async fn mark_delivered(
        &self,
        chat: &ChatId,
        seq: u64,
        side: Side,
        claim: &str,
    ) -> Result<bool, StoreError> {
        self.inner.mark_delivered(chat, seq, side, claim).await
    }
    async fn confirm_delivered(
        &self,
        chat: &ChatId,
        seq: u64,
        side: Side,
    ) -> Result<(), StoreError> {
        self.inner.confirm_delivered(chat, seq, side).await
    }
    async fn unmark_delivered(
        &self,
        chat: &ChatId,
        seq: u64,
        side: Side,
    ) -> Result<(), StoreError> {
        self.inner.unmark_delivered(chat, seq, side).await
    }
    async fn waiting_chats(&self, force: &ForceId, limit: usize) -> Result<Vec<Chat>, StoreError> {
        self.inner.waiting_chats(force, limit).await
    }
    async fn chats_held_by(&self, operator: &OperatorId) -> Result<Vec<Chat>, StoreError> {
        self.inner.chats_held_by(operator).await
    }
}

#[async_trait]
impl bluelamp::store::FeedbackLog for Tapped {
    async fn record_feedback(
        &self,
        chat: &ChatId,
        force: &ForceId,
        rating: bluelamp::domain::Rating,
    ) -> Result<bluelamp::store::FeedbackOutcome, StoreError> {
        self.inner.record_feedback(chat, force, rating).await
    }
    async fn feedback_counts(
        &self,
        force: &ForceId,
    ) -> Result<bluelamp::domain::FeedbackCounts, StoreError> {
        self.inner.feedback_counts(force).await
    }
}

#[async_trait]
impl UnansweredLog for Tapped {
    async fn record(&self, question: UnansweredQuestion) -> Result<(), UnansweredLogError> {
        self.inner.record(question).await
    }
    async fn recent(
        &self,
        force: &ForceId,
        limit: usize,
    ) -> Result<Vec<UnansweredQuestion>, UnansweredLogError> {
        self.inner.recent(force, limit).await
    }
}

#[async_trait]
impl ConnectionStore for Tapped {
    async fn put_connection(&self, conn: &Connection) -> Result<(), StoreError> {
        self.inner.put_connection(conn).await
    }
    async fn get_connection(&self, id: &ConnectionId) -> Result<Option<Connection>, StoreError> {
        self.inner.get_connection(id).await
    }
    async fn delete_connection(&self, id: &ConnectionId) -> Result<Option<Connection>, StoreError> {
        self.inner.delete_connection(id).await
    }
    async fn set_connection_chat(
        &self,
        id: &ConnectionId,
        chat: &ChatId,
    ) -> Result<(), StoreError> {
        self.inner.set_connection_chat(id, chat).await
    }
    async fn set_presence(
        &self,
        id: &ConnectionId,
        presence: bluelamp::domain::Presence,
    ) -> Result<(), StoreError> {
        self.inner.set_presence(id, presence).await
    }
    async fn operator_connections(
        &self,
        operator: Option<&OperatorId>,
    ) -> Result<Vec<Connection>, StoreError> {
        self.inner.operator_connections(operator).await
    }
    async fn admit_frame(
        &self,
        id: &ConnectionId,
        now_secs: i64,
        limit: RateLimit,
    ) -> Result<Connection, RateError> {
        self.inner.admit_frame(id, now_secs, limit).await
    }
}
