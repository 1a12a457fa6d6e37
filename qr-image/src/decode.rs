//! Photo → QR payloads.
//!
//! Inspectors photograph paper licences with cheap phones: the code is small in a
//! big, noisy, tilted, unevenly lit frame. We decode PNG/JPEG to grey (or take the
//! caller's grey pixels, [`decode_luma`]), then run
//! rxing (zxing's detectors) with TRY_HARDER over a few variants of the picture
//! (as is, inverted, half size, then with a global threshold) and stop at the
//! first variant that yields a code.

#[cfg(feature = "codecs")]
use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

#[cfg(feature = "codecs")]
use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use rxing::common::{GlobalHistogramBinarizer, HybridBinarizer};
use rxing::multi::qrcode::QRCodeMultiReader;
use rxing::multi::MultipleBarcodeReader;
use rxing::qrcode::cpp_port::QrReader;
use rxing::qrcode::QRCodeReader;
use rxing::{Binarizer, BinaryBitmap, DecodeHints, Luma8LuminanceSource, RXingResult, Reader};
#[cfg(feature = "codecs")]
use rxing::{RXingResultMetadataType, RXingResultMetadataValue};

use crate::{EcLevel, QrImageError};

/// Largest image (width × height) we decode: 40 MP covers any phone camera, and
/// checking the header first stops a tiny file that declares a gigapixel image
/// from exhausting a phone's memory.
pub const MAX_DECODE_PIXELS: u64 = 40_000_000;

/// Heap the image decoder may use: 40 MP of 8-bit RGBA plus 64 MiB of slack.
#[cfg(feature = "codecs")]
const MAX_DECODE_ALLOC: u64 = MAX_DECODE_PIXELS * 4 + (64 << 20);

/// Every picture is also scanned at half size (at most this long side): averaging
/// 2×2 pixels removes most sensor noise, and on very large photos the detectors,
/// which work on fixed-size blocks, find big finder patterns more easily.
const REDUCED_MAX_SIDE: u32 = 1200;

/// Above this long side, the global-threshold passes run on the reduced copy.
const GLOBAL_FULL_MAX_SIDE: u32 = 1600;

/// Below this long side a reduced copy cannot hold a readable code: the smallest
/// QR code with its quiet zone is 29 modules, and detection needs 2 px per module.
const REDUCED_MIN_SIDE: u32 = 58;

/// A QR code read from a picture: what it says and where it is, for
/// `elicence qr scan` and anyone who must see a foreign code.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundCode {
    /// The decoded text, whatever it holds.
    pub text: String,
    /// The code's four outer corners, in pixels from the picture's top-left
    /// corner (x right, y down), clockwise from the corner nearest the
    /// picture's top-left; `None` when the reader did not locate them.
    pub corners: Option<[(f32, f32); 4]>,
    /// The QR version (1..=40), when the reader reports it.
    pub version: Option<u8>,
    /// The error-correction level, when the reader reports it.
    pub ec_level: Option<EcLevel>,
}

/// Returns the payload of every QR code found in a PNG or JPEG image.
///
/// The format is detected from magic bytes, never from a file name. Errors tell
/// apart "not an image we read", "damaged file", "too large" and "no QR code",
/// so the caller can tell the inspector whether to retake the photo.
#[cfg(feature = "codecs")]
pub fn decode_image(bytes: &[u8]) -> Result<Vec<String>, QrImageError> {
    let format = sniff_format(bytes)?;
    let grey = decode_grey(bytes, format)?;
    scan(&grey).map(texts)
}

/// Every QR code found in a PNG or JPEG image, with its position, version
/// and error-correction level where known; same passes and errors as
/// [`decode_image`].
#[cfg(feature = "codecs")]
pub fn scan_image(bytes: &[u8]) -> Result<Vec<FoundCode>, QrImageError> {
    let format = sniff_format(bytes)?;
    let grey = decode_grey(bytes, format)?;
    scan(&grey).map(|found| found.into_iter().map(Found::into_code).collect())
}

