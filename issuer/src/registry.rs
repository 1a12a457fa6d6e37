//! Agencies as the service sees them at run time: names, DID (`did:web`, or
//! `did:key` when created so), decrypted signing keys with their validity
//! windows, and the DID document to publish.
//!
//! The admin CLI changes agencies and keys directly in the database while the
//! service runs. Every such change bumps a generation counter (SQLite
//! or PostgreSQL triggers, see `store.rs`), whichever instance made it; the service compares it with the generation it
//! loaded on each request that uses an agency (one indexed single-row read)
//! and reloads only when it moved. So a retired key stops signing at once,
//! and requests for unknown agencies are answered from memory without
//! reloading anything.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use crate::db_params as params;
use crate::store::Connection;
use elicence_core::did::{
    did_key, did_key_verification_method, did_web_document, did_web_url, OfflineResolver,
};
use elicence_core::keys::{KeyAlgorithm, PublicKey, SigningKey};
use elicence_core::proof::Cryptosuite;
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::config::MasterKeySource;
use crate::crypto::MasterKey;
use crate::error::IssuerError;
use crate::hsm::{AgencySigner, Hsm};

/// The `did:web` of agency `code` on the service at `origin`:
/// `did:web:HOST:agencies:CODE` (a port becomes `%3A`).
pub fn agency_did(origin: &str, code: &str) -> Result<String, IssuerError> {
    let origin = origin.trim_end_matches('/');
    let host = origin
        .strip_prefix("https://")
        .or_else(|| loopback_host(origin))
        .ok_or_else(|| IssuerError::InvalidAgency("public URL must be https".into()))?;
    let did = format!("did:web:{}:agencies:{code}", host.replace(':', "%3A"));
    did_web_url(&did)?;
    Ok(did)
}

/// The `HOST:PORT` of a loopback development origin
/// (`http://127.0.0.1:PORT` or `http://localhost:PORT`), the only origins
/// allowed without TLS: the whole wallet flow then runs on one machine
/// without certificates, while every other origin stays https.
pub fn loopback_host(origin: &str) -> Option<&str> {
    let host = origin.trim_end_matches('/').strip_prefix("http://")?;
    let (name, port) = host.split_once(':')?;
    let port_ok = !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit());
    (matches!(name, "127.0.0.1" | "localhost") && port_ok).then_some(host)
}

/// How an agency is identified.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DidMethod {
    /// `did:web:HOST:agencies:CODE`, its document served by the service; keys
    /// rotate. The default.
    #[default]
    Web,
    /// `did:key` of the agency's one signing key: verifiable with no DID
    /// document at all, but the key can never change (a new key is a new
    /// identity).
    Key,
}

impl DidMethod {
    /// Its name as stored (`web`, `key`).
    pub fn name(self) -> &'static str {
        match self {
            DidMethod::Web => "web",
            DidMethod::Key => "key",
        }
    }
}

impl fmt::Display for DidMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for DidMethod {
    type Err = IssuerError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "web" => Ok(DidMethod::Web),
            "key" => Ok(DidMethod::Key),
            other => Err(IssuerError::InvalidAgency(format!(
                "unknown DID method `{other}` (web, key)"
            ))),
        }
    }
}

/// The base URL of agency `code`'s licence IRIs and status lists.
///
/// Identifiers stay https even on a loopback development origin
/// (`http://127.0.0.1:PORT` gives `https://127.0.0.1:PORT/agencies/CODE`),
/// as the agency's `did:web` does: licence IRIs are https by definition;
/// only the OpenID4VCI endpoints are reached over plain http there.
pub fn agency_base_url(origin: &str, code: &str) -> String {
    let origin = origin.trim_end_matches('/');
    match loopback_host(origin) {
        Some(host) => format!("https://{host}/agencies/{code}"),
        None => format!("{origin}/agencies/{code}"),
    }
}

