//! An agency whose ECDSA key is P-384: the VC API issues ecdsa-rdfc-2019 and
//! ecdsa-jcs-2019 credentials with it (SHA-384, 96-byte signatures), its DID
//! document publishes the `z82…` key, and the credentials verify offline and
//! through `/credentials/verify`.

mod common;

use common::{start, token};
use elicence_core::did::OfflineResolver;
use elicence_core::keys::{KeyAlgorithm, PublicKey};
use elicence_core::proof;
use elicence_issuer::admin::Scope;
use serde_json::{json, Value};

fn request(id: &str, suite: &str) -> Value {
    json!({
        "credential": {
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
            "id": id,
            "type": ["VerifiableCredential", "ExampleCredential"],
            "credentialSubject": {"id": "did:example:abc", "name": "สมหญิง"}
        },
        "options": {"cryptosuite": suite}
    })
}

#[test]
fn an_agency_with_a_p384_key_issues_ecdsa_credentials_that_verify() {
    let svc = start("");
    let t = token(&svc.config, "chiangmai", &[Scope::Issue]);
    // Ed25519 only: no key for an ECDSA suite yet.
    svc.post_json(
        "/credentials/issue",
        Some(&t),
        &request(
            "urn:uuid:7d0b8f9e-0000-4000-8000-000000000001",
            "ecdsa-rdfc-2019",
        ),
    )
    .problem(409);

    // `elicence agency add-key --p384` does exactly this.
    let master = elicence_issuer::crypto::MasterKey::load(&svc.config.master_key).unwrap();
    let mut conn =
        elicence_issuer::store::open(&svc.config.database, svc.config.durability).unwrap();
    elicence_issuer::admin::add_key(
        &mut conn,
        &master,
        "chiangmai",
        KeyAlgorithm::P384,
        time::OffsetDateTime::now_utc(),
        None,
        "admin:test",
    )
    .unwrap();
    svc.state
        .pool
        .with(|c| svc.state.registry.reload(c))
        .unwrap();

    let doc = svc.get("/agencies/chiangmai/did.json", &[]).json();
    let p384_method = doc["verificationMethod"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| {
            m["publicKeyMultibase"]
                .as_str()
                .is_some_and(|k| k.starts_with("z82"))
        })
        .expect("the P-384 key is published")
        .clone();
    let public =
        PublicKey::from_multikey(p384_method["publicKeyMultibase"].as_str().unwrap()).unwrap();
    assert_eq!(public.algorithm(), KeyAlgorithm::P384);
    let resolver = OfflineResolver::with_documents(vec![doc]).unwrap();

    for (n, suite) in ["ecdsa-rdfc-2019", "ecdsa-jcs-2019"]
        .into_iter()
        .enumerate()
    {
        let id = format!("urn:uuid:7d0b8f9e-0000-4000-8000-00000000001{n}");
        let r = svc.post_json("/credentials/issue", Some(&t), &request(&id, suite));
        assert_eq!(r.status, 201, "{suite}: {}", r.body);
        let vc = r.json()["verifiableCredential"].clone();
        assert_eq!(vc["proof"]["cryptosuite"], suite);
        assert_eq!(vc["proof"]["verificationMethod"], p384_method["id"]);
        let value = vc["proof"]["proofValue"].as_str().unwrap();
        assert_eq!(bs58::decode(&value[1..]).into_vec().unwrap().len(), 96);

        let verified = proof::verify(&vc, &resolver, "assertionMethod", None).unwrap();
        assert_eq!(
            verified[0].controller,
            "did:web:licence.example.go.th:agencies:chiangmai"
        );
        let v = svc.post_json(
            "/credentials/verify",
            None,
            &json!({"verifiableCredential": vc}),
        );
        assert_eq!(v.status, 200, "{suite}: {}", v.body);

        let mut tampered = vc.clone();
        tampered["credentialSubject"]["name"] = "สมหญิง ".into();
        assert_eq!(
            proof::verify(&tampered, &resolver, "assertionMethod", None),
            Err(proof::ProofError::SignatureMismatch)
        );
    }
    // The EdDSA suites still sign with the agency's Ed25519 key.
    let r = svc.post_json(
        "/credentials/issue",
        Some(&t),
        &request(
            "urn:uuid:7d0b8f9e-0000-4000-8000-000000000020",
            "eddsa-rdfc-2022",
        ),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let vc = r.json()["verifiableCredential"].clone();
    assert!(vc["proof"]["verificationMethod"]
        .as_str()
        .unwrap()
        .contains("#z6Mk"));
}
