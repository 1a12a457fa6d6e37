//! elicence-qr-image: printable QR images of licence payloads, and reading them back.
//!
//! Paper licences carry a QR code holding a compact payload (`LC1:...`) in the QR
//! alphanumeric charset. This crate draws that code for print (`render_png`,
//! [`render_svg`]) and reads it back from inspectors' phone photos (`decode_image`,
//! or [`decode_luma`] when the caller already has the pixels, as a browser does;
//! `scan_image` also tells where each code is, its version and its level).
//! Feature `codecs` (default) brings the PNG/JPEG codecs: `render_png` and
//! `decode_image` exist only with it.
//! Everything is pure Rust without I/O so the browser verifier (wasm) reuses the
//! same decoder as the command line.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod decode;
mod encode;
mod error;
mod svg;

#[cfg(feature = "codecs")]
pub use decode::{decode_image, scan_image};
pub use decode::{decode_luma, FoundCode, MAX_DECODE_PIXELS};
#[cfg(feature = "codecs")]
pub use encode::render_png;
pub use encode::{
    qr_matrix, qr_version, render_svg, EcLevel, QrMatrix, RenderOptions, MAX_RENDER_PIXELS,
};
pub use error::QrImageError;
