//! The licence data tests send to the issuer service, dated from now. Shared
//! by the issuer's tests (`common`) and the CLI's (`support`, by `#[path]`).

use std::path::PathBuf;

use serde_json::Value;

/// examples/licence.json without its issuer block (the service fills it in),
/// its term running from yesterday for a year: the service judges licences on
/// the real clock, and the example's own term ends on 2026-12-31.
pub fn licence(number: &str) -> Value {
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/licence.json"),
    )
    .unwrap();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    v.as_object_mut().unwrap().remove("issuer");
    v["licenceNumber"] = Value::String(number.to_string());
    term_around_now(&mut v);
    v
}

/// Sets `validFrom` to a day before this test process started and
/// `validUntil` to a year after, so a test that issues through the real clock
/// passes in any year. The term is fixed once per process: a replayed request
/// must be the same request.
pub fn term_around_now(licence: &mut Value) {
    use time::format_description::well_known::Rfc3339;
    static TERM: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
    let (from, until) = TERM.get_or_init(|| {
        let now = time::OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .unwrap();
        let stamp = |t: time::OffsetDateTime| t.format(&Rfc3339).unwrap();
        (
            stamp(now - time::Duration::days(1)),
            stamp(now + time::Duration::days(365)),
        )
    });
    licence["validFrom"] = Value::String(from.clone());
    licence["validUntil"] = Value::String(until.clone());
}
