//! The per-source rate limit on public submissions. A port, so that a shared limiter (DynamoDB)
//! can replace the in-memory one; the in-memory one limits per Lambda instance only, so the
//! real ceiling is the WAF's rate-based rule in front of the API, and this is the second line.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateDecision {
    Allowed,
    /// Over the limit; the client may try again after this many seconds.
    Limited {
        retry_after_secs: u64,
    },
}

#[async_trait]
pub trait SourceRateLimit: Send + Sync {
    /// Counts one request from `source` (an IP address) at `now`.
    async fn admit(&self, source: &str, now: DateTime<Utc>) -> RateDecision;
}

/// A fixed window per source: at most `limit` requests per `window`.
#[derive(Debug)]
pub struct MemoryRateLimiter {
    limit: u32,
    window: Duration,
    max_sources: usize,
    windows: Mutex<HashMap<String, (DateTime<Utc>, u32)>>,
}

impl MemoryRateLimiter {
    /// Sources tracked at most; beyond that, new sources are let through untracked rather than
    /// let a flood of addresses grow memory without bound.
    pub const DEFAULT_MAX_SOURCES: usize = 50_000;

    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            max_sources: Self::DEFAULT_MAX_SOURCES,
            windows: Mutex::new(HashMap::new()),
        }
    }

    pub fn with_max_sources(mut self, max: usize) -> Self {
        self.max_sources = max;
        self
    }
}

#[async_trait]
impl SourceRateLimit for MemoryRateLimiter {
    async fn admit(&self, source: &str, now: DateTime<Utc>) -> RateDecision {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let window = self.window;
        if !windows.contains_key(source) && windows.len() >= self.max_sources {
            windows.retain(|_, (start, _)| now - *start < window);
            if windows.len() >= self.max_sources {
                return RateDecision::Allowed;
            }
        }
        let entry = windows.entry(source.to_owned()).or_insert((now, 0));
        if now - entry.0 >= window {
            *entry = (now, 0);
        }
        if entry.1 >= self.limit {
            let left = (entry.0 + window - now).num_seconds().max(1);
            return RateDecision::Limited {
                retry_after_secs: u64::try_from(left).unwrap_or(1),
            };
        }
        entry.1 += 1;
        RateDecision::Allowed
    }
}

/// No limit (tests that are not about the limit; a deployment that leaves it to the WAF).
#[derive(Debug, Clone, Copy, Default)]
pub struct Unlimited;

#[async_trait]
impl SourceRateLimit for Unlimited {
    async fn admit(&self, _source: &str, _now: DateTime<Utc>) -> RateDecision {
        RateDecision::Allowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::seconds(secs)
    }

    #[tokio::test]
    async fn a_source_is_limited_within_its_window_and_free_after_it() {
        let limiter = MemoryRateLimiter::new(2, Duration::seconds(60));
        assert_eq!(limiter.admit("a", t(0)).await, RateDecision::Allowed);
        assert_eq!(limiter.admit("a", t(1)).await, RateDecision::Allowed);
        assert_eq!(
            limiter.admit("a", t(10)).await,
            RateDecision::Limited {
                retry_after_secs: 50
            }
        );
        assert_eq!(limiter.admit("b", t(10)).await, RateDecision::Allowed);
        assert_eq!(limiter.admit("a", t(60)).await, RateDecision::Allowed);
    }

    #[tokio::test]
    async fn the_number_of_sources_tracked_is_bounded() {
        let limiter = MemoryRateLimiter::new(1, Duration::seconds(60)).with_max_sources(2);
        limiter.admit("a", t(0)).await;
        limiter.admit("b", t(0)).await;
        // A third source is let through untracked while the others' windows are open.
        assert_eq!(limiter.admit("c", t(1)).await, RateDecision::Allowed);
        assert_eq!(limiter.admit("c", t(2)).await, RateDecision::Allowed);
        // Once they have expired, it is tracked.
        assert_eq!(limiter.admit("c", t(61)).await, RateDecision::Allowed);
        assert!(matches!(
            limiter.admit("c", t(62)).await,
            RateDecision::Limited { .. }
        ));
    }
}
