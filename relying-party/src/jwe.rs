//! Encrypted responses (`direct_post.jwt`, OpenID4VP 1.0 §8.3, HAIP): a
//! compact JWE with `alg: ECDH-ES` (direct key agreement, RFC 7518 §4.6) on
//! P-256 and `enc: A128GCM` or `A256GCM`, so the licence travels readable
//! only by the relying party even through a front channel or a proxy. The
//! relying party's per-request key is derived from a secret it keeps in
//! memory and the request id: no private key is ever stored.

use aes_gcm::aead::{Aead as _, KeyInit as _, Payload};
use aes_gcm::{Aes128Gcm, Aes256Gcm, Nonce};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use p256::elliptic_curve::sec1::{FromEncodedPoint as _, ToEncodedPoint as _};
use p256::{EncodedPoint, PublicKey, SecretKey};
use serde_json::{json, Map, Value};
use sha2::{Digest as _, Sha256};

/// Why a JWE cannot be made or opened.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("encrypted response: {0}")]
pub struct JweError(pub String);

fn err(msg: impl Into<String>) -> JweError {
    JweError(msg.into())
}

/// The content encryptions we speak.
pub const ENC_VALUES: [&str; 2] = ["A128GCM", "A256GCM"];

fn key_len(enc: &str) -> Result<usize, JweError> {
    match enc {
        "A128GCM" => Ok(16),
        "A256GCM" => Ok(32),
        other => Err(err(format!(
            "enc {other:?} is not supported (A128GCM, A256GCM)"
        ))),
    }
}

/// Concat KDF (NIST SP 800-56A, RFC 7518 §4.6.2) for direct ECDH-ES.
fn concat_kdf(z: &[u8], enc: &str, apu: &[u8], apv: &[u8], len: usize) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(1u32.to_be_bytes());
    h.update(z);
    for part in [enc.as_bytes(), apu, apv] {
        h.update((part.len() as u32).to_be_bytes());
        h.update(part);
    }
    h.update(((len * 8) as u32).to_be_bytes());
    h.finalize()[..len].to_vec()
}

/// A P-256 public key as a JWK, with its `kid`, for encryption.
pub fn public_jwk(key: &PublicKey, kid: &str) -> Value {
    let point = key.to_encoded_point(false);
    json!({
        "kty": "EC", "crv": "P-256", "use": "enc", "alg": "ECDH-ES", "kid": kid,
        "x": URL_SAFE_NO_PAD.encode(point.x().map(|x| x.as_slice()).unwrap_or_default()),
        "y": URL_SAFE_NO_PAD.encode(point.y().map(|y| y.as_slice()).unwrap_or_default()),
    })
}

fn coordinate(jwk: &Value, name: &str) -> Result<Vec<u8>, JweError> {
    let b = jwk
        .get(name)
        .and_then(Value::as_str)
        .and_then(|s| URL_SAFE_NO_PAD.decode(s).ok())
        .ok_or_else(|| err(format!("the key's `{name}` is missing or not base64url")))?;
    if b.len() != 32 {
        return Err(err(format!("the key's `{name}` is not 32 bytes")));
    }
    Ok(b)
}

/// Reads a P-256 JWK (`kty: EC`, `crv: P-256`), refusing points off the curve.
pub fn from_jwk(jwk: &Value) -> Result<PublicKey, JweError> {
    if jwk.get("kty").and_then(Value::as_str) != Some("EC")
        || jwk.get("crv").and_then(Value::as_str) != Some("P-256")
    {
        return Err(err("only P-256 EC keys are supported"));
    }
    let (x, y) = (coordinate(jwk, "x")?, coordinate(jwk, "y")?);
    let point =
        EncodedPoint::from_affine_coordinates(x.as_slice().into(), y.as_slice().into(), false);
    Option::from(PublicKey::from_encoded_point(&point))
        .ok_or_else(|| err("the key is not on P-256"))
}

/// The relying party's key for one request: derived from its in-memory
/// `secret` and the request id, so nothing private is stored.
pub fn request_key(secret: &[u8; 32], request_id: &str) -> SecretKey {
    let mut counter = 0u32;
    loop {
        let mut h = Sha256::new();
        h.update(b"elicence-rp response encryption key\0");
        h.update(secret);
        h.update(request_id.as_bytes());
        h.update(counter.to_be_bytes());
        if let Ok(k) = SecretKey::from_slice(&h.finalize()) {
            return k;
        }
        counter += 1;
    }
}

