//! The embedded in-process store: the local gateway's default and a fast fake for tests.
//! It keeps the DynamoDB adapter's semantics (conditional writes, ordering, idempotency).

use super::{
    AppendError, Appended, ChatStore, ConnectionStore, DeliveryLedger, Moved, OperatorQueue,
    RateError, RateLimit, StoreError, TranslationSlots, UpdateError,
};
use crate::domain::{
    Chat, ChatEvent, ChatId, ChatMessage, ChatPatch, ChatState, ClientMessageId, Connection,
    ConnectionId, ForceId, Guard, LanguageCode, MessageBody, MessageTranslation, NewMessage,
    OperatorId, Role, Side,
};
use async_trait::async_trait;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};

#[derive(Default)]
struct ChatRecord {
    chat: Option<Chat>,
    messages: Vec<ChatMessage>,
    client_ids: HashMap<(String, ClientMessageId), u64>,
    /// Deliveries claimed (by the claiming record's sequence number) or done (`None`).
    delivered: HashMap<(u64, Side), Option<String>>,
}

struct ConnectionRecord {
    conn: Connection,
    window: i64,
    count: u32,
}

#[derive(Default)]
struct Inner {
    chats: HashMap<ChatId, ChatRecord>,
    connections: HashMap<ConnectionId, ConnectionRecord>,
    /// Operators' connections by operator, as DynamoDB's `online` index: finding them does
    /// not scan every citizen's socket.
    operators_online: BTreeMap<OperatorId, BTreeSet<ConnectionId>>,
    /// Chats rated, and the counts per force (the ratings are not kept with the chats).
    rated: HashSet<ChatId>,
    feedback: HashMap<ForceId, crate::domain::FeedbackCounts>,
}

impl Inner {
    fn forget_operator_connection(&mut self, conn: &Connection) {
        if let Role::Operator { operator_id } = &conn.role {
            if let Some(set) = self.operators_online.get_mut(operator_id) {
                set.remove(&conn.id);
                if set.is_empty() {
                    self.operators_online.remove(operator_id);
                }
            }
        }
    }
}

