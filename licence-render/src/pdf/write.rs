//! Writes the laid-out licence as PDF/A-3u with pdf-writer.
//!
//! Objects: catalog (with `/AF`, `/Names /EmbeddedFiles`, `/Metadata`,
//! `/OutputIntents`, `/AcroForm` holding one empty signature field, `/Lang`),
//! the page tree, one content stream per page, two Type0/CIDFontType2 fonts
//! (Sarabun Regular and Bold, subset, with `/W`, `/CIDToGIDMap` and
//! `/ToUnicode`), the sRGB ICC profile, the XMP packet, the document
//! information dictionary (matching the XMP, as PDF/A requires), and the
//! credential files with their file specifications.

use std::collections::{BTreeMap, BTreeSet};

use md5::{Digest as _, Md5};
use pdf_writer::types::{AssociationKind, FontFlags, OutputIntentSubtype, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Date, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use time::OffsetDateTime;

use super::font::{hmtx_advance, Weight};
use super::layout::{layout, Item, PageItems, TextLine, PAGE_HEIGHT, PAGE_WIDTH};
use super::xmp::{xmp_packet, DocumentMetadata};
use super::{Attachment, SIGNATURE_FIELD_NAME};
use crate::printed::PrintedLicence;
use crate::RenderError;

const SRGB_ICC: &[u8] = include_bytes!("../../assets/sRGB.icc");

/// Hands out object numbers in order.
struct Refs(i32);

impl Refs {
    fn next(&mut self) -> Ref {
        self.0 += 1;
        Ref::new(self.0)
    }
}

fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

fn pdf_date(t: OffsetDateTime) -> Date {
    let t = t.to_offset(time::UtcOffset::UTC);
    Date::new(u16::try_from(t.year()).unwrap_or(2000))
        .month(u8::from(t.month()))
        .day(t.day())
        .hour(t.hour())
        .minute(t.minute())
        .second(t.second())
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}

/// Glyphs used per face, with the text each stands for (for `/ToUnicode`).
#[derive(Default)]
struct GlyphUse {
    glyphs: BTreeMap<u16, String>,
}

impl GlyphUse {
    fn record(&mut self, line: &TextLine) {
        let text = &line.text;
        let glyphs = &line.shaped.glyphs;
        for (i, g) in glyphs.iter().enumerate() {
            // The glyph's cluster text: from its cluster to the next cluster.
            let end = glyphs[i + 1..]
                .iter()
                .map(|n| n.cluster)
                .find(|&c| c > g.cluster)
                .unwrap_or(text.len());
            let cluster = text.get(g.cluster..end).unwrap_or("");
            // A glyph that shares its cluster with an earlier one (a
            // decomposed SARA AM, a stacked mark) stands for its own char
            // when the font's cmap maps one to it.
            let entry = self.glyphs.entry(g.gid).or_default();
            if entry.is_empty() {
                *entry =
                    own_char(line.weight, g.gid, cluster).unwrap_or_else(|| cluster.to_owned());
            }
        }
    }
}

/// The character of `cluster` that the font maps to `gid`, if any.
fn own_char(weight: Weight, gid: u16, cluster: &str) -> Option<String> {
    let face = weight.face().ok()?;
    cluster
        .chars()
        .find(|&c| face.glyph_index(c).map(|g| g.0) == Some(gid))
        .map(String::from)
}

/// Renders a licence as an unsigned PDF/A-3u document.
pub(crate) fn write_pdf(
    p: &PrintedLicence,
    attachments: &[Attachment],
    created: OffsetDateTime,
) -> Result<Vec<u8>, RenderError> {
    let pages = layout(p)?;
    let mut refs = Refs(0);
    let catalog_id = refs.next();
    let page_tree_id = refs.next();
    let page_ids: Vec<Ref> = pages.iter().map(|_| refs.next()).collect();
    let content_ids: Vec<Ref> = pages.iter().map(|_| refs.next()).collect();
    let font_ids: BTreeMap<Weight, [Ref; 6]> = Weight::ALL
        .iter()
        .map(|w| (*w, [(); 6].map(|()| refs.next())))
        .collect();
    let icc_id = refs.next();
    let xmp_id = refs.next();
    let info_id = refs.next();
    let acroform_id = refs.next();
    let field_id = refs.next();
    let file_ids: Vec<(Ref, Ref)> = attachments
        .iter()
        .map(|_| (refs.next(), refs.next()))
        .collect();

    let mut pdf = Pdf::new();
    let mut used: BTreeMap<Weight, GlyphUse> = BTreeMap::new();

    // Pages and their content.
    for (i, page) in pages.iter().enumerate() {
        let content = page_content(page, &mut used)?;
        let compressed = deflate(&content);
        pdf.stream(content_ids[i], &compressed)
            .filter(Filter::FlateDecode);
        let mut pg = pdf.page(page_ids[i]);
        pg.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .parent(page_tree_id)
            .contents(content_ids[i]);
        {
            let mut resources = pg.resources();
            let mut fonts = resources.fonts();
            for (w, ids) in &font_ids {
                fonts.pair(Name(w.resource()), ids[0]);
            }
        }
        if i + 1 == pages.len() {
            // The invisible signature field's widget sits on the last page.
            pg.annotations([field_id]);
        }
        pg.finish();
    }
    pdf.pages(page_tree_id)
        .kids(page_ids.iter().copied())
        .count(i32::try_from(page_ids.len()).unwrap_or(1));

    // Fonts: every face is declared; unused ones get an empty subset.
    for (weight, ids) in &font_ids {
        let glyphs = used.remove(weight).unwrap_or_default();
        write_font(&mut pdf, *weight, ids, &glyphs)?;
    }

    // Colour: sRGB output intent.
    let icc = deflate(SRGB_ICC);
    pdf.icc_profile(icc_id, &icc)
        .n(3)
        .filter(Filter::FlateDecode);

    // Metadata.
    let meta = DocumentMetadata::of(p, created);
    let xmp = xmp_packet(&meta);
    pdf.metadata(xmp_id, xmp.as_bytes());
    let date = pdf_date(created);
    pdf.document_info(info_id)
        .title(TextStr(&meta.title))
        .author(TextStr(&meta.creator))
        .subject(TextStr(&meta.description))
        .keywords(TextStr(&meta.keywords))
        .creator(TextStr(&meta.creator_tool))
        .producer(TextStr(&meta.producer))
        .creation_date(date)
        .modified_date(date);

    // Associated files: the signed credential as data of this document.
    for (a, (file_id, spec_id)) in attachments.iter().zip(&file_ids) {
        let compressed = deflate(&a.bytes);
        let checksum = Md5::digest(&a.bytes);
        let mut ef = pdf.embedded_file(*file_id, &compressed);
        ef.subtype(Name(a.mime.as_bytes()));
        ef.filter(Filter::FlateDecode);
        ef.params()
            .size(i32::try_from(a.bytes.len()).unwrap_or(i32::MAX))
            .modification_date(date)
            .checksum(Str(&checksum));
        ef.finish();
        let mut spec = pdf.file_spec(*spec_id);
        spec.path(Str(a.name.as_bytes()))
            .unic_file(TextStr(&a.name))
            .description(TextStr(&a.description))
            .association_kind(AssociationKind::Data);
        spec.insert(Name(b"EF"))
            .dict()
            .pair(Name(b"F"), *file_id)
            .pair(Name(b"UF"), *file_id);
        spec.finish();
    }

    // An empty, invisible signature field for the agency's PAdES signature.
    {
        let mut field = pdf.indirect(field_id).dict();
        field
            .pair(Name(b"Type"), Name(b"Annot"))
            .pair(Name(b"Subtype"), Name(b"Widget"))
            .pair(Name(b"FT"), Name(b"Sig"))
            .pair(Name(b"T"), TextStr(SIGNATURE_FIELD_NAME))
            .pair(Name(b"F"), 132)
            .pair(Name(b"P"), *page_ids.last().unwrap_or(&page_ids[0]));
        field.insert(Name(b"Rect")).array().items([0, 0, 0, 0]);
    }
    {
        let mut form = pdf.indirect(acroform_id).dict();
        form.insert(Name(b"Fields")).array().item(field_id);
        form.pair(Name(b"SigFlags"), 0);
    }

    let mut cat = pdf.catalog(catalog_id);
    cat.pages(page_tree_id)
        .metadata(xmp_id)
        .lang(TextStr("th"))
        .pair(Name(b"AcroForm"), acroform_id);
    cat.output_intents()
        .push()
        .subtype(OutputIntentSubtype::PDFA)
        .output_condition_identifier(TextStr("sRGB IEC61966-2.1"))
        .info(TextStr("sRGB IEC61966-2.1"))
        .dest_output_profile(icc_id);
    cat.insert(Name(b"AF"))
        .array()
        .items(file_ids.iter().map(|(_, spec)| *spec));
    {
        let mut sorted: Vec<(&str, Ref)> = attachments
            .iter()
            .zip(&file_ids)
            .map(|(a, (_, spec))| (a.name.as_str(), *spec))
            .collect();
        sorted.sort_by(|a, b| a.0.cmp(b.0));
        let mut names = cat.names();
        let mut tree = names.embedded_files();
        let mut entries = tree.names();
        for (name, spec) in sorted {
            entries.insert(Str(name.as_bytes()), spec);
        }
    }
    cat.finish();

    let id = document_id(attachments, created);
    pdf.set_file_id((id.clone(), id));
    Ok(pdf.finish())
}

/// The trailer's `/ID`: a digest of what the document carries and when it was made.
fn document_id(attachments: &[Attachment], created: OffsetDateTime) -> Vec<u8> {
    let mut h = Md5::new();
    for a in attachments {
        h.update(&a.bytes);
    }
    h.update(created.unix_timestamp().to_be_bytes());
    h.finalize().to_vec()
}

fn page_content(
    page: &PageItems,
    used: &mut BTreeMap<Weight, GlyphUse>,
) -> Result<Vec<u8>, RenderError> {
    let mut c = Content::new();
    let y = |top: f32| PAGE_HEIGHT - top;
    for item in &page.items {
        match item {
            Item::Frame {
                x,
                y: top,
                w,
                h,
                line,
                color,
            } => {
                c.set_stroke_rgb(color.0, color.1, color.2)
                    .set_line_width(*line)
                    .rect(*x, y(top + h), *w, *h)
                    .stroke();
            }
            Item::Rule {
                x1,
                x2,
                y: top,
                line,
                color,
            } => {
                c.set_stroke_rgb(color.0, color.1, color.2)
                    .set_line_width(*line)
                    .move_to(*x1, y(*top))
                    .line_to(*x2, y(*top))
                    .stroke();
            }
            Item::Qr {
                x,
                y: top,
                module,
                matrix,
            } => {
                let quiet = 4.0 * module;
                let side = matrix.width() as f32 * module;
                c.set_fill_rgb(1.0, 1.0, 1.0)
                    .rect(
                        x - quiet,
                        y(top + side + quiet),
                        side + 2.0 * quiet,
                        side + 2.0 * quiet,
                    )
                    .fill_nonzero();
                c.set_fill_rgb(0.0, 0.0, 0.0);
                for (row, cells) in matrix.rows().enumerate() {
                    let mut col = 0;
                    while col < cells.len() {
                        if !cells[col] {
                            col += 1;
                            continue;
                        }
                        let start = col;
                        while col < cells.len() && cells[col] {
                            col += 1;
                        }
                        let ry = top + (row as f32 + 1.0) * module;
                        c.rect(
                            x + start as f32 * module,
                            y(ry),
                            (col - start) as f32 * module,
                            *module,
                        );
                    }
                }
                c.fill_nonzero();
            }
            Item::Text(line) => {
                used.entry(line.weight).or_default().record(line);
                text_line(&mut c, line, y(line.baseline))?;
            }
        }
    }
    Ok(c.finish().to_vec())
}

/// One line: a `/Span` with `/ActualText` (so extraction and search give
/// back exactly the Unicode text, whatever the glyphs), then the glyphs at
/// the shaper's positions (`TJ` adjustments, text rise for marks raised or
/// lowered).
fn text_line(c: &mut Content, line: &TextLine, baseline: f32) -> Result<(), RenderError> {
    c.begin_marked_content_with_properties(Name(b"Span"))
        .properties()
        .actual_text(TextStr(&line.text));
    c.begin_text()
        .set_fill_rgb(line.color.0, line.color.1, line.color.2)
        .set_font(Name(line.weight.resource()), line.size)
        .set_text_matrix([1.0, 0.0, 0.0, 1.0, line.x, baseline]);
    let glyphs = &line.shaped.glyphs;
    let mut i = 0;
    let mut pen = 0.0f32; // where the shaper's pen is, thousandths of an em
    let mut cursor = 0.0f32; // where the PDF's text position is
    let mut rise = 0.0f32;
    while i < glyphs.len() {
        let segment_rise = glyphs[i].y_offset;
        if (segment_rise - rise).abs() > 0.01 {
            c.set_rise(segment_rise * line.size / 1000.0);
            rise = segment_rise;
        }
        let mut tj = c.show_positioned();
        let mut items = tj.items();
        let mut bytes = Vec::new();
        while i < glyphs.len() && (glyphs[i].y_offset - rise).abs() <= 0.01 {
            let g = glyphs[i];
            let target = pen + g.x_offset;
            let delta = target - cursor;
            if delta.abs() > 0.01 {
                if !bytes.is_empty() {
                    items.show(Str(&bytes));
                    bytes.clear();
                }
                items.adjust(-delta);
            }
            bytes.extend_from_slice(&g.gid.to_be_bytes());
            cursor = target + hmtx_advance(line.weight, g.gid)?;
            pen += g.x_advance;
            i += 1;
        }
        if !bytes.is_empty() {
            items.show(Str(&bytes));
        }
        items.finish();
        tj.finish();
    }
    if rise.abs() > 0.01 {
        c.set_rise(0.0);
    }
    c.end_text();
    c.end_marked_content();
    Ok(())
}

/// Type0 font, CIDFontType2 descendant, descriptor, subset program,
/// CID-to-GID map and ToUnicode map for one face. CIDs are the full font's
/// glyph ids, so `elicence verify` can reshape the text and compare.
fn write_font(
    pdf: &mut Pdf,
    weight: Weight,
    ids: &[Ref; 6],
    used: &GlyphUse,
) -> Result<(), RenderError> {
    let [type0_id, cid_id, descriptor_id, file_id, map_id, unicode_id] = *ids;
    let face = weight.face()?;
    let mut remapper = subsetter::GlyphRemapper::new();
    let gids: BTreeSet<u16> = used.glyphs.keys().copied().collect();
    for gid in &gids {
        remapper.remap(*gid);
    }
    let subset = subsetter::subset(weight.data(), 0, &remapper)
        .map_err(|e| RenderError::Font(format!("subsetting Sarabun: {e:?}")))?;
    let base_font = Name(weight.base_font());

    pdf.type0_font(type0_id)
        .base_font(base_font)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_id)
        .to_unicode(unicode_id);

    let system_info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    {
        let mut cid = pdf.cid_font(cid_id);
        cid.subtype(pdf_writer::types::CidFontType::Type2)
            .base_font(base_font)
            .system_info(system_info)
            .font_descriptor(descriptor_id)
            .default_width(0.0)
            .cid_to_gid_map_stream(map_id);
        let mut widths = cid.widths();
        for gid in &gids {
            widths.consecutive(*gid, [hmtx_advance(weight, *gid)?]);
        }
        widths.finish();
    }

    let scale = 1000.0 / f32::from(face.units_per_em() as u16);
    let bbox = face.global_bounding_box();
    let ascent = f32::from(face.ascender()) * scale;
    let descent = f32::from(face.descender()) * scale;
    let cap_height = face
        .capital_height()
        .map_or(ascent, |h| f32::from(h) * scale);
    pdf.font_descriptor(descriptor_id)
        .name(base_font)
        .flags(FontFlags::SYMBOLIC)
        .bbox(Rect::new(
            f32::from(bbox.x_min) * scale,
            f32::from(bbox.y_min) * scale,
            f32::from(bbox.x_max) * scale,
            f32::from(bbox.y_max) * scale,
        ))
        .italic_angle(0.0)
        .ascent(ascent)
        .descent(descent)
        .cap_height(cap_height)
        .stem_v(if weight == Weight::Bold { 140.0 } else { 80.0 })
        .font_file2(file_id);

    let compressed = deflate(&subset);
    pdf.stream(file_id, &compressed)
        .filter(Filter::FlateDecode)
        .pair(
            Name(b"Length1"),
            i32::try_from(subset.len()).unwrap_or(i32::MAX),
        );

    let max = gids.iter().next_back().copied().unwrap_or(0);
    let mut map = vec![0u8; (usize::from(max) + 1) * 2];
    for gid in &gids {
        let new = remapper.get(*gid).unwrap_or(0);
        let at = usize::from(*gid) * 2;
        map[at..at + 2].copy_from_slice(&new.to_be_bytes());
    }
    let map = deflate(&map);
    pdf.stream(map_id, &map).filter(Filter::FlateDecode);

    let mut cmap = UnicodeCmap::new(Name(b"Adobe-Identity-UCS"), system_info);
    for (gid, text) in &used.glyphs {
        if !text.is_empty() {
            cmap.pair_with_multiple(*gid, text.chars());
        }
    }
    let cmap = cmap.finish();
    let cmap = deflate(&cmap);
    pdf.cmap(unicode_id, &cmap).filter(Filter::FlateDecode);
    Ok(())
}
