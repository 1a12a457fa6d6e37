//! VC Data Model checks before the service signs anything it is given through
//! the VC API: the service signs only well-formed credentials in its agency's
//! name, with pinned contexts, and never one that already carries a proof.
//!
//! VC 2.0 (`https://www.w3.org/ns/credentials/v2`) and VC 1.1
//! (`https://www.w3.org/2018/credentials/v1`) inputs are accepted.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use elicence_core::licence::context::{check_contexts, VC_V1_CONTEXT_URL, VC_V2_CONTEXT_URL};

/// The Data Integrity context, added to VC 1.1 credentials so proof terms are defined.
pub const DATA_INTEGRITY_V2: &str = "https://w3id.org/security/data-integrity/v2";

/// The data model version of a credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// VC Data Model 2.0.
    V2,
    /// VC Data Model 1.1.
    V1,
}

/// A VC Data Model rule a credential breaks; `path` locates it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct VcdmError {
    /// JSON path of the offending member, e.g. `credentialSchema[0].id`.
    pub path: String,
    /// What is wrong.
    pub reason: String,
}

fn err(path: impl Into<String>, reason: impl Into<String>) -> VcdmError {
    VcdmError {
        path: path.into(),
        reason: reason.into(),
    }
}

fn is_url(s: &str) -> bool {
    match s.split_once(':') {
        Some((scheme, rest)) => {
            !rest.is_empty()
                && !scheme.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

fn objects<'a>(path: &str, v: &'a Value) -> Result<Vec<&'a Map<String, Value>>, VcdmError> {
    match v {
        Value::Object(m) => Ok(vec![m]),
        Value::Array(items) if !items.is_empty() => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                item.as_object()
                    .ok_or_else(|| err(format!("{path}[{i}]"), "must be an object"))
            })
            .collect(),
        _ => Err(err(
            path,
            "must be an object or a non-empty array of objects",
        )),
    }
}

fn date(path: &str, v: Option<&Value>) -> Result<Option<OffsetDateTime>, VcdmError> {
    match v {
        None => Ok(None),
        Some(Value::String(s)) => elicence_core::datetime::parse_strict(s)
            .map(Some)
            .map_err(|e| err(path, format!("`{s}` is not an accepted date-time: {e}"))),
        Some(_) => Err(err(path, "must be a string")),
    }
}

