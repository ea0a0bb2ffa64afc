//! Scanners' exceptions: every skipped check named beside its resource with a reason.

use crate::support::*;

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
