//! The business-licence credential: what an agency provides ([`LicenceData`]),
//! the unsigned VC Data Model 2.0 credential built from it, and the typed view
//! of a received credential ([`BusinessLicence`]) for verification reports.
//!
//! Every error names the field to fix: input paths (`licensee.juristicPersonId`)
//! for [`LicenceData`], credential paths
//! (`credentialSubject.licensee.juristicPersonId`) for [`BusinessLicence`].

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

use super::checks::{
    as_object, as_str, check_address, check_bilingual, check_did, check_list, check_status,
    check_text, check_unique, format_date, juristic_id, member, string_list, validity, Lines,
};
use super::context::{LICENCE_CONTEXT_URL, VC_V2_CONTEXT_URL};
pub use super::error::LicenceError;
use super::iri::{LicenceIri, LicenceIriError};
use super::thai_id::ThaiId;

/// The credential type every licence carries besides `VerifiableCredential`.
pub const CREDENTIAL_TYPE: &str = "BusinessLicenceCredential";
/// The type of the credential subject.
pub const SUBJECT_TYPE: &str = "LicensedBusiness";

/// Text required in both Thai and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BilingualText {
    /// Thai.
    pub th: String,
    /// English.
    pub en: String,
}

/// An address: Thai is authoritative, English optional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// The address in Thai.
    pub th: String,
    /// The address in English, if the agency has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

/// The issuing agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IssuerData {
    /// The agency's DID, e.g. `did:web:licence.example.go.th`.
    pub id: String,
    /// The agency's name.
    pub name: BilingualText,
    /// HTTPS base URL under which the agency's licence IRIs live.
    pub base_url: String,
}

/// The kind of licence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LicenceTypeData {
    /// Short code, part of the licence IRI (e.g. `food-sale`).
    pub code: String,
    /// Human-readable name of the licence type.
    pub name: BilingualText,
}

/// The juristic person holding the licence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LicenseeData {
    /// 13-digit juristic person ID (validated, must start with 0).
    pub juristic_person_id: String,
    /// Registered name.
    pub name: BilingualText,
}

/// Where the licensed business operates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PremisesData {
    /// The address of the premises.
    pub address: Address,
}

/// What an agency provides to issue one licence (e.g. one JSON file per
/// licence). Unknown fields are rejected so typos fail loudly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LicenceData {
    /// The issuing agency.
    pub issuer: IssuerData,
    /// The kind of licence.
    pub licence_type: LicenceTypeData,
    /// The licence number exactly as the agency writes it (Thai allowed).
    pub licence_number: String,
    /// The holder of the licence.
    pub licensee: LicenseeData,
    /// The business's DID, when it has one, so it can later present the licence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_did: Option<String>,
    /// Where the business operates.
    pub premises: PremisesData,
    /// What the licence permits; at least one.
    pub permitted_activities: Vec<String>,
    /// Conditions attached to the licence, in order; may be empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<String>,
    /// Start of validity, RFC 3339 with time zone.
    pub valid_from: String,
    /// End of validity, RFC 3339 with time zone, later than `valid_from`.
    pub valid_until: String,
    /// `credentialStatus`: one entry object (e.g. a `BitstringStatusListEntry`) or
    /// an array of them (one per status purpose, e.g. revocation and suspension),
    /// copied as is after validation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_status: Option<Value>,
}

impl LicenceData {
    /// The licence IRI this data gets (validates base URL, type code, number).
    pub fn licence_iri(&self) -> Result<LicenceIri, LicenceError> {
        LicenceIri::new(
            &self.issuer.base_url,
            &self.licence_type.code,
            &self.licence_number,
        )
        .map_err(|source| {
            let field = match source {
                LicenceIriError::BaseUrl(_) => "issuer.baseUrl",
                LicenceIriError::TypeCode(_) => "licenceType.code",
                _ => "licenceNumber",
            };
            LicenceError::Iri {
                field: field.to_owned(),
                source,
            }
        })
    }

