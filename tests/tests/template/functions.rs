//! The functions: the bootstrap they run, the variables their code requires, their log groups.

use crate::support::*;

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
