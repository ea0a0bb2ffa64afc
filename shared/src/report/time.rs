//! When something happened: a date (`2026-11-27`) or an instant with its offset
//! (`2026-11-27T21:30:00Z`, `2026-07-01T21:30:00+01:00`), not in the future and not more than
//! [`MAX_AGE_DAYS`] ago (older matters are taken by phone on 101).

use super::error::FieldRule;
use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};
use std::fmt;

/// How far back an online report may go: two years.
pub const MAX_AGE_DAYS: i64 = 731;
/// Clocks differ: an instant this far ahead of ours is still taken as "now".
const CLOCK_SKEW: Duration = Duration::minutes(5);
/// A bare date is a UK calendar date; the UK is at most one hour ahead of UTC.
const UK_AHEAD_OF_UTC: Duration = Duration::hours(1);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    #[error("Enter a date like 2026-11-27, or a date and time like 2026-11-27T21:30:00Z")]
    Invalid,
    #[error("The date cannot be in the future")]
    InFuture,
    #[error("For something that happened more than two years ago, call 101")]
    TooOld,
    #[error("The end must not be before the start")]
    EndBeforeStart,
}

impl FieldRule for TimeError {
    fn code(&self) -> &'static str {
        match self {
            TimeError::Invalid => "invalid_datetime",
            TimeError::InFuture => "in_future",
            TimeError::TooOld => "too_old",
            TimeError::EndBeforeStart => "end_before_start",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Moment {
    At(DateTime<Utc>),
    OnDate(NaiveDate),
}

/// A point in time, or a day, in the past.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OccurredAt(Moment);

fn is_plain_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

impl OccurredAt {
    /// Checks the format and that it is neither in the future nor too long ago, both from `now`.
    pub fn parse(s: &str, now: DateTime<Utc>) -> Result<Self, TimeError> {
        let at = Self::parse_format(s)?;
        if at.earliest()
            > now
                + CLOCK_SKEW
                + if at.is_date() {
                    UK_AHEAD_OF_UTC
                } else {
                    Duration::zero()
                }
        {
            return Err(TimeError::InFuture);
        }
        if at.latest() < now - Duration::days(MAX_AGE_DAYS) {
            return Err(TimeError::TooOld);
        }
        Ok(at)
    }

    /// Checks the format only: for a value read back from storage, when "now" has moved on.
    pub fn parse_format(s: &str) -> Result<Self, TimeError> {
        let s = s.trim();
        if s.len() > 40 {
            return Err(TimeError::Invalid);
        }
        if is_plain_date(s) {
            return NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(|d| Self(Moment::OnDate(d)))
                .map_err(|_| TimeError::Invalid);
        }
        DateTime::parse_from_rfc3339(s)
            .map(|t| Self(Moment::At(t.with_timezone(&Utc))))
            .map_err(|_| TimeError::Invalid)
    }

    pub fn is_date(&self) -> bool {
        matches!(self.0, Moment::OnDate(_))
    }

    /// The first instant it may denote (the start of the day, for a date).
    pub fn earliest(&self) -> DateTime<Utc> {
        match self.0 {
            Moment::At(t) => t,
            Moment::OnDate(d) => d.and_time(chrono::NaiveTime::MIN).and_utc(),
        }
    }

    /// The last instant it may denote (the end of the day, for a date).
    pub fn latest(&self) -> DateTime<Utc> {
        match self.0 {
            Moment::At(t) => t,
            Moment::OnDate(d) => {
                d.and_time(chrono::NaiveTime::MIN).and_utc() + Duration::days(1)
                    - Duration::seconds(1)
            }
        }
    }
}

impl fmt::Display for OccurredAt {
    /// `2026-11-27` or `2026-11-27T21:30:00Z`: the form that [`OccurredAt::parse_format`] reads.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Moment::At(t) => f.write_str(&t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
            Moment::OnDate(d) => write!(f, "{}", d.format("%Y-%m-%d")),
        }
    }
}

/// When it happened: a moment, or a span ("between leaving at 8 and coming home at 6").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncidentTime {
    from: OccurredAt,
    to: Option<OccurredAt>,
}

impl IncidentTime {
    pub fn new(from: OccurredAt, to: Option<OccurredAt>) -> Result<Self, TimeError> {
        if let Some(to) = to {
            if to.latest() < from.earliest() {
                return Err(TimeError::EndBeforeStart);
            }
        }
        Ok(Self { from, to })
    }

    pub fn from(&self) -> OccurredAt {
        self.from
    }

    pub fn to(&self) -> Option<OccurredAt> {
        self.to
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-28T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn dates_and_instants_are_checked_against_now() {
        use TimeError::*;
        let cases: [(&str, Result<&str, TimeError>); 16] = [
            ("2026-11-27", Ok("2026-11-27")),
            ("2026-11-28", Ok("2026-11-28")),
            ("2026-11-29", Err(InFuture)),
            ("2026-11-27T21:30:00Z", Ok("2026-11-27T21:30:00Z")),
            ("2026-07-01T21:30:00+01:00", Ok("2026-07-01T20:30:00Z")),
            ("2026-11-28T12:04:00Z", Ok("2026-11-28T12:04:00Z")), // within clock skew
            ("2026-11-28T12:06:00Z", Err(InFuture)),
            ("2024-11-28", Ok("2024-11-28")),
            ("2024-11-26", Err(TooOld)),
            ("1900-01-01T00:00:00Z", Err(TooOld)),
            ("2026-02-30", Err(Invalid)),
            ("27/11/2026", Err(Invalid)),
            ("2026-11-27T21:30", Err(Invalid)), // no offset: ambiguous in summer
            ("yesterday", Err(Invalid)),
            ("", Err(Invalid)),
            ("+2026-11-27", Err(Invalid)),
        ];
        for (input, want) in cases {
            let got = OccurredAt::parse(input, now()).map(|t| t.to_string());
            assert_eq!(got, want.map(str::to_owned), "{input}");
        }
    }

    #[test]
    fn a_span_must_not_end_before_it_starts() {
        let p = |s| OccurredAt::parse(s, now()).unwrap();
        assert!(
            IncidentTime::new(p("2026-11-27T08:00:00Z"), Some(p("2026-11-27T18:00:00Z"))).is_ok()
        );
        assert!(IncidentTime::new(p("2026-11-27T08:00:00Z"), Some(p("2026-11-27"))).is_ok());
        assert_eq!(
            IncidentTime::new(p("2026-11-27T08:00:00Z"), Some(p("2026-11-26"))),
            Err(TimeError::EndBeforeStart)
        );
    }

    #[test]
    fn values_read_back_from_storage_are_not_aged_out() {
        assert!(OccurredAt::parse_format("2001-01-01").is_ok());
    }
}
