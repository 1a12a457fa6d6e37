//! Where the official W3C test data lives, for every test that reads it.
//! The tests fail (never skip) when it is missing: a green run must mean the
//! vectors were really checked.
#![allow(dead_code)] // each test crate uses a different subset

use std::path::PathBuf;

use serde_json::Value;

/// `$ELICENCE_SHARED_VECTORS`, or `shared/vectors` beside the checkout.
pub fn vectors_dir() -> PathBuf {
    let dir = std::env::var_os("ELICENCE_SHARED_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/vectors"))
        });
    assert!(
        dir.is_dir(),
        "shared W3C test vectors missing at {} (set ELICENCE_SHARED_VECTORS)",
        dir.display()
    );
    dir
}

/// A vector file as text, by path relative to the vectors directory.
pub fn read(rel: &str) -> String {
    let path = vectors_dir().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A vector file parsed as JSON.
pub fn read_json(rel: &str) -> Value {
    serde_json::from_str(&read(rel)).unwrap()
}
