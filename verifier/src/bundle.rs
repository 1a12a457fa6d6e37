//! The offline trust bundle: trust list, catalogue, pinned context hashes and
//! status-list snapshots in one versioned credential signed by the root
//! authority (docs/trust.md). Opening it checks everything once, so each
//! verification afterwards is lookups and signature checks only.

use elicence_core::did::{resolve_did_key, OfflineResolver};
use elicence_core::json::{self, Limits};
use elicence_core::licence::{check_contexts, shipped_context};
use elicence_core::proof;
use serde_json::{json, Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::catalogue::{Catalogue, CatalogueError};
pub use crate::status::StatusSnapshot;
#[cfg(feature = "sd-jwt")]
pub use crate::status::TokenStatusSnapshot;
use crate::status::{verify_list_credential, StatusError};
use crate::trust::{TrustList, TrustListError, TRUST_LIST_TYPE};

/// `type` of the bundle credential (besides `VerifiableCredential`).
pub const BUNDLE_TYPE: &str = "ElicenceTrustBundle";
/// Largest bundle accepted: status lists make it bigger than one credential.
pub const MAX_BUNDLE_BYTES: usize = 16 << 20;

/// What the verifier is configured with before it sees any bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustAnchor {
    /// The root authority's `did:key`: the only key that may sign bundles and trust lists.
    pub root_did: String,
    /// Lowest bundle version accepted: the caller records the highest version
    /// it has seen, so an old bundle (with an old trust list) cannot be replayed.
    pub min_version: u64,
}

/// A context pinned by the bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinnedContext {
    /// Its URL.
    pub url: String,
    /// Lowercase hex SHA-256 of its bytes.
    pub sha256: String,
}

/// An opened, fully checked bundle.
#[derive(Debug, Clone)]
pub struct TrustBundle {
    /// Monotonic version number.
    pub version: u64,
    /// The root authority's DID.
    pub root_did: String,
    /// When the bundle starts to apply.
    pub valid_from: OffsetDateTime,
    /// After this the bundle is stale and nothing can be decided with it.
    pub valid_until: Option<OffsetDateTime>,
    /// The trusted agencies.
    pub trust_list: TrustList,
    /// The licence catalogue.
    pub catalogue: Catalogue,
    /// Contexts credentials may use.
    pub contexts: Vec<PinnedContext>,
    /// Status list snapshots.
    pub status_lists: Vec<StatusSnapshot>,
    /// Token Status List snapshots (for SD-JWT VC licences). A build
    /// without the `sd-jwt` feature never reads them, so it does not open them.
    #[cfg(feature = "sd-jwt")]
    pub token_status_lists: Vec<TokenStatusSnapshot>,
    pub(crate) resolver: OfflineResolver,
}

/// Why a bundle cannot be used. Any of these means: do not verify with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    /// Not JSON, or not the bundle's shape.
    #[error("bundle: {0}")]
    Shape(String),
    /// A context is not pinned.
    #[error("bundle: {0}")]
    Context(String),
    /// Signed by someone other than the configured root, or not by a root key.
    #[error("{what} is signed by {found}, not by the configured root authority {expected}")]
    WrongRoot {
        /// The bundle or the trust list.
        what: &'static str,
        /// The configured root.
        expected: String,
        /// Who signed (or claims to be issuer).
        found: String,
    },
    /// The signature does not verify: the content was altered.
    #[error("{what}: signature does not verify ({reason}): it was altered or forged")]
    Signature {
        /// The bundle, the trust list or a status list.
        what: String,
        /// The proof error.
        reason: String,
    },
    /// Older than the anchor's minimum version (a rollback).
    #[error("bundle version {found} is older than the lowest accepted version {min}")]
    Rollback {
        /// The bundle's version.
        found: u64,
        /// The minimum.
        min: u64,
    },
    /// The configured root is not a usable did:key.
    #[error("root authority: {0}")]
    Anchor(String),
    /// The catalogue is malformed.
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    /// The trust list is malformed.
    #[error(transparent)]
    TrustList(#[from] TrustListError),
    /// A status list snapshot is malformed or not from a trusted agency.
    #[error("bundle: status list {url}: {reason}")]
    StatusList {
        /// The list URL.
        url: String,
        /// Why.
        reason: String,
    },
}

impl From<StatusError> for BundleError {
    fn from(e: StatusError) -> Self {
        BundleError::Shape(e.to_string())
    }
}

fn shape(m: impl Into<String>) -> BundleError {
    BundleError::Shape(m.into())
}

