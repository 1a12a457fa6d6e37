//! The service's TLS certificate, replaceable while it runs.
//!
//! Certificates are renewed every few months (every few weeks with ACME);
//! restarting every instance for each renewal is a maintenance window for
//! nothing. The rustls configuration therefore asks [`ReloadingCert`] for
//! the certificate on each handshake: a reload swaps what new connections
//! get, while connections already open keep the session they negotiated.
//!
//! A reload reads the certificate chain and key files again and checks them
//! before anything changes: both parse, the key is the certificate's key,
//! and the certificate is valid now. A pair that fails (a half-copied file,
//! the key of another certificate, an expired certificate) is refused with
//! an error in the log and the certificate in use keeps serving; the same
//! bad pair is reported once, not on every check.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::SystemTime;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use sha2::{Digest, Sha256};
use tokio_rustls::TlsAcceptor;

/// A certificate chain and key read from PEM files, re-read on demand.
#[derive(Debug)]
pub struct ReloadingCert {
    cert_path: PathBuf,
    key_path: PathBuf,
    provider: Arc<CryptoProvider>,
    current: RwLock<Arc<CertifiedKey>>,
    /// Digest of the file contents last looked at (served or refused), so an
    /// unchanged pair costs two small reads and no parsing.
    seen: Mutex<[u8; 32]>,
}

/// What a [`ReloadingCert::reload`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reload {
    /// The files did not change since the last look.
    Unchanged,
    /// New connections get the new certificate.
    Replaced,
    /// The new files were refused (the reason); the old certificate serves on.
    Refused(String),
}

impl ReloadingCert {
    /// Reads and checks the pair; an error here stops the service at start.
    pub fn load(cert_path: &Path, key_path: &Path) -> Result<Arc<ReloadingCert>, String> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let (digest, certified) = read_pair(cert_path, key_path, &provider)?;
        Ok(Arc::new(ReloadingCert {
            cert_path: cert_path.to_path_buf(),
            key_path: key_path.to_path_buf(),
            provider,
            current: RwLock::new(Arc::new(certified)),
            seen: Mutex::new(digest),
        }))
    }

    /// Re-reads the files; swaps the certificate if they changed and pass
    /// the checks, else keeps the one in use (logging why, once per pair).
    pub fn reload(&self) -> Reload {
        let digest = match files_digest(&self.cert_path, &self.key_path) {
            Ok(d) => d,
            Err(reason) => return self.refused(None, reason),
        };
        if *self.seen.lock().unwrap_or_else(|e| e.into_inner()) == digest {
            return Reload::Unchanged;
        }
        match read_pair(&self.cert_path, &self.key_path, &self.provider) {
            Ok((digest, certified)) => {
                *self.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(certified);
                *self.seen.lock().unwrap_or_else(|e| e.into_inner()) = digest;
                tracing::info!(cert = %self.cert_path.display(), "TLS certificate reloaded");
                Reload::Replaced
            }
            Err(reason) => self.refused(Some(digest), reason),
        }
    }

    fn refused(&self, digest: Option<[u8; 32]>, reason: String) -> Reload {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        // A pair that cannot even be read is reported on every check (it
        // may be a transient state); a readable bad pair only once.
        let new = digest.is_none_or(|d| *seen != d);
        if let Some(d) = digest {
            *seen = d;
        }
        if new {
            tracing::error!(
                cert = %self.cert_path.display(),
                key = %self.key_path.display(),
                %reason,
                "new TLS certificate/key refused; the certificate in use keeps serving"
            );
        }
        Reload::Refused(reason)
    }

    /// The certificate new connections get.
    pub fn current(&self) -> Arc<CertifiedKey> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// A TLS acceptor (TLS 1.2 and 1.3, HTTP/1.1 by ALPN) whose every
    /// handshake takes the certificate current at that moment.
    pub fn acceptor(self: &Arc<Self>) -> Result<TlsAcceptor, String> {
        let mut config = rustls::ServerConfig::builder_with_provider(self.provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_no_client_auth()
            .with_cert_resolver(self.clone());
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(TlsAcceptor::from(Arc::new(config)))
    }
}

impl ResolvesServerCert for ReloadingCert {
    fn resolve(&self, _client_hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current())
    }
}

fn files_digest(cert: &Path, key: &Path) -> Result<[u8; 32], String> {
    let mut hash = Sha256::new();
    for path in [cert, key] {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        hash.update((bytes.len() as u64).to_be_bytes());
        hash.update(&bytes);
    }
    Ok(hash.finalize().into())
}

/// Reads the pair and checks it: the files' digest and the certified key.
fn read_pair(
    cert: &Path,
    key: &Path,
    provider: &CryptoProvider,
) -> Result<([u8; 32], CertifiedKey), String> {
    let digest = files_digest(cert, key)?;
    let certs = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("{}: {e}", cert.display()))?;
    let Some(leaf) = certs.first() else {
        return Err(format!("{}: no certificate", cert.display()));
    };
    check_validity(leaf, SystemTime::now()).map_err(|e| format!("{}: {e}", cert.display()))?;
    let private =
        PrivateKeyDer::from_pem_file(key).map_err(|e| format!("{}: {e}", key.display()))?;
    let certified = CertifiedKey::from_der(certs, private, provider)
        .map_err(|e| format!("{} and {}: {e}", cert.display(), key.display()))?;
    // `from_der` lets a key whose public half it cannot see through; we
    // insist, so the key of another certificate is never installed.
    certified
        .keys_match()
        .map_err(|e| format!("{} and {}: {e}", cert.display(), key.display()))?;
    Ok((digest, certified))
}

/// Refuses a certificate outside its validity window: installing one would
/// make every client fail until the next reload.
fn check_validity(leaf: &CertificateDer<'_>, now: SystemTime) -> Result<(), String> {
    use x509_cert::der::Decode;
    let parsed = x509_cert::Certificate::from_der(leaf.as_ref())
        .map_err(|e| format!("certificate does not parse: {e}"))?;
    let validity = &parsed.tbs_certificate.validity;
    if now < validity.not_before.to_system_time() {
        return Err(format!(
            "certificate not valid before {}",
            validity.not_before
        ));
    }
    if now >= validity.not_after.to_system_time() {
        return Err(format!("certificate expired at {}", validity.not_after));
    }
    Ok(())
}
