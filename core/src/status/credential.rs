//! The `BitstringStatusListCredential`: generating it (issuer) and reading a
//! status out of it (verifier), per Bitstring Status List §2.2 and §3.2.

use serde::Serialize;
use serde_json::{json, Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::entry::{is_url, parse_messages};
use super::{Bitstring, StatusError, StatusListEntry, StatusPurpose};

/// The `type` a status list credential must include.
pub const LIST_CREDENTIAL_TYPE: &str = "BitstringStatusListCredential";
/// The `type` of a status list credential's subject.
pub const LIST_SUBJECT_TYPE: &str = "BitstringStatusList";
/// The spec's `minimumNumberOfEntries` (§3.2): a list with fewer entries gives
/// too little herd privacy and is rejected.
pub const MIN_ENTRIES: u64 = 131_072;

const VC_V2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";

/// What the list says about one credential (the `result` map of §3.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusResult {
    /// The purpose that was checked.
    pub purpose: StatusPurpose,
    /// The entry's `statusListIndex`.
    pub index: u64,
    /// The raw status value (`statusSize` bits).
    pub value: u8,
    /// True when the value is not 0: for revocation, "revoked"; for
    /// suspension, "suspended" (the spec's `valid` is the opposite).
    pub set: bool,
    /// The matching `statusMessage` text, when the entry has a message table
    /// or the purpose is `message` (default texts "set"/"unset" for one bit).
    /// Meant for developers, not to be shown to end users as is.
    pub message: Option<String>,
}

/// Builds the unsigned `BitstringStatusListCredential` for `bitstring`,
/// published at `id_url`; the subject id is `<id_url>#list`. Sign the result
/// with `proof::sign` or `jose::sign_vc_jwt`.
///
/// Refuses what a conforming verifier would reject or we cannot express:
/// a list below the 131,072-bit minimum, a `message` list (it needs
/// `statusSize`/`statusMessages` on the subject, outside our profile), an
/// `id_url` that is not a URL or has a fragment, an issuer that is neither a
/// URL nor an object with a URL `id`, and timestamps that are not RFC 3339
/// date-times with an offset or where `valid_until` is not after `valid_from`.
/// How long the list is valid is the issuer's business.
pub fn status_list_credential(
    id_url: &str,
    issuer: &Value,
    purpose: StatusPurpose,
    bitstring: &Bitstring,
    valid_from: &str,
    valid_until: Option<&str>,
) -> Result<Value, StatusError> {
    let invalid = |reason: String| StatusError::InvalidListCredentialInput(reason);
    if !is_url(id_url) || id_url.contains('#') {
        return Err(invalid(format!(
            "the list URL {id_url:?} must be an absolute URL without a fragment"
        )));
    }
    let issuer_ok = match issuer {
        Value::String(s) => is_url(s),
        Value::Object(o) => o.get("id").and_then(Value::as_str).is_some_and(is_url),
        _ => false,
    };
    if !issuer_ok {
        return Err(invalid(
            "the issuer must be a URL or an object whose `id` is a URL".into(),
        ));
    }
    if purpose == StatusPurpose::Message {
        return Err(invalid(
            "`message` lists need statusSize and statusMessages on the subject; not supported"
                .into(),
        ));
    }
    if bitstring.is_below_minimum() {
        return Err(invalid(format!(
            "the bitstring has {} bits, fewer than the spec's minimum of 131,072",
            bitstring.len_bits()
        )));
    }
    let from = parse_datetime("validFrom", valid_from)?;
    if let Some(until) = valid_until {
        if parse_datetime("validUntil", until)? <= from {
            return Err(invalid("validUntil must be after validFrom".into()));
        }
    }

    let mut credential = Map::new();
    credential.insert("@context".into(), json!([VC_V2_CONTEXT]));
    credential.insert("id".into(), id_url.into());
    credential.insert(
        "type".into(),
        json!(["VerifiableCredential", LIST_CREDENTIAL_TYPE]),
    );
    credential.insert("issuer".into(), issuer.clone());
    credential.insert("validFrom".into(), valid_from.into());
    if let Some(until) = valid_until {
        credential.insert("validUntil".into(), until.into());
    }
    credential.insert(
        "credentialSubject".into(),
        json!({
            "id": format!("{id_url}#list"),
            "type": LIST_SUBJECT_TYPE,
            "statusPurpose": purpose.as_str(),
            "encodedList": bitstring.encode(),
        }),
    );
    Ok(Value::Object(credential))
}

fn parse_datetime(field: &str, value: &str) -> Result<OffsetDateTime, StatusError> {
    OffsetDateTime::parse(value, &Rfc3339).map_err(|_| {
        StatusError::InvalidListCredentialInput(format!(
            "{field} {value:?} is not an RFC 3339 date-time with an offset"
        ))
    })
}

/// Reads the status of `entry` from `status_list_credential`, following the
/// spec's Validate Algorithm (§3.2) with its minimum of 131,072 entries.
///
/// This does NOT verify the list credential's proof nor its validity period
/// (`validFrom`/`validUntil`): the caller must do both first (`proof::verify`
/// or `jose::verify_vc_jwt`, with the trusted issuer and its own clock), or
/// the answer means nothing. It does check that the list is the one the entry
/// names (when the list has an `id`), that its purposes include the entry's
/// (STATUS_VERIFICATION_ERROR otherwise), that it is long enough
/// (STATUS_LIST_LENGTH_ERROR) and that the index is inside it (RANGE_ERROR).
pub fn check_status(
    entry: &StatusListEntry,
    status_list_credential: &Value,
) -> Result<StatusResult, StatusError> {
    check_status_with_minimum(entry, status_list_credential, MIN_ENTRIES)
}

