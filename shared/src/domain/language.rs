//! Language codes as Amazon Translate and browsers write them: a BCP 47 primary tag,
//! optionally with a script or region (`en`, `pl`, `zh-TW`, `pa-Arab`).

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("language must be a code such as \"en\", \"pl\" or \"zh-TW\"")]
pub struct ParseLanguageError;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct LanguageCode(String);

impl LanguageCode {
    /// Parses and normalises the case (`EN-gb` becomes `en-GB`).
    pub fn parse(s: &str) -> Result<Self, ParseLanguageError> {
        let mut parts = s.split('-');
        let primary = parts.next().unwrap_or_default();
        if !(2..=3).contains(&primary.len()) || !primary.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(ParseLanguageError);
        }
        let mut out = primary.to_ascii_lowercase();
        for (i, sub) in parts.enumerate() {
            let valid = i < 2
                && (2..=8).contains(&sub.len())
                && sub.bytes().all(|b| b.is_ascii_alphanumeric());
            if !valid {
                return Err(ParseLanguageError);
            }
            out.push('-');
            match sub.len() {
                2 | 3 => out.push_str(&sub.to_ascii_uppercase()),
                4 => {
                    let mut c = sub.chars();
                    if let Some(first) = c.next() {
                        out.push(first.to_ascii_uppercase());
                    }
                    out.push_str(&c.as_str().to_ascii_lowercase());
                }
                _ => out.push_str(sub),
            }
        }
        Ok(Self(out))
    }

    /// A code already in canonical form, from a table in this crate whose tests check that
    /// every entry parses to itself.
    pub(crate) fn from_canonical(code: &str) -> Self {
        Self(code.to_owned())
    }

    pub fn english() -> Self {
        Self("en".to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The primary language (`zh` for `zh-TW`): two codes that share it need no translation
    /// between them for the purpose of routing a chat.
    pub fn primary(&self) -> &str {
        self.0.split('-').next().unwrap_or(&self.0)
    }

    pub fn is_english(&self) -> bool {
        self.primary() == "en"
    }

    pub fn same_language(&self, other: &LanguageCode) -> bool {
        self.0 == other.0 || (self.primary() == other.primary() && self.primary() != "zh")
    }
}

impl fmt::Display for LanguageCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for LanguageCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_codes_are_normalised() {
        assert_eq!(LanguageCode::parse("EN-gb").unwrap().as_str(), "en-GB");
        assert_eq!(LanguageCode::parse("pa-arab").unwrap().as_str(), "pa-Arab");
        assert_eq!(LanguageCode::parse("zh-tw").unwrap().as_str(), "zh-TW");
    }

    #[test]
    fn language_codes_reject_nonsense() {
        for bad in ["", "e", "english", "en_GB", "en-", "12", "en-GB-x-y-z"] {
            assert!(LanguageCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn regional_variants_share_a_language_except_chinese_scripts() {
        let en = LanguageCode::parse("en").unwrap();
        assert!(en.same_language(&LanguageCode::parse("en-GB").unwrap()));
        let tw = LanguageCode::parse("zh-TW").unwrap();
        assert!(!tw.same_language(&LanguageCode::parse("zh").unwrap()));
    }
}
