//! Operator sign-in: the pool, its groups, the console's and the smoke test's app clients, and
//! what the authorizer and report-intake are told of them.

use crate::support::*;

/// The `${...}` names of a client-id value, in order (`"${A},${B}"` → `[A, B]`).
fn client_names(value: &Value) -> Vec<String> {
    sub_text(value)
        .split(',')
        .map(|part| {
            part.trim_start_matches("${")
                .trim_end_matches('}')
                .to_owned()
        })
        .collect()
}

#[test]
fn the_authorizer_is_given_the_cognito_issuer_and_client_ids() {
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
    // The console's client and the smoke test's, and no other, as one comma-separated value.
    let clients = &env[authorizer::ENV_CLIENT_ID];
    assert_eq!(
        client_names(with_own_pool(clients)),
        ["OperatorConsoleClient", "SmokeTestClient"]
    );
    // With an existing pool: its issuer and clients, parameters (the smoke client may be empty:
    // AuthConfig ignores an empty entry).
    assert!(is_ref(
        with_external_pool(&env[authorizer::ENV_ISSUER]),
        "ExternalIssuer"
    ));
    assert_eq!(
        client_names(with_external_pool(clients)),
        ["ExternalClientId", "ExternalSmokeClientId"]
    );
    let read = bluelamp::auth::AuthConfig::for_access_tokens("https://issuer", "console,");
    assert_eq!(read.client_ids, ["console"]);
    assert_eq!(
        template()["Conditions"]["UseOwnPool"],
        json!({ "Fn::Equals": [{ "Ref": "ExternalIssuer" }, ""] })
    );
    // The pool and what hangs off it exist only when the stack signs operators in itself.
    for id in [
        "OperatorUserPool",
        "OperatorsGroup",
        "SupervisorsGroup",
        "OperatorConsoleClient",
        "SmokeTestClient",
        "OperatorSignInDomain",
    ] {
        assert_eq!(resource(id)["Condition"], "UseOwnPool", "{id}");
    }
}

/// The smoke test signs in with USER_PASSWORD_AUTH (smoke/src/signin.rs: `InitiateAuth`, then
/// the TOTP challenge), which the console's client does not allow; its own client allows that
/// and nothing a browser would use, and its output is what scripts/smoke-deployed reads.
#[test]
fn the_smoke_test_signs_in_through_a_client_of_its_own_that_allows_only_password_sign_in() {
    let console = props("OperatorConsoleClient");
    assert_eq!(
        strings(&console["ExplicitAuthFlows"]),
        ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        "the console signs in with SRP (and the hosted UI) only"
    );
    let smoke = props("SmokeTestClient");
    assert!(is_ref(&smoke["UserPoolId"], "OperatorUserPool"));
    assert_eq!(
        strings(&smoke["ExplicitAuthFlows"]),
        ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    );
    assert_eq!(
        smoke["GenerateSecret"], false,
        "a program with no secret store"
    );
    assert_eq!(smoke["AllowedOAuthFlowsUserPoolClient"], false);
    for absent in ["CallbackURLs", "LogoutURLs", "AllowedOAuthFlows"] {
        assert!(smoke[absent].is_null(), "{absent}: no hosted sign-in");
    }
    assert_eq!(smoke["PreventUserExistenceErrors"], "ENABLED");
    for (validity, unit) in [
        ("AccessTokenValidity", "AccessToken"),
        ("IdTokenValidity", "IdToken"),
        ("RefreshTokenValidity", "RefreshToken"),
    ] {
        assert_eq!(smoke[validity], 1, "{validity}");
        assert_eq!(smoke["TokenValidityUnits"][unit], "hours", "{unit}");
    }
    // The pool requires MFA of every account, so this client too answers the TOTP challenge.
    assert_eq!(props("OperatorUserPool")["MfaConfiguration"], "ON");
    let output = &template()["Outputs"]["SmokeTestClientId"]["Value"];
    assert!(is_ref(with_own_pool(output), "SmokeTestClient"));
    assert!(is_ref(with_external_pool(output), "ExternalSmokeClientId"));
    let script = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/smoke-deployed"),
    )
    .expect("scripts/smoke-deployed");
    assert!(script.contains("output SmokeTestClientId"));
    assert!(!script.contains("OperatorConsoleClientId"));
}

/// The console's supervisor view and the `stats` action are for members of `supervisors`
/// (the authorizer passes the token's groups on; bluelamp::auth): the pool has that group
/// beside `operators`, and report-intake still asks for `operators` alone.
#[test]
fn the_pool_has_an_operators_and_a_supervisors_group() {
    let groups: BTreeMap<&str, &str> = of_type("AWS::Cognito::UserPoolGroup")
        .into_iter()
        .map(|(id, g)| {
            assert!(is_ref(&g["Properties"]["UserPoolId"], "OperatorUserPool"));
            (g["Properties"]["GroupName"].as_str().unwrap_or(""), id)
        })
        .collect();
    assert_eq!(
        groups,
        BTreeMap::from([
            ("operators", "OperatorsGroup"),
            (bluelamp::auth::SUPERVISORS_GROUP, "SupervisorsGroup"),
        ])
    );
    let required = &environment(REPORT_INTAKE)[report_intake::ENV_OPERATOR_GROUP];
    assert!(is_ref(with_own_pool(required), "OperatorsGroup"));
}
