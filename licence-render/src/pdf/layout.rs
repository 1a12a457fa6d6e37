//! The printable page's layout in PDF points: the same A4 sheet as the
//! printable HTML page's print CSS (frame, agency header, title and number,
//! the fields table, the proof box with the QR code, the footer), laid out
//! here because a PDF has no layout engine of its own.
//!
//! Text is broken into lines at spaces; a Thai run longer than a line (Thai
//! writes no spaces between words) is broken between syllable clusters,
//! never inside one and never after a leading vowel.

use elicence_qr_image::QrMatrix;

use super::font::{shape, Shaped, Weight};
use crate::printed::{FieldValue, PrintedLicence, QUIET_ZONE_MODULES};
use crate::RenderError;

/// Points per millimetre.
pub(crate) const MM: f32 = 72.0 / 25.4;
/// A4 width in points.
pub(crate) const PAGE_WIDTH: f32 = 210.0 * MM;
/// A4 height in points.
pub(crate) const PAGE_HEIGHT: f32 = 297.0 * MM;

const BODY: f32 = 12.5;
const SMALL: f32 = BODY * 0.86;
const LEADING: f32 = 1.3;

/// An sRGB colour, components 0-1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rgb(pub f32, pub f32, pub f32);

const INK: Rgb = Rgb(0.102, 0.102, 0.102);
const MUTED: Rgb = Rgb(0.333, 0.333, 0.333);
const RULE: Rgb = Rgb(0.043, 0.239, 0.431);
const LIGHT: Rgb = Rgb(0.784, 0.784, 0.784);

/// Which part of the page a line belongs to: the licence itself (compared
/// with the credential by `elicence verify`) or the explanation around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// Agency, title, number and fields.
    Licence,
    /// Proof box, captions and footer.
    Proof,
}

/// One line of text, placed.
#[derive(Debug, Clone)]
pub(crate) struct TextLine {
    pub x: f32,
    /// Baseline, from the top of the page.
    pub baseline: f32,
    pub size: f32,
    pub weight: Weight,
    pub color: Rgb,
    pub text: String,
    pub shaped: Shaped,
    pub part: Part,
}

/// Something drawn on a page; y grows downwards from the top edge.
#[derive(Debug, Clone)]
pub(crate) enum Item {
    Text(TextLine),
    /// A stroked rectangle.
    Frame {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        line: f32,
        color: Rgb,
    },
    /// A horizontal rule.
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
        line: f32,
        color: Rgb,
    },
    /// A QR code: dark modules filled black on a white square.
    Qr {
        x: f32,
        y: f32,
        module: f32,
        matrix: QrMatrix,
    },
}

/// A laid-out page.
#[derive(Debug, Clone, Default)]
pub(crate) struct PageItems {
    pub items: Vec<Item>,
}

/// Frame and content box, in points from the top-left corner.
const FRAME_X: f32 = 14.0 * MM;
const FRAME_Y: f32 = 12.0 * MM;
const FRAME_W: f32 = 182.0 * MM;
const FRAME_H: f32 = 273.0 * MM;
const LEFT: f32 = FRAME_X + 8.5 * MM;
const RIGHT: f32 = FRAME_X + FRAME_W - 8.5 * MM;
const TOP: f32 = FRAME_Y + 7.5 * MM;
const BOTTOM: f32 = FRAME_Y + FRAME_H - 5.5 * MM;
const LABEL_WIDTH: f32 = 49.0 * MM;
const PROOF_PADDING: f32 = 4.0 * MM;

/// Pages being filled, top to bottom.
struct Flow {
    pages: Vec<PageItems>,
    y: f32,
    limit: f32,
}

impl Flow {
    fn new(limit: f32) -> Self {
        let mut flow = Flow {
            pages: Vec::new(),
            y: TOP,
            limit,
        };
        flow.new_page();
        flow
    }

    fn new_page(&mut self) {
        let mut page = PageItems::default();
        page.items.push(Item::Frame {
            x: FRAME_X,
            y: FRAME_Y,
            w: FRAME_W,
            h: FRAME_H,
            line: 0.5 * MM,
            color: RULE,
        });
        page.items.push(Item::Frame {
            x: FRAME_X - 1.0 * MM,
            y: FRAME_Y - 1.0 * MM,
            w: FRAME_W + 2.0 * MM,
            h: FRAME_H + 2.0 * MM,
            line: 0.2 * MM,
            color: RULE,
        });
        self.pages.push(page);
        self.y = TOP;
    }

