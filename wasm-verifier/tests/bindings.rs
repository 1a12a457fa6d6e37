//! The bindings as the page calls them, run in node by wasm-bindgen-test-runner
//! (`scripts/test-web.sh`, or `cargo test -p elicence-wasm --target
//! wasm32-unknown-unknown` with the runner from wasm-verifier/.cargo/config.toml).
//! Inputs are the signed fixtures in test-vectors/trust; the clock is the
//! manifest's `now` (2026-06-01T00:00:00Z), when the status snapshots are a day old.
#![cfg(target_arch = "wasm32")]

use elicence_core::qr::{encode, Secured};
use elicence_qr_image::{render_png, RenderOptions};
use elicence_wasm::{decode_qr_luma, open_bundle, Inspector};
use serde_json::Value;
use wasm_bindgen::{JsError, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const BUNDLE: &[u8] = include_bytes!("../../test-vectors/trust/bundle.json");
const OTHER_ROOT_BUNDLE: &[u8] = include_bytes!("../../test-vectors/trust/bundle-other-root.json");
const ROOT: &str = "did:key:z6Mkv8urfoLpzNzYi4HjNAP6CBUHkLDbvbsw1TrHoedfhMrT";
const VALID: &str = include_str!("../../test-vectors/trust/licences/valid.json");
const VALID_JWT: &str = include_str!("../../test-vectors/trust/licences/valid.jwt");
const REVOKED: &str = include_str!("../../test-vectors/trust/licences/revoked.json");
const UNTRUSTED: &str = include_str!("../../test-vectors/trust/licences/untrusted-issuer.json");
const UNKNOWN_STATUS: &str =
    include_str!("../../test-vectors/trust/licences/unknown-status-list.json");

/// 2026-06-01T00:00:00Z in Unix milliseconds (the manifest's `now`).
const NOW_MS: f64 = 1_780_272_000_000.0;
const DAY_MS: f64 = 86_400_000.0;

fn message(e: JsError) -> String {
    format!("{:?}", JsValue::from(e))
}

fn ok<T>(r: Result<T, JsError>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("unexpected error: {}", message(e)),
    }
}

fn inspector() -> Inspector {
    ok(open_bundle(BUNDLE, ROOT, 1.0))
}

fn verify(input: &str, now_ms: f64) -> Value {
    let json = ok(inspector().verify(input.as_bytes(), now_ms));
    serde_json::from_str(&json).unwrap()
}

