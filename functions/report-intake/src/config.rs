//! The function's configuration, read once from the environment at start. A missing or bad
//! value stops the function with a message that names the variable.

use crate::cors::{AllowedOrigins, CorsOrigins};
pub use bluelamp::config::ConfigError;
use bluelamp::config::Env;
use bluelamp::domain::ForceId;
use chrono::Duration;

/// `REPORT_RETENTION_DAYS`: required.
pub const ENV_RETENTION_DAYS: &str = "REPORT_RETENTION_DAYS";
pub const ENV_ASSESSMENT_TARGET_HOURS: &str = "REPORT_ASSESSMENT_TARGET_HOURS";
pub const ENV_IDEMPOTENCY_HOURS: &str = "REPORT_IDEMPOTENCY_HOURS";
pub const ENV_MAX_BODY_BYTES: &str = "REPORT_MAX_BODY_BYTES";
pub const ENV_RATE_LIMIT: &str = "REPORT_RATE_LIMIT";
pub const ENV_RATE_WINDOW_SECONDS: &str = "REPORT_RATE_WINDOW_SECONDS";
/// The origins of the pages that may submit reports from a browser (`docs/reports.md`, CORS).
pub const ENV_REPORTS_ALLOWED_ORIGINS: &str = "REPORTS_ALLOWED_ORIGINS";
/// The origins of the operator console's pages.
pub const ENV_CONSOLE_ALLOWED_ORIGINS: &str = "CONSOLE_ALLOWED_ORIGINS";
/// How long audit records are kept (their TTL), in days: unset or empty, for ever.
pub const ENV_AUDIT_RETENTION_DAYS: &str = "AUDIT_RETENTION_DAYS";
/// The force whose metrics these are (`FORCE_ID`, as the chat functions read it).
pub const ENV_FORCE_ID: &str = "FORCE_ID";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeConfig {
    /// How long a report is kept (its TTL): `REPORT_RETENTION_DAYS`, required.
    pub retention: Duration,
    /// The promise made to the citizen: `REPORT_ASSESSMENT_TARGET_HOURS`, default 24.
    pub assessment_target: Duration,
    /// How long an `Idempotency-Key` is held: `REPORT_IDEMPOTENCY_HOURS`, default 24.
    pub idempotency_window: Duration,
    /// The largest body of `POST /reports`: `REPORT_MAX_BODY_BYTES`, default 65,536.
    pub max_body_bytes: usize,
    /// Submissions per source per window: `REPORT_RATE_LIMIT`, default 10.
    pub rate_limit: u32,
    /// `REPORT_RATE_WINDOW_SECONDS`, default 3,600.
    pub rate_window: Duration,
    /// Which pages may call the API from a browser: `REPORTS_ALLOWED_ORIGINS` and
    /// `CONSOLE_ALLOWED_ORIGINS`, comma-separated exact origins; default none.
    pub cors: CorsOrigins,
    /// The force: the `Force` dimension of its metrics. `FORCE_ID`, default `demo`.
    pub force: ForceId,
    /// How long each audit record is kept (its `expires_at`): `AUDIT_RETENTION_DAYS`; `None`
    /// (unset or empty, the default) keeps them for ever. The force's retention schedule
    /// decides it.
    pub audit_retention: Option<Duration>,
}

/// The largest body of an assessment (notes are at most 2,000 characters).
pub const MAX_ASSESSMENT_BODY_BYTES: usize = 16 * 1024;

impl Default for IntakeConfig {
    /// The defaults of the optional variables, with a year's retention: for tests and the local
    /// gateway. A deployment sets `REPORT_RETENTION_DAYS` itself.
    fn default() -> Self {
        Self {
            retention: Duration::days(365),
            assessment_target: Duration::hours(24),
            idempotency_window: Duration::hours(24),
            max_body_bytes: 64 * 1024,
            rate_limit: 10,
            rate_window: Duration::hours(1),
            cors: CorsOrigins::default(),
            force: ForceId::parse("demo").unwrap_or_else(|_| unreachable!("a valid literal")),
            audit_retention: None,
        }
    }
}

fn number(
    env: Env<'_>,
    var: &'static str,
    default: Option<u64>,
    range: std::ops::RangeInclusive<u64>,
) -> Result<u64, ConfigError> {
    let Some(raw) = env.get(var) else {
        return default.ok_or(ConfigError::Missing(var));
    };
    let n: u64 = raw
        .parse()
        .map_err(|_| ConfigError::invalid(var, "not a whole number"))?;
    if !range.contains(&n) {
        return Err(ConfigError::invalid(
            var,
            format_args!("must be from {} to {}", range.start(), range.end()),
        ));
    }
    Ok(n)
}

fn origins(env: Env<'_>, var: &'static str) -> Result<AllowedOrigins, ConfigError> {
    Ok(env
        .parsed_with(var, AllowedOrigins::parse)?
        .unwrap_or_default())
}

