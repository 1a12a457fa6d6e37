//! OpenID4VCI 1.0 issuance routes (docs/wallets.md): Credential Issuer and
//! Authorization Server Metadata, `POST {licence}/offer` for agencies, the
//! published offer (JSON or PNG QR), and the token, nonce and credential
//! endpoints of the pre-authorized code flow. Protocol refusals are the
//! specifications' error JSON with `Cache-Control: no-store`; agency-facing
//! refusals are problems like the rest of the API.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use elicence_core::keys::KeyAlgorithm;
use elicence_core::licence::model::BusinessLicence;
use elicence_oid4vci::messages::{
    CredentialRequest, CredentialResponse, IssuedCredential, NonceResponse, TokenRequest,
    TokenResponse,
};
use elicence_oid4vci::metadata::{self, LDP_VC_CONFIGURATION_ID};
use elicence_oid4vci::offer::{offer_uri_by_reference, CredentialOffer};
use elicence_oid4vci::proof::check_proof;
use elicence_oid4vci::Oid4vciError;
use elicence_sd_jwt::licence::{issue_licence, LicenceVcOptions};
use elicence_sd_jwt::type_metadata::VCT_BASE;
use elicence_sd_jwt::StatusReference;
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

use crate::admin::Scope;
use crate::http::auth;
use crate::http::problem::Problem;
use crate::http::sdjwt::{type_metadata, type_metadata_of};
use crate::server::AppState;
use crate::writer::AuditEntry;

type St = State<Arc<AppState>>;

/// Most credentials one request may ask for (`batch_size`).
pub const BATCH_SIZE: usize = 10;

/// Largest token or credential request body read.
const MAX_PROTOCOL_BODY: usize = 64 * 1024;

/// What an offer grants: one licence of one agency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferSubject {
    /// The agency code.
    pub agency: String,
    /// The licence IRI.
    pub licence: String,
    /// Its licence type code.
    pub type_code: String,
}

fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// Marks a response whose body is the protocol's own error JSON, which the
/// service's problem middleware must leave as it is.
#[derive(Debug, Clone, Copy)]
pub struct ProtocolErrorBody;

/// A protocol error response.
pub struct ProtocolError(pub Oid4vciError);

impl From<Oid4vciError> for ProtocolError {
    fn from(e: Oid4vciError) -> ProtocolError {
        ProtocolError(e)
    }
}

/// At the credential endpoint (a protected resource), a bad DPoP proof is
/// a 401 with a `DPoP` challenge (RFC 9449 §7.1), not the token endpoint's 400.
fn at_resource(e: Oid4vciError) -> Response {
    let dpop = matches!(e, Oid4vciError::InvalidDpopProof(_));
    let mut resp = ProtocolError(e).into_response();
    if dpop {
        *resp.status_mut() = StatusCode::UNAUTHORIZED;
        resp.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("DPoP error=\"invalid_dpop_proof\""),
        );
    }
    resp
}

impl IntoResponse for ProtocolError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::BAD_REQUEST);
        let mut resp = (status, axum::Json(self.0.to_json())).into_response();
        resp.extensions_mut().insert(ProtocolErrorBody);
        let h = resp.headers_mut();
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if matches!(self.0, Oid4vciError::InvalidToken(_)) {
            h.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
        }
        resp
    }
}

