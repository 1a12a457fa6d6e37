//! PEM forms: PKCS#8 private keys (plain or passphrase-encrypted) and SPKI
//! public keys, so agencies can keep keys in files that OpenSSL and HSM
//! tooling also read.
//!
//! Encryption at rest is PKCS#8 `EncryptedPrivateKeyInfo` with PBES2:
//! scrypt (N = 2^14, r = 8, p = 1, 16-byte random salt, 32-byte key) and
//! AES-256-CBC (16-byte random IV). These are OpenSSL's own `-scrypt`
//! defaults and stay within its default 32 MiB scrypt memory limit, so
//! `openssl pkey -in key.pem` can read the files.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use pkcs8::der::SecretDocument;
use pkcs8::{DecodePrivateKey as _, DecodePublicKey as _, ObjectIdentifier};
use zeroize::Zeroizing;

use super::{KeyError, PublicKey, SigningKey};

/// scrypt cost parameter log2(N) used when encrypting keys at rest.
pub const SCRYPT_LOG_N: u8 = 14;
/// scrypt block size parameter r used when encrypting keys at rest.
pub const SCRYPT_R: u32 = 8;
/// scrypt parallelism parameter p used when encrypting keys at rest.
pub const SCRYPT_P: u32 = 1;

const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const OID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");

/// DER prefix of a PKCS#8 v1 Ed25519 key (RFC 8410 §7), followed by the 32-byte seed.
const ED25519_PKCS8_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];
/// DER prefix of a PKCS#8 P-256 key wrapping an RFC 5915 ECPrivateKey, followed
/// by the 32-byte scalar, [`P256_PKCS8_MIDDLE`] and the 65-byte public point.
const P256_PKCS8_PREFIX: [u8; 36] = [
    0x30, 0x81, 0x87, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02,
    0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x04, 0x6d, 0x30, 0x6b, 0x02,
    0x01, 0x01, 0x04, 0x20,
];
const P256_PKCS8_MIDDLE: [u8; 5] = [0xa1, 0x44, 0x03, 0x42, 0x00];
/// DER prefix of a PKCS#8 P-384 key wrapping an RFC 5915 ECPrivateKey, followed
/// by the 48-byte scalar, [`P384_PKCS8_MIDDLE`] and the 97-byte public point
/// (the layout `openssl pkcs8 -topk8 -nocrypt` writes).
#[cfg(feature = "p384")]
const P384_PKCS8_PREFIX: [u8; 35] = [
    0x30, 0x81, 0xb6, 0x02, 0x01, 0x00, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02,
    0x01, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22, 0x04, 0x81, 0x9e, 0x30, 0x81, 0x9b, 0x02, 0x01,
    0x01, 0x04, 0x30,
];
#[cfg(feature = "p384")]
const P384_PKCS8_MIDDLE: [u8; 5] = [0xa1, 0x64, 0x03, 0x62, 0x00];
/// DER prefix of an Ed25519 SubjectPublicKeyInfo, followed by the 32-byte key.
const ED25519_SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];
/// DER prefix of a P-256 SubjectPublicKeyInfo, followed by the 65-byte point.
const P256_SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];
/// DER prefix of a P-384 SubjectPublicKeyInfo, followed by the 97-byte point.
#[cfg(feature = "p384")]
const P384_SPKI_PREFIX: [u8; 23] = [
    0x30, 0x76, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b,
    0x81, 0x04, 0x00, 0x22, 0x03, 0x62, 0x00,
];

