//! Photo → QR payloads, for browsers without a native `BarcodeDetector`.

use elicence_qr_image::{decode_image, QrImageError};
use wasm_bindgen::prelude::*;

/// Every QR payload in a PNG or JPEG picture (a camera frame or an uploaded
/// photo). An empty array means "no code in this picture": the camera loop
/// simply tries the next frame. A damaged, oversized or unsupported file
/// throws, so the page can tell the inspector to pick another photo.
#[wasm_bindgen]
pub fn decode_qr_image(bytes: &[u8]) -> Result<Vec<String>, JsError> {
    payloads(bytes).map_err(|e| JsError::new(&e.to_string()))
}

/// The decoder's answer with "no code" turned into an empty list.
pub(crate) fn payloads(bytes: &[u8]) -> Result<Vec<String>, QrImageError> {
    match decode_image(bytes) {
        Ok(found) => Ok(found),
        Err(QrImageError::NoQrFound) => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}
