//! The chat and its state machine: bot → waiting → active → ended, and who may move it where.
//! The rules live here; the store applies them as conditional writes.

use super::{ChatId, ConnectionId, ForceId, LanguageCode, OperatorId};
use crate::translation::ChatLanguage;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatState {
    /// The citizen is talking to the FAQ bot.
    Bot,
    /// The citizen asked for (or was sent to) an operator and is in the queue.
    Waiting,
    /// An operator holds the chat.
    Active,
    /// Over; the transcript is kept for the retention period.
    Ended,
}

impl ChatState {
    pub fn as_str(self) -> &'static str {
        match self {
            ChatState::Bot => "bot",
            ChatState::Waiting => "waiting",
            ChatState::Active => "active",
            ChatState::Ended => "ended",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Bot, Self::Waiting, Self::Active, Self::Ended]
            .into_iter()
            .find(|st| st.as_str() == s)
    }
}

/// Queue priority: emergencies are served first, then in order of entering the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Emergency = 0,
    Normal = 1,
}

/// How a chat ended; the operator is told, since a quick exit is a safeguarding signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// The citizen closed the chat.
    CitizenLeft,
    /// The citizen pressed "Leave the site".
    QuickExit,
    /// The operator ended the chat.
    OperatorEnded,
}

/// A place in the operator queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct QueueSlot {
    pub priority: Priority,
    /// Milliseconds since the Unix epoch when the chat entered the queue.
    pub since_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chat {
    pub id: ChatId,
    pub force: ForceId,
    pub state: ChatState,
    /// The chat's language now: what the citizen reads and writes (the operator reads English).
    /// Always `language_state.code()`; kept apart because the queue and the views read it.
    pub language: LanguageCode,
    /// How settled the language is (chosen, guessed from the browser, confirmed by detection,
    /// corrected by an operator); see `translation::ChatLanguagePolicy`.
    pub language_state: ChatLanguage,
    pub priority: Priority,
    /// Why the chat was flagged an emergency (a reason code, never the citizen's words).
    pub emergency_reason: Option<String>,
    pub queue: Option<QueueSlot>,
    pub operator: Option<OperatorId>,
    pub citizen_connection: Option<ConnectionId>,
    /// SHA-256 (hex) of the secret half of the resume token; the token itself is never stored.
    pub resume_hash: String,
    pub created_ms: i64,
    /// The sequence number of the last message stored in the chat (0 when none).
    pub last_seq: u64,
    pub ended: Option<EndReason>,
    /// Retention: seconds since the epoch after which DynamoDB's TTL may delete the chat.
    pub expires_at: i64,
    /// What the bot had answered (knowledge base entry ids, in order) when the chat joined the
    /// queue: what an operator sees before claiming. Never the citizen's words.
    #[serde(default)]
    pub bot_answers: Vec<String>,
}

/// Who is asking for a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Citizen,
    Operator(OperatorId),
    /// The bot or the platform (an emergency detected, a handoff offered and accepted).
    System,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("the chat has ended")]
    Ended,
    #[error("the chat is not waiting for an operator")]
    NotWaiting,
    #[error("the chat is held by another operator")]
    NotYourChat,
    #[error("that is not possible in the chat's present state")]
    NotAllowed { from: ChatState },
}

/// A requested move of the state machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    EnterQueue,
    Claim,
    HandBack,
    End(EndReason),
}

impl Chat {
    /// Checks a transition against the rules and returns the state it leads to, and the
    /// states (and operator) the store must still find when it writes, so that a concurrent
    /// change makes the write fail rather than overwrite.
    pub fn check(&self, actor: &Actor, t: &Transition) -> Result<Guard, TransitionError> {
        use ChatState::*;
        if self.state == Ended {
            return Err(TransitionError::Ended);
        }
        let holder_only = |op: &OperatorId| -> Result<(), TransitionError> {
            if self.state == Active && self.operator.as_ref() == Some(op) {
                Ok(())
            } else {
                Err(TransitionError::NotYourChat)
            }
        };
        match (t, actor) {
            (Transition::EnterQueue, Actor::Citizen | Actor::System) => match self.state {
                Bot | Waiting => Ok(Guard::states(&[Bot, Waiting])),
                from => Err(TransitionError::NotAllowed { from }),
            },
            (Transition::Claim, Actor::Operator(_)) => match self.state {
                Waiting => Ok(Guard::states(&[Waiting])),
                _ => Err(TransitionError::NotWaiting),
            },
            (Transition::HandBack, Actor::Operator(op)) => {
                holder_only(op)?;
                Ok(Guard::held_by(op))
            }
            (Transition::End(EndReason::OperatorEnded), Actor::Operator(op)) => {
                holder_only(op)?;
                Ok(Guard::held_by(op))
            }
            (Transition::End(EndReason::CitizenLeft | EndReason::QuickExit), Actor::Citizen) => {
                Ok(Guard::states(&[Bot, Waiting, Active]))
            }
            _ => Err(TransitionError::NotAllowed { from: self.state }),
        }
    }
}

/// What a conditional write must still find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guard {
    pub states: Vec<ChatState>,
    pub operator: Option<OperatorId>,
}

impl Guard {
    pub fn states(states: &[ChatState]) -> Self {
        Self {
            states: states.to_vec(),
            operator: None,
        }
    }

