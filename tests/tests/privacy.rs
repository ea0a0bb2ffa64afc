//! Privacy, as a test: every log line of a whole conversation (the bot, the handoff, the
//! translation both ways, a preview, a drop and a resume, a quick exit by frame and by beacon)
//! and of a report (filed, listed, read and assessed by an operator) is captured, on both
//! stores, and none may hold what a citizen or an operator sent: message text, a resume token,
//! a JWT, a name, a phone number, an email address, a postcode or a registration.
//!
//! A test binary of its own: the capture is the process's one global subscriber (the gateway's
//! tasks log from any thread), at `debug` for Bluelamp's own crates and `info` for the rest, as
//! deployed with `RUST_LOG=info` or raised for diagnosis.

use bluelamp::config::CapturedLogs;
use bluelamp_local::Running;
use bluelamp_tests::{spawn_gateway, Client, StoreKind};
use chrono::{Duration, Utc};
use serde_json::{json, Value};

const LOG_FILTER: &str = "info,bluelamp=debug,bluelamp_local=debug,connect=debug,message=debug,\
                          translate=debug,faq_reply=debug,report_intake=debug,authorizer=debug";

/// What was sent, each of which must never be logged.
const CITIZEN_FIRST: &str =
    "Nazywam się Zofia Wiśniewska, ukradziono mi rower spod domu przy Ulicy Lipowej";
const CITIZEN_DETAILS: &str =
    "Mój numer to 07700 900982, e-mail zofia.wisniewska@example.com, kod pocztowy EX4 3SR";
const OPERATOR_REPLY: &str = "Thank you Zofia, could you describe the bicycle frame colour?";
const OPERATOR_DRAFT: &str = "Draft about the tandem with basket";
const CITIZEN_AFTER_RESUME: &str = "Rama jest turkusowa, samochód sąsiada BD51 SMR widział";

const SECRETS: &[&str] = &[
    "Zofia",
    "Wiśniewska",
    "Lipowej",
    "07700 900982",
    "07700900982",
    "zofia.wisniewska@example.com",
    "EX4 3SR",
    "frame colour",
    "tandem with basket",
    "turkusowa",
    "BD51 SMR",
    // The report's.
    "Quentin Halloway",
    "07700 900461",
    "quentin.h@example.com",
    "TQ1 4JZ",
    "YK19 WXF",
    "scratched the silver hatchback",
    "Assessed by the privacy test",
];

