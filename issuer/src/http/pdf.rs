//! The licence as a signed PDF (`Accept: application/pdf` on a licence IRI):
//! the PDF/A-3 licence from `elicence-render`, the stored credential inside,
//! signed by the agency with PAdES (`elicence-pades`): B-T when the agency's
//! `[pdf_signing.CODE]` names a TSA, else B-B.
//!
//! The agency's PDF signing key is kept like its credential keys: sealed
//! under the master key (AES-256-GCM bound to the agency and the key id
//! `pdf-signing`), opened in memory on first use. Generated PDFs are cached
//! by credential, so a licence fetched again is not signed (nor stamped) again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use axum::http::StatusCode;
use elicence_pades::{sign_pdf, PdfSigner, SignOptions};
use elicence_render::pdf::{render_pdf, CredentialForms};
use p256::pkcs8::DecodePrivateKey as _;
use sha2::{Digest, Sha256};

use crate::crypto::MasterKey;
use crate::error::IssuerError;
use crate::http::problem::Problem;
use crate::registry::Agency;
use crate::server::AppState;
use crate::store::StoredCredential;

/// The key id the PDF signing key is sealed under.
pub const PDF_KEY_ID: &str = "pdf-signing";

/// Most PDFs kept in memory; the cache is emptied when full.
const CACHE_ENTRIES: usize = 1024;

/// Seals an agency's PDF signing key (PKCS#8 DER, ECDSA P-256) under the
/// master key, for `[pdf_signing.CODE].sealed_key`.
pub fn seal_pdf_key(
    master: &MasterKey,
    agency: &str,
    pkcs8_der: &[u8],
) -> Result<Vec<u8>, IssuerError> {
    p256::ecdsa::SigningKey::from_pkcs8_der(pkcs8_der).map_err(|_| {
        IssuerError::InvalidAgency("the PDF signing key is not an ECDSA P-256 PKCS#8 key".into())
    })?;
    master.seal(agency, PDF_KEY_ID, pkcs8_der)
}

struct AgencySigner {
    signer: PdfSigner,
    tsa_url: Option<String>,
}

type Signers = Mutex<HashMap<String, Arc<AgencySigner>>>;

fn signers() -> &'static Signers {
    static SIGNERS: OnceLock<Signers> = OnceLock::new();
    SIGNERS.get_or_init(Default::default)
}

/// Signed PDFs by SHA-256 of (agency, credential).
type PdfCache = Mutex<HashMap<[u8; 32], Arc<Vec<u8>>>>;

fn cache() -> &'static PdfCache {
    static CACHE: OnceLock<PdfCache> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

fn config_error(agency: &str, why: impl std::fmt::Display) -> Problem {
    Problem::internal(&format!("PDF signing for agency {agency}: {why}"))
}

/// The agency's signer, loaded (and its key unsealed) on first use.
fn signer_for(state: &AppState, agency: &Agency) -> Result<Arc<AgencySigner>, Problem> {
    if let Ok(map) = signers().lock() {
        if let Some(s) = map.get(&agency.code) {
            return Ok(s.clone());
        }
    }
    let Some(cfg) = state.config.pdf_signing.get(&agency.code) else {
        return Err(Problem::new(
            StatusCode::NOT_ACCEPTABLE,
            "not-acceptable",
            "Not acceptable",
            "this agency does not issue signed PDF licences; available: text/html, application/vc, application/json, application/ld+json, application/vc+jwt",
        ));
    };
    let pem = std::fs::read(&cfg.certificate).map_err(|e| config_error(&agency.code, e))?;
    let chain =
        elicence_pades::read_certificates(&pem).map_err(|e| config_error(&agency.code, e))?;
    let sealed = std::fs::read(&cfg.sealed_key).map_err(|e| config_error(&agency.code, e))?;
    let master =
        MasterKey::load(&state.config.master_key).map_err(|e| config_error(&agency.code, e))?;
    let der = master
        .open(&agency.code, PDF_KEY_ID, &sealed)
        .map_err(|e| config_error(&agency.code, e))?;
    let key = p256::ecdsa::SigningKey::from_pkcs8_der(&der)
        .map_err(|_| config_error(&agency.code, "the sealed key is not ECDSA P-256"))?;
    let signer = PdfSigner::new(key, chain).map_err(|e| config_error(&agency.code, e))?;
    let loaded = Arc::new(AgencySigner {
        signer,
        tsa_url: cfg.tsa_url.clone(),
    });
    if let Ok(mut map) = signers().lock() {
        map.insert(agency.code.clone(), loaded.clone());
    }
    Ok(loaded)
}

/// The signed licence PDF of a stored credential (cached).
pub async fn licence_pdf(
    state: &Arc<AppState>,
    agency: &Agency,
    stored: &StoredCredential,
) -> Result<Arc<Vec<u8>>, Problem> {
    let signer = signer_for(state, agency)?;
    let mut h = Sha256::new();
    h.update(agency.code.as_bytes());
    h.update([0]);
    h.update(stored.credential.as_bytes());
    let key: [u8; 32] = h.finalize().into();
    if let Some(hit) = cache().lock().ok().and_then(|c| c.get(&key).cloned()) {
        return Ok(hit);
    }
    let credential = stored.credential.clone().into_bytes();
    let pdf = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, Problem> {
        let now = time::OffsetDateTime::now_utc();
        let forms = CredentialForms {
            json: Some(credential),
            jwt: None,
        };
        let unsigned = render_pdf(&forms, elicence_qr_image::EcLevel::Q, false, now)
            .map_err(|e| Problem::internal(&e))?;
        let url = signer.tsa_url.clone();
        let stamper = move |data: &[u8]| {
            elicence_pades::tsp::request_token(url.as_deref().unwrap_or_default(), data)
        };
        let options = SignOptions {
            time: now,
            reason: Some(
                "ใบอนุญาตอิเล็กทรอนิกส์ออกโดยหน่วยงาน / Electronic licence issued by the agency".into(),
            ),
            time_stamper: if signer.tsa_url.is_some() {
                Some(&stamper)
            } else {
                None
            },
        };
        sign_pdf(&unsigned, None, &signer.signer, &options).map_err(|e| match e {
            elicence_pades::PadesError::TimeStamp(why) => Problem::new(
                StatusCode::BAD_GATEWAY,
                "time-stamp-unavailable",
                "Time-stamping authority unavailable",
                format!("the PDF could not be time-stamped: {why}"),
            ),
            other => Problem::internal(&other),
        })
    })
    .await
    .map_err(|e| Problem::internal(&e))??;
    let pdf = Arc::new(pdf);
    if let Ok(mut c) = cache().lock() {
        if c.len() >= CACHE_ENTRIES {
            c.clear();
        }
        c.insert(key, pdf.clone());
    }
    Ok(pdf)
}
