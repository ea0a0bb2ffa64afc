//! `bluelamp-smoke` against the local gateway on both stores: the smoke conversation passes, in
//! production mode too; a broken setup fails naming its step (the Cognito sign-in against moto
//! is the smoke crate's own test, `smoke/tests/cognito.rs`). And what a chat costs, measured: the DynamoDB requests counted on the
//! wire (a counting proxy in front of moto), `PostToConnection` calls counted at the gateway's
//! management API, the functions' invocations from the frames, sockets and reports calls, and
//! the characters sent to the translator (a counting translator in the providers' place).

use bluelamp_local::Running;
use bluelamp_smoke::{run, Credentials, Options, StepFailure, Target};
use bluelamp_tests::{both_stores, moto_endpoint, spawn_gateway, RecordingTranslator, StoreKind};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn target(gw: &Running) -> Target {
    Target {
        public_ws: gw.public_ws_url(),
        operator_ws: format!("ws://{}/operator", gw.addr),
        reports_api: gw.http_url(),
    }
}

fn local(gw: &Running) -> Options {
    Options::smoke(
        target(gw),
        Credentials::Local {
            gateway: gw.http_url(),
            operator: "smoke".into(),
        },
    )
}

async fn smoke(opts: &Options) -> Result<bluelamp_smoke::Outcome, StepFailure> {
    run(opts, &mut |line| println!("{line}")).await
}

async fn smoke_conversation_passes(kind: StoreKind) -> anyhow::Result<()> {
    let gw = spawn_gateway(kind).await;
    let outcome = smoke(&local(&gw)).await?;
    let names: Vec<&str> = outcome.steps.iter().map(|s| s.1).collect();
    for step in [
        "the citizen asks the bot and gets its answer",
        "the operator claims the chat",
        "the citizen writes, the operator reads it translated",
        "the operator replies, the citizen reads it translated",
        "the operator sees the chat ended by quick exit",
        "the operator reads the report back",
        "the operator assesses the report as a test",
    ] {
        anyhow::ensure!(names.contains(&step), "no step {step:?} in {names:?}");
    }
    // It cleaned up: nothing waits in the chat queue or the assessment queue.
    let token = gw.operator_token("checker")?;
    let queue: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/operator/reports", gw.http_url()))
        .bearer_auth(&token)
        .send()
        .await?
        .json()
        .await?;
    anyhow::ensure!(
        queue["reports"].as_array().is_some_and(|i| i.is_empty()),
        "the smoke report is still in the assessment queue: {queue}"
    );
    gw.stop().await;
    Ok(())
}

async fn prod_mode_asks_for_no_operator_and_files_no_report(kind: StoreKind) -> anyhow::Result<()> {
    let gw = spawn_gateway(kind).await;
    let mut opts = local(&gw);
    opts.prod = true;
    let outcome = smoke(&opts).await?;
    let names: Vec<&str> = outcome.steps.iter().map(|s| s.1).collect();
    anyhow::ensure!(
        !names.contains(&"the citizen asks for an operator"),
        "{names:?}"
    );
    anyhow::ensure!(!names.contains(&"a report is filed"), "{names:?}");
    anyhow::ensure!(names.contains(&"an invalid report is refused"), "{names:?}");
    gw.stop().await;
    Ok(())
}

/// The failure as the binary prints it.
fn failure(r: Result<bluelamp_smoke::Outcome, StepFailure>) -> anyhow::Result<String> {
    match r {
        Ok(_) => anyhow::bail!("the smoke test passed on a broken setup"),
        Err(f) => Ok(f.to_string()),
    }
}

async fn a_broken_setup_fails_naming_the_step(kind: StoreKind) -> anyhow::Result<()> {
    let gw = spawn_gateway(kind).await;
    let mut opts = local(&gw);
    opts.step_timeout = Duration::from_secs(3);

    // A token the gateway did not sign: the operator socket is refused.
    opts.credentials = Credentials::Token("eyJhbGciOiJSUzI1NiJ9.e30.c2ln".into());
    let msg = failure(smoke(&opts).await)?;
    anyhow::ensure!(
        msg.starts_with(
            "step 2 (the operator connects and says hello): the socket was refused: HTTP 401"
        ),
        "{msg}"
    );

    // A reports API that is not there: the chat passes, the reports API's first step fails.
    opts.credentials = local(&gw).credentials;
    let unused = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    opts.target.reports_api = format!("http://{unused}");
    let msg = failure(smoke(&opts).await)?;
    anyhow::ensure!(
        msg.starts_with(
            "step 11 (the operator reports endpoints refuse no token): GET /operator/reports"
        ),
        "{msg}"
    );

    // An operator socket that never answers: the wait is named, with its limit.
    opts = local(&gw);
    opts.step_timeout = Duration::from_secs(1);
    opts.target.operator_ws = gw.public_ws_url(); // a citizen socket: `hello` is refused
    let msg = failure(smoke(&opts).await)?;
    anyhow::ensure!(
        msg == "step 2 (the operator connects and says hello): an error `forbidden` instead of `operator_ready`",
        "{msg}"
    );
    gw.stop().await;
    Ok(())
}

