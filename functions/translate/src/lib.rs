//! The `translate` function: for each new message in the chats table's stream, give each
//! recipient side the words in its language (the citizen reads the chat's language, the
//! operator English), store the translation on the message, and deliver it, once, in order.
//! A scheduled invocation retries the translations that failed ([`retry_pending`]).

/// The AWS actions of the adapters this function uses (each declared beside its code): the
/// template test holds its role to exactly these and what Lambda itself needs (logs, the data
/// key, a stream mapping's reads and queue). A new part used here is listed here.
pub const AWS_ACTIONS: &[&[&str]] = &[
    bluelamp::store::aws_actions::CHAT_READ,
    bluelamp::store::aws_actions::CHAT_UPDATE,
    bluelamp::store::aws_actions::TRANSLATION_RETRY,
    bluelamp::store::aws_actions::QUEUE,
    bluelamp::store::aws_actions::OPERATORS_ONLINE,
    bluelamp::store::aws_actions::GONE_CONNECTION,
    bluelamp::store::aws_actions::TRANSLATION_CACHE,
    bluelamp::delivery::AWS_ACTIONS,
    bluelamp::translation::AMAZON_AWS_ACTIONS,
    bluelamp::translation::GOOGLE_KEY_AWS_ACTIONS,
];

pub mod widget_files;

use std::time::Duration;

use aws_lambda_events::dynamodb::Event;
use aws_lambda_events::streams::DynamoDbEventResponse;
use bluelamp::chat::Deps;
use bluelamp::delivery::{Api, DeliveryError, Posted};
use bluelamp::domain::{
    now_ms, Chat, ChatEvent, ChatMessage, ChatState, ConnectionId, LanguageCode, MessageBody,
    MessageTranslation, Sender, Side,
};
use bluelamp::protocol::{MessageView, ServerFrame};
use bluelamp::store::{DeliveryLedger, StoreError, TranslationSlots};
use bluelamp::stream::{count_failed_records, for_each_new_message};
use bluelamp::translation::{Provider, TranslateError, Translator, Translators};
use std::sync::Arc;

/// What the translate function depends on: the chat core, the delivery ledger (a record
/// seen twice is delivered once), the translations stored on messages, and the translators
/// (only this function has them, so the others start lean).
#[derive(Clone)]
pub struct TranslateDeps {
    pub chat: Deps,
    pub ledger: Arc<dyn DeliveryLedger>,
    pub slots: Arc<dyn TranslationSlots>,
    pub translators: Translators,
}

#[derive(Debug, thiserror::Error)]
pub enum DeliverError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Delivery(#[from] DeliveryError),
}

/// How long a failed translation is retried in the background before it is left as
/// "translation unavailable" for good (the original stays in the transcript either way).
pub const RETRY_FOR: Duration = Duration::from_secs(24 * 3600);

/// How many messages one scheduled retry looks at.
pub const RETRY_BATCH: usize = 100;

/// How far back (in messages) a change of the chat's language re-reads the citizen's words.
pub const REREAD_WINDOW: usize = 50;

/// One batch of the stream: partial batch failures, stopping at the first failure so that the
/// order within a chat holds.
pub async fn handle(deps: &TranslateDeps, event: Event) -> DynamoDbEventResponse {
    let response = for_each_new_message(event, |m, claim| async move {
        deliver_record(deps, m, &claim).await
    })
    .await;
    count_failed_records(&deps.chat, &response);
    response
}

/// What the Lambda receives: a batch of the stream, or the schedule's tick (EventBridge).
#[derive(Debug)]
pub enum Invocation {
    Stream(Event),
    RetryPending,
}

impl Invocation {
    /// Tells the two apart by shape: a stream batch has `Records`; anything from the schedule
    /// (`"source": "aws.events"`) is the tick.
    pub fn parse(payload: serde_json::Value) -> Result<Self, serde_json::Error> {
        if payload.get("Records").is_some() {
            return serde_json::from_value(payload).map(Invocation::Stream);
        }
        if payload.get("source").and_then(|s| s.as_str()) == Some("aws.events") {
            return Ok(Invocation::RetryPending);
        }
        // Neither: report it as a malformed stream event.
        serde_json::from_value(payload).map(Invocation::Stream)
    }
}

