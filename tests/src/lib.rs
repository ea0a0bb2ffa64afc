//! The one test harness: starts `moto_server` (a real DynamoDB-compatible server) on a free
//! port, starts a gateway per test on port 0 with its own tables, and speaks the protocol
//! over real WebSockets.

pub mod fault_store;
pub mod faults;

use anyhow::{anyhow, bail, Context};
use bluelamp::report::{DynamoReportStore, MemoryReportStore, ReportStore, ReportTables};
use bluelamp::store::{
    tables, DynamoStore, DynamoTranslationCache, MemoryStore, Store, TableNames,
};
use bluelamp::translation::{InMemoryTranslationCache, TranslationCache};
use bluelamp_local::{start, GatewayConfig, Running};
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

/// The store a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    Embedded,
    Dynamo,
}

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

/// The Python that has moto: `MOTO_PYTHON`, the project's virtual environment, or the PATH's.
fn moto_python() -> PathBuf {
    if let Ok(p) = std::env::var("MOTO_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = workspace_root().join(".venv/bin/python");
    if venv.exists() {
        return venv;
    }
    PathBuf::from("python3")
}

fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

struct Moto {
    endpoint: String,
    _child: Mutex<Child>,
}

fn start_moto() -> anyhow::Result<Moto> {
    let port = free_port()?;
    // moto's server app, one request at a time (see tests/moto_serial.py for why).
    let cmd = moto_python();
    let script = workspace_root().join("tests/moto_serial.py");
    let child = Command::new(&cmd)
        .arg(&script)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| {
            format!(
                "cannot start moto with {} — run the README's test command (scripts/test), which installs moto[server] in .venv",
                cmd.display()
            )
        })?;
    let endpoint = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(Moto {
                endpoint,
                _child: Mutex::new(child),
            });
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("moto_server did not start listening on port {port} within 60 s")
}

static MOTO: OnceLock<Result<Moto, String>> = OnceLock::new();

/// The endpoint of this test process's moto server, started on first use. Moto failing to
/// start fails the test (it is never skipped): the DynamoDB adapter must be tested.
pub fn moto_endpoint() -> String {
    let moto = MOTO.get_or_init(|| {
        // Started from a thread that lives as long as the process: moto_serial.py asks the
        // kernel to end it when that thread ends (PR_SET_PDEATHSIG), so it ends with the process.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let r = start_moto().map_err(|e| format!("{e:#}"));
            let _ = tx.send(r);
            loop {
                std::thread::park();
            }
        });
        rx.recv().unwrap_or_else(|_| Err("moto thread died".into()))
    });
    match moto {
        Ok(m) => m.endpoint.clone(),
        Err(e) => panic!("the DynamoDB tests need moto_server and it could not start: {e}"),
    }
}

/// Runs the real AWS CLI (from the project's virtual environment, or `AWS_CLI`) with
/// throwaway credentials: it only ever talks to local endpoints.
pub async fn aws_cli(args: &[&str]) -> anyhow::Result<std::process::Output> {
    let cli = std::env::var("AWS_CLI")
        .map(PathBuf::from)
        .unwrap_or_else(|_| workspace_root().join(".venv/bin/aws"));
    tokio::process::Command::new(&cli)
        .args(args)
        .env("AWS_ACCESS_KEY_ID", "local")
        .env("AWS_SECRET_ACCESS_KEY", "local")
        .env("AWS_DEFAULT_REGION", "eu-west-2")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .output()
        .await
        .with_context(|| {
            format!(
                "cannot run {} — scripts/test installs it in .venv",
                cli.display()
            )
        })
}

/// A prefix no other test uses, so tests run in parallel on one moto server.
pub fn unique_prefix() -> String {
    format!("t{}-", uuid::Uuid::new_v4().simple())
}

/// A fresh store of the given kind, with its own tables.
pub async fn fresh_store(kind: StoreKind) -> Arc<dyn Store> {
    match kind {
        StoreKind::Embedded => Arc::new(MemoryStore::new()),
        StoreKind::Dynamo => {
            let sdk = bluelamp::config::aws_local(Some(&moto_endpoint()));
            Arc::new(dynamo_store(aws_sdk_dynamodb::Client::new(&sdk)).await)
        }
    }
}

