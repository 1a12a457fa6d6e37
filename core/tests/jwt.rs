//! vc+jwt (VC-JOSE-COSE) round trips, rejection of bad tokens, and an
//! independent check against josekit (OpenSSL) in both directions.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use elicence_core::did::{did_key_verification_method, did_web_document, OfflineResolver};
use elicence_core::jose::{sign_vc_jwt, verify_vc_jwt, JoseError};
use elicence_core::keys::{KeyAlgorithm, SigningKey};
use rand_core::OsRng;
use serde_json::{json, Value};

fn credential() -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "BusinessLicenceCredential"],
        "issuer": "did:web:licence.go.th:agencies:DBD",
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:shop", "name": "ร้านน้ำชาดอยช้าง"}
    })
}

fn signer(alg: KeyAlgorithm) -> (SigningKey, String) {
    let key = SigningKey::generate(alg, &mut OsRng);
    let kid = did_key_verification_method(&key.public_key());
    (key, kid)
}

/// Every key algorithm of this build (P-384 with the `p384` feature).
const ALGS: &[KeyAlgorithm] = &[
    KeyAlgorithm::Ed25519,
    KeyAlgorithm::P256,
    #[cfg(feature = "p384")]
    KeyAlgorithm::P384,
];

fn b64json(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
}

#[test]
fn round_trip_with_every_algorithm() {
    for (alg, jws_alg) in [
        (KeyAlgorithm::Ed25519, "EdDSA"),
        (KeyAlgorithm::P256, "ES256"),
        #[cfg(feature = "p384")]
        (KeyAlgorithm::P384, "ES384"),
    ] {
        let (key, kid) = signer(alg);
        let jwt = sign_vc_jwt(&credential(), &key, &kid).unwrap();
        let verified = verify_vc_jwt(&jwt, &OfflineResolver::new()).unwrap();
        assert_eq!(verified.credential, credential());
        assert_eq!(
            verified.header,
            json!({"alg": jws_alg, "typ": "vc+jwt", "cty": "vc", "kid": kid})
        );
        assert_eq!(verified.verification_method, kid);
        assert!(!jwt.contains('='), "no base64 padding");
        // The payload is the credential itself, byte for byte as serialised.
        let payload = jwt.split('.').nth(1).unwrap();
        assert_eq!(
            URL_SAFE_NO_PAD.decode(payload).unwrap(),
            serde_json::to_vec(&credential()).unwrap()
        );
    }
}

#[test]
fn signing_refuses_bad_input() {
    let (key, kid) = signer(KeyAlgorithm::Ed25519);
    let mut with_proof = credential();
    with_proof["proof"] = json!({});
    assert_eq!(
        sign_vc_jwt(&with_proof, &key, &kid),
        Err(JoseError::CredentialHasProof)
    );
    assert_eq!(
        sign_vc_jwt(&json!([]), &key, &kid),
        Err(JoseError::CredentialNotObject)
    );
    assert_eq!(
        sign_vc_jwt(&credential(), &key, ""),
        Err(JoseError::EmptyKid)
    );
}

