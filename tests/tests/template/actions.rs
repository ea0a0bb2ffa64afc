//! Each function's role grants exactly the AWS actions its code calls: every adapter declares
//! the actions of its SDK calls beside its code (`aws_actions`, `AWS_ACTIONS`), each function
//! lists the parts it uses (`AWS_ACTIONS` in its `lib.rs`), and here its role is held to those
//! and to what Lambda itself does with the role. A scan of each adapter's source holds its
//! declaration to its SDK calls, and of the rest of the functions' code to calling none.

use crate::support::*;
use bluelamp::store::aws_actions as store;

/// Each function's logical id and the parts it lists.
fn listed() -> Vec<(&'static str, &'static [&'static [&'static str]])> {
    vec![
        (CONNECT, connect::AWS_ACTIONS),
        (MESSAGE, message::AWS_ACTIONS),
        (TRANSLATE, translate::AWS_ACTIONS),
        (AUTHORIZER, authorizer::AWS_ACTIONS),
        (FAQ_REPLY, faq_reply::AWS_ACTIONS),
        (REPORT_INTAKE, report_intake::AWS_ACTIONS),
    ]
}

/// Each adapter's file and all it declares.
fn adapters() -> Vec<(&'static str, Vec<&'static str>)> {
    let all = |parts: &[&[&'static str]]| -> Vec<&'static str> {
        parts.iter().flat_map(|p| p.iter().copied()).collect()
    };
    vec![
        (
            "shared/src/store/dynamo.rs",
            all(&[
                store::CHAT_READ,
                store::CHAT_UPDATE,
                store::CHAT_APPEND,
                store::HISTORY,
                store::QUEUE,
                store::HELD_BY,
                store::TRANSLATION_RETRY,
                store::CONNECTION_OPEN_CLOSE,
                store::CONNECTION_STATE,
                store::GONE_CONNECTION,
                store::OPERATORS_ONLINE,
            ]),
        ),
        ("shared/src/store/feedback.rs", all(&[store::FEEDBACK])),
        (
            "shared/src/store/unanswered.rs",
            all(&[store::UNANSWERED_RECORD, store::UNANSWERED_LIST]),
        ),
        (
            "shared/src/store/translation_cache.rs",
            all(&[store::TRANSLATION_CACHE]),
        ),
        (
            "shared/src/report/store/dynamo.rs",
            all(&[bluelamp::report::store::aws_actions::REPORT_STORE]),
        ),
        (
            "shared/src/delivery.rs",
            all(&[bluelamp::delivery::AWS_ACTIONS]),
        ),
        (
            "shared/src/translation/amazon.rs",
            all(&[bluelamp::translation::AMAZON_AWS_ACTIONS]),
        ),
        (
            "shared/src/translation/google_key.rs",
            all(&[bluelamp::translation::GOOGLE_KEY_AWS_ACTIONS]),
        ),
    ]
}

/// What Lambda does with a function's role, not its code: write its logs; for a stream
/// consumer, the mapping reads the stream and sends what it gives up on to its queue; and
/// every function whose tables, stream or queues are encrypted with the data key uses it.
fn platform(function: &str) -> BTreeSet<String> {
    let log_group = function_property(function, "LoggingConfig")["LogGroup"]["Ref"]
        .as_str()
        .unwrap_or_default();
    let mut grants: BTreeSet<String> = ["logs:CreateLogStream", "logs:PutLogEvents"]
        .iter()
        .map(|a| format!("{a} {log_group}"))
        .collect();
    if STREAM_CONSUMERS.contains(&function) {
        let chats = tables::CHATS.logical_id;
        for action in ["DescribeStream", "GetRecords", "GetShardIterator"] {
            grants.insert(format!("dynamodb:{action} {chats}/stream"));
        }
        grants.insert(format!("dynamodb:ListStreams {chats}/stream/*"));
        let queue = on_failure_queue(stream_mapping(function));
        grants.insert(format!("sqs:SendMessage {queue}"));
    }
    if function != AUTHORIZER {
        for action in ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"] {
            grants.insert(format!("{action} DataKey"));
        }
    }
    grants
}

/// A statement's resource as the declarations name it: a logical id (`ChatsTable`), with
/// `/index/<name>`, `/stream` or `/stream/*` after a table; `*`; or the one template name
/// (resource or parameter) a `Fn::Sub` ARN is built on (an API, the Google key parameter).
fn resource_key(resource: &Value) -> String {
    if let Some([id, attribute]) = resource["Fn::GetAtt"].as_array().map(Vec::as_slice) {
        let id = id.as_str().unwrap_or_default();
        return match attribute.as_str() {
            Some("StreamArn") => format!("{id}/stream"),
            _ => id.to_owned(),
        };
    }
    if resource == "*" {
        return "*".to_owned();
    }
    let names: Vec<String> = sub_names(resource)
        .into_iter()
        .filter(|n| !n.starts_with("AWS::") && n != "Stage")
        .collect();
    let [name] = names.as_slice() else {
        panic!("a resource built on one name of the template: {resource}");
    };
    let text = sub_text(resource);
    let tail = text.rsplit_once('}').map(|(_, t)| t).unwrap_or_default();
    if tail.starts_with("/index/") || tail.starts_with("/stream") {
        format!("{name}{tail}")
    } else {
        name.clone()
    }
}

/// The `action resource` pairs a list of statements allows; a conditional statement
/// (`!If [cond, statement, NoValue]`) counts as its statement.
fn grant_keys(statements: &[&Value]) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for statement in statements {
        let statement = match statement["Fn::If"].as_array() {
            Some(branches) => &branches[1],
            None => statement,
        };
        if statement["Effect"] != "Allow" {
            continue;
        }
        for action in strings(&statement["Action"]) {
            for resource in as_list(&statement["Resource"]) {
                keys.insert(format!("{action} {}", resource_key(resource)));
            }
        }
    }
    keys
}

