use super::*;
use std::sync::OnceLock;

fn bot() -> &'static FaqBot {
    static B: OnceLock<FaqBot> = OnceLock::new();
    B.get_or_init(|| FaqBot::with_default_kb().expect("the shipped knowledge base loads"))
}

#[track_caller]
fn answers(text: &str, id: &str) {
    let a = bot().answer_text(text);
    assert_eq!(
        a.answer_id.as_deref(),
        Some(id),
        "{text:?} -> {:?} ({:?})",
        a.answer_id,
        bot().explain(text).into_iter().take(3).collect::<Vec<_>>()
    );
    assert!(a.emergency.is_none(), "{text:?} raised an emergency");
}

#[track_caller]
fn hands_off(text: &str) {
    let a = bot().answer_text(text);
    assert!(a.handoff, "{text:?} should offer an operator: {a:?}");
    assert!(a.emergency.is_none(), "{text:?} raised an emergency");
}

/// The topics issue 3 asks the knowledge base to cover, by entry id.
const ISSUE_TOPICS: &[&str] = &[
    "report-crime-online",
    "road-collision",
    "fraud",
    "phishing",
    "lost-property",
    "noise",
    "abandoned-vehicle",
    "fly-tipping",
    "stray-dog",
    "untaxed-vehicle",
    "anonymous-reporting",
    "victim-support",
    "domestic-abuse",
    "clares-law",
    "sarahs-law",
    "mental-health-crisis",
    "firearms-licensing",
    "dbs-check",
    "subject-access",
    "freedom-of-information",
    "complaints",
    "compliments",
    "report-update",
    "hate-crime",
    "anti-social-behaviour",
    "drones",
    "fireworks",
    "speeding",
    "bike-registration",
    "front-counter",
    "careers",
    "child-sexual-exploitation",
    "terrorism",
    "modern-slavery",
    "deaf-contact",
    "non-emergency-101",
    "police-matter",
];

#[test]
fn the_knowledge_base_covers_every_topic_of_the_issue() {
    let kb = bot().knowledge_base();
    for id in ISSUE_TOPICS {
        assert!(kb.entry(id).is_some(), "missing entry {id}");
    }
}

#[test]
fn every_entry_has_an_answer_links_and_no_placeholder_left() {
    for e in &bot().knowledge_base().entries {
        assert!(!e.answer.trim().is_empty(), "{}", e.id);
        assert!(!e.links.is_empty(), "{}", e.id);
        for text in std::iter::once(&e.answer).chain(&e.links).chain([&e.topic]) {
            assert!(!text.contains(['{', '}']), "{}: {text}", e.id);
        }
        for l in &e.links {
            assert!(
                l.starts_with("https://") && !l.contains(' '),
                "{}: {l}",
                e.id
            );
        }
    }
}

#[test]
fn facts_are_as_checked() {
    let kb = bot().knowledge_base();
    let has = |id: &str, needles: &[&str]| {
        let e = kb.entry(id).unwrap();
        let text = format!("{} {}", e.answer, e.links.join(" "));
        for n in needles {
            assert!(text.contains(n), "{id} lacks {n:?}");
        }
    };
    has(
        "fraud",
        &[
            "Report Fraud",
            "reportfraud.police.uk",
            "0300 123 2040",
            "4 December 2025",
            "159",
        ],
    );
    has("phishing", &["report@phishing.gov.uk", "7726"]);
    has(
        "anonymous-reporting",
        &["0800 555 111", "crimestoppers-uk.org"],
    );
    has("victim-support", &["08 08 16 89 111"]);
    has(
        "domestic-abuse",
        &["0808 2000 247", "0808 801 0327", "Clare's Law"],
    );
    has(
        "mental-health-crisis",
        &["111", "mental health option", "116 123", "85258"],
    );
    has(
        "child-sexual-exploitation",
        &["0808 800 5000", "0800 1111", "ceop.police.uk"],
    );
    has("terrorism", &["0800 789 321", "gov.uk/ACT"]);
    has("modern-slavery", &["08000 121 700"]);
    has(
        "deaf-contact",
        &["18001 101", "emergencySMS", "18000", "register"],
    );
    has("road-collision", &["24 hours", "section 170"]);
    has("fireworks", &["11pm", "7am", "5 November", "1am"]);
    has("drones", &["Flyer ID", "Operator ID", "100 g", "250 g"]);
    has("missing-person", &["116 000"]);
    has("subject-access", &["free", "one month"]);
    has("freedom-of-information", &["20 working days"]);
    has("lost-property", &["2018", "reportmyloss.com"]);
    let mh = &kb.entry("mental-health-crisis").unwrap().answer;
    assert!(
        !mh.contains("option 2"),
        "England's 111 says 'mental health option'"
    );
    assert!(!kb
        .entry("fraud")
        .unwrap()
        .answer
        .contains("Action Fraud on 0300"));
}

