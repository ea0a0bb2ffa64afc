//! The embedded report store: everything in one mutex-guarded map, so every operation is
//! atomic. It is the local gateway's default store and the fake in tests. It keeps no history
//! across restarts, and does not delete at `expires_at` (DynamoDB's TTL does that).

use super::*;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

#[derive(Debug)]
struct Claim {
    body_hash: BodyHash,
    receipt: Receipt,
    expires_at: DateTime<Utc>,
}

#[derive(Debug, Default)]
struct State {
    reports: HashMap<ReportReference, StoredReport>,
    claims: HashMap<IdempotencyKey, Claim>,
    audit: Vec<AuditRecord>,
}

#[derive(Debug, Default)]
pub struct MemoryReportStore {
    state: Mutex<State>,
}

impl MemoryReportStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state is consistent after every statement, so a panic elsewhere cannot leave it
        // half-changed: carry on with it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How many reports are stored (for tests).
    pub fn report_count(&self) -> usize {
        self.lock().reports.len()
    }

    /// The whole audit log, oldest first (for tests and the local gateway).
    pub fn audit_log(&self) -> Vec<AuditRecord> {
        self.lock().audit.clone()
    }
}

#[async_trait]
impl ReportStore for MemoryReportStore {
    async fn create(&self, new: NewReport) -> Result<Created, StoreError> {
        let mut state = self.lock();
        if let Some(claim) = &new.idempotency {
            if let Some(held) = state.claims.get(&claim.key) {
                if held.expires_at > new.submitted_at {
                    return if held.body_hash == claim.body_hash {
                        Ok(Created::Replayed(held.receipt.clone()))
                    } else {
                        Err(StoreError::IdempotencyConflict)
                    };
                }
            }
        }
        if state.reports.contains_key(&new.reference) {
            return Err(StoreError::ReferenceTaken);
        }
        if let Some(claim) = new.idempotency {
            state.claims.insert(
                claim.key,
                Claim {
                    body_hash: claim.body_hash,
                    receipt: new.receipt.clone(),
                    expires_at: claim.expires_at,
                },
            );
        }
        state.reports.insert(
            new.reference.clone(),
            StoredReport {
                reference: new.reference,
                report: new.report,
                signposts: new.signposts,
                status: ReportStatus::New,
                submitted_at: new.submitted_at,
                expires_at: new.expires_at,
                assessment: None,
            },
        );
        Ok(Created::New(new.receipt))
    }

    async fn get(&self, reference: &ReportReference) -> Result<Option<StoredReport>, StoreError> {
        Ok(self.lock().reports.get(reference).cloned())
    }

    async fn queue(&self, query: &QueueQuery) -> Result<QueuePage, StoreError> {
        let after = query
            .cursor
            .as_ref()
            .map(QueueCursor::position)
            .transpose()?;
        let limit = query.limit.clamp(1, MAX_QUEUE_PAGE);
        let state = self.lock();
        let mut entries: Vec<(QueuePosition, QueueEntry)> = state
            .reports
            .values()
            .filter(|r| r.status == ReportStatus::New)
            .filter(|r| query.kind.is_none_or(|k| r.report.kind() == k))
            .map(|r| QueueEntry {
                reference: r.reference.clone(),
                kind: r.report.kind(),
                submitted_at: r.submitted_at,
                signposts: r.signposts.clone(),
            })
            .map(|e| (QueuePosition::of(&e), e))
            .filter(|(position, _)| after.as_ref().is_none_or(|after| position > after))
            .collect();
        drop(state);
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let entries = entries.into_iter().map(|(_, e)| e).collect();
        Ok(QueuePage::from_over_fetched(entries, limit))
    }

    async fn record_assessment(
        &self,
        reference: &ReportReference,
        assessment: Assessment,
        audit_expires_at: Option<DateTime<Utc>>,
    ) -> Result<StoredReport, StoreError> {
        let mut state = self.lock();
        let report = state
            .reports
            .get_mut(reference)
            .ok_or(StoreError::NotFound)?;
        if report.status != ReportStatus::New {
            return Err(StoreError::NotNew {
                current: report.status,
            });
        }
        let record = AuditRecord {
            at: assessment.assessed_at,
            operator: assessment.assessor.clone(),
            action: AuditAction::ReportAssessed,
            reference: Some(reference.clone()),
            expires_at: audit_expires_at,
        };
        report.status = ReportStatus::Assessed;
        report.assessment = Some(assessment);
        let updated = report.clone();
        state.audit.push(record);
        Ok(updated)
    }

    async fn append_audit(&self, record: AuditRecord) -> Result<(), StoreError> {
        self.lock().audit.push(record);
        Ok(())
    }

    async fn audit_trail(
        &self,
        reference: &ReportReference,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        Ok(self
            .lock()
            .audit
            .iter()
            .filter(|r| r.reference.as_ref() == Some(reference))
            .cloned()
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test]
    async fn the_memory_store_passes_the_report_store_contract() {
        super::super::contract::check_all(|| async {
            Arc::new(MemoryReportStore::new()) as Arc<dyn ReportStore>
        })
        .await;
    }

    #[tokio::test]
    async fn a_cursor_from_elsewhere_is_refused() {
        let store = MemoryReportStore::new();
        let query = QueueQuery {
            kind: None,
            limit: 10,
            cursor: QueueCursor::parse("bm9uc2Vuc2U"),
        };
        assert!(matches!(
            store.queue(&query).await,
            Err(StoreError::InvalidCursor)
        ));
    }
}
