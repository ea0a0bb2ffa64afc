//! Emergency detection: runs first on every citizen message, in English and on the original
//! text in the 20 most spoken other languages, and says why it fired without keeping any text.
//!
//! The data live in `shared/kb/`: the phrases in `emergency.toml`, the 999 advice in
//! `emergency-advice.toml`, both read with [`schema`] (shared with `shared/build.rs`, which
//! prepares and checks them at build time). The English word-level rules are in [`english`],
//! and the rules that combine the hits in [`decision`]: present danger fires, the same words
//! about the past ("burgled last month") do not.

mod decision;
mod english;
// Its advice reader and tag names serve build.rs (which includes it) and the tests.
#[allow(dead_code)]
mod schema;

pub use crate::domain::EmergencyReason;

use super::pattern::Bounds;
#[cfg(test)]
use super::phrase::Hit;
use super::phrase::{PhraseError, PhraseSet, PhraseSetBuilder};
use super::text::{fold, words};
use decision::{decide, drop_masked, Cues};
use english::{
    asks_a_question, english_forced_entry, english_harm_attempts, english_hypotheticals,
    english_like, english_progressive,
};
use schema::Kind;
use serde::Serialize;
use std::sync::OnceLock;

/// The lexicon shipped with the service.
pub const DEFAULT_LEXICON: &str = include_str!("../../kb/emergency.toml");

/// An emergency: the main reason, every other reason that fired, and the language whose
/// phrases fired (for the 999 advice). Holds no text of the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmergencySignal {
    pub reason: EmergencyReason,
    pub other_reasons: Vec<EmergencyReason>,
    /// ISO 639-1 code of the lexicon that matched (`en`, `pl`, ...).
    pub language: &'static str,
}

