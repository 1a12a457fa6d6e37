//! The service's one configuration file (TOML). Every field has a documented
//! default except the public URL, the database path and the master key source,
//! which an operator must choose deliberately.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::IssuerError;

/// The whole configuration. See `docs/issuer.md` for a commented example.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Socket address to listen on, e.g. `0.0.0.0:8443`.
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// Public HTTPS origin of the service, e.g. `https://licence.example.go.th`
    /// (for local development also `http://127.0.0.1:PORT` or
    /// `http://localhost:PORT`; identifiers then stay https, docs/wallets.md).
    /// Agency DIDs (`did:web:HOST:agencies:CODE`), licence IRIs and status
    /// list URLs are built from it, so it must never change once used.
    pub public_url: String,
    /// The SQLite database file (created if missing), or a PostgreSQL URL
    /// (`postgres://user@host:5432/elicence`) shared by several instances.
    pub database: PathBuf,
    /// Where the 32-byte master key that encrypts signing keys comes from.
    pub master_key: MasterKeySource,
    /// Status list settings.
    #[serde(default)]
    pub status: StatusConfig,
    /// Request limits.
    #[serde(default)]
    pub limits: Limits,
    /// Optional TLS; without it the service speaks plain HTTP (behind a proxy).
    #[serde(default)]
    pub tls: Option<TlsConfig>,
    /// Seconds between checks for a replaced TLS certificate/key pair or
    /// master key file (`0`: only on SIGHUP). A running service picks up a
    /// renewed certificate and a rotated master key without a restart
    /// (docs/deploy.md).
    #[serde(default = "default_reload_check")]
    pub reload_check_seconds: u64,
    /// Whether licence pages and credentials (`GET` by licence IRI) are public.
    /// The License Access link printed on a paper licence needs them public;
    /// when `false`, a token of the licence's agency with `read` scope is needed.
    #[serde(default = "default_true")]
    pub public_licences: bool,
    /// SQLite durability: `full` (fsync each group commit, survives power
    /// loss) or `normal` (survives process crashes only).
    #[serde(default)]
    pub durability: Durability,
    /// The built browser inspector (`scripts/build-web.sh` writes `target/web`),
    /// served at `/inspect/` so inspectors load it from the agency's own host.
    /// It must be a folder of its own: the service refuses to start if it
    /// holds the configuration, database, master key or TLS files.
    #[serde(default)]
    pub inspector_dir: Option<PathBuf>,
    /// Where `/metrics` is served besides the main listener (which always
    /// requires a token with the `metrics` scope).
    #[serde(default)]
    pub metrics: MetricsConfig,
    /// The file this configuration was read from (not a setting): the
    /// inspector folder must not expose it.
    #[serde(skip)]
    pub source: Option<PathBuf>,
    /// Per agency (by code): the X.509 certificate and sealed key that sign
    /// licence PDFs (PAdES), and the time-stamping authority to use.
    #[serde(default)]
    pub pdf_signing: std::collections::BTreeMap<String, PdfSigningConfig>,
    /// The PKCS#11 token holding the keys of the agencies it lists
    /// (`crate::hsm`, docs/deploy.md "Keys in an HSM").
    #[serde(default)]
    pub hsm: Option<crate::hsm::HsmConfig>,
}

/// Access to `/metrics`: its counts (credentials issued, status changes)
/// are business data, so the main listener serves it only to a token with
/// the `metrics` scope; `listen` adds a separate plain-HTTP address (e.g. a
/// private interface for Prometheus) serving `/metrics` and `/healthz`
/// without a token.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsConfig {
    /// Socket address of the separate metrics listener, e.g. `10.0.0.5:9464`.
    #[serde(default)]
    pub listen: Option<SocketAddr>,
}

/// Where the master key is read from: exactly one of `file` or `env`.
/// The key is 32 bytes given as 64 hex digits or base64 (standard or URL-safe).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MasterKeySource {
    /// A file holding the key (readable by the service only).
    pub file: Option<PathBuf>,
    /// An environment variable holding the key.
    pub env: Option<String>,
}

