//! Questions the bot could not answer (no topic, low confidence, or a request for a person),
//! kept for the force's content editors as keywords only: no text, digits, emails, addresses
//! or names. A port with an in-memory adapter; the DynamoDB adapter lives with the storage.

use super::text::fold;
use super::{FaqAnswer, FaqBot, Outcome};
use crate::domain::{ForceId, LanguageCode};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Mutex;

/// Why a question counts as unanswered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnansweredReason {
    /// No entry matched at all.
    NoTopic,
    /// Entries matched, none closely enough.
    LowConfidence,
    /// The citizen asked for a person.
    Handoff,
}

/// One unanswered question, without personal data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnansweredQuestion {
    pub force: ForceId,
    pub at: DateTime<Utc>,
    pub reason: UnansweredReason,
    /// Sorted, de-duplicated lower-case words of the question that are safe to keep.
    pub keywords: Vec<String>,
    /// The closest entry, if any matched.
    pub closest: Option<String>,
    pub confidence: f32,
    pub language: Option<LanguageCode>,
}

impl UnansweredQuestion {
    /// The record for an answer, or `None` when the bot answered (or it was an emergency,
    /// which the operator handles and which is no content gap).
    pub fn from_answer(
        bot: &FaqBot,
        force: ForceId,
        at: DateTime<Utc>,
        english: &str,
        answer: &FaqAnswer,
        language: Option<LanguageCode>,
    ) -> Option<Self> {
        let reason = match answer.outcome {
            Outcome::Emergency | Outcome::Answered | Outcome::Greeting => return None,
            Outcome::OperatorRequested => UnansweredReason::Handoff,
            Outcome::NotSure if answer.confidence <= 0.0 => UnansweredReason::NoTopic,
            Outcome::NotSure => UnansweredReason::LowConfidence,
        };
        let closest = answer.answer_id.clone().or_else(|| {
            (answer.confidence > 0.0)
                .then(|| answer.suggestions.first().map(|s| s.id.clone()))
                .flatten()
        });
        Some(Self {
            force,
            at,
            reason,
            keywords: redacted_keywords(english, |w| bot.known_word(w)),
            closest,
            confidence: answer.confidence,
            language,
        })
    }
}

/// Words after which a name or an address usually follows.
const NAME_CUES: &[&str] = &[
    "name",
    "called",
    "named",
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "im",
    "am",
    "live",
    "lives",
    "address",
    "at",
    "on",
    "road",
    "street",
    "son",
    "daughter",
    "husband",
    "wife",
    "partner",
    "neighbour",
    "friend",
    "boyfriend",
    "girlfriend",
    "brother",
    "sister",
    "mum",
    "dad",
];

