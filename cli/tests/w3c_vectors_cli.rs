//! `elicence verify --proof-only` over every signed W3C vector we support
//! (eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019 and ecdsa-jcs-2019 on
//! P-256 and P-384, proof sets and chains): each verifies as published, and
//! each fails with any single leaf value changed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

const SIGNED: [&str; 13] = [
    "w3c-vc-di-eddsa/TestVectors/eddsa-rdfc-2022/signedDataInt.json",
    "w3c-vc-di-eddsa/TestVectors/eddsa-rdfc-2022/employ/signedDataInt.json",
    "w3c-vc-di-eddsa/TestVectors/eddsa-jcs-2022/signedJCS.json",
    "w3c-vc-di-eddsa/TestVectors/proof-set-chain/signedProofSet1.json",
    "w3c-vc-di-eddsa/TestVectors/proof-set-chain/signedProofSet2.json",
    "w3c-vc-di-eddsa/TestVectors/proof-set-chain/signedProofChain1.json",
    "w3c-vc-di-eddsa/TestVectors/proof-set-chain/signedProofChain2.json",
    "w3c-vc-di-ecdsa/TestVectors/ecdsa-rdfc-2019-p256/signedECDSAP256.json",
    "w3c-vc-di-ecdsa/TestVectors/ecdsa-rdfc-2019-p256/employ/signedECDSAP256.json",
    "w3c-vc-di-ecdsa/TestVectors/ecdsa-jcs-2019-p256/signedJCSECDSAP256.json",
    "w3c-vc-di-ecdsa/TestVectors/ecdsa-rdfc-2019-p384/signedECDSAP384.json",
    "w3c-vc-di-ecdsa/TestVectors/ecdsa-rdfc-2019-p384/employ/signedECDSAP384.json",
    "w3c-vc-di-ecdsa/TestVectors/ecdsa-jcs-2019-p384/signedJCSECDSAP384.json",
];

fn shared(rel: &str) -> PathBuf {
    let base = std::env::var_os("ELICENCE_SHARED_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors"));
    let path = base.join(rel);
    assert!(
        path.exists(),
        "W3C vector {} missing: set ELICENCE_SHARED_VECTORS",
        path.display()
    );
    path
}

/// Runs `elicence verify --proof-only -` on `input`; returns the exit code.
fn verify_proof_only(input: &[u8]) -> i32 {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_elicence"))
        .args(["verify", "--proof-only", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait().unwrap().code().unwrap_or(-1)
}

/// Every leaf (string, number, boolean) of `value`, as JSON pointers.
fn leaves(value: &Value, pointer: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                leaves(
                    v,
                    format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                leaves(v, format!("{pointer}/{i}"), out);
            }
        }
        _ => out.push(pointer),
    }
}

fn mutate(leaf: &mut Value) {
    *leaf = match leaf {
        Value::String(s) => {
            // change the last character, keeping the value's shape
            let mut chars: Vec<char> = s.chars().collect();
            match chars.last_mut() {
                Some(c) => *c = if *c == 'A' { 'B' } else { 'A' },
                None => chars.push('A'),
            }
            Value::String(chars.into_iter().collect())
        }
        Value::Number(n) => Value::from(n.as_i64().unwrap_or(0) + 1),
        Value::Bool(b) => Value::Bool(!*b),
        _ => Value::String("x".into()),
    }
}

#[test]
fn every_signed_w3c_vector_verifies_with_proof_only() {
    for rel in SIGNED {
        let bytes = std::fs::read(shared(rel)).unwrap();
        assert_eq!(verify_proof_only(&bytes), 0, "{rel} must verify");
    }
}

#[test]
fn every_signed_w3c_vector_fails_with_any_leaf_changed() {
    let mut total = 0;
    for rel in SIGNED {
        let doc: Value = serde_json::from_slice(&std::fs::read(shared(rel)).unwrap()).unwrap();
        let mut pointers = Vec::new();
        leaves(&doc, String::new(), &mut pointers);
        for pointer in pointers {
            let mut altered = doc.clone();
            mutate(altered.pointer_mut(&pointer).unwrap());
            let code = verify_proof_only(&serde_json::to_vec(&altered).unwrap());
            assert_eq!(code, 1, "{rel}: changing {pointer} was not detected");
            total += 1;
        }
    }
    assert!(total > 200, "only {total} mutations tried");
    println!(
        "{total} single-leaf mutations of {} W3C vectors all rejected",
        SIGNED.len()
    );
}
