//! `faq-cli`: one question per line on stdin, one JSON answer per line on stdout, in the
//! contract of `shared/faq-eval/score.py`. For content editors and the evaluation.
//!
//! Usage: `faq-cli [--kb PATH] [--full] [--explain]`
//!   --kb PATH   a force's knowledge base file instead of the shipped one
//!   --full      print every field of the answer (suggestions, reason codes...)
//!   --explain   also print the top scoring entries on stderr

use bluelamp::faq::{FaqBot, KnowledgeBase};
use serde::Serialize;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// The fields `score.py` reads.
#[derive(Serialize)]
struct EvalLine<'a> {
    emergency: bool,
    handoff: bool,
    answer_id: Option<&'a str>,
    answer: Option<&'a str>,
    links: &'a [String],
    confidence: f32,
}

struct Options {
    kb: Option<PathBuf>,
    full: bool,
    explain: bool,
}

fn parse_args() -> Result<Options, String> {
    let mut options = Options {
        kb: None,
        full: false,
        explain: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--kb" => {
                let path = args.next().ok_or("--kb needs a path")?;
                options.kb = Some(PathBuf::from(path));
            }
            "--full" => options.full = true,
            "--explain" => options.explain = true,
            "-h" | "--help" => {
                return Err("usage: faq-cli [--kb PATH] [--full] [--explain] < questions".into())
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    Ok(options)
}

fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(o) => o,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let kb = match &options.kb {
        Some(path) => KnowledgeBase::from_path(path, None),
        None => KnowledgeBase::default_kb(),
    };
    let bot = match kb
        .map_err(bluelamp::faq::BotError::from)
        .and_then(FaqBot::new)
    {
        Ok(bot) => bot,
        Err(e) => {
            eprintln!("faq-cli: {}", error_chain(&e));
            return ExitCode::FAILURE;
        }
    };
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in stdin.lock().lines() {
        let Ok(question) = line else {
            eprintln!("faq-cli: stdin is not valid UTF-8");
            return ExitCode::FAILURE;
        };
        let answer = bot.answer_text(&question);
        if options.explain {
            let top: Vec<_> = bot.explain(&question).into_iter().take(3).collect();
            eprintln!("{:?} {top:?}", bot.explain_terms(&question));
        }
        let written = if options.full {
            serde_json::to_writer(&mut out, &answer)
        } else {
            serde_json::to_writer(
                &mut out,
                &EvalLine {
                    emergency: answer.emergency.is_some(),
                    handoff: answer.handoff,
                    answer_id: answer.answer_id.as_deref(),
                    answer: answer.answer.as_deref(),
                    links: &answer.links,
                    confidence: answer.confidence,
                },
            )
        };
        if written.is_err() || writeln!(out).is_err() {
            return ExitCode::FAILURE;
        }
    }
    if out.flush().is_err() {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        s.push_str(": ");
        s.push_str(&cause.to_string());
        source = cause.source();
    }
    s
}
