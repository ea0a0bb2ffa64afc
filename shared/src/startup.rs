//! A function's start-up profile: when each phase of its start ended (configuration, the AWS
//! clients, tracing, the bot's topic index, the emergency detector...), logged at debug level
//! when the function is ready for its first event. Off unless asked for:
//!
//! ```text
//! RUST_LOG=bluelamp::startup=debug
//! ```
//!
//! Each mark is logged as the wall-clock time (microseconds since the Unix epoch) at which the
//! phase ended, so that `scripts/bench-init`, which spawned the process and knows when, can put
//! the time before `main` (loading the binary, the Tokio runtime) in the same profile as the
//! phases and the time from ready to the first request for an event. Marks cost a clock read;
//! nothing is logged unless the target is enabled.

use std::time::{SystemTime, UNIX_EPOCH};

/// The log target of the profile.
pub const TARGET: &str = "bluelamp::startup";

/// The marks of one start, in order.
#[derive(Debug, Clone)]
pub struct StartupProfile {
    marks: Vec<(&'static str, u64)>,
}

fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

impl StartupProfile {
    /// Starts the profile with the mark `main`: call it first thing in `main`.
    pub fn start() -> Self {
        Self {
            marks: vec![("main", now_us())],
        }
    }

    /// The phase called `phase` has just ended.
    pub fn mark(&mut self, phase: &'static str) {
        self.marks.push((phase, now_us()));
    }

    /// The phases and how long each took, in microseconds (the time since the mark before).
    pub fn phases(&self) -> Vec<(&'static str, u64)> {
        self.marks
            .windows(2)
            .map(|w| (w[1].0, w[1].1.saturating_sub(w[0].1)))
            .collect()
    }

    /// Marks `ready` and logs every mark (after tracing is set up: call it last, just before
    /// the runtime loop).
    pub fn ready(mut self) {
        self.mark("ready");
        if !tracing::enabled!(target: TARGET, tracing::Level::DEBUG) {
            return;
        }
        let phases = self.phases();
        for (i, (phase, at)) in self.marks.iter().enumerate() {
            let took_us = i.checked_sub(1).map_or(0, |p| phases[p].1);
            tracing::debug!(target: TARGET, phase, at_unix_us = at, took_us, "start-up phase");
        }
    }
}

/// Why a function could not start: the phase that failed and its cause.
#[derive(Debug, thiserror::Error)]
#[error("cannot start: {phase}")]
pub struct StartError {
    pub phase: &'static str,
    #[source]
    source: Box<dyn std::error::Error + Send + Sync>,
}

/// The one way a function fails at start: `.map_err(fatal("configuration"))?` logs one error
/// line naming the phase with the whole cause chain (a configuration error names the
/// variable, never its value) and hands back a [`StartError`], which `main` returns.
pub fn fatal<E>(phase: &'static str) -> impl FnOnce(E) -> StartError
where
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    move |error| {
        let error = StartError {
            phase,
            source: error.into(),
        };
        tracing::error!(phase, error = %chain(&error), "cannot start");
        error
    }
}

/// An error and its sources, `outer: inner: ...` (for a message that must name the cause).
pub fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_start_failure_names_its_phase_and_the_whole_cause() {
        let logs = crate::config::CapturedLogs::default();
        let subscriber = tracing_subscriber::fmt()
            .json()
            .with_writer({
                let logs = logs.clone();
                move || logs.clone()
            })
            .finish();
        let error = tracing::subscriber::with_default(subscriber, || {
            fatal("configuration")(crate::config::ConfigError::Missing("CHATS_TABLE"))
        });
        assert_eq!(error.phase, "configuration");
        assert_eq!(
            chain(&error),
            "cannot start: configuration: environment variable CHATS_TABLE is not set (or is empty)"
        );
        let line: serde_json::Value =
            serde_json::from_str(logs.lines().first().map_or("", String::as_str)).unwrap();
        assert_eq!(line["level"], "ERROR");
        assert_eq!(line["fields"]["message"], "cannot start");
        assert_eq!(line["fields"]["phase"], "configuration");
        assert_eq!(line["fields"]["error"], chain(&error));
    }

    #[test]
    fn phases_take_the_time_between_their_marks() {
        let profile = StartupProfile {
            marks: vec![("main", 1_000), ("tracing", 1_250), ("config", 1_900)],
        };
        assert_eq!(profile.phases(), [("tracing", 250), ("config", 650)]);
    }

    /// The JSON lines a subscriber with `directives` writes while a profile is made ready.
    fn logged(directives: &str) -> Vec<serde_json::Value> {
        let logs = crate::config::CapturedLogs::default();
        let subscriber = tracing_subscriber::fmt()
            .json()
            .with_env_filter(tracing_subscriber::EnvFilter::new(directives))
            .with_writer({
                let logs = logs.clone();
                move || logs.clone()
            })
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let mut profile = StartupProfile::start();
            profile.mark("config");
            profile.ready();
        });
        logs.lines()
            .iter()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    #[test]
    fn the_profile_is_logged_at_debug_only() {
        let lines = logged("info,bluelamp::startup=debug");
        let phases: Vec<&str> = lines
            .iter()
            .filter(|v| v["target"] == TARGET)
            .filter_map(|v| v["fields"]["phase"].as_str())
            .collect();
        assert_eq!(phases, ["main", "config", "ready"]);
        let at = |i: usize| lines[i]["fields"]["at_unix_us"].as_u64().unwrap_or(0);
        assert!(at(0) > 0 && at(0) <= at(1) && at(1) <= at(2));
        assert!(logged("info").is_empty());
    }
}
