//! Configuration from the environment, read once at start. A missing or malformed variable
//! stops the process with a message that names it.

use crate::domain::ForceId;
use crate::store::RateLimit;
use std::env;
use std::sync::Arc;

/// Why a function's configuration cannot be read: the one error of every reader (the chat
/// functions', the authorizer's, report-intake's). It names the variable, never its value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("environment variable {0} is not set (or is empty)")]
    Missing(&'static str),
    #[error("environment variable {var} is not valid: {reason}")]
    Invalid { var: &'static str, reason: String },
}

impl ConfigError {
    /// `var` holds a value that `error` refuses.
    pub fn invalid(var: &'static str, error: impl std::fmt::Display) -> Self {
        Self::Invalid {
            var,
            reason: error.to_string(),
        }
    }
}

/// The one configuration reader: variables from the process environment or, in tests, from
/// any lookup. A variable that is unset, empty or only spaces counts as not set; values are
/// trimmed.
#[derive(Clone, Copy)]
pub struct Env<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
}

fn process_env(name: &str) -> Option<String> {
    env::var(name).ok()
}

impl<'a> Env<'a> {
    /// The process environment.
    pub fn process() -> Env<'static> {
        Env {
            lookup: &process_env,
        }
    }

    /// Variables through `lookup` (a map in tests).
    pub fn from_lookup(lookup: &'a dyn Fn(&str) -> Option<String>) -> Self {
        Self { lookup }
    }

    /// The trimmed value of `var`, when it is set to something.
    pub fn get(&self, var: &str) -> Option<String> {
        (self.lookup)(var)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// The value of `var`, which must be set.
    pub fn required(&self, var: &'static str) -> Result<String, ConfigError> {
        self.get(var).ok_or(ConfigError::Missing(var))
    }

    /// `var` parsed by `parse`, or `None` when it is not set.
    pub fn parsed_with<T, E: std::fmt::Display>(
        &self,
        var: &'static str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Option<T>, ConfigError> {
        self.get(var)
            .map(|v| parse(&v).map_err(|e| ConfigError::invalid(var, e)))
            .transpose()
    }

    /// `var` parsed, or `default` when it is not set.
    pub fn parsed_or<T: std::str::FromStr>(
        &self,
        var: &'static str,
        default: T,
    ) -> Result<T, ConfigError>
    where
        T::Err: std::fmt::Display,
    {
        Ok(self.parsed_with(var, str::parse)?.unwrap_or(default))
    }
}

/// Reads one variable of the process environment, which must be set.
pub fn required(name: &'static str) -> Result<String, ConfigError> {
    Env::process().required(name)
}

/// Reads and parses one variable of the process environment, or uses the default when it is
/// not set.
pub fn optional<T: std::str::FromStr>(name: &'static str, default: T) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    Env::process().parsed_or(name, default)
}

/// What the chat functions need to know about the force and its rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatConfig {
    pub force: ForceId,
    /// Where a waiting citizen can report online meanwhile.
    pub report_url: String,
    /// Frames per connection per window.
    pub rate_limit: RateLimit,
    /// How long chats and their transcripts are kept.
    pub chat_retention_days: i64,
    /// How long an idle connection item may outlive its socket (API Gateway's 2 hours).
    pub connection_ttl_secs: i64,
    /// The average time an operator spends on a chat, for the honest wait estimate.
    pub average_handling_secs: u64,
    /// When the room answers chats (UTC); always, when not set.
    pub staffed_hours: Option<crate::domain::StaffedHours>,
}

impl Default for ChatConfig {
    fn default() -> Self {
        Self {
            force: ForceId::parse("demo").unwrap_or_else(|_| unreachable!("a valid literal")),
            report_url: "/report/".to_owned(),
            rate_limit: RateLimit {
                max: 20,
                window_secs: 10,
            },
            chat_retention_days: 400,
            connection_ttl_secs: 2 * 60 * 60,
            average_handling_secs: 6 * 60,
            staffed_hours: None,
        }
    }
}

impl ChatConfig {
    /// Whether the room is staffed at `now_ms`.
    pub fn staffed_at(&self, now_ms: i64) -> bool {
        self.staffed_hours.is_none_or(|h| h.contains(now_ms))
    }

