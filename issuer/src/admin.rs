//! Administration directly on the database file: agencies, signing keys and
//! API tokens. Used by `elicence agency …` / `elicence token …`; every action
//! lands in the audit log with the admin as actor.

use std::fmt;
use std::str::FromStr;

use crate::db_params as params;
use crate::store::Connection;
use elicence_core::keys::{KeyAlgorithm, SigningKey};
use rand_core::OsRng;
use serde::Serialize;
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::crypto::{self, MasterKey};
use crate::error::IssuerError;
use crate::hsm::{key_label as hsm_key_label, Hsm};
use crate::registry::{agency_base_url, agency_did, check_code, did_key_of, DidMethod};
use crate::store::{audit, format_time, now_string};

/// What a token may do. A token acts for exactly one agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Issue licences and credentials.
    Issue,
    /// Revoke, suspend and reinstate.
    Revoke,
    /// Read the agency's credentials where they are not public.
    Read,
    /// Read the service-wide `/metrics` (operators' monitoring).
    Metrics,
}

impl Scope {
    /// Its name in tokens and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Scope::Issue => "issue",
            Scope::Revoke => "revoke",
            Scope::Read => "read",
            Scope::Metrics => "metrics",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Scope {
    type Err = IssuerError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "issue" => Ok(Scope::Issue),
            "revoke" => Ok(Scope::Revoke),
            "read" => Ok(Scope::Read),
            "metrics" => Ok(Scope::Metrics),
            other => Err(IssuerError::InvalidToken(format!(
                "unknown scope `{other}` (use issue, revoke, read, metrics)"
            ))),
        }
    }
}

/// Parses a comma-separated scope list (as stored).
pub fn parse_scopes(list: &str) -> Vec<Scope> {
    list.split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

/// An agency as listed by the admin CLI.
#[derive(Debug, Clone, Serialize)]
pub struct AgencySummary {
    /// Code.
    pub code: String,
    /// Thai name.
    pub name_th: String,
    /// English name.
    pub name_en: String,
    /// `web` or `key`.
    pub did_method: DidMethod,
    /// Its DID.
    pub did: String,
    /// Where its DID document is served (did:web only).
    pub did_document_url: Option<String>,
    /// Base URL of its licence IRIs.
    pub base_url: String,
    /// Public keys (Multikey) with their windows.
    pub keys: Vec<KeySummary>,
}

/// A signing key's public facts.
#[derive(Debug, Clone, Serialize)]
pub struct KeySummary {
    /// Key id.
    pub id: String,
    /// `Ed25519` or `P-256`.
    pub algorithm: String,
    /// Public Multikey.
    pub public_multikey: String,
    /// Start of its signing window.
    pub not_before: String,
    /// End of its signing window, if any.
    pub not_after: Option<String>,
    /// Its label in the HSM token, if the private key is held there.
    pub hsm_label: Option<String>,
}

fn check_name(field: &str, name: &str) -> Result<(), IssuerError> {
    if name.trim().is_empty() || name.trim() != name || name.chars().any(char::is_control) {
        return Err(IssuerError::InvalidAgency(format!(
            "{field}: must be non-empty, without surrounding spaces or control characters"
        )));
    }
    Ok(())
}

/// What the admin gives to create an agency.
#[derive(Debug, Clone)]
pub struct NewAgency<'a> {
    /// Code (`a-z 0-9 -`), part of its DID and URLs forever.
    pub code: &'a str,
    /// Thai name.
    pub name_th: &'a str,
    /// English name.
    pub name_en: &'a str,
    /// Algorithm of its first signing key.
    pub algorithm: KeyAlgorithm,
    /// `did:web` (default: keys rotate) or `did:key` (one key for life).
    pub did_method: DidMethod,
}

