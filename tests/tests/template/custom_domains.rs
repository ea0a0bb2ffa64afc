//! Optional custom names for the APIs: one for the two WebSocket APIs, one for the reports REST
//! API (API Gateway cannot map both kinds under one name), regional, TLS 1.2, each with its
//! own certificate; the outputs (so the widget's snippet and the pages' config) use them when
//! set.

use crate::support::*;

fn has(parameter: &str) -> Value {
    json!({ "Fn::Not": [{ "Fn::Equals": [{ "Ref": parameter }, ""] }] })
}

/// The output's value with and without the custom name (`!If [condition, custom, default]`).
fn output_branches(output: &str, condition: &str) -> (String, String) {
    let branches = template()["Outputs"][output]["Value"]["Fn::If"]
        .as_array()
        .unwrap_or_else(|| panic!("{output} depends on {condition}"));
    assert_eq!(branches[0], condition, "{output}");
    (
        sub_text(&branches[1]).to_owned(),
        sub_text(&branches[2]).to_owned(),
    )
}

#[test]
fn each_custom_name_is_a_condition_on_its_parameter_empty_by_default() {
    for (condition, name, certificate) in [
        (
            "HasChatApiDomain",
            "ChatApiDomainName",
            "ChatApiCertificateArn",
        ),
        (
            "HasReportsApiDomain",
            "ReportsApiDomainName",
            "ReportsApiCertificateArn",
        ),
    ] {
        assert_eq!(
            template()["Conditions"][condition],
            has(name),
            "{condition}"
        );
        for parameter in [name, certificate] {
            assert_eq!(
                template()["Parameters"][parameter]["Default"],
                "",
                "{parameter}"
            );
        }
        // A name without its certificate is refused before anything changes.
        let rule = template()["Rules"]
            .as_object()
            .and_then(|rules| {
                rules.values().find(|r| {
                    let text = r.to_string();
                    text.contains(name) && text.contains(certificate)
                })
            })
            .unwrap_or_else(|| panic!("a rule ties {name} to {certificate}"));
        assert_eq!(rule["RuleCondition"], has(name));
        assert_eq!(rule["Assertions"][0]["Assert"], has(certificate));
    }
    // Every resource of a custom name exists only with it.
    for (kind, condition) in [
        ("AWS::ApiGatewayV2::DomainName", "HasChatApiDomain"),
        ("AWS::ApiGatewayV2::ApiMapping", "HasChatApiDomain"),
        ("AWS::ApiGateway::DomainName", "HasReportsApiDomain"),
        ("AWS::ApiGateway::BasePathMapping", "HasReportsApiDomain"),
    ] {
        let found = of_type(kind);
        assert!(!found.is_empty(), "{kind}");
        for (id, r) in found {
            assert_eq!(r["Condition"], condition, "{id}");
        }
    }
}

#[test]
fn the_websocket_apis_share_one_regional_name_under_public_and_operator() {
    let domain = props("ChatApiDomain");
    assert!(is_ref(&domain["DomainName"], "ChatApiDomainName"));
    let config = &domain["DomainNameConfigurations"][0];
    assert!(is_ref(&config["CertificateArn"], "ChatApiCertificateArn"));
    assert_eq!(config["EndpointType"], "REGIONAL");
    assert_eq!(config["SecurityPolicy"], "TLS_1_2");
    let mappings: BTreeMap<String, (String, String)> = of_type("AWS::ApiGatewayV2::ApiMapping")
        .into_iter()
        .map(|(id, m)| {
            let p = &m["Properties"];
            assert!(is_ref(&p["DomainName"], "ChatApiDomain"), "{id}");
            (
                p["ApiMappingKey"].as_str().unwrap_or_default().to_owned(),
                (
                    p["ApiId"]["Ref"].as_str().unwrap_or_default().to_owned(),
                    p["Stage"]["Ref"].as_str().unwrap_or_default().to_owned(),
                ),
            )
        })
        .collect();
    let pair = |api: &str, stage: &str| (api.to_owned(), stage.to_owned());
    assert_eq!(
        mappings,
        BTreeMap::from([
            ("public".to_owned(), pair(PUBLIC_API, "PublicStage")),
            ("operator".to_owned(), pair(OPERATOR_API, "OperatorStage")),
        ])
    );
    for (id, stage) in [("PublicStage", PUBLIC_API), ("OperatorStage", OPERATOR_API)] {
        assert!(is_ref(&props(id)["ApiId"], stage));
    }
    for (output, key, api) in [
        ("PublicWebSocketUrl", "public", PUBLIC_API),
        ("OperatorWebSocketUrl", "operator", OPERATOR_API),
    ] {
        let (custom, default) = output_branches(output, "HasChatApiDomain");
        assert_eq!(custom, format!("wss://${{ChatApiDomainName}}/{key}"));
        assert_eq!(default, format!("${{{api}.ApiEndpoint}}/${{Stage}}"));
    }
    assert_eq!(
        template()["Outputs"]["ChatApiDomainTarget"]["Value"],
        json!({ "Fn::GetAtt": ["ChatApiDomain", "RegionalDomainName"] })
    );
}

#[test]
fn the_reports_api_has_its_own_regional_name_at_its_root() {
    let domain = props("ReportsApiDomain");
    assert!(is_ref(&domain["DomainName"], "ReportsApiDomainName"));
    assert!(is_ref(
        &domain["RegionalCertificateArn"],
        "ReportsApiCertificateArn"
    ));
    assert!(
        domain["CertificateArn"].is_null(),
        "not an edge (us-east-1) certificate"
    );
    assert_eq!(
        strings(&domain["EndpointConfiguration"]["Types"]),
        ["REGIONAL"]
    );
    assert_eq!(domain["SecurityPolicy"], "TLS_1_2");
    let mapping = props("ReportsApiMapping");
    assert!(is_ref(&mapping["DomainName"], "ReportsApiDomain"));
    assert!(is_ref(&mapping["RestApiId"], REPORTS_API));
    assert_eq!(mapping["Stage"], json!({ "Ref": "ReportsApi.Stage" }));
    assert!(mapping["BasePath"].is_null(), "the API at the name's root");
    let (custom, default) = output_branches("ReportsApiUrl", "HasReportsApiDomain");
    assert_eq!(custom, "https://${ReportsApiDomainName}");
    assert_eq!(
        default,
        "https://${ReportsApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${Stage}"
    );
    assert_eq!(
        template()["Outputs"]["ReportsApiDomainTarget"]["Value"],
        json!({ "Fn::GetAtt": ["ReportsApiDomain", "RegionalDomainName"] })
    );
}
