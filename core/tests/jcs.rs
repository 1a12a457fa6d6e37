//! JCS (RFC 8785) against the RFC's own examples, the reference implementation's
//! test data (cyberphone/json-canonicalization `testdata/`), and the W3C
//! `eddsa-jcs-2022` test vector.

use elicence_core::jcs::{canonicalize, canonicalize_into, JcsError, MAX_DEPTH};
use serde_json::{json, Number, Value};

fn canon(json_text: &str) -> String {
    let value: Value = serde_json::from_str(json_text).unwrap();
    canonicalize(&value).unwrap()
}

fn canon_f64(f: f64) -> String {
    canonicalize(&Value::Number(Number::from_f64(f).unwrap())).unwrap()
}

mod shared;
use shared::vectors_dir as shared_vectors;

/// RFC 8785 Appendix B: IEEE 754 bit patterns and their required serialisation.
#[test]
fn rfc8785_appendix_b_number_table() {
    let table: &[(u64, &str)] = &[
        (0x0000000000000000, "0"),
        (0x8000000000000000, "0"),
        (0x0000000000000001, "5e-324"),
        (0x8000000000000001, "-5e-324"),
        (0x7fefffffffffffff, "1.7976931348623157e+308"),
        (0xffefffffffffffff, "-1.7976931348623157e+308"),
        (0x4340000000000000, "9007199254740992"),
        (0xc340000000000000, "-9007199254740992"),
        (0x4430000000000000, "295147905179352830000"),
        (0x44b52d02c7e14af5, "9.999999999999997e+22"),
        (0x44b52d02c7e14af6, "1e+23"),
        (0x44b52d02c7e14af7, "1.0000000000000001e+23"),
        (0x444b1ae4d6e2ef4e, "999999999999999700000"),
        (0x444b1ae4d6e2ef4f, "999999999999999900000"),
        (0x444b1ae4d6e2ef50, "1e+21"),
        (0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"),
        (0x3eb0c6f7a0b5ed8d, "0.000001"),
        (0x41b3de4355555553, "333333333.3333332"),
        (0x41b3de4355555554, "333333333.33333325"),
        (0x41b3de4355555555, "333333333.3333333"),
        (0x41b3de4355555556, "333333333.3333334"),
        (0x41b3de4355555557, "333333333.33333343"),
        (0xbecbf647612f3696, "-0.0000033333333333333333"),
        (0x43143ff3c1cb0959, "1424953923781206.2"),
    ];
    for &(bits, expected) in table {
        assert_eq!(
            canon_f64(f64::from_bits(bits)),
            expected,
            "bits {bits:016x}"
        );
    }
}

/// The same numbers written as JSON text: what a verifier actually receives.
/// Parsing must round correctly (serde_json `float_roundtrip`) for these to hold.
#[test]
fn numbers_parsed_from_text() {
    let cases = [
        ("1e21", "1e+21"),
        ("1E30", "1e+30"),
        ("0.000001", "0.000001"),
        ("1e-7", "1e-7"),
        ("0.0000001", "1e-7"),
        ("4.50", "4.5"),
        ("2e-3", "0.002"),
        ("0.000000000000000000000000001", "1e-27"),
        ("333333333.33333329", "333333333.3333333"),
        ("1424953923781206.25", "1424953923781206.2"),
        ("-0", "0"),
        ("-0.0", "0"),
        ("0e10", "0"),
        ("100", "100"),
        ("1.0", "1"),
        ("-1", "-1"),
        ("100000000000000000000", "100000000000000000000"),
        ("5e-324", "5e-324"),
        ("1.7976931348623157e308", "1.7976931348623157e+308"),
    ];
    for (text, expected) in cases {
        assert_eq!(canon(text), expected, "input {text}");
    }
}

/// Integers serde_json holds exactly as u64/i64 but a double cannot: written as
/// the double they round to (I-JSON), as a JavaScript signer would.
#[test]
fn integers_beyond_2_pow_53_round_like_doubles() {
    assert_eq!(canon("9007199254740992"), "9007199254740992");
    assert_eq!(canon("9007199254740993"), "9007199254740992");
    assert_eq!(canon("9007199254740995"), "9007199254740996");
    assert_eq!(canon("-9007199254740993"), "-9007199254740992");
    assert_eq!(canon("18446744073709551615"), "18446744073709552000");
    assert_eq!(canon("-9223372036854775808"), "-9223372036854776000");
    assert_eq!(
        canonicalize(&json!(u64::MAX)).unwrap(),
        "18446744073709552000"
    );
    assert_eq!(
        canonicalize(&json!(i64::MIN)).unwrap(),
        "-9223372036854776000"
    );
    assert_eq!(canonicalize(&json!(-42i64)).unwrap(), "-42");
    assert_eq!(canonicalize(&json!(0u64)).unwrap(), "0");
}

/// RFC 8785 §3.2.3: member names sort as UTF-16 code units.
#[test]
fn rfc8785_sorting_example() {
    let input = r#"{
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\ud83d\ude00": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis"
    }"#;
    let out: Value = serde_json::from_str(&canon(input)).unwrap();
    let order: Vec<&str> = out
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        [
            "Carriage Return",
            "One",
            "Control",
            "Latin Small Letter O With Diaeresis",
            "Euro Sign",
            "Emoji: Grinning Face",
            "Hebrew Letter Dalet With Dagesh",
        ]
    );
}

