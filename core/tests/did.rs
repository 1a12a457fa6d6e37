//! did:key, did:web URLs and documents, and offline resolution.

use elicence_core::did::{
    did_key, did_key_verification_method, did_web_document, did_web_url, resolve_did_key, DidError,
    KeyResolver, OfflineResolver,
};
use elicence_core::keys::{KeyAlgorithm, PublicKey, SigningKey};
use rand_core::OsRng;
use serde_json::json;

fn key(alg: KeyAlgorithm) -> PublicKey {
    SigningKey::generate(alg, &mut OsRng).public_key()
}

#[test]
fn did_key_round_trip() {
    for alg in [
        KeyAlgorithm::Ed25519,
        KeyAlgorithm::P256,
        #[cfg(feature = "p384")]
        KeyAlgorithm::P384,
    ] {
        let k = key(alg);
        let did = did_key(&k);
        let vm = did_key_verification_method(&k);
        assert_eq!(vm, format!("{did}#{}", k.to_multikey()));
        assert_eq!(resolve_did_key(&did).unwrap(), k);
        assert_eq!(resolve_did_key(&vm).unwrap(), k);
    }
    // The W3C vector keys (vc-di-eddsa; vc-di-ecdsa P-384).
    let vm = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
    assert_eq!(
        did_key_verification_method(&resolve_did_key(vm).unwrap()),
        vm
    );
    #[cfg(feature = "p384")]
    {
        let vm = "did:key:z82LkuBieyGShVBhvtE2zoiD6Kma4tJGFtkAhxR5pfkp5QPw4LutoYWhvQCnGjdVn14kujQ#z82LkuBieyGShVBhvtE2zoiD6Kma4tJGFtkAhxR5pfkp5QPw4LutoYWhvQCnGjdVn14kujQ";
        let k = resolve_did_key(vm).unwrap();
        assert_eq!(k.algorithm(), KeyAlgorithm::P384);
        assert_eq!(did_key_verification_method(&k), vm);
    }
}

#[test]
fn did_key_rejects_bad_input() {
    let a = did_key(&key(KeyAlgorithm::Ed25519));
    let b = key(KeyAlgorithm::Ed25519).to_multikey();
    assert!(matches!(
        resolve_did_key(&format!("{a}#{b}")),
        Err(DidError::FragmentMismatch(_))
    ));
    assert!(matches!(
        resolve_did_key("did:web:example.com"),
        Err(DidError::InvalidDid { .. })
    ));
    assert!(matches!(
        resolve_did_key("did:key:zzzz"),
        Err(DidError::InvalidKey { .. })
    ));
    assert!(matches!(
        resolve_did_key(&format!("{a}/path")),
        Err(DidError::InvalidDid { .. })
    ));
}

#[test]
fn did_web_urls_follow_the_spec() {
    assert_eq!(
        did_web_url("did:web:w3c-ccg.github.io").unwrap(),
        "https://w3c-ccg.github.io/.well-known/did.json"
    );
    assert_eq!(
        did_web_url("did:web:w3c-ccg.github.io:user:alice").unwrap(),
        "https://w3c-ccg.github.io/user/alice/did.json"
    );
    assert_eq!(
        did_web_url("did:web:example.com%3A3000:user:alice").unwrap(),
        "https://example.com:3000/user/alice/did.json"
    );
    assert_eq!(
        did_web_url("did:web:licence.go.th:agencies:DBD").unwrap(),
        "https://licence.go.th/agencies/DBD/did.json"
    );
    for bad in [
        "did:web:",
        "did:key:z6Mk",
        "did:web:exa mple.com",
        "did:web:example.com#key-1",
        "did:web:example.com:..:secret",
        "did:web:example.com::x",
        "did:web:example.com%3Aport",
        "did:web:example.com/path",
        "did:web:-bad.com",
    ] {
        assert!(did_web_url(bad).is_err(), "{bad} accepted");
    }
}

#[test]
fn did_web_document_lists_every_key_for_assertion_and_authentication() {
    let did = "did:web:licence.go.th:agencies:DBD";
    let (k1, k2) = (key(KeyAlgorithm::Ed25519), key(KeyAlgorithm::P256));
    let doc = did_web_document(did, &[k1, k2, k1]).unwrap();
    assert_eq!(
        doc["@context"],
        json!([
            "https://www.w3.org/ns/did/v1",
            "https://w3id.org/security/multikey/v1"
        ])
    );
    assert_eq!(doc["id"], did);
    let methods = doc["verificationMethod"].as_array().unwrap();
    assert_eq!(methods.len(), 2, "duplicate key listed once");
    assert_eq!(methods[0]["id"], format!("{did}#{}", k1.to_multikey()));
    assert_eq!(methods[0]["type"], "Multikey");
    assert_eq!(methods[0]["controller"], did);
    assert_eq!(methods[1]["publicKeyMultibase"], k2.to_multikey());
    let ids: Vec<_> = methods.iter().map(|m| m["id"].clone()).collect();
    assert_eq!(doc["assertionMethod"].as_array().unwrap(), &ids);
    assert_eq!(doc["authentication"].as_array().unwrap(), &ids);
    // Rotation: adding a key keeps the old id.
    let k3 = key(KeyAlgorithm::Ed25519);
    let rotated = did_web_document(did, &[k3, k1]).unwrap();
    assert_eq!(rotated["verificationMethod"][1]["id"], methods[0]["id"]);

    assert_eq!(did_web_document(did, &[]), Err(DidError::NoKeys));
    assert!(did_web_document("did:key:z6Mk", &[k1]).is_err());
}

