//! The matcher: BM25 over Snowball-stemmed words of each entry's questions, with the
//! knowledge base's synonyms (slang, phrasings) mapped to one word on both sides and typos
//! corrected against the knowledge base's own vocabulary (`strsim`).
//!
//! The shipped knowledge base's index is built at build time (`shared/build.rs` includes this
//! file and writes [`Index::to_rust`]), so that a function's start only loads its tables
//! ([`Index::from_prepared`]); a force's own knowledge base is indexed at start.

use super::kb::KnowledgeBase;
use super::text::{fold, words};
use rust_stemmers::{Algorithm, Stemmer};
use std::collections::{HashMap, HashSet};

/// BM25 term-frequency saturation.
const K1: f32 = 1.2;
/// BM25 length normalisation; low because an entry's length says how many phrasings an
/// editor wrote, not how diffuse the topic is.
const B: f32 = 0.3;
/// Anchors count as this many occurrences in their entry.
const ANCHOR_TF: f32 = 3.0;
/// Score factor for an entry none of whose anchors the question mentions.
const NO_ANCHOR_FACTOR: f32 = 0.3;
/// Weight of a word the matcher had to correct.
const CORRECTED_WEIGHT: f32 = 0.7;
/// Score factor for an entry that only corrected words match: a guess built on guesses.
const CORRECTED_ONLY_FACTOR: f32 = 0.6;

/// Words that say nothing about the topic. Topic words that look common ("lost", "found",
/// "report") stay: their weight comes from how many entries use them.
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "anyone",
    "anything",
    "are",
    "arent",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "cant",
    "could",
    "couldnt",
    "did",
    "didnt",
    "do",
    "does",
    "doesnt",
    "doing",
    "dont",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "get",
    "gets",
    "getting",
    "got",
    "had",
    "hadnt",
    "has",
    "hasnt",
    "have",
    "havent",
    "having",
    "he",
    "hed",
    "hell",
    "hes",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "hows",
    "i",
    "id",
    "ill",
    "im",
    "ive",
    "if",
    "in",
    "into",
    "is",
    "isnt",
    "it",
    "its",
    "itself",
    "just",
    "lets",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "nor",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "ought",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "she",
    "shed",
    "shell",
    "shes",
    "should",
    "shouldnt",
    "so",
    "some",
    "such",
    "than",
    "that",
    "thats",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "theres",
    "these",
    "they",
    "theyd",
    "theyll",
    "theyre",
    "theyve",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "wasnt",
    "we",
    "wed",
    "well",
    "were",
    "weve",
    "werent",
    "what",
    "whats",
    "when",
    "whens",
    "where",
    "wheres",
    "which",
    "while",
    "who",
    "whos",
    "whom",
    "why",
    "with",
    "wont",
    "would",
    "wouldnt",
    "you",
    "youd",
    "youll",
    "youre",
    "youve",
    "your",
    "yours",
    "yourself",
    "hi",
    "hello",
    "hey",
    "please",
    "pls",
    "plz",
    "thanks",
    "thx",
    "cheers",
    "ok",
    "okay",
    "yes",
    "yeah",
    "yep",
    "no",
    "nope",
    "um",
    "erm",
    "hmm",
    "really",
    "actually",
    "basically",
    "literally",
    "like",
    "want",
    "wanted",
    "wants",
    "wanna",
    "need",
    "needs",
    "needed",
    "know",
    "knows",
    "think",
    "thought",
    "wondering",
    "wonder",
    "hope",
    "hoping",
    "may",
    "might",
    "must",
    "will",
    "shall",
    "anyway",
    "still",
    "even",
    "ever",
    "already",
    "quite",
    "bit",
    "lot",
    "lots",
    "much",
    "many",
    "something",
    "someone",
    "somebody",
    "thing",
    "things",
    "stuff",
    "way",
    "ask",
    "asking",
    "question",
    "questions",
    "query",
    "enquiry",
    "tell",
    "told",
    "say",
    "said",
    "saying",
    "let",
    "go",
    "going",
    "went",
    "gone",
    "come",
    "came",
    "make",
    "made",
    "done",
    "see",
    "saw",
    "seen",
    "look",
    "looking",
    "trying",
    "try",
    "tried",
    "give",
    "given",
    "take",
    "took",
    "taken",
    "put",
    "keep",
    "kept",
    "sure",
    "unsure",
    "maybe",
    "perhaps",
    "u",
    "ur",
    "today",
    "tomorrow",
    "yesterday",
    "tonight",
    "night",
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "ago",
    "last",
    "next",
    "time",
    "times",
    "now",
    "morning",
    "evening",
    "afternoon",
    "weekend",
    "police",
    "cops",
    "anybody",
    "everyone",
    "people",
    "guys",
    "hiya",
    "mate",
    "advice",
    "help",
    "hey",
    "there",
    "one",
    "two",
    "three",
    "able",
    "happen",
    "happened",
    "happens",
    "since",
    "ive",
    "via",
    "whether",
    "because",
    "cos",
    "coz",
    "though",
    "already",
];

