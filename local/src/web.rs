//! The web pages (`web/` at the top of the workspace) as the hosting serves them: the embed
//! script, the widget's frame, the report forms, the console and a demo force page, each with
//! its Content-Security-Policy, plus the `config.json` each page reads and the widget's texts
//! in any language (a file where the force ships one, else translated once and cached).

use crate::Gateway;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use bluelamp::domain::LanguageCode;
use bluelamp::translation::{translate_strings, WidgetStrings};
use std::path::{Component, PathBuf};
use std::sync::Arc;

/// The pages' folder in this workspace (the binary is run from a checkout).
pub fn default_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../web"))
}

/// The surfaces, each with its own policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    /// `widget.js`, run by the force's page: only its own origin's script.
    Embed,
    /// The widget's frame: may talk to the public API only, and be framed by the force's sites.
    Widget,
    Report,
    Console,
    /// The demo force home page: a stand-in for the force's site, on the other origin.
    Demo,
}

/// What a page's policy names: the gateway's addresses and the force's sites.
#[derive(Debug, Clone)]
pub struct Origins {
    /// `http://127.0.0.1:PORT`: the widget, the APIs.
    pub gateway: String,
    /// `ws://127.0.0.1:PORT`.
    pub gateway_ws: String,
    /// The force's sites that may frame the widget (the demo page's origin among them).
    pub force_sites: Vec<String>,
}

impl Origins {
    pub fn new(port: u16, extra_force_sites: &[String]) -> Self {
        let mut force_sites = vec![
            format!("http://localhost:{port}"),
            format!("http://127.0.0.1:{port}"),
        ];
        force_sites.extend(extra_force_sites.iter().cloned());
        Self {
            gateway: format!("http://127.0.0.1:{port}"),
            gateway_ws: format!("ws://127.0.0.1:{port}"),
            force_sites,
        }
    }

    /// The Content-Security-Policy of a surface: no inline script or style anywhere, each
    /// page connecting only to the APIs it uses.
    pub fn policy(&self, surface: Surface) -> String {
        let Origins {
            gateway,
            gateway_ws,
            force_sites,
        } = self;
        let base = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                    font-src 'self'; base-uri 'none'; form-action 'self'";
        match surface {
            Surface::Embed => format!("{base}; frame-ancestors 'none'"),
            Surface::Widget => format!(
                "{base}; connect-src 'self' {gateway} {gateway_ws}/public; frame-ancestors {}",
                force_sites.join(" ")
            ),
            Surface::Report => format!("{base}; connect-src 'self' {gateway}; frame-ancestors 'none'"),
            Surface::Console => format!(
                "{base}; connect-src 'self' {gateway} {gateway_ws}/operator; frame-ancestors 'none'"
            ),
            Surface::Demo => format!(
                "default-src 'none'; script-src 'self' {gateway}; style-src 'self'; img-src 'self'; \
                 frame-src {gateway}; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
            ),
        }
    }
}

/// Where the pages are and what their policies name.
#[derive(Debug, Clone)]
pub struct Web {
    pub dir: PathBuf,
    pub origins: Origins,
}

pub fn routes(gw: Arc<Gateway>) -> Router {
    Router::new()
        .route("/widget.js", get(embed_script))
        .route("/widget/languages.json", get(widget_languages))
        .route("/widget/strings/{file}", get(widget_strings))
        .route("/report/config.json", get(report_config))
        .route("/console/config.json", get(console_config))
        .route("/{surface}", get(to_folder))
        .route("/{surface}/", get(index_of))
        .route("/{surface}/{*path}", get(file_of))
        .with_state(gw)
}

fn surface_of(name: &str) -> Option<Surface> {
    match name {
        "widget" => Some(Surface::Widget),
        "report" => Some(Surface::Report),
        "console" => Some(Surface::Console),
        "demo" => Some(Surface::Demo),
        _ => None,
    }
}

async fn embed_script(State(gw): State<Arc<Gateway>>) -> Response {
    serve(&gw.web, Surface::Embed, "widget.js").await
}

