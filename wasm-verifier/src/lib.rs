//! elicence-wasm: the browser inspector's engine.
//!
//! An inspector's phone must decide on the spot, without a network, whether a
//! paper licence is genuine. These bindings expose the offline verifier
//! (`elicence-verifier`) and the QR photo decoder (`elicence-qr-image`) to
//! JavaScript through wasm-bindgen. Nothing here performs I/O: the page hands
//! in the trust bundle, the input and the clock, and gets JSON back.
//!
//! The crate builds as two modules and a phone downloads exactly one:
//! feature `verify` alone (bundle + checks + report) for browsers with a
//! native `BarcodeDetector`, and `verify` + `qr` (the same plus grey pixels →
//! payloads; no image codecs, the page's canvas decodes photos) for the
//! others, whose page shares the one compiled module with its decoding worker.
//! One module with both is smaller than the two apart (shared std, serde_json
//! and allocator code), which is what keeps it within the 400 KB budget.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[cfg(feature = "qr")]
mod qr;
#[cfg(feature = "verify")]
mod verify;

#[cfg(feature = "qr")]
pub use qr::decode_qr_luma;
#[cfg(feature = "verify")]
pub use verify::{open_bundle, Inspector};
