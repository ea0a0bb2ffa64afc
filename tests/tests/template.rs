//! The CloudFormation template (`infra/template.yaml`) held to the code: the tables of
//! `store::tables`, the protocol's routes, the variables each function reads, least privilege
//! and the stream mapping. It reads the template as data: offline, in milliseconds.

use bluelamp::bootstrap::REQUIRED_CHAT_ENV;
use bluelamp::protocol::{ACTIONS, OPERATOR_ACTIONS};
use bluelamp::store::items::message_sk;
use bluelamp::store::tables::{self, TableDef};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::OnceLock;

const PUBLIC_API: &str = "PublicWebSocketApi";
const OPERATOR_API: &str = "OperatorWebSocketApi";
const CONNECT: &str = "ConnectFunction";
const MESSAGE: &str = "MessageFunction";
const TRANSLATE: &str = "TranslateFunction";
const AUTHORIZER: &str = "AuthorizerFunction";
/// Each function's logical id and the crate (so the cargo-lambda build directory) behind it.
const FUNCTIONS: &[(&str, &str)] = &[
    (CONNECT, "connect"),
    (MESSAGE, "message"),
    (TRANSLATE, "translate"),
    (AUTHORIZER, "authorizer"),
];
/// The functions that start with `bootstrap::chat_deps_from_env`.
const CHAT_FUNCTIONS: &[&str] = &[CONNECT, MESSAGE, TRANSLATE];
/// `ChatConfig` variables with demo defaults (`shared/src/config.rs`): a deployed function
/// must be told them.
const DEPLOYMENT_CHAT_ENV: &[&str] = &["FORCE_ID", "REPORT_URL", "CHAT_RETENTION_DAYS"];

// ---- reading the template -------------------------------------------------------------------

/// The template as JSON, with CloudFormation's short forms turned into their long forms
/// (`!Ref X` → `{"Ref": "X"}`, `!GetAtt A.B` → `{"Fn::GetAtt": ["A", "B"]}`,
/// `!Sub s` → `{"Fn::Sub": "s"}`), so every check sees one shape.
fn template() -> &'static Value {
    static TEMPLATE: OnceLock<Value> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../infra/template.yaml");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let yaml: serde_norway::Value = serde_norway::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not YAML: {e}", path.display()));
        long_form(yaml)
    })
}

fn long_form(yaml: serde_norway::Value) -> Value {
    use serde_norway::Value as Y;
    match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                json!(i)
            } else if let Some(u) = n.as_u64() {
                json!(u)
            } else {
                json!(n.as_f64())
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(long_form).collect()),
        Y::Mapping(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        Y::String(s) => s,
                        other => serde_norway::to_string(&other)
                            .unwrap_or_default()
                            .trim()
                            .to_owned(),
                    };
                    (key, long_form(v))
                })
                .collect(),
        ),
        Y::Tagged(tagged) => {
            let tag = tagged.tag.to_string();
            let name = tag.trim_start_matches('!');
            let value = long_form(tagged.value);
            match (name, value) {
                ("Ref", v) => json!({ "Ref": v }),
                ("Condition", v) => json!({ "Condition": v }),
                ("GetAtt", Value::String(s)) => {
                    let (resource, attribute) = s.split_once('.').unwrap_or((&s, ""));
                    json!({ "Fn::GetAtt": [resource, attribute] })
                }
                (other, v) => json!({ format!("Fn::{other}"): v }),
            }
        }
    }
}

fn resources() -> &'static Map<String, Value> {
    template()["Resources"]
        .as_object()
        .expect("the template has Resources")
}

fn resource(id: &str) -> &'static Value {
    resources()
        .get(id)
        .unwrap_or_else(|| panic!("the template has no resource {id}"))
}

fn props(id: &str) -> &'static Value {
    &resource(id)["Properties"]
}

fn of_type(kind: &str) -> Vec<(&'static str, &'static Value)> {
    resources()
        .iter()
        .filter(|(_, r)| r["Type"] == kind)
        .map(|(id, r)| (id.as_str(), r))
        .collect()
}