/// Runs one invocation and gives the answer Lambda expects for it.
pub async fn invoke(deps: &TranslateDeps, invocation: Invocation) -> serde_json::Value {
    match invocation {
        Invocation::Stream(event) => {
            serde_json::to_value(handle(deps, event).await).unwrap_or_default()
        }
        Invocation::RetryPending => {
            // The queue's gauges, every minute (the wait alarm's data), whatever the retry does.
            if let Err(e) = bluelamp::chat::emit_queue_metrics(&deps.chat).await {
                tracing::error!(error = ?e, "could not read the queue for its metrics");
            }
            retry_invocation(deps).await
        }
    }
}

async fn retry_invocation(deps: &TranslateDeps) -> serde_json::Value {
    match retry_pending(deps, RETRY_BATCH).await {
        Ok(report) => serde_json::to_value(report).unwrap_or_default(),
        Err(e) => {
            tracing::error!(error = ?e, "could not list the translations to retry");
            serde_json::json!({ "error": "store unavailable" })
        }
    }
}

/// Translates one stored message for every side that should see it, then delivers it, as a
/// record of its own (a record that delivered it before keeps it from going twice).
pub async fn deliver_message(
    deps: &TranslateDeps,
    message: ChatMessage,
) -> Result<(), DeliverError> {
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let claim = format!("direct-{}-{n}", std::process::id());
    deliver_record(deps, message, &claim).await
}

/// [`deliver_message`] for one stream record, which claims each delivery by its sequence
/// number (`claim`): retried, the same record finishes a delivery it claimed and never
/// confirmed, and no record repeats one that was confirmed.
pub async fn deliver_record(
    deps: &TranslateDeps,
    message: ChatMessage,
    claim: &str,
) -> Result<(), DeliverError> {
    let Some(chat) = deps.chat.chats.get_chat(&message.chat_id).await? else {
        tracing::warn!(chat_id = %message.chat_id, "message for an unknown chat");
        return Ok(());
    };
    match &message.body {
        MessageBody::Event(ChatEvent::LanguageChanged { from, to, .. }) => {
            reread_earlier(deps, &chat, message.seq, from, to).await?;
        }
        MessageBody::Event(ChatEvent::Queued { .. }) => {
            english_for_the_queue(deps, &chat, message.seq).await?;
        }
        _ => {}
    }
    let message = translate_message(deps, &chat, message).await?;
    for side in message.recipients() {
        deliver_to_side(deps, &chat, &message, *side, claim).await?;
    }
    Ok(())
}

/// The language a side reads: the citizen the chat's, the operator English.
pub fn reader_language(chat: &Chat, side: Side) -> LanguageCode {
    match side {
        Side::Citizen => chat.language.clone(),
        Side::Operator | Side::Bot => LanguageCode::english(),
    }
}

/// The languages a message must be translated into for its recipients (none when every
/// recipient reads the language it was written in).
pub fn target_languages(chat: &Chat, message: &ChatMessage) -> Vec<LanguageCode> {
    let MessageBody::Text { language, .. } = &message.body else {
        return Vec::new();
    };
    let mut out: Vec<LanguageCode> = Vec::new();
    for side in message.recipients() {
        if *side == Side::Operator && chat.state == ChatState::Bot {
            // No operator reads it while the bot has the chat: the bot makes the English of
            // the citizen's words (faq-reply stores it on the message), and what it could not
            // is made when the chat joins the queue (`english_for_the_queue`). One owner, one
            // paid call.
            continue;
        }
        let reader = reader_language(chat, *side);
        if !language.same_language(&reader) && !out.contains(&reader) {
            out.push(reader);
        }
    }
    out
}

