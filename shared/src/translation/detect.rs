//! Offline language detection of what a citizen types, with `whatlang` (trigram models in the
//! binary: no network, no data files, a few hundred KB). It answers only when it is confident;
//! short or ambiguous text gets no answer rather than a guess.

use whatlang::Lang;

use crate::domain::{
    language_info, ChatLanguagePolicy as Policy, Detection, LanguageCode, LanguageDetector,
};

/// [`LanguageDetector`] backed by `whatlang` (70 languages, among them Polish, Arabic, Persian,
/// Urdu, Romanian, Lithuanian, Punjabi, Bengali, Russian, Ukrainian, Chinese).
#[derive(Debug, Clone)]
pub struct WhatlangDetector {
    /// Fewer letters than this is "too short to tell".
    pub min_letters: usize,
    /// Below this confidence, no answer.
    pub min_confidence: f64,
}

impl Default for WhatlangDetector {
    /// 12 letters is about two short words; whatlang's own "reliable" test must pass too.
    fn default() -> Self {
        Self {
            min_letters: 12,
            min_confidence: 0.5,
        }
    }
}

impl LanguageDetector for WhatlangDetector {
    fn detect(&self, text: &str) -> Option<Detection> {
        if text.chars().filter(|c| c.is_alphabetic()).count() < self.min_letters {
            return None;
        }
        let info = whatlang::detect(text)?;
        if !info.is_reliable() || info.confidence() < self.min_confidence {
            return None;
        }
        let code = table_code(info.lang())?;
        Some(Detection {
            language: LanguageCode::parse(code).ok()?,
            confidence: info.confidence(),
        })
    }

    fn recognises(&self, language: &LanguageCode) -> bool {
        let Some(info) = language_info(language) else {
            return false;
        };
        let primary = info.code.split('-').next().unwrap_or(info.code);
        Lang::all()
            .iter()
            .filter_map(|l| table_code(*l))
            .any(|c| c == primary)
    }
}

/// The language table's code for a whatlang language (whatlang uses ISO 639-3).
fn table_code(lang: Lang) -> Option<&'static str> {
    Some(match lang {
        Lang::Afr => "af",
        Lang::Aka => "ak",
        Lang::Amh => "am",
        Lang::Ara => "ar",
        Lang::Aze => "az",
        Lang::Bel => "be",
        Lang::Ben => "bn",
        Lang::Bul => "bg",
        Lang::Cat => "ca",
        Lang::Ces => "cs",
        Lang::Cmn => "zh",
        Lang::Cym => "cy",
        Lang::Dan => "da",
        Lang::Deu => "de",
        Lang::Ell => "el",
        Lang::Eng => "en",
        Lang::Epo => "eo",
        Lang::Est => "et",
        Lang::Fin => "fi",
        Lang::Fra => "fr",
        Lang::Guj => "gu",
        Lang::Heb => "he",
        Lang::Hin => "hi",
        Lang::Hrv => "hr",
        Lang::Hun => "hu",
        Lang::Hye => "hy",
        Lang::Ind => "id",
        Lang::Ita => "it",
        Lang::Jav => "jv",
        Lang::Jpn => "ja",
        Lang::Kan => "kn",
        Lang::Kat => "ka",
        Lang::Khm => "km",
        Lang::Kor => "ko",
        Lang::Lat => "la",
        Lang::Lav => "lv",
        Lang::Lit => "lt",
        Lang::Mal => "ml",
        Lang::Mar => "mr",
        Lang::Mkd => "mk",
        Lang::Mya => "my",
        Lang::Nep => "ne",
        Lang::Nld => "nl",
        Lang::Nob => "no",
        Lang::Ori => "or",
        Lang::Pan => "pa",
        Lang::Pes => "fa",
        Lang::Pol => "pl",
        Lang::Por => "pt",
        Lang::Ron => "ro",
        Lang::Rus => "ru",
        Lang::Sin => "si",
        Lang::Slk => "sk",
        Lang::Slv => "sl",
        Lang::Sna => "sn",
        Lang::Spa => "es",
        Lang::Srp => "sr",
        Lang::Swe => "sv",
        Lang::Tam => "ta",
        Lang::Tel => "te",
        Lang::Tgl => "tl",
        Lang::Tha => "th",
        Lang::Tuk => "tk",
        Lang::Tur => "tr",
        Lang::Ukr => "uk",
        Lang::Urd => "ur",
        Lang::Uzb => "uz",
        Lang::Vie => "vi",
        Lang::Yid => "yi",
        Lang::Zul => "zu",
        #[allow(unreachable_patterns)]
        _ => return None,
    })
}

