//! The one error type of this crate.

use thiserror::Error;

/// Why a QR image could not be rendered or read.
///
/// Variants are distinct so a verifier can tell the inspector what to do: retake
/// the photo (`NoQrFound`), pick another file (`UnsupportedFormat`, `CorruptImage`)
/// or shrink it (`ImageTooLarge`).
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum QrImageError {
    /// The payload does not fit in the largest QR code (version 40) at this EC level.
    #[error("payload of {len} bytes does not fit in a QR code at error-correction level {ec:?}")]
    PayloadTooLong {
        /// Payload length in bytes.
        len: usize,
        /// Requested error-correction level.
        ec: crate::EcLevel,
    },
    /// Render options out of range (zero pixel modules, quiet zone below the standard 4).
    #[error("invalid render options: {0}")]
    InvalidOptions(String),
    /// The rendered image would be unreasonably large.
    #[error("rendered image would be {width}x{height} px, above the {max_pixels} pixel limit")]
    RenderTooLarge {
        /// Width in pixels.
        width: u64,
        /// Height in pixels.
        height: u64,
        /// The limit that was exceeded.
        max_pixels: u64,
    },
    /// The QR encoder or PNG encoder failed on input that passed our checks.
    #[error("could not encode the QR image: {0}")]
    Encode(String),
    /// The bytes are neither PNG nor JPEG (checked by magic bytes).
    #[error("unsupported image format: only PNG and JPEG can be read")]
    UnsupportedFormat,
    /// The bytes start like PNG/JPEG but cannot be decoded (truncated, damaged).
    #[error("corrupt {format} image: {reason}")]
    CorruptImage {
        /// "PNG" or "JPEG".
        format: &'static str,
        /// What the image decoder reported.
        reason: String,
    },
    /// The image header declares more pixels than we are willing to decode.
    #[error("image is {width}x{height} px, above the {max_pixels} pixel limit")]
    ImageTooLarge {
        /// Declared width in pixels.
        width: u32,
        /// Declared height in pixels.
        height: u32,
        /// The limit that was exceeded.
        max_pixels: u64,
    },
    /// Grey pixels handed to `decode_luma` do not form a picture: the buffer is
    /// not `width × height` bytes, or the picture has no pixels.
    #[error(
        "{len} bytes are not a {width}x{height} grey picture (one byte per pixel, at least 1x1)"
    )]
    BadPixelBuffer {
        /// Declared width in pixels.
        width: u32,
        /// Declared height in pixels.
        height: u32,
        /// Length of the buffer received.
        len: usize,
    },
    /// The image decoded fine but no readable QR code was found in it.
    #[error("no readable QR code found in the image")]
    NoQrFound,
}
