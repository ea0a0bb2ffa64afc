//! The development gateway: API Gateway's two WebSocket APIs and management API, the reports
//! REST API, the chats table's stream and operator sign-in, on localhost, around the functions'
//! own code.

pub mod idp;
pub mod reports;
pub mod signin;
pub mod sockets;
pub mod stream;
pub mod throttle;
pub mod web;
pub mod ws;

use anyhow::Context;
use axum::routing::{get, post};
use axum::Router;
use bluelamp::chat::Deps;
use bluelamp::config::ChatConfig;
use bluelamp::delivery::{ApiGatewayDelivery, Deliver};
use bluelamp::store::{
    tables, DynamoStore, DynamoTranslationCache, MemoryStore, Store, TableNames,
};
use bluelamp::translation::{
    InMemoryTranslationCache, OfflineTranslator, RoutingTranslator, TranslationCache, Translator,
    Translators,
};
use signin::LocalIdentityProvider;
use sockets::Sockets;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use stream::{Stream, StreamConsumer};
use translate::TranslateDeps;

/// Where and how to run.
#[derive(Clone)]
pub struct GatewayConfig {
    /// Address to listen on; port 0 picks a free one.
    pub listen: SocketAddr,
    /// A DynamoDB-compatible server; the embedded store when absent.
    pub dynamodb_endpoint: Option<String>,
    /// Prefix of the table names on that server (tests use a random one each).
    pub table_prefix: String,
    pub chat: ChatConfig,
    /// What translates, in place of both Amazon Translate and Google (behind the same routing
    /// by the language table): the offline stand-in by default, which marks its output as not
    /// translated. Tests put a counting or failing one here.
    pub translator: Arc<dyn Translator>,
    /// How often the background retry of failed translations runs (a schedule on AWS).
    pub translation_retry_every: Duration,
    /// The reports API's limits, retention and the origins allowed to call it from a browser
    /// (the gateway's own are always added: `reports::own_origins`).
    pub reports: report_intake::IntakeConfig,
    /// The web pages' folder (`web/` of this workspace by default).
    pub web_dir: std::path::PathBuf,
    /// Origins of the force's sites that may frame the widget, besides the gateway's own.
    pub widget_frame_ancestors: Vec<String>,
    /// The stages' `$connect` throttling (public, operator): the template's by default.
    pub connect_throttle: (throttle::ThrottleSettings, throttle::ThrottleSettings),
    /// Put around the management API client the functions post through (tests inject faults
    /// here: errors, throttling, latency, a post that lands but whose reply is lost).
    pub deliver_layer: Option<Layer<dyn Deliver>>,
    /// Put around the store the functions use, above the stream's tap: a write that lands is
    /// streamed whatever its caller is told, as DynamoDB's stream carries every write that
    /// landed (tests inject faults here).
    pub store_layer: Option<Layer<dyn Store>>,
}

/// Wraps a port in another implementation of it (a fault injector, a recorder).
pub type Layer<T> = Arc<dyn Fn(Arc<T>) -> Arc<T> + Send + Sync>;

impl Default for GatewayConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            dynamodb_endpoint: None,
            table_prefix: "bluelamp-local-".to_owned(),
            chat: ChatConfig::default(),
            translator: Arc::new(OfflineTranslator::new()),
            translation_retry_every: Duration::from_secs(3),
            reports: report_intake::IntakeConfig::default(),
            web_dir: web::default_dir(),
            widget_frame_ancestors: Vec::new(),
            connect_throttle: (
                throttle::ThrottleSettings::PUBLIC_CONNECT,
                throttle::ThrottleSettings::OPERATOR_CONNECT,
            ),
            deliver_layer: None,
            store_layer: None,
        }
    }
}

impl std::fmt::Debug for GatewayConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GatewayConfig")
            .field("listen", &self.listen)
            .field("dynamodb_endpoint", &self.dynamodb_endpoint)
            .field("table_prefix", &self.table_prefix)
            .field("chat", &self.chat)
            .field("translation_retry_every", &self.translation_retry_every)
            .finish_non_exhaustive()
    }
}

/// Shared by every request the gateway serves.
pub struct Gateway {
    pub deps: Deps,
    /// The `message` function's: the chat core and the reply previews' translator.
    pub message: message::MessageDeps,
    pub verifier: bluelamp::auth::TokenVerifier,
    pub identity: Arc<LocalIdentityProvider>,
    pub sockets: Sockets,
    /// The web pages and their policies.
    pub web: web::Web,
    /// The service's own texts' translator (cached), for the widget's strings.
    pub fixed_texts: Arc<dyn Translator>,
    /// `$connect` throttling of the public and the operator API.
    pub connect_throttle: (throttle::Throttle, throttle::Throttle),
}

