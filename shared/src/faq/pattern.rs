//! Lexicon patterns made ready for matching: each `{a|b}` group expanded, each phrase folded
//! as messages are folded, and its word-boundary rules worked out. Used at run time for a
//! lexicon given as text, and at build time (`shared/build.rs`) to prepare the shipped
//! emergency lexicon once, so that a function's start only compiles the automaton. This file
//! depends on nothing but `text.rs` and std, so that the build script can include it.

use super::text::{fold, is_arabic_script, is_unspaced_script};

/// Where a phrase may match: at a word start, at a word end, or after an Arabic clitic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Bounds {
    pub start: bool,
    pub end: bool,
    /// At a word start, or after one of the Arabic clitics at a word start.
    pub clitic_start: bool,
}

impl Bounds {
    /// The three flags in one byte (how the build script writes them).
    #[allow(dead_code)] // by build.rs, which includes this file
    pub fn bits(self) -> u8 {
        u8::from(self.start) | u8::from(self.end) << 1 | u8::from(self.clitic_start) << 2
    }

    pub fn from_bits(bits: u8) -> Self {
        Self {
            start: bits & 1 != 0,
            end: bits & 2 != 0,
            clitic_start: bits & 4 != 0,
        }
    }
}

/// Why a pattern cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatternError {
    /// An unbalanced or nested `{...}` group.
    Group,
    /// More phrases than [`MAX_EXPANSION`].
    TooMany,
    /// Nothing left after folding.
    Empty,
    /// A `*` that does not end the pattern (`chciał* zgłosić`): only a last word can be a
    /// stem, and folding would drop the star, leaving a phrase that matches one spelling.
    InnerStar,
}

impl std::fmt::Display for PatternError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Group => "an unbalanced or nested {...} group",
            Self::TooMany => "it expands to too many phrases",
            Self::Empty => "nothing is left after folding",
            Self::InnerStar => {
                "a `*` inside it: only the last word may be a stem (write the forms as {a|b})"
            }
        })
    }
}

/// The most phrases one pattern may stand for.
pub const MAX_EXPANSION: usize = 512;

/// The phrases a pattern in lexicon syntax stands for, folded, with their bounds: words are
/// matched whole, a trailing `*` makes the last word a prefix (a stem: `burgl*`), a leading `~`
/// lets the match start inside a word, and `{a|b|c}` stands for each of its choices. Phrases
/// in scripts written without spaces (Chinese) match anywhere.
pub fn prepare(pattern: &str) -> Result<Vec<(String, Bounds)>, PatternError> {
    expand(pattern)?
        .iter()
        .map(|one| prepare_one(one))
        .collect()
}

fn prepare_one(expanded: &str) -> Result<(String, Bounds), PatternError> {
    let raw = expanded.trim();
    let (anywhere, raw) = match raw.strip_prefix('~') {
        Some(rest) => (true, rest),
        None => (false, raw),
    };
    let (prefix, raw) = match raw.strip_suffix('*') {
        Some(rest) => (true, rest),
        None => (false, raw),
    };
    if raw.contains('*') {
        return Err(PatternError::InnerStar);
    }
    let folded = fold(raw);
    let folded = folded.trim();
    if folded.is_empty() {
        return Err(PatternError::Empty);
    }
    let first = folded.chars().next().unwrap_or(' ');
    let last = folded.chars().last().unwrap_or(' ');
    let start = !anywhere && !is_unspaced_script(first);
    let arabic = is_arabic_script(first);
    let bounds = Bounds {
        start: start && !arabic,
        end: !prefix && !is_unspaced_script(last),
        clitic_start: start && arabic,
    };
    Ok((folded.to_owned(), bounds))
}

/// Every phrase a pattern with `{a|b}` groups stands for.
fn expand(pattern: &str) -> Result<Vec<String>, PatternError> {
    let mut out = vec![String::new()];
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let (literal, after) = rest.split_at(open);
        let close = after.find('}').ok_or(PatternError::Group)?;
        let group = &after[1..close];
        if group.contains('{') || literal.contains('}') {
            return Err(PatternError::Group);
        }
        let choices: Vec<&str> = group.split('|').collect();
        out = out
            .iter()
            .flat_map(|prefix| choices.iter().map(move |c| format!("{prefix}{literal}{c}")))
            .collect();
        if out.len() > MAX_EXPANSION {
            return Err(PatternError::TooMany);
        }
        rest = &after[close + 1..];
    }
    if rest.contains('}') {
        return Err(PatternError::Group);
    }
    for o in &mut out {
        o.push_str(rest);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_survive_their_byte() {
        for bits in 0..8 {
            assert_eq!(Bounds::from_bits(bits).bits(), bits);
        }
    }

    #[test]
    fn a_pattern_stands_for_each_choice_folded() {
        let got = prepare("{Man|someone} in my {house|garden}*").unwrap();
        let texts: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            texts,
            [
                "man in my house",
                "man in my garden",
                "someone in my house",
                "someone in my garden"
            ]
        );
        assert!(got.iter().all(|(_, b)| b.start && !b.end));
        assert_eq!(prepare("{a|b").unwrap_err(), PatternError::Group);
        assert_eq!(prepare("!!!").unwrap_err(), PatternError::Empty);
    }

    #[test]
    fn only_the_last_word_may_be_a_stem() {
        // Folding drops a star inside a pattern: "chciał* zgłosić" became "chcial zglosic",
        // which matched one spelling and none of the forms the star was meant for.
        for pattern in ["chciał* zgłosić", "{a*|b} c", "został* okradzion*"] {
            assert_eq!(
                prepare(pattern).unwrap_err(),
                PatternError::InnerStar,
                "{pattern}"
            );
        }
        let stem = prepare("{został|zostałam} okradzion*").unwrap();
        assert_eq!(stem.len(), 2);
        assert!(stem.iter().all(|(_, b)| !b.end));
        assert!(prepare("{burgl*|rob*}")
            .unwrap()
            .iter()
            .all(|(_, b)| !b.end));
    }
}