/// Wraps DER in PEM armour with 64-column base64 lines (RFC 7468).
fn pem_armor(label: &str, der: &[u8]) -> Zeroizing<String> {
    let b64 = Zeroizing::new(STANDARD.encode(der));
    let mut out = Zeroizing::new(String::with_capacity(b64.len() + b64.len() / 64 + 64));
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        // base64 output is ASCII, so every chunk is valid UTF-8.
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

impl SigningKey {
    /// The unencrypted PKCS#8 DER encoding (secret).
    pub fn to_pkcs8_der(&self) -> Zeroizing<Vec<u8>> {
        let mut der = Zeroizing::new(Vec::with_capacity(185));
        match self {
            SigningKey::Ed25519(k) => {
                der.extend_from_slice(&ED25519_PKCS8_PREFIX);
                der.extend_from_slice(Zeroizing::new(k.to_bytes()).as_ref());
            }
            SigningKey::P256(k) => {
                der.extend_from_slice(&P256_PKCS8_PREFIX);
                der.extend_from_slice(Zeroizing::new(k.to_bytes()).as_ref());
                der.extend_from_slice(&P256_PKCS8_MIDDLE);
                der.extend_from_slice(k.verifying_key().to_encoded_point(false).as_bytes());
            }
            #[cfg(feature = "p384")]
            SigningKey::P384(k) => {
                der.extend_from_slice(&P384_PKCS8_PREFIX);
                der.extend_from_slice(Zeroizing::new(k.to_bytes()).as_ref());
                der.extend_from_slice(&P384_PKCS8_MIDDLE);
                der.extend_from_slice(k.verifying_key().to_encoded_point(false).as_bytes());
            }
        }
        der
    }

    /// Unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). Only for
    /// explicit export: prefer [`SigningKey::to_encrypted_pkcs8_pem`] for
    /// anything written to disk.
    pub fn to_pkcs8_pem(&self) -> Zeroizing<String> {
        pem_armor("PRIVATE KEY", &self.to_pkcs8_der())
    }

    /// Passphrase-encrypted PKCS#8 PEM (`-----BEGIN ENCRYPTED PRIVATE KEY-----`):
    /// PBES2 with scrypt ([`SCRYPT_LOG_N`], [`SCRYPT_R`], [`SCRYPT_P`]) and
    /// AES-256-CBC, fresh salt and IV from `rng`. The output is not secret.
    pub fn to_encrypted_pkcs8_pem(
        &self,
        passphrase: &[u8],
        rng: &mut impl rand_core::CryptoRngCore,
    ) -> Result<String, KeyError> {
        use pkcs8::pkcs5::{pbes2, scrypt};
        if passphrase.is_empty() {
            return Err(KeyError::EncryptionFailed(
                "the passphrase must not be empty".into(),
            ));
        }
        let der = self.to_pkcs8_der();
        let info = pkcs8::PrivateKeyInfo::try_from(der.as_slice())
            .map_err(|e| KeyError::InvalidDer(e.to_string()))?;
        let mut salt = [0u8; 16];
        rng.fill_bytes(&mut salt);
        let mut iv = [0u8; 16];
        rng.fill_bytes(&mut iv);
        let params = scrypt::Params::new(SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P, 32)
            .map_err(|e| KeyError::EncryptionFailed(e.to_string()))?;
        let pbes2 = pbes2::Parameters::scrypt_aes256cbc(params, &salt, &iv)
            .map_err(|e| KeyError::EncryptionFailed(e.to_string()))?;
        let encrypted = info
            .encrypt_with_params(pbes2, passphrase)
            .map_err(|e| KeyError::EncryptionFailed(e.to_string()))?;
        Ok(pem_armor("ENCRYPTED PRIVATE KEY", encrypted.as_bytes()).to_string())
    }

    /// Reads a private key from PEM: `PRIVATE KEY` (PKCS#8), `ENCRYPTED
    /// PRIVATE KEY` (PKCS#8 PBES2, needs `passphrase`) or `EC PRIVATE KEY`
    /// (SEC1, P-256 or P-384). A passphrase given for a plaintext key is ignored.
    pub fn from_pkcs8_pem(pem: &str, passphrase: Option<&[u8]>) -> Result<SigningKey, KeyError> {
        let (label, doc) = SecretDocument::from_pem(pem.trim())
            .map_err(|e| KeyError::MalformedPem(e.to_string()))?;
        match label {
            "PRIVATE KEY" => SigningKey::from_pkcs8_der(doc.as_bytes()),
            "ENCRYPTED PRIVATE KEY" => {
                let passphrase = passphrase.ok_or(KeyError::PassphraseRequired)?;
                let info = pkcs8::EncryptedPrivateKeyInfo::try_from(doc.as_bytes())
                    .map_err(|e| KeyError::InvalidDer(e.to_string()))?;
                let plain = info.decrypt(passphrase).map_err(|e| match e {
                    // pkcs5 reports a bad padding block as EncryptFailed.
                    pkcs8::Error::EncryptedPrivateKey(
                        pkcs8::pkcs5::Error::DecryptFailed | pkcs8::pkcs5::Error::EncryptFailed,
                    ) => KeyError::WrongPassphrase,
                    pkcs8::Error::EncryptedPrivateKey(other) => {
                        KeyError::UnsupportedEncryption(other.to_string())
                    }
                    // Padding happened to check out but the plaintext is not
                    // DER: a wrong passphrase is by far the likeliest cause.
                    _ => KeyError::WrongPassphrase,
                })?;
                SigningKey::from_pkcs8_der(plain.as_bytes()).map_err(|e| match e {
                    KeyError::InvalidDer(_) => KeyError::WrongPassphrase,
                    other => other,
                })
            }
            "EC PRIVATE KEY" => from_sec1_der(doc.as_bytes()),
            other => Err(KeyError::UnsupportedPemLabel(other.to_string())),
        }
    }

    /// Reads an unencrypted PKCS#8 DER private key (Ed25519, P-256 or P-384).
    pub fn from_pkcs8_der(der: &[u8]) -> Result<SigningKey, KeyError> {
        let info = pkcs8::PrivateKeyInfo::try_from(der)
            .map_err(|e| KeyError::InvalidDer(e.to_string()))?;
        match key_algorithm(&info.algorithm, "PKCS#8")? {
            KeyAlgorithm::Ed25519 => ed25519_dalek::SigningKey::from_pkcs8_der(der)
                .map(SigningKey::Ed25519)
                .map_err(|_| KeyError::InvalidKey("Ed25519")),
            KeyAlgorithm::P256 => p256::ecdsa::SigningKey::from_pkcs8_der(der)
                .map(SigningKey::P256)
                .map_err(|_| KeyError::InvalidKey("P-256")),
            #[cfg(feature = "p384")]
            KeyAlgorithm::P384 => p384::ecdsa::SigningKey::from_pkcs8_der(der)
                .map(SigningKey::P384)
                .map_err(|_| KeyError::InvalidKey("P-384")),
        }
    }
}

/// A SEC1 `EC PRIVATE KEY` (RFC 5915), as `openssl ec` writes it: the curve
/// is told by the scalar's length (32 bytes P-256, 48 bytes P-384) and, when
/// present, checked against the named-curve parameter by the curve's parser.
fn from_sec1_der(der: &[u8]) -> Result<SigningKey, KeyError> {
    if let Ok(key) = p256::SecretKey::from_sec1_der(der) {
        return Ok(SigningKey::P256(key.into()));
    }
    #[cfg(feature = "p384")]
    if let Ok(key) = p384::SecretKey::from_sec1_der(der) {
        return Ok(SigningKey::P384(key.into()));
    }
    #[cfg(feature = "p384")]
    let expected = "EC (SEC1, P-256 or P-384)";
    #[cfg(not(feature = "p384"))]
    let expected = "EC (SEC1, P-256; this build has no P-384)";
    Err(KeyError::InvalidKey(expected))
}

impl PublicKey {
    /// The SubjectPublicKeyInfo DER encoding (ECDSA keys as an uncompressed point).
    pub fn to_spki_der(&self) -> Vec<u8> {
        let mut der = Vec::with_capacity(91);
        match self {
            PublicKey::Ed25519(k) => {
                der.extend_from_slice(&ED25519_SPKI_PREFIX);
                der.extend_from_slice(k.as_bytes());
            }
            PublicKey::P256(k) => {
                der.extend_from_slice(&P256_SPKI_PREFIX);
                der.extend_from_slice(k.to_encoded_point(false).as_bytes());
            }
            #[cfg(feature = "p384")]
            PublicKey::P384(k) => {
                der.extend_from_slice(&P384_SPKI_PREFIX);
                der.extend_from_slice(k.to_encoded_point(false).as_bytes());
            }
        }
        der
    }

    /// SPKI PEM (`-----BEGIN PUBLIC KEY-----`), as OpenSSL writes it.
    pub fn to_spki_pem(&self) -> String {
        pem_armor("PUBLIC KEY", &self.to_spki_der()).to_string()
    }

    /// Reads an SPKI PEM public key (Ed25519, P-256 or P-384).
    pub fn from_spki_pem(pem: &str) -> Result<PublicKey, KeyError> {
        let (label, doc) = pkcs8::der::Document::from_pem(pem.trim())
            .map_err(|e| KeyError::MalformedPem(e.to_string()))?;
        if label != "PUBLIC KEY" {
            return Err(KeyError::UnsupportedPemLabel(label.to_string()));
        }
        PublicKey::from_spki_der(doc.as_bytes())
    }

    /// Reads an SPKI DER public key (Ed25519, P-256 or P-384).
    pub fn from_spki_der(der: &[u8]) -> Result<PublicKey, KeyError> {
        let info = pkcs8::SubjectPublicKeyInfoRef::try_from(der)
            .map_err(|e| KeyError::InvalidDer(e.to_string()))?;
        match key_algorithm(&info.algorithm, "SPKI")? {
            KeyAlgorithm::Ed25519 => ed25519_dalek::VerifyingKey::from_public_key_der(der)
                .map(PublicKey::Ed25519)
                .map_err(|_| KeyError::InvalidKey("Ed25519")),
            KeyAlgorithm::P256 => p256::ecdsa::VerifyingKey::from_public_key_der(der)
                .map(PublicKey::P256)
                .map_err(|_| KeyError::InvalidKey("P-256")),
            #[cfg(feature = "p384")]
            KeyAlgorithm::P384 => p384::ecdsa::VerifyingKey::from_public_key_der(der)
                .map(PublicKey::P384)
                .map_err(|_| KeyError::InvalidKey("P-384")),
        }
    }
}

/// The key types we read from PKCS#8 and SPKI containers.
enum KeyAlgorithm {
    Ed25519,
    P256,
    #[cfg(feature = "p384")]
    P384,
}

/// Which of our key types an algorithm identifier names; `container` goes
/// into the error ("PKCS#8 algorithm …", "SPKI algorithm …").
fn key_algorithm(
    algorithm: &pkcs8::spki::AlgorithmIdentifierRef<'_>,
    container: &str,
) -> Result<KeyAlgorithm, KeyError> {
    let oid = algorithm.oid;
    if oid == OID_ED25519 {
        return Ok(KeyAlgorithm::Ed25519);
    }
    if oid != OID_EC_PUBLIC_KEY {
        return Err(KeyError::UnsupportedAlgorithm(format!(
            "{container} algorithm {oid}"
        )));
    }
    let curve = algorithm
        .parameters_oid()
        .map_err(|_| KeyError::InvalidDer("EC key without a named curve".into()))?;
    match curve {
        OID_P256 => Ok(KeyAlgorithm::P256),
        #[cfg(feature = "p384")]
        OID_P384 => Ok(KeyAlgorithm::P384),
        #[cfg(not(feature = "p384"))]
        OID_P384 => Err(KeyError::NotInThisBuild("P-384")),
        _ => Err(KeyError::UnsupportedAlgorithm(format!("EC curve {curve}"))),
    }
}
