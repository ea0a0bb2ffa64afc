//! The table definitions: one source for the DynamoDB adapter, the local gateway (which
//! creates the tables on a DynamoDB-compatible server) and the check of the CloudFormation
//! template (`infra/template.yaml`), so the three cannot drift apart.

use super::StoreError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, StreamSpecification, StreamViewType,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Index {
    pub name: &'static str,
    pub partition_key: &'static str,
    pub sort_key: Option<&'static str>,
}

/// One table. Every key attribute is a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableDef {
    /// The resource's logical id in the template.
    pub logical_id: &'static str,
    /// The environment variable that gives a function the table's name.
    pub env_var: &'static str,
    pub partition_key: &'static str,
    pub sort_key: Option<&'static str>,
    pub indexes: &'static [Index],
    pub ttl_attribute: Option<&'static str>,
    /// Whether the table streams new and old images (the message pipeline).
    pub stream: bool,
}

/// Chats, their messages, their idempotency markers. Streams feed `translate` and `faq-reply`.
pub const CHATS: TableDef = TableDef {
    logical_id: "ChatsTable",
    env_var: "CHATS_TABLE",
    partition_key: "pk",
    sort_key: Some("sk"),
    indexes: &[
        // Sparse: only waiting chats carry `queue_sk` ("{priority}#{since_ms}#{chat}").
        Index {
            name: "queue",
            partition_key: "force",
            sort_key: Some("queue_sk"),
        },
        // Sparse: only active chats carry `active_operator`.
        Index {
            name: "operator",
            partition_key: "active_operator",
            sort_key: None,
        },
        // Sparse: only messages with a translation to retry carry `translation_retry`.
        Index {
            name: "translation_retry",
            partition_key: "translation_retry",
            sort_key: None,
        },
    ],
    ttl_attribute: Some("expires_at"),
    stream: true,
};

/// Open sockets. Only operators' items carry `online_role`, so the index lists operators online.
pub const CONNECTIONS: TableDef = TableDef {
    logical_id: "ConnectionsTable",
    env_var: "CONNECTIONS_TABLE",
    partition_key: "pk",
    sort_key: None,
    indexes: &[Index {
        name: "online",
        partition_key: "online_role",
        sort_key: Some("operator_id"),
    }],
    ttl_attribute: Some("expires_at"),
    stream: false,
};

/// Translations of the texts the service wrote (bot answers, fixed texts), one item per text,
/// language pair and version (`pk` = `CacheKey::storage_key()`). A table of its own rather
/// than a key prefix in `chats`: it holds no personal data and outlives every chat (its own
/// retention, by TTL), it must not wake the chats stream's consumers on every write, and only
/// the translate function may read or write it (its own IAM scope).
pub const TRANSLATION_CACHE: TableDef = TableDef {
    logical_id: "TranslationCacheTable",
    env_var: "TRANSLATION_CACHE_TABLE",
    partition_key: "pk",
    sort_key: None,
    indexes: &[],
    ttl_attribute: Some("expires_at"),
    stream: false,
};

/// Online reports and their idempotency keys (see `docs/reports.md`, "Storage"). Reports are
/// `REPORT#{reference}` / `REPORT`; a held `Idempotency-Key` is `IDEMPOTENCY#{key}` /
/// `IDEMPOTENCY`, written in the same transaction as its report.
pub const REPORTS: TableDef = TableDef {
    logical_id: "ReportsTable",
    env_var: "REPORTS_TABLE",
    partition_key: "pk",
    sort_key: Some("sk"),
    // Sparse: only reports waiting for assessment carry `queue_status` ("new") and `queue_sk`
    // ("{submitted_micros:020}#{reference}"), so the index is exactly the assessment queue,
    // oldest first; the kind is a filter on it.
    indexes: &[Index {
        name: "queue",
        partition_key: "queue_status",
        sort_key: Some("queue_sk"),
    }],
    // Reports at the end of their retention; idempotency items at the end of their window.
    ttl_attribute: Some("expires_at"),
    stream: false,
};

