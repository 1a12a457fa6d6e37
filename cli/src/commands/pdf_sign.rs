//! The agency's PAdES signature on `elicence render --pdf` output: the
//! X.509 certificate (with its chain) and the P-256 key from PEM files, the
//! key encrypted or not (its passphrase asked for like every agency key),
//! and an optional RFC 3161 TSA for a B-T signature.

use elicence_core::keys::SigningKey;
use elicence_pades::{sign_pdf, PdfSigner, SignOptions};
use time::OffsetDateTime;

use crate::cli::RenderArgs;
use crate::error::CliError;
use crate::io;

/// Signs `pdf` when `--sign-cert`/`--sign-key` were given; else returns it unsigned.
pub fn sign_if_asked(a: &RenderArgs, pdf: Vec<u8>) -> Result<Vec<u8>, CliError> {
    let (Some(cert_path), Some(key_path)) = (&a.sign_cert, &a.sign_key) else {
        eprintln!("note: the PDF is not signed (give --sign-cert and --sign-key for the agency's PAdES signature)");
        return Ok(pdf);
    };
    let chain = elicence_pades::read_certificates(&io::read_input(cert_path)?)
        .map_err(|e| CliError::Usage(format!("{}: {e}", cert_path.display())))?;
    let key = match super::load_key(key_path, &a.pass)? {
        SigningKey::P256(k) => k,
        _ => {
            return Err(CliError::Usage(format!(
                "{}: PDF signatures need an ECDSA P-256 key (Ed25519 is not accepted by PDF readers; P-384 is not supported yet)",
                key_path.display()
            )))
        }
    };
    let signer = PdfSigner::new(key, chain)
        .map_err(|e| CliError::Usage(format!("{}: {e}", cert_path.display())))?;
    let tsa = a.tsa.clone();
    let stamper = move |data: &[u8]| -> Result<_, elicence_pades::PadesError> {
        elicence_pades::tsp::request_token(tsa.as_deref().unwrap_or_default(), data)
    };
    let options = SignOptions {
        time: OffsetDateTime::now_utc(),
        reason: Some(
            "ใบอนุญาตอิเล็กทรอนิกส์ออกโดยหน่วยงาน / Electronic licence issued by the agency".into(),
        ),
        time_stamper: if a.tsa.is_some() {
            Some(&stamper)
        } else {
            None
        },
    };
    let signed = sign_pdf(&pdf, None, &signer, &options)
        .map_err(|e| CliError::Usage(format!("signing the PDF: {e}")))?;
    eprintln!(
        "PDF signed (PAdES {}) by {}",
        if a.tsa.is_some() {
            "B-T, time-stamped"
        } else {
            "B-B"
        },
        signer
            .chain
            .first()
            .map(|c| c.tbs_certificate.subject.to_string())
            .unwrap_or_default()
    );
    Ok(signed)
}
