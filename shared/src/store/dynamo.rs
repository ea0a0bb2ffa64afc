//! The DynamoDB adapter. It owns the item mapping and the conditional expressions; no SDK
//! type leaves this file.

/// The AWS actions this adapter calls, by the part of the storage port they serve, each
/// `"<action> <table logical id>[/index/<name>]"` (`store::tables`). A function lists the parts
/// it uses (`AWS_ACTIONS` in its `lib.rs`); the template test holds its role to exactly those
/// and scans this file, so an SDK call declared nowhere fails there (tests/tests/template/).
pub mod aws_actions {
    /// get_chat, get_message, messages' client ids (earlier_send): reads of one item.
    pub const CHAT_READ: &[&str] = &["dynamodb:GetItem ChatsTable"];
    /// update_chat, set_translation, correct_language, mark_delivered / unmark_delivered.
    pub const CHAT_UPDATE: &[&str] = &["dynamodb:UpdateItem ChatsTable"];
    /// create_chat, append_message, move_chat (a transaction is authorised per item: the
    /// chat's Update and the entries' Puts).
    pub const CHAT_APPEND: &[&str] = &[
        "dynamodb:PutItem ChatsTable",
        "dynamodb:UpdateItem ChatsTable",
    ];
    /// messages_after: a chat's history.
    pub const HISTORY: &[&str] = &["dynamodb:Query ChatsTable"];
    /// waiting_chats: the force's queue.
    pub const QUEUE: &[&str] = &["dynamodb:Query ChatsTable/index/queue"];
    /// chats_held_by: an operator's chats.
    pub const HELD_BY: &[&str] = &["dynamodb:Query ChatsTable/index/operator"];
    /// messages_awaiting_translation: the background retry.
    pub const TRANSLATION_RETRY: &[&str] = &["dynamodb:Query ChatsTable/index/translation_retry"];
    /// put_connection, delete_connection: a socket opened and closed.
    pub const CONNECTION_OPEN_CLOSE: &[&str] = &[
        "dynamodb:PutItem ConnectionsTable",
        "dynamodb:DeleteItem ConnectionsTable",
    ];
    /// get_connection, set_connection_chat, set_presence, admit_frame.
    pub const CONNECTION_STATE: &[&str] = &[
        "dynamodb:GetItem ConnectionsTable",
        "dynamodb:UpdateItem ConnectionsTable",
    ];
    /// delete_connection of a socket found gone when posting (delivery::post_or_forget).
    pub const GONE_CONNECTION: &[&str] = &["dynamodb:DeleteItem ConnectionsTable"];
    /// operator_connections: the operators online.
    pub const OPERATORS_ONLINE: &[&str] = &["dynamodb:Query ConnectionsTable/index/online"];
}

use super::items::{
    awaits_translation_retry, chat_pk, client_message_sk, delivered_attr, message_sk, ChatItem,
    ClientMessageItem, ConnectionItem, MessageItem, CHAT_SK, OPERATOR_ROLE, TRANSLATION_RETRY,
};
use super::{
    AppendError, Appended, ChatStore, ConnectionStore, DeliveryLedger, Moved, OperatorQueue,
    RateError, RateLimit, StoreError, TranslationSlots, UpdateError,
};
use crate::domain::{
    Chat, ChatEvent, ChatId, ChatMessage, ChatPatch, ChatState, Connection, ConnectionId, ForceId,
    Guard, LanguageCode, MessageBody, MessageTranslation, NewMessage, OperatorId, Side,
};
use crate::dynamo::{self, n, s, AdapterError, Item};
use async_trait::async_trait;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::{AttributeValue, Put, ReturnValue, TransactWriteItem, Update};
use aws_sdk_dynamodb::Client;
use serde::{de::DeserializeOwned, Serialize};
use std::collections::HashMap;

/// The physical table names (they differ per stage and per test).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableNames {
    pub chats: String,
    pub connections: String,
}

impl TableNames {
    /// `{prefix}chats` and `{prefix}connections`, as the local gateway and tests name them.
    pub fn with_prefix(prefix: &str) -> Self {
        Self {
            chats: format!("{prefix}chats"),
            connections: format!("{prefix}connections"),
        }
    }

    /// Creates the tables that do not exist yet, from the shared definitions.
    pub async fn create_missing(
        &self,
        client: &aws_sdk_dynamodb::Client,
    ) -> Result<(), StoreError> {
        super::tables::create_missing(
            client,
            &[
                (super::tables::CHATS, self.chats.as_str()),
                (super::tables::CONNECTIONS, self.connections.as_str()),
            ],
        )
        .await
    }
}

pub struct DynamoStore {
    client: Client,
    tables: TableNames,
    feed: super::feed::Feed,
}

