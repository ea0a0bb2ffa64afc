//! `scripts/redrive` against local stand-ins: moto's SQS and DynamoDB Streams, and a stand-in
//! for Lambda's Invoke API that records the event it is given and answers as the function
//! would. A failed batch's queue message (the `DDBStreamBatchInfo` Lambda writes) becomes one
//! invocation with exactly that range of the stream's records, as a stream event the functions
//! parse; then the message is gone. A batch the function still fails stays in the queue.

use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};
use bluelamp_tests::{aws_cli, moto_endpoint, unique_prefix};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

fn workspace_root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

type Invocations = Arc<Mutex<Vec<(String, Value)>>>;

/// Lambda's `Invoke` (`POST /2015-03-31/functions/{name}/invocations`): records the payload and
/// answers `answer` (the function's partial batch response).
async fn lambda_stand_in(answer: Value) -> (String, Invocations) {
    let seen: Invocations = Arc::default();
    let app = Router::new()
        .route(
            "/2015-03-31/functions/{name}/invocations",
            post(
                |State((seen, answer)): State<(Invocations, Value)>,
                 Path(name): Path<String>,
                 body: String| async move {
                    let event: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
                    seen.lock().expect("lock").push((name, event));
                    Json(answer)
                },
            ),
        )
        .with_state((seen.clone(), answer));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let addr = listener.local_addr().expect("an address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), seen)
}

async fn aws(args: &[&str]) -> anyhow::Result<Value> {
    let moto = moto_endpoint();
    let mut full = vec!["--endpoint-url", &moto, "--output", "json"];
    full.extend_from_slice(args);
    let out = aws_cli(&full).await?;
    anyhow::ensure!(
        out.status.success(),
        "aws {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(serde_json::from_slice(&out.stdout).unwrap_or_default())
}

/// A table with a stream, three messages written to it, and a queue holding the batch info of
/// the first two, as the mapping writes it. Returns the queue's URL and the first two
/// records' sequence numbers.
async fn failed_batch() -> anyhow::Result<(String, Vec<String>)> {
    let prefix = unique_prefix();
    let table = format!("{prefix}chats");
    aws(&[
        "dynamodb",
        "create-table",
        "--table-name",
        &table,
        "--attribute-definitions",
        "AttributeName=pk,AttributeType=S",
        "AttributeName=sk,AttributeType=S",
        "--key-schema",
        "AttributeName=pk,KeyType=HASH",
        "AttributeName=sk,KeyType=RANGE",
        "--billing-mode",
        "PAY_PER_REQUEST",
        "--stream-specification",
        "StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES",
    ])
    .await?;
    for seq in 1..=3 {
        let item = json!({
            "pk": {"S": "CHAT#c1"},
            "sk": {"S": format!("MSG#{seq:010}")},
            "text": {"S": format!("secret words {seq}")},
        })
        .to_string();
        aws(&[
            "dynamodb",
            "put-item",
            "--table-name",
            &table,
            "--item",
            &item,
        ])
        .await?;
    }
    let stream = aws(&["dynamodb", "describe-table", "--table-name", &table]).await?["Table"]
        ["LatestStreamArn"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let shard = aws(&[
        "dynamodbstreams",
        "describe-stream",
        "--stream-arn",
        &stream,
    ])
    .await?["StreamDescription"]["Shards"][0]["ShardId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let iterator = aws(&[
        "dynamodbstreams",
        "get-shard-iterator",
        "--stream-arn",
        &stream,
        "--shard-id",
        &shard,
        "--shard-iterator-type",
        "TRIM_HORIZON",
    ])
    .await?["ShardIterator"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let records = aws(&[
        "dynamodbstreams",
        "get-records",
        "--shard-iterator",
        &iterator,
    ])
    .await?;
    let seqs: Vec<String> = records["Records"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|r| r["dynamodb"]["SequenceNumber"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    anyhow::ensure!(seqs.len() == 3, "three records in the stream: {records}");
    let queue = aws(&[
        "sqs",
        "create-queue",
        "--queue-name",
        &format!("{prefix}failed"),
    ])
    .await?["QueueUrl"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    // What Lambda's on-failure destination sends for a stream source.
    let body = json!({
        "requestContext": {"condition": "RetryAttemptsExhausted", "approximateInvokeCount": 6},
        "responseContext": {"statusCode": 200, "functionError": "Unhandled"},
        "version": "1.0",
        "timestamp": "2026-12-03T18:00:00.000Z",
        "DDBStreamBatchInfo": {
            "shardId": shard,
            "startSequenceNumber": seqs[0],
            "endSequenceNumber": seqs[1],
            "approximateArrivalOfFirstRecord": "2026-12-03T17:59:00Z",
            "approximateArrivalOfLastRecord": "2026-12-03T17:59:01Z",
            "batchSize": 2,
            "streamArn": stream,
        },
    })
    .to_string();
    aws(&[
        "sqs",
        "send-message",
        "--queue-url",
        &queue,
        "--message-body",
        &body,
    ])
    .await?;
    Ok((queue, seqs[..2].to_vec()))
}

async fn redrive(queue: &str, lambda: &str) -> anyhow::Result<std::process::Output> {
    let moto = moto_endpoint();
    let cli = std::env::var("AWS_CLI")
        .unwrap_or_else(|_| workspace_root().join(".venv/bin/aws").display().to_string());
    Ok(
        tokio::process::Command::new(workspace_root().join("scripts/redrive"))
            .args([
                "--queue-url",
                queue,
                "--function",
                "bluelamp-test-translate",
            ])
            .env("AWS_CLI", cli)
            .env("AWS_ENDPOINT_URL_SQS", &moto)
            .env("AWS_ENDPOINT_URL_DYNAMODB_STREAMS", &moto)
            .env("AWS_ENDPOINT_URL_LAMBDA", lambda)
            .env("AWS_ACCESS_KEY_ID", "local")
            .env("AWS_SECRET_ACCESS_KEY", "local")
            .env("AWS_DEFAULT_REGION", "eu-west-2")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_ENDPOINT_URL")
            .output()
            .await?,
    )
}

async fn messages_left(queue: &str) -> anyhow::Result<(u64, u64)> {
    let a = aws(&[
        "sqs",
        "get-queue-attributes",
        "--queue-url",
        queue,
        "--attribute-names",
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
    ])
    .await?;
    let n = |k: &str| {
        a["Attributes"][k]
            .as_str()
            .and_then(|v| v.parse().ok())
            .unwrap_or(99)
    };
    Ok((
        n("ApproximateNumberOfMessages"),
        n("ApproximateNumberOfMessagesNotVisible"),
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_batch_is_replayed_to_the_function_and_its_queue_message_deleted(
) -> anyhow::Result<()> {
    let (queue, seqs) = failed_batch().await?;
    let (lambda, seen) = lambda_stand_in(json!({"batchItemFailures": []})).await;
    let out = redrive(&queue, &lambda).await?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    anyhow::ensure!(out.status.success(), "{stdout}{stderr}");
    anyhow::ensure!(stdout.contains("2 records redriven; deleted"), "{stdout}");
    anyhow::ensure!(
        stdout.contains("redrive: 1 redriven, 0 expired, 0 failed"),
        "{stdout}"
    );
    anyhow::ensure!(!stdout.contains("secret words") && !stderr.contains("secret words"));

    let seen = seen.lock().expect("lock").clone();
    anyhow::ensure!(seen.len() == 1, "one invocation: {}", seen.len());
    let (function, event) = &seen[0];
    assert_eq!(function, "bluelamp-test-translate");
    let got: Vec<&str> = event["Records"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|r| r["dynamodb"]["SequenceNumber"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(got, seqs, "exactly the batch's range, in order");
    // The event the functions read (translate's and faq-reply's handlers take this type).
    let parsed: aws_lambda_events::dynamodb::Event = serde_json::from_value(event.clone())?;
    assert_eq!(parsed.records.len(), 2);
    assert!(parsed.records.iter().all(|r| r.event_name == "INSERT"));
    assert!(event["Records"][0]["eventSourceARN"]
        .as_str()
        .is_some_and(|arn| arn.contains("/stream/")));
    assert_eq!(messages_left(&queue).await?, (0, 0));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_the_function_still_fails_stays_in_the_queue() -> anyhow::Result<()> {
    let (queue, seqs) = failed_batch().await?;
    let failure = json!({"batchItemFailures": [{"itemIdentifier": seqs[1]}]});
    let (lambda, seen) = lambda_stand_in(failure).await;
    let out = redrive(&queue, &lambda).await?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    anyhow::ensure!(!out.status.success(), "{stdout}");
    anyhow::ensure!(
        stdout.contains("the function still fails (1 failed); left in the queue"),
        "{stdout}"
    );
    assert_eq!(seen.lock().expect("lock").len(), 1);
    // Hidden for the visibility timeout while someone works on it, not deleted.
    assert_eq!(messages_left(&queue).await?, (0, 1));
    Ok(())
}
