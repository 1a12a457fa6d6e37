//! The License Access page: what a person sees when opening a licence IRI in
//! a browser (e.g. from the QR code on the paper licence), in Thai and English.

use elicence_core::licence::BusinessLicence;
use serde_json::Value;

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Status as shown to a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// In force (as far as status goes).
    Active,
    /// Suspended.
    Suspended,
    /// Revoked.
    Revoked,
}

/// Renders the page for a stored credential.
pub fn render(credential: &Value, status: Shown) -> String {
    let mut rows: Vec<(&str, &str, String)> = Vec::new();
    let (title, banner_th, banner_en, class) = match status {
        Shown::Active => ("", "ใช้งานได้", "Active", "ok"),
        Shown::Suspended => ("", "ถูกพักใช้", "Suspended", "warn"),
        Shown::Revoked => ("", "ถูกเพิกถอน", "Revoked", "bad"),
    };
    let _ = title;
    // The typed view takes a single status entry; ours are a list, and the
    // page shows status from the database anyway.
    let mut view = credential.clone();
    if let Some(m) = view.as_object_mut() {
        m.remove("credentialStatus");
        m.remove("proof");
    }
    match BusinessLicence::from_credential(&view) {
        Ok(l) => {
            rows.push(("เลขที่ใบอนุญาต", "Licence number", escape(&l.licence_number)));
            rows.push((
                "ประเภทใบอนุญาต",
                "Licence type",
                format!(
                    "{}<br><span lang=\"en\">{}</span>",
                    escape(&l.licence_type_name.th),
                    escape(&l.licence_type_name.en)
                ),
            ));
            rows.push((
                "ผู้รับใบอนุญาต",
                "Licensee",
                format!(
                    "{}<br><span lang=\"en\">{}</span><br>{}",
                    escape(&l.licensee_name.th),
                    escape(&l.licensee_name.en),
                    escape(l.licensee_id.as_str())
                ),
            ));
            let mut address = escape(&l.premises_address.th);
            if let Some(en) = &l.premises_address.en {
                address.push_str(&format!("<br><span lang=\"en\">{}</span>", escape(en)));
            }
            rows.push(("สถานที่ประกอบกิจการ", "Premises", address));
            rows.push((
                "กิจการที่อนุญาต",
                "Permitted activities",
                list(&l.permitted_activities),
            ));
            if !l.conditions.is_empty() {
                rows.push(("เงื่อนไข", "Conditions", list(&l.conditions)));
            }
            rows.push((
                "ระยะเวลา",
                "Valid",
                format!(
                    "{} – {}",
                    escape(str_at(credential, "validFrom")),
                    escape(str_at(credential, "validUntil"))
                ),
            ));
            rows.push((
                "ผู้ออกใบอนุญาต",
                "Issued by",
                format!(
                    "{}<br><span lang=\"en\">{}</span><br><code>{}</code>",
                    escape(&l.issuer_name.th),
                    escape(&l.issuer_name.en),
                    escape(&l.issuer_id)
                ),
            ));
        }
        Err(_) => {
            rows.push(("รหัส", "Identifier", escape(str_at(credential, "id"))));
        }
    }
    let table: String = rows
        .iter()
        .map(|(th, en, v)| {
            format!("<tr><th>{th}<br><span lang=\"en\">{en}</span></th><td>{v}</td></tr>\n")
        })
        .collect();
    let id = escape(str_at(credential, "id"));
    let qr = qr_figure(credential);
    format!(
        r#"<!doctype html>
<html lang="th">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ใบอนุญาต / Licence {id}</title>
<style>
body{{font-family:system-ui,"Noto Sans Thai",sans-serif;max-width:46rem;margin:1rem auto;padding:0 1rem;color:#111}}
th{{text-align:left;vertical-align:top;padding:.4rem 1rem .4rem 0;width:12rem}}td{{padding:.4rem 0}}
.status{{padding:.6rem 1rem;border-radius:.4rem;font-weight:bold}}.ok{{background:#d8f5d8}}.warn{{background:#fff2c2}}.bad{{background:#ffd6d6}}
code{{word-break:break-all}}.qr{{margin:1rem 0;text-align:center}}.qr svg{{width:14rem;height:auto}}
</style>
</head>
<body>
<h1>ใบอนุญาตประกอบกิจการ <span lang="en">Business licence</span></h1>
<p class="status {class}">สถานะ: {banner_th} / <span lang="en">Status: {banner_en}</span></p>
<table>
{table}</table>
{qr}<p><small>รหัสใบอนุญาต / <span lang="en">Licence IRI</span>: <code>{id}</code></small></p>
<p><small>ข้อมูลนี้เป็นข้อมูลรับรองแบบดิจิทัลที่ลงนามโดยหน่วยงานผู้ออกใบอนุญาต ตรวจสอบได้ด้วยโปรแกรม elicence /
<span lang="en">This is a digitally signed credential; check it with an elicence verifier (request application/vc or application/vc+jwt).</span></small></p>
</body>
</html>
"#
    )
}

/// The signed credential as a QR code (LC1 payload, inline SVG), so a
/// printout or a second phone can verify it offline; nothing if it cannot be
/// encoded (the page is still useful without it).
fn qr_figure(credential: &Value) -> String {
    use elicence_core::qr::{encode, Secured};
    use elicence_qr_image::{render_svg, RenderOptions};
    let Ok(payload) = encode(&Secured::Json(credential.clone())) else {
        return String::new();
    };
    let options = RenderOptions {
        module_px: 3,
        ..RenderOptions::default()
    };
    match render_svg(&payload, &options) {
        Ok(svg) => format!(
            "<figure class=\"qr\">{svg}<figcaption>สแกนเพื่อตรวจสอบแบบออฟไลน์ / <span lang=\"en\">Scan to verify offline</span></figcaption></figure>\n"
        ),
        Err(_) => String::new(),
    }
}

fn list(items: &[String]) -> String {
    let lis: String = items
        .iter()
        .map(|i| format!("<li>{}</li>", escape(i)))
        .collect();
    format!("<ul>{lis}</ul>")
}

fn str_at<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
