//! The `faq-reply` function: the chats table's stream consumer that lets the FAQ bot answer a
//! citizen while the chat is still with the bot. Emergency detection runs first on every
//! citizen message, in any state: the 999 advice goes out at once and the chat jumps the queue.

/// The AWS actions of the adapters this function uses (each declared beside its code): the
/// template test holds its role to exactly these and what Lambda itself needs (logs, the data
/// key, a stream mapping's reads and queue). A new part used here is listed here.
pub const AWS_ACTIONS: &[&[&str]] = &[
    bluelamp::store::aws_actions::CHAT_READ,
    bluelamp::store::aws_actions::CHAT_UPDATE,
    bluelamp::store::aws_actions::CHAT_APPEND,
    bluelamp::store::aws_actions::QUEUE,
    bluelamp::store::aws_actions::OPERATORS_ONLINE,
    bluelamp::store::aws_actions::GONE_CONNECTION,
    bluelamp::store::aws_actions::UNANSWERED_RECORD,
    bluelamp::delivery::AWS_ACTIONS,
    bluelamp::translation::AMAZON_AWS_ACTIONS,
];

use aws_lambda_events::dynamodb::Event;
use aws_lambda_events::streams::DynamoDbEventResponse;
use bluelamp::chat::{enter_queue, flag_emergency, Deps, MoveError};
use bluelamp::domain::{
    now_ms, Actor, BotReply, BotSuggestion, Chat, ChatMessage, ChatState, ClientMessageId,
    LanguageCode, MessageBody, MessageTranslation, NewMessage, Sender, Side,
};
use bluelamp::faq::{
    emergency_advice, FaqAnswer, FaqBot, Outcome, Question, UnansweredLog, UnansweredQuestion,
};
use bluelamp::store::{AppendError, DeliveryLedger, StoreError, TranslationSlots};
use bluelamp::stream::{count_failed_records, for_each_new_message};
use bluelamp::translation::Translator;
use std::sync::Arc;