/// Returns the payload of every QR code in a grey picture: `luma` holds
/// `width × height` bytes, row by row, 0 black to 255 white.
///
/// For callers that already have pixels (a browser canvas, a camera frame):
/// they skip the PNG/JPEG round trip, and a build without the `codecs` feature
/// ships no image codecs. The same passes as `decode_image` run, under the
/// same [`MAX_DECODE_PIXELS`] cap.
pub fn decode_luma(width: u32, height: u32, luma: &[u8]) -> Result<Vec<String>, QrImageError> {
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_DECODE_PIXELS {
        return Err(QrImageError::ImageTooLarge {
            width,
            height,
            max_pixels: MAX_DECODE_PIXELS,
        });
    }
    if pixels == 0 || luma.len() as u64 != pixels {
        return Err(QrImageError::BadPixelBuffer {
            width,
            height,
            len: luma.len(),
        });
    }
    scan(&Grey {
        width,
        height,
        pixels: luma.to_vec(),
    })
    .map(texts)
}

/// PNG or JPEG by signature.
#[cfg(feature = "codecs")]
fn sniff_format(bytes: &[u8]) -> Result<ImageFormat, QrImageError> {
    const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";
    const JPEG_MAGIC: &[u8] = &[0xFF, 0xD8, 0xFF];
    if bytes.starts_with(PNG_MAGIC) {
        Ok(ImageFormat::Png)
    } else if bytes.starts_with(JPEG_MAGIC) {
        Ok(ImageFormat::Jpeg)
    } else {
        Err(QrImageError::UnsupportedFormat)
    }
}

#[cfg(feature = "codecs")]
fn format_name(format: ImageFormat) -> &'static str {
    if format == ImageFormat::Png {
        "PNG"
    } else {
        "JPEG"
    }
}

/// An 8-bit grey image, row-major.
struct Grey {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
}

/// Checks the declared size, then decodes to grey (transparent pixels count as
/// white paper, not black).
#[cfg(feature = "codecs")]
fn decode_grey(bytes: &[u8], format: ImageFormat) -> Result<Grey, QrImageError> {
    let corrupt = |e: image::ImageError| QrImageError::CorruptImage {
        format: format_name(format),
        reason: e.to_string(),
    };

    let (width, height) = ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(corrupt)?;
    if u64::from(width) * u64::from(height) > MAX_DECODE_PIXELS {
        return Err(QrImageError::ImageTooLarge {
            width,
            height,
            max_pixels: MAX_DECODE_PIXELS,
        });
    }
    if width == 0 || height == 0 {
        return Err(QrImageError::CorruptImage {
            format: format_name(format),
            reason: format!("image has no pixels ({width}x{height})"),
        });
    }

    let mut limits = Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| match e {
        // 16-bit RGBA near the pixel cap can exceed the allocation cap.
        image::ImageError::Limits(_) => QrImageError::ImageTooLarge {
            width,
            height,
            max_pixels: MAX_DECODE_PIXELS,
        },
        other => corrupt(other),
    })?;
    Ok(to_grey(image))
}

#[cfg(feature = "codecs")]
fn to_grey(image: DynamicImage) -> Grey {
    let (width, height) = (image.width(), image.height());
    let pixels = if image.color().has_alpha() {
        let la = image.to_luma_alpha8();
        la.pixels()
            .map(|p| {
                let [l, a] = p.0;
                let (l, a) = (u16::from(l), u16::from(a));
                // Composite over white: (l·a + 255·(255−a)) / 255.
                ((l * a + 255 * (255 - a) + 127) / 255) as u8
            })
            .collect()
    } else {
        image.into_luma8().into_raw()
    };
    Grey {
        width,
        height,
        pixels,
    }
}

