//! The two WebSocket APIs: routes per the protocol's actions, the authorizer, stages and access logs.

use crate::support::*;

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
