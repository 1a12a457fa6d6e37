//! Number and JSON lexical forms required by JSON-LD toRdf: canonical
//! `xsd:double`/`xsd:integer` forms and the JCS (RFC 8785) serialization used
//! for `rdf:JSON` literals. Both must match what JavaScript-based signers
//! (jsonld.js) produce byte for byte.

use serde_json::{Number, Value};

/// Largest integer every JSON-LD implementation represents exactly (2^53).
/// Beyond it, JavaScript processors round while others do not, so the lexical
/// form would depend on who signs: such numbers are rejected.
pub(crate) const MAX_SAFE_INTEGER: u64 = 1 << 53;

/// A JSON number as the f64 a JavaScript processor would see, or `None` if
/// it is an integer outside the range where all processors agree.
pub(crate) fn number_as_f64(n: &Number) -> Option<f64> {
    if let Some(u) = n.as_u64() {
        (u <= MAX_SAFE_INTEGER).then_some(u as f64)
    } else if let Some(i) = n.as_i64() {
        (i.unsigned_abs() <= MAX_SAFE_INTEGER).then_some(i as f64)
    } else {
        n.as_f64()
    }
}

/// Canonical `xsd:double` lexical form as JSON-LD specifies it: C's `%1.15E`
/// with trailing zeros of the fraction removed (`5.3E0`, `1.0E-1`). Rounding
/// is half away from zero on the exact binary value, as JavaScript's
/// `toExponential(15)` does (Rust's formatter rounds half to even, so the
/// rounding is done here by hand).
pub(crate) fn canonical_double(f: f64) -> String {
    if f == 0.0 {
        return "0.0E0".to_owned();
    }
    // Exact decimal expansion: 767 fraction digits cover every finite f64.
    let exact = format!("{:.767e}", f.abs());
    let (mantissa, exp) = exact.split_once('e').unwrap_or((&exact, "0"));
    let mut exp: i32 = exp.parse().unwrap_or(0);
    let mut digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    let round_up = digits.get(16).is_some_and(|&d| d >= b'5');
    digits.truncate(16);
    if round_up {
        let mut i = digits.len();
        loop {
            if i == 0 {
                digits.insert(0, b'1');
                digits.truncate(16);
                exp += 1;
                break;
            }
            i -= 1;
            if digits[i] == b'9' {
                digits[i] = b'0';
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    let mut frac_end = digits.len();
    while frac_end > 2 && digits[frac_end - 1] == b'0' {
        frac_end -= 1;
    }
    let mut out = String::with_capacity(24);
    if f < 0.0 {
        out.push('-');
    }
    out.push(char::from(digits[0]));
    out.push('.');
    for &d in &digits[1..frac_end.max(2)] {
        out.push(char::from(d));
    }
    out.push('E');
    out.push_str(&exp.to_string());
    out
}

/// Canonical `xsd:integer` form of an integral f64 below 10^21 (JavaScript's
/// `toFixed(0)`: the exact value, no sign on zero).
pub(crate) fn canonical_integer(f: f64) -> String {
    if f == 0.0 {
        "0".to_owned()
    } else {
        format!("{f:.0}")
    }
}

/// Appends the RFC 8785 (JCS) serialization of `v`, or `None` if it holds an
/// integer beyond 2^53 (see [`MAX_SAFE_INTEGER`]).
pub(crate) fn write_canonical(out: &mut String, v: &Value) -> Option<()> {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let f = number_as_f64(n)?;
            out.push_str(ryu_js::Buffer::new().format_finite(f));
        }
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(out, item)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            out.push('{');
            for (i, (k, val)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, k);
                out.push(':');
                write_canonical(out, val)?;
            }
            out.push('}');
        }
    }
    Some(())
}

/// ECMAScript `JSON.stringify` string escaping, as RFC 8785 requires.
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_match_javascript_to_exponential() {
        assert_eq!(canonical_double(5.3), "5.3E0");
        assert_eq!(canonical_double(0.1), "1.0E-1");
        assert_eq!(canonical_double(-1.5e300), "-1.5E300");
        assert_eq!(canonical_double(0.1 + 0.2), "3.0E-1");
        assert_eq!(canonical_double(1e21), "1.0E21");
        assert_eq!(canonical_double(123.456), "1.23456E2");
        // An exact tie at the 16th digit rounds up, as in JavaScript.
        assert_eq!(canonical_double(1234567890123456.5), "1.234567890123457E15");
        assert_eq!(canonical_double(9.9999999999999995), "1.0E1");
        assert_eq!(canonical_double(0.0), "0.0E0");
    }

    #[test]
    fn jcs_sorts_by_utf16_and_formats_numbers_like_javascript() {
        let v: Value = serde_json::from_str(
            r#"{"b":[1.0,1e21,0.000001,1e-7,"\u0001é"],"a":{"\ud83d\ude00":1,"\ufb01":2},"c":null}"#,
        )
        .unwrap();
        let mut out = String::new();
        write_canonical(&mut out, &v).unwrap();
        assert_eq!(
            out,
            "{\"a\":{\"\u{1f600}\":1,\"\u{fb01}\":2},\"b\":[1,1e+21,0.000001,1e-7,\"\\u0001é\"],\"c\":null}"
        );
        let big: Value = serde_json::from_str("9007199254740993").unwrap();
        assert!(write_canonical(&mut String::new(), &big).is_none());
    }
}
