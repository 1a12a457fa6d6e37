//! The licence's typeface and text shaping.
//!
//! Sarabun (Cadson Demak, SIL Open Font License 1.1; `assets/OFL.txt`) is the
//! free face closest to TH Sarabun New, the Thai government's document font,
//! and covers Thai and Latin in one face. The TTFs are Google Fonts' release
//! as shipped in the npm package `@expo-google-fonts/sarabun` 0.4.1 (Sarabun
//! v17); see `assets/README.md`.
//!
//! Thai needs shaping: above and below vowels and tone marks are positioned
//! (and stacked, or swapped for their low forms) by the font's GSUB/GPOS
//! tables, and SARA AM is decomposed when a tone mark precedes it.
//! rustybuzz (HarfBuzz's shaper in Rust) applies them, run by run: Thai runs
//! with the Thai script, the rest with Latin, so each gets its own features.

use std::sync::OnceLock;

use rustybuzz::{Face, UnicodeBuffer};

use crate::RenderError;

/// Sarabun Regular.
pub(crate) const REGULAR_TTF: &[u8] = include_bytes!("../../assets/Sarabun-Regular.ttf");
/// Sarabun Bold.
pub(crate) const BOLD_TTF: &[u8] = include_bytes!("../../assets/Sarabun-Bold.ttf");

/// Which face of the family a run is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Weight {
    /// Sarabun Regular.
    Regular,
    /// Sarabun Bold.
    Bold,
}

impl Weight {
    /// Both faces, in resource order (F1, F2).
    pub(crate) const ALL: [Weight; 2] = [Weight::Regular, Weight::Bold];

    /// The font resource name in the page's resources.
    pub(crate) fn resource(self) -> &'static [u8] {
        match self {
            Weight::Regular => b"F1",
            Weight::Bold => b"F2",
        }
    }

    /// The face behind a resource name.
    pub(crate) fn from_resource(name: &[u8]) -> Option<Weight> {
        Weight::ALL.into_iter().find(|w| w.resource() == name)
    }

    /// The raw TrueType file.
    pub(crate) fn data(self) -> &'static [u8] {
        match self {
            Weight::Regular => REGULAR_TTF,
            Weight::Bold => BOLD_TTF,
        }
    }

    /// PostScript name of the subset font (the tag marks it as a subset).
    pub(crate) fn base_font(self) -> &'static [u8] {
        match self {
            Weight::Regular => b"ELICNR+Sarabun-Regular",
            Weight::Bold => b"ELICNB+Sarabun-Bold",
        }
    }

    /// The parsed face, parsed once per process.
    pub(crate) fn face(self) -> Result<&'static Face<'static>, RenderError> {
        static REGULAR: OnceLock<Option<Face<'static>>> = OnceLock::new();
        static BOLD: OnceLock<Option<Face<'static>>> = OnceLock::new();
        let cell = match self {
            Weight::Regular => &REGULAR,
            Weight::Bold => &BOLD,
        };
        cell.get_or_init(|| Face::from_slice(self.data(), 0))
            .as_ref()
            .ok_or_else(|| RenderError::Font("the bundled Sarabun font does not parse".into()))
    }
}

/// One positioned glyph, in thousandths of an em (PDF glyph space).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glyph {
    /// Glyph id in the full (unsubset) font: the CID written to the PDF.
    pub gid: u16,
    /// How far the pen moves after this glyph.
    pub x_advance: f32,
    /// Horizontal offset of this glyph from the pen.
    pub x_offset: f32,
    /// Vertical offset of this glyph from the baseline (up is positive).
    pub y_offset: f32,
    /// Byte offset in the shaped text of the cluster this glyph belongs to.
    pub cluster: usize,
}

/// A line of text shaped in one face.
#[derive(Debug, Clone, PartialEq)]
pub struct Shaped {
    /// The glyphs in visual order.
    pub glyphs: Vec<Glyph>,
}