/// Every statement of the role a function runs as, conditional ones included.
fn all_role_statements(function: &str) -> Vec<&'static Value> {
    let role_id = function_property(function, "Role")["Fn::GetAtt"][0]
        .as_str()
        .unwrap_or_else(|| panic!("{function} must run as a role of this template"));
    as_list(&props(role_id)["Policies"])
        .into_iter()
        .flat_map(|p| as_list(&p["PolicyDocument"]["Statement"]))
        .collect()
}

/// What a function's code and Lambda need, against what its role grants: what is missing
/// and what is extra (both empty when they agree).
fn compare(
    function: &str,
    parts: &[&[&str]],
    granted: &BTreeSet<String>,
) -> (Vec<String>, Vec<String>) {
    let mut needed = platform(function);
    needed.extend(parts.iter().flat_map(|p| p.iter().map(|g| (*g).to_owned())));
    let missing = needed.difference(granted).cloned().collect();
    let extra = granted.difference(&needed).cloned().collect();
    (missing, extra)
}

#[test]
fn every_function_s_role_grants_exactly_the_actions_of_the_adapters_it_uses() {
    assert_eq!(listed().len(), FUNCTIONS.len());
    for (function, parts) in listed() {
        let granted = grant_keys(&all_role_statements(function));
        let (missing, extra) = compare(function, parts, &granted);
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{function}: its code calls, and its role does not grant: {missing:?}; its role \
             grants, and no code of it calls: {extra:?}"
        );
    }
}

/// The check itself sees a grant taken away and one added (the template is read once, so a
/// copy of a role's statements is changed here).
#[test]
fn a_grant_taken_away_or_added_is_seen() {
    let granted = grant_keys(&all_role_statements(CONNECT));
    let mut fewer = granted.clone();
    assert!(fewer.remove("dynamodb:DeleteItem ConnectionsTable"));
    let (missing, extra) = compare(CONNECT, connect::AWS_ACTIONS, &fewer);
    assert_eq!(
        (missing, extra),
        (
            vec!["dynamodb:DeleteItem ConnectionsTable".to_owned()],
            vec![]
        )
    );
    let mut more = granted;
    more.insert("dynamodb:Query ChatsTable".to_owned());
    let (missing, extra) = compare(CONNECT, connect::AWS_ACTIONS, &more);
    assert_eq!(
        (missing, extra),
        (vec![], vec!["dynamodb:Query ChatsTable".to_owned()])
    );
}

