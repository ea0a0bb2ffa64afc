//! What both real providers share: split the text to the provider's request limit, send each
//! part with bounded retries (exponential backoff, full jitter) on throttling and outages, and
//! join the parts in order. Each adapter only says how to send one request.

use std::time::Duration;

use async_trait::async_trait;
use rand::Rng;

use super::chunk::{split_for_requests, trim_parts};
use super::{Provider, TranslateError, Translation};
use crate::domain::LanguageCode;

/// How often and how patiently a failed request is retried. Only retryable errors
/// ([`TranslateError::is_retryable`]) are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 means no retry).
    pub max_attempts: u32,
    /// The cap of the first backoff; each retry doubles it.
    pub base_delay: Duration,
    /// No single wait is longer than this.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// Four attempts, waiting at most 100 ms, 200 ms, then 400 ms: under a second in the worst
    /// case, so one slow message never holds a stream batch for long. What still fails is
    /// delivered untranslated and retried in the background.
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(2),
        }
    }
}

impl RetryPolicy {
    /// Retries without waiting: for tests.
    pub fn immediate(max_attempts: u32) -> Self {
        Self {
            max_attempts,
            base_delay: Duration::ZERO,
            max_delay: Duration::ZERO,
        }
    }

    /// The wait before retry number `retry` (0 for the first retry): a random duration up to
    /// `min(max_delay, base_delay * 2^retry)` ("full jitter"), so that many clients throttled at
    /// once do not come back at once.
    pub fn backoff(&self, retry: u32) -> Duration {
        let cap = self
            .base_delay
            .saturating_mul(1u32 << retry.min(16))
            .min(self.max_delay);
        if cap.is_zero() {
            return Duration::ZERO;
        }
        let nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(rand::rng().random_range(0..=nanos))
    }

    /// Runs `attempt` until it succeeds, fails for good, or the attempts run out.
    pub(crate) async fn run<T, F, Fut>(
        &self,
        provider: Provider,
        mut attempt: F,
    ) -> Result<T, TranslateError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, TranslateError>>,
    {
        let attempts = self.max_attempts.max(1);
        let mut tried = 0;
        loop {
            tried += 1;
            match attempt().await {
                Err(err) if err.is_retryable() && tried < attempts => {
                    let wait = self.backoff(tried - 1);
                    tracing::warn!(
                        provider = provider.as_str(),
                        attempt = tried,
                        wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                        error = %err,
                        "translation request failed; retrying"
                    );
                    tokio::time::sleep(wait).await;
                }
                other => return other,
            }
        }
    }
}

/// One provider request: text already within the provider's limit, codes already the
/// provider's.
#[async_trait]
pub(crate) trait SendRequest: Send + Sync {
    fn provider(&self) -> Provider;
    fn max_request_bytes(&self) -> usize;
    fn retry_policy(&self) -> &RetryPolicy;
    async fn send(
        &self,
        text: &str,
        from: &LanguageCode,
        to: &LanguageCode,
    ) -> Result<String, TranslateError>;
}

/// Translates text of any length with one provider: split, send each part with retries, join.
/// Whitespace around each part is kept from the original; whitespace alone is never sent.
pub(crate) async fn translate_in_requests<R: SendRequest + ?Sized>(
    requester: &R,
    text: &str,
    from: &LanguageCode,
    to: &LanguageCode,
) -> Result<Translation, TranslateError> {
    let provider = requester.provider();
    let parts = split_for_requests(text, requester.max_request_bytes());
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    for part in parts {
        let (lead, content, trail) = trim_parts(part);
        out.push_str(lead);
        if !content.is_empty() {
            let translated = requester
                .retry_policy()
                .run(provider, || requester.send(content, from, to))
                .await?;
            out.push_str(translated.trim());
        }
        out.push_str(trail);
    }
    Ok(Translation {
        text: out,
        provider: Some(provider),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_exponentially_and_is_capped() {
        let policy = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(500),
        };
        for _ in 0..50 {
            assert!(policy.backoff(0) <= Duration::from_millis(100));
            assert!(policy.backoff(1) <= Duration::from_millis(200));
            assert!(policy.backoff(2) <= Duration::from_millis(400));
            assert!(policy.backoff(3) <= Duration::from_millis(500));
            assert!(policy.backoff(40) <= Duration::from_millis(500));
        }
    }

    #[test]
    fn backoff_is_jittered() {
        let policy = RetryPolicy::default();
        let waits: std::collections::HashSet<Duration> =
            (0..20).map(|_| policy.backoff(3)).collect();
        assert!(waits.len() > 1, "waits should not all be the same");
    }

    #[test]
    fn immediate_policy_never_waits() {
        assert_eq!(RetryPolicy::immediate(3).backoff(5), Duration::ZERO);
    }
}
