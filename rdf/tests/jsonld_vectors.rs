//! JSON-LD toRdf against the W3C Data Integrity test vectors (eddsa-rdfc-2022,
//! ecdsa-rdfc-2019, Ed25519Signature2020), plus feature and error cases.
//!
//! RDFC-1.0 lives elsewhere, so datasets are compared up to blank-node
//! renaming with a small brute-force isomorphism check.

use std::collections::{BTreeSet, HashMap};

use elicence_rdf::jsonld::{to_rdf, CanonicalizeError, ContextLoader, JsonLdError, Processor};
use elicence_rdf::model::{Literal, Quad, Term, XSD_STRING};
use elicence_rdf::rdfc::{self, ComplexityLimit, HashAlgorithm, Options};
use serde_json::{json, Value};

mod shared;
use shared::vectors_dir;

fn read(rel: &str) -> String {
    let p = vectors_dir().join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn read_json(rel: &str) -> Value {
    serde_json::from_str(&read(rel)).unwrap()
}

/// W3C CCG citizenship vocabulary context v4rc1 (used by the `employ`
/// vectors; not among the shared pinned contexts), as published at
/// https://w3id.org/citizenship/v4rc1.
const CITIZENSHIP_V4RC1: &str = include_str!("../../core/contexts/w3c/citizenship-v4rc1.jsonld");

/// Loader over the shared pinned context files.
struct Pinned(HashMap<String, String>);

impl Pinned {
    fn new() -> Self {
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
            (
                "https://w3id.org/security/data-integrity/v1",
                "w3id-data-integrity-v1.jsonld",
            ),
            (
                "https://w3id.org/security/data-integrity/v2",
                "w3id-data-integrity-v2.jsonld",
            ),
            (
                "https://w3id.org/security/multikey/v1",
                "w3id-multikey-v1.jsonld",
            ),
            ("https://www.w3.org/ns/did/v1", "w3c-did-v1.jsonld"),
            (
                "https://w3id.org/security/suites/ed25519-2020/v1",
                "w3id-ed25519-signature-2020-v1.jsonld",
            ),
            ("https://w3id.org/security/v2", "w3id-security-v2.jsonld"),
        ];
        let mut map: HashMap<String, String> = files
            .iter()
            .map(|(url, f)| (url.to_string(), read(&format!("w3c-contexts/{f}"))))
            .collect();
        map.insert(
            "https://w3id.org/citizenship/v4rc1".into(),
            CITIZENSHIP_V4RC1.into(),
        );
        Pinned(map)
    }
}

impl ContextLoader for Pinned {
    fn load(&self, url: &str) -> Option<&str> {
        self.0.get(url).map(String::as_str)
    }
}

// ---------- tiny test-only N-Quads reader ----------

fn parse_term(s: &str) -> (Term, &str) {
    let s = s.trim_start();
    if let Some(rest) = s.strip_prefix('<') {
        let end = rest.find('>').unwrap();
        (Term::Iri(rest[..end].to_owned()), &rest[end + 1..])
    } else if let Some(rest) = s.strip_prefix("_:") {
        let end = rest.find(|c: char| c.is_whitespace()).unwrap();
        (Term::BlankNode(rest[..end].to_owned()), &rest[end..])
    } else if let Some(rest) = s.strip_prefix('"') {
        let mut value = String::new();
        let mut chars = rest.char_indices();
        let end;
        loop {
            let (i, c) = chars.next().unwrap();
            match c {
                '"' => {
                    end = i;
                    break;
                }
                '\\' => {
                    let (_, e) = chars.next().unwrap();
                    match e {
                        'n' => value.push('\n'),
                        'r' => value.push('\r'),
                        't' => value.push('\t'),
                        'b' => value.push('\u{8}'),
                        'f' => value.push('\u{c}'),
                        '"' => value.push('"'),
                        '\\' => value.push('\\'),
                        'u' | 'U' => {
                            let n = if e == 'u' { 4 } else { 8 };
                            let hex: String = (0..n).map(|_| chars.next().unwrap().1).collect();
                            value.push(
                                char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap(),
                            );
                        }
                        other => panic!("bad escape {other}"),
                    }
                }
                c => value.push(c),
            }
        }
        let rest = &rest[end + 1..];
        if let Some(r) = rest.strip_prefix("^^<") {
            let e = r.find('>').unwrap();
            let lit = Literal {
                value,
                datatype: r[..e].to_owned(),
                language: None,
            };
            (Term::Literal(lit), &r[e + 1..])
        } else if let Some(r) = rest.strip_prefix('@') {
            let e = r.find(|c: char| c.is_whitespace()).unwrap();
            let lit = Literal {
                value,
                datatype: elicence_rdf::model::RDF_LANG_STRING.to_owned(),
                language: Some(r[..e].to_owned()),
            };
            (Term::Literal(lit), &r[e..])
        } else {
            let lit = Literal {
                value,
                datatype: XSD_STRING.to_owned(),
                language: None,
            };
            (Term::Literal(lit), rest)
        }
    } else {
        panic!("cannot parse term at {s:?}")
    }
}

