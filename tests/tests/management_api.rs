//! The local gateway's management API is API Gateway's: the real AWS CLI and the real SDK
//! client work against it, and a gone connection answers 410.

use bluelamp::delivery::{post_or_forget, Api, ApiGatewayDelivery, Deliver, DeliveryError, Posted};
use bluelamp::domain::{Connection, ConnectionId, Role};
use bluelamp::protocol::ServerFrame;
use bluelamp::store::{ConnectionStore, MemoryStore};
use bluelamp_tests::{aws_cli, spawn_gateway, Client, StoreKind};
use serde_json::Value;
use std::time::Duration;

async fn only_public_connection(gw: &bluelamp_local::Running) -> String {
    for _ in 0..50 {
        if let [id] = &gw.sockets.ids(Api::Public)[..] {
            return id.clone();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!(
        "expected one public socket, found {:?}",
        gw.sockets.ids(Api::Public)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_aws_cli_posts_reads_and_deletes_connections() -> anyhow::Result<()> {
    let gw = spawn_gateway(StoreKind::Embedded).await;
    let mut citizen = Client::citizen(&gw).await?;
    let id = only_public_connection(&gw).await;
    let endpoint = gw.management_url(Api::Public);
    // `--connection-id=ID`: an id may begin with '-', which the CLI would read as an option.

    let out = aws_cli(&[
        "apigatewaymanagementapi",
        "post-to-connection",
        "--endpoint-url",
        &endpoint,
        &format!("--connection-id={id}"),
        "--data",
        r#"{"type":"notice","text":"from the CLI"}"#,
    ])
    .await?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let notice = citizen.expect("notice").await?;
    assert_eq!(notice["text"], "from the CLI");

    let out = aws_cli(&[
        "apigatewaymanagementapi",
        "get-connection",
        "--endpoint-url",
        &endpoint,
        &format!("--connection-id={id}"),
    ])
    .await?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info: Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(info["Identity"]["SourceIp"], "127.0.0.1");
    assert!(info["ConnectedAt"].is_string());

    // The public API's connection is unknown to the operator API's endpoint.
    let out = aws_cli(&[
        "apigatewaymanagementapi",
        "get-connection",
        "--endpoint-url",
        &gw.management_url(Api::Operator),
        &format!("--connection-id={id}"),
    ])
    .await?;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("GoneException"));

    let out = aws_cli(&[
        "apigatewaymanagementapi",
        "delete-connection",
        "--endpoint-url",
        &endpoint,
        &format!("--connection-id={id}"),
    ])
    .await?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        citizen.expect("never").await.is_err(),
        "the socket was closed"
    );

    for _ in 0..50 {
        if gw.sockets.ids(Api::Public).is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let out = aws_cli(&[
        "apigatewaymanagementapi",
        "post-to-connection",
        "--endpoint-url",
        &endpoint,
        &format!("--connection-id={id}"),
        "--data",
        "{}",
    ])
    .await?;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("GoneException"));
    gw.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sdk_reads_a_410_as_gone_and_the_connection_is_forgotten() -> anyhow::Result<()> {
    let gw = spawn_gateway(StoreKind::Embedded).await;
    let sdk = bluelamp::config::aws_local(None);
    let delivery = ApiGatewayDelivery::from_endpoints(
        &sdk,
        &gw.management_url(Api::Public),
        &gw.management_url(Api::Operator),
    );
    let gone = ConnectionId::parse("NoSuchConn0=")?;
    let r = delivery
        .post(Api::Public, &gone, &ServerFrame::Pong {})
        .await;
    assert!(matches!(r, Err(DeliveryError::Gone)), "{r:?}");

    let store = MemoryStore::new();
    store
        .put_connection(&Connection::opened(
            gone.clone(),
            Role::Citizen,
            0,
            2_000_000_000,
        ))
        .await?;
    let posted =
        post_or_forget(&delivery, &store, Api::Public, &gone, &ServerFrame::Pong {}).await?;
    assert_eq!(posted, Posted::Gone);
    assert_eq!(store.get_connection(&gone).await?, None);

    // A live socket gets the frame through the same client.
    let mut citizen = Client::citizen(&gw).await?;
    let id = ConnectionId::parse(only_public_connection(&gw).await)?;
    delivery
        .post(Api::Public, &id, &ServerFrame::Pong {})
        .await?;
    citizen.expect("pong").await?;
    gw.stop().await;
    Ok(())
}
