//! The central licence catalogue: every licence type an agency may issue, its
//! names, legal basis, who issues it, and which optional subject fields that
//! type makes mandatory (docs/catalogue.md).
//!
//! The catalogue travels inside the signed trust bundle, so an inspector's
//! device knows licence types offline and can tell a real type from an
//! invented one.

use elicence_core::licence::model::BilingualText;
use elicence_core::licence::LicenceIri;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Subject fields a catalogue entry may make mandatory: the optional members of
/// the shared subject schema (core/schemas/licence-subject.schema.json).
pub const OPTIONAL_SUBJECT_FIELDS: [&str; 3] = ["id", "conditions", "premises.address.en"];

/// Where in government an issuer sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// A ministry department (กรม) or national office.
    Central,
    /// A provincial office or the provincial governor.
    Provincial,
    /// Local government: municipality, SAO, Bangkok district office.
    Local,
}

/// An agency (or class of agencies) that issues a licence type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IssuingAgency {
    /// Agency code (as in the trust list), or a class code such as `LAO`.
    pub code: String,
    /// The agency's name.
    pub name: BilingualText,
    /// Its level of government.
    pub level: Level,
}

/// One licence type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LicenceType {
    /// The code used in licence IRIs and `credentialSubject.licenceType.code`.
    pub code: String,
    /// The official name.
    pub name: BilingualText,
    /// The form's short name as printed (e.g. ร.ง.๔), if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_name: Option<String>,
    /// Levels of government allowed to issue this type.
    pub issuing_levels: Vec<Level>,
    /// Who issues it, for people reading the catalogue.
    pub issuing_agencies: Vec<IssuingAgency>,
    /// The Act and section the licence is issued under.
    pub legal_basis: BilingualText,
    /// Typical validity as an ISO 8601 duration (`P5Y`), or none for licences
    /// without a fixed term.
    pub typical_validity: Option<String>,
    /// Optional subject fields (see [`OPTIONAL_SUBJECT_FIELDS`]) this type requires.
    #[serde(default)]
    pub required_subject_fields: Vec<String>,
}

/// The catalogue file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Catalogue {
    /// Version label of this catalogue edition.
    pub catalogue_version: String,
    /// True for the sample shipped with elicence: never the official list.
    pub sample_data: bool,
    /// What this catalogue is, shown to whoever inspects it.
    pub notice: BilingualText,
    /// `$id` of the JSON Schema every licence subject must satisfy.
    pub subject_schema: String,
    /// The licence types.
    pub licence_types: Vec<LicenceType>,
}

/// Why a catalogue is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    /// The JSON does not have the catalogue's shape.
    #[error("catalogue: {0}")]
    Shape(String),
    /// A licence type code is not usable in a licence IRI.
    #[error("catalogue: licence type code {code:?}: {reason}")]
    BadCode {
        /// The code.
        code: String,
        /// Why.
        reason: String,
    },
    /// Two entries share a code.
    #[error("catalogue: licence type {0:?} is listed twice")]
    Duplicate(String),
    /// An entry requires a field the shared subject schema does not have.
    #[error("catalogue: licence type {code:?} requires unknown subject field {field:?} (allowed: id, conditions, premises.address.en)")]
    UnknownField {
        /// The licence type.
        code: String,
        /// The field.
        field: String,
    },
    /// An entry has no issuing level.
    #[error("catalogue: licence type {0:?} names no issuing level")]
    NoLevel(String),
    /// A typical validity is not an ISO 8601 duration we understand.
    #[error("catalogue: licence type {code:?}: typicalValidity {value:?} is not a duration like P1Y, P6M or P10Y")]
    BadDuration {
        /// The licence type.
        code: String,
        /// The value.
        value: String,
    },
}

impl Catalogue {
    /// Reads and checks a catalogue: unique codes usable in IRIs, known
    /// required fields, at least one issuing level each.
    pub fn from_json(value: &Value) -> Result<Catalogue, CatalogueError> {
        let catalogue: Catalogue = serde_json::from_value(value.clone())
            .map_err(|e| CatalogueError::Shape(e.to_string()))?;
        let mut seen = std::collections::BTreeSet::new();
        for t in &catalogue.licence_types {
            LicenceIri::new("https://catalogue.invalid", &t.code, "1").map_err(|e| {
                CatalogueError::BadCode {
                    code: t.code.clone(),
                    reason: e.to_string(),
                }
            })?;
            if !seen.insert(t.code.as_str()) {
                return Err(CatalogueError::Duplicate(t.code.clone()));
            }
            if t.issuing_levels.is_empty() {
                return Err(CatalogueError::NoLevel(t.code.clone()));
            }
            if let Some(field) = t
                .required_subject_fields
                .iter()
                .find(|f| !OPTIONAL_SUBJECT_FIELDS.contains(&f.as_str()))
            {
                return Err(CatalogueError::UnknownField {
                    code: t.code.clone(),
                    field: field.clone(),
                });
            }
            if let Some(d) = &t.typical_validity {
                if !is_simple_duration(d) {
                    return Err(CatalogueError::BadDuration {
                        code: t.code.clone(),
                        value: d.clone(),
                    });
                }
            }
        }
        Ok(catalogue)
    }

    /// The entry for a licence type code (exact match).
    pub fn get(&self, code: &str) -> Option<&LicenceType> {
        self.licence_types.iter().find(|t| t.code == code)
    }
}

/// `P<n>Y`, `P<n>M`, `P<n>D` or `P<n>Y<m>M`: what licence terms use.
fn is_simple_duration(d: &str) -> bool {
    let Some(rest) = d.strip_prefix('P') else {
        return false;
    };
    let mut digits = 0;
    let mut units = String::new();
    for c in rest.chars() {
        if c.is_ascii_digit() {
            digits += 1;
        } else if matches!(c, 'Y' | 'M' | 'D') && digits > 0 {
            units.push(c);
            digits = 0;
        } else {
            return false;
        }
    }
    digits == 0 && matches!(units.as_str(), "Y" | "M" | "D" | "YM")
}

/// Whether `subject` has a non-empty value at a dotted path.
pub(crate) fn has_field(subject: &Value, path: &str) -> bool {
    let mut here = subject;
    for part in path.split('.') {
        match here.get(part) {
            Some(v) => here = v,
            None => return false,
        }
    }
    match here {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        for ok in ["P1Y", "P6M", "P10Y", "P1Y6M", "P30D"] {
            assert!(is_simple_duration(ok), "{ok}");
        }
        for bad in ["", "P", "1Y", "PY", "P1", "P1Y1Y", "P1H", "P-1Y"] {
            assert!(!is_simple_duration(bad), "{bad}");
        }
    }
}
