//! Hash functions of RDFC-1.0, producing lower-case hex digests without heap
//! allocation (the algorithm compares and concatenates hashes as strings).

use sha2::{Digest, Sha256, Sha384};
use std::cmp::Ordering;

/// The hash algorithm RDFC-1.0 runs with.
///
/// The Recommendation fixes SHA-256; SHA-384 is the parameterisation the spec
/// allows and that `ecdsa-rdfc-2019` with P-384 keys requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HashAlgorithm {
    /// SHA-256, the RDFC-1.0 default.
    #[default]
    Sha256,
    /// SHA-384.
    Sha384,
}

/// Lower-case hex digest (64 or 96 ASCII bytes), stored inline.
#[derive(Clone, Copy)]
pub(crate) struct HexHash {
    bytes: [u8; 96],
    len: u8,
}

impl HexHash {
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

impl PartialEq for HexHash {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}
impl Eq for HexHash {}
impl PartialOrd for HexHash {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for HexHash {
    /// Byte order of ASCII hex equals the spec's code point order.
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl std::fmt::Debug for HexHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&String::from_utf8_lossy(self.as_bytes()))
    }
}

/// Incremental hasher over the selected algorithm.
pub(crate) enum Hasher {
    Sha256(Sha256),
    Sha384(Sha384),
}

impl Hasher {
    pub(crate) fn new(algorithm: HashAlgorithm) -> Self {
        match algorithm {
            HashAlgorithm::Sha256 => Hasher::Sha256(Sha256::new()),
            HashAlgorithm::Sha384 => Hasher::Sha384(Sha384::new()),
        }
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(data),
            Hasher::Sha384(h) => h.update(data),
        }
    }

    pub(crate) fn finish(self) -> HexHash {
        match self {
            Hasher::Sha256(h) => to_hex(&h.finalize()),
            Hasher::Sha384(h) => to_hex(&h.finalize()),
        }
    }
}

fn to_hex(digest: &[u8]) -> HexHash {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = HexHash {
        bytes: [0; 96],
        len: 0,
    };
    for (pair, byte) in out.bytes.chunks_exact_mut(2).zip(digest) {
        pair[0] = HEX[usize::from(byte >> 4)];
        pair[1] = HEX[usize::from(byte & 0xf)];
    }
    // Digests are 32 or 48 bytes, so this is 64 or 96.
    out.len = u8::try_from(digest.len().min(48) * 2).unwrap_or(96);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(algorithm: HashAlgorithm, data: &[u8]) -> HexHash {
        let mut hasher = Hasher::new(algorithm);
        hasher.update(data);
        hasher.finish()
    }

    #[test]
    fn hex_digest_of_empty_string() {
        let h = hash(HashAlgorithm::Sha256, b"");
        assert_eq!(
            h.as_bytes(),
            b"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(hash(HashAlgorithm::Sha384, b"").as_bytes().len(), 96);
    }
}
