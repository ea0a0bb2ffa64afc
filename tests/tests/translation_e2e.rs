//! End to end over real WebSockets through the local gateway, on both stores: each side reads
//! the other in its own language (the offline stand-in marks its "translations"), the chat's
//! language is detected and corrected, a failing translator loses nothing, and duplicate
//! records and repeated bot answers cost no second translation.

use bluelamp::domain::{ChatId, LanguageCode, MessageText, NewMessage, Sender};
use bluelamp::translation::{OfflineFailure, OfflineTranslator};
use bluelamp_local::Running;
use bluelamp_tests::{spawn_gateway_with, Client, RecordingTranslator, StoreKind};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

type R = anyhow::Result<()>;

const QUIET: Duration = Duration::from_millis(400);

const POLISH: [&str; 3] = [
    "Dzień dobry, chciałbym zgłosić kradzież roweru sprzed mojego domu.",
    "Rower był przypięty do płotu, zniknął wczoraj w nocy.",
    "Czy ktoś może do mnie oddzwonić w tej sprawie?",
];
const UKRAINIAN: &str = "Добрий день, у мене вкрали велосипед біля будинку.";
const ARABIC: &str = "مرحبا، سرقت دراجتي من أمام المنزل الليلة الماضية";

/// A gateway whose translator is this counting stand-in; failed translations are retried
/// every 200 ms.
async fn gateway(kind: StoreKind, translator: Arc<OfflineTranslator>) -> Running {
    spawn_gateway_with(kind, |c| {
        c.translator = translator;
        c.translation_retry_every = Duration::from_millis(200);
    })
    .await
}

fn is_event(v: &Value, event: &str) -> bool {
    v["type"] == "message" && v["event"]["event"] == event
}

/// Words from a person: the bot's answers (it speaks while a chat is with it) are not these.
fn is_text(v: &Value) -> bool {
    v["type"] == "message" && v["text"].is_string() && v["sender"]["role"] != "bot"
}

/// A citizen with a chat started this way, already held by operator `op`.
async fn chat_with_operator(
    gw: &Running,
    start: Value,
    op: &str,
) -> anyhow::Result<(Client, Client, String)> {
    let mut citizen = Client::citizen(gw).await?;
    citizen.send(start).await?;
    let started = citizen.expect("chat_started").await?;
    let chat = started["chatId"].as_str().unwrap_or_default().to_owned();
    citizen.send(json!({"action": "request_operator"})).await?;
    citizen.expect("queued").await?;
    let mut operator = Client::operator(gw, op).await?;
    operator
        .send(json!({"action": "claim", "chatId": chat}))
        .await?;
    operator.expect("claimed").await?;
    citizen
        .expect_where("operator_joined", |v| is_event(v, "operator_joined"))
        .await?;
    Ok((citizen, operator, chat))
}

/// A gateway with a counting stand-in, and a chat started in `language` (the citizen's pick)
/// and held by operator alice.
async fn chat_in(
    kind: StoreKind,
    language: &str,
) -> anyhow::Result<(Arc<OfflineTranslator>, Running, Client, Client, String)> {
    let translator = Arc::new(OfflineTranslator::new());
    let gw = gateway(kind, translator.clone()).await;
    let (citizen, operator, chat) = chat_with_operator(
        &gw,
        json!({"action": "start", "language": language, "languageChosen": true}),
        "alice",
    )
    .await?;
    Ok((translator, gw, citizen, operator, chat))
}

