//! W3C Data Integrity 1.0 proofs (`DataIntegrityProof`) with the
//! `eddsa-jcs-2022` and `ecdsa-jcs-2019` cryptosuites, including proof sets
//! and proof chains (`previousProof`).
//!
//! What is signed (both suites): `hash(JCS(proofConfig)) || hash(JCS(document))`
//! where `proofConfig` is the proof without `proofValue` but with the
//! document's `@context`, and `document` is the credential without `proof`
//! (or, for a chained proof, with only the proofs it references).

mod datetime;
mod error;
mod suite;

use serde_json::{Map, Value};

pub use error::ProofError;
pub use suite::{Canonicalization, Cryptosuite, HashAlgorithm};

use crate::did::KeyResolver;
use crate::keys::{KeyError, SigningKey};

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
fn existing_proofs(doc: &Map<String, Value>) -> Result<Vec<Value>, ProofError> {
    match doc.get("proof") {
        None => Ok(Vec::new()),
        Some(p @ Value::Object(_)) => Ok(vec![p.clone()]),
        Some(Value::Array(items)) if items.iter().all(Value::is_object) => Ok(items.clone()),
        Some(_) => Err(ProofError::MalformedDocument(
            "`proof` must be an object or an array of objects".into(),
        )),
    }
}

/// The document a proof covers: without `proof`, or, for a chained proof,
/// with exactly the proofs named in its `previousProof` (Data Integrity §4.5).
fn covered_document(
    doc: &Map<String, Value>,
    all_proofs: &[Value],
    previous: &[String],
) -> Result<Map<String, Value>, ProofError> {
    // Copy without `proof` rather than clone-then-remove: proofs can be large.
    let mut covered: Map<String, Value> = doc
        .iter()
        .filter(|(k, _)| k.as_str() != "proof")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if !previous.is_empty() {
        let mut matching = Vec::with_capacity(previous.len());
        for id in previous {
            let found = all_proofs
                .iter()
                .find(|p| p.get("id").and_then(Value::as_str) == Some(id.as_str()))
                .ok_or_else(|| ProofError::MissingPreviousProof(id.clone()))?;
            matching.push(found.clone());
        }
        covered.insert("proof".into(), Value::Array(matching));
    }
    Ok(covered)
}

fn sign_hash(
    suite: Cryptosuite,
    key_alg: crate::keys::KeyAlgorithm,
    proof_config: &Value,
    document: &Value,
) -> Result<Vec<u8>, ProofError> {
    let config = suite.canonicalize(proof_config)?;
    let doc = suite.canonicalize(document)?;
    Ok(suite.hash_data(key_alg, &config, &doc))
}

/// Adds a Data Integrity proof to `unsecured` (W3C "Add Proof"). If the
/// document already has proofs, the result is a proof set (an array); with
/// `options.previous_proof` it is a proof chain.
pub fn sign(
    unsecured: &Value,
    suite: Cryptosuite,
    key: &SigningKey,
    options: &ProofOptions,
) -> Result<Value, ProofError> {
    let doc = unsecured
        .as_object()
        .ok_or_else(|| ProofError::MalformedDocument("not a JSON object".into()))?;
    if !suite.supports(key.algorithm()) {
        return Err(ProofError::KeyAlgorithmMismatch {
            suite: suite.name(),
            key: key.algorithm(),
        });
    }
    if options.verification_method.is_empty() {
        return Err(ProofError::InvalidOptions(
            "empty verificationMethod".into(),
        ));
    }
    if options.proof_purpose.is_empty() {
        return Err(ProofError::InvalidOptions("empty proofPurpose".into()));
    }
    check_datetime("created", &options.created)
        .map_err(|e| ProofError::InvalidOptions(e.to_string()))?;
    if let Some(expires) = &options.expires {
        check_datetime("expires", expires)
            .map_err(|e| ProofError::InvalidOptions(e.to_string()))?;
    }

    let existing = existing_proofs(doc)?;

    let mut proof = Map::new();
    proof.insert("type".into(), DATA_INTEGRITY_PROOF.into());
    if let Some(id) = &options.id {
        proof.insert("id".into(), id.as_str().into());
    }
    proof.insert("cryptosuite".into(), suite.name().into());
    proof.insert("created".into(), options.created.as_str().into());
    if let Some(expires) = &options.expires {
        proof.insert("expires".into(), expires.as_str().into());
    }
    proof.insert(
        "verificationMethod".into(),
        options.verification_method.as_str().into(),
    );
    proof.insert("proofPurpose".into(), options.proof_purpose.as_str().into());
    if let Some(challenge) = &options.challenge {
        proof.insert("challenge".into(), challenge.as_str().into());
    }
    if let Some(domain) = &options.domain {
        proof.insert("domain".into(), domain.as_str().into());
    }
    match options.previous_proof.as_slice() {
        [] => {}
        [one] => {
            proof.insert("previousProof".into(), one.as_str().into());
        }
        many => {
            proof.insert(
                "previousProof".into(),
                many.iter().map(|s| Value::from(s.as_str())).collect(),
            );
        }
    }
    if let Some(context) = doc.get("@context") {
        proof.insert("@context".into(), context.clone());
    }
    let proof = Value::Object(proof);

    // The common case (no existing proofs) canonicalizes the input as is.
    let hash_data = if doc.contains_key("proof") || !options.previous_proof.is_empty() {
        let covered = covered_document(doc, &existing, &options.previous_proof)?;
        sign_hash(suite, key.algorithm(), &proof, &Value::Object(covered))?
    } else {
        sign_hash(suite, key.algorithm(), &proof, unsecured)?
    };
    let signature = key.sign(&hash_data);
    let mut proof = proof;
    if let Some(map) = proof.as_object_mut() {
        map.insert(
            "proofValue".into(),
            format!("z{}", bs58::encode(signature).into_string()).into(),
        );
    }

    let mut secured = doc.clone();
    let value = if existing.is_empty() {
        proof
    } else {
        let mut all = existing;
        all.push(proof);
        Value::Array(all)
    };
    secured.insert("proof".into(), value);
    Ok(Value::Object(secured))
}

