//! Responses: JSON bodies, and problem bodies (`application/problem+json`) with a stable
//! `code` for every error a client can get. Every response is `no-store`: some carry personal
//! data, and none is worth caching.

use bluelamp::report::FieldError;
use lambda_http::http::{header, HeaderMap, HeaderValue, StatusCode};
use lambda_http::{Body, Response};
use serde::Serialize;

/// An error reply: `status`, a stable `code`, a human `title`, and for 400s the field errors.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub status: u16,
    pub code: &'static str,
    pub title: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl Problem {
    pub fn new(status: StatusCode, code: &'static str, title: &'static str) -> Self {
        Self {
            status: status.as_u16(),
            code,
            title,
            errors: Vec::new(),
        }
    }

    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }

    pub fn validation(errors: Vec<FieldError>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "validation_failed",
            "The request has errors",
        )
        .with_errors(errors)
    }
    pub fn invalid_query(errors: Vec<FieldError>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "The query has errors",
        )
        .with_errors(errors)
    }
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Sign in as an operator",
        )
    }
    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "You may not work on reports",
        )
    }
    /// A browser's preflight from an origin, or for a method or header, that is not allowed.
    pub fn cors_not_allowed() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "cors_not_allowed",
            "This cross-origin request is not allowed",
        )
    }
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "There is nothing here")
    }
    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "That method is not allowed here",
        )
    }
    pub fn idempotency_conflict() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "idempotency_conflict",
            "This Idempotency-Key was used for a different report",
        )
    }
    pub fn already_assessed() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "already_assessed",
            "The report has already been assessed",
        )
    }
    /// `POST /chat/quick-exit` with a body that is not `{"resumeToken": "..."}` with a
    /// well-formed token.
    pub fn malformed_quick_exit() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "malformed_quick_exit",
            "The body must be {\"resumeToken\": \"...\"}",
        )
    }
    pub fn too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "The request body is too large",
        )
    }
    pub fn unsupported_media_type() -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Send the body as application/json",
        )
    }
    pub fn rate_limited() -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "Too many reports; try again later",
        )
    }
    pub fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service_unavailable",
            "The service is unavailable; try again shortly",
        )
    }
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "Something went wrong on our side",
        )
    }

    pub fn into_response(self) -> Response<Body> {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut resp = body_response(status, &self, "application/problem+json");
        let headers = resp.headers_mut();
        match status {
            StatusCode::UNAUTHORIZED => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            StatusCode::SERVICE_UNAVAILABLE => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            }
            _ => {}
        }
        resp
    }
}

pub(crate) fn json(status: StatusCode, body: &impl Serialize) -> Response<Body> {
    body_response(status, body, "application/json")
}

/// `204`, with the headers every response has.
pub(crate) fn no_content() -> Response<Body> {
    let mut resp = Response::new(Body::Empty);
    *resp.status_mut() = StatusCode::NO_CONTENT;
    common_headers(resp.headers_mut());
    resp
}

fn body_response(
    status: StatusCode,
    body: &impl Serialize,
    content_type: &'static str,
) -> Response<Body> {
    let (status, text, content_type) = match serde_json::to_string(body) {
        Ok(text) => (status, text, content_type),
        // Our own types always serialise; this is only so that no path can panic.
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            r#"{"status":500,"code":"internal_error","title":"Something went wrong on our side"}"#
                .to_owned(),
            "application/problem+json",
        ),
    };
    let mut resp = Response::new(Body::Text(text));
    *resp.status_mut() = status;
    let headers = resp.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    common_headers(headers);
    resp
}

fn common_headers(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
}
