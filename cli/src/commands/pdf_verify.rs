//! `elicence verify licence.pdf`: the PDF licence. Checks the agency's PAdES
//! signature (unchanged since signing, chain to `--pdf-roots`, time-stamp),
//! takes the signed credential out of the PDF's associated files and
//! verifies it as any other credential (trust bundle included), and checks
//! that the page shows exactly the licence elicence draws for that
//! credential. One bilingual report; exit 0 only when everything holds.

use std::process::ExitCode;

use elicence_core::qr::Secured;
use elicence_pades::{CheckOutcome, PdfSignatureReport};
use elicence_render::pdf::read::{check_text, read, LicencePdf};
use elicence_render::pdf::{CREDENTIAL_JSON_NAME, CREDENTIAL_JWT_NAME};
use elicence_verifier::{Report, Verdict};
use serde_json::{json, Value};
use time::OffsetDateTime;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::SubjectAltName;

use crate::cli::{Lang, VerifyArgs};
use crate::error::CliError;
use crate::io;

/// True when the input is a PDF file.
pub fn is_pdf(bytes: &[u8]) -> bool {
    bytes.starts_with(b"%PDF-")
}

/// One check of the PDF beyond its signature.
struct Line {
    code: &'static str,
    title: (&'static str, &'static str),
    outcome: CheckOutcome,
    reason: (String, String),
}

fn roots(a: &VerifyArgs) -> Result<Vec<x509_cert::Certificate>, CliError> {
    let mut paths = a.pdf_roots.clone();
    if let Some(env) = std::env::var_os("ELICENCE_PDF_ROOTS") {
        paths.extend(std::env::split_paths(&env));
    }
    let mut out = Vec::new();
    for path in paths {
        let bytes = io::read_input(&path)?;
        out.extend(
            elicence_pades::read_certificates(&bytes)
                .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?,
        );
    }
    Ok(out)
}

