//! The knowledge base: one TOML file per force (entries with their questions, answer and
//! links, plus synonyms and the bot's own messages), with `{placeholders}` for the force's
//! web addresses filled from a [`ForceProfile`] when it is loaded.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The knowledge base shipped with the service, for a generic force in England and Wales.
pub const DEFAULT_KB: &str = include_str!("../../kb/default.toml");

/// What a force configures: its name and web addresses, used to fill the placeholders
/// `{force_name}`, `{website}` and `{report_url}` of the knowledge base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForceProfile {
    pub force_name: String,
    /// The force's site, without a trailing slash.
    pub website: String,
    /// The online reporting page.
    pub report_url: String,
}

impl ForceProfile {
    /// The demo force that the local gateway serves.
    pub fn demo() -> Self {
        let website = "https://demo-force.police.example".to_owned();
        Self {
            force_name: "Demo Force Police".to_owned(),
            report_url: format!("{website}/report"),
            website,
        }
    }

    fn value(&self, placeholder: &str) -> Option<&str> {
        match placeholder {
            "force_name" => Some(&self.force_name),
            "website" => Some(self.website.trim_end_matches('/')),
            "report_url" => Some(&self.report_url),
            _ => None,
        }
    }
}

/// Everything that can be wrong with a knowledge base file. The messages name the entry.
#[derive(Debug, thiserror::Error)]
pub enum KbError {
    #[error("could not read the knowledge base file {path}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the knowledge base is not valid TOML for its schema")]
    Parse(#[source] toml::de::Error),
    #[error("entry {id:?}: {problem}")]
    Entry { id: String, problem: String },
    #[error("unknown placeholder {{{placeholder}}} in {place}")]
    Placeholder { placeholder: String, place: String },
    #[error("the knowledge base has no entries")]
    Empty,
}

/// One topic the bot can answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Stable id (`lost-property`): what analytics and tests refer to.
    pub id: String,
    /// The title shown when the bot offers topics to choose from.
    pub topic: String,
    /// Questions as people ask them; matching tolerates typos and rewording, so a dozen
    /// varied phrasings beat a hundred near-copies.
    pub questions: Vec<String>,
    /// Words that mark the topic: an entry whose anchors the question does not mention
    /// needs a much closer match to be chosen.
    #[serde(default)]
    pub anchors: Vec<String>,
    pub answer: String,
    pub links: Vec<String>,
}

/// The bot's own messages (not topics), with the same placeholders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Messages {
    /// Said when no topic is close enough; the closest topics follow as choices.
    pub not_sure: String,
    /// Said when the citizen asks for a person, or the bot hands over.
    pub operator_offer: String,
    /// Said to a greeting.
    pub greeting: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KbFile {
    #[serde(default)]
    force: Option<ForceProfile>,
    messages: Messages,
    #[serde(default)]
    handoff: Vec<String>,
    #[serde(default)]
    synonyms: BTreeMap<String, Vec<String>>,
    entry: Vec<Entry>,
}

/// A loaded, validated knowledge base with every placeholder filled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnowledgeBase {
    pub force: ForceProfile,
    pub entries: Vec<Entry>,
    pub messages: Messages,
    /// Phrases that ask for a person ("speak to someone"), in lexicon syntax.
    pub handoff: Vec<String>,
    /// Canonical word → the words and phrases people use for it.
    pub synonyms: BTreeMap<String, Vec<String>>,
}

impl KnowledgeBase {
    /// The knowledge base as a Rust expression that builds it (how `build.rs` writes the
    /// shipped one).
    #[allow(dead_code)] // by build.rs, which includes this file
    pub(crate) fn to_rust(&self) -> String {
        fn text(s: &str) -> String {
            format!("{s:?}.to_owned()")
        }
        fn texts(list: &[String]) -> String {
            let items: Vec<String> = list.iter().map(|s| text(s)).collect();
            format!("vec![{}]", items.join(", "))
        }
        let f = &self.force;
        let m = &self.messages;
        let entries: Vec<String> = self
            .entries
            .iter()
            .map(|e| {
                format!(
                    "Entry {{ id: {}, topic: {}, questions: {}, anchors: {}, answer: {}, links: {} }}",
                    text(&e.id),
                    text(&e.topic),
                    texts(&e.questions),
                    texts(&e.anchors),
                    text(&e.answer),
                    texts(&e.links)
                )
            })
            .collect();
        let synonyms: Vec<String> = self
            .synonyms
            .iter()
            .map(|(k, v)| format!("({}, {})", text(k), texts(v)))
            .collect();
        format!(
            "KnowledgeBase {{\n    force: ForceProfile {{ force_name: {}, website: {}, report_url: {} }},\n    \
             entries: vec![\n        {}\n    ],\n    \
             messages: Messages {{ not_sure: {}, operator_offer: {}, greeting: {} }},\n    \
             handoff: {},\n    synonyms: BTreeMap::from([\n        {}\n    ]),\n}}\n",
            text(&f.force_name),
            text(&f.website),
            text(&f.report_url),
            entries.join(",\n        "),
            text(&m.not_sure),
            text(&m.operator_offer),
            text(&m.greeting),
            texts(&self.handoff),
            synonyms.join(",\n        ")
        )
    }

    /// Loads a force's file. The force's addresses come from `force` if given, else from the
    /// file's `[force]` table, else the demo force's.
    pub fn from_path(path: &Path, force: Option<ForceProfile>) -> Result<Self, KbError> {
        let source = std::fs::read_to_string(path).map_err(|source| KbError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&source, force)
    }

