//! What report-intake logs and emits when a report flagged as an emergency is filed: one
//! `FlaggedReportFiled` metric (embedded metric format, what the template's alarm counts), a
//! log line with the reference and kind, and nothing the citizen typed in either. A test binary of its own, because tracing caches per-callsite interest across
//! the threads of one process.

mod common;

use bluelamp::config::CapturedLogs;
use common::*;
use serde_json::json;

#[tokio::test]
async fn a_flagged_report_is_logged_for_the_alarm_without_what_was_typed() {
    let (logs, _guard) = CapturedLogs::start();
    let mut app = app();
    let (metrics, emitted) = bluelamp::metrics::Metrics::captured();
    app.deps.metrics = metrics;

    let mut flagged = crime();
    let words = "He is outside my door with a knife right now";
    flagged["whatHappened"] = json!(words);
    let resp = app.send(post_report(&flagged.to_string(), None)).await;
    assert_eq!(resp.status(), 201);
    let reference = body_json(&resp)["reference"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let resp = app.send(post_report(&crime().to_string(), None)).await;
    assert_eq!(resp.status(), 201);

    let lines = logs.lines();
    let flagged_lines: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("flagged as an emergency was filed"))
        .collect();
    assert_eq!(report_intake::FLAGGED_REPORT_METRIC, "FlaggedReportFiled");
    assert_eq!(
        flagged_lines.len(),
        1,
        "one line per flagged report: {lines:#?}"
    );
    assert!(
        flagged_lines[0].contains(&reference),
        "{}",
        flagged_lines[0]
    );
    assert!(
        flagged_lines[0].contains(r#""kind":"crime""#),
        "{}",
        flagged_lines[0]
    );
    // The metric: one document, for the one flagged report, under the force.
    let docs = emitted.documents();
    assert_eq!(docs.len(), 1, "{:?}", emitted.lines());
    assert_eq!(docs[0]["FlaggedReportFiled"], 1.0);
    assert_eq!(docs[0]["Force"], "demo");
    assert_eq!(
        docs[0]["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Name"],
        "FlaggedReportFiled"
    );
    for line in lines.iter().chain(emitted.lines().iter()) {
        for secret in [
            "knife",
            "Ann Example",
            "07700",
            "ann@example.com",
            "EX1 1AA",
        ] {
            assert!(!line.contains(secret), "{secret} reached the logs: {line}");
        }
    }
}
