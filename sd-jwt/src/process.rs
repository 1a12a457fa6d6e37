//! Reading an SD-JWT: the compact serialization split into its parts, and the
//! payload rebuilt from the Disclosures present (RFC 9901 §7.1 step 3),
//! refusing every structure the RFC says to refuse. The holder and the
//! verifier run the same code, so a wallet sees exactly what a verifier will.

use std::collections::{HashMap, HashSet};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{Map, Value};

use crate::disclosure::{ClaimPath, Disclosure, Step, RESERVED_NAMES, SD_ALG};
use crate::error::SdJwtError;

/// Nesting deeper than this (JSON plus Disclosures within Disclosures) is refused.
pub const MAX_DEPTH: usize = 64;

/// The parts of a compact SD-JWT or SD-JWT+KB, borrowed from the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compact<'a> {
    /// The Issuer-signed JWT.
    pub jwt: &'a str,
    /// The Disclosures, as they travel.
    pub disclosures: Vec<&'a str>,
    /// The Key Binding JWT, if the text does not end with `~`.
    pub kb_jwt: Option<&'a str>,
    /// `<JWT>~<D1>~…~<Dn>~`: what `sd_hash` covers.
    pub without_kb: &'a str,
}

/// Splits `<JWT>~<D1>~…~<Dn>~[<KB-JWT>]`. Refuses text without `~`, an
/// empty JWT and empty Disclosures (`~~`).
pub fn split(text: &str) -> Result<Compact<'_>, SdJwtError> {
    let text = text.trim();
    let last = text
        .rfind('~')
        .ok_or_else(|| SdJwtError::Malformed("no `~`: not an SD-JWT".into()))?;
    let (without_kb, kb) = text.split_at(last + 1);
    let mut parts: Vec<&str> = without_kb[..last].split('~').collect();
    let jwt = parts.remove(0);
    if jwt.is_empty() {
        return Err(SdJwtError::Malformed(
            "the Issuer-signed JWT is empty".into(),
        ));
    }
    if jwt.split('.').count() != 3 {
        return Err(SdJwtError::Malformed(
            "the first part is not a compact JWS (three dot-separated segments)".into(),
        ));
    }
    if let Some(i) = parts.iter().position(|d| d.is_empty()) {
        return Err(SdJwtError::Malformed(format!(
            "Disclosure #{i} is empty (`~~`)"
        )));
    }
    Ok(Compact {
        jwt,
        disclosures: parts,
        kb_jwt: (!kb.is_empty()).then_some(kb),
        without_kb,
    })
}

/// Reads the payload of a JWS without checking its signature: for a holder
/// looking at what it received, never for trusting it.
pub fn unverified_payload(jwt: &str) -> Result<Map<String, Value>, SdJwtError> {
    let malformed = |reason: &str| SdJwtError::MalformedJws {
        part: crate::error::Part::IssuerJwt,
        reason: reason.to_owned(),
    };
    let payload = jwt
        .split('.')
        .nth(1)
        .ok_or_else(|| malformed("no payload"))?;
    let bytes = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| malformed("the payload is not base64url"))?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(malformed("the payload is not a JSON object")),
    }
}

/// The payload with every present Disclosure put back.
#[derive(Debug, Clone, PartialEq)]
pub struct Processed {
    /// The claims as the holder disclosed them (`_sd`, `_sd_alg` and
    /// undisclosed array elements removed).
    pub claims: Map<String, Value>,
    /// Each Disclosure's place: `(path, index in the input)`, in the order met.
    pub disclosed: Vec<(ClaimPath, usize)>,
    /// For each Disclosure, the Disclosure whose value referenced it (none:
    /// the signed payload did). A holder disclosing a claim must disclose
    /// these parents too.
    pub parents: Vec<Option<usize>>,
}

/// Decodes `encoded` Disclosures and rebuilds `payload` from them: digests
/// must each appear once, every Disclosure must be used, names must not be
/// reserved or overwrite a claim, and each kind must fit where it is used.
pub fn process(
    payload: &Map<String, Value>,
    encoded: &[&str],
) -> Result<(Processed, Vec<Disclosure>), SdJwtError> {
    match payload.get("_sd_alg") {
        None => {}
        Some(Value::String(a)) if a == SD_ALG => {}
        Some(other) => {
            return Err(SdJwtError::UnsupportedHashAlgorithm(
                other
                    .as_str()
                    .map_or_else(|| other.to_string(), str::to_owned),
            ))
        }
    }
    let mut disclosures = Vec::with_capacity(encoded.len());
    let mut by_digest = HashMap::with_capacity(encoded.len());
    for (index, text) in encoded.iter().enumerate() {
        let d = Disclosure::parse(text, index)?;
        if by_digest.insert(d.digest.clone(), index).is_some() {
            return Err(SdJwtError::DuplicateDisclosure {
                index,
                digest: d.digest,
            });
        }
        disclosures.push(d);
    }
    let mut walker = Walker {
        disclosures: &disclosures,
        by_digest,
        seen: HashSet::new(),
        used: vec![false; disclosures.len()],
        disclosed: Vec::new(),
        parents: vec![None; disclosures.len()],
    };
    let mut claims = walker.object(payload, &mut Vec::new(), None, 0)?;
    claims.remove("_sd_alg");
    if let Some(index) = walker.used.iter().position(|u| !u) {
        return Err(SdJwtError::UnusedDisclosure {
            index,
            digest: disclosures[index].digest.clone(),
        });
    }
    let processed = Processed {
        claims,
        disclosed: walker.disclosed,
        parents: walker.parents,
    };
    Ok((processed, disclosures))
}

