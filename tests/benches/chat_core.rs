//! Benchmarks of the chat core against DESIGN.md's budget: CPU per message in the message and
//! translate functions with 10 and 10,000 chats open; DynamoDB requests per message (counted on
//! the wire, against moto); delivery latency through the local gateway with 500 chats at once.
//! Medians and ratios, since these machines are shared and noisy.
//! Run: `cargo bench -p bluelamp-tests --bench chat_core` (`scripts/bench` runs every bench).

use aws_lambda_events::apigw::ApiGatewayWebsocketProxyRequest;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_types::config_bag::ConfigBag;
use bluelamp::chat::Deps;
use bluelamp::config::ChatConfig;
use bluelamp::domain::*;
use bluelamp::store::{ChatStore, MemoryStore, Store};
use bluelamp_tests::bench::{figure, median, ms, percentile, us, CountingDelivery};
use bluelamp_tests::{dynamo_store, moto_endpoint, spawn_gateway, Client, StoreKind};
use serde_json::json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn send_event(conn: &str, cmid: &str) -> ApiGatewayWebsocketProxyRequest {
    serde_json::from_value(json!({
        "requestContext": {
            "routeKey": "send", "eventType": "MESSAGE", "connectionId": conn,
            "apiId": "bench", "stage": "public", "connectedAt": 0, "requestTimeEpoch": 0,
            "identity": {"sourceIp": "127.0.0.1"}
        },
        "body": json!({"action": "send", "clientMessageId": cmid, "text": "my bike was stolen from outside the station this morning"}).to_string(),
        "isBase64Encoded": false
    }))
    .expect("a valid event")
}

/// The translate function's dependencies around the chat ones, with the offline stand-in.
fn translate_deps(deps: &Deps, store: Arc<dyn Store>) -> translate::TranslateDeps {
    let offline = Arc::new(bluelamp::translation::OfflineTranslator::new());
    translate::TranslateDeps {
        chat: deps.clone(),
        ledger: store.clone(),
        slots: store,
        translators: bluelamp::translation::Translators::new(
            Arc::new(bluelamp::translation::RoutingTranslator::new(
                offline.clone(),
                offline,
            )),
            Arc::new(bluelamp::translation::InMemoryTranslationCache::new()),
            1,
        ),
    }
}

/// The message function's dependencies around the chat ones, previews by the offline stand-in.
fn message_deps(deps: &Deps, store: Arc<dyn Store>) -> message::MessageDeps {
    message::MessageDeps {
        chat: deps.clone(),
        feedback: store.clone(),
        unanswered: store,
        preview: Arc::new(bluelamp::translation::OfflineTranslator::new()),
    }
}

/// N active chats, each with a citizen socket; 20 operators share them.
async fn populate(store: &dyn Store, n: usize) -> Vec<(ChatId, String)> {
    let mut chats = Vec::with_capacity(n);
    for j in 0..20 {
        store
            .put_connection(&Connection::opened(
                ConnectionId::parse(format!("op{j}=")).expect("id"),
                Role::Operator {
                    operator_id: OperatorId::parse(format!("op{j}")).expect("id"),
                },
                0,
                2_000_000_000,
            ))
            .await
            .expect("put");
    }
    for i in 0..n {
        let id = ChatId::parse(format!("chat{i}")).expect("id");
        let conn = format!("c{i}=");
        store
            .create_chat(
                &Chat::for_test(id.as_str())
                    .active(&format!("op{}", i % 20))
                    .citizen(&conn)
                    .build(),
            )
            .await
            .expect("create");
        store
            .put_connection(&Connection {
                id: ConnectionId::parse(conn.clone()).expect("id"),
                role: Role::Citizen,
                chat: Some(id.clone()),
                connected_ms: 0,
                expires_at: 2_000_000_000,
                presence: Default::default(),
                supervisor: false,
            })
            .await
            .expect("put");
        chats.push((id, conn));
    }
    chats
}

