//! eddsa-rdfc-2022 and ecdsa-rdfc-2019 on licence credentials and VC 1.1
//! input: round trips, Data Integrity context injection, safe mode (no
//! unsigned data), pinned contexts only.

#[path = "licence_support/mod.rs"]
mod licence_support;

use elicence_core::did::{did_key_verification_method, OfflineResolver};
use elicence_core::jsonld::JsonLdError;
use elicence_core::keys::{KeyAlgorithm, SigningKey};
use elicence_core::proof::{
    self, Cryptosuite, ProofEngine, ProofError, ProofOptions, DATA_INTEGRITY_V2_CONTEXT,
};
use serde_json::{json, Value};

const NOW: &str = "2026-01-05T10:00:00+07:00";
const RDFC: [Cryptosuite; 2] = [Cryptosuite::EddsaRdfc2022, Cryptosuite::EcdsaRdfc2019];

fn signer(alg: KeyAlgorithm) -> (SigningKey, String) {
    let key = match alg {
        KeyAlgorithm::Ed25519 => {
            SigningKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&[3; 32]))
        }
        KeyAlgorithm::P256 => {
            SigningKey::P256(p256::ecdsa::SigningKey::from_slice(&[5; 32]).unwrap())
        }
        #[cfg(feature = "p384")]
        KeyAlgorithm::P384 => {
            SigningKey::P384(p384::ecdsa::SigningKey::from_slice(&[6; 48]).unwrap())
        }
    };
    let vm = did_key_verification_method(&key.public_key());
    (key, vm)
}

fn sign(doc: &Value, suite: Cryptosuite) -> Result<Value, ProofError> {
    let (key, vm) = signer(suite.key_algorithm());
    proof::sign(doc, suite, &key, &ProofOptions::new(vm, NOW))
}

fn verify(doc: &Value) -> Result<Vec<proof::VerifiedProof>, ProofError> {
    proof::verify(doc, &OfflineResolver::new(), "assertionMethod", Some(NOW))
}

fn vc11() -> Value {
    json!({
        "@context": ["https://www.w3.org/2018/credentials/v1", "https://www.w3.org/ns/credentials/examples/v2"],
        "id": "urn:uuid:0b4f1b8e-5a53-4bb6-9f49-1c3a4b0d2e11",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "issuer": "did:example:issuer",
        "issuanceDate": "2010-01-01T19:23:24Z",
        "credentialSubject": {"id": "did:example:subject", "alumniOf": "มหาวิทยาลัยเชียงใหม่"}
    })
}

#[test]
fn licence_credential_round_trips_and_thai_text_is_signed_exactly() {
    let credential = licence_support::sample_credential();
    for suite in RDFC {
        let signed = sign(&credential, suite).unwrap();
        // RDFC proofs carry no @context (vc-di-eddsa §3.2; W3C vectors).
        assert!(signed["proof"].get("@context").is_none());
        assert_eq!(signed["@context"], credential["@context"]);
        assert_eq!(signed["proof"]["cryptosuite"], suite.name());
        let verified = verify(&signed).unwrap();
        assert_eq!(verified[0].suite, suite);

        // Decomposed SARA AM (NFKD) is different text: the signature breaks.
        let mut tampered = signed.clone();
        let name = tampered["credentialSubject"]["licensee"]["legalName"]["th"]
            .as_str()
            .unwrap()
            .replace('ำ', "\u{e4d}\u{e32}");
        tampered["credentialSubject"]["licensee"]["legalName"]["th"] = name.into();
        assert_eq!(verify(&tampered), Err(ProofError::SignatureMismatch));

        // Reordering JSON members or array-free restructuring keeps the
        // meaning, so RDFC still verifies (unlike JCS).
        let mut reordered = serde_json::Map::new();
        for (k, v) in signed.as_object().unwrap().iter().rev() {
            reordered.insert(k.clone(), v.clone());
        }
        assert!(verify(&Value::Object(reordered)).is_ok());
    }
}

