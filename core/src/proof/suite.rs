//! Cryptosuites: each is a transformation (document → canonical bytes), a
//! hashing step and a signature algorithm.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256, Sha384};

use super::ProofError;
use crate::keys::KeyAlgorithm;

/// A Data Integrity cryptosuite we can create and verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cryptosuite {
    /// `eddsa-jcs-2022` (W3C vc-di-eddsa §3.3): JCS, SHA-256, Ed25519.
    EddsaJcs2022,
    /// `ecdsa-jcs-2019` (W3C vc-di-ecdsa 1.0 §3.3): JCS, then SHA-256 and ECDSA
    /// P-256, or SHA-384 and ECDSA P-384.
    EcdsaJcs2019,
    /// `eddsa-rdfc-2022` (W3C vc-di-eddsa §3.2): JSON-LD toRdf over pinned
    /// contexts, RDFC-1.0, SHA-256, Ed25519.
    EddsaRdfc2022,
    /// `ecdsa-rdfc-2019` (W3C vc-di-ecdsa 1.0 §3.2): JSON-LD toRdf over pinned
    /// contexts, RDFC-1.0, then SHA-256 and ECDSA P-256, or SHA-384 (also
    /// inside RDFC-1.0) and ECDSA P-384.
    EcdsaRdfc2019,
}

/// How a suite turns a JSON document into the bytes it hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Canonicalization {
    /// JSON Canonicalization Scheme (RFC 8785).
    Jcs,
    /// JSON-LD 1.1 toRdf (pinned contexts only, safe mode), then RDF Dataset
    /// Canonicalization (RDFC-1.0) to canonical N-Quads.
    Rdfc,
}

/// The hash a suite applies to the canonical proof configuration and document
/// (and, for RDFC suites, inside RDFC-1.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashAlgorithm {
    /// SHA-256 (Ed25519, and ECDSA with P-256 keys).
    Sha256,
    /// SHA-384 (ECDSA suites with P-384 keys).
    Sha384,
}

impl HashAlgorithm {
    /// Hashes `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            HashAlgorithm::Sha256 => Sha256::digest(data).to_vec(),
            HashAlgorithm::Sha384 => Sha384::digest(data).to_vec(),
        }
    }

    /// The same hash, as RDFC-1.0 runs it internally.
    pub fn rdfc(self) -> crate::rdfc::HashAlgorithm {
        match self {
            HashAlgorithm::Sha256 => crate::rdfc::HashAlgorithm::Sha256,
            HashAlgorithm::Sha384 => crate::rdfc::HashAlgorithm::Sha384,
        }
    }
}

const ALL: [Cryptosuite; 4] = [
    Cryptosuite::EddsaJcs2022,
    Cryptosuite::EcdsaJcs2019,
    Cryptosuite::EddsaRdfc2022,
    Cryptosuite::EcdsaRdfc2019,
];

