//! The Google API key at run time: read once, on the first call that needs it, from an SSM
//! parameter through the AWS Parameters and Secrets Lambda extension (plain HTTP on localhost,
//! so no SSM SDK in the package and nothing read at init). A key that cannot be read fails
//! the call as `Misconfigured` — the message goes out marked "translation unavailable" — and is
//! tried again on the next call.

/// The AWS actions this adapter has the Parameters and Secrets extension call with the
/// function's role (see `store::dynamo::aws_actions`): only when a key parameter is set.
pub const AWS_ACTIONS: &[&str] = &["ssm:GetParameter GoogleTranslateApiKeyParameter"];

use async_trait::async_trait;
use serde::Deserialize;
use tokio::sync::OnceCell;

use super::{
    ApiKey, GoogleTranslateConfig, GoogleTranslator, Provider, TranslateError, Translation,
    Translator,
};
use crate::domain::LanguageCode;

/// Where the extension serves parameters, and which one holds the key.
#[derive(Debug, Clone)]
pub struct KeyParameter {
    /// `http://localhost:{PARAMETERS_SECRETS_EXTENSION_HTTP_PORT or 2773}`.
    pub extension_url: reqwest::Url,
    /// The parameter's name (a SecureString).
    pub name: String,
    /// The function's session token (`AWS_SESSION_TOKEN`), which the extension requires.
    pub session_token: String,
}

#[derive(Debug, thiserror::Error)]
#[error("the Google API key could not be read from its parameter ({0})")]
struct KeyUnreadable(String);

#[derive(Deserialize)]
struct GetParameterOutput {
    #[serde(rename = "Parameter")]
    parameter: ParameterValue,
}

#[derive(Deserialize)]
struct ParameterValue {
    #[serde(rename = "Value")]
    value: String,
}

/// The Google adapter, built on first use with the key read from its parameter.
pub struct GoogleWithKeyParameter {
    http: reqwest::Client,
    base_url: reqwest::Url,
    parameter: KeyParameter,
    translator: OnceCell<GoogleTranslator>,
}

impl GoogleWithKeyParameter {
    pub fn new(http: reqwest::Client, base_url: reqwest::Url, parameter: KeyParameter) -> Self {
        Self {
            http,
            base_url,
            parameter,
            translator: OnceCell::new(),
        }
    }

    async fn read_key(&self) -> Result<ApiKey, TranslateError> {
        let misconfigured = |why: String| TranslateError::Misconfigured {
            provider: Provider::GoogleTranslate,
            source: Box::new(KeyUnreadable(why)),
        };
        let mut url = self.parameter.extension_url.clone();
        url.set_path("/systemsmanager/parameters/get");
        url.query_pairs_mut()
            .append_pair("name", &self.parameter.name)
            .append_pair("withDecryption", "true");
        let response = self
            .http
            .get(url)
            .header(
                "X-Aws-Parameters-Secrets-Token",
                &self.parameter.session_token,
            )
            .timeout(std::time::Duration::from_secs(2))
            .send()
            .await
            // Without the URL: it names the parameter, which is no secret, but keep logs plain.
            .map_err(|e| misconfigured(e.without_url().to_string()))?;
        let status = response.status();
        if !status.is_success() {
            return Err(misconfigured(format!("status {status}")));
        }
        let out: GetParameterOutput = response
            .json()
            .await
            .map_err(|_| misconfigured("a response of the wrong shape".into()))?;
        Ok(ApiKey::new(out.parameter.value))
    }
}

#[async_trait]
impl Translator for GoogleWithKeyParameter {
    async fn translate(
        &self,
        text: &str,
        from: &LanguageCode,
        to: &LanguageCode,
    ) -> Result<Translation, TranslateError> {
        let translator = self
            .translator
            .get_or_try_init(|| async {
                let key = self.read_key().await?;
                tracing::info!("Google API key read from its parameter");
                Ok::<_, TranslateError>(GoogleTranslator::new(
                    self.http.clone(),
                    GoogleTranslateConfig::new(self.base_url.clone(), key),
                ))
            })
            .await?;
        translator.translate(text, from, to).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::extract::Query;
    use axum::http::HeaderMap;
    use axum::routing::{get, post};
    use axum::{Json, Router};
    use std::collections::HashMap;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    async fn serve(app: Router) -> reqwest::Url {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        reqwest::Url::parse(&format!("http://{addr}")).unwrap()
    }

    fn code(s: &str) -> LanguageCode {
        LanguageCode::parse(s).unwrap()
    }

    #[tokio::test]
    async fn the_key_is_read_once_from_the_extension_and_sent_to_google() {
        let reads = Arc::new(AtomicUsize::new(0));
        let counted = reads.clone();
        let extension = serve(Router::new().route(
            "/systemsmanager/parameters/get",
            get(move |q: Query<HashMap<String, String>>, h: HeaderMap| {
                let counted = counted.clone();
                async move {
                    counted.fetch_add(1, Ordering::SeqCst);
                    assert_eq!(q.get("name").map(String::as_str), Some("/bluelamp/google-key"));
                    assert_eq!(q.get("withDecryption").map(String::as_str), Some("true"));
                    assert_eq!(
                        h.get("X-Aws-Parameters-Secrets-Token").and_then(|v| v.to_str().ok()),
                        Some("session")
                    );
                    Json(serde_json::json!({"Parameter": {"Name": "/bluelamp/google-key", "Value": "k-123"}}))
                }
            }),
        ))
        .await;
        let google = serve(Router::new().route(
            "/language/translate/v2",
            post(|h: HeaderMap| async move {
                assert_eq!(
                    h.get("x-goog-api-key").and_then(|v| v.to_str().ok()),
                    Some("k-123")
                );
                Json(serde_json::json!({"data": {"translations": [{"translatedText": "ሰላም"}]}}))
            }),
        ))
        .await;
        let t = GoogleWithKeyParameter::new(
            reqwest::Client::new(),
            google,
            KeyParameter {
                extension_url: extension,
                name: "/bluelamp/google-key".into(),
                session_token: "session".into(),
            },
        );
        for _ in 0..2 {
            let out = t
                .translate("Hello", &code("en"), &code("ti"))
                .await
                .unwrap();
            assert_eq!(out.text, "ሰላም");
        }
        assert_eq!(reads.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn an_unreadable_key_is_a_misconfiguration_not_a_crash() {
        let extension = serve(Router::new().route(
            "/systemsmanager/parameters/get",
            get(|| async { (axum::http::StatusCode::FORBIDDEN, "no") }),
        ))
        .await;
        let t = GoogleWithKeyParameter::new(
            reqwest::Client::new(),
            reqwest::Url::parse("http://127.0.0.1:9").unwrap(),
            KeyParameter {
                extension_url: extension,
                name: "/bluelamp/google-key".into(),
                session_token: "session".into(),
            },
        );
        let err = t
            .translate("Hello", &code("en"), &code("ti"))
            .await
            .unwrap_err();
        assert!(matches!(err, TranslateError::Misconfigured { .. }));
        assert!(!err.is_retryable());
    }
}
