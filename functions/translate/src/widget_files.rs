//! The widget's language list and texts as files for the web bucket, written once when the
//! site is uploaded (`scripts/upload-web` runs the `widget-strings` binary), so that a deployed
//! widget reads both from its own origin and no function serves them.
//!
//! - `languages.json`: every supported language, its direction and its names, exactly as the
//!   local gateway serves it ([`bluelamp::translation::language_list_json`]).
//! - `strings/{code}.json` for each supported language without a file that people wrote
//!   (`web/widget/strings/`): the English file put through the translator, marked as machine
//!   translated, with the hash of the English texts it was made from (`_meta.english`). The
//!   upload hands over the files the bucket serves now (`previous`): one made from the same
//!   English is kept as it is, so an upload pays for translation only when `en.json` changed
//!   (some 340,000 characters for all languages), not on every deploy.
//!
//! A language whose provider cannot translate (no Google key where the pipeline runs, an
//! unsupported pair) is left out and the widget stays in English for it, as it does when a
//! file fails to load. A retryable failure (throttling, an outage) fails the whole run, so an
//! upload never silently drops languages it could have had.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bluelamp::domain::LanguageCode;
use bluelamp::translation::{
    language_list_json, supported_languages, translate_strings, StringsError, TranslateError,
    Translator, WidgetStrings,
};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::task::JoinSet;

/// How many languages are translated at once: enough to keep a first upload of some 150
/// languages to minutes, few enough to stay inside Amazon Translate's default request rate.
pub const CONCURRENT_LANGUAGES: usize = 8;

#[derive(Debug, thiserror::Error)]
pub enum WidgetFilesError {
    #[error("cannot read {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the English strings file {path} does not parse")]
    English {
        path: PathBuf,
        #[source]
        source: StringsError,
    },
    #[error("translating the widget's texts into {language} failed (try the upload again)")]
    Translate {
        language: LanguageCode,
        #[source]
        source: TranslateError,
    },
}

/// What a run wrote.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct WidgetFiles {
    /// Languages with a file people wrote, left as they are.
    pub shipped: Vec<LanguageCode>,
    /// Languages given a machine-translated file.
    pub translated: Vec<LanguageCode>,
    /// Languages whose file from the previous upload was made from the same English: kept.
    pub kept: Vec<LanguageCode>,
    /// Languages no provider here translates: the widget shows them in English.
    pub left_in_english: Vec<LanguageCode>,
}

/// Reads `widget_dir/strings/` (the shipped files, `en.json` among them) and writes
/// `out_dir/languages.json` and `out_dir/strings/{code}.json` for every other supported
/// language, keeping a file of `previous` (the last upload's strings, if any) that was made
/// from the same English. `out_dir` may be `widget_dir` itself or a copy of it.
pub async fn write_widget_files(
    translator: Arc<dyn Translator>,
    widget_dir: &Path,
    out_dir: &Path,
    previous: Option<&Path>,
) -> Result<WidgetFiles, WidgetFilesError> {
    let strings_dir = widget_dir.join("strings");
    let english_path = strings_dir.join("en.json");
    let english = read(&english_path).await?;
    let english =
        Arc::new(
            WidgetStrings::parse(&english).map_err(|source| WidgetFilesError::English {
                path: english_path.clone(),
                source,
            })?,
        );
    let english_hash = english_hash(&english);
    let shipped = shipped_languages(&strings_dir).await?;

    let out_strings = out_dir.join("strings");
    tokio::fs::create_dir_all(&out_strings)
        .await
        .map_err(|source| WidgetFilesError::Write {
            path: out_strings.clone(),
            source,
        })?;
    let list = language_list_json().to_string();
    write(&out_dir.join("languages.json"), list.as_bytes()).await?;

    let mut summary = WidgetFiles {
        shipped: shipped.iter().cloned().collect(),
        ..WidgetFiles::default()
    };
    let wanted: Vec<LanguageCode> = supported_languages()
        .iter()
        .map(|l| l.language_code())
        .filter(|code| !shipped.contains(code))
        .collect();
    let mut to_translate = Vec::new();
    for language in wanted {
        let file = format!("{}.json", language.as_str());
        let kept = match previous {
            Some(dir) => made_from(&dir.join(&file), &english_hash).await,
            None => None,
        };
        match kept {
            Some(text) => {
                write(&out_strings.join(&file), text.as_bytes()).await?;
                summary.kept.push(language);
            }
            None => to_translate.push(language),
        }
    }
    let mut running = JoinSet::new();
    let mut queue = to_translate.into_iter();
    loop {
        while running.len() < CONCURRENT_LANGUAGES {
            let Some(language) = queue.next() else { break };
            let (translator, english) = (translator.clone(), english.clone());
            running.spawn(async move {
                let result = translate_strings(translator.as_ref(), &english, &language).await;
                (language, result)
            });
        }
        let Some(done) = running.join_next().await else {
            break;
        };
        let (language, result) = done.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
        match result {
            Ok(strings) => {
                let path = out_strings.join(format!("{}.json", language.as_str()));
                let mut json = strings.to_json();
                json["_meta"]["english"] = Value::String(english_hash.clone());
                write(&path, json.to_string().as_bytes()).await?;
                summary.translated.push(language);
            }
            Err(e) if !e.is_retryable() => summary.left_in_english.push(language),
            Err(source) => return Err(WidgetFilesError::Translate { language, source }),
        }
    }
    summary.translated.sort();
    summary.left_in_english.sort();
    Ok(summary)
}

