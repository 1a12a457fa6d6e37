//! Public endpoints: DID documents, status lists, health, metrics, OpenAPI.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::http::licences::agency;
use crate::http::negotiate::{choose_among, Representation, STATUS_LIST_OFFERS};
use crate::http::problem::Problem;
use crate::server::AppState;
use crate::status::Purpose;

type St = State<Arc<AppState>>;

/// `GET /agencies/{code}/did.json`: the agency's did:web document, listing
/// every key it ever signed with (so old credentials stay verifiable).
#[utoipa::path(get, path = "/agencies/{code}/did.json", tag = "public",
    params(("code" = String, Path, description = "Agency code")),
    responses((status = 200, description = "DID document"), (status = 404, description = "No such agency")))]
pub async fn did_document(State(state): St, Path(code): Path<String>) -> Result<Response, Problem> {
    let agency = agency(&state, &code)?;
    let document = agency.did_document.clone().ok_or_else(|| {
        Problem::not_found(format!(
            "agency `{code}` is identified by {}: its DID document is derived from the DID itself",
            agency.did
        ))
    })?;
    let mut resp = axum::Json(document).into_response();
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    Ok(resp)
}

/// `GET /agencies/{code}/status/{purpose}/{list}`: a signed
/// BitstringStatusListCredential as `application/vc` (default),
/// `application/ld+json` or `application/json` by `Accept` (406 otherwise),
/// with a strong ETag per representation and a Cache-Control max-age of
/// what remains of the TTL.
#[utoipa::path(get, path = "/agencies/{code}/status/{purpose}/{list}", tag = "public",
    params(("code" = String, Path, description = "Agency code"), ("purpose" = String, Path, description = "revocation or suspension"), ("list" = u32, Path, description = "List number")),
    responses((status = 200, description = "Status list credential: application/vc, application/ld+json or application/json by Accept"), (status = 304, description = "Not modified (If-None-Match)"), (status = 404, description = "No such list"), (status = 406, description = "No acceptable representation")))]
pub async fn status_list(
    State(state): St,
    headers: HeaderMap,
    Path((code, purpose, list)): Path<(String, String, String)>,
) -> Result<Response, Problem> {
    if purpose == "token" {
        return crate::http::sdjwt::token_status_list(&state, &headers, &code, &list).await;
    }
    let rep = choose_among(&headers, &STATUS_LIST_OFFERS).ok_or_else(|| {
        Problem::new(
            StatusCode::NOT_ACCEPTABLE,
            "not-acceptable",
            "Not acceptable",
            "available: application/vc, application/ld+json, application/json",
        )
    })?;
    let agency = agency(&state, &code)?;
    let purpose: Purpose = purpose.parse().map_err(Problem::not_found)?;
    let list: u32 = list
        .parse()
        .map_err(|_| Problem::not_found("the list number must be a positive integer"))?;
    let published = state
        .publisher
        .get(&state.pool, &agency, purpose, list)
        .map_err(Problem::from)?
        .ok_or_else(|| Problem::not_found(format!("no {purpose} list {list}")))?;
    let remaining = state
        .publisher
        .ttl()
        .saturating_sub(published.built.elapsed())
        .as_secs();
    let cache = format!("public, max-age={remaining}");
    // Same bytes, different Content-Type: a strong validator per representation.
    let etag = match rep {
        Representation::Vc => published.etag.clone(),
        other => {
            let suffix = match other {
                Representation::JsonLd => "jsonld",
                _ => "json",
            };
            format!("{}.{suffix}\"", published.etag.trim_end_matches('"'))
        }
    };
    let etag_matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut resp = if etag_matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (StatusCode::OK, published.body.as_str().to_string()).into_response()
    };
    let h = resp.headers_mut();
    if !etag_matches {
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(rep.media_type()),
        );
    }
    h.insert(header::VARY, HeaderValue::from_static("Accept"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&cache) {
        h.insert(header::CACHE_CONTROL, v);
    }
    Ok(resp)
}

/// `GET /healthz`: 200 when the database answers reads and accepts a write
/// (a probe row committed through the writer, within 3 s); 503 otherwise
/// (read-only or full disk, a lock held by another process), so a load
/// balancer stops sending work to an instance whose every write would fail.
#[utoipa::path(get, path = "/healthz", tag = "ops", responses((status = 200, description = "Healthy"), (status = 503, description = "Database unavailable or not writable")))]
pub async fn healthz(State(state): St) -> Response {
    let unavailable = |detail: &str| {
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Unavailable",
            detail.to_string(),
        )
        .into_response()
    };
    if let Err(e) = state
        .pool
        .with(|c| c.query_one("SELECT 1", crate::db_params![])?.get::<i64>(0))
    {
        tracing::error!(error = %e, "health check failed");
        return unavailable("the database does not answer");
    }
    match tokio::time::timeout(std::time::Duration::from_secs(3), state.writer.probe()).await {
        Ok(Ok(())) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({"status": "ok"})),
        )
            .into_response(),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "health check: the database cannot be written");
            unavailable("the database cannot be written")
        }
        Err(_) => {
            tracing::error!("health check: a write did not commit within 3 s");
            unavailable("the database does not accept writes in time")
        }
    }
}

/// `GET /metrics`: Prometheus text format, for a token with the `metrics`
/// scope (the counts are business data: how many licences each day).
#[utoipa::path(get, path = "/metrics", tag = "ops",
    responses((status = 200, description = "Prometheus text exposition"), (status = 401, description = "No valid token"), (status = 403, description = "Token lacks the metrics scope")),
    security(("bearer" = [])))]
pub async fn metrics(State(state): St, headers: HeaderMap) -> Result<Response, Problem> {
    let caller = crate::http::auth::authenticate(&state, &headers)?;
    caller.require(crate::admin::Scope::Metrics)?;
    Ok(metrics_text(&state))
}

/// `GET /metrics` on the separate metrics listener (`metrics.listen`): no token.
pub async fn metrics_open(State(state): St) -> Response {
    metrics_text(&state)
}

fn metrics_text(state: &AppState) -> Response {
    let mut resp = state.metrics.render().into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4"),
    );
    resp
}

/// `GET /openapi.json`: generated from the handlers' annotations.
pub async fn openapi() -> Response {
    axum::Json(crate::http::openapi_document()).into_response()
}
