//! The chat and its state machine: bot → waiting → active → ended, and who may move it where.
//! The rules live here; the store applies them as conditional writes.

use super::{ChatEvent, ChatId, ConnectionId, EmergencyReason, ForceId, LanguageCode, OperatorId};
use super::{ChatLanguage, ChatLanguagePolicy, LanguageDecision, LanguageDetector, LanguageSource};
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
    /// corrected by an operator); see [`ChatLanguagePolicy`].
    pub language_state: ChatLanguage,
    pub priority: Priority,
    /// Why the chat was flagged an emergency (a reason code, never the citizen's words).
    pub emergency_reason: Option<EmergencyReason>,
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
    #[error("{0} is not a supported language")]
    UnsupportedLanguage(LanguageCode),
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

/// A move of a chat's life as the domain decides it: what the store must still find when it
/// writes (the guard), what changes (the patch), and the event that records it in the
/// transcript (none for a change that is news to nobody). `chat::apply_move` writes it: the
/// change and its event together, or neither.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    pub guard: Guard,
    pub patch: ChatPatch,
    pub event: Option<ChatEvent>,
}

/// A new chat with the bot, as `Chat::open` makes it.
#[derive(Debug, Clone)]
pub struct Opening {
    pub id: ChatId,
    pub force: ForceId,
    pub citizen_connection: ConnectionId,
    pub language: ChatLanguage,
    /// SHA-256 (hex) of the resume token's secret half.
    pub resume_hash: String,
    pub now_ms: i64,
    /// How long the transcript is kept after it starts.
    pub retention_days: i64,
}

impl Chat {
    /// A chat that starts with the bot, on the citizen's socket, in normal priority.
    pub fn open(o: Opening) -> Chat {
        Chat {
            id: o.id,
            force: o.force,
            state: ChatState::Bot,
            language: o.language.code().clone(),
            language_state: o.language,
            priority: Priority::Normal,
            emergency_reason: None,
            queue: None,
            operator: None,
            citizen_connection: Some(o.citizen_connection),
            resume_hash: o.resume_hash,
            created_ms: o.now_ms,
            last_seq: 0,
            ended: None,
            expires_at: o.now_ms / 1000 + o.retention_days * 86_400,
            bot_answers: Vec::new(),
        }
    }

    /// Into the operator queue (the citizen asked, or the bot handed over): at the back, or at
    /// the front for an emergency. `None` when it is waiting already: it keeps its place.
    /// `bot_answers`: what the bot answered so far, for the operators' queue.
    pub fn enter_queue(
        &self,
        actor: &Actor,
        now_ms: i64,
        bot_answers: Vec<String>,
    ) -> Result<Option<Move>, TransitionError> {
        self.check(actor, &Transition::EnterQueue)?;
        if self.state == ChatState::Waiting {
            return Ok(None);
        }
        let emergency = self.priority == Priority::Emergency;
        Ok(Some(Move {
            guard: Guard::states(&[ChatState::Bot]).at_priority(self.priority),
            patch: ChatPatch {
                state: Some(ChatState::Waiting),
                queue: Some(Some(QueueSlot {
                    priority: self.priority,
                    since_ms: now_ms,
                })),
                bot_answers: Some(bot_answers),
                ..Default::default()
            },
            event: Some(ChatEvent::Queued { emergency }),
        }))
    }

    /// An emergency: the chat goes to the front of the queue, entering it from the bot (one
    /// move, one `queued` event), keeping its time if it was waiting; an operator holding it
    /// sees the reason. `None` for a chat that has ended: the citizen has gone.
    pub fn flag_emergency(
        &self,
        reason: EmergencyReason,
        now_ms: i64,
        bot_answers: Vec<String>,
    ) -> Option<Move> {
        let mut patch = ChatPatch {
            priority: Some(Priority::Emergency),
            emergency_reason: Some(reason),
            ..Default::default()
        };
        let front = |since_ms| {
            Some(Some(QueueSlot {
                priority: Priority::Emergency,
                since_ms,
            }))
        };
        let (guard, event) = match self.state {
            ChatState::Ended => return None,
            ChatState::Bot => {
                patch.state = Some(ChatState::Waiting);
                patch.queue = front(now_ms);
                patch.bot_answers = Some(bot_answers);
                (
                    Guard::states(&[ChatState::Bot]),
                    Some(ChatEvent::Queued { emergency: true }),
                )
            }
            ChatState::Waiting => {
                patch.queue = front(self.queue.map_or(now_ms, |q| q.since_ms));
                (Guard::states(&[ChatState::Waiting]), None)
            }
            ChatState::Active => (Guard::states(&[ChatState::Active]), None),
        };
        Some(Move {
            guard,
            patch,
            event,
        })
    }

