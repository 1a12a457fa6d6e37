//! PAdES signing and verification on real licence PDFs, with a throwaway
//! CA and a local RFC 3161 TSA started by the test.

use elicence_pades::testing::{Identity, LocalTsa, TestPki};
use elicence_pades::{
    sign_pdf, verify_pdf, CheckOutcome, PdfSignatureReport, PdfSigner, SignOptions,
};
use elicence_render::pdf::{render_pdf, CredentialForms};
use time::OffsetDateTime;

fn vector(path: &str) -> Vec<u8> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors");
    std::fs::read(root.join(path)).unwrap()
}

fn unsigned_pdf() -> Vec<u8> {
    let forms = CredentialForms {
        json: Some(vector("eddsa-rdfc-2022/valid.json")),
        jwt: None,
    };
    let created = OffsetDateTime::from_unix_timestamp(1_780_000_000).unwrap();
    render_pdf(&forms, elicence_qr_image::EcLevel::Q, false, created).unwrap()
}

fn pki() -> TestPki {
    TestPki::generate("Test Agency", Some("did:web:licence.diw.example.go.th"), 30).unwrap()
}

fn signer(pki: &TestPki) -> PdfSigner {
    PdfSigner::new(pki.agency.key.clone(), vec![pki.agency.certificate.clone()]).unwrap()
}

fn sign_bb(pki: &TestPki) -> Vec<u8> {
    let options = SignOptions {
        time: OffsetDateTime::now_utc(),
        reason: Some("ใบอนุญาตอิเล็กทรอนิกส์ / electronic licence".into()),
        time_stamper: None,
    };
    sign_pdf(&unsigned_pdf(), None, &signer(pki), &options).unwrap()
}

fn outcome(report: &PdfSignatureReport, code: &str) -> CheckOutcome {
    report
        .checks
        .iter()
        .find(|c| c.code == code)
        .map(|c| c.outcome)
        .unwrap()
}

fn roots(pki: &TestPki) -> Vec<x509_cert::Certificate> {
    vec![pki.root.certificate.clone()]
}

#[test]
fn b_b_signature_verifies_against_its_root() {
    let pki = pki();
    let pdf = sign_bb(&pki);
    let report = verify_pdf(&pdf, &roots(&pki), OffsetDateTime::now_utc());
    assert!(report.passed(), "{:#?}", report.checks);
    assert_eq!(report.level, Some("B-B"));
    assert_eq!(outcome(&report, "pdf-time-stamp"), CheckOutcome::Warning);
    assert!(report.signer.unwrap().contains("Test Agency"));
}

#[test]
fn b_t_signature_carries_a_verified_time_stamp() {
    let pki = pki();
    let tsa = LocalTsa::start(Identity {
        key: pki.tsa.key.clone(),
        certificate: pki.tsa.certificate.clone(),
    })
    .unwrap();
    let url = tsa.url.clone();
    let stamper = move |data: &[u8]| elicence_pades::tsp::request_token(&url, data);
    let options = SignOptions {
        time: OffsetDateTime::now_utc(),
        reason: None,
        time_stamper: Some(&stamper),
    };
    let pdf = sign_pdf(&unsigned_pdf(), None, &signer(&pki), &options).unwrap();
    let report = verify_pdf(&pdf, &roots(&pki), OffsetDateTime::now_utc());
    assert!(report.passed(), "{:#?}", report.checks);
    assert_eq!(report.level, Some("B-T"));
    assert!(report.time_stamped_at.is_some());
    // The time-stamp keeps the signature verifiable after the certificate
    // expires: judged ten years later, the chain is checked at the stamp's time.
    let later = OffsetDateTime::now_utc() + time::Duration::days(3650);
    let report = verify_pdf(&pdf, &roots(&pki), later);
    assert!(report.passed(), "{:#?}", report.checks);
    // Without the stamp (B-B), the same check ten years on fails.
    let bb = sign_bb(&pki);
    let report = verify_pdf(&bb, &roots(&pki), later);
    assert_eq!(outcome(&report, "pdf-certificate"), CheckOutcome::Fail);
}

#[test]
fn unknown_root_is_refused() {
    let pki = pki();
    let other = TestPki::generate("Other", None, 30).unwrap();
    let pdf = sign_bb(&pki);
    let report = verify_pdf(&pdf, &roots(&other), OffsetDateTime::now_utc());
    assert!(!report.passed());
    assert_eq!(outcome(&report, "pdf-certificate"), CheckOutcome::Fail);
    let report = verify_pdf(&pdf, &[], OffsetDateTime::now_utc());
    assert_eq!(outcome(&report, "pdf-certificate"), CheckOutcome::Fail);
}

#[test]
fn unsigned_or_stripped_pdf_is_refused() {
    let report = verify_pdf(&unsigned_pdf(), &[], OffsetDateTime::now_utc());
    assert!(!report.passed());
    assert_eq!(outcome(&report, "pdf-signature"), CheckOutcome::Fail);
    // Strip the signature from a signed PDF: cut the signing update off.
    let pki = pki();
    let signed = sign_bb(&pki);
    let stripped = &signed[..unsigned_pdf().len()];
    let report = verify_pdf(stripped, &roots(&pki), OffsetDateTime::now_utc());
    assert_eq!(outcome(&report, "pdf-signature"), CheckOutcome::Fail);
}

