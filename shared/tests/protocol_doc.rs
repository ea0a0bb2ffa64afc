//! Keeps `docs/protocol.md` true: every frame example in it is checked against the protocol
//! types, and everything the protocol knows must be documented.
//!
//! Fenced code blocks are checked by their info string:
//!
//! - `json client`: one client frame; `parse_client_frame` must accept it.
//! - `json client-error CODE`: one client frame; `parse_client_frame` must refuse it with CODE.
//! - `json server`: one server frame; it must carry `"v": PROTOCOL_VERSION`, deserialize as a
//!   `ServerFrame`, and serialize back (with `to_json`, as the server sends it) to the same JSON.
//! - `jsonl client`, `jsonl server`: the same, one frame per line (the walkthrough).
//! - `json`: any other JSON (it must parse). Any other `json...` info string is an error, so
//!   that a misspelt tag cannot take an example out of the test.

use bluelamp::protocol::{
    parse_client_frame, ErrorCode, ServerFrame, ACTIONS, MAX_CLIENT_FRAME_BYTES,
    MAX_SERVER_FRAME_BYTES, PROTOCOL_VERSION,
};
use serde_json::Value;
use std::collections::BTreeSet;

const DOC_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/protocol.md");

fn doc() -> String {
    std::fs::read_to_string(DOC_PATH).unwrap_or_else(|e| panic!("cannot read {DOC_PATH}: {e}"))
}

/// A fenced code block: its info string, its text, and the line its text starts on.
struct Block {
    info: String,
    body: String,
    line: usize,
}

fn blocks(doc: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in doc.lines().enumerate() {
        match &mut open {
            None => {
                if let Some(info) = line.strip_prefix("```") {
                    open = Some(Block {
                        info: info.trim().to_owned(),
                        body: String::new(),
                        line: i + 2,
                    });
                }
            }
            Some(block) => {
                if line.trim_end() == "```" {
                    out.extend(open.take());
                } else {
                    block.body.push_str(line);
                    block.body.push('\n');
                }
            }
        }
    }
    assert!(
        open.is_none(),
        "docs/protocol.md has an unclosed code block"
    );
    out
}

#[derive(Debug)]
enum Expect {
    Client,
    ClientError(ErrorCode),
    Server,
}

/// One frame example: what it must be, its text, and where it is.
struct Example {
    expect: Expect,
    text: String,
    line: usize,
}

fn error_code(name: &str) -> Result<ErrorCode, String> {
    serde_json::from_value(Value::String(name.to_owned()))
        .map_err(|_| format!("`{name}` is not an error code"))
}

/// Every frame example of the document; tags that are not understood are errors.
fn examples(doc: &str) -> Result<Vec<Example>, Vec<String>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for b in blocks(doc) {
        let mut words = b.info.split_whitespace();
        let (lang, kind, arg) = (words.next(), words.next(), words.next());
        let expect = match (lang, kind, arg) {
            (Some("json" | "jsonl"), Some("client"), None) => Expect::Client,
            (Some("json" | "jsonl"), Some("server"), None) => Expect::Server,
            (Some("json"), Some("client-error"), Some(code)) => match error_code(code) {
                Ok(c) => Expect::ClientError(c),
                Err(e) => {
                    problems.push(format!("line {}: {e}", b.line));
                    continue;
                }
            },
            (Some("json"), None, None) => {
                if let Err(e) = serde_json::from_str::<Value>(&b.body) {
                    problems.push(format!("line {}: not JSON: {e}", b.line));
                }
                continue;
            }
            (Some(l), _, _) if l.starts_with("json") => {
                problems.push(format!(
                    "line {}: unknown code block tag `{}` (use `json client`, \
                     `json client-error CODE`, `json server`, `jsonl client`, `jsonl server` or `json`)",
                    b.line, b.info
                ));
                continue;
            }
            _ => continue,
        };
        if lang == Some("jsonl") {
            for (i, l) in b.body.lines().enumerate() {
                if !l.trim().is_empty() {
                    out.push(Example {
                        expect: match expect {
                            Expect::Client => Expect::Client,
                            _ => Expect::Server,
                        },
                        text: l.to_owned(),
                        line: b.line + i,
                    });
                }
            }
        } else {
            out.push(Example {
                expect,
                text: b.body.trim_end().to_owned(),
                line: b.line,
            });
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// What the examples show, once each has been checked.
#[derive(Default)]
struct Seen {
    actions: BTreeSet<String>,
    types: BTreeSet<String>,
    events: BTreeSet<String>,
    problems: Vec<String>,
}

/// Every chat event named anywhere in a frame (`"event": {"event": NAME, ...}`).
fn collect_events(v: &Value, into: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            if let Some(name) = map
                .get("event")
                .and_then(|e| e.get("event"))
                .and_then(Value::as_str)
            {
                into.insert(name.to_owned());
            }
            map.values().for_each(|x| collect_events(x, into));
        }
        Value::Array(items) => items.iter().for_each(|x| collect_events(x, into)),
        _ => {}
    }
}

