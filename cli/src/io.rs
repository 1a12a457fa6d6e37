//! Reading inputs from files or stdin and writing outputs safely.

use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::path::Path;

use crate::error::CliError;

/// The most any command reads from one input (credential, DID document,
/// key, trust bundle, picture): far above any real one, so that a wrong
/// path (`/dev/zero`, a disk image) fails at once instead of filling memory.
pub const MAX_INPUT_BYTES: u64 = 64 << 20;

/// Reads a whole file, or stdin when the path is `-`, refusing more than
/// [`MAX_INPUT_BYTES`].
pub fn read_input(path: &Path) -> Result<Vec<u8>, CliError> {
    if path == Path::new("-") {
        read_bounded(std::io::stdin().lock(), path, MAX_INPUT_BYTES)
    } else {
        let file = std::fs::File::open(path).map_err(|e| CliError::io(path, e))?;
        read_bounded(file, path, MAX_INPUT_BYTES)
    }
}

/// Reads all of `reader`, failing with a clear message past `limit` bytes
/// (an endless reader fails after `limit` bytes, not never).
pub fn read_bounded(reader: impl Read, path: &Path, limit: u64) -> Result<Vec<u8>, CliError> {
    let mut buf = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|e| CliError::io(path, e))?;
    if buf.len() as u64 > limit {
        return Err(CliError::Usage(format!(
            "{}: larger than {} MiB; not an input this command reads",
            path.display(),
            limit >> 20
        )));
    }
    Ok(buf)
}

/// Reads and strictly parses a JSON file (duplicate keys rejected).
pub fn read_json(path: &Path) -> Result<serde_json::Value, CliError> {
    let bytes = read_input(path)?;
    elicence_core::json::parse_strict(&bytes).map_err(|e| CliError::Json {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

/// Writes `data` to a file, or stdout when `path` is `None` or `-`.
pub fn write_output(path: Option<&Path>, data: &[u8]) -> Result<(), CliError> {
    match path {
        None => stdout(data),
        Some(p) if p == Path::new("-") => stdout(data),
        Some(p) => std::fs::write(p, data).map_err(|e| CliError::io(p, e)),
    }
}

fn stdout(data: &[u8]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(data)
        .and_then(|()| out.flush())
        .map_err(|e| CliError::io("-", e))
}

/// Creates a secret file readable by its owner only; refuses to overwrite
/// unless `force`, so a key is never lost by a typo.
pub fn write_secret(path: &Path, data: &[u8], force: bool) -> Result<(), CliError> {
    let mut opts = OpenOptions::new();
    opts.write(true);
    if force {
        opts.create(true).truncate(true);
    } else {
        opts.create_new(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut file = opts.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            CliError::Usage(format!(
                "{} already exists; use --force to replace it",
                path.display()
            ))
        } else {
            CliError::io(path, e)
        }
    })?;
    file.write_all(data)
        .and_then(|()| file.sync_all())
        .map_err(|e| CliError::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endless_input_fails_cleanly_after_the_limit() {
        let err = read_bounded(std::io::repeat(0), Path::new("/dev/zero"), 1 << 20).unwrap_err();
        assert!(err.to_string().contains("larger than 1 MiB"), "{err}");
        assert_eq!(
            read_bounded(&b"abc"[..], Path::new("x"), 3).unwrap(),
            b"abc"
        );
    }
}
