//! `elicence render`: the paper licence. One self-contained HTML file (inline
//! CSS, the QR code as inline SVG, print CSS for A4) in Thai and English; PDF
//! and PNG by printing that file with headless Chromium.
//!
//! The QR code carries the signed credential, so the paper is verifiable
//! offline; the printed text is for people and is not itself the proof.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use elicence_core::licence::model::BilingualText;
use elicence_core::licence::BusinessLicence;
use elicence_core::qr::{self, Secured};
// The issuer's licence page and this printable page escape text alike.
use elicence_issuer::http::page::escape as esc;
use elicence_qr_image::{QrImageError, RenderOptions};
use time::{OffsetDateTime, UtcOffset};

use super::qr::{access_link, credential_json, load_credential, modules};
use crate::cli::RenderArgs;
use crate::error::CliError;
use crate::io;

/// Printed size of the QR code's side, quiet zone included, in millimetres:
/// 0.42 mm per module, kept within 35-45 mm so phones read it at arm's length.
fn qr_side_mm(version: u16, quiet_zone: u32) -> f64 {
    let side = f64::from(modules(version) + 2 * quiet_zone);
    (side * 0.42).clamp(35.0, 45.0)
}

/// Chromium gets this long to print one page before it is stopped.
const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(90);

pub fn render(a: &RenderArgs) -> Result<ExitCode, CliError> {
    let credential = load_credential(&a.credential)?;
    let doc = credential_json(&credential)?;
    let licence = BusinessLicence::from_credential(&doc)?;
    let link = access_link(&credential)?;
    let options = RenderOptions {
        ec: a.ec.level(),
        ..RenderOptions::default()
    };
    let full = qr::encode(&credential)?;
    let (qr_text, qr_kind) = if a.link_qr {
        (link.clone(), QrKind::Link)
    } else {
        match elicence_qr_image::qr_version(&full, options.ec) {
            Ok(_) => (full, QrKind::Credential),
            Err(QrImageError::PayloadTooLong { .. }) => {
                eprintln!(
                    "warning: the credential does not fit in one QR code at level {}; printing the License Access URL instead",
                    a.ec.letter()
                );
                (link.clone(), QrKind::Link)
            }
            Err(e) => return Err(e.into()),
        }
    };
    let version = elicence_qr_image::qr_version(&qr_text, options.ec)?;
    let svg = elicence_qr_image::render_svg(&qr_text, &options)?;
    let qr = QrBlock {
        svg: svg_element(&svg),
        side_mm: qr_side_mm(version, options.quiet_zone_modules),
        kind: qr_kind,
        suite: suite_name(&credential, &doc),
    };
    let html = page(&licence, &link, &qr);

    std::fs::create_dir_all(&a.out).map_err(|e| CliError::io(&a.out, e))?;
    let stem = a
        .credential
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| *s != "-")
        .unwrap_or("licence");
    let html_path = a.out.join(format!("{stem}.html"));
    io::write_output(Some(&html_path), html.as_bytes())?;
    println!("{}", html_path.display());
    eprintln!(
        "QR code: version {version} at level {}, {:.0} mm printed ({})",
        a.ec.letter(),
        qr.side_mm,
        match qr.kind {
            QrKind::Credential => "the signed credential",
            QrKind::Link => "the License Access URL",
        }
    );

    if a.pdf || a.png {
        let chromium = find_chromium(a.chromium.as_deref())?;
        if a.pdf {
            let pdf = a.out.join(format!("{stem}.pdf"));
            print_with_chromium(&chromium, &html_path, &pdf, Output::Pdf)?;
            println!("{}", pdf.display());
        }
        if a.png {
            let png = a.out.join(format!("{stem}.png"));
            print_with_chromium(&chromium, &html_path, &png, Output::Png)?;
            println!("{}", png.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What the printed QR code holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum QrKind {
    /// The LC1 payload: verifiable offline.
    Credential,
    /// The License Access URL: needs the network.
    Link,
}

struct QrBlock {
    svg: String,
    side_mm: f64,
    kind: QrKind,
    suite: String,
}

/// The `<svg>` element of a standalone SVG document (no XML declaration), for inlining.
fn svg_element(svg: &str) -> String {
    match svg.find("<svg") {
        Some(i) => svg[i..].trim_end().to_owned(),
        None => svg.to_owned(),
    }
}

/// "eddsa-rdfc-2022" and the like, or "vc+jwt (EdDSA)".
fn suite_name(credential: &Secured, doc: &serde_json::Value) -> String {
    match credential {
        Secured::Jwt(jwt) => {
            let alg = jwt
                .split('.')
                .next()
                .and_then(|h| {
                    base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, h)
                        .ok()
                })
                .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
                .and_then(|h| h.get("alg").and_then(|a| a.as_str()).map(str::to_owned));
            match alg {
                Some(alg) => format!("vc+jwt ({alg})"),
                None => "vc+jwt".into(),
            }
        }
        Secured::Json(_) => {
            let proof = doc.get("proof");
            let first = match proof {
                Some(serde_json::Value::Array(list)) => list.first(),
                other => other,
            };
            first
                .and_then(|p| p.get("cryptosuite"))
                .and_then(|s| s.as_str())
                .unwrap_or("Data Integrity")
                .to_owned()
        }
    }
}

// ---------------------------------------------------------------- dates

const THAI_MONTHS: [&str; 12] = [
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
];

const ENGLISH_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Thailand's time zone: licences are read as Thai civil dates.
fn thai_time(t: OffsetDateTime) -> OffsetDateTime {
    match UtcOffset::from_hms(7, 0, 0) {
        Ok(offset) => t.to_offset(offset),
        Err(_) => t,
    }
}

/// Hour and minute, when the instant is not the start or end of a day.
fn clock(t: OffsetDateTime) -> Option<(u8, u8)> {
    let (h, m, s) = t.to_hms();
    match (h, m, s) {
        (0, 0, 0) | (23, 59, 59) => None,
        _ => Some((h, m)),
    }
}

/// Arabic digits as Thai digits, as official Thai documents print them.
fn thai_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from_u32(0x0E50 + d).unwrap_or(c),
            None => c,
        })
        .collect()
}