/// Agency codes: 1-32 of `a-z 0-9 -`, starting with a letter or digit, so the
/// code is a DID path segment, a URL segment and a licence IRI base at once.
pub fn check_code(code: &str) -> Result<(), IssuerError> {
    let ok = !code.is_empty()
        && code.len() <= 32
        && !code.starts_with('-')
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(IssuerError::InvalidAgency(format!(
            "code `{code}`: use 1-32 of a-z, 0-9 and `-`, not starting with `-`"
        )))
    }
}

/// One signing key of an agency.
#[derive(Debug)]
pub struct AgencyKey {
    /// Key id in the database.
    pub id: String,
    /// The private key: in memory (never logged or returned), or a handle
    /// on a key that never leaves the HSM.
    pub signing: AgencySigner,
    /// Its public half.
    pub public: PublicKey,
    /// The verification method id, `DID#MULTIKEY`.
    pub verification_method: String,
    /// Start of the window in which new credentials may be signed with it.
    pub not_before: OffsetDateTime,
    /// End of that window, if any. Verification is not bounded by it.
    pub not_after: Option<OffsetDateTime>,
}

impl AgencyKey {
    fn valid_at(&self, now: OffsetDateTime) -> bool {
        self.not_before <= now && self.not_after.is_none_or(|end| now < end)
    }
}

/// An agency with its keys.
#[derive(Debug)]
pub struct Agency {
    /// Short code, e.g. `bangrak`.
    pub code: String,
    /// Thai name.
    pub name_th: String,
    /// English name.
    pub name_en: String,
    /// How it is identified.
    pub did_method: DidMethod,
    /// `did:web:HOST:agencies:CODE`, or the `did:key` of its key.
    pub did: String,
    /// `https://HOST/agencies/CODE`.
    pub base_url: String,
    /// Every key ever created, oldest first.
    pub keys: Vec<AgencyKey>,
    /// The did:web document listing every key (`None` for did:key agencies:
    /// their document is the DID itself).
    pub did_document: Option<Value>,
}

impl Agency {
    /// The newest key valid at `now` whose algorithm is `alg`: new credentials
    /// use it, so rotation is adding a key with a later `not_before`.
    pub fn current_key(&self, now: OffsetDateTime, alg: KeyAlgorithm) -> Option<&AgencyKey> {
        self.keys
            .iter()
            .filter(|k| k.valid_at(now) && k.signing.algorithm() == alg)
            .max_by_key(|k| k.not_before)
    }

    /// The newest key valid at `now` that can sign `suite`: for the ECDSA
    /// suites a P-256 or a P-384 key, whichever was added last.
    pub fn current_key_for(&self, now: OffsetDateTime, suite: Cryptosuite) -> Option<&AgencyKey> {
        self.keys
            .iter()
            .filter(|k| k.valid_at(now) && suite.supports(k.signing.algorithm()))
            .max_by_key(|k| k.not_before)
    }
}

fn parse_time(s: &str) -> Result<OffsetDateTime, IssuerError> {
    OffsetDateTime::parse(s, &Rfc3339)
        .map_err(|_| IssuerError::InvalidAgency(format!("stored time `{s}` is not RFC 3339")))
}

/// The registry generation: bumped by the database on every change to
/// agencies or signing keys.
pub fn generation(conn: &Connection) -> Result<i64, IssuerError> {
    conn.query_one(
        "SELECT generation FROM registry_generation WHERE \"only\" = 1",
        params![],
    )?
    .get(0)
}

/// The DID of a `did:key` agency whose one key has Multikey `multikey`.
pub fn did_key_of(multikey: &str) -> Result<String, IssuerError> {
    Ok(did_key(&PublicKey::from_multikey(multikey)?))
}

/// Reads every agency and decrypts its keys (an agency with a key in an
/// HSM needs [`load_agencies_with`]).
pub fn load_agencies(
    conn: &Connection,
    origin: &str,
    master: &MasterKey,
) -> Result<HashMap<String, Arc<Agency>>, IssuerError> {
    load_agencies_with(conn, origin, master, None)
}

