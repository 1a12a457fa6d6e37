//! Master-key rotation: every stored signing key re-encrypted in one
//! transaction, all or nothing, while a running service keeps issuing.
//! Runs on SQLite, or PostgreSQL with `ELICENCE_TEST_DATABASE=postgres`.

mod common;

use common::{licence, start, token};
use elicence_issuer::admin::{self, Scope};
use elicence_issuer::crypto::MasterKey;
use elicence_issuer::registry::load_agencies;
use elicence_issuer::{store, IssuerError};

fn new_master() -> MasterKey {
    MasterKey::parse(&MasterKey::generate_hex()).unwrap()
}

#[test]
fn rotation_re_encrypts_every_key_and_the_running_service_keeps_issuing() {
    let svc = start("");
    let t = token(&svc.config, "bangrak", &[Scope::Issue]);
    assert_eq!(
        svc.post_json("/licences", Some(&t), &licence("r/1")).status,
        201
    );
    let old = MasterKey::load(&svc.config.master_key).unwrap();
    let new = new_master();
    let mut conn = store::open(&svc.config.database, svc.config.durability).unwrap();
    let before = load_agencies(&conn, svc.config.origin(), &old).unwrap();
    let n = admin::rotate_master_key(&mut conn, &old, &new, "admin:test").unwrap();
    assert_eq!(n, 2, "both agencies' keys");
    // Only the new key opens them now, and they are the same keys.
    assert!(matches!(
        load_agencies(&conn, svc.config.origin(), &old),
        Err(IssuerError::Decrypt)
    ));
    let after = load_agencies(&conn, svc.config.origin(), &new).unwrap();
    for (code, agency) in &before {
        assert_eq!(
            after[code].keys[0].public, agency.keys[0].public,
            "{code}: same key material"
        );
    }
    // The running instance (still on the old master key) keeps issuing.
    let r = svc.post_json("/licences", Some(&t), &licence("r/2"));
    assert_eq!(r.status, 201, "{}", r.body);
    let log = store::audit_log(&conn, None).unwrap();
    assert!(log.iter().any(|e| e.action == "master-key.rotate"));
}

#[test]
fn a_rotation_that_fails_midway_changes_nothing() {
    let svc = start("");
    let old = MasterKey::load(&svc.config.master_key).unwrap();
    let mut conn = store::open(&svc.config.database, svc.config.durability).unwrap();
    // The last key (in rotation order) cannot be opened: the rotation stops
    // there, after re-encrypting the others inside its transaction, as a
    // kill at that moment would.
    let last: String = conn
        .query_one("SELECT MAX(id) FROM signing_keys", &[])
        .unwrap()
        .get(0)
        .unwrap();
    let sealed: Vec<u8> = conn
        .query_one(
            "SELECT sealed FROM signing_keys WHERE id = ?1",
            &[last.as_str().into()],
        )
        .unwrap()
        .get(0)
        .unwrap();
    let mut broken = sealed.clone();
    let end = broken.len() - 1;
    broken[end] ^= 1;
    conn.execute(
        "UPDATE signing_keys SET sealed = ?2 WHERE id = ?1",
        &[last.as_str().into(), broken.into()],
    )
    .unwrap();
    let err = admin::rotate_master_key(&mut conn, &old, &new_master(), "admin:test").unwrap_err();
    assert!(matches!(err, IssuerError::Decrypt), "{err}");
    // Put the key back: every key opens with the old master key again, so
    // nothing of the failed rotation was kept.
    conn.execute(
        "UPDATE signing_keys SET sealed = ?2 WHERE id = ?1",
        &[last.as_str().into(), sealed.into()],
    )
    .unwrap();
    let agencies = load_agencies(&conn, svc.config.origin(), &old).unwrap();
    assert_eq!(agencies.len(), 2);
    assert!(!store::audit_log(&conn, None)
        .unwrap()
        .iter()
        .any(|e| e.action == "master-key.rotate"));
}

