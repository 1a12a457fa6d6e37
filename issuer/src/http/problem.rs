//! RFC 9457 problem details: every error response is `application/problem+json`
//! with a stable `type` URI, so clients can branch on it.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use crate::error::IssuerError;
use crate::issue::IssueError;

/// Base of our problem type URIs (documented in docs/issuer.md).
pub const PROBLEM_BASE: &str = "https://w3id.org/elicence/problems#";

/// An error response.
#[derive(Debug, Clone)]
pub struct Problem {
    /// HTTP status.
    pub status: StatusCode,
    /// Short machine name, appended to [`PROBLEM_BASE`].
    pub kind: &'static str,
    /// Human title.
    pub title: &'static str,
    /// Details for this occurrence.
    pub detail: String,
    /// Extension members (e.g. `field`, `errors`).
    pub extra: Vec<(String, Value)>,
}

impl Problem {
    /// A problem without extensions.
    pub fn new(
        status: StatusCode,
        kind: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Problem {
        Problem {
            status,
            kind,
            title,
            detail: detail.into(),
            extra: Vec::new(),
        }
    }

    /// Adds an extension member.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Problem {
        self.extra.push((key.to_string(), value.into()));
        self
    }

    /// 400: the request is malformed.
    pub fn bad_request(detail: impl Into<String>) -> Problem {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "bad-request",
            "Malformed request",
            detail,
        )
    }

    /// 422: well-formed but not acceptable; `field` names the member.
    pub fn invalid(field: &str, detail: impl Into<String>) -> Problem {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-data",
            "Invalid data",
            detail,
        )
        .with("field", field)
    }

    /// 404.
    pub fn not_found(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::NOT_FOUND, "not-found", "Not found", detail)
    }

    /// 401: missing or unknown token.
    pub fn unauthorized(detail: impl Into<String>) -> Problem {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Authentication required",
            detail,
        )
    }

    /// 403: the token may not do this.
    pub fn forbidden(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::FORBIDDEN, "forbidden", "Not allowed", detail)
    }

    /// 409.
    pub fn conflict(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::CONFLICT, "conflict", "Conflict", detail)
    }

    /// 500: our fault; the detail is logged, not returned.
    pub fn internal(error: &dyn std::fmt::Display) -> Problem {
        tracing::error!(error = %error, "internal error");
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            "the service failed; see its logs (request id in the x-request-id header)",
        )
    }

    /// The JSON body.
    pub fn body(&self) -> Value {
        let mut body = Map::new();
        body.insert("type".into(), json!(format!("{PROBLEM_BASE}{}", self.kind)));
        body.insert("title".into(), json!(self.title));
        body.insert("status".into(), json!(self.status.as_u16()));
        body.insert("detail".into(), json!(self.detail));
        for (k, v) in &self.extra {
            body.insert(k.clone(), v.clone());
        }
        Value::Object(body)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.body()).unwrap_or_default();
        let mut resp = (self.status, body).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            // Transient by definition: another instance, or this one in a
            // moment, will take the retry (same idempotent request).
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"elicence\""),
            );
        }
        resp
    }
}

impl From<IssuerError> for Problem {
    fn from(e: IssuerError) -> Problem {
        match e {
            IssuerError::NoValidKey(code) => Problem::new(
                StatusCode::CONFLICT,
                "no-signing-key",
                "No signing key",
                format!("agency `{code}` has no signing key valid now"),
            ),
            IssuerError::UnknownAgency(code) => Problem::not_found(format!("no agency `{code}`")),
            IssuerError::WriterStopped => Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "Unavailable",
                "this instance is shutting down; retry the same request",
            ),
            IssuerError::Unavailable(reason) => {
                tracing::warn!(%reason, "database unavailable");
                Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "Unavailable",
                    "the database is unavailable for the moment; retry the same request \
                     (issuance is idempotent)",
                )
            }
            IssuerError::Hsm(_)
            | IssuerError::HsmSession(_)
            | IssuerError::Proof(elicence_core::proof::ProofError::Signing(_)) => {
                tracing::error!(error = %e, "signing device unavailable");
                Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "signing-unavailable",
                    "Signing unavailable",
                    "the agency's signing device is unavailable for the moment; retry the same \
                     request (issuance is idempotent)",
                )
            }
            other => Problem::internal(&other),
        }
    }
}

impl From<IssueError> for Problem {
    fn from(e: IssueError) -> Problem {
        match e {
            IssueError::Invalid { field, reason } => Problem::invalid(&field, reason),
            IssueError::Unsecurable {
                field,
                code,
                reason,
            } => Problem::invalid(&field, reason).with("code", code),
            IssueError::Reserved { field, reason } => Problem::new(
                StatusCode::FORBIDDEN,
                "reserved",
                "Only the service signs this",
                format!("{field}: {reason}"),
            )
            .with("field", field),
            IssueError::Conflict { id } => Problem::conflict(format!(
                "a different credential already exists with this licence number or id: {id}"
            ))
            .with("id", id),
            IssueError::NoKey(suite) => Problem::new(
                StatusCode::CONFLICT,
                "no-signing-key",
                "No signing key",
                format!("the agency has no key valid now for {suite}"),
            ),
            IssueError::Internal(e) => e.into(),
        }
    }
}