fn parse_nquads(text: &str) -> Vec<Quad> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let (subject, rest) = parse_term(line);
            let (predicate, rest) = parse_term(rest);
            let (object, rest) = parse_term(rest);
            let rest = rest.trim();
            let graph = if rest == "." {
                None
            } else {
                let (g, r) = parse_term(rest);
                assert_eq!(r.trim(), ".");
                Some(g)
            };
            Quad {
                subject,
                predicate,
                object,
                graph,
            }
        })
        .collect()
}

// ---------- dataset isomorphism (brute force, small graphs) ----------

fn blank_labels(quads: &[Quad]) -> Vec<String> {
    let mut set = BTreeSet::new();
    for q in quads {
        for t in [Some(&q.subject), Some(&q.object), q.graph.as_ref()]
            .into_iter()
            .flatten()
        {
            if let Term::BlankNode(l) = t {
                set.insert(l.clone());
            }
        }
    }
    set.into_iter().collect()
}

fn relabel(quads: &[Quad], map: &HashMap<String, String>) -> BTreeSet<Quad> {
    let f = |t: &Term| match t {
        Term::BlankNode(l) => Term::BlankNode(map[l].clone()),
        other => other.clone(),
    };
    quads
        .iter()
        .map(|q| Quad {
            subject: f(&q.subject),
            predicate: q.predicate.clone(),
            object: f(&q.object),
            graph: q.graph.as_ref().map(f),
        })
        .collect()
}

fn isomorphic(ours: &[Quad], expected: &[Quad]) -> bool {
    let expected_set: BTreeSet<Quad> = expected.iter().cloned().collect();
    let ours_set: BTreeSet<Quad> = ours.iter().cloned().collect();
    if ours_set.len() != expected_set.len() || ours.len() != ours_set.len() {
        return false;
    }
    let a = blank_labels(ours);
    let b = blank_labels(expected);
    if a.len() != b.len() {
        return false;
    }
    assert!(a.len() <= 8, "too many blank nodes for brute force");
    let mut perm: Vec<usize> = (0..b.len()).collect();
    permute(&mut perm, 0, &mut |p| {
        let map: HashMap<String, String> = a
            .iter()
            .cloned()
            .zip(p.iter().map(|&i| b[i].clone()))
            .collect();
        relabel(ours, &map) == expected_set
    })
}

fn permute(v: &mut Vec<usize>, k: usize, check: &mut dyn FnMut(&[usize]) -> bool) -> bool {
    if k == v.len() {
        return check(v);
    }
    for i in k..v.len() {
        v.swap(k, i);
        if permute(v, k + 1, check) {
            return true;
        }
        v.swap(k, i);
    }
    false
}

fn nquads(quads: &[Quad]) -> String {
    quads.iter().map(ToString::to_string).collect()
}

fn assert_dataset(doc: &Value, expected_nq: &str) {
    let ours = to_rdf(doc, &Pinned::new()).unwrap();
    let expected = parse_nquads(expected_nq);
    assert!(
        isomorphic(&ours, &expected),
        "datasets differ\n--- ours ---\n{}--- expected ---\n{}",
        nquads(&ours),
        expected_nq
    );
    assert_same_canonical_form(&Processor::new(Pinned::new()), doc);
}

