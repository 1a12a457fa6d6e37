//! The business's side: given a verified request and the credentials the
//! holder has (a list of `(format, raw credential)`, from files or from a
//! wallet store), choose the fewest credentials and claims
//! that satisfy the DCQL query, say exactly what would be disclosed, and
//! build the `vp_token` and the `direct_post` form body.

use elicence_core::keys::SigningKey;
use elicence_sd_jwt::verify::inspect;
use elicence_sd_jwt::{present, ClaimPath, KeyBindingRequest, Step};
use elicence_verifier::presentation::{self, Presented};
use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::dcql::{
    covered_by, display_path, prune, ConcretePath, CredentialQuery, DcqlQuery, PathElement,
    FORMAT_LDP, FORMAT_SD_JWT,
};
use crate::request::AuthorizationRequest;

/// Why the holder cannot answer.
#[derive(Debug, thiserror::Error)]
pub enum HolderError {
    /// No combination of the holder's credentials satisfies the query.
    #[error("none of your credentials satisfies the request: {0}")]
    NotSatisfiable(String),
    /// A credential could not be presented.
    #[error("presenting {id}: {reason}")]
    Present {
        /// The Credential Query id.
        id: String,
        /// Why.
        reason: String,
    },
}

/// One credential the holder could present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// `dc+sd-jwt` or `ldp_vc`.
    pub format: String,
    /// The compact SD-JWT, or the credential's JSON text.
    pub raw: String,
}

impl Candidate {
    /// Recognises a credential file's content: an SD-JWT (`~`-separated) or
    /// a JSON credential.
    pub fn detect(raw: &str) -> Option<Candidate> {
        let raw = raw.trim();
        let format = if raw.starts_with('{') {
            FORMAT_LDP
        } else if raw.contains('~') {
            FORMAT_SD_JWT
        } else {
            return None;
        };
        Some(Candidate {
            format: format.into(),
            raw: raw.into(),
        })
    }
}

/// One claim that would be disclosed, as shown to the holder.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    /// `licensee.juristicPersonId`.
    pub path: String,
    /// Its value.
    pub value: Value,
}

/// The holder's answer to one Credential Query.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// The Credential Query id.
    pub query_id: String,
    /// Which candidate answers it.
    pub candidate: usize,
    /// The selectively disclosable claims to disclose.
    pub disclose: Vec<ConcretePath>,
    /// Everything the verifier would see (always-visible claims included;
    /// for a Data Integrity credential, the whole credential).
    pub shown: Vec<Shown>,
}

fn claims_of(c: &Candidate) -> Option<(Value, Vec<&'static str>)> {
    match c.format.as_str() {
        FORMAT_SD_JWT => {
            let inspected = inspect(&c.raw).ok()?;
            Some((Value::Object(inspected.processed.claims), Vec::new()))
        }
        FORMAT_LDP => serde_json::from_str(&c.raw).ok().map(|v| (v, Vec::new())),
        _ => None,
    }
}

fn fits(query: &CredentialQuery, c: &Candidate) -> Option<(Value, Vec<ConcretePath>)> {
    if c.format != query.format {
        return None;
    }
    let (claims, _) = claims_of(c)?;
    let type_ok = match c.format.as_str() {
        FORMAT_SD_JWT => claims
            .get("vct")
            .and_then(Value::as_str)
            .is_some_and(|v| query.vct_values().contains(&v)),
        _ => {
            let types: Vec<&str> = match claims.get("type") {
                Some(Value::Array(t)) => t.iter().filter_map(Value::as_str).collect(),
                Some(Value::String(t)) => vec![t.as_str()],
                _ => Vec::new(),
            };
            query.type_matches(&types)
        }
    };
    if !type_ok {
        return None;
    }
    let paths = query.select(&claims)?;
    Some((claims, paths))
}

fn leaves(value: &Value, at: &mut ConcretePath, out: &mut Vec<Shown>) {
    match value {
        Value::Object(m) if !m.is_empty() => {
            for (k, v) in m {
                at.push(PathElement::Key(k.clone()));
                leaves(v, at, out);
                at.pop();
            }
        }
        Value::Array(a) if !a.is_empty() && a.iter().any(|v| v.is_object()) => {
            for (i, v) in a.iter().enumerate() {
                at.push(PathElement::Index(i as u64));
                leaves(v, at, out);
                at.pop();
            }
        }
        v => out.push(Shown {
            path: display_path(at),
            value: v.clone(),
        }),
    }
}

/// The SD-JWT claims that stay visible whatever the holder chooses.
const VISIBLE: [&str; 5] = ["vct", "iss", "nbf", "exp", "status"];

fn choose(query: &CredentialQuery, candidates: &[Candidate]) -> Option<Choice> {
    candidates.iter().enumerate().find_map(|(i, c)| {
        let (claims, paths) = fits(query, c)?;
        let mut shown = Vec::new();
        if c.format == FORMAT_SD_JWT {
            for name in VISIBLE {
                if let Some(v) = claims.get(name) {
                    shown.push(Shown {
                        path: name.into(),
                        value: v.clone(),
                    });
                }
            }
            leaves(&prune(&claims, &paths), &mut Vec::new(), &mut shown);
        } else {
            leaves(&claims, &mut Vec::new(), &mut shown);
        }
        Some(Choice {
            query_id: query.id.clone(),
            candidate: i,
            disclose: paths,
            shown,
        })
    })
}

