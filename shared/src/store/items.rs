//! How domain values are written as DynamoDB items. The DynamoDB adapter writes them; the
//! stream consumers read the same shapes back from stream records' `NewImage`.

use crate::domain::{
    Chat, ChatId, ChatMessage, ChatState, ClientMessageId, Connection, ConnectionId, EndReason,
    ForceId, LanguageCode, MessageBody, OperatorId, Priority, QueueSlot, Role, Sender, Side,
};
use crate::translation::ChatLanguage;
use serde::{Deserialize, Serialize};

use super::StoreError;

pub const CHAT_SK: &str = "CHAT";
const MSG_PREFIX: &str = "MSG#";
const CMID_PREFIX: &str = "CMID#";

pub fn chat_pk(id: &ChatId) -> String {
    format!("CHAT#{id}")
}

/// Zero-padded so that the sort key orders messages by sequence number.
pub fn message_sk(seq: u64) -> String {
    format!("{MSG_PREFIX}{seq:020}")
}

pub fn client_message_sk(sender: &Sender, id: &ClientMessageId) -> String {
    format!("{CMID_PREFIX}{}#{id}", sender.idempotency_scope())
}

pub fn is_message_sk(sk: &str) -> bool {
    sk.starts_with(MSG_PREFIX)
}

/// `{priority}#{since_ms}#{chat}`: the queue index sorts emergencies first, then by time.
pub fn queue_sk(slot: &QueueSlot, chat: &ChatId) -> String {
    format!(
        "{}#{:015}#{}",
        slot.priority as u8,
        slot.since_ms.max(0),
        chat
    )
}

