//! Cross-signing through elicence's real Data Integrity API
//! (`proof::sign` / `proof::verify` with `Cryptosuite::EddsaRdfc2022` and
//! `EcdsaRdfc2019`) against ssi, on random licences; tampering must break
//! both.
//!
//! Case count: `INTEROP_SIGN_CASES` (default 200 each way; signing in debug
//! ssi is slow). Licences have no `conditions`: ssi 0.16 mis-converts `@list`
//! (docs/interop.md, finding 1), which `ssi_list_bug_through_proof_api` pins.

use elicence_core::did::{did_key_verification_method, OfflineResolver, ASSERTION_METHOD};
use elicence_core::keys::SigningKey;
use elicence_core::licence::LicenceData;
use elicence_core::proof::{self, Cryptosuite, ProofOptions};
use elicence_interop::generate::{licence_data, reference_licence};
use elicence_interop::{RdfcSuite, SsiModel, SsiParty};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Value};

const CREATED: &str = "2026-01-02T03:04:05Z";
const AT: &str = "2026-06-01T00:00:00Z";

fn cases() -> u32 {
    match std::env::var("INTEROP_SIGN_CASES") {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("INTEROP_SIGN_CASES must be a number, got {v:?}")),
        Err(_) => 200,
    }
}

fn runner() -> TestRunner {
    TestRunner::new_with_rng(
        Config {
            cases: cases(),
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    )
}

fn ed25519(seed: u8) -> SigningKey {
    SigningKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&[seed; 32]))
}

fn options(key: &SigningKey) -> ProofOptions {
    ProofOptions::new(did_key_verification_method(&key.public_key()), CREATED)
}

fn ssi_party(key: &SigningKey) -> SsiParty {
    SsiParty::new(
        &key.to_private_jwk(),
        &did_key_verification_method(&key.public_key()),
    )
    .unwrap()
}

fn elicence_verifies(secured: &Value) -> bool {
    proof::verify(secured, &OfflineResolver::new(), ASSERTION_METHOD, None).is_ok()
}

/// Adds a tone mark to (or changes one in) the licensee's Thai name.
fn tamper(secured: &Value) -> Value {
    let mut t = secured.clone();
    let name = &mut t["credentialSubject"]["licensee"]["legalName"]["th"];
    let s = name.as_str().unwrap().to_owned();
    *name = json!(if s.contains('\u{0E48}') {
        s.replacen('\u{0E48}', "\u{0E49}", 1)
    } else {
        format!("{s}\u{0E48}")
    });
    t
}

fn without_conditions() -> impl Strategy<Value = LicenceData> {
    licence_data().prop_map(|mut data| {
        data.conditions.clear();
        data
    })
}

#[test]
fn elicence_proof_api_signatures_verify_in_ssi() {
    let key = ed25519(21);
    let ssi = SsiParty::verifier().unwrap();
    runner()
        .run(&without_conditions(), |data| {
            let credential = data.to_credential().unwrap();
            let secured = proof::sign(
                &credential,
                Cryptosuite::EddsaRdfc2022,
                &key,
                &options(&key),
            )
            .map_err(|e| TestCaseError::fail(format!("elicence signing: {e}")))?;
            let verdict = ssi.verify(&secured, SsiModel::Document, AT);
            prop_assert!(verdict.is_ok(), "{:?}\n{:#}", verdict, secured);
            let tampered = tamper(&secured);
            prop_assert!(ssi.verify(&tampered, SsiModel::Document, AT).is_err());
            prop_assert!(!elicence_verifies(&tampered));
            Ok(())
        })
        .unwrap();
}

#[test]
fn ssi_signatures_verify_with_elicence_proof_api() {
    let key = ed25519(22);
    let ssi = ssi_party(&key);
    runner()
        .run(&without_conditions(), |data| {
            let credential = data.to_credential().unwrap();
            let secured = ssi
                .sign(
                    &credential,
                    RdfcSuite::EddsaRdfc2022,
                    SsiModel::Document,
                    CREATED,
                )
                .map_err(|e| TestCaseError::fail(format!("ssi signing: {e}")))?;
            let verdict = proof::verify(&secured, &OfflineResolver::new(), ASSERTION_METHOD, None);
            prop_assert!(verdict.is_ok(), "{:?}\n{:#}", verdict, secured);
            let verified = verdict.unwrap();
            prop_assert_eq!(verified[0].suite, Cryptosuite::EddsaRdfc2022);
            let tampered = tamper(&secured);
            prop_assert!(!elicence_verifies(&tampered));
            prop_assert!(ssi.verify(&tampered, SsiModel::Document, AT).is_err());
            Ok(())
        })
        .unwrap();
}

#[test]
fn same_key_same_licence_same_signature() {
    let key = ed25519(23);
    let ssi = ssi_party(&key);
    let mut data = reference_licence();
    data.conditions.clear();
    let credential = data.to_credential().unwrap();
    let ours = proof::sign(
        &credential,
        Cryptosuite::EddsaRdfc2022,
        &key,
        &options(&key),
    )
    .unwrap();
    let theirs = ssi
        .sign(
            &credential,
            RdfcSuite::EddsaRdfc2022,
            SsiModel::Document,
            CREATED,
        )
        .unwrap();
    assert_eq!(ours["proof"]["proofValue"], theirs["proof"]["proofValue"]);
}

#[test]
fn ecdsa_rdfc_2019_through_proof_api_agrees_both_ways() {
    let key = SigningKey::P256(p256::ecdsa::SigningKey::from_slice(&[6; 32]).unwrap());
    let ssi = ssi_party(&key);
    let mut data = reference_licence();
    data.conditions.clear();
    let credential = data.to_credential().unwrap();
    let ours = proof::sign(
        &credential,
        Cryptosuite::EcdsaRdfc2019,
        &key,
        &options(&key),
    )
    .unwrap();
    ssi.verify(&ours, SsiModel::Document, AT).unwrap();
    let theirs = ssi
        .sign(
            &credential,
            RdfcSuite::EcdsaRdfc2019,
            SsiModel::Document,
            CREATED,
        )
        .unwrap();
    assert!(elicence_verifies(&theirs));
    for secured in [&ours, &theirs] {
        assert!(!elicence_verifies(&tamper(secured)));
        assert!(ssi
            .verify(&tamper(secured), SsiModel::Document, AT)
            .is_err());
    }
}

/// Finding 1 through the real API: with a `conditions` list the two
/// implementations hash different datasets, and ssi accepts a forged list.
#[test]
fn ssi_list_bug_through_proof_api() {
    let key = ed25519(24);
    let ssi = ssi_party(&key);
    let credential = reference_licence().to_credential().unwrap();
    let ours = proof::sign(
        &credential,
        Cryptosuite::EddsaRdfc2022,
        &key,
        &options(&key),
    )
    .unwrap();
    assert!(elicence_verifies(&ours));
    assert!(ssi.verify(&ours, SsiModel::Document, AT).is_err());
    let theirs = ssi
        .sign(
            &credential,
            RdfcSuite::EddsaRdfc2022,
            SsiModel::Document,
            CREATED,
        )
        .unwrap();
    assert!(!elicence_verifies(&theirs));
    let mut forged = theirs.clone();
    forged["credentialSubject"]["conditions"] = json!(["ไม่มีเงื่อนไข"]);
    assert!(ssi.verify(&forged, SsiModel::Document, AT).is_ok());
    assert!(!elicence_verifies(&forged));
}
