//! The relying-party service (axum): a bank's backend creates requests and
//! reads results; wallets fetch signed request objects and post answers.
//!
//! * `POST /requests` `{"dcql_query"}` → `201 {"id", "request_uri", "uri", "expires_at", "result_page"}`
//! * `GET /requests/{id}` → `{"state", "claims", "checks", "dropped"}`
//! * `GET /requests/{id}/request.jwt` → the request object (`oauth-authz-req+jwt`)
//! * `GET /requests/{id}/qr.png` → the `openid4vp://` link as a QR code
//! * `POST /requests/{id}/response` → the wallet's `direct_post` answer
//! * `POST /response` → the same, for `redirect_uri:` clients (found by `state`)
//! * `GET /requests/{id}/result` → the page in Thai and English
//!
//! Client mistakes get RFC 9457 problem JSON (backend calls) or the
//! OAuth error JSON (wallet calls) with a 4xx; nothing but a fully verified
//! answer is ever recorded as verified.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use elicence_core::keys::SigningKey;
use elicence_verifier::{Outcome, TrustAnchor, TrustBundle, TrustPolicy};
use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::client::{self, ClientId};
use crate::config::{ConfigError, RpConfig};
use crate::dcql::DcqlQuery;
use crate::request::{wallet_link, AuthorizationRequest, DIRECT_POST, DIRECT_POST_JWT};
use crate::response::{verify_vp_token, Decision, Expectation, RpCheck};
use crate::store::{Store, StoredRequest};

/// Largest request body accepted (a `vp_token` with a few credentials).
const MAX_BODY: usize = 1024 * 1024;

struct Bundle {
    path: PathBuf,
    modified: Option<SystemTime>,
    bundle: TrustBundle,
}

/// The running service's state.
pub struct RelyingParty {
    config: RpConfig,
    signer: Option<(SigningKey, Vec<String>)>,
    store: Store,
    anchor: TrustAnchor,
    bundle: RwLock<Bundle>,
    /// Derives each request's response decryption key; memory only.
    response_secret: zeroize::Zeroizing<[u8; 32]>,
}

fn open_bundle(path: &std::path::Path, anchor: &TrustAnchor) -> Result<Bundle, ConfigError> {
    let bytes = std::fs::read(path).map_err(|source| ConfigError::Io {
        path: path.into(),
        source,
    })?;
    let bundle = TrustBundle::open(&bytes, anchor)
        .map_err(|e| ConfigError::Invalid(format!("trust bundle {}: {e}", path.display())))?;
    Ok(Bundle {
        path: path.into(),
        modified: std::fs::metadata(path).and_then(|m| m.modified()).ok(),
        bundle,
    })
}

