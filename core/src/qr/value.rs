//! JSON values as LC1/LC2 CBOR: dictionary codes for known member names and
//! string values, compact tagged forms for strings that re-encode exactly,
//! and everything else carried as it is, member order included.
//!
//! LC2 adds forms derived from the credential itself (`derived`): the
//! licence IRI, the status entries and the issuer's verification method are
//! rebuilt from the issuer's DID and the licence's type and number once the
//! whole document is read.

use std::cell::Cell;

use serde_json::{Map, Number, Value};

use super::cbor::{self, Head, Reader};
use super::derived;
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
/// LC2 tag: a 13-digit Thai ID; content: the number of its first 12 digits.
pub const TAG_THAI_ID: u64 = 18;

/// The CBOR dialect: which compact forms a writer may use and a reader accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Format version 1 (`LC1:`): tags 6-14.
    Lc1,
    /// Format version 2 (`LC2:`): LC1's forms, the Thai ID (tag 18) and the
    /// forms derived from the document's own members (tags 15-17, `derived`).
    Lc2,
}

/// Appends the encoding of `value`, a whole document (a credential, or a
/// JWT segment), in `dialect`.
pub fn write_value(out: &mut Vec<u8>, value: &Value, dialect: Dialect) -> Result<(), QrError> {
    match dialect {
        Dialect::Lc1 => write_lc1(out, value),
        Dialect::Lc2 => Writer::<true> {
            root: Some(derived::Root::of(value)),
            issuer: Cell::new(None),
        }
        .write(out, value, 0, None),
    }
}

/// Appends the LC1 encoding of `value`. Separate from [`write_value`] so
/// that a decoder, which writes the LC1 template into the LC1 dictionary,
/// carries no LC2 encoder code (the browser inspector's size budget).
pub fn write_lc1(out: &mut Vec<u8>, value: &Value) -> Result<(), QrError> {
    Writer::<false> {
        root: None,
        issuer: Cell::new(None),
    }
    .write(out, value, 0, None)
}

/// Writes the values of one document; `LC2` selects the dialect at compile time.
struct Writer<'a, const LC2: bool> {
    /// What LC2's derived forms are derived from (`None` in LC1).
    root: Option<derived::Root<'a>>,
    /// The root's issuer id, once the root member `issuer` is written.
    issuer: Cell<Option<&'a str>>,
}

impl<'a, const LC2: bool> Writer<'a, LC2> {
    /// Appends `value`; `member` is its name when it is a member of the root object.
    fn write(
        &self,
        out: &mut Vec<u8>,
        value: &'a Value,
        depth: usize,
        member: Option<&str>,
    ) -> Result<(), QrError> {
        if LC2 {
            if let (Some(root), Some(member)) = (&self.root, member) {
                if derived::write_root_member(out, root, member, value) {
                    return Ok(());
                }
            }
        }
        match value {
            Value::Null => cbor::write_simple(out, 22),
            Value::Bool(false) => cbor::write_simple(out, 20),
            Value::Bool(true) => cbor::write_simple(out, 21),
            Value::Number(n) => write_number(out, n),
            Value::String(s) => self.write_string(out, s),
            Value::Array(items) => {
                let depth = deeper(depth)?;
                cbor::write_head(out, cbor::ARRAY, items.len() as u64);
                for item in items {
                    self.write(out, item, depth, None)?;
                }
            }
            Value::Object(members) => {
                let at_root = depth == 0;
                let depth = deeper(depth)?;
                cbor::write_head(out, cbor::MAP, members.len() as u64);
                for (name, member) in members {
                    match key_code(name) {
                        Some(code) => cbor::write_head(out, cbor::UINT, code),
                        None => cbor::write_text(out, name),
                    }
                    self.write(out, member, depth, at_root.then_some(name.as_str()))?;
                    if LC2 && at_root && name == "issuer" {
                        self.issuer.set(derived::issuer_id(member));
                    }
                }
            }
        }
        Ok(())
    }

