//! JSON Canonicalization Scheme (JCS, RFC 8785).
//!
//! `eddsa-jcs-2022` and `ecdsa-jcs-2019` sign the JCS form of a credential, so the
//! signer and every verifier must produce the very same bytes from the same JSON
//! value. The rules, all from RFC 8785 §3.2:
//!
//! * no whitespace between tokens;
//! * object members sorted by their names compared as arrays of UTF-16 code units
//!   (not UTF-8 bytes, which order U+E000..U+FFFF after the supplementary planes);
//! * strings escaped as ECMAScript `JSON.stringify` does: `\"`, `\\`, `\b`, `\f`,
//!   `\n`, `\r`, `\t`, other controls below U+0020 as `\u00xx` (lowercase hex),
//!   every other character written as itself in UTF-8 and never re-normalised;
//! * numbers written as ECMAScript `Number.prototype.toString` writes the IEEE 754
//!   double (I-JSON): integers serde_json holds exactly beyond 2^53 are written as the
//!   double they round to, and `-0` as `0`.

use serde_json::{Map, Number, Value};
use thiserror::Error;

/// Deepest nesting of arrays and objects `canonicalize` accepts.
///
/// Canonicalization recurses, so a bound keeps a hostile value built in memory from
/// exhausting the stack (a phone browser's wasm stack is small). It is well above
/// what serde_json itself parses (128) and what any credential needs.
pub const MAX_DEPTH: usize = 256;

/// Why a JSON value has no JCS form.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum JcsError {
    /// NaN and infinities have no JSON form; RFC 8785 §3.2.2.3 makes them an error.
    #[error("JCS: number {0} is not finite and has no JSON form")]
    NonFiniteNumber(String),
    /// A number serde_json cannot give as an IEEE 754 double (only possible with
    /// serde_json's `arbitrary_precision` feature); JCS numbers are doubles.
    #[error("JCS: number {0} cannot be represented as an IEEE 754 double")]
    UnrepresentableNumber(String),
    /// Arrays and objects nested deeper than [`MAX_DEPTH`].
    #[error("JCS: value nested deeper than {max} arrays/objects")]
    TooDeep {
        /// The limit that was exceeded.
        max: usize,
    },
}

/// The JCS (RFC 8785) form of `value`, ready to be hashed and signed.
pub fn canonicalize(value: &Value) -> Result<String, JcsError> {
    let mut out = String::with_capacity(1024);
    canonicalize_into(value, &mut out)?;
    Ok(out)
}

/// Appends the JCS form of `value` to `out`, so hot paths can reuse one buffer.
///
/// On error `out` is left as it was before the call.
pub fn canonicalize_into(value: &Value, out: &mut String) -> Result<(), JcsError> {
    let start = out.len();
    let mut writer = Writer {
        out,
        members: Vec::new(),
        number: ryu_js::Buffer::new(),
    };
    let result = writer.value(value, 0);
    if result.is_err() {
        writer.out.truncate(start);
    }
    result
}

/// Output buffer plus scratch space shared by the whole traversal: one member list
/// (used as a stack, each object sorting its own slice at the top) instead of one
/// allocation per object.
struct Writer<'v, 'o> {
    out: &'o mut String,
    members: Vec<(&'v str, &'v Value)>,
    number: ryu_js::Buffer,
}

