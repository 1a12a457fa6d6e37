//! Regression suite of attacks (issue 16): every way found to make a
//! revoked, suspended, expired or forged licence verify VALID, each as a
//! test that must fail closed. The same cases run through the browser
//! inspector's bindings in wasm-verifier/tests/bindings.rs.
//!
//! The heart of it is a property over re-spellings: JSON-LD can say the
//! same signed RDF in many JSON forms, and an `*-rdfc-*` signature holds for
//! all of them. For every property of a signed licence (and every term of
//! the VC and licence contexts it uses), each alternative spelling must give
//! the same verdict as the canonical one, or be refused; never a more
//! favourable one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use elicence_core::did::{self, OfflineResolver};
use elicence_core::keys::SigningKey;
use elicence_core::licence::context::{all_shipped_contexts, shipped_context};
use elicence_core::proof::{self, Cryptosuite, ProofOptions};
use elicence_verifier::status::{encode_list, verify_list_credential, ListError};
use elicence_verifier::{
    verify, verify_with_bundle, CheckCode, Outcome, Policy, PresentationRequest, Report,
    StatusOptions, TrustAnchor, TrustBundle, TrustPolicy, Verdict,
};
use serde_json::{json, Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

const NOW: &str = "2026-06-01T00:00:00Z";
const DIW: &str = "did:web:licence.diw.example.go.th";
const REVOCATION_LIST: &str = "https://licence.diw.example.go.th/status/revocation/1";
const CRED: &str = "https://www.w3.org/2018/credentials#";
const XSD_DATETIME: &str = "http://www.w3.org/2001/XMLSchema#dateTime";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors")
}

fn json_of(rel: &str) -> Value {
    serde_json::from_slice(&std::fs::read(root().join(rel)).unwrap()).unwrap()
}

fn key(rel: &str) -> SigningKey {
    SigningKey::from_pkcs8_pem(&std::fs::read_to_string(root().join(rel)).unwrap(), None).unwrap()
}

fn time(s: &str) -> OffsetDateTime {
    OffsetDateTime::parse(s, &Rfc3339).unwrap()
}

fn bundle() -> &'static TrustBundle {
    static BUNDLE: OnceLock<TrustBundle> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        let anchor = TrustAnchor {
            root_did: did::did_key(&key("trust/keys/root.pem").public_key()),
            min_version: 1,
        };
        TrustBundle::open(
            &std::fs::read(root().join("trust/bundle.json")).unwrap(),
            &anchor,
        )
        .unwrap()
    })
}

fn diw_vm() -> String {
    format!(
        "{DIW}#{}",
        key("keys/ed25519.pem").public_key().to_multikey()
    )
}

/// `doc` (its proof dropped) signed by the DIW test key with `suite`.
fn diw_sign(doc: &Value, suite: Cryptosuite, created: &str) -> Value {
    let mut doc = doc.clone();
    doc.as_object_mut().unwrap().remove("proof");
    proof::sign(
        &doc,
        suite,
        &key("keys/ed25519.pem"),
        &ProofOptions::new(diw_vm(), created),
    )
    .unwrap()
}

/// A trust fixture re-signed with eddsa-rdfc-2022: the suite whose
/// signature survives re-spelling, so the one the attacks target.
fn rdfc_licence(name: &str) -> Value {
    diw_sign(
        &json_of(&format!("trust/licences/{name}.json")),
        Cryptosuite::EddsaRdfc2022,
        "2026-01-01T00:00:00Z",
    )
}

fn with_bundle(doc: &Value) -> Report {
    verify_with_bundle(
        doc.to_string().as_bytes(),
        bundle(),
        time(NOW),
        &TrustPolicy::default(),
    )
}

fn rank(v: Verdict) -> u8 {
    match v {
        Verdict::Invalid => 0,
        Verdict::CannotDecide => 1,
        Verdict::Valid => 2,
    }
}