/// A fresh translation cache of the given kind (DynamoDB: its own table on moto).
pub async fn fresh_translation_cache(kind: StoreKind) -> Arc<dyn TranslationCache> {
    match kind {
        StoreKind::Embedded => Arc::new(InMemoryTranslationCache::new()),
        StoreKind::Dynamo => {
            let sdk = bluelamp::config::aws_local(Some(&moto_endpoint()));
            let client = aws_sdk_dynamodb::Client::new(&sdk);
            let table = format!("{}translation-cache", unique_prefix());
            tables::TRANSLATION_CACHE
                .create(&client, &table)
                .await
                .expect("create the translation cache table on moto");
            Arc::new(DynamoTranslationCache::new(client, table))
        }
    }
}

/// A fresh report store of the given kind, with its own tables.
pub async fn fresh_report_store(kind: StoreKind) -> Arc<dyn ReportStore> {
    match kind {
        StoreKind::Embedded => Arc::new(MemoryReportStore::new()),
        StoreKind::Dynamo => {
            let sdk = bluelamp::config::aws_local(Some(&moto_endpoint()));
            let client = aws_sdk_dynamodb::Client::new(&sdk);
            let prefix = unique_prefix();
            let names = ReportTables {
                reports: format!("{prefix}reports"),
                audit: format!("{prefix}audit"),
            };
            tables::REPORTS
                .create(&client, &names.reports)
                .await
                .expect("create reports table on moto");
            tables::AUDIT
                .create(&client, &names.audit)
                .await
                .expect("create audit table on moto");
            Arc::new(DynamoReportStore::new(client, names))
        }
    }
}

/// A DynamoDB store on tables of its own, created through `client`.
pub async fn dynamo_store(client: aws_sdk_dynamodb::Client) -> DynamoStore {
    let names = TableNames::with_prefix(&unique_prefix());
    names
        .create_missing(&client)
        .await
        .expect("create the chat tables on moto");
    DynamoStore::new(client, names)
}

/// A gateway of this test's own on a free port.
pub async fn spawn_gateway(kind: StoreKind) -> Running {
    spawn_gateway_with(kind, |_| {}).await
}

