//! The W3C Bitstring Status List 1.0 `encodedList`: a bitstring (index 0 is
//! the most significant bit of the first byte), GZIP-compressed, then
//! multibase base64url without padding (`u` prefix).
//!
//! Kept here until `elicence_core::status` lands; the format is the spec's.

use std::io::{Read, Write};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;

/// Why an `encodedList` could not be decoded.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BitstringError {
    /// It does not start with the base64url multibase prefix `u`.
    #[error("encodedList must be multibase base64url (start with `u`)")]
    NotMultibase,
    /// The base64url is malformed.
    #[error("encodedList is not valid base64url")]
    Base64,
    /// The GZIP stream is malformed.
    #[error("encodedList is not valid GZIP")]
    Gzip,
    /// The list is larger than the caller allows.
    #[error("the decoded list is larger than {0} bytes")]
    TooLarge(usize),
    /// An index is outside the list.
    #[error("index {index} is outside a list of {len} entries")]
    OutOfRange {
        /// The index asked for.
        index: u64,
        /// The list length in bits.
        len: u64,
    },
}

/// Encodes a list of `len_bits` entries with the given indices set.
pub fn encode(len_bits: u32, set: &[u32]) -> Result<String, BitstringError> {
    let mut bytes = vec![0u8; (len_bits as usize).div_ceil(8)];
    for &i in set {
        if i >= len_bits {
            return Err(BitstringError::OutOfRange {
                index: u64::from(i),
                len: u64::from(len_bits),
            });
        }
        bytes[(i / 8) as usize] |= 0x80 >> (i % 8);
    }
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    // Writing to a Vec cannot fail.
    let _ = gz.write_all(&bytes);
    let compressed = gz.finish().unwrap_or_default();
    Ok(format!("u{}", URL_SAFE_NO_PAD.encode(compressed)))
}

/// Decodes an `encodedList` into bytes, refusing more than `max_bytes`.
pub fn decode(encoded: &str, max_bytes: usize) -> Result<Vec<u8>, BitstringError> {
    let b64 = encoded
        .strip_prefix('u')
        .ok_or(BitstringError::NotMultibase)?;
    let compressed = URL_SAFE_NO_PAD
        .decode(b64)
        .map_err(|_| BitstringError::Base64)?;
    let mut out = Vec::new();
    GzDecoder::new(compressed.as_slice())
        .take(max_bytes as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|_| BitstringError::Gzip)?;
    if out.len() > max_bytes {
        return Err(BitstringError::TooLarge(max_bytes));
    }
    Ok(out)
}

/// The bit at `index` of a decoded list.
pub fn bit(bytes: &[u8], index: u64) -> Result<bool, BitstringError> {
    let len = bytes.len() as u64 * 8;
    let byte = bytes
        .get((index / 8) as usize)
        .filter(|_| index < len)
        .ok_or(BitstringError::OutOfRange { index, len })?;
    Ok(byte & (0x80 >> (index % 8)) != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_msb_first() {
        let enc = encode(131_072, &[0, 7, 94_567, 131_071]).unwrap();
        let bytes = decode(&enc, 1 << 20).unwrap();
        assert_eq!(bytes.len(), 16_384);
        assert_eq!(bytes[0], 0b1000_0001);
        for i in [0u64, 7, 94_567, 131_071] {
            assert!(bit(&bytes, i).unwrap());
        }
        assert!(!bit(&bytes, 1).unwrap());
        assert!(bit(&bytes, 131_072).is_err());
        assert!(encode(8, &[8]).is_err());
    }

    #[test]
    fn rejects_bad_encodings() {
        assert_eq!(decode("zabc", 10), Err(BitstringError::NotMultibase));
        assert_eq!(decode("u!!", 10), Err(BitstringError::Base64));
        assert_eq!(decode("uAAAA", 10), Err(BitstringError::Gzip));
        let big = encode(131_072, &[]).unwrap();
        assert_eq!(decode(&big, 100), Err(BitstringError::TooLarge(100)));
    }

    /// The spec's minimum-size empty list example: 16 KiB of zeros.
    #[test]
    fn empty_list_is_all_zero() {
        let bytes = decode(&encode(131_072, &[]).unwrap(), 1 << 20).unwrap();
        assert!(bytes.iter().all(|b| *b == 0));
    }
}
