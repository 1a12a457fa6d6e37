//! `elicence status check`: fetches a credential's status lists (and the
//! list issuer's DID document), verifies their proofs and reads the bits.
//! This command is explicitly online; `verify` never is.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use elicence_core::did::{did_web_url, OfflineResolver, ASSERTION_METHOD};
use elicence_core::proof;
use elicence_core::status::{check_status, StatusListEntry};
use serde_json::Value;

use crate::error::CliError;
use crate::io;

/// Status commands.
#[derive(Debug, Subcommand)]
pub enum StatusCommand {
    /// Fetch and verify the status lists of a credential; exit 1 if any bit is set.
    Check(CheckArgs),
}

/// `elicence status check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The credential (JSON).
    pub credential: PathBuf,
    /// Fetch from this origin instead of the URLs' own (e.g. a mirror or a
    /// local test service); paths are kept.
    #[arg(long, value_name = "URL")]
    pub via: Option<String>,
}

fn rewrite(url: &str, via: Option<&str>) -> String {
    match (
        via,
        url.strip_prefix("https://")
            .and_then(|r| r.find('/').map(|i| &r[i..])),
    ) {
        (Some(via), Some(path)) => format!("{}{path}", via.trim_end_matches('/')),
        _ => url.to_string(),
    }
}

fn fetch_json(url: &str) -> Result<Value, CliError> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut resp = agent
        .get(url)
        .header("accept", "application/vc, application/json")
        .call()
        .map_err(|e| CliError::Usage(format!("{url}: {e}")))?;
    if resp.status() != 200 {
        return Err(CliError::Usage(format!("{url}: HTTP {}", resp.status())));
    }
    let text = resp
        .body_mut()
        .with_config()
        .limit(32 << 20)
        .read_to_string()
        .map_err(|e| CliError::Usage(format!("{url}: {e}")))?;
    elicence_core::json::parse_strict_with_limits(
        text.as_bytes(),
        elicence_core::json::Limits {
            max_bytes: 32 << 20,
            max_depth: 64,
        },
    )
    .map_err(|e| CliError::Usage(format!("{url}: {e}")))
}

/// Runs a status command.
pub fn run(c: &StatusCommand) -> Result<ExitCode, CliError> {
    let StatusCommand::Check(a) = c;
    let credential = io::read_json(&a.credential)?;
    let entries = StatusListEntry::from_credential(&credential)
        .map_err(|e| CliError::Usage(format!("credentialStatus: {e}")))?;
    if entries.is_empty() {
        println!("no credentialStatus: nothing to check");
        return Ok(ExitCode::SUCCESS);
    }
    let mut any_set = false;
    for entry in &entries {
        let list = fetch_json(&rewrite(entry.list_credential(), a.via.as_deref()))?;
        let issuer = match list.get("issuer") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Object(o)) => o
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            _ => String::new(),
        };
        let mut resolver = OfflineResolver::new();
        if issuer.starts_with("did:web:") {
            let url = did_web_url(&issuer)?;
            resolver.add_document(fetch_json(&rewrite(&url, a.via.as_deref()))?)?;
        }
        let verified = proof::verify(&list, &resolver, ASSERTION_METHOD, None)?;
        if verified.iter().any(|p| p.controller != issuer) {
            return Err(CliError::Usage(
                "the status list is not signed by its issuer".into(),
            ));
        }
        let result =
            check_status(entry, &list).map_err(|e| CliError::Usage(format!("status list: {e}")))?;
        any_set |= result.set;
        println!(
            "{}: {} (index {}, list {})",
            entry.purpose(),
            if result.set { "SET" } else { "not set" },
            result.index,
            entry.list_credential()
        );
    }
    Ok(if any_set {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
