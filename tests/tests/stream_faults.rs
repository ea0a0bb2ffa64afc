//! The stream consumers driven as Lambda drives them, with real DynamoDB stream events
//! (`bluelamp::stream::event_for`, batches of several records), on both stores, while things
//! go wrong: an invocation that dies mid-batch (a Lambda timeout: the handler's future is
//! dropped wherever it was) and is retried with the whole batch; records delivered twice and
//! in later batches; a failing post (the batch-item failure names that record, and the retry
//! starts there); a 410 in the middle of a batch. Each socket gets each message once, in
//! `seq` order, and the bot answers each question once.

use aws_lambda_events::dynamodb::Event;
use aws_lambda_events::streams::DynamoDbEventResponse;
use bluelamp::chat::Deps;
use bluelamp::config::ChatConfig;
use bluelamp::delivery::{Api, Deliver, DeliveryError, RecordingDelivery};
use bluelamp::domain::*;
use bluelamp::protocol::ServerFrame;
use bluelamp::store::Store;
use bluelamp::translation::{
    ChatLanguage, InMemoryTranslationCache, OfflineTranslator, RoutingTranslator, TranslateError,
    Translation, Translator, Translators,
};
use bluelamp_tests::{fresh_store, StoreKind};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use translate::TranslateDeps;

type R = anyhow::Result<()>;

/// What a post of one message does, once.
#[derive(Debug, Clone, Copy)]
enum Act {
    /// Fails (the management API erred).
    Fail,
    /// The socket has gone: 410.
    Gone,
    /// Never returns, before the frame reaches the socket (the invocation dies in the call).
    HangBefore,
    /// Reaches the socket, then never returns (the invocation dies after it).
    HangAfter,
}

/// The management API with a script per message `seq`; records what reached each socket.
#[derive(Default)]
struct Scripted {
    sockets: RecordingDelivery,
    script: Mutex<HashMap<u64, Vec<Act>>>,
}

impl Scripted {
    fn then(&self, seq: u64, act: Act) {
        let mut script = self.script.lock().unwrap_or_else(|e| e.into_inner());
        script.entry(seq).or_default().push(act);
    }

    /// The `seq`s of the messages that reached a socket, in order.
    fn seqs_to(&self, conn: &ConnectionId) -> Vec<u64> {
        self.sockets
            .frames_to(conn)
            .iter()
            .filter_map(|f| match f {
                ServerFrame::Message(m) => Some(m.seq),
                _ => None,
            })
            .collect()
    }
}

#[async_trait::async_trait]
impl Deliver for Scripted {
    async fn post(
        &self,
        api: Api,
        to: &ConnectionId,
        frame: &ServerFrame,
    ) -> Result<(), DeliveryError> {
        let act = match frame {
            ServerFrame::Message(m) => {
                let mut script = self.script.lock().unwrap_or_else(|e| e.into_inner());
                script
                    .get_mut(&m.seq)
                    .and_then(|acts| (!acts.is_empty()).then(|| acts.remove(0)))
            }
            _ => None,
        };
        match act {
            None => self.sockets.post(api, to, frame).await,
            Some(Act::Fail) => Err(DeliveryError::Failed("scripted failure".into())),
            Some(Act::Gone) => {
                self.sockets.mark_gone(to);
                Err(DeliveryError::Gone)
            }
            Some(Act::HangBefore) => std::future::pending().await,
            Some(Act::HangAfter) => {
                self.sockets.post(api, to, frame).await?;
                std::future::pending().await
            }
        }
    }
}

const CITIZEN: &str = "citizen-socket";
const OPERATOR: &str = "operator-socket";

fn conn(id: &str) -> ConnectionId {
    ConnectionId::parse(id).expect("a connection id")
}

struct World {
    store: Arc<dyn Store>,
    deliver: Arc<Scripted>,
    deps: Deps,
    chat: Chat,
    messages: Vec<ChatMessage>,
}