/// "๑ มกราคม พ.ศ. ๒๕๖๙": Buddhist Era year (CE + 543), Thai month name.
fn thai_date(t: OffsetDateTime) -> String {
    let t = thai_time(t);
    let month = THAI_MONTHS[usize::from(u8::from(t.month())) - 1];
    let mut s = format!("{} {month} พ.ศ. {}", t.day(), t.year() + 543);
    if let Some((h, m)) = clock(t) {
        let _ = write!(s, " เวลา {h:02}.{m:02} น.");
    }
    thai_digits(&s)
}

/// "1 January 2026" (Gregorian), with the time in Thailand when it is not a day boundary.
fn english_date(t: OffsetDateTime) -> String {
    let t = thai_time(t);
    let month = ENGLISH_MONTHS[usize::from(u8::from(t.month())) - 1];
    let mut s = format!("{} {month} {}", t.day(), t.year());
    if let Some((h, m)) = clock(t) {
        let _ = write!(s, ", {h:02}:{m:02} (UTC+7)");
    }
    s
}

// ---------------------------------------------------------------- HTML

/// A Thai line and, when it differs, an English line.
fn both(text: &BilingualText) -> String {
    if text.en.is_empty() || text.en == text.th {
        format!("<span class=\"th\" lang=\"th\">{}</span>", esc(&text.th))
    } else {
        format!(
            "<span class=\"th\" lang=\"th\">{}</span><span class=\"en\" lang=\"en\">{}</span>",
            esc(&text.th),
            esc(&text.en)
        )
    }
}

/// 13-digit Thai ID in its printed grouping, 1-2345-67890-12-3.
fn grouped_id(id: &str) -> String {
    if id.len() == 13 && id.bytes().all(|b| b.is_ascii_digit()) {
        format!(
            "{}-{}-{}-{}-{}",
            &id[0..1],
            &id[1..5],
            &id[5..10],
            &id[10..12],
            &id[12..13]
        )
    } else {
        id.to_owned()
    }
}

fn list(items: &[String]) -> String {
    let mut out = String::from("<ol lang=\"th\">");
    for item in items {
        let _ = write!(out, "<li>{}</li>", esc(item));
    }
    out.push_str("</ol>");
    out
}

fn row(label_th: &str, label_en: &str, value: &str) -> String {
    format!(
        "<tr><th scope=\"row\"><span class=\"th\" lang=\"th\">{label_th}</span><span class=\"en\" lang=\"en\">{label_en}</span></th><td>{value}</td></tr>\n"
    )
}

