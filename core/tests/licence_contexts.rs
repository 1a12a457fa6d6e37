//! Shipped JSON-LD contexts: pinned hashes, faithful copies of the official
//! files, the licence context's own rules, and `check_contexts`.

mod licence_support;

use std::collections::BTreeSet;

use elicence_core::licence::context::{
    all_shipped_contexts, check_contexts, shipped_context, ContextError, LICENCE_CONTEXT,
    LICENCE_CONTEXT_URL, LICENCE_VOCAB, VC_V1_CONTEXT_URL, VC_V2_CONTEXT_URL,
};
use licence_support::sample_credential;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

mod shared;
use shared::vectors_dir as shared_vectors;

#[test]
fn every_pinned_hash_matches_its_body() {
    for context in all_shipped_contexts() {
        let actual = hex::encode(Sha256::digest(context.body.as_bytes()));
        assert_eq!(
            actual, context.sha256_hex,
            "hash of {} changed",
            context.url
        );
    }
}

#[test]
fn urls_are_unique_and_lookup_is_exact() {
    let urls: BTreeSet<&str> = all_shipped_contexts().iter().map(|c| c.url).collect();
    assert_eq!(urls.len(), all_shipped_contexts().len());
    assert_eq!(urls.len(), 11);
    for context in all_shipped_contexts() {
        assert_eq!(shipped_context(context.url), Some(context));
        let body: Value = serde_json::from_str(context.body).unwrap();
        assert!(
            body.get("@context").is_some(),
            "{} has no @context",
            context.url
        );
    }
    assert!(shipped_context("https://www.w3.org/ns/credentials/v2/").is_none());
    assert!(shipped_context("http://www.w3.org/ns/credentials/v2").is_none());
    assert!(shipped_context("https://w3id.org/security/v1").is_none());
}

#[test]
fn w3c_copies_are_byte_identical_to_the_official_files() {
    let dir = shared_vectors().join("w3c-contexts");
    let files = [
        (
            "https://www.w3.org/ns/credentials/v2",
            "credentials-v2.jsonld",
        ),
        (
            "https://www.w3.org/ns/credentials/examples/v2",
            "credentials-examples-v2.jsonld",
        ),
        (
            "https://www.w3.org/2018/credentials/v1",
            "w3c-2018-credentials-v1.jsonld",
        ),
        ("https://www.w3.org/ns/did/v1", "w3c-did-v1.jsonld"),
        (
            "https://w3id.org/security/data-integrity/v1",
            "w3id-data-integrity-v1.jsonld",
        ),
        (
            "https://w3id.org/security/data-integrity/v2",
            "w3id-data-integrity-v2.jsonld",
        ),
        (
            "https://w3id.org/security/suites/ed25519-2020/v1",
            "w3id-ed25519-signature-2020-v1.jsonld",
        ),
        (
            "https://w3id.org/security/multikey/v1",
            "w3id-multikey-v1.jsonld",
        ),
        ("https://w3id.org/security/v2", "w3id-security-v2.jsonld"),
    ];
    for (url, file) in files {
        let official = std::fs::read_to_string(dir.join(file)).unwrap();
        assert_eq!(
            shipped_context(url).unwrap().body,
            official,
            "{url} differs from {file}"
        );
    }
}

/// A term each context defines that tells it apart from its neighbours, so
/// a swapped URL-to-file mapping fails.
#[test]
fn each_url_serves_the_right_document() {
    let marks: [(&str, &str, Option<&str>); 9] = [
        (
            VC_V2_CONTEXT_URL,
            "\"BitstringStatusListEntry\"",
            Some("\"issuanceDate\""),
        ),
        (
            "https://www.w3.org/ns/credentials/examples/v2",
            "credentials/examples#",
            None,
        ),
        (
            VC_V1_CONTEXT_URL,
            "\"issuanceDate\"",
            Some("\"BitstringStatusListEntry\""),
        ),
        (
            "https://www.w3.org/ns/did/v1",
            "\"assertionMethod\"",
            Some("\"DataIntegrityProof\""),
        ),
        (
            "https://w3id.org/security/data-integrity/v1",
            "\"DataIntegrityProof\"",
            Some("\"previousProof\""),
        ),
        (
            "https://w3id.org/security/data-integrity/v2",
            "\"previousProof\"",
            None,
        ),
        (
            "https://w3id.org/security/suites/ed25519-2020/v1",
            "\"Ed25519Signature2020\"",
            None,
        ),
        (
            "https://w3id.org/security/multikey/v1",
            "\"Multikey\"",
            Some("\"Ed25519Signature2020\""),
        ),
        (
            "https://w3id.org/security/v2",
            "\"https://w3id.org/security/v1\"",
            None,
        ),
    ];
    for (url, present, absent) in marks {
        let body = shipped_context(url).unwrap().body;
        assert!(body.contains(present), "{url} lacks {present}");
        if let Some(absent) = absent {
            assert!(!body.contains(absent), "{url} unexpectedly has {absent}");
        }
    }
}

