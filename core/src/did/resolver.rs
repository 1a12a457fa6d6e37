//! Offline key resolution: from a verification method id to a public key, its
//! controller and the purposes it is authorised for.

use std::collections::HashMap;

use serde_json::Value;

use super::{key::resolve_did_key, web::did_web_url, DidError};
use crate::keys::PublicKey;

/// The verification relationship for issuing credentials.
pub const ASSERTION_METHOD: &str = "assertionMethod";
/// The verification relationship for authenticating as the DID subject.
pub const AUTHENTICATION: &str = "authentication";

const RELATIONSHIPS: [&str; 5] = [
    ASSERTION_METHOD,
    AUTHENTICATION,
    "capabilityInvocation",
    "capabilityDelegation",
    "keyAgreement",
];

/// A resolved verification method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedKey {
    /// The public key to verify with.
    pub public_key: PublicKey,
    /// The DID that controls the key (the issuer to trust or not).
    pub controller: String,
    /// The absolute verification method id.
    pub verification_method: String,
    /// Verification relationships (proof purposes) the controller authorised
    /// this key for, e.g. `assertionMethod`.
    pub relationships: Vec<String>,
}

impl ResolvedKey {
    /// Whether the controller authorised this key for `purpose`.
    pub fn allows(&self, purpose: &str) -> bool {
        self.relationships.iter().any(|r| r == purpose)
    }
}

/// Turns a verification method id into a key. Implementations must not fetch
/// anything during verification: trust material is supplied up front.
pub trait KeyResolver {
    /// Resolves `verification_method` (a DID URL such as `did:web:x#key`).
    fn resolve(&self, verification_method: &str) -> Result<ResolvedKey, DidError>;
}

/// Resolves `did:key` always, and `did:web` only from DID documents handed to
/// it. Never touches the network. Documents are indexed when added, so each
/// resolution is a map lookup (keys are parsed once, not per credential).
#[derive(Debug, Clone, Default)]
pub struct OfflineResolver {
    /// DID → (absolute verification method id → resolution result).
    documents: HashMap<String, HashMap<String, Result<ResolvedKey, DidError>>>,
}

impl OfflineResolver {
    /// A resolver for `did:key` only.
    pub fn new() -> Self {
        Self::default()
    }

    /// A resolver that also knows the given `did:web` documents.
    pub fn with_documents(documents: Vec<Value>) -> Result<Self, DidError> {
        let mut resolver = Self::new();
        for doc in documents {
            resolver.add_document(doc)?;
        }
        Ok(resolver)
    }

    /// Whether a DID document for `did` was added.
    pub fn has_document(&self, did: &str) -> bool {
        self.documents.contains_key(did)
    }

    /// Adds (or replaces) a `did:web` DID document, keyed by its `id`. Each
    /// verification method is resolved now; a broken one only fails when used.
    pub fn add_document(&mut self, document: Value) -> Result<(), DidError> {
        let did = document
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| DidError::InvalidDocument {
                id: "?".into(),
                reason: "missing string `id`".into(),
            })?
            .to_string();
        did_web_url(&did)?;
        let mut methods = HashMap::new();
        let all = std::iter::once("verificationMethod")
            .chain(RELATIONSHIPS)
            .filter_map(|name| document.get(name).and_then(Value::as_array))
            .flatten();
        for method in all {
            let Some(id) = method.get("id").and_then(Value::as_str) else {
                continue;
            };
            let absolute = if id.starts_with('#') {
                format!("{did}{id}")
            } else {
                id.to_string()
            };
            let resolved = index_method(&document, &did, &absolute, method);
            methods.entry(absolute).or_insert(resolved);
        }
        self.documents.insert(did, methods);
        Ok(())
    }

    fn resolve_did_web(&self, vm: &str) -> Result<ResolvedKey, DidError> {
        let (did, fragment) = vm.split_once('#').ok_or_else(|| DidError::InvalidDid {
            did: vm.to_string(),
            reason: "a did:web verification method needs a `#fragment`".into(),
        })?;
        if fragment.is_empty() {
            return Err(DidError::InvalidDid {
                did: vm.to_string(),
                reason: "empty fragment".into(),
            });
        }
        self.documents
            .get(did)
            .ok_or_else(|| DidError::DocumentNotFound(did.to_string()))?
            .get(vm)
            .ok_or_else(|| DidError::VerificationMethodNotFound(vm.to_string()))?
            .clone()
    }
}

/// Resolves one verification method of `doc` (whose DID is `did`).
fn index_method(doc: &Value, did: &str, vm: &str, method: &Value) -> Result<ResolvedKey, DidError> {
    let bad = |reason: &str| DidError::InvalidDocument {
        id: did.to_string(),
        reason: format!("verification method `{vm}`: {reason}"),
    };
    if !vm.starts_with(did) || !vm[did.len()..].starts_with('#') {
        return Err(bad("its id is not under the document's DID"));
    }
    let controller = method
        .get("controller")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("missing string `controller`"))?;
    if controller != did {
        return Err(bad("controller is not the document's DID"));
    }
    let public_key = method_key(method).map_err(|source| match source {
        Some(source) => DidError::InvalidKey {
            did: vm.to_string(),
            source,
        },
        None => bad("no publicKeyMultibase or publicKeyJwk"),
    })?;
    let relative = &vm[did.len()..];
    let matches_id = |id: &str| id == vm || id == relative;
    let relationships = RELATIONSHIPS
        .iter()
        .filter(|rel| {
            doc.get(**rel)
                .and_then(Value::as_array)
                .is_some_and(|entries| {
                    entries.iter().any(|e| match e {
                        Value::String(s) => matches_id(s),
                        Value::Object(_) => {
                            e.get("id").and_then(Value::as_str).is_some_and(matches_id)
                        }
                        _ => false,
                    })
                })
        })
        .map(|r| r.to_string())
        .collect();
    Ok(ResolvedKey {
        public_key,
        controller: did.to_string(),
        verification_method: vm.to_string(),
        relationships,
    })
}

/// Reads the key of a `Multikey` (publicKeyMultibase) or `JsonWebKey`
/// (publicKeyJwk) verification method. `Err(None)` means neither is present.
fn method_key(method: &Value) -> Result<PublicKey, Option<crate::keys::KeyError>> {
    if let Some(mk) = method.get("publicKeyMultibase").and_then(Value::as_str) {
        return PublicKey::from_multikey(mk).map_err(Some);
    }
    if let Some(jwk) = method.get("publicKeyJwk") {
        return PublicKey::from_jwk(jwk).map_err(Some);
    }
    Err(None)
}

impl KeyResolver for OfflineResolver {
    fn resolve(&self, verification_method: &str) -> Result<ResolvedKey, DidError> {
        if verification_method.starts_with("did:key:") {
            let public_key = resolve_did_key(verification_method)?;
            let did = verification_method
                .split_once('#')
                .map_or(verification_method, |(did, _)| did)
                .to_string();
            // The key's Multikey is the DID's own identifier (base58btc has
            // one spelling per byte string, and resolve_did_key decoded it):
            // no need to encode it again.
            let multikey = &did["did:key:".len()..];
            Ok(ResolvedKey {
                public_key,
                verification_method: format!("{did}#{multikey}"),
                controller: did,
                // A did:key document lists its single key under every
                // signing relationship.
                relationships: RELATIONSHIPS[..4].iter().map(|r| r.to_string()).collect(),
            })
        } else if verification_method.starts_with("did:web:") {
            self.resolve_did_web(verification_method)
        } else {
            Err(DidError::UnsupportedMethod(verification_method.to_string()))
        }
    }
}
