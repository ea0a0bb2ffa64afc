//! Alarms and the dashboard, on the metrics the functions emit.

use crate::support::*;

fn alarms_on(metric: &str, dimension: &str, value: impl Fn(&Value) -> bool) -> usize {
    of_type("AWS::CloudWatch::Alarm")
        .into_iter()
        .filter(|(_, a)| {
            let p = &a["Properties"];
            p["MetricName"] == metric
                && as_list(&p["Dimensions"])
                    .into_iter()
                    .any(|d| d["Name"] == dimension && value(&d["Value"]))
                && as_list(&p["AlarmActions"]).into_iter().any(|t| {
                    t["Ref"]
                        .as_str()
                        .is_some_and(|id| resource(id)["Type"] == "AWS::SNS::Topic")
                })
        })
        .count()
}

#[test]
fn alarms_tell_the_ops_team_about_failing_messages_function_errors_and_throttles() {
    for consumer in STREAM_CONSUMERS {
        let queue = on_failure_queue(stream_mapping(consumer));
        assert_eq!(
            alarms_on("ApproximateNumberOfMessagesVisible", "QueueName", |v| {
                is_get_att(v, queue, "QueueName")
            }),
            1,
            "an alarm on {consumer}'s failed records"
        );
        assert_eq!(
            alarms_on("IteratorAge", "FunctionName", |v| is_ref(v, consumer)),
            1,
            "an alarm on {consumer}'s delayed records"
        );
    }
    let reports_api = &props(REPORTS_API)["Name"];
    assert_eq!(
        alarms_on("5XXError", "ApiName", |v| v == reports_api),
        1,
        "an alarm on the reports API's 5xx answers"
    );
    for (id, _) in FUNCTIONS {
        for metric in ["Errors", "Throttles"] {
            assert_eq!(
                alarms_on(metric, "FunctionName", |v| is_ref(v, id)),
                1,
                "an alarm on {id} {metric}"
            );
        }
    }
}

#[test]
fn the_wait_and_failed_records_alarms_read_the_metrics_the_functions_emit() {
    for (alarm, metric) in [
        ("ChatWaitingTooLongAlarm", "LongestWaitSeconds"),
        ("FailedRecordsAlarm", "FailedRecords"),
        ("FlaggedReportAlarm", "FlaggedReportFiled"),
    ] {
        let p = props(alarm);
        assert_eq!(p["Namespace"], "Bluelamp", "{alarm}");
        assert_eq!(p["MetricName"], metric, "{alarm}");
        let dims = as_list(&p["Dimensions"]);
        assert_eq!(dims.len(), 1, "{alarm}: the Force dimension only");
        assert_eq!(dims[0]["Name"], "Force");
        assert!(is_ref(&dims[0]["Value"], "ForceId"));
        assert!(is_ref(&p["AlarmActions"][0], "AlarmTopic"), "{alarm}");
    }
    // The dashboard shows each metric docs/deploy.md names.
    let body = &props("Dashboard")["DashboardBody"]["Fn::Sub"][0];
    let body = body.as_str().expect("the dashboard's body");
    for metric in [
        "ChatsWaiting",
        "LongestWaitSeconds",
        "OperatorsAvailable",
        "MessagesStored",
        "TranslationFailures",
        "FailedRecords",
    ] {
        assert!(
            body.contains(&format!("\"{metric}\"")),
            "dashboard: {metric}"
        );
    }
    let deploy = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/deploy.md"),
    )
    .expect("docs/deploy.md");
    for (id, _) in FUNCTIONS {
        assert!(body.contains(&format!("${{{id}}}")), "dashboard: {id}");
    }
    // Every metric the code emits is a row of docs/deploy.md's table ("| `Name` | Unit |"),
    // with its unit, and the table names no other.
    let rows: BTreeSet<(String, String)> = deploy
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let name = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            let unit = cells.get(2)?;
            matches!(*unit, "Count" | "Seconds").then(|| (name.to_owned(), (*unit).to_owned()))
        })
        .collect();
    let emitted: BTreeSet<(String, String)> = bluelamp::metrics::ALL
        .iter()
        .map(|m| (m.name.to_owned(), m.unit.as_str().to_owned()))
        .collect();
    assert_eq!(
        rows, emitted,
        "docs/deploy.md's metrics table is the code's"
    );
}