/// Fills in the translations the recipients need, storing each on the message item before
/// anything is delivered. A translation already on the item (a record seen before) is reused;
/// one that fails is stored as `Unavailable` for the background retry, and the message goes
/// out in the original, marked. Same language on both sides: no call and no read at all.
async fn translate_message(
    deps: &TranslateDeps,
    chat: &Chat,
    message: ChatMessage,
) -> Result<ChatMessage, StoreError> {
    let targets = target_languages(chat, &message);
    if targets.is_empty() {
        return Ok(message);
    }
    // The stream's image is the message as first stored; what was added since is on the item.
    let mut current = deps
        .chat
        .chats
        .get_message(&message.chat_id, message.seq)
        .await?
        .unwrap_or(message);
    let MessageBody::Text { language, .. } = &current.body else {
        return Ok(current);
    };
    let language = language.clone();
    let translator = deps.translators.for_sender(&current.sender);
    for reader in targets {
        if current.translation(&reader).is_some() {
            tracing::info!(chat_id = %chat.id, seq = current.seq, to = %reader, "translation reused");
            continue;
        }
        let translation = match translate_words(translator, &current, &reader).await {
            Ok(Some(t)) => t,
            // The provider saw one language where we saw two: nothing to store.
            Ok(None) => continue,
            Err(e) => {
                tracing::warn!(
                    chat_id = %chat.id, seq = current.seq, from = %language, to = %reader,
                    retryable = e.is_retryable(), error = %e,
                    "translation unavailable; delivering the original"
                );
                deps.chat
                    .metrics
                    .count(&chat.force, bluelamp::metrics::TRANSLATION_FAILURES, 1);
                MessageTranslation::Unavailable {
                    since_ms: now_ms(),
                    attempts: 1,
                    retry: e.is_retryable(),
                }
            }
        };
        let previous = deps
            .slots
            .set_translation(&chat.id, current.seq, &reader, &translation)
            .await?;
        // A translation that got there first wins over a failure of ours.
        let kept = match previous {
            Some(p) if p.is_translated() && !translation.is_translated() => p,
            _ => translation,
        };
        if let MessageBody::Text { translations, .. } = &mut current.body {
            translations.insert(reader.clone(), kept);
        }
    }
    Ok(current)
}

/// The chat's language was replaced (detection overruled the browser's guess, or the operator
/// corrected it): the citizen's words stored before, under the old language, are re-read in
/// the new one, translated again and delivered as updates (a `message` frame with the same
/// `seq`), all before the change itself is announced. A record seen twice corrects nothing
/// twice, and finishes a re-read that stopped half way.
async fn reread_earlier(
    deps: &TranslateDeps,
    chat: &Chat,
    before: u64,
    from: &LanguageCode,
    to: &LanguageCode,
) -> Result<(), DeliverError> {
    let start = before.saturating_sub(REREAD_WINDOW as u64 + 1);
    let earlier = deps
        .chat
        .chats
        .messages_after(&chat.id, start, REREAD_WINDOW)
        .await?;
    for message in earlier {
        if message.seq >= before || message.sender != Sender::Citizen {
            continue;
        }
        let MessageBody::Text { language, .. } = &message.body else {
            continue;
        };
        let corrected = language == from
            && deps
                .slots
                .correct_language(&chat.id, message.seq, from, to)
                .await?;
        if !corrected && language != to {
            continue;
        }
        let mut relabelled = message.clone();
        if let MessageBody::Text {
            language,
            translations,
            ..
        } = &mut relabelled.body
        {
            if corrected {
                *language = to.clone();
                translations.clear();
            }
        }
        let had = relabelled.clone();
        let translated = translate_message(deps, chat, relabelled).await?;
        if corrected || translated != had {
            tracing::info!(chat_id = %chat.id, seq = message.seq, "re-read in the chat's new language");
            deliver_update(&deps.chat, chat, &translated, None).await;
        }
    }
    Ok(())
}

/// The chat left the bot for the queue: the citizen's words written while the bot had it
/// that still have no English (the bot's translation failed, or the chat left the bot while
/// the bot was reading them) get it now, before an operator claims; an operator who already
/// holds the chat gets the update. Normally the bot stored them all and this costs one read.
async fn english_for_the_queue(
    deps: &TranslateDeps,
    chat: &Chat,
    before: u64,
) -> Result<(), DeliverError> {
    let start = before.saturating_sub(REREAD_WINDOW as u64 + 1);
    let earlier = deps
        .chat
        .chats
        .messages_after(&chat.id, start, REREAD_WINDOW)
        .await?;
    let english = LanguageCode::english();
    for message in earlier {
        let untranslated = message.seq < before
            && message.sender == Sender::Citizen
            && matches!(&message.body, MessageBody::Text { language, .. } if !language.same_language(&english))
            && message.translation(&english).is_none();
        if !untranslated {
            continue;
        }
        let had = message.clone();
        let translated = translate_message(deps, chat, message).await?;
        if translated != had {
            tracing::info!(chat_id = %chat.id, seq = translated.seq, "English made as the chat joined the queue");
            deliver_update(&deps.chat, chat, &translated, Some(&english)).await;
        }
    }
    Ok(())
}

