//! Secrets at rest and API tokens.
//!
//! * Signing keys are stored as `nonce(12) || AES-256-GCM(master, PKCS#8 DER)`
//!   with the associated data `elicence-issuer/key/v1|AGENCY|KEY_ID`, so a
//!   ciphertext cannot be moved to another agency's row or key id.
//! * API tokens are 32 random bytes (`elic_` + base64url); only their SHA-256
//!   is stored, and the stored hash is compared in constant time.

use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::config::MasterKeySource;
use crate::error::IssuerError;

/// Prefix of every API token, so leaked tokens are recognisable by scanners.
pub const TOKEN_PREFIX: &str = "elic_";

/// The 32-byte key that encrypts agencies' signing keys. Zeroised on drop;
/// `Debug` never shows it.
#[derive(Clone)]
pub struct MasterKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

impl MasterKey {
    /// Loads the key from the configured file or environment variable.
    pub fn load(source: &MasterKeySource) -> Result<MasterKey, IssuerError> {
        let text = match (&source.file, &source.env) {
            (Some(path), None) => read_key_file(path)?,
            (None, Some(var)) => Zeroizing::new(std::env::var(var).map_err(|_| {
                IssuerError::MasterKey(format!("environment variable {var} is not set"))
            })?),
            _ => {
                return Err(IssuerError::MasterKey(
                    "give exactly one of `file` or `env`".into(),
                ))
            }
        };
        MasterKey::parse(text.trim())
    }

    /// Parses 64 hex digits or base64 of 32 bytes.
    pub fn parse(text: &str) -> Result<MasterKey, IssuerError> {
        let bytes = Zeroizing::new(if text.len() == 64 {
            hex::decode(text).map_err(|_| bad_key())?
        } else {
            STANDARD
                .decode(text)
                .or_else(|_| URL_SAFE.decode(text))
                .or_else(|_| URL_SAFE_NO_PAD.decode(text))
                .map_err(|_| bad_key())?
        });
        let key: [u8; 32] = bytes.as_slice().try_into().map_err(|_| bad_key())?;
        Ok(MasterKey(Zeroizing::new(key)))
    }

    /// A fresh random key, as 64 hex digits (for `elicence-issuer init` and tests).
    pub fn generate_hex() -> Zeroizing<String> {
        let mut key = Zeroizing::new([0u8; 32]);
        OsRng.fill_bytes(key.as_mut());
        Zeroizing::new(hex::encode(key.as_ref()))
    }

    /// Whether `other` is the same key (constant time): a running service
    /// compares the configured key with the one it holds to notice a
    /// rotated master key.
    pub fn same_key(&self, other: &MasterKey) -> bool {
        use subtle::ConstantTimeEq;
        self.0.as_ref().ct_eq(other.0.as_ref()).into()
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(self.0.as_ref().into())
    }

    /// Encrypts a secret bound to `(agency, key_id)`.
    pub fn seal(&self, agency: &str, key_id: &str, secret: &[u8]) -> Result<Vec<u8>, IssuerError> {
        let mut nonce = [0u8; 12];
        OsRng.fill_bytes(&mut nonce);
        let aad = associated_data(agency, key_id);
        let sealed = self
            .cipher()
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: secret,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| IssuerError::Decrypt)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// Decrypts what [`MasterKey::seal`] produced for the same `(agency, key_id)`.
    pub fn open(
        &self,
        agency: &str,
        key_id: &str,
        sealed: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, IssuerError> {
        if sealed.len() < 12 + 16 {
            return Err(IssuerError::Decrypt);
        }
        let (nonce, ciphertext) = sealed.split_at(12);
        let aad = associated_data(agency, key_id);
        self.cipher()
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: aad.as_bytes(),
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| IssuerError::Decrypt)
    }
}

fn bad_key() -> IssuerError {
    IssuerError::MasterKey("must be 32 bytes as 64 hex digits or base64".into())
}

/// Reads the master key file, refusing one that other users can read or
/// write: whoever reads it can decrypt every agency's signing key.
fn read_key_file(path: &Path) -> Result<Zeroizing<String>, IssuerError> {
    read_secret_file(path, IssuerError::MasterKey)
}

