//! What a citizen can do: start or resume a chat, send, ask for a person, read back, leave.

use crate::{Failure, MessageDeps};
use bluelamp::chat::{
    apply_move, availability, end_chat, enter_queue, fit_transcript, Deps, ResumeToken,
    TRANSCRIPT_BUDGET_BYTES,
};
use bluelamp::domain::{
    now_ms, Actor, Chat, ChatId, ChatState, ClientMessageId, Connection, EndReason, LanguageCode,
    MessageText, NewMessage, Opening, Sender, Side, TransitionError,
};
use bluelamp::protocol::{ClientFrame, ErrorCode, ServerFrame};
use bluelamp::translation::{ChatLanguage, ChatLanguagePolicy};

/// Messages returned in one `history` or `resumed` frame at most (then cut to fit 32 KB).
const PAGE: usize = 100;

/// Pages of events hidden from the reader that `history` reads past before it gives up.
const HIDDEN_PAGES_SKIPPED: usize = 10;

pub(crate) async fn dispatch(
    ports: &MessageDeps,
    conn: &Connection,
    frame: ClientFrame,
) -> Result<Option<ServerFrame>, Failure> {
    let deps = &ports.chat;
    match frame {
        ClientFrame::Start {
            language,
            language_chosen,
        } => start(deps, conn, language, language_chosen).await.map(Some),
        ClientFrame::Resume {
            resume_token,
            after_seq,
        } => resume(deps, conn, &resume_token, after_seq).await.map(Some),
        ClientFrame::Send {
            chat_id,
            client_message_id,
            text,
        } => send(deps, conn, chat_id, client_message_id, text)
            .await
            .map(Some),
        ClientFrame::RequestOperator {} => request_operator(deps, conn).await.map(|_| None),
        ClientFrame::Leave { quick } => leave(deps, conn, quick).await.map(Some),
        ClientFrame::History { chat_id, after_seq } => {
            let chat = own_chat(deps, conn, chat_id.as_ref()).await?;
            history(deps, &chat, Side::Citizen, &chat.language, after_seq)
                .await
                .map(Some)
        }
        ClientFrame::Typing { chat_id, typing } => {
            let chat = own_chat(deps, conn, chat_id.as_ref()).await?;
            tell_operator(
                deps,
                &chat,
                ServerFrame::Typing {
                    chat_id: chat.id.clone(),
                    from: Side::Citizen,
                    typing,
                },
            )
            .await
        }
        ClientFrame::Seen { chat_id, seq } => {
            let chat = own_chat(deps, conn, chat_id.as_ref()).await?;
            tell_operator(
                deps,
                &chat,
                ServerFrame::Seen {
                    chat_id: chat.id.clone(),
                    from: Side::Citizen,
                    seq: seq.min(chat.last_seq),
                },
            )
            .await
        }
        ClientFrame::Feedback { rating } => feedback(ports, conn, rating).await.map(Some),
        ClientFrame::Ping {} => Ok(Some(ServerFrame::Pong {})),
        // Operator actions are refused before dispatch.
        _ => Err(Failure::client(
            ErrorCode::Forbidden,
            "that action is for operators",
        )),
    }
}

/// The citizen's own chat. A chat id in the frame must be theirs: naming another chat gets
/// the same answer as naming one that does not exist.
async fn own_chat(deps: &Deps, conn: &Connection, named: Option<&ChatId>) -> Result<Chat, Failure> {
    let Some(mine) = &conn.chat else {
        return Err(Failure::client(ErrorCode::NoChat, "start a chat first"));
    };
    if named.is_some_and(|n| n != mine) {
        return Err(Failure::client(
            ErrorCode::NotYourChat,
            "that is not your chat",
        ));
    }
    let chat = deps
        .chats
        .get_chat(mine)
        .await?
        .ok_or_else(|| Failure::client(ErrorCode::NoChat, "there is no such chat"))?;
    // A chat that went on from another socket (resumed elsewhere) is no longer this one's.
    if chat.state != ChatState::Ended && chat.citizen_connection.as_ref() != Some(&conn.id) {
        return Err(Failure::client(
            ErrorCode::NotYourChat,
            "the chat continued on another connection",
        ));
    }
    Ok(chat)
}

