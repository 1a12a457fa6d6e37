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
use crate::reserved;
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
    /// The credential cannot be secured as given: JSON-LD would drop some of
    /// it, a value is malformed for its term, or canonicalization refuses it
    /// (e.g. too complex). A client mistake; `code` is the specifications'
    /// processing error name (`DATA_LOSS_DETECTION_ERROR`,
    /// `MALFORMED_VALUE_ERROR`, `PROOF_TRANSFORMATION_ERROR`).
    #[error("{field}: {reason}")]
    Unsecurable {
        /// The offending member (dotted path), or the whole document.
        field: String,
        /// The specifications' processing error name.
        code: &'static str,
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
    /// The caller asked the service to sign something only the service may
    /// sign (a status list, an id in its namespaces, an entry on its lists).
    #[error("{field}: {reason}")]
    Reserved {
        /// The offending member.
        field: String,
        /// What the service manages there.
        reason: String,
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

/// Where signing errors point: licence data (whose `credentialSubject`
/// members are the data's own) or a VC API `credential`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Input {
    Licence,
    Credential,
}

fn sign(
    agency: &Agency,
    credential: &Value,
    suite: Cryptosuite,
    now: OffsetDateTime,
    input: Input,
) -> Result<Value, IssueError> {
    let key = agency
        .current_key_for(now, suite)
        .ok_or(IssueError::NoKey(suite.name()))?;
    let options = ProofOptions::new(key.verification_method.clone(), format_time(now));
    // Whatever the suite, sign only a document whose JSON says exactly what
    // its JSON-LD means: verifiers refuse any other (docs/verification.md).
    // (RDFC suites check it again while canonicalizing.)
    if suite.canonicalization() == proof::Canonicalization::Jcs {
        proof::check_spelling(credential).map_err(|e| signing_error(e, input))?;
    }
    proof::sign(credential, suite, &key.signing, &options).map_err(|e| signing_error(e, input))
}

/// Sorts a signing failure: the document's fault is the client's (4xx,
/// naming the member), anything else is ours (5xx).
fn signing_error(e: proof::ProofError, input: Input) -> IssueError {
    if !e.is_document_error() {
        return IssueError::Internal(IssuerError::from(e));
    }
    let path = e
        .document_pointer()
        .map(pointer_to_path)
        .unwrap_or_default();
    let field = match input {
        Input::Credential if path.is_empty() => "credential".to_string(),
        Input::Credential => format!("credential.{path}"),
        Input::Licence => {
            let inner = path.strip_prefix("credentialSubject").unwrap_or(&path);
            match inner.trim_start_matches('.') {
                "" => "licence".to_string(),
                rest => rest.to_string(),
            }
        }
    };
    IssueError::Unsecurable {
        field,
        code: e.spec_code(),
        reason: e.to_string(),
    }
}

/// `/credentialSubject/name/0` → `credentialSubject.name[0]`.
fn pointer_to_path(pointer: &str) -> String {
    let mut out = String::new();
    for token in pointer.split('/').skip(1).filter(|t| !t.is_empty()) {
        let token = token.replace("~1", "/").replace("~0", "~");
        if token.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{token}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&token);
        }
    }
    out
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

    let mut attempt = 0;
    loop {
        let (list, index) = state.allocator.allocate(&state.pool, &agency.code)?;
        let mut credential = unsigned.clone();
        if let Some(map) = credential.as_object_mut() {
            map.insert(
                "credentialStatus".into(),
                status::entries(&agency.base_url, list, index, &Purpose::ALL),
            );
        }
        let now = OffsetDateTime::now_utc();
        let signed = sign(agency, &credential, DEFAULT_SUITE, now, Input::Licence)?;
        let text = serde_json::to_string(&signed).map_err(|e| invalid("licence", e.to_string()))?;
        let row = NewCredential {
            agency: agency.code.clone(),
            id: iri.as_str().to_string(),
            type_code: Some(type_code.clone()),
            number: Some(number.clone()),
            request_hash: Some(request_hash.clone()),
            credential: text,
            status_list: Some(list),
            status_index: Some(index),
            actor: actor.to_string(),
        };
        match finish(state, row).await {
            Err(IssueError::Internal(IssuerError::StatusIndexTaken { list, index }))
                if attempt < INDEX_ATTEMPTS =>
            {
                attempt += 1;
                state
                    .allocator
                    .taken(&state.pool, &agency.code, list, index)?;
            }
            other => return other,
        }
    }
}