impl RelyingParty {
    /// Loads keys, certificate, trust bundle and database, checking that
    /// they fit together (the certificate names the client id, the key is
    /// the certificate's).
    pub fn new(config: RpConfig) -> Result<RelyingParty, ConfigError> {
        let signer = match ClientId::parse(&config.client_id)
            .map_err(|e| ConfigError::Invalid(e.to_string()))?
        {
            ClientId::X509SanDns(dns) => {
                let (Some(key_path), Some(cert_path)) = (&config.signing_key, &config.certificate)
                else {
                    return Err(ConfigError::Invalid(
                        "x509_san_dns needs signing_key and certificate".into(),
                    ));
                };
                let pem = RpConfig::read(key_path)?;
                // An encrypted key is opened with $ELICENCE_PASSPHRASE, as the CLI does.
                let secret = pem
                    .contains("ENCRYPTED PRIVATE KEY")
                    .then(|| std::env::var("ELICENCE_PASSPHRASE").ok())
                    .flatten()
                    .map(zeroize::Zeroizing::new);
                let key = SigningKey::from_pkcs8_pem(&pem, secret.as_ref().map(|s| s.as_bytes()))
                    .map_err(|e| ConfigError::Invalid(format!("signing_key: {e}")))?;
                let chain = client::read_pem_chain(&RpConfig::read(cert_path)?)
                    .map_err(|e| ConfigError::Invalid(e.to_string()))?;
                client::check_dns_name(&chain[0], &dns)
                    .map_err(|e| ConfigError::Invalid(e.to_string()))?;
                if client::public_key(&chain[0]).ok() != Some(key.public_key()) {
                    return Err(ConfigError::Invalid(
                        "signing_key is not the certificate's key".into(),
                    ));
                }
                let x5c = client::x5c(&chain).map_err(|e| ConfigError::Invalid(e.to_string()))?;
                Some((key, x5c))
            }
            ClientId::RedirectUri(uri) => {
                let expected = format!("{}/response", config.public_url.trim_end_matches('/'));
                if uri != expected {
                    return Err(ConfigError::Invalid(format!(
                        "a redirect_uri client answers at its public URL: client_id = \"redirect_uri:{expected}\""
                    )));
                }
                None
            }
        };
        let anchor = TrustAnchor {
            root_did: config.root.clone(),
            min_version: config.bundle_min_version,
        };
        let bundle = open_bundle(&config.bundle, &anchor)?;
        if config.response_mode != DIRECT_POST && config.response_mode != DIRECT_POST_JWT {
            return Err(ConfigError::Invalid(format!(
                "response_mode {:?}: direct_post or direct_post.jwt",
                config.response_mode
            )));
        }
        let mut response_secret = zeroize::Zeroizing::new([0u8; 32]);
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, response_secret.as_mut());
        let store = Store::open(&config.database)
            .map_err(|e| ConfigError::Invalid(format!("database: {e}")))?;
        Ok(RelyingParty {
            config,
            signer,
            store,
            anchor,
            bundle: RwLock::new(bundle),
            response_secret,
        })
    }

    /// The axum router.
    pub fn router(self: Arc<Self>) -> Router {
        Router::new()
            .route("/requests", post(create))
            .route("/requests/{id}", get(status))
            .route("/requests/{id}/request.jwt", get(request_object))
            .route("/requests/{id}/qr.png", get(qr))
            .route("/requests/{id}/response", post(response))
            .route("/requests/{id}/result", get(page))
            .route("/response", post(shared_response))
            .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
            .with_state(self)
    }

    fn base(&self) -> &str {
        self.config.public_url.trim_end_matches('/')
    }

    /// The bundle, re-read when its file changed (`elicence bundle refresh`
    /// replaced it); a replacement that does not verify is refused and the
    /// previous bundle kept.
    fn refresh_bundle(&self) {
        let (path, seen) = {
            let b = self.bundle.read().unwrap_or_else(|p| p.into_inner());
            (b.path.clone(), b.modified)
        };
        let now = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
        if now != seen {
            match open_bundle(&path, &self.anchor) {
                Ok(b) => *self.bundle.write().unwrap_or_else(|p| p.into_inner()) = b,
                Err(e) => tracing::error!("keeping the previous trust bundle: {e}"),
            }
        }
    }
}

fn problem(status: StatusCode, detail: impl Into<String>) -> Response {
    let body = json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or("error"),
        "status": status.as_u16(),
        "detail": detail.into(),
    });
    (
        status,
        [(header::CONTENT_TYPE, "application/problem+json")],
        body.to_string(),
    )
        .into_response()
}

fn oauth_error(status: StatusCode, error: &str, description: impl Into<String>) -> Response {
    (
        status,
        Json(json!({"error": error, "error_description": description.into()})),
    )
        .into_response()
}

fn random_id() -> String {
    let mut b = [0u8; 18];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut b);
    URL_SAFE_NO_PAD.encode(b)
}

