//! The FAQ bot (issue 3): a knowledge base as data, matching that copes with how people
//! write, emergency detection that runs first, and the record of questions it couldn't answer.
//!
//! Build one [`FaqBot`] per process (it takes a few milliseconds) and call
//! [`FaqBot::answer`] for every citizen message. Nothing here logs or stores message text.

mod emergency;
mod index;
mod kb;
mod pattern;
mod phrase;
mod text;
mod unanswered;

pub use emergency::{
    emergency_advice, EmergencyAdvice, EmergencyDetector, EmergencyReason, EmergencySignal,
    LexiconError, DEFAULT_LEXICON, EMERGENCY_ADVICE,
};
pub use kb::{Entry, ForceProfile, KbError, KnowledgeBase, Messages, DEFAULT_KB};
pub use phrase::PhraseError;
pub use unanswered::{
    InMemoryUnansweredLog, UnansweredLog, UnansweredLogError, UnansweredQuestion, UnansweredReason,
};

use index::{Index, Scored};
use phrase::PhraseSet;
use serde::Serialize;
use text::{fold, words};

/// Below this confidence the bot says it is not sure, offers topics and an operator.
pub const CONFIDENCE_THRESHOLD: f32 = 0.45;
/// A second topic in a multi-question message must reach this on its own sentence.
const ALSO_THRESHOLD: f32 = 0.6;
/// Scale of the map from a BM25 score to a confidence in 0..1.
const SCORE_SCALE: f32 = 3.5;
/// How many topics the bot offers when it is not sure.
const SUGGESTIONS: usize = 3;
/// What the bot offers when nothing matched at all.
const DEFAULT_SUGGESTIONS: &[&str] = &["report-crime-online", "non-emergency-101", "police-matter"];

/// A citizen message as `faq-reply` sees it: the English text (the original, or Amazon
/// Translate's), and the original with its language when it was not English.
#[derive(Debug, Clone, Copy)]
pub struct Question<'a> {
    pub english: &'a str,
    pub original: Option<&'a str>,
    /// The chat's language code (`pl`, `pa-Arab`...), for the 999 advice.
    pub language: Option<&'a str>,
}

impl<'a> Question<'a> {
    /// A message written in English (or whose language is unknown).
    pub fn english(text: &'a str) -> Self {
        Self {
            english: text,
            original: None,
            language: None,
        }
    }

    /// A message in another language with its English translation.
    pub fn translated(english: &'a str, original: &'a str, language: &'a str) -> Self {
        Self {
            english,
            original: Some(original),
            language: Some(language),
        }
    }
}

/// What the bot did with a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Present danger: 999 advice, operator at the front of the queue.
    Emergency,
    /// A topic answer.
    Answered,
    /// The citizen asked for a person.
    OperatorRequested,
    /// No topic close enough: choices and an operator offered.
    NotSure,
    Greeting,
}

/// A topic the bot offers as a choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    pub id: String,
    pub topic: String,
}

/// The bot's reply to one message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FaqAnswer {
    pub outcome: Outcome,
    /// Set when the message describes present danger; the chat jumps the operator queue.
    pub emergency: Option<EmergencySignal>,
    /// Offer (or bring in) an operator.
    pub handoff: bool,
    /// The entry answered, if any (`emergency-999` for the 999 advice).
    pub answer_id: Option<String>,
    /// Further entries answered in a message that asked several things.
    pub also: Vec<String>,
    /// The text to send to the citizen.
    pub answer: Option<String>,
    pub links: Vec<String>,
    /// How sure the bot is of the topic, 0..1.
    pub confidence: f32,
    /// Topics offered as choices when the bot is not sure.
    pub suggestions: Vec<Suggestion>,
}

