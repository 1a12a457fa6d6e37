//! The XMP packet of a licence PDF: PDF/A identification (part 3,
//! conformance U) and what a records system indexes, in standard schemas
//! only (PDF/A would need an extension schema for anything else):
//! `dc:identifier` the licence IRI, `dc:publisher` the issuing agency (name
//! and DID), `dc:type` the licence type, `dc:title`, `dc:creator`,
//! `dc:description`, `dc:language`, and the document-information twins
//! (`pdf:Producer`, `pdf:Keywords`, `xmp:CreatorTool`, dates).

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::printed::PrintedLicence;

/// What the XMP packet and the document information dictionary say.
pub(crate) struct DocumentMetadata {
    pub title: String,
    pub creator: String,
    pub description: String,
    pub keywords: String,
    pub creator_tool: String,
    pub producer: String,
    pub identifier: String,
    pub publisher: Vec<String>,
    pub doc_type: String,
    pub date: String,
}

impl DocumentMetadata {
    pub(crate) fn of(p: &PrintedLicence, created: OffsetDateTime) -> Self {
        let l = &p.licence;
        let date = created
            .to_offset(time::UtcOffset::UTC)
            .replace_nanosecond(0)
            .unwrap_or(created)
            .format(&Rfc3339)
            .unwrap_or_default();
        DocumentMetadata {
            title: format!("{} {}", l.licence_type_name.th, l.licence_number),
            creator: l.issuer_name.th.clone(),
            description: format!(
                "{} / {} — {} ({})",
                l.licence_type_name.th,
                l.licence_type_name.en,
                l.licensee_name.th,
                l.licence_number
            ),
            keywords: format!(
                "{}; {}; {}",
                l.licence_type_code,
                l.licence_number,
                l.iri.as_str()
            ),
            creator_tool: format!("elicence {}", env!("CARGO_PKG_VERSION")),
            producer: format!("elicence-render {} (pdf-writer)", env!("CARGO_PKG_VERSION")),
            identifier: l.iri.as_str().to_owned(),
            publisher: vec![
                format!("{} / {}", l.issuer_name.th, l.issuer_name.en),
                l.issuer_id.clone(),
            ],
            doc_type: format!(
                "{} ({} / {})",
                l.licence_type_code, l.licence_type_name.th, l.licence_type_name.en
            ),
            date,
        }
    }
}

/// XML-escapes text for element content.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// The packet, UTF-8, with the read-only trailer.
pub(crate) fn xmp_packet(m: &DocumentMetadata) -> String {
    let publishers: String = m
        .publisher
        .iter()
        .map(|p| format!("<rdf:li>{}</rdf:li>", esc(p)))
        .collect();
    format!(
        r#"<?xpacket begin="﻿" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
 xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<pdfaid:part>3</pdfaid:part>
<pdfaid:conformance>U</pdfaid:conformance>
<dc:format>application/pdf</dc:format>
<dc:identifier>{identifier}</dc:identifier>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{creator}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{description}</rdf:li></rdf:Alt></dc:description>
<dc:publisher><rdf:Bag>{publishers}</rdf:Bag></dc:publisher>
<dc:type><rdf:Bag><rdf:li>{doc_type}</rdf:li></rdf:Bag></dc:type>
<dc:language><rdf:Bag><rdf:li>th</rdf:li><rdf:li>en</rdf:li></rdf:Bag></dc:language>
<pdf:Producer>{producer}</pdf:Producer>
<pdf:Keywords>{keywords}</pdf:Keywords>
<xmp:CreatorTool>{creator_tool}</xmp:CreatorTool>
<xmp:CreateDate>{date}</xmp:CreateDate>
<xmp:ModifyDate>{date}</xmp:ModifyDate>
<xmp:MetadataDate>{date}</xmp:MetadataDate>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="r"?>"#,
        identifier = esc(&m.identifier),
        title = esc(&m.title),
        creator = esc(&m.creator),
        description = esc(&m.description),
        producer = esc(&m.producer),
        keywords = esc(&m.keywords),
        creator_tool = esc(&m.creator_tool),
        doc_type = esc(&m.doc_type),
        date = m.date,
    )
}
