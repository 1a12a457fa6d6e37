//! Cross-signing: eddsa-rdfc-2022 credentials signed by one implementation
//! and verified by the other, on random licences; tampering must break both.
//!
//! The elicence side is built from elicence's own primitives following
//! vc-di-eddsa §3.2 literally (proof configuration with the document's
//! `@context`, RDFC-1.0 of both, `SHA-256(config) || SHA-256(document)`,
//! Ed25519, base58btc multibase), so it checks the canonicalization and hash
//! construction independently of `elicence_core::proof`.
//!
//! Case count: `INTEROP_SIGN_CASES` (default 200 each way; signing in debug
//! ssi is slow).

use elicence_core::did::{did_key_verification_method, resolve_did_key};
use elicence_core::keys::SigningKey;
use elicence_interop::generate::{licence_data, reference_licence};
use elicence_interop::{elicence_canonical, InteropError, RdfcSuite, SsiModel, SsiParty};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

const CREATED: &str = "2026-01-02T03:04:05Z";

fn cases(var: &str, default: u32) -> u32 {
    match std::env::var(var) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{var} must be a number, got {v:?}")),
        Err(_) => default,
    }
}

fn runner() -> TestRunner {
    TestRunner::new_with_rng(
        Config {
            cases: cases("INTEROP_SIGN_CASES", 200),
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    )
}

fn key(seed: u8) -> SigningKey {
    SigningKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&[seed; 32]))
}

fn ssi_party(key: &SigningKey) -> SsiParty {
    let vm = did_key_verification_method(&key.public_key());
    SsiParty::new(&key.to_private_jwk(), &vm).unwrap()
}

/// vc-di-eddsa §3.2.4-3.2.6: hash of the proof configuration and document.
fn hash_data(document: &Map<String, Value>, proof: &Map<String, Value>) -> Vec<u8> {
    let mut config = proof.clone();
    config.remove("proofValue");
    config.insert("@context".into(), document["@context"].clone());
    let mut unsecured = document.clone();
    unsecured.remove("proof");
    let config = elicence_canonical(&Value::Object(config)).unwrap();
    let unsecured = elicence_canonical(&Value::Object(unsecured)).unwrap();
    let mut out = Sha256::digest(config.as_bytes()).to_vec();
    out.extend_from_slice(&Sha256::digest(unsecured.as_bytes()));
    out
}

/// Adds an eddsa-rdfc-2022 proof with elicence's primitives.
fn elicence_sign(credential: &Value, key: &SigningKey) -> Value {
    elicence_sign_with(credential, key, "eddsa-rdfc-2022")
}

/// Adds an eddsa-rdfc-2022 or ecdsa-rdfc-2019 (P-256: same hash layout,
/// SHA-256) proof with elicence's primitives.
fn elicence_sign_with(credential: &Value, key: &SigningKey, cryptosuite: &str) -> Value {
    let document = credential.as_object().unwrap();
    let proof = json!({
        "type": "DataIntegrityProof",
        "cryptosuite": cryptosuite,
        "created": CREATED,
        "verificationMethod": did_key_verification_method(&key.public_key()),
        "proofPurpose": "assertionMethod",
    });
    let mut proof = proof.as_object().unwrap().clone();
    let signature = key.sign(&hash_data(document, &proof));
    proof.insert(
        "proofValue".into(),
        json!(format!("z{}", bs58::encode(signature).into_string())),
    );
    let mut secured = document.clone();
    secured.insert("proof".into(), Value::Object(proof));
    Value::Object(secured)
}

/// Verifies an eddsa-rdfc-2022 proof with elicence's primitives.
fn elicence_verify(secured: &Value) -> Result<(), String> {
    let document = secured.as_object().ok_or("not an object")?;
    let proof = document["proof"].as_object().ok_or("proof not an object")?;
    let suite = &proof["cryptosuite"];
    if proof["type"] != "DataIntegrityProof"
        || (suite != "eddsa-rdfc-2022" && suite != "ecdsa-rdfc-2019")
    {
        return Err(format!("unexpected proof {proof:?}"));
    }
    let value = proof["proofValue"].as_str().ok_or("no proofValue")?;
    let signature = bs58::decode(value.strip_prefix('z').ok_or("not base58btc")?)
        .into_vec()
        .map_err(|e| e.to_string())?;
    let vm = proof["verificationMethod"]
        .as_str()
        .ok_or("no verificationMethod")?;
    let public = resolve_did_key(vm).map_err(|e| e.to_string())?;
    public
        .verify(&hash_data(document, proof), &signature)
        .map_err(|e| e.to_string())
}

