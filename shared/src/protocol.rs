//! The WebSocket wire protocol, version 1: JSON frames routed on `action` (client to server)
//! and typed by `type` (server to client). `docs/protocol.md` documents every frame.

use crate::domain::{
    BotReply, Chat, ChatEvent, ChatId, ChatMessage, ChatState, ClientMessageId, EndReason,
    FeedbackCounts, LanguageCode, MessageBody, MessageText, MessageTranslation, OperatorId,
    Presence, Priority, Rating, Sender, Side,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const PROTOCOL_VERSION: u8 = 1;

/// The largest frame body a client may send, in bytes: room for a message of
/// `MAX_MESSAGE_CHARS` characters even when a client escapes every one as a `\uXXXX` surrogate
/// pair (12 bytes), under API Gateway's 32 KB frame.
pub const MAX_CLIENT_FRAME_BYTES: usize = 30 * 1024;

/// API Gateway's limit for one WebSocket frame; the server never sends a bigger one.
pub const MAX_SERVER_FRAME_BYTES: usize = 32 * 1024;

/// Everything a client may ask, routed on `action`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientFrame {
    /// Citizen: start a chat.
    Start {
        /// The browser's language by default, or the citizen's pick from the widget's list.
        #[serde(default)]
        language: Option<LanguageCode>,
        /// True when the citizen picked `language` themselves: detection then never overrides
        /// it. False (the default) for the browser's language, which is only a guess.
        #[serde(rename = "languageChosen", default)]
        language_chosen: bool,
    },
    /// Citizen: come back to a chat after the socket dropped.
    Resume {
        #[serde(rename = "resumeToken")]
        resume_token: String,
        #[serde(rename = "afterSeq", default)]
        after_seq: u64,
    },
    /// Both: send a message. Operators name the chat; citizens have one.
    Send {
        #[serde(rename = "chatId", default)]
        chat_id: Option<ChatId>,
        #[serde(rename = "clientMessageId")]
        client_message_id: ClientMessageId,
        text: MessageText,
    },
    /// Citizen: ask for a person.
    RequestOperator {},
    /// Citizen: end the chat; `quick` for "Leave the site".
    Leave {
        #[serde(default)]
        quick: bool,
    },
    /// Both: messages after a sequence number (operators name the chat).
    History {
        #[serde(rename = "chatId", default)]
        chat_id: Option<ChatId>,
        #[serde(rename = "afterSeq", default)]
        after_seq: u64,
    },
    /// Operator: the queue and the chats they hold.
    Hello {},
    /// Operator: take a waiting chat.
    Claim {
        #[serde(rename = "chatId")]
        chat_id: ChatId,
    },
    /// Operator: put a held chat back in the queue.
    HandBack {
        #[serde(rename = "chatId")]
        chat_id: ChatId,
    },
    /// Operator: end a held chat.
    End {
        #[serde(rename = "chatId")]
        chat_id: ChatId,
    },
    /// Operator: what the FAQ bot could not answer lately (keywords only), for content editors.
    Unanswered {
        #[serde(default)]
        limit: Option<u16>,
    },
    /// Operator: correct the language of a held chat (fixed from then on).
    SetLanguage {
        #[serde(rename = "chatId")]
        chat_id: ChatId,
        language: LanguageCode,
    },
    /// Both: this side is typing (or stopped). Transient: passed on, never stored.
    Typing {
        #[serde(rename = "chatId", default)]
        chat_id: Option<ChatId>,
        typing: bool,
    },
    /// Both: this side has seen the chat's messages up to `seq`. Transient.
    Seen {
        #[serde(rename = "chatId", default)]
        chat_id: Option<ChatId>,
        seq: u64,
    },
    /// Citizen, after the chat ended: "Did this help?", 1 to 5.
    Feedback {
        rating: Rating,
    },
    /// Operator: available for new chats, or away.
    SetPresence {
        presence: Presence,
    },
    /// Supervisor: the room's figures now.
    Stats {},
    /// Operator: a reply not yet sent, in the citizen's language (nothing is stored or sent to
    /// the citizen). Each preview is a paid translation: the console asks on a pause in typing.
    Preview {
        #[serde(rename = "chatId")]
        chat_id: ChatId,
        /// The client's name for this preview, given back on the answer: a console that asked
        /// again meanwhile shows only the answer to its latest question.
        #[serde(rename = "previewId")]
        preview_id: ClientMessageId,
        text: MessageText,
    },
    Ping {},
}