#[test]
fn a_changed_byte_breaks_the_signature() {
    let pki = pki();
    let mut pdf = sign_bb(&pki);
    // A byte of the XMP metadata (inside the signed range, uncompressed).
    let at = pdf.windows(12).position(|w| w == b"<dc:format>a").unwrap() + 11;
    pdf[at] = b'A';
    let report = verify_pdf(&pdf, &roots(&pki), OffsetDateTime::now_utc());
    assert!(!report.passed(), "{:#?}", report.checks);
    assert_eq!(outcome(&report, "pdf-cms"), CheckOutcome::Fail);
}

#[test]
fn a_certificate_for_another_key_is_refused() {
    let pki = pki();
    let other = TestPki::generate("Other", None, 30).unwrap();
    assert!(PdfSigner::new(
        other.agency.key.clone(),
        vec![pki.agency.certificate.clone()]
    )
    .is_err());
}

fn startxref(pdf: &[u8]) -> usize {
    let tail = String::from_utf8_lossy(&pdf[pdf.len() - 64..]).into_owned();
    let after = tail.rsplit("startxref").next().unwrap();
    after.split_whitespace().next().unwrap().parse().unwrap()
}

/// Appends an incremental update that replaces object `id` with `body`.
fn append_update(pdf: &[u8], id: u32, body: &[u8]) -> Vec<u8> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let prev = startxref(pdf);
    let mut out = pdf.to_vec();
    let offset = out.len();
    out.extend_from_slice(format!("{id} 0 obj\n").as_bytes());
    out.extend_from_slice(body);
    out.extend_from_slice(b"\nendobj\n");
    let xref = out.len();
    let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
    let size = doc.trailer.get(b"Size").unwrap().as_i64().unwrap();
    let info = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
    out.extend_from_slice(
        format!(
            "xref\n0 1\n0000000000 65535 f \n{id} 1\n{offset:010} 00000 n \ntrailer\n<</Size {size} /Root {} 0 R /Info {} 0 R /Prev {prev}>>\nstartxref\n{xref}\n%%EOF\n",
            root.0, info.0
        )
        .as_bytes(),
    );
    out
}

fn embedded_file_object(pdf: &[u8]) -> u32 {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    doc.objects
        .iter()
        .find(|(_, o)| {
            o.as_stream()
                .ok()
                .and_then(|s| s.dict.get(b"Type").ok())
                .and_then(|t| t.as_name().ok())
                == Some(b"EmbeddedFile".as_slice())
        })
        .map(|(id, _)| id.0)
        .unwrap()
}

#[test]
fn a_credential_swapped_after_signing_is_refused() {
    let pki = pki();
    let pdf = sign_bb(&pki);
    let id = embedded_file_object(&pdf);
    let other = String::from_utf8(vector("eddsa-rdfc-2022/tampered.json")).unwrap();
    let body = format!(
        "<</Type /EmbeddedFile /Subtype /application#2Fvc /Length {}>>\nstream\n{other}\nendstream",
        other.len()
    );
    let swapped = append_update(&pdf, id, body.as_bytes());
    let report = verify_pdf(&swapped, &roots(&pki), OffsetDateTime::now_utc());
    assert_eq!(
        outcome(&report, "pdf-unchanged"),
        CheckOutcome::Fail,
        "{:#?}",
        report.checks
    );
    assert!(report
        .checks
        .iter()
        .any(|c| c.reason_en.contains("EmbeddedFile")));
}

#[test]
fn adding_validation_data_after_signing_is_allowed_nothing_else() {
    let pki = pki();
    let pdf = sign_bb(&pki);
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
    let catalog_bytes = {
        // The signed catalog object's text, as written.
        let text = String::from_utf8_lossy(&pdf).into_owned();
        let start = text.find(&format!("\n{} 0 obj", root.0)).unwrap();
        let obj = &text[start..];
        obj[obj.find("<<").unwrap()..obj.find("endobj").unwrap()]
            .trim()
            .to_owned()
    };
    let with_dss = format!("{}/DSS <<>>>>", &catalog_bytes[..catalog_bytes.len() - 2]);
    let updated = append_update(&pdf, root.0, with_dss.as_bytes());
    let report = verify_pdf(&updated, &roots(&pki), OffsetDateTime::now_utc());
    assert!(report.passed(), "{:#?}", report.checks);
    // Anything else changed in the catalog is not allowed.
    let altered = format!(
        "{}/OpenAction [3 0 R /Fit]>>",
        &catalog_bytes[..catalog_bytes.len() - 2]
    );
    let updated = append_update(&pdf, root.0, altered.as_bytes());
    let report = verify_pdf(&updated, &roots(&pki), OffsetDateTime::now_utc());
    assert_eq!(outcome(&report, "pdf-unchanged"), CheckOutcome::Fail);
}