/// Tries each variant of the picture until one yields at least one code.
///
/// Order matters for speed: a clean photo is read on the first pass, and only a
/// picture without a readable code pays for all of them.
fn scan(grey: &Grey) -> Result<Vec<Found>, QrImageError> {
    // Each copy is made only when the passes before it failed; positions
    // found on a reduced copy are scaled back to the picture.
    macro_rules! try_pass {
        ($picture:expr, $binarization:expr) => {
            let picture: &Grey = $picture;
            #[allow(unused_mut)]
            let mut found = scan_variant(picture, $binarization);
            if !found.is_empty() {
                #[cfg(feature = "codecs")]
                {
                    let sx = grey.width as f32 / picture.width as f32;
                    let sy = grey.height as f32 / picture.height as f32;
                    for f in &mut found {
                        for p in &mut f.place.points {
                            *p = (p.0 * sx, p.1 * sy);
                        }
                    }
                }
                return Ok(found);
            }
        };
    }
    try_pass!(grey, Binarization::Local);
    let inverted = invert(grey);
    try_pass!(&inverted, Binarization::Local);

    let long_side = grey.width.max(grey.height);
    let reduced_side = (long_side / 2).min(REDUCED_MAX_SIDE);
    if reduced_side >= REDUCED_MIN_SIDE {
        let reduced = downscale(grey, reduced_side);
        try_pass!(&reduced, Binarization::Local);
        let reduced_inverted = invert(&reduced);
        try_pass!(&reduced_inverted, Binarization::Local);
        // The global threshold rescues some blurred small pictures; on big photos
        // it costs seconds at full size for nothing, so they get the reduced copy.
        if long_side > GLOBAL_FULL_MAX_SIDE {
            try_pass!(&reduced, Binarization::Global);
            try_pass!(&reduced_inverted, Binarization::Global);
            return Err(QrImageError::NoQrFound);
        }
    }
    try_pass!(grey, Binarization::Global);
    try_pass!(&inverted, Binarization::Global);
    Err(QrImageError::NoQrFound)
}

/// How grey becomes black and white before detection.
#[derive(Clone, Copy)]
enum Binarization {
    /// zxing's HybridBinarizer: local thresholds, copes with uneven light.
    Local,
    /// One histogram threshold for the whole picture: sometimes keeps blurred
    /// modules that local thresholds erase.
    Global,
}

/// All distinct payloads rxing finds in one picture, trying its zxing-cpp port
/// first (better on perspective and damage), then the classic multi and single
/// detectors.
fn scan_variant(grey: &Grey, binarization: Binarization) -> Vec<Found> {
    match binarization {
        Binarization::Local => run_readers(grey, |s| BinaryBitmap::new(HybridBinarizer::new(s))),
        Binarization::Global => run_readers(grey, |s| {
            BinaryBitmap::new(GlobalHistogramBinarizer::new(s))
        }),
    }
}

fn run_readers<B: Binarizer>(
    grey: &Grey,
    make: impl Fn(Luma8LuminanceSource) -> BinaryBitmap<B>,
) -> Vec<Found> {
    let hints = DecodeHints {
        TryHarder: Some(true),
        ..DecodeHints::default()
    };
    for attempt in 0..3 {
        let Ok(source) = Luma8LuminanceSource::new(grey.pixels.clone(), grey.width, grey.height)
        else {
            return Vec::new();
        };
        let mut bitmap = make(source);
        // rxing is a port of Java code processing untrusted pixels; a panic in it
        // must mean "not found", not a crashed verifier (where unwinding exists).
        let results = catch_unwind(AssertUnwindSafe(|| match attempt {
            0 => QrReader
                .decode_multiple_with_hints(&mut bitmap, &hints)
                .unwrap_or_default(),
            1 => QRCodeMultiReader::default()
                .decode_multiple_with_hints(&mut bitmap, &hints)
                .unwrap_or_default(),
            _ => QRCodeReader
                .decode_with_hints(&mut bitmap, &hints)
                .into_iter()
                .collect(),
        }))
        .unwrap_or_default();
        let found = distinct(results, attempt == 0);
        if !found.is_empty() {
            return found;
        }
    }
    Vec::new()
}

/// What a reader gave for one code.
struct Found {
    text: String,
    /// Where it is (only `scan_image` asks; the browser build has no use for it).
    #[cfg(feature = "codecs")]
    place: Place,
}

/// Where a code is and what it is, positions in the scanned copy's pixels.
#[cfg(feature = "codecs")]
struct Place {
    points: Vec<(f32, f32)>,
    /// From the zxing-cpp port: `points` are the four corners. Else the
    /// classic detector's finder-pattern centres (bottom-left, top-left,
    /// top-right), and the raw bytes are the data codewords.
    corners_given: bool,
    raw_len: usize,
    ec_level: Option<EcLevel>,
    version: Option<u8>,
}