/// Bitstring Status List settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusConfig {
    /// Entries per list. The W3C minimum (131,072) gives herd privacy.
    #[serde(default = "default_list_size")]
    pub list_size: u32,
    /// A list is closed for new entries once this fraction is used, so random
    /// allocation stays cheap and indices stay unpredictable.
    #[serde(default = "default_max_fill")]
    pub max_fill: f64,
    /// How often a published list is re-signed when nothing changed, and how
    /// long caches may keep it (`Cache-Control: max-age`). A status change
    /// re-signs the list at once regardless.
    #[serde(default = "default_ttl")]
    pub ttl_seconds: u64,
    /// How long verifiers may rely on one signed snapshot of a list: its
    /// `validUntil` is `validFrom` plus this. Long enough for offline trust
    /// bundles to stay decidable for their `--max-status-age` (7 days by
    /// default); independent of the TTL.
    #[serde(default = "default_validity")]
    pub validity_seconds: u64,
}

impl Default for StatusConfig {
    fn default() -> Self {
        StatusConfig {
            list_size: default_list_size(),
            max_fill: default_max_fill(),
            ttl_seconds: default_ttl(),
            validity_seconds: default_validity(),
        }
    }
}

/// Longest status list TTL accepted: a day (a revocation reaches caches within one TTL).
pub const MAX_STATUS_TTL_SECONDS: u64 = 86_400;
/// Longest status list validity accepted: 366 days.
pub const MAX_STATUS_VALIDITY_SECONDS: u64 = 366 * 86_400;

impl StatusConfig {
    /// Refuses settings that make no sense together: a zero or overlong TTL
    /// or validity, and a validity shorter than two TTLs (a copy a cache
    /// serves at the end of its TTL must still be valid for a while).
    pub fn check(&self) -> Result<(), String> {
        if self.list_size < 131_072 || self.list_size % 8 != 0 {
            return Err(
                "status.list_size must be a multiple of 8 and at least 131072 (the spec's minimum)"
                    .into(),
            );
        }
        if !(self.max_fill > 0.0 && self.max_fill <= 0.9) {
            return Err("status.max_fill must be in (0, 0.9]".into());
        }
        if !(1..=MAX_STATUS_TTL_SECONDS).contains(&self.ttl_seconds) {
            return Err(format!(
                "status.ttl_seconds must be between 1 and {MAX_STATUS_TTL_SECONDS} (a day)"
            ));
        }
        if !(1..=MAX_STATUS_VALIDITY_SECONDS).contains(&self.validity_seconds) {
            return Err(format!(
                "status.validity_seconds must be between 1 and {MAX_STATUS_VALIDITY_SECONDS} (366 days)"
            ));
        }
        if self.validity_seconds < 2 * self.ttl_seconds {
            return Err(format!(
                "status.validity_seconds ({}) must be at least twice status.ttl_seconds ({}): \
                 a list a cache serves at the end of its TTL must still be valid",
                self.validity_seconds, self.ttl_seconds
            ));
        }
        Ok(())
    }
}

/// Request size and batch limits.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Largest JSON request body in bytes.
    #[serde(default = "default_max_body")]
    pub max_body_bytes: usize,
    /// Largest batch request body in bytes.
    #[serde(default = "default_max_batch_body")]
    pub max_batch_bytes: usize,
    /// Most rows in one batch request.
    #[serde(default = "default_max_batch_rows")]
    pub max_batch_rows: usize,
    /// Most requests one group commit takes.
    #[serde(default = "default_group")]
    pub max_group_commit: usize,
    /// Most open client connections. At the limit, the oldest connection
    /// with no request in flight is closed to admit a new one. Keep it well
    /// below the process's open-file limit (`ulimit -n`).
    #[serde(default = "default_max_connections")]
    pub max_connections: usize,
    /// Seconds a client has to send a complete request head (and finish the
    /// TLS handshake); also the longest a keep-alive connection stays idle.
    #[serde(default = "default_header_read_timeout")]
    pub header_read_timeout_seconds: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: default_max_body(),
            max_batch_bytes: default_max_batch_body(),
            max_batch_rows: default_max_batch_rows(),
            max_group_commit: default_group(),
            max_connections: default_max_connections(),
            header_read_timeout_seconds: default_header_read_timeout(),
        }
    }
}

