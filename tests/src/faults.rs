//! Fault injection around the ports the functions use: a seeded schedule ([`FaultPlan`]) that
//! decides, call by call, whether a call fails, is throttled, is slow, or (for a write) lands
//! but loses its reply; and wrappers that apply it to the management API client
//! ([`FaultyDelivery`]) and the translator ([`FaultyTranslator`]). The store's wrapper is in
//! [`crate::fault_store`]. `docs/faults.md` says what the tests built on them show.

use async_trait::async_trait;
use bluelamp::delivery::{Api, Deliver, DeliveryError};
use bluelamp::domain::{ConnectionId, LanguageCode};
use bluelamp::protocol::ServerFrame;
use bluelamp::translation::{Provider, TranslateError, Translation, Translator};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The environment variable that replays a schedule: its seed.
pub const SEED_VAR: &str = "BLUELAMP_FAULT_SEED";

/// What the schedule does to one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fault {
    /// The call fails before it reaches the service.
    Error,
    /// The service refuses the call as throttled, before doing anything.
    Throttled,
    /// The call is slow, then goes through.
    Slow(Duration),
    /// The call goes through (the write lands), then the caller gets an error: the reply was
    /// lost. Only writes get this.
    LostReply,
}

/// How often each fault happens, as a share of calls (at most one fault per call).
#[derive(Debug, Clone, Copy, Default)]
pub struct FaultRates {
    pub error: f64,
    pub throttled: f64,
    pub slow: f64,
    /// The longest a slow call waits.
    pub max_delay: Duration,
    pub lost_reply: f64,
}

impl FaultRates {
    pub fn errors(rate: f64) -> Self {
        Self {
            error: rate,
            ..Self::default()
        }
    }
    pub fn throttling(rate: f64) -> Self {
        Self {
            throttled: rate,
            ..Self::default()
        }
    }
    pub fn latency(rate: f64, max_delay: Duration) -> Self {
        Self {
            slow: rate,
            max_delay,
            ..Self::default()
        }
    }
    pub fn lost_replies(rate: f64) -> Self {
        Self {
            lost_reply: rate,
            ..Self::default()
        }
    }

    /// The fault a plan's first faultable call gets: the first kind these rates inject at all
    /// (a lost reply only for a write), or none.
    fn first(&self, write: bool) -> Option<Fault> {
        if self.error > 0.0 {
            Some(Fault::Error)
        } else if self.throttled > 0.0 {
            Some(Fault::Throttled)
        } else if self.slow > 0.0 {
            Some(Fault::Slow(self.max_delay.max(Duration::from_millis(1))))
        } else if write && self.lost_reply > 0.0 {
            Some(Fault::LostReply)
        } else {
            None
        }
    }
}

/// The error a wrapper returns for an injected fault (the port's own error type).
pub trait Injected {
    fn injected(fault: Fault, what: &'static str) -> Self;
}

/// A seeded schedule of faults, shared by the wrappers of one test. Faults are injected only
/// while it is armed (a test sets up cleanly, arms it for the part under test, and disarms
/// it to check the outcome), and never more than [`FaultPlan::MAX_BURST`] calls in a row fail,
/// so that retries make progress, as they do against a service that is degraded, not down.
///
/// The seed fixes the sequence of decisions; which call gets which decision still depends on
/// how the tasks interleave, so a replay with the same seed injects the same faults in the
/// same proportions, usually (not always) at the same calls.
pub struct FaultPlan {
    seed: u64,
    rates: FaultRates,
    state: Mutex<PlanState>,
    armed: AtomicBool,
}

struct PlanState {
    rng: StdRng,
    /// Faults injected in a row (reset by a clean call).
    burst: u32,
    /// What was injected, by operation and fault.
    injected: BTreeMap<(&'static str, Fault), u32>,
    clean: u64,
}

impl FaultPlan {
    /// At most this many calls in a row are faulted.
    pub const MAX_BURST: u32 = 2;

    /// A schedule with the seed from [`SEED_VAR`] when set, a random one otherwise. The seed
    /// is printed, so that a failing test's output says how to replay it.
    pub fn new(name: &str, rates: FaultRates) -> Arc<Self> {
        let seed = std::env::var(SEED_VAR)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(rand::random);
        println!("{name}: fault seed {seed} (replay: {SEED_VAR}={seed})");
        Self::with_seed(seed, rates)
    }

