//! End to end over HTTP through the local gateway: citizens submit online reports, operators
//! list, read and assess them, on the embedded store and on DynamoDB (moto_server).

use anyhow::{bail, Context};
use bluelamp::report::{AuditAction, ReportReference};
use bluelamp_local::Running;
use bluelamp_tests::{spawn_gateway, spawn_gateway_with, StoreKind};
use chrono::{Duration, Utc};
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeSet;

type R = anyhow::Result<()>;

/// A day in the past, as the form sends it.
fn days_ago(days: i64) -> String {
    (Utc::now() - Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

use bluelamp::report::examples;

/// openapi.yaml's examples, dated in the last days (the gateway runs on today's clock); the
/// crime's postcode as a citizen may type it.
fn crime() -> Value {
    let mut v = examples::dated(
        examples::crime(),
        json!({"from": days_ago(2), "to": days_ago(1)}),
    );
    v["where"]["postcode"] = json!("ex11aa");
    v
}

fn collision() -> Value {
    examples::dated(examples::collision(), json!({"from": days_ago(1)}))
}

fn antisocial_behaviour() -> Value {
    examples::dated(
        examples::antisocial_behaviour(),
        json!({"from": days_ago(7)}),
    )
}

async fn submit(gw: &Running, body: &Value, key: Option<&str>) -> anyhow::Result<Response> {
    let mut req = reqwest::Client::new()
        .post(format!("{}/reports", gw.http_url()))
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    Ok(req.send().await?)
}

/// Submits a report that must be taken, and returns its reference.
async fn submit_ok(gw: &Running, body: &Value) -> anyhow::Result<String> {
    let resp = submit(gw, body, None).await?;
    if resp.status() != StatusCode::CREATED {
        bail!("{}: {}", resp.status(), resp.text().await?);
    }
    let receipt: Value = resp.json().await?;
    Ok(receipt["reference"]
        .as_str()
        .context("a receipt has a reference")?
        .to_owned())
}

async fn operator_get(gw: &Running, path: &str, token: Option<&str>) -> anyhow::Result<Response> {
    let mut req = reqwest::Client::new().get(format!("{}{path}", gw.http_url()));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    Ok(req.send().await?)
}

async fn assess(
    gw: &Running,
    reference: &str,
    token: Option<&str>,
    body: &Value,
) -> anyhow::Result<Response> {
    let mut req = reqwest::Client::new()
        .post(format!(
            "{}/operator/reports/{reference}/assessment",
            gw.http_url()
        ))
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    Ok(req.send().await?)
}

fn queue_refs(page: &Value) -> Vec<String> {
    page["reports"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["reference"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn each_kind_of_report_is_taken_and_gets_a_reference(kind: StoreKind) -> R {
    let gw = spawn_gateway(kind).await;
    let mut references = BTreeSet::new();
    for report in [crime(), collision(), antisocial_behaviour()] {
        let resp = submit(&gw, &report, None).await?;
        assert_eq!(resp.status(), StatusCode::CREATED, "{report}");
        let text = resp.text().await?;
        let receipt: Value = serde_json::from_str(&text)?;
        let reference = receipt["reference"].as_str().context("reference")?;
        assert_eq!(ReportReference::parse(reference)?.as_str(), reference);
        let keys: BTreeSet<&str> = receipt
            .as_object()
            .context("an object")?
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            BTreeSet::from(["reference", "nextSteps", "assessBy", "signposts"])
        );
        let name = report["reporter"]["name"].as_str().unwrap_or_default();
        assert!(!text.contains(name), "no personal detail is echoed back");
        references.insert(reference.to_owned());
    }
    assert_eq!(references.len(), 3, "every report has its own reference");
    gw.stop().await;
    Ok(())
}

async fn a_bad_report_gets_all_its_field_errors_at_once(kind: StoreKind) -> R {
    let gw = spawn_gateway(kind).await;
    let mut bad = collision();
    bad["when"]["from"] = json!((Utc::now() + Duration::days(30))
        .format("%Y-%m-%d")
        .to_string());
    bad["reporter"]["email"] = json!("not an email");
    bad["collision"]["vehicles"][1]["registration"] = json!("NOT A REG");
    bad["declaration"] = json!(false);
    let resp = submit(&gw, &bad, None).await?;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        resp.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    let problem: Value = resp.json().await?;
    assert_eq!(problem["code"], "validation_failed");
    let fields: BTreeSet<(&str, &str)> = problem["errors"]
        .as_array()
        .context("errors")?
        .iter()
        .filter_map(|e| Some((e["field"].as_str()?, e["code"].as_str()?)))
        .collect();
    assert_eq!(
        fields,
        BTreeSet::from([
            ("when.from", "in_future"),
            ("reporter.email", "invalid_email"),
            ("collision.vehicles[1].registration", "invalid_registration"),
            ("declaration", "must_be_true"),
        ])
    );
    let token = gw.operator_token("alice")?;
    let queue: Value = operator_get(&gw, "/operator/reports", Some(&token))
        .await?
        .json()
        .await?;
    assert!(queue_refs(&queue).is_empty(), "nothing was stored");
    gw.stop().await;
    Ok(())
}

async fn a_retry_with_the_same_key_stores_one_report_and_another_body_is_refused(
    kind: StoreKind,
) -> R {
    let gw = spawn_gateway(kind).await;
    let first = submit(&gw, &crime(), Some("retry-key-1")).await?;
    assert_eq!(first.status(), StatusCode::CREATED);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().await?;

    let again = submit(&gw, &crime(), Some("retry-key-1")).await?;
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(
        again
            .headers()
            .get("idempotent-replayed")
            .and_then(|v| v.to_str().ok()),
        Some("true")
    );
    assert_eq!(again.json::<Value>().await?, first, "the same reply");

    let other = submit(&gw, &antisocial_behaviour(), Some("retry-key-1")).await?;
    assert_eq!(other.status(), StatusCode::CONFLICT);
    assert_eq!(other.json::<Value>().await?["code"], "idempotency_conflict");

    // Ten at once with a new key: one report, one reply for all.
    let body = collision();
    let sends = (0..10).map(|_| submit(&gw, &body, Some("retry-key-2")));
    let mut replies = BTreeSet::new();
    for resp in futures::future::join_all(sends).await {
        let resp = resp?;
        assert_eq!(resp.status(), StatusCode::CREATED);
        replies.insert(resp.text().await?);
    }
    assert_eq!(
        replies.len(),
        1,
        "every concurrent submission got the same reply"
    );

    let token = gw.operator_token("alice")?;
    let queue: Value = operator_get(&gw, "/operator/reports", Some(&token))
        .await?
        .json()
        .await?;
    assert_eq!(queue_refs(&queue).len(), 2, "two reports in all: {queue}");
    gw.stop().await;
    Ok(())
}

async fn an_operator_lists_reads_and_assesses_reports_leaving_an_audit_trail(kind: StoreKind) -> R {
    let gw = spawn_gateway(kind).await;
    let first = submit_ok(&gw, &crime()).await?;
    let second = submit_ok(&gw, &antisocial_behaviour()).await?;
    let token = gw.operator_token("alice")?;

    let resp = operator_get(&gw, "/operator/reports?limit=1", Some(&token)).await?;
    assert_eq!(resp.status(), StatusCode::OK);
    let page: Value = resp.json().await?;
    assert_eq!(queue_refs(&page), [first.as_str()], "oldest first");
    assert_eq!(page["reports"][0]["kind"], "crime");
    assert!(
        page["reports"][0].get("reporter").is_none(),
        "no personal data"
    );
    let cursor = page["nextCursor"].as_str().context("a next page")?;
    let page: Value = operator_get(
        &gw,
        &format!("/operator/reports?limit=1&cursor={cursor}"),
        Some(&token),
    )
    .await?
    .json()
    .await?;
    assert_eq!(queue_refs(&page), [second.as_str()]);
    assert!(page.get("nextCursor").is_none());

    let asb: Value = operator_get(
        &gw,
        "/operator/reports?kind=antisocialBehaviour",
        Some(&token),
    )
    .await?
    .json()
    .await?;
    assert_eq!(queue_refs(&asb), [second.as_str()]);

    let resp = operator_get(&gw, &format!("/operator/reports/{first}"), Some(&token)).await?;
    assert_eq!(resp.status(), StatusCode::OK);
    let view: Value = resp.json().await?;
    assert_eq!(view["status"], "new");
    assert_eq!(view["report"]["where"]["postcode"], "EX1 1AA");
    assert_eq!(view["report"]["reporter"]["phone"], "+447700900123");

    let resp = assess(
        &gw,
        &first,
        Some(&token),
        &json!({"outcome": "crimeRecorded", "notes": "Recorded; added to the stolen register."}),
    )
    .await?;
    assert_eq!(resp.status(), StatusCode::OK);
    let assessed: Value = resp.json().await?;
    assert_eq!(assessed["status"], "assessed");
    assert_eq!(assessed["assessment"]["assessor"], "alice");
    assert_eq!(assessed["assessment"]["outcome"], "crimeRecorded");

    let bob = gw.operator_token("bob")?;
    let again = assess(&gw, &first, Some(&bob), &json!({"outcome": "noCrime"})).await?;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert_eq!(again.json::<Value>().await?["code"], "already_assessed");

    let queue: Value = operator_get(&gw, "/operator/reports", Some(&token))
        .await?
        .json()
        .await?;
    assert_eq!(
        queue_refs(&queue),
        [second.as_str()],
        "assessed leaves the queue"
    );

    let trail = gw
        .reports
        .audit_trail(&ReportReference::parse(&first)?)
        .await?;
    let seen: Vec<(&str, AuditAction)> = trail
        .iter()
        .map(|r| (r.operator.as_str(), r.action))
        .collect();
    assert_eq!(
        seen,
        [
            ("alice", AuditAction::ReportViewed),
            ("alice", AuditAction::ReportAssessed)
        ]
    );
    gw.stop().await;
    Ok(())
}

async fn a_public_caller_cannot_reach_any_operator_endpoint(kind: StoreKind) -> R {
    let gw = spawn_gateway(kind).await;
    let reference = submit_ok(&gw, &crime()).await?;
    // A well-formed token signed by another gateway's key is as good as none.
    let elsewhere = spawn_gateway(StoreKind::Embedded).await;
    let foreign = elsewhere.operator_token("mallory")?;
    elsewhere.stop().await;
    for token in [None, Some("not-a-token"), Some(foreign.as_str())] {
        let calls = [
            operator_get(&gw, "/operator/reports", token).await?,
            operator_get(&gw, &format!("/operator/reports/{reference}"), token).await?,
            assess(&gw, &reference, token, &json!({"outcome": "noCrime"})).await?,
        ];
        for resp in calls {
            assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "{token:?}");
            assert_eq!(
                resp.headers()
                    .get("www-authenticate")
                    .and_then(|v| v.to_str().ok()),
                Some("Bearer")
            );
            assert_eq!(resp.json::<Value>().await?["code"], "unauthorized");
        }
    }
    let r = ReportReference::parse(&reference)?;
    assert!(gw.reports.audit_trail(&r).await?.is_empty());
    let stored = gw.reports.get(&r).await?.context("still stored")?;
    assert!(stored.assessment.is_none(), "nothing was changed");
    gw.stop().await;
    Ok(())
}

/// Every path under `/operator/` reaches the function (the template's `/operator/{proxy+}`):
/// without a token an unknown one is the function's 401, like the known ones (nobody learns
/// what exists); signed in, its 404; both with a problem body.
#[tokio::test]
async fn an_unknown_operator_path_gets_the_function_s_401_or_404_problem() -> R {
    let gw = spawn_gateway(StoreKind::Embedded).await;
    let token = gw.operator_token("alice")?;
    for path in ["/operator/nothing-here", "/operator/stats/today"] {
        for (token, status, code) in [
            (None, StatusCode::UNAUTHORIZED, "unauthorized"),
            (Some(token.as_str()), StatusCode::NOT_FOUND, "not_found"),
        ] {
            let resp = operator_get(&gw, path, token).await?;
            assert_eq!(resp.status(), status, "{path}");
            if token.is_none() {
                assert_eq!(header(&resp, "www-authenticate"), Some("Bearer"), "{path}");
            }
            assert_eq!(
                header(&resp, "content-type"),
                Some("application/problem+json"),
                "{path}"
            );
            let body: Value = resp.json().await?;
            assert_eq!(
                (body["status"].as_u64(), body["code"].as_str()),
                (Some(u64::from(status.as_u16())), Some(code)),
                "{path}"
            );
        }
    }
    gw.stop().await;
    Ok(())
}

async fn submissions_from_one_address_are_rate_limited(kind: StoreKind) -> R {
    let gw = spawn_gateway_with(kind, |c| c.reports.rate_limit = 2).await;
    submit_ok(&gw, &crime()).await?;
    submit_ok(&gw, &crime()).await?;
    let third = submit(&gw, &crime(), None).await?;
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = third
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .context("Retry-After in seconds")?;
    assert!(retry_after > 0);
    gw.stop().await;
    Ok(())
}

/// A browser's preflight: `OPTIONS` from a page on `origin`, for `method` with `headers`.
async fn preflight(
    gw: &Running,
    path: &str,
    origin: &str,
    method: &str,
    headers: &str,
) -> anyhow::Result<Response> {
    Ok(reqwest::Client::new()
        .request(reqwest::Method::OPTIONS, format!("{}{path}", gw.http_url()))
        .header("origin", origin)
        .header("access-control-request-method", method)
        .header("access-control-request-headers", headers)
        .send()
        .await?)
}

fn header<'r>(resp: &'r Response, name: &str) -> Option<&'r str> {
    resp.headers().get(name).and_then(|v| v.to_str().ok())
}

fn cors_headers(resp: &Response) -> Vec<&str> {
    resp.headers()
        .keys()
        .map(|k| k.as_str())
        .filter(|k| k.starts_with("access-control-"))
        .collect()
}

async fn a_page_on_an_allowed_origin_submits_after_its_preflight_and_others_cannot_read(
    kind: StoreKind,
) -> R {
    const FORM: &str = "https://www.demo.police.uk";
    let gw = spawn_gateway_with(kind, |c| {
        c.reports.cors.public = FORM.parse().expect("an origin list");
    })
    .await;
    let resp = preflight(
        &gw,
        "/reports",
        FORM,
        "POST",
        "content-type,idempotency-key",
    )
    .await?;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(&resp, "access-control-allow-origin"), Some(FORM));
    assert_eq!(header(&resp, "access-control-allow-methods"), Some("POST"));
    assert_eq!(
        header(&resp, "access-control-allow-headers"),
        Some("content-type, idempotency-key")
    );
    assert_eq!(header(&resp, "access-control-max-age"), Some("600"));
    assert_eq!(header(&resp, "access-control-allow-credentials"), None);

    let resp = reqwest::Client::new()
        .post(format!("{}/reports", gw.http_url()))
        .header("origin", FORM)
        .header("content-type", "application/json")
        .header("idempotency-key", "browser-key-1")
        .body(crime().to_string())
        .send()
        .await?;
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert_eq!(header(&resp, "access-control-allow-origin"), Some(FORM));
    assert_eq!(header(&resp, "vary"), Some("Origin"));
    assert!(header(&resp, "access-control-expose-headers")
        .is_some_and(|h| h.contains("Idempotent-Replayed") && h.contains("Retry-After")));
    let reference = resp.json::<Value>().await?["reference"]
        .as_str()
        .context("a reference")?
        .to_owned();

    // Another site's page: its preflight is refused, and its request (which a browser would
    // not send) is still answered, but nothing in it is for that page to read.
    let elsewhere = "https://elsewhere.example";
    let resp = preflight(&gw, "/reports", elsewhere, "POST", "content-type").await?;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert!(cors_headers(&resp).is_empty(), "{:?}", cors_headers(&resp));
    assert_eq!(resp.json::<Value>().await?["code"], "cors_not_allowed");
    let resp = reqwest::Client::new()
        .post(format!("{}/reports", gw.http_url()))
        .header("origin", elsewhere)
        .header("content-type", "application/json")
        .body(antisocial_behaviour().to_string())
        .send()
        .await?;
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert!(cors_headers(&resp).is_empty(), "{:?}", cors_headers(&resp));

    // The console's preflight (here from the gateway's own origin, allowed by default) needs
    // no token and reads nothing: the report's audit trail stays empty.
    let own = gw.http_url();
    let path = format!("/operator/reports/{reference}");
    let resp = preflight(&gw, &path, &own, "GET", "authorization").await?;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        header(&resp, "access-control-allow-origin"),
        Some(own.as_str())
    );
    let r = ReportReference::parse(&reference)?;
    assert!(gw.reports.audit_trail(&r).await?.is_empty());
    let resp = preflight(&gw, &path, FORM, "GET", "authorization").await?;
    assert_eq!(
        resp.status(),
        StatusCode::FORBIDDEN,
        "the form is not the console"
    );
    gw.stop().await;
    Ok(())
}

bluelamp_tests::both_stores!(
    each_kind_of_report_is_taken_and_gets_a_reference,
    a_bad_report_gets_all_its_field_errors_at_once,
    a_retry_with_the_same_key_stores_one_report_and_another_body_is_refused,
    an_operator_lists_reads_and_assesses_reports_leaving_an_audit_trail,
    a_public_caller_cannot_reach_any_operator_endpoint,
    submissions_from_one_address_are_rate_limited,
    a_page_on_an_allowed_origin_submits_after_its_preflight_and_others_cannot_read,
);
