//! Agencies as the service sees them at run time: names, `did:web`, decrypted
//! signing keys with their validity windows, and the DID document to publish.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use elicence_core::did::{did_web_document, did_web_url, OfflineResolver};
use elicence_core::keys::{KeyAlgorithm, PublicKey, SigningKey};
use elicence_core::proof::Cryptosuite;
use rusqlite::{params, Connection};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::crypto::MasterKey;
use crate::error::IssuerError;

/// The `did:web` of agency `code` on the service at `origin`:
/// `did:web:HOST:agencies:CODE` (a port becomes `%3A`).
pub fn agency_did(origin: &str, code: &str) -> Result<String, IssuerError> {
    let host = origin
        .trim_end_matches('/')
        .strip_prefix("https://")
        .ok_or_else(|| IssuerError::InvalidAgency("public URL must be https".into()))?;
    let did = format!("did:web:{}:agencies:{code}", host.replace(':', "%3A"));
    did_web_url(&did)?;
    Ok(did)
}

/// The base URL of agency `code`'s licence IRIs and status lists.
pub fn agency_base_url(origin: &str, code: &str) -> String {
    format!("{}/agencies/{code}", origin.trim_end_matches('/'))
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
    /// The private key (only in memory, never logged or returned).
    pub signing: SigningKey,
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
    /// `did:web:HOST:agencies:CODE`.
    pub did: String,
    /// `https://HOST/agencies/CODE`.
    pub base_url: String,
    /// Every key ever created, oldest first.
    pub keys: Vec<AgencyKey>,
    /// The DID document listing every key.
    pub did_document: Value,
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

/// Reads every agency and decrypts its keys.
pub fn load_agencies(
    conn: &Connection,
    origin: &str,
    master: &MasterKey,
) -> Result<HashMap<String, Arc<Agency>>, IssuerError> {
    let mut agencies = HashMap::new();
    let mut stmt = conn.prepare("SELECT code, name_th, name_en FROM agencies ORDER BY code")?;
    let rows: Vec<(String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let mut key_stmt = conn.prepare(
        "SELECT id, sealed, not_before, not_after FROM signing_keys WHERE agency = ?1
         ORDER BY not_before, created_at",
    )?;
    for (code, name_th, name_en) in rows {
        let did = agency_did(origin, &code)?;
        let mut keys = Vec::new();
        let key_rows: Vec<(String, Vec<u8>, String, Option<String>)> = key_stmt
            .query_map(params![code], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<Result<_, _>>()?;
        for (id, sealed, not_before, not_after) in key_rows {
            let der = master.open(&code, &id, &sealed)?;
            let signing = SigningKey::from_pkcs8_der(&der)?;
            let public = signing.public_key();
            keys.push(AgencyKey {
                verification_method: format!("{did}#{}", public.to_multikey()),
                id,
                public,
                signing,
                not_before: parse_time(&not_before)?,
                not_after: not_after.as_deref().map(parse_time).transpose()?,
            });
        }
        let publics: Vec<PublicKey> = keys.iter().map(|k| k.public).collect();
        let did_document = if publics.is_empty() {
            serde_json::json!({"@context": ["https://www.w3.org/ns/did/v1"], "id": did})
        } else {
            did_web_document(&did, &publics)?
        };
        agencies.insert(
            code.clone(),
            Arc::new(Agency {
                base_url: agency_base_url(origin, &code),
                code,
                name_th,
                name_en,
                did,
                keys,
                did_document,
            }),
        );
    }
    Ok(agencies)
}

/// The agencies of a running service, reloadable when the admin CLI adds an
/// agency or a key while it runs.
#[derive(Debug)]
pub struct Registry {
    origin: String,
    master: MasterKey,
    agencies: RwLock<Arc<HashMap<String, Arc<Agency>>>>,
    resolver: RwLock<Arc<OfflineResolver>>,
}

impl Registry {
    /// Loads every agency from the database.
    pub fn load(
        conn: &Connection,
        origin: &str,
        master: MasterKey,
    ) -> Result<Registry, IssuerError> {
        let registry = Registry {
            origin: origin.to_string(),
            master,
            agencies: RwLock::new(Arc::new(HashMap::new())),
            resolver: RwLock::new(Arc::new(OfflineResolver::new())),
        };
        registry.reload(conn)?;
        Ok(registry)
    }

    /// Re-reads agencies and keys from the database.
    pub fn reload(&self, conn: &Connection) -> Result<(), IssuerError> {
        let agencies = load_agencies(conn, &self.origin, &self.master)?;
        let mut resolver = OfflineResolver::new();
        for agency in agencies.values() {
            if !agency.keys.is_empty() {
                resolver.add_document(agency.did_document.clone())?;
            }
        }
        if let Ok(mut slot) = self.agencies.write() {
            *slot = Arc::new(agencies);
        }
        if let Ok(mut slot) = self.resolver.write() {
            *slot = Arc::new(resolver);
        }
        Ok(())
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
