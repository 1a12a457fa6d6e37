//! `decode_luma`: the pixel entry point the browser uses (canvas → grey bytes),
//! with no image codec in between. It must read what `decode_image` reads and
//! refuse malformed buffers with a typed error, never a panic.

mod common;

use common::degrade;
use elicence_qr_image::{
    decode_image, decode_luma, render_png, QrImageError, RenderOptions, MAX_DECODE_PIXELS,
};

fn decode(img: &image::GrayImage) -> Result<Vec<String>, QrImageError> {
    decode_luma(img.width(), img.height(), img.as_raw())
}

#[test]
fn reads_a_rendered_code_from_grey_pixels() {
    let payload = common::payload(400, 31);
    let grey = common::grey_png(&render_png(&payload, &RenderOptions::default()).unwrap());
    assert_eq!(decode(&grey).unwrap(), vec![payload]);
}

#[test]
fn a_camera_frame_reads_as_the_same_photo_file_does() {
    // A small inverted code on a noisy 2400 px desk: only the inverted and the
    // reduced passes read it, so this checks decode_luma runs them too.
    let payload = common::payload(400, 32);
    let opts = RenderOptions {
        module_px: 4,
        ..RenderOptions::default()
    };
    let grey = common::grey_png(&render_png(&payload, &opts).unwrap());
    let frame = degrade::invert(&degrade::on_desk(&grey, 2400, &mut common::Rng::new(5)));
    assert_eq!(decode(&frame).unwrap(), vec![payload.clone()]);
    assert_eq!(
        decode_image(&degrade::png(&frame)).unwrap(),
        vec![payload],
        "decode_image and decode_luma disagree"
    );
}

#[test]
fn utf8_byte_mode_payloads_read_back_exactly() {
    // Not an LC1 payload, but a QR in byte mode with an ECI (Thai text) must
    // come back as the same Unicode, not mojibake.
    let payload = "ใบอนุญาต ร้านค้า 2569/001";
    let grey = common::grey_png(&render_png(payload, &RenderOptions::default()).unwrap());
    assert_eq!(decode(&grey).unwrap(), vec![payload.to_string()]);
}

#[test]
fn a_blank_frame_has_no_code() {
    assert_eq!(
        decode_luma(640, 480, &vec![255; 640 * 480]),
        Err(QrImageError::NoQrFound)
    );
}

#[test]
fn malformed_buffers_are_refused() {
    for (w, h, len) in [
        (640, 480, 640 * 480 - 1),
        (640, 480, 640 * 480 * 4),
        (0, 480, 0),
        (640, 0, 0),
        (0, 0, 0),
    ] {
        assert_eq!(
            decode_luma(w, h, &vec![255; len]),
            Err(QrImageError::BadPixelBuffer {
                width: w,
                height: h,
                len
            }),
            "{w}x{h} with {len} bytes"
        );
    }
}

#[test]
fn the_pixel_cap_is_checked_before_the_buffer() {
    // A caller claiming a huge picture is refused outright, whatever it sent.
    assert_eq!(
        decode_luma(8000, 5001, &[0; 16]),
        Err(QrImageError::ImageTooLarge {
            width: 8000,
            height: 5001,
            max_pixels: MAX_DECODE_PIXELS
        })
    );
    assert_eq!(
        decode_luma(u32::MAX, u32::MAX, &[]),
        Err(QrImageError::ImageTooLarge {
            width: u32::MAX,
            height: u32::MAX,
            max_pixels: MAX_DECODE_PIXELS
        })
    );
}