    /// Validates everything and builds the unsigned credential, `@context` first.
    pub fn to_credential(&self) -> Result<Value, LicenceError> {
        check_did("issuer.id", &self.issuer.id)?;
        check_bilingual("issuer.name", &self.issuer.name)?;
        let iri = self.licence_iri()?;
        check_text(
            "licenceType.name.th",
            &self.licence_type.name.th,
            Lines::One,
        )?;
        check_text(
            "licenceType.name.en",
            &self.licence_type.name.en,
            Lines::One,
        )?;
        let licensee_id = juristic_id(
            "licensee.juristicPersonId",
            &self.licensee.juristic_person_id,
        )?;
        check_bilingual("licensee.name", &self.licensee.name)?;
        if let Some(did) = &self.business_did {
            check_did("businessDid", did)?;
        }
        check_address("premises.address", &self.premises.address)?;
        check_list("permittedActivities", &self.permitted_activities, true)?;
        check_unique("permittedActivities", &self.permitted_activities)?;
        check_list("conditions", &self.conditions, false)?;
        // A repeated condition says nothing new, and many repeats make the
        // RDF list indistinguishable node by node: canonicalization refuses
        // it as too complex (a poison-graph guard), so refuse it here by name.
        check_unique("conditions", &self.conditions)?;
        let (valid_from, valid_until) = validity(
            "validFrom",
            &self.valid_from,
            "validUntil",
            &self.valid_until,
        )?;
        if let Some(status) = &self.credential_status {
            status_entries(status, "credentialStatus")?;
        }

        let mut address = Map::new();
        address.insert("th".into(), json!(self.premises.address.th));
        if let Some(en) = &self.premises.address.en {
            address.insert("en".into(), json!(en));
        }
        let mut subject = Map::new();
        if let Some(did) = &self.business_did {
            subject.insert("id".into(), json!(did));
        }
        subject.insert("type".into(), json!(SUBJECT_TYPE));
        subject.insert(
            "licensee".into(),
            json!({
                "juristicPersonId": licensee_id.as_str(),
                "legalName": {"th": self.licensee.name.th, "en": self.licensee.name.en},
            }),
        );
        subject.insert("licenceNumber".into(), json!(self.licence_number));
        subject.insert(
            "licenceType".into(),
            json!({
                "code": self.licence_type.code,
                "title": {"th": self.licence_type.name.th, "en": self.licence_type.name.en},
            }),
        );
        subject.insert("premises".into(), json!({ "address": address }));
        subject.insert(
            "permittedActivities".into(),
            json!(self.permitted_activities),
        );
        if !self.conditions.is_empty() {
            subject.insert("conditions".into(), json!(self.conditions));
        }

        let mut credential = Map::new();
        credential.insert(
            "@context".into(),
            json!([VC_V2_CONTEXT_URL, LICENCE_CONTEXT_URL]),
        );
        credential.insert("id".into(), json!(iri.as_str()));
        credential.insert(
            "type".into(),
            json!(["VerifiableCredential", CREDENTIAL_TYPE]),
        );
        credential.insert(
            "issuer".into(),
            json!({
                "id": self.issuer.id,
                "name": [
                    {"@value": self.issuer.name.th, "@language": "th"},
                    {"@value": self.issuer.name.en, "@language": "en"},
                ],
            }),
        );
        credential.insert(
            "validFrom".into(),
            json!(format_date("validFrom", valid_from)?),
        );
        credential.insert(
            "validUntil".into(),
            json!(format_date("validUntil", valid_until)?),
        );
        credential.insert("credentialSubject".into(), Value::Object(subject));
        if let Some(status) = &self.credential_status {
            credential.insert("credentialStatus".into(), status.clone());
        }
        Ok(Value::Object(credential))
    }
}

/// A licence credential read back into typed fields, for display.
#[derive(Debug, Clone, PartialEq)]
pub struct BusinessLicence {
    /// The credential `id`.
    pub iri: LicenceIri,
    /// The issuer's DID.
    pub issuer_id: String,
    /// The issuer's name.
    pub issuer_name: BilingualText,
    /// Start of validity.
    pub valid_from: OffsetDateTime,
    /// End of validity.
    pub valid_until: OffsetDateTime,
    /// The business's DID (`credentialSubject.id`), if any.
    pub business_did: Option<String>,
    /// The licensee's juristic person ID.
    pub licensee_id: ThaiId,
    /// The licensee's registered name.
    pub licensee_name: BilingualText,
    /// The licence number as the agency wrote it.
    pub licence_number: String,
    /// The licence type code.
    pub licence_type_code: String,
    /// The licence type's name.
    pub licence_type_name: BilingualText,
    /// The premises address.
    pub premises_address: Address,
    /// What the licence permits.
    pub permitted_activities: Vec<String>,
    /// Conditions, in order (empty when absent).
    pub conditions: Vec<String>,
    /// The `credentialStatus` entries (empty when absent), one per purpose.
    pub credential_status: Vec<Map<String, Value>>,
}

