//! FAQ engine benchmark (`cargo bench -p faq-reply --bench faq`): the median time to build the
//! bot (knowledge base parse, index, emergency automaton: the function's init work) and the
//! median time to answer one question of the eval sets. Medians, because these machines are
//! shared and noisy.

use bluelamp::faq::FaqBot;
use std::hint::black_box;
use std::time::{Duration, Instant};

const BUILD_RUNS: usize = 31;
const ANSWER_ROUNDS: usize = 21;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn questions() -> Vec<String> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let files = [
        format!("{root}/../shared/faq-eval/dev.jsonl"),
        format!("{root}/tests/faq-heldout.jsonl"),
    ];
    let mut out = Vec::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            eprintln!("(skipping {f}: not there)");
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
    let mut builds = Vec::with_capacity(BUILD_RUNS);
    for _ in 0..BUILD_RUNS {
        let t = Instant::now();
        let bot = FaqBot::with_default_kb();
        builds.push(t.elapsed());
        black_box(bot.is_ok());
    }
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
    let emergency_only: Vec<Duration> = qs
        .iter()
        .map(|q| {
            let t = Instant::now();
            black_box(bot.detector().detect(black_box(q)));
            t.elapsed()
        })
        .collect();
    let slowest = per_question.iter().max().copied().unwrap_or_default();
    println!(
        "faq bot build (KB parse + index + emergency automaton), median of {BUILD_RUNS}: {:?}",
        median(builds)
    );
    println!(
        "answer per question, median over {} answers of {} questions: {:?} (max {:?})",
        per_question.len(),
        qs.len(),
        median(per_question),
        slowest
    );
    println!(
        "emergency detection alone per question, median: {:?}",
        median(emergency_only)
    );
}
