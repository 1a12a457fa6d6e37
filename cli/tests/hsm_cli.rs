//! The admin CLI and `elicence serve` with agency keys in SoftHSM2: `agency
//! add` / `add-key` generate keys in the token for agencies listed in
//! `[hsm].agencies`, `rotate-master-key` leaves them alone, and a licence
//! the service signs in the token passes `elicence verify`. The token lives
//! in the test's temporary folder (SOFTHSM2_CONF given to each child).

#[path = "../../issuer/examples/support/healthz.rs"]
mod healthz;
#[path = "../../issuer/examples/support/softhsm.rs"]
mod softhsm;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

const PIN: &str = "24682468";

struct Setup {
    dir: tempfile::TempDir,
    softhsm_conf: PathBuf,
    config: PathBuf,
    port: u16,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let softhsm_conf = softhsm::init_token(dir.path(), "agencies", PIN);
        elicence_issuer::crypto::write_master_key_file(&dir.path().join("master.key")).unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let config = dir.path().join("issuer.toml");
        std::fs::write(
            &config,
            format!(
                "listen = \"127.0.0.1:{port}\"\npublic_url = \"https://licence.example.go.th\"\n\
                 database = \"issuer.db\"\ndurability = \"normal\"\n[master_key]\nfile = \"master.key\"\n\
                 [hsm]\nmodule = \"/usr/lib/softhsm/libsofthsm2.so\"\ntoken_label = \"agencies\"\n\
                 pin_file = \"hsm.pin\"\nagencies = [\"hsm-office\"]\n"
            ),
        )
        .unwrap();
        let pin_file = dir.path().join("hsm.pin");
        std::fs::write(&pin_file, format!("{PIN}\n")).unwrap();
        #[cfg(unix)]
        std::fs::set_permissions(
            &pin_file,
            std::os::unix::fs::PermissionsExt::from_mode(0o600),
        )
        .unwrap();
        Setup {
            dir,
            softhsm_conf,
            config,
            port,
        }
    }

    fn elicence(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_elicence"));
        cmd.env("SOFTHSM2_CONF", &self.softhsm_conf)
            .env_remove("ELICENCE_TOKEN")
            .env_remove("ELICENCE_SERVER")
            .stdin(Stdio::null());
        cmd
    }

    fn run(&self, args: &[&str]) -> String {
        let out = self.elicence().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn admin(&self, command: &[&str], rest: &[&str]) -> String {
        let config = self.config.display().to_string();
        let mut args: Vec<&str> = command.to_vec();
        args.extend(["--config", &config]);
        args.extend(rest);
        self.run(&args)
    }

    fn add_agency(&self, code: &str) -> Value {
        let out = self.admin(
            &["agency", "add"],
            &[
                "--code",
                code,
                "--name-th",
                "สำนักงานทดสอบ",
                "--name-en",
                "Test Office",
            ],
        );
        serde_json::from_str(&out).unwrap()
    }
}

struct Served(Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// examples/licence.json without its issuer, valid from now for a year.
fn licence(number: &str) -> Value {
    use time::format_description::well_known::Rfc3339;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/licence.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v.as_object_mut().unwrap().remove("issuer");
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap();
    v["licenceNumber"] = json!(number);
    v["validFrom"] = json!(now.format(&Rfc3339).unwrap());
    v["validUntil"] = json!((now + time::Duration::days(365)).format(&Rfc3339).unwrap());
    v
}

#[test]
fn hsm_agencies_get_token_keys_and_their_licences_verify() {
    let setup = Setup::new();
    // Listed in [hsm].agencies: the key is made in the token.
    let hsm = setup.add_agency("hsm-office");
    let label = hsm["keys"][0]["hsm_label"].as_str().unwrap().to_string();
    assert!(label.starts_with("elicence/hsm-office/"), "{hsm}");
    // Not listed: a software key sealed under the master key.
    let soft = setup.add_agency("soft-office");
    assert!(soft["keys"][0]["hsm_label"].is_null(), "{soft}");
    // Rotation in the token too: a P-256 key for the ECDSA suites.
    setup.admin(&["agency", "add-key"], &["--code", "hsm-office", "--p256"]);
    let list: Value = serde_json::from_str(&setup.admin(&["agency", "list"], &["--json"])).unwrap();
    let office = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == "hsm-office")
        .unwrap();
    assert_eq!(office["keys"].as_array().unwrap().len(), 2);
    assert!(office["keys"]
        .as_array()
        .unwrap()
        .iter()
        .all(|k| k["hsm_label"].is_string()));

    // Only the software key is under the master key.
    let new_key = setup.dir.path().join("master.key.new");
    elicence_issuer::crypto::write_master_key_file(&new_key).unwrap();
    let out = setup.admin(
        &["agency", "rotate-master-key"],
        &["--new-key-file", &new_key.display().to_string()],
    );
    assert!(out.starts_with("1 signing keys re-encrypted"), "{out}");
    std::fs::rename(&new_key, setup.dir.path().join("master.key")).unwrap();

    let child = setup
        .elicence()
        .args(["serve", "--config"])
        .arg(&setup.config)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _served = Served(child);
    healthz::wait_healthy(
        format!("127.0.0.1:{}", setup.port).parse().unwrap(),
        Duration::from_secs(60),
    );
    let token = setup.admin(
        &["token", "create"],
        &["--agency", "hsm-office", "--scope", "issue"],
    );
    let base = format!("http://127.0.0.1:{}", setup.port);
    let agent = agent();
    let mut resp = agent
        .post(&format!("{base}/licences"))
        .header("authorization", &format!("Bearer {}", token.trim()))
        .header("content-type", "application/json")
        .send(&licence("HSM/CLI/1").to_string())
        .unwrap();
    let body = resp.body_mut().read_to_string().unwrap();
    assert_eq!(resp.status(), 201, "{body}");
    let did_doc = agent
        .get(&format!("{base}/agencies/hsm-office/did.json"))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let vc_file = setup.dir.path().join("licence.json");
    let doc_file = setup.dir.path().join("did.json");
    std::fs::write(&vc_file, &body).unwrap();
    std::fs::write(&doc_file, &did_doc).unwrap();

    let verify = |file: &Path| {
        setup
            .elicence()
            .arg("verify")
            .arg(file)
            .arg("--did-doc")
            .arg(&doc_file)
            .args(["--no-status", "--json"])
            .output()
            .unwrap()
    };
    let out = verify(&vc_file);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    assert!(
        out.status.success(),
        "{report:#}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let proof = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "proof")
        .unwrap();
    assert_eq!(proof["outcome"], "pass", "{report:#}");
    // One changed character and the HSM's signature no longer holds.
    let tampered = setup.dir.path().join("tampered.json");
    std::fs::write(&tampered, body.replace("HSM/CLI/1", "HSM/CLI/2")).unwrap();
    assert!(!verify(&tampered).status.success());
}
