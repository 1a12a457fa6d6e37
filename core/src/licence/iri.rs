//! Licence IRIs: one stable, globally unique HTTPS IRI per licence, built from
//! the issuer's base URL, the licence type code and the licence number exactly
//! as the agency writes it.
//!
//! The number keeps its Thai letters and digits (IRIs allow them), so the IRI
//! stays readable; the only substitutions are `/` -> `~` and space -> `_`,
//! which is why `~` and `_` may not occur in numbers. See docs/licence-iri.md.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The path segment that introduces the type code and number.
const LICENCES_SEGMENT: &str = "/licences/";
/// Longest licence number accepted, in characters.
pub const MAX_NUMBER_CHARS: usize = 64;
/// Longest type code accepted, in characters.
pub const MAX_TYPE_CODE_CHARS: usize = 32;
/// Longest host name accepted (DNS limit).
const MAX_HOST_CHARS: usize = 253;
/// Longest host label accepted (DNS limit).
const MAX_LABEL_CHARS: usize = 63;

/// Why a base URL cannot prefix licence IRIs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BaseUrlError {
    /// Does not start with `https://` (lowercase).
    #[error("base URL must start with \"https://\"")]
    NotHttps,
    /// Contains `@` before the path: credentials do not belong in an identifier.
    #[error("base URL must not contain userinfo (\"@\")")]
    Userinfo,
    /// Contains `?`.
    #[error("base URL must not contain a query (\"?\")")]
    Query,
    /// Contains `#`.
    #[error("base URL must not contain a fragment (\"#\")")]
    Fragment,
    /// Nothing between `https://` and the port or path.
    #[error("base URL has an empty host")]
    EmptyHost,
    /// The host holds a character other than a-z, 0-9, `.`, `-`.
    #[error("base URL host: character {character:?} at position {position} is not allowed (lowercase letters, digits, '.', '-')")]
    HostCharacter {
        /// The offending character.
        character: char,
        /// 1-based character position in the base URL.
        position: usize,
    },
    /// The host is longer than 253 characters.
    #[error("base URL host is longer than 253 characters")]
    HostTooLong,
    /// A host label is empty, too long, or starts or ends with `-`.
    #[error("base URL host label {label:?} is not a valid DNS label")]
    HostLabel {
        /// The offending label.
        label: String,
    },
    /// The port is not 1..=65535 written without leading zeros.
    #[error("base URL port {port:?} is not a number from 1 to 65535 without leading zeros")]
    Port {
        /// The port as written.
        port: String,
    },
    /// `:443` is the default for https; writing it would give the same licence a second IRI.
    #[error("base URL must not spell out the default port 443")]
    DefaultPort,
    /// The path holds a character other than A-Z, a-z, 0-9, `.`, `_`, `~`, `-`, `/`.
    #[error("base URL path: character {character:?} at position {position} is not allowed (A-Z a-z 0-9 . _ ~ - /)")]
    PathCharacter {
        /// The offending character.
        character: char,
        /// 1-based character position in the base URL.
        position: usize,
    },
    /// `//` in the path (or more than one trailing slash).
    #[error("base URL path has an empty segment (\"//\")")]
    EmptyPathSegment,
    /// A `.` or `..` segment, which URI normalisation would remove.
    #[error("base URL path has a dot segment {segment:?}")]
    DotPathSegment {
        /// The offending segment.
        segment: String,
    },
}

/// Why a licence type code is rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TypeCodeError {
    /// The code is empty.
    #[error("licence type code is empty")]
    Empty,
    /// The code is longer than 32 characters.
    #[error("licence type code is {length} characters long, at most 32 are allowed")]
    TooLong {
        /// Its length in characters.
        length: usize,
    },
    /// The code does not start with an ASCII letter or digit.
    #[error("licence type code must start with an ASCII letter or digit, not {character:?}")]
    BadFirstCharacter {
        /// The first character.
        character: char,
    },
    /// A character other than A-Z, a-z, 0-9, `.`, `_`, `-`.
    #[error("licence type code: character {character:?} at position {position} is not allowed (A-Z a-z 0-9 . _ -)")]
    DisallowedCharacter {
        /// The offending character.
        character: char,
        /// 1-based character position in the code.
        position: usize,
    },
}