/// Every action the protocol knows (the routes of the APIs).
pub const ACTIONS: &[&str] = &[
    "start",
    "resume",
    "send",
    "request_operator",
    "leave",
    "history",
    "hello",
    "claim",
    "hand_back",
    "end",
    "unanswered",
    "set_language",
    "typing",
    "seen",
    "feedback",
    "set_presence",
    "stats",
    "preview",
    "ping",
];

/// Actions only an operator may take; the public API has no route for them.
pub const OPERATOR_ACTIONS: &[&str] = &[
    "hello",
    "claim",
    "hand_back",
    "end",
    "set_language",
    "unanswered",
    "set_presence",
    "stats",
    "preview",
];
/// Actions only a citizen may take.
pub const CITIZEN_ACTIONS: &[&str] = &["start", "resume", "request_operator", "leave", "feedback"];

/// Stable error codes: clients switch on these, never on the message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidJson,
    UnknownAction,
    InvalidFrame,
    FrameTooLarge,
    TextTooLong,
    EmptyText,
    Forbidden,
    NoChat,
    ChatAlreadyStarted,
    NotYourChat,
    ChatEnded,
    AlreadyClaimed,
    NotWaiting,
    InvalidResumeToken,
    UnsupportedLanguage,
    RateLimited,
    Internal,
}

/// A client mistake, as the client is told it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// On `already_claimed`: the operator who holds the chat.
    #[serde(
        rename = "operatorId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub operator_id: Option<OperatorId>,
}

impl ClientError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            field: None,
            operator_id: None,
        }
    }
}

/// Parses a frame strictly. Text and ids are checked by their domain types here, so a frame
/// that parses is valid.
pub fn parse_client_frame(body: &str) -> Result<ClientFrame, ClientError> {
    if body.len() > MAX_CLIENT_FRAME_BYTES {
        return Err(ClientError::new(
            ErrorCode::FrameTooLarge,
            format!("frames are limited to {MAX_CLIENT_FRAME_BYTES} bytes"),
        ));
    }
    let not_json = || ClientError::new(ErrorCode::InvalidJson, "the frame is not JSON");
    crate::json::check_unique_keys(body).map_err(|e| match e {
        crate::json::StrictJsonError::Malformed => not_json(),
        crate::json::StrictJsonError::DuplicateKey => {
            ClientError::new(ErrorCode::InvalidFrame, "a key is given twice in the frame")
        }
    })?;
    let value: Value = serde_json::from_str(body).map_err(|_| not_json())?;
    let action = value
        .get("action")
        .and_then(Value::as_str)
        .ok_or_else(|| ClientError::new(ErrorCode::UnknownAction, "the frame has no action"))?;
    if !ACTIONS.contains(&action) {
        return Err(ClientError::new(ErrorCode::UnknownAction, "unknown action"));
    }
    let text = matches!(action, "send" | "preview")
        .then(|| value.get("text").and_then(Value::as_str))
        .flatten();
    if let Some(text) = text {
        if let Err(e) = MessageText::parse(text) {
            let code = match e {
                crate::domain::ParseTextError::Empty => ErrorCode::EmptyText,
                crate::domain::ParseTextError::TooLong { .. } => ErrorCode::TextTooLong,
            };
            return Err(ClientError {
                code,
                message: e.to_string(),
                field: Some("text".into()),
                operator_id: None,
            });
        }
    }
    serde_json::from_value(value).map_err(|e| ClientError {
        code: ErrorCode::InvalidFrame,
        // serde's message names the field and the rule, never echoes the value.
        message: e.to_string(),
        field: None,
        operator_id: None,
    })
}

