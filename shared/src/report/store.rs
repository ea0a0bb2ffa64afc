//! The storage port for online reports: taking a report once per idempotency key, reading it,
//! the assessment queue, recording an assessment, and the append-only audit log of operator
//! access. Adapters: [`MemoryReportStore`] (embedded, and the fake in tests) and
//! [`DynamoReportStore`].
//! Every adapter must pass the suite in [`contract`].

#[cfg(any(test, feature = "test-support"))]
pub mod contract;
mod dynamo;
mod memory;

pub use dynamo::{aws_actions, DynamoReportStore, ReportTables};
pub use memory::MemoryReportStore;

use super::error::FieldRule;
use super::model::{Report, ReportKind};
use super::receipt::Receipt;
use super::reference::ReportReference;
use super::signpost::Signpost;
use super::text::AssessmentNotes;
use crate::domain::OperatorId;
use async_trait::async_trait;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use std::fmt;

/// The client's `Idempotency-Key`: 1 to 128 characters of letters, digits, `-`, `_`, `.`, `:`
/// (a UUID fits).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("The Idempotency-Key must be 1 to 128 letters, digits, '-', '_', '.' or ':'")]
pub struct IdempotencyKeyError;

impl FieldRule for IdempotencyKeyError {
    fn code(&self) -> &'static str {
        "invalid_idempotency_key"
    }
}

impl IdempotencyKey {
    pub const MAX_LEN: usize = 128;

    pub fn parse(s: &str) -> Result<Self, IdempotencyKeyError> {
        let ok = !s.is_empty()
            && s.len() <= Self::MAX_LEN
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b));
        ok.then(|| Self(s.to_owned())).ok_or(IdempotencyKeyError)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// SHA-256 of the raw request body: "the same body" means the same bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct BodyHash([u8; 32]);

impl BodyHash {
    pub fn of(body: &[u8]) -> Self {
        Self(Sha256::digest(body).into())
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub fn from_hex(s: &str) -> Option<Self> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(s, &mut out).ok()?;
        Some(Self(out))
    }
}

impl fmt::Debug for BodyHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BodyHash({})", self.to_hex())
    }
}

/// The claim a submission makes on its idempotency key, until `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyClaim {
    pub key: IdempotencyKey,
    pub body_hash: BodyHash,
    pub expires_at: DateTime<Utc>,
}

/// A report to store, with everything decided before it is stored.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub reference: ReportReference,
    pub report: Report,
    pub signposts: Vec<Signpost>,
    /// The reply to the citizen, kept so that a retry gets exactly the same one.
    pub receipt: Receipt,
    pub submitted_at: DateTime<Utc>,
    /// The retention limit (the table's TTL attribute).
    pub expires_at: DateTime<Utc>,
    pub idempotency: Option<IdempotencyClaim>,
}

/// What `create` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Created {
    /// The report was stored.
    New(Receipt),
    /// An earlier submission with the same key and body was stored; this is its receipt.
    Replayed(Receipt),
}

impl Created {
    pub fn receipt(&self) -> &Receipt {
        match self {
            Created::New(r) | Created::Replayed(r) => r,
        }
    }
}

crate::report::model::choice!(
    /// Where a report is in assessment.
    ReportStatus {
        /// Waiting in the assessment queue.
        New => "new",
        Assessed => "assessed",
    }
);

crate::report::model::choice!(
    /// What the call handler decided.
    AssessmentOutcome {
        CrimeRecorded => "crimeRecorded",
        NoCrime => "noCrime",
        NeedsCallBack => "needsCallBack",
        ReferredElsewhere => "referredElsewhere",
    }
);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub outcome: AssessmentOutcome,
    pub notes: Option<AssessmentNotes>,
    /// Who assessed it: from their token, never from a request body.
    pub assessor: OperatorId,
    pub assessed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReport {
    pub reference: ReportReference,
    pub report: Report,
    pub signposts: Vec<Signpost>,
    pub status: ReportStatus,
    pub submitted_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub assessment: Option<Assessment>,
}

/// A line of the assessment queue: enough to pick a report, no personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueEntry {
    pub reference: ReportReference,
    pub kind: ReportKind,
    pub submitted_at: DateTime<Utc>,
    pub signposts: Vec<Signpost>,
}

