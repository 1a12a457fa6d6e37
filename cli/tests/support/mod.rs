//! Helpers shared by the CLI test binaries.
// Each test binary uses part of these helpers.
#![allow(dead_code)]

pub mod issuer;

use std::ops::Deref;
use std::path::Path;

/// A scratch folder under the system temp directory that is removed when the
/// test that made it ends, passed or failed: test runs leave nothing behind.
/// Derefs to `Path`, so `dir.join(..)` and `&dir` work as with a `PathBuf`.
pub struct TestDir(tempfile::TempDir);

impl Deref for TestDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        self.0.path()
    }
}

impl AsRef<Path> for TestDir {
    fn as_ref(&self) -> &Path {
        self.0.path()
    }
}

/// A new, empty scratch folder named after the test (`elicence-{name}-…`),
/// unique even when the same test binary runs twice at once.
pub fn scratch(name: &str) -> TestDir {
    TestDir(
        tempfile::Builder::new()
            .prefix(&format!("elicence-{name}-"))
            .tempdir()
            .expect("a scratch folder in the temp directory"),
    )
}

/// examples/licence.json as the issuer service takes it (no issuer block),
/// numbered `number`, its term running from a day ago for a year: the service
/// judges licences on the real clock, and the example's own term ends on
/// 2026-12-31.
pub fn service_licence(number: &str) -> serde_json::Value {
    use time::format_description::well_known::Rfc3339;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/licence.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v.as_object_mut().unwrap().remove("issuer");
    v["licenceNumber"] = serde_json::json!(number);
    // Fixed once per test process: a replayed request must be the same request.
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
    v["validFrom"] = serde_json::json!(from);
    v["validUntil"] = serde_json::json!(until);
    v
}
