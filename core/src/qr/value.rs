//! JSON values as LC1 CBOR: dictionary codes for known member names and
//! string values, compact tagged forms for strings that re-encode exactly,
//! and everything else carried as it is, member order included.

use serde_json::{Map, Number, Value};

use super::cbor::{self, Head, Reader};
use super::dictionary::{key_code, key_name, value_code, value_text};
use super::error::QrError;
use super::strings::{self, DateTime};

/// Deepest nesting of arrays/objects carried (a credential needs about 6).
pub const MAX_DEPTH: usize = 64;

/// Tag: date-time with `Z`; content: integer seconds since the Unix epoch.
pub const TAG_DATE_TIME_UTC: u64 = 6;
/// Tag: date-time with an offset; content: `[seconds, offset minutes]`.
pub const TAG_DATE_TIME_OFFSET: u64 = 7;
/// Tag: multibase base58btc string `z…`; content: the bytes.
pub const TAG_BASE58BTC: u64 = 8;
/// Tag: `did:key:zX#zX`; content: the multikey bytes of `X`.
pub const TAG_DID_KEY_METHOD: u64 = 9;
/// Tag: `did:key:zX`; content: the multikey bytes of `X`.
pub const TAG_DID_KEY: u64 = 10;
/// Tag: multibase base64url string `u…`; content: the bytes.
pub const TAG_BASE64URL: u64 = 11;
/// Tag: text of ASCII and Thai characters; content: its Thai-8 bytes.
pub const TAG_THAI8: u64 = 13;
/// Tag: `prefix#zX`; content: `[prefix text, bytes of X]`.
pub const TAG_MULTIBASE_FRAGMENT: u64 = 14;

/// Appends the LC1 encoding of `value`.
pub fn write_value(out: &mut Vec<u8>, value: &Value, depth: usize) -> Result<(), QrError> {
    match value {
        Value::Null => cbor::write_simple(out, 22),
        Value::Bool(false) => cbor::write_simple(out, 20),
        Value::Bool(true) => cbor::write_simple(out, 21),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            let depth = deeper(depth)?;
            cbor::write_head(out, cbor::ARRAY, items.len() as u64);
            for item in items {
                write_value(out, item, depth)?;
            }
        }
        Value::Object(members) => {
            let depth = deeper(depth)?;
            cbor::write_head(out, cbor::MAP, members.len() as u64);
            for (name, member) in members {
                match key_code(name) {
                    Some(code) => cbor::write_head(out, cbor::UINT, code),
                    None => cbor::write_text(out, name),
                }
                write_value(out, member, depth)?;
            }
        }
    }
    Ok(())
}

fn deeper(depth: usize) -> Result<usize, QrError> {
    if depth >= MAX_DEPTH {
        return Err(QrError::TooDeep { max: MAX_DEPTH });
    }
    Ok(depth + 1)
}

fn write_number(out: &mut Vec<u8>, n: &Number) {
    if let Some(u) = n.as_u64() {
        cbor::write_head(out, cbor::UINT, u);
    } else if let Some(i) = n.as_i64() {
        // Negative here: -1 - i is in 0..=i64::MAX.
        cbor::write_head(out, cbor::NINT, (-1 - i) as u64);
    } else if let Some(f) = n.as_f64() {
        cbor::write_f64(out, f);
    }
}

