//! Signing a licence PDF: PAdES B-B, and B-T with a time-stamp.
//!
//! The document's empty signature field gets its value in one incremental
//! update: a signature dictionary (`/Filter /Adobe.PPKLite /SubFilter
//! /ETSI.CAdES.detached`, `/M` the claimed signing time, `/ByteRange` and a
//! `/Contents` placeholder), the field with `/V`, and the AcroForm with
//! `/SigFlags 3`. The byte range covers the whole file except the
//! `/Contents` hex string, whose CMS SignedData is computed last.

use std::io::Write as _;

use lopdf::{Dictionary, Document, Object, ObjectId};
use p256::ecdsa::SigningKey;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use x509_cert::Certificate;

use crate::cms::{sign_detached, CmsSigner};
use crate::update::{find, Update};
use crate::PadesError;

/// The agency's PDF signing credentials: an ECDSA P-256 key and its X.509
/// certificate chain (signer first, then intermediates; the root may follow).
pub struct PdfSigner {
    /// The private key (kept in memory only; zeroised on drop by p256).
    pub key: SigningKey,
    /// The chain embedded in the signature.
    pub chain: Vec<Certificate>,
}

impl std::fmt::Debug for PdfSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PdfSigner")
            .field(
                "subject",
                &self
                    .chain
                    .first()
                    .map(|c| c.tbs_certificate.subject.to_string()),
            )
            .finish_non_exhaustive()
    }
}

impl PdfSigner {
    /// Pairs a key with its chain, checking the first certificate is the key's.
    pub fn new(key: SigningKey, chain: Vec<Certificate>) -> Result<Self, PadesError> {
        let cert = chain
            .first()
            .ok_or_else(|| PadesError::Certificate("no certificate given".into()))?;
        let cert_key = crate::verify::p256_key_of(cert)?;
        if &cert_key != key.verifying_key() {
            return Err(PadesError::Certificate(
                "the certificate is not for this key".into(),
            ));
        }
        Ok(PdfSigner { key, chain })
    }
}

/// Obtains an RFC 3161 time-stamp token for a signature value.
pub type TimeStamper = dyn Fn(&[u8]) -> Result<cms::content_info::ContentInfo, PadesError>;

/// How to sign.
pub struct SignOptions<'a> {
    /// The claimed signing time (`/M`).
    pub time: OffsetDateTime,
    /// Why, for a person (`/Reason`).
    pub reason: Option<String>,
    /// Gets an RFC 3161 token for the signature value (B-T); `None` for B-B.
    pub time_stamper: Option<&'a TimeStamper>,
}

/// Bytes reserved for the CMS signature: the chain, the signature, and a
/// time-stamp token with the TSA's chain.
fn reserved_size(signer: &PdfSigner, time_stamped: bool) -> usize {
    let certs: usize = signer
        .chain
        .iter()
        .map(|c| der::Encode::encoded_len(c).map_or(2048, |l| u32::from(l) as usize))
        .sum();
    2048 + certs + if time_stamped { 8192 } else { 0 }
}

const BYTE_RANGE_PLACEHOLDER: &[u8] = b"/ByteRange [0 0000000000 0000000000 0000000000]";