fn renamed(doc: &Value, path: &[Step], from: &str, to: &str) -> Value {
    let mut doc = doc.clone();
    let object = object_at(&mut doc, path);
    let entries: Vec<(String, Value)> = std::mem::take(object).into_iter().collect();
    for (k, v) in entries {
        object.insert(if k == from { to.to_owned() } else { k }, v);
    }
    doc
}

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn object_at<'a>(doc: &'a mut Value, path: &[Step]) -> &'a mut Map<String, Value> {
    let mut here = doc;
    for step in path {
        here = match step {
            Step::Key(k) => &mut here[k.as_str()],
            Step::Index(i) => &mut here[*i],
        };
    }
    here.as_object_mut().unwrap()
}

/// Every JSON object of `doc` with its path (proof and nested ones included).
fn objects(doc: &Value) -> Vec<(Vec<Step>, Map<String, Value>)> {
    fn walk(v: &Value, path: &mut Vec<Step>, out: &mut Vec<(Vec<Step>, Map<String, Value>)>) {
        match v {
            Value::Object(m) => {
                out.push((path.clone(), m.clone()));
                for (k, child) in m {
                    if k == "@context" {
                        continue;
                    }
                    path.push(Step::Key(k.clone()));
                    walk(child, path, out);
                    path.pop();
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    path.push(Step::Index(i));
                    walk(child, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(doc, &mut Vec::new(), &mut out);
    out
}

/// term → every definition a shipped context gives it (at any scope), as
/// an expanded definition object (`@id` an absolute IRI), read from the
/// context files themselves.
fn term_definitions() -> BTreeMap<String, Vec<Map<String, Value>>> {
    fn collect(
        ctx: &Value,
        vocab: Option<&str>,
        out: &mut BTreeMap<String, Vec<Map<String, Value>>>,
    ) {
        let Some(map) = ctx.as_object() else { return };
        let vocab = map.get("@vocab").and_then(Value::as_str).or(vocab);
        for (term, def) in map {
            if term.starts_with('@') {
                continue;
            }
            let mut definition = match def {
                Value::String(s) => {
                    let mut m = Map::new();
                    m.insert("@id".into(), json!(s));
                    m
                }
                Value::Object(d) => d.clone(),
                _ => continue,
            };
            if !definition.contains_key("@id") {
                if let Some(v) = vocab {
                    definition.insert("@id".into(), json!(format!("{v}{term}")));
                }
            }
            let iri = definition.get("@id").and_then(Value::as_str).unwrap_or("");
            if iri.contains(':') && !iri.starts_with('@') {
                definition.remove("@context");
                definition.remove("@protected");
                let list = out.entry(term.clone()).or_default();
                if !list.contains(&definition) {
                    list.push(definition);
                }
            }
            if let Some(scoped) = def.get("@context") {
                collect(scoped, vocab, out);
            }
        }
    }
    let mut out = BTreeMap::new();
    for url in [
        "https://www.w3.org/ns/credentials/v2",
        "https://w3id.org/elicence/v1",
    ] {
        let doc: Value = serde_json::from_str(shipped_context(url).unwrap().body).unwrap();
        collect(&doc["@context"], None, &mut out);
    }
    out
}

/// `value` written for a key that is the bare IRI of a term defined by
/// `def`: what the term's coercion and container did implicitly, written
/// out, so the RDF (and so the signature) stays the same.
fn explicit(value: &Value, def: &Map<String, Value>) -> Value {
    let coercion = def.get("@type").and_then(Value::as_str);
    let container = def.get("@container").and_then(Value::as_str);
    let one = |v: &Value| -> Value {
        match (v, coercion) {
            (Value::String(s), Some("@id")) => json!({ "@id": s }),
            (Value::String(s), Some(t)) if !t.starts_with('@') => {
                json!({ "@value": s, "@type": t })
            }
            _ => v.clone(),
        }
    };
    match (container, value) {
        (Some("@language"), Value::Object(m)) => Value::Array(
            m.iter()
                .map(|(lang, v)| json!({ "@value": v, "@language": lang }))
                .collect(),
        ),
        (Some("@list"), Value::Array(items)) => {
            json!({ "@list": items.iter().map(one).collect::<Vec<_>>() })
        }
        (Some("@graph"), Value::Array(items)) => {
            Value::Array(items.iter().map(|i| json!({ "@graph": i })).collect())
        }
        (Some("@graph"), v) => json!({ "@graph": v }),
        (_, Value::Array(items)) => Value::Array(items.iter().map(one).collect()),
        (_, v) => one(v),
    }
}

/// Every re-spelling of `doc` this suite knows, with a label.
fn respellings(doc: &Value) -> Vec<(String, Value)> {
    let definitions = term_definitions();
    let mut out = Vec::new();
    for (path, object) in objects(doc) {
        for (k, v) in &object {
            if k == "@context" {
                continue;
            }
            let at = format!("{path:?}.{k}");
            // The property by its full IRI (its value written out as the
            // term's definition implied), and by an alias with the very same
            // definition in a context embedded in the document.
            for def in definitions.get(k).into_iter().flatten() {
                let iri = def["@id"].as_str().unwrap_or_default();
                let mut by_iri = renamed(doc, &path, k, iri);
                object_at(&mut by_iri, &path).insert(iri.to_owned(), explicit(v, def));
                out.push((format!("{at} as <{iri}>"), by_iri));
                let mut aliased = renamed(doc, &path, k, "x-alias");
                aliased["@context"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({ "x-alias": def }));
                out.push((format!("{at} aliased to <{iri}>"), aliased));
            }
            // Keyword aliases spelled as the keywords.
            match k.as_str() {
                "id" => out.push((format!("{at} as @id"), renamed(doc, &path, k, "@id"))),
                "type" => out.push((format!("{at} as @type"), renamed(doc, &path, k, "@type"))),
                _ => {}
            }
            // Values wrapped where the plain value means the same.
            if let Value::String(s) = v {
                for wrapped in [
                    json!({ "@value": s }),
                    json!({ "@value": s, "@type": XSD_DATETIME }),
                    json!([s]),
                ] {
                    let mut w = doc.clone();
                    object_at(&mut w, &path).insert(k.clone(), wrapped.clone());
                    out.push((format!("{at} = {wrapped}"), w));
                }
            }
            if !v.is_array() {
                let mut w = doc.clone();
                object_at(&mut w, &path).insert(k.clone(), json!({ "@set": [v] }));
                out.push((format!("{at} in @set"), w));
            }
            // Type values by their IRIs.
            if k == "type" {
                let values: Vec<&str> = match v {
                    Value::String(s) => vec![s],
                    Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                    _ => Vec::new(),
                };
                for t in values.clone() {
                    let iris = definitions.get(t).into_iter().flatten();
                    for iri in iris.filter_map(|d| d["@id"].as_str()) {
                        let mut w = doc.clone();
                        let replaced = match v {
                            Value::String(_) => json!(iri),
                            _ => json!(values
                                .iter()
                                .map(|x| if *x == t { iri } else { x })
                                .collect::<Vec<_>>()),
                        };
                        object_at(&mut w, &path).insert(k.clone(), replaced);
                        out.push((format!("{at} value {t} as <{iri}>"), w));
                    }
                }
            }
        }
        // The object's data moved to a second object describing the same node.
        if let Some(id) = object.get("id").and_then(Value::as_str) {
            for (k, v) in &object {
                if k == "id" || k == "type" || k == "@context" {
                    continue;
                }
                let mut w = doc.clone();
                object_at(&mut w, &path).remove(k);
                w.as_object_mut()
                    .unwrap()
                    .insert("@included".into(), json!([{ "id": id, k.as_str(): v }]));
                out.push((format!("{path:?}.{k} moved to @included"), w));
            }
        }
    }
    // Any other shipped context appended: terms may gain new spellings.
    for c in all_shipped_contexts() {
        let mut w = doc.clone();
        w["@context"].as_array_mut().unwrap().push(json!(c.url));
        out.push((format!("with context {}", c.url), w));
    }
    out
}

/// The property: no re-spelling of a signed document verifies better than
/// the document itself.
fn no_respelling_is_more_favourable(doc: &Value, verify_one: impl Fn(&Value) -> Report) -> usize {
    let original = verify_one(doc);
    let variants = respellings(doc);
    assert!(variants.len() > 30, "the generator covers the document");
    for (label, variant) in &variants {
        let report = verify_one(variant);
        assert!(
            rank(report.verdict) <= rank(original.verdict),
            "{label}: {:?} is more favourable than the original {:?}\n{report:#?}",
            report.verdict,
            original.verdict
        );
    }
    variants.len()
}

#[test]
fn re_spelling_a_revoked_licence_never_makes_it_pass() {
    for name in ["revoked", "suspended"] {
        let doc = rdfc_licence(name);
        let report = with_bundle(&doc);
        assert_eq!(report.verdict, Verdict::Invalid, "{report:#?}");
        assert_eq!(report.outcome(CheckCode::Status), Some(Outcome::Fail));
        let n = no_respelling_is_more_favourable(&doc, with_bundle);
        println!("{name}: {n} re-spellings, none more favourable");
    }
}

#[test]
fn re_spelling_a_valid_licence_keeps_it_valid_or_refuses_it() {
    let doc = rdfc_licence("valid");
    assert_eq!(with_bundle(&doc).verdict, Verdict::Valid);
    no_respelling_is_more_favourable(&doc, with_bundle);
    // An expired one stays expired whatever its spelling.
    let expired_at = |d: &Value| {
        verify_with_bundle(
            d.to_string().as_bytes(),
            bundle(),
            time("2031-01-01T00:00:00Z"),
            &TrustPolicy::default(),
        )
    };
    assert_ne!(expired_at(&doc).verdict, Verdict::Valid);
    no_respelling_is_more_favourable(&doc, expired_at);
}

/// The attack from the issue itself, named: `credentialStatus` spelled as
/// its IRI. The proof still holds; the verifier refuses the spelling.
#[test]
fn credential_status_as_its_iri_is_refused_not_skipped() {
    let doc = rdfc_licence("revoked");
    let attack = renamed(
        &doc,
        &[],
        "credentialStatus",
        &format!("{CRED}credentialStatus"),
    );
    let report = with_bundle(&attack);
    assert_eq!(report.verdict, Verdict::Invalid);
    assert_eq!(report.outcome(CheckCode::Contexts), Some(Outcome::Fail));
    assert!(
        report.checks.iter().any(|c| c
            .reason
            .en
            .contains("re-spells the term `credentialStatus`")),
        "{report:#?}"
    );
    // The status check is not run on a view the signer never vouched for.
    assert_eq!(report.outcome(CheckCode::Status), Some(Outcome::NotRun));
    assert!(report.credential.is_none());
    // The same rename of an embedded alias, and of validUntil.
    let mut aliased = renamed(&doc, &[], "credentialStatus", "status");
    aliased["@context"]
        .as_array_mut()
        .unwrap()
        .push(json!({"status": format!("{CRED}credentialStatus")}));
    assert_eq!(with_bundle(&aliased).verdict, Verdict::Invalid);
}

/// A generic (non-licence) credential, verified without a bundle: an expired
/// one does not become valid by re-spelling `validUntil`.
#[test]
fn an_expired_credential_stays_expired_whatever_the_spelling_of_its_dates() {
    let signer = key("keys/ed25519.pem");
    let did = did::did_key(&signer.public_key());
    let doc = proof::sign(
        &json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": did,
            "validFrom": "2025-01-01T00:00:00Z",
            "validUntil": "2025-12-31T23:59:59Z",
            "credentialSubject": {"id": "did:example:holder"}
        }),
        Cryptosuite::EddsaRdfc2022,
        &signer,
        &ProofOptions::new(
            did::did_key_verification_method(&signer.public_key()),
            "2025-01-01T00:00:00Z",
        ),
    )
    .unwrap();
    let basic = |d: &Value| verify(d.to_string().as_bytes(), &Policy::at(time(NOW)));
    let report = basic(&doc);
    assert_eq!(report.verdict, Verdict::Invalid, "{report:#?}");
    assert_eq!(report.outcome(CheckCode::Validity), Some(Outcome::Fail));
    let mut attack = renamed(&doc, &[], "validUntil", &format!("{CRED}validUntil"));
    attack[format!("{CRED}validUntil")] =
        json!({"@value": "2025-12-31T23:59:59Z", "@type": XSD_DATETIME});
    let report = basic(&attack);
    assert_eq!(report.verdict, Verdict::Invalid, "{report:#?}");
    assert_eq!(report.outcome(CheckCode::Contexts), Some(Outcome::Fail));
    no_respelling_is_more_favourable(&doc, basic);
}

/// VC 1.1 defines neither validFrom nor validUntil: adding them to a signed
/// 1.1 credential changes no signed triple, but would move the validity
/// check to dates the attacker chose. Safe mode refuses the dropped terms.
#[test]
fn dates_added_to_a_vc_1_1_credential_are_refused_as_unsigned() {
    let signer = key("keys/ed25519.pem");
    let did = did::did_key(&signer.public_key());
    let vc11 = json!({
        "@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/data-integrity/v2"],
        "type": ["VerifiableCredential"],
        "issuer": did,
        "issuanceDate": "2020-01-01T00:00:00Z",
        "expirationDate": "2021-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:holder"}
    });
    let signed = proof::sign(
        &vc11,
        Cryptosuite::EddsaRdfc2022,
        &signer,
        &ProofOptions::new(
            did::did_key_verification_method(&signer.public_key()),
            "2020-01-01T00:00:00Z",
        ),
    )
    .unwrap();
    let basic = |d: &Value| verify(d.to_string().as_bytes(), &Policy::at(time(NOW)));
    assert_eq!(basic(&signed).verdict, Verdict::Invalid, "expired in 2021");
    let mut attack = signed.clone();
    attack["validFrom"] = json!("2020-01-01T00:00:00Z");
    attack["validUntil"] = json!("2099-01-01T00:00:00Z");
    let report = basic(&attack);
    assert_eq!(report.verdict, Verdict::Invalid, "{report:#?}");
    assert_ne!(report.outcome(CheckCode::Validity), Some(Outcome::Pass));
}

/// A proof's `expires` re-spelled as its IRI would hide the expiry from the
/// proof engine, which reads it by name.
#[test]
fn an_expired_proof_stays_expired_when_expires_is_re_spelled() {
    let signer = key("keys/ed25519.pem");
    let did = did::did_key(&signer.public_key());
    let mut options = ProofOptions::new(
        did::did_key_verification_method(&signer.public_key()),
        "2026-01-01T00:00:00Z",
    );
    options.expires = Some("2026-02-01T00:00:00Z".into());
    let doc = proof::sign(
        &json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": did,
            "credentialSubject": {"id": "did:example:holder"}
        }),
        Cryptosuite::EddsaRdfc2022,
        &signer,
        &options,
    )
    .unwrap();
    let basic = |d: &Value| verify(d.to_string().as_bytes(), &Policy::at(time(NOW)));
    assert_eq!(basic(&doc).verdict, Verdict::Invalid, "the proof expired");
    // The key by its IRI and the value typed as the term typed it: the
    // signed RDF is unchanged, so the signature still holds.
    let expiration = "https://w3id.org/security#expiration";
    let mut attack = renamed(&doc, &[Step::Key("proof".into())], "expires", expiration);
    attack["proof"][expiration] = json!({"@value": "2026-02-01T00:00:00Z", "@type": XSD_DATETIME});
    let report = basic(&attack);
    assert_eq!(report.verdict, Verdict::Invalid, "{report:#?}");
    assert_eq!(report.outcome(CheckCode::Contexts), Some(Outcome::Fail));
}