/// A function's property, from the function or, failing that, SAM's `Globals`.
fn function_property(id: &str, key: &str) -> &'static Value {
    match &props(id)[key] {
        Value::Null => &template()["Globals"]["Function"][key],
        own => own,
    }
}

/// A function's environment: `Globals` first, then its own variables over them (as SAM merges).
fn environment(id: &str) -> BTreeMap<String, Value> {
    let mut vars = BTreeMap::new();
    for source in [
        &template()["Globals"]["Function"]["Environment"]["Variables"],
        &props(id)["Environment"]["Variables"],
    ] {
        if let Some(map) = source.as_object() {
            vars.extend(map.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
    }
    vars
}

fn is_ref(value: &Value, id: &str) -> bool {
    value == &json!({ "Ref": id })
}

fn is_get_att(value: &Value, id: &str, attribute: &str) -> bool {
    value == &json!({ "Fn::GetAtt": [id, attribute] })
}

/// The `${...}` names of a `Fn::Sub` string (`${A.Arn}` names `A`), or nothing.
fn sub_names(value: &Value) -> BTreeSet<String> {
    let text = match &value["Fn::Sub"] {
        Value::String(s) => s.as_str(),
        Value::Array(parts) => parts.first().and_then(Value::as_str).unwrap_or(""),
        _ => "",
    };
    text.split("${")
        .skip(1)
        .filter_map(|rest| rest.split_once('}'))
        .map(|(name, _)| name.split('.').next().unwrap_or(name).to_owned())
        .collect()
}

/// The string of a `Fn::Sub`, or a plain string.
fn sub_text(value: &Value) -> &str {
    value["Fn::Sub"]
        .as_str()
        .or_else(|| value.as_str())
        .unwrap_or("")
}

fn as_list(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        Value::Null => Vec::new(),
        one => vec![one],
    }
}

fn strings(value: &Value) -> Vec<&str> {
    as_list(value)
        .into_iter()
        .filter_map(Value::as_str)
        .collect()
}

/// The routes of one API: route key → the route's properties.
fn routes_of(api: &str) -> BTreeMap<String, &'static Value> {
    of_type("AWS::ApiGatewayV2::Route")
        .into_iter()
        .filter(|(_, r)| is_ref(&r["Properties"]["ApiId"], api))
        .map(|(id, r)| {
            let key = r["Properties"]["RouteKey"]
                .as_str()
                .unwrap_or_else(|| panic!("route {id} has no literal RouteKey"));
            (key.to_owned(), &r["Properties"])
        })
        .collect()
}

/// The function a route reaches: route → integration → the function in its URI.
fn function_behind(route: &Value) -> String {
    let integration = sub_names(&route["Target"])
        .into_iter()
        .next()
        .expect("a route targets an integration");
    let integration = props(&integration);
    let names = sub_names(&integration["IntegrationUri"]);
    FUNCTIONS
        .iter()
        .map(|(id, _)| (*id).to_owned())
        .find(|id| names.contains(id))
        .unwrap_or_else(|| panic!("integration URI names no function: {names:?}"))
}

fn key_schema(partition: &str, sort: Option<&str>) -> Value {
    let mut keys = vec![json!({ "AttributeName": partition, "KeyType": "HASH" })];
    if let Some(sort) = sort {
        keys.push(json!({ "AttributeName": sort, "KeyType": "RANGE" }));
    }
    Value::Array(keys)
}

fn table(def: &TableDef) -> &'static Value {
    let table = resource(def.logical_id);
    assert_eq!(
        table["Type"], "AWS::DynamoDB::Table",
        "{} must be a DynamoDB table",
        def.logical_id
    );
    &table["Properties"]
}

/// Every statement of every policy in the template (roles, managed policies, key and
/// queue policies), wherever it sits.
fn statements() -> Vec<&'static Value> {
    fn walk<'a>(value: &'a Value, out: &mut Vec<&'a Value>) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    if key == "Statement" {
                        out.extend(as_list(v));
                    } else {
                        walk(v, out);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(&template()["Resources"], &mut out);
    out
}

