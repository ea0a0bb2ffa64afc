//! The DynamoDB report store: reports and held idempotency keys in the reports table, the audit
//! log in a table of its own (`store::tables::REPORTS`, `store::tables::AUDIT`). It owns the item
//! mapping and the conditions; no SDK type leaves this file.

/// The AWS actions of this adapter (see `store::dynamo::aws_actions`): reports and idempotency
/// keys read and written in transactions (authorised per item), the queue index, the audit
/// log appended to.
pub mod aws_actions {
    pub const REPORT_STORE: &[&str] = &[
        "dynamodb:GetItem ReportsTable",
        "dynamodb:PutItem ReportsTable",
        "dynamodb:UpdateItem ReportsTable",
        "dynamodb:Query ReportsTable/index/queue",
        "dynamodb:PutItem AuditTable",
    ];
}

use super::*;
use crate::dynamo::{self, key, n, s, AdapterError, Item};
use crate::report::ReportBody;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem, Update};
use aws_sdk_dynamodb::Client;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The physical table names (they differ per stage and per test).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportTables {
    /// `REPORTS_TABLE`: reports and idempotency items.
    pub reports: String,
    /// `AUDIT_TABLE`: the append-only audit log.
    pub audit: String,
}

pub struct DynamoReportStore {
    client: Client,
    tables: ReportTables,
}

impl DynamoReportStore {
    pub fn new(client: Client, tables: ReportTables) -> Self {
        Self { client, tables }
    }
}

const REPORT_SK: &str = "REPORT";
const IDEMPOTENCY_SK: &str = "IDEMPOTENCY";
/// The value of `queue_status` while a report waits: the queue index's one partition.
const QUEUE_NEW: &str = "new";
/// Attempts of a write that another writer's transaction got in the way of.
const WRITE_ATTEMPTS: u32 = 6;
/// The condition that failed, in a transaction's cancellation reasons.
const CONDITION_FAILED: &str = "ConditionalCheckFailed";
/// Audit records a trail is read to at most: far beyond any report's real history.
const MAX_TRAIL: usize = 10_000;

fn report_pk(reference: &ReportReference) -> String {
    format!("REPORT#{reference}")
}

fn idempotency_pk(key: &IdempotencyKey) -> String {
    format!("IDEMPOTENCY#{}", key.as_str())
}

/// Orders the queue index as [`QueuePosition`] orders the queue: its fields in order, each
/// written so that the strings sort as the values do (a one-digit rank, the time zero-padded,
/// and references, which are all as long).
fn queue_sk(position: &QueuePosition) -> String {
    format!(
        "{}#{:020}#{}",
        position.priority.rank(),
        position.submitted_micros.max(0),
        position.reference
    )
}

/// The TTL attribute: whole seconds, rounded up so an item never goes before its time.
fn ttl_secs(t: DateTime<Utc>) -> i64 {
    t.timestamp() + i64::from(t.timestamp_subsec_nanos() > 0)
}

impl From<AdapterError> for StoreError {
    fn from(e: AdapterError) -> Self {
        if e.is_transient() {
            StoreError::Unavailable(Box::new(e))
        } else {
            StoreError::Corrupt(Box::new(e))
        }
    }
}

fn unavailable(
    context: &'static str,
    source: impl std::error::Error + Send + Sync + 'static,
) -> StoreError {
    AdapterError::request(context, source).into()
}

