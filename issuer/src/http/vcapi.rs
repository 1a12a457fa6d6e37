//! The W3C CCG VC API endpoints: issue, verify credentials and presentations,
//! and update credential status. Invalid input is a 400 problem, as the
//! VC API specifies; a credential that does not verify is also a 400 whose
//! problem body carries `verified: false` and the failed checks.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use elicence_core::did::AUTHENTICATION;
use elicence_core::jose;
use elicence_core::proof;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::admin::Scope;
use crate::http::auth;
use crate::http::body::read_json;
use crate::http::licences::{apply_status, caller_agency, refresh_registry};
use crate::http::problem::Problem;
use crate::issue::{self, IssueError};
use crate::server::AppState;
use crate::status::Purpose;
use crate::store::format_time;
use crate::writer::StatusAction;

type St = State<Arc<AppState>>;

fn vc_api_problem(e: IssueError) -> Problem {
    match e {
        IssueError::Invalid { field, reason } => {
            Problem::bad_request(format!("{field}: {reason}")).with("field", field)
        }
        // Data Integrity processing errors carry the spec's error name, as
        // `code` and in the VC API's `errors` list.
        IssueError::Unsecurable {
            field,
            code,
            reason,
        } => {
            let message = format!("{field}: {reason}");
            Problem::bad_request(message.clone())
                .with("field", field)
                .with("code", code)
                .with("errors", json!([{"name": code, "message": message}]))
        }
        other => other.into(),
    }
}

/// `POST /credentials/issue`.
#[utoipa::path(post, path = "/credentials/issue", tag = "vc-api",
    request_body(content = String, content_type = "application/json", description = "{credential, options: {cryptosuite, credentialStatus: {type, statusPurpose}}}; the credential may carry its own BitstringStatusListEntry on a list the service does not manage; a BusinessLicenceCredential is issued as POST /licences issues it"),
    responses((status = 201, description = "{verifiableCredential}"), (status = 400, description = "Invalid credential or options"),
        (status = 401, description = "No valid token"), (status = 403, description = "Token lacks the issue scope, or the credential is one only the service signs: a status list, an id in the service's namespaces, an entry on its lists (problem type #reserved)"), (status = 409, description = "A credential with this id exists")),
    security(("bearer" = [])))]
pub async fn issue_credential(
    State(state): St,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    let caller = auth::authenticate(&state, &headers)?;
    caller.require(Scope::Issue)?;
    let agency = caller_agency(&state, &caller)?;
    let mut req = read_json(&headers, body, state.config.limits.max_body_bytes).await?;
    let map = req
        .as_object_mut()
        .ok_or_else(|| Problem::bad_request("the request must be a JSON object"))?;
    if let Some(k) = map.keys().find(|k| *k != "credential" && *k != "options") {
        return Err(Problem::bad_request(format!("unknown member `{k}`")));
    }
    let credential = map
        .remove("credential")
        .ok_or_else(|| Problem::bad_request("`credential` is required"))?;
    let options = issue::parse_options(map.get("options")).map_err(vc_api_problem)?;
    let issued = issue::issue_credential(&state, &agency, credential, &options, &caller.actor())
        .await
        .map_err(vc_api_problem)?;
    let vc: Value = serde_json::from_str(&issued.credential).map_err(|e| Problem::internal(&e))?;
    let status = if issued.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, axum::Json(json!({ "verifiableCredential": vc }))).into_response())
}

struct Outcome {
    checks: Vec<&'static str>,
    warnings: Vec<Value>,
    errors: Vec<Value>,
}

fn error(kind: &str, message: impl Into<String>) -> Value {
    json!({"name": kind, "message": message.into()})
}

fn date_of(v: &Value, key: &str) -> Option<OffsetDateTime> {
    v.get(key)
        .and_then(Value::as_str)
        .and_then(|s| OffsetDateTime::parse(s, &Rfc3339).ok())
}

/// The VC API verification options we honour: `expectedProofPurpose`
/// (default `assertionMethod` for credentials), `domain` and `challenge`
/// (the proof must state them). `checks` and other options are accepted and
/// ignored: every check we know is always run.
struct VerifyOptions {
    expected_purpose: String,
    domain: Option<String>,
    challenge: Option<String>,
}

