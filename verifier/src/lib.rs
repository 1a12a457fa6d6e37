//! elicence-verifier: offline verification policy.
//!
//! Core proves that bytes were signed by a key; this crate decides whether a
//! person should trust the licence: which checks run, what each failure means
//! in plain Thai and English, and one verdict that fails closed. With a trust
//! bundle it also knows which agencies are real, which keys they held when,
//! what each may issue, and which licences were revoked or suspended. It does
//! no I/O: the caller hands in the input, the clock, the bundle and any DID
//! documents.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod bundle;
pub mod catalogue;
mod checks;
pub mod presentation;
pub mod report;
#[cfg(feature = "sd-jwt")]
mod sd_jwt;
pub mod status;
pub mod trust;
mod trusted;

pub use bundle::{BundleError, TrustAnchor, TrustBundle};
pub use checks::{
    verify, verify_with_bundle, Policy, PresentationRequest, StatusOptions, TrustPolicy,
};
pub use report::{Check, CheckCode, DisclosedClaim, Outcome, Report, SecuredFormat, Text, Verdict};