/// `/report` is `/report/`: the pages' own files are relative to the folder.
async fn to_folder(Path(surface): Path<String>) -> Response {
    match surface_of(&surface) {
        Some(_) => axum::response::Redirect::permanent(&format!("/{surface}/")).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn index_of(State(gw): State<Arc<Gateway>>, Path(surface): Path<String>) -> Response {
    match surface_of(&surface) {
        Some(s) => serve(&gw.web, s, &format!("{surface}/index.html")).await,
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn file_of(
    State(gw): State<Arc<Gateway>>,
    Path((surface, path)): Path<(String, String)>,
) -> Response {
    match surface_of(&surface) {
        Some(s) => serve(&gw.web, s, &format!("{surface}/{path}")).await,
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// A file under the pages' folder: only plain relative paths (no `..`, no hidden files), so
/// nothing outside `web/` can be read.
fn safe_path(web: &Web, relative: &str) -> Option<PathBuf> {
    let rel = std::path::Path::new(relative);
    let plain = rel.components().all(|c| match c {
        Component::Normal(part) => !part.to_string_lossy().starts_with('.'),
        _ => false,
    });
    plain.then(|| web.dir.join(rel))
}

fn content_type(path: &std::path::Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

async fn serve(web: &Web, surface: Surface, relative: &str) -> Response {
    let Some(path) = safe_path(web, relative) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match tokio::fs::read(&path).await {
        Ok(body) => {
            let mut headers = page_headers(web, surface);
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(content_type(&path)),
            );
            (headers, body).into_response()
        }
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The headers of every page: its policy, and what the hosting's response-headers policy sets.
fn page_headers(web: &Web, surface: Surface) -> HeaderMap {
    let mut h = HeaderMap::new();
    let policy = web.origins.policy(surface);
    if let Ok(v) = HeaderValue::from_str(&policy) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if surface != Surface::Widget {
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    h.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static(match surface {
            // The console opens nothing that needs a handle back to it.
            Surface::Console | Surface::Report => "same-origin",
            _ => "unsafe-none",
        }),
    );
    h
}

fn json_response(web: &Web, surface: Surface, value: serde_json::Value) -> Response {
    let mut headers = page_headers(web, surface);
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    (headers, value.to_string()).into_response()
}

async fn report_config(State(gw): State<Arc<Gateway>>) -> Response {
    let o = &gw.web.origins;
    json_response(
        &gw.web,
        Surface::Report,
        serde_json::json!({ "reportsApi": o.gateway }),
    )
}

async fn console_config(State(gw): State<Arc<Gateway>>) -> Response {
    let o = &gw.web.origins;
    json_response(
        &gw.web,
        Surface::Console,
        serde_json::json!({
            "operatorWs": format!("{}/operator", o.gateway_ws),
            "reportsApi": o.gateway,
            "signIn": {
                "kind": "local",
                "tokenUrl": format!("{}{}/token", o.gateway, crate::signin::LOCAL_ISSUER_PATH),
            },
            // The reply in the citizen's language before sending: one paid translation per
            // pause in typing when deployed; a force may turn it off.
            "previewReplies": true,
        }),
    )
}

/// `GET /widget/languages.json`: the widget's language list, the same JSON that the upload
/// writes into the web bucket (`widget-strings`).
async fn widget_languages(State(gw): State<Arc<Gateway>>) -> Response {
    json_response(
        &gw.web,
        Surface::Widget,
        bluelamp::translation::language_list_json(),
    )
}

/// `GET /widget/strings/{language}.json`: the force's file for the language when it ships
/// one; otherwise the English texts through the translation path (the cached translator, so
/// each text is translated once per language), marked as machine translated. Deployed, the
/// upload writes these files into the web bucket instead (`widget-strings`).
async fn widget_strings(State(gw): State<Arc<Gateway>>, Path(file): Path<String>) -> Response {
    let Some(code) = file.strip_suffix(".json") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(language) = LanguageCode::parse(code) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let shipped = |lang: &str| safe_path(&gw.web, &format!("widget/strings/{lang}.json"));
    if let Some(path) = shipped(language.as_str()) {
        if path.exists() {
            return serve(
                &gw.web,
                Surface::Widget,
                &format!("widget/strings/{}.json", language.as_str()),
            )
            .await;
        }
    }
    let Some(english_path) = shipped("en") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let english = match tokio::fs::read_to_string(&english_path).await {
        Ok(text) => match WidgetStrings::parse(&text) {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "the widget's English strings do not parse");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        },
        Err(_) => return StatusCode::NOT_FOUND.into_response(),
    };
    if bluelamp::translation::language_info(&language).is_none() {
        return StatusCode::NOT_FOUND.into_response();
    }
    match translate_strings(gw.fixed_texts.as_ref(), &english, &language).await {
        Ok(strings) => json_response(&gw.web, Surface::Widget, strings.to_json()),
        Err(e) => {
            tracing::warn!(language = %language, error = %e, "widget strings not translated");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn web() -> Web {
        Web {
            dir: default_dir(),
            origins: Origins::new(8080, &["https://www.force.example".to_owned()]),
        }
    }

    #[test]
    fn only_plain_paths_inside_the_folder_are_served() {
        let w = web();
        assert!(safe_path(&w, "widget/index.html").is_some());
        assert!(safe_path(&w, "widget/../../Cargo.toml").is_none());
        assert!(safe_path(&w, "/etc/passwd").is_none());
        assert!(safe_path(&w, "widget/.secret").is_none());
    }

    #[test]
    fn no_policy_allows_inline_script_or_style_and_each_names_only_its_api() {
        let o = web().origins;
        for s in [
            Surface::Embed,
            Surface::Widget,
            Surface::Report,
            Surface::Console,
            Surface::Demo,
        ] {
            let p = o.policy(s);
            assert!(!p.contains("unsafe-inline"), "{s:?}: {p}");
            assert!(!p.contains("unsafe-eval"), "{s:?}: {p}");
        }
        let widget = o.policy(Surface::Widget);
        assert!(widget.contains("ws://127.0.0.1:8080/public"));
        assert!(!widget.contains("/operator"));
        assert!(widget.contains(
            "frame-ancestors http://localhost:8080 http://127.0.0.1:8080 https://www.force.example"
        ));
        let console = o.policy(Surface::Console);
        assert!(console.contains("ws://127.0.0.1:8080/operator"));
        assert!(console.contains("frame-ancestors 'none'"));
        assert!(!console.contains("/public"));
    }
}
