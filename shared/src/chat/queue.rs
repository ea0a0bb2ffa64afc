//! The operator queue as people see it: operators get the whole queue whenever it changes;
//! each waiting citizen gets their position and an honest estimate.

use super::moves::{apply_move, Applied, MoveError};
use super::Deps;
use crate::delivery::Api;
use crate::domain::ForceId;
use crate::protocol::{QueueEntry, ServerFrame};
use crate::store::StoreError;

/// The most waiting chats shown; a force with more has bigger problems than the list.
const QUEUE_LIMIT: usize = 200;

pub async fn queue_entries(deps: &Deps, force: &ForceId) -> Result<Vec<QueueEntry>, StoreError> {
    let chats = deps.queue.waiting_chats(force, QUEUE_LIMIT).await?;
    Ok(entries_of(&chats).into_iter().map(|(e, _)| e).collect())
}

/// The queue entries of waiting chats (in queue order), each with its chat.
fn entries_of(chats: &[crate::domain::Chat]) -> Vec<(QueueEntry, &crate::domain::Chat)> {
    chats
        .iter()
        .filter(|c| c.queue.is_some())
        .enumerate()
        .map(|(i, c)| {
            let entry = QueueEntry {
                chat_id: c.id.clone(),
                position: i + 1,
                language: c.language.clone(),
                priority: c.priority,
                emergency_reason: c.emergency_reason,
                waiting_since_ms: c.queue.map(|q| q.since_ms).unwrap_or_default(),
                bot_answers: c.bot_answers.clone(),
            };
            (entry, c)
        })
        .collect()
}

/// An estimate that does not promise too little: the chats ahead shared among the operators
/// online, each taking the average handling time. With nobody online, a full handling time
/// per chat ahead.
pub fn wait_estimate_secs(position: usize, operators_online: usize, average_secs: u64) -> u64 {
    let ahead = position.max(1) as u64;
    let ops = operators_online.max(1) as u64;
    ahead.div_ceil(ops) * average_secs
}

/// Who could answer a chat now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Availability {
    /// Operators with a socket open.
    pub operators_online: usize,
    /// Of those, the ones taking new chats (not away).
    pub operators_available: usize,
    /// Inside the force's staffed hours.
    pub staffed: bool,
}

impl Availability {
    /// Counts operators (not sockets: one operator may have several) from their connections.
    pub fn of(operators: &[crate::domain::Connection], staffed: bool) -> Self {
        use crate::domain::{Presence, Role};
        let mut online = std::collections::HashSet::new();
        let mut available = std::collections::HashSet::new();
        for conn in operators {
            if let Role::Operator { operator_id } = &conn.role {
                online.insert(operator_id);
                if conn.presence == Presence::Available {
                    available.insert(operator_id);
                }
            }
        }
        Self {
            operators_online: online.len(),
            operators_available: available.len(),
            staffed,
        }
    }

    /// Whether anyone would answer a chat that asked now.
    pub fn can_answer(&self) -> bool {
        self.staffed && self.operators_available > 0
    }

    /// The wait estimate for a place in the queue, only when someone can answer: with nobody
    /// available, any figure would be a promise nobody keeps.
    pub fn estimate_secs(&self, position: usize, average_secs: u64) -> Option<u64> {
        self.can_answer()
            .then(|| wait_estimate_secs(position, self.operators_available, average_secs))
    }
}

/// Who could answer now: the operators online and the staffed hours.
pub async fn availability(deps: &Deps) -> Result<Availability, StoreError> {
    let operators = deps.connections.operator_connections(None).await?;
    Ok(Availability::of(
        &operators,
        deps.config.staffed_at(crate::domain::now_ms()),
    ))
}

/// What the queue looks like now, as the dashboard and the wait alarm read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueGauges {
    /// Chats waiting in the force's queue (at most the queue's page, 200).
    pub chats_waiting: usize,
    /// How long the chat that has waited longest has waited, in seconds (0 when none). Not
    /// the head's: an emergency that jumped the queue may be newer than the chats behind it.
    pub longest_wait_secs: u64,
    /// Operators online and taking chats.
    pub operators_available: usize,
}

impl QueueGauges {
    /// From the waiting chats and the operators' connections, at `now_ms`.
    pub fn of(
        chats: &[crate::domain::Chat],
        operators: &[crate::domain::Connection],
        now_ms: i64,
    ) -> Self {
        let waiting: Vec<i64> = chats
            .iter()
            .filter_map(|c| c.queue.map(|q| q.since_ms))
            .collect();
        let longest_ms = waiting
            .iter()
            .map(|since| now_ms.saturating_sub(*since).max(0))
            .max()
            .unwrap_or(0);
        Self {
            chats_waiting: waiting.len(),
            longest_wait_secs: u64::try_from(longest_ms / 1000).unwrap_or(0),
            operators_available: Availability::of(operators, true).operators_available,
        }
    }
}

