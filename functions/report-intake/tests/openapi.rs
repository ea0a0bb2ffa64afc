//! `docs/openapi.yaml` is kept true to the code: its examples are sent to the real handler,
//! and what comes back must be what the document shows.

mod common;

use bluelamp::report::ReportReference;
use common::*;
use lambda_http::{Body, Request, Response};
use report_intake::Problem;
use serde_json::{json, Value};
use std::collections::BTreeSet;

fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.yaml");
    let text = std::fs::read_to_string(path).expect("docs/openapi.yaml");
    serde_norway::from_str(&text).expect("openapi.yaml is valid YAML")
}

/// Follows a local `$ref` (`#/components/responses/NotFound`).
fn resolve<'a>(spec: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => spec
            .pointer(r.trim_start_matches('#'))
            .expect("a $ref that resolves"),
        None => v,
    }
}

fn examples(media: &Value) -> Vec<(&String, &Value)> {
    media["examples"]
        .as_object()
        .map(|m| m.iter().collect())
        .unwrap_or_default()
}

/// The real reply with its random reference replaced by the documented one.
fn with_reference(real: &Value, reference: &str) -> Value {
    let real_ref = real["reference"].as_str().unwrap_or_default();
    let text = real.to_string().replace(real_ref, reference);
    serde_json::from_str(&text).unwrap()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn every_report_example_is_accepted_and_its_reply_is_as_documented() {
    let spec = spec();
    let op = &spec["paths"]["/reports"]["post"];
    let request_examples = examples(&op["requestBody"]["content"]["application/json"]);
    assert!(
        request_examples.len() >= 4,
        "an example of each kind and of fraud"
    );
    let replies = &op["responses"]["201"]["content"]["application/json"]["examples"];
    let documented_kinds: BTreeSet<&str> = request_examples
        .iter()
        .filter_map(|(_, ex)| ex["value"]["kind"].as_str())
        .collect();
    assert_eq!(
        documented_kinds,
        BTreeSet::from(["crime", "collision", "antisocialBehaviour"])
    );

    for (name, example) in request_examples {
        let app = app();
        let resp = app
            .send(post_report(&example["value"].to_string(), None))
            .await;
        assert_eq!(resp.status(), 201, "example {name}: {}", body_text(&resp));
        let real = body_json(&resp);
        let reference = real["reference"].as_str().unwrap();
        assert_eq!(
            ReportReference::parse(reference).unwrap().as_str(),
            reference
        );
        let documented = &replies["received"]["value"];
        assert_eq!(keys(&real), keys(documented), "example {name}");
        if let Some(reply) = replies.get(name.as_str()) {
            let doc_ref = reply["value"]["reference"].as_str().unwrap();
            assert_eq!(
                with_reference(&real, doc_ref),
                reply["value"],
                "the reply to {name}"
            );
        }
        if name == "crime" {
            let doc_ref = documented["reference"].as_str().unwrap();
            assert_eq!(
                &with_reference(&real, doc_ref),
                documented,
                "the reply to {name}"
            );
        }
    }
}

#[tokio::test]
async fn the_documented_validation_error_is_what_its_request_gets() {
    let spec = spec();
    let media = &spec["paths"]["/reports"]["post"]["responses"]["400"]["content"]
        ["application/problem+json"];
    let mut checked = 0;
    for (name, example) in examples(media) {
        let request = &example["x-request"];
        assert!(
            request.is_object(),
            "the 400 example {name} shows its request in x-request"
        );
        let resp = app().send(post_report(&request.to_string(), None)).await;
        assert_eq!(resp.status(), 400);
        assert_eq!(
            header(&resp, "content-type"),
            Some("application/problem+json")
        );
        assert_eq!(body_json(&resp), example["value"], "the 400 example {name}");
        checked += 1;
    }
    assert!(checked > 0);
}

#[tokio::test]
async fn the_quick_exit_examples_get_the_documented_replies() {
    let spec = spec();
    let op = &spec["paths"]["/chat/quick-exit"]["post"];
    let content = op["requestBody"]["content"].as_object().unwrap();
    // The beacon's text/plain, and JSON: both read the same way.
    assert_eq!(
        content.keys().map(String::as_str).collect::<BTreeSet<_>>(),
        BTreeSet::from(["application/json", "text/plain"])
    );
    let mut sent = 0;
    for (media_type, media) in content {
        for (name, example) in examples(media) {
            let token = example["value"]["resumeToken"].as_str().unwrap();
            bluelamp::chat::ResumeToken::parse(token)
                .unwrap_or_else(|_| panic!("{media_type} {name}: a well-formed token"));
            let req = lambda_http::http::Request::builder()
                .method("POST")
                .uri("/chat/quick-exit")
                .header("content-type", media_type.as_str())
                .body(Body::from(example["value"].to_string()))
                .unwrap();
            let resp = app().send(from_ip(req, "198.51.100.7")).await;
            // A token of no chat: the same 204 as any other well-formed one.
            assert_eq!(
                resp.status(),
                204,
                "{media_type} {name}: {}",
                body_text(&resp)
            );
            sent += 1;
        }
    }
    assert_eq!(sent, 2, "an example of each media type");
    // The documented pattern is what ResumeToken::parse accepts.
    let schema = &spec["components"]["schemas"]["ResumeToken"];
    let pattern = regex::Regex::new(schema["pattern"].as_str().unwrap()).unwrap();
    let pattern = |s: &str| pattern.is_match(s);
    for (token, ok) in [
        (
            "04cdbd180eed4024a7f3630809a1ee5a.bjfE1ZB7uhd5vJsXlJbarDDdGlsFJP_qTN2LO9x7q98",
            true,
        ),
        ("a=_-.bjfE1ZB7uhd5vJsXlJbarDDdGlsFJP_qTN2LO9x7q98", true),
        (
            "04cdbd180eed4024a7f3630809a1ee5a.bjfE1ZB7uhd5vJsXlJbarDDdGlsFJP_qTN2LO9x7q9",
            false,
        ),
        (
            "04cdbd180eed4024a7f3630809a1ee5a.bjfE1ZB7uhd5vJsXlJbarDDdGlsFJP_qTN2LO9x7q98A",
            false,
        ),
        (
            "04cdbd180eed4024a7f3630809a1ee5a.bjfE1ZB7uhd5vJsXlJbarDDdGlsFJP+qTN2LO9x7q98",
            false,
        ),
        ("c#1.bjfE1ZB7uhd5vJsXlJbarDDdGlsFJP_qTN2LO9x7q98", false),
        (".bjfE1ZB7uhd5vJsXlJbarDDdGlsFJP_qTN2LO9x7q98", false),
        ("04cdbd180eed4024a7f3630809a1ee5a", false),
    ] {
        assert_eq!(pattern(token), ok, "the pattern on {token}");
        assert_eq!(
            bluelamp::chat::ResumeToken::parse(token).is_ok(),
            ok,
            "ResumeToken::parse on {token}"
        );
    }
    let long = format!("{}.{}", "a".repeat(64), "b".repeat(43));
    assert!(pattern(&long) && bluelamp::chat::ResumeToken::parse(&long).is_ok());
    assert_eq!(schema["maxLength"].as_u64(), Some(long.len() as u64));
    let too_long = format!("a{long}");
    assert!(!pattern(&too_long) && bluelamp::chat::ResumeToken::parse(&too_long).is_err());

    // The documented malformed body gets the documented problem.
    let media = &op["responses"]["400"]["content"]["application/problem+json"];
    let mut checked = 0;
    for (name, example) in examples(media) {
        let resp = app().send(beacon(&example["x-request"].to_string())).await;
        assert_eq!(resp.status(), 400, "{name}");
        assert_eq!(body_json(&resp), example["value"], "the 400 example {name}");
        checked += 1;
    }
    assert!(checked > 0);
}

/// The problem the code makes for each documented code.
fn problem_for(code: &str) -> Option<Problem> {
    Some(match code {
        "validation_failed" => Problem::validation(vec![]),
        "invalid_query" => Problem::invalid_query(vec![]),
        "unauthorized" => Problem::unauthorized(),
        "forbidden" => Problem::forbidden(),
        "cors_not_allowed" => Problem::cors_not_allowed(),
        "not_found" => Problem::not_found(),
        "method_not_allowed" => Problem::method_not_allowed(),
        "idempotency_conflict" => Problem::idempotency_conflict(),
        "already_assessed" => Problem::already_assessed(),
        "malformed_quick_exit" => Problem::malformed_quick_exit(),
        "payload_too_large" => Problem::too_large(),
        "unsupported_media_type" => Problem::unsupported_media_type(),
        "rate_limited" => Problem::rate_limited(),
        "internal_error" => Problem::internal(),
        "service_unavailable" => Problem::unavailable(),
        _ => return None,
    })
}

#[test]
fn every_documented_problem_has_the_shape_status_and_title_the_code_gives() {
    let spec = spec();
    let codes: Vec<&str> = spec["components"]["schemas"]["Problem"]["properties"]["code"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for code in &codes {
        assert!(
            problem_for(code).is_some(),
            "the documented code {code} is one the code makes"
        );
    }
    let mut seen = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (status, response) in op["responses"].as_object().unwrap() {
                let response = resolve(&spec, response);
                let Some(media) = response["content"].get("application/problem+json") else {
                    continue;
                };
                for (name, example) in examples(media) {
                    let v = &example["value"];
                    let code = v["code"].as_str().unwrap();
                    let made = serde_json::to_value(problem_for(code).unwrap()).unwrap();
                    let at = format!("{method} {path} {status} {name}");
                    assert_eq!(v["status"].as_u64(), status.parse().ok(), "{at}");
                    assert_eq!(v["status"], made["status"], "{at}");
                    assert_eq!(v["title"], made["title"], "{at}");
                    let allowed =
                        BTreeSet::from(["status", "code", "title", "errors"].map(String::from));
                    assert!(keys(v).is_subset(&allowed), "{at}");
                    for e in v["errors"].as_array().into_iter().flatten() {
                        assert_eq!(
                            keys(e),
                            BTreeSet::from(["field", "code", "message"].map(String::from)),
                            "{at}"
                        );
                    }
                    seen += 1;
                }
            }
        }
    }
    assert!(seen >= 10, "problem examples checked: {seen}");
}