#[test]
fn every_metric_the_template_reads_is_one_the_code_emits() {
    let emits = |name: &str| bluelamp::metrics::ALL_METRICS.contains(&name);
    let mut read = 0;
    for (id, r) in resources() {
        let p = &r["Properties"];
        if r["Type"] == "AWS::CloudWatch::Alarm" && p["Namespace"] == bluelamp::metrics::NAMESPACE {
            let name = p["MetricName"].as_str().unwrap_or_default();
            assert!(emits(name), "{id} reads {name}, which no function emits");
            let dims = as_list(&p["Dimensions"]);
            assert_eq!(dims.len(), 1, "{id}");
            assert_eq!(dims[0]["Name"], bluelamp::metrics::DIMENSION, "{id}");
            read += 1;
        }
    }
    let body = props("Dashboard")["DashboardBody"]["Fn::Sub"][0]
        .as_str()
        .expect("the dashboard's body")
        .to_owned();
    let prefix = format!("[\"{}\", \"", bluelamp::metrics::NAMESPACE);
    for (at, _) in body.match_indices(&prefix) {
        let rest = &body[at + prefix.len()..];
        let name = &rest[..rest.find('"').unwrap_or(0)];
        assert!(
            emits(name),
            "the dashboard reads {name}, which no function emits"
        );
        assert!(
            rest[name.len()..].starts_with(&format!(
                "\", \"{}\", \"${{ForceId}}\"]",
                bluelamp::metrics::DIMENSION
            )),
            "the dashboard reads {name} by Force"
        );
        read += 1;
    }
    assert!(
        read >= 9,
        "the alarms and the dashboard read the metrics: {read}"
    );
}

/// Denied operator sign-ins: the metric filter counts the authorizer's refusal lines by the
/// message the code logs (`authorizer::DENIED_LOG_MESSAGE`, the line's `fields.message`: its
/// own test reads the line), and the alarm reads that metric.
#[test]
fn denied_operator_sign_ins_are_counted_from_the_authorizer_s_log_and_alarmed() {
    let filter = props("DeniedSignInsMetricFilter");
    assert!(is_ref(&filter["LogGroupName"], "AuthorizerLogGroup"));
    let authorizer_group = &function_property(AUTHORIZER, "LoggingConfig")["LogGroup"];
    assert!(is_ref(authorizer_group, "AuthorizerLogGroup"));
    assert_eq!(
        filter["FilterPattern"],
        format!(
            "{{ $.fields.message = \"{}\" }}",
            authorizer::DENIED_LOG_MESSAGE
        )
    );
    let metric = &filter["MetricTransformations"][0];
    assert_eq!(metric["MetricValue"], "1");
    let alarm = props("DeniedSignInsAlarm");
    assert_eq!(alarm["Namespace"], metric["MetricNamespace"]);
    assert_eq!(alarm["MetricName"], metric["MetricName"]);
    assert_ne!(
        metric["MetricNamespace"],
        bluelamp::metrics::NAMESPACE,
        "not one of the functions' own metrics"
    );
    assert!(sub_text(&metric["MetricName"]).starts_with("${AWS::StackName}-"));
    assert_eq!(alarm["Statistic"], "Sum");
    assert!(is_ref(&alarm["AlarmActions"][0], "AlarmTopic"));
}

#[test]
fn a_surge_of_requests_the_reports_waf_blocks_is_alarmed() {
    let alarm = props("WafBlocksAlarm");
    assert_eq!(alarm["Namespace"], "AWS/WAFV2");
    assert_eq!(alarm["MetricName"], "BlockedRequests");
    let dims: BTreeMap<&str, &Value> = as_list(&alarm["Dimensions"])
        .into_iter()
        .map(|d| (d["Name"].as_str().unwrap_or_default(), &d["Value"]))
        .collect();
    assert_eq!(
        dims["WebACL"],
        &props("ReportsWebAcl")["Name"],
        "the reports WAF"
    );
    assert!(is_ref(dims["Region"], "AWS::Region"));
    assert_eq!(dims["Rule"], "ALL");
    assert_eq!(alarm["Statistic"], "Sum");
    assert!(is_ref(&alarm["AlarmActions"][0], "AlarmTopic"));
}

#[test]
fn the_dashboard_shows_flagged_reports_denied_sign_ins_and_waf_blocks() {
    let body = props("Dashboard")["DashboardBody"]["Fn::Sub"][0]
        .as_str()
        .expect("the dashboard's body");
    let widgets: Value = serde_json::from_str(
        &body
            .replace("${AWS::Region}", "eu-west-2")
            .replace("${ChatWaitAlarmSeconds}", "300"),
    )
    .expect("the dashboard's body is JSON");
    let titled = |title: &str| {
        widgets["widgets"]
            .as_array()
            .and_then(|w| w.iter().find(|w| w["properties"]["title"] == title))
            .map(|w| w["properties"]["metrics"][0].clone())
            .unwrap_or_else(|| panic!("a widget {title:?}"))
    };
    assert_eq!(
        titled("Flagged (emergency) reports filed"),
        json!(["Bluelamp", "FlaggedReportFiled", "Force", "${ForceId}"])
    );
    let denied = &props("DeniedSignInsMetricFilter")["MetricTransformations"][0];
    assert_eq!(
        titled("Operator sign-ins denied"),
        json!([denied["MetricNamespace"], sub_text(&denied["MetricName"])])
    );
    assert_eq!(
        titled("Reports WAF blocks"),
        json!([
            "AWS/WAFV2",
            "BlockedRequests",
            "WebACL",
            "${AWS::StackName}-reports",
            "Region",
            "eu-west-2",
            "Rule",
            "ALL"
        ])
    );
}