fn valid_id(id: &str) -> bool {
    id.len() == 24
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

fn server_error(e: impl std::fmt::Display) -> Response {
    tracing::error!("{e}");
    problem(
        StatusCode::INTERNAL_SERVER_ERROR,
        "the service could not complete the request",
    )
}

async fn create(State(rp): State<Arc<RelyingParty>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(token) = &rp.config.api_token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let ok = given.is_some_and(|g| {
            g.len() == token.len()
                && g.bytes()
                    .zip(token.bytes())
                    .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                    == 0
        });
        if !ok {
            return problem(StatusCode::UNAUTHORIZED, "a valid bearer token is required");
        }
    }
    let Ok(Value::Object(body)) = elicence_core::json::parse_strict(&body) else {
        return problem(
            StatusCode::BAD_REQUEST,
            "the body must be a JSON object {\"dcql_query\": …}",
        );
    };
    let Some(dcql) = body.get("dcql_query") else {
        return problem(StatusCode::BAD_REQUEST, "`dcql_query` is missing");
    };
    let query = match DcqlQuery::parse(dcql) {
        Ok(q) => q,
        Err(e) => return problem(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
    };
    let id = random_id();
    let created = now().unix_timestamp();
    let expires = created + rp.config.request_ttl_seconds;
    let base = rp.base();
    let response_uri = match ClientId::parse(&rp.config.client_id) {
        Ok(ClientId::RedirectUri(uri)) => uri,
        _ => format!("{base}/requests/{id}/response"),
    };
    let client_metadata = (rp.config.response_mode == DIRECT_POST_JWT).then(|| {
        let key = crate::jwe::request_key(&rp.response_secret, &id);
        json!({
            "jwks": {"keys": [crate::jwe::public_jwk(&key.public_key(), &id)]},
            "encrypted_response_enc_values_supported": crate::jwe::ENC_VALUES,
        })
    });
    let request = AuthorizationRequest {
        client_id: rp.config.client_id.clone(),
        response_uri,
        response_mode: rp.config.response_mode.clone(),
        client_metadata,
        nonce: random_id(),
        state: random_id(),
        dcql_query: query,
        iat: created,
        exp: expires,
    };
    let object = match &rp.signer {
        Some((key, x5c)) => request.sign(key, x5c),
        None => request.unsigned(),
    };
    let request_uri = format!("{base}/requests/{id}/request.jwt");
    let uri = wallet_link(&rp.config.client_id, &request_uri);
    let stored = StoredRequest {
        id: id.clone(),
        nonce: request.nonce.clone(),
        state: request.state.clone(),
        dcql: dcql.to_string(),
        request_object: object,
        uri: uri.clone(),
        created,
        expires,
        status: "pending".into(),
        result: None,
    };
    if let Err(e) = rp.store.insert(&stored) {
        return server_error(e);
    }
    (
        StatusCode::CREATED,
        Json(json!({
            "id": id,
            "request_uri": request_uri,
            "uri": uri,
            "expires_at": expires,
            "result_page": format!("{base}/requests/{id}/result"),
        })),
    )
        .into_response()
}

#[allow(clippy::result_large_err)] // the error is the response itself, built once
fn load(rp: &RelyingParty, id: &str) -> Result<StoredRequest, Response> {
    if !valid_id(id) {
        return Err(problem(StatusCode::NOT_FOUND, "no such request"));
    }
    match rp.store.get(id) {
        Ok(Some(r)) => Ok(r),
        Ok(None) => Err(problem(StatusCode::NOT_FOUND, "no such request")),
        Err(e) => Err(server_error(e)),
    }
}

fn expired_check() -> RpCheck {
    RpCheck::new(
        "request",
        Outcome::Fail,
        "The request expired before a valid answer arrived.",
        "คำขอหมดอายุก่อนได้รับคำตอบที่ถูกต้อง",
    )
}

/// The backend's view of a request: state, claims, checks.
fn result_json(r: &StoredRequest) -> Value {
    let pending = r.status == "pending" || r.status == "answering";
    if pending && now().unix_timestamp() >= r.expires {
        return json!({"state": "refused", "claims": {}, "checks": [expired_check()], "dropped": []});
    }
    if pending {
        return json!({"state": "pending", "claims": {}, "checks": [], "dropped": []});
    }
    let decision: Value = r
        .result
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or(Value::Null);
    json!({
        "state": r.status,
        "claims": decision.get("claims").cloned().unwrap_or(json!({})),
        "checks": decision.get("checks").cloned().unwrap_or(json!([])),
        "dropped": decision.get("dropped").cloned().unwrap_or(json!([])),
    })
}

async fn status(State(rp): State<Arc<RelyingParty>>, Path(id): Path<String>) -> Response {
    match load(&rp, &id) {
        Ok(r) => Json(result_json(&r)).into_response(),
        Err(e) => e,
    }
}

async fn request_object(State(rp): State<Arc<RelyingParty>>, Path(id): Path<String>) -> Response {
    let r = match load(&rp, &id) {
        Ok(r) => r,
        Err(e) => return e,
    };
    if r.status != "pending" {
        return problem(StatusCode::GONE, "this request was already answered");
    }
    if now().unix_timestamp() >= r.expires {
        return problem(StatusCode::GONE, "this request expired");
    }
    (
        [(header::CONTENT_TYPE, "application/oauth-authz-req+jwt")],
        r.request_object,
    )
        .into_response()
}

async fn qr(State(rp): State<Arc<RelyingParty>>, Path(id): Path<String>) -> Response {
    let r = match load(&rp, &id) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let options = elicence_qr_image::RenderOptions {
        ec: elicence_qr_image::EcLevel::M,
        ..Default::default()
    };
    match elicence_qr_image::render_png(&r.uri, &options) {
        Ok(png) => ([(header::CONTENT_TYPE, "image/png")], png).into_response(),
        Err(e) => server_error(e),
    }
}

async fn response(
    State(rp): State<Arc<RelyingParty>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    answer(rp, id, body).await
}

/// `POST /response`: the one response URI of a `redirect_uri:` client; the
/// request is found by its `state` (or, encrypted, by the JWE's `kid`).
async fn shared_response(State(rp): State<Arc<RelyingParty>>, body: Bytes) -> Response {
    let mut id = None;
    for (k, v) in form_urlencoded::parse(&body) {
        match k.as_ref() {
            "state" => match rp.store.id_by_state(&v) {
                Ok(found) => id = found,
                Err(e) => return server_error(e),
            },
            "response" => {
                id = v
                    .split('.')
                    .next()
                    .and_then(|h| URL_SAFE_NO_PAD.decode(h).ok())
                    .and_then(|h| serde_json::from_slice::<Value>(&h).ok())
                    .and_then(|h| h.get("kid").and_then(Value::as_str).map(str::to_owned))
            }
            _ => {}
        }
    }
    match id {
        Some(id) => answer(rp, id, body).await,
        None => oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "no request has this state",
        ),
    }
}

