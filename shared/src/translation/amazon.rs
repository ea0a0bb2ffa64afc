//! The Amazon Translate adapter: `TranslateText` with the real SDK client, built once by `main`
//! and passed in. Long text is split to the 10,000-byte limit; throttling and outages are
//! retried by the shared policy; SDK errors are mapped by their typed variants.

/// The AWS actions this adapter calls (see `store::dynamo::aws_actions`): TranslateText takes
/// no resource.
pub const AWS_ACTIONS: &[&str] = &["translate:TranslateText *"];

use async_trait::async_trait;
use aws_sdk_translate::config::http::HttpResponse;
use aws_sdk_translate::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_translate::operation::translate_text::TranslateTextError;
use aws_smithy_types::retry::RetryConfig;

use super::request::{translate_in_requests, SendRequest};
use super::{Provider, RetryPolicy, TranslateError, Translation, Translator};
use crate::domain::LanguageCode;

/// Builds the Translate client for [`AmazonTranslator`] from the shared AWS configuration, with
/// the SDK's own retries turned off: the adapter retries by its [`RetryPolicy`], and two layers
/// of retries would multiply the attempts. An endpoint set in the configuration (for example
/// `AWS_ENDPOINT_URL_TRANSLATE`) is kept. Build it once per process.
pub fn amazon_translate_client(sdk_config: &aws_config::SdkConfig) -> aws_sdk_translate::Client {
    let config = aws_sdk_translate::config::Builder::from(sdk_config)
        .retry_config(RetryConfig::disabled())
        .build();
    aws_sdk_translate::Client::from_conf(config)
}

/// Settings of the Amazon Translate adapter.
#[derive(Debug, Clone, Default)]
pub struct AmazonTranslateConfig {
    /// Custom terminologies (already imported into Amazon Translate) applied to every request,
    /// e.g. the force's own terms ("101", "PCSO") so they are never translated wrongly.
    pub terminology_names: Vec<String>,
    pub retry: RetryPolicy,
}

/// [`Translator`] backed by Amazon Translate (75 languages; see the language table).
#[derive(Debug, Clone)]
pub struct AmazonTranslator {
    client: aws_sdk_translate::Client,
    config: AmazonTranslateConfig,
}

impl AmazonTranslator {
    /// Amazon Translate's limit on the UTF-8 bytes of text in one `TranslateText` request.
    pub const MAX_REQUEST_BYTES: usize = 10_000;

    /// `client` should come from [`amazon_translate_client`] (or have SDK retries disabled).
    pub fn new(client: aws_sdk_translate::Client) -> Self {
        Self::with_config(client, AmazonTranslateConfig::default())
    }

    pub fn with_config(client: aws_sdk_translate::Client, config: AmazonTranslateConfig) -> Self {
        Self { client, config }
    }
}

#[async_trait]
impl Translator for AmazonTranslator {
    async fn translate(
        &self,
        text: &str,
        from: &LanguageCode,
        to: &LanguageCode,
    ) -> Result<Translation, TranslateError> {
        translate_in_requests(self, text, from, to).await
    }
}

#[async_trait]
impl SendRequest for AmazonTranslator {
    fn provider(&self) -> Provider {
        Provider::AmazonTranslate
    }

    fn max_request_bytes(&self) -> usize {
        Self::MAX_REQUEST_BYTES
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
        let mut request = self
            .client
            .translate_text()
            .text(text)
            .source_language_code(from.as_str())
            .target_language_code(to.as_str());
        for name in &self.config.terminology_names {
            request = request.terminology_names(name);
        }
        let output = request
            .send()
            .await
            .map_err(|err| map_error(err, text.len(), from, to))?;
        Ok(output.translated_text().to_owned())
    }
}

const PROVIDER: Provider = Provider::AmazonTranslate;