#[tokio::test]
async fn the_operator_examples_are_what_the_operator_endpoints_return() {
    let spec = spec();
    let app = app();
    let crime = &spec["paths"]["/reports"]["post"]["requestBody"]["content"]["application/json"]
        ["examples"]["crime"]["value"];
    let resp = app.send(post_report(&crime.to_string(), None)).await;
    let reference = body_json(&resp)["reference"].as_str().unwrap().to_owned();

    let get = &spec["paths"]["/operator/reports/{reference}"]["get"];
    let documented =
        &get["responses"]["200"]["content"]["application/json"]["examples"]["new"]["value"];
    let resp = app
        .send(operator_get(
            &format!("/operator/reports/{reference}"),
            Some(OPERATOR_TOKEN),
        ))
        .await;
    assert_eq!(resp.status(), 200);
    let doc_ref = documented["reference"].as_str().unwrap();
    assert_eq!(&with_reference(&body_json(&resp), doc_ref), documented);

    let list = &spec["paths"]["/operator/reports"]["get"];
    let page =
        &list["responses"]["200"]["content"]["application/json"]["examples"]["page"]["value"];
    let resp = app
        .send(operator_get("/operator/reports", Some(OPERATOR_TOKEN)))
        .await;
    let real = body_json(&resp);
    assert_eq!(keys(&real["reports"][0]), keys(&page["reports"][0]));
    assert!(keys(&real).is_subset(&keys(page)));

    let assess = &spec["paths"]["/operator/reports/{reference}/assessment"]["post"];
    let body =
        &assess["requestBody"]["content"]["application/json"]["examples"]["crimeRecorded"]["value"];
    let path = format!("/operator/reports/{reference}/assessment");
    let resp = app
        .send(operator_post(
            &path,
            Some(OPERATOR_TOKEN),
            &body.to_string(),
        ))
        .await;
    assert_eq!(resp.status(), 200, "{}", body_text(&resp));
    let real = body_json(&resp);
    assert_eq!(real["status"], "assessed");
    assert_eq!(real["assessment"]["notes"], body["notes"]);
    let view_keys: BTreeSet<String> = spec["components"]["schemas"]["ReportView"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(keys(&real), view_keys);
}

/// Every header `response` documents is sent when required, and has a documented value.
fn assert_headers_as_documented(spec: &Value, response: &Value, resp: &Response<Body>, at: &str) {
    for (name, h) in response["headers"].as_object().into_iter().flatten() {
        let h = resolve(spec, h);
        let Some(value) = header(resp, name) else {
            assert!(h["required"] != true, "{at}: no {name}");
            continue;
        };
        if let Some(allowed) = h["schema"]["enum"].as_array() {
            let allowed: Vec<String> = allowed
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .collect();
            assert!(allowed.iter().any(|a| a == value), "{at}: {name}: {value}");
        }
    }
}

#[tokio::test]
async fn the_form_s_documented_cors_headers_are_what_a_page_on_its_origin_gets() {
    let spec = spec();
    let app = app().for_browsers();
    let op = &spec["paths"]["/reports"]["post"];
    let crime = &op["requestBody"]["content"]["application/json"]["examples"]["crime"]["value"];
    let invalid = &op["responses"]["400"]["content"]["application/problem+json"]["examples"]
        ["validationFailed"]["x-request"];
    for (status, body) in [("201", crime), ("400", invalid)] {
        let req = from_origin(post_report(&body.to_string(), None), FORM_ORIGIN);
        let resp = app.send(req).await;
        assert_eq!(resp.status().as_str(), status);
        let documented = &op["responses"][status];
        assert_headers_as_documented(&spec, documented, &resp, status);
        for name in [
            "Access-Control-Allow-Origin",
            "Access-Control-Expose-Headers",
            "Vary",
        ] {
            assert!(
                documented["headers"].get(name).is_some(),
                "{status}: {name}"
            );
            assert!(header(&resp, name).is_some(), "{status}: {name}");
        }
    }
}

/// The operation's parameter of that name (`Origin`, `Access-Control-Request-Method`...).
fn parameter<'a>(spec: &'a Value, op: &'a Value, name: &str) -> &'a Value {
    op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| resolve(spec, p))
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no parameter {name}"))
}