#[test]
fn vc_1_1_input_gets_the_data_integrity_context_and_verifies() {
    for suite in RDFC {
        let signed = sign(&vc11(), suite).unwrap();
        // Data Integrity 1.0 §2.4: the v1 context does not define
        // DataIntegrityProof, so the DI v2 context is appended.
        assert_eq!(
            signed["@context"],
            json!([
                "https://www.w3.org/2018/credentials/v1",
                "https://www.w3.org/ns/credentials/examples/v2",
                DATA_INTEGRITY_V2_CONTEXT
            ])
        );
        assert_eq!(signed["issuanceDate"], "2010-01-01T19:23:24Z");
        verify(&signed).unwrap();

        // Without that context the proof's terms mean something else (the
        // examples context's @vocab): the proof no longer verifies.
        let mut stripped = signed.clone();
        stripped["@context"].as_array_mut().unwrap().pop();
        assert_eq!(verify(&stripped), Err(ProofError::SignatureMismatch));

        // With the VC 1.1 context alone they are undefined: refused as data
        // loss, never silently dropped.
        let mut bare = vc11();
        bare["@context"] = json!(["https://www.w3.org/2018/credentials/v1"]);
        bare["type"] = json!(["VerifiableCredential"]);
        bare["credentialSubject"] = json!({"id": "did:example:subject"});
        let mut signed_bare = sign(&bare, suite).unwrap();
        verify(&signed_bare).unwrap();
        signed_bare["@context"].as_array_mut().unwrap().pop();
        assert!(matches!(
            verify(&signed_bare),
            Err(ProofError::JsonLd(JsonLdError::Dropped { .. }))
        ));

        // issuanceDate is signed.
        let mut tampered = signed.clone();
        tampered["issuanceDate"] = "2011-01-01T19:23:24Z".into();
        assert_eq!(verify(&tampered), Err(ProofError::SignatureMismatch));
    }
    // A document that already maps the terms is left as it is.
    let mut with_di = vc11();
    with_di["@context"]
        .as_array_mut()
        .unwrap()
        .push(DATA_INTEGRITY_V2_CONTEXT.into());
    let signed = sign(&with_di, Cryptosuite::EddsaRdfc2022).unwrap();
    assert_eq!(signed["@context"], with_di["@context"]);
}

#[test]
fn safe_mode_refuses_to_sign_or_accept_data_json_ld_would_drop() {
    let credential = licence_support::sample_credential();
    // An undefined term: VC 2.0 has no @vocab, so JSON-LD would drop it and
    // it would not be signed.
    let mut undefined = credential.clone();
    undefined["credentialSubject"]["notInTheContext"] = "ค่าที่ไม่ได้ลงนาม".into();
    // A relative IRI: dropped without a base.
    let mut relative = credential.clone();
    relative["credentialSubject"]["id"] = "business/42".into();
    for suite in RDFC {
        for doc in [&undefined, &relative] {
            assert!(matches!(
                sign(doc, suite),
                Err(ProofError::JsonLd(JsonLdError::Dropped { .. }))
            ));
        }
        // Added after signing: refused at verification, not ignored.
        let signed = sign(&credential, suite).unwrap();
        let mut added = signed.clone();
        added["credentialSubject"]["notInTheContext"] = "แอบเพิ่ม".into();
        assert!(matches!(
            verify(&added),
            Err(ProofError::JsonLd(JsonLdError::Dropped { .. }))
        ));
    }
}

#[test]
fn unknown_contexts_are_refused_when_signing_and_verifying() {
    let mut doc = licence_support::sample_credential();
    doc["@context"]
        .as_array_mut()
        .unwrap()
        .push("https://example.org/unpinned/v1".into());
    let expected = Err(ProofError::JsonLd(JsonLdError::UnknownContext(
        "https://example.org/unpinned/v1".into(),
    )));
    assert_eq!(sign(&doc, Cryptosuite::EddsaRdfc2022), expected);

    let mut signed = sign(
        &licence_support::sample_credential(),
        Cryptosuite::EddsaRdfc2022,
    )
    .unwrap();
    signed["@context"][1] = "https://example.org/unpinned/v1".into();
    assert_eq!(verify(&signed).map(|_| ()), expected.map(|_: Value| ()));
}

#[test]
fn suite_and_key_must_match_and_suites_are_not_interchangeable() {
    let credential = licence_support::sample_credential();
    let (p256, vm) = signer(KeyAlgorithm::P256);
    assert_eq!(
        proof::sign(
            &credential,
            Cryptosuite::EddsaRdfc2022,
            &p256,
            &ProofOptions::new(vm, NOW)
        ),
        Err(ProofError::KeyAlgorithmMismatch {
            suite: "eddsa-rdfc-2022",
            key: KeyAlgorithm::P256
        })
    );
    // Relabelling an RDFC proof as JCS (or the reverse) breaks it.
    let signed = sign(&credential, Cryptosuite::EddsaRdfc2022).unwrap();
    let mut relabelled = signed.clone();
    relabelled["proof"]["cryptosuite"] = "eddsa-jcs-2022".into();
    assert_eq!(verify(&relabelled), Err(ProofError::SignatureMismatch));
}

