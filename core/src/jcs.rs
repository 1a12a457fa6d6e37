//! JSON Canonicalization Scheme (RFC 8785), minimal placeholder.
//!
//! Signatures over JSON must be computed over one agreed byte string; JCS is that
//! byte string for the `*-jcs-*` cryptosuites. This minimal version exists so
//! the proof code can be built and tested in parallel; the complete
//! implementation replaces this file at merge with the same signature.

use std::fmt::Write as _;

use serde_json::Value;

/// Why a JSON value has no canonical form.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum JcsError {
    /// The number cannot be represented as an IEEE 754 double (RFC 8785 §3.2.2.3).
    #[error("number {0} cannot be canonicalized (not representable as an IEEE 754 double)")]
    UnrepresentableNumber(String),
}

/// Canonicalizes `value` per RFC 8785: object members sorted by UTF-16 code
/// units, no insignificant whitespace, ECMAScript number formatting, minimal
/// string escaping. Strings are kept exactly (no Unicode normalisation).
pub fn canonicalize(value: &Value) -> Result<String, JcsError> {
    let mut out = String::new();
    write_value(value, &mut out)?;
    Ok(out)
}

fn write_value(value: &Value, out: &mut String) -> Result<(), JcsError> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(n, out)?,
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            members.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            out.push('{');
            for (i, (key, item)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write_value(item, out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

fn write_number(n: &serde_json::Number, out: &mut String) -> Result<(), JcsError> {
    if let Some(i) = n.as_i64() {
        let _ = write!(out, "{i}");
    } else if let Some(u) = n.as_u64() {
        let _ = write!(out, "{u}");
    } else {
        match n.as_f64() {
            Some(f) if f.is_finite() => {
                let mut buf = ryu_js::Buffer::new();
                out.push_str(buf.format_finite(f));
            }
            _ => return Err(JcsError::UnrepresentableNumber(n.to_string())),
        }
    }
    Ok(())
}

fn write_string(s: &str, out: &mut String) {
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
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
