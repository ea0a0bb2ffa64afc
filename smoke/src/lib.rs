//! `bluelamp-smoke`: a scripted conversation against a running Bluelamp, the local gateway or
//! a deployed stack (docs/deploy.md, "The smoke test"). A citizen starts a chat in Polish and
//! gets the bot's answer, asks for an operator, an operator (reading English) claims, both write
//! and read each other translated, the citizen leaves by quick exit and the operator sees it; a
//! report is filed, read back by the operator and assessed `noCrime` as a test (the API deletes
//! nothing: the assessment takes it out of the queue). Each step has a timeout, and a failure
//! names its step. Production (`prod`) asks for no operator and files no report.
//!
//! The output holds step names, times and counts: never a message's words, a token or a
//! credential.

pub mod signin;
pub mod socket;
pub mod tally;

pub use signin::Credentials;
pub use tally::{Counts, Side, Tally};

use anyhow::{anyhow, bail, ensure, Context};
use serde_json::{json, Value};
use socket::Socket;
use std::future::Future;
use std::time::{Duration, Instant};

/// The three addresses of a Bluelamp.
#[derive(Debug, Clone)]
pub struct Target {
    /// `wss://…/stage` (or `ws://127.0.0.1:8080/public`).
    pub public_ws: String,
    /// `wss://…/stage` (or `ws://127.0.0.1:8080/operator`); the token is added as `?token=`.
    pub operator_ws: String,
    /// `https://…/stage` (or `http://127.0.0.1:8080`).
    pub reports_api: String,
}

/// What to run.
#[derive(Debug, Clone)]
pub struct Options {
    pub target: Target,
    pub credentials: Credentials,
    /// Production: no request for an operator (a smoke chat must not enter a real queue) and no
    /// report filed (nor one in the real assessment queue).
    pub prod: bool,
    /// Every step's limit.
    pub step_timeout: Duration,
    /// The citizen's language (`pl`: each side reads the other translated; `en`: nothing is).
    pub citizen_language: String,
    /// Questions to the bot before asking for a person, each answered.
    pub bot_questions: usize,
    /// Messages each way once the operator holds the chat (citizen, then operator).
    pub exchanges: usize,
    /// Check the reports API: file, read back and assess a report (in production: only the
    /// refusals, an invalid report and the operator endpoints without a token).
    pub report: bool,
}

impl Options {
    /// The smoke conversation: one bot question, one message each way, a report.
    pub fn smoke(target: Target, credentials: Credentials) -> Self {
        Self {
            target,
            credentials,
            prod: false,
            step_timeout: Duration::from_secs(10),
            citizen_language: "pl".into(),
            bot_questions: 1,
            exchanges: 1,
            report: true,
        }
    }
}

/// The step that failed, and why.
#[derive(Debug)]
pub struct StepFailure {
    pub step: usize,
    pub name: &'static str,
    pub error: anyhow::Error,
}

impl std::fmt::Display for StepFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "step {} ({}): {:#}", self.step, self.name, self.error)
    }
}

impl std::error::Error for StepFailure {}

/// What a run did.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The steps passed, with how long each took.
    pub steps: Vec<(usize, &'static str, Duration)>,
    pub counts: Counts,
}

/// Runs the conversation, then cleans up whatever it left (also after a failure). `log` gets
/// one line per step passed.
pub async fn run(opts: &Options, log: &mut dyn FnMut(&str)) -> Result<Outcome, StepFailure> {
    let mut run = Run {
        opts,
        tally: Tally::default(),
        steps: Vec::new(),
        log,
        left: Leftovers::default(),
    };
    let result = script(&mut run).await;
    let cleaned = run.cleanup().await;
    result.and(cleaned)?;
    Ok(Outcome {
        steps: run.steps,
        counts: run.tally.counts(),
    })
}

/// What must be undone if the script stops half way.
#[derive(Default)]
struct Leftovers {
    /// A chat not yet seen to end, by its resume token.
    resume_token: Option<String>,
    /// A report not yet assessed, by its reference.
    report: Option<String>,
    token: Option<String>,
    sockets: Vec<Socket>,
}

struct Run<'a> {
    opts: &'a Options,
    tally: Tally,
    steps: Vec<(usize, &'static str, Duration)>,
    log: &'a mut dyn FnMut(&str),
    left: Leftovers,
}