/// A text message's words in `reader`'s language: its text and, for a bot answer that offers
/// choices, its suggestions' topics (through the same translator: cached, for the bot). A topic
/// that cannot be translated leaves them all in English; the text decides success. `None` when
/// the provider found nothing to translate.
async fn translate_words(
    translator: &dyn Translator,
    message: &ChatMessage,
    reader: &LanguageCode,
) -> Result<Option<MessageTranslation>, TranslateError> {
    let MessageBody::Text {
        text,
        language,
        bot,
        ..
    } = &message.body
    else {
        return Ok(None);
    };
    let t = translator.translate(text, language, reader).await?;
    let Some(provider) = t.provider else {
        return Ok(None);
    };
    let mut topics = Vec::new();
    for topic in bot.as_ref().map(|b| b.topics()).unwrap_or_default() {
        match translator.translate(topic, language, reader).await {
            Ok(t) => topics.push(t.text),
            Err(e) => {
                tracing::warn!(
                    chat_id = %message.chat_id, seq = message.seq, to = %reader, error = %e,
                    "a suggestion topic stays in the original"
                );
                topics.clear();
                break;
            }
        }
    }
    Ok(Some(MessageTranslation::Translated {
        text: t.text,
        provider,
        topics,
    }))
}

async fn targets(deps: &Deps, chat: &Chat, side: Side) -> Result<Vec<ConnectionId>, StoreError> {
    Ok(match side {
        Side::Citizen => chat.citizen_connection.iter().cloned().collect(),
        Side::Operator => match &chat.operator {
            Some(op) => deps
                .connections
                .operator_connections(Some(op))
                .await?
                .into_iter()
                .map(|c| c.id)
                .collect(),
            None => Vec::new(),
        },
        // The bot reads the stream itself; nothing is posted to it.
        Side::Bot => Vec::new(),
    })
}

fn api_for(side: Side) -> Api {
    match side {
        Side::Citizen => Api::Public,
        Side::Operator | Side::Bot => Api::Operator,
    }
}

async fn deliver_to_side(
    deps: &TranslateDeps,
    chat: &Chat,
    message: &ChatMessage,
    side: Side,
    claim: &str,
) -> Result<(), DeliverError> {
    let to = targets(&deps.chat, chat, side).await?;
    if to.is_empty() {
        // Nobody there now: the message waits in the transcript (resume, claim, history).
        return Ok(());
    }
    // A record seen twice is delivered once; one retried after it died part way finishes.
    if !deps
        .ledger
        .mark_delivered(&chat.id, message.seq, side, claim)
        .await?
    {
        tracing::info!(chat_id = %chat.id, seq = message.seq, side = side.as_str(), "already delivered");
        return Ok(());
    }
    let reader = reader_language(chat, side);
    let frame = ServerFrame::Message(Box::new(MessageView::for_reader(message, &reader)));
    for conn in &to {
        match deps.chat.post(api_for(side), conn, &frame).await {
            Ok(Posted::Delivered) | Ok(Posted::Gone) => {}
            Err(e) => {
                // Let the retry deliver it: the mark must not say it went.
                deps.ledger
                    .unmark_delivered(&chat.id, message.seq, side)
                    .await?;
                return Err(e.into());
            }
        }
    }
    // Not confirmed, the claim stays with this record: only this record, retried whole after
    // its invocation failed, would post it again. Not worth failing the record over.
    if let Err(e) = deps
        .ledger
        .confirm_delivered(&chat.id, message.seq, side)
        .await
    {
        tracing::warn!(chat_id = %chat.id, seq = message.seq, error = ?e, "could not confirm a delivery");
    }
    tracing::info!(chat_id = %chat.id, seq = message.seq, side = side.as_str(), "delivered");
    Ok(())
}

/// What one background retry did (counts only; logged and returned to the schedule).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RetryReport {
    /// Translations that now exist (each delivered as an update to whoever reads it).
    pub translated: usize,
    /// Translations that failed again (and stay marked, for the next retry).
    pub failed: usize,
    /// Translations no longer retried: too old, or failing in a way that repeats.
    pub given_up: usize,
}

/// Retries the translations marked unavailable (oldest first, at most `limit` messages). Each
/// that succeeds is stored and delivered as an update: a `message` frame with the same `seq`,
/// now with the translation. Run on a schedule (Lambda) or every few seconds (local gateway).
/// A failure on one message is logged and does not stop the others.
pub async fn retry_pending(deps: &TranslateDeps, limit: usize) -> Result<RetryReport, StoreError> {
    let pending = deps.slots.messages_awaiting_translation(limit).await?;
    let mut report = RetryReport::default();
    for message in pending {
        if let Err(e) = retry_message(deps, message, &mut report).await {
            tracing::warn!(error = ?e, "a translation retry failed; it stays pending");
        }
    }
    if report != RetryReport::default() {
        tracing::info!(
            translated = report.translated,
            failed = report.failed,
            given_up = report.given_up,
            "translation retry"
        );
    }
    Ok(report)
}