both_stores!(
    smoke_conversation_passes,
    prod_mode_asks_for_no_operator_and_files_no_report,
    a_broken_setup_fails_naming_the_step,
);

// --- What a chat costs, measured -------------------------------------------------------------

/// One DynamoDB operation's requests, as seen on the wire.
#[derive(Debug, Default, Clone, Copy)]
struct OpCount {
    requests: u64,
    /// Write and read request units, from the sizes on the wire: a write unit per 1 KB of an
    /// item written (transactions twice), a read unit per 4 KB read (strongly consistent;
    /// transactions twice). The JSON on the wire is larger than the item as DynamoDB sizes it,
    /// so these are upper bounds.
    wru: u64,
    rru: u64,
}

/// Counts the DynamoDB requests that reach moto, by operation: an HTTP proxy in front of it,
/// through which the gateway's real SDK clients (chats, connections, translation cache,
/// reports, audit) send everything.
#[derive(Default, Clone)]
struct Wire(Arc<Mutex<BTreeMap<String, OpCount>>>);

impl Wire {
    fn record(&self, op: &str, request: &[u8], response: &[u8]) {
        let kb = |n: usize, unit: usize| n.div_ceil(unit).max(1) as u64;
        let body: serde_json::Value = serde_json::from_slice(request).unwrap_or_default();
        let items = |key: &str| -> u64 {
            match &body[key] {
                serde_json::Value::Array(a) => a.len() as u64,
                serde_json::Value::Object(tables) => tables
                    .values()
                    .map(|v| v.as_array().map_or(0, Vec::len) as u64)
                    .sum(),
                _ => 0,
            }
        };
        let (wru, rru) = match op {
            "PutItem" | "UpdateItem" | "DeleteItem" => (kb(request.len(), 1024), 0),
            "TransactWriteItems" => (2 * items("TransactItems").max(kb(request.len(), 1024)), 0),
            "BatchWriteItem" => (items("RequestItems").max(kb(request.len(), 1024)), 0),
            "GetItem" | "Query" | "Scan" => (0, kb(response.len(), 4096)),
            "TransactGetItems" => (0, 2 * items("TransactItems").max(kb(response.len(), 4096))),
            "BatchGetItem" => (0, kb(response.len(), 4096)),
            _ => (0, 0), // control plane (CreateTable, DescribeTable): not billed per request
        };
        let mut ops = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let c = ops.entry(op.to_owned()).or_default();
        c.requests += 1;
        c.wru += wru;
        c.rru += rru;
    }

