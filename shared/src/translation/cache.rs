//! The translation cache for bot answers and fixed texts (system messages, queue updates, the
//! 999 advice): translated once per language and version, so that a repeat costs no call.
//!
//! Only texts the service itself wrote belong here. Citizens' and operators' messages are
//! personal data and must go to the uncached translator.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use sha2::{Digest, Sha256};

use super::{BoxError, TranslateError, Translation, Translator};
use crate::domain::LanguageCode;

/// What a cached translation is filed under: a hash of the source text (never the text), both
/// languages, and the version of the fixed texts (bump it to retranslate everything, e.g. after
/// the FAQ changes or the provider improves).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CacheKey {
    text_sha256: String,
    from: LanguageCode,
    to: LanguageCode,
    version: u32,
}

impl CacheKey {
    pub fn new(text: &str, from: &LanguageCode, to: &LanguageCode, version: u32) -> Self {
        Self {
            text_sha256: hex::encode(Sha256::digest(text.as_bytes())),
            from: from.clone(),
            to: to.clone(),
            version,
        }
    }

    /// Lower-case hex SHA-256 of the source text.
    pub fn text_sha256(&self) -> &str {
        &self.text_sha256
    }

    pub fn from(&self) -> &LanguageCode {
        &self.from
    }

    pub fn to(&self) -> &LanguageCode {
        &self.to
    }

    pub fn version(&self) -> u32 {
        self.version
    }

