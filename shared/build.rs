//! Prepares the shipped emergency lexicon (`kb/emergency.toml`) at build time: every pattern
//! expanded and folded exactly as at run time (the same `src/faq/pattern.rs` and `text.rs`),
//! written to `$OUT_DIR/emergency_lexicon.rs` as two tables. A function's start then compiles
//! only the automaton, instead of parsing TOML and expanding some 6,000 phrases first.
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
    let dest = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR"))
        .join("emergency_lexicon.rs");
    std::fs::write(dest, out).expect("writing the prepared lexicon");
}
