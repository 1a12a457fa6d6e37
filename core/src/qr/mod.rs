//! The QR payload of a paper licence: the signed credential itself, small
//! enough for one QR code, so an inspector can verify offline.
//!
//! `LC2:` + base45 (RFC 9285) of a compact CBOR form of the credential,
//! arithmetic-coded under a context-mixing model primed with licence
//! vocabulary; all in the QR alphanumeric character set. The CBOR form
//! replaces known member names and values by dictionary codes, carries
//! date-times, multibase strings, did:key methods and Thai IDs as numbers
//! and bytes, and rebuilds the licence IRI, the status entries and the
//! issuer's verification method from the licence's own members, but only
//! where the decoder gives back the identical text: the decoded JSON
//! serialises byte for byte as the input did, so Data Integrity proofs (any
//! suite) and vc+jwt signatures still verify. Payloads of format version 1
//! (`LC1:`, DEFLATE instead of the model, fewer forms), which licences
//! already on paper carry, decode as they always did. The formats are
//! specified in docs/qr-format.md.
//!
//! Decoding is hostile-input safe: every layer has a bound (payload length,
//! decoded size, nesting depth, base58 length) and a typed [`QrError`].

mod arith;
mod base45;
mod cbor;
mod deflate;
mod derived;
pub mod dictionary;
mod error;
mod jwt;
mod model;
mod priming;
mod strings;
mod value;
#[cfg(test)]
mod vocabulary;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::licence::LicenceIri;
pub use error::QrError;
use value::Dialect;
pub use value::MAX_DEPTH;

/// The prefix of the current format (version 2), which [`encode`] writes.
pub const PREFIX: &str = "LC2:";

/// The prefix of format version 1: still read, for licences already printed.
pub const LC1_PREFIX: &str = "LC1:";

/// Largest CBOR form accepted, in bytes: decoding stops beyond it, so a
/// DEFLATE bomb (LC1) or an endless coded stream (LC2) costs at most this
/// much memory. A licence needs ~1 KiB.
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

/// A version of the payload format. Decoders read every version; encoders
/// write [`Format::CURRENT`] unless asked otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// `LC1:`: CBOR (dictionary codes, compact string forms), raw DEFLATE
    /// with a preset dictionary, base45. Printed licences carry it.
    Lc1,
    /// `LC2:`: LC1's CBOR plus forms derived from the licence itself, coded
    /// by a context-mixing model primed with licence vocabulary, base45.
    Lc2,
}

impl Format {
    /// What [`encode`] writes.
    pub const CURRENT: Format = Format::Lc2;

    /// The text a payload of this format starts with.
    pub fn prefix(self) -> &'static str {
        match self {
            Format::Lc1 => LC1_PREFIX,
            Format::Lc2 => PREFIX,
        }
    }

    fn dialect(self) -> Dialect {
        match self {
            Format::Lc1 => Dialect::Lc1,
            Format::Lc2 => Dialect::Lc2,
        }
    }
}

/// Sizes at each stage of [`encode`], to choose QR versions and to track how
/// well the format serves real credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// The format measured.
    pub format: Format,
    /// Compact JSON (`serde_json::to_vec`) bytes, or the JWT's length.
    pub json_bytes: usize,
    /// Bytes of the CBOR form.
    pub cbor_bytes: usize,
    /// Bytes after compression (LC2: arithmetic coding; LC1: raw DEFLATE).
    pub compressed_bytes: usize,
    /// Base45 characters, without the prefix.
    pub base45_chars: usize,
    /// Characters of the whole payload, prefix included: what the QR code holds.
    pub payload_chars: usize,
    /// For comparison: the same credential as an `LC1:` payload.
    pub lc1_payload_chars: usize,
    /// For comparison: prefix + base45 of DEFLATE of the compact JSON (or
    /// JWT) bytes, without CBOR or dictionary.
    pub plain_json_payload_chars: usize,
}