    /// Reads `FORCE_ID`, `REPORT_URL`, `RATE_LIMIT_FRAMES`, `RATE_LIMIT_WINDOW_SECS`,
    /// `CHAT_RETENTION_DAYS`, `AVERAGE_HANDLING_SECS`, `STAFFED_HOURS` (`HH:MM-HH:MM`, UTC);
    /// each has a default.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::read(Env::process())
    }

    /// Reads the configuration through `env`.
    pub fn read(env: Env<'_>) -> Result<Self, ConfigError> {
        let d = Self::default();
        Ok(Self {
            force: env
                .parsed_with("FORCE_ID", |v| ForceId::parse(v))?
                .unwrap_or(d.force),
            report_url: env.parsed_or("REPORT_URL", d.report_url)?,
            rate_limit: RateLimit {
                max: env.parsed_or("RATE_LIMIT_FRAMES", d.rate_limit.max)?,
                window_secs: env.parsed_or("RATE_LIMIT_WINDOW_SECS", d.rate_limit.window_secs)?,
            },
            chat_retention_days: env.parsed_or("CHAT_RETENTION_DAYS", d.chat_retention_days)?,
            connection_ttl_secs: d.connection_ttl_secs,
            average_handling_secs: env
                .parsed_or("AVERAGE_HANDLING_SECS", d.average_handling_secs)?,
            staffed_hours: env.parsed_with("STAFFED_HOURS", crate::domain::StaffedHours::parse)?,
        })
    }
}

/// The AWS configuration every function builds once. In Lambda it is built from the
/// variables Lambda sets ([`aws_from_lambda_env`]), which takes microseconds; without them (a
/// local CLI, a profile, SSO) it is the SDK's full default chain. Endpoints come from the SDK's
/// own variables (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_DYNAMODB`, ...) either way, so tests and
/// the local gateway point the real clients at local servers without code changes. The HTTPS
/// client trusts the roots `TLS_ROOTS` chooses ([`crate::tls`]): Amazon's, compiled in, unless
/// it says `system`.
pub async fn aws() -> Result<aws_config::SdkConfig, ConfigError> {
    aws_from(Arc::new(process_env)).await
}

/// [`aws`] with the variables from `lookup` (the default chain, when Lambda's variables are
/// missing, still reads the process's own).
pub async fn aws_from(lookup: SharedLookup) -> Result<aws_config::SdkConfig, ConfigError> {
    let roots = crate::tls::TrustedRoots::from_env(&Env::from_lookup(&*lookup))?;
    let http = crate::tls::sdk_http_client(roots);
    Ok(match aws_from_lambda_env(lookup, http.clone()) {
        Some(config) => config,
        None => {
            aws_config::defaults(aws_config::BehaviorVersion::latest())
                .http_client(http)
                .load()
                .await
        }
    })
}

/// A variable lookup that a configuration can keep (the endpoint overrides are read when each
/// client is built).
pub type SharedLookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The AWS configuration from the variables Lambda sets in every function: `AWS_REGION`,
/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` (the role's session),
/// with the endpoint overrides `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>` as the
/// SDK reads them. None of the default chain's other sources (profile files, SSO, web
/// identity, the container and instance metadata endpoints) is consulted. `None` when the
/// region or a key is missing, or when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` asks for the
/// SDK's own handling: then the caller uses the full chain. Retries and timeouts are the SDK
/// clients' defaults for the same behaviour version, as with the chain; `http` is the HTTPS
/// client ([`crate::tls::sdk_http_client`]).
pub fn aws_from_lambda_env(
    lookup: SharedLookup,
    http: aws_types::sdk_config::SharedHttpClient,
) -> Option<aws_config::SdkConfig> {
    let env = Env::from_lookup(&*lookup);
    if env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS").is_some() {
        return None;
    }
    let region = env.get("AWS_REGION")?;
    let credentials = aws_credential_types::Credentials::new(
        env.get("AWS_ACCESS_KEY_ID")?,
        env.get("AWS_SECRET_ACCESS_KEY")?,
        env.get("AWS_SESSION_TOKEN"),
        None,
        "LambdaEnvironment",
    );
    let mut builder = aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .http_client(http)
        .region(aws_config::Region::new(region))
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(credentials),
        );
    if let Some(url) = env.get(ENDPOINT_URL) {
        builder = builder.endpoint_url(url);
    }
    Some(builder.service_config(EndpointOverrides(lookup)).build())
}