impl VerifyOptions {
    fn parse(options: Option<&Value>, default_purpose: &str) -> Result<VerifyOptions, Problem> {
        let string = |key: &str| -> Result<Option<String>, Problem> {
            match options.and_then(|o| o.get(key)) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(Problem::bad_request(format!(
                    "options.{key} must be a string"
                ))),
            }
        };
        if let Some(o) = options {
            if !o.is_object() && !o.is_null() {
                return Err(Problem::bad_request("`options` must be an object"));
            }
        }
        Ok(VerifyOptions {
            expected_purpose: string("expectedProofPurpose")?
                .unwrap_or_else(|| default_purpose.to_string()),
            domain: string("domain")?,
            challenge: string("challenge")?,
        })
    }
}

/// `now` as an XML Schema dateTime with its fraction of a second.
fn precise_time(now: OffsetDateTime) -> String {
    now.to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_else(|_| format_time(now))
}

/// VCDM 2.0 §4.3: the first `@context` is the base context (VC 2.0, or
/// VC 1.1 for 1.1 documents).
fn has_base_context(doc: &Value) -> bool {
    let first = match doc.get("@context") {
        Some(Value::Array(items)) => items.first(),
        Some(v @ Value::String(_)) => Some(v),
        _ => None,
    };
    first.and_then(Value::as_str).is_some_and(|c| {
        c == elicence_core::licence::context::VC_V2_CONTEXT_URL
            || c == elicence_core::licence::context::VC_V1_CONTEXT_URL
    })
}

/// The proof binding checks of `options.domain` and `options.challenge`
/// (Data Integrity §4.3: a proof whose domain or challenge differs from the
/// expected one does not verify).
fn binding_errors(doc: &Value, options: &VerifyOptions) -> Vec<Value> {
    let proofs: Vec<&Value> = match doc.get("proof") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(p) => vec![p],
        None => Vec::new(),
    };
    let mut errors = Vec::new();
    for (key, expected) in [
        ("domain", &options.domain),
        ("challenge", &options.challenge),
    ] {
        let Some(expected) = expected else { continue };
        let matches = proofs.iter().all(|p| match p.get(key) {
            Some(Value::String(s)) => s == expected,
            Some(Value::Array(a)) => key == "domain" && a.iter().any(|d| d == expected.as_str()),
            _ => false,
        });
        if !matches {
            errors.push(error(
                "PROOF_VERIFICATION_ERROR",
                format!("the proof's {key} does not match options.{key}"),
            ));
        }
    }
    errors
}

/// A presentation that names a `holder` must be signed by a key the holder
/// controls, as a credential must be signed by its issuer: otherwise anyone
/// can present under any name, and the holder/issuer comparison that makes
/// a credential self-asserted (VCDM 2.0 §4.13.1, "Presentations Including
/// Holder Claims") would rest on a value nobody vouched for. No `holder`, no
/// claim about who presents, nothing to check.
fn holder_binding_error(vp: &Value, proofs: &[proof::VerifiedProof]) -> Option<Value> {
    let holder = match vp.get("holder")? {
        Value::String(s) => Some(s.as_str()),
        Value::Object(o) => o.get("id").and_then(Value::as_str),
        _ => None,
    };
    match holder {
        Some(h) if proofs.iter().any(|p| p.controller == h) => None,
        Some(_) => Some(error(
            "PROOF_VERIFICATION_ERROR",
            "no proof of the presentation is by a key its holder controls",
        )),
        None => Some(error(
            "MALFORMED_VALUE_ERROR",
            "holder must be a URL or an object whose id is a URL",
        )),
    }
}