/// Errors building the bot: all of them are faults of the shipped or configured data.
#[derive(Debug, thiserror::Error)]
pub enum BotError {
    #[error(transparent)]
    KnowledgeBase(#[from] KbError),
    #[error(transparent)]
    Lexicon(#[from] LexiconError),
    #[error("a handoff phrase of the knowledge base is invalid")]
    Handoff(#[source] PhraseError),
}

/// A bot without its emergency detector yet (built on another thread).
pub struct PreparedBot {
    kb: KnowledgeBase,
    index: Index,
    handoff: PhraseSet<()>,
}

impl PreparedBot {
    pub fn with_detector(self, detector: EmergencyDetector) -> FaqBot {
        FaqBot {
            kb: self.kb,
            index: self.index,
            detector,
            handoff: self.handoff,
        }
    }
}

/// The FAQ bot: knowledge base, index and emergency detector, ready to answer.
pub struct FaqBot {
    kb: KnowledgeBase,
    index: Index,
    detector: EmergencyDetector,
    handoff: PhraseSet<()>,
}

/// Words that make up a greeting and nothing else.
const GREETING_WORDS: &[&str] = &[
    "hi",
    "hello",
    "hey",
    "hiya",
    "heya",
    "yo",
    "good",
    "morning",
    "afternoon",
    "evening",
    "there",
    "hello",
    "helo",
    "hii",
    "hallo",
    "greetings",
    "sup",
    "alright",
    "all",
    "right",
];

/// The shipped knowledge base and its topic index as `build.rs` read, checked and built them
/// (with `kb.rs` and `index.rs`): a function's start only copies them into place.
pub(crate) mod prepared {
    use super::index::{PreparedDoc, PreparedIndex};
    use super::kb::{Entry, ForceProfile, KnowledgeBase, Messages};
    use std::collections::BTreeMap;

    pub(super) fn knowledge_base() -> KnowledgeBase {
        include!(concat!(env!("OUT_DIR"), "/default_kb.rs"))
    }

    pub(crate) static INDEX: PreparedIndex =
        include!(concat!(env!("OUT_DIR"), "/default_index.rs"));
}

impl KnowledgeBase {
    /// The shipped knowledge base for the demo force ([`DEFAULT_KB`] as `build.rs` parsed and
    /// checked it: nothing is parsed at start).
    pub fn default_kb() -> Result<Self, KbError> {
        Ok(prepared::knowledge_base())
    }
}

impl FaqBot {
    /// The bot with the shipped knowledge base (demo force) and emergency lexicon.
    pub fn with_default_kb() -> Result<Self, BotError> {
        Ok(Self::prepare_default()?.with_detector(EmergencyDetector::new()?))
    }

    /// The bot for a loaded knowledge base, with the shipped emergency lexicon.
    pub fn new(kb: KnowledgeBase) -> Result<Self, BotError> {
        Self::with_detector(kb, EmergencyDetector::new()?)
    }

    /// The bot with an emergency detector built elsewhere: a function's start-up builds the
    /// detector and the topic index on different cores (see [`FaqBot::prepare`]).
    pub fn with_detector(kb: KnowledgeBase, detector: EmergencyDetector) -> Result<Self, BotError> {
        Ok(Self::prepare(kb)?.with_detector(detector))
    }

    /// Everything but the emergency detector: the topic index and the handoff phrases.
    pub fn prepare(kb: KnowledgeBase) -> Result<PreparedBot, BotError> {
        let index = Index::new(&kb);
        Self::prepare_with(kb, index)
    }

    /// [`FaqBot::prepare`] for the shipped knowledge base, whose index `build.rs` built.
    pub fn prepare_default() -> Result<PreparedBot, BotError> {
        Self::prepare_with(
            prepared::knowledge_base(),
            Index::from_prepared(&prepared::INDEX),
        )
    }

    fn prepare_with(kb: KnowledgeBase, index: Index) -> Result<PreparedBot, BotError> {
        let mut handoff = PhraseSet::builder();
        for p in &kb.handoff {
            handoff.add(p, ()).map_err(BotError::Handoff)?;
        }
        let handoff = handoff.build().map_err(BotError::Handoff)?;
        Ok(PreparedBot { kb, index, handoff })
    }

    pub fn knowledge_base(&self) -> &KnowledgeBase {
        &self.kb
    }

    pub fn detector(&self) -> &EmergencyDetector {
        &self.detector
    }

    /// Emergency detection alone, on the English text and the original.
    pub fn detect_emergency(&self, q: &Question<'_>) -> Option<EmergencySignal> {
        self.detector
            .detect_any(std::iter::once(q.english).chain(q.original))
    }

    /// Answers an English message (the CLI's and the tests' entry point).
    pub fn answer_text(&self, text: &str) -> FaqAnswer {
        self.answer(&Question::english(text))
    }

    /// Answers one citizen message: emergency first, then a request for a person, then the
    /// best topic, else "not sure" with choices and an operator.
    pub fn answer(&self, q: &Question<'_>) -> FaqAnswer {
        let topic = self.best_topic(q.english);
        if let Some(signal) = self.detect_emergency(q) {
            return self.emergency_answer(q, signal, topic);
        }
        let folded = fold(q.english);
        if self.handoff.any(&folded) {
            return self.operator_answer(topic);
        }
        if !folded.trim().is_empty() && words(&folded).all(|w| GREETING_WORDS.contains(&w)) {
            return FaqAnswer {
                outcome: Outcome::Greeting,
                emergency: None,
                handoff: false,
                answer_id: None,
                also: Vec::new(),
                answer: Some(self.kb.messages.greeting.clone()),
                links: Vec::new(),
                confidence: 1.0,
                suggestions: Vec::new(),
            };
        }
        match topic {
            Some(t) if t.confidence >= CONFIDENCE_THRESHOLD => self.topic_answer(t),
            other => self.not_sure_answer(q.english, other.map_or(0.0, |t| t.confidence)),
        }
    }

    fn emergency_answer(
        &self,
        q: &Question<'_>,
        signal: EmergencySignal,
        topic: Option<TopicMatch>,
    ) -> FaqAnswer {
        let language = q
            .language
            .filter(|l| !l.starts_with("en"))
            .unwrap_or(signal.language);
        let advice = emergency_advice(language);
        let mut text = advice.text.to_owned();
        if advice.language != "en" {
            text.push_str("\n\n");
            text.push_str(emergency_advice("en").text);
        }
        let mut links = Vec::new();
        if let Some(t) = topic.filter(|t| t.confidence >= CONFIDENCE_THRESHOLD) {
            let entry = &self.kb.entries[t.entry];
            text.push_str("\n\n");
            text.push_str(&entry.answer);
            links.clone_from(&entry.links);
        }
        FaqAnswer {
            outcome: Outcome::Emergency,
            emergency: Some(signal),
            handoff: true,
            answer_id: Some("emergency-999".to_owned()),
            also: Vec::new(),
            answer: Some(text),
            links,
            confidence: 1.0,
            suggestions: Vec::new(),
        }
    }

    fn operator_answer(&self, topic: Option<TopicMatch>) -> FaqAnswer {
        let offer = &self.kb.messages.operator_offer;
        let confidence = topic.as_ref().map_or(0.0, |t| t.confidence);
        match topic.filter(|t| t.confidence >= CONFIDENCE_THRESHOLD) {
            Some(t) => {
                let mut a = self.topic_answer(t);
                a.outcome = Outcome::OperatorRequested;
                a.handoff = true;
                a.answer = a.answer.map(|text| format!("{text}\n\n{offer}"));
                a
            }
            None => FaqAnswer {
                outcome: Outcome::OperatorRequested,
                emergency: None,
                handoff: true,
                answer_id: None,
                also: Vec::new(),
                answer: Some(offer.clone()),
                links: Vec::new(),
                confidence,
                suggestions: Vec::new(),
            },
        }
    }

    fn topic_answer(&self, t: TopicMatch) -> FaqAnswer {
        let entry = &self.kb.entries[t.entry];
        let mut text = entry.answer.clone();
        let mut links = entry.links.clone();
        let mut also = Vec::new();
        for &i in &t.also {
            let other = &self.kb.entries[i];
            text.push_str("\n\n");
            text.push_str(&other.answer);
            for l in &other.links {
                if !links.contains(l) {
                    links.push(l.clone());
                }
            }
            also.push(other.id.clone());
        }
        FaqAnswer {
            outcome: Outcome::Answered,
            emergency: None,
            handoff: false,
            answer_id: Some(entry.id.clone()),
            also,
            answer: Some(text),
            links,
            confidence: t.confidence,
            suggestions: Vec::new(),
        }
    }

    fn not_sure_answer(&self, english: &str, confidence: f32) -> FaqAnswer {
        let terms = self.index.query_terms(english);
        let suggest = |e: &Entry| Suggestion {
            id: e.id.clone(),
            topic: e.topic.clone(),
        };
        let mut suggestions: Vec<Suggestion> = self
            .index
            .score(&terms)
            .into_iter()
            .take(SUGGESTIONS)
            .map(|s| suggest(&self.kb.entries[s.entry]))
            .collect();
        if suggestions.is_empty() {
            suggestions = DEFAULT_SUGGESTIONS
                .iter()
                .filter_map(|id| self.kb.entry(id))
                .map(suggest)
                .collect();
        }
        FaqAnswer {
            outcome: Outcome::NotSure,
            emergency: None,
            handoff: true,
            answer_id: None,
            also: Vec::new(),
            answer: Some(self.kb.messages.not_sure.clone()),
            links: Vec::new(),
            confidence,
            suggestions,
        }
    }

    /// The best entry for the text, with further entries for other sentences of a message
    /// that asks several things.
    fn best_topic(&self, english: &str) -> Option<TopicMatch> {
        let ranking = self.index.score(&self.index.query_terms(english));
        let best = *ranking.first()?;
        let mut also = Vec::new();
        let sentences: Vec<&str> = english
            .split(['?', '.', '!', ';', '\n'])
            .filter(|s| s.split_whitespace().count() >= 3)
            .collect();
        if sentences.len() >= 2 {
            for s in sentences {
                let Some(top) = self
                    .index
                    .score(&self.index.query_terms(s))
                    .first()
                    .copied()
                else {
                    continue;
                };
                if top.entry != best.entry
                    && !also.contains(&top.entry)
                    && confidence(top.score) >= ALSO_THRESHOLD
                    && also.len() < 2
                {
                    also.push(top.entry);
                }
            }
        }
        Some(TopicMatch {
            entry: best.entry,
            confidence: confidence_of(&ranking),
            also,
        })
    }

    /// The knowledge base's own words in `text`: what may be kept of an unanswered question.
    pub(crate) fn known_word(&self, w: &str) -> bool {
        self.index.knows(w)
    }

    /// The weighted stems the matcher sees in a text (after synonyms and typo correction).
    pub fn explain_terms(&self, english: &str) -> Vec<(String, f32)> {
        self.index.query_terms(english)
    }

    /// The score breakdown for a text: each entry id with its raw score and confidence, best
    /// first (for content editors tuning the knowledge base).
    pub fn explain(&self, english: &str) -> Vec<(String, f32, f32)> {
        self.index
            .score(&self.index.query_terms(english))
            .into_iter()
            .map(|s| {
                (
                    self.kb.entries[s.entry].id.clone(),
                    s.score,
                    confidence(s.score),
                )
            })
            .collect()
    }
}

#[derive(Debug, Clone)]
struct TopicMatch {
    entry: usize,
    confidence: f32,
    also: Vec<usize>,
}

fn confidence(score: f32) -> f32 {
    1.0 - (-score / SCORE_SCALE).exp()
}

/// Confidence of the best entry, lowered when the runner-up is nearly as good.
fn confidence_of(ranking: &[Scored]) -> f32 {
    let Some(best) = ranking.first() else {
        return 0.0;
    };
    let c = confidence(best.score);
    match ranking.get(1) {
        Some(second) if best.score > 0.0 => {
            let margin = (best.score - second.score) / best.score;
            c * (0.8 + 0.2 * margin)
        }
        _ => c,
    }
}

#[cfg(test)]
mod tests;