/// `Processor::canonicalize` (toRdf straight into RDFC-1.0, nothing owned
/// in between) gives exactly what `to_rdf` then `rdfc::canonicalize_with`
/// gives, with SHA-256 and SHA-384; returns the SHA-256 form.
fn assert_same_canonical_form(processor: &Processor<Pinned>, doc: &Value) -> String {
    let quads = processor.to_rdf(doc).unwrap();
    let mut sha256 = String::new();
    for hash in [HashAlgorithm::Sha256, HashAlgorithm::Sha384] {
        let options = Options {
            hash,
            max_work: ComplexityLimit::DEFAULT,
        };
        let two_steps = rdfc::canonicalize_with(&quads, &options).unwrap().nquads;
        let direct = processor.canonicalize(doc, &options).unwrap();
        assert_eq!(direct, two_steps, "{hash:?} canonical forms differ");
        if hash == HashAlgorithm::Sha256 {
            sha256 = direct;
        }
    }
    sha256
}

// ---------- W3C Data Integrity vectors ----------

const EDDSA: &str = "w3c-vc-di-eddsa/TestVectors";
const ECDSA: &str = "w3c-vc-di-ecdsa/TestVectors";

#[test]
fn eddsa_rdfc_2022_unsigned_credential() {
    assert_dataset(
        &read_json(&format!("{EDDSA}/unsigned.json")),
        &read(&format!("{EDDSA}/eddsa-rdfc-2022/canonDocDataInt.txt")),
    );
}

#[test]
fn eddsa_rdfc_2022_proof_configuration() {
    assert_dataset(
        &read_json(&format!("{EDDSA}/eddsa-rdfc-2022/proofConfigDataInt.json")),
        &read(&format!("{EDDSA}/eddsa-rdfc-2022/proofCanonDataInt.txt")),
    );
}

#[test]
fn eddsa_rdfc_2022_employment_credential_with_type_scoped_contexts() {
    assert_dataset(
        &read_json(&format!("{EDDSA}/employmentAuth.json")),
        &read(&format!(
            "{EDDSA}/eddsa-rdfc-2022/employ/canonDocDataInt.txt"
        )),
    );
    assert_dataset(
        &read_json(&format!(
            "{EDDSA}/eddsa-rdfc-2022/employ/proofConfigDataInt.json"
        )),
        &read(&format!(
            "{EDDSA}/eddsa-rdfc-2022/employ/proofCanonDataInt.txt"
        )),
    );
}

#[test]
fn ecdsa_rdfc_2019_p256_and_p384() {
    assert_dataset(
        &read_json(&format!("{ECDSA}/unsigned.json")),
        &read(&format!(
            "{ECDSA}/ecdsa-rdfc-2019-p256/canonDocECDSAP256.txt"
        )),
    );
    assert_dataset(
        &read_json(&format!(
            "{ECDSA}/ecdsa-rdfc-2019-p256/proofConfigECDSAP256.json"
        )),
        &read(&format!(
            "{ECDSA}/ecdsa-rdfc-2019-p256/proofCanonECDSAP256.txt"
        )),
    );
    assert_dataset(
        &read_json(&format!(
            "{ECDSA}/ecdsa-rdfc-2019-p384/proofConfigECDSAP384.json"
        )),
        &read(&format!(
            "{ECDSA}/ecdsa-rdfc-2019-p384/proofCanonECDSAP384.txt"
        )),
    );
    assert_dataset(
        &read_json(&format!("{ECDSA}/employmentAuth.json")),
        &read(&format!(
            "{ECDSA}/ecdsa-rdfc-2019-p256/employ/canonDocECDSAP256.txt"
        )),
    );
}

#[test]
fn ed25519_signature_2020_proof_and_document() {
    assert_dataset(
        &read_json(&format!(
            "{EDDSA}/Ed25519Signature2020/proofConfigEdSig.json"
        )),
        &read(&format!("{EDDSA}/Ed25519Signature2020/proofCanonEdSig.txt")),
    );
    // The signed document minus its proof is the canonical document.
    let mut signed = read_json(&format!("{EDDSA}/Ed25519Signature2020/signedEdSig.json"));
    signed.as_object_mut().unwrap().remove("proof");
    assert_dataset(
        &signed,
        &read(&format!("{EDDSA}/Ed25519Signature2020/canonDocEdSig.txt")),
    );
}

