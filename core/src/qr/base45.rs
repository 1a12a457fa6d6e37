//! Base45 (RFC 9285): bytes as text in the QR alphanumeric alphabet.
//!
//! A QR code stores alphanumeric characters in 5.5 bits each, so base45's
//! 3 characters per 2 bytes (8.25 bits per byte) beat byte mode's 8 bits per
//! byte once the QR overhead of mixed modes is counted, and, unlike base64,
//! every character is one the alphanumeric mode can hold.

use super::error::QrError;

/// The 45 characters, in value order (RFC 9285 §4.2, table 1).
const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// The base45 text of `bytes`.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(2) * 3);
    let mut push = |value: usize| out.push(char::from(ALPHABET[value % 45]));
    let mut pairs = bytes.chunks_exact(2);
    for pair in &mut pairs {
        let n = usize::from(pair[0]) * 256 + usize::from(pair[1]);
        push(n);
        push(n / 45);
        push(n / (45 * 45));
    }
    if let [last] = pairs.remainder() {
        let n = usize::from(*last);
        push(n);
        push(n / 45);
    }
    out
}

fn value_of(byte: u8) -> Option<u32> {
    ALPHABET
        .iter()
        .position(|&c| c == byte)
        .and_then(|p| u32::try_from(p).ok())
}

/// The bytes encoded by base45 `text`; errors give the character position.
pub fn decode(text: &str) -> Result<Vec<u8>, QrError> {
    // Validate characters first: afterwards the text is ASCII, so byte
    // positions are character positions.
    if let Some((position, found)) = text
        .chars()
        .enumerate()
        .find(|&(_, c)| !c.is_ascii() || value_of(c as u8).is_none())
    {
        return Err(QrError::Base45InvalidCharacter { found, position });
    }
    let bytes = text.as_bytes();
    if bytes.len() % 3 == 1 {
        return Err(QrError::Base45InvalidLength {
            length: bytes.len(),
        });
    }
    let mut out = Vec::with_capacity(bytes.len() / 3 * 2 + 1);
    for (group, chunk) in bytes.chunks(3).enumerate() {
        let value = chunk
            .iter()
            .rev()
            .fold(0u32, |acc, &c| acc * 45 + value_of(c).unwrap_or(0));
        let max = if chunk.len() == 3 { 0xFFFF } else { 0xFF };
        if value > max {
            return Err(QrError::Base45Overflow {
                position: group * 3,
                value,
                max,
            });
        }
        if chunk.len() == 3 {
            out.extend_from_slice(&[(value >> 8) as u8, (value & 0xFF) as u8]);
        } else {
            out.push(value as u8);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The examples of RFC 9285 §4.3 and §4.4.
    #[test]
    fn rfc_9285_examples() {
        assert_eq!(encode(b"AB"), "BB8");
        assert_eq!(encode(b"Hello!!"), "%69 VD92EX0");
        assert_eq!(encode(b"base-45"), "UJCLQE7W581");
        assert_eq!(decode("QED8WEX0").unwrap(), b"ietf!");
        assert_eq!(decode("BB8").unwrap(), b"AB");
    }

    #[test]
    fn every_pair_round_trips_at_the_edges() {
        for bytes in [&[][..], &[0], &[255], &[0, 0], &[255, 255], &[1, 2, 3]] {
            assert_eq!(decode(&encode(bytes)).unwrap(), bytes);
        }
        assert_eq!(encode(&[255, 255]), "FGW");
    }

    #[test]
    fn bad_text_is_rejected_with_its_position() {
        assert_eq!(
            decode("BB8A"),
            Err(QrError::Base45InvalidLength { length: 4 })
        );
        assert_eq!(
            decode("BBa"),
            Err(QrError::Base45InvalidCharacter {
                found: 'a',
                position: 2
            })
        );
        assert_eq!(
            decode("GGW"),
            Err(QrError::Base45Overflow {
                position: 0,
                value: 65536,
                max: 65535
            })
        );
        assert_eq!(
            decode("AกB"),
            Err(QrError::Base45InvalidCharacter {
                found: 'ก',
                position: 1
            })
        );
        assert_eq!(
            decode("ABC:;"),
            Err(QrError::Base45InvalidCharacter {
                found: ';',
                position: 4
            })
        );
    }
}
