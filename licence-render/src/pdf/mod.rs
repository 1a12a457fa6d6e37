//! The licence as a PDF/A-3u document, drawn natively (no browser): A4, the
//! printable page's layout, Thai shaped by rustybuzz in an embedded subset
//! of Sarabun, the QR code as vector rectangles, XMP metadata naming the
//! licence, an sRGB output intent, and the signed credential embedded as
//! associated files (`/AF`, `AFRelationship /Data`). The document carries an
//! empty signature field for the agency's PAdES signature (`elicence-pades`).
//!
//! Every text line is a marked-content `/Span` with `/ActualText`, so a PDF
//! reader's copy and search, `pdftotext` and `elicence verify` get back the
//! exact Unicode text (Thai as signed, never re-normalised), while the glyphs
//! are those the shaper chose. CIDs are the font's own glyph ids (a
//! `/CIDToGIDMap` stream maps them into the subset), so [`read`] can reshape a
//! line's text and check the glyphs drawn are that text.

mod font;
mod layout;
pub mod read;
mod write;
mod xmp;

use elicence_core::qr::Secured;
use elicence_qr_image::EcLevel;
use time::OffsetDateTime;

pub use font::Weight;

use crate::printed::{credential_json, PrintedLicence};
use crate::RenderError;

/// Name of the (initially empty) signature field the agency signs.
pub const SIGNATURE_FIELD_NAME: &str = "AgencySignature";

/// File name of the embedded Data Integrity credential.
pub const CREDENTIAL_JSON_NAME: &str = "credential.json";
/// File name of the embedded vc+jwt credential.
pub const CREDENTIAL_JWT_NAME: &str = "credential.vc.jwt";

/// A file carried in the PDF as an associated file of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// File name (`/F` and `/UF`).
    pub name: String,
    /// MIME type (the embedded file's `/Subtype`).
    pub mime: String,
    /// What it is, for a person (`/Desc`).
    pub description: String,
    /// Its bytes, exactly.
    pub bytes: Vec<u8>,
}

impl Attachment {
    /// The signed credential in JSON (Data Integrity proof), as `application/vc`.
    pub fn credential_json(bytes: Vec<u8>) -> Self {
        Attachment {
            name: CREDENTIAL_JSON_NAME.into(),
            mime: "application/vc".into(),
            description: "ข้อมูลรับรองใบอนุญาตที่ลงลายมือชื่อดิจิทัล (W3C Verifiable Credential, Data Integrity) / The signed licence credential".into(),
            bytes,
        }
    }

    /// The signed credential as a vc+jwt (VC-JOSE-COSE), as `application/vc+jwt`.
    pub fn credential_jwt(jwt: &str) -> Self {
        Attachment {
            name: CREDENTIAL_JWT_NAME.into(),
            mime: "application/vc+jwt".into(),
            description:
                "ข้อมูลรับรองใบอนุญาตในรูปแบบ vc+jwt / The signed licence credential as a vc+jwt".into(),
            bytes: jwt.as_bytes().to_vec(),
        }
    }
}

/// The credential forms a licence PDF carries.
#[derive(Debug, Clone, Default)]
pub struct CredentialForms {
    /// The JSON credential with its Data Integrity proof, as signed (bytes kept exactly).
    pub json: Option<Vec<u8>>,
    /// The same licence as a vc+jwt.
    pub jwt: Option<String>,
}

impl CredentialForms {
    /// The form the printed page describes: the JSON credential when present.
    pub fn primary(&self) -> Result<Secured, RenderError> {
        if let Some(json) = &self.json {
            let doc = elicence_core::json::parse_strict(json)
                .map_err(|e| RenderError::NotALicence(format!("credential.json: {e}")))?;
            return Ok(Secured::Json(doc));
        }
        match &self.jwt {
            Some(jwt) => Ok(Secured::Jwt(jwt.clone())),
            None => Err(RenderError::NotALicence("no credential to render".into())),
        }
    }

    /// Every form as an attachment, JSON first.
    pub fn attachments(&self) -> Vec<Attachment> {
        let mut out = Vec::new();
        if let Some(json) = &self.json {
            out.push(Attachment::credential_json(json.clone()));
        }
        if let Some(jwt) = &self.jwt {
            out.push(Attachment::credential_jwt(jwt));
        }
        out
    }
}

/// Renders the licence PDF (unsigned; `elicence-pades` signs it), created at
/// `created` (the XMP and information dates, and the files' modification date).
/// The page describes `forms.primary()` with the QR code at level `ec`
/// (`link_qr`: the access link instead of the credential).
pub fn render_pdf(
    forms: &CredentialForms,
    ec: EcLevel,
    link_qr: bool,
    created: OffsetDateTime,
) -> Result<Vec<u8>, RenderError> {
    let (printed, _) = PrintedLicence::new(&forms.primary()?, ec, link_qr)?;
    write::write_pdf(&printed, &forms.attachments(), created)
}

/// The text lines a licence PDF made by [`render_pdf`] shows, in drawing
/// order, for a credential and the render options.
pub fn expected_lines(
    credential: &Secured,
    ec: EcLevel,
    link_qr: bool,
) -> Result<Vec<String>, RenderError> {
    let (printed, _) = PrintedLicence::new(credential, ec, link_qr)?;
    Ok(layout::layout(&printed)?
        .into_iter()
        .flat_map(|page| page.items)
        .filter_map(|item| match item {
            layout::Item::Text(line) => Some(line.text),
            _ => None,
        })
        .collect())
}

/// The credential's licence fields as printed (for a person-readable report
/// of what the PDF says).
pub fn licence_text(credential: &Secured) -> Result<Vec<String>, RenderError> {
    let (printed, _) = PrintedLicence::new(credential, EcLevel::Q, true)?;
    layout::licence_lines(&printed)
}

/// Reads the JSON of a credential form (for callers holding only the JWT).
pub fn credential_document(credential: &Secured) -> Result<serde_json::Value, RenderError> {
    credential_json(credential)
}
