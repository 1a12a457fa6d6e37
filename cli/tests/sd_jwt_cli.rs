//! SD-JWT VC licences through the `elicence` binary: an agency issues one
//! bound to a holder key (`issue --suite sd-jwt`), the business presents
//! chosen claims with a Key Binding JWT (`present --disclose … --nonce …
//! --aud …`), and a bank verifies it offline against the trust bundle
//! (`verify`), with status from a Token Status List carried in the bundle
//! (`bundle build --token-status-list`).

mod support;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use elicence_core::did;
use elicence_core::keys::SigningKey;
use elicence_sd_jwt::status_list::{StatusList, StatusListToken, TokenStatus};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

const NOW: &str = "2026-06-01T00:05:00Z";
const CREATED: &str = "2026-06-01T00:00:00Z";
const NONCE: &str = "b9a1-sd-jwt-cli-nonce";
const AUD: &str = "bank.example.co.th";
const TOKENS: &str = "https://licence.bangrak.example.go.th/status/tokens/1";

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
    support::scratch(&format!("sdjwt-{name}"))
}

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(rel)
}

fn root_did() -> String {
    let pem = std::fs::read_to_string(repo("test-vectors/trust/keys/root.pem")).unwrap();
    did::did_key(&SigningKey::from_pkcs8_pem(&pem, None).unwrap().public_key())
}

/// A holder key (plaintext PEM) and its public JWK, made by the CLI itself.
fn holder(dir: &Path) -> (PathBuf, PathBuf) {
    let pem = dir.join("holder.pem");
    let (code, _, err) = run(elicence()
        .args(["key", "generate", "--p256", "--plaintext", "--out"])
        .arg(&pem));
    assert_eq!(code, 0, "{err}");
    let (code, jwk, err) = run(elicence()
        .args(["key", "export", "--format", "jwk", "--key"])
        .arg(&pem));
    assert_eq!(code, 0, "{err}");
    let jwk_path = dir.join("holder.jwk");
    std::fs::write(&jwk_path, jwk).unwrap();
    (pem, jwk_path)
}

/// The Bang Rak food-sale licence (examples/licence.json) as an SD-JWT VC,
/// signed with the test P-256 key (Bang Rak's did:key in the trust fixtures).
fn issue(dir: &Path, jwk: &Path, extra: &[&str]) -> PathBuf {
    let out = dir.join("licence.sd-jwt");
    let (code, _, err) = run(elicence()
        .arg("issue")
        .arg(repo("examples/licence.json"))
        .arg("--key")
        .arg(repo("test-vectors/keys/p256.pem"))
        .args([
            "--format",
            "dc+sd-jwt",
            "--created",
            "2026-01-01T00:00:00Z",
            "--holder-jwk",
        ])
        .arg(jwk)
        .arg("--catalogue")
        .arg(repo("catalogue/licence-catalogue.json"))
        .args(extra)
        .arg("--out")
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    out
}

fn present(credential: &Path, key: &Path, disclose: &str, out: &Path) -> (i32, String, String) {
    run(elicence()
        .arg("present")
        .arg(credential)
        .args([
            "--disclose",
            disclose,
            "--nonce",
            NONCE,
            "--aud",
            AUD,
            "--created",
            CREATED,
            "--key",
        ])
        .arg(key)
        .arg("--out")
        .arg(out))
}

fn verify(input: &Path, bundle: &Path, extra: &[&str]) -> (i32, String, String) {
    run(elicence()
        .arg("verify")
        .arg(input)
        .arg("--bundle")
        .arg(bundle)
        .args(["--root", &root_did(), "--now", NOW])
        .args(extra))
}

#[test]
fn issue_present_and_verify_a_wallet_licence_offline() {
    let dir = tempdir("flow");
    let (key, jwk) = holder(&dir);
    let licence = issue(&dir, &jwk, &[]);
    let text = std::fs::read_to_string(&licence).unwrap();
    assert_eq!(text.trim().matches('~').count(), 1 + 8, "{text}");

    let shown = dir.join("shown.sd-jwt");
    let (code, _, err) = present(
        &licence,
        &key,
        "licenceType,validity,juristicPersonId",
        &shown,
    );
    assert_eq!(code, 0, "{err}");
    let bundle = repo("test-vectors/trust/bundle.json");
    let seen = dir.join("seen.txt");
    let args = ["--challenge", NONCE, "--domain", AUD, "--seen-challenges"];
    let (code, out, err) = run(elicence()
        .arg("verify")
        .arg(&shown)
        .arg("--bundle")
        .arg(&bundle)
        .args(["--root", &root_did(), "--now", NOW])
        .args(args)
        .arg(&seen));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("VALID / ถูกต้อง"), "{out}");
    assert!(
        out.contains(
            "Juristic person ID / เลขทะเบียนนิติบุคคล (licensee.juristicPersonId): 0105536112014"
        ),
        "{out}"
    );
    assert!(
        !out.contains("Silom"),
        "the address was not disclosed: {out}"
    );
    assert!(out.contains("Bang Rak District Office"), "{out}");
    // The same presentation again is a replay.
    let (code, out, _) = run(elicence()
        .arg("verify")
        .arg(&shown)
        .arg("--bundle")
        .arg(&bundle)
        .args(["--root", &root_did(), "--now", NOW])
        .args(args)
        .arg(&seen));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("already used"), "{out}");

    // JSON report: the format and the disclosed claims.
    let (code, out, _) = verify(&shown, &bundle, &["--json"]);
    assert_eq!(code, 0);
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["format"]["kind"], "sd-jwt-vc");
    assert_eq!(report["format"]["alg"], "ES256");
    assert_eq!(report["format"]["key_binding"], true);
    assert_eq!(report["disclosed"].as_array().unwrap().len(), 1);
    assert_eq!(report["disclosed"][0]["label"]["th"], "เลขทะเบียนนิติบุคคล");

    // The licence as issued verifies too, without a bundle (did:key agency).
    let (code, out, err) = run(elicence()
        .arg("verify")
        .arg(&licence)
        .args(["--now", NOW, "--lang", "en"]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("Premises address (premises.address): th: เลขที่ ๑๒๓ ถนนสีลม"),
        "{out}"
    );
}