/// Why a licence number cannot be put in an IRI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    /// The number is empty.
    #[error("licence number is empty")]
    Empty,
    /// The number is longer than 64 characters.
    #[error("licence number is {length} characters long, at most 64 are allowed")]
    TooLong {
        /// Its length in characters.
        length: usize,
    },
    /// A character outside the licence-number alphabet (`~` and `_` included:
    /// they stand for `/` and space in the IRI).
    #[error("licence number: character {character:?} (U+{code:04X}) at position {position} is not allowed", code = u32::from(*character))]
    DisallowedCharacter {
        /// The offending character.
        character: char,
        /// 1-based character position in the number.
        position: usize,
    },
    /// The number starts with a space.
    #[error("licence number starts with a space")]
    LeadingSpace,
    /// The number ends with a space.
    #[error("licence number ends with a space")]
    TrailingSpace,
    /// Two spaces in a row.
    #[error("licence number has two consecutive spaces at position {position}")]
    ConsecutiveSpaces {
        /// 1-based position of the second space.
        position: usize,
    },
    /// Only punctuation and marks, no letter or digit.
    #[error("licence number has no letter or digit")]
    NoLetterOrDigit,
}

/// Why a licence IRI cannot be built or parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LicenceIriError {
    /// The issuer base URL is malformed.
    #[error(transparent)]
    BaseUrl(#[from] BaseUrlError),
    /// The licence type code is malformed.
    #[error(transparent)]
    TypeCode(#[from] TypeCodeError),
    /// The licence number is malformed.
    #[error(transparent)]
    Number(#[from] NumberError),
    /// The IRI does not end in `/licences/{type-code}/{number-segment}`.
    #[error("not a licence IRI: it must end in /licences/{{type-code}}/{{number}}")]
    NotALicenceIri,
    /// The number segment holds a character no licence number maps to.
    #[error(
        "licence IRI number segment: character {character:?} at position {position} is not allowed"
    )]
    SegmentCharacter {
        /// The offending character.
        character: char,
        /// 1-based character position in the segment.
        position: usize,
    },
    /// The IRI is not the one [`LicenceIri::new`] builds from its own parts.
    #[error("licence IRI is not in canonical form; expected {canonical}")]
    NotCanonical {
        /// The canonical spelling.
        canonical: String,
    },
    /// A `%` not followed by two hex digits.
    #[error("bad percent-encoding at position {position}")]
    BadPercentEncoding {
        /// 1-based character position of the `%`.
        position: usize,
    },
    /// `%XX` encoding an ASCII byte: it would change the IRI's structure (`%2F`) or is not canonical.
    #[error("percent-encoded ASCII byte at position {position}: only non-ASCII characters may be percent-encoded")]
    PercentEncodedAscii {
        /// 1-based character position of the `%`.
        position: usize,
    },
    /// The percent-encoded bytes are not UTF-8.
    #[error("percent-encoded bytes are not valid UTF-8")]
    InvalidUtf8,
}

/// A validated licence IRI, `{base}/licences/{type-code}/{number-segment}`.
///
/// Holding one proves the parts are valid and the IRI is canonical, so equal
/// licences have byte-equal IRIs and different numbers never collide.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LicenceIri {
    iri: String,
    base_url: String,
    type_code: String,
    number: String,
}

