//! W3C Data Integrity 1.0 proofs (`DataIntegrityProof`) with the
//! `eddsa-jcs-2022`, `ecdsa-jcs-2019`, `eddsa-rdfc-2022` and
//! `ecdsa-rdfc-2019` cryptosuites, including proof sets and proof chains
//! (`previousProof`).
//!
//! What is signed: `hash(C(proofConfig)) || hash(C(document))` where `C` is
//! JCS or (RDFC suites) JSON-LD toRdf over pinned contexts then RDFC-1.0,
//! `proofConfig` is the proof without `proofValue` but with the document's
//! `@context`, and `document` is the credential without `proof` (or, for a
//! chained proof, with only the proofs it references). See `docs/proofs.md`.

mod base58;
mod datetime;
mod engine;
mod error;
mod suite;

use serde_json::{Map, Value};

pub use engine::{ProofEngine, ShippedContexts, SigningInput, DATA_INTEGRITY_V2_CONTEXT};
pub use error::ProofError;
pub use suite::{Canonicalization, Cryptosuite, HashAlgorithm};

use crate::did::KeyResolver;
use crate::keys::Signer;

/// The only proof `type` of Data Integrity 1.0 suites.
pub const DATA_INTEGRITY_PROOF: &str = "DataIntegrityProof";

/// What the signer states in the proof, besides the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofOptions {
    /// The key's DID URL, e.g. `did:web:dbd.go.th#z6Mk…`.
    pub verification_method: String,
    /// Creation time (XML Schema dateTime). Core has no clock: pass "now".
    pub created: String,
    /// Why the proof was made; `assertionMethod` for issued credentials.
    pub proof_purpose: String,
    /// Optional expiry (XML Schema dateTime) of the proof itself.
    pub expires: Option<String>,
    /// Optional challenge, against replay of presentations.
    pub challenge: Option<String>,
    /// Optional domain the proof is bound to.
    pub domain: Option<String>,
    /// Optional proof id (a URL), needed for others to chain onto this proof.
    pub id: Option<String>,
    /// Ids of existing proofs this proof endorses (a proof chain); empty for
    /// a plain proof or a proof set.
    pub previous_proof: Vec<String>,
}

impl ProofOptions {
    /// Options for an `assertionMethod` proof with no optional members.
    pub fn new(verification_method: impl Into<String>, created: impl Into<String>) -> Self {
        ProofOptions {
            verification_method: verification_method.into(),
            created: created.into(),
            proof_purpose: crate::did::ASSERTION_METHOD.to_string(),
            expires: None,
            challenge: None,
            domain: None,
            id: None,
            previous_proof: Vec::new(),
        }
    }
}

/// One proof that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedProof {
    /// The proof's cryptosuite.
    pub suite: Cryptosuite,
    /// The verification method that signed.
    pub verification_method: String,
    /// The DID controlling that key: whom the verifier must decide to trust.
    pub controller: String,
    /// The proof's `created`, if stated.
    pub created: Option<String>,
    /// The proof purpose.
    pub purpose: String,
}

fn malformed(field: &'static str, reason: impl Into<String>) -> ProofError {
    ProofError::MalformedProof {
        field,
        reason: reason.into(),
    }
}

fn check_datetime(field: &'static str, value: &str) -> Result<(), ProofError> {
    datetime::parse(value)
        .map(|_| ())
        .ok_or_else(|| malformed(field, format!("`{value}` is not an XML Schema dateTime")))
}

/// The existing proofs of a document, as a list (object → one proof).
fn existing_proofs(doc: &Map<String, Value>) -> Result<Vec<&Value>, ProofError> {
    match doc.get("proof") {
        None => Ok(Vec::new()),
        Some(p @ Value::Object(_)) => Ok(vec![p]),
        Some(Value::Array(items)) if items.iter().all(Value::is_object) => {
            Ok(items.iter().collect())
        }
        Some(_) => Err(ProofError::MalformedDocument(
            "`proof` must be an object or an array of objects".into(),
        )),
    }
}

