//! Why an SD-JWT could not be made, presented or accepted: one enum, so a
//! caller (the verifier's report, the CLI, the issuer service) can name every
//! refusal precisely and a test can pin each one.

use std::fmt;

/// Which JWS of an SD-JWT a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The Issuer-signed JWT.
    IssuerJwt,
    /// The Key Binding JWT appended by the holder.
    KeyBindingJwt,
    /// A Status List Token (`statuslist+jwt`).
    StatusListToken,
    /// An OpenID4VCI proof of possession (`openid4vci-proof+jwt`).
    ProofJwt,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Part::IssuerJwt => "Issuer-signed JWT",
            Part::KeyBindingJwt => "Key Binding JWT",
            Part::StatusListToken => "Status List Token",
            Part::ProofJwt => "proof JWT",
        })
    }
}

/// Every reason an SD-JWT (or SD-JWT VC) is refused or cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SdJwtError {
    /// The `~`-separated serialization is malformed (no `~`, empty segments).
    #[error("malformed SD-JWT: {0}")]
    Malformed(String),
    /// A JWS is not three base64url segments of JSON objects.
    #[error("malformed {part}: {reason}")]
    MalformedJws {
        /// Which JWS.
        part: Part,
        /// What is wrong.
        reason: String,
    },
    /// `alg: none`: unsigned tokens are never accepted.
    #[error("{part}: unsigned JWT (`alg: none`) rejected")]
    AlgorithmNone {
        /// Which JWS.
        part: Part,
    },
    /// `alg` is missing or not in the caller's allow list (ES256, EdDSA by default).
    #[error("{part}: JWS algorithm `{alg}` is not allowed")]
    AlgorithmNotAllowed {
        /// Which JWS.
        part: Part,
        /// The header's `alg`.
        alg: String,
    },
    /// `alg` does not fit the key that must verify it.
    #[error("{part}: JWS algorithm `{alg}` cannot be used with a {key} key")]
    AlgorithmKeyMismatch {
        /// Which JWS.
        part: Part,
        /// The header's `alg`.
        alg: String,
        /// The key's algorithm.
        key: String,
    },
    /// The header lists critical extensions (`crit`): none is understood.
    #[error("{part}: critical header extensions are not understood: {crit}")]
    UnknownCritical {
        /// Which JWS.
        part: Part,
        /// The `crit` value.
        crit: String,
    },
    /// `typ` is missing or not the expected media type.
    #[error("{part}: `typ` is {found}, expected {expected}")]
    WrongType {
        /// Which JWS.
        part: Part,
        /// What was expected.
        expected: String,
        /// What the header says.
        found: String,
    },
    /// The issuer's key could not be found or is not trusted for this token.
    #[error("{part}: cannot resolve the signing key: {reason}")]
    KeyResolution {
        /// Which JWS.
        part: Part,
        /// Why.
        reason: String,
    },
    /// The signature bytes are malformed (length, encoding).
    #[error("{part}: malformed signature: {reason}")]
    MalformedSignature {
        /// Which JWS.
        part: Part,
        /// Why.
        reason: String,
    },
    /// The signature does not verify: the payload (its `_sd` digests, any
    /// claim) was changed after signing, or another key signed.
    #[error("{part}: signature does not match: it was altered or signed by another key")]
    SignatureMismatch {
        /// Which JWS.
        part: Part,
    },
    /// `_sd_alg` names a hash we do not implement (only `sha-256`).
    #[error("unsupported `_sd_alg` {0:?} (only sha-256)")]
    UnsupportedHashAlgorithm(String),
    /// A Disclosure is not base64url JSON `[salt, name, value]` or `[salt, value]`.
    #[error("malformed Disclosure #{index}: {reason}")]
    MalformedDisclosure {
        /// Its position in the SD-JWT (0 = first after the JWT).
        index: usize,
        /// What is wrong.
        reason: String,
    },
    /// The same Disclosure appears twice.
    #[error("Disclosure #{index} appears twice (digest {digest})")]
    DuplicateDisclosure {
        /// Position of the second copy.
        index: usize,
        /// Its digest.
        digest: String,
    },
    /// A Disclosure whose digest is nowhere in the signed payload (nor in
    /// another Disclosure): it was not vouched for by the issuer.
    #[error("Disclosure #{index} (digest {digest}) is not referenced by the signed payload")]
    UnusedDisclosure {
        /// Its position.
        index: usize,
        /// Its digest.
        digest: String,
    },
    /// The same digest appears twice in the payload (directly or through
    /// Disclosures): one Disclosure could fill two places.
    #[error("digest {0} appears more than once in the SD-JWT")]
    DigestCollision(String),
    /// A Disclosure names a reserved claim (`_sd`, `...`).
    #[error("a Disclosure names the reserved claim {0:?}")]
    ReservedClaimName(String),
    /// A Disclosure would overwrite a claim already present at its level.
    #[error("a Disclosure would overwrite the claim {0:?} already present at its level")]
    ClaimOverwrite(String),
    /// An array-element Disclosure used for an object property, or the reverse.
    #[error("Disclosure for {digest} is a {found} Disclosure used as {expected}")]
    DisclosureKindMismatch {
        /// The digest.
        digest: String,
        /// `an object property` or `an array element`.
        expected: &'static str,
        /// The Disclosure's own kind.
        found: &'static str,
    },
    /// A claim the SD-JWT VC specification forbids to disclose selectively
    /// (`iss`, `nbf`, `exp`, `cnf`, `vct`, `vct#integrity`, `status`) came in
    /// a Disclosure.
    #[error("the claim {0:?} must be visible in the signed payload, not selectively disclosed")]
    ProtectedClaimDisclosed(String),
    /// The signed payload has SD-JWT structure we must refuse (`_sd` not an
    /// array of strings, `...` outside an array element, nesting too deep).
    #[error("malformed SD-JWT payload: {0}")]
    MalformedPayload(String),
    /// A required claim is missing or has the wrong type.
    #[error("claim `{claim}`: {reason}")]
    BadClaim {
        /// The claim.
        claim: String,
        /// What is wrong.
        reason: String,
    },
    /// `now` is before `nbf`.
    #[error("not valid before {0} (nbf)")]
    NotYetValid(i64),
    /// `now` is at or after `exp`.
    #[error("expired at {0} (exp)")]
    Expired(i64),
    /// `iat` lies in the future beyond the allowed clock skew.
    #[error("{part}: issued in the future (iat {iat})")]
    IssuedInFuture {
        /// Which JWS.
        part: Part,
        /// The `iat`.
        iat: i64,
    },
    /// The verifier requires a Key Binding JWT and there is none.
    #[error("a Key Binding JWT is required and the presentation has none")]
    MissingKeyBinding,
    /// The SD-JWT has no usable holder key (`cnf.jwk`) for Key Binding.
    #[error("no usable holder key in `cnf`: {0}")]
    NoHolderKey(String),
    /// The presenter's key is not the one the credential is bound to.
    #[error("the presenting key is not the holder key in the credential's `cnf`")]
    HolderKeyMismatch,
    /// `sd_hash` in the KB-JWT does not match the presented SD-JWT: the
    /// Disclosures were changed after the holder signed.
    #[error("the KB-JWT's sd_hash does not match the presented SD-JWT")]
    SdHashMismatch,
    /// The KB-JWT answers another nonce.
    #[error("the KB-JWT answers nonce {found:?}, not the verifier's")]
    NonceMismatch {
        /// The KB-JWT's nonce.
        found: String,
    },
    /// The KB-JWT is for another audience.
    #[error("the KB-JWT is for audience {found:?}, not this verifier")]
    AudienceMismatch {
        /// The KB-JWT's `aud`.
        found: String,
    },
    /// The KB-JWT is older than the verifier accepts.
    #[error("the KB-JWT was made at {iat}, too long ago")]
    KeyBindingTooOld {
        /// Its `iat`.
        iat: i64,
    },
    /// Licence data or a disclosed licence claim breaks the licence rules
    /// (juristic ID check digit, IRI, text), naming the field.
    #[error(transparent)]
    Licence(#[from] elicence_core::licence::LicenceError),
    /// Nothing to disclose, a name the licence does not have, or a request
    /// the builder cannot honour.
    #[error("{0}")]
    Request(String),
    /// The issuer's signer failed (a hardware token gone or refusing).
    #[error("cannot sign: {0}")]
    Signing(elicence_core::keys::KeyError),
}

/// Shorthand for a claim problem.
pub(crate) fn bad_claim(claim: &str, reason: impl Into<String>) -> SdJwtError {
    SdJwtError::BadClaim {
        claim: claim.to_owned(),
        reason: reason.into(),
    }
}
