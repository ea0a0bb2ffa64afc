//! What an operator can do: see the queue, claim, send, read back, hand back, end.

use crate::citizen::history;
use crate::{Failure, MessageDeps};
use bluelamp::chat::{
    announce_queue, apply_move, end_chat, fit_transcript, queue_entries, Applied, Deps, MoveError,
    TRANSCRIPT_BUDGET_BYTES,
};
use bluelamp::domain::{
    now_ms, Actor, Chat, ChatId, ChatState, Connection, EndReason, LanguageCode, NewMessage,
    OperatorId, Presence, Sender, Side,
};
use bluelamp::protocol::{ChatSummary, ClientFrame, ErrorCode, ServerFrame};

pub(crate) async fn dispatch(
    ports: &MessageDeps,
    conn: &Connection,
    me: &OperatorId,
    frame: ClientFrame,
) -> Result<Option<ServerFrame>, Failure> {
    let deps = &ports.chat;
    let translator = ports.preview.as_ref();
    let english = LanguageCode::english();
    match frame {
        ClientFrame::Hello {} => hello(deps, conn, me).await.map(Some),
        ClientFrame::Typing { chat_id, typing } => {
            let chat = held_chat(deps, me, chat_id.as_ref()).await?;
            let frame = ServerFrame::Typing {
                chat_id: chat.id.clone(),
                from: Side::Operator,
                typing,
            };
            tell_citizen(deps, &chat, frame).await.map(|_| None)
        }
        ClientFrame::Seen { chat_id, seq } => {
            let chat = held_chat(deps, me, chat_id.as_ref()).await?;
            let frame = ServerFrame::Seen {
                chat_id: chat.id.clone(),
                from: Side::Operator,
                seq: seq.min(chat.last_seq),
            };
            tell_citizen(deps, &chat, frame).await.map(|_| None)
        }
        ClientFrame::SetPresence { presence } => set_presence(deps, me, presence).await.map(Some),
        ClientFrame::Stats {} => stats(ports, conn).await.map(Some),
        ClientFrame::Claim { chat_id } => claim(deps, me, &chat_id).await.map(Some),
        ClientFrame::Send {
            chat_id,
            client_message_id,
            text,
        } => {
            let chat = held_chat(deps, me, chat_id.as_ref()).await?;
            let msg = NewMessage::text(
                Sender::Operator {
                    operator_id: me.clone(),
                },
                &text,
                &english,
                Some(client_message_id.clone()),
                now_ms(),
            );
            let appended = deps.chats.append_message(&chat, msg).await?;
            crate::count_stored(deps, &appended);
            Ok(Some(ServerFrame::Ack {
                chat_id: chat.id,
                client_message_id,
                seq: appended.message.seq,
                duplicate: appended.duplicate,
            }))
        }
        ClientFrame::History { chat_id, after_seq } => {
            let chat = readable_chat(deps, me, chat_id.as_ref()).await?;
            history(deps, &chat, Side::Operator, &english, after_seq)
                .await
                .map(Some)
        }
        ClientFrame::HandBack { chat_id } => hand_back(deps, me, &chat_id).await.map(Some),
        ClientFrame::End { chat_id } => end(deps, me, &chat_id).await.map(Some),
        ClientFrame::Unanswered { limit } => {
            let limit = usize::from(limit.unwrap_or(50).clamp(1, 500));
            let entries = ports
                .unanswered
                .recent(&deps.config.force, limit)
                .await
                .map_err(|e| {
                    Failure::Store(bluelamp::store::StoreError::unavailable(
                        "reading unanswered questions",
                        e,
                    ))
                })?;
            Ok(Some(ServerFrame::Unanswered { entries }))
        }
        ClientFrame::SetLanguage { chat_id, language } => {
            set_language(deps, me, &chat_id, &language).await.map(Some)
        }
        ClientFrame::Preview {
            chat_id,
            preview_id,
            text,
        } => {
            let chat = held_chat(deps, me, Some(&chat_id)).await?;
            let frame = crate::preview::preview(translator, &chat, preview_id, &text).await;
            Ok(Some(frame))
        }
        ClientFrame::Ping {} => Ok(Some(ServerFrame::Pong {})),
        _ => Err(Failure::client(
            ErrorCode::Forbidden,
            "that action is for citizens",
        )),
    }
}