#[cfg(feature = "codecs")]
impl Place {
    fn of(result: &RXingResult, corners_given: bool) -> Place {
        let metadata = result.getRXingResultMetadata();
        let ec_level = match metadata.get(&RXingResultMetadataType::ERROR_CORRECTION_LEVEL) {
            Some(RXingResultMetadataValue::ErrorCorrectionLevel(level)) => match level.as_str() {
                "L" => Some(EcLevel::L),
                "M" => Some(EcLevel::M),
                "Q" => Some(EcLevel::Q),
                "H" => Some(EcLevel::H),
                _ => None,
            },
            _ => None,
        };
        let version = match metadata.get(&RXingResultMetadataType::OTHER) {
            Some(RXingResultMetadataValue::OTHER(v)) => {
                v.strip_prefix("version ").and_then(|n| n.parse().ok())
            }
            _ => None,
        };
        Place {
            points: result.getPoints().iter().map(|p| (p.x, p.y)).collect(),
            corners_given,
            raw_len: result.getRawBytes().len(),
            ec_level,
            version,
        }
    }
}

/// The distinct non-empty texts, first occurrence kept. rxing turns a segment
/// it cannot decode (a charset it lacks, e.g. Shift_JIS in the browser build)
/// into empty text; an empty code carries nothing to verify, so it counts as
/// no code.
fn distinct(results: Vec<RXingResult>, corners_given: bool) -> Vec<Found> {
    let _ = corners_given;
    let mut found: Vec<Found> = Vec::new();
    for result in results {
        let text = result.getText();
        if text.is_empty() || found.iter().any(|f| f.text == text) {
            continue;
        }
        found.push(Found {
            text: text.to_owned(),
            #[cfg(feature = "codecs")]
            place: Place::of(&result, corners_given),
        });
    }
    found
}

fn texts(found: Vec<Found>) -> Vec<String> {
    found.into_iter().map(|f| f.text).collect()
}

#[cfg(feature = "codecs")]
impl Found {
    fn into_code(self) -> FoundCode {
        let place = self.place;
        let version = place.version.filter(|v| (1..=40).contains(v)).or_else(|| {
            (!place.corners_given)
                .then(|| place.ec_level.and_then(|ec| version_of(place.raw_len, ec)))
                .flatten()
        });
        let corners = if place.corners_given {
            <[(f32, f32); 4]>::try_from(place.points.clone()).ok()
        } else {
            version.and_then(|v| corners_from_finders(&place.points, v))
        };
        FoundCode {
            text: self.text,
            corners: corners.map(clockwise),
            version,
            ec_level: place.ec_level,
        }
    }
}

/// The version whose symbol holds exactly `data_codewords` at `ec`.
#[cfg(feature = "codecs")]
fn version_of(data_codewords: usize, ec: EcLevel) -> Option<u8> {
    (1..=40u8).find(|&v| crate::encode::data_codewords(v, ec) == Some(data_codewords))
}

/// The outer corners of a symbol of `version` from its finder-pattern
/// centres (bottom-left, top-left, top-right), each 3.5 modules in from two edges.
#[cfg(feature = "codecs")]
fn corners_from_finders(points: &[(f32, f32)], version: u8) -> Option<[(f32, f32); 4]> {
    let [bl, tl, tr] = [*points.first()?, *points.get(1)?, *points.get(2)?];
    let span = f32::from(version) * 4.0 + 17.0 - 7.0;
    let across = ((tr.0 - tl.0) / span, (tr.1 - tl.1) / span);
    let down = ((bl.0 - tl.0) / span, (bl.1 - tl.1) / span);
    let at = |from: (f32, f32), a: f32, d: f32| {
        (
            from.0 + across.0 * a + down.0 * d,
            from.1 + across.1 * a + down.1 * d,
        )
    };
    Some([
        at(tl, -3.5, -3.5),
        at(tr, 3.5, -3.5),
        at(tr, 3.5, span + 3.5),
        at(bl, -3.5, 3.5),
    ])
}

