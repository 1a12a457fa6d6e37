//! The trust list: which agencies are real, their DIDs, the keys they sign
//! with (each with a validity window), and the licence types each may issue
//! (docs/trust.md). It is itself a credential signed by the root authority.

use std::collections::BTreeSet;

use elicence_core::did::{resolve_did_key, OfflineResolver};
use elicence_core::keys::{KeyError, PublicKey};
use elicence_core::licence::model::BilingualText;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::catalogue::{Catalogue, Level};

/// `type` of the trust list credential (besides `VerifiableCredential`).
pub const TRUST_LIST_TYPE: &str = "ElicenceTrustList";

/// One signing key of an agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AgencyKey {
    /// The verification method id (`did:web:agency#key-1`, `did:key:z…#z…`).
    pub id: String,
    /// The public key (Multikey).
    pub public_key_multibase: String,
    /// First instant the key may sign (RFC 3339).
    pub valid_from: String,
    /// Last instant the key may sign (RFC 3339); none while it is current.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    /// Set when the private key leaked: nothing it signed is trusted, whatever
    /// date the signature claims (a thief can backdate).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub compromised: bool,
}

/// A trusted agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Agency {
    /// Short stable code, e.g. `DIW`.
    pub code: String,
    /// The official name: what the inspector is shown, never the credential's claim.
    pub name: BilingualText,
    /// Level of government.
    pub level: Level,
    /// DIDs the agency issues under.
    pub dids: Vec<String>,
    /// Its signing keys, current and past.
    pub keys: Vec<AgencyKey>,
    /// Licence type codes it is authorised to issue.
    pub licence_types: Vec<String>,
}

/// A key with its window parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KeyWindow {
    pub(crate) did: String,
    pub(crate) public_key: PublicKey,
    pub(crate) from: OffsetDateTime,
    pub(crate) until: Option<OffsetDateTime>,
    pub(crate) compromised: bool,
    pub(crate) id: String,
}

/// The checked trust list.
#[derive(Debug, Clone)]
pub struct TrustList {
    /// The agencies, in the order listed.
    pub agencies: Vec<Agency>,
    pub(crate) windows: Vec<Vec<KeyWindow>>,
}

/// Why a trust list is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustListError {
    /// Not the expected JSON shape.
    #[error("trust list: {0}")]
    Shape(String),
    /// Two agencies share a code or a DID.
    #[error("trust list: {0:?} appears twice")]
    Duplicate(String),
    /// A key is malformed or does not belong to the agency's DIDs.
    #[error("trust list: agency {agency}: key {key}: {reason}")]
    BadKey {
        /// The agency code.
        agency: String,
        /// The key id.
        key: String,
        /// Why.
        reason: String,
    },
    /// A DID is not one we can resolve offline.
    #[error("trust list: agency {agency}: DID {did:?} is not a did:web or did:key DID")]
    BadDid {
        /// The agency code.
        agency: String,
        /// The DID.
        did: String,
    },
    /// An agency is authorised for a type the catalogue lacks, or at a level
    /// the catalogue does not allow for it.
    #[error("trust list: agency {agency} may not issue {code:?}: {reason}")]
    Authorisation {
        /// The agency code.
        agency: String,
        /// The licence type.
        code: String,
        /// Why.
        reason: String,
    },
}

fn time(field: &str, s: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(s, &Rfc3339).map_err(|_| format!("{field} {s:?} is not RFC 3339"))
}