    fn write_string(&self, out: &mut Vec<u8>, s: &str) {
        if let Some(code) = value_code(s) {
            cbor::write_simple(out, code);
            return;
        }
        if LC2 {
            if let Some(issuer) = self.issuer.get() {
                if derived::write_method(out, issuer, s) {
                    return;
                }
            }
            if let Some(number) = strings::thai_id_number(s) {
                cbor::write_head(out, cbor::TAG, TAG_THAI_ID);
                cbor::write_head(out, cbor::UINT, number);
                return;
            }
        }
        write_string_forms(out, s, if LC2 { Dialect::Lc2 } else { Dialect::Lc1 });
    }
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

/// The string forms of LC1 (after the value dictionary), in order; LC2
/// writes date-times as calendar days and seconds of the day.
fn write_string_forms(out: &mut Vec<u8>, s: &str, dialect: Dialect) {
    if let Some(dt) = strings::parse_date_time(s) {
        if dialect == Dialect::Lc2 {
            let offset = dt.offset_minutes.unwrap_or(0);
            let local = dt.seconds + offset * 60;
            let tag = match dt.offset_minutes {
                None => TAG_DATE_TIME_UTC,
                Some(_) => TAG_DATE_TIME_OFFSET,
            };
            cbor::write_head(out, cbor::TAG, tag);
            cbor::write_head(
                out,
                cbor::ARRAY,
                if tag == TAG_DATE_TIME_UTC { 2 } else { 3 },
            );
            write_int(out, local.div_euclid(86_400));
            write_int(out, local.rem_euclid(86_400));
            if let Some(offset) = dt.offset_minutes {
                write_int(out, offset);
            }
            return;
        }
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

/// Appends an integer as CBOR major type 0 or 1.
pub fn write_int(out: &mut Vec<u8>, n: i64) {
    if n >= 0 {
        cbor::write_head(out, cbor::UINT, n as u64);
    } else {
        cbor::write_head(out, cbor::NINT, (-1 - n) as u64);
    }
}

/// Reads the values of one document; in LC2 it notes the root's issuer id
/// and the root members in a deferred derived form.
struct ValueReader {
    dialect: Dialect,
    /// The root's issuer id, once the root member `issuer` is read.
    issuer: Option<String>,
    /// A derived form just read as a root member's value.
    deferred: Option<derived::Deferred>,
}

/// Reads one whole document (a credential, or a JWT segment) in `dialect`.
pub fn read_value(r: &mut Reader<'_>, dialect: Dialect) -> Result<Value, QrError> {
    let mut reader = ValueReader {
        dialect,
        issuer: None,
        deferred: None,
    };
    reader.read(r, 0, false)
}

impl ValueReader {
    /// Reads one value; `root_member`: it is the value of a member of the root object.
    fn read(
        &mut self,
        r: &mut Reader<'_>,
        depth: usize,
        root_member: bool,
    ) -> Result<Value, QrError> {
        let start = r.offset();
        match r.head()? {
            Head::Simple(20) => Ok(Value::Bool(false)),
            Head::Simple(21) => Ok(Value::Bool(true)),
            Head::Simple(22) => Ok(Value::Null),
            Head::Simple(23) => Err(QrError::CborUnsupported {
                what: "undefined",
                offset: start,
            }),
            Head::Simple(code) => value_text(code).map(|s| Value::String(s.to_owned())).ok_or(
                QrError::UnknownValueCode {
                    code,
                    offset: start,
                },
            ),
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
                        items.push(self.read(r, depth, false)?);
                    }
                    Ok(Value::Array(items))
                }
                cbor::MAP => {
                    let at_root = depth == 0;
                    let depth = deeper(depth)?;
                    let count = count(r, argument, 2)?;
                    let mut members = Map::with_capacity(count);
                    let mut deferred = Vec::new();
                    for _ in 0..count {
                        let key_start = r.offset();
                        let name = read_key(r)?;
                        if members.contains_key(&name) {
                            return Err(QrError::DuplicateKey {
                                name,
                                offset: key_start,
                            });
                        }
                        let member = self.read(r, depth, at_root)?;
                        if let Some(d) = self.deferred.take() {
                            deferred.push((name.clone(), d));
                        }
                        if at_root && name == "issuer" {
                            self.issuer = derived::issuer_id(&member).map(str::to_owned);
                        }
                        members.insert(name, member);
                    }
                    let mut value = Value::Object(members);
                    if !deferred.is_empty() {
                        let rebuilt = {
                            let root = derived::Root::of(&value);
                            deferred
                                .iter()
                                .map(|(name, d)| Ok((name.clone(), derived::rebuild(&root, d)?)))
                                .collect::<Result<Vec<_>, QrError>>()?
                        };
                        for (name, v) in rebuilt {
                            value[name.as_str()] = v;
                        }
                    }
                    Ok(value)
                }
                cbor::TAG => self.read_tagged(r, argument, start, root_member),
                _ => Err(QrError::CborUnsupported {
                    what: "a byte string where a JSON value is expected",
                    offset: start,
                }),
            },
        }
    }

