//! `elicence wallet present` against a running relying party (in-process,
//! the relying-party crate's fixtures) and `elicence rp serve` from its TOML:
//! the walk-through of docs/relying-parties.md.

#[path = "../../relying-party/tests/common/mod.rs"]
mod common;

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

use common::*;
use elicence_sd_jwt::status_list::TokenStatus;
use serde_json::json;

fn elicence() -> Command {
    Command::new(env!("CARGO_BIN_EXE_elicence"))
}

fn new_request(rp: &Rp, code: &str) -> (String, String) {
    let (status, body) = post(
        &format!("{}/requests", rp.base),
        "application/json",
        &json!({ "dcql_query": query(code) }).to_string(),
    );
    assert_eq!(status, 201, "{body}");
    (
        body["id"].as_str().unwrap().into(),
        body["uri"].as_str().unwrap().into(),
    )
}

struct Files {
    credential: std::path::PathBuf,
    key: std::path::PathBuf,
    ca: std::path::PathBuf,
}

fn files(rp: &Rp) -> Files {
    let holder = holder_key();
    let credential = rp.dir.path().join("licence.sd-jwt");
    std::fs::write(&credential, diw_licence(&holder)).unwrap();
    let key = rp.dir.path().join("holder.pem");
    std::fs::write(&key, holder.to_pkcs8_pem().as_bytes()).unwrap();
    let ca = rp.dir.path().join("rp-ca.pem");
    std::fs::write(&ca, &rp.certificate_pem).unwrap();
    Files {
        credential,
        key,
        ca,
    }
}

fn wallet_present(uri: &str, f: &Files, yes: bool) -> std::process::Output {
    let mut cmd = elicence();
    cmd.args(["wallet", "present", uri, "--credential"])
        .arg(&f.credential)
        .arg("--holder-key")
        .arg(&f.key)
        .arg("--rp-ca")
        .arg(&f.ca)
        .stdin(Stdio::null());
    if yes {
        cmd.arg("--yes");
    }
    cmd.output().unwrap()
}

#[test]
fn the_wallet_discloses_only_what_was_asked_and_revocation_is_refused() {
    let rp = Rp::start(300);
    let f = files(&rp);

    // Without --yes and without a terminal, nothing is sent.
    let (id, uri) = new_request(&rp, "factory-op");
    let out = wallet_present(&uri, &f, false);
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Verifier: bank.example.co.th"), "{stdout}");
    assert!(
        stdout.contains("licensee.juristicPersonId = 0105536112014"),
        "{stdout}"
    );
    assert!(!stdout.contains("legalName"), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--yes"));
    assert_eq!(
        get_json(&format!("{}/requests/{id}", rp.base)).1["state"],
        "pending"
    );

    let out = wallet_present(&uri, &f, true);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("accepted"), "{stdout}");
    let result = get_json(&format!("{}/requests/{id}", rp.base)).1;
    assert_eq!(result["state"], "verified", "{result:#}");
    assert_eq!(
        result["claims"]["licence"]["licensee"],
        json!({"juristicPersonId": "0105536112014"})
    );
    assert_eq!(
        result["claims"]["licence"]["issuer"]["name"]["th"],
        "กรมโรงงานอุตสาหกรรม (ข้อมูลทดสอบ)"
    );

    // Answered requests cannot be answered again.
    let out = wallet_present(&uri, &f, true);
    assert_eq!(out.status.code(), Some(2));

    // After revocation the same answer is refused.
    rp.replace_bundle(TokenStatus::Invalid);
    let (id, uri) = new_request(&rp, "factory-op");
    let out = wallet_present(&uri, &f, true);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("refused"));
    let result = get_json(&format!("{}/requests/{id}", rp.base)).1;
    assert_eq!(result["state"], "refused");
    assert!(result["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["code"] == "status" && c["outcome"] == "fail"));
}

#[test]
fn the_wallet_refuses_a_verifier_it_cannot_identify_and_a_credential_that_does_not_fit() {
    let rp = Rp::start(300);
    let f = files(&rp);
    // No trust anchor: the certificate says bank.example.co.th but answers go to 127.0.0.1.
    let (_, uri) = new_request(&rp, "factory-op");
    let out = elicence()
        .args(["wallet", "present", &uri, "--yes", "--credential"])
        .arg(&f.credential)
        .arg("--holder-key")
        .arg(&f.key)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no trusted authority vouches"));
    // A food-sale licence is asked for; the holder has a factory licence.
    let (_, uri) = new_request(&rp, "food-sale");
    let out = wallet_present(&uri, &f, true);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("none of your credentials"));
}

