//! The storage port: what the chat service needs from a database, in domain terms. Two
//! adapters implement it — DynamoDB and an embedded in-process store — and one contract test
//! suite (tests/tests/store_contract.rs) holds them to the same behaviour.

mod dynamo;
mod feed;
mod feedback;
pub mod items;
mod memory;
pub mod tables;
mod translation_cache;
mod unanswered;

pub use dynamo::{DynamoStore, TableNames};
#[cfg(feature = "local")]
pub use feed::MessageFeed;
/// The AWS actions of the DynamoDB adapters, declared at the top of each one's file.
pub mod aws_actions {
    pub use super::dynamo::aws_actions::*;
    pub use super::feedback::aws_actions::*;
    pub use super::translation_cache::aws_actions::*;
    pub use super::unanswered::aws_actions::*;
}
pub use feedback::{FeedbackLog, FeedbackOutcome};
pub use memory::MemoryStore;
pub use translation_cache::DynamoTranslationCache;

use crate::domain::{
    Chat, ChatEvent, ChatId, ChatMessage, ChatPatch, Connection, ConnectionId, ForceId, Guard,
    LanguageCode, MessageTranslation, NewMessage, OperatorId, Side,
};
use async_trait::async_trait;

/// A failure of the database itself: unavailable (network, throttling, too many writers at
/// once; a retry may succeed) or a malformed item (it will not). The cause is kept as the
/// source for the logs and carries no stored value; callers show the client a generic error.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("storage unavailable: {context}")]
    Unavailable {
        context: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("a stored item is malformed")]
    Corrupt(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    pub fn unavailable(
        context: &'static str,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self::Unavailable {
            context,
            source: Box::new(source),
        }
    }

    /// A malformed item, said in words that name it (ids at most, never its contents).
    pub fn corrupt(what: impl Into<String>) -> Self {
        Self::Corrupt(what.into().into())
    }
}

impl From<crate::dynamo::AdapterError> for StoreError {
    fn from(e: crate::dynamo::AdapterError) -> Self {
        use crate::dynamo::AdapterError;
        match e {
            AdapterError::Request { context, .. } | AdapterError::Contended { context, .. } => {
                Self::unavailable(context, e)
            }
            e => Self::Corrupt(Box::new(e)),
        }
    }
}

/// Why a conditional change of a chat did not happen.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    #[error("no such chat")]
    NotFound,
    /// The chat was no longer in a state the guard admits: someone else changed it first.
    #[error("the chat changed meanwhile")]
    Conflict,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    #[error("no such chat")]
    NotFound,
    #[error("the chat has ended")]
    ChatEnded,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The result of storing a message: the stored message, and whether it had been stored
/// before under the same client message id (a retried send).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    pub message: ChatMessage,
    pub duplicate: bool,
}

/// The result of a move ([`ChatStore::move_chat`]): the chat as it now is, and the event
/// stored with the change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    pub chat: Chat,
    pub event: ChatMessage,
}