fn map_error(
    err: SdkError<TranslateTextError, HttpResponse>,
    bytes: usize,
    from: &LanguageCode,
    to: &LanguageCode,
) -> TranslateError {
    let provider = PROVIDER;
    match err {
        SdkError::ServiceError(context) => {
            let status = context.raw().status().as_u16();
            map_service_error(context.into_err(), status, bytes, from, to)
        }
        SdkError::TimeoutError(_) | SdkError::ResponseError(_) => TranslateError::Unavailable {
            provider,
            source: Box::new(err),
        },
        SdkError::DispatchFailure(ref failure) if failure.is_user() => {
            TranslateError::Misconfigured {
                provider,
                source: Box::new(err),
            }
        }
        SdkError::DispatchFailure(_) => TranslateError::Unavailable {
            provider,
            source: Box::new(err),
        },
        // Construction failures (no region, no credentials) and anything new.
        _ => TranslateError::Misconfigured {
            provider,
            source: Box::new(err),
        },
    }
}

fn map_service_error(
    err: TranslateTextError,
    status: u16,
    bytes: usize,
    from: &LanguageCode,
    to: &LanguageCode,
) -> TranslateError {
    let provider = PROVIDER;
    match err {
        TranslateTextError::TooManyRequestsException(_) => TranslateError::Throttled {
            provider,
            source: Box::new(err),
        },
        TranslateTextError::ServiceUnavailableException(_)
        | TranslateTextError::InternalServerException(_) => TranslateError::Unavailable {
            provider,
            source: Box::new(err),
        },
        TranslateTextError::UnsupportedLanguagePairException(_) => {
            TranslateError::UnsupportedPair {
                from: from.clone(),
                to: to.clone(),
                source: Some(Box::new(err)),
            }
        }
        TranslateTextError::TextSizeLimitExceededException(_) => TranslateError::TextTooLong {
            provider,
            bytes,
            source: Box::new(err),
        },
        // A named terminology that does not exist: the deployment is wrong, not the text.
        TranslateTextError::ResourceNotFoundException(_) => TranslateError::Misconfigured {
            provider,
            source: Box::new(err),
        },
        TranslateTextError::InvalidRequestException(_)
        | TranslateTextError::DetectedLanguageLowConfidenceException(_) => {
            TranslateError::Rejected {
                provider,
                source: Box::new(err),
            }
        }
        // An error code this SDK version does not model. `ThrottlingException` is the code all
        // AWS services use for throttling outside their own model; otherwise go by the status.
        other => {
            let throttling_code = other.code() == Some("ThrottlingException");
            match status {
                _ if throttling_code => TranslateError::Throttled {
                    provider,
                    source: Box::new(other),
                },
                429 => TranslateError::Throttled {
                    provider,
                    source: Box::new(other),
                },
                500..=599 => TranslateError::Unavailable {
                    provider,
                    source: Box::new(other),
                },
                401 | 403 => TranslateError::Misconfigured {
                    provider,
                    source: Box::new(other),
                },
                _ => TranslateError::Rejected {
                    provider,
                    source: Box::new(other),
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_translate::operation::translate_text::TranslateTextOutput;
    use aws_sdk_translate::types::error::{
        InternalServerException, InvalidRequestException, ServiceUnavailableException,
        TooManyRequestsException, UnsupportedLanguagePairException,
    };
    use aws_sdk_translate::Client;
    use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
    use std::sync::{Arc, Mutex};

    fn code(s: &str) -> LanguageCode {
        LanguageCode::parse(s).unwrap()
    }

    fn client(rules: &[&Rule]) -> Client {
        mock_client!(aws_sdk_translate, RuleMode::Sequential, rules, |c| c
            .retry_config(RetryConfig::disabled()))
    }

    fn translator(client: Client) -> AmazonTranslator {
        AmazonTranslator::with_config(
            client,
            AmazonTranslateConfig {
                terminology_names: vec![],
                retry: RetryPolicy::immediate(3),
            },
        )
    }

    fn output(text: &str) -> TranslateTextOutput {
        TranslateTextOutput::builder()
            .translated_text(text)
            .source_language_code("pl")
            .target_language_code("en")
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn sends_the_text_and_both_language_codes() {
        let rule = mock!(Client::translate_text)
            .match_requests(|req| {
                req.text() == Some("Ktoś ukradł mój rower.")
                    && req.source_language_code() == Some("pl")
                    && req.target_language_code() == Some("en")
                    && req.terminology_names().is_empty()
            })
            .then_output(|| output("Someone stole my bike."));
        let translator = translator(client(&[&rule]));

        let translation = translator
            .translate("Ktoś ukradł mój rower.", &code("pl"), &code("en"))
            .await
            .unwrap();

        assert_eq!(translation.text, "Someone stole my bike.");
        assert_eq!(translation.provider, Some(Provider::AmazonTranslate));
        assert_eq!(rule.num_calls(), 1);
    }

    #[tokio::test]
    async fn sends_the_configured_terminologies() {
        let rule = mock!(Client::translate_text)
            .match_requests(|req| req.terminology_names() == ["bluelamp-terms".to_owned()])
            .then_output(|| output("Call 101."));
        let translator = AmazonTranslator::with_config(
            client(&[&rule]),
            AmazonTranslateConfig {
                terminology_names: vec!["bluelamp-terms".to_owned()],
                retry: RetryPolicy::immediate(1),
            },
        );

        let translation = translator
            .translate("Zadzwoń pod 101.", &code("pl"), &code("en"))
            .await
            .unwrap();

        assert_eq!(translation.text, "Call 101.");
        assert_eq!(rule.num_calls(), 1);
    }

    #[tokio::test]
    async fn long_text_is_sent_in_several_requests_under_the_limit_in_order() {
        let sent = Arc::new(Mutex::new(Vec::<String>::new()));
        let seen = sent.clone();
        let rule = mock!(Client::translate_text)
            .match_requests(move |req| {
                seen.lock()
                    .unwrap()
                    .push(req.text().unwrap_or_default().to_owned());
                true
            })
            .then_compute_output(|req| {
                // An "echo" translation that keeps the part recognisable.
                output(&format!("<{}>", req.text().unwrap_or_default().len()))
            });
        let client = mock_client!(aws_sdk_translate, RuleMode::MatchAny, [&rule], |c| c
            .retry_config(RetryConfig::disabled()));
        let translator = translator(client);
        // About 32,000 bytes of Polish sentences: needs at least four requests.
        let sentence =
            "Zgłaszam kradzież roweru sprzed sklepu na ulicy Głównej wczoraj wieczorem. ";
        let text = sentence.repeat(400);
        assert!(text.len() > 2 * AmazonTranslator::MAX_REQUEST_BYTES);

        let translation = translator
            .translate(&text, &code("pl"), &code("en"))
            .await
            .unwrap();

        let sent = sent.lock().unwrap().clone();
        assert!(
            sent.len() >= 3,
            "expected several requests, got {}",
            sent.len()
        );
        for part in &sent {
            assert!(part.len() <= AmazonTranslator::MAX_REQUEST_BYTES);
            assert!(part.ends_with('.'), "each request ends at a sentence end");
        }
        // Order preserved: the parts sent are the text, in order (spacing aside).
        let rejoined: String = sent.join(" ");
        assert_eq!(rejoined, text.trim_end());
        // And the answers come back joined in the same order, separated as the original was.
        let expected: Vec<String> = sent.iter().map(|p| format!("<{}>", p.len())).collect();
        assert_eq!(translation.text, expected.join(" ") + " ");
        assert_eq!(rule.num_calls(), sent.len());
    }

    #[tokio::test]
    async fn throttling_is_retried_until_it_succeeds() {
        let rule = mock!(Client::translate_text)
            .sequence()
            .error(|| {
                TranslateTextError::TooManyRequestsException(
                    TooManyRequestsException::builder()
                        .message("slow down")
                        .build(),
                )
            })
            .times(2)
            .output(|| output("Thank you."))
            .build();
        let translator = translator(client(&[&rule]));

        let translation = translator
            .translate("Dziękuję.", &code("pl"), &code("en"))
            .await
            .unwrap();

        assert_eq!(translation.text, "Thank you.");
        assert_eq!(rule.num_calls(), 3);
    }

    #[tokio::test]
    async fn an_outage_that_outlasts_the_retries_is_a_retryable_error() {
        let rule = mock!(Client::translate_text)
            .sequence()
            .error(|| {
                TranslateTextError::ServiceUnavailableException(
                    ServiceUnavailableException::builder().build(),
                )
            })
            .times(2)
            .error(|| {
                TranslateTextError::InternalServerException(
                    InternalServerException::builder().build(),
                )
            })
            .build();
        let translator = translator(client(&[&rule]));

        let err = translator
            .translate("Dziękuję.", &code("pl"), &code("en"))
            .await
            .unwrap_err();

        assert!(matches!(err, TranslateError::Unavailable { .. }), "{err:?}");
        assert!(err.is_retryable());
        assert_eq!(rule.num_calls(), 3, "bounded by max_attempts");
    }

    #[tokio::test]
    async fn an_http_503_without_a_modelled_error_is_unavailable() {
        let rule = mock!(Client::translate_text)
            .sequence()
            .http_status(503, None)
            .output(|| output("Hello."))
            .build();
        let translator = translator(client(&[&rule]));

        let translation = translator
            .translate("Cześć.", &code("pl"), &code("en"))
            .await
            .unwrap();

        assert_eq!(translation.text, "Hello.");
        assert_eq!(rule.num_calls(), 2);
    }

    #[tokio::test]
    async fn an_unsupported_pair_fails_at_once_without_retrying() {
        let rule = mock!(Client::translate_text)
            .sequence()
            .error(|| {
                TranslateTextError::UnsupportedLanguagePairException(
                    UnsupportedLanguagePairException::builder()
                        .message("Unsupported language pair")
                        .build(),
                )
            })
            .repeatedly()
            .build();
        let translator = translator(client(&[&rule]));

        let err = translator
            .translate("ሰላም", &code("ti"), &code("en"))
            .await
            .unwrap_err();

        match &err {
            TranslateError::UnsupportedPair { from, to, source } => {
                assert_eq!(from.as_str(), "ti");
                assert_eq!(to.as_str(), "en");
                assert!(source.is_some(), "the SDK error is kept as the cause");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(!err.is_retryable());
        assert_eq!(rule.num_calls(), 1);
    }

    #[tokio::test]
    async fn an_invalid_request_is_a_permanent_rejection() {
        let rule = mock!(Client::translate_text).then_error(|| {
            TranslateTextError::InvalidRequestException(InvalidRequestException::builder().build())
        });
        let translator = translator(client(&[&rule]));

        let err = translator
            .translate("x", &code("pl"), &code("en"))
            .await
            .unwrap_err();

        assert!(matches!(err, TranslateError::Rejected { .. }), "{err:?}");
        assert!(std::error::Error::source(&err).is_some());
        assert_eq!(rule.num_calls(), 1);
    }

    #[tokio::test]
    async fn whitespace_alone_is_never_sent() {
        let rule = mock!(Client::translate_text).then_output(|| output("never"));
        let translator = translator(client(&[&rule]));

        let translation = translator
            .translate("  \n ", &code("pl"), &code("en"))
            .await
            .unwrap();

        assert_eq!(translation.text, "  \n ");
        assert_eq!(rule.num_calls(), 0);
    }

    /// The path and decoded CBOR body of one request as it would go on the wire.
    type WireRequest = (String, serde_json::Value);

    /// Records the HTTP requests the real SDK client serializes (Smithy RPC v2 CBOR).
    #[derive(Debug, Clone, Default)]
    struct Wire(Arc<Mutex<Vec<WireRequest>>>);

    impl aws_sdk_translate::config::Intercept for Wire {
        fn name(&self) -> &'static str {
            "Wire"
        }

        fn read_before_transmit(
            &self,
            context: &aws_sdk_translate::config::interceptors::BeforeTransmitInterceptorContextRef<
                '_,
            >,
            _: &aws_sdk_translate::config::RuntimeComponents,
            _: &mut aws_sdk_translate::config::ConfigBag,
        ) -> Result<(), crate::translation::BoxError> {
            let request = context.request();
            let path = request.uri().to_owned();
            let body: serde_json::Value =
                ciborium::from_reader(request.body().bytes().unwrap_or_default())?;
            self.0.lock().unwrap().push((path, body));
            Ok(())
        }
    }

    /// An error response as the service sends it: a CBOR body naming the error shape.
    fn error_response(status: u16, error_type: &str) -> HttpResponse {
        let mut body = Vec::new();
        ciborium::into_writer(
            &serde_json::json!({"__type": error_type, "message": "from the stub"}),
            &mut body,
        )
        .unwrap();
        let mut response = HttpResponse::new(
            status.try_into().unwrap(),
            aws_smithy_types::body::SdkBody::from(body),
        );
        response
            .headers_mut()
            .insert("smithy-protocol", "rpc-v2-cbor");
        response
            .headers_mut()
            .insert("content-type", "application/cbor");
        response
    }

    #[tokio::test]
    async fn the_request_on_the_wire_is_translate_text_with_codes_and_text() {
        let wire = Wire::default();
        let rule = mock!(Client::translate_text).then_output(|| output("Hello."));
        let client = {
            let wire = wire.clone();
            mock_client!(aws_sdk_translate, RuleMode::Sequential, [&rule], move |c| c
                .retry_config(RetryConfig::disabled())
                .interceptor(wire.clone()))
        };
        let translator = AmazonTranslator::with_config(
            client,
            AmazonTranslateConfig {
                terminology_names: vec!["bluelamp-terms".to_owned()],
                retry: RetryPolicy::immediate(1),
            },
        );

        translator
            .translate("Dzień dobry.", &code("pl"), &code("en"))
            .await
            .unwrap();

        let sent = wire.0.lock().unwrap().clone();
        assert_eq!(sent.len(), 1);
        assert!(
            sent[0]
                .0
                .ends_with("/service/AWSShineFrontendService_20170701/operation/TranslateText"),
            "{}",
            sent[0].0
        );
        assert_eq!(
            sent[0].1,
            serde_json::json!({
                "Text": "Dzień dobry.",
                "SourceLanguageCode": "pl",
                "TargetLanguageCode": "en",
                "TerminologyNames": ["bluelamp-terms"]
            })
        );
    }

    #[tokio::test]
    async fn error_bodies_from_the_service_are_read_as_typed_errors() {
        // Raw responses go through the SDK's real deserializer, so this checks the mapping from
        // the service's error codes through the typed variants.
        let rule = mock!(Client::translate_text)
            .sequence()
            .http_response(|| {
                error_response(400, "com.amazonaws.translate#TooManyRequestsException")
            })
            .http_response(|| {
                error_response(
                    400,
                    "com.amazonaws.translate#UnsupportedLanguagePairException",
                )
            })
            .build();
        let translator = translator(client(&[&rule]));

        let err = translator
            .translate("Salaan", &code("so"), &code("en"))
            .await
            .unwrap_err();

        assert!(
            matches!(err, TranslateError::UnsupportedPair { .. }),
            "throttled once, retried, then refused: {err:?}"
        );
        assert_eq!(rule.num_calls(), 2);
    }

    #[test]
    fn the_client_helper_turns_sdk_retries_off() {
        let sdk_config = aws_config::SdkConfig::builder()
            .region(aws_config::Region::new("eu-west-2"))
            .behavior_version(aws_config::BehaviorVersion::latest())
            .build();
        let client = amazon_translate_client(&sdk_config);
        assert_eq!(
            client.config().retry_config().map(|c| c.max_attempts()),
            Some(1)
        );
    }
}
