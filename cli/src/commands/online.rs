//! The few places the CLI goes online on purpose (`status check`,
//! `verify --online`, `bundle refresh`): fetching status lists and did:web
//! documents, and turning fetched lists into ones a verifier may rely on.
//! Offline verification never comes here.

use std::time::Duration as StdDuration;

use elicence_core::did::{did_web_url, OfflineResolver};
use elicence_core::json::{self, Limits};
use elicence_sd_jwt::vc::did_for_issuer;
use elicence_verifier::status::{
    verify_list_credential, verify_status_list_token, StatusEntry, StatusSnapshot,
    TokenStatusSnapshot,
};
use serde_json::Value;
use time::OffsetDateTime;

use crate::error::CliError;

/// Largest document (status list, DID document) accepted from the network.
pub(crate) const MAX_FETCH_BYTES: u64 = 8 << 20;

/// Only HTTPS, except plain HTTP to this machine (tests, local mirrors).
pub(crate) fn fetchable(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return url.starts_with("https://");
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}

/// `url` with its origin replaced by `via` (a mirror or a local test
/// service), path kept; `url` itself without `via`.
pub(crate) fn rewrite(url: &str, via: Option<&str>) -> String {
    let path = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .and_then(|r| r.find('/').map(|i| &r[i..]));
    match (via, path) {
        (Some(via), Some(path)) => format!("{}{path}", via.trim_end_matches('/')),
        _ => url.to_string(),
    }
}

/// GETs a document: HTTPS only (loopback HTTP allowed), no redirects, a
/// 30 s timeout, a size limit.
fn fetch_bytes(url: &str, what: &str, accept: &str) -> Result<Vec<u8>, CliError> {
    if !fetchable(url) {
        return Err(CliError::Usage(format!(
            "{what} {url}: only https:// URLs are fetched (plain http only to this machine)"
        )));
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(StdDuration::from_secs(30)))
        .max_redirects(0)
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent
        .get(url)
        .header("Accept", accept)
        .call()
        .map_err(|e| CliError::Usage(format!("{what} {url}: {e}")))?;
    if response.status() != 200 {
        return Err(CliError::Usage(format!(
            "{what} {url}: HTTP {}",
            response.status()
        )));
    }
    response
        .body_mut()
        .with_config()
        .limit(MAX_FETCH_BYTES)
        .read_to_vec()
        .map_err(|e| CliError::Usage(format!("{what} {url}: {e}")))
}

/// GETs a JSON document (see [`fetch_bytes`]), parsed strictly.
pub(crate) fn fetch_json(url: &str, what: &str) -> Result<Value, CliError> {
    let body = fetch_bytes(
        url,
        what,
        "application/vc, application/vc+ld+json, application/json",
    )?;
    json::parse_strict_with_limits(
        &body,
        Limits {
            max_bytes: MAX_FETCH_BYTES as usize,
            ..Limits::default()
        },
    )
    .map_err(|e| CliError::Usage(format!("{what} {url}: {e}")))
}

/// GETs a Status List Token (`application/statuslist+jwt`) as text.
pub(crate) fn fetch_status_list_token(url: &str) -> Result<String, CliError> {
    let body = fetch_bytes(url, "token status list", "application/statuslist+jwt")?;
    String::from_utf8(body)
        .map(|t| t.trim().to_owned())
        .map_err(|_| CliError::Usage(format!("token status list {url}: not UTF-8 text")))
}

/// Fetches and checks the Token Status List an SD-JWT VC names, as of
/// `now` (`None`: as it arrives): signed by the credential's issuer (resolved by `resolver`), its
/// `sub` the URI named, in force. Failures are reported on stderr and the
/// list left out, so the verifier says "status unknown" (never "clear").
pub(crate) fn token_status_list_for(
    payload: &Value,
    resolver: &OfflineResolver,
    via: Option<&str>,
    now: Option<OffsetDateTime>,
) -> Vec<TokenStatusSnapshot> {
    let Some(uri) = payload
        .pointer("/status/status_list/uri")
        .and_then(Value::as_str)
    else {
        return Vec::new();
    };
    let issuer = payload
        .get("iss")
        .and_then(Value::as_str)
        .and_then(did_for_issuer);
    let fetched = fetch_status_list_token(&rewrite(uri, via)).and_then(|token| {
        let now = now.unwrap_or_else(OffsetDateTime::now_utc);
        verify_status_list_token(&token, uri, issuer.as_deref(), resolver, Some(now), now)
            .map_err(|e| CliError::Usage(format!("token status list {uri}: {e}")))
    });
    match fetched {
        Ok(snapshot) => vec![snapshot],
        Err(e) => {
            eprintln!("elicence: {e}; its status stays unknown");
            Vec::new()
        }
    }
}

/// Adds the DID document of a did:web `did` to `resolver`, fetched (through
/// `via` if given), unless it already resolves.
pub(crate) fn add_did_web(
    resolver: &mut OfflineResolver,
    did: &str,
    via: Option<&str>,
) -> Result<(), CliError> {
    if !did.starts_with("did:web:") || resolver.has_document(did) {
        return Ok(());
    }
    let url = did_web_url(did)?;
    let document = fetch_json(&rewrite(&url, via), "DID document")?;
    if document.get("id").and_then(Value::as_str) != Some(did) {
        return Err(CliError::Usage(format!(
            "DID document {url}: its id is not {did}"
        )));
    }
    resolver.add_document(document)?;
    Ok(())
}

/// The issuer id of a credential (`issuer` or `issuer.id`).
pub(crate) fn issuer_of(credential: &Value) -> Option<&str> {
    match credential.get("issuer")? {
        Value::String(s) => Some(s),
        o => o.get("id")?.as_str(),
    }
}

/// Fetches and checks every status list `credential` names, as of `now`
/// (`None`: the instant each list arrives):
/// each list must be signed by the credential's issuer (resolved by
/// `resolver`), be the list its entry names and be in force. A list that
/// cannot be fetched or fails a check is reported on stderr and left out,
/// so the verifier says "status unknown" for it (never "clear").
pub(crate) fn status_lists_for(
    credential: &Value,
    resolver: &OfflineResolver,
    via: Option<&str>,
    now: Option<OffsetDateTime>,
) -> Vec<StatusSnapshot> {
    let Some(status) = credential.get("credentialStatus") else {
        return Vec::new();
    };
    let Ok(entries) = StatusEntry::all_from(status) else {
        return Vec::new(); // the verifier reports the malformed entry
    };
    let issuer = issuer_of(credential);
    let mut out: Vec<StatusSnapshot> = Vec::new();
    for entry in entries {
        if out.iter().any(|s| s.list.url == entry.list_url) {
            continue;
        }
        let fetched = fetch_json(&rewrite(&entry.list_url, via), "status list").and_then(|list| {
            // `None`: judged at the instant the list arrived (a list the
            // service signed during this run starts at that second).
            let now = now.unwrap_or_else(OffsetDateTime::now_utc);
            verify_list_credential(&list, &entry.list_url, issuer, resolver, Some(now), now)
                .map_err(|e| CliError::Usage(format!("status list {}: {e}", entry.list_url)))
        });
        match fetched {
            Ok(snapshot) => out.push(snapshot),
            Err(e) => eprintln!("elicence: {e}; its status stays unknown"),
        }
    }
    out
}