/// Every term defined anywhere (including scoped contexts) in a context body.
fn defined_terms(context: &Value, terms: &mut BTreeSet<String>) {
    match context {
        Value::Object(map) => {
            for (key, value) in map {
                if !key.starts_with('@') {
                    terms.insert(key.clone());
                }
                if let Some(scoped) = value.get("@context") {
                    defined_terms(scoped, terms);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| defined_terms(item, terms)),
        _ => {}
    }
}

#[test]
fn licence_context_follows_its_rules() {
    assert_eq!(
        shipped_context(LICENCE_CONTEXT_URL).unwrap().body,
        LICENCE_CONTEXT
    );
    let body: Value = serde_json::from_str(LICENCE_CONTEXT).unwrap();
    let context = body["@context"].as_object().unwrap();
    assert_eq!(context["@protected"], json!(true));
    assert_eq!(context["@version"], json!(1.1));
    assert!(
        context.get("@vocab").is_none(),
        "an @vocab would accept undefined terms silently"
    );
    let language_maps = ["legalName", "title", "address"];
    for (term, definition) in context.iter().filter(|(k, _)| !k.starts_with('@')) {
        let definition = definition
            .as_object()
            .unwrap_or_else(|| panic!("{term} needs an expanded definition"));
        assert_eq!(
            definition["@id"],
            json!(format!("{LICENCE_VOCAB}{term}")),
            "{term}"
        );
        let container = definition.get("@container").and_then(Value::as_str);
        if language_maps.contains(&term.as_str()) {
            assert_eq!(container, Some("@language"), "{term}");
        } else if term == "conditions" {
            assert_eq!(container, Some("@list"), "conditions keep their order");
        } else {
            assert_eq!(container, None, "{term}");
        }
    }
}

#[test]
fn licence_context_redefines_no_w3c_term() {
    let ours: BTreeSet<String> = {
        let mut terms = BTreeSet::new();
        defined_terms(
            &serde_json::from_str::<Value>(LICENCE_CONTEXT).unwrap()["@context"],
            &mut terms,
        );
        terms
    };
    for url in [
        VC_V2_CONTEXT_URL,
        VC_V1_CONTEXT_URL,
        "https://w3id.org/security/data-integrity/v2",
    ] {
        let mut theirs = BTreeSet::new();
        defined_terms(
            &serde_json::from_str::<Value>(shipped_context(url).unwrap().body).unwrap()["@context"],
            &mut theirs,
        );
        let clash: Vec<_> = ours.intersection(&theirs).collect();
        assert!(clash.is_empty(), "{url} already defines {clash:?}");
    }
}

/// Collects the keys of `value` that JSON-LD would treat as terms: object
/// keys, except the contents of language maps and `id`/`type` aliases.
fn used_terms(value: &Value, language_map: bool, terms: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) if !language_map => {
            for (key, member) in map {
                terms.insert(key.clone());
                used_terms(
                    member,
                    ["legalName", "title", "address"].contains(&key.as_str()),
                    terms,
                );
            }
        }
        Value::Array(items) => items.iter().for_each(|item| used_terms(item, false, terms)),
        _ => {}
    }
}

#[test]
fn every_subject_term_is_defined_by_the_licence_context() {
    let mut used = BTreeSet::new();
    used_terms(&sample_credential()["credentialSubject"], false, &mut used);
    let body: Value = serde_json::from_str(LICENCE_CONTEXT).unwrap();
    let context = body["@context"].as_object().unwrap();
    for term in used {
        if term == "id" || term == "type" {
            continue;
        }
        assert!(context.contains_key(&term), "{term} is not defined");
    }
    assert!(context.contains_key("BusinessLicenceCredential"));
    assert!(context.contains_key("LicensedBusiness"));
}

#[test]
fn produced_credentials_pass_the_context_check() {
    let mut credential = sample_credential();
    assert_eq!(check_contexts(&credential), Ok(()));
    credential["proof"] = json!({
        "@context": [VC_V2_CONTEXT_URL, "https://w3id.org/security/data-integrity/v2"],
        "type": "DataIntegrityProof"
    });
    assert_eq!(check_contexts(&credential), Ok(()));
    credential["proof"] = json!([{"type": "DataIntegrityProof"}, {"@context": "https://w3id.org/security/multikey/v1"}]);
    assert_eq!(check_contexts(&credential), Ok(()));
    let v1 = json!({"@context": VC_V1_CONTEXT_URL, "type": "VerifiableCredential"});
    assert_eq!(check_contexts(&v1), Ok(()));
}

