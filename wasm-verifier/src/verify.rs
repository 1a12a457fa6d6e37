//! The verifier module: open a trust bundle once, then verify any number of
//! licences against it, all offline.

#[cfg(feature = "sd-jwt")]
use elicence_verifier::SecuredFormat;
use elicence_verifier::{verify_with_bundle, Report, TrustAnchor, TrustBundle, TrustPolicy};
use serde::Serialize;
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use wasm_bindgen::prelude::*;

/// A trust bundle that opened (root signature, trust list, catalogue, pinned
/// contexts and status lists all checked), ready to verify licences. Kept as
/// an object so the bundle's signatures are checked once, not per scan.
#[wasm_bindgen]
pub struct Inspector {
    bundle: TrustBundle,
    policy: TrustPolicy,
}

/// Opens `bundle` (the bytes of `bundle.json`) if the root authority
/// `root_did` signed it and its version is at least `min_version` (the
/// highest version this device has seen: an older bundle is a rollback).
/// Throws with the reason when the bundle must not be used.
#[wasm_bindgen]
pub fn open_bundle(bundle: &[u8], root_did: &str, min_version: f64) -> Result<Inspector, JsError> {
    Inspector::open(bundle, root_did, min_version)
}

#[wasm_bindgen]
impl Inspector {
    /// See [`open_bundle`].
    pub fn open(bundle: &[u8], root_did: &str, min_version: f64) -> Result<Inspector, JsError> {
        if !(min_version.is_finite() && min_version >= 0.0) {
            return Err(JsError::new("min_version must be a non-negative number"));
        }
        let anchor = TrustAnchor {
            root_did: root_did.to_owned(),
            min_version: min_version as u64,
        };
        let bundle =
            TrustBundle::open(bundle, &anchor).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(Inspector {
            bundle,
            policy: TrustPolicy::default(),
        })
    }

    /// The bundle's version: the page stores the highest it has opened and
    /// passes it back as `min_version` next time.
    #[wasm_bindgen(getter)]
    pub fn version(&self) -> f64 {
        self.bundle.version as f64
    }

    /// What the inspector should know about the bundle at `now_ms` (Unix
    /// milliseconds), as JSON: version, validity, whether it is in force, the
    /// age of each status-list snapshot and whether it is still fresh enough
    /// to show a recent revocation, the agencies, and whether it is sample data.
    pub fn summary(&self, now_ms: f64) -> Result<String, JsError> {
        let now = instant(now_ms)?;
        let b = &self.bundle;
        let max_age = self.policy.max_status_age.whole_seconds();
        let status_lists: Vec<SnapshotSummary> = b
            .status_lists
            .iter()
            .map(|s| {
                // A list is as recent as its own validFrom (signed by its
                // issuer), never as the time someone fetched it.
                let age = s.valid_from.map(|from| (now - from).whole_seconds());
                SnapshotSummary {
                    url: s.list.url.clone(),
                    fetched_at: rfc3339(s.fetched_at),
                    valid_from: s.valid_from.map(rfc3339),
                    valid_until: s.valid_until.map(rfc3339),
                    age_seconds: age.unwrap_or(i64::MAX),
                    fresh: age.is_some_and(|a| (0..=max_age).contains(&a))
                        && s.valid_until.is_none_or(|until| now <= until),
                }
            })
            .collect();
        let in_force = b.valid_from <= now && b.valid_until.is_none_or(|until| now <= until);
        let summary = BundleSummary {
            version: b.version,
            root_did: &b.root_did,
            valid_from: rfc3339(b.valid_from),
            valid_until: b.valid_until.map(rfc3339),
            in_force,
            sample_data: b.catalogue.sample_data,
            notice: serde_json::to_value(&b.catalogue.notice).unwrap_or(Value::Null),
            max_status_age_seconds: max_age,
            oldest_snapshot_age_seconds: status_lists.iter().map(|s| s.age_seconds).max(),
            status_lists,
            agencies: b
                .trust_list
                .agencies
                .iter()
                .map(|a| AgencySummary {
                    code: &a.code,
                    name: serde_json::to_value(&a.name).unwrap_or(Value::Null),
                    dids: &a.dids,
                })
                .collect(),
        };
        to_json(&summary)
    }

