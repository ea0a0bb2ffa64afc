//! The one place a chat's moves are written: the domain decides a move from the chat as read
//! (`Chat::claim`, `Chat::end`, ...), the store writes it under its guard with its event, and
//! when someone else changed the chat first the move is decided again from the chat as it now
//! is — it may no longer apply, and the domain then says why.

use super::Deps;
use crate::domain::{now_ms, Chat, ChatMessage, Move, TransitionError};
use crate::store::{StoreError, UpdateError};

/// How often a move is decided again after losing a race before it gives up (each loss means
/// another writer changed the chat; a handful in a row is contention no person makes).
const MOVE_ATTEMPTS: usize = 6;

/// What applying a move did: the chat as it now is, whether it moved (the domain may find
/// nothing to do: a chat already waiting is not queued again), and the move's stored event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub chat: Chat,
    pub moved: bool,
    pub event: Option<ChatMessage>,
}

/// Why a move was not applied.
#[derive(Debug, thiserror::Error)]
pub enum MoveError {
    /// The rules refuse it, with the chat as last read (e.g. claimed by someone else, or
    /// ended by the other side).
    #[error("{error}")]
    Refused {
        #[source]
        error: TransitionError,
        chat: Box<Chat>,
    },
    #[error("no such chat")]
    NotFound,
    /// Lost the race every time.
    #[error("the chat kept changing")]
    Contended,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Decides and writes a move: `decide` is asked with `chat`, then (after a lost race) with the
/// chat as re-read. `Ok(None)` from `decide` means there is nothing to do.
pub async fn apply_move<F>(deps: &Deps, chat: &Chat, decide: F) -> Result<Applied, MoveError>
where
    F: Fn(&Chat) -> Result<Option<Move>, TransitionError>,
{
    let mut current = chat.clone();
    for _ in 0..MOVE_ATTEMPTS {
        let decided = decide(&current).map_err(|error| MoveError::Refused {
            error,
            chat: Box::new(current.clone()),
        })?;
        let Some(m) = decided else {
            return Ok(Applied {
                chat: current,
                moved: false,
                event: None,
            });
        };
        let written = match m.event {
            Some(event) => deps
                .chats
                .move_chat(&current.id, &m.guard, &m.patch, event, now_ms())
                .await
                .map(|moved| (moved.chat, Some(moved.event))),
            None => deps
                .chats
                .update_chat(&current.id, &m.guard, &m.patch)
                .await
                .map(|chat| (chat, None)),
        };
        match written {
            Ok((chat, event)) => {
                return Ok(Applied {
                    chat,
                    moved: true,
                    event,
                })
            }
            Err(UpdateError::Conflict) => {
                current = deps
                    .chats
                    .get_chat(&current.id)
                    .await?
                    .ok_or(MoveError::NotFound)?;
            }
            Err(UpdateError::NotFound) => return Err(MoveError::NotFound),
            Err(UpdateError::Store(e)) => return Err(e.into()),
        }
    }
    Err(MoveError::Contended)
}