#[test]
fn mixed_proof_set_of_jcs_and_rdfc_suites_verifies_every_member() {
    let credential = licence_support::sample_credential();
    let first = sign(&credential, Cryptosuite::EddsaJcs2022).unwrap();
    let second = sign(&first, Cryptosuite::EcdsaRdfc2019).unwrap();
    let third = sign(&second, Cryptosuite::EddsaRdfc2022).unwrap();
    let verified = verify(&third).unwrap();
    let suites: Vec<_> = verified.iter().map(|v| v.suite).collect();
    assert_eq!(
        suites,
        [
            Cryptosuite::EddsaJcs2022,
            Cryptosuite::EcdsaRdfc2019,
            Cryptosuite::EddsaRdfc2022
        ]
    );
    let mut tampered = third.clone();
    tampered["validUntil"] = "2027-12-31T23:59:59+07:00".into();
    assert!(verify(&tampered).is_err());
}

#[test]
fn the_shared_engine_is_built_once() {
    assert!(std::ptr::eq(ProofEngine::shipped(), ProofEngine::shipped()));
    // Cryptosuite::canonicalize goes through it: RDFC gives canonical N-Quads.
    let nquads = Cryptosuite::EddsaRdfc2022
        .canonicalize(&licence_support::sample_credential())
        .unwrap();
    let text = String::from_utf8(nquads).unwrap();
    assert!(text.ends_with(" .\n"));
    assert!(text.contains("\"บริษัท ตัวอย่าง จำกัด\"@th"), "{text}");
}

/// RDFC verification reads the covered document in place (no copy): the
/// chained proofs, and only they, are part of it.
#[test]
fn rdfc_proof_chains_cover_the_previous_proof() {
    let credential = licence_support::sample_credential();
    let (key, vm) = signer(KeyAlgorithm::Ed25519);
    let mut first_options = ProofOptions::new(&vm, NOW);
    first_options.id = Some("urn:uuid:5f0c0b7e-2222-4c1a-9f00-000000000001".into());
    let first = proof::sign(
        &credential,
        Cryptosuite::EddsaRdfc2022,
        &key,
        &first_options,
    )
    .unwrap();
    let mut chained_options = ProofOptions::new(&vm, NOW);
    chained_options.previous_proof = vec![first_options.id.clone().unwrap()];
    let chained = proof::sign(&first, Cryptosuite::EddsaRdfc2022, &key, &chained_options).unwrap();
    assert_eq!(verify(&chained).unwrap().len(), 2);

    // Another validly signed first proof in its place breaks the chain.
    let mut other = first_options.clone();
    other.created = "2025-06-02T09:00:00+07:00".into();
    let other_first = proof::sign(&credential, Cryptosuite::EddsaRdfc2022, &key, &other).unwrap();
    let mut swapped = chained.clone();
    swapped["proof"][0] = other_first["proof"].clone();
    assert_eq!(verify(&swapped), Err(ProofError::SignatureMismatch));
    // So does a change to the document it covers.
    let mut tampered = chained.clone();
    tampered["credentialSubject"]["licenceNumber"] = "สน.2/2566".into();
    assert_eq!(verify(&tampered), Err(ProofError::SignatureMismatch));
}

/// A proof stating its `@context` is checked over the document under that
/// context, which must begin the document's own.
#[test]
fn a_proof_context_replaces_the_document_context_when_verifying() {
    let credential = licence_support::sample_credential();
    let signed = sign(&credential, Cryptosuite::EddsaRdfc2022).unwrap();
    let mut stated = signed.clone();
    stated["proof"]["@context"] = signed["@context"].clone();
    assert_eq!(verify(&stated).unwrap().len(), 1);
    // A shorter (prefix) context leaves the licence terms undefined: the
    // covered document is read under it, and safe mode refuses.
    let mut prefix = signed.clone();
    prefix["proof"]["@context"] = json!([signed["@context"][0].clone()]);
    assert!(matches!(
        verify(&prefix),
        Err(ProofError::JsonLd(JsonLdError::Dropped { .. }))
    ));
    // One that is not a prefix is a mismatch.
    let mut foreign = signed.clone();
    foreign["proof"]["@context"] = json!([DATA_INTEGRITY_V2_CONTEXT]);
    assert_eq!(verify(&foreign), Err(ProofError::ContextMismatch));
}