    pub fn with_seed(seed: u64, rates: FaultRates) -> Arc<Self> {
        Arc::new(Self {
            seed,
            rates,
            state: Mutex::new(PlanState {
                rng: StdRng::seed_from_u64(seed),
                burst: 0,
                injected: BTreeMap::new(),
                clean: 0,
            }),
            armed: AtomicBool::new(false),
        })
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn arm(&self) {
        self.armed.store(true, Ordering::SeqCst);
    }

    pub fn disarm(&self) {
        self.armed.store(false, Ordering::SeqCst);
    }

    fn state(&self) -> std::sync::MutexGuard<'_, PlanState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The fault for the next call of `op` (`write`: whether it changes anything), if any.
    pub fn next(&self, op: &'static str, write: bool) -> Option<Fault> {
        if !self.armed.load(Ordering::SeqCst) {
            return None;
        }
        let r = self.rates;
        let mut state = self.state();
        let roll: f64 = state.rng.random();
        let fault = if state.burst >= Self::MAX_BURST {
            None
        } else if let Some(first) = state.injected.is_empty().then(|| r.first(write)).flatten() {
            // The first call that can take a fault takes one, so that every run shows its
            // fault at least once: a short conversation at a rate of 0.4 was left clean by
            // the dice in about one run in sixty, and its test proved nothing.
            Some(first)
        } else if roll < r.error {
            Some(Fault::Error)
        } else if roll < r.error + r.throttled {
            Some(Fault::Throttled)
        } else if roll < r.error + r.throttled + r.slow {
            let ms = state
                .rng
                .random_range(1..=r.max_delay.as_millis().max(1) as u64);
            Some(Fault::Slow(Duration::from_millis(ms)))
        } else if write && roll < r.error + r.throttled + r.slow + r.lost_reply {
            Some(Fault::LostReply)
        } else {
            None
        };
        match fault {
            // A slow call still succeeds: it does not count towards a burst.
            Some(Fault::Slow(_)) | None => state.burst = 0,
            Some(_) => state.burst += 1,
        }
        match fault {
            Some(f) => {
                let key = (
                    op,
                    match f {
                        Fault::Slow(_) => Fault::Slow(Duration::ZERO),
                        f => f,
                    },
                );
                *state.injected.entry(key).or_default() += 1;
            }
            None => state.clean += 1,
        }
        fault
    }

    /// Runs `call` under the schedule: fails it before it starts, delays it, or lets it run
    /// and then fails it (a lost reply).
    pub async fn around<T, E: Injected>(
        &self,
        op: &'static str,
        write: bool,
        call: impl Future<Output = Result<T, E>>,
    ) -> Result<T, E> {
        match self.next(op, write) {
            None => call.await,
            Some(Fault::Slow(d)) => {
                tokio::time::sleep(d).await;
                call.await
            }
            Some(f @ (Fault::Error | Fault::Throttled)) => Err(E::injected(f, op)),
            Some(Fault::LostReply) => {
                // Whatever the call answered, the caller never hears it.
                let _ = call.await;
                Err(E::injected(Fault::LostReply, op))
            }
        }
    }

    /// How many faults of a kind were injected (`Slow` of any length counts as one kind).
    pub fn count(&self, fault: Fault) -> u32 {
        let fault = match fault {
            Fault::Slow(_) => Fault::Slow(Duration::ZERO),
            f => f,
        };
        self.state()
            .injected
            .iter()
            .filter(|((_, f), _)| *f == fault)
            .map(|(_, n)| n)
            .sum()
    }

    /// What was injected, one line per operation and fault, and the clean calls: for a
    /// failing test's message.
    pub fn summary(&self) -> String {
        let state = self.state();
        let mut out = format!("seed {} ({SEED_VAR}={}): ", self.seed, self.seed);
        for ((op, fault), n) in &state.injected {
            out.push_str(&format!("{op} {fault:?}×{n}, "));
        }
        out.push_str(&format!("{} clean calls", state.clean));
        out
    }
}

/// The boxed cause of an injected fault.
#[derive(Debug, thiserror::Error)]
#[error("injected fault: {fault:?} in {what}")]
pub struct InjectedFault {
    pub fault: Fault,
    pub what: &'static str,
}

fn cause(fault: Fault, what: &'static str) -> Box<dyn std::error::Error + Send + Sync> {
    Box::new(InjectedFault { fault, what })
}

impl Injected for DeliveryError {
    fn injected(fault: Fault, what: &'static str) -> Self {
        // The SDK reports a throttled post (429) and a lost reply as a failure like any other.
        DeliveryError::Failed(cause(fault, what))
    }
}

impl Injected for TranslateError {
    fn injected(fault: Fault, what: &'static str) -> Self {
        let provider = Provider::AmazonTranslate;
        let source = cause(fault, what);
        match fault {
            Fault::Throttled => TranslateError::Throttled { provider, source },
            _ => TranslateError::Unavailable { provider, source },
        }
    }
}

/// The management API client under a fault schedule: a post that errs, is throttled, is slow,
/// or reaches the socket and then reports a failure.
pub struct FaultyDelivery {
    inner: Arc<dyn Deliver>,
    plan: Arc<FaultPlan>,
}

impl FaultyDelivery {
    pub fn new(inner: Arc<dyn Deliver>, plan: Arc<FaultPlan>) -> Self {
        Self { inner, plan }
    }

