//! Payload → QR module matrix → PNG pixels.
//!
//! We build the bit stream ourselves (alphanumeric mode for licence payloads, byte
//! mode otherwise) instead of letting the encoder pick segments, so the version we
//! report is exactly the one we print and a reviewer can check it against the
//! ISO/IEC 18004 capacity table.

#[cfg(feature = "codecs")]
use image::codecs::png::PngEncoder;
#[cfg(feature = "codecs")]
use image::{ExtendedColorType, ImageEncoder};
use qrcode::bits::Bits;
use qrcode::{Color, QrCode, Version};

use crate::QrImageError;

/// Largest image (in pixels) [`render_png`] and [`render_svg`] will describe: the
/// same cap as decoding, so anything we render can be read back.
pub const MAX_RENDER_PIXELS: u64 = crate::MAX_DECODE_PIXELS;

/// ECI assignment number for UTF-8 (ISO/IEC 18004 §7.4, AIM ECI register).
const ECI_UTF8: u32 = 26;

/// QR error-correction level: how much of the symbol may be lost (L 7 %, M 15 %,
/// Q 25 %, H 30 %). Paper gets folded, stamped and photographed badly, hence Q.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EcLevel {
    /// ~7 % recovery: smallest code, for clean digital display only.
    L,
    /// ~15 % recovery.
    M,
    /// ~25 % recovery: the default for printed licences.
    #[default]
    Q,
    /// ~30 % recovery: for harsh conditions, at the cost of a denser code.
    H,
}

impl EcLevel {
    fn to_qrcode(self) -> qrcode::EcLevel {
        match self {
            EcLevel::L => qrcode::EcLevel::L,
            EcLevel::M => qrcode::EcLevel::M,
            EcLevel::Q => qrcode::EcLevel::Q,
            EcLevel::H => qrcode::EcLevel::H,
        }
    }
}

/// How to draw a QR code; the defaults suit a laser-printed A4 licence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RenderOptions {
    /// Error-correction level (default Q).
    pub ec: EcLevel,
    /// Pixels per module edge in the PNG (default 8); the SVG uses it for its
    /// nominal width/height only, since it scales losslessly.
    pub module_px: u32,
    /// Light border in modules on every side (default 4, the standard minimum;
    /// smaller values are refused because scanners need it to find the code).
    pub quiet_zone_modules: u32,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            ec: EcLevel::Q,
            module_px: 8,
            quiet_zone_modules: 4,
        }
    }
}

/// The standard's minimum quiet zone, in modules.
const MIN_QUIET_ZONE: u32 = 4;

/// Smallest QR version (1..=40) that holds `payload` at level `ec`.
///
/// Alphanumeric mode is used when every character is in the QR alphanumeric set
/// (`0-9 A-Z space $ % * + - . / :`), byte mode (UTF-8, with an ECI header when
/// non-ASCII) otherwise. Lets the issuer check the printed size before printing.
pub fn qr_version(payload: &str, ec: EcLevel) -> Result<u16, QrImageError> {
    let (bits, _) = encode_bits(payload, ec)?;
    match bits.version() {
        Version::Normal(v) => {
            u16::try_from(v).map_err(|_| QrImageError::Encode("bad version".into()))
        }
        Version::Micro(_) => Err(QrImageError::Encode("unexpected Micro QR version".into())),
    }
}

/// Data codewords of QR `version` at level `ec` (ISO/IEC 18004 table 7).
#[cfg(feature = "codecs")]
pub(crate) fn data_codewords(version: u8, ec: EcLevel) -> Option<usize> {
    let bits = Bits::new(Version::Normal(i16::from(version)));
    bits.max_len(ec.to_qrcode()).ok().map(|b| b / 8)
}

/// Renders `payload` as a black-on-white PNG (8-bit grey), one solid square of
/// `module_px` pixels per module, with the quiet zone included.
#[cfg(feature = "codecs")]
pub fn render_png(payload: &str, options: &RenderOptions) -> Result<Vec<u8>, QrImageError> {
    let matrix = Matrix::encode(payload, options.ec)?;
    let side_modules = checked_side_modules(&matrix, options)?;
    let side_px = side_modules * u64::from(options.module_px);
    let side = u32::try_from(side_px).map_err(|_| too_large(side_px))?;
    let module_px = options.module_px as usize;
    let quiet = options.quiet_zone_modules as usize;
    let side_usize = side as usize;

    let mut pixels = vec![255u8; side_usize * side_usize];
    for (my, row) in matrix.rows().enumerate() {
        for (mx, &dark) in row.iter().enumerate() {
            if !dark {
                continue;
            }
            let x0 = (mx + quiet) * module_px;
            let y0 = (my + quiet) * module_px;
            for y in y0..y0 + module_px {
                let start = y * side_usize + x0;
                pixels[start..start + module_px].fill(0);
            }
        }
    }

    let mut out = Vec::new();
    PngEncoder::new(&mut out)
        .write_image(&pixels, side, side, ExtendedColorType::L8)
        .map_err(|e| QrImageError::Encode(e.to_string()))?;
    Ok(out)
}

