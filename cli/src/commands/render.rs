//! `elicence render`: the paper licence and the PDF licence.
//!
//! The HTML page (one self-contained file: inline CSS, the QR code as inline
//! SVG, print CSS for A4, Thai and English) and the PDF/A-3 licence with the
//! signed credential embedded both come from `elicence-render`; the PDF is
//! drawn natively (no browser) and, with `--sign-cert`/`--sign-key`, signed
//! with PAdES by the agency. A PNG picture is taken of the HTML page with
//! headless Chromium.
//!
//! The QR code carries the signed credential, so the paper is verifiable
//! offline; the printed text is for people and is not itself the proof.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use elicence_core::qr::Secured;
use elicence_render::pdf::CredentialForms;
use elicence_render::{PrintedLicence, QrContent, QrFallback};
use time::OffsetDateTime;

use super::qr::load_credential;
use crate::cli::RenderArgs;
use crate::error::CliError;
use crate::io;

/// Chromium gets this long to take a picture of one page before it is stopped.
const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(90);

pub fn render(a: &RenderArgs) -> Result<ExitCode, CliError> {
    let credential = load_credential(&a.credential)?;
    let (printed, fallback) = PrintedLicence::new(&credential, a.ec.level(), a.link_qr)?;
    if fallback == Some(QrFallback::CredentialTooLong) {
        eprintln!(
            "warning: the credential does not fit in one QR code at level {}; printing the License Access URL instead",
            a.ec.letter()
        );
    }
    let html = elicence_render::html::printable_page(&printed)?;

    std::fs::create_dir_all(&a.out).map_err(|e| CliError::io(&a.out, e))?;
    let stem = a
        .credential
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| *s != "-")
        .unwrap_or("licence");
    let html_path = a.out.join(format!("{stem}.html"));
    io::write_output(Some(&html_path), html.as_bytes())?;
    println!("{}", html_path.display());
    eprintln!(
        "QR code: version {} at level {}, {:.0} mm printed ({})",
        printed.qr_version()?,
        a.ec.letter(),
        printed.qr_side_mm()?,
        match printed.qr_content {
            QrContent::Credential => "the signed credential",
            QrContent::Link => "the License Access URL",
        }
    );

    if a.pdf {
        let forms = credential_forms(&credential)?;
        let pdf = elicence_render::pdf::render_pdf(
            &forms,
            a.ec.level(),
            a.link_qr || fallback.is_some(),
            OffsetDateTime::now_utc(),
        )?;
        let pdf = super::pdf_sign::sign_if_asked(a, pdf)?;
        let pdf_path = a.out.join(format!("{stem}.pdf"));
        io::write_output(Some(&pdf_path), &pdf)?;
        println!("{}", pdf_path.display());
    }
    if a.png {
        let chromium = find_chromium(a.chromium.as_deref())?;
        let png = a.out.join(format!("{stem}.png"));
        print_with_chromium(&chromium, &html_path, &png)?;
        println!("{}", png.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// The credential as the PDF carries it: the JSON credential (pretty JSON,
/// which its proof does not depend on: Data Integrity signs the canonical
/// form) or the vc+jwt exactly.
fn credential_forms(credential: &Secured) -> Result<CredentialForms, CliError> {
    Ok(match credential {
        Secured::Json(doc) => CredentialForms {
            json: Some(serde_json::to_vec_pretty(doc).map_err(|e| CliError::Usage(e.to_string()))?),
            jwt: None,
        },
        Secured::Jwt(jwt) => CredentialForms {
            json: None,
            jwt: Some(jwt.clone()),
        },
    })
}

// ---------------------------------------------------------------- Chromium

/// The Chromium to run: --chromium, else $ELICENCE_CHROMIUM, else the first known name on PATH.
fn find_chromium(explicit: Option<&Path>) -> Result<PathBuf, CliError> {
    let wanted = explicit
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("ELICENCE_CHROMIUM").map(PathBuf::from));
    if let Some(path) = wanted {
        return resolve_executable(&path).ok_or_else(|| {
            CliError::Usage(format!(
                "Chromium not found at {}; install it with scripts/install-render-deps.sh, or drop --png and open the HTML from a browser",
                path.display()
            ))
        });
    }
    for name in [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ] {
        if let Some(found) = resolve_executable(Path::new(name)) {
            return Ok(found);
        }
    }
    Err(CliError::Usage(
        "--png needs Chromium (or Chrome), and none was found on PATH (chromium, chromium-browser, google-chrome); install it with scripts/install-render-deps.sh, set ELICENCE_CHROMIUM, or print the HTML from a browser".into(),
    ))
}

/// `path` itself if it names a file, else the first match on PATH for a bare name.
fn resolve_executable(path: &Path) -> Option<PathBuf> {
    if path.components().count() > 1 || path.is_absolute() {
        return path.is_file().then(|| path.to_path_buf());
    }
    let dirs = std::env::var_os("PATH")?;
    std::env::split_paths(&dirs)
        .map(|dir| dir.join(path))
        .find(|candidate| candidate.is_file())
}

/// A `file://` URL for an absolute path, percent-encoding all but unreserved bytes.
fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            url.push(char::from(b));
        } else {
            let _ = write!(url, "%{b:02X}");
        }
    }
    url
}

