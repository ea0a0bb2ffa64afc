//! The DynamoDB adapter of the translation cache (bot answers and fixed texts): one item per
//! text, language pair and version in the `TRANSLATION_CACHE` table. No SDK type leaves it.

/// The AWS actions of this adapter (see `dynamo::aws_actions`).
pub mod aws_actions {
    pub const TRANSLATION_CACHE: &[&str] = &[
        "dynamodb:GetItem TranslationCacheTable",
        "dynamodb:PutItem TranslationCacheTable",
    ];
}

use crate::translation::{CacheError, CacheKey, Provider, Translation, TranslationCache};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::Duration;

/// How long an entry is kept by default: long enough that a fixed text is translated about
/// once a quarter per language, short enough that old versions go by themselves (TTL).
pub const DEFAULT_CACHE_RETENTION: Duration = Duration::from_secs(90 * 86_400);

#[derive(Debug, Serialize, Deserialize)]
struct CacheItem {
    /// `CacheKey::storage_key()`: version, languages and a hash of the text, never the text.
    pk: String,
    /// The translation (of a text the service wrote: no personal data).
    text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    provider: Option<Provider>,
    expires_at: i64,
}

pub struct DynamoTranslationCache {
    client: Client,
    table: String,
    retention: Duration,
}

impl DynamoTranslationCache {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self::with_retention(client, table, DEFAULT_CACHE_RETENTION)
    }

    pub fn with_retention(client: Client, table: impl Into<String>, retention: Duration) -> Self {
        Self {
            client,
            table: table.into(),
            retention,
        }
    }
}

fn unavailable(e: impl std::error::Error + Send + Sync + 'static) -> CacheError {
    CacheError::Unavailable(Box::new(e))
}

#[async_trait]
impl TranslationCache for DynamoTranslationCache {
    async fn get(&self, key: &CacheKey) -> Result<Option<Translation>, CacheError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", AttributeValue::S(key.storage_key()))
            .send()
            .await
            .map_err(unavailable)?;
        let Some(item) = out.item else {
            return Ok(None);
        };
        let item: CacheItem = serde_dynamo::from_item(item).map_err(unavailable)?;
        Ok(Some(Translation {
            text: item.text,
            provider: item.provider,
        }))
    }

    async fn put(&self, key: &CacheKey, translation: &Translation) -> Result<(), CacheError> {
        let expires_at = crate::domain::now_ms() / 1000
            + i64::try_from(self.retention.as_secs()).unwrap_or(i64::MAX / 2);
        let item = CacheItem {
            pk: key.storage_key(),
            text: translation.text.clone(),
            provider: translation.provider,
            expires_at,
        };
        let item: HashMap<String, AttributeValue> =
            serde_dynamo::to_item(item).map_err(unavailable)?;
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}
