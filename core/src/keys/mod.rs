//! Signing and verification keys: Ed25519, ECDSA P-256 and (with the `p384`
//! feature, on by default) ECDSA P-384.
//!
//! Agencies hold one or more signing keys; verifiers only ever see public keys,
//! as Multikey strings (in DID documents and `did:key`), JWKs (in JOSE tools) or
//! SPKI PEM. Secret material never appears in `Debug` output, and every
//! function that exports it returns a [`zeroize::Zeroizing`] value.
//!
//! The P-384 variants exist only with the `p384` feature (the browser
//! inspector leaves it off to stay within its download budget). Crates that
//! may be built without it must not match exhaustively on [`KeyAlgorithm`],
//! [`SigningKey`] or [`PublicKey`]; use the methods here instead (e.g.
//! [`crate::proof::Cryptosuite::for_key`]).

mod error;
mod jwk;
mod multikey;
mod pem;

use std::fmt;
use std::str::FromStr;

use ed25519_dalek::Signer as _;
use p256::ecdsa::signature::Verifier as _;

pub use error::KeyError;
pub use pem::{SCRYPT_LOG_N, SCRYPT_P, SCRYPT_R};

/// A signature algorithm supported for licence credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyAlgorithm {
    /// EdDSA over Curve25519 (RFC 8032): small, fast, the default.
    Ed25519,
    /// ECDSA over NIST P-256 with SHA-256: for agencies whose HSMs require NIST curves.
    P256,
    /// ECDSA over NIST P-384 with SHA-384: for agencies whose policy asks for
    /// a 192-bit security level (e.g. CNSA). Only with the `p384` feature.
    #[cfg(feature = "p384")]
    P384,
}

impl KeyAlgorithm {
    /// The name used in configuration and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            KeyAlgorithm::Ed25519 => "Ed25519",
            KeyAlgorithm::P256 => "P-256",
            #[cfg(feature = "p384")]
            KeyAlgorithm::P384 => "P-384",
        }
    }

    /// Length in bytes of a raw signature (Ed25519, or ECDSA `r||s`: 64 for
    /// P-256, 96 for P-384).
    pub fn signature_len(self) -> usize {
        match self {
            KeyAlgorithm::Ed25519 | KeyAlgorithm::P256 => 64,
            #[cfg(feature = "p384")]
            KeyAlgorithm::P384 => 96,
        }
    }
}

impl fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for KeyAlgorithm {
    type Err = KeyError;

    /// Accepts `Ed25519`, `P-256` and `P-384` (case-insensitive; the spellings
    /// `p256`, `secp256r1`, `p384`, `secp384r1` are tolerated for configuration
    /// files). `P-384` in a build without the `p384` feature is
    /// [`KeyError::NotInThisBuild`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "ed25519" => Ok(KeyAlgorithm::Ed25519),
            "p-256" | "p256" | "secp256r1" => Ok(KeyAlgorithm::P256),
            #[cfg(feature = "p384")]
            "p-384" | "p384" | "secp384r1" => Ok(KeyAlgorithm::P384),
            #[cfg(not(feature = "p384"))]
            "p-384" | "p384" | "secp384r1" => Err(KeyError::NotInThisBuild("P-384")),
            _ => Err(KeyError::UnsupportedAlgorithm(s.to_string())),
        }
    }
}

/// A private signing key. Zeroised on drop; `Debug` shows only the algorithm
/// and the public Multikey.
#[derive(Clone)]
pub enum SigningKey {
    /// An Ed25519 key.
    Ed25519(ed25519_dalek::SigningKey),
    /// An ECDSA P-256 key.
    P256(p256::ecdsa::SigningKey),
    /// An ECDSA P-384 key.
    #[cfg(feature = "p384")]
    P384(p384::ecdsa::SigningKey),
}