impl ClientFrame {
    pub fn action(&self) -> &'static str {
        match self {
            ClientFrame::Start { .. } => "start",
            ClientFrame::Resume { .. } => "resume",
            ClientFrame::Send { .. } => "send",
            ClientFrame::RequestOperator {} => "request_operator",
            ClientFrame::Leave { .. } => "leave",
            ClientFrame::History { .. } => "history",
            ClientFrame::Hello {} => "hello",
            ClientFrame::Claim { .. } => "claim",
            ClientFrame::HandBack { .. } => "hand_back",
            ClientFrame::End { .. } => "end",
            ClientFrame::Unanswered { .. } => "unanswered",
            ClientFrame::SetLanguage { .. } => "set_language",
            ClientFrame::Typing { .. } => "typing",
            ClientFrame::Seen { .. } => "seen",
            ClientFrame::Feedback { .. } => "feedback",
            ClientFrame::SetPresence { .. } => "set_presence",
            ClientFrame::Stats {} => "stats",
            ClientFrame::Preview { .. } => "preview",
            ClientFrame::Ping {} => "ping",
        }
    }
}

/// A chat message as either side sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageView {
    pub chat_id: ChatId,
    pub seq: u64,
    pub sender: Sender,
    pub sent_ms: i64,
    /// Words, in the language this side reads (or the original when there is none yet).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<LanguageCode>,
    /// The original words and language, when `text` is a translation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original: Option<Original>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<ChatEvent>,
    /// On the bot's answers: links, choices, the operator offer, the emergency flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot: Option<BotReply>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_message_id: Option<ClientMessageId>,
    /// True when the translation into the reader's language failed: `text` is the original,
    /// in `language`. The translation is retried in the background; when it succeeds it comes
    /// as an update, a `message` frame with the same `seq`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub translation_unavailable: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Original {
    pub text: String,
    pub language: LanguageCode,
    /// True when a real translation service produced `text` (Amazon Translate, Google Cloud
    /// Translation); false for the local gateway's stand-in, which translates nothing.
    pub machine_translated: bool,
}

impl MessageView {
    /// The view of a message for a reader of `reader_language`: the translation when there is
    /// one, with the original alongside.
    pub fn for_reader(m: &ChatMessage, reader_language: &LanguageCode) -> Self {
        let mut translation_unavailable = false;
        let (text, language, original, event) = match &m.body {
            MessageBody::Text {
                text,
                language,
                translations,
                ..
            } if !language.same_language(reader_language) => {
                match translations.get(reader_language) {
                    Some(MessageTranslation::Translated {
                        text: translated,
                        provider,
                        ..
                    }) => (
                        Some(translated.clone()),
                        Some(reader_language.clone()),
                        Some(Original {
                            text: text.clone(),
                            language: language.clone(),
                            machine_translated: provider.is_machine_translation(),
                        }),
                        None,
                    ),
                    Some(MessageTranslation::Unavailable { .. }) => {
                        translation_unavailable = true;
                        (Some(text.clone()), Some(language.clone()), None, None)
                    }
                    // Not translated yet (a transcript read before the translate function ran).
                    None => (Some(text.clone()), Some(language.clone()), None, None),
                }
            }
            MessageBody::Text { text, language, .. } => {
                (Some(text.clone()), Some(language.clone()), None, None)
            }
            MessageBody::Event(e) => (None, None, None, Some(e.clone())),
        };
        Self {
            chat_id: m.chat_id.clone(),
            seq: m.seq,
            sender: m.sender.clone(),
            sent_ms: m.sent_ms,
            text,
            language,
            original,
            event,
            bot: match &m.body {
                MessageBody::Text { bot, .. } => bot.as_ref().map(|b| {
                    let topics = match m.translation(reader_language) {
                        Some(MessageTranslation::Translated { topics, .. }) => topics.as_slice(),
                        _ => &[],
                    };
                    b.for_reader(topics)
                }),
                MessageBody::Event(_) => None,
            },
            client_message_id: m.client_message_id.clone(),
            translation_unavailable,
        }
    }
}

