//! Browsers (CORS). The force's report form and the operator console are pages on other origins
//! than the API; a browser lets their scripts read a reply only if the reply names their origin
//! (`Access-Control-Allow-Origin`), and asks first with a preflight `OPTIONS` before a request
//! that is not "simple" (a JSON body, an `Authorization` header).
//!
//! The rules: each audience (the public form, the operator console) has its own list of exact
//! origins, read at start; never `*` (a police API names the pages that may use it) and never
//! credentials (operators send a bearer token, not a cookie, so there is nothing for
//! `Access-Control-Allow-Credentials` to allow). A request from any other origin, or with no
//! `Origin`, is answered as it would be without CORS, only without the headers: CORS is the
//! browser's to enforce, and servers and `curl` do not send `Origin`.

use crate::problem::{no_content, Problem};
use lambda_http::http::{header, HeaderMap, HeaderValue, Method};
use lambda_http::{Body, Response};
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;
use tracing::info;

/// How long a browser may reuse a successful preflight (seconds).
pub const PREFLIGHT_MAX_AGE_SECS: u32 = 600;

/// Why an origin in the configuration is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OriginError {
    #[error("an entry is empty")]
    Empty,
    #[error("`*` is not allowed: name each origin")]
    Wildcard,
    #[error("it must begin with https:// (http:// only for localhost)")]
    Scheme,
    #[error("http:// is only for localhost, 127.0.0.1 or [::1]; use https://")]
    Insecure,
    #[error("it has a user name")]
    UserInfo,
    #[error(
        "it has a path, query or fragment (even a final '/'): an origin is scheme://host[:port]"
    )]
    Path,
    #[error("the host is not a domain name or an IP address")]
    Host,
    #[error("the port is not a number from 1 to 65535")]
    Port,
}

/// One bad entry of an origin list, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin:?}: {reason}")]
pub struct InvalidOrigin {
    pub origin: String,
    pub reason: OriginError,
}

/// A web origin as a browser writes it in `Origin`: `scheme://host[:port]`, lower case, the
/// port left out when it is the scheme's default.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin(String);

impl Origin {
    /// Reads one origin strictly: `https://host[:port]` (`http://` only for a loopback host,
    /// for local development); no wildcard, user name, path (not even `/`), query or fragment.
    pub fn parse(text: &str) -> Result<Self, OriginError> {
        if text.is_empty() {
            return Err(OriginError::Empty);
        }
        if text.contains('*') {
            return Err(OriginError::Wildcard);
        }
        let (scheme, rest) = text.split_once("://").ok_or(OriginError::Scheme)?;
        let scheme = scheme.to_ascii_lowercase();
        let default_port = match scheme.as_str() {
            "https" => 443,
            "http" => 80,
            _ => return Err(OriginError::Scheme),
        };
        if rest.contains('@') {
            return Err(OriginError::UserInfo);
        }
        if rest.contains(['/', '?', '#']) {
            return Err(OriginError::Path);
        }
        let (host, port) = split_host_port(rest)?;
        if scheme == "http" && !host.is_loopback() {
            return Err(OriginError::Insecure);
        }
        Ok(Self(match port {
            Some(port) if port != default_port => format!("{scheme}://{host}:{port}"),
            _ => format!("{scheme}://{host}"),
        }))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `host[:port]`, the host of an IPv6 address in brackets (and only that).
fn split_host_port(authority: &str) -> Result<(Host, Option<u16>), OriginError> {
    let (host, port) = match authority.strip_prefix('[') {
        Some(bracketed) => {
            let (address, after) = bracketed.split_once(']').ok_or(OriginError::Host)?;
            let v6 = address.parse::<Ipv6Addr>().map_err(|_| OriginError::Host)?;
            let port = match after {
                "" => None,
                _ => Some(after.strip_prefix(':').ok_or(OriginError::Host)?),
            };
            (Host::V6(v6), port)
        }
        None => match authority.split_once(':') {
            Some((host, port)) => (Host::parse(host)?, Some(port)),
            None => (Host::parse(authority)?, None),
        },
    };
    let port = match port {
        None => None,
        Some(digits) => {
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(OriginError::Port);
            }
            match digits.parse::<u16>() {
                Ok(0) | Err(_) => return Err(OriginError::Port),
                Ok(port) => Some(port),
            }
        }
    };
    Ok((host, port))
}

/// A host as a browser serialises it: a lower-case ASCII domain name (an international one in
/// its `xn--` form), a dotted IPv4 address, or an IPv6 address in brackets.
enum Host {
    Name(String),
    V4(Ipv4Addr),
    V6(Ipv6Addr),
}

impl Host {
    /// A domain name or an IPv4 address (an IPv6 address is read by `split_host_port`).
    fn parse(text: &str) -> Result<Self, OriginError> {
        let name = text.to_ascii_lowercase();
        let labels: Vec<&str> = name.split('.').collect();
        let label_ok = |l: &&str| {
            (1..=63).contains(&l.len())
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        };
        if name.len() > 253 || !labels.iter().all(label_ok) {
            return Err(OriginError::Host);
        }
        // A name whose last label is a number is an IPv4 address to a browser, or nothing.
        let numeric = |l: &&str| l.bytes().all(|b| b.is_ascii_digit());
        if labels.last().is_some_and(numeric) {
            return match name.parse::<Ipv4Addr>() {
                Ok(v4) if v4.to_string() == name => Ok(Self::V4(v4)),
                _ => Err(OriginError::Host),
            };
        }
        Ok(Self::Name(name))
    }

