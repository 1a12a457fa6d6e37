//! Typed errors for Data Integrity proofs.

use crate::did::DidError;
use crate::jsonld::JsonLdError;
use crate::keys::{KeyAlgorithm, KeyError};
use crate::rdfc::RdfcError;

/// Why a proof could not be created or did not verify. Verification fails
/// closed: any of these means "not verified".
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ProofError {
    /// The document has no `proof`.
    #[error("the document has no `proof`")]
    MissingProof,
    /// The document is not a JSON object, or its `@context`/`proof` is malformed.
    #[error("malformed document: {0}")]
    MalformedDocument(String),
    /// A proof member is missing or has the wrong form.
    #[error("malformed proof: `{field}` {reason}")]
    MalformedProof {
        /// The proof member at fault.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The proof `type` is not `DataIntegrityProof`.
    #[error("unsupported proof type `{0}` (expected DataIntegrityProof)")]
    UnsupportedProofType(String),
    /// The cryptosuite is not one we implement.
    #[error("unsupported cryptosuite `{0}`")]
    UnsupportedCryptosuite(String),
    /// The options passed to `sign` are invalid.
    #[error("invalid proof options: {0}")]
    InvalidOptions(String),
    /// The proof's `@context` is not a prefix of the document's `@context`.
    #[error("the document's @context does not start with the proof's @context")]
    ContextMismatch,
    /// The key type does not fit the cryptosuite.
    #[error("cryptosuite {suite} cannot be used with a {key} key")]
    KeyAlgorithmMismatch {
        /// The proof's cryptosuite.
        suite: &'static str,
        /// The key's algorithm.
        key: KeyAlgorithm,
    },
    /// The proof's purpose is not the one the verifier expects.
    #[error("proof purpose is `{found}`, expected `{expected}`")]
    PurposeMismatch {
        /// What the verifier asked for.
        expected: String,
        /// What the proof states.
        found: String,
    },
    /// The controller did not authorise the key for the proof's purpose.
    #[error("verification method `{verification_method}` is not authorised for `{purpose}` by its controller")]
    PurposeNotAuthorized {
        /// The verification method.
        verification_method: String,
        /// The proof purpose.
        purpose: String,
    },
    /// The verification method could not be resolved.
    #[error("cannot resolve the verification method: {0}")]
    Resolve(#[from] DidError),
    /// A `previousProof` reference names no proof in the set.
    #[error("previousProof `{0}` is not in the document's proof set")]
    MissingPreviousProof(String),
    /// The proof's `expires` is before the verifier's `now`.
    #[error("the proof expired at {0}")]
    Expired(String),
    /// The document could not be canonicalized.
    #[error("canonicalization failed: {0}")]
    Canonicalization(String),
    /// RDFC suites: the document or proof configuration is not JSON-LD we
    /// can interpret exactly: an unknown (unpinned) context
    /// ([`JsonLdError::UnknownContext`]; nothing is ever fetched), data that
    /// JSON-LD would silently drop ([`JsonLdError::Dropped`], the spec's
    /// `DATA_LOSS_DETECTION_ERROR`), or an unsupported or invalid construct.
    #[error("JSON-LD: {0}")]
    JsonLd(#[from] JsonLdError),
    /// RDFC suites: RDF Dataset Canonicalization refused the dataset (e.g.
    /// a poison graph exceeding the work budget).
    #[error("RDF canonicalization: {0}")]
    Rdfc(#[from] RdfcError),
    /// The signature does not match the document, proof options and key.
    #[error(
        "signature does not match: the document or proof was altered, or signed by another key"
    )]
    SignatureMismatch,
    /// The signature bytes are malformed for the key type.
    #[error("malformed signature: {0}")]
    MalformedSignature(KeyError),
}
