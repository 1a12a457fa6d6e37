//! The Digital Credentials Query Language (OpenID4VP 1.0 §6, §7): what a
//! relying party asks for, checked on arrival, and the one matching rule
//! both sides use. The holder runs it over the claims it could disclose to
//! choose what to send; the relying party runs it over what arrived to decide
//! whether the answer satisfies the query, and to drop whatever it did not ask for.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The SD-JWT VC format identifier.
pub const FORMAT_SD_JWT: &str = "dc+sd-jwt";
/// The W3C VC with Data Integrity format identifier (presented as a VP).
pub const FORMAT_LDP: &str = "ldp_vc";

/// Limits that keep a hostile query from costing more than a real one.
const MAX_CREDENTIALS: usize = 16;
const MAX_CLAIMS: usize = 64;
const MAX_PATH: usize = 16;
const MAX_ID: usize = 64;

/// Why a DCQL query is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid DCQL query: {0}")]
pub struct DcqlError(pub String);

fn bad(msg: impl Into<String>) -> DcqlError {
    DcqlError(msg.into())
}

/// A DCQL query: the credentials asked for and, optionally, which
/// combinations of them satisfy the relying party.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DcqlQuery {
    /// The Credential Queries.
    pub credentials: Vec<CredentialQuery>,
    /// Acceptable combinations; absent: every Credential Query is required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_sets: Option<Vec<CredentialSetQuery>>,
}

/// One credential asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CredentialQuery {
    /// The name the answer is keyed by in `vp_token`.
    pub id: String,
    /// `dc+sd-jwt` or `ldp_vc`.
    pub format: String,
    /// Whether several credentials may answer it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub multiple: bool,
    /// Format-specific constraints: `vct_values` (SD-JWT VC), `type_values` (W3C).
    #[serde(default)]
    pub meta: Map<String, Value>,
    /// The claims asked for; absent: only what is always disclosed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims: Option<Vec<ClaimsQuery>>,
    /// Alternatives of claim ids, most preferred first (required claims plus
    /// "would like" claims are expressed as a richer first set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_sets: Option<Vec<Vec<String>>>,
    /// Whether the holder must prove possession of the credential's key.
    #[serde(default = "yes")]
    pub require_cryptographic_holder_binding: bool,
}

fn yes() -> bool {
    true
}

/// One claim asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimsQuery {
    /// Its name within `claim_sets`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Where it sits in the credential.
    pub path: Vec<PathElement>,
    /// Accepted values; absent: any value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<Value>>,
}

/// One step of a claims path pointer (§7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PathElement {
    /// An object member.
    Key(String),
    /// An array element.
    Index(u64),
    /// Every element of an array (`null`).
    All(()),
}

/// An acceptable combination of Credential Queries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CredentialSetQuery {
    /// Each option is a list of Credential Query ids that together satisfy it.
    pub options: Vec<Vec<String>>,
    /// Whether this set must be satisfied.
    #[serde(default = "yes")]
    pub required: bool,
}

/// A concrete place in a credential's claims (no wildcards).
pub type ConcretePath = Vec<PathElement>;

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

impl DcqlQuery {
    /// Parses and validates a query (§6): well-formed ids, unique, every
    /// reference resolving, a supported format with its type constraint,
    /// scalar `values`, bounded sizes.
    pub fn parse(value: &Value) -> Result<DcqlQuery, DcqlError> {
        let query: DcqlQuery =
            serde_json::from_value(value.clone()).map_err(|e| bad(e.to_string()))?;
        query.validate()?;
        Ok(query)
    }

    /// The checks of [`DcqlQuery::parse`] on a query built in code.
    pub fn validate(&self) -> Result<(), DcqlError> {
        if self.credentials.is_empty() {
            return Err(bad("`credentials` must not be empty"));
        }
        if self.credentials.len() > MAX_CREDENTIALS {
            return Err(bad(format!("at most {MAX_CREDENTIALS} credentials")));
        }
        let mut ids = BTreeSet::new();
        for c in &self.credentials {
            if !valid_id(&c.id) {
                return Err(bad(format!(
                    "credential id {:?} must be 1-64 characters of A-Z a-z 0-9 _ -",
                    c.id
                )));
            }
            if !ids.insert(c.id.as_str()) {
                return Err(bad(format!("credential id {:?} is used twice", c.id)));
            }
            c.validate()?;
        }
        if let Some(sets) = &self.credential_sets {
            if sets.is_empty() {
                return Err(bad("`credential_sets` must not be empty when present"));
            }
            for set in sets {
                if set.options.is_empty() || set.options.iter().any(Vec::is_empty) {
                    return Err(bad("every credential set needs non-empty options"));
                }
                for id in set.options.iter().flatten() {
                    if !ids.contains(id.as_str()) {
                        return Err(bad(format!(
                            "credential set names unknown credential {id:?}"
                        )));
                    }
                }
            }
        }
        Ok(())
    }

