//! Message text: what a person typed, bounded so that a frame always fits API Gateway's
//! 32 KB limit even with its translation alongside.

use serde::{Deserialize, Serialize};

/// Characters (Unicode scalar values) in one chat message. Two thousand is longer than any
/// real chat line and keeps original + translation + envelope well under 32 KB.
pub const MAX_MESSAGE_CHARS: usize = 2000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseTextError {
    #[error("message text is empty")]
    Empty,
    #[error("message text is longer than {max} characters")]
    TooLong { max: usize },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct MessageText(String);

impl MessageText {
    /// Drops control characters other than newlines and tabs, trims surrounding whitespace
    /// (in that order, so that what it gives back reads back as itself), and checks the length.
    pub fn parse(s: &str) -> Result<Self, ParseTextError> {
        let kept: String = s
            .chars()
            .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
            .collect();
        let cleaned = kept.trim().to_owned();
        if cleaned.is_empty() {
            return Err(ParseTextError::Empty);
        }
        if cleaned.chars().count() > MAX_MESSAGE_CHARS {
            return Err(ParseTextError::TooLong {
                max: MAX_MESSAGE_CHARS,
            });
        }
        Ok(Self(cleaned))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl<'de> Deserialize<'de> for MessageText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn text_is_trimmed_and_control_characters_dropped() {
        let t = MessageText::parse("  hello\u{0007} there\n ").unwrap();
        assert_eq!(t.as_str(), "hello there");
    }

    #[test]
    fn a_control_character_at_the_end_leaves_no_whitespace_behind() {
        // Found by the property test (shared/tests/parsers.rs): trimmed before the NUL was
        // dropped, "¡\t\0" gave "¡\t", which read again gave "¡".
        assert_eq!(MessageText::parse("¡\t\0").unwrap().as_str(), "¡");
        assert_eq!(MessageText::parse("\0 hi \u{7}").unwrap().as_str(), "hi");
    }

    #[test]
    fn empty_and_oversized_text_is_refused() {
        assert_eq!(MessageText::parse(" \n "), Err(ParseTextError::Empty));
        let long = "ż".repeat(MAX_MESSAGE_CHARS + 1);
        assert_eq!(
            MessageText::parse(&long),
            Err(ParseTextError::TooLong {
                max: MAX_MESSAGE_CHARS
            })
        );
        assert!(MessageText::parse(&"ż".repeat(MAX_MESSAGE_CHARS)).is_ok());
    }

    proptest! {
        #[test]
        fn parsed_text_is_never_empty_or_too_long(s in ".{0,2100}") {
            if let Ok(t) = MessageText::parse(&s) {
                prop_assert!(!t.as_str().is_empty());
                prop_assert!(t.as_str().chars().count() <= MAX_MESSAGE_CHARS);
            }
        }
    }
}