/// Where a new signing key is made and kept.
#[derive(Debug, Clone, Copy)]
pub enum KeyStore<'a> {
    /// Generated here, stored sealed under the master key.
    Software(&'a MasterKey),
    /// Generated inside the PKCS#11 token and never extractable; the
    /// database keeps its label and public key only.
    Hsm(&'a Hsm),
}

/// Creates an agency with a first signing key valid from now (a software key).
pub fn add_agency(
    conn: &mut Connection,
    master: &MasterKey,
    origin: &str,
    new: &NewAgency<'_>,
    actor: &str,
) -> Result<AgencySummary, IssuerError> {
    add_agency_in(conn, KeyStore::Software(master), origin, new, actor)
}

/// Creates an agency with a first signing key, valid from now, made in `store`.
pub fn add_agency_in(
    conn: &mut Connection,
    store: KeyStore<'_>,
    origin: &str,
    new: &NewAgency<'_>,
    actor: &str,
) -> Result<AgencySummary, IssuerError> {
    let NewAgency {
        code,
        name_th,
        name_en,
        algorithm,
        did_method,
    } = *new;
    check_code(code)?;
    check_name("Thai name", name_th)?;
    check_name("English name", name_en)?;
    agency_did(origin, code)?;
    let made = std::cell::RefCell::new(None);
    let done = conn.transaction(true, |tx| {
    let exists = tx.query_opt("SELECT code FROM agencies WHERE code = ?1", params![code])?;
    if exists.is_some() {
        return Err(IssuerError::AgencyExists(code.to_string()));
    }
    tx.execute(
        "INSERT INTO agencies(code, name_th, name_en, created_at, did_method) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![code, name_th, name_en, now_string(), did_method.name()],
    )?;
    audit(
        tx,
        Some(code),
        actor,
        "agency.create",
        Some(code),
        Some(&format!("did:{did_method}")),
    )?;
    insert_key(
        tx,
        store,
        &made,
        code,
        algorithm,
        OffsetDateTime::now_utc(),
        None,
        actor,
    )?;
    Ok(())
    });
    discard_if_failed(store, &made, done)?;
    agency_summary(conn, origin, code)
}

/// Adds a signing key (rotation): from `not_before` on, new credentials use
/// it; older keys stay in the DID document so old credentials still verify.
/// `retire_others_at`, if given, ends the signing window of every other key.
/// A did:key agency's DID is its key, so it cannot get another one.
pub fn add_key(
    conn: &mut Connection,
    master: &MasterKey,
    code: &str,
    algorithm: KeyAlgorithm,
    not_before: OffsetDateTime,
    retire_others_at: Option<OffsetDateTime>,
    actor: &str,
) -> Result<String, IssuerError> {
    add_key_in(
        conn,
        KeyStore::Software(master),
        code,
        algorithm,
        not_before,
        retire_others_at,
        actor,
    )
}

/// [`add_key`] with the key made in `store` (software or HSM).
pub fn add_key_in(
    conn: &mut Connection,
    store: KeyStore<'_>,
    code: &str,
    algorithm: KeyAlgorithm,
    not_before: OffsetDateTime,
    retire_others_at: Option<OffsetDateTime>,
    actor: &str,
) -> Result<String, IssuerError> {
    let made = std::cell::RefCell::new(None);
    let done = conn.transaction(true, |tx| {
        let method: Option<String> = tx
            .query_opt(
                "SELECT did_method FROM agencies WHERE code = ?1",
                params![code],
            )?
            .map(|r| r.get(0))
            .transpose()?;
        let method: DidMethod = method
            .ok_or_else(|| IssuerError::UnknownAgency(code.to_string()))?
            .parse()?;
        if method == DidMethod::Key {
            return Err(IssuerError::InvalidAgency(format!(
                "agency `{code}` is a did:key agency: its DID is its one key, so it cannot get \
             another (create a new agency for a new key)"
            )));
        }
        if let Some(end) = retire_others_at {
            tx.execute(
                "UPDATE signing_keys SET not_after = ?2 WHERE agency = ?1 AND not_after IS NULL",
                params![code, format_time(end)],
            )?;
            audit(
                tx,
                Some(code),
                actor,
                "key.retire",
                None,
                Some(&format_time(end)),
            )?;
        }
        insert_key(tx, store, &made, code, algorithm, not_before, None, actor)
    });
    discard_if_failed(store, &made, done)
}

/// A key generated in the token for a transaction that did not commit is
/// destroyed again, so the token holds no key the database does not know.
fn discard_if_failed<T>(
    store: KeyStore<'_>,
    made: &std::cell::RefCell<Option<String>>,
    result: Result<T, IssuerError>,
) -> Result<T, IssuerError> {
    if let (Err(_), KeyStore::Hsm(hsm), Some(label)) = (&result, store, made.borrow().as_ref()) {
        if let Err(e) = hsm.destroy(label) {
            tracing::warn!(%label, error = %e, "could not destroy an unused HSM key");
        }
    }
    result
}

#[allow(clippy::too_many_arguments)]
fn insert_key(
    conn: &Connection,
    store: KeyStore<'_>,
    made: &std::cell::RefCell<Option<String>>,
    code: &str,
    algorithm: KeyAlgorithm,
    not_before: OffsetDateTime,
    not_after: Option<OffsetDateTime>,
    actor: &str,
) -> Result<String, IssuerError> {
    let id = crypto::random_id();
    let (sealed, public, hsm_label) = match store {
        KeyStore::Software(master) => {
            let key = SigningKey::generate(algorithm, &mut OsRng);
            let der = key.to_pkcs8_der();
            (master.seal(code, &id, &der)?, key.public_key(), None)
        }
        KeyStore::Hsm(hsm) => {
            let label = hsm_key_label(code, &id);
            let public = hsm.generate(algorithm, &label, id.as_bytes())?;
            *made.borrow_mut() = Some(label.clone());
            (Vec::new(), public, Some(label))
        }
    };
    let multikey = public.to_multikey();
    conn.execute(
        "INSERT INTO signing_keys(id, agency, algorithm, public_multikey, sealed, not_before, not_after, created_at, hsm_label)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            &id,
            code,
            algorithm.name(),
            &multikey,
            sealed,
            format_time(not_before),
            not_after.map(format_time),
            now_string(),
            hsm_label.as_deref()
        ],
    )?;
    audit(
        conn,
        Some(code),
        actor,
        "key.create",
        Some(&id),
        Some(&multikey),
    )?;
    Ok(id)
}

