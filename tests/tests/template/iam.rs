//! Least privilege: one role per function, no table actions on `*`, sockets on this stack's APIs,
//! reports and audit for report-intake alone, each role's grants those of its code.

use crate::support::*;

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