impl LicenceIri {
    /// Builds the IRI of licence `number` of type `type_code` issued under
    /// `base_url` (one trailing slash of `base_url` is ignored).
    pub fn new(
        base_url: &str,
        type_code: &str,
        number: &str,
    ) -> Result<LicenceIri, LicenceIriError> {
        // Strip one trailing slash, but not the one of a bare "https://".
        let base = match base_url.strip_suffix('/') {
            Some(stripped) if stripped.len() >= "https://".len() => stripped,
            _ => base_url,
        };
        validate_base_url(base)?;
        validate_type_code(type_code)?;
        validate_number(number)?;
        let segment = encode_number(number);
        let iri = format!("{base}{LICENCES_SEGMENT}{type_code}/{segment}");
        Ok(LicenceIri {
            iri,
            base_url: base.to_owned(),
            type_code: type_code.to_owned(),
            number: number.to_owned(),
        })
    }

    /// Recovers base URL, type code and the exact licence number from an IRI
    /// (the inverse of [`LicenceIri::new`]); non-canonical spellings are rejected.
    pub fn parse(iri: &str) -> Result<LicenceIri, LicenceIriError> {
        let (rest, segment) = iri
            .rsplit_once('/')
            .ok_or(LicenceIriError::NotALicenceIri)?;
        let (rest, type_code) = rest
            .rsplit_once('/')
            .ok_or(LicenceIriError::NotALicenceIri)?;
        let base = rest
            .strip_suffix(LICENCES_SEGMENT.trim_end_matches('/'))
            .ok_or(LicenceIriError::NotALicenceIri)?;
        if base.is_empty() {
            return Err(LicenceIriError::NotALicenceIri);
        }
        // The base inside an IRI is already canonical: no trailing slash to strip.
        validate_base_url(base)?;
        let number = decode_segment(segment)?;
        let built = LicenceIri::new(base, type_code, &number)?;
        if built.iri != iri {
            return Err(LicenceIriError::NotCanonical {
                canonical: built.iri,
            });
        }
        Ok(built)
    }

    /// Parses the URI form produced by [`LicenceIri::to_uri`] (non-ASCII
    /// characters percent-encoded as UTF-8; hex digits of either case).
    pub fn from_uri(uri: &str) -> Result<LicenceIri, LicenceIriError> {
        LicenceIri::parse(&percent_decode_non_ascii(uri)?)
    }

    /// The IRI, with Thai characters as they are.
    pub fn as_str(&self) -> &str {
        &self.iri
    }

    /// The issuer base URL, without trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The licence type code.
    pub fn type_code(&self) -> &str {
        &self.type_code
    }

    /// The licence number exactly as the agency wrote it.
    pub fn number(&self) -> &str {
        &self.number
    }

    /// The URI form (RFC 3987 section 3.1): each non-ASCII character's UTF-8
    /// bytes percent-encoded with uppercase hex, for ASCII-only transports
    /// such as HTTP request lines and QR codes in alphanumeric-safe modes.
    pub fn to_uri(&self) -> String {
        let mut uri = String::with_capacity(self.iri.len() * 3);
        for c in self.iri.chars() {
            if c.is_ascii() {
                uri.push(c);
            } else {
                let mut buf = [0u8; 4];
                for byte in c.encode_utf8(&mut buf).bytes() {
                    uri.push('%');
                    uri.push(hex_digit(byte >> 4));
                    uri.push(hex_digit(byte & 0x0F));
                }
            }
        }
        uri
    }
}

fn hex_digit(nibble: u8) -> char {
    char::from(b"0123456789ABCDEF"[usize::from(nibble & 0x0F)])
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        _ => None,
    }
}

/// Decodes `%XX` sequences that encode non-ASCII bytes.
fn percent_decode_non_ascii(uri: &str) -> Result<String, LicenceIriError> {
    let bytes = uri.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if byte != b'%' {
            out.push(byte);
            i += 1;
            continue;
        }
        let position = uri[..i].chars().count() + 1;
        let high = bytes.get(i + 1).copied().and_then(hex_value);
        let low = bytes.get(i + 2).copied().and_then(hex_value);
        let (Some(high), Some(low)) = (high, low) else {
            return Err(LicenceIriError::BadPercentEncoding { position });
        };
        let decoded = (high << 4) | low;
        if decoded.is_ascii() {
            return Err(LicenceIriError::PercentEncodedAscii { position });
        }
        out.push(decoded);
        i += 3;
    }
    String::from_utf8(out).map_err(|_| LicenceIriError::InvalidUtf8)
}