/// Verifies one credential (embedded proof or enveloped vc+jwt): proof,
/// validity period, and status where the status list is this service's.
fn verify_credential(
    state: &AppState,
    vc: &Value,
    now: OffsetDateTime,
    options: &VerifyOptions,
) -> Outcome {
    let mut out = Outcome {
        checks: Vec::new(),
        warnings: Vec::new(),
        errors: Vec::new(),
    };
    let resolver = state.registry.resolver();
    // To the nanosecond: a proof that `expires` this second has expired
    // once any part of the second has passed.
    let now_s = precise_time(now);
    let envelope = vc
        .get("type")
        .is_some_and(|t| t == "EnvelopedVerifiableCredential");
    let credential = if envelope {
        let jwt = vc
            .get("id")
            .and_then(Value::as_str)
            .and_then(|id| id.strip_prefix("data:application/vc+jwt,"));
        match jwt {
            None => {
                out.errors.push(error(
                    "MALFORMED",
                    "an EnvelopedVerifiableCredential needs a data:application/vc+jwt, id",
                ));
                return out;
            }
            Some(jwt) => match jose::verify_vc_jwt(jwt, resolver.as_ref()) {
                Ok(v) => {
                    out.checks.push("proof");
                    v.credential
                }
                Err(e) => {
                    out.errors
                        .push(error("PROOF_VERIFICATION_ERROR", e.to_string()));
                    return out;
                }
            },
        }
    } else {
        if !has_base_context(vc) {
            out.errors.push(error(
                "MALFORMED_VALUE_ERROR",
                "the first @context must be https://www.w3.org/ns/credentials/v2 (or the VC 1.1 context)",
            ));
            return out;
        }
        let binding = binding_errors(vc, options);
        if !binding.is_empty() {
            out.errors.extend(binding);
            return out;
        }
        match proof::verify(
            vc,
            resolver.as_ref(),
            &options.expected_purpose,
            Some(&now_s),
        ) {
            Ok(proofs) => {
                // The issuer must control a key that signed it: a valid
                // signature by someone else proves nothing about the issuer.
                let issuer = match vc.get("issuer") {
                    Some(Value::String(s)) => Some(s.as_str()),
                    Some(Value::Object(o)) => o.get("id").and_then(Value::as_str),
                    _ => None,
                };
                if !proofs.iter().any(|p| Some(p.controller.as_str()) == issuer) {
                    out.errors.push(error(
                        "PROOF_VERIFICATION_ERROR",
                        "no proof is by a key the issuer controls",
                    ));
                    return out;
                }
                out.checks.push("proof");
                vc.clone()
            }
            Err(e) => {
                // The spec's name: a credential with data JSON-LD would drop
                // is DATA_LOSS_DETECTION_ERROR, a malformed value
                // MALFORMED_VALUE_ERROR, a bad signature PROOF_VERIFICATION_ERROR.
                out.errors.push(error(e.spec_code(), e.to_string()));
                return out;
            }
        }
    };
    // The checks below read the JSON by term names: it must say exactly
    // what was signed (docs/verification.md). RDFC proofs are audited by
    // the proof engine; JCS and JOSE credentials here.
    if let Err(e) = proof::check_spelling(&credential) {
        out.errors.push(error(
            "MALFORMED_VALUE_ERROR",
            format!("the credential's JSON does not say exactly what was signed: {e}"),
        ));
        return out;
    }
    let issuer = match credential.get("issuer") {
        Some(Value::String(s)) => Some(s.as_str()),
        Some(o) => o.get("id").and_then(Value::as_str),
        None => None,
    };
    let from = date_of(&credential, "validFrom").or_else(|| date_of(&credential, "issuanceDate"));
    let until =
        date_of(&credential, "validUntil").or_else(|| date_of(&credential, "expirationDate"));
    if from.is_some_and(|f| now < f) {
        out.errors
            .push(error("NOT_YET_VALID", "the credential is not valid yet"));
    } else if until.is_some_and(|u| now > u) {
        out.errors
            .push(error("EXPIRED", "the credential has expired"));
    } else {
        out.checks.push("validityPeriod");
    }
    let entries: Vec<&Value> = match credential.get("credentialStatus") {
        None => Vec::new(),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
    };
    let mut status_ok = !entries.is_empty();
    for entry in entries {
        match local_status(state, entry, issuer) {
            Some(Ok(true)) => {
                let purpose = entry
                    .get("statusPurpose")
                    .and_then(Value::as_str)
                    .unwrap_or("status");
                out.errors.push(error(
                    "STATUS",
                    format!("the credential's {purpose} bit is set"),
                ));
                status_ok = false;
            }
            Some(Ok(false)) => {}
            Some(Err(e)) => {
                out.errors.push(error("STATUS_ERROR", e));
                status_ok = false;
            }
            None => {
                // Never "verified" with a status nobody checked: this
                // service answers only for the lists it publishes.
                out.errors.push(error(
                    "STATUS_NOT_CHECKED",
                    "the credential names a status list this service does not publish, so its status (revocation, suspension) is unknown; verify it with its issuer's list",
                ));
                status_ok = false;
            }
        }
    }
    if status_ok {
        out.checks.push("credentialStatus");
    }
    out
}