impl Run<'_> {
    /// Runs one step within the step timeout.
    async fn step<T, F>(&mut self, name: &'static str, f: F) -> Result<T, StepFailure>
    where
        F: Future<Output = anyhow::Result<T>>,
    {
        let n = self.steps.len() + 1;
        let limit = self.opts.step_timeout;
        let started = Instant::now();
        // A socket's own waits end at the same limit with a better message; this one is the
        // backstop for everything else (a stalled HTTP call, a handshake).
        let outcome = match tokio::time::timeout(limit + Duration::from_secs(1), f).await {
            Ok(r) => r,
            Err(_) => Err(anyhow!("timed out after {} s", limit.as_secs())),
        };
        match outcome {
            Ok(v) => {
                let took = started.elapsed();
                (self.log)(&format!(
                    "ok   step {n} ({name}) in {} ms",
                    took.as_millis()
                ));
                self.steps.push((n, name, took));
                Ok(v)
            }
            Err(error) => Err(StepFailure {
                step: n,
                name,
                error,
            }),
        }
    }

    fn http(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .timeout(self.opts.step_timeout)
            .build()
            .unwrap_or_default()
    }

    fn reports_url(&self, path: &str) -> String {
        format!(
            "{}{path}",
            self.opts.target.reports_api.trim_end_matches('/')
        )
    }

    /// Ends the chat if it did not end, assesses the report if it was not, closes the sockets.
    async fn cleanup(&mut self) -> Result<(), StepFailure> {
        let left = std::mem::take(&mut self.left);
        for s in left.sockets {
            s.close().await;
        }
        if left.resume_token.is_none() && left.report.is_none() {
            return Ok(());
        }
        let http = self.http();
        let tally = self.tally.clone();
        let quick_exit = self.reports_url("/chat/quick-exit");
        let assess = left
            .report
            .as_ref()
            .map(|r| self.reports_url(&format!("/operator/reports/{r}/assessment")));
        self.step("clean up: end the chat, assess the report", async move {
            if let Some(token) = left.resume_token {
                // Works without a socket, as the widget's beacon does.
                let status = http
                    .post(&quick_exit)
                    .header("content-type", "text/plain")
                    .body(json!({"resumeToken": token}).to_string())
                    .send()
                    .await
                    .context("POST /chat/quick-exit")?
                    .status();
                tally.reports_call();
                ensure!(status == 204, "POST /chat/quick-exit answered {status}");
            }
            if let (Some(url), Some(token)) = (assess, left.token) {
                assess_as_test(&http, &tally, &url, &token).await?;
            }
            Ok(())
        })
        .await
    }
}

/// The notes on the smoke report's assessment: what it was.
pub const TEST_ASSESSMENT_NOTES: &str = "bluelamp-smoke test report, not a real one";

async fn assess_as_test(
    http: &reqwest::Client,
    tally: &Tally,
    url: &str,
    token: &str,
) -> anyhow::Result<()> {
    let response = http
        .post(url)
        .bearer_auth(token)
        .json(&json!({"outcome": "noCrime", "notes": TEST_ASSESSMENT_NOTES}))
        .send()
        .await
        .context("POST /operator/reports/{reference}/assessment")?;
    tally.reports_call();
    let status = response.status();
    ensure!(
        status == 200,
        "the assessment answered {status}{}",
        problem(response).await
    );
    Ok(())
}

/// A problem body's `code`, if the answer has one.
async fn problem(response: reqwest::Response) -> String {
    match response.json::<Value>().await {
        Ok(v) if v["code"].is_string() => format!(" `{}`", v["code"].as_str().unwrap_or("")),
        _ => String::new(),
    }
}

fn is_chat(f: &Value, chat: &str) -> bool {
    f["chatId"] == chat
}

/// A message frame of `chat` from `role` (with this client message id, when given).
fn message_from(f: &Value, chat: &str, role: &str, id: Option<&str>) -> bool {
    f["type"] == "message"
        && is_chat(f, chat)
        && f["sender"]["role"] == role
        && id.is_none_or(|id| f["clientMessageId"] == id)
}

/// The words reached the reader in the reader's language, translated from the writer's.
fn check_translated(f: &Value, reader: &str, writer: &str) -> anyhow::Result<()> {
    if f["translationUnavailable"] == true {
        bail!("delivered untranslated (translationUnavailable)");
    }
    ensure!(
        f["language"] == reader,
        "delivered in {} for a reader of {reader}",
        f["language"]
    );
    if reader != writer {
        ensure!(
            f["original"]["language"] == writer,
            "no original in {writer} beside the translation"
        );
    }
    Ok(())
}

