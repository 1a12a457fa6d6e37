//! Bitstring Status List 1.0 (W3C): reading a credential's status entry and
//! looking its bit up in a status list credential snapshot.
//!
//! `encodedList` is multibase base64url (`u`, no padding) of a GZIP-compressed
//! bitstring; bit 0 is the most significant bit of the first byte.
//!
//! The bitstring codec is `elicence_core::status`; this module reads the
//! entry and list credential members the verifier needs.

use elicence_core::did::OfflineResolver;
#[cfg(feature = "sd-jwt")]
use elicence_core::did::{KeyResolver, ASSERTION_METHOD};
use elicence_core::licence::check_contexts;
use elicence_core::proof;
use elicence_core::status::Bitstring;
#[cfg(feature = "sd-jwt")]
use elicence_sd_jwt::status_list::{StatusListError, StatusListToken, UnverifiedStatusList};
#[cfg(feature = "sd-jwt")]
use elicence_sd_jwt::vc::did_for_issuer;
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// The entry type a licence's `credentialStatus` uses.
pub const ENTRY_TYPE: &str = "BitstringStatusListEntry";
/// The type of a status list credential.
pub const LIST_CREDENTIAL_TYPE: &str = "BitstringStatusListCredential";
/// The type of a status list credential's subject.
pub const LIST_TYPE: &str = "BitstringStatusList";
/// The spec's minimum list length (16 KiB of bits), for herd privacy.
pub const MIN_BITS: usize = 131_072;

/// Why a status entry or list is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusError {
    /// A member is missing or has the wrong JSON type.
    #[error("{field}: {reason}")]
    Malformed {
        /// The member.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// `statusSize` other than 1 (multi-bit statuses are not supported).
    #[error("statusSize {0} is not supported (only 1)")]
    UnsupportedSize(String),
    /// `encodedList` does not decode.
    #[error("encodedList: {0}")]
    Encoding(String),
    /// The index is past the end of the list.
    #[error("statusListIndex {index} is outside the list ({len} entries)")]
    OutOfRange {
        /// The index.
        index: u64,
        /// The list's length in bits.
        len: usize,
    },
}

fn malformed(field: &'static str, reason: impl Into<String>) -> StatusError {
    StatusError::Malformed {
        field,
        reason: reason.into(),
    }
}

/// One `credentialStatus` entry of a licence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEntry {
    /// `revocation`, `suspension`, `message` or `refresh`.
    pub purpose: String,
    /// The bit position in the list.
    pub index: u64,
    /// The URL of the status list credential.
    pub list_url: String,
}

impl StatusEntry {
    /// Reads every entry of a `credentialStatus` value (an object or an array).
    pub fn all_from(status: &Value) -> Result<Vec<StatusEntry>, StatusError> {
        match status {
            Value::Array(items) if !items.is_empty() => {
                items.iter().map(Self::from_value).collect()
            }
            Value::Object(_) => Ok(vec![Self::from_value(status)?]),
            _ => Err(malformed(
                "credentialStatus",
                "must be an object or a non-empty array",
            )),
        }
    }

    /// Reads one `BitstringStatusListEntry`.
    pub fn from_value(entry: &Value) -> Result<StatusEntry, StatusError> {
        if !has_type(entry, ENTRY_TYPE) {
            return Err(malformed(
                "credentialStatus.type",
                format!("must be {ENTRY_TYPE}"),
            ));
        }
        let text = |field: &'static str, name: &str| {
            entry
                .get(name)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| malformed(field, "must be a non-empty string"))
        };
        let purpose = text("credentialStatus.statusPurpose", "statusPurpose")?;
        let index_text = text("credentialStatus.statusListIndex", "statusListIndex")?;
        let index = parse_index(index_text).ok_or_else(|| {
            malformed(
                "credentialStatus.statusListIndex",
                "must be a decimal integer string",
            )
        })?;
        let list_url = text(
            "credentialStatus.statusListCredential",
            "statusListCredential",
        )?;
        match entry.get("statusSize") {
            None => {}
            Some(Value::Number(n)) if n.as_u64() == Some(1) => {}
            Some(other) => return Err(StatusError::UnsupportedSize(other.to_string())),
        }
        Ok(StatusEntry {
            purpose: purpose.to_owned(),
            index,
            list_url: list_url.to_owned(),
        })
    }
}

