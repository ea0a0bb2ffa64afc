//! The message pipeline: the chats stream's two mappings, their filters, retries and queues.

use crate::support::*;

#[test]
fn each_stream_mapping_takes_only_new_messages_from_the_chats_stream() {
    for consumer in STREAM_CONSUMERS {
        let mapping = stream_mapping(consumer);
        assert!(
            is_get_att(
                &mapping["EventSourceArn"],
                tables::CHATS.logical_id,
                "StreamArn"
            ),
            "{consumer}: the chats stream"
        );

        let filters = as_list(&mapping["FilterCriteria"]["Filters"]);
        assert_eq!(filters.len(), 1, "{consumer}: one filter");
        let pattern: Value = serde_json::from_str(filters[0]["Pattern"].as_str().unwrap_or(""))
            .expect("the filter pattern is JSON");
        let sk = message_sk(0);
        let prefix = &sk[..=sk.find('#').expect("message keys have a # prefix")];
        let sort_key = tables::CHATS.sort_key.expect("chats have a sort key");
        assert_eq!(
            pattern,
            json!({
                "eventName": [bluelamp::stream::INSERT],
                "dynamodb": { "Keys": { sort_key: { "S": [{ "prefix": prefix }] } } }
            }),
            "{consumer}: filter"
        );
    }
}

#[test]
fn a_failing_message_is_reported_alone_retried_boundedly_then_parked_in_an_encrypted_queue() {
    let mut queues = BTreeSet::new();
    for consumer in STREAM_CONSUMERS {
        let mapping = stream_mapping(consumer);
        assert!(
            strings(&mapping["FunctionResponseTypes"]).contains(&"ReportBatchItemFailures"),
            "{consumer}: partial batch failures"
        );
        assert_eq!(
            mapping["BisectBatchOnFunctionError"], true,
            "{consumer}: bisection"
        );

        let retries = mapping["MaximumRetryAttempts"].as_i64().unwrap_or(-1);
        assert!(
            (0..=10_000).contains(&retries),
            "{consumer}: bounded retries"
        );
        let age = mapping["MaximumRecordAgeInSeconds"].as_i64().unwrap_or(-1);
        assert!(
            (60..=604_800).contains(&age),
            "{consumer}: bounded record age"
        );
        let parallel = mapping["ParallelizationFactor"].as_i64().unwrap_or(0);
        assert!(
            (1..=10).contains(&parallel),
            "{consumer}: a parallelization factor"
        );
        // Nothing is skipped when a mapping is created again.
        assert_eq!(mapping["StartingPosition"], "TRIM_HORIZON", "{consumer}");

        let destination = &mapping["DestinationConfig"]["OnFailure"]["Destination"];
        let queue = on_failure_queue(mapping);
        assert!(
            is_get_att(destination, queue, "Arn"),
            "{consumer}: an on-failure destination of this template"
        );
        assert_eq!(resource(queue)["Type"], "AWS::SQS::Queue");
        assert!(!props(queue)["KmsMasterKeyId"].is_null(), "{queue}: KMS");
        assert!(queues.insert(queue), "{queue} is shared");

        let may_send = role_statements(consumer).into_iter().any(|s| {
            strings(&s["Action"]).contains(&"sqs:SendMessage")
                && is_get_att(&s["Resource"], queue, "Arn")
        });
        assert!(may_send, "{consumer}'s role may send to {queue}");
        // The mapping reads the stream with the function's role.
        let grants = table_grants(consumer);
        let stream = format!("{}/stream", tables::CHATS.logical_id);
        for action in [
            "dynamodb:DescribeStream",
            "dynamodb:GetRecords",
            "dynamodb:GetShardIterator",
        ] {
            assert!(
                grants.get(&stream).is_some_and(|a| a.contains(action)),
                "{consumer}'s role lacks {action} on the chats stream"
            );
        }
    }
}

#[test]
fn faq_reply_has_exactly_the_same_delivery_guarantees_as_translate() {
    let translate = stream_mapping(TRANSLATE);
    let faq = stream_mapping(FAQ_REPLY);
    for key in [
        "EventSourceArn",
        "StartingPosition",
        "FilterCriteria",
        "FunctionResponseTypes",
        "BisectBatchOnFunctionError",
        "MaximumRetryAttempts",
        "MaximumRecordAgeInSeconds",
        "ParallelizationFactor",
        "BatchSize",
        "MaximumBatchingWindowInSeconds",
    ] {
        assert_eq!(faq[key], translate[key], "faq-reply's mapping: {key}");
    }
}