    /// Whether answers to exactly the Credential Queries `answered` satisfy
    /// the query: every required credential set has an option wholly
    /// answered (without sets: every Credential Query answered).
    pub fn satisfied_by(&self, answered: &BTreeSet<&str>) -> bool {
        match &self.credential_sets {
            None => self
                .credentials
                .iter()
                .all(|c| answered.contains(c.id.as_str())),
            Some(sets) => sets.iter().filter(|s| s.required).all(|s| {
                s.options
                    .iter()
                    .any(|o| o.iter().all(|id| answered.contains(id.as_str())))
            }),
        }
    }

    /// The Credential Query named `id`.
    pub fn credential(&self, id: &str) -> Option<&CredentialQuery> {
        self.credentials.iter().find(|c| c.id == id)
    }
}

impl CredentialQuery {
    fn validate(&self) -> Result<(), DcqlError> {
        let id = &self.id;
        match self.format.as_str() {
            FORMAT_SD_JWT => {
                let ok = self
                    .meta
                    .get("vct_values")
                    .and_then(Value::as_array)
                    .is_some_and(|v| !v.is_empty() && v.iter().all(Value::is_string));
                if !ok {
                    return Err(bad(format!(
                        "{id}: dc+sd-jwt needs meta.vct_values, a non-empty array of strings"
                    )));
                }
            }
            FORMAT_LDP => {
                let ok = self
                    .meta
                    .get("type_values")
                    .and_then(Value::as_array)
                    .is_some_and(|v| {
                        !v.is_empty()
                            && v.iter().all(|t| {
                                t.as_array().is_some_and(|t| {
                                    !t.is_empty() && t.iter().all(Value::is_string)
                                })
                            })
                    });
                if !ok {
                    return Err(bad(format!(
                        "{id}: ldp_vc needs meta.type_values, a non-empty array of non-empty string arrays"
                    )));
                }
            }
            other => {
                return Err(bad(format!(
                    "{id}: format {other:?} is not supported (dc+sd-jwt, ldp_vc)"
                )))
            }
        }
        let mut claim_ids = BTreeSet::new();
        if let Some(claims) = &self.claims {
            if claims.is_empty() || claims.len() > MAX_CLAIMS {
                return Err(bad(format!(
                    "{id}: `claims` must hold 1 to {MAX_CLAIMS} entries"
                )));
            }
            for claim in claims {
                if claim.path.is_empty() || claim.path.len() > MAX_PATH {
                    return Err(bad(format!(
                        "{id}: a claims path holds 1 to {MAX_PATH} elements"
                    )));
                }
                if let Some(values) = &claim.values {
                    if values.is_empty()
                        || !values
                            .iter()
                            .all(|v| v.is_string() || v.is_number() || v.is_boolean())
                    {
                        return Err(bad(format!(
                            "{id}: `values` must be a non-empty array of strings, numbers or booleans"
                        )));
                    }
                }
                if let Some(cid) = &claim.id {
                    if !valid_id(cid) || !claim_ids.insert(cid.as_str()) {
                        return Err(bad(format!(
                            "{id}: claim id {cid:?} is invalid or repeated"
                        )));
                    }
                }
            }
        }
        if let Some(sets) = &self.claim_sets {
            let Some(claims) = &self.claims else {
                return Err(bad(format!("{id}: `claim_sets` needs `claims`")));
            };
            if claims.iter().any(|c| c.id.is_none()) {
                return Err(bad(format!(
                    "{id}: with `claim_sets`, every claim needs an id"
                )));
            }
            if sets.is_empty() {
                return Err(bad(format!("{id}: `claim_sets` must not be empty")));
            }
            for cid in sets.iter().flatten() {
                if !claim_ids.contains(cid.as_str()) {
                    return Err(bad(format!("{id}: claim set names unknown claim {cid:?}")));
                }
            }
        }
        Ok(())
    }

