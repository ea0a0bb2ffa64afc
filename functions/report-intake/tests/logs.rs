//! What report-intake logs when a report flagged as an emergency is filed: one line with the
//! stable metric name the template's alarm counts, the reference and kind, and nothing the
//! citizen typed. A test binary of its own, because tracing caches per-callsite interest across
//! the threads of one process.

mod common;

use bluelamp::config::CapturedLogs;
use common::*;
use serde_json::json;

#[tokio::test]
async fn a_flagged_report_is_logged_for_the_alarm_without_what_was_typed() {
    let (logs, _guard) = CapturedLogs::start();
    let app = app();

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
    let metric: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains(r#""metric":"FlaggedReportFiled""#))
        .collect();
    assert_eq!(report_intake::FLAGGED_REPORT_METRIC, "FlaggedReportFiled");
    assert_eq!(metric.len(), 1, "one line per flagged report: {lines:#?}");
    assert!(metric[0].contains(&reference), "{}", metric[0]);
    assert!(metric[0].contains(r#""kind":"crime""#), "{}", metric[0]);
    for line in &lines {
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
