//! Field checks shared by building and reading licence credentials; each
//! failure names the field, so an agency knows what to fix.

use std::collections::HashMap;

use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::error::LicenceError;
use super::model::{Address, BilingualText};
use super::thai_id::ThaiId;

/// Whether text may span lines.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Lines {
    /// Names, codes, titles.
    One,
    /// Addresses, activities, conditions.
    Many,
}

pub(super) fn check_text(field: &str, value: &str, lines: Lines) -> Result<(), LicenceError> {
    if value.is_empty() {
        return Err(LicenceError::Empty {
            field: field.into(),
        });
    }
    if value.starts_with(char::is_whitespace) || value.ends_with(char::is_whitespace) {
        return Err(LicenceError::SurroundingWhitespace {
            field: field.into(),
        });
    }
    let allowed = |c: char| lines == Lines::Many && c == '\n';
    if let Some(character) = value.chars().find(|&c| c.is_control() && !allowed(c)) {
        return Err(LicenceError::ControlCharacter {
            field: field.into(),
            character,
        });
    }
    Ok(())
}

pub(super) fn check_bilingual(field: &str, text: &BilingualText) -> Result<(), LicenceError> {
    check_text(&format!("{field}.th"), &text.th, Lines::One)?;
    check_text(&format!("{field}.en"), &text.en, Lines::One)
}

pub(super) fn check_address(field: &str, address: &Address) -> Result<(), LicenceError> {
    check_text(&format!("{field}.th"), &address.th, Lines::Many)?;
    match &address.en {
        Some(en) => check_text(&format!("{field}.en"), en, Lines::Many),
        None => Ok(()),
    }
}

pub(super) fn check_list(
    field: &str,
    items: &[String],
    required: bool,
) -> Result<(), LicenceError> {
    if required && items.is_empty() {
        return Err(LicenceError::Empty {
            field: field.into(),
        });
    }
    for (index, item) in items.iter().enumerate() {
        check_text(&format!("{field}[{index}]"), item, Lines::Many)?;
    }
    Ok(())
}

/// Refuses repeated items in a set-valued field.
pub(super) fn check_unique(field: &str, items: &[String]) -> Result<(), LicenceError> {
    let mut seen = HashMap::with_capacity(items.len());
    for (second, item) in items.iter().enumerate() {
        if let Some(&first) = seen.get(item.as_str()) {
            return Err(LicenceError::Duplicate {
                field: field.into(),
                value: item.clone(),
                first,
                second,
            });
        }
        seen.insert(item.as_str(), second);
    }
    Ok(())
}

pub(super) fn juristic_id(field: &str, value: &str) -> Result<ThaiId, LicenceError> {
    let id = ThaiId::parse(value).map_err(|source| LicenceError::ThaiId {
        field: field.into(),
        source,
    })?;
    if !id.is_juristic() {
        return Err(LicenceError::NotJuristic {
            field: field.into(),
            id: value.into(),
        });
    }
    Ok(id)
}

/// Longest DID accepted, in bytes: far above any real did:key or did:web,
/// far below what would bloat a licence and its QR code.
pub const MAX_DID_BYTES: usize = 2048;

/// DID Core syntax: `did:` method-name `:` method-specific-id, where
/// method-name is `[a-z0-9]+` and the id is `:`-separated runs of
/// `[A-Za-z0-9._-]` or `%XX`, the last run non-empty; at most
/// [`MAX_DID_BYTES`]; a `did:key` must hold a well-formed public key.
pub(super) fn check_did(field: &str, value: &str) -> Result<(), LicenceError> {
    let fail = |reason| LicenceError::NotADid {
        field: field.into(),
        value: value.chars().take(80).collect(),
        reason,
    };
    if value.len() > MAX_DID_BYTES {
        return Err(fail("longer than 2048 bytes"));
    }
    let rest = value
        .strip_prefix("did:")
        .ok_or_else(|| fail("must start with \"did:\""))?;
    let (method, id) = rest
        .split_once(':')
        .ok_or_else(|| fail("missing method-specific identifier"))?;
    if method.is_empty()
        || !method
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return Err(fail("method name must be lowercase letters and digits"));
    }
    if id.is_empty() || id.ends_with(':') {
        return Err(fail(
            "method-specific identifier must not be empty or end with ':'",
        ));
    }
    let bytes = id.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = |j: usize| bytes.get(j).is_some_and(|b| b.is_ascii_hexdigit());
                if !(hex(i + 1) && hex(i + 2)) {
                    return Err(fail("bad percent-encoding"));
                }
                i += 3;
            }
            b if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':') => i += 1,
            _ => {
                return Err(fail(
                    "method-specific identifier allows only A-Z a-z 0-9 . - _ : and %XX",
                ))
            }
        }
    }
    if method == "key" {
        check_did_key(id).map_err(fail)?;
    }
    Ok(())
}

