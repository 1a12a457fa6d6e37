//! W3C Bitstring Status List 1.0: revocation and suspension of licences.
//!
//! An issuer gives each licence a random, never reused position
//! ([`IndexAllocator`]) in a large bitstring ([`Bitstring`]) and publishes the
//! compressed list as a signed `BitstringStatusListCredential`
//! ([`status_list_credential`], then `proof::sign` or `jose::sign_vc_jwt`).
//! The licence's `credentialStatus` ([`StatusListEntry`]) names the list and
//! the position; a verifier holding a snapshot of the list reads the bit with
//! [`check_status`] after verifying the list's proof.
//!
//! Pure functions only (no clock, no randomness of its own, no I/O), so the
//! offline verifier runs the same code in a phone browser. See
//! `docs/status-list.md` for our profile.

mod allocator;
mod bitstring;
mod credential;
mod entry;
mod error;
pub mod gzip;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use allocator::IndexAllocator;
pub use bitstring::{Bitstring, MAX_BYTES, MIN_BITS};
pub use credential::{
    check_status, check_status_with_minimum, status_list_credential, StatusResult,
    LIST_CREDENTIAL_TYPE, LIST_SUBJECT_TYPE, MIN_ENTRIES,
};
pub use entry::{StatusListEntry, StatusMessage, ENTRY_TYPE};
pub use error::StatusError;

/// What a status list says about a credential: the `statusPurpose` values the
/// spec defines (§2.1). The spec allows other strings, but a verifier cannot
/// act on a purpose it does not understand, so we reject them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StatusPurpose {
    /// A newer credential is available from the refresh service; the
    /// credential stays valid. Not reversible.
    Refresh,
    /// The credential is cancelled. Not reversible.
    Revocation,
    /// The credential is temporarily not to be accepted. Reversible.
    Suspension,
    /// The status value selects one of the entry's `statusMessage`s.
    Message,
}

impl StatusPurpose {
    /// The spec's name, as written in `statusPurpose`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Refresh => "refresh",
            Self::Revocation => "revocation",
            Self::Suspension => "suspension",
            Self::Message => "message",
        }
    }
}

impl fmt::Display for StatusPurpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for StatusPurpose {
    type Err = StatusError;

    /// Exact, case-sensitive match on the spec's names.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "refresh" => Ok(Self::Refresh),
            "revocation" => Ok(Self::Revocation),
            "suspension" => Ok(Self::Suspension),
            "message" => Ok(Self::Message),
            other => Err(StatusError::UnsupportedPurpose(other.into())),
        }
    }
}

/// The width of one status entry in bits (`statusSize`). The spec allows any
/// positive integer; we support 1 to 8 so that a value fits a `u8` and its
/// `statusMessage` table (2^size rows) stays small.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusSize(u8);

impl StatusSize {
    /// One bit per entry, the spec's default.
    pub const ONE: Self = Self(1);
    /// The widest entry we support.
    pub const MAX_BITS: u8 = 8;

    /// A size of `bits` bits: 1 to 8.
    pub fn new(bits: u64) -> Result<Self, StatusError> {
        match bits {
            0 => Err(StatusError::MalformedEntry {
                field: "statusSize",
                reason: "must be an integer greater than zero".into(),
            }),
            1..=8 => Ok(Self(bits as u8)),
            _ => Err(StatusError::UnsupportedStatusSize(bits)),
        }
    }

    /// The width in bits.
    pub fn bits(self) -> u8 {
        self.0
    }

    /// How many status values an entry can hold (2^bits), which is also how
    /// many `statusMessage` rows a multi-bit entry needs.
    pub fn values(self) -> u16 {
        1u16 << self.0
    }
}

impl Default for StatusSize {
    fn default() -> Self {
        Self::ONE
    }
}
