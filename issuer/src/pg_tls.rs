//! TLS to PostgreSQL (rustls), chosen in the `database` URL with libpq's
//! own parameters, so an operator writes what `psql` understands:
//!
//! `postgres://elicence@db.internal/elicence?sslmode=verify-full&sslrootcert=/etc/elicence/db-ca.pem`
//!
//! * `sslmode=verify-full` with `sslrootcert=PEM`: TLS is required, the
//!   server's certificate must chain to a certificate in the PEM file and
//!   name the host of the URL. No fallback to plain text.
//! * `sslmode=disable`, `allow`, `prefer`, or none: plain text (as before;
//!   keep PostgreSQL on a private network or a local socket).
//! * `require` and `verify-ca` encrypt without checking whom they talk to
//!   (a man in the middle can read every key and licence), so they are
//!   refused with a message naming `verify-full`.

use std::future::Future;
use std::io;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use postgres::tls::{ChannelBinding, MakeTlsConnect, TlsConnect, TlsStream};
use postgres::Socket;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::error::IssuerError;

/// How to reach the server: the URL to give the client (TLS parameters
/// replaced by what it understands) and the TLS connector, if any.
pub struct Target {
    /// The URL without `sslrootcert`, `sslmode` mapped for the client.
    pub url: String,
    /// The verifying connector when `sslmode=verify-full`.
    pub tls: Option<RustlsConnect>,
}

fn config_error(reason: String) -> IssuerError {
    IssuerError::Config {
        path: "database".into(),
        reason,
    }
}

/// Reads `sslmode` and `sslrootcert` from a `postgres://` URL.
pub fn target(url: &str) -> Result<Target, IssuerError> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok(Target {
            url: url.to_string(),
            tls: None,
        });
    };
    let mut mode = None;
    let mut root = None;
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("sslmode", v)) => mode = Some(v.to_string()),
            Some(("sslrootcert", v)) => root = Some(v.to_string()),
            _ => kept.push(pair.to_string()),
        }
    }
    let tls = match (mode.as_deref(), root) {
        (None | Some("disable" | "allow" | "prefer"), None) => None,
        (Some("verify-full"), Some(root)) => Some(RustlsConnect::from_roots(Path::new(&root))?),
        (Some("verify-full"), None) => {
            return Err(config_error(
                "sslmode=verify-full needs sslrootcert=PATH (PEM file of the CA that signed \
                 the server's certificate)"
                    .into(),
            ))
        }
        (Some(m @ ("require" | "verify-ca")), _) => {
            return Err(config_error(format!(
                "sslmode={m} does not check the server's name: use sslmode=verify-full with \
                 sslrootcert=PATH"
            )))
        }
        (_, Some(_)) => {
            return Err(config_error(
                "sslrootcert is used with sslmode=verify-full only".into(),
            ))
        }
        (Some(other), None) => {
            return Err(config_error(format!(
                "sslmode={other}: use disable or verify-full"
            )))
        }
    };
    if tls.is_some() {
        kept.push("sslmode=require".into());
    } else if let Some(m) = mode {
        // disable / allow / prefer: plain text; the client knows no `allow`.
        kept.push(format!(
            "sslmode={}",
            if m == "allow" { "prefer" } else { &m }
        ));
    }
    let url = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok(Target { url, tls })
}

/// A PostgreSQL TLS connector that verifies the server against given roots
/// and the host name of the URL (rustls, ring).
#[derive(Clone)]
pub struct RustlsConnect(Arc<rustls::ClientConfig>);

impl RustlsConnect {
    /// Trusts the certificates in the PEM file `path`.
    pub fn from_roots(path: &Path) -> Result<RustlsConnect, IssuerError> {
        use rustls::pki_types::pem::PemObject;
        let bad = |e: String| config_error(format!("sslrootcert {}: {e}", path.display()));
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_file_iter(path).map_err(|e| bad(e.to_string()))? {
            roots
                .add(cert.map_err(|e| bad(e.to_string()))?)
                .map_err(|e| bad(e.to_string()))?;
        }
        if roots.is_empty() {
            return Err(bad("no certificate".into()));
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| bad(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(RustlsConnect(Arc::new(config)))
    }
}

impl MakeTlsConnect<Socket> for RustlsConnect {
    type Stream = RustlsStream;
    type TlsConnect = RustlsConnector;
    type Error = rustls::pki_types::InvalidDnsNameError;

    fn make_tls_connect(&mut self, domain: &str) -> Result<RustlsConnector, Self::Error> {
        Ok(RustlsConnector {
            config: self.0.clone(),
            name: ServerName::try_from(domain.to_string())?,
        })
    }
}

/// One connection's TLS handshake to the server named in the URL.
pub struct RustlsConnector {
    config: Arc<rustls::ClientConfig>,
    name: ServerName<'static>,
}

impl TlsConnect<Socket> for RustlsConnector {
    type Stream = RustlsStream;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<RustlsStream>> + Send>>;

    fn connect(self, stream: Socket) -> Self::Future {
        Box::pin(async move {
            tokio_rustls::TlsConnector::from(self.config)
                .connect(self.name, stream)
                .await
                .map(|s| RustlsStream(Box::new(s)))
        })
    }
}

/// A TLS stream to PostgreSQL.
pub struct RustlsStream(Box<tokio_rustls::client::TlsStream<Socket>>);

impl TlsStream for RustlsStream {
    fn channel_binding(&self) -> ChannelBinding {
        ChannelBinding::none()
    }
}

impl AsyncRead for RustlsStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for RustlsStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut *self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_urls_pass_through_and_weak_modes_are_refused() {
        let t = target("postgres://u@h/db").unwrap();
        assert!(t.tls.is_none() && t.url == "postgres://u@h/db");
        let t = target("postgres://u@h/db?sslmode=disable&connect_timeout=5").unwrap();
        assert!(t.tls.is_none());
        assert_eq!(t.url, "postgres://u@h/db?connect_timeout=5&sslmode=disable");
        for url in [
            "postgres://u@h/db?sslmode=require",
            "postgres://u@h/db?sslmode=verify-ca&sslrootcert=/x",
            "postgres://u@h/db?sslmode=verify-full",
            "postgres://u@h/db?sslrootcert=/x",
            "postgres://u@h/db?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem",
        ] {
            assert!(
                matches!(target(url), Err(IssuerError::Config { .. })),
                "{url}"
            );
        }
    }
}
