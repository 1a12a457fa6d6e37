//! elicence-render: the licence's presentation, in one place.
//!
//! A licence is shown three ways: the License Access page the issuer serves
//! at a licence IRI ([`html::licence_page`]), the printable A4 page
//! (`elicence render`, [`html::printable_page`]) and the PDF/A-3 licence with
//! the signed credential embedded ([`pdf::render_pdf`]), which the issuer and
//! `elicence render --pdf` sign with PAdES (crate `elicence-pades`). All three
//! draw the same [`PrintedLicence`]: the same fields, the same Buddhist Era and
//! Gregorian dates, Thai first. [`pdf::read`] reads a licence PDF back for
//! `elicence verify`: the embedded credential and the visible text.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod dates;
pub mod html;
pub mod pdf;
mod printed;

pub use printed::{
    credential_json, qr_side_mm, suite_name, Field, FieldValue, PrintedLicence, QrContent,
    QrFallback, QUIET_ZONE_MODULES,
};

use elicence_core::licence::LicenceError;
use elicence_core::qr::QrError;
use elicence_qr_image::QrImageError;

/// Why a licence could not be rendered or read back.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The credential is not a business licence elicence can print.
    #[error("not an elicence licence: {0}")]
    NotALicence(String),
    /// The credential's licence data is invalid.
    #[error(transparent)]
    Licence(#[from] LicenceError),
    /// The credential cannot be encoded for the QR code.
    #[error(transparent)]
    Qr(#[from] QrError),
    /// The QR code cannot be drawn.
    #[error(transparent)]
    QrImage(#[from] QrImageError),
    /// The embedded font could not be read or subset (a build defect).
    #[error("font: {0}")]
    Font(String),
    /// A PDF given to read is not a licence PDF we can read.
    #[error("PDF: {0}")]
    Pdf(String),
}
