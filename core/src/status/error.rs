//! Typed errors for Bitstring Status List processing.

/// Why a status list, a status entry or a status check was rejected. Status
/// checking fails closed: any of these means "status unknown", never "valid".
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum StatusError {
    /// `encodedList` does not start with the multibase prefix `u`
    /// (base64url, no padding), the only one the spec allows.
    #[error("encodedList must start with the multibase prefix `u` (base64url, no padding), found {found:?}")]
    MultibasePrefix {
        /// The first character, if any.
        found: Option<char>,
    },
    /// The text after `u` is not canonical base64url without padding.
    #[error("encodedList is not base64url without padding: {0}")]
    Base64(String),
    /// The decoded bytes do not start with the GZIP magic number.
    #[error("encodedList is not GZIP data (RFC 1952 magic number missing)")]
    NotGzip,
    /// The GZIP member is malformed: bad header, bad DEFLATE data, checksum
    /// or length mismatch, or bytes after the member.
    #[error("corrupt GZIP data: {0}")]
    CorruptGzip(String),
    /// The GZIP data ends before the member does.
    #[error("truncated GZIP data")]
    Truncated,
    /// The bitstring is larger than the limit (a decompression bomb, or a list
    /// no verifier should have to hold).
    #[error("the bitstring exceeds the {limit_bytes}-byte limit")]
    TooLarge {
        /// The limit in bytes.
        limit_bytes: usize,
    },
    /// The bitstring has no bits at all.
    #[error("the bitstring is empty")]
    EmptyList,
    /// A new bitstring was requested with an unusable length.
    #[error("invalid bitstring length of {bits} bits: {reason}")]
    InvalidLength {
        /// The requested length in bits.
        bits: usize,
        /// Why it cannot be used.
        reason: &'static str,
    },
    /// The status list holds fewer entries than the herd-privacy minimum
    /// (spec: STATUS_LIST_LENGTH_ERROR).
    #[error("the status list has {entries} entries, fewer than the required {minimum}")]
    ListTooShort {
        /// Entries in the list (bits / statusSize).
        entries: u64,
        /// The minimum required.
        minimum: u64,
    },
    /// The index lies outside the list (spec: RANGE_ERROR).
    #[error("status index {index} is outside the list of {entries} entries")]
    IndexOutOfRange {
        /// The requested index.
        index: u64,
        /// Entries in the list.
        entries: u64,
    },
    /// `statusSize` is a positive integer above the 8 bits we support.
    #[error("statusSize {0} is not supported (1 to 8 bits)")]
    UnsupportedStatusSize(u64),
    /// A status value does not fit in `statusSize` bits.
    #[error("status value {value} does not fit in {status_size} bit(s)")]
    ValueTooLarge {
        /// The value.
        value: u8,
        /// The entry size in bits.
        status_size: u8,
    },
    /// A `credentialStatus` entry breaks a MUST of the data model
    /// (spec: MALFORMED_VALUE_ERROR).
    #[error("malformed status entry: `{field}` {reason}")]
    MalformedEntry {
        /// The member at fault.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A `credentialStatus` entry is not a `BitstringStatusListEntry`.
    #[error("unsupported credentialStatus type {0} (expected BitstringStatusListEntry)")]
    UnsupportedEntryType(String),
    /// `statusPurpose` is not one of the four purposes the spec defines.
    #[error(
        "unsupported statusPurpose `{0}` (expected refresh, revocation, suspension or message)"
    )]
    UnsupportedPurpose(String),
    /// The status list credential breaks a MUST of the data model
    /// (spec: MALFORMED_VALUE_ERROR).
    #[error("malformed status list credential: `{field}` {reason}")]
    MalformedListCredential {
        /// The member at fault.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The list credential is not the one the entry points to.
    #[error("the status list credential is `{found}`, but the entry points to `{expected}`")]
    ListIdMismatch {
        /// The entry's `statusListCredential`.
        expected: String,
        /// The list credential's `id`.
        found: String,
    },
    /// The list is published for other purposes than the entry's
    /// (spec: STATUS_VERIFICATION_ERROR).
    #[error("the entry's statusPurpose `{entry}` is not among the list's {list:?}")]
    PurposeMismatch {
        /// The entry's purpose.
        entry: String,
        /// The list's purposes.
        list: Vec<String>,
    },
    /// The list states a `statusSize` different from the entry's
    /// (spec: STATUS_VERIFICATION_ERROR).
    #[error("the list's statusSize {list} differs from the entry's {entry}")]
    StatusSizeMismatch {
        /// The entry's size.
        entry: u8,
        /// The list's size.
        list: u64,
    },
    /// A status list credential cannot be generated from these inputs.
    #[error("cannot generate the status list credential: {0}")]
    InvalidListCredentialInput(String),
    /// The allocator was asked for an empty list or one larger than any list
    /// we can hold.
    #[error("an index allocator needs 1 to 134,217,728 entries, not {entries}")]
    InvalidAllocatorSize {
        /// The requested number of entries.
        entries: u64,
    },
    /// Every index of the list is taken: the issuer starts a new list.
    #[error("all {entries} indexes of the status list are used: start a new list")]
    ListFull {
        /// Entries in the list.
        entries: u64,
    },
}

impl StatusError {
    /// The error name the specifications use (Bitstring Status List §3.5 and
    /// VC Data Model 2.0 §7.1), for problem-details responses and reports;
    /// `None` for issuer-side errors the specs do not name.
    pub fn spec_code(&self) -> Option<&'static str> {
        match self {
            Self::MultibasePrefix { .. }
            | Self::Base64(_)
            | Self::NotGzip
            | Self::CorruptGzip(_)
            | Self::Truncated
            | Self::TooLarge { .. }
            | Self::EmptyList
            | Self::UnsupportedStatusSize(_)
            | Self::MalformedEntry { .. }
            | Self::UnsupportedEntryType(_)
            | Self::UnsupportedPurpose(_)
            | Self::MalformedListCredential { .. } => Some("MALFORMED_VALUE_ERROR"),
            Self::ListTooShort { .. } => Some("STATUS_LIST_LENGTH_ERROR"),
            Self::IndexOutOfRange { .. } => Some("RANGE_ERROR"),
            Self::ListIdMismatch { .. }
            | Self::PurposeMismatch { .. }
            | Self::StatusSizeMismatch { .. } => Some("STATUS_VERIFICATION_ERROR"),
            Self::InvalidLength { .. }
            | Self::ValueTooLarge { .. }
            | Self::InvalidListCredentialInput(_)
            | Self::InvalidAllocatorSize { .. }
            | Self::ListFull { .. } => None,
        }
    }
}