/// The whole page. Every credential-derived string goes through [`esc`].
fn page(l: &BusinessLicence, link: &str, qr: &QrBlock) -> String {
    let mut rows = String::new();
    rows.push_str(&row("ผู้รับใบอนุญาต", "Licensee", &both(&l.licensee_name)));
    rows.push_str(&row(
        "เลขทะเบียนนิติบุคคล",
        "Juristic person ID",
        &format!(
            "<span class=\"num\">{}</span>",
            esc(&grouped_id(l.licensee_id.as_str()))
        ),
    ));
    let address = match &l.premises_address.en {
        Some(en) => both(&BilingualText {
            th: l.premises_address.th.clone(),
            en: en.clone(),
        }),
        None => format!(
            "<span class=\"th\" lang=\"th\">{}</span>",
            esc(&l.premises_address.th)
        ),
    };
    rows.push_str(&row("สถานที่ประกอบกิจการ", "Premises", &address));
    rows.push_str(&row(
        "กิจการที่ได้รับอนุญาต",
        "Permitted activities",
        &list(&l.permitted_activities),
    ));
    if !l.conditions.is_empty() {
        rows.push_str(&row("เงื่อนไข", "Conditions", &list(&l.conditions)));
    }
    let validity = format!(
        "<span class=\"th\" lang=\"th\">ตั้งแต่วันที่ <span class=\"date\">{}</span> ถึงวันที่ <span class=\"date\">{}</span></span><span class=\"en\" lang=\"en\">From <span class=\"date\">{}</span> to <span class=\"date\">{}</span></span>",
        esc(&thai_date(l.valid_from)),
        esc(&thai_date(l.valid_until)),
        esc(&english_date(l.valid_from)),
        esc(&english_date(l.valid_until)),
    );
    rows.push_str(&row("ระยะเวลาอนุญาต", "Valid", &validity));

    let (verify_th, verify_en) = match qr.kind {
        QrKind::Credential => (
            "วิธีตรวจสอบ: สแกนคิวอาร์โค้ดนี้ด้วยโปรแกรมตรวจสอบ elicence ซึ่งตรวจลายมือชื่อดิจิทัลของหน่วยงานได้โดยไม่ต้องใช้อินเทอร์เน็ต",
            "How to verify: scan this QR code with an elicence verifier; it checks the agency's digital signature offline.",
        ),
        QrKind::Link => (
            "วิธีตรวจสอบ: สแกนคิวอาร์โค้ดนี้เพื่อเปิดใบอนุญาตที่ลงลายมือชื่อดิจิทัลจากเว็บไซต์ของหน่วยงาน แล้วตรวจด้วยโปรแกรมตรวจสอบ elicence",
            "How to verify: scan this QR code to open the signed licence on the agency's site, then check it with an elicence verifier.",
        ),
    };
    let qr_caption = match qr.kind {
        QrKind::Credential => "ใบอนุญาตที่ลงลายมือชื่อดิจิทัล · signed licence",
        QrKind::Link => "ลิงก์ใบอนุญาต · licence link",
    };

    let mut html = String::with_capacity(16 * 1024 + qr.svg.len());
    let _ = write!(
        html,
        r#"<!DOCTYPE html>
<html lang="th">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="elicence render">
<title>{title_th} {number} · {title_en}</title>
<style>{css}</style>
</head>
<body>
<main class="sheet"><div class="frame">
<header class="agency">
<div class="agency-name">{agency}</div>
</header>
<section class="title">
<h1>{type_name}</h1>
<p class="number"><span class="label"><span lang="th">เลขที่</span> / <span lang="en">No.</span></span> <span class="num">{number}</span></p>
</section>
<table class="fields">
<tbody>
{rows}</tbody>
</table>
<div class="spacer"></div>
<section class="proof">
<figure class="qr" style="width: {side:.1}mm">
<div class="qr-code" style="width: {side:.1}mm; height: {side:.1}mm">{svg}</div>
<figcaption>{qr_caption}</figcaption>
</figure>
<div class="proof-text">
<p class="howto"><span class="th" lang="th">{verify_th}</span><span class="en" lang="en">{verify_en}</span></p>
<dl>
<dt><span lang="th">ใบอนุญาต</span> / <span lang="en">Licence IRI</span></dt><dd class="mono">{iri}</dd>
<dt><span lang="th">ลิงก์</span> / <span lang="en">Access link</span></dt><dd class="mono">{link}</dd>
<dt><span lang="th">ผู้ลงนาม</span> / <span lang="en">Signed by</span></dt><dd class="mono">{issuer} · {suite}</dd>
</dl>
<p class="cli">elicence verify --qr-image <i>photo.jpg</i></p>
</div>
</section>
<footer>
<span class="th" lang="th">เอกสารนี้พิมพ์จากใบอนุญาตอิเล็กทรอนิกส์ ข้อความที่พิมพ์มีไว้เพื่ออ่าน หลักฐานคือข้อมูลที่ลงลายมือชื่อดิจิทัลในคิวอาร์โค้ด</span>
<span class="en" lang="en">Printed from an electronic licence. The printed text is for reading; the proof is the digitally signed data in the QR code.</span>
</footer>
</div></main>
</body>
</html>
"#,
        title_th = esc(&l.licence_type_name.th),
        title_en = esc(&l.licence_type_name.en),
        number = esc(&l.licence_number),
        css = CSS,
        agency = both(&l.issuer_name),
        type_name = both(&l.licence_type_name),
        rows = rows,
        side = qr.side_mm,
        svg = qr.svg,
        qr_caption = qr_caption,
        verify_th = verify_th,
        verify_en = verify_en,
        iri = esc(l.iri.as_str()),
        link = esc(link),
        issuer = esc(&l.issuer_id),
        suite = esc(&qr.suite),
    );
    html
}