/// Folded words written with a capital inside a sentence: names and places, which are never
/// "corrected" into topic words.
fn proper_nouns(text: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    let mut sentence_start = true;
    for raw in text.split_whitespace() {
        let token = raw.trim_matches(|c: char| !c.is_alphanumeric());
        if !sentence_start && token.chars().next().is_some_and(char::is_uppercase) {
            out.insert(fold(token).trim().to_owned());
        }
        sentence_start = raw.ends_with(['.', '!', '?']);
    }
    out
}

/// An index's tables as `build.rs` writes them ([`Index::to_rust`]).
pub(crate) struct PreparedIndex {
    /// Folded phrase → canonical word.
    pub synonyms: &'static [(&'static str, &'static str)],
    pub max_phrase_words: usize,
    pub docs: &'static [PreparedDoc],
    pub idf: &'static [(&'static str, f32)],
    pub avg_len: f32,
    pub vocabulary: &'static [&'static str],
}

/// One entry's terms as `build.rs` writes them.
pub(crate) struct PreparedDoc {
    pub tf: &'static [(&'static str, f32)],
    pub len: f32,
    pub anchors: &'static [&'static str],
}

/// Vocabulary words by first letter (those of four letters or more), the candidates for
/// typo correction, each list sorted.
fn by_initial(vocabulary: &HashSet<String>) -> HashMap<char, Vec<String>> {
    let mut by_initial: HashMap<char, Vec<String>> = HashMap::new();
    for w in vocabulary {
        if w.chars().count() >= 4 && w.chars().all(char::is_alphabetic) {
            if let Some(c) = w.chars().next() {
                by_initial.entry(c).or_default().push(w.clone());
            }
        }
    }
    for list in by_initial.values_mut() {
        list.sort();
    }
    by_initial
}

/// Whether a folded word is a stop word of the matcher.
pub(crate) fn is_stopword(w: &str) -> bool {
    STOPWORDS.contains(&w)
}

/// Tokenisation shared by the index and the queries.
pub(crate) struct Analyzer {
    stemmer: Stemmer,
    /// Folded phrase (words joined by one space) → canonical word.
    synonyms: HashMap<String, String>,
    max_phrase_words: usize,
    stopwords: HashSet<&'static str>,
}

impl Analyzer {
    fn with_synonyms(synonyms: HashMap<String, String>, max_phrase_words: usize) -> Self {
        Self {
            stemmer: Stemmer::create(Algorithm::English),
            synonyms,
            max_phrase_words,
            stopwords: STOPWORDS.iter().copied().collect(),
        }
    }

    pub(crate) fn new(kb: &KnowledgeBase) -> Self {
        let mut synonyms = HashMap::new();
        let mut max_phrase_words = 1;
        for (canonical, variants) in &kb.synonyms {
            let canonical = fold(canonical).trim().replace(' ', "");
            for v in variants.iter().chain(std::iter::once(&canonical)) {
                let v = fold(v).trim().to_owned();
                max_phrase_words = max_phrase_words.max(v.split(' ').count());
                synonyms.insert(v, canonical.clone());
            }
        }
        Self::with_synonyms(synonyms, max_phrase_words)
    }

