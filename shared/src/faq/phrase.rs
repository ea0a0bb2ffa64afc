//! Many-phrase matching on folded text (one Aho-Corasick automaton), with the word-boundary
//! rules of the lexicon files: used by emergency detection and by the "a person, please" check.

pub use super::pattern::Bounds;
use super::pattern::{prepare, PatternError};
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use daachorse::DoubleArrayAhoCorasick;
use std::borrow::Cow;
use std::collections::HashMap;

/// Clitics that Arabic writes joined to the next word ("and", "the", "with", "for"...), so a
/// pattern also matches after them without giving up word boundaries.
const ARABIC_CLITICS: &[&str] = &["و", "ف", "ب", "ل", "ال", "وال", "بال", "لل", "فال"];

/// A phrase hit: which tags the phrase carries and where it is in the folded text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit<T> {
    pub tag: T,
    pub start: usize,
    pub end: usize,
}

/// An error in a pattern of a lexicon.
#[derive(Debug, thiserror::Error)]
pub enum PhraseError {
    #[error("pattern {0:?} has an unbalanced or nested {{...}} group")]
    Group(String),
    #[error("pattern {0:?} expands to too many phrases")]
    TooMany(String),
    #[error("pattern {0:?} is empty after folding")]
    Empty(String),
    #[error("pattern {0:?} has a `*` inside it: only its last word may be a stem")]
    InnerStar(String),
    #[error("could not build the phrase automaton")]
    Build(#[source] aho_corasick::BuildError),
}

/// Builds a [`PhraseSet`].
pub struct PhraseSetBuilder<T> {
    /// Phrases read now are owned; those prepared at build time are borrowed for free.
    patterns: HashMap<(Cow<'static, str>, Bounds), Vec<T>, foldhash::fast::RandomState>,
}

impl<T: Copy> Default for PhraseSetBuilder<T> {
    fn default() -> Self {
        Self {
            patterns: HashMap::default(),
        }
    }
}

impl<T: Copy> PhraseSetBuilder<T> {
    /// Adds a pattern in lexicon syntax: words are matched whole, a trailing `*` makes the last
    /// word a prefix (a stem: `burgl*`), a leading `~` lets the match start inside a word, and
    /// `{a|b|c}` stands for each of its choices (`{man|someone} in my {house|garden}` is four
    /// phrases). Patterns in scripts written without spaces (Chinese) match anywhere.
    pub fn add(&mut self, pattern: &str, tag: T) -> Result<(), PhraseError> {
        let prepared = prepare(pattern).map_err(|e| match e {
            PatternError::Group => PhraseError::Group(pattern.to_owned()),
            PatternError::TooMany => PhraseError::TooMany(pattern.to_owned()),
            PatternError::Empty => PhraseError::Empty(pattern.to_owned()),
            PatternError::InnerStar => PhraseError::InnerStar(pattern.to_owned()),
        })?;
        for (folded, bounds) in prepared {
            self.push(folded, bounds, tag);
        }
        Ok(())
    }

    /// Adds a phrase prepared before (by `pattern::prepare`, at build time).
    pub fn push(&mut self, folded: impl Into<Cow<'static, str>>, bounds: Bounds, tag: T) {
        self.patterns
            .entry((folded.into(), bounds))
            .or_default()
            .push(tag);
    }

    /// Puts each phrase's tags in their natural order, so that two builders holding the same
    /// phrases and tags, read in different orders, build the same set.
    pub fn sort_tags(&mut self)
    where
        T: Ord,
    {
        for tags in self.patterns.values_mut() {
            tags.sort();
        }
    }

    /// Every phrase with its bounds and tags, in no particular order.
    #[cfg(test)]
    pub fn entries(&self) -> impl Iterator<Item = (&str, Bounds, &[T])> {
        self.patterns
            .iter()
            .map(|((text, bounds), tags)| (text.as_ref(), *bounds, tags.as_slice()))
    }

