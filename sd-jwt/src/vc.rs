//! SD-JWT VC (draft-ietf-oauth-sd-jwt-vc): an SD-JWT with `typ: dc+sd-jwt`,
//! a `vct` type, the issuer in `iss`, the holder key in `cnf.jwk` and a Token
//! Status List reference in `status`; those (and `nbf`, `exp`,
//! `vct#integrity`) are never selectively disclosable.
//!
//! Issuer identifiers: an agency's `iss` is the HTTPS form of its `did:web`
//! (`did:web:licence.example.go.th:agencies:bangrak` ↔
//! `https://licence.example.go.th/agencies/bangrak`), the form JWT VC Issuer
//! Metadata and X.509 SAN URIs use; a `did:key` agency uses its DID.

use elicence_core::did::did_web_url;
use elicence_core::keys::{PublicKey, Signer};
use serde_json::{Map, Value};

use crate::disclosure::{Pattern, PatternStep, Step};
use crate::error::{bad_claim, SdJwtError};
use crate::issue::{issue, IssueOptions, SdJwt};
use crate::verify::{self, numeric_date, IssuerKeyResolver, Verified, VerifyOptions};

/// The media type (`typ`) of an SD-JWT VC.
pub const VC_TYPE: &str = "dc+sd-jwt";
/// The earlier `typ`, still accepted (the draft recommends a transition period).
pub const LEGACY_VC_TYPE: &str = "vc+sd-jwt";
/// Claims that must be in the signed payload itself, never in a Disclosure.
pub const PROTECTED_CLAIMS: [&str; 7] =
    ["iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status"];

/// `status.status_list` of a Referenced Token (draft-ietf-oauth-status-list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusReference {
    /// The index in the list.
    pub idx: u64,
    /// The Status List Token's URI (its `sub`).
    pub uri: String,
}

impl StatusReference {
    /// `{"status_list": {"idx": …, "uri": …}}`.
    pub fn to_claim(&self) -> Value {
        serde_json::json!({"status_list": {"idx": self.idx, "uri": self.uri}})
    }

    /// Reads the `status` claim, if present; a `status` without
    /// `status_list` (another mechanism) is refused: we could not check it.
    pub fn from_claims(claims: &Map<String, Value>) -> Result<Option<StatusReference>, SdJwtError> {
        let Some(status) = claims.get("status") else {
            return Ok(None);
        };
        let list = status
            .get("status_list")
            .ok_or_else(|| bad_claim("status", "has no `status_list` (the only mechanism read)"))?;
        let idx = list
            .get("idx")
            .and_then(Value::as_u64)
            .ok_or_else(|| bad_claim("status.status_list.idx", "not a non-negative integer"))?;
        let uri = list
            .get("uri")
            .and_then(Value::as_str)
            .filter(|u| u.contains(':') && !u.contains(char::is_whitespace))
            .ok_or_else(|| bad_claim("status.status_list.uri", "not a URI"))?;
        Ok(Some(StatusReference {
            idx,
            uri: uri.to_owned(),
        }))
    }
}

/// The issuer identifier (`iss`) for an agency DID: the HTTPS URL of a
/// `did:web` (without the `did.json` document path), the DID itself for `did:key`.
pub fn issuer_for_did(did: &str) -> Result<String, SdJwtError> {
    if did.starts_with("did:key:") {
        return Ok(did.to_owned());
    }
    let url = did_web_url(did).map_err(|e| bad_claim("iss", e.to_string()))?;
    let base = url
        .strip_suffix("/.well-known/did.json")
        .or_else(|| url.strip_suffix("/did.json"))
        .unwrap_or(&url);
    Ok(base.to_owned())
}

/// The agency DID an `iss` names: a DID as is, or the `did:web` whose HTTPS
/// form (see [`issuer_for_did`]) is exactly `iss`. `None` for anything else
/// (query, fragment, trailing slash, upper-case host: not canonical).
pub fn did_for_issuer(iss: &str) -> Option<String> {
    if iss.starts_with("did:") {
        return Some(iss.to_owned());
    }
    let rest = iss.strip_prefix("https://")?;
    let (authority, path) = match rest.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (rest, None),
    };
    let mut did = format!("did:web:{}", authority.replacen(':', "%3A", 1));
    if let Some(path) = path {
        for segment in path.split('/') {
            did.push(':');
            did.push_str(segment);
        }
    }
    (issuer_for_did(&did).ok()? == iss).then_some(did)
}

/// What an issuer puts in an SD-JWT VC besides its own claims.
#[derive(Debug, Clone)]
pub struct VcClaims {
    /// `iss`: see [`issuer_for_did`].
    pub iss: String,
    /// `vct`: the credential type.
    pub vct: String,
    /// `vct#integrity`: SRI of the type's metadata document, if known.
    pub vct_integrity: Option<String>,
    /// `iat`: when the issuer signs.
    pub iat: i64,
    /// `nbf`: start of validity.
    pub nbf: Option<i64>,
    /// `exp`: end of validity (the first second it is no longer valid).
    pub exp: Option<i64>,
    /// `cnf.jwk`: the holder's key, for Key Binding.
    pub holder_key: Option<PublicKey>,
    /// `status`: where its revocation/suspension status is published.
    pub status: Option<StatusReference>,
    /// The type's own claims.
    pub claims: Map<String, Value>,
}

