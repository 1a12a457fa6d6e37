//! Talking to an issuer service: `elicence issue --server … --csv FILE`
//! (batch, resumable, with a progress bar) and `elicence revoke`.
//!
//! The bearer token goes only to the server the user names (`--server` or
//! `$ELICENCE_SERVER`), never to a host taken from a licence IRI; only over
//! HTTPS, or plain HTTP to a loopback address; and never to where a redirect
//! points. It is read from a file (`--token-file`) or `$ELICENCE_TOKEN`, so it
//! does not show in `ps` or shell history.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use elicence_core::licence::LicenceIri;
use elicence_issuer::batch::{self, RowResult};

use crate::cli::IssueArgs;
use crate::error::CliError;

/// Remote issuance options of `elicence issue`.
#[derive(Debug, Args, Default)]
pub struct RemoteIssueArgs {
    /// Issue through this issuer service instead of signing locally
    /// (https://, or http:// to a loopback address only).
    #[arg(long, value_name = "URL", help_heading = "Issuer service")]
    pub server: Option<String>,
    #[command(flatten)]
    pub token: TokenArgs,
    /// CSV of licences (header of dotted field names, see docs/issuer.md).
    #[arg(
        long,
        value_name = "FILE",
        help_heading = "Issuer service",
        requires = "server"
    )]
    pub csv: Option<PathBuf>,
    /// Per-row results, JSON Lines (default FILE.results.jsonl). Rows already
    /// final there are skipped, so an interrupted run resumes.
    #[arg(long, value_name = "FILE", help_heading = "Issuer service")]
    pub results: Option<PathBuf>,
    /// Rows per request.
    #[arg(long, default_value_t = 200, help_heading = "Issuer service")]
    pub chunk: usize,
}

/// Where the API token comes from.
#[derive(Debug, Args, Default)]
pub struct TokenArgs {
    /// File whose first line is the API token (else $ELICENCE_TOKEN). Keeps
    /// the token out of `ps` and shell history.
    #[arg(long, value_name = "FILE", help_heading = "Issuer service")]
    pub token_file: Option<PathBuf>,
    /// The API token itself: visible to every user of the machine in `ps`.
    /// Kept for old scripts only; use --token-file or $ELICENCE_TOKEN.
    #[arg(
        long,
        value_name = "TOKEN",
        hide = true,
        conflicts_with = "token_file",
        help_heading = "Issuer service"
    )]
    pub token: Option<String>,
}

/// Largest token file read (a token is 48 characters).
const MAX_TOKEN_FILE: u64 = 4096;

impl TokenArgs {
    /// The token: `--token-file`, else `$ELICENCE_TOKEN`, else the old
    /// `--token` (with a warning).
    pub fn resolve(&self) -> Result<String, CliError> {
        let token = if let Some(path) = &self.token_file {
            read_token_file(path)?
        } else if let Some(t) = &self.token {
            eprintln!(
                "warning: --token shows the token to every user of this machine (ps, shell history); \
                 use --token-file FILE or ELICENCE_TOKEN instead"
            );
            t.trim().to_string()
        } else if let Ok(t) = std::env::var("ELICENCE_TOKEN") {
            t.trim().to_string()
        } else {
            return Err(CliError::Usage(
                "give the API token with --token-file FILE or the ELICENCE_TOKEN environment variable"
                    .into(),
            ));
        };
        if token.is_empty() || token.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(CliError::Usage(
                "the API token must be one word (as `elicence token create` printed it)".into(),
            ));
        }
        Ok(token)
    }
}

fn read_token_file(path: &Path) -> Result<String, CliError> {
    use std::io::Read as _;
    let file = std::fs::File::open(path).map_err(|e| CliError::io(path, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = file.metadata() {
            if meta.permissions().mode() & 0o077 != 0 {
                eprintln!(
                    "warning: {} can be read by other users; `chmod 600` it",
                    path.display()
                );
            }
        }
    }
    let mut text = String::new();
    file.take(MAX_TOKEN_FILE)
        .read_to_string(&mut text)
        .map_err(|e| CliError::io(path, e))?;
    Ok(text.lines().next().unwrap_or("").trim().to_string())
}

/// Checks the server URL a token may be sent to: `https://HOST[:PORT][/PATH]`,
/// or `http://` to a loopback address only (a token over plain HTTP anywhere
/// else can be read on the way). Returns it without a trailing slash.
pub fn server_url(given: &str) -> Result<String, CliError> {
    let bad = |why: &str| CliError::Usage(format!("--server {given:?}: {why}"));
    let url = given.trim().trim_end_matches('/');
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| bad("give a URL such as https://licence.example.go.th"))?;
    let authority = rest.split('/').next().unwrap_or("");
    if rest.contains(['?', '#']) {
        return Err(bad("no query or fragment"));
    }
    if authority.contains('@') {
        return Err(bad("no user name or password in the URL"));
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.split(':').next().unwrap_or(""),
    };
    if host.is_empty() {
        return Err(bad("the URL has no host"));
    }
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Ok(url.to_string()),
        "http" if is_loopback(host) => Ok(url.to_string()),
        "http" => Err(bad(
            "plain http:// would send the API token readable on the network; use https:// \
             (http:// is allowed to localhost / 127.0.0.1 / [::1] only)",
        )),
        _ => Err(bad("use https://")),
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// An HTTP client that follows no redirect (a redirect must not carry the
/// token, nor the request, somewhere else).
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into()
}