/// How often an issuance signs again after losing its status index to
/// another instance (each loss re-reads the list, so two is already rare).
const INDEX_ATTEMPTS: u32 = 8;

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
///
/// The service never signs, for a caller, a status list, a credential whose
/// id lies in a namespace it manages, or an entry on one of its lists
/// (`reserved.rs`). A licence (type `BusinessLicenceCredential`) is issued
/// exactly as `POST /licences` issues it. A caller's own well-formed
/// `credentialStatus` is kept; otherwise the service adds entries on its
/// lists as `options.credentialStatus` asks (both purposes by default).
pub async fn issue_credential(
    state: &AppState,
    agency: &Agency,
    mut credential: Value,
    options: &IssueOptions,
    actor: &str,
) -> Result<Issued, IssueError> {
    let now = OffsetDateTime::now_utc();
    let suite = parse_suite(options.suite.as_deref())?;
    // Unreadable JSON-LD is the client's mistake, named as signing names it
    // (the member, and the Data Integrity error code).
    let quads = reserved::signed_reading(&credential)
        .map_err(|e| signing_error(proof::ProofError::JsonLd(e), Input::Credential))?;
    let origin = state.registry.origin();
    let refused = |r: reserved::Refusal| IssueError::Reserved {
        field: r.field,
        reason: r.reason,
    };
    reserved::refuse_status_list(&credential, &quads).map_err(refused)?;
    if reserved::is_licence_shaped(&credential, &quads) {
        return issue_licence_credential(state, agency, credential, options, suite, actor).await;
    }
    reserved::refuse_managed_id(&credential, &quads, origin).map_err(refused)?;
    reserved::refuse_managed_status(&credential, &quads, origin).map_err(refused)?;
    let version = vcdm::prepare(&mut credential, &agency.did, &format_time(now))
        .map_err(|e| invalid(format!("credential.{}", e.path), e.reason))?;
    let id = match credential.get("id").and_then(Value::as_str) {
        Some(id) => id.to_string(),
        None => format!("urn:uuid:{}", uuid_v4()),
    };
    let callers_status = credential.get("credentialStatus").is_some();
    if callers_status && options.purposes.is_some() {
        return Err(invalid(
            "options.credentialStatus",
            "the credential has its own credentialStatus: give that or options.credentialStatus, not both",
        ));
    }
    let purposes = match (&options.purposes, callers_status) {
        (_, true) => Vec::new(),
        (Some(p), false) => p.clone(),
        (None, false) => Purpose::ALL.to_vec(),
    };
    let with_status = version == Version::V2 && !purposes.is_empty();
    if version == Version::V1 && options.purposes.as_ref().is_some_and(|p| !p.is_empty()) {
        return Err(invalid(
            "options.credentialStatus",
            "Bitstring Status List entries need a VC 2.0 credential",
        ));
    }
    if agency.current_key_for(now, suite).is_none() {
        return Err(IssueError::NoKey(suite.name()));
    }
    let mut attempt = 0;
    loop {
        let mut slot = None;
        if with_status {
            let (list, index) = state.allocator.allocate(&state.pool, &agency.code)?;
            if let Some(map) = credential.as_object_mut() {
                map.insert(
                    "credentialStatus".into(),
                    status::entries(&agency.base_url, list, index, &purposes),
                );
            }
            slot = Some((list, index));
        }
        let signed = sign(agency, &credential, suite, now, Input::Credential)?;
        let text =
            serde_json::to_string(&signed).map_err(|e| invalid("credential", e.to_string()))?;
        let row = NewCredential {
            agency: agency.code.clone(),
            id: id.clone(),
            type_code: None,
            number: None,
            request_hash: None,
            credential: text,
            status_list: slot.map(|s| s.0),
            status_index: slot.map(|s| s.1),
            actor: actor.to_string(),
        };
        match finish(state, row).await {
            Err(IssueError::Internal(IssuerError::StatusIndexTaken { list, index }))
                if attempt < INDEX_ATTEMPTS =>
            {
                attempt += 1;
                state
                    .allocator
                    .taken(&state.pool, &agency.code, list, index)?;
            }
            other => return other,
        }
    }
}