async fn a_polish_citizen_and_an_english_operator_each_read_the_other_in_their_own_language(
    kind: StoreKind,
) -> R {
    let (translator, gw, mut citizen, mut operator, chat) = chat_in(kind, "pl").await?;

    citizen.say(None, "c1", POLISH[0]).await?;
    let got = operator
        .expect_where("the citizen's words", is_text)
        .await?;
    assert_eq!(
        got["text"],
        format!("[en ← pl, not translated] {}", POLISH[0])
    );
    assert_eq!(got["language"], "en");
    assert_eq!(got["original"]["text"], POLISH[0]);
    assert_eq!(got["original"]["language"], "pl");
    assert_eq!(got["original"]["machineTranslated"], false);
    assert!(got.get("translationUnavailable").is_none());

    operator
        .say(
            Some(&chat),
            "o1",
            "I'm sorry to hear that. When did it happen?",
        )
        .await?;
    let reply = citizen
        .expect_where("the operator's reply", is_text)
        .await?;
    assert_eq!(
        reply["text"],
        "[pl ← en, not translated] I'm sorry to hear that. When did it happen?"
    );
    assert_eq!(reply["language"], "pl");
    assert_eq!(
        reply["original"]["text"],
        "I'm sorry to hear that. When did it happen?"
    );

    // The translations are stored: each side's history shows its own language.
    operator
        .send(json!({"action": "history", "chatId": chat}))
        .await?;
    let history = operator.expect("history").await?;
    let citizen_line = history["messages"]
        .as_array()
        .and_then(|m| m.iter().find(|x| x["sender"]["role"] == "citizen"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        citizen_line["text"],
        format!("[en ← pl, not translated] {}", POLISH[0])
    );
    citizen.send(json!({"action": "history"})).await?;
    let history = citizen.expect("history").await?;
    let operator_line = history["messages"]
        .as_array()
        .and_then(|m| m.iter().find(|x| x["sender"]["role"] == "operator"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(operator_line["language"], "pl");
    // One call per message, one target language each.
    assert_eq!(translator.calls(), 2);
    gw.stop().await;
    Ok(())
}

async fn an_arabic_chat_is_right_to_left_and_translated_both_ways(kind: StoreKind) -> R {
    let translator = Arc::new(OfflineTranslator::new());
    let gw = gateway(kind, translator.clone()).await;
    let languages: Value = reqwest::get(format!("{}/languages", gw.http_url()))
        .await?
        .json()
        .await?;
    let list = languages.as_array().cloned().unwrap_or_default();
    assert!(list.len() >= 145, "{} languages", list.len());
    let arabic = list
        .iter()
        .find(|l| l["code"] == "ar")
        .cloned()
        .unwrap_or_default();
    assert_eq!(arabic["direction"], "rtl");
    assert_eq!(arabic["nativeName"], "العربية");

    let (mut citizen, mut operator, chat) = chat_with_operator(
        &gw,
        json!({"action": "start", "language": "ar", "languageChosen": true}),
        "bob",
    )
    .await?;
    citizen.say(None, "c1", ARABIC).await?;
    let got = operator
        .expect_where("the citizen's words", is_text)
        .await?;
    assert_eq!(got["text"], format!("[en ← ar, not translated] {ARABIC}"));
    assert_eq!(got["original"]["language"], "ar");
    operator.say(Some(&chat), "o1", "Are you safe now?").await?;
    let reply = citizen
        .expect_where("the operator's reply", is_text)
        .await?;
    assert_eq!(reply["text"], "[ar ← en, not translated] Are you safe now?");
    assert_eq!(reply["language"], "ar");
    gw.stop().await;
    Ok(())
}

async fn a_citizen_whose_browser_says_english_but_who_writes_polish_is_switched_to_polish(
    kind: StoreKind,
) -> R {
    let translator = Arc::new(OfflineTranslator::new());
    let gw = gateway(kind, translator.clone()).await;
    let mut citizen = Client::citizen(&gw).await?;
    citizen
        .send(json!({"action": "start", "language": "en-GB"}))
        .await?;
    let started = citizen.expect("chat_started").await?;
    assert_eq!(started["language"], "en");
    let chat = started["chatId"].as_str().unwrap_or_default().to_owned();
    citizen.say(None, "c1", POLISH[0]).await?;
    citizen.say(None, "c2", POLISH[1]).await?;
    let changed = citizen
        .expect_where("language_changed", |v| is_event(v, "language_changed"))
        .await?;
    assert_eq!(
        changed["event"],
        json!({"event": "language_changed", "from": "en", "to": "pl", "by": "detected"})
    );

    citizen.send(json!({"action": "request_operator"})).await?;
    citizen.expect("queued").await?;
    let mut operator = Client::operator(&gw, "carol").await?;
    operator
        .send(json!({"action": "claim", "chatId": chat}))
        .await?;
    let claimed = operator.expect("claimed").await?;
    assert_eq!(claimed["chat"]["language"], "pl");
    let transcript = claimed["transcript"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        transcript
            .iter()
            .any(|m| is_event_entry(m, "language_changed")),
        "the operator is told: {transcript:?}"
    );
    // The citizen's words are Polish, in English for the operator: the message that decided
    // it, and the first one too (stored under the browser's guess, then re-read in Polish).
    for (cmid, words) in [("c1", POLISH[0]), ("c2", POLISH[1])] {
        let line = transcript
            .iter()
            .find(|m| m["clientMessageId"] == cmid)
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            line["text"],
            format!("[en ← pl, not translated] {words}"),
            "{cmid}: {line}"
        );
        assert_eq!(line["original"]["language"], "pl", "{cmid}: {line}");
    }

    // And it is fixed: the operator's reply goes out in Polish.
    operator.say(Some(&chat), "o1", "Thank you.").await?;
    let reply = citizen.expect_where("the reply", is_text).await?;
    assert_eq!(reply["text"], "[pl ← en, not translated] Thank you.");
    gw.stop().await;
    Ok(())
}

fn is_event_entry(m: &Value, event: &str) -> bool {
    m["event"]["event"] == event
}

async fn an_operator_corrects_the_chat_s_language(kind: StoreKind) -> R {
    let translator = Arc::new(OfflineTranslator::new());
    let gw = gateway(kind, translator.clone()).await;
    let (mut citizen, mut operator, chat) = chat_with_operator(
        &gw,
        json!({"action": "start", "language": "ru", "languageChosen": true}),
        "dan",
    )
    .await?;
    // Ukrainian words, stored as Russian (the citizen's choice) and so translated from Russian.
    citizen.say(None, "c1", UKRAINIAN).await?;
    let first = operator
        .expect_where("the citizen's words", is_text)
        .await?;
    assert_eq!(first["original"]["language"], "ru");
    operator
        .send(json!({"action": "set_language", "chatId": chat, "language": "tlh"}))
        .await?;
    operator.expect_error("unsupported_language").await?;
    operator
        .send(json!({"action": "set_language", "chatId": chat, "language": "uk"}))
        .await?;
    let set = operator.expect("language_set").await?;
    assert_eq!(set["language"], "uk");
    // The citizen's earlier words are re-read as Ukrainian: an update with the same seq.
    let update = operator
        .expect_where("the re-read words", |v| {
            is_text(v) && v["seq"] == first["seq"]
        })
        .await?;
    assert_eq!(
        update["text"],
        format!("[en ← uk, not translated] {UKRAINIAN}")
    );
    assert_eq!(update["original"]["language"], "uk");
    let told = citizen
        .expect_where("language_changed", |v| is_event(v, "language_changed"))
        .await?;
    assert_eq!(told["event"]["to"], "uk");
    assert_eq!(told["event"]["by"], "operator");
    operator
        .expect_where("language_changed", |v| is_event(v, "language_changed"))
        .await?;
    operator.say(Some(&chat), "o1", "Hello").await?;
    let reply = citizen.expect_where("the reply", is_text).await?;
    assert_eq!(reply["text"], "[uk ← en, not translated] Hello");
    // Citizens cannot.
    citizen
        .send(json!({"action": "set_language", "chatId": chat, "language": "en"}))
        .await?;
    citizen.expect_error("forbidden").await?;
    gw.stop().await;
    Ok(())
}

async fn when_the_translator_fails_the_original_is_delivered_marked_and_the_translation_follows(
    kind: StoreKind,
) -> R {
    let translator = Arc::new(OfflineTranslator::new());
    let gw = gateway(kind, translator.clone()).await;
    let (mut citizen, mut operator, chat) = chat_with_operator(
        &gw,
        json!({"action": "start", "language": "pl", "languageChosen": true}),
        "erin",
    )
    .await?;
    translator.fail_with(Some(OfflineFailure::Unavailable));

    let ack = citizen.say(None, "c1", POLISH[2]).await?;
    let seq = ack["seq"].clone();
    let first = operator.expect_where("the original", is_text).await?;
    assert_eq!(first["seq"], seq);
    assert_eq!(first["text"], POLISH[2]);
    assert_eq!(first["language"], "pl");
    assert_eq!(first["translationUnavailable"], true);

    // The stream is not blocked: the next message still arrives (also marked).
    operator.say(Some(&chat), "o1", "One moment").await?;
    let reply = citizen.expect_where("the reply", is_text).await?;
    assert_eq!(reply["text"], "One moment");
    assert_eq!(reply["translationUnavailable"], true);

    // The service comes back: both translations arrive as updates of the same messages.
    translator.fail_with(None);
    let update = operator
        .expect_where("the update", |v| is_text(v) && v["seq"] == seq)
        .await?;
    assert_eq!(
        update["text"],
        format!("[en ← pl, not translated] {}", POLISH[2])
    );
    assert_eq!(update["original"]["text"], POLISH[2]);
    assert!(update.get("translationUnavailable").is_none());
    let update = citizen
        .expect_where("the reply's update", |v| {
            is_text(v) && v["seq"] == reply["seq"]
        })
        .await?;
    assert_eq!(update["text"], "[pl ← en, not translated] One moment");

    // Nothing more comes, and the transcript holds the translations.
    let rest = operator.drain(QUIET).await?;
    assert!(rest.iter().all(|f| f["seq"] != seq), "{rest:?}");
    operator
        .send(json!({"action": "history", "chatId": chat}))
        .await?;
    let history = operator.expect("history").await?;
    let line = history["messages"]
        .as_array()
        .and_then(|m| m.iter().find(|x| x["seq"] == seq))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        line["text"],
        format!("[en ← pl, not translated] {}", POLISH[2])
    );
    gw.stop().await;
    Ok(())
}

async fn a_stream_record_seen_twice_is_translated_and_delivered_once(kind: StoreKind) -> R {
    let translator = Arc::new(OfflineTranslator::new());
    let gw = gateway(kind, translator.clone()).await;
    let (mut citizen, mut operator, chat) = chat_with_operator(
        &gw,
        json!({"action": "start", "language": "pl", "languageChosen": true}),
        "frank",
    )
    .await?;
    let ack = citizen.say(None, "c1", POLISH[0]).await?;
    operator.expect_where("the message", is_text).await?;
    assert_eq!(translator.calls(), 1);

    let seq = ack["seq"].as_u64().unwrap_or_default();
    gw.redeliver(&ChatId::parse(&chat)?, seq).await?;
    gw.redeliver(&ChatId::parse(&chat)?, seq).await?;

    assert_eq!(translator.calls(), 1, "the stored translation is reused");
    let again: Vec<_> = operator
        .drain(QUIET)
        .await?
        .into_iter()
        .filter(is_text)
        .collect();
    assert!(again.is_empty(), "delivered twice: {again:?}");
    gw.stop().await;
    Ok(())
}

async fn a_second_identical_bot_answer_makes_no_translation_call(kind: StoreKind) -> R {
    let translator = Arc::new(OfflineTranslator::new());
    let gw = gateway(kind, translator.clone()).await;
    let mut citizen = Client::citizen(&gw).await?;
    citizen
        .send(json!({"action": "start", "language": "pl", "languageChosen": true}))
        .await?;
    let started = citizen.expect("chat_started").await?;
    let chat_id = ChatId::parse(started["chatId"].as_str().unwrap_or_default())?;
    let answer = "You can report a stolen bike online at /report.";
    // The bot answers twice (as the FAQ function will, through the same store).
    for _ in 0..2 {
        let chat = gw
            .deps
            .chats
            .get_chat(&chat_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no chat"))?;
        gw.deps
            .chats
            .append_message(
                &chat,
                NewMessage::text(
                    Sender::Bot,
                    &MessageText::parse(answer)?,
                    &LanguageCode::english(),
                    None,
                    bluelamp::domain::now_ms(),
                ),
            )
            .await?;
    }
    for _ in 0..2 {
        let got = citizen
            .expect_where("the bot's answer", |v| {
                v["type"] == "message" && v["sender"]["role"] == "bot"
            })
            .await?;
        assert_eq!(got["text"], format!("[pl ← en, not translated] {answer}"));
        assert_eq!(got["sender"]["role"], "bot");
    }
    assert_eq!(
        translator.calls(),
        1,
        "the second answer came from the cache"
    );
    gw.stop().await;
    Ok(())
}

async fn an_english_chat_makes_no_translation_call(kind: StoreKind) -> R {
    let translator = Arc::new(OfflineTranslator::new());
    let gw = gateway(kind, translator.clone()).await;
    let (mut citizen, mut operator, chat) = chat_with_operator(
        &gw,
        json!({"action": "start", "language": "en-GB"}),
        "grace",
    )
    .await?;
    citizen
        .say(None, "c1", "Hello, my car was broken into last night.")
        .await?;
    let got = operator.expect_where("the message", is_text).await?;
    assert!(got.get("original").is_none());
    operator
        .say(Some(&chat), "o1", "Sorry to hear that.")
        .await?;
    let reply = citizen.expect_where("the reply", is_text).await?;
    assert_eq!(reply["text"], "Sorry to hear that.");
    assert_eq!(translator.calls(), 0);
    gw.stop().await;
    Ok(())
}

/// A reply previewed before it is sent: in the citizen's language, paid as one translation,
/// given only to the operator who holds the chat, and nothing stored or sent to the citizen.
async fn an_operator_previews_a_reply_in_the_citizen_s_language_before_sending(
    kind: StoreKind,
) -> R {
    let (translator, gw, mut citizen, mut operator, chat) = chat_in(kind, "pl").await?;
    citizen.drain(QUIET).await?;
    let calls_before = translator.calls();
    let preview = |id: &str, text: &str| json!({"action": "preview", "chatId": chat, "previewId": id, "text": text});

    operator
        .send(preview("p1", "  When did it happen?  "))
        .await?;
    let got = operator.expect("preview").await?;
    assert_eq!(
        got,
        json!({
            "v": 1, "type": "preview", "chatId": chat, "previewId": "p1", "language": "pl",
            "text": "[pl ← en, not translated] When did it happen?",
            "machineTranslated": false,
        })
    );
    assert_eq!(translator.calls(), calls_before + 1);
    // Nothing reached the citizen and nothing was stored.
    let to_citizen = citizen.drain(QUIET).await?;
    assert!(to_citizen.is_empty(), "{to_citizen:?}");
    operator
        .send(json!({"action": "history", "chatId": chat}))
        .await?;
    let history = operator.expect("history").await?;
    let from_operator = history["messages"].as_array().map(|m| {
        m.iter()
            .filter(|x| x["sender"]["role"] == "operator")
            .count()
    });
    assert_eq!(from_operator, Some(0), "{history}");

    // A failed translation is a preview the operator cannot have, not an error.
    translator.fail_with(Some(OfflineFailure::Unavailable));
    operator.send(preview("p2", "Are you safe now?")).await?;
    let got = operator.expect("preview").await?;
    assert_eq!(got["previewId"], "p2");
    assert_eq!(got["translationUnavailable"], true);
    assert!(got.get("text").is_none(), "{got}");
    translator.fail_with(None);

    // Another operator may not preview into a chat they do not hold; a citizen may not at all.
    let mut bob = Client::operator(&gw, "bob").await?;
    let calls = translator.calls();
    bob.send(preview("p3", "Hello")).await?;
    bob.expect_error("not_your_chat").await?;
    citizen.send(preview("p4", "Hello")).await?;
    citizen.expect_error("forbidden").await?;
    // An empty reply is refused as a send would be.
    operator.send(preview("p5", "   ")).await?;
    operator.expect_error("empty_text").await?;
    assert_eq!(translator.calls(), calls, "refused previews cost nothing");
    gw.stop().await;
    Ok(())
}

/// In an English chat a preview is the reply itself, and costs no call.
async fn an_english_chat_s_preview_makes_no_translation_call(kind: StoreKind) -> R {
    let (translator, gw, _citizen, mut operator, chat) = chat_in(kind, "en").await?;
    operator
        .send(json!({"action": "preview", "chatId": chat, "previewId": "p1", "text": "Hello"}))
        .await?;
    let got = operator.expect("preview").await?;
    assert_eq!(got["text"], "Hello");
    assert_eq!(got["language"], "en");
    assert_eq!(got["machineTranslated"], false);
    assert_eq!(translator.calls(), 0);
    gw.stop().await;
    Ok(())
}

/// The citizen's words in the claimed transcript, in order.
fn citizen_lines(claimed: &Value) -> Vec<String> {
    claimed["transcript"]
        .as_array()
        .map(|m| {
            m.iter()
                .filter(|x| x["sender"]["role"] == "citizen")
                .map(|x| x["text"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Starts a Polish chat, says `words` to the bot one by one (waiting for each answer), asks
/// for a person, and has alice claim: the citizen, alice and her `claimed` frame.
async fn polish_chat_through_the_bot(
    gw: &Running,
    words: &[&str],
) -> anyhow::Result<(Client, Client, String, Value)> {
    let mut citizen = Client::citizen(gw).await?;
    citizen
        .send(json!({"action": "start", "language": "pl", "languageChosen": true}))
        .await?;
    let chat = citizen.expect("chat_started").await?["chatId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    for (i, text) in words.iter().enumerate() {
        citizen.say(None, &format!("c{i}"), text).await?;
        citizen
            .expect_where("the bot's answer", |v| {
                v["type"] == "message" && v["sender"]["role"] == "bot"
            })
            .await?;
    }
    citizen.send(json!({"action": "request_operator"})).await?;
    citizen.expect("queued").await?;
    // The translate function reads the queue event before anyone can claim (as in AWS, the
    // stream takes a moment): what it makes then is in the transcript.
    tokio::time::sleep(QUIET).await;
    let mut operator = Client::operator(gw, "alice").await?;
    operator
        .send(json!({"action": "claim", "chatId": chat}))
        .await?;
    let claimed = operator.expect("claimed").await?;
    Ok((citizen, operator, chat, claimed))
}

/// One owner per message: while the bot has the chat, the bot makes the English of the
/// citizen's words (and stores it); once a person holds or awaits it, the translate function
/// does. Each message is translated once from its first word through the handoff and the claim.
async fn a_polish_chat_s_words_are_translated_once_each_through_the_bot_the_handoff_and_the_claim(
    kind: StoreKind,
) -> R {
    let translator = Arc::new(RecordingTranslator::default());
    let gw = spawn_gateway_with(kind, |c| c.translator = translator.clone()).await;
    let (mut citizen, mut operator, chat, claimed) =
        polish_chat_through_the_bot(&gw, &POLISH[..2]).await?;
    assert_eq!(
        citizen_lines(&claimed),
        POLISH[..2]
            .iter()
            .map(|p| format!("[en ← pl, not translated] {p}"))
            .collect::<Vec<_>>(),
        "{claimed}"
    );
    // With a person now: the citizen's next words and the operator's reply.
    citizen.say(None, "c9", POLISH[2]).await?;
    operator
        .expect_where("the citizen's words", is_text)
        .await?;
    operator
        .say(Some(&chat), "o1", "When did it happen?")
        .await?;
    citizen
        .expect_where("the operator's reply", is_text)
        .await?;
    for words in POLISH {
        assert_eq!(translator.times("pl", "en", words), 1, "{words}");
    }
    assert_eq!(translator.times("en", "pl", "When did it happen?"), 1);
    gw.stop().await;
    Ok(())
}

/// The bot could not get the English of a message (its translation failed): it is made when
/// the chat joins the queue, so the operator who claims reads it.
async fn words_the_bot_could_not_translate_are_translated_as_the_chat_joins_the_queue(
    kind: StoreKind,
) -> R {
    let translator = Arc::new(RecordingTranslator::default());
    translator
        .fail_once
        .lock()
        .expect("lock")
        .insert(POLISH[1].to_owned());
    let gw = spawn_gateway_with(kind, |c| {
        c.translator = translator.clone();
        // Not the background retry: the queue's event makes it.
        c.translation_retry_every = Duration::from_secs(3600);
    })
    .await;
    let (_citizen, _operator, _chat, claimed) =
        polish_chat_through_the_bot(&gw, &POLISH[..2]).await?;
    assert_eq!(
        citizen_lines(&claimed)[1],
        format!("[en ← pl, not translated] {}", POLISH[1]),
        "{claimed}"
    );
    assert_eq!(translator.times("pl", "en", POLISH[0]), 1);
    assert_eq!(
        translator.times("pl", "en", POLISH[1]),
        2,
        "the failure, then the queue's"
    );
    gw.stop().await;
    Ok(())
}

bluelamp_tests::both_stores!(
    a_polish_citizen_and_an_english_operator_each_read_the_other_in_their_own_language,
    an_arabic_chat_is_right_to_left_and_translated_both_ways,
    a_citizen_whose_browser_says_english_but_who_writes_polish_is_switched_to_polish,
    an_operator_corrects_the_chat_s_language,
    when_the_translator_fails_the_original_is_delivered_marked_and_the_translation_follows,
    a_stream_record_seen_twice_is_translated_and_delivered_once,
    a_second_identical_bot_answer_makes_no_translation_call,
    an_english_chat_makes_no_translation_call,
    an_operator_previews_a_reply_in_the_citizen_s_language_before_sending,
    an_english_chat_s_preview_makes_no_translation_call,
    a_polish_chat_s_words_are_translated_once_each_through_the_bot_the_handoff_and_the_claim,
    words_the_bot_could_not_translate_are_translated_as_the_chat_joins_the_queue,
);