/// A credential that names a status list is never judged without one: with
/// no bundle and no list it is cannot-decide and says the status was not
/// checked; only an explicit opt-out skips it, and the report says so.
#[test]
fn status_is_never_silently_unchecked() {
    let revoked = json_of("trust/licences/revoked.json");
    let mut resolver = OfflineResolver::new();
    resolver
        .add_document(json!({
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": DIW,
            "verificationMethod": [{"id": diw_vm(), "type": "Multikey", "controller": DIW,
                "publicKeyMultibase": key("keys/ed25519.pem").public_key().to_multikey()}],
            "assertionMethod": [diw_vm()]
        }))
        .unwrap();
    let policy = |status: StatusOptions| Policy {
        resolver: resolver.clone(),
        status,
        ..Policy::at(time(NOW))
    };
    let report = verify(
        revoked.to_string().as_bytes(),
        &policy(StatusOptions::default()),
    );
    assert_eq!(report.verdict, Verdict::CannotDecide, "{report:#?}");
    assert_eq!(report.outcome(CheckCode::Status), Some(Outcome::NotRun));
    // With the issuer's list supplied, the revocation shows.
    let list = json_of("trust/status-revocation.json");
    let snapshot = verify_list_credential(
        &list,
        REVOCATION_LIST,
        Some(DIW),
        &resolver,
        Some(time(NOW)),
        time(NOW),
    )
    .unwrap();
    let with_list = StatusOptions {
        lists: vec![snapshot],
        ..StatusOptions::default()
    };
    let report = verify(revoked.to_string().as_bytes(), &policy(with_list));
    assert_eq!(report.verdict, Verdict::Invalid);
    assert_eq!(report.outcome(CheckCode::Status), Some(Outcome::Fail));
    // Opting out is explicit and visible.
    let skip = StatusOptions {
        check: false,
        ..StatusOptions::default()
    };
    let report = verify(revoked.to_string().as_bytes(), &policy(skip));
    assert_eq!(report.outcome(CheckCode::Status), Some(Outcome::Skipped));
    let status = report
        .checks
        .iter()
        .find(|c| c.code == CheckCode::Status)
        .unwrap();
    assert!(status.reason.en.contains("NOT CHECKED"), "{status:#?}");
}

