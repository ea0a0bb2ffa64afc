//! report-intake and the reports REST API: its variables, CORS, paths, stage, WAF and own answers.

use crate::support::*;

/// One branch of `!If [condition, then, else]`, or the value itself when it is no such `If`.
fn with_condition<'a>(value: &'a Value, condition: &str, holds: bool) -> &'a Value {
    match value["Fn::If"].as_array() {
        Some(b) if b.len() == 3 && b[0] == condition => &b[if holds { 1 } else { 2 }],
        _ => value,
    }
}

#[test]
fn report_intake_is_given_every_variable_its_code_requires_and_none_that_no_code_reads() {
    let env = environment(REPORT_INTAKE);
    for var in report_intake::REQUIRED_ENV {
        assert!(env.contains_key(*var), "report-intake lacks {var}");
    }
    for var in env.keys() {
        assert!(
            report_intake::REQUIRED_ENV.contains(&var.as_str())
                || report_intake::OPTIONAL_ENV.contains(&var.as_str()),
            "report-intake reads no {var}"
        );
    }
    // The retention is the deployment's decision, within what the configuration accepts.
    let retention = env[report_intake::ENV_RETENTION_DAYS]["Ref"]
        .as_str()
        .expect("the retention is a parameter");
    let parameter = &template()["Parameters"][retention];
    assert_eq!(parameter["Type"], "Number", "{retention}");
    assert!(parameter["MinValue"].as_i64() >= Some(1), "{retention}");
    assert!(
        parameter["MaxValue"]
            .as_i64()
            .is_some_and(|max| max <= 3650),
        "{retention}"
    );
}

#[test]
fn the_origins_allowed_to_call_report_intake_from_a_browser_are_exact_https_origins_none_by_default(
) {
    let env = environment(REPORT_INTAKE);
    let mut parameters = BTreeSet::new();
    for var in [
        report_intake::ENV_REPORTS_ALLOWED_ORIGINS,
        report_intake::ENV_CONSOLE_ALLOWED_ORIGINS,
    ] {
        let name = env
            .get(var)
            .and_then(|v| v["Ref"].as_str())
            .unwrap_or_else(|| panic!("report-intake's {var} is a parameter"));
        assert!(parameters.insert(name), "{var}: a parameter of its own");
        let parameter = &template()["Parameters"][name];
        assert_eq!(parameter["Type"], "String", "{name}");
        // Unless the deployment names its pages, no page on another origin may use the API.
        let default = parameter["Default"].as_str().expect("a default");
        assert!(
            report_intake::AllowedOrigins::parse(default).is_ok_and(|o| o.is_empty()),
            "{name}: the default allows no origin"
        );
        // CloudFormation refuses what the function would refuse at start (and plain http,
        // which the function keeps for localhost), so a bad list fails the deployment early.
        let pattern = parameter["AllowedPattern"].as_str().expect("a pattern");
        let pattern = regex::Regex::new(pattern).expect("a pattern regex can compile");
        for good in [
            "",
            "https://www.demo.police.uk",
            "https://www.demo.police.uk,https://report.demo.police.uk:8443",
        ] {
            assert!(pattern.is_match(good), "{name} refuses {good:?}");
            assert!(
                report_intake::AllowedOrigins::parse(good).is_ok(),
                "the function refuses {good:?}"
            );
        }
        for bad in [
            "*",
            "https://*.police.uk",
            "null",
            "www.demo.police.uk",
            "http://www.demo.police.uk",
            "http://localhost:3000",
            "https://www.demo.police.uk/",
            "https://www.demo.police.uk/report",
            "https://user@www.demo.police.uk",
            "https://www.demo.police.uk,",
            ",https://www.demo.police.uk",
            "https://www.demo.police.uk https://report.demo.police.uk",
        ] {
            assert!(!pattern.is_match(bad), "{name} admits {bad:?}");
        }
    }
}

#[test]
fn report_intake_answers_every_preflight_itself_and_api_gateway_adds_no_cors_of_its_own() {
    let api = props(REPORTS_API);
    // SAM's Cors would add mock OPTIONS methods that answer without the function's rules.
    assert!(api["Cors"].is_null(), "no SAM Cors on the reports API");
    // Every route sends every method, OPTIONS included, to report-intake (checked with the
    // routes below); no gateway response may carry CORS headers (a `*` there would undo it).
    let mut responses: Vec<&Value> = api["GatewayResponses"]
        .as_object()
        .map(|m| m.values().collect())
        .unwrap_or_default();
    responses.extend(
        of_type("AWS::ApiGateway::GatewayResponse")
            .into_iter()
            .map(|(_, r)| &r["Properties"]),
    );
    for response in responses {
        let text = response.to_string().to_lowercase();
        assert!(
            !text.contains("access-control-"),
            "a gateway response with CORS headers: {text}"
        );
    }
    for (route, operations) in report_routes() {
        assert!(
            operations.get("options").is_none(),
            "{route}: OPTIONS goes to the function"
        );
        assert!(
            operations.get("x-amazon-apigateway-any-method").is_some(),
            "{route}: every method, OPTIONS included, to the function"
        );
    }
}