/// `Some(Ok(bit))` for entries in this service's lists; `None` otherwise.
/// A list answers only for credentials its agency issued.
fn local_status(
    state: &AppState,
    entry: &Value,
    issuer: Option<&str>,
) -> Option<Result<bool, String>> {
    let url = entry.get("statusListCredential")?.as_str()?;
    let rest = url
        .strip_prefix(state.registry.origin())?
        .strip_prefix("/agencies/")?;
    let mut parts = rest.split('/');
    let (code, kw, purpose, list) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if kw != "status" || parts.next().is_some() {
        return None;
    }
    let purpose: Purpose = match purpose.parse() {
        Ok(p) => p,
        Err(e) => return Some(Err(e)),
    };
    let list: u32 = list.parse().ok()?;
    let agency = state.registry.get(code)?;
    if issuer != Some(agency.did.as_str()) {
        return Some(Err(format!(
            "the status list belongs to {}, not to the credential's issuer",
            agency.did
        )));
    }
    let index: u32 = match entry
        .get("statusListIndex")
        .and_then(Value::as_str)
        .map(str::parse)
    {
        Some(Ok(i)) => i,
        _ => return Some(Err("statusListIndex must be a decimal string".into())),
    };
    let flags = state
        .pool
        .with(|c| crate::store::status_at(c, code, list, index));
    Some(match flags {
        Ok(Some((revoked, suspended))) => Ok(match purpose {
            Purpose::Revocation => revoked,
            Purpose::Suspension => suspended,
        }),
        Ok(None) => Ok(false),
        Err(e) => Err(e.to_string()),
    })
}

fn result_response(o: Outcome) -> Response {
    if o.errors.is_empty() {
        (
            StatusCode::OK,
            axum::Json(
                json!({"verified": true, "checks": o.checks, "warnings": o.warnings, "errors": []}),
            ),
        )
            .into_response()
    } else {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "verification-failed",
            "Verification failed",
            o.errors
                .first()
                .and_then(|e| e["message"].as_str())
                .unwrap_or("verification failed")
                .to_string(),
        )
        .with("verified", false)
        .with("checks", json!(o.checks))
        .with("warnings", Value::Array(o.warnings))
        .with("errors", Value::Array(o.errors))
        .into_response()
    }
}

/// `POST /credentials/verify`.
#[utoipa::path(post, path = "/credentials/verify", tag = "vc-api",
    request_body(content = String, content_type = "application/json", description = "{verifiableCredential, options}"),
    responses((status = 200, description = "{verified: true, checks, warnings, errors}"), (status = 400, description = "Malformed input, or not verified (problem with verified: false and errors)")))]
pub async fn verify_credential_endpoint(
    State(state): St,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    let req = read_json(&headers, body, state.config.limits.max_body_bytes).await?;
    refresh_registry(&state)?;
    let vc = req
        .get("verifiableCredential")
        .filter(|v| v.is_object())
        .ok_or_else(|| Problem::bad_request("`verifiableCredential` (an object) is required"))?;
    let options = VerifyOptions::parse(req.get("options"), elicence_core::did::ASSERTION_METHOD)?;
    Ok(result_response(verify_credential(
        &state,
        vc,
        OffsetDateTime::now_utc(),
        &options,
    )))
}

/// `POST /presentations/verify`: the presentation's `authentication` proof,
/// its `challenge` and `domain` against `options`, and every credential in it.
#[utoipa::path(post, path = "/presentations/verify", tag = "vc-api",
    request_body(content = String, content_type = "application/json", description = "{verifiablePresentation, options: {challenge, domain}}"),
    responses((status = 200, description = "{verified: true, presentationResult, credentialResults}"), (status = 400, description = "Malformed input, or not verified")))]
