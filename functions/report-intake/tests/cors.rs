//! Browsers (CORS) through the real handler: the report form and the operator console, each on
//! its own origin, and pages on any other.

mod common;

use async_trait::async_trait;
use bluelamp::domain::OperatorId;
use chrono::Duration;
use common::*;
use lambda_http::{Body, Response};
use report_intake::{AuthError, MemoryRateLimiter, OperatorAuth};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

const ELSEWHERE: &str = "https://www.demo.police.uk.evil.example";

fn cors_headers(resp: &Response<Body>) -> Vec<String> {
    resp.headers()
        .keys()
        .map(|k| k.as_str().to_owned())
        .filter(|k| k.starts_with("access-control-"))
        .collect()
}

/// The answer is for the page on `origin`, and tells it what it may read.
fn assert_readable_by(resp: &Response<Body>, origin: &str, exposed: &str) {
    let status = resp.status();
    assert_eq!(
        header(resp, "access-control-allow-origin"),
        Some(origin),
        "{status}"
    );
    assert_eq!(
        header(resp, "access-control-expose-headers"),
        Some(exposed),
        "{status}"
    );
    assert_eq!(header(resp, "vary"), Some("Origin"), "{status}");
    assert_eq!(
        header(resp, "access-control-allow-credentials"),
        None,
        "bearer tokens, not cookies: never credentials"
    );
}

const FORM_READS: &str = "Retry-After, Idempotent-Replayed";
const CONSOLE_READS: &str = "Retry-After, WWW-Authenticate";

#[tokio::test]
async fn the_form_on_an_allowed_origin_can_read_the_receipt_and_the_field_errors() {
    let app = app().for_browsers();
    let resp = app
        .send(from_origin(
            post_report(&crime().to_string(), Some("k-1")),
            FORM_ORIGIN,
        ))
        .await;
    assert_eq!(resp.status(), 201, "{}", body_text(&resp));
    assert_readable_by(&resp, FORM_ORIGIN, FORM_READS);
    assert!(body_json(&resp)["reference"].is_string());

    let mut bad = crime();
    bad["reporter"]["email"] = json!("not an email");
    let resp = app
        .send(from_origin(
            post_report(&bad.to_string(), None),
            FORM_ORIGIN,
        ))
        .await;
    assert_eq!(resp.status(), 400);
    assert_readable_by(&resp, FORM_ORIGIN, FORM_READS);
    assert_eq!(body_json(&resp)["errors"][0]["field"], "reporter.email");
}

#[tokio::test]
async fn every_refusal_of_a_report_is_readable_by_the_form() {
    let app =
        app_with_limit(Arc::new(MemoryRateLimiter::new(4, Duration::hours(1)))).for_browsers();
    let send = |req| app.send(from_origin(req, FORM_ORIGIN));
    let mut plain = post_report(&crime().to_string(), None);
    plain
        .headers_mut()
        .insert("content-type", "text/plain".parse().unwrap());
    let mut big = crime();
    big["whatHappened"] = json!("x".repeat(70_000));
    let mut other = crime();
    other["whatHappened"] = json!("Someone else's bicycle.");
    let requests = [
        (post_report(&crime().to_string(), Some("k-1")), 201),
        (post_report(&other.to_string(), Some("k-1")), 409),
        (plain, 415),
        (post_report(&big.to_string(), None), 413),
        (post_report(&crime().to_string(), None), 429),
    ];
    for (req, status) in requests {
        let resp = send(req).await;
        assert_eq!(resp.status(), status, "{}", body_text(&resp));
        assert_readable_by(&resp, FORM_ORIGIN, FORM_READS);
    }
    let resp = send(post_report(&crime().to_string(), None)).await;
    assert_eq!(header(&resp, "retry-after"), Some("3600"));
}

