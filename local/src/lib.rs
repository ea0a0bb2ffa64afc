//! The development gateway: API Gateway's two WebSocket APIs and management API, the reports
//! REST API, the chats table's stream and operator sign-in, on localhost, around the functions'
//! own code.

pub mod idp;
pub mod reports;
pub mod signin;
pub mod sockets;
pub mod stream;
pub mod ws;

use anyhow::Context;
use axum::routing::{get, post};
use axum::Router;
use bluelamp::chat::Deps;
use bluelamp::config::ChatConfig;
use bluelamp::delivery::ApiGatewayDelivery;
use bluelamp::store::{DynamoStore, MemoryStore, Store, TableNames};
use signin::LocalIdentityProvider;
use sockets::Sockets;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use stream::{Stream, StreamConsumer, Tapped};

/// Where and how to run.
#[derive(Debug, Clone)]
pub struct GatewayConfig {
    /// Address to listen on; port 0 picks a free one.
    pub listen: SocketAddr,
    /// A DynamoDB-compatible server; the embedded store when absent.
    pub dynamodb_endpoint: Option<String>,
    /// Prefix of the table names on that server (tests use a random one each).
    pub table_prefix: String,
    pub chat: ChatConfig,
    /// The reports API's limits and retention.
    pub reports: report_intake::IntakeConfig,
}

impl Default for GatewayConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            dynamodb_endpoint: None,
            table_prefix: "bluelamp-local-".to_owned(),
            chat: ChatConfig::default(),
            reports: report_intake::IntakeConfig::default(),
        }
    }
}

/// Shared by every request the gateway serves.
pub struct Gateway {
    pub deps: Deps,
    pub verifier: bluelamp::auth::TokenVerifier,
    pub identity: Arc<LocalIdentityProvider>,
    pub sockets: Sockets,
}

/// A running gateway (the binary, and each test's own).
pub struct Running {
    pub addr: SocketAddr,
    pub identity: Arc<LocalIdentityProvider>,
    pub sockets: Sockets,
    /// The reports API's store (tests read the audit log through it).
    pub reports: Arc<dyn bluelamp::report::ReportStore>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: tokio::task::JoinHandle<()>,
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
        Ok(self
            .identity
            .issue_access_token(operator, Duration::from_secs(8 * 3600))?)
    }

    pub async fn stop(mut self) {
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

async fn open_store(config: &GatewayConfig) -> anyhow::Result<Arc<dyn Store>> {
    let Some(endpoint) = &config.dynamodb_endpoint else {
        return Ok(Arc::new(MemoryStore::new()));
    };
    let sdk = bluelamp::config::aws_local(Some(endpoint));
    let client = aws_sdk_dynamodb::Client::new(&sdk);
    let names = TableNames::with_prefix(&config.table_prefix);
    names
        .create_missing(&client)
        .await
        .with_context(|| format!("cannot create the tables on DynamoDB at {endpoint}"))?;
    Ok(Arc::new(DynamoStore::new(client, names)))
}

/// The FAQ bot, fed by the stream as in AWS. It has no Amazon Translate here: the offline
/// stand-in (which marks text as not translated) gives it a citizen's non-English words.
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

struct TranslateConsumer(Deps);

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
    let reports = reports::deps(&config, verifier.clone()).await?;
    let report_store = reports.store.clone();

    let consumers: Arc<OnceLock<Vec<Arc<dyn StreamConsumer>>>> = Arc::new(OnceLock::new());
    let stream = Stream::start(consumers.clone());
    let store: Arc<dyn Store> = Arc::new(Tapped::new(open_store(&config).await?, stream));
    // The functions reach the sockets the way they do in AWS: the management API, through
    // the real SDK client, pointed at this gateway.
    let sdk = bluelamp::config::aws_local(None);
    let deliver = ApiGatewayDelivery::from_endpoints(
        &sdk,
        &format!("{base}/public"),
        &format!("{base}/operator"),
    );
    let deps = Deps {
        store,
        deliver: Arc::new(deliver),
        config: config.chat.clone(),
    };
    let faq = faq_reply::FaqDeps {
        chat: deps.clone(),
        bot: Arc::new(bluelamp::faq::FaqBot::with_default_kb()?),
        translator: Arc::new(bluelamp::translation::OfflineTranslator::new()),
    };
    let _ = consumers.set(vec![
        Arc::new(TranslateConsumer(deps.clone())),
        Arc::new(FaqConsumer(faq)),
    ]);

    let sockets = Sockets::default();
    let gw = Arc::new(Gateway {
        deps,
        verifier,
        identity: identity.clone(),
        sockets: sockets.clone(),
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
        .route("/", get(index))
        .with_state(gw)
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
        reports: report_store,
        shutdown: Some(tx),
        server,
    })
}

async fn index() -> axum::response::Html<&'static str> {
    axum::response::Html(include_str!("index.html"))
}
