//! Chat messages and the events that are part of a transcript. Every message has a place in
//! its chat's total order (`seq`), assigned by the store when it is written.

use super::{ChatId, ClientMessageId, ConnectionId, EndReason, LanguageCode, OperatorId};
use super::{LanguageSource, Provider};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Who wrote a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "role",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum Sender {
    Citizen,
    Operator { operator_id: OperatorId },
    Bot,
    System,
}

/// Things that happen to a chat and belong in its transcript (both sides are told).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "event",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum ChatEvent {
    /// The citizen asked for an operator (or was handed over) and entered the queue.
    Queued {
        emergency: bool,
    },
    OperatorJoined {
        operator_id: OperatorId,
    },
    /// The operator put the chat back in the queue.
    HandedBack,
    /// The citizen's socket dropped; they may come back with their resume token.
    CitizenDisconnected,
    CitizenReturned,
    Ended {
        reason: EndReason,
    },
    /// The chat's language changed: detection replaced the browser's guess, or an operator
    /// corrected it. Both sides read in the new language from the next message on.
    LanguageChanged {
        from: LanguageCode,
        to: LanguageCode,
        by: LanguageSource,
    },
    /// The citizen chose one language but writes in another: kept as chosen; the operator can
    /// correct it with `set_language`. Operator only.
    LanguageMismatch {
        chosen: LanguageCode,
        detected: LanguageCode,
    },
}

/// A message's words in one reader's language, as the translate function stored them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum MessageTranslation {
    /// The words in that language, and who translated them. For a bot answer that offers
    /// choices, `topics` are its suggestions' topics in that language, in the same order (empty
    /// when they could not be translated: the reader then sees them in English).
    Translated {
        text: String,
        provider: Provider,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        topics: Vec<String>,
    },
    /// Translation failed (after the adapter's own retries): the reader got the original,
    /// marked "translation unavailable". `retry`: whether the background retry tries again
    /// (not for failures that repeat, such as an unsupported pair); `attempts` so far.
    Unavailable {
        since_ms: i64,
        attempts: u32,
        retry: bool,
    },
}

impl MessageTranslation {
    pub fn is_translated(&self) -> bool {
        matches!(self, MessageTranslation::Translated { .. })
    }

    /// Unavailable, and still to be retried in the background.
    pub fn awaits_retry(&self) -> bool {
        matches!(self, MessageTranslation::Unavailable { retry: true, .. })
    }
}

/// What a bot answer carries besides its words: where to go, what to choose, and whether a
/// person is offered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BotReply {
    /// The knowledge base entry answered (`emergency-999` for the 999 advice).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<String>,
    /// Topics offered as choices when the bot is not sure: (entry id, topic).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<BotSuggestion>,
    /// The citizen is offered an operator (`request_operator`).
    #[serde(default)]
    pub offer_operator: bool,
    /// The message described present danger: the 999 advice.
    #[serde(default)]
    pub emergency: bool,
}

impl BotReply {
    /// The reply as a reader sees it: with its suggestions' topics in the reader's language
    /// when they were translated (`topics`, one per suggestion, in order), else as written.
    pub fn for_reader(&self, topics: &[String]) -> BotReply {
        let mut out = self.clone();
        if topics.len() == out.suggestions.len() {
            for (s, topic) in out.suggestions.iter_mut().zip(topics) {
                s.topic = topic.clone();
            }
        }
        out
    }

    /// The suggestions' topics, in order (what is translated for a reader).
    pub fn topics(&self) -> Vec<&str> {
        self.suggestions.iter().map(|s| s.topic.as_str()).collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BotSuggestion {
    pub id: String,
    pub topic: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MessageBody {
    /// Words: the original text and its language; translations are added later by the
    /// translate function, keyed by the reader's language code. Always written, even empty:
    /// the DynamoDB adapter adds entries to it in place.
    Text {
        text: String,
        language: LanguageCode,
        #[serde(default)]
        translations: BTreeMap<LanguageCode, MessageTranslation>,
        /// Only on the bot's answers.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bot: Option<BotReply>,
    },
    Event(ChatEvent),
}

/// A message as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub chat_id: ChatId,
    pub seq: u64,
    pub sender: Sender,
    pub body: MessageBody,
    pub client_message_id: Option<ClientMessageId>,
    pub sent_ms: i64,
}

/// A message about to be stored (the store assigns `seq`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    pub sender: Sender,
    pub body: MessageBody,
    pub client_message_id: Option<ClientMessageId>,
    pub sent_ms: i64,
}

impl NewMessage {
    /// The message as stored: message `seq` of `chat_id`.
    pub fn stored_as(self, chat_id: ChatId, seq: u64) -> ChatMessage {
        ChatMessage {
            chat_id,
            seq,
            sender: self.sender,
            body: self.body,
            client_message_id: self.client_message_id,
            sent_ms: self.sent_ms,
        }
    }