/// A chat this operator holds. Any other chat — another operator's, a waiting one, one
/// that does not exist — is refused alike, so ids cannot be probed.
async fn held_chat(deps: &Deps, me: &OperatorId, id: Option<&ChatId>) -> Result<Chat, Failure> {
    let not_yours = || Failure::client(ErrorCode::NotYourChat, "you do not hold that chat");
    let id = id.ok_or_else(|| Failure::client(ErrorCode::InvalidFrame, "chatId is required"))?;
    let chat = deps.chats.get_chat(id).await?.ok_or_else(not_yours)?;
    if chat.operator.as_ref() != Some(me) {
        return Err(not_yours());
    }
    match chat.state {
        ChatState::Active => Ok(chat),
        ChatState::Ended => Err(Failure::client(ErrorCode::ChatEnded, "the chat has ended")),
        _ => Err(not_yours()),
    }
}

/// A chat this operator may read: one they hold, or one that ended while they held it (a
/// console that was away when the citizen left reads how it ended, a quick exit above all).
async fn readable_chat(deps: &Deps, me: &OperatorId, id: Option<&ChatId>) -> Result<Chat, Failure> {
    match held_chat(deps, me, id).await {
        Err(Failure::Client(e)) if e.code == ErrorCode::ChatEnded => {
            let id =
                id.ok_or_else(|| Failure::client(ErrorCode::InvalidFrame, "chatId is required"))?;
            match deps.chats.get_chat(id).await? {
                Some(chat) if chat.operator.as_ref() == Some(me) => Ok(chat),
                _ => Err(Failure::Client(e)),
            }
        }
        other => other,
    }
}

async fn hello(deps: &Deps, conn: &Connection, me: &OperatorId) -> Result<ServerFrame, Failure> {
    let queue = queue_entries(deps, &deps.config.force).await?;
    let chats = deps.queue.chats_held_by(me).await?;
    Ok(ServerFrame::OperatorReady {
        operator_id: me.clone(),
        queue,
        chats: chats.iter().map(ChatSummary::from).collect(),
        presence: conn.presence,
        supervisor: conn.supervisor,
    })
}

/// Passes a transient frame (typing, seen) to the citizen of a chat this operator holds.
async fn tell_citizen(deps: &Deps, chat: &Chat, frame: ServerFrame) -> Result<(), Failure> {
    if let Some(socket) = &chat.citizen_connection {
        let _ = deps
            .post(bluelamp::delivery::Api::Public, socket, &frame)
            .await;
    }
    Ok(())
}

/// Available or away, on every socket of this operator; waiting citizens hear the new count.
async fn set_presence(
    deps: &Deps,
    me: &OperatorId,
    presence: Presence,
) -> Result<ServerFrame, Failure> {
    for socket in deps.connections.operator_connections(Some(me)).await? {
        deps.connections.set_presence(&socket.id, presence).await?;
    }
    tracing::info!(operator_id = %me, ?presence, "presence set");
    announce_queue(deps, &deps.config.force).await?;
    Ok(ServerFrame::PresenceSet { presence })
}

/// The supervisor view: the queue, who is on, how many chats each holds, the ratings.
async fn stats(ports: &MessageDeps, conn: &Connection) -> Result<ServerFrame, Failure> {
    let deps = &ports.chat;
    if !conn.supervisor {
        return Err(Failure::client(
            ErrorCode::Forbidden,
            "the room's figures are for supervisors",
        ));
    }
    let force = &deps.config.force;
    let waiting = deps.queue.waiting_chats(force, 200).await?;
    let now = now_ms();
    let longest_wait_seconds = waiting
        .iter()
        .filter_map(|c| c.queue.map(|q| q.since_ms))
        .min()
        .map(|since| u64::try_from((now - since).max(0) / 1000).unwrap_or(0))
        .unwrap_or(0);
    let sockets = deps.connections.operator_connections(None).await?;
    let room = bluelamp::chat::Availability::of(&sockets, deps.config.staffed_at(now));
    let mut operators: Vec<&OperatorId> = sockets
        .iter()
        .filter_map(|c| match &c.role {
            bluelamp::domain::Role::Operator { operator_id } => Some(operator_id),
            bluelamp::domain::Role::Citizen => None,
        })
        .collect();
    operators.sort();
    operators.dedup();
    let mut chats_per_operator = Vec::with_capacity(operators.len());
    for operator in operators {
        let held = deps.queue.chats_held_by(operator).await?;
        chats_per_operator.push(bluelamp::protocol::OperatorLoad {
            operator_id: operator.clone(),
            chats: held.iter().filter(|c| c.state == ChatState::Active).count(),
        });
    }
    let feedback = ports.feedback.feedback_counts(force).await?;
    Ok(ServerFrame::Stats(Box::new(
        bluelamp::protocol::RoomStats {
            waiting: waiting.len(),
            longest_wait_seconds,
            operators_online: room.operators_online,
            operators_available: room.operators_available,
            chats_per_operator,
            feedback,
        },
    )))
}