fn has_type(v: &Value, wanted: &str) -> bool {
    match v.get("type") {
        Some(Value::String(t)) => t == wanted,
        Some(Value::Array(ts)) => ts.iter().any(|t| t.as_str() == Some(wanted)),
        _ => false,
    }
}

fn issuer_of(v: &Value) -> Option<&str> {
    match v.get("issuer")? {
        Value::String(s) => Some(s),
        o => o.get("id")?.as_str(),
    }
}

fn date(v: &Value, key: &str) -> Result<Option<OffsetDateTime>, BundleError> {
    match v.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => OffsetDateTime::parse(s, &Rfc3339)
            .map(Some)
            .map_err(|_| shape(format!("{key} {s:?} is not RFC 3339"))),
        Some(_) => Err(shape(format!("{key} must be a string"))),
    }
}

/// Verifies a root-signed credential of `kind`: type, issuer, proof by the root key.
fn check_root_signed(
    doc: &Value,
    kind: &str,
    what: &'static str,
    root: &str,
) -> Result<(), BundleError> {
    if !has_type(doc, "VerifiableCredential") || !has_type(doc, kind) {
        return Err(shape(format!("{what}: type must include {kind}")));
    }
    let issuer = issuer_of(doc).ok_or_else(|| shape(format!("{what}: no issuer")))?;
    if issuer != root {
        return Err(BundleError::WrongRoot {
            what,
            expected: root.to_owned(),
            found: issuer.to_owned(),
        });
    }
    let verified =
        proof::verify(doc, &OfflineResolver::new(), "assertionMethod", None).map_err(|e| {
            BundleError::Signature {
                what: what.to_owned(),
                reason: e.to_string(),
            }
        })?;
    if let Some(p) = verified.iter().find(|p| p.controller != root) {
        return Err(BundleError::WrongRoot {
            what,
            expected: root.to_owned(),
            found: p.controller.clone(),
        });
    }
    Ok(())
}

/// `doc` without the members of `credentialSubject` that hold nested credentials,
/// so the outer document's contexts can be checked on their own.
fn without_nested(doc: &Value, members: &[&str]) -> Value {
    let mut outer = doc.clone();
    if let Some(s) = outer
        .get_mut("credentialSubject")
        .and_then(Value::as_object_mut)
    {
        for m in members {
            s.remove(*m);
        }
    }
    outer
}

impl TrustBundle {
    /// Opens a bundle: strict JSON, the root's signature on the bundle and on
    /// the trust list inside it, version not older than the anchor's minimum,
    /// catalogue and trust list consistent, contexts pinned to the hashes
    /// elicence ships, and every status list signed by the trusted agency
    /// that issues it.
    pub fn open(bytes: &[u8], anchor: &TrustAnchor) -> Result<TrustBundle, BundleError> {
        resolve_did_key(&anchor.root_did).map_err(|e| BundleError::Anchor(e.to_string()))?;
        if anchor.root_did.contains('#') {
            return Err(BundleError::Anchor(
                "give the root's DID, not a key id".into(),
            ));
        }
        let root = anchor.root_did.as_str();
        let doc = json::parse_strict_with_limits(
            bytes,
            Limits {
                max_bytes: MAX_BUNDLE_BYTES,
                ..Limits::default()
            },
        )
        .map_err(|e| shape(e.to_string()))?;
        check_contexts(&without_nested(&doc, &["trustList", "statusLists"]))
            .map_err(|e| BundleError::Context(e.to_string()))?;
        check_root_signed(&doc, BUNDLE_TYPE, "the bundle", root)?;
        let subject = doc
            .get("credentialSubject")
            .filter(|s| s.is_object())
            .ok_or_else(|| shape("credentialSubject must be an object"))?;
        let version = subject
            .get("bundleVersion")
            .and_then(Value::as_u64)
            .filter(|v| *v >= 1)
            .ok_or_else(|| shape("bundleVersion must be a positive integer"))?;
        if version < anchor.min_version {
            return Err(BundleError::Rollback {
                found: version,
                min: anchor.min_version,
            });
        }
        let valid_from =
            date(&doc, "validFrom")?.ok_or_else(|| shape("the bundle needs validFrom"))?;
        let valid_until = date(&doc, "validUntil")?;

        let catalogue = Catalogue::from_json(
            subject
                .get("catalogue")
                .ok_or_else(|| shape("missing catalogue"))?,
        )?;

        let trust_doc = subject
            .get("trustList")
            .ok_or_else(|| shape("missing trustList"))?;
        check_contexts(trust_doc).map_err(|e| BundleError::Context(format!("trust list: {e}")))?;
        check_root_signed(trust_doc, TRUST_LIST_TYPE, "the trust list", root)?;
        let trust_list = TrustList::from_subject(
            trust_doc
                .get("credentialSubject")
                .ok_or_else(|| shape("trust list has no credentialSubject"))?,
            &catalogue,
        )?;
        let resolver = trust_list.resolver();

        let contexts = pinned_contexts(subject)?;
        let status_lists = match subject.get("statusLists") {
            None => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|s| snapshot(s, &trust_list, &resolver))
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(shape("statusLists must be an array")),
        };
        #[cfg(feature = "sd-jwt")]
        let token_status_lists = match subject.get("tokenStatusLists") {
            None => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|s| token_snapshot(s, &trust_list, &resolver))
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(shape("tokenStatusLists must be an array")),
        };
        Ok(TrustBundle {
            version,
            root_did: root.to_owned(),
            valid_from,
            valid_until,
            trust_list,
            catalogue,
            contexts,
            status_lists,
            #[cfg(feature = "sd-jwt")]
            token_status_lists,
            resolver,
        })
    }

    /// The snapshot of the Token Status List at `uri`, if the bundle has one.
    #[cfg(feature = "sd-jwt")]
    pub fn token_status_list(&self, uri: &str) -> Option<&TokenStatusSnapshot> {
        self.token_status_lists.iter().find(|s| s.uri == uri)
    }

    /// The snapshot of the status list at `url`, if the bundle has one.
    pub fn status_list(&self, url: &str) -> Option<&StatusSnapshot> {
        self.status_lists.iter().find(|s| s.list.url == url)
    }

    /// The resolver over the trusted agencies' keys: what a status list
    /// fetched outside the bundle must be signed with.
    pub fn resolver(&self) -> &OfflineResolver {
        &self.resolver
    }

    /// Whether a context URL is pinned by this bundle.
    pub fn pins(&self, url: &str) -> bool {
        self.contexts.iter().any(|c| c.url == url)
    }
}

