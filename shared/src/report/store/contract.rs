//! The behaviour every [`ReportStore`] adapter must have, as one suite: `check_all` runs each
//! check against a fresh store from the factory. Used by the memory store's tests here, and by
//! the DynamoDB adapter's tests against moto (feature `test-support`).

use super::*;
use crate::report::{parse_report_json, Receipt};
use chrono::Duration;
use std::future::Future;
use std::sync::Arc;

/// A fixed "now" for the sample reports.
pub fn base_time() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-28T12:00:00Z")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

/// A valid report of the given kind: openapi.yaml's example of it
/// ([`crate::report::examples`]).
pub fn sample_report(kind: ReportKind) -> Report {
    use crate::report::examples;
    let example = match kind {
        ReportKind::Crime => examples::crime(),
        ReportKind::Collision => examples::collision(),
        ReportKind::AntisocialBehaviour => examples::antisocial_behaviour(),
    };
    match parse_report_json(example.to_string().as_bytes(), base_time()) {
        Ok(r) => r,
        Err(errors) => panic!("the sample {kind} report is invalid: {errors:?}"),
    }
}

/// A new report submitted `seconds` after [`base_time`], with an optional idempotency key.
pub fn new_report(kind: ReportKind, seconds: i64, key: Option<(&str, &[u8])>) -> NewReport {
    let reference = ReportReference::new_random();
    let report = sample_report(kind);
    let submitted_at = base_time() + Duration::seconds(seconds);
    let receipt = Receipt::new(
        reference.clone(),
        &report,
        &[],
        submitted_at,
        Duration::hours(24),
    );
    NewReport {
        reference,
        report,
        signposts: vec![],
        receipt,
        submitted_at,
        expires_at: submitted_at + Duration::days(365),
        idempotency: key.map(|(k, body)| IdempotencyClaim {
            key: IdempotencyKey::parse(k).unwrap_or_else(|_| panic!("bad test key {k}")),
            body_hash: BodyHash::of(body),
            expires_at: submitted_at + Duration::hours(24),
        }),
    }
}

fn operator(name: &str) -> OperatorId {
    OperatorId::parse(name).unwrap_or_else(|_| panic!("bad test operator {name}"))
}

fn assessment(by: &str, seconds: i64) -> Assessment {
    Assessment {
        outcome: AssessmentOutcome::NoCrime,
        notes: AssessmentNotes::parse("Advice given").ok(),
        assessor: operator(by),
        assessed_at: base_time() + Duration::seconds(seconds),
    }
}

type Store = Arc<dyn ReportStore>;