/// A short, stable name of the English texts a file was made from (keys and texts).
fn english_hash(english: &WidgetStrings) -> String {
    let mut hash = Sha256::new();
    for (key, text) in &english.texts {
        for part in [key, text] {
            hash.update((part.len() as u64).to_le_bytes());
            hash.update(part.as_bytes());
        }
    }
    hex::encode(&hash.finalize()[..16])
}

/// The file at `path`, read once, when it is a strings file made from `english_hash`.
async fn made_from(path: &Path, english_hash: &str) -> Option<String> {
    let text = tokio::fs::read_to_string(path).await.ok()?;
    let json = serde_json::from_str::<Value>(&text).ok()?;
    let same = json["_meta"]["english"].as_str() == Some(english_hash);
    (same && WidgetStrings::parse(&text).is_ok()).then_some(text)
}

/// The languages with a `{code}.json` in `dir` (English among them).
async fn shipped_languages(dir: &Path) -> Result<BTreeSet<LanguageCode>, WidgetFilesError> {
    let read_error = |source| WidgetFilesError::Read {
        path: dir.to_owned(),
        source,
    };
    let mut entries = tokio::fs::read_dir(dir).await.map_err(read_error)?;
    let mut found = BTreeSet::new();
    while let Some(entry) = entries.next_entry().await.map_err(read_error)? {
        let name = entry.file_name();
        let Some(code) = name.to_str().and_then(|n| n.strip_suffix(".json")) else {
            continue;
        };
        if let Ok(code) = LanguageCode::parse(code) {
            found.insert(code);
        }
    }
    Ok(found)
}

async fn read(path: &Path) -> Result<String, WidgetFilesError> {
    tokio::fs::read_to_string(path)
        .await
        .map_err(|source| WidgetFilesError::Read {
            path: path.to_owned(),
            source,
        })
}

