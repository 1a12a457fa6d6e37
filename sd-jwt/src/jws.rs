//! Compact JWS (RFC 7515) as SD-JWT, KB-JWT and Status List Tokens use it:
//! EdDSA (Ed25519) and ES256 (P-256, HAIP) with elicence-core's keys; `none`
//! and anything not allowed are refused, and so is any `crit` header.
//!
//! core's `jose` module is the `vc+jwt` profile (it checks `typ: vc+jwt` and
//! resolves DIDs); this is the plain layer beneath the three token types here.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use elicence_core::keys::{KeyAlgorithm, KeyError, PublicKey, Signer, SigningKey};
use serde_json::{Map, Value};

use crate::error::{Part, SdJwtError};

/// A JWS algorithm elicence signs and verifies with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Alg {
    /// ECDSA P-256 with SHA-256: what HAIP requires of issuers and wallets.
    Es256,
    /// EdDSA over Ed25519 (`EdDSA`, or the fully specified `Ed25519`).
    EdDsa,
    /// ECDSA P-384 with SHA-384, for agencies whose keys are P-384 (builds
    /// without core's `p384` feature refuse such keys when verifying).
    Es384,
}

/// What [`crate::verify`] accepts unless told otherwise.
pub const DEFAULT_ALGORITHMS: [Alg; 3] = [Alg::Es256, Alg::EdDsa, Alg::Es384];

impl Alg {
    /// The `alg` header value this crate writes.
    pub fn name(self) -> &'static str {
        match self {
            Alg::Es256 => "ES256",
            Alg::EdDsa => "EdDSA",
            Alg::Es384 => "ES384",
        }
    }

    /// The algorithm a key signs with.
    pub fn for_key(key: KeyAlgorithm) -> Alg {
        // Core has a P-384 key type only with its `p384` feature (left out of
        // the browser inspector); the last arm is that type when it exists.
        #[allow(unreachable_patterns)]
        match key {
            KeyAlgorithm::Ed25519 => Alg::EdDsa,
            KeyAlgorithm::P256 => Alg::Es256,
            _ => Alg::Es384,
        }
    }

    /// Whether a key of this type signs with this algorithm: a header's `alg`
    /// must name the algorithm of the key that is to verify it.
    pub fn fits(self, key: KeyAlgorithm) -> bool {
        Alg::for_key(key) == self
    }

    /// Reads an `alg` header value; `None` for anything else.
    pub fn from_header(alg: &str) -> Option<Alg> {
        match alg {
            "ES256" => Some(Alg::Es256),
            "ES384" => Some(Alg::Es384),
            "EdDSA" | "Ed25519" => Some(Alg::EdDsa),
            _ => None,
        }
    }
}

/// A compact JWS split and decoded, its signature not yet checked.
#[derive(Debug, Clone)]
pub struct DecodedJws<'a> {
    /// The protected header.
    pub header: Map<String, Value>,
    /// The payload (a JSON object).
    pub payload: Map<String, Value>,
    /// The header's algorithm (allowed, not `none`).
    pub alg: Alg,
    /// `BASE64URL(header) "." BASE64URL(payload)`: the bytes signed.
    pub signing_input: &'a str,
    /// The decoded signature.
    pub signature: Vec<u8>,
}

fn malformed(part: Part, reason: impl Into<String>) -> SdJwtError {
    SdJwtError::MalformedJws {
        part,
        reason: reason.into(),
    }
}

fn decode_object(part: Part, segment: &str, what: &str) -> Result<Map<String, Value>, SdJwtError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| malformed(part, format!("the {what} is not base64url (no padding)")))?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(malformed(part, format!("the {what} is not a JSON object"))),
        Err(e) => Err(malformed(part, format!("the {what} is not JSON: {e}"))),
    }
}

/// `typ` comparison per RFC 7515 §4.1.9: case-insensitive, `application/` optional.
pub(crate) fn typ_matches(found: &str, expected: &str) -> bool {
    let found = found.to_ascii_lowercase();
    let found = found.strip_prefix("application/").unwrap_or(&found);
    found == expected
}

