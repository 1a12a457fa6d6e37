//! The `elicence` binary as users run it: exit codes, messages and files.

mod support;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const NOW: &str = "2026-06-01T00:00:00Z";

fn elicence() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_elicence"));
    cmd.env_remove("ELICENCE_PASSPHRASE").stdin(Stdio::null());
    cmd
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().unwrap();
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

fn tempdir(name: &str) -> support::TestDir {
    support::scratch(&format!("cli-{name}"))
}

fn w3c(rel: &str) -> PathBuf {
    let base = std::env::var_os("ELICENCE_SHARED_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors"));
    let path = base.join(rel);
    assert!(
        path.exists(),
        "W3C vector {} missing: set ELICENCE_SHARED_VECTORS",
        path.display()
    );
    path
}

fn example_licence() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/licence.json")
}

fn test_key(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../test-vectors/keys")
        .join(name)
}

fn report(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not a JSON report ({e}): {stdout}"))
}

fn outcome(report: &Value, code: &str) -> String {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code)
        .unwrap()["outcome"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn key_generation_requires_a_passphrase_or_an_explicit_plaintext_flag() {
    let dir = tempdir("nopass");
    let key = dir.join("k.pem");
    let (code, _, err) = run(elicence().args(["key", "generate", "--out"]).arg(&key));
    assert_eq!(code, 2);
    assert!(err.contains("ELICENCE_PASSPHRASE"), "{err}");
    assert!(!key.exists(), "no key file may be left behind");
}

#[test]
fn encrypted_keys_round_trip_and_wrong_passphrases_are_refused() {
    let dir = tempdir("enc");
    let key = dir.join("agency.pem");
    let (code, out, _) = run(elicence()
        .env("ELICENCE_PASSPHRASE", "correct horse")
        .args(["key", "generate", "--json", "--out"])
        .arg(&key));
    assert_eq!(code, 0);
    let summary: Value = serde_json::from_str(&out).unwrap();
    let did = summary["did"].as_str().unwrap().to_owned();
    assert!(did.starts_with("did:key:z6Mk"));
    let pem = std::fs::read_to_string(&key).unwrap();
    assert!(
        pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"),
        "{pem}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    // never overwritten by accident
    let (code, _, err) = run(elicence()
        .env("ELICENCE_PASSPHRASE", "x")
        .args(["key", "generate", "--out"])
        .arg(&key));
    assert_eq!(code, 2);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(std::fs::read_to_string(&key).unwrap(), pem);

    let (code, _, err) = run(elicence()
        .env("ELICENCE_PASSPHRASE", "wrong")
        .args(["key", "show", "--key"])
        .arg(&key));
    assert_eq!(code, 2);
    assert!(err.to_lowercase().contains("passphrase"), "{err}");

    let pass_file = dir.join("pass.txt");
    std::fs::write(&pass_file, "correct horse\n").unwrap();
    let (code, out, _) = run(elicence()
        .args(["key", "show", "--key"])
        .arg(&key)
        .arg("--passphrase-file")
        .arg(&pass_file));
    assert_eq!(code, 0);
    assert!(out.contains(&did), "{out}");

    // the public JWK has no private part unless explicitly asked for
    let (_, public_jwk, _) = run(elicence()
        .env("ELICENCE_PASSPHRASE", "correct horse")
        .args(["key", "export", "--key"])
        .arg(&key));
    assert!(!public_jwk.contains("\"d\""), "{public_jwk}");
    let (_, private_jwk, _) = run(elicence()
        .env("ELICENCE_PASSPHRASE", "correct horse")
        .args(["key", "export", "--private", "--key"])
        .arg(&key));
    assert!(private_jwk.contains("\"d\""), "{private_jwk}");
}

#[test]
fn every_suite_issues_credentials_that_verify_and_fail_when_altered() {
    let dir = tempdir("suites");
    for (key, suite) in [
        ("ed25519.pem", "eddsa-rdfc-2022"),
        ("p256.pem", "ecdsa-rdfc-2019"),
        ("ed25519.pem", "eddsa-jcs-2022"),
        ("p256.pem", "ecdsa-jcs-2019"),
        ("ed25519.pem", "jwt"),
        ("p256.pem", "jwt"),
        ("p384.pem", "ecdsa-rdfc-2019"),
        ("p384.pem", "ecdsa-jcs-2019"),
        ("p384.pem", "jwt"),
    ] {
        let out = dir.join(format!("{suite}-{key}.out"));
        let (code, _, err) = run(elicence()
            .arg("issue")
            .arg(example_licence())
            .arg("--key")
            .arg(test_key(key))
            .args(["--suite", suite, "--out"])
            .arg(&out));
        assert_eq!(code, 0, "{suite}: {err}");
        let (code, stdout, _) = run(elicence()
            .args(["verify", "--json", "--now", NOW])
            .arg(&out));
        assert_eq!(code, 0, "{suite}: {stdout}");
        assert_eq!(report(&stdout)["verdict"], "valid");

        let text = std::fs::read_to_string(&out).unwrap();
        let altered = if suite == "jwt" {
            // flip one character of the payload segment
            let mut parts: Vec<String> = text.trim().split('.').map(str::to_owned).collect();
            let c = if parts[1].ends_with('A') { 'B' } else { 'A' };
            parts[1].pop();
            parts[1].push(c);
            parts.join(".")
        } else {
            text.replacen("สน.1/2566", "สน.7/2566", 1)
        };
        assert_ne!(altered, text);
        let bad = dir.join(format!("{suite}-{key}.bad"));
        std::fs::write(&bad, altered).unwrap();
        let (code, stdout, _) = run(elicence()
            .args(["verify", "--json", "--now", NOW])
            .arg(&bad));
        assert_eq!(code, 1, "{suite}: altered credential accepted: {stdout}");
        assert_eq!(report(&stdout)["verdict"], "invalid");
    }
}

#[test]
fn a_suite_that_does_not_fit_the_key_is_a_usage_error() {
    let (code, _, err) = run(elicence()
        .arg("issue")
        .arg(example_licence())
        .arg("--key")
        .arg(test_key("ed25519.pem"))
        .args(["--suite", "ecdsa-jcs-2019"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("ecdsa-jcs-2019") && err.contains("P-256") && err.contains("P-384"),
        "{err}"
    );
    let (code, _, err) = run(elicence()
        .arg("issue")
        .arg(example_licence())
        .arg("--key")
        .arg(test_key("p384.pem"))
        .args(["--suite", "eddsa-rdfc-2022"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("eddsa-rdfc-2022") && err.contains("P-384 key"),
        "{err}"
    );
}

#[test]
fn p384_keys_are_generated_encrypted_and_sign_ecdsa_rdfc_2019_by_default() {
    let dir = tempdir("p384");
    let key = dir.join("agency.pem");
    let (code, out, err) = run(elicence()
        .env("ELICENCE_PASSPHRASE", "รหัสผ่าน P-384")
        .args(["key", "generate", "--p384", "--json", "--out"])
        .arg(&key));
    assert_eq!(code, 0, "{err}");
    let summary: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary["algorithm"], "P-384");
    assert!(summary["did"].as_str().unwrap().starts_with("did:key:z82"));
    assert_eq!(summary["publicKeyJwk"]["crv"], "P-384");
    let pem = std::fs::read_to_string(&key).unwrap();
    assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    // --p256 and --p384 together are a usage error
    let (code, _, _) = run(elicence()
        .args([
            "key",
            "generate",
            "--p256",
            "--p384",
            "--plaintext",
            "--out",
        ])
        .arg(dir.join("both.pem")));
    assert_eq!(code, 2);

    let signed = dir.join("licence.json");
    let (code, _, err) = run(elicence()
        .env("ELICENCE_PASSPHRASE", "รหัสผ่าน P-384")
        .arg("issue")
        .arg(example_licence())
        .arg("--key")
        .arg(&key)
        .arg("--out")
        .arg(&signed));
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&signed).unwrap()).unwrap();
    assert_eq!(doc["proof"]["cryptosuite"], "ecdsa-rdfc-2019");
    assert_eq!(doc["issuer"]["id"], summary["did"]);
    let (code, stdout, _) = run(elicence()
        .args(["verify", "--json", "--now", NOW])
        .arg(&signed));
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(report(&stdout)["verdict"], "valid");
}

fn typed_issue(extra: &[&str]) -> Command {
    let mut cmd = elicence();
    cmd.arg("issue")
        .arg("--key")
        .arg(test_key("ed25519.pem"))
        .args([
            "--base-url",
            "https://licence.example.go.th",
            "--agency-th",
            "สำนักงานทดสอบ",
            "--agency-en",
            "Test Office",
            "--type-code",
            "hotel",
            "--type-th",
            "ใบอนุญาตประกอบธุรกิจโรงแรม",
            "--type-en",
            "Hotel business licence",
            "--number",
            "๑๒๓/๒๕๖๖",
            "--holder-th",
            "บริษัท โรงแรมทดสอบ จำกัด",
            "--holder-en",
            "Test Hotel Co., Ltd.",
            "--address-th",
            "๑ ถนนราชดำเนิน กรุงเทพมหานคร",
            "--activity",
            "ให้บริการที่พักแก่นักท่องเที่ยว",
            "--valid-from",
            "2026-01-01T00:00:00+07:00",
            "--valid-until",
            "2027-01-01T00:00:00+07:00",
        ]);
    cmd.args(extra);
    cmd
}

#[test]
fn licences_can_be_issued_field_by_field() {
    let (code, out, err) = run(&mut typed_issue(&["--holder-id", "0105536112014"]));
    assert_eq!(code, 0, "{err}");
    let vc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(vc["credentialSubject"]["licenceNumber"], "๑๒๓/๒๕๖๖");
    assert_eq!(
        vc["id"],
        "https://licence.example.go.th/licences/hotel/๑๒๓~๒๕๖๖"
    );
}

#[test]
fn a_wrong_check_digit_is_named_precisely() {
    let (code, out, err) = run(&mut typed_issue(&["--holder-id", "0105536112015"]));
    assert_eq!(code, 2);
    assert!(out.is_empty(), "nothing may be signed: {out}");
    assert!(
        err.contains("juristicPersonId") && err.contains("check digit"),
        "{err}"
    );
}

#[test]
fn missing_licence_flags_are_listed_together() {
    let (code, _, err) = run(elicence()
        .arg("issue")
        .arg("--key")
        .arg(test_key("ed25519.pem"))
        .args(["--number", "1/2566"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("--holder-id") && err.contains("--valid-until") && err.contains("--activity"),
        "{err}"
    );
}

#[test]
fn w3c_vectors_verify_with_proof_only_and_fail_closed_without_it() {
    for vector in [
        "w3c-vc-di-eddsa/TestVectors/eddsa-jcs-2022/signedJCS.json",
        "w3c-vc-di-ecdsa/TestVectors/ecdsa-jcs-2019-p256/signedJCSECDSAP256.json",
    ] {
        let path = w3c(vector);
        let (code, stdout, _) = run(elicence()
            .args(["verify", "--proof-only", "--json"])
            .arg(&path));
        assert_eq!(code, 0, "{vector}: {stdout}");
        assert_eq!(outcome(&report(&stdout), "proof"), "pass");

        let (code, stdout, _) = run(elicence().args(["verify", "--lang", "en"]).arg(&path));
        assert_eq!(code, 1, "{vector}: {stdout}");
        assert!(stdout.starts_with("INVALID"), "{stdout}");
        assert!(
            stdout.contains("https://vc.example/issuers/5678") && stdout.contains("controlled by"),
            "the reason must say the issuer does not control the key: {stdout}"
        );

        // any changed value fails even with --proof-only
        let text = std::fs::read_to_string(&path).unwrap().replacen(
            "The School of Examples",
            "The School of Exampled",
            1,
        );
        let dir = tempdir("w3c");
        let bad = dir.join("bad.json");
        std::fs::write(&bad, text).unwrap();
        let (code, _, _) = run(elicence().args(["verify", "--proof-only"]).arg(&bad));
        assert_eq!(code, 1, "{vector}");
    }
}

#[test]
fn did_web_issuers_need_their_did_document_offline() {
    let dir = tempdir("didweb");
    let did = "did:web:licence.example.go.th:agencies:bkk";
    let doc = dir.join("did.json");
    let (code, _, err) = run(elicence()
        .args(["key", "did", "--web", did, "--key"])
        .arg(test_key("ed25519.pem"))
        .arg("--out")
        .arg(&doc));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("https://licence.example.go.th/agencies/bkk/did.json"),
        "{err}"
    );

    let vc = dir.join("vc.json");
    let (code, _, err) = run(elicence()
        .arg("issue")
        .arg(example_licence())
        .arg("--key")
        .arg(test_key("ed25519.pem"))
        .args(["--issuer-did", did, "--out"])
        .arg(&vc));
    assert_eq!(code, 0, "{err}");

    let (code, stdout, _) = run(elicence().args(["verify", "--json", "--now", NOW]).arg(&vc));
    assert_eq!(code, 1);
    assert_eq!(report(&stdout)["verdict"], "cannot-decide", "{stdout}");

    let (code, stdout, _) = run(elicence()
        .args(["verify", "--json", "--now", NOW, "--did-doc"])
        .arg(&doc)
        .arg(&vc));
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(report(&stdout)["verdict"], "valid");

    // a DID document of another key does not help
    let other_doc = dir.join("other.json");
    run(elicence()
        .args(["key", "did", "--web", did, "--key"])
        .arg(test_key("other-ed25519.pem"))
        .arg("--out")
        .arg(&other_doc));
    let (code, stdout, _) = run(elicence()
        .args(["verify", "--json", "--now", NOW, "--did-doc"])
        .arg(&other_doc)
        .arg(&vc));
    assert_eq!(code, 1);
    assert_ne!(report(&stdout)["verdict"], "valid");
}

#[test]
fn bad_verify_inputs_get_clear_errors() {
    let dir = tempdir("badinput");
    let (code, _, err) = run(elicence().args(["verify"]).arg(dir.join("missing.json")));
    assert_eq!(code, 2);
    assert!(err.contains("missing.json"), "{err}");

    let (code, _, err) = run(elicence()
        .args(["verify", "--now", "yesterday"])
        .arg(test_key("p256.pem")));
    assert_eq!(code, 2);
    assert!(err.contains("--now"), "{err}");

    let garbage = dir.join("garbage.txt");
    std::fs::write(&garbage, "hello, inspector").unwrap();
    let (code, stdout, _) = run(elicence().args(["verify", "--json"]).arg(&garbage));
    assert_eq!(code, 1);
    assert_eq!(outcome(&report(&stdout), "format"), "fail");

    // a second `validUntil` could show one date and sign another: rejected
    let vc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/eddsa-jcs-2022/valid.json"),
    )
    .unwrap();
    let dup = vc.replacen(
        "\"validUntil\"",
        "\"validUntil\": \"2099-01-01T00:00:00Z\",\n  \"validUntil\"",
        1,
    );
    let dup_path = dir.join("dup.json");
    std::fs::write(&dup_path, dup).unwrap();
    let (code, stdout, _) = run(elicence()
        .args(["verify", "--json", "--now", NOW])
        .arg(&dup_path));
    assert_eq!(code, 1);
    let report = report(&stdout);
    assert_eq!(outcome(&report, "format"), "fail");
    assert!(report.to_string().contains("validUntil"), "{report}");
}

#[test]
fn reports_come_in_thai_and_english() {
    let vector =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/eddsa-jcs-2022/expired.json");
    let (code, th, _) = run(elicence()
        .args(["verify", "--lang", "th", "--now", NOW])
        .arg(&vector));
    assert_eq!(code, 1);
    assert!(th.starts_with("ไม่ถูกต้อง") && th.contains("หมดอายุ"), "{th}");
    let (_, en, _) = run(elicence()
        .args(["verify", "--lang", "en", "--now", NOW])
        .arg(&vector));
    assert!(en.starts_with("INVALID") && en.contains("Expired"), "{en}");
}

#[test]
fn vc_1_1_credentials_sign_and_verify_with_every_data_integrity_suite() {
    let dir = tempdir("vc11");
    let did = "did:key:z6Mksg7NdjxcvSrUECqer7fZYktqn8soXxW4yAG2HB3UGYGR"; // keys/ed25519.pem
    let credential = serde_json::json!({
        "@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/elicence/v1"],
        "id": "urn:uuid:8a7c3f1e-6b7d-4c65-9a0e-0c1f4e2d9b11",
        "type": ["VerifiableCredential"],
        "issuer": did,
        "issuanceDate": "2026-01-01T00:00:00Z",
        "expirationDate": "2027-01-01T00:00:00Z",
        "credentialSubject": {"licenceNumber": "สน.1/2566"}
    });
    let input = dir.join("vc11.json");
    std::fs::write(&input, serde_json::to_string_pretty(&credential).unwrap()).unwrap();
    for suite in ["eddsa-rdfc-2022", "eddsa-jcs-2022"] {
        let out = dir.join(format!("{suite}.json"));
        let (code, _, err) = run(elicence()
            .args(["issue", "--suite", suite, "--credential"])
            .arg(&input)
            .arg("--key")
            .arg(test_key("ed25519.pem"))
            .arg("--out")
            .arg(&out));
        assert_eq!(code, 0, "{suite}: {err}");
        let (code, stdout, _) = run(elicence()
            .args(["verify", "--json", "--now", NOW])
            .arg(&out));
        let valid = report(&stdout);
        assert_eq!(code, 0, "{suite}: {valid:#}");
        assert_eq!(outcome(&valid, "validity"), "pass");
        assert_eq!(outcome(&valid, "proof"), "pass");
        let (code, stdout, _) = run(elicence()
            .args(["verify", "--json", "--now", "2027-06-01T00:00:00Z"])
            .arg(&out));
        assert_eq!(code, 1, "{suite}: expired VC 1.1 accepted");
        assert_eq!(outcome(&report(&stdout), "validity"), "fail");
    }
}

#[test]
fn a_given_credential_must_name_the_signing_key_as_issuer() {
    let dir = tempdir("foreign-issuer");
    let input = dir.join("vc.json");
    std::fs::write(
        &input,
        r#"{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],
            "issuer":"did:web:someone-else.example","credentialSubject":{"id":"did:example:1"}}"#,
    )
    .unwrap();
    let (code, out, err) = run(elicence()
        .args(["issue", "--credential"])
        .arg(&input)
        .arg("--key")
        .arg(test_key("ed25519.pem")));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("did:web:someone-else.example"), "{err}");
}