    /// An operator takes a waiting chat; of many claiming at once, the guard lets one win.
    pub fn claim(&self, operator: &OperatorId) -> Result<Move, TransitionError> {
        let guard = self.check(&Actor::Operator(operator.clone()), &Transition::Claim)?;
        Ok(Move {
            guard,
            patch: ChatPatch {
                state: Some(ChatState::Active),
                operator: Some(Some(operator.clone())),
                queue: Some(None),
                ..Default::default()
            },
            event: Some(ChatEvent::OperatorJoined {
                operator_id: operator.clone(),
            }),
        })
    }

    /// The holding operator puts the chat back in the queue, where it would have been: it
    /// has waited since it started.
    pub fn hand_back(&self, operator: &OperatorId) -> Result<Move, TransitionError> {
        let guard = self.check(&Actor::Operator(operator.clone()), &Transition::HandBack)?;
        Ok(Move {
            guard: guard.at_priority(self.priority),
            patch: ChatPatch {
                state: Some(ChatState::Waiting),
                operator: Some(None),
                queue: Some(Some(QueueSlot {
                    priority: self.priority,
                    since_ms: self.created_ms,
                })),
                ..Default::default()
            },
            event: Some(ChatEvent::HandedBack),
        })
    }

    /// The chat ends: the citizen left (or pressed "Leave the site"), or the holding operator
    /// ended it. A waiting chat leaves the queue. A citizen who left has no socket on the
    /// chat any more; when the operator ends it, the citizen's socket stays so that the
    /// `ended` event reaches them.
    pub fn end(&self, actor: &Actor, reason: EndReason) -> Result<Move, TransitionError> {
        let guard = self.check(actor, &Transition::End(reason))?;
        Ok(Move {
            guard,
            patch: ChatPatch {
                state: Some(ChatState::Ended),
                ended: Some(reason),
                queue: Some(None),
                citizen_connection: matches!(actor, Actor::Citizen).then_some(None),
                ..Default::default()
            },
            event: Some(ChatEvent::Ended { reason }),
        })
    }

    /// The citizen's socket went away (they may come back with their resume token). `None`
    /// when it is not the chat's socket any more, or the chat has ended.
    pub fn citizen_disconnected(&self, connection: &ConnectionId) -> Option<Move> {
        let theirs = self.citizen_connection.as_ref() == Some(connection);
        (self.state != ChatState::Ended && theirs).then(|| Move {
            guard: Guard::not_ended(),
            patch: ChatPatch {
                citizen_connection: Some(None),
                ..Default::default()
            },
            event: Some(ChatEvent::CitizenDisconnected),
        })
    }

    /// The operator holding the chat corrects its language: fixed from now on, whatever
    /// detection says. Both sides get `language_changed` when it changed.
    pub fn operator_sets_language(
        &self,
        operator: &OperatorId,
        code: &LanguageCode,
    ) -> Result<Move, TransitionError> {
        if self.state == ChatState::Ended {
            return Err(TransitionError::Ended);
        }
        if self.state != ChatState::Active || self.operator.as_ref() != Some(operator) {
            return Err(TransitionError::NotYourChat);
        }
        let mut language = self.language_state.clone();
        let decision = language
            .operator_corrects(code)
            .map_err(|e| TransitionError::UnsupportedLanguage(e.0))?;
        let event = match decision {
            LanguageDecision::Switched { from, to } => Some(ChatEvent::LanguageChanged {
                from,
                to,
                by: LanguageSource::Operator,
            }),
            _ => None,
        };
        Ok(Move {
            guard: Guard::held_by(operator),
            patch: ChatPatch {
                language: Some(language),
                ..Default::default()
            },
            event,
        })
    }

