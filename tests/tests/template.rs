//! The CloudFormation template (`infra/template.yaml`) held to the code: the tables of
//! `store::tables`, the protocol's routes, the reports API's paths (`docs/openapi.yaml`), the
//! variables each function reads, least privilege, the stream mappings and the reports WAF. It
//! reads the template as data: offline, in milliseconds.

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
const FAQ_REPLY: &str = "FaqReplyFunction";
const REPORT_INTAKE: &str = "ReportIntakeFunction";
const REPORTS_API: &str = "ReportsApi";
/// Each function's logical id and the crate (so the cargo-lambda build directory) behind it.
const FUNCTIONS: &[(&str, &str)] = &[
    (CONNECT, "connect"),
    (MESSAGE, "message"),
    (TRANSLATE, "translate"),
    (AUTHORIZER, "authorizer"),
    (FAQ_REPLY, "faq-reply"),
    (REPORT_INTAKE, "report-intake"),
];
/// The functions that start with `bootstrap::chat_deps_from_env`.
const CHAT_FUNCTIONS: &[&str] = &[CONNECT, MESSAGE, TRANSLATE, FAQ_REPLY];
/// The consumers of the chats table's stream: each gets every new message, with the same
/// guarantees.
const STREAM_CONSUMERS: &[&str] = &[TRANSLATE, FAQ_REPLY];
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

/// What a value is when the stack signs operators in with its own pool: the first branch of
/// `!If [UseOwnPool, own, external]`, or the value itself when it does not depend on that.
fn with_own_pool(value: &Value) -> &Value {
    match value["Fn::If"].as_array() {
        Some(branches) if branches.len() == 3 && branches[0] == "UseOwnPool" => &branches[1],
        _ => value,
    }
}

/// What a value is with an existing pool's issuer (`ExternalIssuer`): the second branch.
fn with_external_pool(value: &Value) -> &Value {
    match value["Fn::If"].as_array() {
        Some(branches) if branches.len() == 3 && branches[0] == "UseOwnPool" => &branches[2],
        _ => value,
    }
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

/// The one event source mapping that feeds `function`.
fn stream_mapping(function: &str) -> &'static Value {
    let mappings = of_type("AWS::Lambda::EventSourceMapping");
    let mut feeding = mappings
        .iter()
        .filter(|(_, m)| is_ref(&m["Properties"]["FunctionName"], function));
    let (_, mapping) = feeding
        .next()
        .unwrap_or_else(|| panic!("an event source mapping feeds {function}"));
    assert!(feeding.next().is_none(), "one mapping feeds {function}");
    &mapping["Properties"]
}