fn list_credential(url: &str, valid_from: &str, valid_until: Option<&str>, bits: &[u8]) -> Value {
    let mut list = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": DIW,
        "validFrom": valid_from,
        "credentialSubject": {"id": format!("{url}#list"), "type": "BitstringStatusList",
            "statusPurpose": "revocation", "encodedList": encode_list(bits)}
    });
    if let Some(u) = valid_until {
        list["validUntil"] = json!(u);
    }
    diw_sign(&list, Cryptosuite::EddsaRdfc2022, valid_from)
}

fn diw_resolver() -> OfflineResolver {
    bundle().resolver().clone()
}

/// Status lists are credentials like any other: each way a list could be
/// swapped, replayed or forged is refused before its bits are read.
#[test]
fn status_lists_are_checked_like_credentials() {
    let clear = vec![0u8; 131_072 / 8];
    let now = time(NOW);
    let check = |list: &Value, url: &str, issuer: Option<&str>| {
        verify_list_credential(list, url, issuer, &diw_resolver(), Some(now), now)
    };
    let good = list_credential(
        REVOCATION_LIST,
        "2026-05-31T00:00:00Z",
        Some("2026-06-07T00:00:00Z"),
        &clear,
    );
    assert!(check(&good, REVOCATION_LIST, Some(DIW)).is_ok());
    // A mirror replaying the list from before a revocation: expired.
    let replayed = list_credential(
        REVOCATION_LIST,
        "2026-05-01T00:00:00Z",
        Some("2026-05-08T00:00:00Z"),
        &clear,
    );
    assert!(matches!(
        check(&replayed, REVOCATION_LIST, Some(DIW)),
        Err(ListError::Expired(_))
    ));
    // Not yet valid.
    let future = list_credential(REVOCATION_LIST, "2026-07-01T00:00:00Z", None, &clear);
    assert!(matches!(
        check(&future, REVOCATION_LIST, Some(DIW)),
        Err(ListError::NotYetValid(_))
    ));
    // Another list's content served at this URL.
    let other = list_credential(
        "https://licence.diw.example.go.th/status/revocation/2",
        "2026-05-31T00:00:00Z",
        None,
        &clear,
    );
    assert!(matches!(
        check(&other, REVOCATION_LIST, Some(DIW)),
        Err(ListError::WrongUrl { .. })
    ));
    // Another issuer's list for this credential.
    assert!(matches!(
        check(&good, REVOCATION_LIST, Some("did:web:other.example.go.th")),
        Err(ListError::WrongIssuer { .. })
    ));
    // Altered after signing (bits cleared).
    let mut tampered = list_credential(REVOCATION_LIST, "2026-05-31T00:00:00Z", None, &{
        let mut b = clear.clone();
        b[0] = 0xff;
        b
    });
    tampered["credentialSubject"]["encodedList"] = json!(encode_list(&clear));
    assert!(matches!(
        check(&tampered, REVOCATION_LIST, Some(DIW)),
        Err(ListError::Proof(_))
    ));
    // Signed by a key its issuer does not control (a did:key claiming DIW).
    let mut forged = good.clone();
    forged.as_object_mut().unwrap().remove("proof");
    let stranger = key("keys/other-ed25519.pem");
    let forged = proof::sign(
        &forged,
        Cryptosuite::EddsaRdfc2022,
        &stranger,
        &ProofOptions::new(
            did::did_key_verification_method(&stranger.public_key()),
            NOW,
        ),
    )
    .unwrap();
    assert!(matches!(
        check(&forged, REVOCATION_LIST, Some(DIW)),
        Err(ListError::SignedByOther { .. }) | Err(ListError::Proof(_))
    ));
    // Its validUntil re-spelled as an IRI, so a reader by name sees no expiry.
    let respelled = renamed(&replayed, &[], "validUntil", &format!("{CRED}validUntil"));
    assert!(matches!(
        check(&respelled, REVOCATION_LIST, Some(DIW)),
        Err(ListError::Contexts(_))
    ));
}