/// The `Allow` statements of the role a function runs as.
fn role_statements(function: &str) -> Vec<&'static Value> {
    let role = function_property(function, "Role");
    let role_id = role["Fn::GetAtt"][0]
        .as_str()
        .unwrap_or_else(|| panic!("{function} must run as a role of this template"));
    let role = props(role_id);
    as_list(&role["Policies"])
        .into_iter()
        .flat_map(|p| as_list(&p["PolicyDocument"]["Statement"]))
        .filter(|s| s["Effect"] == "Allow")
        .collect()
}

fn the_stream_mapping() -> &'static Value {
    let mappings = of_type("AWS::Lambda::EventSourceMapping");
    let mut to_translate = mappings
        .iter()
        .filter(|(_, m)| is_ref(&m["Properties"]["FunctionName"], TRANSLATE));
    let (_, mapping) = to_translate
        .next()
        .expect("an event source mapping feeds translate");
    assert!(to_translate.next().is_none(), "one mapping feeds translate");
    &mapping["Properties"]
}

// ---- tables ---------------------------------------------------------------------------------

#[test]
fn every_table_in_the_code_has_exactly_its_keys_indexes_ttl_and_stream_in_the_template() {
    for def in tables::ALL {
        let t = table(def);
        let id = def.logical_id;

        assert_eq!(
            t["KeySchema"],
            key_schema(def.partition_key, def.sort_key),
            "{id}: key schema"
        );

        let defined: BTreeMap<&str, &str> = as_list(&t["AttributeDefinitions"])
            .into_iter()
            .map(|a| {
                (
                    a["AttributeName"].as_str().unwrap_or(""),
                    a["AttributeType"].as_str().unwrap_or(""),
                )
            })
            .collect();
        let expected: BTreeMap<&str, &str> =
            def.key_attributes().into_iter().map(|a| (a, "S")).collect();
        assert_eq!(defined, expected, "{id}: attribute definitions");

        let mut indexes: Vec<(&str, &Value, &Value)> = as_list(&t["GlobalSecondaryIndexes"])
            .into_iter()
            .map(|i| {
                (
                    i["IndexName"].as_str().unwrap_or(""),
                    &i["KeySchema"],
                    &i["Projection"]["ProjectionType"],
                )
            })
            .collect();
        indexes.sort_by_key(|(name, _, _)| *name);
        let mut expected: Vec<(&str, Value)> = def
            .indexes
            .iter()
            .map(|i| (i.name, key_schema(i.partition_key, i.sort_key)))
            .collect();
        expected.sort_by_key(|(name, _)| *name);
        assert_eq!(
            indexes.len(),
            expected.len(),
            "{id}: the indexes are {expected:?}"
        );
        for ((name, keys, projection), (want_name, want_keys)) in indexes.iter().zip(&expected) {
            assert_eq!(name, want_name, "{id}: index names");
            assert_eq!(*keys, want_keys, "{id}: keys of index {name}");
            // `TableDef::create` projects everything; so must the template.
            assert_eq!(*projection, "ALL", "{id}: projection of index {name}");
        }
        assert!(
            t["LocalSecondaryIndexes"].is_null(),
            "{id}: the code defines no local indexes"
        );

        match def.ttl_attribute {
            Some(attribute) => {
                assert_eq!(
                    t["TimeToLiveSpecification"],
                    json!({ "AttributeName": attribute, "Enabled": true }),
                    "{id}: TTL"
                );
            }
            None => assert!(t["TimeToLiveSpecification"].is_null(), "{id}: no TTL"),
        }

        if def.stream {
            assert_eq!(
                t["StreamSpecification"],
                json!({ "StreamViewType": "NEW_AND_OLD_IMAGES" }),
                "{id}: stream"
            );
        } else {
            assert!(t["StreamSpecification"].is_null(), "{id}: no stream");
        }
    }
}

#[test]
fn the_template_has_no_table_that_the_code_does_not_define() {
    let in_code: BTreeSet<&str> = tables::ALL.iter().map(|t| t.logical_id).collect();
    let in_template: BTreeSet<&str> = of_type("AWS::DynamoDB::Table")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(in_template, in_code);
}

