//! Agency keys in an HSM through PKCS#11, against SoftHSM2 (Debian package
//! `softhsm2`, installed by scripts/setup.sh): keys generated in the token
//! and never extractable, Ed25519 (CKM_EDDSA), P-256 and P-384 (CKM_ECDSA)
//! credentials
//! issued by the real service that the offline verifier accepts, concurrent
//! signing on the session pool (which logs in again when the token lost its
//! login), master-key rotation that leaves HSM keys
//! alone, and clear errors at start for a missing token or a wrong PIN.
//!
//! SoftHSM2 reads `SOFTHSM2_CONF` once, when the process first initialises
//! the library, so this file is one test: it makes its own token in a
//! temporary folder and removes it at the end. Runs on SQLite, or
//! PostgreSQL with `ELICENCE_TEST_DATABASE=postgres`.

mod common;
#[path = "../examples/support/softhsm.rs"]
mod softhsm;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{start_with, token, Service};
use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::object::{Attribute, AttributeType, ObjectClass};
use cryptoki::session::UserType;
use elicence_core::did::OfflineResolver;
use elicence_core::keys::KeyAlgorithm;
use elicence_issuer::admin::{self, KeyStore, NewAgency, Scope};
use elicence_issuer::crypto::MasterKey;
use elicence_issuer::hsm::Hsm;
use elicence_issuer::server::build_state;
use elicence_issuer::{store, Config};
use elicence_verifier::status::verify_list_credential;
use elicence_verifier::{verify, Policy, Verdict};
use serde_json::{json, Value};

const TOKEN: &str = "elicence-test";
const PIN: &str = "31415926";
const PIN_VAR: &str = "ELICENCE_TEST_HSM_PIN";

/// The SoftHSM2 library: Debian's path, or `ELICENCE_TEST_PKCS11_MODULE`.
fn module() -> PathBuf {
    let path = std::env::var_os("ELICENCE_TEST_PKCS11_MODULE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/lib/softhsm/libsofthsm2.so"));
    assert!(
        path.exists(),
        "{} is missing: run scripts/setup.sh (it installs softhsm2)",
        path.display()
    );
    path
}

/// A SoftHSM2 configuration and token folder in `dir`, with one token.
fn init_token(dir: &Path) -> PathBuf {
    softhsm::init_token(dir, TOKEN, PIN)
}

fn hsm_section(agencies: &[&str], label: &str, pin_var: &str) -> String {
    format!(
        "[hsm]\nmodule = \"{}\"\ntoken_label = \"{label}\"\npin_env = \"{pin_var}\"\nagencies = {:?}\nsessions = 3\n",
        module().display(),
        agencies
    )
}

/// `elicence agency add` for an agency listed in `[hsm].agencies`.
fn add_hsm_agency(config: &Config, code: &str, algorithm: KeyAlgorithm) -> admin::AgencySummary {
    let hsm = Hsm::open(config.hsm.as_ref().unwrap()).unwrap();
    let mut conn = store::open(&config.database, config.durability).unwrap();
    admin::add_agency_in(
        &mut conn,
        KeyStore::Hsm(&hsm),
        config.origin(),
        &NewAgency {
            code,
            name_th: "สำนักงานทดสอบ",
            name_en: "HSM Test Office",
            algorithm,
            did_method: Default::default(),
        },
        "admin:test",
    )
    .unwrap()
}

