//! Reading the template as data, and the names and helpers every subject's checks share.

pub(crate) use bluelamp::bootstrap::REQUIRED_CHAT_ENV;
pub(crate) use bluelamp::protocol::{ACTIONS, OPERATOR_ACTIONS};
pub(crate) use bluelamp::store::items::message_sk;
pub(crate) use bluelamp::store::tables::{self, TableDef};
pub(crate) use serde_json::{json, Map, Value};
pub(crate) use std::collections::{BTreeMap, BTreeSet};
pub(crate) use std::path::PathBuf;
use std::sync::OnceLock;

pub(crate) const PUBLIC_API: &str = "PublicWebSocketApi";
pub(crate) const OPERATOR_API: &str = "OperatorWebSocketApi";
pub(crate) const CONNECT: &str = "ConnectFunction";
pub(crate) const MESSAGE: &str = "MessageFunction";
pub(crate) const TRANSLATE: &str = "TranslateFunction";
pub(crate) const AUTHORIZER: &str = "AuthorizerFunction";
pub(crate) const FAQ_REPLY: &str = "FaqReplyFunction";
pub(crate) const REPORT_INTAKE: &str = "ReportIntakeFunction";
pub(crate) const REPORTS_API: &str = "ReportsApi";
/// Each function's logical id and the crate (so the cargo-lambda build directory) behind it.
pub(crate) const FUNCTIONS: &[(&str, &str)] = &[
    (CONNECT, "connect"),
    (MESSAGE, "message"),
    (TRANSLATE, "translate"),
    (AUTHORIZER, "authorizer"),
    (FAQ_REPLY, "faq-reply"),
    (REPORT_INTAKE, "report-intake"),
];
/// The functions that start with `bootstrap::start_chat_function`.
pub(crate) const CHAT_FUNCTIONS: &[&str] = &[CONNECT, MESSAGE, TRANSLATE, FAQ_REPLY];
/// The consumers of the chats table's stream: each gets every new message, with the same
/// guarantees.
pub(crate) const STREAM_CONSUMERS: &[&str] = &[TRANSLATE, FAQ_REPLY];
/// `ChatConfig` variables with demo defaults (`shared/src/config.rs`): a deployed function
/// must be told them.
pub(crate) const DEPLOYMENT_CHAT_ENV: &[&str] = &["FORCE_ID", "REPORT_URL", "CHAT_RETENTION_DAYS"];

// ---- reading the template -------------------------------------------------------------------

/// The template as JSON, with CloudFormation's short forms turned into their long forms
/// (`!Ref X` → `{"Ref": "X"}`, `!GetAtt A.B` → `{"Fn::GetAtt": ["A", "B"]}`,
/// `!Sub s` → `{"Fn::Sub": "s"}`), so every check sees one shape.
pub(crate) fn template() -> &'static Value {
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

pub(crate) fn long_form(yaml: serde_norway::Value) -> Value {
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

pub(crate) fn resources() -> &'static Map<String, Value> {
    template()["Resources"]
        .as_object()
        .expect("the template has Resources")
}

pub(crate) fn resource(id: &str) -> &'static Value {
    resources()
        .get(id)
        .unwrap_or_else(|| panic!("the template has no resource {id}"))
}

pub(crate) fn props(id: &str) -> &'static Value {
    &resource(id)["Properties"]
}

pub(crate) fn of_type(kind: &str) -> Vec<(&'static str, &'static Value)> {
    resources()
        .iter()
        .filter(|(_, r)| r["Type"] == kind)
        .map(|(id, r)| (id.as_str(), r))
        .collect()
}

/// A function's property, from the function or, failing that, SAM's `Globals`.
pub(crate) fn function_property(id: &str, key: &str) -> &'static Value {
    match &props(id)[key] {
        Value::Null => &template()["Globals"]["Function"][key],
        own => own,
    }
}

/// A function's environment: `Globals` first, then its own variables over them (as SAM merges).
pub(crate) fn environment(id: &str) -> BTreeMap<String, Value> {
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

pub(crate) fn is_ref(value: &Value, id: &str) -> bool {
    value == &json!({ "Ref": id })
}

pub(crate) fn is_get_att(value: &Value, id: &str, attribute: &str) -> bool {
    value == &json!({ "Fn::GetAtt": [id, attribute] })
}

/// What a value is when the stack signs operators in with its own pool: the first branch of
/// `!If [UseOwnPool, own, external]`, or the value itself when it does not depend on that.
pub(crate) fn with_own_pool(value: &Value) -> &Value {
    match value["Fn::If"].as_array() {
        Some(branches) if branches.len() == 3 && branches[0] == "UseOwnPool" => &branches[1],
        _ => value,
    }
}

/// What a value is with an existing pool's issuer (`ExternalIssuer`): the second branch.
pub(crate) fn with_external_pool(value: &Value) -> &Value {
    match value["Fn::If"].as_array() {
        Some(branches) if branches.len() == 3 && branches[0] == "UseOwnPool" => &branches[2],
        _ => value,
    }
}

/// The `${...}` names of a `Fn::Sub` string (`${A.Arn}` names `A`), or nothing.
pub(crate) fn sub_names(value: &Value) -> BTreeSet<String> {
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
pub(crate) fn sub_text(value: &Value) -> &str {
    value["Fn::Sub"]
        .as_str()
        .or_else(|| value.as_str())
        .unwrap_or("")
}

pub(crate) fn as_list(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        Value::Null => Vec::new(),
        one => vec![one],
    }
}

pub(crate) fn strings(value: &Value) -> Vec<&str> {
    as_list(value)
        .into_iter()
        .filter_map(Value::as_str)
        .collect()
}

/// The routes of one API: route key → the route's properties.
pub(crate) fn routes_of(api: &str) -> BTreeMap<String, &'static Value> {
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
pub(crate) fn function_behind(route: &Value) -> String {
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

pub(crate) fn key_schema(partition: &str, sort: Option<&str>) -> Value {
    let mut keys = vec![json!({ "AttributeName": partition, "KeyType": "HASH" })];
    if let Some(sort) = sort {
        keys.push(json!({ "AttributeName": sort, "KeyType": "RANGE" }));
    }
    Value::Array(keys)
}

pub(crate) fn table(def: &TableDef) -> &'static Value {
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
pub(crate) fn statements() -> Vec<&'static Value> {
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
pub(crate) fn role_statements(function: &str) -> Vec<&'static Value> {
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
pub(crate) fn stream_mapping(function: &str) -> &'static Value {
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
pub(crate) fn on_failure_queue(mapping: &Value) -> &str {
    mapping["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0]
        .as_str()
        .unwrap_or("")
}

/// Whether a policy resource is `table` itself, one of its indexes or its stream.
pub(crate) fn names_table(resource: &Value, table: &str) -> bool {
    resource["Fn::GetAtt"][0] == table || sub_names(resource).contains(table)
}

/// The table actions a function's role allows on each resource it names: the table's logical
/// id, with `/index/{name}` for an index.
pub(crate) fn table_grants(function: &str) -> BTreeMap<String, BTreeSet<String>> {
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
