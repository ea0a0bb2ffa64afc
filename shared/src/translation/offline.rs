//! The offline stand-in for the local gateway: no network, no credentials, and output that no
//! one could mistake for a translation (`[pl ← en, not translated] original text`). It can be
//! told to fail, to exercise the "translation unavailable" path, and it counts its calls.

use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};

use async_trait::async_trait;

use super::{Provider, TranslateError, Translation, Translator};
use crate::domain::LanguageCode;

/// How the stand-in fails when told to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfflineFailure {
    /// A retryable outage ([`TranslateError::Unavailable`]).
    Unavailable,
    /// A permanent refusal ([`TranslateError::Rejected`]).
    Rejected,
}

/// The error the stand-in gives as the cause when told to fail.
#[derive(Debug, thiserror::Error)]
#[error("the offline stand-in was told to fail")]
struct ToldToFail;

#[derive(Debug, Default)]
pub struct OfflineTranslator {
    /// 0: succeed, 1: unavailable, 2: rejected.
    failure: AtomicU8,
    calls: AtomicUsize,
}

impl OfflineTranslator {
    pub fn new() -> Self {
        Self::default()
    }

    /// A stand-in that fails every call this way until told otherwise.
    pub fn failing(failure: OfflineFailure) -> Self {
        let translator = Self::new();
        translator.fail_with(Some(failure));
        translator
    }

    /// `Some` makes every later call fail this way; `None` makes calls succeed again.
    pub fn fail_with(&self, failure: Option<OfflineFailure>) {
        let value = match failure {
            None => 0,
            Some(OfflineFailure::Unavailable) => 1,
            Some(OfflineFailure::Rejected) => 2,
        };
        self.failure.store(value, Ordering::SeqCst);
    }

    /// Calls so far, failed ones included: what a real provider would have been asked.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl Translator for OfflineTranslator {
    async fn translate(
        &self,
        text: &str,
        from: &LanguageCode,
        to: &LanguageCode,
    ) -> Result<Translation, TranslateError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let provider = Provider::Offline;
        match self.failure.load(Ordering::SeqCst) {
            1 => Err(TranslateError::Unavailable {
                provider,
                source: Box::new(ToldToFail),
            }),
            2 => Err(TranslateError::Rejected {
                provider,
                source: Box::new(ToldToFail),
            }),
            _ => Ok(Translation {
                text: format!("[{to} ← {from}, not translated] {text}"),
                provider: Some(provider),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> LanguageCode {
        LanguageCode::parse(s).unwrap()
    }

    #[tokio::test]
    async fn output_says_plainly_that_it_was_not_translated() {
        let offline = OfflineTranslator::new();
        let t = offline
            .translate("Someone stole my bike", &code("en"), &code("pl"))
            .await
            .unwrap();
        assert_eq!(t.text, "[pl ← en, not translated] Someone stole my bike");
        assert_eq!(t.provider, Some(Provider::Offline));
        assert!(!t.is_machine_translation());
    }

    #[tokio::test]
    async fn can_be_told_to_fail_and_to_recover() {
        let offline = OfflineTranslator::failing(OfflineFailure::Unavailable);
        let err = offline
            .translate("x", &code("en"), &code("pl"))
            .await
            .unwrap_err();
        assert!(err.is_retryable());

        offline.fail_with(Some(OfflineFailure::Rejected));
        let err = offline
            .translate("x", &code("en"), &code("pl"))
            .await
            .unwrap_err();
        assert!(matches!(err, TranslateError::Rejected { .. }));

        offline.fail_with(None);
        assert!(offline
            .translate("x", &code("en"), &code("pl"))
            .await
            .is_ok());
        assert_eq!(offline.calls(), 3);
    }
}
