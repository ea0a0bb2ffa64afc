//! Configuration from the environment, read once at start. A missing or malformed variable
//! stops the process with a message that names it.

use crate::domain::ForceId;
use crate::store::RateLimit;
use std::env;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("environment variable {0} is not set")]
    Missing(&'static str),
    #[error("environment variable {name} is malformed: {reason}")]
    Invalid { name: &'static str, reason: String },
}

/// Reads one variable.
pub fn required(name: &'static str) -> Result<String, ConfigError> {
    match env::var(name) {
        Ok(v) if !v.trim().is_empty() => Ok(v),
        _ => Err(ConfigError::Missing(name)),
    }
}

/// Reads and parses one variable, or uses the default when it is not set.
pub fn optional<T: std::str::FromStr>(name: &'static str, default: T) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match env::var(name) {
        Ok(v) if !v.trim().is_empty() => {
            v.trim().parse().map_err(|e: T::Err| ConfigError::Invalid {
                name,
                reason: e.to_string(),
            })
        }
        _ => Ok(default),
    }
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
        let d = Self::default();
        let force: String = optional("FORCE_ID", d.force.to_string())?;
        Ok(Self {
            force: ForceId::parse(force).map_err(|e| ConfigError::Invalid {
                name: "FORCE_ID",
                reason: e.to_string(),
            })?,
            report_url: optional("REPORT_URL", d.report_url)?,
            rate_limit: RateLimit {
                max: optional("RATE_LIMIT_FRAMES", d.rate_limit.max)?,
                window_secs: optional("RATE_LIMIT_WINDOW_SECS", d.rate_limit.window_secs)?,
            },
            chat_retention_days: optional("CHAT_RETENTION_DAYS", d.chat_retention_days)?,
            connection_ttl_secs: d.connection_ttl_secs,
            average_handling_secs: optional("AVERAGE_HANDLING_SECS", d.average_handling_secs)?,
            staffed_hours: match std::env::var("STAFFED_HOURS") {
                Ok(text) if !text.trim().is_empty() => {
                    Some(crate::domain::StaffedHours::parse(&text).map_err(|e| {
                        ConfigError::Invalid {
                            name: "STAFFED_HOURS",
                            reason: e.to_string(),
                        }
                    })?)
                }
                _ => None,
            },
        })
    }
}

/// The AWS configuration every function builds once. Endpoints come from the SDK's own
/// variables (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_DYNAMODB`, ...), so tests and the local
/// gateway point the real clients at local servers without code changes.
pub async fn aws() -> aws_config::SdkConfig {
    aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await
}

/// Static configuration for local servers (moto, the local gateway): fixed region and
/// throwaway credentials, nothing read from the machine. Not in Lambda binaries (`local`).
#[cfg(feature = "local")]
pub fn aws_local(endpoint_url: Option<&str>) -> aws_config::SdkConfig {
    let creds = aws_credential_types::Credentials::new("local", "local", None, None, "local");
    let mut b = aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
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