fn pinned_contexts(subject: &Value) -> Result<Vec<PinnedContext>, BundleError> {
    let items = subject
        .get("contexts")
        .and_then(Value::as_array)
        .ok_or_else(|| shape("contexts must be an array"))?;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let url = item.get("url").and_then(Value::as_str);
        let sha = item.get("sha256").and_then(Value::as_str);
        let (Some(url), Some(sha)) = (url, sha) else {
            return Err(shape("each context needs url and sha256"));
        };
        match shipped_context(url) {
            Some(c) if c.sha256_hex == sha => {}
            Some(c) => {
                return Err(BundleError::Context(format!(
                    "context {url} is pinned to {sha}, but this verifier ships {}: the bundle was built for different context files",
                    c.sha256_hex
                )))
            }
            None => {
                return Err(BundleError::Context(format!(
                    "context {url} is not shipped with this verifier"
                )))
            }
        }
        out.push(PinnedContext {
            url: url.to_owned(),
            sha256: sha.to_owned(),
        });
    }
    Ok(out)
}

fn snapshot(
    item: &Value,
    trust: &TrustList,
    resolver: &OfflineResolver,
) -> Result<StatusSnapshot, BundleError> {
    let url = item
        .get("url")
        .and_then(Value::as_str)
        .ok_or_else(|| shape("each status list needs a url"))?;
    let err = |reason: String| BundleError::StatusList {
        url: url.to_owned(),
        reason,
    };
    let fetched_at = date(item, "fetchedAt")?.ok_or_else(|| err("missing fetchedAt".into()))?;
    let credential = item
        .get("credential")
        .ok_or_else(|| err("missing credential".into()))?;
    // The list is checked like any credential; whether it is in force is
    // judged at each verification, against that verification's clock.
    let issuer = crate::checks::issuer_id(credential.get("issuer").unwrap_or(&Value::Null))
        .ok_or_else(|| err("the list has no issuer".into()))?;
    if trust.agency_for_did(issuer).is_none() {
        return Err(err(format!("issuer {issuer} is not in the trust list")));
    }
    verify_list_credential(credential, url, None, resolver, None, fetched_at).map_err(|e| match e {
        crate::status::ListError::Proof(reason) => BundleError::Signature {
            what: format!("status list {url}"),
            reason,
        },
        other => err(other.to_string()),
    })
}

