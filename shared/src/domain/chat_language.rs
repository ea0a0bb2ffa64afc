//! The chat's language: chosen in the widget (the browser's language by default), confirmed
//! by detection on the citizen's first messages, then fixed for the rest of the chat. Only a
//! deliberate act changes a fixed language: the citizen picking another in the widget, or the
//! operator correcting it. Detection alone never flips it back and forth.
//!
//! [`ChatLanguage`] is the state stored on the chat item; [`ChatLanguagePolicy`] applies the
//! rules to it.

use serde::{Deserialize, Serialize};

use super::{language_info, LanguageCode};

/// A language the table does not list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0} is not a supported language")]
pub struct UnsupportedLanguage(pub LanguageCode);

/// Where the chat's current language came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LanguageSource {
    /// The widget's default: the browser's language. Only a guess.
    Browser,
    /// Picked by the citizen in the widget's language list.
    Citizen,
    /// Taken from detection, replacing a browser default the citizen's messages contradicted.
    Detected,
    /// Set by an operator.
    Operator,
}

/// The chat's language and how settled it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatLanguage {
    code: LanguageCode,
    source: LanguageSource,
    fixed: bool,
    /// Citizen messages looked at while not yet fixed.
    observed: u8,
    /// The other language the last confident detections agreed on, and how many did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    contrary: Option<(LanguageCode, u8)>,
}

/// What one observation did, for the caller to act on (e.g. tell the operator).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LanguageDecision {
    /// Nothing settled yet; still watching.
    Undecided,
    /// The language is now fixed as it was: detection agreed with it.
    Confirmed,
    /// The language is now fixed as it was: the first messages gave no reason to change it.
    Kept,
    /// The language changed and is now fixed.
    Switched {
        from: LanguageCode,
        to: LanguageCode,
    },
    /// The citizen chose one language but writes in another: kept as chosen, but worth showing
    /// to the operator, who can correct it.
    Mismatch {
        chosen: LanguageCode,
        detected: LanguageCode,
    },
    /// Already fixed: nothing was looked at.
    AlreadyFixed,
}

impl ChatLanguage {
    /// The browser's language, to be confirmed by the first messages. A language the table
    /// does not support falls back to English.
    pub fn from_browser(code: &LanguageCode) -> Self {
        Self::start(code, LanguageSource::Browser)
    }

    /// The citizen's pick in the widget, to be confirmed by the first messages.
    pub fn chosen_by_citizen(code: &LanguageCode) -> Self {
        Self::start(code, LanguageSource::Citizen)
    }

    /// A language fixed as it is, with nothing left to detect: chats stored before the policy
    /// existed read back this way.
    pub fn settled(code: &LanguageCode) -> Self {
        Self {
            code: code.clone(),
            source: LanguageSource::Citizen,
            fixed: true,
            observed: 0,
            contrary: None,
        }
    }

    fn start(code: &LanguageCode, source: LanguageSource) -> Self {
        let code = language_info(code)
            .map(|info| info.language_code())
            .unwrap_or_else(LanguageCode::english);
        Self {
            code,
            source,
            fixed: false,
            observed: 0,
            contrary: None,
        }
    }

    pub fn code(&self) -> &LanguageCode {
        &self.code
    }

    pub fn source(&self) -> LanguageSource {
        self.source
    }

    pub fn is_fixed(&self) -> bool {
        self.fixed
    }

    /// The citizen picks a language in the widget, mid-chat: a deliberate choice, fixed at once.
    pub fn citizen_chooses(
        &mut self,
        code: &LanguageCode,
    ) -> Result<LanguageDecision, UnsupportedLanguage> {
        self.set_fixed(code, LanguageSource::Citizen)
    }

    /// The operator corrects the language: fixed at once, whatever detection said.
    pub fn operator_corrects(
        &mut self,
        code: &LanguageCode,
    ) -> Result<LanguageDecision, UnsupportedLanguage> {
        self.set_fixed(code, LanguageSource::Operator)
    }

    fn set_fixed(
        &mut self,
        code: &LanguageCode,
        source: LanguageSource,
    ) -> Result<LanguageDecision, UnsupportedLanguage> {
        let code = language_info(code)
            .map(|info| info.language_code())
            .ok_or_else(|| UnsupportedLanguage(code.clone()))?;
        let previous = std::mem::replace(&mut self.code, code);
        self.source = source;
        self.fix();
        Ok(if previous == self.code {
            LanguageDecision::Confirmed
        } else {
            LanguageDecision::Switched {
                from: previous,
                to: self.code.clone(),
            }
        })
    }

    fn fix(&mut self) {
        self.fixed = true;
        self.contrary = None;
    }
}

/// A confident detection.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    /// A code from the language table.
    pub language: LanguageCode,
    /// The detector's confidence, 0 to 1.
    pub confidence: f64,
}

/// Detects the language of a text, or says it cannot tell.
pub trait LanguageDetector: Send + Sync {
    fn detect(&self, text: &str) -> Option<Detection>;