pub fn delivered_attr(side: Side) -> String {
    format!("delivered_{}", side.as_str())
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChatItem {
    pub pk: String,
    pub sk: String,
    pub id: ChatId,
    pub force: ForceId,
    pub state: ChatState,
    pub language: LanguageCode,
    /// Absent on chats stored before language detection: they read back as settled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language_state: Option<ChatLanguage>,
    pub priority: Priority,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emergency_reason: Option<crate::domain::EmergencyReason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_sk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_since_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator_id: Option<OperatorId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_operator: Option<OperatorId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citizen_connection: Option<ConnectionId>,
    pub resume_hash: String,
    pub created_ms: i64,
    pub last_seq: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended: Option<EndReason>,
    pub expires_at: i64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bot_answers: Vec<String>,
}

impl From<&Chat> for ChatItem {
    fn from(c: &Chat) -> Self {
        Self {
            pk: chat_pk(&c.id),
            sk: CHAT_SK.to_owned(),
            id: c.id.clone(),
            force: c.force.clone(),
            state: c.state,
            language: c.language.clone(),
            language_state: Some(c.language_state.clone()),
            priority: c.priority,
            emergency_reason: c.emergency_reason,
            queue_sk: c.queue.as_ref().map(|q| queue_sk(q, &c.id)),
            queue_since_ms: c.queue.map(|q| q.since_ms),
            operator_id: c.operator.clone(),
            active_operator: if c.state == ChatState::Active {
                c.operator.clone()
            } else {
                None
            },
            citizen_connection: c.citizen_connection.clone(),
            resume_hash: c.resume_hash.clone(),
            created_ms: c.created_ms,
            last_seq: c.last_seq,
            ended: c.ended,
            expires_at: c.expires_at,
            bot_answers: c.bot_answers.clone(),
        }
    }
}

impl From<ChatItem> for Chat {
    fn from(i: ChatItem) -> Self {
        let queue = match (i.queue_sk.as_ref(), i.queue_since_ms) {
            (Some(_), Some(since_ms)) => Some(QueueSlot {
                priority: i.priority,
                since_ms,
            }),
            _ => None,
        };
        let language_state = i
            .language_state
            .unwrap_or_else(|| ChatLanguage::settled(&i.language));
        Chat {
            id: i.id,
            force: i.force,
            state: i.state,
            language: i.language,
            language_state,
            priority: i.priority,
            emergency_reason: i.emergency_reason,
            queue,
            operator: i.operator_id,
            citizen_connection: i.citizen_connection,
            resume_hash: i.resume_hash,
            created_ms: i.created_ms,
            last_seq: i.last_seq,
            ended: i.ended,
            expires_at: i.expires_at,
            bot_answers: i.bot_answers,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MessageItem {
    pub pk: String,
    pub sk: String,
    pub chat_id: ChatId,
    pub seq: u64,
    pub sender: Sender,
    pub body: MessageBody,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_message_id: Option<ClientMessageId>,
    pub sent_ms: i64,
    pub expires_at: i64,
    /// Only on messages with a translation to retry: the key of the sparse
    /// `translation_retry` index, which the background retry reads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translation_retry: Option<String>,
}

/// The one value of `translation_retry`: the retry volume is small (only failures), so one
/// index partition holds it all.
pub const TRANSLATION_RETRY: &str = "pending";

/// Whether a message has a translation the background retry should try again.
pub fn awaits_translation_retry(m: &ChatMessage) -> bool {
    match &m.body {
        MessageBody::Text { translations, .. } => translations.values().any(|t| t.awaits_retry()),
        MessageBody::Event(_) => false,
    }
}

impl MessageItem {
    pub fn new(m: &ChatMessage, expires_at: i64) -> Self {
        Self {
            pk: chat_pk(&m.chat_id),
            sk: message_sk(m.seq),
            chat_id: m.chat_id.clone(),
            seq: m.seq,
            sender: m.sender.clone(),
            body: m.body.clone(),
            client_message_id: m.client_message_id.clone(),
            sent_ms: m.sent_ms,
            expires_at,
            translation_retry: awaits_translation_retry(m).then(|| TRANSLATION_RETRY.to_owned()),
        }
    }
}

impl From<MessageItem> for ChatMessage {
    fn from(i: MessageItem) -> Self {
        ChatMessage {
            chat_id: i.chat_id,
            seq: i.seq,
            sender: i.sender,
            body: i.body,
            client_message_id: i.client_message_id,
            sent_ms: i.sent_ms,
        }
    }
}

/// Marks a client message id as used, pointing at the message it stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClientMessageItem {
    pub pk: String,
    pub sk: String,
    pub seq: u64,
    pub expires_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConnectionItem {
    pub pk: ConnectionId,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_id: Option<ChatId>,
    /// "operator" on operators' connections only: the key of the sparse `online` index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator_id: Option<OperatorId>,
    pub connected_ms: i64,
    pub expires_at: i64,
    #[serde(default)]
    pub presence: crate::domain::Presence,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub supervisor: bool,
}

pub const OPERATOR_ROLE: &str = "operator";

impl From<&Connection> for ConnectionItem {
    fn from(c: &Connection) -> Self {
        let operator_id = match &c.role {
            Role::Operator { operator_id } => Some(operator_id.clone()),
            Role::Citizen => None,
        };
        Self {
            pk: c.id.clone(),
            role: c.role.clone(),
            chat_id: c.chat.clone(),
            online_role: operator_id.as_ref().map(|_| OPERATOR_ROLE.to_owned()),
            operator_id,
            connected_ms: c.connected_ms,
            expires_at: c.expires_at,
            presence: c.presence,
            supervisor: c.supervisor,
        }
    }
}

impl From<ConnectionItem> for Connection {
    fn from(i: ConnectionItem) -> Self {
        Connection {
            id: i.pk,
            role: i.role,
            chat: i.chat_id,
            connected_ms: i.connected_ms,
            expires_at: i.expires_at,
            presence: i.presence,
            supervisor: i.supervisor,
        }
    }
}

/// Reads a message from a stream record's `NewImage`; None when the item is not a message.
pub fn message_from_image(image: serde_dynamo::Item) -> Result<Option<ChatMessage>, StoreError> {
    let is_message = matches!(
        image.get("sk"),
        Some(serde_dynamo::AttributeValue::S(sk)) if is_message_sk(sk)
    );
    if !is_message {
        return Ok(None);
    }
    let item: MessageItem = crate::dynamo::from_item("message", image)?;
    Ok(Some(item.into()))
}

/// Writes a message as a stream record's `NewImage` (the local gateway's stream).
pub fn message_image(m: &ChatMessage, expires_at: i64) -> Result<serde_dynamo::Item, StoreError> {
    Ok(crate::dynamo::to_item(
        "message",
        &MessageItem::new(m, expires_at),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ChatEvent;
    use std::collections::BTreeMap;

    #[test]
    fn a_message_survives_the_trip_through_a_stream_image() {
        let m = ChatMessage {
            chat_id: ChatId::parse("c1").unwrap(),
            seq: 7,
            sender: Sender::Operator {
                operator_id: OperatorId::parse("op-1").unwrap(),
            },
            body: MessageBody::Text {
                text: "Dzień dobry".into(),
                language: LanguageCode::parse("pl").unwrap(),
                translations: BTreeMap::from([(
                    LanguageCode::english(),
                    crate::domain::MessageTranslation::Translated {
                        text: "Good morning".into(),
                        provider: crate::translation::Provider::AmazonTranslate,
                        topics: Vec::new(),
                    },
                )]),
                bot: None,
            },
            client_message_id: Some(ClientMessageId::parse("m-1").unwrap()),
            sent_ms: 1_700_000_000_000,
        };
        let image = message_image(&m, 1).unwrap();
        assert_eq!(message_from_image(image).unwrap(), Some(m));
    }

    #[test]
    fn a_chat_stored_before_language_detection_reads_back_as_settled() {
        let chat = Chat::for_test("c1")
            .language_state(ChatLanguage::from_browser(
                &LanguageCode::parse("pl").unwrap(),
            ))
            .build();
        let mut item =
            serde_dynamo::to_item::<_, serde_dynamo::Item>(ChatItem::from(&chat)).unwrap();
        assert!(item.contains_key("language_state"));
        item.remove("language_state");
        let old: ChatItem = serde_dynamo::from_item(item).unwrap();
        let read = Chat::from(old);
        assert_eq!(read.language.as_str(), "pl");
        assert!(read.language_state.is_fixed());
        assert_eq!(read.language_state.code().as_str(), "pl");
    }

    #[test]
    fn events_survive_the_trip_and_other_items_are_not_messages() {
        let m = ChatMessage {
            chat_id: ChatId::parse("c1").unwrap(),
            seq: 1,
            sender: Sender::System,
            body: MessageBody::Event(ChatEvent::Ended {
                reason: EndReason::QuickExit,
            }),
            client_message_id: None,
            sent_ms: 5,
        };
        let image = message_image(&m, 1).unwrap();
        assert_eq!(message_from_image(image).unwrap(), Some(m));
        let mut other = serde_dynamo::Item::from(std::collections::HashMap::<
            String,
            serde_dynamo::AttributeValue,
        >::new());
        other.insert("sk".into(), serde_dynamo::AttributeValue::S("CHAT".into()));
        assert_eq!(message_from_image(other).unwrap(), None);
    }

    #[test]
    fn queue_keys_sort_emergencies_first_then_oldest() {
        let c = ChatId::parse("c").unwrap();
        let e_late = queue_sk(
            &QueueSlot {
                priority: Priority::Emergency,
                since_ms: 9_000,
            },
            &c,
        );
        let n_early = queue_sk(
            &QueueSlot {
                priority: Priority::Normal,
                since_ms: 1_000,
            },
            &c,
        );
        let n_late = queue_sk(
            &QueueSlot {
                priority: Priority::Normal,
                since_ms: 10_000,
            },
            &c,
        );
        assert!(e_late < n_early && n_early < n_late);
    }
}