/// A signed credential puts its proof in its own named graph, identified by
/// a blank node: document triples + (vc, sec:proof, _:g) + proof triples in _:g.
#[test]
fn signed_credential_proof_is_a_named_graph() {
    let signed = read_json(&format!("{EDDSA}/eddsa-rdfc-2022/signedDataInt.json"));
    let proof_value = signed["proof"]["proofValue"].as_str().unwrap().to_owned();
    let mut expected = read(&format!("{EDDSA}/eddsa-rdfc-2022/canonDocDataInt.txt"));
    expected.push_str(
        "<urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33> <https://w3id.org/security#proof> _:g .\n",
    );
    for line in read(&format!("{EDDSA}/eddsa-rdfc-2022/proofCanonDataInt.txt")).lines() {
        let line = line
            .trim_end()
            .strip_suffix(" .")
            .unwrap()
            .replace("_:c14n0", "_:p");
        expected.push_str(&format!("{line} _:g .\n"));
    }
    expected.push_str(&format!(
        "_:p <https://w3id.org/security#proofValue> \"{proof_value}\"^^<https://w3id.org/security#multibase> _:g .\n"
    ));
    assert_dataset(&signed, &expected);

    let quads = to_rdf(&signed, &Pinned::new()).unwrap();
    let in_named_graph = quads.iter().filter(|q| q.graph.is_some()).count();
    assert_eq!(
        in_named_graph, 6,
        "all proof triples, and only they, are in the proof graph"
    );
    assert!(quads
        .iter()
        .filter(|q| q.graph.is_some())
        .all(|q| matches!(q.graph, Some(Term::BlankNode(_)))));
}

/// The W3C vectors' canonical N-Quads, byte for byte, straight from JSON-LD.
#[test]
fn canonicalize_reproduces_the_w3c_canonical_documents() {
    let processor = Processor::new(Pinned::new()).with_safe_mode(true);
    let cases = [
        (
            format!("{EDDSA}/unsigned.json"),
            format!("{EDDSA}/eddsa-rdfc-2022/canonDocDataInt.txt"),
        ),
        (
            format!("{EDDSA}/eddsa-rdfc-2022/proofConfigDataInt.json"),
            format!("{EDDSA}/eddsa-rdfc-2022/proofCanonDataInt.txt"),
        ),
        (
            format!("{EDDSA}/employmentAuth.json"),
            format!("{EDDSA}/eddsa-rdfc-2022/employ/canonDocDataInt.txt"),
        ),
        (
            format!("{ECDSA}/ecdsa-rdfc-2019-p256/proofConfigECDSAP256.json"),
            format!("{ECDSA}/ecdsa-rdfc-2019-p256/proofCanonECDSAP256.txt"),
        ),
    ];
    for (input, canonical) in cases {
        let got = processor
            .canonicalize(&read_json(&input), &Options::default())
            .unwrap();
        assert_eq!(got, read(&canonical), "{input}");
    }
}

/// Blank nodes past `b9` (whose labels sort as strings, `b10` < `b2`) and
/// look-alike blank nodes that need Hash N-Degree Quads: the direct path
/// numbers them without labels and must still agree with the two-step one.
#[test]
fn canonicalize_agrees_with_to_rdf_then_rdfc_on_many_look_alike_blank_nodes() {
    let processor = Processor::new(Pinned::new());
    let same = json!({"https://ex.org/#name": "x"});
    let doc = json!({
        "@context": {"@vocab": "https://ex.org/#", "steps": {"@container": "@list"}},
        "@id": "urn:ex:1",
        "steps": ["a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a"],
        "parts": [same.clone(), same.clone(), same.clone(), {"name": "y"}, same.clone(), same],
        "ring": {"@id": "_:r1", "next": {"@id": "_:r2", "next": {"@id": "_:r3", "next": {"@id": "_:r1"}}}}
    });
    let canonical = assert_same_canonical_form(&processor, &doc);
    assert!(canonical.contains("_:c14n20 "), "{canonical}");
    // Twice through the same processor: nothing carried over.
    assert_eq!(
        processor.canonicalize(&doc, &Options::default()).unwrap(),
        canonical
    );
}

