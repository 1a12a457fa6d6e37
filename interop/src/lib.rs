//! elicence-interop: elicence checked against an independent implementation,
//! SpruceID's `ssi`.
//!
//! Both sides get exactly the same pinned contexts (the ones elicence ships,
//! [`all_shipped_contexts`]) and neither may fetch anything, so any
//! disagreement is a disagreement about the specs (JSON-LD toRdf, RDFC-1.0,
//! Data Integrity), never about which context document was used.
//!
//! This crate is native-only test tooling: `ssi` is heavy and must never reach
//! `elicence-core`'s normal build or the wasm bundle.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod generate;

use std::collections::HashMap;

use elicence_core::jsonld::{self, ContextLoader};
use elicence_core::licence::context::{all_shipped_contexts, shipped_context};
use elicence_core::rdfc;
use json_syntax::Parse;
use serde_json::Value;
use ssi::claims::data_integrity::{
    AnySuite, CryptographicSuite, DataIntegrity, DataIntegrityDocument, ProofOptions,
};
use ssi::claims::vc::v2::JsonCredential;
use ssi::claims::{SignatureEnvironment, VerificationParameters};
use ssi::dids::{DIDKey, VerificationMethodDIDResolver};
use ssi::json_ld::{CompactJsonLd, Expandable};
use ssi::rdf::{AnyLdEnvironment, LdEnvironment};
use ssi::verification_methods::{AnyMethod, ProofPurpose, SingleSecretSigner};
use ssi::JWK;

/// Why an interop operation failed. ssi's many error types are kept as text:
/// callers only report them.
#[derive(Debug, thiserror::Error)]
pub enum InteropError {
    /// elicence could not turn the document into RDF.
    #[error("elicence JSON-LD: {0}")]
    ElicenceJsonLd(#[from] jsonld::JsonLdError),
    /// elicence could not canonicalize the dataset.
    #[error("elicence RDFC: {0}")]
    ElicenceRdfc(#[from] rdfc::RdfcError),
    /// A JSON value could not be (de)serialized.
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// ssi rejected the input or failed (expansion, signing, decoding).
    #[error("ssi {stage}: {message}")]
    Ssi {
        /// Which ssi step failed.
        stage: &'static str,
        /// ssi's own message.
        message: String,
    },
}

fn ssi_error(stage: &'static str) -> impl FnOnce(String) -> InteropError {
    move |message| InteropError::Ssi { stage, message }
}

/// elicence's loader over its shipped contexts (exact URL match, no fetch).
#[derive(Debug, Clone, Copy, Default)]
pub struct ShippedContexts;

impl ContextLoader for ShippedContexts {
    fn load(&self, url: &str) -> Option<&str> {
        shipped_context(url).map(|c| c.body)
    }
}

/// An ssi JSON-LD loader that knows exactly elicence's shipped contexts and
/// nothing else: ssi's own built-in copies are disabled
/// (`ContextLoader::empty`), so both implementations read the same bytes and
/// an unknown URL fails instead of being fetched.
pub fn ssi_loader() -> Result<ssi::json_ld::ContextLoader, InteropError> {
    let map: HashMap<String, String> = all_shipped_contexts()
        .iter()
        .map(|c| (c.url.to_owned(), c.body.to_owned()))
        .collect();
    ssi::json_ld::ContextLoader::empty()
        .with_context_map_from(map)
        .map_err(|e| ssi_error("loader")(e.to_string()))
}

/// elicence's canonical N-Quads (JSON-LD toRdf, then RDFC-1.0) of `document`.
pub fn elicence_canonical(document: &Value) -> Result<String, InteropError> {
    let quads = jsonld::to_rdf(document, &ShippedContexts)?;
    Ok(rdfc::canonicalize(&quads)?)
}

/// ssi's canonical N-Quads of `document`, computed exactly as its RDFC
/// cryptosuites do (`CanonicalizeClaimsAndConfiguration`): expansion with
/// `json-ld`, quads through `linked-data`, then `ssi_rdf::urdna2015`.
///
/// The document is handed over as JSON text, so ssi parses it itself.
pub fn ssi_canonical(
    document: &Value,
    loader: &ssi::json_ld::ContextLoader,
) -> Result<String, InteropError> {
    let text = serde_json::to_string(document)?;
    let (json, _) = json_syntax::Value::parse_str(&text)
        .map_err(|e| ssi_error("JSON parsing")(e.to_string()))?;
    let compact = CompactJsonLd(json);
    pollster::block_on(async {
        let mut ld = LdEnvironment::default();
        let expanded = compact
            .expand_with(&mut ld, loader)
            .await
            .map_err(|e| ssi_error("expansion")(e.to_string()))?;
        let lines = ld
            .canonical_form_of(&expanded)
            .map_err(|e| ssi_error("toRdf")(e.to_string()))?;
        Ok(lines.concat())
    })
}

/// The Data Integrity cryptosuites compared against ssi.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RdfcSuite {
    /// `eddsa-rdfc-2022` (Ed25519 key).
    EddsaRdfc2022,
    /// `ecdsa-rdfc-2019` (P-256 key).
    EcdsaRdfc2019,
}

impl RdfcSuite {
    fn any_suite(self) -> AnySuite {
        match self {
            RdfcSuite::EddsaRdfc2022 => AnySuite::EdDsaRdfc2022,
            RdfcSuite::EcdsaRdfc2019 => AnySuite::EcdsaRdfc2019,
        }
    }
}

type SsiResolver = VerificationMethodDIDResolver<DIDKey, AnyMethod>;

/// An issuer and verifier built only from ssi's public API: `did:key`
/// resolution (no network), the shipped-contexts loader, and a private key
/// given as a JWK.
pub struct SsiParty {
    /// The private key and its verification method, if this party signs.
    signing: Option<(JWK, String)>,
    /// ssi's `did:key` resolver: keys come from the DID itself, nothing is
    /// fetched.
    resolver: SsiResolver,
    loader: ssi::json_ld::ContextLoader,
}

impl SsiParty {
    /// A party signing with the private JWK `jwk` (JSON text, e.g. from
    /// elicence's `SigningKey::to_private_jwk`) under the `did:key`
    /// verification method `verification_method`.
    pub fn new(jwk: &str, verification_method: &str) -> Result<SsiParty, InteropError> {
        let jwk: JWK = serde_json::from_str(jwk)?;
        Ok(SsiParty {
            signing: Some((jwk, verification_method.to_owned())),
            resolver: VerificationMethodDIDResolver::new(DIDKey),
            loader: ssi_loader()?,
        })
    }