/// The offline verifier's verdict on `credential`, with the agency's DID
/// document and its status list fetched from the service.
fn verdict(svc: &Service, agency: &str, credential: &Value) -> Verdict {
    let doc = svc.get(&format!("/agencies/{agency}/did.json"), &[]).json();
    let resolver = OfflineResolver::with_documents(vec![doc]).unwrap();
    let now = time::OffsetDateTime::now_utc();
    let mut policy = Policy::at(now);
    let entries = match &credential["credentialStatus"] {
        Value::Array(entries) => entries.clone(),
        Value::Null => Vec::new(),
        one => vec![one.clone()],
    };
    for entry in entries {
        let url = entry["statusListCredential"].as_str().unwrap();
        let list = svc
            .get(url.strip_prefix(common::ORIGIN).unwrap(), &[])
            .json();
        // Judged after the fetch: the list may have been signed just now.
        let now = time::OffsetDateTime::now_utc();
        let snapshot = verify_list_credential(
            &list,
            url,
            credential["issuer"]
                .as_str()
                .or(credential["issuer"]["id"].as_str()),
            &resolver,
            Some(now),
            now,
        )
        .unwrap_or_else(|e| panic!("status list {url}: {e}"));
        policy.status.lists.push(snapshot);
    }
    policy.now = time::OffsetDateTime::now_utc();
    policy.resolver = resolver;
    let report = verify(credential.to_string().as_bytes(), &policy);
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
    report.verdict
}

#[test]
fn agency_keys_live_in_softhsm2_sign_licences_and_never_leave_it() {
    let dir = tempfile::tempdir().unwrap();
    let conf = init_token(dir.path());
    // Before anything in this process initialises the library.
    std::env::set_var("SOFTHSM2_CONF", &conf);
    std::env::set_var(PIN_VAR, PIN);

    let svc_dir = tempfile::tempdir_in(dir.path()).unwrap();
    let config = common::prepare(
        svc_dir.path(),
        &hsm_section(&["hsm-ed", "hsm-p256"], TOKEN, PIN_VAR),
    );
    let ed = add_hsm_agency(&config, "hsm-ed", KeyAlgorithm::Ed25519);
    let p256 = add_hsm_agency(&config, "hsm-p256", KeyAlgorithm::P256);
    for summary in [&ed, &p256] {
        assert!(summary.keys[0].hsm_label.is_some(), "{summary:?}");
    }

    // The database holds the label and public key, nothing secret.
    {
        let conn = store::open(&config.database, config.durability).unwrap();
        let rows = conn
            .query(
                "SELECT agency, length(sealed), hsm_label FROM signing_keys ORDER BY agency",
                &[],
            )
            .unwrap();
        let mut in_hsm = 0;
        for row in rows {
            let (agency, sealed_len, label): (String, i64, Option<String>) = (
                row.get(0).unwrap(),
                row.get(1).unwrap(),
                row.get(2).unwrap(),
            );
            if agency.starts_with("hsm-") {
                assert_eq!(sealed_len, 0, "{agency}: nothing sealed for an HSM key");
                assert!(label.unwrap().starts_with(&format!("elicence/{agency}/")));
                in_hsm += 1;
            } else {
                assert!(sealed_len > 0 && label.is_none(), "{agency}");
            }
        }
        assert_eq!(in_hsm, 2);
    }

    let svc = start_with(svc_dir, config.clone());
    issue_and_verify(&svc);
    keys_cannot_leave_the_token(&ed, &p256);
    concurrent_issuance_shares_the_session_pool(&svc);
    let restarted = rotation_leaves_hsm_keys_working(&svc, dir.path());
    bad_tokens_and_pins_fail_at_start(&svc.config, &restarted.config, dir.path());
    drop(restarted);
    drop(svc);

    // The token folder goes with the temporary directory.
    let tokens = dir.path().join("tokens");
    assert!(std::fs::read_dir(&tokens).unwrap().next().is_some());
    dir.close().unwrap();
}