/// TLS certificate chain and private key (PEM files). Replace both files
/// (each by an atomic rename) and the service serves the new pair to new
/// connections within `reload_check_seconds`, or at once on SIGHUP.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// Certificate chain, PEM.
    pub cert: PathBuf,
    /// Private key, PEM.
    pub key: PathBuf,
}

/// SQLite `synchronous` level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Durability {
    /// fsync on every commit: survives power loss.
    #[default]
    Full,
    /// fsync at checkpoints only: survives process crashes.
    Normal,
}

fn default_reload_check() -> u64 {
    30
}
fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8080))
}
fn default_true() -> bool {
    true
}
fn default_list_size() -> u32 {
    131_072
}
fn default_max_fill() -> f64 {
    0.5
}
fn default_ttl() -> u64 {
    300
}
fn default_validity() -> u64 {
    7 * 86_400
}
fn default_max_body() -> usize {
    256 * 1024
}
fn default_max_batch_body() -> usize {
    64 * 1024 * 1024
}
fn default_max_batch_rows() -> usize {
    100_000
}
fn default_group() -> usize {
    512
}
fn default_max_connections() -> usize {
    512
}
fn default_header_read_timeout() -> u64 {
    30
}

impl Config {
    /// Reads and checks a TOML configuration file.
    pub fn load(path: &Path) -> Result<Config, IssuerError> {
        let text = std::fs::read_to_string(path).map_err(|e| IssuerError::Config {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        let mut config = Config::parse(&text).map_err(|reason| IssuerError::Config {
            path: path.to_path_buf(),
            reason,
        })?;
        // Relative paths in the file are relative to the file, not the cwd.
        if let Some(dir) = path.parent() {
            config.resolve_relative(dir);
        }
        config.source = Some(path.to_path_buf());
        Ok(config)
    }

    /// Parses and checks configuration text.
    pub fn parse(text: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        config.check()?;
        Ok(config)
    }

    fn resolve_relative(&mut self, dir: &Path) {
        let fix = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = dir.join(&*p);
            }
        };
        if !matches!(
            crate::db::Location::of(&self.database),
            crate::db::Location::Postgres(_)
        ) {
            fix(&mut self.database);
        }
        if let Some(d) = &mut self.inspector_dir {
            fix(d);
        }
        if let Some(f) = &mut self.master_key.file {
            fix(f);
        }
        if let Some(tls) = &mut self.tls {
            fix(&mut tls.cert);
            fix(&mut tls.key);
        }
        if let Some(f) = self.hsm.as_mut().and_then(|h| h.pin_file.as_mut()) {
            fix(f);
        }
    }

    fn check(&self) -> Result<(), String> {
        let url = self.public_url.trim_end_matches('/');
        let host = url
            .strip_prefix("https://")
            .or_else(|| crate::registry::loopback_host(url))
            .ok_or("public_url must start with https:// (or be http://127.0.0.1:PORT or http://localhost:PORT)")?;
        if host.is_empty() || host.contains(['/', '?', '#', '@']) {
            return Err("public_url must be an origin: https://HOST[:PORT], no path".into());
        }
        // The did:web of an agency must be valid for this host.
        crate::registry::agency_did(url, "x").map_err(|e| format!("public_url: {e}"))?;
        match (&self.master_key.file, &self.master_key.env) {
            (Some(_), None) | (None, Some(_)) => {}
            _ => return Err("master_key: give exactly one of `file` or `env`".into()),
        }
        self.status.check()?;
        if let Some(hsm) = &self.hsm {
            hsm.check()?;
        }
        if self.limits.max_group_commit == 0 || self.limits.max_batch_rows == 0 {
            return Err("limits must be positive".into());
        }
        self.check_robustness_limits()
    }