/// A waiting chat as the queue shows it to operators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueEntry {
    pub chat_id: ChatId,
    pub position: usize,
    pub language: LanguageCode,
    pub priority: Priority,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emergency_reason: Option<crate::domain::EmergencyReason>,
    pub waiting_since_ms: i64,
    /// What the bot answered before the chat joined the queue: its knowledge base entries
    /// (`lost-property`, `report-crime-online`), first first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bot_answers: Vec<String>,
}

/// A chat as an operator's list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatSummary {
    pub chat_id: ChatId,
    pub state: ChatState,
    pub language: LanguageCode,
    pub priority: Priority,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emergency_reason: Option<crate::domain::EmergencyReason>,
    pub citizen_online: bool,
    pub last_seq: u64,
}

impl From<&Chat> for ChatSummary {
    fn from(c: &Chat) -> Self {
        Self {
            chat_id: c.id.clone(),
            state: c.state,
            language: c.language.clone(),
            priority: c.priority,
            emergency_reason: c.emergency_reason,
            citizen_online: c.citizen_connection.is_some(),
            last_seq: c.last_seq,
        }
    }
}

/// Everything the server sends, typed by `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    #[serde(rename_all = "camelCase")]
    ChatStarted {
        chat_id: ChatId,
        resume_token: String,
        state: ChatState,
        language: LanguageCode,
        /// Operators online and available now (0: nobody would answer a request yet).
        operators_available: usize,
        /// Inside the force's staffed hours (always, when it has set none).
        staffed: bool,
    },
    #[serde(rename_all = "camelCase")]
    Resumed {
        chat_id: ChatId,
        state: ChatState,
        language: LanguageCode,
        /// The messages after the client's `afterSeq`, in order.
        missed: Vec<MessageView>,
        /// More messages follow; ask with `history` after the last `seq`.
        more: bool,
    },
    #[serde(rename_all = "camelCase")]
    Ack {
        chat_id: ChatId,
        client_message_id: ClientMessageId,
        seq: u64,
        /// True when this send had been stored before (a retry): nothing was stored twice.
        duplicate: bool,
    },
    Message(Box<MessageView>),
    #[serde(rename_all = "camelCase")]
    History {
        chat_id: ChatId,
        messages: Vec<MessageView>,
        /// More messages follow; ask again after the last `seq`.
        more: bool,
    },
    /// To a waiting citizen: where they are and roughly how long.
    #[serde(rename_all = "camelCase")]
    Queued {
        chat_id: ChatId,
        position: usize,
        /// Only when someone can answer (`operators_available > 0` and `staffed`): an honest
        /// estimate assumes an operator.
        #[serde(skip_serializing_if = "Option::is_none")]
        estimated_wait_seconds: Option<u64>,
        /// Where to report online meanwhile.
        report_url: String,
        operators_available: usize,
        staffed: bool,
    },
    /// To operators: the whole queue, whenever it changes.
    Queue {
        entries: Vec<QueueEntry>,
    },
    #[serde(rename_all = "camelCase")]
    OperatorReady {
        operator_id: OperatorId,
        queue: Vec<QueueEntry>,
        chats: Vec<ChatSummary>,
        presence: Presence,
        /// In the supervisors group: may ask for `stats`.
        supervisor: bool,
    },
    /// To the operator who won a claim: the chat and its transcript so far.
    #[serde(rename_all = "camelCase")]
    Claimed {
        chat: ChatSummary,
        transcript: Vec<MessageView>,
        /// More messages follow; ask with `history` after the last `seq`.
        more: bool,
    },
    #[serde(rename_all = "camelCase")]
    HandedBack {
        chat_id: ChatId,
    },
    #[serde(rename_all = "camelCase")]
    ChatEnded {
        chat_id: ChatId,
        reason: EndReason,
    },
    /// To an operator: the FAQ bot's recent unanswered questions, newest first.
    Unanswered {
        entries: Vec<crate::faq::UnansweredQuestion>,
    },
    /// To the operator who corrected a chat's language: done (a `language_changed` event
    /// follows in the transcript when it changed).
    #[serde(rename_all = "camelCase")]
    LanguageSet {
        chat_id: ChatId,
        language: LanguageCode,
    },
    /// To the other side of a chat: typing started or stopped. Never stored.
    #[serde(rename_all = "camelCase")]
    Typing {
        chat_id: ChatId,
        from: Side,
        typing: bool,
    },
    /// To the other side of a chat: seen up to `seq`. Never stored.
    #[serde(rename_all = "camelCase")]
    Seen {
        chat_id: ChatId,
        from: Side,
        seq: u64,
    },
    #[serde(rename_all = "camelCase")]
    FeedbackReceived {
        chat_id: ChatId,
    },
    PresenceSet {
        presence: Presence,
    },
    /// To a supervisor: the room now.
    Stats(Box<RoomStats>),
    /// To the operator who asked: their reply as the citizen would read it.
    #[serde(rename_all = "camelCase")]
    Preview {
        chat_id: ChatId,
        preview_id: ClientMessageId,
        /// The citizen's language.
        language: LanguageCode,
        /// The reply in `language`; absent when `translation_unavailable`.
        #[serde(skip_serializing_if = "Option::is_none")]
        text: Option<String>,
        /// True when a real translation service produced `text`.
        machine_translated: bool,
        #[serde(default, skip_serializing_if = "is_false")]
        translation_unavailable: bool,
    },
    Error(ClientError),
    Pong {},
}