fn parse_index(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A decoded status list credential (its proof is checked by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusList {
    /// The list credential's `id` (what entries point to).
    pub url: String,
    /// The issuer's DID.
    pub issuer: String,
    /// The list's purpose; must equal the entry's.
    pub purpose: String,
    /// The decompressed bitstring.
    pub bits: Vec<u8>,
}

impl StatusList {
    /// Reads a `BitstringStatusListCredential` and decodes its bitstring.
    pub fn from_credential(credential: &Value) -> Result<StatusList, StatusError> {
        if !has_type(credential, LIST_CREDENTIAL_TYPE) {
            return Err(malformed(
                "type",
                format!("must include {LIST_CREDENTIAL_TYPE}"),
            ));
        }
        let url = credential
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| malformed("id", "must be the status list URL"))?;
        let issuer = match credential.get("issuer") {
            Some(Value::String(s)) => s.as_str(),
            Some(o) => o
                .get("id")
                .and_then(Value::as_str)
                .ok_or_else(|| malformed("issuer", "has no id"))?,
            None => return Err(malformed("issuer", "is missing")),
        };
        let subject = credential
            .get("credentialSubject")
            .filter(|s| s.is_object())
            .ok_or_else(|| malformed("credentialSubject", "must be an object"))?;
        if !has_type(subject, LIST_TYPE) {
            return Err(malformed(
                "credentialSubject.type",
                format!("must be {LIST_TYPE}"),
            ));
        }
        let purpose = subject
            .get("statusPurpose")
            .and_then(Value::as_str)
            .ok_or_else(|| malformed("credentialSubject.statusPurpose", "must be a string"))?;
        let encoded = subject
            .get("encodedList")
            .and_then(Value::as_str)
            .ok_or_else(|| malformed("credentialSubject.encodedList", "must be a string"))?;
        Ok(StatusList {
            url: url.to_owned(),
            issuer: issuer.to_owned(),
            purpose: purpose.to_owned(),
            bits: decode_list(encoded)?,
        })
    }

    /// The list's length in entries.
    pub fn len(&self) -> usize {
        self.bits.len() * 8
    }

    /// Whether the list has no entries.
    pub fn is_empty(&self) -> bool {
        self.bits.is_empty()
    }

    /// The status bit at `index`.
    pub fn bit(&self, index: u64) -> Result<bool, StatusError> {
        let out = || StatusError::OutOfRange {
            index,
            len: self.len(),
        };
        let i = usize::try_from(index).map_err(|_| out())?;
        let byte = self.bits.get(i / 8).ok_or_else(out)?;
        Ok(byte & (0x80 >> (i % 8)) != 0)
    }
}

/// A status list a verifier may rely on: a [`StatusList`] whose credential
/// passed [`verify_list_credential`], with the window its issuer vouches for.
#[derive(Debug, Clone)]
pub struct StatusSnapshot {
    /// The decoded list.
    pub list: StatusList,
    /// When it was fetched (informational: freshness is judged by the
    /// list's own `validFrom`, which its issuer signed, never by this).
    pub fetched_at: OffsetDateTime,
    /// The list credential's `validFrom`: the instant its content is as of.
    /// A list without one cannot show how recent it is.
    pub valid_from: Option<OffsetDateTime>,
    /// The list credential's `validUntil`: after it the list is never used.
    pub valid_until: Option<OffsetDateTime>,
}

/// Why a status list credential may not be used. Each of these means: the
/// status of a credential pointing at this list is unknown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListError {
    /// Not a Bitstring Status List credential of our profile.
    #[error(transparent)]
    Shape(#[from] StatusError),
    /// A context is not pinned, or the JSON is not the canonical spelling of
    /// what was signed.
    #[error("contexts: {0}")]
    Contexts(String),
    /// The proof does not verify (or cannot be checked offline).
    #[error("its signature does not verify: {0}")]
    Proof(String),
    /// Signed with a key its issuer does not control.
    #[error("it is signed with a key of {signer}, not of its issuer {issuer}")]
    SignedByOther {
        /// Who signed.
        signer: String,
        /// Who the list says issued it.
        issuer: String,
    },
    /// Its `id` is not the URL the credential's entry names.
    #[error("its id is {found}, not {expected}, the list the status entry names")]
    WrongUrl {
        /// The URL the entry names.
        expected: String,
        /// The list's `id`.
        found: String,
    },
    /// Issued by someone other than the credential's issuer.
    #[error("it was issued by {found}, not by {expected}, the credential's issuer")]
    WrongIssuer {
        /// The credential's issuer.
        expected: String,
        /// The list's issuer.
        found: String,
    },
    /// `validFrom` or `validUntil` is not an RFC 3339 date-time.
    #[error("{field} {value:?} is not an RFC 3339 date-time")]
    BadDate {
        /// The member.
        field: &'static str,
        /// As written.
        value: String,
    },
    /// `now` is before its `validFrom`.
    #[error("it is not valid before {0}")]
    NotYetValid(String),
    /// `now` is after its `validUntil`: a replayed old list.
    #[error("it expired on {0}")]
    Expired(String),
    /// A Token Status List that is malformed, expired or from the future.
    #[cfg(feature = "sd-jwt")]
    #[error("{0}")]
    Token(StatusListError),
}

/// Checks a status list credential as strictly as a licence: contexts
/// pinned and the JSON spelled as signed, a proof by a key of its own
/// issuer (resolved offline by `resolver`), its `id` the `url` the entry
/// names, its issuer `expected_issuer` when given (the credential's), and,
/// when `now` is given, `now` inside its `validFrom`/`validUntil` window.
/// Only a list that passes is used to answer "revoked?". `fetched_at` is
/// recorded for display.
pub fn verify_list_credential(
    credential: &Value,
    url: &str,
    expected_issuer: Option<&str>,
    resolver: &OfflineResolver,
    now: Option<OffsetDateTime>,
    fetched_at: OffsetDateTime,
) -> Result<StatusSnapshot, ListError> {
    check_contexts(credential).map_err(|e| ListError::Contexts(e.to_string()))?;
    proof::check_spelling(credential).map_err(|e| ListError::Contexts(e.to_string()))?;
    let list = StatusList::from_credential(credential)?;
    if list.url != url {
        return Err(ListError::WrongUrl {
            expected: url.to_owned(),
            found: list.url,
        });
    }
    if let Some(expected) = expected_issuer.filter(|e| *e != list.issuer) {
        return Err(ListError::WrongIssuer {
            expected: expected.to_owned(),
            found: list.issuer,
        });
    }
    let stamp = now.and_then(|n| n.format(&Rfc3339).ok());
    let verified = proof::verify(credential, resolver, "assertionMethod", stamp.as_deref())
        .map_err(|e| ListError::Proof(e.to_string()))?;
    if let Some(p) = verified.iter().find(|p| p.controller != list.issuer) {
        return Err(ListError::SignedByOther {
            signer: p.controller.clone(),
            issuer: list.issuer,
        });
    }
    let valid_from = list_date(credential, "validFrom")?;
    let valid_until = list_date(credential, "validUntil")?;
    if let Some(now) = now {
        if let Some(from) = valid_from.filter(|f| now < *f) {
            return Err(ListError::NotYetValid(
                from.format(&Rfc3339).unwrap_or_default(),
            ));
        }
        if let Some(until) = valid_until.filter(|u| now > *u) {
            return Err(ListError::Expired(
                until.format(&Rfc3339).unwrap_or_default(),
            ));
        }
    }
    Ok(StatusSnapshot {
        list,
        fetched_at,
        valid_from,
        valid_until,
    })
}

fn list_date(credential: &Value, field: &'static str) -> Result<Option<OffsetDateTime>, ListError> {
    match credential.get(field) {
        None => Ok(None),
        Some(Value::String(s)) => {
            OffsetDateTime::parse(s, &Rfc3339)
                .map(Some)
                .map_err(|_| ListError::BadDate {
                    field,
                    value: s.clone(),
                })
        }
        Some(other) => Err(ListError::BadDate {
            field,
            value: other.to_string(),
        }),
    }
}

fn has_type(v: &Value, wanted: &str) -> bool {
    match v.get("type") {
        Some(Value::String(t)) => t == wanted,
        Some(Value::Array(ts)) => ts.iter().any(|t| t.as_str() == Some(wanted)),
        _ => false,
    }
}

/// Decodes an `encodedList` into the raw bitstring (via
/// `elicence_core::status`), refusing lists shorter than the spec's minimum.
pub fn decode_list(encoded: &str) -> Result<Vec<u8>, StatusError> {
    let bits = Bitstring::decode(encoded).map_err(|e| StatusError::Encoding(e.to_string()))?;
    if bits.is_below_minimum() {
        return Err(StatusError::Encoding(format!(
            "the list has {} entries; Bitstring Status List requires at least {MIN_BITS}",
            bits.len_bits()
        )));
    }
    Ok(bits.as_bytes().to_vec())
}

/// Encodes a bitstring as an `encodedList` (GZIP, base64url, `u` prefix),
/// for issuers and test fixtures.
pub fn encode_list(bits: &[u8]) -> String {
    match Bitstring::from_bytes(bits.to_vec()) {
        Ok(b) => b.encode(),
        // from_bytes only refuses lists above the maximum; such a list
        // cannot be decoded either, so an empty encoding fails closed.
        Err(_) => String::new(),
    }
}

#[cfg(feature = "sd-jwt")]
/// A Token Status List (IETF, `statuslist+jwt`) a verifier may rely on: a
/// Status List Token that passed [`verify_status_list_token`], for SD-JWT VC
/// licences whose `status.status_list` names it.
#[derive(Debug, Clone)]
pub struct TokenStatusSnapshot {
    /// The token's URI (`sub`): what Referenced Tokens name.
    pub uri: String,
    /// The DID of the agency whose key signed it.
    pub issuer: String,
    /// The verified token: list, `iat`, `exp`, `ttl`, `iss`.
    pub token: StatusListToken,
    /// When it was fetched (informational: freshness is judged by its `iat`).
    pub fetched_at: OffsetDateTime,
    /// The token as fetched, to put in a bundle again.
    pub jwt: String,
}

#[cfg(feature = "sd-jwt")]
impl TokenStatusSnapshot {
    /// The instant the list is as of (its signed `iat`).
    pub fn issued_at(&self) -> Option<OffsetDateTime> {
        OffsetDateTime::from_unix_timestamp(self.token.issued_at).ok()
    }

    /// After this the list is never used (its signed `exp`).
    pub fn expires_at(&self) -> Option<OffsetDateTime> {
        self.token
            .expires_at
            .and_then(|e| OffsetDateTime::from_unix_timestamp(e).ok())
    }
}

#[cfg(feature = "sd-jwt")]
/// Checks a Status List Token like any credential: its `kid` resolves
/// offline (the trust bundle's agency keys, or DID documents the caller
/// holds) to a key authorised for `assertionMethod`, that key's DID is
/// `expected_issuer` when given (the credential's issuer), the token's own
/// `iss`, if any, names that same DID, `sub` is `uri`, and, when `now` is
/// given, it is in force (not expired, not from the future).
pub fn verify_status_list_token(
    jwt: &str,
    uri: &str,
    expected_issuer: Option<&str>,
    resolver: &OfflineResolver,
    now: Option<OffsetDateTime>,
    fetched_at: OffsetDateTime,
) -> Result<TokenStatusSnapshot, ListError> {
    let jwt = jwt.trim();
    let unverified = UnverifiedStatusList::decode(jwt).map_err(ListError::Token)?;
    let kid = unverified
        .kid()
        .ok_or_else(|| ListError::Proof("the Status List Token has no `kid`".into()))?;
    let resolved = resolver
        .resolve(kid)
        .map_err(|e| ListError::Proof(e.to_string()))?;
    if !resolved.allows(ASSERTION_METHOD) {
        return Err(ListError::Proof(format!(
            "{kid} is not authorised for assertionMethod"
        )));
    }
    if let Some(expected) = expected_issuer.filter(|e| *e != resolved.controller) {
        return Err(ListError::WrongIssuer {
            expected: expected.to_owned(),
            found: resolved.controller,
        });
    }
    if let Some(iss) = unverified.issuer() {
        if did_for_issuer(iss).as_deref() != Some(resolved.controller.as_str()) {
            return Err(ListError::SignedByOther {
                signer: resolved.controller,
                issuer: iss.to_owned(),
            });
        }
    }
    let token = unverified
        .verify(&resolved.public_key, uri, None, now)
        .map_err(|e| match e {
            StatusListError::WrongSubject { expected, found } => {
                ListError::WrongUrl { expected, found }
            }
            StatusListError::Token(sig) => ListError::Proof(sig.to_string()),
            other => ListError::Token(other),
        })?;
    Ok(TokenStatusSnapshot {
        uri: uri.to_owned(),
        issuer: resolved.controller,
        token,
        fetched_at,
        jwt: jwt.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_bit_order() {
        let mut bits = vec![0u8; MIN_BITS / 8];
        bits[0] = 0b1000_0001; // indexes 0 and 7
        let list = decode_list(&encode_list(&bits)).unwrap();
        assert_eq!(list, bits);
        let l = StatusList {
            url: String::new(),
            issuer: String::new(),
            purpose: "revocation".into(),
            bits: list,
        };
        assert!(l.bit(0).unwrap());
        assert!(!l.bit(1).unwrap());
        assert!(l.bit(7).unwrap());
        assert!(matches!(
            l.bit(MIN_BITS as u64),
            Err(StatusError::OutOfRange { .. })
        ));
    }

    #[test]
    fn bad_encodings_are_errors() {
        assert!(decode_list("xAAAA").is_err());
        assert!(decode_list("u!!!").is_err());
        assert!(decode_list(&encode_list(&[0u8; 16])).is_err(), "too short");
        let mut enc = encode_list(&vec![0u8; MIN_BITS / 8]);
        enc.truncate(enc.len() - 4);
        assert!(decode_list(&enc).is_err());
    }
}