/// What the bot needs: the chat core, the delivery ledger (a record seen twice answers once),
/// the translation slots (it keeps the English it made), the unanswered questions' log, the
/// bot itself (built once: its index is the function's start-up cost), and a translator for
/// citizens who do not write English.
#[derive(Clone)]
pub struct FaqDeps {
    pub chat: Deps,
    pub ledger: Arc<dyn DeliveryLedger>,
    pub slots: Arc<dyn TranslationSlots>,
    pub unanswered: Arc<dyn UnansweredLog>,
    pub bot: Arc<FaqBot>,
    pub translator: Arc<dyn Translator>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReplyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Append(#[from] AppendError),
    #[error(transparent)]
    Move(#[from] MoveError),
}

pub async fn handle(deps: &FaqDeps, event: Event) -> DynamoDbEventResponse {
    let response = for_each_new_message(
        event,
        |m, claim| async move { reply(deps, m, &claim).await },
    )
    .await;
    count_failed_records(&deps.chat, &response);
    response
}

/// Answers one stored message if it is the citizen's words, for one stream record (`claim`:
/// its sequence number). A record seen twice answers once: the bot claims the message first,
/// unmarks it if answering fails, and confirms it once answered, so a retry answers, and a
/// record retried after its invocation died part way finishes (its answer, stored under an
/// id made from the question's `seq`, is stored once).
pub async fn reply(deps: &FaqDeps, message: ChatMessage, claim: &str) -> Result<(), ReplyError> {
    let (Sender::Citizen, MessageBody::Text { .. }) = (&message.sender, &message.body) else {
        return Ok(());
    };
    let Some(chat) = deps.chat.chats.get_chat(&message.chat_id).await? else {
        return Ok(());
    };
    if chat.state == ChatState::Ended {
        return Ok(());
    }
    if !deps
        .ledger
        .mark_delivered(&chat.id, message.seq, Side::Bot, claim)
        .await?
    {
        tracing::info!(chat_id = %chat.id, seq = message.seq, "already answered");
        return Ok(());
    }
    let result = answer(deps, &chat, &message).await;
    if result.is_err() {
        deps.ledger
            .unmark_delivered(&chat.id, message.seq, Side::Bot)
            .await?;
    } else if let Err(e) = deps
        .ledger
        .confirm_delivered(&chat.id, message.seq, Side::Bot)
        .await
    {
        tracing::warn!(chat_id = %chat.id, seq = message.seq, error = ?e, "could not confirm an answer");
    }
    result
}

/// The citizen's words in English: as written, a translation already on the message, or —
/// while the chat is with the bot — one made now and stored on the message (so the operator
/// who later claims the chat reads it without another call). `None` otherwise, or when
/// translation failed: the bot then works on the original, and the emergency check, which
/// reads the citizen's language, still runs.
async fn english_of(deps: &FaqDeps, chat: &Chat, message: &ChatMessage) -> Option<String> {
    let MessageBody::Text {
        text,
        language,
        translations,
        ..
    } = &message.body
    else {
        return None;
    };
    if language.is_english() {
        return Some(text.clone());
    }
    if let Some(MessageTranslation::Translated { text, .. }) =
        translations.get(&LanguageCode::english())
    {
        return Some(text.clone());
    }
    if chat.state != ChatState::Bot {
        // A person holds or awaits the chat: the translate function translates for them.
        return None;
    }
    let english = LanguageCode::english();
    match deps.translator.translate(text, language, &english).await {
        Ok(t) => {
            if let Some(provider) = t.provider {
                let stored = MessageTranslation::Translated {
                    text: t.text.clone(),
                    provider,
                    topics: Vec::new(),
                };
                if let Err(e) = deps
                    .slots
                    .set_translation(&message.chat_id, message.seq, &english, &stored)
                    .await
                {
                    tracing::warn!(chat_id = %message.chat_id, error = %e, "could not keep the bot's translation");
                }
            }
            Some(t.text)
        }
        Err(e) => {
            tracing::warn!(chat_id = %message.chat_id, error = %e, "no English text for the bot");
            None
        }
    }
}

async fn answer(deps: &FaqDeps, chat: &Chat, message: &ChatMessage) -> Result<(), ReplyError> {
    let MessageBody::Text { text, language, .. } = &message.body else {
        return Ok(());
    };
    let english = english_of(deps, chat, message).await;
    let question = match &english {
        Some(e) if language.is_english() => Question::english(e),
        Some(e) => Question::translated(e, text, language.as_str()),
        None => Question::translated(text, text, language.as_str()),
    };
    let answer = deps.bot.answer(&question);
    let emergency = answer.outcome == Outcome::Emergency;
    // Once a person holds or awaits the chat, the bot only speaks up for an emergency.
    if chat.state != ChatState::Bot && !emergency {
        return Ok(());
    }
    if let Some(text) = &answer.answer {
        // The 999 advice is written in the 20 languages already (with English after it for
        // the operator); in any other language, and for topic answers, the text is English
        // and is translated on delivery (a fixed text: cached, once per language).
        let reply_language = if emergency && has_written_advice(&chat.language) {
            chat.language.clone()
        } else {
            LanguageCode::english()
        };
        let mut reply =
            NewMessage::bot(text.clone(), &reply_language, bot_reply(&answer), now_ms());
        // One answer per question, however often the question's record is retried.
        reply.client_message_id = ClientMessageId::parse(format!("answer-{}", message.seq)).ok();
        deps.chat.chats.append_message(chat, reply).await?;
    }
    tracing::info!(
        chat_id = %chat.id,
        seq = message.seq,
        outcome = ?answer.outcome,
        answer_id = answer.answer_id.as_deref().unwrap_or("-"),
        confidence = answer.confidence,
        "bot answered"
    );
    match (&answer.emergency, answer.outcome) {
        (Some(signal), _) => flag_emergency(&deps.chat, chat, signal.reason).await?,
        (None, Outcome::OperatorRequested) => enter_queue(&deps.chat, chat, &Actor::System).await?,
        _ => {}
    }
    record_unanswered(deps, chat, english.as_deref().unwrap_or(text), &answer).await;
    Ok(())
}

/// Whether the 999 advice is written in this language (else the bot gives it in English).
fn has_written_advice(language: &LanguageCode) -> bool {
    emergency_advice(language.as_str()).language == language.primary()
}

fn bot_reply(answer: &FaqAnswer) -> BotReply {
    BotReply {
        answer_id: answer.answer_id.clone(),
        links: answer.links.clone(),
        suggestions: answer
            .suggestions
            .iter()
            .map(|s| BotSuggestion {
                id: s.id.clone(),
                topic: s.topic.clone(),
            })
            .collect(),
        offer_operator: answer.handoff && answer.outcome != Outcome::OperatorRequested,
        emergency: answer.outcome == Outcome::Emergency,
    }
}

/// Keeps what the bot could not answer for the content editors (keywords only). Losing one
/// record is not worth failing the citizen's answer over.
async fn record_unanswered(deps: &FaqDeps, chat: &Chat, english: &str, answer: &FaqAnswer) {
    let Some(record) = UnansweredQuestion::from_answer(
        &deps.bot,
        chat.force.clone(),
        chrono::Utc::now(),
        english,
        answer,
        Some(chat.language.clone()),
    ) else {
        return;
    };
    if let Err(e) = deps.unanswered.record(record).await {
        tracing::warn!(chat_id = %chat.id, error = %e, "could not record an unanswered question");
    }
}
