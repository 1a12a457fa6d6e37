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

/// POST a form, with a DPoP proof when given.
pub fn post_form(
    url: &str,
    fields: &[(&str, &str)],
    dpop: Option<&str>,
) -> Result<Answer, WalletError> {
    check(url)?;
    let mut req = agent().post(url);
    if let Some(proof) = dpop {
        req = req.header("DPoP", proof);
    }
    finish(url, req.send_form(fields.iter().copied()))
}

/// How a request is authorised: `(scheme, access token)` and a DPoP proof.
#[derive(Debug, Clone, Copy, Default)]
pub struct Auth<'a> {
    /// `Bearer` or `DPoP`, and the access token.
    pub token: Option<(&'a str, &'a str)>,
    /// The DPoP proof for this request.
    pub dpop: Option<&'a str>,
}

/// POST JSON (or nothing), authorised by `auth`.
pub fn post_json(url: &str, body: Option<&Value>, auth: Auth<'_>) -> Result<Answer, WalletError> {
    check(url)?;
    let mut req = agent().post(url).header("Accept", "application/json");
    if let Some((scheme, token)) = auth.token {
        req = req.header("Authorization", format!("{scheme} {token}"));
    }
    if let Some(proof) = auth.dpop {
        req = req.header("DPoP", proof);
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