/// Chooses what to present: for each Credential Query that must be
/// answered (all of them without `credential_sets`; otherwise the first
/// satisfiable option of each required set), the first candidate that
/// satisfies it, disclosing only the claims its first satisfiable claim set
/// needs. Optional credential sets are left unanswered: data minimisation.
pub fn select(query: &DcqlQuery, candidates: &[Candidate]) -> Result<Vec<Choice>, HolderError> {
    let pick = |id: &str| -> Option<Choice> { choose(query.credential(id)?, candidates) };
    match &query.credential_sets {
        None => query
            .credentials
            .iter()
            .map(|q| {
                choose(q, candidates).ok_or_else(|| {
                    HolderError::NotSatisfiable(format!(
                        "no {} credential of type {} with the requested claims ({})",
                        q.format,
                        q.vct_values().join(" or "),
                        q.requested_paths()
                            .iter()
                            .map(|p| display_path(p))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })
            })
            .collect(),
        Some(sets) => {
            let mut out: Vec<Choice> = Vec::new();
            for set in sets.iter().filter(|s| s.required) {
                let option = set.options.iter().find_map(|option| {
                    option.iter().map(|id| pick(id)).collect::<Option<Vec<_>>>()
                });
                let Some(option) = option else {
                    return Err(HolderError::NotSatisfiable(format!(
                        "no option of a required credential set ({:?}) can be answered",
                        set.options
                    )));
                };
                for c in option {
                    if !out.iter().any(|o| o.query_id == c.query_id) {
                        out.push(c);
                    }
                }
            }
            Ok(out)
        }
    }
}

fn to_concrete(path: &ClaimPath) -> ConcretePath {
    path.0
        .iter()
        .map(|s| match s {
            Step::Key(k) => PathElement::Key(k.clone()),
            Step::Index(i) => PathElement::Index(*i as u64),
        })
        .collect()
}

/// Builds the `vp_token`: per choice, an SD-JWT presentation with only the
/// chosen Disclosures and a Key Binding JWT over the request's nonce for its
/// client identifier, or a Data Integrity presentation with the nonce as
/// challenge and the client identifier as domain.
pub fn vp_token(
    request: &AuthorizationRequest,
    candidates: &[Candidate],
    choices: &[Choice],
    holder_key: &SigningKey,
    now: OffsetDateTime,
) -> Result<Value, HolderError> {
    let mut token = Map::new();
    for choice in choices {
        let fail = |reason: String| HolderError::Present {
            id: choice.query_id.clone(),
            reason,
        };
        let candidate = candidates
            .get(choice.candidate)
            .ok_or_else(|| fail("no such credential".into()))?;
        let presented = match candidate.format.as_str() {
            FORMAT_SD_JWT => {
                let kb = KeyBindingRequest {
                    key: holder_key,
                    nonce: &request.nonce,
                    audience: &request.client_id,
                    issued_at: now,
                };
                let keep = |path: &ClaimPath| {
                    let p = to_concrete(path);
                    choice
                        .disclose
                        .iter()
                        .any(|d| covered_by(&p, d) && p.len() >= d.len())
                };
                Value::from(
                    present(&candidate.raw, &keep, Some(&kb)).map_err(|e| fail(e.to_string()))?,
                )
            }
            FORMAT_LDP => {
                let credential: Value =
                    serde_json::from_str(&candidate.raw).map_err(|e| fail(e.to_string()))?;
                let created = now.format(&Rfc3339).map_err(|e| fail(e.to_string()))?;
                presentation::present(
                    &[Presented::Json(credential)],
                    holder_key,
                    &request.nonce,
                    &request.client_id,
                    &created,
                )
                .map_err(|e| fail(e.to_string()))?
            }
            other => return Err(fail(format!("unsupported format {other}"))),
        };
        token.insert(choice.query_id.clone(), Value::Array(vec![presented]));
    }
    Ok(Value::Object(token))
}

/// The form body answering `request`: `vp_token` and `state` for
/// `direct_post`; for `direct_post.jwt`, the same encrypted to the relying
/// party's key as `response` (ECDH-ES, P-256).
pub fn response_body(
    request: &AuthorizationRequest,
    vp_token: &Value,
) -> Result<String, HolderError> {
    if request.response_mode != crate::request::DIRECT_POST_JWT {
        return Ok(direct_post_body(vp_token, &request.state));
    }
    let fail = |reason: String| HolderError::Present {
        id: "response".into(),
        reason,
    };
    let (key, kid, enc) = crate::request::encryption_key(request.client_metadata.as_ref())
        .map_err(|e| fail(e.to_string()))?;
    let mut payload = Map::new();
    payload.insert("vp_token".into(), vp_token.clone());
    payload.insert("state".into(), Value::from(request.state.as_str()));
    let jwe = crate::jwe::encrypt(&payload, &key, kid.as_deref(), enc)
        .map_err(|e| fail(e.to_string()))?;
    Ok(form_urlencoded::Serializer::new(String::new())
        .append_pair("response", &jwe)
        .finish())
}

/// The `application/x-www-form-urlencoded` body of a `direct_post` answer.
pub fn direct_post_body(vp_token: &Value, state: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("vp_token", &vp_token.to_string())
        .append_pair("state", state)
        .finish()
}
