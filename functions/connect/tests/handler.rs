//! The connect handler against JSON fixtures of real API Gateway WebSocket events.

use aws_lambda_events::apigw::ApiGatewayWebsocketProxyRequest;
use bluelamp::chat::Deps;
use bluelamp::config::ChatConfig;
use bluelamp::delivery::RecordingDelivery;
use bluelamp::domain::*;
use bluelamp::store::{ChatStore, ConnectionStore, MemoryStore};
use std::sync::Arc;

fn fixture(json: &str) -> ApiGatewayWebsocketProxyRequest {
    serde_json::from_str(json).expect("fixture parses as an API Gateway WebSocket event")
}

fn deps() -> (Deps, Arc<MemoryStore>) {
    let store = Arc::new(MemoryStore::new());
    let deps = Deps::over(
        store.clone(),
        Arc::new(RecordingDelivery::new()),
        ChatConfig::default(),
        bluelamp::metrics::Metrics::discard(),
    );
    (deps, store)
}

#[tokio::test]
async fn a_public_connection_is_a_citizen() {
    let (deps, store) = deps();
    let r = connect::handle(&deps, fixture(include_str!("fixtures/connect_public.json"))).await;
    assert_eq!(r.status_code, 200);
    let c = store
        .get_connection(&ConnectionId::parse("O1ZlbfkkLPECIPw=").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.role, Role::Citizen);
    assert!(c.expires_at > c.connected_ms / 1000);
}

#[tokio::test]
async fn an_operator_is_known_only_from_the_authorizer_context() {
    let (deps, store) = deps();
    let r = connect::handle(
        &deps,
        fixture(include_str!("fixtures/connect_operator.json")),
    )
    .await;
    assert_eq!(r.status_code, 200);
    let c = store
        .get_connection(&ConnectionId::parse("P2AmcdL1LPECJbA=").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        c.role,
        Role::Operator {
            operator_id: OperatorId::parse("7c1e9a52-op-alice").unwrap()
        }
    );
}

#[tokio::test]
async fn a_malformed_operator_identity_is_refused() {
    let (deps, store) = deps();
    let mut event = fixture(include_str!("fixtures/connect_operator.json"));
    event.request_context.authorizer.fields.insert(
        bluelamp::auth::CONTEXT_OPERATOR_ID.into(),
        serde_json::json!("alice#admin"),
    );
    let r = connect::handle(&deps, event).await;
    assert_eq!(r.status_code, 403);
    assert!(store.operator_connections(None).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_citizen_who_disconnects_mid_chat_is_reported_to_the_operator_and_nothing_is_lost() {
    let (deps, store) = deps();
    connect::handle(&deps, fixture(include_str!("fixtures/connect_public.json"))).await;
    let conn_id = ConnectionId::parse("O1ZlbfkkLPECIPw=").unwrap();
    let chat = Chat::for_test("c1")
        .active("alice")
        .citizen(conn_id.as_str())
        .build();
    store.create_chat(&chat).await.unwrap();
    store.set_connection_chat(&conn_id, &chat.id).await.unwrap();
    store
        .append_message(
            &chat,
            NewMessage::text(
                Sender::Citizen,
                &MessageText::parse("hello").unwrap(),
                &LanguageCode::english(),
                None,
                1,
            ),
        )
        .await
        .unwrap();
    let r = connect::handle(
        &deps,
        fixture(include_str!("fixtures/disconnect_public.json")),
    )
    .await;
    assert_eq!(r.status_code, 200);
    assert_eq!(store.get_connection(&conn_id).await.unwrap(), None);
    let after = store.get_chat(&chat.id).await.unwrap().unwrap();
    assert_eq!(after.state, ChatState::Active);
    assert_eq!(after.citizen_connection, None);
    let messages = store.messages_after(&chat.id, 0, 10).await.unwrap();
    assert_eq!(messages.len(), 2);
    assert_eq!(
        messages[1].body,
        MessageBody::Event(ChatEvent::CitizenDisconnected)
    );
}