#[test]
fn report_intake_accepts_the_same_operators_tokens_as_the_operator_api() {
    let reports = environment(REPORT_INTAKE);
    let chats = environment(AUTHORIZER);
    assert_eq!(
        reports.get(report_intake::ENV_ISSUER),
        chats.get(authorizer::ENV_ISSUER),
        "one issuer"
    );
    assert_eq!(
        reports.get(report_intake::ENV_CLIENT_ID),
        chats.get(authorizer::ENV_CLIENT_ID),
        "one client"
    );
    // When reports are for a group, it is a group of the same pool.
    if let Some(group) = reports.get(report_intake::ENV_OPERATOR_GROUP) {
        // An existing pool must have the group of the same name.
        assert_eq!(with_external_pool(group), "operators");
        let group = with_own_pool(group)["Ref"]
            .as_str()
            .expect("the group is a group of this template");
        assert_eq!(resource(group)["Type"], "AWS::Cognito::UserPoolGroup");
        let pool = props(group)["UserPoolId"]["Ref"].as_str().unwrap_or("");
        let issuer = reports
            .get(report_intake::ENV_ISSUER)
            .map(|v| sub_names(with_own_pool(v)))
            .unwrap_or_default();
        assert!(issuer.contains(pool), "{group} is of another pool");
    }
}
#[test]
fn report_intake_s_quick_exit_has_the_chat_service_as_the_chat_functions_have_it() {
    let env = environment(REPORT_INTAKE);
    let message = environment(MESSAGE);
    // CHATS_TABLE turns the quick exit on, and then chat_deps_from_env requires the rest.
    for var in REQUIRED_CHAT_ENV {
        assert!(env.contains_key(*var), "report-intake lacks {var}");
        assert_eq!(env.get(*var), message.get(*var), "{var}");
    }
    // Ending a waiting chat re-announces the queue: every waiting citizen's `queued` frame
    // carries the report URL and a wait estimated from the average handling time, which must
    // be what the message function tells them.
    for var in ["REPORT_URL", "AVERAGE_HANDLING_SECS"] {
        assert!(env.contains_key(var), "report-intake lacks {var}");
        assert_eq!(env.get(var), message.get(var), "{var}");
    }
}
/// The reports API's routes: path → the operation (`x-amazon-apigateway-any-method`, ...).
fn report_routes() -> &'static Map<String, Value> {
    props(REPORTS_API)["DefinitionBody"]["paths"]
        .as_object()
        .expect("the reports API is defined in the template")
}

/// Whether an API Gateway route serves a document path (`{proxy+}` takes the rest).
fn route_serves(route: &str, path: &str) -> bool {
    match route.strip_suffix("{proxy+}") {
        Some(prefix) => path.starts_with(prefix) && path.len() > prefix.len(),
        None => route == path,
    }
}

#[test]
fn the_reports_api_serves_every_path_of_the_api_document_and_no_other_through_report_intake() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/openapi.yaml");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let document = long_form(serde_norway::from_str(&text).expect("openapi.yaml is YAML"));
    let documented: Vec<&String> = document["paths"]
        .as_object()
        .expect("the document has paths")
        .keys()
        .collect();
    let routes = report_routes();
    // Every operator path, known or not, reaches the function (its 401 without a token, its
    // 404 with one: docs/reports.md), not API Gateway's own answer.
    for path in ["/operator/reports", "/operator/unknown", "/operator/a/b/c"] {
        assert!(
            routes
                .keys()
                .any(|r| r.ends_with("{proxy+}") && route_serves(r, path)),
            "{path} reaches report-intake through a proxy route"
        );
    }
    for path in &documented {
        assert!(
            routes.keys().any(|r| route_serves(r, path)),
            "no route serves {path}"
        );
    }
    for (route, operations) in routes {
        assert!(
            documented.iter().any(|p| route_serves(route, p)),
            "{route} serves nothing of the document"
        );
        // Every method, to the function: it answers 405 with Allow itself.
        let operations = operations.as_object().expect("operations");
        assert_eq!(
            operations.keys().collect::<Vec<_>>(),
            vec!["x-amazon-apigateway-any-method"],
            "{route}: one proxy for every method"
        );
        let integration =
            &operations["x-amazon-apigateway-any-method"]["x-amazon-apigateway-integration"];
        assert_eq!(integration["type"], "aws_proxy", "{route}");
        assert_eq!(integration["httpMethod"], "POST", "{route}");
        // By the function's name, not its Arn: a reference would make the API depend on the
        // function, which depends on the console client, which depends on the hosting, whose
        // headers name the API (a cycle).
        let name = sub_text(&props(REPORT_INTAKE)["FunctionName"]);
        assert_eq!(name, "${AWS::StackName}-report-intake");
        assert!(
            sub_text(&integration["uri"]).ends_with(&format!(
                ":lambda:path/2015-03-31/functions/arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{name}/invocations"
            )),
            "{route} reaches report-intake: {}",
            integration["uri"]
        );
    }
}

