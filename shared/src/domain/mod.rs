//! Domain values of the chat service: every value with rules is a newtype that can only be
//! built by parsing, so a value that exists is valid.

mod ids;
mod language;
mod text;

pub use ids::{ChatId, ClientMessageId, ConnectionId, ForceId, OperatorId, ParseIdError};
pub use language::{LanguageCode, ParseLanguageError};
pub use text::{MessageText, ParseTextError, MAX_MESSAGE_CHARS};