pub async fn spawn_gateway_with(
    kind: StoreKind,
    tweak: impl FnOnce(&mut GatewayConfig),
) -> Running {
    let mut config = GatewayConfig {
        listen: "127.0.0.1:0".parse().expect("an address"),
        dynamodb_endpoint: match kind {
            StoreKind::Embedded => None,
            StoreKind::Dynamo => Some(moto_endpoint()),
        },
        table_prefix: unique_prefix(),
        ..GatewayConfig::default()
    };
    // Tests send faster than people type, and open sockets faster than any room of operators
    // (the flood test sets the template's `$connect` throttling back).
    config.chat.rate_limit.max = 1000;
    let unthrottled = bluelamp_local::throttle::ThrottleSettings {
        rate_per_second: 10_000.0,
        burst: 10_000,
    };
    config.connect_throttle = (unthrottled, unthrottled);
    config.reports.rate_limit = 1000;
    tweak(&mut config);
    start(config).await.expect("the gateway starts")
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A protocol client over a real WebSocket.
pub struct Client {
    ws: Ws,
    /// Frames received but not yet asked for.
    pending: Vec<Value>,
}

/// How long a test waits for a frame before failing.
pub const FRAME_TIMEOUT: Duration = Duration::from_secs(10);

impl Client {
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let (ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .with_context(|| format!("connecting to {url}"))?;
        Ok(Self {
            ws,
            pending: Vec::new(),
        })
    }

    pub async fn citizen(gw: &Running) -> anyhow::Result<Self> {
        Self::connect(&gw.public_ws_url()).await
    }

    pub async fn operator(gw: &Running, name: &str) -> anyhow::Result<Self> {
        let token = gw.operator_token(name)?;
        Self::connect(&gw.operator_ws_url(&token)).await
    }

    pub async fn send_raw(&mut self, text: &str) -> anyhow::Result<()> {
        self.ws.send(Message::Text(text.to_owned().into())).await?;
        Ok(())
    }

    pub async fn send(&mut self, frame: Value) -> anyhow::Result<()> {
        self.send_raw(&frame.to_string()).await
    }

    async fn read(&mut self, timeout: Duration) -> anyhow::Result<Option<Value>> {
        match tokio::time::timeout(timeout, self.ws.next()).await {
            Err(_) => Ok(None),
            Ok(None) => bail!("the socket closed"),
            Ok(Some(Err(e))) => Err(e.into()),
            Ok(Some(Ok(Message::Text(t)))) => Ok(Some(serde_json::from_str(&t)?)),
            Ok(Some(Ok(Message::Close(_)))) => bail!("the server closed the socket"),
            Ok(Some(Ok(_))) => Ok(Some(json!({"type": "_other"}))),
        }
    }

    /// The next frame matching `pred` (earlier frames that do not match are kept).
    pub async fn expect_where(
        &mut self,
        what: &str,
        pred: impl Fn(&Value) -> bool,
    ) -> anyhow::Result<Value> {
        match self.next_within(FRAME_TIMEOUT, pred).await? {
            Some(v) => Ok(v),
            None => Err(anyhow!(
                "no {what} frame within {FRAME_TIMEOUT:?}; got meanwhile: {:?}",
                self.pending
            )),
        }
    }

    /// The next frame matching `pred` if one comes within `wait` (earlier frames that do not
    /// match are kept): for a client that gives up waiting and retries.
    pub async fn next_within(
        &mut self,
        wait: Duration,
        pred: impl Fn(&Value) -> bool,
    ) -> anyhow::Result<Option<Value>> {
        if let Some(i) = self.pending.iter().position(&pred) {
            return Ok(Some(self.pending.remove(i)));
        }
        let deadline = Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.read(left).await? {
                Some(v) if pred(&v) => return Ok(Some(v)),
                Some(v) => self.pending.push(v),
                None => return Ok(None),
            }
        }
    }

    /// The next frame of a type.
    pub async fn expect(&mut self, ty: &str) -> anyhow::Result<Value> {
        self.expect_where(ty, |v| v["type"] == ty).await
    }

    /// The next error frame, which must carry `code`.
    pub async fn expect_error(&mut self, code: &str) -> anyhow::Result<Value> {
        let e = self.expect("error").await?;
        if e["code"] != code {
            bail!("expected error {code}, got {e}");
        }
        Ok(e)
    }

    /// Frames that arrive within `wait` (for asserting that nothing more comes).
    pub async fn drain(&mut self, wait: Duration) -> anyhow::Result<Vec<Value>> {
        let mut out = std::mem::take(&mut self.pending);
        while let Some(v) = self.read(wait).await? {
            out.push(v);
        }
        Ok(out)
    }

    /// The next chat message (or event) frame.
    pub async fn expect_message(&mut self) -> anyhow::Result<Value> {
        self.expect("message").await
    }

    pub async fn close(mut self) -> anyhow::Result<()> {
        self.ws.close(None).await?;
        Ok(())
    }

    /// Drops the TCP connection without a close handshake (a lost signal).
    pub fn drop_connection(self) {
        drop(self);
    }

    /// Starts a chat; returns (chat id, resume token).
    pub async fn start_chat(&mut self) -> anyhow::Result<(String, String)> {
        self.send(json!({"action": "start", "language": "en"}))
            .await?;
        let started = self.expect("chat_started").await?;
        Ok((
            started["chatId"].as_str().unwrap_or_default().to_owned(),
            started["resumeToken"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        ))
    }

    /// A citizen whose chat waits in the queue (a normal chat, at the back); returns the
    /// client and the chat id.
    pub async fn waiting_citizen(gw: &Running) -> anyhow::Result<(Self, String)> {
        let mut citizen = Self::citizen(gw).await?;
        let (chat, _) = citizen.start_chat().await?;
        citizen.send(json!({"action": "request_operator"})).await?;
        citizen.expect("queued").await?;
        Ok((citizen, chat))
    }

    /// Sends a text and waits for its acknowledgement; returns the ack.
    pub async fn say(&mut self, chat: Option<&str>, id: &str, text: &str) -> anyhow::Result<Value> {
        let mut frame = json!({"action": "send", "clientMessageId": id, "text": text});
        if let Some(c) = chat {
            frame["chatId"] = json!(c);
        }
        self.send(frame).await?;
        self.expect_where("ack", |v| v["type"] == "ack" && v["clientMessageId"] == id)
            .await
    }
}

/// The offline stand-in, recording what it was asked (the pair and the words: test texts
/// only) so that a test can count calls and characters, and able to fail the first call for
/// chosen words.
#[derive(Default)]
pub struct RecordingTranslator {
    inner: bluelamp::translation::OfflineTranslator,
    asked: Mutex<Vec<(String, String, String)>>,
    /// Words whose next translation fails once (as a provider outage).
    pub fail_once: Mutex<std::collections::HashSet<String>>,
}

impl RecordingTranslator {
    /// How many times these words were translated from `from` to `to`.
    pub fn times(&self, from: &str, to: &str, text: &str) -> usize {
        self.asked()
            .iter()
            .filter(|(f, t, w)| f == from && t == to && w == text)
            .count()
    }

    /// Every call so far.
    pub fn calls(&self) -> u64 {
        self.asked().len() as u64
    }

    /// The characters of every call so far: what a provider bills.
    pub fn chars(&self) -> u64 {
        self.asked()
            .iter()
            .map(|(_, _, w)| w.chars().count() as u64)
            .sum()
    }

    fn asked(&self) -> std::sync::MutexGuard<'_, Vec<(String, String, String)>> {
        self.asked.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[async_trait::async_trait]
impl bluelamp::translation::Translator for RecordingTranslator {
    async fn translate(
        &self,
        text: &str,
        from: &bluelamp::domain::LanguageCode,
        to: &bluelamp::domain::LanguageCode,
    ) -> Result<bluelamp::translation::Translation, bluelamp::translation::TranslateError> {
        self.asked().push((
            from.as_str().to_owned(),
            to.as_str().to_owned(),
            text.to_owned(),
        ));
        let fail = self
            .fail_once
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(text);
        if fail {
            use bluelamp::translation::OfflineFailure;
            self.inner.fail_with(Some(OfflineFailure::Unavailable));
            let failed = self.inner.translate(text, from, to).await;
            self.inner.fail_with(None);
            return failed;
        }
        self.inner.translate(text, from, to).await
    }
}

/// Runs each end-to-end case (`async fn case(kind: StoreKind) -> anyhow::Result<()>`, in scope
/// where the macro is called) once on the embedded store and once on DynamoDB (moto).
#[macro_export]
macro_rules! both_stores {
    ($($case:ident),* $(,)?) => {
        mod embedded {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $case() -> anyhow::Result<()> { super::$case($crate::StoreKind::Embedded).await } )*
        }
        mod dynamodb {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $case() -> anyhow::Result<()> { super::$case($crate::StoreKind::Dynamo).await } )*
        }
    };
}