/// A chat in `state` (held by alice when active) with both sockets open (long since, so a 410
/// means gone), and `texts` stored in it: the citizen's when the text starts with "c", the
/// operator's otherwise.
async fn world(kind: StoreKind, state: ChatState, language: &str, texts: &[&str]) -> World {
    let store = fresh_store(kind).await;
    let deliver = Arc::new(Scripted::default());
    let alice = OperatorId::parse("alice").expect("an operator id");
    let language = LanguageCode::parse(language).expect("a language");
    let chat = Chat {
        id: ChatId::parse(uuid::Uuid::new_v4().simple().to_string()).expect("a chat id"),
        force: ForceId::parse("demo").expect("a force"),
        state,
        language: language.clone(),
        language_state: ChatLanguage::settled(&language),
        priority: Priority::Normal,
        emergency_reason: None,
        queue: None,
        operator: (state == ChatState::Active).then(|| alice.clone()),
        citizen_connection: Some(conn(CITIZEN)),
        resume_hash: String::new(),
        created_ms: 0,
        last_seq: 0,
        ended: None,
        expires_at: 2_000_000_000,
        bot_answers: Vec::new(),
    };
    store.create_chat(&chat).await.expect("the chat is stored");
    for (id, role) in [
        (CITIZEN, Role::Citizen),
        (OPERATOR, Role::Operator { operator_id: alice }),
    ] {
        store
            .put_connection(&Connection::opened(conn(id), role, 1, 2_000_000_000))
            .await
            .expect("the socket is stored");
    }
    let mut messages = Vec::new();
    let mut current = chat.clone();
    for (i, text) in texts.iter().enumerate() {
        let sender = if text.starts_with('c') {
            Sender::Citizen
        } else {
            Sender::Operator {
                operator_id: OperatorId::parse("alice").expect("an operator id"),
            }
        };
        let msg = NewMessage::text(
            sender,
            &MessageText::parse(text).expect("a text"),
            &language,
            Some(ClientMessageId::parse(format!("m{i}")).expect("an id")),
            1_795_810_600_000 + i as i64,
        );
        let appended = store
            .append_message(&current, msg)
            .await
            .expect("the message is stored");
        current.last_seq = appended.message.seq;
        messages.push(appended.message);
    }
    let deps = Deps::over(
        store.clone(),
        deliver.clone(),
        ChatConfig::default(),
        bluelamp::metrics::Metrics::discard(),
    );
    World {
        store,
        deliver,
        deps,
        chat,
        messages,
    }
}

/// A batch of the stream holding these messages (by `seq`), each record with the sequence
/// number the stream gave it (`seq` × 100: a record keeps its number in every batch).
fn batch(w: &World, seqs: &[u64]) -> Event {
    let mut records = Vec::new();
    for seq in seqs {
        let m = &w.messages[*seq as usize - 1];
        let event = bluelamp::stream::event_for(m, w.chat.expires_at, sequence_number(*seq))
            .expect("a stream record");
        records.extend(event.records);
    }
    let mut event = bluelamp::stream::event_for(&w.messages[0], w.chat.expires_at, "0".into())
        .expect("a stream record");
    event.records = records;
    event
}

fn sequence_number(seq: u64) -> String {
    format!("{:021}", seq * 100)
}

fn failed(response: &DynamoDbEventResponse) -> Vec<String> {
    response
        .batch_item_failures
        .iter()
        .filter_map(|f| f.item_identifier.clone())
        .collect()
}

fn translate_deps(w: &World) -> TranslateDeps {
    let offline = Arc::new(OfflineTranslator::new());
    TranslateDeps {
        chat: w.deps.clone(),
        ledger: w.store.clone(),
        slots: w.store.clone(),
        translators: Translators::new(
            Arc::new(RoutingTranslator::new(offline.clone(), offline)),
            Arc::new(InMemoryTranslationCache::new()),
            1,
        ),
    }
}

/// How long the test lets an invocation that hangs run before it is taken for dead (Lambda's
/// timeout). Nothing waits this long unless a scripted post hangs.
const LAMBDA_TIMEOUT: Duration = Duration::from_secs(3);

/// Runs one invocation of `translate`; `None` when it died (timed out).
async fn invoke_translate(deps: &TranslateDeps, event: Event) -> Option<DynamoDbEventResponse> {
    tokio::time::timeout(LAMBDA_TIMEOUT, translate::handle(deps, event))
        .await
        .ok()
}

