//! The published test vectors in `test-vectors/`: regenerated from the fixed
//! test keys and compared byte for byte with the files on disk (so any change
//! in what we emit is visible in review), then every vector is verified
//! through the real `elicence verify` binary and its verdict checked against
//! the manifest.
//!
//! To rewrite the files after an intended format change:
//! `ELICENCE_WRITE_VECTORS=1 cargo test -p elicence --test test_vectors`.

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use elicence_core::did;
use elicence_core::jose;
use elicence_core::keys::SigningKey;
use elicence_core::licence::LicenceData;
use elicence_core::proof::{
    self, Canonicalization, Cryptosuite, HashAlgorithm, ProofEngine, ProofOptions,
};
use serde_json::{json, Value};

/// Every vector is judged at this instant, so results never depend on the clock.
const NOW: &str = "2026-06-01T00:00:00Z";
/// Proof creation time used in every vector.
const CREATED: &str = "2026-01-01T00:00:00Z";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors")
}

fn key(name: &str) -> SigningKey {
    let pem = std::fs::read_to_string(root().join("keys").join(name)).unwrap();
    SigningKey::from_pkcs8_pem(&pem, None).unwrap()
}

/// One vector: where it lives, what it contains, and what verification must say.
struct Vector {
    path: String,
    content: Vec<u8>,
    /// `valid`, or `invalid` with the check that must fail.
    failing_check: Option<&'static str>,
    description: String,
}

/// How a securing format signs an unsigned credential.
#[derive(Clone, Copy)]
enum Format {
    DataIntegrity(Cryptosuite),
    Jwt,
}

impl Format {
    fn dir(self) -> &'static str {
        match self {
            Format::DataIntegrity(s) => s.name(),
            Format::Jwt => "vc-jwt",
        }
    }

    fn ext(self) -> &'static str {
        match self {
            Format::DataIntegrity(_) => "json",
            Format::Jwt => "jwt",
        }
    }

    /// Signs `credential` with `signer`, claiming the verification method of `claimed`.
    fn sign(self, credential: &Value, signer: &SigningKey, claimed: &SigningKey) -> Vec<u8> {
        let vm = did::did_key_verification_method(&claimed.public_key());
        match self {
            Format::DataIntegrity(suite) => {
                let signed =
                    proof::sign(credential, suite, signer, &ProofOptions::new(vm, CREATED))
                        .unwrap();
                let mut text = serde_json::to_string_pretty(&signed).unwrap();
                text.push('\n');
                text.into_bytes()
            }
            Format::Jwt => {
                let mut jwt = jose::sign_vc_jwt(credential, signer, &vm).unwrap();
                jwt.push('\n');
                jwt.into_bytes()
            }
        }
    }
}

fn licence(key: &SigningKey, valid_from: &str, valid_until: &str) -> Value {
    let mut data: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("licence-data.json")).unwrap())
            .unwrap();
    data["issuer"]["id"] = json!(did::did_key(&key.public_key()));
    data["validFrom"] = json!(valid_from);
    data["validUntil"] = json!(valid_until);
    let data: LicenceData = serde_json::from_value(data).unwrap();
    data.to_credential().unwrap()
}

