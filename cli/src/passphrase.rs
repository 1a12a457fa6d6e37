//! Where key passphrases come from: a file, an environment variable, or the
//! terminal. Never from a command-line argument (it would show in `ps`).

use std::io::IsTerminal;
use std::path::Path;

use zeroize::Zeroizing;

use crate::error::CliError;

/// The environment variable read for a passphrase when no file is given.
pub const PASSPHRASE_ENV: &str = "ELICENCE_PASSPHRASE";

/// Finds the passphrase for a key file, or explains how to give one.
pub fn obtain(file: Option<&Path>, purpose: &str) -> Result<Zeroizing<Vec<u8>>, CliError> {
    if let Some(path) = file {
        let raw = Zeroizing::new(std::fs::read(path).map_err(|e| CliError::io(path, e))?);
        let trimmed = trim_newline(&raw);
        return non_empty(Zeroizing::new(trimmed.to_vec()));
    }
    if let Some(value) = std::env::var_os(PASSPHRASE_ENV) {
        let value = Zeroizing::new(value.into_encoded_bytes());
        return non_empty(value);
    }
    if std::io::stdin().is_terminal() {
        let typed = rpassword::prompt_password(format!("Passphrase to {purpose}: "))
            .map_err(|e| CliError::io("terminal", e))?;
        return non_empty(Zeroizing::new(typed.into_bytes()));
    }
    Err(CliError::Usage(format!(
        "a passphrase is needed to {purpose}: set {PASSPHRASE_ENV} or use --passphrase-file"
    )))
}

fn trim_newline(raw: &[u8]) -> &[u8] {
    let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
    raw.strip_suffix(b"\r").unwrap_or(raw)
}

fn non_empty(p: Zeroizing<Vec<u8>>) -> Result<Zeroizing<Vec<u8>>, CliError> {
    if p.is_empty() {
        Err(CliError::Usage("the passphrase is empty".into()))
    } else {
        Ok(p)
    }
}