fn signed(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl IntakeConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|var| std::env::var(var).ok())
    }

    /// Reads the configuration through `lookup` (a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Self::read(Env::from_lookup(&lookup))
    }

    /// Reads the configuration through `env`.
    pub fn read(env: Env<'_>) -> Result<Self, ConfigError> {
        let d = Self::default();
        let hours = |var, default, range| {
            number(env, var, Some(default), range).map(|n| Duration::hours(signed(n)))
        };
        Ok(Self {
            retention: Duration::days(signed(number(env, ENV_RETENTION_DAYS, None, 1..=3650)?)),
            assessment_target: hours(ENV_ASSESSMENT_TARGET_HOURS, 24, 1..=720)?,
            idempotency_window: hours(ENV_IDEMPOTENCY_HOURS, 24, 1..=168)?,
            max_body_bytes: usize::try_from(number(
                env,
                ENV_MAX_BODY_BYTES,
                Some(d.max_body_bytes as u64),
                1024..=1024 * 1024,
            )?)
            .unwrap_or(d.max_body_bytes),
            rate_limit: u32::try_from(number(env, ENV_RATE_LIMIT, Some(10), 1..=100_000)?)
                .unwrap_or(d.rate_limit),
            rate_window: Duration::seconds(signed(number(
                env,
                ENV_RATE_WINDOW_SECONDS,
                Some(3600),
                1..=86_400,
            )?)),
            cors: CorsOrigins {
                public: origins(env, ENV_REPORTS_ALLOWED_ORIGINS)?,
                console: origins(env, ENV_CONSOLE_ALLOWED_ORIGINS)?,
            },
            force: env
                .parsed_with(ENV_FORCE_ID, |v| ForceId::parse(v))?
                .unwrap_or(d.force),
            audit_retention: match env.get(ENV_AUDIT_RETENTION_DAYS) {
                None => None,
                Some(_) => Some(Duration::days(signed(number(
                    env,
                    ENV_AUDIT_RETENTION_DAYS,
                    None,
                    1..=36_500,
                )?))),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cors::{InvalidOrigin, OriginError};
    use std::collections::HashMap;

    fn from(pairs: &[(&str, &str)]) -> Result<IntakeConfig, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        IntakeConfig::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn the_audit_log_is_kept_for_ever_unless_a_retention_is_set() {
        let base = [("REPORT_RETENTION_DAYS", "30")];
        assert_eq!(from(&base).unwrap().audit_retention, None);
        let empty = [
            ("REPORT_RETENTION_DAYS", "30"),
            ("AUDIT_RETENTION_DAYS", " "),
        ];
        assert_eq!(from(&empty).unwrap().audit_retention, None);
        let set = [
            ("REPORT_RETENTION_DAYS", "30"),
            ("AUDIT_RETENTION_DAYS", "2555"),
        ];
        assert_eq!(
            from(&set).unwrap().audit_retention,
            Some(Duration::days(2555))
        );
        for bad in ["0", "seven", "-1"] {
            let c = [
                ("REPORT_RETENTION_DAYS", "30"),
                ("AUDIT_RETENTION_DAYS", bad),
            ];
            assert!(
                matches!(
                    from(&c),
                    Err(ConfigError::Invalid {
                        var: "AUDIT_RETENTION_DAYS",
                        ..
                    })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn retention_is_required_and_the_rest_has_defaults() {
        assert_eq!(
            from(&[]),
            Err(ConfigError::Missing("REPORT_RETENTION_DAYS"))
        );
        let c = from(&[("REPORT_RETENTION_DAYS", "400")]).unwrap();
        assert_eq!(c.retention, Duration::days(400));
        assert_eq!(c.assessment_target, Duration::hours(24));
        assert_eq!(c.max_body_bytes, 65536);
    }

    #[test]
    fn a_bad_value_names_its_variable() {
        let err = from(&[
            ("REPORT_RETENTION_DAYS", "400"),
            ("REPORT_RATE_LIMIT", "lots"),
        ])
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("environment variable REPORT_RATE_LIMIT is not valid"),
            "{err}"
        );
        let err = from(&[("REPORT_RETENTION_DAYS", "0")]).unwrap_err();
        assert!(err.to_string().contains("from 1 to 3650"), "{err}");
    }

    #[test]
    fn the_origin_lists_are_none_by_default_and_a_bad_one_names_its_variable_and_entry() {
        let c = from(&[("REPORT_RETENTION_DAYS", "400")]).unwrap();
        assert!(c.cors.public.is_empty() && c.cors.console.is_empty());

        let c = from(&[
            ("REPORT_RETENTION_DAYS", "400"),
            (
                "REPORTS_ALLOWED_ORIGINS",
                "https://www.demo.police.uk, https://report.demo.police.uk",
            ),
            ("CONSOLE_ALLOWED_ORIGINS", "https://console.demo.police.uk"),
        ])
        .unwrap();
        assert!(c.cors.public.allows("https://report.demo.police.uk"));
        assert!(!c.cors.public.allows("https://console.demo.police.uk"));
        assert!(c.cors.console.allows("https://console.demo.police.uk"));

        for (var, value, reason) in [
            ("REPORTS_ALLOWED_ORIGINS", "*", OriginError::Wildcard),
            (
                "CONSOLE_ALLOWED_ORIGINS",
                "https://console.demo.police.uk/",
                OriginError::Path,
            ),
        ] {
            let err = from(&[("REPORT_RETENTION_DAYS", "400"), (var, value)]).unwrap_err();
            assert_eq!(
                err,
                ConfigError::invalid(
                    var,
                    InvalidOrigin {
                        origin: value.to_owned(),
                        reason
                    }
                )
            );
            assert!(
                err.to_string()
                    .starts_with(&format!("environment variable {var} is not valid: ")),
                "{err}"
            );
        }
    }
}