fn write_string(out: &mut Vec<u8>, s: &str) {
    if let Some(code) = value_code(s) {
        cbor::write_simple(out, code);
    } else if let Some(dt) = strings::parse_date_time(s) {
        match dt.offset_minutes {
            None => {
                cbor::write_head(out, cbor::TAG, TAG_DATE_TIME_UTC);
                write_int(out, dt.seconds);
            }
            Some(offset) => {
                cbor::write_head(out, cbor::TAG, TAG_DATE_TIME_OFFSET);
                cbor::write_head(out, cbor::ARRAY, 2);
                write_int(out, dt.seconds);
                write_int(out, offset);
            }
        }
    } else if let Some((bytes, fragment)) = strings::did_key(s) {
        let tag = if fragment {
            TAG_DID_KEY_METHOD
        } else {
            TAG_DID_KEY
        };
        cbor::write_head(out, cbor::TAG, tag);
        cbor::write_bytes(out, &bytes);
    } else if let Some(bytes) = s.strip_prefix('z').and_then(strings::base58_bytes) {
        cbor::write_head(out, cbor::TAG, TAG_BASE58BTC);
        cbor::write_bytes(out, &bytes);
    } else if let Some(bytes) = s.strip_prefix('u').and_then(strings::base64url_bytes) {
        cbor::write_head(out, cbor::TAG, TAG_BASE64URL);
        cbor::write_bytes(out, &bytes);
    } else if let Some((prefix, bytes)) = strings::multibase_fragment(s) {
        cbor::write_head(out, cbor::TAG, TAG_MULTIBASE_FRAGMENT);
        cbor::write_head(out, cbor::ARRAY, 2);
        cbor::write_text(out, prefix);
        cbor::write_bytes(out, &bytes);
    } else if let Some(bytes) = strings::thai8_bytes(s) {
        cbor::write_head(out, cbor::TAG, TAG_THAI8);
        cbor::write_bytes(out, &bytes);
    } else {
        cbor::write_text(out, s);
    }
}

fn write_int(out: &mut Vec<u8>, n: i64) {
    if n >= 0 {
        cbor::write_head(out, cbor::UINT, n as u64);
    } else {
        cbor::write_head(out, cbor::NINT, (-1 - n) as u64);
    }
}

/// Reads one LC1-encoded JSON value.
pub fn read_value(r: &mut Reader<'_>, depth: usize) -> Result<Value, QrError> {
    let start = r.offset();
    match r.head()? {
        Head::Simple(20) => Ok(Value::Bool(false)),
        Head::Simple(21) => Ok(Value::Bool(true)),
        Head::Simple(22) => Ok(Value::Null),
        Head::Simple(23) => Err(QrError::CborUnsupported {
            what: "undefined",
            offset: start,
        }),
        Head::Simple(code) => {
            value_text(code)
                .map(|s| Value::String(s.to_owned()))
                .ok_or(QrError::UnknownValueCode {
                    code,
                    offset: start,
                })
        }
        Head::Float(f) => Number::from_f64(f)
            .map(Value::Number)
            .ok_or(QrError::NonFiniteFloat { offset: start }),
        Head::Item { major, argument } => match major {
            cbor::UINT => Ok(Value::Number(argument.into())),
            cbor::NINT => negative(argument, start).map(|n| Value::Number(n.into())),
            cbor::TEXT => Ok(Value::String(r.text(argument, start)?.to_owned())),
            cbor::ARRAY => {
                let depth = deeper(depth)?;
                let count = count(r, argument, 1)?;
                let mut items = Vec::with_capacity(count);
                for _ in 0..count {
                    items.push(read_value(r, depth)?);
                }
                Ok(Value::Array(items))
            }
            cbor::MAP => {
                let depth = deeper(depth)?;
                let count = count(r, argument, 2)?;
                let mut members = Map::with_capacity(count);
                for _ in 0..count {
                    let key_start = r.offset();
                    let name = read_key(r)?;
                    if members.contains_key(&name) {
                        return Err(QrError::DuplicateKey {
                            name,
                            offset: key_start,
                        });
                    }
                    let member = read_value(r, depth)?;
                    members.insert(name, member);
                }
                Ok(Value::Object(members))
            }
            cbor::TAG => read_tagged(r, argument, start).map(Value::String),
            _ => Err(QrError::CborUnsupported {
                what: "a byte string where a JSON value is expected",
                offset: start,
            }),
        },
    }
}

/// `argument` as an item count, refused if the remaining data cannot hold
/// that many items of at least `min_bytes` each (so capacity stays bounded).
fn count(r: &Reader<'_>, argument: u64, min_bytes: usize) -> Result<usize, QrError> {
    match usize::try_from(argument) {
        Ok(n) if n <= r.remaining() / min_bytes => Ok(n),
        _ => Err(QrError::CborTruncated {
            offset: r.offset() + r.remaining(),
        }),
    }
}

fn negative(argument: u64, offset: usize) -> Result<i64, QrError> {
    i64::try_from(argument)
        .map(|n| -1 - n)
        .map_err(|_| QrError::IntegerOutOfRange { offset })
}

