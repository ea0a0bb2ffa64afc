//! Splitting text to fit a provider's per-request byte limit: on sentence boundaries, then word
//! boundaries, then grapheme clusters, never inside a character (Unicode UAX #29 segmentation).

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

/// The smallest limit that still fits any single character (UTF-8 is at most 4 bytes).
const MIN_LIMIT: usize = 4;

/// Splits `text` into consecutive slices of at most `max_bytes` bytes each; concatenated, they
/// are exactly `text`. A slice ends at a sentence boundary whenever the sentence fits; a sentence
/// longer than the limit is split between words, a word longer than the limit between grapheme
/// clusters, and only a single grapheme cluster longer than the limit between characters.
/// Whitespace stays attached to the slice before it. A `max_bytes` below 4 is taken as 4.
pub fn split_for_requests(text: &str, max_bytes: usize) -> Vec<&str> {
    let max = max_bytes.max(MIN_LIMIT);
    if text.len() <= max {
        return vec![text];
    }
    let mut packer = Packer {
        max,
        done: Vec::new(),
        current: None,
    };
    packer.pack(text, 0, Level::Sentence);
    if let Some(last) = packer.current.take() {
        packer.done.push(last);
    }
    packer.done.into_iter().map(|r| &text[r]).collect()
}

#[derive(Clone, Copy)]
enum Level {
    Sentence,
    Word,
    Grapheme,
    Char,
}

impl Level {
    fn finer(self) -> Level {
        match self {
            Level::Sentence => Level::Word,
            Level::Word => Level::Grapheme,
            Level::Grapheme | Level::Char => Level::Char,
        }
    }

    /// The units of `text` at this level, as (byte offset, unit).
    fn units(self, text: &str) -> Vec<(usize, &str)> {
        match self {
            Level::Sentence => text.split_sentence_bound_indices().collect(),
            Level::Word => text.split_word_bound_indices().collect(),
            Level::Grapheme => text.grapheme_indices(true).collect(),
            Level::Char => text
                .char_indices()
                .map(|(i, c)| (i, &text[i..i + c.len_utf8()]))
                .collect(),
        }
    }
}

/// Greedy packing of contiguous units into ranges of at most `max` bytes.
struct Packer {
    max: usize,
    done: Vec<Range<usize>>,
    current: Option<Range<usize>>,
}

impl Packer {
    fn pack(&mut self, text: &str, base: usize, level: Level) {
        for (offset, unit) in level.units(text) {
            let unit_range = base + offset..base + offset + unit.len();
            match &mut self.current {
                Some(current) if unit_range.end - current.start <= self.max => {
                    current.end = unit_range.end;
                }
                _ if unit.len() <= self.max => {
                    if let Some(full) = self.current.replace(unit_range) {
                        self.done.push(full);
                    }
                }
                _ => {
                    // A unit too long for any request: close what we have so the long unit
                    // starts its own request, then split it at the next finer level.
                    if let Some(full) = self.current.take() {
                        self.done.push(full);
                    }
                    self.pack(unit, unit_range.start, level.finer());
                }
            }
        }
    }
}

/// Splits a slice into its leading whitespace, its content and its trailing whitespace, so that
/// only the content is sent and the original spacing between the parts is kept.
pub(crate) fn trim_parts(s: &str) -> (&str, &str, &str) {
    let content = s.trim();
    if content.is_empty() {
        return (s, "", "");
    }
    let lead = s.len() - s.trim_start().len();
    let end = lead + content.len();
    (&s[..lead], content, &s[end..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn assert_valid(text: &str, parts: &[&str], max: usize) {
        assert_eq!(parts.concat(), text, "parts must join back to the text");
        for p in parts {
            assert!(p.len() <= max, "part of {} bytes over {max}", p.len());
            assert!(!p.is_empty());
        }
    }

    #[test]
    fn short_text_is_one_part() {
        assert_eq!(
            split_for_requests("Dzień dobry.", 10_000),
            vec!["Dzień dobry."]
        );
        assert_eq!(split_for_requests("", 10_000), vec![""]);
    }

    #[test]
    fn long_text_splits_between_sentences() {
        let sentence = "Someone broke into my car last night on the high street. ";
        let text = sentence.repeat(400);
        let parts = split_for_requests(&text, 10_000);
        assert!(parts.len() >= 3);
        assert_valid(&text, &parts, 10_000);
        for p in &parts {
            assert!(p.ends_with(". "), "every part ends at a sentence end");
        }
    }

    #[test]
    fn sentence_boundaries_of_other_scripts_are_respected() {
        // Arabic question mark, Devanagari danda, Ethiopic full stop, ideographic full stop.
        for (sentence, sep) in [
            ("هل يمكنك مساعدتي؟ ", "؟ "),
            ("मेरी बाइक चोरी हो गई। ", "। "),
            ("ብሽግለተይ ተሰሪቑ። ", "። "),
            ("我的自行车被偷了。", "。"),
        ] {
            let text = sentence.repeat(200);
            let max = sentence.len() * 7 + 3;
            let parts = split_for_requests(&text, max);
            assert_valid(&text, &parts, max);
            for p in &parts {
                assert!(p.ends_with(sep), "{p:?} should end with {sep:?}");
            }
        }
    }

    #[test]
    fn a_sentence_longer_than_the_limit_splits_between_words() {
        let text = "word ".repeat(50) + "end.";
        let parts = split_for_requests(&text, 23);
        assert_valid(&text, &parts, 23);
        for p in &parts[..parts.len() - 1] {
            assert!(p.ends_with(' '), "{p:?} should end between words");
        }
    }

    #[test]
    fn a_word_longer_than_the_limit_splits_between_characters_never_inside_one() {
        let text = "ż".repeat(20); // two bytes each
        let parts = split_for_requests(&text, 5);
        assert_valid(&text, &parts, 5);
        assert!(parts.iter().all(|p| p.chars().all(|c| c == 'ż')));
    }

    #[test]
    fn grapheme_clusters_stay_whole_when_they_fit() {
        // A family emoji is one grapheme of several code points (25 bytes).
        let family = "👨\u{200d}👩\u{200d}👧\u{200d}👦";
        let text = family.repeat(4);
        let parts = split_for_requests(&text, 30);
        assert_valid(&text, &parts, 30);
        assert!(parts.iter().all(|p| *p == family));
    }

    #[test]
    fn trim_parts_keeps_spacing() {
        assert_eq!(trim_parts("  a b \n"), ("  ", "a b", " \n"));
        assert_eq!(trim_parts("ab"), ("", "ab", ""));
        assert_eq!(trim_parts(" \n "), (" \n ", "", ""));
    }

    proptest! {
        #[test]
        fn any_text_splits_into_parts_under_the_limit_that_join_back(
            text in "(\\PC|[ .!?\n。؟])*",
            max in 4usize..64,
        ) {
            let parts = split_for_requests(&text, max);
            prop_assert_eq!(parts.concat(), text.clone());
            for p in parts {
                prop_assert!(p.len() <= max);
            }
        }
    }
}