/// Encrypts `payload` to `recipient` (the holder's side).
pub fn encrypt(
    payload: &Map<String, Value>,
    recipient: &PublicKey,
    kid: Option<&str>,
    enc: &str,
) -> Result<String, JweError> {
    let len = key_len(enc)?;
    let ephemeral = p256::ecdh::EphemeralSecret::random(&mut rand_core::OsRng);
    let epk = public_jwk(&ephemeral.public_key(), "");
    let shared = ephemeral.diffie_hellman(recipient);
    let cek = concat_kdf(shared.raw_secret_bytes(), enc, b"", b"", len);
    let mut header = json!({
        "alg": "ECDH-ES", "enc": enc,
        "epk": {"kty": "EC", "crv": "P-256", "x": epk["x"], "y": epk["y"]},
    });
    if let Some(kid) = kid {
        header["kid"] = json!(kid);
    }
    let protected = URL_SAFE_NO_PAD.encode(header.to_string());
    let mut iv = [0u8; 12];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut iv);
    let plain = Value::Object(payload.clone()).to_string();
    let aad = Payload {
        msg: plain.as_bytes(),
        aad: protected.as_bytes(),
    };
    let sealed = match len {
        16 => Aes128Gcm::new_from_slice(&cek)
            .map_err(|e| err(e.to_string()))?
            .encrypt(Nonce::from_slice(&iv), aad),
        _ => Aes256Gcm::new_from_slice(&cek)
            .map_err(|e| err(e.to_string()))?
            .encrypt(Nonce::from_slice(&iv), aad),
    }
    .map_err(|_| err("encryption failed"))?;
    let (ciphertext, tag) = sealed.split_at(sealed.len() - 16);
    Ok(format!(
        "{protected}..{}.{}.{}",
        URL_SAFE_NO_PAD.encode(iv),
        URL_SAFE_NO_PAD.encode(ciphertext),
        URL_SAFE_NO_PAD.encode(tag)
    ))
}

/// Opens a compact JWE with the relying party's `key` and returns its JSON payload.
pub fn decrypt(jwe: &str, key: &SecretKey) -> Result<Map<String, Value>, JweError> {
    let parts: Vec<&str> = jwe.trim().split('.').collect();
    let [protected, encrypted_key, iv, ciphertext, tag] = parts.as_slice() else {
        return Err(err("not a compact JWE (five parts)"));
    };
    if !encrypted_key.is_empty() {
        return Err(err("ECDH-ES has no encrypted key"));
    }
    let b64 = |s: &str, what: &str| {
        URL_SAFE_NO_PAD
            .decode(s)
            .map_err(|_| err(format!("the {what} is not base64url")))
    };
    let header: Value = serde_json::from_slice(&b64(protected, "header")?)
        .map_err(|_| err("the header is not JSON"))?;
    if header.get("alg").and_then(Value::as_str) != Some("ECDH-ES") {
        return Err(err("alg must be ECDH-ES"));
    }
    if header.get("zip").is_some() || header.get("crit").is_some() {
        return Err(err("zip and crit are not accepted"));
    }
    let enc = header.get("enc").and_then(Value::as_str).unwrap_or("");
    let len = key_len(enc)?;
    let epk = from_jwk(header.get("epk").ok_or_else(|| err("no epk"))?)?;
    let shared = p256::ecdh::diffie_hellman(key.to_nonzero_scalar(), epk.as_affine());
    let cek = concat_kdf(
        shared.raw_secret_bytes(),
        enc,
        &header
            .get("apu")
            .and_then(Value::as_str)
            .map(|s| b64(s, "apu"))
            .transpose()?
            .unwrap_or_default(),
        &header
            .get("apv")
            .and_then(Value::as_str)
            .map(|s| b64(s, "apv"))
            .transpose()?
            .unwrap_or_default(),
        len,
    );
    let iv = b64(iv, "iv")?;
    if iv.len() != 12 {
        return Err(err("the iv must be 96 bits"));
    }
    let mut sealed = b64(ciphertext, "ciphertext")?;
    let tag = b64(tag, "tag")?;
    if tag.len() != 16 {
        return Err(err("the tag must be 128 bits"));
    }
    sealed.extend_from_slice(&tag);
    let aad = Payload {
        msg: &sealed,
        aad: protected.as_bytes(),
    };
    let plain = match len {
        16 => Aes128Gcm::new_from_slice(&cek)
            .map_err(|e| err(e.to_string()))?
            .decrypt(Nonce::from_slice(&iv), aad),
        _ => Aes256Gcm::new_from_slice(&cek)
            .map_err(|e| err(e.to_string()))?
            .decrypt(Nonce::from_slice(&iv), aad),
    }
    .map_err(|_| err("decryption failed: not for this request's key, or altered"))?;
    match elicence_core::json::parse_strict(&plain) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(err("the payload is not a JSON object")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() {
        let secret = [7u8; 32];
        let key = request_key(&secret, "req-1");
        let jwk = public_jwk(&key.public_key(), "k1");
        let recipient = from_jwk(&jwk).unwrap();
        let mut payload = Map::new();
        payload.insert("state".into(), json!("s"));
        for enc in ENC_VALUES {
            let jwe = encrypt(&payload, &recipient, Some("k1"), enc).unwrap();
            assert_eq!(decrypt(&jwe, &key).unwrap(), payload);
            // Another request's key cannot open it.
            assert!(decrypt(&jwe, &request_key(&secret, "req-2")).is_err());
            // A flipped ciphertext bit is refused.
            let mut parts: Vec<String> = jwe.split('.').map(str::to_owned).collect();
            let mut ct = URL_SAFE_NO_PAD.decode(&parts[3]).unwrap();
            ct[0] ^= 1;
            parts[3] = URL_SAFE_NO_PAD.encode(ct);
            assert!(decrypt(&parts.join("."), &key).is_err());
        }
        assert!(encrypt(&payload, &recipient, None, "A128CBC-HS256").is_err());
        assert!(decrypt("a.b.c", &key).is_err());
        assert!(from_jwk(&json!({"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"})).is_err());
    }
}
