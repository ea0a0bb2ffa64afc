//! A conversation over real WebSockets through the local gateway while a seeded schedule
//! injects faults into one port the functions use (`bluelamp_tests::faults`): the management
//! API client (errors, throttling, latency, a post that reaches the socket but reports a
//! failure), the translator (errors, throttling, latency) and the store (the same four), on
//! the embedded store and on moto. Each person sends as a client following
//! `docs/protocol.md` does: a message is pending until its `ack`, and is sent again with the
//! same `clientMessageId` when no `ack` comes or an `internal` error does.
//!
//! Under every schedule: each acknowledged message reaches the other side, once, in `seq`
//! order (de-duplicated by `seq` only where the protocol says a frame may come twice), the
//! transcript holds each `clientMessageId` once with the `seq` its acks gave, and nothing
//! acknowledged is missing. The seed is printed; `BLUELAMP_FAULT_SEED=<seed>` replays it.

use bluelamp::domain::{ChatId, MessageBody};
use bluelamp_local::{GatewayConfig, Running};
use bluelamp_tests::fault_store::FaultyStore;
use bluelamp_tests::faults::{Fault, FaultPlan, FaultRates, FaultyDelivery, FaultyTranslator};
use bluelamp_tests::{spawn_gateway_with, Client, StoreKind};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

type R = anyhow::Result<()>;

/// Messages each side sends.
const MESSAGES: usize = 5;
/// How long a client waits for an `ack` before it sends again.
const ACK_WAIT: Duration = Duration::from_millis(800);
/// How many times a client sends one message before the test gives up.
const ATTEMPTS: usize = 12;
/// How long the other side may take to receive everything once the faults stop.
const SETTLE: Duration = Duration::from_secs(15);
/// The quiet period after which nothing more is expected.
const QUIET: Duration = Duration::from_millis(300);

/// Where the schedule's faults go.
#[derive(Clone, Copy, Debug)]
enum Port {
    Delivery,
    Translator,
    Store,
}

/// Words from a person of this role (not the bot's answers, not events).
fn words_from(v: &Value, role: &str) -> bool {
    v["type"] == "message" && v["text"].is_string() && v["sender"]["role"] == role
}

/// Sends one message until it is acknowledged; returns every `ack` seen for it.
async fn send_until_acked(
    client: &mut Client,
    chat: Option<&str>,
    id: &str,
    text: &str,
) -> anyhow::Result<Value> {
    let mut frame = json!({"action": "send", "clientMessageId": id, "text": text});
    if let Some(c) = chat {
        frame["chatId"] = json!(c);
    }
    for _ in 0..ATTEMPTS {
        client.send(frame.clone()).await?;
        let answer = client
            .next_within(ACK_WAIT, |v| {
                (v["type"] == "ack" && v["clientMessageId"] == id)
                    || (v["type"] == "error" && v["code"] == "internal")
            })
            .await?;
        match answer {
            Some(ack) if ack["type"] == "ack" => return Ok(ack),
            // An `internal` error, or nothing: send it again, with the same id.
            _ => continue,
        }
    }
    anyhow::bail!("{id} was never acknowledged in {ATTEMPTS} attempts")
}

/// One side's part: sends its messages one after another, each once acknowledged; returns
/// the `seq` of each by its id.
async fn speak(
    client: &mut Client,
    chat: Option<&str>,
    prefix: &str,
) -> anyhow::Result<BTreeMap<String, u64>> {
    let mut acked = BTreeMap::new();
    for i in 0..MESSAGES {
        let id = format!("{prefix}{i}");
        let ack = send_until_acked(client, chat, &id, &format!("{prefix} says number {i}")).await?;
        let seq = ack["seq"]
            .as_u64()
            .ok_or_else(|| anyhow::anyhow!("an ack without a seq: {ack}"))?;
        acked.insert(id, seq);
    }
    Ok(acked)
}

