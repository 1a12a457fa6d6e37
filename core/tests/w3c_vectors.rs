//! Official W3C test vectors for eddsa-jcs-2022 and ecdsa-jcs-2019 (P-256),
//! reproduced byte for byte, plus tamper tests: any single changed value must
//! make verification fail.

use elicence_core::did::OfflineResolver;
use elicence_core::jcs;
use elicence_core::keys::{PublicKey, SigningKey};
use elicence_core::proof::{self, Cryptosuite, ProofError, ProofOptions};
use serde_json::Value;
use sha2::{Digest, Sha256};

mod shared;
use shared::vectors_dir;

fn read(rel: &str) -> String {
    let path = vectors_dir().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json(rel: &str) -> Value {
    serde_json::from_str(&read(rel)).unwrap()
}

/// Vector text files have no trailing newline, but be tolerant of one.
fn text(rel: &str) -> String {
    read(rel).trim_end_matches(['\n', '\r']).to_string()
}

const EDDSA: &str = "w3c-vc-di-eddsa/TestVectors";
const ECDSA: &str = "w3c-vc-di-ecdsa/TestVectors";

fn proof_config_of(signed: &Value) -> Value {
    let mut config = signed["proof"].clone();
    config.as_object_mut().unwrap().remove("proofValue");
    config
}

fn unsigned_of(signed: &Value) -> Value {
    let mut doc = signed.clone();
    doc.as_object_mut().unwrap().remove("proof");
    doc
}

#[test]
fn eddsa_jcs_2022_intermediate_values_match_byte_for_byte() {
    let d = format!("{EDDSA}/eddsa-jcs-2022");
    let unsigned = json(&format!("{EDDSA}/unsigned.json"));
    let config = json(&format!("{d}/proofConfigJCS.json"));

    let canon_doc = jcs::canonicalize(&unsigned).unwrap();
    assert_eq!(canon_doc, text(&format!("{d}/canonDocJCS.txt")));
    let canon_proof = jcs::canonicalize(&config).unwrap();
    assert_eq!(canon_proof, text(&format!("{d}/proofCanonJCS.txt")));

    let doc_hash = Sha256::digest(canon_doc.as_bytes());
    assert_eq!(hex::encode(doc_hash), text(&format!("{d}/docHashJCS.txt")));
    let proof_hash = Sha256::digest(canon_proof.as_bytes());
    assert_eq!(
        hex::encode(proof_hash),
        text(&format!("{d}/proofHashJCS.txt"))
    );

    let combined = Cryptosuite::EddsaJcs2022.hash_data(
        Cryptosuite::EddsaJcs2022.key_algorithm(),
        canon_proof.as_bytes(),
        canon_doc.as_bytes(),
    );
    assert_eq!(
        hex::encode(&combined),
        text(&format!("{d}/combinedHashJCS.txt"))
    );

    let pair = json(&format!("{EDDSA}/keyPair.json"));
    let key =
        SigningKey::from_secret_multikey(pair["privateKeyMultibase"].as_str().unwrap()).unwrap();
    assert_eq!(
        key.public_key().to_multikey(),
        pair["publicKeyMultibase"].as_str().unwrap()
    );
    let sig = key.sign(&combined);
    assert_eq!(hex::encode(&sig), text(&format!("{d}/sigHexJCS.txt")));
    assert_eq!(
        format!("z{}", bs58::encode(&sig).into_string()),
        text(&format!("{d}/sigBTC58JCS.txt"))
    );
}

#[test]
fn eddsa_jcs_2022_signing_reproduces_signed_document_exactly() {
    let d = format!("{EDDSA}/eddsa-jcs-2022");
    let unsigned = json(&format!("{EDDSA}/unsigned.json"));
    let config = json(&format!("{d}/proofConfigJCS.json"));
    let pair = json(&format!("{EDDSA}/keyPair.json"));
    let key =
        SigningKey::from_secret_multikey(pair["privateKeyMultibase"].as_str().unwrap()).unwrap();

    let options = ProofOptions::new(
        config["verificationMethod"].as_str().unwrap(),
        config["created"].as_str().unwrap(),
    );
    let signed = proof::sign(&unsigned, Cryptosuite::EddsaJcs2022, &key, &options).unwrap();

    let expected_text = read(&format!("{d}/signedJCS.json"));
    let expected: Value = serde_json::from_str(&expected_text).unwrap();
    assert_eq!(signed, expected);
    // Same members in the same order, so the pretty form is identical text.
    assert_eq!(
        serde_json::to_string_pretty(&signed).unwrap(),
        expected_text.trim_end()
    );
}

#[test]
fn eddsa_jcs_2022_signed_vector_verifies() {
    let signed = json(&format!("{EDDSA}/eddsa-jcs-2022/signedJCS.json"));
    let verified =
        proof::verify(&signed, &OfflineResolver::new(), "assertionMethod", None).unwrap();
    assert_eq!(verified.len(), 1);
    assert_eq!(verified[0].suite, Cryptosuite::EddsaJcs2022);
    assert_eq!(
        verified[0].controller,
        "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    );
    assert_eq!(verified[0].created.as_deref(), Some("2023-02-24T23:36:38Z"));
}

#[test]
fn ecdsa_jcs_2019_p256_vector_canonical_forms_hashes_and_signature() {
    let d = format!("{ECDSA}/ecdsa-jcs-2019-p256");
    let signed = json(&format!("{d}/signedJCSECDSAP256.json"));
    let unsigned = json(&format!("{ECDSA}/unsigned.json"));
    let config = json(&format!("{d}/proofConfigJCSECDSAP256.json"));

    let canon_doc = jcs::canonicalize(&unsigned).unwrap();
    assert_eq!(canon_doc, text(&format!("{d}/canonDocJCSECDSAP256.txt")));
    assert_eq!(canon_doc, jcs::canonicalize(&unsigned_of(&signed)).unwrap());
    let canon_proof = jcs::canonicalize(&config).unwrap();
    assert_eq!(
        canon_proof,
        text(&format!("{d}/proofCanonJCSECDSAP256.txt"))
    );
    assert_eq!(
        canon_proof,
        jcs::canonicalize(&proof_config_of(&signed)).unwrap()
    );

    assert_eq!(
        hex::encode(Sha256::digest(canon_doc.as_bytes())),
        text(&format!("{d}/docHashJCSECDSAP256.txt"))
    );
    assert_eq!(
        hex::encode(Sha256::digest(canon_proof.as_bytes())),
        text(&format!("{d}/proofHashJCSECDSAP256.txt"))
    );
    let combined = Cryptosuite::EcdsaJcs2019.hash_data(
        Cryptosuite::EcdsaJcs2019.key_algorithm(),
        canon_proof.as_bytes(),
        canon_doc.as_bytes(),
    );
    assert_eq!(
        hex::encode(&combined),
        text(&format!("{d}/combinedHashJCSECDSAP256.txt"))
    );

    // The published signature verifies under the published key.
    let pair = json(&format!("{ECDSA}/p256KeyPair.json"));
    let public = PublicKey::from_multikey(pair["publicKeyMultibase"].as_str().unwrap()).unwrap();
    let sig = hex::decode(text(&format!("{d}/sigHexJCSECDSAP256.txt"))).unwrap();
    assert_eq!(
        format!("z{}", bs58::encode(&sig).into_string()),
        text(&format!("{d}/sigBTC58JCSECDSAP256.txt"))
    );
    public.verify(&combined, &sig).unwrap();

    // The secret key in the vector is the one behind the public key, and our
    // (deterministic) signature over the same bytes verifies too.
    let key =
        SigningKey::from_secret_multikey(pair["secretKeyMultibase"].as_str().unwrap()).unwrap();
    assert_eq!(key.public_key(), public);
    let ours = key.sign(&combined);
    public.verify(&combined, &ours).unwrap();

    let verified =
        proof::verify(&signed, &OfflineResolver::new(), "assertionMethod", None).unwrap();
    assert_eq!(verified[0].suite, Cryptosuite::EcdsaJcs2019);
    assert_eq!(
        verified[0].controller,
        format!("did:key:{}", public.to_multikey())
    );
}

#[test]
fn ecdsa_jcs_2019_p256_signing_gives_a_verifiable_vector_shaped_document() {
    let d = format!("{ECDSA}/ecdsa-jcs-2019-p256");
    let unsigned = json(&format!("{ECDSA}/unsigned.json"));
    let config = json(&format!("{d}/proofConfigJCSECDSAP256.json"));
    let pair = json(&format!("{ECDSA}/p256KeyPair.json"));
    let key =
        SigningKey::from_secret_multikey(pair["secretKeyMultibase"].as_str().unwrap()).unwrap();
    let options = ProofOptions::new(
        config["verificationMethod"].as_str().unwrap(),
        config["created"].as_str().unwrap(),
    );
    let signed = proof::sign(&unsigned, Cryptosuite::EcdsaJcs2019, &key, &options).unwrap();
    let expected = json(&format!("{d}/signedJCSECDSAP256.json"));
    // Everything but the (randomised in the vector) signature is identical.
    assert_eq!(unsigned_of(&signed), unsigned_of(&expected));
    assert_eq!(proof_config_of(&signed), proof_config_of(&expected));
    proof::verify(&signed, &OfflineResolver::new(), "assertionMethod", None).unwrap();
}

/// Every leaf (string, number, bool) path of a JSON value.
fn leaf_paths(v: &Value, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let mut p = prefix.clone();
                p.push(k.clone());
                leaf_paths(child, p, out);
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                let mut p = prefix.clone();
                p.push(i.to_string());
                leaf_paths(child, p, out);
            }
        }
        _ => out.push(prefix),
    }
}