    /// The gateway's layer for the management API client.
    pub fn layer(plan: Arc<FaultPlan>) -> bluelamp_local::Layer<dyn Deliver> {
        Arc::new(move |inner: Arc<dyn Deliver>| -> Arc<dyn Deliver> {
            Arc::new(FaultyDelivery::new(inner, plan.clone()))
        })
    }
}

#[async_trait]
impl Deliver for FaultyDelivery {
    async fn post(
        &self,
        api: Api,
        to: &ConnectionId,
        frame: &ServerFrame,
    ) -> Result<(), DeliveryError> {
        self.plan
            .around("post_to_connection", true, self.inner.post(api, to, frame))
            .await
    }
}

/// A translator under a fault schedule: a provider outage, throttling, or a slow answer.
/// (A translation changes nothing, so it never loses a reply.)
pub struct FaultyTranslator {
    inner: Arc<dyn Translator>,
    plan: Arc<FaultPlan>,
}

impl FaultyTranslator {
    pub fn new(inner: Arc<dyn Translator>, plan: Arc<FaultPlan>) -> Self {
        Self { inner, plan }
    }
}

#[async_trait]
impl Translator for FaultyTranslator {
    async fn translate(
        &self,
        text: &str,
        from: &LanguageCode,
        to: &LanguageCode,
    ) -> Result<Translation, TranslateError> {
        self.plan
            .around("translate", false, self.inner.translate(text, from, to))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_gives_the_same_schedule_and_bursts_stay_short() {
        let rates = FaultRates {
            error: 0.3,
            throttled: 0.2,
            slow: 0.1,
            max_delay: Duration::from_millis(5),
            lost_reply: 0.2,
        };
        let run = |seed| {
            let plan = FaultPlan::with_seed(seed, rates);
            plan.arm();
            (0..500)
                .map(|i| plan.next("op", i % 2 == 0))
                .collect::<Vec<_>>()
        };
        let a = run(7);
        assert_eq!(a, run(7));
        assert_ne!(a, run(8));
        let failing = |f: &Option<Fault>| matches!(f, Some(f) if !matches!(f, Fault::Slow(_)));
        let longest = a
            .split(|f| !failing(f))
            .map(|burst| burst.len())
            .max()
            .unwrap_or(0);
        assert_eq!(longest as u32, FaultPlan::MAX_BURST);
        // Lost replies only on writes.
        assert!(a
            .iter()
            .skip(1)
            .step_by(2)
            .all(|f| *f != Some(Fault::LostReply)));
        assert!(a.contains(&Some(Fault::LostReply)));
    }

    #[test]
    fn a_disarmed_plan_injects_nothing() {
        let plan = FaultPlan::with_seed(1, FaultRates::errors(1.0));
        assert_eq!(plan.next("op", true), None);
        plan.arm();
        assert_eq!(plan.next("op", true), Some(Fault::Error));
        plan.disarm();
        assert_eq!(plan.next("op", true), None);
        assert_eq!(plan.count(Fault::Error), 1);
    }
}