fn pdf_date(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "D:{:04}{:02}{:02}{:02}{:02}{:02}+00'00'",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// A PDF text string: UTF-16BE with a byte order mark.
fn text_string(s: &str) -> Vec<u8> {
    let mut out = vec![0xFE, 0xFF];
    for unit in s.encode_utf16() {
        out.extend_from_slice(&unit.to_be_bytes());
    }
    out
}

fn resolve_dict(
    doc: &Document,
    obj: &Object,
) -> Result<(Option<ObjectId>, Dictionary), PadesError> {
    let (id, obj) = doc
        .dereference(obj)
        .map_err(|e| PadesError::Malformed(e.to_string()))?;
    let dict = obj
        .as_dict()
        .map_err(|_| PadesError::Malformed("expected a dictionary".into()))?;
    Ok((id, dict.clone()))
}

/// Signs `pdf` in its empty signature field (named `field`, or the first
/// empty one) and returns the signed file.
pub fn sign_pdf(
    pdf: &[u8],
    field: Option<&str>,
    signer: &PdfSigner,
    options: &SignOptions<'_>,
) -> Result<Vec<u8>, PadesError> {
    let doc = Document::load_mem(pdf).map_err(|e| PadesError::Malformed(e.to_string()))?;
    let root = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|_| PadesError::Malformed("no /Root".into()))?;
    let catalog = doc
        .get_object(root)
        .and_then(Object::as_dict)
        .map_err(|_| PadesError::Malformed("no catalog".into()))?;
    let acroform_obj = catalog
        .get(b"AcroForm")
        .map_err(|_| PadesError::NoSignatureField)?;
    let (acroform_id, mut acroform) = resolve_dict(&doc, acroform_obj)?;
    let fields = acroform
        .get(b"Fields")
        .and_then(Object::as_array)
        .map_err(|_| PadesError::NoSignatureField)?
        .clone();
    let mut chosen: Option<(ObjectId, Dictionary)> = None;
    for f in &fields {
        let (Some(id), dict) = resolve_dict(&doc, f)? else {
            continue;
        };
        let is_sig = dict.get(b"FT").and_then(Object::as_name).ok() == Some(b"Sig".as_slice());
        let empty = dict.get(b"V").is_err();
        let name = dict
            .get(b"T")
            .and_then(Object::as_str)
            .map(|t| String::from_utf8_lossy(t).into_owned())
            .unwrap_or_default();
        let named = field.is_none_or(|want| name == want || name.contains(want));
        if is_sig && empty && named {
            chosen = Some((id, dict));
            break;
        }
    }
    let (field_id, mut field_dict) = chosen.ok_or(PadesError::NoSignatureField)?;

    let mut update = Update::new(pdf, &doc);
    let sig_id = update.allocate();
    let reserved = reserved_size(signer, options.time_stamper.is_some());
    let mut sig = Vec::new();
    sig.extend_from_slice(
        b"<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /M ",
    );
    crate::update::write_object(
        &mut sig,
        &Object::String(
            pdf_date(options.time).into_bytes(),
            lopdf::StringFormat::Literal,
        ),
    );
    if let Some(reason) = &options.reason {
        sig.extend_from_slice(b" /Reason ");
        crate::update::write_object(
            &mut sig,
            &Object::String(text_string(reason), lopdf::StringFormat::Hexadecimal),
        );
    }
    sig.push(b' ');
    sig.extend_from_slice(BYTE_RANGE_PLACEHOLDER);
    sig.extend_from_slice(b" /Contents <");
    sig.extend(std::iter::repeat_n(b'0', reserved * 2));
    sig.extend_from_slice(b">>>");
    update.put_raw(sig_id, sig);

    field_dict.set("V", Object::Reference(sig_id));
    update.put(field_id, &Object::Dictionary(field_dict));
    acroform.set("SigFlags", Object::Integer(3));
    match acroform_id {
        Some(id) => update.put(id, &Object::Dictionary(acroform)),
        None => {
            let mut catalog = catalog.clone();
            catalog.set("AcroForm", Object::Dictionary(acroform));
            update.put(root, &Object::Dictionary(catalog));
        }
    }
    let mut out = update.finish()?;

    // Byte range around the /Contents hex string.
    let base = pdf.len();
    let br_at = base
        + find(&out[base..], BYTE_RANGE_PLACEHOLDER)
            .ok_or_else(|| PadesError::Malformed("byte range placeholder lost".into()))?;
    let contents_at = br_at
        + find(&out[br_at..], b"/Contents <")
            .ok_or_else(|| PadesError::Malformed("contents placeholder lost".into()))?
        + b"/Contents ".len();
    let contents_end = contents_at + reserved * 2 + 2;
    let range = [0, contents_at, contents_end, out.len() - contents_end];
    let mut br = Vec::new();
    let _ = write!(
        br,
        "/ByteRange [{} {} {} {}]",
        range[0], range[1], range[2], range[3]
    );
    if br.len() > BYTE_RANGE_PLACEHOLDER.len() {
        return Err(PadesError::Malformed(
            "the document is too large to sign".into(),
        ));
    }
    // Pad inside the array so the byte offsets stay put.
    br.pop();
    br.resize(BYTE_RANGE_PLACEHOLDER.len() - 1, b' ');
    br.push(b']');
    out[br_at..br_at + br.len()].copy_from_slice(&br);

    let mut hasher = Sha256::new();
    hasher.update(&out[..contents_at]);
    hasher.update(&out[contents_end..]);
    let digest = hasher.finalize();
    let cms_signer = CmsSigner {
        key: &signer.key,
        chain: &signer.chain,
    };
    let mut stamp =
        |signature: &[u8]| -> Result<Option<cms::content_info::ContentInfo>, PadesError> {
            match options.time_stamper {
                Some(ts) => ts(signature).map(Some),
                None => Ok(None),
            }
        };
    let cms = sign_detached(&cms_signer, &digest, &mut stamp)?;
    if cms.len() > reserved {
        return Err(PadesError::Malformed(format!(
            "the signature ({} bytes) does not fit the {reserved} bytes reserved",
            cms.len()
        )));
    }
    let hex = hex::encode_upper(&cms);
    out[contents_at + 1..contents_at + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(out)
}
