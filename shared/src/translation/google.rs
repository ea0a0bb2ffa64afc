//! The Google Cloud Translation adapter (Basic edition, REST `v2`), for the languages Amazon
//! Translate lacks (Tigrinya, Kurdish, Oromo, ...). Plain `reqwest` against a configurable base
//! URL, so tests and the local gateway point it at a stub; same splitting and retries as Amazon.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::request::{translate_in_requests, SendRequest};
use super::{BoxError, Provider, RetryPolicy, TranslateError, Translation, Translator};
use crate::domain::LanguageCode;

/// The API key, kept out of `Debug` output and sent in a header, never in the URL (URLs end up
/// in error messages and logs).
#[derive(Clone)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// Settings of the Google Cloud Translation adapter.
#[derive(Debug, Clone)]
pub struct GoogleTranslateConfig {
    /// Where the API lives; [`Self::DEFAULT_BASE_URL`] in production, a stub in tests.
    pub base_url: reqwest::Url,
    pub api_key: ApiKey,
    /// Bytes of text per request. Google recommends at most 5,000 characters per request;
    /// 5,000 bytes is never more than 5,000 characters.
    pub max_request_bytes: usize,
    /// A request that takes longer is abandoned and counted as an outage (and retried).
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
}

impl GoogleTranslateConfig {
    pub const DEFAULT_BASE_URL: &'static str = "https://translation.googleapis.com";
    pub const DEFAULT_MAX_REQUEST_BYTES: usize = 5_000;

    /// Defaults for everything but where and who: 5,000 bytes a request, 10 s timeout, the
    /// default retry policy.
    pub fn new(base_url: reqwest::Url, api_key: ApiKey) -> Self {
        Self {
            base_url,
            api_key,
            max_request_bytes: Self::DEFAULT_MAX_REQUEST_BYTES,
            request_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
        }
    }
}

/// [`Translator`] backed by Google Cloud Translation (`POST {base}/language/translate/v2`).
#[derive(Debug, Clone)]
pub struct GoogleTranslator {
    http: reqwest::Client,
    endpoint: reqwest::Url,
    config: GoogleTranslateConfig,
}

impl GoogleTranslator {
    /// `http` is built once per process and shared (it pools connections).
    pub fn new(http: reqwest::Client, config: GoogleTranslateConfig) -> Self {
        let mut endpoint = config.base_url.clone();
        let path = format!(
            "{}/language/translate/v2",
            endpoint.path().trim_end_matches('/')
        );
        endpoint.set_path(&path);
        Self {
            http,
            endpoint,
            config,
        }
    }
}

/// The code Google expects for one of the table's codes. Google has no Mexican Spanish; Spanish
/// is the closest. Every other code in the table is Google's own.
fn google_code(code: &LanguageCode) -> &str {
    match code.as_str() {
        "es-MX" => "es",
        other => other,
    }
}

#[derive(Serialize)]
struct TranslateRequest<'a> {
    q: [&'a str; 1],
    source: &'a str,
    target: &'a str,
    /// Plain text in, plain text out (the default, "html", escapes the output).
    format: &'static str,
}

#[derive(Deserialize)]
struct TranslateResponse {
    data: TranslateData,
}