async fn claim(deps: &Deps, me: &OperatorId, id: &ChatId) -> Result<ServerFrame, Failure> {
    let not_waiting = || Failure::client(ErrorCode::NotWaiting, "that chat is not waiting");
    let chat = deps.chats.get_chat(id).await?.ok_or_else(not_waiting)?;
    if chat.force != deps.config.force {
        return Err(not_waiting());
    }
    // The conditional write decides: of many operators claiming at once, one wins; the
    // `operator_joined` event is stored with the claim. A loser is told who won (or that
    // nobody holds it, if it ended meanwhile).
    let applied = match apply_move(deps, &chat, |c| c.claim(me).map(Some)).await {
        Err(MoveError::Refused { chat, .. }) if chat.state == ChatState::Active => {
            return Err(already_claimed(chat.operator.clone()))
        }
        other => other?,
    };
    let Applied {
        chat,
        moved: true,
        event: Some(joined),
    } = applied
    else {
        return Err(not_waiting());
    };
    tracing::info!(chat_id = %id, operator_id = %me, "chat claimed");
    announce_queue(deps, &chat.force).await?;
    let transcript = deps.chats.messages_after(id, 0, CLAIM_PAGE).await?;
    let full_page = transcript.len() == CLAIM_PAGE;
    let (transcript, cut) = fit_transcript(
        &transcript,
        Side::Operator,
        &LanguageCode::english(),
        TRANSCRIPT_BUDGET_BYTES,
    );
    let mut summary = ChatSummary::from(&chat);
    summary.last_seq = joined.seq;
    Ok(ServerFrame::Claimed {
        chat: summary,
        transcript,
        more: cut || full_page,
    })
}

/// The operator corrects the chat's language: fixed from now on, whatever detection says.
/// Both sides get a `language_changed` event when it changed.
async fn set_language(
    deps: &Deps,
    me: &OperatorId,
    id: &ChatId,
    language: &LanguageCode,
) -> Result<ServerFrame, Failure> {
    let chat = held_chat(deps, me, Some(id)).await?;
    let chat = apply_move(deps, &chat, |c| {
        c.operator_sets_language(me, language).map(Some)
    })
    .await?
    .chat;
    tracing::info!(chat_id = %id, operator_id = %me, language = %chat.language, "chat language set");
    Ok(ServerFrame::LanguageSet {
        chat_id: id.clone(),
        language: chat.language,
    })
}

/// Messages shown to an operator who claims a chat (then cut to fit a frame).
const CLAIM_PAGE: usize = 200;

fn already_claimed(holder: Option<OperatorId>) -> Failure {
    let mut e = bluelamp::protocol::ClientError::new(
        ErrorCode::AlreadyClaimed,
        "another operator has taken that chat",
    );
    e.operator_id = holder;
    Failure::Client(e)
}

async fn hand_back(deps: &Deps, me: &OperatorId, id: &ChatId) -> Result<ServerFrame, Failure> {
    let chat = held_chat(deps, me, Some(id)).await?;
    let chat = apply_move(deps, &chat, |c| c.hand_back(me).map(Some))
        .await?
        .chat;
    tracing::info!(chat_id = %id, operator_id = %me, "chat handed back");
    announce_queue(deps, &chat.force).await?;
    Ok(ServerFrame::HandedBack {
        chat_id: id.clone(),
    })
}

async fn end(deps: &Deps, me: &OperatorId, id: &ChatId) -> Result<ServerFrame, Failure> {
    let chat = held_chat(deps, me, Some(id)).await?;
    let reason = EndReason::OperatorEnded;
    end_chat(deps, &chat, &Actor::Operator(me.clone()), reason).await?;
    tracing::info!(chat_id = %id, operator_id = %me, "chat ended by operator");
    Ok(ServerFrame::ChatEnded {
        chat_id: id.clone(),
        reason,
    })
}