impl Shaped {
    /// Width in thousandths of an em.
    pub fn width(&self) -> f32 {
        self.glyphs.iter().map(|g| g.x_advance).sum()
    }
}

/// Thai block (U+0E00-U+0E7F).
fn is_thai(c: char) -> bool {
    ('\u{0E00}'..='\u{0E7F}').contains(&c)
}

/// Splits text into script runs: Thai and everything else. Spaces,
/// punctuation and digits join the run they follow.
fn script_runs(text: &str) -> Vec<(usize, &str, bool)> {
    let mut runs = Vec::new();
    let mut start = 0;
    let mut current: Option<bool> = None;
    for (i, c) in text.char_indices() {
        let strong = if is_thai(c) {
            Some(true)
        } else if c.is_alphabetic() {
            Some(false)
        } else {
            None
        };
        match (current, strong) {
            (Some(cur), Some(s)) if cur != s => {
                runs.push((start, &text[start..i], cur));
                start = i;
                current = Some(s);
            }
            (None, Some(s)) => current = Some(s),
            _ => {}
        }
    }
    if start < text.len() {
        runs.push((start, &text[start..], current.unwrap_or(false)));
    }
    runs
}

/// Shapes `text` in `weight`: script runs shaped separately and joined.
pub fn shape(text: &str, weight: Weight) -> Result<Shaped, RenderError> {
    let face = weight.face()?;
    let scale = 1000.0 / f32::from(face.units_per_em() as u16);
    let mut glyphs = Vec::with_capacity(text.len());
    for (offset, run, thai) in script_runs(text) {
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(run);
        buffer.set_direction(rustybuzz::Direction::LeftToRight);
        buffer.set_script(if thai {
            rustybuzz::script::THAI
        } else {
            rustybuzz::script::LATIN
        });
        if let Ok(lang) = (if thai { "th" } else { "en" }).parse() {
            buffer.set_language(lang);
        }
        let shaped = rustybuzz::shape(face, &[], buffer);
        for (info, pos) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
            glyphs.push(Glyph {
                gid: u16::try_from(info.glyph_id).unwrap_or(0),
                x_advance: pos.x_advance as f32 * scale,
                x_offset: pos.x_offset as f32 * scale,
                y_offset: pos.y_offset as f32 * scale,
                cluster: offset + info.cluster as usize,
            });
        }
    }
    Ok(Shaped { glyphs })
}

/// Advance width of a glyph as the font's `hmtx` gives it (the PDF's `/W`),
/// in thousandths of an em.
pub(crate) fn hmtx_advance(weight: Weight, gid: u16) -> Result<f32, RenderError> {
    let face = weight.face()?;
    let scale = 1000.0 / f32::from(face.units_per_em() as u16);
    Ok(face
        .glyph_hor_advance(ttf_parser::GlyphId(gid))
        .map_or(0.0, |a| f32::from(a) * scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thai_tone_marks_are_positioned_by_the_font() {
        // ก่ : the tone mark has no advance and sits on the consonant.
        let shaped = shape("ก่", Weight::Regular).unwrap();
        assert_eq!(shaped.glyphs.len(), 2);
        assert!(shaped.glyphs[1].x_advance.abs() < 0.01);
        // ที่ : tone mark above an upper vowel is raised (stacked) or swapped.
        let stacked = shape("ที่", Weight::Regular).unwrap();
        let plain = shape("ท่", Weight::Regular).unwrap();
        let mark_stacked = stacked.glyphs.last().unwrap();
        let mark_plain = plain.glyphs.last().unwrap();
        assert!(
            mark_stacked.gid != mark_plain.gid || mark_stacked.y_offset > mark_plain.y_offset,
            "tone mark over SARA II not stacked: {stacked:?} vs {plain:?}"
        );
    }

    #[test]
    fn mixed_text_is_split_into_script_runs() {
        let runs: Vec<bool> = script_runs("ใบอนุญาต Licence 123 ก")
            .iter()
            .map(|r| r.2)
            .collect();
        assert_eq!(runs, vec![true, false, true]);
    }
}