async fn write(path: &Path, bytes: &[u8]) -> Result<(), WidgetFilesError> {
    tokio::fs::write(path, bytes)
        .await
        .map_err(|source| WidgetFilesError::Write {
            path: path.to_owned(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_trait::async_trait;
    use bluelamp::translation::{OfflineFailure, OfflineTranslator, Provider, Translation};

    /// A fresh folder under the system's temporary one, removed when dropped.
    struct Folder(PathBuf);

    impl Folder {
        fn new(name: &str) -> Self {
            // Tests run in parallel in one process: a counter keeps their folders apart.
            static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let path = std::env::temp_dir()
                .join(format!("widget-files-{name}-{}-{n}", std::process::id()));
            std::fs::create_dir_all(path.join("strings")).unwrap();
            Self(path)
        }
    }

    impl Drop for Folder {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// A widget folder with English and a Welsh file people wrote.
    fn widget() -> Folder {
        let dir = Folder::new("widget");
        std::fs::write(
            dir.0.join("strings/en.json"),
            r#"{"_meta":{"language":"en"},"launcher":"Live chat","place":"You are number {position} in the queue"}"#,
        )
        .unwrap();
        std::fs::write(
            dir.0.join("strings/cy.json"),
            r#"{"_meta":{"language":"cy"},"launcher":"Sgwrs fyw"}"#,
        )
        .unwrap();
        dir
    }

    fn json(path: &Path) -> Value {
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[tokio::test]
    async fn every_supported_language_without_its_own_file_gets_one_and_the_list_is_the_service_list(
    ) {
        let widget = widget();
        let out = Folder::new("out");
        let offline = Arc::new(OfflineTranslator::new());
        let done = write_widget_files(offline.clone(), &widget.0, &out.0, None)
            .await
            .unwrap();

        assert_eq!(json(&out.0.join("languages.json")), language_list_json());
        let codes: Vec<&str> = done.shipped.iter().map(|c| c.as_str()).collect();
        assert_eq!(codes, ["cy", "en"]);
        assert_eq!(done.translated.len(), supported_languages().len() - 2);
        assert!(done.left_in_english.is_empty());
        // Two texts per language: one call each, none for English or Welsh.
        assert_eq!(offline.calls(), 2 * done.translated.len());
        for info in supported_languages() {
            let path = out.0.join(format!("strings/{}.json", info.code));
            if info.code == "en" || info.code == "cy" {
                assert!(!path.exists(), "{} has its own file", info.code);
                continue;
            }
            let file = WidgetStrings::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
            assert_eq!(file.language.as_str(), info.code);
            assert_eq!(
                file.texts["place"],
                format!(
                    "[{} ← en, not translated] You are number {{position}} in the queue",
                    info.code
                ),
                "the placeholder survives translation"
            );
            assert_eq!(file.texts.len(), 2);
        }
    }

    #[tokio::test]
    async fn writing_into_the_widget_folder_itself_leaves_the_files_people_wrote_alone() {
        let widget = widget();
        let welsh = std::fs::read_to_string(widget.0.join("strings/cy.json")).unwrap();
        write_widget_files(
            Arc::new(OfflineTranslator::new()),
            &widget.0,
            &widget.0,
            None,
        )
        .await
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(widget.0.join("strings/cy.json")).unwrap(),
            welsh
        );
        assert!(widget.0.join("strings/pl.json").exists());
    }

    #[tokio::test]
    async fn a_file_from_the_last_upload_made_from_the_same_english_is_kept_and_costs_nothing() {
        let widget = widget();
        let first = Folder::new("first");
        let offline = Arc::new(OfflineTranslator::new());
        write_widget_files(offline.clone(), &widget.0, &first.0, None)
            .await
            .unwrap();
        let first_calls = offline.calls();
        // The bucket's Polish file was edited by hand since: kept as it is, not re-made.
        let polish = first.0.join("strings/pl.json");
        let mut edited = json(&polish);
        edited["launcher"] = Value::String("Czat na żywo".to_owned());
        std::fs::write(&polish, edited.to_string()).unwrap();
        // One file of the last upload is not a strings file at all: made again.
        std::fs::write(first.0.join("strings/ro.json"), "not json").unwrap();

        let second = Folder::new("second");
        let done = write_widget_files(
            offline.clone(),
            &widget.0,
            &second.0,
            Some(&first.0.join("strings")),
        )
        .await
        .unwrap();
        let translated: Vec<&str> = done.translated.iter().map(|c| c.as_str()).collect();
        assert_eq!(translated, ["ro"]);
        assert_eq!(done.kept.len(), supported_languages().len() - 3);
        assert_eq!(
            offline.calls() - first_calls,
            2,
            "only Romanian's two texts"
        );
        assert_eq!(
            json(&second.0.join("strings/pl.json"))["launcher"],
            "Czat na żywo"
        );

        // The English changes: every file is made again.
        std::fs::write(
            widget.0.join("strings/en.json"),
            r#"{"launcher":"Chat to us","place":"You are number {position} in the queue"}"#,
        )
        .unwrap();
        let third = Folder::new("third");
        let done = write_widget_files(
            offline.clone(),
            &widget.0,
            &third.0,
            Some(&second.0.join("strings")),
        )
        .await
        .unwrap();
        assert!(done.kept.is_empty());
        assert_eq!(done.translated.len(), supported_languages().len() - 2);
        assert_ne!(
            json(&third.0.join("strings/pl.json"))["_meta"]["english"],
            json(&second.0.join("strings/pl.json"))["_meta"]["english"]
        );
    }

    /// Refuses one language for good; translates the rest (offline).
    struct RefusesPolish(OfflineTranslator);

    #[async_trait]
    impl Translator for RefusesPolish {
        async fn translate(
            &self,
            text: &str,
            from: &LanguageCode,
            to: &LanguageCode,
        ) -> Result<Translation, TranslateError> {
            if to.as_str() == "pl" {
                return Err(TranslateError::UnsupportedPair {
                    from: from.clone(),
                    to: to.clone(),
                    source: None,
                });
            }
            self.0.translate(text, from, to).await
        }
    }

    #[tokio::test]
    async fn a_language_no_provider_here_translates_stays_in_english_and_the_rest_are_written() {
        let widget = widget();
        let out = Folder::new("out-refused");
        let done = write_widget_files(
            Arc::new(RefusesPolish(OfflineTranslator::new())),
            &widget.0,
            &out.0,
            None,
        )
        .await
        .unwrap();
        let left: Vec<&str> = done.left_in_english.iter().map(|c| c.as_str()).collect();
        assert_eq!(left, ["pl"]);
        assert!(!out.0.join("strings/pl.json").exists());
        assert!(out.0.join("strings/ro.json").exists());
        assert_eq!(done.translated.len(), supported_languages().len() - 3);
    }

    #[tokio::test]
    async fn an_outage_fails_the_run_rather_than_dropping_languages_silently() {
        let widget = widget();
        let out = Folder::new("out-outage");
        let err = write_widget_files(
            Arc::new(OfflineTranslator::failing(OfflineFailure::Unavailable)),
            &widget.0,
            &out.0,
            None,
        )
        .await
        .unwrap_err();
        match err {
            WidgetFilesError::Translate { source, .. } => {
                assert!(source.is_retryable());
                assert!(matches!(
                    source,
                    TranslateError::Unavailable {
                        provider: Provider::Offline,
                        ..
                    }
                ));
            }
            other => panic!("expected a translation failure, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn an_english_file_that_is_not_texts_is_refused_with_its_path() {
        let widget = widget();
        std::fs::write(widget.0.join("strings/en.json"), r#"{"launcher": 1}"#).unwrap();
        let out = Folder::new("out-bad");
        let err = write_widget_files(Arc::new(OfflineTranslator::new()), &widget.0, &out.0, None)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, WidgetFilesError::English { path, .. } if path.ends_with("en.json")),
            "{err:?}"
        );
        assert!(!out.0.join("languages.json").exists(), "nothing written");
    }

    /// The shipped web/widget/strings/en.json goes through as a whole.
    #[tokio::test]
    async fn the_real_english_file_translates_into_every_language() {
        let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/widget");
        let out = Folder::new("out-real");
        let done = write_widget_files(Arc::new(OfflineTranslator::new()), &real, &out.0, None)
            .await
            .unwrap();
        assert!(done.shipped.len() >= 10, "{:?}", done.shipped);
        assert_eq!(
            done.translated.len() + done.shipped.len(),
            supported_languages().len()
        );
        let english =
            WidgetStrings::parse(&std::fs::read_to_string(real.join("strings/en.json")).unwrap())
                .unwrap();
        let somali =
            WidgetStrings::parse(&std::fs::read_to_string(out.0.join("strings/so.json")).unwrap())
                .unwrap();
        assert_eq!(
            somali.texts.keys().collect::<Vec<_>>(),
            english.texts.keys().collect::<Vec<_>>()
        );
    }
}