fn read_key(r: &mut Reader<'_>) -> Result<String, QrError> {
    let start = r.offset();
    match r.head()? {
        Head::Item {
            major: cbor::UINT,
            argument,
        } => key_name(argument)
            .map(str::to_owned)
            .ok_or(QrError::UnknownKeyCode {
                code: argument,
                offset: start,
            }),
        Head::Item {
            major: cbor::TEXT,
            argument,
        } => Ok(r.text(argument, start)?.to_owned()),
        _ => Err(QrError::InvalidKey { offset: start }),
    }
}

fn read_tagged(r: &mut Reader<'_>, tag: u64, start: usize) -> Result<String, QrError> {
    let invalid = |reason| QrError::InvalidTagContent {
        tag,
        offset: start,
        reason,
    };
    match tag {
        TAG_DATE_TIME_UTC => {
            let seconds = read_int(r, invalid("seconds must be an integer"))?;
            strings::format_date_time(DateTime {
                seconds,
                offset_minutes: None,
            })
            .ok_or_else(|| invalid("year outside 0000-9999"))
        }
        TAG_DATE_TIME_OFFSET => {
            let pair = Head::Item {
                major: cbor::ARRAY,
                argument: 2,
            };
            if r.head()? != pair {
                return Err(invalid("expected an array [seconds, offset minutes]"));
            }
            let seconds = read_int(r, invalid("seconds must be an integer"))?;
            let offset = read_int(r, invalid("offset must be an integer"))?;
            strings::format_date_time(DateTime {
                seconds,
                offset_minutes: Some(offset),
            })
            .ok_or_else(|| invalid("year outside 0000-9999 or offset beyond ±23:59"))
        }
        TAG_BASE58BTC | TAG_DID_KEY_METHOD | TAG_DID_KEY => {
            let bytes = read_bytes(r, invalid("expected a byte string"))?;
            if bytes.len() > strings::MAX_BASE58_BYTES {
                return Err(invalid("base58 byte string longer than 512 bytes"));
            }
            Ok(match tag {
                TAG_BASE58BTC => format!("z{}", strings::base58_text(bytes)),
                TAG_DID_KEY_METHOD => strings::did_key_text(bytes, true),
                _ => strings::did_key_text(bytes, false),
            })
        }
        TAG_BASE64URL => {
            let bytes = read_bytes(r, invalid("expected a byte string"))?;
            Ok(format!("u{}", strings::base64url_text(bytes)))
        }
        TAG_THAI8 => {
            let bytes = read_bytes(r, invalid("expected a byte string"))?;
            strings::thai8_text(bytes).ok_or_else(|| invalid("a byte is neither ASCII nor Thai-8"))
        }
        TAG_MULTIBASE_FRAGMENT => {
            let pair = Head::Item {
                major: cbor::ARRAY,
                argument: 2,
            };
            if r.head()? != pair {
                return Err(invalid("expected an array [prefix, bytes]"));
            }
            let prefix_start = r.offset();
            let prefix = match r.head()? {
                Head::Item {
                    major: cbor::TEXT,
                    argument,
                } => r.text(argument, prefix_start)?,
                _ => return Err(invalid("the prefix must be a text string")),
            };
            let bytes = read_bytes(r, invalid("expected a byte string"))?;
            if bytes.len() > strings::MAX_BASE58_BYTES {
                return Err(invalid("base58 byte string longer than 512 bytes"));
            }
            Ok(format!("{prefix}#z{}", strings::base58_text(bytes)))
        }
        _ => Err(QrError::UnknownTag { tag, offset: start }),
    }
}

/// The next item as an i64, or `wrong` if it is not an integer in range.
fn read_int(r: &mut Reader<'_>, wrong: QrError) -> Result<i64, QrError> {
    match r.head()? {
        Head::Item {
            major: cbor::UINT,
            argument,
        } => i64::try_from(argument).map_err(|_| wrong),
        Head::Item {
            major: cbor::NINT,
            argument,
        } => negative(argument, 0).map_err(|_| wrong),
        _ => Err(wrong),
    }
}

/// The next item's content if it is a byte string, else `wrong`.
pub fn read_bytes<'a>(r: &mut Reader<'a>, wrong: QrError) -> Result<&'a [u8], QrError> {
    match r.head()? {
        Head::Item {
            major: cbor::BYTES,
            argument,
        } => r.content(argument),
        _ => Err(wrong),
    }
}
