//! The subset of CBOR (RFC 8949) that LC1 uses: definite lengths only,
//! preferred (shortest) argument encoding on output, every length checked
//! against the bytes actually present on input, so hostile data cannot make
//! the reader allocate more than the input size.

use super::error::QrError;

/// Major type 0: unsigned integer.
pub const UINT: u8 = 0;
/// Major type 1: negative integer `-1 - n`.
pub const NINT: u8 = 1;
/// Major type 2: byte string.
pub const BYTES: u8 = 2;
/// Major type 3: text string.
pub const TEXT: u8 = 3;
/// Major type 4: array.
pub const ARRAY: u8 = 4;
/// Major type 5: map.
pub const MAP: u8 = 5;
/// Major type 6: tag.
pub const TAG: u8 = 6;
/// Major type 7: simple values and floats.
pub const SIMPLE: u8 = 7;

/// Appends the head of an item: major type and argument, shortest form.
pub fn write_head(out: &mut Vec<u8>, major: u8, argument: u64) {
    let m = major << 5;
    if argument < 24 {
        out.push(m | argument as u8);
    } else if let Ok(a) = u8::try_from(argument) {
        out.extend_from_slice(&[m | 24, a]);
    } else if let Ok(a) = u16::try_from(argument) {
        out.push(m | 25);
        out.extend_from_slice(&a.to_be_bytes());
    } else if let Ok(a) = u32::try_from(argument) {
        out.push(m | 26);
        out.extend_from_slice(&a.to_be_bytes());
    } else {
        out.push(m | 27);
        out.extend_from_slice(&argument.to_be_bytes());
    }
}

/// Appends a text string.
pub fn write_text(out: &mut Vec<u8>, text: &str) {
    write_head(out, TEXT, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
}

/// Appends a byte string.
pub fn write_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    write_head(out, BYTES, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// Appends a simple value (0-19 in one byte, 32-255 in two).
pub fn write_simple(out: &mut Vec<u8>, value: u8) {
    if value < 24 {
        out.push(0xE0 | value);
    } else {
        out.extend_from_slice(&[0xF8, value]);
    }
}

/// Appends a double-precision float.
pub fn write_f64(out: &mut Vec<u8>, value: f64) {
    out.push(0xFB);
    out.extend_from_slice(&value.to_be_bytes());
}

/// The head of one item, as read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Head {
    /// Major types 0-6 with their argument.
    Item {
        /// Major type.
        major: u8,
        /// Argument: value, length, count or tag number.
        argument: u64,
    },
    /// A simple value (major type 7, not a float).
    Simple(u8),
    /// A double-precision float.
    Float(f64),
}

/// A cursor over CBOR bytes.
#[derive(Clone)]
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// Starts reading at the first byte.
    pub fn new(data: &'a [u8]) -> Self {
        Reader { data, pos: 0 }
    }

    /// Byte offset of the next item, for error messages.
    pub fn offset(&self) -> usize {
        self.pos
    }

    /// Bytes not yet read.
    pub fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], QrError> {
        if n > self.remaining() {
            return Err(QrError::CborTruncated {
                offset: self.data.len(),
            });
        }
        let slice = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(slice)
    }

    fn argument(&mut self, info: u8, start: usize) -> Result<u64, QrError> {
        Ok(match info {
            0..=23 => u64::from(info),
            24 => u64::from(self.take(1)?[0]),
            25 => {
                let b = self.take(2)?;
                u64::from(u16::from_be_bytes([b[0], b[1]]))
            }
            26 => {
                let b = self.take(4)?;
                u64::from(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
            }
            27 => {
                let b = self.take(8)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(b);
                u64::from_be_bytes(a)
            }
            28..=30 => {
                return Err(QrError::CborUnsupported {
                    what: "a reserved additional-information value",
                    offset: start,
                })
            }
            _ => {
                return Err(QrError::CborUnsupported {
                    what: "an indefinite-length item",
                    offset: start,
                })
            }
        })
    }

    /// Reads the head of the next item.
    pub fn head(&mut self) -> Result<Head, QrError> {
        let start = self.pos;
        let initial = self.take(1)?[0];
        let (major, info) = (initial >> 5, initial & 0x1F);
        if major != SIMPLE {
            let argument = self.argument(info, start)?;
            return Ok(Head::Item { major, argument });
        }
        match info {
            0..=23 => Ok(Head::Simple(info)),
            24 => {
                let value = self.take(1)?[0];
                if value < 32 {
                    return Err(QrError::CborUnsupported {
                        what: "a two-byte simple value below 32",
                        offset: start,
                    });
                }
                Ok(Head::Simple(value))
            }
            27 => {
                let b = self.take(8)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(b);
                Ok(Head::Float(f64::from_be_bytes(a)))
            }
            25 | 26 => Err(QrError::CborUnsupported {
                what: "a half or single precision float",
                offset: start,
            }),
            28..=30 => Err(QrError::CborUnsupported {
                what: "a reserved additional-information value",
                offset: start,
            }),
            _ => Err(QrError::CborUnsupported {
                what: "a break code",
                offset: start,
            }),
        }
    }

    /// Reads `length` bytes of string content, refusing lengths beyond the data.
    pub fn content(&mut self, length: u64) -> Result<&'a [u8], QrError> {
        let n = usize::try_from(length).map_err(|_| QrError::CborTruncated {
            offset: self.data.len(),
        })?;
        self.take(n)
    }

    /// Reads a text string's content whose head was just read.
    pub fn text(&mut self, length: u64, start: usize) -> Result<&'a str, QrError> {
        let bytes = self.content(length)?;
        std::str::from_utf8(bytes).map_err(|_| QrError::InvalidUtf8 { offset: start })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_use_the_shortest_form_and_read_back() {
        for (argument, len) in [
            (0u64, 1usize),
            (23, 1),
            (24, 2),
            (255, 2),
            (256, 3),
            (65_535, 3),
            (65_536, 5),
            (u64::from(u32::MAX), 5),
            (u64::MAX, 9),
        ] {
            let mut out = Vec::new();
            write_head(&mut out, UINT, argument);
            assert_eq!(out.len(), len, "{argument}");
            let mut r = Reader::new(&out);
            assert_eq!(
                r.head().unwrap(),
                Head::Item {
                    major: UINT,
                    argument
                }
            );
            assert_eq!(r.remaining(), 0);
        }
    }

    #[test]
    fn lengths_beyond_the_data_are_refused_before_allocating() {
        // A text string claiming 2^64-1 bytes.
        let data = [0x7B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
        let mut r = Reader::new(&data);
        let Head::Item { argument, .. } = r.head().unwrap() else {
            panic!("not an item")
        };
        assert!(matches!(
            r.text(argument, 0),
            Err(QrError::CborTruncated { .. })
        ));
    }
}