#[test]
fn every_table_is_on_demand_recoverable_retained_and_encrypted_with_the_rotating_stack_key() {
    for def in tables::ALL {
        let id = def.logical_id;
        let t = table(def);
        assert_eq!(t["BillingMode"], "PAY_PER_REQUEST", "{id}: billing");
        assert_eq!(
            t["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"], true,
            "{id}: point-in-time recovery"
        );
        assert_eq!(resource(id)["DeletionPolicy"], "Retain", "{id}: deletion");
        assert_eq!(t["SSESpecification"]["SSEEnabled"], true, "{id}: SSE");
        assert_eq!(t["SSESpecification"]["SSEType"], "KMS", "{id}: SSE type");
        let key = &t["SSESpecification"]["KMSMasterKeyId"];
        let key_id = key["Fn::GetAtt"][0]
            .as_str()
            .or_else(|| key["Ref"].as_str())
            .unwrap_or_else(|| panic!("{id}: encrypted with a key of this stack"));
        assert_eq!(resource(key_id)["Type"], "AWS::KMS::Key");
        assert_eq!(
            props(key_id)["EnableKeyRotation"],
            true,
            "{key_id}: rotation"
        );
    }
}

// ---- the two WebSocket APIs -----------------------------------------------------------------

#[test]
fn both_apis_are_websocket_apis_that_route_on_the_frame_s_action() {
    for api in [PUBLIC_API, OPERATOR_API] {
        assert_eq!(resource(api)["Type"], "AWS::ApiGatewayV2::Api");
        assert_eq!(props(api)["ProtocolType"], "WEBSOCKET", "{api}");
        assert_eq!(
            props(api)["RouteSelectionExpression"],
            "$request.body.action",
            "{api}"
        );
    }
}

#[test]
fn the_public_api_has_a_route_for_every_action_that_is_not_an_operator_s() {
    let routes = routes_of(PUBLIC_API);
    for action in ACTIONS.iter().filter(|a| !OPERATOR_ACTIONS.contains(a)) {
        assert!(
            routes.contains_key(*action),
            "public API: no route {action}"
        );
    }
    for key in ["$connect", "$disconnect", "$default"] {
        assert!(routes.contains_key(key), "public API: no route {key}");
    }
}

#[test]
fn the_public_api_has_no_route_for_any_operator_action_and_nothing_it_does_not_know() {
    let routes = routes_of(PUBLIC_API);
    for action in OPERATOR_ACTIONS {
        assert!(
            !routes.contains_key(*action),
            "public API must not route {action}"
        );
    }
    for key in routes.keys() {
        assert!(
            key.starts_with('$') || ACTIONS.contains(&key.as_str()),
            "public API: {key} is not a protocol action"
        );
    }
}

#[test]
fn the_public_api_has_no_authorizer() {
    for (id, authorizer) in of_type("AWS::ApiGatewayV2::Authorizer") {
        assert!(
            !is_ref(&authorizer["Properties"]["ApiId"], PUBLIC_API),
            "{id} guards the public API"
        );
    }
    for (key, route) in routes_of(PUBLIC_API) {
        assert_eq!(route["AuthorizationType"], "NONE", "public route {key}");
    }
}

#[test]
fn the_operator_api_has_a_route_for_every_action() {
    let routes = routes_of(OPERATOR_API);
    for action in ACTIONS {
        assert!(
            routes.contains_key(*action),
            "operator API: no route {action}"
        );
    }
    for key in ["$connect", "$disconnect", "$default"] {
        assert!(routes.contains_key(key), "operator API: no route {key}");
    }
}

#[test]
fn the_operator_api_s_connect_is_guarded_by_the_authorizer_function_reading_the_token_query_string()
{
    let routes = routes_of(OPERATOR_API);
    let connect = routes["$connect"];
    assert_eq!(connect["AuthorizationType"], "CUSTOM");
    let authorizer_id = connect["AuthorizerId"]["Ref"]
        .as_str()
        .expect("$connect names an authorizer of this template");
    let authorizer = props(authorizer_id);
    assert_eq!(
        resource(authorizer_id)["Type"],
        "AWS::ApiGatewayV2::Authorizer"
    );
    assert!(is_ref(&authorizer["ApiId"], OPERATOR_API));
    assert_eq!(authorizer["AuthorizerType"], "REQUEST");
    assert_eq!(
        strings(&authorizer["IdentitySource"]),
        vec![format!(
            "route.request.querystring.{}",
            authorizer::TOKEN_QUERY_PARAMETER
        )]
    );
    assert!(sub_names(&authorizer["AuthorizerUri"]).contains(AUTHORIZER));
}

