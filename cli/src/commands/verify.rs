//! `elicence verify`: offline verification with a bilingual report.

use std::process::ExitCode;

use elicence_core::did::OfflineResolver;
use std::collections::BTreeSet;

use elicence_verifier::status::{StatusSnapshot, TokenStatusSnapshot};
use elicence_verifier::{
    Outcome, Policy, PresentationRequest, Report, StatusOptions, TrustPolicy, Verdict,
};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::cli::{Lang, VerifyArgs};
use crate::error::CliError;
use crate::io;

pub fn verify(a: &VerifyArgs) -> Result<ExitCode, CliError> {
    let inputs: Vec<Vec<u8>> = match &a.qr_image {
        Some(image) => {
            if a.input != std::path::Path::new("-") {
                return Err(CliError::Usage(
                    "give either a credential FILE or --qr-image, not both".into(),
                ));
            }
            let bytes = io::read_input(image)?;
            if !super::qr::is_image(&bytes) {
                return Err(CliError::Usage(format!(
                    "{}: not a PNG or JPEG picture",
                    image.display()
                )));
            }
            super::qr::elicence_payloads_in_image(image, &bytes)?
                .into_iter()
                .map(String::into_bytes)
                .collect()
        }
        None => vec![io::read_input(&a.input)?],
    };
    let mut now = match &a.now {
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
    let mut resolver = OfflineResolver::with_documents(did_documents)?;
    let seen = match &a.seen_challenges {
        Some(path) if path.exists() => String::from_utf8_lossy(&io::read_input(path)?)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        _ => BTreeSet::new(),
    };
    let presentation = match (&a.challenge, &a.domain) {
        (Some(challenge), Some(domain)) => Some(PresentationRequest {
            challenge: challenge.clone(),
            domain: domain.clone(),
            seen_challenges: seen,
        }),
        (None, None) => None,
        _ => {
            return Err(CliError::Usage(
                "give both --challenge and --domain to verify a presentation".into(),
            ))
        }
    };
    let bundle = match (&a.trust.bundle, &a.trust.root) {
        (Some(path), Some(root)) => {
            if a.proof_only || !a.did_doc.is_empty() {
                return Err(CliError::Usage(
                    "--bundle decides trust itself: it cannot be combined with --proof-only or --did-doc".into(),
                ));
            }
            Some(super::bundle::open_for_verify(
                path,
                root,
                a.trust.min_version,
            )?)
        }
        (None, Some(_)) => {
            return Err(CliError::Usage("--root needs --bundle".into()));
        }
        _ => None,
    };
    if let [only] = inputs.as_slice() {
        if super::pdf_verify::is_pdf(only) {
            let verify_credential = |credential: &[u8]| {
                verify_one(
                    a,
                    credential,
                    now,
                    bundle.as_ref(),
                    &resolver,
                    None,
                    (Vec::new(), Vec::new()),
                )
            };
            return super::pdf_verify::verify_pdf(a, only, now, &verify_credential);
        }
    }
    let mut reports = Vec::new();
    for input in &inputs {
        let mut status_lists = Vec::new();
        let mut token_lists = Vec::new();
        if a.online {
            if let Some(payload) = sd_jwt_payload(input) {
                let resolver = match &bundle {
                    Some(b) => b.resolver().clone(),
                    None => {
                        let did = payload
                            .get("iss")
                            .and_then(Value::as_str)
                            .and_then(elicence_sd_jwt::vc::did_for_issuer);
                        if let Some(did) = did {
                            super::online::add_did_web(&mut resolver, &did, a.via.as_deref())?;
                        }
                        resolver.clone()
                    }
                };
                token_lists.extend(super::online::token_status_list_for(
                    &payload,
                    &resolver,
                    a.via.as_deref(),
                    a.now.as_ref().map(|_| now),
                ));
            }
            for credential in credentials_in(input) {
                let resolver = match &bundle {
                    Some(b) => b.resolver().clone(),
                    None => {
                        if let Some(issuer) = super::online::issuer_of(&credential) {
                            super::online::add_did_web(&mut resolver, issuer, a.via.as_deref())?;
                        }
                        resolver.clone()
                    }
                };
                status_lists.extend(super::online::status_lists_for(
                    &credential,
                    &resolver,
                    a.via.as_deref(),
                    a.now.as_ref().map(|_| now),
                ));
            }
        }
        if a.online && a.now.is_none() {
            // Judged at the instant the lists arrived: a list the service
            // signed during this run is "valid from" a second that may be
            // later than when the command started.
            now = OffsetDateTime::now_utc();
        }
        reports.push(verify_one(
            a,
            input,
            now,
            bundle.as_ref(),
            &resolver,
            presentation.clone(),
            (status_lists, token_lists),
        ));
    }
    for report in &reports {
        record_challenge(a, report)?;
    }
    let text = if a.json {
        let mut s = match reports.as_slice() {
            [one] => serde_json::to_string_pretty(one),
            many => serde_json::to_string_pretty(many),
        }
        .unwrap_or_default();
        s.push('\n');
        s
    } else if let [one] = reports.as_slice() {
        human(one, a.lang)
    } else {
        let mut s = String::new();
        for (i, report) in reports.iter().enumerate() {
            s.push_str(&format!("QR code {} of {}:\n", i + 1, reports.len()));
            s.push_str(&human(report, a.lang));
        }
        s
    };
    io::write_output(None, text.as_bytes())?;
    let all_valid = reports.iter().all(|r| r.verdict == Verdict::Valid);
    Ok(if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Verifies one credential or presentation under the command's options.
fn verify_one(
    a: &VerifyArgs,
    input: &[u8],
    now: OffsetDateTime,
    bundle: Option<&elicence_verifier::TrustBundle>,
    resolver: &OfflineResolver,
    presentation: Option<PresentationRequest>,
    (status_lists, token_lists): (Vec<StatusSnapshot>, Vec<TokenStatusSnapshot>),
) -> Report {
    let max_age = Duration::hours(i64::from(a.trust.max_status_age));
    match bundle {
        Some(bundle) => {
            let policy = TrustPolicy {
                max_status_age: max_age,
                presentation,
                check_status: !a.no_status,
                status_lists,
                token_status_lists: token_lists,
            };
            elicence_verifier::verify_with_bundle(input, bundle, now, &policy)
        }
        None => {
            let policy = Policy {
                now,
                proof_only: a.proof_only,
                resolver: resolver.clone(),
                presentation,
                status: StatusOptions {
                    check: !a.no_status,
                    lists: status_lists,
                    token_lists,
                    max_age,
                },
            };
            elicence_verifier::verify(input, &policy)
        }
    }
}

/// The Issuer-signed payload of an SD-JWT VC input, read without verifying
/// anything (to know which status list and DID document to fetch).
fn sd_jwt_payload(input: &[u8]) -> Option<Value> {
    let text = std::str::from_utf8(input).ok()?.trim();
    let (jwt, _) = text.split_once('~')?;
    if jwt.split('.').count() != 3 || text.contains(char::is_whitespace) {
        return None;
    }
    elicence_sd_jwt::process::unverified_payload(jwt)
        .ok()
        .map(Value::Object)
}

/// The credentials an input carries, read without verifying anything (to
/// know which status lists to fetch): a JSON credential, each credential of
/// a presentation, the payload of a vc+jwt, an LC1 QR payload's content.
fn credentials_in(input: &[u8]) -> Vec<Value> {
    fn jwt_payload(jwt: &str) -> Option<Value> {
        let payload = jwt.split('.').nth(1)?;
        let bytes =
            base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload)
                .ok()?;
        serde_json::from_slice(&bytes).ok()
    }
    fn one(v: Value, out: &mut Vec<Value>) {
        let presented = match v.get("verifiableCredential") {
            Some(Value::Array(items)) => items.clone(),
            Some(item) => vec![item.clone()],
            None => {
                out.push(v);
                return;
            }
        };
        for item in presented {
            match item {
                Value::String(jwt) => out.extend(jwt_payload(&jwt)),
                Value::Object(_) => out.push(item),
                _ => {}
            }
        }
    }
    let Ok(text) = std::str::from_utf8(input) else {
        return Vec::new();
    };
    let text = text.trim();
    let mut out = Vec::new();
    if text.starts_with('{') {
        if let Ok(v) = serde_json::from_str::<Value>(text) {
            one(v, &mut out);
        }
    } else if is_qr_payload(text) {
        match elicence_core::qr::decode(text) {
            Ok(elicence_core::qr::Secured::Json(v)) => one(v, &mut out),
            Ok(elicence_core::qr::Secured::Jwt(jwt)) => out.extend(jwt_payload(&jwt)),
            Err(_) => {}
        }
    } else {
        out.extend(jwt_payload(text));
    }
    out
}

/// A QR code's payload, `LC<version>:…` (LC1, LC2 and later formats): what
/// `--online` must decode to find the status lists a printed licence names.
fn is_qr_payload(text: &str) -> bool {
    text.strip_prefix("LC").is_some_and(|rest| {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        digits > 0 && rest.as_bytes().get(digits) == Some(&b':')
    })
}

/// Appends a valid presentation's challenge to the --seen-challenges file.
fn record_challenge(a: &VerifyArgs, report: &Report) -> Result<(), CliError> {
    if let (Some(path), Some(challenge), Verdict::Valid) = (
        &a.seen_challenges,
        &report.consumed_challenge,
        report.verdict,
    ) {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| CliError::io(path, e))?;
        std::io::Write::write_all(&mut file, format!("{challenge}\n").as_bytes())
            .map_err(|e| CliError::io(path, e))?;
    }
    Ok(())
}

/// A report a person reads on a terminal: verdict first, then each check,
/// then (for a presentation) each presented credential's report, indented.
pub fn human(report: &Report, lang: Lang) -> String {
    let mut out = human_one(report, lang);
    for (i, inner) in report.credentials.iter().enumerate() {
        out.push_str(&format!("\ncredential {i}:\n"));
        for line in human_one(inner, lang).lines() {
            out.push_str(&format!("    {line}\n"));
        }
    }
    out
}

fn human_one(report: &Report, lang: Lang) -> String {
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
    if let Some(name) = &report.issuer_name {
        match lang {
            Lang::En => out.push_str(&format!("issued by: {}\n", name.en)),
            Lang::Th => out.push_str(&format!("ผู้ออก: {}\n", name.th)),
            Lang::Both => out.push_str(&format!("issued by / ผู้ออก: {} / {}\n", name.en, name.th)),
        }
    }
    if let Some(holder) = &report.holder {
        out.push_str(&format!("holder: {holder}\n"));
    }
    if !report.disclosed.is_empty() {
        match lang {
            Lang::En => out.push_str("disclosed claims:\n"),
            Lang::Th => out.push_str("ข้อมูลที่เปิดเผย:\n"),
            Lang::Both => out.push_str("disclosed claims / ข้อมูลที่เปิดเผย:\n"),
        }
        for claim in &report.disclosed {
            let value = match &claim.value {
                Value::String(s) => s.clone(),
                Value::Object(m) => m
                    .iter()
                    .map(|(k, v)| {
                        format!(
                            "{k}: {}",
                            v.as_str().map_or_else(|| v.to_string(), str::to_owned)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
                other => other.to_string(),
            };
            let label = match lang {
                Lang::En => claim.label.en.clone(),
                Lang::Th => claim.label.th.clone(),
                Lang::Both => format!("{} / {}", claim.label.en, claim.label.th),
            };
            out.push_str(&format!("  {label} ({}): {value}\n", claim.path));
        }
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