/// The frames of the other side's words that reach `client`, in the order they came, once
/// every expected `seq` is among them (or `SETTLE` has passed) and nothing more comes.
async fn received(
    client: &mut Client,
    from: &str,
    expected: &BTreeSet<u64>,
    updates_expected: bool,
) -> anyhow::Result<Vec<Value>> {
    let deadline = Instant::now() + SETTLE;
    let mut got: Vec<Value> = Vec::new();
    loop {
        got.extend(
            client
                .drain(QUIET)
                .await?
                .into_iter()
                .filter(|v| words_from(v, from)),
        );
        let seen: BTreeSet<u64> = got.iter().filter_map(|v| v["seq"].as_u64()).collect();
        let waiting_for_update = updates_expected && !unavailable_then_updated(&got);
        if (expected.is_subset(&seen) && !waiting_for_update) || Instant::now() > deadline {
            return Ok(got);
        }
    }
}

/// Whether every message that first came untranslated has come again translated.
fn unavailable_then_updated(frames: &[Value]) -> bool {
    let unavailable: BTreeSet<u64> = frames
        .iter()
        .filter(|v| v["translationUnavailable"] == true)
        .filter_map(|v| v["seq"].as_u64())
        .collect();
    unavailable.iter().all(|seq| {
        frames
            .iter()
            .any(|v| v["seq"] == *seq && v["translationUnavailable"] != true)
    })
}

/// Each expected `seq` first arrives once, in increasing order, and nothing else arrives. A
/// `seq` may come again only as the protocol allows: as the update of a message that came
/// untranslated (once), or, when `reposts` (a post whose reply was lost is posted again), as
/// the very same frame right after it.
fn check_delivery(frames: &[Value], expected: &BTreeSet<u64>, reposts: bool) -> Result<(), String> {
    let mut firsts: Vec<u64> = Vec::new();
    let mut updated: BTreeSet<u64> = BTreeSet::new();
    for (i, frame) in frames.iter().enumerate() {
        let seq = frame["seq"].as_u64().ok_or("a message without a seq")?;
        let earlier: Vec<&Value> = frames[..i].iter().filter(|v| v["seq"] == seq).collect();
        if earlier.is_empty() {
            if firsts.last().is_some_and(|last| *last > seq) {
                return Err(format!("seq {seq} came after {firsts:?}: out of order"));
            }
            firsts.push(seq);
            continue;
        }
        let repost = reposts && i > 0 && frames[i - 1] == *frame;
        let update = earlier.iter().any(|v| v["translationUnavailable"] == true)
            && frame["translationUnavailable"] != true
            && updated.insert(seq);
        if !repost && !update {
            return Err(format!(
                "seq {seq} came again as frame {i}, neither an update nor a repost: {frame}"
            ));
        }
    }
    let got: BTreeSet<u64> = firsts.iter().copied().collect();
    if got != *expected {
        let lost: Vec<_> = expected.difference(&got).collect();
        let extra: Vec<_> = got.difference(expected).collect();
        return Err(format!("lost {lost:?}, not acknowledged {extra:?}"));
    }
    Ok(())
}

/// The stored transcript holds each sent id once, at the `seq` its acks gave.
async fn check_transcript(
    gw: &Running,
    chat: &str,
    acked: &BTreeMap<String, u64>,
) -> Result<(), String> {
    let id = ChatId::parse(chat).map_err(|e| e.to_string())?;
    let stored = gw
        .deps
        .chats
        .messages_after(&id, 0, 1000)
        .await
        .map_err(|e| e.to_string())?;
    let mut by_id: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for m in &stored {
        if let (Some(cmid), MessageBody::Text { .. }) = (&m.client_message_id, &m.body) {
            by_id
                .entry(cmid.as_str().to_owned())
                .or_default()
                .push(m.seq);
        }
    }
    for (cmid, seq) in acked {
        match by_id.get(cmid).map(Vec::as_slice) {
            Some([stored]) if stored == seq => {}
            other => return Err(format!("{cmid} acked as {seq}, stored as {other:?}")),
        }
    }
    if by_id.len() != acked.len() {
        return Err(format!("stored {} ids, acked {}", by_id.len(), acked.len()));
    }
    Ok(())
}