/// Passes a transient frame (typing, seen) to the operator holding the chat, on each of
/// their sockets; nothing is stored, and nobody is told while no operator holds the chat.
async fn tell_operator(
    deps: &Deps,
    chat: &Chat,
    frame: ServerFrame,
) -> Result<Option<ServerFrame>, Failure> {
    if let (ChatState::Active, Some(operator)) = (chat.state, &chat.operator) {
        for socket in deps
            .connections
            .operator_connections(Some(operator))
            .await?
        {
            let _ = deps
                .post(bluelamp::delivery::Api::Operator, &socket.id, &frame)
                .await;
        }
    }
    Ok(None)
}

/// "Did this help?": counted once per ended chat, without anything else about it.
async fn feedback(
    ports: &MessageDeps,
    conn: &Connection,
    rating: bluelamp::domain::Rating,
) -> Result<ServerFrame, Failure> {
    use bluelamp::store::FeedbackOutcome;
    let chat = own_chat(&ports.chat, conn, None).await?;
    match ports
        .feedback
        .record_feedback(&chat.id, &chat.force, rating)
        .await?
    {
        FeedbackOutcome::Counted | FeedbackOutcome::AlreadyRated => {
            Ok(ServerFrame::FeedbackReceived { chat_id: chat.id })
        }
        FeedbackOutcome::NotEnded => Err(Failure::client(
            ErrorCode::Forbidden,
            "feedback is asked for once the chat has ended",
        )),
    }
}

/// Whether a chat exists and has not ended.
async fn live_chat(deps: &Deps, id: &ChatId) -> Result<bool, Failure> {
    Ok(deps
        .chats
        .get_chat(id)
        .await?
        .is_some_and(|c| c.state != ChatState::Ended))
}

async fn start(
    deps: &Deps,
    conn: &Connection,
    language: Option<LanguageCode>,
    language_chosen: bool,
) -> Result<ServerFrame, Failure> {
    // A socket whose chat has ended may start a new one; a live chat is not abandoned.
    if let Some(current) = &conn.chat {
        if live_chat(deps, current).await? {
            return Err(Failure::client(
                ErrorCode::ChatAlreadyStarted,
                "this connection already has a chat",
            ));
        }
    }
    let now = now_ms();
    let id = ChatId::new_random();
    let token = ResumeToken::issue(id.clone());
    // The browser's language is a guess that the first messages confirm or replace; the
    // citizen's own pick is kept. A language the table lacks starts as English.
    let asked = language.unwrap_or_else(LanguageCode::english);
    let language_state = if language_chosen {
        ChatLanguage::chosen_by_citizen(&asked)
    } else {
        ChatLanguage::from_browser(&asked)
    };
    let chat = Chat::open(Opening {
        id: id.clone(),
        force: deps.config.force.clone(),
        citizen_connection: conn.id.clone(),
        language: language_state,
        resume_hash: token.hash(),
        now_ms: now,
        retention_days: deps.config.chat_retention_days,
    });
    deps.chats.create_chat(&chat).await?;
    deps.connections.set_connection_chat(&conn.id, &id).await?;
    tracing::info!(chat_id = %id, connection_id = %conn.id, "chat started");
    let now_available = availability(deps).await?;
    Ok(ServerFrame::ChatStarted {
        chat_id: id,
        resume_token: token.reveal(),
        state: chat.state,
        language: chat.language,
        operators_available: now_available.operators_available,
        staffed: now_available.staffed,
    })
}

async fn resume(
    deps: &Deps,
    conn: &Connection,
    token: &str,
    after_seq: u64,
) -> Result<ServerFrame, Failure> {
    let invalid = || {
        Failure::client(
            ErrorCode::InvalidResumeToken,
            "the resume token is not valid",
        )
    };
    let token = ResumeToken::parse(token).map_err(|_| invalid())?;
    if let Some(current) = conn.chat.as_ref().filter(|c| *c != &token.chat_id) {
        if live_chat(deps, current).await? {
            return Err(Failure::client(
                ErrorCode::ChatAlreadyStarted,
                "this connection already has another chat",
            ));
        }
    }
    let chat = deps
        .chats
        .get_chat(&token.chat_id)
        .await?
        .filter(|c| token.matches(&c.resume_hash))
        .ok_or_else(invalid)?;
    // An ended chat is refused by the move itself (`chat_ended`).
    let chat = apply_move(deps, &chat, |c| c.citizen_returned(&conn.id).map(Some))
        .await?
        .chat;
    deps.connections
        .set_connection_chat(&conn.id, &chat.id)
        .await?;
    let missed = deps.chats.messages_after(&chat.id, after_seq, PAGE).await?;
    let full_page = missed.len() == PAGE;
    let (missed, cut) = fit_transcript(
        &missed,
        Side::Citizen,
        &chat.language,
        TRANSCRIPT_BUDGET_BYTES,
    );
    tracing::info!(chat_id = %chat.id, connection_id = %conn.id, "chat resumed");
    Ok(ServerFrame::Resumed {
        chat_id: chat.id,
        state: chat.state,
        language: chat.language,
        missed,
        more: cut || full_page,
    })
}

