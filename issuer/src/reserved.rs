//! What only the service itself may sign, so an API token cannot forge it:
//!
//! * **status lists**: any credential that is, or contains, a status list
//!   (`BitstringStatusListCredential`, a `BitstringStatusList` subject, any
//!   `encodedList`, the older StatusList2021/RevocationList2020 types, or the
//!   IETF Token Status List shape `status_list: {bits, lst}`). A list signed
//!   for an agency's real list URL with every bit clear would make its revoked
//!   licences verify;
//! * **ids in the service's namespaces**: anything on the service's own host
//!   (every agency's licence IRIs, status lists and DID documents live there)
//!   and any licence IRI on any host. Such ids are assigned by the service;
//! * **status entries on the service's lists**: an entry naming a list the
//!   service manages would point at a bit the service allocated to another
//!   credential.
//!
//! Every check looks at the JSON a JSON reader sees *and* at the RDF the
//! Data Integrity RDF suites sign (JSON-LD expansion over the pinned
//! contexts), so re-spelling a term as its full IRI or an alias does not get
//! past it.

use elicence_core::jsonld;
use elicence_core::licence::iri::{LicenceIri, LicenceIriError};
use elicence_core::proof::ShippedContexts;
use elicence_core::rdf::{Quad, Term};
use serde_json::Value;

/// Type names (local names, in any vocabulary) of status list credentials
/// and their subjects.
const STATUS_LIST_TYPES: [&str; 8] = [
    "BitstringStatusListCredential",
    "BitstringStatusList",
    "StatusList2021Credential",
    "StatusList2021",
    "RevocationList2020Credential",
    "RevocationList2020",
    "RevocationList2021Credential",
    "RevocationList2021",
];

const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const VC_TYPE: &str = "https://www.w3.org/2018/credentials#VerifiableCredential";
const LICENCE_TYPES: [&str; 2] = [
    "https://w3id.org/elicence#BusinessLicenceCredential",
    "https://w3id.org/elicence#LicensedBusiness",
];

/// Why the service refuses to sign something for a caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Where: a JSON path under `credential`, or `credential` itself when
    /// only the signed (RDF) form shows it.
    pub field: String,
    /// What the service manages there.
    pub reason: String,
}

fn refusal(field: impl Into<String>, reason: impl Into<String>) -> Refusal {
    Refusal {
        field: field.into(),
        reason: reason.into(),
    }
}

/// The last segment of an IRI, compact IRI or term (`…#x`, `…/x`, `p:x`).
fn local_name(name: &str) -> &str {
    name.rsplit(['#', '/', ':']).next().unwrap_or(name)
}

fn is_status_list_type(name: &str) -> bool {
    STATUS_LIST_TYPES.contains(&local_name(name))
}

/// The JSON-LD node's RDF reading of `credential`: quads over the pinned
/// contexts (and any embedded ones). `Err` when it cannot be read as JSON-LD.
pub fn signed_reading(credential: &Value) -> Result<Vec<Quad>, jsonld::JsonLdError> {
    jsonld::to_rdf(credential, &ShippedContexts)
}