    /// Moves the patterns whose folded form is not ASCII (Cyrillic, Arabic, Indic, Chinese)
    /// into a builder of their own, so that they can be compiled separately.
    pub fn split_off_non_ascii(&mut self) -> PhraseSetBuilder<T> {
        let (ascii, other) = std::mem::take(&mut self.patterns)
            .into_iter()
            .partition(|((text, _), _)| text.is_ascii());
        self.patterns = ascii;
        PhraseSetBuilder { patterns: other }
    }

    pub fn build(&self) -> Result<PhraseSet<T>, PhraseError> {
        let mut texts = Vec::with_capacity(self.patterns.len());
        let mut meta = Vec::with_capacity(self.patterns.len());
        for ((text, bounds), tags) in &self.patterns {
            texts.push(text.as_ref());
            meta.push((*bounds, tags.clone()));
        }
        // The non-contiguous NFA builds fastest, which is what a Lambda's init needs; searching
        // short messages with it still takes microseconds.
        let automaton = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::NoncontiguousNFA))
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(&texts)
            .map_err(PhraseError::Build)?;
        Ok(PhraseSet {
            matcher: Matcher::Nfa(automaton),
            meta,
        })
    }
}

/// The automaton of a [`PhraseSet`]: an NFA compiled now, or a double array compiled at build
/// time and only loaded here.
enum Matcher {
    /// Pattern `i` is `meta[i]`.
    Nfa(AhoCorasick),
    /// Value `v` is the first of the `meta` entries of one phrase (one per set of bounds):
    /// `meta[v..ends[v]]`.
    DoubleArray {
        automaton: DoubleArrayAhoCorasick<u32>,
        ends: Vec<usize>,
    },
}

/// A compiled set of tagged phrases.
pub struct PhraseSet<T> {
    matcher: Matcher,
    meta: Vec<(Bounds, Vec<T>)>,
}

/// A phrase set's automaton, compiled at build time, could not be loaded.
#[derive(Debug, thiserror::Error)]
#[error("the phrase automaton compiled at build time does not load: {0}")]
pub struct LoadError(String);

impl<T: Copy> PhraseSet<T> {
    pub fn builder() -> PhraseSetBuilder<T> {
        PhraseSetBuilder::default()
    }

    /// A set whose double-array automaton was compiled at build time (`automaton`, from
    /// `DoubleArrayAhoCorasick::serialize`) over the distinct texts of `phrases`, in order,
    /// each with the index of its first entry as its value; `phrases` are sorted by text.
    pub fn prepared(
        automaton: &[u8],
        phrases: impl IntoIterator<Item = (&'static str, Bounds, Vec<T>)>,
    ) -> Result<Self, LoadError> {
        let (automaton, rest) = DoubleArrayAhoCorasick::<u32>::deserialize(automaton)
            .map_err(|e| LoadError(e.to_string()))?;
        if !rest.is_empty() {
            return Err(LoadError("bytes left after the automaton".into()));
        }
        let mut texts = Vec::new();
        let mut meta = Vec::new();
        for (text, bounds, tags) in phrases {
            texts.push(text);
            meta.push((bounds, tags));
        }
        // Where each phrase's entries end: the next entry with another text.
        let mut ends = vec![texts.len(); texts.len()];
        for i in (0..texts.len().saturating_sub(1)).rev() {
            ends[i] = if texts[i] == texts[i + 1] {
                ends[i + 1]
            } else {
                i + 1
            };
        }
        Ok(PhraseSet {
            matcher: Matcher::DoubleArray { automaton, ends },
            meta,
        })
    }

    /// Every hit in `folded` (the output of [`fold`]), overlapping ones included.
    pub fn hits(&self, folded: &str) -> Vec<Hit<T>> {
        let mut out = Vec::new();
        match &self.matcher {
            Matcher::Nfa(automaton) => {
                for m in automaton.find_overlapping_iter(folded) {
                    let i = m.pattern().as_usize();
                    self.hits_of(folded, i..i + 1, m.start(), m.end(), &mut out);
                }
            }
            Matcher::DoubleArray { automaton, ends } => {
                for m in automaton.find_overlapping_iter(folded) {
                    let first = m.value() as usize;
                    let end = ends.get(first).copied().unwrap_or(first);
                    self.hits_of(folded, first..end, m.start(), m.end(), &mut out);
                }
            }
        }
        out
    }

    /// The hits of the phrase entries `entries` matched at `start..end`, where their bounds
    /// allow.
    fn hits_of(
        &self,
        folded: &str,
        entries: std::ops::Range<usize>,
        start: usize,
        end: usize,
        out: &mut Vec<Hit<T>>,
    ) {
        let bytes = folded.as_bytes();
        for (bounds, tags) in self.meta.get(entries).unwrap_or_default() {
            let start_ok = (!bounds.start || start == 0 || bytes[start - 1] == b' ')
                && (!bounds.clitic_start || after_clitics(folded, start));
            let end_ok = !bounds.end || end == bytes.len() || bytes[end] == b' ';
            if start_ok && end_ok {
                out.extend(tags.iter().map(|&tag| Hit { tag, start, end }));
            }
        }
    }

    /// Whether any phrase occurs in `folded`.
    pub fn any(&self, folded: &str) -> bool {
        !self.hits(folded).is_empty()
    }
}

/// Whether `at` starts a word of `folded`, or follows a clitic that starts the word.
fn after_clitics(folded: &str, at: usize) -> bool {
    let word_start = folded[..at].rfind(' ').map_or(0, |i| i + 1);
    let before = &folded[word_start..at];
    before.is_empty() || ARABIC_CLITICS.contains(&before)
}

#[cfg(test)]
mod tests {
    use super::super::text::fold;
    use super::*;

