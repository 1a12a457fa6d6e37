//! Disclosures (RFC 9901 §4.2): `BASE64URL(JSON([salt, name, value]))` for
//! an object property, `BASE64URL(JSON([salt, value]))` for an array
//! element, and their digests `BASE64URL(SHA-256(ASCII(disclosure)))`; plus
//! the claim paths that say where each one goes.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::Value;
use sha2::{Digest as _, Sha256};

use crate::error::SdJwtError;

/// The only `_sd_alg` this crate writes and reads.
pub const SD_ALG: &str = "sha-256";

/// Claim names an SD-JWT reserves: never a disclosed (or issued) claim name.
pub const RESERVED_NAMES: [&str; 2] = ["_sd", "..."];

/// `BASE64URL(SHA-256(text))`: the digest of a Disclosure, and `sd_hash`.
pub fn sha256_b64(text: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(text.as_bytes()))
}

/// One Disclosure, as issued or as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disclosure {
    /// The base64url text exactly as it travels (digests are over these bytes).
    pub encoded: String,
    /// The salt.
    pub salt: String,
    /// The claim name, for an object property; `None` for an array element.
    pub name: Option<String>,
    /// The disclosed value (may itself hold `_sd` digests).
    pub value: Value,
    /// `BASE64URL(SHA-256(encoded))`.
    pub digest: String,
}

impl Disclosure {
    /// Makes a Disclosure from its parts.
    pub fn new(salt: String, name: Option<String>, value: Value) -> Disclosure {
        let array = match &name {
            Some(n) => Value::Array(vec![
                Value::String(salt.clone()),
                Value::String(n.clone()),
                value.clone(),
            ]),
            None => Value::Array(vec![Value::String(salt.clone()), value.clone()]),
        };
        // A JSON array of JSON values always serialises.
        let json = serde_json::to_vec(&array).unwrap_or_default();
        let encoded = URL_SAFE_NO_PAD.encode(json);
        let digest = sha256_b64(&encoded);
        Disclosure {
            encoded,
            salt,
            name,
            value,
            digest,
        }
    }

    /// Decodes a received Disclosure (`index` is its position, for errors).
    pub fn parse(encoded: &str, index: usize) -> Result<Disclosure, SdJwtError> {
        let bad = |reason: &str| SdJwtError::MalformedDisclosure {
            index,
            reason: reason.to_owned(),
        };
        let bytes = URL_SAFE_NO_PAD
            .decode(encoded)
            .map_err(|_| bad("not base64url (no padding)"))?;
        let Value::Array(mut items) =
            serde_json::from_slice(&bytes).map_err(|_| bad("not JSON"))?
        else {
            return Err(bad("not a JSON array"));
        };
        let (salt, name, value) = match items.len() {
            3 => {
                let value = items.pop().unwrap_or(Value::Null);
                let name = match items.pop() {
                    Some(Value::String(n)) => n,
                    _ => return Err(bad("the claim name is not a string")),
                };
                (items.pop(), Some(name), value)
            }
            2 => {
                let value = items.pop().unwrap_or(Value::Null);
                (items.pop(), None, value)
            }
            _ => {
                return Err(bad(
                    "expected [salt, name, value] or [salt, value] (an array of 2 or 3)",
                ))
            }
        };
        let salt = match salt {
            Some(Value::String(s)) if !s.is_empty() => s,
            _ => return Err(bad("the salt is not a non-empty string")),
        };
        Ok(Disclosure {
            encoded: encoded.to_owned(),
            salt,
            name,
            value,
            digest: sha256_b64(encoded),
        })
    }
}

/// A fresh salt: 128 bits from the caller's RNG, base64url (RFC 9901 §9.3).
pub fn salt(rng: &mut impl rand_core::CryptoRngCore) -> String {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// One step of a [`ClaimPath`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    /// An object member.
    Key(String),
    /// An array element, counted among the elements a reader sees when every
    /// Disclosure is present (decoys are not counted).
    Index(usize),
}

/// Where a claim sits in the processed payload, e.g. `licensee.juristicPersonId`
/// or `permittedActivities[1]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ClaimPath(pub Vec<Step>);

impl ClaimPath {
    /// A path of object keys only.
    pub fn keys(keys: &[&str]) -> ClaimPath {
        ClaimPath(keys.iter().map(|k| Step::Key((*k).to_owned())).collect())
    }

    /// Whether `self` starts with `prefix`.
    pub fn starts_with(&self, prefix: &ClaimPath) -> bool {
        self.0.starts_with(&prefix.0)
    }

    /// The path in the SD-JWT VC Type Metadata form (`["a", null]`), with
    /// every array index written `null` (all elements).
    pub fn to_metadata_path(&self) -> Value {
        Value::Array(
            self.0
                .iter()
                .map(|s| match s {
                    Step::Key(k) => Value::String(k.clone()),
                    Step::Index(_) => Value::Null,
                })
                .collect(),
        )
    }
}

impl fmt::Display for ClaimPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                Step::Key(k) if i == 0 => write!(f, "{k}")?,
                Step::Key(k) => write!(f, ".{k}")?,
                Step::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// One step of a [`Pattern`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatternStep {
    /// This object member.
    Key(String),
    /// Every element of the array.
    AnyElement,
}

/// Which claims an issuer makes selectively disclosable: each pattern names
/// a member (`["licensee", "juristicPersonId"]`) or every element of an
/// array (`["permittedActivities", *]`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pattern(pub Vec<PatternStep>);

impl Pattern {
    /// A pattern of object keys only.
    pub fn keys(keys: &[&str]) -> Pattern {
        Pattern(
            keys.iter()
                .map(|k| PatternStep::Key((*k).to_owned()))
                .collect(),
        )
    }

    /// `keys` followed by "every element".
    pub fn elements(keys: &[&str]) -> Pattern {
        let mut p = Pattern::keys(keys);
        p.0.push(PatternStep::AnyElement);
        p
    }

    pub(crate) fn matches(&self, path: &[PatternStep]) -> bool {
        self.0 == path
    }
}