#[test]
fn rp_serve_runs_from_its_toml() {
    let rp = Rp::start(300); // for its folder, keys, bundle and certificate
    let config = rp.dir.path().join("serve.toml");
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:0\"\ndatabase = \"serve.sqlite3\"\nbundle = \"bundle.json\"\nroot = \"{}\"\nclient_id = \"x509_san_dns:{DNS}\"\nsigning_key = \"rp-key.pem\"\ncertificate = \"rp-cert.pem\"\n",
            root_did()
        ),
    )
    .unwrap();
    let mut child = elicence()
        .args(["rp", "serve", "--config"])
        .arg(&config)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line.trim().rsplit(' ').next().unwrap().to_owned();
    let (status, body) = post(
        &format!("{base}/requests"),
        "application/json",
        &json!({ "dcql_query": query("food-sale") }).to_string(),
    );
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(status, 201, "{line} {body}");
    assert!(body["uri"]
        .as_str()
        .unwrap()
        .starts_with("openid4vp://?client_id=x509_san_dns%3Abank.example.co.th"));

    // A broken configuration is a clear error, not a panic.
    std::fs::write(&config, "listen = 1").unwrap();
    let out = elicence()
        .args(["rp", "serve", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("serve.toml"));
}

#[test]
fn the_wallet_answers_encrypted_when_the_relying_party_asks_for_direct_post_jwt() {
    let rp = Rp::start_with(300, "response_mode = \"direct_post.jwt\"");
    let f = files(&rp);
    let (id, uri) = new_request(&rp, "factory-op");
    let out = wallet_present(&uri, &f, true);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result = get_json(&format!("{}/requests/{id}", rp.base)).1;
    assert_eq!(result["state"], "verified", "{result:#}");
}

/// A wallet as `elicence wallet receive` leaves it: each credential with
/// its own holder key, sealed under `passphrase`.
fn wallet_with(dir: &std::path::Path, held: &[(&str, String, &elicence_core::keys::SigningKey)]) {
    let wallet = elicence_wallet::Wallet::open(dir).unwrap();
    for (i, (code, raw, key)) in held.iter().enumerate() {
        let stored = elicence_wallet::StoredCredential {
            id: wallet.new_id(),
            format: elicence_wallet::Format::DcSdJwt,
            configuration_id: format!("{code}.dc+sd-jwt"),
            issuer: "https://agency.example".into(),
            credential_type: format!("{}/vct/{code}", elicence_sd_jwt::type_metadata::VCT_BASE),
            received_at: format!("2026-12-0{}T00:00:00Z", i + 1),
            credential: json!(raw),
        };
        wallet.store(&stored, key, b"wallet passphrase").unwrap();
    }
}

#[test]
fn the_wallet_answers_from_its_own_store_with_each_credentials_own_key() {
    let rp = Rp::start(300);
    let ca = rp.dir.path().join("rp-ca.pem");
    std::fs::write(&ca, &rp.certificate_pem).unwrap();
    let (food_key, diw_key) = (holder_key(), holder_key());
    let wallet = rp.dir.path().join("wallet");
    wallet_with(
        &wallet,
        &[
            ("food-sale", food_sale_licence(&food_key), &food_key),
            ("factory-op", diw_licence(&diw_key), &diw_key),
        ],
    );
    let present = |uri: &str, passphrase: &str| {
        elicence()
            .args(["wallet", "present", uri, "--yes", "--wallet"])
            .arg(&wallet)
            .arg("--rp-ca")
            .arg(&ca)
            .env("ELICENCE_PASSPHRASE", passphrase)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };

    // A wrong passphrase opens no key: nothing is sent.
    let (id, uri) = new_request(&rp, "factory-op");
    let out = present(&uri, "not the passphrase");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("wrong passphrase"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        get_json(&format!("{}/requests/{id}", rp.base)).1["state"],
        "pending"
    );

    // The factory licence (the wallet's second credential) is chosen and
    // bound to its own key: the key binding verifies.
    let out = present(&uri, "wallet passphrase");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("vct/factory-op"), "{stdout}");
    let result = get_json(&format!("{}/requests/{id}", rp.base)).1;
    assert_eq!(result["state"], "verified", "{result:#}");
    assert_eq!(
        result["claims"]["licence"]["licensee"],
        json!({"juristicPersonId": "0105536112014"})
    );

    // An empty wallet says so.
    let empty = rp.dir.path().join("empty-wallet");
    let (_, uri) = new_request(&rp, "factory-op");
    let out = elicence()
        .args(["wallet", "present", &uri, "--yes", "--wallet"])
        .arg(&empty)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds no credentials"));

    // Credential files need the key they are bound to.
    let out = elicence()
        .args(["wallet", "present", &uri, "--credential", "licence.sd-jwt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--holder-key"));
}
