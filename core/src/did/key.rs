//! `did:key` (W3C CCG did:key v0.7) for Multikey-encoded Ed25519, P-256 and
//! P-384 keys (`did:key:z6Mk…`, `did:key:zDn…`, `did:key:z82…`).

use super::DidError;
use crate::keys::PublicKey;

const PREFIX: &str = "did:key:";

/// The `did:key` DID of a public key: `did:key:` + its Multikey.
pub fn did_key(key: &PublicKey) -> String {
    format!("{PREFIX}{}", key.to_multikey())
}

/// The verification method id of a `did:key`: `did:key:z…#z…`, the value to
/// put in a proof's `verificationMethod` or a JWT `kid`.
pub fn did_key_verification_method(key: &PublicKey) -> String {
    let multikey = key.to_multikey();
    format!("{PREFIX}{multikey}#{multikey}")
}

/// Resolves a `did:key` DID or verification method to its public key. A
/// fragment, when present, must equal the key itself.
pub fn resolve_did_key(did_or_vm: &str) -> Result<PublicKey, DidError> {
    let rest = did_or_vm
        .strip_prefix(PREFIX)
        .ok_or_else(|| DidError::InvalidDid {
            did: did_or_vm.to_string(),
            reason: "does not start with `did:key:`".into(),
        })?;
    let (id, fragment) = match rest.split_once('#') {
        Some((id, fragment)) => (id, Some(fragment)),
        None => (rest, None),
    };
    if id.contains(['/', '?', ':']) {
        return Err(DidError::InvalidDid {
            did: did_or_vm.to_string(),
            reason: "did:key takes no path, query or version".into(),
        });
    }
    if let Some(fragment) = fragment {
        if fragment != id {
            return Err(DidError::FragmentMismatch(did_or_vm.to_string()));
        }
    }
    PublicKey::from_multikey(id).map_err(|source| DidError::InvalidKey {
        did: did_or_vm.to_string(),
        source,
    })
}
