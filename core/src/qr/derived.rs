//! LC2's derived forms (docs/qr-format.md §4.4): members of a licence that
//! the issuer service builds from other members, carried as a few bytes and
//! rebuilt by the decoder.
//!
//! * tag 15, the credential's `id`, a licence IRI: from the issuer's base URL
//!   (the HTTPS form of its `did:web`, or given) and the subject's licence
//!   type and number. Only as the root member `id`; rebuilt once the root
//!   object is read.
//! * tag 16, the credential's `credentialStatus`: Bitstring Status List
//!   entries at `{base}/status/{purpose}/{list}`, ids `{url}#{index}`. Only
//!   as the root member `credentialStatus`; rebuilt once the root object is read.
//! * tag 17, a verification method of the issuer, `{issuer}#z{key}`:
//!   anywhere after the root member `issuer`, rebuilt at once.
//!
//! The encoder uses a form only if rebuilding it gives the identical JSON
//! (member order and spelling included), so decoding stays lossless.

use serde_json::{Map, Value};

use super::cbor::{self, Head, Reader};
use super::error::QrError;
use super::strings;
use super::value::{read_bytes, read_int};
use crate::licence::LicenceIri;

/// Tag: the licence IRI; content: `null` (base from the issuer's did:web) or the base URL.
pub const TAG_LICENCE_IRI: u64 = 15;
/// Tag: status entries; content: `[base or null, list, index]` for the
/// service's pair of entries (revocation, then suspension), or `[base or
/// null, list, index, purpose]` for one entry object.
pub const TAG_STATUS: u64 = 16;
/// Tag: `{issuer}#z{multikey}`; content: the multikey bytes (32 bytes: an
/// Ed25519 key, header `ed01` left out; empty: a did:key issuer's own key).
pub const TAG_ISSUER_METHOD: u64 = 17;

/// Multikey header of an Ed25519 public key.
const ED25519_HEADER: [u8; 2] = [0xED, 0x01];

/// The purposes of the pair of entries the issuer service writes.
const SERVICE_PAIR: [&str; 2] = ["revocation", "suspension"];

/// The issuer id of a credential's `issuer` member (a string or an object with `id`).
pub fn issuer_id(issuer: &Value) -> Option<&str> {
    match issuer {
        Value::String(id) => Some(id),
        Value::Object(issuer) => issuer.get("id").and_then(Value::as_str),
        _ => None,
    }
}

/// The members of a document that derived forms are built from.
pub struct Root<'a> {
    issuer: Option<&'a str>,
    type_code: Option<&'a str>,
    number: Option<&'a str>,
}

