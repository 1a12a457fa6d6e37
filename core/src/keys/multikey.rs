//! Multikey encoding (W3C Controlled Identifiers 1.0 §2.2.2): `z` + base58btc of
//! a multicodec varint prefix followed by the raw key bytes. This is the form
//! used in `did:key` identifiers and in `publicKeyMultibase`.

use zeroize::Zeroizing;

use super::{KeyError, PublicKey, SigningKey};

/// Multicodec `ed25519-pub` (0xed) as an unsigned varint.
const ED25519_PUB: [u8; 2] = [0xed, 0x01];
/// Multicodec `p256-pub` (0x1200) as an unsigned varint.
const P256_PUB: [u8; 2] = [0x80, 0x24];
/// Multicodec `ed25519-priv` (0x1300) as an unsigned varint.
const ED25519_PRIV: [u8; 2] = [0x80, 0x26];
/// Multicodec `p256-priv` (0x1306) as an unsigned varint.
const P256_PRIV: [u8; 2] = [0x86, 0x26];
/// Multicodec `p384-pub` (0x1201) as an unsigned varint: Multikeys `z82…`.
const P384_PUB: [u8; 2] = [0x81, 0x24];
/// Multicodec `p384-priv` (0x1307) as an unsigned varint.
const P384_PRIV: [u8; 2] = [0x87, 0x26];

fn encode(prefix: [u8; 2], key: &[u8]) -> String {
    let mut bytes = Vec::with_capacity(2 + key.len());
    bytes.extend_from_slice(&prefix);
    bytes.extend_from_slice(key);
    let mut out = String::with_capacity(1 + bytes.len() * 138 / 100 + 1);
    out.push('z');
    out.push_str(&bs58::encode(&bytes).into_string());
    out
}

/// Splits a multibase base58btc string into its 2-byte multicodec prefix and
/// the key bytes.
fn decode(s: &str) -> Result<([u8; 2], Zeroizing<Vec<u8>>), KeyError> {
    let body = s
        .strip_prefix('z')
        .ok_or_else(|| KeyError::NotBase58Multibase(truncate(s)))?;
    let bytes = Zeroizing::new(
        bs58::decode(body)
            .into_vec()
            .map_err(|e| KeyError::InvalidBase58(e.to_string()))?,
    );
    if bytes.len() < 2 {
        return Err(KeyError::InvalidBase58(
            "too short for a multicodec prefix".into(),
        ));
    }
    let prefix = [bytes[0], bytes[1]];
    Ok((prefix, Zeroizing::new(bytes[2..].to_vec())))
}

fn truncate(s: &str) -> String {
    s.chars().take(16).collect()
}

fn fixed<const N: usize>(bytes: &[u8], algorithm: &'static str) -> Result<[u8; N], KeyError> {
    bytes.try_into().map_err(|_| KeyError::WrongKeyLength {
        algorithm,
        expected: N,
        actual: bytes.len(),
    })
}

impl PublicKey {
    /// The Multikey form: `z6Mk…` for Ed25519, `zDna…` for P-256 (33-byte
    /// compressed point), `z82…` for P-384 (49-byte compressed point).
    pub fn to_multikey(&self) -> String {
        match self {
            PublicKey::Ed25519(k) => encode(ED25519_PUB, k.as_bytes()),
            PublicKey::P256(k) => encode(P256_PUB, k.to_encoded_point(true).as_bytes()),
            #[cfg(feature = "p384")]
            PublicKey::P384(k) => encode(P384_PUB, k.to_encoded_point(true).as_bytes()),
        }
    }

