//! The proof engine: signing and verification with a long-lived JSON-LD
//! processor, so RDFC suites process each pinned context once, not per
//! signature.

use std::sync::OnceLock;

use serde_json::{Map, Value};

use super::base58;
use super::suite::combine;
use super::{
    chained_proofs, check_datetime, context_list, covered_entries, datetime, entries_object,
    existing_proofs, malformed, optional_string, previous_proof_ids, string_member,
    Canonicalization, Cryptosuite, HashAlgorithm, ProofError, ProofOptions, VerifiedProof,
    DATA_INTEGRITY_PROOF,
};
use crate::did::KeyResolver;
use crate::jsonld::{CanonicalizeError, ContextLoader, Processor};
use crate::keys::{KeyError, Signer};
use crate::licence::context::{shipped_context, VC_V2_CONTEXT_URL};
use crate::rdfc;

/// The Data Integrity v2 context, added to documents whose `@context` does
/// not define the Data Integrity terms (Data Integrity 1.0 §2.4), e.g. VC 1.1
/// credentials.
pub const DATA_INTEGRITY_V2_CONTEXT: &str = "https://w3id.org/security/data-integrity/v2";
const DATA_INTEGRITY_V1_CONTEXT: &str = "https://w3id.org/security/data-integrity/v1";

/// Loader over the contexts compiled into the crate
/// ([`crate::licence::context::shipped_context`]): nothing is ever fetched,
/// any other URL is an unknown context.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShippedContexts;

impl ContextLoader for ShippedContexts {
    fn load(&self, url: &str) -> Option<&str> {
        shipped_context(url).map(|c| c.body)
    }
}

/// The transformation and hashing results of one proof, for checking every
/// intermediate value against test vectors (and for callers who sign with
/// keys held elsewhere, e.g. in an HSM).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningInput {
    /// The canonical proof configuration (JCS text or canonical N-Quads).
    pub canonical_proof_config: Vec<u8>,
    /// The canonical document.
    pub canonical_document: Vec<u8>,
    /// `hash(canonical_proof_config) || hash(canonical_document)`: the bytes
    /// that are signed.
    pub hash_data: Vec<u8>,
}

/// Signs and verifies Data Integrity proofs. Holds the JSON-LD processor of
/// the RDFC suites with its cache of processed contexts: keep one for the
/// life of the program ([`ProofEngine::shipped`] is the shared one over the
/// shipped contexts).
///
/// JSON-LD runs in safe mode for signing **and** verification: data that
/// JSON-LD would silently drop (undefined terms, relative IRIs, ...) is an
/// error (Data Integrity 1.0 §2.4 requires `DATA_LOSS_DETECTION_ERROR` in
/// both cases). Signing it would leave it unsigned, and verifying it would
/// accept a credential parts of which nobody signed. The JSON-LD base IRI is
/// unset (the spec requires `null`).
pub struct ProofEngine<L = ShippedContexts> {
    jsonld: Processor<L>,
}

static SHIPPED: OnceLock<ProofEngine<ShippedContexts>> = OnceLock::new();

impl ProofEngine<ShippedContexts> {
    /// The process-wide engine over the shipped contexts, built on first use.
    pub fn shipped() -> &'static ProofEngine<ShippedContexts> {
        SHIPPED.get_or_init(|| ProofEngine::new(ShippedContexts))
    }
}

/// The RDFC-1.0 settings of a suite: its hash, the default work budget.
fn rdfc_options(hash: HashAlgorithm) -> rdfc::Options {
    rdfc::Options {
        hash: hash.rdfc(),
        max_work: rdfc::ComplexityLimit::DEFAULT,
    }
}

fn canonicalize_error(e: CanonicalizeError) -> ProofError {
    match e {
        CanonicalizeError::JsonLd(e) => ProofError::JsonLd(e),
        CanonicalizeError::Rdfc(e) => ProofError::Rdfc(e),
    }
}