/// RFC 8785 §3.2.4: the worked example of the whole transformation.
#[test]
fn rfc8785_full_example() {
    let input = r#"{
        "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
        "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
        "literals": [null, true, false]
    }"#;
    assert_eq!(
        canon(input),
        r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
    );
}

/// cyberphone/json-canonicalization testdata: structures.json.
#[test]
fn testdata_structures() {
    let input = "{\n  \"1\": {\"f\": {\"f\": \"hi\",\"F\": 5} ,\"\\n\": 56.0},\n  \"10\": { },\n  \"\": \"empty\",\n  \"a\": { },\n  \"111\": [ { } ],\n  \"A\": { }\n}";
    assert_eq!(
        canon(input),
        r#"{"":"empty","1":{"\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{}],"A":{},"a":{}}"#
    );
}

/// cyberphone/json-canonicalization testdata: unicode.json (no normalisation).
#[test]
fn testdata_unicode_is_not_normalised() {
    let input = r#"{"Unnormalized Unicode":"\u1e0d\u0307"}"#;
    assert_eq!(
        canon(input),
        "{\"Unnormalized Unicode\":\"\u{1e0d}\u{0307}\"}"
    );
}

/// cyberphone/json-canonicalization testdata: weird.json.
#[test]
fn testdata_weird() {
    let input = r#"{
      "\u20ac": "Euro Sign",
      "1": "One",
      "\u0080": "Control\u007f",
      "\ud83d\ude02": "Smiley",
      "\u00f6": "Latin Small Letter O With Diaeresis",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "</script>": "Browser Challenge"
    }"#;
    let expected = "{\"1\":\"One\",\"</script>\":\"Browser Challenge\",\"\u{80}\":\"Control\u{7f}\",\"\u{f6}\":\"Latin Small Letter O With Diaeresis\",\"\u{20ac}\":\"Euro Sign\",\"\u{1f602}\":\"Smiley\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}";
    assert_eq!(canon(input), expected);
}

/// cyberphone/json-canonicalization testdata: values.json.
#[test]
fn testdata_values() {
    let input = r#"{
      "numbers": [1E30, 4.50, 333333333.33333329, 2e-3, 0.000000000000000000000000001],
      "escaping": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }"#;
    assert_eq!(
        canon(input),
        r#"{"escaping":"€$\u000f\nA'B\"\\\\\"/","literals":[null,true,false],"numbers":[1e+30,4.5,333333333.3333333,0.002,1e-27]}"#
    );
}

