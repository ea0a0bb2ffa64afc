//! Fuzzing on stable Rust, for the three parsers that read what anyone on the internet sends:
//! the WebSocket protocol's frames, the reports API's bodies, and operators' tokens.
//!
//! Each target has a corpus in `tests/fuzz/corpus/<target>/` (kept in the repository). Every
//! corpus entry is run as an ordinary test, and then the target is fuzzed for a bounded time:
//! each input is a corpus entry changed by a few random mutations (bit flips, JSON's own bytes
//! and tokens, cuts, repeats, splices of another entry). A panic, or an answer that breaks the
//! target's invariant, fails the test and writes the input to the corpus as `crash-<hash>`, so
//! that it stays a test once fixed.
//!
//! `FUZZ_SECONDS` (default 2) bounds each target's run and `FUZZ_SEED` replays a run (the seed
//! is printed). `scripts/fuzz [SECONDS]` runs them longer (cargo-fuzz needs a nightly compiler,
//! which this project does not use).

use bluelamp::auth::test_tokens::{
    access_claims, issuer_jwks_json, now, TestKey, CLIENT_ID, ISSUER,
};
use bluelamp::auth::{AuthConfig, TokenVerifier};
use bluelamp::protocol::{parse_client_frame, ErrorCode, ACTIONS};
use bluelamp::report::parse_report_json;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn corpus_dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target)
}

fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = corpus_dir(target);
    let mut entries: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let bytes = std::fs::read(e.path()).unwrap_or_default();
            (name, bytes)
        })
        .collect();
    entries.sort();
    assert!(entries.len() >= 5, "the {target} corpus is nearly empty");
    entries
}

/// xorshift64*: enough randomness for mutations, and no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Bytes and tokens that parsers of JSON, UTF-8 and JWTs stumble on.
const TOKENS: &[&str] = &[
    "\"",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\\",
    "\\u0000",
    "\\ud800",
    "\\uDFFF",
    "1e999",
    "-0",
    "null",
    "true",
    "\"\"",
    "{}",
    "[]",
    "\u{202e}",
    "\u{feff}",
    "\u{0}",
    ".",
    "=",
    "-",
    "_",
    "\"action\":",
    "\"text\":",
    "\"when\":",
    "\"kind\":",
    "eyJ",
    "\"alg\":\"none\"",
    "99999999999999999999",
    "\"chatId\":\"x\"",
    "\u{1F600}",
];

fn mutate(rng: &mut Rng, seed: &[u8], other: &[u8]) -> Vec<u8> {
    let mut out = seed.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(7) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            1 => {
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                out.splice(at..at, t.iter().copied());
            }
            2 if at < out.len() => {
                let end = (at + 1 + rng.below(16)).min(out.len());
                out.drain(at..end);
            }
            3 if at < out.len() => {
                let end = (at + 1 + rng.below(32)).min(out.len());
                let piece = out[at..end].to_vec();
                out.splice(at..at, piece);
            }
            4 if !other.is_empty() => {
                let from = rng.below(other.len());
                let end = (from + 1 + rng.below(64)).min(other.len());
                out.splice(at..at, other[from..end].iter().copied());
            }
            5 => out.truncate(at),
            _ => out.insert(at, rng.below(256) as u8),
        }
    }
    out
}

fn seed() -> u64 {
    std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
        })
        | 1
}

fn budget() -> Duration {
    let secs = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(2.0);
    Duration::from_secs_f64(secs)
}

/// Runs `check` on every corpus entry, then on mutated entries until the budget is spent.
/// `check` returns `Err(why)` when the answer breaks the target's invariant.
fn fuzz(target: &str, extra: &[Vec<u8>], check: impl Fn(&[u8]) -> Result<(), String>) {
    let mut entries = corpus(target);
    entries.extend(
        extra
            .iter()
            .map(|e| ("(made at run time)".to_owned(), e.clone())),
    );
    let run = |input: &[u8]| match catch_unwind(AssertUnwindSafe(|| check(input))) {
        Ok(Ok(())) => None,
        Ok(Err(why)) => Some(why),
        Err(_) => Some("panicked".to_owned()),
    };
    let keep = |input: &[u8], why: &str| -> String {
        let hash = input.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
        });
        let path = corpus_dir(target).join(format!("crash-{hash:016x}"));
        let _ = std::fs::write(&path, input);
        format!(
            "{target}: {why} on {:?} (kept as {})",
            String::from_utf8_lossy(input),
            path.display()
        )
    };
    for (name, input) in &entries {
        if let Some(why) = run(input) {
            panic!("{target}: corpus entry {name}: {why}");
        }
    }
    let seed = seed();
    eprintln!("fuzzing {target} for {:?} with FUZZ_SEED={seed}", budget());
    let mut rng = Rng(seed);
    let deadline = Instant::now() + budget();
    let mut runs = 0u64;
    while Instant::now() < deadline {
        let a = &entries[rng.below(entries.len())].1;
        let b = &entries[rng.below(entries.len())].1;
        let input = mutate(&mut rng, a, b);
        if let Some(why) = run(&input) {
            panic!("{}", keep(&input, &why));
        }
        runs += 1;
    }
    eprintln!("{target}: {runs} inputs, no failure");
}

#[test]
fn protocol_frames_are_read_or_refused_with_a_typed_error_never_a_panic() {
    fuzz("protocol", &[], |input| {
        let text = String::from_utf8_lossy(input);
        match parse_client_frame(&text) {
            Ok(frame) if !ACTIONS.contains(&frame.action()) => {
                Err(format!("read as an unknown action {}", frame.action()))
            }
            Ok(_) => Ok(()),
            Err(e) if e.code == ErrorCode::Internal => Err("refused as internal".into()),
            Err(e) if e.message.contains(text.as_ref()) && text.len() > 8 => {
                Err("the error repeats the frame".into())
            }
            Err(_) => Ok(()),
        }
    });
}

#[test]
fn report_bodies_are_read_or_refused_with_field_errors_never_a_panic() {
    let now = chrono::Utc::now();
    fuzz("report", &[], |input| match parse_report_json(input, now) {
        Ok(_) => Ok(()),
        Err(errors) if errors.is_empty() => Err("refused with no error".into()),
        Err(_) => Ok(()),
    });
}

#[test]
fn no_token_but_the_one_the_issuer_signed_is_accepted() {
    let verifier = TokenVerifier::from_jwks_json(
        AuthConfig::for_access_tokens(ISSUER, CLIENT_ID),
        issuer_jwks_json().as_bytes(),
    )
    .expect("the test issuer's keys");
    let valid = TestKey::primary().sign(&access_claims());
    let at = now();
    assert!(verifier.verify_at(&valid, at).is_ok(), "the valid token");
    // The signed token is a seed of this run only (its key is made at run time): no mutation
    // of it may pass.
    fuzz("token", &[valid.clone().into_bytes()], |input| {
        let token = String::from_utf8_lossy(input);
        match verifier.verify_at(&token, at) {
            Ok(_) if token == valid => Ok(()),
            Ok(identity) => Err(format!("accepted as {:?}", identity.operator_id)),
            Err(_) => Ok(()),
        }
    });
}
