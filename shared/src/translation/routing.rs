//! Routing by language: each pair goes to the provider the language table names, with the
//! table's canonical codes; a pair in one language is returned as is, with no call at all.

use std::sync::Arc;

use async_trait::async_trait;

use super::{language_info, LanguageInfo, Provider, TranslateError, Translation, Translator};
use crate::domain::LanguageCode;

/// Where a pair goes, once both codes are found in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub from: &'static LanguageInfo,
    pub to: &'static LanguageInfo,
    /// `None` when both sides share a language.
    pub provider: Option<Provider>,
}

/// The [`Translator`] the functions use: Amazon Translate when it serves both languages,
/// otherwise the second provider (which serves every language in the table).
#[derive(Clone)]
pub struct RoutingTranslator {
    amazon: Arc<dyn Translator>,
    google: Arc<dyn Translator>,
}

impl RoutingTranslator {
    /// `amazon` serves the pairs the table gives to Amazon Translate, `google` all the others.
    /// Locally both may be the offline stand-in.
    pub fn new(amazon: Arc<dyn Translator>, google: Arc<dyn Translator>) -> Self {
        Self { amazon, google }
    }

    /// Which provider would translate `from` into `to`, without translating anything.
    pub fn route(from: &LanguageCode, to: &LanguageCode) -> Result<Route, TranslateError> {
        let unsupported = || TranslateError::UnsupportedPair {
            from: from.clone(),
            to: to.clone(),
            source: None,
        };
        let from_info = language_info(from).ok_or_else(unsupported)?;
        let to_info = language_info(to).ok_or_else(unsupported)?;
        let provider = if from_info.code == to_info.code || from.same_language(to) {
            None
        } else if from_info.provider == Provider::AmazonTranslate
            && to_info.provider == Provider::AmazonTranslate
        {
            Some(Provider::AmazonTranslate)
        } else {
            Some(Provider::GoogleTranslate)
        };
        Ok(Route {
            from: from_info,
            to: to_info,
            provider,
        })
    }
}

#[async_trait]
impl Translator for RoutingTranslator {
    async fn translate(
        &self,
        text: &str,
        from: &LanguageCode,
        to: &LanguageCode,
    ) -> Result<Translation, TranslateError> {
        let route = Self::route(from, to)?;
        let translator = match route.provider {
            None => return Ok(Translation::unchanged(text)),
            Some(Provider::AmazonTranslate) => &self.amazon,
            Some(_) => &self.google,
        };
        translator
            .translate(text, &route.from.language_code(), &route.to.language_code())
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Records each call and answers with its own name.
    #[derive(Default)]
    struct Recording {
        calls: Mutex<Vec<(String, String)>>,
    }

    #[async_trait]
    impl Translator for Recording {
        async fn translate(
            &self,
            _text: &str,
            from: &LanguageCode,
            to: &LanguageCode,
        ) -> Result<Translation, TranslateError> {
            self.calls
                .lock()
                .unwrap()
                .push((from.to_string(), to.to_string()));
            Ok(Translation {
                text: "translated".to_owned(),
                provider: Some(Provider::Offline),
            })
        }
    }

    fn code(s: &str) -> LanguageCode {
        LanguageCode::parse(s).unwrap()
    }

    fn setup() -> (Arc<Recording>, Arc<Recording>, RoutingTranslator) {
        let amazon = Arc::new(Recording::default());
        let google = Arc::new(Recording::default());
        let router = RoutingTranslator::new(amazon.clone(), google.clone());
        (amazon, google, router)
    }

    #[tokio::test]
    async fn pairs_amazon_serves_go_to_amazon_with_canonical_codes() {
        let (amazon, google, router) = setup();
        router
            .translate("x", &code("pl-PL"), &code("en-GB"))
            .await
            .unwrap();
        router
            .translate("x", &code("en"), &code("ar"))
            .await
            .unwrap();
        assert_eq!(
            *amazon.calls.lock().unwrap(),
            vec![("pl".into(), "en".into()), ("en".into(), "ar".into())]
        );
        assert!(google.calls.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn pairs_with_a_language_amazon_lacks_go_to_the_second_provider() {
        let (amazon, google, router) = setup();
        router
            .translate("x", &code("ti"), &code("en"))
            .await
            .unwrap();
        router
            .translate("x", &code("en"), &code("ckb"))
            .await
            .unwrap();
        router
            .translate("x", &code("ku"), &code("en"))
            .await
            .unwrap();
        assert!(amazon.calls.lock().unwrap().is_empty());
        assert_eq!(google.calls.lock().unwrap().len(), 3);
    }

    #[tokio::test]
    async fn the_same_language_on_both_sides_makes_no_call() {
        let (amazon, google, router) = setup();
        let t = router
            .translate("Hello", &code("en-GB"), &code("en"))
            .await
            .unwrap();
        assert_eq!(t, Translation::unchanged("Hello"));
        assert!(amazon.calls.lock().unwrap().is_empty());
        assert!(google.calls.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn simplified_and_traditional_chinese_are_translated_between() {
        let route = RoutingTranslator::route(&code("zh-TW"), &code("zh-CN")).unwrap();
        assert_eq!(route.provider, Some(Provider::AmazonTranslate));
        assert_eq!((route.from.code, route.to.code), ("zh-TW", "zh"));
    }

    #[tokio::test]
    async fn an_unknown_language_is_an_unsupported_pair() {
        let (_, _, router) = setup();
        let err = router
            .translate("x", &code("tlh"), &code("en"))
            .await
            .unwrap_err();
        assert!(matches!(err, TranslateError::UnsupportedPair { .. }));
        assert!(!err.is_retryable());
    }

    #[test]
    fn every_language_in_the_table_has_a_route_to_and_from_english() {
        let en = LanguageCode::english();
        for info in super::super::supported_languages() {
            let code = info.language_code();
            let there = RoutingTranslator::route(&en, &code).unwrap();
            let back = RoutingTranslator::route(&code, &en).unwrap();
            if info.code == "en" {
                assert_eq!(there.provider, None);
            } else {
                assert_eq!(there.provider, Some(info.provider), "{}", info.code);
                assert_eq!(back.provider, Some(info.provider), "{}", info.code);
            }
        }
    }
}
