//! Prepares the shipped emergency lexicon (`kb/emergency.toml`) at build time: every pattern
//! expanded and folded exactly as at run time (the same `src/faq/pattern.rs` and `text.rs`),
//! written to `$OUT_DIR/emergency_lexicon.rs` as two tables, and the Latin-script phrases'
//! automaton compiled (a double array, `$OUT_DIR/emergency_latin.daac`). A function's start
//! then only loads it, instead of parsing TOML, expanding some 6,000 phrases and compiling.
//! `faq::emergency`'s tests check that the tables equal what the TOML gives at run time.

#![allow(dead_code)]

#[path = "src/faq/text.rs"]
mod text;

#[path = "src/faq/pattern.rs"]
mod pattern;

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The lists of one language that hold phrases directly, and the tables of lists by reason
/// or part; the same keys as `LanguageLexicon` in `src/faq/emergency.rs`.
const LISTS: &[&str] = &[
    "cry",
    "cry_weak",
    "present",
    "present_weak",
    "past",
    "negation",
];
const TABLES: &[&str] = &["strong", "weak", "statement", "contextual", "pair"];

fn main() {
    let path = "kb/emergency.toml";
    println!("cargo:rerun-if-changed={path}");
    println!("cargo:rerun-if-changed=src/faq/text.rs");
    println!("cargo:rerun-if-changed=src/faq/pattern.rs");
    let source = std::fs::read_to_string(path).expect("kb/emergency.toml is readable");
    let file: toml::Table = source.parse().expect("kb/emergency.toml is TOML");

    // (language, kind, reason) → index; phrase → its tags.
    let mut tags: Vec<(String, String, String)> = Vec::new();
    let mut phrases: BTreeMap<(String, u8), Vec<usize>> = BTreeMap::new();
    let languages = file
        .get("language")
        .and_then(|l| l.as_array())
        .expect("[[language]] tables");
    for language in languages {
        let language = language.as_table().expect("a [[language]] table");
        let code = language
            .get("code")
            .and_then(|c| c.as_str())
            .expect("each language has a code");
        let mut add = |kind: &str, reason: &str, list: &toml::Value| {
            let tag = (code.to_owned(), kind.to_owned(), reason.to_owned());
            let index = match tags.iter().position(|t| *t == tag) {
                Some(i) => i,
                None => {
                    tags.push(tag);
                    tags.len() - 1
                }
            };
            for p in list.as_array().expect("a list of phrases") {
                let p = p.as_str().expect("a phrase is a string");
                // A bad pattern is reported by the run-time parse (with its language), which
                // the tests run on the same file: here it is left out.
                for (text, bounds) in pattern::prepare(p).unwrap_or_default() {
                    phrases
                        .entry((text, bounds.bits()))
                        .or_default()
                        .push(index);
                }
            }
        };
        for kind in LISTS {
            if let Some(list) = language.get(*kind) {
                add(kind, "", list);
            }
        }
        for kind in TABLES {
            if let Some(table) = language.get(*kind).and_then(|t| t.as_table()) {
                for (reason, list) in table {
                    add(kind, reason, list);
                }
            }
        }
    }

    let mut out = String::new();
    out.push_str("/// (language, kind, reason or part): the tags the phrases carry.\n");
    out.push_str("pub static TAGS: &[(&str, &str, &str)] = &[\n");
    for (language, kind, reason) in &tags {
        let _ = writeln!(out, "    ({language:?}, {kind:?}, {reason:?}),");
    }
    out.push_str("];\n\n/// (folded phrase, `Bounds::bits`, indexes into `TAGS`).\n");
    out.push_str("pub static PHRASES: &[(&str, u8, &[u16])] = &[\n");
    for ((text, bits), indexes) in &phrases {
        let _ = writeln!(out, "    ({text:?}, {bits}, &{indexes:?}),");
    }
    out.push_str("];\n");
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out_dir.join("emergency_lexicon.rs"), out)
        .expect("writing the prepared lexicon");

    // The Latin-script phrases (those that fold to ASCII; the others are compiled on first
    // use), as `PHRASES` lists them: one pattern per distinct text, whose value is the index of
    // its first entry among them.
    let latin: Vec<&str> = phrases
        .keys()
        .map(|(text, _)| text.as_str())
        .filter(|text| text.is_ascii())
        .collect();
    let mut patterns: Vec<(&str, u32)> = Vec::new();
    for (i, text) in latin.iter().enumerate() {
        if patterns.last().map(|(t, _)| t) != Some(text) {
            patterns.push((text, u32::try_from(i).expect("fewer than 2^32 phrases")));
        }
    }
    let automaton = daachorse::DoubleArrayAhoCorasick::<u32>::with_values(patterns)
        .expect("the Latin-script phrases compile");
    std::fs::write(out_dir.join("emergency_latin.daac"), automaton.serialize())
        .expect("writing the compiled automaton");
}