/// Verifies a licence PDF and prints the report.
pub fn verify_pdf(
    a: &VerifyArgs,
    pdf: &[u8],
    now: OffsetDateTime,
    verify_credential: &dyn Fn(&[u8]) -> Report,
) -> Result<ExitCode, CliError> {
    let roots = roots(a)?;
    let signature = elicence_pades::verify_pdf(pdf, &roots, now);
    let mut lines = Vec::new();
    let mut reports: Vec<(&'static str, Report)> = Vec::new();

    let contents = read(pdf);
    let credential = match &contents {
        Ok(contents) => embedded_credential(contents, &mut lines),
        Err(e) => {
            lines.push(Line {
                code: "pdf-credential",
                title: ("Embedded credential", "ข้อมูลรับรองที่แนบในไฟล์"),
                outcome: CheckOutcome::Fail,
                reason: (
                    format!("the PDF cannot be read: {e}"),
                    format!("อ่านไฟล์ PDF ไม่ได้: {e}"),
                ),
            });
            None
        }
    };
    if let (Some((forms, primary)), Ok(contents)) = (&credential, &contents) {
        for (name, bytes) in forms {
            reports.push((name, verify_credential(bytes)));
        }
        lines.push(text_check(contents, primary));
        lines.push(signer_check(&signature, primary));
    }
    let credential_valid =
        !reports.is_empty() && reports.iter().all(|(_, r)| r.verdict == Verdict::Valid);
    let pdf_ok = signature.passed()
        && lines
            .iter()
            .all(|l| matches!(l.outcome, CheckOutcome::Pass | CheckOutcome::Warning));
    let verdict = if pdf_ok && credential_valid {
        Verdict::Valid
    } else if pdf_ok
        && reports
            .iter()
            .any(|(_, r)| r.verdict == Verdict::CannotDecide)
    {
        Verdict::CannotDecide
    } else {
        Verdict::Invalid
    };

    let text = if a.json {
        let checks: Vec<Value> = signature
            .checks
            .iter()
            .map(|c| {
                check_json(
                    c.code,
                    (c.title_en, c.title_th),
                    c.outcome,
                    (&c.reason_en, &c.reason_th),
                )
            })
            .chain(
                lines
                    .iter()
                    .map(|l| check_json(l.code, l.title, l.outcome, (&l.reason.0, &l.reason.1))),
            )
            .collect();
        let credentials: serde_json::Map<String, Value> = reports
            .iter()
            .map(|(name, r)| {
                (
                    (*name).to_owned(),
                    serde_json::to_value(r).unwrap_or(Value::Null),
                )
            })
            .collect();
        let mut s = serde_json::to_string_pretty(&json!({
            "verdict": verdict,
            "pdf": {
                "signer": signature.signer,
                "level": signature.level.map(|l| format!("PAdES {l}")),
                "timeStampedAt": signature.time_stamped_at.map(|t| t.to_string()),
                "claimedSigningTime": signature.claimed_time,
                "checks": checks,
            },
            "credentials": credentials,
        }))
        .unwrap_or_default();
        s.push('\n');
        s
    } else {
        human(a.lang, verdict, &signature, &lines, &reports)
    };
    io::write_output(None, text.as_bytes())?;
    Ok(if verdict == Verdict::Valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn check_json(
    code: &str,
    title: (&str, &str),
    outcome: CheckOutcome,
    reason: (&String, &String),
) -> Value {
    json!({
        "code": code,
        "outcome": match outcome {
            CheckOutcome::Pass => "pass",
            CheckOutcome::Fail => "fail",
            CheckOutcome::Warning => "warning",
            CheckOutcome::NotRun => "not-run",
        },
        "title": {"en": title.0, "th": title.1},
        "reason": {"en": reason.0, "th": reason.1},
    })
}

type Forms = Vec<(&'static str, Vec<u8>)>;

/// The credential files the PDF carries, and the form the page describes.
fn embedded_credential(contents: &LicencePdf, lines: &mut Vec<Line>) -> Option<(Forms, Secured)> {
    let title = ("Embedded credential", "ข้อมูลรับรองที่แนบในไฟล์");
    let json = contents
        .attachments
        .iter()
        .find(|f| f.name == CREDENTIAL_JSON_NAME);
    let jwt = contents
        .attachments
        .iter()
        .find(|f| f.name == CREDENTIAL_JWT_NAME);
    let mut forms: Forms = Vec::new();
    let mut primary = None;
    if let Some(f) = json {
        match elicence_core::json::parse_strict(&f.bytes) {
            Ok(doc) => primary = Some(Secured::Json(doc)),
            Err(e) => {
                lines.push(Line {
                    code: "pdf-credential",
                    title,
                    outcome: CheckOutcome::Fail,
                    reason: (
                        format!("{CREDENTIAL_JSON_NAME} is not JSON: {e}"),
                        format!("{CREDENTIAL_JSON_NAME} ไม่ใช่ JSON: {e}"),
                    ),
                });
                return None;
            }
        }
        forms.push((CREDENTIAL_JSON_NAME, f.bytes.clone()));
    }
    if let Some(f) = jwt {
        let text = String::from_utf8_lossy(&f.bytes).trim().to_owned();
        if primary.is_none() {
            primary = Some(Secured::Jwt(text.clone()));
        }
        forms.push((CREDENTIAL_JWT_NAME, text.into_bytes()));
    }
    match primary {
        Some(primary) => {
            lines.push(Line {
                code: "pdf-credential",
                title,
                outcome: CheckOutcome::Pass,
                reason: (
                    format!(
                        "carries {}",
                        forms.iter().map(|f| f.0).collect::<Vec<_>>().join(", ")
                    ),
                    format!(
                        "แนบ {}",
                        forms.iter().map(|f| f.0).collect::<Vec<_>>().join(", ")
                    ),
                ),
            });
            Some((forms, primary))
        }
        None => {
            lines.push(Line {
                code: "pdf-credential",
                title,
                outcome: CheckOutcome::Fail,
                reason: (
                    "the PDF carries no signed credential (credential.json or credential.vc.jwt)"
                        .into(),
                    "ไฟล์ PDF ไม่มีข้อมูลรับรองที่ลงลายมือชื่อแนบอยู่".into(),
                ),
            });
            None
        }
    }
}

fn text_check(contents: &LicencePdf, credential: &Secured) -> Line {
    let title = (
        "Printed text matches the credential",
        "ข้อความในเอกสารตรงกับข้อมูลรับรอง",
    );
    match check_text(contents, credential) {
        Ok(()) => Line {
            code: "pdf-visible-text",
            title,
            outcome: CheckOutcome::Pass,
            reason: (
                format!(
                    "the page shows exactly the licence in the credential ({} lines)",
                    contents.lines.len()
                ),
                format!(
                    "เอกสารแสดงข้อมูลใบอนุญาตตรงตามข้อมูลรับรอง ({} บรรทัด)",
                    contents.lines.len()
                ),
            ),
        },
        Err(why) => Line {
            code: "pdf-visible-text",
            title,
            outcome: CheckOutcome::Fail,
            reason: (
                format!("the visible text and the embedded credential disagree: {why}"),
                format!("ข้อความที่แสดงไม่ตรงกับข้อมูลรับรองที่แนบ: {why}"),
            ),
        },
    }
}

/// Whether the PDF's signing certificate names the credential's issuer (its
/// DID as a subjectAltName URI): a warning when not, since the X.509 and DID
/// worlds are linked only by the agency's own statement.
fn signer_check(signature: &PdfSignatureReport, credential: &Secured) -> Line {
    let title = (
        "PDF signer is the credential's issuer",
        "ผู้ลงลายมือชื่อ PDF คือผู้ออกข้อมูลรับรอง",
    );
    let issuer = elicence_render::credential_json(credential)
        .ok()
        .and_then(|doc| {
            let issuer = doc.get("issuer")?;
            issuer
                .as_str()
                .or_else(|| issuer.get("id").and_then(Value::as_str))
                .map(str::to_owned)
        })
        .unwrap_or_default();
    let uris: Vec<String> = signature
        .signer_certificate
        .as_ref()
        .and_then(|c| c.tbs_certificate.extensions.as_ref())
        .into_iter()
        .flatten()
        .filter(|e| e.extn_id == elicence_pades::oids::ID_CE_SUBJECT_ALT_NAME)
        .filter_map(|e| <SubjectAltName as der::Decode>::from_der(e.extn_value.as_bytes()).ok())
        .flat_map(|san| san.0)
        .filter_map(|n| match n {
            GeneralName::UniformResourceIdentifier(uri) => Some(uri.to_string()),
            _ => None,
        })
        .collect();
    if !issuer.is_empty() && uris.contains(&issuer) {
        Line {
            code: "pdf-signer-issuer",
            title,
            outcome: CheckOutcome::Pass,
            reason: (
                format!("the signing certificate names {issuer}"),
                format!("ใบรับรองของผู้ลงลายมือชื่อระบุ {issuer}"),
            ),
        }
    } else {
        Line {
            code: "pdf-signer-issuer",
            title,
            outcome: CheckOutcome::Warning,
            reason: (
                format!("the signing certificate does not name the issuer {issuer} (subjectAltName URI); check the signer is that agency"),
                format!("ใบรับรองของผู้ลงลายมือชื่อไม่ได้ระบุ {issuer} โปรดตรวจว่าผู้ลงลายมือชื่อคือหน่วยงานนั้น"),
            ),
        }
    }
}

fn human(
    lang: Lang,
    verdict: Verdict,
    signature: &PdfSignatureReport,
    lines: &[Line],
    reports: &[(&'static str, Report)],
) -> String {
    let (en, th) = match verdict {
        Verdict::Valid => ("VALID", "ถูกต้อง"),
        Verdict::Invalid => ("INVALID", "ไม่ถูกต้อง"),
        Verdict::CannotDecide => ("CANNOT DECIDE", "ไม่สามารถสรุปได้"),
    };
    let mut out = match lang {
        Lang::En => format!("{en}\n"),
        Lang::Th => format!("{th}\n"),
        Lang::Both => format!("{en} / {th}\n"),
    };
    out.push_str("PDF licence / ใบอนุญาตแบบ PDF:\n");
    if let Some(signer) = &signature.signer {
        out.push_str(&format!("  signed by / ผู้ลงลายมือชื่อ: {signer}\n"));
    }
    if let Some(level) = signature.level {
        out.push_str(&format!("  level / ระดับ: PAdES {level}\n"));
    }
    let mut push = |outcome: CheckOutcome, title: (&str, &str), reason: (&str, &str)| {
        let mark = match outcome {
            CheckOutcome::Pass => "ok  ",
            CheckOutcome::Fail => "FAIL",
            CheckOutcome::Warning => "warn",
            CheckOutcome::NotRun => "----",
        };
        match lang {
            Lang::En => out.push_str(&format!("  [{mark}] {}: {}\n", title.0, reason.0)),
            Lang::Th => out.push_str(&format!("  [{mark}] {}: {}\n", title.1, reason.1)),
            Lang::Both => out.push_str(&format!(
                "  [{mark}] {}: {}\n         {}: {}\n",
                title.0, reason.0, title.1, reason.1
            )),
        }
    };
    for c in &signature.checks {
        push(
            c.outcome,
            (c.title_en, c.title_th),
            (&c.reason_en, &c.reason_th),
        );
    }
    for l in lines {
        push(l.outcome, l.title, (&l.reason.0, &l.reason.1));
    }
    for (name, report) in reports {
        out.push_str(&format!("\n{name}:\n"));
        for line in super::verify::human(report, lang).lines() {
            out.push_str(&format!("    {line}\n"));
        }
    }
    out
}
