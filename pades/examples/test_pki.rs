//! Writes a throwaway PKI for the walk-through and CI (root CA, agency
//! signing certificate and key, TSA certificate) and optionally serves a
//! local RFC 3161 TSA on 127.0.0.1 for a bounded time:
//! `cargo run -p elicence-pades --features testing,tsa-client --example test_pki -- DIR [AGENCY_DID] [--serve-tsa SECONDS]`.
//! With `--serve-tsa`, the TSA's URL is written to `DIR/tsa-url` and the
//! program exits after SECONDS (or when DIR/tsa-stop appears).

use elicence_pades::testing::{LocalTsa, TestPki};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = std::path::PathBuf::from(
        args.first()
            .ok_or("usage: test_pki DIR [DID] [--serve-tsa SECONDS]")?,
    );
    let did = args.get(1).filter(|a| !a.starts_with("--")).cloned();
    let serve = args
        .iter()
        .position(|a| a == "--serve-tsa")
        .and_then(|i| args.get(i + 1))
        .map(|s| s.parse::<u64>())
        .transpose()?;
    std::fs::create_dir_all(&dir)?;
    let pki = TestPki::generate("Test Agency (elicence walk-through)", did.as_deref(), 30)?;
    std::fs::write(dir.join("root.pem"), pki.root.certificate_pem())?;
    std::fs::write(dir.join("agency.pem"), pki.agency.certificate_pem())?;
    std::fs::write(dir.join("agency.key.pem"), pki.agency.key_pem())?;
    std::fs::write(dir.join("tsa.pem"), pki.tsa.certificate_pem())?;
    if let Some(seconds) = serve {
        let tsa = LocalTsa::start(pki.tsa)?;
        std::fs::write(dir.join("tsa-url"), &tsa.url)?;
        println!("{}", tsa.url);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
        while std::time::Instant::now() < deadline && !dir.join("tsa-stop").exists() {
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    }
    Ok(())
}
