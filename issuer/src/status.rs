//! Bitstring Status List for issued credentials: random, never-reused index
//! allocation, the entries written into credentials, and the signed status
//! list credentials the service publishes (with a cache keyed by list).
//!
//! Every credential with status gets one index, used in two lists of the same
//! number: `…/status/revocation/N` and `…/status/suspension/N`.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use elicence_core::keys::KeyAlgorithm;
use elicence_core::proof::{self, Cryptosuite, ProofOptions};
use elicence_core::status::Bitstring;
use rand_core::{OsRng, RngCore};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::error::IssuerError;
use crate::registry::Agency;
use crate::store::{self, format_time, ReadPool};

/// A status purpose the service supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// Final: a revoked credential stays revoked.
    Revocation,
    /// Reversible: suspended credentials can be reinstated.
    Suspension,
}

impl Purpose {
    /// Both purposes, in the order entries are written.
    pub const ALL: [Purpose; 2] = [Purpose::Revocation, Purpose::Suspension];

    /// The `statusPurpose` value.
    pub fn name(self) -> &'static str {
        match self {
            Purpose::Revocation => "revocation",
            Purpose::Suspension => "suspension",
        }
    }
}

impl fmt::Display for Purpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Purpose {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "revocation" => Ok(Purpose::Revocation),
            "suspension" => Ok(Purpose::Suspension),
            other => Err(format!(
                "unsupported statusPurpose `{other}` (supported: revocation, suspension)"
            )),
        }
    }
}

/// The URL of an agency's status list.
pub fn list_url(base_url: &str, purpose: Purpose, list: u32) -> String {
    format!("{base_url}/status/{}/{list}", purpose.name())
}

/// The URL of an agency's IETF Token Status List `list` (the `uri` an SD-JWT
/// VC's `status.status_list` names; same list number and index as the
/// licence's Bitstring entries).
pub fn token_list_url(base_url: &str, list: u32) -> String {
    format!("{base_url}/status/token/{list}")
}

/// The `credentialStatus` entries of a credential at `(list, index)`.
pub fn entries(base_url: &str, list: u32, index: u32, purposes: &[Purpose]) -> Value {
    let entries: Vec<Value> = purposes
        .iter()
        .map(|p| {
            let url = list_url(base_url, *p, list);
            json!({
                "id": format!("{url}#{index}"),
                "type": "BitstringStatusListEntry",
                "statusPurpose": p.name(),
                "statusListIndex": index.to_string(),
                "statusListCredential": url,
            })
        })
        .collect();
    match <[Value; 1]>::try_from(entries) {
        Ok([one]) => one,
        Err(many) => Value::Array(many),
    }
}

struct OpenList {
    list: u32,
    used: Vec<u64>,
    count: u32,
    /// Allocations left before the next look at what the database holds
    /// (other instances fill the same list).
    until_merge: u32,
}

/// Hands out status indices: uniformly random within the open list (so the
/// index reveals nothing about issuance order or volume), never twice. The
/// open list is closed at `max_fill` and the next number opened.
///
/// Indices handed out but never committed (a crash, a failed request) are
/// simply unused: after a restart the state is rebuilt from committed rows,
/// and the database's unique constraint is the final guard.
pub struct Allocator {
    size: u32,
    max_fill: f64,
    open: Mutex<HashMap<String, OpenList>>,
}

impl fmt::Debug for Allocator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Allocator")
            .field("size", &self.size)
            .finish()
    }
}

impl Allocator {
    /// An allocator for lists of `size` entries closed at `max_fill`.
    pub fn new(size: u32, max_fill: f64) -> Allocator {
        Allocator {
            size,
            max_fill,
            open: Mutex::new(HashMap::new()),
        }
    }

    fn capacity(&self) -> u32 {
        ((f64::from(self.size) * self.max_fill) as u32).max(1)
    }

    /// The agency's newest list and the indices the database holds in it.
    fn load(&self, pool: &ReadPool, agency: &str) -> Result<OpenList, IssuerError> {
        let (list, used) = pool.with(|c| {
            let list = store::highest_list(c, agency)?.max(1);
            Ok((list, store::used_indices(c, agency, list)?))
        })?;
        let mut open = OpenList {
            list,
            used: vec![0; (self.size as usize).div_ceil(64)],
            count: 0,
            until_merge: 0,
        };
        for index in used {
            if index < self.size {
                open.mark(index);
            }
        }
        Ok(open)
    }

