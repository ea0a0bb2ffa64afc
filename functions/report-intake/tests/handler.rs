//! The reports API through its real handler, with requests as API Gateway hands them over.

mod common;

use bluelamp::report::{AuditAction, ReportReference};
use chrono::Duration;
use common::*;
use report_intake::MemoryRateLimiter;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::Arc;

use bluelamp::report::examples::{antisocial_behaviour as asb, collision};

async fn submit(app: &App, body: &Value) -> String {
    let resp = app.send(post_report(&body.to_string(), None)).await;
    assert_eq!(resp.status(), 201, "{}", body_text(&resp));
    body_json(&resp)["reference"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn each_kind_of_report_is_accepted_with_a_reference_and_nothing_personal() {
    let app = app();
    for report in [crime(), collision(), asb()] {
        let resp = app.send(post_report(&report.to_string(), None)).await;
        assert_eq!(resp.status(), 201, "{}", body_text(&resp));
        assert_eq!(header(&resp, "content-type"), Some("application/json"));
        assert_eq!(header(&resp, "cache-control"), Some("no-store"));
        let body = body_json(&resp);
        let keys: BTreeSet<&str> = body
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            BTreeSet::from(["reference", "nextSteps", "assessBy", "signposts"])
        );
        assert!(ReportReference::parse(body["reference"].as_str().unwrap()).is_ok());
        assert!(body["nextSteps"]
            .as_str()
            .unwrap()
            .contains("within 24 hours"));
        assert_eq!(body["assessBy"], json!("2026-11-29T12:00:00Z"));
        let text = body_text(&resp);
        for personal in [
            "Example",
            "07700",
            "example.com",
            "EX1",
            "EX4",
            "AB12",
            "Dan",
        ] {
            assert!(
                !text.contains(personal),
                "the reply echoes {personal}: {text}"
            );
        }
    }
    assert_eq!(app.store.report_count(), 3);
}

#[tokio::test]
async fn a_bad_report_gets_all_its_field_errors_at_once() {
    let app = app();
    let mut bad = collision();
    bad["when"]["from"] = json!("2027-01-01");
    bad["reporter"]["email"] = json!("not an email");
    bad["collision"]["vehicles"][1]["registration"] = json!("NOT A REG");
    bad["declaration"] = json!(false);
    let resp = app.send(post_report(&bad.to_string(), None)).await;
    assert_eq!(resp.status(), 400);
    assert_eq!(
        header(&resp, "content-type"),
        Some("application/problem+json")
    );
    let body = body_json(&resp);
    assert_eq!(body["code"], "validation_failed");
    assert_eq!(body["status"], 400);
    let got: Vec<(String, String)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let want = [
        ("when.from", "in_future"),
        ("reporter.email", "invalid_email"),
        ("declaration", "must_be_true"),
        ("collision.vehicles[1].registration", "invalid_registration"),
    ];
    assert_eq!(got, want.map(|(f, c)| (f.to_owned(), c.to_owned())));
    assert!(body["errors"][0]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    assert_eq!(app.store.report_count(), 0);
}

#[tokio::test]
async fn unknown_fields_are_an_error_not_silently_dropped() {
    let app = app();
    let mut r = crime();
    r["reporter"]["dateOfBirth"] = json!("1990-01-01");
    let resp = app.send(post_report(&r.to_string(), None)).await;
    assert_eq!(resp.status(), 400);
    assert_eq!(
        body_json(&resp)["errors"][0]["field"],
        "reporter.dateOfBirth"
    );
    assert_eq!(body_json(&resp)["errors"][0]["code"], "unknown_field");
}

#[tokio::test]
async fn a_report_that_describes_an_emergency_gets_the_999_advice() {
    let app = app();
    let mut r = asb();
    r["whatHappened"] = json!("They are still outside and one of them has a knife");
    let resp = app.send(post_report(&r.to_string(), None)).await;
    assert_eq!(resp.status(), 201);
    let body = body_json(&resp);
    assert_eq!(body["signposts"][0]["code"], "emergency");
    assert!(body["signposts"][0]["message"]
        .as_str()
        .unwrap()
        .contains("999"));
}

#[tokio::test]
async fn a_fraud_report_is_pointed_to_report_fraud() {
    let app = app();
    for (category, text) in [
        ("fraud", "Someone used my card details."),
        ("other", "I was scammed by a seller online."),
    ] {
        let mut r = crime();
        r["crime"]["category"] = json!(category);
        r["whatHappened"] = json!(text);
        let resp = app.send(post_report(&r.to_string(), None)).await;
        assert_eq!(resp.status(), 201);
        let body = body_json(&resp);
        assert_eq!(body["signposts"][0]["code"], "reportFraud", "{category}");
        let msg = body["signposts"][0]["message"].as_str().unwrap();
        assert!(msg.contains("reportfraud.police.uk") && msg.contains("0300 123 2040"));
    }
    let plain = app.send(post_report(&crime().to_string(), None)).await;
    assert_eq!(body_json(&plain)["signposts"], json!([]));
}

#[tokio::test]
async fn the_same_key_and_body_return_the_same_reply_and_store_one_report() {
    let app = app();
    let body = crime().to_string();
    let first = app.send(post_report(&body, Some("9f1c2d3e-key"))).await;
    let again = app.send(post_report(&body, Some("9f1c2d3e-key"))).await;
    assert_eq!(first.status(), 201);
    assert_eq!(again.status(), 201);
    assert_eq!(body_text(&first), body_text(&again));
    assert_eq!(header(&again, "idempotent-replayed"), Some("true"));
    assert_eq!(header(&first, "idempotent-replayed"), None);
    assert_eq!(app.store.report_count(), 1);
}

#[tokio::test]
async fn the_same_key_with_another_body_is_refused() {
    let app = app();
    app.send(post_report(&crime().to_string(), Some("key-1")))
        .await;
    let resp = app
        .send(post_report(&asb().to_string(), Some("key-1")))
        .await;
    assert_eq!(resp.status(), 409);
    assert_eq!(body_json(&resp)["code"], "idempotency_conflict");
    assert_eq!(app.store.report_count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_submissions_with_one_key_store_one_report() {
    let app = Arc::new(app());
    let body = collision().to_string();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let app = app.clone();
        let body = body.clone();
        tasks.spawn(async move {
            let resp = app.send(post_report(&body, Some("one-key-for-all"))).await;
            (resp.status().as_u16(), body_text(&resp))
        });
    }
    let mut replies = BTreeSet::new();
    while let Some(r) = tasks.join_next().await {
        let (status, text) = r.unwrap();
        assert_eq!(status, 201);
        replies.insert(text);
    }
    assert_eq!(replies.len(), 1, "every submission gets the same reply");
    assert_eq!(app.store.report_count(), 1);
}

#[tokio::test]
async fn a_malformed_idempotency_key_is_a_field_error() {
    let app = app();
    let resp = app
        .send(post_report(
            &crime().to_string(),
            Some("has spaces/and slashes"),
        ))
        .await;
    assert_eq!(resp.status(), 400);
    assert_eq!(body_json(&resp)["errors"][0]["field"], "Idempotency-Key");
    assert_eq!(
        body_json(&resp)["errors"][0]["code"],
        "invalid_idempotency_key"
    );
}

#[tokio::test]
async fn only_json_bodies_within_the_size_limit_are_read() {
    let app = app();
    let mut req = post_report(&crime().to_string(), None);
    req.headers_mut()
        .insert("content-type", "text/plain".parse().unwrap());
    let resp = app.send(req).await;
    assert_eq!(resp.status(), 415);
    assert_eq!(body_json(&resp)["code"], "unsupported_media_type");

    let mut req = post_report(&crime().to_string(), None);
    req.headers_mut().remove("content-type");
    assert_eq!(app.send(req).await.status(), 415);

    let mut req = post_report(&crime().to_string(), None);
    req.headers_mut().insert(
        "content-type",
        "Application/JSON; charset=utf-8".parse().unwrap(),
    );
    assert_eq!(app.send(req).await.status(), 201);

    let mut big = crime();
    big["whatHappened"] = json!("x".repeat(70_000));
    let resp = app.send(post_report(&big.to_string(), None)).await;
    assert_eq!(resp.status(), 413);
    assert_eq!(body_json(&resp)["code"], "payload_too_large");
}

#[tokio::test]
async fn a_source_over_its_rate_limit_gets_429_and_others_do_not() {
    let app = app_with_limit(Arc::new(MemoryRateLimiter::new(2, Duration::hours(1))));
    let body = crime().to_string();
    assert_eq!(app.send(post_report(&body, None)).await.status(), 201);
    // A bad report counts too: the limit is on attempts.
    assert_eq!(app.send(post_report("{}", None)).await.status(), 400);
    let resp = app.send(post_report(&body, None)).await;
    assert_eq!(resp.status(), 429);
    assert_eq!(body_json(&resp)["code"], "rate_limited");
    assert_eq!(header(&resp, "retry-after"), Some("3600"));
    let elsewhere = from_ip(post_report(&body, None), "203.0.113.9");
    assert_eq!(app.send(elsewhere).await.status(), 201);
}

#[tokio::test]
async fn unknown_paths_and_methods_are_refused() {
    let app = app();
    let resp = app.send(operator_get("/nothing", None)).await;
    assert_eq!(resp.status(), 404);
    assert_eq!(body_json(&resp)["code"], "not_found");
    // Under /operator/, only a signed-in operator learns that a path is not there.
    let resp = app
        .send(operator_get("/operator/anything", Some(OPERATOR_TOKEN)))
        .await;
    assert_eq!(resp.status(), 404);
    assert_eq!(
        header(&resp, "content-type"),
        Some("application/problem+json")
    );
    assert_eq!(body_json(&resp)["code"], "not_found");
    let resp = app.send(operator_get("/reports", None)).await;
    assert_eq!(resp.status(), 405);
    assert_eq!(header(&resp, "allow"), Some("POST, OPTIONS"));
    let resp = app
        .send(operator_post(
            "/operator/reports",
            Some(OPERATOR_TOKEN),
            "{}",
        ))
        .await;
    assert_eq!(resp.status(), 405);
    assert_eq!(header(&resp, "allow"), Some("GET, OPTIONS"));
}

#[tokio::test]
async fn a_public_caller_cannot_reach_any_operator_endpoint() {
    let app = app();
    let reference = submit(&app, &crime()).await;
    let paths = [
        ("GET", "/operator/reports".to_owned()),
        ("GET", format!("/operator/reports/{reference}")),
        ("POST", format!("/operator/reports/{reference}/assessment")),
        ("GET", "/operator/anything".to_owned()),
    ];
    for (method, path) in &paths {
        for token in [None, Some("forged"), Some("")] {
            let req = if *method == "GET" {
                operator_get(path, token)
            } else {
                operator_post(path, token, r#"{"outcome": "noCrime"}"#)
            };
            let resp = app.send(req).await;
            assert_eq!(resp.status(), 401, "{method} {path} {token:?}");
            assert_eq!(body_json(&resp)["code"], "unauthorized");
            assert_eq!(header(&resp, "www-authenticate"), Some("Bearer"));
        }
        let req = operator_get(path, Some(FORBIDDEN_TOKEN));
        assert_eq!(app.send(req).await.status(), 403, "{path}");
    }
    let mut basic = operator_get("/operator/reports", None);
    basic.headers_mut().insert(
        "authorization",
        format!("Basic {OPERATOR_TOKEN}").parse().unwrap(),
    );
    assert_eq!(app.send(basic).await.status(), 401);
    assert!(
        app.store.audit_log().is_empty(),
        "refused callers leave no audit record"
    );
    let stored = app.store.report_count();
    assert_eq!(stored, 1, "and change nothing");
}

#[tokio::test]
async fn an_operator_lists_reads_and_assesses_and_each_leaves_an_audit_record() {
    let app = app();
    let first = submit(&app, &crime()).await;
    let second = submit(&app, &asb()).await;

    let resp = app
        .send(operator_get("/operator/reports", Some(OPERATOR_TOKEN)))
        .await;
    assert_eq!(resp.status(), 200, "{}", body_text(&resp));
    let queue = body_json(&resp);
    let refs: BTreeSet<&str> = queue["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reference"].as_str().unwrap())
        .collect();
    assert_eq!(refs, BTreeSet::from([first.as_str(), second.as_str()]));
    assert_eq!(queue["reports"][0]["submittedAt"], "2026-11-28T12:00:00Z");
    assert!(queue.get("nextCursor").is_none());

    let resp = app
        .send(operator_get(
            "/operator/reports?kind=antisocialBehaviour",
            Some(OPERATOR_TOKEN),
        ))
        .await;
    let only = body_json(&resp);
    assert_eq!(only["reports"].as_array().unwrap().len(), 1);
    assert_eq!(only["reports"][0]["reference"], second.as_str());
    assert_eq!(only["reports"][0]["kind"], "antisocialBehaviour");

    let resp = app
        .send(operator_get(
            &format!("/operator/reports/{first}"),
            Some(OPERATOR_TOKEN),
        ))
        .await;
    assert_eq!(resp.status(), 200);
    let view = body_json(&resp);
    assert_eq!(view["status"], "new");
    assert_eq!(view["kind"], "crime");
    assert_eq!(view["report"]["reporter"]["phone"], "+447700900123");
    assert_eq!(view["report"]["where"]["postcode"], "EX1 1AA");
    assert_eq!(view["expiresAt"], "2027-11-28T12:00:00Z");

    let path = format!("/operator/reports/{first}/assessment");
    let resp = app
        .send(operator_post(
            &path,
            Some(OPERATOR_TOKEN),
            r#"{"outcome": "crimeRecorded", "notes": "Crime number allocated"}"#,
        ))
        .await;
    assert_eq!(resp.status(), 200, "{}", body_text(&resp));
    let done = body_json(&resp);
    assert_eq!(done["status"], "assessed");
    assert_eq!(done["assessment"]["outcome"], "crimeRecorded");
    assert_eq!(done["assessment"]["assessor"], OPERATOR);

    let resp = app
        .send(operator_get("/operator/reports", Some(OPERATOR_TOKEN)))
        .await;
    let after: Vec<Value> = body_json(&resp)["reports"].as_array().unwrap().clone();
    assert_eq!(after.len(), 1, "an assessed report leaves the queue");

    let log = app.store.audit_log();
    let actions: Vec<(AuditAction, Option<String>, String)> = log
        .iter()
        .map(|r| {
            (
                r.action,
                r.reference.as_ref().map(|r| r.to_string()),
                r.operator.to_string(),
            )
        })
        .collect();
    let op = OPERATOR.to_owned();
    assert_eq!(
        actions,
        [
            (AuditAction::QueueListed, None, op.clone()),
            (AuditAction::QueueListed, None, op.clone()),
            (AuditAction::ReportViewed, Some(first.clone()), op.clone()),
            (AuditAction::ReportAssessed, Some(first.clone()), op.clone()),
            (AuditAction::QueueListed, None, op.clone()),
        ]
    );
    assert!(log.iter().all(|r| r.at == now()));
}

#[tokio::test]
async fn the_queue_pages_with_a_cursor() {
    let app = app();
    let mut all = BTreeSet::new();
    for _ in 0..5 {
        all.insert(submit(&app, &crime()).await);
    }
    let mut seen = BTreeSet::new();
    let mut path = "/operator/reports?limit=2".to_owned();
    for _ in 0..5 {
        let page = body_json(&app.send(operator_get(&path, Some(OPERATOR_TOKEN))).await);
        for r in page["reports"].as_array().unwrap() {
            assert!(seen.insert(r["reference"].as_str().unwrap().to_owned()));
        }
        match page["nextCursor"].as_str() {
            Some(c) => path = format!("/operator/reports?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, all);
}

#[tokio::test]
async fn bad_queue_queries_are_refused_with_their_errors() {
    let app = app();
    let resp = app
        .send(operator_get(
            "/operator/reports?kind=murder&limit=1000&sort=desc",
            Some(OPERATOR_TOKEN),
        ))
        .await;
    assert_eq!(resp.status(), 400);
    let body = body_json(&resp);
    assert_eq!(body["code"], "invalid_query");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["kind", "limit", "sort"]);
    let resp = app
        .send(operator_get(
            "/operator/reports?cursor=bm9wZQ",
            Some(OPERATOR_TOKEN),
        ))
        .await;
    assert_eq!(resp.status(), 400);
    assert_eq!(body_json(&resp)["errors"][0]["code"], "invalid_cursor");
}

#[tokio::test]
async fn assessing_checks_the_report_and_the_body() {
    let app = app();
    let reference = submit(&app, &collision()).await;
    let path = format!("/operator/reports/{reference}/assessment");
    let post = |body: &str| operator_post(&path, Some(OPERATOR_TOKEN), body);

    let resp = app
        .send(post(
            r#"{"outcome": "arrested", "notes": "", "assessor": "someone-else"}"#,
        ))
        .await;
    assert_eq!(resp.status(), 400);
    assert_eq!(
        body_json(&resp)["errors"][0]["field"],
        "assessor",
        "the assessor comes from the token only"
    );

    let resp = app.send(post(r#"{"outcome": "arrested"}"#)).await;
    assert_eq!(body_json(&resp)["errors"][0]["code"], "invalid_choice");

    let resp = app
        .send(post(&format!(
            r#"{{"outcome": "noCrime", "notes": "{}"}}"#,
            "n".repeat(2001)
        )))
        .await;
    assert_eq!(body_json(&resp)["errors"][0]["code"], "too_long");

    assert_eq!(
        app.send(post(r#"{"outcome": "needsCallBack"}"#))
            .await
            .status(),
        200
    );
    let resp = app.send(post(r#"{"outcome": "noCrime"}"#)).await;
    assert_eq!(resp.status(), 409);
    assert_eq!(body_json(&resp)["code"], "already_assessed");

    let unknown = ReportReference::new_random();
    let resp = app
        .send(operator_post(
            &format!("/operator/reports/{unknown}/assessment"),
            Some(OPERATOR_TOKEN),
            r#"{"outcome": "noCrime"}"#,
        ))
        .await;
    assert_eq!(resp.status(), 404);
    let resp = app
        .send(operator_get(
            "/operator/reports/BL-NOT-A-REF",
            Some(OPERATOR_TOKEN),
        ))
        .await;
    assert_eq!(resp.status(), 404);
    let resp = app
        .send(operator_get(
            &format!("/operator/reports/{unknown}"),
            Some(OPERATOR_TOKEN),
        ))
        .await;
    assert_eq!(resp.status(), 404);
}

#[tokio::test]
async fn an_assessment_given_as_a_list_is_not_an_object() {
    let app = app();
    let reference = submit(&app, &collision()).await;
    let path = format!("/operator/reports/{reference}/assessment");
    for body in [r#"["noCrime", "notes"]"#, r#"["noCrime"]"#] {
        let resp = app
            .send(operator_post(&path, Some(OPERATOR_TOKEN), body))
            .await;
        assert_eq!(resp.status(), 400, "{body}");
        let errors = &body_json(&resp)["errors"];
        assert_eq!(errors[0]["field"], "body", "{body}");
        assert_eq!(errors[0]["code"], "wrong_type", "{body}");
    }
    let resp = app
        .send(operator_post(&path, Some(OPERATOR_TOKEN), "[1,"))
        .await;
    assert_eq!(body_json(&resp)["errors"][0]["code"], "malformed_json");
    let resp = app
        .send(operator_post(
            &path,
            Some(OPERATOR_TOKEN),
            r#"{"outcome": "noCrime"}"#,
        ))
        .await;
    assert_eq!(resp.status(), 200, "still new: the lists assessed nothing");
}

#[tokio::test]
async fn a_reference_typed_loosely_still_finds_the_report() {
    let app = app();
    let reference = submit(&app, &crime()).await;
    let typed = reference.replace('-', "").to_lowercase();
    let resp = app
        .send(operator_get(
            &format!("/operator/reports/{typed}"),
            Some(OPERATOR_TOKEN),
        ))
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(body_json(&resp)["reference"], reference.as_str());
}

/// A reference typed with spaces arrives percent-encoded in the path (`BL%20NXK1%206GHV%20C`):
/// it is decoded before it is read, for a report and its assessment alike.
#[tokio::test]
async fn a_reference_with_spaces_in_the_path_is_decoded_before_it_is_read() {
    let app = app();
    let reference = submit(&app, &crime()).await;
    let get =
        |typed: &str| operator_get(&format!("/operator/reports/{typed}"), Some(OPERATOR_TOKEN));
    let spaced = reference.replace('-', "%20");
    let resp = app.send(get(&spaced)).await;
    assert_eq!(resp.status(), 200, "{spaced}");
    assert_eq!(body_json(&resp)["reference"], reference.as_str());
    let encoded_dashes = reference.to_lowercase().replace('-', "%2D");
    let resp = app
        .send(operator_post(
            &format!("/operator/reports/{encoded_dashes}/assessment"),
            Some(OPERATOR_TOKEN),
            r#"{"outcome": "noCrime"}"#,
        ))
        .await;
    assert_eq!(resp.status(), 200, "{encoded_dashes}");
    for bad in ["%ZZ", "%FF%FE", "BL%2F"] {
        let resp = app.send(get(bad)).await;
        assert_eq!(resp.status(), 404, "{bad}");
        assert_eq!(body_json(&resp)["code"], "not_found", "{bad}");
    }
}

#[tokio::test]
async fn the_stage_in_a_rest_api_path_is_ignored() {
    use lambda_http::RequestExt;
    let app = app();
    let req = lambda_http::http::Request::builder()
        .method("POST")
        .uri("https://api.example/prod/reports")
        .header("content-type", "application/json")
        .body(lambda_http::Body::from(crime().to_string()))
        .unwrap()
        .with_raw_http_path("/reports");
    assert_eq!(app.send(req).await.status(), 201);
}

mod failing_store {
    use super::*;
    use async_trait::async_trait;
    use bluelamp::report::*;

    /// A store that is down.
    pub struct Down;

    fn down() -> StoreError {
        StoreError::Unavailable("connection refused to reports table".into())
    }

    #[async_trait]
    impl ReportStore for Down {
        async fn create(&self, _: NewReport) -> Result<Created, StoreError> {
            Err(down())
        }
        async fn get(&self, _: &ReportReference) -> Result<Option<StoredReport>, StoreError> {
            Err(down())
        }
        async fn queue(&self, _: &QueueQuery) -> Result<QueuePage, StoreError> {
            Err(down())
        }
        async fn record_assessment(
            &self,
            _: &ReportReference,
            _: Assessment,
            _: Option<chrono::DateTime<chrono::Utc>>,
        ) -> Result<StoredReport, StoreError> {
            Err(down())
        }
        async fn append_audit(&self, _: AuditRecord) -> Result<(), StoreError> {
            Err(down())
        }
        async fn audit_trail(&self, _: &ReportReference) -> Result<Vec<AuditRecord>, StoreError> {
            Err(down())
        }
    }

    #[tokio::test]
    async fn a_store_failure_is_a_generic_503() {
        let mut app = app();
        app.deps.store = Arc::new(Down);
        let resp = app.send(post_report(&crime().to_string(), None)).await;
        assert_eq!(resp.status(), 503);
        let body = body_json(&resp);
        assert_eq!(body["code"], "service_unavailable");
        assert!(!body_text(&resp).contains("reports table"));
        let resp = app
            .send(operator_get("/operator/reports", Some(OPERATOR_TOKEN)))
            .await;
        assert_eq!(resp.status(), 503);
    }
}

#[tokio::test]
async fn with_an_audit_retention_every_audit_record_carries_its_expiry_and_without_none() {
    for retention in [None, Some(chrono::Duration::days(2555))] {
        let mut app = app();
        app.deps.config.audit_retention = retention;
        let resp = app.send(post_report(&crime().to_string(), None)).await;
        let reference = body_json(&resp)["reference"].as_str().unwrap().to_owned();
        app.send(operator_get("/operator/reports", Some(OPERATOR_TOKEN)))
            .await;
        let path = format!("/operator/reports/{reference}");
        app.send(operator_get(&path, Some(OPERATOR_TOKEN))).await;
        let resp = app
            .send(operator_post(
                &format!("{path}/assessment"),
                Some(OPERATOR_TOKEN),
                r#"{"outcome": "noCrime"}"#,
            ))
            .await;
        assert_eq!(resp.status(), 200, "{}", body_text(&resp));
        let log = app.store.audit_log();
        assert_eq!(log.len(), 3, "listed, viewed, assessed");
        for record in &log {
            // The clock is fixed: each record expires `retention` after it was written.
            assert_eq!(
                record.expires_at,
                retention.map(|keep| record.at + keep),
                "{record:?}"
            );
        }
    }
}