    fn take(&self) -> BTreeMap<String, OpCount> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// Starts the counting proxy in front of `upstream`; returns its address.
async fn wire_proxy(upstream: String, wire: Wire) -> anyhow::Result<String> {
    use axum::body::{to_bytes, Body};
    use axum::http::header;
    let client = reqwest::Client::new();
    let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let (client, wire, upstream) = (client.clone(), wire.clone(), upstream.clone());
        async move {
            let (parts, body) = req.into_parts();
            let request = to_bytes(body, 32 << 20).await.unwrap_or_default();
            let op = parts
                .headers
                .get("x-amz-target")
                .and_then(|v| v.to_str().ok())
                .and_then(|t| t.rsplit('.').next())
                .unwrap_or("?")
                .to_owned();
            let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
            let mut forward = client.request(parts.method.clone(), format!("{upstream}{path}"));
            for (name, value) in &parts.headers {
                if name != header::HOST && name != header::CONTENT_LENGTH {
                    forward = forward.header(name, value);
                }
            }
            let Ok(answer) = forward.body(request.clone()).send().await else {
                return axum::http::Response::builder()
                    .status(502)
                    .body(Body::empty())
                    .unwrap_or_default();
            };
            let mut out = axum::http::Response::builder().status(answer.status());
            for (name, value) in answer.headers() {
                if name != header::CONTENT_LENGTH && name != header::TRANSFER_ENCODING {
                    out = out.header(name, value);
                }
            }
            let response = answer.bytes().await.unwrap_or_default();
            wire.record(&op, &request, &response);
            out.body(Body::from(response)).unwrap_or_default()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(format!("http://{addr}"))
}

/// The translator sits where the gateway puts both providers, behind the real routing and the
/// real translation cache, so a same-language pair or a cached bot answer is not counted.
/// What one scenario cost.
struct Measured {
    name: &'static str,
    dynamodb: BTreeMap<String, OpCount>,
    posts: u64,
    counts: bluelamp_smoke::Counts,
    translate_calls: u64,
    translate_chars: u64,
}

impl Measured {
    fn print(&self) {
        let c = &self.counts;
        let (requests, wru, rru) = self.dynamodb.values().fold((0, 0, 0), |(n, w, r), o| {
            (n + o.requests, w + o.wru, r + o.rru)
        });
        let ops: Vec<String> = self
            .dynamodb
            .iter()
            .map(|(op, o)| format!("{op} {}", o.requests))
            .collect();
        println!("== {}", self.name);
        println!(
            "DynamoDB requests {requests} ({}); ≤ {wru} write units, ≤ {rru} read units",
            ops.join(", ")
        );
        println!("PostToConnection {}", self.posts);
        println!(
            "WebSocket frames from clients {} (citizen {}, operator {}); sockets {} (citizen {}, operator {})",
            c.frames_sent(),
            c.citizen_frames_sent,
            c.operator_frames_sent,
            c.citizen_sockets + c.operator_sockets,
            c.citizen_sockets,
            c.operator_sockets
        );
        println!(
            "Lambda invocations: message {}, connect {}, authorizer {}, translate {} and faq-reply {} (one per chat entry at most: a stream batch may hold several), report-intake {}",
            c.frames_sent(),
            2 * (c.citizen_sockets + c.operator_sockets),
            c.operator_sockets,
            c.chat_entries,
            c.chat_entries,
            c.reports_api_calls
        );
        println!(
            "Translate: {} calls, {} characters",
            self.translate_calls, self.translate_chars
        );
    }
}

/// Waits until the stream consumers have finished what the last frames started (deliveries
/// after the chat ended); returns the posts so far.
async fn settle(gw: &Running) -> u64 {
    let mut posts = gw.sockets.posts();
    for _ in 0..20 {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let now = gw.sockets.posts();
        if now == posts {
            break;
        }
        posts = now;
    }
    posts
}

async fn measure(name: &'static str, tweak: impl FnOnce(&mut Options)) -> anyhow::Result<Measured> {
    let wire = Wire::default();
    let proxy = wire_proxy(moto_endpoint(), wire.clone()).await?;
    let translator = Arc::new(RecordingTranslator::default());
    let provider = translator.clone();
    let gw = bluelamp_tests::spawn_gateway_with(StoreKind::Dynamo, |c| {
        c.dynamodb_endpoint = Some(proxy);
        c.translator = provider;
        // The schedule's retry is a fixed cost per minute, not per chat: out of the way.
        c.translation_retry_every = Duration::from_secs(3600);
    })
    .await;
    // The tables' creation and the retry's first run are not the chat's.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut opts = local(&gw);
    tweak(&mut opts);
    // A first chat warms the translation cache (the bot's answers, translated once per
    // language and cache version for every chat after): the second is what a chat costs.
    smoke(&opts).await?;
    settle(&gw).await;
    wire.take();
    let posts_before = gw.sockets.posts();
    let calls_before = translator.calls();
    let chars_before = translator.chars();
    let outcome = smoke(&opts).await?;
    let posts = settle(&gw).await;
    let measured = Measured {
        name,
        dynamodb: wire.take(),
        posts: posts - posts_before,
        counts: outcome.counts,
        translate_calls: translator.calls() - calls_before,
        translate_chars: translator.chars() - chars_before,
    };
    gw.stop().await;
    Ok(measured)
}

/// `cargo test --workspace --test smoke cost -- --nocapture` prints the figures of
/// docs/operations.md, "The cost per 1,000 chats".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cost_of_a_chat_measured() -> anyhow::Result<()> {
    let typical = |language: &'static str| {
        move |o: &mut Options| {
            o.citizen_language = language.into();
            o.bot_questions = 2;
            o.exchanges = 20;
            o.report = false;
        }
    };
    let runs = [
        measure("the smoke run (Polish citizen, a report)", |_| {}).await?,
        measure(
            "a typical chat in Polish: 2 questions to the bot, then 20 citizen messages and 20 operator replies",
            typical("pl"),
        )
        .await?,
        measure("the same chat in English (nothing translated)", typical("en")).await?,
    ];
    for m in &runs {
        m.print();
    }
    let [smoke_run, polish, english] = &runs;
    anyhow::ensure!(
        smoke_run.counts.reports_api_calls == 5,
        "{:?}",
        smoke_run.counts
    );
    anyhow::ensure!(polish.translate_chars > 0 && english.translate_chars == 0);
    anyhow::ensure!(polish.posts >= polish.counts.frames_received());
    anyhow::ensure!(polish.dynamodb.values().map(|o| o.requests).sum::<u64>() > 0);
    Ok(())
}