/// Renders `payload` as a standalone SVG: one path of black module runs on a white
/// square, `shape-rendering="crispEdges"` so viewers do not anti-alias module edges.
/// The viewBox is in modules (quiet zone included); width/height are
/// `modules × module_px` pixels.
pub fn render_svg(payload: &str, options: &RenderOptions) -> Result<String, QrImageError> {
    let matrix = Matrix::encode(payload, options.ec)?;
    let side_modules = checked_side_modules(&matrix, options)?;
    let side_px = side_modules * u64::from(options.module_px);
    Ok(crate::svg::write(
        &matrix,
        u64::from(options.quiet_zone_modules),
        side_modules,
        side_px,
    ))
}

/// Validates options and returns the full side (code + quiet zones) in modules.
fn checked_side_modules(matrix: &Matrix, options: &RenderOptions) -> Result<u64, QrImageError> {
    if options.module_px == 0 {
        return Err(QrImageError::InvalidOptions(
            "module_px must be at least 1".into(),
        ));
    }
    if options.quiet_zone_modules < MIN_QUIET_ZONE {
        return Err(QrImageError::InvalidOptions(format!(
            "quiet_zone_modules must be at least {MIN_QUIET_ZONE} (ISO/IEC 18004), got {}",
            options.quiet_zone_modules
        )));
    }
    let side_modules = matrix.width as u64 + 2 * u64::from(options.quiet_zone_modules);
    let side_px = side_modules * u64::from(options.module_px);
    if side_px.saturating_mul(side_px) > MAX_RENDER_PIXELS {
        return Err(too_large(side_px));
    }
    Ok(side_modules)
}

fn too_large(side_px: u64) -> QrImageError {
    QrImageError::RenderTooLarge {
        width: side_px,
        height: side_px,
        max_pixels: MAX_RENDER_PIXELS,
    }
}

/// The module grid of `payload` at level `ec` (the exact symbol [`render_svg`]
/// and `render_png` draw), for callers that draw the code themselves, such as
/// the PDF licence, which paints it as vector rectangles.
pub fn qr_matrix(payload: &str, ec: EcLevel) -> Result<QrMatrix, QrImageError> {
    let matrix = Matrix::encode(payload, ec)?;
    Ok(QrMatrix {
        width: matrix.width,
        dark: matrix.dark,
    })
}

/// A QR symbol's modules, without the quiet zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    width: usize,
    dark: Vec<bool>,
}

impl QrMatrix {
    /// Modules per side.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Rows top to bottom, `true` = dark.
    pub fn rows(&self) -> impl Iterator<Item = &[bool]> {
        self.dark.chunks(self.width.max(1))
    }
}

/// A square grid of modules, `true` = dark, row-major, without quiet zone.
pub(crate) struct Matrix {
    pub(crate) width: usize,
    dark: Vec<bool>,
}

impl Matrix {
    fn encode(payload: &str, ec: EcLevel) -> Result<Self, QrImageError> {
        let (bits, qr_ec) = encode_bits(payload, ec)?;
        let code =
            QrCode::with_bits(bits, qr_ec).map_err(|e| QrImageError::Encode(e.to_string()))?;
        let width = code.width();
        let dark = code
            .to_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect();
        Ok(Self { width, dark })
    }

    /// Rows of the module grid, top to bottom.
    pub(crate) fn rows(&self) -> impl Iterator<Item = &[bool]> {
        self.dark.chunks(self.width.max(1))
    }
}

/// True when every byte is in the QR alphanumeric set (ISO/IEC 18004 table 5).
fn is_alphanumeric(payload: &str) -> bool {
    payload
        .bytes()
        .all(|b| matches!(b, b'0'..=b'9' | b'A'..=b'Z' | b' ' | b'$' | b'%' | b'*' | b'+' | b'-' | b'.' | b'/' | b':'))
}

/// The terminated bit stream in the smallest version that fits.
fn encode_bits(payload: &str, ec: EcLevel) -> Result<(Bits, qrcode::EcLevel), QrImageError> {
    let qr_ec = ec.to_qrcode();
    let alnum = is_alphanumeric(payload);
    let needs_eci = !payload.is_ascii();
    for v in 1..=40i16 {
        let mut bits = Bits::new(Version::Normal(v));
        let pushed = if alnum {
            bits.push_alphanumeric_data(payload.as_bytes())
        } else if needs_eci {
            bits.push_eci_designator(ECI_UTF8)
                .and_then(|()| bits.push_byte_data(payload.as_bytes()))
        } else {
            bits.push_byte_data(payload.as_bytes())
        };
        if pushed.is_ok() && bits.push_terminator(qr_ec).is_ok() {
            return Ok((bits, qr_ec));
        }
    }
    Err(QrImageError::PayloadTooLong {
        len: payload.len(),
        ec,
    })
}
