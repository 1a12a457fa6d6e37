//! `elicence present`: a business shows its licences to a verifier, signing
//! a presentation over the verifier's challenge and domain with its own key.

use std::process::ExitCode;

use elicence_verifier::presentation::{self, Presented};

use super::bundle::{now_stamp, parse_time};
use super::load_key;
use crate::cli::PresentArgs;
use crate::error::CliError;
use crate::io;

pub fn present(a: &PresentArgs) -> Result<ExitCode, CliError> {
    let key = load_key(&a.key, &a.passphrase)?;
    let created = a.created.clone().unwrap_or_else(now_stamp);
    parse_time("--created", &created)?;
    let mut credentials = Vec::with_capacity(a.credentials.len());
    for path in &a.credentials {
        let bytes = io::read_input(path)?;
        let text = String::from_utf8(bytes)
            .map_err(|_| CliError::Usage(format!("{}: not UTF-8 text", path.display())))?;
        let text = text.trim();
        if text.starts_with('{') {
            credentials.push(Presented::Json(io::read_json(path)?));
        } else {
            credentials.push(Presented::Jwt(text.to_owned()));
        }
    }
    let vp = presentation::present(&credentials, &key, &a.challenge, &a.domain, &created)
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let mut text = serde_json::to_string_pretty(&vp).unwrap_or_default();
    text.push('\n');
    io::write_output(a.out.as_deref(), text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