#[test]
fn matching_copes_with_typos() {
    answers("i lost my fone on the buss", "lost-property");
    answers("how do i reprot a burglery", "report-crime-online");
    answers("got a dodgy emial from my bank", "phishing");
    answers("how do I renue my shotgun licence", "firearms-licensing");
    answers("naighbours playing lowd musik all nite", "noise");
}

#[test]
fn matching_understands_slang() {
    answers(
        "some scrote nicked my bike from outside the shop",
        "report-crime-online",
    );
    answers(
        "got conned out of 300 quid on facebook marketplace",
        "fraud",
    );
    answers("the boy racers round here are doing my head in", "speeding");
    answers("some idiot fly tipped a sofa down our lane", "fly-tipping");
    answers(
        "can I find out if my new bf has been violent before",
        "clares-law",
    );
}

#[test]
fn long_stories_find_the_point() {
    answers(
        "so basically I was parked outside my mates house on saturday and when I came back \
         someone had scraped all down the side of my car and there was no note or anything, \
         nobody saw who did it, what do I do",
        "road-collision",
    );
    answers(
        "hi there, hope you're well. my elderly mum got a call last week from someone saying \
         they were from her bank and she ended up transferring two thousand pounds to a safe \
         account, the bank says they can't help, where does she report this",
        "fraud",
    );
}

#[test]
fn several_questions_in_one_message_get_several_answers() {
    let a = bot().answer_text(
        "How do I register my bike so it can be returned if stolen? Also, what time do fireworks have to stop?",
    );
    let mut ids: Vec<&str> = a.also.iter().map(String::as_str).collect();
    ids.extend(a.answer_id.as_deref());
    assert!(ids.contains(&"bike-registration"), "{ids:?}");
    assert!(ids.contains(&"fireworks"), "{ids:?}");
    assert!(a.answer.unwrap().contains("11pm"));
}

#[test]
fn a_wish_for_a_person_goes_to_an_operator() {
    for t in [
        "I want to speak to a person please",
        "can I talk to someone",
        "real person please",
        "are you a bot? get me a human",
        "operator",
    ] {
        let a = bot().answer_text(t);
        assert!(a.handoff, "{t}");
        assert_eq!(a.outcome, Outcome::OperatorRequested, "{t}");
    }
    let a = bot().answer_text("my ex used to hit me and I want to talk to someone about it");
    assert!(a.handoff);
    assert_eq!(a.answer_id.as_deref(), Some("domestic-abuse"));
}

#[test]
fn out_of_scope_questions_get_no_invented_answer() {
    for t in [
        "What's the weather going to be like tomorrow?",
        "can you book me a table for two at an italian restaurant",
        "who won the football last night",
        "what is the capital of France",
        "how do I renew my passport",
        "can you recommend a good plumber",
        "asdfghjkl",
        "",
    ] {
        let a = bot().answer_text(t);
        hands_off(t);
        assert_eq!(a.answer_id, None, "{t:?} -> {a:?}");
    }
}

#[test]
fn not_sure_offers_the_closest_topics() {
    let a = bot().answer_text("bike");
    if a.outcome == Outcome::NotSure {
        assert!(!a.suggestions.is_empty());
    }
    let a = bot().answer_text("who won the football last night");
    assert_eq!(a.outcome, Outcome::NotSure);
    assert!(!a.suggestions.is_empty(), "popular topics are offered");
    assert!(a.answer.unwrap().contains("101"));
}

#[test]
fn emergencies_come_first_with_advice_in_the_language() {
    let a = bot().answer(&Question::translated(
        "Help! Someone is following me and threatening me with a knife",
        "Pomocy! Ktoś mnie śledzi i grozi mi nożem",
        "pl",
    ));
    assert_eq!(a.outcome, Outcome::Emergency);
    assert!(a.handoff);
    let text = a.answer.unwrap();
    assert!(text.starts_with("Jeśli Ty"), "{text}");
    assert!(
        text.contains("press 55"),
        "English follows for the operator"
    );
    let a = bot().answer_text("someone is breaking into my house right now");
    assert_eq!(a.emergency.unwrap().reason, EmergencyReason::BreakIn);
}

#[test]
fn a_greeting_is_answered_without_an_operator() {
    let a = bot().answer_text("hello");
    assert_eq!(a.outcome, Outcome::Greeting);
    assert!(!a.handoff);
}

#[test]
fn confidence_is_between_zero_and_one() {
    for t in [
        "How do I report a crime online?",
        "who won the football",
        "",
        "a",
    ] {
        let c = bot().answer_text(t).confidence;
        assert!((0.0..=1.0).contains(&c), "{t}: {c}");
    }
}

