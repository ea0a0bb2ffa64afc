//! The schema of the emergency data in `shared/kb/`, defined once: the lexicon's lists and
//! their reasons (`emergency.toml`) and the 999 advice (`emergency-advice.toml`), with the
//! readers that check them. `shared/build.rs` includes this file to prepare and validate both
//! at build time (so a mistake in either is a build error that names the place); the detector
//! reads a lexicon given as text with the same reader. Depends on nothing but `toml` and std,
//! so that the build script can include it (with `domain/emergency.rs`, where the
//! reasons are defined).

use std::fmt;

use crate::domain::{codes, EmergencyReason};

codes! {
    /// One half of a two-part danger (the lexicon's `pair` table).
    PairPart {
        Crash = "crash",
        Injury = "injury",
        Vulnerable = "vulnerable",
        Missing = "missing",
        Harm = "harm",
        /// Someone who must not be out alone: dementia, autism, a toddler, suicidal.
        AtRisk = "at_risk",
        /// Going out or away ("walked out", "left the house"): with `AtRisk`, missing when
        /// recent.
        Left = "left",
        /// Thoughts of suicide ("suicidal", "don't want to be here").
        Ideation = "ideation",
        /// A means or place of suicide ("pills", "rope", "the bridge").
        Means = "means",
        /// Drunk or high ("pissed", "off his face").
        Impaired = "impaired",
        /// At the wheel or setting off ("getting into his car", "driving off").
        Driving = "driving",
    }
}

/// What a phrase of the lexicon says: the list it is in, with the reason or part of the
/// tables (see the key at the top of `shared/kb/emergency.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
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

/// The keys of a `[[language]]` table that hold phrases directly.
const LISTS: &[(&str, Kind)] = &[
    ("cry", Kind::Cry),
    ("cry_weak", Kind::CryWeak),
    ("present", Kind::Present),
    ("present_weak", Kind::PresentWeak),
    ("past", Kind::Past),
    ("negation", Kind::Negation),
];

/// The keys that hold tables of lists by reason (or, for `pair`, by part).
const TABLES: &[&str] = &["strong", "weak", "statement", "contextual", "pair"];

impl Kind {
    pub fn is_danger(self) -> bool {
        matches!(
            self,
            Kind::Strong(_)
                | Kind::Weak(_)
                | Kind::Statement(_)
                | Kind::Contextual(_)
                | Kind::Pair(_)
        )
    }

    /// The lexicon's key and the reason or part ("" for the plain lists): how the build
    /// script writes a tag.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Kind::Strong(r) => ("strong", r.code()),
            Kind::Weak(r) => ("weak", r.code()),
            Kind::Statement(r) => ("statement", r.code()),
            Kind::Contextual(r) => ("contextual", r.code()),
            Kind::Pair(p) => ("pair", p.code()),
            plain => (
                LISTS
                    .iter()
                    .find(|(_, k)| *k == plain)
                    .map_or("", |(key, _)| *key),
                "",
            ),
        }
    }

    /// The kind [`Kind::names`] named.
    pub fn from_names(key: &str, reason: &str) -> Option<Self> {
        if reason.is_empty() {
            return LISTS.iter().find(|(k, _)| *k == key).map(|(_, kind)| *kind);
        }
        let why = || EmergencyReason::from_code(reason);
        match key {
            "strong" => why().map(Kind::Strong),
            "weak" => why().map(Kind::Weak),
            "statement" => why().map(Kind::Statement),
            "contextual" => why().map(Kind::Contextual),
            "pair" => PairPart::from_code(reason).map(Kind::Pair),
            _ => None,
        }
    }
}

/// One language of the lexicon: its code and its patterns (in lexicon syntax) by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexiconLanguage {
    pub code: String,
    pub patterns: Vec<(Kind, Vec<String>)>,
}

/// What is wrong with an emergency data file, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// Where: `language 3 (pl), strong.weapon`, `advice 2 (pl)`.
    pub place: String,
    pub problem: String,
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.place.is_empty() {
            f.write_str(&self.problem)
        } else {
            write!(f, "{}: {}", self.place, self.problem)
        }
    }
}

impl std::error::Error for SchemaError {}

fn error(place: impl Into<String>, problem: impl Into<String>) -> SchemaError {
    SchemaError {
        place: place.into(),
        problem: problem.into(),
    }
}

fn parse(source: &str) -> Result<toml::Table, SchemaError> {
    source
        .parse::<toml::Table>()
        .map_err(|e| error("", format!("not valid TOML: {e}")))
}

/// The `[[key]]` tables of a file that holds nothing else, each with its place (`key 1`).
fn tables_of<'a>(
    file: &'a toml::Table,
    key: &str,
) -> Result<Vec<(String, &'a toml::Table)>, SchemaError> {
    if let Some(other) = file.keys().find(|k| *k != key) {
        return Err(error(
            "",
            format!("unknown key {other:?} (only [[{key}]] tables)"),
        ));
    }
    file.get(key)
        .and_then(toml::Value::as_array)
        .ok_or_else(|| error("", format!("no [[{key}]] tables")))?
        .iter()
        .enumerate()
        .map(|(n, value)| {
            let place = format!("{key} {}", n + 1);
            match value.as_table() {
                Some(table) => Ok((place, table)),
                None => Err(error(place, "not a table")),
            }
        })
        .collect()
}