impl Cryptosuite {
    /// Every suite this build supports, e.g. for capability listings.
    pub fn all() -> &'static [Cryptosuite] {
        &ALL
    }

    /// The `cryptosuite` string in a proof.
    pub fn name(self) -> &'static str {
        match self {
            Cryptosuite::EddsaJcs2022 => "eddsa-jcs-2022",
            Cryptosuite::EcdsaJcs2019 => "ecdsa-jcs-2019",
            Cryptosuite::EddsaRdfc2022 => "eddsa-rdfc-2022",
            Cryptosuite::EcdsaRdfc2019 => "ecdsa-rdfc-2019",
        }
    }

    /// The suite's usual key algorithm, for callers that create a key for
    /// it: Ed25519 for the EdDSA suites, P-256 for the ECDSA suites (which
    /// also take P-384: see [`Cryptosuite::supports`]).
    pub fn key_algorithm(self) -> KeyAlgorithm {
        match self {
            Cryptosuite::EddsaJcs2022 | Cryptosuite::EddsaRdfc2022 => KeyAlgorithm::Ed25519,
            Cryptosuite::EcdsaJcs2019 | Cryptosuite::EcdsaRdfc2019 => KeyAlgorithm::P256,
        }
    }

    /// Whether a key of algorithm `alg` may create or verify this suite's
    /// proofs: Ed25519 for the EdDSA suites; P-256 or P-384 for the ECDSA
    /// suites (vc-di-ecdsa §2.1: both curves, each with its own hash).
    pub fn supports(self, alg: KeyAlgorithm) -> bool {
        match self {
            Cryptosuite::EddsaJcs2022 | Cryptosuite::EddsaRdfc2022 => alg == KeyAlgorithm::Ed25519,
            Cryptosuite::EcdsaJcs2019 | Cryptosuite::EcdsaRdfc2019 => is_ecdsa(alg),
        }
    }

    /// The suite of `canonicalization` that signs with a key of algorithm
    /// `alg`: an EdDSA suite for Ed25519, an ECDSA suite for P-256 and
    /// P-384. Lets callers pick a suite without matching on key types (which
    /// vary with the `p384` feature).
    pub fn for_key(alg: KeyAlgorithm, canonicalization: Canonicalization) -> Cryptosuite {
        match (is_ecdsa(alg), canonicalization) {
            (false, Canonicalization::Jcs) => Cryptosuite::EddsaJcs2022,
            (false, Canonicalization::Rdfc) => Cryptosuite::EddsaRdfc2022,
            (true, Canonicalization::Jcs) => Cryptosuite::EcdsaJcs2019,
            (true, Canonicalization::Rdfc) => Cryptosuite::EcdsaRdfc2019,
        }
    }

    /// The suite's canonicalization.
    pub fn canonicalization(self) -> Canonicalization {
        match self {
            Cryptosuite::EddsaJcs2022 | Cryptosuite::EcdsaJcs2019 => Canonicalization::Jcs,
            Cryptosuite::EddsaRdfc2022 | Cryptosuite::EcdsaRdfc2019 => Canonicalization::Rdfc,
        }
    }

    /// The hash used with a key of algorithm `alg`: SHA-256, except SHA-384
    /// for P-384 keys. vc-di-ecdsa 1.0 (REC) §3.2.4 and §3.3.4: "One must use
    /// the hash algorithm appropriate in security level to the curve used,
    /// i.e., for curve P-256 one uses SHA-256 and for curve P-384 one uses
    /// SHA-384"; §3.2.3 asks the same of RDFC-1.0's internal hash.
    pub fn hash_algorithm(self, alg: KeyAlgorithm) -> HashAlgorithm {
        match alg {
            KeyAlgorithm::Ed25519 | KeyAlgorithm::P256 => HashAlgorithm::Sha256,
            #[cfg(feature = "p384")]
            KeyAlgorithm::P384 => HashAlgorithm::Sha384,
        }
    }

    /// Transformation step with SHA-256 and the shipped contexts: the
    /// canonical bytes of a JSON value (the unsecured document, or the proof
    /// configuration). See [`super::ProofEngine::canonicalize`] for other
    /// loaders or hashes.
    pub fn canonicalize(self, value: &serde_json::Value) -> Result<Vec<u8>, ProofError> {
        super::ProofEngine::shipped().canonicalize(self, HashAlgorithm::Sha256, value)
    }

    /// Hashing step: `hash(canonical proof config) || hash(canonical document)`,
    /// the bytes that are signed.
    pub fn hash_data(
        self,
        alg: KeyAlgorithm,
        canonical_proof_config: &[u8],
        canonical_document: &[u8],
    ) -> Vec<u8> {
        combine(
            self.hash_algorithm(alg),
            canonical_proof_config,
            canonical_document,
        )
    }
}

/// Whether `alg` is an ECDSA curve (P-256 or P-384).
fn is_ecdsa(alg: KeyAlgorithm) -> bool {
    match alg {
        KeyAlgorithm::Ed25519 => false,
        KeyAlgorithm::P256 => true,
        #[cfg(feature = "p384")]
        KeyAlgorithm::P384 => true,
    }
}

/// `hash(proof config) || hash(document)`.
pub(super) fn combine(hash: HashAlgorithm, config: &[u8], document: &[u8]) -> Vec<u8> {
    let mut out = hash.digest(config);
    out.extend_from_slice(&hash.digest(document));
    out
}

impl fmt::Display for Cryptosuite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Cryptosuite {
    type Err = ProofError;

    /// Exact, case-sensitive match on the suite name, as the spec requires.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ALL.iter()
            .copied()
            .find(|suite| suite.name() == s)
            .ok_or_else(|| ProofError::UnsupportedCryptosuite(s.to_string()))
    }
}
