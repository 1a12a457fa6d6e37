//! N-Quads parsing, canonical escaping, exact Unicode handling, and the
//! published Data Integrity canonical documents as fixed points.

use elicence_rdf::model::{Literal, Quad, Term, RDF_LANG_STRING, XSD_STRING};
use elicence_rdf::nquads::{self, NQuadsErrorKind};
use elicence_rdf::rdfc::{
    canonicalize, canonicalize_with, HashAlgorithm, InvalidQuadReason, Options, RdfcError,
};

mod shared;
use shared::vectors_dir as vectors;

fn iri(s: &str) -> Term {
    Term::Iri(s.to_owned())
}

fn quad(s: Term, p: &str, o: Term) -> Quad {
    Quad {
        subject: s,
        predicate: iri(p),
        object: o,
        graph: None,
    }
}

fn error_of(input: &str) -> (usize, usize, NQuadsErrorKind) {
    let e = nquads::parse(input).expect_err(input);
    (e.line, e.column, e.kind)
}

#[test]
fn parses_every_term_form() {
    let doc = "# a comment\n\
        \n\
        <urn:ex:s> <urn:ex:p> \"plain\" .\n\
        _:b0 <urn:ex:p> \"hello\"@en-GB <urn:ex:g> . # trailing comment\r\n\
        <urn:ex:s>\t<urn:ex:p>\t\"5\"^^<http://www.w3.org/2001/XMLSchema#integer>\t_:g1\t.\n\
        <urn:ex:s> <urn:ex:p> \"x\"^^<http://www.w3.org/2001/XMLSchema#string> .\n\
        <urn:ex:\\u0041\\U00000042> <urn:ex:p> _:o.\n";
    let quads = nquads::parse(doc).unwrap();
    assert_eq!(quads.len(), 5);
    assert_eq!(quads[0].object, Term::Literal(Literal::string("plain")));
    assert_eq!(quads[1].subject, Term::BlankNode("b0".into()));
    assert_eq!(
        quads[1].object,
        Term::Literal(Literal {
            value: "hello".into(),
            datatype: RDF_LANG_STRING.into(),
            language: Some("en-GB".into()),
        })
    );
    assert_eq!(quads[1].graph, Some(iri("urn:ex:g")));
    assert_eq!(quads[2].graph, Some(Term::BlankNode("g1".into())));
    // An explicit xsd:string is the same literal as a plain one.
    assert_eq!(quads[3].object, Term::Literal(Literal::string("x")));
    assert_eq!(
        quads[3].to_string(),
        "<urn:ex:s> <urn:ex:p> \"x\" .\n",
        "xsd:string is never written"
    );
    assert_eq!(quads[4].subject, iri("urn:ex:AB"));
    assert_eq!(quads[4].object, Term::BlankNode("o".into()));
}