async fn send(
    deps: &Deps,
    conn: &Connection,
    chat_id: Option<ChatId>,
    client_message_id: ClientMessageId,
    text: MessageText,
) -> Result<ServerFrame, Failure> {
    let mut chat = own_chat(deps, conn, chat_id.as_ref()).await?;
    // While the language is not settled, each message is evidence: the message is stored in
    // the language the chat has after looking at it.
    let policy = ChatLanguagePolicy::default();
    let observed = chat.observe_language(&policy, text.as_str());
    if observed.is_some() {
        let decide = |c: &Chat| Ok(c.observe_language(&policy, text.as_str()).map(|o| o.change));
        chat = apply_move(deps, &chat, decide).await?.chat;
    }
    let msg = NewMessage::text(
        Sender::Citizen,
        &text,
        &chat.language,
        Some(client_message_id.clone()),
        now_ms(),
    );
    let appended = deps.chats.append_message(&chat, msg).await?;
    crate::count_stored(deps, &appended);
    // The operator is told, after the message that decided it.
    let event = observed.and_then(|o| o.after_message);
    if let (Some(event), false) = (event, appended.duplicate) {
        tracing::info!(chat_id = %chat.id, language = %chat.language, "chat language decision");
        deps.chats
            .append_message(&chat, NewMessage::event(event, now_ms()))
            .await?;
    }
    Ok(ServerFrame::Ack {
        chat_id: chat.id,
        client_message_id,
        seq: appended.message.seq,
        duplicate: appended.duplicate,
    })
}

/// Puts the chat in the operator queue; the citizen's `queued` frame comes with the
/// announcement.
pub async fn request_operator(deps: &Deps, conn: &Connection) -> Result<(), Failure> {
    let chat = own_chat(deps, conn, None).await?;
    Ok(enter_queue(deps, &chat, &Actor::Citizen).await?)
}

async fn leave(deps: &Deps, conn: &Connection, quick: bool) -> Result<ServerFrame, Failure> {
    let chat = own_chat(deps, conn, None).await?;
    let reason = if quick {
        EndReason::QuickExit
    } else {
        EndReason::CitizenLeft
    };
    end_chat(deps, &chat, &Actor::Citizen, reason).await?;
    Ok(ServerFrame::ChatEnded {
        chat_id: chat.id,
        reason,
    })
}

/// A page of a chat's transcript as a reader on `side`, in `reader`'s language, sees it.
pub async fn history(
    deps: &Deps,
    chat: &Chat,
    side: Side,
    reader: &LanguageCode,
    after_seq: u64,
) -> Result<ServerFrame, Failure> {
    // A page can hold only events this side does not see; read on (a few pages at most)
    // rather than answer an empty page that says there is more from the same place.
    let mut after = after_seq;
    for _ in 0..HIDDEN_PAGES_SKIPPED {
        let page = deps.chats.messages_after(&chat.id, after, PAGE).await?;
        let full_page = page.len() == PAGE;
        let (messages, cut) = fit_transcript(&page, side, reader, TRANSCRIPT_BUDGET_BYTES);
        match page.last() {
            Some(last) if messages.is_empty() && full_page => after = last.seq,
            _ => {
                return Ok(ServerFrame::History {
                    chat_id: chat.id.clone(),
                    messages,
                    more: cut || full_page,
                })
            }
        }
    }
    Ok(ServerFrame::History {
        chat_id: chat.id.clone(),
        messages: Vec::new(),
        more: false,
    })
}

pub fn transition(e: TransitionError) -> Failure {
    let code = match e {
        TransitionError::Ended => ErrorCode::ChatEnded,
        TransitionError::NotWaiting => ErrorCode::NotWaiting,
        TransitionError::NotYourChat => ErrorCode::NotYourChat,
        TransitionError::NotAllowed { .. } => ErrorCode::Forbidden,
        TransitionError::UnsupportedLanguage(_) => ErrorCode::UnsupportedLanguage,
    };
    Failure::client(code, &e.to_string())
}
