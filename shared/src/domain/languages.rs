//! The one table of supported languages: code, provider, direction, English name and endonym.
//! Routing, the operator console and the widget's language list all read it from here; it is
//! the domain's, so that the chat's language rules (`chat_language`) need nothing of
//! `translation`.
//!
//! Amazon Translate serves its 75 languages (its documented list, variants included); Google
//! Cloud Translation serves the rest, all of them on Google's documented list.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::LanguageCode;

/// Who translates: the two real providers and the offline stand-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Provider {
    AmazonTranslate,
    GoogleTranslate,
    Offline,
}

impl Provider {
    /// True for the real translation services; false for the stand-in, which translates nothing.
    pub fn is_machine_translation(self) -> bool {
        matches!(self, Provider::AmazonTranslate | Provider::GoogleTranslate)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Provider::AmazonTranslate => "amazon-translate",
            Provider::GoogleTranslate => "google-translate",
            Provider::Offline => "offline",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Provider::AmazonTranslate => "Amazon Translate",
            Provider::GoogleTranslate => "Google Cloud Translation",
            Provider::Offline => "the offline stand-in",
        })
    }
}

/// Which way a language's script runs, for the widget's `dir` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Ltr,
    Rtl,
}

/// One supported language. Serializes as
/// `{"code":"ar","provider":"amazon-translate","direction":"rtl","englishName":"Arabic","nativeName":"العربية"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LanguageInfo {
    /// The canonical code (as [`LanguageCode`] normalises it), the one providers are sent.
    pub code: &'static str,
    /// Who translates to and from this language.
    pub provider: Provider,
    pub direction: Direction,
    pub english_name: &'static str,
    /// The language's name in itself, for the widget's list.
    pub native_name: &'static str,
}

impl LanguageInfo {
    pub fn language_code(&self) -> LanguageCode {
        LanguageCode::from_canonical(self.code)
    }

    pub fn is_rtl(&self) -> bool {
        self.direction == Direction::Rtl
    }
}

/// Every supported language: English first, then Amazon Translate's languages, then the second
/// provider's, each group roughly by English name (the widget sorts as it likes).
pub fn supported_languages() -> &'static [LanguageInfo] {
    LANGUAGES
}

/// The widget's language list (`/widget/languages.json`): [`supported_languages`] as JSON, one
/// definition for the file the upload writes and what the local gateway serves.
pub fn language_list_json() -> serde_json::Value {
    serde_json::to_value(LANGUAGES).unwrap_or_else(|_| unreachable!("plain data serializes"))
}

/// The table's entry for a code as a browser or a client may write it: exact, then a known
/// alias (`iw`, `nb`, `fil`, `zh-Hant`, `zh-HK`, ...), then the primary language (`pl-PL` is
/// `pl`, `en-GB` is `en`). `None` when the language is not supported.
pub fn language_info(code: &LanguageCode) -> Option<&'static LanguageInfo> {
    let find = |c: &str| LANGUAGES.iter().find(|l| l.code == c);
    if let Some(info) = find(code.as_str()) {
        return Some(info);
    }
    let mut subtags = code.as_str().split('-');
    let primary = subtags.next().unwrap_or_default();
    let rest: Vec<&str> = subtags.collect();
    let alias = match (primary, rest.as_slice()) {
        ("zh", [first, ..]) if matches!(*first, "Hant" | "TW" | "HK" | "MO") => Some("zh-TW"),
        ("zh", _) => Some("zh"),
        ("pt", [region, ..]) if *region != "BR" => Some("pt-PT"),
        ("fa", ["AF", ..]) | ("prs", _) => Some("fa-AF"),
        ("es", ["MX", ..]) => Some("es-MX"),
        ("fr", ["CA", ..]) => Some("fr-CA"),
        ("iw", _) => Some("he"),
        ("ji", _) => Some("yi"),
        ("in", _) => Some("id"),
        ("jw", _) => Some("jv"),
        ("nb" | "nn", _) => Some("no"),
        ("fil", _) => Some("tl"),
        ("kmr", _) => Some("ku"),
        ("mni", _) => Some("mni-Mtei"),
        ("pa", ["Arab", ..]) => Some("pa-Arab"),
        _ => None,
    };
    alias.and_then(find).or_else(|| find(primary))
}

use Direction::{Ltr, Rtl};
use Provider::{AmazonTranslate as Amazon, GoogleTranslate as Google};

const fn lang(
    code: &'static str,
    provider: Provider,
    direction: Direction,
    english_name: &'static str,
    native_name: &'static str,
) -> LanguageInfo {
    LanguageInfo {
        code,
        provider,
        direction,
        english_name,
        native_name,
    }
}