impl DynamoStore {
    pub fn new(client: Client, tables: TableNames) -> Self {
        Self {
            client,
            tables,
            feed: Default::default(),
        }
    }

    /// The same store, telling `feed` of each message it stores (the local gateway's stand-in
    /// for the table's stream; DynamoDB local servers such as moto have none).
    #[cfg(feature = "local")]
    pub fn with_feed(mut self, feed: std::sync::Arc<dyn super::MessageFeed>) -> Self {
        self.feed = super::feed::Feed::to(feed);
        self
    }

    pub(super) fn client(&self) -> &Client {
        &self.client
    }

    pub(super) fn tables(&self) -> &TableNames {
        &self.tables
    }
}

/// This store's items as the port's error (`what` names an item, never shows it).
fn to_item<T: Serialize>(what: &'static str, v: &T) -> Result<Item, StoreError> {
    Ok(dynamo::to_item(what, v)?)
}

fn to_value<T: Serialize>(what: &'static str, v: &T) -> Result<AttributeValue, StoreError> {
    Ok(dynamo::to_value(what, v)?)
}

fn from_item<T: DeserializeOwned>(what: &'static str, item: Item) -> Result<T, StoreError> {
    Ok(dynamo::from_item(what, item)?)
}

/// An item that reads as a domain value: what it is called in errors, and that value.
trait StoredItem: DeserializeOwned {
    const WHAT: &'static str;
    type Domain: From<Self>;
}

impl StoredItem for ChatItem {
    const WHAT: &'static str = "chat";
    type Domain = Chat;
}

impl StoredItem for MessageItem {
    const WHAT: &'static str = "message";
    type Domain = ChatMessage;
}

impl StoredItem for ConnectionItem {
    const WHAT: &'static str = "connection";
    type Domain = Connection;
}

/// An item read back as its domain value.
fn decode<I: StoredItem>(item: Item) -> Result<I::Domain, StoreError> {
    Ok(from_item::<I>(I::WHAT, item)?.into())
}

fn decode_all<I: StoredItem>(items: Vec<Item>) -> Result<Vec<I::Domain>, StoreError> {
    items.into_iter().map(decode::<I>).collect()
}

fn built<T, E: std::error::Error + Send + Sync + 'static>(
    r: Result<T, E>,
) -> Result<T, StoreError> {
    Ok(dynamo::built(r)?)
}

/// Whether a conditional write was written: false when its condition did not hold.
fn condition_held<T, E, R>(
    result: Result<T, SdkError<E, R>>,
    context: &'static str,
) -> Result<bool, StoreError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    Ok(dynamo::conditional(result, context)?.is_some())
}

/// The item an `UpdateItem` with `ALL_NEW` returned, or `None` when its condition failed.
fn updated<T: DeserializeOwned>(
    what: &'static str,
    result: Result<
        aws_sdk_dynamodb::operation::update_item::UpdateItemOutput,
        SdkError<aws_sdk_dynamodb::operation::update_item::UpdateItemError>,
    >,
    context: &'static str,
) -> Result<Option<T>, StoreError> {
    let Some(out) = dynamo::conditional(result, context)? else {
        return Ok(None);
    };
    let item = out
        .attributes
        .ok_or(AdapterError::Missing("updated item"))?;
    Ok(Some(from_item(what, item)?))
}

/// An update expression under construction: placeholders for every name and value, so that
/// no attribute name collides with DynamoDB's reserved words.
#[derive(Default)]
struct Expr {
    sets: Vec<String>,
    removes: Vec<String>,
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
}

impl Expr {
    fn name(&mut self, attr: &str) -> String {
        let key = format!("#{attr}");
        self.names.insert(key.clone(), attr.to_owned());
        key
    }

    fn value(&mut self, v: AttributeValue) -> String {
        let key = format!(":v{}", self.values.len());
        self.values.insert(key.clone(), v);
        key
    }

    fn set(&mut self, attr: &str, v: AttributeValue) {
        let (n, v) = (self.name(attr), self.value(v));
        self.sets.push(format!("{n} = {v}"));
    }

    fn remove(&mut self, attr: &str) {
        let n = self.name(attr);
        self.removes.push(n);
    }

    fn update_expression(&self) -> Option<String> {
        let mut parts = Vec::new();
        if !self.sets.is_empty() {
            parts.push(format!("SET {}", self.sets.join(", ")));
        }
        if !self.removes.is_empty() {
            parts.push(format!("REMOVE {}", self.removes.join(", ")));
        }
        (!parts.is_empty()).then(|| parts.join(" "))
    }
}

impl DynamoStore {
    /// A transaction's put of a new item into the chats table: refused if the key is taken.
    fn put_new<T: Serialize>(&self, what: &'static str, item: &T) -> Result<Put, StoreError> {
        built(
            Put::builder()
                .table_name(&self.tables.chats)
                .set_item(Some(to_item(what, item)?))
                .condition_expression("attribute_not_exists(pk)")
                .build(),
        )
    }