#[test]
fn offline_resolver_resolves_did_key_and_given_did_web_documents_only() {
    let did = "did:web:licence.go.th:agencies:DBD";
    let k = key(KeyAlgorithm::Ed25519);
    let resolver =
        OfflineResolver::with_documents(vec![did_web_document(did, &[k]).unwrap()]).unwrap();
    let vm = format!("{did}#{}", k.to_multikey());
    let resolved = resolver.resolve(&vm).unwrap();
    assert_eq!(resolved.public_key, k);
    assert_eq!(resolved.controller, did);
    assert_eq!(resolved.verification_method, vm);
    assert!(resolved.allows("assertionMethod"));
    assert!(resolved.allows("authentication"));
    assert!(!resolved.allows("capabilityInvocation"));

    let dk = key(KeyAlgorithm::P256);
    let r = resolver.resolve(&did_key_verification_method(&dk)).unwrap();
    assert_eq!(r.public_key, dk);
    assert_eq!(r.controller, did_key(&dk));
    assert!(r.allows("assertionMethod"));

    assert_eq!(
        resolver.resolve("did:web:other.go.th#key-1"),
        Err(DidError::DocumentNotFound("did:web:other.go.th".into()))
    );
    assert!(matches!(
        resolver.resolve(&format!("{did}#z6MkUnknown")),
        Err(DidError::VerificationMethodNotFound(_))
    ));
    assert!(matches!(
        resolver.resolve(did),
        Err(DidError::InvalidDid { .. })
    ));
    assert!(matches!(
        resolver.resolve("did:ethr:0x1234"),
        Err(DidError::UnsupportedMethod(_))
    ));
    assert!(matches!(
        resolver.resolve("https://example.com/key"),
        Err(DidError::UnsupportedMethod(_))
    ));
}

#[test]
fn keys_not_listed_under_assertion_method_are_not_authorised_for_it() {
    let did = "did:web:example.go.th";
    let k = key(KeyAlgorithm::Ed25519);
    let doc = json!({
        "id": did,
        "verificationMethod": [{
            "id": "#auth-key", "type": "Multikey", "controller": did,
            "publicKeyMultibase": k.to_multikey()
        }],
        "authentication": ["#auth-key"],
    });
    let resolver = OfflineResolver::with_documents(vec![doc]).unwrap();
    let r = resolver.resolve(&format!("{did}#auth-key")).unwrap();
    assert!(r.allows("authentication"));
    assert!(!r.allows("assertionMethod"));
}

#[test]
fn resolver_reads_jwk_and_embedded_methods_and_rejects_foreign_controllers() {
    let did = "did:web:example.go.th";
    let (k1, k2, k3) = (
        key(KeyAlgorithm::P256),
        key(KeyAlgorithm::Ed25519),
        key(KeyAlgorithm::Ed25519),
    );
    let doc = json!({
        "id": did,
        "verificationMethod": [
            {"id": format!("{did}#jwk"), "type": "JsonWebKey", "controller": did, "publicKeyJwk": k1.to_jwk()},
            {"id": format!("{did}#foreign"), "type": "Multikey", "controller": "did:web:evil.example",
             "publicKeyMultibase": k3.to_multikey()},
            {"id": format!("{did}#nokey"), "type": "Multikey", "controller": did}
        ],
        "assertionMethod": [
            format!("{did}#jwk"),
            {"id": "#embedded", "type": "Multikey", "controller": did, "publicKeyMultibase": k2.to_multikey()}
        ],
    });
    let resolver = OfflineResolver::with_documents(vec![doc]).unwrap();
    assert_eq!(
        resolver.resolve(&format!("{did}#jwk")).unwrap().public_key,
        k1
    );
    let emb = resolver.resolve(&format!("{did}#embedded")).unwrap();
    assert_eq!(emb.public_key, k2);
    assert!(emb.allows("assertionMethod"));
    assert!(matches!(
        resolver.resolve(&format!("{did}#foreign")),
        Err(DidError::InvalidDocument { .. })
    ));
    assert!(matches!(
        resolver.resolve(&format!("{did}#nokey")),
        Err(DidError::InvalidDocument { .. })
    ));

    assert!(OfflineResolver::with_documents(vec![json!({"no": "id"})]).is_err());
    assert!(OfflineResolver::with_documents(vec![json!({"id": "did:web:bad host"})]).is_err());
}

/// The offline resolver names a did:key key by its canonical verification
/// method (`did:key:X#X`), whether asked for the DID or the method.
#[test]
fn offline_did_key_resolution_names_the_canonical_verification_method() {
    let resolver = OfflineResolver::new();
    for alg in [KeyAlgorithm::Ed25519, KeyAlgorithm::P256] {
        let k = key(alg);
        let did = did_key(&k);
        let vm = did_key_verification_method(&k);
        for asked in [&did, &vm] {
            let resolved = resolver.resolve(asked).unwrap();
            assert_eq!(resolved.public_key, k);
            assert_eq!(resolved.verification_method, vm);
            assert_eq!(resolved.controller, did);
        }
    }
}