fn issue_and_verify(svc: &Service) {
    // Ed25519 in the HSM: a licence through /licences (eddsa-rdfc-2022),
    // its status list (signed by the HSM too) and the JWT representation.
    let t = token(&svc.config, "hsm-ed", &[Scope::Issue]);
    let r = svc.post_json("/licences", Some(&t), &common::licence("HSM/ED/1"));
    assert_eq!(r.status, 201, "{}", r.body);
    let vc = r.json();
    assert_eq!(vc["proof"]["cryptosuite"], "eddsa-rdfc-2022");
    verdict(svc, "hsm-ed", &vc);

    // P-256 in the HSM: ECDSA over SHA-256 computed here, r||s from the
    // token. A P-256-only agency issues through the VC API with an ECDSA suite.
    let t = token(&svc.config, "hsm-p256", &[Scope::Issue]);
    let doc = svc.get("/agencies/hsm-p256/did.json", &[]).json();
    let resolver = OfflineResolver::with_documents(vec![doc]).unwrap();
    for (n, suite) in ["ecdsa-rdfc-2019", "ecdsa-jcs-2019"]
        .into_iter()
        .enumerate()
    {
        let vc = issue_example(
            svc,
            &t,
            &format!("urn:uuid:7d0b8f9e-0000-4000-8000-00000000000{n}"),
            suite,
        );
        assert_eq!(vc["proof"]["cryptosuite"], suite);
        let proofs = elicence_core::proof::verify(&vc, &resolver, "assertionMethod", None)
            .unwrap_or_else(|e| panic!("{suite}: {e}"));
        assert_eq!(proofs.len(), 1);
        // Altered, it no longer verifies: the signature covers the content.
        let mut altered = vc.clone();
        altered["credentialSubject"]["name"] = json!("สมชาย");
        assert!(
            elicence_core::proof::verify(&altered, &resolver, "assertionMethod", None).is_err()
        );
    }

    // P-384 in the HSM too (`elicence agency add-key --p384`): SHA-384
    // digest, 96-byte r||s; the newest ECDSA key signs from now on.
    let hsm = Hsm::open(svc.config.hsm.as_ref().unwrap()).unwrap();
    let mut conn = store::open(&svc.config.database, svc.config.durability).unwrap();
    admin::add_key_in(
        &mut conn,
        KeyStore::Hsm(&hsm),
        "hsm-p256",
        KeyAlgorithm::P384,
        time::OffsetDateTime::now_utc(),
        None,
        "admin:test",
    )
    .unwrap();
    let vc = issue_example(
        svc,
        &t,
        "urn:uuid:7d0b8f9e-0000-4000-8000-000000000384",
        "ecdsa-jcs-2019",
    );
    let signature = bs58::decode(&vc["proof"]["proofValue"].as_str().unwrap()[1..])
        .into_vec()
        .unwrap();
    assert_eq!(signature.len(), 96, "P-384 r||s");
    let doc = svc.get("/agencies/hsm-p256/did.json", &[]).json();
    let resolver = OfflineResolver::with_documents(vec![doc]).unwrap();
    let proofs = elicence_core::proof::verify(&vc, &resolver, "assertionMethod", None).unwrap();
    assert!(proofs[0].verification_method.contains("#z82"), "{proofs:?}");
}

/// Issues a small example credential `id` through the VC API with `suite`;
/// returns the signed credential.
fn issue_example(svc: &Service, token: &str, id: &str, suite: &str) -> Value {
    let r = svc.post_json(
        "/credentials/issue",
        Some(token),
        &json!({
            "credential": {
                "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
                "id": id,
                "type": ["VerifiableCredential", "ExampleCredential"],
                "credentialSubject": {"id": "did:example:abc", "name": "สมหญิง"}
            },
            "options": {"cryptosuite": suite}
        }),
    );
    assert_eq!(r.status, 201, "{suite}: {}", r.body);
    let vc = r.json();
    vc.get("verifiableCredential").cloned().unwrap_or(vc)
}

