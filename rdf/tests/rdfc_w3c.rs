//! The complete W3C RDF Dataset Canonicalization (RDFC-1.0) test suite,
//! driven by its manifest: evaluation tests (canonical N-Quads), map tests
//! (issued identifiers), SHA-384 tests and the negative poison-graph test.

use elicence_rdf::nquads;
use elicence_rdf::rdfc::{
    canonicalize, canonicalize_with, ComplexityLimit, HashAlgorithm, Options, RdfcError,
};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

mod shared;
use shared::vectors_dir as vectors;

fn suite_dir() -> PathBuf {
    vectors().join("w3c-rdf-canon")
}

fn read(path: &PathBuf) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs one manifest entry; `Err` carries a human-readable failure.
fn run_entry(entry: &Value) -> Result<(), String> {
    let dir = suite_dir();
    let kind = entry["type"].as_str().ok_or("no type")?;
    let action = entry["action"].as_str().ok_or("no action")?;
    let input = read(&dir.join(action));
    let quads = nquads::parse(&input).map_err(|e| format!("parse error: {e}"))?;
    let hash = match entry.get("hashAlgorithm").and_then(Value::as_str) {
        None | Some("SHA256") => HashAlgorithm::Sha256,
        Some("SHA384") => HashAlgorithm::Sha384,
        Some(other) => return Err(format!("unknown hash algorithm {other}")),
    };
    let options = Options {
        hash,
        ..Options::default()
    };
    match kind {
        "rdfc:RDFC10EvalTest" => {
            let expected = read(&dir.join(entry["result"].as_str().ok_or("no result")?));
            let got = canonicalize_with(&quads, &options).map_err(|e| format!("error: {e}"))?;
            if got.nquads != expected {
                return Err(format!(
                    "output differs\n--- expected\n{expected}--- got\n{}",
                    got.nquads
                ));
            }
            Ok(())
        }
        "rdfc:RDFC10MapTest" => {
            let expected: BTreeMap<String, String> = serde_json::from_str(&read(
                &dir.join(entry["result"].as_str().ok_or("no result")?),
            ))
            .map_err(|e| format!("bad expected map: {e}"))?;
            let got = canonicalize_with(&quads, &options).map_err(|e| format!("error: {e}"))?;
            let got_map: BTreeMap<String, String> = got.issued.iter().cloned().collect();
            if got_map.len() != got.issued.len() {
                return Err("a blank node was issued twice".into());
            }
            if got_map != expected {
                return Err(format!(
                    "map differs: expected {expected:?}, got {got_map:?}"
                ));
            }
            Ok(())
        }
        "rdfc:RDFC10NegativeEvalTest" => {
            let start = Instant::now();
            match canonicalize_with(&quads, &options) {
                Err(RdfcError::TooComplex { .. }) => {
                    let elapsed = start.elapsed();
                    if elapsed > Duration::from_secs(5) {
                        return Err(format!("rejected, but only after {elapsed:?}"));
                    }
                    Ok(())
                }
                Err(other) => Err(format!("wrong error: {other}")),
                Ok(_) => Err("poison graph was canonicalized, expected TooComplex".into()),
            }
        }
        other => Err(format!("unknown test type {other}")),
    }
}

#[test]
fn w3c_rdf_canon_suite() {
    let manifest: Value =
        serde_json::from_str(&read(&suite_dir().join("manifest.jsonld"))).expect("manifest");
    let entries = manifest["entries"].as_array().expect("entries");
    let mut failures = Vec::new();
    let mut passed = 0;
    let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
    for entry in entries {
        let id = entry["id"].as_str().unwrap_or("?").to_owned();
        match run_entry(entry) {
            Ok(()) => {
                passed += 1;
                *by_kind
                    .entry(entry["type"].as_str().unwrap_or("?").to_owned())
                    .or_default() += 1;
            }
            Err(why) => failures.push(format!("{id}: {why}")),
        }
    }
    println!(
        "rdf-canon: {passed}/{} tests passed {by_kind:?}",
        entries.len()
    );
    for f in &failures {
        println!("FAIL {f}");
    }
    assert!(
        entries.len() >= 86,
        "manifest has only {} entries",
        entries.len()
    );
    assert!(failures.is_empty(), "{} failing tests", failures.len());
}

/// The poison graph is refused quickly and names the limit, and a bigger
/// budget is still refused: the guard cannot be bypassed by "just one more".
#[test]
fn clique_poison_graph_is_refused_promptly() {
    let input = read(&suite_dir().join("rdfc10/test074-in.nq"));
    let quads = nquads::parse(&input).unwrap();
    let start = Instant::now();
    let err = canonicalize(&quads).unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "took {:?}",
        start.elapsed()
    );
    assert!(matches!(err, RdfcError::TooComplex { .. }), "{err}");
    let generous = Options {
        max_work: ComplexityLimit {
            max_ndegree_calls: 50_000,
            max_related_hashes: 2_000_000,
            max_permutations: 200_000,
            max_depth: 256,
        },
        ..Options::default()
    };
    assert!(matches!(
        canonicalize_with(&quads, &generous),
        Err(RdfcError::TooComplex { .. })
    ));
}

/// A budget too small for a legitimately symmetric graph gives a typed error,
/// never a wrong answer.
#[test]
fn tight_limits_reject_symmetric_graph() {
    let input = read(&suite_dir().join("rdfc10/test044-in.nq"));
    let quads = nquads::parse(&input).unwrap();
    for max_work in [
        ComplexityLimit {
            max_ndegree_calls: 1,
            ..ComplexityLimit::default()
        },
        ComplexityLimit {
            max_related_hashes: 3,
            ..ComplexityLimit::default()
        },
        ComplexityLimit {
            max_permutations: 1,
            ..ComplexityLimit::default()
        },
        ComplexityLimit {
            max_depth: 1,
            ..ComplexityLimit::default()
        },
    ] {
        let options = Options {
            max_work,
            ..Options::default()
        };
        assert!(
            matches!(
                canonicalize_with(&quads, &options),
                Err(RdfcError::TooComplex { .. })
            ),
            "{max_work:?}"
        );
    }
    assert!(canonicalize(&quads).is_ok());
}

/// An RDF list of identical items makes every cell look alike, so Hash
/// N-Degree Quads recurses along the whole chain. A 100-item list still
/// canonicalizes under the default budget (on a 2 MB test-thread stack, in
/// debug builds); a 300-item one is refused by the depth limit instead of
/// overflowing the stack.
#[test]
fn long_list_of_identical_items_is_bounded_by_depth() {
    fn list(n: usize) -> String {
        let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
        let mut doc = String::from("<urn:ex:s> <urn:ex:items> _:l0 .\n");
        for i in 0..n {
            let rest = if i + 1 < n {
                format!("_:l{}", i + 1)
            } else {
                format!("<{rdf}nil>")
            };
            doc += &format!("_:l{i} <{rdf}first> \"same\" .\n_:l{i} <{rdf}rest> {rest} .\n");
        }
        doc
    }
    let ok = canonicalize(&nquads::parse(&list(100)).unwrap()).unwrap();
    assert_eq!(ok.lines().count(), 201);
    assert!(ok.contains("_:c14n99 "));
    let err = canonicalize(&nquads::parse(&list(300)).unwrap()).unwrap_err();
    assert!(
        matches!(
            err,
            RdfcError::TooComplex {
                limit: elicence_rdf::rdfc::Limit::RecursionDepth,
                max: 128
            }
        ),
        "{err}"
    );
}
