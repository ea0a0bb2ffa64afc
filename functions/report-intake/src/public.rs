//! `POST /reports`: the public submission. Limits first (rate, media type, size), then the
//! idempotency key, the report's fields, signposting, and one conditional store write.

use crate::limit::RateDecision;
use crate::problem::{json, Problem};
use crate::{is_json, source_ip, Deps};
use bluelamp::report::{
    parse_report_json, signposts_for, BodyHash, Created, FieldError, FieldRule, IdempotencyClaim,
    IdempotencyKey, NewReport, QueuePriority, Receipt, ReportReference, StoreError,
};
use lambda_http::http::{header, HeaderValue, StatusCode};
use lambda_http::{Body, Request, Response};
use tracing::{error, info, warn};

pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";
/// Set on a reply that repeats the reply to an earlier submission with the same key.
pub const REPLAYED_HEADER: &str = "idempotent-replayed";

/// The metric emitted (EMF, `bluelamp::metrics`) when a report flagged as an emergency (the
/// 999 signpost) is filed: the template's alarm counts it, since such a report should not wait
/// (docs/reports.md, "The assessment queue and audit").
pub const FLAGGED_REPORT_METRIC: &str = bluelamp::metrics::FLAGGED_REPORT_FILED.name;

/// Draws of a fresh reference when the one drawn is taken (one in 10^12: never, in practice).
const REFERENCE_ATTEMPTS: usize = 3;

pub(crate) async fn submit(deps: &Deps, req: &Request) -> Response<Body> {
    let now = deps.clock.now();
    if let RateDecision::Limited { retry_after_secs } =
        deps.rate_limit.admit(&source_ip(req), now).await
    {
        info!(code = "rate_limited", "report refused");
        let mut resp = Problem::rate_limited().into_response();
        if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return resp;
    }
    if !is_json(req) {
        return Problem::unsupported_media_type().into_response();
    }
    let body: &[u8] = req.body().as_ref();
    if body.len() > deps.config.max_body_bytes {
        return Problem::too_large().into_response();
    }
    let key = match req.headers().get(IDEMPOTENCY_HEADER) {
        None => None,
        Some(v) => match v.to_str().ok().map(IdempotencyKey::parse) {
            Some(Ok(key)) => Some(key),
            Some(Err(e)) => return key_error(&e),
            None => return key_error(&bluelamp::report::IdempotencyKeyError),
        },
    };
    let report = match parse_report_json(body, now) {
        Ok(r) => r,
        Err(errors) => {
            // Field names and codes only: never the values.
            let codes: Vec<&str> = errors.iter().map(|e| e.code.as_str()).collect();
            info!(code = "validation_failed", errors = ?codes, "report refused");
            return Problem::validation(errors).into_response();
        }
    };
    let signposts = signposts_for(&report, deps.emergency.as_ref());
    let claim = key.map(|key| IdempotencyClaim {
        key,
        body_hash: BodyHash::of(body),
        expires_at: now + deps.config.idempotency_window,
    });
    for _ in 0..REFERENCE_ATTEMPTS {
        let reference = ReportReference::new_random();
        let receipt = Receipt::new(
            reference.clone(),
            &report,
            &signposts,
            now,
            deps.config.assessment_target,
        );
        let new = NewReport {
            reference,
            report: report.clone(),
            signposts: signposts.clone(),
            receipt,
            submitted_at: now,
            expires_at: now + deps.config.retention,
            idempotency: claim.clone(),
        };
        match deps.store.create(new).await {
            Ok(Created::New(receipt)) => {
                let codes: Vec<&str> = signposts.iter().map(|s| s.code()).collect();
                info!(reference = %receipt.reference, kind = %report.kind(), signposts = ?codes, "report taken");
                if QueuePriority::of(&signposts) == QueuePriority::Emergency {
                    // The alarm counts the metric: one per report filed.
                    deps.metrics.count(
                        &deps.config.force,
                        bluelamp::metrics::FLAGGED_REPORT_FILED,
                        1,
                    );
                    warn!(
                        reference = %receipt.reference,
                        kind = %report.kind(),
                        "a report flagged as an emergency was filed: it waits first in the assessment queue"
                    );
                }
                return json(StatusCode::CREATED, &receipt);
            }
            Ok(Created::Replayed(receipt)) => {
                info!(reference = %receipt.reference, "report replayed for its idempotency key");
                let mut resp = json(StatusCode::CREATED, &receipt);
                resp.headers_mut()
                    .insert(REPLAYED_HEADER, HeaderValue::from_static("true"));
                return resp;
            }
            Err(StoreError::ReferenceTaken) => {
                warn!("a new reference was already taken; drawing another");
            }
            Err(StoreError::IdempotencyConflict) => {
                info!(code = "idempotency_conflict", "report refused");
                return Problem::idempotency_conflict().into_response();
            }
            Err(e) => return storage_failure(&e),
        }
    }
    error!("no free reference after {REFERENCE_ATTEMPTS} draws");
    Problem::internal().into_response()
}

fn key_error(e: &dyn FieldRule) -> Response<Body> {
    Problem::validation(vec![FieldError::from_rule("Idempotency-Key", e)]).into_response()
}

/// A storage failure: the whole cause chain to the log, a generic reply to the client.
pub(crate) fn storage_failure(e: &StoreError) -> Response<Body> {
    let mut chain = vec![e.to_string()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        chain.push(s.to_string());
        source = s.source();
    }
    error!(cause = ?chain, "report store failed");
    match e {
        StoreError::Unavailable(_) => Problem::unavailable().into_response(),
        _ => Problem::internal().into_response(),
    }
}