/// A verifier's view of a secured document (its top level without `proof`,
/// `@context` swapped) canonicalizes as the edited copy would.
#[test]
fn canonicalize_entries_equals_canonicalize_of_the_same_object() {
    let signed = read_json(&format!("{EDDSA}/eddsa-rdfc-2022/signedDataInt.json"));
    let map = signed.as_object().unwrap();
    let view = |context: &Value| -> (Vec<(&str, &Value)>, Value) {
        let entries: Vec<(&str, &Value)> = map
            .iter()
            .filter(|(k, _)| k.as_str() != "proof")
            .map(|(k, v)| (k.as_str(), v))
            .collect();
        let mut copy = map.clone();
        copy.remove("proof");
        copy.insert("@context".into(), context.clone());
        (entries, Value::Object(copy))
    };
    let options = Options::default();
    // The document's own context: the W3C canonical document.
    let processor = Processor::new(Pinned::new()).with_safe_mode(true);
    let (entries, copy) = view(&map["@context"]);
    let via_entries = processor.canonicalize_entries(&entries, &options).unwrap();
    assert_eq!(
        via_entries,
        processor.canonicalize(&copy, &options).unwrap()
    );
    assert_eq!(
        via_entries,
        read(&format!("{EDDSA}/eddsa-rdfc-2022/canonDocDataInt.txt"))
    );
    // Another context swapped in (without the examples context, so terms
    // drop without safe mode): the view reads the swapped one.
    let lenient = Processor::new(Pinned::new());
    let v2_only = json!(["https://www.w3.org/ns/credentials/v2"]);
    let (mut swapped, copy) = view(&v2_only);
    for entry in swapped.iter_mut().filter(|(k, _)| *k == "@context") {
        entry.1 = &v2_only;
    }
    let via_entries = lenient.canonicalize_entries(&swapped, &options).unwrap();
    assert_eq!(via_entries, lenient.canonicalize(&copy, &options).unwrap());
    assert_ne!(
        via_entries,
        read(&format!("{EDDSA}/eddsa-rdfc-2022/canonDocDataInt.txt"))
    );

    // Keys must be distinct, also past the small-list scan.
    let name = json!("x");
    let mut twice = entries.clone();
    twice.push(("name", &name));
    twice.push(("name", &name));
    let mut many: Vec<(String, Value)> = (0..40).map(|i| (format!("k{i}"), json!(i))).collect();
    many.push(("k7".into(), json!(0)));
    let many: Vec<(&str, &Value)> = many.iter().map(|(k, v)| (k.as_str(), v)).collect();
    for bad in [&twice, &many] {
        match processor.canonicalize_entries(bad, &options) {
            Err(CanonicalizeError::JsonLd(JsonLdError::Syntax { code, .. })) => {
                assert_eq!(code, "duplicate entry")
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn canonicalize_reports_json_ld_and_rdfc_errors() {
    let processor = Processor::new(Pinned::new()).with_safe_mode(true);
    let undefined =
        json!({"@context": "https://www.w3.org/ns/credentials/v2", "id": "urn:x", "nme": "a"});
    assert!(matches!(
        processor.canonicalize(&undefined, &Options::default()),
        Err(CanonicalizeError::JsonLd(JsonLdError::Dropped { .. }))
    ));
    // A chain of look-alike nodes with no Hash N-Degree Quads budget.
    let tight = Options {
        hash: HashAlgorithm::Sha256,
        max_work: ComplexityLimit {
            max_ndegree_calls: 0,
            ..ComplexityLimit::DEFAULT
        },
    };
    let twins = json!({"@context": {"@vocab": "https://ex.org/#"}, "@id": "urn:x",
        "p": [{"q": "same"}, {"q": "same"}]});
    assert!(matches!(
        processor.canonicalize(&twins, &tight),
        Err(CanonicalizeError::Rdfc(rdfc::RdfcError::TooComplex { .. }))
    ));
}

#[test]
fn processor_cache_gives_identical_results_across_documents() {
    let processor = Processor::new(Pinned::new());
    let signed = read_json(&format!("{EDDSA}/eddsa-rdfc-2022/signedDataInt.json"));
    let employ = read_json(&format!("{EDDSA}/employmentAuth.json"));
    let first = processor.to_rdf(&signed).unwrap();
    let _ = processor.to_rdf(&employ).unwrap();
    let again = processor.to_rdf(&signed).unwrap();
    assert_eq!(first, again);
    assert_eq!(first, to_rdf(&signed, &Pinned::new()).unwrap());
}

// ---------- VC 1.1, features ----------

#[test]
fn vc_1_1_credential_with_issuance_date() {
    let doc = json!({
        "@context": ["https://www.w3.org/2018/credentials/v1", {"@vocab": "https://example.org/vocab#"}],
        "id": "urn:uuid:1",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "issuanceDate": "2010-01-01T19:23:24Z",
        "credentialSubject": {"id": "did:example:subject", "degree": "BSc"}
    });
    assert_dataset(
        &doc,
        r#"<urn:uuid:1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://www.w3.org/2018/credentials#VerifiableCredential> .
<urn:uuid:1> <https://www.w3.org/2018/credentials#issuer> <did:example:issuer> .
<urn:uuid:1> <https://www.w3.org/2018/credentials#issuanceDate> "2010-01-01T19:23:24Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> .
<urn:uuid:1> <https://www.w3.org/2018/credentials#credentialSubject> <did:example:subject> .
<did:example:subject> <https://example.org/vocab#degree> "BSc" .
"#,
    );
}

#[test]
fn language_map_list_json_typed_and_native_literals() {
    let doc = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", {
            "@vocab": "https://ex.org/#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
            "label": {"@id": "https://ex.org/#label", "@container": "@language"},
            "steps": {"@id": "https://ex.org/#steps", "@container": "@list"},
            "meta": {"@id": "https://ex.org/#meta", "@type": "@json"},
            "count": {"@id": "https://ex.org/#count", "@type": "xsd:integer"}
        }],
        "id": "urn:ex:1",
        "type": "VerifiableCredential",
        "issuer": "did:ex:i",
        "credentialSubject": {
            "id": "did:ex:s",
            "label": {"th": "ร้านค้า", "en-US": "Shop"},
            "steps": ["a", "b"],
            "meta": {"b": 1, "a": [true, null, 1.5]},
            "count": "7",
            "score": 5.3,
            "active": true,
            "n": 42,
            "issued": {"@value": "2024-01-01", "@type": "xsd:date"}
        }
    });
    assert_dataset(
        &doc,
        r#"<urn:ex:1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://www.w3.org/2018/credentials#VerifiableCredential> .
<urn:ex:1> <https://www.w3.org/2018/credentials#issuer> <did:ex:i> .
<urn:ex:1> <https://www.w3.org/2018/credentials#credentialSubject> <did:ex:s> .
<did:ex:s> <https://ex.org/#label> "ร้านค้า"@th .
<did:ex:s> <https://ex.org/#label> "Shop"@en-us .
<did:ex:s> <https://ex.org/#steps> _:l0 .
_:l0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> "a" .
_:l0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> _:l1 .
_:l1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> "b" .
_:l1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> <http://www.w3.org/1999/02/22-rdf-syntax-ns#nil> .
<did:ex:s> <https://ex.org/#meta> "{\"a\":[true,null,1.5],\"b\":1}"^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON> .
<did:ex:s> <https://ex.org/#count> "7"^^<http://www.w3.org/2001/XMLSchema#integer> .
<did:ex:s> <https://ex.org/#score> "5.3E0"^^<http://www.w3.org/2001/XMLSchema#double> .
<did:ex:s> <https://ex.org/#active> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> .
<did:ex:s> <https://ex.org/#n> "42"^^<http://www.w3.org/2001/XMLSchema#integer> .
<did:ex:s> <https://ex.org/#issued> "2024-01-01"^^<http://www.w3.org/2001/XMLSchema#date> .
"#,
    );
}

