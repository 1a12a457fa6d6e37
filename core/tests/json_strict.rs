//! Strict JSON parsing: what must be refused (duplicates, depth, size, malformed
//! text) and that everything else parses exactly as serde_json does.

use elicence_core::json::{
    parse_strict, parse_strict_with_limits, JsonError, Limits, DEPTH_CEILING, MAX_BYTES, MAX_DEPTH,
};
use serde_json::Value;

mod shared;
use shared::vectors_dir as shared_vectors;

fn duplicate(input: &str) -> (String, String, usize, usize) {
    match parse_strict(input.as_bytes()) {
        Err(JsonError::DuplicateKey {
            key,
            path,
            line,
            column,
        }) => (key, path, line, column),
        other => panic!("expected DuplicateKey for {input}, got {other:?}"),
    }
}

fn syntax(input: &[u8]) -> String {
    match parse_strict(input) {
        Err(JsonError::Syntax { message, .. }) => message,
        other => panic!("expected Syntax error for {input:?}, got {other:?}"),
    }
}

fn nested_arrays(depth: usize) -> String {
    format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
}

#[test]
fn duplicate_at_top_level_is_refused() {
    let (key, path, line, column) = duplicate(r#"{"a":1,"b":2,"a":3}"#);
    assert_eq!((key.as_str(), path.as_str()), ("a", "$.a"));
    // Column of the closing quote of the second "a".
    assert_eq!((line, column), (1, 16));
}

/// The attack the check exists for: two `validUntil` in one credential.
#[test]
fn duplicate_validuntil_in_credential_is_refused_with_its_path() {
    let input = r#"{
  "type": ["VerifiableCredential"],
  "validUntil": "2030-01-01T00:00:00Z",
  "credentialSubject": {"id": "did:example:1"},
  "validUntil": "2020-01-01T00:00:00Z"
}"#;
    let (key, path, line, _) = duplicate(input);
    assert_eq!(key, "validUntil");
    assert_eq!(path, "$.validUntil");
    assert_eq!(line, 5);
}

#[test]
fn nested_duplicate_reports_full_path() {
    let input = "{\"credentialSubject\":{\n\"licenceNumber\":\"A-1\",\n\"licenceNumber\":\"B-2\"}}";
    let err = parse_strict(input.as_bytes()).unwrap_err();
    assert_eq!(
        err,
        JsonError::DuplicateKey {
            key: "licenceNumber".into(),
            path: "$.credentialSubject.licenceNumber".into(),
            line: 3,
            column: 15,
        }
    );
    let message = err.to_string();
    assert!(message.contains("licenceNumber"), "{message}");
    assert!(
        message.contains("$.credentialSubject.licenceNumber"),
        "{message}"
    );
    assert!(message.contains("line 3"), "{message}");
}