/// Where a queue page left off: opaque to clients, meaningful only to the adapter that made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueCursor(String);

impl QueueCursor {
    /// Accepts what an adapter could have produced (URL-safe base64, bounded); whether it
    /// really did is the adapter's to say ([`StoreError::InvalidCursor`]).
    pub fn parse(s: &str) -> Option<Self> {
        let ok = !s.is_empty()
            && s.len() <= 1024
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then(|| Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For adapters: wraps what they encoded (which must itself pass [`QueueCursor::parse`]).
    pub fn from_adapter(s: String) -> Self {
        Self(s)
    }

    /// The cursor that continues the queue after `entry`: its place in the queue's order
    /// (priority rank, submission time in microseconds, reference), base64-encoded.
    pub fn after(entry: &QueueEntry) -> Self {
        let p = QueuePosition::of(entry);
        let raw = format!(
            "{}|{}|{}",
            p.priority.rank(),
            p.submitted_micros,
            p.reference
        );
        Self(URL_SAFE_NO_PAD.encode(raw))
    }

    /// The place in the queue this cursor continues after. Anything but what [`Self::after`]
    /// made (a known priority rank, a time not before 1970, a reference with a good check
    /// character) is [`StoreError::InvalidCursor`]: an altered cursor can only name another
    /// place in the same queue, never widen what is read.
    pub fn position(&self) -> Result<QueuePosition, StoreError> {
        let raw = URL_SAFE_NO_PAD
            .decode(self.as_str())
            .map_err(|_| StoreError::InvalidCursor)?;
        let raw = String::from_utf8(raw).map_err(|_| StoreError::InvalidCursor)?;
        let mut parts = raw.splitn(3, '|');
        let (Some(rank), Some(micros), Some(text)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(StoreError::InvalidCursor);
        };
        let priority = rank
            .parse()
            .ok()
            .and_then(QueuePriority::from_rank)
            .ok_or(StoreError::InvalidCursor)?;
        let submitted_micros: i64 = micros.parse().map_err(|_| StoreError::InvalidCursor)?;
        let reference = ReportReference::parse(text).map_err(|_| StoreError::InvalidCursor)?;
        // Only the canonical spelling: a reference read with forgiveness is not a cursor's.
        if submitted_micros < 0 || reference.as_str() != text {
            return Err(StoreError::InvalidCursor);
        }
        Ok(QueuePosition {
            priority,
            submitted_micros,
            reference,
        })
    }
}

/// Which reports wait first: those that got the 999 signpost (the text read like an
/// emergency), before all others however long those have waited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum QueuePriority {
    Emergency,
    Normal,
}

impl QueuePriority {
    const ALL: [QueuePriority; 2] = [QueuePriority::Emergency, QueuePriority::Normal];

    /// A report's priority, from the signposts it was given when it was taken.
    pub fn of(signposts: &[Signpost]) -> Self {
        if signposts.contains(&Signpost::Emergency) {
            Self::Emergency
        } else {
            Self::Normal
        }
    }

    /// A single digit that sorts as the priority does (0 first), for keys and cursors.
    pub fn rank(self) -> u8 {
        match self {
            Self::Emergency => 0,
            Self::Normal => 1,
        }
    }

    pub fn from_rank(rank: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.rank() == rank)
    }
}

/// A place in the assessment queue, and **the queue's order** (its `Ord`, field by field):
/// reports flagged as emergencies first, then oldest first, then by reference. Every adapter
/// orders the queue by this: the embedded store sorts by it, the DynamoDB store writes it as
/// the index's sort key, which sorts the same way.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct QueuePosition {
    pub priority: QueuePriority,
    pub submitted_micros: i64,
    pub reference: ReportReference,
}

impl QueuePosition {
    /// Where a report submitted at `submitted_at` with these signposts waits.
    pub fn new(
        reference: &ReportReference,
        submitted_at: DateTime<Utc>,
        signposts: &[Signpost],
    ) -> Self {
        Self {
            priority: QueuePriority::of(signposts),
            submitted_micros: submitted_at.timestamp_micros(),
            reference: reference.clone(),
        }
    }

