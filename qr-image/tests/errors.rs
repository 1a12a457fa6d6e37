//! Bad input to the decoder: every case ends in a typed error a verifier can
//! explain to an inspector, never a panic or a runaway allocation.

mod common;

use common::degrade;
use elicence_qr_image::{decode_image, render_png, QrImageError, RenderOptions, MAX_DECODE_PIXELS};
use image::{GrayImage, Luma, RgbaImage};

fn noise_picture(seed: u64) -> GrayImage {
    let mut rng = common::Rng::new(seed);
    GrayImage::from_fn(640, 480, |_, _| Luma([(rng.next_u64() & 0xFF) as u8]))
}

#[test]
fn random_noise_has_no_qr() {
    let img = noise_picture(1);
    assert_eq!(
        decode_image(&degrade::png(&img)),
        Err(QrImageError::NoQrFound)
    );
    assert_eq!(
        decode_image(&degrade::jpeg(&img, 80)),
        Err(QrImageError::NoQrFound)
    );
    // A blank page too.
    let white = GrayImage::from_pixel(300, 200, Luma([255]));
    assert_eq!(
        decode_image(&degrade::png(&white)),
        Err(QrImageError::NoQrFound)
    );
}

#[test]
fn other_formats_are_unsupported() {
    let cases: [&[u8]; 6] = [
        b"",
        b"GIF89a\x01\x00\x01\x00",
        b"BM\x00\x00",
        b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        b"\x89PNG",  // too short for the PNG signature
        b"\xFF\xD8", // too short for the JPEG signature
    ];
    for bytes in cases {
        assert_eq!(
            decode_image(bytes),
            Err(QrImageError::UnsupportedFormat),
            "{bytes:?}"
        );
    }
}

fn assert_clear_error(result: Result<Vec<String>, QrImageError>, format: &str, cut: usize) {
    match result {
        Err(QrImageError::CorruptImage { format: f, reason }) => {
            assert_eq!(f, format);
            assert!(!reason.is_empty());
        }
        // A JPEG cut inside its scan data still decodes (the rest is grey), and
        // what is left may not hold a whole code.
        Err(QrImageError::NoQrFound) => assert_eq!(format, "JPEG", "PNG cut at {cut}"),
        other => panic!("{format} cut at {cut}: {other:?}"),
    }
}

#[test]
fn truncated_png_is_corrupt() {
    let png = render_png(&common::payload(400, 5), &RenderOptions::default()).unwrap();
    for cut in [
        8,
        12,
        20,
        33,
        40,
        png.len() / 3,
        png.len() / 2,
        png.len() - 13,
    ] {
        assert_clear_error(decode_image(&png[..cut]), "PNG", cut);
    }
    // Header-level truncations are always reported as corrupt.
    for cut in [8, 20, 33] {
        assert!(matches!(
            decode_image(&png[..cut]),
            Err(QrImageError::CorruptImage { format: "PNG", .. })
        ));
    }
}

#[test]
fn truncated_jpeg_is_a_clear_error() {
    let clean =
        common::grey_png(&render_png(&common::payload(400, 6), &RenderOptions::default()).unwrap());
    let jpeg = degrade::jpeg(&clean, 85);
    assert_eq!(decode_image(&jpeg).unwrap(), vec![common::payload(400, 6)]);
    for cut in [3, 4, 10, 100, 300, jpeg.len() / 4, jpeg.len() / 2] {
        assert_clear_error(decode_image(&jpeg[..cut]), "JPEG", cut);
    }
    for cut in [3, 10, 100] {
        assert!(matches!(
            decode_image(&jpeg[..cut]),
            Err(QrImageError::CorruptImage { format: "JPEG", .. })
        ));
    }
}

#[test]
fn corrupted_bytes_never_panic() {
    let png = render_png(&common::payload(100, 9), &RenderOptions::default()).unwrap();
    let jpeg = degrade::jpeg(&common::grey_png(&png), 70);
    let mut rng = common::Rng::new(99);
    for original in [png, jpeg] {
        for _ in 0..40 {
            let mut bytes = original.clone();
            for _ in 0..8 {
                let i = 3 + (rng.next_u64() as usize) % (bytes.len() - 3);
                bytes[i] ^= 1 << (rng.next_u64() % 8);
            }
            // Any outcome but a panic is fine: the same payload, or a typed error.
            let _ = decode_image(&bytes);
        }
    }
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A 60-byte PNG whose header claims `w`×`h` pixels.
fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit grey
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&13u32.to_be_bytes());
    png.extend_from_slice(&ihdr);
    png.extend_from_slice(&crc32(&ihdr).to_be_bytes());
    let idat = b"IDAT\x78\x9c\x03\x00\x00\x00\x00\x01";
    png.extend_from_slice(&((idat.len() - 4) as u32).to_be_bytes());
    png.extend_from_slice(idat);
    png.extend_from_slice(&crc32(idat).to_be_bytes());
    png
}

#[test]
fn decompression_bombs_are_refused_before_decoding() {
    let bomb = png_claiming(100_000, 100_000);
    assert_eq!(
        decode_image(&bomb),
        Err(QrImageError::ImageTooLarge {
            width: 100_000,
            height: 100_000,
            max_pixels: MAX_DECODE_PIXELS
        })
    );
    // Just over the cap is refused, just under is decoded (and found corrupt).
    assert!(matches!(
        decode_image(&png_claiming(8000, 5001)),
        Err(QrImageError::ImageTooLarge { .. })
    ));
    assert!(matches!(
        decode_image(&png_claiming(8000, 5000)),
        Err(QrImageError::CorruptImage { .. })
    ));

    // A real JPEG with its frame header patched to 60000×60000.
    let mut jpeg = degrade::jpeg(&GrayImage::from_pixel(16, 16, Luma([200])), 90);
    let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    jpeg[sof + 5..sof + 9].copy_from_slice(&[0xEA, 0x60, 0xEA, 0x60]);
    assert!(matches!(
        decode_image(&jpeg),
        Err(QrImageError::ImageTooLarge {
            width: 60_000,
            height: 60_000,
            ..
        })
    ));
}

#[test]
fn transparent_background_counts_as_paper() {
    // Black modules on a fully transparent canvas (whose hidden colour is black):
    // a naive grey conversion would see an all-black square.
    let payload = common::payload(100, 11);
    let grey = common::grey_png(&render_png(&payload, &RenderOptions::default()).unwrap());
    let rgba = RgbaImage::from_fn(grey.width(), grey.height(), |x, y| {
        if grey.get_pixel(x, y).0[0] == 0 {
            image::Rgba([0, 0, 0, 255])
        } else {
            image::Rgba([0, 0, 0, 0])
        }
    });
    let mut png = Vec::new();
    rgba.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    assert_eq!(decode_image(&png).unwrap(), vec![payload]);
}

#[test]
fn two_codes_in_one_picture_are_both_returned() {
    let a = common::payload(100, 21);
    let b = common::payload(120, 22);
    let ga = common::grey_png(&render_png(&a, &RenderOptions::default()).unwrap());
    let gb = common::grey_png(&render_png(&b, &RenderOptions::default()).unwrap());
    let mut both = GrayImage::from_pixel(
        ga.width() + gb.width(),
        ga.height().max(gb.height()),
        Luma([255]),
    );
    image::imageops::replace(&mut both, &ga, 0, 0);
    image::imageops::replace(&mut both, &gb, i64::from(ga.width()), 0);
    let mut found = decode_image(&degrade::png(&both)).unwrap();
    found.sort();
    let mut want = vec![a, b];
    want.sort();
    assert_eq!(found, want);
}