    fn push(&mut self, item: Item) {
        if let Some(page) = self.pages.last_mut() {
            page.items.push(item);
        }
    }

    /// Room for `height` more points on this page, else a new page.
    fn ensure(&mut self, height: f32) {
        if self.y + height > self.limit && self.y > TOP {
            self.new_page();
        }
    }
}

/// A paragraph's style.
#[derive(Clone, Copy)]
struct Style {
    size: f32,
    weight: Weight,
    color: Rgb,
    part: Part,
}

/// Text broken into lines no wider than `width` points, each shaped.
fn wrap(text: &str, style: Style, width: f32) -> Result<Vec<(String, Shaped)>, RenderError> {
    let shaped = shape(text, style.weight)?;
    let scale = style.size / 1000.0;
    // prefix[i]: advance of everything before byte i.
    let mut advance_at = vec![0.0f32; text.len() + 1];
    for g in &shaped.glyphs {
        if let Some(slot) = advance_at.get_mut(g.cluster + 1) {
            *slot += g.x_advance * scale;
        }
    }
    for i in 1..advance_at.len() {
        advance_at[i] += advance_at[i - 1];
    }
    let prefix = |i: usize| -> f32 {
        // Cluster starts only: the advance sits on the cluster's first byte.
        advance_at[i]
    };
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut lines = Vec::new();
    let mut start = 0usize; // index into chars
    while start < chars.len() {
        let line_start = chars[start].0;
        let mut space_break = None;
        let mut thai_break = None;
        let mut end = chars.len();
        for k in start + 1..=chars.len() {
            let byte = chars.get(k).map_or(text.len(), |c| c.0);
            if k < chars.len() {
                let (prev, c) = (chars[k - 1].1, chars[k].1);
                if prev == ' ' && c != ' ' {
                    // A Buddhist Era year stays with its "พ.ศ.".
                    if !text[line_start..chars[k - 1].0].ends_with("พ.ศ.") {
                        space_break = Some(k);
                    }
                } else if breaks_between(prev, c) {
                    thai_break = Some(k);
                }
            }
            let trimmed_end = text[line_start..byte].trim_end().len() + line_start;
            if prefix(trimmed_end) - prefix(line_start) > width {
                end = space_break.or(thai_break).unwrap_or((k - 1).max(start + 1));
                break;
            }
        }
        let line_end = chars.get(end).map_or(text.len(), |c| c.0);
        let line = text[line_start..line_end].trim();
        if !line.is_empty() {
            lines.push((line.to_owned(), shape(line, style.weight)?));
        }
        start = end;
        while start < chars.len() && chars[start].1 == ' ' {
            start += 1;
        }
    }
    Ok(lines)
}

/// A break between two Thai characters: before a consonant, leading vowel or
/// digit, never before a mark or following vowel, never after a leading vowel.
fn breaks_between(prev: char, c: char) -> bool {
    let thai = |c: char| ('\u{0E01}'..='\u{0E5B}').contains(&c);
    let leading_vowel = |c: char| ('\u{0E40}'..='\u{0E44}').contains(&c);
    let joins_previous = |c: char| matches!(c, '\u{0E30}'..='\u{0E3A}' | '\u{0E45}'..='\u{0E4E}');
    thai(prev) && thai(c) && !joins_previous(c) && !leading_vowel(prev)
}