#[test]
fn tampering_and_bad_tokens_are_rejected() {
    let (key, kid) = signer(KeyAlgorithm::Ed25519);
    let r = OfflineResolver::new();
    let jwt = sign_vc_jwt(&credential(), &key, &kid).unwrap();
    let parts: Vec<&str> = jwt.split('.').collect();
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
    let with_header = |h: &Value| format!("{}.{}.{}", b64json(h), parts[1], parts[2]);

    let mut cred = credential();
    cred["credentialSubject"]["name"] = "ร้านน้ำชาดอยช้าง ".into();
    assert_eq!(
        verify_vc_jwt(&format!("{}.{}.{}", parts[0], b64json(&cred), parts[2]), &r),
        Err(JoseError::SignatureMismatch)
    );
    let mut h = header.clone();
    h["alg"] = "none".into();
    assert_eq!(
        verify_vc_jwt(&format!("{}.{}.", b64json(&h), parts[1]), &r),
        Err(JoseError::Malformed("empty segment".into()))
    );
    assert_eq!(
        verify_vc_jwt(&with_header(&h), &r),
        Err(JoseError::AlgorithmNone)
    );
    h["alg"] = "HS256".into();
    assert_eq!(
        verify_vc_jwt(&with_header(&h), &r),
        Err(JoseError::UnsupportedAlgorithm("HS256".into()))
    );
    h["alg"] = "ES256".into();
    assert!(matches!(
        verify_vc_jwt(&with_header(&h), &r),
        Err(JoseError::AlgorithmMismatch { .. })
    ));
    let mut h = header.clone();
    h["typ"] = "JWT".into();
    assert!(matches!(
        verify_vc_jwt(&with_header(&h), &r),
        Err(JoseError::WrongType(_))
    ));
    h.as_object_mut().unwrap().remove("typ");
    assert!(matches!(
        verify_vc_jwt(&with_header(&h), &r),
        Err(JoseError::WrongType(_))
    ));
    let mut h = header.clone();
    h["crit"] = json!(["exp"]);
    assert!(matches!(
        verify_vc_jwt(&with_header(&h), &r),
        Err(JoseError::UnsupportedCritical(_))
    ));
    let mut h = header.clone();
    h.as_object_mut().unwrap().remove("kid");
    assert_eq!(
        verify_vc_jwt(&with_header(&h), &r),
        Err(JoseError::MissingKid)
    );
    // Header changes are covered by the signature.
    let mut h = header.clone();
    h["typ"] = "application/vc+jwt".into();
    assert_eq!(
        verify_vc_jwt(&with_header(&h), &r),
        Err(JoseError::SignatureMismatch)
    );

    assert!(matches!(
        verify_vc_jwt("a.b", &r),
        Err(JoseError::Malformed(_))
    ));
    assert!(matches!(
        verify_vc_jwt(&format!("{jwt}.x"), &r),
        Err(JoseError::Malformed(_))
    ));
    assert_eq!(
        verify_vc_jwt(&format!("{}=.{}.{}", parts[0], parts[1], parts[2]), &r),
        Err(JoseError::BadBase64("header"))
    );
    assert_eq!(
        verify_vc_jwt(&format!("{}.{}.{}", parts[0], parts[1], "!!!!"), &r),
        Err(JoseError::BadBase64("signature"))
    );
    assert!(matches!(
        verify_vc_jwt(
            &format!(
                "{}.{}.{}",
                parts[0],
                URL_SAFE_NO_PAD.encode("not json"),
                parts[2]
            ),
            &r
        ),
        Err(JoseError::BadJson {
            segment: "payload",
            ..
        })
    ));
    assert_eq!(
        verify_vc_jwt(
            &format!("{}.{}.{}", parts[0], b64json(&json!([1, 2])), parts[2]),
            &r
        ),
        Err(JoseError::PayloadNotObject)
    );
    assert!(matches!(
        verify_vc_jwt(
            &format!("{}.{}.{}", parts[0], parts[1], &parts[2][..40]),
            &r
        ),
        Err(JoseError::MalformedSignature(_))
    ));
}

/// ES384 belongs to P-384 keys only: relabelling either way is refused
/// before any signature check, and a truncated ES384 signature is malformed.
#[cfg(feature = "p384")]
#[test]
fn es384_is_bound_to_p384_keys() {
    let r = OfflineResolver::new();
    let relabel = |jwt: &str, alg: &str| {
        let parts: Vec<&str> = jwt.split('.').collect();
        let mut h: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
        h["alg"] = alg.into();
        format!("{}.{}.{}", b64json(&h), parts[1], parts[2])
    };
    let (p384, kid) = signer(KeyAlgorithm::P384);
    let jwt = sign_vc_jwt(&credential(), &p384, &kid).unwrap();
    let sig = URL_SAFE_NO_PAD
        .decode(jwt.rsplit('.').next().unwrap())
        .unwrap();
    assert_eq!(sig.len(), 96);
    assert!(matches!(
        verify_vc_jwt(&relabel(&jwt, "ES256"), &r),
        Err(JoseError::AlgorithmMismatch {
            key: KeyAlgorithm::P384,
            ..
        })
    ));
    let (p256, kid) = signer(KeyAlgorithm::P256);
    let jwt256 = sign_vc_jwt(&credential(), &p256, &kid).unwrap();
    assert!(matches!(
        verify_vc_jwt(&relabel(&jwt256, "ES384"), &r),
        Err(JoseError::AlgorithmMismatch {
            key: KeyAlgorithm::P256,
            ..
        })
    ));
    let (head, _) = jwt.rsplit_once('.').unwrap();
    let truncated = format!("{head}.{}", URL_SAFE_NO_PAD.encode(&sig[..95]));
    assert!(matches!(
        verify_vc_jwt(&truncated, &r),
        Err(JoseError::MalformedSignature(_))
    ));
}

