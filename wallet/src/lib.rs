//! elicence-wallet: a holder's wallet on the command line.
//!
//! A business receives its licence from an agency over OpenID4VCI 1.0
//! (pre-authorized code with a PIN) and keeps it in a wallet directory with
//! the holder key each credential is bound to, encrypted under the holder's
//! passphrase like agency keys (PKCS#8, scrypt + AES-256). Other commands
//! (`elicence wallet present`) read the wallet through [`Wallet`]. Layout and
//! flows: docs/wallets.md.
//!
//! * [`store`]: the wallet directory: [`Wallet`], [`StoredCredential`], [`Format`].
//! * [`receive`]: the OpenID4VCI client (offer → token → nonce → credential).
//! * [`http`]: the HTTP rules (https, plain http to this machine only).
//! * [`error`]: why an operation failed ([`WalletError`]).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod error;
pub mod http;
pub mod receive;
pub mod store;

pub use error::WalletError;
pub use receive::{receive, ReceiveOptions};
pub use store::{Format, StoredCredential, Wallet};