    fn read_tagged(
        &mut self,
        r: &mut Reader<'_>,
        tag: u64,
        start: usize,
        root_member: bool,
    ) -> Result<Value, QrError> {
        if self.dialect == Dialect::Lc2 {
            match tag {
                TAG_THAI_ID => {
                    let number = match r.head()? {
                        Head::Item {
                            major: cbor::UINT,
                            argument,
                        } => argument,
                        _ => u64::MAX,
                    };
                    return strings::thai_id_text(number).map(Value::String).ok_or(
                        QrError::InvalidTagContent {
                            tag,
                            offset: start,
                            reason: "expected an integer below 10^12",
                        },
                    );
                }
                derived::TAG_LICENCE_IRI | derived::TAG_STATUS => {
                    if !root_member {
                        return Err(QrError::InvalidTagContent {
                            tag,
                            offset: start,
                            reason: "allowed only as a member of the credential",
                        });
                    }
                    self.deferred = Some(derived::read_deferred(r, tag, start)?);
                    return Ok(Value::Null);
                }
                derived::TAG_ISSUER_METHOD => {
                    return derived::read_method(r, self.issuer.as_deref(), start)
                        .map(Value::String);
                }
                TAG_DATE_TIME_UTC | TAG_DATE_TIME_OFFSET => {
                    return read_calendar_date_time(r, tag, start).map(Value::String);
                }
                _ => {}
            }
        }
        read_tagged(r, tag, start).map(Value::String)
    }
}

/// Appends a status purpose: a string of the value dictionary, or text.
pub fn write_purpose(out: &mut Vec<u8>, purpose: &str) {
    match value_code(purpose) {
        Some(code) => cbor::write_simple(out, code),
        None => cbor::write_text(out, purpose),
    }
}

/// Reads what [`write_purpose`] wrote, or gives `wrong`.
pub fn read_purpose(r: &mut Reader<'_>, wrong: QrError) -> Result<String, QrError> {
    let start = r.offset();
    match r.head()? {
        Head::Simple(code) => value_text(code).map(str::to_owned).ok_or(wrong),
        Head::Item {
            major: cbor::TEXT,
            argument,
        } => Ok(r.text(argument, start)?.to_owned()),
        _ => Err(wrong),
    }
}

/// LC2's date-time: `[days, seconds of the day]` (tag 6, `Z`) or `[days,
/// seconds of the day, offset minutes]` (tag 7), in local time.
fn read_calendar_date_time(r: &mut Reader<'_>, tag: u64, start: usize) -> Result<String, QrError> {
    let invalid = |reason| QrError::InvalidTagContent {
        tag,
        offset: start,
        reason,
    };
    let with_offset = tag == TAG_DATE_TIME_OFFSET;
    let shape = Head::Item {
        major: cbor::ARRAY,
        argument: if with_offset { 3 } else { 2 },
    };
    if r.head()? != shape {
        return Err(invalid(
            "expected [days, seconds of the day(, offset minutes)]",
        ));
    }
    let days = read_int(r, invalid("days must be an integer"))?;
    let second = read_int(r, invalid("seconds must be an integer"))?;
    let offset = if with_offset {
        Some(read_int(r, invalid("offset must be an integer"))?)
    } else {
        None
    };
    // Years 0000-9999 are within ±3,000,000 days of 1970.
    if days.abs() > 3_000_000 || !(0..86_400).contains(&second) {
        return Err(invalid("days or seconds of the day out of range"));
    }
    let offset_seconds = offset.unwrap_or(0).clamp(-100_000, 100_000) * 60;
    strings::format_date_time(DateTime {
        seconds: days * 86_400 + second - offset_seconds,
        offset_minutes: offset,
    })
    .ok_or_else(|| invalid("year outside 0000-9999 or offset beyond ±23:59"))
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

/// The string of an LC1 tagged form (tags 6-11, 13, 14).
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
pub fn read_int(r: &mut Reader<'_>, wrong: QrError) -> Result<i64, QrError> {
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