#[derive(Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
    unanswered: crate::faq::InMemoryUnansweredLog,
    feed: super::feed::Feed,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// The same store, telling `feed` of each message it stores (under its lock, so in the
    /// order of the chat's sequence numbers).
    #[cfg(feature = "local")]
    pub fn with_feed(mut self, feed: std::sync::Arc<dyn super::MessageFeed>) -> Self {
        self.feed = super::feed::Feed::to(feed);
        self
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave a half-written record (every write is
        // one assignment), so a poisoned lock is still consistent.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl super::Store for MemoryStore {}

#[async_trait]
impl ChatStore for MemoryStore {
    async fn create_chat(&self, chat: &Chat) -> Result<(), StoreError> {
        let mut inner = self.lock();
        let rec = inner.chats.entry(chat.id.clone()).or_default();
        if rec.chat.is_some() {
            return Err(StoreError::corrupt(format!("chat {} exists", chat.id)));
        }
        rec.chat = Some(chat.clone());
        Ok(())
    }

    async fn get_chat(&self, id: &ChatId) -> Result<Option<Chat>, StoreError> {
        Ok(self.lock().chats.get(id).and_then(|r| r.chat.clone()))
    }

    async fn update_chat(
        &self,
        id: &ChatId,
        guard: &Guard,
        patch: &ChatPatch,
    ) -> Result<Chat, UpdateError> {
        let mut inner = self.lock();
        let chat = inner
            .chats
            .get_mut(id)
            .and_then(|r| r.chat.as_mut())
            .ok_or(UpdateError::NotFound)?;
        if !guard.admits(chat) {
            return Err(UpdateError::Conflict);
        }
        patch.apply(chat);
        Ok(chat.clone())
    }

    async fn move_chat(
        &self,
        id: &ChatId,
        guard: &Guard,
        patch: &ChatPatch,
        event: ChatEvent,
        sent_ms: i64,
    ) -> Result<Moved, UpdateError> {
        let mut inner = self.lock();
        let rec = inner.chats.get_mut(id).ok_or(UpdateError::NotFound)?;
        let chat = rec.chat.as_mut().ok_or(UpdateError::NotFound)?;
        if !guard.admits(chat) {
            return Err(UpdateError::Conflict);
        }
        patch.apply(chat);
        chat.last_seq += 1;
        let message = NewMessage::event(event, sent_ms).stored_as(id.clone(), chat.last_seq);
        let chat = chat.clone();
        rec.messages.push(message.clone());
        self.feed.stored(&message, chat.expires_at);
        Ok(Moved {
            chat,
            event: message,
        })
    }

    async fn append_message(&self, chat: &Chat, msg: NewMessage) -> Result<Appended, AppendError> {
        let mut inner = self.lock();
        let rec = inner.chats.get_mut(&chat.id).ok_or(AppendError::NotFound)?;
        let Some(current) = rec.chat.as_mut() else {
            return Err(AppendError::NotFound);
        };
        if let Some(cmid) = &msg.client_message_id {
            if let Some(seq) = rec
                .client_ids
                .get(&(msg.sender.idempotency_scope(), cmid.clone()))
            {
                let message = rec
                    .messages
                    .iter()
                    .find(|m| m.seq == *seq)
                    .cloned()
                    .ok_or_else(|| StoreError::corrupt("client id without message"))?;
                return Ok(Appended {
                    message,
                    duplicate: true,
                });
            }
        }
        if current.state == ChatState::Ended {
            return Err(AppendError::ChatEnded);
        }
        current.last_seq += 1;
        let message = msg.stored_as(chat.id.clone(), current.last_seq);
        if let Some(cmid) = &message.client_message_id {
            rec.client_ids.insert(
                (message.sender.idempotency_scope(), cmid.clone()),
                message.seq,
            );
        }
        rec.messages.push(message.clone());
        self.feed.stored(&message, current.expires_at);
        Ok(Appended {
            message,
            duplicate: false,
        })
    }

    async fn messages_after(
        &self,
        chat: &ChatId,
        after: u64,
        limit: usize,
    ) -> Result<Vec<ChatMessage>, StoreError> {
        Ok(self
            .lock()
            .chats
            .get(chat)
            .map(|r| {
                r.messages
                    .iter()
                    .filter(|m| m.seq > after)
                    .take(limit)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default())
    }

    async fn get_message(
        &self,
        chat: &ChatId,
        seq: u64,
    ) -> Result<Option<ChatMessage>, StoreError> {
        Ok(self
            .lock()
            .chats
            .get(chat)
            .and_then(|r| r.messages.iter().find(|m| m.seq == seq).cloned()))
    }
}

#[async_trait]
impl TranslationSlots for MemoryStore {
    async fn set_translation(
        &self,
        chat: &ChatId,
        seq: u64,
        language: &LanguageCode,
        translation: &MessageTranslation,
    ) -> Result<Option<MessageTranslation>, StoreError> {
        let mut inner = self.lock();
        let message = inner
            .chats
            .get_mut(chat)
            .and_then(|r| r.messages.iter_mut().find(|m| m.seq == seq))
            .ok_or_else(|| StoreError::corrupt(format!("no message {seq} in chat {chat}")))?;
        let MessageBody::Text { translations, .. } = &mut message.body else {
            return Err(StoreError::corrupt(format!(
                "message {seq} in chat {chat} is not text"
            )));
        };
        let previous = translations.get(language).cloned();
        let keep =
            previous.as_ref().is_some_and(|p| p.is_translated()) && !translation.is_translated();
        if !keep {
            translations.insert(language.clone(), translation.clone());
        }
        Ok(previous)
    }

    async fn correct_language(
        &self,
        chat: &ChatId,
        seq: u64,
        from: &LanguageCode,
        to: &LanguageCode,
    ) -> Result<bool, StoreError> {
        let mut inner = self.lock();
        let Some(message) = inner
            .chats
            .get_mut(chat)
            .and_then(|r| r.messages.iter_mut().find(|m| m.seq == seq))
        else {
            return Ok(false);
        };
        match &mut message.body {
            MessageBody::Text {
                language,
                translations,
                ..
            } if language == from => {
                *language = to.clone();
                translations.clear();
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn messages_awaiting_translation(
        &self,
        limit: usize,
    ) -> Result<Vec<ChatMessage>, StoreError> {
        let inner = self.lock();
        let mut out: Vec<ChatMessage> = inner
            .chats
            .values()
            .flat_map(|r| r.messages.iter())
            .filter(|m| super::items::awaits_translation_retry(m))
            .cloned()
            .collect();
        out.sort_by(|a, b| (a.sent_ms, &a.chat_id, a.seq).cmp(&(b.sent_ms, &b.chat_id, b.seq)));
        out.truncate(limit);
        Ok(out)
    }
}

#[async_trait]
impl DeliveryLedger for MemoryStore {
    async fn mark_delivered(
        &self,
        chat: &ChatId,
        seq: u64,
        side: Side,
        claim: &str,
    ) -> Result<bool, StoreError> {
        let mut inner = self.lock();
        match inner.chats.get_mut(chat) {
            Some(r) if r.messages.iter().any(|m| m.seq == seq) => {
                match r.delivered.entry((seq, side)) {
                    std::collections::hash_map::Entry::Vacant(v) => {
                        v.insert(Some(claim.to_owned()));
                        Ok(true)
                    }
                    std::collections::hash_map::Entry::Occupied(o) => {
                        Ok(o.get().as_deref() == Some(claim))
                    }
                }
            }
            _ => Err(StoreError::corrupt(format!(
                "no message {seq} in chat {chat}"
            ))),
        }
    }

    async fn confirm_delivered(
        &self,
        chat: &ChatId,
        seq: u64,
        side: Side,
    ) -> Result<(), StoreError> {
        if let Some(r) = self.lock().chats.get_mut(chat) {
            r.delivered.insert((seq, side), None);
        }
        Ok(())
    }

    async fn unmark_delivered(
        &self,
        chat: &ChatId,
        seq: u64,
        side: Side,
    ) -> Result<(), StoreError> {
        if let Some(r) = self.lock().chats.get_mut(chat) {
            r.delivered.remove(&(seq, side));
        }
        Ok(())
    }
}

#[async_trait]
impl OperatorQueue for MemoryStore {
    async fn waiting_chats(&self, force: &ForceId, limit: usize) -> Result<Vec<Chat>, StoreError> {
        let inner = self.lock();
        let mut waiting: Vec<Chat> = inner
            .chats
            .values()
            .filter_map(|r| r.chat.as_ref())
            .filter(|c| &c.force == force && c.queue.is_some())
            .cloned()
            .collect();
        waiting.sort_by(|a, b| (a.queue, &a.id).cmp(&(b.queue, &b.id)));
        waiting.truncate(limit);
        Ok(waiting)
    }

    async fn chats_held_by(&self, operator: &OperatorId) -> Result<Vec<Chat>, StoreError> {
        let inner = self.lock();
        let mut held: Vec<Chat> = inner
            .chats
            .values()
            .filter_map(|r| r.chat.as_ref())
            .filter(|c| c.state == ChatState::Active && c.operator.as_ref() == Some(operator))
            .cloned()
            .collect();
        held.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(held)
    }
}

#[async_trait]
impl super::FeedbackLog for MemoryStore {
    async fn record_feedback(
        &self,
        chat: &ChatId,
        force: &ForceId,
        rating: crate::domain::Rating,
    ) -> Result<super::FeedbackOutcome, StoreError> {
        use super::FeedbackOutcome;
        let mut inner = self.lock();
        let ended = inner
            .chats
            .get(chat)
            .and_then(|r| r.chat.as_ref())
            .is_some_and(|c| c.state == ChatState::Ended);
        if !ended {
            return Ok(FeedbackOutcome::NotEnded);
        }
        if !inner.rated.insert(chat.clone()) {
            return Ok(FeedbackOutcome::AlreadyRated);
        }
        inner.feedback.entry(force.clone()).or_default().add(rating);
        Ok(FeedbackOutcome::Counted)
    }

    async fn feedback_counts(
        &self,
        force: &ForceId,
    ) -> Result<crate::domain::FeedbackCounts, StoreError> {
        Ok(self.lock().feedback.get(force).copied().unwrap_or_default())
    }
}

#[async_trait]
impl crate::faq::UnansweredLog for MemoryStore {
    async fn record(
        &self,
        question: crate::faq::UnansweredQuestion,
    ) -> Result<(), crate::faq::UnansweredLogError> {
        self.unanswered.record(question).await
    }

    async fn recent(
        &self,
        force: &ForceId,
        limit: usize,
    ) -> Result<Vec<crate::faq::UnansweredQuestion>, crate::faq::UnansweredLogError> {
        self.unanswered.recent(force, limit).await
    }
}

#[async_trait]
impl ConnectionStore for MemoryStore {
    async fn put_connection(&self, conn: &Connection) -> Result<(), StoreError> {
        let mut inner = self.lock();
        let old = inner.connections.insert(
            conn.id.clone(),
            ConnectionRecord {
                conn: conn.clone(),
                window: 0,
                count: 0,
            },
        );
        if let Some(old) = old {
            inner.forget_operator_connection(&old.conn);
        }
        if let Role::Operator { operator_id } = &conn.role {
            inner
                .operators_online
                .entry(operator_id.clone())
                .or_default()
                .insert(conn.id.clone());
        }
        Ok(())
    }

    async fn get_connection(&self, id: &ConnectionId) -> Result<Option<Connection>, StoreError> {
        Ok(self.lock().connections.get(id).map(|r| r.conn.clone()))
    }

    async fn delete_connection(&self, id: &ConnectionId) -> Result<Option<Connection>, StoreError> {
        let mut inner = self.lock();
        let removed = inner.connections.remove(id).map(|r| r.conn);
        if let Some(conn) = &removed {
            inner.forget_operator_connection(conn);
        }
        Ok(removed)
    }

    async fn set_connection_chat(
        &self,
        id: &ConnectionId,
        chat: &ChatId,
    ) -> Result<(), StoreError> {
        if let Some(r) = self.lock().connections.get_mut(id) {
            r.conn.chat = Some(chat.clone());
        }
        Ok(())
    }

    async fn set_presence(
        &self,
        id: &ConnectionId,
        presence: crate::domain::Presence,
    ) -> Result<(), StoreError> {
        if let Some(r) = self.lock().connections.get_mut(id) {
            r.conn.presence = presence;
        }
        Ok(())
    }

    async fn operator_connections(
        &self,
        operator: Option<&OperatorId>,
    ) -> Result<Vec<Connection>, StoreError> {
        let inner = self.lock();
        let ids: Vec<&ConnectionId> = match operator {
            Some(op) => inner
                .operators_online
                .get(op)
                .map(|s| s.iter().collect())
                .unwrap_or_default(),
            None => inner.operators_online.values().flatten().collect(),
        };
        let mut conns: Vec<Connection> = ids
            .into_iter()
            .filter_map(|id| inner.connections.get(id).map(|r| r.conn.clone()))
            .collect();
        conns.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(conns)
    }

    async fn admit_frame(
        &self,
        id: &ConnectionId,
        now_secs: i64,
        limit: RateLimit,
    ) -> Result<Connection, RateError> {
        let mut inner = self.lock();
        let r = inner.connections.get_mut(id).ok_or(RateError::NotFound)?;
        let window = now_secs / limit.window_secs.max(1);
        if r.window != window {
            r.window = window;
            r.count = 0;
        }
        if r.count >= limit.max {
            return Err(RateError::Limited);
        }
        r.count += 1;
        Ok(r.conn.clone())
    }
}
