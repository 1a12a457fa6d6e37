//! `rp.toml`: what a relying party's operator configures. Relative paths
//! are read from the configuration file's folder.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The service's configuration (`elicence rp serve --config rp.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RpConfig {
    /// Address to listen on, e.g. `127.0.0.1:8090` (port 0: any free port).
    pub listen: String,
    /// The public base URL wallets reach (request objects, responses);
    /// empty or absent: `http://<bound address>` (development only).
    #[serde(default)]
    pub public_url: String,
    /// The SQLite file of requests and results (default `rp.sqlite3`).
    #[serde(default = "default_database")]
    pub database: PathBuf,
    /// The trust bundle (as for `elicence verify --bundle`).
    pub bundle: PathBuf,
    /// The root DID that signs the trust bundle.
    pub root: String,
    /// Lowest trust bundle version accepted.
    #[serde(default = "one")]
    pub bundle_min_version: u64,
    /// `x509_san_dns:<name>` (production) or `redirect_uri:<response uri>` (development).
    pub client_id: String,
    /// PKCS#8 PEM P-256 key signing request objects (x509_san_dns).
    #[serde(default)]
    pub signing_key: Option<PathBuf>,
    /// PEM certificate chain, leaf first, whose SAN names the client id (x509_san_dns).
    #[serde(default)]
    pub certificate: Option<PathBuf>,
    /// How long a wallet may take to answer, in seconds (default 300).
    #[serde(default = "default_ttl")]
    pub request_ttl_seconds: i64,
    /// Bearer token the relying party's backend must send to `POST /requests`.
    #[serde(default)]
    pub api_token: Option<String>,
    /// URL the result of every answered request is POSTed to (JSON, as
    /// `GET /requests/{id}` plus `id`), signed in `X-Elicence-Signature`.
    #[serde(default)]
    pub webhook: Option<String>,
    /// HMAC-SHA256 key for the webhook signature (`sha256=<hex>` of the body).
    #[serde(default)]
    pub webhook_secret: Option<String>,
    /// `direct_post` (default) or `direct_post.jwt` (encrypted, as HAIP requires).
    #[serde(default = "default_mode")]
    pub response_mode: String,
    /// Status lists older than this many days make the status unknown (default 7).
    #[serde(default = "default_status_age")]
    pub max_status_age_days: i64,
}

fn default_database() -> PathBuf {
    PathBuf::from("rp.sqlite3")
}
fn default_mode() -> String {
    crate::request::DIRECT_POST.into()
}
fn one() -> u64 {
    1
}
fn default_ttl() -> i64 {
    300
}
fn default_status_age() -> i64 {
    7
}

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Reading a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The TOML is malformed or has unknown keys.
    #[error("{0}")]
    Toml(String),
    /// A value is unusable.
    #[error("{0}")]
    Invalid(String),
}

impl RpConfig {
    /// Reads `path`, resolving relative paths against its folder.
    pub fn load(path: &Path) -> Result<RpConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.into(),
            source,
        })?;
        let mut config: RpConfig = toml::from_str(&text)
            .map_err(|e| ConfigError::Toml(format!("{}: {e}", path.display())))?;
        let base = path.parent().unwrap_or(Path::new("."));
        let fix = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        };
        fix(&mut config.database);
        fix(&mut config.bundle);
        if let Some(p) = config.signing_key.as_mut() {
            fix(p);
        }
        if let Some(p) = config.certificate.as_mut() {
            fix(p);
        }
        Ok(config)
    }

    /// Reads a file named by the configuration.
    pub fn read(path: &Path) -> Result<String, ConfigError> {
        std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.into(),
            source,
        })
    }
}
