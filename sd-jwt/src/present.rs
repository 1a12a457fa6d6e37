//! Presentation (RFC 9901 §4.3, §5): the holder keeps the Disclosures it
//! chooses (and every Disclosure those sit inside), and may append a Key
//! Binding JWT over the verifier's nonce and audience.

use elicence_core::keys::SigningKey;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::disclosure::{sha256_b64, ClaimPath};
use crate::error::SdJwtError;
use crate::jws;
use crate::process;
use crate::verify::{holder_key, inspect, Inspected, KB_JWT_TYPE};

/// What the verifier asked the holder to sign over.
#[derive(Debug, Clone)]
pub struct KeyBindingRequest<'a> {
    /// The holder's private key: the one in the credential's `cnf.jwk`.
    pub key: &'a SigningKey,
    /// The verifier's nonce.
    pub nonce: &'a str,
    /// The verifier (`aud`).
    pub audience: &'a str,
    /// When the holder signs.
    pub issued_at: OffsetDateTime,
}

/// Makes a presentation of the issued SD-JWT `issued`: the Disclosures of
/// the claims `keep` selects (by their path in the fully disclosed view, see
/// [`crate::disclosure::Step::Index`]) plus their parents, in their issued
/// order, then the KB-JWT when `key_binding` is given (its key must be the
/// credential's `cnf.jwk`). Returns the compact text.
pub fn present(
    issued: &str,
    keep: &dyn Fn(&ClaimPath) -> bool,
    key_binding: Option<&KeyBindingRequest<'_>>,
) -> Result<String, SdJwtError> {
    let compact = process::split(issued)?;
    if compact.kb_jwt.is_some() {
        return Err(SdJwtError::Request(
            "this is already a presentation (it ends with a KB-JWT): present the issued SD-JWT"
                .into(),
        ));
    }
    let Inspected {
        payload,
        processed,
        disclosures,
    } = inspect(issued)?;
    let mut chosen = vec![false; disclosures.len()];
    for (path, index) in &processed.disclosed {
        if keep(path) {
            let mut at = Some(*index);
            while let Some(i) = at {
                chosen[i] = true;
                at = processed.parents[i];
            }
        }
    }
    let mut out = String::with_capacity(issued.len() + 512);
    out.push_str(compact.jwt);
    out.push('~');
    for (d, keep) in disclosures.iter().zip(&chosen) {
        if *keep {
            out.push_str(&d.encoded);
            out.push('~');
        }
    }
    if let Some(kb) = key_binding {
        let holder = holder_key(&payload)?;
        if holder != kb.key.public_key() {
            return Err(SdJwtError::HolderKeyMismatch);
        }
        let mut header = Map::new();
        header.insert("typ".into(), Value::from(KB_JWT_TYPE));
        let mut claims = Map::new();
        claims.insert("iat".into(), Value::from(kb.issued_at.unix_timestamp()));
        claims.insert("aud".into(), Value::from(kb.audience));
        claims.insert("nonce".into(), Value::from(kb.nonce));
        claims.insert("sd_hash".into(), Value::from(sha256_b64(&out)));
        out.push_str(&jws::sign(&header, &claims, kb.key));
    }
    Ok(out)
}