/// Not the shared examples (`bluelamp::report::examples`): values that appear nowhere else in
/// the code, so that finding one in a log line can only mean it leaked there.
fn report() -> Value {
    let day = (Utc::now() - Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    json!({
        "kind": "collision",
        "when": {"from": day},
        "where": {"address": "3 Quay Road, Torquay", "postcode": "TQ1 4JZ"},
        "whatHappened": "A delivery van scratched the silver hatchback and drove away.",
        "reporter": {"name": "Quentin Halloway", "role": "victim", "phone": "07700 900461",
                     "email": "quentin.h@example.com", "preferredContact": "email"},
        "collision": {"vehicles": [{"registration": "YK19 WXF"}],
                      "anyoneInjured": false, "detailsExchanged": false},
        "declaration": true
    })
}

/// The whole conversation and the report, on one gateway; returns the tokens it was given
/// (resume token, operator's JWT), which must not be logged either.
async fn conversation_and_report(gw: &Running) -> anyhow::Result<Vec<String>> {
    let mut citizen = Client::citizen(gw).await?;
    citizen
        .send(json!({"action": "start", "language": "pl", "languageChosen": true}))
        .await?;
    let started = citizen.expect("chat_started").await?;
    let chat = started["chatId"].as_str().unwrap_or_default().to_owned();
    let resume_token = started["resumeToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    citizen.say(None, "c1", CITIZEN_FIRST).await?;
    citizen
        .expect_where("the bot's answer", |v| {
            v["type"] == "message" && v["sender"]["role"] == "bot"
        })
        .await?;
    citizen.send(json!({"action": "request_operator"})).await?;
    citizen.expect("queued").await?;

    let operator_token = gw.operator_token("olga")?;
    let mut operator = Client::connect(&gw.operator_ws_url(&operator_token)).await?;
    operator
        .send(json!({"action": "claim", "chatId": chat}))
        .await?;
    operator.expect("claimed").await?;
    citizen.say(None, "c2", CITIZEN_DETAILS).await?;
    operator
        .expect_where("the citizen's details", |v| {
            v["type"] == "message" && v["sender"]["role"] == "citizen"
        })
        .await?;
    operator
        .send(json!({"action": "typing", "chatId": chat, "typing": true}))
        .await?;
    operator
        .send(
            json!({"action": "preview", "chatId": chat, "previewId": "p1", "text": OPERATOR_DRAFT}),
        )
        .await?;
    operator.expect("preview").await?;
    operator.say(Some(&chat), "o1", OPERATOR_REPLY).await?;
    citizen
        .expect_where("the operator's reply", |v| {
            v["type"] == "message" && v["sender"]["role"] == "operator"
        })
        .await?;

    // The citizen's signal drops; they come back with the resume token.
    citizen.drop_connection();
    let mut citizen = Client::citizen(gw).await?;
    citizen
        .send(json!({"action": "resume", "resumeToken": resume_token}))
        .await?;
    citizen.expect("resumed").await?;
    citizen.say(None, "c3", CITIZEN_AFTER_RESUME).await?;
    operator
        .expect_where("the words after the resume", |v| {
            v["type"] == "message" && v["sender"]["role"] == "citizen"
        })
        .await?;
    // Leave the site: the beacon the widget sends, then its frame (which finds the chat ended).
    let beacon = reqwest::Client::new()
        .post(format!("{}/chat/quick-exit", gw.http_url()))
        .header("content-type", "text/plain")
        .body(json!({"resumeToken": resume_token}).to_string())
        .send()
        .await?;
    anyhow::ensure!(beacon.status() == 204, "beacon: {}", beacon.status());
    citizen
        .send(json!({"action": "leave", "quick": true}))
        .await?;
    operator
        .expect_where("the quick exit", |v| {
            v["event"]["event"] == "ended" && v["event"]["reason"] == "quick_exit"
        })
        .await?;

    // A report, filed, listed, read and assessed.
    let http = reqwest::Client::new();
    let filed = http
        .post(format!("{}/reports", gw.http_url()))
        .header("content-type", "application/json")
        .body(report().to_string())
        .send()
        .await?;
    anyhow::ensure!(filed.status() == 201, "report: {}", filed.status());
    let reference = filed.json::<Value>().await?["reference"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let listed = http
        .get(format!("{}/operator/reports", gw.http_url()))
        .bearer_auth(&operator_token)
        .send()
        .await?;
    anyhow::ensure!(listed.status() == 200, "list: {}", listed.status());
    let read = http
        .get(format!("{}/operator/reports/{reference}", gw.http_url()))
        .bearer_auth(&operator_token)
        .send()
        .await?;
    anyhow::ensure!(read.status() == 200, "read: {}", read.status());
    let assessed = http
        .post(format!(
            "{}/operator/reports/{reference}/assessment",
            gw.http_url()
        ))
        .bearer_auth(&operator_token)
        .header("content-type", "application/json")
        .body(json!({"outcome": "noCrime", "notes": "Assessed by the privacy test"}).to_string())
        .send()
        .await?;
    anyhow::ensure!(assessed.status() == 200, "assess: {}", assessed.status());
    Ok(vec![resume_token, operator_token])
}

/// What a token may leave in a log: itself, a resume token's secret (after the chat id, which
/// may be logged), a JWT's claims and signature (its header is the same for every token).
fn token_parts(token: &str) -> Vec<String> {
    let mut parts = vec![token.to_owned()];
    let pieces: Vec<&str> = token.split('.').collect();
    parts.extend(pieces.iter().skip(1).map(|p| (*p).to_owned()));
    parts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_log_line_of_a_whole_conversation_and_a_report_holds_what_people_sent() {
    let logs = CapturedLogs::global(LOG_FILTER);
    for kind in [StoreKind::Embedded, StoreKind::Dynamo] {
        let gw = spawn_gateway(kind).await;
        let tokens = conversation_and_report(&gw)
            .await
            .unwrap_or_else(|e| panic!("{kind:?}: {e:#}"));
        gw.stop().await;
        let lines = logs.lines();
        // The capture works: the functions' own lines of this conversation are there.
        assert!(
            lines.iter().any(|l| l.contains("\"action\":\"claim\"")),
            "the capture saw no frame: {} lines",
            lines.len()
        );
        for expected in [
            "bot answered",
            "report taken",
            "chat ended by quick exit (beacon)",
        ] {
            assert!(
                lines.iter().any(|l| l.contains(expected)),
                "no {expected:?} line"
            );
        }
        let mut forbidden: Vec<String> = SECRETS.iter().map(|s| (*s).to_owned()).collect();
        for token in &tokens {
            forbidden.extend(token_parts(token));
        }
        for line in &lines {
            for secret in &forbidden {
                assert!(
                    !line.contains(secret.as_str()),
                    "{kind:?}: a log line holds something sent ({secret:?}): {line}"
                );
            }
        }
    }
}