    /// Parses a public Multikey string (`ed25519-pub`, `p256-pub` or
    /// `p384-pub`; an ECDSA point must be compressed, as Multikey requires).
    pub fn from_multikey(s: &str) -> Result<PublicKey, KeyError> {
        let (prefix, key) = decode(s)?;
        match prefix {
            ED25519_PUB => {
                let bytes = fixed::<32>(&key, "Ed25519")?;
                ed25519_dalek::VerifyingKey::from_bytes(&bytes)
                    .map(PublicKey::Ed25519)
                    .map_err(|_| KeyError::InvalidKey("Ed25519"))
            }
            P256_PUB => {
                if key.len() != 33 {
                    return Err(KeyError::WrongKeyLength {
                        algorithm: "P-256 (compressed)",
                        expected: 33,
                        actual: key.len(),
                    });
                }
                p256::ecdsa::VerifyingKey::from_sec1_bytes(&key)
                    .map(PublicKey::P256)
                    .map_err(|_| KeyError::InvalidKey("P-256"))
            }
            #[cfg(feature = "p384")]
            P384_PUB => {
                if key.len() != 49 {
                    return Err(KeyError::WrongKeyLength {
                        algorithm: "P-384 (compressed)",
                        expected: 49,
                        actual: key.len(),
                    });
                }
                p384::ecdsa::VerifyingKey::from_sec1_bytes(&key)
                    .map(PublicKey::P384)
                    .map_err(|_| KeyError::InvalidKey("P-384"))
            }
            #[cfg(not(feature = "p384"))]
            P384_PUB => Err(KeyError::NotInThisBuild("P-384")),
            other => Err(KeyError::UnsupportedMulticodec(hex_prefix(other))),
        }
    }
}

fn hex_prefix(p: [u8; 2]) -> String {
    format!("{:02x}{:02x}", p[0], p[1])
}

impl SigningKey {
    /// Parses a secret Multikey (`ed25519-priv` 32-byte seed, `p256-priv`
    /// 32-byte or `p384-priv` 48-byte scalar), the format of the W3C
    /// test-vector key pairs.
    pub fn from_secret_multikey(s: &str) -> Result<SigningKey, KeyError> {
        let (prefix, key) = decode(s)?;
        match prefix {
            ED25519_PRIV => {
                let seed = Zeroizing::new(fixed::<32>(&key, "Ed25519")?);
                Ok(SigningKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(
                    &seed,
                )))
            }
            P256_PRIV => {
                if key.len() != 32 {
                    return Err(KeyError::WrongKeyLength {
                        algorithm: "P-256",
                        expected: 32,
                        actual: key.len(),
                    });
                }
                p256::ecdsa::SigningKey::from_slice(&key)
                    .map(SigningKey::P256)
                    .map_err(|_| KeyError::InvalidKey("P-256"))
            }
            #[cfg(feature = "p384")]
            P384_PRIV => {
                if key.len() != 48 {
                    return Err(KeyError::WrongKeyLength {
                        algorithm: "P-384",
                        expected: 48,
                        actual: key.len(),
                    });
                }
                p384::ecdsa::SigningKey::from_slice(&key)
                    .map(SigningKey::P384)
                    .map_err(|_| KeyError::InvalidKey("P-384"))
            }
            #[cfg(not(feature = "p384"))]
            P384_PRIV => Err(KeyError::NotInThisBuild("P-384")),
            other => Err(KeyError::UnsupportedMulticodec(hex_prefix(other))),
        }
    }

    /// The secret Multikey form. Handle with care: this is the private key.
    pub fn to_secret_multikey(&self) -> Zeroizing<String> {
        match self {
            SigningKey::Ed25519(k) => {
                let seed = Zeroizing::new(k.to_bytes());
                Zeroizing::new(encode_secret(ED25519_PRIV, seed.as_ref()))
            }
            SigningKey::P256(k) => {
                let scalar = Zeroizing::new(k.to_bytes());
                Zeroizing::new(encode_secret(P256_PRIV, scalar.as_ref()))
            }
            #[cfg(feature = "p384")]
            SigningKey::P384(k) => {
                let scalar = Zeroizing::new(k.to_bytes());
                Zeroizing::new(encode_secret(P384_PRIV, scalar.as_ref()))
            }
        }
    }
}

fn encode_secret(prefix: [u8; 2], key: &[u8]) -> String {
    let mut bytes = Zeroizing::new(Vec::with_capacity(2 + key.len()));
    bytes.extend_from_slice(&prefix);
    bytes.extend_from_slice(key);
    let mut out = String::from("z");
    out.push_str(&bs58::encode(bytes.as_slice()).into_string());
    out
}