#[test]
fn connect_and_disconnect_reach_the_connect_function_and_every_other_route_the_message_function() {
    for api in [PUBLIC_API, OPERATOR_API] {
        for (key, route) in routes_of(api) {
            let want = match key.as_str() {
                "$connect" | "$disconnect" => CONNECT,
                _ => MESSAGE,
            };
            assert_eq!(function_behind(route), want, "{api} route {key}");
        }
    }
}

#[test]
fn access_logs_never_record_the_query_string_where_the_operator_token_travels() {
    let stages = of_type("AWS::ApiGatewayV2::Stage");
    assert_eq!(stages.len(), 2, "one stage per API");
    for (id, stage) in stages {
        let p = &stage["Properties"];
        let format = p["AccessLogSettings"]["Format"]
            .as_str()
            .unwrap_or_else(|| panic!("{id} has access logs"));
        let lower = format.to_lowercase();
        for leak in ["querystring", "token", "$input", "$request", "sourceip"] {
            assert!(!lower.contains(leak), "{id}: access log format has {leak}");
        }
        // Execution logs can hold whole requests: at most errors, never data traces.
        let settings = std::iter::once(&p["DefaultRouteSettings"]).chain(
            p["RouteSettings"]
                .as_object()
                .into_iter()
                .flat_map(|m| m.values()),
        );
        for s in settings {
            assert_ne!(s["DataTraceEnabled"], true, "{id}: data trace");
            assert_ne!(s["LoggingLevel"], "INFO", "{id}: INFO execution logs");
        }
    }
}

#[test]
fn every_stage_is_throttled_and_named_after_the_deployment_stage() {
    for (id, stage) in of_type("AWS::ApiGatewayV2::Stage") {
        let p = &stage["Properties"];
        assert!(is_ref(&p["StageName"], "Stage"), "{id}: stage name");
        for limit in ["ThrottlingRateLimit", "ThrottlingBurstLimit"] {
            let value = p["DefaultRouteSettings"][limit].as_f64().unwrap_or(0.0);
            assert!(value > 0.0, "{id}: {limit}");
        }
    }
}

// ---- functions ------------------------------------------------------------------------------

#[test]
fn every_function_runs_the_arm64_bootstrap_that_cargo_lambda_builds_for_its_crate() {
    let in_template: BTreeSet<&str> = of_type("AWS::Serverless::Function")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let expected: BTreeSet<&str> = FUNCTIONS.iter().map(|(id, _)| *id).collect();
    assert_eq!(in_template, expected);
    for (id, krate) in FUNCTIONS {
        assert_eq!(function_property(id, "Runtime"), "provided.al2023", "{id}");
        assert_eq!(
            function_property(id, "Architectures"),
            &json!(["arm64"]),
            "{id}"
        );
        assert_eq!(function_property(id, "Handler"), "bootstrap", "{id}");
        assert_eq!(
            function_property(id, "CodeUri"),
            &json!(format!("../target/lambda/{krate}/")),
            "{id}"
        );
        assert_eq!(function_property(id, "MemorySize"), 128, "{id}");
        let timeout = function_property(id, "Timeout").as_u64().unwrap_or(0);
        assert!((1..=30).contains(&timeout), "{id}: a short timeout");
        assert!(
            function_property(id, "ReservedConcurrentExecutions").as_u64() > Some(0),
            "{id}: reserved concurrency"
        );
    }
}

#[test]
fn every_chat_function_is_given_every_variable_its_code_requires() {
    for id in CHAT_FUNCTIONS {
        let env = environment(id);
        for var in REQUIRED_CHAT_ENV {
            assert!(env.contains_key(*var), "{id} lacks {var}");
        }
        for var in DEPLOYMENT_CHAT_ENV {
            assert!(
                env.contains_key(*var),
                "{id} would run on the default {var}"
            );
        }
    }
}