impl<L: ContextLoader> ProofEngine<L> {
    /// An engine whose RDFC suites resolve contexts through `loader` only
    /// (e.g. the shipped contexts plus an agency's own pinned ones).
    pub fn new(loader: L) -> Self {
        ProofEngine {
            jsonld: Processor::new(loader)
                .with_safe_mode(true)
                .with_spelling_audit(true),
        }
    }

    /// Transformation step: the canonical bytes of `value` (an unsecured
    /// document or a proof configuration) under `suite`; `hash` is the hash
    /// RDFC-1.0 runs with (ignored by JCS).
    pub fn canonicalize(
        &self,
        suite: Cryptosuite,
        hash: HashAlgorithm,
        value: &Value,
    ) -> Result<Vec<u8>, ProofError> {
        match suite.canonicalization() {
            Canonicalization::Jcs => crate::jcs::canonicalize(value)
                .map(String::into_bytes)
                .map_err(|e| ProofError::Canonicalization(e.to_string())),
            // Audited: a document whose JSON spells its meaning in any form
            // other than the canonical one is neither signed nor accepted
            // (docs/verification.md, "One view of the truth").
            Canonicalization::Rdfc => self
                .jsonld
                .canonicalize(value, &rdfc_options(hash))
                .map(String::into_bytes)
                .map_err(canonicalize_error),
        }
    }

    /// [`ProofEngine::canonicalize`] of the JSON object made of `entries`:
    /// RDFC suites read them where they are (a verifier canonicalizes the
    /// secured document without its proof without copying it).
    fn canonicalize_entries(
        &self,
        suite: Cryptosuite,
        hash: HashAlgorithm,
        entries: &[(&str, &Value)],
    ) -> Result<Vec<u8>, ProofError> {
        match suite.canonicalization() {
            Canonicalization::Jcs => self.canonicalize(suite, hash, &entries_object(entries)),
            Canonicalization::Rdfc => self
                .jsonld
                .canonicalize_entries(entries, &rdfc_options(hash))
                .map(String::into_bytes)
                .map_err(canonicalize_error),
        }
    }

    /// [`ProofEngine::signing_input`] of a proof configuration and a
    /// document given as top-level entries.
    fn signing_input_entries(
        &self,
        suite: Cryptosuite,
        hash: HashAlgorithm,
        proof_config: &[(&str, &Value)],
        document: &[(&str, &Value)],
    ) -> Result<SigningInput, ProofError> {
        let canonical_proof_config = self.canonicalize_entries(suite, hash, proof_config)?;
        let canonical_document = self.canonicalize_entries(suite, hash, document)?;
        let hash_data = combine(hash, &canonical_proof_config, &canonical_document);
        Ok(SigningInput {
            canonical_proof_config,
            canonical_document,
            hash_data,
        })
    }

    /// Transformation and hashing of a proof configuration and the document
    /// it covers, exactly as [`ProofEngine::sign`] and
    /// [`ProofEngine::verify`] do them. `proof_config` must already carry the
    /// `@context` the suite requires.
    pub fn signing_input(
        &self,
        suite: Cryptosuite,
        hash: HashAlgorithm,
        proof_config: &Value,
        document: &Value,
    ) -> Result<SigningInput, ProofError> {
        let canonical_proof_config = self.canonicalize(suite, hash, proof_config)?;
        let canonical_document = self.canonicalize(suite, hash, document)?;
        let hash_data = combine(hash, &canonical_proof_config, &canonical_document);
        Ok(SigningInput {
            canonical_proof_config,
            canonical_document,
            hash_data,
        })
    }