/// The SDK's variable for every service's endpoint; `{ENDPOINT_URL}_{SERVICE_ID}` for one.
const ENDPOINT_URL: &str = "AWS_ENDPOINT_URL";

/// The per-service settings a client asks for when it is built: only the endpoint URL, from
/// `AWS_ENDPOINT_URL_<SERVICE>` (the service id in capitals, spaces as `_`, as the SDK forms
/// it: `AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_TRANSLATE`) or else `AWS_ENDPOINT_URL`.
struct EndpointOverrides(SharedLookup);

impl std::fmt::Debug for EndpointOverrides {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EndpointOverrides")
    }
}

impl aws_types::service_config::LoadServiceConfig for EndpointOverrides {
    fn load_config(&self, key: aws_types::service_config::ServiceConfigKey<'_>) -> Option<String> {
        if key.env() != ENDPOINT_URL {
            return None;
        }
        let env = Env::from_lookup(&*self.0);
        let service = key.service_id().to_uppercase().replace(' ', "_");
        env.get(&format!("{ENDPOINT_URL}_{service}"))
            .or_else(|| env.get(ENDPOINT_URL))
    }
}

/// Static configuration for local servers (moto, the local gateway): fixed region and
/// throwaway credentials, nothing read from the machine. Not in Lambda binaries (`local`).
#[cfg(feature = "local")]
pub fn aws_local(endpoint_url: Option<&str>) -> aws_config::SdkConfig {
    let creds = aws_credential_types::Credentials::new("local", "local", None, None, "local");
    let mut b = aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .http_client(crate::tls::sdk_http_client(
            crate::tls::TrustedRoots::Amazon,
        ))
        .region(aws_config::Region::new("eu-west-2"))
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(creds),
        );
    if let Some(url) = endpoint_url {
        b = b.endpoint_url(url);
    }
    b.build()
}

/// Structured JSON logs for Lambda (CloudWatch), level from `RUST_LOG` (default info).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(false)
        .without_time()
        .try_init();
}

/// For tests: the log lines written on this thread while the guard of [`CapturedLogs::start`]
/// is held, as JSON (the form of [`init_tracing`]), to assert what is logged and what never
/// is. A test that reads logs is best a test binary of its own: tracing caches per-callsite
/// interest across the threads of one process.
#[cfg(any(test, feature = "test-support"))]
#[derive(Clone, Default)]
pub struct CapturedLogs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

#[cfg(any(test, feature = "test-support"))]
impl CapturedLogs {
    /// Captures until the guard is dropped.
    pub fn start() -> (Self, tracing::subscriber::DefaultGuard) {
        let logs = Self::default();
        let sink = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .json()
            .with_writer(move || sink.clone())
            .finish();
        (logs, tracing::subscriber::set_default(subscriber))
    }

    /// Captures every thread's log lines for the rest of the process, through the filter
    /// `directives` (as `RUST_LOG` reads them), as [`init_tracing`] writes them: for a test
    /// binary that runs a whole gateway (its tasks run on any thread). The first call installs
    /// it; later calls share it.
    pub fn global(directives: &str) -> Self {
        static GLOBAL: std::sync::OnceLock<CapturedLogs> = std::sync::OnceLock::new();
        GLOBAL
            .get_or_init(|| {
                let logs = Self::default();
                let sink = logs.clone();
                let subscriber = tracing_subscriber::fmt()
                    .json()
                    .with_env_filter(tracing_subscriber::EnvFilter::new(directives))
                    .with_current_span(false)
                    .without_time()
                    .with_writer(move || sink.clone())
                    .finish();
                let _ = tracing::subscriber::set_global_default(subscriber);
                logs
            })
            .clone()
    }

    /// Everything captured so far.
    pub fn text(&self) -> String {
        self.0
            .lock()
            .map(|buffer| String::from_utf8_lossy(&buffer).into_owned())
            .unwrap_or_default()
    }

    /// Captured so far, one entry per log line.
    pub fn lines(&self) -> Vec<String> {
        self.text().lines().map(str::to_owned).collect()
    }
}