/// Changes one Thai character of the licensee's name (a tone mark if any).
fn tamper(secured: &Value) -> Value {
    let mut t = secured.clone();
    let name = &mut t["credentialSubject"]["licensee"]["legalName"]["th"];
    let s = name.as_str().unwrap().to_owned();
    let changed = if s.contains('\u{0E48}') {
        s.replacen('\u{0E48}', "\u{0E49}", 1)
    } else {
        format!("{s}\u{0E48}")
    };
    *name = json!(changed);
    t
}

/// The reference licence without conditions: ssi 0.16 mis-converts
/// `@list` values (see `differential.rs` and docs/interop.md), so the two
/// implementations can only agree on credentials without one.
fn reference_without_conditions() -> Value {
    let mut data = reference_licence();
    data.conditions.clear();
    data.to_credential().unwrap()
}

const AT: &str = "2026-06-01T00:00:00Z";

#[test]
fn reference_licence_signed_by_ssi_verifies_in_elicence_and_vice_versa() {
    let k = key(7);
    let ssi = ssi_party(&k);
    let credential = reference_without_conditions();

    let by_ssi = ssi
        .sign(
            &credential,
            RdfcSuite::EddsaRdfc2022,
            SsiModel::Document,
            CREATED,
        )
        .unwrap();
    assert_eq!(by_ssi["proof"]["cryptosuite"], "eddsa-rdfc-2022");
    ssi.verify(&by_ssi, SsiModel::Document, AT).unwrap();
    elicence_verify(&by_ssi).unwrap();

    let by_elicence = elicence_sign(&credential, &k);
    elicence_verify(&by_elicence).unwrap();
    ssi.verify(&by_elicence, SsiModel::Document, AT).unwrap();

    // Ed25519 is deterministic: same key, same data, same signature.
    assert_eq!(
        by_ssi["proof"]["proofValue"],
        by_elicence["proof"]["proofValue"]
    );

    for secured in [&by_ssi, &by_elicence] {
        let t = tamper(secured);
        assert!(elicence_verify(&t).is_err());
        assert!(ssi.verify(&t, SsiModel::Document, AT).is_err());
    }
}

/// ssi's typed VCDM 2.0 credential agrees too when the licence IRI is ASCII
/// (it rejects Thai IRIs, see `ssi_typed_credential_rejects_thai_licence_iris`),
/// and then also enforces the validity period.
#[test]
fn ascii_licence_signed_as_typed_vc_by_ssi_verifies_in_elicence() {
    let k = key(8);
    let ssi = ssi_party(&k);
    let mut data = reference_licence();
    data.conditions.clear();
    data.licence_number = "FS-2566/0001".into();
    let credential = data.to_credential().unwrap();
    let by_ssi = ssi
        .sign(
            &credential,
            RdfcSuite::EddsaRdfc2022,
            SsiModel::VcV2,
            CREATED,
        )
        .unwrap();
    elicence_verify(&by_ssi).unwrap();
    let by_elicence = elicence_sign(&credential, &k);
    assert_eq!(by_ssi["proof"], by_elicence["proof"]);
    ssi.verify(&by_elicence, SsiModel::VcV2, AT).unwrap();
    // Outside the validity period the typed model refuses.
    assert!(ssi
        .verify(&by_elicence, SsiModel::VcV2, "2027-06-01T00:00:00Z")
        .is_err());
}

/// Known ssi 0.16 limitation: `vc::v2::JsonCredential` types `id` as an
/// RFC 3986 URI, so a licence IRI with Thai characters cannot be signed or
/// verified through it (VCDM 2.0 requires a URL, which may hold them).
#[test]
fn ssi_typed_credential_rejects_thai_licence_iris() {
    let k = key(9);
    let ssi = ssi_party(&k);
    let credential = reference_without_conditions();
    assert!(credential["id"].as_str().unwrap().contains("สน.1~2566"));
    let err = ssi
        .sign(
            &credential,
            RdfcSuite::EddsaRdfc2022,
            SsiModel::VcV2,
            CREATED,
        )
        .unwrap_err();
    assert!(err.to_string().contains("expected some Uri"), "{err}");
    let secured = elicence_sign(&credential, &k);
    let err = ssi.verify(&secured, SsiModel::VcV2, AT).unwrap_err();
    assert!(
        matches!(
            err,
            InteropError::Ssi {
                stage: "decoding",
                ..
            }
        ),
        "{err}"
    );
}

