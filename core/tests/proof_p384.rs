//! ecdsa-rdfc-2019 and ecdsa-jcs-2019 with P-384 keys on licence
//! credentials: round trips through `proof::sign`/`proof::verify` with did:key
//! and did:web (Multikey and JWK) keys, SHA-384 hashing, mixed P-256/P-384
//! proof sets, and the attacks a verifier must refuse: a P-384 proof claimed
//! by a P-256 key, a P-384 signature over SHA-256 hash data, a truncated
//! signature.
#![cfg(feature = "p384")]

#[path = "licence_support/mod.rs"]
mod licence_support;

use elicence_core::did::{did_key_verification_method, did_web_document, OfflineResolver};
use elicence_core::keys::{KeyAlgorithm, PublicKey, SigningKey};
use elicence_core::proof::{
    self, Canonicalization, Cryptosuite, HashAlgorithm, ProofEngine, ProofError, ProofOptions,
};
use serde_json::{json, Value};

const NOW: &str = "2026-01-05T10:00:00+07:00";
const ECDSA: [Cryptosuite; 2] = [Cryptosuite::EcdsaRdfc2019, Cryptosuite::EcdsaJcs2019];

fn p384() -> SigningKey {
    SigningKey::P384(p384::ecdsa::SigningKey::from_slice(&[7; 48]).unwrap())
}

fn p256() -> SigningKey {
    SigningKey::P256(p256::ecdsa::SigningKey::from_slice(&[5; 32]).unwrap())
}

fn sign_with(key: &SigningKey, suite: Cryptosuite) -> Value {
    let vm = did_key_verification_method(&key.public_key());
    proof::sign(
        &licence_support::sample_credential(),
        suite,
        key,
        &ProofOptions::new(vm, NOW),
    )
    .unwrap()
}

fn verify(doc: &Value) -> Result<Vec<proof::VerifiedProof>, ProofError> {
    proof::verify(doc, &OfflineResolver::new(), "assertionMethod", Some(NOW))
}

fn signature(doc: &Value) -> Vec<u8> {
    let value = doc["proof"]["proofValue"].as_str().unwrap();
    bs58::decode(&value[1..]).into_vec().unwrap()
}

fn with_signature(doc: &Value, sig: &[u8]) -> Value {
    let mut doc = doc.clone();
    doc["proof"]["proofValue"] = format!("z{}", bs58::encode(sig).into_string()).into();
    doc
}

#[test]
fn both_ecdsa_suites_sign_and_verify_with_p384_and_sha384() {
    let key = p384();
    for suite in ECDSA {
        assert!(suite.supports(KeyAlgorithm::P384));
        assert_eq!(
            suite.hash_algorithm(KeyAlgorithm::P384),
            HashAlgorithm::Sha384
        );
        let signed = sign_with(&key, suite);
        assert_eq!(signed["proof"]["cryptosuite"], suite.name());
        assert_eq!(signature(&signed).len(), 96, "{suite}");
        let verified = verify(&signed).unwrap();
        assert_eq!(verified[0].suite, suite);
        assert!(verified[0].controller.starts_with("did:key:z82"));

        // What was signed is SHA-384(config) || SHA-384(document): 96 bytes,
        // and the signature checks out over exactly that.
        let mut config = signed["proof"].clone();
        let config_map = config.as_object_mut().unwrap();
        config_map.remove("proofValue");
        if suite.canonicalization() == Canonicalization::Rdfc {
            config_map.insert("@context".into(), signed["@context"].clone());
        }
        let mut document = signed.clone();
        document.as_object_mut().unwrap().remove("proof");
        let input = ProofEngine::shipped()
            .signing_input(suite, HashAlgorithm::Sha384, &config, &document)
            .unwrap();
        assert_eq!(input.hash_data.len(), 96);
        key.public_key()
            .verify(&input.hash_data, &signature(&signed))
            .unwrap();

        // Thai text is signed exactly: SARA AM decomposed (as NFKD does)
        // in the licensee's name breaks the signature.
        let text = serde_json::to_string(&signed).unwrap();
        assert!(text.contains("บริษัท ตัวอย่าง จำกัด"));
        let tampered = text.replace("บริษัท ตัวอย่าง จำกัด", "บริษัท ตัวอย่าง จ\u{e4d}\u{e32}กัด");
        let tampered: Value = serde_json::from_str(&tampered).unwrap();
        assert_eq!(verify(&tampered), Err(ProofError::SignatureMismatch));
    }
}

#[test]
fn suite_for_key_picks_ecdsa_for_both_curves() {
    for alg in [KeyAlgorithm::P256, KeyAlgorithm::P384] {
        assert_eq!(
            Cryptosuite::for_key(alg, Canonicalization::Rdfc),
            Cryptosuite::EcdsaRdfc2019
        );
        assert_eq!(
            Cryptosuite::for_key(alg, Canonicalization::Jcs),
            Cryptosuite::EcdsaJcs2019
        );
    }
    assert!(!Cryptosuite::EddsaRdfc2022.supports(KeyAlgorithm::P384));
    assert_eq!(
        proof::sign(
            &licence_support::sample_credential(),
            Cryptosuite::EddsaJcs2022,
            &p384(),
            &ProofOptions::new("did:example:x#k", NOW)
        ),
        Err(ProofError::KeyAlgorithmMismatch {
            suite: "eddsa-jcs-2022",
            key: KeyAlgorithm::P384
        })
    );
}