/// The hostname of a URL (lowercase, no port, userinfo or trailing dot,
/// percent-escapes decoded), for `http`/`https` URLs only.
fn hostname(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("https") && !scheme.eq_ignore_ascii_case("http") {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit('@').next()?;
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next()?.to_string()
    } else {
        host_port.split(':').next()?.to_string()
    };
    let decoded = percent_decode(&host)?;
    Some(decoded.trim_end_matches('.').to_ascii_lowercase())
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Whether `url` is in a namespace the service at `origin` manages: on the
/// service's host (any scheme or port), or a licence IRI on any host.
pub fn is_managed_url(url: &str, origin: &str) -> bool {
    if let (Some(host), Some(own)) = (hostname(url), hostname(origin)) {
        if host == own {
            return true;
        }
    }
    looks_like_licence_iri(url)
}

/// A licence IRI (`BASE/licences/TYPE/NUMBER`) in any spelling, canonical
/// or not.
fn looks_like_licence_iri(url: &str) -> bool {
    let parsed = LicenceIri::parse(url).or_else(|_| LicenceIri::from_uri(url));
    if matches!(parsed, Ok(_) | Err(LicenceIriError::NotCanonical { .. })) {
        return true;
    }
    let Some((_, rest)) = url.split_once("://") else {
        return false;
    };
    let path = rest.split(['?', '#']).next().unwrap_or("");
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    segments.len() >= 3 && segments[segments.len() - 3].eq_ignore_ascii_case("licences")
}

/// Finds a status list anywhere in `value` (JSON view); returns where.
fn status_list_in_json(value: &Value, path: &str) -> Option<Refusal> {
    match value {
        Value::Object(map) => {
            if map.contains_key("lst") && map.contains_key("bits") {
                return Some(refusal(
                    path,
                    "has the shape of a Token Status List (`bits`, `lst`)",
                ));
            }
            for (key, member) in map {
                let at = format!("{path}.{key}");
                if local_name(key) == "encodedList" {
                    return Some(refusal(
                        at,
                        "status lists are published by the service only",
                    ));
                }
                if local_name(key) == "status_list" && member.is_object() {
                    return Some(refusal(
                        at,
                        "has the shape of a Token Status List: status lists are published by the service only",
                    ));
                }
                if matches!(key.as_str(), "type" | "@type") {
                    let names: Vec<&str> = match member {
                        Value::String(s) => vec![s.as_str()],
                        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                        _ => Vec::new(),
                    };
                    if let Some(name) = names.into_iter().find(|n| is_status_list_type(n)) {
                        return Some(refusal(
                            at,
                            format!("`{name}`: status lists are published by the service only"),
                        ));
                    }
                }
                if let Some(found) = status_list_in_json(member, &at) {
                    return Some(found);
                }
            }
            None
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| status_list_in_json(item, &format!("{path}[{i}]"))),
        _ => None,
    }
}

/// Refuses a status list in any form, in the JSON or in its signed reading.
pub fn refuse_status_list(credential: &Value, quads: &[Quad]) -> Result<(), Refusal> {
    if let Some(found) = status_list_in_json(credential, "credential") {
        return Err(found);
    }
    for quad in quads {
        let Term::Iri(predicate) = &quad.predicate else {
            continue;
        };
        if local_name(predicate) == "encodedList" {
            return Err(refusal(
                "credential",
                format!("its signed data has `{predicate}`: status lists are published by the service only"),
            ));
        }
        if predicate == RDF_TYPE {
            if let Term::Iri(t) = &quad.object {
                if is_status_list_type(t) {
                    return Err(refusal(
                        "credential",
                        format!("its signed data has type `{t}`: status lists are published by the service only"),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Refuses a credential whose id (as JSON `id`/`@id`, or as the IRI of the
/// node typed VerifiableCredential in the signed reading) is in a namespace
/// the service manages.
pub fn refuse_managed_id(credential: &Value, quads: &[Quad], origin: &str) -> Result<(), Refusal> {
    for key in ["id", "@id"] {
        if let Some(id) = credential.get(key).and_then(Value::as_str) {
            if is_managed_url(id, origin) {
                return Err(refusal(
                    format!("credential.{key}"),
                    format!("`{id}` is in a namespace this service manages (licence IRIs, status lists): ids there are assigned by the service"),
                ));
            }
        }
    }
    for quad in quads {
        if let (Term::Iri(subject), Term::Iri(p), Term::Iri(o)) =
            (&quad.subject, &quad.predicate, &quad.object)
        {
            if p == RDF_TYPE && o == VC_TYPE && is_managed_url(subject, origin) {
                return Err(refusal(
                    "credential",
                    format!("its signed id `{subject}` is in a namespace this service manages: ids there are assigned by the service"),
                ));
            }
        }
    }
    Ok(())
}

/// Refuses status entries that name a list the service manages (JSON
/// `statusListCredential`/`id` of each entry, and every
/// `…#statusListCredential` in the signed reading).
pub fn refuse_managed_status(
    credential: &Value,
    quads: &[Quad],
    origin: &str,
) -> Result<(), Refusal> {
    let entries: Vec<(String, &Value)> = match credential.get("credentialStatus") {
        None => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .enumerate()
            .map(|(i, e)| (format!("credential.credentialStatus[{i}]"), e))
            .collect(),
        Some(one) => vec![("credential.credentialStatus".to_string(), one)],
    };
    for (at, entry) in entries {
        for key in ["statusListCredential", "id"] {
            if let Some(url) = entry.get(key).and_then(Value::as_str) {
                if is_managed_url(url, origin) {
                    return Err(refusal(
                        format!("{at}.{key}"),
                        format!("`{url}` is a status list this service manages: ask for an entry with options.credentialStatus"),
                    ));
                }
            }
        }
    }
    for quad in quads {
        if let (Term::Iri(p), Term::Iri(o)) = (&quad.predicate, &quad.object) {
            if local_name(p) == "statusListCredential" && is_managed_url(o, origin) {
                return Err(refusal(
                    "credential.credentialStatus",
                    format!("its signed data names `{o}`, a status list this service manages"),
                ));
            }
        }
    }
    Ok(())
}

/// Whether the credential is a licence in any view: JSON `type`
/// `BusinessLicenceCredential` or a `LicensedBusiness` subject, or those
/// types in its signed reading. Such credentials are issued only as
/// `POST /licences` issues them.
pub fn is_licence_shaped(credential: &Value, quads: &[Quad]) -> bool {
    let has = |v: Option<&Value>, name: &str| match v {
        Some(Value::String(s)) => local_name(s) == name,
        Some(Value::Array(a)) => a
            .iter()
            .any(|t| t.as_str().is_some_and(|s| local_name(s) == name)),
        _ => false,
    };
    if has(credential.get("type"), "BusinessLicenceCredential") {
        return true;
    }
    let subjects: Vec<&Value> = match credential.get("credentialSubject") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
        None => Vec::new(),
    };
    if subjects
        .iter()
        .any(|s| has(s.get("type"), "LicensedBusiness"))
    {
        return true;
    }
    quads.iter().any(|q| {
        matches!((&q.predicate, &q.object), (Term::Iri(p), Term::Iri(o))
            if p == RDF_TYPE && LICENCE_TYPES.contains(&o.as_str()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ORIGIN: &str = "https://licence.example.go.th";

    fn v2(extra: Value) -> Value {
        let mut c = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "credentialSubject": {"id": "did:example:1"}
        });
        for (k, v) in extra.as_object().unwrap() {
            c[k] = v.clone();
        }
        c
    }

    fn status_list_refused(c: &Value) -> bool {
        let quads = signed_reading(c).unwrap_or_default();
        refuse_status_list(c, &quads).is_err()
    }

    #[test]
    fn status_lists_are_refused_in_every_spelling() {
        let list_subject = json!({"id": "https://x/l#list", "type": "BitstringStatusList",
            "statusPurpose": "revocation", "encodedList": "uH4sI"});
        let cases = [
            v2(
                json!({"type": ["VerifiableCredential", "BitstringStatusListCredential"], "credentialSubject": list_subject}),
            ),
            v2(json!({"credentialSubject": list_subject})),
            v2(
                json!({"type": ["VerifiableCredential", "https://www.w3.org/ns/credentials/status#BitstringStatusListCredential"]}),
            ),
            v2(
                json!({"credentialSubject": {"https://www.w3.org/ns/credentials/status#encodedList": "uH4sI"}}),
            ),
            v2(json!({"credentialSubject": {"id": "did:example:1", "encodedList": "uH4sI"}})),
            v2(json!({"type": ["VerifiableCredential", "StatusList2021Credential"]})),
            v2(
                json!({"credentialSubject": {"@type": "https://www.w3.org/ns/credentials/status#BitstringStatusList"}}),
            ),
            v2(json!({"credentialSubject": {"status_list": {"bits": 1, "lst": "eNrbuRgAAhcBXQ"}}})),
            v2(json!({"credentialSubject": {"bits": 1, "lst": "eNrbuRgAAhcBXQ"}})),
        ];
        for c in cases {
            assert!(status_list_refused(&c), "not refused: {c}");
        }
        assert!(!status_list_refused(&v2(json!({}))));
        // Aliases only the signed (RDF) reading shows.
        let ctx = json!(["https://www.w3.org/ns/credentials/v2", {
            "L": "https://www.w3.org/ns/credentials/status#BitstringStatusListCredential",
            "bits": "https://www.w3.org/ns/credentials/status#encodedList"}]);
        let aliased_type = v2(json!({"@context": ctx, "type": ["VerifiableCredential", "L"]}));
        let aliased_list = v2(
            json!({"@context": ctx, "credentialSubject": {"id": "did:example:1", "bits": "uH4sI"}}),
        );
        for c in [aliased_type, aliased_list] {
            assert!(status_list_in_json(&c, "credential").is_none(), "{c}");
            assert!(status_list_refused(&c), "not refused: {c}");
        }
    }

    #[test]
    fn managed_ids_are_refused() {
        for id in [
            "https://licence.example.go.th/agencies/bangrak/status/revocation/1",
            "https://LICENCE.example.go.th./agencies/x/did.json",
            "http://licence.example.go.th:8443/anything",
            "https://user@licence.example.go.th/agencies/x",
            "https://licence.%65xample.go.th/agencies/x",
            "https://other.example/agencies/a/licences/food-sale/1~2566",
            "https://other.example/Licences/food-sale/x",
        ] {
            let c = v2(json!({"id": id}));
            let quads = signed_reading(&c).unwrap_or_default();
            assert!(refuse_managed_id(&c, &quads, ORIGIN).is_err(), "{id}");
        }
        for id in [
            "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427",
            "https://example.org/c/1",
        ] {
            let c = v2(json!({"id": id}));
            let quads = signed_reading(&c).unwrap();
            assert!(refuse_managed_id(&c, &quads, ORIGIN).is_ok(), "{id}");
        }
        // `@id` instead of `id`: JSON readers see no id, the signature covers one.
        let c = v2(json!({"@id": "https://licence.example.go.th/agencies/a/status/revocation/1"}));
        let quads = signed_reading(&c).unwrap();
        assert!(refuse_managed_id(&c, &quads, ORIGIN).is_err());
    }

    #[test]
    fn entries_on_managed_lists_are_refused() {
        let entry = |url: &str| {
            v2(json!({"credentialStatus": {
                "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
                "statusListIndex": "7", "statusListCredential": url}}))
        };
        let ours = entry("https://licence.example.go.th/agencies/bangrak/status/revocation/1");
        let quads = signed_reading(&ours).unwrap();
        assert!(refuse_managed_status(&ours, &quads, ORIGIN).is_err());
        let theirs = entry("https://status.example.org/lists/3");
        let quads = signed_reading(&theirs).unwrap();
        assert!(refuse_managed_status(&theirs, &quads, ORIGIN).is_ok());
    }

    #[test]
    fn licences_are_recognised_in_every_spelling() {
        let licence_ctx = json!([
            "https://www.w3.org/ns/credentials/v2",
            "https://w3id.org/elicence/v1"
        ]);
        let typed = v2(
            json!({"@context": licence_ctx, "type": ["VerifiableCredential", "BusinessLicenceCredential"]}),
        );
        let full_iri = v2(
            json!({"type": ["VerifiableCredential", "https://w3id.org/elicence#BusinessLicenceCredential"]}),
        );
        let subject =
            v2(json!({"@context": licence_ctx, "credentialSubject": {"type": "LicensedBusiness"}}));
        for c in [typed, full_iri, subject] {
            let quads = signed_reading(&c).unwrap();
            assert!(is_licence_shaped(&c, &quads), "{c}");
        }
        let plain = v2(json!({}));
        assert!(!is_licence_shaped(&plain, &signed_reading(&plain).unwrap()));
    }
}