async fn retry_message(
    deps: &TranslateDeps,
    message: ChatMessage,
    report: &mut RetryReport,
) -> Result<(), DeliverError> {
    let MessageBody::Text {
        text, translations, ..
    } = &message.body
    else {
        return Ok(());
    };
    let due: Vec<(LanguageCode, i64, u32)> = translations
        .iter()
        .filter_map(|(lang, t)| match t {
            MessageTranslation::Unavailable {
                since_ms,
                attempts,
                retry: true,
            } => Some((lang.clone(), *since_ms, *attempts)),
            _ => None,
        })
        .collect();
    let translator = deps.translators.for_sender(&message.sender);
    // The message with the translations this retry made, and the readers to send it to again.
    let mut updated = message.clone();
    let mut update_for: Vec<LanguageCode> = Vec::new();
    for (reader, since_ms, attempts) in due {
        let too_old = now_ms().saturating_sub(since_ms) > RETRY_FOR.as_millis() as i64;
        let outcome = if too_old {
            None
        } else {
            Some(translate_words(translator, &message, &reader).await)
        };
        let translation = match outcome {
            Some(Ok(Some(t))) => t,
            // Nothing to translate after all: the original is the reader's words.
            Some(Ok(None)) => MessageTranslation::Translated {
                text: text.clone(),
                provider: Provider::Offline,
                topics: Vec::new(),
            },
            Some(Err(e)) => {
                tracing::info!(
                    chat_id = %message.chat_id, seq = message.seq, to = %reader,
                    attempts = attempts + 1, error = %e, "translation retry failed"
                );
                MessageTranslation::Unavailable {
                    since_ms,
                    attempts: attempts.saturating_add(1),
                    retry: e.is_retryable(),
                }
            }
            None => MessageTranslation::Unavailable {
                since_ms,
                attempts,
                retry: false,
            },
        };
        let previous = deps
            .slots
            .set_translation(&message.chat_id, message.seq, &reader, &translation)
            .await?;
        match &translation {
            MessageTranslation::Translated { .. } => {
                report.translated += 1;
                // Only the retry that replaced the mark delivers the update (two retries at
                // once deliver it once).
                if previous.is_some_and(|p| !p.is_translated()) {
                    if let MessageBody::Text { translations, .. } = &mut updated.body {
                        translations.insert(reader.clone(), translation);
                    }
                    update_for.push(reader);
                }
            }
            MessageTranslation::Unavailable { retry: true, .. } => report.failed += 1,
            MessageTranslation::Unavailable { retry: false, .. } => {
                tracing::warn!(
                    chat_id = %message.chat_id, seq = message.seq, to = %reader,
                    "translation given up; the original stays"
                );
                report.given_up += 1;
            }
        }
    }
    if update_for.is_empty() {
        return Ok(());
    }
    if let Some(chat) = deps.chat.chats.get_chat(&message.chat_id).await? {
        for reader in &update_for {
            deliver_update(&deps.chat, &chat, &updated, Some(reader)).await;
        }
    }
    Ok(())
}

/// Sends a message again, with the same `seq`, to the sides that should see it (only those
/// that read `reader`, when given), each in its own language. Best effort: whoever misses it
/// sees the message as it now is in the transcript.
async fn deliver_update(
    deps: &Deps,
    chat: &Chat,
    updated: &ChatMessage,
    only: Option<&LanguageCode>,
) {
    for side in updated.recipients() {
        let reader = reader_language(chat, *side);
        if only.is_some_and(|only| *only != reader) {
            continue;
        }
        let frame = ServerFrame::Message(Box::new(MessageView::for_reader(updated, &reader)));
        let to = match targets(deps, chat, *side).await {
            Ok(to) => to,
            Err(e) => {
                tracing::warn!(chat_id = %chat.id, error = ?e, "could not find whom to update");
                continue;
            }
        };
        for conn in to {
            // A failed post is logged by `post`; the message is stored either way.
            let _ = deps.post(api_for(*side), &conn, &frame).await;
        }
        tracing::info!(chat_id = %chat.id, seq = updated.seq, side = side.as_str(), "update delivered");
    }
}