#[test]
fn status_from_a_token_status_list_in_the_bundle() {
    let dir = tempdir("status");
    let (_, jwk) = holder(&dir);
    let clear = issue(&dir, &jwk, &["--status-uri", TOKENS, "--status-index", "4"]);
    std::fs::rename(&clear, dir.join("clear.sd-jwt")).unwrap();
    let revoked = issue(&dir, &jwk, &["--status-uri", TOKENS, "--status-index", "5"]);

    let bangrak = SigningKey::from_pkcs8_pem(
        &std::fs::read_to_string(repo("test-vectors/keys/p256.pem")).unwrap(),
        None,
    )
    .unwrap();
    let mut list = StatusList::new(1, 1024).unwrap();
    list.set(5, TokenStatus::Invalid).unwrap();
    let at = |s: &str| OffsetDateTime::parse(s, &Rfc3339).unwrap().unix_timestamp();
    let token = StatusListToken {
        uri: TOKENS.into(),
        issuer: Some(did::did_key(&bangrak.public_key())),
        issued_at: at("2026-05-31T00:00:00Z"),
        expires_at: Some(at("2026-12-31T00:00:00Z")),
        ttl: Some(3600),
        list,
    }
    .sign(
        &bangrak,
        &did::did_key_verification_method(&bangrak.public_key()),
    );
    let token_path = dir.join("tokens.jwt");
    std::fs::write(&token_path, &token).unwrap();
    let bundle = dir.join("bundle.json");
    let (code, _, err) = run(elicence()
        .args(["bundle", "build", "--root-key"])
        .arg(repo("test-vectors/trust/keys/root.pem"))
        .arg("--agencies")
        .arg(repo("test-vectors/trust/agencies.json"))
        .arg("--catalogue")
        .arg(repo("catalogue/licence-catalogue.json"))
        .arg("--token-status-list")
        .arg(&token_path)
        .args([
            "--bundle-version",
            "2",
            "--created",
            "2026-05-31T00:00:00Z",
            "--fetched-at",
            "2026-05-31T00:00:00Z",
            "--valid-until",
            "2026-12-01T00:00:00Z",
        ])
        .arg("--out")
        .arg(&bundle));
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = run(elicence().args(["bundle", "verify"]).arg(&bundle).args([
        "--root",
        &root_did(),
        "--now",
        NOW,
    ]));
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&format!(
            "token status list {TOKENS} (1 bits, 1024 entries)"
        )),
        "{out}"
    );

    let (code, out, err) = verify(&dir.join("clear.sd-jwt"), &bundle, &["--lang", "en"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("Not revoked or suspended (token status list as of 2026-05-31"),
        "{out}"
    );
    let (code, out, _) = verify(&revoked, &bundle, &["--lang", "en"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("REVOKED"), "{out}");
    // The fixture bundle has no such list: cannot decide, unless --no-status.
    let fixture = repo("test-vectors/trust/bundle.json");
    let (code, out, _) = verify(&revoked, &fixture, &["--lang", "en"]);
    assert_eq!(code, 1);
    assert!(out.starts_with("CANNOT DECIDE"), "{out}");
    let (code, out, _) = verify(&revoked, &fixture, &["--lang", "en", "--no-status"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("NOT CHECKED"), "{out}");

    // A token that is not a status list is refused by bundle build.
    std::fs::write(&token_path, "not a token").unwrap();
    let (code, _, err) = run(elicence()
        .args(["bundle", "build", "--root-key"])
        .arg(repo("test-vectors/trust/keys/root.pem"))
        .arg("--agencies")
        .arg(repo("test-vectors/trust/agencies.json"))
        .arg("--catalogue")
        .arg(repo("catalogue/licence-catalogue.json"))
        .arg("--token-status-list")
        .arg(&token_path)
        .args(["--bundle-version", "3"]));
    assert_eq!(code, 2);
    assert!(err.contains("not a Status List Token"), "{err}");
}

#[test]
fn usage_errors_are_clear() {
    let dir = tempdir("usage");
    let (key, jwk) = holder(&dir);
    let licence = issue(&dir, &jwk, &[]);
    let out = dir.join("x");
    for (disclose, message) in [
        ("bankBalance", "unknown licence claim"),
        ("conditions[x]", "the index must be a number"),
    ] {
        let (code, _, err) = present(&licence, &key, disclose, &out);
        assert_eq!(code, 2, "{disclose}");
        assert!(err.contains(message), "{err}");
    }
    // No --disclose: nothing is disclosed by accident.
    let (code, _, err) = run(elicence()
        .arg("present")
        .arg(&licence)
        .args(["--nonce", NONCE]));
    assert_eq!(code, 2);
    assert!(err.contains("--disclose"), "{err}");
    // A nonce without a key.
    let (code, _, err) = run(elicence().arg("present").arg(&licence).args([
        "--disclose",
        "all",
        "--nonce",
        NONCE,
        "--aud",
        AUD,
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("--key"), "{err}");
    // Someone else's key cannot bind the presentation.
    let other_dir = tempdir("usage-other");
    let (other, _) = holder(&other_dir);
    let (code, _, err) = present(&licence, &other, "all", &out);
    assert_eq!(code, 2);
    assert!(err.contains("not the holder key"), "{err}");
    // Holder flags are for SD-JWT VCs only.
    let (code, _, err) = run(elicence()
        .arg("issue")
        .arg(repo("examples/licence.json"))
        .arg("--key")
        .arg(repo("test-vectors/keys/p256.pem"))
        .arg("--holder-jwk")
        .arg(&jwk));
    assert_eq!(code, 2);
    assert!(err.contains("--suite sd-jwt"), "{err}");
    // A holder JWK that is not one.
    std::fs::write(
        dir.join("bad.jwk"),
        r#"{"kty":"EC","crv":"P-256","x":"AA"}"#,
    )
    .unwrap();
    let (code, _, err) = run(elicence()
        .arg("issue")
        .arg(repo("examples/licence.json"))
        .arg("--key")
        .arg(repo("test-vectors/keys/p256.pem"))
        .args(["--suite", "sd-jwt", "--holder-jwk"])
        .arg(dir.join("bad.jwk")));
    assert_eq!(code, 2);
    assert!(err.contains("bad.jwk"), "{err}");
    // Two SD-JWTs at once.
    let (code, _, err) = run(elicence()
        .arg("present")
        .arg(&licence)
        .arg(&licence)
        .args(["--disclose", "all"]));
    assert_eq!(code, 2);
    assert!(err.contains("one SD-JWT VC at a time"), "{err}");
}

/// A tiny HTTP server on 127.0.0.1 answering each path with a fixed body
/// (404 otherwise): an agency's did:web and Token Status List, as mirrored.
fn mirror(routes: Vec<(String, Vec<u8>)>) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let origin = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 8192];
            let n = s.read(&mut buf).unwrap_or(0);
            let request = String::from_utf8_lossy(&buf[..n]).to_string();
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
            let body = routes
                .iter()
                .find(|(p, _)| *p == path)
                .map(|(_, b)| b.clone());
            let (status, body) = match body {
                Some(b) => ("200 OK", b),
                None => ("404 Not Found", Vec::new()),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(&body);
        }
    });
    origin
}