#[cfg(feature = "sd-jwt")]
fn token_snapshot(
    item: &Value,
    trust: &TrustList,
    resolver: &OfflineResolver,
) -> Result<TokenStatusSnapshot, BundleError> {
    let uri = item
        .get("uri")
        .and_then(Value::as_str)
        .ok_or_else(|| shape("each token status list needs a uri"))?;
    let err = |reason: String| BundleError::StatusList {
        url: uri.to_owned(),
        reason,
    };
    let fetched_at = date(item, "fetchedAt")?.ok_or_else(|| err("missing fetchedAt".into()))?;
    let token = item
        .get("token")
        .and_then(Value::as_str)
        .ok_or_else(|| err("missing token (the Status List Token as fetched)".into()))?;
    // Checked like a credential; whether it is in force is judged at each
    // verification, against that verification's clock.
    let snapshot =
        crate::status::verify_status_list_token(token, uri, None, resolver, None, fetched_at)
            .map_err(|e| match e {
                crate::status::ListError::Proof(reason) => BundleError::Signature {
                    what: format!("token status list {uri}"),
                    reason,
                },
                other => err(other.to_string()),
            })?;
    if trust.agency_for_did(&snapshot.issuer).is_none() {
        return Err(err(format!(
            "issuer {} is not in the trust list",
            snapshot.issuer
        )));
    }
    Ok(snapshot)
}

/// What goes into a bundle; [`unsigned_bundle`] turns it into the credential
/// the root then signs.
#[derive(Debug, Clone)]
pub struct BundleParts {
    /// The root's DID (the issuer).
    pub root_did: String,
    /// Version number; must grow with every release.
    pub version: u64,
    /// RFC 3339 start of validity.
    pub valid_from: String,
    /// RFC 3339 end of validity, if any.
    pub valid_until: Option<String>,
    /// The root-signed trust list credential.
    pub trust_list: Value,
    /// The catalogue JSON.
    pub catalogue: Value,
    /// Status list credentials, each with its URL and fetch time (RFC 3339).
    pub status_lists: Vec<(String, String, Value)>,
    /// Token Status Lists (`statuslist+jwt`), each with its URI and fetch
    /// time (RFC 3339); left out of the bundle when empty.
    pub token_status_lists: Vec<(String, String, String)>,
}

/// The unsigned bundle credential, pinning every context elicence ships.
pub fn unsigned_bundle(parts: &BundleParts) -> Value {
    let contexts: Vec<Value> = elicence_core::licence::context::all_shipped_contexts()
        .iter()
        .map(|c| json!({"url": c.url, "sha256": c.sha256_hex}))
        .collect();
    let status: Vec<Value> = parts
        .status_lists
        .iter()
        .map(|(url, fetched, cred)| json!({"url": url, "fetchedAt": fetched, "credential": cred}))
        .collect();
    let mut doc = Map::new();
    doc.insert("@context".into(), json!(credential_context()));
    doc.insert(
        "id".into(),
        json!(format!("urn:elicence:trust-bundle:{}", parts.version)),
    );
    doc.insert("type".into(), json!(["VerifiableCredential", BUNDLE_TYPE]));
    doc.insert("issuer".into(), json!(parts.root_did));
    doc.insert("validFrom".into(), json!(parts.valid_from));
    if let Some(u) = &parts.valid_until {
        doc.insert("validUntil".into(), json!(u));
    }
    let mut subject = json!({
        "type": BUNDLE_TYPE,
        "bundleVersion": parts.version,
        "trustList": parts.trust_list,
        "catalogue": parts.catalogue,
        "contexts": contexts,
        "statusLists": status,
    });
    if !parts.token_status_lists.is_empty() {
        subject["tokenStatusLists"] = parts
            .token_status_lists
            .iter()
            .map(|(uri, fetched, token)| json!({"uri": uri, "fetchedAt": fetched, "token": token}))
            .collect();
    }
    doc.insert("credentialSubject".into(), subject);
    Value::Object(doc)
}

/// The unsigned trust list credential for `agencies` (JSON array of agencies).
pub fn unsigned_trust_list(
    root_did: &str,
    id: &str,
    valid_from: &str,
    valid_until: Option<&str>,
    agencies: &Value,
) -> Value {
    let mut doc = Map::new();
    doc.insert("@context".into(), json!(credential_context()));
    doc.insert("id".into(), json!(id));
    doc.insert(
        "type".into(),
        json!(["VerifiableCredential", TRUST_LIST_TYPE]),
    );
    doc.insert("issuer".into(), json!(root_did));
    doc.insert("validFrom".into(), json!(valid_from));
    if let Some(u) = valid_until {
        doc.insert("validUntil".into(), json!(u));
    }
    doc.insert(
        "credentialSubject".into(),
        json!({"type": TRUST_LIST_TYPE, "agencies": agencies}),
    );
    Value::Object(doc)
}

fn credential_context() -> [&'static str; 2] {
    [
        elicence_core::licence::context::VC_V2_CONTEXT_URL,
        elicence_core::licence::LICENCE_CONTEXT_URL,
    ]
}