/// The preflight a browser sends for `op` (an `options` operation), from the origin and with
/// the headers of its examples, for its one method.
fn documented_preflight(spec: &Value, op: &Value, path: &str) -> (Request, String, String) {
    let origin = parameter(spec, op, "Origin")["example"]
        .as_str()
        .expect("an example origin")
        .to_owned();
    let method = parameter(spec, op, "Access-Control-Request-Method")["schema"]["enum"][0]
        .as_str()
        .expect("the one method")
        .to_owned();
    let headers = parameter(spec, op, "Access-Control-Request-Headers")["example"].as_str();
    (
        preflight(path, Some(&origin), &method, headers),
        origin,
        method,
    )
}

#[tokio::test]
async fn every_documented_operation_is_routed_and_operator_ones_need_a_token() {
    let spec = spec();
    let app = app().for_browsers();
    let reference = "BL-7KQ9-M3XD-R";
    for (path, item) in spec["paths"].as_object().unwrap() {
        let concrete = path.replace("{reference}", reference);
        for (method, op) in item.as_object().unwrap() {
            let req = match method.as_str() {
                "get" => operator_get(&concrete, None),
                "post" => operator_post(&concrete, None, "{}"),
                "options" => documented_preflight(&spec, op, &concrete).0,
                other => panic!("undocumented method {other}"),
            };
            let resp = app.send(req).await;
            let public = op["security"] == json!([]);
            if method == "options" {
                assert!(public, "a preflight needs no token: {path}");
                assert_eq!(resp.status(), 204, "{method} {path}");
            } else if public {
                assert!(
                    ![401, 404, 405].contains(&resp.status().as_u16()),
                    "{method} {path}"
                );
            } else {
                assert_eq!(resp.status(), 401, "{method} {path}");
                assert_eq!(
                    op["security"],
                    json!([{"operatorToken": []}]),
                    "{method} {path}"
                );
            }
        }
    }
}

