//! Issuance: licence data or a VC API credential in, a signed credential with
//! status entries stored and returned. Shared by the single, batch and VC API
//! endpoints so they behave identically.

use std::sync::Arc;

use elicence_core::jcs;
use elicence_core::licence::LicenceData;
use elicence_core::proof::{self, Cryptosuite, ProofOptions};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::error::IssuerError;
use crate::registry::Agency;
use crate::server::AppState;
use crate::status::{self, Purpose};
use crate::store::format_time;
use crate::vcdm::{self, Version};
use crate::writer::{InsertOutcome, NewCredential};

/// Why an issue request was not fulfilled.
#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    /// The input is not acceptable; `field` names the member.
    #[error("{field}: {reason}")]
    Invalid {
        /// The offending member.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// A different licence with the same type and number (or a credential
    /// with the same id) already exists.
    #[error("a different credential with id {id} already exists")]
    Conflict {
        /// The existing credential's id.
        id: String,
    },
    /// The agency cannot sign with the requested suite now.
    #[error("the agency has no key valid now for {0}")]
    NoKey(&'static str),
    /// Storage or signing failed.
    #[error(transparent)]
    Internal(#[from] IssuerError),
}

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> IssueError {
    IssueError::Invalid {
        field: field.into(),
        reason: reason.into(),
    }
}

/// A stored credential returned to the caller.
#[derive(Debug, Clone)]
pub struct Issued {
    /// True if created by this request, false if an identical earlier request
    /// had created it (idempotent replay).
    pub created: bool,
    /// The credential id.
    pub id: String,
    /// The signed credential, JSON text.
    pub credential: Arc<String>,
}

/// The suite licences and status lists are signed with, and the VC API default.
pub const DEFAULT_SUITE: Cryptosuite = Cryptosuite::EddsaRdfc2022;

/// Parses a `cryptosuite` option (default [`DEFAULT_SUITE`]).
pub fn parse_suite(name: Option<&str>) -> Result<Cryptosuite, IssueError> {
    match name {
        None => Ok(DEFAULT_SUITE),
        Some(n) => n
            .parse()
            .map_err(|e: proof::ProofError| invalid("options.cryptosuite", e.to_string())),
    }
}

fn sign(
    agency: &Agency,
    credential: &Value,
    suite: Cryptosuite,
    now: OffsetDateTime,
) -> Result<Value, IssueError> {
    let key = agency
        .current_key_for(now, suite)
        .ok_or(IssueError::NoKey(suite.name()))?;
    let options = ProofOptions::new(key.verification_method.clone(), format_time(now));
    Ok(proof::sign(credential, suite, &key.signing, &options).map_err(IssuerError::from)?)
}

/// Puts the agency's issuer block into licence request data, refusing a
/// request that names another issuer. Returns the request hash used for
/// idempotency (over the request without `issuer`).
fn normalise_licence_request(agency: &Agency, body: &mut Value) -> Result<String, IssueError> {
    let map = body
        .as_object_mut()
        .ok_or_else(|| invalid("licence", "must be a JSON object"))?;
    if map.contains_key("credentialStatus") {
        return Err(invalid(
            "credentialStatus",
            "is assigned by the service, do not send it",
        ));
    }
    let expected = [
        ("id", agency.did.as_str()),
        ("baseUrl", agency.base_url.as_str()),
    ];
    if let Some(given) = map.remove("issuer") {
        let given = given
            .as_object()
            .ok_or_else(|| invalid("issuer", "must be an object"))?;
        for (k, v) in given {
            match (k.as_str(), v) {
                ("name", Value::Object(n)) => {
                    let th = n.get("th").and_then(Value::as_str);
                    let en = n.get("en").and_then(Value::as_str);
                    if th != Some(&agency.name_th) || en != Some(&agency.name_en) {
                        return Err(invalid(
                            "issuer.name",
                            "does not match the agency's registered name",
                        ));
                    }
                }
                (field, Value::String(s)) if expected.iter().any(|(f, _)| *f == field) => {
                    if expected.iter().any(|(f, e)| *f == field && e != s) {
                        return Err(invalid(
                            format!("issuer.{field}"),
                            "is not the token's agency (leave issuer out: the service fills it in)",
                        ));
                    }
                }
                (field, _) => return Err(invalid(format!("issuer.{field}"), "unexpected member")),
            }
        }
    }
    let hash = jcs::canonicalize(body)
        .map(|c| hex::encode(Sha256::digest(c.as_bytes())))
        .map_err(|e| invalid("licence", e.to_string()))?;
    if let Some(map) = body.as_object_mut() {
        map.insert(
            "issuer".into(),
            json!({
                "id": agency.did,
                "name": {"th": agency.name_th, "en": agency.name_en},
                "baseUrl": agency.base_url,
            }),
        );
    }
    Ok(hash)
}

/// Issues one licence for `agency` from licence data (as in
/// `examples/licence.json`, `issuer` optional). Idempotent on (agency,
/// licence type, number): the same data returns the stored licence, different
/// data is a conflict.
pub async fn issue_licence(
    state: &AppState,
    agency: &Agency,
    mut body: Value,
    actor: &str,
) -> Result<Issued, IssueError> {
    let request_hash = normalise_licence_request(agency, &mut body)?;
    let data: LicenceData =
        serde_json::from_value(body).map_err(|e| invalid("licence", e.to_string()))?;
    let unsigned = data
        .to_credential()
        .map_err(|e| invalid(e.field().to_string(), e.to_string()))?;
    let iri = data
        .licence_iri()
        .map_err(|e| invalid(e.field().to_string(), e.to_string()))?;
    let (type_code, number) = (data.licence_type.code.clone(), data.licence_number.clone());

    // Fast path for replays: no index is spent on a request already stored.
    let existing = state
        .pool
        .with(|c| crate::store::licence_by_number(c, &agency.code, &type_code, &number))?;
    if let Some(e) = existing {
        return if e.request_hash.as_deref() == Some(request_hash.as_str()) {
            Ok(Issued {
                created: false,
                id: e.id,
                credential: Arc::new(e.credential),
            })
        } else {
            Err(IssueError::Conflict { id: e.id })
        };
    }

    let (list, index) = state.allocator.allocate(&state.pool, &agency.code)?;
    let mut credential = unsigned;
    if let Some(map) = credential.as_object_mut() {
        map.insert(
            "credentialStatus".into(),
            status::entries(&agency.base_url, list, index, &Purpose::ALL),
        );
    }
    let now = OffsetDateTime::now_utc();
    let signed = sign(agency, &credential, DEFAULT_SUITE, now)?;
    let text = serde_json::to_string(&signed).map_err(|e| invalid("licence", e.to_string()))?;
    let row = NewCredential {
        agency: agency.code.clone(),
        id: iri.as_str().to_string(),
        type_code: Some(type_code),
        number: Some(number),
        request_hash: Some(request_hash),
        credential: text,
        status_list: Some(list),
        status_index: Some(index),
        actor: actor.to_string(),
    };
    finish(state, row).await
}

async fn finish(state: &AppState, row: NewCredential) -> Result<Issued, IssueError> {
    let id = row.id.clone();
    let text = Arc::new(row.credential.clone());
    match state.writer.insert(row).await? {
        InsertOutcome::Created => {
            state.metrics.issued();
            Ok(Issued {
                created: true,
                id,
                credential: text,
            })
        }
        InsertOutcome::Existing(e) => Ok(Issued {
            created: false,
            id: e.id,
            credential: Arc::new(e.credential),
        }),
        InsertOutcome::Conflict(e) => Err(IssueError::Conflict { id: e.id }),
    }
}

/// VC API issue options we understand.
#[derive(Debug, Default)]
pub struct IssueOptions {
    /// The cryptosuite (default `eddsa-jcs-2022`).
    pub suite: Option<String>,
    /// Status purposes to add (default both).
    pub purposes: Option<Vec<Purpose>>,
}

/// Reads VC API `options`: `cryptosuite`, and `credentialStatus` as an
/// object or array of objects with `statusPurpose` (and optionally `type`
/// `BitstringStatusListEntry`).
pub fn parse_options(options: Option<&Value>) -> Result<IssueOptions, IssueError> {
    let Some(options) = options else {
        return Ok(IssueOptions::default());
    };
    let map = options
        .as_object()
        .ok_or_else(|| invalid("options", "must be an object"))?;
    let mut out = IssueOptions::default();
    for (k, v) in map {
        match k.as_str() {
            "cryptosuite" => {
                out.suite = Some(
                    v.as_str()
                        .ok_or_else(|| invalid("options.cryptosuite", "must be a string"))?
                        .to_string(),
                )
            }
            "credentialStatus" => {
                let items: Vec<&Map<String, Value>> = match v {
                    Value::Object(o) => vec![o],
                    Value::Array(a) => a
                        .iter()
                        .map(|i| {
                            i.as_object().ok_or_else(|| {
                                invalid("options.credentialStatus", "must contain objects")
                            })
                        })
                        .collect::<Result<_, _>>()?,
                    _ => {
                        return Err(invalid(
                            "options.credentialStatus",
                            "must be an object or array",
                        ))
                    }
                };
                let mut purposes = Vec::new();
                for item in items {
                    if let Some(t) = item.get("type") {
                        if t != "BitstringStatusListEntry" && t != "BitstringStatusList" {
                            return Err(invalid(
                                "options.credentialStatus.type",
                                "only BitstringStatusListEntry is supported",
                            ));
                        }
                    }
                    let p = item
                        .get("statusPurpose")
                        .and_then(Value::as_str)
                        .ok_or_else(|| {
                            invalid("options.credentialStatus.statusPurpose", "is required")
                        })?
                        .parse::<Purpose>()
                        .map_err(|e| invalid("options.credentialStatus.statusPurpose", e))?;
                    if !purposes.contains(&p) {
                        purposes.push(p);
                    }
                }
                out.purposes = Some(purposes);
            }
            "created" | "challenge" | "domain" | "credentialId" | "mandatoryPointers" => {}
            other => return Err(invalid(format!("options.{other}"), "unknown option")),
        }
    }
    Ok(out)
}

/// Issues a VC API credential for `agency` after VCDM checks. A credential
/// without `id` gets a `urn:uuid:` id so it can be revoked later.
pub async fn issue_credential(
    state: &AppState,
    agency: &Agency,
    mut credential: Value,
    options: &IssueOptions,
    actor: &str,
) -> Result<Issued, IssueError> {
    let now = OffsetDateTime::now_utc();
    let suite = parse_suite(options.suite.as_deref())?;
    let version = vcdm::prepare(&mut credential, &agency.did, &format_time(now))
        .map_err(|e| invalid(format!("credential.{}", e.path), e.reason))?;
    let id = match credential.get("id").and_then(Value::as_str) {
        Some(id) => id.to_string(),
        None => format!("urn:uuid:{}", uuid_v4()),
    };
    let purposes = options
        .purposes
        .clone()
        .unwrap_or_else(|| Purpose::ALL.to_vec());
    let mut slot = None;
    if version == Version::V2 && !purposes.is_empty() {
        let (list, index) = state.allocator.allocate(&state.pool, &agency.code)?;
        if let Some(map) = credential.as_object_mut() {
            map.insert(
                "credentialStatus".into(),
                status::entries(&agency.base_url, list, index, &purposes),
            );
        }
        slot = Some((list, index));
    } else if version == Version::V1 && options.purposes.as_ref().is_some_and(|p| !p.is_empty()) {
        return Err(invalid(
            "options.credentialStatus",
            "Bitstring Status List entries need a VC 2.0 credential",
        ));
    }
    if agency.current_key_for(now, suite).is_none() {
        return Err(IssueError::NoKey(suite.name()));
    }
    let signed = sign(agency, &credential, suite, now)?;
    let text = serde_json::to_string(&signed).map_err(|e| invalid("credential", e.to_string()))?;
    let row = NewCredential {
        agency: agency.code.clone(),
        id,
        type_code: None,
        number: None,
        request_hash: None,
        credential: text,
        status_list: slot.map(|s| s.0),
        status_index: slot.map(|s| s.1),
        actor: actor.to_string(),
    };
    finish(state, row).await
}

/// A random RFC 9562 version 4 UUID.
pub fn uuid_v4() -> String {
    use rand_core::{OsRng, RngCore};
    let mut b = [0u8; 16];
    OsRng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}