fn outcome(out: &Value, code: &str) -> String {
    out["report"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code)
        .map(|c| c["outcome"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("no {code} check in {out}"))
}

fn lc1(credential: &str) -> String {
    encode(&Secured::Json(serde_json::from_str(credential).unwrap())).unwrap()
}

#[wasm_bindgen_test]
fn bundle_summary_reports_version_validity_and_snapshot_ages() {
    let i = inspector();
    assert_eq!(i.version(), 1.0);
    let s: Value = serde_json::from_str(&ok(i.summary(NOW_MS))).unwrap();
    assert_eq!(s["version"], 1);
    assert_eq!(s["rootDid"], ROOT);
    assert_eq!(s["validFrom"], "2026-01-01T00:00:00Z");
    assert_eq!(s["validUntil"], "2027-01-01T00:00:00Z");
    assert_eq!(s["inForce"], true);
    assert_eq!(
        s["sampleData"], true,
        "the fixture catalogue is labelled sample data"
    );
    let lists = s["statusLists"].as_array().unwrap();
    assert_eq!(lists.len(), 2);
    for l in lists {
        assert_eq!(l["fetchedAt"], "2026-05-31T00:00:00Z");
        // A list is as old as its own validFrom (2026-05-30), not its fetch.
        assert_eq!(l["validFrom"], "2026-05-30T00:00:00Z");
        assert_eq!(l["ageSeconds"], 2 * 86_400);
        assert_eq!(l["fresh"], true);
    }
    assert_eq!(s["oldestSnapshotAgeSeconds"], 2 * 86_400);
    assert!(s["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["code"] == "DIW"));

    // Ten days later the snapshots are past the 7-day limit; after the
    // bundle's validUntil it is no longer in force.
    let later: Value = serde_json::from_str(&ok(i.summary(NOW_MS + 10.0 * DAY_MS))).unwrap();
    assert_eq!(later["statusLists"][0]["fresh"], false);
    let expired: Value = serde_json::from_str(&ok(i.summary(NOW_MS + 400.0 * DAY_MS))).unwrap();
    assert_eq!(expired["inForce"], false);
}

#[wasm_bindgen_test]
fn bundles_that_must_not_be_used_are_refused() {
    let other = match open_bundle(OTHER_ROOT_BUNDLE, ROOT, 1.0) {
        Ok(_) => panic!("a bundle signed by another root opened"),
        Err(e) => message(e),
    };
    assert!(other.contains("root authority"), "{other}");
    // Rollback: this device has already seen version 2.
    let rollback = message(
        open_bundle(BUNDLE, ROOT, 2.0)
            .err()
            .expect("rollback accepted"),
    );
    assert!(rollback.contains("older than"), "{rollback}");
    let mut altered = BUNDLE.to_vec();
    let at = BUNDLE.windows(5).position(|w| w == b"\"DIW\"").unwrap();
    altered[at + 1] = b'X';
    assert!(
        open_bundle(&altered, ROOT, 1.0).is_err(),
        "an altered bundle opened"
    );
    assert!(open_bundle(b"not json", ROOT, 1.0).is_err());
    assert!(open_bundle(BUNDLE, "did:key:zNotAKey", 1.0).is_err());
    assert!(open_bundle(BUNDLE, ROOT, f64::NAN).is_err());
    assert!(open_bundle(BUNDLE, ROOT, -1.0).is_err());
}

#[wasm_bindgen_test]
fn valid_licence_names_issuer_and_type_from_the_bundle() {
    for input in [VALID.to_owned(), VALID_JWT.trim().to_owned(), lc1(VALID)] {
        let out = verify(&input, NOW_MS);
        assert_eq!(out["report"]["verdict"], "valid", "{out}");
        assert_eq!(
            out["report"]["issuer_name"]["en"], "Department of Industrial Works (test data)",
            "the trust list's name (the fixture marks it as test data)"
        );
        assert_eq!(out["licenceType"]["code"], "factory-op");
        assert!(out["licenceType"]["name"]["th"]
            .as_str()
            .unwrap()
            .contains("โรงงาน"));
        assert_eq!(
            out["report"]["credential"]["credentialSubject"]["licenceNumber"],
            "ข-12345/2565"
        );
    }
}

#[wasm_bindgen_test]
fn tampered_revoked_untrusted_and_unknown_status() {
    let tampered = VALID.replace("ข-12345/2565", "ข-99999/2565");
    let out = verify(&lc1(&tampered), NOW_MS);
    assert_eq!(out["report"]["verdict"], "invalid");
    assert_eq!(outcome(&out, "proof"), "fail");
    assert!(
        out["report"]["credential"].is_null(),
        "unverified data is not returned"
    );

    let out = verify(&lc1(REVOKED), NOW_MS);
    assert_eq!(out["report"]["verdict"], "invalid");
    assert_eq!(outcome(&out, "status"), "fail");
    let reason = out["report"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "status")
        .unwrap()["reason"]
        .clone();
    assert!(
        reason["en"].as_str().unwrap().contains("revoked"),
        "{reason}"
    );
    assert!(!reason["th"].as_str().unwrap().is_empty());

    let out = verify(UNTRUSTED, NOW_MS);
    assert_eq!(out["report"]["verdict"], "invalid");
    assert_eq!(outcome(&out, "issuer-trusted"), "fail");
    assert!(out["report"].get("issuer_name").is_none());

    let out = verify(UNKNOWN_STATUS, NOW_MS);
    assert_eq!(out["report"]["verdict"], "cannot-decide");
    assert_eq!(outcome(&out, "status"), "not-run");
}

#[wasm_bindgen_test]
fn stale_snapshot_cannot_decide_and_bad_clock_is_refused() {
    let out = verify(VALID, NOW_MS + 10.0 * DAY_MS);
    assert_eq!(out["report"]["verdict"], "cannot-decide");
    assert_eq!(outcome(&out, "status"), "not-run");
    assert!(inspector().verify(VALID.as_bytes(), f64::NAN).is_err());
    assert!(inspector().verify(VALID.as_bytes(), f64::INFINITY).is_err());
    assert!(inspector().verify(VALID.as_bytes(), 1e300).is_err());
    assert!(inspector().verify(VALID.as_bytes(), -9e15).is_err());
    assert!(inspector().summary(f64::NAN).is_err());
}

#[wasm_bindgen_test]
fn garbage_input_is_an_invalid_report_not_an_error() {
    for input in [
        &b""[..],
        b"hello",
        b"LC1:NOTBASE45!!",
        b"{\"a\":",
        &[0xff, 0xfe, 0x00],
    ] {
        let json = ok(inspector().verify(input, NOW_MS));
        let out: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(out["report"]["verdict"], "invalid", "{input:?}");
        assert_eq!(outcome(&out, "format"), "fail");
    }
}

#[wasm_bindgen_test]
fn photo_of_a_licence_decodes_and_verifies() {
    let payload = lc1(REVOKED);
    let (w, h, luma) = grey_pixels(&payload);
    assert_eq!(ok(decode_qr_luma(w, h, &luma)), vec![payload.clone()]);

    let json = ok(inspector().verify_luma(w, h, &luma, NOW_MS));
    let out: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(out["report"]["verdict"], "invalid");
    assert_eq!(outcome(&out, "status"), "fail");
    assert_eq!(out["payloads"][0], payload);

    let (w, h, valid) = grey_pixels(&lc1(VALID));
    let out: Value =
        serde_json::from_str(&ok(inspector().verify_luma(w, h, &valid, NOW_MS))).unwrap();
    assert_eq!(out["report"]["verdict"], "valid");
}

#[wasm_bindgen_test]
fn a_non_alphanumeric_code_reads_back_without_trapping() {
    // Byte mode with a UTF-8 ECI goes through rxing's character-set decoding:
    // in wasm (panic=abort) any panic there would kill the module.
    let text = "ใบอนุญาต ร้านค้า 2569/001 — ü";
    let (w, h, luma) = grey_pixels(text);
    assert_eq!(ok(decode_qr_luma(w, h, &luma)), vec![text.to_string()]);
    let out: Value =
        serde_json::from_str(&ok(inspector().verify_luma(w, h, &luma, NOW_MS))).unwrap();
    assert_eq!(out["report"]["verdict"], "invalid");
    assert_eq!(outcome(&out, "format"), "fail");
}

#[wasm_bindgen_test]
fn pictures_without_a_code_or_not_pictures() {
    // A blank page: no code, which the camera loop treats as "next frame".
    let white = vec![255u8; 64 * 64];
    assert_eq!(ok(decode_qr_luma(64, 64, &white)), Vec::<String>::new());
    // RGBA handed over as if it were grey, a short buffer, no pixels at all.
    for (w, h, len) in [(64, 64, 64 * 64 * 4), (64, 64, 100), (0, 0, 0)] {
        let err = message(decode_qr_luma(w, h, &vec![255; len]).expect_err("bad buffer decoded"));
        assert!(err.contains("grey picture"), "{err}");
    }
    let huge = message(decode_qr_luma(10_000, 10_000, &[0; 4]).expect_err("a 100 MP picture"));
    assert!(huge.contains("pixel limit"), "{huge}");
    let no_code = message(
        inspector()
            .verify_luma(64, 64, &white, NOW_MS)
            .expect_err("verified nothing"),
    );
    assert!(no_code.contains("no QR code"), "{no_code}");
}

/// A payload's QR code as the worker hands it over: grey bytes, one per pixel.
fn grey_pixels(payload: &str) -> (u32, u32, Vec<u8>) {
    let png_bytes = render_png(payload, &RenderOptions::default()).unwrap();
    let mut reader = png::Decoder::new(std::io::Cursor::new(png_bytes))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

/// A QR code whose one byte-mode segment is announced by an ECI charset
/// designator, as grey pixels (6 px per module, 4-module quiet zone).
fn eci_code(eci: u32, bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    use qrcode::bits::Bits;
    use qrcode::{Color, EcLevel, QrCode, Version};
    let mut bits = Bits::new(Version::Normal(4));
    bits.push_eci_designator(eci).unwrap();
    bits.push_byte_data(bytes).unwrap();
    bits.push_terminator(EcLevel::M).unwrap();
    let code = QrCode::with_bits(bits, EcLevel::M).unwrap();
    let (modules, scale, quiet) = (code.width(), 6, 4);
    let side = (modules + 2 * quiet) * scale;
    let colors = code.to_colors();
    let mut luma = vec![255u8; side * side];
    for y in 0..side {
        for x in 0..side {
            let (mx, my) = (x / scale, y / scale);
            let inside =
                (quiet..quiet + modules).contains(&mx) && (quiet..quiet + modules).contains(&my);
            if inside && colors[(my - quiet) * modules + (mx - quiet)] == Color::Dark {
                luma[y * side + x] = 0;
            }
        }
    }
    (side as u32, side as u32, luma)
}

#[wasm_bindgen_test]
fn byte_segments_decode_without_character_set_tables() {
    // The browser's rxing carries no character-set tables (vendor/README.md).
    // Charsets that need none still decode: ISO-8859-1 (ECI 3), UTF-8 (26)
    // and UTF-16BE (25).
    let (w, h, luma) = eci_code(3, b"Caf\xe9 \xa9 2569");
    assert_eq!(
        ok(decode_qr_luma(w, h, &luma)),
        vec!["Café © 2569".to_string()]
    );
    let (w, h, luma) = eci_code(26, "ร้านอาหาร café".as_bytes());
    assert_eq!(
        ok(decode_qr_luma(w, h, &luma)),
        vec!["ร้านอาหาร café".to_string()]
    );
    let utf16: Vec<u8> = "ใบอนุญาต"
        .encode_utf16()
        .flat_map(u16::to_be_bytes)
        .collect();
    let (w, h, luma) = eci_code(25, &utf16);
    assert_eq!(ok(decode_qr_luma(w, h, &luma)), vec!["ใบอนุญาต".to_string()]);
    // One that needs a table (Shift_JIS, ECI 20: "テスト") is reported as no
    // code: the module must not trap (panic = abort would kill the page's
    // decoder) and must not make up text from the wrong charset.
    let (w, h, luma) = eci_code(20, b"\x83\x65\x83\x58\x83\x67");
    assert_eq!(ok(decode_qr_luma(w, h, &luma)), Vec::<String>::new());
    // The module still works after that.
    let (w, h, luma) = eci_code(26, b"LC1:after");
    assert_eq!(
        ok(decode_qr_luma(w, h, &luma)),
        vec!["LC1:after".to_string()]
    );
}

/// The DIW test key (test-vectors/keys/ed25519.pem, published test data).
const DIW_KEY: &str = include_str!("../../test-vectors/keys/ed25519.pem");

/// `credential` re-signed by DIW with eddsa-rdfc-2022, whose signature
/// covers the RDF and so survives any re-spelling of the JSON.
fn rdfc(credential: &str) -> Value {
    use elicence_core::keys::SigningKey;
    use elicence_core::proof::{self, Cryptosuite, ProofOptions};
    let key = SigningKey::from_pkcs8_pem(DIW_KEY, None).unwrap();
    let mut doc: Value = serde_json::from_str(credential).unwrap();
    doc.as_object_mut().unwrap().remove("proof");
    let vm = format!(
        "did:web:licence.diw.example.go.th#{}",
        key.public_key().to_multikey()
    );
    proof::sign(
        &doc,
        Cryptosuite::EddsaRdfc2022,
        &key,
        &ProofOptions::new(vm, "2026-01-01T00:00:00Z"),
    )
    .unwrap()
}

/// Issue 16 through the inspector: a revoked licence whose status entry is
/// re-spelled as its IRI (the signature still holds) is refused, pasted or
/// scanned, and so is one whose entry moved behind an embedded alias.
#[wasm_bindgen_test]
fn a_re_spelled_revoked_licence_is_refused_in_the_browser() {
    let revoked = rdfc(REVOKED);
    let out = verify(&revoked.to_string(), NOW_MS);
    assert_eq!(out["report"]["verdict"], "invalid");
    assert_eq!(outcome(&out, "status"), "fail");
    let mut attack = revoked.clone();
    let entry = attack
        .as_object_mut()
        .unwrap()
        .remove("credentialStatus")
        .unwrap();
    attack["https://www.w3.org/2018/credentials#credentialStatus"] = entry.clone();
    for input in [attack.to_string(), lc1(&attack.to_string())] {
        let out = verify(&input, NOW_MS);
        assert_eq!(out["report"]["verdict"], "invalid", "{out}");
        assert_eq!(outcome(&out, "contexts"), "fail");
        assert_eq!(outcome(&out, "status"), "not-run");
    }
    let mut aliased = revoked.clone();
    aliased.as_object_mut().unwrap().remove("credentialStatus");
    aliased["state"] = entry;
    aliased["@context"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "state": {"@id": "https://www.w3.org/2018/credentials#credentialStatus", "@type": "@id"}
        }));
    let out = verify(&aliased.to_string(), NOW_MS);
    assert_eq!(out["report"]["verdict"], "invalid", "{out}");
}

/// A snapshot past its own validUntil, or older than the policy allows, is
/// never used for "clear": the inspector says cannot decide.
#[wasm_bindgen_test]
fn a_stale_snapshot_never_says_clear_in_the_browser() {
    let out = verify(VALID, NOW_MS + 10.0 * DAY_MS);
    assert_eq!(out["report"]["verdict"], "cannot-decide", "{out}");
    assert_eq!(outcome(&out, "status"), "not-run");
}
