//! What the web added to the chat's domain: operators' presence, the citizen's rating of a
//! chat, and the force's staffed hours.

use serde::{Deserialize, Serialize};

/// Whether a signed-in operator takes new chats. Offline is having no socket.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    #[default]
    Available,
    Away,
}

/// A citizen's answer to "Did this help?": 1 to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Rating(u8);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a rating is a whole number from 1 to 5")]
pub struct ParseRatingError;

impl Rating {
    pub const MAX: u8 = 5;

    pub fn parse(value: u8) -> Result<Self, ParseRatingError> {
        (1..=Self::MAX)
            .contains(&value)
            .then_some(Self(value))
            .ok_or(ParseRatingError)
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl<'de> Deserialize<'de> for Rating {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = u8::deserialize(d)?;
        Rating::parse(n).map_err(serde::de::Error::custom)
    }
}

/// How many chats got each rating, 1 to 5 (index 0 is rating 1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FeedbackCounts(pub [u64; Rating::MAX as usize]);

impl FeedbackCounts {
    pub fn add(&mut self, rating: Rating) {
        self.0[usize::from(rating.get() - 1)] += 1;
    }
}

impl Serialize for FeedbackCounts {
    /// `{"1": n, "2": n, ..., "5": n}`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (i, n) in self.0.iter().enumerate() {
            map.serialize_entry(&(i + 1).to_string(), n)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for FeedbackCounts {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = std::collections::BTreeMap::<String, u64>::deserialize(d)?;
        let mut counts = FeedbackCounts::default();
        for (k, n) in map {
            let rating = k
                .parse::<u8>()
                .ok()
                .and_then(|r| Rating::parse(r).ok())
                .ok_or_else(|| serde::de::Error::custom("a rating key is 1 to 5"))?;
            counts.0[usize::from(rating.get() - 1)] = n;
        }
        Ok(counts)
    }
}

/// The hours the Force Communications Room answers chats, in UTC minutes of the day
/// (`08:00-22:00`; a window may pass midnight: `20:00-06:00`). Outside it the widget says
/// nobody is there rather than estimating a wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaffedHours {
    from_min: u16,
    to_min: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("staffed hours are written HH:MM-HH:MM (UTC), e.g. 08:00-22:00")]
pub struct ParseStaffedHoursError;

impl StaffedHours {
    pub fn parse(text: &str) -> Result<Self, ParseStaffedHoursError> {
        let minutes = |hm: &str| -> Option<u16> {
            let (h, m) = hm.trim().split_once(':')?;
            let (h, m) = (h.parse::<u16>().ok()?, m.parse::<u16>().ok()?);
            (h < 24 && m < 60 && hm.trim().len() == 5).then_some(h * 60 + m)
        };
        let (from, to) = text.split_once('-').ok_or(ParseStaffedHoursError)?;
        let (from_min, to_min) = (
            minutes(from).ok_or(ParseStaffedHoursError)?,
            minutes(to).ok_or(ParseStaffedHoursError)?,
        );
        if from_min == to_min {
            return Err(ParseStaffedHoursError);
        }
        Ok(Self { from_min, to_min })
    }

    /// The window as a force writes it, `HH:MM-HH:MM` (what [`parse`](Self::parse) reads).
    pub fn to_text(&self) -> String {
        let hm = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
        format!("{}-{}", hm(self.from_min), hm(self.to_min))
    }

    /// Whether the room is staffed at `now_ms` (milliseconds since the epoch, UTC).
    pub fn contains(&self, now_ms: i64) -> bool {
        let minute = u16::try_from(now_ms.rem_euclid(86_400_000) / 60_000).unwrap_or(0);
        if self.from_min < self.to_min {
            (self.from_min..self.to_min).contains(&minute)
        } else {
            minute >= self.from_min || minute < self.to_min
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_are_one_to_five() {
        assert!(Rating::parse(0).is_err());
        assert_eq!(Rating::parse(1).unwrap().get(), 1);
        assert_eq!(Rating::parse(5).unwrap().get(), 5);
        assert!(Rating::parse(6).is_err());
        assert!(serde_json::from_str::<Rating>("9").is_err());
        assert!(serde_json::from_str::<Rating>("3.5").is_err());
    }

    #[test]
    fn feedback_counts_read_and_write_as_a_map_of_ratings() {
        let mut c = FeedbackCounts::default();
        c.add(Rating::parse(4).unwrap());
        c.add(Rating::parse(4).unwrap());
        c.add(Rating::parse(1).unwrap());
        let json = serde_json::to_value(c).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"1": 1, "2": 0, "3": 0, "4": 2, "5": 0})
        );
        assert_eq!(serde_json::from_value::<FeedbackCounts>(json).unwrap(), c);
    }

    #[test]
    fn staffed_hours_hold_within_the_day_and_across_midnight() {
        let at = |h: i64, m: i64| (h * 60 + m) * 60_000 + 20_000 * 86_400_000;
        let day = StaffedHours::parse("08:00-22:00").unwrap();
        assert!(!day.contains(at(7, 59)));
        assert!(day.contains(at(8, 0)));
        assert!(day.contains(at(21, 59)));
        assert!(!day.contains(at(22, 0)));
        let night = StaffedHours::parse("20:00-06:00").unwrap();
        assert!(night.contains(at(23, 0)));
        assert!(night.contains(at(5, 59)));
        assert!(!night.contains(at(12, 0)));
        for bad in [
            "",
            "8-22",
            "08:00",
            "25:00-26:00",
            "08:00-08:00",
            "08:0-22:00",
        ] {
            assert!(StaffedHours::parse(bad).is_err(), "{bad}");
        }
    }
}