    /// A citizen's message looked at while the chat's language is not settled (`None` once
    /// it is, or when the chat has ended): the change of the language state to store before
    /// the message (so the message is stored in the language the chat has after it), and the
    /// event to store after it — `language_changed` when detection switched the language,
    /// `language_mismatch` (for the operator) when the citizen chose one and writes another.
    pub fn observe_language<D: LanguageDetector>(
        &self,
        policy: &ChatLanguagePolicy<D>,
        citizen_text: &str,
    ) -> Option<LanguageObserved> {
        if self.state == ChatState::Ended || self.language_state.is_fixed() {
            return None;
        }
        let mut language = self.language_state.clone();
        let after_message = match policy.observe(&mut language, citizen_text) {
            LanguageDecision::Switched { from, to } => Some(ChatEvent::LanguageChanged {
                from,
                to,
                by: LanguageSource::Detected,
            }),
            LanguageDecision::Mismatch { chosen, detected } => {
                Some(ChatEvent::LanguageMismatch { chosen, detected })
            }
            _ => None,
        };
        Some(LanguageObserved {
            change: Move {
                guard: Guard::not_ended(),
                patch: ChatPatch {
                    language: Some(language),
                    ..Default::default()
                },
                event: None,
            },
            after_message,
        })
    }

    /// The citizen came back on a new socket with their resume token.
    pub fn citizen_returned(&self, connection: &ConnectionId) -> Result<Move, TransitionError> {
        if self.state == ChatState::Ended {
            return Err(TransitionError::Ended);
        }
        Ok(Move {
            guard: Guard::not_ended(),
            patch: ChatPatch {
                citizen_connection: Some(Some(connection.clone())),
                ..Default::default()
            },
            event: Some(ChatEvent::CitizenReturned),
        })
    }
}

/// What a citizen's message said about the chat's language ([`Chat::observe_language`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageObserved {
    /// The language state's change, stored before the message (it has no event of its own).
    pub change: Move,
    /// The event stored after the message, if the observation is news to anyone.
    pub after_message: Option<ChatEvent>,
}

/// What a conditional write must still find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guard {
    pub states: Vec<ChatState>,
    pub operator: Option<OperatorId>,
    /// The priority the move was decided on: a move that places the chat in the queue must
    /// not overwrite an emergency flagged meanwhile (it is decided again instead).
    pub priority: Option<Priority>,
}

impl Guard {
    pub fn states(states: &[ChatState]) -> Self {
        Self {
            states: states.to_vec(),
            operator: None,
            priority: None,
        }
    }

    pub fn held_by(op: &OperatorId) -> Self {
        Self {
            states: vec![ChatState::Active],
            operator: Some(op.clone()),
            priority: None,
        }
    }

    /// The same guard, that also finds the chat still at `priority`.
    pub fn at_priority(mut self, priority: Priority) -> Self {
        self.priority = Some(priority);
        self
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
            && self.priority.is_none_or(|p| chat.priority == p)
    }
}

/// A change to a chat item. `Some(None)` clears a field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChatPatch {
    pub state: Option<ChatState>,
    pub priority: Option<Priority>,
    pub emergency_reason: Option<EmergencyReason>,
    pub queue: Option<Option<QueueSlot>>,
    pub operator: Option<Option<OperatorId>>,
    pub citizen_connection: Option<Option<ConnectionId>>,
    /// A new language state; the chat's `language` follows its code.
    pub language: Option<ChatLanguage>,
    pub ended: Option<EndReason>,
    pub bot_answers: Option<Vec<String>>,
}

impl ChatPatch {
    /// The chat's priority once patched, if the patch changes it: the queue slot's when the
    /// patch places the chat in the queue (the slot's priority and the chat's are one value,
    /// as the DynamoDB item holds them), else the patch's own. Both stores read it here.
    pub fn new_priority(&self) -> Option<Priority> {
        self.queue
            .and_then(|q| q.map(|slot| slot.priority))
            .or(self.priority)
    }