const FIVE_FROM_THE_CITIZEN: [&str; 5] = ["c one", "c two", "c three", "c four", "c five"];

async fn an_invocation_that_dies_after_a_post_and_is_retried_repeats_only_that_post(
    kind: StoreKind,
) -> R {
    let w = world(kind, ChatState::Active, "en", &FIVE_FROM_THE_CITIZEN).await;
    let deps = translate_deps(&w);
    w.deliver.then(3, Act::HangAfter);
    let all = [1, 2, 3, 4, 5];
    assert!(invoke_translate(&deps, batch(&w, &all)).await.is_none());
    // Lambda retries the whole batch after a function error.
    let response = invoke_translate(&deps, batch(&w, &all)).await;
    let response = response.ok_or_else(|| anyhow::anyhow!("the retry hung"))?;
    assert_eq!(failed(&response), Vec::<String>::new());
    // The post that went but was never confirmed goes again, right after itself (clients
    // de-duplicate by seq); what was confirmed does not, and nothing is lost.
    assert_eq!(w.deliver.seqs_to(&conn(OPERATOR)), [1, 2, 3, 3, 4, 5]);
    Ok(())
}

async fn an_invocation_that_dies_inside_a_post_and_is_retried_loses_nothing(kind: StoreKind) -> R {
    let w = world(kind, ChatState::Active, "en", &FIVE_FROM_THE_CITIZEN).await;
    let deps = translate_deps(&w);
    w.deliver.then(3, Act::HangBefore);
    let all = [1, 2, 3, 4, 5];
    assert!(invoke_translate(&deps, batch(&w, &all)).await.is_none());
    assert_eq!(w.deliver.seqs_to(&conn(OPERATOR)), [1, 2]);
    let response = invoke_translate(&deps, batch(&w, &all)).await;
    let response = response.ok_or_else(|| anyhow::anyhow!("the retry hung"))?;
    assert_eq!(failed(&response), Vec::<String>::new());
    assert_eq!(
        w.deliver.seqs_to(&conn(OPERATOR)),
        all,
        "message 3 was marked delivered before the invocation died in its post"
    );
    Ok(())
}

async fn a_failed_post_is_the_batch_item_failure_and_the_retry_starts_there(kind: StoreKind) -> R {
    let w = world(kind, ChatState::Active, "en", &FIVE_FROM_THE_CITIZEN).await;
    let deps = translate_deps(&w);
    w.deliver.then(3, Act::Fail);
    let response = invoke_translate(&deps, batch(&w, &[1, 2, 3, 4, 5])).await;
    let response = response.ok_or_else(|| anyhow::anyhow!("the invocation hung"))?;
    // The first failure is reported and nothing after it is touched: Lambda resumes there.
    assert_eq!(failed(&response), [sequence_number(3)]);
    assert_eq!(w.deliver.seqs_to(&conn(OPERATOR)), [1, 2]);
    let response = invoke_translate(&deps, batch(&w, &[3, 4, 5])).await;
    let response = response.ok_or_else(|| anyhow::anyhow!("the retry hung"))?;
    assert_eq!(failed(&response), Vec::<String>::new());
    assert_eq!(w.deliver.seqs_to(&conn(OPERATOR)), [1, 2, 3, 4, 5]);
    Ok(())
}

async fn records_seen_twice_and_in_later_batches_are_delivered_once(kind: StoreKind) -> R {
    let w = world(kind, ChatState::Active, "en", &FIVE_FROM_THE_CITIZEN).await;
    let deps = translate_deps(&w);
    for seqs in [&[1, 2, 3][..], &[2, 3, 4, 2, 5, 1], &[5, 4, 3, 2, 1]] {
        let response = invoke_translate(&deps, batch(&w, seqs)).await;
        let response = response.ok_or_else(|| anyhow::anyhow!("an invocation hung"))?;
        assert_eq!(failed(&response), Vec::<String>::new());
    }
    assert_eq!(w.deliver.seqs_to(&conn(OPERATOR)), [1, 2, 3, 4, 5]);
    Ok(())
}