/// Checks `credential` and prepares it for signing by agency `did`: sets the
/// issuer if absent (and refuses another issuer), and adds the Data Integrity
/// context to VC 1.1 credentials. Returns the version.
pub fn prepare(credential: &mut Value, did: &str, now: &str) -> Result<Version, VcdmError> {
    let map = credential
        .as_object_mut()
        .ok_or_else(|| err("credential", "must be a JSON object"))?;
    let first = match map.get("@context") {
        Some(Value::Array(items)) => items.first().and_then(Value::as_str),
        Some(Value::String(s)) => Some(s.as_str()),
        _ => None,
    };
    let version = match first {
        Some(VC_V2_CONTEXT_URL) => Version::V2,
        Some(VC_V1_CONTEXT_URL) => Version::V1,
        _ => {
            return Err(err(
                "@context",
                "must start with the VC 2.0 or VC 1.1 base context",
            ))
        }
    };
    if map.contains_key("proof") {
        return Err(err("proof", "the credential is already secured"));
    }
    if let Some(status) = map.get("credentialStatus") {
        if version == Version::V1 {
            return Err(err(
                "credentialStatus",
                "Bitstring Status List entries need a VC 2.0 credential",
            ));
        }
        check_status_entries(status)?;
    }
    if let Some(id) = map.get("id") {
        match id.as_str() {
            Some(s) if is_url(s) => {}
            _ => return Err(err("id", "must be a URL")),
        }
    }
    let types: Vec<&str> = match map.get("type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a
            .iter()
            .map(|t| {
                t.as_str()
                    .ok_or_else(|| err("type", "must contain only strings"))
            })
            .collect::<Result<_, _>>()?,
        _ => return Err(err("type", "is required (a string or an array of strings)")),
    };
    if !types.contains(&"VerifiableCredential") {
        return Err(err("type", "must include `VerifiableCredential`"));
    }
    match map.get("issuer") {
        None => {
            map.insert("issuer".into(), Value::String(did.to_string()));
        }
        Some(Value::String(s)) if s == did => {}
        Some(Value::Object(o)) if o.get("id").and_then(Value::as_str) == Some(did) => {}
        Some(Value::Object(o)) if o.get("id").is_none() => {
            return Err(err("issuer.id", "is required"));
        }
        Some(_) => {
            return Err(err(
                "issuer",
                format!("must be this agency's DID `{did}` (the token's agency)"),
            ))
        }
    }
    let subjects = objects(
        "credentialSubject",
        map.get("credentialSubject")
            .ok_or_else(|| err("credentialSubject", "is required"))?,
    )?;
    if subjects.iter().any(|s| s.is_empty()) {
        return Err(err("credentialSubject", "must not be empty"));
    }
    let (from_key, until_key) = match version {
        Version::V2 => ("validFrom", "validUntil"),
        Version::V1 => ("issuanceDate", "expirationDate"),
    };
    if version == Version::V1 && !map.contains_key("issuanceDate") {
        map.insert("issuanceDate".into(), Value::String(now.to_string()));
    }
    if version == Version::V2
        && (map.contains_key("issuanceDate") || map.contains_key("expirationDate"))
    {
        return Err(err(
            "issuanceDate",
            "VC 2.0 uses validFrom/validUntil, not issuanceDate/expirationDate",
        ));
    }
    let from = date(from_key, map.get(from_key))?;
    let until = date(until_key, map.get(until_key))?;
    if let (Some(from), Some(until)) = (from, until) {
        // VCDM 2.0 §4.9: validFrom is "the same or earlier" than validUntil.
        if until < from {
            return Err(err(
                until_key,
                format!("must not be earlier than {from_key}"),
            ));
        }
    }
    for name in [
        "credentialSchema",
        "refreshService",
        "termsOfUse",
        "evidence",
    ] {
        if let Some(v) = map.get(name) {
            for (i, o) in objects(name, v)?.into_iter().enumerate() {
                let at = |m: &str| format!("{name}[{i}].{m}");
                match o.get("type") {
                    Some(Value::String(_)) => {}
                    Some(Value::Array(a)) if !a.is_empty() && a.iter().all(Value::is_string) => {}
                    _ => return Err(err(at("type"), "is required (a string or strings)")),
                }
                let needs_id = matches!(name, "credentialSchema" | "refreshService");
                match o.get("id") {
                    Some(Value::String(s)) if is_url(s) => {}
                    None if !needs_id => {}
                    _ => return Err(err(at("id"), "must be a URL")),
                }
            }
        }
    }
    if let Some(v) = map.get("relatedResource") {
        check_related(v)?;
    }
    check_contexts(credential).map_err(|e| err("@context", e.to_string()))?;
    if version == Version::V1 {
        if let Some(Value::Array(ctx)) = credential.get_mut("@context") {
            if !ctx.iter().any(|c| c == DATA_INTEGRITY_V2) {
                ctx.push(Value::String(DATA_INTEGRITY_V2.into()));
            }
        } else if let Some(map) = credential.as_object_mut() {
            map.insert(
                "@context".into(),
                serde_json::json!([VC_V1_CONTEXT_URL, DATA_INTEGRITY_V2]),
            );
        }
    }
    Ok(version)
}

/// A caller's own `credentialStatus` (VCDM 2.0 §4.10): one or more objects,
/// each with a `type` (a string or strings) and, if present, an `id` that is
/// a single URL. A `BitstringStatusListEntry` must be well formed as
/// Bitstring Status List §2.1 says; entries of other status mechanisms are
/// the caller's own data, signed as given (our verifier reports them as not
/// checked). Whether an entry names a list the service manages is judged
/// elsewhere (`reserved.rs`).
fn check_status_entries(status: &Value) -> Result<(), VcdmError> {
    use elicence_core::status::{StatusError, StatusListEntry};
    let items: Vec<(String, &Value)> = match status {
        Value::Array(a) if a.is_empty() => {
            return Err(err("credentialStatus", "must not be an empty array"))
        }
        Value::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, e)| (format!("credentialStatus[{i}]"), e))
            .collect(),
        one => vec![("credentialStatus".to_string(), one)],
    };
    for (at, entry) in items {
        let object = entry
            .as_object()
            .ok_or_else(|| err(at.clone(), "must be an object"))?;
        let types: Vec<&str> = match object.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(a)) if !a.is_empty() && a.iter().all(Value::is_string) => {
                a.iter().filter_map(Value::as_str).collect()
            }
            _ => {
                return Err(err(
                    format!("{at}.type"),
                    "is required (a string or strings)",
                ))
            }
        };
        if !types.contains(&"BitstringStatusListEntry") {
            match object.get("id") {
                None => {}
                Some(Value::String(s)) if is_url(s) => {}
                Some(_) => return Err(err(format!("{at}.id"), "must be a single URL")),
            }
            continue;
        }
        StatusListEntry::from_value(entry).map_err(|e| match e {
            StatusError::MalformedEntry { field, reason } if field != "credentialStatus" => {
                err(format!("{at}.{field}"), reason)
            }
            StatusError::UnsupportedPurpose(p) => err(
                format!("{at}.statusPurpose"),
                format!("unsupported statusPurpose `{p}`"),
            ),
            other => err(at.clone(), other.to_string()),
        })?;
    }
    Ok(())
}