fn http_error(e: ureq::Error) -> CliError {
    CliError::Usage(format!("HTTP: {e}"))
}

fn read_results(path: &Path) -> Result<HashSet<u64>, CliError> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashSet::new()),
        Err(e) => return Err(CliError::io(path, e)),
    };
    let mut done = HashSet::new();
    let mut reader = std::io::BufReader::new(file);
    let mut lines = batch::LineSplitter::new(MAX_RECORD_BYTES, false);
    while let Some(line) = lines
        .read_line(&mut reader)
        .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?
    {
        if let Ok(r) = serde_json::from_str::<RowResult>(&line) {
            if r.is_final() {
                done.insert(r.row);
            }
        }
    }
    Ok(done)
}

/// Longest CSV record (or results line) read: the service's default
/// `limits.max_body_bytes`, beyond which it could not issue the row anyway.
const MAX_RECORD_BYTES: usize = 256 * 1024;

/// Largest CSV file read: its rows are held while sending.
const MAX_CSV_BYTES: u64 = 1 << 30;

/// Reads the records of a CSV file (LF, CRLF or CR line endings, quoted
/// cells over several lines), each bounded to [`MAX_RECORD_BYTES`] and the
/// file to [`MAX_CSV_BYTES`], so a wrong file fails cleanly instead of
/// filling memory. Records with empty lines are skipped.
fn read_csv_records(path: &Path) -> Result<Vec<Result<Vec<String>, String>>, CliError> {
    use std::io::Read as _;
    let fail = |e: &dyn std::fmt::Display| CliError::Usage(format!("{}: {e}", path.display()));
    let file = std::fs::File::open(path).map_err(|e| CliError::io(path, e))?;
    let mut reader = std::io::BufReader::new(file.take(MAX_CSV_BYTES + 1));
    let mut lines = batch::LineSplitter::new(MAX_RECORD_BYTES, true);
    let mut splitter = batch::RecordSplitter::default();
    let (mut records, mut total) = (Vec::new(), 0u64);
    while let Some(line) = lines.read_line(&mut reader).map_err(|e| fail(&e))? {
        total += line.len() as u64 + 1;
        if total > MAX_CSV_BYTES {
            return Err(fail(&format!("larger than {} MiB", MAX_CSV_BYTES >> 20)));
        }
        if line.len() + splitter.pending_len() > MAX_RECORD_BYTES {
            return Err(fail(&format!(
                "a record is longer than {MAX_RECORD_BYTES} bytes"
            )));
        }
        if let Some(record) = splitter.push_line(&line) {
            if !record.trim().is_empty() {
                records.push(batch::parse_record(&record));
            }
        }
    }
    if splitter.is_open() {
        records.push(Err("unterminated quoted CSV cell".into()));
    }
    Ok(records)
}

