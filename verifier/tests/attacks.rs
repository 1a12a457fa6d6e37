//! Regression suite of attacks (issue 16): each way a holder of a revoked,
//! expired or otherwise refused licence tried to make a verifier say VALID.
//! Every case must fail closed.

use std::path::{Path, PathBuf};

use elicence_core::did;
use elicence_core::keys::SigningKey;
use elicence_verifier::{
    verify_with_bundle, CheckCode, Report, TrustAnchor, TrustBundle, TrustPolicy, Verdict,
};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

const NOW: &str = "2026-06-01T00:00:00Z";

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/trust")
}

fn json_of(rel: &str) -> Value {
    serde_json::from_slice(&std::fs::read(dir().join(rel)).unwrap()).unwrap()
}

fn bundle() -> TrustBundle {
    let root = SigningKey::from_pkcs8_pem(
        &std::fs::read_to_string(dir().join("keys/root.pem")).unwrap(),
        None,
    )
    .unwrap();
    let anchor = TrustAnchor {
        root_did: did::did_key(&root.public_key()),
        min_version: 1,
    };
    TrustBundle::open(&std::fs::read(dir().join("bundle.json")).unwrap(), &anchor).unwrap()
}

fn verify(doc: &Value) -> Report {
    let now = OffsetDateTime::parse(NOW, &Rfc3339).unwrap();
    verify_with_bundle(
        doc.to_string().as_bytes(),
        &bundle(),
        now,
        &TrustPolicy::default(),
    )
}

#[test]
fn renaming_credential_status_to_its_iri_does_not_hide_a_revocation() {
    let revoked = json_of("licences/revoked.json");
    assert_eq!(verify(&revoked).verdict, Verdict::Invalid);
    let mut attack = revoked.clone();
    let status = attack
        .as_object_mut()
        .unwrap()
        .remove("credentialStatus")
        .unwrap();
    attack.as_object_mut().unwrap().insert(
        "https://www.w3.org/2018/credentials#credentialStatus".into(),
        status,
    );
    let report = verify(&attack);
    println!("{report:#?}");
    assert_eq!(report.verdict, Verdict::Invalid);
    let _ = CheckCode::Status;
}