    async fn get(&self, table: &str, key: Item) -> Result<Option<Item>, StoreError> {
        Ok(dynamo::read_item(self.client.get_item(), table, key).await?)
    }

    fn chat_key(id: &ChatId, sk: String) -> Item {
        dynamo::key(chat_pk(id), sk)
    }

    /// Sets one attribute of a connection item that still exists (a socket that closed
    /// meanwhile is not brought back by the write).
    async fn set_on_open_connection(
        &self,
        id: &ConnectionId,
        attribute: &str,
        value: AttributeValue,
        context: &'static str,
    ) -> Result<(), StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.tables.connections)
            .set_key(Some(Self::connection_key(id)))
            .update_expression("SET #a = :v")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#a", attribute)
            .expression_attribute_values(":v", value)
            .send()
            .await;
        condition_held(result, context).map(|_| ())
    }

    /// An update of message `seq`'s delivery mark for `side` (named `#d`): the caller adds
    /// the expression.
    fn delivery_mark(
        &self,
        chat: &ChatId,
        seq: u64,
        side: Side,
    ) -> aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder {
        self.client
            .update_item()
            .table_name(&self.tables.chats)
            .set_key(Some(Self::chat_key(chat, message_sk(seq))))
            .expression_attribute_names("#d", delivered_attr(side))
    }

    fn connection_key(id: &ConnectionId) -> Item {
        Item::from([("pk".to_owned(), s(id.as_str()))])
    }

    /// Runs a query to the end (or to `limit` items), following DynamoDB's pages.
    async fn query_all(
        &self,
        table: &str,
        index: Option<&str>,
        key_condition: &str,
        names: HashMap<String, String>,
        values: Item,
        limit: usize,
    ) -> Result<Vec<Item>, StoreError> {
        let request = self
            .client
            .query()
            .table_name(table)
            .set_index_name(index.map(str::to_owned))
            .key_condition_expression(key_condition)
            // DynamoDB refuses an empty map ("ExpressionAttributeNames must not be empty").
            .set_expression_attribute_names((!names.is_empty()).then_some(names))
            .set_expression_attribute_values(Some(values));
        Ok(dynamo::query_pages(request, limit, "querying").await?)
    }

    async fn message(&self, chat: &ChatId, seq: u64) -> Result<Option<ChatMessage>, StoreError> {
        let item = self
            .get(&self.tables.chats, Self::chat_key(chat, message_sk(seq)))
            .await?;
        item.map(decode::<MessageItem>).transpose()
    }

    /// The message an earlier send with the same client message id stored, if any.
    async fn earlier_send(
        &self,
        chat: &ChatId,
        msg: &NewMessage,
    ) -> Result<Option<ChatMessage>, StoreError> {
        let Some(cmid) = &msg.client_message_id else {
            return Ok(None);
        };
        let Some(item) = self
            .get(
                &self.tables.chats,
                Self::chat_key(chat, client_message_sk(&msg.sender, cmid)),
            )
            .await?
        else {
            return Ok(None);
        };
        let marker: ClientMessageItem = from_item("client message id", item)?;
        self.message(chat, marker.seq).await
    }
}

/// The result of writing one translation in place.
enum TranslationWrite {
    /// Written; the message as it was before.
    Done(Box<ChatMessage>),
    /// The condition failed: no such message, or (for an `Unavailable` mark) it is translated.
    Refused,
    /// The message has no `body.translations` map to write into (stored before there was one).
    NoMap,
}