#[test]
fn parse_errors_name_line_and_column() {
    // Missing final dot.
    let (line, _, kind) = error_of("<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> <urn:c>\n");
    assert_eq!(line, 2);
    assert!(
        matches!(kind, NQuadsErrorKind::UnexpectedEnd(_)),
        "{kind:?}"
    );
    // Literal subject.
    let (line, column, kind) = error_of("\n\n  \"x\" <urn:b> <urn:c> .");
    assert_eq!((line, column), (3, 3));
    assert!(matches!(
        kind,
        NQuadsErrorKind::Unexpected { found: '"', .. }
    ));
    // Blank node predicate.
    let (_, column, _) = error_of("<urn:a> _:p <urn:c> .");
    assert_eq!(column, 9);
    // Relative IRI.
    assert!(matches!(
        error_of("<a> <urn:b> <urn:c> .").2,
        NQuadsErrorKind::RelativeIri(ref s) if s == "a"
    ));
    // Space and escaped '>' inside an IRI.
    assert_eq!(
        error_of("<urn:a b> <urn:b> <urn:c> .").2,
        NQuadsErrorKind::InvalidIriChar(' ')
    );
    assert_eq!(
        error_of("<urn:a\\u003E> <urn:b> <urn:c> .").2,
        NQuadsErrorKind::InvalidIriChar('>')
    );
    // Bad escapes.
    assert_eq!(
        error_of("<urn:a> <urn:b> \"\\x\" .").2,
        NQuadsErrorKind::InvalidEscape
    );
    assert_eq!(
        error_of("<urn:a> <urn:b> \"\\u12\" .").2,
        NQuadsErrorKind::InvalidEscape
    );
    assert_eq!(
        error_of("<urn:a> <urn:b> \"\\uD800\" .").2,
        NQuadsErrorKind::InvalidCodePoint(0xD800)
    );
    assert_eq!(
        error_of("<urn:a> <urn:b> \"\\U00110000\" .").2,
        NQuadsErrorKind::InvalidCodePoint(0x110000)
    );
    // Unterminated literal, raw newline cannot be inside one.
    assert!(matches!(
        error_of("<urn:a> <urn:b> \"abc\n\" .").2,
        NQuadsErrorKind::UnexpectedEnd(_)
    ));
    // Bad language tag and blank node label.
    assert_eq!(
        error_of("<urn:a> <urn:b> \"x\"@-en .").2,
        NQuadsErrorKind::InvalidLanguageTag
    );
    assert_eq!(
        error_of("_:-a <urn:b> <urn:c> .").2,
        NQuadsErrorKind::InvalidBlankNode
    );
    // Garbage after the statement.
    assert_eq!(
        error_of("<urn:a> <urn:b> <urn:c> . <urn:d>").2,
        NQuadsErrorKind::TrailingContent
    );
    // Two graph labels.
    assert!(matches!(
        error_of("<urn:a> <urn:b> <urn:c> <urn:g> <urn:h> .").2,
        NQuadsErrorKind::Unexpected { found: '<', .. }
    ));
    // The message is readable.
    let msg = nquads::parse("<urn:a> <urn:b> <urn:c>")
        .unwrap_err()
        .to_string();
    assert!(msg.contains("line 1"), "{msg}");
}