/// The chat's language rules with whatlang, as the functions use them.
pub type ChatLanguagePolicy = Policy<WhatlangDetector>;

impl Default for Policy<WhatlangDetector> {
    fn default() -> Self {
        Self::new(WhatlangDetector::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect(text: &str) -> Option<String> {
        WhatlangDetector::default()
            .detect(text)
            .map(|d| d.language.to_string())
    }

    #[test]
    fn every_whatlang_language_maps_into_the_table() {
        for lang in Lang::all() {
            let code = table_code(*lang).unwrap_or_else(|| panic!("{lang:?} unmapped"));
            let parsed = LanguageCode::parse(code).unwrap();
            assert!(language_info(&parsed).is_some(), "{code} not in the table");
        }
    }

    #[test]
    fn detects_realistic_first_messages() {
        for (text, expected) in [
            (
                "Dzień dobry, chciałbym zgłosić kradzież roweru sprzed mojego domu.",
                "pl",
            ),
            (
                "مرحبا، أريد الإبلاغ عن سرقة سيارتي من أمام المنزل الليلة الماضية",
                "ar",
            ),
            (
                "سلام، ماشین من دیشب از جلوی خانه‌ام دزدیده شد و نمی‌دانم چه کار کنم",
                "fa",
            ),
            (
                "السلام علیکم، میری گاڑی کل رات گھر کے سامنے سے چوری ہو گئی ہے",
                "ur",
            ),
            (
                "Bună ziua, aș dori să raportez furtul bicicletei mele din fața casei.",
                "ro",
            ),
            (
                "Laba diena, norėčiau pranešti apie dviračio vagystę prie mano namų.",
                "lt",
            ),
            (
                "Добрый вечер. Мой сосед каждую ночь громко включает музыку, и я не могу спать.",
                "ru",
            ),
            (
                "Добрий день, я хочу повідомити про крадіжку велосипеда біля мого будинку.",
                "uk",
            ),
            (
                "Merhaba, dün gece arabamın camı kırıldı ve içinden çantam çalındı.",
                "tr",
            ),
            (
                "ਸਤ ਸ੍ਰੀ ਅਕਾਲ, ਮੈਂ ਦੱਸਣਾ ਚਾਹੁੰਦਾ ਹਾਂ ਕਿ ਕੱਲ੍ਹ ਰਾਤ ਮੇਰੀ ਸਾਈਕਲ ਚੋਰੀ ਹੋ ਗਈ।",
                "pa",
            ),
            (
                "Hello, my car was broken into last night and they took my laptop from the boot.",
                "en",
            ),
            ("你好，我想报告我的自行车昨晚在家门口被偷了。", "zh"),
        ] {
            assert_eq!(detect(text).as_deref(), Some(expected), "{text}");
        }
    }

    #[test]
    fn ambiguous_text_gets_no_answer_rather_than_a_wrong_one() {
        // whatlang's best guesses here are Danish, Afrikaans and Spanish; none is reliable.
        for text in [
            "Someone is shouting outside my flat",
            "Hello, I would like to report that my bike was stolen outside my house.",
            // Albanian is not among whatlang's languages.
            "Përshëndetje, dua të raportoj se biçikleta ime u vodh mbrëmë para shtëpisë.",
        ] {
            assert_eq!(detect(text), None, "{text}");
        }
    }

    #[test]
    fn short_text_gets_no_answer() {
        for text in ["ok", "Hi!", "tak", "123 456", "👍", ""] {
            assert_eq!(detect(text), None, "{text:?}");
        }
    }

    #[test]
    fn knows_which_languages_it_can_recognise() {
        let d = WhatlangDetector::default();
        for known in ["pl", "ar", "zh-TW", "pt-PT", "fa-AF", "en-GB"] {
            assert!(
                d.recognises(&LanguageCode::parse(known).unwrap()),
                "{known}"
            );
        }
        for unknown in ["ti", "ckb", "ku", "so", "om", "tlh"] {
            assert!(
                !d.recognises(&LanguageCode::parse(unknown).unwrap()),
                "{unknown}"
            );
        }
    }
}
