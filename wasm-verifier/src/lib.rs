//! elicence-wasm: the browser inspector's engine.
//!
//! An inspector's phone must decide on the spot, without a network, whether a
//! paper licence is genuine. These bindings expose the offline verifier
//! (`elicence-verifier`) and the QR photo decoder (`elicence-qr-image`) to
//! JavaScript through wasm-bindgen. Nothing here performs I/O: the page hands
//! in the trust bundle, the input and the clock, and gets JSON back.
//!
//! The crate builds as two modules so a phone downloads only what it needs:
//! feature `verify` (bundle + checks + report) and feature `qr` (grey pixels
//! → payloads; no image codecs, the page's canvas decodes photos). Browsers with a native `BarcodeDetector` never load the decoder.
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