/// VCDM 2.0 §5.3: each related resource has a URL `id`, unique in the list,
/// and at least one of `digestSRI` (`sha256|384|512-BASE64` of the right
/// length) or `digestMultibase` (a multibase multihash of SHA-256/384/512).
fn check_related(v: &Value) -> Result<(), VcdmError> {
    let mut seen = Vec::new();
    for (i, o) in objects("relatedResource", v)?.into_iter().enumerate() {
        let at = |m: &str| format!("relatedResource[{i}].{m}");
        let id = match o.get("id") {
            Some(Value::String(s)) if is_url(s) => s,
            _ => return Err(err(at("id"), "must be a URL")),
        };
        if seen.contains(&id) {
            return Err(err(at("id"), "duplicates an earlier relatedResource id"));
        }
        seen.push(id);
        let sri = o.get("digestSRI");
        let mb = o.get("digestMultibase");
        if sri.is_none() && mb.is_none() {
            return Err(err(
                format!("relatedResource[{i}]"),
                "needs digestSRI or digestMultibase",
            ));
        }
        if let Some(sri) = sri {
            let s = sri
                .as_str()
                .ok_or_else(|| err(at("digestSRI"), "must be a string"))?;
            check_sri(s).map_err(|r| err(at("digestSRI"), r))?;
        }
        if let Some(mb) = mb {
            let s = mb
                .as_str()
                .ok_or_else(|| err(at("digestMultibase"), "must be a string"))?;
            check_multibase_digest(s).map_err(|r| err(at("digestMultibase"), r))?;
        }
    }
    Ok(())
}

fn check_sri(s: &str) -> Result<(), String> {
    let (alg, b64) = s
        .split_once('-')
        .ok_or_else(|| format!("`{s}` is not ALG-BASE64"))?;
    let len = match alg {
        "sha256" => 32,
        "sha384" => 48,
        "sha512" => 64,
        _ => {
            return Err(format!(
                "unsupported algorithm `{alg}` (sha256, sha384, sha512)"
            ))
        }
    };
    let digest = STANDARD
        .decode(b64)
        .map_err(|_| "the digest is not base64".to_string())?;
    if digest.len() != len {
        return Err(format!(
            "a {alg} digest is {len} bytes, found {}",
            digest.len()
        ));
    }
    Ok(())
}

fn check_multibase_digest(s: &str) -> Result<(), String> {
    let bytes = match s.split_at_checked(1) {
        Some(("u", rest)) => URL_SAFE_NO_PAD
            .decode(rest)
            .map_err(|_| "not valid base64url".to_string())?,
        Some(("z", rest)) => bs58_decode(rest)?,
        _ => return Err("must be multibase base64url (`u`) or base58btc (`z`)".into()),
    };
    let (code, len) = match bytes.as_slice() {
        [0x12, len, ..] => (0x12, *len),
        [0x20, len, ..] => (0x20, *len),
        [0x13, len, ..] => (0x13, *len),
        _ => return Err("must be a SHA-256, SHA-384 or SHA-512 multihash".into()),
    };
    let expected = match code {
        0x12 => 32,
        0x20 => 48,
        _ => 64,
    };
    if usize::from(len) != expected || bytes.len() != expected + 2 {
        return Err("multihash length does not match its algorithm".into());
    }
    Ok(())
}

