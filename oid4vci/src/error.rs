//! Protocol errors as the JSON the specifications name (`error`,
//! `error_description`), each with the HTTP status it is sent with.

use serde_json::{json, Value};

/// A refusal of the token, nonce or credential endpoint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Oid4vciError {
    /// RFC 6749 `invalid_request`: a parameter missing, repeated or malformed.
    #[error("invalid_request: {0}")]
    InvalidRequest(String),
    /// RFC 6749 `invalid_grant`: the pre-authorized code is unknown, used,
    /// expired or locked, or the `tx_code` is wrong.
    #[error("invalid_grant: {0}")]
    InvalidGrant(String),
    /// RFC 6749 `unsupported_grant_type`.
    #[error("unsupported_grant_type: {0}")]
    UnsupportedGrantType(String),
    /// RFC 6750 `invalid_token`: the access token is missing, unknown or expired (401).
    #[error("invalid_token: {0}")]
    InvalidToken(String),
    /// OID4VCI `invalid_credential_request`.
    #[error("invalid_credential_request: {0}")]
    InvalidCredentialRequest(String),
    /// OID4VCI `unknown_credential_configuration`: not offered with this grant.
    #[error("unknown_credential_configuration: {0}")]
    UnknownCredentialConfiguration(String),
    /// OID4VCI `invalid_proof`: the proof's signature, `typ`, `alg`, `aud`
    /// or `iat` is wrong, or its key cannot be read.
    #[error("invalid_proof: {0}")]
    InvalidProof(String),
    /// OID4VCI `invalid_nonce`: the proof's `c_nonce` is unknown, used or
    /// expired; the wallet gets a fresh one from the nonce endpoint.
    #[error("invalid_nonce: {0}")]
    InvalidNonce(String),
    /// RFC 9449 `invalid_dpop_proof`: the DPoP proof is missing where the
    /// token is DPoP-bound, malformed, stale, replayed or for another key.
    #[error("invalid_dpop_proof: {0}")]
    InvalidDpopProof(String),
    /// OID4VCI `credential_request_denied`: the licence is revoked or gone.
    #[error("credential_request_denied: {0}")]
    CredentialRequestDenied(String),
}

impl Oid4vciError {
    /// The `error` code.
    pub fn code(&self) -> &'static str {
        match self {
            Oid4vciError::InvalidRequest(_) => "invalid_request",
            Oid4vciError::InvalidGrant(_) => "invalid_grant",
            Oid4vciError::UnsupportedGrantType(_) => "unsupported_grant_type",
            Oid4vciError::InvalidToken(_) => "invalid_token",
            Oid4vciError::InvalidCredentialRequest(_) => "invalid_credential_request",
            Oid4vciError::UnknownCredentialConfiguration(_) => "unknown_credential_configuration",
            Oid4vciError::InvalidProof(_) => "invalid_proof",
            Oid4vciError::InvalidNonce(_) => "invalid_nonce",
            Oid4vciError::InvalidDpopProof(_) => "invalid_dpop_proof",
            Oid4vciError::CredentialRequestDenied(_) => "credential_request_denied",
        }
    }

    /// The human-readable `error_description`.
    pub fn description(&self) -> &str {
        match self {
            Oid4vciError::InvalidRequest(d)
            | Oid4vciError::InvalidGrant(d)
            | Oid4vciError::UnsupportedGrantType(d)
            | Oid4vciError::InvalidToken(d)
            | Oid4vciError::InvalidCredentialRequest(d)
            | Oid4vciError::UnknownCredentialConfiguration(d)
            | Oid4vciError::InvalidProof(d)
            | Oid4vciError::InvalidNonce(d)
            | Oid4vciError::InvalidDpopProof(d)
            | Oid4vciError::CredentialRequestDenied(d) => d,
        }
    }

    /// The HTTP status: 401 for a bad access token, 403 for a denied
    /// credential, 400 for everything else (RFC 6749 §5.2, OID4VCI §8.3.1).
    pub fn status(&self) -> u16 {
        match self {
            Oid4vciError::InvalidToken(_) => 401,
            Oid4vciError::CredentialRequestDenied(_) => 403,
            _ => 400,
        }
    }

    /// The error response body.
    pub fn to_json(&self) -> Value {
        json!({"error": self.code(), "error_description": self.description()})
    }

    /// Reads an error response body back (what a wallet receives).
    pub fn from_json(body: &Value) -> Option<(String, String)> {
        let code = body.get("error")?.as_str()?.to_owned();
        let description = body
            .get("error_description")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        Some((code, description))
    }
}
