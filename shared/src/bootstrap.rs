//! Building a function's dependencies from its environment, once, at start: the one place
//! that knows which variables a function reads for its tables and APIs.

use crate::chat::Deps;
use crate::config::{aws, required, ChatConfig, ConfigError};
use crate::delivery::ApiGatewayDelivery;
use crate::report::{DynamoReportStore, ReportTables};
use crate::store::{tables, DynamoStore, TableNames};
use std::sync::Arc;

/// The management API endpoint of each WebSocket API
/// (`https://{api-id}.execute-api.{region}.amazonaws.com/{stage}`).
pub const PUBLIC_WS_ENDPOINT: &str = "PUBLIC_WS_ENDPOINT";
pub const OPERATOR_WS_ENDPOINT: &str = "OPERATOR_WS_ENDPOINT";

/// Every variable a chat function cannot start without (the template's check reads this).
pub const REQUIRED_CHAT_ENV: &[&str] = &[
    tables::CHATS.env_var,
    tables::CONNECTIONS.env_var,
    PUBLIC_WS_ENDPOINT,
    OPERATOR_WS_ENDPOINT,
];

/// Table names from `CHATS_TABLE` and `CONNECTIONS_TABLE`.
pub fn table_names_from_env() -> Result<TableNames, ConfigError> {
    Ok(TableNames {
        chats: required(tables::CHATS.env_var)?,
        connections: required(tables::CONNECTIONS.env_var)?,
    })
}

/// A chat function's start: the chat core ([`Deps`]: the configuration, the DynamoDB store's
/// chat, queue and connection ports, and delivery through the two WebSocket APIs,
/// `PUBLIC_WS_ENDPOINT` and `OPERATOR_WS_ENDPOINT`), and the store itself, whose other ports
/// the function takes as it needs them.
pub struct ChatStart {
    pub deps: Deps,
    pub store: Arc<DynamoStore>,
}

/// [`ChatStart`] from the environment.
pub async fn chat_deps_from_env() -> Result<ChatStart, ConfigError> {
    chat_deps_with(&aws().await?)
}

/// The start every chat function's `main` shares, each step a phase of `profile`: tracing
/// (`tracing`), the AWS configuration (`aws_config`) and the chat core's clients
/// (`chat_clients`). A failure is logged through [`fatal`](crate::startup::fatal) with its
/// phase, `configuration`. Returns the configuration, for the function's own clients, and the
/// core.
pub async fn start_chat_function(
    profile: &mut crate::startup::StartupProfile,
) -> Result<(aws_config::SdkConfig, ChatStart), crate::startup::StartError> {
    use crate::startup::fatal;
    crate::config::init_tracing();
    profile.mark("tracing");
    let sdk = aws().await.map_err(fatal("configuration"))?;
    profile.mark("aws_config");
    let chat = chat_deps_with(&sdk).map_err(fatal("configuration"))?;
    profile.mark("chat_clients");
    Ok((sdk, chat))
}

/// [`chat_deps_from_env`] with an AWS configuration the caller loaded (once) already.
pub fn chat_deps_with(sdk: &aws_config::SdkConfig) -> Result<ChatStart, ConfigError> {
    let config = ChatConfig::from_env()?;
    let tables = table_names_from_env()?;
    let public = required(PUBLIC_WS_ENDPOINT)?;
    let operator = required(OPERATOR_WS_ENDPOINT)?;
    let sdk = sdk.clone();
    let store = Arc::new(DynamoStore::new(
        aws_sdk_dynamodb::Client::new(&sdk),
        tables,
    ));
    let deliver = ApiGatewayDelivery::from_endpoints(&sdk, &public, &operator);
    let deps = Deps::over(
        store.clone(),
        Arc::new(deliver),
        config,
        crate::metrics::Metrics::stdout(),
    );
    Ok(ChatStart { deps, store })
}