/// Places a paragraph at `x`, `width` wide, from the flow's cursor.
fn paragraph(
    flow: &mut Flow,
    text: &str,
    style: Style,
    x: f32,
    width: f32,
    align: Align,
) -> Result<(), RenderError> {
    let line_height = style.size * LEADING;
    for (text, shaped) in wrap(text, style, width)? {
        flow.ensure(line_height);
        let w = shaped.width() * style.size / 1000.0;
        let x = match align {
            Align::Left => x,
            Align::Center => x + (width - w) / 2.0,
        };
        let baseline = flow.y + style.size * 0.95 + (line_height - style.size) / 2.0;
        flow.push(Item::Text(TextLine {
            x,
            baseline,
            size: style.size,
            weight: style.weight,
            color: style.color,
            text,
            shaped,
            part: style.part,
        }));
        flow.y += line_height;
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Align {
    Left,
    Center,
}

fn style(size: f32, weight: Weight, color: Rgb, part: Part) -> Style {
    Style {
        size,
        weight,
        color,
        part,
    }
}

/// Thai line then, when present, the muted English line, for a value.
fn value_lines(flow: &mut Flow, value: &FieldValue, x: f32, width: f32) -> Result<(), RenderError> {
    let th = style(BODY, Weight::Regular, INK, Part::Licence);
    let en = style(SMALL, Weight::Regular, MUTED, Part::Licence);
    match value {
        FieldValue::Bilingual { th: t, en: e } => {
            paragraph(flow, t, th, x, width, Align::Left)?;
            if let Some(e) = e {
                paragraph(flow, e, en, x, width, Align::Left)?;
            }
        }
        FieldValue::Number(n) => paragraph(flow, n, th, x, width, Align::Left)?,
        FieldValue::List(items) => {
            for (i, item) in items.iter().enumerate() {
                let before = flow.y;
                let pages = flow.pages.len();
                paragraph(flow, item, th, x + 6.0 * MM, width - 6.0 * MM, Align::Left)?;
                // The number goes on the item's first line.
                let y = if flow.pages.len() == pages {
                    before
                } else {
                    TOP
                };
                let number = format!("{}.", i + 1);
                let shaped = shape(&number, Weight::Regular)?;
                let w = shaped.width() * BODY / 1000.0;
                let marker = TextLine {
                    x: x + 5.0 * MM - w,
                    baseline: y + BODY * 0.95 + (BODY * LEADING - BODY) / 2.0,
                    size: BODY,
                    weight: Weight::Regular,
                    color: INK,
                    text: number,
                    shaped,
                    part: Part::Proof,
                };
                flow.push(Item::Text(marker));
                flow.y += 0.8 * MM;
            }
        }
        FieldValue::Validity {
            from_th,
            until_th,
            from_en,
            until_en,
        } => {
            let (t, e) = FieldValue::validity_lines(from_th, until_th, from_en, until_en);
            paragraph(flow, &t, th, x, width, Align::Left)?;
            paragraph(flow, &e, en, x, width, Align::Left)?;
        }
    }
    Ok(())
}

/// Lays out the whole licence.
pub(crate) fn layout(p: &PrintedLicence) -> Result<Vec<PageItems>, RenderError> {
    let qr_version = p.qr_version()?;
    let matrix = elicence_qr_image::qr_matrix(&p.qr_payload, p.ec)?;
    let qr_side = p.qr_side_mm()? as f32 * MM;
    // The QR code and its caption on the left; the text beside it needs a
    // little more than the code's height.
    let proof_height = qr_side + 2.0 * PROOF_PADDING + 9.0 * MM;
    let footer_height = 10.0 * MM;
    let mut flow = Flow::new(BOTTOM - proof_height - footer_height - 4.0 * MM);
    let width = RIGHT - LEFT;
    let _ = qr_version;

    // Agency.
    if let FieldValue::Bilingual { th, en } = p.agency() {
        let s = style(BODY * 1.4, Weight::Bold, RULE, Part::Licence);
        paragraph(&mut flow, &th, s, LEFT, width, Align::Center)?;
        if let Some(en) = en {
            let s = style(SMALL, Weight::Regular, MUTED, Part::Licence);
            paragraph(&mut flow, &en, s, LEFT, width, Align::Center)?;
        }
    }
    flow.y += 3.0 * MM;
    for dy in [0.0, 0.55 * MM] {
        flow.push(Item::Rule {
            x1: LEFT,
            x2: RIGHT,
            y: flow.y + dy,
            line: 0.25 * MM,
            color: RULE,
        });
    }
    flow.y += 7.0 * MM;

    // Title and number.
    if let FieldValue::Bilingual { th, en } = p.title() {
        let s = style(BODY * 1.9, Weight::Bold, INK, Part::Licence);
        paragraph(&mut flow, &th, s, LEFT, width, Align::Center)?;
        if let Some(en) = en {
            let s = style(BODY * 1.1, Weight::Regular, MUTED, Part::Licence);
            paragraph(&mut flow, &en, s, LEFT, width, Align::Center)?;
        }
    }
    flow.y += 3.0 * MM;
    number_line(&mut flow, &p.licence.licence_number, width)?;
    flow.y += 5.0 * MM;

    // Fields.
    let value_x = LEFT + LABEL_WIDTH;
    let value_width = width - LABEL_WIDTH;
    for field in p.fields() {
        flow.ensure(BODY * LEADING * 2.0 + 4.0 * MM);
        flow.y += 2.0 * MM;
        let top = flow.y;
        let page = flow.pages.len();
        let label = style(BODY, Weight::Bold, INK, Part::Licence);
        paragraph(
            &mut flow,
            field.label_th,
            label,
            LEFT,
            LABEL_WIDTH - 4.0 * MM,
            Align::Left,
        )?;
        let label_en = style(SMALL, Weight::Regular, MUTED, Part::Licence);
        paragraph(
            &mut flow,
            field.label_en,
            label_en,
            LEFT,
            LABEL_WIDTH - 4.0 * MM,
            Align::Left,
        )?;
        let label_bottom = flow.y;
        flow.y = top;
        value_lines(&mut flow, &field.value, value_x, value_width)?;
        if flow.pages.len() == page {
            flow.y = flow.y.max(label_bottom);
        }
        flow.y += 2.0 * MM;
        flow.push(Item::Rule {
            x1: LEFT,
            x2: RIGHT,
            y: flow.y,
            line: 0.2 * MM,
            color: LIGHT,
        });
    }

    // Proof box, at the bottom of the last page.
    let box_top = BOTTOM - footer_height - proof_height;
    if flow.y > box_top {
        flow.new_page();
    }
    // The proof box and footer have fixed places: no more page breaks.
    flow.limit = f32::MAX;
    flow.push(Item::Frame {
        x: LEFT,
        y: box_top,
        w: width,
        h: proof_height,
        line: 0.3 * MM,
        color: RULE,
    });
    let qr_x = LEFT + PROOF_PADDING;
    let qr_y = box_top + PROOF_PADDING;
    let modules = matrix.width() as f32 + 2.0 * QUIET_ZONE_MODULES as f32;
    let module = qr_side / modules;
    flow.push(Item::Qr {
        x: qr_x + module * QUIET_ZONE_MODULES as f32,
        y: qr_y + module * QUIET_ZONE_MODULES as f32,
        module,
        matrix,
    });
    flow.y = qr_y + qr_side + 0.5 * MM;
    let caption = style(BODY * 0.5, Weight::Regular, MUTED, Part::Proof);
    paragraph(
        &mut flow,
        p.qr_caption(),
        caption,
        qr_x,
        qr_side,
        Align::Center,
    )?;

    let text_x = qr_x + qr_side + 6.0 * MM;
    let text_width = RIGHT - PROOF_PADDING - text_x;
    flow.y = qr_y;
    let (how_th, how_en) = p.how_to_verify();
    let how = style(BODY * 0.8, Weight::Bold, INK, Part::Proof);
    paragraph(&mut flow, how_th, how, text_x, text_width, Align::Left)?;
    let how_en_style = style(BODY * 0.76, Weight::Regular, MUTED, Part::Proof);
    paragraph(
        &mut flow,
        how_en,
        how_en_style,
        text_x,
        text_width,
        Align::Left,
    )?;
    flow.y += 1.5 * MM;
    let term = style(BODY * 0.7, Weight::Regular, MUTED, Part::Proof);
    let mono = style(BODY * 0.6, Weight::Regular, INK, Part::Proof);
    let iri = style(BODY * 0.6, Weight::Regular, INK, Part::Licence);
    let l = &p.licence;
    let signed_by = format!("{} · {}", l.issuer_id, p.suite);
    for (label, value, value_style) in [
        ("ใบอนุญาต / Licence IRI", l.iri.as_str(), iri),
        ("ลิงก์ / Access link", p.access_link.as_str(), mono),
        ("ผู้ลงนาม / Signed by", signed_by.as_str(), mono),
    ] {
        paragraph(&mut flow, label, term, text_x, text_width, Align::Left)?;
        paragraph(
            &mut flow,
            value,
            value_style,
            text_x,
            text_width,
            Align::Left,
        )?;
    }
    flow.y += 1.0 * MM;
    paragraph(
        &mut flow,
        "elicence verify licence.pdf · elicence verify --qr-image photo.jpg",
        style(BODY * 0.6, Weight::Regular, MUTED, Part::Proof),
        text_x,
        text_width,
        Align::Left,
    )?;

    // Footer.
    flow.y = BOTTOM - footer_height + 1.5 * MM;
    let foot = style(BODY * 0.62, Weight::Regular, MUTED, Part::Proof);
    paragraph(
        &mut flow,
        "ใบอนุญาตอิเล็กทรอนิกส์ฉบับนี้ลงลายมือชื่อดิจิทัลโดยหน่วยงานผู้ออกใบอนุญาต และแนบข้อมูลรับรองที่ลงลายมือชื่อไว้ในไฟล์",
        foot,
        LEFT,
        width,
        Align::Center,
    )?;
    paragraph(
        &mut flow,
        "This electronic licence is digitally signed by the issuing agency and carries the signed credential as an attachment.",
        foot,
        LEFT,
        width,
        Align::Center,
    )?;
    Ok(flow.pages)
}

/// "เลขที่ / No.  [number]", centred, the number bold in a box.
fn number_line(flow: &mut Flow, number: &str, width: f32) -> Result<(), RenderError> {
    let label_size = BODY * 1.1;
    let number_size = BODY * 1.375;
    let label = "เลขที่ / No.";
    let label_shaped = shape(label, Weight::Regular)?;
    let number_shaped = shape(number, Weight::Bold)?;
    let label_w = label_shaped.width() * label_size / 1000.0;
    let number_w = number_shaped.width() * number_size / 1000.0;
    let gap = 5.0 * MM;
    let total = label_w + gap + number_w;
    let x0 = LEFT + (width - total) / 2.0;
    let line_height = number_size * LEADING + 2.0 * MM;
    flow.ensure(line_height);
    let baseline = flow.y + number_size * 1.1;
    flow.push(Item::Text(TextLine {
        x: x0,
        baseline,
        size: label_size,
        weight: Weight::Regular,
        color: MUTED,
        text: label.into(),
        shaped: label_shaped,
        part: Part::Proof,
    }));
    let nx = x0 + label_w + gap;
    flow.push(Item::Frame {
        x: nx - 3.0 * MM,
        y: flow.y,
        w: number_w + 6.0 * MM,
        h: line_height - 1.0 * MM,
        line: 0.3 * MM,
        color: INK,
    });
    flow.push(Item::Text(TextLine {
        x: nx,
        baseline,
        size: number_size,
        weight: Weight::Bold,
        color: INK,
        text: number.into(),
        shaped: number_shaped,
        part: Part::Licence,
    }));
    flow.y += line_height;
    Ok(())
}

/// The licence's own text lines, in drawing order, as the PDF shows them:
/// what `elicence verify` expects to find in a licence PDF for a credential.
pub(crate) fn licence_lines(p: &PrintedLicence) -> Result<Vec<String>, RenderError> {
    Ok(layout(p)?
        .into_iter()
        .flat_map(|page| page.items)
        .filter_map(|item| match item {
            Item::Text(line) if line.part == Part::Licence => Some(line.text),
            _ => None,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style() -> Style {
        Style {
            size: 12.0,
            weight: Weight::Regular,
            color: INK,
            part: Part::Licence,
        }
    }

    #[test]
    fn lines_break_at_spaces_and_keep_every_character() {
        let text = "ร้านอาหารและเครื่องดื่ม เลขที่ 99 ถนนสุขุมวิท แขวงคลองเตย เขตคลองเตย กรุงเทพมหานคร 10110";
        let lines = wrap(text, style(), 120.0).unwrap();
        assert!(lines.len() > 1);
        assert_eq!(
            lines
                .iter()
                .map(|l| l.0.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            text
        );
    }

    #[test]
    fn thai_without_spaces_breaks_between_clusters_only() {
        let text = "จำหน่ายอาหารและเครื่องดื่มที่ปรุงสำเร็จแล้วในสถานที่ประกอบการ";
        let lines = wrap(text, style(), 60.0).unwrap();
        assert!(lines.len() > 2);
        assert_eq!(lines.iter().map(|l| l.0.as_str()).collect::<String>(), text);
        for (line, _) in &lines {
            let first = line.chars().next().unwrap();
            assert!(
                !('\u{0E30}'..='\u{0E3A}').contains(&first)
                    && !('\u{0E45}'..='\u{0E4E}').contains(&first),
                "{line}"
            );
            let last = line.chars().last().unwrap();
            assert!(!('\u{0E40}'..='\u{0E44}').contains(&last), "{line}");
        }
    }
}
