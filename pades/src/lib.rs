//! elicence-pades: the agency's signature on a licence PDF.
//!
//! PAdES baseline signatures (ETSI EN 319 142-1): B-B (CMS SignedData,
//! `/SubFilter /ETSI.CAdES.detached`, signing-certificate-v2, the agency's
//! X.509 certificate, ECDSA P-256) and B-T (plus an RFC 3161 signature
//! time-stamp from a TSA), written as an incremental update into the
//! document's empty signature field ([`sign_pdf`]), and their offline
//! verification ([`verify_pdf`]): byte range, no change after signing,
//! the CMS signature, the certificate chain to configured roots, the
//! time-stamp. Built on RustCrypto's `cms`, `x509-cert`, `x509-tsp`, `der`
//! and `p256`; the PDF is read with lopdf.
//!
//! Feature `tsa-client` posts time-stamp requests over HTTP(S); feature
//! `testing` brings a throwaway CA and a local TSA for tests.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod cms;
pub mod oids;
mod sign;
#[cfg(feature = "testing")]
pub mod testing;
pub mod tsp;
mod update;
mod verify;

pub use sign::{sign_pdf, PdfSigner, SignOptions};
pub use verify::{
    p256_key_of as certificate_key, verify_pdf, CheckOutcome, PdfCheck, PdfSignatureReport,
};

use der::{Decode as _, DecodePem as _};
use x509_cert::Certificate;

/// Why signing or reading a signature failed.
#[derive(Debug, thiserror::Error)]
pub enum PadesError {
    /// The PDF or the signature is not well formed.
    #[error("malformed: {0}")]
    Malformed(String),
    /// The document has no empty signature field to sign.
    #[error("the PDF has no empty signature field to sign")]
    NoSignatureField,
    /// A certificate is missing, unusable or does not match the key.
    #[error("certificate: {0}")]
    Certificate(String),
    /// An algorithm we do not implement.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// The time-stamp could not be obtained or is not acceptable.
    #[error("time-stamp: {0}")]
    TimeStamp(String),
    /// ASN.1 encoding failed (a defect, not bad input).
    #[error("DER: {0}")]
    Der(String),
}

impl PadesError {
    pub(crate) fn der(e: der::Error) -> Self {
        PadesError::Der(e.to_string())
    }
}

/// Reads certificates from PEM (any number of `CERTIFICATE` blocks) or one DER certificate.
pub fn read_certificates(bytes: &[u8]) -> Result<Vec<Certificate>, PadesError> {
    if bytes.first() == Some(&0x30) {
        return Certificate::from_der(bytes)
            .map(|c| vec![c])
            .map_err(|e| PadesError::Certificate(format!("not a DER certificate: {e}")));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| PadesError::Certificate("neither PEM nor DER".into()))?;
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN CERTIFICATE-----") {
        let end_marker = "-----END CERTIFICATE-----";
        let Some(end) = rest[start..].find(end_marker) else {
            return Err(PadesError::Certificate(
                "an unterminated PEM certificate".into(),
            ));
        };
        let block = &rest[start..start + end + end_marker.len()];
        out.push(
            Certificate::from_pem(block.as_bytes())
                .map_err(|e| PadesError::Certificate(format!("a PEM certificate: {e}")))?,
        );
        rest = &rest[start + end + end_marker.len()..];
    }
    if out.is_empty() {
        return Err(PadesError::Certificate(
            "no CERTIFICATE in the PEM file".into(),
        ));
    }
    Ok(out)
}
