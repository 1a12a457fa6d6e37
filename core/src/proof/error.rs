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
    /// The signer failed (a hardware token gone or refusing): the proof
    /// could not be made; nothing is wrong with the document.
    #[error("cannot sign: {0}")]
    Signing(KeyError),
}

impl ProofError {
    /// The processing error name the specifications give this failure (VC
    /// Data Integrity 1.0 §2.4 and "Processing Errors", VC Data Model 2.0
    /// §7.1), for problem details and verification reports:
    /// `DATA_LOSS_DETECTION_ERROR` for data JSON-LD would drop,
    /// `MALFORMED_VALUE_ERROR` for a value its term does not allow,
    /// `PROOF_TRANSFORMATION_ERROR` when canonicalization refuses the
    /// document, `MALFORMED_PROOF_ERROR`, `MISMATCHED_PROOF_PURPOSE_ERROR`,
    /// `PROOF_GENERATION_ERROR` for the signer's own failures, and
    /// `PROOF_VERIFICATION_ERROR` for everything else.
    pub fn spec_code(&self) -> &'static str {
        match self {
            ProofError::JsonLd(JsonLdError::Dropped { .. }) => "DATA_LOSS_DETECTION_ERROR",
            ProofError::JsonLd(JsonLdError::InvalidContextDocument { .. })
            | ProofError::InvalidOptions(_)
            | ProofError::KeyAlgorithmMismatch { .. }
            | ProofError::Signing(_) => "PROOF_GENERATION_ERROR",
            ProofError::JsonLd(_) | ProofError::MalformedDocument(_) => "MALFORMED_VALUE_ERROR",
            ProofError::Canonicalization(_) | ProofError::Rdfc(_) => "PROOF_TRANSFORMATION_ERROR",
            ProofError::MissingProof
            | ProofError::MalformedProof { .. }
            | ProofError::UnsupportedProofType(_)
            | ProofError::UnsupportedCryptosuite(_)
            | ProofError::ContextMismatch
            | ProofError::MissingPreviousProof(_)
            | ProofError::MalformedSignature(_) => "MALFORMED_PROOF_ERROR",
            ProofError::PurposeMismatch { .. } | ProofError::PurposeNotAuthorized { .. } => {
                "MISMATCHED_PROOF_PURPOSE_ERROR"
            }
            ProofError::Resolve(_) | ProofError::Expired(_) | ProofError::SignatureMismatch => {
                "PROOF_VERIFICATION_ERROR"
            }
        }
    }

    /// Whether signing failed because of the document given (its data,
    /// contexts or shape) rather than the signer's key, options or pinned
    /// contexts: a client mistake (4xx), not a service fault (5xx).
    pub fn is_document_error(&self) -> bool {
        match self {
            ProofError::JsonLd(JsonLdError::InvalidContextDocument { .. }) => false,
            ProofError::JsonLd(_)
            | ProofError::MalformedDocument(_)
            | ProofError::Canonicalization(_)
            | ProofError::Rdfc(_)
            | ProofError::ContextMismatch => true,
            _ => false,
        }
    }

    /// Where in the document the failure was found, as a JSON Pointer
    /// (RFC 6901), when the JSON-LD processor knows it.
    pub fn document_pointer(&self) -> Option<&str> {
        match self {
            ProofError::JsonLd(
                JsonLdError::Dropped { path, .. }
                | JsonLdError::Syntax { path, .. }
                | JsonLdError::Unsupported { path, .. }
                | JsonLdError::ProtectedTermRedefinition { path, .. },
            ) if path.starts_with('/') => Some(path),
            _ => None,
        }
    }
}