#[test]
fn the_table_variables_name_the_code_s_tables() {
    for id in CHAT_FUNCTIONS {
        let env = environment(id);
        for def in tables::ALL {
            // The translation cache is translate's alone (least privilege).
            if def.logical_id == tables::TRANSLATION_CACHE.logical_id && *id != TRANSLATE {
                assert!(
                    !env.contains_key(def.env_var),
                    "{id} has no business with {}",
                    def.logical_id
                );
                continue;
            }
            assert!(
                env.get(def.env_var)
                    .is_some_and(|v| is_ref(v, def.logical_id)),
                "{id}: {} must be the name of {}",
                def.env_var,
                def.logical_id
            );
        }
    }
}

#[test]
fn the_endpoint_variables_are_the_management_endpoints_of_the_right_api_and_stage() {
    for id in CHAT_FUNCTIONS {
        let env = environment(id);
        for (var, api) in [
            (bluelamp::bootstrap::PUBLIC_WS_ENDPOINT, PUBLIC_API),
            (bluelamp::bootstrap::OPERATOR_WS_ENDPOINT, OPERATOR_API),
        ] {
            let text = env.get(var).map(sub_text).unwrap_or("");
            assert!(
                text.starts_with(&format!("https://${{{api}}}.execute-api."))
                    && text.ends_with("/${Stage}"),
                "{id}: {var} is {text:?}"
            );
        }
    }
}

#[test]
fn the_authorizer_is_given_the_cognito_issuer_and_client_id() {
    let env = environment(AUTHORIZER);
    for var in [authorizer::ENV_ISSUER, authorizer::ENV_CLIENT_ID] {
        assert!(env.contains_key(var), "the authorizer lacks {var}");
    }
    let issuer = env.get(authorizer::ENV_ISSUER).map(sub_text).unwrap_or("");
    assert!(
        issuer.starts_with("https://cognito-idp."),
        "issuer {issuer:?}"
    );
}

#[test]
fn every_function_logs_to_its_own_encrypted_log_group_with_a_retention() {
    let mut seen = BTreeSet::new();
    for (id, _) in FUNCTIONS {
        let group = function_property(id, "LoggingConfig")["LogGroup"]["Ref"]
            .as_str()
            .unwrap_or_else(|| panic!("{id} names its log group"));
        assert!(seen.insert(group), "{group} is shared");
    }
    for (id, group) in of_type("AWS::Logs::LogGroup") {
        let p = &group["Properties"];
        assert!(!p["RetentionInDays"].is_null(), "{id}: retention");
        assert!(!p["KmsKeyId"].is_null(), "{id}: encryption");
    }
}

// ---- least privilege ------------------------------------------------------------------------

#[test]
fn no_policy_allows_table_actions_on_every_resource() {
    for statement in statements() {
        if statement["Effect"] != "Allow" {
            continue;
        }
        let actions = strings(&statement["Action"]);
        let table_actions = actions
            .iter()
            .any(|a| *a == "*" || a.to_lowercase().starts_with("dynamodb:"));
        if !table_actions {
            continue;
        }
        assert!(
            !actions.iter().any(|a| *a == "*" || *a == "dynamodb:*"),
            "a wildcard table action: {statement}"
        );
        for resource in as_list(&statement["Resource"]) {
            assert_ne!(
                resource, "*",
                "table actions on every resource: {statement}"
            );
        }
        assert!(
            !statement["Resource"].is_null(),
            "table actions need a resource: {statement}"
        );
    }
}

#[test]
fn each_function_runs_as_a_role_of_its_own_with_no_managed_policies() {
    let mut roles = BTreeSet::new();
    for (id, _) in FUNCTIONS {
        assert!(
            props(id)["Policies"].is_null(),
            "{id}: permissions belong in its role"
        );
        let role = function_property(id, "Role")["Fn::GetAtt"][0]
            .as_str()
            .unwrap_or_else(|| panic!("{id} must run as a role of this template"));
        assert_eq!(resource(role)["Type"], "AWS::IAM::Role");
        assert!(
            props(role)["ManagedPolicyArns"].is_null(),
            "{role}: managed policies are broader than the code"
        );
        assert!(roles.insert(role), "{role} is shared");
    }
}

