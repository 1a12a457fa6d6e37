//! Typed errors for key handling.

/// Why a key could not be created, parsed, serialised or used.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum KeyError {
    /// The algorithm name is not one we support.
    #[error("unsupported key algorithm `{0}` (supported: Ed25519, P-256, P-384)")]
    UnsupportedAlgorithm(String),
    /// A Multikey string is not base58btc multibase (must start with `z`).
    #[error("multikey `{0}` is not base58btc multibase (it must start with `z`)")]
    NotBase58Multibase(String),
    /// The base58btc payload could not be decoded.
    #[error("invalid base58btc encoding: {0}")]
    InvalidBase58(String),
    /// The multicodec prefix names a key type we do not support.
    #[error("unsupported multicodec key prefix 0x{0}")]
    UnsupportedMulticodec(String),
    /// The key bytes have the wrong length for the algorithm.
    #[error("{algorithm} key must be {expected} bytes, got {actual}")]
    WrongKeyLength {
        /// The algorithm the bytes were meant for.
        algorithm: &'static str,
        /// Expected length in bytes.
        expected: usize,
        /// Actual length in bytes.
        actual: usize,
    },
    /// The bytes do not encode a valid key (e.g. not a point on the curve).
    #[error("invalid {0} key material")]
    InvalidKey(&'static str),
    /// A JWK is missing a member or has a wrong value.
    #[error("invalid JWK: {0}")]
    InvalidJwk(String),
    /// The PEM text could not be parsed.
    #[error("malformed PEM: {0}")]
    MalformedPem(String),
    /// The PEM label is not one we read.
    #[error("unsupported PEM label `{0}` (expected PRIVATE KEY, ENCRYPTED PRIVATE KEY, EC PRIVATE KEY or PUBLIC KEY)")]
    UnsupportedPemLabel(String),
    /// The key is encrypted but no passphrase was given.
    #[error("the private key is encrypted: a passphrase is required")]
    PassphraseRequired,
    /// Decryption failed: the passphrase is wrong (or the file is corrupt).
    #[error("wrong passphrase (or corrupted encrypted key)")]
    WrongPassphrase,
    /// The encrypted key uses an encryption scheme we cannot read.
    #[error("unsupported key encryption scheme: {0}")]
    UnsupportedEncryption(String),
    /// Encryption of the private key failed.
    #[error("could not encrypt the private key: {0}")]
    EncryptionFailed(String),
    /// DER encoding or decoding failed.
    #[error("invalid DER structure: {0}")]
    InvalidDer(String),
    /// The signature has the wrong length or encoding.
    #[error("malformed {algorithm} signature: {reason}")]
    MalformedSignature {
        /// The algorithm of the verifying key.
        algorithm: &'static str,
        /// What is wrong with the signature.
        reason: String,
    },
    /// The key type is known but this build was compiled without it (P-384
    /// without the `p384` feature, as in the browser inspector).
    #[error("{0} keys are not supported by this build (compiled without the `p384` feature)")]
    NotInThisBuild(&'static str),
    /// The signature does not verify under this key.
    #[error("signature does not match the message and key")]
    SignatureMismatch,
    /// A signer outside this process (a PKCS#11 token) could not sign: the
    /// token is gone, the session broke, or it refused the operation.
    #[error("the signing device failed: {0}")]
    SignerFailed(String),
}
