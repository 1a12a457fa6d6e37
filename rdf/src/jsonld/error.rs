//! Typed errors of the JSON-LD processor.

use thiserror::Error;

/// Why a document could not be turned into RDF.
///
/// Every variant names where the problem is, so an issuer can fix the
/// document and a verifier can report a precise reason for failing closed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum JsonLdError {
    /// A context URL that the loader does not pin. Nothing is ever fetched:
    /// an unknown context means the document cannot be interpreted safely.
    #[error("context <{0}> is not a pinned context (contexts are never fetched)")]
    UnknownContext(String),
    /// A pinned context whose text is not a JSON object with an `@context` entry.
    #[error("pinned context <{url}> is not a valid context document: {reason}")]
    InvalidContextDocument {
        /// The context URL.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A JSON-LD feature outside the supported subset. Rejected rather than
    /// approximated, so that we never produce triples another processor
    /// would not (see docs/jsonld-subset.md).
    #[error("unsupported JSON-LD feature `{feature}` at {path}")]
    Unsupported {
        /// The feature, e.g. `@reverse` or `@container: @index`.
        feature: String,
        /// Where it was met (JSON pointer into the document, or context and term).
        path: String,
    },
    /// A context tried to change a protected term (JSON-LD 1.1
    /// `protected term redefinition`): the meaning of signed data would change.
    #[error("protected term `{term}` redefined at {path}")]
    ProtectedTermRedefinition {
        /// The term.
        term: String,
        /// Where the redefinition was attempted.
        path: String,
    },
    /// Any other error the JSON-LD 1.1 algorithms define; `code` is the
    /// spec's error code (e.g. `invalid IRI mapping`).
    #[error("JSON-LD error `{code}` at {path}: {detail}")]
    Syntax {
        /// The JSON-LD 1.1 API error code.
        code: &'static str,
        /// Where the error was detected.
        path: String,
        /// A human explanation.
        detail: String,
    },
    /// Safe mode only: data that the spec would silently drop (an undefined
    /// term, a relative IRI, a malformed language tag). Dropped data is not
    /// signed, so a verifier in safe mode refuses it.
    #[error("safe mode: {what} at {path} would be silently dropped")]
    Dropped {
        /// What would be dropped.
        what: String,
        /// Where.
        path: String,
    },
    /// Spelling audit only ([`super::Processor::check_spelling`]): the
    /// document says something in another form than the canonical one its
    /// contexts define (a property by its IRI instead of its term, an alias,
    /// a wrapped value, one node split over two objects). The RDF is the
    /// same, but a reader of the JSON by term names would see something else.
    #[error("{path}: {detail}")]
    Respelled {
        /// Where (JSON pointer, or the node's IRI).
        path: String,
        /// What is spelled differently and how it should be written.
        detail: String,
    },
}

impl JsonLdError {
    pub(crate) fn syntax(
        code: &'static str,
        path: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        JsonLdError::Syntax {
            code,
            path: path.into(),
            detail: detail.into(),
        }
    }

    pub(crate) fn unsupported(feature: impl Into<String>, path: impl Into<String>) -> Self {
        JsonLdError::Unsupported {
            feature: feature.into(),
            path: path.into(),
        }
    }
}