/// Reads a file holding a secret (the master key, an HSM PIN), refusing one
/// that other users can access; `error` wraps a message that starts with the
/// file's path.
pub(crate) fn read_secret_file(
    path: &Path,
    error: impl Fn(String) -> IssuerError,
) -> Result<Zeroizing<String>, IssuerError> {
    let io_error = |e: std::io::Error| error(format!("{}: {e}", path.display()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(io_error)?
            .permissions()
            .mode();
        if mode & 0o007 != 0 {
            return Err(error(format!(
                "{}: other users may access it (mode {:03o}); run `chmod 600` on it",
                path.display(),
                mode & 0o777
            )));
        }
    }
    std::fs::read_to_string(path)
        .map(Zeroizing::new)
        .map_err(io_error)
}

/// Writes a fresh random master key (64 hex digits) to a new file created
/// with mode 0600; an existing file is never overwritten.
pub fn write_master_key_file(path: &Path) -> Result<(), IssuerError> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let io_error = |e: std::io::Error| IssuerError::MasterKey(format!("{}: {e}", path.display()));
    let mut file = options.open(path).map_err(io_error)?;
    let key = MasterKey::generate_hex();
    file.write_all(key.as_bytes()).map_err(io_error)?;
    file.write_all(b"\n").map_err(io_error)?;
    file.sync_all().map_err(io_error)
}

fn associated_data(agency: &str, key_id: &str) -> String {
    format!("elicence-issuer/key/v1|{agency}|{key_id}")
}

/// A new API token (shown once to the admin) and the hash to store.
pub fn new_token() -> (Zeroizing<String>, String) {
    let mut bytes = Zeroizing::new([0u8; 32]);
    OsRng.fill_bytes(bytes.as_mut());
    let token = Zeroizing::new(format!(
        "{TOKEN_PREFIX}{}",
        URL_SAFE_NO_PAD.encode(bytes.as_ref())
    ));
    let hash = token_hash(&token);
    (token, hash)
}

/// The stored form of a token: SHA-256, lowercase hex. A token has 256 bits
/// of entropy, so a fast hash is enough (no password stretching needed).
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Constant-time equality of two stored hashes.
pub fn hashes_equal(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// A random id for keys, tokens and requests (16 bytes, base64url).
pub fn random_id() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_keys_open_only_for_their_row() {
        let mk = MasterKey::parse(&MasterKey::generate_hex()).unwrap();
        let sealed = mk.seal("bkk", "k1", b"secret").unwrap();
        assert_eq!(mk.open("bkk", "k1", &sealed).unwrap().as_slice(), b"secret");
        assert!(mk.open("cnx", "k1", &sealed).is_err());
        assert!(mk.open("bkk", "k2", &sealed).is_err());
        let other = MasterKey::parse(&MasterKey::generate_hex()).unwrap();
        assert!(other.open("bkk", "k1", &sealed).is_err());
        assert!(mk.open("bkk", "k1", &sealed[..10]).is_err());
    }

    #[test]
    fn master_key_formats() {
        let hexkey = "00".repeat(32);
        assert!(MasterKey::parse(&hexkey).is_ok());
        assert!(MasterKey::parse(&STANDARD.encode([7u8; 32])).is_ok());
        assert!(MasterKey::parse("short").is_err());
        assert!(MasterKey::parse(&STANDARD.encode([7u8; 31])).is_err());
        assert_eq!(
            format!("{:?}", MasterKey::parse(&hexkey).unwrap()),
            "MasterKey(..)"
        );
    }

    #[cfg(unix)]
    #[test]
    fn master_key_files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("master.key");
        write_master_key_file(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let source = MasterKeySource {
            file: Some(path.clone()),
            env: None,
        };
        assert!(MasterKey::load(&source).is_ok());
        // Never overwritten: the old key would be lost with every agency key.
        assert!(write_master_key_file(&path).is_err());
        // A key others can read is refused.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = MasterKey::load(&source).unwrap_err().to_string();
        assert!(e.contains("chmod 600"), "{e}");
    }

    #[test]
    fn tokens_hash_and_compare() {
        let (t, h) = new_token();
        assert!(t.starts_with(TOKEN_PREFIX));
        assert!(hashes_equal(&token_hash(&t), &h));
        assert!(!hashes_equal(&token_hash("elic_other"), &h));
    }
}