    fn is_loopback(&self) -> bool {
        match self {
            Self::Name(name) => name == "localhost",
            Self::V4(v4) => v4.is_loopback(),
            Self::V6(v6) => v6.is_loopback(),
        }
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Name(name) => f.write_str(name),
            Self::V4(v4) => write!(f, "{v4}"),
            Self::V6(v6) => write!(f, "[{v6}]"),
        }
    }
}

/// The origins whose pages may call one part of the API from a browser. Empty: none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedOrigins(Vec<Origin>);

impl AllowedOrigins {
    /// A comma-separated list of origins (spaces around entries allowed); blank is none. The
    /// first bad entry refuses the whole list.
    pub fn parse(list: &str) -> Result<Self, InvalidOrigin> {
        let mut origins = Self::default();
        if list.trim().is_empty() {
            return Ok(origins);
        }
        for entry in list.split(',').map(str::trim) {
            let origin = Origin::parse(entry).map_err(|reason| InvalidOrigin {
                origin: entry.to_owned(),
                reason,
            })?;
            origins.insert(origin);
        }
        Ok(origins)
    }

    /// Adds one (once).
    pub fn insert(&mut self, origin: Origin) {
        if !self.0.contains(&origin) {
            self.0.push(origin);
        }
    }

    /// Whether a request's `Origin` is one of these, exactly (browsers send it lower case,
    /// without a default port, as these are kept).
    pub fn allows(&self, origin: &str) -> bool {
        self.0.iter().any(|o| o.as_str() == origin)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Origin> {
        self.0.iter()
    }
}

impl FromStr for AllowedOrigins {
    type Err = InvalidOrigin;

    fn from_str(list: &str) -> Result<Self, Self::Err> {
        Self::parse(list)
    }
}

/// Which pages may call which part of the API from a browser.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorsOrigins {
    /// The report form's pages, for `/reports` (`REPORTS_ALLOWED_ORIGINS`).
    pub public: AllowedOrigins,
    /// The operator console's, for `/operator/...` (`CONSOLE_ALLOWED_ORIGINS`).
    pub console: AllowedOrigins,
}

/// Whom a path serves, and so which origins may call it and what they send and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Audience {
    Public,
    Console,
}

impl Audience {
    /// The request headers a page may send beyond the CORS-safelisted ones, as they are
    /// listed in `Access-Control-Allow-Headers`.
    fn allowed_headers(self) -> &'static str {
        match self {
            Self::Public => "content-type, idempotency-key",
            Self::Console => "authorization, content-type",
        }
    }

    /// The response headers beyond the CORS-safelisted ones that a page needs to read.
    fn exposed_headers(self) -> &'static str {
        match self {
            Self::Public => "Retry-After, Idempotent-Replayed",
            Self::Console => "Retry-After, WWW-Authenticate",
        }
    }

    fn origins(self, cors: &CorsOrigins) -> &AllowedOrigins {
        match self {
            Self::Public => &cors.public,
            Self::Console => &cors.console,
        }
    }
}