/// A snapshot is only as recent as its own validFrom; one past its
/// validUntil is never used for "clear".
#[test]
fn an_expired_or_undated_status_list_is_never_used_for_clear() {
    let valid = json_of("trust/licences/valid.json");
    let clear = vec![0u8; 131_072 / 8];
    let verify_with = |list: Value, at: &str| {
        let snap = verify_list_credential(
            &list,
            REVOCATION_LIST,
            Some(DIW),
            &diw_resolver(),
            None,
            time(at),
        )
        .unwrap();
        let policy = TrustPolicy {
            status_lists: vec![snap],
            ..TrustPolicy::default()
        };
        verify_with_bundle(valid.to_string().as_bytes(), bundle(), time(at), &policy)
    };
    let expired = list_credential(
        REVOCATION_LIST,
        "2026-05-25T00:00:00Z",
        Some("2026-05-30T00:00:00Z"),
        &clear,
    );
    let report = verify_with(expired, NOW);
    assert_eq!(report.verdict, Verdict::CannotDecide, "{report:#?}");
    let undated = {
        let mut l = list_credential(REVOCATION_LIST, "2026-05-31T00:00:00Z", None, &clear);
        l.as_object_mut().unwrap().remove("validFrom");
        l.as_object_mut().unwrap().remove("proof");
        diw_sign(&l, Cryptosuite::EddsaRdfc2022, "2026-05-31T00:00:00Z")
    };
    let report = verify_with(undated, NOW);
    assert_eq!(report.verdict, Verdict::CannotDecide, "{report:#?}");
    // A fresh list the caller fetched overrides the bundle's older snapshot.
    let fresh = list_credential(
        REVOCATION_LIST,
        "2026-05-31T12:00:00Z",
        Some("2026-06-07T00:00:00Z"),
        &clear,
    );
    assert_eq!(verify_with(fresh, NOW).verdict, Verdict::Valid);
}