#[tokio::test]
async fn a_page_on_another_origin_is_answered_without_cors_headers() {
    let app = app().for_browsers();
    for origin in [Some(ELSEWHERE), Some(CONSOLE_ORIGIN), Some("null"), None] {
        let req = post_report(&crime().to_string(), None);
        let req = match origin {
            Some(o) => from_origin(req, o),
            None => req,
        };
        let resp = app.send(req).await;
        // Answered as ever (CORS is the browser's to enforce): only not readable by the page.
        assert_eq!(resp.status(), 201, "{origin:?}");
        assert_eq!(cors_headers(&resp), Vec::<String>::new(), "{origin:?}");
        assert_eq!(header(&resp, "vary"), Some("Origin"), "{origin:?}");
    }
    assert_eq!(app.store.report_count(), 4);

    // The form's origin is not the console's.
    let req = operator_get("/operator/reports", Some(OPERATOR_TOKEN));
    let resp = app.send(from_origin(req, FORM_ORIGIN)).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(cors_headers(&resp), Vec::<String>::new());

    // Without any origin configured, nobody's.
    let unconfigured = common::app();
    let req = from_origin(post_report(&crime().to_string(), None), FORM_ORIGIN);
    let resp = unconfigured.send(req).await;
    assert_eq!(resp.status(), 201);
    assert_eq!(cors_headers(&resp), Vec::<String>::new());
}

fn assert_preflight_allowed(resp: &Response<Body>, origin: &str, method: &str, headers: &str) {
    assert_eq!(resp.status(), 204, "{}", body_text(resp));
    assert_eq!(header(resp, "access-control-allow-origin"), Some(origin));
    assert_eq!(header(resp, "access-control-allow-methods"), Some(method));
    assert_eq!(header(resp, "access-control-allow-headers"), Some(headers));
    assert_eq!(header(resp, "access-control-max-age"), Some("600"));
    assert_eq!(header(resp, "access-control-allow-credentials"), None);
    assert!(header(resp, "vary").is_some_and(|v| v.starts_with("Origin")));
    assert!(resp.body().as_ref().is_empty());
}

#[tokio::test]
async fn an_allowed_preflight_gets_204_with_exactly_the_path_s_method_and_headers() {
    let app = app().for_browsers();
    let resp = app
        .send(preflight(
            "/reports",
            Some(FORM_ORIGIN),
            "POST",
            Some("content-type,idempotency-key"),
        ))
        .await;
    assert_preflight_allowed(&resp, FORM_ORIGIN, "POST", "content-type, idempotency-key");

    let reference = "BL-7KQ9-M3XD-R";
    for (path, method) in [
        ("/operator/reports".to_owned(), "GET"),
        (format!("/operator/reports/{reference}"), "GET"),
        (format!("/operator/reports/{reference}/assessment"), "POST"),
    ] {
        let req = preflight(
            &path,
            Some(CONSOLE_ORIGIN),
            method,
            Some("authorization, content-type"),
        );
        let resp = app.send(req).await;
        assert_preflight_allowed(&resp, CONSOLE_ORIGIN, method, "authorization, content-type");
    }
}

#[tokio::test]
async fn a_refused_preflight_is_a_403_problem_with_no_cors_headers() {
    let app = app().for_browsers();
    let cases = [
        ("/reports", Some(ELSEWHERE), "POST", None),
        ("/reports", None, "POST", None),
        ("/reports", Some(CONSOLE_ORIGIN), "POST", None),
        ("/reports", Some(FORM_ORIGIN), "GET", None),
        ("/reports", Some(FORM_ORIGIN), "DELETE", None),
        (
            "/reports",
            Some(FORM_ORIGIN),
            "POST",
            Some("content-type, authorization"),
        ),
        (
            "/operator/reports",
            Some(FORM_ORIGIN),
            "GET",
            Some("authorization"),
        ),
        ("/operator/reports", Some(CONSOLE_ORIGIN), "POST", None),
        ("/operator/anything", Some(CONSOLE_ORIGIN), "GET", None),
    ];
    for (path, origin, method, headers) in cases {
        let resp = app.send(preflight(path, origin, method, headers)).await;
        let at = format!("{path} {origin:?} {method} {headers:?}");
        assert_eq!(resp.status(), 403, "{at}");
        assert_eq!(
            header(&resp, "content-type"),
            Some("application/problem+json"),
            "{at}"
        );
        assert_eq!(
            body_json(&resp),
            json!({"status": 403, "code": "cors_not_allowed",
                   "title": "This cross-origin request is not allowed"}),
            "{at}"
        );
        assert_eq!(cors_headers(&resp), Vec::<String>::new(), "{at}");
    }
    // Not a path of the API at all.
    let resp = app
        .send(preflight("/nothing", Some(FORM_ORIGIN), "POST", None))
        .await;
    assert_eq!(resp.status(), 404);
    assert_eq!(cors_headers(&resp), Vec::<String>::new());
}

