//! The delivering stream consumer against a fixture of a real DynamoDB stream event.

use aws_lambda_events::dynamodb::Event;
use bluelamp::chat::Deps;
use bluelamp::config::ChatConfig;
use bluelamp::delivery::RecordingDelivery;
use bluelamp::domain::*;
use bluelamp::protocol::ServerFrame;
use bluelamp::store::{ChatStore, ConnectionStore, MemoryStore};
use bluelamp::translation::{
    InMemoryTranslationCache, OfflineTranslator, RoutingTranslator, Translators,
};
use std::sync::Arc;
use translate::TranslateDeps;

fn event() -> Event {
    serde_json::from_str(include_str!("fixtures/stream_insert_citizen_message.json"))
        .expect("fixture parses as a DynamoDB stream event")
}

const OP_CONN: &str = "P2AmcdL1LPECJbA=";

/// A chat held by alice, with the message of the fixture stored as seq 1.
async fn setup() -> (TranslateDeps, Arc<MemoryStore>, Arc<RecordingDelivery>) {
    let store = Arc::new(MemoryStore::new());
    let deliver = Arc::new(RecordingDelivery::new());
    let alice = OperatorId::parse("alice").unwrap();
    let chat = Chat::for_test("c1")
        .active("alice")
        .citizen("O1ZlbfkkLPECIPw=")
        .build();
    store.create_chat(&chat).await.unwrap();
    store
        .append_message(
            &chat,
            NewMessage::text(
                Sender::Citizen,
                &MessageText::parse("my bike was stolen").unwrap(),
                &LanguageCode::english(),
                Some(ClientMessageId::parse("m-1").unwrap()),
                1_795_810_600_123,
            ),
        )
        .await
        .unwrap();
    store
        .put_connection(&Connection::opened(
            ConnectionId::parse(OP_CONN).unwrap(),
            Role::Operator { operator_id: alice },
            1,
            2_000_000_000,
        ))
        .await
        .unwrap();
    let deps = Deps::over(
        store.clone(),
        deliver.clone(),
        ChatConfig::default(),
        bluelamp::metrics::Metrics::discard(),
    );
    let offline = Arc::new(OfflineTranslator::new());
    let translators = Translators::new(
        Arc::new(RoutingTranslator::new(offline.clone(), offline)),
        Arc::new(InMemoryTranslationCache::new()),
        1,
    );
    (
        TranslateDeps {
            chat: deps,
            ledger: store.clone(),
            slots: store.clone(),
            translators,
        },
        store,
        deliver,
    )
}

#[tokio::test]
async fn a_new_citizen_message_reaches_the_operator_and_other_records_are_ignored() {
    let (deps, _store, deliver) = setup().await;
    let resp = translate::handle(&deps, event()).await;
    assert!(resp.batch_item_failures.is_empty());
    let frames = deliver.frames_to(&ConnectionId::parse(OP_CONN).unwrap());
    assert_eq!(frames.len(), 1);
    match &frames[0] {
        ServerFrame::Message(m) => {
            assert_eq!(m.text.as_deref(), Some("my bike was stolen"));
            assert_eq!(m.seq, 1);
        }
        other => panic!("{other:?}"),
    }
    // The citizen does not get their own message back.
    assert_eq!(deliver.posted().len(), 1);
}

#[tokio::test]
async fn a_record_delivered_twice_reaches_the_socket_once() {
    let (deps, _store, deliver) = setup().await;
    translate::handle(&deps, event()).await;
    let resp = translate::handle(&deps, event()).await;
    assert!(resp.batch_item_failures.is_empty());
    assert_eq!(deliver.posted().len(), 1);
}

#[tokio::test]
async fn a_gone_operator_connection_is_removed_and_is_not_a_failure() {
    let (deps, store, deliver) = setup().await;
    let conn = ConnectionId::parse(OP_CONN).unwrap();
    deliver.mark_gone(&conn);
    let resp = translate::handle(&deps, event()).await;
    assert!(resp.batch_item_failures.is_empty());
    assert_eq!(store.get_connection(&conn).await.unwrap(), None);
    // The message is still in the transcript.
    let kept = store
        .messages_after(&ChatId::parse("c1").unwrap(), 0, 10)
        .await
        .unwrap();
    assert_eq!(kept.len(), 1);
}

#[tokio::test]
async fn a_failed_delivery_is_reported_by_sequence_number_and_delivered_on_retry() {
    let (deps, _store, deliver) = setup().await;
    let conn = ConnectionId::parse(OP_CONN).unwrap();
    deliver.set_failing(&conn, true);
    let resp = translate::handle(&deps, event()).await;
    let ids: Vec<_> = resp
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone())
        .collect();
    assert_eq!(ids, vec![Some("111100000000012345678901".to_owned())]);
    deliver.set_failing(&conn, false);
    let resp = translate::handle(&deps, event()).await;
    assert!(resp.batch_item_failures.is_empty());
    assert_eq!(deliver.frames_to(&conn).len(), 1);
}

#[tokio::test]
async fn a_failed_record_is_counted_in_failed_records_and_a_good_batch_writes_no_metric() {
    let (mut deps, _store, deliver) = setup().await;
    let (metrics, emitted) = bluelamp::metrics::Metrics::captured();
    deps.chat.metrics = metrics;
    let conn = ConnectionId::parse(OP_CONN).unwrap();
    deliver.set_failing(&conn, true);
    translate::handle(&deps, event()).await;
    assert_eq!(emitted.values("FailedRecords"), vec![1.0]);
    assert_eq!(emitted.documents()[0]["Force"], "demo");
    deliver.set_failing(&conn, false);
    translate::handle(&deps, event()).await;
    assert_eq!(emitted.lines().len(), 1, "{:?}", emitted.lines());
}

#[tokio::test]
async fn the_scheduled_run_emits_the_queue_s_gauges_every_time() {
    let (mut deps, store, _deliver) = setup().await;
    let (metrics, emitted) = bluelamp::metrics::Metrics::captured();
    deps.chat.metrics = metrics;
    // Nothing waiting: zeros, one operator (alice) available.
    translate::invoke(&deps, translate::Invocation::RetryPending).await;
    let now = now_ms();
    for (id, waited_secs, priority) in [
        ("w1", 90, Priority::Normal),
        ("w2", 400, Priority::Normal),
        ("w3", 10, Priority::Emergency),
    ] {
        let mut chat = store
            .get_chat(&ChatId::parse("c1").unwrap())
            .await
            .unwrap()
            .unwrap();
        chat.id = ChatId::parse(id).unwrap();
        chat.state = ChatState::Waiting;
        chat.operator = None;
        chat.queue = Some(QueueSlot {
            priority,
            since_ms: now - waited_secs * 1000,
        });
        store.create_chat(&chat).await.unwrap();
    }
    translate::invoke(&deps, translate::Invocation::RetryPending).await;
    assert_eq!(emitted.values("ChatsWaiting"), vec![0.0, 3.0]);
    assert_eq!(emitted.values("OperatorsAvailable"), vec![1.0, 1.0]);
    let longest = emitted.values("LongestWaitSeconds");
    assert_eq!(longest[0], 0.0);
    // The longest waiter, not the head (the emergency jumped the queue).
    assert!((400.0..402.0).contains(&longest[1]), "{longest:?}");
    let doc = &emitted.documents()[1];
    assert_eq!(
        doc.as_object().unwrap().len(),
        5,
        "_aws, Force and the three gauges: {doc}"
    );
}