/// Median time the message function and the translate function spend on one citizen message.
async fn cpu_per_message(open_chats: usize) -> (Duration, Duration) {
    let store = Arc::new(MemoryStore::new());
    let mut config = ChatConfig::default();
    config.rate_limit.max = u32::MAX;
    let deps = Deps::over(
        store.clone(),
        Arc::new(CountingDelivery::default()),
        config,
        bluelamp::metrics::Metrics::discard(),
    );
    let mdeps = message_deps(&deps, store.clone());
    let tdeps = translate_deps(&deps, store.clone());
    let chats = populate(store.as_ref(), open_chats).await;
    let (mut handle_times, mut deliver_times) = (Vec::new(), Vec::new());
    for k in 0..3000 {
        let (chat, conn) = &chats[(k * 7919) % chats.len()];
        let before = store
            .get_chat(chat)
            .await
            .expect("get")
            .expect("chat")
            .last_seq;
        let event = send_event(conn, &format!("m{k}"));
        let t = Instant::now();
        message::handle(&mdeps, event).await;
        let handled = t.elapsed();
        let msg = store
            .messages_after(chat, before, 1)
            .await
            .expect("read")
            .remove(0);
        let t = Instant::now();
        translate::deliver_message(&tdeps, msg)
            .await
            .expect("deliver");
        let delivered = t.elapsed();
        if k >= 300 {
            handle_times.push(handled);
            deliver_times.push(delivered);
        }
    }
    (median(handle_times), median(deliver_times))
}

/// Counts the DynamoDB requests the SDK sends.
#[derive(Debug, Default, Clone)]
struct RequestCounter(Arc<Mutex<HashMap<String, usize>>>);

impl Intercept for RequestCounter {
    fn name(&self) -> &'static str {
        "RequestCounter"
    }
    fn read_before_execution(
        &self,
        _: &BeforeSerializationInterceptorContextRef<'_>,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let op = cfg
            .load::<aws_smithy_runtime_api::client::orchestrator::Metadata>()
            .map(|m| m.name().to_owned())
            .unwrap_or_else(|| "?".into());
        *self
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(op)
            .or_default() += 1;
        Ok(())
    }
}

impl RequestCounter {
    fn take(&self) -> usize {
        let mut m = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let n = m.values().sum();
        m.clear();
        n
    }
}

/// DynamoDB requests per chat message, message + translate, with `open_chats` in the table.
async fn dynamodb_requests_per_message(open_chats: usize) -> (f64, f64) {
    let counter = RequestCounter::default();
    let sdk = bluelamp::config::aws_local(Some(&moto_endpoint()));
    let conf = aws_sdk_dynamodb::config::Builder::from(&sdk)
        .interceptor(counter.clone())
        .build();
    let store = Arc::new(dynamo_store(aws_sdk_dynamodb::Client::from_conf(conf)).await);
    let mut config = ChatConfig::default();
    config.rate_limit.max = u32::MAX;
    let deps = Deps::over(
        store.clone(),
        Arc::new(CountingDelivery::default()),
        config,
        bluelamp::metrics::Metrics::discard(),
    );
    let mdeps = message_deps(&deps, store.clone());
    let tdeps = translate_deps(&deps, store.clone());
    let chats = populate(store.as_ref(), open_chats).await;
    let rounds = 20;
    let (mut in_message, mut in_translate) = (0, 0);
    for k in 0..rounds {
        let (chat, conn) = &chats[k % chats.len()];
        let before = store
            .get_chat(chat)
            .await
            .expect("get")
            .expect("chat")
            .last_seq;
        counter.take();
        message::handle(&mdeps, send_event(conn, &format!("m{k}"))).await;
        in_message += counter.take();
        let msg = store
            .messages_after(chat, before, 1)
            .await
            .expect("read")
            .remove(0);
        counter.take();
        translate::deliver_message(&tdeps, msg)
            .await
            .expect("deliver");
        in_translate += counter.take();
    }
    (
        in_message as f64 / rounds as f64,
        in_translate as f64 / rounds as f64,
    )
}

