//! The operator endpoints: the assessment queue, one report, and recording an assessment.
//! Every one needs an operator token, and every read or change leaves an audit record (who,
//! what, which report, when); if the record cannot be written, the data is not returned.

use crate::auth::AuthError;
use crate::config::MAX_ASSESSMENT_BODY_BYTES;
use crate::problem::{json, Problem};
use crate::public::storage_failure;
use crate::{is_json, Deps};
use bluelamp::domain::OperatorId;
use bluelamp::report::{
    parse_json_body, Assessment, AssessmentNotes, AssessmentOutcome, AuditAction, AuditRecord,
    FieldError, FieldRule, QueueCursor, QueueQuery, ReportBody, ReportKind, ReportReference,
    ReportStatus, Signpost, StoreError, StoredReport, MAX_QUEUE_PAGE,
};
use chrono::{DateTime, Utc};
use lambda_http::http::{header, StatusCode};
use lambda_http::{Body, Request, RequestExt, Response};
use serde::{Deserialize, Serialize};
use tracing::{info, warn};

/// The queue page size when the client does not say.
pub const DEFAULT_QUEUE_PAGE: usize = 25;

pub(crate) async fn authenticate(deps: &Deps, req: &Request) -> Result<OperatorId, Problem> {
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .filter(|t| !t.is_empty())
        .ok_or_else(Problem::unauthorized)?;
    match deps.auth.verify(bearer).await {
        Ok(op) => Ok(op),
        Err(AuthError::Invalid) => {
            info!(code = "unauthorized", "operator token refused");
            Err(Problem::unauthorized())
        }
        Err(AuthError::Forbidden) => {
            info!(code = "forbidden", "operator may not work on reports");
            Err(Problem::forbidden())
        }
        Err(AuthError::Unavailable(e)) => {
            warn!(error = %e, "operator tokens cannot be verified");
            Err(Problem::unavailable())
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct QueueEntryView {
    reference: ReportReference,
    kind: ReportKind,
    submitted_at: DateTime<Utc>,
    signposts: Vec<Signpost>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct QueueView {
    reports: Vec<QueueEntryView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AssessmentView {
    outcome: AssessmentOutcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    notes: Option<String>,
    assessor: OperatorId,
    assessed_at: DateTime<Utc>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportView {
    reference: ReportReference,
    kind: ReportKind,
    status: ReportStatus,
    submitted_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    signposts: Vec<Signpost>,
    report: ReportBody,
    #[serde(skip_serializing_if = "Option::is_none")]
    assessment: Option<AssessmentView>,
}

impl From<StoredReport> for ReportView {
    fn from(s: StoredReport) -> Self {
        Self {
            kind: s.report.kind(),
            report: s.report.to_body(),
            reference: s.reference,
            status: s.status,
            submitted_at: s.submitted_at,
            expires_at: s.expires_at,
            signposts: s.signposts,
            assessment: s.assessment.map(|a| AssessmentView {
                outcome: a.outcome,
                notes: a.notes.map(|n| n.as_str().to_owned()),
                assessor: a.assessor,
                assessed_at: a.assessed_at,
            }),
        }
    }
}

fn query_pairs(req: &Request) -> Vec<(String, String)> {
    match req.query_string_parameters_ref() {
        Some(q) => q
            .iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        None => req
            .uri()
            .query()
            .unwrap_or_default()
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (percent_decode(k), percent_decode(v))
            })
            .collect(),
    }
}

/// Decodes `%XX` and `+`; anything malformed is kept as it is (and then fails validation).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn parse_queue_query(req: &Request) -> Result<QueueQuery, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut query = QueueQuery {
        kind: None,
        limit: DEFAULT_QUEUE_PAGE,
        cursor: None,
    };
    for (k, v) in query_pairs(req) {
        match k.as_str() {
            "kind" => match ReportKind::parse(&v) {
                Some(kind) => query.kind = Some(kind),
                None => errors.push(FieldError::new(
                    "kind",
                    "invalid_choice",
                    ReportKind::choices(),
                )),
            },
            "limit" => match v.parse::<usize>() {
                Ok(n) if (1..=MAX_QUEUE_PAGE).contains(&n) => query.limit = n,
                _ => errors.push(FieldError::new(
                    "limit",
                    "out_of_range",
                    format!("Use a whole number from 1 to {MAX_QUEUE_PAGE}"),
                )),
            },
            "cursor" => match QueueCursor::parse(&v) {
                Some(c) => query.cursor = Some(c),
                None => errors.push(invalid_cursor()),
            },
            _ => {
                let field = if k.len() <= 40 && k.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    k.clone()
                } else {
                    "query".to_owned()
                };
                errors.push(FieldError::new(
                    field,
                    "unknown_field",
                    "This parameter is not known",
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(query)
    } else {
        Err(errors)
    }
}

fn invalid_cursor() -> FieldError {
    FieldError::new(
        "cursor",
        "invalid_cursor",
        "Use the nextCursor of the previous page",
    )
}

/// When an audit record written at `at` may be deleted: never, without a retention period.
fn audit_expiry(deps: &Deps, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    deps.config.audit_retention.map(|keep| at + keep)
}

async fn audit(
    deps: &Deps,
    operator: &OperatorId,
    action: AuditAction,
    reference: Option<&ReportReference>,
) -> Result<(), Response<Body>> {
    let at = deps.clock.now();
    let record = AuditRecord {
        at,
        operator: operator.clone(),
        action,
        reference: reference.cloned(),
        expires_at: audit_expiry(deps, at),
    };
    deps.store
        .append_audit(record)
        .await
        .map_err(|e| storage_failure(&e))
}

pub(crate) async fn queue(deps: &Deps, req: &Request, operator: &OperatorId) -> Response<Body> {
    let query = match parse_queue_query(req) {
        Ok(q) => q,
        Err(errors) => return Problem::invalid_query(errors).into_response(),
    };
    let page = match deps.store.queue(&query).await {
        Ok(page) => page,
        Err(StoreError::InvalidCursor) => {
            return Problem::invalid_query(vec![invalid_cursor()]).into_response()
        }
        Err(e) => return storage_failure(&e),
    };
    if let Err(resp) = audit(deps, operator, AuditAction::QueueListed, None).await {
        return resp;
    }
    info!(operator = %operator, action = "queueListed", count = page.entries.len(), "operator listed the queue");
    let view = QueueView {
        reports: page
            .entries
            .into_iter()
            .map(|e| QueueEntryView {
                reference: e.reference,
                kind: e.kind,
                submitted_at: e.submitted_at,
                signposts: e.signposts,
            })
            .collect(),
        next_cursor: page.next.map(|c| c.as_str().to_owned()),
    };
    json(StatusCode::OK, &view)
}

pub(crate) async fn view(deps: &Deps, reference: &str, operator: &OperatorId) -> Response<Body> {
    let Ok(reference) = ReportReference::parse(reference) else {
        return Problem::not_found().into_response();
    };
    let stored = match deps.store.get(&reference).await {
        Ok(Some(s)) => s,
        Ok(None) => {
            info!(operator = %operator, reference = %reference, "operator asked for an unknown report");
            return Problem::not_found().into_response();
        }
        Err(e) => return storage_failure(&e),
    };
    if let Err(resp) = audit(deps, operator, AuditAction::ReportViewed, Some(&reference)).await {
        return resp;
    }
    info!(operator = %operator, reference = %reference, action = "reportViewed", "operator read a report");
    json(StatusCode::OK, &ReportView::from(stored))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AssessmentBody {
    outcome: Option<String>,
    notes: Option<String>,
}

fn parse_assessment(
    body: &[u8],
) -> Result<(AssessmentOutcome, Option<AssessmentNotes>), Vec<FieldError>> {
    let b: AssessmentBody = parse_json_body(body)?;
    let mut errors = Vec::new();
    let outcome = match b.outcome.as_deref().map(str::trim) {
        None | Some("") => {
            errors.push(FieldError::new("outcome", "required", "Enter the outcome"));
            None
        }
        Some(s) => {
            let o = AssessmentOutcome::parse(s);
            if o.is_none() {
                errors.push(FieldError::new(
                    "outcome",
                    "invalid_choice",
                    AssessmentOutcome::choices(),
                ));
            }
            o
        }
    };
    let notes = match b.notes.as_deref().filter(|n| !n.trim().is_empty()) {
        None => None,
        Some(n) => match AssessmentNotes::parse(n) {
            Ok(n) => Some(n),
            Err(e) => {
                errors.push(FieldError::from_rule("notes", &e as &dyn FieldRule));
                None
            }
        },
    };
    match outcome {
        Some(o) if errors.is_empty() => Ok((o, notes)),
        _ => Err(errors),
    }
}

pub(crate) async fn assess(
    deps: &Deps,
    req: &Request,
    reference: &str,
    operator: &OperatorId,
) -> Response<Body> {
    let Ok(reference) = ReportReference::parse(reference) else {
        return Problem::not_found().into_response();
    };
    if !is_json(req) {
        return Problem::unsupported_media_type().into_response();
    }
    let body: &[u8] = req.body().as_ref();
    if body.len() > MAX_ASSESSMENT_BODY_BYTES {
        return Problem::too_large().into_response();
    }
    let (outcome, notes) = match parse_assessment(body) {
        Ok(v) => v,
        Err(errors) => return Problem::validation(errors).into_response(),
    };
    let assessment = Assessment {
        outcome,
        notes,
        assessor: operator.clone(),
        assessed_at: deps.clock.now(),
    };
    // The store appends the ReportAssessed audit record in the same atomic step.
    let audit_expires_at = audit_expiry(deps, assessment.assessed_at);
    match deps
        .store
        .record_assessment(&reference, assessment, audit_expires_at)
        .await
    {
        Ok(stored) => {
            info!(operator = %operator, reference = %reference, outcome = %outcome, action = "reportAssessed", "operator assessed a report");
            json(StatusCode::OK, &ReportView::from(stored))
        }
        Err(StoreError::NotFound) => Problem::not_found().into_response(),
        Err(StoreError::NotNew { .. }) => Problem::already_assessed().into_response(),
        Err(e) => storage_failure(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn query_values_are_percent_decoded_and_malformed_escapes_kept() {
        assert_eq!(percent_decode("a%20b+c"), "a b c");
        assert_eq!(percent_decode("%zz%2"), "%zz%2");
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("%41"), "A");
    }
}
