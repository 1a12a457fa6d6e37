//! The wallet directory:
//!
//! ```text
//! DIR/                       (0700)
//!   credentials/ID.json      one received credential and what it is (0600)
//!   keys/ID.pem              its holder key, ENCRYPTED PRIVATE KEY (0600)
//! ```
//!
//! A credential file is JSON: `id`, `format` (`dc+sd-jwt` or `ldp_vc`),
//! `configuration_id`, `issuer` (the Credential Issuer), `type` (the `vct`,
//! or the VC `type`s joined with spaces), `received_at` (RFC 3339) and
//! `credential` (the SD-JWT VC string, or the JSON-LD credential object).

use std::fs;
use std::path::{Path, PathBuf};

use elicence_core::keys::SigningKey;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::WalletError;

/// A credential's format, as OpenID4VCI names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Format {
    /// An SD-JWT VC (`dc+sd-jwt`).
    #[serde(rename = "dc+sd-jwt")]
    DcSdJwt,
    /// A Data Integrity (JSON-LD) credential (`ldp_vc`).
    #[serde(rename = "ldp_vc")]
    LdpVc,
}

impl Format {
    /// The OpenID4VCI format identifier.
    pub fn name(self) -> &'static str {
        match self {
            Format::DcSdJwt => "dc+sd-jwt",
            Format::LdpVc => "ldp_vc",
        }
    }

    /// The format of a configuration's `format` value.
    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "dc+sd-jwt" | "vc+sd-jwt" => Some(Format::DcSdJwt),
            "ldp_vc" => Some(Format::LdpVc),
            _ => None,
        }
    }
}

/// One credential in the wallet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredCredential {
    /// The wallet's id of it (16 hex digits), for `show` and `present`.
    pub id: String,
    /// Its format.
    pub format: Format,
    /// The issuer's credential configuration it was issued under.
    pub configuration_id: String,
    /// The Credential Issuer Identifier it came from.
    pub issuer: String,
    /// `vct` (SD-JWT VC), or the VC `type`s joined with spaces.
    #[serde(rename = "type")]
    pub credential_type: String,
    /// When it was received (RFC 3339).
    pub received_at: String,
    /// The credential as issued: a string (SD-JWT VC) or an object (ldp_vc).
    pub credential: Value,
}

impl StoredCredential {
    /// The credential's raw text as issued (the `~`-joined SD-JWT VC, or the
    /// JSON credential), what verifiers and presentations take.
    pub fn raw(&self) -> String {
        match &self.credential {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
}

/// An open wallet directory.
#[derive(Debug, Clone)]
pub struct Wallet {
    dir: PathBuf,
}

/// The default wallet directory: `$ELICENCE_WALLET`, else
/// `$XDG_DATA_HOME/elicence/wallet`, else `~/.local/share/elicence/wallet`
/// (`%APPDATA%\elicence\wallet` on Windows).
pub fn default_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("ELICENCE_WALLET") {
        return Some(PathBuf::from(dir));
    }
    if let Some(data) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(data).join("elicence").join("wallet"));
    }
    if cfg!(windows) {
        if let Some(app) = std::env::var_os("APPDATA") {
            return Some(PathBuf::from(app).join("elicence").join("wallet"));
        }
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share/elicence/wallet"))
}

fn valid_id(id: &str) -> bool {
    id.len() == 16
        && id
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

fn make_private_dir(path: &Path) -> Result<(), WalletError> {
    fs::create_dir_all(path).map_err(|e| WalletError::io(path, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o700))
            .map_err(|e| WalletError::io(path, e))?;
    }
    Ok(())
}