/// One agency's public facts.
pub fn agency_summary(
    conn: &Connection,
    origin: &str,
    code: &str,
) -> Result<AgencySummary, IssuerError> {
    let row = conn
        .query_opt(
            "SELECT name_th, name_en, did_method FROM agencies WHERE code = ?1",
            params![code],
        )?
        .ok_or_else(|| IssuerError::UnknownAgency(code.to_string()))?;
    let (name_th, name_en, method): (String, String, String) =
        (row.get(0)?, row.get(1)?, row.get(2)?);
    let did_method: DidMethod = method.parse()?;
    let keys = conn
        .query(
            "SELECT id, algorithm, public_multikey, not_before, not_after, hsm_label
             FROM signing_keys WHERE agency = ?1 ORDER BY not_before, created_at",
            params![code],
        )?
        .iter()
        .map(|r| {
            Ok(KeySummary {
                id: r.get(0)?,
                algorithm: r.get(1)?,
                public_multikey: r.get(2)?,
                not_before: r.get(3)?,
                not_after: r.get(4)?,
                hsm_label: r.get(5)?,
            })
        })
        .collect::<Result<Vec<KeySummary>, IssuerError>>()?;
    let (did, did_document_url) = match did_method {
        DidMethod::Web => {
            let did = agency_did(origin, code)?;
            let url = elicence_core::did::did_web_url(&did)?;
            (did, Some(url))
        }
        DidMethod::Key => {
            let first = keys.first().ok_or_else(|| {
                IssuerError::InvalidAgency(format!("did:key agency `{code}` has no key"))
            })?;
            (did_key_of(&first.public_multikey)?, None)
        }
    };
    Ok(AgencySummary {
        did_method,
        did_document_url,
        did,
        base_url: agency_base_url(origin, code),
        code: code.to_string(),
        name_th,
        name_en,
        keys,
    })
}

/// Every agency.
pub fn list_agencies(conn: &Connection, origin: &str) -> Result<Vec<AgencySummary>, IssuerError> {
    let codes: Vec<String> = conn
        .query("SELECT code FROM agencies ORDER BY code", params![])?
        .iter()
        .map(|r| r.get(0))
        .collect::<Result<_, _>>()?;
    codes
        .iter()
        .map(|c| agency_summary(conn, origin, c))
        .collect()
}

/// A token as created: the secret is shown once and never stored.
#[derive(Debug)]
pub struct NewToken {
    /// Public id (for revocation and the audit log).
    pub id: String,
    /// The secret bearer token.
    pub token: Zeroizing<String>,
}

