//! Credential types: a `vct` per licence type of the central catalogue,
//! `{catalogue base}/vct/{licence-type-code}`, and its SD-JWT VC Type
//! Metadata document (Thai and English display names, claim metadata with
//! labels, `sd: always`), with the W3C SRI string an issuer puts in
//! `vct#integrity`. Generated from the catalogue, so the issuer serves and
//! the trust bundle carries the same bytes (docs/sd-jwt.md, Types).

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use elicence_core::licence::model::BilingualText;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest as _, Sha256};

use crate::error::SdJwtError;
use crate::licence::LICENCE_CLAIMS;

/// The catalogue's namespace: licence types are the central catalogue's, not
/// any one agency's, and live beside its JSON-LD context and subject schema.
pub const VCT_BASE: &str = "https://w3id.org/elicence";

/// `{base}/vct/{code}`.
pub fn vct_for(base: &str, code: &str) -> String {
    format!("{}/vct/{code}", base.trim_end_matches('/'))
}

/// The licence type code of a `vct` under `base`, if it is one (a code of
/// 1-32 `A-Z a-z 0-9 . _ -`, starting with a letter or digit).
pub fn licence_type_code<'a>(base: &str, vct: &'a str) -> Option<&'a str> {
    let code = vct
        .strip_prefix(base.trim_end_matches('/'))?
        .strip_prefix("/vct/")?;
    let ok = (1..=32).contains(&code.len())
        && code
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric())
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    ok.then_some(code)
}

/// What a Type Metadata document says about one licence type (a catalogue entry).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LicenceTypeInfo {
    /// The licence type code.
    pub code: String,
    /// Official Thai and English names.
    pub name: BilingualText,
    /// The printed form name, if any.
    #[serde(default)]
    pub short_name: Option<String>,
    /// The Act and section it is issued under.
    #[serde(default)]
    pub legal_basis: Option<BilingualText>,
    /// Optional subject fields this type makes mandatory (`id`, `conditions`, …).
    #[serde(default)]
    pub required_subject_fields: Vec<String>,
}

/// A Type Metadata document with the exact bytes to serve and their integrity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeMetadata {
    /// The type.
    pub vct: String,
    /// The document.
    pub document: Value,
    /// Its serialization (pretty JSON, UTF-8): what the issuer serves and
    /// what [`TypeMetadata::integrity`] hashes.
    pub bytes: Vec<u8>,
    /// `sha256-<base64>` of `bytes` (W3C SRI), for `vct#integrity`.
    pub integrity: String,
}

/// `sha256-BASE64(SHA-256(bytes))`: W3C Subresource Integrity metadata.
pub fn integrity_of(bytes: &[u8]) -> String {
    format!("sha256-{}", STANDARD.encode(Sha256::digest(bytes)))
}

/// Whether `bytes` satisfy an SRI string (any of its space-separated
/// `sha256-` entries; other hash algorithms are not understood and do not match).
pub fn integrity_matches(integrity: &str, bytes: &[u8]) -> bool {
    let ours = integrity_of(bytes);
    integrity
        .split_whitespace()
        .map(|entry| entry.split('?').next().unwrap_or(entry))
        .any(|entry| entry == ours)
}

/// The Type Metadata document of one licence type.
pub fn type_metadata(base: &str, info: &LicenceTypeInfo) -> TypeMetadata {
    let vct = vct_for(base, &info.code);
    let describe = |lang: &str| -> Option<String> {
        info.legal_basis.as_ref().map(|b| {
            if lang == "th" {
                b.th.clone()
            } else {
                b.en.clone()
            }
        })
    };
    // The printed form's short name (ร.ง.๔) is Thai: added to the Thai name
    // when it does not already say it.
    let name_with_short = |locale: &str, name: &str| match &info.short_name {
        Some(short) if locale == "th" && !name.contains(short.as_str()) => {
            format!("{name} ({short})")
        }
        _ => name.to_owned(),
    };
    let mut display = Vec::new();
    for (locale, name) in [("th", &info.name.th), ("en", &info.name.en)] {
        let mut d = json!({"locale": locale, "name": name_with_short(locale, name)});
        if let Some(description) = describe(locale) {
            d["description"] = Value::String(description);
        }
        display.push(d);
    }
    let required = |field: &str| info.required_subject_fields.iter().any(|f| f == field);
    let claims: Vec<Value> = LICENCE_CLAIMS
        .iter()
        .map(|c| {
            let mandatory = match c.name {
                "businessDid" => required("id"),
                "conditions" => required("conditions"),
                _ => true,
            };
            let path: Vec<Value> = c
                .path
                .iter()
                .map(|s| s.map_or(Value::Null, |k| Value::String(k.to_owned())))
                .collect();
            json!({
                "path": path,
                "display": [
                    {"locale": "th", "label": c.th},
                    {"locale": "en", "label": c.en},
                ],
                "mandatory": mandatory,
                "sd": "always",
            })
        })
        .collect();
    let document = json!({
        "vct": vct,
        "name": info.name.en,
        "description": format!(
            "elicence business licence \"{}\" ({}), an SD-JWT VC of the central licence catalogue.",
            info.name.en, info.code
        ),
        "display": display,
        "claims": claims,
    });
    // Serialising a JSON value cannot fail.
    let mut bytes = serde_json::to_vec_pretty(&document).unwrap_or_default();
    bytes.push(b'\n');
    TypeMetadata {
        integrity: integrity_of(&bytes),
        vct,
        document,
        bytes,
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CatalogueView {
    licence_types: Vec<LicenceTypeInfo>,
}

/// Type Metadata for every licence type of a catalogue (the JSON of
/// `catalogue/licence-catalogue.json`), in catalogue order: what an issuer
/// serves at each `vct` and a trust bundle's verifier regenerates offline.
pub fn catalogue_type_metadata(
    base: &str,
    catalogue: &Value,
) -> Result<Vec<TypeMetadata>, SdJwtError> {
    let view: CatalogueView = serde_json::from_value(catalogue.clone())
        .map_err(|e| SdJwtError::Request(format!("catalogue: {e}")))?;
    let mut out = Vec::with_capacity(view.licence_types.len());
    for info in &view.licence_types {
        let metadata = type_metadata(base, info);
        if licence_type_code(base, &metadata.vct).is_none() {
            return Err(SdJwtError::Request(format!(
                "catalogue: licence type code {:?} cannot be part of a vct",
                info.code
            )));
        }
        out.push(metadata);
    }
    Ok(out)
}
