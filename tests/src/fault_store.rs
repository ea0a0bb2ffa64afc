//! The store port under a fault schedule ([`crate::faults::FaultPlan`]): every call may fail,
//! be throttled or be slow, and every write may land and then report a failure (the reply was
//! lost). One file, so that it follows the port when the port changes: each method forwards
//! to the wrapped store through [`FaultPlan::around`], saying whether it writes.
//!
//! The gateway puts it above the stream's tap (`GatewayConfig::store_layer`), so that a write
//! that lands is streamed whatever its caller hears, as DynamoDB's stream carries every write
//! that landed.

use crate::faults::{Fault, FaultPlan, Injected, InjectedFault};
use async_trait::async_trait;
use bluelamp::domain::{
    Chat, ChatEvent, ChatId, ChatMessage, ChatPatch, Connection, ConnectionId, FeedbackCounts,
    ForceId, Guard, LanguageCode, MessageTranslation, NewMessage, OperatorId, Presence, Rating,
    Side,
};
use bluelamp::faq::{UnansweredLog, UnansweredLogError, UnansweredQuestion};
use bluelamp::store::{
    AppendError, Appended, ChatStore, ConnectionStore, DeliveryLedger, FeedbackLog,
    FeedbackOutcome, Moved, OperatorQueue, RateError, RateLimit, Store, StoreError,
    TranslationSlots, UpdateError,
};
use std::sync::Arc;

impl Injected for StoreError {
    fn injected(fault: Fault, what: &'static str) -> Self {
        StoreError::unavailable(what, InjectedFault { fault, what })
    }
}

impl Injected for UpdateError {
    fn injected(fault: Fault, what: &'static str) -> Self {
        UpdateError::Store(StoreError::injected(fault, what))
    }
}

impl Injected for AppendError {
    fn injected(fault: Fault, what: &'static str) -> Self {
        AppendError::Store(StoreError::injected(fault, what))
    }
}

impl Injected for RateError {
    fn injected(fault: Fault, what: &'static str) -> Self {
        RateError::Store(StoreError::injected(fault, what))
    }
}

impl Injected for UnansweredLogError {
    fn injected(fault: Fault, what: &'static str) -> Self {
        UnansweredLogError::Unavailable(Box::new(InjectedFault { fault, what }))
    }
}

/// A store whose calls go through a fault schedule.
pub struct FaultyStore {
    inner: Arc<dyn Store>,
    plan: Arc<FaultPlan>,
}

const READ: bool = false;
const WRITE: bool = true;

impl FaultyStore {
    pub fn new(inner: Arc<dyn Store>, plan: Arc<FaultPlan>) -> Self {
        Self { inner, plan }
    }

    /// The gateway's layer for the store.
    pub fn layer(plan: Arc<FaultPlan>) -> bluelamp_local::Layer<dyn Store> {
        Arc::new(move |inner: Arc<dyn Store>| -> Arc<dyn Store> {
            Arc::new(FaultyStore::new(inner, plan.clone()))
        })
    }
}

impl Store for FaultyStore {}

#[async_trait]
impl ChatStore for FaultyStore {
    async fn create_chat(&self, chat: &Chat) -> Result<(), StoreError> {
        let call = self.inner.create_chat(chat);
        self.plan.around("create_chat", WRITE, call).await
    }
    async fn get_chat(&self, id: &ChatId) -> Result<Option<Chat>, StoreError> {
        let call = self.inner.get_chat(id);
        self.plan.around("get_chat", READ, call).await
    }
    async fn update_chat(
        &self,
        id: &ChatId,
        guard: &Guard,
        patch: &ChatPatch,
    ) -> Result<Chat, UpdateError> {
        let call = self.inner.update_chat(id, guard, patch);
        self.plan.around("update_chat", WRITE, call).await
    }
    async fn move_chat(
        &self,
        id: &ChatId,
        guard: &Guard,
        patch: &ChatPatch,
        event: ChatEvent,
        sent_ms: i64,
    ) -> Result<Moved, UpdateError> {
        let call = self.inner.move_chat(id, guard, patch, event, sent_ms);
        self.plan.around("move_chat", WRITE, call).await
    }
    async fn append_message(&self, chat: &Chat, msg: NewMessage) -> Result<Appended, AppendError> {
        let call = self.inner.append_message(chat, msg);
        self.plan.around("append_message", WRITE, call).await
    }
    async fn messages_after(
        &self,
        chat: &ChatId,
        after: u64,
        limit: usize,
    ) -> Result<Vec<ChatMessage>, StoreError> {
        let call = self.inner.messages_after(chat, after, limit);
        self.plan.around("messages_after", READ, call).await
    }
    async fn get_message(
        &self,
        chat: &ChatId,
        seq: u64,
    ) -> Result<Option<ChatMessage>, StoreError> {
        let call = self.inner.get_message(chat, seq);
        self.plan.around("get_message", READ, call).await
    }
}

