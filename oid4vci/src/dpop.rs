//! DPoP (RFC 9449), as HAIP asks: the wallet proves possession of a key at
//! the token endpoint, the access token is bound to that key's JWK
//! thumbprint (RFC 7638), and every use of the token at the credential
//! endpoint carries a fresh proof with the token's hash (`ath`). A stolen
//! access token is then useless without the wallet's key.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use elicence_core::keys::{PublicKey, SigningKey};
use elicence_sd_jwt::jws::{self, DEFAULT_ALGORITHMS};
use elicence_sd_jwt::Part;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::error::Oid4vciError;

/// The DPoP proof JWT's `typ`.
pub const DPOP_TYPE: &str = "dpop+jwt";

/// How far in the past a DPoP proof's `iat` may be (seconds).
pub const MAX_AGE: i64 = 300;

/// How far in the future (clock skew, seconds).
pub const MAX_SKEW: i64 = 60;

/// The RFC 7638 JWK SHA-256 thumbprint of `key`, base64url: what a
/// DPoP-bound token is bound to (`cnf.jkt`).
pub fn jwk_thumbprint(key: &PublicKey) -> String {
    let jwk = key.to_jwk();
    // The required members, in lexicographic order, no whitespace.
    let members: &[&str] = match jwk.get("kty").and_then(Value::as_str) {
        Some("EC") => &["crv", "kty", "x", "y"],
        _ => &["crv", "kty", "x"],
    };
    let mut canonical = String::from("{");
    for (i, name) in members.iter().enumerate() {
        if i > 0 {
            canonical.push(',');
        }
        let value = jwk.get(*name).and_then(Value::as_str).unwrap_or_default();
        canonical.push_str(&format!("\"{name}\":{}", Value::from(value)));
    }
    canonical.push('}');
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

/// `ath`: base64url SHA-256 of the access token.
pub fn access_token_hash(access_token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(access_token.as_bytes()))
}

/// Signs a DPoP proof for `method` `url` (and `access_token`, at a resource).
pub fn make_dpop(
    key: &SigningKey,
    method: &str,
    url: &str,
    access_token: Option<&str>,
    iat: i64,
    jti: &str,
) -> String {
    let mut header = Map::new();
    header.insert("typ".into(), Value::from(DPOP_TYPE));
    header.insert("jwk".into(), key.public_key().to_jwk());
    let mut claims = Map::new();
    claims.insert("htm".into(), Value::from(method));
    claims.insert("htu".into(), Value::from(url));
    claims.insert("iat".into(), Value::from(iat));
    claims.insert("jti".into(), Value::from(jti));
    if let Some(token) = access_token {
        claims.insert("ath".into(), Value::from(access_token_hash(token)));
    }
    jws::sign(&header, &claims, key)
}

/// A checked DPoP proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedDpop {
    /// The key's thumbprint.
    pub jkt: String,
    /// The proof's unique id, for replay detection.
    pub jti: String,
}

fn invalid(reason: impl Into<String>) -> Oid4vciError {
    Oid4vciError::InvalidDpopProof(reason.into())
}

/// `htu` without query and fragment (RFC 9449 §4.3, step 9).
fn strip_query(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

/// Checks a DPoP proof for `method` `url` at `now`: form, signature, `htm`,
/// `htu`, freshness, `jti`, and `ath` when `access_token` is given. The
/// caller checks `jti` against replays and `jkt` against the token.
pub fn check_dpop(
    proof: &str,
    method: &str,
    url: &str,
    access_token: Option<&str>,
    now: i64,
) -> Result<CheckedDpop, Oid4vciError> {
    let decoded = jws::decode(
        proof.trim(),
        Part::ProofJwt,
        &DEFAULT_ALGORITHMS,
        &[DPOP_TYPE],
    )
    .map_err(|e| invalid(e.to_string().replace("proof JWT", "DPoP proof")))?;
    let jwk = decoded
        .header
        .get("jwk")
        .ok_or_else(|| invalid("the DPoP proof has no `jwk` header"))?;
    if jwk.get("d").is_some() {
        return Err(invalid("the `jwk` header holds a private key"));
    }
    let key = PublicKey::from_jwk(jwk).map_err(|e| invalid(format!("the `jwk` header: {e}")))?;
    decoded
        .verify(&key, Part::ProofJwt)
        .map_err(|e| invalid(e.to_string().replace("proof JWT", "DPoP proof")))?;
    let claims = &decoded.payload;
    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    if text("htm") != Some(method) {
        return Err(invalid(format!("`htm` must be {method}")));
    }
    if text("htu").map(strip_query) != Some(strip_query(url)) {
        return Err(invalid(format!("`htu` must be {url}")));
    }
    let iat = claims
        .get("iat")
        .and_then(Value::as_i64)
        .ok_or_else(|| invalid("no numeric `iat`"))?;
    if iat < now - MAX_AGE || iat > now + MAX_SKEW {
        return Err(invalid("the DPoP proof is not fresh (`iat`)"));
    }
    let jti = text("jti")
        .filter(|j| !j.is_empty() && j.len() <= 256)
        .ok_or_else(|| invalid("no `jti` (1-256 characters)"))?
        .to_owned();
    if let Some(token) = access_token {
        if text("ath") != Some(access_token_hash(token).as_str()) {
            return Err(invalid("`ath` is not the hash of the access token"));
        }
    }
    Ok(CheckedDpop {
        jkt: jwk_thumbprint(&key),
        jti,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use elicence_core::keys::KeyAlgorithm;
    use rand_core::OsRng;

    const URL: &str = "https://i.example/oid4vci/token";

    #[test]
    fn rfc7638_thumbprint_of_the_rfc_example_shape() {
        // RFC 7638 §3.1's member order and no whitespace, checked on a P-256 key
        // against a hand-built canonical form.
        let key = SigningKey::generate(KeyAlgorithm::P256, &mut OsRng).public_key();
        let jwk = key.to_jwk();
        let canonical = format!(
            r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#,
            jwk["x"].as_str().unwrap(),
            jwk["y"].as_str().unwrap()
        );
        assert_eq!(
            jwk_thumbprint(&key),
            URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
        );
    }

    #[test]
    fn a_good_proof_passes_and_each_field_is_checked() {
        let key = SigningKey::generate(KeyAlgorithm::P256, &mut OsRng);
        let p = make_dpop(&key, "POST", URL, None, 100, "j1");
        let c = check_dpop(&p, "POST", URL, None, 110).unwrap();
        assert_eq!(c.jkt, jwk_thumbprint(&key.public_key()));
        assert_eq!(c.jti, "j1");
        assert!(check_dpop(&p, "GET", URL, None, 110).is_err());
        assert!(check_dpop(
            &p,
            "POST",
            "https://i.example/oid4vci/credential",
            None,
            110
        )
        .is_err());
        assert!(check_dpop(&p, "POST", URL, None, 100 + MAX_AGE + 1).is_err());
        // At a resource: `ath` must match the token.
        let p = make_dpop(&key, "POST", URL, Some("tok"), 100, "j2");
        assert!(check_dpop(&p, "POST", URL, Some("tok"), 100).is_ok());
        let e = check_dpop(&p, "POST", URL, Some("other"), 100).unwrap_err();
        assert_eq!(e.code(), "invalid_dpop_proof");
    }
}
