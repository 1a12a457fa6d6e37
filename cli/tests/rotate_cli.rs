//! `elicence agency rotate-master-key` end to end on a real database: every
//! stored key moves to the new master key; the old one no longer opens them.

use std::process::{Command, Stdio};

fn elicence() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_elicence"));
    cmd.stdin(Stdio::null());
    cmd
}

fn config(dir: &std::path::Path, name: &str, key: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!(
            "public_url = \"https://licence.example.go.th\"\ndatabase = \"{}\"\n[master_key]\nfile = \"{}\"\n",
            dir.join("issuer.db").display(),
            dir.join(key).display()
        ),
    )
    .unwrap();
    path
}

#[test]
fn rotate_master_key_moves_every_key_to_the_new_master_key() {
    let dir = tempfile::tempdir().unwrap();
    for key in ["old.key", "new.key", "third.key"] {
        elicence_issuer::crypto::write_master_key_file(&dir.path().join(key)).unwrap();
    }
    let old = config(dir.path(), "old.toml", "old.key");
    let new = config(dir.path(), "new.toml", "new.key");
    for code in ["bangrak", "chiangmai"] {
        let out = elicence()
            .args(["agency", "add", "--config"])
            .arg(&old)
            .args([
                "--code",
                code,
                "--name-th",
                "หน่วยงาน",
                "--name-en",
                "Agency",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let rotate = |config: &std::path::Path, to: &str| {
        elicence()
            .args(["agency", "rotate-master-key", "--config"])
            .arg(config)
            .arg("--new-key-file")
            .arg(dir.path().join(to))
            .output()
            .unwrap()
    };
    let out = rotate(&old, "new.key");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("2 signing keys"));
    // The old master key opens nothing any more: a clear error, exit non-zero,
    // and nothing changed.
    let out = rotate(&old, "third.key");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("decrypt"), "{err}");
    // The new one opens every key.
    let out = rotate(&new, "third.key");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The administrative PostgreSQL URL (as the issuer tests use it).
fn pg_admin_url() -> String {
    std::env::var("ELICENCE_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A fresh PostgreSQL database, dropped (with its connections) on drop.
struct Database {
    name: String,
    url: String,
}

impl Database {
    fn create() -> Database {
        let name = format!(
            "elicence_t_rotkill_{}_{}",
            std::process::id(),
            elicence_issuer::crypto::random_id()
                .to_lowercase()
                .replace('-', "_")
        );
        let admin = pg_admin_url();
        postgres::Client::connect(&admin, postgres::NoTls)
            .unwrap()
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        let url = format!("{base}/{name}");
        Database { name, url }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&pg_admin_url(), postgres::NoTls) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// Waits (at most a minute) until `query` on `client` returns a count > 0.
fn wait_for(client: &mut postgres::Client, what: &str, query: &str, name: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let n: i64 = client.query_one(query, &[&name]).unwrap().get(0);
        if n > 0 {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "timed out: {what}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// `elicence agency rotate-master-key` SIGKILLed midway on PostgreSQL: it
/// has re-encrypted some keys inside its transaction and waits on a row
/// this test holds locked. Afterwards every key still opens with the old
/// master key and none with the new one, and the rotation run again
/// completes.
#[test]
fn rotate_master_key_killed_midway_changes_nothing() {
    use elicence_issuer::admin;
    use elicence_issuer::crypto::MasterKey;
    use elicence_issuer::registry::load_agencies;

    let dir = tempfile::tempdir().unwrap();
    let db = Database::create();
    for key in ["old.key", "new.key"] {
        elicence_issuer::crypto::write_master_key_file(&dir.path().join(key)).unwrap();
    }
    let path = dir.path().join("old.toml");
    std::fs::write(
        &path,
        format!(
            "public_url = \"https://licence.example.go.th\"\ndatabase = \"{}\"\n[master_key]\nfile = \"{}\"\n",
            db.url,
            dir.path().join("old.key").display()
        ),
    )
    .unwrap();
    let config = elicence_issuer::Config::load(&path).unwrap();
    let old = MasterKey::load(&config.master_key).unwrap();
    let new = MasterKey::load(&elicence_issuer::config::MasterKeySource {
        file: Some(dir.path().join("new.key")),
        env: None,
    })
    .unwrap();
    let mut conn = elicence_issuer::store::open(&config.database, config.durability).unwrap();
    for code in ["a1", "a2", "a3"] {
        admin::add_agency(
            &mut conn,
            &old,
            config.origin(),
            &admin::NewAgency {
                code,
                name_th: "หน่วยงาน",
                name_en: "Agency",
                algorithm: elicence_core::keys::KeyAlgorithm::Ed25519,
                did_method: Default::default(),
            },
            "admin:test",
        )
        .unwrap();
    }
    // The last key in rotation order, locked by this test.
    let mut holder = postgres::Client::connect(&db.url, postgres::NoTls).unwrap();
    let mut lock = holder.transaction().unwrap();
    lock.query_one(
        "SELECT id FROM signing_keys ORDER BY id DESC LIMIT 1 FOR UPDATE",
        &[],
    )
    .unwrap();
    let rotate = || {
        elicence()
            .args(["agency", "rotate-master-key", "--config"])
            .arg(&path)
            .arg("--new-key-file")
            .arg(dir.path().join("new.key"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut child = rotate();
    let mut watcher = postgres::Client::connect(&pg_admin_url(), postgres::NoTls).unwrap();
    // Midway: its UPDATE of the locked key waits, the others are done.
    wait_for(
        &mut watcher,
        "the rotation waiting on the locked key",
        "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = $1 \
         AND wait_event_type = 'Lock' AND query LIKE 'UPDATE signing_keys%'",
        &db.name,
    );
    child.kill().unwrap();
    child.wait().unwrap();
    lock.rollback().unwrap();
    // Its backend finds the client gone once the lock is free, and aborts.
    wait_for(
        &mut watcher,
        "the killed rotation's backend to end",
        "SELECT 1 - LEAST(COUNT(*), 1) FROM pg_stat_activity WHERE datname = $1 \
         AND query LIKE 'UPDATE signing_keys%'",
        &db.name,
    );
    let conn = elicence_issuer::store::open(&config.database, config.durability).unwrap();
    assert_eq!(
        load_agencies(&conn, config.origin(), &old).unwrap().len(),
        3
    );
    assert!(load_agencies(&conn, config.origin(), &new).is_err());
    assert!(!elicence_issuer::store::audit_log(&conn, None)
        .unwrap()
        .iter()
        .any(|e| e.action == "master-key.rotate"));
    // Run again, it completes.
    let status = rotate().wait().unwrap();
    assert!(status.success());
    assert_eq!(
        load_agencies(&conn, config.origin(), &new).unwrap().len(),
        3
    );
    drop(conn);
    drop(watcher);
    drop(holder);
}