impl DynamoStore {
    async fn write_translation(
        &self,
        chat: &ChatId,
        seq: u64,
        language: &LanguageCode,
        translation: &MessageTranslation,
    ) -> Result<TranslationWrite, StoreError> {
        let mut req = self
            .client
            .update_item()
            .table_name(&self.tables.chats)
            .set_key(Some(Self::chat_key(chat, message_sk(seq))))
            .expression_attribute_names("#b", "body")
            .expression_attribute_names("#t", "translations")
            .expression_attribute_names("#l", language.as_str())
            .expression_attribute_values(":v", to_value("translation", translation)?)
            .return_values(ReturnValue::AllOld);
        req = match translation {
            MessageTranslation::Translated { .. } => req
                .update_expression("SET #b.#t.#l = :v REMOVE #r")
                .expression_attribute_names("#r", "translation_retry")
                .condition_expression("attribute_exists(pk)"),
            MessageTranslation::Unavailable { retry, .. } => {
                let update = if *retry {
                    "SET #b.#t.#l = :v, #r = :p"
                } else {
                    "SET #b.#t.#l = :v"
                };
                let req = req
                    .update_expression(update)
                    .condition_expression(
                        "attribute_exists(pk) AND attribute_not_exists(#b.#t.#l.#x)",
                    )
                    .expression_attribute_names("#x", "text");
                if *retry {
                    req.expression_attribute_names("#r", "translation_retry")
                        .expression_attribute_values(":p", s(TRANSLATION_RETRY))
                } else {
                    req
                }
            }
        };
        match req.send().await {
            Ok(out) => {
                let old = out
                    .attributes
                    .ok_or(AdapterError::Missing("previous item"))?;
                let old: MessageItem = from_item("message", old)?;
                Ok(TranslationWrite::Done(Box::new(old.into())))
            }
            Err(SdkError::ServiceError(se)) if se.err().is_conditional_check_failed_exception() => {
                Ok(TranslationWrite::Refused)
            }
            // "The document path provided in the update expression is invalid for update".
            Err(SdkError::ServiceError(se))
                if se.err().code() == Some("ValidationException")
                    && se
                        .err()
                        .message()
                        .is_some_and(|m| m.contains("document path")) =>
            {
                Ok(TranslationWrite::NoMap)
            }
            Err(err) => Err(StoreError::unavailable("storing a translation", err)),
        }
    }

    /// Gives a text message stored without a `body.translations` map an empty one.
    async fn add_translations_map(&self, chat: &ChatId, seq: u64) -> Result<(), StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.tables.chats)
            .set_key(Some(Self::chat_key(chat, message_sk(seq))))
            .update_expression("SET #b.#t = :empty")
            .condition_expression(
                "attribute_exists(pk) AND #b.#k = :text AND attribute_not_exists(#b.#t)",
            )
            .expression_attribute_names("#b", "body")
            .expression_attribute_names("#t", "translations")
            .expression_attribute_names("#k", "kind")
            .expression_attribute_values(":empty", AttributeValue::M(HashMap::new()))
            .expression_attribute_values(":text", s("text"))
            .send()
            .await;
        if condition_held(result, "adding a translations map")? {
            Ok(())
        } else {
            Err(StoreError::corrupt(format!(
                "message {seq} in chat {chat} is not a text message"
            )))
        }
    }

    /// Puts the message in the retry index, or takes it out, when the write of one language
    /// left it otherwise than its translations say (another language still awaits a retry, or
    /// a mark without retry replaced one with).
    async fn settle_retry_index(
        &self,
        before: &ChatMessage,
        language: &LanguageCode,
        translation: &MessageTranslation,
    ) -> Result<(), StoreError> {
        let mut after = before.clone();
        if let MessageBody::Text { translations, .. } = &mut after.body {
            translations.insert(language.clone(), translation.clone());
        }
        let wanted = awaits_translation_retry(&after);
        let has = match translation {
            MessageTranslation::Translated { .. } => false,
            MessageTranslation::Unavailable { retry: true, .. } => true,
            MessageTranslation::Unavailable { retry: false, .. } => {
                awaits_translation_retry(before)
            }
        };
        if wanted == has {
            return Ok(());
        }
        let req = self
            .client
            .update_item()
            .table_name(&self.tables.chats)
            .set_key(Some(Self::chat_key(
                &before.chat_id,
                message_sk(before.seq),
            )))
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#r", "translation_retry");
        let req = if wanted {
            req.update_expression("SET #r = :p")
                .expression_attribute_values(":p", s(TRANSLATION_RETRY))
        } else {
            req.update_expression("REMOVE #r")
        };
        req.send()
            .await
            .map_err(|e| StoreError::unavailable("updating the translation retry index", e))?;
        Ok(())
    }
}