#[test]
fn did_web_documents_carry_p384_keys_as_multikey_and_jwk() {
    let did = "did:web:licence.go.th:agencies:dbd";
    let key = p384();
    let public = key.public_key();
    let vm = format!("{did}#{}", public.to_multikey());
    let document = did_web_document(did, &[public]).unwrap();
    let jwk_document = json!({
        "id": did,
        "verificationMethod": [{
            "id": format!("{did}#jwk"), "type": "JsonWebKey", "controller": did,
            "publicKeyJwk": public.to_jwk(),
        }],
        "assertionMethod": [format!("{did}#jwk")],
    });
    for (document, vm) in [(document, vm), (jwk_document, format!("{did}#jwk"))] {
        let resolver = OfflineResolver::with_documents(vec![document]).unwrap();
        for suite in ECDSA {
            let signed = proof::sign(
                &licence_support::sample_credential(),
                suite,
                &key,
                &ProofOptions::new(&vm, NOW),
            )
            .unwrap();
            let verified = proof::verify(&signed, &resolver, "assertionMethod", None).unwrap();
            assert_eq!(verified[0].controller, did);
        }
    }
}

#[test]
fn proof_sets_mix_p256_and_p384() {
    let first = sign_with(&p256(), Cryptosuite::EcdsaRdfc2019);
    let vm = did_key_verification_method(&p384().public_key());
    let both = proof::sign(
        &first,
        Cryptosuite::EcdsaJcs2019,
        &p384(),
        &ProofOptions::new(vm, NOW),
    )
    .unwrap();
    let verified = verify(&both).unwrap();
    assert_eq!(verified.len(), 2);
    assert!(verified[0].controller.starts_with("did:key:zDn"));
    assert!(verified[1].controller.starts_with("did:key:z82"));
}

/// A P-384 proof whose verificationMethod is swapped for a P-256 key, and a
/// P-256 proof claimed by a P-384 key: refused for the signature length,
/// before any curve arithmetic.
#[test]
fn a_proof_is_checked_against_the_curve_of_its_key() {
    for suite in ECDSA {
        let signed = sign_with(&p384(), suite);
        let mut claimed = signed.clone();
        let p256_vm = did_key_verification_method(&p256().public_key());
        claimed["proof"]["verificationMethod"] = p256_vm.into();
        let err = verify(&claimed).unwrap_err();
        assert!(
            matches!(&err, ProofError::MalformedProof { field: "proofValue", reason }
                if reason.contains("96 bytes") && reason.contains("P-256 signature is 64")),
            "{suite}: {err}"
        );

        let signed = sign_with(&p256(), suite);
        let mut claimed = signed.clone();
        let p384_vm = did_key_verification_method(&p384().public_key());
        claimed["proof"]["verificationMethod"] = p384_vm.into();
        let err = verify(&claimed).unwrap_err();
        assert!(
            matches!(&err, ProofError::MalformedProof { field: "proofValue", reason }
                if reason.contains("64 bytes") && reason.contains("P-384 signature is 96")),
            "{suite}: {err}"
        );
    }
}

/// A signer that hashed with SHA-256 (the P-256 rule) while signing with a
/// P-384 key: its signature is over other bytes, so it does not verify.
#[test]
fn p384_proofs_hashed_with_sha256_are_refused() {
    let key = p384();
    for suite in ECDSA {
        let signed = sign_with(&key, suite);
        let mut config = signed["proof"].clone();
        let config_map = config.as_object_mut().unwrap();
        config_map.remove("proofValue");
        if suite.canonicalization() == Canonicalization::Rdfc {
            config_map.insert("@context".into(), signed["@context"].clone());
        }
        let mut document = signed.clone();
        document.as_object_mut().unwrap().remove("proof");
        let sha256_input = ProofEngine::shipped()
            .signing_input(suite, HashAlgorithm::Sha256, &config, &document)
            .unwrap();
        assert_eq!(sha256_input.hash_data.len(), 64);
        let wrong_hash = with_signature(&signed, &key.sign(&sha256_input.hash_data));
        assert_eq!(verify(&wrong_hash), Err(ProofError::SignatureMismatch));
    }
}

#[test]
fn truncated_or_padded_p384_signatures_are_malformed() {
    for suite in ECDSA {
        let signed = sign_with(&p384(), suite);
        let sig = signature(&signed);
        for bad in [
            &sig[..95],
            &sig[..64],
            &sig[..48],
            &[sig.as_slice(), &[0]].concat()[..],
        ] {
            let err = verify(&with_signature(&signed, bad)).unwrap_err();
            assert!(
                matches!(
                    err,
                    ProofError::MalformedProof {
                        field: "proofValue",
                        ..
                    }
                ),
                "{suite}, {} bytes: {err}",
                bad.len()
            );
        }
        // Right length, r = 0: malformed, not a mismatch.
        let mut zero_r = sig.clone();
        zero_r[..48].fill(0);
        assert!(matches!(
            verify(&with_signature(&signed, &zero_r)),
            Err(ProofError::MalformedSignature(_))
        ));
    }
}

#[test]
fn p384_public_keys_survive_every_format() {
    let public = p384().public_key();
    assert_eq!(PublicKey::from_jwk(&public.to_jwk()).unwrap(), public);
    assert_eq!(
        PublicKey::from_spki_pem(&public.to_spki_pem()).unwrap(),
        public
    );
    assert_eq!(
        PublicKey::from_multikey(&public.to_multikey()).unwrap(),
        public
    );
}
