//! Why a wallet operation failed.

/// A wallet failure, with what the user can do about it in the message.
#[derive(Debug, thiserror::Error)]
pub enum WalletError {
    /// The offer text is not an offer.
    #[error("credential offer: {0}")]
    Offer(String),
    /// A URL the wallet will not fetch (plain http to another machine).
    #[error("{0}: only https:// URLs are used (plain http only to this machine)")]
    Insecure(String),
    /// The network or the server failed.
    #[error("{url}: {reason}")]
    Http {
        /// What was requested.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// The issuer refused, with the protocol's error code.
    #[error("{endpoint} refused: {code}: {description}")]
    Protocol {
        /// Which endpoint.
        endpoint: String,
        /// The `error` code (`invalid_grant`, `invalid_proof`, ...).
        code: String,
        /// The issuer's `error_description`.
        description: String,
    },
    /// The issuer's answer breaks the protocol.
    #[error("the issuer's answer is invalid: {0}")]
    BadResponse(String),
    /// No credential with this id.
    #[error("no credential `{0}` in the wallet")]
    NotFound(String),
    /// A holder key cannot be made, sealed or opened (wrong passphrase).
    #[error("holder key: {0}")]
    Key(String),
    /// The wallet directory cannot be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// A wallet file is damaged.
    #[error("{path}: {reason}")]
    Corrupt {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
}

impl WalletError {
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> WalletError {
        WalletError::Io {
            path: path.display().to_string(),
            source,
        }
    }
}
