//! Request bodies: size-limited, content-type checked, strictly parsed JSON
//! (duplicate member names refused), each failure a problem with the right 4xx.

use axum::body::Body;
use axum::http::{header, HeaderMap, StatusCode};
use elicence_core::json::{parse_strict_with_limits, JsonError, Limits};
use serde_json::Value;

use crate::http::problem::Problem;

/// Whether a media type is JSON (`application/json` or `…+json`).
pub fn is_json(media: &str) -> bool {
    let m = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
}

/// The request's media type (without parameters), lowercase.
pub fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default()
}

/// 413 for bodies over the limit.
pub fn too_large(limit: usize) -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too-large",
        "Request too large",
        format!("the request body exceeds {limit} bytes"),
    )
}

/// Reads the whole body, refusing more than `limit` bytes. An oversized body
/// is refused as soon as it is known (from `Content-Length`, or once `limit`
/// bytes arrived); the connection then closes with a lingering close (see
/// `crate::conn`), so the client still reads the 413.
pub async fn read_limited(body: Body, limit: usize) -> Result<axum::body::Bytes, Problem> {
    use axum::body::HttpBody;
    use futures_util::StreamExt;
    if body.size_hint().lower() > limit as u64 {
        return Err(too_large(limit));
    }
    let mut stream = body.into_data_stream();
    let mut buf = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk
            .map_err(|e| Problem::bad_request(format!("cannot read the request body: {e}")))?;
        if buf.len().saturating_add(chunk.len()) > limit {
            return Err(too_large(limit));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.into())
}

/// Reads a JSON request body (415 for other media types, 413 over `limit`,
/// 400 for malformed JSON).
pub async fn read_json(headers: &HeaderMap, body: Body, limit: usize) -> Result<Value, Problem> {
    let ct = content_type(headers);
    if !ct.is_empty() && !is_json(&ct) {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            format!("send application/json, not {ct}"),
        ));
    }
    let bytes = read_limited(body, limit).await?;
    parse_json(&bytes, limit)
}

/// Strictly parses JSON bytes.
pub fn parse_json(bytes: &[u8], limit: usize) -> Result<Value, Problem> {
    parse_strict_with_limits(
        bytes,
        Limits {
            max_bytes: limit,
            max_depth: 64,
        },
    )
    .map_err(|e| match e {
        JsonError::TooLarge { .. } => too_large(limit),
        other => Problem::bad_request(other.to_string()),
    })
}