/// The four corners clockwise (on screen, y down), starting with the one
/// nearest the picture's top-left.
#[cfg(feature = "codecs")]
fn clockwise(corners: [(f32, f32); 4]) -> [(f32, f32); 4] {
    let cx = corners.iter().map(|p| p.0).sum::<f32>() / 4.0;
    let cy = corners.iter().map(|p| p.1).sum::<f32>() / 4.0;
    let mut sorted = corners;
    sorted.sort_by(|a, b| {
        let angle = |p: &(f32, f32)| (p.1 - cy).atan2(p.0 - cx);
        angle(a).total_cmp(&angle(b))
    });
    let first = (0..4)
        .min_by(|&i, &j| {
            let d = |p: (f32, f32)| p.0 + p.1;
            d(sorted[i]).total_cmp(&d(sorted[j]))
        })
        .unwrap_or(0);
    sorted.rotate_left(first);
    sorted
}

/// White-on-black codes (screens in dark mode, negative prints).
fn invert(grey: &Grey) -> Grey {
    Grey {
        width: grey.width,
        height: grey.height,
        pixels: grey.pixels.iter().map(|&p| 255 - p).collect(),
    }
}

/// Box-filter reduction so the long side is at most `target` pixels.
fn downscale(grey: &Grey, target: u32) -> Grey {
    let long = grey.width.max(grey.height);
    let scale = f64::from(long) / f64::from(target);
    let new_w = ((f64::from(grey.width) / scale).round() as u32).max(1);
    let new_h = ((f64::from(grey.height) / scale).round() as u32).max(1);
    let (w, h) = (grey.width as usize, grey.height as usize);
    let mut pixels = Vec::with_capacity(new_w as usize * new_h as usize);
    for ny in 0..new_h as usize {
        let y0 = ny * h / new_h as usize;
        let y1 = ((ny + 1) * h / new_h as usize).max(y0 + 1).min(h);
        for nx in 0..new_w as usize {
            let x0 = nx * w / new_w as usize;
            let x1 = ((nx + 1) * w / new_w as usize).max(x0 + 1).min(w);
            let mut sum = 0u64;
            for y in y0..y1 {
                sum += grey.pixels[y * w + x0..y * w + x1]
                    .iter()
                    .map(|&p| u64::from(p))
                    .sum::<u64>();
            }
            let count = ((y1 - y0) * (x1 - x0)) as u64;
            pixels.push((sum / count) as u8);
        }
    }
    Grey {
        width: new_w,
        height: new_h,
        pixels,
    }
}

#[cfg(all(test, feature = "codecs"))]
mod tests {
    use super::*;

    #[test]
    fn classic_results_give_version_and_corners_through_geometry() {
        // Version 20 at Q has 485 data codewords (ISO/IEC 18004 table 9).
        assert_eq!(version_of(485, EcLevel::Q), Some(20));
        assert_eq!(version_of(19, EcLevel::L), Some(1));
        assert_eq!(version_of(20, EcLevel::L), None);
        // Version 1 (21 modules) drawn at 10 px per module from (0, 0):
        // finder centres 3.5 modules in, 14 modules apart.
        let finders = [(35.0, 175.0), (35.0, 35.0), (175.0, 35.0)];
        let corners = corners_from_finders(&finders, 1).unwrap();
        let expected = [(0.0, 0.0), (210.0, 0.0), (210.0, 210.0), (0.0, 210.0)];
        for (got, want) in corners.iter().zip(expected) {
            assert!((got.0 - want.0).abs() < 1e-3 && (got.1 - want.1).abs() < 1e-3);
        }
        assert_eq!(corners_from_finders(&finders[..2], 1), None);
    }

    #[test]
    fn corners_are_ordered_clockwise_from_the_top_left() {
        let square = [(10.0, 10.0), (20.0, 20.0), (10.0, 20.0), (20.0, 10.0)];
        assert_eq!(
            clockwise(square),
            [(10.0, 10.0), (20.0, 10.0), (20.0, 20.0), (10.0, 20.0)]
        );
    }
}
