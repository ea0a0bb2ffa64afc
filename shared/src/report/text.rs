//! Free text in a report, bounded per field. Lengths count characters (Unicode scalar values)
//! after trimming; control characters are dropped (newlines and tabs kept where a field may
//! span lines), so nothing invisible reaches the console.

use super::error::FieldRule;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("Enter {what}")]
    Empty { what: &'static str },
    #[error("Use {max} characters or fewer")]
    TooLong { what: &'static str, max: usize },
}

impl FieldRule for TextError {
    fn code(&self) -> &'static str {
        match self {
            TextError::Empty { .. } => "required",
            TextError::TooLong { .. } => "too_long",
        }
    }
}

fn clean(s: &str, multiline: bool) -> String {
    s.trim()
        .chars()
        .filter(|c| !c.is_control() || (multiline && (*c == '\n' || *c == '\t')))
        .collect()
}

macro_rules! bounded_text {
    ($(#[$meta:meta])* $name:ident, $what:literal, max = $max:expr, multiline = $multi:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            /// The most characters this field takes.
            pub const MAX_CHARS: usize = $max;

            pub fn parse(s: &str) -> Result<Self, TextError> {
                // Refuse absurd input before allocating a cleaned copy of it.
                if s.len() > Self::MAX_CHARS * 4 + 1024 {
                    return Err(TextError::TooLong { what: $what, max: Self::MAX_CHARS });
                }
                let cleaned = clean(s, $multi);
                if cleaned.is_empty() {
                    return Err(TextError::Empty { what: $what });
                }
                if cleaned.chars().count() > Self::MAX_CHARS {
                    return Err(TextError::TooLong { what: $what, max: Self::MAX_CHARS });
                }
                Ok(Self(cleaned))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

bounded_text!(
    /// A person's name (the reporter, the person reported for, the other driver): 100 characters.
    PersonName, "a name", max = 100, multiline = false
);
bounded_text!(
    /// A postal address, of the place or of a person: 300 characters, may span lines.
    AddressText, "an address", max = 300, multiline = true
);
bounded_text!(
    /// Where it happened, in the citizen's words ("the car park behind the library"): 500.
    LocationDescription, "a description of the place", max = 500, multiline = true
);
bounded_text!(
    /// What happened: 5,000 characters, about two pages.
    Narrative, "what happened", max = 5000, multiline = true
);
bounded_text!(
    /// A detail of a report (what was stolen, who did it, when the behaviour happens): 1,000.
    Detail, "the details", max = 1000, multiline = true
);
bounded_text!(
    /// A short single-line value (vehicle make, model, colour; insurer; policy number; a
    /// relationship): 60 characters.
    ShortText, "a value", max = 60, multiline = false
);
bounded_text!(
    /// An assessor's notes on a report: 2,000 characters.
    AssessmentNotes, "notes", max = 2000, multiline = true
);

/// An identifier as typed ("sw1a 1aa", "ab12 cde"): whitespace removed, upper case, and only
/// ASCII letters and digits, `len` long. `None` for anything else.
pub(crate) fn compact_identifier(s: &str, len: std::ops::RangeInclusive<usize>) -> Option<String> {
    if s.len() > 32 {
        return None;
    }
    let compact: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let ok = len.contains(&compact.len()) && compact.bytes().all(|b| b.is_ascii_alphanumeric());
    ok.then_some(compact)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_control_characters_dropped() {
        assert_eq!(
            PersonName::parse("  Ann\u{7} Lee \n").unwrap().as_str(),
            "Ann Lee"
        );
        assert_eq!(
            Narrative::parse(" a\nb\u{0}\tc ").unwrap().as_str(),
            "a\nb\tc"
        );
        assert_eq!(PersonName::parse("a\nb").unwrap().as_str(), "ab");
    }

    #[test]
    fn each_field_takes_up_to_its_limit_and_no_more() {
        type Case = (&'static str, usize, fn(&str) -> Result<(), TextError>);
        let cases: [Case; 7] = [
            ("name", 100, |s| PersonName::parse(s).map(drop)),
            ("address", 300, |s| AddressText::parse(s).map(drop)),
            ("location", 500, |s| LocationDescription::parse(s).map(drop)),
            ("narrative", 5000, |s| Narrative::parse(s).map(drop)),
            ("detail", 1000, |s| Detail::parse(s).map(drop)),
            ("short", 60, |s| ShortText::parse(s).map(drop)),
            ("notes", 2000, |s| AssessmentNotes::parse(s).map(drop)),
        ];
        for (name, max, parse) in cases {
            assert!(parse(&"é".repeat(max)).is_ok(), "{name} at its limit");
            let err = parse(&"é".repeat(max + 1)).unwrap_err();
            assert_eq!(err.code(), "too_long", "{name} over its limit");
            assert_eq!(
                parse("  \u{7} ").unwrap_err().code(),
                "required",
                "{name} blank"
            );
        }
    }

    #[test]
    fn huge_input_is_refused_without_cleaning_it() {
        let huge = "x".repeat(10_000_000);
        assert_eq!(PersonName::parse(&huge).unwrap_err().code(), "too_long");
    }
}
