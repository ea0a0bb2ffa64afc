//! Domain values of the chat service: every value with rules is a newtype that can only be
//! built by parsing, so a value that exists is valid.

mod chat;
mod chat_language;
mod emergency;
mod ids;
mod language;
mod languages;
mod message;
mod service;
mod text;

#[cfg(any(test, feature = "test-support"))]
pub use chat::TestChat;
pub use chat::{
    Actor, Chat, ChatPatch, ChatState, EndReason, Guard, LanguageObserved, Move, Opening, Priority,
    QueueSlot, Transition, TransitionError,
};
pub use chat_language::{
    ChatLanguage, ChatLanguagePolicy, Detection, LanguageDecision, LanguageDetector,
    LanguageSource, UnsupportedLanguage,
};
pub(crate) use emergency::codes;
pub use emergency::EmergencyReason;
pub use ids::{ChatId, ClientMessageId, ConnectionId, ForceId, OperatorId, ParseIdError};
pub use language::{LanguageCode, ParseLanguageError};
pub use languages::{
    language_info, language_list_json, supported_languages, Direction, LanguageInfo, Provider,
};
pub use message::{
    BotReply, BotSuggestion, ChatEvent, ChatMessage, Connection, MessageBody, MessageTranslation,
    NewMessage, Role, Sender, Side,
};
pub use service::{
    FeedbackCounts, ParseRatingError, ParseStaffedHoursError, Presence, Rating, StaffedHours,
};
pub use text::{MessageText, ParseTextError, MAX_MESSAGE_CHARS};

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
