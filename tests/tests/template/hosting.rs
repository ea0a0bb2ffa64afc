//! Hosting the web pages: the private bucket, the distribution, each surface's headers, sign-in.

use crate::support::*;

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
    // the operator API and its sign-in; the REST API for all three. Each address is the one
    // the outputs give (a custom name when set: custom_domains.rs).
    let connect = |p| csp_of(p)["connect-src"].clone();
    assert_eq!(connect(widget), "'self' ${ReportsOrigin} ${PublicWs}");
    assert_eq!(connect(report), "'self' ${ReportsOrigin}");
    assert_eq!(
        connect(console),
        "'self' ${ReportsOrigin} ${OperatorWs} ${SignIn}"
    );
    let vars = |p: &Value| {
        p["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"][1]
            .clone()
    };
    let output = |name: &str| template()["Outputs"][name]["Value"].clone();
    assert_eq!(vars(widget)["PublicWs"], output("PublicWebSocketUrl"));
    assert_eq!(vars(console)["OperatorWs"], output("OperatorWebSocketUrl"));
    for policy in [widget, report, console] {
        let origin = &vars(policy)["ReportsOrigin"]["Fn::If"];
        let url = &output("ReportsApiUrl")["Fn::If"];
        assert_eq!(origin[0], url[0]);
        assert_eq!(origin[1], url[1], "the custom name is the API's root");
        assert_eq!(
            format!("{}/${{Stage}}", sub_text(&origin[2])),
            sub_text(&url[2]),
            "the execute-api origin of the API's stage"
        );
    }
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
    let vars = &template()["Outputs"]["EmbedSnippet"]["Value"]["Fn::Sub"][1];
    assert_eq!(
        vars["PublicWs"],
        template()["Outputs"]["PublicWebSocketUrl"]["Value"]
    );
    assert_eq!(
        vars["ReportsApiUrl"],
        template()["Outputs"]["ReportsApiUrl"]["Value"]
    );
}