#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    #[error("the emergency lexicon does not follow its schema")]
    Schema(#[source] schema::SchemaError),
    #[error("language {0:?} is not one the detector knows")]
    UnknownLanguage(String),
    #[error("a phrase of language {language:?} is invalid")]
    Phrase {
        language: String,
        #[source]
        source: PhraseError,
    },
    #[error("the lexicon prepared at build time names {0:?}, which the detector does not know")]
    Prepared(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Tag {
    language: &'static str,
    kind: Kind,
}

/// The compiled detector. Build it once per process and share it.
///
/// Phrases that fold to ASCII (English and the Latin-script languages) are compiled at once;
/// the others (Cyrillic, Arabic, Indic and Chinese scripts: most of the automaton's bytes)
/// on the first message that has such letters, or at [`EmergencyDetector::warm_up`]. That
/// keeps a Lambda's init short; the one-off compile takes a few milliseconds.
pub struct EmergencyDetector {
    latin: PhraseSet<Tag>,
    other_patterns: super::phrase::PhraseSetBuilder<Tag>,
    other: OnceLock<Option<PhraseSet<Tag>>>,
}

impl EmergencyDetector {
    /// The detector with the lexicon shipped in `shared/kb/emergency.toml`, as `build.rs`
    /// prepared it (expanded and folded): only the automaton is compiled here.
    pub fn new() -> Result<Self, LexiconError> {
        let mut latin = Vec::new();
        let mut other_patterns = PhraseSet::builder();
        for (text, bounds, tags) in prepared_phrases()? {
            if text.is_ascii() {
                latin.push((text, bounds, tags));
            } else {
                for tag in tags {
                    other_patterns.push(text, bounds, tag);
                }
            }
        }
        let latin = PhraseSet::prepared(prepared::LATIN_AUTOMATON, latin)
            .map_err(|e| LexiconError::Prepared(e.to_string()))?;
        Ok(Self {
            latin,
            other_patterns,
            other: OnceLock::new(),
        })
    }

    /// A detector from a lexicon in the format of `shared/kb/emergency.toml`.
    pub fn from_toml(source: &str) -> Result<Self, LexiconError> {
        Self::from_builder(lexicon_builder(source)?)
    }

    fn from_builder(mut builder: PhraseSetBuilder<Tag>) -> Result<Self, LexiconError> {
        // One order of tags, however the phrases were read.
        builder.sort_tags();
        let other_patterns = builder.split_off_non_ascii();
        let latin = builder.build().map_err(|source| LexiconError::Phrase {
            language: "*".to_owned(),
            source,
        })?;
        Ok(Self {
            latin,
            other_patterns,
            other: OnceLock::new(),
        })
    }

    /// Compiles the non-Latin-script phrases now rather than on the first message that needs
    /// them (call it from a background thread at start, or in tests).
    pub fn warm_up(&self) -> Result<(), LexiconError> {
        match self.other_phrases() {
            Some(_) => Ok(()),
            None => {
                self.other_patterns
                    .build()
                    .map(|_| ())
                    .map_err(|source| LexiconError::Phrase {
                        language: "*".to_owned(),
                        source,
                    })
            }
        }
    }

    fn other_phrases(&self) -> Option<&PhraseSet<Tag>> {
        self.other
            .get_or_init(|| match self.other_patterns.build() {
                Ok(set) => Some(set),
                Err(e) => {
                    // Cannot happen with a lexicon that passed the tests; say so loudly
                    // and keep detecting with the Latin-script phrases.
                    tracing::error!(error = %e, "non-Latin emergency phrases failed to compile");
                    None
                }
            })
            .as_ref()
    }

    /// Looks for present danger in one message (any of the supported languages).
    pub fn detect(&self, text: &str) -> Option<EmergencySignal> {
        let folded = fold(text);
        let mut hits = self.latin.hits(&folded);
        if !folded.is_ascii() {
            if let Some(other) = self.other_phrases() {
                hits.extend(other.hits(&folded));
            }
        }
        // Word-level rules: "he's trying to break the door down" (an attempt at harm, now);
        // "if I see someone with a knife" (a hypothetical, which reads as past).
        hits.extend(english_harm_attempts(&folded));
        hits.extend(english_forced_entry(&folded));
        hits.extend(english_hypotheticals(&folded));
        if hits.is_empty() {
            return None;
        }
        drop_masked(&mut hits);
        if english_like(&folded) {
            // Another language's short stem inside an English word ("dum*", Lithuanian smoke,
            // in "dumped") must not count; its strong phrases and cries still do.
            hits.retain(|h| {
                h.tag.language == "en"
                    || matches!(h.tag.kind, Kind::Strong(_) | Kind::Cry | Kind::Negation)
            });
        }
        let word_count = words(&folded).count();
        let exclaimed = text.contains(['!', '！', '¡']);
        let cues = Cues {
            word_count,
            exclaimed,
            progressive: english_progressive(&folded),
            asks: asks_a_question(text, &folded),
        };
        decide(&hits, &folded, &cues)
    }

    /// Runs [`Self::detect`] on each text (the English translation and the original) and
    /// returns the first signal.
    pub fn detect_any<'a>(
        &self,
        texts: impl IntoIterator<Item = &'a str>,
    ) -> Option<EmergencySignal> {
        texts.into_iter().find_map(|t| self.detect(t))
    }
}
/// The phrases of a lexicon in the format of `shared/kb/emergency.toml`, read now.
fn lexicon_builder(source: &str) -> Result<PhraseSetBuilder<Tag>, LexiconError> {
    let mut builder = PhraseSet::builder();
    for lang in schema::read_lexicon(source).map_err(LexiconError::Schema)? {
        let language = static_language(&lang.code)
            .ok_or_else(|| LexiconError::UnknownLanguage(lang.code.clone()))?;
        for (kind, patterns) in &lang.patterns {
            for p in patterns {
                builder
                    .add(
                        p,
                        Tag {
                            language,
                            kind: *kind,
                        },
                    )
                    .map_err(|source| LexiconError::Phrase {
                        language: lang.code.clone(),
                        source,
                    })?;
            }
        }
    }
    Ok(builder)
}

/// The shipped lexicon as `build.rs` prepared it: `TAGS` and `PHRASES`.
mod prepared {
    include!(concat!(env!("OUT_DIR"), "/emergency_lexicon.rs"));

    /// The Latin-script phrases' automaton, compiled by `build.rs` (`DoubleArrayAhoCorasick`).
    pub static LATIN_AUTOMATON: &[u8] =
        include_bytes!(concat!(env!("OUT_DIR"), "/emergency_latin.daac"));
}

/// A phrase as `build.rs` prepared it: folded text, bounds, tags.
type PreparedPhrase = (&'static str, Bounds, Vec<Tag>);

/// The shipped lexicon's phrases as `build.rs` prepared them: each with its bounds and its
/// tags, in their natural order.
fn prepared_phrases() -> Result<Vec<PreparedPhrase>, LexiconError> {
    let tags = prepared::TAGS
        .iter()
        .map(|(language, kind, reason)| tag_from_names(language, kind, reason))
        .collect::<Result<Vec<Tag>, _>>()?;
    prepared::PHRASES
        .iter()
        .map(|(text, bits, indexes)| {
            let mut of_phrase = indexes
                .iter()
                .map(|&i| {
                    tags.get(usize::from(i))
                        .copied()
                        .ok_or_else(|| LexiconError::Prepared(format!("tag {i}")))
                })
                .collect::<Result<Vec<Tag>, _>>()?;
            of_phrase.sort();
            Ok((*text, Bounds::from_bits(*bits), of_phrase))
        })
        .collect()
}

/// The same phrases in a builder (what the compiled automaton holds, for the tests to compare
/// with the file).
#[cfg(test)]
fn prepared_builder() -> Result<PhraseSetBuilder<Tag>, LexiconError> {
    let mut builder = PhraseSet::builder();
    for (text, bounds, tags) in prepared_phrases()? {
        for tag in tags {
            builder.push(text, bounds, tag);
        }
    }
    Ok(builder)
}
/// A tag as `build.rs` names it: the language, the lexicon key and the reason or part.
fn tag_from_names(language: &str, kind: &str, reason: &str) -> Result<Tag, LexiconError> {
    let unknown = || LexiconError::Prepared(format!("{language}/{kind}/{reason}"));
    Ok(Tag {
        language: static_language(language).ok_or_else(unknown)?,
        kind: Kind::from_names(kind, reason).ok_or_else(unknown)?,
    })
}

/// The 999 advice in one language: call 999; silent 999 from a mobile (stay on the line,
/// press 55 when asked); emergencySMS after registering; Relay UK 18000.
pub struct EmergencyAdvice {
    /// ISO 639-1 code.
    pub language: &'static str,
    /// The language's English name.
    pub name: &'static str,
    pub text: &'static str,
}

/// Advice in English and the 20 languages, from `shared/kb/emergency-advice.toml` (checked
/// and written out by `build.rs`). The translations NEED NATIVE-SPEAKER REVIEW.
pub const EMERGENCY_ADVICE: &[EmergencyAdvice] =
    include!(concat!(env!("OUT_DIR"), "/emergency_advice.rs"));

/// The 999 advice for a language code (`pl`, `pa-Arab`, `zh-TW`): by its primary tag, in
/// English where the language has no translation.
pub fn emergency_advice(language: &str) -> &'static EmergencyAdvice {
    let primary = language.split(['-', '_']).next().unwrap_or("en");
    EMERGENCY_ADVICE
        .iter()
        .find(|a| a.language.eq_ignore_ascii_case(primary))
        .unwrap_or(&EMERGENCY_ADVICE[0])
}

fn static_language(code: &str) -> Option<&'static str> {
    EMERGENCY_ADVICE
        .iter()
        .find(|a| a.language == code)
        .map(|a| a.language)
}

#[cfg(test)]
mod tests;