    /// The words of `words` with synonym phrases replaced by their canonical word (longest
    /// phrase first), each with the weight it came in with.
    fn canonical(&self, words: &[(String, f32)]) -> Vec<(String, f32)> {
        let mut out = Vec::with_capacity(words.len());
        let mut i = 0;
        'outer: while i < words.len() {
            let longest = self.max_phrase_words.min(words.len() - i);
            for n in (1..=longest).rev() {
                let phrase = words[i..i + n]
                    .iter()
                    .map(|(w, _)| w.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                if let Some(c) = self.synonyms.get(&phrase) {
                    let weight = words[i..i + n].iter().map(|w| w.1).fold(1.0, f32::min);
                    out.push((c.clone(), weight));
                    i += n;
                    continue 'outer;
                }
            }
            out.push(words[i].clone());
            i += 1;
        }
        out
    }

    pub(crate) fn is_stopword(&self, w: &str) -> bool {
        self.stopwords.contains(w)
    }

    fn stem(&self, w: &str) -> String {
        self.stemmer.stem(w).into_owned()
    }

    /// Stems of the content words of `words`, weights kept.
    fn terms(&self, words: &[(String, f32)]) -> Vec<(String, f32)> {
        self.canonical(words)
            .into_iter()
            .filter(|(w, _)| !self.is_stopword(w))
            .map(|(w, weight)| (self.stem(&w), weight))
            .collect()
    }

    /// Stems of the content words of free text, for building the index.
    fn text_terms(&self, text: &str) -> Vec<String> {
        let ws: Vec<(String, f32)> = words(&fold(text)).map(|w| (w.to_owned(), 1.0)).collect();
        self.terms(&ws).into_iter().map(|(t, _)| t).collect()
    }
}

#[derive(Debug, PartialEq)]
struct Doc {
    tf: HashMap<String, f32>,
    len: f32,
    anchors: HashSet<String>,
}

/// A scored entry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Scored {
    pub entry: usize,
    pub score: f32,
}

/// The search index over a knowledge base's entries.
pub(crate) struct Index {
    analyzer: Analyzer,
    docs: Vec<Doc>,
    idf: HashMap<String, f32>,
    avg_len: f32,
    /// Every folded word the knowledge base uses (for telling a typo from a known word).
    vocabulary: HashSet<String>,
    /// Vocabulary words by first letter, the candidates for typo correction.
    by_initial: HashMap<char, Vec<String>>,
}

impl Index {
    pub(crate) fn new(kb: &KnowledgeBase) -> Self {
        let analyzer = Analyzer::new(kb);
        let mut docs = Vec::with_capacity(kb.entries.len());
        let mut vocabulary: HashSet<String> = STOPWORDS.iter().map(|s| s.to_string()).collect();
        let mut add_vocab = |text: &str| {
            for w in words(&fold(text)) {
                if !vocabulary.contains(w) {
                    vocabulary.insert(w.to_owned());
                }
            }
        };
        for variants in kb.synonyms.values() {
            variants.iter().for_each(|v| add_vocab(v));
        }
        for e in &kb.entries {
            let mut tf: HashMap<String, f32> = HashMap::new();
            for text in std::iter::once(&e.topic).chain(&e.questions) {
                add_vocab(text);
                for t in analyzer.text_terms(text) {
                    *tf.entry(t).or_default() += 1.0;
                }
            }
            let mut anchors = HashSet::new();
            for a in &e.anchors {
                add_vocab(a);
                for t in analyzer.text_terms(a) {
                    *tf.entry(t.clone()).or_default() += ANCHOR_TF;
                    anchors.insert(t);
                }
            }
            let len = tf.values().sum();
            docs.push(Doc { tf, len, anchors });
        }
        let n = docs.len() as f32;
        let mut df: HashMap<String, f32> = HashMap::new();
        for d in &docs {
            for t in d.tf.keys() {
                *df.entry(t.clone()).or_default() += 1.0;
            }
        }
        let idf = df
            .into_iter()
            .map(|(t, df)| (t, (1.0 + (n - df + 0.5) / (df + 0.5)).ln()))
            .collect();
        let avg_len = docs.iter().map(|d| d.len).sum::<f32>() / n.max(1.0);
        let by_initial = by_initial(&vocabulary);
        Self {
            analyzer,
            docs,
            idf,
            avg_len,
            vocabulary,
            by_initial,
        }
    }