    /// Where a queue entry is.
    pub fn of(entry: &QueueEntry) -> Self {
        Self::new(&entry.reference, entry.submitted_at, &entry.signposts)
    }
}

/// The most queue entries one page holds.
pub const MAX_QUEUE_PAGE: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueQuery {
    pub kind: Option<ReportKind>,
    /// 1 to [`MAX_QUEUE_PAGE`]; adapters clamp it.
    pub limit: usize,
    pub cursor: Option<QueueCursor>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuePage {
    /// In the queue's order ([`QueuePosition`]): flagged reports first, then oldest first.
    pub entries: Vec<QueueEntry>,
    /// Present when there may be more.
    pub next: Option<QueueCursor>,
}

impl QueuePage {
    /// A page from entries read one past `limit` (in the queue's order): the extra one says
    /// there is more, and the cursor points after the page's last entry.
    pub fn from_over_fetched(mut entries: Vec<QueueEntry>, limit: usize) -> Self {
        let more = entries.len() > limit;
        entries.truncate(limit);
        let next = if more {
            entries.last().map(QueueCursor::after)
        } else {
            None
        };
        Self { entries, next }
    }
}

crate::report::model::choice!(
    /// What an operator did.
    AuditAction {
        QueueListed => "queueListed",
        ReportViewed => "reportViewed",
        ReportAssessed => "reportAssessed",
    }
);

/// One line of the audit log: who did what to which report, and when. Never the content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub at: DateTime<Utc>,
    pub operator: OperatorId,
    pub action: AuditAction,
    /// `None` for an action on no single report (listing the queue).
    pub reference: Option<ReportReference>,
    /// When the record may be deleted (the audit table's TTL, to the second, rounded up):
    /// `None`, the default, keeps it for ever. Set from `AUDIT_RETENTION_DAYS`.
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the idempotency key was used with a different body")]
    IdempotencyConflict,
    #[error("the reference is already in use")]
    ReferenceTaken,
    #[error("no such report")]
    NotFound,
    #[error("the report is {current}, not new")]
    NotNew { current: ReportStatus },
    #[error("the queue cursor was not made by this store")]
    InvalidCursor,
    /// The store could not be reached or refused the request; a retry may succeed.
    #[error("the report store is unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A stored item could not be read back; retrying will not help.
    #[error("a stored report could not be read")]
    Corrupt(#[source] Box<dyn std::error::Error + Send + Sync>),
}

#[async_trait]
pub trait ReportStore: Send + Sync {
    /// Stores a new report. With an idempotency claim: if the key is held (and not expired) for
    /// the same body hash, nothing is stored and the first receipt is returned
    /// ([`Created::Replayed`]); for another body, [`StoreError::IdempotencyConflict`]. Of any
    /// number of concurrent calls with one key, exactly one stores a report.
    /// [`StoreError::ReferenceTaken`] if the reference exists (the caller draws another).
    async fn create(&self, report: NewReport) -> Result<Created, StoreError>;

    async fn get(&self, reference: &ReportReference) -> Result<Option<StoredReport>, StoreError>;

    /// New reports in the queue's order ([`QueuePosition`]: flagged as emergencies first, then
    /// by submission time, then reference), optionally of one kind.
    async fn queue(&self, query: &QueueQuery) -> Result<QueuePage, StoreError>;

    /// Records the assessment of a report that is still new, and in the same atomic step
    /// appends its `ReportAssessed` audit record (expiring at `audit_expires_at`, or kept for
    /// ever). [`StoreError::NotFound`], or [`StoreError::NotNew`] when it was assessed already
    /// (by anyone).
    async fn record_assessment(
        &self,
        reference: &ReportReference,
        assessment: Assessment,
        audit_expires_at: Option<DateTime<Utc>>,
    ) -> Result<StoredReport, StoreError>;

    /// Appends to the audit log; records are never changed or removed.
    async fn append_audit(&self, record: AuditRecord) -> Result<(), StoreError>;

    /// The audit records about one report, oldest first.
    async fn audit_trail(
        &self,
        reference: &ReportReference,
    ) -> Result<Vec<AuditRecord>, StoreError>;
}