#[rustfmt::skip]
static LANGUAGES: &[LanguageInfo] = &[
    lang("en", Amazon, Ltr, "English", "English"),
    // Amazon Translate: its 75 documented languages and variants.
    lang("af", Amazon, Ltr, "Afrikaans", "Afrikaans"),
    lang("sq", Amazon, Ltr, "Albanian", "Shqip"),
    lang("am", Amazon, Ltr, "Amharic", "አማርኛ"),
    lang("ar", Amazon, Rtl, "Arabic", "العربية"),
    lang("hy", Amazon, Ltr, "Armenian", "Հայերեն"),
    lang("az", Amazon, Ltr, "Azerbaijani", "Azərbaycan dili"),
    lang("bn", Amazon, Ltr, "Bengali", "বাংলা"),
    lang("bs", Amazon, Ltr, "Bosnian", "Bosanski"),
    lang("bg", Amazon, Ltr, "Bulgarian", "Български"),
    lang("ca", Amazon, Ltr, "Catalan", "Català"),
    lang("zh", Amazon, Ltr, "Chinese (Simplified)", "简体中文"),
    lang("zh-TW", Amazon, Ltr, "Chinese (Traditional)", "繁體中文"),
    lang("hr", Amazon, Ltr, "Croatian", "Hrvatski"),
    lang("cs", Amazon, Ltr, "Czech", "Čeština"),
    lang("da", Amazon, Ltr, "Danish", "Dansk"),
    lang("fa-AF", Amazon, Rtl, "Dari", "دری"),
    lang("nl", Amazon, Ltr, "Dutch", "Nederlands"),
    lang("et", Amazon, Ltr, "Estonian", "Eesti"),
    lang("fa", Amazon, Rtl, "Persian (Farsi)", "فارسی"),
    lang("tl", Amazon, Ltr, "Filipino (Tagalog)", "Filipino"),
    lang("fi", Amazon, Ltr, "Finnish", "Suomi"),
    lang("fr", Amazon, Ltr, "French", "Français"),
    lang("fr-CA", Amazon, Ltr, "French (Canada)", "Français (Canada)"),
    lang("ka", Amazon, Ltr, "Georgian", "ქართული"),
    lang("de", Amazon, Ltr, "German", "Deutsch"),
    lang("el", Amazon, Ltr, "Greek", "Ελληνικά"),
    lang("gu", Amazon, Ltr, "Gujarati", "ગુજરાતી"),
    lang("ht", Amazon, Ltr, "Haitian Creole", "Kreyòl ayisyen"),
    lang("ha", Amazon, Ltr, "Hausa", "Hausa"),
    lang("he", Amazon, Rtl, "Hebrew", "עברית"),
    lang("hi", Amazon, Ltr, "Hindi", "हिन्दी"),
    lang("hu", Amazon, Ltr, "Hungarian", "Magyar"),
    lang("is", Amazon, Ltr, "Icelandic", "Íslenska"),
    lang("id", Amazon, Ltr, "Indonesian", "Bahasa Indonesia"),
    lang("ga", Amazon, Ltr, "Irish", "Gaeilge"),
    lang("it", Amazon, Ltr, "Italian", "Italiano"),
    lang("ja", Amazon, Ltr, "Japanese", "日本語"),
    lang("kn", Amazon, Ltr, "Kannada", "ಕನ್ನಡ"),
    lang("kk", Amazon, Ltr, "Kazakh", "Қазақ тілі"),
    lang("ko", Amazon, Ltr, "Korean", "한국어"),
    lang("lv", Amazon, Ltr, "Latvian", "Latviešu"),
    lang("lt", Amazon, Ltr, "Lithuanian", "Lietuvių"),
    lang("mk", Amazon, Ltr, "Macedonian", "Македонски"),
    lang("ms", Amazon, Ltr, "Malay", "Bahasa Melayu"),
    lang("ml", Amazon, Ltr, "Malayalam", "മലയാളം"),
    lang("mt", Amazon, Ltr, "Maltese", "Malti"),
    lang("mr", Amazon, Ltr, "Marathi", "मराठी"),
    lang("mn", Amazon, Ltr, "Mongolian", "Монгол"),
    lang("no", Amazon, Ltr, "Norwegian (Bokmål)", "Norsk bokmål"),
    lang("ps", Amazon, Rtl, "Pashto", "پښتو"),
    lang("pl", Amazon, Ltr, "Polish", "Polski"),
    lang("pt", Amazon, Ltr, "Portuguese (Brazil)", "Português (Brasil)"),
    lang("pt-PT", Amazon, Ltr, "Portuguese (Portugal)", "Português (Portugal)"),
    lang("pa", Amazon, Ltr, "Punjabi", "ਪੰਜਾਬੀ"),
    lang("ro", Amazon, Ltr, "Romanian", "Română"),
    lang("ru", Amazon, Ltr, "Russian", "Русский"),
    lang("sr", Amazon, Ltr, "Serbian", "Српски"),
    lang("si", Amazon, Ltr, "Sinhala", "සිංහල"),
    lang("sk", Amazon, Ltr, "Slovak", "Slovenčina"),
    lang("sl", Amazon, Ltr, "Slovenian", "Slovenščina"),
    lang("so", Amazon, Ltr, "Somali", "Soomaali"),
    lang("es", Amazon, Ltr, "Spanish", "Español"),
    lang("es-MX", Amazon, Ltr, "Spanish (Mexico)", "Español (México)"),
    lang("sw", Amazon, Ltr, "Swahili", "Kiswahili"),
    lang("sv", Amazon, Ltr, "Swedish", "Svenska"),
    lang("ta", Amazon, Ltr, "Tamil", "தமிழ்"),
    lang("te", Amazon, Ltr, "Telugu", "తెలుగు"),
    lang("th", Amazon, Ltr, "Thai", "ไทย"),
    lang("tr", Amazon, Ltr, "Turkish", "Türkçe"),
    lang("uk", Amazon, Ltr, "Ukrainian", "Українська"),
    lang("ur", Amazon, Rtl, "Urdu", "اردو"),
    lang("uz", Amazon, Ltr, "Uzbek", "Oʻzbekcha"),
    lang("vi", Amazon, Ltr, "Vietnamese", "Tiếng Việt"),
    lang("cy", Amazon, Ltr, "Welsh", "Cymraeg"),
    // Google Cloud Translation: languages Amazon Translate does not offer.
    lang("ab", Google, Ltr, "Abkhaz", "Аԥсуа бызшәа"),
    lang("ace", Google, Ltr, "Acehnese", "Bahsa Acèh"),
    lang("ach", Google, Ltr, "Acholi", "Leb Acoli"),
    lang("alz", Google, Ltr, "Alur", "Dho-Alur"),
    lang("as", Google, Ltr, "Assamese", "অসমীয়া"),
    lang("awa", Google, Ltr, "Awadhi", "अवधी"),
    lang("ay", Google, Ltr, "Aymara", "Aymar aru"),
    lang("ban", Google, Ltr, "Balinese", "Basa Bali"),
    lang("bm", Google, Ltr, "Bambara", "Bamanankan"),
    lang("ba", Google, Ltr, "Bashkir", "Башҡорт теле"),
    lang("eu", Google, Ltr, "Basque", "Euskara"),
    lang("be", Google, Ltr, "Belarusian", "Беларуская"),
    lang("bem", Google, Ltr, "Bemba", "Ichibemba"),
    lang("bho", Google, Ltr, "Bhojpuri", "भोजपुरी"),
    lang("br", Google, Ltr, "Breton", "Brezhoneg"),
    lang("bua", Google, Ltr, "Buryat", "Буряад хэлэн"),
    lang("yue", Google, Ltr, "Cantonese", "粵語"),
    lang("ceb", Google, Ltr, "Cebuano", "Sinugboanon"),
    lang("ny", Google, Ltr, "Chichewa (Nyanja)", "Chichewa"),
    lang("cv", Google, Ltr, "Chuvash", "Чӑвашла"),
    lang("co", Google, Ltr, "Corsican", "Corsu"),
    lang("crh", Google, Ltr, "Crimean Tatar", "Qırımtatarca"),
    lang("dv", Google, Rtl, "Dhivehi", "ދިވެހި"),
    lang("din", Google, Ltr, "Dinka", "Thuɔŋjäŋ"),
    lang("doi", Google, Ltr, "Dogri", "डोगरी"),
    lang("dz", Google, Ltr, "Dzongkha", "རྫོང་ཁ"),
    lang("eo", Google, Ltr, "Esperanto", "Esperanto"),
    lang("ee", Google, Ltr, "Ewe", "Eʋegbe"),
    lang("fj", Google, Ltr, "Fijian", "Na Vosa Vakaviti"),
    lang("fy", Google, Ltr, "Frisian", "Frysk"),
    lang("ff", Google, Ltr, "Fulani", "Fulfulde"),
    lang("gaa", Google, Ltr, "Ga", "Gã"),
    lang("gl", Google, Ltr, "Galician", "Galego"),
    lang("lg", Google, Ltr, "Ganda (Luganda)", "Luganda"),
    lang("gn", Google, Ltr, "Guarani", "Avañeʼẽ"),
    lang("cnh", Google, Ltr, "Hakha Chin", "Laiholh"),
    lang("haw", Google, Ltr, "Hawaiian", "ʻŌlelo Hawaiʻi"),
    lang("hil", Google, Ltr, "Hiligaynon", "Hiligaynon"),
    lang("hmn", Google, Ltr, "Hmong", "Hmoob"),
    lang("ig", Google, Ltr, "Igbo", "Asụsụ Igbo"),
    lang("ilo", Google, Ltr, "Ilocano", "Ilokano"),
    lang("jv", Google, Ltr, "Javanese", "Basa Jawa"),
    lang("km", Google, Ltr, "Khmer", "ខ្មែរ"),
    lang("rw", Google, Ltr, "Kinyarwanda", "Ikinyarwanda"),
    lang("gom", Google, Ltr, "Konkani", "कोंकणी"),
    lang("kri", Google, Ltr, "Krio", "Krio"),
    lang("ku", Google, Ltr, "Kurdish (Kurmanji)", "Kurdî (Kurmancî)"),
    lang("ckb", Google, Rtl, "Kurdish (Sorani)", "کوردیی ناوەندی"),
    lang("ky", Google, Ltr, "Kyrgyz", "Кыргызча"),
    lang("lo", Google, Ltr, "Lao", "ລາວ"),
    lang("la", Google, Ltr, "Latin", "Latina"),
    lang("ln", Google, Ltr, "Lingala", "Lingála"),
    lang("lb", Google, Ltr, "Luxembourgish", "Lëtzebuergesch"),
    lang("mai", Google, Ltr, "Maithili", "मैथिली"),
    lang("mg", Google, Ltr, "Malagasy", "Malagasy"),
    lang("mi", Google, Ltr, "Māori", "Te reo Māori"),
    lang("mni-Mtei", Google, Ltr, "Meiteilon (Manipuri)", "ꯃꯩꯇꯩꯂꯣꯟ"),
    // Punjabi in Shahmukhi (Arabic script, as written in Pakistan): `pa` alone is Gurmukhi,
    // so a Shahmukhi reader falling back to `pa` would get the wrong script.
    lang("pa-Arab", Google, Rtl, "Punjabi (Shahmukhi)", "پنجابی"),
    lang("lus", Google, Ltr, "Mizo", "Mizo ṭawng"),
    lang("my", Google, Ltr, "Myanmar (Burmese)", "မြန်မာ"),
    lang("ne", Google, Ltr, "Nepali", "नेपाली"),
    lang("or", Google, Ltr, "Odia (Oriya)", "ଓଡ଼ିଆ"),
    lang("om", Google, Ltr, "Oromo", "Afaan Oromoo"),
    lang("qu", Google, Ltr, "Quechua", "Runa Simi"),
    lang("sm", Google, Ltr, "Samoan", "Gagana Sāmoa"),
    lang("sa", Google, Ltr, "Sanskrit", "संस्कृतम्"),
    lang("gd", Google, Ltr, "Scottish Gaelic", "Gàidhlig"),
    lang("nso", Google, Ltr, "Sepedi", "Sesotho sa Leboa"),
    lang("st", Google, Ltr, "Sesotho", "Sesotho"),
    lang("sn", Google, Ltr, "Shona", "chiShona"),
    lang("sd", Google, Rtl, "Sindhi", "سنڌي"),
    lang("su", Google, Ltr, "Sundanese", "Basa Sunda"),
    lang("tg", Google, Ltr, "Tajik", "Тоҷикӣ"),
    lang("tt", Google, Ltr, "Tatar", "Татарча"),
    lang("ti", Google, Ltr, "Tigrinya", "ትግርኛ"),
    lang("ts", Google, Ltr, "Tsonga", "Xitsonga"),
    lang("tk", Google, Ltr, "Turkmen", "Türkmençe"),
    lang("ak", Google, Ltr, "Twi (Akan)", "Akan"),
    lang("ug", Google, Rtl, "Uyghur", "ئۇيغۇرچە"),
    lang("xh", Google, Ltr, "Xhosa", "isiXhosa"),
    lang("yi", Google, Rtl, "Yiddish", "ייִדיש"),
    lang("yo", Google, Ltr, "Yoruba", "Èdè Yorùbá"),
    lang("zu", Google, Ltr, "Zulu", "isiZulu"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn code(s: &str) -> LanguageCode {
        LanguageCode::parse(s).unwrap()
    }

    #[test]
    fn the_table_lists_at_least_145_languages_with_unique_canonical_codes() {
        let all = supported_languages();
        assert!(all.len() >= 145, "only {} languages", all.len());
        let codes: HashSet<&str> = all.iter().map(|l| l.code).collect();
        assert_eq!(codes.len(), all.len(), "codes must be unique");
        for l in all {
            let parsed = LanguageCode::parse(l.code).unwrap();
            assert_eq!(
                parsed.as_str(),
                l.code,
                "{} is not in canonical form",
                l.code
            );
            assert!(!l.english_name.is_empty() && !l.native_name.is_empty());
        }
    }

    #[test]
    fn amazon_serves_exactly_its_75_documented_languages() {
        let amazon: Vec<&str> = supported_languages()
            .iter()
            .filter(|l| l.provider == Provider::AmazonTranslate)
            .map(|l| l.code)
            .collect();
        assert_eq!(amazon.len(), 75);
        for c in [
            "fa-AF", "zh-TW", "fr-CA", "es-MX", "pt-PT", "tl", "he", "no", "cy", "so",
        ] {
            assert!(amazon.contains(&c), "{c}");
        }
    }

    #[test]
    fn languages_amazon_lacks_are_served_by_google() {
        for c in [
            "ti", "ckb", "ku", "om", "rw", "ne", "my", "km", "yue", "din", "ln", "ff",
        ] {
            let info = language_info(&code(c)).unwrap();
            assert_eq!(info.provider, Provider::GoogleTranslate, "{c}");
        }
    }

    #[test]
    fn right_to_left_is_marked_for_the_scripts_that_need_it() {
        let rtl: HashSet<&str> = supported_languages()
            .iter()
            .filter(|l| l.is_rtl())
            .map(|l| l.code)
            .collect();
        let expected: HashSet<&str> = [
            "ar", "fa", "fa-AF", "ur", "he", "ps", "ckb", "sd", "ug", "yi", "dv", "pa-Arab",
        ]
        .into();
        assert_eq!(rtl, expected);
        for ltr in ["en", "pl", "ku", "ti", "am", "pa", "tr", "hi"] {
            assert_eq!(language_info(&code(ltr)).unwrap().direction, Direction::Ltr);
        }
    }

    #[test]
    fn punjabi_in_shahmukhi_is_its_own_language_and_not_gurmukhi() {
        let shahmukhi = language_info(&code("pa-Arab")).unwrap();
        assert_eq!(shahmukhi.code, "pa-Arab");
        assert_eq!(shahmukhi.direction, Direction::Rtl);
        assert_eq!(shahmukhi.provider, Google);
        assert_eq!(language_info(&code("pa-Arab-PK")).unwrap().code, "pa-Arab");
        for gurmukhi in ["pa", "pa-IN", "pa-Guru"] {
            assert_eq!(language_info(&code(gurmukhi)).unwrap().code, "pa");
        }
    }

    #[test]
    fn browser_codes_find_their_language() {
        for (browser, expected) in [
            ("pl-PL", "pl"),
            ("en-GB", "en"),
            ("EN-us", "en"),
            ("zh-CN", "zh"),
            ("zh-Hans", "zh"),
            ("zh-HK", "zh-TW"),
            ("zh-Hant-TW", "zh-TW"),
            ("pt-BR", "pt"),
            ("pt-AO", "pt-PT"),
            ("es-419", "es"),
            ("es-MX", "es-MX"),
            ("fr-BE", "fr"),
            ("fr-CA", "fr-CA"),
            ("fa-IR", "fa"),
            ("fa-AF", "fa-AF"),
            ("prs", "fa-AF"),
            ("iw", "he"),
            ("nb-NO", "no"),
            ("nn", "no"),
            ("fil", "tl"),
            ("ti-ER", "ti"),
            ("ckb-IQ", "ckb"),
            ("mni", "mni-Mtei"),
            ("kmr", "ku"),
        ] {
            let info = language_info(&code(browser));
            assert_eq!(info.map(|l| l.code), Some(expected), "{browser}");
        }
        assert!(
            language_info(&code("tlh")).is_none(),
            "Klingon is not supported"
        );
    }

    #[test]
    fn the_table_serializes_for_the_widget() {
        let json = serde_json::to_value(language_info(&code("ar")).unwrap()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "ar",
                "provider": "amazon-translate",
                "direction": "rtl",
                "englishName": "Arabic",
                "nativeName": "العربية"
            })
        );
        let all = serde_json::to_string(supported_languages()).unwrap();
        assert!(all.starts_with("[{\"code\":\"en\""));
    }
}