/// The translators of the translate function: Amazon Translate and Google Cloud Translation
/// behind the [`RoutingTranslator`](crate::translation::RoutingTranslator), the fixed texts
/// through the DynamoDB cache. Reads:
///
/// - `TRANSLATION_CACHE_TABLE` (required), `TRANSLATION_CACHE_VERSION` (default 1);
/// - `GOOGLE_TRANSLATE_URL` (default Google's own);
/// - the Google API key: `GOOGLE_TRANSLATE_API_KEY_PARAMETER`, an SSM parameter read on first
///   use through the Parameters and Secrets Lambda extension (on port
///   `PARAMETERS_SECRETS_EXTENSION_HTTP_PORT`, default 2773), or `GOOGLE_TRANSLATE_API_KEY`
///   itself (local runs). With neither, the languages only Google serves are delivered
///   "translation unavailable", and this is logged once here — the function still starts.
///
/// Amazon Translate uses the function's role; `AWS_ENDPOINT_URL_TRANSLATE` points it elsewhere.
#[cfg(feature = "google-translate")]
pub fn translators_with(
    sdk: &aws_config::SdkConfig,
) -> Result<crate::translation::Translators, ConfigError> {
    use crate::config::optional;
    use crate::store::DynamoTranslationCache;
    use crate::translation::Translators;

    let cache_table = required(tables::TRANSLATION_CACHE.env_var)?;
    let cache_version: u32 = optional("TRANSLATION_CACHE_VERSION", 1)?;
    let cache = DynamoTranslationCache::new(aws_sdk_dynamodb::Client::new(sdk), cache_table);
    Ok(Translators::new(
        translation_provider_with(sdk)?,
        Arc::new(cache),
        cache_version,
    ))
}

/// The providers alone, uncached: Amazon Translate and Google Cloud Translation behind the
/// [`RoutingTranslator`](crate::translation::RoutingTranslator), configured as
/// [`translators_with`] says. The `message` function previews operators' replies with it, so
/// that a preview is what the translate function will deliver.
#[cfg(feature = "google-translate")]
pub fn translation_provider_with(
    sdk: &aws_config::SdkConfig,
) -> Result<Arc<dyn crate::translation::Translator>, ConfigError> {
    use crate::translation::{amazon_translate_client, AmazonTranslator, RoutingTranslator};

    let amazon = AmazonTranslator::new(amazon_translate_client(sdk));
    let google = google_from_env()?;
    Ok(Arc::new(RoutingTranslator::new(Arc::new(amazon), google)))
}

#[cfg(feature = "google-translate")]
fn google_from_env() -> Result<Arc<dyn crate::translation::Translator>, ConfigError> {
    use crate::config::optional;
    use crate::translation::{
        ApiKey, GoogleTranslateConfig, GoogleTranslator, GoogleWithKeyParameter, KeyParameter,
        Provider, UnconfiguredTranslator,
    };

    let url = |name: &'static str, value: String| {
        reqwest::Url::parse(&value).map_err(|e| ConfigError::invalid(name, e))
    };
    let base_url = url(
        "GOOGLE_TRANSLATE_URL",
        optional(
            "GOOGLE_TRANSLATE_URL",
            GoogleTranslateConfig::DEFAULT_BASE_URL.to_owned(),
        )?,
    )?;
    let roots = crate::tls::TrustedRoots::from_env(&crate::config::Env::process())?;
    let http = crate::tls::http_client_builder(roots)
        .build()
        .map_err(|e| ConfigError::invalid(crate::tls::TLS_ROOTS, e))?;
    if let Ok(parameter) = required("GOOGLE_TRANSLATE_API_KEY_PARAMETER") {
        let port: u16 = optional("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", 2773)?;
        let extension_url = url(
            "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT",
            format!("http://localhost:{port}"),
        )?;
        let session_token = required("AWS_SESSION_TOKEN")?;
        return Ok(Arc::new(GoogleWithKeyParameter::new(
            http,
            base_url,
            KeyParameter {
                extension_url,
                name: parameter,
                session_token,
            },
        )));
    }
    if let Ok(key) = required("GOOGLE_TRANSLATE_API_KEY") {
        return Ok(Arc::new(GoogleTranslator::new(
            http,
            GoogleTranslateConfig::new(base_url, ApiKey::new(key)),
        )));
    }
    tracing::error!(
        "no Google API key (GOOGLE_TRANSLATE_API_KEY_PARAMETER or GOOGLE_TRANSLATE_API_KEY): \
         languages only Google serves will be delivered untranslated"
    );
    Ok(Arc::new(UnconfiguredTranslator(Provider::GoogleTranslate)))
}
/// Report table names from `REPORTS_TABLE` and `AUDIT_TABLE`.
pub fn report_tables_from_env() -> Result<ReportTables, ConfigError> {
    Ok(ReportTables {
        reports: required(tables::REPORTS.env_var)?,
        audit: required(tables::AUDIT.env_var)?,
    })
}

/// The DynamoDB report store, on the tables the environment names.
pub async fn report_store_from_env() -> Result<DynamoReportStore, ConfigError> {
    report_store_with(&aws().await?)
}

/// [`report_store_from_env`] with an AWS configuration the caller loaded (once) already.
pub fn report_store_with(sdk: &aws_config::SdkConfig) -> Result<DynamoReportStore, ConfigError> {
    let tables = report_tables_from_env()?;
    Ok(DynamoReportStore::new(
        aws_sdk_dynamodb::Client::new(sdk),
        tables,
    ))
}