impl<'v> Writer<'v, '_> {
    fn value(&mut self, value: &'v Value, depth: usize) -> Result<(), JcsError> {
        match value {
            Value::Null => self.out.push_str("null"),
            Value::Bool(true) => self.out.push_str("true"),
            Value::Bool(false) => self.out.push_str("false"),
            Value::Number(n) => self.number(n)?,
            Value::String(s) => write_string(self.out, s),
            Value::Array(items) => {
                let depth = enter(depth)?;
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.value(item, depth)?;
                }
                self.out.push(']');
            }
            Value::Object(map) => self.object(map, enter(depth)?)?,
        }
        Ok(())
    }

    fn object(&mut self, map: &'v Map<String, Value>, depth: usize) -> Result<(), JcsError> {
        let base = self.members.len();
        self.members
            .extend(map.iter().map(|(k, v)| (k.as_str(), v)));
        // Names in a map are unique, so an unstable sort is deterministic.
        self.members[base..].sort_unstable_by(|a, b| cmp_utf16(a.0, b.0));
        self.out.push('{');
        let mut result = Ok(());
        for i in base..self.members.len() {
            let (name, member) = self.members[i];
            if i > base {
                self.out.push(',');
            }
            write_string(self.out, name);
            self.out.push(':');
            result = self.value(member, depth);
            if result.is_err() {
                break;
            }
        }
        self.members.truncate(base);
        self.out.push('}');
        result
    }

    fn number(&mut self, n: &Number) -> Result<(), JcsError> {
        // Integers exactly representable as doubles print as themselves; larger
        // ones are written as the double they round to (I-JSON, RFC 8785 §3.2.2.3).
        const EXACT: u64 = 1 << 53;
        if let Some(u) = n.as_u64() {
            if u <= EXACT {
                write_u64(self.out, u);
                return Ok(());
            }
        } else if let Some(i) = n.as_i64() {
            if i.unsigned_abs() <= EXACT {
                if i < 0 {
                    self.out.push('-');
                }
                write_u64(self.out, i.unsigned_abs());
                return Ok(());
            }
        }
        // as_f64 rounds u64/i64 to nearest (ties to even), as ECMAScript does.
        let f = n
            .as_f64()
            .ok_or_else(|| JcsError::UnrepresentableNumber(n.to_string()))?;
        if !f.is_finite() {
            return Err(JcsError::NonFiniteNumber(n.to_string()));
        }
        // ryu-js implements Number.prototype.toString, including -0 -> "0".
        self.out.push_str(self.number.format_finite(f));
        Ok(())
    }
}

fn enter(depth: usize) -> Result<usize, JcsError> {
    if depth >= MAX_DEPTH {
        Err(JcsError::TooDeep { max: MAX_DEPTH })
    } else {
        Ok(depth + 1)
    }
}

fn write_u64(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut pos = buf.len();
    loop {
        pos -= 1;
        // n % 10 < 10, so the cast cannot truncate.
        buf[pos] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &digit in &buf[pos..] {
        out.push(char::from(digit));
    }
}

/// Compares member names as sequences of UTF-16 code units (RFC 8785 §3.2.3).
///
/// UTF-8 byte order equals code point order, which equals UTF-16 order except when
/// one character is supplementary (>= U+10000, UTF-16 high surrogate D800..DBFF,
/// UTF-8 lead byte F0..F4) and the other lies in U+E000..U+FFFF (UTF-8 lead byte
/// EE or EF): UTF-16 puts the supplementary one first. So compare bytes and fix up
/// only that case, without decoding or allocating.
fn cmp_utf16(a: &str, b: &str) -> std::cmp::Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let Some(i) = a.iter().zip(b).position(|(x, y)| x != y) else {
        return a.len().cmp(&b.len());
    };
    // Only when the differing bytes are the lead bytes of their characters can
    // the characters be in different UTF-16 classes; otherwise they share a lead
    // byte and byte order is UTF-16 order.
    let (x, y) = (a[i], b[i]);
    let supplementary = |lead: u8| lead >= 0xF0;
    let high_bmp = |lead: u8| lead == 0xEE || lead == 0xEF;
    if supplementary(x) && high_bmp(y) {
        std::cmp::Ordering::Less
    } else if high_bmp(x) && supplementary(y) {
        std::cmp::Ordering::Greater
    } else {
        x.cmp(&y)
    }
}

/// `ESCAPE[b]` is 0 for bytes written as they are, otherwise the letter of the
/// short escape, or `u` for `\u00xx`.
static ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b'u';
        b += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0A] = b'n';
    table[0x0C] = b'f';
    table[0x0D] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

fn write_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let bytes = s.as_bytes();
    let mut run_start = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        let escape = ESCAPE[usize::from(byte)];
        if escape == 0 {
            continue;
        }
        // Escaped bytes are ASCII, so `i` is a char boundary and the slice is valid.
        out.push_str(&s[run_start..i]);
        out.push('\\');
        out.push(char::from(escape));
        if escape == b'u' {
            out.push_str("00");
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0F)]));
        }
        run_start = i + 1;
    }
    out.push_str(&s[run_start..]);
    out.push('"');
}