/// A running gateway (the binary, and each test's own).
pub struct Running {
    pub addr: SocketAddr,
    pub identity: Arc<LocalIdentityProvider>,
    pub sockets: Sockets,
    /// The functions' dependencies (the store with the stream's tap), for tests that act as
    /// another function would (a bot answer) or as the stream would (a record seen twice).
    pub deps: Deps,
    consumers: Arc<OnceLock<Vec<Arc<dyn StreamConsumer>>>>,
    /// The reports API's store (tests read the audit log through it).
    pub reports: Arc<dyn bluelamp::report::ReportStore>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: tokio::task::JoinHandle<()>,
    retry: tokio::task::JoinHandle<()>,
}

impl Running {
    pub fn http_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn public_ws_url(&self) -> String {
        format!("ws://{}/public", self.addr)
    }

    pub fn operator_ws_url(&self, token: &str) -> String {
        format!("ws://{}/operator?token={token}", self.addr)
    }

    /// The management API endpoint of one WebSocket API (what `--endpoint-url` takes).
    pub fn management_url(&self, api: bluelamp::delivery::Api) -> String {
        format!("http://{}/{}", self.addr, sockets::stage(api))
    }

    /// A signed access token for an operator, as the local sign-in page issues.
    pub fn operator_token(&self, operator: &str) -> anyhow::Result<String> {
        Ok(self.identity.issue_access_token(operator, idp::TOKEN_TTL)?)
    }

    /// Feeds a stored message to the stream's consumers once more, as DynamoDB Streams may
    /// deliver a record twice.
    pub async fn redeliver(&self, chat: &bluelamp::domain::ChatId, seq: u64) -> anyhow::Result<()> {
        let message = self
            .deps
            .chats
            .get_message(chat, seq)
            .await?
            .with_context(|| format!("no message {seq} in chat {chat}"))?;
        let Some(chat) = self.deps.chats.get_chat(chat).await? else {
            anyhow::bail!("no chat {chat}");
        };
        for consumer in self.consumers.get().into_iter().flatten() {
            let event =
                bluelamp::stream::event_for(&message, chat.expires_at, "redelivered".into())?;
            let response = consumer.consume(event).await;
            anyhow::ensure!(
                response.batch_item_failures.is_empty(),
                "{} failed the record",
                consumer.name()
            );
        }
        Ok(())
    }

    pub async fn stop(mut self) {
        self.retry.abort();
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.server).await;
    }

    /// Waits until the server stops (the binary's main loop).
    pub async fn wait(self) {
        let _ = self.server.await;
    }
}

/// The store and the translation cache: embedded, or on a DynamoDB-compatible server with
/// the tables created from the one set of definitions.
async fn open_store(
    config: &GatewayConfig,
    stream: Arc<Stream>,
) -> anyhow::Result<(Arc<dyn Store>, Arc<dyn TranslationCache>)> {
    let Some(endpoint) = &config.dynamodb_endpoint else {
        return Ok((
            Arc::new(MemoryStore::new().with_feed(stream)),
            Arc::new(InMemoryTranslationCache::new()),
        ));
    };
    let sdk = bluelamp::config::aws_local(Some(endpoint));
    let client = aws_sdk_dynamodb::Client::new(&sdk);
    let names = TableNames::with_prefix(&config.table_prefix);
    let cache_table = format!("{}translation-cache", config.table_prefix);
    tables::create_missing(
        &client,
        &[
            (tables::CHATS, names.chats.as_str()),
            (tables::CONNECTIONS, names.connections.as_str()),
            (tables::TRANSLATION_CACHE, cache_table.as_str()),
        ],
    )
    .await
    .with_context(|| format!("cannot create the tables on DynamoDB at {endpoint}"))?;
    let cache = DynamoTranslationCache::new(client.clone(), cache_table);
    let store = DynamoStore::new(client, names).with_feed(stream);
    Ok((Arc::new(store), Arc::new(cache)))
}

/// The FAQ bot, fed by the stream as in AWS, with the gateway's translator (the offline
/// stand-in by default) for a citizen's non-English words.
struct FaqConsumer(faq_reply::FaqDeps);

#[async_trait::async_trait]
impl StreamConsumer for FaqConsumer {
    fn name(&self) -> &'static str {
        "faq-reply"
    }
    async fn consume(
        &self,
        event: aws_lambda_events::dynamodb::Event,
    ) -> aws_lambda_events::streams::DynamoDbEventResponse {
        faq_reply::handle(&self.0, event).await
    }
}

struct TranslateConsumer(TranslateDeps);

#[async_trait::async_trait]
impl StreamConsumer for TranslateConsumer {
    fn name(&self) -> &'static str {
        "translate"
    }
    async fn consume(
        &self,
        event: aws_lambda_events::dynamodb::Event,
    ) -> aws_lambda_events::streams::DynamoDbEventResponse {
        translate::handle(&self.0, event).await
    }
}