/// Issues an SD-JWT VC (`typ: dc+sd-jwt`) signed by `key` under `kid`.
/// `disclosable` may not touch the [`PROTECTED_CLAIMS`] (nor `iat`, which
/// key-window checks read), and `claims` may not repeat them.
pub fn issue_vc(
    vc: &VcClaims,
    disclosable: Vec<Pattern>,
    decoys: usize,
    kid: &str,
    key: &(impl Signer + ?Sized),
    rng: &mut impl rand_core::CryptoRngCore,
) -> Result<SdJwt, SdJwtError> {
    for pattern in &disclosable {
        if let Some(PatternStep::Key(first)) = pattern.0.first() {
            if pattern.0.len() == 1
                && (PROTECTED_CLAIMS.contains(&first.as_str()) || first == "iat")
            {
                return Err(SdJwtError::ProtectedClaimDisclosed(first.clone()));
            }
        }
    }
    if kid.is_empty() {
        return Err(SdJwtError::Request(
            "the key id (`kid`) must not be empty".into(),
        ));
    }
    if vc.vct.is_empty() || vc.iss.is_empty() {
        return Err(SdJwtError::Request(
            "`vct` and `iss` must not be empty".into(),
        ));
    }
    let mut payload = Map::new();
    payload.insert("iss".into(), Value::from(vc.iss.clone()));
    payload.insert("iat".into(), Value::from(vc.iat));
    if let Some(nbf) = vc.nbf {
        payload.insert("nbf".into(), Value::from(nbf));
    }
    if let Some(exp) = vc.exp {
        payload.insert("exp".into(), Value::from(exp));
    }
    payload.insert("vct".into(), Value::from(vc.vct.clone()));
    if let Some(integrity) = &vc.vct_integrity {
        payload.insert("vct#integrity".into(), Value::from(integrity.clone()));
    }
    if let Some(holder) = &vc.holder_key {
        payload.insert("cnf".into(), serde_json::json!({"jwk": holder.to_jwk()}));
    }
    if let Some(status) = &vc.status {
        payload.insert("status".into(), status.to_claim());
    }
    for (name, value) in &vc.claims {
        if payload.contains_key(name) || PROTECTED_CLAIMS.contains(&name.as_str()) {
            return Err(SdJwtError::ClaimOverwrite(name.clone()));
        }
        payload.insert(name.clone(), value.clone());
    }
    let options = IssueOptions {
        disclosable,
        decoys,
        typ: VC_TYPE.into(),
        kid: Some(kid.to_owned()),
    };
    issue(&payload, &options, key, rng)
}

/// A verified SD-JWT VC.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedVc {
    /// The SD-JWT layer: claims, disclosed paths, KB-JWT.
    pub sd_jwt: Verified,
    /// `iss`.
    pub iss: String,
    /// `vct`.
    pub vct: String,
    /// `vct#integrity`, if present.
    pub vct_integrity: Option<String>,
    /// `iat`, if present.
    pub iat: Option<i64>,
    /// `nbf`, if present.
    pub nbf: Option<i64>,
    /// `exp`, if present.
    pub exp: Option<i64>,
    /// `cnf.jwk`, if present.
    pub holder_key: Option<PublicKey>,
    /// `status.status_list`, if present.
    pub status: Option<StatusReference>,
}

/// Verifies an SD-JWT VC: everything [`verify::verify`] checks, with `typ`
/// `dc+sd-jwt` (or the legacy `vc+sd-jwt`) unless `options.types` says
/// otherwise, the protected claims visible, `iss` and `vct` present, and
/// `cnf` and `status` well formed.
pub fn verify_vc(
    text: &str,
    resolver: &dyn IssuerKeyResolver,
    options: &VerifyOptions,
) -> Result<VerifiedVc, SdJwtError> {
    let mut options = options.clone();
    if options.types.is_empty() {
        options.types = vec![VC_TYPE.into(), LEGACY_VC_TYPE.into()];
    }
    let verified = verify::verify(text, resolver, &options)?;
    if let Some(protected) = verified
        .disclosed
        .iter()
        .find_map(|p| match p.0.as_slice() {
            [Step::Key(name)] if PROTECTED_CLAIMS.contains(&name.as_str()) => Some(name.clone()),
            _ => None,
        })
    {
        return Err(SdJwtError::ProtectedClaimDisclosed(protected));
    }
    vc_fields(verified)
}

/// Reads the SD-JWT VC claims of a verified SD-JWT.
pub(crate) fn vc_fields(verified: Verified) -> Result<VerifiedVc, SdJwtError> {
    let claims = &verified.claims;
    let text = |claim: &str| -> Result<Option<String>, SdJwtError> {
        match claims.get(claim) {
            None => Ok(None),
            Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
            Some(_) => Err(bad_claim(claim, "not a non-empty string")),
        }
    };
    let iss = text("iss")?.ok_or_else(|| bad_claim("iss", "missing"))?;
    let vct = text("vct")?.ok_or_else(|| bad_claim("vct", "missing"))?;
    let vct_integrity = text("vct#integrity")?;
    let holder_key = match claims.get("cnf") {
        None => None,
        Some(_) => Some(verify::holder_key(claims)?),
    };
    let status = StatusReference::from_claims(claims)?;
    Ok(VerifiedVc {
        iss,
        vct,
        vct_integrity,
        iat: numeric_date(claims, "iat")?,
        nbf: numeric_date(claims, "nbf")?,
        exp: numeric_date(claims, "exp")?,
        holder_key,
        status,
        sd_jwt: verified,
    })
}
