//! "Leave the site" without a socket: the widget's page is being replaced, so it sends the
//! resume token once (`navigator.sendBeacon`) and the chat ends as a quick exit, the
//! safeguarding signal the operator sees. Any well-formed token gets the same answer.

use super::{end_chat, Deps, MoveError, ResumeToken};
use crate::domain::{Actor, ChatState, EndReason};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuickExit {
    /// The chat ended as a quick exit now.
    Ended,
    /// It had ended already (the socket's `leave` got there first).
    AlreadyEnded,
    /// No chat has this token.
    Unknown,
}

/// Ends the chat that `token` opens as a quick exit.
pub async fn quick_exit(deps: &Deps, token: &ResumeToken) -> Result<QuickExit, MoveError> {
    let Some(chat) = deps.chats.get_chat(&token.chat_id).await? else {
        return Ok(QuickExit::Unknown);
    };
    if !token.matches(&chat.resume_hash) {
        return Ok(QuickExit::Unknown);
    }
    if chat.state == ChatState::Ended {
        return Ok(QuickExit::AlreadyEnded);
    }
    match end_chat(deps, &chat, &Actor::Citizen, EndReason::QuickExit).await {
        Ok(_) => Ok(QuickExit::Ended),
        // The socket's own quick exit won the race.
        Err(MoveError::Refused {
            error: crate::domain::TransitionError::Ended,
            ..
        }) => Ok(QuickExit::AlreadyEnded),
        Err(e) => Err(e),
    }
}