/// The QR payload (`LC2:…`) carrying `credential`.
///
/// Fails only for input the decoder would refuse: a JWT that is not a compact
/// JWS, JSON nested deeper than [`MAX_DEPTH`], or a credential too large for
/// [`MAX_INFLATED_BYTES`] / [`MAX_PAYLOAD_CHARS`].
pub fn encode(credential: &Secured) -> Result<String, QrError> {
    encode_as(credential, Format::CURRENT)
}

/// The QR payload of `credential` in `format`: [`encode`] writes the
/// current one; `Format::Lc1` gives what earlier versions printed.
pub fn encode_as(credential: &Secured, format: Format) -> Result<String, QrError> {
    let cbor = to_cbor(credential, format)?;
    if cbor.len() > MAX_INFLATED_BYTES {
        return Err(QrError::InflatedTooLarge {
            max: MAX_INFLATED_BYTES,
        });
    }
    let compressed = compress(&cbor, format);
    if format == Format::Lc2 && cbor.len() > model::decoded_limit(compressed.len()) {
        // Only absurdly repetitive documents compress this well.
        return Err(QrError::InflatedTooLarge {
            max: model::decoded_limit(compressed.len()),
        });
    }
    let payload = format!("{}{}", format.prefix(), base45::encode(&compressed));
    if payload.len() > MAX_PAYLOAD_CHARS {
        return Err(QrError::PayloadTooLong {
            length: payload.len(),
            max: MAX_PAYLOAD_CHARS,
        });
    }
    Ok(payload)
}

/// The payload around a CBOR form of `format` (compressed, base45, prefix),
/// without checking the CBOR: for other implementations and tests to build
/// payloads from CBOR they wrote themselves.
pub fn payload_from_cbor(cbor: &[u8], format: Format) -> String {
    let compressed = compress(cbor, format);
    format!("{}{}", format.prefix(), base45::encode(&compressed))
}

fn compress(cbor: &[u8], format: Format) -> Vec<u8> {
    match format {
        Format::Lc1 => deflate::compress(cbor),
        Format::Lc2 => model::compress(cbor),
    }
}

/// The credential in a QR payload of any supported format, exactly as it
/// was encoded.
pub fn decode(payload: &str) -> Result<Secured, QrError> {
    let length = payload.chars().count();
    if length > MAX_PAYLOAD_CHARS {
        return Err(QrError::PayloadTooLong {
            length,
            max: MAX_PAYLOAD_CHARS,
        });
    }
    let (format, body) = split_prefix(payload)?;
    let compressed = base45::decode(body)?;
    let cbor = match format {
        Format::Lc1 => deflate::inflate(&compressed, MAX_INFLATED_BYTES)?,
        Format::Lc2 => model::decompress(&compressed, MAX_INFLATED_BYTES)?,
    };
    from_cbor(&cbor, format)
}

/// The format of `payload`, by its prefix, or why it is not an elicence
/// payload this library reads.
pub fn format_of(payload: &str) -> Result<Format, QrError> {
    split_prefix(payload).map(|(format, _)| format)
}

/// True if `text` starts like an elicence payload (`LC<digits>:`), of a
/// supported version or not: a reader picking the licence among several QR
/// codes takes it, and [`decode`] then says what is wrong with it.
pub fn is_elicence_payload(text: &str) -> bool {
    text.strip_prefix("LC")
        .and_then(|rest| rest.split_once(':'))
        .is_some_and(|(v, _)| {
            !v.is_empty() && v.len() <= 4 && v.bytes().all(|b| b.is_ascii_digit())
        })
}