fn context_error(change: impl FnOnce(&mut Value)) -> ContextError {
    let mut credential = sample_credential();
    change(&mut credential);
    check_contexts(&credential).expect_err("expected the change to be rejected")
}

#[test]
fn unknown_contexts_are_rejected_by_location_wherever_they_are_named() {
    assert_eq!(
        context_error(|c| c["@context"][1] = json!("https://evil.example/v1")),
        ContextError::UnknownContext {
            url: "https://evil.example/v1".into(),
            location: "@context[1]".into()
        }
    );
    assert_eq!(
        context_error(|c| c["@context"][1] = json!("https://w3id.org/elicence/v1/")).to_string(),
        "@context[1]: unknown context https://w3id.org/elicence/v1/: only pinned contexts are accepted"
    );
    assert_eq!(
        context_error(|c| c["@context"][1] = json!({"@import": "https://evil.example/v1"})),
        ContextError::UnknownContext {
            url: "https://evil.example/v1".into(),
            location: "@context[1].@import".into()
        }
    );
    assert_eq!(
        context_error(|c| c["@context"].as_array_mut().unwrap().push(
            json!({"x": {"@id": "https://e.example/x", "@context": "https://evil.example/s"}})
        )),
        ContextError::UnknownContext {
            url: "https://evil.example/s".into(),
            location: "@context[2].x.@context".into()
        }
    );
    assert_eq!(
        context_error(|c| c["credentialSubject"]["@context"] = json!(["https://evil.example/n"])),
        ContextError::UnknownContext {
            url: "https://evil.example/n".into(),
            location: "credentialSubject.@context[0]".into()
        }
    );
    assert_eq!(
        context_error(|c| c["@context"][1] = json!(3)),
        ContextError::NotAString {
            location: "@context[1]".into()
        }
    );
    assert_eq!(
        context_error(|c| c["proof"] = json!({"@context": ["https://example.org/suite/v1"]})),
        ContextError::UnknownContext {
            url: "https://example.org/suite/v1".into(),
            location: "proof.@context[0]".into()
        }
    );
    assert_eq!(
        context_error(
            |c| c["proof"] = json!([{}, {"@context": {"@import": "https://e.example/i"}}])
        ),
        ContextError::UnknownContext {
            url: "https://e.example/i".into(),
            location: "proof[1].@context.@import".into()
        }
    );
}

/// VC Data Model 2.0 §4.3: context objects embedded in the credential are
/// signed with it and need nothing fetched, so they are accepted, at the top
/// level, in proofs and in nested objects (the JSON-LD processor then keeps
/// protected terms protected, and the spelling audit refuses aliases).
#[test]
fn embedded_context_objects_are_accepted() {
    let mut credential = sample_credential();
    credential["@context"]
        .as_array_mut()
        .unwrap()
        .push(json!({"nickname": "https://example.org/vocab#nickname"}));
    credential["credentialSubject"]["@context"] = json!({"note": "https://example.org/vocab#note"});
    credential["proof"] = json!({"@context": [VC_V2_CONTEXT_URL, {"x": "https://e.example/x"}]});
    assert_eq!(check_contexts(&credential), Ok(()));
}

#[test]
fn the_base_context_must_come_first() {
    assert_eq!(
        context_error(|c| c["@context"] = json!([LICENCE_CONTEXT_URL, VC_V2_CONTEXT_URL])),
        ContextError::FirstNotBaseContext {
            found: LICENCE_CONTEXT_URL.into()
        }
    );
    assert_eq!(
        context_error(|c| c["@context"] = json!("https://w3id.org/security/v2")),
        ContextError::FirstNotBaseContext {
            found: "https://w3id.org/security/v2".into()
        }
    );
}

#[test]
fn missing_empty_and_null_contexts_are_rejected() {
    assert_eq!(
        context_error(|c| {
            c.as_object_mut().unwrap().remove("@context");
        }),
        ContextError::Missing
    );
    assert_eq!(
        context_error(|c| c["@context"] = json!([])),
        ContextError::Empty {
            location: "@context".into()
        }
    );
    assert_eq!(
        context_error(|c| c["@context"] = Value::Null),
        ContextError::NotAStringOrArray {
            location: "@context".into()
        }
    );
    assert_eq!(
        check_contexts(&json!([VC_V2_CONTEXT_URL])),
        Err(ContextError::NotAnObject)
    );
}
