//! Translation: the `Translator` port, its providers (Amazon Translate, Google Cloud Translation,
//! an offline stand-in), routing by the one language table, caching, and language detection.
//!
//! Everything a function needs is re-exported here; the adapters keep their SDK and HTTP types
//! to themselves, so a caller only ever sees [`Translation`] and [`TranslateError`]. The Google
//! adapter needs the `google-translate` feature (it brings `reqwest`).

mod amazon;
mod cache;
mod chunk;
mod detect;
#[cfg(feature = "google-translate")]
mod google;
#[cfg(feature = "google-translate")]
mod google_key;
mod offline;
mod request;
mod routing;
mod strings;

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::domain::LanguageCode;

/// The AWS actions the adapters call, declared at the top of each one's file.
pub use amazon::AWS_ACTIONS as AMAZON_AWS_ACTIONS;
pub use amazon::{amazon_translate_client, AmazonTranslateConfig, AmazonTranslator};
pub use cache::{
    CacheError, CacheKey, CachedTranslator, InMemoryTranslationCache, TranslationCache,
};
// The language table, the chat's language and its rules are the domain's
// (`crate::domain::languages`, `crate::domain::chat_language`): named here too, where the
// translation code and its callers have always found them.
pub use crate::domain::{
    language_info, language_list_json, supported_languages, ChatLanguage, Detection, Direction,
    LanguageDecision, LanguageDetector, LanguageInfo, LanguageSource, Provider,
    UnsupportedLanguage,
};
pub use chunk::split_for_requests;
pub use detect::ChatLanguagePolicy;
#[cfg(feature = "google-translate")]
pub use google_key::AWS_ACTIONS as GOOGLE_KEY_AWS_ACTIONS;

/// For other crates' tests (feature `test-support`): the contract every cache adapter meets.
#[cfg(any(test, feature = "test-support"))]
pub mod testing {
    pub use super::cache::translation_cache_contract;
}
pub use detect::WhatlangDetector;
#[cfg(feature = "google-translate")]
pub use google::{ApiKey, GoogleTranslateConfig, GoogleTranslator};
#[cfg(feature = "google-translate")]
pub use google_key::{GoogleWithKeyParameter, KeyParameter};
pub use offline::{OfflineFailure, OfflineTranslator};
pub use request::RetryPolicy;
pub use routing::{Route, RoutingTranslator};
pub use strings::{translate_strings, StringsError, WidgetStrings};

/// Any error kept as the cause of a [`TranslateError`] or [`CacheError`]: the adapters box
/// their SDK and HTTP errors so that the cause chain survives without the types leaking.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Turns text in one language into another. Implementations never log the text.
#[async_trait]
pub trait Translator: Send + Sync {
    /// Translates `text` from `from` into `to`. Text of any length is accepted: adapters split
    /// it to fit their provider's request limit and join the parts in order.
    async fn translate(
        &self,
        text: &str,
        from: &LanguageCode,
        to: &LanguageCode,
    ) -> Result<Translation, TranslateError>;
}

#[async_trait]
impl<T: Translator + ?Sized> Translator for Arc<T> {
    async fn translate(
        &self,
        text: &str,
        from: &LanguageCode,
        to: &LanguageCode,
    ) -> Result<Translation, TranslateError> {
        (**self).translate(text, from, to).await
    }
}

#[async_trait]
impl<T: Translator + ?Sized> Translator for Box<T> {
    async fn translate(
        &self,
        text: &str,
        from: &LanguageCode,
        to: &LanguageCode,
    ) -> Result<Translation, TranslateError> {
        (**self).translate(text, from, to).await
    }
}

/// A translated text and who produced it, so that the operator's view can say "machine
/// translated by ..." or "not translated".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Translation {
    pub text: String,
    /// `None` when no translation was needed (both sides share a language): the text is the
    /// original.
    pub provider: Option<Provider>,
}

impl Translation {
    /// The original text, returned as is because both sides share a language.
    pub fn unchanged(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            provider: None,
        }
    }

    /// True when a real translation service produced the text (the mark "machine translated").
    pub fn is_machine_translation(&self) -> bool {
        self.provider.is_some_and(Provider::is_machine_translation)
    }
}

/// Why a translation failed. [`is_retryable`](Self::is_retryable) separates what may work on a
/// later try (throttling, an outage) from what never will (an unsupported pair, bad config).
/// No variant carries the text being translated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TranslateError {
    #[error("{provider} is throttling requests")]
    Throttled {
        provider: Provider,
        #[source]
        source: BoxError,
    },
    #[error("{provider} is unavailable")]
    Unavailable {
        provider: Provider,
        #[source]
        source: BoxError,
    },
    #[error("no provider translates {from} to {to}")]
    UnsupportedPair {
        from: LanguageCode,
        to: LanguageCode,
        #[source]
        source: Option<BoxError>,
    },
    #[error("{provider} refused text of {bytes} bytes as too long")]
    TextTooLong {
        provider: Provider,
        bytes: usize,
        #[source]
        source: BoxError,
    },
    #[error("{provider} rejected the request")]
    Rejected {
        provider: Provider,
        #[source]
        source: BoxError,
    },
    #[error("{provider} is not configured correctly")]
    Misconfigured {
        provider: Provider,
        #[source]
        source: BoxError,
    },
}

impl TranslateError {
    /// Throttling and outages may pass; everything else fails the same way every time.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Throttled { .. } | Self::Unavailable { .. })
    }
}

/// What the translate function translates with: people's words go to the provider uncached
/// (they are personal data); the texts the service wrote (bot answers, fixed texts) go through
/// the cache, so a repeat costs no call.
#[derive(Clone)]
pub struct Translators {
    /// Citizens' and operators' messages: never cached.
    pub words: Arc<dyn Translator>,
    /// Bot answers and system texts: cached per language pair and version.
    pub fixed_texts: Arc<dyn Translator>,
}

impl Translators {
    /// `provider` serves both (normally a [`RoutingTranslator`]); the fixed texts go through
    /// `cache` first, filed under `cache_version` (bump it when the texts change).
    pub fn new(
        provider: Arc<dyn Translator>,
        cache: Arc<dyn TranslationCache>,
        cache_version: u32,
    ) -> Self {
        Self {
            words: provider.clone(),
            fixed_texts: Arc::new(CachedTranslator::new(provider, cache, cache_version)),
        }
    }

    /// The translator for a message from this sender.
    pub fn for_sender(&self, sender: &crate::domain::Sender) -> &dyn Translator {
        use crate::domain::Sender;
        match sender {
            Sender::Citizen | Sender::Operator { .. } => self.words.as_ref(),
            Sender::Bot | Sender::System => self.fixed_texts.as_ref(),
        }
    }
}

/// A provider that is not configured (e.g. no Google API key): every call fails as
/// `Misconfigured`, so its languages take the "translation unavailable" path instead of the
/// function failing to start.
#[derive(Debug, Clone, Copy)]
pub struct UnconfiguredTranslator(pub Provider);

#[derive(Debug, thiserror::Error)]
#[error("no credentials are configured for this provider")]
struct NotConfigured;

#[async_trait]
impl Translator for UnconfiguredTranslator {
    async fn translate(
        &self,
        _text: &str,
        _from: &LanguageCode,
        _to: &LanguageCode,
    ) -> Result<Translation, TranslateError> {
        Err(TranslateError::Misconfigured {
            provider: self.0,
            source: Box::new(NotConfigured),
        })
    }
}