    /// The index `build.rs` prepared ([`Index::to_rust`]): its tables loaded, nothing
    /// folded or stemmed.
    pub(crate) fn from_prepared(p: &PreparedIndex) -> Self {
        let owned = |pairs: &[(&str, f32)]| -> HashMap<String, f32> {
            pairs.iter().map(|&(t, v)| (t.to_owned(), v)).collect()
        };
        let vocabulary: HashSet<String> = p.vocabulary.iter().map(|&w| w.to_owned()).collect();
        Self {
            analyzer: Analyzer::with_synonyms(
                p.synonyms
                    .iter()
                    .map(|&(v, c)| (v.to_owned(), c.to_owned()))
                    .collect(),
                p.max_phrase_words,
            ),
            docs: p
                .docs
                .iter()
                .map(|d| Doc {
                    tf: owned(d.tf),
                    len: d.len,
                    anchors: d.anchors.iter().map(|&a| a.to_owned()).collect(),
                })
                .collect(),
            idf: owned(p.idf),
            avg_len: p.avg_len,
            by_initial: by_initial(&vocabulary),
            vocabulary,
        }
    }

    /// The index as Rust source: a `PreparedIndex` expression, every table sorted (so that
    /// a build writes the same file each time), each `f32` written to round-trip exactly.
    #[allow(dead_code)] // by build.rs, which includes this file
    pub(crate) fn to_rust(&self) -> String {
        use std::fmt::Write as _;
        fn pairs<V: std::fmt::Debug>(map: &HashMap<String, V>) -> String {
            let mut sorted: Vec<_> = map.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            let items: Vec<String> = sorted
                .iter()
                .map(|(k, v)| format!("({k:?}, {v:?})"))
                .collect();
            format!("&[{}]", items.join(", "))
        }
        fn sorted_words<'a>(set: impl IntoIterator<Item = &'a String>) -> String {
            let mut sorted: Vec<&String> = set.into_iter().collect();
            sorted.sort();
            format!("&{sorted:?}")
        }
        let mut out = String::from("PreparedIndex {\n");
        let _ = writeln!(out, "    synonyms: {},", pairs(&self.analyzer.synonyms));
        let _ = writeln!(
            out,
            "    max_phrase_words: {},",
            self.analyzer.max_phrase_words
        );
        out.push_str("    docs: &[\n");
        for d in &self.docs {
            let _ = writeln!(
                out,
                "        PreparedDoc {{ tf: {}, len: {:?}, anchors: {} }},",
                pairs(&d.tf),
                d.len,
                sorted_words(&d.anchors)
            );
        }
        out.push_str("    ],\n");
        let _ = writeln!(out, "    idf: {},", pairs(&self.idf));
        let _ = writeln!(out, "    avg_len: {:?},", self.avg_len);
        let _ = writeln!(out, "    vocabulary: {},", sorted_words(&self.vocabulary));
        out.push_str("}\n");
        out
    }

    /// Whether the knowledge base uses this folded word.
    pub(crate) fn knows(&self, w: &str) -> bool {
        self.vocabulary.contains(w)
    }

    /// The query's weighted stems: unknown words corrected to the closest knowledge-base
    /// word when one is close enough, duplicates counted once.
    pub(crate) fn query_terms(&self, text: &str) -> Vec<(String, f32)> {
        let proper = proper_nouns(text);
        let folded = fold(text);
        let ws: Vec<(String, f32)> = words(&folded)
            .map(|w| match self.correct(w).filter(|_| !proper.contains(w)) {
                Some(fixed) => (fixed, CORRECTED_WEIGHT),
                None => (w.to_owned(), 1.0),
            })
            .collect();
        let mut terms: Vec<(String, f32)> = Vec::new();
        for (t, w) in self.analyzer.terms(&ws) {
            match terms.iter_mut().find(|(u, _)| *u == t) {
                Some(existing) => existing.1 = existing.1.max(w),
                None => terms.push((t, w)),
            }
        }
        terms
    }

    /// The closest vocabulary word to an unknown word, if it is close enough. Typos seldom
    /// touch the first letter, and in a short word seldom the second: demanding them keeps
    /// "france" from becoming "fiance".
    fn correct(&self, w: &str) -> Option<String> {
        let len = w.chars().count();
        if len < 5
            || self.vocabulary.contains(w)
            || !w.chars().all(char::is_alphabetic)
            || self.idf.contains_key(&self.analyzer.stem(w))
        {
            return None;
        }
        let max_dist = if len >= 7 { 2 } else { 1 };
        let first = w.chars().next()?;
        let candidates = self.by_initial.get(&first)?;
        let mut best: Option<(usize, usize, &String)> = None;
        for c in candidates {
            let clen = c.chars().count();
            if clen.abs_diff(len) > max_dist {
                continue;
            }
            if len <= 6 && c.chars().nth(1) != w.chars().nth(1) {
                continue;
            }
            let d = strsim::osa_distance(w, c);
            if d > max_dist {
                continue;
            }
            let key = (d, clen.abs_diff(len), c);
            if best.is_none_or(|b| (key.0, key.1) < (b.0, b.1)) {
                best = Some(key);
            }
        }
        best.map(|(_, _, c)| c.clone())
    }

    /// Every entry with a positive score for the terms, best first.
    pub(crate) fn score(&self, terms: &[(String, f32)]) -> Vec<Scored> {
        let mut out: Vec<Scored> = Vec::new();
        for (i, d) in self.docs.iter().enumerate() {
            let mut s = 0.0;
            let mut anchored = d.anchors.is_empty();
            let mut exact = false;
            for (t, w) in terms {
                let Some(tf) = d.tf.get(t) else { continue };
                exact |= *w >= 1.0;
                let idf = self.idf.get(t).copied().unwrap_or(0.0);
                let norm = K1 * (1.0 - B + B * d.len / self.avg_len);
                s += w * idf * tf * (K1 + 1.0) / (tf + norm);
                anchored |= d.anchors.contains(t);
            }
            if !anchored {
                s *= NO_ANCHOR_FACTOR;
            }
            if !exact {
                s *= CORRECTED_ONLY_FACTOR;
            }
            if s > 0.0 {
                out.push(Scored { entry: i, score: s });
            }
        }
        out.sort_by(|a, b| b.score.total_cmp(&a.score));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_prepared_at_build_time_is_the_one_built_at_start() {
        let kb = KnowledgeBase::default_kb().unwrap();
        let built = Index::new(&kb);
        let prepared = Index::from_prepared(&crate::faq::prepared::INDEX);
        assert_eq!(prepared.analyzer.synonyms, built.analyzer.synonyms);
        assert_eq!(
            prepared.analyzer.max_phrase_words,
            built.analyzer.max_phrase_words
        );
        assert_eq!(prepared.docs, built.docs);
        assert_eq!(prepared.idf, built.idf);
        assert_eq!(prepared.avg_len.to_bits(), built.avg_len.to_bits());
        assert_eq!(prepared.vocabulary, built.vocabulary);
        assert_eq!(prepared.by_initial, built.by_initial);
        assert_eq!(built.docs.len(), kb.entries.len());
        let q = prepared.query_terms("my bike got nicked from outside the shop");
        assert_eq!(
            q,
            built.query_terms("my bike got nicked from outside the shop")
        );
        assert_eq!(prepared.score(&q), built.score(&q));
    }
}
