//! An endpoint of the local implementation configuration, posting the way
//! `vc-test-suite-implementations` (`lib/Endpoint.js`, `lib/requests.js`)
//! does: JSON with `Accept: application/json, application/ld+json, */*`,
//! the configuration's headers (here the bearer token), and a result for a
//! 2xx answer or an error carrying the status otherwise. `data` is the JSON
//! body, unwrapped from `verifiableCredential` as `_getDataAndStatus` does.

use serde_json::{json, Value};

use crate::common::Service;

/// A configured endpoint (`settings` of an issuer or verifier).
pub struct Endpoint<'a> {
    pub svc: &'a Service,
    /// Path of `settings.endpoint` on the service.
    pub path: &'static str,
    /// `settings.id`: the issuer's DID.
    pub id: Option<String>,
    /// `settings.headers.Authorization` (a bearer token).
    pub token: Option<String>,
    /// `settings.options`, sent as the request's `options`.
    pub options: Option<Value>,
}

/// What `endpoint.post` resolves to.
#[derive(Debug, Clone)]
pub struct Posted {
    /// The HTTP status.
    pub status: u16,
    /// `result` exists (a 2xx answer).
    pub ok: bool,
    /// The JSON body (unwrapped from `verifiableCredential`), if JSON.
    pub data: Option<Value>,
    /// The raw body, for messages.
    pub body: String,
}

impl Posted {
    /// The `{result, error}` pair as a Rust result: the data on 2xx, an
    /// error naming the status otherwise.
    pub fn into_result(self) -> Result<Value, String> {
        if self.ok {
            Ok(self.data.unwrap_or(Value::Null))
        } else {
            Err(format!("HTTPError {}: {}", self.status, short(&self.body)))
        }
    }
}

fn short(s: &str) -> String {
    if s.len() > 300 {
        format!(
            "{}…",
            &s[..s.char_indices().nth(300).map_or(s.len(), |(i, _)| i)]
        )
    } else {
        s.to_string()
    }
}

impl Endpoint<'_> {
    /// `endpoint.post({json})`.
    pub fn post(&self, json: &Value) -> Posted {
        self.post_text(&json.to_string())
    }

    /// Posts raw JSON text (for bodies JavaScript's `JSON.stringify` would
    /// produce with `undefined` members dropped).
    pub fn post_text(&self, body: &str) -> Posted {
        let mut req = self
            .svc
            .agent
            .post(&self.svc.url(self.path))
            .header("content-type", "application/json")
            .header("accept", "application/json, application/ld+json, */*");
        if let Some(t) = &self.token {
            req = req.header("authorization", &format!("Bearer {t}"));
        }
        let mut resp = req.send(body).expect("the service answers");
        let status = resp.status().as_u16();
        let text = resp
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_string()
            .unwrap_or_default();
        let mut data: Option<Value> = serde_json::from_str(&text).ok();
        if let Some(vc) = data.as_ref().and_then(|d| d.get("verifiableCredential")) {
            data = Some(vc.clone());
        }
        Posted {
            status,
            ok: (200..300).contains(&status),
            data,
            body: text,
        }
    }

    /// `{credential, options}` with `settings.options`.
    pub fn issue_body(&self, credential: Value) -> Value {
        match &self.options {
            Some(o) => json!({"credential": credential, "options": o}),
            None => json!({"credential": credential}),
        }
    }

    /// The issuer's `settings.id`.
    pub fn issuer_id(&self) -> String {
        self.id.clone().unwrap_or_default()
    }
}
