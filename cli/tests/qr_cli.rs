//! `elicence qr`, `verify --qr-image` and `render` as users run them, above
//! all with bad inputs: every failure is a clear message and exit code 2,
//! never a panic.

mod support;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use elicence_qr_image::RenderOptions;
use image::{GrayImage, ImageFormat, Luma};
use serde_json::{json, Value};

const NOW: &str = "2026-06-01T00:00:00Z";

fn elicence(args: &[&str]) -> (i32, Vec<u8>, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(env!("CARGO_BIN_EXE_elicence"))
        .args(args)
        .env_remove("ELICENCE_CHROMIUM")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        status.code().unwrap_or(-1),
        stdout,
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

fn tempdir(name: &str) -> support::TestDir {
    support::scratch(&format!("qr-cli-{name}"))
}

fn vector(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../test-vectors")
        .join(rel)
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// A usage/input failure: exit 2, one `error:` line naming the problem, no panic.
fn assert_clear_error(code: i32, stderr: &str, needle: &str) {
    assert_eq!(code, 2, "expected exit 2, stderr: {stderr}");
    assert!(
        stderr.lines().any(|l| l.starts_with("error: ")),
        "expected an error line: {stderr}"
    );
    assert!(stderr.contains(needle), "expected {needle:?} in: {stderr}");
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
}

/// The LC2 payload of a test vector: what `qr encode` prints now.
fn payload(name: &str) -> String {
    std::fs::read_to_string(vector(&format!("qr/{name}.lc2.txt")))
        .unwrap()
        .trim_end()
        .to_owned()
}

/// The LC1 payload of a test vector: what licences printed before LC2 carry.
fn lc1_payload(name: &str) -> String {
    std::fs::read_to_string(vector(&format!("qr/{name}.lc1.txt")))
        .unwrap()
        .trim_end()
        .to_owned()
}

fn encode_png(img: &GrayImage) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

fn qr_picture(text: &str, module_px: u32) -> GrayImage {
    let png = elicence_qr_image::render_png(
        text,
        &RenderOptions {
            module_px,
            ..RenderOptions::default()
        },
    )
    .unwrap();
    image::load_from_memory(&png).unwrap().to_luma8()
}

/// Pictures side by side on white paper, as on a shop counter.
fn side_by_side(codes: &[GrayImage]) -> GrayImage {
    let gap = 40;
    let width = codes.iter().map(|c| c.width() + gap).sum::<u32>() + gap;
    let height = codes.iter().map(GrayImage::height).max().unwrap() + 2 * gap;
    let mut page = GrayImage::from_pixel(width, height, Luma([255]));
    let mut x = gap;
    for code in codes {
        image::imageops::overlay(&mut page, code, i64::from(x), i64::from(gap));
        x += code.width() + gap;
    }
    page
}

// ------------------------------------------------------------ bad inputs

#[test]
fn random_bytes_named_like_a_photo_are_refused_clearly() {
    let dir = tempdir("random");
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let noise: Vec<u8> = (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    let file = dir.join("photo.png");
    std::fs::write(&file, &noise).unwrap();

    let (code, stdout, stderr) = elicence(&["qr", "decode", p(&file)]);
    assert_clear_error(code, &stderr, "neither a PNG or JPEG picture");
    assert!(stdout.is_empty());

    let (code, _, stderr) = elicence(&["verify", "--qr-image", p(&file), "--now", NOW]);
    assert_clear_error(code, &stderr, "not a PNG or JPEG picture");
}

#[test]
fn a_png_without_a_qr_code_asks_for_another_photo() {
    let dir = tempdir("blank");
    let blank = GrayImage::from_pixel(640, 480, Luma([255]));
    let file = dir.join("blank.png");
    std::fs::write(&file, encode_png(&blank)).unwrap();

    let (code, _, stderr) = elicence(&["qr", "decode", p(&file)]);
    assert_clear_error(code, &stderr, "no readable QR code");
    let (code, _, stderr) = elicence(&["verify", "--qr-image", p(&file), "--now", NOW]);
    assert_clear_error(code, &stderr, "no readable QR code");
}

#[test]
fn a_qr_code_of_something_else_is_not_taken_for_a_licence() {
    let dir = tempdir("other");
    let file = dir.join("menu.png");
    std::fs::write(
        &file,
        encode_png(&qr_picture("HTTPS://EXAMPLE.COM/MENU", 6)),
    )
    .unwrap();
    let (code, _, stderr) = elicence(&["verify", "--qr-image", p(&file), "--now", NOW]);
    assert_clear_error(code, &stderr, "none holds an elicence licence");
    assert!(stderr.contains("HTTPS://EXAMPLE.COM/MENU"), "{stderr}");
    let (code, _, stderr) = elicence(&["qr", "decode", p(&file)]);
    assert_clear_error(code, &stderr, "none holds an elicence licence");
}

#[test]
fn a_qr_code_of_a_future_format_version_is_named() {
    let dir = tempdir("lc3");
    let file = dir.join("lc3.png");
    std::fs::write(&file, encode_png(&qr_picture("LC3:ABCDEF", 6))).unwrap();
    for args in [
        vec!["qr", "decode", p(&file)],
        vec!["verify", "--qr-image", p(&file), "--now", NOW],
    ] {
        let (code, _, stderr) = elicence(&args);
        assert_clear_error(code, &stderr, "unsupported QR payload version LC3");
    }
}

#[test]
fn a_truncated_png_is_reported_as_corrupt() {
    let dir = tempdir("cut");
    let png = std::fs::read(vector("qr/eddsa-rdfc-2022.png")).unwrap();
    let file = dir.join("cut.png");
    std::fs::write(&file, &png[..png.len() / 2]).unwrap();
    let (code, _, stderr) = elicence(&["qr", "decode", p(&file)]);
    assert_clear_error(code, &stderr, "corrupt PNG image");
}

#[test]
fn truncated_payloads_are_refused_with_the_layer_that_broke() {
    let dir = tempdir("truncated");
    // LC1, on paper since before LC2: cut to a valid base45 length (3n), so
    // it is DEFLATE that notices; and cut to 3n+1, which base45 itself refuses.
    let full = lc1_payload("eddsa-rdfc-2022");
    let body = full.len() - 4;
    let cut_deflate = &full[..4 + (body / 2) / 3 * 3];
    let cut_base45 = &full[..4 + (body / 2) / 3 * 3 + 1];
    // LC2 cut to half: the coded stream runs out, what it decodes to is refused.
    let lc2 = payload("eddsa-rdfc-2022");
    let cut_lc2 = &lc2[..4 + (lc2.len() - 4) / 2 / 3 * 3];
    for (name, text, needle) in [
        ("deflate", cut_deflate, "DEFLATE"),
        ("base45", cut_base45, "base45"),
        ("prefix-only", "LC1:", "QR payload"),
        ("lc2", cut_lc2, "QR payload"),
        ("lc2-prefix-only", "LC2:", "QR payload"),
    ] {
        let file = dir.join(format!("{name}.txt"));
        std::fs::write(&file, format!("{text}\n")).unwrap();
        let (code, stdout, stderr) = elicence(&["qr", "decode", p(&file)]);
        assert_clear_error(code, &stderr, needle);
        assert!(stderr.contains("QR payload"), "{stderr}");
        assert!(stdout.is_empty(), "{name}: nothing printed on failure");
    }
}

#[test]
fn wrong_prefixes_are_named() {
    let dir = tempdir("prefix");
    let body = &payload("vc-jwt")[4..];
    for (name, text, needle) in [
        ("hc1", format!("HC1:{body}"), "not an elicence QR payload"),
        (
            "lc3",
            format!("LC3:{body}"),
            "unsupported QR payload version LC3",
        ),
        ("lower", format!("lc1:{body}"), "not an elicence QR payload"),
    ] {
        let file = dir.join(format!("{name}.txt"));
        std::fs::write(&file, &text).unwrap();
        let (code, _, stderr) = elicence(&["qr", "decode", p(&file)]);
        assert_clear_error(code, &stderr, needle);
    }
}

#[test]
fn encode_refuses_what_is_not_a_credential_and_bad_options() {
    let dir = tempdir("encode-bad");
    let text = dir.join("note.txt");
    std::fs::write(&text, "hello inspector\n").unwrap();
    let (code, _, stderr) = elicence(&["qr", "encode", p(&text)]);
    assert_clear_error(code, &stderr, "not a credential");

    let broken = vector("eddsa-rdfc-2022/malformed.json");
    let (code, _, stderr) = elicence(&["qr", "encode", p(&broken)]);
    assert_clear_error(code, &stderr, "malformed.json");

    let good = vector("eddsa-rdfc-2022/valid.json");
    let png = dir.join("x.png");
    let (code, _, stderr) = elicence(&[
        "qr",
        "encode",
        p(&good),
        "--png",
        p(&png),
        "--module-px",
        "0",
    ]);
    assert_clear_error(code, &stderr, "invalid render options");
    assert!(!png.exists());
}

#[test]
fn verify_qr_image_refuses_a_second_input() {
    let png = vector("qr/eddsa-rdfc-2022.png");
    let json = vector("eddsa-rdfc-2022/valid.json");
    let (code, _, stderr) = elicence(&["verify", p(&json), "--qr-image", p(&png)]);
    assert_clear_error(code, &stderr, "not both");
}

// ------------------------------------------------------------ good inputs

#[test]
fn encode_writes_png_and_svg_at_the_requested_level() {
    let dir = tempdir("encode");
    let source = vector("eddsa-rdfc-2022/valid.json");
    let (png, svg) = (dir.join("q.png"), dir.join("q.svg"));
    let (code, stdout, stderr) = elicence(&[
        "qr",
        "encode",
        p(&source),
        "--png",
        p(&png),
        "--svg",
        p(&svg),
        "--ec",
        "H",
        "--module-px",
        "3",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty(), "no payload text without --text");
    let version =
        elicence_qr_image::qr_version(&payload("eddsa-rdfc-2022"), elicence_qr_image::EcLevel::H)
            .unwrap();
    let modules = 17 + 4 * u32::from(version);
    assert!(
        stderr.contains(&format!(
            "QR version {version} ({modules}×{modules} modules), error correction H"
        )),
        "{stderr}"
    );
    // The symbol + 2 × 4 quiet modules, of 3 px.
    let img = image::load_from_memory(&std::fs::read(&png).unwrap()).unwrap();
    assert_eq!(
        (img.width(), img.height()),
        (3 * (modules + 8), 3 * (modules + 8))
    );
    let svg_text = std::fs::read_to_string(&svg).unwrap();
    assert!(
        svg_text.contains(&format!("viewBox=\"0 0 {0} {0}\"", modules + 8)),
        "{svg_text:.200}"
    );

    // The PNG reads back to the same credential, at any level.
    let (code, decoded, stderr) = elicence(&["qr", "decode", p(&png)]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(decoded, std::fs::read(&source).unwrap());

    // Without image outputs, the payload goes to stdout.
    let (code, stdout, _) = elicence(&["qr", "encode", p(&source)]);
    assert_eq!(code, 0);
    assert_eq!(
        String::from_utf8(stdout).unwrap(),
        format!("{}\n", payload("eddsa-rdfc-2022"))
    );
}

#[test]
fn a_jpeg_photo_decodes_to_the_credential() {
    let dir = tempdir("jpeg");
    let img = qr_picture(&payload("ecdsa-jcs-2019"), 5);
    let mut jpeg = Cursor::new(Vec::new());
    image::DynamicImage::ImageLuma8(img)
        .write_to(&mut jpeg, ImageFormat::Jpeg)
        .unwrap();
    let file = dir.join("photo.jpg");
    std::fs::write(&file, jpeg.into_inner()).unwrap();
    let (code, stdout, stderr) = elicence(&["qr", "decode", p(&file)]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        std::fs::read(vector("ecdsa-jcs-2019/valid.json")).unwrap()
    );
}

#[test]
fn a_photo_with_several_codes_verifies_each_licence_and_ignores_the_rest() {
    let dir = tempdir("several");
    // A new print (LC2), a menu, and a licence printed before LC2 (LC1).
    let codes = [
        qr_picture(&payload("eddsa-rdfc-2022"), 4),
        qr_picture("HTTPS://EXAMPLE.COM/MENU", 4),
        qr_picture(&lc1_payload("vc-jwt"), 4),
    ];
    let page = side_by_side(&codes);
    let file = dir.join("counter.png");
    std::fs::write(&file, encode_png(&page)).unwrap();

    let (code, stdout, stderr) =
        elicence(&["verify", "--qr-image", p(&file), "--now", NOW, "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let reports: Value = serde_json::from_slice(&stdout).unwrap();
    let reports = reports.as_array().expect("one report per licence code");
    assert_eq!(reports.len(), 2);
    assert!(reports.iter().all(|r| r["verdict"] == "valid"));
    let formats: Vec<&str> = reports
        .iter()
        .map(|r| r["format"]["kind"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(formats, ["data-integrity", "vc-jwt"], "in reading order");

    let (code, stdout, _) = elicence(&["verify", "--qr-image", p(&file), "--now", NOW]);
    assert_eq!(code, 0);
    let text = String::from_utf8(stdout).unwrap();
    assert!(text.contains("QR code 1 of 2:") && text.contains("QR code 2 of 2:"));

    // An expired licence among them makes the whole check fail (exit 1).
    let expired = std::fs::read_to_string(vector("eddsa-jcs-2022/expired.json")).unwrap();
    let expired_payload = elicence_core::qr::encode(&elicence_core::qr::Secured::Json(
        serde_json::from_str(&expired).unwrap(),
    ))
    .unwrap();
    let page2 = side_by_side(&[
        qr_picture(&payload("eddsa-rdfc-2022"), 4),
        qr_picture(&expired_payload, 4),
        qr_picture(&payload("vc-jwt"), 4),
    ]);
    let file2 = dir.join("counter-expired.png");
    std::fs::write(&file2, encode_png(&page2)).unwrap();
    let (code, stdout, stderr) =
        elicence(&["verify", "--qr-image", p(&file2), "--now", NOW, "--json"]);
    assert_eq!(code, 1, "{stderr}");
    let reports: Value = serde_json::from_slice(&stdout).unwrap();
    let verdicts: Vec<&str> = reports
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(verdicts.len(), 3, "{verdicts:?}");
    assert_eq!(verdicts.iter().filter(|v| **v == "invalid").count(), 1);
}

#[test]
fn stats_reports_every_stage_and_level() {
    let source = vector("eddsa-rdfc-2022/valid.json");
    let (code, stdout, stderr) = elicence(&["qr", "stats", p(&source), "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let s: Value = serde_json::from_slice(&stdout).unwrap();
    let payload_chars = s["payloadChars"].as_u64().unwrap();
    assert_eq!(s["payloadFormat"], "LC2");
    assert_eq!(payload_chars, payload("eddsa-rdfc-2022").len() as u64);
    assert_eq!(
        s["lc1PayloadChars"].as_u64().unwrap(),
        lc1_payload("eddsa-rdfc-2022").len() as u64
    );
    assert_eq!(s["base45Chars"].as_u64().unwrap() + 4, payload_chars);
    // base45: 3 characters per 2 bytes, 2 for a last odd byte.
    let compressed = s["compressedBytes"].as_u64().unwrap();
    assert_eq!(
        s["base45Chars"].as_u64().unwrap(),
        compressed / 2 * 3 + compressed % 2 * 2
    );
    assert!(s["cborBytes"].as_u64().unwrap() < s["jsonBytes"].as_u64().unwrap());
    assert!(payload_chars < s["plainJsonPayloadChars"].as_u64().unwrap());
    let mut last = 0;
    for level in ["L", "M", "Q", "H"] {
        let v = s["qrVersion"][level]["version"].as_u64().unwrap();
        assert!(v >= last, "stronger levels need larger codes");
        assert_eq!(
            s["qrVersion"][level]["modules"].as_u64().unwrap(),
            17 + 4 * v
        );
        last = v;
    }

    let (code, stdout, _) = elicence(&["qr", "stats", p(&source)]);
    assert_eq!(code, 0);
    let text = String::from_utf8(stdout).unwrap();
    assert!(
        text.contains(&format!(
            "LC2 payload                 {payload_chars:>6} characters"
        )),
        "{text}"
    );
    assert!(text.contains("  Q  version "), "{text}");
}

#[test]
fn link_is_the_licence_uri_with_the_credential_digest() {
    for (source, secured) in [
        (
            "eddsa-rdfc-2022/valid.json",
            elicence_core::qr::Secured::Json(
                serde_json::from_slice(
                    &std::fs::read(vector("eddsa-rdfc-2022/valid.json")).unwrap(),
                )
                .unwrap(),
            ),
        ),
        (
            "vc-jwt/valid.jwt",
            elicence_core::qr::Secured::Jwt(
                std::fs::read_to_string(vector("vc-jwt/valid.jwt"))
                    .unwrap()
                    .trim_end()
                    .to_owned(),
            ),
        ),
    ] {
        let (code, stdout, stderr) = elicence(&["qr", "link", p(&vector(source))]);
        assert_eq!(code, 0, "{stderr}");
        let uri = "https://licence.diw.example.go.th/licences/factory-op/%E0%B8%82-12345~2565";
        let expected = elicence_core::qr::access_link(uri, &secured).unwrap();
        assert_eq!(String::from_utf8(stdout).unwrap(), format!("{expected}\n"));
        assert_eq!(expected.len(), uri.len() + 3 + 16);
    }
    // The JSON and JWT forms of the same licence are different credentials.
    let (_, a, _) = elicence(&["qr", "link", p(&vector("eddsa-rdfc-2022/valid.json"))]);
    let (_, b, _) = elicence(&["qr", "link", p(&vector("eddsa-jcs-2022/valid.json"))]);
    assert_ne!(a, b);
}

// ------------------------------------------------------------ render

#[test]
fn render_writes_a_bilingual_self_contained_a4_page() {
    let dir = tempdir("render");
    let (code, stdout, stderr) = elicence(&[
        "render",
        p(&vector("eddsa-rdfc-2022/valid.json")),
        "--out",
        p(&dir),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let html_path = dir.join("valid.html");
    assert_eq!(
        String::from_utf8(stdout).unwrap().trim(),
        html_path.to_str().unwrap()
    );
    let html = std::fs::read_to_string(&html_path).unwrap();
    for needle in [
        // agency, type, number, holder, address, activities, conditions
        "กรมโรงงานอุตสาหกรรม (ข้อมูลทดสอบ)",
        "Department of Industrial Works (test data)",
        "ใบอนุญาตประกอบกิจการโรงงาน (ร.ง.๔)",
        "Factory operation licence (Ror.Ngor.4)",
        "ข-12345/2565",
        "บริษัท ผลิตภัณฑ์อาหารไทย จำกัด",
        "Thai Food Products Co., Ltd.",
        "0-1055-36112-01-4",
        "๙๙/๑ หมู่ ๔ ตำบลบางพลีใหญ่",
        "99/1 Moo 4, Bang Phli Yai",
        "ผลิตอาหารสำเร็จรูปบรรจุภาชนะปิดสนิท",
        "ต้องรายงานผลการตรวจวัดมลพิษทุกหกเดือน",
        // validity: Buddhist Era with Thai months, and Gregorian
        "ตั้งแต่วันที่ <span class=\"date\">๑ มกราคม พ.ศ. ๒๕๖๙</span> ถึงวันที่ <span class=\"date\">๓๑ ธันวาคม พ.ศ. ๒๕๗๓</span>",
        "From <span class=\"date\">1 January 2026</span> to <span class=\"date\">31 December 2030</span>",
        // links and how to verify
        "https://licence.diw.example.go.th/licences/factory-op/ข-12345~2565",
        "https://licence.diw.example.go.th/licences/factory-op/%E0%B8%82-12345~2565#d=",
        "How to verify",
        "วิธีตรวจสอบ",
        // print: A4, a real Thai font first, the QR inline
        "@page { size: A4",
        "\"TH Sarabun New\"",
        "\"Laksaman\"",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"",
    ] {
        assert!(html.contains(needle), "missing {needle:?}");
    }
    // Self-contained: nothing to fetch when printed offline.
    for external in ["<link", "src=\"http", "@import", "url("] {
        assert!(!html.contains(external), "external resource {external:?}");
    }
    assert!(!html.contains("<?xml"), "the SVG is inlined as an element");
}

#[test]
fn render_escapes_credential_text_into_html() {
    // An unsigned licence is enough for rendering (render never claims validity);
    // its Thai holder name carries markup that must stay text.
    let dir = tempdir("render-escape");
    let mut doc: Value =
        serde_json::from_slice(&std::fs::read(vector("eddsa-jcs-2022/valid.json")).unwrap())
            .unwrap();
    doc["credentialSubject"]["licensee"]["legalName"]["en"] =
        Value::String("Evil <script>alert(1)</script> & Co.".into());
    let file = dir.join("evil.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    let (code, _, stderr) = elicence(&["render", p(&file), "--out", p(&dir)]);
    assert_eq!(code, 0, "{stderr}");
    let html = std::fs::read_to_string(dir.join("evil.html")).unwrap();
    assert!(html.contains("Evil &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co."));
    assert!(!html.contains("<script>"));
}

#[test]
fn render_refuses_a_credential_that_is_not_a_licence() {
    let dir = tempdir("render-bad");
    let file = dir.join("other.json");
    std::fs::write(
        &file,
        r#"{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"did:example:1","credentialSubject":{"id":"did:example:2"}}"#,
    )
    .unwrap();
    let (code, _, stderr) = elicence(&["render", p(&file), "--out", p(&dir)]);
    assert_clear_error(code, &stderr, "licence data");
    assert!(!dir.join("other.html").exists());
}

#[test]
fn render_pdf_without_chromium_says_how_to_get_it() {
    let dir = tempdir("render-nochrome");
    let (code, _, stderr) = elicence(&[
        "render",
        p(&vector("vc-jwt/valid.jwt")),
        "--out",
        p(&dir),
        "--png",
        "--chromium",
        "/nonexistent/chromium",
    ]);
    assert_clear_error(code, &stderr, "Chromium not found at /nonexistent/chromium");
    assert!(stderr.contains("install-render-deps.sh"), "{stderr}");
    // The HTML is still there to print from any browser.
    assert!(dir.join("valid.html").exists());
}

/// The PDF is drawn natively (no browser): one A4 page.
#[test]
fn render_pdf_is_one_native_a4_page() {
    let dir = tempdir("render-pdf");
    let source = vector("eddsa-rdfc-2022/valid.json");
    let (code, _, stderr) = elicence(&["render", p(&source), "--out", p(&dir), "--pdf"]);
    assert_eq!(code, 0, "{stderr}");
    let pdf = std::fs::read(dir.join("valid.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("/Count 1"), "one page");
    assert!(text.contains("/MediaBox [0 0 595.27"), "A4 media box");
    assert!(text.contains("pdfaid:part>3<"), "PDF/A-3");
}

/// With Chromium installed (scripts/install-render-deps.sh), the PNG picture
/// of the page reads back to the credential. Without it, the command must
/// say so clearly.
#[test]
fn render_png_through_headless_chromium() {
    let dir = tempdir("render-chrome");
    let source = vector("eddsa-rdfc-2022/valid.json");
    let (code, _, stderr) = elicence(&["render", p(&source), "--out", p(&dir), "--png"]);
    let installed = [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .iter()
    .any(|name| {
        std::env::var_os("PATH")
            .is_some_and(|path| std::env::split_paths(&path).any(|d| d.join(name).is_file()))
    });
    if !installed {
        assert_clear_error(code, &stderr, "needs Chromium");
        return;
    }
    assert_eq!(code, 0, "{stderr}");
    let (code, decoded, stderr) = elicence(&["qr", "decode", p(&dir.join("valid.png"))]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(decoded, std::fs::read(&source).unwrap());
}

// ------------------------------------------------------------ qr scan

/// A code drawn on a test page: its text, level, top-left corner of the
/// symbol (inside its quiet zone) and side, in pixels.
type Drawn = (String, &'static str, (u32, u32), u32);

/// A page with two QR codes: a licence (LC2, level Q) and a shop's link
/// (UTF-8 with Thai, level M), the way a support desk receives a photo.
/// Returns the PNG and what was drawn where.
fn two_code_page() -> (Vec<u8>, [Drawn; 2]) {
    let licence = payload("eddsa-rdfc-2022");
    let link = "https://shop.example.co.th/เมนู?table=7";
    let draw = |text: &str, ec: elicence_qr_image::EcLevel| {
        let png = elicence_qr_image::render_png(
            text,
            &RenderOptions {
                ec,
                module_px: 4,
                ..RenderOptions::default()
            },
        )
        .unwrap();
        image::load_from_memory(&png).unwrap().to_luma8()
    };
    let a = draw(&licence, elicence_qr_image::EcLevel::Q);
    let b = draw(link, elicence_qr_image::EcLevel::M);
    let (gap, top) = (50u32, 70u32);
    let mut page = GrayImage::from_pixel(
        a.width() + b.width() + 3 * gap,
        a.height().max(b.height()) + 2 * top,
        Luma([255]),
    );
    image::imageops::overlay(&mut page, &a, i64::from(gap), i64::from(top));
    let bx = a.width() + 2 * gap;
    image::imageops::overlay(&mut page, &b, i64::from(bx), i64::from(top));
    // Where each symbol starts (inside its 4-module quiet zone) and its side.
    let side = |img: &GrayImage| img.width() - 2 * 4 * 4;
    (
        encode_png(&page),
        [
            (licence, "Q", (gap + 16, top + 16), side(&a)),
            (link.to_string(), "M", (bx + 16, top + 16), side(&b)),
        ],
    )
}

#[test]
fn scan_prints_the_text_of_every_code_whatever_it_holds() {
    let dir = tempdir("scan");
    let (png, codes) = two_code_page();
    let file = dir.join("counter.png");
    std::fs::write(&file, &png).unwrap();

    let (code, stdout, stderr) = elicence(&["qr", "scan", p(&file)]);
    assert_eq!(code, 0, "{stderr}");
    let text = String::from_utf8(stdout).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort_unstable();
    let mut expected: Vec<&str> = codes.iter().map(|c| c.0.as_str()).collect();
    expected.sort_unstable();
    assert_eq!(lines, expected, "the raw text of both codes, Thai included");
    assert!(
        stderr.contains("code 1 of 2") && stderr.contains("code 2 of 2"),
        "{stderr}"
    );
    assert!(
        stderr.contains("an elicence licence payload (LC2"),
        "{stderr}"
    );
    assert!(stderr.contains("not an elicence payload"), "{stderr}");
    assert!(!stderr.contains("error:"), "{stderr}");
}

#[test]
fn scan_json_gives_corners_version_and_level() {
    let dir = tempdir("scan-json");
    let (png, codes) = two_code_page();
    let file = dir.join("counter.png");
    std::fs::write(&file, &png).unwrap();

    let (code, stdout, stderr) = elicence(&["qr", "scan", p(&file), "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_slice(&stdout).unwrap();
    assert_eq!(report["image"], p(&file));
    let found = report["codes"].as_array().unwrap();
    assert_eq!(found.len(), 2, "{report}");
    for (text, level, (x, y), side) in &codes {
        let entry = found
            .iter()
            .find(|c| c["text"] == text.as_str())
            .unwrap_or_else(|| panic!("{text} missing from {report}"));
        let ec = match *level {
            "Q" => elicence_qr_image::EcLevel::Q,
            _ => elicence_qr_image::EcLevel::M,
        };
        assert_eq!(entry["errorCorrection"], *level);
        assert_eq!(
            entry["version"],
            u64::from(elicence_qr_image::qr_version(text, ec).unwrap())
        );
        assert_eq!(
            entry["elicencePayload"],
            if text.starts_with("LC2:") {
                json!("LC2")
            } else {
                Value::Null
            }
        );
        // Clockwise from the top-left: within two pixels of the drawn symbol.
        let (x, y, s) = (f64::from(*x), f64::from(*y), f64::from(*side));
        let expected = [(x, y), (x + s, y), (x + s, y + s), (x, y + s)];
        let corners = entry["corners"].as_array().unwrap();
        assert_eq!(corners.len(), 4);
        for (c, (ex, ey)) in corners.iter().zip(expected) {
            let (cx, cy) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
            assert!(
                (cx - ex).abs() <= 2.0 && (cy - ey).abs() <= 2.0,
                "{text}: corners {corners:?}, expected {expected:?}"
            );
        }
    }
}

#[test]
fn scan_reads_a_jpeg_photo_of_a_foreign_code() {
    let dir = tempdir("scan-jpeg");
    let img = qr_picture("WIFI:S:ShopGuest;T:WPA;P:somchai2567;;", 5);
    let mut jpeg = Cursor::new(Vec::new());
    image::DynamicImage::ImageLuma8(img)
        .write_to(&mut jpeg, ImageFormat::Jpeg)
        .unwrap();
    let file = dir.join("wifi.jpg");
    std::fs::write(&file, jpeg.into_inner()).unwrap();
    let (code, stdout, stderr) = elicence(&["qr", "scan", p(&file)]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, b"WIFI:S:ShopGuest;T:WPA;P:somchai2567;;\n");
    // qr decode, by contrast, only says that no code holds a licence.
    let (code, _, stderr) = elicence(&["qr", "decode", p(&file)]);
    assert_clear_error(code, &stderr, "elicence qr scan shows them all");
}

#[test]
fn scan_without_a_code_says_so_and_exits_1() {
    let dir = tempdir("scan-blank");
    let file = dir.join("blank.png");
    std::fs::write(
        &file,
        encode_png(&GrayImage::from_pixel(400, 300, Luma([250]))),
    )
    .unwrap();
    let (code, stdout, stderr) = elicence(&["qr", "scan", p(&file)]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty());
    assert!(stderr.contains("no readable QR code"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let (code, stdout, _) = elicence(&["qr", "scan", p(&file), "--json"]);
    assert_eq!(code, 1);
    let report: Value = serde_json::from_slice(&stdout).unwrap();
    assert_eq!(report["codes"], json!([]));
}

#[test]
fn scan_of_an_unreadable_file_exits_2() {
    let dir = tempdir("scan-bad");
    let missing = dir.join("missing.png");
    let (code, _, stderr) = elicence(&["qr", "scan", p(&missing)]);
    assert_clear_error(code, &stderr, "missing.png");

    let text = dir.join("note.png");
    std::fs::write(&text, "not a picture\n").unwrap();
    let (code, _, stderr) = elicence(&["qr", "scan", p(&text)]);
    assert_clear_error(code, &stderr, "not a PNG or JPEG picture");

    let png = std::fs::read(vector("qr/eddsa-rdfc-2022.lc2.png")).unwrap();
    let cut = dir.join("cut.png");
    std::fs::write(&cut, &png[..png.len() / 2]).unwrap();
    let (code, _, stderr) = elicence(&["qr", "scan", p(&cut), "--json"]);
    assert_clear_error(code, &stderr, "corrupt PNG image");
}