impl BusinessLicence {
    /// Reads a licence credential (signed or not; `proof` is ignored here),
    /// applying the same rules as [`LicenceData::to_credential`] and checking
    /// that `id` encodes the subject's licence type code and number.
    pub fn from_credential(credential: &Value) -> Result<BusinessLicence, LicenceError> {
        let root = as_object(credential, "credential")?;
        check_context_list(root)?;
        check_types(
            member(root, "", "type")?,
            "type",
            &["VerifiableCredential", CREDENTIAL_TYPE],
        )?;
        let id = as_str(member(root, "", "id")?, "id")?;
        let iri = LicenceIri::parse(id).map_err(|source| LicenceError::Iri {
            field: "id".into(),
            source,
        })?;

        let issuer = as_object(member(root, "", "issuer")?, "issuer")?;
        let issuer_id = as_str(member(issuer, "issuer", "id")?, "issuer.id")?;
        check_did("issuer.id", issuer_id)?;
        let issuer_name = language_values(member(issuer, "issuer", "name")?, "issuer.name")?;

        let from_text = as_str(member(root, "", "validFrom")?, "validFrom")?;
        let until_text = as_str(member(root, "", "validUntil")?, "validUntil")?;
        let (valid_from, valid_until) = validity("validFrom", from_text, "validUntil", until_text)?;

        let subject = as_object(member(root, "", "credentialSubject")?, "credentialSubject")?;
        let s = "credentialSubject";
        let business_did = match subject.get("id") {
            Some(value) => {
                let did = as_str(value, "credentialSubject.id")?;
                check_did("credentialSubject.id", did)?;
                Some(did.to_owned())
            }
            None => None,
        };
        check_types(
            member(subject, s, "type")?,
            "credentialSubject.type",
            &[SUBJECT_TYPE],
        )?;

        let licensee = as_object(
            member(subject, s, "licensee")?,
            "credentialSubject.licensee",
        )?;
        let licensee_id = juristic_id(
            "credentialSubject.licensee.juristicPersonId",
            as_str(
                member(licensee, "credentialSubject.licensee", "juristicPersonId")?,
                "credentialSubject.licensee.juristicPersonId",
            )?,
        )?;
        let licensee_name = language_map(
            member(licensee, "credentialSubject.licensee", "legalName")?,
            "credentialSubject.licensee.legalName",
        )?;

        let licence_number = as_str(
            member(subject, s, "licenceNumber")?,
            "credentialSubject.licenceNumber",
        )?;
        let licence_type = as_object(
            member(subject, s, "licenceType")?,
            "credentialSubject.licenceType",
        )?;
        let type_code = as_str(
            member(licence_type, "credentialSubject.licenceType", "code")?,
            "credentialSubject.licenceType.code",
        )?;
        let licence_type_name = language_map(
            member(licence_type, "credentialSubject.licenceType", "title")?,
            "credentialSubject.licenceType.title",
        )?;
        if iri.type_code() != type_code {
            return Err(LicenceError::UnexpectedValue {
                field: "credentialSubject.licenceType.code".into(),
                expected: format!("{:?} (from id)", iri.type_code()),
                found: format!("{type_code:?}"),
            });
        }
        if iri.number() != licence_number {
            return Err(LicenceError::UnexpectedValue {
                field: "credentialSubject.licenceNumber".into(),
                expected: format!("{:?} (from id)", iri.number()),
                found: format!("{licence_number:?}"),
            });
        }

        let premises = as_object(
            member(subject, s, "premises")?,
            "credentialSubject.premises",
        )?;
        let premises_address = address_map(
            member(premises, "credentialSubject.premises", "address")?,
            "credentialSubject.premises.address",
        )?;
        let permitted_activities = string_list(
            member(subject, s, "permittedActivities")?,
            "credentialSubject.permittedActivities",
        )?;
        check_list(
            "credentialSubject.permittedActivities",
            &permitted_activities,
            true,
        )?;
        let conditions = match subject.get("conditions") {
            Some(value) => string_list(value, "credentialSubject.conditions")?,
            None => Vec::new(),
        };
        check_list("credentialSubject.conditions", &conditions, false)?;

        let credential_status = match root.get("credentialStatus") {
            Some(value) => status_entries(value, "credentialStatus")?,
            None => Vec::new(),
        };

        Ok(BusinessLicence {
            issuer_id: issuer_id.to_owned(),
            issuer_name,
            valid_from,
            valid_until,
            business_did,
            licensee_id,
            licensee_name,
            licence_number: licence_number.to_owned(),
            licence_type_code: type_code.to_owned(),
            licence_type_name,
            premises_address,
            permitted_activities,
            conditions,
            credential_status,
            iri,
        })
    }
}

/// `@context` must start with the VC 2.0 context and include the licence context.
fn check_context_list(root: &Map<String, Value>) -> Result<(), LicenceError> {
    let contexts =
        member(root, "", "@context")?
            .as_array()
            .ok_or_else(|| LicenceError::WrongType {
                field: "@context".into(),
                expected: "an array",
            })?;
    let first = contexts.first().and_then(Value::as_str).unwrap_or_default();
    if first != VC_V2_CONTEXT_URL {
        return Err(LicenceError::UnexpectedValue {
            field: "@context[0]".into(),
            expected: VC_V2_CONTEXT_URL.into(),
            found: first.into(),
        });
    }
    if !contexts
        .iter()
        .any(|c| c.as_str() == Some(LICENCE_CONTEXT_URL))
    {
        return Err(LicenceError::Missing {
            field: format!("@context: {LICENCE_CONTEXT_URL}"),
        });
    }
    Ok(())
}