/// Members of a licence credential and where they go in licence data.
const LICENCE_MEMBERS: [&str; 7] = [
    "@context",
    "id",
    "type",
    "issuer",
    "validFrom",
    "validUntil",
    "credentialSubject",
];
const SUBJECT_MEMBERS: [&str; 8] = [
    "id",
    "type",
    "licensee",
    "licenceNumber",
    "licenceType",
    "premises",
    "permittedActivities",
    "conditions",
];

/// The credential path of a licence-data field, for errors of licences
/// that came in through the VC API.
fn credential_field(data_field: &str) -> String {
    let renamed = [
        ("licensee.name", "credentialSubject.licensee.legalName"),
        ("licenceType.name", "credentialSubject.licenceType.title"),
        ("businessDid", "credentialSubject.id"),
    ];
    for (from, to) in renamed {
        if let Some(rest) = data_field.strip_prefix(from) {
            if rest.is_empty() || rest.starts_with('.') {
                return format!("credential.{to}{rest}");
            }
        }
    }
    let top = data_field.split(['.', '[']).next().unwrap_or(data_field);
    match top {
        "licence" => "credential".to_string(),
        "validFrom" | "validUntil" | "issuer" => format!("credential.{data_field}"),
        _ => format!("credential.credentialSubject.{data_field}"),
    }
}