/// Two `elicence-issuer serve` processes on one fresh PostgreSQL database;
/// clients issue through both without pause while the master key rotates,
/// the new key file is installed, and an agency and a key are added under
/// the new key. Not one request fails, and both processes take up the new
/// master key and the keys added under it without a restart: instance 0 on
/// SIGHUP, instance 1 when the new agency makes its keys stop opening.
#[test]
fn master_key_rotates_under_load_and_running_instances_follow_without_restart() {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Mutex;

    let dir = tempfile::tempdir().unwrap();
    common::create_test_database(dir.path());
    let _database = common::DatabaseGuard(dir.path());
    let config = common::prepare(dir.path(), "");
    let t = token(&config, "bangrak", &[Scope::Issue]);
    let text = std::fs::read_to_string(dir.path().join("issuer.toml")).unwrap();
    let mut instances = Vec::new();
    let mut urls = Vec::new();
    for n in 0..2 {
        let port = common::free_port();
        let path = dir.path().join(format!("i{n}.toml"));
        // No periodic check: what is picked up comes from SIGHUP or from
        // keys that stop opening.
        let text = format!("reload_check_seconds = 0\n{text}")
            .replace("127.0.0.1:0", &format!("127.0.0.1:{port}"));
        std::fs::write(&path, text).unwrap();
        instances.push(common::LoggedServe::spawn(
            &path,
            dir.path().join(format!("i{n}.log")),
        ));
        let addr = format!("127.0.0.1:{port}").parse().unwrap();
        common::wait_healthy(addr, std::time::Duration::from_secs(60));
        urls.push(format!("http://{addr}"));
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let issue = |url: &str, token: &str, number: &str| -> Result<serde_json::Value, String> {
        let mut r = agent
            .post(&format!("{url}/licences"))
            .header("authorization", &format!("Bearer {token}"))
            .header("content-type", "application/json")
            .send(licence(number).to_string())
            .map_err(|e| e.to_string())?;
        let status = r.status().as_u16();
        let body = r.body_mut().read_to_string().map_err(|e| e.to_string())?;
        if status != 201 {
            return Err(format!("{status} {body}"));
        }
        serde_json::from_str(&body).map_err(|e| e.to_string())
    };
    let wait = |what: &str, mut done: Box<dyn FnMut() -> bool + '_>| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while !done() {
            assert!(std::time::Instant::now() < deadline, "timed out: {what}");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    };

    let stop = AtomicBool::new(false);
    let issued = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::<String>::new());
    let master_path = config.master_key.file.clone().unwrap();
    std::thread::scope(|s| {
        // However the test ends (a failed assertion too), the clients stop,
        // or the scope would wait for them forever.
        let _stop = common::StopOnDrop(&stop);
        for client in 0..4 {
            let (stop, issued, failures, urls, t, issue) =
                (&stop, &issued, &failures, &urls, &t, &issue);
            s.spawn(move || {
                let mut n = 0;
                while !stop.load(Ordering::Acquire) {
                    n += 1;
                    let url = &urls[(client + n) % urls.len()];
                    match issue(url, t, &format!("ROT-{client}-{n}/2569")) {
                        Ok(_) => {
                            issued.fetch_add(1, Ordering::AcqRel);
                        }
                        Err(e) => failures.lock().unwrap().push(e),
                    }
                }
            });
        }
        let issued_ref = &issued;
        let at_least = |more: usize| {
            let issued = issued_ref;
            let target = issued.load(Ordering::Acquire) + more;
            wait(
                "clients issuing",
                Box::new(move || issued.load(Ordering::Acquire) >= target),
            );
        };
        at_least(20);

        // The rotation, as `elicence agency rotate-master-key` runs it,
        // then the new key file installed where [master_key] points.
        let old = MasterKey::load(&config.master_key).unwrap();
        let new_path = dir.path().join("master.key.new");
        elicence_issuer::crypto::write_master_key_file(&new_path).unwrap();
        let new = MasterKey::load(&elicence_issuer::config::MasterKeySource {
            file: Some(new_path.clone()),
            env: None,
        })
        .unwrap();
        let mut conn = store::open(&config.database, config.durability).unwrap();
        assert_eq!(
            admin::rotate_master_key(&mut conn, &old, &new, "admin:test").unwrap(),
            2
        );
        // Both instances meet keys they cannot open, keep theirs, issue on.
        for i in &instances {
            i.wait_for_log("stored keys no longer open");
        }
        at_least(20);
        std::fs::rename(&new_path, &master_path).unwrap();
        // Instance 0 takes the new key on SIGHUP, before any key changes.
        instances[0].hangup();
        instances[0].wait_for_log("master key changed");
        at_least(10);

        // An agency and a key added under the new master key reach both
        // running instances; instance 1 adopts the new master key then.
        let multikey = common::add_phuket_and_a_bangrak_key(&mut conn, &new, config.origin());
        let phuket = token(&config, "phuket", &[Scope::Issue]);
        for (n, url) in urls.iter().enumerate() {
            let vc = issue(url, &phuket, &format!("PHUKET-{n}/2569")).unwrap();
            assert!(vc["issuer"].to_string().contains(":agencies:phuket"));
            let vc = issue(url, &t, &format!("NEWKEY-{n}/2569")).unwrap();
            let method = vc["proof"]["verificationMethod"].as_str().unwrap();
            assert!(method.ends_with(&multikey), "signed with the new key");
        }
        instances[1].wait_for_log("master key changed");
        at_least(10);
        stop.store(true, Ordering::Release);
    });
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "failed requests: {failures:?}");
    let issued = issued.into_inner();
    let conn = store::open(&config.database, config.durability).unwrap();
    let stored: i64 = conn
        .query_one("SELECT COUNT(*) FROM credentials", &[])
        .unwrap()
        .get(0)
        .unwrap();
    assert_eq!(
        stored as usize,
        issued + 4,
        "every acknowledged licence stored"
    );
    // Restarted, an instance starts on the installed key file.
    drop(instances);
    let again = common::start_with(tempfile::tempdir().unwrap(), config.clone());
    let r = again.post_json("/licences", Some(&t), &licence("AFTER/2569"));
    assert_eq!(r.status, 201, "{}", r.body);
}

#[test]
fn rotation_moves_the_console_totp_secrets_too() {
    // The console's accounts live in the embedded SQLite database only.
    if common::on_postgres() {
        return;
    }
    use elicence_issuer::console::accounts::{self, NewAccount, Role};
    let dir = tempfile::tempdir().unwrap();
    let config = common::prepare(dir.path(), "");
    let old = MasterKey::load(&config.master_key).unwrap();
    let mut conn = store::open(&config.database, config.durability).unwrap();
    accounts::add_account(
        &conn,
        &old,
        &NewAccount {
            agency: "bangrak",
            username: "somchai",
            display_name: "สมชาย ใจดี",
            role: Role::Issuer,
            password: "correct horse battery",
        },
        "admin:test",
    )
    .unwrap();
    let new = new_master();
    admin::rotate_master_key(&mut conn, &old, &new, "admin:test").unwrap();
    let row = conn
        .query_one("SELECT id, agency, totp_sealed FROM console_accounts", &[])
        .unwrap();
    let (id, agency, sealed): (String, String, Vec<u8>) = (
        row.get(0).unwrap(),
        row.get(1).unwrap(),
        row.get(2).unwrap(),
    );
    let key_id = format!("console-totp:{id}");
    assert!(new.open(&agency, &key_id, &sealed).is_ok());
    assert!(old.open(&agency, &key_id, &sealed).is_err());
}