    pub fn text(
        sender: Sender,
        text: &super::MessageText,
        language: &LanguageCode,
        client_message_id: Option<ClientMessageId>,
        sent_ms: i64,
    ) -> Self {
        Self {
            sender,
            body: MessageBody::Text {
                text: text.as_str().to_owned(),
                language: language.clone(),
                translations: BTreeMap::new(),
                bot: None,
            },
            client_message_id,
            sent_ms,
        }
    }

    /// A bot answer, in `language`.
    pub fn bot(text: String, language: &LanguageCode, reply: BotReply, sent_ms: i64) -> Self {
        Self {
            sender: Sender::Bot,
            body: MessageBody::Text {
                text,
                language: language.clone(),
                translations: BTreeMap::new(),
                bot: Some(reply),
            },
            client_message_id: None,
            sent_ms,
        }
    }

    pub fn event(event: ChatEvent, sent_ms: i64) -> Self {
        Self {
            sender: Sender::System,
            body: MessageBody::Event(event),
            client_message_id: None,
            sent_ms,
        }
    }
}

impl ChatMessage {
    /// The translation stored for a reader of `language`, if any.
    pub fn translation(&self, language: &LanguageCode) -> Option<&MessageTranslation> {
        match &self.body {
            MessageBody::Text { translations, .. } => translations.get(language),
            MessageBody::Event(_) => None,
        }
    }
}

/// The two sides of a chat, as far as delivery is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Citizen,
    Operator,
    /// Not a reader: the FAQ bot, which marks the citizen messages it has handled.
    Bot,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Citizen => "citizen",
            Side::Operator => "operator",
            Side::Bot => "bot",
        }
    }
}

impl Sender {
    /// Whose client message ids these are: a retry is recognised per sender, so the citizen's
    /// "m1" and the operator's "m1" are different messages.
    pub fn idempotency_scope(&self) -> String {
        match self {
            Sender::Citizen => "citizen".to_owned(),
            Sender::Operator { operator_id } => format!("operator:{operator_id}"),
            Sender::Bot => "bot".to_owned(),
            Sender::System => "system".to_owned(),
        }
    }
}

impl ChatMessage {
    /// Whether a side sees this message in its transcript: everything but the events meant
    /// for the other side only.
    pub fn visible_to(&self, side: Side) -> bool {
        match self.sender {
            Sender::System => self.recipients().contains(&side),
            _ => true,
        }
    }

    /// The sides that must receive this message through the stream. The sender's own side
    /// has an acknowledgement already; the bot and events concern both.
    pub fn recipients(&self) -> &'static [Side] {
        match (&self.sender, &self.body) {
            (Sender::Citizen, _) => &[Side::Operator],
            (Sender::Operator { .. }, _) => &[Side::Citizen],
            (Sender::Bot, _) => &[Side::Citizen, Side::Operator],
            (Sender::System, MessageBody::Event(ChatEvent::CitizenDisconnected))
            | (Sender::System, MessageBody::Event(ChatEvent::CitizenReturned))
            | (Sender::System, MessageBody::Event(ChatEvent::LanguageMismatch { .. })) => {
                &[Side::Operator]
            }
            (Sender::System, _) => &[Side::Citizen, Side::Operator],
        }
    }
}

/// Who is on the other end of a socket.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(
    tag = "role",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum Role {
    Citizen,
    Operator { operator_id: OperatorId },
}

/// One open WebSocket connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    pub id: ConnectionId,
    pub role: Role,
    /// The citizen's chat, once started or resumed.
    pub chat: Option<ChatId>,
    pub connected_ms: i64,
    pub expires_at: i64,
    /// An operator's: whether they take new chats (a new socket is available).
    #[serde(default)]
    pub presence: super::Presence,
    /// An operator in the supervisors group (from the authorizer at `$connect`).
    #[serde(default)]
    pub supervisor: bool,
}

impl Connection {
    /// A socket just opened: no chat yet, available, not a supervisor.
    pub fn opened(id: ConnectionId, role: Role, connected_ms: i64, expires_at: i64) -> Self {
        Self {
            id,
            role,
            chat: None,
            connected_ms,
            expires_at,
            presence: super::Presence::Available,
            supervisor: false,
        }
    }
}