#[test]
fn the_reports_api_is_regional_public_and_only_its_stage_invokes_report_intake() {
    let api = props(REPORTS_API);
    assert_eq!(resource(REPORTS_API)["Type"], "AWS::Serverless::Api");
    assert_eq!(api["EndpointConfiguration"]["Type"], "REGIONAL");
    assert!(is_ref(&api["StageName"], "Stage"), "stage name");
    // POST /reports is public; operators' tokens are verified by the function.
    assert!(api["Auth"].is_null(), "no API Gateway authorizer");

    let permissions: Vec<&Value> = of_type("AWS::Lambda::Permission")
        .into_iter()
        .map(|(_, p)| &p["Properties"])
        .filter(|p| is_get_att(&p["FunctionName"], REPORT_INTAKE, "Arn"))
        .collect();
    assert_eq!(permissions.len(), 1, "one way in to report-intake");
    let source = sub_text(&permissions[0]["SourceArn"]);
    assert_eq!(permissions[0]["Principal"], "apigateway.amazonaws.com");
    assert!(
        source.ends_with(&format!(":${{{REPORTS_API}}}/${{Stage}}/*")),
        "only the reports API's stage: {source}"
    );

    // Without a custom name (custom_domains.rs checks the other branch).
    let url = sub_text(with_condition(
        &template()["Outputs"]["ReportsApiUrl"]["Value"],
        "HasReportsApiDomain",
        false,
    ));
    assert!(
        url.starts_with(&format!("https://${{{REPORTS_API}}}.execute-api."))
            && url.ends_with("/${Stage}"),
        "the reports API's URL is an output: {url}"
    );
}

#[test]
fn the_reports_stage_is_throttled_and_logs_neither_tokens_query_strings_paths_nor_addresses() {
    let api = props(REPORTS_API);
    let settings = as_list(&api["MethodSettings"]);
    let everything = settings
        .iter()
        .find(|s| s["ResourcePath"] == "/*" && s["HttpMethod"] == "*")
        .expect("settings for every method");
    for limit in ["ThrottlingRateLimit", "ThrottlingBurstLimit"] {
        let value = everything[limit].as_f64().unwrap_or(0.0);
        assert!(value > 0.0, "reports stage: {limit}");
    }
    for s in settings {
        assert_ne!(s["DataTraceEnabled"], true, "reports stage: data trace");
        assert_ne!(
            s["LoggingLevel"], "INFO",
            "reports stage: INFO execution logs"
        );
    }
    let format = api["AccessLogSetting"]["Format"]
        .as_str()
        .expect("the reports stage has access logs")
        .to_lowercase();
    for leak in [
        "querystring",
        "authorization",
        "header",
        "token",
        "$input",
        "$request",
        "$context.path",
        "identity",
        "sourceip",
    ] {
        assert!(
            !format.contains(leak),
            "reports access log format has {leak}"
        );
    }
    let group = api["AccessLogSetting"]["DestinationArn"]["Fn::GetAtt"][0]
        .as_str()
        .expect("a log group of this template");
    assert_eq!(resource(group)["Type"], "AWS::Logs::LogGroup");
}

