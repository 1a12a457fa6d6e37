//! The CLI against a real `elicence serve` on 127.0.0.1: where the API token
//! may go (only to the server the user names, never over plain HTTP except to
//! loopback), where it is read from (a file or the environment, not the
//! command line), and did:key agencies whose credentials verify with no DID
//! document.

mod support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const ORIGIN: &str = "https://licence.example.go.th";

fn elicence() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_elicence"));
    cmd.env_remove("ELICENCE_TOKEN")
        .env_remove("ELICENCE_SERVER")
        .stdin(Stdio::null());
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

/// Runs `cmd`, killing it after 30 s (a regression that connects to a silent
/// host must fail the test, not hang it).
fn run_bounded(cmd: &mut Command) -> (i32, String) {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return (
                -1,
                "timed out: it was talking to the host in the IRI".into(),
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (child.wait().unwrap().code().unwrap_or(-1), err)
}

/// The service under test (support/issuer.rs), with this file's helpers.
type Served = support::issuer::Issuer;

impl Served {
    fn agency(&self, code: &str, extra: &[&str]) -> String {
        let (code_, out, err) = run(elicence()
            .args(["agency", "add", "--config"])
            .arg(&self.config)
            .args([
                "--code",
                code,
                "--name-th",
                "หน่วยงานทดสอบ",
                "--name-en",
                "Test Agency",
            ])
            .args(extra));
        assert_eq!(code_, 0, "{err}");
        let summary: Value = serde_json::from_str(&out).unwrap();
        summary["did"].as_str().unwrap().to_string()
    }

    /// Creates a token and stores it in a 0600 file; returns (token, file).
    fn token(&self, agency: &str, scopes: &str) -> (String, PathBuf) {
        let (code, out, err) = run(elicence()
            .args(["token", "create", "--config"])
            .arg(&self.config)
            .args(["--agency", agency, "--scope", scopes]));
        assert_eq!(code, 0, "{err}");
        let token = out.trim().to_string();
        let file = self.dir.path().join(format!("{agency}.token"));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        writeln!(options.open(&file).unwrap(), "{token}").unwrap();
        (token, file)
    }

    fn post(&self, path: &str, token: &str, body: &Value) -> (u16, Value) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut resp = agent
            .post(&format!("{}{path}", self.url()))
            .header("authorization", &format!("Bearer {token}"))
            .header("content-type", "application/json")
            .send(&body.to_string())
            .unwrap();
        let status = resp.status().as_u16();
        let text = resp.body_mut().read_to_string().unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

/// Configures a service in a fresh folder, adds agency `bangrak` and starts
/// `elicence serve`.
fn serve() -> Served {
    support::issuer::start(|_| ORIGIN.to_string())
}

fn licence(number: &str) -> Value {
    support::service_licence(number)
}

#[test]
fn the_token_goes_only_to_the_server_the_user_names() {
    let svc = serve();
    let (token, token_file) = svc.token("bangrak", "issue,revoke");
    let (status, vc) = svc.post("/licences", &token, &licence("T/1"));
    assert_eq!(status, 201, "{vc}");
    let iri = vc["id"].as_str().unwrap().to_string();

    // A licence IRI naming a host that is not the service: without --server
    // the old CLI sent the token there. Listen on that host and check that
    // nobody calls.
    let trap = TcpListener::bind("127.0.0.1:0").unwrap();
    trap.set_nonblocking(true).unwrap();
    let foreign = format!(
        "https://127.0.0.1:{}/agencies/bangrak/licences/food-sale/T~1",
        trap.local_addr().unwrap().port()
    );
    let (code, err) = run_bounded(
        elicence()
            .args(["revoke", &foreign, "--token-file"])
            .arg(&token_file),
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--server"), "{err}");
    assert!(
        trap.accept().is_err(),
        "the CLI connected to the host named in the IRI"
    );
    // The same with the real IRI: no server named, nothing sent.
    let (code, _, err) = run(elicence()
        .args(["revoke", &iri, "--token-file"])
        .arg(&token_file));
    assert_eq!(code, 2, "{err}");

    // Plain HTTP is refused except to loopback, before anything is sent.
    for server in ["http://10.255.255.1:9", "http://licence.example.go.th"] {
        let (code, _, err) = run(elicence()
            .args(["revoke", &iri, "--server", server, "--token-file"])
            .arg(&token_file));
        assert_eq!(code, 2, "{server}: {err}");
        assert!(err.contains("https://"), "{err}");
    }
    let csv = svc.dir.path().join("rows.csv");
    std::fs::write(&csv, "licenceNumber\n1\n").unwrap();
    let (code, _, err) = run(elicence()
        .args(["issue", "--server", "http://licence.example.go.th", "--csv"])
        .arg(&csv)
        .arg("--token-file")
        .arg(&token_file));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("https://"), "{err}");

    // The named loopback server gets it, read from the file: suspended.
    let (code, out, err) = run(elicence()
        .args([
            "revoke",
            &iri,
            "--suspend",
            "--server",
            &svc.url(),
            "--token-file",
        ])
        .arg(&token_file));
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()["suspended"],
        true
    );
    assert!(!err.contains("warning"), "{err}");

    // Server and token from the environment: reinstated.
    let (code, out, err) = run(elicence()
        .args(["revoke", &iri, "--reinstate"])
        .env("ELICENCE_SERVER", svc.url())
        .env("ELICENCE_TOKEN", &token));
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()["suspended"],
        false
    );

    // The old --token still works for old scripts, with a warning.
    let (code, out, err) =
        run(elicence().args(["revoke", &iri, "--server", &svc.url(), "--token", &token]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()["revoked"],
        true
    );
    assert!(
        err.contains("warning") && err.contains("--token-file"),
        "{err}"
    );
    // ... and it is not advertised.
    let (_, help, _) = run(elicence().args(["revoke", "--help"]));
    assert!(
        help.contains("--token-file") && !help.contains("--token <"),
        "{help}"
    );
}

#[test]
fn did_key_agencies_issue_credentials_that_verify_with_no_did_document() {
    let svc = serve();
    let did = svc.agency("keyed", &["--did-key"]);
    assert!(did.starts_with("did:key:z6Mk"), "{did}");
    let (token, _) = svc.token("keyed", "issue");
    let dir = svc.dir.path();
    for (n, suite) in ["eddsa-rdfc-2022", "eddsa-jcs-2022"].iter().enumerate() {
        let (status, body) = svc.post(
            "/credentials/issue",
            &token,
            &json!({
                "credential": {
                    "@context": ["https://www.w3.org/ns/credentials/v2"],
                    "id": format!("urn:uuid:0c7a4f0e-1c1e-4d5e-8a57-5a8c3f0b2d1{n}"),
                    "type": ["VerifiableCredential"],
                    "credentialSubject": {"id": "did:example:holder"}
                },
                "options": {"cryptosuite": suite, "credentialStatus": []}
            }),
        );
        assert_eq!(status, 201, "{body}");
        let vc = &body["verifiableCredential"];
        assert_eq!(vc["issuer"], did.as_str());
        let file = dir.join(format!("{suite}.json"));
        std::fs::write(&file, vc.to_string()).unwrap();
        // No --did-doc, no bundle: did:key resolves offline.
        let (code, out, err) = run(elicence().arg("verify").arg(&file).arg("--json"));
        assert_eq!(code, 0, "{suite}: {out}{err}");
        // And a changed credential does not.
        let mut altered = vc.clone();
        altered["credentialSubject"]["id"] = json!("did:example:other");
        std::fs::write(&file, altered.to_string()).unwrap();
        let (code, _, _) = run(elicence().arg("verify").arg(&file));
        assert_ne!(code, 0, "{suite}: an altered credential verified");
    }
    // One key for life: rotation is refused with a clear message.
    let (code, _, err) = run(elicence()
        .args(["agency", "add-key", "--config"])
        .arg(&svc.config)
        .args(["--code", "keyed"]));
    assert_eq!(code, 2);
    assert!(err.contains("did:key"), "{err}");
    // The listing says so; did:web stays the default.
    let (_, out, _) = run(elicence()
        .args(["agency", "list", "--json", "--config"])
        .arg(&svc.config));
    let all: Value = serde_json::from_str(&out).unwrap();
    let method = |code: &str| {
        all.as_array()
            .unwrap()
            .iter()
            .find(|a| a["code"] == code)
            .unwrap()["did_method"]
            .clone()
    };
    assert_eq!(method("keyed"), "key");
    assert_eq!(method("bangrak"), "web");
}