/// The request's `Origin` when it is one of `origins` (exactly one `Origin`, exactly equal).
fn allowed_origin<'r>(origins: &AllowedOrigins, headers: &'r HeaderMap) -> Option<&'r HeaderValue> {
    let mut all = headers.get_all(header::ORIGIN).iter();
    let origin = all.next()?;
    let single = all.next().is_none();
    (single && origin.to_str().is_ok_and(|o| origins.allows(o))).then_some(origin)
}

/// Why a preflight is refused (logged as a code; never the origin, which the caller wrote).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// No `Origin`, or one not allowed for this path.
    Origin,
    /// No `Access-Control-Request-Method`, or a method this path does not have.
    Method,
    /// A requested header the path does not take.
    Headers,
}

impl Refusal {
    fn code(self) -> &'static str {
        match self {
            Self::Origin => "origin",
            Self::Method => "method",
            Self::Headers => "headers",
        }
    }
}

/// The decision on a preflight to a path of `audience` whose one method is `method` (`None`:
/// a path under `/operator/` that does not exist, which has no method to allow).
pub(crate) fn judge_preflight<'r>(
    cors: &CorsOrigins,
    audience: Audience,
    method: Option<&Method>,
    headers: &'r HeaderMap,
) -> Result<&'r HeaderValue, Refusal> {
    let origin = allowed_origin(audience.origins(cors), headers).ok_or(Refusal::Origin)?;
    let requested = headers
        .get(header::ACCESS_CONTROL_REQUEST_METHOD)
        .and_then(|v| v.to_str().ok());
    if requested.is_none() || requested != method.map(Method::as_str) {
        return Err(Refusal::Method);
    }
    let allowed = audience.allowed_headers();
    let names_ok = headers
        .get_all(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .iter()
        .all(|v| {
            v.to_str().is_ok_and(|list| {
                list.split(',')
                    .map(str::trim)
                    .filter(|name| !name.is_empty())
                    .all(|name| allowed.split(", ").any(|a| a.eq_ignore_ascii_case(name)))
            })
        });
    if !names_ok {
        return Err(Refusal::Headers);
    }
    Ok(origin)
}

/// What a preflight varies on.
const PREFLIGHT_VARY: &str =
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";

/// The answer to a preflight: `204` with what the page may do, or `403` (a problem) and no
/// CORS headers. Neither needs a token, reads the store, writes an audit record or counts
/// against the submission limit.
pub(crate) fn preflight(
    cors: &CorsOrigins,
    audience: Audience,
    method: Option<&Method>,
    headers: &HeaderMap,
) -> Response<Body> {
    let mut resp = match judge_preflight(cors, audience, method, headers) {
        Ok(origin) => {
            let mut resp = no_content();
            let h = resp.headers_mut();
            h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
            if let Some(method) = method.and_then(|m| HeaderValue::from_str(m.as_str()).ok()) {
                h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, method);
            }
            h.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static(audience.allowed_headers()),
            );
            h.insert(
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from(PREFLIGHT_MAX_AGE_SECS),
            );
            resp
        }
        Err(refusal) => {
            info!(
                code = "cors_not_allowed",
                refused = refusal.code(),
                "preflight refused"
            );
            Problem::cors_not_allowed().into_response()
        }
    };
    resp.headers_mut()
        .insert(header::VARY, HeaderValue::from_static(PREFLIGHT_VARY));
    resp
}