/// Changes the holder's English name inside a signed output, keeping the signature.
fn tamper(format: Format, signed: &[u8]) -> Vec<u8> {
    let (from, to) = (
        "Thai Food Products Co., Ltd.",
        "Thai Food Products Co., Ltd. (branch)",
    );
    match format {
        Format::DataIntegrity(_) => String::from_utf8(signed.to_vec())
            .unwrap()
            .replacen(from, to, 1)
            .into_bytes(),
        Format::Jwt => {
            let text = String::from_utf8(signed.to_vec()).unwrap();
            let parts: Vec<&str> = text.trim().split('.').collect();
            let payload = String::from_utf8(URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
            assert!(payload.contains(from));
            let payload = URL_SAFE_NO_PAD.encode(payload.replacen(from, to, 1));
            format!("{}.{}.{}\n", parts[0], payload, parts[2]).into_bytes()
        }
    }
}

/// Names a suite that does not exist (DI), or an `alg` that does not fit the key (JWT).
fn wrong_suite(format: Format, signed: &[u8]) -> Vec<u8> {
    let text = String::from_utf8(signed.to_vec()).unwrap();
    match format {
        Format::DataIntegrity(suite) => {
            let needle = format!("\"cryptosuite\": \"{}\"", suite.name());
            assert!(text.contains(&needle));
            text.replacen(&needle, "\"cryptosuite\": \"eddsa-2022\"", 1)
                .into_bytes()
        }
        Format::Jwt => {
            let parts: Vec<&str> = text.trim().split('.').collect();
            let mut header: Value =
                serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
            header["alg"] = json!("ES256");
            let header = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header).unwrap());
            format!("{}.{}.{}\n", header, parts[1], parts[2]).into_bytes()
        }
    }
}

fn malformed(format: Format, signed: &[u8]) -> Vec<u8> {
    match format {
        // cut in the middle of the proof: not JSON any more
        Format::DataIntegrity(_) => signed[..signed.len() * 2 / 3].to_vec(),
        // a JWS with a missing signature segment
        Format::Jwt => {
            let text = String::from_utf8(signed.to_vec()).unwrap();
            let parts: Vec<&str> = text.trim().split('.').collect();
            format!("{}.{}\n", parts[0], parts[1]).into_bytes()
        }
    }
}

fn vectors_for(
    format: Format,
    key_file: &str,
    other_key_file: &str,
    alg_label: &str,
) -> Vec<Vector> {
    vectors_in(format, format.dir(), key_file, other_key_file, alg_label)
}

/// The vectors of one format and key, in directory `dir`.
fn vectors_in(
    format: Format,
    dir: &str,
    key_file: &str,
    other_key_file: &str,
    alg_label: &str,
) -> Vec<Vector> {
    let signer = key(key_file);
    let other = key(other_key_file);
    let ext = format.ext();
    let credential = licence(
        &signer,
        "2026-01-01T00:00:00+07:00",
        "2030-12-31T23:59:59+07:00",
    );
    let valid = format.sign(&credential, &signer, &signer);
    let v = |name: &str, content: Vec<u8>, failing_check, description: String| Vector {
        path: format!("{dir}/{name}.{ext}"),
        content,
        failing_check,
        description,
    };
    let mut out = vec![
        v("valid", valid.clone(), None, format!("A factory licence signed with the {alg_label} test key: valid.")),
        v(
            "tampered",
            tamper(format, &valid),
            Some("proof"),
            "The valid vector with the holder's English name edited after signing: the signature no longer matches.".into(),
        ),
        v(
            "wrong-suite",
            wrong_suite(format, &valid),
            Some("proof"),
            match format {
                Format::Jwt => "The JWT header's alg changed to ES256 for an Ed25519 key: rejected.".into(),
                Format::DataIntegrity(_) => "The proof names an unknown cryptosuite (eddsa-2022): rejected.".into(),
            },
        ),
        v(
            "expired",
            format.sign(&licence(&signer, "2025-01-01T00:00:00+07:00", "2025-12-31T23:59:59+07:00"), &signer, &signer),
            Some("validity"),
            "Correctly signed, but validUntil (2025-12-31) is before the verification time.".into(),
        ),
        v(
            "not-yet-valid",
            format.sign(&licence(&signer, "2027-01-01T00:00:00+07:00", "2031-12-31T23:59:59+07:00"), &signer, &signer),
            Some("validity"),
            "Correctly signed, but validFrom (2027-01-01) is after the verification time.".into(),
        ),
        v(
            "malformed",
            malformed(format, &valid),
            Some("format"),
            match format {
                Format::Jwt => "A JWS with its signature segment missing: not a vc+jwt.".into(),
                Format::DataIntegrity(_) => "The valid vector cut off two thirds of the way through: not JSON.".into(),
            },
        ),
    ];
    out.push(v(
        "wrong-key",
        format.sign(&credential, &other, &signer),
        Some("proof"),
        format!("Signed with keys/{other_key_file} while claiming the published test key: the signature does not verify."),
    ));
    out
}

