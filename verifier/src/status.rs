//! Bitstring Status List 1.0 (W3C): reading a credential's status entry and
//! looking its bit up in a status list credential snapshot.
//!
//! `encodedList` is multibase base64url (`u`, no padding) of a GZIP-compressed
//! bitstring; bit 0 is the most significant bit of the first byte.
//!
//! This is the verifier's own small reader, written before
//! `elicence_core::status` existed; it should be replaced by that module once
//! it lands (same wire format, same semantics).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::Value;

/// The entry type a licence's `credentialStatus` uses.
pub const ENTRY_TYPE: &str = "BitstringStatusListEntry";
/// The type of a status list credential.
pub const LIST_CREDENTIAL_TYPE: &str = "BitstringStatusListCredential";
/// The type of a status list credential's subject.
pub const LIST_TYPE: &str = "BitstringStatusList";
/// The spec's minimum list length (16 KiB of bits), for herd privacy.
pub const MIN_BITS: usize = 131_072;
/// The largest decompressed list accepted (16 MiB): a bound against zip bombs.
pub const MAX_BYTES: usize = 16 * 1024 * 1024;

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

fn has_type(v: &Value, wanted: &str) -> bool {
    match v.get("type") {
        Some(Value::String(t)) => t == wanted,
        Some(Value::Array(ts)) => ts.iter().any(|t| t.as_str() == Some(wanted)),
        _ => false,
    }
}

/// Decodes an `encodedList` into the raw bitstring.
pub fn decode_list(encoded: &str) -> Result<Vec<u8>, StatusError> {
    let b64 = encoded
        .strip_prefix('u')
        .ok_or_else(|| StatusError::Encoding("must start with the multibase prefix `u`".into()))?;
    let gz = URL_SAFE_NO_PAD
        .decode(b64)
        .map_err(|e| StatusError::Encoding(format!("not base64url: {e}")))?;
    let bits = gunzip(&gz)?;
    if bits.len() * 8 < MIN_BITS {
        return Err(StatusError::Encoding(format!(
            "the list has {} entries; Bitstring Status List requires at least {MIN_BITS}",
            bits.len() * 8
        )));
    }
    Ok(bits)
}

/// Encodes a bitstring as an `encodedList` (GZIP, base64url, `u` prefix),
/// for issuers and test fixtures.
pub fn encode_list(bits: &[u8]) -> String {
    let mut gz = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    gz.extend(miniz_oxide::deflate::compress_to_vec(bits, 9));
    gz.extend(crc32(bits).to_le_bytes());
    gz.extend((bits.len() as u32).to_le_bytes());
    format!("u{}", URL_SAFE_NO_PAD.encode(gz))
}

/// RFC 1952 GZIP decoding of a single member, with CRC and length checks.
fn gunzip(gz: &[u8]) -> Result<Vec<u8>, StatusError> {
    let bad = |m: &str| StatusError::Encoding(format!("not GZIP: {m}"));
    if gz.len() < 18 || gz[0] != 0x1f || gz[1] != 0x8b || gz[2] != 8 {
        return Err(bad("bad header"));
    }
    let flags = gz[3];
    if flags & 0xe0 != 0 {
        return Err(bad("reserved flags set"));
    }
    let mut pos = 10;
    let body_end = gz.len() - 8;
    if flags & 0x04 != 0 {
        let xlen = usize::from(u16::from_le_bytes([gz[pos], gz[pos + 1]]));
        pos += 2 + xlen;
    }
    for flag in [0x08, 0x10] {
        if flags & flag != 0 {
            let end = gz
                .get(pos..body_end)
                .and_then(|rest| rest.iter().position(|b| *b == 0))
                .ok_or_else(|| bad("unterminated header field"))?;
            pos += end + 1;
        }
    }
    if flags & 0x02 != 0 {
        pos += 2;
    }
    let body = gz.get(pos..body_end).ok_or_else(|| bad("truncated"))?;
    let data = miniz_oxide::inflate::decompress_to_vec_with_limit(body, MAX_BYTES)
        .map_err(|e| bad(&format!("deflate: {e:?}")))?;
    let trailer = &gz[body_end..];
    let crc = u32::from_le_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]);
    let size = u32::from_le_bytes([trailer[4], trailer[5], trailer[6], trailer[7]]);
    if crc != crc32(&data) || size != data.len() as u32 {
        return Err(bad("checksum or length mismatch"));
    }
    Ok(data)
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_known_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

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
