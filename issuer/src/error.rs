//! Errors of the service's library operations (storage, keys, administration).
//! HTTP handlers turn them into problem details (`http::problem`).

use std::path::PathBuf;

/// Why an operation of the issuer service failed.
#[derive(Debug, thiserror::Error)]
pub enum IssuerError {
    /// The configuration file is unreadable or invalid.
    #[error("configuration {path}: {reason}")]
    Config {
        /// The configuration file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The master key is missing or malformed.
    #[error("master key: {0}")]
    MasterKey(String),
    /// A stored secret could not be decrypted (wrong master key or tampering).
    #[error("cannot decrypt a stored key: wrong master key or corrupted database")]
    Decrypt,
    /// The database failed.
    #[error("database: {0}")]
    Database(#[from] rusqlite::Error),
    /// The database answered with an error or an unexpected value.
    #[error("database: {0}")]
    Storage(String),
    /// The database cannot be reached now (PostgreSQL restarting, failing
    /// over, connection lost): a 503 the client retries, never a 500.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// The status index chosen for a credential is already taken (another
    /// instance chose it first): the issuance is retried with another.
    #[error("status index {list}/{index} already used")]
    StatusIndexTaken {
        /// The list.
        list: u32,
        /// The index.
        index: u32,
    },
    /// A key could not be generated, read or used.
    #[error("key: {0}")]
    Key(#[from] elicence_core::keys::KeyError),
    /// A DID could not be built.
    #[error("DID: {0}")]
    Did(#[from] elicence_core::did::DidError),
    /// No agency has this code.
    #[error("no agency with code `{0}`")]
    UnknownAgency(String),
    /// An agency with this code already exists.
    #[error("an agency with code `{0}` already exists")]
    AgencyExists(String),
    /// Agency details are not acceptable.
    #[error("invalid agency: {0}")]
    InvalidAgency(String),
    /// A token request is not acceptable.
    #[error("invalid token request: {0}")]
    InvalidToken(String),
    /// No token has this id.
    #[error("no token with id `{0}`")]
    UnknownToken(String),
    /// The agency has no signing key valid now.
    #[error("agency `{0}` has no signing key valid now")]
    NoValidKey(String),
    /// A status list is full and no new one could be opened.
    #[error("status lists exhausted: {0}")]
    StatusExhausted(String),
    /// The writer thread stopped (the service is shutting down).
    #[error("the storage writer has stopped")]
    WriterStopped,
    /// I/O outside the database.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// A console account request is not acceptable (name, role, password).
    #[error("invalid account: {0}")]
    InvalidAccount(String),
    /// No console account has this user name.
    #[error("no console account `{0}`")]
    UnknownAccount(String),
    /// Signing failed.
    #[error("signing: {0}")]
    Proof(#[from] elicence_core::proof::ProofError),
    /// The HSM (PKCS#11 token) holding agency keys is missing, refused the
    /// PIN, or failed an operation. Never contains the PIN.
    #[error("HSM: {0}")]
    Hsm(String),
    /// The HSM closed the session in use: retried once on a fresh session.
    #[error("HSM session lost: {0}")]
    HsmSession(String),
}
