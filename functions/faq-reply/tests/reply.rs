//! The FAQ bot's stream consumer: answers, emergencies, handoffs, idempotency.

use bluelamp::chat::Deps;
use bluelamp::config::ChatConfig;
use bluelamp::delivery::RecordingDelivery;
use bluelamp::domain::*;
use bluelamp::faq::{FaqBot, UnansweredLog};
use bluelamp::store::{ChatStore, MemoryStore, OperatorQueue};
use bluelamp::translation::OfflineTranslator;
use faq_reply::{handle, FaqDeps};
use std::sync::{Arc, OnceLock};

fn bot() -> Arc<FaqBot> {
    static BOT: OnceLock<Arc<FaqBot>> = OnceLock::new();
    BOT.get_or_init(|| Arc::new(FaqBot::with_default_kb().expect("the default KB loads")))
        .clone()
}

struct World {
    deps: FaqDeps,
    store: Arc<MemoryStore>,
}

fn world() -> World {
    let store = Arc::new(MemoryStore::new());
    let chat = Deps::over(
        store.clone(),
        Arc::new(RecordingDelivery::new()),
        ChatConfig::default(),
        bluelamp::metrics::Metrics::discard(),
    );
    World {
        deps: FaqDeps {
            chat,
            ledger: store.clone(),
            slots: store.clone(),
            unanswered: store.clone(),
            bot: bot(),
            translator: Arc::new(OfflineTranslator::new()),
        },
        store,
    }
}

async fn chat_in(w: &World, id: &str, state: ChatState, language: &str) -> Chat {
    let chat = Chat::for_test(id)
        .state(state)
        .language_state(bluelamp::translation::ChatLanguage::chosen_by_citizen(
            &LanguageCode::parse(language).unwrap(),
        ))
        .build();
    w.store.create_chat(&chat).await.unwrap();
    chat
}

/// Stores a citizen message and feeds its stream record to the bot; returns the messages
/// stored after it.
async fn say(w: &World, chat: &ChatId, text: &str) -> Vec<ChatMessage> {
    let current = w.store.get_chat(chat).await.unwrap().unwrap();
    let msg = NewMessage::text(
        Sender::Citizen,
        &MessageText::parse(text).unwrap(),
        &current.language,
        None,
        now_ms(),
    );
    let stored = w.store.append_message(&current, msg).await.unwrap().message;
    let event = bluelamp::stream::event_for(&stored, 2_000_000_000, "1".into()).unwrap();
    let resp = handle(&w.deps, event).await;
    assert!(resp.batch_item_failures.is_empty());
    w.store.messages_after(chat, stored.seq, 100).await.unwrap()
}

