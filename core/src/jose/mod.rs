//! VC-JOSE-COSE 2.0 `vc+jwt`: a credential secured as a compact JWS whose
//! payload is the unsecured credential itself.
//!
//! Protected header: `{"alg":"EdDSA"|"ES256"|"ES384","typ":"vc+jwt","cty":"vc","kid":…}`;
//! signing input: `BASE64URL(header) "." BASE64URL(payload)` (RFC 7515), no
//! padding. ES256 signatures are `r||s` (64 bytes) over SHA-256, ES384 (P-384
//! keys, `p384` feature) `r||s` (96 bytes) over SHA-384 (RFC 7518 §3.4).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::did::{DidError, KeyResolver, ASSERTION_METHOD};
use crate::keys::{KeyAlgorithm, KeyError, Signer};

/// The media type (`typ`) of a JWT-secured credential.
pub const VC_JWT_TYPE: &str = "vc+jwt";

/// Why a vc+jwt could not be created or did not verify.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum JoseError {
    /// The credential is not a JSON object.
    #[error("the credential must be a JSON object")]
    CredentialNotObject,
    /// The credential already carries an embedded Data Integrity proof.
    #[error("the credential already has a `proof`: secure it with either Data Integrity or JOSE, not both")]
    CredentialHasProof,
    /// The `kid` is empty.
    #[error("the key id (`kid`) must not be empty")]
    EmptyKid,
    /// The credential already has a member the signer sets (e.g. `iat`).
    #[error("the credential already has `{0}`, which the signer sets")]
    ClaimPresent(&'static str),
    /// The compact serialization is malformed.
    #[error("malformed JWT: {0}")]
    Malformed(String),
    /// A segment is not base64url without padding.
    #[error("the JWT {0} is not base64url (no padding)")]
    BadBase64(&'static str),
    /// The header or payload is not JSON.
    #[error("the JWT {segment} is not valid JSON: {reason}")]
    BadJson {
        /// `header` or `payload`.
        segment: &'static str,
        /// The parser's message.
        reason: String,
    },
    /// `alg` is `none`: unsigned tokens are never accepted.
    #[error("unsigned JWT (`alg: none`) rejected")]
    AlgorithmNone,
    /// `alg` is missing or not one we implement.
    #[error("unsupported JWS algorithm `{0}` (supported: EdDSA, ES256, ES384)")]
    UnsupportedAlgorithm(String),
    /// `alg` does not match the resolved key's type.
    #[error("JWS algorithm {alg} cannot be used with a {key} key")]
    AlgorithmMismatch {
        /// The header's `alg`.
        alg: String,
        /// The key's algorithm.
        key: KeyAlgorithm,
    },
    /// `typ` is missing or not `vc+jwt`.
    #[error("JWT `typ` is {0}, expected `vc+jwt`")]
    WrongType(String),
    /// `cty` is present but not `vc`.
    #[error("JWT `cty` is `{0}`, expected `vc`")]
    WrongContentType(String),
    /// The header lists critical extensions we do not understand.
    #[error("JWT header has critical extensions we do not understand: {0}")]
    UnsupportedCritical(String),
    /// The header has no usable `kid`.
    #[error("JWT header has no `kid` naming the verification method")]
    MissingKid,
    /// The payload is not a JSON object.
    #[error("the JWT payload is not a JSON object")]
    PayloadNotObject,
    /// The key could not be resolved.
    #[error("cannot resolve the key: {0}")]
    Resolve(#[from] DidError),
    /// The key is not authorised to issue credentials.
    #[error("verification method `{0}` is not authorised for assertionMethod by its controller")]
    KeyNotAuthorized(String),
    /// The signature is malformed (length, encoding).
    #[error("malformed signature: {0}")]
    MalformedSignature(KeyError),
    /// The signature does not verify.
    #[error("signature does not match: the JWT was altered or signed by another key")]
    SignatureMismatch,
    /// The signer failed (a hardware token gone or refusing).
    #[error("cannot sign: {0}")]
    Signing(KeyError),
}

/// A verified vc+jwt.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedJwt {
    /// The credential (the JWT payload).
    pub credential: Value,
    /// The protected header.
    pub header: Value,
    /// The verification method the `kid` resolved to.
    pub verification_method: String,
    /// The DID controlling that key.
    pub controller: String,
}

fn jws_alg(alg: KeyAlgorithm) -> &'static str {
    match alg {
        KeyAlgorithm::Ed25519 => "EdDSA",
        KeyAlgorithm::P256 => "ES256",
        #[cfg(feature = "p384")]
        KeyAlgorithm::P384 => "ES384",
    }
}

/// Like [`sign_vc_jwt`], with the signing time as the JWT `iat` claim, so a
/// verifier can tell which of the issuer's keys was in force when it signed:
/// a licence's `validFrom` may lie years before the key that secures it today
/// (a digitised old licence, a re-signed one after key rotation).
pub fn sign_vc_jwt_at(
    credential: &Value,
    key: &(impl Signer + ?Sized),
    kid: &str,
    issued_at: OffsetDateTime,
) -> Result<String, JoseError> {
    let mut claims = credential.clone();
    let map = claims
        .as_object_mut()
        .ok_or(JoseError::CredentialNotObject)?;
    if map.contains_key("iat") {
        return Err(JoseError::ClaimPresent("iat"));
    }
    map.insert("iat".into(), Value::from(issued_at.unix_timestamp()));
    sign_vc_jwt(&claims, key, kid)
}

