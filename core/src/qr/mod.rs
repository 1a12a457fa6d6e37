//! The QR payload of a paper licence: the signed credential itself, small
//! enough for one QR code, so an inspector can verify offline.
//!
//! `LC1:` + base45 (RFC 9285) of raw DEFLATE of a compact CBOR form of the
//! credential, all in the QR alphanumeric character set. The CBOR form
//! replaces known member names and values by dictionary codes and carries
//! date-times, multibase strings and did:key methods as numbers and bytes,
//! but only where the decoder gives back the identical text: the decoded JSON
//! serialises byte for byte as the input did, so Data Integrity proofs (any
//! suite) and vc+jwt signatures still verify. The format is specified in
//! docs/qr-format.md.
//!
//! Decoding is hostile-input safe: every layer has a bound (payload length,
//! inflated size, nesting depth, base58 length) and a typed [`QrError`].

mod base45;
mod cbor;
mod deflate;
pub mod dictionary;
mod error;
mod jwt;
mod strings;
mod value;
mod vocabulary;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::licence::LicenceIri;
pub use error::QrError;
pub use value::MAX_DEPTH;

/// The prefix of format version 1; `LC` for "licence credential".
pub const PREFIX: &str = "LC1:";

/// Largest CBOR form accepted, in bytes: decoding stops inflating beyond it,
/// so a DEFLATE bomb costs at most this much memory. A licence needs ~1 KiB.
pub const MAX_INFLATED_BYTES: usize = 64 * 1024;

/// Longest payload accepted, in characters. The largest QR code (version 40,
/// level L) holds 4296 alphanumeric characters; this leaves room for
/// payloads carried by other means (NFC, links) without unbounded input.
pub const MAX_PAYLOAD_CHARS: usize = 16 * 1024;

/// Length in bytes of the SHA-256 prefix in an access link's `#d=` digest.
pub const ACCESS_DIGEST_BYTES: usize = 12;

/// A secured credential in one of the two forms a licence QR code carries.
#[derive(Debug, Clone, PartialEq)]
pub enum Secured {
    /// A credential with embedded Data Integrity proof(s), or any JSON.
    Json(Value),
    /// A vc+jwt credential: a compact JWS `header.payload.signature`.
    Jwt(String),
}

/// Sizes at each stage of [`encode`], to choose QR versions and to track how
/// well the dictionary serves real credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Compact JSON (`serde_json::to_vec`) bytes, or the JWT's length.
    pub json_bytes: usize,
    /// Bytes of the LC1 CBOR form.
    pub cbor_bytes: usize,
    /// Bytes after raw DEFLATE.
    pub deflated_bytes: usize,
    /// Base45 characters, without the prefix.
    pub base45_chars: usize,
    /// Characters of the whole payload, prefix included: what the QR code holds.
    pub payload_chars: usize,
    /// For comparison: prefix + base45 of DEFLATE of the compact JSON (or JWT)
    /// bytes, without the CBOR step.
    pub plain_json_payload_chars: usize,
}

/// The QR payload (`LC1:…`) carrying `credential`.
///
/// Fails only for input the decoder would refuse: a JWT that is not a compact
/// JWS, JSON nested deeper than [`MAX_DEPTH`], or a credential too large for
/// [`MAX_INFLATED_BYTES`] / [`MAX_PAYLOAD_CHARS`].
pub fn encode(credential: &Secured) -> Result<String, QrError> {
    let cbor = to_cbor(credential)?;
    if cbor.len() > MAX_INFLATED_BYTES {
        return Err(QrError::InflatedTooLarge {
            max: MAX_INFLATED_BYTES,
        });
    }
    let deflated = deflate::compress(&cbor);
    let payload = format!("{PREFIX}{}", base45::encode(&deflated));
    if payload.len() > MAX_PAYLOAD_CHARS {
        return Err(QrError::PayloadTooLong {
            length: payload.len(),
            max: MAX_PAYLOAD_CHARS,
        });
    }
    Ok(payload)
}

/// The credential in a QR payload, exactly as it was encoded.
pub fn decode(payload: &str) -> Result<Secured, QrError> {
    let length = payload.chars().count();
    if length > MAX_PAYLOAD_CHARS {
        return Err(QrError::PayloadTooLong {
            length,
            max: MAX_PAYLOAD_CHARS,
        });
    }
    let body = strip_prefix(payload)?;
    let deflated = base45::decode(body)?;
    let cbor = deflate::inflate(&deflated, MAX_INFLATED_BYTES)?;
    from_cbor(&cbor)
}