fn check_server_example(text: &str) -> Result<Value, String> {
    let original: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let mut stripped = original.clone();
    let v = stripped
        .as_object_mut()
        .ok_or("not a JSON object")?
        .remove("v");
    if v != Some(Value::from(PROTOCOL_VERSION)) {
        return Err(format!(
            "every server frame carries \"v\": {PROTOCOL_VERSION}; this one has {v:?}"
        ));
    }
    let frame: ServerFrame = serde_json::from_value(stripped)
        .map_err(|e| format!("does not deserialize as a ServerFrame: {e}"))?;
    let wire = frame.to_json();
    if wire.len() > MAX_SERVER_FRAME_BYTES {
        return Err(format!("{} bytes: over the server frame limit", wire.len()));
    }
    let again: Value = serde_json::from_str(&wire).map_err(|e| e.to_string())?;
    if again != original {
        return Err(format!(
            "the server would send it differently:\n  documented: {original}\n  server:     {again}"
        ));
    }
    Ok(original)
}

fn check_all(doc: &str) -> Seen {
    let mut seen = Seen::default();
    let examples = match examples(doc) {
        Ok(e) => e,
        Err(problems) => {
            seen.problems = problems;
            return seen;
        }
    };
    for ex in examples {
        let at = format!("docs/protocol.md line {}", ex.line);
        match ex.expect {
            Expect::Client => match parse_client_frame(&ex.text) {
                Ok(frame) => {
                    seen.actions.insert(frame.action().to_owned());
                }
                Err(e) => seen.problems.push(format!(
                    "{at}: the server refuses this client example with `{:?}`: {}\n  {}",
                    e.code, e.message, ex.text
                )),
            },
            Expect::ClientError(code) => match parse_client_frame(&ex.text) {
                Err(e) if e.code == code => {}
                Err(e) => seen.problems.push(format!(
                    "{at}: expected error {code:?}, the server says {:?} ({})",
                    e.code, e.message
                )),
                Ok(frame) => seen.problems.push(format!(
                    "{at}: expected error {code:?}, the server accepts it as `{}`",
                    frame.action()
                )),
            },
            Expect::Server => match check_server_example(&ex.text) {
                Ok(v) => {
                    if let Some(t) = v.get("type").and_then(Value::as_str) {
                        seen.types.insert(t.to_owned());
                    }
                    collect_events(&v, &mut seen.events);
                }
                Err(e) => seen.problems.push(format!("{at}: {e}\n  {}", ex.text)),
            },
        }
    }
    seen
}

/// The variant names serde knows for a type, read from its "unknown variant" error, so the
/// lists below follow the code with nobody maintaining them.
fn variant_names<T: serde::de::DeserializeOwned>(unknown: Value) -> Vec<String> {
    let err = match serde_json::from_value::<T>(unknown) {
        Ok(_) => panic!("the probe value deserialized"),
        Err(e) => e.to_string(),
    };
    let list = err
        .split_once("expected one of ")
        .map(|(_, l)| l)
        .unwrap_or_else(|| panic!("cannot read variant names from serde's error: {err}"));
    let names: Vec<String> = list
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    assert!(names.len() > 1, "no variant names in serde's error: {err}");
    names
}

fn error_code_names() -> Vec<String> {
    let names = variant_names::<ErrorCode>(Value::String(String::new()));
    for n in &names {
        error_code(n).unwrap_or_else(|e| panic!("{e}"));
    }
    names
}

