//! The JSON Schema (draft 2020-12) of a licence's `credentialSubject`, for
//! partners who validate credentials with generic JSON tooling rather than
//! with this crate. It checks shape and character sets; check digits and the
//! id/number agreement need [`super::model::BusinessLicence::from_credential`].

/// The `$id` of the schema, for `credentialSchema` references.
pub const LICENCE_SUBJECT_SCHEMA_ID: &str =
    "https://w3id.org/elicence/schemas/licence-subject-v1.json";

/// The schema document (core/schemas/licence-subject.schema.json).
pub const LICENCE_SUBJECT_SCHEMA: &str = include_str!("../../schemas/licence-subject.schema.json");
