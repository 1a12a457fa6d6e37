//! `elicence wallet` against a real `elicence serve` whose public URL is its
//! loopback address: an agency offers a licence, `wallet receive` stores it,
//! `wallet list`/`show` read it, `elicence verify --online` accepts the SD-JWT
//! VC and then sees its revocation in the Token Status List; a wrong PIN and
//! a reused offer are refused with the protocol's reason.

mod support;

use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn elicence() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_elicence"));
    cmd.env_remove("ELICENCE_TOKEN")
        .env_remove("ELICENCE_SERVER")
        .env_remove("ELICENCE_WALLET")
        .env("ELICENCE_PASSPHRASE", "holder passphrase")
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

/// The service under test (support/issuer.rs), with this file's helpers.
type Served = support::issuer::Issuer;

impl Served {
    fn token(&self, agency: &str, scopes: &str) -> String {
        let (code, out, err) = run(elicence()
            .args(["token", "create", "--config"])
            .arg(&self.config)
            .args(["--agency", agency, "--scope", scopes]));
        assert_eq!(code, 0, "{err}");
        out.trim().to_string()
    }

    fn post(&self, path: &str, token: &str, body: &str) -> (u16, Value) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut resp = agent
            .post(&format!("{}{path}", self.url()))
            .header("authorization", &format!("Bearer {token}"))
            .header("content-type", "application/json")
            .send(body)
            .unwrap();
        let status = resp.status().as_u16();
        let text = resp.body_mut().read_to_string().unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

/// `elicence serve` on a port the OS picked, with `public_url` its own
/// loopback address and agency `bangrak`.
fn serve() -> Served {
    support::issuer::start(|port| format!("http://127.0.0.1:{port}"))
}

fn licence(number: &str) -> String {
    support::service_licence(number).to_string()
}

#[test]
fn a_licence_goes_into_the_cli_wallet_verifies_and_its_revocation_shows() {
    let served = serve();
    let token = served.token("bangrak", "issue,revoke");
    let (status, issued) = served.post("/licences", &token, &licence("W-1"));
    assert_eq!(status, 201, "{issued}");
    let iri = issued["id"].as_str().unwrap();
    let uri = elicence_core::licence::LicenceIri::parse(iri)
        .unwrap()
        .to_uri();
    let path = uri
        .split_once(&served.addr.to_string())
        .unwrap()
        .1
        .to_owned();
    let (status, offer) = served.post(&format!("{path}/offer"), &token, "");
    assert_eq!(status, 201, "{offer}");
    let pin = offer["tx_code"].as_str().unwrap();
    let wallet = served.dir.path().join("wallet");

    // A wrong PIN is refused with the protocol's reason and stores nothing.
    let wrong = if pin == "000000" { "111111" } else { "000000" };
    let (code, _, err) = run(elicence()
        .args([
            "wallet",
            "receive",
            offer["offer"].as_str().unwrap(),
            "--pin",
            wrong,
            "--wallet",
        ])
        .arg(&wallet));
    assert_eq!(code, 2);
    assert!(
        err.contains("invalid_grant") && err.contains("wrong tx_code"),
        "{err}"
    );
    // No PIN and no terminal: a clear usage error.
    let (code, _, err) = run(elicence()
        .args([
            "wallet",
            "receive",
            offer["offer"].as_str().unwrap(),
            "--wallet",
        ])
        .arg(&wallet));
    assert_eq!(code, 2);
    assert!(err.contains("--pin"), "{err}");

    let (code, out, err) = run(elicence()
        .args([
            "wallet",
            "receive",
            offer["offer"].as_str().unwrap(),
            "--pin",
            pin,
            "--wallet",
        ])
        .arg(&wallet));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("dc+sd-jwt") && out.contains("ldp_vc"), "{out}");

    // The offer is single-use.
    let (code, _, err) = run(elicence()
        .args([
            "wallet",
            "receive",
            offer["credential_offer_uri"].as_str().unwrap(),
            "--pin",
            pin,
            "--wallet",
        ])
        .arg(&wallet));
    assert_eq!(code, 2);
    assert!(err.contains("offer"), "{err}");

    let (code, out, err) = run(elicence()
        .args(["wallet", "list", "--json", "--wallet"])
        .arg(&wallet));
    assert_eq!(code, 0, "{err}");
    let list: Value = serde_json::from_str(&out).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    let sd = list.iter().find(|c| c["format"] == "dc+sd-jwt").unwrap();
    assert_eq!(sd["type"], "https://w3id.org/elicence/vct/food-sale");
    let id = sd["id"].as_str().unwrap();

    let (code, out, _) = run(elicence()
        .args(["wallet", "show", id, "--wallet"])
        .arg(&wallet));
    assert_eq!(code, 0);
    let shown: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(shown["claims"]["licenceNumber"], "W-1");
    let (code, raw, _) = run(elicence()
        .args(["wallet", "show", id, "--raw", "--wallet"])
        .arg(&wallet));
    assert_eq!(code, 0);
    let file = served.dir.path().join("licence.sd-jwt");
    std::fs::write(&file, raw.trim()).unwrap();
    let (code, _, err) = run(elicence()
        .args(["wallet", "show", "0123456789abcdef", "--wallet"])
        .arg(&wallet));
    assert_eq!(code, 2);
    assert!(err.contains("no credential"), "{err}");

    // The stored SD-JWT VC verifies online (DID document, Token Status List)…
    let verify = || {
        run(elicence().arg("verify").arg(&file).args([
            "--online",
            "--via",
            &served.url(),
            "--lang",
            "en",
        ]))
    };
    let (code, out, err) = verify();
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Not revoked or suspended"), "{out}");
    // …and after revocation the Token Status List says so.
    let (status, body) = served.post(&format!("{path}/revoke"), &token, "");
    assert_eq!(status, 200, "{body}");
    let (code, out, _) = verify();
    assert_eq!(code, 1);
    assert!(out.contains("REVOKED"), "{out}");
}
