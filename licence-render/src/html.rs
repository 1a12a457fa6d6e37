//! The licence as HTML: the printable A4 page (`elicence render`) and the
//! License Access page the issuer serves at a licence IRI.
//!
//! Templates are [maud](https://maud.lambda.xyz) macros rather than text
//! templates (askama, tera): the markup is Rust syntax checked at compile
//! time, every interpolated value is HTML-escaped unless wrapped in
//! `PreEscaped` (used only for our own CSS and the SVG the QR encoder draws),
//! and there is no template file to ship or find at run time. Credential
//! text (names, addresses, conditions) therefore cannot inject markup.

use elicence_core::licence::BusinessLicence;
use elicence_qr_image::RenderOptions;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use serde_json::Value;

use crate::printed::{FieldValue, PrintedLicence, QUIET_ZONE_MODULES};
use crate::RenderError;

/// The print stylesheet of the A4 page. Thai needs a real Thai font: TH
/// Sarabun New (the Thai government's document font) and its free relatives
/// first (Sarabun, Laksaman), then Noto Sans Thai and the other TLWG faces.
const PRINTABLE_CSS: &str = include_str!("printable.css");

/// A Thai line and, when it differs, an English line.
fn both(value: &FieldValue) -> Markup {
    match value {
        FieldValue::Bilingual { th, en } => html! {
            span.th lang="th" { (th) }
            @if let Some(en) = en { span.en lang="en" { (en) } }
        },
        FieldValue::Number(n) => html! { span.num { (n) } },
        FieldValue::List(items) => html! {
            ol lang="th" { @for item in items { li { (item) } } }
        },
        FieldValue::Validity {
            from_th,
            until_th,
            from_en,
            until_en,
        } => html! {
            span.th lang="th" {
                "ตั้งแต่วันที่ " span.date { (from_th) } " ถึงวันที่ " span.date { (until_th) }
            }
            span.en lang="en" {
                "From " span.date { (from_en) } " to " span.date { (until_en) }
            }
        },
    }
}

/// The `<svg>` element of a standalone SVG document (no XML declaration), for inlining.
fn svg_element(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => svg[i..].trim_end(),
        None => svg,
    }
}

/// The printable A4 page: one self-contained HTML file (inline CSS, the QR
/// code as inline SVG, print CSS for A4), Thai first, then English.
pub fn printable_page(p: &PrintedLicence) -> Result<String, RenderError> {
    let l = &p.licence;
    let options = RenderOptions {
        ec: p.ec,
        quiet_zone_modules: QUIET_ZONE_MODULES,
        ..RenderOptions::default()
    };
    let svg = elicence_qr_image::render_svg(&p.qr_payload, &options)?;
    let side = format!("{:.1}mm", p.qr_side_mm()?);
    let (verify_th, verify_en) = p.how_to_verify();
    let page = html! {
        (DOCTYPE)
        html lang="th" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content="elicence render";
                title { (l.licence_type_name.th) " " (l.licence_number) " · " (l.licence_type_name.en) }
                style { (PreEscaped(PRINTABLE_CSS)) }
            }
            body {
                main.sheet { div.frame {
                    header.agency { div."agency-name" { (both(&p.agency())) } }
                    section.title {
                        h1 { (both(&p.title())) }
                        p.number {
                            span.label { span lang="th" { "เลขที่" } " / " span lang="en" { "No." } }
                            " "
                            span.num { (l.licence_number) }
                        }
                    }
                    table.fields { tbody {
                        @for field in p.fields() {
                            tr {
                                th scope="row" {
                                    span.th lang="th" { (field.label_th) }
                                    span.en lang="en" { (field.label_en) }
                                }
                                td { (both(&field.value)) }
                            }
                        }
                    } }
                    div.spacer {}
                    section.proof {
                        figure.qr style=(format!("width: {side}")) {
                            div."qr-code" style=(format!("width: {side}; height: {side}")) {
                                (PreEscaped(svg_element(&svg)))
                            }
                            figcaption { (p.qr_caption()) }
                        }
                        div."proof-text" {
                            p.howto { span.th lang="th" { (verify_th) } span.en lang="en" { (verify_en) } }
                            dl {
                                dt { span lang="th" { "ใบอนุญาต" } " / " span lang="en" { "Licence IRI" } }
                                dd.mono { (l.iri.as_str()) }
                                dt { span lang="th" { "ลิงก์" } " / " span lang="en" { "Access link" } }
                                dd.mono { (p.access_link) }
                                dt { span lang="th" { "ผู้ลงนาม" } " / " span lang="en" { "Signed by" } }
                                dd.mono { (l.issuer_id) " · " (p.suite) }
                            }
                            p.cli { "elicence verify --qr-image " i { "photo.jpg" } }
                        }
                    }
                    footer {
                        span.th lang="th" { "เอกสารนี้พิมพ์จากใบอนุญาตอิเล็กทรอนิกส์ ข้อความที่พิมพ์มีไว้เพื่ออ่าน หลักฐานคือข้อมูลที่ลงลายมือชื่อดิจิทัลในคิวอาร์โค้ด" }
                        span.en lang="en" { "Printed from an electronic licence. The printed text is for reading; the proof is the digitally signed data in the QR code." }
                    }
                } }
            }
        }
    };
    Ok(page.into_string())
}

/// A licence's status as shown to a person on the License Access page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageStatus {
    /// In force (as far as status goes).
    Active,
    /// Suspended.
    Suspended,
    /// Revoked.
    Revoked,
}