/// What the benchmarks share.
pub mod bench {
    use async_trait::async_trait;
    use bluelamp::delivery::{Api, Deliver, DeliveryError};
    use bluelamp::domain::ConnectionId;
    use bluelamp::protocol::ServerFrame;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    /// Delivery that only counts: a benchmark measures our code, not a socket.
    #[derive(Default)]
    pub struct CountingDelivery(AtomicUsize);

    #[async_trait]
    impl Deliver for CountingDelivery {
        async fn post(
            &self,
            _: Api,
            _: &ConnectionId,
            _: &ServerFrame,
        ) -> Result<(), DeliveryError> {
            self.0.fetch_add(1, Ordering::Relaxed);
            Ok(())
        }
    }

    pub fn median(mut v: Vec<Duration>) -> Duration {
        v.sort();
        v[v.len() / 2]
    }

    /// The `p` quantile (0..=1) of the durations, nearest rank; zero when there are none.
    pub fn percentile(mut v: Vec<Duration>, p: f64) -> Duration {
        v.sort();
        let i = ((v.len().saturating_sub(1)) as f64 * p).round() as usize;
        v.get(i).copied().unwrap_or_default()
    }

    /// Prints one figure for `scripts/bench` to collect, as a line `FIGURE <key> <json>`,
    /// beside the benchmark's own words.
    pub fn figure(key: &str, value: serde_json::Value) {
        println!("FIGURE {key} {value}");
    }

    /// Milliseconds, rounded to the microsecond, for a figure.
    pub fn ms(d: Duration) -> f64 {
        (d.as_secs_f64() * 1e6).round() / 1e3
    }

    /// Microseconds, rounded to the nanosecond, for a figure.
    pub fn us(d: Duration) -> f64 {
        (d.as_secs_f64() * 1e9).round() / 1e3
    }
}