#[test]
fn presentation_embeds_credentials_in_graphs_and_resets_context() {
    let doc = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:vp:1",
        "type": "VerifiablePresentation",
        "verifiableCredential": [{
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
            "id": "urn:vc:1",
            "type": "VerifiableCredential",
            "issuer": "did:ex:i",
            "credentialSubject": {"id": "did:ex:s", "licence": "food"}
        }]
    });
    assert_dataset(
        &doc,
        r#"<urn:vp:1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://www.w3.org/2018/credentials#VerifiablePresentation> .
<urn:vp:1> <https://www.w3.org/2018/credentials#verifiableCredential> _:g .
<urn:vc:1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://www.w3.org/2018/credentials#VerifiableCredential> _:g .
<urn:vc:1> <https://www.w3.org/2018/credentials#issuer> <did:ex:i> _:g .
<urn:vc:1> <https://www.w3.org/2018/credentials#credentialSubject> <did:ex:s> _:g .
<did:ex:s> <https://www.w3.org/ns/credentials/examples#licence> "food" _:g .
"#,
    );
}

#[test]
fn base_iri_resolves_relative_ids_and_blank_nodes_are_relabelled() {
    let doc = json!({
        "@context": {"@vocab": "https://ex.org/#"},
        "@id": "licences/42",
        "holder": {"@id": "_:x", "name": "A"},
        "alsoHolder": {"@id": "_:x"}
    });
    let quads = Processor::new(Pinned::new())
        .with_base("https://agency.example/base/doc")
        .to_rdf(&doc)
        .unwrap();
    let expected = parse_nquads(
        r#"<https://agency.example/base/licences/42> <https://ex.org/#holder> _:b0 .
<https://agency.example/base/licences/42> <https://ex.org/#alsoHolder> _:b0 .
_:b0 <https://ex.org/#name> "A" .
"#,
    );
    assert_eq!(
        quads.into_iter().collect::<BTreeSet<_>>(),
        expected.into_iter().collect()
    );
    // Without a base the relative subject is dropped, as the spec says.
    let quads = to_rdf(&doc, &Pinned::new()).unwrap();
    assert_eq!(quads.len(), 1);
}