/// Sizes of `credential` at each stage of [`encode`].
pub fn stats(credential: &Secured) -> Result<Stats, QrError> {
    let json = match credential {
        Secured::Json(value) => {
            serde_json::to_vec(value).map_err(|e| QrError::Json(e.to_string()))?
        }
        Secured::Jwt(jwt) => jwt.as_bytes().to_vec(),
    };
    let cbor = to_cbor(credential)?;
    let deflated = deflate::compress(&cbor);
    let base45_chars = base45::encode(&deflated).len();
    let plain = base45::encode(&deflate::compress_with(&[], &json));
    Ok(Stats {
        json_bytes: json.len(),
        cbor_bytes: cbor.len(),
        deflated_bytes: deflated.len(),
        base45_chars,
        payload_chars: PREFIX.len() + base45_chars,
        plain_json_payload_chars: PREFIX.len() + plain.len(),
    })
}

/// The digest that binds an access link to one credential: base64url (no
/// padding) of the first [`ACCESS_DIGEST_BYTES`] bytes of SHA-256 of the JCS
/// form of the JSON credential, or of the JWT string's bytes. 16 characters.
pub fn access_digest(credential: &Secured) -> Result<String, QrError> {
    let hash = match credential {
        Secured::Json(value) => Sha256::digest(crate::jcs::canonicalize(value)?.as_bytes()),
        Secured::Jwt(jwt) => Sha256::digest(jwt.as_bytes()),
    };
    Ok(URL_SAFE_NO_PAD.encode(&hash[..ACCESS_DIGEST_BYTES]))
}

/// The reference-only QR form, a License Access URL: the licence IRI's URI
/// form, `#d=`, and [`access_digest`]. The fragment never reaches the server;
/// the page fetched from the URL can check the credential it serves against it.
///
/// `licence_iri_uri` must be a licence IRI in the canonical URI form of
/// [`LicenceIri::to_uri`], without fragment.
pub fn access_link(licence_iri_uri: &str, credential: &Secured) -> Result<String, QrError> {
    let iri = LicenceIri::from_uri(licence_iri_uri).map_err(|e| QrError::NotALicenceUri {
        reason: e.to_string(),
    })?;
    if iri.to_uri() != licence_iri_uri {
        return Err(QrError::NotALicenceUri {
            reason: format!("the canonical URI form is {}", iri.to_uri()),
        });
    }
    Ok(format!(
        "{licence_iri_uri}#d={}",
        access_digest(credential)?
    ))
}

/// The LC1 CBOR form alone (before DEFLATE), for other transports (NFC,
/// files) and for checking an implementation against docs/qr-format.md.
pub fn encode_cbor(credential: &Secured) -> Result<Vec<u8>, QrError> {
    to_cbor(credential)
}

/// The credential in an LC1 CBOR form made by [`encode_cbor`]; same checks
/// as [`decode`] (depth, dictionary codes, trailing bytes).
pub fn decode_cbor(cbor: &[u8]) -> Result<Secured, QrError> {
    if cbor.len() > MAX_INFLATED_BYTES {
        return Err(QrError::InflatedTooLarge {
            max: MAX_INFLATED_BYTES,
        });
    }
    from_cbor(cbor)
}

/// The LC1 preset DEFLATE dictionary (see docs/qr-format.md), for
/// implementations in other languages to compare against.
pub fn preset_dictionary() -> &'static [u8] {
    deflate::preset_dictionary()
}

fn to_cbor(credential: &Secured) -> Result<Vec<u8>, QrError> {
    let mut out = Vec::with_capacity(1024);
    match credential {
        Secured::Json(value) => value::write_value(&mut out, value, 0)?,
        Secured::Jwt(jwt) => jwt::write_jwt(&mut out, jwt)?,
    }
    Ok(out)
}

fn from_cbor(bytes: &[u8]) -> Result<Secured, QrError> {
    let mut r = cbor::Reader::new(bytes);
    let mut peek = r.clone();
    let jwt_tag = cbor::Head::Item {
        major: cbor::TAG,
        argument: jwt::TAG_JWT,
    };
    let secured = if peek.head()? == jwt_tag {
        Secured::Jwt(jwt::read_jwt(&mut peek)?)
    } else {
        peek = r.clone();
        Secured::Json(value::read_value(&mut peek, 0)?)
    };
    r = peek;
    if r.remaining() > 0 {
        return Err(QrError::TrailingBytes {
            layer: "CBOR",
            count: r.remaining(),
        });
    }
    Ok(secured)
}

/// The base45 text after `LC1:`, or why the payload is not LC1.
fn strip_prefix(payload: &str) -> Result<&str, QrError> {
    if let Some(body) = payload.strip_prefix(PREFIX) {
        return Ok(body);
    }
    let wrong = || QrError::WrongPrefix {
        found: payload.chars().take(8).collect(),
    };
    let rest = payload.strip_prefix("LC").ok_or_else(wrong)?;
    let (version, _) = rest.split_once(':').ok_or_else(wrong)?;
    if version.is_empty() || version.len() > 4 || !version.bytes().all(|b| b.is_ascii_digit()) {
        return Err(wrong());
    }
    Err(QrError::UnsupportedVersion {
        version: version.to_owned(),
    })
}
