//! elicence-core: business licences as W3C Verifiable Credentials.
//!
//! Pure functions only: no I/O, no async, no clock and no randomness of its own
//! (callers pass `now` and an RNG), so the same code runs natively and in a
//! phone browser (`wasm32-unknown-unknown`).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod datetime;
pub mod did;
pub mod jcs;
pub mod jose;
pub mod json;
pub mod keys;
pub mod licence;
pub mod proof;
pub mod qr;
pub mod status;

// The RDF engine (JSON-LD expansion, N-Quads, RDFC-1.0) lives in its own
// crate, `elicence-rdf`; these re-exports keep `elicence_core::jsonld` and
// friends working for callers.
pub use elicence_rdf::model as rdf;
pub use elicence_rdf::{jsonld, nquads, rdfc};