/// The append-only audit log of operator access (who, what, which report, when; never the
/// content), apart from the data it audits so that IAM can grant only `PutItem` and `Query` on
/// it, and so that its retention is its own. `pk` is the subject (`REPORT#{reference}`, or
/// `QUEUE#{day}` for listings), `sk` is `{at_micros:020}#{unique id}`.
pub const AUDIT: TableDef = TableDef {
    logical_id: "AuditTable",
    env_var: "AUDIT_TABLE",
    partition_key: "pk",
    sort_key: Some("sk"),
    indexes: &[],
    // The force decides the retention (`AuditRetentionDays`): with it, each record carries
    // `expires_at`; without, none does, and TTL deletes nothing.
    ttl_attribute: Some("expires_at"),
    stream: false,
};

pub const ALL: &[TableDef] = &[CHATS, CONNECTIONS, TRANSLATION_CACHE, REPORTS, AUDIT];

fn key(name: &str, kind: KeyType) -> Result<KeySchemaElement, StoreError> {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(kind)
        .build()
        .map_err(|e| StoreError::unavailable("building a key schema", e))
}

fn keys(pk: &str, sk: Option<&str>) -> Result<Vec<KeySchemaElement>, StoreError> {
    let mut out = vec![key(pk, KeyType::Hash)?];
    if let Some(sk) = sk {
        out.push(key(sk, KeyType::Range)?);
    }
    Ok(out)
}

impl TableDef {
    /// Every attribute used in a key of the table or its indexes.
    pub fn key_attributes(&self) -> Vec<&'static str> {
        let mut all = vec![self.partition_key];
        all.extend(self.sort_key);
        for i in self.indexes {
            all.push(i.partition_key);
            all.extend(i.sort_key);
        }
        let mut seen = Vec::new();
        for a in all {
            if !seen.contains(&a) {
                seen.push(a);
            }
        }
        seen
    }

    /// Creates the table (on-demand billing, as in the template) and turns on its TTL.
    pub async fn create(
        &self,
        client: &aws_sdk_dynamodb::Client,
        name: &str,
    ) -> Result<(), StoreError> {
        let mut req = client
            .create_table()
            .table_name(name)
            .billing_mode(BillingMode::PayPerRequest)
            .set_key_schema(Some(keys(self.partition_key, self.sort_key)?));
        for a in self.key_attributes() {
            req = req.attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name(a)
                    .attribute_type(ScalarAttributeType::S)
                    .build()
                    .map_err(|e| StoreError::unavailable("building an attribute", e))?,
            );
        }
        for i in self.indexes {
            req = req.global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name(i.name)
                    .set_key_schema(Some(keys(i.partition_key, i.sort_key)?))
                    .projection(
                        Projection::builder()
                            .projection_type(ProjectionType::All)
                            .build(),
                    )
                    .build()
                    .map_err(|e| StoreError::unavailable("building an index", e))?,
            );
        }
        if self.stream {
            req = req.stream_specification(
                StreamSpecification::builder()
                    .stream_enabled(true)
                    .stream_view_type(StreamViewType::NewAndOldImages)
                    .build()
                    .map_err(|e| StoreError::unavailable("building a stream spec", e))?,
            );
        }
        req.send()
            .await
            .map_err(|e| StoreError::unavailable("creating a table", e))?;
        if let Some(ttl) = self.ttl_attribute {
            client
                .update_time_to_live()
                .table_name(name)
                .time_to_live_specification(
                    aws_sdk_dynamodb::types::TimeToLiveSpecification::builder()
                        .attribute_name(ttl)
                        .enabled(true)
                        .build()
                        .map_err(|e| StoreError::unavailable("building a TTL spec", e))?,
                )
                .send()
                .await
                .map_err(|e| StoreError::unavailable("enabling TTL", e))?;
        }
        Ok(())
    }
}

/// Creates each table that does not exist yet on the server (the local gateway and tests; in
/// AWS the template creates them).
pub async fn create_missing(
    client: &aws_sdk_dynamodb::Client,
    tables: &[(TableDef, &str)],
) -> Result<(), StoreError> {
    let existing = client
        .list_tables()
        .send()
        .await
        .map_err(|e| StoreError::unavailable("listing tables", e))?
        .table_names
        .unwrap_or_default();
    for (def, name) in tables {
        if !existing.iter().any(|e| e == name) {
            def.create(client, name).await?;
        }
    }
    Ok(())
}
