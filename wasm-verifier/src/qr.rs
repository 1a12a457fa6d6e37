//! Camera frame or photo pixels → QR payloads, for browsers without a native
//! `BarcodeDetector`.
//!
//! The page already has the pixels (a canvas drawn from the video or from the
//! browser-decoded photo), so the module takes grey pixels and carries no image
//! codec: that keeps the download small (see docs/inspector.md, Sizes).

use elicence_qr_image::{decode_luma, QrImageError};
use wasm_bindgen::prelude::*;

/// Every QR payload in a grey picture: `luma` is `width × height` bytes, row
/// by row, 0 black to 255 white (the worker converts the canvas's RGBA).
/// An empty array means "no code in this picture": the camera loop simply
/// tries the next frame. A buffer that does not match the size, or a picture
/// above the pixel cap, throws, so the page can tell the inspector.
#[wasm_bindgen]
pub fn decode_qr_luma(width: u32, height: u32, luma: &[u8]) -> Result<Vec<String>, JsError> {
    payloads(width, height, luma).map_err(|e| JsError::new(&e.to_string()))
}

/// The decoder's answer with "no code" turned into an empty list.
pub(crate) fn payloads(width: u32, height: u32, luma: &[u8]) -> Result<Vec<String>, QrImageError> {
    match decode_luma(width, height, luma) {
        Ok(found) => Ok(found),
        Err(QrImageError::NoQrFound) => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}