/// The proofs a chained proof endorses (Data Integrity §4.5), as the
/// `proof` array of the document it covers; `None` for a plain proof.
fn chained_proofs(all_proofs: &[&Value], previous: &[String]) -> Result<Option<Value>, ProofError> {
    if previous.is_empty() {
        return Ok(None);
    }
    let mut matching = Vec::with_capacity(previous.len());
    for id in previous {
        let found = all_proofs
            .iter()
            .find(|p| p.get("id").and_then(Value::as_str) == Some(id.as_str()))
            .ok_or_else(|| ProofError::MissingPreviousProof(id.clone()))?;
        matching.push((*found).clone());
    }
    Ok(Some(Value::Array(matching)))
}

/// The top-level entries of the document a proof covers: `doc` without
/// `proof`, its `@context` replaced by `context` when given, and, for a
/// chained proof, `proof` holding exactly the `chained` proofs. Borrowed
/// from `doc`: RDFC suites canonicalize them without copying the document
/// (JCS suites build the object with [`entries_object`]).
fn covered_entries<'a>(
    doc: &'a Map<String, Value>,
    context: Option<&'a Value>,
    chained: Option<&'a Value>,
) -> Vec<(&'a str, &'a Value)> {
    let mut entries: Vec<(&str, &Value)> = Vec::with_capacity(doc.len() + 1);
    if let (Some(context), false) = (context, doc.contains_key("@context")) {
        entries.push(("@context", context));
    }
    for (key, value) in doc {
        match key.as_str() {
            "proof" => {}
            "@context" => entries.push(("@context", context.unwrap_or(value))),
            key => entries.push((key, value)),
        }
    }
    if let Some(chained) = chained {
        entries.push(("proof", chained));
    }
    entries
}

/// The JSON object made of `entries`.
fn entries_object(entries: &[(&str, &Value)]) -> Value {
    Value::Object(
        entries
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).clone()))
            .collect(),
    )
}

/// Adds a Data Integrity proof to `unsecured` (W3C "Add Proof") with the
/// shared [`ProofEngine::shipped`] engine (RDFC suites use the shipped
/// contexts only). If the document already has proofs, the result is a
/// proof set (an array); with `options.previous_proof` it is a proof chain.
pub fn sign(
    unsecured: &Value,
    suite: Cryptosuite,
    key: &(impl Signer + ?Sized),
    options: &ProofOptions,
) -> Result<Value, ProofError> {
    ProofEngine::shipped().sign(unsecured, suite, key, options)
}

/// The `@context` as a list (a single string or object counts as one entry).
fn context_list(context: &Value) -> &[Value] {
    match context {
        Value::Array(items) => items,
        other => std::slice::from_ref(other),
    }
}

/// Verifies every proof on `secured` (W3C "Verify Proof" for each member of a
/// proof set or chain) with the shared [`ProofEngine::shipped`] engine. All
/// must verify; the first failure is returned. `expected_purpose` is
/// normally `assertionMethod`. `now` (XML Schema dateTime) enables the
/// `expires` check; core has no clock of its own.
pub fn verify(
    secured: &Value,
    resolver: &dyn KeyResolver,
    expected_purpose: &str,
    now: Option<&str>,
) -> Result<Vec<VerifiedProof>, ProofError> {
    ProofEngine::shipped().verify(secured, resolver, expected_purpose, now)
}

/// Checks that `secured` says in its JSON exactly what its JSON-LD means,
/// with the shared engine ([`ProofEngine::check_spelling`]).
pub fn check_spelling(secured: &Value) -> Result<(), ProofError> {
    ProofEngine::shipped().check_spelling(secured)
}

fn string_member<'a>(
    proof: &'a Map<String, Value>,
    field: &'static str,
) -> Result<&'a str, ProofError> {
    match proof.get(field) {
        None => Err(malformed(field, "is missing")),
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        Some(_) => Err(malformed(field, "must be a non-empty string")),
    }
}

fn optional_string<'a>(
    proof: &'a Map<String, Value>,
    field: &'static str,
) -> Result<Option<&'a str>, ProofError> {
    match proof.get(field) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(malformed(field, "must be a string")),
    }
}

fn previous_proof_ids(proof: &Map<String, Value>) -> Result<Vec<String>, ProofError> {
    match proof.get("previousProof") {
        None => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| malformed("previousProof", "must contain only strings"))
            })
            .collect(),
        Some(_) => Err(malformed(
            "previousProof",
            "must be a string or an array of strings",
        )),
    }
}