#[test]
fn identical_redefinition_of_protected_term_is_allowed() {
    let doc = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://w3id.org/security/data-integrity/v2",
                     {"name": "https://schema.org/name"}],
        "id": "urn:x", "name": "ok"
    });
    assert_dataset(&doc, "<urn:x> <https://schema.org/name> \"ok\" .\n");
}

#[test]
fn expand_returns_expanded_form() {
    let doc = read_json(&format!("{EDDSA}/unsigned.json"));
    let expanded = elicence_rdf::jsonld::expand(&doc, &Pinned::new()).unwrap();
    let node = &expanded[0];
    assert_eq!(node["@id"], "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33");
    assert_eq!(
        node["https://www.w3.org/2018/credentials#validFrom"][0],
        json!({"@value": "2023-01-01T00:00:00Z", "@type": "http://www.w3.org/2001/XMLSchema#dateTime"})
    );
    assert_eq!(
        node["https://www.w3.org/2018/credentials#credentialSubject"][0]
            ["https://www.w3.org/ns/credentials/examples#alumniOf"][0]["@value"],
        "The School of Examples"
    );
}

// ---------- errors ----------

fn err(doc: Value) -> JsonLdError {
    to_rdf(&doc, &Pinned::new()).unwrap_err()
}

#[test]
fn unknown_context_is_refused_not_fetched() {
    let e = err(
        json!({"@context": ["https://www.w3.org/ns/credentials/v2", "https://evil.example/ctx"], "id": "urn:x"}),
    );
    assert_eq!(
        e,
        JsonLdError::UnknownContext("https://evil.example/ctx".into())
    );
    // security/v2 itself pulls in security/v1, which is not pinned.
    let e = err(json!({"@context": "https://w3id.org/security/v2", "@id": "urn:x"}));
    assert_eq!(
        e,
        JsonLdError::UnknownContext("https://w3id.org/security/v1".into())
    );
}

