//! The wallet's HTTP: https everywhere, plain http only to this machine
//! (`127.0.0.1`, `localhost`, `[::1]`) for local development; no redirects,
//! a timeout and a size limit on every answer.

use std::time::Duration;

use serde_json::Value;

use crate::error::WalletError;

/// Largest answer read (a batch of credentials fits easily).
pub const MAX_RESPONSE_BYTES: u64 = 4 << 20;

/// Whether the wallet may send requests to `url`.
pub fn allowed(url: &str) -> bool {
    if url.starts_with("https://") {
        return true;
    }
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return false;
    }
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']')
            .next()
            .map(|h| format!("[{h}]"))
            .unwrap_or_default()
    } else {
        authority.split(':').next().unwrap_or("").to_owned()
    };
    matches!(host.as_str(), "127.0.0.1" | "localhost" | "[::1]")
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .max_redirects(0)
        .http_status_as_error(false)
        .build()
        .into()
}

/// An answer: status and JSON body (Null when not JSON).
#[derive(Debug)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// The body as JSON.
    pub body: Value,
}

fn finish(
    url: &str,
    r: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> Result<Answer, WalletError> {
    let mut r = r.map_err(|e| WalletError::Http {
        url: url.to_owned(),
        reason: e.to_string(),
    })?;
    let status = r.status().as_u16();
    let bytes = r
        .body_mut()
        .with_config()
        .limit(MAX_RESPONSE_BYTES)
        .read_to_vec()
        .map_err(|e| WalletError::Http {
            url: url.to_owned(),
            reason: e.to_string(),
        })?;
    Ok(Answer {
        status,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    })
}

fn check(url: &str) -> Result<(), WalletError> {
    if allowed(url) {
        Ok(())
    } else {
        Err(WalletError::Insecure(url.to_owned()))
    }
}

/// GET a JSON document.
pub fn get_json(url: &str) -> Result<Answer, WalletError> {
    check(url)?;
    finish(
        url,
        agent().get(url).header("Accept", "application/json").call(),
    )
}

/// POST a form.
pub fn post_form(url: &str, fields: &[(&str, &str)]) -> Result<Answer, WalletError> {
    check(url)?;
    finish(url, agent().post(url).send_form(fields.iter().copied()))
}

/// POST JSON (or nothing), with an optional bearer token.
pub fn post_json(
    url: &str,
    body: Option<&Value>,
    bearer: Option<&str>,
) -> Result<Answer, WalletError> {
    check(url)?;
    let mut req = agent().post(url).header("Accept", "application/json");
    if let Some(token) = bearer {
        req = req.header("Authorization", format!("Bearer {token}"));
    }
    let r = match body {
        Some(b) => req
            .header("Content-Type", "application/json")
            .send(b.to_string()),
        None => req.send_empty(),
    };
    finish(url, r)
}

#[cfg(test)]
mod tests {
    use super::allowed;

    #[test]
    fn plain_http_only_to_this_machine() {
        assert!(allowed("https://licence.example.go.th/x"));
        assert!(allowed("http://127.0.0.1:8080/x"));
        assert!(allowed("http://localhost:1/"));
        assert!(allowed("http://[::1]:9/"));
        assert!(!allowed("http://licence.example.go.th/x"));
        assert!(!allowed("http://127.0.0.1.evil.example/x"));
        assert!(!allowed("http://127.0.0.1@evil.example/x"));
        assert!(!allowed("ftp://127.0.0.1/"));
    }
}