    /// Learns what other instances committed: a newer list replaces ours,
    /// indices in our list are added to what this process handed out.
    fn merge_from_db(
        &self,
        pool: &ReadPool,
        agency: &str,
        state: &mut OpenList,
    ) -> Result<(), IssuerError> {
        let fresh = self.load(pool, agency)?;
        if fresh.list > state.list {
            let until_merge = state.until_merge;
            *state = fresh;
            state.until_merge = until_merge;
        } else if fresh.list == state.list {
            for (word, theirs) in state.used.iter_mut().zip(fresh.used) {
                *word |= theirs;
            }
            state.count = state.used.iter().map(|w| w.count_ones()).sum();
        }
        Ok(())
    }

    /// Called when the database refused `(list, index)` because someone else
    /// (another instance) holds it: the allocator re-reads the list so the
    /// retry picks a free index.
    pub fn taken(
        &self,
        pool: &ReadPool,
        agency: &str,
        list: u32,
        index: u32,
    ) -> Result<(), IssuerError> {
        let mut open = self
            .open
            .lock()
            .map_err(|_| IssuerError::StatusExhausted("allocator poisoned".into()))?;
        if let Some(state) = open.get_mut(agency) {
            if state.list == list && index < self.size {
                state.mark(index);
            }
            self.merge_from_db(pool, agency, state)?;
        }
        Ok(())
    }

    /// A fresh `(list, index)` for `agency`. Several instances on one
    /// database each allocate at random; the database's unique constraint
    /// on (agency, list, index) decides, and a loser retries (see
    /// [`Allocator::taken`]). A list is closed once the database (not just
    /// this process) holds `max_fill` of it.
    pub fn allocate(&self, pool: &ReadPool, agency: &str) -> Result<(u32, u32), IssuerError> {
        let mut open = self
            .open
            .lock()
            .map_err(|_| IssuerError::StatusExhausted("allocator poisoned".into()))?;
        if !open.contains_key(agency) {
            let state = self.load(pool, agency)?;
            open.insert(agency.to_string(), state);
        }
        let state = open
            .get_mut(agency)
            .ok_or_else(|| IssuerError::StatusExhausted(agency.into()))?;
        // Other instances fill the list too: look at the database every
        // eighth of what is left (so ~8·ln(capacity) reads of one list's
        // indices per list, more often as it fills) and when it looks full.
        if state.until_merge == 0 || state.count >= self.capacity() {
            self.merge_from_db(pool, agency, state)?;
            state.until_merge = (self.capacity().saturating_sub(state.count) / 8).max(1);
        }
        state.until_merge -= 1;
        if state.count >= self.capacity() {
            state.list = state
                .list
                .checked_add(1)
                .ok_or_else(|| IssuerError::StatusExhausted(agency.into()))?;
            state.used.iter_mut().for_each(|w| *w = 0);
            state.count = 0;
            state.until_merge = (self.capacity() / 8).max(1);
        }
        loop {
            // Multiply-shift gives a uniform index without modulo bias worth noting.
            let index = ((u64::from(OsRng.next_u32()) * u64::from(self.size)) >> 32) as u32;
            if state.mark(index) {
                return Ok((state.list, index));
            }
        }
    }
}

impl OpenList {
    /// Marks `index` used; `false` if it already was.
    fn mark(&mut self, index: u32) -> bool {
        let (word, bit) = ((index / 64) as usize, 1u64 << (index % 64));
        if self.used[word] & bit != 0 {
            return false;
        }
        self.used[word] |= bit;
        self.count += 1;
        true
    }
}

/// A published status list credential.
#[derive(Debug, Clone)]
pub struct PublishedList {
    /// The signed credential, serialized.
    pub body: Arc<String>,
    /// Strong ETag (quoted).
    pub etag: String,
    /// When it was built.
    pub built: Instant,
}

/// Signed status list credentials, rebuilt when a status in the list changes
/// or when older than the TTL; each is valid for the configured validity
/// window from the moment it is signed.
///
/// The signed copy is stored in the database, with the status version it
/// was built from: every instance serves that same copy (same bytes, same
/// ETag) until it is older than the TTL or a status change bumped the
/// version or an agency or key change bumped the registry generation. Each process also keeps it in memory for at most the TTL, so a
/// revocation made on another instance shows within the TTL.
#[derive(Debug)]
pub struct Publisher {
    size: u32,
    ttl: Duration,
    validity: Duration,
    cache: Mutex<HashMap<(String, Purpose, u32), PublishedList>>,
    /// IETF Token Status Lists (`statuslist+jwt`) by (agency, list).
    tokens: Mutex<HashMap<(String, u32), PublishedList>>,
}

impl Publisher {
    /// A publisher for lists of `size` entries, re-signed (and cacheable) every
    /// `ttl`, each signed copy valid for `validity`.
    pub fn new(size: u32, ttl: Duration, validity: Duration) -> Publisher {
        Publisher {
            size,
            ttl,
            validity,
            cache: Mutex::new(HashMap::new()),
            tokens: Mutex::new(HashMap::new()),
        }
    }

