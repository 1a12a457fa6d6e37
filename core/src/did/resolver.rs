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
/// it. Never touches the network.
#[derive(Debug, Clone, Default)]
pub struct OfflineResolver {
    documents: HashMap<String, Value>,
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

    /// Adds (or replaces) a `did:web` DID document, keyed by its `id`.
    pub fn add_document(&mut self, document: Value) -> Result<(), DidError> {
        let id = document
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| DidError::InvalidDocument {
                id: "?".into(),
                reason: "missing string `id`".into(),
            })?
            .to_string();
        did_web_url(&id)?;
        self.documents.insert(id, document);
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
        let doc = self
            .documents
            .get(did)
            .ok_or_else(|| DidError::DocumentNotFound(did.to_string()))?;
        let relative = format!("#{fragment}");
        let matches_id = |id: &str| id == vm || id == relative;

        let method = find_method(doc, &matches_id)
            .ok_or_else(|| DidError::VerificationMethodNotFound(vm.to_string()))?;
        let bad = |reason: &str| DidError::InvalidDocument {
            id: did.to_string(),
            reason: format!("verification method `{vm}`: {reason}"),
        };
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
}

/// Finds a verification method object by id in `verificationMethod` or
/// embedded in a relationship array.
fn find_method<'a>(doc: &'a Value, matches_id: &dyn Fn(&str) -> bool) -> Option<&'a Value> {
    std::iter::once("verificationMethod")
        .chain(RELATIONSHIPS)
        .filter_map(|name| doc.get(name).and_then(Value::as_array))
        .flatten()
        .find(|m| m.get("id").and_then(Value::as_str).is_some_and(matches_id))
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
            let multikey = public_key.to_multikey();
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