/// Runs every check, each on a fresh store.
pub async fn check_all<F, Fut>(fresh: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = Store>,
{
    a_created_report_reads_back_as_stored(fresh().await).await;
    a_retry_with_the_same_key_and_body_replays_the_first_receipt(fresh().await).await;
    the_same_key_with_another_body_is_a_conflict(fresh().await).await;
    an_expired_key_may_be_used_again(fresh().await).await;
    reports_without_a_key_are_all_stored(fresh().await).await;
    a_taken_reference_is_refused(fresh().await).await;
    concurrent_submissions_with_one_key_store_one_report(fresh().await).await;
    the_queue_is_new_reports_oldest_first_filtered_by_kind(fresh().await).await;
    the_queue_pages_cover_every_report_once(fresh().await).await;
    reports_flagged_as_emergencies_wait_first(fresh().await).await;
    an_assessment_is_recorded_once_with_its_audit_record(fresh().await).await;
    concurrent_assessments_of_one_report_have_one_winner(fresh().await).await;
    the_audit_trail_is_append_only_and_per_report(fresh().await).await;
    audit_records_carry_their_expiry_only_when_given_one(fresh().await).await;
}

pub async fn a_created_report_reads_back_as_stored(store: Store) {
    let new = new_report(ReportKind::Collision, 0, None);
    let created = store.create(new.clone()).await.expect("create");
    assert_eq!(created, Created::New(new.receipt.clone()));
    let got = store
        .get(&new.reference)
        .await
        .expect("get")
        .expect("stored");
    assert_eq!(got.reference, new.reference);
    assert_eq!(got.report, new.report);
    assert_eq!(got.status, ReportStatus::New);
    assert_eq!(got.submitted_at, new.submitted_at);
    assert_eq!(got.expires_at, new.expires_at);
    assert_eq!(got.assessment, None);
    let unknown = ReportReference::new_random();
    assert_eq!(store.get(&unknown).await.expect("get unknown"), None);
}

pub async fn a_retry_with_the_same_key_and_body_replays_the_first_receipt(store: Store) {
    let first = new_report(ReportKind::Crime, 0, Some(("key-1", b"body")));
    let retry = new_report(ReportKind::Crime, 5, Some(("key-1", b"body")));
    store.create(first.clone()).await.expect("first");
    let again = store.create(retry.clone()).await.expect("retry");
    assert_eq!(again, Created::Replayed(first.receipt.clone()));
    assert!(store.get(&retry.reference).await.expect("get").is_none());
}

pub async fn the_same_key_with_another_body_is_a_conflict(store: Store) {
    store
        .create(new_report(ReportKind::Crime, 0, Some(("key-2", b"one"))))
        .await
        .expect("first");
    let other = store
        .create(new_report(ReportKind::Crime, 1, Some(("key-2", b"two"))))
        .await;
    assert!(
        matches!(other, Err(StoreError::IdempotencyConflict)),
        "{other:?}"
    );
}

pub async fn an_expired_key_may_be_used_again(store: Store) {
    store
        .create(new_report(ReportKind::Crime, 0, Some(("key-3", b"one"))))
        .await
        .expect("first");
    let later = new_report(ReportKind::Crime, 25 * 3600, Some(("key-3", b"two")));
    let created = store.create(later.clone()).await.expect("after expiry");
    assert_eq!(created, Created::New(later.receipt));
}

pub async fn reports_without_a_key_are_all_stored(store: Store) {
    let a = new_report(ReportKind::Crime, 0, None);
    let b = new_report(ReportKind::Crime, 0, None);
    store.create(a.clone()).await.expect("a");
    store.create(b.clone()).await.expect("b");
    assert!(store.get(&a.reference).await.expect("get a").is_some());
    assert!(store.get(&b.reference).await.expect("get b").is_some());
}

pub async fn a_taken_reference_is_refused(store: Store) {
    let a = new_report(ReportKind::Crime, 0, None);
    let mut b = new_report(ReportKind::AntisocialBehaviour, 1, None);
    b.reference = a.reference.clone();
    store.create(a.clone()).await.expect("a");
    let second = store.create(b).await;
    assert!(
        matches!(second, Err(StoreError::ReferenceTaken)),
        "{second:?}"
    );
    let kept = store.get(&a.reference).await.expect("get").expect("kept");
    assert_eq!(kept.report.kind(), ReportKind::Crime);
}

pub async fn concurrent_submissions_with_one_key_store_one_report(store: Store) {
    let submissions: Vec<NewReport> = (0..20)
        .map(|_| new_report(ReportKind::Crime, 0, Some(("key-race", b"same body"))))
        .collect();
    let mut tasks = tokio::task::JoinSet::new();
    for s in submissions.clone() {
        let store = store.clone();
        tasks.spawn(async move { store.create(s).await });
    }
    let mut outcomes = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        outcomes.push(joined.expect("task").expect("create"));
    }
    let new: Vec<&Created> = outcomes
        .iter()
        .filter(|o| matches!(o, Created::New(_)))
        .collect();
    assert_eq!(new.len(), 1, "exactly one submission stores a report");
    let receipt = new[0].receipt();
    assert!(
        outcomes.iter().all(|o| o.receipt() == receipt),
        "all get the same receipt"
    );
    let mut stored = 0;
    for s in &submissions {
        if store.get(&s.reference).await.expect("get").is_some() {
            stored += 1;
        }
    }
    assert_eq!(stored, 1);
}

fn query(kind: Option<ReportKind>, limit: usize, cursor: Option<QueueCursor>) -> QueueQuery {
    QueueQuery {
        kind,
        limit,
        cursor,
    }
}

pub async fn the_queue_is_new_reports_oldest_first_filtered_by_kind(store: Store) {
    let late_crime = new_report(ReportKind::Crime, 30, None);
    let early_asb = new_report(ReportKind::AntisocialBehaviour, 10, None);
    let middle_crime = new_report(ReportKind::Crime, 20, None);
    let assessed = new_report(ReportKind::Crime, 0, None);
    for r in [&late_crime, &early_asb, &middle_crime, &assessed] {
        store.create(r.clone()).await.expect("create");
    }
    store
        .record_assessment(&assessed.reference, assessment("op-1", 40), None)
        .await
        .expect("assess");

    let all = store.queue(&query(None, 10, None)).await.expect("queue");
    let refs: Vec<&ReportReference> = all.entries.iter().map(|e| &e.reference).collect();
    assert_eq!(
        refs,
        [
            &early_asb.reference,
            &middle_crime.reference,
            &late_crime.reference
        ]
    );
    assert_eq!(all.next, None);
    assert_eq!(all.entries[0].kind, ReportKind::AntisocialBehaviour);
    assert_eq!(all.entries[0].submitted_at, early_asb.submitted_at);

    let crimes = store
        .queue(&query(Some(ReportKind::Crime), 10, None))
        .await
        .expect("crimes");
    let refs: Vec<&ReportReference> = crimes.entries.iter().map(|e| &e.reference).collect();
    assert_eq!(refs, [&middle_crime.reference, &late_crime.reference]);

    let collisions = store
        .queue(&query(Some(ReportKind::Collision), 10, None))
        .await
        .expect("none");
    assert!(collisions.entries.is_empty());
}