#[test]
fn the_reports_stage_is_behind_a_regional_waf_with_per_address_rate_limits_and_aws_common_rules() {
    let associations: Vec<&Value> = of_type("AWS::WAFv2::WebACLAssociation")
        .into_iter()
        .map(|(_, a)| &a["Properties"])
        .filter(|a| {
            sub_text(&a["ResourceArn"]).ends_with(&format!(
                "::/restapis/${{{REPORTS_API}}}/stages/${{{REPORTS_API}.Stage}}"
            ))
        })
        .collect();
    assert_eq!(associations.len(), 1, "one web ACL on the reports stage");
    let acl_id = associations[0]["WebACLArn"]["Fn::GetAtt"][0]
        .as_str()
        .expect("a web ACL of this template");
    assert!(is_get_att(&associations[0]["WebACLArn"], acl_id, "Arn"));
    assert_eq!(resource(acl_id)["Type"], "AWS::WAFv2::WebACL");
    let acl = props(acl_id);
    assert_eq!(acl["Scope"], "REGIONAL");
    assert!(
        acl["DefaultAction"]["Allow"].is_object(),
        "allow by default"
    );
    // Sampled requests would show headers (operators' tokens) in the console.
    assert_eq!(acl["VisibilityConfig"]["SampledRequestsEnabled"], false);

    let rules = as_list(&acl["Rules"]);
    for rule in &rules {
        assert_eq!(
            rule["VisibilityConfig"]["SampledRequestsEnabled"], false,
            "{}: sampled requests",
            rule["Name"]
        );
    }
    // A ceiling per source address over every request (operators' paths too).
    let per_ip_over_everything = rules.iter().any(|r| {
        let rate = &r["Statement"]["RateBasedStatement"];
        rate["AggregateKeyType"] == "IP"
            && rate["ScopeDownStatement"].is_null()
            && r["Action"]["Block"].is_object()
    });
    assert!(per_ip_over_everything, "a rate-based rule per source IP");

    let common = rules
        .iter()
        .find(|r| {
            let group = &r["Statement"]["ManagedRuleGroupStatement"];
            group["VendorName"] == "AWS" && group["Name"] == "AWSManagedRulesCommonRuleSet"
        })
        .expect("the AWS managed common rule set");
    // Enforced, not merely counted.
    assert!(
        common["OverrideAction"]["None"].is_object(),
        "the common rule set blocks"
    );
    // Each rule of the set that is only counted is a decision, with its reason in the template:
    // the body size rule (8 KB) would refuse reports the function accepts (64 KB).
    let counted: Vec<&str> =
        as_list(&common["Statement"]["ManagedRuleGroupStatement"]["RuleActionOverrides"])
            .into_iter()
            .filter_map(|o| o["Name"].as_str())
            .collect();
    assert_eq!(counted, vec!["SizeRestrictions_BODY"]);
}

#[test]
fn api_gateway_s_own_answers_are_the_api_s_problem_bodies() {
    let responses = props(REPORTS_API)["GatewayResponses"]
        .as_object()
        .expect("gateway responses");
    for kind in [
        "MISSING_AUTHENTICATION_TOKEN",
        "THROTTLED",
        "WAF_FILTERED",
        "DEFAULT_4XX",
        "DEFAULT_5XX",
    ] {
        assert!(responses.contains_key(kind), "{kind}");
    }
    for (kind, r) in responses {
        let status: u16 = r["StatusCode"]
            .as_str()
            .unwrap_or("")
            .parse()
            .expect("a status");
        let body: Value = serde_json::from_str(
            r["ResponseTemplates"]["application/json"]
                .as_str()
                .unwrap_or(""),
        )
        .unwrap_or_else(|e| panic!("{kind}: the body is JSON: {e}"));
        // docs/openapi.yaml's Problem: exactly status, code, title.
        let keys: BTreeSet<&str> = body
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        assert_eq!(keys, BTreeSet::from(["status", "code", "title"]), "{kind}");
        assert_eq!(
            body["status"], status,
            "{kind}: the body's status is the answer's"
        );
        assert_eq!(
            r["ResponseParameters"]["Headers"]["Content-Type"], "'application/problem+json'",
            "{kind}"
        );
        let code = body["code"].as_str().unwrap();
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/openapi.yaml");
        let text = std::fs::read_to_string(path).expect("openapi.yaml");
        assert!(
            text.contains(&format!("- {code}\n")),
            "{kind}: {code} is a documented code"
        );
    }
}
#[test]
fn the_waf_also_enforces_the_known_bad_inputs_rules() {
    let rules = as_list(&props("ReportsWebAcl")["Rules"]);
    let known = rules
        .iter()
        .find(|r| {
            r["Statement"]["ManagedRuleGroupStatement"]["Name"]
                == "AWSManagedRulesKnownBadInputsRuleSet"
        })
        .expect("the known bad inputs rule set (Log4j)");
    assert!(known["OverrideAction"]["None"].is_object());
    assert!(known["Statement"]["ManagedRuleGroupStatement"]["RuleActionOverrides"].is_null());
}