fn server_frame_types() -> Vec<String> {
    variant_names::<ServerFrame>(serde_json::json!({"type": ""}))
}

fn chat_event_names() -> Vec<String> {
    variant_names::<bluelamp::domain::ChatEvent>(serde_json::json!({"event": ""}))
}

fn fail_on(problems: &[String]) {
    assert!(
        problems.is_empty(),
        "docs/protocol.md is out of step with the protocol:\n\n{}\n",
        problems.join("\n\n")
    );
}

#[test]
fn every_example_is_a_frame_the_server_reads_or_sends_as_written() {
    let seen = check_all(&doc());
    fail_on(&seen.problems);
}

#[test]
fn every_action_is_documented_with_an_example() {
    let doc = doc();
    let seen = check_all(&doc);
    let mut problems = Vec::new();
    for action in ACTIONS {
        if !doc.contains(&format!("### `{action}`")) {
            problems.push(format!("action `{action}` has no section (### `{action}`)"));
        }
        if !seen.actions.contains(*action) {
            problems.push(format!("action `{action}` has no `json client` example"));
        }
    }
    fail_on(&problems);
}

#[test]
fn the_action_list_matches_the_client_frames() {
    // ACTIONS (the APIs' routes) and ClientFrame (what the server parses) must agree.
    let parsed: BTreeSet<String> =
        variant_names::<bluelamp::protocol::ClientFrame>(serde_json::json!({"action": ""}))
            .into_iter()
            .collect();
    let routes: BTreeSet<String> = ACTIONS.iter().map(|a| a.to_string()).collect();
    assert_eq!(parsed, routes);
}

#[test]
fn every_error_code_is_explained_in_the_errors_table() {
    let doc = doc();
    let mut problems = Vec::new();
    for code in error_code_names() {
        if !doc.contains(&format!("\n| `{code}` |")) {
            problems.push(format!(
                "error code `{code}` has no row in the errors table (| `{code}` | when | ...)"
            ));
        }
    }
    fail_on(&problems);
}

#[test]
fn every_server_frame_type_and_chat_event_has_an_example() {
    let seen = check_all(&doc());
    let mut problems = Vec::new();
    for t in server_frame_types() {
        if !seen.types.contains(&t) {
            problems.push(format!("server frame `{t}` has no `json server` example"));
        }
    }
    for e in chat_event_names() {
        if !seen.events.contains(&e) {
            problems.push(format!("chat event `{e}` has no `json server` example"));
        }
    }
    fail_on(&problems);
}

#[test]
fn the_documented_limits_are_the_code_s() {
    let doc = doc();
    let rate = bluelamp::config::ChatConfig::default().rate_limit;
    let expected = [
        format!("{} characters", bluelamp::domain::MAX_MESSAGE_CHARS),
        format!("{MAX_CLIENT_FRAME_BYTES} bytes"),
        format!("{MAX_SERVER_FRAME_BYTES} bytes"),
        format!("{} bytes", bluelamp::chat::TRANSCRIPT_BUDGET_BYTES),
        format!("{} frames per {} seconds", rate.max, rate.window_secs),
        format!("\"v\": {PROTOCOL_VERSION}"),
    ];
    let problems: Vec<String> = expected
        .iter()
        .filter(|s| !doc.contains(s.as_str()))
        .map(|s| format!("the document does not say \"{s}\""))
        .collect();
    fail_on(&problems);
}

#[test]
fn the_checker_itself_catches_a_wrong_example() {
    let bad = "```json server\n{\"v\": 1, \"type\": \"pong\", \"extra\": 1}\n```\n\
               ```json client\n{\"action\": \"ping\", \"v\": 1}\n```\n\
               ```json client-error empty_text\n{\"action\": \"ping\"}\n```\n\
               ```json sever\n{}\n```\n";
    assert_eq!(check_all(bad).problems.len(), 1, "the misspelt tag");
    let bad = &bad[..bad.find("```json sever").unwrap_or(bad.len())];
    let seen = check_all(bad);
    assert_eq!(seen.problems.len(), 3, "{:#?}", seen.problems);
}