fn bs58_decode(s: &str) -> Result<Vec<u8>, String> {
    const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut out: Vec<u8> = Vec::new();
    for c in s.bytes() {
        let mut carry = ALPHABET
            .iter()
            .position(|a| *a == c)
            .ok_or_else(|| "not valid base58btc".to_string())? as u32;
        for b in out.iter_mut().rev() {
            carry += u32::from(*b) * 58;
            *b = (carry & 0xff) as u8;
            carry >>= 8;
        }
        while carry > 0 {
            out.insert(0, (carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    let zeros = s.bytes().take_while(|b| *b == b'1').count();
    let mut result = vec![0u8; zeros];
    result.extend(out);
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DID: &str = "did:web:h:agencies:a";

    fn base() -> Value {
        json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "credentialSubject": {"id": "did:example:1"}
        })
    }

    #[test]
    fn fills_issuer_and_accepts_v2() {
        let mut c = base();
        assert_eq!(
            prepare(&mut c, DID, "2026-01-01T00:00:00Z"),
            Ok(Version::V2)
        );
        assert_eq!(c["issuer"], DID);
    }

    #[test]
    fn v1_gets_issuance_date_and_di_context() {
        let mut c = base();
        c["@context"] = json!(["https://www.w3.org/2018/credentials/v1"]);
        assert_eq!(
            prepare(&mut c, DID, "2026-01-01T00:00:00Z"),
            Ok(Version::V1)
        );
        assert_eq!(c["issuanceDate"], "2026-01-01T00:00:00Z");
        assert_eq!(c["@context"][1], DATA_INTEGRITY_V2);
    }

    #[test]
    fn rejections_name_the_member() {
        let cases: Vec<(Value, &str)> = vec![
            (json!({"issuer": "did:web:other"}), "issuer"),
            (json!({"type": ["Foo"]}), "type"),
            (json!({"credentialSubject": {}}), "credentialSubject"),
            (json!({"proof": {}}), "proof"),
            (json!({"credentialStatus": {}}), "credentialStatus.type"),
            (
                json!({"credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation",
                    "statusListIndex": 7, "statusListCredential": "https://s.example/1"}}),
                "credentialStatus.statusListIndex",
            ),
            (
                json!({"credentialStatus": [{"id": "did:example:s"}]}),
                "credentialStatus[0].type",
            ),
            (
                json!({"credentialStatus": {"type": "ExampleStatus", "id": ["https://a", "https://b"]}}),
                "credentialStatus.id",
            ),
            (
                json!({"credentialStatus": {"type": 2}}),
                "credentialStatus.type",
            ),
            (json!({"id": "not a url"}), "id"),
            (
                json!({"validFrom": "2026-01-02T00:00:00Z", "validUntil": "2026-01-01T00:00:00Z"}),
                "validUntil",
            ),
            (
                json!({"credentialSchema": {"type": "JsonSchema"}}),
                "credentialSchema[0].id",
            ),
            (
                json!({"refreshService": [{"id": "https://r"}]}),
                "refreshService[0].type",
            ),
            (
                json!({"relatedResource": [{"id": "https://x"}]}),
                "relatedResource[0]",
            ),
            (
                json!({"relatedResource": [{"id": "https://x", "digestSRI": "sha384-AAAA"}]}),
                "relatedResource[0].digestSRI",
            ),
            (
                json!({"relatedResource": [{"id": "https://x", "digestMultibase": "uEiA"}]}),
                "relatedResource[0].digestMultibase",
            ),
            (json!({"@context": ["https://example.org/ctx"]}), "@context"),
        ];
        for (patch, path) in cases {
            let mut c = base();
            for (k, v) in patch.as_object().unwrap() {
                c[k] = v.clone();
            }
            let e = prepare(&mut c, DID, "2026-01-01T00:00:00Z").unwrap_err();
            assert_eq!(e.path, path, "{patch}: {e}");
        }
    }

    #[test]
    fn other_status_mechanisms_are_kept_as_the_callers_data() {
        let mut c = base();
        c["@context"] = json!(["https://www.w3.org/ns/credentials/v2",
            {"CredentialStatusList2017": "https://example.org/examples#CredentialStatusList2017"}]);
        let entry = json!({"type": "CredentialStatusList2017"});
        c["credentialStatus"] = entry.clone();
        assert_eq!(
            prepare(&mut c, DID, "2026-01-01T00:00:00Z"),
            Ok(Version::V2)
        );
        assert_eq!(c["credentialStatus"], entry);
    }

    #[test]
    fn valid_until_may_equal_valid_from() {
        let mut c = base();
        c["validFrom"] = json!("2026-01-01T00:00:00Z");
        c["validUntil"] = json!("2026-01-01T00:00:00Z");
        assert_eq!(
            prepare(&mut c, DID, "2026-01-01T00:00:00Z"),
            Ok(Version::V2)
        );
    }

    #[test]
    fn a_well_formed_status_entry_of_the_callers_is_kept() {
        let mut c = base();
        let entry = json!({"id": "https://s.example/lists/1#7", "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation", "statusListIndex": "7",
            "statusListCredential": "https://s.example/lists/1"});
        c["credentialStatus"] = entry.clone();
        assert_eq!(
            prepare(&mut c, DID, "2026-01-01T00:00:00Z"),
            Ok(Version::V2)
        );
        assert_eq!(c["credentialStatus"], entry);
    }

    #[test]
    fn good_related_resource_digests() {
        let mut c = base();
        let sha384 = STANDARD.encode([1u8; 48]);
        let mut mh = vec![0x12, 32];
        mh.extend([2u8; 32]);
        c["relatedResource"] = json!([
            {"id": "https://a", "digestSRI": format!("sha384-{sha384}")},
            {"id": "https://b", "digestMultibase": format!("u{}", URL_SAFE_NO_PAD.encode(&mh))}
        ]);
        assert!(prepare(&mut c, DID, "2026-01-01T00:00:00Z").is_ok());
        c["relatedResource"][1]["id"] = json!("https://a");
        assert!(prepare(&mut c, DID, "2026-01-01T00:00:00Z").is_err());
    }
}
