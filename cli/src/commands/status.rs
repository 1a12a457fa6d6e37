//! `elicence status check`: fetches a credential's status lists (and the
//! issuer's DID document), checks each list as strictly as the offline
//! verifier does, and reads the bits. This command is explicitly online;
//! `verify` is only with `--online`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use elicence_core::did::OfflineResolver;
use elicence_core::licence::check_contexts;
use elicence_core::proof;
use elicence_verifier::status::{verify_list_credential, StatusEntry};
use time::OffsetDateTime;

use super::bundle::parse_time;
use super::online::{add_did_web, fetch_json, issuer_of, rewrite};
use crate::error::CliError;
use crate::io;

/// Status commands.
#[derive(Debug, Subcommand)]
pub enum StatusCommand {
    /// Fetch and verify the status lists of a credential; exit 1 if any bit
    /// is set or a list cannot be relied on.
    Check(CheckArgs),
}

/// `elicence status check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The credential (JSON).
    pub credential: PathBuf,
    /// Fetch from this origin instead of the URLs' own (e.g. a mirror or a
    /// local test service); paths are kept. A mirror is not trusted: every
    /// list must still be signed by the credential's issuer and in force.
    #[arg(long, value_name = "URL")]
    pub via: Option<String>,
    /// Judge the lists' validity at this instant (RFC 3339; default now).
    #[arg(long, value_name = "DATETIME")]
    pub now: Option<String>,
}

/// Runs a status command. Exit 0: every list in force and no bit set;
/// 1: a bit is set, or a list is unusable (expired, forged, another
/// issuer's), so the status is unknown; 2: usage or network error.
pub fn run(c: &StatusCommand) -> Result<ExitCode, CliError> {
    let StatusCommand::Check(a) = c;
    let now = match &a.now {
        Some(s) => parse_time("--now", s)?,
        None => OffsetDateTime::now_utc(),
    };
    let credential = io::read_json(&a.credential)?;
    // The entries are read from the JSON, so the JSON must say exactly what
    // was signed: a status entry re-spelled as its IRI would otherwise read
    // as "nothing to check".
    check_contexts(&credential).map_err(|e| CliError::Usage(format!("credential: {e}")))?;
    proof::check_spelling(&credential).map_err(|e| {
        CliError::Usage(format!(
            "credential: its JSON does not say exactly what was signed ({e}); refused"
        ))
    })?;
    let Some(status) = credential.get("credentialStatus") else {
        println!(
            "no credentialStatus: the issuer gave this credential no status list, nothing to check"
        );
        return Ok(ExitCode::SUCCESS);
    };
    let entries = StatusEntry::all_from(status)
        .map_err(|e| CliError::Usage(format!("credentialStatus: {e}")))?;
    let issuer = issuer_of(&credential)
        .ok_or_else(|| CliError::Usage("the credential has no issuer".into()))?;
    let mut resolver = OfflineResolver::new();
    add_did_web(&mut resolver, issuer, a.via.as_deref())?;
    let mut any_set = false;
    let mut unknown = false;
    for entry in &entries {
        let list = fetch_json(&rewrite(&entry.list_url, a.via.as_deref()), "status list")?;
        // Without --now, judge at the instant the list arrived: a list the
        // service signed during this run says "valid from" a second that may
        // be later than when the command started.
        let now = if a.now.is_some() {
            now
        } else {
            OffsetDateTime::now_utc()
        };
        let snapshot = match verify_list_credential(
            &list,
            &entry.list_url,
            Some(issuer),
            &resolver,
            Some(now),
            now,
        ) {
            Ok(s) => s,
            Err(e) => {
                println!("{}: UNKNOWN (list {}: {e})", entry.purpose, entry.list_url);
                unknown = true;
                continue;
            }
        };
        if snapshot.list.purpose != entry.purpose {
            println!(
                "{}: UNKNOWN (list {} is for {})",
                entry.purpose, entry.list_url, snapshot.list.purpose
            );
            unknown = true;
            continue;
        }
        let set = snapshot
            .list
            .bit(entry.index)
            .map_err(|e| CliError::Usage(format!("status list {}: {e}", entry.list_url)))?;
        any_set |= set;
        println!(
            "{}: {} (index {}, list {})",
            entry.purpose,
            if set { "SET" } else { "not set" },
            entry.index,
            entry.list_url
        );
    }
    Ok(if any_set || unknown {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