#[test]
fn unanswered_questions_are_recorded_without_personal_data() {
    let force = crate::domain::ForceId::parse("demo").unwrap();
    let text = "My name is Jane Doe of 4 High St, can you book me a table at Luigi's for 7pm";
    let a = bot().answer_text(text);
    let rec = UnansweredQuestion::from_answer(bot(), force, chrono::Utc::now(), text, &a, None)
        .expect("an unanswered question is recorded");
    let joined = rec.keywords.join(" ");
    for secret in ["jane", "doe", "luigi", "high", "7pm", "4"] {
        assert!(!joined.contains(secret), "{secret} leaked: {joined}");
    }
    assert!(rec.keywords.contains(&"table".to_owned()), "{joined}");
    let answered = bot().answer_text("How do I report a crime online?");
    let force = crate::domain::ForceId::parse("demo").unwrap();
    assert!(UnansweredQuestion::from_answer(
        bot(),
        force,
        chrono::Utc::now(),
        "How do I report a crime online?",
        &answered,
        None
    )
    .is_none());
}

/// One case of the eval format of `shared/faq-eval` (see its `score.py`).
#[derive(serde::Deserialize)]
struct Case {
    q: String,
    #[serde(default)]
    emergency: Option<bool>,
    #[serde(default)]
    handoff: bool,
    #[serde(default)]
    any_of: Vec<String>,
}

/// Scores a JSONL eval file as score.py does: (share passed, failures, missed emergencies).
fn score(jsonl: &str) -> (f64, Vec<String>, Vec<String>) {
    let mut failures = Vec::new();
    let mut missed = Vec::new();
    let mut total = 0;
    for line in jsonl.lines().filter(|l| !l.trim().is_empty()) {
        let case: Case = serde_json::from_str(line).expect("a valid eval case");
        total += 1;
        let a = bot().answer_text(&case.q.replace('\n', " "));
        let flagged = a.emergency.is_some();
        let text = format!(
            "{} {}",
            a.answer.clone().unwrap_or_default(),
            a.links.join(" ")
        )
        .to_lowercase();
        let hit = case.any_of.iter().any(|s| text.contains(&s.to_lowercase()));
        let ok = match (case.emergency, case.handoff) {
            (Some(true), _) => flagged,
            (_, true) => !flagged && (a.handoff || a.answer_id.is_none()),
            (Some(false), _) => hit && !flagged,
            (None, false) => hit,
        };
        if !ok {
            if case.emergency == Some(true) {
                missed.push(case.q.clone());
            }
            failures.push(format!(
                "{:?} -> {:?} {:?}",
                case.q, a.answer_id, a.emergency
            ));
        }
    }
    let share = (total - failures.len()) as f64 / total.max(1) as f64;
    (share, failures, missed)
}

/// The shared eval set: `shared/faq-eval/dev.jsonl` beside the clone (CI lays `shared/` next
/// to the workspace), found by walking up from this crate so that a git worktree finds it too.
fn shared_eval_set() -> Option<std::path::PathBuf> {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .skip(1)
        .map(|dir| dir.join("shared/faq-eval/dev.jsonl"))
        .find(|p| p.is_file())
}

fn eval_file(path: &std::path::Path, min: f64) {
    let jsonl = std::fs::read_to_string(path).expect("the eval file is readable");
    let (share, failures, missed) = score(&jsonl);
    eprintln!(
        "{}: score {share:.3}, failures: {failures:#?}",
        path.display()
    );
    assert!(missed.is_empty(), "missed emergencies: {missed:#?}");
    assert!(share >= min, "score {share:.3} < {min}: {failures:#?}");
}

#[test]
fn the_shared_eval_set_scores_at_least_0_9_with_every_emergency_caught() {
    // Never skipped: a run without the set would pass while scoring nothing (the README's
    // test command scores the same file with ../shared/faq-eval/score.py, and fails too).
    let path = shared_eval_set().expect(
        "no shared/faq-eval/dev.jsonl beside the workspace or above it: CI lays the shared \
         documents beside the clone, and a local run needs them there too",
    );
    eval_file(&path, 0.9);
}

#[test]
fn the_held_out_set_scores_at_least_0_9_with_every_emergency_caught() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/faq-heldout.jsonl");
    eval_file(&path, 0.9);
}

#[test]
fn no_question_of_the_knowledge_base_raises_an_emergency() {
    for e in &bot().knowledge_base().entries {
        for q in &e.questions {
            assert!(
                bot().detector().detect(q).is_none(),
                "{}: {q:?} fires {:?}",
                e.id,
                bot().detector().detect(q)
            );
        }
    }
}