/// `type` (a string or an array of strings) must include every one of `required`.
fn check_types(value: &Value, field: &str, required: &[&str]) -> Result<(), LicenceError> {
    let types: Vec<&str> = match value {
        Value::String(t) => vec![t.as_str()],
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(index, item)| as_str(item, &format!("{field}[{index}]")))
            .collect::<Result<_, _>>()?,
        _ => {
            return Err(LicenceError::WrongType {
                field: field.into(),
                expected: "a string or an array of strings",
            })
        }
    };
    for wanted in required {
        if !types.contains(wanted) {
            return Err(LicenceError::UnexpectedValue {
                field: field.into(),
                expected: format!("a type list including {wanted}"),
                found: types.join(", "),
            });
        }
    }
    Ok(())
}

/// A `@container: @language` map `{"th": ..., "en": ...}`; other languages are ignored.
fn language_map(value: &Value, field: &str) -> Result<BilingualText, LicenceError> {
    let map = as_object(value, field)?;
    let get = |lang: &str| -> Result<String, LicenceError> {
        let here = format!("{field}.{lang}");
        let text = as_str(member(map, field, lang)?, &here)?;
        check_text(&here, text, Lines::One)?;
        Ok(text.to_owned())
    };
    Ok(BilingualText {
        th: get("th")?,
        en: get("en")?,
    })
}

fn address_map(value: &Value, field: &str) -> Result<Address, LicenceError> {
    let map = as_object(value, field)?;
    let th_field = format!("{field}.th");
    let th = as_str(member(map, field, "th")?, &th_field)?;
    check_text(&th_field, th, Lines::Many)?;
    let en = match map.get("en") {
        Some(en) => {
            let en_field = format!("{field}.en");
            let en = as_str(en, &en_field)?;
            check_text(&en_field, en, Lines::Many)?;
            Some(en.to_owned())
        }
        None => None,
    };
    Ok(Address {
        th: th.to_owned(),
        en,
    })
}

/// VC 2.0 language value objects `[{"@value": ..., "@language": "th"}, ...]`.
fn language_values(value: &Value, field: &str) -> Result<BilingualText, LicenceError> {
    let items = value.as_array().ok_or_else(|| LicenceError::WrongType {
        field: field.into(),
        expected: "an array of language value objects",
    })?;
    let mut th = None;
    let mut en = None;
    for (index, item) in items.iter().enumerate() {
        let here = format!("{field}[{index}]");
        let object = as_object(item, &here)?;
        let text = as_str(member(object, &here, "@value")?, &format!("{here}.@value"))?;
        let language = as_str(
            member(object, &here, "@language")?,
            &format!("{here}.@language"),
        )?;
        check_text(&format!("{here}.@value"), text, Lines::One)?;
        match language {
            "th" => th = Some(text.to_owned()),
            "en" => en = Some(text.to_owned()),
            _ => {}
        }
    }
    let missing = |lang: &str| LicenceError::Missing {
        field: format!("{field}: value with @language {lang:?}"),
    };
    Ok(BilingualText {
        th: th.ok_or_else(|| missing("th"))?,
        en: en.ok_or_else(|| missing("en"))?,
    })
}

/// Validates `credentialStatus` (one entry or a non-empty array of entries)
/// and returns the entries. Bitstring Status List entries are checked against
/// the W3C rules, so a licence never carries a status its verifier cannot read.
fn status_entries(value: &Value, field: &str) -> Result<Vec<Map<String, Value>>, LicenceError> {
    let items: Vec<(String, &Value)> = match value {
        Value::Array(items) if !items.is_empty() => items
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("{field}[{i}]"), v))
            .collect(),
        Value::Array(_) => {
            return Err(LicenceError::WrongType {
                field: field.to_owned(),
                expected: "an entry object or a non-empty array of entries",
            })
        }
        other => vec![(field.to_owned(), other)],
    };
    let mut entries = Vec::with_capacity(items.len());
    for (here, item) in items {
        let entry = as_object(item, &here)?;
        check_status(&here, entry)?;
        if entry.get("type").and_then(Value::as_str) == Some("BitstringStatusListEntry") {
            crate::status::StatusListEntry::from_value(item).map_err(|source| {
                LicenceError::Status {
                    field: here.clone(),
                    source,
                }
            })?;
        }
        entries.push(entry.clone());
    }
    Ok(entries)
}