async fn answer(rp: Arc<RelyingParty>, id: String, body: Bytes) -> Response {
    let r = match load(&rp, &id) {
        Ok(r) => r,
        Err(_) => return oauth_error(StatusCode::NOT_FOUND, "invalid_request", "no such request"),
    };
    let mut vp_token = None;
    let mut state = None;
    let mut error = None;
    let mut encrypted = None;
    for (k, v) in form_urlencoded::parse(&body) {
        match k.as_ref() {
            "vp_token" => vp_token = Some(v.into_owned()),
            "state" => state = Some(v.into_owned()),
            "error" => error = Some(v.into_owned()),
            "response" => encrypted = Some(v.into_owned()),
            _ => {}
        }
    }
    if rp.config.response_mode == DIRECT_POST_JWT {
        // Only the encrypted form counts; anything else is ignored.
        let Some(jwe) = encrypted else {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "this request asks for an encrypted response (direct_post.jwt)",
            );
        };
        let key = crate::jwe::request_key(&rp.response_secret, &id);
        let payload = match crate::jwe::decrypt(&jwe, &key) {
            Ok(p) => p,
            Err(e) => {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", e.to_string())
            }
        };
        vp_token = payload.get("vp_token").map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        });
        state = payload
            .get("state")
            .and_then(Value::as_str)
            .map(str::to_owned);
        error = payload
            .get("error")
            .and_then(Value::as_str)
            .map(str::to_owned);
    }
    if state.as_deref() != Some(r.state.as_str()) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the state does not match this request: the answer is for another request",
        );
    }
    let expired = now().unix_timestamp() >= r.expires;
    match rp.store.claim(&id) {
        Ok(true) => {}
        Ok(false) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "this request was already answered: a replayed or second answer is refused",
            )
        }
        Err(e) => return server_error(e),
    }
    let decision = if expired {
        Decision::refused(expired_check())
    } else if let Some(error) = error {
        Decision::refused(RpCheck::new(
            "holder-declined",
            Outcome::Fail,
            format!("The holder's wallet declined ({error})."),
            format!("กระเป๋าของผู้ถือปฏิเสธ ({error})"),
        ))
    } else if let Some(vp_token) = vp_token {
        judge(&rp, &r, &vp_token)
    } else {
        Decision::refused(RpCheck::new(
            "vp-token",
            Outcome::Fail,
            "The answer has no vp_token.",
            "คำตอบไม่มี vp_token",
        ))
    };
    let status = if decision.verified {
        "verified"
    } else {
        "refused"
    };
    let mut consumed = decision.consumed.clone();
    consumed.push(r.nonce.clone());
    let result = serde_json::to_string(&decision).unwrap_or_default();
    if let Err(e) = rp.store.finish(&id, status, &result, &consumed) {
        return server_error(e);
    }
    if let Some(url) = rp.config.webhook.clone() {
        if let Ok(Some(done)) = rp.store.get(&id) {
            let mut body = result_json(&done);
            body["id"] = json!(id);
            let secret = rp.config.webhook_secret.clone();
            tokio::task::spawn_blocking(move || notify(&url, secret.as_deref(), &body.to_string()));
        }
    }
    if decision.verified {
        Json(json!({"redirect_uri": format!("{}/requests/{id}/result", rp.base())})).into_response()
    } else {
        oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the presentation was refused; the relying party has the reasons",
        )
    }
}