fn all_vectors() -> Vec<Vector> {
    let mut all = Vec::new();
    all.extend(vectors_for(
        Format::DataIntegrity(Cryptosuite::EddsaRdfc2022),
        "ed25519.pem",
        "other-ed25519.pem",
        "Ed25519",
    ));
    all.extend(vectors_for(
        Format::DataIntegrity(Cryptosuite::EcdsaRdfc2019),
        "p256.pem",
        "other-p256.pem",
        "P-256",
    ));
    all.extend(vectors_for(
        Format::DataIntegrity(Cryptosuite::EddsaJcs2022),
        "ed25519.pem",
        "other-ed25519.pem",
        "Ed25519",
    ));
    all.extend(vectors_for(
        Format::DataIntegrity(Cryptosuite::EcdsaJcs2019),
        "p256.pem",
        "other-p256.pem",
        "P-256",
    ));
    all.extend(vectors_for(
        Format::Jwt,
        "ed25519.pem",
        "other-ed25519.pem",
        "Ed25519 (EdDSA)",
    ));
    for suite in [Cryptosuite::EcdsaRdfc2019, Cryptosuite::EcdsaJcs2019] {
        let dir = match suite {
            Cryptosuite::EcdsaRdfc2019 => "ecdsa-rdfc-2019-p384",
            _ => "ecdsa-jcs-2019-p384",
        };
        let format = Format::DataIntegrity(suite);
        all.extend(vectors_in(
            format,
            dir,
            "p384.pem",
            "other-p384.pem",
            "P-384",
        ));
        all.extend(p384_attacks(suite, dir));
    }
    all
}

/// The P-384 attacks a verifier must refuse, each as a signed document:
/// the proof claimed by a P-256 key, hash data made with SHA-256 instead of
/// SHA-384, and a signature cut to 95 of its 96 bytes.
fn p384_attacks(suite: Cryptosuite, dir: &str) -> Vec<Vector> {
    let signer = key("p384.pem");
    let credential = licence(
        &signer,
        "2026-01-01T00:00:00+07:00",
        "2030-12-31T23:59:59+07:00",
    );
    let valid: Value =
        serde_json::from_slice(&Format::DataIntegrity(suite).sign(&credential, &signer, &signer))
            .unwrap();
    let to_bytes = |doc: &Value| {
        let mut text = serde_json::to_string_pretty(doc).unwrap();
        text.push('\n');
        text.into_bytes()
    };
    let with_signature = |sig: &[u8]| {
        let mut doc = valid.clone();
        doc["proof"]["proofValue"] = json!(format!("z{}", bs58::encode(sig).into_string()));
        doc
    };
    let v = |name: &str, doc: &Value, description: &str| Vector {
        path: format!("{dir}/{name}.json"),
        content: to_bytes(doc),
        failing_check: Some("proof"),
        description: description.into(),
    };

    let mut p256_claimed = valid.clone();
    p256_claimed["proof"]["verificationMethod"] = json!(did::did_key_verification_method(
        &key("p256.pem").public_key()
    ));

    // What a signer that hashed by the P-256 rule would have signed.
    let mut config = valid["proof"].clone();
    let config_map = config.as_object_mut().unwrap();
    config_map.remove("proofValue");
    if suite.canonicalization() == Canonicalization::Rdfc {
        config_map.insert("@context".into(), valid["@context"].clone());
    }
    let mut document = valid.clone();
    document.as_object_mut().unwrap().remove("proof");
    let sha256 = ProofEngine::shipped()
        .signing_input(suite, HashAlgorithm::Sha256, &config, &document)
        .unwrap();
    let sha256_signed = with_signature(&signer.sign(&sha256.hash_data));

    let value = valid["proof"]["proofValue"].as_str().unwrap();
    let sig = bs58::decode(&value[1..]).into_vec().unwrap();
    assert_eq!(sig.len(), 96);
    let truncated = with_signature(&sig[..95]);

    vec![
        v(
            "p256-key",
            &p256_claimed,
            "The valid P-384 proof with its verificationMethod swapped for the P-256 test key: a 96-byte signature is no P-256 signature.",
        ),
        v(
            "sha256",
            &sha256_signed,
            "Signed with the P-384 test key over SHA-256 hashes (the P-256 rule) instead of SHA-384: the signature does not verify.",
        ),
        v(
            "truncated-signature",
            &truncated,
            "The valid vector's signature cut to 95 of its 96 bytes: malformed.",
        ),
    ]
}