/// Checks a base URL that has already lost its optional trailing slash.
fn validate_base_url(base: &str) -> Result<(), BaseUrlError> {
    let rest = base
        .strip_prefix("https://")
        .ok_or(BaseUrlError::NotHttps)?;
    if base.contains('#') {
        return Err(BaseUrlError::Fragment);
    }
    if base.contains('?') {
        return Err(BaseUrlError::Query);
    }
    let offset = "https://".len();
    let (authority, path) = match rest.find('/') {
        Some(slash) => rest.split_at(slash),
        None => (rest, ""),
    };
    if authority.contains('@') {
        return Err(BaseUrlError::Userinfo);
    }
    let (host, port) = match authority.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    validate_host(host, offset)?;
    if let Some(port) = port {
        validate_port(port)?;
    }
    validate_path(path, offset + authority.chars().count())
}

fn validate_host(host: &str, offset: usize) -> Result<(), BaseUrlError> {
    if host.is_empty() {
        return Err(BaseUrlError::EmptyHost);
    }
    for (index, character) in host.chars().enumerate() {
        let allowed = character.is_ascii_lowercase()
            || character.is_ascii_digit()
            || character == '.'
            || character == '-';
        if !allowed {
            return Err(BaseUrlError::HostCharacter {
                character,
                position: offset + index + 1,
            });
        }
    }
    if host.len() > MAX_HOST_CHARS {
        return Err(BaseUrlError::HostTooLong);
    }
    for label in host.split('.') {
        let bad = label.is_empty()
            || label.len() > MAX_LABEL_CHARS
            || label.starts_with('-')
            || label.ends_with('-');
        if bad {
            return Err(BaseUrlError::HostLabel {
                label: label.to_owned(),
            });
        }
    }
    Ok(())
}

fn validate_port(port: &str) -> Result<(), BaseUrlError> {
    let bad = || BaseUrlError::Port {
        port: port.to_owned(),
    };
    if port.is_empty()
        || port.len() > 5
        || port.starts_with('0')
        || !port.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let value: u32 = port.parse().map_err(|_| bad())?;
    if value > 65535 {
        return Err(bad());
    }
    if value == 443 {
        return Err(BaseUrlError::DefaultPort);
    }
    Ok(())
}

/// `path` is empty or starts with `/`; `offset` is the number of characters before it.
fn validate_path(path: &str, offset: usize) -> Result<(), BaseUrlError> {
    for (index, character) in path.chars().enumerate() {
        let allowed =
            character.is_ascii_alphanumeric() || matches!(character, '.' | '_' | '~' | '-' | '/');
        if !allowed {
            return Err(BaseUrlError::PathCharacter {
                character,
                position: offset + index + 1,
            });
        }
    }
    if path.is_empty() {
        return Ok(());
    }
    for segment in path[1..].split('/') {
        if segment.is_empty() {
            return Err(BaseUrlError::EmptyPathSegment);
        }
        if segment == "." || segment == ".." {
            return Err(BaseUrlError::DotPathSegment {
                segment: segment.to_owned(),
            });
        }
    }
    Ok(())
}

fn validate_type_code(code: &str) -> Result<(), TypeCodeError> {
    let first = code.chars().next().ok_or(TypeCodeError::Empty)?;
    let length = code.chars().count();
    if length > MAX_TYPE_CODE_CHARS {
        return Err(TypeCodeError::TooLong { length });
    }
    for (index, character) in code.chars().enumerate() {
        if !(character.is_ascii_alphanumeric() || matches!(character, '.' | '_' | '-')) {
            return Err(TypeCodeError::DisallowedCharacter {
                character,
                position: index + 1,
            });
        }
    }
    if !first.is_ascii_alphanumeric() {
        return Err(TypeCodeError::BadFirstCharacter { character: first });
    }
    Ok(())
}