/// Splits and decodes a compact JWS, refusing `alg: none`, algorithms not in
/// `allowed`, any `crit`, and a `typ` other than one of `types` (when given).
pub fn decode<'a>(
    jws: &'a str,
    part: Part,
    allowed: &[Alg],
    types: &[&str],
) -> Result<DecodedJws<'a>, SdJwtError> {
    let mut segments = jws.split('.');
    let (Some(h), Some(p), Some(s), None) = (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    ) else {
        return Err(malformed(part, "expected three dot-separated segments"));
    };
    if h.is_empty() || p.is_empty() || s.is_empty() {
        return Err(malformed(part, "empty segment"));
    }
    let header = decode_object(part, h, "header")?;
    let alg_name = match header.get("alg") {
        Some(Value::String(a)) => a.as_str(),
        _ => {
            return Err(SdJwtError::AlgorithmNotAllowed {
                part,
                alg: "(missing)".into(),
            })
        }
    };
    if alg_name.eq_ignore_ascii_case("none") {
        return Err(SdJwtError::AlgorithmNone { part });
    }
    let alg = Alg::from_header(alg_name)
        .filter(|a| allowed.contains(a))
        .ok_or_else(|| SdJwtError::AlgorithmNotAllowed {
            part,
            alg: alg_name.to_owned(),
        })?;
    if let Some(crit) = header.get("crit") {
        return Err(SdJwtError::UnknownCritical {
            part,
            crit: crit.to_string(),
        });
    }
    if let Some(expected) = types.first() {
        let found = header.get("typ");
        let ok = found
            .and_then(Value::as_str)
            .is_some_and(|t| types.iter().any(|e| typ_matches(t, e)));
        if !ok {
            return Err(SdJwtError::WrongType {
                part,
                expected: (*expected).to_owned(),
                found: found.map_or("missing".to_owned(), Value::to_string),
            });
        }
    }
    let payload = decode_object(part, p, "payload")?;
    let signature = URL_SAFE_NO_PAD
        .decode(s)
        .map_err(|_| malformed(part, "the signature is not base64url (no padding)"))?;
    Ok(DecodedJws {
        header,
        payload,
        alg,
        signing_input: &jws[..h.len() + 1 + p.len()],
        signature,
    })
}

impl DecodedJws<'_> {
    /// Checks the signature with `key`, whose type must fit `alg`.
    pub fn verify(&self, key: &PublicKey, part: Part) -> Result<(), SdJwtError> {
        if !self.alg.fits(key.algorithm()) {
            return Err(SdJwtError::AlgorithmKeyMismatch {
                part,
                alg: self.alg.name().to_owned(),
                key: key.algorithm().to_string(),
            });
        }
        key.verify(self.signing_input.as_bytes(), &self.signature)
            .map_err(|e| match e {
                KeyError::SignatureMismatch => SdJwtError::SignatureMismatch { part },
                other => SdJwtError::MalformedSignature {
                    part,
                    reason: other.to_string(),
                },
            })
    }

    /// The header's `kid`, if it is a non-empty string.
    pub fn kid(&self) -> Option<&str> {
        self.header
            .get("kid")
            .and_then(Value::as_str)
            .filter(|k| !k.is_empty())
    }
}

/// Signs `payload` as a compact JWS. `header` gives everything but `alg`,
/// which is set from the key.
pub fn sign(header: &Map<String, Value>, payload: &Map<String, Value>, key: &SigningKey) -> String {
    let signing_input = signing_input(header, payload, key.algorithm());
    let signature = key.sign(signing_input.as_bytes());
    finish(signing_input, &signature)
}

/// [`sign`] with any [`Signer`], such as a key held in a hardware token,
/// whose signing can fail.
pub fn try_sign(
    header: &Map<String, Value>,
    payload: &Map<String, Value>,
    key: &(impl Signer + ?Sized),
) -> Result<String, KeyError> {
    let signing_input = signing_input(header, payload, key.algorithm());
    let signature = key.try_sign(signing_input.as_bytes())?;
    Ok(finish(signing_input, &signature))
}

/// `BASE64URL(header with alg) . BASE64URL(payload)`.
fn signing_input(
    header: &Map<String, Value>,
    payload: &Map<String, Value>,
    algorithm: KeyAlgorithm,
) -> String {
    let mut full = Map::with_capacity(header.len() + 1);
    full.insert("alg".into(), Value::from(Alg::for_key(algorithm).name()));
    for (k, v) in header {
        if k != "alg" {
            full.insert(k.clone(), v.clone());
        }
    }
    // Serialising a map of JSON values cannot fail.
    let header = serde_json::to_vec(&full).unwrap_or_default();
    let payload = serde_json::to_vec(payload).unwrap_or_default();
    let mut out = String::with_capacity((header.len() + payload.len()) * 4 / 3 + 96);
    URL_SAFE_NO_PAD.encode_string(header, &mut out);
    out.push('.');
    URL_SAFE_NO_PAD.encode_string(payload, &mut out);
    out
}

/// Appends `. BASE64URL(signature)` to the signing input.
fn finish(mut signing_input: String, signature: &[u8]) -> String {
    signing_input.push('.');
    URL_SAFE_NO_PAD.encode_string(signature, &mut signing_input);
    signing_input
}
