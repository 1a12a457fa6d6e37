//! Typed errors for DID handling.

use crate::keys::KeyError;

/// Why a DID or verification method could not be parsed or resolved.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum DidError {
    /// The string is not a DID of the expected form.
    #[error("invalid DID `{did}`: {reason}")]
    InvalidDid {
        /// The offending input.
        did: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The DID method is not supported here.
    #[error("unsupported DID method in `{0}` (supported: did:key, did:web)")]
    UnsupportedMethod(String),
    /// The key inside a `did:key` (or a verification method) is invalid.
    #[error("invalid key in `{did}`: {source}")]
    InvalidKey {
        /// The DID or verification method.
        did: String,
        /// The key error.
        #[source]
        source: KeyError,
    },
    /// A `did:key` fragment names a different key than the DID itself.
    #[error("fragment of `{0}` does not match its did:key")]
    FragmentMismatch(String),
    /// No DID document for this DID was handed to the offline resolver.
    #[error("no DID document available offline for `{0}`")]
    DocumentNotFound(String),
    /// The DID document does not list this verification method.
    #[error("verification method `{0}` is not in its DID document")]
    VerificationMethodNotFound(String),
    /// A DID document is malformed.
    #[error("invalid DID document `{id}`: {reason}")]
    InvalidDocument {
        /// The document id (or `?` if absent).
        id: String,
        /// What is wrong with it.
        reason: String,
    },
    /// No keys were given for a DID document.
    #[error("a DID document needs at least one key")]
    NoKeys,
}