    /// Adds a Data Integrity proof to `unsecured` (W3C "Add Proof"). If the
    /// document already has proofs, the result is a proof set (an array);
    /// with `options.previous_proof` it is a proof chain. A document whose
    /// `@context` does not define the Data Integrity terms (VC 1.1) gets
    /// [`DATA_INTEGRITY_V2_CONTEXT`] appended, as Data Integrity 1.0 §2.4
    /// requires.
    pub fn sign(
        &self,
        unsecured: &Value,
        suite: Cryptosuite,
        key: &(impl Signer + ?Sized),
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
        check_options(options)?;
        let existing = existing_proofs(doc)?;
        let injected = injected_context(doc.get("@context"));
        let context = injected.as_ref().or_else(|| doc.get("@context"));

        let mut proof = proof_options(suite, options);
        // The proof configuration: the proof with the document's @context,
        // read in place.
        let config: Vec<(&str, &Value)> = proof
            .iter()
            .map(|(k, v)| (k.as_str(), v))
            .chain(context.map(|c| ("@context", c)))
            .collect();

        // The common case (no existing proofs, context as is) canonicalizes
        // the input without copying it.
        let hash = suite.hash_algorithm(key.algorithm());
        let input = if injected.is_some()
            || doc.contains_key("proof")
            || !options.previous_proof.is_empty()
        {
            let chained = chained_proofs(&existing, &options.previous_proof)?;
            let covered = covered_entries(doc, injected.as_ref(), chained.as_ref());
            self.signing_input_entries(suite, hash, &config, &covered)?
        } else {
            let canonical_proof_config = self.canonicalize_entries(suite, hash, &config)?;
            let canonical_document = self.canonicalize(suite, hash, unsecured)?;
            let hash_data = combine(hash, &canonical_proof_config, &canonical_document);
            SigningInput {
                canonical_proof_config,
                canonical_document,
                hash_data,
            }
        };
        let signature = key
            .try_sign(&input.hash_data)
            .map_err(ProofError::Signing)?;
        let mut proof_value = String::with_capacity(90);
        proof_value.push('z');
        proof_value.push_str(&base58::encode(&signature));
        let proof_value = Value::String(proof_value);

        // JCS suites state the @context in the proof (vc-di-eddsa §3.3.1);
        // RDFC suites add it to the proof configuration only (§3.2.1).
        if let (Canonicalization::Jcs, Some(context)) = (suite.canonicalization(), context) {
            proof.insert("@context".into(), context.clone());
        }
        proof.insert("proofValue".into(), proof_value);

        let mut secured = doc.clone();
        if let Some(context) = injected {
            secured.insert("@context".into(), context);
        }
        let value = if existing.is_empty() {
            Value::Object(proof)
        } else {
            let mut all: Vec<Value> = existing.into_iter().cloned().collect();
            all.push(Value::Object(proof));
            Value::Array(all)
        };
        secured.insert("proof".into(), value);
        Ok(Value::Object(secured))
    }

    /// Checks that `secured` says in its JSON exactly what its JSON-LD means
    /// ([`crate::jsonld::Processor::check_spelling`]): the document without
    /// its proofs, and each proof's configuration as the RDFC suites
    /// canonicalize it. RDFC verification does this on its own; a verifier
    /// that evaluates policy on the JSON of a JCS or JOSE credential calls it
    /// so that no format lets the JSON and its meaning disagree.
    pub fn check_spelling(&self, secured: &Value) -> Result<(), ProofError> {
        let doc = secured
            .as_object()
            .ok_or_else(|| ProofError::MalformedDocument("not a JSON object".into()))?;
        let proofs = existing_proofs(doc)?;
        let covered: Map<String, Value> = doc
            .iter()
            .filter(|(k, _)| k.as_str() != "proof")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        self.jsonld.check_spelling(&Value::Object(covered))?;
        for proof in &proofs {
            let Some(proof) = proof.as_object() else {
                continue;
            };
            let mut config: Map<String, Value> = proof
                .iter()
                .filter(|(k, _)| k.as_str() != "proofValue")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let context = proof.get("@context").or_else(|| doc.get("@context"));
            match context.map(|c| injected_context(Some(c)).unwrap_or_else(|| c.clone())) {
                Some(c) => config.insert("@context".into(), c),
                None => config.insert("@context".into(), DATA_INTEGRITY_V2_CONTEXT.into()),
            };
            self.jsonld.check_spelling(&Value::Object(config))?;
        }
        Ok(())
    }

