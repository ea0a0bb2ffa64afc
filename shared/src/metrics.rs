//! The functions' own metrics, in CloudWatch embedded metric format (EMF): one JSON object on
//! its own line of the function's output, which Lambda's log pipeline turns into metrics. No
//! API call and no permission, so a metric costs a log line and nothing more.
//!
//! The line is written straight to stdout, not through `tracing`: a tracing record nests its
//! fields (`"fields": {...}`) beside `level` and `target`, and EMF needs `_aws` and every
//! metric's value at the top of the object. Each document holds the `_aws` block, the `Force`
//! dimension and numbers, nothing else: never a chat, a message, a name or a token (the
//! functions' only inputs here are counts and the force's id). `docs/deploy.md`, "Metrics",
//! names each metric and the function that emits it; the template's alarms and dashboard read
//! them under the namespace [`NAMESPACE`], dimension [`DIMENSION`].
//!
//! Where the line goes is a port, [`MetricsSink`]: [`StdoutSink`] in the functions,
//! [`DiscardSink`] in the local gateway, and [`CapturedMetrics`] for tests.

use crate::domain::ForceId;
use std::io::Write;
use std::sync::Arc;

/// The CloudWatch namespace of every metric.
pub const NAMESPACE: &str = "Bluelamp";
/// The one dimension, whose value is the function's `FORCE_ID`.
pub const DIMENSION: &str = "Force";

/// A CloudWatch unit (the ones these metrics use).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Count,
    Seconds,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Count => "Count",
            Unit::Seconds => "Seconds",
        }
    }
}

/// One metric: its name and unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metric {
    pub name: &'static str,
    pub unit: Unit,
}

/// Chats in the force's queue (translate's scheduled run, every minute).
pub const CHATS_WAITING: Metric = Metric {
    name: "ChatsWaiting",
    unit: Unit::Count,
};
/// How long the longest-waiting chat in the queue has waited, 0 when none (the same run).
pub const LONGEST_WAIT_SECONDS: Metric = Metric {
    name: "LongestWaitSeconds",
    unit: Unit::Seconds,
};
/// Operators online and taking chats (the same run).
pub const OPERATORS_AVAILABLE: Metric = Metric {
    name: "OperatorsAvailable",
    unit: Unit::Count,
};
/// 1 per citizen's or operator's message stored (`message`).
pub const MESSAGES_STORED: Metric = Metric {
    name: "MessagesStored",
    unit: Unit::Count,
};
/// 1 per translation that failed (`translate`).
pub const TRANSLATION_FAILURES: Metric = Metric {
    name: "TranslationFailures",
    unit: Unit::Count,
};
/// The records a stream batch reports as failed (`translate`, `faq-reply`).
pub const FAILED_RECORDS: Metric = Metric {
    name: "FailedRecords",
    unit: Unit::Count,
};
/// 1 per report flagged as an emergency filed (`report-intake`).
pub const FLAGGED_REPORT_FILED: Metric = Metric {
    name: "FlaggedReportFiled",
    unit: Unit::Count,
};

/// Every metric the code emits.
pub const ALL: &[Metric] = &[
    CHATS_WAITING,
    LONGEST_WAIT_SECONDS,
    OPERATORS_AVAILABLE,
    MESSAGES_STORED,
    TRANSLATION_FAILURES,
    FAILED_RECORDS,
    FLAGGED_REPORT_FILED,
];

/// The names of [`ALL`] (the template and docs checks read these).
pub const ALL_METRICS: &[&str] = &[
    CHATS_WAITING.name,
    LONGEST_WAIT_SECONDS.name,
    OPERATORS_AVAILABLE.name,
    MESSAGES_STORED.name,
    TRANSLATION_FAILURES.name,
    FAILED_RECORDS.name,
    FLAGGED_REPORT_FILED.name,
];

