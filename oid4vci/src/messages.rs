//! Request and response bodies of the token, nonce and credential endpoints.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::Oid4vciError;
use crate::offer::PRE_AUTHORIZED_GRANT;

/// A token request (form-encoded, RFC 6749 §4.1.3 with OID4VCI §6.1).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TokenRequest {
    /// Must be the pre-authorized code grant.
    #[serde(default)]
    pub grant_type: Option<String>,
    /// The code from the offer.
    #[serde(default, rename = "pre-authorized_code")]
    pub pre_authorized_code: Option<String>,
    /// The PIN.
    #[serde(default)]
    pub tx_code: Option<String>,
}

impl TokenRequest {
    /// The (code, PIN) of a well-formed pre-authorized code request.
    pub fn pre_authorized(&self) -> Result<(&str, Option<&str>), Oid4vciError> {
        match self.grant_type.as_deref() {
            None => return Err(Oid4vciError::InvalidRequest("grant_type is missing".into())),
            Some(PRE_AUTHORIZED_GRANT) => {}
            Some(other) => {
                return Err(Oid4vciError::UnsupportedGrantType(format!(
                    "grant_type `{other}` is not supported (only {PRE_AUTHORIZED_GRANT})"
                )))
            }
        }
        let code = self
            .pre_authorized_code
            .as_deref()
            .filter(|c| !c.is_empty())
            .ok_or_else(|| Oid4vciError::InvalidRequest("pre-authorized_code is missing".into()))?;
        Ok((code, self.tx_code.as_deref()))
    }
}

/// A successful token response.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TokenResponse {
    /// The access token.
    pub access_token: String,
    /// `Bearer`.
    pub token_type: String,
    /// Seconds it is valid.
    pub expires_in: i64,
    /// Which configurations it grants (RFC 9396 style details, informative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_details: Option<Value>,
}

/// The nonce endpoint's answer (OID4VCI §7.2).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NonceResponse {
    /// The nonce to put in the next proof.
    pub c_nonce: String,
}

/// Proofs of possession, by type (OID4VCI §8.2, `proofs`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Proofs {
    /// `jwt` proofs, one per credential instance (batch issuance).
    #[serde(default)]
    pub jwt: Vec<String>,
}

/// The single-proof form of drafts before 1.0 (`proof`), still sent by
/// some wallets.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LegacyProof {
    /// `jwt`.
    pub proof_type: String,
    /// The proof JWT.
    #[serde(default)]
    pub jwt: Option<String>,
}

/// A credential request (OID4VCI §8.2).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CredentialRequest {
    /// Which offered configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_configuration_id: Option<String>,
    /// A credential identifier from the token response (we issue none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_identifier: Option<String>,
    /// Proofs of possession.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proofs: Option<Value>,
    /// One proof (pre-1.0 form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<LegacyProof>,
}

impl CredentialRequest {
    /// The `jwt` proofs, refusing other proof types, both `proof` and
    /// `proofs`, none at all, or more than `max` (the batch size).
    pub fn jwt_proofs(&self, max: usize) -> Result<Vec<String>, Oid4vciError> {
        let proofs = match (&self.proofs, &self.proof) {
            (Some(_), Some(_)) => {
                return Err(Oid4vciError::InvalidCredentialRequest(
                    "give either `proof` or `proofs`, not both".into(),
                ))
            }
            (Some(Value::Object(map)), None) => {
                if let Some(other) = map.keys().find(|k| *k != "jwt") {
                    return Err(Oid4vciError::InvalidProof(format!(
                        "proof type `{other}` is not supported (jwt)"
                    )));
                }
                let p: Proofs = serde_json::from_value(Value::Object(map.clone()))
                    .map_err(|e| Oid4vciError::InvalidCredentialRequest(format!("proofs: {e}")))?;
                p.jwt
            }
            (Some(_), None) => {
                return Err(Oid4vciError::InvalidCredentialRequest(
                    "`proofs` must be an object".into(),
                ))
            }
            (None, Some(p)) if p.proof_type == "jwt" => p.jwt.iter().cloned().collect(),
            (None, Some(p)) => {
                return Err(Oid4vciError::InvalidProof(format!(
                    "proof type `{}` is not supported (jwt)",
                    p.proof_type
                )))
            }
            (None, None) => Vec::new(),
        };
        if proofs.is_empty() {
            return Err(Oid4vciError::InvalidProof(
                "a `jwt` proof of possession of the holder key is required".into(),
            ));
        }
        if proofs.len() > max {
            return Err(Oid4vciError::InvalidCredentialRequest(format!(
                "at most {max} proofs (batch_size) per request"
            )));
        }
        Ok(proofs)
    }
}

/// One issued credential.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IssuedCredential {
    /// A string (`dc+sd-jwt`) or a JSON object (`ldp_vc`).
    pub credential: Value,
}

/// A credential response (OID4VCI §8.3, immediate issuance).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CredentialResponse {
    /// One entry per proof.
    pub credentials: Vec<IssuedCredential>,
}
