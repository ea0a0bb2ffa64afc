//! The translate function's translation: each side reads its own language, translations are
//! stored on the message, failures are delivered marked and retried, bot texts are cached.

use bluelamp::chat::Deps;
use bluelamp::config::ChatConfig;
use bluelamp::delivery::RecordingDelivery;
use bluelamp::domain::*;
use bluelamp::protocol::{MessageView, ServerFrame};
use bluelamp::store::{ChatStore, ConnectionStore, MemoryStore, TranslationSlots};
use bluelamp::translation::{
    InMemoryTranslationCache, OfflineFailure, OfflineTranslator, Provider, RoutingTranslator,
    Translators,
};
use std::sync::Arc;
use translate::{deliver_message, retry_pending, Invocation, TranslateDeps};

const CITIZEN: &str = "citizen-conn=";
const OPERATOR: &str = "operator-conn=";

struct World {
    deps: TranslateDeps,
    store: Arc<MemoryStore>,
    deliver: Arc<RecordingDelivery>,
    translator: Arc<OfflineTranslator>,
    chat: Chat,
}

fn code(s: &str) -> LanguageCode {
    LanguageCode::parse(s).unwrap()
}

/// An active chat in `language`, held by alice, both sides connected.
async fn world(language: &str) -> World {
    let store = Arc::new(MemoryStore::new());
    let deliver = Arc::new(RecordingDelivery::new());
    let translator = Arc::new(OfflineTranslator::new());
    let alice = OperatorId::parse("alice").unwrap();
    let chat = Chat::for_test("c1")
        .active("alice")
        .language(language)
        .citizen(CITIZEN)
        .build();
    store.create_chat(&chat).await.unwrap();
    store
        .put_connection(&Connection::opened(
            ConnectionId::parse(OPERATOR).unwrap(),
            Role::Operator { operator_id: alice },
            1,
            2_000_000_000,
        ))
        .await
        .unwrap();
    let translators = Translators::new(
        Arc::new(RoutingTranslator::new(
            translator.clone(),
            translator.clone(),
        )),
        Arc::new(InMemoryTranslationCache::new()),
        1,
    );
    let deps = TranslateDeps {
        ledger: store.clone(),
        slots: store.clone(),
        chat: Deps::over(
            store.clone(),
            deliver.clone(),
            ChatConfig::default(),
            bluelamp::metrics::Metrics::discard(),
        ),
        translators,
    };
    World {
        deps,
        store,
        deliver,
        translator,
        chat,
    }
}

impl World {
    async fn store_text(&self, sender: Sender, text: &str, language: &str) -> ChatMessage {
        let chat = self.store.get_chat(&self.chat.id).await.unwrap().unwrap();
        self.store
            .append_message(
                &chat,
                NewMessage::text(
                    sender,
                    &MessageText::parse(text).unwrap(),
                    &code(language),
                    None,
                    1_000,
                ),
            )
            .await
            .unwrap()
            .message
    }

    fn views_to(&self, conn: &str) -> Vec<MessageView> {
        self.deliver
            .frames_to(&ConnectionId::parse(conn).unwrap())
            .into_iter()
            .filter_map(|f| match f {
                ServerFrame::Message(m) => Some(*m),
                _ => None,
            })
            .collect()
    }
}

fn operator() -> Sender {
    Sender::Operator {
        operator_id: OperatorId::parse("alice").unwrap(),
    }
}

#[tokio::test]
async fn a_polish_citizen_s_words_reach_the_operator_in_english_with_the_original() {
    let w = world("pl").await;
    let m = w
        .store_text(Sender::Citizen, "Ukradziono mi rower", "pl")
        .await;

    deliver_message(&w.deps, m.clone()).await.unwrap();

    let got = w.views_to(OPERATOR);
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].text.as_deref(),
        Some("[en ← pl, not translated] Ukradziono mi rower")
    );
    assert_eq!(got[0].language, Some(code("en")));
    let original = got[0].original.as_ref().expect("the original alongside");
    assert_eq!(original.text, "Ukradziono mi rower");
    assert_eq!(original.language, code("pl"));
    assert!(
        !original.machine_translated,
        "the stand-in is no machine translation"
    );
    assert!(!got[0].translation_unavailable);
    assert!(w.views_to(CITIZEN).is_empty());
    // Stored on the item, for history, resume and claim.
    let stored = w
        .store
        .get_message(&m.chat_id, m.seq)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.translation(&code("en")),
        Some(&MessageTranslation::Translated {
            text: "[en ← pl, not translated] Ukradziono mi rower".into(),
            provider: Provider::Offline,
            topics: Vec::new(),
        })
    );
    assert_eq!(w.translator.calls(), 1);
}

