//! Load through the local gateway on both stores (the embedded store and moto): N
//! citizen–operator pairs, each chat claimed over the protocol, talking for a bounded time —
//! the citizen says something, the operator's socket receives it and answers, the citizen's
//! socket receives the answer, and again. Every message is counted when sent (acknowledged)
//! and when received by the other side, in order: sent must equal received. Throughput is
//! messages delivered per second; latency is from the send to the other side's socket.
//!
//! Run: `cargo bench -p bluelamp-tests --bench load [-- PAIRS SECONDS]` (default 20 pairs,
//! 10 s per store). `scripts/bench` runs it and puts the figures in docs/performance.md.

use bluelamp_tests::bench::{figure, ms, percentile};
use bluelamp_tests::{spawn_gateway, Client, StoreKind};
use serde_json::json;
use std::time::{Duration, Instant};

/// What one pair did.
#[derive(Default)]
struct PairResult {
    sent: usize,
    received: usize,
    out_of_order: usize,
    latencies: Vec<Duration>,
}

/// Opens a chat, has operator `op{i}` claim it; returns the citizen, the operator and the chat.
async fn pair(gw: &bluelamp_local::Running, i: usize) -> anyhow::Result<(Client, Client, String)> {
    let mut citizen = Client::citizen(gw).await?;
    let (chat, _) = citizen.start_chat().await?;
    citizen.send(json!({"action": "request_operator"})).await?;
    citizen.expect("queued").await?;
    let mut operator = Client::operator(gw, &format!("op{i}")).await?;
    operator.send(json!({"action": "hello"})).await?;
    operator.expect("operator_ready").await?;
    operator
        .send(json!({"action": "claim", "chatId": chat}))
        .await?;
    operator.expect("claimed").await?;
    citizen
        .expect_where("operator_joined", |v| {
            v["type"] == "message" && v["event"]["event"] == "operator_joined"
        })
        .await?;
    Ok((citizen, operator, chat))
}

/// One side (`role`) says `text` and waits for its ack; the other side's socket must receive
/// it next of what that side says.
async fn exchange(
    role: &str,
    from: &mut Client,
    to: &mut Client,
    chat: Option<&str>,
    id: &str,
    text: &str,
    result: &mut PairResult,
) -> bool {
    let t0 = Instant::now();
    if from.say(chat, id, text).await.is_err() {
        return false;
    }
    result.sent += 1;
    let got = to
        .expect_where("the message", |v| {
            v["type"] == "message"
                && v["sender"]["role"] == role
                && v["text"].as_str().is_some_and(|t| t.starts_with("load "))
        })
        .await;
    match got {
        Ok(v) => {
            result.latencies.push(t0.elapsed());
            result.received += 1;
            result.out_of_order += usize::from(v["text"] != text);
            true
        }
        Err(_) => false,
    }
}

async fn talk(
    mut citizen: Client,
    mut operator: Client,
    chat: String,
    i: usize,
    until: Instant,
) -> PairResult {
    let mut result = PairResult::default();
    let mut k = 0;
    while Instant::now() < until {
        let text = format!("load {i} citizen {k}");
        let id = format!("c{k}");
        if !exchange(
            "citizen",
            &mut citizen,
            &mut operator,
            None,
            &id,
            &text,
            &mut result,
        )
        .await
        {
            break;
        }
        let text = format!("load {i} operator {k}");
        let (id, chat) = (format!("o{k}"), Some(chat.as_str()));
        if !exchange(
            "operator",
            &mut operator,
            &mut citizen,
            chat,
            &id,
            &text,
            &mut result,
        )
        .await
        {
            break;
        }
        k += 1;
    }
    result
}

async fn load(kind: StoreKind, pairs: usize, seconds: u64) {
    let store = match kind {
        StoreKind::Embedded => "embedded",
        StoreKind::Dynamo => "moto",
    };
    let gw = spawn_gateway(kind).await;
    let mut ready = Vec::new();
    for i in 0..pairs {
        match pair(&gw, i).await {
            Ok(p) => ready.push(p),
            Err(e) => {
                eprintln!("load on {store}: pair {i} could not start: {e:#}");
                std::process::exit(1);
            }
        }
    }
    let start = Instant::now();
    let until = start + Duration::from_secs(seconds);
    let tasks: Vec<_> = ready
        .into_iter()
        .enumerate()
        .map(|(i, (c, o, chat))| tokio::spawn(talk(c, o, chat, i, until)))
        .collect();
    let mut total = PairResult::default();
    for t in tasks {
        let r = t.await.unwrap_or_default();
        total.sent += r.sent;
        total.received += r.received;
        total.out_of_order += r.out_of_order;
        total.latencies.extend(r.latencies);
    }
    let elapsed = start.elapsed();
    gw.stop().await;
    let throughput = total.received as f64 / elapsed.as_secs_f64();
    let (p50, p99) = (
        percentile(total.latencies.clone(), 0.5),
        percentile(total.latencies, 0.99),
    );
    println!(
        "load through the gateway, {store} store, {pairs} pairs for {seconds} s: \
         {throughput:.0} messages/s, p50 {p50:?}, p99 {p99:?}, sent {}, received {}, out of order {}",
        total.sent, total.received, total.out_of_order
    );
    figure(
        &format!("load.{store}"),
        json!({
            "pairs": pairs, "seconds": seconds, "throughput": throughput.round(),
            "p50_ms": ms(p50), "p99_ms": ms(p99),
            "sent": total.sent, "received": total.received, "out_of_order": total.out_of_order,
        }),
    );
}

fn main() {
    // `cargo bench` passes `--bench`; the numbers are ours.
    let numbers: Vec<u64> = std::env::args().filter_map(|a| a.parse().ok()).collect();
    let pairs = numbers.first().copied().unwrap_or(20) as usize;
    let seconds = numbers.get(1).copied().unwrap_or(10);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        load(StoreKind::Embedded, pairs, seconds).await;
        load(StoreKind::Dynamo, pairs, seconds).await;
    });
}
