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
    // Base64 of "nonsense", of a reference with a bad check character, and of a negative time.
    let forged = [
        "bm9uc2Vuc2U",
        "MTc5NTg2NzIwMDAwMDAwMHxCTC1RMlc3LVo5S0QtWQ",
        "LTF8QkwtUTJXNy1aOUtELVg",
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