#[derive(Debug, thiserror::Error)]
pub enum RateError {
    #[error("no such connection")]
    NotFound,
    #[error("too many frames on this connection")]
    Limited,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A fixed-window rate limit: at most `max` frames per window of `window_secs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub max: u32,
    pub window_secs: i64,
}

/// Chats and their messages: what every chat function reads and writes.
#[async_trait]
pub trait ChatStore: Send + Sync {
    /// Stores a new chat; fails if the id exists.
    async fn create_chat(&self, chat: &Chat) -> Result<(), StoreError>;

    async fn get_chat(&self, id: &ChatId) -> Result<Option<Chat>, StoreError>;

    /// Changes a chat if, at the moment of writing, it is still as `guard` expects. Of any
    /// number of concurrent callers with the same guard, at most one succeeds.
    async fn update_chat(
        &self,
        id: &ChatId,
        guard: &Guard,
        patch: &ChatPatch,
    ) -> Result<Chat, UpdateError>;

    /// A move of the chat's life (claim, hand back, end, ...): changes the chat as
    /// [`update_chat`](Self::update_chat) does and stores `event` as its next message, both or
    /// neither, so that the transcript's events always agree with the chat's state (a move
    /// whose event could not follow it, because the chat ended in between, would otherwise be
    /// missing from the transcript). The event is the system's, sent at `sent_ms`, with no
    /// client message id ([`NewMessage::event`]).
    async fn move_chat(
        &self,
        id: &ChatId,
        guard: &Guard,
        patch: &ChatPatch,
        event: ChatEvent,
        sent_ms: i64,
    ) -> Result<Moved, UpdateError>;

    /// Stores a message as the next in the chat's order. A message whose client message id was
    /// stored before is not stored again: the earlier one is returned as a duplicate.
    /// `chat` is the caller's copy (its `last_seq` is a hint; a stale one costs a retry).
    async fn append_message(&self, chat: &Chat, msg: NewMessage) -> Result<Appended, AppendError>;

    /// Messages with `seq > after`, oldest first, at most `limit`.
    async fn messages_after(
        &self,
        chat: &ChatId,
        after: u64,
        limit: usize,
    ) -> Result<Vec<ChatMessage>, StoreError>;

    /// One message, if it is stored.
    async fn get_message(&self, chat: &ChatId, seq: u64)
        -> Result<Option<ChatMessage>, StoreError>;
}

/// The translations stored on messages (translate, and the bot for the English it made).
#[async_trait]
pub trait TranslationSlots: Send + Sync {
    /// Stores message `seq`'s words for readers of `language` (or the mark that they are
    /// unavailable), and returns what was stored for that language before. A translation is
    /// never replaced by an `Unavailable` mark: such a write changes nothing and returns the
    /// translation. A message is listed by `messages_awaiting_translation` exactly while one of
    /// its translations awaits a retry. Only text messages have translations.
    async fn set_translation(
        &self,
        chat: &ChatId,
        seq: u64,
        language: &LanguageCode,
        translation: &MessageTranslation,
    ) -> Result<Option<MessageTranslation>, StoreError>;

    /// Re-reads text message `seq` as written in `to` rather than `from`: the chat's language
    /// was replaced (by detection or by the operator) after the citizen's words were stored
    /// under the old one. Its translations, made from the wrong language, are dropped (and it
    /// leaves the retry list). Returns false, changing nothing, unless the message is text
    /// still in `from`.
    async fn correct_language(
        &self,
        chat: &ChatId,
        seq: u64,
        from: &LanguageCode,
        to: &LanguageCode,
    ) -> Result<bool, StoreError>;

    /// Messages of any chat with a translation that awaits a retry, at most `limit`.
    async fn messages_awaiting_translation(
        &self,
        limit: usize,
    ) -> Result<Vec<ChatMessage>, StoreError>;
}

/// Who has had which message: a stream record seen twice is delivered (or answered) once.
#[async_trait]
pub trait DeliveryLedger: Send + Sync {
    /// Claims the delivery of a message to one side for one stream record (`claim`: the
    /// record's sequence number, the same each time the stream hands that record over). True
    /// when this record is to deliver it: no record claimed it, or this same record did and
    /// never confirmed it (its invocation died, or the claim's reply was lost, and the record
    /// is being retried: marked and never sent would be lost). False when it was delivered
    /// ([`confirm_delivered`](Self::confirm_delivered)) or another record holds the claim, so
    /// that a record seen twice is delivered once.
    async fn mark_delivered(
        &self,
        chat: &ChatId,
        seq: u64,
        side: Side,
        claim: &str,
    ) -> Result<bool, StoreError>;

    /// Records that a claimed delivery went: no record delivers it again, the claiming one
    /// included.
    async fn confirm_delivered(
        &self,
        chat: &ChatId,
        seq: u64,
        side: Side,
    ) -> Result<(), StoreError>;

    /// Undoes `mark_delivered` after a delivery failed, so that the retry delivers.
    async fn unmark_delivered(&self, chat: &ChatId, seq: u64, side: Side)
        -> Result<(), StoreError>;
}

/// The chats waiting for an operator, and those an operator holds.
#[async_trait]
pub trait OperatorQueue: Send + Sync {
    /// The operator queue of a force: emergencies first, then oldest first.
    async fn waiting_chats(&self, force: &ForceId, limit: usize) -> Result<Vec<Chat>, StoreError>;

    /// Chats an operator holds now.
    async fn chats_held_by(&self, operator: &OperatorId) -> Result<Vec<Chat>, StoreError>;
}

/// Open WebSocket connections.
#[async_trait]
pub trait ConnectionStore: Send + Sync {
    async fn put_connection(&self, conn: &Connection) -> Result<(), StoreError>;

    async fn get_connection(&self, id: &ConnectionId) -> Result<Option<Connection>, StoreError>;

    /// Removes a connection and returns what it was (None if it was already gone).
    async fn delete_connection(&self, id: &ConnectionId) -> Result<Option<Connection>, StoreError>;

    /// Binds a citizen's connection to their chat.
    async fn set_connection_chat(&self, id: &ConnectionId, chat: &ChatId)
        -> Result<(), StoreError>;

    /// Sets an operator's connection available or away (nothing if the socket has gone).
    async fn set_presence(
        &self,
        id: &ConnectionId,
        presence: crate::domain::Presence,
    ) -> Result<(), StoreError>;

    /// Connections of operators online: all of them, or one operator's.
    async fn operator_connections(
        &self,
        operator: Option<&OperatorId>,
    ) -> Result<Vec<Connection>, StoreError>;

    /// Counts one frame against the connection's rate limit and returns the connection: the
    /// identity check and the limit in one request.
    async fn admit_frame(
        &self,
        id: &ConnectionId,
        now_secs: i64,
        limit: RateLimit,
    ) -> Result<Connection, RateError>;
}

/// Every port both adapters implement (each says so: `impl Store for ...`): what the
/// adapters, the local gateway's fault layer and the contract tests deal in. No function's
/// dependencies hold it; each holds the ports it uses.
pub trait Store:
    ChatStore
    + TranslationSlots
    + DeliveryLedger
    + OperatorQueue
    + ConnectionStore
    + crate::faq::UnansweredLog
    + FeedbackLog
{
}
