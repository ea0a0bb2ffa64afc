//! Emergency detection: runs first on every citizen message, in English and on the original
//! text in the 20 most spoken other languages, and says why it fired without keeping any text.
//!
//! The phrases live in `shared/kb/emergency.toml`; the rules that combine them are here:
//! present danger fires, the same words about the past ("burgled last month") do not.

use super::pattern::Bounds;
use super::phrase::{Hit, PhraseError, PhraseSet, PhraseSetBuilder};
use super::text::{fold, words};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The lexicon shipped with the service.
pub const DEFAULT_LEXICON: &str = include_str!("../../kb/emergency.toml");

pub use crate::domain::EmergencyReason;

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
    #[error("the emergency lexicon is not valid TOML for its schema")]
    Parse(#[source] toml::de::Error),
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
enum PairPart {
    Crash,
    Injury,
    Vulnerable,
    Missing,
    Harm,
    /// Someone who must not be out alone: dementia, autism, a toddler, suicidal.
    AtRisk,
    /// Going out or away ("walked out", "left the house"): with `AtRisk`, missing when recent.
    Left,
    /// Thoughts of suicide ("suicidal", "don't want to be here").
    Ideation,
    /// A means or place of suicide ("pills", "rope", "the bridge").
    Means,
    /// Drunk or high ("pissed", "off his face").
    Impaired,
    /// At the wheel or setting off ("getting into his car", "driving off").
    Driving,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LanguageLexicon {
    code: String,
    #[serde(default)]
    cry: Vec<String>,
    #[serde(default)]
    cry_weak: Vec<String>,
    #[serde(default)]
    present: Vec<String>,
    #[serde(default)]
    present_weak: Vec<String>,
    #[serde(default)]
    past: Vec<String>,
    #[serde(default)]
    negation: Vec<String>,
    #[serde(default)]
    strong: BTreeMap<EmergencyReason, Vec<String>>,
    #[serde(default)]
    weak: BTreeMap<EmergencyReason, Vec<String>>,
    #[serde(default)]
    statement: BTreeMap<EmergencyReason, Vec<String>>,
    #[serde(default)]
    contextual: BTreeMap<EmergencyReason, Vec<String>>,
    #[serde(default)]
    pair: BTreeMap<PairPart, Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    language: Vec<LanguageLexicon>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Cry,
    CryWeak,
    Present,
    PresentWeak,
    Past,
    Negation,
    Strong(EmergencyReason),
    Weak(EmergencyReason),
    Statement(EmergencyReason),
    Contextual(EmergencyReason),
    Pair(PairPart),
}

impl Kind {
    fn is_danger(self) -> bool {
        matches!(
            self,
            Kind::Strong(_)
                | Kind::Weak(_)
                | Kind::Statement(_)
                | Kind::Contextual(_)
                | Kind::Pair(_)
        )
    }
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
    let file: LexiconFile = toml::from_str(source).map_err(LexiconError::Parse)?;
    let mut builder = PhraseSet::builder();
    for lang in &file.language {
        let code = static_language(&lang.code)
            .ok_or_else(|| LexiconError::UnknownLanguage(lang.code.clone()))?;
        let phrase_err = |source| LexiconError::Phrase {
            language: lang.code.clone(),
            source,
        };
        let mut add = |list: &[String], kind: Kind| -> Result<(), LexiconError> {
            for p in list {
                builder
                    .add(
                        p,
                        Tag {
                            language: code,
                            kind,
                        },
                    )
                    .map_err(phrase_err)?;
            }
            Ok(())
        };
        add(&lang.cry, Kind::Cry)?;
        add(&lang.cry_weak, Kind::CryWeak)?;
        add(&lang.present, Kind::Present)?;
        add(&lang.present_weak, Kind::PresentWeak)?;
        add(&lang.past, Kind::Past)?;
        add(&lang.negation, Kind::Negation)?;
        for (reason, list) in &lang.strong {
            add(list, Kind::Strong(*reason))?;
        }
        for (reason, list) in &lang.weak {
            add(list, Kind::Weak(*reason))?;
        }
        for (reason, list) in &lang.statement {
            add(list, Kind::Statement(*reason))?;
        }
        for (reason, list) in &lang.contextual {
            add(list, Kind::Contextual(*reason))?;
        }
        for (part, list) in &lang.pair {
            add(list, Kind::Pair(*part))?;
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
    use serde::de::value::{Error, StrDeserializer};
    let unknown = || LexiconError::Prepared(format!("{language}/{kind}/{reason}"));
    let language = static_language(language).ok_or_else(unknown)?;
    let why = || EmergencyReason::deserialize(StrDeserializer::<Error>::new(reason));
    let kind = match kind {
        "cry" => Kind::Cry,
        "cry_weak" => Kind::CryWeak,
        "present" => Kind::Present,
        "present_weak" => Kind::PresentWeak,
        "past" => Kind::Past,
        "negation" => Kind::Negation,
        "strong" => Kind::Strong(why().map_err(|_| unknown())?),
        "weak" => Kind::Weak(why().map_err(|_| unknown())?),
        "statement" => Kind::Statement(why().map_err(|_| unknown())?),
        "contextual" => Kind::Contextual(why().map_err(|_| unknown())?),
        "pair" => Kind::Pair(
            PairPart::deserialize(StrDeserializer::<Error>::new(reason)).map_err(|_| unknown())?,
        ),
        _ => return Err(unknown()),
    };
    Ok(Tag { language, kind })
}

/// What the detector reads from the message besides its phrases.
struct Cues {
    word_count: usize,
    exclaimed: bool,
    /// English progressive verbs ("he is kicking the door"), as spans of the folded text.
    progressive: Vec<(usize, usize)>,
    /// The message asks something rather than tells: "what do I do if...", "is it legal...".
    asks: bool,
}

/// Whether a message reads as English: enough English function words among its words, at
/// least one of them not also a word of another language ("a", "no", "me", "in", "is" are
/// Portuguese, Spanish, Romanian, Hungarian words too).
fn english_like(folded: &str) -> bool {
    const FUNCTION_WORDS: &[&str] = &[
        "the", "an", "my", "of", "and", "it", "for", "you", "she", "was", "have", "has", "with",
        "at", "this", "that", "im", "its", "our", "someone", "there", "theres", "what", "how",
        "can", "not", "out", "his", "her", "they", "we", "your", "been", "just", "from", "by",
        "got", "hes", "shes",
    ];
    const SHARED_WORDS: &[&str] = &[
        "a", "to", "is", "in", "i", "on", "me", "he", "no", "are", "be",
    ];
    let (mut total, mut distinct, mut shared) = (0usize, 0usize, 0usize);
    for w in words(folded) {
        total += 1;
        distinct += usize::from(FUNCTION_WORDS.contains(&w));
        shared += usize::from(SHARED_WORDS.contains(&w));
    }
    let english = distinct + shared;
    distinct >= 1 && english >= 2 && english * 5 >= total
}

/// Whether a message is a question: a question mark, or an English question word first.
fn asks_a_question(text: &str, folded: &str) -> bool {
    const QUESTION_WORDS: &[&str] = &[
        "how", "what", "whats", "where", "wheres", "when", "why", "who", "whos", "which", "can",
        "could", "should", "would", "is", "are", "do", "does", "did", "will", "may", "hows",
    ];
    // "can hear a woman screaming", "could see smoke": a perception, told, not asked.
    const PERCEIVED: &[&str] = &["hear", "see", "smell", "feel"];
    let mut ws = words(folded);
    let first = ws.next();
    let second = ws.next();
    let perceives =
        matches!(first, Some("can" | "could")) && second.is_some_and(|w| PERCEIVED.contains(&w));
    text.contains(['?', '？', '¿', '؟'])
        || (!perceives && first.is_some_and(|w| QUESTION_WORDS.contains(&w)))
}

/// The words of `folded` with their byte offsets.
fn spanned_words(folded: &str) -> Vec<(usize, &str)> {
    let mut pos = 0;
    folded
        .split(' ')
        .map(|w| {
            let at = pos;
            pos += w.len() + 1;
            (at, w)
        })
        .filter(|(_, w)| !w.is_empty())
        .collect()
}

/// Someone attempting or threatening harm now: a third-person subject, "trying to" or
/// "threatening to" and a harm verb ("he's trying to break the door down", "hes threatening
/// to burn the house"). A weak
/// danger: the past ("he tried to", "was trying to" last week) and hypotheticals stay quiet.
fn english_harm_attempts(folded: &str) -> Vec<Hit<Tag>> {
    const SUBJECTS: &[&str] = &[
        "hes",
        "shes",
        "theyre",
        "someones",
        "somebodys",
        "is",
        "are",
        "keeps",
        "keep",
        "still",
    ];
    // The verb and the reason; a door, window or "in" after a forcing verb is a break-in.
    const VERBS: &[(&str, EmergencyReason)] = &[
        ("break", EmergencyReason::BreakIn),
        ("smash", EmergencyReason::BreakIn),
        ("kick", EmergencyReason::Violence),
        ("force", EmergencyReason::BreakIn),
        ("bash", EmergencyReason::BreakIn),
        ("hit", EmergencyReason::Violence),
        ("hurt", EmergencyReason::Violence),
        ("punch", EmergencyReason::Violence),
        ("strangle", EmergencyReason::Violence),
        ("choke", EmergencyReason::Violence),
        ("attack", EmergencyReason::Violence),
        ("stab", EmergencyReason::Weapon),
        ("kill", EmergencyReason::ThreatToKill),
        ("drag", EmergencyReason::Abduction),
        ("grab", EmergencyReason::Abduction),
        ("snatch", EmergencyReason::Abduction),
        ("burn", EmergencyReason::Fire),
        ("throw", EmergencyReason::Violence),
        ("glass", EmergencyReason::Weapon),
    ];
    const FORCED: &[&str] = &["door", "doors", "window", "windows", "in", "into", "lock"];
    let ws = spanned_words(folded);
    let mut out = Vec::new();
    for i in 0..ws.len().saturating_sub(3) {
        if !SUBJECTS.contains(&ws[i].1)
            || !matches!(ws[i + 1].1, "trying" | "threatening")
            || ws[i + 2].1 != "to"
        {
            continue;
        }
        let (at, verb) = ws[i + 3];
        let Some(&(_, mut reason)) = VERBS.iter().find(|(v, _)| *v == verb) else {
            continue;
        };
        let object = &ws[i + 4..ws.len().min(i + 8)];
        if reason == EmergencyReason::Violence && object.iter().any(|w| FORCED.contains(&w.1)) {
            reason = EmergencyReason::BreakIn;
        }
        out.push(Hit {
            tag: Tag {
                language: "en",
                kind: Kind::Weak(reason),
            },
            start: ws[i].0,
            end: at + verb.len(),
        });
    }
    out
}

/// Someone forcing their way in, now, however it is put: a forcing verb as it happens
/// ("kicking", "smashing", "booting", "jemmying", "shoulder barging", "prising"), or attempted
/// ("trying to climb in through my window"), with a way in as its object a few words on (a
/// door, window, lock, the glass, the patio doors): "there's a guy kicking my front door in".
/// Also a third person who "just" did it ("they just smashed the glass in the front door").
/// A weak break-in, so the past stays quiet ("someone was kicking the door last night"), and a
/// finished act is no hit at all ("my door was kicked in last week"); so is the first person
/// ("I keep kicking the door when it sticks") and, after "just", a vehicle ("someone just
/// smashed my car window" is a crime to report, not a way into a home).
fn english_forced_entry(folded: &str) -> Vec<Hit<Tag>> {
    /// Each forcing verb as written now (with the text-speak "-in"), after "trying to", and
    /// done.
    const FORCING: &[(&[&str], &str, &[&str])] = &[
        (&["kicking", "kickin"], "kick", &["kicked"]),
        (&["smashing", "smashin"], "smash", &["smashed"]),
        (&["forcing", "forcin"], "force", &["forced"]),
        (&["breaking", "breakin"], "break", &["broke"]),
        (&["booting", "bootin"], "boot", &["booted"]),
        (&["bashing", "bashin"], "bash", &["bashed"]),
        (&["battering", "batterin"], "batter", &["battered"]),
        (&["barging", "bargin"], "barge", &["barged"]),
        (&["ramming", "rammin"], "ram", &["rammed"]),
        (
            &["prising", "prizing", "prying"],
            "prise",
            &["prised", "prized", "pried"],
        ),
        (&["jemmying", "jimmying"], "jemmy", &["jemmied", "jimmied"]),
        (&["levering"], "lever", &["levered"]),
        (&["climbing", "climbin"], "climb", &["climbed"]),
    ];
    const WAYS_IN: &[&str] = &[
        "door",
        "doors",
        "frontdoor",
        "backdoor",
        "window",
        "windows",
        "lock",
        "locks",
        "glass",
        "patio",
        "letterbox",
    ];
    const FIRST_PERSON: &[&str] = &["i", "im", "am", "ive", "we", "were", "me", "myself"];
    const THIRD_PERSON: &[&str] = &[
        "they",
        "theyve",
        "he",
        "hes",
        "she",
        "shes",
        "someone",
        "someones",
        "somebody",
        "somebodys",
        "people",
        "men",
        "guys",
        "lads",
    ];
    const VEHICLES: &[&str] = &["car", "cars", "van", "vans", "vehicle", "motor", "lorry"];
    let ws = spanned_words(folded);
    let word = |i: usize| ws.get(i).map_or("", |w| w.1);
    let ahead = |i: usize| &ws[(i + 1).min(ws.len())..ws.len().min(i + 6)];
    let way_in = |i: usize| ahead(i).iter().any(|w| WAYS_IN.contains(&w.1));
    let mut out = Vec::new();
    for (i, &(at, w)) in ws.iter().enumerate() {
        let before = [
            word(i.wrapping_sub(1)),
            word(i.wrapping_sub(2)),
            word(i.wrapping_sub(3)),
        ];
        let by_me = before.iter().any(|b| FIRST_PERSON.contains(b));
        let forcing = FORCING.iter().find(|(now, base, _)| {
            now.contains(&w)
                || (*base == w && word(i.wrapping_sub(1)) == "to" && before[1] == "trying")
        });
        let just_done = FORCING.iter().any(|(_, _, done)| done.contains(&w))
            && before[0] == "just"
            && THIRD_PERSON.contains(&before[1])
            && !ahead(i).iter().any(|x| VEHICLES.contains(&x.1));
        if by_me || !(forcing.is_some() || just_done) || !way_in(i) {
            continue;
        }
        out.push(Hit {
            tag: Tag {
                language: "en",
                kind: Kind::Weak(EmergencyReason::BreakIn),
            },
            start: at,
            end: at + w.len(),
        });
    }
    out
}

/// A conditional about the one asking ("if I see someone carrying a knife", "if you ever
/// find..."): hypothetical, so it counts as a past marker.
fn english_hypotheticals(folded: &str) -> Vec<Hit<Tag>> {
    const WHO: &[&str] = &["i", "you", "u", "we", "ya"];
    const SEEING: &[&str] = &[
        "see", "saw", "spot", "find", "notice", "witness", "hear", "ever", "come", "came", "were",
        "was",
    ];
    let ws = spanned_words(folded);
    ws.windows(3)
        .filter(|w| w[0].1 == "if" && WHO.contains(&w[1].1) && SEEING.contains(&w[2].1))
        .map(|w| Hit {
            tag: Tag {
                language: "en",
                kind: Kind::Past,
            },
            start: w[0].0,
            end: w[2].0 + w[2].1.len(),
        })
        .collect()
}

/// Negations hide the danger words inside them ("nobody was hurt"); of a past and a present
/// phrase inside one another the longer wins (Romanian "acum un an", a year ago, contains
/// "acum", now; English "an hour ago" is recent, not past).
fn drop_masked(hits: &mut Vec<Hit<Tag>>) {
    let spans = |kind: Kind, hits: &[Hit<Tag>]| -> Vec<(usize, usize)> {
        hits.iter()
            .filter(|h| h.tag.kind == kind)
            .map(|h| (h.start, h.end))
            .collect()
    };
    let negations = spans(Kind::Negation, hits);
    let pasts = spans(Kind::Past, hits);
    let mut presents = spans(Kind::Present, hits);
    presents.extend(spans(Kind::PresentWeak, hits));
    let inside = |h: &Hit<Tag>, spans: &[(usize, usize)]| {
        spans.iter().any(|&(s, e)| s <= h.start && h.end <= e)
    };
    hits.retain(|h| {
        let k = h.tag.kind;
        let strictly_inside = |spans: &[(usize, usize)]| {
            spans
                .iter()
                .any(|&(s, e)| s <= h.start && h.end <= e && e - s > h.end - h.start)
        };
        // A negation also hides a cry inside it: "who can help me" asks, it doesn't cry.
        !((k.is_danger() || matches!(k, Kind::Cry | Kind::CryWeak)) && inside(h, &negations)
            || matches!(k, Kind::Present | Kind::PresentWeak) && strictly_inside(&pasts)
            || k == Kind::Past && strictly_inside(&presents))
    });
}

/// Where an English progressive verb follows a third-person subject ("he is kicking",
/// "they're smashing"): signs of now. First person is left out on purpose ("I'm trying to
/// report"), and so are verbs that are no event ("is going", "is looking").
fn english_progressive(folded: &str) -> Vec<(usize, usize)> {
    const SUBJECTS: &[&str] = &[
        "is", "are", "hes", "shes", "theyre", "its", "theres", "someones", "keeps",
    ];
    const NOT_EVENTS: &[&str] = &[
        "thing",
        "nothing",
        "something",
        "anything",
        "everything",
        "morning",
        "evening",
        "during",
        "building",
        "wedding",
        "ceiling",
        "king",
        "ring",
        "sing",
        "bring",
        "spring",
        "string",
        "going",
        "trying",
        "looking",
        "asking",
        "wondering",
        "thinking",
        "wanting",
        "hoping",
        "calling",
        "reporting",
        "waiting",
        "getting",
        "having",
        "doing",
        "saying",
        "being",
        "feeling",
        "working",
        "living",
        "using",
        "making",
        "taking",
        "parking",
        "missing",
        "outstanding",
        "ongoing",
        "interesting",
        "worrying",
        "annoying",
    ];
    let is_event = |w: &str| w.len() >= 5 && w.ends_with("ing") && !NOT_EVENTS.contains(&w);
    let mut spans = Vec::new();
    let ws = spanned_words(folded);
    for (i, &(at, w)) in ws.iter().enumerate() {
        if !SUBJECTS.contains(&w) {
            continue;
        }
        let next = ws.get(i + 1).map(|x| x.1).unwrap_or("");
        let after = ws.get(i + 2).map(|x| x.1).unwrap_or("");
        let adverb = matches!(next, "still" | "now" | "just" | "currently");
        if is_event(next) || (adverb && is_event(after)) {
            let end = ws
                .get(i + if adverb { 2 } else { 1 })
                .map_or(at, |x| x.0 + x.1.len());
            spans.push((at, end));
        }
    }
    spans
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tense {
    Past,
    Present,
}

/// The rules: strong phrases always fire; weak ones unless their nearest time marker is a
/// past one; statement phrases also not in a question; contextual ones (English past-tense
/// words such as "attacked") only with a sign of now nearest, or a cry. Other languages'
/// contextual phrases are mostly nouns and present tenses, so they count as statement
/// phrases.
fn decide(hits: &[Hit<Tag>], folded: &str, cues: &Cues) -> Option<EmergencySignal> {
    // Tense is read per danger phrase from the nearest time marker, so that "the man who
    // attacked me last year is outside now with a knife" is about now, and "I was burgled
    // last month and now I'm scared" is about last month.
    let mut markers: Vec<(usize, usize, Tense)> = cues
        .progressive
        .iter()
        .map(|&(s, e)| (s, e, Tense::Present))
        .collect();
    // A weak sign of now that is a word of a danger phrase ("outside" in "fight outside")
    // says where, not when: it does not count.
    let in_danger_phrase = |m: &Hit<Tag>| {
        hits.iter().any(|d| {
            d.tag.kind.is_danger()
                && d.start <= m.start
                && m.end <= d.end
                && d.end - d.start > m.end - m.start
        })
    };
    for h in hits {
        match h.tag.kind {
            Kind::Past => markers.push((h.start, h.end, Tense::Past)),
            Kind::Present => markers.push((h.start, h.end, Tense::Present)),
            Kind::PresentWeak if !in_danger_phrase(h) => {
                markers.push((h.start, h.end, Tense::Present))
            }
            _ => {}
        }
    }
    let tense_at = |start: usize, end: usize| -> Option<Tense> {
        markers
            .iter()
            .map(|&(s, e, t)| {
                // Zero when they overlap.
                let gap = start.saturating_sub(e).max(s.saturating_sub(end));
                (gap, t == Tense::Past, t)
            })
            .min()
            .map(|(_, _, t)| t)
    };

    let word_count = cues.word_count;
    let cry_hits: Vec<&Hit<Tag>> = hits
        .iter()
        .filter(|h| matches!(h.tag.kind, Kind::Cry | Kind::CryWeak))
        .collect();
    let cry_words = covered_words(folded, &cry_hits);
    let cry_alone = !cry_hits.is_empty() && word_count.saturating_sub(cry_words) <= 1;
    let at_start = |h: &&Hit<Tag>| h.start <= 1;
    let strong_cry = hits.iter().any(|h| h.tag.kind == Kind::Cry);
    let cry_first = cry_hits.iter().any(at_start);
    let cry_at_start =
        cues.exclaimed && hits.iter().any(|h| h.tag.kind == Kind::Cry && h.start <= 1);
    // "Help" opening a message, or any real cry, makes danger words count whatever the tense.
    let cry = strong_cry || cry_alone || cry_first;

    // A strong phrase is about now unless the message sets it in the past or as a
    // hypothetical and nothing in it says now: "what happens if someone threatens to kill
    // you", "we had a bomb scare at work last month".
    let present_marker = markers.iter().any(|m| m.2 == Tense::Present);
    let mut fired: Vec<(EmergencyReason, &'static str)> = Vec::new();
    for h in hits {
        let tense = tense_at(h.start, h.end);
        let now = tense == Some(Tense::Present);
        let not_past = tense != Some(Tense::Past);
        let reason = match h.tag.kind {
            Kind::Strong(r) if not_past || cry || (present_marker && !cues.asks) => Some(r),
            Kind::Weak(r) if now || cry || not_past => Some(r),
            Kind::Statement(r) if now || cry || (not_past && !cues.asks) => Some(r),
            Kind::Contextual(r)
                if now || cry || (not_past && !cues.asks && h.tag.language != "en") =>
            {
                Some(r)
            }
            _ => None,
        };
        if let Some(r) = reason {
            fired.push((r, h.tag.language));
        }
    }
    let part = |p: PairPart| -> Option<(&'static str, Option<Tense>)> {
        hits.iter()
            .filter(|h| h.tag.kind == Kind::Pair(p))
            .map(|h| (h.tag.language, tense_at(h.start, h.end)))
            .min_by_key(|(_, t)| *t == Some(Tense::Past))
    };
    let pairs = [
        (
            PairPart::Crash,
            PairPart::Injury,
            EmergencyReason::CollisionWithInjuries,
        ),
        (
            PairPart::Vulnerable,
            PairPart::Missing,
            EmergencyReason::MissingVulnerablePerson,
        ),
        (
            PairPart::Vulnerable,
            PairPart::Harm,
            EmergencyReason::VulnerablePersonAtRisk,
        ),
        (
            PairPart::Ideation,
            PairPart::Means,
            EmergencyReason::SuicideRisk,
        ),
        (
            PairPart::Impaired,
            PairPart::Driving,
            EmergencyReason::CrimeInProgress,
        ),
    ];
    for (a, b, reason) in pairs {
        if let (Some((lang, ta)), Some((_, tb))) = (part(a), part(b)) {
            let past = ta == Some(Tense::Past) || tb == Some(Tense::Past);
            let now = ta == Some(Tense::Present) || tb == Some(Tense::Present);
            if now || cry || !past {
                fired.push((reason, lang));
            }
        }
    }
    // Someone who must not be out alone (dementia, a toddler, suicidal) who went out is
    // missing when a sign of now or of a short time since is nearest the going ("walked out
    // an hour ago", "has just left"); "my son walked out of school" is not.
    // The going's own words do not count as its time ("ran off" is a past marker).
    let recent_going = hits.iter().any(|h| {
        h.tag.kind == Kind::Pair(PairPart::Left)
            && markers
                .iter()
                .filter(|&&(s, e, _)| e <= h.start || h.end <= s)
                .map(|&(s, e, t)| (h.start.saturating_sub(e).max(s.saturating_sub(h.end)), t))
                .min_by_key(|&(gap, t)| (gap, t == Tense::Past))
                .is_some_and(|(_, t)| t == Tense::Present)
    });
    if let Some((lang, _)) = part(PairPart::AtRisk) {
        if recent_going || (cry && part(PairPart::Left).is_some()) {
            fired.push((EmergencyReason::MissingVulnerablePerson, lang));
        }
    }
    let present_anywhere = markers.iter().any(|m| m.2 == Tense::Present)
        && !markers.iter().any(|m| m.2 == Tense::Past);
    if fired.is_empty() && (cry_alone || cry_at_start || (strong_cry && present_anywhere)) {
        let lang = cry_hits.first().map_or("en", |h| h.tag.language);
        fired.push((EmergencyReason::CryForHelp, lang));
    }
    if fired.is_empty() {
        return None;
    }
    fired.sort();
    let reason = fired[0].0;
    let mut other_reasons: Vec<EmergencyReason> = fired.iter().map(|f| f.0).collect();
    other_reasons.dedup();
    other_reasons.retain(|r| *r != reason);
    Some(EmergencySignal {
        reason,
        other_reasons,
        language: dominant_language(hits),
    })
}

/// How many words of `folded` lie inside the given hits.
fn covered_words(folded: &str, hits: &[&Hit<Tag>]) -> usize {
    let mut count = 0;
    let mut pos = 0;
    for w in folded.split(' ') {
        let (start, end) = (pos, pos + w.len());
        pos = end + 1;
        if !w.is_empty() && hits.iter().any(|h| h.start <= start && end <= h.end) {
            count += 1;
        }
    }
    count
}

/// The language with most hits, preferring any other language over English: a Polish
/// message may contain an English loanword, not the other way round.
fn dominant_language(hits: &[Hit<Tag>]) -> &'static str {
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    for h in hits {
        *counts.entry(h.tag.language).or_default() += 1;
    }
    counts
        .iter()
        .filter(|(l, _)| **l != "en")
        .max_by_key(|(_, n)| **n)
        .map(|(l, _)| *l)
        .unwrap_or("en")
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

/// Advice in English and the 20 languages. The translations NEED NATIVE-SPEAKER REVIEW.
pub const EMERGENCY_ADVICE: &[EmergencyAdvice] = &[
    EmergencyAdvice { language: "en", name: "English", text: "If you or someone else is in danger right now, call 999. If you can't speak, call 999 from a mobile, stay on the line and press 55 when asked, so the call handler knows it's a real emergency. If you're deaf or speech-impaired, text 999 with emergencySMS (you must register first: text 'register' to 999) or call 18000 with Relay UK. We have also alerted an operator." },
    EmergencyAdvice { language: "pl", name: "Polish", text: "Jeśli Ty lub ktoś inny jest teraz w niebezpieczeństwie, zadzwoń pod 999. Jeśli nie możesz mówić, zadzwoń pod 999 z telefonu komórkowego, nie rozłączaj się i naciśnij 55, gdy usłyszysz prośbę. Jeśli jesteś osobą niesłyszącą lub masz trudności z mówieniem, wyślij SMS pod 999 przez emergencySMS (najpierw musisz się zarejestrować: wyślij „register” pod 999) lub zadzwoń pod 18000 przez Relay UK. Powiadomiliśmy też operatora." },
    EmergencyAdvice { language: "ro", name: "Romanian", text: "Dacă dumneavoastră sau altcineva sunteți în pericol chiar acum, sunați la 999. Dacă nu puteți vorbi, sunați la 999 de pe un telefon mobil, rămâneți pe linie și apăsați 55 când vi se cere. Dacă sunteți surd sau aveți dificultăți de vorbire, trimiteți un SMS la 999 prin emergencySMS (trebuie să vă înregistrați mai întâi: trimiteți „register” la 999) sau sunați la 18000 prin Relay UK. Am anunțat și un operator." },
    EmergencyAdvice { language: "pa", name: "Panjabi", text: "ਜੇ ਤੁਸੀਂ ਜਾਂ ਕੋਈ ਹੋਰ ਇਸ ਵੇਲੇ ਖ਼ਤਰੇ ਵਿੱਚ ਹੈ, ਤਾਂ 999 'ਤੇ ਫ਼ੋਨ ਕਰੋ। ਜੇ ਤੁਸੀਂ ਬੋਲ ਨਹੀਂ ਸਕਦੇ, ਤਾਂ ਮੋਬਾਈਲ ਤੋਂ 999 'ਤੇ ਫ਼ੋਨ ਕਰੋ, ਲਾਈਨ 'ਤੇ ਰਹੋ ਅਤੇ ਪੁੱਛੇ ਜਾਣ 'ਤੇ 55 ਦਬਾਓ। ਜੇ ਤੁਸੀਂ ਬੋਲ਼ੇ ਹੋ ਜਾਂ ਬੋਲਣ ਵਿੱਚ ਮੁਸ਼ਕਲ ਹੈ, ਤਾਂ emergencySMS ਰਾਹੀਂ 999 'ਤੇ ਟੈਕਸਟ ਕਰੋ (ਪਹਿਲਾਂ ਰਜਿਸਟਰ ਕਰਨਾ ਜ਼ਰੂਰੀ ਹੈ: 999 'ਤੇ 'register' ਲਿਖ ਕੇ ਭੇਜੋ) ਜਾਂ Relay UK ਨਾਲ 18000 'ਤੇ ਫ਼ੋਨ ਕਰੋ। ਅਸੀਂ ਇੱਕ ਆਪਰੇਟਰ ਨੂੰ ਵੀ ਸੂਚਿਤ ਕਰ ਦਿੱਤਾ ਹੈ।" },
    EmergencyAdvice { language: "ur", name: "Urdu", text: "اگر آپ یا کوئی اور اس وقت خطرے میں ہے تو 999 پر کال کریں۔ اگر آپ بول نہیں سکتے تو موبائل سے 999 پر کال کریں، لائن پر رہیں اور کہے جانے پر 55 دبائیں۔ اگر آپ سماعت سے محروم ہیں یا بولنے میں دشواری ہے تو emergencySMS کے ذریعے 999 پر ٹیکسٹ کریں (پہلے رجسٹر کرنا ضروری ہے: 999 پر 'register' لکھ کر بھیجیں) یا Relay UK کے ذریعے 18000 پر کال کریں۔ ہم نے ایک آپریٹر کو بھی اطلاع دے دی ہے۔" },
    EmergencyAdvice { language: "pt", name: "Portuguese", text: "Se você ou outra pessoa está em perigo agora, ligue para o 999. Se não conseguir falar, ligue para o 999 de um telemóvel, mantenha-se na linha e carregue em 55 quando lhe for pedido. Se é surdo ou tem dificuldades de fala, envie uma SMS para o 999 através do emergencySMS (tem de se registar primeiro: envie 'register' para o 999) ou ligue para o 18000 através do Relay UK. Também já alertámos um operador." },
    EmergencyAdvice { language: "es", name: "Spanish", text: "Si usted u otra persona está en peligro ahora mismo, llame al 999. Si no puede hablar, llame al 999 desde un móvil, no cuelgue y pulse 55 cuando se lo pidan. Si es una persona sorda o con dificultades del habla, envíe un SMS al 999 con emergencySMS (primero debe registrarse: envíe «register» al 999) o llame al 18000 con Relay UK. También hemos avisado a un operador." },
    EmergencyAdvice { language: "ar", name: "Arabic", text: "إذا كنت أنت أو أي شخص آخر في خطر الآن، فاتصل بالرقم 999. إذا لم تستطع الكلام، فاتصل بالرقم 999 من هاتف محمول، وابقَ على الخط واضغط 55 عندما يُطلب منك ذلك. إذا كنت أصمّ أو تعاني من صعوبة في الكلام، فأرسل رسالة نصية إلى 999 عبر خدمة emergencySMS (يجب التسجيل أولاً: أرسل كلمة 'register' إلى 999) أو اتصل بالرقم 18000 عبر Relay UK. لقد أبلغنا أيضاً أحد الموظفين." },
    EmergencyAdvice { language: "bn", name: "Bengali", text: "আপনি বা অন্য কেউ যদি এই মুহূর্তে বিপদে থাকেন, তাহলে 999-এ কল করুন। আপনি যদি কথা বলতে না পারেন, তাহলে মোবাইল থেকে 999-এ কল করুন, লাইনে থাকুন এবং বলা হলে 55 চাপুন। আপনি যদি বধির হন বা কথা বলতে অসুবিধা হয়, তাহলে emergencySMS-এর মাধ্যমে 999-এ টেক্সট করুন (আগে নিবন্ধন করতে হবে: 999-এ 'register' লিখে পাঠান) অথবা Relay UK-এর মাধ্যমে 18000-এ কল করুন। আমরা একজন অপারেটরকেও জানিয়েছি।" },
    EmergencyAdvice { language: "gu", name: "Gujarati", text: "જો તમે અથવા બીજું કોઈ અત્યારે જોખમમાં હોય, તો 999 પર કૉલ કરો. જો તમે બોલી ન શકો, તો મોબાઇલ પરથી 999 પર કૉલ કરો, લાઇન પર રહો અને પૂછવામાં આવે ત્યારે 55 દબાવો. જો તમે બહેરા હો અથવા બોલવામાં તકલીફ હોય, તો emergencySMS દ્વારા 999 પર ટેક્સ્ટ કરો (પહેલાં નોંધણી કરવી જરૂરી છે: 999 પર 'register' લખીને મોકલો) અથવા Relay UK દ્વારા 18000 પર કૉલ કરો. અમે એક ઑપરેટરને પણ જાણ કરી છે." },
    EmergencyAdvice { language: "it", name: "Italian", text: "Se lei o qualcun altro è in pericolo in questo momento, chiami il 999. Se non può parlare, chiami il 999 da un cellulare, resti in linea e prema 55 quando le viene chiesto. Se è sordo o ha difficoltà a parlare, invii un SMS al 999 tramite emergencySMS (prima deve registrarsi: invii 'register' al 999) oppure chiami il 18000 tramite Relay UK. Abbiamo anche avvisato un operatore." },
    EmergencyAdvice { language: "lt", name: "Lithuanian", text: "Jei jums ar kitam žmogui šiuo metu gresia pavojus, skambinkite 999. Jei negalite kalbėti, skambinkite 999 iš mobiliojo telefono, neatsijunkite ir, kai paprašys, paspauskite 55. Jei esate kurčias arba jums sunku kalbėti, siųskite SMS numeriu 999 per emergencySMS (pirmiausia reikia užsiregistruoti: išsiųskite žodį „register“ numeriu 999) arba skambinkite 18000 per Relay UK. Taip pat informavome operatorių." },
    EmergencyAdvice { language: "zh", name: "Chinese", text: "如果您或其他人现在有危险，请拨打999。如果您无法说话，请用手机拨打999，不要挂断，并在听到提示时按55。如果您是聋人或有言语障碍，请通过emergencySMS向999发送短信（需先注册：发送“register”到999），或通过Relay UK拨打18000。我们也已通知一名接线员。" },
    EmergencyAdvice { language: "ta", name: "Tamil", text: "நீங்களோ வேறு யாரோ இப்போது ஆபத்தில் இருந்தால், 999 ஐ அழைக்கவும். உங்களால் பேச முடியாவிட்டால், கைபேசியிலிருந்து 999 ஐ அழைத்து, இணைப்பைத் துண்டிக்காமல், கேட்கப்படும்போது 55 ஐ அழுத்தவும். நீங்கள் காது கேளாதவராக அல்லது பேசுவதில் சிரமம் உள்ளவராக இருந்தால், emergencySMS மூலம் 999 க்கு குறுஞ்செய்தி அனுப்பவும் (முதலில் பதிவு செய்ய வேண்டும்: 999 க்கு 'register' என அனுப்பவும்) அல்லது Relay UK மூலம் 18000 ஐ அழைக்கவும். நாங்கள் ஒரு இயக்குநருக்கும் தெரிவித்துள்ளோம்." },
    EmergencyAdvice { language: "tr", name: "Turkish", text: "Siz ya da başka biri şu anda tehlikedeyse 999'u arayın. Konuşamıyorsanız cep telefonundan 999'u arayın, hatta kalın ve istendiğinde 55'e basın. İşitme ya da konuşma engelliyseniz emergencySMS ile 999'a SMS gönderin (önce kayıt olmanız gerekir: 999'a 'register' yazıp gönderin) ya da Relay UK ile 18000'i arayın. Bir operatörü de bilgilendirdik." },
    EmergencyAdvice { language: "fr", name: "French", text: "Si vous ou quelqu'un d'autre êtes en danger en ce moment, appelez le 999. Si vous ne pouvez pas parler, appelez le 999 depuis un portable, restez en ligne et appuyez sur 55 quand on vous le demande. Si vous êtes sourd ou avez des difficultés à parler, envoyez un SMS au 999 avec emergencySMS (inscription préalable obligatoire : envoyez « register » au 999) ou appelez le 18000 avec Relay UK. Nous avons aussi prévenu un opérateur." },
    EmergencyAdvice { language: "bg", name: "Bulgarian", text: "Ако вие или някой друг сте в опасност в момента, обадете се на 999. Ако не можете да говорите, обадете се на 999 от мобилен телефон, останете на линията и натиснете 55, когато бъдете помолени. Ако сте глухи или имате затруднения с говора, изпратете SMS до 999 чрез emergencySMS (първо трябва да се регистрирате: изпратете „register“ до 999) или се обадете на 18000 чрез Relay UK. Уведомихме и оператор." },
    EmergencyAdvice { language: "fa", name: "Persian", text: "اگر شما یا شخص دیگری همین الان در خطر هستید، با 999 تماس بگیرید. اگر نمی‌توانید صحبت کنید، از تلفن همراه با 999 تماس بگیرید، پشت خط بمانید و وقتی از شما خواسته شد 55 را فشار دهید. اگر ناشنوا هستید یا در صحبت کردن مشکل دارید، از طریق emergencySMS به 999 پیامک بفرستید (ابتدا باید ثبت‌نام کنید: کلمه 'register' را به 999 بفرستید) یا از طریق Relay UK با 18000 تماس بگیرید. ما یک اپراتور را هم خبر کرده‌ایم." },
    EmergencyAdvice { language: "hu", name: "Hungarian", text: "Ha Ön vagy valaki más most veszélyben van, hívja a 999-et. Ha nem tud beszélni, hívja a 999-et mobiltelefonról, maradjon a vonalban, és nyomja meg az 55-öt, amikor kérik. Ha siket vagy beszédében akadályozott, küldjön SMS-t a 999-re az emergencySMS szolgáltatással (előbb regisztrálni kell: küldje el a 'register' szót a 999-re), vagy hívja a 18000-et a Relay UK-n keresztül. Egy operátort is értesítettünk." },
    EmergencyAdvice { language: "ru", name: "Russian", text: "Если вам или кому-то другому прямо сейчас угрожает опасность, звоните 999. Если вы не можете говорить, позвоните 999 с мобильного телефона, оставайтесь на линии и нажмите 55, когда вас попросят. Если вы глухой или у вас нарушения речи, отправьте SMS на 999 через emergencySMS (сначала нужно зарегистрироваться: отправьте «register» на 999) или позвоните 18000 через Relay UK. Мы также сообщили оператору." },
    EmergencyAdvice { language: "so", name: "Somali", text: "Haddii adiga ama qof kale aad hadda khatar ku jirtaan, wac 999. Haddii aadan hadli karin, 999 ka wac taleefan gacmeed, khadka ku jir oo riix 55 marka lagu weydiiyo. Haddii aad dhagoole tahay ama hadalku kugu adag yahay, fariin qoraal ah u dir 999 adigoo isticmaalaya emergencySMS (marka hore waa inaad is diiwaangelisaa: u dir 'register' 999) ama wac 18000 adigoo adeegsanaya Relay UK. Waxaan sidoo kale ogeysiinnay hawlwadeen." },
];

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