#[test]
fn did_web_kid_and_relative_kid() {
    let did = "did:web:licence.go.th:agencies:DBD";
    let key = SigningKey::generate(KeyAlgorithm::P256, &mut OsRng);
    let resolver =
        OfflineResolver::with_documents(vec![did_web_document(did, &[key.public_key()]).unwrap()])
            .unwrap();
    let fragment = format!("#{}", key.public_key().to_multikey());
    for kid in [format!("{did}{fragment}"), fragment.clone()] {
        let jwt = sign_vc_jwt(&credential(), &key, &kid).unwrap();
        let v = verify_vc_jwt(&jwt, &resolver).unwrap();
        assert_eq!(v.controller, did);
        assert_eq!(v.verification_method, format!("{did}{fragment}"));
    }
    // A key the DID document does not list for assertionMethod is refused.
    let mut doc = did_web_document(did, &[key.public_key()]).unwrap();
    doc.as_object_mut().unwrap().remove("assertionMethod");
    let resolver = OfflineResolver::with_documents(vec![doc]).unwrap();
    let jwt = sign_vc_jwt(&credential(), &key, &format!("{did}{fragment}")).unwrap();
    assert!(matches!(
        verify_vc_jwt(&jwt, &resolver),
        Err(JoseError::KeyNotAuthorized(_))
    ));
}

#[cfg(not(target_arch = "wasm32"))]
mod josekit_interop {
    use super::*;
    #[cfg(feature = "p384")]
    use josekit::jws::ES384;
    use josekit::jws::{self, EdDSA, JwsHeader, ES256};

    #[test]
    fn josekit_verifies_our_jwts() {
        for &alg in ALGS {
            let (key, kid) = signer(alg);
            let jwt = sign_vc_jwt(&credential(), &key, &kid).unwrap();
            let pem = key.public_key().to_spki_pem();
            let (payload, header) = match alg {
                KeyAlgorithm::Ed25519 => {
                    jws::deserialize_compact(&jwt, &EdDSA.verifier_from_pem(&pem).unwrap())
                }
                KeyAlgorithm::P256 => {
                    jws::deserialize_compact(&jwt, &ES256.verifier_from_pem(&pem).unwrap())
                }
                #[cfg(feature = "p384")]
                KeyAlgorithm::P384 => {
                    jws::deserialize_compact(&jwt, &ES384.verifier_from_pem(&pem).unwrap())
                }
            }
            .unwrap();
            assert_eq!(
                serde_json::from_slice::<Value>(&payload).unwrap(),
                credential()
            );
            assert_eq!(header.token_type(), Some("vc+jwt"));
            assert_eq!(header.key_id(), Some(kid.as_str()));
            // And josekit rejects a tampered one.
            let mut bad = jwt.clone();
            bad.insert_str(jwt.find('.').unwrap() + 1, "e30");
            let pem = key.public_key().to_spki_pem();
            let rejected = match alg {
                KeyAlgorithm::Ed25519 => {
                    jws::deserialize_compact(&bad, &EdDSA.verifier_from_pem(&pem).unwrap())
                }
                KeyAlgorithm::P256 => {
                    jws::deserialize_compact(&bad, &ES256.verifier_from_pem(&pem).unwrap())
                }
                #[cfg(feature = "p384")]
                KeyAlgorithm::P384 => {
                    jws::deserialize_compact(&bad, &ES384.verifier_from_pem(&pem).unwrap())
                }
            };
            assert!(rejected.is_err());
        }
    }

    #[test]
    fn we_verify_jwts_josekit_signed() {
        for &alg in ALGS {
            let (key, kid) = signer(alg);
            let mut header = JwsHeader::new();
            header.set_token_type("vc+jwt");
            header.set_content_type("vc");
            header.set_key_id(kid.clone());
            let payload = serde_json::to_vec(&credential()).unwrap();
            let pem = key.to_pkcs8_pem();
            let jwt = match alg {
                KeyAlgorithm::Ed25519 => jws::serialize_compact(
                    &payload,
                    &header,
                    &EdDSA.signer_from_pem(pem.as_bytes()).unwrap(),
                ),
                KeyAlgorithm::P256 => jws::serialize_compact(
                    &payload,
                    &header,
                    &ES256.signer_from_pem(pem.as_bytes()).unwrap(),
                ),
                #[cfg(feature = "p384")]
                KeyAlgorithm::P384 => jws::serialize_compact(
                    &payload,
                    &header,
                    &ES384.signer_from_pem(pem.as_bytes()).unwrap(),
                ),
            }
            .unwrap();
            let verified = verify_vc_jwt(&jwt, &OfflineResolver::new()).unwrap();
            assert_eq!(verified.credential, credential());
            assert_eq!(verified.verification_method, kid);
        }
    }

