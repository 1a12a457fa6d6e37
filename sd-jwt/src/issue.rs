//! Issuance (RFC 9901 §4): the issuer turns a claims object into a signed
//! payload whose selectively disclosable claims are replaced by salted
//! digests, and hands the holder the Disclosures beside it.

use serde_json::{Map, Value};

use elicence_core::keys::Signer;

use crate::disclosure::{
    salt, sha256_b64, Disclosure, Pattern, PatternStep, RESERVED_NAMES, SD_ALG,
};
use crate::error::SdJwtError;
use crate::jws;

/// An issued SD-JWT: the Issuer-signed JWT and every Disclosure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdJwt {
    /// The Issuer-signed JWT (compact JWS).
    pub jwt: String,
    /// The Disclosures, in the order they are serialised.
    pub disclosures: Vec<Disclosure>,
}

impl SdJwt {
    /// The compact serialization `<JWT>~<D1>~…~<Dn>~` (RFC 9901 §4): what
    /// the issuer hands to the holder.
    pub fn serialize(&self) -> String {
        let mut out = String::with_capacity(
            self.jwt.len()
                + self
                    .disclosures
                    .iter()
                    .map(|d| d.encoded.len() + 1)
                    .sum::<usize>()
                + 1,
        );
        out.push_str(&self.jwt);
        out.push('~');
        for d in &self.disclosures {
            out.push_str(&d.encoded);
            out.push('~');
        }
        out
    }
}

/// How to issue: which claims become disclosable and how many decoys to add.
#[derive(Debug, Clone, Default)]
pub struct IssueOptions {
    /// The claims to make selectively disclosable.
    pub disclosable: Vec<Pattern>,
    /// Decoy digests added to every `_sd` array and every array with
    /// disclosable elements, so a reader cannot count what was withheld.
    pub decoys: usize,
    /// The JWT `typ` header (`dc+sd-jwt` for SD-JWT VCs).
    pub typ: String,
    /// The JWT `kid` header: the key's id, as the verifier resolves it.
    pub kid: Option<String>,
}

/// Issues `claims` as an SD-JWT signed by `key`. `_sd_alg` is `sha-256`.
/// Claim names `_sd` and `...` are refused in the input; a pattern that
/// matches nothing is fine (an optional claim that is absent).
pub fn issue(
    claims: &Map<String, Value>,
    options: &IssueOptions,
    key: &(impl Signer + ?Sized),
    rng: &mut impl rand_core::CryptoRngCore,
) -> Result<SdJwt, SdJwtError> {
    if claims.contains_key("_sd_alg") {
        return Err(SdJwtError::Request(
            "the claims must not contain `_sd_alg`: the issuer sets it".into(),
        ));
    }
    let mut disclosures = Vec::new();
    let mut here = Vec::new();
    let mut concealer = Concealer {
        options,
        rng,
        disclosures: &mut disclosures,
    };
    let Value::Object(mut payload) =
        concealer.conceal(&Value::Object(claims.clone()), &mut here)?
    else {
        return Err(SdJwtError::Request("the claims must be an object".into()));
    };
    payload.insert("_sd_alg".into(), Value::from(SD_ALG));
    let mut header = Map::new();
    header.insert("typ".into(), Value::from(options.typ.clone()));
    if let Some(kid) = &options.kid {
        header.insert("kid".into(), Value::from(kid.clone()));
    }
    Ok(SdJwt {
        jwt: jws::try_sign(&header, &payload, key).map_err(SdJwtError::Signing)?,
        disclosures,
    })
}

struct Concealer<'a, R> {
    options: &'a IssueOptions,
    rng: &'a mut R,
    disclosures: &'a mut Vec<Disclosure>,
}

impl<R: rand_core::CryptoRngCore> Concealer<'_, R> {
    fn disclosable(&self, here: &[PatternStep]) -> bool {
        self.options.disclosable.iter().any(|p| p.matches(here))
    }

    fn decoy(&mut self) -> String {
        sha256_b64(&salt(self.rng))
    }

    fn conceal(&mut self, value: &Value, here: &mut Vec<PatternStep>) -> Result<Value, SdJwtError> {
        match value {
            Value::Object(map) => {
                let mut out = Map::with_capacity(map.len());
                let mut digests = Vec::new();
                for (name, member) in map {
                    if RESERVED_NAMES.contains(&name.as_str()) {
                        return Err(SdJwtError::ReservedClaimName(name.clone()));
                    }
                    here.push(PatternStep::Key(name.clone()));
                    let inner = self.conceal(member, here)?;
                    if self.disclosable(here) {
                        let d = Disclosure::new(salt(self.rng), Some(name.clone()), inner);
                        digests.push(d.digest.clone());
                        self.disclosures.push(d);
                    } else {
                        out.insert(name.clone(), inner);
                    }
                    here.pop();
                }
                if !digests.is_empty() {
                    for _ in 0..self.options.decoys {
                        let decoy = self.decoy();
                        digests.push(decoy);
                    }
                    // Sorted, so the digests' order says nothing about the claims'.
                    digests.sort_unstable();
                    out.insert(
                        "_sd".into(),
                        Value::Array(digests.into_iter().map(Value::String).collect()),
                    );
                }
                Ok(Value::Object(out))
            }
            Value::Array(items) => {
                here.push(PatternStep::AnyElement);
                let disclosable = self.disclosable(here);
                let mut out = Vec::with_capacity(items.len() + self.options.decoys);
                for item in items {
                    let inner = self.conceal(item, here)?;
                    if disclosable {
                        let d = Disclosure::new(salt(self.rng), None, inner);
                        out.push(element_digest(d.digest.clone()));
                        self.disclosures.push(d);
                    } else {
                        out.push(inner);
                    }
                }
                here.pop();
                if disclosable {
                    for _ in 0..self.options.decoys {
                        let at = (self.rng.next_u32() as usize) % (out.len() + 1);
                        let decoy = self.decoy();
                        out.insert(at, element_digest(decoy));
                    }
                }
                Ok(Value::Array(out))
            }
            other => Ok(other.clone()),
        }
    }
}

fn element_digest(digest: String) -> Value {
    let mut m = Map::with_capacity(1);
    m.insert("...".into(), Value::String(digest));
    Value::Object(m)
}