#[tokio::test]
async fn an_operator_s_reply_reaches_the_citizen_in_the_chat_s_language() {
    let w = world("pl").await;
    let m = w.store_text(operator(), "When did it happen?", "en").await;

    deliver_message(&w.deps, m).await.unwrap();

    let got = w.views_to(CITIZEN);
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].text.as_deref(),
        Some("[pl ← en, not translated] When did it happen?")
    );
    assert_eq!(got[0].language, Some(code("pl")));
    assert!(w.views_to(OPERATOR).is_empty());
    assert_eq!(w.translator.calls(), 1);
}

#[tokio::test]
async fn the_same_language_on_both_sides_makes_no_call_at_all() {
    let w = world("en-GB").await;
    let m = w
        .store_text(Sender::Citizen, "My bike was stolen", "en-GB")
        .await;
    deliver_message(&w.deps, m).await.unwrap();
    let r = w.store_text(operator(), "When?", "en").await;
    deliver_message(&w.deps, r).await.unwrap();

    assert_eq!(w.translator.calls(), 0);
    assert_eq!(
        w.views_to(OPERATOR)[0].text.as_deref(),
        Some("My bike was stolen")
    );
    assert!(w.views_to(OPERATOR)[0].original.is_none());
    assert_eq!(w.views_to(CITIZEN)[0].text.as_deref(), Some("When?"));
}

#[tokio::test]
async fn a_record_seen_twice_is_translated_and_delivered_once() {
    let w = world("pl").await;
    let m = w
        .store_text(Sender::Citizen, "Ukradziono mi rower", "pl")
        .await;

    // The stream's image never changes: the second record is the same message as first stored.
    deliver_message(&w.deps, m.clone()).await.unwrap();
    deliver_message(&w.deps, m).await.unwrap();

    assert_eq!(w.translator.calls(), 1);
    assert_eq!(w.views_to(OPERATOR).len(), 1);
}

#[tokio::test]
async fn a_failed_translation_is_delivered_marked_then_arrives_as_an_update_after_the_retry() {
    let mut w = world("pl").await;
    let (metrics, emitted) = bluelamp::metrics::Metrics::captured();
    w.deps.chat.metrics = metrics;
    w.translator.fail_with(Some(OfflineFailure::Unavailable));
    let m = w
        .store_text(Sender::Citizen, "Ukradziono mi rower", "pl")
        .await;

    deliver_message(&w.deps, m.clone()).await.unwrap();
    // One failure counted; the background retries that follow count none.
    assert_eq!(emitted.values("TranslationFailures"), vec![1.0]);

    let first = w.views_to(OPERATOR);
    assert_eq!(first.len(), 1, "delivered although the translation failed");
    assert_eq!(first[0].text.as_deref(), Some("Ukradziono mi rower"));
    assert_eq!(first[0].language, Some(code("pl")));
    assert!(first[0].translation_unavailable);
    assert_eq!(
        w.store
            .messages_awaiting_translation(10)
            .await
            .unwrap()
            .len(),
        1
    );

    // Still failing: nothing new is delivered, and it stays pending.
    let report = retry_pending(&w.deps, 10).await.unwrap();
    assert_eq!((report.translated, report.failed), (0, 1));
    assert_eq!(w.views_to(OPERATOR).len(), 1);

    w.translator.fail_with(None);
    let report = retry_pending(&w.deps, 10).await.unwrap();
    assert_eq!(report.translated, 1);
    let views = w.views_to(OPERATOR);
    assert_eq!(views.len(), 2);
    let update = &views[1];
    assert_eq!(update.seq, m.seq, "an update of the same message");
    assert_eq!(
        update.text.as_deref(),
        Some("[en ← pl, not translated] Ukradziono mi rower")
    );
    assert!(!update.translation_unavailable);
    assert_eq!(
        update.original.as_ref().map(|o| o.text.as_str()),
        Some("Ukradziono mi rower")
    );
    assert!(w
        .store
        .messages_awaiting_translation(10)
        .await
        .unwrap()
        .is_empty());

    assert_eq!(emitted.total("TranslationFailures"), 1.0);
    // Nothing left to do.
    assert_eq!(retry_pending(&w.deps, 10).await.unwrap().translated, 0);
    assert_eq!(w.views_to(OPERATOR).len(), 2);
    assert!(w.views_to(CITIZEN).is_empty());
}