/// 500 chats at once through the local gateway: each citizen sends one message; the time to
/// the operator's socket.
/// `spread`: the sends are spread evenly over this time (zero: all in the same instant).
async fn gateway_500_chats(spread: Duration) -> (Duration, Duration, usize) {
    const CHATS: usize = 500;
    const OPERATORS: usize = 25;
    let gw = spawn_gateway(StoreKind::Embedded).await;
    let mut citizens = Vec::new();
    let mut chat_ids = Vec::new();
    for _ in 0..CHATS {
        let mut c = Client::citizen(&gw).await.expect("connect");
        let (chat, _) = c.start_chat().await.expect("start");
        citizens.push(c);
        chat_ids.push(chat);
    }
    // The chats are handed to the operators directly through the store: the queue's own cost
    // (every waiting citizen told their place on each change) is not what this measures.
    let mut operators = Vec::new();
    for j in 0..OPERATORS {
        let op = Client::operator(&gw, &format!("op{j}"))
            .await
            .expect("connect");
        for chat in chat_ids.iter().skip(j).step_by(OPERATORS) {
            let patch = ChatPatch {
                state: Some(ChatState::Active),
                operator: Some(Some(OperatorId::parse(format!("op{j}")).expect("id"))),
                ..Default::default()
            };
            gw.deps
                .chats
                .update_chat(
                    &ChatId::parse(chat).expect("id"),
                    &Guard::not_ended(),
                    &patch,
                )
                .await
                .expect("claim");
        }
        operators.push(op);
    }
    let sent: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let mut readers = Vec::new();
    for (j, mut op) in operators.into_iter().enumerate() {
        let sent = sent.clone();
        let expected = chat_ids.iter().skip(j).step_by(OPERATORS).count();
        readers.push(tokio::spawn(async move {
            let mut delays = Vec::new();
            while delays.len() < expected {
                match op
                    .expect_where("bench", |v| v["type"] == "message" && v["text"] == "bench")
                    .await
                {
                    Ok(v) => {
                        let at = Instant::now();
                        let chat = v["chatId"].as_str().unwrap_or_default().to_owned();
                        if let Some(t0) = sent.lock().unwrap_or_else(|p| p.into_inner()).get(&chat)
                        {
                            delays.push(at - *t0);
                        }
                    }
                    Err(_) => break,
                }
            }
            delays
        }));
    }
    let mut senders = Vec::new();
    for (i, (c, chat)) in citizens
        .into_iter()
        .zip(chat_ids.iter().cloned())
        .enumerate()
    {
        let sent = sent.clone();
        let wait = spread.mul_f64(i as f64 / CHATS as f64);
        senders.push(tokio::spawn(async move {
            let mut c = c;
            tokio::time::sleep(wait).await;
            sent.lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(chat, Instant::now());
            c.send(json!({"action": "send", "clientMessageId": "b", "text": "bench"}))
                .await
                .expect("send");
            c
        }));
    }
    let mut keep = Vec::new();
    for s in senders {
        keep.push(s.await.expect("sender"));
    }
    let mut delays = Vec::new();
    for r in readers {
        delays.extend(r.await.expect("reader"));
    }
    let lost = CHATS - delays.len();
    let out = (
        percentile(delays.clone(), 0.5),
        percentile(delays, 0.99),
        lost,
    );
    drop(keep);
    gw.stop().await;
    out
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let mut cpu = serde_json::Map::new();
        let mut base = None;
        for n in [10, 100, 1_000, 10_000] {
            let (handle, deliver) = cpu_per_message(n).await;
            let (h0, d0) = *base.get_or_insert((handle, deliver));
            println!(
                "cpu per message, {n} chats open: message {handle:?}, translate {deliver:?} (median; \
                 ratio to 10 chats {:.2}, {:.2})",
                handle.as_secs_f64() / h0.as_secs_f64(),
                deliver.as_secs_f64() / d0.as_secs_f64()
            );
            cpu.insert(
                n.to_string(),
                json!({"message_us": us(handle), "translate_us": us(deliver)}),
            );
        }
        figure("cpu_per_message", cpu.into());
        let mut requests = serde_json::Map::new();
        for n in [10, 100, 1_000] {
            let (m, t) = dynamodb_requests_per_message(n).await;
            println!("dynamodb requests per message, {n} chats: message {m:.1}, translate {t:.1}");
            requests.insert(n.to_string(), json!({"message": m, "translate": t}));
        }
        figure("dynamodb_requests_per_message", requests.into());
        for (key, spread) in [("burst", Duration::ZERO), ("spread", Duration::from_secs(2))] {
            let (p50, p99, lost) = gateway_500_chats(spread).await;
            println!(
                "local gateway, embedded store, 500 chats sending over {spread:?}: \
                 p50 {p50:?}, p99 {p99:?}, lost {lost}"
            );
            figure(
                &format!("gateway_500.{key}"),
                json!({"p50_ms": ms(p50), "p99_ms": ms(p99), "lost": lost}),
            );
        }
    });
}