/// A citizen (in `language`, chosen) and an operator talk, each sending [`MESSAGES`], while
/// `plan` injects faults; then everything is checked with the faults off.
async fn conversation(gw: &Running, plan: &FaultPlan, language: &str, reposts: bool) -> R {
    let mut citizen = Client::citizen(gw).await?;
    citizen
        .send(json!({"action": "start", "language": language, "languageChosen": true}))
        .await?;
    let chat = citizen.expect("chat_started").await?["chatId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    citizen.send(json!({"action": "request_operator"})).await?;
    citizen.expect("queued").await?;
    let mut operator = Client::operator(gw, "alice").await?;
    operator
        .send(json!({"action": "claim", "chatId": chat}))
        .await?;
    operator.expect("claimed").await?;

    plan.arm();
    let (from_citizen, from_operator) = tokio::join!(
        speak(&mut citizen, None, "c"),
        speak(&mut operator, Some(&chat), "o"),
    );
    plan.disarm();
    let (from_citizen, from_operator) = (from_citizen?, from_operator?);

    let translated = language != "en";
    let expect = |acked: &BTreeMap<String, u64>| acked.values().copied().collect::<BTreeSet<_>>();
    let to_operator =
        received(&mut operator, "citizen", &expect(&from_citizen), translated).await?;
    let to_citizen = received(
        &mut citizen,
        "operator",
        &expect(&from_operator),
        translated,
    )
    .await?;
    let context = |who: &str, e: String| anyhow::anyhow!("{who}: {e}; {}", plan.summary());
    check_delivery(&to_operator, &expect(&from_citizen), reposts)
        .map_err(|e| context("to the operator", e))?;
    check_delivery(&to_citizen, &expect(&from_operator), reposts)
        .map_err(|e| context("to the citizen", e))?;
    if translated {
        anyhow::ensure!(
            unavailable_then_updated(&to_operator) && unavailable_then_updated(&to_citizen),
            "a translation that failed was never delivered later; {}",
            plan.summary()
        );
    }
    let mut acked = from_citizen;
    acked.extend(from_operator);
    check_transcript(gw, &chat, &acked)
        .await
        .map_err(|e| context("the transcript", e))?;
    println!("{}", plan.summary());
    Ok(())
}

async fn under(kind: StoreKind, port: Port, name: &str, rates: FaultRates, fault: Fault) -> R {
    let plan = FaultPlan::new(name, rates);
    let layered = plan.clone();
    let gw = spawn_gateway_with(kind, move |c: &mut GatewayConfig| match port {
        Port::Delivery => c.deliver_layer = Some(FaultyDelivery::layer(layered)),
        Port::Translator => {
            c.translator = Arc::new(FaultyTranslator::new(c.translator.clone(), layered));
            c.translation_retry_every = Duration::from_millis(200);
        }
        Port::Store => c.store_layer = Some(FaultyStore::layer(layered)),
    })
    .await;
    let language = match port {
        Port::Translator => "pl",
        Port::Delivery | Port::Store => "en",
    };
    // A post whose reply was lost is posted again (the management API has no idempotency
    // key): the one case where the same frame may reach a socket twice.
    let reposts = matches!(port, Port::Delivery) && fault == Fault::LostReply;
    conversation(&gw, &plan, language, reposts).await?;
    // The schedule did what it says (a test whose faults never fired shows nothing).
    anyhow::ensure!(
        plan.count(fault) > 0,
        "no {fault:?} was injected; {}",
        plan.summary()
    );
    gw.stop().await;
    Ok(())
}

const SLOW: Duration = Duration::from_millis(150);

async fn posts_that_fail(kind: StoreKind) -> R {
    let rates = FaultRates::errors(0.3);
    under(kind, Port::Delivery, "posts that fail", rates, Fault::Error).await
}

async fn posts_that_are_throttled(kind: StoreKind) -> R {
    let rates = FaultRates::throttling(0.3);
    let fault = Fault::Throttled;
    under(kind, Port::Delivery, "throttled posts", rates, fault).await
}

async fn posts_that_are_slow(kind: StoreKind) -> R {
    let rates = FaultRates::latency(0.5, SLOW);
    let fault = Fault::Slow(SLOW);
    under(kind, Port::Delivery, "slow posts", rates, fault).await
}

async fn posts_that_land_but_lose_their_reply(kind: StoreKind) -> R {
    let rates = FaultRates::lost_replies(0.3);
    let fault = Fault::LostReply;
    under(
        kind,
        Port::Delivery,
        "posts with lost replies",
        rates,
        fault,
    )
    .await
}

async fn translations_that_fail(kind: StoreKind) -> R {
    let rates = FaultRates::errors(0.4);
    let fault = Fault::Error;
    under(kind, Port::Translator, "failing translations", rates, fault).await
}

async fn translations_that_are_throttled(kind: StoreKind) -> R {
    let rates = FaultRates::throttling(0.4);
    let fault = Fault::Throttled;
    under(
        kind,
        Port::Translator,
        "throttled translations",
        rates,
        fault,
    )
    .await
}

async fn translations_that_are_slow(kind: StoreKind) -> R {
    let rates = FaultRates::latency(0.5, SLOW);
    let fault = Fault::Slow(SLOW);
    under(kind, Port::Translator, "slow translations", rates, fault).await
}

async fn store_calls_that_fail(kind: StoreKind) -> R {
    let rates = FaultRates::errors(0.15);
    under(
        kind,
        Port::Store,
        "failing store calls",
        rates,
        Fault::Error,
    )
    .await
}

async fn store_calls_that_are_throttled(kind: StoreKind) -> R {
    let rates = FaultRates::throttling(0.15);
    let fault = Fault::Throttled;
    under(kind, Port::Store, "throttled store calls", rates, fault).await
}

async fn store_calls_that_are_slow(kind: StoreKind) -> R {
    let rates = FaultRates::latency(0.3, Duration::from_millis(60));
    let fault = Fault::Slow(SLOW);
    under(kind, Port::Store, "slow store calls", rates, fault).await
}

async fn store_writes_that_land_but_lose_their_reply(kind: StoreKind) -> R {
    let rates = FaultRates::lost_replies(0.15);
    let fault = Fault::LostReply;
    under(
        kind,
        Port::Store,
        "store writes with lost replies",
        rates,
        fault,
    )
    .await
}

bluelamp_tests::both_stores!(
    posts_that_fail,
    posts_that_are_throttled,
    posts_that_are_slow,
    posts_that_land_but_lose_their_reply,
    translations_that_fail,
    translations_that_are_throttled,
    translations_that_are_slow,
    store_calls_that_fail,
    store_calls_that_are_throttled,
    store_calls_that_are_slow,
    store_writes_that_land_but_lose_their_reply,
);

#[test]
fn the_delivery_check_refuses_loss_disorder_and_repeats() {
    let m = |seq: u64| json!({"type": "message", "seq": seq, "text": "x"});
    let unavailable = |seq: u64| json!({"seq": seq, "text": "x", "translationUnavailable": true});
    let all: BTreeSet<u64> = [1, 3, 5].into();
    assert_eq!(check_delivery(&[m(1), m(3), m(5)], &all, false), Ok(()));
    assert!(check_delivery(&[m(1), m(5)], &all, false).is_err());
    assert!(check_delivery(&[m(1), m(5), m(3)], &all, false).is_err());
    assert!(check_delivery(&[m(1), m(3), m(3), m(5)], &all, false).is_err());
    assert_eq!(
        check_delivery(&[m(1), m(3), m(3), m(5)], &all, true),
        Ok(())
    );
    assert!(check_delivery(&[m(1), m(3), m(5), m(3)], &all, true).is_err());
    assert!(check_delivery(&[m(1), m(3), m(5), m(7)], &all, false).is_err());
    let updated = [m(1), unavailable(3), m(5), m(3)];
    assert_eq!(check_delivery(&updated, &all, false), Ok(()));
    let twice = [m(1), unavailable(3), m(5), m(3), m(3)];
    assert!(check_delivery(&twice, &all, false).is_err());
}