#[test]
fn escapes_round_trip_in_canonical_form() {
    let all_controls: String = (0u8..0x20).map(char::from).chain(['\u{7f}']).collect();
    let cases = [
        ("quote \" backslash \\", r#""quote \" backslash \\""#),
        ("\t\u{8}\n\r\u{c}", r#""\t\b\n\r\f""#),
        ("\u{0}\u{b}\u{1f}\u{7f}", r#""\u0000\u000B\u001F\u007F""#),
        ("' single quote stays", r#""' single quote stays""#),
        ("\u{80}\u{a0}\u{2028}€😀", "\"\u{80}\u{a0}\u{2028}€😀\""),
        (all_controls.as_str(), ""),
    ];
    for (value, expected_literal) in cases {
        let q = quad(iri("urn:s"), "urn:p", Term::Literal(Literal::string(value)));
        let canonical = canonicalize(std::slice::from_ref(&q)).unwrap();
        if !expected_literal.is_empty() {
            assert_eq!(canonical, format!("<urn:s> <urn:p> {expected_literal} .\n"));
        }
        // Parsing the canonical form gives back the same value, and
        // canonicalizing again gives the same bytes.
        let parsed = nquads::parse(&canonical).unwrap();
        assert_eq!(parsed, vec![q], "{canonical}");
        assert_eq!(canonicalize(&parsed).unwrap(), canonical);
    }
    // Non-canonical escapes in the input collapse to the canonical form.
    let parsed = nquads::parse(r#"<urn:s> <urn:p> "\u0041\'\U0001F600\u000b" ."#).unwrap();
    assert_eq!(
        canonicalize(&parsed).unwrap(),
        "<urn:s> <urn:p> \"A'😀\\u000B\" .\n"
    );
}

#[test]
fn thai_text_with_combining_marks_survives_byte_exact() {
    // "ร้านค้า" and "กรุงเทพมหานคร" contain combining vowel and tone marks
    // (U+0E49 MAI THO, U+0E38 SARA U, ...); decomposed/recomposed forms must
    // never be produced.
    let name = "บริษัท ร้านค้าไทย จำกัด";
    let city = "กรุงเทพมหานคร \u{0E01}\u{0E49}\u{0E33}"; // ก + ้ + ำ, kept as given
    let doc = format!(
        "_:licence <https://schema.org/legalName> \"{name}\"@th .\n\
         _:licence <https://schema.org/address> \"{city}\" .\n"
    );
    let quads = nquads::parse(&doc).unwrap();
    let canonical = canonicalize(&quads).unwrap();
    let expected = format!(
        "_:c14n0 <https://schema.org/address> \"{city}\" .\n\
         _:c14n0 <https://schema.org/legalName> \"{name}\"@th .\n"
    );
    assert_eq!(canonical.as_bytes(), expected.as_bytes());
    assert!(canonical
        .as_bytes()
        .windows(3)
        .any(|w| w == "\u{0E49}".as_bytes()));
    // Escaped in the input (\u0E49), identical bytes in the output.
    let escaped = doc.replace('\u{0E49}', "\\u0E49");
    assert_ne!(escaped, doc);
    assert_eq!(
        canonicalize(&nquads::parse(&escaped).unwrap()).unwrap(),
        canonical
    );
}

#[test]
fn canonical_form_ignores_labels_order_and_duplicates() {
    let a = "_:x <urn:p> _:y .\n_:y <urn:q> \"v\" .\n<urn:s> <urn:r> _:x <urn:g> .\n";
    let b = "<urn:s> <urn:r> _:n1 <urn:g> .\n_:n2 <urn:q> \"v\" .\n_:n1 <urn:p> _:n2 .\n_:n2 <urn:q> \"v\" .\n";
    let ca = canonicalize(&nquads::parse(a).unwrap()).unwrap();
    let cb = canonicalize(&nquads::parse(b).unwrap()).unwrap();
    assert_eq!(ca, cb);
    assert_eq!(ca.lines().count(), 3);
    assert!(ca.ends_with(" .\n"));
    let mut lines: Vec<&str> = ca.lines().collect();
    lines.sort_unstable();
    assert_eq!(lines.join("\n") + "\n", ca, "lines are sorted");
    // Different data, different canonical form.
    let c = a.replace("\"v\"", "\"w\"");
    assert_ne!(canonicalize(&nquads::parse(&c).unwrap()).unwrap(), ca);
}

#[test]
fn issued_map_and_sha384_change_labels_not_data() {
    let doc = "_:a <urn:p> _:b .\n_:b <urn:p> _:c .\n_:c <urn:p> _:a .\n_:a <urn:q> \"1\" .\n";
    let quads = nquads::parse(doc).unwrap();
    let sha256 = canonicalize_with(&quads, &Options::default()).unwrap();
    let sha384 = canonicalize_with(
        &quads,
        &Options {
            hash: HashAlgorithm::Sha384,
            ..Options::default()
        },
    )
    .unwrap();
    for c in [&sha256, &sha384] {
        let mut inputs: Vec<&str> = c.issued.iter().map(|(i, _)| i.as_str()).collect();
        inputs.sort_unstable();
        assert_eq!(inputs, ["a", "b", "c"]);
        for (i, (_, canonical)) in c.issued.iter().enumerate() {
            assert_eq!(canonical, &format!("c14n{i}"));
        }
        assert_eq!(c.nquads.lines().count(), 4);
    }
    assert_eq!(sha256.nquads, canonicalize(&quads).unwrap());
}

#[test]
fn empty_dataset_and_ground_only_dataset() {
    assert_eq!(canonicalize(&[]).unwrap(), "");
    let q = quad(iri("urn:s"), "urn:p", iri("urn:o"));
    let c = canonicalize_with(&[q.clone(), q], &Options::default()).unwrap();
    assert_eq!(c.nquads, "<urn:s> <urn:p> <urn:o> .\n");
    assert!(c.issued.is_empty());
}

#[test]
fn invalid_quads_are_rejected_not_serialized() {
    let cases = [
        (
            quad(iri("urn:s"), "urn:p", iri("urn:o> <urn:forged")),
            InvalidQuadReason::InvalidIri,
        ),
        (
            quad(iri("urn:s"), "urn:p", iri("")),
            InvalidQuadReason::InvalidIri,
        ),
        (
            quad(Term::Literal(Literal::string("x")), "urn:p", iri("urn:o")),
            InvalidQuadReason::LiteralSubject,
        ),
        (
            Quad {
                subject: iri("urn:s"),
                predicate: Term::BlankNode("p".into()),
                object: iri("urn:o"),
                graph: None,
            },
            InvalidQuadReason::PredicateNotIri,
        ),
        (
            Quad {
                graph: Some(Term::Literal(Literal::string("g"))),
                ..quad(iri("urn:s"), "urn:p", iri("urn:o"))
            },
            InvalidQuadReason::LiteralGraphName,
        ),
        (
            quad(
                iri("urn:s"),
                "urn:p",
                Term::Literal(Literal {
                    value: "x".into(),
                    datatype: RDF_LANG_STRING.into(),
                    language: Some("en .\n<urn:a> <urn:b> <urn:c>".into()),
                }),
            ),
            InvalidQuadReason::InvalidLanguageTag,
        ),
        (
            quad(
                iri("urn:s"),
                "urn:p",
                Term::Literal(Literal {
                    value: "x".into(),
                    datatype: "urn:dt>".into(),
                    language: None,
                }),
            ),
            InvalidQuadReason::InvalidIri,
        ),
    ];
    for (bad, reason) in cases {
        let good = quad(iri("urn:s"), "urn:p", Term::Literal(Literal::string("ok")));
        let err = canonicalize(&[good, bad]).unwrap_err();
        assert_eq!(err, RdfcError::InvalidQuad { index: 1, reason });
    }
    // Sanity: the xsd:string constant is what plain literals use.
    assert_eq!(Literal::string("x").datatype, XSD_STRING);
}

/// The canonical documents published with the Data Integrity test vectors
/// are fixed points: parse, canonicalize, and get the same bytes back.
#[test]
fn data_integrity_canonical_documents_are_fixed_points() {
    let root = vectors();
    let files = [
        "w3c-vc-di-eddsa/TestVectors/eddsa-rdfc-2022/canonDocDataInt.txt",
        "w3c-vc-di-eddsa/TestVectors/eddsa-rdfc-2022/proofCanonDataInt.txt",
        "w3c-vc-di-eddsa/TestVectors/eddsa-rdfc-2022/employ/canonDocDataInt.txt",
        "w3c-vc-di-eddsa/TestVectors/eddsa-rdfc-2022/employ/proofCanonDataInt.txt",
        "w3c-vc-di-ecdsa/TestVectors/ecdsa-rdfc-2019-p256/employ/canonDocECDSAP256.txt",
        "w3c-vc-di-ecdsa/TestVectors/ecdsa-rdfc-2019-p256/employ/proofCanonECDSAP256.txt",
    ];
    for file in files {
        let path = root.join(file);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let quads = nquads::parse(&text).unwrap();
        assert!(!quads.is_empty(), "{file}");
        assert_eq!(canonicalize(&quads).unwrap(), text, "{file}");
        // Renaming the blank nodes and shuffling the statements changes nothing.
        let mut renamed: Vec<Quad> = quads
            .iter()
            .rev()
            .map(|q| Quad {
                subject: relabel(&q.subject),
                predicate: q.predicate.clone(),
                object: relabel(&q.object),
                graph: q.graph.as_ref().map(relabel),
            })
            .collect();
        let third = renamed.len() / 3;
        renamed.rotate_left(third);
        assert_eq!(canonicalize(&renamed).unwrap(), text, "{file} relabelled");
    }
}

fn relabel(t: &Term) -> Term {
    match t {
        Term::BlankNode(l) => Term::BlankNode(format!("zz{}", l.chars().rev().collect::<String>())),
        other => other.clone(),
    }
}