const PAGE_CSS: &str = r#"
body{font-family:system-ui,"Sarabun","Noto Sans Thai",sans-serif;max-width:46rem;margin:1rem auto;padding:0 1rem;color:#111}
th{text-align:left;vertical-align:top;padding:.4rem 1rem .4rem 0;width:12rem}td{padding:.4rem 0}
.status{padding:.6rem 1rem;border-radius:.4rem;font-weight:bold}.ok{background:#d8f5d8}.warn{background:#fff2c2}.bad{background:#ffd6d6}
code{word-break:break-all}.qr{margin:1rem 0;text-align:center}.qr svg{width:14rem;height:auto}
"#;

/// The License Access page for a stored credential: what a person sees when
/// opening a licence IRI in a browser (e.g. from the QR code on the paper
/// licence), with the status the issuer's database holds. The status the
/// credential itself points at is not fetched: the page is informative, the
/// credential is the proof.
pub fn licence_page(credential: &Value, status: PageStatus) -> String {
    let (banner_th, banner_en, class) = match status {
        PageStatus::Active => ("ใช้งานได้", "Active", "ok"),
        PageStatus::Suspended => ("ถูกพักใช้", "Suspended", "warn"),
        PageStatus::Revoked => ("ถูกเพิกถอน", "Revoked", "bad"),
    };
    let id = credential.get("id").and_then(Value::as_str).unwrap_or("");
    // The page shows status from the database, and the proof is not for
    // reading: the typed view is read without them.
    let mut view = credential.clone();
    if let Some(m) = view.as_object_mut() {
        m.remove("credentialStatus");
        m.remove("proof");
    }
    let licence = BusinessLicence::from_credential(&view).ok();
    let qr = qr_figure(credential);
    let page = html! {
        (DOCTYPE)
        html lang="th" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "ใบอนุญาต / Licence " (id) }
                style { (PreEscaped(PAGE_CSS)) }
            }
            body {
                h1 { "ใบอนุญาตประกอบกิจการ " span lang="en" { "Business licence" } }
                p class=(format!("status {class}")) {
                    "สถานะ: " (banner_th) " / " span lang="en" { "Status: " (banner_en) }
                }
                table {
                    @if let Some(l) = &licence {
                        (licence_rows(l, credential))
                    } @else {
                        (row("รหัส", "Identifier", html! { (id) }))
                    }
                }
                @if let Some(svg) = qr {
                    figure.qr {
                        (PreEscaped(svg))
                        figcaption { "สแกนเพื่อตรวจสอบแบบออฟไลน์ / " span lang="en" { "Scan to verify offline" } }
                    }
                }
                p { small { "รหัสใบอนุญาต / " span lang="en" { "Licence IRI" } ": " code { (id) } } }
                p { small {
                    "ข้อมูลนี้เป็นข้อมูลรับรองแบบดิจิทัลที่ลงนามโดยหน่วยงานผู้ออกใบอนุญาต ตรวจสอบได้ด้วยโปรแกรม elicence / "
                    span lang="en" { "This is a digitally signed credential; check it with an elicence verifier (request application/vc, application/vc+jwt, or application/pdf for the signed PDF licence)." }
                } }
            }
        }
    };
    page.into_string()
}

fn row(th: &str, en: &str, value: Markup) -> Markup {
    html! { tr { th { (th) br; span lang="en" { (en) } } td { (value) } } }
}

fn licence_rows(l: &BusinessLicence, credential: &Value) -> Markup {
    let text = |v: &str| credential.get(v).and_then(Value::as_str).unwrap_or("");
    html! {
        (row("เลขที่ใบอนุญาต", "Licence number", html! { (l.licence_number) }))
        (row("ประเภทใบอนุญาต", "Licence type", html! {
            (l.licence_type_name.th) br; span lang="en" { (l.licence_type_name.en) }
        }))
        (row("ผู้รับใบอนุญาต", "Licensee", html! {
            (l.licensee_name.th) br; span lang="en" { (l.licensee_name.en) } br; (l.licensee_id.as_str())
        }))
        (row("สถานที่ประกอบกิจการ", "Premises", html! {
            (l.premises_address.th)
            @if let Some(en) = &l.premises_address.en { br; span lang="en" { (en) } }
        }))
        (row("กิจการที่อนุญาต", "Permitted activities", html! {
            ul { @for a in &l.permitted_activities { li { (a) } } }
        }))
        @if !l.conditions.is_empty() {
            (row("เงื่อนไข", "Conditions", html! {
                ul { @for c in &l.conditions { li { (c) } } }
            }))
        }
        (row("ระยะเวลา", "Valid", html! { (text("validFrom")) " – " (text("validUntil")) }))
        (row("ผู้ออกใบอนุญาต", "Issued by", html! {
            (l.issuer_name.th) br; span lang="en" { (l.issuer_name.en) } br; code { (l.issuer_id) }
        }))
    }
}

/// The signed credential as a QR code (LC1 payload, inline SVG), so a
/// printout or a second phone can verify it offline; nothing if it cannot be
/// encoded (the page is still useful without it).
fn qr_figure(credential: &Value) -> Option<String> {
    use elicence_core::qr::{encode, Secured};
    let payload = encode(&Secured::Json(credential.clone())).ok()?;
    let options = RenderOptions {
        module_px: 3,
        ..RenderOptions::default()
    };
    let svg = elicence_qr_image::render_svg(&payload, &options).ok()?;
    Some(svg_element(&svg).to_owned())
}
