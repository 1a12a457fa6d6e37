//! The HTTP interface: routes, middleware (request ids, size limits, logs,
//! metrics) and the generated OpenAPI document.

pub mod auth;
pub mod body;
pub mod inspector;
pub mod licences;
pub mod negotiate;
pub mod oid4vci;
pub mod pdf;
pub mod problem;
pub mod public;
pub mod sdjwt;
pub mod vcapi;

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;

use crate::http::problem::Problem;
use crate::server::AppState;

/// The request id header, set on every response.
pub const REQUEST_ID: &str = "x-request-id";

#[derive(Clone, Copy, Default)]
struct RandomRequestId;

impl MakeRequestId for RandomRequestId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        HeaderValue::from_str(&crate::crypto::random_id())
            .ok()
            .map(RequestId::new)
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "elicence issuer", description = "Agencies issue, revoke and publish business licence credentials."),
    paths(
        licences::post_licence, licences::post_batch, licences::get_licence, licences::post_status,
        vcapi::issue_credential, vcapi::verify_credential_endpoint, vcapi::verify_presentation, vcapi::update_status,
        public::did_document, public::status_list, public::healthz, public::metrics,
        sdjwt::vct_metadata, sdjwt::jwt_vc_issuer,
        oid4vci::issuer_metadata, oid4vci::authorization_server_metadata, oid4vci::get_offer,
        oid4vci::token, oid4vci::nonce, oid4vci::credential
    ),
    modifiers(&BearerAuth),
    tags((name = "licences"), (name = "vc-api"), (name = "public"), (name = "ops"), (name = "oid4vci"))
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI 3 document of the service.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

async fn record_metrics(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let resp = next.run(req).await;
    state
        .metrics
        .response(resp.status().as_u16(), start.elapsed());
    resp
}

/// Longest request target (path and query) the service reads: longer is a
/// 414 problem. Licence IRIs are far shorter; 8 KiB is the common server limit.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// Every error response is a problem: a request target over
/// [`MAX_URI_BYTES`] is refused with 414, and an error the framework
/// answers in plain text (a path that is not UTF-8 once percent-decoded, a
/// missing file under `/inspect/`) is turned into `application/problem+json`
/// with the same status.
async fn problems_only(req: Request, next: Next) -> Response {
    let target_len = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    if target_len > MAX_URI_BYTES {
        return Problem::new(
            StatusCode::URI_TOO_LONG,
            "uri-too-long",
            "URI too long",
            format!("the request target exceeds {MAX_URI_BYTES} bytes"),
        )
        .into_response();
    }
    let resp = next.run(req).await;
    let status = resp.status();
    let is_problem = resp
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    // The console answers people with HTML pages, errors included.
    let is_page = resp
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    // OpenID4VCI refusals are the protocol's own error JSON.
    let is_protocol_error = resp
        .extensions()
        .get::<oid4vci::ProtocolErrorBody>()
        .is_some();
    if !(status.is_client_error() || status.is_server_error())
        || is_problem
        || is_page
        || is_protocol_error
    {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let text = axum::body::to_bytes(body, 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let (kind, title) = match status {
        StatusCode::BAD_REQUEST => ("bad-request", "Malformed request"),
        StatusCode::NOT_FOUND => ("not-found", "Not found"),
        StatusCode::METHOD_NOT_ALLOWED => ("method-not-allowed", "Method not allowed"),
        StatusCode::PAYLOAD_TOO_LARGE => ("too-large", "Request too large"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported-media-type", "Unsupported media type"),
        StatusCode::UNPROCESSABLE_ENTITY => ("invalid-data", "Invalid data"),
        s if s.is_server_error() => ("internal", "Internal error"),
        s => ("http-error", s.canonical_reason().unwrap_or("Error")),
    };
    let detail = if text.is_empty() {
        title.to_ascii_lowercase()
    } else {
        text
    };
    let mut problem = Problem::new(status, kind, title, detail).into_response();
    for (name, value) in &parts.headers {
        if name != axum::http::header::CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
            problem.headers_mut().insert(name.clone(), value.clone());
        }
    }
    problem
}

async fn not_found() -> Problem {
    Problem::not_found("no such resource")
}

async fn method_not_allowed() -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "Method not allowed",
        "this resource does not support that method",
    )
}

/// The service's router over `state`.
pub fn router(state: Arc<AppState>) -> Router {
    let request_id = HeaderName::from_static(REQUEST_ID);
    let mut routes = Router::new();
    if state.inspector.is_some() {
        // The inspector's URLs are relative, so `/inspect` must end in a slash.
        routes = routes
            .route(
                "/inspect",
                get(|| async { axum::response::Redirect::permanent("/inspect/") }),
            )
            .route("/inspect/", get(inspector::index))
            .route("/inspect/{*path}", get(inspector::asset));
    }
    routes
        .merge(crate::console::router())
        .route("/licences", post(licences::post_licence))
        .route("/licences:batch", post(licences::post_batch))
        .route("/agencies/{code}/did.json", get(public::did_document))
        .route(
            "/agencies/{code}/licences/{type}/{number}",
            get(licences::get_licence),
        )
        .route(
            "/agencies/{code}/licences/{type}/{number}/{action}",
            post(licences::post_status),
        )
        .route(
            "/agencies/{code}/status/{purpose}/{list}",
            get(public::status_list),
        )
        .route("/credentials/issue", post(vcapi::issue_credential))
        .route("/credentials/verify", post(vcapi::verify_credential_endpoint))
        .route("/credentials/status", post(vcapi::update_status))
        .route("/presentations/verify", post(vcapi::verify_presentation))
        .route("/vct/{code}", get(sdjwt::vct_metadata))
        .route(
            "/.well-known/openid-credential-issuer",
            get(oid4vci::issuer_metadata),
        )
        .route(
            "/.well-known/oauth-authorization-server",
            get(oid4vci::authorization_server_metadata),
        )
        .route("/oid4vci/offers/{id}", get(oid4vci::get_offer))
        .route("/oid4vci/token", post(oid4vci::token))
        .route("/oid4vci/nonce", post(oid4vci::nonce))
        .route("/oid4vci/credential", post(oid4vci::credential))
        .route(
            "/.well-known/jwt-vc-issuer/agencies/{code}",
            get(sdjwt::jwt_vc_issuer),
        )
        .route("/healthz", get(public::healthz))
        .route("/metrics", get(public::metrics))
        .route("/openapi.json", get(public::openapi))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn(problems_only))
        .layer(middleware::from_fn_with_state(state.clone(), record_metrics))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                let id = req
                    .headers()
                    .get(REQUEST_ID)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                // Method, path and request id only: never headers (tokens) or bodies.
                tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
            }),
        )
        .layer(SetRequestIdLayer::new(request_id, RandomRequestId))
        .with_state(state)
}

/// The router of the separate metrics listener: `/metrics` (no token) and
/// `/healthz`, nothing else.
pub fn metrics_router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/metrics", get(public::metrics_open))
        .route("/healthz", get(public::healthz))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

/// Wraps a problem for handlers that return `impl IntoResponse`.
pub fn problem_response(p: Problem) -> Response {
    p.into_response()
}