/// Every resource a declaration names is in the template: a table of `store::tables` (and its
/// index), an API, or a parameter.
#[test]
fn every_declared_resource_is_one_of_the_template() {
    for (file, declared) in adapters() {
        for grant in declared {
            let (action, resource) = grant
                .split_once(' ')
                .unwrap_or_else(|| panic!("{file}: `action resource`: {grant}"));
            assert!(action.contains(':'), "{file}: {grant}");
            if resource == "*" {
                continue;
            }
            let (id, index) = match resource.split_once("/index/") {
                Some((id, index)) => (id, Some(index)),
                None => (resource, None),
            };
            let known = resources().contains_key(id) || template()["Parameters"].get(id).is_some();
            assert!(known, "{file}: {grant} names nothing of the template");
            if let Some(index) = index {
                let def = tables::ALL
                    .iter()
                    .find(|t| t.logical_id == id)
                    .unwrap_or_else(|| panic!("{file}: {id} is not a table"));
                assert!(
                    def.indexes.iter().any(|i| i.name == index),
                    "{file}: {id} has no index {index}"
                );
            }
        }
    }
}

/// The IAM action behind each SDK call (or HTTP path) the functions' code makes. A
/// transaction is authorised as its items (`Put`, `Update`, `Delete`, `ConditionCheck`).
const CALLS: &[(&str, &str)] = &[
    (".get_item()", "dynamodb:GetItem"),
    (".put_item()", "dynamodb:PutItem"),
    (".update_item()", "dynamodb:UpdateItem"),
    (".delete_item()", "dynamodb:DeleteItem"),
    (".query()", "dynamodb:Query"),
    (".scan()", "dynamodb:Scan"),
    (".batch_get_item()", "dynamodb:BatchGetItem"),
    (".batch_write_item()", "dynamodb:BatchWriteItem"),
    (".transact_get_items()", "dynamodb:GetItem"),
    ("Put::builder()", "dynamodb:PutItem"),
    ("Update::builder()", "dynamodb:UpdateItem"),
    ("Delete::builder()", "dynamodb:DeleteItem"),
    ("ConditionCheck::builder()", "dynamodb:ConditionCheckItem"),
    (".post_to_connection()", "execute-api:ManageConnections"),
    (".get_connection()", "execute-api:ManageConnections"),
    (".delete_connection()", "execute-api:ManageConnections"),
    (".translate_text()", "translate:TranslateText"),
    ("/systemsmanager/parameters/get", "ssm:GetParameter"),
    (".get_parameter()", "ssm:GetParameter"),
    (".send_message()", "sqs:SendMessage"),
    (".put_metric_data()", "cloudwatch:PutMetricData"),
];

/// A file's code outside its tests and comments, with whitespace gone (a call chain split
/// over lines reads as one).
fn code_of(path: &std::path::Path) -> String {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    code.lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<String>()
        .split_whitespace()
        .collect()
}

fn actions_called(code: &str) -> BTreeSet<&'static str> {
    CALLS
        .iter()
        .filter(|(call, _)| code.contains(call))
        .map(|(_, action)| *action)
        .collect()
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn each_adapter_declares_exactly_the_actions_of_its_sdk_calls() {
    for (file, declared) in adapters() {
        let declared: BTreeSet<&str> = declared
            .iter()
            .map(|g| g.split_once(' ').map_or(*g, |(action, _)| action))
            .collect();
        let called = actions_called(&code_of(&repo().join(file)));
        assert_eq!(
            called, declared,
            "{file}: its SDK calls against its declaration"
        );
    }
}

/// Outside the adapters, the functions' code (shared/src, functions/*/src) calls no AWS
/// operation: a new call there fails here until it moves into an adapter that declares it.
#[test]
fn no_code_of_the_functions_calls_aws_outside_a_declared_adapter() {
    fn rust_files(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    rust_files(&repo().join("shared/src"), &mut files);
    for entry in std::fs::read_dir(repo().join("functions")).expect("functions/") {
        rust_files(&entry.expect("a function").path().join("src"), &mut files);
    }
    assert!(files.len() > 20, "the scan found the code: {}", files.len());
    let adapters: BTreeSet<PathBuf> = adapters().iter().map(|(f, _)| repo().join(f)).collect();
    for file in files.iter().filter(|f| !adapters.contains(*f)) {
        let code = code_of(file);
        // Only code that holds an AWS SDK client calls AWS (`.query()` is also a URL's).
        let sdk = code.contains("aws_sdk_") || code.contains("/systemsmanager/");
        let called = actions_called(&code);
        assert!(
            !sdk || called.is_empty(),
            "{} calls {called:?}: in an adapter that declares it, please",
            file.display()
        );
    }
}
