//! The SDK clients trust Amazon's roots, and the plain HTTPS client the public authorities
//! compiled in, and nothing else unless `TLS_ROOTS=system` says so (`bluelamp::tls`). An HTTPS
//! endpoint whose certificate comes from a private authority is refused by default, even when
//! the machine's store (`SSL_CERT_FILE`) holds that authority, and accepted with
//! `TLS_ROOTS=system`. One test in its own binary: it sets the process's
//! `SSL_CERT_FILE`, which the platform store reads once.

use bluelamp::auth::{fetch_jwks, JwksError};
use bluelamp::config::aws_from;
use bluelamp::tls::TrustedRoots;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::{crypto::aws_lc_rs, ServerConfig};

/// A private authority and a certificate it signed for `localhost`.
struct Authority {
    pem: String,
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

fn private_authority() -> Authority {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &ca)
        .unwrap();
    Authority {
        pem: ca.pem(),
        chain: vec![leaf.der().clone(), ca.der().clone()],
        key: leaf_key.into(),
    }
}

/// An HTTPS server on localhost that answers DynamoDB's `ListTables`; it counts the
/// handshakes that succeeded.
async fn https_server(authority: &Authority) -> (String, Arc<AtomicUsize>) {
    let config = ServerConfig::builder_with_provider(Arc::new(aws_lc_rs::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(authority.chain.clone(), authority.key.clone_key())
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "https://localhost:{}",
        listener.local_addr().unwrap().port()
    );
    let handshakes = Arc::new(AtomicUsize::new(0));
    let counted = handshakes.clone();
    tokio::spawn(async move {
        loop {
            let (socket, _) = listener.accept().await.unwrap();
            let acceptor = acceptor.clone();
            let counted = counted.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(socket).await else {
                    return;
                };
                counted.fetch_add(1, Ordering::SeqCst);
                let mut seen = Vec::new();
                let mut buf = [0u8; 4096];
                while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => seen.extend_from_slice(&buf[..n]),
                    }
                }
                // A GET is the JWKS fetch (a key set with no keys); anything else is the SDK.
                let body = if seen.starts_with(b"GET ") {
                    r#"{"keys":[]}"#
                } else {
                    r#"{"TableNames":["reached"]}"#
                };
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\n\
                     content-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(reply.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (url, handshakes)
}

fn lambda_environment(endpoint: &str, tls_roots: Option<&str>) -> bluelamp::config::SharedLookup {
    let mut vars: HashMap<&str, String> = [
        ("AWS_REGION", "eu-west-2"),
        ("AWS_ACCESS_KEY_ID", "AKIDTEST"),
        ("AWS_SECRET_ACCESS_KEY", "secret"),
        ("AWS_ENDPOINT_URL", endpoint),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect();
    if let Some(roots) = tls_roots {
        vars.insert("TLS_ROOTS", roots.to_owned());
    }
    Arc::new(move |var: &str| vars.get(var).cloned())
}

#[tokio::test]
async fn a_private_authority_is_refused_unless_tls_roots_says_system() {
    let authority = private_authority();
    let dir = std::env::temp_dir().join(format!("bluelamp-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca_file = dir.join("private-ca.pem");
    std::fs::write(&ca_file, &authority.pem).unwrap();
    // The machine's store is the private authority alone (set before any client reads it).
    std::env::set_var("SSL_CERT_FILE", &ca_file);
    std::env::remove_var("SSL_CERT_DIR");
    let (url, handshakes) = https_server(&authority).await;

    // By default: Amazon's roots only, so the handshake fails and no request is made.
    let sdk = aws_from(lambda_environment(&url, None)).await.unwrap();
    let refused = aws_sdk_dynamodb::Client::new(&sdk)
        .list_tables()
        .send()
        .await
        .expect_err("a certificate outside Amazon's roots is refused");
    let cause = bluelamp::startup::chain(&refused);
    assert!(
        matches!(
            refused,
            aws_sdk_dynamodb::error::SdkError::DispatchFailure(_)
        ),
        "{cause}"
    );
    assert!(cause.contains("certificate"), "{cause}");
    assert_eq!(handshakes.load(Ordering::SeqCst), 0);

    // `TLS_ROOTS=amazon` is the same choice, said out loud.
    let sdk = aws_from(lambda_environment(&url, Some("amazon")))
        .await
        .unwrap();
    let refused = aws_sdk_dynamodb::Client::new(&sdk)
        .list_tables()
        .send()
        .await;
    assert!(refused.is_err());
    assert_eq!(handshakes.load(Ordering::SeqCst), 0);

    // `TLS_ROOTS=system`: the machine's store, which trusts the private authority.
    let sdk = aws_from(lambda_environment(&url, Some("system")))
        .await
        .unwrap();
    let tables = aws_sdk_dynamodb::Client::new(&sdk)
        .list_tables()
        .send()
        .await
        .expect("the machine's store trusts the server");
    assert_eq!(tables.table_names(), ["reached"]);
    assert_eq!(handshakes.load(Ordering::SeqCst), 1);

    // The plain HTTPS client (the JWKS fetch, Google's translation API) makes the same
    // choice: by default the public authorities compiled in, which the private one is not...
    let jwks_url = format!("{url}/.well-known/jwks.json");
    let refused = fetch_jwks(&jwks_url, TrustedRoots::Amazon)
        .await
        .expect_err("a certificate outside the public authorities is refused");
    assert!(matches!(refused, JwksError::Fetch { .. }), "{refused:?}");
    assert_eq!(handshakes.load(Ordering::SeqCst), 1);
    // ...and with `TLS_ROOTS=system`, the machine's store: the server is reached, and its
    // key set (empty) is what fails.
    let reached = fetch_jwks(&jwks_url, TrustedRoots::System)
        .await
        .expect_err("the test server's key set has no keys");
    assert!(matches!(reached, JwksError::NoUsableKeys), "{reached:?}");
    assert_eq!(handshakes.load(Ordering::SeqCst), 2);

    // Anything else stops the start with the variable's name.
    let refused = aws_from(lambda_environment(&url, Some("none")))
        .await
        .expect_err("an unknown choice is refused");
    assert!(refused.to_string().contains("TLS_ROOTS"), "{refused}");
    let _ = std::fs::remove_dir_all(&dir);
}