fn corrupt(e: AdapterError) -> StoreError {
    e.into()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct AssessmentItem {
    outcome: AssessmentOutcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    notes: Option<String>,
    assessor: OperatorId,
    assessed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct ReportItem {
    pk: String,
    sk: String,
    reference: ReportReference,
    kind: ReportKind,
    status: ReportStatus,
    submitted_at: DateTime<Utc>,
    /// The exact end of retention, as the operator sees it; `expires_at` is its TTL form.
    retained_until: DateTime<Utc>,
    expires_at: i64,
    signposts: Vec<Signpost>,
    /// The report's fields in the API's own shape, read back with `Report::from_body`.
    report: ReportBody,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    assessment: Option<AssessmentItem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    queue_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    queue_sk: Option<String>,
}

impl ReportItem {
    fn new(new: &NewReport) -> Self {
        let position = QueuePosition::new(&new.reference, new.submitted_at, &new.signposts);
        Self {
            pk: report_pk(&new.reference),
            sk: REPORT_SK.to_owned(),
            reference: new.reference.clone(),
            kind: new.report.kind(),
            status: ReportStatus::New,
            submitted_at: new.submitted_at,
            retained_until: new.expires_at,
            expires_at: ttl_secs(new.expires_at),
            signposts: new.signposts.clone(),
            report: new.report.to_body(),
            assessment: None,
            queue_status: Some(QUEUE_NEW.to_owned()),
            queue_sk: Some(queue_sk(&position)),
        }
    }

    fn into_stored(self) -> Result<StoredReport, StoreError> {
        let report = Report::from_body(&self.report, None).map_err(|errors| {
            // Field paths and codes only: they hold no value.
            let at: Vec<String> = errors
                .iter()
                .map(|e| format!("{} ({})", e.field, e.code))
                .collect();
            corrupt(AdapterError::Invalid {
                what: "report",
                at: at.join(", "),
            })
        })?;
        let assessment = match self.assessment {
            None => None,
            Some(a) => Some(Assessment {
                outcome: a.outcome,
                notes: a
                    .notes
                    .map(|n| AssessmentNotes::parse(&n))
                    .transpose()
                    .map_err(|_| corrupt(AdapterError::Unreadable("assessment")))?,
                assessor: a.assessor,
                assessed_at: a.assessed_at,
            }),
        };
        Ok(StoredReport {
            reference: self.reference,
            report,
            signposts: self.signposts,
            status: self.status,
            submitted_at: self.submitted_at,
            expires_at: self.retained_until,
            assessment,
        })
    }
}

/// What the queue reads of a report: no personal data is fetched at all.
#[derive(Debug, Deserialize)]
struct QueueItem {
    reference: ReportReference,
    kind: ReportKind,
    submitted_at: DateTime<Utc>,
    signposts: Vec<Signpost>,
}
const QUEUE_ATTRIBUTES: [&str; 4] = ["reference", "kind", "submitted_at", "signposts"];

/// A held `Idempotency-Key`: the body it was used with and the reply it got.
#[derive(Debug, Serialize, Deserialize)]
struct IdempotencyItem {
    pk: String,
    sk: String,
    body_hash: String,
    receipt: Receipt,
    /// Held while `held_until_micros` is after a new submission's time. DynamoDB's TTL deletes
    /// late (up to days), so the condition checks this, never the item's mere presence.
    held_until_micros: i64,
    expires_at: i64,
}

#[derive(Debug, Serialize, Deserialize)]
struct AuditItem {
    pk: String,
    sk: String,
    at: DateTime<Utc>,
    operator: OperatorId,
    action: AuditAction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reference: Option<ReportReference>,
    /// The table's TTL attribute (epoch seconds), only with a retention period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_at: Option<i64>,
}

impl AuditItem {
    fn new(record: &AuditRecord) -> Self {
        let pk = match &record.reference {
            Some(r) => report_pk(r),
            // Listings concern no report: grouped by day, so no partition grows for ever.
            None => format!("QUEUE#{}", record.at.format("%Y-%m-%d")),
        };
        Self {
            pk,
            // Time first for the order; a random tail so that no record ever replaces another.
            sk: format!(
                "{:020}#{}",
                record.at.timestamp_micros().max(0),
                uuid::Uuid::new_v4().simple()
            ),
            at: record.at,
            operator: record.operator.clone(),
            action: record.action,
            reference: record.reference.clone(),
            expires_at: record.expires_at.map(ttl_secs),
        }
    }
}

impl From<AuditItem> for AuditRecord {
    fn from(i: AuditItem) -> Self {
        Self {
            at: i.at,
            operator: i.operator,
            action: i.action,
            reference: i.reference,
            expires_at: i.expires_at.and_then(|s| DateTime::from_timestamp(s, 0)),
        }
    }
}

/// Which items of a cancelled transaction failed their condition; `None` when the server did
/// not say (then the adapter reads what it needs to know).
fn failed_conditions(err: &SdkError<TransactWriteItemsError>) -> Option<Vec<bool>> {
    let SdkError::ServiceError(se) = err else {
        return None;
    };
    let TransactWriteItemsError::TransactionCanceledException(e) = se.err() else {
        return None;
    };
    let reasons = e.cancellation_reasons();
    (!reasons.is_empty()).then(|| {
        reasons
            .iter()
            .map(|r| r.code() == Some(CONDITION_FAILED))
            .collect()
    })
}

impl DynamoReportStore {
    async fn get_item(&self, table: &str, key: Item) -> Result<Option<Item>, StoreError> {
        Ok(dynamo::read_item(self.client.get_item(), table, key).await?)
    }

    async fn report_item(
        &self,
        reference: &ReportReference,
    ) -> Result<Option<ReportItem>, StoreError> {
        self.get_item(&self.tables.reports, key(report_pk(reference), REPORT_SK))
            .await?
            .map(|i| dynamo::from_item("report", i))
            .transpose()
            .map_err(StoreError::from)
    }

    /// The claim on `key` if it is still held at `at`.
    async fn held_claim(
        &self,
        key_: &IdempotencyKey,
        at: DateTime<Utc>,
    ) -> Result<Option<IdempotencyItem>, StoreError> {
        let item = self
            .get_item(
                &self.tables.reports,
                key(idempotency_pk(key_), IDEMPOTENCY_SK),
            )
            .await?
            .map(|i| dynamo::from_item::<IdempotencyItem>("idempotency", i))
            .transpose()?;
        Ok(item.filter(|i| i.held_until_micros > at.timestamp_micros()))
    }

    fn put_report(&self, new: &NewReport) -> Result<TransactWriteItem, StoreError> {
        let put = dynamo::built(
            Put::builder()
                .table_name(&self.tables.reports)
                .set_item(Some(dynamo::to_item("report", &ReportItem::new(new))?))
                .condition_expression("attribute_not_exists(pk)")
                .build(),
        )?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// Claims the key unless another claim holds it at the submission's time.
    fn put_claim(
        &self,
        new: &NewReport,
        claim: &IdempotencyClaim,
    ) -> Result<TransactWriteItem, StoreError> {
        let item = IdempotencyItem {
            pk: idempotency_pk(&claim.key),
            sk: IDEMPOTENCY_SK.to_owned(),
            body_hash: claim.body_hash.to_hex(),
            receipt: new.receipt.clone(),
            held_until_micros: claim.expires_at.timestamp_micros(),
            expires_at: ttl_secs(claim.expires_at),
        };
        let put = dynamo::built(
            Put::builder()
                .table_name(&self.tables.reports)
                .set_item(Some(dynamo::to_item("idempotency", &item)?))
                .condition_expression("attribute_not_exists(pk) OR held_until_micros <= :now")
                .expression_attribute_values(":now", n(new.submitted_at.timestamp_micros()))
                .build(),
        )?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// A new audit record, for a transaction.
    fn put_audit(&self, record: &AuditRecord) -> Result<Put, StoreError> {
        Ok(dynamo::built(
            Put::builder()
                .table_name(&self.tables.audit)
                .set_item(Some(dynamo::to_item("audit", &AuditItem::new(record))?))
                .condition_expression(APPEND_ONLY)
                .build(),
        )?)
    }
}

/// A record is never replaced (its key is unique anyway: this makes sure of it).
const APPEND_ONLY: &str = "attribute_not_exists(pk)";

#[async_trait]
impl ReportStore for DynamoReportStore {
    async fn create(&self, new: NewReport) -> Result<Created, StoreError> {
        // The claim on the key and the report go in one transaction, each with its condition:
        // of any number of concurrent submissions with one key, one commits; the others see the
        // claim and replay its receipt (or are refused, for another body).
        let claim = match &new.idempotency {
            Some(c) => Some((c, self.put_claim(&new, c)?)),
            None => None,
        };
        let report = self.put_report(&new)?;
        for attempt in 0..WRITE_ATTEMPTS {
            let mut tx = self.client.transact_write_items();
            if let Some((_, put)) = &claim {
                tx = tx.transact_items(put.clone());
            }
            let err = match tx.transact_items(report.clone()).send().await {
                Ok(_) => return Ok(Created::New(new.receipt)),
                Err(e) if dynamo::is_cancelled(&e) => e,
                Err(e) => return Err(unavailable("storing a report", e)),
            };
            let failed = failed_conditions(&err);
            let (claim_failed, report_failed) = match (&failed, &claim) {
                (Some(f), Some(_)) => (f.first() == Some(&true), f.get(1) == Some(&true)),
                (Some(f), None) => (false, f.first() == Some(&true)),
                (None, _) => (true, true),
            };
            if let (true, Some((c, _))) = (claim_failed, &claim) {
                if let Some(held) = self.held_claim(&c.key, new.submitted_at).await? {
                    return if held.body_hash == c.body_hash.to_hex() {
                        Ok(Created::Replayed(held.receipt))
                    } else {
                        Err(StoreError::IdempotencyConflict)
                    };
                }
            }
            if report_failed
                && (failed.is_some() || self.report_item(&new.reference).await?.is_some())
            {
                return Err(StoreError::ReferenceTaken);
            }
            // Another transaction on the same items at the same moment: try again.
            dynamo::back_off(attempt).await;
        }
        Err(AdapterError::Contended {
            context: "storing a report",
            attempts: WRITE_ATTEMPTS,
        }
        .into())
    }

    async fn get(&self, reference: &ReportReference) -> Result<Option<StoredReport>, StoreError> {
        self.report_item(reference)
            .await?
            .map(ReportItem::into_stored)
            .transpose()
    }

    async fn queue(&self, query: &QueueQuery) -> Result<QueuePage, StoreError> {
        let after = query
            .cursor
            .as_ref()
            .map(QueueCursor::position)
            .transpose()?;
        let limit = query.limit.clamp(1, MAX_QUEUE_PAGE);
        let mut names = HashMap::from([("#qs".to_owned(), "queue_status".to_owned())]);
        for (i, a) in QUEUE_ATTRIBUTES.iter().enumerate() {
            names.insert(format!("#p{i}"), (*a).to_owned());
        }
        let projection: Vec<String> = (0..QUEUE_ATTRIBUTES.len())
            .map(|i| format!("#p{i}"))
            .collect();
        let mut values = HashMap::from([(":new".to_owned(), s(QUEUE_NEW))]);
        let mut condition = "#qs = :new".to_owned();
        if let Some(after) = &after {
            names.insert("#qk".to_owned(), "queue_sk".to_owned());
            values.insert(":after".to_owned(), s(queue_sk(after)));
            condition.push_str(" AND #qk > :after");
        }
        // Kind is a filter: DynamoDB applies it after reading, so pages may come back short
        // and the loop reads on until it has one entry more than the page (or the end).
        let filter = query.kind.map(|kind| {
            values.insert(":kind".to_owned(), s(kind.as_str()));
            "#p1 = :kind".to_owned()
        });
        let mut entries = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let page = self
                .client
                .query()
                .table_name(&self.tables.reports)
                .index_name("queue")
                .key_condition_expression(&condition)
                .set_filter_expression(filter.clone())
                .projection_expression(projection.join(", "))
                .set_expression_attribute_names(Some(names.clone()))
                .set_expression_attribute_values(Some(values.clone()))
                .set_exclusive_start_key(start.take())
                .limit(i32::try_from(limit + 1).unwrap_or(i32::MAX))
                .send()
                .await
                .map_err(|e| unavailable("reading the queue", e))?;
            for item in page.items.unwrap_or_default() {
                let q: QueueItem = dynamo::from_item("queue entry", item)?;
                entries.push(QueueEntry {
                    reference: q.reference,
                    kind: q.kind,
                    submitted_at: q.submitted_at,
                    signposts: q.signposts,
                });
            }
            match page.last_evaluated_key {
                Some(k) if entries.len() <= limit => start = Some(k),
                _ => break,
            }
        }
        Ok(QueuePage::from_over_fetched(entries, limit))
    }

    async fn record_assessment(
        &self,
        reference: &ReportReference,
        assessment: Assessment,
        audit_expires_at: Option<DateTime<Utc>>,
    ) -> Result<StoredReport, StoreError> {
        let audit = AuditRecord {
            at: assessment.assessed_at,
            operator: assessment.assessor.clone(),
            action: AuditAction::ReportAssessed,
            reference: Some(reference.clone()),
            expires_at: audit_expires_at,
        };
        let assessment_value = dynamo::to_value(
            "assessment",
            &AssessmentItem {
                outcome: assessment.outcome,
                notes: assessment.notes.as_ref().map(|n| n.as_str().to_owned()),
                assessor: assessment.assessor.clone(),
                assessed_at: assessment.assessed_at,
            },
        )?;
        for attempt in 0..WRITE_ATTEMPTS {
            let current = self
                .report_item(reference)
                .await?
                .ok_or(StoreError::NotFound)?;
            if current.status != ReportStatus::New {
                return Err(StoreError::NotNew {
                    current: current.status,
                });
            }
            // Read back before writing, so that an unreadable report is not assessed unseen.
            let mut stored = current.into_stored()?;
            // The change, conditional on the report still being new, and its audit record:
            // both or neither. Leaving the queue is removing the index attributes.
            let update = dynamo::built(
                Update::builder()
                    .table_name(&self.tables.reports)
                    .set_key(Some(key(report_pk(reference), REPORT_SK)))
                    .update_expression("SET #st = :assessed, #a = :a REMOVE #qs, #qk")
                    .condition_expression("attribute_exists(pk) AND #st = :new")
                    .expression_attribute_names("#st", "status")
                    .expression_attribute_names("#a", "assessment")
                    .expression_attribute_names("#qs", "queue_status")
                    .expression_attribute_names("#qk", "queue_sk")
                    .expression_attribute_values(":assessed", s(ReportStatus::Assessed.as_str()))
                    .expression_attribute_values(":new", s(ReportStatus::New.as_str()))
                    .expression_attribute_values(":a", assessment_value.clone())
                    .build(),
            )?;
            let result = self
                .client
                .transact_write_items()
                .transact_items(TransactWriteItem::builder().update(update).build())
                .transact_items(
                    TransactWriteItem::builder()
                        .put(self.put_audit(&audit)?)
                        .build(),
                )
                .send()
                .await;
            match result {
                Ok(_) => {
                    stored.status = ReportStatus::Assessed;
                    stored.assessment = Some(assessment);
                    return Ok(stored);
                }
                // Someone else assessed it first (the next read says so), or a transaction
                // on it was under way: read again and decide.
                Err(e) if dynamo::is_cancelled(&e) => {
                    if failed_conditions(&e).is_none_or(|f| f.first() != Some(&true)) {
                        dynamo::back_off(attempt).await;
                    }
                }
                Err(e) => return Err(unavailable("recording an assessment", e)),
            }
        }
        Err(AdapterError::Contended {
            context: "recording an assessment",
            attempts: WRITE_ATTEMPTS,
        }
        .into())
    }

    async fn append_audit(&self, record: AuditRecord) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.tables.audit)
            .set_item(Some(dynamo::to_item("audit", &AuditItem::new(&record))?))
            .condition_expression(APPEND_ONLY)
            .send()
            .await
            .map_err(|e| unavailable("appending an audit record", e))?;
        Ok(())
    }

    async fn audit_trail(
        &self,
        reference: &ReportReference,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let request = self
            .client
            .query()
            .table_name(&self.tables.audit)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(report_pk(reference)))
            .consistent_read(true);
        dynamo::query_pages(request, MAX_TRAIL, "reading an audit trail")
            .await?
            .into_iter()
            .map(|item| Ok(dynamo::from_item::<AuditItem>("audit", item)?.into()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index's sort key sorts exactly as the queue's order, [`QueuePosition`], does.
    #[test]
    fn the_queue_sort_key_sorts_as_the_queue_position_does() {
        let base = DateTime::from_timestamp(1_795_867_200, 0).unwrap_or_default();
        let mut positions = Vec::new();
        for signposts in [
            vec![],
            vec![Signpost::Emergency],
            vec![Signpost::ReportFraud],
        ] {
            for micros in [0, 1, 999_999, 86_400_000_000] {
                let at = base + chrono::Duration::microseconds(micros);
                positions.push(QueuePosition::new(
                    &ReportReference::new_random(),
                    at,
                    &signposts,
                ));
            }
        }
        let mut by_order = positions.clone();
        by_order.sort();
        let mut by_key = positions;
        by_key.sort_by_key(queue_sk);
        assert_eq!(by_key, by_order);
        assert_eq!(by_order[0].priority, QueuePriority::Emergency);
    }
}
