//! The error of the licence model: always names the offending field.

use super::iri::LicenceIriError;
use super::thai_id::ThaiIdError;

/// Why licence data or a licence credential is rejected; always names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LicenceError {
    /// The field holds an invalid Thai ID.
    #[error("{field}: {source}")]
    ThaiId {
        /// Path of the field.
        field: String,
        /// What is wrong with the ID.
        source: ThaiIdError,
    },
    /// A valid Thai ID that is not a juristic person's (those start with 0).
    #[error("{field}: {id} is not a juristic person ID (juristic person IDs start with 0)")]
    NotJuristic {
        /// Path of the field.
        field: String,
        /// The ID as written.
        id: String,
    },
    /// The licence IRI cannot be built or parsed.
    #[error("{field}: {source}")]
    Iri {
        /// Path of the field.
        field: String,
        /// What is wrong with it.
        source: LicenceIriError,
    },
    /// A required field is absent.
    #[error("{field}: missing")]
    Missing {
        /// Path of the field.
        field: String,
    },
    /// The field has the wrong JSON type.
    #[error("{field}: must be {expected}")]
    WrongType {
        /// Path of the field.
        field: String,
        /// What it must be, e.g. "a string".
        expected: &'static str,
    },
    /// Required text or list is empty.
    #[error("{field}: must not be empty")]
    Empty {
        /// Path of the field.
        field: String,
    },
    /// Text starts or ends with whitespace, invisible on a printed licence.
    #[error("{field}: must not start or end with whitespace")]
    SurroundingWhitespace {
        /// Path of the field.
        field: String,
    },
    /// Text holds a control character (line breaks are allowed only in
    /// addresses, activities and conditions).
    #[error("{field}: control character U+{code:04X} is not allowed", code = u32::from(*character))]
    ControlCharacter {
        /// Path of the field.
        field: String,
        /// The character.
        character: char,
    },
    /// Not a syntactically valid DID.
    #[error("{field}: {value:?} is not a DID: {reason}")]
    NotADid {
        /// Path of the field.
        field: String,
        /// The value as written.
        value: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// Not an RFC 3339 date-time with a time zone offset.
    #[error("{field}: {value:?} is not a date-time YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm) (year 0001-9999, uppercase T and Z, no leap second, at most 9 fraction digits)")]
    BadDateTime {
        /// Path of the field.
        field: String,
        /// The value as written.
        value: String,
    },
    /// `validUntil` is not later than `validFrom`.
    #[error("{field}: {valid_until} must be later than validFrom {valid_from}")]
    ValidityPeriod {
        /// Path of the `validUntil` field.
        field: String,
        /// `validFrom` as written.
        valid_from: String,
        /// `validUntil` as written.
        valid_until: String,
    },
    /// The field holds a value other than the one required.
    #[error("{field}: expected {expected}, found {found}")]
    UnexpectedValue {
        /// Path of the field.
        field: String,
        /// What was required.
        expected: String,
        /// What was found.
        found: String,
    },
    /// The same text appears twice in a set-valued field. JSON-LD makes the
    /// field a set, so the copy is not signed; some verifiers (ssi 0.16)
    /// hash it anyway and would reject the licence (docs/interop.md).
    #[error("{field}: {value:?} appears more than once (at {first} and {second})")]
    Duplicate {
        /// Path of the field.
        field: String,
        /// The repeated text.
        value: String,
        /// Index of the first occurrence.
        first: usize,
        /// Index of the repeat.
        second: usize,
    },
    /// A `credentialStatus` entry breaks the Bitstring Status List rules.
    #[error("{field}: {source}")]
    Status {
        /// Path of the entry.
        field: String,
        /// The rule it breaks.
        source: crate::status::StatusError,
    },
}

impl LicenceError {
    /// The path of the offending field, e.g. `licensee.juristicPersonId`.
    pub fn field(&self) -> &str {
        match self {
            LicenceError::ThaiId { field, .. }
            | LicenceError::NotJuristic { field, .. }
            | LicenceError::Iri { field, .. }
            | LicenceError::Missing { field }
            | LicenceError::WrongType { field, .. }
            | LicenceError::Empty { field }
            | LicenceError::SurroundingWhitespace { field }
            | LicenceError::ControlCharacter { field, .. }
            | LicenceError::NotADid { field, .. }
            | LicenceError::BadDateTime { field, .. }
            | LicenceError::ValidityPeriod { field, .. }
            | LicenceError::UnexpectedValue { field, .. }
            | LicenceError::Duplicate { field, .. }
            | LicenceError::Status { field, .. } => field,
        }
    }
}