/// Thai characters accepted in numbers: the assigned code points of the Thai
/// block (U+0E3B..U+0E3E are unassigned).
fn is_thai(character: char) -> bool {
    matches!(character, '\u{0E01}'..='\u{0E3A}' | '\u{0E3F}'..='\u{0E5B}')
}

/// ASCII letters and digits, Thai consonants and Thai digits: what makes a
/// number more than punctuation and marks (vowel and tone marks alone do not).
fn is_letter_or_digit(character: char) -> bool {
    character.is_ascii_alphanumeric()
        || matches!(character, '\u{0E01}'..='\u{0E2E}' | '\u{0E50}'..='\u{0E59}')
}

/// Characters kept unchanged in the number segment.
fn is_kept_as_is(character: char) -> bool {
    character.is_ascii_alphanumeric()
        || is_thai(character)
        || matches!(character, '-' | '.' | '(' | ')')
}

fn validate_number(number: &str) -> Result<(), NumberError> {
    if number.is_empty() {
        return Err(NumberError::Empty);
    }
    let length = number.chars().count();
    if length > MAX_NUMBER_CHARS {
        return Err(NumberError::TooLong { length });
    }
    let mut previous_space = false;
    let mut has_letter_or_digit = false;
    for (index, character) in number.chars().enumerate() {
        let position = index + 1;
        if !(is_kept_as_is(character) || character == '/' || character == ' ') {
            return Err(NumberError::DisallowedCharacter {
                character,
                position,
            });
        }
        let space = character == ' ';
        if space && position == 1 {
            return Err(NumberError::LeadingSpace);
        }
        if space && previous_space {
            return Err(NumberError::ConsecutiveSpaces { position });
        }
        previous_space = space;
        has_letter_or_digit |= is_letter_or_digit(character);
    }
    if previous_space {
        return Err(NumberError::TrailingSpace);
    }
    if !has_letter_or_digit {
        return Err(NumberError::NoLetterOrDigit);
    }
    Ok(())
}

/// The number segment of a valid number: `/` -> `~`, space -> `_`.
fn encode_number(number: &str) -> String {
    number
        .chars()
        .map(|c| match c {
            '/' => '~',
            ' ' => '_',
            other => other,
        })
        .collect()
}

/// The inverse of [`encode_number`]; rejects characters no number maps to.
fn decode_segment(segment: &str) -> Result<String, LicenceIriError> {
    segment
        .chars()
        .enumerate()
        .map(|(index, c)| match c {
            '~' => Ok('/'),
            '_' => Ok(' '),
            other if is_kept_as_is(other) => Ok(other),
            other => Err(LicenceIriError::SegmentCharacter {
                character: other,
                position: index + 1,
            }),
        })
        .collect()
}

impl fmt::Display for LicenceIri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iri)
    }
}

impl FromStr for LicenceIri {
    type Err = LicenceIriError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LicenceIri::parse(s)
    }
}

impl AsRef<str> for LicenceIri {
    fn as_ref(&self) -> &str {
        &self.iri
    }
}

impl Serialize for LicenceIri {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.iri)
    }
}

impl<'de> Deserialize<'de> for LicenceIri {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        LicenceIri::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_encoding_is_inverted_by_decoding() {
        let number = "สน.1/2566 (ก)";
        let segment = encode_number(number);
        assert_eq!(segment, "สน.1~2566_(ก)");
        assert_eq!(decode_segment(&segment).unwrap(), number);
    }

    #[test]
    fn unassigned_thai_code_points_are_not_thai() {
        assert!(!is_thai('\u{0E3B}'));
        assert!(!is_thai('\u{0E5C}'));
        assert!(is_thai('\u{0E3F}'));
    }
}