pub async fn verify_presentation(
    State(state): St,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    let req = read_json(&headers, body, state.config.limits.max_body_bytes).await?;
    let vp = req
        .get("verifiablePresentation")
        .filter(|v| v.is_object())
        .ok_or_else(|| Problem::bad_request("`verifiablePresentation` (an object) is required"))?;
    let options = VerifyOptions::parse(req.get("options"), AUTHENTICATION)?;
    let credential_options = VerifyOptions {
        expected_purpose: elicence_core::did::ASSERTION_METHOD.to_string(),
        domain: None,
        challenge: None,
    };
    let is_vp = match vp.get("type") {
        Some(Value::String(s)) => s == "VerifiablePresentation",
        Some(Value::Array(a)) => a.iter().any(|t| t == "VerifiablePresentation"),
        _ => false,
    };
    if !is_vp {
        return Err(Problem::bad_request(
            "verifiablePresentation.type must include VerifiablePresentation",
        ));
    }
    let now = OffsetDateTime::now_utc();
    let mut errors = Vec::new();
    refresh_registry(&state)?;
    let resolver = state.registry.resolver();
    if !has_base_context(vp) {
        errors.push(error(
            "MALFORMED_VALUE_ERROR",
            "the first @context must be https://www.w3.org/ns/credentials/v2 (or the VC 1.1 context)",
        ));
    } else {
        match proof::verify(
            vp,
            resolver.as_ref(),
            &options.expected_purpose,
            Some(&precise_time(now)),
        ) {
            Ok(proofs) => errors.extend(holder_binding_error(vp, &proofs)),
            Err(e) => errors.push(error(e.spec_code(), e.to_string())),
        }
    }
    errors.extend(binding_errors(vp, &options));
    let credentials: Vec<Value> = match vp.get("verifiableCredential") {
        None => Vec::new(),
        Some(Value::Array(a)) => a.clone(),
        Some(v) => vec![v.clone()],
    };
    let mut credential_results = Vec::new();
    for vc in &credentials {
        let o = verify_credential(&state, vc, now, &credential_options);
        let ok = o.errors.is_empty();
        if !ok {
            errors.push(error(
                "CREDENTIAL_NOT_VERIFIED",
                format!(
                    "credential {} did not verify",
                    vc.get("id").and_then(Value::as_str).unwrap_or("(no id)")
                ),
            ));
        }
        credential_results.push(
            json!({"verified": ok, "checks": o.checks, "warnings": o.warnings, "errors": o.errors}),
        );
    }
    if errors.is_empty() {
        Ok((
            StatusCode::OK,
            axum::Json(json!({
                "verified": true,
                "presentationResult": {"verified": true},
                "credentialResults": credential_results,
                "errors": [],
            })),
        )
            .into_response())
    } else {
        Ok(Problem::new(
            StatusCode::BAD_REQUEST,
            "verification-failed",
            "Verification failed",
            errors
                .first()
                .and_then(|e| e["message"].as_str())
                .unwrap_or("")
                .to_string(),
        )
        .with("verified", false)
        .with("credentialResults", Value::Array(credential_results))
        .with("errors", Value::Array(errors))
        .into_response())
    }
}

/// `POST /credentials/status` (VC API): `{credentialId, credentialStatus:
/// {statusPurpose}, status}`; `status: true` sets the bit.
#[utoipa::path(post, path = "/credentials/status", tag = "vc-api",
    request_body(content = String, content_type = "application/json", description = "{credentialId, credentialStatus: {type, statusPurpose}, status: boolean}"),
    responses((status = 200, description = "Status updated"), (status = 400, description = "Malformed request"), (status = 404, description = "Credential not found"), (status = 409, description = "Revocation cannot be undone")),
    security(("bearer" = [])))]
pub async fn update_status(
    State(state): St,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    let caller = auth::authenticate(&state, &headers)?;
    caller.require(Scope::Revoke)?;
    let req = read_json(&headers, body, state.config.limits.max_body_bytes).await?;
    let id = req
        .get("credentialId")
        .and_then(Value::as_str)
        .ok_or_else(|| Problem::bad_request("`credentialId` (a string) is required"))?;
    let purpose: Purpose = req
        .pointer("/credentialStatus/statusPurpose")
        .and_then(Value::as_str)
        .ok_or_else(|| Problem::bad_request("`credentialStatus.statusPurpose` is required"))?
        .parse()
        .map_err(Problem::bad_request)?;
    let set = req
        .get("status")
        .and_then(Value::as_bool)
        .ok_or_else(|| Problem::bad_request("`status` (a boolean) is required"))?;
    let action = match (purpose, set) {
        (Purpose::Revocation, true) => StatusAction::Revoke,
        (Purpose::Revocation, false) => return Err(Problem::conflict("revocation is final")),
        (Purpose::Suspension, true) => StatusAction::Suspend,
        (Purpose::Suspension, false) => StatusAction::Reinstate,
    };
    apply_status(&state, &caller, id, action).await
}