fn leaf_mut<'a>(v: &'a mut Value, path: &[String]) -> &'a mut Value {
    path.iter().fold(v, |v, seg| match v {
        Value::Object(m) => m.get_mut(seg).unwrap(),
        Value::Array(a) => &mut a[seg.parse::<usize>().unwrap()],
        _ => unreachable!(),
    })
}

/// Changes one character of a string (keeping it a plausible value).
fn tweak(s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    let i = chars.len() / 2;
    chars[i] = if chars[i] == 'a' { 'b' } else { 'a' };
    chars.into_iter().collect()
}

fn assert_every_single_change_fails(rel: &str) {
    let signed = json(rel);
    let resolver = OfflineResolver::new();
    proof::verify(&signed, &resolver, "assertionMethod", None).unwrap();
    let mut paths = Vec::new();
    leaf_paths(&signed, Vec::new(), &mut paths);
    assert!(
        paths.len() > 15,
        "{rel}: too few fields to be the real vector"
    );
    for path in paths {
        let mut tampered = signed.clone();
        let leaf = leaf_mut(&mut tampered, &path);
        *leaf = match leaf {
            Value::String(s) => Value::String(tweak(s)),
            other => panic!("unexpected leaf {other}"),
        };
        let result = proof::verify(&tampered, &resolver, "assertionMethod", None);
        assert!(result.is_err(), "{rel}: changing {path:?} still verified");
    }
    // Adding a member anywhere also breaks the signature.
    let mut extra = signed.clone();
    extra["credentialSubject"]["degree"] = Value::from("Bachelor");
    assert_eq!(
        proof::verify(&extra, &resolver, "assertionMethod", None),
        Err(ProofError::SignatureMismatch)
    );
    let mut extra = signed.clone();
    extra["proof"]["nonce"] = Value::from("1");
    assert_eq!(
        proof::verify(&extra, &resolver, "assertionMethod", None),
        Err(ProofError::SignatureMismatch)
    );
}