impl<'a> Root<'a> {
    /// Reads the issuer id and the licence type and number, where present.
    pub fn of(document: &'a Value) -> Root<'a> {
        let subject = document.get("credentialSubject");
        Root {
            issuer: document.get("issuer").and_then(issuer_id),
            type_code: subject
                .and_then(|s| s.get("licenceType"))
                .and_then(|t| t.get("code"))
                .and_then(Value::as_str),
            number: subject
                .and_then(|s| s.get("licenceNumber"))
                .and_then(Value::as_str),
        }
    }

    /// The HTTPS base URL of a `did:web` issuer.
    fn base(&self) -> Option<String> {
        did_web_base(self.issuer?)
    }
}

/// `did:web:HOST:P1:P2` → `https://HOST/P1/P2` (`%3A` in the host is a port
/// colon). `None` for other DIDs.
pub fn did_web_base(did: &str) -> Option<String> {
    let mut parts = did.strip_prefix("did:web:")?.split(':');
    let mut base = format!("https://{}", parts.next()?.replace("%3A", ":"));
    for part in parts {
        base.push('/');
        base.push_str(part);
    }
    Some(base)
}

/// The licence IRI from `base` (or the issuer's) and the subject's type and number.
fn licence_iri(root: &Root<'_>, base: Option<&str>) -> Option<String> {
    let derived;
    let base = match base {
        Some(b) => b,
        None => {
            derived = root.base()?;
            &derived
        }
    };
    LicenceIri::new(base, root.type_code?, root.number?)
        .ok()
        .map(|iri| iri.as_str().to_owned())
}

/// The status entry of `purpose` at `(list, index)` under `base`.
fn status_entry(base: &str, purpose: &str, list: u64, index: u64) -> Value {
    let url = format!("{base}/status/{purpose}/{list}");
    let mut entry = Map::with_capacity(5);
    entry.insert("id".into(), Value::String(format!("{url}#{index}")));
    entry.insert(
        "type".into(),
        Value::String("BitstringStatusListEntry".into()),
    );
    entry.insert("statusPurpose".into(), Value::String(purpose.into()));
    entry.insert("statusListIndex".into(), Value::String(index.to_string()));
    entry.insert("statusListCredential".into(), Value::String(url));
    Value::Object(entry)
}

/// Status entries: `purpose` gives one entry object, `None` the service's pair.
fn status_value(base: &str, list: u64, index: u64, purpose: Option<&str>) -> Value {
    match purpose {
        Some(p) => status_entry(base, p, list, index),
        None => Value::Array(
            SERVICE_PAIR
                .iter()
                .map(|p| status_entry(base, p, list, index))
                .collect(),
        ),
    }
}

/// `(base, list, index, purpose)` if `value` is exactly what [`status_value`] builds.
fn status_form(value: &Value) -> Option<(String, u64, u64, Option<String>)> {
    let first = match value {
        Value::Array(items) => items.first()?,
        other => other,
    };
    let url = first.get("statusListCredential")?.as_str()?;
    let purpose = first.get("statusPurpose")?.as_str()?;
    let (base, list) = url.rsplit_once('/')?;
    let base = base.strip_suffix(purpose)?.strip_suffix("/status/")?;
    let list: u64 = list.parse().ok()?;
    let index: u64 = first.get("statusListIndex")?.as_str()?.parse().ok()?;
    let purpose = (!value.is_array()).then(|| purpose.to_owned());
    let rebuilt = status_value(base, list, index, purpose.as_deref());
    (serde_json::to_string(&rebuilt).ok()? == serde_json::to_string(value).ok()?)
        .then(|| (base.to_owned(), list, index, purpose))
}

/// Writes a root member in a derived form if one rebuilds it exactly.
pub fn write_root_member(out: &mut Vec<u8>, root: &Root<'_>, member: &str, value: &Value) -> bool {
    match (member, value) {
        ("id", Value::String(id)) => {
            if licence_iri(root, None).as_deref() == Some(id) {
                cbor::write_head(out, cbor::TAG, TAG_LICENCE_IRI);
                cbor::write_simple(out, 22);
                return true;
            }
            let Ok(iri) = LicenceIri::parse(id) else {
                return false;
            };
            if licence_iri(root, Some(iri.base_url())).as_deref() != Some(id) {
                return false;
            }
            cbor::write_head(out, cbor::TAG, TAG_LICENCE_IRI);
            cbor::write_text(out, iri.base_url());
            true
        }
        ("credentialStatus", _) => {
            let Some((base, list, index, purpose)) = status_form(value) else {
                return false;
            };
            cbor::write_head(out, cbor::TAG, TAG_STATUS);
            cbor::write_head(out, cbor::ARRAY, 3 + u64::from(purpose.is_some()));
            if root.base().as_deref() == Some(base.as_str()) {
                cbor::write_simple(out, 22);
            } else {
                cbor::write_text(out, &base);
            }
            cbor::write_head(out, cbor::UINT, list);
            cbor::write_head(out, cbor::UINT, index);
            if let Some(p) = purpose {
                super::value::write_purpose(out, &p);
            }
            true
        }
        _ => false,
    }
}

/// Writes a string in the issuer-method form if it is one (`issuer`: the
/// root's issuer id, once the root member `issuer` has been written).
pub fn write_method(out: &mut Vec<u8>, issuer: &str, s: &str) -> bool {
    let Some(rest) = s.strip_prefix(issuer) else {
        return false;
    };
    let content: Vec<u8> = if let Some(own) = issuer.strip_prefix("did:key:") {
        // did:key:zX#zX: the key of the DID itself.
        if rest.strip_prefix('#') != Some(own) {
            return false;
        }
        Vec::new()
    } else {
        let Some(key) = rest.strip_prefix("#z").and_then(strings::base58_bytes) else {
            return false;
        };
        match key.strip_prefix(&ED25519_HEADER[..]) {
            Some(raw) if raw.len() == 32 => raw.to_vec(),
            _ if key.len() == 32 || key.is_empty() => return false,
            _ => key,
        }
    };
    cbor::write_head(out, cbor::TAG, TAG_ISSUER_METHOD);
    cbor::write_bytes(out, &content);
    true
}

/// A root member read in a derived form, rebuilt once the root object is complete.
#[derive(Debug, Clone, PartialEq)]
pub struct Deferred {
    tag: u64,
    offset: usize,
    base: Option<String>,
    list: u64,
    index: u64,
    purpose: Option<String>,
}

/// Reads the content of tag 15 or 16 (whose head is at `start`).
pub fn read_deferred(r: &mut Reader<'_>, tag: u64, start: usize) -> Result<Deferred, QrError> {
    let invalid = |reason| QrError::InvalidTagContent {
        tag,
        offset: start,
        reason,
    };
    let mut deferred = Deferred {
        tag,
        offset: start,
        base: None,
        list: 0,
        index: 0,
        purpose: None,
    };
    let length = match r.head()? {
        Head::Simple(22) if tag == TAG_LICENCE_IRI => return Ok(deferred),
        Head::Item {
            major: cbor::TEXT,
            argument,
        } if tag == TAG_LICENCE_IRI => {
            deferred.base = Some(r.text(argument, start)?.to_owned());
            return Ok(deferred);
        }
        Head::Item {
            major: cbor::ARRAY,
            argument: length @ (3 | 4),
        } if tag == TAG_STATUS => length,
        _ => {
            return Err(invalid(if tag == TAG_LICENCE_IRI {
                "expected null or a base URL text"
            } else {
                "expected [base, list, index] or [base, list, index, purpose]"
            }))
        }
    };
    let base_start = r.offset();
    deferred.base = match r.head()? {
        Head::Simple(22) => None,
        Head::Item {
            major: cbor::TEXT,
            argument,
        } => Some(r.text(argument, base_start)?.to_owned()),
        _ => return Err(invalid("the base must be null or text")),
    };
    let not_negative =
        |n: i64| u64::try_from(n).map_err(|_| invalid("list and index must not be negative"));
    deferred.list = not_negative(read_int(r, invalid("the list must be an integer"))?)?;
    deferred.index = not_negative(read_int(r, invalid("the index must be an integer"))?)?;
    if length == 4 {
        deferred.purpose = Some(super::value::read_purpose(
            r,
            invalid("the purpose must be a string"),
        )?);
    }
    Ok(deferred)
}

/// The value of a deferred root member, from the completed root object.
pub fn rebuild(root: &Root<'_>, d: &Deferred) -> Result<Value, QrError> {
    let invalid = |reason| QrError::InvalidTagContent {
        tag: d.tag,
        offset: d.offset,
        reason,
    };
    if d.tag == TAG_LICENCE_IRI {
        return licence_iri(root, d.base.as_deref())
            .map(Value::String)
            .ok_or_else(|| {
                invalid("no licence IRI: the issuer, licence type or number is missing or invalid")
            });
    }
    let base = match &d.base {
        Some(b) => b.clone(),
        None => root
            .base()
            .ok_or_else(|| invalid("the issuer is not a did:web"))?,
    };
    Ok(status_value(&base, d.list, d.index, d.purpose.as_deref()))
}

/// The string of tag 17 given the root's issuer id (`None`: not read yet).
pub fn read_method(
    r: &mut Reader<'_>,
    issuer: Option<&str>,
    start: usize,
) -> Result<String, QrError> {
    let invalid = |reason| QrError::InvalidTagContent {
        tag: TAG_ISSUER_METHOD,
        offset: start,
        reason,
    };
    let key = read_bytes(r, invalid("expected a byte string"))?;
    let issuer = issuer.ok_or_else(|| invalid("no issuer id before the method"))?;
    if key.is_empty() {
        let own = issuer
            .strip_prefix("did:key:")
            .ok_or_else(|| invalid("the issuer is not a did:key"))?;
        return Ok(format!("{issuer}#{own}"));
    }
    if key.len() > strings::MAX_BASE58_BYTES {
        return Err(invalid("base58 byte string longer than 512 bytes"));
    }
    let key = if key.len() == 32 {
        [&ED25519_HEADER[..], key].concat()
    } else {
        key.to_vec()
    };
    Ok(format!("{issuer}#z{}", strings::base58_text(&key)))
}
