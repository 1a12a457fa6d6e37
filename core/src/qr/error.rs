//! Why a QR payload could not be made or read.

use thiserror::Error;

/// Every way encoding or decoding a QR payload fails.
///
/// Decoding input comes from a camera, so each malformed layer (prefix,
/// base45, DEFLATE, CBOR, dictionary) has its own variant: an inspector's app
/// can say "not an elicence code" apart from "damaged code".
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum QrError {
    /// The text does not start with `LC<version>:`, so it is not an elicence payload.
    #[error(
        "not an elicence QR payload: expected the prefix \"LC2:\" (or \"LC1:\"), found {found:?}"
    )]
    WrongPrefix {
        /// The first characters of the input (at most 8).
        found: String,
    },
    /// An elicence payload of a format version this library does not know.
    #[error("unsupported QR payload version LC{version}: this library reads LC1 and LC2")]
    UnsupportedVersion {
        /// The version digits after `LC`.
        version: String,
    },
    /// Longer than any QR code can hold: refused before any work is done.
    #[error("QR payload of {length} characters is longer than the limit of {max}")]
    PayloadTooLong {
        /// Characters in the input.
        length: usize,
        /// The limit.
        max: usize,
    },
    /// A character outside the base45 alphabet (RFC 9285 §4).
    #[error("base45: character {found:?} at position {position} is not in the base45 alphabet")]
    Base45InvalidCharacter {
        /// The offending character.
        found: char,
        /// Its position in the base45 text (after the prefix), counted in characters.
        position: usize,
    },
    /// Base45 text whose length leaves one dangling character (RFC 9285 §4.2).
    #[error("base45: {length} characters cannot be decoded (a length of 3n+1 is invalid)")]
    Base45InvalidLength {
        /// Length of the base45 text.
        length: usize,
    },
    /// A base45 group encoding a number too large for its byte count.
    #[error("base45: group at position {position} encodes {value}, more than {max}")]
    Base45Overflow {
        /// Position of the group's first character.
        position: usize,
        /// The decoded number.
        value: u32,
        /// The largest allowed (65535 for three characters, 255 for two).
        max: u32,
    },
    /// The compressed data is not a valid raw DEFLATE stream, or is cut short.
    #[error("DEFLATE: compressed data is corrupt or truncated ({reason})")]
    Inflate {
        /// What the decompressor reported.
        reason: &'static str,
    },
    /// The data inflates to more than the limit (a decompression bomb or not ours).
    #[error("DEFLATE: data inflates to more than {max} bytes")]
    InflatedTooLarge {
        /// The limit in bytes.
        max: usize,
    },
    /// Bytes left over after the DEFLATE stream or the CBOR item ended.
    #[error("{layer}: {count} unexpected trailing byte(s)")]
    TrailingBytes {
        /// `"DEFLATE"` or `"CBOR"`.
        layer: &'static str,
        /// How many bytes were left.
        count: usize,
    },
    /// The CBOR data ends in the middle of an item.
    #[error("CBOR: data ends in the middle of an item at byte {offset}")]
    CborTruncated {
        /// Byte offset where more data was needed.
        offset: usize,
    },
    /// A CBOR construct LC1 never produces (indefinite lengths, reserved
    /// encodings, half or single floats, `undefined`, a byte string where a JSON
    /// value is expected...).
    #[error("CBOR: {what} at byte {offset} is not allowed in an LC1 payload")]
    CborUnsupported {
        /// What was found.
        what: &'static str,
        /// Byte offset of the item.
        offset: usize,
    },
    /// Arrays/objects nested deeper than the limit (a nesting bomb).
    #[error("arrays/objects nested deeper than {max} levels")]
    TooDeep {
        /// The limit.
        max: usize,
    },
    /// A map key code not in the v1 key dictionary.
    #[error("CBOR: unknown dictionary key code {code} at byte {offset}")]
    UnknownKeyCode {
        /// The code.
        code: u64,
        /// Byte offset of the key.
        offset: usize,
    },
    /// A simple value that is neither `false`/`true`/`null` nor in the v1 value dictionary.
    #[error("CBOR: unknown dictionary value code {code} at byte {offset}")]
    UnknownValueCode {
        /// The simple-value number.
        code: u8,
        /// Byte offset of the value.
        offset: usize,
    },
    /// A CBOR tag LC1 does not define (or one used where it is not allowed).
    #[error("CBOR: unknown or misplaced tag {tag} at byte {offset}")]
    UnknownTag {
        /// The tag number.
        tag: u64,
        /// Byte offset of the tag.
        offset: usize,
    },
    /// A tag's content has the wrong shape or is out of range.
    #[error("CBOR: invalid content for tag {tag} at byte {offset}: {reason}")]
    InvalidTagContent {
        /// The tag number.
        tag: u64,
        /// Byte offset of the tag.
        offset: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// A text string or map key that is not valid UTF-8.
    #[error("CBOR: text at byte {offset} is not valid UTF-8")]
    InvalidUtf8 {
        /// Byte offset of the string.
        offset: usize,
    },
    /// An integer outside the range a JSON number in this library can hold.
    #[error("CBOR: integer at byte {offset} is below -2^63 and has no JSON form here")]
    IntegerOutOfRange {
        /// Byte offset of the integer.
        offset: usize,
    },
    /// NaN or an infinity: JSON has no such number.
    #[error("CBOR: float at byte {offset} is not finite and has no JSON form")]
    NonFiniteFloat {
        /// Byte offset of the float.
        offset: usize,
    },
    /// The same member name twice in one object: the JSON would be ambiguous.
    #[error("CBOR: object member {name:?} appears twice (at byte {offset})")]
    DuplicateKey {
        /// The member name.
        name: String,
        /// Byte offset of the second occurrence.
        offset: usize,
    },
    /// A map key that is neither a dictionary code nor a text string.
    #[error("CBOR: map key at byte {offset} is neither a dictionary code nor text")]
    InvalidKey {
        /// Byte offset of the key.
        offset: usize,
    },
    /// A JWT given to `encode` that is not a compact JWS with base64url segments.
    #[error("not a compact JWS: {reason}")]
    NotCompactJws {
        /// What is wrong.
        reason: &'static str,
    },
    /// A JSON value that cannot be serialised (only possible for values built in memory).
    #[error("JSON value cannot be serialised: {0}")]
    Json(String),
    /// The credential has no JCS form, so it has no access-link digest.
    #[error("credential has no canonical form: {0}")]
    Jcs(#[from] crate::jcs::JcsError),
    /// `access_link` was given something that is not a licence IRI in URI form.
    #[error("not a licence IRI in canonical URI form: {reason}")]
    NotALicenceUri {
        /// What is wrong.
        reason: String,
    },
}