    pub fn held_by(op: &OperatorId) -> Self {
        Self {
            states: vec![ChatState::Active],
            operator: Some(op.clone()),
        }
    }

    pub fn not_ended() -> Self {
        Self::states(&[ChatState::Bot, ChatState::Waiting, ChatState::Active])
    }

    pub fn admits(&self, chat: &Chat) -> bool {
        self.states.contains(&chat.state)
            && match &self.operator {
                Some(op) => chat.operator.as_ref() == Some(op),
                None => true,
            }
    }
}

/// A change to a chat item. `Some(None)` clears a field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChatPatch {
    pub state: Option<ChatState>,
    pub priority: Option<Priority>,
    pub emergency_reason: Option<String>,
    pub queue: Option<Option<QueueSlot>>,
    pub operator: Option<Option<OperatorId>>,
    pub citizen_connection: Option<Option<ConnectionId>>,
    /// A new language state; the chat's `language` follows its code.
    pub language: Option<ChatLanguage>,
    pub ended: Option<EndReason>,
    pub bot_answers: Option<Vec<String>>,
}

impl ChatPatch {
    /// Applies the patch to a chat in memory (the embedded store, and tests).
    pub fn apply(&self, chat: &mut Chat) {
        if let Some(s) = self.state {
            chat.state = s;
        }
        if let Some(p) = self.priority {
            chat.priority = p;
        }
        if let Some(r) = &self.emergency_reason {
            chat.emergency_reason = Some(r.clone());
        }
        if let Some(q) = self.queue {
            chat.queue = q;
            // The queue slot's priority is the chat's (one value, as in the DynamoDB item).
            if let Some(slot) = q {
                chat.priority = slot.priority;
            }
        }
        if let Some(o) = &self.operator {
            chat.operator = o.clone();
        }
        if let Some(c) = &self.citizen_connection {
            chat.citizen_connection = c.clone();
        }
        if let Some(l) = &self.language {
            chat.language = l.code().clone();
            chat.language_state = l.clone();
        }
        if let Some(e) = self.ended {
            chat.ended = Some(e);
        }
        if let Some(a) = &self.bot_answers {
            chat.bot_answers = a.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chat(state: ChatState, operator: Option<&str>) -> Chat {
        Chat {
            id: ChatId::parse("c1").unwrap(),
            force: ForceId::parse("demo").unwrap(),
            state,
            language: LanguageCode::english(),
            language_state: ChatLanguage::settled(&LanguageCode::english()),
            priority: Priority::Normal,
            emergency_reason: None,
            queue: None,
            operator: operator.map(|o| OperatorId::parse(o).unwrap()),
            citizen_connection: None,
            resume_hash: String::new(),
            created_ms: 0,
            last_seq: 0,
            ended: None,
            expires_at: 0,
            bot_answers: Vec::new(),
        }
    }

    fn op(s: &str) -> Actor {
        Actor::Operator(OperatorId::parse(s).unwrap())
    }

    #[test]
    fn a_citizen_can_ask_for_an_operator_from_the_bot_but_not_once_claimed() {
        let c = chat(ChatState::Bot, None);
        assert!(c.check(&Actor::Citizen, &Transition::EnterQueue).is_ok());
        let c = chat(ChatState::Active, Some("op1"));
        assert!(c.check(&Actor::Citizen, &Transition::EnterQueue).is_err());
    }

    #[test]
    fn only_operators_claim_and_only_waiting_chats() {
        let c = chat(ChatState::Waiting, None);
        assert!(c.check(&op("op1"), &Transition::Claim).is_ok());
        assert!(c.check(&Actor::Citizen, &Transition::Claim).is_err());
        let c = chat(ChatState::Bot, None);
        assert_eq!(
            c.check(&op("op1"), &Transition::Claim),
            Err(TransitionError::NotWaiting)
        );
    }

    #[test]
    fn only_the_holding_operator_hands_back_or_ends() {
        let c = chat(ChatState::Active, Some("op1"));
        assert!(c.check(&op("op1"), &Transition::HandBack).is_ok());
        assert_eq!(
            c.check(&op("op2"), &Transition::HandBack),
            Err(TransitionError::NotYourChat)
        );
        assert_eq!(
            c.check(&op("op2"), &Transition::End(EndReason::OperatorEnded)),
            Err(TransitionError::NotYourChat)
        );
    }

    #[test]
    fn the_citizen_can_leave_from_any_live_state_and_nothing_moves_an_ended_chat() {
        for s in [ChatState::Bot, ChatState::Waiting, ChatState::Active] {
            let c = chat(s, Some("op1"));
            assert!(c
                .check(&Actor::Citizen, &Transition::End(EndReason::QuickExit))
                .is_ok());
        }
        let c = chat(ChatState::Ended, None);
        assert_eq!(
            c.check(&Actor::Citizen, &Transition::EnterQueue),
            Err(TransitionError::Ended)
        );
    }

    #[test]
    fn a_citizen_cannot_pretend_to_be_an_operator_ending() {
        let c = chat(ChatState::Active, Some("op1"));
        assert!(c
            .check(&Actor::Citizen, &Transition::End(EndReason::OperatorEnded))
            .is_err());
    }
}