/// Takes a PNG picture of the HTML page with headless Chromium: no network
/// services, no first-run, a fresh throwaway profile, and a time limit.
fn print_with_chromium(chromium: &Path, html: &Path, out: &Path) -> Result<(), CliError> {
    let html_abs = std::fs::canonicalize(html).map_err(|e| CliError::io(html, e))?;
    let out_abs = absolute(out)?;
    let _ = std::fs::remove_file(&out_abs);
    let profile = std::env::temp_dir().join(format!(
        "elicence-chromium-{}-{}",
        std::process::id(),
        OffsetDateTime::now_utc().unix_timestamp_nanos()
    ));
    std::fs::create_dir_all(&profile).map_err(|e| CliError::io(&profile, e))?;

    let mut cmd = Command::new(chromium);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--no-default-browser-check",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    // A4 at 96 CSS px per inch, drawn at twice that (192 dpi).
    cmd.arg("--window-size=794,1123")
        .arg("--force-device-scale-factor=2")
        .arg(format!("--screenshot={}", out_abs.display()));
    cmd.arg(file_url(&html_abs))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let result = run_with_timeout(cmd, chromium);
    let _ = std::fs::remove_dir_all(&profile);
    let stderr = result?;
    let written = std::fs::metadata(&out_abs).map(|m| m.len()).unwrap_or(0);
    if written == 0 {
        let tail: Vec<&str> = stderr.lines().rev().take(5).collect();
        return Err(CliError::Usage(format!(
            "{} did not write {}; its last messages: {}",
            chromium.display(),
            out.display(),
            tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
        )));
    }
    Ok(())
}

fn absolute(path: &Path) -> Result<PathBuf, CliError> {
    if path.is_absolute() {
        return Ok(path.to_path_buf());
    }
    let cwd = std::env::current_dir().map_err(|e| CliError::io(".", e))?;
    Ok(cwd.join(path))
}

/// Runs Chromium, killing it after [`CHROMIUM_TIMEOUT`]; returns its stderr.
fn run_with_timeout(mut cmd: Command, chromium: &Path) -> Result<String, CliError> {
    let mut child = cmd.spawn().map_err(|e| CliError::io(chromium, e))?;
    let stderr = child.stderr.take();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut s) = stderr {
            let _ = std::io::Read::read_to_string(&mut s, &mut text);
        }
        text
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > CHROMIUM_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(CliError::Usage(format!(
                    "{} did not finish within {} s and was stopped",
                    chromium.display(),
                    CHROMIUM_TIMEOUT.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(CliError::io(chromium, e)),
        }
    };
    let text = reader.join().unwrap_or_default();
    if !status.success() {
        return Err(CliError::Usage(format!(
            "{} failed ({status}): {}",
            chromium.display(),
            text.lines().last().unwrap_or("no message")
        )));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_are_percent_encoded() {
        assert_eq!(
            file_url(Path::new("/tmp/a b/ใบ.html")),
            "file:///tmp/a%20b/%E0%B9%83%E0%B8%9A.html"
        );
    }
}
