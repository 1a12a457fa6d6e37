//! The `credentialStatus` member of a licence: `BitstringStatusListEntry`.

use serde_json::{Map, Value};

use super::{StatusError, StatusPurpose, StatusSize};

/// The `type` of a status entry.
pub const ENTRY_TYPE: &str = "BitstringStatusListEntry";

/// One row of `statusMessage`: what a status value means. The spec says the
/// message is for developers and SHOULD NOT be shown to end users as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMessage {
    /// The status value (written `"0x…"` in JSON).
    pub status: u8,
    /// The meaning of that value.
    pub message: String,
}

/// A typed, validated `BitstringStatusListEntry`: where a credential's status
/// lives. Built by the issuer with [`StatusListEntry::new`] or read from a
/// credential with [`StatusListEntry::from_value`]; fields are private so an
/// entry always satisfies the spec's MUSTs (e.g. a multi-bit entry always has
/// its message table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusListEntry {
    id: Option<String>,
    purpose: StatusPurpose,
    index: u64,
    list_credential: String,
    size: StatusSize,
    messages: Option<Vec<StatusMessage>>,
    reference: Vec<String>,
}

fn malformed(field: &'static str, reason: impl Into<String>) -> StatusError {
    StatusError::MalformedEntry {
        field,
        reason: reason.into(),
    }
}

impl StatusListEntry {
    /// A one-bit entry at `index` of the list published at `list_credential`,
    /// with the id `<list_credential>#<index>` (the form of the spec's
    /// examples, which reveals nothing the index does not).
    pub fn new(
        purpose: StatusPurpose,
        index: u64,
        list_credential: &str,
    ) -> Result<Self, StatusError> {
        if !is_url(list_credential) {
            return Err(malformed("statusListCredential", "must be an absolute URL"));
        }
        if list_credential.contains('#') {
            return Err(malformed(
                "statusListCredential",
                "must not have a fragment (the entry id appends `#<index>`)",
            ));
        }
        Ok(Self {
            id: Some(format!("{list_credential}#{index}")),
            purpose,
            index,
            list_credential: list_credential.to_owned(),
            size: StatusSize::ONE,
            messages: None,
            reference: Vec::new(),
        })
    }

    /// Replaces the entry's `id` (`None` leaves it out). The spec forbids the
    /// list's own URL as the id.
    pub fn with_id(mut self, id: Option<String>) -> Result<Self, StatusError> {
        if let Some(id) = &id {
            check_id(id, &self.list_credential)?;
        }
        self.id = id;
        Ok(self)
    }

    /// Makes the entry `size` bits wide with its message table, which must
    /// give each of the 2^size values exactly one message.
    pub fn with_status_messages(
        mut self,
        size: StatusSize,
        messages: Vec<StatusMessage>,
    ) -> Result<Self, StatusError> {
        check_messages(&messages, size)?;
        self.size = size;
        self.messages = Some(messages);
        Ok(self)
    }

    /// Adds `statusReference` URLs: where the meaning of the statuses is
    /// documented.
    pub fn with_status_reference(mut self, urls: Vec<String>) -> Result<Self, StatusError> {
        if let Some(bad) = urls.iter().find(|u| !is_url(u)) {
            return Err(malformed(
                "statusReference",
                format!("must hold absolute URLs, found {bad:?}"),
            ));
        }
        self.reference = urls;
        Ok(self)
    }

    /// The entry's `id`, if any. Not used for validation.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// What the list says about the credential.
    pub fn purpose(&self) -> StatusPurpose {
        self.purpose
    }

    /// The credential's position in the list (`statusListIndex`), counted in
    /// entries, not bits.
    pub fn index(&self) -> u64 {
        self.index
    }

    /// The URL of the `BitstringStatusListCredential` (`statusListCredential`).
    pub fn list_credential(&self) -> &str {
        &self.list_credential
    }

    /// The entry width (`statusSize`, 1 when absent).
    pub fn status_size(&self) -> StatusSize {
        self.size
    }

    /// The message table (`statusMessage`), if any.
    pub fn status_messages(&self) -> Option<&[StatusMessage]> {
        self.messages.as_deref()
    }

    /// The `statusReference` URLs (empty when absent).
    pub fn status_reference(&self) -> &[String] {
        &self.reference
    }

