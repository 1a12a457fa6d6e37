//! One error type for the binary: every failure becomes a clear message and exit code 2.

use std::path::PathBuf;

/// Everything that can stop a command before it produces its result.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Reading or writing a file (or stdin/stdout) failed.
    #[error("{path}: {source}")]
    Io {
        /// The file involved (`-` for stdin/stdout).
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The user asked for something that cannot be done as asked.
    #[error("{0}")]
    Usage(String),
    /// A key file could not be read, decrypted or used.
    #[error("key: {0}")]
    Key(#[from] elicence_core::keys::KeyError),
    /// A DID could not be built or resolved.
    #[error("DID: {0}")]
    Did(#[from] elicence_core::did::DidError),
    /// The licence data is not acceptable.
    #[error("licence data: {0}")]
    Licence(#[from] elicence_core::licence::LicenceError),
    /// Signing with a Data Integrity suite failed.
    #[error("proof: {0}")]
    Proof(#[from] elicence_core::proof::ProofError),
    /// Signing a vc+jwt failed.
    #[error("JWT: {0}")]
    Jose(#[from] elicence_core::jose::JoseError),
    /// A QR payload could not be made or read.
    #[error("QR payload: {0}")]
    Qr(#[from] elicence_core::qr::QrError),
    /// A QR image could not be drawn or read.
    #[error("QR image: {0}")]
    QrImage(#[from] elicence_qr_image::QrImageError),
    /// The licence could not be rendered (HTML page or PDF).
    #[error("render: {0}")]
    Render(elicence_render::RenderError),
    /// A JSON input is malformed.
    #[error("{path}: {message}")]
    Json {
        /// The file involved.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
}

impl CliError {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        CliError::Io {
            path: path.into(),
            source,
        }
    }
}

impl From<elicence_render::RenderError> for CliError {
    /// Licence data and QR faults keep their own kinds (and messages).
    fn from(e: elicence_render::RenderError) -> Self {
        use elicence_render::RenderError as R;
        match e {
            R::Licence(e) => CliError::Licence(e),
            R::Qr(e) => CliError::Qr(e),
            R::QrImage(e) => CliError::QrImage(e),
            other => CliError::Render(other),
        }
    }
}
