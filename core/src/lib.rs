//! elicence-core: business licences as W3C Verifiable Credentials.
//!
//! Pure functions only: no I/O, no async, no clock and no randomness of its own
//! (callers pass `now` and an RNG), so the same code runs natively and in a
//! phone browser (`wasm32-unknown-unknown`).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod jcs;
pub mod json;
pub mod licence;
pub mod nquads;
pub mod qr;
pub mod rdf;
pub mod rdfc;