    /// Whether this detector can recognise `language` at all. Detection is no evidence against
    /// a language the detector does not know (it would call Tigrinya "Amharic", say).
    fn recognises(&self, language: &LanguageCode) -> bool;
}

/// The rules that settle a chat's language from its first citizen messages, with any detector
/// (`translation::ChatLanguagePolicy` is this with whatlang's).
#[derive(Debug, Clone)]
pub struct ChatLanguagePolicy<D> {
    detector: D,
    /// How many citizen messages are looked at before the language is fixed regardless.
    pub first_messages: u8,
    /// How many confident detections of the same other language replace a browser default.
    pub detections_to_switch: u8,
}

impl<D: LanguageDetector> ChatLanguagePolicy<D> {
    /// The first 3 messages are looked at; 2 agreeing detections replace a browser default.
    pub fn new(detector: D) -> Self {
        Self {
            detector,
            first_messages: 3,
            detections_to_switch: 2,
        }
    }

    /// Looks at one citizen message (while the language is not fixed) and updates `language`.
    ///
    /// - A confident detection that agrees fixes the language (`Confirmed`).
    /// - For a browser default, `detections_to_switch` confident detections of the same other
    ///   supported language switch to it and fix it (`Switched`).
    /// - For the citizen's own choice, a confident detection of another language is only
    ///   reported (`Mismatch`): the citizen may well read one language and type another.
    /// - Detection is no evidence about a language the detector cannot recognise.
    /// - After `first_messages` messages the language is fixed as it is (`Kept`).
    pub fn observe(&self, language: &mut ChatLanguage, citizen_text: &str) -> LanguageDecision {
        if language.fixed {
            return LanguageDecision::AlreadyFixed;
        }
        language.observed = language.observed.saturating_add(1);
        let decision = self.weigh(language, citizen_text);
        if !language.fixed && language.observed >= self.first_messages {
            language.fix();
            if decision == LanguageDecision::Undecided {
                return LanguageDecision::Kept;
            }
        }
        decision
    }