#[tokio::test]
async fn a_failure_that_would_repeat_is_delivered_marked_and_not_retried() {
    let w = world("pl").await;
    w.translator.fail_with(Some(OfflineFailure::Rejected));
    let m = w
        .store_text(Sender::Citizen, "Ukradziono mi rower", "pl")
        .await;

    deliver_message(&w.deps, m).await.unwrap();

    assert!(w.views_to(OPERATOR)[0].translation_unavailable);
    assert!(w
        .store
        .messages_awaiting_translation(10)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn a_second_identical_bot_answer_makes_no_provider_call() {
    let w = world("pl").await;
    let advice = "If you are in danger now, call 999.";
    let one = w.store_text(Sender::Bot, advice, "en").await;
    let two = w.store_text(Sender::Bot, advice, "en").await;

    deliver_message(&w.deps, one).await.unwrap();
    deliver_message(&w.deps, two).await.unwrap();

    assert_eq!(w.translator.calls(), 1);
    let citizen = w.views_to(CITIZEN);
    assert_eq!(citizen.len(), 2);
    assert!(citizen.iter().all(|v| v.text.as_deref()
        == Some("[pl ← en, not translated] If you are in danger now, call 999.")));
    // The operator reads the bot's English as written.
    assert_eq!(w.views_to(OPERATOR)[0].text.as_deref(), Some(advice));
}

#[tokio::test]
async fn a_bot_answer_s_suggested_topics_reach_the_citizen_translated_and_cached() {
    let w = world("pl").await;
    let reply = BotReply {
        suggestions: vec![
            BotSuggestion {
                id: "lost-property".into(),
                topic: "Lost and found property".into(),
            },
            BotSuggestion {
                id: "report-crime-online".into(),
                topic: "Reporting a crime online".into(),
            },
        ],
        offer_operator: true,
        ..Default::default()
    };
    let not_sure = "I'm not sure I understood. Is it one of these?";
    let store_bot = || async {
        let chat = w.store.get_chat(&w.chat.id).await.unwrap().unwrap();
        w.store
            .append_message(
                &chat,
                NewMessage::bot(not_sure.into(), &code("en"), reply.clone(), 1_000),
            )
            .await
            .unwrap()
            .message
    };
    let one = store_bot().await;
    deliver_message(&w.deps, one).await.unwrap();

    let citizen = w.views_to(CITIZEN);
    let bot = citizen[0].bot.as_ref().unwrap();
    let topics: Vec<&str> = bot.suggestions.iter().map(|s| s.topic.as_str()).collect();
    assert_eq!(
        topics,
        [
            "[pl ← en, not translated] Lost and found property",
            "[pl ← en, not translated] Reporting a crime online"
        ]
    );
    // The choices still name the same entries.
    assert_eq!(bot.suggestions[0].id, "lost-property");
    assert!(bot.offer_operator);
    // The operator reads them as written.
    let operator_bot = w.views_to(OPERATOR)[0].bot.clone().unwrap();
    assert_eq!(operator_bot.suggestions[0].topic, "Lost and found property");
    // The text and two topics, once; the same answer again costs nothing.
    assert_eq!(w.translator.calls(), 3);
    let two = store_bot().await;
    deliver_message(&w.deps, two).await.unwrap();
    assert_eq!(w.translator.calls(), 3);
    let again = w.views_to(CITIZEN);
    assert_eq!(again[1].bot, again[0].bot);
}

#[tokio::test]
async fn citizens_words_are_never_cached() {
    let w = world("pl").await;
    for _ in 0..2 {
        let m = w.store_text(Sender::Citizen, "Pomocy", "pl").await;
        deliver_message(&w.deps, m).await.unwrap();
    }
    assert_eq!(w.translator.calls(), 2);
}

#[tokio::test]
async fn a_language_mismatch_is_told_to_the_operator_only() {
    let w = world("pl").await;
    let chat = w.store.get_chat(&w.chat.id).await.unwrap().unwrap();
    let e = w
        .store
        .append_message(
            &chat,
            NewMessage::event(
                ChatEvent::LanguageMismatch {
                    chosen: code("pl"),
                    detected: code("ru"),
                },
                5,
            ),
        )
        .await
        .unwrap()
        .message;
    deliver_message(&w.deps, e).await.unwrap();
    assert_eq!(w.views_to(OPERATOR).len(), 1);
    assert!(w.views_to(CITIZEN).is_empty());
    assert_eq!(w.translator.calls(), 0);
}

#[test]
fn a_scheduled_tick_and_a_stream_batch_are_told_apart() {
    let tick = serde_json::json!({
        "version": "0", "id": "1", "detail-type": "Scheduled Event", "source": "aws.events",
        "account": "000000000000", "time": "2026-11-28T10:00:00Z", "region": "eu-west-2",
        "resources": [], "detail": {}
    });
    assert!(matches!(
        Invocation::parse(tick).unwrap(),
        Invocation::RetryPending
    ));
    let batch: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/stream_insert_citizen_message.json")).unwrap();
    assert!(matches!(
        Invocation::parse(batch).unwrap(),
        Invocation::Stream(_)
    ));
    assert!(Invocation::parse(serde_json::json!({"nonsense": true})).is_err());
}
