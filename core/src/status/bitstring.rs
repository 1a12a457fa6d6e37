//! The status bitstring and its `encodedList` form.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use super::{gzip, StatusError, StatusSize};

/// The spec's minimum list length in bits (16 KB): smaller lists give holders
/// too little herd privacy.
pub const MIN_BITS: usize = 131_072;

/// The largest bitstring we create or decode, in bytes (16 MiB, 134,217,728
/// one-bit entries). The spec sets no maximum; this bound stops decompression
/// bombs from exhausting a phone's memory.
pub const MAX_BYTES: usize = 16 * 1024 * 1024;

/// A status bitstring: index 0 is the left-most (most significant) bit of the
/// first byte, as Bitstring Status List §2.2 requires, so it is stored as
/// the exact bytes that get compressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bitstring {
    bytes: Vec<u8>,
}

impl Bitstring {
    /// An all-zero list of `len_bits` bits for an issuer to fill: at least
    /// [`MIN_BITS`], a whole number of bytes, at most [`MAX_BYTES`].
    pub fn new(len_bits: usize) -> Result<Self, StatusError> {
        let reason = if len_bits < MIN_BITS {
            Some("below the spec's minimum of 131,072 bits (16 KB)")
        } else if len_bits % 8 != 0 {
            Some("not a whole number of bytes")
        } else if len_bits / 8 > MAX_BYTES {
            Some("above the 16 MiB limit")
        } else {
            None
        };
        match reason {
            Some(reason) => Err(StatusError::InvalidLength {
                bits: len_bits,
                reason,
            }),
            None => Ok(Self {
                bytes: vec![0; len_bits / 8],
            }),
        }
    }

    /// Wraps existing bytes (bit 0 = most significant bit of byte 0). Any
    /// non-empty length up to [`MAX_BYTES`] is accepted so that stored or
    /// foreign lists can be inspected; see [`Bitstring::is_below_minimum`].
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, StatusError> {
        if bytes.is_empty() {
            return Err(StatusError::EmptyList);
        }
        if bytes.len() > MAX_BYTES {
            return Err(StatusError::TooLarge {
                limit_bytes: MAX_BYTES,
            });
        }
        Ok(Self { bytes })
    }

    /// The packed bits, for storage by the issuer.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The length in bits.
    pub fn len_bits(&self) -> u64 {
        self.bytes.len() as u64 * 8
    }

    /// True when the list is shorter than the spec's 131,072-bit minimum:
    /// it decodes, but a spec-conforming validation rejects it.
    pub fn is_below_minimum(&self) -> bool {
        self.bytes.len() * 8 < MIN_BITS
    }

    /// How many entries of `size` bits the list holds (trailing bits that do
    /// not make a whole entry are not an entry).
    pub fn entries(&self, size: StatusSize) -> u64 {
        self.len_bits() / u64::from(size.bits())
    }

    /// The bit at `index`.
    pub fn get(&self, index: u64) -> Result<bool, StatusError> {
        let (byte, mask) = self.locate(index)?;
        Ok(self.bytes[byte] & mask != 0)
    }

    /// Sets or clears the bit at `index`.
    pub fn set(&mut self, index: u64, value: bool) -> Result<(), StatusError> {
        let (byte, mask) = self.locate(index)?;
        if value {
            self.bytes[byte] |= mask;
        } else {
            self.bytes[byte] &= !mask;
        }
        Ok(())
    }

    /// The `size`-bit status value of entry `index`, which occupies bits
    /// `index * size .. index * size + size`; the first (left-most) of them is
    /// the most significant bit of the value.
    pub fn get_status(&self, index: u64, size: StatusSize) -> Result<u8, StatusError> {
        let first = self.entry_start(index, size)?;
        let mut value = 0u8;
        for bit in 0..u64::from(size.bits()) {
            value = (value << 1) | u8::from(self.get(first + bit)?);
        }
        Ok(value)
    }

    /// Writes the `size`-bit status `value` of entry `index` (bit layout as in
    /// [`Bitstring::get_status`]).
    pub fn set_status(
        &mut self,
        index: u64,
        size: StatusSize,
        value: u8,
    ) -> Result<(), StatusError> {
        if u16::from(value) >= size.values() {
            return Err(StatusError::ValueTooLarge {
                value,
                status_size: size.bits(),
            });
        }
        let first = self.entry_start(index, size)?;
        let bits = size.bits();
        for bit in 0..bits {
            let on = (value >> (bits - 1 - bit)) & 1 == 1;
            self.set(first + u64::from(bit), on)?;
        }
        Ok(())
    }

    /// The `encodedList` value: `u` (multibase base64url, no padding) followed
    /// by the GZIP-compressed bytes.
    pub fn encode(&self) -> String {
        let compressed = gzip::compress(&self.bytes);
        let mut out = String::with_capacity(1 + compressed.len().div_ceil(3) * 4);
        out.push('u');
        URL_SAFE_NO_PAD.encode_string(&compressed, &mut out);
        out
    }

    /// Reads an `encodedList` value. Rejects any multibase prefix other than
    /// `u`, non-canonical base64url (padding, stray characters or trailing
    /// bits), non-GZIP or corrupt data, and lists above [`MAX_BYTES`]. Lists
    /// below the minimum length decode; check [`Bitstring::is_below_minimum`].
    pub fn decode(encoded: &str) -> Result<Self, StatusError> {
        let Some(b64) = encoded.strip_prefix('u') else {
            return Err(StatusError::MultibasePrefix {
                found: encoded.chars().next(),
            });
        };
        let compressed = URL_SAFE_NO_PAD
            .decode(b64)
            .map_err(|e| StatusError::Base64(e.to_string()))?;
        let bytes = gzip::decompress(&compressed, MAX_BYTES)?;
        Self::from_bytes(bytes)
    }

    fn entry_start(&self, index: u64, size: StatusSize) -> Result<u64, StatusError> {
        let entries = self.entries(size);
        if index >= entries {
            return Err(StatusError::IndexOutOfRange { index, entries });
        }
        // index < entries = len_bits / size, so this cannot overflow.
        Ok(index * u64::from(size.bits()))
    }

    fn locate(&self, index: u64) -> Result<(usize, u8), StatusError> {
        let out_of_range = || StatusError::IndexOutOfRange {
            index,
            entries: self.len_bits(),
        };
        let byte = usize::try_from(index / 8).map_err(|_| out_of_range())?;
        if byte >= self.bytes.len() {
            return Err(out_of_range());
        }
        Ok((byte, 0x80 >> (index % 8)))
    }
}