/// The words of `text` that are safe to keep: words the knowledge base itself uses, and other
/// lower-case words of letters only. Dropped: anything with a digit, `@` or `/` (numbers,
/// postcodes, emails, addresses), capitalised words (names, places), the word after a name
/// cue ("my name is ..."), and words in scripts without case unless the knowledge base knows
/// them. Stop words are dropped as noise. The result is sorted so the sentence can't be
/// rebuilt.
pub fn redacted_keywords(text: &str, known: impl Fn(&str) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    let (mut previous, mut before_previous) = (String::new(), String::new());
    for raw in text.split_whitespace() {
        let token = raw.trim_matches(|c: char| !c.is_alphanumeric());
        let folded = fold(token);
        let word = folded.trim();
        let cue_before = NAME_CUES.contains(&previous.as_str())
            || (previous == "is" && before_previous == "name");
        before_previous = std::mem::replace(&mut previous, word.to_owned());
        if token.is_empty() || word.is_empty() || word.contains(' ') {
            continue;
        }
        if raw.contains(['@', '/']) || token.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        let is_known = known(word);
        let has_case = token.chars().any(|c| c.is_lowercase() || c.is_uppercase());
        let capitalised = token.chars().next().is_some_and(char::is_uppercase);
        let keep = is_known || (has_case && !capitalised && !cue_before && word.len() <= 20);
        if keep && word.chars().count() >= 3 && !super::index::is_stopword(word) {
            out.push(word.to_owned());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Keeps the unanswered questions for the content editors.
#[async_trait]
pub trait UnansweredLog: Send + Sync {
    async fn record(&self, question: UnansweredQuestion) -> Result<(), UnansweredLogError>;
    /// The newest records of a force, newest first.
    async fn recent(
        &self,
        force: &ForceId,
        limit: usize,
    ) -> Result<Vec<UnansweredQuestion>, UnansweredLogError>;
}

#[derive(Debug, thiserror::Error)]
pub enum UnansweredLogError {
    #[error("the unanswered-question store is unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// An in-memory log, for tests and the local gateway; keeps the newest `capacity` records.
pub struct InMemoryUnansweredLog {
    capacity: usize,
    items: Mutex<Vec<UnansweredQuestion>>,
}

impl InMemoryUnansweredLog {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            items: Mutex::new(Vec::new()),
        }
    }
}

impl Default for InMemoryUnansweredLog {
    fn default() -> Self {
        Self::new(10_000)
    }
}

#[async_trait]
impl UnansweredLog for InMemoryUnansweredLog {
    async fn record(&self, question: UnansweredQuestion) -> Result<(), UnansweredLogError> {
        let mut items = self
            .items
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if items.len() >= self.capacity && !items.is_empty() {
            items.remove(0);
        }
        items.push(question);
        Ok(())
    }

    async fn recent(
        &self,
        force: &ForceId,
        limit: usize,
    ) -> Result<Vec<UnansweredQuestion>, UnansweredLogError> {
        let items = self
            .items
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(items
            .iter()
            .rev()
            .filter(|q| &q.force == force)
            .take(limit)
            .cloned()
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keywords(text: &str) -> Vec<String> {
        redacted_keywords(text, |w| ["weather", "passport"].contains(&w))
    }

    #[test]
    fn redaction_drops_numbers_emails_postcodes_and_names() {
        let k = keywords(
            "My name is John Smith, I live at 12 Acacia Road SW1A 1AA, email john@x.com, call 07700900123 about my passport renewal",
        );
        assert_eq!(
            k,
            vec!["call", "email", "live", "name", "passport", "renewal"]
        );
        assert!(keywords("my name is john smith")
            .iter()
            .all(|w| w != "john"));
    }

    #[test]
    fn redaction_keeps_topic_words_and_sorts_them() {
        let k = keywords("What's the weather going to be like tomorrow?");
        assert!(k.contains(&"weather".to_owned()), "{k:?}");
        assert!(!k.iter().any(|w| w.chars().any(|c| c.is_ascii_digit())));
        let mut sorted = k.clone();
        sorted.sort();
        assert_eq!(k, sorted);
    }

    #[test]
    fn words_without_case_are_kept_only_when_known() {
        assert!(keywords("گذرنامه احمد").is_empty());
    }

    #[tokio::test]
    async fn the_in_memory_log_returns_a_forces_newest_first() {
        let log = InMemoryUnansweredLog::new(2);
        let force = ForceId::parse("demo").unwrap();
        let other = ForceId::parse("other").unwrap();
        for (i, f) in [&force, &other, &force].into_iter().enumerate() {
            log.record(UnansweredQuestion {
                force: f.clone(),
                at: DateTime::<Utc>::from_timestamp(i as i64, 0).unwrap(),
                reason: UnansweredReason::NoTopic,
                keywords: vec![format!("k{i}")],
                closest: None,
                confidence: 0.0,
                language: None,
            })
            .await
            .unwrap();
        }
        let got = log.recent(&force, 10).await.unwrap();
        assert_eq!(got.len(), 1, "capacity 2 dropped the oldest");
        assert_eq!(got[0].keywords, vec!["k2"]);
    }
}