    /// The `vct` values an SD-JWT VC must have.
    pub fn vct_values(&self) -> Vec<&str> {
        self.meta
            .get("vct_values")
            .and_then(Value::as_array)
            .map(|v| v.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }

    /// Whether a W3C credential's `type` list holds every type of one of the
    /// `type_values` alternatives (compared as written in the credential).
    pub fn type_matches(&self, types: &[&str]) -> bool {
        self.meta
            .get("type_values")
            .and_then(Value::as_array)
            .is_some_and(|alts| {
                alts.iter().any(|alt| {
                    alt.as_array().is_some_and(|alt| {
                        alt.iter()
                            .all(|t| t.as_str().is_some_and(|t| types.contains(&t)))
                    })
                })
            })
    }

    /// Which claims of `claims` answer this query: the concrete paths of the
    /// first claim set wholly present (without claim sets: of every claim),
    /// or `None` when the credential cannot satisfy it. Without `claims`,
    /// nothing selectively disclosable is asked for: `Some(vec![])`.
    pub fn select(&self, claims: &Value) -> Option<Vec<ConcretePath>> {
        let Some(queries) = &self.claims else {
            return Some(Vec::new());
        };
        let matched: Vec<Option<Vec<ConcretePath>>> =
            queries.iter().map(|q| q.select(claims)).collect();
        match &self.claim_sets {
            None => {
                let mut all = Vec::new();
                for m in matched {
                    all.extend(m?);
                }
                Some(all)
            }
            Some(sets) => sets.iter().find_map(|set| {
                let mut all = Vec::new();
                for cid in set {
                    let i = queries
                        .iter()
                        .position(|q| q.id.as_deref() == Some(cid.as_str()))?;
                    all.extend(matched[i].clone()?);
                }
                Some(all)
            }),
        }
    }

    /// Every path this query names, in any claim set: what the relying party
    /// accepts to receive; anything else is dropped.
    pub fn requested_paths(&self) -> Vec<&[PathElement]> {
        self.claims
            .iter()
            .flatten()
            .map(|c| c.path.as_slice())
            .collect()
    }
}

impl ClaimsQuery {
    /// The concrete paths this claim selects in `claims` whose values are
    /// accepted; `None` when there are none.
    pub fn select(&self, claims: &Value) -> Option<Vec<ConcretePath>> {
        let mut found = Vec::new();
        walk(claims, &self.path, &mut Vec::new(), &mut found);
        let found: Vec<ConcretePath> = found
            .into_iter()
            .filter(|(_, v)| {
                self.values
                    .as_ref()
                    .is_none_or(|allowed| allowed.iter().any(|a| a == *v))
            })
            .map(|(p, _)| p)
            .collect();
        (!found.is_empty()).then_some(found)
    }
}

fn walk<'a>(
    here: &'a Value,
    rest: &[PathElement],
    at: &mut ConcretePath,
    out: &mut Vec<(ConcretePath, &'a Value)>,
) {
    let Some((step, rest)) = rest.split_first() else {
        if !here.is_null() {
            out.push((at.clone(), here));
        }
        return;
    };
    match (step, here) {
        (PathElement::Key(k), Value::Object(map)) => {
            if let Some(v) = map.get(k) {
                at.push(step.clone());
                walk(v, rest, at, out);
                at.pop();
            }
        }
        (PathElement::Index(i), Value::Array(items)) => {
            if let Some(v) = usize::try_from(*i).ok().and_then(|i| items.get(i)) {
                at.push(step.clone());
                walk(v, rest, at, out);
                at.pop();
            }
        }
        (PathElement::All(()), Value::Array(items)) => {
            for (i, v) in items.iter().enumerate() {
                at.push(PathElement::Index(i as u64));
                walk(v, rest, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

/// Whether the concrete `path` lies within (or on the way to) the
/// requested `pattern`.
pub fn covered_by(path: &[PathElement], pattern: &[PathElement]) -> bool {
    path.iter().zip(pattern).all(|(p, q)| match (p, q) {
        (_, PathElement::All(())) => matches!(p, PathElement::Index(_)),
        (a, b) => a == b,
    })
}

/// A copy of `claims` holding only what lies on one of `keep` (arrays keep
/// their selected elements, in order): what the relying party records.
pub fn prune(claims: &Value, keep: &[ConcretePath]) -> Value {
    if keep.iter().any(Vec::is_empty) {
        return claims.clone();
    }
    match claims {
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let below: Vec<ConcretePath> = keep
                    .iter()
                    .filter(|p| p.first() == Some(&PathElement::Key(k.clone())))
                    .map(|p| p[1..].to_vec())
                    .collect();
                if !below.is_empty() {
                    out.insert(k.clone(), prune(v, &below));
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    let below: Vec<ConcretePath> = keep
                        .iter()
                        .filter(|p| p.first() == Some(&PathElement::Index(i as u64)))
                        .map(|p| p[1..].to_vec())
                        .collect();
                    (!below.is_empty()).then(|| prune(v, &below))
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A path as people read it: `licensee.juristicPersonId`, `conditions[0]`.
pub fn display_path(path: &[PathElement]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            PathElement::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            PathElement::Index(i) => out.push_str(&format!("[{i}]")),
            PathElement::All(()) => out.push_str("[*]"),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn query() -> DcqlQuery {
        DcqlQuery::parse(&json!({"credentials": [{
            "id": "licence", "format": "dc+sd-jwt",
            "meta": {"vct_values": ["https://w3id.org/elicence/vct/food-sale"]},
            "claims": [
                {"id": "jp", "path": ["licensee", "juristicPersonId"]},
                {"id": "act", "path": ["permittedActivities", null]},
                {"id": "name", "path": ["licensee", "legalName", "th"]}
            ],
            "claim_sets": [["jp", "name"], ["jp"]]
        }]}))
        .unwrap()
    }

    #[test]
    fn claim_sets_pick_the_first_alternative_the_credential_can_satisfy() {
        let q = query();
        let c = &q.credentials[0];
        let full =
            json!({"licensee": {"juristicPersonId": "0105536112014", "legalName": {"th": "บริษัท"}}});
        let paths = c.select(&full).unwrap();
        assert_eq!(paths.len(), 2);
        let only_id = json!({"licensee": {"juristicPersonId": "0105536112014"}});
        assert_eq!(
            c.select(&only_id).unwrap(),
            vec![vec![
                PathElement::Key("licensee".into()),
                PathElement::Key("juristicPersonId".into())
            ]]
        );
        assert_eq!(c.select(&json!({"licensee": {}})), None);
    }

    #[test]
    fn null_selects_every_element_and_values_filter() {
        let q = ClaimsQuery {
            id: None,
            path: vec![PathElement::Key("a".into()), PathElement::All(())],
            values: Some(vec![json!("y")]),
        };
        let got = q.select(&json!({"a": ["x", "y", "y"]})).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0][1], PathElement::Index(1));
        assert_eq!(q.select(&json!({"a": ["x"]})), None);
    }

    #[test]
    fn prune_keeps_only_the_selected_claims() {
        let claims = json!({"a": {"b": 1, "c": 2}, "d": [10, 20, 30], "e": 5});
        let keep = vec![
            vec![PathElement::Key("a".into()), PathElement::Key("b".into())],
            vec![PathElement::Key("d".into()), PathElement::Index(2)],
        ];
        assert_eq!(prune(&claims, &keep), json!({"a": {"b": 1}, "d": [30]}));
    }

    #[test]
    fn malformed_queries_are_refused_with_a_reason() {
        for (bad, why) in [
            (json!({"credentials": []}), "must not be empty"),
            (
                json!({"credentials": [{"id": "a b", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}}]}),
                "credential id",
            ),
            (
                json!({"credentials": [{"id": "a", "format": "mso_mdoc", "meta": {}}]}),
                "not supported",
            ),
            (
                json!({"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {}}]}),
                "vct_values",
            ),
            (
                json!({"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]},
                    "claims": [{"id": "x", "path": ["p"]}], "claim_sets": [["y"]]}]}),
                "unknown claim",
            ),
            (
                json!({"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]},
                    "claims": [{"path": []}]}]}),
                "claims path",
            ),
            (
                json!({"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}}],
                    "credential_sets": [{"options": [["b"]]}]}),
                "unknown credential",
            ),
            (
                json!({"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}, "claims": [{"path": [-1]}]}]}),
                "invalid DCQL",
            ),
        ] {
            let e = DcqlQuery::parse(&bad).unwrap_err();
            assert!(e.to_string().contains(why), "{bad}: {e}");
        }
    }

    #[test]
    fn credential_sets_decide_which_answers_suffice() {
        let q = DcqlQuery::parse(&json!({"credentials": [
            {"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}},
            {"id": "b", "format": "dc+sd-jwt", "meta": {"vct_values": ["y"]}}
        ], "credential_sets": [{"options": [["a"], ["b"]]}]}))
        .unwrap();
        assert!(q.satisfied_by(&["b"].into_iter().collect()));
        assert!(!q.satisfied_by(&BTreeSet::new()));
        let all = DcqlQuery {
            credential_sets: None,
            ..q
        };
        assert!(!all.satisfied_by(&["b"].into_iter().collect()));
    }
}