/// How many times an append retries when another writer took the next sequence number.
/// The update of a chat item that `patch` makes, and the condition that `guard` sets on it.
fn chat_change(
    id: &ChatId,
    guard: &Guard,
    patch: &ChatPatch,
) -> Result<(Expr, String), StoreError> {
    let mut e = Expr::default();
    if let Some(st) = patch.state {
        e.set("state", to_value("chat state", &st)?);
        match (st, &patch.operator) {
            (ChatState::Active, Some(Some(op))) => e.set("active_operator", s(op.as_str())),
            _ => e.remove("active_operator"),
        }
    }
    if let Some(p) = patch.new_priority() {
        e.set("priority", to_value("priority", &p)?);
    }
    if let Some(r) = patch.emergency_reason {
        e.set("emergency_reason", s(r.code()));
    }
    match patch.queue {
        Some(Some(slot)) => {
            e.set("queue_sk", s(super::items::queue_sk(&slot, id)));
            e.set("queue_since_ms", n(slot.since_ms));
        }
        Some(None) => {
            e.remove("queue_sk");
            e.remove("queue_since_ms");
        }
        None => {}
    }
    match &patch.operator {
        Some(Some(op)) => e.set("operator_id", s(op.as_str())),
        Some(None) => e.remove("operator_id"),
        None => {}
    }
    match &patch.citizen_connection {
        Some(Some(c)) => e.set("citizen_connection", s(c.as_str())),
        Some(None) => e.remove("citizen_connection"),
        None => {}
    }
    if let Some(l) = &patch.language {
        e.set("language", s(l.code().as_str()));
        e.set("language_state", to_value("chat language", l)?);
    }
    if let Some(a) = &patch.bot_answers {
        if a.is_empty() {
            e.remove("bot_answers");
        } else {
            e.set("bot_answers", to_value("bot answers", a)?);
        }
    }
    if let Some(r) = patch.ended {
        e.set("ended", to_value("chat end", &r)?);
    }
    let state_name = e.name("state");
    let mut allowed = Vec::new();
    for st in &guard.states {
        allowed.push(e.value(to_value("chat state", st)?));
    }
    let mut condition = format!(
        "attribute_exists(pk) AND {state_name} IN ({})",
        allowed.join(", ")
    );
    if let Some(op) = &guard.operator {
        let (n, v) = (e.name("operator_id"), e.value(s(op.as_str())));
        condition.push_str(&format!(" AND {n} = {v}"));
    }
    if let Some(p) = guard.priority {
        let (n, v) = (e.name("priority"), e.value(to_value("priority", &p)?));
        condition.push_str(&format!(" AND {n} = {v}"));
    }
    Ok((e, condition))
}

const APPEND_ATTEMPTS: u32 = 16;

/// Before the next attempt of a chat's write that lost to another writer: none after the
/// first loss (one message or move came in between, and reading the chat again suffices), a
/// growing pause once it keeps losing.
async fn pause_if_contended(attempt: u32) {
    if attempt > 0 {
        dynamo::back_off(attempt - 1).await;
    }
}

impl super::Store for DynamoStore {}