/// `sha256=<hex>` HMAC of `body` under `secret`: the webhook's signature.
pub fn webhook_signature(secret: &str, body: &str) -> String {
    use hmac::Mac as _;
    let mut mac = match hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Delivers a result to the webhook: three attempts, then logged.
fn notify(url: &str, secret: Option<&str>, body: &str) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(10)))
        .build()
        .into();
    for attempt in 1..=3u32 {
        let mut req = agent.post(url).header("content-type", "application/json");
        if let Some(secret) = secret {
            req = req.header("x-elicence-signature", &webhook_signature(secret, body));
        }
        match req.send(body) {
            Ok(_) => return,
            Err(e) => {
                tracing::warn!("webhook {url}, attempt {attempt}: {e}");
                std::thread::sleep(std::time::Duration::from_secs(u64::from(attempt)));
            }
        }
    }
    tracing::error!("webhook {url}: gave up after 3 attempts");
}

fn judge(rp: &RelyingParty, r: &StoredRequest, vp_token: &str) -> Decision {
    let query = match serde_json::from_str::<Value>(&r.dcql)
        .ok()
        .and_then(|v| DcqlQuery::parse(&v).ok())
    {
        Some(q) => q,
        None => {
            return Decision::refused(RpCheck::new(
                "request",
                Outcome::Fail,
                "The stored query is unreadable.",
                "อ่านคำขอที่บันทึกไว้ไม่ได้",
            ))
        }
    };
    let mut seen = std::collections::BTreeSet::new();
    match rp.store.nonce_used(&r.nonce) {
        Ok(false) => {}
        _ => {
            seen.insert(r.nonce.clone());
        }
    }
    rp.refresh_bundle();
    let bundle = rp.bundle.read().unwrap_or_else(|p| p.into_inner());
    let policy = TrustPolicy {
        max_status_age: time::Duration::days(rp.config.max_status_age_days),
        ..TrustPolicy::default()
    };
    let expect = Expectation {
        query: &query,
        nonce: &r.nonce,
        client_id: &rp.config.client_id,
        seen_nonces: seen,
    };
    verify_vp_token(vp_token, &expect, &bundle.bundle, now(), &policy)
}

async fn page(State(rp): State<Arc<RelyingParty>>, Path(id): Path<String>) -> Response {
    let r = match load(&rp, &id) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let result = result_json(&r);
    let html = crate::page::render(&id, &r.uri, &result);
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response()
}

/// Serves `config` until the process ends, on a runtime of its own (the
/// command line's entry point); `on_bound` receives the bound address
/// (port 0 picks a free one). Without `public_url`, the service calls
/// itself `http://<bound address>` (development).
pub fn serve(
    mut config: RpConfig,
    on_bound: impl FnOnce(std::net::SocketAddr),
) -> Result<(), ConfigError> {
    let listener = std::net::TcpListener::bind(&config.listen)
        .map_err(|e| ConfigError::Invalid(format!("listen {}: {e}", config.listen)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| ConfigError::Invalid(e.to_string()))?;
    if config.public_url.is_empty() {
        config.public_url = format!("http://{addr}");
    }
    let rp = Arc::new(RelyingParty::new(config)?);
    listener
        .set_nonblocking(true)
        .map_err(|e| ConfigError::Invalid(e.to_string()))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| ConfigError::Invalid(e.to_string()))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| ConfigError::Invalid(e.to_string()))?;
        on_bound(addr);
        serve_listener(listener, rp)
            .await
            .map_err(|e| ConfigError::Invalid(e.to_string()))
    })
}

/// Serves an already constructed relying party on a bound listener (tests,
/// and callers that bind port 0 before knowing their public URL).
pub async fn serve_listener(
    listener: tokio::net::TcpListener,
    rp: Arc<RelyingParty>,
) -> std::io::Result<()> {
    axum::serve(listener, rp.router()).await
}