    /// Verifies a licence offline at `now_ms`: a JSON credential, a `vc+jwt`,
    /// an SD-JWT VC (`dc+sd-jwt`, with or without a Key Binding JWT) or an
    /// elicence QR payload (`LC2:`, `LC1:`), as UTF-8 bytes. Returns JSON
    /// `{"report": …, "licenceType": …}`: the verifier's full bilingual report
    /// and, when the licence's type is in the bundle's catalogue, the
    /// catalogue's official name for it (never the credential's own claim).
    pub fn verify(&self, input: &[u8], now_ms: f64) -> Result<String, JsError> {
        let now = instant(now_ms)?;
        let report = verify_with_bundle(input, &self.bundle, now, &self.policy);
        self.outcome(report, None)
    }

    /// Reads the QR code in a grey picture (`width × height` bytes, as for
    /// `decode_qr_luma`) and verifies it: the camera-less path in one call.
    /// The first elicence payload (`LC<n>:`) wins (else the first code found); the answer
    /// also carries every payload read. Throws when the picture holds no code
    /// or its buffer does not match its size.
    #[cfg(feature = "qr")]
    pub fn verify_luma(
        &self,
        width: u32,
        height: u32,
        luma: &[u8],
        now_ms: f64,
    ) -> Result<String, JsError> {
        let now = instant(now_ms)?;
        let payloads =
            crate::qr::payloads(width, height, luma).map_err(|e| JsError::new(&e.to_string()))?;
        let chosen = payloads
            .iter()
            .find(|p| elicence_core::qr::is_elicence_payload(p))
            .or_else(|| payloads.first())
            .ok_or_else(|| JsError::new("no QR code found in the picture"))?;
        let report = verify_with_bundle(chosen.as_bytes(), &self.bundle, now, &self.policy);
        self.outcome(report, Some(&payloads))
    }
}

impl Inspector {
    fn outcome(&self, report: Report, payloads: Option<&[String]>) -> Result<String, JsError> {
        // A W3C licence names its type in the subject; an SD-JWT VC in `vct`.
        let code = match &report.format {
            #[cfg(feature = "sd-jwt")]
            Some(SecuredFormat::SdJwtVc { vct, .. }) => {
                elicence_sd_jwt::type_metadata::licence_type_code(
                    elicence_sd_jwt::type_metadata::VCT_BASE,
                    vct,
                )
                .map(str::to_owned)
            }
            _ => report
                .credential
                .as_ref()
                .and_then(|c| c.pointer("/credentialSubject/licenceType/code"))
                .and_then(Value::as_str)
                .map(str::to_owned),
        };
        let licence_type = code
            .as_deref()
            .and_then(|code| self.bundle.catalogue.get(code))
            .map(|t| {
                serde_json::json!({
                    "code": t.code,
                    "name": t.name,
                    "shortName": t.short_name,
                })
            });
        to_json(&Outcome {
            report: &report,
            licence_type,
            payloads,
        })
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Outcome<'a> {
    report: &'a Report,
    licence_type: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payloads: Option<&'a [String]>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BundleSummary<'a> {
    version: u64,
    root_did: &'a str,
    valid_from: String,
    valid_until: Option<String>,
    in_force: bool,
    sample_data: bool,
    notice: Value,
    max_status_age_seconds: i64,
    oldest_snapshot_age_seconds: Option<i64>,
    status_lists: Vec<SnapshotSummary>,
    agencies: Vec<AgencySummary<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SnapshotSummary {
    url: String,
    fetched_at: String,
    /// The list's own validFrom (what its age is measured from), if any.
    valid_from: Option<String>,
    valid_until: Option<String>,
    age_seconds: i64,
    fresh: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AgencySummary<'a> {
    code: &'a str,
    name: Value,
    dids: &'a [String],
}

/// Unix milliseconds (JavaScript's `Date.now()`) as an instant.
fn instant(now_ms: f64) -> Result<OffsetDateTime, JsError> {
    // JavaScript dates span ±8.64e15 ms; anything else is not a clock reading.
    if !(now_ms.is_finite() && now_ms.abs() <= 8.64e15) {
        return Err(JsError::new(
            "now_ms must be a JavaScript time (Unix milliseconds)",
        ));
    }
    (now_ms as i128)
        .checked_mul(1_000_000)
        .and_then(|nanos| OffsetDateTime::from_unix_timestamp_nanos(nanos).ok())
        .ok_or_else(|| JsError::new("now_ms is outside the supported date range"))
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

fn to_json<T: Serialize>(value: &T) -> Result<String, JsError> {
    serde_json::to_string(value).map_err(|e| JsError::new(&e.to_string()))
}
