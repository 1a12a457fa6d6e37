//! Shared fixtures: the published test keys, the test licence, a clock.
#![allow(dead_code)]

use std::path::Path;

use elicence_core::keys::{KeyAlgorithm, PublicKey, SigningKey};
use elicence_core::licence::{BusinessLicence, LicenceData};
use elicence_sd_jwt::licence::{issue_licence, LicenceVcOptions};
use elicence_sd_jwt::type_metadata::VCT_BASE;
use elicence_sd_jwt::{SdJwtError, StatusReference};
use rand_core::OsRng;
use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

pub const DIW: &str = "did:web:licence.diw.example.go.th";

pub fn vectors() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors")
}

pub fn key(name: &str) -> SigningKey {
    let pem = std::fs::read_to_string(vectors().join("keys").join(name)).unwrap();
    SigningKey::from_pkcs8_pem(&pem, None).unwrap()
}

pub fn p256() -> SigningKey {
    key("p256.pem")
}

pub fn ed25519() -> SigningKey {
    key("ed25519.pem")
}

pub fn holder() -> SigningKey {
    SigningKey::generate(KeyAlgorithm::P256, &mut OsRng)
}

pub fn time(s: &str) -> OffsetDateTime {
    OffsetDateTime::parse(s, &Rfc3339).unwrap()
}

pub fn now() -> OffsetDateTime {
    time("2026-06-01T00:00:00Z")
}

pub fn licence_data() -> LicenceData {
    let mut v: Value =
        serde_json::from_slice(&std::fs::read(vectors().join("licence-data.json")).unwrap())
            .unwrap();
    v["issuer"]["id"] = Value::from(DIW);
    serde_json::from_value(v).unwrap()
}

pub fn licence() -> BusinessLicence {
    BusinessLicence::from_credential(&licence_data().to_credential().unwrap()).unwrap()
}

pub fn kid(key: &SigningKey) -> String {
    format!("{DIW}#{}", key.public_key().to_multikey())
}

pub fn options(key: &SigningKey, holder: Option<&SigningKey>) -> LicenceVcOptions {
    LicenceVcOptions {
        vct_base: VCT_BASE.into(),
        vct_integrity: None,
        kid: kid(key),
        issued_at: time("2026-01-01T00:00:00Z"),
        holder_key: holder.map(SigningKey::public_key),
        status: Some(StatusReference {
            idx: 7,
            uri: "https://licence.diw.example.go.th/status/tokens/1".into(),
        }),
        decoys: 0,
    }
}

/// The test licence issued by `key`, bound to `holder`.
pub fn issued(key: &SigningKey, holder: Option<&SigningKey>) -> String {
    issue_licence(&licence(), &options(key, holder), key, &mut OsRng)
        .unwrap()
        .serialize()
}

/// A resolver that returns `key` whatever the header says.
pub fn fixed(
    key: PublicKey,
) -> impl Fn(&Map<String, Value>, &Map<String, Value>) -> Result<PublicKey, SdJwtError> {
    move |_, _| Ok(key)
}
