//! `widget-strings [--offline] [--previous DIR] WIDGET_DIR OUT_DIR`: writes the widget's
//! language list and the texts of every language without a file people wrote into OUT_DIR (a
//! copy of `web/widget/` on its way to the web bucket; `scripts/upload-web` runs it). See
//! [`translate::widget_files`].
//!
//! It translates with the translate function's providers (Amazon Translate with the caller's
//! credentials, `AWS_ENDPOINT_URL_TRANSLATE` pointing elsewhere; Google with
//! `GOOGLE_TRANSLATE_API_KEY` when set). `--previous DIR`: the strings the bucket serves now;
//! a file made from the same English is kept, so only a changed `en.json` costs translation.
//! `--offline` uses the offline stand-in instead, to see the files without AWS.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use bluelamp::translation::{OfflineTranslator, Translator};
use translate::widget_files::write_widget_files;

const USAGE: &str = "usage: widget-strings [--offline] [--previous DIR] WIDGET_DIR OUT_DIR";

#[tokio::main]
async fn main() -> ExitCode {
    bluelamp::config::init_tracing();
    let mut offline = false;
    let mut previous = None;
    let mut dirs = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--offline" => offline = true,
            "--previous" => previous = args.next().map(PathBuf::from),
            _ if arg.starts_with("--") => {
                eprintln!("widget-strings: unknown option {arg}\n{USAGE}");
                return ExitCode::from(2);
            }
            _ => dirs.push(PathBuf::from(arg)),
        }
    }
    let Ok([widget_dir, out_dir]) = <[PathBuf; 2]>::try_from(dirs) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let translator: Arc<dyn Translator> = if offline {
        Arc::new(OfflineTranslator::new())
    } else {
        let sdk = match bluelamp::config::aws().await {
            Ok(sdk) => sdk,
            Err(e) => {
                eprintln!("widget-strings: {e}");
                return ExitCode::FAILURE;
            }
        };
        match bluelamp::bootstrap::translation_provider_with(&sdk) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("widget-strings: {e}");
                return ExitCode::FAILURE;
            }
        }
    };
    match write_widget_files(translator, &widget_dir, &out_dir, previous.as_deref()).await {
        Ok(done) => {
            println!(
                "widget-strings: languages.json; {} languages translated, {} kept from the last upload, {} with their own file, {} left in English",
                done.translated.len(),
                done.kept.len(),
                done.shipped.len(),
                done.left_in_english.len()
            );
            if !done.left_in_english.is_empty() {
                let codes: Vec<&str> = done.left_in_english.iter().map(|c| c.as_str()).collect();
                println!("widget-strings: no translator here for {}", codes.join(" "));
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("widget-strings: {}", bluelamp::startup::chain(&e));
            ExitCode::FAILURE
        }
    }
}