    /// Verifies every proof on `secured` (W3C "Verify Proof" for each member
    /// of a proof set or chain). All must verify; the first failure is
    /// returned. `expected_purpose` is normally `assertionMethod`. `now`
    /// (XML Schema dateTime) enables the `expires` check; core has no clock.
    pub fn verify(
        &self,
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
            .map(|proof| self.verify_one(doc, &proofs, proof, resolver, expected_purpose, now))
            .collect()
    }

    fn verify_one(
        &self,
        doc: &Map<String, Value>,
        all_proofs: &[&Value],
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
        let signature = base58::decode(encoded)
            .ok_or_else(|| malformed("proofValue", "is not valid base58btc"))?;
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

        let chained = chained_proofs(all_proofs, &previous_proof_ids(proof)?)?;
        let proof_context = proof.get("@context");
        if let Some(proof_context) = proof_context {
            let doc_context = doc.get("@context").ok_or(ProofError::ContextMismatch)?;
            let expected = context_list(proof_context);
            if !context_list(doc_context).starts_with(expected) {
                return Err(ProofError::ContextMismatch);
            }
        }
        // The covered document, read in place: no copy of the credential.
        let covered = covered_entries(doc, proof_context, chained.as_ref());

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

        let rdfc = suite.canonicalization() == Canonicalization::Rdfc;
        let mut config: Vec<(&str, &Value)> = proof
            .iter()
            .filter(|(k, _)| k.as_str() != "proofValue" && !(rdfc && k.as_str() == "@context"))
            .map(|(k, v)| (k.as_str(), v))
            .collect();
        if rdfc {
            // RDFC proof configuration: proofConfig.@context =
            // unsecuredDocument.@context (vc-di-eddsa §3.2.5).
            if let Some(&(_, context)) = covered.iter().find(|(k, _)| *k == "@context") {
                config.push(("@context", context));
            }
        }
        let input =
            self.signing_input_entries(suite, suite.hash_algorithm(key_alg), &config, &covered)?;
        resolved
            .public_key
            .verify(&input.hash_data, &signature)
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
}

fn check_options(options: &ProofOptions) -> Result<(), ProofError> {
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
    Ok(())
}

/// The proof as the signer states it, without `@context` and `proofValue`,
/// members in the order the W3C vectors use.
fn proof_options(suite: Cryptosuite, options: &ProofOptions) -> Map<String, Value> {
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
    proof
}

/// Data Integrity 1.0 §2.4: "if an @context property is not provided in the
/// document or the Data Integrity terms used in the document are not mapped
/// by existing values in the @context property, implementations MUST inject
/// or add an @context property with a value of
/// https://w3id.org/security/data-integrity/v2". The terms are mapped by the
/// VC 2.0 context and the Data Integrity v1/v2 contexts; any other
/// `@context` (VC 1.1's included) gets the v2 context appended. Returns the
/// new `@context`, or `None` when it is fine as is.
fn injected_context(context: Option<&Value>) -> Option<Value> {
    let Some(context) = context else {
        return Some(DATA_INTEGRITY_V2_CONTEXT.into());
    };
    let list = context_list(context);
    let maps_terms = list.iter().any(|entry| {
        matches!(entry.as_str(), Some(url) if url == VC_V2_CONTEXT_URL
            || url == DATA_INTEGRITY_V2_CONTEXT
            || url == DATA_INTEGRITY_V1_CONTEXT)
    });
    if maps_terms {
        return None;
    }
    let mut extended = list.to_vec();
    extended.push(DATA_INTEGRITY_V2_CONTEXT.into());
    Some(Value::Array(extended))
}
