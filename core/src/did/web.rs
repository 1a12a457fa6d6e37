//! `did:web` (W3C CCG did:web method): a DID bound to an HTTPS origin, used by
//! agencies so keys can rotate while the identifier stays put.

use serde_json::{json, Value};

use super::DidError;
use crate::keys::PublicKey;

const PREFIX: &str = "did:web:";

fn invalid(did: &str, reason: impl Into<String>) -> DidError {
    DidError::InvalidDid {
        did: did.to_string(),
        reason: reason.into(),
    }
}

fn valid_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

fn valid_segment(seg: &str) -> bool {
    if seg.is_empty() || seg == "." || seg == ".." {
        return false;
    }
    let bytes = seg.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hex = |j: usize| bytes.get(j).is_some_and(|c| c.is_ascii_hexdigit());
            if !(hex(i + 1) && hex(i + 2)) {
                return false;
            }
            i += 3;
        } else if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            i += 1;
        } else {
            return false;
        }
    }
    true
}

/// The HTTPS URL of a `did:web` DID document: `did:web:host` →
/// `https://host/.well-known/did.json`; `did:web:host:agencies:CODE` →
/// `https://host/agencies/CODE/did.json`; a port is written `%3A` in the DID.
/// Takes a DID, not a DID URL: fragments, queries and paths are rejected.
pub fn did_web_url(did: &str) -> Result<String, DidError> {
    let rest = did
        .strip_prefix(PREFIX)
        .ok_or_else(|| invalid(did, "does not start with `did:web:`"))?;
    if rest.contains(['#', '?', '/']) {
        return Err(invalid(did, "a did:web DID has no fragment, query or path"));
    }
    let mut parts = rest.split(':');
    let domain = parts.next().unwrap_or_default();
    let (host, port) = match domain.to_ascii_lowercase().split_once("%3a") {
        Some((host, port)) => (host.to_string(), Some(port.to_string())),
        None => (domain.to_ascii_lowercase(), None),
    };
    if !valid_host(&host) {
        return Err(invalid(
            did,
            format!("`{domain}` is not a valid domain name"),
        ));
    }
    if let Some(port) = &port {
        if port.is_empty() || port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid(did, format!("`{port}` is not a valid port")));
        }
    }
    let segments: Vec<&str> = parts.collect();
    if let Some(bad) = segments.iter().find(|s| !valid_segment(s)) {
        return Err(invalid(did, format!("invalid path segment `{bad}`")));
    }
    let mut url = String::from("https://");
    url.push_str(&host);
    if let Some(port) = port {
        url.push(':');
        url.push_str(&port);
    }
    if segments.is_empty() {
        url.push_str("/.well-known/did.json");
    } else {
        for seg in segments {
            url.push('/');
            url.push_str(seg);
        }
        url.push_str("/did.json");
    }
    Ok(url)
}

/// Builds the DID document an agency publishes at [`did_web_url`]: one
/// `Multikey` verification method per key, with id `did#<multikey>` so ids
/// stay stable when keys are added or rotated (duplicates listed once); all keys are listed under
/// `assertionMethod` (credential signing) and `authentication`.
pub fn did_web_document(did: &str, keys: &[PublicKey]) -> Result<Value, DidError> {
    did_web_url(did)?;
    if keys.is_empty() {
        return Err(DidError::NoKeys);
    }
    let mut unique: Vec<&PublicKey> = Vec::with_capacity(keys.len());
    for k in keys {
        if !unique.contains(&k) {
            unique.push(k);
        }
    }
    let methods: Vec<Value> = unique
        .into_iter()
        .map(|k| {
            let multikey = k.to_multikey();
            json!({
                "id": format!("{did}#{multikey}"),
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": multikey,
            })
        })
        .collect();
    let ids: Vec<Value> = methods.iter().map(|m| m["id"].clone()).collect();
    Ok(json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }))
}