/// Counts the tokens it is asked to check, and accepts the one operator's.
#[derive(Default)]
struct CountingAuth(AtomicUsize);

#[async_trait]
impl OperatorAuth for CountingAuth {
    async fn verify(&self, bearer: &str) -> Result<OperatorId, AuthError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        TokenTable.verify(bearer).await
    }
}

#[tokio::test]
async fn a_preflight_to_an_operator_path_needs_no_token_and_leaves_no_audit_record() {
    let mut app = app().for_browsers();
    let auth = Arc::new(CountingAuth::default());
    app.deps.auth = auth.clone();
    let reference = {
        let resp = app.send(post_report(&crime().to_string(), None)).await;
        body_json(&resp)["reference"].as_str().unwrap().to_owned()
    };
    for (path, method) in [
        ("/operator/reports".to_owned(), "GET"),
        (format!("/operator/reports/{reference}"), "GET"),
        (format!("/operator/reports/{reference}/assessment"), "POST"),
    ] {
        let resp = app
            .send(preflight(
                &path,
                Some(CONSOLE_ORIGIN),
                method,
                Some("authorization"),
            ))
            .await;
        assert_eq!(resp.status(), 204, "{path}");
    }
    assert_eq!(auth.0.load(Ordering::SeqCst), 0, "no token was asked for");
    assert!(app.store.audit_log().is_empty(), "a preflight is no access");

    // The console can read its refusals (and why) and its data.
    let resp = app
        .send(from_origin(
            operator_get("/operator/reports", None),
            CONSOLE_ORIGIN,
        ))
        .await;
    assert_eq!(resp.status(), 401);
    assert_readable_by(&resp, CONSOLE_ORIGIN, CONSOLE_READS);
    assert_eq!(header(&resp, "www-authenticate"), Some("Bearer"));
    let resp = app
        .send(from_origin(
            operator_get(
                &format!("/operator/reports/{reference}"),
                Some(OPERATOR_TOKEN),
            ),
            CONSOLE_ORIGIN,
        ))
        .await;
    assert_eq!(resp.status(), 200);
    assert_readable_by(&resp, CONSOLE_ORIGIN, CONSOLE_READS);
    assert_eq!(
        app.store.audit_log().len(),
        1,
        "the read, and only the read"
    );
}

#[tokio::test]
async fn preflights_do_not_count_against_the_submission_limit() {
    let app =
        app_with_limit(Arc::new(MemoryRateLimiter::new(1, Duration::hours(1)))).for_browsers();
    for _ in 0..5 {
        let resp = app
            .send(preflight(
                "/reports",
                Some(FORM_ORIGIN),
                "POST",
                Some("content-type"),
            ))
            .await;
        assert_eq!(resp.status(), 204);
    }
    let send = || {
        app.send(from_origin(
            post_report(&crime().to_string(), None),
            FORM_ORIGIN,
        ))
    };
    assert_eq!(send().await.status(), 201);
    let resp = send().await;
    assert_eq!(resp.status(), 429);
    assert_readable_by(&resp, FORM_ORIGIN, FORM_READS);
}
