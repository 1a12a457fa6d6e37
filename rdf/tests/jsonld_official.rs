//! A mini corpus of official JSON-LD 1.1 toRdf tests (w3c/json-ld-api,
//! tests/toRdf) within the supported subset; inputs and expected N-Quads are
//! embedded verbatim. None of them has more than one blank node, so the
//! comparison is on N-Quads lines after mapping our single label to `_:b0`.

use elicence_rdf::jsonld::{to_rdf, ContextLoader, JsonLdError};

struct NoContexts;

impl ContextLoader for NoContexts {
    fn load(&self, _url: &str) -> Option<&str> {
        None
    }
}

fn check(input: &str, expected_nq: &str) {
    let doc: serde_json::Value = serde_json::from_str(input).unwrap();
    let quads = to_rdf(&doc, &NoContexts).unwrap();
    let mut ours: Vec<String> = quads.iter().map(ToString::to_string).collect();
    ours.sort();
    let mut expected: Vec<String> = expected_nq.lines().map(|l| format!("{l}\n")).collect();
    expected.sort();
    assert_eq!(ours, expected);
}

/// toRdf/c039: a type-scoped context inside an embedded context.
#[test]
fn c039_type_scoped_context_in_embedded_context() {
    check(
        r#"{
  "@context": {"knows": "http://example.com/knows"},
  "@id": "http://example.com/alice",
  "knows": {
    "@context": {
      "Person": {
        "@id": "http://example.com/Person",
        "@context": {"name": "http://example.com/name"}
      }
    },
    "@id": "http://example.com/jane",
    "@type": "Person",
    "name": "Jane"
  }
}"#,
        "<http://example.com/alice> <http://example.com/knows> <http://example.com/jane> .\n\
<http://example.com/jane> <http://example.com/name> \"Jane\" .\n\
<http://example.com/jane> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://example.com/Person> .",
    );
}

/// toRdf/js27: duplicate JSON literals collapse into one triple.
#[test]
fn js27_duplicate_json_literals() {
    check(
        r#"{
  "http://example.org/vocab#value": [
    {"@value": [{"dup": true}], "@type": "@json"},
    {"@value": [{"dup": true}], "@type": "@json"}
  ]
}"#,
        r#"_:b0 <http://example.org/vocab#value> "[{\"dup\":true}]"^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON> ."#,
    );
}

/// toRdf/nt01: control characters survive into the literal (the N-Quads
/// escaping itself is `rdf::Quad`'s canonical form).
#[test]
fn nt01_literal_with_control_characters() {
    let doc = serde_json::json!([{
        "@id": "http://a.example/s",
        "http://a.example/p": [{"@value": "\u{0}\t\u{b}\u{c}\u{e}&([]\u{7f}"}]
    }]);
    let quads = to_rdf(&doc, &NoContexts).unwrap();
    assert_eq!(quads.len(), 1);
    match &quads[0].object {
        elicence_rdf::model::Term::Literal(l) => {
            assert_eq!(l.value, "\u{0}\t\u{b}\u{c}\u{e}&([]\u{7f}")
        }
        other => panic!("{other:?}"),
    }
}

/// toRdf/in05-style documents use `@included`, outside the subset: refused.
#[test]
fn included_blocks_are_refused() {
    let doc = serde_json::json!({
        "@context": {"@version": 1.1, "@vocab": "http://example.org/"},
        "@included": [{"@id": "http://example.org/a"}]
    });
    assert!(matches!(
        to_rdf(&doc, &NoContexts),
        Err(JsonLdError::Unsupported { .. })
    ));
}