#[test]
fn verify_online_fetches_the_did_document_and_the_token_status_list() {
    const DIW: &str = "did:web:licence.diw.example.go.th";
    const DIW_TOKENS: &str = "https://licence.diw.example.go.th/status/tokens/1";
    let dir = tempdir("online");
    let (_, jwk) = holder(&dir);
    let diw = SigningKey::from_pkcs8_pem(
        &std::fs::read_to_string(repo("test-vectors/keys/ed25519.pem")).unwrap(),
        None,
    )
    .unwrap();
    let kid = format!("{DIW}#{}", diw.public_key().to_multikey());
    let issue_at = |index: &str, name: &str| {
        let out = dir.join(name);
        let (code, _, err) = run(elicence()
            .arg("issue")
            .arg(repo("test-vectors/licence-data.json"))
            .arg("--key")
            .arg(repo("test-vectors/keys/ed25519.pem"))
            .args([
                "--issuer-did",
                DIW,
                "--suite",
                "sd-jwt",
                "--created",
                "2026-01-01T00:00:00Z",
            ])
            .args([
                "--status-uri",
                DIW_TOKENS,
                "--status-index",
                index,
                "--holder-jwk",
            ])
            .arg(&jwk)
            .arg("--out")
            .arg(&out));
        assert_eq!(code, 0, "{err}");
        out
    };
    let clear = issue_at("1", "clear.sd-jwt");
    let revoked = issue_at("2", "revoked.sd-jwt");
    let document = elicence_core::did::did_web_document(DIW, &[diw.public_key()]).unwrap();
    let mut list = StatusList::new(1, 64).unwrap();
    list.set(2, TokenStatus::Invalid).unwrap();
    let at = |s: &str| OffsetDateTime::parse(s, &Rfc3339).unwrap().unix_timestamp();
    let token = StatusListToken {
        uri: DIW_TOKENS.into(),
        issuer: Some("https://licence.diw.example.go.th".into()),
        issued_at: at("2026-05-31T12:00:00Z"),
        expires_at: Some(at("2026-06-02T00:00:00Z")),
        ttl: Some(300),
        list,
    }
    .sign(&diw, &kid);
    let origin = mirror(vec![
        (
            "/.well-known/did.json".into(),
            serde_json::to_vec(&document).unwrap(),
        ),
        ("/status/tokens/1".into(), token.into_bytes()),
    ]);
    let online = |input: &Path| {
        run(elicence()
            .arg("verify")
            .arg(input)
            .args(["--online", "--via", &origin, "--now", NOW, "--lang", "en"]))
    };
    let (code, out, err) = online(&clear);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Not revoked or suspended"), "{out}");
    let (code, out, _) = online(&revoked);
    assert_eq!(code, 1);
    assert!(out.contains("REVOKED"), "{out}");
    // Offline, without the did:web document: cannot decide.
    let (code, out, _) = run(elicence().arg("verify").arg(&clear).args(["--now", NOW]));
    assert_eq!(code, 1);
    assert!(out.starts_with("CANNOT DECIDE"), "{out}");
    // A mirror without the list: the status stays unknown, never "clear".
    let empty = mirror(vec![(
        "/.well-known/did.json".into(),
        serde_json::to_vec(&document).unwrap(),
    )]);
    let (code, out, err) = run(elicence()
        .arg("verify")
        .arg(&clear)
        .args(["--online", "--via", &empty, "--now", NOW, "--lang", "en"]));
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("CANNOT DECIDE"), "{out}");
    assert!(err.contains("status stays unknown"), "{err}");
}
