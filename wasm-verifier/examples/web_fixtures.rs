//! Writes the inputs of the browser tests (scripts/test-web.sh) from the
//! signed trust fixtures: for each case an `LC1:` payload, a printed-licence
//! PNG of its QR code, and a one-frame Y4M video that Chromium's fake camera
//! loops. The tampered case is `valid.json` with its licence number changed
//! after signing, so its signature must fail.
//!
//! `cargo run -p elicence-wasm --example web_fixtures -- OUT_DIR`

use std::path::{Path, PathBuf};
use std::{env, fs, process};

use elicence_core::qr::{encode, Secured};
use elicence_qr_image::{render_png, RenderOptions};
use serde_json::{Map, Value};

/// Camera frame size: a common phone preview resolution.
const FRAME_W: usize = 1280;
const FRAME_H: usize = 720;

fn main() {
    let Some(out) = env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: web_fixtures OUT_DIR");
        process::exit(2);
    };
    if let Err(e) = run(&out) {
        eprintln!("web_fixtures: {e}");
        process::exit(1);
    }
}

fn run(out: &Path) -> Result<(), String> {
    let licences = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/trust/licences");
    fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let read = |name: &str| -> Result<Value, String> {
        let path = licences.join(name);
        let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    };

    let mut tampered = read("valid.json")?;
    let number = tampered
        .pointer_mut("/credentialSubject/licenceNumber")
        .ok_or("valid.json has no licenceNumber")?;
    *number = Value::String("ข-99999/2565".into());

    let cases = [
        ("valid", read("valid.json")?),
        ("tampered", tampered),
        ("revoked", read("revoked.json")?),
        ("untrusted", read("untrusted-issuer.json")?),
    ];
    let mut payloads = Map::new();
    for (name, credential) in cases {
        let payload = encode(&Secured::Json(credential)).map_err(|e| format!("{name}: {e}"))?;
        let options = RenderOptions {
            module_px: 5,
            ..RenderOptions::default()
        };
        let png = render_png(&payload, &options).map_err(|e| format!("{name}: {e}"))?;
        write(&out.join(format!("{name}.png")), &png)?;
        write(&out.join(format!("{name}.y4m")), &camera_frame(&png)?)?;
        println!("{name}: {} chars", payload.len());
        payloads.insert(name.into(), Value::String(payload));
    }
    let json = serde_json::to_string_pretty(&payloads).map_err(|e| e.to_string())?;
    write(&out.join("payloads.json"), json.as_bytes())
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// A 1280×720 YUV 4:2:0 frame: the QR image centred on a slightly uneven
/// grey desk, as a camera sees a licence held in front of it.
fn camera_frame(png_bytes: &[u8]) -> Result<Vec<u8>, String> {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
    let mut qr = vec![0; reader.output_buffer_size().ok_or("PNG too large")?];
    let info = reader.next_frame(&mut qr).map_err(|e| e.to_string())?;
    if info.color_type != png::ColorType::Grayscale || info.bit_depth != png::BitDepth::Eight {
        return Err("expected an 8-bit grey PNG".into());
    }
    let (qw, qh) = (info.width as usize, info.height as usize);
    if qw > FRAME_W || qh > FRAME_H {
        return Err(format!("QR image {qw}x{qh} does not fit the frame"));
    }
    let (x0, y0) = ((FRAME_W - qw) / 2, (FRAME_H - qh) / 2);
    let mut y4m =
        format!("YUV4MPEG2 W{FRAME_W} H{FRAME_H} F10:1 Ip A1:1 C420jpeg\nFRAME\n").into_bytes();
    for y in 0..FRAME_H {
        for x in 0..FRAME_W {
            let luma = if (x0..x0 + qw).contains(&x) && (y0..y0 + qh).contains(&y) {
                // Paper is not pure white and ink not pure black under room light.
                let v = qr[(y - y0) * info.line_size + (x - x0)];
                if v > 127 {
                    225
                } else {
                    35
                }
            } else {
                (90 + (x + y) * 60 / (FRAME_W + FRAME_H)) as u8
            };
            y4m.push(luma);
        }
    }
    y4m.extend(std::iter::repeat_n(128u8, FRAME_W * FRAME_H / 2));
    Ok(y4m)
}