/// The supervisor view's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomStats {
    pub waiting: usize,
    /// How long the longest-waiting chat has waited (0 with none waiting).
    pub longest_wait_seconds: u64,
    pub operators_online: usize,
    pub operators_available: usize,
    pub chats_per_operator: Vec<OperatorLoad>,
    pub feedback: FeedbackCounts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OperatorLoad {
    pub operator_id: OperatorId,
    pub chats: usize,
}

/// What goes on the wire: the frame with the protocol version.
#[derive(Debug, Serialize)]
pub struct Envelope<'a> {
    pub v: u8,
    #[serde(flatten)]
    pub frame: &'a ServerFrame,
}

impl ServerFrame {
    pub fn to_json(&self) -> String {
        let env = Envelope {
            v: PROTOCOL_VERSION,
            frame: self,
        };
        serde_json::to_string(&env).unwrap_or_else(|_| {
            r#"{"v":1,"type":"error","code":"internal","message":"internal error"}"#.to_owned()
        })
    }

    pub fn error(code: ErrorCode, message: impl Into<String>) -> Self {
        ServerFrame::Error(ClientError::new(code, message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_send_frame_parses_into_checked_values() {
        let f =
            parse_client_frame(r#"{"action":"send","clientMessageId":"m1","text":"  hello  "}"#)
                .unwrap();
        match f {
            ClientFrame::Send { text, chat_id, .. } => {
                assert_eq!(text.as_str(), "hello");
                assert_eq!(chat_id, None);
            }
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn bad_frames_get_distinct_codes() {
        let code = |s: &str| parse_client_frame(s).unwrap_err().code;
        assert_eq!(code("not json"), ErrorCode::InvalidJson);
        assert_eq!(code(r#"{"text":"hi"}"#), ErrorCode::UnknownAction);
        assert_eq!(code(r#"{"action":"fly"}"#), ErrorCode::UnknownAction);
        assert_eq!(
            code(r#"{"action":"send","clientMessageId":"m","text":""}"#),
            ErrorCode::EmptyText
        );
        let long = "x".repeat(crate::domain::MAX_MESSAGE_CHARS + 1);
        assert_eq!(
            code(&format!(
                r#"{{"action":"send","clientMessageId":"m","text":"{long}"}}"#
            )),
            ErrorCode::TextTooLong
        );
        assert_eq!(
            code(r#"{"action":"send","clientMessageId":"a b","text":"x"}"#),
            ErrorCode::InvalidFrame
        );
        assert_eq!(
            code(r#"{"action":"ping","extra":1}"#),
            ErrorCode::InvalidFrame
        );
        // Strict: a repeated key is refused, not read as its last value.
        assert_eq!(
            code(r#"{"action":"send","clientMessageId":"m","text":"a","text":"b"}"#),
            ErrorCode::InvalidFrame
        );
        assert_eq!(
            code(r#"{"action":"ping","action":"ping"}"#),
            ErrorCode::InvalidFrame
        );
        let huge = format!(r#"{{"action":"ping","pad":"{}"}}"#, "x".repeat(40_000));
        assert_eq!(code(&huge), ErrorCode::FrameTooLarge);
    }

    #[test]
    fn server_frames_carry_the_version_and_type() {
        let json = ServerFrame::Pong {}.to_json();
        assert_eq!(json, r#"{"v":1,"type":"pong"}"#);
    }

    fn polish_message(translation: Option<MessageTranslation>) -> ChatMessage {
        let mut translations = std::collections::BTreeMap::new();
        if let Some(t) = translation {
            translations.insert(LanguageCode::english(), t);
        }
        ChatMessage {
            chat_id: ChatId::parse("c1").unwrap(),
            seq: 4,
            sender: Sender::Citizen,
            body: MessageBody::Text {
                text: "Ukradziono mi rower".into(),
                language: LanguageCode::parse("pl").unwrap(),
                translations,
                bot: None,
            },
            client_message_id: None,
            sent_ms: 1,
        }
    }

    #[test]
    fn a_reader_gets_the_translation_with_the_original_and_who_made_it() {
        let en = LanguageCode::english();
        let by = |provider| MessageTranslation::Translated {
            text: "My bike was stolen".into(),
            provider,
            topics: Vec::new(),
        };
        let real = MessageView::for_reader(
            &polish_message(Some(by(crate::translation::Provider::AmazonTranslate))),
            &en,
        );
        assert_eq!(real.text.as_deref(), Some("My bike was stolen"));
        assert_eq!(real.language, Some(en.clone()));
        let original = real.original.unwrap();
        assert_eq!(original.text, "Ukradziono mi rower");
        assert!(original.machine_translated);
        let stand_in = MessageView::for_reader(
            &polish_message(Some(by(crate::translation::Provider::Offline))),
            &en,
        );
        assert!(!stand_in.original.unwrap().machine_translated);
    }

    #[test]
    fn an_unavailable_translation_shows_the_original_marked() {
        let view = MessageView::for_reader(
            &polish_message(Some(MessageTranslation::Unavailable {
                since_ms: 1,
                attempts: 1,
                retry: true,
            })),
            &LanguageCode::english(),
        );
        assert_eq!(view.text.as_deref(), Some("Ukradziono mi rower"));
        assert_eq!(view.language.as_ref().map(|l| l.as_str()), Some("pl"));
        assert!(view.translation_unavailable);
        assert!(view.original.is_none());
        let json = ServerFrame::Message(Box::new(view)).to_json();
        assert!(json.contains(r#""translationUnavailable":true"#), "{json}");
    }

    #[test]
    fn the_writer_s_own_language_and_a_translation_not_yet_made_show_the_words_unmarked() {
        let same =
            MessageView::for_reader(&polish_message(None), &LanguageCode::parse("pl").unwrap());
        let pending = MessageView::for_reader(&polish_message(None), &LanguageCode::english());
        for view in [same, pending] {
            assert_eq!(view.text.as_deref(), Some("Ukradziono mi rower"));
            assert!(!view.translation_unavailable);
            assert!(view.original.is_none());
            assert!(!ServerFrame::Message(Box::new(view))
                .to_json()
                .contains("translationUnavailable"));
        }
    }

    #[test]
    fn every_action_is_routable() {
        for a in ACTIONS {
            let frame = format!(r#"{{"action":"{a}"}}"#);
            let r = parse_client_frame(&frame);
            assert!(
                !matches!(
                    r,
                    Err(ClientError {
                        code: ErrorCode::UnknownAction,
                        ..
                    })
                ),
                "{a}"
            );
        }
    }
}