/// Writes a file readable by its owner only, atomically (temp file + rename).
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), WalletError> {
    use std::io::Write as _;
    let tmp = path.with_extension("tmp");
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(&tmp).map_err(|e| WalletError::io(&tmp, e))?;
    f.write_all(bytes)
        .and_then(|_| f.sync_all())
        .map_err(|e| WalletError::io(&tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| WalletError::io(path, e))
}

impl Wallet {
    /// Opens (creating if needed, owner-only) the wallet at `dir`.
    pub fn open(dir: impl Into<PathBuf>) -> Result<Wallet, WalletError> {
        let dir = dir.into();
        make_private_dir(&dir)?;
        make_private_dir(&dir.join("credentials"))?;
        make_private_dir(&dir.join("keys"))?;
        Ok(Wallet { dir })
    }

    /// The wallet's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every credential, oldest first (then by id).
    pub fn list(&self) -> Result<Vec<StoredCredential>, WalletError> {
        let folder = self.dir.join("credentials");
        let mut out = Vec::new();
        for entry in fs::read_dir(&folder).map_err(|e| WalletError::io(&folder, e))? {
            let path = entry.map_err(|e| WalletError::io(&folder, e))?.path();
            let Some(id) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".json"))
            else {
                continue;
            };
            if valid_id(id) {
                out.push(self.get(id)?);
            }
        }
        out.sort_by(|a, b| (&a.received_at, &a.id).cmp(&(&b.received_at, &b.id)));
        Ok(out)
    }

    /// One credential by id.
    pub fn get(&self, id: &str) -> Result<StoredCredential, WalletError> {
        if !valid_id(id) {
            return Err(WalletError::NotFound(id.to_owned()));
        }
        let path = self.dir.join("credentials").join(format!("{id}.json"));
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(WalletError::NotFound(id.to_owned()))
            }
            Err(e) => return Err(WalletError::io(&path, e)),
        };
        let stored: StoredCredential =
            serde_json::from_slice(&bytes).map_err(|e| WalletError::Corrupt {
                path: path.display().to_string(),
                reason: e.to_string(),
            })?;
        if stored.id != id {
            return Err(WalletError::Corrupt {
                path: path.display().to_string(),
                reason: "the id inside is not the file's".into(),
            });
        }
        Ok(stored)
    }

    /// The holder key credential `id` is bound to, decrypted with `passphrase`.
    pub fn holder_key(&self, id: &str, passphrase: &[u8]) -> Result<SigningKey, WalletError> {
        if !valid_id(id) {
            return Err(WalletError::NotFound(id.to_owned()));
        }
        let path = self.dir.join("keys").join(format!("{id}.pem"));
        let pem = fs::read_to_string(&path).map_err(|e| WalletError::io(&path, e))?;
        SigningKey::from_pkcs8_pem(&pem, Some(passphrase))
            .map_err(|e| WalletError::Key(format!("{}: {e} (wrong passphrase?)", path.display())))
    }

    /// A fresh credential id not used in this wallet.
    pub fn new_id(&self) -> String {
        loop {
            let mut bytes = [0u8; 8];
            rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
            let id = hex::encode(bytes);
            if !self
                .dir
                .join("credentials")
                .join(format!("{id}.json"))
                .exists()
            {
                return id;
            }
        }
    }

    /// Stores a credential and its holder key (sealed under `passphrase`):
    /// the key first, so a credential never exists without its key.
    pub fn store(
        &self,
        credential: &StoredCredential,
        key: &SigningKey,
        passphrase: &[u8],
    ) -> Result<(), WalletError> {
        if !valid_id(&credential.id) {
            return Err(WalletError::Key(format!(
                "invalid credential id `{}`",
                credential.id
            )));
        }
        let pem = key
            .to_encrypted_pkcs8_pem(passphrase, &mut rand_core::OsRng)
            .map_err(|e| WalletError::Key(e.to_string()))?;
        write_private(
            &self.dir.join("keys").join(format!("{}.pem", credential.id)),
            pem.as_bytes(),
        )?;
        let mut json = serde_json::to_vec_pretty(credential).map_err(|e| WalletError::Corrupt {
            path: credential.id.clone(),
            reason: e.to_string(),
        })?;
        json.push(b'\n');
        write_private(
            &self
                .dir
                .join("credentials")
                .join(format!("{}.json", credential.id)),
            &json,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use elicence_core::keys::KeyAlgorithm;

    #[test]
    fn store_list_get_and_key_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let w = Wallet::open(dir.path().join("w")).unwrap();
        assert!(w.list().unwrap().is_empty());
        let key = SigningKey::generate(KeyAlgorithm::P256, &mut rand_core::OsRng);
        let c = StoredCredential {
            id: w.new_id(),
            format: Format::DcSdJwt,
            configuration_id: "x.dc+sd-jwt".into(),
            issuer: "https://i.example".into(),
            credential_type: "https://w3id.org/elicence/vct/x".into(),
            received_at: "2026-01-01T00:00:00Z".into(),
            credential: Value::String("a.b.c~".into()),
        };
        w.store(&c, &key, b"pass").unwrap();
        assert_eq!(w.list().unwrap(), vec![c.clone()]);
        assert_eq!(w.get(&c.id).unwrap().raw(), "a.b.c~");
        assert_eq!(
            w.holder_key(&c.id, b"pass").unwrap().public_key(),
            key.public_key()
        );
        assert!(matches!(
            w.holder_key(&c.id, b"wrong"),
            Err(WalletError::Key(_))
        ));
        assert!(matches!(
            w.get("../../etc/passwd"),
            Err(WalletError::NotFound(_))
        ));
        let pem =
            std::fs::read_to_string(w.dir().join("keys").join(format!("{}.pem", c.id))).unwrap();
        assert!(pem.contains("ENCRYPTED PRIVATE KEY"));
    }
}