    /// One string for a key-value store: `v3#en#pl#<sha256>`.
    pub fn storage_key(&self) -> String {
        format!(
            "v{}#{}#{}#{}",
            self.version, self.from, self.to, self.text_sha256
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("the translation cache is unavailable")]
    Unavailable(#[source] BoxError),
}

/// Stores translations of fixed texts. A DynamoDB adapter comes with the storage work.
#[async_trait]
pub trait TranslationCache: Send + Sync {
    async fn get(&self, key: &CacheKey) -> Result<Option<Translation>, CacheError>;
    async fn put(&self, key: &CacheKey, translation: &Translation) -> Result<(), CacheError>;
}

#[async_trait]
impl<C: TranslationCache + ?Sized> TranslationCache for std::sync::Arc<C> {
    async fn get(&self, key: &CacheKey) -> Result<Option<Translation>, CacheError> {
        (**self).get(key).await
    }

    async fn put(&self, key: &CacheKey, translation: &Translation) -> Result<(), CacheError> {
        (**self).put(key, translation).await
    }
}

/// A cache in a `HashMap`: for tests, the local gateway, and as a per-process layer.
#[derive(Debug, Default)]
pub struct InMemoryTranslationCache {
    entries: Mutex<HashMap<CacheKey, Translation>>,
}

impl InMemoryTranslationCache {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        lock(&self.entries).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A poisoned lock only means another thread panicked mid-insert; the map is still usable.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[async_trait]
impl TranslationCache for InMemoryTranslationCache {
    async fn get(&self, key: &CacheKey) -> Result<Option<Translation>, CacheError> {
        Ok(lock(&self.entries).get(key).cloned())
    }

    async fn put(&self, key: &CacheKey, translation: &Translation) -> Result<(), CacheError> {
        lock(&self.entries).insert(key.clone(), translation.clone());
        Ok(())
    }
}

/// A [`Translator`] that asks the cache first and fills it after a call. A failing cache never
/// fails a translation: it is logged (without text) and the provider is asked.
pub struct CachedTranslator<T, C> {
    inner: T,
    cache: C,
    version: u32,
}

impl<T: Translator, C: TranslationCache> CachedTranslator<T, C> {
    /// `version` is the version of the fixed texts; see [`CacheKey`].
    pub fn new(inner: T, cache: C, version: u32) -> Self {
        Self {
            inner,
            cache,
            version,
        }
    }

    pub fn inner(&self) -> &T {
        &self.inner
    }

    pub fn cache(&self) -> &C {
        &self.cache
    }
}

#[async_trait]
impl<T: Translator, C: TranslationCache> Translator for CachedTranslator<T, C> {
    async fn translate(
        &self,
        text: &str,
        from: &LanguageCode,
        to: &LanguageCode,
    ) -> Result<Translation, TranslateError> {
        let key = CacheKey::new(text, from, to, self.version);
        match self.cache.get(&key).await {
            Ok(Some(hit)) => return Ok(hit),
            Ok(None) => {}
            Err(err) => tracing::warn!(error = %err, "translation cache read failed"),
        }
        let translation = self.inner.translate(text, from, to).await?;
        // Same-language answers cost nothing and are not worth a write.
        if translation.provider.is_some() {
            if let Err(err) = self.cache.put(&key, &translation).await {
                tracing::warn!(error = %err, "translation cache write failed");
            }
        }
        Ok(translation)
    }
}

/// What every [`TranslationCache`] adapter must do; the DynamoDB adapter runs it too (from
/// the tests crate, against moto, with the feature `test-support`).
#[cfg(any(test, feature = "test-support"))]
pub async fn translation_cache_contract<C: TranslationCache>(cache: C) {
    use crate::translation::Provider;
    let code = |s: &str| LanguageCode::parse(s).unwrap();
    let key = CacheKey::new(
        "If you are in danger, call 999.",
        &code("en"),
        &code("pl"),
        1,
    );
    let other_version = CacheKey::new(
        "If you are in danger, call 999.",
        &code("en"),
        &code("pl"),
        2,
    );
    let translation = Translation {
        text: "Jeśli grozi ci niebezpieczeństwo, zadzwoń pod 999.".to_owned(),
        provider: Some(Provider::AmazonTranslate),
    };

    assert_eq!(cache.get(&key).await.unwrap(), None, "empty at first");
    cache.put(&key, &translation).await.unwrap();
    assert_eq!(cache.get(&key).await.unwrap(), Some(translation.clone()));
    assert_eq!(
        cache.get(&other_version).await.unwrap(),
        None,
        "versions are apart"
    );

    let replacement = Translation {
        text: "Zadzwoń pod 999.".to_owned(),
        provider: Some(Provider::GoogleTranslate),
    };
    cache.put(&key, &replacement).await.unwrap();
    assert_eq!(
        cache.get(&key).await.unwrap(),
        Some(replacement),
        "a put replaces"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translation::{OfflineFailure, OfflineTranslator, RoutingTranslator};

    #[tokio::test]
    async fn the_in_memory_cache_meets_the_contract() {
        translation_cache_contract(InMemoryTranslationCache::new()).await;
    }
    use std::sync::Arc;

    fn code(s: &str) -> LanguageCode {
        LanguageCode::parse(s).unwrap()
    }

    struct BrokenCache;

    #[async_trait]
    impl TranslationCache for BrokenCache {
        async fn get(&self, _: &CacheKey) -> Result<Option<Translation>, CacheError> {
            Err(CacheError::Unavailable("down".into()))
        }
        async fn put(&self, _: &CacheKey, _: &Translation) -> Result<(), CacheError> {
            Err(CacheError::Unavailable("down".into()))
        }
    }

    #[tokio::test]
    async fn a_second_identical_call_makes_no_provider_call() {
        let provider = Arc::new(OfflineTranslator::new());
        let cached = CachedTranslator::new(provider.clone(), InMemoryTranslationCache::new(), 1);
        let advice = "If you are in danger now, call 999.";

        let first = cached
            .translate(advice, &code("en"), &code("pl"))
            .await
            .unwrap();
        let second = cached
            .translate(advice, &code("en"), &code("pl"))
            .await
            .unwrap();

        assert_eq!(first, second);
        assert_eq!(provider.calls(), 1);
    }

    #[tokio::test]
    async fn another_language_text_or_version_is_a_new_entry() {
        let provider = Arc::new(OfflineTranslator::new());
        let cache = Arc::new(InMemoryTranslationCache::new());
        let v1 = CachedTranslator::new(provider.clone(), cache.clone(), 1);
        let v2 = CachedTranslator::new(provider.clone(), cache.clone(), 2);

        v1.translate("Hello", &code("en"), &code("pl"))
            .await
            .unwrap();
        v1.translate("Hello", &code("en"), &code("ar"))
            .await
            .unwrap();
        v1.translate("Hello!", &code("en"), &code("pl"))
            .await
            .unwrap();
        v2.translate("Hello", &code("en"), &code("pl"))
            .await
            .unwrap();

        assert_eq!(provider.calls(), 4);
        assert_eq!(cache.len(), 4);
    }

    #[tokio::test]
    async fn failures_are_not_cached() {
        let provider = Arc::new(OfflineTranslator::failing(OfflineFailure::Unavailable));
        let cached = CachedTranslator::new(provider.clone(), InMemoryTranslationCache::new(), 1);

        assert!(cached
            .translate("Hi", &code("en"), &code("pl"))
            .await
            .is_err());
        provider.fail_with(None);
        assert!(cached
            .translate("Hi", &code("en"), &code("pl"))
            .await
            .is_ok());
        assert!(cached
            .translate("Hi", &code("en"), &code("pl"))
            .await
            .is_ok());

        assert_eq!(provider.calls(), 2);
    }

    #[tokio::test]
    async fn same_language_answers_make_no_call_and_no_entry() {
        let provider = Arc::new(OfflineTranslator::new());
        let router = RoutingTranslator::new(provider.clone(), provider.clone());
        let cached = CachedTranslator::new(router, InMemoryTranslationCache::new(), 1);

        let t = cached
            .translate("Hi", &code("en"), &code("en-GB"))
            .await
            .unwrap();

        assert_eq!(t, Translation::unchanged("Hi"));
        assert_eq!(provider.calls(), 0);
        assert!(cached.cache().is_empty());
    }

    #[tokio::test]
    async fn a_broken_cache_still_translates() {
        let provider = Arc::new(OfflineTranslator::new());
        let cached = CachedTranslator::new(provider.clone(), BrokenCache, 1);

        assert!(cached
            .translate("Hi", &code("en"), &code("pl"))
            .await
            .is_ok());
        assert_eq!(provider.calls(), 1);
    }

    #[test]
    fn the_key_holds_a_hash_never_the_text() {
        let key = CacheKey::new("my address is 1 High St", &code("en"), &code("pl"), 3);
        let stored = key.storage_key();
        assert!(stored.starts_with("v3#en#pl#"));
        assert!(!stored.contains("High"));
        assert_eq!(key.text_sha256().len(), 64);
    }
}