/// The EMF document for `values` at `timestamp_ms`: the `_aws` block naming each metric with
/// its unit, the `Force` dimension, and each metric's value. Only names from [`ALL`] can be
/// given (they are `Metric`s), so nothing else can reach the line.
pub fn document(force: &ForceId, timestamp_ms: i64, values: &[(Metric, f64)]) -> serde_json::Value {
    let mut root = serde_json::Map::new();
    let definitions: Vec<serde_json::Value> = values
        .iter()
        .map(|(m, _)| serde_json::json!({ "Name": m.name, "Unit": m.unit.as_str() }))
        .collect();
    root.insert(
        "_aws".to_owned(),
        serde_json::json!({
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [{
                "Namespace": NAMESPACE,
                "Dimensions": [[DIMENSION]],
                "Metrics": definitions,
            }],
        }),
    );
    root.insert(DIMENSION.to_owned(), force.to_string().into());
    for (m, v) in values {
        root.insert(m.name.to_owned(), serde_json::json!(v));
    }
    serde_json::Value::Object(root)
}

/// Where a metric line goes.
pub trait MetricsSink: Send + Sync {
    /// Writes one line (without its newline).
    fn write_line(&self, line: &str);
}

/// The function's stdout, one whole line per write (tracing writes its own lines there too;
/// each takes the lock for a whole line, so the two never interleave).
#[derive(Debug, Default, Clone, Copy)]
pub struct StdoutSink;

impl MetricsSink for StdoutSink {
    fn write_line(&self, line: &str) {
        let mut out = std::io::stdout().lock();
        let mut bytes = Vec::with_capacity(line.len() + 1);
        bytes.extend_from_slice(line.as_bytes());
        bytes.push(b'\n');
        if out.write_all(&bytes).and_then(|()| out.flush()).is_err() {
            tracing::warn!("could not write a metric line");
        }
    }
}

/// Nowhere (the local gateway: no CloudWatch to read them).
#[derive(Debug, Default, Clone, Copy)]
pub struct DiscardSink;

impl MetricsSink for DiscardSink {
    fn write_line(&self, _: &str) {}
}

/// For tests: every line written, in order.
#[derive(Debug, Default, Clone)]
pub struct CapturedMetrics(Arc<std::sync::Mutex<Vec<String>>>);