/// The `@context` as a list (a single string or object counts as one entry).
fn context_list(context: &Value) -> &[Value] {
    match context {
        Value::Array(items) => items,
        other => std::slice::from_ref(other),
    }
}

/// Verifies every proof on `secured` (W3C "Verify Proof" for each member of a
/// proof set or chain). All must verify; the first failure is returned.
/// `expected_purpose` is normally `assertionMethod`. `now` (XML Schema
/// dateTime) enables the `expires` check; core has no clock of its own.
pub fn verify(
    secured: &Value,
    resolver: &dyn KeyResolver,
    expected_purpose: &str,
    now: Option<&str>,
) -> Result<Vec<VerifiedProof>, ProofError> {
    let doc = secured
        .as_object()
        .ok_or_else(|| ProofError::MalformedDocument("not a JSON object".into()))?;
    let now = match now {
        Some(n) => Some(datetime::parse(n).ok_or_else(|| {
            ProofError::InvalidOptions(format!("now `{n}` is not an XML Schema dateTime"))
        })?),
        None => None,
    };
    let proofs = existing_proofs(doc)?;
    if proofs.is_empty() {
        return Err(ProofError::MissingProof);
    }
    proofs
        .iter()
        .map(|proof| verify_one(doc, &proofs, proof, resolver, expected_purpose, now))
        .collect()
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

fn verify_one(
    doc: &Map<String, Value>,
    all_proofs: &[Value],
    proof: &Value,
    resolver: &dyn KeyResolver,
    expected_purpose: &str,
    now: Option<time::OffsetDateTime>,
) -> Result<VerifiedProof, ProofError> {
    let proof = proof
        .as_object()
        .ok_or_else(|| malformed("proof", "must be an object"))?;

    let proof_type = string_member(proof, "type")?;
    if proof_type != DATA_INTEGRITY_PROOF {
        return Err(ProofError::UnsupportedProofType(proof_type.to_string()));
    }
    let suite: Cryptosuite = string_member(proof, "cryptosuite")?.parse()?;
    let proof_value = string_member(proof, "proofValue")?;
    let encoded = proof_value.strip_prefix('z').ok_or_else(|| {
        malformed(
            "proofValue",
            "is not base58btc multibase (must start with `z`)",
        )
    })?;
    let signature = bs58::decode(encoded)
        .into_vec()
        .map_err(|e| malformed("proofValue", format!("is not valid base58btc: {e}")))?;
    let verification_method = string_member(proof, "verificationMethod")?;
    let purpose = string_member(proof, "proofPurpose")?;
    if purpose != expected_purpose {
        return Err(ProofError::PurposeMismatch {
            expected: expected_purpose.to_string(),
            found: purpose.to_string(),
        });
    }
    let created = optional_string(proof, "created")?;
    if let Some(created) = created {
        check_datetime("created", created)?;
    }
    if let Some(expires) = optional_string(proof, "expires")? {
        let at = datetime::parse(expires).ok_or_else(|| {
            malformed(
                "expires",
                format!("`{expires}` is not an XML Schema dateTime"),
            )
        })?;
        if now.is_some_and(|now| now > at) {
            return Err(ProofError::Expired(expires.to_string()));
        }
    }
    optional_string(proof, "challenge")?;
    optional_string(proof, "domain")?;
    optional_string(proof, "id")?;

    let mut covered = covered_document(doc, all_proofs, &previous_proof_ids(proof)?)?;
    if let Some(proof_context) = proof.get("@context") {
        let doc_context = doc.get("@context").ok_or(ProofError::ContextMismatch)?;
        let expected = context_list(proof_context);
        if !context_list(doc_context).starts_with(expected) {
            return Err(ProofError::ContextMismatch);
        }
        covered.insert("@context".into(), proof_context.clone());
    }

    let resolved = resolver.resolve(verification_method)?;
    if !resolved.allows(purpose) {
        return Err(ProofError::PurposeNotAuthorized {
            verification_method: verification_method.to_string(),
            purpose: purpose.to_string(),
        });
    }
    let key_alg = resolved.public_key.algorithm();
    if !suite.supports(key_alg) {
        return Err(ProofError::KeyAlgorithmMismatch {
            suite: suite.name(),
            key: key_alg,
        });
    }
    if signature.len() != key_alg.signature_len() {
        return Err(malformed(
            "proofValue",
            format!(
                "decodes to {} bytes, a {key_alg} signature is {}",
                signature.len(),
                key_alg.signature_len()
            ),
        ));
    }

    let config: Map<String, Value> = proof
        .iter()
        .filter(|(k, _)| k.as_str() != "proofValue")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let hash_data = sign_hash(
        suite,
        key_alg,
        &Value::Object(config),
        &Value::Object(covered),
    )?;
    resolved
        .public_key
        .verify(&hash_data, &signature)
        .map_err(|e| match e {
            KeyError::SignatureMismatch => ProofError::SignatureMismatch,
            other => ProofError::MalformedSignature(other),
        })?;

    Ok(VerifiedProof {
        suite,
        verification_method: verification_method.to_string(),
        controller: resolved.controller,
        created: created.map(str::to_string),
        purpose: purpose.to_string(),
    })
}
