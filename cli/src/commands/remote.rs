//! Talking to an issuer service: `elicence issue --server … --csv FILE`
//! (batch, resumable, with a progress bar) and `elicence revoke`.

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
    /// Issue through this issuer service instead of signing locally.
    #[arg(long, value_name = "URL", help_heading = "Issuer service")]
    pub server: Option<String>,
    /// API token (else $ELICENCE_TOKEN).
    #[arg(long, value_name = "TOKEN", help_heading = "Issuer service")]
    pub token: Option<String>,
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

fn token(given: Option<&String>) -> Result<String, CliError> {
    given
        .cloned()
        .or_else(|| std::env::var("ELICENCE_TOKEN").ok())
        .ok_or_else(|| CliError::Usage("give --token or set ELICENCE_TOKEN".into()))
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
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
    let server = r
        .server
        .as_deref()
        .unwrap_or_default()
        .trim_end_matches('/');
    let csv_path = r
        .csv
        .as_ref()
        .ok_or_else(|| CliError::Usage("--server needs --csv FILE".into()))?;
    let token = token(r.token.as_ref())?;
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
    /// The issuer service (default: the IRI's own origin).
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// API token (else $ELICENCE_TOKEN).
    #[arg(long)]
    pub token: Option<String>,
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
    let (origin, path) = uri.split_at(path_start);
    let server = a.server.as_deref().unwrap_or(origin).trim_end_matches('/');
    let action = if a.suspend {
        "suspend"
    } else if a.reinstate {
        "reinstate"
    } else {
        "revoke"
    };
    let mut resp = agent()
        .post(&format!("{server}{path}/{action}"))
        .header(
            "authorization",
            &format!("Bearer {}", token(a.token.as_ref())?),
        )
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