    /// Applies the patch to a chat in memory (the embedded store, and tests).
    pub fn apply(&self, chat: &mut Chat) {
        if let Some(s) = self.state {
            chat.state = s;
        }
        if let Some(p) = self.new_priority() {
            chat.priority = p;
        }
        if let Some(r) = self.emergency_reason {
            chat.emergency_reason = Some(r);
        }
        if let Some(q) = self.queue {
            chat.queue = q;
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

/// A chat for tests, built from `Chat::for_test(id)`: a chat of the "demo" force with the bot,
/// in settled English, normal priority, nobody on it, kept until 2033; each method changes one
/// thing. Not in Lambda binaries (`test-support`).
#[cfg(any(test, feature = "test-support"))]
#[derive(Debug, Clone)]
pub struct TestChat(Chat);

#[cfg(any(test, feature = "test-support"))]
impl Chat {
    pub fn for_test(id: &str) -> TestChat {
        let english = LanguageCode::english();
        TestChat(Chat {
            id: ChatId::parse(id).expect("a test chat id"),
            force: ForceId::parse("demo").expect("a force id"),
            state: ChatState::Bot,
            language: english.clone(),
            language_state: ChatLanguage::settled(&english),
            priority: Priority::Normal,
            emergency_reason: None,
            queue: None,
            operator: None,
            citizen_connection: None,
            resume_hash: String::new(),
            created_ms: 0,
            last_seq: 0,
            ended: None,
            expires_at: 2_000_000_000,
            bot_answers: Vec::new(),
        })
    }
}

#[cfg(any(test, feature = "test-support"))]
impl TestChat {
    /// Held by `operator`.
    pub fn active(mut self, operator: &str) -> Self {
        self.0.state = ChatState::Active;
        self.0.operator = Some(OperatorId::parse(operator).expect("an operator id"));
        self
    }

    pub fn state(mut self, state: ChatState) -> Self {
        self.0.state = state;
        self
    }

    /// In `code`, settled.
    pub fn language(self, code: &str) -> Self {
        let code = LanguageCode::parse(code).expect("a language code");
        self.language_state(ChatLanguage::settled(&code))
    }

    pub fn language_state(mut self, state: ChatLanguage) -> Self {
        self.0.language = state.code().clone();
        self.0.language_state = state;
        self
    }

    /// The citizen on socket `connection`.
    pub fn citizen(mut self, connection: &str) -> Self {
        self.0.citizen_connection = Some(ConnectionId::parse(connection).expect("a connection id"));
        self
    }

    pub fn force(mut self, force: &str) -> Self {
        self.0.force = ForceId::parse(force).expect("a force id");
        self
    }

    pub fn resume_hash(mut self, hash: &str) -> Self {
        self.0.resume_hash = hash.to_owned();
        self
    }

    pub fn created_ms(mut self, ms: i64) -> Self {
        self.0.created_ms = ms;
        self
    }

    pub fn build(self) -> Chat {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_holder_sets_the_language_and_a_change_is_announced() {
        let me = OperatorId::parse("op1").unwrap();
        let polish = LanguageCode::parse("pl").unwrap();
        let held = chat(ChatState::Active, Some("op1"));
        let m = held.operator_sets_language(&me, &polish).unwrap();
        assert_eq!(m.guard, Guard::held_by(&me));
        assert_eq!(
            m.patch.language.as_ref().map(|l| l.code().clone()),
            Some(polish.clone())
        );
        assert!(matches!(
            m.event,
            Some(ChatEvent::LanguageChanged {
                by: LanguageSource::Operator,
                ..
            })
        ));
        let other = chat(ChatState::Active, Some("op2"));
        assert_eq!(
            other.operator_sets_language(&me, &polish),
            Err(TransitionError::NotYourChat)
        );
        let ended = chat(ChatState::Ended, Some("op1"));
        assert_eq!(
            ended.operator_sets_language(&me, &polish),
            Err(TransitionError::Ended)
        );
        let unknown = LanguageCode::parse("xx").unwrap();
        assert!(matches!(
            held.operator_sets_language(&me, &unknown),
            Err(TransitionError::UnsupportedLanguage(_))
        ));
    }

    #[test]
    fn a_settled_or_ended_chat_observes_no_language() {
        let policy = crate::translation::ChatLanguagePolicy::default();
        let mut open = chat(ChatState::Bot, None);
        open.language_state = ChatLanguage::from_browser(&LanguageCode::english());
        let observed = open
            .observe_language(&policy, "where is the police station")
            .unwrap();
        assert_eq!(observed.change.guard, Guard::not_ended());
        assert_eq!(
            observed.change.event, None,
            "the change has no event of its own"
        );
        let mut settled = open.clone();
        settled
            .language_state
            .operator_corrects(&LanguageCode::english())
            .unwrap();
        assert_eq!(settled.observe_language(&policy, "hello"), None);
        let mut ended = open.clone();
        ended.state = ChatState::Ended;
        assert_eq!(ended.observe_language(&policy, "hello"), None);
    }

    fn chat(state: ChatState, operator: Option<&str>) -> Chat {
        let mut c = Chat::for_test("c1").state(state).build();
        c.operator = operator.map(|o| OperatorId::parse(o).unwrap());
        c
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

    #[test]
    fn joining_the_queue_is_decided_on_the_priority_read_and_a_waiting_chat_keeps_its_place() {
        let c = chat(ChatState::Bot, None);
        let m = c
            .enter_queue(&Actor::Citizen, 5, vec!["lost-property".into()])
            .unwrap()
            .expect("a move");
        assert_eq!(m.event, Some(ChatEvent::Queued { emergency: false }));
        assert_eq!(m.patch.new_priority(), Some(Priority::Normal));
        // Flagged meanwhile: the guard no longer admits the chat, so the move is decided again.
        let mut flagged = c.clone();
        flagged.priority = Priority::Emergency;
        assert!(!m.guard.admits(&flagged));
        let mut waiting = chat(ChatState::Waiting, None);
        waiting.queue = Some(QueueSlot {
            priority: Priority::Normal,
            since_ms: 1,
        });
        assert_eq!(waiting.enter_queue(&Actor::Citizen, 9, vec![]), Ok(None));
    }

    #[test]
    fn an_emergency_from_the_bot_joins_the_queue_at_the_front_in_one_move() {
        let c = chat(ChatState::Bot, None);
        let m = c
            .flag_emergency(EmergencyReason::Weapon, 7, vec![])
            .unwrap();
        assert_eq!(m.event, Some(ChatEvent::Queued { emergency: true }));
        let mut after = c.clone();
        m.patch.apply(&mut after);
        assert_eq!(after.state, ChatState::Waiting);
        assert_eq!(after.priority, Priority::Emergency);
        assert_eq!(after.emergency_reason, Some(EmergencyReason::Weapon));
        assert_eq!(
            after.queue,
            Some(QueueSlot {
                priority: Priority::Emergency,
                since_ms: 7
            })
        );
        // Waiting: to the front, keeping its time, no event; ended: nothing to do.
        let mut waiting = chat(ChatState::Waiting, None);
        waiting.queue = Some(QueueSlot {
            priority: Priority::Normal,
            since_ms: 3,
        });
        let m = waiting
            .flag_emergency(EmergencyReason::Fire, 7, vec![])
            .unwrap();
        assert_eq!(m.event, None);
        assert_eq!(m.patch.queue.flatten().map(|q| q.since_ms), Some(3));
        assert_eq!(m.patch.new_priority(), Some(Priority::Emergency));
        let ended = chat(ChatState::Ended, None);
        assert!(ended
            .flag_emergency(EmergencyReason::Fire, 7, vec![])
            .is_none());
    }

    #[test]
    fn a_hand_back_puts_the_chat_where_it_would_have_been_and_ending_clears_the_queue() {
        let mut c = chat(ChatState::Active, Some("op1"));
        c.created_ms = 42;
        let me = OperatorId::parse("op1").unwrap();
        let m = c.hand_back(&me).unwrap();
        let mut after = c.clone();
        m.patch.apply(&mut after);
        assert_eq!(
            (after.state, after.operator.clone()),
            (ChatState::Waiting, None)
        );
        assert_eq!(after.queue.map(|q| q.since_ms), Some(42));
        assert_eq!(m.event, Some(ChatEvent::HandedBack));
        assert!(c.hand_back(&OperatorId::parse("op2").unwrap()).is_err());

        let m = after.end(&Actor::Citizen, EndReason::QuickExit).unwrap();
        m.patch.apply(&mut after);
        assert_eq!(after.state, ChatState::Ended);
        assert_eq!(after.queue, None);
        assert_eq!(after.citizen_connection, None);
        assert_eq!(
            m.event,
            Some(ChatEvent::Ended {
                reason: EndReason::QuickExit
            })
        );
    }

    #[test]
    fn a_socket_that_is_not_the_chats_any_more_does_not_disconnect_it() {
        let mut c = chat(ChatState::Waiting, None);
        let mine = ConnectionId::parse("s1").unwrap();
        let other = ConnectionId::parse("s2").unwrap();
        c.citizen_connection = Some(mine.clone());
        assert!(c.citizen_disconnected(&other).is_none());
        let m = c.citizen_disconnected(&mine).unwrap();
        assert_eq!(m.event, Some(ChatEvent::CitizenDisconnected));
        assert_eq!(m.patch.citizen_connection, Some(None));
        assert!(c.citizen_returned(&other).is_ok());
        assert_eq!(
            chat(ChatState::Ended, None).citizen_returned(&other),
            Err(TransitionError::Ended)
        );
    }
}