#[async_trait]
impl ChatStore for DynamoStore {
    async fn create_chat(&self, chat: &Chat) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.tables.chats)
            .set_item(Some(to_item("chat", &ChatItem::from(chat))?))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await
            .map_err(|e| StoreError::unavailable("creating a chat", e))?;
        Ok(())
    }

    async fn get_chat(&self, id: &ChatId) -> Result<Option<Chat>, StoreError> {
        let item = self
            .get(&self.tables.chats, Self::chat_key(id, CHAT_SK.to_owned()))
            .await?;
        item.map(decode::<ChatItem>).transpose()
    }

    async fn update_chat(
        &self,
        id: &ChatId,
        guard: &Guard,
        patch: &ChatPatch,
    ) -> Result<Chat, UpdateError> {
        let (e, condition) = chat_change(id, guard, patch)?;
        let Some(update) = e.update_expression() else {
            let chat = self.get_chat(id).await?.ok_or(UpdateError::NotFound)?;
            return if guard.admits(&chat) {
                Ok(chat)
            } else {
                Err(UpdateError::Conflict)
            };
        };
        let result = self
            .client
            .update_item()
            .table_name(&self.tables.chats)
            .set_key(Some(Self::chat_key(id, CHAT_SK.to_owned())))
            .update_expression(update)
            .condition_expression(condition)
            .set_expression_attribute_names(Some(e.names))
            .set_expression_attribute_values(Some(e.values))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match updated::<ChatItem>("chat", result, "updating a chat")? {
            Some(item) => Ok(item.into()),
            None => match self.get_chat(id).await? {
                None => Err(UpdateError::NotFound),
                Some(_) => Err(UpdateError::Conflict),
            },
        }
    }

    async fn move_chat(
        &self,
        id: &ChatId,
        guard: &Guard,
        patch: &ChatPatch,
        event: ChatEvent,
        sent_ms: i64,
    ) -> Result<Moved, UpdateError> {
        let mut current = self.get_chat(id).await?.ok_or(UpdateError::NotFound)?;
        for attempt in 0..APPEND_ATTEMPTS {
            if !guard.admits(&current) {
                return Err(UpdateError::Conflict);
            }
            // The change and the event, as one transaction: the chat as the guard expects and
            // with no message stored since it was read, then the event as its next message.
            let seq = current.last_seq + 1;
            let (mut e, mut condition) = chat_change(id, guard, patch)?;
            let last_seq = e.name("last_seq");
            let prev = e.value(n(current.last_seq));
            condition.push_str(&format!(" AND {last_seq} = {prev}"));
            e.set("last_seq", n(seq));
            let message = NewMessage::event(event.clone(), sent_ms).stored_as(id.clone(), seq);
            let update = built(
                Update::builder()
                    .table_name(&self.tables.chats)
                    .set_key(Some(Self::chat_key(id, CHAT_SK.to_owned())))
                    .update_expression(e.update_expression().unwrap_or_default())
                    .condition_expression(condition)
                    .set_expression_attribute_names(Some(e.names))
                    .set_expression_attribute_values(Some(e.values))
                    .build(),
            )?;
            let put = self.put_new("message", &MessageItem::new(&message, current.expires_at))?;
            let sent = self
                .client
                .transact_write_items()
                .transact_items(TransactWriteItem::builder().update(update).build())
                .transact_items(TransactWriteItem::builder().put(put).build())
                .send()
                .await;
            match sent {
                Ok(_) => {
                    self.feed.stored(&message, current.expires_at);
                    let chat = self.get_chat(id).await?.ok_or(UpdateError::NotFound)?;
                    return Ok(Moved {
                        chat,
                        event: message,
                    });
                }
                Err(err) if dynamo::is_cancelled(&err) => {
                    // The chat moved on: another message, or another move. Read it again; the
                    // guard decides whether this move still applies.
                    pause_if_contended(attempt).await;
                    current = self.get_chat(id).await?.ok_or(UpdateError::NotFound)?;
                }
                Err(err) => return Err(StoreError::unavailable("moving a chat", err).into()),
            }
        }
        Err(StoreError::from(AdapterError::Contended {
            context: "moving a chat",
            attempts: APPEND_ATTEMPTS,
        })
        .into())
    }

    async fn append_message(&self, chat: &Chat, msg: NewMessage) -> Result<Appended, AppendError> {
        let mut last_seq = chat.last_seq;
        for attempt in 0..APPEND_ATTEMPTS {
            let seq = last_seq + 1;
            let message = msg.clone().stored_as(chat.id.clone(), seq);
            let bump = built(
                Update::builder()
                    .table_name(&self.tables.chats)
                    .set_key(Some(Self::chat_key(&chat.id, CHAT_SK.to_owned())))
                    .update_expression("SET last_seq = :next")
                    .condition_expression("last_seq = :prev AND #state <> :ended")
                    .expression_attribute_names("#state", "state")
                    .expression_attribute_values(":next", n(seq))
                    .expression_attribute_values(":prev", n(last_seq))
                    .expression_attribute_values(
                        ":ended",
                        to_value("chat state", &ChatState::Ended)?,
                    )
                    .build(),
            )?;
            let put = self.put_new("message", &MessageItem::new(&message, chat.expires_at))?;
            let mut tx = self
                .client
                .transact_write_items()
                .transact_items(TransactWriteItem::builder().update(bump).build())
                .transact_items(TransactWriteItem::builder().put(put).build());
            if let Some(cmid) = &msg.client_message_id {
                let marker = ClientMessageItem {
                    pk: chat_pk(&chat.id),
                    sk: client_message_sk(&msg.sender, cmid),
                    seq,
                    expires_at: chat.expires_at,
                };
                tx = tx.transact_items(
                    TransactWriteItem::builder()
                        .put(self.put_new("client message id", &marker)?)
                        .build(),
                );
            }
            match tx.send().await {
                Ok(_) => {
                    self.feed.stored(&message, chat.expires_at);
                    return Ok(Appended {
                        message,
                        duplicate: false,
                    });
                }
                Err(err) if dynamo::is_cancelled(&err) => {
                    // Either the client message id was used (a retried send), or the chat moved
                    // on (another writer took this sequence number, or the chat ended).
                    if let Some(earlier) = self.earlier_send(&chat.id, &msg).await? {
                        return Ok(Appended {
                            message: earlier,
                            duplicate: true,
                        });
                    }
                    let current = self
                        .get_chat(&chat.id)
                        .await?
                        .ok_or(AppendError::NotFound)?;
                    if current.state == ChatState::Ended {
                        return Err(AppendError::ChatEnded);
                    }
                    last_seq = current.last_seq;
                    pause_if_contended(attempt).await;
                }
                Err(err) => return Err(StoreError::unavailable("appending a message", err).into()),
            }
        }
        Err(StoreError::from(AdapterError::Contended {
            context: "appending a message",
            attempts: APPEND_ATTEMPTS,
        })
        .into())
    }

    async fn messages_after(
        &self,
        chat: &ChatId,
        after: u64,
        limit: usize,
    ) -> Result<Vec<ChatMessage>, StoreError> {
        let items = self
            .query_all(
                &self.tables.chats,
                None,
                "pk = :pk AND sk BETWEEN :from AND :to",
                HashMap::new(),
                HashMap::from([
                    (":pk".to_owned(), s(chat_pk(chat))),
                    (":from".to_owned(), s(message_sk(after.saturating_add(1)))),
                    (":to".to_owned(), s(message_sk(u64::MAX))),
                ]),
                limit,
            )
            .await?;
        decode_all::<MessageItem>(items)
    }

    async fn get_message(
        &self,
        chat: &ChatId,
        seq: u64,
    ) -> Result<Option<ChatMessage>, StoreError> {
        self.message(chat, seq).await
    }
}