#[async_trait]
impl TranslationSlots for FaultyStore {
    async fn set_translation(
        &self,
        chat: &ChatId,
        seq: u64,
        language: &LanguageCode,
        translation: &MessageTranslation,
    ) -> Result<Option<MessageTranslation>, StoreError> {
        let call = self.inner.set_translation(chat, seq, language, translation);
        self.plan.around("set_translation", WRITE, call).await
    }
    async fn correct_language(
        &self,
        chat: &ChatId,
        seq: u64,
        from: &LanguageCode,
        to: &LanguageCode,
    ) -> Result<bool, StoreError> {
        let call = self.inner.correct_language(chat, seq, from, to);
        self.plan.around("correct_language", WRITE, call).await
    }
    async fn messages_awaiting_translation(
        &self,
        limit: usize,
    ) -> Result<Vec<ChatMessage>, StoreError> {
        let call = self.inner.messages_awaiting_translation(limit);
        self.plan
            .around("messages_awaiting_translation", READ, call)
            .await
    }
}

#[async_trait]
impl DeliveryLedger for FaultyStore {
    async fn mark_delivered(
        &self,
        chat: &ChatId,
        seq: u64,
        side: Side,
        claim: &str,
    ) -> Result<bool, StoreError> {
        let call = self.inner.mark_delivered(chat, seq, side, claim);
        self.plan.around("mark_delivered", WRITE, call).await
    }
    async fn confirm_delivered(
        &self,
        chat: &ChatId,
        seq: u64,
        side: Side,
    ) -> Result<(), StoreError> {
        let call = self.inner.confirm_delivered(chat, seq, side);
        self.plan.around("confirm_delivered", WRITE, call).await
    }
    async fn unmark_delivered(
        &self,
        chat: &ChatId,
        seq: u64,
        side: Side,
    ) -> Result<(), StoreError> {
        let call = self.inner.unmark_delivered(chat, seq, side);
        self.plan.around("unmark_delivered", WRITE, call).await
    }
}

#[async_trait]
impl OperatorQueue for FaultyStore {
    async fn waiting_chats(&self, force: &ForceId, limit: usize) -> Result<Vec<Chat>, StoreError> {
        let call = self.inner.waiting_chats(force, limit);
        self.plan.around("waiting_chats", READ, call).await
    }
    async fn chats_held_by(&self, operator: &OperatorId) -> Result<Vec<Chat>, StoreError> {
        let call = self.inner.chats_held_by(operator);
        self.plan.around("chats_held_by", READ, call).await
    }
}

#[async_trait]
impl ConnectionStore for FaultyStore {
    async fn put_connection(&self, conn: &Connection) -> Result<(), StoreError> {
        let call = self.inner.put_connection(conn);
        self.plan.around("put_connection", WRITE, call).await
    }
    async fn get_connection(&self, id: &ConnectionId) -> Result<Option<Connection>, StoreError> {
        let call = self.inner.get_connection(id);
        self.plan.around("get_connection", READ, call).await
    }
    async fn delete_connection(&self, id: &ConnectionId) -> Result<Option<Connection>, StoreError> {
        let call = self.inner.delete_connection(id);
        self.plan.around("delete_connection", WRITE, call).await
    }
    async fn set_connection_chat(
        &self,
        id: &ConnectionId,
        chat: &ChatId,
    ) -> Result<(), StoreError> {
        let call = self.inner.set_connection_chat(id, chat);
        self.plan.around("set_connection_chat", WRITE, call).await
    }
    async fn set_presence(&self, id: &ConnectionId, presence: Presence) -> Result<(), StoreError> {
        let call = self.inner.set_presence(id, presence);
        self.plan.around("set_presence", WRITE, call).await
    }
    async fn operator_connections(
        &self,
        operator: Option<&OperatorId>,
    ) -> Result<Vec<Connection>, StoreError> {
        let call = self.inner.operator_connections(operator);
        self.plan.around("operator_connections", READ, call).await
    }
    async fn admit_frame(
        &self,
        id: &ConnectionId,
        now_secs: i64,
        limit: RateLimit,
    ) -> Result<Connection, RateError> {
        let call = self.inner.admit_frame(id, now_secs, limit);
        self.plan.around("admit_frame", WRITE, call).await
    }
}

#[async_trait]
impl UnansweredLog for FaultyStore {
    async fn record(&self, question: UnansweredQuestion) -> Result<(), UnansweredLogError> {
        let call = self.inner.record(question);
        self.plan.around("record_unanswered", WRITE, call).await
    }
    async fn recent(
        &self,
        force: &ForceId,
        limit: usize,
    ) -> Result<Vec<UnansweredQuestion>, UnansweredLogError> {
        let call = self.inner.recent(force, limit);
        self.plan.around("recent_unanswered", READ, call).await
    }
}

#[async_trait]
impl FeedbackLog for FaultyStore {
    async fn record_feedback(
        &self,
        chat: &ChatId,
        force: &ForceId,
        rating: Rating,
    ) -> Result<FeedbackOutcome, StoreError> {
        let call = self.inner.record_feedback(chat, force, rating);
        self.plan.around("record_feedback", WRITE, call).await
    }
    async fn feedback_counts(&self, force: &ForceId) -> Result<FeedbackCounts, StoreError> {
        let call = self.inner.feedback_counts(force);
        self.plan.around("feedback_counts", READ, call).await
    }
}