/// cyberphone/json-canonicalization testdata: french.json (locale-independent order).
#[test]
fn testdata_french() {
    let input = r#"{
      "peach": "This sorting order",
      "péché": "is wrong according to French",
      "pêche": "but canonicalization MUST",
      "sin":   "ingnore locale"
    }"#;
    assert_eq!(
        canon(input),
        r#"{"peach":"This sorting order","péché":"is wrong according to French","pêche":"but canonicalization MUST","sin":"ingnore locale"}"#
    );
}

/// W3C vc-di-eddsa: the JCS form of the unsigned credential behind eddsa-jcs-2022.
#[test]
fn w3c_eddsa_jcs_2022_canonical_document() {
    let dir = shared_vectors().join("w3c-vc-di-eddsa/TestVectors");
    let unsigned = std::fs::read(dir.join("unsigned.json")).unwrap();
    let expected = std::fs::read(dir.join("eddsa-jcs-2022/canonDocJCS.txt")).unwrap();
    let value: Value = serde_json::from_slice(&unsigned).unwrap();
    assert_eq!(
        canonicalize(&value).unwrap().as_bytes(),
        expected.as_slice()
    );
}

/// ECMAScript JSON.stringify escaping: the seven short escapes, `\u00xx` in
/// lowercase for other controls, everything else (DEL, `/`, U+2028/2029, non-ASCII)
/// literal.
#[test]
fn string_escaping_follows_json_stringify() {
    let all_controls: String = (0u8..0x20).map(char::from).collect();
    assert_eq!(
        canonicalize(&json!(all_controls)).unwrap(),
        r#""\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f""#
    );
    assert_eq!(
        canonicalize(&json!("a\"b\\c/d\u{7f}e\u{2028}f\u{2029}g")).unwrap(),
        "\"a\\\"b\\\\c/d\u{7f}e\u{2028}f\u{2029}g\""
    );
    // Member names are escaped the same way.
    assert_eq!(
        canonicalize(&json!({"\n\u{1}": 1})).unwrap(),
        r#"{"\n\u0001":1}"#
    );
}