#[test]
fn sockets_are_managed_only_on_this_stack_s_two_apis() {
    for statement in statements() {
        if !strings(&statement["Action"]).contains(&"execute-api:ManageConnections") {
            continue;
        }
        for resource in as_list(&statement["Resource"]) {
            let names = sub_names(resource);
            assert!(
                names.contains(PUBLIC_API) || names.contains(OPERATOR_API),
                "ManageConnections beyond the two APIs: {resource}"
            );
        }
    }
}

#[test]
fn the_authorizer_can_touch_no_table_socket_or_key() {
    for statement in role_statements(AUTHORIZER) {
        for action in strings(&statement["Action"]) {
            assert!(
                action.starts_with("logs:"),
                "the authorizer may only log, not {action}"
            );
        }
    }
}

// ---- the message pipeline -------------------------------------------------------------------

#[test]
fn the_stream_mapping_takes_only_new_messages_from_the_chats_stream_to_translate() {
    let mapping = the_stream_mapping();
    assert!(is_get_att(
        &mapping["EventSourceArn"],
        tables::CHATS.logical_id,
        "StreamArn"
    ));

    let filters = as_list(&mapping["FilterCriteria"]["Filters"]);
    assert_eq!(filters.len(), 1, "one filter");
    let pattern: Value = serde_json::from_str(filters[0]["Pattern"].as_str().unwrap_or(""))
        .expect("the filter pattern is JSON");
    let sk = message_sk(0);
    let prefix = &sk[..=sk.find('#').expect("message keys have a # prefix")];
    let sort_key = tables::CHATS.sort_key.expect("chats have a sort key");
    assert_eq!(
        pattern,
        json!({
            "eventName": [bluelamp::stream::INSERT],
            "dynamodb": { "Keys": { sort_key: { "S": [{ "prefix": prefix }] } } }
        })
    );
}

#[test]
fn a_failing_message_is_reported_alone_retried_boundedly_then_parked_in_an_encrypted_queue() {
    let mapping = the_stream_mapping();
    assert!(strings(&mapping["FunctionResponseTypes"]).contains(&"ReportBatchItemFailures"));
    assert_eq!(mapping["BisectBatchOnFunctionError"], true);

    let retries = mapping["MaximumRetryAttempts"].as_i64().unwrap_or(-1);
    assert!((0..=10_000).contains(&retries), "bounded retries");
    let age = mapping["MaximumRecordAgeInSeconds"].as_i64().unwrap_or(-1);
    assert!((60..=604_800).contains(&age), "bounded record age");
    let parallel = mapping["ParallelizationFactor"].as_i64().unwrap_or(0);
    assert!((1..=10).contains(&parallel), "a parallelization factor");

    let destination = &mapping["DestinationConfig"]["OnFailure"]["Destination"];
    let queue = destination["Fn::GetAtt"][0]
        .as_str()
        .expect("an on-failure destination of this template");
    assert!(is_get_att(destination, queue, "Arn"));
    assert_eq!(resource(queue)["Type"], "AWS::SQS::Queue");
    assert!(!props(queue)["KmsMasterKeyId"].is_null(), "{queue}: KMS");

    let may_send = role_statements(TRANSLATE).into_iter().any(|s| {
        strings(&s["Action"]).contains(&"sqs:SendMessage")
            && is_get_att(&s["Resource"], queue, "Arn")
    });
    assert!(may_send, "translate's role may send to {queue}");
}

// ---- alarms ---------------------------------------------------------------------------------

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
    let queue = the_stream_mapping()["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"]
        [0]
    .as_str()
    .unwrap_or("");
    assert_eq!(
        alarms_on("ApproximateNumberOfMessagesVisible", "QueueName", |v| {
            is_get_att(v, queue, "QueueName")
        }),
        1,
        "an alarm on failed messages"
    );
    assert_eq!(
        alarms_on("IteratorAge", "FunctionName", |v| is_ref(v, TRANSLATE)),
        1,
        "an alarm on delayed messages"
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