    /// Ranges that keep the service alive under hostile clients and sane
    /// date arithmetic (docs/issuer.md, "Limits").
    fn check_robustness_limits(&self) -> Result<(), String> {
        // status.ttl_seconds and validity_seconds are checked by StatusConfig::check.
        if !(1..=1_000_000).contains(&self.limits.max_connections) {
            return Err("limits.max_connections must be between 1 and 1000000".into());
        }
        if !(1..=3600).contains(&self.limits.header_read_timeout_seconds) {
            return Err("limits.header_read_timeout_seconds must be between 1 and 3600".into());
        }
        if self.limits.max_body_bytes == 0 || self.limits.max_batch_bytes == 0 {
            return Err("limits.max_body_bytes and limits.max_batch_bytes must be positive".into());
        }
        if self.reload_check_seconds > 86_400 {
            return Err("reload_check_seconds must be at most 86400 (a day)".into());
        }
        if self.metrics.listen.is_some_and(|m| m == self.listen) {
            return Err("metrics.listen must differ from listen".into());
        }
        Ok(())
    }

    /// How client connections are bounded (see `conn`).
    pub fn connection_limits(&self) -> crate::conn::ConnectionLimits {
        let header = std::time::Duration::from_secs(self.limits.header_read_timeout_seconds);
        crate::conn::ConnectionLimits {
            max_connections: self.limits.max_connections,
            header_read_timeout: header,
            linger_bytes: self.limits.max_batch_bytes.max(self.limits.max_body_bytes) as u64,
            linger_timeout: header,
            shutdown_grace: std::time::Duration::from_secs(10),
        }
    }

    /// The public origin without a trailing slash.
    pub fn origin(&self) -> &str {
        self.public_url.trim_end_matches('/')
    }
}

/// How an agency signs its licence PDFs (`[pdf_signing.CODE]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PdfSigningConfig {
    /// The agency's signing certificate, PEM (its chain may follow in the file).
    pub certificate: PathBuf,
    /// The certificate's ECDSA P-256 private key (PKCS#8 DER) sealed under the
    /// master key (`elicence agency seal-pdf-key`), never stored in clear.
    pub sealed_key: PathBuf,
    /// An RFC 3161 time-stamping authority's URL: signatures are PAdES B-T
    /// with it, B-B without.
    #[serde(default)]
    pub tsa_url: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_status(status: &str) -> Result<Config, String> {
        Config::parse(&format!(
            "public_url = \"https://h.example\"\ndatabase = \"x.db\"\n[master_key]\nenv = \"K\"\n[status]\n{status}"
        ))
    }

    #[test]
    fn status_ttl_and_validity_are_separate_with_safe_defaults() {
        let c = with_status("").unwrap();
        assert_eq!(c.status.ttl_seconds, 300);
        assert_eq!(c.status.validity_seconds, 7 * 86_400);
        let c = with_status("ttl_seconds = 60\nvalidity_seconds = 3600").unwrap();
        assert_eq!(
            (c.status.ttl_seconds, c.status.validity_seconds),
            (60, 3600)
        );
    }

    #[test]
    fn nonsensical_status_settings_are_refused_at_start() {
        for (settings, needle) in [
            ("ttl_seconds = 0", "ttl_seconds"),
            ("ttl_seconds = 18446744073709551615", "ttl_seconds"),
            ("validity_seconds = 0", "validity_seconds"),
            ("validity_seconds = 99999999999", "validity_seconds"),
            ("ttl_seconds = 600\nvalidity_seconds = 900", "twice"),
            ("ttl_seconds = 600\nvalidity_seconds = 300", "twice"),
        ] {
            let e = with_status(settings).unwrap_err();
            assert!(e.contains(needle), "{settings}: {e}");
        }
    }
}