/// Thai needs a real Thai font: TH Sarabun New (the Thai government's
/// document font) and its free relatives first (Sarabun on Google Fonts,
/// Laksaman in Debian's fonts-thai-tlwg), then Noto Sans Thai
/// (fonts-noto-core) and the other TLWG faces.
const CSS: &str = r#"
:root {
  --ink: #1a1a1a;
  --muted: #555;
  --rule: #0b3d6e;
  --thai: "TH Sarabun New", "THSarabunNew", "TH SarabunPSK", "Sarabun", "Laksaman",
          "Noto Sans Thai", "Noto Sans Thai UI", "Loma", "Garuda", "Norasi", sans-serif;
  --mono: "DejaVu Sans Mono", "Liberation Mono", "Noto Sans Mono", monospace;
}
* { box-sizing: border-box; }
html { background: #d9d9d9; }
@media screen and (max-width: 800px) { html { background: #fff; } }
body { margin: 0; color: var(--ink); font-family: var(--thai); font-size: 12.5pt; line-height: 1.3; }
.sheet {
  width: 210mm; height: 297mm; margin: 0 auto; padding: 12mm 14mm;
  background: #fff;
}
.frame {
  height: 100%; display: flex; flex-direction: column;
  border: 0.5mm solid var(--rule); outline: 0.2mm solid var(--rule); outline-offset: 1mm;
  padding: 7mm 8mm 5mm;
}
.th, .en { display: block; }
.en { font-size: 0.86em; color: var(--muted); }
.agency { text-align: center; border-bottom: 0.8mm double var(--rule); padding-bottom: 3mm; }
.agency-name .th { font-size: 1.4em; font-weight: bold; color: var(--rule); }
.agency-name .en { font-size: 1em; letter-spacing: 0.02em; }
.title { text-align: center; margin: 7mm 0 5mm; }
h1 { margin: 0; font-size: 1em; font-weight: bold; }
h1 .th { font-size: 1.9em; line-height: 1.2; }
h1 .en { font-size: 1.1em; font-weight: normal; margin-top: 0.5mm; }
.number { margin: 3mm 0 0; font-size: 1.1em; }
.number .label { color: var(--muted); }
.number .num { font-weight: bold; font-size: 1.25em; border: 0.3mm solid var(--ink); padding: 0.5mm 3mm; margin-left: 2mm; }
.fields { width: 100%; border-collapse: collapse; margin-top: 2mm; }
.fields th, .fields td { text-align: left; vertical-align: top; padding: 2mm 0; border-bottom: 0.2mm solid #c8c8c8; }
.fields th { width: 49mm; padding-right: 4mm; font-weight: bold; }
.fields th .en { font-weight: normal; }
.fields ol { margin: 0; padding-left: 6mm; }
.fields li + li { margin-top: 0.8mm; }
.num { font-variant-numeric: tabular-nums; }
.date { white-space: nowrap; }
.spacer { flex: 1 1 auto; min-height: 4mm; }
.proof { display: flex; gap: 6mm; align-items: flex-start; border: 0.3mm solid var(--rule); border-radius: 1.5mm; padding: 4mm; break-inside: avoid; }
.qr { margin: 0; flex: none; }
.qr-code svg { display: block; width: 100%; height: 100%; }
.qr figcaption { font-size: 0.62em; text-align: center; color: var(--muted); margin-top: 1mm; }
.proof-text { flex: 1 1 auto; min-width: 0; font-size: 0.8em; }
.howto { margin: 0 0 2mm; }
.howto .th { font-weight: bold; }
.howto .en { font-size: 0.95em; }
dl { margin: 0; display: grid; grid-template-columns: max-content 1fr; column-gap: 3mm; row-gap: 0.8mm; }
dt { color: var(--muted); font-size: 0.9em; white-space: nowrap; }
dd { margin: 0; }
.mono { font-family: var(--mono); font-size: 0.62em; overflow-wrap: anywhere; line-height: 1.45; padding-top: 0.6mm; }
.cli { font-family: var(--mono); font-size: 0.62em; margin: 2mm 0 0; color: var(--muted); }
footer { margin-top: 3mm; font-size: 0.62em; color: var(--muted); text-align: center; }
footer .en { font-size: 1em; }
@page { size: A4 portrait; margin: 12mm 14mm; }
@media print {
  html { background: none; }
  .sheet { width: auto; height: 271mm; margin: 0; padding: 1.2mm; }
  .qr-code { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"#;

// ---------------------------------------------------------------- Chromium

#[derive(Clone, Copy)]
enum Output {
    Pdf,
    Png,
}

/// The Chromium to run: --chromium, else $ELICENCE_CHROMIUM, else the first known name on PATH.
fn find_chromium(explicit: Option<&Path>) -> Result<PathBuf, CliError> {
    let wanted = explicit
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("ELICENCE_CHROMIUM").map(PathBuf::from));
    if let Some(path) = wanted {
        return resolve_executable(&path).ok_or_else(|| {
            CliError::Usage(format!(
                "Chromium not found at {}; install it with scripts/install-render-deps.sh, or drop --pdf/--png and print the HTML from a browser",
                path.display()
            ))
        });
    }
    for name in [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ] {
        if let Some(found) = resolve_executable(Path::new(name)) {
            return Ok(found);
        }
    }
    Err(CliError::Usage(
        "--pdf and --png need Chromium (or Chrome), and none was found on PATH (chromium, chromium-browser, google-chrome); install it with scripts/install-render-deps.sh, set ELICENCE_CHROMIUM, or print the HTML from a browser".into(),
    ))
}

/// `path` itself if it names a file, else the first match on PATH for a bare name.
fn resolve_executable(path: &Path) -> Option<PathBuf> {
    if path.components().count() > 1 || path.is_absolute() {
        return path.is_file().then(|| path.to_path_buf());
    }
    let dirs = std::env::var_os("PATH")?;
    std::env::split_paths(&dirs)
        .map(|dir| dir.join(path))
        .find(|candidate| candidate.is_file())
}

/// A `file://` URL for an absolute path, percent-encoding all but unreserved bytes.
fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            url.push(char::from(b));
        } else {
            let _ = write!(url, "%{b:02X}");
        }
    }
    url
}

/// Prints the HTML page with headless Chromium: no network services, no
/// first-run, a fresh throwaway profile, and a time limit.
fn print_with_chromium(
    chromium: &Path,
    html: &Path,
    out: &Path,
    what: Output,
) -> Result<(), CliError> {
    let html_abs = std::fs::canonicalize(html).map_err(|e| CliError::io(html, e))?;
    let out_abs = absolute(out)?;
    let _ = std::fs::remove_file(&out_abs);
    let profile = std::env::temp_dir().join(format!(
        "elicence-chromium-{}-{}",
        std::process::id(),
        OffsetDateTime::now_utc().unix_timestamp_nanos()
    ));
    std::fs::create_dir_all(&profile).map_err(|e| CliError::io(&profile, e))?;

    let mut cmd = Command::new(chromium);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--no-default-browser-check",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    match what {
        Output::Pdf => {
            cmd.arg("--no-pdf-header-footer")
                .arg(format!("--print-to-pdf={}", out_abs.display()));
        }
        Output::Png => {
            // A4 at 96 CSS px per inch, drawn at twice that (192 dpi).
            cmd.arg("--window-size=794,1123")
                .arg("--force-device-scale-factor=2")
                .arg(format!("--screenshot={}", out_abs.display()));
        }
    }
    cmd.arg(file_url(&html_abs))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let result = run_with_timeout(cmd, chromium);
    let _ = std::fs::remove_dir_all(&profile);
    let stderr = result?;
    let written = std::fs::metadata(&out_abs).map(|m| m.len()).unwrap_or(0);
    if written == 0 {
        let tail: Vec<&str> = stderr.lines().rev().take(5).collect();
        return Err(CliError::Usage(format!(
            "{} did not write {}; its last messages: {}",
            chromium.display(),
            out.display(),
            tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
        )));
    }
    Ok(())
}

fn absolute(path: &Path) -> Result<PathBuf, CliError> {
    if path.is_absolute() {
        return Ok(path.to_path_buf());
    }
    let cwd = std::env::current_dir().map_err(|e| CliError::io(".", e))?;
    Ok(cwd.join(path))
}

/// Runs Chromium, killing it after [`CHROMIUM_TIMEOUT`]; returns its stderr.
fn run_with_timeout(mut cmd: Command, chromium: &Path) -> Result<String, CliError> {
    let mut child = cmd.spawn().map_err(|e| CliError::io(chromium, e))?;
    let stderr = child.stderr.take();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut s) = stderr {
            let _ = std::io::Read::read_to_string(&mut s, &mut text);
        }
        text
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > CHROMIUM_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(CliError::Usage(format!(
                    "{} did not finish within {} s and was stopped",
                    chromium.display(),
                    CHROMIUM_TIMEOUT.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(CliError::io(chromium, e)),
        }
    };
    let text = reader.join().unwrap_or_default();
    if !status.success() {
        return Err(CliError::Usage(format!(
            "{} failed ({status}): {}",
            chromium.display(),
            text.lines().last().unwrap_or("no message")
        )));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn thai_dates_are_buddhist_era_in_thai_time() {
        assert_eq!(
            thai_date(datetime!(2026-01-01 00:00:00 +07:00)),
            "๑ มกราคม พ.ศ. ๒๕๖๙"
        );
        assert_eq!(
            thai_date(datetime!(2030-12-31 23:59:59 +07:00)),
            "๓๑ ธันวาคม พ.ศ. ๒๕๗๓"
        );
        // 2026-01-01T00:00:00Z is 07:00 in Bangkok, same day.
        assert_eq!(
            thai_date(datetime!(2026-01-01 00:00:00 UTC)),
            "๑ มกราคม พ.ศ. ๒๕๖๙ เวลา ๐๗.๐๐ น."
        );
        // 2025-12-31T20:00:00Z is already 1 January in Thailand.
        assert_eq!(
            english_date(datetime!(2025-12-31 20:00:00 UTC)),
            "1 January 2026, 03:00 (UTC+7)"
        );
    }

    #[test]
    fn html_escapes_credential_text() {
        assert_eq!(
            esc("<script>\"a\"&'b'</script>"),
            "&lt;script&gt;&quot;a&quot;&amp;&#39;b&#39;&lt;/script&gt;"
        );
    }

    #[test]
    fn ids_are_grouped_as_printed_in_thailand() {
        assert_eq!(grouped_id("0105536112014"), "0-1055-36112-01-4");
        assert_eq!(grouped_id("12345"), "12345");
    }

    #[test]
    fn file_urls_are_percent_encoded() {
        assert_eq!(
            file_url(Path::new("/tmp/a b/ใบ.html")),
            "file:///tmp/a%20b/%E0%B9%83%E0%B8%9A.html"
        );
    }

    #[test]
    fn qr_prints_between_35_and_45_mm() {
        assert!((qr_side_mm(17, 4) - 39.06).abs() < 0.01);
        assert_eq!(qr_side_mm(3, 4), 35.0);
        assert_eq!(qr_side_mm(40, 4), 45.0);
    }
}