#[derive(Deserialize)]
struct TranslateData {
    translations: Vec<TranslatedText>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TranslatedText {
    translated_text: String,
}

#[derive(Deserialize)]
struct ErrorResponse {
    error: ErrorBody,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    errors: Vec<ErrorDetail>,
}

#[derive(Deserialize)]
struct ErrorDetail {
    #[serde(default)]
    reason: Option<String>,
}

/// A non-success answer from the API: its status and Google's machine-readable reason, never
/// its free-text message (which may quote the request).
#[derive(Debug, thiserror::Error)]
#[error("HTTP {status} (status {status_name}, reason {reason})")]
struct GoogleApiError {
    status: u16,
    status_name: String,
    reason: String,
}

/// The 200 answer did not have the expected shape.
#[derive(Debug, thiserror::Error)]
#[error("unexpected response body: {0}")]
struct BadBody(&'static str);

#[async_trait]
impl Translator for GoogleTranslator {
    async fn translate(
        &self,
        text: &str,
        from: &LanguageCode,
        to: &LanguageCode,
    ) -> Result<Translation, TranslateError> {
        translate_in_requests(self, text, from, to).await
    }
}

const PROVIDER: Provider = Provider::GoogleTranslate;

#[async_trait]
impl SendRequest for GoogleTranslator {
    fn provider(&self) -> Provider {
        PROVIDER
    }

    fn max_request_bytes(&self) -> usize {
        self.config.max_request_bytes
    }

    fn retry_policy(&self) -> &RetryPolicy {
        &self.config.retry
    }

    async fn send(
        &self,
        text: &str,
        from: &LanguageCode,
        to: &LanguageCode,
    ) -> Result<String, TranslateError> {
        let body = TranslateRequest {
            q: [text],
            source: google_code(from),
            target: google_code(to),
            format: "text",
        };
        let response = self
            .http
            .post(self.endpoint.clone())
            .header("x-goog-api-key", &self.config.api_key.0)
            .timeout(self.config.request_timeout)
            .json(&body)
            .send()
            .await
            .map_err(map_transport_error)?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(map_transport_error)?;
        if !status.is_success() {
            return Err(map_status(status.as_u16(), &bytes, from, to));
        }
        let parsed: TranslateResponse =
            serde_json::from_slice(&bytes).map_err(|e| TranslateError::Misconfigured {
                provider: PROVIDER,
                source: Box::new(e),
            })?;
        parsed
            .data
            .translations
            .into_iter()
            .next()
            .map(|t| t.translated_text)
            .ok_or_else(|| TranslateError::Misconfigured {
                provider: PROVIDER,
                source: Box::new(BadBody("no translations")),
            })
    }
}

fn map_transport_error(err: reqwest::Error) -> TranslateError {
    let err = err.without_url();
    if err.is_builder() {
        TranslateError::Misconfigured {
            provider: PROVIDER,
            source: Box::new(err),
        }
    } else {
        // Connect failures, timeouts, a connection cut mid-body: all may pass.
        TranslateError::Unavailable {
            provider: PROVIDER,
            source: Box::new(err),
        }
    }
}

fn map_status(status: u16, body: &[u8], from: &LanguageCode, to: &LanguageCode) -> TranslateError {
    let detail = serde_json::from_slice::<ErrorResponse>(body).ok();
    let status_name = detail
        .as_ref()
        .and_then(|d| d.error.status.clone())
        .unwrap_or_default();
    let reason = detail
        .as_ref()
        .and_then(|d| d.error.errors.iter().find_map(|e| e.reason.clone()))
        .unwrap_or_default();
    let rate_limited = status == 429
        || status_name == "RESOURCE_EXHAUSTED"
        || matches!(
            reason.as_str(),
            "rateLimitExceeded" | "userRateLimitExceeded" | "dailyLimitExceeded"
        );
    let source: BoxError = Box::new(GoogleApiError {
        status,
        status_name,
        reason,
    });
    let provider = PROVIDER;
    match status {
        _ if rate_limited => TranslateError::Throttled { provider, source },
        408 | 500..=599 => TranslateError::Unavailable { provider, source },
        401 | 403 | 404 => TranslateError::Misconfigured { provider, source },
        // Google answers an unknown language code with 400 INVALID_ARGUMENT; with codes from
        // the table that means the pair is not (or no longer) offered.
        400 => TranslateError::UnsupportedPair {
            from: from.clone(),
            to: to.clone(),
            source: Some(source),
        },
        _ => TranslateError::Rejected { provider, source },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::extract::State;
    use axum::http::{HeaderMap, StatusCode};
    use axum::response::{IntoResponse, Response};
    use axum::routing::post;
    use axum::{Json, Router};
    use serde_json::{json, Value};
    use std::collections::VecDeque;
    use std::sync::{Arc, Mutex};

    /// What the stub answers next; once the script is used up it echoes the text back.
    #[derive(Clone)]
    enum Reply {
        Status(u16, Value),
        Translate(&'static str),
    }

    /// The API key header and JSON body of one request the stub received.
    type Received = (Option<String>, Value);

    #[derive(Clone, Default)]
    struct Stub {
        requests: Arc<Mutex<Vec<Received>>>,
        script: Arc<Mutex<VecDeque<Reply>>>,
    }

    async fn handle(
        State(stub): State<Stub>,
        headers: HeaderMap,
        Json(body): Json<Value>,
    ) -> Response {
        let key = headers
            .get("x-goog-api-key")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        stub.requests.lock().unwrap().push((key, body.clone()));
        let next = stub.script.lock().unwrap().pop_front();
        match next {
            Some(Reply::Status(code, value)) => {
                (StatusCode::from_u16(code).unwrap(), Json(value)).into_response()
            }
            Some(Reply::Translate(text)) => {
                Json(json!({"data": {"translations": [{"translatedText": text}]}})).into_response()
            }
            None => {
                let q = body["q"][0].as_str().unwrap_or_default();
                Json(json!({"data": {"translations": [{"translatedText": format!("<{}>", q.len())}]}}))
                    .into_response()
            }
        }
    }

    /// Starts the stub on 127.0.0.1, port 0, and returns it with a translator pointed at it.
    async fn spawn_stub(script: Vec<Reply>) -> (Stub, GoogleTranslator) {
        let stub = Stub {
            script: Arc::new(Mutex::new(script.into())),
            ..Stub::default()
        };
        let app = Router::new()
            .route("/language/translate/v2", post(handle))
            .with_state(stub.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let mut config = GoogleTranslateConfig::new(
            reqwest::Url::parse(&format!("http://{addr}/")).unwrap(),
            ApiKey::new("test-key"),
        );
        config.retry = RetryPolicy::immediate(3);
        (stub, GoogleTranslator::new(reqwest::Client::new(), config))
    }

    fn code(s: &str) -> LanguageCode {
        LanguageCode::parse(s).unwrap()
    }

    #[tokio::test]
    async fn sends_text_codes_and_key_and_reads_the_translation() {
        let (stub, translator) = spawn_stub(vec![Reply::Translate("My phone was stolen.")]).await;

        let translation = translator
            .translate("ሞባይለይ ተሰሪቑ።", &code("ti"), &code("en"))
            .await
            .unwrap();

        assert_eq!(translation.text, "My phone was stolen.");
        assert_eq!(translation.provider, Some(Provider::GoogleTranslate));
        let requests = stub.requests.lock().unwrap();
        assert_eq!(requests.len(), 1);
        let (key, body) = &requests[0];
        assert_eq!(key.as_deref(), Some("test-key"));
        assert_eq!(
            body,
            &json!({"q": ["ሞባይለይ ተሰሪቑ።"], "source": "ti", "target": "en", "format": "text"})
        );
    }

    #[tokio::test]
    async fn table_codes_google_lacks_are_mapped_to_the_closest() {
        let (stub, translator) = spawn_stub(vec![Reply::Translate("x")]).await;
        translator
            .translate("hola", &code("es-MX"), &code("ckb"))
            .await
            .unwrap();
        let requests = stub.requests.lock().unwrap();
        assert_eq!(requests[0].1["source"], "es");
        assert_eq!(requests[0].1["target"], "ckb");
    }

    #[tokio::test]
    async fn long_text_is_split_into_ordered_requests_under_the_limit() {
        let (stub, translator) = spawn_stub(vec![]).await;
        let sentence = "Kecheng xeberekê kurdî bi dirêjî tê nivîsandin ji bo ceribandinê. ";
        let text = sentence.repeat(200);

        let translation = translator
            .translate(&text, &code("ku"), &code("en"))
            .await
            .unwrap();

        let requests = stub.requests.lock().unwrap();
        let sent: Vec<String> = requests
            .iter()
            .map(|(_, b)| b["q"][0].as_str().unwrap().to_owned())
            .collect();
        assert!(sent.len() >= 3);
        for part in &sent {
            assert!(part.len() <= GoogleTranslateConfig::DEFAULT_MAX_REQUEST_BYTES);
            assert!(part.ends_with('.'));
        }
        assert_eq!(sent.join(" "), text.trim_end());
        let expected: Vec<String> = sent.iter().map(|p| format!("<{}>", p.len())).collect();
        assert_eq!(translation.text, expected.join(" ") + " ");
    }

    #[tokio::test]
    async fn rate_limiting_then_success_is_retried() {
        let (stub, translator) = spawn_stub(vec![
            Reply::Status(
                429,
                json!({"error": {"code": 429, "message": "Quota exceeded", "status": "RESOURCE_EXHAUSTED"}}),
            ),
            Reply::Status(
                403,
                json!({"error": {"code": 403, "message": "Rate", "errors": [{"reason": "userRateLimitExceeded"}]}}),
            ),
            Reply::Translate("Help me, please."),
        ])
        .await;

        let translation = translator
            .translate("Gargaarsa naaf godhaa.", &code("om"), &code("en"))
            .await
            .unwrap();

        assert_eq!(translation.text, "Help me, please.");
        assert_eq!(stub.requests.lock().unwrap().len(), 3);
    }

    #[tokio::test]
    async fn an_outage_that_outlasts_the_retries_is_unavailable() {
        let unavailable = Reply::Status(
            503,
            json!({"error": {"code": 503, "status": "UNAVAILABLE"}}),
        );
        let (stub, translator) =
            spawn_stub(vec![unavailable.clone(), unavailable.clone(), unavailable]).await;

        let err = translator
            .translate("Salaam", &code("so"), &code("en"))
            .await
            .unwrap_err();

        assert!(matches!(err, TranslateError::Unavailable { .. }), "{err:?}");
        assert_eq!(stub.requests.lock().unwrap().len(), 3);
    }

    #[tokio::test]
    async fn a_bad_key_fails_at_once_and_the_error_names_no_secret() {
        let (stub, translator) = spawn_stub(vec![Reply::Status(
            403,
            json!({"error": {"code": 403, "message": "API key not valid", "status": "PERMISSION_DENIED",
                   "errors": [{"reason": "forbidden"}]}}),
        )])
        .await;

        let err = translator
            .translate("Salaam", &code("so"), &code("en"))
            .await
            .unwrap_err();

        assert!(
            matches!(err, TranslateError::Misconfigured { .. }),
            "{err:?}"
        );
        let chain = format!("{err:?} {}", std::error::Error::source(&err).unwrap());
        assert!(!chain.contains("test-key"));
        assert!(chain.contains("PERMISSION_DENIED"));
        assert_eq!(stub.requests.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn a_rejected_language_code_is_an_unsupported_pair() {
        let (_stub, translator) = spawn_stub(vec![Reply::Status(
            400,
            json!({"error": {"code": 400, "message": "Bad language pair", "status": "INVALID_ARGUMENT",
                   "errors": [{"reason": "invalid"}]}}),
        )])
        .await;

        let err = translator
            .translate("x", &code("xx"), &code("en"))
            .await
            .unwrap_err();

        assert!(
            matches!(err, TranslateError::UnsupportedPair { .. }),
            "{err:?}"
        );
        assert!(!err.is_retryable());
    }

    #[tokio::test]
    async fn nothing_listening_is_unavailable() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let mut config = GoogleTranslateConfig::new(
            reqwest::Url::parse(&format!("http://{addr}")).unwrap(),
            ApiKey::new("k"),
        );
        config.retry = RetryPolicy::immediate(2);
        let translator = GoogleTranslator::new(reqwest::Client::new(), config);

        let err = translator
            .translate("x", &code("ti"), &code("en"))
            .await
            .unwrap_err();

        assert!(matches!(err, TranslateError::Unavailable { .. }), "{err:?}");
    }

    #[tokio::test]
    async fn a_malformed_success_body_is_a_configuration_error() {
        let (_stub, translator) =
            spawn_stub(vec![Reply::Status(200, json!({"unexpected": true}))]).await;

        let err = translator
            .translate("x", &code("ti"), &code("en"))
            .await
            .unwrap_err();

        assert!(
            matches!(err, TranslateError::Misconfigured { .. }),
            "{err:?}"
        );
    }

    #[test]
    fn the_api_key_is_redacted_in_debug_output() {
        let config = GoogleTranslateConfig::new(
            reqwest::Url::parse(GoogleTranslateConfig::DEFAULT_BASE_URL).unwrap(),
            ApiKey::new("secret-value"),
        );
        assert!(!format!("{config:?}").contains("secret-value"));
    }

    #[test]
    fn the_endpoint_keeps_a_base_path() {
        let config = GoogleTranslateConfig::new(
            reqwest::Url::parse("http://127.0.0.1:9/proxy/").unwrap(),
            ApiKey::new("k"),
        );
        let translator = GoogleTranslator::new(reqwest::Client::new(), config);
        assert_eq!(
            translator.endpoint.as_str(),
            "http://127.0.0.1:9/proxy/language/translate/v2"
        );
    }
}