/// A presentation whose proof's challenge is re-spelled cannot pass the
/// challenge check by hiding the challenge from it.
#[test]
fn a_presentation_cannot_hide_its_challenge() {
    let business = key("trust/keys/business.pem");
    let holder = did::did_key(&business.public_key());
    let credential = rdfc_licence("valid");
    let mut options = ProofOptions::new(
        did::did_key_verification_method(&business.public_key()),
        "2026-05-31T00:00:00Z",
    );
    options.proof_purpose = "authentication".into();
    options.challenge = Some("old-challenge".into());
    options.domain = Some("bank.example.co.th".into());
    let vp = proof::sign(
        &json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
            "holder": holder,
            "verifiableCredential": [credential]
        }),
        Cryptosuite::EddsaRdfc2022,
        &business,
        &options,
    )
    .unwrap();
    let policy = TrustPolicy {
        presentation: Some(PresentationRequest {
            challenge: "fresh-challenge".into(),
            domain: "bank.example.co.th".into(),
            seen_challenges: Default::default(),
        }),
        ..TrustPolicy::default()
    };
    let check =
        |d: &Value| verify_with_bundle(d.to_string().as_bytes(), bundle(), time(NOW), &policy);
    assert_eq!(
        check(&vp).verdict,
        Verdict::Invalid,
        "answers another challenge"
    );
    let attack = renamed(
        &vp,
        &[Step::Key("proof".into())],
        "challenge",
        "https://w3id.org/security#challenge",
    );
    let report = check(&attack);
    assert_eq!(report.verdict, Verdict::Invalid, "{report:#?}");
}