pub async fn the_queue_pages_cover_every_report_once(store: Store) {
    let mut all = Vec::new();
    for i in 0..7 {
        // Two reports share each second, so ties are ordered by reference.
        let r = new_report(ReportKind::Crime, i / 2, None);
        store.create(r.clone()).await.expect("create");
        all.push(r);
    }
    all.sort_by(|a, b| (a.submitted_at, &a.reference).cmp(&(b.submitted_at, &b.reference)));
    let want: Vec<ReportReference> = all.into_iter().map(|r| r.reference).collect();
    assert_eq!(every_page(&store, 3).await, want);
}

/// The whole queue, read in pages of `limit` from cursor to cursor (at most ten pages).
async fn every_page(store: &Store, limit: usize) -> Vec<ReportReference> {
    let mut seen = Vec::new();
    let mut cursor = None;
    for _ in 0..10 {
        let page = store
            .queue(&query(None, limit, cursor.take()))
            .await
            .expect("page");
        assert!(page.entries.len() <= limit);
        seen.extend(page.entries.into_iter().map(|e| e.reference));
        match page.next {
            Some(next) => {
                assert_eq!(QueueCursor::parse(next.as_str()), Some(next.clone()));
                cursor = Some(next);
            }
            None => break,
        }
    }
    seen
}

/// A report that got the 999 signpost comes before every other, however long they have
/// waited; among the flagged and among the rest, oldest first. Pages and the kind filter keep
/// that order.
pub async fn reports_flagged_as_emergencies_wait_first(store: Store) {
    let flagged = |kind, seconds| {
        let mut r = new_report(kind, seconds, None);
        r.signposts = vec![Signpost::Emergency];
        r
    };
    let old_crime = new_report(ReportKind::Crime, 0, None);
    let old_asb = new_report(ReportKind::AntisocialBehaviour, 10, None);
    let flagged_late_crime = flagged(ReportKind::Crime, 40);
    let flagged_asb = flagged(ReportKind::AntisocialBehaviour, 20);
    let new_collision = new_report(ReportKind::Collision, 50, None);
    let flagged_assessed = flagged(ReportKind::Crime, 5);
    for r in [
        &old_crime,
        &old_asb,
        &flagged_late_crime,
        &flagged_asb,
        &new_collision,
        &flagged_assessed,
    ] {
        store.create(r.clone()).await.expect("create");
    }
    store
        .record_assessment(&flagged_assessed.reference, assessment("op-1", 60), None)
        .await
        .expect("assess");
    let want = [
        &flagged_asb.reference,
        &flagged_late_crime.reference,
        &old_crime.reference,
        &old_asb.reference,
        &new_collision.reference,
    ];

    let all = store.queue(&query(None, 10, None)).await.expect("queue");
    let refs: Vec<&ReportReference> = all.entries.iter().map(|e| &e.reference).collect();
    assert_eq!(refs, want, "flagged first, then oldest first");
    assert_eq!(all.entries[0].signposts, vec![Signpost::Emergency]);

    let want_owned: Vec<ReportReference> = want.iter().map(|r| (*r).clone()).collect();
    assert_eq!(
        every_page(&store, 2).await,
        want_owned,
        "pages keep the order"
    );

    let crimes = store
        .queue(&query(Some(ReportKind::Crime), 1, None))
        .await
        .expect("crimes");
    assert_eq!(crimes.entries[0].reference, flagged_late_crime.reference);
    let rest = store
        .queue(&query(Some(ReportKind::Crime), 10, crimes.next))
        .await
        .expect("more crimes");
    let refs: Vec<&ReportReference> = rest.entries.iter().map(|e| &e.reference).collect();
    assert_eq!(refs, [&old_crime.reference]);
}