fn bot_texts(after: &[ChatMessage]) -> Vec<(String, BotReply)> {
    after
        .iter()
        .filter_map(|m| match (&m.sender, &m.body) {
            (Sender::Bot, MessageBody::Text { text, bot, .. }) => {
                Some((text.clone(), bot.clone().unwrap_or_default()))
            }
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_common_question_gets_a_signpost_from_the_bot() {
    let w = world();
    let chat = chat_in(&w, "c1", ChatState::Bot, "en").await;
    let after = say(&w, &chat.id, "how do i report a crime online?").await;
    let replies = bot_texts(&after);
    assert_eq!(replies.len(), 1);
    let (text, reply) = &replies[0];
    assert!(
        text.contains("/report") || reply.links.iter().any(|l| l.contains("/report")),
        "{text} {reply:?}"
    );
    assert!(!reply.emergency);
    assert_eq!(
        w.store.get_chat(&chat.id).await.unwrap().unwrap().state,
        ChatState::Bot
    );
}

#[tokio::test]
async fn a_record_seen_twice_is_answered_once() {
    let w = world();
    let chat = chat_in(&w, "c1", ChatState::Bot, "en").await;
    let first = say(&w, &chat.id, "how do i report a crime online?").await;
    assert_eq!(bot_texts(&first).len(), 1);
    let msg = w
        .store
        .messages_after(&chat.id, 0, 1)
        .await
        .unwrap()
        .remove(0);
    let event = bluelamp::stream::event_for(&msg, 2_000_000_000, "1".into()).unwrap();
    handle(&w.deps, event).await;
    let all = w.store.messages_after(&chat.id, 0, 100).await.unwrap();
    assert_eq!(bot_texts(&all).len(), 1);
}

#[tokio::test]
async fn an_emergency_in_polish_gets_the_999_advice_in_polish_and_jumps_the_queue() {
    let w = world();
    let earlier = chat_in(&w, "early", ChatState::Bot, "en").await;
    bluelamp::chat::enter_queue(&w.deps.chat, &earlier, &Actor::Citizen)
        .await
        .unwrap();
    let chat = chat_in(&w, "c1", ChatState::Bot, "pl").await;
    let after = say(
        &w,
        &chat.id,
        "Ktoś włamuje się teraz do mojego domu, pomocy!",
    )
    .await;
    let replies = bot_texts(&after);
    assert_eq!(replies.len(), 1, "{after:?}");
    let (text, reply) = &replies[0];
    assert!(reply.emergency);
    assert!(text.contains("999"));
    assert!(text.contains("55"), "silent 999 is explained");
    let stored = w.store.get_chat(&chat.id).await.unwrap().unwrap();
    assert_eq!(stored.priority, Priority::Emergency);
    assert_eq!(stored.state, ChatState::Waiting);
    assert!(stored.emergency_reason.is_some());
    let queue = w.store.waiting_chats(&stored.force, 10).await.unwrap();
    assert_eq!(queue[0].id, chat.id, "the emergency is first");
    assert_eq!(queue[1].id, earlier.id);
    // Written in Polish: stored as Polish, so nothing translates it again.
    assert_eq!(bot_languages(&after), ["pl"]);
}

fn bot_languages(after: &[ChatMessage]) -> Vec<String> {
    after
        .iter()
        .filter_map(|m| match (&m.sender, &m.body) {
            (Sender::Bot, MessageBody::Text { language, .. }) => Some(language.as_str().to_owned()),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn in_a_language_without_written_advice_the_999_advice_is_english_for_the_translator() {
    let w = world();
    // Tigrinya: no advice is written in it; the citizen's words reach the bot in English.
    let chat = chat_in(&w, "c1", ChatState::Bot, "ti").await;
    let after = say(
        &w,
        &chat.id,
        "Someone is breaking into my house right now, help!",
    )
    .await;
    let replies = bot_texts(&after);
    assert_eq!(replies.len(), 1, "{after:?}");
    assert!(replies[0].1.emergency);
    assert!(replies[0]
        .0
        .starts_with("If you or someone else is in danger right now, call 999."));
    // Stored as the English it is, so the translate function gives it to the citizen in
    // Tigrinya (and not as "Tigrinya" that nobody translates).
    assert_eq!(bot_languages(&after), ["en"]);
}

#[tokio::test]
async fn a_past_burglary_is_not_an_emergency() {
    let w = world();
    let chat = chat_in(&w, "c1", ChatState::Bot, "en").await;
    let after = say(
        &w,
        &chat.id,
        "my house was burgled last month, how do I get a crime reference?",
    )
    .await;
    let replies = bot_texts(&after);
    assert!(replies.iter().all(|(_, r)| !r.emergency));
    let stored = w.store.get_chat(&chat.id).await.unwrap().unwrap();
    assert_eq!(stored.priority, Priority::Normal);
    assert_eq!(stored.state, ChatState::Bot);
}

#[tokio::test]
async fn asking_for_a_person_puts_the_chat_in_the_queue() {
    let w = world();
    let chat = chat_in(&w, "c1", ChatState::Bot, "en").await;
    let after = say(&w, &chat.id, "can I talk to a real person please").await;
    assert_eq!(bot_texts(&after).len(), 1);
    let stored = w.store.get_chat(&chat.id).await.unwrap().unwrap();
    assert_eq!(stored.state, ChatState::Waiting);
    assert_eq!(stored.priority, Priority::Normal);
}

#[tokio::test]
async fn an_unclear_question_offers_choices_and_an_operator_and_is_recorded_without_personal_data()
{
    let w = world();
    let chat = chat_in(&w, "c1", ChatState::Bot, "en").await;
    let after = say(
        &w,
        &chat.id,
        "my name is Jane Smith, what about the thing with the quantum llama at 14 Elm Road",
    )
    .await;
    let replies = bot_texts(&after);
    assert_eq!(replies.len(), 1);
    assert!(replies[0].1.offer_operator);
    assert!(!replies[0].1.suggestions.is_empty());
    let recorded = w
        .store
        .recent(&ForceId::parse("demo").unwrap(), 10)
        .await
        .unwrap();
    assert_eq!(recorded.len(), 1);
    let kept = recorded[0].keywords.join(" ");
    for personal in ["jane", "smith", "14", "elm"] {
        assert!(!kept.to_lowercase().contains(personal), "{kept}");
    }
}

#[tokio::test]
async fn once_an_operator_holds_the_chat_the_bot_keeps_quiet_unless_it_is_an_emergency() {
    let w = world();
    let chat = chat_in(&w, "c1", ChatState::Active, "en").await;
    let after = say(&w, &chat.id, "how do i report a crime online?").await;
    assert!(bot_texts(&after).is_empty());
    let after = say(
        &w,
        &chat.id,
        "he has come back and he has a knife, he is at the door now",
    )
    .await;
    let replies = bot_texts(&after);
    assert_eq!(replies.len(), 1);
    assert!(replies[0].1.emergency);
    let stored = w.store.get_chat(&chat.id).await.unwrap().unwrap();
    assert_eq!(stored.priority, Priority::Emergency);
    assert_eq!(stored.state, ChatState::Active, "still with its operator");
}