/// The private keys are sensitive and were never extractable: asking the
/// token for CKA_VALUE gives nothing.
fn keys_cannot_leave_the_token(ed: &admin::AgencySummary, p256: &admin::AgencySummary) {
    let ctx = Pkcs11::new(module()).unwrap();
    // The service already initialised the library in this process.
    let _ = ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK));
    let slot = ctx
        .get_slots_with_token()
        .unwrap()
        .into_iter()
        .find(|s| ctx.get_token_info(*s).unwrap().label().trim_end() == TOKEN)
        .unwrap();
    let session = ctx.open_ro_session(slot).unwrap();
    let _ = session.login(UserType::User, Some(&PIN.to_string().into()));
    for summary in [ed, p256] {
        let label = summary.keys[0].hsm_label.clone().unwrap();
        let found = session
            .find_objects(&[
                Attribute::Class(ObjectClass::PRIVATE_KEY),
                Attribute::Label(label.clone().into_bytes()),
            ])
            .unwrap();
        assert_eq!(found.len(), 1, "{label}");
        let attrs = session
            .get_attributes(
                found[0],
                &[
                    AttributeType::Extractable,
                    AttributeType::Sensitive,
                    AttributeType::NeverExtractable,
                    AttributeType::Local,
                ],
            )
            .unwrap();
        for expected in [
            Attribute::Extractable(false),
            Attribute::Sensitive(true),
            Attribute::NeverExtractable(true),
            Attribute::Local(true),
        ] {
            assert!(attrs.contains(&expected), "{label}: {attrs:?}");
        }
        // CKA_VALUE of a sensitive key: CKR_ATTRIBUTE_SENSITIVE, or no value.
        match session.get_attributes(found[0], &[AttributeType::Value]) {
            Err(e) => assert!(e.to_string().contains("Sensitive"), "{e}"),
            Ok(attrs) => assert!(
                !attrs.iter().any(|a| matches!(a, Attribute::Value(_))),
                "{label}: the token gave out the private key"
            ),
        }
    }
    // Logging out ends the login of the whole application, the service's
    // sessions included (as a token restart would): the service must log
    // in again by itself on its next signature.
    session.logout().unwrap();
}

