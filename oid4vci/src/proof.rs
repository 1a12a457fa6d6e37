//! Proofs of possession of the holder's key (OID4VCI Appendix F.1, proof
//! type `jwt`): a JWS with `typ: openid4vci-proof+jwt`, the holder's public
//! key in `jwk`, and claims `aud` (the Credential Issuer Identifier),
//! `iat` and `nonce` (a `c_nonce` from the nonce endpoint). The wallet makes
//! them with [`make_proof`]; the issuer checks them with [`check_proof`]
//! (signature, allowed `alg` never `none`, no `crit`, audience, freshness)
//! and spends the nonce itself.

use elicence_core::keys::{PublicKey, SigningKey};
use elicence_sd_jwt::jws::{self, DEFAULT_ALGORITHMS};
use elicence_sd_jwt::Part;
use serde_json::{Map, Value};

use crate::error::Oid4vciError;

/// The proof JWT's `typ`.
pub const PROOF_TYPE: &str = "openid4vci-proof+jwt";

/// How far in the past a proof's `iat` may be (seconds).
pub const MAX_AGE: i64 = 300;

/// How far in the future a proof's `iat` may be (clock skew, seconds).
pub const MAX_SKEW: i64 = 60;

/// Signs a proof JWT for `audience` (the Credential Issuer Identifier) and
/// `nonce`, with the holder's `key` (its public half in the `jwk` header).
pub fn make_proof(key: &SigningKey, audience: &str, nonce: Option<&str>, iat: i64) -> String {
    let mut header = Map::new();
    header.insert("typ".into(), Value::from(PROOF_TYPE));
    header.insert("jwk".into(), key.public_key().to_jwk());
    let mut claims = Map::new();
    claims.insert("aud".into(), Value::from(audience));
    claims.insert("iat".into(), Value::from(iat));
    if let Some(nonce) = nonce {
        claims.insert("nonce".into(), Value::from(nonce));
    }
    jws::sign(&header, &claims, key)
}

/// A checked proof: the key to bind the credential to, and the nonce the
/// issuer must still spend.
#[derive(Debug, Clone)]
pub struct CheckedProof {
    /// The holder's public key (`cnf.jwk` of the credential).
    pub holder_key: PublicKey,
    /// The `nonce` claim.
    pub nonce: Option<String>,
}

fn invalid(reason: impl Into<String>) -> Oid4vciError {
    Oid4vciError::InvalidProof(reason.into())
}

/// Checks a proof JWT's form, signature, audience and freshness at `now`.
/// The caller checks (and spends) `nonce` against its own store.
pub fn check_proof(jwt: &str, audience: &str, now: i64) -> Result<CheckedProof, Oid4vciError> {
    let decoded = jws::decode(
        jwt.trim(),
        Part::ProofJwt,
        &DEFAULT_ALGORITHMS,
        &[PROOF_TYPE],
    )
    .map_err(|e| invalid(e.to_string()))?;
    if decoded.header.contains_key("x5c")
        || decoded.header.contains_key("kid") && !decoded.header.contains_key("jwk")
    {
        return Err(invalid(
            "the proof must carry the holder's key in `jwk` (kid and x5c are not supported)",
        ));
    }
    let jwk = decoded
        .header
        .get("jwk")
        .ok_or_else(|| invalid("the proof has no `jwk` header"))?;
    if jwk.get("d").is_some() {
        return Err(invalid("the `jwk` header holds a private key"));
    }
    let holder_key =
        PublicKey::from_jwk(jwk).map_err(|e| invalid(format!("the `jwk` header: {e}")))?;
    decoded
        .verify(&holder_key, Part::ProofJwt)
        .map_err(|e| invalid(e.to_string()))?;
    let claims = &decoded.payload;
    let aud_ok = match claims.get("aud") {
        Some(Value::String(a)) => a == audience,
        Some(Value::Array(all)) => all.iter().any(|a| a.as_str() == Some(audience)),
        _ => false,
    };
    if !aud_ok {
        return Err(invalid(format!("the proof's `aud` must be {audience}")));
    }
    let iat = claims
        .get("iat")
        .and_then(Value::as_i64)
        .ok_or_else(|| invalid("the proof has no numeric `iat`"))?;
    if iat < now - MAX_AGE {
        return Err(invalid(format!(
            "the proof is stale: issued more than {MAX_AGE} s ago"
        )));
    }
    if iat > now + MAX_SKEW {
        return Err(invalid("the proof's `iat` is in the future"));
    }
    let nonce = match claims.get("nonce") {
        None => None,
        Some(Value::String(n)) => Some(n.clone()),
        Some(_) => return Err(invalid("the proof's `nonce` must be a string")),
    };
    Ok(CheckedProof { holder_key, nonce })
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    use elicence_core::keys::KeyAlgorithm;
    use rand_core::OsRng;

    const AUD: &str = "http://127.0.0.1:1234";

    #[test]
    fn a_good_proof_passes_for_both_algorithms() {
        for alg in [KeyAlgorithm::P256, KeyAlgorithm::Ed25519] {
            let key = SigningKey::generate(alg, &mut OsRng);
            let jwt = make_proof(&key, AUD, Some("n1"), 1000);
            let p = check_proof(&jwt, AUD, 1010).unwrap();
            assert_eq!(p.holder_key, key.public_key());
            assert_eq!(p.nonce.as_deref(), Some("n1"));
        }
    }

    #[test]
    fn wrong_audience_stale_future_and_alg_none_are_refused() {
        let key = SigningKey::generate(KeyAlgorithm::P256, &mut OsRng);
        let jwt = make_proof(&key, "https://other.example", Some("n"), 1000);
        assert!(check_proof(&jwt, AUD, 1000)
            .unwrap_err()
            .description()
            .contains("aud"));
        let jwt = make_proof(&key, AUD, Some("n"), 1000);
        assert!(check_proof(&jwt, AUD, 1000 + MAX_AGE + 1)
            .unwrap_err()
            .description()
            .contains("stale"));
        assert!(check_proof(&jwt, AUD, 1000 - MAX_SKEW - 1)
            .unwrap_err()
            .description()
            .contains("future"));
        // alg none with the same claims and an empty signature.
        let header =
            serde_json::json!({"alg": "none", "typ": PROOF_TYPE, "jwk": key.public_key().to_jwk()});
        let claims = serde_json::json!({"aud": AUD, "iat": 1000, "nonce": "n"});
        let none = format!(
            "{}.{}.AAAA",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        assert_eq!(
            check_proof(&none, AUD, 1000).unwrap_err().code(),
            "invalid_proof"
        );
        // A signature by another key than the one in `jwk`.
        let other = SigningKey::generate(KeyAlgorithm::P256, &mut OsRng);
        let forged = make_proof(&other, AUD, Some("n"), 1000);
        let (h, rest) = jwt.split_once('.').unwrap();
        let (_, sig) = forged.rsplit_once('.').unwrap();
        let (_, body) = rest.rsplit_once('.').map(|(b, _)| ("", b)).unwrap();
        let mixed = format!("{h}.{body}.{sig}");
        assert!(check_proof(&mixed, AUD, 1000).is_err());
    }
}
