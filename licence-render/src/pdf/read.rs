//! Reading a licence PDF back, for `elicence verify`: the associated files
//! (the embedded credential) and the visible text lines, each with the glyphs
//! drawn for it. Uses lopdf; the signature itself is checked by
//! `elicence-pades`.

use elicence_core::qr::Secured;
use elicence_qr_image::EcLevel;
use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object};

use super::font::{shape, Weight};
use super::{expected_lines, Attachment};
use crate::RenderError;

/// A line of text as the page draws it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisibleLine {
    /// Its `/ActualText`: what copy, search and extraction give back.
    pub text: String,
    /// The face it is set in, when it is one of ours.
    pub weight: Option<Weight>,
    /// The glyphs drawn (CIDs, which in our PDFs are the font's glyph ids).
    pub cids: Vec<u16>,
}

impl VisibleLine {
    /// True when the glyphs drawn are exactly the shaping of the text in our
    /// font: the line shows what it says it shows.
    pub fn glyphs_match_text(&self) -> bool {
        let Some(weight) = self.weight else {
            return false;
        };
        match shape(&self.text, weight) {
            Ok(shaped) => shaped
                .glyphs
                .iter()
                .map(|g| g.gid)
                .eq(self.cids.iter().copied()),
            Err(_) => false,
        }
    }
}

/// What a licence PDF carries and shows.
#[derive(Debug, Clone, Default)]
pub struct LicencePdf {
    /// The document's associated files (`/AF`), in order.
    pub attachments: Vec<Attachment>,
    /// Every page's text lines, in drawing order.
    pub lines: Vec<VisibleLine>,
}

fn pdf_err(what: &str) -> impl Fn(lopdf::Error) -> RenderError + '_ {
    move |e| RenderError::Pdf(format!("{what}: {e}"))
}

fn resolve<'a>(doc: &'a Document, obj: &'a Object) -> Result<&'a Object, RenderError> {
    doc.dereference(obj)
        .map(|(_, o)| o)
        .map_err(pdf_err("a reference does not resolve"))
}

fn dict<'a>(doc: &'a Document, obj: &'a Object) -> Result<&'a Dictionary, RenderError> {
    resolve(doc, obj)?
        .as_dict()
        .map_err(pdf_err("expected a dictionary"))
}

/// A PDF text string (UTF-16BE with BOM, or PDFDocEncoding taken as Latin-1).
fn text_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
            .collect();
        String::from_utf16_lossy(&units)
    } else if let Ok(s) = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
    {
        s.to_owned()
    } else {
        bytes.iter().map(|&b| char::from(b)).collect()
    }
}

/// Reads the associated files and visible text of a PDF (the latest revision).
pub fn read(bytes: &[u8]) -> Result<LicencePdf, RenderError> {
    let doc = Document::load_mem(bytes).map_err(pdf_err("not a readable PDF"))?;
    if doc.is_encrypted() {
        return Err(RenderError::Pdf("the PDF is encrypted".into()));
    }
    let catalog = doc.catalog().map_err(pdf_err("no catalog"))?;
    let mut out = LicencePdf::default();
    if let Ok(af) = catalog.get(b"AF") {
        let af = resolve(&doc, af)?
            .as_array()
            .map_err(pdf_err("/AF is not an array"))?;
        for spec in af {
            out.attachments.push(attachment(&doc, dict(&doc, spec)?)?);
        }
    }
    for (_, page_id) in doc.get_pages() {
        let content = doc
            .get_page_content(page_id)
            .map_err(pdf_err("page content"))?;
        let content = Content::decode(&content).map_err(pdf_err("page content syntax"))?;
        out.lines.extend(lines(&content));
    }
    Ok(out)
}

fn attachment(doc: &Document, spec: &Dictionary) -> Result<Attachment, RenderError> {
    let name = spec
        .get(b"UF")
        .or_else(|_| spec.get(b"F"))
        .and_then(Object::as_str)
        .map(text_string)
        .map_err(pdf_err("a file specification has no name"))?;
    let description = spec
        .get(b"Desc")
        .and_then(Object::as_str)
        .map(text_string)
        .unwrap_or_default();
    let ef = dict(
        doc,
        spec.get(b"EF")
            .map_err(pdf_err("a file specification has no /EF"))?,
    )?;
    let file = ef
        .get(b"UF")
        .or_else(|_| ef.get(b"F"))
        .map_err(pdf_err("/EF has no file"))?;
    let stream = resolve(doc, file)?
        .as_stream()
        .map_err(pdf_err("an embedded file is not a stream"))?;
    let mime = stream
        .dict
        .get(b"Subtype")
        .and_then(Object::as_name)
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .unwrap_or_default();
    let bytes = if stream.dict.get(b"Filter").is_ok() {
        stream
            .decompressed_content()
            .map_err(pdf_err("an embedded file does not decompress"))?
    } else {
        stream.content.clone()
    };
    Ok(Attachment {
        name,
        mime,
        description,
        bytes,
    })
}