/// Reads the force's queue and the operators online (a `Query` of each index) and emits
/// `ChatsWaiting`, `LongestWaitSeconds` and `OperatorsAvailable` as one metric document:
/// every minute from translate's schedule, so that the wait alarm always has its data.
pub async fn emit_queue_metrics(deps: &Deps) -> Result<QueueGauges, StoreError> {
    use crate::metrics::{CHATS_WAITING, LONGEST_WAIT_SECONDS, OPERATORS_AVAILABLE};
    let chats = deps
        .queue
        .waiting_chats(&deps.config.force, QUEUE_LIMIT)
        .await?;
    let operators = deps.connections.operator_connections(None).await?;
    let gauges = QueueGauges::of(&chats, &operators, crate::domain::now_ms());
    deps.metrics.emit(
        &deps.config.force,
        &[
            (CHATS_WAITING, gauges.chats_waiting as f64),
            (LONGEST_WAIT_SECONDS, gauges.longest_wait_secs as f64),
            (OPERATORS_AVAILABLE, gauges.operators_available as f64),
        ],
    );
    Ok(gauges)
}

/// Tells every operator online the queue, and every waiting citizen their place in it.
pub async fn announce_queue(deps: &Deps, force: &ForceId) -> Result<(), StoreError> {
    announce_queue_to(deps, force, None, true).await
}

/// Tells every waiting citizen their place again, with who can answer now: when an operator
/// signs in or drops, "nobody is available" may have stopped (or started) being true. The
/// operators are not told: their queue did not change (and a socket still in `$connect`
/// cannot be posted to).
pub async fn announce_availability(deps: &Deps, force: &ForceId) -> Result<(), StoreError> {
    announce_queue_to(deps, force, None, false).await
}

/// As [`announce_queue`]; with `only`, just that chat's citizen is told their place — enough
/// when a chat joined at the back, since no one else's place changed.
async fn announce_queue_to(
    deps: &Deps,
    force: &ForceId,
    only: Option<&crate::domain::ChatId>,
    tell_operators: bool,
) -> Result<(), StoreError> {
    // One read of the queue: each citizen's position comes from the same list the operators see.
    let chats = deps.queue.waiting_chats(force, QUEUE_LIMIT).await?;
    let entries = entries_of(&chats);
    let operators = deps.connections.operator_connections(None).await?;
    let frame = ServerFrame::Queue {
        entries: entries.iter().map(|(e, _)| e.clone()).collect(),
    };
    if tell_operators {
        for conn in &operators {
            let _ = deps.post(Api::Operator, &conn.id, &frame).await;
        }
    }
    let available = Availability::of(&operators, deps.config.staffed_at(crate::domain::now_ms()));
    for (entry, chat) in &entries {
        if only.is_some_and(|id| id != &chat.id) {
            continue;
        }
        if let Some(conn) = &chat.citizen_connection {
            let frame = ServerFrame::Queued {
                chat_id: entry.chat_id.clone(),
                position: entry.position,
                estimated_wait_seconds: available
                    .estimate_secs(entry.position, deps.config.average_handling_secs),
                report_url: deps.config.report_url.clone(),
                operators_available: available.operators_available,
                staffed: available.staffed,
            };
            let _ = deps.post(Api::Public, conn, &frame).await;
        }
    }
    Ok(())
}

/// Puts a chat in the operator queue on behalf of an actor (the citizen, or the bot on a
/// handoff), keeping its place if it is there already, then tells everyone concerned.
pub async fn enter_queue(
    deps: &Deps,
    chat: &crate::domain::Chat,
    actor: &crate::domain::Actor,
) -> Result<(), MoveError> {
    use crate::domain::{now_ms, Priority};
    let answers = bot_answers(deps, chat).await?;
    let applied = apply_move(deps, chat, |c| {
        c.enter_queue(actor, now_ms(), answers.clone())
    })
    .await?;
    // A normal chat joins at the back: only its own citizen's place is news. An emergency
    // goes to the front and moves everyone.
    let mut only = None;
    if applied.moved {
        let emergency = applied.chat.priority == Priority::Emergency;
        tracing::info!(chat_id = %applied.chat.id, emergency, "chat queued");
        if !emergency {
            only = Some(applied.chat.id.clone());
        }
    }
    announce_queue_to(deps, &applied.chat.force, only.as_ref(), true).await?;
    Ok(())
}

