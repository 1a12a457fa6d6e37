//! `elicence verify`: offline verification with a bilingual report.

use std::process::ExitCode;

use elicence_core::did::OfflineResolver;
use elicence_verifier::{Outcome, Policy, Report, Verdict};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::cli::{Lang, VerifyArgs};
use crate::error::CliError;
use crate::io;

pub fn verify(a: &VerifyArgs) -> Result<ExitCode, CliError> {
    let input = io::read_input(&a.input)?;
    let now = match &a.now {
        Some(s) => OffsetDateTime::parse(s, &Rfc3339).map_err(|_| {
            CliError::Usage(format!(
                "--now {s:?} is not an RFC 3339 date-time with a time zone"
            ))
        })?,
        None => OffsetDateTime::now_utc(),
    };
    let mut did_documents = Vec::new();
    for path in &a.did_doc {
        did_documents.push(io::read_json(path)?);
    }
    let resolver = OfflineResolver::with_documents(did_documents)?;
    let policy = Policy {
        now,
        proof_only: a.proof_only,
        resolver,
    };
    let report = elicence_verifier::verify(&input, &policy);
    let text = if a.json {
        let mut s = serde_json::to_string_pretty(&report).unwrap_or_default();
        s.push('\n');
        s
    } else {
        human(&report, a.lang)
    };
    io::write_output(None, text.as_bytes())?;
    Ok(match report.verdict {
        Verdict::Valid => ExitCode::SUCCESS,
        Verdict::Invalid | Verdict::CannotDecide => ExitCode::from(1),
    })
}

/// A report a person reads on a terminal: verdict first, then each check.
pub fn human(report: &Report, lang: Lang) -> String {
    let (en, th) = match report.verdict {
        Verdict::Valid => ("VALID", "ถูกต้อง"),
        Verdict::Invalid => ("INVALID", "ไม่ถูกต้อง"),
        Verdict::CannotDecide => ("CANNOT DECIDE", "ไม่สามารถสรุปได้"),
    };
    let mut out = match lang {
        Lang::En => format!("{en}\n"),
        Lang::Th => format!("{th}\n"),
        Lang::Both => format!("{en} / {th}\n"),
    };
    if let Some(issuer) = &report.issuer {
        out.push_str(&format!("issuer: {issuer}\n"));
    }
    for check in &report.checks {
        let mark = match check.outcome {
            Outcome::Pass => "ok  ",
            Outcome::Fail => "FAIL",
            Outcome::Warning => "warn",
            Outcome::NotRun => "----",
            Outcome::Skipped => "skip",
        };
        let title = check.code.title();
        match lang {
            Lang::En => out.push_str(&format!("  [{mark}] {}: {}\n", title.en, check.reason.en)),
            Lang::Th => out.push_str(&format!("  [{mark}] {}: {}\n", title.th, check.reason.th)),
            Lang::Both => out.push_str(&format!(
                "  [{mark}] {}: {}\n         {}: {}\n",
                title.en, check.reason.en, title.th, check.reason.th
            )),
        }
    }
    out
}
