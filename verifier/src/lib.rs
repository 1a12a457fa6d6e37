//! elicence-verifier: offline verification policy.
//!
//! Core proves that bytes were signed by a key; this crate decides whether a
//! person should trust the licence: which checks run, what each failure means
//! in plain Thai and English, and one verdict that fails closed. It does no
//! I/O: the caller hands in the input, the clock and any DID documents.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod checks;
pub mod report;

pub use checks::{verify, Policy};
pub use report::{Check, CheckCode, Outcome, Report, SecuredFormat, Text, Verdict};
