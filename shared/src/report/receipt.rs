//! What a citizen is told when their report is taken: its reference, what happens next and by
//! when, and any signposts. Nothing else: no personal detail is echoed back.

use super::model::{ContactPreference, Report};
use super::reference::ReportReference;
use super::signpost::Signpost;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignpostNotice {
    pub code: Signpost,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Receipt {
    pub reference: ReportReference,
    /// In plain words: who looks at the report, by when, and how they will be in touch.
    pub next_steps: String,
    /// When the report will have been assessed, at the latest.
    pub assess_by: DateTime<Utc>,
    pub signposts: Vec<SignpostNotice>,
}

impl Receipt {
    pub fn new(
        reference: ReportReference,
        report: &Report,
        signposts: &[Signpost],
        submitted_at: DateTime<Utc>,
        assessment_target: Duration,
    ) -> Self {
        let hours = match assessment_target.num_hours().max(1) {
            1 => "1 hour".to_owned(),
            n => format!("{n} hours"),
        };
        let how = match report.reporter().contact.preferred() {
            ContactPreference::Phone => "by phone",
            ContactPreference::Email => "by email",
        };
        let next_steps = format!(
            "Thank you. A call handler will assess your report within {hours}. If they \
             need to know more, they will contact you {how}. Quote your reference {reference} \
             if you contact us about this report."
        );
        Self {
            reference,
            next_steps,
            assess_by: submitted_at + assessment_target,
            signposts: signposts
                .iter()
                .map(|s| SignpostNotice {
                    code: *s,
                    message: s.message().to_owned(),
                })
                .collect(),
        }
    }
}
