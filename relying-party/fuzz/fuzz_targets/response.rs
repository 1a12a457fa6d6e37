//! Hostile wallet answers, as the relying party receives them: an
//! encrypted `response` (JWE) and a `vp_token`, judged against a fixed query
//! and the test-vectors trust bundle. Never a panic, and never verified.
//!
//! The first byte picks the layer: even = the rest is a `vp_token`, odd =
//! a JWE for a fixed request key.
#![no_main]

use std::collections::BTreeSet;
use std::sync::OnceLock;

use elicence_relying_party::dcql::DcqlQuery;
use elicence_relying_party::jwe;
use elicence_relying_party::response::{verify_vp_token, Expectation};
use elicence_verifier::{TrustAnchor, TrustBundle, TrustPolicy};
use libfuzzer_sys::fuzz_target;

fn bundle() -> &'static TrustBundle {
    static B: OnceLock<TrustBundle> = OnceLock::new();
    B.get_or_init(|| {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../test-vectors/trust/bundle.json"
        ))
        .unwrap();
        TrustBundle::open(
            &bytes,
            &TrustAnchor {
                root_did: "did:key:z6Mkv8urfoLpzNzYi4HjNAP6CBUHkLDbvbsw1TrHoedfhMrT".into(),
                min_version: 1,
            },
        )
        .unwrap()
    })
}

fn query() -> &'static DcqlQuery {
    static Q: OnceLock<DcqlQuery> = OnceLock::new();
    Q.get_or_init(|| {
        DcqlQuery::parse(&serde_json::json!({"credentials": [
            {"id": "licence", "format": "dc+sd-jwt",
             "meta": {"vct_values": ["https://w3id.org/elicence/vct/food-sale"]},
             "claims": [{"path": ["licensee", "juristicPersonId"]}]},
            {"id": "w3c", "format": "ldp_vc",
             "meta": {"type_values": [["VerifiableCredential"]]}}
        ], "credential_sets": [{"options": [["licence"], ["w3c"]]}]}))
        .unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    if selector % 2 == 0 {
        let expect = Expectation {
            query: query(),
            nonce: "fuzz-nonce",
            client_id: "x509_san_dns:bank.example.co.th",
            seen_nonces: BTreeSet::new(),
        };
        let now = time::OffsetDateTime::from_unix_timestamp(1_780_000_000).unwrap();
        let d = verify_vp_token(text, &expect, bundle(), now, &TrustPolicy::default());
        assert!(!d.verified, "a fuzzed vp_token verified: {text}");
    } else {
        let key = jwe::request_key(&[3u8; 32], "fuzz");
        let _ = jwe::decrypt(text, &key);
    }
});