    fn set(patterns: &[&str]) -> PhraseSet<usize> {
        let mut b = PhraseSet::builder();
        for (i, p) in patterns.iter().enumerate() {
            b.add(p, i).unwrap();
        }
        b.build().unwrap()
    }

    fn tags(s: &PhraseSet<usize>, text: &str) -> Vec<usize> {
        let mut t: Vec<usize> = s.hits(&fold(text)).into_iter().map(|h| h.tag).collect();
        t.sort();
        t.dedup();
        t
    }

    #[test]
    fn groups_expand_to_every_choice() {
        let s = set(&["{a man|someone} in my {house|garden}"]);
        assert_eq!(tags(&s, "there is a man in my garden"), vec![0]);
        assert_eq!(tags(&s, "someone in my house"), vec![0]);
        assert_eq!(tags(&s, "someone in my car"), Vec::<usize>::new());
        let mut b = PhraseSet::<usize>::builder();
        assert!(matches!(b.add("{a|b", 0), Err(PhraseError::Group(_))));
        assert!(matches!(b.add("a}b", 0), Err(PhraseError::Group(_))));
        b.add("x{|y}", 0).unwrap();
        let mut phrases: Vec<&str> = b.entries().map(|(t, _, _)| t).collect();
        phrases.sort();
        assert_eq!(phrases, ["x", "xy"]);
    }

    #[test]
    fn whole_words_do_not_match_inside_other_words() {
        let s = set(&["fire", "gun"]);
        assert_eq!(tags(&s, "fireworks begun"), Vec::<usize>::new());
        assert_eq!(tags(&s, "a FIRE, a gun!"), vec![0, 1]);
    }

    #[test]
    fn stems_match_word_starts() {
        let s = set(&["burgl*", "noż*"]);
        assert_eq!(tags(&s, "we were burgled"), vec![0]);
        assert_eq!(tags(&s, "grozi mi nożem"), vec![1]);
        assert_eq!(tags(&s, "antiburglar"), Vec::<usize>::new());
    }

    #[test]
    fn unspaced_scripts_match_anywhere_and_arabic_takes_clitics() {
        let s = set(&["救命", "الان", "سكين"]);
        assert_eq!(tags(&s, "救命！有人闯进我家"), vec![0]);
        assert_eq!(tags(&s, "زوجي يضربني الآن"), vec![1]);
        assert_eq!(tags(&s, "معه بسكين"), vec![2]);
    }
}