/// A licence-shaped VC API credential issued exactly as `POST /licences`
/// issues licence data: the same checks, licence IRI as id, both status
/// entries, eddsa-rdfc-2022, idempotent on (type, number). Every member must
/// map to licence data (nothing is dropped silently).
async fn issue_licence_credential(
    state: &AppState,
    agency: &Agency,
    credential: Value,
    options: &IssueOptions,
    suite: Cryptosuite,
    actor: &str,
) -> Result<Issued, IssueError> {
    use elicence_core::licence::context::{LICENCE_CONTEXT_URL, VC_V2_CONTEXT_URL};
    use elicence_core::licence::LicenceIri;
    if suite != DEFAULT_SUITE {
        return Err(invalid(
            "options.cryptosuite",
            format!("licences are signed with {}", DEFAULT_SUITE.name()),
        ));
    }
    let map = credential
        .as_object()
        .ok_or_else(|| invalid("credential", "must be a JSON object"))?;
    if let Some(k) = map.keys().find(|k| !LICENCE_MEMBERS.contains(&k.as_str())) {
        let why = if k == "credentialStatus" {
            "is assigned by the service for licences (both revocation and suspension)"
        } else {
            "is not part of a licence credential (see docs/licence-credential.md)"
        };
        return Err(invalid(format!("credential.{k}"), why));
    }
    if map.get("@context") != Some(&json!([VC_V2_CONTEXT_URL, LICENCE_CONTEXT_URL])) {
        return Err(invalid(
            "credential.@context",
            format!("a licence's @context is [\"{VC_V2_CONTEXT_URL}\", \"{LICENCE_CONTEXT_URL}\"]"),
        ));
    }
    let types: Option<Vec<&str>> = map
        .get("type")
        .and_then(Value::as_array)
        .and_then(|a| a.iter().map(Value::as_str).collect());
    let mut types = types.unwrap_or_default();
    types.sort_unstable();
    if types != ["BusinessLicenceCredential", "VerifiableCredential"] {
        return Err(invalid(
            "credential.type",
            "a licence's type is [\"VerifiableCredential\", \"BusinessLicenceCredential\"]",
        ));
    }
    // The issuer block is the service's; a given one must say exactly that.
    let registered_name = json!([
        {"@value": agency.name_th, "@language": "th"},
        {"@value": agency.name_en, "@language": "en"},
    ]);
    match map.get("issuer") {
        None => {}
        Some(Value::String(s)) if *s == agency.did => {}
        Some(Value::Object(o))
            if o.get("id").and_then(Value::as_str) == Some(agency.did.as_str())
                && o.keys().all(|k| k == "id" || k == "name")
                && o.get("name").is_some_and(|n| *n != registered_name) =>
        {
            return Err(invalid(
                "credential.issuer.name",
                "does not match the agency's registered name (leave it out: the service fills it in)",
            ));
        }
        Some(Value::Object(o))
            if o.get("id").and_then(Value::as_str) == Some(agency.did.as_str())
                && o.keys().all(|k| k == "id" || k == "name") => {}
        Some(_) => {
            return Err(invalid(
                "credential.issuer",
                format!(
                    "must be this agency's DID `{}` (the service fills in its name)",
                    agency.did
                ),
            ))
        }
    }
    let subject = map
        .get("credentialSubject")
        .and_then(Value::as_object)
        .ok_or_else(|| invalid("credential.credentialSubject", "must be one object"))?;
    if let Some(k) = subject
        .keys()
        .find(|k| !SUBJECT_MEMBERS.contains(&k.as_str()))
    {
        return Err(invalid(
            format!("credential.credentialSubject.{k}"),
            "is not part of a licence",
        ));
    }
    if subject.get("type").and_then(Value::as_str) != Some("LicensedBusiness") {
        return Err(invalid(
            "credential.credentialSubject.type",
            "a licence's subject type is \"LicensedBusiness\"",
        ));
    }
    // Licence data as POST /licences takes it.
    let rename = |v: Option<&Value>, from: &str, to: &str| -> Option<Value> {
        let mut v = v?.clone();
        if let Some(m) = v.as_object_mut() {
            if let Some(x) = m.remove(from) {
                m.insert(to.into(), x);
            }
        }
        Some(v)
    };
    let mut data = Map::new();
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            data.insert(k.into(), v);
        }
    };
    put(
        "licenceType",
        rename(subject.get("licenceType"), "title", "name"),
    );
    put("licenceNumber", subject.get("licenceNumber").cloned());
    put(
        "licensee",
        rename(subject.get("licensee"), "legalName", "name"),
    );
    put("businessDid", subject.get("id").cloned());
    put("premises", subject.get("premises").cloned());
    put(
        "permittedActivities",
        subject.get("permittedActivities").cloned(),
    );
    put("conditions", subject.get("conditions").cloned());
    put("validFrom", map.get("validFrom").cloned());
    put("validUntil", map.get("validUntil").cloned());
    // The id is the service's: absent, or exactly the licence IRI it assigns.
    if let Some(given) = map.get("id") {
        let expected = match (
            subject
                .get("licenceType")
                .and_then(|t| t.get("code"))
                .and_then(Value::as_str),
            subject.get("licenceNumber").and_then(Value::as_str),
        ) {
            (Some(code), Some(number)) => LicenceIri::new(&agency.base_url, code, number).ok(),
            _ => None,
        };
        let matches = expected
            .as_ref()
            .is_some_and(|iri| given.as_str() == Some(iri.as_str()));
        if !matches {
            return Err(IssueError::Reserved {
                field: "credential.id".into(),
                reason: match expected {
                    Some(iri) => format!(
                        "licence ids are assigned by the service: this licence's is `{}` (or leave id out)",
                        iri.as_str()
                    ),
                    None => "licence ids are assigned by the service: leave id out".into(),
                },
            });
        }
    }
    // Licences always carry both entries, whatever options.credentialStatus asks.
    let _ = options.purposes;
    issue_licence(state, agency, Value::Object(data), actor)
        .await
        .map_err(|e| match e {
            IssueError::Invalid { field, reason } => IssueError::Invalid {
                field: credential_field(&field),
                reason,
            },
            other => other,
        })
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
