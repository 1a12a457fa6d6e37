//! vc+jwt (compact JWS) in LC1/LC2: header and payload as JSON values when their
//! base64url segment is exactly `base64url(serde_json::to_vec(json))`,
//! otherwise as the segment's raw bytes; the signature as raw bytes. The
//! decoder re-creates the identical JWT string, so the signature still verifies.

use super::cbor::{self, Head, Reader};
use super::error::QrError;
use super::strings::base64url_text;
use super::value::{read_bytes, read_value, write_value, Dialect};
use crate::json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// Tag of the top-level JWT envelope; content: `[header, payload, signature]`.
pub const TAG_JWT: u64 = 12;

/// Appends the encoding of compact JWS `jwt` in `dialect`.
pub fn write_jwt(out: &mut Vec<u8>, jwt: &str, dialect: Dialect) -> Result<(), QrError> {
    let mut parts = jwt.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(QrError::NotCompactJws {
            reason: "expected three segments separated by '.'",
        });
    };
    cbor::write_head(out, cbor::TAG, TAG_JWT);
    cbor::write_head(out, cbor::ARRAY, 3);
    write_segment(out, header, dialect)?;
    write_segment(out, payload, dialect)?;
    cbor::write_bytes(out, &segment_bytes(signature)?);
    Ok(())
}

/// The bytes of a base64url (no padding) segment, if it is in canonical form.
fn segment_bytes(segment: &str) -> Result<Vec<u8>, QrError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| QrError::NotCompactJws {
            reason: "a segment is not base64url without padding",
        })?;
    if URL_SAFE_NO_PAD.encode(&bytes) != segment {
        return Err(QrError::NotCompactJws {
            reason: "a segment is not in canonical base64url form",
        });
    }
    Ok(bytes)
}

fn write_segment(out: &mut Vec<u8>, segment: &str, dialect: Dialect) -> Result<(), QrError> {
    let bytes = segment_bytes(segment)?;
    if let Ok(value) = json::parse_strict(&bytes) {
        if serde_json::to_vec(&value).ok().as_deref() == Some(&bytes[..]) {
            let mut encoded = Vec::with_capacity(bytes.len());
            if write_value(&mut encoded, &value, dialect).is_ok() {
                out.extend_from_slice(&encoded);
                return Ok(());
            }
        }
    }
    cbor::write_bytes(out, &bytes);
    Ok(())
}

/// Reads the content of a [`TAG_JWT`] envelope (the tag head already read).
pub fn read_jwt(r: &mut Reader<'_>, dialect: Dialect) -> Result<String, QrError> {
    let start = r.offset();
    let invalid = |reason| QrError::InvalidTagContent {
        tag: TAG_JWT,
        offset: start,
        reason,
    };
    let triple = Head::Item {
        major: cbor::ARRAY,
        argument: 3,
    };
    if r.head()? != triple {
        return Err(invalid("expected an array [header, payload, signature]"));
    }
    let header = read_segment(r, dialect)?;
    let payload = read_segment(r, dialect)?;
    let signature = read_bytes(r, invalid("the signature must be a byte string"))?;
    Ok(format!(
        "{}.{}.{}",
        base64url_text(&header),
        base64url_text(&payload),
        base64url_text(signature)
    ))
}

fn read_segment(r: &mut Reader<'_>, dialect: Dialect) -> Result<Vec<u8>, QrError> {
    let mut peek = r.clone();
    if let Head::Item {
        major: cbor::BYTES,
        argument,
    } = peek.head()?
    {
        let bytes = peek.content(argument)?.to_vec();
        *r = peek;
        return Ok(bytes);
    }
    let value = read_value(r, dialect)?;
    serde_json::to_vec(&value).map_err(|e| QrError::Json(e.to_string()))
}