#[test]
fn duplicate_inside_array_element_and_odd_names() {
    let (_, path, ..) = duplicate(r#"{"list":[{},{"x":1,"x":1}]}"#);
    assert_eq!(path, "$.list[1].x");
    let (_, path, ..) = duplicate(r#"{"a b":[[{"c.d":1,"c.d":2}]]}"#);
    assert_eq!(path, r#"$["a b"][0][0]["c.d"]"#);
    let (key, path, ..) = duplicate(r#"[{"@context":1,"@context":2}]"#);
    assert_eq!((key.as_str(), path.as_str()), ("@context", "$[0].@context"));
    let (key, path, ..) = duplicate(r#"{"":1,"":2}"#);
    assert_eq!((key.as_str(), path.as_str()), ("", r#"$[""]"#));
}

/// Names are compared after unescaping: `"a"` and `"\u0061"` are the same name.
#[test]
fn duplicate_through_escapes_is_refused() {
    let (key, ..) = duplicate(r#"{"a":1,"\u0061":2}"#);
    assert_eq!(key, "a");
    let (key, ..) = duplicate(r#"{"ก":1,"\u0e01":2}"#);
    assert_eq!(key, "ก");
}

/// Same name in different objects, or names differing only by normalisation, are
/// not duplicates.
#[test]
fn distinct_names_are_accepted() {
    let value = parse_strict(r#"{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}"#.as_bytes()).unwrap();
    assert_eq!(value["b"][1]["a"], 2);
    // NFC "ḍ̇" vs another ordering of the same marks: different code points, different names.
    let value = parse_strict("{\"\u{1e0d}\u{307}\":1,\"d\u{323}\u{307}\":2}".as_bytes()).unwrap();
    assert_eq!(value.as_object().unwrap().len(), 2);
}

#[test]
fn depth_limit_is_exact() {
    assert!(parse_strict(nested_arrays(MAX_DEPTH).as_bytes()).is_ok());
    match parse_strict(nested_arrays(MAX_DEPTH + 1).as_bytes()) {
        Err(JsonError::TooDeep {
            max, path, line, ..
        }) => {
            assert_eq!(max, MAX_DEPTH);
            assert_eq!(line, 1);
            assert_eq!(path, format!("${}", "[0]".repeat(MAX_DEPTH)));
        }
        other => panic!("expected TooDeep, got {other:?}"),
    }
    let objects = format!(
        "{}1{}",
        r#"{"k":"#.repeat(MAX_DEPTH + 1),
        "}".repeat(MAX_DEPTH + 1)
    );
    assert!(matches!(
        parse_strict(objects.as_bytes()),
        Err(JsonError::TooDeep { max: MAX_DEPTH, .. })
    ));
}

/// A nesting bomb is refused with TooDeep (no stack overflow, no huge allocation).
#[test]
fn nesting_bomb_is_refused() {
    let bomb = "[".repeat(100_000);
    assert!(matches!(
        parse_strict(bomb.as_bytes()),
        Err(JsonError::TooDeep { max: MAX_DEPTH, .. })
    ));
    let object_bomb = r#"{"a":"#.repeat(100_000);
    assert!(matches!(
        parse_strict(object_bomb.as_bytes()),
        Err(JsonError::TooDeep { .. })
    ));
}

#[test]
fn custom_depth_limits() {
    let tight = Limits {
        max_bytes: MAX_BYTES,
        max_depth: 2,
    };
    assert!(parse_strict_with_limits(b"[[1]]", tight).is_ok());
    assert!(matches!(
        parse_strict_with_limits(br#"[{"a":[1]}]"#, tight),
        Err(JsonError::TooDeep { max: 2, .. })
    ));
    // Scalars at top level have depth 0.
    let flat = Limits {
        max_bytes: MAX_BYTES,
        max_depth: 0,
    };
    assert_eq!(parse_strict_with_limits(b"\"x\"", flat).unwrap(), "x");
    assert!(parse_strict_with_limits(b"[]", flat).is_err());
    // Above serde_json's own ceiling the limit is clamped, and still reported as TooDeep.
    let loose = Limits {
        max_bytes: MAX_BYTES,
        max_depth: 10_000,
    };
    assert!(parse_strict_with_limits(nested_arrays(DEPTH_CEILING).as_bytes(), loose).is_ok());
    assert!(matches!(
        parse_strict_with_limits(nested_arrays(200).as_bytes(), loose),
        Err(JsonError::TooDeep {
            max: DEPTH_CEILING,
            ..
        })
    ));
}

#[test]
fn size_limit() {
    let big = format!("\"{}\"", "x".repeat(MAX_BYTES));
    assert_eq!(
        parse_strict(big.as_bytes()),
        Err(JsonError::TooLarge {
            len: MAX_BYTES + 2,
            max: MAX_BYTES
        })
    );
    let exactly = format!("\"{}\"", "x".repeat(MAX_BYTES - 2));
    assert_eq!(
        parse_strict(exactly.as_bytes())
            .unwrap()
            .as_str()
            .unwrap()
            .len(),
        MAX_BYTES - 2
    );
    let small = Limits {
        max_bytes: 4,
        max_depth: MAX_DEPTH,
    };
    assert!(parse_strict_with_limits(b"[1]", small).is_ok());
    assert!(matches!(
        parse_strict_with_limits(b"[1, 2]", small),
        Err(JsonError::TooLarge { len: 6, max: 4 })
    ));
}

#[test]
fn malformed_text_is_refused() {
    // Invalid UTF-8 inside a string.
    syntax(b"{\"a\":\"\xff\"}");
    // Truncated multi-byte sequence (first two bytes of a Thai letter).
    syntax(b"\"\xe0\xb8\"");
    // Trailing garbage, including a second document.
    assert!(syntax(b"{} x").contains("trailing"));
    syntax(b"{}{}");
    // Syntax errors and non-JSON extensions.
    syntax(b"{\"a\":1,}");
    syntax(b"[1,]");
    syntax(b"NaN");
    syntax(b"01");
    syntax(b"{'a':1}");
    syntax(b"\xef\xbb\xbf{}");
    syntax(b"");
    syntax(b"[1");
    // Numbers beyond the double range.
    syntax(b"1e400");
}

/// Lone UTF-16 surrogate escapes have no Unicode meaning and cannot survive
/// canonicalization: they are refused.
#[test]
fn lone_surrogate_escapes_are_refused() {
    // serde_json's messages vary ("unexpected end of hex escape", "lone leading
    // surrogate in hex escape"); what matters is that all are refused.
    syntax(br#""\ud800""#);
    syntax(br#""\udc00""#);
    syntax(br#""\ud800x""#);
    syntax(br#""\ud800\u0041""#);
    syntax(br#"{"\udfff":1}"#);
    // A proper pair is fine.
    assert_eq!(parse_strict(br#""\ud83d\ude00""#).unwrap(), "\u{1f600}");
}

#[test]
fn syntax_errors_carry_position() {
    match parse_strict(b"{\n  \"a\": trux}") {
        Err(JsonError::Syntax {
            line,
            column,
            message,
        }) => {
            assert_eq!((line, column), (2, 11));
            assert!(
                !message.contains("at line"),
                "position is not repeated: {message}"
            );
        }
        other => panic!("expected Syntax, got {other:?}"),
    }
}

/// Valid documents parse to exactly what serde_json gives (values and member order).
#[test]
fn valid_documents_match_serde_json() {
    let dir = shared_vectors().join("w3c-vc-di-eddsa/TestVectors");
    let mut docs: Vec<Vec<u8>> = [
        "unsigned.json",
        "eddsa-jcs-2022/signedJCS.json",
        "eddsa-jcs-2022/proofConfigJCS.json",
    ]
    .iter()
    .map(|name| std::fs::read(dir.join(name)).unwrap())
    .collect();
    docs.push(
        r#"{"name":"บริษัท ตัวอย่าง จำกัด","n":[0,-0,1.5,-1e-7,9007199254740993,18446744073709551615,-9223372036854775808,1e300],
           "s":"\u0000\n\"\\\/\u2028","e":{},"a":[],"z":[null,true,false,{"b":1,"a":[{}]}]}"#
            .as_bytes()
            .to_vec(),
    );
    for doc in docs {
        let ours = parse_strict(&doc).unwrap();
        let theirs: Value = serde_json::from_slice(&doc).unwrap();
        assert_eq!(ours, theirs);
        // Member order (preserve_order) is the same too.
        assert_eq!(
            serde_json::to_string(&ours).unwrap(),
            serde_json::to_string(&theirs).unwrap()
        );
    }
}