/// Starts the gateway and returns once it listens.
pub async fn start(config: GatewayConfig) -> anyhow::Result<Running> {
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let addr = listener.local_addr()?;
    let base = format!("http://{addr}");
    let identity = Arc::new(LocalIdentityProvider::generate(
        format!("{base}{}", signin::LOCAL_ISSUER_PATH),
        signin::LOCAL_CLIENT_ID,
    )?);
    let verifier = identity.verifier()?;

    let consumers: Arc<OnceLock<Vec<Arc<dyn StreamConsumer>>>> = Arc::new(OnceLock::new());
    let stream = Stream::start(consumers.clone());
    let (mut store, cache) = open_store(&config, stream).await?;
    if let Some(layer) = &config.store_layer {
        store = layer(store);
    }
    // The functions reach the sockets the way they do in AWS: the management API, through
    // the real SDK client, pointed at this gateway.
    let sdk = bluelamp::config::aws_local(None);
    let mut deliver: Arc<dyn Deliver> = Arc::new(ApiGatewayDelivery::from_endpoints(
        &sdk,
        &format!("{base}/public"),
        &format!("{base}/operator"),
    ));
    if let Some(layer) = &config.deliver_layer {
        deliver = layer(deliver);
    }
    let deps = Deps::over(
        store.clone(),
        deliver,
        config.chat.clone(),
        bluelamp::metrics::Metrics::discard(),
    );
    let reports = reports::deps(&config, verifier.clone(), addr.port(), deps.clone()).await?;
    let report_store = reports.store.clone();
    // One translator in both providers' places, behind the real routing (so a same-language
    // pair makes no call and an unknown language is refused as in AWS).
    let provider = Arc::new(RoutingTranslator::new(
        config.translator.clone(),
        config.translator.clone(),
    ));
    let translators = Translators::new(provider.clone(), cache, 1);
    let fixed_texts = translators.fixed_texts.clone();
    let translate = TranslateDeps {
        chat: deps.clone(),
        ledger: store.clone(),
        slots: store.clone(),
        translators,
    };
    let faq = faq_reply::FaqDeps {
        chat: deps.clone(),
        ledger: store.clone(),
        slots: store.clone(),
        unanswered: store.clone(),
        bot: Arc::new(bluelamp::faq::FaqBot::with_default_kb()?),
        translator: provider.clone(),
    };
    let _ = consumers.set(vec![
        Arc::new(TranslateConsumer(translate.clone())),
        Arc::new(FaqConsumer(faq)),
    ]);
    let retry = tokio::spawn(retry_translations(
        translate,
        config.translation_retry_every,
    ));

    let sockets = Sockets::default();
    let gw = Arc::new(Gateway {
        message: message::MessageDeps {
            chat: deps.clone(),
            feedback: store.clone(),
            unanswered: store,
            preview: provider.clone(),
        },
        deps: deps.clone(),
        verifier,
        identity: identity.clone(),
        sockets: sockets.clone(),
        web: web::Web {
            dir: config.web_dir.clone(),
            origins: web::Origins::new(addr.port(), &config.widget_frame_ancestors),
        },
        fixed_texts,
        connect_throttle: (
            throttle::Throttle::new(config.connect_throttle.0),
            throttle::Throttle::new(config.connect_throttle.1),
        ),
    });
    let app = Router::new()
        .route("/public", get(ws::public_upgrade))
        .route("/operator", get(ws::operator_upgrade))
        .route(
            &format!("{}/.well-known/jwks.json", signin::LOCAL_ISSUER_PATH),
            get(idp::serve_jwks),
        )
        .route(
            &format!("{}/token", signin::LOCAL_ISSUER_PATH),
            post(idp::serve_token),
        )
        .route("/languages", get(languages))
        .route("/", get(index))
        .with_state(gw.clone())
        .merge(web::routes(gw))
        .merge(sockets::management_routes(sockets.clone()))
        .merge(reports::routes(reports));

    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let serve = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = rx.await;
        });
        if let Err(e) = serve.await {
            tracing::error!(error = %e, "gateway stopped");
        }
    });
    Ok(Running {
        addr,
        identity,
        sockets,
        deps,
        consumers,
        reports: report_store,
        shutdown: Some(tx),
        server,
        retry,
    })
}

/// The schedule's stand-in: retries failed translations every `every`.
async fn retry_translations(deps: TranslateDeps, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = translate::retry_pending(&deps, translate::RETRY_BATCH).await {
            tracing::warn!(error = ?e, "translation retry could not run");
        }
    }
}

/// The widget's language list: every supported language, its direction and its names.
async fn languages() -> axum::Json<serde_json::Value> {
    axum::Json(bluelamp::translation::language_list_json())
}

async fn index() -> axum::response::Html<&'static str> {
    axum::response::Html(include_str!("index.html"))
}