/// The logical id of the queue a mapping sends what it gives up on to.
fn on_failure_queue(mapping: &Value) -> &str {
    mapping["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0]
        .as_str()
        .unwrap_or("")
}

/// Whether a policy resource is `table` itself, one of its indexes or its stream.
fn names_table(resource: &Value, table: &str) -> bool {
    resource["Fn::GetAtt"][0] == table || sub_names(resource).contains(table)
}

/// The table actions a function's role allows on each resource it names: the table's logical
/// id, with `/index/{name}` for an index.
fn table_grants(function: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut grants: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for statement in role_statements(function) {
        let actions: Vec<&str> = strings(&statement["Action"])
            .into_iter()
            .filter(|a| a.starts_with("dynamodb:"))
            .collect();
        if actions.is_empty() {
            continue;
        }
        for resource in as_list(&statement["Resource"]) {
            let name = match resource["Fn::GetAtt"].as_array() {
                Some(parts) => {
                    let id = parts[0].as_str().unwrap_or("");
                    match parts[1].as_str() {
                        Some("StreamArn") => format!("{id}/stream"),
                        _ => id.to_owned(),
                    }
                }
                None => sub_text(resource)
                    .replace(".Arn}", "}")
                    .replace(['$', '{', '}'], ""),
            };
            grants
                .entry(name)
                .or_default()
                .extend(actions.iter().map(|a| (*a).to_owned()));
        }
    }
    grants
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

/// The tables each function's code reads (`bootstrap`): the chat functions the chats and
/// connections (translate also the translation cache, which is its alone), report-intake the
/// reports and the audit log, and the chats and connections for `POST /chat/quick-exit`, the
/// authorizer none.
fn tables_of(function: &str) -> Vec<TableDef> {
    match function {
        TRANSLATE => vec![
            tables::CHATS,
            tables::CONNECTIONS,
            tables::TRANSLATION_CACHE,
        ],
        REPORT_INTAKE => vec![
            tables::REPORTS,
            tables::AUDIT,
            tables::CHATS,
            tables::CONNECTIONS,
        ],
        AUTHORIZER => vec![],
        chat if CHAT_FUNCTIONS.contains(&chat) => vec![tables::CHATS, tables::CONNECTIONS],
        other => panic!("which tables does {other} read?"),
    }
}

#[test]
fn each_function_is_given_the_names_of_its_tables_and_of_no_other() {
    for (id, _) in FUNCTIONS {
        let env = environment(id);
        let mine = tables_of(id);
        for def in tables::ALL {
            if mine.contains(def) {
                assert!(
                    env.get(def.env_var)
                        .is_some_and(|v| is_ref(v, def.logical_id)),
                    "{id}: {} must be the name of {}",
                    def.env_var,
                    def.logical_id
                );
            } else {
                assert!(
                    !env.contains_key(def.env_var),
                    "{id} has no business with {}",
                    def.logical_id
                );
            }
        }
    }
}

#[test]
fn the_endpoint_variables_are_the_management_endpoints_of_the_right_api_and_stage() {
    // report-intake too: its quick exit re-announces the queue on both APIs.
    for id in CHAT_FUNCTIONS.iter().chain([&REPORT_INTAKE]) {
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
    let issuer = env
        .get(authorizer::ENV_ISSUER)
        .map(|v| sub_text(with_own_pool(v)))
        .unwrap_or("");
    assert!(
        issuer.starts_with("https://cognito-idp."),
        "issuer {issuer:?}"
    );
    assert!(
        is_ref(&env[authorizer::ENV_CLIENT_ID], "OperatorConsoleClient")
            || is_ref(
                with_own_pool(&env[authorizer::ENV_CLIENT_ID]),
                "OperatorConsoleClient"
            ),
        "the console's client of the stack's pool"
    );
    // With an existing pool: its issuer and client, both parameters, both or neither.
    assert!(is_ref(
        with_external_pool(&env[authorizer::ENV_ISSUER]),
        "ExternalIssuer"
    ));
    assert!(is_ref(
        with_external_pool(&env[authorizer::ENV_CLIENT_ID]),
        "ExternalClientId"
    ));
    assert_eq!(
        template()["Conditions"]["UseOwnPool"],
        json!({ "Fn::Equals": [{ "Ref": "ExternalIssuer" }, ""] })
    );
    // The pool and what hangs off it exist only when the stack signs operators in itself.
    for id in [
        "OperatorUserPool",
        "OperatorsGroup",
        "OperatorConsoleClient",
        "OperatorSignInDomain",
    ] {
        assert_eq!(resource(id)["Condition"], "UseOwnPool", "{id}");
    }
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
fn each_stream_mapping_takes_only_new_messages_from_the_chats_stream() {
    for consumer in STREAM_CONSUMERS {
        let mapping = stream_mapping(consumer);
        assert!(
            is_get_att(
                &mapping["EventSourceArn"],
                tables::CHATS.logical_id,
                "StreamArn"
            ),
            "{consumer}: the chats stream"
        );

        let filters = as_list(&mapping["FilterCriteria"]["Filters"]);
        assert_eq!(filters.len(), 1, "{consumer}: one filter");
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
            }),
            "{consumer}: filter"
        );
    }
}

#[test]
fn a_failing_message_is_reported_alone_retried_boundedly_then_parked_in_an_encrypted_queue() {
    let mut queues = BTreeSet::new();
    for consumer in STREAM_CONSUMERS {
        let mapping = stream_mapping(consumer);
        assert!(
            strings(&mapping["FunctionResponseTypes"]).contains(&"ReportBatchItemFailures"),
            "{consumer}: partial batch failures"
        );
        assert_eq!(
            mapping["BisectBatchOnFunctionError"], true,
            "{consumer}: bisection"
        );

        let retries = mapping["MaximumRetryAttempts"].as_i64().unwrap_or(-1);
        assert!(
            (0..=10_000).contains(&retries),
            "{consumer}: bounded retries"
        );
        let age = mapping["MaximumRecordAgeInSeconds"].as_i64().unwrap_or(-1);
        assert!(
            (60..=604_800).contains(&age),
            "{consumer}: bounded record age"
        );
        let parallel = mapping["ParallelizationFactor"].as_i64().unwrap_or(0);
        assert!(
            (1..=10).contains(&parallel),
            "{consumer}: a parallelization factor"
        );
        // Nothing is skipped when a mapping is created again.
        assert_eq!(mapping["StartingPosition"], "TRIM_HORIZON", "{consumer}");

        let destination = &mapping["DestinationConfig"]["OnFailure"]["Destination"];
        let queue = on_failure_queue(mapping);
        assert!(
            is_get_att(destination, queue, "Arn"),
            "{consumer}: an on-failure destination of this template"
        );
        assert_eq!(resource(queue)["Type"], "AWS::SQS::Queue");
        assert!(!props(queue)["KmsMasterKeyId"].is_null(), "{queue}: KMS");
        assert!(queues.insert(queue), "{queue} is shared");

        let may_send = role_statements(consumer).into_iter().any(|s| {
            strings(&s["Action"]).contains(&"sqs:SendMessage")
                && is_get_att(&s["Resource"], queue, "Arn")
        });
        assert!(may_send, "{consumer}'s role may send to {queue}");
        // The mapping reads the stream with the function's role.
        let grants = table_grants(consumer);
        let stream = format!("{}/stream", tables::CHATS.logical_id);
        for action in [
            "dynamodb:DescribeStream",
            "dynamodb:GetRecords",
            "dynamodb:GetShardIterator",
        ] {
            assert!(
                grants.get(&stream).is_some_and(|a| a.contains(action)),
                "{consumer}'s role lacks {action} on the chats stream"
            );
        }
    }
}

#[test]
fn faq_reply_has_exactly_the_same_delivery_guarantees_as_translate() {
    let translate = stream_mapping(TRANSLATE);
    let faq = stream_mapping(FAQ_REPLY);
    for key in [
        "EventSourceArn",
        "StartingPosition",
        "FilterCriteria",
        "FunctionResponseTypes",
        "BisectBatchOnFunctionError",
        "MaximumRetryAttempts",
        "MaximumRecordAgeInSeconds",
        "ParallelizationFactor",
        "BatchSize",
        "MaximumBatchingWindowInSeconds",
    ] {
        assert_eq!(faq[key], translate[key], "faq-reply's mapping: {key}");
    }
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
    for consumer in STREAM_CONSUMERS {
        let queue = on_failure_queue(stream_mapping(consumer));
        assert_eq!(
            alarms_on("ApproximateNumberOfMessagesVisible", "QueueName", |v| {
                is_get_att(v, queue, "QueueName")
            }),
            1,
            "an alarm on {consumer}'s failed records"
        );
        assert_eq!(
            alarms_on("IteratorAge", "FunctionName", |v| is_ref(v, consumer)),
            1,
            "an alarm on {consumer}'s delayed records"
        );
    }
    let reports_api = &props(REPORTS_API)["Name"];
    assert_eq!(
        alarms_on("5XXError", "ApiName", |v| v == reports_api),
        1,
        "an alarm on the reports API's 5xx answers"
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

// ---- report-intake and the reports REST API -------------------------------------------------

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
fn report_intake_may_do_exactly_what_the_dynamodb_report_store_and_the_quick_exit_do() {
    let queue_index = tables::REPORTS
        .indexes
        .iter()
        .find(|i| i.name == "queue")
        .expect("the reports table has the queue index");
    let reports = tables::REPORTS.logical_id;
    let audit = tables::AUDIT.logical_id;
    let chats = tables::CHATS.logical_id;
    let connections = tables::CONNECTIONS.logical_id;
    // shared/src/report/store/dynamo.rs: GetItem (get, and the reads of create and
    // record_assessment); PutItem and UpdateItem (TransactWriteItems is authorised per item:
    // create's two Puts, record_assessment's Update and the Put of its audit record); Query
    // of the queue index; PutItem of audit records (append_audit).
    // And POST /chat/quick-exit (chat::quick_exit, then chat::end_chat; shared/src/store/
    // dynamo.rs): GetItem of the chat (get_chat, and update_chat's read after a refused
    // write); append_message of the ended event (a transaction of an Update of the chat and a
    // Put of the event) and update_chat; when the chat was waiting, announce_queue: Query of
    // the chats' queue index (waiting_chats) and of the connections' online index
    // (operator_connections), and DeleteItem of a socket found gone when posting. No Query on
    // the chats table itself (it reads no messages), nothing else of the connections.
    let expected: BTreeMap<String, BTreeSet<String>> = [
        (
            reports.to_owned(),
            vec![
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
            ],
        ),
        (
            format!("{reports}/index/{}", queue_index.name),
            vec!["dynamodb:Query"],
        ),
        (audit.to_owned(), vec!["dynamodb:PutItem"]),
        (
            chats.to_owned(),
            vec![
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
            ],
        ),
        (format!("{chats}/index/queue"), vec!["dynamodb:Query"]),
        (connections.to_owned(), vec!["dynamodb:DeleteItem"]),
        (
            format!("{connections}/index/online"),
            vec!["dynamodb:Query"],
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.into_iter().map(str::to_owned).collect()))
    .collect();
    assert_eq!(table_grants(REPORT_INTAKE), expected);
    // Sockets only for announce_queue's posts (delivery posts, and nothing else): the queue to
    // each operator online, each waiting citizen's place, on this stage of the two APIs.
    let mut sockets = BTreeSet::new();
    for statement in role_statements(REPORT_INTAKE) {
        let actions = strings(&statement["Action"]);
        if !actions.iter().any(|a| a.starts_with("execute-api:")) {
            continue;
        }
        assert_eq!(
            actions,
            vec!["execute-api:ManageConnections"],
            "report-intake only posts to sockets"
        );
        for resource in as_list(&statement["Resource"]) {
            assert!(sockets.insert(sub_text(resource)), "{resource} twice");
        }
    }
    let posts = |api: &str| {
        format!(
            "arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{{api}}}/${{Stage}}/POST/@connections/*"
        )
    };
    let both = [posts(PUBLIC_API), posts(OPERATOR_API)];
    assert_eq!(
        sockets,
        both.iter().map(String::as_str).collect::<BTreeSet<_>>(),
        "report-intake posts to both APIs' sockets, and does nothing else with them"
    );
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

#[test]
fn the_audit_log_can_only_be_added_to_and_only_by_report_intake() {
    let audit = tables::AUDIT.logical_id;
    // Anywhere in the template: no statement may grant more than adding and reading records.
    for statement in statements() {
        if statement["Effect"] != "Allow" {
            continue;
        }
        assert!(
            statement["NotAction"].is_null() && statement["NotResource"].is_null(),
            "an Allow by exclusion grants more than it says: {statement}"
        );
        if !as_list(&statement["Resource"])
            .into_iter()
            .any(|r| names_table(r, audit))
        {
            continue;
        }
        for action in strings(&statement["Action"]) {
            assert!(
                ["dynamodb:PutItem", "dynamodb:Query"].contains(&action),
                "{audit} is append-only, yet {action} is allowed: {statement}"
            );
        }
    }
    // Reports and their audit are personal data: no chat function, no authorizer.
    for (id, _) in FUNCTIONS.iter().filter(|(id, _)| *id != REPORT_INTAKE) {
        for statement in role_statements(id) {
            for r in as_list(&statement["Resource"]) {
                assert!(
                    !names_table(r, audit) && !names_table(r, tables::REPORTS.logical_id),
                    "{id} may touch reports or their audit"
                );
            }
        }
    }
}

#[test]
fn faq_reply_may_do_exactly_what_its_code_calls() {
    let chats = tables::CHATS.logical_id;
    let connections = tables::CONNECTIONS.logical_id;
    let grant = |resource: String, actions: &[&str]| {
        (
            resource,
            actions.iter().map(|a| format!("dynamodb:{a}")).collect(),
        )
    };
    // get_chat, mark/unmark_delivered, set_translation, update_chat (flag_emergency,
    // enter_queue), append_message (a transaction of an Update and Puts), the unanswered
    // questions' PutItem; waiting_chats and operator_connections (announce_queue); a gone
    // socket's DeleteItem; the stream, read by the mapping with this role. No history (Query on
    // the table itself) and nothing of the translation cache.
    let expected: BTreeMap<String, BTreeSet<String>> = BTreeMap::from([
        grant(chats.to_owned(), &["GetItem", "PutItem", "UpdateItem"]),
        grant(format!("{chats}/index/queue"), &["Query"]),
        grant(
            format!("{chats}/stream"),
            &["DescribeStream", "GetRecords", "GetShardIterator"],
        ),
        grant(format!("{chats}/stream/*"), &["ListStreams"]),
        grant(connections.to_owned(), &["DeleteItem"]),
        grant(format!("{connections}/index/online"), &["Query"]),
    ]);
    assert_eq!(table_grants(FAQ_REPLY), expected);
    // It translates the citizen's words for the bot (Amazon Translate only: no Google key).
    let actions: BTreeSet<&str> = role_statements(FAQ_REPLY)
        .into_iter()
        .flat_map(|s| strings(&s["Action"]))
        .collect();
    assert!(actions.contains("translate:TranslateText"));
    assert!(!actions.iter().any(|a| a.starts_with("ssm:")));
}

/// The conditional statements (`Fn::If`) of the role a function runs as.
fn conditional_role_statements(function: &str) -> Vec<&'static Value> {
    let role_id = function_property(function, "Role")["Fn::GetAtt"][0]
        .as_str()
        .unwrap_or_default();
    as_list(&props(role_id)["Policies"])
        .into_iter()
        .flat_map(|p| as_list(&p["PolicyDocument"]["Statement"]))
        .filter(|s| s.get("Fn::If").is_some())
        .collect()
}

#[test]
fn message_previews_replies_with_the_translate_function_s_providers() {
    // Amazon Translate by the role; Google through the same key parameter and the same
    // extension layer as the translate function, under the same condition.
    let actions: BTreeSet<&str> = role_statements(MESSAGE)
        .into_iter()
        .flat_map(|s| strings(&s["Action"]))
        .collect();
    assert!(actions.contains("translate:TranslateText"), "{actions:?}");
    let key = "GOOGLE_TRANSLATE_API_KEY_PARAMETER";
    assert!(environment(MESSAGE).contains_key(key));
    assert_eq!(environment(MESSAGE)[key], environment(TRANSLATE)[key]);
    assert_eq!(props(MESSAGE)["Layers"], props(TRANSLATE)["Layers"]);
    let google_key = |function| {
        conditional_role_statements(function)
            .into_iter()
            .filter(|s| s.to_string().contains("ssm:GetParameter"))
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(google_key(MESSAGE).len(), 1);
    assert_eq!(google_key(MESSAGE), google_key(TRANSLATE));
}

#[test]
fn the_translation_cache_is_read_and_written_by_translate_alone() {
    let cache = tables::TRANSLATION_CACHE.logical_id;
    for (id, _) in FUNCTIONS {
        let grants: BTreeMap<String, BTreeSet<String>> = table_grants(id)
            .into_iter()
            .filter(|(resource, _)| resource.starts_with(cache))
            .collect();
        if *id == TRANSLATE {
            let expected: BTreeSet<String> = ["dynamodb:GetItem", "dynamodb:PutItem"]
                .map(str::to_owned)
                .into();
            assert_eq!(grants, BTreeMap::from([(cache.to_owned(), expected)]));
        } else {
            assert!(grants.is_empty(), "{id} may touch {cache}: {grants:?}");
        }
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

    let url = sub_text(&template()["Outputs"]["ReportsApiUrl"]["Value"]);
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

// ---- scanners' exceptions -----------------------------------------------------------------

/// Every check a scanner skips is named beside its resource with its reason, in both
/// templates: checkov's `skip` entries each have an id and a comment of some substance, and
/// cfn-lint's ignored checks are ids (their reasons are the comments above them).
#[test]
fn every_skipped_scanner_check_is_named_on_its_resource_with_a_reason() {
    let oidc_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../infra/github-oidc.yaml");
    let oidc_text = std::fs::read_to_string(&oidc_path).expect("infra/github-oidc.yaml");
    let oidc = long_form(serde_norway::from_str(&oidc_text).expect("github-oidc.yaml is YAML"));
    let mut skipped = 0;
    for doc in [template(), &oidc] {
        assert!(
            doc["Metadata"]["checkov"].is_null(),
            "no template-wide checkov skips"
        );
        for (id, r) in doc["Resources"].as_object().expect("Resources") {
            for skip in as_list(&r["Metadata"]["checkov"]["skip"]) {
                let check = skip["id"].as_str().unwrap_or("");
                assert!(
                    check.starts_with("CKV_") || check.starts_with("CKV2_"),
                    "{id}: a checkov skip names its check: {skip}"
                );
                let reason = skip["comment"].as_str().unwrap_or("").trim();
                assert!(
                    reason.split_whitespace().count() >= 5,
                    "{id}: skipping {check} needs its reason: {reason:?}"
                );
                skipped += 1;
            }
            for check in as_list(&r["Metadata"]["cfn-lint"]["config"]["ignore_checks"]) {
                let check = check.as_str().unwrap_or("");
                // cfn-lint's own (E3004, W1030) or the serverless rules' (ES6000, WS1000).
                let digits = check
                    .trim_start_matches(['E', 'W', 'I'])
                    .trim_start_matches('S');
                assert!(
                    check.len() > digits.len()
                        && digits.len() == 4
                        && digits.chars().all(|c| c.is_ascii_digit()),
                    "{id}: an ignored cfn-lint check is a rule id: {check:?}"
                );
            }
        }
    }
    assert!(skipped > 0, "the skips are where this test looks");
}

// ---- hosting ----------------------------------------------------------------------------------

fn headers_policy_of(path_pattern: Option<&str>) -> &'static Value {
    let config = &props("WebDistribution")["DistributionConfig"];
    let behavior = match path_pattern {
        None => &config["DefaultCacheBehavior"],
        Some(p) => as_list(&config["CacheBehaviors"])
            .into_iter()
            .find(|b| b["PathPattern"] == p)
            .unwrap_or_else(|| panic!("a cache behavior for {p}")),
    };
    assert_eq!(
        behavior["ViewerProtocolPolicy"], "redirect-to-https",
        "{path_pattern:?}"
    );
    let id = behavior["ResponseHeadersPolicyId"]["Ref"]
        .as_str()
        .unwrap_or_else(|| panic!("{path_pattern:?}: a headers policy of this template"));
    &props(id)["ResponseHeadersPolicyConfig"]
}

/// A CSP text as its directives, whatever the line breaks of the template.
fn csp_of(policy: &Value) -> BTreeMap<String, String> {
    let csp = &policy["SecurityHeadersConfig"]["ContentSecurityPolicy"];
    assert_eq!(csp["Override"], true);
    let value = &csp["ContentSecurityPolicy"];
    let text = match &value["Fn::Sub"] {
        Value::Array(parts) => parts[0].as_str().unwrap_or(""),
        _ => sub_text(value),
    };
    text.split(';')
        .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|d| !d.is_empty())
        .map(|d| match d.split_once(' ') {
            Some((k, v)) => (k.to_owned(), v.to_owned()),
            None => (d, String::new()),
        })
        .collect()
}

#[test]
fn the_web_pages_are_a_private_bucket_that_only_this_distribution_reads_over_https() {
    let bucket = props("WebBucket");
    let block = &bucket["PublicAccessBlockConfiguration"];
    for key in [
        "BlockPublicAcls",
        "BlockPublicPolicy",
        "IgnorePublicAcls",
        "RestrictPublicBuckets",
    ] {
        assert_eq!(block[key], true, "WebBucket: {key}");
    }
    assert!(!bucket["BucketEncryption"].is_null(), "encrypted");
    assert!(is_ref(
        &bucket["LoggingConfiguration"]["DestinationBucketName"],
        "WebLogBucket"
    ));
    // The bucket policy: TLS only, and reads by CloudFront for this distribution alone.
    let policy = props("WebBucketPolicy");
    assert!(is_ref(&policy["Bucket"], "WebBucket"));
    let statements = as_list(&policy["PolicyDocument"]["Statement"]);
    assert!(statements
        .iter()
        .any(|s| s["Effect"] == "Deny" && s["Condition"]["Bool"]["aws:SecureTransport"] == false));
    let allows: Vec<&&Value> = statements
        .iter()
        .filter(|s| s["Effect"] == "Allow")
        .collect();
    assert_eq!(allows.len(), 1, "one grant");
    assert_eq!(
        allows[0]["Principal"]["Service"],
        "cloudfront.amazonaws.com"
    );
    assert_eq!(allows[0]["Action"], "s3:GetObject");
    assert!(
        sub_names(&allows[0]["Condition"]["StringEquals"]["AWS:SourceArn"])
            .contains("WebDistribution")
    );
    let config = &props("WebDistribution")["DistributionConfig"];
    let origins = as_list(&config["Origins"]);
    assert_eq!(origins.len(), 1, "one origin, the bucket");
    assert!(is_get_att(
        &origins[0]["DomainName"],
        "WebBucket",
        "RegionalDomainName"
    ));
    assert!(is_get_att(
        &origins[0]["OriginAccessControlId"],
        "WebOriginAccessControl",
        "Id"
    ));
    // No cookie may be logged (the widget's partitioned cookie).
    assert_eq!(config["Logging"]["IncludeCookies"], false);
    assert!(is_get_att(
        &config["Logging"]["Bucket"],
        "WebLogBucket",
        "DomainName"
    ));
    assert_eq!(
        config["ViewerCertificate"]["Fn::If"][1]["MinimumProtocolVersion"],
        "TLSv1.2_2021"
    );
}

#[test]
fn each_surface_gets_the_headers_the_local_gateway_gives_it() {
    let widget = headers_policy_of(Some("/widget/*"));
    let report = headers_policy_of(Some("/report/*"));
    let console = headers_policy_of(Some("/console/*"));
    let embed = headers_policy_of(None);
    for (name, policy) in [
        ("widget", widget),
        ("report", report),
        ("console", console),
        ("embed", embed),
    ] {
        let h = &policy["SecurityHeadersConfig"];
        assert_eq!(
            h["ReferrerPolicy"]["ReferrerPolicy"], "no-referrer",
            "{name}"
        );
        assert_eq!(h["ContentTypeOptions"]["Override"], true, "{name}");
        assert!(
            h["StrictTransportSecurity"]["AccessControlMaxAgeSec"].as_i64() >= Some(31_536_000),
            "{name}: HSTS for a year at least"
        );
        let csp = csp_of(policy);
        // local/src/web.rs's base policy: nothing inline, nothing from elsewhere.
        for (directive, value) in [
            ("default-src", "'none'"),
            ("script-src", "'self'"),
            ("style-src", "'self'"),
            ("img-src", "'self'"),
            ("font-src", "'self'"),
            ("base-uri", "'none'"),
            ("form-action", "'self'"),
        ] {
            assert_eq!(
                csp.get(directive).map(String::as_str),
                Some(value),
                "{name}: {directive}"
            );
        }
        assert!(
            !format!("{csp:?}").contains("unsafe-"),
            "{name}: nothing unsafe"
        );
        let framed = csp["frame-ancestors"].as_str();
        if name == "widget" {
            assert_eq!(framed, "${Sites}", "the force's sites frame the widget");
            assert!(
                h["FrameOptions"].is_null(),
                "no X-Frame-Options on the widget"
            );
        } else {
            assert_eq!(framed, "'none'", "{name} is never framed");
            assert_eq!(h["FrameOptions"]["FrameOption"], "DENY", "{name}");
        }
    }
    let sites = &widget["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]
        ["Fn::Sub"][1]["Sites"];
    assert_eq!(
        sites,
        &json!({ "Fn::Join": [" ", { "Ref": "ForceSites" }] })
    );
    // Each page connects only to what it uses: the widget to the public API, the console to
    // the operator API and its sign-in; the REST API for all three.
    let reports_api = "https://${ReportsApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}";
    let connect = |p| csp_of(p)["connect-src"].clone();
    assert_eq!(
        connect(widget),
        format!("'self' {reports_api} ${{PublicWebSocketApi.ApiEndpoint}}/${{Stage}}")
    );
    assert_eq!(connect(report), format!("'self' {reports_api}"));
    assert_eq!(
        connect(console),
        format!(
            "'self' {reports_api} ${{OperatorWebSocketApi.ApiEndpoint}}/${{Stage}} ${{SignIn}}"
        )
    );
    assert!(!csp_of(embed).contains_key("connect-src"));
}

#[test]
fn the_console_signs_in_with_the_pool_s_hosted_ui_and_returns_to_the_hosted_console() {
    let client = props("OperatorConsoleClient");
    assert_eq!(client["GenerateSecret"], false, "a public client");
    assert_eq!(client["AllowedOAuthFlows"], json!(["code"]));
    assert!(strings(&client["AllowedOAuthScopes"]).contains(&"openid"));
    let console = props("WebDistribution");
    assert!(!console.is_null());
    for key in ["CallbackURLs", "LogoutURLs"] {
        let urls = as_list(&client[key]);
        assert_eq!(urls.len(), 1, "{key}: the hosted console only");
        let branches = urls[0]["Fn::If"].as_array().expect("custom domain or not");
        assert_eq!(branches[0], "HasWebDomain");
        assert_eq!(sub_text(&branches[1]), "https://${WebDomainName}/console/");
        assert_eq!(
            sub_text(&branches[2]),
            "https://${WebDistribution.DomainName}/console/"
        );
        // The same address the stack gives as the console's.
        assert_eq!(
            &template()["Outputs"]["ConsoleUrl"]["Value"],
            urls[0],
            "{key}"
        );
    }
    let snippet = sub_text(&template()["Outputs"]["EmbedSnippet"]["Value"]["Fn::Sub"][0]);
    assert!(snippet.starts_with("<script src=\"${Origin}/widget.js\""));
    for attribute in ["data-public-api", "data-api", "data-report-url"] {
        assert!(snippet.contains(attribute), "the snippet sets {attribute}");
    }
}

// ---- the reports API's own errors, metrics --------------------------------------------------

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
fn the_wait_and_failed_records_alarms_read_the_metrics_the_functions_emit() {
    for (alarm, metric) in [
        ("ChatWaitingTooLongAlarm", "LongestWaitSeconds"),
        ("FailedRecordsAlarm", "FailedRecords"),
        ("FlaggedReportAlarm", "FlaggedReportFiled"),
    ] {
        let p = props(alarm);
        assert_eq!(p["Namespace"], "Bluelamp", "{alarm}");
        assert_eq!(p["MetricName"], metric, "{alarm}");
        let dims = as_list(&p["Dimensions"]);
        assert_eq!(dims.len(), 1, "{alarm}: the Force dimension only");
        assert_eq!(dims[0]["Name"], "Force");
        assert!(is_ref(&dims[0]["Value"], "ForceId"));
        assert!(is_ref(&p["AlarmActions"][0], "AlarmTopic"), "{alarm}");
    }
    // The dashboard shows each metric docs/deploy.md names.
    let body = &props("Dashboard")["DashboardBody"]["Fn::Sub"][0];
    let body = body.as_str().expect("the dashboard's body");
    for metric in [
        "ChatsWaiting",
        "LongestWaitSeconds",
        "OperatorsAvailable",
        "MessagesStored",
        "TranslationFailures",
        "FailedRecords",
    ] {
        assert!(
            body.contains(&format!("\"{metric}\"")),
            "dashboard: {metric}"
        );
    }
    let deploy = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/deploy.md"),
    )
    .expect("docs/deploy.md");
    for (id, _) in FUNCTIONS {
        assert!(body.contains(&format!("${{{id}}}")), "dashboard: {id}");
    }
    // Every metric the code emits is a row of docs/deploy.md's table ("| `Name` | Unit |"),
    // with its unit, and the table names no other.
    let rows: BTreeSet<(String, String)> = deploy
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let name = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            let unit = cells.get(2)?;
            matches!(*unit, "Count" | "Seconds").then(|| (name.to_owned(), (*unit).to_owned()))
        })
        .collect();
    let emitted: BTreeSet<(String, String)> = bluelamp::metrics::ALL
        .iter()
        .map(|m| (m.name.to_owned(), m.unit.as_str().to_owned()))
        .collect();
    assert_eq!(
        rows, emitted,
        "docs/deploy.md's metrics table is the code's"
    );
}

#[test]
fn every_metric_the_template_reads_is_one_the_code_emits() {
    let emits = |name: &str| bluelamp::metrics::ALL_METRICS.contains(&name);
    let mut read = 0;
    for (id, r) in resources() {
        let p = &r["Properties"];
        if r["Type"] == "AWS::CloudWatch::Alarm" && p["Namespace"] == bluelamp::metrics::NAMESPACE {
            let name = p["MetricName"].as_str().unwrap_or_default();
            assert!(emits(name), "{id} reads {name}, which no function emits");
            let dims = as_list(&p["Dimensions"]);
            assert_eq!(dims.len(), 1, "{id}");
            assert_eq!(dims[0]["Name"], bluelamp::metrics::DIMENSION, "{id}");
            read += 1;
        }
    }
    let body = props("Dashboard")["DashboardBody"]["Fn::Sub"][0]
        .as_str()
        .expect("the dashboard's body")
        .to_owned();
    let prefix = format!("[\"{}\", \"", bluelamp::metrics::NAMESPACE);
    for (at, _) in body.match_indices(&prefix) {
        let rest = &body[at + prefix.len()..];
        let name = &rest[..rest.find('"').unwrap_or(0)];
        assert!(
            emits(name),
            "the dashboard reads {name}, which no function emits"
        );
        assert!(
            rest[name.len()..].starts_with(&format!(
                "\", \"{}\", \"${{ForceId}}\"]",
                bluelamp::metrics::DIMENSION
            )),
            "the dashboard reads {name} by Force"
        );
        read += 1;
    }
    assert!(
        read >= 9,
        "the alarms and the dashboard read the metrics: {read}"
    );
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