impl CapturedMetrics {
    /// The lines written so far.
    pub fn lines(&self) -> Vec<String> {
        self.0.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// The lines written so far, parsed.
    pub fn documents(&self) -> Vec<serde_json::Value> {
        self.lines()
            .iter()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// The sum of `name`'s values over every line written so far.
    pub fn total(&self, name: &str) -> f64 {
        self.documents()
            .iter()
            .filter_map(|d| d.get(name).and_then(serde_json::Value::as_f64))
            .sum()
    }

    /// `name`'s values, one per line that holds it, in order.
    pub fn values(&self, name: &str) -> Vec<f64> {
        self.documents()
            .iter()
            .filter_map(|d| d.get(name).and_then(serde_json::Value::as_f64))
            .collect()
    }
}

impl MetricsSink for CapturedMetrics {
    fn write_line(&self, line: &str) {
        if let Ok(mut lines) = self.0.lock() {
            lines.push(line.to_owned());
        }
    }
}

/// The handle the handlers hold: cheap to clone, one sink behind it.
#[derive(Clone)]
pub struct Metrics {
    sink: Arc<dyn MetricsSink>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    pub fn to(sink: Arc<dyn MetricsSink>) -> Self {
        Self { sink }
    }

    /// The functions': stdout, the Lambda log stream.
    pub fn stdout() -> Self {
        Self::to(Arc::new(StdoutSink))
    }

    /// None written (the local gateway).
    pub fn discard() -> Self {
        Self::to(Arc::new(DiscardSink))
    }

    /// For tests: the handle and what it captures.
    pub fn captured() -> (Self, CapturedMetrics) {
        let captured = CapturedMetrics::default();
        (Self::to(Arc::new(captured.clone())), captured)
    }

    /// Writes one document with `values`, now. Nothing when `values` is empty.
    pub fn emit(&self, force: &ForceId, values: &[(Metric, f64)]) {
        if values.is_empty() {
            return;
        }
        let line = document(force, crate::domain::now_ms(), values).to_string();
        self.sink.write_line(&line);
    }

    /// Writes `metric` with `count` (a `Count` metric's one value).
    pub fn count(&self, force: &ForceId, metric: Metric, count: usize) {
        self.emit(force, &[(metric, count as f64)]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn force() -> ForceId {
        ForceId::parse("demo").expect("a force id")
    }

    fn keys(v: &serde_json::Value) -> BTreeSet<String> {
        v.as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_document_is_the_aws_block_the_dimension_and_each_value_and_nothing_else() {
        let (metrics, captured) = Metrics::captured();
        metrics.emit(
            &force(),
            &[(CHATS_WAITING, 2.0), (LONGEST_WAIT_SECONDS, 95.0)],
        );
        let lines = captured.lines();
        assert_eq!(lines.len(), 1);
        assert!(!lines[0].contains('\n'), "one line");
        let doc: serde_json::Value = serde_json::from_str(&lines[0]).expect("JSON");
        assert_eq!(
            keys(&doc),
            BTreeSet::from(
                ["_aws", "Force", "ChatsWaiting", "LongestWaitSeconds"].map(str::to_owned)
            )
        );
        assert_eq!(doc["Force"], "demo");
        assert_eq!(doc["ChatsWaiting"], 2.0);
        assert_eq!(doc["LongestWaitSeconds"], 95.0);
        let aws = &doc["_aws"];
        assert_eq!(
            keys(aws),
            BTreeSet::from(["Timestamp", "CloudWatchMetrics"].map(str::to_owned))
        );
        let ts = aws["Timestamp"].as_i64().expect("milliseconds");
        assert!(
            (ts - crate::domain::now_ms()).abs() < 60_000,
            "now, in ms: {ts}"
        );
        let directives = aws["CloudWatchMetrics"].as_array().expect("a list");
        assert_eq!(directives.len(), 1);
        let d = &directives[0];
        assert_eq!(
            keys(d),
            BTreeSet::from(["Namespace", "Dimensions", "Metrics"].map(str::to_owned))
        );
        assert_eq!(d["Namespace"], "Bluelamp");
        assert_eq!(d["Dimensions"], serde_json::json!([["Force"]]));
        assert_eq!(
            d["Metrics"],
            serde_json::json!([
                { "Name": "ChatsWaiting", "Unit": "Count" },
                { "Name": "LongestWaitSeconds", "Unit": "Seconds" },
            ])
        );
        // Every metric named has its value at the top, and every dimension too.
        for m in d["Metrics"].as_array().unwrap() {
            let name = m["Name"].as_str().unwrap();
            assert!(doc[name].is_number(), "{name} has a value");
        }
        for dim in d["Dimensions"][0].as_array().unwrap() {
            assert!(doc[dim.as_str().unwrap()].is_string());
        }
    }

    #[test]
    fn every_metric_has_a_distinct_name_and_all_metrics_names_them() {
        let names: Vec<&str> = ALL.iter().map(|m| m.name).collect();
        assert_eq!(names, ALL_METRICS);
        assert_eq!(
            names.iter().collect::<BTreeSet<_>>().len(),
            names.len(),
            "distinct"
        );
        let doc = document(
            &force(),
            0,
            &ALL.iter().map(|m| (*m, 1.0)).collect::<Vec<_>>(),
        );
        assert_eq!(keys(&doc).len(), ALL.len() + 2);
    }

    #[test]
    fn nothing_is_written_for_no_values() {
        let (metrics, captured) = Metrics::captured();
        metrics.emit(&force(), &[]);
        assert!(captured.lines().is_empty());
        metrics.count(&force(), FAILED_RECORDS, 3);
        assert_eq!(captured.total("FailedRecords"), 3.0);
    }
}
