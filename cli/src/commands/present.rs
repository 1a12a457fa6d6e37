//! `elicence present`: a business shows its licences to a verifier, signing
//! a presentation over the verifier's challenge and domain with its own key;
//! or, for an SD-JWT VC, keeps only the claims it chooses to disclose and
//! adds a Key Binding JWT over the verifier's nonce and audience.

use std::process::ExitCode;

use elicence_sd_jwt::licence::{is_selected, selector};
use elicence_sd_jwt::{present as present_sd_jwt, KeyBindingRequest};
use elicence_verifier::presentation::{self, Presented};
use time::OffsetDateTime;

use super::bundle::{now_stamp, parse_time};
use super::load_key;
use crate::cli::PresentArgs;
use crate::error::CliError;
use crate::io;

fn is_sd_jwt(text: &str) -> bool {
    !text.contains(char::is_whitespace)
        && text
            .split_once('~')
            .is_some_and(|(jwt, _)| jwt.split('.').count() == 3)
}

pub fn present(a: &PresentArgs) -> Result<ExitCode, CliError> {
    let created = a.created.clone().unwrap_or_else(now_stamp);
    let created_at = parse_time("--created", &created)?;
    let mut texts = Vec::with_capacity(a.credentials.len());
    for path in &a.credentials {
        let bytes = io::read_input(path)?;
        let text = String::from_utf8(bytes)
            .map_err(|_| CliError::Usage(format!("{}: not UTF-8 text", path.display())))?;
        texts.push(text.trim().to_owned());
    }
    if texts.iter().any(|t| is_sd_jwt(t)) {
        let [text] = texts.as_slice() else {
            return Err(CliError::Usage(
                "present one SD-JWT VC at a time (each gets its own Key Binding JWT)".into(),
            ));
        };
        return sd_jwt(a, text, created_at);
    }
    if !a.disclose.is_empty() {
        return Err(CliError::Usage(
            "--disclose is for SD-JWT VCs; a W3C presentation shows each credential whole".into(),
        ));
    }
    let (Some(key), Some(challenge), Some(domain)) = (&a.key, &a.challenge, &a.domain) else {
        return Err(CliError::Usage(
            "a presentation needs --key, --challenge and --domain".into(),
        ));
    };
    let key = load_key(key, &a.passphrase)?;
    let mut credentials = Vec::with_capacity(texts.len());
    for (path, text) in a.credentials.iter().zip(&texts) {
        if text.starts_with('{') {
            credentials.push(Presented::Json(io::read_json(path)?));
        } else {
            credentials.push(Presented::Jwt(text.clone()));
        }
    }
    let vp = presentation::present(&credentials, &key, challenge, domain, &created)
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let mut text = serde_json::to_string_pretty(&vp).unwrap_or_default();
    text.push('\n');
    io::write_output(a.out.as_deref(), text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// Keeps the Disclosures `--disclose` names and, with `--key`, appends a
/// KB-JWT over `--nonce`/`--aud`.
fn sd_jwt(a: &PresentArgs, issued: &str, created: OffsetDateTime) -> Result<ExitCode, CliError> {
    if a.disclose.is_empty() {
        return Err(CliError::Usage(
            "name the claims to disclose with --disclose (e.g. --disclose licenceType,validity,juristicPersonId; `all` for everything)".into(),
        ));
    }
    let names: Vec<&str> = a.disclose.iter().map(String::as_str).collect();
    let keep = selector(&names).map_err(|e| CliError::Usage(e.to_string()))?;
    let key = match &a.key {
        Some(path) => Some(load_key(path, &a.passphrase)?),
        None => None,
    };
    let request = match (&key, &a.challenge, &a.domain) {
        (Some(key), Some(nonce), Some(audience)) => Some(KeyBindingRequest {
            key,
            nonce,
            audience,
            issued_at: created,
        }),
        (None, None, None) => None,
        _ => {
            return Err(CliError::Usage(
                "a Key Binding JWT needs --key (the holder key), --nonce and --aud together; give none of them to present without one".into(),
            ))
        }
    };
    let shown = present_sd_jwt(issued, &|p| is_selected(&keep, p), request.as_ref())
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let mut text = shown;
    text.push('\n');
    io::write_output(a.out.as_deref(), text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