#[cfg(any(test, feature = "test-support"))]
impl std::io::Write for CapturedLogs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut buffer) = self.0.lock() {
            buffer.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    fn lookup(vars: &[(&str, &str)]) -> SharedLookup {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Arc::new(move |name| vars.get(name).cloned())
    }

    /// A server that answers every request with an empty DynamoDB table list and hands back
    /// the head of the first request it got.
    async fn server() -> (String, tokio::task::JoinHandle<String>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let first = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut head = Vec::new();
            let mut buf = [0u8; 4096];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = socket.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                head.extend_from_slice(&buf[..n]);
            }
            let body = r#"{"TableNames":[]}"#;
            let reply = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\n\
                 content-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(reply.as_bytes()).await;
            String::from_utf8_lossy(&head).to_lowercase()
        });
        (url, first)
    }

    fn amazon_roots() -> aws_types::sdk_config::SharedHttpClient {
        crate::tls::sdk_http_client(crate::tls::TrustedRoots::Amazon)
    }

    #[tokio::test]
    async fn the_lambda_environment_gives_the_region_the_role_and_the_endpoints() {
        let (dynamo_url, dynamo_request) = server().await;
        let (other_url, other_request) = server().await;
        let sdk = aws_from_lambda_env(
            lookup(&[
                ("AWS_REGION", "eu-west-1"),
                ("AWS_ACCESS_KEY_ID", "AKIDLAMBDA"),
                ("AWS_SECRET_ACCESS_KEY", "secret"),
                ("AWS_SESSION_TOKEN", "session-token"),
                ("AWS_ENDPOINT_URL_DYNAMODB", &dynamo_url),
                ("AWS_ENDPOINT_URL", &other_url),
            ]),
            amazon_roots(),
        )
        .expect("a complete Lambda environment");
        assert_eq!(sdk.region().map(|r| r.as_ref()), Some("eu-west-1"));

        // The service's own variable wins for DynamoDB, and the request is signed with the
        // role's session for the region.
        let tables = aws_sdk_dynamodb::Client::new(&sdk)
            .list_tables()
            .send()
            .await;
        assert!(tables.is_ok(), "{tables:?}");
        let head = dynamo_request.await.unwrap();
        assert!(
            head.contains("credential=akidlambda/") && head.contains("/eu-west-1/dynamodb/"),
            "{head}"
        );
        assert!(
            head.contains("x-amz-security-token: session-token"),
            "{head}"
        );

        // Any other service takes AWS_ENDPOINT_URL.
        let _ = aws_sdk_translate::Client::new(&sdk)
            .list_languages()
            .send()
            .await;
        let head = other_request.await.unwrap();
        assert!(head.contains("/eu-west-1/translate/"), "{head}");
    }

    #[test]
    fn without_the_region_or_a_key_the_full_chain_is_used() {
        let complete = [
            ("AWS_REGION", "eu-west-2"),
            ("AWS_ACCESS_KEY_ID", "a"),
            ("AWS_SECRET_ACCESS_KEY", "s"),
        ];
        let sdk = aws_from_lambda_env(lookup(&complete), amazon_roots()).expect("complete");
        // No session token and no endpoint: none is made up.
        assert_eq!(sdk.endpoint_url(), None);
        for missing in 0..complete.len() {
            let mut vars = complete.to_vec();
            vars.remove(missing);
            assert!(
                aws_from_lambda_env(lookup(&vars), amazon_roots()).is_none(),
                "{vars:?}"
            );
        }
        let mut ignoring = complete.to_vec();
        ignoring.push(("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"));
        assert!(aws_from_lambda_env(lookup(&ignoring), amazon_roots()).is_none());
    }

    #[test]
    fn the_reader_trims_and_treats_blank_as_unset() {
        let vars = lookup(&[("A", " 7 "), ("B", "  "), ("C", "x")]);
        let env = Env::from_lookup(&*vars);
        assert_eq!(env.get("A").as_deref(), Some("7"));
        assert_eq!(env.required("B"), Err(ConfigError::Missing("B")));
        assert_eq!(env.parsed_or("A", 1u32), Ok(7));
        assert_eq!(env.parsed_or("B", 1u32), Ok(1));
        assert!(matches!(
            env.parsed_or("C", 1u32),
            Err(ConfigError::Invalid { var: "C", .. })
        ));
    }
}
