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
    /// `ecdsa-jcs-2019` (W3C vc-di-ecdsa §3.4): JCS, SHA-256, ECDSA P-256.
    EcdsaJcs2019,
    /// `eddsa-rdfc-2022` (W3C vc-di-eddsa §3.2): JSON-LD toRdf over pinned
    /// contexts, RDFC-1.0, SHA-256, Ed25519.
    EddsaRdfc2022,
    /// `ecdsa-rdfc-2019` (W3C vc-di-ecdsa §3.3): JSON-LD toRdf over pinned
    /// contexts, RDFC-1.0, SHA-256, ECDSA P-256.
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
    /// SHA-256 (Ed25519 and P-256 suites).
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

    /// The key algorithm this suite signs with.
    pub fn key_algorithm(self) -> KeyAlgorithm {
        match self {
            Cryptosuite::EddsaJcs2022 | Cryptosuite::EddsaRdfc2022 => KeyAlgorithm::Ed25519,
            Cryptosuite::EcdsaJcs2019 | Cryptosuite::EcdsaRdfc2019 => KeyAlgorithm::P256,
        }
    }

    /// Whether a key of algorithm `alg` may create or verify this suite's proofs.
    pub fn supports(self, alg: KeyAlgorithm) -> bool {
        self.key_algorithm() == alg
    }

    /// The suite's canonicalization.
    pub fn canonicalization(self) -> Canonicalization {
        match self {
            Cryptosuite::EddsaJcs2022 | Cryptosuite::EcdsaJcs2019 => Canonicalization::Jcs,
            Cryptosuite::EddsaRdfc2022 | Cryptosuite::EcdsaRdfc2019 => Canonicalization::Rdfc,
        }
    }

    /// The hash used with a key of algorithm `alg` (ECDSA suites hash with the
    /// curve's matching SHA-2: SHA-256 for P-256, SHA-384 for P-384).
    pub fn hash_algorithm(self, alg: KeyAlgorithm) -> HashAlgorithm {
        match alg {
            KeyAlgorithm::Ed25519 | KeyAlgorithm::P256 => HashAlgorithm::Sha256,
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
