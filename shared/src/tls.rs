//! Which certificate authorities the AWS SDK clients' HTTPS connections trust.
//!
//! The SDK's default HTTPS client trusts the platform's store: when a function builds its
//! first client, rustls-native-certs reads and parses every certificate the system holds
//! (`/etc/ssl/certs`, `/etc/pki/tls`). That was 6–8 ms of a 12–14 ms start on these machines
//! (`docs/performance.md`). Every AWS endpoint these functions call (DynamoDB, the API Gateway
//! management API, Amazon Translate) presents a certificate that chains to Amazon Trust
//! Services. So by default the clients trust only its five roots, compiled into the binary:
//! nothing is read from disk at start, and a certificate from any other authority is refused,
//! even one the machine would trust.
//!
//! The two plain HTTPS clients (the JWKS fetch, Google's translation API: [`http_client_builder`])
//! call endpoints outside Amazon's roots (Google's), so by default they trust the web's public
//! authorities as Mozilla lists them, compiled in (webpki-roots): again nothing read at start.
//!
//! `TLS_ROOTS=system` makes every client trust the platform's store instead, for a network that
//! inspects TLS with its own authority, or an HTTPS test endpoint with a private one.
//! rustls-native-certs then honours `SSL_CERT_FILE` and `SSL_CERT_DIR`. Plain-HTTP endpoints
//! (moto, the local gateway) are not affected either way.

use crate::config::{ConfigError, Env};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode, TlsContext, TrustStore};
use aws_types::sdk_config::SharedHttpClient;

/// The variable that chooses the trusted roots: `amazon` (the default) or `system`.
pub const TLS_ROOTS: &str = "TLS_ROOTS";

/// The roots of Amazon Trust Services (Amazon Root CA 1–4, and the Starfield Services root
/// that cross-signs them), as PEM, with each one's name, expiry and fingerprint beside it.
pub const AMAZON_ROOTS_PEM: &str = include_str!("tls/amazon-roots.pem");

/// The authorities an SDK client's HTTPS connections trust.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TrustedRoots {
    /// Amazon Trust Services' roots, compiled in ([`AMAZON_ROOTS_PEM`]).
    #[default]
    Amazon,
    /// The platform's certificate store, read when the first client is built.
    System,
}

impl TrustedRoots {
    /// The choice `TLS_ROOTS` makes; unset is [`TrustedRoots::Amazon`].
    pub fn from_env(env: &Env<'_>) -> Result<Self, ConfigError> {
        match env.get(TLS_ROOTS).as_deref() {
            None | Some("amazon") => Ok(Self::Amazon),
            Some("system") => Ok(Self::System),
            Some(_) => Err(ConfigError::invalid(
                TLS_ROOTS,
                "expected `amazon` or `system`",
            )),
        }
    }

    fn trust_store(self) -> TrustStore {
        match self {
            Self::Amazon => TrustStore::empty().with_pem_certificate(AMAZON_ROOTS_PEM.as_bytes()),
            Self::System => TrustStore::default(),
        }
    }
}

/// The HTTPS client every SDK client of a function shares: the SDK's own (hyper, rustls with
/// aws-lc, as `default-https-client` builds it) with `roots` as its trust store. Unlike the
/// SDK's default it does not read the `HTTP(S)_PROXY` variables; a Lambda function has none.
pub fn sdk_http_client(roots: TrustedRoots) -> SharedHttpClient {
    let context = TlsContext::builder()
        .with_trust_store(roots.trust_store())
        .build()
        // `TlsContextBuilder::build` only moves its fields; the certificates are checked when
        // the first client is built (a bad compiled-in root fails the tests, never a start).
        .expect("a TLS context is built from its fields alone");
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
        .tls_context(context)
        .build_https()
}

/// A builder for a plain HTTPS client (reqwest) that trusts what `roots` chooses: the public
/// authorities compiled in (webpki-roots) by default, the platform's store with
/// [`TrustedRoots::System`]. Never both: the platform's store is read only when chosen.
#[cfg(any(feature = "jwks-fetch", feature = "google-translate"))]
pub fn http_client_builder(roots: TrustedRoots) -> reqwest::ClientBuilder {
    let system = roots == TrustedRoots::System;
    reqwest::Client::builder()
        .tls_built_in_webpki_certs(!system)
        .tls_built_in_native_certs(system)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::CertificateDer;

    #[test]
    fn the_compiled_in_roots_are_amazon_trust_services_five() {
        let roots: Vec<CertificateDer<'_>> =
            CertificateDer::pem_slice_iter(AMAZON_ROOTS_PEM.as_bytes())
                .collect::<Result<_, _>>()
                .expect("every block parses, the comments between them are skipped");
        assert_eq!(roots.len(), 5);
        for name in [
            "Amazon Root CA 1",
            "Amazon Root CA 2",
            "Amazon Root CA 3",
            "Amazon Root CA 4",
            "Starfield Services Root Certificate Authority - G2",
        ] {
            assert!(
                roots
                    .iter()
                    .filter(|der| contains(der.as_ref(), name.as_bytes()))
                    .count()
                    == 1,
                "{name} is one of the roots"
            );
        }
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn tls_roots_reads_amazon_system_or_refuses() {
        let read = |value: Option<&str>| {
            let value = value.map(str::to_owned);
            let lookup = move |var: &str| (var == TLS_ROOTS).then(|| value.clone()).flatten();
            TrustedRoots::from_env(&Env::from_lookup(&lookup))
        };
        assert_eq!(read(None), Ok(TrustedRoots::Amazon));
        assert_eq!(read(Some("amazon")), Ok(TrustedRoots::Amazon));
        assert_eq!(read(Some(" system ")), Ok(TrustedRoots::System));
        let refused = read(Some("all")).expect_err("an unknown choice is refused");
        assert!(matches!(
            refused,
            ConfigError::Invalid { var: TLS_ROOTS, .. }
        ));
        assert!(!refused.to_string().contains("all"), "{refused}");
    }
}