/// Secures `credential` as a compact `vc+jwt` signed by `key`; `kid` is the
/// verification method id (e.g. `did:web:dbd.go.th#z6Mk…`).
pub fn sign_vc_jwt(
    credential: &Value,
    key: &(impl Signer + ?Sized),
    kid: &str,
) -> Result<String, JoseError> {
    let map = credential
        .as_object()
        .ok_or(JoseError::CredentialNotObject)?;
    if map.contains_key("proof") {
        return Err(JoseError::CredentialHasProof);
    }
    if kid.is_empty() {
        return Err(JoseError::EmptyKid);
    }
    let header = json!({
        "alg": jws_alg(key.algorithm()),
        "typ": VC_JWT_TYPE,
        "cty": "vc",
        "kid": kid,
    });
    let header = serde_json::to_vec(&header).map_err(|e| JoseError::Malformed(e.to_string()))?;
    let payload =
        serde_json::to_vec(credential).map_err(|e| JoseError::Malformed(e.to_string()))?;
    let mut jwt = URL_SAFE_NO_PAD.encode(header);
    jwt.push('.');
    URL_SAFE_NO_PAD.encode_string(payload, &mut jwt);
    let signature = key.try_sign(jwt.as_bytes()).map_err(JoseError::Signing)?;
    jwt.push('.');
    URL_SAFE_NO_PAD.encode_string(signature, &mut jwt);
    Ok(jwt)
}

fn decode_json(segment: &'static str, b64: &str) -> Result<Value, JoseError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(b64)
        .map_err(|_| JoseError::BadBase64(segment))?;
    serde_json::from_slice(&bytes).map_err(|e| JoseError::BadJson {
        segment,
        reason: e.to_string(),
    })
}

/// `typ` comparison per RFC 7515 §4.1.9: case-insensitive, `application/` optional.
fn is_vc_jwt_type(typ: &str) -> bool {
    let typ = typ.to_ascii_lowercase();
    typ == VC_JWT_TYPE || typ == "application/vc+jwt"
}

/// The issuer id of a credential (`issuer` string or `issuer.id`).
fn issuer_id(credential: &Value) -> Option<&str> {
    match credential.get("issuer")? {
        Value::String(s) => Some(s),
        other => other.get("id")?.as_str(),
    }
}

/// Verifies a compact `vc+jwt` and returns its credential. The `kid` names
/// the verification method; a relative `kid` (`#key-1`) is taken relative to
/// the credential's issuer. The key must be authorised for `assertionMethod`.
pub fn verify_vc_jwt(jwt: &str, resolver: &dyn KeyResolver) -> Result<VerifiedJwt, JoseError> {
    let mut parts = jwt.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JoseError::Malformed(
            "expected three dot-separated segments (compact JWS)".into(),
        ));
    };
    if h.is_empty() || p.is_empty() || s.is_empty() {
        return Err(JoseError::Malformed("empty segment".into()));
    }

    let header = decode_json("header", h)?;
    let header_map = header
        .as_object()
        .ok_or_else(|| JoseError::Malformed("the header is not a JSON object".into()))?;
    let alg = match header_map.get("alg") {
        Some(Value::String(a)) => a.as_str(),
        _ => return Err(JoseError::UnsupportedAlgorithm("(missing)".into())),
    };
    let expected_key = match alg {
        "EdDSA" | "Ed25519" => KeyAlgorithm::Ed25519,
        "ES256" => KeyAlgorithm::P256,
        #[cfg(feature = "p384")]
        "ES384" => KeyAlgorithm::P384,
        a if a.eq_ignore_ascii_case("none") => return Err(JoseError::AlgorithmNone),
        other => return Err(JoseError::UnsupportedAlgorithm(other.to_string())),
    };
    match header_map.get("typ") {
        Some(Value::String(t)) if is_vc_jwt_type(t) => {}
        Some(Value::String(t)) => return Err(JoseError::WrongType(format!("`{t}`"))),
        Some(_) => return Err(JoseError::WrongType("not a string".into())),
        None => return Err(JoseError::WrongType("missing".into())),
    }
    match header_map.get("cty") {
        None => {}
        Some(Value::String(c))
            if c.eq_ignore_ascii_case("vc") || c.eq_ignore_ascii_case("application/vc") => {}
        Some(other) => return Err(JoseError::WrongContentType(other.to_string())),
    }
    if let Some(crit) = header_map.get("crit") {
        return Err(JoseError::UnsupportedCritical(crit.to_string()));
    }
    let kid = match header_map.get("kid") {
        Some(Value::String(k)) if !k.is_empty() => k.as_str(),
        _ => return Err(JoseError::MissingKid),
    };

    let credential = decode_json("payload", p)?;
    if !credential.is_object() {
        return Err(JoseError::PayloadNotObject);
    }
    let verification_method = if kid.starts_with('#') {
        let issuer = issuer_id(&credential).ok_or(JoseError::MissingKid)?;
        format!("{issuer}{kid}")
    } else {
        kid.to_string()
    };

    let signature = URL_SAFE_NO_PAD
        .decode(s)
        .map_err(|_| JoseError::BadBase64("signature"))?;

    let resolved = resolver.resolve(&verification_method)?;
    if !resolved.allows(ASSERTION_METHOD) {
        return Err(JoseError::KeyNotAuthorized(verification_method));
    }
    let key_alg = resolved.public_key.algorithm();
    if key_alg != expected_key {
        return Err(JoseError::AlgorithmMismatch {
            alg: alg.to_string(),
            key: key_alg,
        });
    }
    let signing_input = &jwt[..h.len() + 1 + p.len()];
    resolved
        .public_key
        .verify(signing_input.as_bytes(), &signature)
        .map_err(|e| match e {
            KeyError::SignatureMismatch => JoseError::SignatureMismatch,
            other => JoseError::MalformedSignature(other),
        })?;

    Ok(VerifiedJwt {
        credential,
        header,
        verification_method: resolved.verification_method,
        controller: resolved.controller,
    })
}