#[tokio::test]
async fn each_documented_preflight_gets_the_documented_headers_and_another_origin_a_403() {
    let spec = spec();
    let app = app().for_browsers();
    let mut checked = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        let concrete = path.replace("{reference}", "BL-7KQ9-M3XD-R");
        let Some(op) = item.get("options") else {
            continue;
        };
        // Every path a browser calls has its preflight, for the path's own method.
        let (req, origin, method) = documented_preflight(&spec, op, &concrete);
        assert!(
            item.get(method.to_lowercase()).is_some(),
            "{path}: a preflight for {method}, which the path does not have"
        );
        // The public paths are called from the force's public pages, the rest from the console.
        let expected = if op["tags"] == json!(["public"]) {
            FORM_ORIGIN
        } else {
            CONSOLE_ORIGIN
        };
        assert_eq!(origin, expected, "{path}: the example origin");
        let resp = app.send(req).await;
        assert_eq!(resp.status(), 204, "{path}: {}", body_text(&resp));
        let documented = resolve(&spec, &op["responses"]["204"]);
        let headers = documented["headers"]
            .as_object()
            .expect("documented headers");
        for (name, h) in headers {
            let h = resolve(&spec, h);
            let value = header(&resp, name);
            assert!(h["required"] == true, "{path}: {name} is always sent");
            let value = value.unwrap_or_else(|| panic!("{path}: no {name}"));
            if let Some(allowed) = h["schema"]["enum"].as_array() {
                let allowed: Vec<String> = allowed
                    .iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                    .collect();
                assert!(
                    allowed.iter().any(|a| a == value),
                    "{path}: {name}: {value}"
                );
            }
        }
        assert_eq!(header(&resp, "access-control-allow-origin"), Some(expected));
        let cors_sent = resp
            .headers()
            .keys()
            .filter(|k| k.as_str().starts_with("access-control-"))
            .count();
        let cors_documented = headers
            .keys()
            .filter(|k| k.to_lowercase().starts_with("access-control-"))
            .count();
        assert_eq!(
            cors_sent, cors_documented,
            "{path}: undocumented CORS headers"
        );

        let other = preflight(&concrete, Some("https://elsewhere.example"), &method, None);
        let resp = app.send(other).await;
        assert_eq!(resp.status(), 403, "{path}");
        let refused = resolve(&spec, &op["responses"]["403"]);
        let example =
            &refused["content"]["application/problem+json"]["examples"]["corsNotAllowed"]["value"];
        assert_eq!(&body_json(&resp), example, "{path}");
        checked += 1;
    }
    assert_eq!(
        checked,
        spec["paths"].as_object().unwrap().len(),
        "a preflight for each path"
    );
}

/// The tests' report bodies (`bluelamp::report::examples`) are the document's examples, so a
/// change to either shows here.
#[test]
fn the_tests_report_examples_are_the_documented_ones() {
    let spec = spec();
    let op = &spec["paths"]["/reports"]["post"];
    let documented = &op["requestBody"]["content"]["application/json"]["examples"];
    for (name, example) in bluelamp::report::examples::all() {
        assert_eq!(documented[name]["value"], example, "the {name} example");
    }
}