#[test]
fn eddsa_jcs_2022_vector_fails_after_any_single_change() {
    assert_every_single_change_fails(&format!("{EDDSA}/eddsa-jcs-2022/signedJCS.json"));
}

#[test]
fn ecdsa_jcs_2019_p256_vector_fails_after_any_single_change() {
    assert_every_single_change_fails(&format!(
        "{ECDSA}/ecdsa-jcs-2019-p256/signedJCSECDSAP256.json"
    ));
}

#[test]
fn tampered_vectors_fail_for_the_right_reason() {
    let signed = json(&format!("{EDDSA}/eddsa-jcs-2022/signedJCS.json"));
    let r = OfflineResolver::new();
    let check = |f: &dyn Fn(&mut Value), expected: ProofError| {
        let mut doc = signed.clone();
        f(&mut doc);
        assert_eq!(
            proof::verify(&doc, &r, "assertionMethod", None),
            Err(expected)
        );
    };
    check(
        &|d| d["name"] = "Alumni Credentiak".into(),
        ProofError::SignatureMismatch,
    );
    check(
        &|d| d["proof"]["created"] = "2023-02-24T23:36:39Z".into(),
        ProofError::SignatureMismatch,
    );
    check(
        &|d| d["proof"]["cryptosuite"] = "eddsa-rdfc-2022x".into(),
        ProofError::UnsupportedCryptosuite("eddsa-rdfc-2022x".into()),
    );
    check(
        &|d| d["proof"]["cryptosuite"] = "ecdsa-jcs-2019".into(),
        ProofError::KeyAlgorithmMismatch {
            suite: "ecdsa-jcs-2019",
            key: elicence_core::keys::KeyAlgorithm::Ed25519,
        },
    );
    check(
        &|d| d["proof"]["type"] = "Ed25519Signature2020".into(),
        ProofError::UnsupportedProofType("Ed25519Signature2020".into()),
    );
    check(
        &|d| d["@context"][1] = "https://example.org/other".into(),
        ProofError::ContextMismatch,
    );
    check(
        &|d| d["proof"]["proofPurpose"] = "authentication".into(),
        ProofError::PurposeMismatch {
            expected: "assertionMethod".into(),
            found: "authentication".into(),
        },
    );
    check(
        &|d| {
            let v = d["proof"]["proofValue"]
                .as_str()
                .unwrap()
                .replacen('z', "u", 1);
            d["proof"]["proofValue"] = v.into();
        },
        ProofError::MalformedProof {
            field: "proofValue",
            reason: "is not base58btc multibase (must start with `z`)".into(),
        },
    );
    // Truncated signature: valid base58btc, wrong length.
    let mut doc = signed.clone();
    let sig = bs58::decode(&doc["proof"]["proofValue"].as_str().unwrap()[1..])
        .into_vec()
        .unwrap();
    doc["proof"]["proofValue"] = format!("z{}", bs58::encode(&sig[..63]).into_string()).into();
    assert!(matches!(
        proof::verify(&doc, &r, "assertionMethod", None),
        Err(ProofError::MalformedProof {
            field: "proofValue",
            ..
        })
    ));
    // A flipped signature bit.
    let mut doc = signed.clone();
    let mut sig = sig.clone();
    sig[10] ^= 1;
    doc["proof"]["proofValue"] = format!("z{}", bs58::encode(&sig).into_string()).into();
    assert_eq!(
        proof::verify(&doc, &r, "assertionMethod", None),
        Err(ProofError::SignatureMismatch)
    );
}