    /// The cache TTL.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Forgets every cached list (after an agency or key change).
    pub fn clear(&self) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.clear();
        }
        if let Ok(mut tokens) = self.tokens.lock() {
            tokens.clear();
        }
    }

    /// Forgets cached copies of an agency's list after a status change.
    pub fn invalidate(&self, agency: &str, list: u32) {
        if let Ok(mut cache) = self.cache.lock() {
            for p in Purpose::ALL {
                cache.remove(&(agency.to_string(), p, list));
            }
        }
        if let Ok(mut tokens) = self.tokens.lock() {
            tokens.remove(&(agency.to_string(), list));
        }
    }

    /// The current signed list, or `None` if the agency has no such list.
    pub fn get(
        &self,
        pool: &ReadPool,
        agency: &Agency,
        purpose: Purpose,
        list: u32,
    ) -> Result<Option<PublishedList>, IssuerError> {
        let key = (agency.code.clone(), purpose, list);
        if let Some(hit) = self.cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
            if hit.built.elapsed() < self.ttl {
                return Ok(Some(hit));
            }
        }
        let highest = pool.with(|c| store::highest_list(c, &agency.code))?;
        if list == 0 || list > highest.max(1) {
            return Ok(None);
        }
        let ttl = i64::try_from(self.ttl.as_secs()).unwrap_or(i64::MAX);
        // The version is read before the set: a change committed in between
        // makes the stored copy look stale (rebuilt), never fresh.
        let (version, generation, stored) = pool.with(|c| {
            Ok((
                store::status_version(c, &agency.code, list)?,
                crate::registry::generation(c)?,
                store::published_list(c, &agency.code, purpose.name(), list)?,
            ))
        })?;
        let now = OffsetDateTime::now_utc();
        let fresh = |s: &store::StoredList| {
            s.version == version
                && s.generation == generation
                && s.built_at <= now.unix_timestamp()
                && now.unix_timestamp() - s.built_at < ttl
        };
        let stored = match stored.filter(fresh) {
            Some(s) => s,
            None => {
                let set = pool.with(|c| store::set_indices(c, &agency.code, list, purpose))?;
                let credential = self.build(agency, purpose, list, &set, now)?;
                let body = serde_json::to_string(&credential)
                    .map_err(|e| IssuerError::StatusExhausted(e.to_string()))?;
                let etag = format!(
                    "\"{}\"",
                    hex::encode(&Sha256::digest(body.as_bytes())[..16])
                );
                let mine = store::StoredList {
                    version,
                    generation,
                    built_at: now.unix_timestamp(),
                    body,
                    etag,
                };
                // Store it, then serve whatever is stored: of instances
                // signing at once, all serve the first copy. A database that
                // refuses the write (SQLite locked) still gets a valid list.
                let shared = pool.with(|c| {
                    store::store_published_list(c, &agency.code, purpose.name(), list, &mine, ttl)?;
                    store::published_list(c, &agency.code, purpose.name(), list)
                });
                match shared {
                    Ok(Some(s)) if fresh(&s) => s,
                    Ok(_) => mine,
                    Err(e) => {
                        tracing::warn!(error = %e, "status list not stored; serving this copy");
                        mine
                    }
                }
            }
        };
        let age =
            Duration::from_secs(u64::try_from(now.unix_timestamp() - stored.built_at).unwrap_or(0));
        let published = PublishedList {
            body: Arc::new(stored.body),
            etag: stored.etag,
            built: Instant::now().checked_sub(age).unwrap_or_else(Instant::now),
        };
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(key, published.clone());
        }
        Ok(Some(published))
    }

    /// The agency's IETF Token Status List `list` as a signed Status List
    /// Token, from its cache while younger than the TTL. It is read from the
    /// same `revoked`/`suspended` columns as the Bitstring lists, so one
    /// revoke/suspend/reinstate transaction changes both at once.
    pub fn get_token(
        &self,
        pool: &ReadPool,
        agency: &Agency,
        list: u32,
    ) -> Result<Option<PublishedList>, IssuerError> {
        let key = (agency.code.clone(), list);
        if let Some(hit) = self.tokens.lock().ok().and_then(|c| c.get(&key).cloned()) {
            if hit.built.elapsed() < self.ttl {
                return Ok(Some(hit));
            }
        }
        let highest = pool.with(|c| store::highest_list(c, &agency.code))?;
        if list == 0 || list > highest.max(1) {
            return Ok(None);
        }
        let (revoked, suspended) = pool.with(|c| {
            Ok((
                store::set_indices(c, &agency.code, list, Purpose::Revocation)?,
                store::set_indices(c, &agency.code, list, Purpose::Suspension)?,
            ))
        })?;
        let body = self.build_token(
            agency,
            list,
            &revoked,
            &suspended,
            OffsetDateTime::now_utc(),
        )?;
        let etag = format!(
            "\"{}\"",
            hex::encode(&Sha256::digest(body.as_bytes())[..16])
        );
        let published = PublishedList {
            body: Arc::new(body),
            etag,
            built: Instant::now(),
        };
        if let Ok(mut cache) = self.tokens.lock() {
            cache.insert(key, published.clone());
        }
        Ok(Some(published))
    }

    /// Builds and signs a Status List Token (2 bits an entry: 0 valid,
    /// 1 invalid for revoked, 2 suspended; revocation wins) with the
    /// agency's current P-256 key (ES256, as HAIP asks), or its Ed25519 key.
    pub fn build_token(
        &self,
        agency: &Agency,
        list: u32,
        revoked: &[u32],
        suspended: &[u32],
        now: OffsetDateTime,
    ) -> Result<String, IssuerError> {
        use elicence_sd_jwt::status_list::{StatusList, StatusListToken, TokenStatus};
        let bad = |e: elicence_sd_jwt::status_list::StatusListError| {
            IssuerError::StatusExhausted(e.to_string())
        };
        let mut bits = StatusList::new(2, u64::from(self.size)).map_err(bad)?;
        for &i in suspended {
            bits.set(u64::from(i), TokenStatus::Suspended)
                .map_err(bad)?;
        }
        for &i in revoked {
            bits.set(u64::from(i), TokenStatus::Invalid).map_err(bad)?;
        }
        let key = agency
            .current_key(now, KeyAlgorithm::P256)
            .or_else(|| agency.current_key(now, KeyAlgorithm::Ed25519))
            .ok_or_else(|| IssuerError::NoValidKey(agency.code.clone()))?;
        let token = StatusListToken {
            uri: token_list_url(&agency.base_url, list),
            issuer: elicence_sd_jwt::vc::issuer_for_did(&agency.did).ok(),
            issued_at: now.unix_timestamp(),
            expires_at: Some((now + self.validity).unix_timestamp()),
            ttl: Some(self.ttl.as_secs()),
            list: bits,
        };
        token
            .try_sign(&key.signing, &key.verification_method)
            .map_err(|e| IssuerError::Proof(elicence_core::proof::ProofError::Signing(e)))
    }

    /// Builds and signs a `BitstringStatusListCredential`, valid from `now` for
    /// the validity window (configuration guarantees it is at least two
    /// TTLs, so a copy cached for at most the TTL is always still valid). It
    /// is signed with the agency's current Ed25519 key (eddsa-rdfc-2022), or
    /// its P-256 key (ecdsa-rdfc-2019) if it has only that.
    pub fn build(
        &self,
        agency: &Agency,
        purpose: Purpose,
        list: u32,
        set: &[u32],
        now: OffsetDateTime,
    ) -> Result<Value, IssuerError> {
        let mut bits = Bitstring::new(self.size as usize)
            .map_err(|e| IssuerError::StatusExhausted(e.to_string()))?;
        for &i in set {
            bits.set(u64::from(i), true)
                .map_err(|e| IssuerError::StatusExhausted(e.to_string()))?;
        }
        let encoded = bits.encode();
        let url = list_url(&agency.base_url, purpose, list);
        let until = now + self.validity;
        let credential = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": agency.did,
            "validFrom": format_time(now),
            "validUntil": format_time(until),
            "credentialSubject": {
                "id": format!("{url}#list"),
                "type": "BitstringStatusList",
                "statusPurpose": purpose.name(),
                "encodedList": encoded,
            },
        });
        let (key, suite) = match agency.current_key(now, KeyAlgorithm::Ed25519) {
            Some(key) => (key, Cryptosuite::EddsaRdfc2022),
            None => (
                agency
                    .current_key(now, KeyAlgorithm::P256)
                    .ok_or_else(|| IssuerError::NoValidKey(agency.code.clone()))?,
                Cryptosuite::EcdsaRdfc2019,
            ),
        };
        let options = ProofOptions::new(key.verification_method.clone(), format_time(now));
        Ok(proof::sign(&credential, suite, &key.signing, &options)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_purpose_is_an_object_two_are_an_array() {
        let one = entries("https://h/agencies/a", 1, 5, &[Purpose::Revocation]);
        assert_eq!(
            one["statusListCredential"],
            "https://h/agencies/a/status/revocation/1"
        );
        assert_eq!(one["statusListIndex"], "5");
        assert_eq!(one["id"], "https://h/agencies/a/status/revocation/1#5");
        let two = entries("https://h/agencies/a", 2, 9, &Purpose::ALL);
        assert_eq!(two.as_array().unwrap().len(), 2);
        assert_eq!(two[1]["statusPurpose"], "suspension");
    }
}