/// [`check_status`] with another `minimumNumberOfEntries`, which the spec
/// lets an ecosystem specification set; everything else is identical.
pub fn check_status_with_minimum(
    entry: &StatusListEntry,
    status_list_credential: &Value,
    minimum_entries: u64,
) -> Result<StatusResult, StatusError> {
    let credential = status_list_credential
        .as_object()
        .ok_or_else(|| malformed("credential", "must be a JSON object"))?;
    if !has_type(credential.get("type"), LIST_CREDENTIAL_TYPE) {
        return Err(malformed(
            "type",
            format!("must include {LIST_CREDENTIAL_TYPE}"),
        ));
    }
    match credential.get("id") {
        None => {}
        Some(Value::String(id)) if id == entry.list_credential() => {}
        Some(Value::String(id)) => {
            return Err(StatusError::ListIdMismatch {
                expected: entry.list_credential().to_owned(),
                found: id.clone(),
            })
        }
        Some(_) => return Err(malformed("id", "must be a string")),
    }
    let subject = list_subject(credential.get("credentialSubject"))?;
    if !has_type(subject.get("type"), LIST_SUBJECT_TYPE) {
        return Err(malformed(
            "credentialSubject.type",
            format!("must be {LIST_SUBJECT_TYPE}"),
        ));
    }

    let purposes = list_purposes(subject.get("statusPurpose"))?;
    let purpose = entry.purpose();
    if !purposes.iter().any(|p| p == purpose.as_str()) {
        return Err(StatusError::PurposeMismatch {
            entry: purpose.as_str().to_owned(),
            list: purposes,
        });
    }
    let size = entry.status_size();
    match subject.get("statusSize") {
        None => {}
        Some(v) => match v.as_u64() {
            Some(n) if n == u64::from(size.bits()) => {}
            Some(n) => {
                return Err(StatusError::StatusSizeMismatch {
                    entry: size.bits(),
                    list: n,
                })
            }
            None => {
                return Err(malformed(
                    "credentialSubject.statusSize",
                    "must be an integer greater than zero",
                ))
            }
        },
    }

    let encoded = match subject.get("encodedList") {
        Some(Value::String(s)) => s,
        Some(_) => {
            return Err(malformed(
                "credentialSubject.encodedList",
                "must be a string",
            ))
        }
        None => return Err(malformed("credentialSubject.encodedList", "is required")),
    };
    let bitstring = Bitstring::decode(encoded)?;
    let entries = bitstring.entries(size);
    if entries < minimum_entries {
        return Err(StatusError::ListTooShort {
            entries,
            minimum: minimum_entries,
        });
    }
    let value = bitstring.get_status(entry.index(), size)?;

    let message = match entry.status_messages() {
        Some(table) => table
            .iter()
            .find(|m| m.status == value)
            .map(|m| m.message.clone()),
        None if purpose == StatusPurpose::Message => match subject.get("statusMessages") {
            Some(table) => parse_messages(table, size, "statusMessages")?
                .into_iter()
                .find(|m| m.status == value)
                .map(|m| m.message),
            None => Some(if value == 0 { "unset" } else { "set" }.to_owned()),
        },
        None => None,
    };
    Ok(StatusResult {
        purpose,
        index: entry.index(),
        value,
        set: value != 0,
        message,
    })
}

fn malformed(field: &'static str, reason: impl Into<String>) -> StatusError {
    StatusError::MalformedListCredential {
        field,
        reason: reason.into(),
    }
}

/// A `type` that is the wanted string or an array of strings containing it.
fn has_type(value: Option<&Value>, wanted: &str) -> bool {
    match value {
        Some(Value::String(t)) => t == wanted,
        Some(Value::Array(types)) => {
            types.iter().all(Value::is_string) && types.iter().any(|t| t.as_str() == Some(wanted))
        }
        _ => false,
    }
}

/// The single subject of the list (an object, or an array of exactly one).
fn list_subject(value: Option<&Value>) -> Result<&Map<String, Value>, StatusError> {
    const FIELD: &str = "credentialSubject";
    match value {
        Some(Value::Object(subject)) => Ok(subject),
        Some(Value::Array(items)) => match items.as_slice() {
            [Value::Object(subject)] => Ok(subject),
            _ => Err(malformed(FIELD, "must be one BitstringStatusList object")),
        },
        Some(_) => Err(malformed(FIELD, "must be an object")),
        None => Err(malformed(FIELD, "is required")),
    }
}

/// `statusPurpose` of the list: one or more strings (any strings: we only
/// compare them with the entry's).
fn list_purposes(value: Option<&Value>) -> Result<Vec<String>, StatusError> {
    const FIELD: &str = "credentialSubject.statusPurpose";
    match value {
        Some(Value::String(p)) => Ok(vec![p.clone()]),
        Some(Value::Array(items)) if !items.is_empty() => items
            .iter()
            .map(|p| {
                p.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| malformed(FIELD, "must hold strings only"))
            })
            .collect(),
        Some(_) => Err(malformed(
            FIELD,
            "must be a string or a non-empty array of strings",
        )),
        None => Err(malformed(FIELD, "is required")),
    }
}