    /// Parses and validates knowledge base TOML (see [`Self::from_path`] for `force`).
    pub fn parse(source: &str, force: Option<ForceProfile>) -> Result<Self, KbError> {
        let file: KbFile = toml::from_str(source).map_err(KbError::Parse)?;
        let force = force.or(file.force).unwrap_or_else(ForceProfile::demo);
        if file.entry.is_empty() {
            return Err(KbError::Empty);
        }
        let fill = |text: &str, place: &str| fill_placeholders(text, &force, place);
        let messages = Messages {
            not_sure: fill(&file.messages.not_sure, "messages.not_sure")?,
            operator_offer: fill(&file.messages.operator_offer, "messages.operator_offer")?,
            greeting: fill(&file.messages.greeting, "messages.greeting")?,
        };
        let mut entries = Vec::with_capacity(file.entry.len());
        let mut seen = std::collections::BTreeSet::new();
        for e in file.entry {
            let problem = |p: &str| KbError::Entry {
                id: e.id.clone(),
                problem: p.to_owned(),
            };
            let id_ok = !e.id.is_empty()
                && e.id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !id_ok {
                return Err(problem("id must be lower-case letters, digits and '-'"));
            }
            if !seen.insert(e.id.clone()) {
                return Err(problem("duplicate id"));
            }
            if e.topic.trim().is_empty() {
                return Err(problem("topic is empty"));
            }
            if e.questions.iter().all(|q| q.trim().is_empty()) {
                return Err(problem("no questions"));
            }
            if e.answer.trim().is_empty() {
                return Err(problem("answer is empty"));
            }
            if e.links.is_empty() {
                return Err(problem("no links"));
            }
            let place = format!("entry {}", e.id);
            let links = e
                .links
                .iter()
                .map(|l| fill(l, &place))
                .collect::<Result<Vec<_>, _>>()?;
            if let Some(bad) = links.iter().find(|l| !l.starts_with("https://")) {
                return Err(problem(&format!("link {bad:?} is not an https:// address")));
            }
            entries.push(Entry {
                answer: fill(&e.answer, &place)?,
                topic: fill(&e.topic, &place)?,
                links,
                ..e
            });
        }
        Ok(Self {
            force,
            entries,
            messages,
            handoff: file.handoff,
            synonyms: file.synonyms,
        })
    }

    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }
}

/// Replaces every `{name}` with the force's value; an unknown name is an error, so a
/// typo in a placeholder never reaches a citizen.
fn fill_placeholders(text: &str, force: &ForceProfile, place: &str) -> Result<String, KbError> {
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or_else(|| KbError::Placeholder {
            placeholder: after.chars().take(20).collect(),
            place: place.to_owned(),
        })?;
        let name = &after[..close];
        let value = force.value(name).ok_or_else(|| KbError::Placeholder {
            placeholder: name.to_owned(),
            place: place.to_owned(),
        })?;
        out.push_str(value);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    if out.contains('}') {
        return Err(KbError::Placeholder {
            placeholder: "}".to_owned(),
            place: place.to_owned(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_knowledge_base_prepared_at_build_time_is_the_file() {
        let parsed = KnowledgeBase::parse(DEFAULT_KB, None).unwrap();
        assert_eq!(KnowledgeBase::default_kb().unwrap(), parsed);
        assert!(parsed.entries.len() > 30 && !parsed.synonyms.is_empty());
    }

    const TINY: &str = r#"
[messages]
not_sure = "Not sure. Report online at {report_url}."
operator_offer = "An operator will join."
greeting = "Hello from {force_name}."

[[entry]]
id = "report"
topic = "Report a crime"
questions = ["how do I report a crime"]
answer = "Report at {report_url}."
links = ["{report_url}"]
"#;

    #[test]
    fn placeholders_are_filled_from_the_force() {
        let kb = KnowledgeBase::parse(TINY, None).unwrap();
        assert_eq!(
            kb.entries[0].links,
            vec!["https://demo-force.police.example/report"]
        );
        assert_eq!(kb.messages.greeting, "Hello from Demo Force Police.");
        let other = ForceProfile {
            force_name: "Other".into(),
            website: "https://other.example".into(),
            report_url: "https://other.example/r".into(),
        };
        let kb = KnowledgeBase::parse(TINY, Some(other)).unwrap();
        assert_eq!(kb.entries[0].answer, "Report at https://other.example/r.");
    }

    #[test]
    fn unknown_or_broken_placeholders_are_rejected() {
        let bad = TINY.replace("{report_url}.\"\nlinks", "{reprt_url}.\"\nlinks");
        let err = KnowledgeBase::parse(&bad, None).unwrap_err();
        assert!(err.to_string().contains("reprt_url"), "{err}");
        let bad = TINY.replace("Report at {report_url}.", "Report at {report_url.");
        assert!(KnowledgeBase::parse(&bad, None).is_err());
    }

    #[test]
    fn entries_need_an_answer_and_links() {
        let bad = TINY.replace("links = [\"{report_url}\"]", "links = []");
        assert!(KnowledgeBase::parse(&bad, None).is_err());
        let bad = TINY.replace("answer = \"Report at {report_url}.\"", "answer = \" \"");
        assert!(KnowledgeBase::parse(&bad, None).is_err());
    }
}