pub async fn an_assessment_is_recorded_once_with_its_audit_record(store: Store) {
    let r = new_report(ReportKind::Collision, 0, None);
    store.create(r.clone()).await.expect("create");
    let done = store
        .record_assessment(&r.reference, assessment("op-1", 60), None)
        .await
        .expect("assess");
    assert_eq!(done.status, ReportStatus::Assessed);
    assert_eq!(done.assessment, Some(assessment("op-1", 60)));
    assert_eq!(store.get(&r.reference).await.expect("get"), Some(done));

    let again = store
        .record_assessment(&r.reference, assessment("op-2", 70), None)
        .await;
    assert!(
        matches!(
            again,
            Err(StoreError::NotNew {
                current: ReportStatus::Assessed
            })
        ),
        "{again:?}"
    );
    let unknown = store
        .record_assessment(&ReportReference::new_random(), assessment("op-1", 80), None)
        .await;
    assert!(matches!(unknown, Err(StoreError::NotFound)), "{unknown:?}");

    let trail = store.audit_trail(&r.reference).await.expect("trail");
    assert_eq!(
        trail,
        [AuditRecord {
            at: base_time() + Duration::seconds(60),
            operator: operator("op-1"),
            action: AuditAction::ReportAssessed,
            reference: Some(r.reference.clone()),
            expires_at: None,
        }]
    );
}

pub async fn concurrent_assessments_of_one_report_have_one_winner(store: Store) {
    let r = new_report(ReportKind::Crime, 0, None);
    store.create(r.clone()).await.expect("create");
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..10 {
        let store = store.clone();
        let reference = r.reference.clone();
        tasks.spawn(async move {
            store
                .record_assessment(&reference, assessment(&format!("op-{i}"), i), None)
                .await
        });
    }
    let mut wins = 0;
    while let Some(joined) = tasks.join_next().await {
        match joined.expect("task") {
            Ok(_) => wins += 1,
            Err(StoreError::NotNew { .. }) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(wins, 1);
    assert_eq!(
        store.audit_trail(&r.reference).await.expect("trail").len(),
        1
    );
}

pub async fn the_audit_trail_is_append_only_and_per_report(store: Store) {
    let a = new_report(ReportKind::Crime, 0, None);
    let b = new_report(ReportKind::Crime, 0, None);
    store.create(a.clone()).await.expect("a");
    store.create(b.clone()).await.expect("b");
    let record = |secs, reference: &ReportReference| AuditRecord {
        at: base_time() + Duration::seconds(secs),
        operator: operator("op-9"),
        action: AuditAction::ReportViewed,
        reference: Some(reference.clone()),
        expires_at: None,
    };
    store
        .append_audit(record(1, &a.reference))
        .await
        .expect("1");
    store
        .append_audit(record(2, &b.reference))
        .await
        .expect("2");
    store
        .append_audit(record(3, &a.reference))
        .await
        .expect("3");
    store
        .append_audit(AuditRecord {
            at: base_time(),
            operator: operator("op-9"),
            action: AuditAction::QueueListed,
            reference: None,
            expires_at: None,
        })
        .await
        .expect("listing");
    let trail = store.audit_trail(&a.reference).await.expect("trail");
    assert_eq!(trail, [record(1, &a.reference), record(3, &a.reference)]);
}

/// With a retention period each audit record carries its expiry (both ways in: appended, and
/// with an assessment); without one, none does.
pub async fn audit_records_carry_their_expiry_only_when_given_one(store: Store) {
    let r = new_report(ReportKind::Crime, 0, None);
    store.create(r.clone()).await.expect("create");
    let expiry = base_time() + Duration::days(2555);
    let viewed = |secs, expires_at| AuditRecord {
        at: base_time() + Duration::seconds(secs),
        operator: operator("op-3"),
        action: AuditAction::ReportViewed,
        reference: Some(r.reference.clone()),
        expires_at,
    };
    store
        .append_audit(viewed(1, Some(expiry)))
        .await
        .expect("with");
    store.append_audit(viewed(2, None)).await.expect("without");
    store
        .record_assessment(&r.reference, assessment("op-3", 3), Some(expiry))
        .await
        .expect("assessed");
    let trail = store.audit_trail(&r.reference).await.expect("trail");
    let expiries: Vec<Option<DateTime<Utc>>> = trail.iter().map(|a| a.expires_at).collect();
    assert_eq!(expiries, [Some(expiry), None, Some(expiry)], "{trail:?}");
    assert_eq!(trail[2].action, AuditAction::ReportAssessed);
}
