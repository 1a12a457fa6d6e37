//! Data Integrity proofs over licence-like credentials: round trips, proof
//! sets and chains, did:web keys, expiry and malformed proofs.

use elicence_core::did::{did_key_verification_method, did_web_document, OfflineResolver};
use elicence_core::keys::{KeyAlgorithm, SigningKey};
use elicence_core::proof::{self, Canonicalization, Cryptosuite, ProofError, ProofOptions};
use rand_core::OsRng;
use serde_json::{json, Value};

const NOW: &str = "2025-06-01T09:00:00+07:00";

fn licence() -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://licence.go.th/contexts/v1"],
        "type": ["VerifiableCredential", "BusinessLicenceCredential"],
        "issuer": "did:web:licence.go.th:agencies:DBD",
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:shop",
            "name": "ร้านน้ำชาดอยช้าง",
            "address": "๑๒๓ ถนนนิมมานเหมินท์ เชียงใหม่",
            "capital": 1500000,
            "ratio": 0.25
        }
    })
}

fn signer(alg: KeyAlgorithm) -> (SigningKey, String) {
    let key = SigningKey::generate(alg, &mut OsRng);
    let vm = did_key_verification_method(&key.public_key());
    (key, vm)
}

#[test]
fn both_suites_round_trip_with_thai_text() {
    // The JCS suites; RDFC suites need pinned contexts (tests/proof_rdfc.rs).
    let jcs = Cryptosuite::all()
        .iter()
        .filter(|s| s.canonicalization() == Canonicalization::Jcs);
    for suite in jcs {
        let (key, vm) = signer(suite.key_algorithm());
        let signed = proof::sign(&licence(), *suite, &key, &ProofOptions::new(&vm, NOW)).unwrap();
        assert_eq!(signed["proof"]["cryptosuite"], suite.name());
        assert_eq!(signed["proof"]["@context"], licence()["@context"]);
        let verified = proof::verify(
            &signed,
            &OfflineResolver::new(),
            "assertionMethod",
            Some(NOW),
        )
        .unwrap();
        assert_eq!(verified[0].verification_method, vm);
        assert_eq!(verified[0].purpose, "assertionMethod");

        // Thai text is compared as exact code points: decomposing SARA AM
        // (ำ → ํ + า, as NFKD does) or dropping a tone mark breaks the signature.
        let name = licence()["credentialSubject"]["name"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(name.contains('ำ'));
        for changed in [
            ("name", name.replace('ำ', "\u{e4d}\u{e32}")),
            ("address", "๑๒๓ ถนนนิมมานเหมินท์ เชียงใหม".to_string()),
        ] {
            let mut tampered = signed.clone();
            tampered["credentialSubject"][changed.0] = changed.1.into();
            assert_eq!(
                proof::verify(&tampered, &OfflineResolver::new(), "assertionMethod", None),
                Err(ProofError::SignatureMismatch)
            );
        }
    }
}

#[test]
fn suite_names_parse_and_reject_unknown() {
    for suite in Cryptosuite::all() {
        assert_eq!(suite.name().parse::<Cryptosuite>().unwrap(), *suite);
    }
    assert_eq!(
        "EDDSA-JCS-2022".parse::<Cryptosuite>(),
        Err(ProofError::UnsupportedCryptosuite("EDDSA-JCS-2022".into()))
    );
}

#[test]
fn wrong_key_type_for_suite_is_rejected_when_signing() {
    let (key, vm) = signer(KeyAlgorithm::P256);
    assert_eq!(
        proof::sign(
            &licence(),
            Cryptosuite::EddsaJcs2022,
            &key,
            &ProofOptions::new(vm, NOW)
        ),
        Err(ProofError::KeyAlgorithmMismatch {
            suite: "eddsa-jcs-2022",
            key: KeyAlgorithm::P256
        })
    );
}

#[test]
fn invalid_options_are_rejected() {
    let (key, vm) = signer(KeyAlgorithm::Ed25519);
    let s = |o: ProofOptions| proof::sign(&licence(), Cryptosuite::EddsaJcs2022, &key, &o);
    assert!(matches!(
        s(ProofOptions::new(&vm, "yesterday")),
        Err(ProofError::InvalidOptions(_))
    ));
    assert!(matches!(
        s(ProofOptions::new("", NOW)),
        Err(ProofError::InvalidOptions(_))
    ));
    let mut o = ProofOptions::new(&vm, NOW);
    o.expires = Some("2025-13-01T00:00:00Z".into());
    assert!(matches!(s(o), Err(ProofError::InvalidOptions(_))));
    assert!(matches!(
        proof::sign(
            &json!([1]),
            Cryptosuite::EddsaJcs2022,
            &key,
            &ProofOptions::new(&vm, NOW)
        ),
        Err(ProofError::MalformedDocument(_))
    ));
}

#[test]
fn proof_sets_verify_every_member() {
    let (k1, vm1) = signer(KeyAlgorithm::Ed25519);
    let (k2, vm2) = signer(KeyAlgorithm::P256);
    let once = proof::sign(
        &licence(),
        Cryptosuite::EddsaJcs2022,
        &k1,
        &ProofOptions::new(&vm1, NOW),
    )
    .unwrap();
    let twice = proof::sign(
        &once,
        Cryptosuite::EcdsaJcs2019,
        &k2,
        &ProofOptions::new(&vm2, NOW),
    )
    .unwrap();
    let proofs = twice["proof"].as_array().unwrap();
    assert_eq!(proofs.len(), 2);
    assert_eq!(proofs[0], once["proof"], "the first proof is kept as is");
    let verified = proof::verify(&twice, &OfflineResolver::new(), "assertionMethod", None).unwrap();
    assert_eq!(verified.len(), 2);
    assert_eq!(verified[1].suite, Cryptosuite::EcdsaJcs2019);

    // A set member's signature does not cover the other proofs, but each
    // member is checked: breaking one breaks the whole.
    let mut broken = twice.clone();
    broken["proof"][1]["created"] = "2025-06-01T09:00:01+07:00".into();
    assert_eq!(
        proof::verify(&broken, &OfflineResolver::new(), "assertionMethod", None),
        Err(ProofError::SignatureMismatch)
    );
}

#[test]
fn proof_chains_cover_the_previous_proof() {
    let (k1, vm1) = signer(KeyAlgorithm::Ed25519);
    let (k2, vm2) = signer(KeyAlgorithm::Ed25519);
    let mut o1 = ProofOptions::new(&vm1, NOW);
    o1.id = Some("urn:uuid:0d2f3b2e-1111-4c1a-9f00-000000000001".into());
    let first = proof::sign(&licence(), Cryptosuite::EddsaJcs2022, &k1, &o1).unwrap();
    let mut o2 = ProofOptions::new(&vm2, NOW);
    o2.previous_proof = vec![o1.id.clone().unwrap()];
    let chained = proof::sign(&first, Cryptosuite::EddsaJcs2022, &k2, &o2).unwrap();
    assert_eq!(chained["proof"][1]["previousProof"], o1.id.clone().unwrap());
    assert_eq!(
        proof::verify(&chained, &OfflineResolver::new(), "assertionMethod", None)
            .unwrap()
            .len(),
        2
    );

    // Swapping in a different (validly signed) first proof breaks the chain.
    let mut other = o1.clone();
    other.created = "2025-06-02T09:00:00+07:00".into();
    let first2 = proof::sign(&licence(), Cryptosuite::EddsaJcs2022, &k1, &other).unwrap();
    let mut swapped = chained.clone();
    swapped["proof"][0] = first2["proof"].clone();
    assert_eq!(
        proof::verify(&swapped, &OfflineResolver::new(), "assertionMethod", None),
        Err(ProofError::SignatureMismatch)
    );
    // Removing the referenced proof is reported.
    let mut dangling = chained.clone();
    dangling["proof"] = json!([chained["proof"][1].clone()]);
    assert_eq!(
        proof::verify(&dangling, &OfflineResolver::new(), "assertionMethod", None),
        Err(ProofError::MissingPreviousProof(o1.id.unwrap()))
    );
    // Signing against an unknown previous proof is refused.
    let mut o3 = ProofOptions::new(&vm2, NOW);
    o3.previous_proof = vec!["urn:uuid:nope".into()];
    assert_eq!(
        proof::sign(&first, Cryptosuite::EddsaJcs2022, &k2, &o3),
        Err(ProofError::MissingPreviousProof("urn:uuid:nope".into()))
    );
}

#[test]
fn did_web_keys_must_be_assertion_methods() {
    let did = "did:web:licence.go.th:agencies:DBD";
    let key = SigningKey::generate(KeyAlgorithm::Ed25519, &mut OsRng);
    let vm = format!("{did}#{}", key.public_key().to_multikey());
    let signed = proof::sign(
        &licence(),
        Cryptosuite::EddsaJcs2022,
        &key,
        &ProofOptions::new(&vm, NOW),
    )
    .unwrap();

    let doc = did_web_document(did, &[key.public_key()]).unwrap();
    let resolver = OfflineResolver::with_documents(vec![doc.clone()]).unwrap();
    let verified = proof::verify(&signed, &resolver, "assertionMethod", None).unwrap();
    assert_eq!(verified[0].controller, did);

    let mut auth_only = doc.clone();
    auth_only.as_object_mut().unwrap().remove("assertionMethod");
    let resolver = OfflineResolver::with_documents(vec![auth_only]).unwrap();
    assert!(matches!(
        proof::verify(&signed, &resolver, "assertionMethod", None),
        Err(ProofError::PurposeNotAuthorized { .. })
    ));
    // Without the document, nothing is fetched: resolution fails.
    assert!(matches!(
        proof::verify(&signed, &OfflineResolver::new(), "assertionMethod", None),
        Err(ProofError::Resolve(_))
    ));
}

#[test]
fn expired_proofs_fail_only_when_now_is_given() {
    let (key, vm) = signer(KeyAlgorithm::Ed25519);
    let mut o = ProofOptions::new(&vm, "2025-01-01T00:00:00Z");
    o.expires = Some("2025-12-31T23:59:59Z".into());
    let signed = proof::sign(&licence(), Cryptosuite::EddsaJcs2022, &key, &o).unwrap();
    let r = OfflineResolver::new();
    assert!(proof::verify(&signed, &r, "assertionMethod", None).is_ok());
    assert!(proof::verify(&signed, &r, "assertionMethod", Some("2025-12-31T23:59:59Z")).is_ok());
    assert_eq!(
        proof::verify(
            &signed,
            &r,
            "assertionMethod",
            Some("2026-01-01T06:59:59+07:00")
        ),
        Ok(proof::verify(&signed, &r, "assertionMethod", None).unwrap())
    );
    assert_eq!(
        proof::verify(
            &signed,
            &r,
            "assertionMethod",
            Some("2026-01-01T07:00:00+07:00")
        ),
        Err(ProofError::Expired("2025-12-31T23:59:59Z".into()))
    );
    assert!(matches!(
        proof::verify(&signed, &r, "assertionMethod", Some("soon")),
        Err(ProofError::InvalidOptions(_))
    ));
}

#[test]
fn optional_members_are_signed() {
    let (key, vm) = signer(KeyAlgorithm::Ed25519);
    let mut o = ProofOptions::new(&vm, NOW);
    o.proof_purpose = "authentication".into();
    o.challenge = Some("c-123".into());
    o.domain = Some("bank.example".into());
    let signed = proof::sign(&licence(), Cryptosuite::EddsaJcs2022, &key, &o).unwrap();
    let r = OfflineResolver::new();
    proof::verify(&signed, &r, "authentication", None).unwrap();
    for (field, value) in [("challenge", "c-124"), ("domain", "evil.example")] {
        let mut t = signed.clone();
        t["proof"][field] = value.into();
        assert_eq!(
            proof::verify(&t, &r, "authentication", None),
            Err(ProofError::SignatureMismatch)
        );
    }
}

#[test]
fn malformed_documents_and_proofs_are_rejected() {
    let (key, vm) = signer(KeyAlgorithm::Ed25519);
    let signed = proof::sign(
        &licence(),
        Cryptosuite::EddsaJcs2022,
        &key,
        &ProofOptions::new(&vm, NOW),
    )
    .unwrap();
    let r = OfflineResolver::new();
    let verify = |v: &Value| proof::verify(v, &r, "assertionMethod", None);

    assert_eq!(verify(&licence()), Err(ProofError::MissingProof));
    assert!(matches!(
        verify(&json!("x")),
        Err(ProofError::MalformedDocument(_))
    ));
    let mut t = signed.clone();
    t["proof"] = json!("z123");
    assert!(matches!(verify(&t), Err(ProofError::MalformedDocument(_))));
    t["proof"] = json!([]);
    assert_eq!(verify(&t), Err(ProofError::MissingProof));

    for field in [
        "type",
        "cryptosuite",
        "proofValue",
        "verificationMethod",
        "proofPurpose",
    ] {
        let mut t = signed.clone();
        t["proof"].as_object_mut().unwrap().remove(field);
        assert!(
            matches!(verify(&t), Err(ProofError::MalformedProof { field: f, .. }) if f == field),
            "missing {field}"
        );
        let mut t = signed.clone();
        t["proof"][field] = json!(42);
        assert!(
            matches!(verify(&t), Err(ProofError::MalformedProof { .. })),
            "non-string {field}"
        );
    }
    let mut t = signed.clone();
    t["proof"]["proofValue"] = "z0OIl".into();
    assert!(matches!(
        verify(&t),
        Err(ProofError::MalformedProof {
            field: "proofValue",
            ..
        })
    ));
    let mut t = signed.clone();
    t["proof"]["created"] = "2025-02-30T00:00:00Z".into();
    assert!(matches!(
        verify(&t),
        Err(ProofError::MalformedProof {
            field: "created",
            ..
        })
    ));
    // The proof's @context must be a prefix of the document's.
    let mut t = signed.clone();
    t.as_object_mut().unwrap().remove("@context");
    assert_eq!(verify(&t), Err(ProofError::ContextMismatch));
    // A document @context extended after signing still verifies (spec step 4.2).
    let mut t = signed.clone();
    t["@context"]
        .as_array_mut()
        .unwrap()
        .push("https://example.org/later/v1".into());
    assert!(verify(&t).is_ok());
}
