//! The stages' `$connect` throttling, as API Gateway applies it: a token bucket per API (a
//! steady rate per second and a burst), shared by every caller of that API, refusing with
//! `429 Too Many Requests` when empty. A flood of new sockets (each a possible new chat) is
//! held to the rate, as it is when deployed (`infra/template.yaml`, the stages'
//! `RouteSettings.$connect`); a socket's frames are limited by the chat core's own rate limit.

use std::sync::Mutex;
use std::time::Instant;

/// A rate (per second) and a burst, as a stage's route settings write them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ThrottleSettings {
    pub rate_per_second: f64,
    pub burst: u32,
}

impl ThrottleSettings {
    /// The public stage's `$connect` in the template.
    pub const PUBLIC_CONNECT: Self = Self {
        rate_per_second: 20.0,
        burst: 40,
    };
    /// The operator stage's `$connect` in the template.
    pub const OPERATOR_CONNECT: Self = Self {
        rate_per_second: 10.0,
        burst: 20,
    };
}

/// One bucket: full at the start, a token per admitted request, refilled at the rate.
#[derive(Debug)]
pub struct Throttle {
    settings: ThrottleSettings,
    state: Mutex<(f64, Instant)>,
}

impl Throttle {
    pub fn new(settings: ThrottleSettings) -> Self {
        Self {
            settings,
            state: Mutex::new((f64::from(settings.burst), Instant::now())),
        }
    }

    /// Takes a token if there is one.
    pub fn admit(&self) -> bool {
        self.admit_at(Instant::now())
    }

    fn admit_at(&self, now: Instant) -> bool {
        let Ok(mut state) = self.state.lock() else {
            return false;
        };
        let (tokens, last) = *state;
        let refilled = (tokens
            + now.saturating_duration_since(last).as_secs_f64() * self.settings.rate_per_second)
            .min(f64::from(self.settings.burst));
        if refilled >= 1.0 {
            *state = (refilled - 1.0, now);
            true
        } else {
            *state = (refilled, now);
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_burst_is_admitted_then_the_rate_and_no_more() {
        let throttle = Throttle::new(ThrottleSettings {
            rate_per_second: 10.0,
            burst: 5,
        });
        let start = Instant::now();
        let admitted = (0..20).filter(|_| throttle.admit_at(start)).count();
        assert_eq!(admitted, 5, "the burst");
        // A second later, ten more tokens, but never more than the burst.
        let later = start + Duration::from_secs(1);
        assert_eq!((0..20).filter(|_| throttle.admit_at(later)).count(), 5);
        // A tenth of a second gives one.
        let after = later + Duration::from_millis(100);
        assert_eq!((0..20).filter(|_| throttle.admit_at(after)).count(), 1);
    }
}