/// Text lines: each `/Span` with `/ActualText`, and the glyphs shown inside it.
fn lines(content: &Content) -> Vec<VisibleLine> {
    let mut out = Vec::new();
    let mut current: Option<VisibleLine> = None;
    let mut font: Option<Weight> = None;
    let mut depth = 0usize;
    for op in &content.operations {
        match op.operator.as_str() {
            "BDC" => {
                depth += 1;
                let actual = op
                    .operands
                    .get(1)
                    .and_then(|o| o.as_dict().ok())
                    .and_then(|d| d.get(b"ActualText").ok())
                    .and_then(|t| t.as_str().ok())
                    .map(text_string);
                if let (Some(text), None) = (actual, &current) {
                    current = Some(VisibleLine {
                        text,
                        weight: None,
                        cids: Vec::new(),
                    });
                }
            }
            "BMC" => depth += 1,
            "EMC" => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    if let Some(line) = current.take() {
                        out.push(line);
                    }
                }
            }
            "Tf" => {
                font = op
                    .operands
                    .first()
                    .and_then(|n| n.as_name().ok())
                    .and_then(Weight::from_resource);
            }
            "Tj" | "TJ" | "'" | "\"" => {
                let strings: Vec<&[u8]> = match op.operator.as_str() {
                    "TJ" => op
                        .operands
                        .first()
                        .and_then(|a| a.as_array().ok())
                        .map(|a| a.iter().filter_map(|o| o.as_str().ok()).collect())
                        .unwrap_or_default(),
                    _ => op.operands.iter().filter_map(|o| o.as_str().ok()).collect(),
                };
                let cids = strings.iter().flat_map(|s| {
                    s.chunks(2)
                        .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                });
                match &mut current {
                    Some(line) => {
                        if line.weight.is_none() && line.cids.is_empty() {
                            line.weight = font;
                        } else if line.weight != font {
                            line.weight = None;
                        }
                        line.cids.extend(cids);
                    }
                    None => {
                        // Glyphs outside any ActualText span: text nobody
                        // can extract, so it cannot be compared; reported
                        // as a line of unknown text.
                        out.push(VisibleLine {
                            text: String::new(),
                            weight: None,
                            cids: cids.collect(),
                        });
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(line) = current.take() {
        out.push(line);
    }
    out
}

/// Why a PDF's visible text is not what elicence draws for its credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextMismatch {
    /// A line's glyphs are not the shaping of its text (it shows something else).
    GlyphsDiffer {
        /// The text the line claims.
        text: String,
    },
    /// The lines differ from the licence drawn for the credential.
    LinesDiffer {
        /// First line expected that is not there (or not there in order).
        expected: Option<String>,
        /// The line found in its place.
        found: Option<String>,
    },
}

impl std::fmt::Display for TextMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TextMismatch::GlyphsDiffer { text } => {
                write!(
                    f,
                    "the glyphs drawn for the line {text:?} are not that text"
                )
            }
            TextMismatch::LinesDiffer { expected, found } => write!(
                f,
                "the page shows {} where the credential's licence reads {}",
                found
                    .as_deref()
                    .map_or("nothing".into(), |s| format!("{s:?}")),
                expected
                    .as_deref()
                    .map_or("nothing more".into(), |s| format!("{s:?}")),
            ),
        }
    }
}

/// Checks that the page text is exactly the licence elicence draws for
/// `credential` (under any of the render options: QR error-correction level,
/// credential or link in the QR code), and that every line's glyphs are its
/// text.
pub fn check_text(pdf: &LicencePdf, credential: &Secured) -> Result<(), TextMismatch> {
    for line in &pdf.lines {
        if !line.glyphs_match_text() {
            return Err(TextMismatch::GlyphsDiffer {
                text: line.text.clone(),
            });
        }
    }
    let found: Vec<&str> = pdf.lines.iter().map(|l| l.text.as_str()).collect();
    let mut closest: Option<(usize, TextMismatch)> = None;
    for link_qr in [false, true] {
        for ec in [EcLevel::Q, EcLevel::H, EcLevel::M, EcLevel::L] {
            let Ok(expected) = expected_lines(credential, ec, link_qr) else {
                continue;
            };
            if expected
                .iter()
                .map(String::as_str)
                .eq(found.iter().copied())
            {
                return Ok(());
            }
            let same = expected
                .iter()
                .zip(&found)
                .take_while(|(e, f)| e.as_str() == **f)
                .count();
            if closest.as_ref().is_none_or(|(n, _)| same > *n) {
                closest = Some((
                    same,
                    TextMismatch::LinesDiffer {
                        expected: expected.get(same).cloned(),
                        found: found.get(same).map(|s| (*s).to_owned()),
                    },
                ));
            }
        }
    }
    Err(closest.map(|c| c.1).unwrap_or(TextMismatch::LinesDiffer {
        expected: None,
        found: found.first().map(|s| (*s).to_owned()),
    }))
}
