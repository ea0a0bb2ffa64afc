//! The widget's own texts in a language no file was written for: the English file's texts put
//! through the translation path (the cached translator: each text once per language).

use super::{TranslateError, Translator};
use crate::domain::LanguageCode;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A file of the widget's strings: key → text, with a `_meta` object beside them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WidgetStrings {
    pub language: LanguageCode,
    /// True when a translation service wrote these texts, not a person.
    pub machine_translated: bool,
    pub texts: BTreeMap<String, String>,
}

#[derive(Debug, thiserror::Error)]
pub enum StringsError {
    #[error("the strings file is not a JSON object of texts: {0}")]
    Shape(&'static str),
    #[error("the strings file is not JSON")]
    Json(#[source] serde_json::Error),
}

impl WidgetStrings {
    /// Reads a strings file: every key but `_meta` must hold a text.
    pub fn parse(json: &str) -> Result<Self, StringsError> {
        let value: Value = serde_json::from_str(json).map_err(StringsError::Json)?;
        let Value::Object(map) = value else {
            return Err(StringsError::Shape("not an object"));
        };
        let mut texts = BTreeMap::new();
        let mut language = LanguageCode::english();
        for (key, value) in map {
            match (key.as_str(), value) {
                ("_meta", Value::Object(meta)) => {
                    if let Some(code) = meta.get("language").and_then(Value::as_str) {
                        language = LanguageCode::parse(code)
                            .map_err(|_| StringsError::Shape("_meta.language is not a tag"))?;
                    }
                }
                ("_meta", _) => return Err(StringsError::Shape("_meta is not an object")),
                (_, Value::String(text)) => {
                    texts.insert(key, text);
                }
                _ => return Err(StringsError::Shape("a value is not a text")),
            }
        }
        Ok(Self {
            language,
            machine_translated: false,
            texts,
        })
    }

    pub fn to_json(&self) -> Value {
        let mut map = Map::new();
        map.insert(
            "_meta".to_owned(),
            serde_json::json!({
                "language": self.language.as_str(),
                "machineTranslated": self.machine_translated,
                "reviewed": false,
            }),
        );
        for (k, v) in &self.texts {
            map.insert(k.clone(), Value::String(v.clone()));
        }
        Value::Object(map)
    }
}

/// The texts of `english` in `to`, one translation per text. A text that holds a `{name}`
/// placeholder keeps it: placeholders are swapped for numbered tokens that translation leaves
/// alone, and put back after.
pub async fn translate_strings(
    translator: &dyn Translator,
    english: &WidgetStrings,
    to: &LanguageCode,
) -> Result<WidgetStrings, TranslateError> {
    let from = LanguageCode::english();
    let mut texts = BTreeMap::new();
    let mut machine_translated = false;
    for (key, text) in &english.texts {
        let (masked, names) = mask_placeholders(text);
        let t = translator.translate(&masked, &from, to).await?;
        machine_translated |= t.is_machine_translation();
        texts.insert(key.clone(), unmask_placeholders(&t.text, &names));
    }
    Ok(WidgetStrings {
        language: to.clone(),
        machine_translated,
        texts,
    })
}

/// `"Place {position}"` → (`"Place [[0]]"`, `["position"]`).
fn mask_placeholders(text: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(text.len());
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let name = &rest[start + 1..start + len];
        let plain = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        out.push_str(&rest[..start]);
        if plain {
            out.push_str(&format!("[[{}]]", names.len()));
            names.push(name.to_owned());
        } else {
            out.push_str(&rest[start..=start + len]);
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    (out, names)
}

fn unmask_placeholders(text: &str, names: &[String]) -> String {
    let mut out = text.to_owned();
    for (i, name) in names.iter().enumerate() {
        out = out.replace(&format!("[[{i}]]"), &format!("{{{name}}}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translation::OfflineTranslator;

    #[test]
    fn a_strings_file_reads_its_texts_and_language_and_refuses_other_shapes() {
        let s =
            WidgetStrings::parse(r#"{"_meta":{"language":"cy"},"launcher":"Sgwrs fyw"}"#).unwrap();
        assert_eq!(s.language.as_str(), "cy");
        assert_eq!(s.texts["launcher"], "Sgwrs fyw");
        assert!(WidgetStrings::parse(r#"{"launcher": 3}"#).is_err());
        assert!(WidgetStrings::parse(r#"["launcher"]"#).is_err());
        assert!(WidgetStrings::parse("not json").is_err());
    }

    #[test]
    fn placeholders_survive_translation_unchanged() {
        let (masked, names) = mask_placeholders("You are number {position} of {count}, {odd");
        assert_eq!(masked, "You are number [[0]] of [[1]], {odd");
        assert_eq!(names, ["position", "count"]);
        assert_eq!(
            unmask_placeholders("Numer [[0]] z [[1]]", &names),
            "Numer {position} z {count}"
        );
    }

    #[tokio::test]
    async fn every_english_text_is_translated_into_the_language_asked() {
        let english = WidgetStrings::parse(
            r#"{"_meta":{"language":"en"},"launcher":"Live chat","place":"You are number {position}"}"#,
        )
        .unwrap();
        let so = LanguageCode::parse("so").unwrap();
        let out = translate_strings(&OfflineTranslator::new(), &english, &so)
            .await
            .unwrap();
        assert_eq!(out.language, so);
        assert_eq!(out.texts.len(), 2);
        assert!(out.texts["launcher"].contains("Live chat"));
        assert!(out.texts["launcher"].contains("so"));
        assert!(
            out.texts["place"].ends_with("{position}"),
            "{}",
            out.texts["place"]
        );
        let json = out.to_json();
        assert_eq!(json["_meta"]["language"], "so");
    }
}