/// Known ssi 0.16 bug with security impact: its RDF for an `@list` keeps no
/// `rdf:first` for literal items, so an ssi eddsa-rdfc-2022 signature does
/// not cover the text of a licence's conditions. elicence catches the
/// forgery; ssi accepts it. And a correct signature over a licence with
/// conditions is rejected by ssi.
#[test]
fn ssi_signature_does_not_cover_condition_text() {
    let k = key(10);
    let ssi = ssi_party(&k);
    let credential = reference_licence().to_credential().unwrap();
    let by_ssi = ssi
        .sign(
            &credential,
            RdfcSuite::EddsaRdfc2022,
            SsiModel::Document,
            CREATED,
        )
        .unwrap();
    ssi.verify(&by_ssi, SsiModel::Document, AT).unwrap();

    let mut forged = by_ssi.clone();
    forged["credentialSubject"]["conditions"] = json!(["ไม่มีเงื่อนไข (no conditions)"]);
    assert!(
        ssi.verify(&forged, SsiModel::Document, AT).is_ok(),
        "ssi now covers list items: update docs/interop.md and this test"
    );
    assert!(elicence_verify(&forged).is_err());
    // elicence also rejects ssi's original: ssi signed a different dataset.
    assert!(elicence_verify(&by_ssi).is_err());

    let by_elicence = elicence_sign(&credential, &k);
    elicence_verify(&by_elicence).unwrap();
    assert!(ssi.verify(&by_elicence, SsiModel::Document, AT).is_err());
}

/// Random licences with their conditions removed (see above).
fn licences_without_conditions() -> impl Strategy<Value = elicence_core::licence::LicenceData> {
    licence_data().prop_map(|mut data| {
        data.conditions.clear();
        data
    })
}

#[test]
fn random_licences_signed_by_ssi_verify_in_elicence() {
    let k = key(1);
    let ssi = ssi_party(&k);
    runner()
        .run(&licences_without_conditions(), |data| {
            let credential = data.to_credential().unwrap();
            let secured = ssi
                .sign(
                    &credential,
                    RdfcSuite::EddsaRdfc2022,
                    SsiModel::Document,
                    CREATED,
                )
                .map_err(|e| TestCaseError::fail(format!("ssi signing: {e}\n{credential:#}")))?;
            prop_assert!(elicence_verify(&secured).is_ok(), "{:#}", secured);
            let tampered = tamper(&secured);
            prop_assert!(elicence_verify(&tampered).is_err());
            prop_assert!(ssi.verify(&tampered, SsiModel::Document, AT).is_err());
            Ok(())
        })
        .unwrap();
}

#[test]
fn random_licences_signed_by_elicence_verify_in_ssi() {
    let k = key(2);
    let ssi = SsiParty::verifier().unwrap();
    runner()
        .run(&licences_without_conditions(), |data| {
            let credential = data.to_credential().unwrap();
            let secured = elicence_sign(&credential, &k);
            let verdict = ssi.verify(&secured, SsiModel::Document, AT);
            prop_assert!(verdict.is_ok(), "{:?}\n{:#}", verdict, secured);
            let tampered = tamper(&secured);
            prop_assert!(ssi.verify(&tampered, SsiModel::Document, AT).is_err());
            prop_assert!(elicence_verify(&tampered).is_err());
            Ok(())
        })
        .unwrap();
}

#[test]
fn ecdsa_rdfc_2019_p256_agrees_both_ways() {
    // ECDSA signatures are randomised or RFC 6979: compare verdicts only.
    let k = SigningKey::P256(p256::ecdsa::SigningKey::from_slice(&[5; 32]).unwrap());
    let ssi = ssi_party(&k);
    let credential = reference_without_conditions();
    let by_ssi = ssi
        .sign(
            &credential,
            RdfcSuite::EcdsaRdfc2019,
            SsiModel::Document,
            CREATED,
        )
        .unwrap();
    assert_eq!(by_ssi["proof"]["cryptosuite"], "ecdsa-rdfc-2019");
    elicence_verify(&by_ssi).unwrap();
    let by_elicence = elicence_sign_with(&credential, &k, "ecdsa-rdfc-2019");
    ssi.verify(&by_elicence, SsiModel::Document, AT).unwrap();
    for secured in [&by_ssi, &by_elicence] {
        let t = tamper(secured);
        assert!(elicence_verify(&t).is_err());
        assert!(ssi.verify(&t, SsiModel::Document, AT).is_err());
    }
}

#[test]
fn ssi_rejects_unsigned_and_foreign_key_proofs() {
    let credential = reference_without_conditions();
    let ssi = SsiParty::verifier().unwrap();
    assert!(ssi.verify(&credential, SsiModel::Document, AT).is_err());
    // Signed by key 3 but claiming key 4's verification method.
    let mut secured = elicence_sign(&credential, &key(3));
    secured["proof"]["verificationMethod"] =
        json!(did_key_verification_method(&key(4).public_key()));
    assert!(ssi.verify(&secured, SsiModel::Document, AT).is_err());
    assert!(elicence_verify(&secured).is_err());
}