fn strings(value: &toml::Value, place: &str) -> Result<Vec<String>, SchemaError> {
    value
        .as_array()
        .ok_or_else(|| error(place, "not a list of phrases"))?
        .iter()
        .map(|p| {
            p.as_str()
                .map(str::to_owned)
                .ok_or_else(|| error(place, format!("a phrase is {}, not a string", p.type_str())))
        })
        .collect()
}

/// The languages of a lexicon in the format of `shared/kb/emergency.toml`, checked against
/// the schema: every key, reason and part known, every phrase a string. The patterns are
/// not checked here (`pattern::prepare` does).
pub fn read_lexicon(source: &str) -> Result<Vec<LexiconLanguage>, SchemaError> {
    let file = parse(source)?;
    let languages = tables_of(&file, "language")?;
    let mut out = Vec::with_capacity(languages.len());
    for (place, table) in languages {
        let code = table
            .get("code")
            .and_then(toml::Value::as_str)
            .ok_or_else(|| error(&place, "no code"))?
            .to_owned();
        let place = format!("{place} ({code})");
        let mut patterns = Vec::new();
        for (key, value) in table {
            if key == "code" {
                continue;
            }
            if let Some(kind) = Kind::from_names(key, "") {
                patterns.push((kind, strings(value, &format!("{place}, {key}"))?));
            } else if TABLES.contains(&key.as_str()) {
                let lists = value
                    .as_table()
                    .ok_or_else(|| error(&place, format!("{key} is not a table of lists")))?;
                for (reason, list) in lists {
                    let at = format!("{place}, {key}.{reason}");
                    let kind = Kind::from_names(key, reason).ok_or_else(|| {
                        error(
                            &at,
                            format!("{reason:?} is not a reason the detector knows"),
                        )
                    })?;
                    patterns.push((kind, strings(list, &at)?));
                }
            } else {
                return Err(error(&place, format!("unknown list {key:?}")));
            }
        }
        out.push(LexiconLanguage { code, patterns });
    }
    Ok(out)
}

/// The 999 advice in one language, as `shared/kb/emergency-advice.toml` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdviceEntry {
    /// ISO 639-1 code.
    pub language: String,
    /// The language's English name.
    pub name: String,
    pub text: String,
}

/// What every advice text must keep, whatever the language: the numbers and the services.
pub const ADVICE_MUST_KEEP: &[&str] = &["999", "55", "emergencySMS", "18000", "Relay UK"];

/// The advice file, checked: English first (the fallback for a language without advice),
/// each language once, each text keeping [`ADVICE_MUST_KEEP`].
pub fn read_advice(source: &str) -> Result<Vec<AdviceEntry>, SchemaError> {
    let file = parse(source)?;
    let entries = tables_of(&file, "advice")?;
    let mut out: Vec<AdviceEntry> = Vec::with_capacity(entries.len());
    for (n, (numbered, table)) in entries.into_iter().enumerate() {
        if let Some(key) = table
            .keys()
            .find(|k| !["language", "name", "text"].contains(&k.as_str()))
        {
            return Err(error(&numbered, format!("unknown key {key:?}")));
        }
        let field = |place: &str, key: &str| -> Result<String, SchemaError> {
            match table.get(key).and_then(toml::Value::as_str).map(str::trim) {
                Some(value) if !value.is_empty() => Ok(value.to_owned()),
                _ => Err(error(place, format!("no {key}"))),
            }
        };
        let language = field(&numbered, "language")?;
        let place = format!("{numbered} ({language})");
        let (name, text) = (field(&place, "name")?, field(&place, "text")?);
        if n == 0 && language != "en" {
            return Err(error(
                &place,
                "the first advice must be English (the fallback)",
            ));
        }
        if out.iter().any(|a| a.language == language) {
            return Err(error(&place, "a second advice for this language"));
        }
        if let Some(lost) = ADVICE_MUST_KEEP.iter().find(|k| !text.contains(*k)) {
            return Err(error(&place, format!("the text lacks {lost:?}")));
        }
        out.push(AdviceEntry {
            language,
            name,
            text,
        });
    }
    Ok(out)
}

/// Each language of the lexicon has advice (a signal names its language, and the citizen is
/// told what to do in it).
pub fn check_advice_covers(
    lexicon: &[LexiconLanguage],
    advice: &[AdviceEntry],
) -> Result<(), SchemaError> {
    match lexicon
        .iter()
        .find(|l| !advice.iter().any(|a| a.language == l.code))
    {
        Some(l) => Err(error(
            format!("language {:?}", l.code),
            "has phrases but no 999 advice in shared/kb/emergency-advice.toml",
        )),
        None => Ok(()),
    }
}
