//! The report storage contract: the embedded store and the DynamoDB store (on moto_server)
//! pass the same suite, `bluelamp::report::store::contract`.

use bluelamp::report::store::contract::check_all;
use bluelamp::report::{QueueCursor, QueueQuery, StoreError};
use bluelamp_tests::{fresh_report_store, StoreKind};

#[tokio::test]
async fn the_embedded_report_store_keeps_the_contract() {
    check_all(|| fresh_report_store(StoreKind::Embedded)).await;
}

#[tokio::test]
async fn the_dynamodb_report_store_keeps_the_contract() {
    check_all(|| fresh_report_store(StoreKind::Dynamo)).await;
}

#[tokio::test]
async fn a_cursor_that_was_not_made_by_the_store_is_refused_by_both() {
    // Base64 of "nonsense", of a reference with a bad check character, of a negative time, of
    // a priority rank that is none, and of a cursor without its rank (as made before flagged
    // reports waited first).
    let forged = [
        "bm9uc2Vuc2U",
        "MXwxNzk1ODY3MjAwMDAwMDAwfEJMLVEyVzctWjlLRC1Z",
        "MXwtMXxCTC1RMlc3LVo5S0QtWA",
        "N3wxNzk1ODY3MjAwMDAwMDAwfEJMLVEyVzctWjlLRC1Y",
        "MTc5NTg2NzIwMDAwMDAwMHxCTC1RMlc3LVo5S0QtWA",
    ];
    for kind in [StoreKind::Embedded, StoreKind::Dynamo] {
        let store = fresh_report_store(kind).await;
        for cursor in forged {
            let query = QueueQuery {
                kind: None,
                limit: 10,
                cursor: QueueCursor::parse(cursor),
            };
            assert!(query.cursor.is_some(), "{cursor} has the cursor's alphabet");
            let got = store.queue(&query).await;
            assert!(
                matches!(got, Err(StoreError::InvalidCursor)),
                "{kind:?} accepted {cursor}: {got:?}"
            );
        }
    }
}

/// What the contract cannot see: the items' TTL attribute, and the sparse queue index.
#[tokio::test]
async fn dynamodb_report_items_carry_their_ttl_and_leave_the_queue_index_when_assessed() {
    use aws_sdk_dynamodb::types::AttributeValue;
    use bluelamp::domain::OperatorId;
    use bluelamp::report::store::contract::new_report;
    use bluelamp::report::{
        Assessment, AssessmentOutcome, DynamoReportStore, ReportKind, ReportStore, ReportTables,
    };
    use bluelamp::store::tables;

    let sdk = bluelamp::config::aws_local(Some(&bluelamp_tests::moto_endpoint()));
    let client = aws_sdk_dynamodb::Client::new(&sdk);
    let prefix = bluelamp_tests::unique_prefix();
    let names = ReportTables {
        reports: format!("{prefix}reports"),
        audit: format!("{prefix}audit"),
    };
    tables::REPORTS
        .create(&client, &names.reports)
        .await
        .unwrap();
    tables::AUDIT.create(&client, &names.audit).await.unwrap();
    let store = DynamoReportStore::new(client.clone(), names.clone());

    let mut new = new_report(ReportKind::Crime, 0, Some(("ttl-key", b"body")));
    let audit_expiry =
        new.submitted_at + chrono::Duration::days(7) + chrono::Duration::milliseconds(500);
    // Half a second past a whole second: the TTL rounds up, never down.
    new.expires_at += chrono::Duration::milliseconds(500);
    store.create(new.clone()).await.unwrap();
    let item = |pk: String, sk: &'static str| {
        let client = client.clone();
        let table = names.reports.clone();
        async move {
            client
                .get_item()
                .table_name(table)
                .key("pk", AttributeValue::S(pk))
                .key("sk", AttributeValue::S(sk.to_owned()))
                .send()
                .await
                .unwrap()
                .item
                .unwrap()
        }
    };
    let report = item(format!("REPORT#{}", new.reference), "REPORT").await;
    let ttl = tables::REPORTS.ttl_attribute.unwrap();
    assert_eq!(
        report[ttl],
        AttributeValue::N((new.expires_at.timestamp() + 1).to_string())
    );
    assert_eq!(report["queue_status"], AttributeValue::S("new".to_owned()));
    let claim = item("IDEMPOTENCY#ttl-key".to_owned(), "IDEMPOTENCY").await;
    let held_until = new.idempotency.as_ref().unwrap().expires_at.timestamp();
    assert_eq!(claim[ttl], AttributeValue::N(held_until.to_string()));

    store
        .record_assessment(
            &new.reference,
            Assessment {
                outcome: AssessmentOutcome::NoCrime,
                notes: None,
                assessor: OperatorId::parse("op-1").unwrap(),
                assessed_at: new.submitted_at,
            },
            // An audit retention period, half a second past a whole second.
            Some(audit_expiry),
        )
        .await
        .unwrap();
    let report = item(format!("REPORT#{}", new.reference), "REPORT").await;
    assert!(!report.contains_key("queue_status"));
    assert!(!report.contains_key("queue_sk"));
    assert!(
        report.contains_key(ttl),
        "an assessed report keeps its retention"
    );
    // The audit table's TTL attribute: on the record written with a retention period (rounded
    // up to the second), on none written without.
    store
        .append_audit(bluelamp::report::AuditRecord {
            at: new.submitted_at,
            operator: OperatorId::parse("op-2").unwrap(),
            action: bluelamp::report::AuditAction::ReportViewed,
            reference: Some(new.reference.clone()),
            expires_at: None,
        })
        .await
        .unwrap();
    let audit = client
        .scan()
        .table_name(&names.audit)
        .send()
        .await
        .unwrap()
        .items
        .unwrap_or_default();
    let audit_ttl = tables::AUDIT.ttl_attribute.unwrap();
    let mut seen: Vec<(String, Option<AttributeValue>)> = audit
        .iter()
        .map(|i| {
            let action = i["action"].as_s().unwrap().clone();
            (action, i.get(audit_ttl).cloned())
        })
        .collect();
    seen.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        seen,
        [
            (
                "reportAssessed".to_owned(),
                Some(AttributeValue::N(
                    (audit_expiry.timestamp() + 1).to_string()
                ))
            ),
            ("reportViewed".to_owned(), None),
        ]
    );
}