async fn script(run: &mut Run<'_>) -> Result<(), StepFailure> {
    let opts = run.opts;
    let limit = opts.step_timeout;
    let tally = run.tally.clone();
    let lang = opts.citizen_language.clone();

    let token = run
        .step(
            "the operator signs in",
            signin::access_token(&opts.credentials, limit),
        )
        .await?;
    run.left.token = Some(token.clone());

    let operator_url = format!(
        "{}?token={token}",
        opts.target.operator_ws.trim_end_matches('/')
    );
    let mut operator = run
        .step("the operator connects and says hello", async {
            let mut s = Socket::open(&operator_url, Side::Operator, &tally, limit).await?;
            s.send(json!({"action": "hello"})).await?;
            s.expect_type("operator_ready").await?;
            Ok(s)
        })
        .await?;

    let (mut citizen, chat, resume) = run
        .step("a citizen starts a chat", async {
            let mut s = Socket::open(&opts.target.public_ws, Side::Citizen, &tally, limit).await?;
            s.send(json!({"action": "start", "language": lang, "languageChosen": true}))
                .await?;
            let started = s.expect_type("chat_started").await?;
            ensure!(
                started["language"] == lang,
                "the chat started in {}",
                started["language"]
            );
            let chat = started["chatId"].as_str().context("no chatId")?.to_owned();
            let resume = started["resumeToken"]
                .as_str()
                .context("no resumeToken")?
                .to_owned();
            Ok((s, chat, resume))
        })
        .await?;
    run.left.resume_token = Some(resume);

    for q in 0..opts.bot_questions {
        run.step("the citizen asks the bot and gets its answer", async {
            let id = format!("c-bot-{q}");
            let text = lines(&lang, BOT_QUESTIONS, q);
            citizen.say(None, &id, text).await?;
            citizen
                .expect("the bot's answer", |f| message_from(f, &chat, "bot", None))
                .await?;
            Ok(())
        })
        .await?;
    }

    if !opts.prod {
        run.step("the citizen asks for an operator", async {
            citizen.send(json!({"action": "request_operator"})).await?;
            citizen.expect_type("queued").await?;
            operator
                .expect("the chat in the queue", |f| {
                    f["type"] == "queue"
                        && f["entries"]
                            .as_array()
                            .is_some_and(|e| e.iter().any(|e| is_chat(e, &chat)))
                })
                .await?;
            Ok(())
        })
        .await?;

        run.step("the operator claims the chat", async {
            operator
                .send(json!({"action": "claim", "chatId": chat}))
                .await?;
            let claimed = operator.expect_type("claimed").await?;
            ensure!(claimed["chat"]["chatId"] == chat, "claimed another chat");
            citizen
                .expect("operator_joined", |f| {
                    f["type"] == "message"
                        && is_chat(f, &chat)
                        && f["event"]["event"] == "operator_joined"
                })
                .await?;
            Ok(())
        })
        .await?;

        for i in 0..opts.exchanges {
            run.step(
                "the citizen writes, the operator reads it translated",
                async {
                    let id = format!("c-{i}");
                    let text = lines(&lang, CITIZEN_LINES, i);
                    citizen.say(None, &id, text).await?;
                    let got = operator
                        .expect("the citizen's message", |f| {
                            message_from(f, &chat, "citizen", Some(&id))
                        })
                        .await?;
                    check_translated(&got, "en", &lang)
                },
            )
            .await?;
            run.step(
                "the operator replies, the citizen reads it translated",
                async {
                    let id = format!("o-{i}");
                    let text = OPERATOR_LINES[i % OPERATOR_LINES.len()];
                    operator.say(Some(&chat), &id, text).await?;
                    let got = citizen
                        .expect("the operator's message", |f| {
                            message_from(f, &chat, "operator", Some(&id))
                        })
                        .await?;
                    check_translated(&got, &lang, "en")
                },
            )
            .await?;
        }
    }

    let quick_exit = run
        .step("the citizen leaves by quick exit", async {
            citizen
                .send(json!({"action": "leave", "quick": true}))
                .await?;
            let ended = citizen.expect_type("chat_ended").await?;
            ensure!(
                ended["reason"] == "quick_exit",
                "ended with reason {}",
                ended["reason"]
            );
            Ok(())
        })
        .await;
    if quick_exit.is_ok() {
        run.left.resume_token = None;
    }
    quick_exit?;

    if !opts.prod {
        let seq = run
            .step("the operator sees the chat ended by quick exit", async {
                let ended = operator
                    .expect("the ended event", |f| {
                        f["type"] == "message"
                            && is_chat(f, &chat)
                            && f["event"]["event"] == "ended"
                    })
                    .await?;
                ensure!(
                    ended["event"]["reason"] == "quick_exit",
                    "ended with reason {}",
                    ended["event"]["reason"]
                );
                Ok(ended["seq"].as_u64().unwrap_or_default())
            })
            .await?;
        tally.chat_entries(seq);
    }
    run.left.sockets.extend([citizen, operator]);

    if !opts.report && !opts.prod {
        return Ok(());
    }
    let http = run.http();
    let queue_url = run.reports_url("/operator/reports");
    run.step("the operator reports endpoints refuse no token", async {
        let status = http
            .get(&queue_url)
            .send()
            .await
            .context("GET /operator/reports")?
            .status();
        tally.reports_call();
        ensure!(
            status == 401,
            "GET /operator/reports without a token answered {status}"
        );
        let status = http
            .get(&queue_url)
            .bearer_auth(&token)
            .send()
            .await
            .context("GET /operator/reports")?
            .status();
        tally.reports_call();
        ensure!(
            status == 200,
            "GET /operator/reports with the operator's token answered {status}"
        );
        Ok(())
    })
    .await?;

    let reports_url = run.reports_url("/reports");
    if opts.prod {
        return run
            .step("an invalid report is refused", async {
                let response = http
                    .post(&reports_url)
                    .json(&json!({}))
                    .send()
                    .await
                    .context("POST /reports")?;
                tally.reports_call();
                let status = response.status();
                let code = problem(response).await;
                ensure!(
                    status == 400 && code == " `validation_failed`",
                    "POST /reports {{}} answered {status}{code}"
                );
                Ok(())
            })
            .await;
    }

    let reference = run
        .step("a report is filed", async {
            let response = http
                .post(&reports_url)
                .header("idempotency-key", uuid::Uuid::new_v4().to_string())
                .json(&report_body(chrono::Utc::now()))
                .send()
                .await
                .context("POST /reports")?;
            tally.reports_call();
            let status = response.status();
            if status != 201 {
                bail!("POST /reports answered {status}{}", problem(response).await);
            }
            let receipt: Value = response.json().await.context("the receipt is not JSON")?;
            Ok(receipt["reference"]
                .as_str()
                .context("the receipt has no reference")?
                .to_owned())
        })
        .await?;
    run.left.report = Some(reference.clone());

    let report_url = run.reports_url(&format!("/operator/reports/{reference}"));
    run.step("the operator reads the report back", async {
        let response = http
            .get(&report_url)
            .bearer_auth(&token)
            .send()
            .await
            .context("GET /operator/reports/{reference}")?;
        tally.reports_call();
        let status = response.status();
        if status != 200 {
            bail!(
                "GET /operator/reports/{{reference}} answered {status}{}",
                problem(response).await
            );
        }
        let view: Value = response.json().await.context("the report is not JSON")?;
        ensure!(
            view["reference"] == reference.as_str(),
            "another report came back"
        );
        ensure!(
            view["status"] == "new",
            "the report is {}, not new",
            view["status"]
        );
        Ok(())
    })
    .await?;

    let assess_url = format!("{report_url}/assessment");
    run.step(
        "the operator assesses the report as a test",
        assess_as_test(&http, &tally, &assess_url, &token),
    )
    .await?;
    run.left.report = None;
    Ok(())
}

