//! FAQ engine benchmark (`cargo bench -p faq-reply --bench faq`): the median time to build the
//! bot (the shipped knowledge base and its index as prepared at build time, and the emergency
//! automaton: the function's init work), the same with the knowledge base parsed and indexed at
//! start (a force's own file), and the median time to answer one question of the eval sets.
//! Medians, because these machines are shared and noisy. `scripts/bench` collects the
//! `FIGURE` line.

use bluelamp::faq::{EmergencyDetector, FaqBot, KnowledgeBase};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const BUILD_RUNS: usize = 31;
const ANSWER_ROUNDS: usize = 21;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

/// Median wall time of `runs` calls.
fn time(runs: usize, f: impl Fn()) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

/// The eval questions: the shared set (found above the workspace) and the held-out set.
fn questions() -> Vec<String> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared: Option<PathBuf> = manifest
        .ancestors()
        .map(|dir| dir.join("shared/faq-eval/dev.jsonl"))
        .find(|p| p.is_file());
    let files = shared
        .into_iter()
        .chain([manifest.join("../../tests/faq-heldout.jsonl")]);
    let mut out = Vec::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            eprintln!("(skipping {}: not there)", f.display());
            continue;
        };
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(line) {
                if let Some(q) = v.get("q").and_then(|q| q.as_str()) {
                    out.push(q.to_owned());
                }
            }
        }
    }
    if out.is_empty() {
        out.push("How do I report a crime online?".to_owned());
    }
    out
}

fn main() {
    let build = time(BUILD_RUNS, || {
        black_box(FaqBot::with_default_kb().is_ok());
    });
    let kb_parse = time(BUILD_RUNS, || {
        black_box(KnowledgeBase::parse(bluelamp::faq::DEFAULT_KB, None).is_ok());
    });
    let prepared = time(BUILD_RUNS, || {
        black_box(FaqBot::prepare_default().is_ok());
    });
    let at_start = time(BUILD_RUNS, || {
        if let Ok(kb) = KnowledgeBase::parse(bluelamp::faq::DEFAULT_KB, None) {
            black_box(FaqBot::prepare(kb).is_ok());
        }
    });
    let lexicon = time(BUILD_RUNS, || {
        black_box(EmergencyDetector::new().is_ok());
    });
    let warm_up = time(BUILD_RUNS, || {
        if let Ok(d) = EmergencyDetector::new() {
            black_box(d.warm_up().is_ok());
        }
    });
    let bot = match FaqBot::with_default_kb() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("the bot does not build: {e}");
            std::process::exit(1);
        }
    };
    let qs = questions();
    let mut per_question = Vec::with_capacity(qs.len() * ANSWER_ROUNDS);
    for _ in 0..ANSWER_ROUNDS {
        for q in &qs {
            let t = Instant::now();
            black_box(bot.answer_text(black_box(q)));
            per_question.push(t.elapsed());
        }
    }
    let detection: Vec<Duration> = qs
        .iter()
        .map(|q| {
            let t = Instant::now();
            black_box(bot.detector().detect(black_box(q)));
            t.elapsed()
        })
        .collect();
    let slowest = per_question.iter().max().copied().unwrap_or_default();
    let answers = per_question.len();
    let per_question_median = median(per_question.clone());
    println!("medians of {BUILD_RUNS} runs:");
    println!(
        "bot build (knowledge base + index + emergency automaton): {:?}",
        build
    );
    println!(
        "  knowledge base and topic index as prepared at build time: {:?}",
        prepared
    );
    println!(
        "  the same parsed and indexed at start (a force's own file): {:?} (of which the parse {:?})",
        at_start, kb_parse
    );
    println!(
        "  emergency lexicon and Latin-script automaton alone: {:?}",
        lexicon
    );
    println!(
        "  the same plus the non-Latin automaton (compiled on first use): {:?}",
        warm_up
    );
    println!(
        "answer per question, median over {answers} answers of {} questions: {:?} (max {slowest:?})",
        qs.len(),
        per_question_median
    );
    let detection = median(detection);
    println!("emergency detection alone per question, median: {detection:?}");
    let us = |d: Duration| (d.as_secs_f64() * 1e9).round() / 1e3;
    println!(
        "FIGURE faq {{\"build_us\": {}, \"prepared_index_us\": {}, \"index_at_start_us\": {}, \
         \"kb_parse_us\": {}, \"lexicon_us\": {}, \"warm_up_us\": {}, \"answer_us\": {}, \
         \"detect_us\": {}}}",
        us(build),
        us(prepared),
        us(at_start),
        us(kb_parse),
        us(lexicon),
        us(warm_up),
        us(per_question_median),
        us(detection)
    );
}