struct Walker<'a> {
    disclosures: &'a [Disclosure],
    by_digest: HashMap<String, usize>,
    seen: HashSet<String>,
    used: Vec<bool>,
    disclosed: Vec<(ClaimPath, usize)>,
    parents: Vec<Option<usize>>,
}

fn too_deep() -> SdJwtError {
    SdJwtError::MalformedPayload(format!("nested deeper than {MAX_DEPTH} levels"))
}

impl Walker<'_> {
    fn value(
        &mut self,
        value: &Value,
        path: &mut Vec<Step>,
        parent: Option<usize>,
        depth: usize,
    ) -> Result<Value, SdJwtError> {
        match value {
            Value::Object(map) => Ok(Value::Object(self.object(map, path, parent, depth)?)),
            Value::Array(items) => Ok(Value::Array(self.array(items, path, parent, depth)?)),
            other => Ok(other.clone()),
        }
    }

    /// Marks `digest` as met; a second meeting is a collision.
    fn meet(&mut self, digest: &str) -> Result<Option<usize>, SdJwtError> {
        if !self.seen.insert(digest.to_owned()) {
            return Err(SdJwtError::DigestCollision(digest.to_owned()));
        }
        Ok(self.by_digest.get(digest).copied())
    }

    fn object(
        &mut self,
        map: &Map<String, Value>,
        path: &mut Vec<Step>,
        parent: Option<usize>,
        depth: usize,
    ) -> Result<Map<String, Value>, SdJwtError> {
        if depth > MAX_DEPTH {
            return Err(too_deep());
        }
        let mut out = Map::with_capacity(map.len());
        for (name, member) in map {
            if name == "_sd" {
                continue;
            }
            if name == "..." {
                return Err(SdJwtError::MalformedPayload(
                    "`...` is only allowed as the single key of an array element".into(),
                ));
            }
            path.push(Step::Key(name.clone()));
            let v = self.value(member, path, parent, depth + 1)?;
            path.pop();
            out.insert(name.clone(), v);
        }
        let Some(sd) = map.get("_sd") else {
            return Ok(out);
        };
        let Value::Array(digests) = sd else {
            return Err(SdJwtError::MalformedPayload("`_sd` is not an array".into()));
        };
        for digest in digests {
            let Value::String(digest) = digest else {
                return Err(SdJwtError::MalformedPayload(
                    "`_sd` holds something other than digest strings".into(),
                ));
            };
            let Some(index) = self.meet(digest)? else {
                continue; // a decoy, or a claim the holder did not disclose
            };
            let d = &self.disclosures[index];
            let Some(name) = &d.name else {
                return Err(SdJwtError::DisclosureKindMismatch {
                    digest: digest.clone(),
                    expected: "an object property",
                    found: "an array element",
                });
            };
            if RESERVED_NAMES.contains(&name.as_str()) {
                return Err(SdJwtError::ReservedClaimName(name.clone()));
            }
            if out.contains_key(name) {
                return Err(SdJwtError::ClaimOverwrite(name.clone()));
            }
            self.used[index] = true;
            self.parents[index] = parent;
            path.push(Step::Key(name.clone()));
            self.disclosed.push((ClaimPath(path.clone()), index));
            let v = self.value(&d.value, path, Some(index), depth + 1)?;
            path.pop();
            out.insert(name.clone(), v);
        }
        Ok(out)
    }

    fn array(
        &mut self,
        items: &[Value],
        path: &mut Vec<Step>,
        parent: Option<usize>,
        depth: usize,
    ) -> Result<Vec<Value>, SdJwtError> {
        if depth > MAX_DEPTH {
            return Err(too_deep());
        }
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let digest = match item {
                Value::Object(m) if m.contains_key("...") => match (m.len(), m.get("...")) {
                    (1, Some(Value::String(d))) => Some(d),
                    _ => {
                        return Err(SdJwtError::MalformedPayload(
                            "an array element with `...` must be exactly {\"...\": digest}".into(),
                        ))
                    }
                },
                _ => None,
            };
            match digest {
                Some(digest) => {
                    let Some(index) = self.meet(digest)? else {
                        continue; // a decoy, or an element the holder withheld
                    };
                    let d = &self.disclosures[index];
                    if d.name.is_some() {
                        return Err(SdJwtError::DisclosureKindMismatch {
                            digest: digest.clone(),
                            expected: "an array element",
                            found: "an object property",
                        });
                    }
                    self.used[index] = true;
                    self.parents[index] = parent;
                    path.push(Step::Index(out.len()));
                    self.disclosed.push((ClaimPath(path.clone()), index));
                    let v = self.value(&d.value, path, Some(index), depth + 1)?;
                    path.pop();
                    out.push(v);
                }
                None => {
                    path.push(Step::Index(out.len()));
                    let v = self.value(item, path, parent, depth + 1)?;
                    path.pop();
                    out.push(v);
                }
            }
        }
        Ok(out)
    }
}