    #[test]
    fn josekit_reads_our_jwks() {
        for &alg in ALGS {
            let (key, kid) = signer(alg);
            let jwt = sign_vc_jwt(&credential(), &key, &kid).unwrap();
            let jwk = josekit::jwk::Jwk::from_bytes(
                serde_json::to_vec(&key.public_key().to_jwk()).unwrap(),
            )
            .unwrap();
            let ok = match alg {
                KeyAlgorithm::Ed25519 => {
                    jws::deserialize_compact(&jwt, &EdDSA.verifier_from_jwk(&jwk).unwrap())
                }
                KeyAlgorithm::P256 => {
                    jws::deserialize_compact(&jwt, &ES256.verifier_from_jwk(&jwk).unwrap())
                }
                #[cfg(feature = "p384")]
                KeyAlgorithm::P384 => {
                    jws::deserialize_compact(&jwt, &ES384.verifier_from_jwk(&jwk).unwrap())
                }
            };
            assert!(ok.is_ok());
            let private = josekit::jwk::Jwk::from_bytes(key.to_private_jwk().as_bytes()).unwrap();
            // josekit signs with our private JWK; we verify the result.
            let mut header = JwsHeader::new();
            header.set_token_type("vc+jwt");
            header.set_key_id(kid.clone());
            let payload = serde_json::to_vec(&credential()).unwrap();
            let theirs = match alg {
                KeyAlgorithm::Ed25519 => jws::serialize_compact(
                    &payload,
                    &header,
                    &EdDSA.signer_from_jwk(&private).unwrap(),
                ),
                KeyAlgorithm::P256 => jws::serialize_compact(
                    &payload,
                    &header,
                    &ES256.signer_from_jwk(&private).unwrap(),
                ),
                #[cfg(feature = "p384")]
                KeyAlgorithm::P384 => jws::serialize_compact(
                    &payload,
                    &header,
                    &ES384.signer_from_jwk(&private).unwrap(),
                ),
            }
            .unwrap();
            assert_eq!(
                verify_vc_jwt(&theirs, &OfflineResolver::new())
                    .unwrap()
                    .credential,
                credential()
            );
        }
    }

    #[test]
    fn openssl_reads_our_encrypted_pkcs8() {
        for &alg in ALGS {
            let key = SigningKey::generate(alg, &mut OsRng);
            let pem = key
                .to_encrypted_pkcs8_pem("รหัสผ่าน".as_bytes(), &mut OsRng)
                .unwrap();
            let pkey = openssl::pkey::PKey::private_key_from_pem_passphrase(
                pem.as_bytes(),
                "รหัสผ่าน".as_bytes(),
            )
            .unwrap();
            let spki = String::from_utf8(pkey.public_key_to_pem().unwrap()).unwrap();
            assert_eq!(spki, key.public_key().to_spki_pem());
            assert!(
                openssl::pkey::PKey::private_key_from_pem_passphrase(pem.as_bytes(), b"wrong")
                    .is_err()
            );
        }
    }
}

#[test]
fn signing_time_goes_into_iat() {
    let (key, kid) = signer(KeyAlgorithm::Ed25519);
    let at = time::macros::datetime!(2026-01-02 03:04:05 UTC);
    let jwt = elicence_core::jose::sign_vc_jwt_at(&credential(), &key, &kid, at).unwrap();
    let verified = verify_vc_jwt(&jwt, &OfflineResolver::new()).unwrap();
    // RFC 7519 NumericDate: seconds since the epoch, after the credential's members.
    assert_eq!(verified.credential["iat"], json!(1_767_323_045));
    let mut without = verified.credential.clone();
    without.as_object_mut().unwrap().remove("iat");
    assert_eq!(without, credential());
    assert_eq!(
        verified
            .credential
            .as_object()
            .unwrap()
            .keys()
            .next_back()
            .unwrap(),
        "iat"
    );
}
