//! The result page in Thai and English (maud: every value escaped by
//! construction): while pending, the QR code and the link for a wallet,
//! polling the JSON state and swapping in the verdict without a reload; then
//! the verdict, the agency's name from the trust list, the disclosed
//! claims and every check.

use maud::{html, Markup, PreEscaped, DOCTYPE};
use serde_json::Value;

fn verdict(state: &str) -> (&'static str, &'static str, &'static str) {
    match state {
        "verified" => ("VERIFIED", "ตรวจสอบแล้ว ถูกต้อง", "ok"),
        "refused" => ("REFUSED", "ไม่ผ่านการตรวจสอบ", "bad"),
        _ => ("WAITING FOR THE WALLET", "รอการตอบจากกระเป๋าของผู้ถือ", "wait"),
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn claims_rows(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                if k == "issuer" {
                    continue;
                }
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                claims_rows(&p, v, out);
            }
        }
        Value::Array(a) if a.iter().any(|x| x.is_object() || x.is_array()) => {
            for (i, v) in a.iter().enumerate() {
                claims_rows(&format!("{prefix}[{i}]"), v, out);
            }
        }
        other => out.push((prefix.to_owned(), value_text(other))),
    }
}

/// The page for request `id` whose wallet link is `uri` and JSON state `result`.
pub fn render(id: &str, uri: &str, result: &Value) -> String {
    let state = result
        .get("state")
        .and_then(Value::as_str)
        .unwrap_or("pending");
    let (en, th, class) = verdict(state);
    let claims = result.get("claims").and_then(Value::as_object);
    let checks = result.get("checks").and_then(Value::as_array);
    let page: Markup = html! {
        (DOCTYPE)
        html lang="th" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "ผลการตรวจสอบใบอนุญาต · Licence check" }
                style { (PreEscaped("body{font-family:sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}.ok{color:#05612a}.bad{color:#a40000}.wait{color:#555}td,th{padding:.25rem .5rem;text-align:left;vertical-align:top}small{color:#555}")) }
            }
            body data-state=(state) {
                h1 id="verdict" class=(class) { (th) br; small { (en) } }
                @if state == "pending" {
                    p { "สแกนด้วยกระเป๋าใบอนุญาตของท่าน · Scan with your licence wallet" }
                    img id="qr" src={ "/requests/" (id) "/qr.png" } alt="QR code" width="280";
                    p { a href=(uri) { "เปิดในกระเป๋าบนอุปกรณ์นี้ · Open in a wallet on this device" } }
                    script { (PreEscaped(format!(
                        "(function(){{var u='/requests/{0}';function t(){{fetch(u).then(function(r){{return r.json()}}).then(function(j){{if(j.state!=='pending'){{return fetch(u+'/result').then(function(r){{return r.text()}}).then(function(h){{document.body.replaceWith(new DOMParser().parseFromString(h,'text/html').body)}})}}setTimeout(t,1500)}}).catch(function(){{setTimeout(t,3000)}})}}setTimeout(t,1500)}})();",
                        id.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_', "")
                    ))) }
                }
                @if let Some(claims) = claims {
                    @for (qid, v) in claims {
                        @let issuer = v.get("issuer");
                        h2 { "ข้อมูลที่เปิดเผย · Disclosed (" (qid) ")" }
                        @if let Some(name) = issuer.and_then(|i| i.get("name")).filter(|n| !n.is_null()) {
                            p id="agency" { "ออกโดย · Issued by: " strong { (value_text(&name["th"])) } " · " (value_text(&name["en"])) }
                        }
                        table {
                            @for (path, value) in { let mut rows = Vec::new(); claims_rows("", v, &mut rows); rows } {
                                tr { th { (path) } td { (value) } }
                            }
                        }
                    }
                }
                @if let Some(checks) = checks.filter(|c| !c.is_empty()) {
                    h2 { "การตรวจสอบ · Checks" }
                    table {
                        @for c in checks {
                            tr {
                                td { (value_text(&c["outcome"])) }
                                td { code { (value_text(&c["code"])) } }
                                td { (value_text(&c["reason"]["th"])) br; small { (value_text(&c["reason"]["en"])) } }
                            }
                        }
                    }
                }
            }
        }
    };
    page.into_string()
}
