//! The tables: each of `store::tables` exactly, on demand, recoverable, retained, encrypted.

use crate::support::*;

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