/// Flags a chat as an emergency with a reason code (never the citizen's words): it jumps to
/// the front of the queue — entering it if it was with the bot — and operators see why.
pub async fn flag_emergency(
    deps: &Deps,
    chat: &crate::domain::Chat,
    reason: crate::domain::EmergencyReason,
) -> Result<(), MoveError> {
    use crate::domain::{now_ms, ChatState};
    let answers = bot_answers(deps, chat).await?;
    let applied = apply_move(deps, chat, |c| {
        Ok(c.flag_emergency(reason, now_ms(), answers.clone()))
    })
    .await?;
    let Applied {
        chat: flagged,
        moved: true,
        ..
    } = applied
    else {
        return Ok(());
    };
    tracing::warn!(chat_id = %flagged.id, reason = reason.code(), "chat flagged as an emergency");
    if flagged.state == ChatState::Waiting {
        announce_queue(deps, &flagged.force).await?;
    }
    Ok(())
}

/// The most answers a queue entry lists.
const BOT_ANSWERS_SHOWN: usize = 10;

/// What the bot answered in the chat so far (its knowledge base entries, first first, each
/// once), read once as the chat joins the queue, so the queue can show it to operators without
/// reading transcripts on every change.
async fn bot_answers(deps: &Deps, chat: &crate::domain::Chat) -> Result<Vec<String>, StoreError> {
    use crate::domain::{ChatState, MessageBody, Sender};
    if chat.state != ChatState::Bot || chat.last_seq == 0 {
        return Ok(chat.bot_answers.clone());
    }
    let messages = deps.chats.messages_after(&chat.id, 0, 100).await?;
    let mut answers: Vec<String> = Vec::new();
    for m in &messages {
        if let (
            Sender::Bot,
            MessageBody::Text {
                bot: Some(reply), ..
            },
        ) = (&m.sender, &m.body)
        {
            if let Some(id) = &reply.answer_id {
                if !answers.contains(id) && answers.len() < BOT_ANSWERS_SHOWN {
                    answers.push(id.clone());
                }
            }
        }
    }
    Ok(answers)
}

/// Ends a chat on behalf of the citizen (leaving, or "Leave the site") or of the operator who
/// holds it, with the `ended` event in the same write, so both sides' transcripts say how it
/// ended. A chat that was waiting leaves the queue, and the queue is told.
pub async fn end_chat(
    deps: &Deps,
    chat: &crate::domain::Chat,
    actor: &crate::domain::Actor,
    reason: crate::domain::EndReason,
) -> Result<crate::domain::Chat, MoveError> {
    use crate::domain::ChatState;
    let ended = apply_move(deps, chat, |c| c.end(actor, reason).map(Some))
        .await?
        .chat;
    tracing::info!(chat_id = %chat.id, ?reason, "chat ended");
    if chat.state == ChatState::Waiting {
        announce_queue(deps, &ended.force).await?;
    }
    Ok(ended)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_estimate_is_given_when_nobody_available_or_outside_staffed_hours() {
        use crate::domain::{Connection, ConnectionId, OperatorId, Presence, Role};
        let op = |id: &str, name: &str, presence| Connection {
            id: ConnectionId::parse(id).unwrap(),
            role: Role::Operator {
                operator_id: OperatorId::parse(name).unwrap(),
            },
            chat: None,
            connected_ms: 0,
            expires_at: 0,
            presence,
            supervisor: false,
        };
        // alice has two sockets: she counts once.
        let room = [
            op("c1", "alice", Presence::Available),
            op("c2", "alice", Presence::Available),
            op("c3", "bob", Presence::Away),
        ];
        let a = Availability::of(&room, true);
        assert_eq!((a.operators_online, a.operators_available), (2, 1));
        assert_eq!(a.estimate_secs(2, 300), Some(600));
        assert_eq!(Availability::of(&room, false).estimate_secs(2, 300), None);
        let away = Availability::of(&room[2..], true);
        assert_eq!((away.operators_online, away.operators_available), (1, 0));
        assert_eq!(away.estimate_secs(1, 300), None);
        assert_eq!(Availability::of(&[], true).estimate_secs(1, 300), None);
    }

    #[test]
    fn the_estimate_shares_the_queue_among_operators_and_never_says_zero() {
        assert_eq!(wait_estimate_secs(1, 0, 300), 300);
        assert_eq!(wait_estimate_secs(3, 1, 300), 900);
        assert_eq!(wait_estimate_secs(3, 2, 300), 600);
        assert_eq!(wait_estimate_secs(0, 5, 300), 300);
    }
}