/// Many requests at once on three sessions: every licence signed, each
/// verifying (C_Sign is not re-entrant within a session).
fn concurrent_issuance_shares_the_session_pool(svc: &Service) {
    let t = token(&svc.config, "hsm-ed", &[Scope::Issue]);
    let issued: Vec<Value> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..6)
            .map(|worker| {
                let t = &t;
                scope.spawn(move || {
                    (0..5)
                        .map(|i| {
                            let r = svc.post_json(
                                "/licences",
                                Some(t),
                                &common::licence(&format!("HSM/C/{worker}/{i}")),
                            );
                            assert_eq!(r.status, 201, "{}", r.body);
                            r.json()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert_eq!(issued.len(), 30);
    let doc = svc.get("/agencies/hsm-ed/did.json", &[]).json();
    let resolver = OfflineResolver::with_documents(vec![doc]).unwrap();
    for vc in &issued {
        elicence_core::proof::verify(vc, &resolver, "assertionMethod", None).unwrap();
    }
}

/// `elicence agency rotate-master-key` re-encrypts the software keys only;
/// a service started on the new master key signs with the HSM keys as before.
fn rotation_leaves_hsm_keys_working(svc: &Service, parent: &Path) -> Service {
    let config = svc.config.clone();
    let old = MasterKey::load(&config.master_key).unwrap();
    let new_hex = MasterKey::generate_hex();
    let new = MasterKey::parse(&new_hex).unwrap();
    let mut conn = store::open(&config.database, config.durability).unwrap();
    let count = admin::rotate_master_key(&mut conn, &old, &new, "admin:test").unwrap();
    assert_eq!(count, 2, "the two software agencies' keys, not the HSM's");
    // The running instance keeps signing with the HSM key.
    let t = token(&config, "hsm-ed", &[Scope::Issue]);
    let r = svc.post_json("/licences", Some(&t), &common::licence("HSM/R/1"));
    assert_eq!(r.status, 201, "{}", r.body);

    // A second instance on the same database and the new master key.
    let dir = tempfile::tempdir_in(parent).unwrap();
    let master_file = dir.path().join("master.key");
    std::fs::write(&master_file, format!("{}\n", new_hex.as_str())).unwrap();
    #[cfg(unix)]
    std::fs::set_permissions(
        &master_file,
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    let mut config = config;
    config.master_key.file = Some(master_file);
    let restarted = start_with(dir, config);
    let r = restarted.post_json("/licences", Some(&t), &common::licence("HSM/R/2"));
    assert_eq!(r.status, 201, "{}", r.body);
    verdict(&restarted, "hsm-ed", &r.json());
    let soft = token(&restarted.config, "bangrak", &[Scope::Issue]);
    let r = restarted.post_json("/licences", Some(&soft), &common::licence("SOFT/R/2"));
    assert_eq!(r.status, 201, "{}", r.body);
    restarted
}

/// A wrong PIN, a token that is not there or a library that is not there
/// stop the service at start with the reason (and never the PIN), both in
/// the library and from `elicence-issuer serve`.
fn bad_tokens_and_pins_fail_at_start(original: &Config, config: &Config, parent: &Path) {
    std::env::set_var("ELICENCE_TEST_HSM_WRONG_PIN", "00000000");
    let cases = [
        (
            hsm_section(&["hsm-ed"], TOKEN, "ELICENCE_TEST_HSM_WRONG_PIN"),
            "wrong PIN",
        ),
        (
            hsm_section(&["hsm-ed"], "no-such-token", PIN_VAR),
            "no token labelled `no-such-token`",
        ),
        (
            hsm_section(&["hsm-ed"], TOKEN, "ELICENCE_TEST_HSM_UNSET"),
            "ELICENCE_TEST_HSM_UNSET (the token PIN) is not set",
        ),
        (
            hsm_section(&["hsm-ed"], TOKEN, PIN_VAR)
                .replace(&module().display().to_string(), "/nonexistent/libpkcs11.so"),
            "cannot load the PKCS#11 module /nonexistent/libpkcs11.so",
        ),
    ];
    let dir = tempfile::tempdir_in(parent).unwrap();
    for (n, (section, needle)) in cases.iter().enumerate() {
        // In this process the token is already logged in (PKCS#11 login
        // belongs to the application, not the session), so only a fresh
        // process can be refused the PIN; the other cases fail here too.
        if !needle.contains("PIN") {
            let mut broken = config.clone();
            broken.hsm = Some(toml::from_str(&section.replace("[hsm]\n", "")).unwrap());
            let err = build_state(broken).unwrap_err().to_string();
            assert!(err.contains(needle), "{needle}: {err}");
        }

        // Through the binary: a message and exit status 2, no panic.
        let text = std::fs::read_to_string(config.source.as_ref().unwrap())
            .unwrap()
            .replace(
                &original
                    .master_key
                    .file
                    .as_ref()
                    .unwrap()
                    .display()
                    .to_string(),
                &config
                    .master_key
                    .file
                    .as_ref()
                    .unwrap()
                    .display()
                    .to_string(),
            );
        let start = text.find("[hsm]").unwrap();
        let path = dir.path().join(format!("broken-{n}.toml"));
        std::fs::write(&path, format!("{}{section}", &text[..start])).unwrap();
        let (status, stderr) = serve_until_exit(&path);
        assert_eq!(status, Some(2), "{needle}: {stderr}");
        assert!(stderr.contains(needle), "{needle}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(
            !stderr.contains(PIN) && !stderr.contains("00000000"),
            "{stderr}"
        );
    }
}

/// Runs `elicence-issuer serve`, which must stop by itself; a service that
/// started anyway is killed (after a minute) so the test fails, not hangs.
fn serve_until_exit(config: &Path) -> (Option<i32>, String) {
    use std::io::Read;
    let mut child = Command::new(env!("CARGO_BIN_EXE_elicence-issuer"))
        .args(["serve", "--config"])
        .arg(config)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (status, stderr)
}