impl SigningKey {
    /// Generates a fresh key. The caller supplies the RNG so that core stays
    /// free of OS randomness (and builds for wasm).
    pub fn generate(alg: KeyAlgorithm, rng: &mut impl rand_core::CryptoRngCore) -> SigningKey {
        match alg {
            KeyAlgorithm::Ed25519 => SigningKey::Ed25519(ed25519_dalek::SigningKey::generate(rng)),
            KeyAlgorithm::P256 => SigningKey::P256(p256::ecdsa::SigningKey::random(rng)),
            #[cfg(feature = "p384")]
            KeyAlgorithm::P384 => SigningKey::P384(p384::ecdsa::SigningKey::random(rng)),
        }
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> KeyAlgorithm {
        match self {
            SigningKey::Ed25519(_) => KeyAlgorithm::Ed25519,
            SigningKey::P256(_) => KeyAlgorithm::P256,
            #[cfg(feature = "p384")]
            SigningKey::P384(_) => KeyAlgorithm::P384,
        }
    }

    /// The matching public key, to publish in a DID document.
    pub fn public_key(&self) -> PublicKey {
        match self {
            SigningKey::Ed25519(k) => PublicKey::Ed25519(k.verifying_key()),
            SigningKey::P256(k) => PublicKey::P256(*k.verifying_key()),
            #[cfg(feature = "p384")]
            SigningKey::P384(k) => PublicKey::P384(*k.verifying_key()),
        }
    }

    /// Signs `msg`. Ed25519: the 64-byte RFC 8032 signature. P-256: ECDSA over
    /// SHA-256(msg), deterministic nonce (RFC 6979), 64-byte `r||s` with low S,
    /// so the same input always gives the same bytes. P-384: ECDSA over
    /// SHA-384(msg) (the hash FIPS 186-5 pairs with the curve), RFC 6979
    /// nonce, 96-byte `r||s`, S not normalised (what the W3C vectors hold).
    pub fn sign(&self, msg: &[u8]) -> Vec<u8> {
        match self {
            SigningKey::Ed25519(k) => k.sign(msg).to_bytes().to_vec(),
            SigningKey::P256(k) => {
                let sig: p256::ecdsa::Signature = k.sign(msg);
                let sig = sig.normalize_s().unwrap_or(sig);
                sig.to_bytes().to_vec()
            }
            #[cfg(feature = "p384")]
            SigningKey::P384(k) => {
                // S as RFC 6979 gives it, not normalised: exactly the W3C
                // vc-di-ecdsa P-384 vectors' signatures.
                let sig: p384::ecdsa::Signature = k.sign(msg);
                sig.to_bytes().to_vec()
            }
        }
    }
}

/// Whatever signs for an agency: a key in memory ([`SigningKey`]), or one
/// that never leaves a hardware security module (the issuer's PKCS#11
/// signer). Proofs and JWTs are built through it so an HSM-held key signs
/// exactly what a software key would; signing may fail, since a device can.
pub trait Signer {
    /// The key's algorithm (picks the suite, the JWS `alg` and the hash).
    fn algorithm(&self) -> KeyAlgorithm;
    /// The public half, as published in DID documents.
    fn public_key(&self) -> PublicKey;
    /// Signs `msg` with the same output as [`SigningKey::sign`]: the 64-byte
    /// Ed25519 signature, or ECDSA `r||s` over the curve's hash of `msg`.
    fn try_sign(&self, msg: &[u8]) -> Result<Vec<u8>, KeyError>;
}

impl Signer for SigningKey {
    fn algorithm(&self) -> KeyAlgorithm {
        SigningKey::algorithm(self)
    }
    fn public_key(&self) -> PublicKey {
        SigningKey::public_key(self)
    }
    fn try_sign(&self, msg: &[u8]) -> Result<Vec<u8>, KeyError> {
        Ok(self.sign(msg))
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("algorithm", &format_args!("{}", self.algorithm()))
            .field("public_key", &self.public_key().to_multikey())
            .finish_non_exhaustive()
    }
}

/// A public verification key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PublicKey {
    /// An Ed25519 public key.
    Ed25519(ed25519_dalek::VerifyingKey),
    /// An ECDSA P-256 public key.
    P256(p256::ecdsa::VerifyingKey),
    /// An ECDSA P-384 public key.
    #[cfg(feature = "p384")]
    P384(p384::ecdsa::VerifyingKey),
}

impl PublicKey {
    /// The key's algorithm.
    pub fn algorithm(&self) -> KeyAlgorithm {
        match self {
            PublicKey::Ed25519(_) => KeyAlgorithm::Ed25519,
            PublicKey::P256(_) => KeyAlgorithm::P256,
            #[cfg(feature = "p384")]
            PublicKey::P384(_) => KeyAlgorithm::P384,
        }
    }

    /// Verifies `sig` over `msg`. Ed25519 uses strict verification (rejects
    /// small-order keys and non-canonical signatures); P-256 takes 64-byte
    /// `r||s` and hashes `msg` with SHA-256; P-384 takes 96-byte `r||s` and
    /// hashes with SHA-384.
    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<(), KeyError> {
        match self {
            PublicKey::Ed25519(k) => {
                let bytes: [u8; 64] = sig.try_into().map_err(|_| KeyError::MalformedSignature {
                    algorithm: "Ed25519",
                    reason: format!("expected 64 bytes, got {}", sig.len()),
                })?;
                let sig = ed25519_dalek::Signature::from_bytes(&bytes);
                k.verify_strict(msg, &sig)
                    .map_err(|_| KeyError::SignatureMismatch)
            }
            PublicKey::P256(k) => {
                if sig.len() != 64 {
                    return Err(KeyError::MalformedSignature {
                        algorithm: "P-256",
                        reason: format!("expected 64 bytes (r||s), got {}", sig.len()),
                    });
                }
                let sig = p256::ecdsa::Signature::from_slice(sig).map_err(|_| {
                    KeyError::MalformedSignature {
                        algorithm: "P-256",
                        reason: "r or s is zero or not below the group order".to_string(),
                    }
                })?;
                k.verify(msg, &sig).map_err(|_| KeyError::SignatureMismatch)
            }
            #[cfg(feature = "p384")]
            PublicKey::P384(k) => {
                if sig.len() != 96 {
                    return Err(KeyError::MalformedSignature {
                        algorithm: "P-384",
                        reason: format!("expected 96 bytes (r||s), got {}", sig.len()),
                    });
                }
                let sig = p384::ecdsa::Signature::from_slice(sig).map_err(|_| {
                    KeyError::MalformedSignature {
                        algorithm: "P-384",
                        reason: "r or s is zero or not below the group order".to_string(),
                    }
                })?;
                k.verify(msg, &sig).map_err(|_| KeyError::SignatureMismatch)
            }
        }
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({}, {})", self.algorithm(), self.to_multikey())
    }
}