#[async_trait]
impl TranslationSlots for DynamoStore {
    async fn set_translation(
        &self,
        chat: &ChatId,
        seq: u64,
        language: &LanguageCode,
        translation: &MessageTranslation,
    ) -> Result<Option<MessageTranslation>, StoreError> {
        let mut write = self
            .write_translation(chat, seq, language, translation)
            .await?;
        if let TranslationWrite::NoMap = write {
            self.add_translations_map(chat, seq).await?;
            write = self
                .write_translation(chat, seq, language, translation)
                .await?;
        }
        match write {
            TranslationWrite::Done(before) => {
                self.settle_retry_index(&before, language, translation)
                    .await?;
                Ok(before.translation(language).cloned())
            }
            TranslationWrite::Refused => match self.message(chat, seq).await? {
                // Already translated: the mark is not written.
                Some(m) => Ok(m.translation(language).cloned()),
                None => Err(StoreError::corrupt(format!(
                    "no message {seq} in chat {chat}"
                ))),
            },
            TranslationWrite::NoMap => Err(StoreError::corrupt(format!(
                "message {seq} in chat {chat} cannot hold translations"
            ))),
        }
    }

    async fn correct_language(
        &self,
        chat: &ChatId,
        seq: u64,
        from: &LanguageCode,
        to: &LanguageCode,
    ) -> Result<bool, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.tables.chats)
            .set_key(Some(Self::chat_key(chat, message_sk(seq))))
            .update_expression("SET #b.#l = :to, #b.#t = :none REMOVE #r")
            .condition_expression("#b.#k = :text AND #b.#l = :from")
            .expression_attribute_names("#b", "body")
            .expression_attribute_names("#k", "kind")
            .expression_attribute_names("#l", "language")
            .expression_attribute_names("#t", "translations")
            .expression_attribute_names("#r", "translation_retry")
            .expression_attribute_values(":text", s("text"))
            .expression_attribute_values(":from", s(from.as_str()))
            .expression_attribute_values(":to", s(to.as_str()))
            .expression_attribute_values(":none", AttributeValue::M(HashMap::new()))
            .send()
            .await;
        condition_held(result, "correcting a message's language")
    }

    async fn messages_awaiting_translation(
        &self,
        limit: usize,
    ) -> Result<Vec<ChatMessage>, StoreError> {
        let items = self
            .query_all(
                &self.tables.chats,
                Some("translation_retry"),
                "#r = :p",
                HashMap::from([("#r".to_owned(), "translation_retry".to_owned())]),
                HashMap::from([(":p".to_owned(), s(TRANSLATION_RETRY))]),
                limit,
            )
            .await?;
        let mut out = decode_all::<MessageItem>(items)?;
        out.sort_by(|a, b| (a.sent_ms, &a.chat_id, a.seq).cmp(&(b.sent_ms, &b.chat_id, b.seq)));
        Ok(out)
    }
}

#[async_trait]
impl DeliveryLedger for DynamoStore {
    async fn mark_delivered(
        &self,
        chat: &ChatId,
        seq: u64,
        side: Side,
        claim: &str,
    ) -> Result<bool, StoreError> {
        // The mark holds the claiming record's sequence number until the delivery is
        // confirmed (`true`, as marks written before claims were).
        let result = self
            .delivery_mark(chat, seq, side)
            .update_expression("SET #d = :claim")
            .condition_expression(
                "attribute_exists(pk) AND (attribute_not_exists(#d) OR #d = :claim)",
            )
            .expression_attribute_values(":claim", s(claim))
            .send()
            .await;
        condition_held(result, "marking a delivery")
    }

    async fn confirm_delivered(
        &self,
        chat: &ChatId,
        seq: u64,
        side: Side,
    ) -> Result<(), StoreError> {
        self.delivery_mark(chat, seq, side)
            .update_expression("SET #d = :t")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":t", AttributeValue::Bool(true))
            .send()
            .await
            .map_err(|e| StoreError::unavailable("confirming a delivery", e))?;
        Ok(())
    }

    async fn unmark_delivered(
        &self,
        chat: &ChatId,
        seq: u64,
        side: Side,
    ) -> Result<(), StoreError> {
        self.delivery_mark(chat, seq, side)
            .update_expression("REMOVE #d")
            .send()
            .await
            .map_err(|e| StoreError::unavailable("unmarking a delivery", e))?;
        Ok(())
    }
}

