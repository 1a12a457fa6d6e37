//! Helpers shared by the CLI test binaries.
// Each test binary uses part of these helpers.
#![allow(dead_code)]

#[path = "../../../issuer/examples/support/healthz.rs"]
pub mod healthz;
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

#[path = "../../../issuer/tests/common/licence_data.rs"]
mod licence_data;

/// examples/licence.json as the issuer service takes it (no issuer block),
/// numbered `number`, its term running from a day ago for a year (fixed once
/// per test process): the service judges licences on the real clock.
pub fn service_licence(number: &str) -> serde_json::Value {
    licence_data::licence(number)
}