fn manifest(vectors: &[Vector]) -> Vec<u8> {
    let entries: Vec<Value> = vectors
        .iter()
        .map(|v| {
            json!({
                "file": v.path,
                "expect": if v.failing_check.is_some() { "invalid" } else { "valid" },
                "failingCheck": v.failing_check,
                "description": v.description,
            })
        })
        .collect();
    let manifest = json!({
        "now": NOW,
        "command": "elicence verify FILE --now 2026-06-01T00:00:00Z --json",
        "vectors": entries,
    });
    let mut text = serde_json::to_string_pretty(&manifest).unwrap();
    text.push('\n');
    text.into_bytes()
}

#[test]
fn vectors_on_disk_are_what_we_emit() {
    let vectors = all_vectors();
    let mut files: Vec<(String, Vec<u8>)> = vectors
        .iter()
        .map(|v| (v.path.clone(), v.content.clone()))
        .collect();
    files.push(("manifest.json".into(), manifest(&vectors)));
    let write = std::env::var_os("ELICENCE_WRITE_VECTORS").is_some();
    let mut stale = Vec::new();
    for (path, content) in &files {
        let full = root().join(path);
        if write {
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(&full, content).unwrap();
        } else if std::fs::read(&full).ok().as_deref() != Some(content.as_slice()) {
            stale.push(path.clone());
        }
    }
    assert!(
        stale.is_empty(),
        "test vectors differ from what elicence emits now: {stale:?}\n\
         if the change is intended, run ELICENCE_WRITE_VECTORS=1 cargo test -p elicence --test test_vectors"
    );
}

#[test]
fn every_vector_verifies_as_the_manifest_says_through_the_cli() {
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("manifest.json")).unwrap())
            .unwrap();
    let entries = manifest["vectors"].as_array().unwrap();
    assert!(
        entries.len() >= 20,
        "expected at least 20 vectors, found {}",
        entries.len()
    );
    for entry in entries {
        let file = entry["file"].as_str().unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_elicence"))
            .args(["verify", "--json", "--now", NOW])
            .arg(root().join(file))
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "{file}: report is not JSON ({e}): {}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
        let checks = report["checks"].as_array().unwrap();
        let outcome_of = |code: &str| {
            checks
                .iter()
                .find(|c| c["code"] == code)
                .map(|c| c["outcome"].as_str().unwrap().to_owned())
        };
        match entry["failingCheck"].as_str() {
            None => {
                assert_eq!(report["verdict"], "valid", "{file}: {report:#}");
                assert_eq!(output.status.code(), Some(0), "{file}");
                assert!(
                    checks.iter().all(|c| c["outcome"] == "pass"),
                    "{file}: {report:#}"
                );
            }
            Some(check) => {
                assert_eq!(report["verdict"], "invalid", "{file}: {report:#}");
                assert_eq!(output.status.code(), Some(1), "{file}");
                assert_eq!(
                    outcome_of(check).as_deref(),
                    Some("fail"),
                    "{file}: {check} must fail: {report:#}"
                );
            }
        }
    }
}