    /// Reads one `credentialStatus` object. Fails with
    /// [`StatusError::UnsupportedEntryType`] for other status mechanisms and
    /// with [`StatusError::MalformedEntry`] for any broken MUST of §2.1:
    /// `statusListIndex` must be a string of ASCII digits (no sign, no
    /// spaces; a JSON number is refused), `statusSize` a positive integer,
    /// `statusMessage` present with 2^statusSize distinct `0x…` values when
    /// `statusSize` > 1.
    pub fn from_value(value: &Value) -> Result<Self, StatusError> {
        let object = value
            .as_object()
            .ok_or_else(|| malformed("credentialStatus", "must be a JSON object"))?;
        check_type(object)?;

        let list_credential = required_str(object, "statusListCredential")?;
        if !is_url(list_credential) {
            return Err(malformed("statusListCredential", "must be an absolute URL"));
        }
        let id = match object.get("id") {
            None => None,
            Some(Value::String(id)) => {
                check_id(id, list_credential)?;
                Some(id.clone())
            }
            Some(_) => return Err(malformed("id", "must be a string")),
        };
        let purpose: StatusPurpose = required_str(object, "statusPurpose")?.parse()?;
        let index = parse_index(object.get("statusListIndex"))?;
        let size =
            match object.get("statusSize") {
                None => StatusSize::ONE,
                Some(v) => StatusSize::new(v.as_u64().ok_or_else(|| {
                    malformed("statusSize", "must be an integer greater than zero")
                })?)?,
            };
        let messages = match object.get("statusMessage") {
            None if size.bits() > 1 => {
                return Err(malformed(
                    "statusMessage",
                    "must be present when statusSize is greater than 1",
                ))
            }
            None => None,
            Some(v) => Some(parse_messages(v, size, "statusMessage")?),
        };
        let reference = match object.get("statusReference") {
            None => Vec::new(),
            Some(v) => parse_reference(v)?,
        };
        Ok(Self {
            id,
            purpose,
            index,
            list_credential: list_credential.to_owned(),
            size,
            messages,
            reference,
        })
    }

    /// Reads a `credentialStatus` value that is either one entry or an array
    /// of entries (e.g. one for revocation and one for suspension).
    pub fn list_from_value(value: &Value) -> Result<Vec<Self>, StatusError> {
        match value {
            Value::Array(items) if items.is_empty() => {
                Err(malformed("credentialStatus", "must not be an empty array"))
            }
            Value::Array(items) => items.iter().map(Self::from_value).collect(),
            single => Ok(vec![Self::from_value(single)?]),
        }
    }

    /// The entries of a credential's `credentialStatus` (none when absent).
    pub fn from_credential(credential: &Value) -> Result<Vec<Self>, StatusError> {
        match credential.get("credentialStatus") {
            None => Ok(Vec::new()),
            Some(status) => Self::list_from_value(status),
        }
    }

    /// The JSON form for a credential's `credentialStatus`, members in the
    /// spec's order; `statusSize` is written only when it is not 1, the
    /// default.
    pub fn to_value(&self) -> Value {
        let mut object = Map::new();
        if let Some(id) = &self.id {
            object.insert("id".into(), Value::String(id.clone()));
        }
        object.insert("type".into(), Value::String(ENTRY_TYPE.into()));
        object.insert("statusPurpose".into(), self.purpose.as_str().into());
        object.insert("statusListIndex".into(), self.index.to_string().into());
        object.insert(
            "statusListCredential".into(),
            self.list_credential.clone().into(),
        );
        if self.size != StatusSize::ONE {
            object.insert("statusSize".into(), self.size.bits().into());
        }
        if let Some(messages) = &self.messages {
            object.insert("statusMessage".into(), messages_to_value(messages));
        }
        match self.reference.as_slice() {
            [] => {}
            [one] => {
                object.insert("statusReference".into(), one.clone().into());
            }
            many => {
                object.insert("statusReference".into(), many.to_vec().into());
            }
        }
        Value::Object(object)
    }
}

/// `statusMessage` rows as JSON, `status` in the spec's `0x` hex form.
pub(super) fn messages_to_value(messages: &[StatusMessage]) -> Value {
    Value::Array(
        messages
            .iter()
            .map(|m| {
                let mut row = Map::new();
                row.insert("status".into(), format!("{:#x}", m.status).into());
                row.insert("message".into(), m.message.clone().into());
                Value::Object(row)
            })
            .collect(),
    )
}

/// Parses a message table (`statusMessage` of an entry, or `statusMessages`
/// of a list) for entries of `size` bits.
pub(super) fn parse_messages(
    value: &Value,
    size: StatusSize,
    field: &'static str,
) -> Result<Vec<StatusMessage>, StatusError> {
    let rows = value
        .as_array()
        .ok_or_else(|| malformed(field, "must be an array"))?;
    let mut messages = Vec::with_capacity(rows.len());
    for row in rows {
        let row = row
            .as_object()
            .ok_or_else(|| malformed(field, "each element must be an object"))?;
        let status = match row.get("status") {
            Some(Value::String(s)) => parse_hex_status(s, field)?,
            _ => return Err(malformed(field, "each element needs a string `status`")),
        };
        let message = match row.get("message") {
            Some(Value::String(m)) => m.clone(),
            _ => return Err(malformed(field, "each element needs a string `message`")),
        };
        messages.push(StatusMessage { status, message });
    }
    check_messages(&messages, size).map_err(|e| match e {
        StatusError::MalformedEntry { reason, .. } => malformed(field, reason),
        other => other,
    })?;
    Ok(messages)
}