/// Sizes of `credential` at each stage of [`encode`].
pub fn stats(credential: &Secured) -> Result<Stats, QrError> {
    let json = match credential {
        Secured::Json(value) => {
            serde_json::to_vec(value).map_err(|e| QrError::Json(e.to_string()))?
        }
        Secured::Jwt(jwt) => jwt.as_bytes().to_vec(),
    };
    let format = Format::CURRENT;
    let cbor = to_cbor(credential, format)?;
    let compressed = compress(&cbor, format);
    let base45_chars = base45::encode(&compressed).len();
    let lc1 = payload_from_cbor(&to_cbor(credential, Format::Lc1)?, Format::Lc1);
    let plain = base45::encode(&deflate::compress_with(&[], &json));
    Ok(Stats {
        format,
        json_bytes: json.len(),
        cbor_bytes: cbor.len(),
        compressed_bytes: compressed.len(),
        base45_chars,
        payload_chars: format.prefix().len() + base45_chars,
        lc1_payload_chars: lc1.len(),
        plain_json_payload_chars: LC1_PREFIX.len() + plain.len(),
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

/// The CBOR form alone (before compression) in the current format, for
/// other transports (NFC, files) and for checking an implementation against
/// docs/qr-format.md.
pub fn encode_cbor(credential: &Secured) -> Result<Vec<u8>, QrError> {
    to_cbor(credential, Format::CURRENT)
}

/// The CBOR form of `credential` in `format`.
pub fn encode_cbor_as(credential: &Secured, format: Format) -> Result<Vec<u8>, QrError> {
    to_cbor(credential, format)
}

/// The credential in a CBOR form made by [`encode_cbor`]; same checks
/// as [`decode`] (depth, dictionary codes, trailing bytes).
pub fn decode_cbor(cbor: &[u8]) -> Result<Secured, QrError> {
    decode_cbor_as(cbor, Format::CURRENT)
}

/// The credential in a CBOR form of `format`.
pub fn decode_cbor_as(cbor: &[u8], format: Format) -> Result<Secured, QrError> {
    if cbor.len() > MAX_INFLATED_BYTES {
        return Err(QrError::InflatedTooLarge {
            max: MAX_INFLATED_BYTES,
        });
    }
    from_cbor(cbor, format)
}

/// The LC1 preset DEFLATE dictionary (see docs/qr-format.md), for
/// implementations in other languages to compare against.
pub fn preset_dictionary() -> &'static [u8] {
    deflate::preset_dictionary()
}

/// The LC2 priming text the byte model reads before every payload (see
/// docs/qr-format.md), for implementations in other languages to compare against.
pub fn priming_text() -> &'static [u8] {
    &priming::primed().text
}

fn to_cbor(credential: &Secured, format: Format) -> Result<Vec<u8>, QrError> {
    let mut out = Vec::with_capacity(1024);
    match credential {
        Secured::Json(value) => value::write_value(&mut out, value, format.dialect())?,
        Secured::Jwt(jwt) => jwt::write_jwt(&mut out, jwt, format.dialect())?,
    }
    Ok(out)
}

fn from_cbor(bytes: &[u8], format: Format) -> Result<Secured, QrError> {
    let dialect = format.dialect();
    let mut r = cbor::Reader::new(bytes);
    let mut peek = r.clone();
    let jwt_tag = cbor::Head::Item {
        major: cbor::TAG,
        argument: jwt::TAG_JWT,
    };
    let secured = if peek.head()? == jwt_tag {
        Secured::Jwt(jwt::read_jwt(&mut peek, dialect)?)
    } else {
        peek = r.clone();
        Secured::Json(value::read_value(&mut peek, dialect)?)
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

/// The format and the base45 text after the prefix, or why the payload is
/// not one this library reads.
fn split_prefix(payload: &str) -> Result<(Format, &str), QrError> {
    for format in [Format::Lc2, Format::Lc1] {
        if let Some(body) = payload.strip_prefix(format.prefix()) {
            return Ok((format, body));
        }
    }
    let wrong = || QrError::WrongPrefix {
        found: payload.chars().take(8).collect(),
    };
    if !is_elicence_payload(payload) {
        return Err(wrong());
    }
    let version = payload[2..].split_once(':').map(|(v, _)| v).unwrap_or("");
    Err(QrError::UnsupportedVersion {
        version: version.to_owned(),
    })
}
