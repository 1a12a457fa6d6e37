//! Public endpoints for SD-JWT VC verifiers and wallets: the IETF Token
//! Status List of each agency, the Type Metadata of each licence type, and
//! JWT VC Issuer Metadata (the agency's keys as a JWK Set).

use std::sync::{Arc, OnceLock};

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use elicence_sd_jwt::type_metadata::{catalogue_type_metadata, TypeMetadata, VCT_BASE};
use serde_json::{json, Value};

use crate::http::licences::agency;
use crate::http::problem::Problem;
use crate::server::AppState;

type St = State<Arc<AppState>>;

/// The central licence catalogue the service was built with: the source of
/// every `vct` and Type Metadata document it serves.
pub const CATALOGUE: &str = include_str!("../../../catalogue/licence-catalogue.json");

/// Type Metadata of every catalogue licence type, generated once.
pub fn type_metadata() -> &'static [TypeMetadata] {
    static ALL: OnceLock<Vec<TypeMetadata>> = OnceLock::new();
    ALL.get_or_init(|| {
        serde_json::from_str::<Value>(CATALOGUE)
            .ok()
            .and_then(|c| catalogue_type_metadata(VCT_BASE, &c).ok())
            .unwrap_or_default()
    })
}

/// The Type Metadata of licence type `code`, if the catalogue has it.
pub fn type_metadata_of(code: &str) -> Option<&'static TypeMetadata> {
    let vct = elicence_sd_jwt::type_metadata::vct_for(VCT_BASE, code);
    type_metadata().iter().find(|m| m.vct == vct)
}

/// `GET /agencies/{code}/status/token/{list}`: the agency's IETF Token
/// Status List as `application/statuslist+jwt`, with a strong ETag and a
/// Cache-Control max-age of what remains of the TTL.
pub async fn token_status_list(
    state: &AppState,
    headers: &HeaderMap,
    code: &str,
    list: &str,
) -> Result<Response, Problem> {
    let agency = agency(state, code)?;
    let list: u32 = list
        .parse()
        .map_err(|_| Problem::not_found("the list number must be a positive integer"))?;
    let published = state
        .publisher
        .get_token(&state.pool, &agency, list)
        .map_err(Problem::from)?
        .ok_or_else(|| Problem::not_found(format!("no token status list {list}")))?;
    let remaining = state
        .publisher
        .ttl()
        .saturating_sub(published.built.elapsed())
        .as_secs();
    let etag_matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim() == published.etag || t.trim() == "*")
        });
    let mut resp = if etag_matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = (StatusCode::OK, published.body.as_str().to_string()).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/statuslist+jwt"),
        );
        r
    };
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&published.etag) {
        h.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("public, max-age={remaining}")) {
        h.insert(header::CACHE_CONTROL, v);
    }
    Ok(resp)
}

/// `GET /vct/{code}`: the SD-JWT VC Type Metadata of a licence type, the
/// exact bytes whose SRI the credentials carry in `vct#integrity`.
#[utoipa::path(get, path = "/vct/{code}", tag = "public", params(("code" = String, Path, description = "Licence type code")), responses((status = 200, description = "SD-JWT VC Type Metadata"), (status = 404, description = "Not in the catalogue")))]
pub async fn vct_metadata(Path(code): Path<String>) -> Result<Response, Problem> {
    let metadata = type_metadata_of(&code)
        .ok_or_else(|| Problem::not_found(format!("no licence type `{code}`")))?;
    let mut resp = (StatusCode::OK, metadata.bytes.clone()).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    Ok(resp)
}

/// `GET /.well-known/jwt-vc-issuer/agencies/{code}`: JWT VC Issuer
/// Metadata (`issuer` and a JWK Set of every key the agency ever signed
/// with, `kid` = the verification method its JWTs name).
#[utoipa::path(get, path = "/.well-known/jwt-vc-issuer/agencies/{code}", tag = "public", params(("code" = String, Path, description = "Agency code")), responses((status = 200, description = "JWT VC Issuer Metadata: issuer and jwks"), (status = 404, description = "No such agency")))]
pub async fn jwt_vc_issuer(
    State(state): St,
    Path(code): Path<String>,
) -> Result<Response, Problem> {
    let agency = agency(&state, &code)?;
    let issuer =
        elicence_sd_jwt::vc::issuer_for_did(&agency.did).map_err(|e| Problem::internal(&e))?;
    let keys: Vec<Value> = agency
        .keys
        .iter()
        .map(|k| {
            let mut jwk = k.public.to_jwk();
            if let Some(map) = jwk.as_object_mut() {
                map.insert("kid".into(), Value::from(k.verification_method.clone()));
            }
            jwk
        })
        .collect();
    let mut resp = axum::Json(json!({"issuer": issuer, "jwks": {"keys": keys}})).into_response();
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    Ok(resp)
}
