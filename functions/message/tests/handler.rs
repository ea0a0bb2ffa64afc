//! The message handler against JSON fixtures of real API Gateway WebSocket events.

use aws_lambda_events::apigw::ApiGatewayWebsocketProxyRequest;
use bluelamp::chat::Deps;
use bluelamp::config::ChatConfig;
use bluelamp::delivery::{Api, RecordingDelivery};
use bluelamp::domain::{ChatState, Connection, ConnectionId, Role};
use bluelamp::protocol::{ErrorCode, ServerFrame};
use bluelamp::store::{ChatStore, ConnectionStore, MemoryStore};
use bluelamp::translation::OfflineTranslator;
use message::MessageDeps;
use std::sync::Arc;

const CONN: &str = "O1ZlbfkkLPECIPw=";

fn fixture(json: &str) -> ApiGatewayWebsocketProxyRequest {
    serde_json::from_str(json).expect("fixture parses as an API Gateway WebSocket event")
}

async fn setup() -> (MessageDeps, Arc<MemoryStore>, Arc<RecordingDelivery>) {
    let store = Arc::new(MemoryStore::new());
    let deliver = Arc::new(RecordingDelivery::new());
    store
        .put_connection(&Connection::opened(
            ConnectionId::parse(CONN).unwrap(),
            Role::Citizen,
            1,
            2_000_000_000,
        ))
        .await
        .unwrap();
    let deps = MessageDeps {
        feedback: store.clone(),
        unanswered: store.clone(),
        chat: Deps::over(
            store.clone(),
            deliver.clone(),
            ChatConfig::default(),
            bluelamp::metrics::Metrics::discard(),
        ),
        preview: Arc::new(OfflineTranslator::new()),
    };
    (deps, store, deliver)
}

#[tokio::test]
async fn a_start_frame_creates_a_chat_in_the_citizens_language() {
    let (deps, store, deliver) = setup().await;
    let resp = message::handle(&deps, fixture(include_str!("fixtures/message_start.json"))).await;
    assert_eq!(resp.status_code, 200);
    let posted = deliver.posted();
    assert_eq!(posted.len(), 1);
    let (api, to, frame) = &posted[0];
    assert_eq!((*api, to.as_str()), (Api::Public, CONN));
    let ServerFrame::ChatStarted {
        chat_id,
        resume_token,
        language,
        state,
        ..
    } = frame
    else {
        panic!("expected chat_started, got {frame:?}");
    };
    assert_eq!(language.as_str(), "pl");
    assert_eq!(*state, ChatState::Bot);
    assert!(resume_token.starts_with(&format!("{chat_id}.")));
    let chat = store.get_chat(chat_id).await.unwrap().unwrap();
    assert_eq!(chat.citizen_connection.unwrap().as_str(), CONN);
    assert!(!chat
        .resume_hash
        .contains(&resume_token[chat_id.as_str().len() + 1..]));
    let conn = store
        .get_connection(&ConnectionId::parse(CONN).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(conn.chat.as_ref(), Some(chat_id));
}

#[tokio::test]
async fn an_operator_action_on_the_public_default_route_is_forbidden() {
    let (deps, _store, deliver) = setup().await;
    let resp = message::handle(
        &deps,
        fixture(include_str!("fixtures/message_default_route.json")),
    )
    .await;
    assert_eq!(resp.status_code, 200);
    match &deliver.frames_to(&ConnectionId::parse(CONN).unwrap())[..] {
        [ServerFrame::Error(e)] => assert_eq!(e.code, ErrorCode::Forbidden),
        other => panic!("expected one forbidden error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_base64_body_is_decoded_as_api_gateway_sends_binary_frames() {
    let (deps, _store, deliver) = setup().await;
    let mut event = fixture(include_str!("fixtures/message_start.json"));
    event.body = Some("eyJhY3Rpb24iOiJwaW5nIn0=".into()); // {"action":"ping"}
    event.is_base64_encoded = true;
    message::handle(&deps, event).await;
    assert_eq!(
        deliver.frames_to(&ConnectionId::parse(CONN).unwrap()),
        vec![ServerFrame::Pong {}]
    );
}

#[tokio::test]
async fn a_frame_from_an_unknown_connection_is_refused_without_a_reply() {
    let (deps, _store, deliver) = setup().await;
    let mut event = fixture(include_str!("fixtures/message_start.json"));
    event.request_context.connection_id = Some("UnknownConnId=".into());
    let resp = message::handle(&deps, event).await;
    assert_eq!(resp.status_code, 403);
    assert!(deliver.posted().is_empty());
}

#[tokio::test]
async fn a_stored_message_is_counted_once_in_messages_stored() {
    let (mut deps, _store, deliver) = setup().await;
    let (metrics, emitted) = bluelamp::metrics::Metrics::captured();
    deps.chat.metrics = metrics;
    message::handle(&deps, fixture(include_str!("fixtures/message_start.json"))).await;
    assert!(
        emitted.lines().is_empty(),
        "starting a chat stores no message"
    );
    let words = "my bike was stolen from the station";
    for _ in 0..2 {
        // The same client message id twice: the retry stores nothing new.
        let mut event = fixture(include_str!("fixtures/message_start.json"));
        event.body = Some(
            serde_json::json!({"action": "send", "clientMessageId": "c1", "text": words})
                .to_string(),
        );
        message::handle(&deps, event).await;
    }
    let acks = deliver
        .frames_to(&ConnectionId::parse(CONN).unwrap())
        .into_iter()
        .filter(|f| matches!(f, ServerFrame::Ack { .. }))
        .count();
    assert_eq!(acks, 2);
    assert_eq!(emitted.values("MessagesStored"), vec![1.0]);
    assert_eq!(emitted.documents()[0]["Force"], "demo");
    assert!(
        emitted.lines().iter().all(|l| !l.contains("bike")),
        "no words in a metric"
    );
}