#[test]
fn endless_inputs_fail_cleanly_instead_of_filling_memory() {
    if !std::path::Path::new("/dev/zero").exists() {
        return;
    }
    let (code, _, err) = run(elicence().args(["verify", "/dev/zero"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("larger than 64 MiB"), "{err}");
    let zero = std::fs::File::open("/dev/zero").unwrap();
    let (code, _, err) = run(elicence().args(["verify", "-"]).stdin(zero));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("larger than 64 MiB"), "{err}");
    // A CSV that is one endless line is refused while reading it.
    let dir = tempdir("endless-csv");
    let (code, _, err) = run(elicence().args([
        "issue",
        "--server",
        "http://127.0.0.1:9",
        "--token",
        "elic_unused",
        "--csv",
        "/dev/zero",
        "--results",
        dir.join("r.jsonl").to_str().unwrap(),
    ]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("longer than 262144 bytes"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn agencies_get_p384_keys_with_agency_add_and_add_key() {
    let dir = tempdir("agency-p384");
    std::fs::write(dir.join("master.key"), "11".repeat(32)).unwrap();
    // The master key file must be private (the CLI refuses one others can read).
    std::fs::set_permissions(
        dir.join("master.key"),
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    let config = dir.join("issuer.toml");
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:0\"\npublic_url = \"https://licence.example.go.th\"\ndatabase = \"{}\"\n[master_key]\nfile = \"{}\"\n",
            dir.join("issuer.db").display(),
            dir.join("master.key").display()
        ),
    )
    .unwrap();
    let agency = |args: &[&str]| {
        run(elicence()
            .arg("agency")
            .args(args)
            .arg("--config")
            .arg(&config))
    };
    let (code, _, err) = agency(&[
        "add",
        "--code",
        "dbd",
        "--name-th",
        "กรมพัฒนาธุรกิจการค้า",
        "--name-en",
        "DBD",
        "--p384",
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = agency(&["add-key", "--code", "dbd", "--p384"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, _) = agency(&["add-key", "--code", "dbd", "--p256", "--p384"]);
    assert_eq!(code, 2);
    let (code, out, err) = agency(&["list", "--json"]);
    assert_eq!(code, 0, "{err}");
    let list: Value = serde_json::from_str(&out).unwrap();
    let keys = list[0]["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    for k in keys {
        assert_eq!(k["algorithm"], "P-384");
        assert!(k["public_multikey"].as_str().unwrap().starts_with("z82"));
    }
}