impl TrustList {
    /// Reads the subject of a (verified) trust list credential and checks it
    /// against the catalogue.
    pub fn from_subject(
        subject: &Value,
        catalogue: &Catalogue,
    ) -> Result<TrustList, TrustListError> {
        let agencies: Vec<Agency> = match subject.get("agencies") {
            Some(a) => serde_json::from_value(a.clone())
                .map_err(|e| TrustListError::Shape(e.to_string()))?,
            None => return Err(TrustListError::Shape("missing `agencies`".into())),
        };
        let mut codes = BTreeSet::new();
        let mut dids = BTreeSet::new();
        let mut windows = Vec::with_capacity(agencies.len());
        for agency in &agencies {
            if !codes.insert(agency.code.as_str()) {
                return Err(TrustListError::Duplicate(agency.code.clone()));
            }
            for did in &agency.dids {
                if !(did.starts_with("did:web:") || did.starts_with("did:key:")) {
                    return Err(TrustListError::BadDid {
                        agency: agency.code.clone(),
                        did: did.clone(),
                    });
                }
                if !dids.insert(did.as_str()) {
                    return Err(TrustListError::Duplicate(did.clone()));
                }
            }
            windows.push(agency_windows(agency)?);
            for code in &agency.licence_types {
                let fail = |reason: String| TrustListError::Authorisation {
                    agency: agency.code.clone(),
                    code: code.clone(),
                    reason,
                };
                let entry = catalogue
                    .get(code)
                    .ok_or_else(|| fail("the catalogue has no such licence type".into()))?;
                if !entry.issuing_levels.contains(&agency.level) {
                    return Err(fail(format!(
                        "the catalogue lets only {:?} agencies issue it, this one is {:?}",
                        entry.issuing_levels, agency.level
                    )));
                }
            }
        }
        Ok(TrustList { agencies, windows })
    }

    /// The agency that issues under `did`, if trusted.
    pub fn agency_for_did(&self, did: &str) -> Option<&Agency> {
        self.agencies
            .iter()
            .find(|a| a.dids.iter().any(|d| d == did))
    }

    pub(crate) fn windows_for(&self, agency: &Agency) -> &[KeyWindow] {
        self.agencies
            .iter()
            .position(|a| a.code == agency.code)
            .and_then(|i| self.windows.get(i))
            .map_or(&[], Vec::as_slice)
    }

    /// An offline resolver that knows exactly the trust list's keys: a
    /// `did:web` agency gets a DID document built from its listed keys.
    pub(crate) fn resolver(&self) -> OfflineResolver {
        let mut resolver = OfflineResolver::new();
        for (agency, windows) in self.agencies.iter().zip(&self.windows) {
            for did in agency.dids.iter().filter(|d| d.starts_with("did:web:")) {
                let methods: Vec<Value> = windows
                    .iter()
                    .filter(|w| &w.did == did)
                    .map(|w| {
                        json!({"id": w.id, "type": "Multikey", "controller": did,
                               "publicKeyMultibase": w.public_key.to_multikey()})
                    })
                    .collect();
                let ids: Vec<Value> = methods.iter().map(|m| m["id"].clone()).collect();
                // Built from checked keys, so this cannot fail; a failure
                // leaves the DID unresolvable, which fails closed.
                let _ = resolver.add_document(json!({
                    "id": did, "verificationMethod": methods,
                    "assertionMethod": ids, "authentication": ids,
                }));
            }
        }
        resolver
    }
}

fn agency_windows(agency: &Agency) -> Result<Vec<KeyWindow>, TrustListError> {
    let mut out = Vec::with_capacity(agency.keys.len());
    for key in &agency.keys {
        let bad = |reason: String| TrustListError::BadKey {
            agency: agency.code.clone(),
            key: key.id.clone(),
            reason,
        };
        let (did, fragment) = key
            .id
            .split_once('#')
            .ok_or_else(|| bad("the id needs a #fragment".into()))?;
        if fragment.is_empty() || !agency.dids.iter().any(|d| d == did) {
            return Err(bad("the key is not under one of the agency's DIDs".into()));
        }
        let public_key = match PublicKey::from_multikey(&key.public_key_multibase) {
            Ok(k) => k,
            // A key type this build leaves out (P-384 in the browser
            // inspector): the rest of the list stays usable; what that key
            // signed finds no key and fails closed.
            Err(KeyError::NotInThisBuild(_)) => continue,
            Err(e) => return Err(bad(e.to_string())),
        };
        if did.starts_with("did:key:") {
            let embedded = resolve_did_key(&key.id).map_err(|e| bad(e.to_string()))?;
            if embedded != public_key {
                return Err(bad("publicKeyMultibase differs from the did:key".into()));
            }
        }
        let from = time("validFrom", &key.valid_from).map_err(bad)?;
        let until = match &key.valid_until {
            Some(u) => Some(time("validUntil", u).map_err(bad)?),
            None => None,
        };
        if until.is_some_and(|u| u < from) {
            return Err(bad("validUntil is before validFrom".into()));
        }
        out.push(KeyWindow {
            did: did.to_owned(),
            public_key,
            from,
            until,
            compromised: key.compromised,
            id: key.id.clone(),
        });
    }
    Ok(out)
}