    fn weigh(&self, language: &mut ChatLanguage, text: &str) -> LanguageDecision {
        if !self.detector.recognises(&language.code) {
            return LanguageDecision::Undecided;
        }
        let Some(detection) = self.detector.detect(text) else {
            return LanguageDecision::Undecided;
        };
        if detection.language.primary() == language.code.primary() {
            language.fix();
            return LanguageDecision::Confirmed;
        }
        let Some(detected) = language_info(&detection.language).map(|i| i.language_code()) else {
            return LanguageDecision::Undecided;
        };
        match language.source {
            LanguageSource::Browser => {
                let votes = match &language.contrary {
                    Some((code, n)) if *code == detected => n.saturating_add(1),
                    _ => 1,
                };
                if votes >= self.detections_to_switch {
                    let from = std::mem::replace(&mut language.code, detected.clone());
                    language.source = LanguageSource::Detected;
                    language.fix();
                    LanguageDecision::Switched { from, to: detected }
                } else {
                    language.contrary = Some((detected, votes));
                    LanguageDecision::Undecided
                }
            }
            _ => LanguageDecision::Mismatch {
                chosen: language.code.clone(),
                detected,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    // whatlang's detector, as the functions use it.
    use crate::translation::ChatLanguagePolicy;

    const POLISH: [&str; 3] = [
        "Dzień dobry, chciałbym zgłosić kradzież roweru sprzed mojego domu.",
        "Rower był przypięty do płotu, zniknął wczoraj w nocy.",
        "Czy ktoś może do mnie oddzwonić w tej sprawie?",
    ];
    const ENGLISH: &str =
        "Hello, my car was broken into last night and they took my laptop from the boot.";

    fn code(s: &str) -> LanguageCode {
        LanguageCode::parse(s).unwrap()
    }

    #[test]
    fn a_browser_default_confirmed_by_the_first_message_is_fixed() {
        let policy = ChatLanguagePolicy::default();
        let mut lang = ChatLanguage::from_browser(&code("pl-PL"));
        assert_eq!(lang.code().as_str(), "pl");

        assert_eq!(
            policy.observe(&mut lang, POLISH[0]),
            LanguageDecision::Confirmed
        );
        assert!(lang.is_fixed());
        assert_eq!(
            policy.observe(&mut lang, ENGLISH),
            LanguageDecision::AlreadyFixed
        );
        assert_eq!(lang.code().as_str(), "pl");
    }

    #[test]
    fn a_browser_default_contradicted_twice_switches_once_and_stays() {
        let policy = ChatLanguagePolicy::default();
        let mut lang = ChatLanguage::from_browser(&code("en-GB"));

        assert_eq!(
            policy.observe(&mut lang, POLISH[0]),
            LanguageDecision::Undecided
        );
        assert_eq!(lang.code().as_str(), "en");
        assert_eq!(
            policy.observe(&mut lang, POLISH[1]),
            LanguageDecision::Switched {
                from: code("en"),
                to: code("pl")
            }
        );
        assert_eq!(lang.source(), LanguageSource::Detected);
        // Fixed: an English line later does not flip it back.
        assert_eq!(
            policy.observe(&mut lang, ENGLISH),
            LanguageDecision::AlreadyFixed
        );
        assert_eq!(lang.code().as_str(), "pl");
    }

    #[test]
    fn alternating_detections_do_not_switch() {
        let policy = ChatLanguagePolicy::default();
        let mut lang = ChatLanguage::from_browser(&code("en"));
        let russian = "Здравствуйте, я хочу сообщить о краже велосипеда возле моего дома.";

        assert_eq!(
            policy.observe(&mut lang, POLISH[0]),
            LanguageDecision::Undecided
        );
        assert_eq!(
            policy.observe(&mut lang, russian),
            LanguageDecision::Undecided
        );
        assert_eq!(policy.observe(&mut lang, "ok"), LanguageDecision::Kept);
        assert_eq!(lang.code().as_str(), "en");
        assert!(lang.is_fixed());
    }

    #[test]
    fn short_messages_leave_the_choice_and_then_keep_it() {
        let policy = ChatLanguagePolicy::default();
        let mut lang = ChatLanguage::from_browser(&code("ar"));
        for text in ["hi", "ok", "?"] {
            let _ = policy.observe(&mut lang, text);
        }
        assert!(lang.is_fixed());
        assert_eq!(lang.code().as_str(), "ar");
    }

    #[test]
    fn a_citizen_choice_is_never_overridden_by_detection_but_a_mismatch_is_reported() {
        let policy = ChatLanguagePolicy::default();
        let mut lang = ChatLanguage::chosen_by_citizen(&code("ar"));

        for _ in 0..2 {
            assert_eq!(
                policy.observe(&mut lang, ENGLISH),
                LanguageDecision::Mismatch {
                    chosen: code("ar"),
                    detected: code("en")
                }
            );
        }
        let _ = policy.observe(&mut lang, ENGLISH);
        assert!(lang.is_fixed());
        assert_eq!(lang.code().as_str(), "ar");
    }

    #[test]
    fn a_language_the_detector_cannot_recognise_is_not_contradicted() {
        // whatlang would call Tigrinya "Amharic": that is no evidence against Tigrinya.
        let policy = ChatLanguagePolicy::default();
        let mut lang = ChatLanguage::from_browser(&code("ti"));
        let tigrinya = "ሰላም፡ ብሽግለተይ ካብ ቅድሚ ገዛይ ተሰሪቑ ኣሎ። ክትሕግዙኒ ትኽእሉ ዶ፧";
        for _ in 0..3 {
            let _ = policy.observe(&mut lang, tigrinya);
        }
        assert_eq!(lang.code().as_str(), "ti");
        assert!(lang.is_fixed());
    }

    #[test]
    fn the_operator_can_correct_a_fixed_language() {
        let policy = ChatLanguagePolicy::default();
        let mut lang = ChatLanguage::chosen_by_citizen(&code("ar"));
        for _ in 0..3 {
            let _ = policy.observe(&mut lang, ENGLISH);
        }
        assert_eq!(
            lang.operator_corrects(&code("en-GB")),
            Ok(LanguageDecision::Switched {
                from: code("ar"),
                to: code("en")
            })
        );
        assert_eq!(lang.source(), LanguageSource::Operator);
        assert!(lang.is_fixed());
        assert_eq!(
            lang.operator_corrects(&code("tlh")),
            Err(UnsupportedLanguage(code("tlh")))
        );
        assert_eq!(lang.code().as_str(), "en");
    }

    #[test]
    fn regional_variants_confirm_their_language() {
        let policy = ChatLanguagePolicy::default();
        let mut lang = ChatLanguage::chosen_by_citizen(&code("pt-PT"));
        let text = "Bom dia, quero comunicar o roubo da minha bicicleta em frente de casa.";
        assert_eq!(policy.observe(&mut lang, text), LanguageDecision::Confirmed);
        assert_eq!(lang.code().as_str(), "pt-PT");
    }

    #[test]
    fn an_unsupported_browser_language_starts_as_english() {
        let lang = ChatLanguage::from_browser(&code("tlh"));
        assert_eq!(lang.code().as_str(), "en");
    }

    #[test]
    fn the_state_round_trips_through_json() {
        let policy = ChatLanguagePolicy::default();
        let mut lang = ChatLanguage::from_browser(&code("en"));
        let _ = policy.observe(&mut lang, POLISH[0]);
        let json = serde_json::to_string(&lang).unwrap();
        let mut back: ChatLanguage = serde_json::from_str(&json).unwrap();
        assert_eq!(back, lang);
        // The stored state carries the first detection: the second one switches.
        assert!(matches!(
            policy.observe(&mut back, POLISH[1]),
            LanguageDecision::Switched { .. }
        ));
    }
}