/// Adds to any other response of a path of `audience`: `Vary: Origin` (the reply depends on
/// it), and when the request's origin is allowed, that origin and the headers it may read.
pub(crate) fn add_headers(
    cors: &CorsOrigins,
    audience: Audience,
    request: &HeaderMap,
    resp: &mut Response<Body>,
) {
    let h = resp.headers_mut();
    h.append(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = allowed_origin(audience.origins(cors), request) {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
        h.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(audience.exposed_headers()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORM: &str = "https://www.demo.police.uk";
    const CONSOLE: &str = "https://console.demo.police.uk";

    fn origin(text: &str) -> Result<String, OriginError> {
        Origin::parse(text).map(|o| o.as_str().to_owned())
    }

    #[test]
    fn an_origin_is_kept_as_a_browser_writes_it() {
        let cases = [
            (FORM, FORM),
            ("HTTPS://WWW.Demo.Police.UK", FORM),
            ("https://www.demo.police.uk:443", FORM),
            (
                "https://reports.demo.police.uk:8443",
                "https://reports.demo.police.uk:8443",
            ),
            (
                "https://xn--bcher-kva.example",
                "https://xn--bcher-kva.example",
            ),
            ("https://192.0.2.10", "https://192.0.2.10"),
            ("http://[0:0:0:0:0:0:0:1]:3000", "http://[::1]:3000"),
            ("http://localhost:3000", "http://localhost:3000"),
            ("http://127.0.0.1:80", "http://127.0.0.1"),
        ];
        for (text, kept) in cases {
            assert_eq!(origin(text).as_deref(), Ok(kept), "{text:?}");
        }
    }

    #[test]
    fn anything_but_an_exact_origin_is_refused_with_its_reason() {
        use OriginError::*;
        let cases = [
            ("", Empty),
            ("*", Wildcard),
            ("https://*.police.uk", Wildcard),
            ("null", Scheme),
            ("www.demo.police.uk", Scheme),
            ("ftp://www.demo.police.uk", Scheme),
            ("http://www.demo.police.uk", Insecure),
            ("http://192.0.2.10", Insecure),
            ("https://user@www.demo.police.uk", UserInfo),
            ("https://www.demo.police.uk/", Path),
            ("https://www.demo.police.uk/report", Path),
            ("https://www.demo.police.uk?a=1", Path),
            ("https://www.demo.police.uk#form", Path),
            ("https://", Host),
            ("https://www..police.uk", Host),
            ("https://www.demo.police.uk.", Host),
            ("https://-www.demo.police.uk", Host),
            ("https://www demo.police.uk", Host),
            ("https://bücher.example", Host),
            ("https://999.1.1.1", Host),
            ("https://[::1", Host),
            ("https://[localhost]", Host),
            ("https://[::1]x", Host),
            ("https://www.demo.police.uk:", Port),
            ("https://www.demo.police.uk:0", Port),
            ("https://www.demo.police.uk:65536", Port),
            ("https://www.demo.police.uk:+443", Port),
            ("https://www.demo.police.uk:44a", Port),
        ];
        for (text, reason) in cases {
            assert_eq!(origin(text), Err(reason), "{text:?}");
        }
    }

    #[test]
    fn a_list_is_comma_separated_blank_is_none_and_one_bad_entry_refuses_it() {
        let list = AllowedOrigins::parse(&format!(" {FORM} , {CONSOLE},{FORM}")).unwrap();
        let all: Vec<&str> = list.iter().map(Origin::as_str).collect();
        assert_eq!(all, [FORM, CONSOLE]);
        assert!(AllowedOrigins::parse("").unwrap().is_empty());
        assert!(AllowedOrigins::parse("  ").unwrap().is_empty());
        assert_eq!(
            AllowedOrigins::parse(&format!("{FORM}, https://*.police.uk")),
            Err(InvalidOrigin {
                origin: "https://*.police.uk".to_owned(),
                reason: OriginError::Wildcard
            })
        );
        assert_eq!(
            AllowedOrigins::parse(&format!("{FORM},"))
                .unwrap_err()
                .reason,
            OriginError::Empty
        );
    }

    #[test]
    fn a_request_s_origin_must_match_exactly() {
        let list = AllowedOrigins::parse(FORM).unwrap();
        assert!(list.allows(FORM));
        for other in [
            "https://WWW.demo.police.uk",
            "https://www.demo.police.uk:443",
            "https://www.demo.police.uk/",
            "http://www.demo.police.uk",
            "https://evil.demo.police.uk",
            "https://www.demo.police.uk.evil.example",
            "null",
            "",
        ] {
            assert!(!list.allows(other), "{other}");
        }
    }

    fn cors() -> CorsOrigins {
        CorsOrigins {
            public: AllowedOrigins::parse(FORM).unwrap(),
            console: AllowedOrigins::parse(CONSOLE).unwrap(),
        }
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    fn judge(
        audience: Audience,
        method: Option<Method>,
        pairs: &[(&str, &str)],
    ) -> Result<String, Refusal> {
        let h = headers(pairs);
        judge_preflight(&cors(), audience, method.as_ref(), &h)
            .map(|o| o.to_str().unwrap().to_owned())
    }

    #[test]
    fn a_preflight_is_allowed_only_for_its_audience_s_origin_the_path_s_method_and_its_headers() {
        use Audience::*;
        let post = Some(Method::POST);
        let form_post = [
            ("origin", FORM),
            ("access-control-request-method", "POST"),
            (
                "access-control-request-headers",
                "Content-Type,idempotency-key",
            ),
        ];
        assert_eq!(judge(Public, post.clone(), &form_post), Ok(FORM.to_owned()));
        let no_headers = &form_post[..2];
        assert_eq!(judge(Public, post.clone(), no_headers), Ok(FORM.to_owned()));

        // The console's origin is not the form's, nor the other way round.
        let console_post = [
            ("origin", CONSOLE),
            ("access-control-request-method", "POST"),
        ];
        assert_eq!(
            judge(Public, post.clone(), &console_post),
            Err(Refusal::Origin)
        );
        assert_eq!(
            judge(Console, post.clone(), no_headers),
            Err(Refusal::Origin)
        );
        assert_eq!(
            judge(
                Console,
                Some(Method::GET),
                &[
                    ("origin", CONSOLE),
                    ("access-control-request-method", "GET"),
                    ("access-control-request-headers", "authorization"),
                ]
            ),
            Ok(CONSOLE.to_owned())
        );

        let missing_origin = &form_post[1..];
        assert_eq!(
            judge(Public, post.clone(), missing_origin),
            Err(Refusal::Origin)
        );
        let twice = [
            ("origin", FORM),
            ("origin", FORM),
            ("access-control-request-method", "POST"),
        ];
        assert_eq!(judge(Public, post.clone(), &twice), Err(Refusal::Origin));

        assert_eq!(
            judge(Public, post.clone(), &[("origin", FORM)]),
            Err(Refusal::Method)
        );
        for method in ["GET", "DELETE", "post"] {
            let h = [("origin", FORM), ("access-control-request-method", method)];
            assert_eq!(
                judge(Public, post.clone(), &h),
                Err(Refusal::Method),
                "{method}"
            );
        }
        let to_nowhere = [
            ("origin", CONSOLE),
            ("access-control-request-method", "GET"),
        ];
        assert_eq!(judge(Console, None, &to_nowhere), Err(Refusal::Method));

        for asked in ["authorization", "content-type, x-requested-with"] {
            let h = [
                ("origin", FORM),
                ("access-control-request-method", "POST"),
                ("access-control-request-headers", asked),
            ];
            assert_eq!(
                judge(Public, post.clone(), &h),
                Err(Refusal::Headers),
                "{asked}"
            );
        }
    }

    fn header_of<'a>(resp: &'a Response<Body>, name: &str) -> Option<&'a str> {
        resp.headers().get(name).and_then(|v| v.to_str().ok())
    }

    /// `problem` as answered on a path of `audience` to a request with `request` headers.
    fn answered(problem: Problem, audience: Audience, request: &[(&str, &str)]) -> Response<Body> {
        let mut resp = problem.into_response();
        add_headers(&cors(), audience, &headers(request), &mut resp);
        resp
    }

    #[test]
    fn an_answer_to_an_allowed_origin_names_it_and_what_it_may_read_and_never_credentials() {
        let resp = answered(
            Problem::rate_limited(),
            Audience::Public,
            &[("origin", FORM)],
        );
        assert_eq!(header_of(&resp, "access-control-allow-origin"), Some(FORM));
        assert_eq!(
            header_of(&resp, "access-control-expose-headers"),
            Some("Retry-After, Idempotent-Replayed")
        );
        assert_eq!(header_of(&resp, "vary"), Some("Origin"));
        assert_eq!(header_of(&resp, "access-control-allow-credentials"), None);

        let resp = answered(
            Problem::unauthorized(),
            Audience::Console,
            &[("origin", CONSOLE)],
        );
        assert_eq!(
            header_of(&resp, "access-control-expose-headers"),
            Some("Retry-After, WWW-Authenticate")
        );

        let others: [&[(&str, &str)]; 2] = [&[("origin", CONSOLE)], &[]];
        for request in others {
            let resp = answered(Problem::rate_limited(), Audience::Public, request);
            assert_eq!(header_of(&resp, "vary"), Some("Origin"));
            let cors_headers = resp
                .headers()
                .keys()
                .filter(|k| k.as_str().starts_with("access-control-"))
                .count();
            assert_eq!(cors_headers, 0);
        }
    }
}
