//! `elicence render --pdf` and `elicence verify licence.pdf` end to end:
//! a signed licence PDF is accepted; a stripped signature, a change after
//! signing and a page that disagrees with its embedded credential are each
//! refused with their reason (exit 1).

use std::path::{Path, PathBuf};
use std::process::Command;

use elicence_pades::testing::TestPki;
use elicence_pades::{sign_pdf, PdfSigner, SignOptions};
use time::OffsetDateTime;

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors")
}

fn elicence(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_elicence"))
        .args(args)
        .env_remove("ELICENCE_PDF_ROOTS")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

struct Setup {
    dir: tempfile::TempDir,
    pki: TestPki,
}

impl Setup {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let pki = TestPki::generate("Test Agency", None, 30).unwrap();
        std::fs::write(dir.path().join("root.pem"), pki.root.certificate_pem()).unwrap();
        std::fs::write(dir.path().join("agency.pem"), pki.agency.certificate_pem()).unwrap();
        std::fs::write(dir.path().join("agency.key.pem"), pki.agency.key_pem()).unwrap();
        Setup { dir, pki }
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).to_string_lossy().into_owned()
    }

    /// `elicence render --pdf` of a test vector, signed (B-B).
    fn signed_pdf(&self, vector: &str) -> Vec<u8> {
        let credential = vectors().join(vector);
        let (code, out) = elicence(&[
            "render",
            credential.to_str().unwrap(),
            "--out",
            &self.path("out"),
            "--pdf",
            "--sign-cert",
            &self.path("agency.pem"),
            "--sign-key",
            &self.path("agency.key.pem"),
        ]);
        assert_eq!(code, 0, "{out}");
        std::fs::read(self.dir.path().join("out/valid.pdf")).unwrap()
    }

    /// Verifies at the present time: the throwaway certificates are valid
    /// from now for 30 days (and the test credential 2026-2030).
    fn verify(&self, pdf: &[u8]) -> (i32, String) {
        let path = self.path("checked.pdf");
        std::fs::write(&path, pdf).unwrap();
        elicence(&[
            "verify",
            &path,
            "--pdf-roots",
            &self.path("root.pem"),
            "--lang",
            "en",
        ])
    }

    fn sign(&self, unsigned: &[u8]) -> Vec<u8> {
        let signer = PdfSigner::new(
            self.pki.agency.key.clone(),
            vec![self.pki.agency.certificate.clone()],
        )
        .unwrap();
        let options = SignOptions {
            time: OffsetDateTime::now_utc(),
            reason: None,
            time_stamper: None,
        };
        sign_pdf(unsigned, None, &signer, &options).unwrap()
    }
}

#[test]
fn a_signed_licence_pdf_verifies_with_its_credential() {
    let s = Setup::new();
    let pdf = s.signed_pdf("eddsa-rdfc-2022/valid.json");
    assert!(pdf.len() <= 150 * 1024, "{} bytes", pdf.len());
    let (code, out) = s.verify(&pdf);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("VALID"), "{out}");
    assert!(out.contains("PAdES B-B"), "{out}");
    assert!(out.contains("the page shows exactly the licence"), "{out}");
    // Without the roots, the signature cannot be trusted.
    let path = s.path("checked.pdf");
    let (code, out) = elicence(&["verify", &path]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("--pdf-roots"), "{out}");
}

#[test]
fn an_unsigned_or_stripped_pdf_is_refused() {
    let s = Setup::new();
    let signed = s.signed_pdf("eddsa-rdfc-2022/valid.json");
    // The signing update cut off: what was there before signing.
    let end = signed
        .windows(5)
        .position(|w| w == b"%%EOF")
        .map(|i| i + 6)
        .unwrap();
    let (code, out) = s.verify(&signed[..end]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("the PDF is not signed"), "{out}");
}

#[test]
fn a_pdf_changed_after_signing_is_refused() {
    let s = Setup::new();
    let mut pdf = s.signed_pdf("eddsa-rdfc-2022/valid.json");
    let at = pdf.windows(12).position(|w| w == b"<dc:format>a").unwrap() + 11;
    pdf[at] = b'A';
    let (code, out) = s.verify(&pdf);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("[FAIL] CMS signature"), "{out}");
}

/// An unsigned licence PDF whose embedded credential is replaced by another
/// licence's, then signed: a signature over a page that says something else.
#[test]
fn a_page_that_disagrees_with_its_credential_is_refused() {
    let s = Setup::new();
    let forms = elicence_render::pdf::CredentialForms {
        json: Some(std::fs::read(vectors().join("eddsa-rdfc-2022/valid.json")).unwrap()),
        jwt: None,
    };
    let unsigned = elicence_render::pdf::render_pdf(
        &forms,
        elicence_qr_image::EcLevel::Q,
        false,
        OffsetDateTime::now_utc(),
    )
    .unwrap();
    let mut doc = lopdf::Document::load_mem(&unsigned).unwrap();
    let other = std::fs::read(vectors().join("ecdsa-rdfc-2019/valid.json")).unwrap();
    for (_, object) in doc.objects.iter_mut() {
        if let Ok(stream) = object.as_stream_mut() {
            if stream.dict.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"EmbeddedFile") {
                stream.dict.remove(b"Filter");
                stream.set_content(other.clone());
            }
        }
    }
    let mut swapped = Vec::new();
    doc.save_to(&mut swapped).unwrap();
    let pdf = s.sign(&swapped);
    let (code, out) = s.verify(&pdf);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("[FAIL] Printed text matches the credential: the visible text and the embedded credential disagree"),
        "{out}"
    );
}