async fn a_410_in_the_middle_of_a_batch_removes_the_socket_and_the_rest_goes_on(
    kind: StoreKind,
) -> R {
    // The operator's replies go to the citizen; the citizen's words to the operator.
    let texts = ["c one", "o two", "o three", "c four", "o five", "c six"];
    let w = world(kind, ChatState::Active, "en", &texts).await;
    let deps = translate_deps(&w);
    w.deliver.then(3, Act::Gone);
    let response = invoke_translate(&deps, batch(&w, &[1, 2, 3, 4, 5, 6])).await;
    let response = response.ok_or_else(|| anyhow::anyhow!("the invocation hung"))?;
    assert_eq!(
        failed(&response),
        Vec::<String>::new(),
        "a 410 is no failure"
    );
    assert_eq!(w.deliver.seqs_to(&conn(CITIZEN)), [2]);
    assert_eq!(w.deliver.seqs_to(&conn(OPERATOR)), [1, 4, 6]);
    assert_eq!(w.store.get_connection(&conn(CITIZEN)).await?, None);
    // Everything stays in the transcript, for the citizen's resume.
    assert_eq!(w.store.messages_after(&w.chat.id, 0, 10).await?.len(), 6);
    Ok(())
}

/// A translator that never answers the first time it is asked (the invocation dies waiting
/// for it), then translates offline.
#[derive(Default)]
struct HangsOnce {
    hung: Mutex<bool>,
    inner: OfflineTranslator,
}

#[async_trait::async_trait]
impl Translator for HangsOnce {
    async fn translate(
        &self,
        text: &str,
        from: &LanguageCode,
        to: &LanguageCode,
    ) -> Result<Translation, TranslateError> {
        let first = !std::mem::replace(
            &mut *self.hung.lock().unwrap_or_else(|e| e.into_inner()),
            true,
        );
        if first {
            std::future::pending::<()>().await;
        }
        self.inner.translate(text, from, to).await
    }
}

/// The bot's answers stored after the questions, by the question they follow.
async fn bot_answers(w: &World) -> anyhow::Result<Vec<u64>> {
    let stored = w.store.messages_after(&w.chat.id, 0, 100).await?;
    Ok(stored
        .iter()
        .filter(|m| m.sender == Sender::Bot)
        .map(|m| m.seq)
        .collect())
}

async fn the_bot_dying_mid_batch_and_retried_answers_each_question_once(kind: StoreKind) -> R {
    // Polish: the bot translates each question to English first (the call that hangs).
    let questions = ["c jak zgłosić kradzież roweru", "c gdzie jest komisariat"];
    let w = world(kind, ChatState::Bot, "pl", &questions).await;
    let faq = faq_reply::FaqDeps {
        chat: w.deps.clone(),
        ledger: w.store.clone(),
        slots: w.store.clone(),
        unanswered: w.store.clone(),
        bot: Arc::new(bluelamp::faq::FaqBot::with_default_kb()?),
        translator: Arc::new(HangsOnce::default()),
    };
    let invoke = |event| tokio::time::timeout(LAMBDA_TIMEOUT, faq_reply::handle(&faq, event));
    assert!(invoke(batch(&w, &[1, 2])).await.is_err(), "it died");
    let response = invoke(batch(&w, &[1, 2])).await?;
    assert_eq!(failed(&response), Vec::<String>::new());
    let answers = bot_answers(&w).await?;
    assert_eq!(answers.len(), 2, "one answer per question: {answers:?}");
    // Seen again, later: no more answers.
    let response = invoke(batch(&w, &[2, 1])).await?;
    assert_eq!(failed(&response), Vec::<String>::new());
    assert_eq!(bot_answers(&w).await?, answers);
    Ok(())
}

bluelamp_tests::both_stores!(
    an_invocation_that_dies_after_a_post_and_is_retried_repeats_only_that_post,
    an_invocation_that_dies_inside_a_post_and_is_retried_loses_nothing,
    a_failed_post_is_the_batch_item_failure_and_the_retry_starts_there,
    records_seen_twice_and_in_later_batches_are_delivered_once,
    a_410_in_the_middle_of_a_batch_removes_the_socket_and_the_rest_goes_on,
    the_bot_dying_mid_batch_and_retried_answers_each_question_once,
);