#[test]
fn inline_context_cannot_redefine_protected_terms() {
    let e = err(json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", {"name": "https://evil.example/name"}],
        "id": "urn:x", "name": "Alice"
    }));
    assert!(
        matches!(e, JsonLdError::ProtectedTermRedefinition { ref term, .. } if term == "name"),
        "{e:?}"
    );
    // Inside a node: `id` is protected by the VC context.
    let e = err(json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "VerifiableCredential",
        "credentialSubject": {"@context": {"type": "https://evil.example/t"}, "type": "X"}
    }));
    assert!(
        matches!(e, JsonLdError::ProtectedTermRedefinition { ref term, .. } if term == "type"),
        "{e:?}"
    );
    // Mixing incompatible VC contexts fails as in every conforming processor.
    let e = err(json!({
        "@context": ["https://www.w3.org/2018/credentials/v1", "https://www.w3.org/ns/credentials/v2"],
        "id": "urn:x"
    }));
    assert!(
        matches!(e, JsonLdError::ProtectedTermRedefinition { .. }),
        "{e:?}"
    );
    let e = err(json!({"@context": ["https://www.w3.org/ns/credentials/v2", null], "id": "urn:x"}));
    assert!(
        matches!(
            e,
            JsonLdError::Syntax {
                code: "invalid context nullification",
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn unsupported_features_are_rejected_with_their_location() {
    let e = err(json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", {"ex": {"@reverse": "https://ex.org/p"}}],
        "id": "urn:x", "ex": {"id": "did:ex:1"}
    }));
    assert_eq!(
        e,
        JsonLdError::Unsupported {
            feature: "@reverse".into(),
            path: "/ex".into()
        }
    );
    let e =
        err(json!({"@context": {"@vocab": "https://ex.org/"}, "@included": [{"@id": "urn:y"}]}));
    assert!(
        matches!(e, JsonLdError::Unsupported { ref feature, .. } if feature == "@included"),
        "{e:?}"
    );
    let e = err(json!({
        "@context": {"@vocab": "https://ex.org/", "m": {"@container": "@index"}},
        "@id": "urn:x", "m": {"a": "b"}
    }));
    assert!(
        matches!(e, JsonLdError::Unsupported { ref path, .. } if path == "/m"),
        "{e:?}"
    );
    let e = err(
        json!({"@context": {"@vocab": "https://ex.org/"}, "@id": "urn:x", "n": 9007199254740993u64}),
    );
    assert!(matches!(e, JsonLdError::Unsupported { .. }), "{e:?}");
}

#[test]
fn safe_mode_refuses_silently_dropped_terms() {
    let doc = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:x", "type": "VerifiableCredential", "unsignedClaim": "gets dropped"
    });
    let lenient = to_rdf(&doc, &Pinned::new()).unwrap();
    assert_eq!(lenient.len(), 1, "spec behaviour drops the undefined term");
    let e = Processor::new(Pinned::new())
        .with_safe_mode(true)
        .to_rdf(&doc)
        .unwrap_err();
    assert_eq!(
        e,
        JsonLdError::Dropped {
            what: "undefined term `unsignedClaim`".into(),
            path: "/unsignedClaim".into()
        }
    );
}

#[test]
fn malformed_inputs_give_typed_errors() {
    let e = err(json!({"@context": {"@vocab": "https://ex.org/"}, "@id": 5}));
    assert!(
        matches!(
            e,
            JsonLdError::Syntax {
                code: "invalid @id value",
                ..
            }
        ),
        "{e:?}"
    );
    let e = err(json!({"@context": {"a": {"@id": "b:"}, "b": {"@id": "a:"}}, "a:x": 1}));
    assert!(
        matches!(
            e,
            JsonLdError::Syntax {
                code: "cyclic IRI mapping",
                ..
            }
        ),
        "{e:?}"
    );
    let e = err(
        json!({"@context": {"@vocab": "https://ex.org/"}, "p": {"@value": "x", "@language": "en", "@type": "https://t"}}),
    );
    assert!(
        matches!(
            e,
            JsonLdError::Syntax {
                code: "invalid value object",
                ..
            }
        ),
        "{e:?}"
    );
    let e = err(json!({"@context": 7}));
    assert!(
        matches!(
            e,
            JsonLdError::Syntax {
                code: "invalid local context",
                ..
            }
        ),
        "{e:?}"
    );
}

/// The comparison helper itself must be able to fail.
#[test]
fn isomorphism_check_detects_differences() {
    let a = parse_nquads("_:a <http://p> _:b .\n_:b <http://q> \"x\" .\n");
    let renamed = parse_nquads("_:z <http://p> _:y .\n_:y <http://q> \"x\" .\n");
    let swapped = parse_nquads("_:z <http://p> _:y .\n_:z <http://q> \"x\" .\n");
    let other_literal = parse_nquads("_:z <http://p> _:y .\n_:y <http://q> \"x\"@en .\n");
    assert!(isomorphic(&a, &renamed));
    assert!(!isomorphic(&a, &swapped));
    assert!(!isomorphic(&a, &other_literal));
}