/// A `did:key` identifier: one base58btc (`z`) multibase value holding a
/// multicodec public key of a known type and its exact length; Ed25519 and
/// P-256 keys are also checked to be valid points.
fn check_did_key(id: &str) -> Result<(), &'static str> {
    if id.contains(':') {
        return Err("did:key holds a single multibase key (no version or extra segments)");
    }
    let body = id
        .strip_prefix('z')
        .ok_or("did:key must be a base58btc multibase key starting with `z`")?;
    let bytes = bs58::decode(body)
        .into_vec()
        .map_err(|_| "did:key is not valid base58btc")?;
    let (codec, used) = varint(&bytes).ok_or("did:key has no multicodec prefix")?;
    let expected = match codec {
        0xed | 0x1200 => {
            return crate::keys::PublicKey::from_multikey(id)
                .map(|_| ())
                .map_err(|_| "did:key does not hold a valid Ed25519 or P-256 public key");
        }
        0xec => 32,   // x25519-pub
        0xe7 => 33,   // secp256k1-pub, compressed
        0x1201 => 49, // p384-pub, compressed
        0x1202 => 67, // p521-pub, compressed
        _ => return Err("did:key holds an unknown key type (multicodec)"),
    };
    if bytes.len() - used != expected {
        return Err("did:key key length does not match its key type");
    }
    Ok(())
}

/// An unsigned LEB128 varint of at most 3 bytes: (value, bytes used).
fn varint(bytes: &[u8]) -> Option<(u32, usize)> {
    let mut value = 0u32;
    for (i, b) in bytes.iter().take(3).enumerate() {
        value |= u32::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

pub(super) fn parse_date(field: &str, value: &str) -> Result<OffsetDateTime, LicenceError> {
    crate::datetime::parse_strict(value).map_err(|_| LicenceError::BadDateTime {
        field: field.into(),
        value: value.into(),
    })
}

pub(super) fn format_date(field: &str, value: OffsetDateTime) -> Result<String, LicenceError> {
    value
        .format(&Rfc3339)
        .map_err(|_| LicenceError::BadDateTime {
            field: field.into(),
            value: value.to_string(),
        })
}

pub(super) fn validity(
    from_field: &str,
    from: &str,
    until_field: &str,
    until: &str,
) -> Result<(OffsetDateTime, OffsetDateTime), LicenceError> {
    let valid_from = parse_date(from_field, from)?;
    let valid_until = parse_date(until_field, until)?;
    if valid_until <= valid_from {
        return Err(LicenceError::ValidityPeriod {
            field: until_field.into(),
            valid_from: from.into(),
            valid_until: until.into(),
        });
    }
    Ok((valid_from, valid_until))
}

/// VC 2.0 requires a `type` on a status entry; `id`, when present, is a URL string.
pub(super) fn check_status(field: &str, status: &Map<String, Value>) -> Result<(), LicenceError> {
    let type_field = format!("{field}.type");
    match status.get("type") {
        None => return Err(LicenceError::Missing { field: type_field }),
        Some(Value::String(t)) => check_text(&type_field, t, Lines::One)?,
        Some(Value::Array(types)) if !types.is_empty() => {
            for (index, t) in types.iter().enumerate() {
                let here = format!("{type_field}[{index}]");
                check_text(&here, as_str(t, &here)?, Lines::One)?;
            }
        }
        Some(_) => {
            return Err(LicenceError::WrongType {
                field: type_field,
                expected: "a string or a non-empty array of strings",
            })
        }
    }
    if let Some(id) = status.get("id") {
        as_str(id, &format!("{field}.id"))?;
    }
    Ok(())
}

pub(super) fn path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

pub(super) fn member<'a>(
    object: &'a Map<String, Value>,
    parent: &str,
    key: &str,
) -> Result<&'a Value, LicenceError> {
    object.get(key).ok_or_else(|| LicenceError::Missing {
        field: path(parent, key),
    })
}

pub(super) fn as_object<'a>(
    value: &'a Value,
    field: &str,
) -> Result<&'a Map<String, Value>, LicenceError> {
    value.as_object().ok_or_else(|| LicenceError::WrongType {
        field: field.into(),
        expected: "an object",
    })
}

pub(super) fn as_str<'a>(value: &'a Value, field: &str) -> Result<&'a str, LicenceError> {
    value.as_str().ok_or_else(|| LicenceError::WrongType {
        field: field.into(),
        expected: "a string",
    })
}

pub(super) fn string_list(value: &Value, field: &str) -> Result<Vec<String>, LicenceError> {
    let items = value.as_array().ok_or_else(|| LicenceError::WrongType {
        field: field.into(),
        expected: "an array of strings",
    })?;
    items
        .iter()
        .enumerate()
        .map(|(index, item)| as_str(item, &format!("{field}[{index}]")).map(str::to_owned))
        .collect()
}
