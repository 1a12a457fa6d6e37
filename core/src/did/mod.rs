//! Decentralized identifiers for issuers: `did:key` (self-describing, for
//! tests and small issuers) and `did:web` (an agency's domain, with rotating
//! keys), plus offline key resolution for verification.
//!
//! Nothing here touches the network: `did:web` documents are fetched by the
//! caller (issuer service, trust bundle) and handed to [`OfflineResolver`].

mod error;
mod key;
mod resolver;
mod web;

pub use error::DidError;
pub use key::{did_key, did_key_verification_method, resolve_did_key};
pub use resolver::{KeyResolver, OfflineResolver, ResolvedKey, ASSERTION_METHOD, AUTHENTICATION};
pub use web::{did_web_document, did_web_url};
