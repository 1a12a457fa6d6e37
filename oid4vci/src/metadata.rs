//! Credential Issuer Metadata (OID4VCI §12.2) and OAuth 2.0 Authorization
//! Server Metadata (RFC 8414) documents. The issuer is its own
//! authorization server and supports only the pre-authorized code grant.

use serde_json::{json, Map, Value};

use crate::offer::PRE_AUTHORIZED_GRANT;

/// Path of the credential endpoint under the issuer.
pub const CREDENTIAL_PATH: &str = "/oid4vci/credential";
/// Path of the nonce endpoint.
pub const NONCE_PATH: &str = "/oid4vci/nonce";
/// Path of the token endpoint.
pub const TOKEN_PATH: &str = "/oid4vci/token";
/// Prefix of published offers (`{prefix}/{offer id}`).
pub const OFFERS_PATH: &str = "/oid4vci/offers";

/// Algorithms we accept in proofs and sign credentials with.
pub const JWS_ALGS: [&str; 3] = ["ES256", "EdDSA", "ES384"];

/// The configuration id of licence type `code` as an SD-JWT VC.
pub fn sd_jwt_configuration_id(code: &str) -> String {
    format!("{code}.dc+sd-jwt")
}

/// The configuration id of the Data Integrity licence (any type).
pub const LDP_VC_CONFIGURATION_ID: &str = "licence.ldp_vc";

/// One display entry.
#[derive(Debug, Clone, Copy)]
pub struct Display<'a> {
    /// The name shown.
    pub name: &'a str,
    /// BCP 47 language tag.
    pub locale: &'a str,
}

fn display(entries: &[Display<'_>]) -> Value {
    Value::Array(
        entries
            .iter()
            .map(|d| json!({"name": d.name, "locale": d.locale}))
            .collect(),
    )
}

/// A `dc+sd-jwt` configuration of type `vct`, with the `display` and
/// `claims` of its Type Metadata (so wallets show the same labels).
pub fn sd_jwt_configuration(vct: &str, display: &Value, claims: Option<&Value>) -> Value {
    let mut metadata = Map::new();
    metadata.insert("display".into(), display.clone());
    if let Some(claims) = claims {
        metadata.insert("claims".into(), claims.clone());
    }
    json!({
        "format": "dc+sd-jwt",
        "vct": vct,
        "cryptographic_binding_methods_supported": ["jwk"],
        "credential_signing_alg_values_supported": JWS_ALGS,
        "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": JWS_ALGS}},
        "credential_metadata": Value::Object(metadata),
    })
}

/// The `ldp_vc` configuration of the Data Integrity licence.
pub fn ldp_vc_configuration(contexts: &[&str], types: &[&str], names: &[Display<'_>]) -> Value {
    json!({
        "format": "ldp_vc",
        "credential_definition": {"@context": contexts, "type": types},
        "cryptographic_binding_methods_supported": ["jwk"],
        "credential_signing_alg_values_supported": ["eddsa-rdfc-2022", "ecdsa-rdfc-2019", "eddsa-jcs-2022", "ecdsa-jcs-2019"],
        "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": JWS_ALGS}},
        "credential_metadata": {"display": display(names)},
    })
}

/// The Credential Issuer Metadata of `issuer` offering `configurations`
/// (id → configuration), `batch_size` credentials per request at most.
pub fn issuer_metadata(
    issuer: &str,
    names: &[Display<'_>],
    configurations: Map<String, Value>,
    batch_size: usize,
) -> Value {
    json!({
        "credential_issuer": issuer,
        "credential_endpoint": format!("{issuer}{CREDENTIAL_PATH}"),
        "nonce_endpoint": format!("{issuer}{NONCE_PATH}"),
        "batch_credential_issuance": {"batch_size": batch_size},
        "display": display(names),
        "credential_configurations_supported": Value::Object(configurations),
    })
}

/// RFC 8414 metadata of the issuer acting as its own authorization server.
pub fn authorization_server_metadata(issuer: &str) -> Value {
    json!({
        "issuer": issuer,
        "token_endpoint": format!("{issuer}{TOKEN_PATH}"),
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "response_types_supported": [],
        "token_endpoint_auth_methods_supported": ["none"],
        "pre-authorized_grant_anonymous_access_supported": true,
        "dpop_signing_alg_values_supported": JWS_ALGS,
    })
}
