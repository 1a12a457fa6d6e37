//! Decode rates on photos we damage ourselves (rotation, blur, JPEG, perspective,
//! lighting, inversion, noise and mixes), deterministic by fixed seeds. The floors
//! are the measured rates recorded in docs/qr-images.md minus a small margin: a
//! drop below them is a regression in what inspectors can scan.

mod common;

use elicence_qr_image::decode_image;

/// Minimum decodes (out of 4 payloads) per degradation. What an inspector meets
/// every day (tilt, rotation, JPEG, light, inversion, moderate noise) must always
/// read: floor 4 = the measured 4/4. Harsher cases get the measured count minus one.
fn floor(name: &str) -> usize {
    match name {
        "blur σ=½ module" => 1,                                // measured 2/4
        "keystone 20%" | "keystone + light + noise" => 2,      // measured 3/4
        "phone photo 2400px, 6px/module, blur, JPEG q60" => 2, // measured 3/4
        "noise σ=80" => 3,                                     // measured 4/4
        _ => 4,
    }
}

/// Overall floor: measured 87/92 = 94.6 %, minus a margin of two decodes.
const OVERALL_FLOOR: usize = 85;

#[test]
fn decode_rates_on_degraded_photos() {
    let set = common::degraded_set();
    let mut total = 0;
    let mut ok_total = 0;
    let mut failures = Vec::new();
    println!("{:<52} {:>7}", "degradation", "decoded");
    for d in &set {
        let mut ok = 0;
        for (payload, bytes) in &d.cases {
            match decode_image(bytes) {
                // A wrong payload would be worse than none: count it as a failure.
                Ok(found) => {
                    assert!(
                        found.iter().all(|f| f == payload),
                        "{}: misread {found:?}",
                        d.name
                    );
                    ok += 1;
                }
                Err(e) => assert_eq!(e, elicence_qr_image::QrImageError::NoQrFound, "{}", d.name),
            }
        }
        println!("{:<52} {:>3}/{}", d.name, ok, d.cases.len());
        if ok < floor(d.name) {
            failures.push(format!("{}: {ok} < floor {}", d.name, floor(d.name)));
        }
        total += d.cases.len();
        ok_total += ok;
    }
    let rate = ok_total as f64 / total as f64;
    println!("overall {ok_total}/{total} = {:.1}%", rate * 100.0);
    assert_eq!(
        set.len(),
        23,
        "degradation list changed: re-measure the floors"
    );
    assert!(failures.is_empty(), "{failures:?}");
    assert!(
        ok_total >= OVERALL_FLOOR,
        "overall {ok_total}/{total} < floor {OVERALL_FLOOR}"
    );
}