#[async_trait]
impl OperatorQueue for DynamoStore {
    async fn waiting_chats(&self, force: &ForceId, limit: usize) -> Result<Vec<Chat>, StoreError> {
        let items = self
            .query_all(
                &self.tables.chats,
                Some("queue"),
                "#f = :f",
                HashMap::from([("#f".to_owned(), "force".to_owned())]),
                HashMap::from([(":f".to_owned(), s(force.as_str()))]),
                limit,
            )
            .await?;
        decode_all::<ChatItem>(items)
    }

    async fn chats_held_by(&self, operator: &OperatorId) -> Result<Vec<Chat>, StoreError> {
        let items = self
            .query_all(
                &self.tables.chats,
                Some("operator"),
                "#a = :a",
                HashMap::from([("#a".to_owned(), "active_operator".to_owned())]),
                HashMap::from([(":a".to_owned(), s(operator.as_str()))]),
                1000,
            )
            .await?;
        let mut chats = decode_all::<ChatItem>(items)?;
        chats.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(chats)
    }
}

#[async_trait]
impl ConnectionStore for DynamoStore {
    async fn put_connection(&self, conn: &Connection) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.tables.connections)
            .set_item(Some(to_item("connection", &ConnectionItem::from(conn))?))
            .send()
            .await
            .map_err(|e| StoreError::unavailable("storing a connection", e))?;
        Ok(())
    }

    async fn get_connection(&self, id: &ConnectionId) -> Result<Option<Connection>, StoreError> {
        let item = self
            .get(&self.tables.connections, Self::connection_key(id))
            .await?;
        item.map(decode::<ConnectionItem>).transpose()
    }

    async fn delete_connection(&self, id: &ConnectionId) -> Result<Option<Connection>, StoreError> {
        let out = self
            .client
            .delete_item()
            .table_name(&self.tables.connections)
            .set_key(Some(Self::connection_key(id)))
            .return_values(ReturnValue::AllOld)
            .send()
            .await
            .map_err(|e| StoreError::unavailable("deleting a connection", e))?;
        out.attributes
            .filter(|a| !a.is_empty())
            .map(decode::<ConnectionItem>)
            .transpose()
    }

    async fn set_connection_chat(
        &self,
        id: &ConnectionId,
        chat: &ChatId,
    ) -> Result<(), StoreError> {
        // Not written when the socket closed meanwhile: nothing to bind.
        self.set_on_open_connection(id, "chat_id", s(chat.as_str()), "binding a connection")
            .await
    }

    async fn set_presence(
        &self,
        id: &ConnectionId,
        presence: crate::domain::Presence,
    ) -> Result<(), StoreError> {
        // A socket that closed meanwhile has no presence to set.
        self.set_on_open_connection(
            id,
            "presence",
            to_value("presence", &presence)?,
            "setting presence",
        )
        .await
    }

    async fn operator_connections(
        &self,
        operator: Option<&OperatorId>,
    ) -> Result<Vec<Connection>, StoreError> {
        let mut names = HashMap::from([("#r".to_owned(), "online_role".to_owned())]);
        let mut values = HashMap::from([(":r".to_owned(), s(OPERATOR_ROLE))]);
        let mut condition = "#r = :r".to_owned();
        if let Some(op) = operator {
            names.insert("#o".to_owned(), "operator_id".to_owned());
            values.insert(":o".to_owned(), s(op.as_str()));
            condition.push_str(" AND #o = :o");
        }
        let items = self
            .query_all(
                &self.tables.connections,
                Some("online"),
                &condition,
                names,
                values,
                10_000,
            )
            .await?;
        let mut conns = decode_all::<ConnectionItem>(items)?;
        conns.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(conns)
    }

    async fn admit_frame(
        &self,
        id: &ConnectionId,
        now_secs: i64,
        limit: RateLimit,
    ) -> Result<Connection, RateError> {
        // One counter attribute per window (`rl_<window>`); the previous window's is removed
        // as we go, so an item carries at most a stale counter or two until its TTL.
        let window = now_secs / limit.window_secs.max(1);
        let result = self
            .client
            .update_item()
            .table_name(&self.tables.connections)
            .set_key(Some(Self::connection_key(id)))
            .update_expression("ADD #w :one REMOVE #prev")
            .condition_expression(
                "attribute_exists(pk) AND (attribute_not_exists(#w) OR #w < :max)",
            )
            .expression_attribute_names("#w", format!("rl_{window}"))
            .expression_attribute_names("#prev", format!("rl_{}", window - 1))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":max", n(limit.max))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match updated::<ConnectionItem>("connection", result, "counting a frame")? {
            Some(item) => Ok(item.into()),
            None => match self.get_connection(id).await? {
                None => Err(RateError::NotFound),
                Some(_) => Err(RateError::Limited),
            },
        }
    }
}