/// `elicence issue --server URL --csv FILE`.
pub fn issue(a: &IssueArgs) -> Result<ExitCode, CliError> {
    let r = &a.remote;
    let server = server_url(r.server.as_deref().unwrap_or_default())?;
    let csv_path = r
        .csv
        .as_ref()
        .ok_or_else(|| CliError::Usage("--server needs --csv FILE".into()))?;
    let token = r.token.resolve()?;
    let results_path = r.results.clone().unwrap_or_else(|| {
        let mut p = csv_path.clone().into_os_string();
        p.push(".results.jsonl");
        PathBuf::from(p)
    });
    let done = read_results(&results_path)?;

    let records = read_csv_records(csv_path)?;
    let mut records = records.into_iter();
    let header: Vec<String> = match records.next() {
        Some(Ok(h)) => h,
        _ => {
            return Err(CliError::Usage(format!(
                "{}: no header row",
                csv_path.display()
            )))
        }
    };
    let header = batch::csv_header(&header)
        .map_err(|e| CliError::Usage(format!("{}: {e}", csv_path.display())))?;
    let mut rows = Vec::new();
    for (i, cells) in records.enumerate() {
        let row = i as u64 + 1;
        rows.push((
            row,
            cells.and_then(|c| batch::csv_row_to_licence(&header, &c)),
        ));
    }
    let todo: Vec<_> = rows
        .into_iter()
        .filter(|(row, _)| !done.contains(row))
        .collect();
    let mut out = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&results_path)
        .map_err(|e| CliError::io(&results_path, e))?;
    let bar = indicatif::ProgressBar::new(todo.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} rows {per_sec} eta {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let agent = agent();
    let (mut ok, mut failed) = (0u64, 0u64);
    let mut write = |r: &RowResult, out: &mut std::fs::File| -> Result<(), CliError> {
        if matches!(r.status, 200 | 201) {
            ok += 1;
        } else {
            failed += 1;
        }
        let line = serde_json::to_string(r).unwrap_or_default();
        writeln!(out, "{line}").map_err(|e| CliError::io(&results_path, e))
    };
    for chunk in todo.chunks(r.chunk.max(1)) {
        let mut body = String::new();
        let mut sent = Vec::new();
        for (row, data) in chunk {
            match data {
                Ok(v) => {
                    body.push_str(&v.to_string());
                    body.push('\n');
                    sent.push(*row);
                }
                Err(e) => write(
                    &RowResult {
                        row: *row,
                        status: 422,
                        id: None,
                        error: Some(e.clone()),
                        field: None,
                    },
                    &mut out,
                )?,
            }
        }
        if !sent.is_empty() {
            let mut resp = agent
                .post(&format!("{server}/licences:batch"))
                .header("authorization", &format!("Bearer {token}"))
                .header("content-type", "application/x-ndjson")
                .send(&body)
                .map_err(http_error)?;
            let status = resp.status().as_u16();
            let text = resp
                .body_mut()
                .with_config()
                .limit(64 << 20)
                .read_to_string()
                .map_err(http_error)?;
            if status != 200 {
                bar.abandon();
                return Err(CliError::Usage(format!(
                    "the service answered {status}: {text}"
                )));
            }
            for line in text.lines() {
                let mut r: RowResult = serde_json::from_str(line)
                    .map_err(|e| CliError::Usage(format!("unexpected response line: {e}")))?;
                // Map the row number within the request back to the CSV row.
                r.row = sent
                    .get((r.row as usize).wrapping_sub(1))
                    .copied()
                    .unwrap_or(0);
                write(&r, &mut out)?;
            }
        }
        out.flush().map_err(|e| CliError::io(&results_path, e))?;
        bar.inc(chunk.len() as u64);
    }
    bar.finish();
    eprintln!(
        "{ok} issued, {failed} failed, {} skipped (already done); results in {}",
        done.len(),
        results_path.display()
    );
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `elicence revoke`.
#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// The licence IRI (or its percent-encoded URI).
    pub iri: String,
    /// The issuer service the token belongs to (else $ELICENCE_SERVER); never
    /// taken from the IRI. https://, or http:// to a loopback address only.
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    #[command(flatten)]
    pub token: TokenArgs,
    /// Suspend instead of revoking.
    #[arg(long, conflicts_with = "reinstate")]
    pub suspend: bool,
    /// Lift a suspension.
    #[arg(long)]
    pub reinstate: bool,
}

/// Revokes, suspends or reinstates one licence.
pub fn revoke(a: &RevokeArgs) -> Result<ExitCode, CliError> {
    let iri = LicenceIri::parse(&a.iri)
        .or_else(|_| LicenceIri::from_uri(&a.iri))
        .map_err(|e| CliError::Usage(format!("not a licence IRI: {e}")))?;
    let uri = iri.to_uri();
    let path_start = uri
        .strip_prefix("https://")
        .and_then(|rest| rest.find('/'))
        .map(|i| i + "https://".len())
        .ok_or_else(|| CliError::Usage("licence IRI without a path".into()))?;
    let (_, path) = uri.split_at(path_start);
    let server = match &a.server {
        Some(s) => s.clone(),
        None => std::env::var("ELICENCE_SERVER").map_err(|_| {
            CliError::Usage(
                "give --server URL (or set ELICENCE_SERVER): the token goes only to the service \
                 you name, never to the host in a licence IRI"
                    .into(),
            )
        })?,
    };
    let server = server_url(&server)?;
    let token = a.token.resolve()?;
    let action = if a.suspend {
        "suspend"
    } else if a.reinstate {
        "reinstate"
    } else {
        "revoke"
    };
    let mut resp = agent()
        .post(&format!("{server}{path}/{action}"))
        .header("authorization", &format!("Bearer {token}"))
        .header("content-type", "application/json")
        .send("")
        .map_err(http_error)?;
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().map_err(http_error)?;
    if status == 200 {
        println!("{text}");
        Ok(ExitCode::SUCCESS)
    } else {
        Err(CliError::Usage(format!(
            "the service answered {status}: {text}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_go_over_https_or_to_loopback_only() {
        for ok in [
            "https://licence.example.go.th",
            "https://licence.example.go.th:8443/issuer/",
            "http://127.0.0.1:8080",
            "http://127.9.9.9",
            "http://localhost:8080/",
            "http://[::1]:8080",
        ] {
            assert!(server_url(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            server_url("https://h.example/").unwrap(),
            "https://h.example"
        );
        for bad in [
            "http://licence.example.go.th",
            "http://10.0.0.1:8080",
            "http://127.0.0.1.evil.example",
            "http://localhost.evil.example",
            "ftp://h.example",
            "https://user:pw@h.example",
            "https://h.example/?x=1",
            "h.example",
            "https://",
        ] {
            assert!(server_url(bad).is_err(), "{bad}");
        }
    }
}