fn no_store(value: Value) -> Response {
    let mut resp = axum::Json(value).into_response();
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// `GET /.well-known/openid-credential-issuer`: one `dc+sd-jwt`
/// configuration per catalogue licence type, and the `ldp_vc` licence.
#[utoipa::path(get, path = "/.well-known/openid-credential-issuer", tag = "oid4vci", responses((status = 200, description = "Credential Issuer Metadata (OpenID4VCI 1.0)")))]
pub async fn issuer_metadata(State(state): St) -> Response {
    let mut configurations = Map::new();
    for m in type_metadata() {
        let code =
            elicence_sd_jwt::type_metadata::licence_type_code(VCT_BASE, &m.vct).unwrap_or_default();
        configurations.insert(
            metadata::sd_jwt_configuration_id(code),
            metadata::sd_jwt_configuration(
                &m.vct,
                &m.document["display"],
                m.document.get("claims"),
            ),
        );
    }
    configurations.insert(
        LDP_VC_CONFIGURATION_ID.into(),
        metadata::ldp_vc_configuration(
            &[
                elicence_core::licence::context::VC_V2_CONTEXT_URL,
                elicence_core::licence::context::LICENCE_CONTEXT_URL,
            ],
            &["VerifiableCredential", "BusinessLicenceCredential"],
            &[
                metadata::Display {
                    name: "ใบอนุญาตประกอบกิจการ",
                    locale: "th",
                },
                metadata::Display {
                    name: "Business licence",
                    locale: "en",
                },
            ],
        ),
    );
    let body = metadata::issuer_metadata(
        state.config.origin(),
        &[
            metadata::Display {
                name: "ใบอนุญาตอิเล็กทรอนิกส์ (elicence)",
                locale: "th",
            },
            metadata::Display {
                name: "elicence business licences",
                locale: "en",
            },
        ],
        configurations,
        BATCH_SIZE,
    );
    let mut resp = axum::Json(body).into_response();
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    resp
}

/// `GET /.well-known/oauth-authorization-server`: the issuer is its own
/// authorization server (pre-authorized code grant only).
#[utoipa::path(get, path = "/.well-known/oauth-authorization-server", tag = "oid4vci", responses((status = 200, description = "OAuth 2.0 Authorization Server Metadata (RFC 8414)")))]
pub async fn authorization_server_metadata(State(state): St) -> Response {
    axum::Json(metadata::authorization_server_metadata(
        state.config.origin(),
    ))
    .into_response()
}

fn offer_url(state: &AppState, offer_id: &str) -> String {
    format!(
        "{}{}/{offer_id}",
        state.config.origin(),
        metadata::OFFERS_PATH
    )
}

/// `POST /agencies/{code}/licences/{type}/{number}/offer`: a Credential
/// Offer of this licence (token scope `issue`, owning agency only). Body
/// (optional): `{"credential_configuration_ids": [...]}`, default the
/// type's `dc+sd-jwt` and the `ldp_vc` licence. Answers
/// `{credential_offer_uri, offer, tx_code, expires_at}`; the agency
/// delivers `tx_code` by another channel than the offer.
pub async fn post_offer(
    state: &AppState,
    headers: &HeaderMap,
    code: &str,
    stored: crate::store::StoredCredential,
    type_code: &str,
    body: Body,
) -> Result<Response, Problem> {
    let body = axum::body::to_bytes(body, MAX_PROTOCOL_BODY)
        .await
        .map_err(|_| crate::http::body::too_large(MAX_PROTOCOL_BODY))?;
    let caller = auth::authenticate(state, headers)?;
    caller.require(Scope::Issue)?;
    caller.require_agency(code)?;
    if stored.revoked {
        return Err(Problem::conflict(
            "the licence is revoked: it cannot be offered",
        ));
    }
    let default_ids = vec![
        metadata::sd_jwt_configuration_id(type_code),
        LDP_VC_CONFIGURATION_ID.to_owned(),
    ];
    let ids = if body.iter().all(u8::is_ascii_whitespace) {
        default_ids.clone()
    } else {
        let v: Value = serde_json::from_slice(&body)
            .map_err(|e| Problem::bad_request(format!("the body is not JSON: {e}")))?;
        match v.get("credential_configuration_ids") {
            None => default_ids.clone(),
            Some(Value::Array(a)) if !a.is_empty() => a
                .iter()
                .map(|x| {
                    x.as_str().map(str::to_owned).ok_or_else(|| {
                        Problem::invalid("credential_configuration_ids", "must be strings")
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
            Some(_) => {
                return Err(Problem::invalid(
                    "credential_configuration_ids",
                    "must be a non-empty array of strings",
                ))
            }
        }
    };
    if let Some(bad) = ids.iter().find(|i| !default_ids.contains(i)) {
        return Err(Problem::invalid(
            "credential_configuration_ids",
            format!(
                "`{bad}` cannot be offered for this licence (offerable: {})",
                default_ids.join(", ")
            ),
        ));
    }
    if type_metadata_of(type_code).is_none() && ids.contains(&default_ids[0]) {
        return Err(Problem::invalid(
            "credential_configuration_ids",
            format!("licence type `{type_code}` is not in the catalogue: no SD-JWT VC type"),
        ));
    }
    let subject = OfferSubject {
        agency: code.to_owned(),
        licence: stored.id.clone(),
        type_code: type_code.to_owned(),
    };
    let new = state
        .grants
        .create_offer(subject, ids.clone(), now())
        .map_err(|e| {
            Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "Busy",
                e.description().to_owned(),
            )
        })?;
    state
        .writer
        .audit(AuditEntry {
            agency: code.to_owned(),
            actor: caller.actor(),
            action: "oid4vci.offer".into(),
            subject: stored.id.clone(),
            detail: ids.join(" "),
        })
        .await
        .map_err(Problem::from)?;
    let url = offer_url(state, &new.offer_id);
    let expires = OffsetDateTime::from_unix_timestamp(new.expires_at)
        .map(crate::store::format_time)
        .unwrap_or_default();
    let mut resp = (
        StatusCode::CREATED,
        axum::Json(json!({
            "credential_offer_uri": url,
            "offer": offer_uri_by_reference(&url),
            "tx_code": new.pin,
            "expires_at": expires,
        })),
    )
        .into_response();
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}

/// `GET /oid4vci/offers/{id}`: the Credential Offer while it is open, as
/// JSON, or with `Accept: image/png` a PNG QR code of its
/// `openid-credential-offer://` URI for a phone wallet to scan.
#[utoipa::path(get, path = "/oid4vci/offers/{id}", tag = "oid4vci", params(("id" = String, Path, description = "Offer id")), responses((status = 200, description = "The Credential Offer (JSON), or a PNG QR code of it for Accept: image/png"), (status = 404, description = "Used, expired or unknown")))]
pub async fn get_offer(
    State(state): St,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let (code, ids, _) = state
        .grants
        .offer(&id, now())
        .ok_or_else(|| Problem::not_found("no such offer, or it was used or has expired"))?;
    let wants_png = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("image/png"));
    if wants_png {
        let uri = offer_uri_by_reference(&offer_url(&state, &id));
        let png = elicence_qr_image::render_png(&uri, &Default::default())
            .map_err(|e| Problem::internal(&e))?;
        let mut resp = (StatusCode::OK, png).into_response();
        resp.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
        resp.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return Ok(resp);
    }
    let offer = CredentialOffer::pre_authorized(
        state.config.origin(),
        ids,
        &code,
        Some(state.grants.limits().pin_length),
    );
    Ok(no_store(serde_json::to_value(offer).unwrap_or_default()))
}

fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

async fn read_limited(body: Body) -> Result<Bytes, ProtocolError> {
    axum::body::to_bytes(body, MAX_PROTOCOL_BODY)
        .await
        .map_err(|_| {
            ProtocolError(Oid4vciError::InvalidRequest(format!(
                "the body is unreadable or over {MAX_PROTOCOL_BODY} bytes"
            )))
        })
}

/// `POST /oid4vci/token`: redeems a pre-authorized code and its PIN
/// (single use; 5 wrong PINs lock the offer) for a bearer access token.
#[utoipa::path(post, path = "/oid4vci/token", tag = "oid4vci", request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "grant_type, pre-authorized_code, tx_code; optional DPoP header"), responses((status = 200, description = "Access token (Bearer or DPoP)"), (status = 400, description = "OAuth error JSON: invalid_request, invalid_grant, unsupported_grant_type, invalid_dpop_proof")))]
pub async fn token(
    State(state): St,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ProtocolError> {
    if media_type(&headers) != "application/x-www-form-urlencoded" {
        return Err(Oid4vciError::InvalidRequest(
            "send the token request as application/x-www-form-urlencoded".into(),
        )
        .into());
    }
    let bytes = read_limited(body).await?;
    let request: TokenRequest = serde_urlencoded::from_bytes(&bytes)
        .map_err(|e| Oid4vciError::InvalidRequest(format!("malformed form: {e}")))?;
    let (code, pin) = request.pre_authorized()?;
    let now = now();
    let jkt = match dpop_header(&headers)? {
        None => None,
        Some(proof) => {
            let url = format!("{}{}", state.config.origin(), metadata::TOKEN_PATH);
            Some(checked_dpop(&state, proof, &url, None, now)?)
        }
    };
    let token_type = if jkt.is_some() { "DPoP" } else { "Bearer" };
    let issued = state.grants.redeem(code, pin, jkt, now)?;
    let details: Vec<Value> = issued
        .grant
        .configurations
        .iter()
        .map(|id| json!({"type": "openid_credential", "credential_configuration_id": id}))
        .collect();
    Ok(no_store(
        serde_json::to_value(TokenResponse {
            access_token: issued.access_token,
            token_type: token_type.into(),
            expires_in: issued.expires_in,
            authorization_details: Some(Value::Array(details)),
        })
        .unwrap_or_default(),
    ))
}

/// `POST /oid4vci/nonce`: a fresh single-use `c_nonce` for proofs.
#[utoipa::path(post, path = "/oid4vci/nonce", tag = "oid4vci", responses((status = 200, description = "{c_nonce}")))]
pub async fn nonce(State(state): St) -> Result<Response, ProtocolError> {
    let (c_nonce, _) = state.grants.new_nonce(now())?;
    Ok(no_store(
        serde_json::to_value(NonceResponse { c_nonce }).unwrap_or_default(),
    ))
}

/// The one `DPoP` header, if any (two are refused).
fn dpop_header(headers: &HeaderMap) -> Result<Option<&str>, Oid4vciError> {
    let mut all = headers.get_all("dpop").iter();
    match (all.next(), all.next()) {
        (None, _) => Ok(None),
        (Some(v), None) => v
            .to_str()
            .map(Some)
            .map_err(|_| Oid4vciError::InvalidDpopProof("the DPoP header is not ASCII".into())),
        (Some(_), Some(_)) => Err(Oid4vciError::InvalidDpopProof(
            "more than one DPoP header".into(),
        )),
    }
}

/// Checks a DPoP proof for `POST url` and spends its `jti`; the key thumbprint.
fn checked_dpop(
    state: &AppState,
    proof: &str,
    url: &str,
    access_token: Option<&str>,
    now: i64,
) -> Result<String, Oid4vciError> {
    use elicence_oid4vci::dpop;
    let checked = dpop::check_dpop(proof, "POST", url, access_token, now)?;
    if !state
        .grants
        .first_use_of_jti(&checked.jti, dpop::MAX_AGE + dpop::MAX_SKEW, now)
    {
        return Err(Oid4vciError::InvalidDpopProof(
            "this DPoP proof (`jti`) was already used".into(),
        ));
    }
    Ok(checked.jkt)
}

/// The access token and whether it came as `DPoP` (else `Bearer`).
fn access_token(headers: &HeaderMap) -> Result<(&str, bool), Oid4vciError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| Oid4vciError::InvalidToken("no access token".into()))?;
    let (scheme, token) = value
        .split_once(' ')
        .ok_or_else(|| Oid4vciError::InvalidToken("malformed Authorization header".into()))?;
    let dpop = if scheme.eq_ignore_ascii_case("dpop") {
        true
    } else if scheme.eq_ignore_ascii_case("bearer") {
        false
    } else {
        return Err(Oid4vciError::InvalidToken(format!(
            "`{scheme}` access tokens are not supported (Bearer, DPoP)"
        )));
    };
    Ok((token.trim(), dpop))
}

/// The grant of the request's access token, with its DPoP binding checked:
/// a DPoP-bound token only as `DPoP` with a fresh proof by the bound key.
fn authorize(
    state: &AppState,
    headers: &HeaderMap,
    now: i64,
) -> Result<elicence_oid4vci::grants::Grant<OfferSubject>, Oid4vciError> {
    let (token, as_dpop) = access_token(headers)?;
    let grant = state.grants.access(token, now)?;
    match (&grant.jkt, as_dpop) {
        (Some(_), false) => Err(Oid4vciError::InvalidToken(
            "this access token is DPoP-bound: send it as `Authorization: DPoP` with a DPoP proof"
                .into(),
        )),
        (None, true) => Err(Oid4vciError::InvalidToken(
            "this access token is a Bearer token, not DPoP-bound".into(),
        )),
        (None, false) => Ok(grant),
        (Some(bound), true) => {
            let proof = dpop_header(headers)?.ok_or_else(|| {
                Oid4vciError::InvalidDpopProof("a DPoP-bound token needs a DPoP proof".into())
            })?;
            let url = format!("{}{}", state.config.origin(), metadata::CREDENTIAL_PATH);
            let jkt = checked_dpop(state, proof, &url, Some(token), now)?;
            if &jkt != bound {
                return Err(Oid4vciError::InvalidDpopProof(
                    "the DPoP proof is by another key than the token is bound to".into(),
                ));
            }
            Ok(grant)
        }
    }
}

/// `POST /oid4vci/credential`: one credential per `jwt` proof (batch
/// issuance up to [`BATCH_SIZE`]), each SD-JWT VC bound to its proof's key.
/// Proofs are all checked, and their nonces spent, before anything is
/// signed; a refused request stores nothing.
#[utoipa::path(post, path = "/oid4vci/credential", tag = "oid4vci", request_body(content = String, content_type = "application/json", description = "credential_configuration_id and proofs.jwt"), responses((status = 200, description = "{credentials: [{credential}]}"), (status = 400, description = "OID4VCI error JSON"), (status = 401, description = "invalid_token or invalid_dpop_proof"), (status = 403, description = "credential_request_denied")))]
pub async fn credential(State(state): St, headers: HeaderMap, body: Body) -> Response {
    match credential_inner(&state, &headers, body).await {
        Ok(resp) => resp,
        Err(ProtocolError(e)) => at_resource(e),
    }
}

async fn credential_inner(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, ProtocolError> {
    let now = now();
    let grant = authorize(state, headers, now)?;
    if media_type(headers) != "application/json" {
        return Err(Oid4vciError::InvalidCredentialRequest(
            "send the credential request as application/json".into(),
        )
        .into());
    }
    let bytes = read_limited(body).await?;
    let request: CredentialRequest = serde_json::from_slice(&bytes)
        .map_err(|e| Oid4vciError::InvalidCredentialRequest(format!("malformed JSON: {e}")))?;
    let configuration = match (
        &request.credential_configuration_id,
        &request.credential_identifier,
    ) {
        (Some(id), None) => id.clone(),
        (None, Some(_)) => {
            return Err(Oid4vciError::InvalidCredentialRequest(
                "this issuer issues no credential_identifier; use credential_configuration_id"
                    .into(),
            )
            .into())
        }
        _ => {
            return Err(Oid4vciError::InvalidCredentialRequest(
                "give exactly one of credential_configuration_id or credential_identifier".into(),
            )
            .into())
        }
    };
    if !grant.configurations.contains(&configuration) {
        return Err(Oid4vciError::UnknownCredentialConfiguration(format!(
            "`{configuration}` was not offered with this access token"
        ))
        .into());
    }
    let proofs = request.jwt_proofs(BATCH_SIZE)?;
    let audience = state.config.origin();
    let mut checked = Vec::with_capacity(proofs.len());
    for p in &proofs {
        checked.push(check_proof(p, audience, now)?);
    }
    let mut nonces: Vec<&str> = Vec::new();
    for c in &checked {
        let n = c.nonce.as_deref().ok_or_else(|| {
            Oid4vciError::InvalidNonce(
                "the proof has no `nonce`: get one from the nonce endpoint".into(),
            )
        })?;
        if !nonces.contains(&n) {
            nonces.push(n);
        }
    }
    for n in nonces {
        if !state.grants.take_nonce(n, now) {
            return Err(Oid4vciError::InvalidNonce(
                "the proof's nonce is unknown, used or expired: get a fresh one from the nonce endpoint"
                    .into(),
            )
            .into());
        }
    }
    let subject = &grant.subject;
    let agency = crate::http::licences::agency(state, &subject.agency)
        .map_err(|_| Oid4vciError::CredentialRequestDenied("the agency no longer exists".into()))?;
    let stored = state
        .pool
        .with(|c| crate::store::credential_by_id(c, &subject.agency, &subject.licence))
        .ok()
        .flatten()
        .ok_or_else(|| {
            Oid4vciError::CredentialRequestDenied("the licence no longer exists".into())
        })?;
    if stored.revoked || stored.suspended {
        return Err(Oid4vciError::CredentialRequestDenied(
            "the licence is revoked or suspended".into(),
        )
        .into());
    }
    let stored_json: Value = serde_json::from_str(&stored.credential).map_err(|_| {
        Oid4vciError::CredentialRequestDenied("the stored licence cannot be read".into())
    })?;
    let mut credentials = Vec::with_capacity(checked.len());
    if configuration == LDP_VC_CONFIGURATION_ID {
        for _ in &checked {
            credentials.push(IssuedCredential {
                credential: stored_json.clone(),
            });
        }
    } else {
        let licence = BusinessLicence::from_credential(&stored_json).map_err(|e| {
            Oid4vciError::CredentialRequestDenied(format!(
                "the stored licence is not a licence: {e}"
            ))
        })?;
        let signed_at = OffsetDateTime::now_utc();
        let key = agency
            .current_key(signed_at, KeyAlgorithm::P256)
            .or_else(|| agency.current_key(signed_at, KeyAlgorithm::Ed25519))
            .ok_or_else(|| {
                Oid4vciError::CredentialRequestDenied("the agency has no valid signing key".into())
            })?;
        let status = match (stored.status_list, stored.status_index) {
            (Some(list), Some(index)) => Some(StatusReference {
                idx: u64::from(index),
                uri: crate::status::token_list_url(&agency.base_url, list),
            }),
            _ => None,
        };
        let mut rng = rand_core::OsRng;
        for c in &checked {
            let options = LicenceVcOptions {
                vct_base: VCT_BASE.into(),
                vct_integrity: type_metadata_of(&subject.type_code).map(|m| m.integrity.clone()),
                kid: key.verification_method.clone(),
                issued_at: signed_at,
                holder_key: Some(c.holder_key),
                status: status.clone(),
                decoys: 2,
            };
            let sd = issue_licence(&licence, &options, &key.signing, &mut rng).map_err(|e| {
                Oid4vciError::CredentialRequestDenied(format!(
                    "cannot issue this licence as an SD-JWT VC: {e}"
                ))
            })?;
            credentials.push(IssuedCredential {
                credential: Value::String(sd.serialize()),
            });
        }
    }
    state
        .writer
        .audit(AuditEntry {
            agency: subject.agency.clone(),
            actor: "wallet".into(),
            action: "oid4vci.credential".into(),
            subject: subject.licence.clone(),
            detail: format!("{} x {configuration}", credentials.len()),
        })
        .await
        .map_err(|_| {
            Oid4vciError::CredentialRequestDenied(
                "the audit log cannot be written; try again".into(),
            )
        })?;
    Ok(no_store(
        serde_json::to_value(CredentialResponse { credentials }).unwrap_or_default(),
    ))
}