    /// A verify-only party (`did:key` public keys need no JWK); signing with
    /// it fails.
    pub fn verifier() -> Result<SsiParty, InteropError> {
        Ok(SsiParty {
            signing: None,
            resolver: VerificationMethodDIDResolver::new(DIDKey),
            loader: ssi_loader()?,
        })
    }

    /// Signs `credential` with ssi's own API, as an ssi user would:
    /// `AnySuite`, an `assertionMethod` proof created at `created`, the
    /// document decoded as `model`.
    pub fn sign(
        &self,
        credential: &Value,
        suite: RdfcSuite,
        model: SsiModel,
        created: &str,
    ) -> Result<Value, InteropError> {
        let (jwk, method) = self
            .signing
            .as_ref()
            .ok_or_else(|| ssi_error("signing")("this party has no private key".into()))?;
        let created = serde_json::from_value(Value::String(created.to_owned()))?;
        let method = ssi::json_ld::IriBuf::new(method.clone())
            .map_err(|e| ssi_error("verification method")(e.to_string()))?;
        let options = ProofOptions::new(
            created,
            method.into(),
            ProofPurpose::Assertion,
            Default::default(),
        );
        let environment = SignatureEnvironment {
            json_ld_loader: &self.loader,
            eip712_loader: (),
        };
        let signer = SingleSecretSigner::new(jwk.clone()).into_local();
        let suite = suite.any_suite();
        // The same call for both models; only the decoded type differs.
        macro_rules! sign_as {
            ($t:ty) => {{
                let document: $t = serde_json::from_value(credential.clone())?;
                let signed = pollster::block_on(suite.sign_with(
                    environment,
                    document,
                    &self.resolver,
                    signer,
                    options,
                    Default::default(),
                ))
                .map_err(|e| ssi_error("signing")(e.to_string()))?;
                serde_json::to_value(&signed)?
            }};
        }
        Ok(match model {
            SsiModel::Document => sign_as!(DataIntegrityDocument),
            SsiModel::VcV2 => sign_as!(JsonCredential),
        })
    }

    /// Verifies every proof of `secured` with ssi, decoded as `model`, as of
    /// `at` (RFC 3339; with [`SsiModel::VcV2`] ssi also checks the validity
    /// period against it).
    pub fn verify(&self, secured: &Value, model: SsiModel, at: &str) -> Result<(), InteropError> {
        let text = serde_json::to_string(secured)?;
        let at = chrono::DateTime::parse_from_rfc3339(at)
            .map_err(|e| ssi_error("date")(e.to_string()))?
            .with_timezone(&chrono::Utc);
        let params = VerificationParameters::from_resolver(&self.resolver)
            .with_json_ld_loader(&self.loader)
            .with_date_time(at);
        let verdict = match model {
            SsiModel::Document => {
                let vc: DataIntegrity<DataIntegrityDocument, AnySuite> =
                    ssi::claims::data_integrity::from_json_str(&text)
                        .map_err(|e| ssi_error("decoding")(e.to_string()))?;
                pollster::block_on(vc.verify(params))
            }
            SsiModel::VcV2 => {
                let vc: DataIntegrity<JsonCredential, AnySuite> =
                    ssi::claims::data_integrity::from_json_str(&text)
                        .map_err(|e| ssi_error("decoding")(e.to_string()))?;
                pollster::block_on(vc.verify(params))
            }
        };
        verdict
            .map_err(|e| ssi_error("verification")(e.to_string()))?
            .map_err(|e| ssi_error("verification")(e.to_string()))
    }
}

/// How ssi decodes the credential before signing or verifying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SsiModel {
    /// `DataIntegrityDocument`: any JSON-LD document, no VC typing. The same
    /// RDFC transformation, without ssi's VC data-model checks.
    Document,
    /// `vc::v2::JsonCredential`: the typed VCDM 2.0 credential (checks the
    /// validity period; requires `id` to be an RFC 3986 URI).
    VcV2,
}
