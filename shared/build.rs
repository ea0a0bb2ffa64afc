//! Prepares the shipped emergency lexicon (`kb/emergency.toml`) and its 999 advice
//! (`kb/emergency-advice.toml`) at build time, both checked against their schema
//! (`src/faq/emergency/schema.rs`, which the detector reads a lexicon with too): a mistake
//! stops the build with the file, the place and the problem. Every pattern is
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

// The reasons the schema names are the domain's (`src/domain/emergency.rs`), reached from the
// schema as `crate::domain`.
#[path = "src/domain/emergency.rs"]
mod emergency_reason;

mod domain {
    pub(crate) use super::emergency_reason::{codes, EmergencyReason};
}

#[path = "src/faq/emergency/schema.rs"]
mod schema;

#[path = "src/faq/kb.rs"]
mod kb;

#[path = "src/faq/index.rs"]
mod index;

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Stops the build with a message that names the file and the place.
fn fail(file: &str, problem: impl std::fmt::Display) -> ! {
    eprintln!("error: {file}: {problem}");
    std::process::exit(1)
}

fn main() {
    let path = "kb/emergency.toml";
    let advice_path = "kb/emergency-advice.toml";
    for watched in [
        path,
        advice_path,
        "kb/default.toml",
        "src/faq/kb.rs",
        "src/faq/index.rs",
        "src/faq/text.rs",
        "src/faq/pattern.rs",
        "src/faq/emergency/schema.rs",
        "src/domain/emergency.rs",
    ] {
        println!("cargo:rerun-if-changed={watched}");
    }
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    prepare_knowledge_base(&out_dir);
    let read = |path: &str| {
        std::fs::read_to_string(path).unwrap_or_else(|e| fail(path, format!("unreadable: {e}")))
    };
    let languages = schema::read_lexicon(&read(path)).unwrap_or_else(|e| fail(path, e));
    let advice = schema::read_advice(&read(advice_path)).unwrap_or_else(|e| fail(advice_path, e));
    schema::check_advice_covers(&languages, &advice).unwrap_or_else(|e| fail(path, e));

    // (language, kind, reason) → index; phrase → its tags.
    let mut tags: Vec<(String, &str, &str)> = Vec::new();
    let mut phrases: BTreeMap<(String, u8), Vec<usize>> = BTreeMap::new();
    for language in &languages {
        for (kind, list) in &language.patterns {
            let (key, reason) = kind.names();
            let tag = (language.code.clone(), key, reason);
            let index = match tags.iter().position(|t| *t == tag) {
                Some(i) => i,
                None => {
                    tags.push(tag);
                    tags.len() - 1
                }
            };
            for p in list {
                let prepared = pattern::prepare(p).unwrap_or_else(|e| {
                    let place = if reason.is_empty() {
                        key.to_owned()
                    } else {
                        format!("{key}.{reason}")
                    };
                    fail(
                        path,
                        format!("{} {place}: pattern {p:?}: {e}", language.code),
                    )
                });
                for (text, bounds) in prepared {
                    phrases
                        .entry((text, bounds.bits()))
                        .or_default()
                        .push(index);
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
    std::fs::write(out_dir.join("emergency_lexicon.rs"), out)
        .expect("writing the prepared lexicon");

    // The advice, as the `EMERGENCY_ADVICE` slice of `faq::emergency`.
    let mut out = String::from("&[\n");
    for a in &advice {
        let _ = writeln!(
            out,
            "    EmergencyAdvice {{ language: {:?}, name: {:?}, text: {:?} }},",
            a.language, a.name, a.text
        );
    }
    out.push_str("]\n");
    std::fs::write(out_dir.join("emergency_advice.rs"), out).expect("writing the advice");

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

/// The shipped knowledge base (`kb/default.toml`) read and checked as at run time (the same
/// `src/faq/kb.rs`), and its topic index built (the same `src/faq/index.rs`): written as Rust
/// expressions, `$OUT_DIR/default_kb.rs` and `$OUT_DIR/default_index.rs`, so that the bot's
/// start folds and stems nothing. `faq`'s tests check both against what the file gives at run
/// time.
fn prepare_knowledge_base(out_dir: &std::path::Path) {
    let kb = kb::KnowledgeBase::parse(kb::DEFAULT_KB, None).unwrap_or_else(|e| {
        let cause = std::error::Error::source(&e).map_or(String::new(), |c| format!(": {c}"));
        fail("kb/default.toml", format!("{e}{cause}"))
    });
    std::fs::write(out_dir.join("default_kb.rs"), kb.to_rust())
        .expect("writing the prepared knowledge base");
    std::fs::write(
        out_dir.join("default_index.rs"),
        index::Index::new(&kb).to_rust(),
    )
    .expect("writing the prepared index");
}
