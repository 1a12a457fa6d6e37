//! Render and sign licence PDFs (PAdES B-B, no time-stamp) against a
//! baseline in the same run: one raw ECDSA P-256 signature. Prints PDFs per
//! second on one core and the ratio. `cargo bench -p elicence-pades --bench pdf`.

use std::time::Instant;

use elicence_pades::testing::TestPki;
use elicence_pades::{sign_pdf, PdfSigner, SignOptions};
use elicence_render::pdf::{render_pdf, CredentialForms};
use p256::ecdsa::signature::Signer as _;
use time::OffsetDateTime;

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors");
    let json = std::fs::read(root.join("eddsa-rdfc-2022/valid.json")).expect("test vector");
    let pki = TestPki::generate("Bench Agency", None, 30).expect("pki");
    let signer = PdfSigner::new(pki.agency.key.clone(), vec![pki.agency.certificate.clone()])
        .expect("signer");
    let forms = CredentialForms {
        json: Some(json),
        jwt: None,
    };
    let now = OffsetDateTime::now_utc();
    let options = SignOptions {
        time: now,
        reason: None,
        time_stamper: None,
    };
    let one = || {
        let pdf = render_pdf(&forms, elicence_qr_image::EcLevel::Q, false, now).expect("render");
        sign_pdf(&pdf, None, &signer, &options).expect("sign")
    };
    let size = one().len();
    let n = 300;
    let start = Instant::now();
    for _ in 0..n {
        std::hint::black_box(one());
    }
    let pdf_secs = start.elapsed().as_secs_f64() / f64::from(n);

    let render_start = Instant::now();
    for _ in 0..n {
        std::hint::black_box(
            render_pdf(&forms, elicence_qr_image::EcLevel::Q, false, now).expect("render"),
        );
    }
    let render_secs = render_start.elapsed().as_secs_f64() / f64::from(n);

    let key = pki.agency.key.clone();
    let m = 3000;
    let start = Instant::now();
    for i in 0..m {
        let sig: p256::ecdsa::DerSignature = key.sign(&(i as u64).to_be_bytes());
        std::hint::black_box(sig);
    }
    let ecdsa_secs = start.elapsed().as_secs_f64() / f64::from(m);

    println!("licence PDF: {size} bytes (goal <= 153600)");
    println!(
        "render only:      {:>8.0} PDFs/s ({:.2} ms)",
        1.0 / render_secs,
        render_secs * 1e3
    );
    println!(
        "render + sign B-B:{:>8.0} PDFs/s ({:.2} ms) (goal >= 200/s per core)",
        1.0 / pdf_secs,
        pdf_secs * 1e3
    );
    println!(
        "baseline ECDSA P-256 signature: {:>8.0}/s ({:.3} ms)",
        1.0 / ecdsa_secs,
        ecdsa_secs * 1e3
    );
    println!(
        "ratio: one signed PDF costs {:.1} raw ECDSA signatures",
        pdf_secs / ecdsa_secs
    );
}