/// A message table must give each of the 2^size values exactly one row.
fn check_messages(messages: &[StatusMessage], size: StatusSize) -> Result<(), StatusError> {
    let values = usize::from(size.values());
    if messages.len() != values {
        return Err(malformed(
            "statusMessage",
            format!(
                "must have {values} elements for statusSize {}, found {}",
                size.bits(),
                messages.len()
            ),
        ));
    }
    let mut seen = [false; 256];
    for m in messages {
        if u16::from(m.status) >= size.values() {
            return Err(malformed(
                "statusMessage",
                format!(
                    "status {:#x} does not fit in {} bit(s)",
                    m.status,
                    size.bits()
                ),
            ));
        }
        if std::mem::replace(&mut seen[usize::from(m.status)], true) {
            return Err(malformed(
                "statusMessage",
                format!("status {:#x} appears twice", m.status),
            ));
        }
    }
    Ok(())
}

/// `0x` followed by hexadecimal digits (either case), value at most 0xff.
fn parse_hex_status(s: &str, field: &'static str) -> Result<u8, StatusError> {
    let bad = || {
        malformed(
            field,
            format!("status {s:?} is not a `0x`-prefixed hex value"),
        )
    };
    let digits = s.strip_prefix("0x").ok_or_else(bad)?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    let significant = digits.trim_start_matches('0');
    if significant.len() > 2 {
        return Err(malformed(
            field,
            format!("status {s:?} is larger than any 8-bit value"),
        ));
    }
    if significant.is_empty() {
        return Ok(0);
    }
    u8::from_str_radix(significant, 16).map_err(|_| bad())
}

/// `statusListIndex`: a string of base-10 digits.
fn parse_index(value: Option<&Value>) -> Result<u64, StatusError> {
    const FIELD: &str = "statusListIndex";
    let text =
        match value {
            None => return Err(malformed(FIELD, "is required")),
            Some(Value::String(s)) => s,
            Some(_) => return Err(malformed(
                FIELD,
                "must be a string holding a base-10 integer (e.g. \"94567\"), not a JSON number",
            )),
        };
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed(
            FIELD,
            format!("must be a non-negative base-10 integer (digits 0-9 only), found {text:?}"),
        ));
    }
    text.parse::<u64>().map_err(|_| {
        malformed(
            FIELD,
            format!("{text} is larger than the largest index supported (2^64 - 1)"),
        )
    })
}

fn parse_reference(value: &Value) -> Result<Vec<String>, StatusError> {
    const FIELD: &str = "statusReference";
    let urls: Vec<&Value> = match value {
        Value::Array(items) if items.is_empty() => {
            return Err(malformed(FIELD, "must not be an empty array"))
        }
        Value::Array(items) => items.iter().collect(),
        one => vec![one],
    };
    urls.into_iter()
        .map(|u| match u.as_str() {
            Some(s) if is_url(s) => Ok(s.to_owned()),
            _ => Err(malformed(FIELD, "must be a URL or an array of URLs")),
        })
        .collect()
}

fn check_type(object: &Map<String, Value>) -> Result<(), StatusError> {
    match object.get("type") {
        None => Err(malformed("type", "is required")),
        Some(Value::String(t)) if t == ENTRY_TYPE => Ok(()),
        Some(Value::Array(types)) if types.iter().any(|t| t.as_str() == Some(ENTRY_TYPE)) => {
            if types.iter().all(Value::is_string) {
                Ok(())
            } else {
                Err(malformed("type", "must hold strings only"))
            }
        }
        Some(other @ (Value::String(_) | Value::Array(_))) => {
            Err(StatusError::UnsupportedEntryType(other.to_string()))
        }
        Some(_) => Err(malformed("type", "must be a string or an array of strings")),
    }
}

fn check_id(id: &str, list_credential: &str) -> Result<(), StatusError> {
    if !is_url(id) {
        return Err(malformed("id", "must be an absolute URL"));
    }
    if id == list_credential {
        return Err(malformed(
            "id",
            "must not be the URL of the status list (statusListCredential)",
        ));
    }
    Ok(())
}

fn required_str<'a>(
    object: &'a Map<String, Value>,
    field: &'static str,
) -> Result<&'a str, StatusError> {
    match object.get(field) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(malformed(field, "must be a string")),
        None => Err(malformed(field, "is required")),
    }
}

/// An absolute URL in form: an RFC 3986 scheme, `:`, something after it, and
/// no spaces, controls or characters URLs never contain unescaped.
pub(super) fn is_url(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut scheme_bytes = scheme.bytes();
    let scheme_ok = scheme_bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && scheme_bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    scheme_ok
        && !rest.is_empty()
        && !s
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || "<>\"{}|\\^`".contains(c))
}