/// The report filed: openapi.yaml's crime example, dated yesterday.
pub fn report_body(now: chrono::DateTime<chrono::Utc>) -> Value {
    let from = now - chrono::Duration::hours(20);
    let to = now - chrono::Duration::hours(8);
    let at = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    json!({
        "kind": "crime",
        "when": {"from": at(from), "to": at(to)},
        "where": {"address": "12 High Street, Exeter", "postcode": "EX1 1AA"},
        "whatHappened": "Smoke test report (bluelamp-smoke): a bicycle taken from a front garden. Not a real report.",
        "reporter": {"name": "Smoke Test", "role": "victim", "phone": "07700 900123",
                     "email": "smoke@example.com", "preferredContact": "email"},
        "crime": {"category": "theft", "property": "Red bicycle"},
        "declaration": true
    })
}

/// The `i`th line, in Polish, or in English for an English citizen.
fn lines(language: &str, lines: &[[&'static str; 2]], i: usize) -> &'static str {
    lines[i % lines.len()][usize::from(language == "en")]
}

const BOT_QUESTIONS: &[[&str; 2]] = &[
    [
        "Jak mogę zgłosić kradzież roweru?",
        "How can I report a stolen bike?",
    ],
    [
        "Gdzie znajdę informacje o zgubionych rzeczach?",
        "Where can I find out about lost property?",
    ],
];

const CITIZEN_LINES: &[[&str; 2]] = &[
    [
        "Dzień dobry, ktoś ukradł mój rower sprzed domu.",
        "Hello, someone took my bike from outside my house.",
    ],
    [
        "To był czerwony rower górski.",
        "It was a red mountain bike.",
    ],
    [
        "Stał przypięty przy płocie w ogrodzie.",
        "It was locked to the fence in the garden.",
    ],
    [
        "Zauważyłam to dziś rano, około siódmej.",
        "I noticed this morning, at about seven.",
    ],
    ["Nie, nikogo nie widziałam.", "No, I did not see anyone."],
];

const OPERATOR_LINES: &[&str] = &[
    "I'm sorry to hear that. When did you last see it?",
    "Thank you. Was it locked?",
    "Do you know the frame number?",
    "I will give you a reference number for your report.",
    "Is there anything else I can help with today?",
];