/// Creates a token for `agency` with `scopes`.
pub fn create_token(
    conn: &Connection,
    agency: &str,
    scopes: &[Scope],
    label: Option<&str>,
    actor: &str,
) -> Result<NewToken, IssuerError> {
    if scopes.is_empty() {
        return Err(IssuerError::InvalidToken("give at least one scope".into()));
    }
    let exists = conn.query_opt("SELECT code FROM agencies WHERE code = ?1", params![agency])?;
    if exists.is_none() {
        return Err(IssuerError::UnknownAgency(agency.to_string()));
    }
    let mut names: Vec<&str> = scopes.iter().map(|s| s.name()).collect();
    names.sort_unstable();
    names.dedup();
    let (token, hash) = crypto::new_token();
    let id = crypto::random_id();
    conn.execute(
        "INSERT INTO tokens(id, agency, hash, scopes, label, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![&id, agency, &hash, names.join(","), label, now_string()],
    )?;
    audit(
        conn,
        Some(agency),
        actor,
        "token.create",
        Some(&id),
        Some(&names.join(",")),
    )?;
    Ok(NewToken { id, token })
}

/// Revokes a token by id; it stops working at once.
pub fn revoke_token(conn: &Connection, id: &str, actor: &str) -> Result<(), IssuerError> {
    let agency: Option<String> = conn
        .query_opt("SELECT agency FROM tokens WHERE id = ?1", params![id])?
        .map(|r| r.get(0))
        .transpose()?;
    let agency = agency.ok_or_else(|| IssuerError::UnknownToken(id.to_string()))?;
    conn.execute(
        "UPDATE tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
        params![id, now_string()],
    )?;
    audit(conn, Some(&agency), actor, "token.revoke", Some(id), None)?;
    Ok(())
}

/// The admin actor name for the audit log: `admin:$USER`.
pub fn admin_actor() -> String {
    format!(
        "admin:{}",
        std::env::var("USER").unwrap_or_else(|_| "unknown".into())
    )
}

/// Re-encrypts every stored signing key from master key `old` to `new`, in
/// one transaction: killed midway (or failing on any key), nothing changes
/// and every key still opens with `old`; committed, every key opens with
/// `new` only; the console's TOTP secrets move with them. Returns how
/// many signing keys were re-encrypted; keys held in an HSM are not under
/// the master key and stay as they are.
///
/// Running it again is safe: a key that already opens with `new` (an
/// earlier run committed, or a key was added under `new` since) is left as
/// it is, and one still under `old` (added by an admin command that read
/// the old key file meanwhile) is re-encrypted. A key that opens with
/// neither stops the rotation ([`IssuerError::Decrypt`]), changing nothing.
///
/// The key material does not change, so running instances keep signing
/// with what they hold; they switch to `new` once it is installed where
/// their `[master_key]` points (docs/deploy.md).
pub fn rotate_master_key(
    conn: &mut Connection,
    old: &MasterKey,
    new: &MasterKey,
    actor: &str,
) -> Result<usize, IssuerError> {
    conn.transaction(true, |tx| {
        let rows = tx.query(
            // Keys in an HSM have nothing sealed under the master key.
            "SELECT id, agency, sealed FROM signing_keys WHERE hsm_label IS NULL ORDER BY id",
            params![],
        )?;
        let mut count = 0usize;
        for row in rows {
            let (id, agency, sealed): (String, String, Vec<u8>) =
                (row.get(0)?, row.get(1)?, row.get(2)?);
            let secret = match old.open(&agency, &id, &sealed) {
                Ok(secret) => secret,
                Err(IssuerError::Decrypt) if new.open(&agency, &id, &sealed).is_ok() => continue,
                Err(e) => return Err(e),
            };
            let resealed = new.seal(&agency, &id, &secret)?;
            tx.execute(
                "UPDATE signing_keys SET sealed = ?2 WHERE id = ?1",
                params![&id, resealed],
            )?;
            count += 1;
        }
        let totp = crate::console::accounts::reseal_totp_secrets(tx, old, new)?;
        audit(
            tx,
            None,
            actor,
            "master-key.rotate",
            None,
            Some(&format!("{count} keys, {totp} console TOTP secrets")),
        )?;
        Ok(count)
    })
}