/// Thai names and addresses (with combining vowels and tone marks) are signed as
/// the exact code points given: output bytes equal the input string's bytes.
#[test]
fn thai_text_survives_byte_identical() {
    let name = "บริษัท ตัวอย่าง จำกัด (มหาชน)";
    let address = "๙๙/๑ ถนนพระราม ๔ แขวงปทุมวัน กรุงเทพมหานคร";
    // SARA AM (U+0E33) and its compatibility decomposition NIKHAHIT + SARA AA must stay distinct.
    let decomposed = "\u{0e19}\u{0e49}\u{0e4d}\u{0e32}";
    let value = json!({"name": name, "address": address, "d": decomposed});
    let out = canonicalize(&value).unwrap();
    assert_eq!(
        out,
        format!(r#"{{"address":"{address}","d":"{decomposed}","name":"{name}"}}"#)
    );
    assert!(out
        .as_bytes()
        .windows(name.len())
        .any(|w| w == name.as_bytes()));
}

/// Supplementary characters (UTF-16 surrogates D800..DFFF) sort before
/// U+E000..U+FFFF although their UTF-8 bytes are larger.
#[test]
fn supplementary_sorts_before_private_use_and_specials() {
    let value = json!({"\u{ffff}": 1, "\u{e000}": 2, "\u{10000}": 3, "\u{10ffff}": 4, "\u{d7ff}": 5, "z": 6});
    assert_eq!(
        canonicalize(&value).unwrap(),
        "{\"z\":6,\"\u{d7ff}\":5,\"\u{10000}\":3,\"\u{10ffff}\":4,\"\u{e000}\":2,\"\u{ffff}\":1}"
    );
}

/// Shorter names sort before longer names that extend them; comparison is by code
/// unit, not locale ("B" < "a").
#[test]
fn prefix_and_case_ordering() {
    let value = json!({"ab": 1, "a": 2, "B": 3, "": 4, "a\u{0}": 5});
    assert_eq!(
        canonicalize(&value).unwrap(),
        r#"{"":4,"B":3,"a":2,"a\u0000":5,"ab":1}"#
    );
}

/// Many generated names mixing every UTF-8 length and the tricky ranges, with
/// shared prefixes: the output order must equal sorting by `encode_utf16`.
#[test]
fn order_matches_utf16_for_generated_names() {
    let alphabet = [
        'a',
        'B',
        '~',
        '\u{7f}',
        '\u{80}',
        '\u{f6}',
        '\u{7ff}',
        '\u{800}',
        '\u{e01}',
        '\u{e33}',
        '\u{d7ff}',
        '\u{e000}',
        '\u{fb33}',
        '\u{ffff}',
        '\u{10000}',
        '\u{1f600}',
        '\u{10ffff}',
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _round in 0..50 {
        let mut object = serde_json::Map::new();
        for _ in 0..40 {
            let len = (next() % 4) as usize;
            let name: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            object.insert(name, Value::Null);
        }
        let mut expected: Vec<String> = object.keys().cloned().collect();
        expected.sort_by_key(|k| k.encode_utf16().collect::<Vec<u16>>());
        let out: Value =
            serde_json::from_str(&canonicalize(&Value::Object(object)).unwrap()).unwrap();
        let got: Vec<String> = out.as_object().unwrap().keys().cloned().collect();
        assert_eq!(got, expected);
    }
}

/// Insertion order (serde_json `preserve_order`) never leaks into the output;
/// arrays keep their order; nested objects are sorted too.
#[test]
fn insertion_order_is_ignored_and_arrays_kept() {
    let a: Value =
        serde_json::from_str(r#"{"b":[3,1,{"y":1,"x":2}],"a":{"d":null,"c":true}}"#).unwrap();
    let b: Value =
        serde_json::from_str(r#"{"a":{"c":true,"d":null},"b":[3,1,{"x":2,"y":1}]}"#).unwrap();
    let expected = r#"{"a":{"c":true,"d":null},"b":[3,1,{"x":2,"y":1}]}"#;
    assert_eq!(canonicalize(&a).unwrap(), expected);
    assert_eq!(canonicalize(&b).unwrap(), expected);
}

/// Canonical output is a fixed point: parsing and canonicalizing again changes nothing.
#[test]
fn canonical_form_is_idempotent() {
    let value = json!({"z": [1.5, -0.0, 1e300, "ก\u{e48}"], "\u{1f600}": {"\u{e000}": 9007199254740993u64}});
    let once = canonicalize(&value).unwrap();
    let twice = canonicalize(&serde_json::from_str(&once).unwrap()).unwrap();
    assert_eq!(once, twice);
}

/// `canonicalize_into` appends, so one buffer can serve many documents.
#[test]
fn canonicalize_into_appends_to_buffer() {
    let mut buf = String::from("prefix:");
    canonicalize_into(&json!({"b": 1, "a": 2}), &mut buf).unwrap();
    assert_eq!(buf, r#"prefix:{"a":2,"b":1}"#);
    buf.clear();
    canonicalize_into(&json!([true]), &mut buf).unwrap();
    assert_eq!(buf, "[true]");
}

/// A value nested deeper than MAX_DEPTH is refused with a typed error, not a stack
/// overflow, and the caller's buffer is left untouched.
#[test]
fn too_deep_value_is_an_error_and_buffer_is_restored() {
    let mut value = json!(1);
    for _ in 0..MAX_DEPTH + 1 {
        value = json!({ "k": [value] });
    }
    let mut buf = String::from("keep");
    assert_eq!(
        canonicalize_into(&value, &mut buf),
        Err(JcsError::TooDeep { max: MAX_DEPTH })
    );
    assert_eq!(buf, "keep");

    let mut ok = json!(1);
    for _ in 0..MAX_DEPTH {
        ok = json!([ok]);
    }
    let out = canonicalize(&ok).unwrap();
    assert_eq!(out.len(), 2 * MAX_DEPTH + 1);
}