/// Reads every agency, decrypting software keys with `master` and finding
/// HSM-held keys in `hsm`'s token.
pub fn load_agencies_with(
    conn: &Connection,
    origin: &str,
    master: &MasterKey,
    hsm: Option<&Arc<Hsm>>,
) -> Result<HashMap<String, Arc<Agency>>, IssuerError> {
    let mut agencies = HashMap::new();
    let rows: Vec<(String, String, String, String)> = conn
        .query(
            "SELECT code, name_th, name_en, did_method FROM agencies ORDER BY code",
            params![],
        )?
        .iter()
        .map(|r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .collect::<Result<_, IssuerError>>()?;
    for (code, name_th, name_en, method) in rows {
        let did_method: DidMethod = method.parse()?;
        type KeyRow = (
            String,
            Vec<u8>,
            String,
            Option<String>,
            Option<String>,
            String,
        );
        let key_rows: Vec<KeyRow> = conn
            .query(
                "SELECT id, sealed, not_before, not_after, hsm_label, public_multikey
                 FROM signing_keys WHERE agency = ?1 ORDER BY not_before, created_at",
                params![&code],
            )?
            .iter()
            .map(|r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .collect::<Result<_, IssuerError>>()?;
        let mut signing_keys = Vec::new();
        for (id, sealed, not_before, not_after, hsm_label, multikey) in key_rows {
            let signing = match hsm_label {
                None => {
                    let der = master.open(&code, &id, &sealed)?;
                    AgencySigner::Software(SigningKey::from_pkcs8_der(&der)?)
                }
                Some(label) => {
                    let hsm = hsm.ok_or_else(|| {
                        IssuerError::Hsm(format!(
                            "agency `{code}` key {id} is held in an HSM, but the configuration \
                             has no [hsm] section"
                        ))
                    })?;
                    AgencySigner::Hsm(hsm.key(&label, PublicKey::from_multikey(&multikey)?)?)
                }
            };
            signing_keys.push((id, signing, not_before, not_after));
        }
        let did = match did_method {
            DidMethod::Web => agency_did(origin, &code)?,
            DidMethod::Key => match signing_keys.as_slice() {
                [(_, only, _, _)] => did_key(&only.public_key()),
                _ => {
                    return Err(IssuerError::InvalidAgency(format!(
                        "did:key agency `{code}` must have exactly one key, found {}",
                        signing_keys.len()
                    )))
                }
            },
        };
        let mut keys = Vec::new();
        for (id, signing, not_before, not_after) in signing_keys {
            let public = signing.public_key();
            let verification_method = match did_method {
                DidMethod::Web => format!("{did}#{}", public.to_multikey()),
                DidMethod::Key => did_key_verification_method(&public),
            };
            keys.push(AgencyKey {
                verification_method,
                id,
                public,
                signing,
                not_before: parse_time(&not_before)?,
                not_after: not_after.as_deref().map(parse_time).transpose()?,
            });
        }
        let publics: Vec<PublicKey> = keys.iter().map(|k| k.public).collect();
        let did_document = match did_method {
            DidMethod::Key => None,
            DidMethod::Web if publics.is_empty() => {
                Some(serde_json::json!({"@context": ["https://www.w3.org/ns/did/v1"], "id": did}))
            }
            DidMethod::Web => Some(did_web_document(&did, &publics)?),
        };
        agencies.insert(
            code.clone(),
            Arc::new(Agency {
                base_url: agency_base_url(origin, &code),
                code,
                name_th,
                name_en,
                did_method,
                did,
                keys,
                did_document,
            }),
        );
    }
    Ok(agencies)
}

/// The agencies of a running service, reloaded when the admin CLI changes an
/// agency or a key while it runs (see the module documentation).
#[derive(Debug)]
pub struct Registry {
    origin: String,
    master: RwLock<Arc<MasterKey>>,
    master_source: Option<MasterKeySource>,
    hsm: Option<Arc<Hsm>>,
    agencies: RwLock<Arc<HashMap<String, Arc<Agency>>>>,
    resolver: RwLock<Arc<OfflineResolver>>,
    /// The generation the agencies in memory were read at.
    loaded: AtomicI64,
    /// Held while reloading, so a change is reloaded once, not per request.
    reloading: Mutex<()>,
    /// How many times the agencies were (re)loaded: an operations figure,
    /// and how tests prove that misses do not reload.
    reloads: AtomicU64,
}

impl Registry {
    /// The master key held now, for the console's sealed TOTP secrets. It
    /// changes when a rotated master key is picked up (see
    /// [`Registry::check_master_key`]), so callers keep the `Arc` for one
    /// operation rather than caching it.
    pub fn master(&self) -> Arc<MasterKey> {
        self.master
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Loads every agency from the database.
    pub fn load(
        conn: &Connection,
        origin: &str,
        master: MasterKey,
    ) -> Result<Registry, IssuerError> {
        Registry::load_with(conn, origin, master, None)
    }

    /// Loads every agency, finding HSM-held keys in `hsm`'s token.
    pub fn load_with(
        conn: &Connection,
        origin: &str,
        master: MasterKey,
        hsm: Option<Arc<Hsm>>,
    ) -> Result<Registry, IssuerError> {
        let registry = Registry {
            origin: origin.to_string(),
            master: RwLock::new(Arc::new(master)),
            master_source: None,
            hsm,
            agencies: RwLock::new(Arc::new(HashMap::new())),
            resolver: RwLock::new(Arc::new(OfflineResolver::new())),
            loaded: AtomicI64::new(-1),
            reloading: Mutex::new(()),
            reloads: AtomicU64::new(0),
        };
        registry.reload(conn)?;
        Ok(registry)
    }

    /// Where the master key was read from: when stored keys stop opening
    /// with the key held (a rotation committed), the registry reads it
    /// again and adopts the new key if it opens them, so running instances
    /// follow `elicence agency rotate-master-key` without a restart.
    pub fn with_master_source(mut self, source: MasterKeySource) -> Registry {
        self.master_source = Some(source);
        self
    }

    /// Reloads if the database's generation moved since the last load;
    /// `Ok(true)` if it reloaded. Costs one single-row read otherwise.
    pub fn refresh(&self, conn: &Connection) -> Result<bool, IssuerError> {
        let current = generation(conn)?;
        if current <= self.loaded.load(Ordering::Acquire) {
            return Ok(false);
        }
        let _guard = self
            .reloading
            .lock()
            .map_err(|_| IssuerError::InvalidAgency("registry lock poisoned".into()))?;
        // Another request may have reloaded while this one waited.
        if current <= self.loaded.load(Ordering::Acquire) {
            return Ok(false);
        }
        match self.load_from(conn, &self.master()) {
            Ok(()) => Ok(true),
            Err(IssuerError::Decrypt) => {
                // The master key was rotated (`elicence agency
                // rotate-master-key`): the configured source may already
                // hold the new key.
                if self.adopt_master(conn)? {
                    return Ok(true);
                }
                // Not installed yet: the key material is unchanged, so keep
                // signing with the keys held; the new master key file is
                // picked up when it appears (check, SIGHUP, next change).
                tracing::warn!(
                    generation = current,
                    "stored keys no longer open with this instance's master key (rotated?): \
                     keeping the keys loaded until the new master key file is installed"
                );
                self.loaded.store(current, Ordering::Release);
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }

    /// Reads the configured master key source again and, if it holds a key
    /// other than the one in use that opens every stored key, switches to
    /// it and reloads. `Ok(true)` if it switched. A key that does not open
    /// the stored keys (installed before the rotation ran, or a wrong file)
    /// is not adopted: the key in use stays, with a warning.
    pub fn check_master_key(&self, conn: &Connection) -> Result<bool, IssuerError> {
        let _guard = self
            .reloading
            .lock()
            .map_err(|_| IssuerError::InvalidAgency("registry lock poisoned".into()))?;
        self.adopt_master(conn)
    }

    /// [`Registry::check_master_key`] with `reloading` held.
    fn adopt_master(&self, conn: &Connection) -> Result<bool, IssuerError> {
        let Some(source) = &self.master_source else {
            return Ok(false);
        };
        let candidate = match MasterKey::load(source) {
            Ok(key) => key,
            Err(e) => {
                tracing::warn!(error = %e, "master key source unreadable; keeping the key in use");
                return Ok(false);
            }
        };
        if candidate.same_key(&self.master()) {
            return Ok(false);
        }
        match self.load_from(conn, &candidate) {
            Ok(()) => {
                *self.master.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(candidate);
                tracing::info!("master key changed: stored keys reopened under the new master key");
                Ok(true)
            }
            Err(IssuerError::Decrypt) => {
                tracing::warn!(
                    "the master key source holds a key that does not open the stored keys \
                     (rotation not run yet?); keeping the key in use"
                );
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }

    /// Re-reads agencies and keys from the database now.
    pub fn reload(&self, conn: &Connection) -> Result<(), IssuerError> {
        let _guard = self
            .reloading
            .lock()
            .map_err(|_| IssuerError::InvalidAgency("registry lock poisoned".into()))?;
        self.load_from(conn, &self.master())
    }

    /// Loads in one read transaction, so the generation recorded is the one
    /// the agencies were read at, opening keys with `master`; nothing
    /// changes on failure. The caller holds `reloading`.
    fn load_from(&self, conn: &Connection, master: &MasterKey) -> Result<(), IssuerError> {
        // One snapshot for both reads (PostgreSQL: REPEATABLE READ).
        let (at, agencies) = conn.transaction(false, |tx| {
            if tx.backend() == crate::db::Backend::Postgres {
                tx.batch("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")?;
            }
            let at = generation(tx)?;
            Ok((
                at,
                load_agencies_with(tx, &self.origin, master, self.hsm.as_ref())?,
            ))
        })?;
        let mut resolver = OfflineResolver::new();
        for agency in agencies.values() {
            if let (Some(doc), false) = (&agency.did_document, agency.keys.is_empty()) {
                resolver.add_document(doc.clone())?;
            }
        }
        if let Ok(mut slot) = self.agencies.write() {
            *slot = Arc::new(agencies);
        }
        if let Ok(mut slot) = self.resolver.write() {
            *slot = Arc::new(resolver);
        }
        self.loaded.store(at, Ordering::Release);
        self.reloads.fetch_add(1, Ordering::Relaxed);
        tracing::info!(generation = at, "agencies loaded");
        Ok(())
    }

    /// How many times agencies were loaded since start (the first load included).
    pub fn reload_count(&self) -> u64 {
        self.reloads.load(Ordering::Relaxed)
    }

    /// The agency with this code, if known.
    pub fn get(&self, code: &str) -> Option<Arc<Agency>> {
        self.agencies.read().ok()?.get(code).cloned()
    }

    /// Every agency.
    pub fn all(&self) -> Vec<Arc<Agency>> {
        self.agencies
            .read()
            .map(|a| a.values().cloned().collect())
            .unwrap_or_default()
    }

    /// A resolver knowing every agency's DID document (and did:key).
    pub fn resolver(&self) -> Arc<OfflineResolver> {
        self.resolver
            .read()
            .map(|r| r.clone())
            .unwrap_or_else(|_| Arc::new(OfflineResolver::new()))
    }

    /// The public origin.
    pub fn origin(&self) -> &str {
        &self.origin
    }
}
