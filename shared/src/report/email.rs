//! Email addresses as people type them into forms: `local@domain.tld`, ASCII (an
//! internationalised domain in its `xn--` form), at most 254 characters; the domain is
//! lower-cased, the local part kept as given. Deliverability is not checked here.

use super::error::FieldRule;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Enter an email address, like name@example.com")]
pub struct EmailError;

impl FieldRule for EmailError {
    fn code(&self) -> &'static str {
        "invalid_email"
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

/// RFC 5322 `atext` plus the dot, which is checked for position separately.
fn local_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~-.".contains(&b)
}

fn label_ok(l: &str) -> bool {
    !l.is_empty()
        && l.len() <= 63
        && !l.starts_with('-')
        && !l.ends_with('-')
        && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

impl Email {
    pub fn parse(s: &str) -> Result<Self, EmailError> {
        let s = s.trim();
        if s.len() > 254 {
            return Err(EmailError);
        }
        let (local, domain) = s.split_once('@').ok_or(EmailError)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && local.bytes().all(local_char)
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..");
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| label_ok(l))
            && labels
                .last()
                .is_some_and(|tld| tld.len() >= 2 && !tld.bytes().all(|b| b.is_ascii_digit()));
        if !local_ok || !domain_ok {
            return Err(EmailError);
        }
        Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_addresses_are_accepted_with_the_domain_lower_cased() {
        let cases = [
            ("ann@example.com", "ann@example.com"),
            (
                "  Ann.Lee+police@Example.CO.UK ",
                "Ann.Lee+police@example.co.uk",
            ),
            ("o'brien@mail.example.org", "o'brien@mail.example.org"),
            ("x@xn--bcher-kva.example", "x@xn--bcher-kva.example"),
            (
                "a_b-c@sub-domain.example.net",
                "a_b-c@sub-domain.example.net",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(
                Email::parse(input).map(|e| e.0),
                Ok(want.to_owned()),
                "{input}"
            );
        }
    }

    #[test]
    fn malformed_addresses_are_refused() {
        let long_local = format!("{}@example.com", "a".repeat(65));
        let long_total = format!("a@{}.com", "b".repeat(260));
        let cases = [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example", // no dot in the domain
            "ann@@example.com",
            "ann@exa mple.com",
            "an n@example.com",
            ".ann@example.com",
            "ann.@example.com",
            "a..nn@example.com",
            "ann@-example.com",
            "ann@example-.com",
            "ann@example..com",
            "ann@example.c",
            "ann@127.0.0.1",
            "ann@[127.0.0.1]",
            "anné@example.com",
            "ann@exämple.com",
            "<script>@example.com",
            long_local.as_str(),
            long_total.as_str(),
        ];
        for input in cases {
            assert_eq!(Email::parse(input), Err(EmailError), "{input}");
        }
    }
}
